/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* STUB: device/hotplug.c (being written) */
#include "private.h"
