/* version.c — the library version, from the build (meson project version). */
#include "ug_config.h"
#include "updguard/updguard.h"

const char *ug_version(void)
{
	return UG_VERSION;
}
