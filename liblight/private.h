/* libxklight internals: never included from outside liblight/. */
#ifndef XKLIGHT_PRIVATE_H
#define XKLIGHT_PRIVATE_H
#include "config.h"
#include <xkit/light.h>
#endif
