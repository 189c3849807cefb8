/* libxkguest internals: never included from outside libguest/. */
#ifndef XKGUEST_PRIVATE_H
#define XKGUEST_PRIVATE_H
#include "config.h"
#include <xkit/guest.h>
#endif
