/* stream.c — plain, compressed and archived inputs as one byte-stream API
 * (stream.h).
 *
 * Where the bytes come from: read(2) in large chunks, after a first look at
 * the start (kept in `pre` and replayed); for a regular file past that look,
 * on a thread of its own (prefetch.c), so the reader's serial consumer only
 * copies bytes. Not mmap: mapped pages count in the process's resident
 * memory as the file is read, and giving them back (madvise) costs TLB
 * shootdowns across the worker threads; one copy into the block buffers is
 * cheaper and keeps memory bounded by the blocks.
 *
 * What they are: plain text is handed on as is;
 * a single gzip file is inflated with zlib directly, so that a damaged or
 * truncated file still yields every byte before the damage (libarchive drops
 * the last buffer it had decoded); everything else packed — zstd, bzip2, xz,
 * tar and zip and 7z containers, tar.gz — goes through libarchive.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "sources/prefetch.h"
#include "sources/stream.h"

#define SNIFF_BYTES ((size_t)64 << 10)
#define READ_CHUNK ((size_t)256 << 10)

struct ug_stream {
	int fd;
	bool is_stdin;
	/* input */
	unsigned char *pre;       /* first bytes read from fd, replayed first */
	size_t pre_len;
	bool pre_given;
	unsigned char *chunk;     /* read buffer for fd input */
	const unsigned char *pend; /* plain input: rest of the current chunk */
	size_t pend_len;
	bool input_eof;
	uint64_t consumed;
	ug_prefetch *pf;          /* regular files: read(2) on a thread of its own */
	/* decoding */
	struct archive *ar;       /* libarchive, for everything packed but lone gzip */
	bool raw;                 /* libarchive's raw format: a single compressed file */
	bool gz;                  /* lone gzip through zlib */
	z_stream z;
	bool gz_done;
	int gz_error;             /* error to report once the decoded bytes are out */
	const char *gz_message;
	int members;              /* members returned so far */
};

/* ---- input chunks ---- */

/* Read into buf, retrying on EINTR; 0 at end of input. */
static ssize_t input_read(ug_stream *s, void *buf, size_t n)
{
	if (s->input_eof)
		return 0;
	if (s->pf) {
		ssize_t r = ug_prefetch_read(s->pf, buf, n);
		if (r <= 0)
			s->input_eof = true;
		else
			s->consumed += (uint64_t)r;
		return r;
	}
	for (;;) {
		ssize_t r = read(s->fd, buf, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			s->input_eof = true;
		else
			s->consumed += (uint64_t)r;
		return r;
	}
}

/* Next chunk of raw input bytes: the replayed prefix, then reads. */
static ssize_t input_next(ug_stream *s, const unsigned char **p)
{
	if (!s->pre_given) {
		s->pre_given = true;
		if (s->pre_len) {
			*p = s->pre;
			s->consumed += s->pre_len;
			return (ssize_t)s->pre_len;
		}
	}
	if (!s->chunk && !(s->chunk = malloc(READ_CHUNK)))
		return -1;
	*p = s->chunk;
	return input_read(s, s->chunk, READ_CHUNK);
}

/* Read up to SNIFF_BYTES of the input into pre, to look at it. */
static void input_sniff(ug_stream *s)
{
	s->pre = malloc(SNIFF_BYTES);
	if (!s->pre)
		return;
	while (s->pre_len < SNIFF_BYTES) {
		ssize_t r = read(s->fd, s->pre + s->pre_len, SNIFF_BYTES - s->pre_len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			s->input_eof = true;
			break;
		}
		s->pre_len += (size_t)r;
	}
}

/* ---- what the bytes are ---- */

static bool has_magic(const unsigned char *m, size_t n, size_t off, const char *magic, size_t len)
{
	return n >= off + len && memcmp(m + off, magic, len) == 0;
}

static bool is_gzip(const unsigned char *m, size_t n)
{
	return has_magic(m, n, 0, "\x1f\x8b", 2);
}

static bool is_packed(const unsigned char *m, size_t n)
{
	return is_gzip(m, n) || has_magic(m, n, 0, "\x28\xb5\x2f\xfd", 4) /* zstd */
	       || has_magic(m, n, 0, "BZh", 3) || has_magic(m, n, 0, "\xfd" "7zXZ\x00", 6) /* xz */
	       || has_magic(m, n, 0, "PK\x03\x04", 4) || has_magic(m, n, 0, "PK\x05\x06", 4) /* zip */
	       || has_magic(m, n, 0, "7z\xbc\xaf\x27\x1c", 6) || has_magic(m, n, 257, "ustar", 5);
}

/* Does this gzip hold a tar archive? Inflate its start and look. */
static bool gzip_holds_tar(const unsigned char *m, size_t n)
{
	unsigned char out[512];
	z_stream z = {0};
	if (inflateInit2(&z, 15 + 16) != Z_OK)
		return false;
	z.next_in = (unsigned char *)m;
	z.avail_in = (uInt)(n < SNIFF_BYTES ? n : SNIFF_BYTES);
	z.next_out = out;
	z.avail_out = sizeof(out);
	inflate(&z, Z_NO_FLUSH);
	size_t got = sizeof(out) - z.avail_out;
	inflateEnd(&z);
	return has_magic(out, got, 257, "ustar", 5);
}

/* ---- libarchive ---- */

static la_ssize_t archive_input(struct archive *a, void *data, const void **out)
{
	(void)a;
	const unsigned char *p = NULL;
	ssize_t n = input_next(data, &p);
	*out = p;
	return n;
}

static int open_archive(ug_stream *s, ug_error *err)
{
	s->ar = archive_read_new();
	if (!s->ar)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	archive_read_support_filter_all(s->ar);
	archive_read_support_format_tar(s->ar);
	archive_read_support_format_zip(s->ar);
	archive_read_support_format_7zip(s->ar);
	archive_read_support_format_raw(s->ar); /* bids last: a lone compressed file */
	if (archive_read_open(s->ar, s, NULL, archive_input, NULL) != ARCHIVE_OK)
		return ug_error_set(err, UG_ERR_IO, "cannot read: %s", archive_error_string(s->ar));
	return UG_OK;
}

/* ---- open ---- */

static int choose_decoder(ug_stream *s, const unsigned char *head, size_t n, ug_error *err)
{
	if (!is_packed(head, n))
		return UG_OK; /* plain */
	if (is_gzip(head, n) && !gzip_holds_tar(head, n)) {
		if (inflateInit2(&s->z, 15 + 16) != Z_OK)
			return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
		s->gz = true;
		return UG_OK;
	}
	return open_archive(s, err);
}

int ug_stream_open(ug_stream **out, const char *path, ug_error *err)
{
	*out = NULL;
	ug_stream *s = calloc(1, sizeof(*s));
	if (!s)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	s->is_stdin = strcmp(path, "-") == 0;
	s->fd = s->is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		int e = errno;
		free(s);
		return ug_error_set(err, UG_ERR_IO, "cannot open: %s", strerror(e));
	}
	posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	input_sniff(s);
	struct stat st;
	/* not stdin or pipes: a slow writer's lines must not wait for a slot to fill */
	if (!s->is_stdin && !s->input_eof && fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > (off_t)SNIFF_BYTES && ug_prefetch_start(&s->pf, s->fd) != 0)
		s->pf = NULL; /* read directly */
	int rc = choose_decoder(s, s->pre, s->pre_len, err);
	if (rc != UG_OK) {
		ug_stream_close(s);
		return rc;
	}
	*out = s;
	return UG_OK;
}

int ug_stream_next(ug_stream *s, const char **name, ug_error *err)
{
	*name = NULL;
	if (!s->ar)
		return s->members++ == 0 ? 1 : 0;
	for (;;) {
		struct archive_entry *e;
		int r = archive_read_next_header(s->ar, &e);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return ug_error_set(err, UG_ERR_IO, "%s", archive_error_string(s->ar));
		s->raw = archive_format(s->ar) == ARCHIVE_FORMAT_RAW;
		if (!s->raw && archive_entry_filetype(e) != AE_IFREG)
			continue; /* directories, links inside archives */
		s->members++;
		*name = s->raw ? NULL : archive_entry_pathname(e);
		if (!s->raw && !*name)
			*name = "?";
		return 1;
	}
}

/* ---- reading ---- */

/* After a gzip member ends: another member may follow (concatenated gzip). */
static bool gz_next_member(ug_stream *s)
{
	while (s->z.avail_in == 0) {
		const unsigned char *p;
		ssize_t n = input_next(s, &p);
		if (n <= 0)
			return false;
		s->z.next_in = (unsigned char *)p;
		s->z.avail_in = (uInt)n;
	}
	if (!is_gzip(s->z.next_in, s->z.avail_in)) {
		/* trailing zeros (tape padding) are fine; anything else is damage */
		for (uInt i = 0; i < s->z.avail_in; i++) {
			if (s->z.next_in[i]) {
				s->gz_error = UG_ERR_PARSE;
				s->gz_message = "data after the end of the gzip stream";
				break;
			}
		}
		return false;
	}
	return inflateReset(&s->z) == Z_OK;
}

static ssize_t gz_read(ug_stream *s, unsigned char *buf, size_t n, ug_error *err)
{
	size_t produced = 0;
	while (produced == 0 && !s->gz_done && !s->gz_error) {
		if (s->z.avail_in == 0) {
			const unsigned char *p;
			ssize_t got = input_next(s, &p);
			if (got < 0) {
				s->gz_error = UG_ERR_IO;
				s->gz_message = "read error";
				break;
			}
			s->z.next_in = (unsigned char *)p;
			s->z.avail_in = (uInt)got;
		}
		bool no_input = s->z.avail_in == 0;
		s->z.next_out = buf;
		s->z.avail_out = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
		int r = inflate(&s->z, Z_NO_FLUSH);
		produced = (size_t)(s->z.next_out - buf);
		if (r == Z_STREAM_END) {
			if (!gz_next_member(s))
				s->gz_done = true;
		} else if (r == Z_DATA_ERROR || r == Z_NEED_DICT || r == Z_MEM_ERROR) {
			s->gz_error = UG_ERR_PARSE;
			s->gz_message = s->z.msg ? s->z.msg : "corrupt gzip data";
		} else if (no_input && produced == 0) {
			s->gz_error = UG_ERR_PARSE;
			s->gz_message = "truncated gzip input";
		}
	}
	if (produced)
		return (ssize_t)produced; /* the error, if any, comes on the next call */
	if (s->gz_error)
		return ug_error_set(err, s->gz_error, "%s", s->gz_message);
	return 0;
}

ssize_t ug_stream_read(ug_stream *s, void *buf, size_t n, ug_error *err)
{
	if (s->gz)
		return gz_read(s, buf, n, err);
	if (s->ar) {
		la_ssize_t r = archive_read_data(s->ar, buf, n);
		if (r < 0)
			return ug_error_set(err, UG_ERR_IO, "%s", archive_error_string(s->ar));
		return r;
	}
	/* plain: the rest of the replayed prefix, then straight into buf */
	if (s->pend_len == 0 && s->pre_given) {
		ssize_t r = input_read(s, buf, n);
		if (r < 0)
			return ug_error_set(err, UG_ERR_IO, "read: %s", strerror(errno));
		return r;
	}
	if (s->pend_len == 0) {
		ssize_t got = input_next(s, &s->pend);
		if (got < 0)
			return ug_error_set(err, UG_ERR_IO, "read: %s", strerror(errno));
		s->pend_len = (size_t)got;
	}
	size_t take = s->pend_len < n ? s->pend_len : n;
	if (take)
		memcpy(buf, s->pend, take);
	s->pend += take;
	s->pend_len -= take;
	return (ssize_t)take;
}

uint64_t ug_stream_consumed(const ug_stream *s)
{
	return s->consumed;
}

bool ug_stream_is_packed(const ug_stream *s)
{
	return s->ar != NULL || s->gz;
}

void ug_stream_close(ug_stream *s)
{
	if (!s)
		return;
	if (s->ar)
		archive_read_free(s->ar);
	if (s->gz)
		inflateEnd(&s->z);
	ug_prefetch_stop(s->pf);
	if (s->fd >= 0 && !s->is_stdin)
		close(s->fd);
	free(s->pre);
	free(s->chunk);
	free(s);
}
