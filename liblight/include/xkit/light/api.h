/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libxklight: the export attribute every area header uses. */
#ifndef XKIT_LIGHT_API_H
#define XKIT_LIGHT_API_H
#if defined(__GNUC__)
#define XKL_API __attribute__((visibility("default")))
#else
#define XKL_API
#endif
#endif
