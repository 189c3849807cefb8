/*
 * Split-driver devices (liblight/device/): one table of device kinds, each
 * a row naming its xenstore directories; the domain layout's list of
 * backends to remove on destroy comes from the same table.
 */
#ifndef XKLIGHT_DEVICE_H
#define XKLIGHT_DEVICE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xkl__devkind {
    const char *name;       /* backend directory: backend/<name>/<domid>/<devid> */
    const char *frontend;   /* frontend directory: device/<frontend>/<devid> */
};

/* Every kind liblight knows, terminated by a row with name NULL. */
extern const struct xkl__devkind xkl__devkinds[];
/* The row called name, or NULL. */
const struct xkl__devkind *xkl__devkind_find(const char *name);
#endif
