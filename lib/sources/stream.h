/* stream.h — the bytes of one input file, whatever its packaging: a plain
 * file, standard input, a compressed file (.gz,
 * .zst, .bz2, .xz) or an archive (.zip, .tar[.gz]) whose members are read
 * one after another. Compression is recognised from content, not names. */
#ifndef UG_SOURCES_STREAM_H
#define UG_SOURCES_STREAM_H

#include <sys/types.h>

#include "updguard/error.h"

typedef struct ug_stream ug_stream;

int ug_stream_open(ug_stream **out, const char *path, ug_error *err);
/* Advance to the next member. 1: there is one (*name is its name inside the
 * archive, or NULL for a plain or single compressed file); 0: no more;
 * negative: error (err says what; the stream cannot go on). */
int ug_stream_next(ug_stream *s, const char **name, ug_error *err);
/* Up to n bytes of the current member: >0 bytes, 0 at its end, <0 error. */
ssize_t ug_stream_read(ug_stream *s, void *buf, size_t n, ug_error *err);
/* Bytes of the file consumed so far (compressed bytes for compressed input). */
uint64_t ug_stream_consumed(const ug_stream *s);
/* Whether the stream is compressed or an archive (for messages). */
bool ug_stream_is_packed(const ug_stream *s);
void ug_stream_close(ug_stream *s);

#endif
