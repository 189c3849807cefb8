#include "private.h"

const char *xkl_version(void)
{
    return PACKAGE_VERSION;
}
