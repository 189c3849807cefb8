/*
 * libxkguest: the xkit libguest layer. The only public header of libxkguest.
 */
#ifndef XKIT_GUEST_H
#define XKIT_GUEST_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define XKG_API __attribute__((visibility("default")))
#else
#define XKG_API
#endif

/* Library version string, e.g. "0.1.0". */
XKG_API const char *xkg_version(void);

#ifdef __cplusplus
}
#endif
#endif /* XKIT_GUEST_H */
