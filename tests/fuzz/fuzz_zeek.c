/* fuzz_zeek.c — libFuzzer target: Zeek TSV (header-driven, restarts at
 * "#separator") and Zeek JSON on arbitrary input; see fuzz_common.h. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const tsv[] = {"zeek-tsv"};
	static const char *const json[] = {"zeek-json"};
	fuzz_formats(data, size, tsv, 1, false);
	fuzz_formats(data, size, json, 1, true);
	return 0;
}
