/*
 * libxkctrl: the xkit hypervisor interface (privcmd, evtchn, gntdev).
 * The only public header of libxkctrl.
 */
#ifndef XKIT_CTRL_H
#define XKIT_CTRL_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define XKC_API __attribute__((visibility("default")))
#else
#define XKC_API
#endif

/* Library version string, e.g. "0.1.0". */
XKC_API const char *xkc_version(void);

#ifdef __cplusplus
}
#endif
#endif /* XKIT_CTRL_H */
