# SPDX-License-Identifier: GPL-2.0-or-later
# XK_PKG(VAR, MODULES, DEBIAN-PACKAGE)
# Find MODULES with pkg-config into VAR_CFLAGS/VAR_LIBS or stop, naming the
# Debian package that provides them.
AC_DEFUN([XK_PKG], [
  PKG_CHECK_MODULES([$1], [$2], [],
    [AC_MSG_ERROR([$2 not found: install the Debian package $3 (apt-get install $3)])])
])

# XK_LIB_HEADER(VAR, HEADER, LIB, FUNCTION, DEBIAN-PACKAGE)
# For libraries without a .pc file: check the header and the library.
AC_DEFUN([XK_LIB_HEADER], [
  AC_CHECK_HEADER([$2], [],
    [AC_MSG_ERROR([$2 not found: install the Debian package $5 (apt-get install $5)])])
  AC_CHECK_LIB([$3], [$4], [$1_LIBS=-l$3],
    [AC_MSG_ERROR([lib$3 not found: install the Debian package $5 (apt-get install $5)])])
  AC_SUBST([$1_LIBS])
])

# XK_XEN_HEADERS: the Xen public interface headers (ABI only; nothing of
# Xen's own userspace libraries is linked).
AC_DEFUN([XK_XEN_HEADERS], [
  AC_CHECK_HEADERS([xen/xen.h xen/domctl.h xen/sys/privcmd.h xen/io/xs_wire.h xen/sys/evtchn.h xen/sys/gntdev.h],
    [], [AC_MSG_ERROR([Xen public header $ac_header not found: install the Debian package libxen-dev])],
    [#define __XEN_TOOLS__ 1
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <xen/xen.h>])
  AC_MSG_CHECKING([Xen domctl/sysctl interface versions])
  AC_COMPUTE_INT([XK_DOMCTL_IV], [XEN_DOMCTL_INTERFACE_VERSION], [#define __XEN_TOOLS__ 1
#include <stdint.h>
#include <xen/domctl.h>], [AC_MSG_ERROR([cannot read XEN_DOMCTL_INTERFACE_VERSION])])
  AC_COMPUTE_INT([XK_SYSCTL_IV], [XEN_SYSCTL_INTERFACE_VERSION], [#define __XEN_TOOLS__ 1
#include <stdint.h>
#include <xen/sysctl.h>], [AC_MSG_ERROR([cannot read XEN_SYSCTL_INTERFACE_VERSION])])
  AC_MSG_RESULT([domctl $XK_DOMCTL_IV, sysctl $XK_SYSCTL_IV])
])
