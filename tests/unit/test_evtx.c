/* test_evtx.c — the EVTX reader on hand-built files: one chunk whose records
 * use a template defined inline in the first record and reused by offset in
 * the second, with a substitution of every value type the samples lack
 * (all integer widths, float, double, bool, binary, GUID, size_t, FILETIME,
 * SYSTEMTIME, SID, HexInt32/64, ANSI strings, string and integer arrays,
 * nested BinXML, surrogate pairs and invalid UTF-16), null optional
 * substitutions, the XML rendering, and damage: a record whose size copy is
 * wrong is skipped with its chunk and the other records are still read.
 * And the fast path: a file of several chunks in Windows' layout (an outer
 * System template whose last value is BinXML holding the EventData
 * instance), templates defined again in each chunk at other offsets, names
 * referenced by offset, a same-GUID template with other content, records a
 * field program cannot do; read as the reader reads a block and through the
 * reader itself, it gives exactly what UG_EVTX_SLOW (the reference path)
 * gives, with templates shared and programs run.
 * Byte layouts follow libyal's EVTX format document (docs/evtx.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "core/buf.h"
#include "core/str.h"
#include "sources/evtx/evtx.h"
#include "sources/format.h"
#include "sources/machinery.h"
#include "updguard/context.h"
#include "updguard/sources.h"

/* ---- building a file ---- */

static uint8_t file[4096 + 3 * 65536];
static uint8_t *ch = file + 4096; /* the chunk */
static uint32_t pos;              /* chunk offset of the next byte */

static void u8(uint8_t v) { ch[pos++] = v; }
static void u16(uint16_t v) { u8((uint8_t)v); u8((uint8_t)(v >> 8)); }
static void u32(uint32_t v) { u16((uint16_t)v); u16((uint16_t)(v >> 16)); }
static void u64(uint64_t v) { u32((uint32_t)v); u32((uint32_t)(v >> 32)); }
static void put32(uint32_t at, uint32_t v) { uint32_t save = pos; pos = at; u32(v); pos = save; }

static void utf16(const char *ascii)
{
	for (; *ascii; ascii++)
		u16((uint8_t)*ascii);
}

/* Names already in the chunk, referenced by offset when name_refs is set
 * (as Windows writes them); else every name is inline. */
static bool name_refs;
static struct {
	const char *s;
	uint32_t off;
} seen[64];
static int nseen;

/* A name reference with the name inline right after it (or by offset). */
static void name(const char *s)
{
	for (int i = 0; name_refs && i < nseen; i++)
		if (strcmp(seen[i].s, s) == 0) {
			u32(seen[i].off);
			return;
		}
	if (name_refs && nseen < 64)
		seen[nseen].s = s, seen[nseen++].off = pos + 4;
	u32(pos + 4);
	u32(0);
	u16(0);
	u16((uint16_t)strlen(s));
	utf16(s);
	u16(0);
}

static void open_el(const char *s, bool attrs)
{
	u8(attrs ? 0x41 : 0x01);
	u16(0xffff);
	u32(0);
	name(s);
	if (attrs)
		u32(0);
}
static void attr(const char *s) { u8(0x06); name(s); }
static void text(const char *s) { u8(0x05); u8(0x01); u16((uint16_t)strlen(s)); utf16(s); }
static void subst(uint16_t idx, uint8_t type, bool optional) { u8(optional ? 0x0e : 0x0d); u16(idx); u8(type); }
static void started(void) { u8(0x02); }
static void end_el(void) { u8(0x04); }
static void empty_el(void) { u8(0x03); }

/* <Data Name="n">%idx</Data> */
static void data(const char *n, uint16_t idx, uint8_t type)
{
	open_el("Data", true);
	attr("Name");
	text(n);
	started();
	subst(idx, type, false);
	end_el();
}

enum { V_EID, V_TIME, V_RID, V_CHAN, V_COMP, V_QUAL, V_ACT,
       V_STR, V_BAD, V_ANSI, V_I8, V_U8, V_I16, V_U16, V_I32, V_U32, V_I64, V_U64,
       V_F32, V_F64, V_BOOL, V_BIN, V_GUID, V_SIZET, V_FT, V_ST, V_SID, V_H32, V_H64,
       V_SARR, V_U16ARR, V_XML, V_AMP, NV };
static const uint8_t vtype[NV] = {
    [V_EID] = 0x06, [V_TIME] = 0x11, [V_RID] = 0x0a, [V_CHAN] = 0x01, [V_COMP] = 0x01,
    [V_QUAL] = 0x06, [V_ACT] = 0x0f, [V_STR] = 0x01, [V_BAD] = 0x01, [V_ANSI] = 0x02,
    [V_I8] = 0x03, [V_U8] = 0x04, [V_I16] = 0x05, [V_U16] = 0x06, [V_I32] = 0x07,
    [V_U32] = 0x08, [V_I64] = 0x09, [V_U64] = 0x0a, [V_F32] = 0x0b, [V_F64] = 0x0c,
    [V_BOOL] = 0x0d, [V_BIN] = 0x0e, [V_GUID] = 0x0f, [V_SIZET] = 0x10, [V_FT] = 0x11,
    [V_ST] = 0x12, [V_SID] = 0x13, [V_H32] = 0x14, [V_H64] = 0x15, [V_SARR] = 0x81,
    [V_U16ARR] = 0x86, [V_XML] = 0x21, [V_AMP] = 0x01};

static void template_body(void)
{
	u8(0x0f); u8(1); u8(1); u8(0);
	open_el("Event", true);
	attr("xmlns");
	text("http://schemas.microsoft.com/win/2004/08/events/event");
	started();
	open_el("System", false);
	started();
	open_el("Provider", true); attr("Name"); text("Test-Provider"); empty_el();
	open_el("EventID", true); attr("Qualifiers"); subst(V_QUAL, 0x06, true); started();
	subst(V_EID, 0x06, false); end_el();
	open_el("TimeCreated", true); attr("SystemTime"); subst(V_TIME, 0x11, false); empty_el();
	open_el("EventRecordID", false); started(); subst(V_RID, 0x0a, false); end_el();
	open_el("Correlation", true); attr("ActivityID"); subst(V_ACT, 0x0f, true); empty_el();
	open_el("Channel", false); started(); subst(V_CHAN, 0x01, false); end_el();
	open_el("Computer", false); started(); subst(V_COMP, 0x01, false); end_el();
	end_el(); /* System */
	open_el("EventData", false);
	started();
	static const char *const names[] = {
	    [V_STR] = "Str", [V_BAD] = "Bad", [V_ANSI] = "Ansi", [V_I8] = "I8", [V_U8] = "U8",
	    [V_I16] = "I16", [V_U16] = "U16", [V_I32] = "I32", [V_U32] = "U32", [V_I64] = "I64",
	    [V_U64] = "U64", [V_F32] = "F32", [V_F64] = "F64", [V_BOOL] = "Bool", [V_BIN] = "Bin",
	    [V_GUID] = "Guid", [V_SIZET] = "SizeT", [V_FT] = "FileTime", [V_ST] = "SysTime",
	    [V_SID] = "Sid", [V_H32] = "H32", [V_H64] = "LogonId", [V_U16ARR] = "Ports",
	    [V_AMP] = "CommandLine"};
	for (int v = V_STR; v < NV; v++) {
		if (v == V_SARR) { /* unnamed <Data>%n</Data>: one element per string */
			open_el("Data", false); started(); subst(V_SARR, 0x81, false); end_el();
		} else if (v != V_XML) {
			data(names[v], (uint16_t)v, vtype[v]);
		}
	}
	open_el("Binary", false); started(); subst(NV, 0x0e, true); end_el(); /* null: dropped */
	end_el(); /* EventData */
	open_el("UserData", false); started(); subst(V_XML, 0x21, false); end_el();
	end_el(); /* Event */
	u8(0x00);
}

typedef struct val { const void *p; uint16_t n; } val;

/* One record at pos: template instance (definition inline when def == 0). */
static uint32_t record(uint64_t id, uint32_t *def, const val *vals)
{
	uint32_t start = pos;
	u32(0x2a2a);
	u32(0); /* size, patched */
	u64(id);
	u64(132000000000000000ull);
	u8(0x0f); u8(1); u8(1); u8(0);
	u8(0x0c); u8(1); u32(0);
	if (*def) {
		u32(*def);
	} else {
		*def = pos + 4;
		u32(*def);
		u32(0);
		for (int i = 0; i < 16; i++)
			u8(0);
		uint32_t size_at = pos;
		u32(0);
		uint32_t body = pos;
		template_body();
		put32(size_at, pos - body);
	}
	u32(NV + 1);
	for (int i = 0; i <= NV; i++) {
		u16(vals[i].n);
		u8(i < NV ? vtype[i] : 0x00);
		u8(0);
	}
	for (int i = 0; i <= NV; i++)
		for (uint16_t k = 0; k < vals[i].n; k++)
			u8(((const uint8_t *)vals[i].p)[k]);
	u8(0x00); /* EOF of the record's fragment */
	while ((pos - start + 4) % 8)
		u8(0);
	u32(pos - start + 4);
	put32(start + 4, pos - start);
	return start;
}

static size_t build(uint64_t first_id, uint32_t *second_at, bool nested)
{
	memset(file, 0, sizeof(file));
	memcpy(file, "ElfFile", 8);
	file[32] = 128; file[36] = 1; file[38] = 3; file[41] = 0x10; file[42] = 1;
	uint32_t hcrc = (uint32_t)crc32(0, file, 120);
	memcpy(file + 124, &hcrc, 4);
	memcpy(ch, "ElfChnk", 8);
	pos = 512;
	static const uint16_t str[] = {'A', 0xd83d, 0xde00, 'B'};
	static const uint16_t bad[] = {0xd800, 'x'};
	static const int8_t i8 = -5; static const uint8_t u8v = 200;
	static const int16_t i16 = -300; static const uint16_t u16v = 65535;
	static const int32_t i32 = -70000; static const uint32_t u32v = 4000000000u;
	static const int64_t i64 = -5000000000ll; static const uint64_t u64v = UINT64_MAX;
	static const float f32 = 1.5f; static const double f64 = 0.25;
	static const uint32_t yes = 1; static const uint8_t bin[] = {0x01, 0xab};
	static const uint8_t guid[] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	                               0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
	static const uint64_t sizet = 0x1234, ft = 132000000000000000ull;
	static const uint16_t st[] = {2021, 3, 4, 4, 5, 6, 7, 89};
	static const uint8_t sid[] = {1, 4, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0};
	static const uint32_t h32 = 0xc000006d; static const uint64_t h64 = 0x3e7;
	static const uint16_t sarr[] = {'a', 0, 'b', 0};
	static const uint16_t parr[] = {1, 2};
	static const uint16_t eid = 4688, qual = 0, chan[] = {'S', 'e', 'c', 'u', 'r', 'i', 't', 'y'};
	static const uint16_t comp[] = {'W', 'S', '1', '.', 'c', 'o', 'r', 'p'};
	static const uint16_t amp[] = {'a', '&', 'b', '<'};
	/* nested BinXML value: <Inner><Leaf>deep</Leaf></Inner>, its names
	 * referenced by offset (not inline) from a spot past the records */
	static const uint8_t xml[] = {
	    0x0f, 1, 1, 0,
	    0x01, 0xff, 0xff, 0, 0, 0, 0, 0x00, 0xf0, 0, 0, 0x02,
	    0x01, 0xff, 0xff, 0, 0, 0, 0, 0x00, 0xf1, 0, 0, 0x02,
	    0x05, 0x01, 4, 0, 'd', 0, 'e', 0, 'e', 0, 'p', 0,
	    0x04, 0x04, 0x00};
	pos = 0xf000 - 4;
	name("Inner");
	pos = 0xf100 - 4;
	name("Leaf");
	pos = 512;
	val v[NV + 1] = {
	    [V_EID] = {&eid, 2}, [V_TIME] = {&ft, 8}, [V_QUAL] = {&qual, 2}, [V_ACT] = {NULL, 0},
	    [V_CHAN] = {chan, 16}, [V_COMP] = {comp, 16}, [V_STR] = {str, 8}, [V_BAD] = {bad, 4},
	    [V_ANSI] = {"caf\xe9", 4}, [V_I8] = {&i8, 1}, [V_U8] = {&u8v, 1}, [V_I16] = {&i16, 2},
	    [V_U16] = {&u16v, 2}, [V_I32] = {&i32, 4}, [V_U32] = {&u32v, 4}, [V_I64] = {&i64, 8},
	    [V_U64] = {&u64v, 8}, [V_F32] = {&f32, 4}, [V_F64] = {&f64, 8}, [V_BOOL] = {&yes, 4},
	    [V_BIN] = {bin, 2}, [V_GUID] = {guid, 16}, [V_SIZET] = {&sizet, 8}, [V_FT] = {&ft, 8},
	    [V_ST] = {st, 16}, [V_SID] = {sid, 24}, [V_H32] = {&h32, 4}, [V_H64] = {&h64, 8},
	    [V_SARR] = {sarr, 8}, [V_U16ARR] = {parr, 4}, [V_XML] = {xml, sizeof(xml)},
	    [V_AMP] = {amp, 8}, [NV] = {NULL, 0},
	};
	if (!nested) /* its names lie past the records: a cut file loses them */
		v[V_XML].n = 0;
	uint64_t rid[2] = {first_id, first_id + 1};
	uint32_t def = 0, at[2];
	for (int r = 0; r < 2; r++) {
		v[V_RID] = (val){&rid[r], 8};
		at[r] = record(rid[r], &def, v);
	}
	*second_at = at[1];
	put32(48, pos); /* free space offset */
	put32(44, at[1]);
	put32(52, (uint32_t)crc32(0, ch + 512, pos - 512));
	put32(124, (uint32_t)crc32(crc32(0, ch, 120), ch + 128, 384));
	return 4096 + 65536;
}

/* ---- reading it ---- */

typedef struct got {
	int n;
	char names[2][64][64];
	char values[2][64][160];
	int canon[2][64];
	int nf[2];
	uint64_t record[2], offset[2];
	ug_time ts[2];
	uint32_t event_id[2];
	char host[2][32], channel[2][32];
	char xml[4096];
} got;

static int collect(const ug_event *ev, void *user)
{
	got *g = user;
	if (g->n >= 2)
		return 0;
	int k = g->n++;
	g->record[k] = ev->record;
	g->offset[k] = ev->offset;
	g->ts[k] = ev->ts;
	g->event_id[k] = ev->event_id;
	snprintf(g->host[k], 32, "%.*s", UG_SV_ARG(ev->host));
	snprintf(g->channel[k], 32, "%.*s", UG_SV_ARG(ev->channel));
	for (uint32_t i = 0; i < ev->nfields && g->nf[k] < 64; i++) {
		const ug_field *f = &ev->fields[i];
		if (ug_sv_eq_cstr(f->name, "#xml")) {
			snprintf(g->xml, sizeof(g->xml), "%.*s", UG_SV_ARG(f->value));
			continue;
		}
		int j = g->nf[k]++;
		snprintf(g->names[k][j], 64, "%.*s", UG_SV_ARG(f->name));
		snprintf(g->values[k][j], 160, "%.*s", UG_SV_ARG(f->value));
		g->canon[k][j] = f->canon;
	}
	return 0;
}

/* Value of the n-th (from 0) field named name in event k, or NULL. */
static const char *field(const got *g, int k, const char *name, int nth)
{
	for (int i = 0; i < g->nf[k]; i++)
		if (strcmp(g->names[k][i], name) == 0 && nth-- == 0)
			return g->values[k][i];
	return NULL;
}

static int canon_of(const got *g, int k, const char *name)
{
	for (int i = 0; i < g->nf[k]; i++)
		if (strcmp(g->names[k][i], name) == 0)
			return g->canon[k][i];
	return -1;
}

static void read_file(size_t n, got *g, ug_parse_stats *st, bool xml)
{
	memset(g, 0, sizeof(*g));
	ug_input_opts opts = {0};
	opts.evtx_xml = xml;
	const ug_format *f = ug_format_find("evtx");
	assert_non_null(f);
	ug_error err;
	assert_int_equal(ug_format_parse_buffer(f, ug_sv_make((const char *)file, n), &opts, collect, g, st, &err), UG_OK);
}

#define ED "Event.EventData."

static void test_value_types(void **state)
{
	(void)state;
	uint32_t second;
	size_t n = build(1000, &second, true);
	got g;
	ug_parse_stats st;
	read_file(n, &g, &st, false);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(g.n, 2);
	for (int k = 0; k < 2; k++) { /* the second record reuses the template by offset */
		assert_int_equal(g.record[k], 1000 + (uint64_t)k);
		assert_int_equal(g.event_id[k], 4688);
		assert_string_equal(g.channel[k], "Security");
		assert_string_equal(g.host[k], "ws1");
		assert_true(g.ts[k] == (ug_time)1555526400 * 1000000000);
		assert_string_equal(field(&g, k, "Event.System.TimeCreated.#attributes.SystemTime", 0),
		                    "2019-04-17T18:40:00.0000000Z");
		assert_string_equal(field(&g, k, "Event.System.EventID.#text", 0), "4688");
		assert_int_equal(canon_of(&g, k, "Event.System.EventID.#text"), UG_F_EVENT_ID);
		assert_string_equal(field(&g, k, "Event.System.EventID.#attributes.Qualifiers", 0), "0");
		assert_string_equal(field(&g, k, "Event.System.Provider.#attributes.Name", 0), "Test-Provider");
		assert_int_equal(canon_of(&g, k, "Event.System.Provider.#attributes.Name"), UG_F_PROVIDER_NAME);
		/* null optional attribute dropped: the element is left empty */
		assert_string_equal(field(&g, k, "Event.System.Correlation", 0), "");
		assert_null(field(&g, k, "Event.System.Correlation.#attributes.ActivityID", 0));
		assert_string_equal(field(&g, k, ED "Str", 0), "A\xf0\x9f\x98\x80" "B");
		assert_string_equal(field(&g, k, ED "Bad", 0), "\xef\xbf\xbdx");
		assert_string_equal(field(&g, k, "#invalid_utf16", 0), "1");
		assert_string_equal(field(&g, k, ED "Ansi", 0), "caf\xc3\xa9");
		assert_string_equal(field(&g, k, ED "I8", 0), "-5");
		assert_string_equal(field(&g, k, ED "U8", 0), "200");
		assert_string_equal(field(&g, k, ED "I16", 0), "-300");
		assert_string_equal(field(&g, k, ED "U16", 0), "65535");
		assert_string_equal(field(&g, k, ED "I32", 0), "-70000");
		assert_string_equal(field(&g, k, ED "U32", 0), "4000000000");
		assert_string_equal(field(&g, k, ED "I64", 0), "-5000000000");
		assert_string_equal(field(&g, k, ED "U64", 0), "18446744073709551615");
		assert_string_equal(field(&g, k, ED "F32", 0), "1.5");
		assert_string_equal(field(&g, k, ED "F64", 0), "0.25");
		assert_string_equal(field(&g, k, ED "Bool", 0), "true");
		assert_string_equal(field(&g, k, ED "Bin", 0), "01AB");
		assert_string_equal(field(&g, k, ED "Guid", 0), "{33221100-5544-7766-8899-AABBCCDDEEFF}");
		assert_string_equal(field(&g, k, ED "SizeT", 0), "0x1234");
		assert_string_equal(field(&g, k, ED "FileTime", 0), "2019-04-17T18:40:00.0000000Z");
		assert_string_equal(field(&g, k, ED "SysTime", 0), "2021-03-04T05:06:07.089Z");
		assert_string_equal(field(&g, k, ED "Sid", 0), "S-1-5-21-1-2-3");
		assert_string_equal(field(&g, k, ED "H32", 0), "0xc000006d");
		assert_string_equal(field(&g, k, ED "LogonId", 0), "0x3e7");
		assert_int_equal(canon_of(&g, k, ED "LogonId"), UG_F_LOGON_ID);
		/* arrays: one element per item */
		assert_string_equal(field(&g, k, ED "Data", 0), "a");
		assert_string_equal(field(&g, k, ED "Data", 1), "b");
		assert_string_equal(field(&g, k, ED "Ports", 0), "1");
		assert_string_equal(field(&g, k, ED "Ports", 1), "2");
		assert_string_equal(field(&g, k, ED "CommandLine", 0), "a&b<");
		assert_int_equal(canon_of(&g, k, ED "CommandLine"), UG_F_COMMAND_LINE);
		/* nested BinXML under UserData */
		assert_string_equal(field(&g, k, "Event.UserData.Inner.Leaf", 0), "deep");
		/* <Binary> holding a null optional substitution is not rendered */
		assert_null(field(&g, k, ED "Binary", 0));
	}
	assert_int_equal(g.offset[1], 4096 + second);
}

static void test_xml(void **state)
{
	(void)state;
	uint32_t second;
	size_t n = build(7, &second, true);
	got g;
	ug_parse_stats st;
	read_file(n, &g, &st, true);
	assert_int_equal(g.n, 2);
	assert_non_null(strstr(g.xml, "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">"));
	assert_non_null(strstr(g.xml, "<Provider Name=\"Test-Provider\"/>"));
	assert_non_null(strstr(g.xml, "<Data Name=\"Ports\">1</Data>\n    <Data Name=\"Ports\">2</Data>"));
	assert_non_null(strstr(g.xml, "<Data Name=\"CommandLine\">a&amp;b&lt;</Data>"));
	assert_non_null(strstr(g.xml, "<Inner>\n      <Leaf>deep</Leaf>\n    </Inner>"));
	assert_null(strstr(g.xml, "<Binary"));
	assert_non_null(strstr(g.xml, "<Correlation/>"));
}

static void test_damaged_record(void **state)
{
	(void)state;
	uint32_t second;
	size_t n = build(50, &second, true);
	/* break the first record's trailing size copy */
	uint32_t size = (uint32_t)ch[516] | (uint32_t)ch[517] << 8;
	ch[512 + size - 4] ^= 0xff;
	got g;
	ug_parse_stats st;
	read_file(n, &g, &st, false);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.record[0], 51);
	assert_true(st.skipped >= 1);
	/* and a file cut inside the second record: the first is still read */
	build(60, &second, false);
	read_file(4096 + second + 40, &g, &st, false);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.record[0], 60);
	assert_true(st.skipped >= 1);
}

static void test_detect(void **state)
{
	(void)state;
	uint32_t second;
	size_t n = build(1, &second, true);
	int score;
	const ug_format *f = ug_format_detect(ug_sv_make((const char *)file, 65536), "x.evtx", &score);
	assert_non_null(f);
	assert_string_equal(f->name, "evtx");
	memset(file, 0, 4096); /* zeroed header: still EVTX, chunk read */
	f = ug_format_detect(ug_sv_make((const char *)file, 65536), "x", &score);
	assert_non_null(f);
	assert_string_equal(f->name, "evtx");
	got g;
	ug_parse_stats st;
	read_file(n, &g, &st, false);
	assert_int_equal(g.n, 2);
	assert_int_equal(st.skipped, 1); /* the header, reported */
}

/* evtx_crc32 (PCLMUL folding when the CPU has it) equals zlib's crc32 for
 * every length around its 16/64-byte steps, any seed and any alignment. */
static void test_crc32(void **state)
{
	(void)state;
	static uint8_t buf[65536 + 64];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (size_t n = 0; n < 300; n++)
		for (size_t off = 0; off < 3; off++) {
			uint32_t seed = (uint32_t)(n * 2654435761u);
			assert_int_equal(evtx_crc32(seed, buf + off, n), (uint32_t)crc32(seed, buf + off, (uInt)n));
		}
	size_t sizes[] = {504, 4096, 65024 - 7, 65536};
	for (size_t k = 0; k < UG_ARRAY_LEN(sizes); k++)
		assert_int_equal(evtx_crc32(0, buf + 1, sizes[k]), (uint32_t)crc32(0, buf + 1, (uInt)sizes[k]));
}

/* ---- several chunks in Windows' layout: the fast path ---- */

typedef void (*body_fn)(void);

/* <Event><System>...</System>%7</Event>: %7 BinXML (EventData or UserData) */
static void body_system(void)
{
	u8(0x0f); u8(1); u8(1); u8(0);
	open_el("Event", false);
	started();
	open_el("System", false);
	started();
	open_el("Provider", true); attr("Name"); text("Test-Provider"); empty_el();
	open_el("EventID", false); started(); subst(0, 0x06, false); end_el();
	open_el("TimeCreated", true); attr("SystemTime"); subst(1, 0x11, false); empty_el();
	open_el("EventRecordID", false); started(); subst(2, 0x0a, false); end_el();
	open_el("Correlation", true); attr("ActivityID"); subst(3, 0x0f, true); empty_el();
	open_el("Channel", false); started(); subst(4, 0x01, false); end_el();
	open_el("Computer", false); started(); subst(5, 0x01, false); end_el();
	open_el("Security", true); attr("UserID"); subst(6, 0x13, true); empty_el();
	end_el(); /* System */
	subst(7, 0x21, true);
	end_el(); /* Event */
	u8(0x00);
}

static void event_data(const char *image)
{
	u8(0x0f); u8(1); u8(1); u8(0);
	open_el("EventData", false);
	started();
	data(image, 0, 0x01);
	data("CommandLine", 1, 0x01);
	data("ProcessId", 2, 0x08);
	open_el("Data", true); attr("Name"); text("Hashes"); started(); subst(3, 0x01, true); end_el();
	end_el();
	u8(0x00);
}
static void body_a(void) { event_data("Image"); }
static void body_a2(void) { event_data("Imagf"); } /* A's GUID, other content */
static void body_b(void)
{
	u8(0x0f); u8(1); u8(1); u8(0);
	open_el("EventData", false); started(); data("TargetFilename", 0, 0x01); end_el();
	u8(0x00);
}
/* the Name attribute from a value: no program */
static void body_d(void)
{
	u8(0x0f); u8(1); u8(1); u8(0);
	open_el("EventData", false);
	started();
	open_el("Data", true); attr("Name"); subst(0, 0x01, false); started(); subst(1, 0x01, false); end_el();
	end_el();
	u8(0x00);
}
/* an element repeated per array item: no program */
static void body_u(void)
{
	u8(0x0f); u8(1); u8(1); u8(0);
	open_el("UserData", false); started();
	open_el("Op", false); started(); subst(0, 0x81, false); end_el();
	end_el();
	u8(0x00);
}

enum { T_SYS, T_A, T_A2, T_B, T_D, T_U, NT };
static const body_fn bodies[NT] = {body_system, body_a, body_a2, body_b, body_d, body_u};
static uint32_t tdef[NT]; /* this chunk's definition offsets; 0: not defined yet */

/* Template instance token for template k: defined inline the first time in
 * the chunk (GUID k, but A2 has A's), by offset after. */
static void instance(int k)
{
	u8(0x0c); u8(1); u32(0);
	if (tdef[k]) {
		u32(tdef[k]);
		return;
	}
	tdef[k] = pos + 4;
	u32(tdef[k]);
	u32(0);
	for (int i = 0; i < 16; i++)
		u8((uint8_t)(i == 0 ? (k == T_A2 ? T_A : k) : 0x5a));
	uint32_t size_at = pos;
	u32(0);
	uint32_t body = pos;
	bodies[k]();
	put32(size_at, pos - body);
}

typedef struct wval {
	uint8_t type;
	const char *str;   /* 0x01: ASCII, UTF-16LE in the file */
	uint64_t num;      /* 0x06 0x08 0x0a 0x11 */
	const char *const *items; /* 0x81: string array (NULL-terminated) */
	int sub;           /* 0x21: a fragment with one instance of template sub */
	const struct wval *subv;
	int nsub;
} wval;

static void values(const wval *v, int n);

static void value_bytes(const wval *v)
{
	static const uint8_t sid[] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
	switch (v->type) {
	case 0x01: utf16(v->str); break;
	case 0x06: u16((uint16_t)v->num); break;
	case 0x08: u32((uint32_t)v->num); break;
	case 0x0a: case 0x11: u64(v->num); break;
	case 0x13: for (size_t j = 0; j < sizeof(sid); j++) u8(sid[j]); break;
	case 0x81:
		for (const char *const *it = v->items; *it; it++) {
			utf16(*it);
			u16(0);
		}
		break;
	case 0x21:
		u8(0x0f); u8(1); u8(1); u8(0);
		instance(v->sub);
		values(v->subv, v->nsub);
		u8(0x00);
		break;
	default: break; /* 0x00: null */
	}
}

/* count, descriptors (size, type), then the values */
static void values(const wval *v, int n)
{
	u32((uint32_t)n);
	uint32_t desc = pos;
	for (int i = 0; i < n; i++) {
		u16(0); /* size, patched */
		u8(v[i].type);
		u8(0);
	}
	for (int i = 0; i < n; i++) {
		uint32_t from = pos;
		value_bytes(&v[i]);
		ch[desc + 4 * i] = (uint8_t)(pos - from);
		ch[desc + 4 * i + 1] = (uint8_t)((pos - from) >> 8);
	}
}

/* One record: System values, and EventData of template k with values ev. */
static void win_record(uint64_t id, int k, const wval *ev, int nev)
{
	uint32_t start = pos;
	u32(0x2a2a);
	u32(0); /* size, patched */
	u64(id);
	u64(132000000000000000ull);
	wval sys[8] = {
	    {.type = 0x06, .num = 1 + (uint64_t)k},
	    {.type = 0x11, .num = 132000000000000000ull + id * 10000000},
	    {.type = 0x0a, .num = id},
	    {.type = 0x00}, /* null ActivityID */
	    {.type = 0x01, .str = "Microsoft-Windows-Sysmon/Operational"},
	    {.type = 0x01, .str = id % 3 ? "WS1.corp" : "DC1"},
	    {.type = (uint8_t)(id % 2 ? 0x13 : 0x00)}, /* a SID, or null */
	    {.type = 0x21, .sub = k, .subv = ev, .nsub = nev},
	};
	u8(0x0f); u8(1); u8(1); u8(0);
	instance(T_SYS);
	values(sys, 8);
	u8(0x00);
	while ((pos - start + 4) % 8)
		u8(0);
	u32(pos - start + 4);
	put32(start + 4, pos - start);
}

/* Chunk c's records. first: the template defined first (so that others sit
 * at other offsets than in another chunk). */
static void win_chunk(int c, uint64_t *id, int first, bool refs)
{
	ch = file + 4096 + (size_t)c * 65536;
	memset(ch, 0, 65536);
	memcpy(ch, "ElfChnk", 8);
	memset(tdef, 0, sizeof(tdef));
	name_refs = refs;
	nseen = 0;
	pos = 512;
	static const char *const ops[] = {"open", "close", NULL};
	const wval a[4] = {{.type = 0x01, .str = "C:\\Windows\\cmd.exe"}, {.type = 0x01, .str = "cmd /c whoami"},
	                   {.type = 0x08, .num = 4242}, {.type = 0x01, .str = "SHA1=00"}};
	const wval a_nohash[4] = {a[0], a[1], a[2], {.type = 0x00}}; /* another shape */
	const wval b[1] = {{.type = 0x01, .str = "C:\\x.txt"}};
	const wval d[2] = {{.type = 0x01, .str = "Dyn"}, {.type = 0x01, .str = "v"}};
	const wval u[1] = {{.type = 0x81, .items = ops}};
	uint32_t last = pos;
	for (int r = 0; r < 12; r++) {
		last = pos;
		int k = r == 0 ? first : (r % 6 == 1 ? T_B : r % 6 == 4 ? T_D : r % 6 == 5 ? T_U : T_A);
		if (k == T_A && first == T_A2)
			k = T_A2;
		const wval *v = k == T_B ? b : k == T_D ? d : k == T_U ? u : (r % 4 == 3 ? a_nohash : a);
		int n = k == T_B || k == T_U ? 1 : k == T_D ? 2 : 4;
		win_record((*id)++, k, v, n);
	}
	put32(48, pos); /* free space offset */
	put32(44, last);
	put32(52, (uint32_t)crc32(0, ch + 512, pos - 512));
	put32(124, (uint32_t)crc32(crc32(0, ch, 120), ch + 128, 384));
}

/* Three chunks: templates inline; others first and names by offset; A's
 * GUID with other content where A was. */
static size_t win_build(void)
{
	memset(file, 0, 4096);
	memcpy(file, "ElfFile", 8);
	file[32] = 128; file[36] = 1; file[38] = 3; file[41] = 0x10; file[42] = 3;
	uint32_t hcrc = (uint32_t)crc32(0, file, 120);
	memcpy(file + 124, &hcrc, 4);
	uint64_t id = 1;
	win_chunk(0, &id, T_A, false);
	win_chunk(1, &id, T_B, true);
	win_chunk(2, &id, T_A2, false);
	ch = file + 4096;
	name_refs = false;
	return 4096 + 3 * 65536;
}

/* Every event as one line of text. */
static int dump(const ug_event *ev, void *user)
{
	ug_buf *b = user;
	ug_buf_printf(b, "%llu@%llu %lld %.*s %d %u %.*s:", (unsigned long long)ev->record,
	              (unsigned long long)ev->offset, (long long)ev->ts, UG_SV_ARG(ev->host), (int)ev->kind,
	              ev->event_id, UG_SV_ARG(ev->channel));
	for (uint32_t i = 0; i < ev->nfields; i++)
		ug_buf_printf(b, " %.*s=%.*s(%u)", UG_SV_ARG(ev->fields[i].name), UG_SV_ARG(ev->fields[i].value),
		              ev->fields[i].canon);
	ug_buf_putc(b, '\n');
	return 0;
}

/* The file as one block (as frame.c parses a block in the reader): the
 * events as text, and the block's statistics. */
static char *read_block(size_t n, bool slow, evtx_ctx *stats)
{
	if (slow)
		setenv("UG_EVTX_SLOW", "1", 1);
	const ug_format *f = ug_format_find("evtx");
	ug_buf out = UG_BUF_INIT;
	ug_batch b;
	ug_batch_init(&b, dump, &out);
	ug_event ev;
	ug_event_init(&ev, &b.arena);
	void *block = f->block_begin();
	assert_non_null(block);
	for (size_t at = 0, chunk = 0; at < n; chunk++) {
		size_t len = chunk ? f->unit_size : f->head_size;
		ug_rec r = {NULL, NULL, 0, 0, at, &b.arena, &ev, &b, (uint32_t)chunk, block};
		ug_event_reset(&ev);
		f->parse(&r, ug_sv_make((const char *)file + at, len));
		at += len;
	}
	assert_int_equal(b.skipped, 0);
	if (stats)
		*stats = *(evtx_ctx *)block;
	f->block_end(block);
	ug_event_free(&ev);
	ug_batch_free(&b);
	unsetenv("UG_EVTX_SLOW");
	ug_buf_putc(&out, '\0');
	return out.p;
}

static void test_fast_path(void **state)
{
	(void)state;
	size_t n = win_build();
	static evtx_ctx st; /* big */
	char *slow = read_block(n, true, NULL);
	char *fast = read_block(n, false, &st);
	assert_string_equal(fast, slow);
	/* chunk 1 found its templates compiled (other offsets, names by offset);
	 * A2 (A's GUID) was compiled, not taken for A */
	/* chunk 1 found its five templates compiled (at other offsets, names by
	 * offset), chunk 2 four; A2 (A's GUID) was compiled, not taken for A */
	assert_int_equal(st.stats.compiled, 6); /* System, A, B, D, U; A2 */
	assert_int_equal(st.stats.shared, 5 + 4);
	/* the 24 records of A, A2 and B recorded a program or ran one (most
	 * ran one); the 12 of D and U (a name from a value, an array) never */
	assert_int_equal(st.stats.recorded + st.stats.run, 24);
	assert_true(st.stats.run >= 12);
	assert_non_null(strstr(fast, "Event.EventData.Imagf=C:\\Windows\\cmd.exe"));
	assert_non_null(strstr(fast, "Event.EventData.Dyn=v"));
	assert_non_null(strstr(fast, "Event.UserData.Op=open(0) Event.UserData.Op=close(0)"));
	assert_non_null(strstr(fast, "Event.EventData.Hashes=SHA1=00"));
	free(slow);
	free(fast);
}

/* The same through the reader (frame.c's block_begin/block_end), one and two
 * threads, blocks of one chunk and of all. */
static char *read_input(const char *path, int threads, size_t block_size, bool slow)
{
	if (slow)
		setenv("UG_EVTX_SLOW", "1", 1);
	ug_ctx ctx;
	ug_ctx_init(&ctx);
	ctx.threads = threads;
	ctx.progress = false;
	ug_input_opts opts = {.block_size = block_size};
	ug_input *in = NULL;
	ug_error err;
	char *paths[] = {(char *)path};
	assert_int_equal(ug_input_open(&in, paths, 1, &opts, &ctx, &err), UG_OK);
	ug_buf out = UG_BUF_INIT;
	assert_int_equal(ug_input_read(in, dump, &out, &err), UG_OK);
	assert_int_equal(ug_input_skipped_total(in), 0);
	ug_input_free(in);
	unsetenv("UG_EVTX_SLOW");
	ug_buf_putc(&out, '\0');
	return out.p;
}

static void test_fast_path_reader(void **state)
{
	(void)state;
	size_t n = win_build();
	char path[] = "/tmp/ug_test_evtx_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, file, n), (ssize_t)n);
	close(fd);
	char *slow = read_input(path, 1, 0, true);
	assert_non_null(strstr(slow, "Event.EventData.Imagf"));
	for (int threads = 1; threads <= 2; threads++)
		for (int k = 0; k < 2; k++) {
			char *fast = read_input(path, threads, k ? 65536 : 0, false);
			assert_string_equal(fast, slow);
			free(fast);
		}
	free(slow);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_value_types),
	    cmocka_unit_test(test_xml),
	    cmocka_unit_test(test_damaged_record),
	    cmocka_unit_test(test_detect),
	    cmocka_unit_test(test_crc32),
	    cmocka_unit_test(test_fast_path),
	    cmocka_unit_test(test_fast_path_reader),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
