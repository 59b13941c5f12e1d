/* fuzz_squid.c — libFuzzer target: the proxy formats (squid, apache-clf,
 * apache-combined) on arbitrary input; see fuzz_common.h. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"squid", "apache-clf", "apache-combined"};
	fuzz_formats(data, size, names, UG_ARRAY_LEN(names), false);
	return 0;
}
