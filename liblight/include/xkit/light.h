/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libxklight: the xkit liblight layer. Its public header: one header per
 * area under <xkit/light/>, each of which may be included on its own.
 */
#ifndef XKIT_LIGHT_H
#define XKIT_LIGHT_H

#include <xkit/light/api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Library version string, e.g. "0.1.0". */
XKL_API const char *xkl_version(void);

#ifdef __cplusplus
}
#endif

#include <xkit/light/config.h>   /* xl.cfg, typed domain configuration, JSON */
#include <xkit/light/xs.h>       /* the xenstore client */
#include <xkit/light/domain.h>   /* context, life cycle, events, monitor */
#include <xkit/light/device.h>   /* disks and network interfaces */
#include <xkit/light/host.h>     /* cpupools */
#endif /* XKIT_LIGHT_H */
