#include "private.h"

const char *xkc_version(void)
{
    return PACKAGE_VERSION;
}
