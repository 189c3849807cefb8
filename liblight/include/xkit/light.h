/*
 * libxklight: the xkit liblight layer. The only public header of libxklight.
 */
#ifndef XKIT_LIGHT_H
#define XKIT_LIGHT_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define XKL_API __attribute__((visibility("default")))
#else
#define XKL_API
#endif

/* Library version string, e.g. "0.1.0". */
XKL_API const char *xkl_version(void);

#ifdef __cplusplus
}
#endif
#endif /* XKIT_LIGHT_H */
