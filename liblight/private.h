/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxklight internals: the one private header of liblight, never included
 * from outside liblight/ (unit tests aside). Each area keeps its internal
 * declarations in a header of its own folder; this file puts them together
 * in dependency order, so every liblight source includes "private.h" only.
 *
 *   xs/       xenstore client: wire codec (pure), connection, operations,
 *             batches of requests                           -> xs/xs.h
 *   config/   xl.cfg lexer and parser, diagnostics, the key table, spec
 *             mini-languages (disk, vif), types.def, JSON    -> config/cfg.h,
 *                                                               config/types.h
 *   domain/   context, info, control, create (steps), destroy, state
 *             directory, events, monitor, xenstore layout   -> domain/domain.h
 *   device/   split-driver devices: the table of device kinds, add, remove,
 *             wait for a state; disks (vdev, loop, vbd), vifs (netlink,
 *             hotplug scripts), a domain's devices, listing  -> device/device.h
 *   dm/       the device model: QEMU for qdisk backends (declared in
 *             device/device.h)
 *   host/     the whole host: cpupools; kernel configurations and what
 *             dom0 and guests need of them                  -> host/host.h
 *
 * Internal names carry the library's prefix with two underscores (xkl__).
 */
#ifndef XKLIGHT_PRIVATE_H
#define XKLIGHT_PRIVATE_H
#include "config.h"
#include <xkit/light.h>

#include "xs/xs.h"
#include "config/cfg.h"
#include "config/types.h"
#include "domain/domain.h"
#include "device/device.h"
#include "host/host.h"
#endif
