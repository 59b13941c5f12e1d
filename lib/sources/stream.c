/* stream.c — plain, compressed and archived inputs as one byte-stream API
 * (stream.h). Plain regular files are mmap'd; everything packed goes through
 * libarchive (gzip, zstd, bzip2, xz filters; zip, tar and 7z containers; raw
 * for a single compressed file). */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sources/stream.h"

struct ug_stream {
	int fd;
	bool is_stdin;
	struct archive *ar; /* packed input */
	bool raw;           /* libarchive's raw format: a single compressed file */
	void *map;          /* plain regular file */
	size_t map_len;
	int members;        /* members returned so far */
	uint64_t consumed;
	char *path;
};

static bool is_packed(const unsigned char *m, size_t n)
{
	static const struct {
		size_t off, len;
		const char *magic;
	} magics[] = {
		{0, 2, "\x1f\x8b"},                 /* gzip */
		{0, 4, "\x28\xb5\x2f\xfd"},         /* zstd */
		{0, 3, "BZh"},                      /* bzip2 */
		{0, 6, "\xfd" "7zXZ\x00"},          /* xz */
		{0, 4, "PK\x03\x04"},               /* zip */
		{0, 4, "PK\x05\x06"},               /* empty zip */
		{0, 6, "7z\xbc\xaf\x27\x1c"},       /* 7z */
		{257, 5, "ustar"},                  /* tar */
	};
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (n >= magics[i].off + magics[i].len &&
		    memcmp(m + magics[i].off, magics[i].magic, magics[i].len) == 0)
			return true;
	return false;
}

static int open_archive(ug_stream *s, const void *prefix, size_t prefix_len, ug_error *err);

int ug_stream_open(ug_stream **out, const char *path, ug_error *err)
{
	*out = NULL;
	ug_stream *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	}
	s->is_stdin = strcmp(path, "-") == 0;
	s->fd = s->is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0) {
		int e = errno;
		free(s->path);
		free(s);
		return ug_error_set(err, UG_ERR_IO, "cannot open: %s", strerror(e));
	}
	struct stat st;
	unsigned char magic[512];
	size_t got = 0;
	if (!s->is_stdin && fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		s->map_len = (size_t)st.st_size;
		s->map = mmap(NULL, s->map_len, PROT_READ, MAP_PRIVATE, s->fd, 0);
		if (s->map == MAP_FAILED) {
			s->map = NULL;
		} else {
			madvise(s->map, s->map_len, MADV_SEQUENTIAL);
			if (!is_packed(s->map, s->map_len)) {
				*out = s;
				return UG_OK;
			}
			munmap(s->map, s->map_len);
			s->map = NULL;
			if (open_archive(s, NULL, 0, err) != UG_OK) {
				ug_stream_close(s);
				return UG_ERR_IO;
			}
			*out = s;
			return UG_OK;
		}
	}
	/* stdin, pipes, or mmap failed: sniff the first bytes, then hand them on */
	while (got < sizeof(magic)) {
		ssize_t r = read(s->fd, magic + got, sizeof(magic) - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == 0) { /* empty input: a plain stream with nothing in it */
		*out = s;
		return UG_OK;
	}
	int rc = open_archive(s, magic, got, err);
	if (rc != UG_OK) {
		ug_stream_close(s);
		return rc;
	}
	*out = s;
	return UG_OK;
}

/* libarchive read callback that first replays the sniffed prefix. */
typedef struct prefix_src {
	ug_stream *s;
	unsigned char buf[512];
	size_t len;
	bool replayed;
	unsigned char block[1 << 16];
} prefix_src;

static la_ssize_t prefix_read(struct archive *a, void *data, const void **out)
{
	(void)a;
	prefix_src *ps = data;
	if (!ps->replayed) {
		ps->replayed = true;
		if (ps->len) {
			*out = ps->buf;
			ps->s->consumed += ps->len;
			return (la_ssize_t)ps->len;
		}
	}
	for (;;) {
		ssize_t r = read(ps->s->fd, ps->block, sizeof(ps->block));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		*out = ps->block;
		ps->s->consumed += (uint64_t)r;
		return r;
	}
}

static int prefix_close(struct archive *a, void *data)
{
	(void)a;
	free(data);
	return ARCHIVE_OK;
}

static int open_archive(ug_stream *s, const void *prefix, size_t prefix_len, ug_error *err)
{
	s->ar = archive_read_new();
	if (!s->ar)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	archive_read_support_filter_all(s->ar);
	archive_read_support_format_tar(s->ar);
	archive_read_support_format_zip(s->ar);
	archive_read_support_format_7zip(s->ar);
	archive_read_support_format_raw(s->ar); /* bids last: a lone compressed file */
	prefix_src *ps = calloc(1, sizeof(*ps));
	if (!ps)
		return ug_error_set(err, UG_ERR_NOMEM, "out of memory");
	ps->s = s;
	if (prefix_len)
		memcpy(ps->buf, prefix, prefix_len);
	ps->len = prefix_len;
	if (!prefix_len && lseek(s->fd, 0, SEEK_SET) == 0)
		ps->replayed = true; /* a seekable file: read from the start */
	if (archive_read_open(s->ar, ps, NULL, prefix_read, prefix_close) != ARCHIVE_OK)
		return ug_error_set(err, UG_ERR_IO, "cannot read: %s", archive_error_string(s->ar));
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

ug_sv ug_stream_mapped(ug_stream *s)
{
	return s->map ? (ug_sv){s->map, s->map_len} : (ug_sv){NULL, 0};
}

ssize_t ug_stream_read(ug_stream *s, void *buf, size_t n, ug_error *err)
{
	if (s->ar) {
		la_ssize_t r = archive_read_data(s->ar, buf, n);
		if (r < 0)
			return ug_error_set(err, UG_ERR_IO, "%s", archive_error_string(s->ar));
		return r;
	}
	for (;;) {
		ssize_t r = read(s->fd, buf, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return ug_error_set(err, UG_ERR_IO, "read: %s", strerror(errno));
		s->consumed += (uint64_t)r;
		return r;
	}
}

uint64_t ug_stream_consumed(const ug_stream *s)
{
	return s->map ? s->map_len : s->consumed;
}

bool ug_stream_is_packed(const ug_stream *s)
{
	return s->ar != NULL;
}

void ug_stream_close(ug_stream *s)
{
	if (!s)
		return;
	if (s->ar)
		archive_read_free(s->ar);
	if (s->map)
		munmap(s->map, s->map_len);
	if (s->fd >= 0 && !s->is_stdin)
		close(s->fd);
	free(s->path);
	free(s);
}
