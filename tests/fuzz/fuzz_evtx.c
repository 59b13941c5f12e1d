/* fuzz_evtx.c — libFuzzer target: the EVTX chunk parser (BinXML tokens,
 * templates by offset, substitution values, arrays, nested BinXML, record
 * walking and resync, carving, XML rendering) on arbitrary chunk bytes put
 * behind a valid file header. Aborts when an event breaks the event
 * contract (names and values valid UTF-8; see fuzz_common.h). The corpus
 * holds real chunks cut from the shared samples, whole and truncated. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t file[4096 + 2 * 65536];
	size_t n = size < 2 * 65536 ? size : 2 * 65536;
	memset(file, 0, 4096);
	memcpy(file, "ElfFile", 8);
	memcpy(file + 4096, data, n);
	ug_sv in = ug_sv_make((const char *)file, 4096 + n);
	const ug_format *f = ug_format_find("evtx");
	if (!f)
		abort();
	(void)f->detect(in, "fuzz.evtx");
	ug_input_opts plain = {0}, all = {0};
	all.carve = all.evtx_xml = true;
	ug_parse_stats stats;
	ug_error err;
	ug_format_parse_buffer(f, in, &plain, fuzz_check_event, (void *)1, &stats, &err);
	ug_format_parse_buffer(f, in, &all, fuzz_check_event, (void *)1, &stats, &err);
	return 0;
}
