/* str.h — string-view helpers: comparison, search, trimming, case, numbers, UTF-8.
 * All functions take lengths explicitly and never read past them. ASCII-only
 * case folding: Windows paths, field names and host names are compared that way. */
#ifndef UG_CORE_STR_H
#define UG_CORE_STR_H

#include <string.h>

#include "updguard/common.h"

static inline ug_sv ug_sv_from(const char *s) { return (ug_sv){s, s ? strlen(s) : 0}; }
static inline ug_sv ug_sv_make(const char *p, size_t n) { return (ug_sv){p, n}; }
static inline bool ug_sv_empty(ug_sv s) { return s.n == 0; }
static inline char ug_ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

bool ug_sv_eq(ug_sv a, ug_sv b);
bool ug_sv_eq_nocase(ug_sv a, ug_sv b);
bool ug_sv_eq_cstr(ug_sv a, const char *b);
int ug_sv_cmp(ug_sv a, ug_sv b);
bool ug_sv_starts_with(ug_sv s, ug_sv prefix);
bool ug_sv_ends_with(ug_sv s, ug_sv suffix);
bool ug_sv_starts_with_nocase(ug_sv s, ug_sv prefix);
bool ug_sv_ends_with_nocase(ug_sv s, ug_sv suffix);
/* Index of the first occurrence, or SIZE_MAX. */
size_t ug_sv_find(ug_sv s, ug_sv needle);
size_t ug_sv_find_nocase(ug_sv s, ug_sv needle);
size_t ug_sv_find_char(ug_sv s, char c);
size_t ug_sv_rfind_char(ug_sv s, char c);
static inline bool ug_sv_contains_nocase(ug_sv s, ug_sv needle) { return ug_sv_find_nocase(s, needle) != SIZE_MAX; }
ug_sv ug_sv_sub(ug_sv s, size_t from, size_t len); /* clamps to bounds */
ug_sv ug_sv_trim(ug_sv s);                          /* ASCII whitespace */
/* Split off the part before the first sep: returns it and advances *s past sep.
 * When sep is absent, returns all of *s and leaves *s empty. */
ug_sv ug_sv_split_next(ug_sv *s, char sep);
/* Lower-case copy into out (which must hold s.n bytes). */
void ug_sv_lower_into(ug_sv s, char *out);
/* Last path component after '\' or '/' ("C:\x\a.exe" -> "a.exe"). */
ug_sv ug_path_basename(ug_sv path);

/* Strict decimal parsing: optional leading '-' (signed only), digits only,
 * no spaces, overflow rejected. Return false on any error. */
bool ug_sv_to_u64(ug_sv s, uint64_t *out);
bool ug_sv_to_i64(ug_sv s, int64_t *out);
/* Non-empty and only ASCII digits. */
bool ug_sv_is_digits(ug_sv s);
/* "0x1F" or "1F" hex. */
bool ug_sv_hex_to_u64(ug_sv s, uint64_t *out);

/* Length of the valid UTF-8 sequence starting at p (1..4), or 0 if invalid
 * (overlongs, surrogates and code points above U+10FFFF are invalid). */
size_t ug_utf8_valid_prefix(const unsigned char *p, size_t n);
/* True when the whole view is valid UTF-8. */
bool ug_utf8_valid(ug_sv s);
/* Encode code point cp (<= 0x10FFFF) into out[4]; returns bytes written. */
size_t ug_utf8_encode(uint32_t cp, char *out);

/* 64-bit hash of a byte string (and its ASCII-lowercased form). */
uint64_t ug_hash_bytes(const void *p, size_t n);
uint64_t ug_hash_bytes_nocase(const void *p, size_t n);

#endif
