/* libxkctrl internals: never included from outside libctrl/. */
#ifndef XKCTRL_PRIVATE_H
#define XKCTRL_PRIVATE_H
#include "config.h"
#include <xkit/ctrl.h>
#endif
