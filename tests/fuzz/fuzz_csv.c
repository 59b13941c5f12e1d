/* fuzz_csv.c — libFuzzer target: the CSV-like and lease formats (csv without
 * a mapping file, dhcp-windows, dhcpd-leases) on arbitrary input; see
 * fuzz_common.h. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"csv", "dhcp-windows", "dhcpd-leases"};
	fuzz_formats(data, size, names, UG_ARRAY_LEN(names), false);
	return 0;
}
