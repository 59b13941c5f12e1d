/* case_db.c — the case database (case.sqlite, docs/case-db.md): the whole
 * case as tables, written and read back.
 *
 * Writing: a fresh file under a temporary name, the schema and every row in
 * one transaction (WAL), then switched back to a rollback journal so the
 * finished file is self-contained (no -wal/-shm beside it, readable from
 * read-only media), and renamed over the target. A run killed at any point
 * leaves the previous case.sqlite (or none) and, at worst, a stray
 * `case.sqlite.tmp-PID`.
 *
 * Reading: a file that is not a case database (another SQLite file, a
 * damaged one, a newer schema) is a UG_ERR_PARSE with the reason; every row
 * is checked (host ids in range) before it is used.
 */
#include <errno.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/case_int.h"

#define CASE_APP_ID 0x55474353 /* 'UGCS' */
#define CASE_SCHEMA_VERSION 1

static const char schema_sql[] =
	"PRAGMA application_id = 1430733651;" /* CASE_APP_ID */
	"PRAGMA user_version = 1;"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE runs (id INTEGER PRIMARY KEY, created TEXT, created_ns INTEGER, tool_version TEXT,"
	" product TEXT, profile TEXT, window_start TEXT, window_end TEXT, window_start_ns INTEGER,"
	" window_end_ns INTEGER, window_given INTEGER, window_inferred INTEGER, after_seconds REAL,"
	" after_ns INTEGER, skew_ns INTEGER, updaters TEXT, update_hosts TEXT, install_dirs TEXT,"
	" iocs_file TEXT, records_read INTEGER, records_skipped INTEGER, skipped_summary TEXT);"
	"CREATE TABLE sources (id INTEGER PRIMARY KEY, path TEXT, format TEXT, bytes INTEGER,"
	" records INTEGER, skipped INTEGER, failed INTEGER, ignored TEXT);"
	"CREATE TABLE hosts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, verdict TEXT NOT NULL,"
	" score REAL, explanation TEXT, ips TEXT, endpoint_logs INTEGER);"
	"CREATE TABLE deliveries (id INTEGER PRIMARY KEY, host_id INTEGER NOT NULL REFERENCES hosts(id),"
	" time TEXT, time_ns INTEGER, server TEXT, server_ip TEXT, region TEXT, url TEXT, bytes INTEGER,"
	" files TEXT, sha256 TEXT, seen TEXT, in_window INTEGER, source_id INTEGER, record INTEGER, source TEXT);"
	"CREATE TABLE evidence (id INTEGER PRIMARY KEY, host_id INTEGER NOT NULL REFERENCES hosts(id),"
	" time TEXT, time_ns INTEGER, kind TEXT, technique TEXT, summary TEXT, value TEXT, pattern TEXT,"
	" lineage INTEGER, fleet_hosts INTEGER, baseline_hosts INTEGER, weight REAL, process TEXT,"
	" parent_process TEXT, source_id INTEGER, record INTEGER, source TEXT);"
	"CREATE TABLE iocs (id INTEGER PRIMARY KEY, type TEXT, value TEXT, hosts INTEGER, context TEXT,"
	" source_id INTEGER, record INTEGER, source TEXT);"
	"CREATE TABLE servers (id INTEGER PRIMARY KEY, server TEXT, region TEXT, deliveries INTEGER,"
	" window_deliveries INTEGER, compromised_deliveries INTEGER, first TEXT, last TEXT,"
	" first_ns INTEGER, last_ns INTEGER);"
	"CREATE INDEX deliveries_host ON deliveries(host_id);"
	"CREATE INDEX evidence_host ON evidence(host_id);"
	"CREATE INDEX hosts_verdict ON hosts(verdict);"
	"CREATE VIEW skipped_input AS SELECT path, format, records, skipped, failed, ignored FROM sources"
	" WHERE skipped > 0 OR failed OR ignored IS NOT NULL;";

/* ---- writing ---- */

typedef struct wr {
	sqlite3 *db;
	const ug_hunt_result *r;
	ug_buf tmp;
	int rc;
	ug_error *err;
} wr;

static int db_fail(wr *w, const char *what)
{
	if (w->rc == UG_OK)
		w->rc = ug_error_set(w->err, UG_ERR_IO, "case database: %s: %s", what, sqlite3_errmsg(w->db));
	return w->rc;
}

static sqlite3_stmt *prep(wr *w, const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (w->rc == UG_OK && sqlite3_prepare_v2(w->db, sql, -1, &st, NULL) != SQLITE_OK)
		db_fail(w, "prepare");
	return st;
}

static void b_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void b_time(wr *w, sqlite3_stmt *st, int i_text, int i_ns, ug_time t)
{
	if (!rp_time_valid(t)) {
		sqlite3_bind_null(st, i_text);
		sqlite3_bind_null(st, i_ns);
		return;
	}
	ug_buf_clear(&w->tmp);
	rp_time(&w->tmp, t);
	sqlite3_bind_text(st, i_text, ug_buf_cstr(&w->tmp), (int)w->tmp.len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, i_ns, t);
}

static void b_prov(wr *w, sqlite3_stmt *st, int i, ug_prov pv)
{
	if (pv.source < w->r->nsources)
		sqlite3_bind_int64(st, i, pv.source);
	else
		sqlite3_bind_null(st, i);
	sqlite3_bind_int64(st, i + 1, (sqlite3_int64)pv.record);
	ug_buf_clear(&w->tmp);
	rp_source(&w->tmp, w->r, pv);
	sqlite3_bind_text(st, i + 2, ug_buf_cstr(&w->tmp), (int)w->tmp.len, SQLITE_TRANSIENT);
}

static void step(wr *w, sqlite3_stmt *st)
{
	if (w->rc == UG_OK && sqlite3_step(st) != SQLITE_DONE)
		db_fail(w, "insert");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void put_run(wr *w, const ug_case *c)
{
	const ug_hunt_result *r = w->r;
	sqlite3_stmt *st = prep(w, "INSERT INTO runs VALUES (1,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (!st)
		return;
	b_time(w, st, 1, 2, c->run.created);
	b_text(st, 3, c->run.tool_version);
	b_text(st, 4, r->product);
	b_text(st, 5, c->run.profile);
	b_time(w, st, 6, 8, r->window_start);
	b_time(w, st, 7, 9, r->window_end);
	sqlite3_bind_int(st, 10, c->run.window_given);
	sqlite3_bind_int(st, 11, r->window_inferred);
	sqlite3_bind_double(st, 12, (double)r->after / 1e9);
	sqlite3_bind_int64(st, 13, r->after);
	sqlite3_bind_int64(st, 14, c->run.skew);
	b_text(st, 15, c->run.updaters);
	b_text(st, 16, c->run.update_hosts);
	b_text(st, 17, c->run.install_dirs);
	b_text(st, 18, c->run.iocs_file);
	sqlite3_bind_int64(st, 19, (sqlite3_int64)r->records_read);
	sqlite3_bind_int64(st, 20, (sqlite3_int64)r->records_skipped);
	b_text(st, 21, r->skipped_summary);
	step(w, st);
	sqlite3_finalize(st);
	st = prep(w, "INSERT INTO meta VALUES ('format','updguard case'),('schema_version','1')");
	step(w, st);
	sqlite3_finalize(st);
}

static void put_sources(wr *w)
{
	sqlite3_stmt *st = prep(w, "INSERT INTO sources VALUES (?,?,?,?,?,?,?,?)");
	for (size_t i = 0; st && i < w->r->nsources; i++) {
		const ug_source *s = &w->r->sources[i];
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
		b_text(st, 2, s->path);
		b_text(st, 3, s->format);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)s->bytes);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)s->records);
		sqlite3_bind_int64(st, 6, (sqlite3_int64)s->skipped);
		sqlite3_bind_int(st, 7, s->failed);
		b_text(st, 8, s->ignored);
		step(w, st);
	}
	sqlite3_finalize(st);
}

static void seen_text(ug_buf *b, unsigned seen)
{
	static const char *const names[] = {"endpoint", "proxy", "network"};
	for (unsigned i = 0; i < 3; i++)
		if (seen & (1u << i))
			ug_buf_printf(b, "%s%s", b->len ? "|" : "", names[i]);
}

static void put_delivery(wr *w, sqlite3_stmt *st, size_t host, const ug_delivery *d)
{
	sqlite3_bind_int64(st, 1, (sqlite3_int64)host);
	b_time(w, st, 2, 3, d->time);
	b_text(st, 4, d->server);
	b_text(st, 5, d->server_ip);
	b_text(st, 6, d->region);
	b_text(st, 7, d->url);
	sqlite3_bind_int64(st, 8, (sqlite3_int64)d->bytes);
	b_text(st, 9, d->files);
	b_text(st, 10, d->sha256);
	ug_buf_clear(&w->tmp);
	seen_text(&w->tmp, d->seen);
	sqlite3_bind_text(st, 11, ug_buf_cstr(&w->tmp), (int)w->tmp.len, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 12, d->in_window);
	b_prov(w, st, 13, d->prov);
	step(w, st);
}

static void put_evidence(wr *w, sqlite3_stmt *st, size_t host, const ug_evidence *e)
{
	sqlite3_bind_int64(st, 1, (sqlite3_int64)host);
	b_time(w, st, 2, 3, e->time);
	b_text(st, 4, e->kind);
	b_text(st, 5, e->technique);
	b_text(st, 6, e->summary);
	b_text(st, 7, e->value);
	b_text(st, 8, e->pattern);
	sqlite3_bind_int(st, 9, e->lineage);
	sqlite3_bind_int64(st, 10, e->fleet_hosts);
	sqlite3_bind_int64(st, 11, e->baseline_hosts);
	sqlite3_bind_double(st, 12, e->weight);
	b_text(st, 13, e->process);
	b_text(st, 14, e->parent_process);
	b_prov(w, st, 15, e->prov);
	step(w, st);
}

static void put_hosts(wr *w)
{
	sqlite3_stmt *hs = prep(w, "INSERT INTO hosts VALUES (?,?,?,?,?,?,?)");
	sqlite3_stmt *ds = prep(w, "INSERT INTO deliveries VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	sqlite3_stmt *es = prep(w, "INSERT INTO evidence VALUES (NULL,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	for (size_t i = 0; hs && ds && es && w->rc == UG_OK && i < w->r->nhosts; i++) {
		const ug_host_result *h = &w->r->hosts[i];
		sqlite3_bind_int64(hs, 1, (sqlite3_int64)i);
		b_text(hs, 2, h->host);
		b_text(hs, 3, ug_verdict_name(h->verdict));
		sqlite3_bind_double(hs, 4, h->score);
		b_text(hs, 5, h->explanation);
		b_text(hs, 6, h->ips);
		sqlite3_bind_int(hs, 7, h->endpoint_logs);
		step(w, hs);
		for (size_t j = 0; j < h->ndeliveries; j++)
			put_delivery(w, ds, i, &h->deliveries[j]);
		for (size_t j = 0; j < h->nevidence; j++)
			put_evidence(w, es, i, &h->evidence[j]);
	}
	sqlite3_finalize(hs);
	sqlite3_finalize(ds);
	sqlite3_finalize(es);
}

static void put_iocs_servers(wr *w)
{
	sqlite3_stmt *st = prep(w, "INSERT INTO iocs VALUES (NULL,?,?,?,?,?,?,?)");
	for (size_t i = 0; st && i < w->r->niocs; i++) {
		const ug_ioc *c = &w->r->iocs[i];
		b_text(st, 1, c->type);
		b_text(st, 2, c->value);
		sqlite3_bind_int64(st, 3, c->hosts);
		b_text(st, 4, c->context);
		b_prov(w, st, 5, c->prov);
		step(w, st);
	}
	sqlite3_finalize(st);
	st = prep(w, "INSERT INTO servers VALUES (NULL,?,?,?,?,?,?,?,?,?)");
	for (size_t i = 0; st && i < w->r->nservers; i++) {
		const ug_server_stat *s = &w->r->servers[i];
		b_text(st, 1, s->server);
		b_text(st, 2, s->region);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)s->deliveries);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)s->window_deliveries);
		sqlite3_bind_int64(st, 5, (sqlite3_int64)s->compromised_deliveries);
		b_time(w, st, 6, 8, s->first);
		b_time(w, st, 7, 9, s->last);
		step(w, st);
	}
	sqlite3_finalize(st);
}

static void exec(wr *w, const char *sql, const char *what)
{
	if (w->rc == UG_OK && sqlite3_exec(w->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		db_fail(w, what);
}

static void unlink_side_files(const char *path)
{
	static const char *const side[] = {"-wal", "-shm", "-journal"};
	char p[4200];
	for (size_t i = 0; i < sizeof(side) / sizeof(side[0]); i++)
		if (snprintf(p, sizeof(p), "%s%s", path, side[i]) < (int)sizeof(p))
			unlink(p);
}

int ug_case_write_db(const ug_case *c, const char *path, ug_error *err)
{
	char tmp[4200];
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return ug_error_set(err, UG_ERR_INVALID, "%s: path too long", path);
	unlink(tmp);
	unlink_side_files(tmp);
	wr w = {NULL, c->res, UG_BUF_INIT, UG_OK, err};
	if (sqlite3_open_v2(tmp, &w.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		db_fail(&w, "open");
	exec(&w, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; BEGIN", "begin");
	exec(&w, schema_sql, "schema");
	put_run(&w, c);
	put_sources(&w);
	put_hosts(&w);
	put_iocs_servers(&w);
	exec(&w, "COMMIT", "commit");
	exec(&w, "PRAGMA journal_mode=DELETE", "checkpoint");
	if (sqlite3_close(w.db) != SQLITE_OK)
		db_fail(&w, "close");
	ug_buf_free(&w.tmp);
	if (w.rc == UG_OK) {
		unlink_side_files(path);
		if (rename(tmp, path) != 0)
			w.rc = ug_error_set(err, UG_ERR_IO, "%s: %s", path, strerror(errno));
	}
	if (w.rc != UG_OK) {
		unlink(tmp);
		unlink_side_files(tmp);
	}
	return w.rc;
}

/* ---- reading ---- */

typedef struct rd {
	sqlite3 *db;
	rp_case_priv *p;
	ug_hunt_result *r;
	const char *path;
	int rc;
	ug_error *err;
} rd;

static int bad(rd *x, const char *fmt, ...) UG_PRINTF(2, 3);
static int bad(rd *x, const char *fmt, ...)
{
	if (x->rc == UG_OK) {
		char msg[400];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		x->rc = ug_error_set(x->err, UG_ERR_PARSE, "%s: %s", x->path, msg);
	}
	return x->rc;
}

static sqlite3_stmt *q(rd *x, const char *sql, const char *table)
{
	sqlite3_stmt *st = NULL;
	if (x->rc != UG_OK)
		return NULL;
	if (sqlite3_prepare_v2(x->db, sql, -1, &st, NULL) != SQLITE_OK) {
		bad(x, "not a readable updguard case: table %s (%s)", table, sqlite3_errmsg(x->db));
		return NULL;
	}
	return st;
}

static const char *col_text(rd *x, sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	if (!s)
		return "";
	int n = sqlite3_column_bytes(st, i);
	const char *d = ug_arena_dup(&x->p->arena, ug_sv_make((const char *)s, (size_t)n)).p;
	if (!d)
		x->rc = ug_error_set(x->err, UG_ERR_NOMEM, "out of memory");
	return d ? d : "";
}

static const char *col_text_or_null(rd *x, sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : col_text(x, st, i);
}

static ug_time col_time(sqlite3_stmt *st, int i, ug_time none)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? none : sqlite3_column_int64(st, i);
}

static ug_prov col_prov(sqlite3_stmt *st, int i)
{
	ug_prov pv = {UINT32_MAX, 0};
	if (sqlite3_column_type(st, i) != SQLITE_NULL)
		pv.source = (uint32_t)sqlite3_column_int64(st, i);
	pv.record = (uint64_t)sqlite3_column_int64(st, i + 1);
	return pv;
}

/* Row count of a table, for sizing. */
static size_t count(rd *x, const char *table)
{
	char sql[100];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	sqlite3_stmt *st = q(x, sql, table);
	size_t n = 0;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		n = (size_t)sqlite3_column_int64(st, 0);
	else if (st)
		bad(x, "cannot read table %s", table);
	sqlite3_finalize(st);
	return n;
}

static void *alloc_rows(rd *x, size_t n, size_t size)
{
	void *p = ug_arena_calloc(&x->p->arena, n + 1, size);
	if (!p && x->rc == UG_OK)
		x->rc = ug_error_set(x->err, UG_ERR_NOMEM, "out of memory");
	return p;
}

static void check_header(rd *x)
{
	sqlite3_stmt *st = q(x, "PRAGMA application_id", "application_id");
	int app = 0;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		app = sqlite3_column_int(st, 0);
	else if (st)
		bad(x, "%s", sqlite3_errmsg(x->db));
	sqlite3_finalize(st);
	if (x->rc == UG_OK && app != CASE_APP_ID)
		bad(x, "%s", "not an updguard case database (another SQLite file)");
	st = q(x, "PRAGMA user_version", "user_version");
	int ver = 0;
	if (st && sqlite3_step(st) == SQLITE_ROW)
		ver = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (x->rc == UG_OK && (ver < 1 || ver > CASE_SCHEMA_VERSION))
		bad(x, "%s", "case schema version not supported by this updguard");
}

static void get_run(rd *x, ug_case *c)
{
	sqlite3_stmt *st = q(x, "SELECT created_ns, tool_version, product, profile, window_start_ns, window_end_ns,"
	                        " window_given, window_inferred, after_ns, skew_ns, updaters, update_hosts,"
	                        " install_dirs, iocs_file, records_read, records_skipped, skipped_summary"
	                        " FROM runs ORDER BY id LIMIT 1", "runs");
	if (!st)
		return;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		bad(x, "%s", "the case has no run");
		return;
	}
	ug_case_run *run = &c->run;
	run->created = col_time(st, 0, UG_TIME_INVALID);
	run->tool_version = col_text(x, st, 1);
	x->r->product = col_text(x, st, 2);
	run->profile = col_text(x, st, 3);
	x->r->window_start = col_time(st, 4, INT64_MIN);
	x->r->window_end = col_time(st, 5, INT64_MAX);
	run->window_given = sqlite3_column_int(st, 6);
	x->r->window_inferred = sqlite3_column_int(st, 7);
	x->r->after = sqlite3_column_int64(st, 8);
	run->skew = sqlite3_column_int64(st, 9);
	run->updaters = col_text(x, st, 10);
	run->update_hosts = col_text(x, st, 11);
	run->install_dirs = col_text(x, st, 12);
	run->iocs_file = col_text(x, st, 13);
	x->r->records_read = (uint64_t)sqlite3_column_int64(st, 14);
	x->r->records_skipped = (uint64_t)sqlite3_column_int64(st, 15);
	x->r->skipped_summary = col_text(x, st, 16);
	sqlite3_finalize(st);
}

static void get_sources(rd *x)
{
	size_t n = count(x, "sources");
	ug_source *v = alloc_rows(x, n, sizeof(*v));
	sqlite3_stmt *st = q(x, "SELECT id, path, format, bytes, records, skipped, failed, ignored FROM sources ORDER BY id",
	                     "sources");
	size_t i = 0;
	while (st && v && x->rc == UG_OK && i < n && sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0) != (sqlite3_int64)i) {
			bad(x, "%s", "damaged: source ids are not 0..n-1");
			break;
		}
		ug_source *s = &v[i];
		s->id = (uint32_t)i++;
		s->path = col_text(x, st, 1);
		s->format = col_text(x, st, 2);
		s->bytes = (uint64_t)sqlite3_column_int64(st, 3);
		s->records = (uint64_t)sqlite3_column_int64(st, 4);
		s->skipped = (uint64_t)sqlite3_column_int64(st, 5);
		s->failed = sqlite3_column_int(st, 6);
		s->ignored = col_text_or_null(x, st, 7);
	}
	sqlite3_finalize(st);
	x->r->sources = v;
	x->r->nsources = i;
}

static ug_verdict verdict_of(rd *x, const char *s)
{
	for (int v = UG_VERDICT_NO_DELIVERY; v <= UG_VERDICT_COMPROMISED; v++)
		if (!strcmp(s, ug_verdict_name((ug_verdict)v)))
			return (ug_verdict)v;
	bad(x, "damaged: unknown verdict '%.100s'", s);
	return UG_VERDICT_NO_DELIVERY;
}

static void get_hosts(rd *x)
{
	size_t n = count(x, "hosts");
	ug_host_result *v = alloc_rows(x, n, sizeof(*v));
	sqlite3_stmt *st = q(x, "SELECT id, name, verdict, score, explanation, ips, endpoint_logs FROM hosts ORDER BY id",
	                     "hosts");
	size_t i = 0;
	while (st && v && x->rc == UG_OK && i < n && sqlite3_step(st) == SQLITE_ROW) {
		if (sqlite3_column_int64(st, 0) != (sqlite3_int64)i) {
			bad(x, "%s", "damaged: host ids are not 0..n-1");
			break;
		}
		ug_host_result *h = &v[i++];
		h->host = col_text(x, st, 1);
		h->verdict = verdict_of(x, (const char *)sqlite3_column_text(st, 2) ? (const char *)sqlite3_column_text(st, 2) : "");
		h->score = sqlite3_column_double(st, 3);
		h->explanation = col_text(x, st, 4);
		h->ips = col_text(x, st, 5);
		h->endpoint_logs = sqlite3_column_int(st, 6);
	}
	sqlite3_finalize(st);
	x->r->hosts = v;
	x->r->nhosts = i;
}

static unsigned seen_bits(const char *s)
{
	unsigned b = 0;
	b |= strstr(s, "endpoint") ? UG_SEEN_ENDPOINT : 0;
	b |= strstr(s, "proxy") ? UG_SEEN_PROXY : 0;
	b |= strstr(s, "network") ? UG_SEEN_NETWORK : 0;
	return b;
}

/* The host of a row (checked), or SIZE_MAX after reporting damage. */
static size_t row_host(rd *x, sqlite3_stmt *st, size_t *last)
{
	sqlite3_int64 h = sqlite3_column_int64(st, 0);
	if (h < 0 || (size_t)h >= x->r->nhosts || (size_t)h < *last) {
		bad(x, "%s", "damaged: a row names a host that does not exist");
		return SIZE_MAX;
	}
	*last = (size_t)h;
	return (size_t)h;
}

static void get_deliveries(rd *x)
{
	size_t n = count(x, "deliveries"), i = 0, last = 0;
	ug_delivery *v = alloc_rows(x, n, sizeof(*v));
	sqlite3_stmt *st = q(x, "SELECT host_id, time_ns, server, server_ip, region, url, bytes, files, sha256, seen,"
	                        " in_window, source_id, record FROM deliveries ORDER BY host_id, id", "deliveries");
	while (st && v && x->rc == UG_OK && i < n && sqlite3_step(st) == SQLITE_ROW) {
		size_t h = row_host(x, st, &last);
		if (h == SIZE_MAX)
			break;
		ug_delivery *d = &v[i++];
		d->time = col_time(st, 1, UG_TIME_INVALID);
		d->server = col_text(x, st, 2);
		d->server_ip = col_text(x, st, 3);
		d->region = col_text(x, st, 4);
		d->url = col_text(x, st, 5);
		d->bytes = (uint64_t)sqlite3_column_int64(st, 6);
		d->files = col_text(x, st, 7);
		d->sha256 = col_text(x, st, 8);
		d->seen = seen_bits(col_text(x, st, 9));
		d->in_window = sqlite3_column_int(st, 10);
		d->prov = col_prov(st, 11);
		ug_host_result *hr = &x->r->hosts[h];
		if (!hr->ndeliveries)
			hr->deliveries = d;
		hr->ndeliveries++;
	}
	sqlite3_finalize(st);
}

static void get_evidence(rd *x)
{
	size_t n = count(x, "evidence"), i = 0, last = 0;
	ug_evidence *v = alloc_rows(x, n, sizeof(*v));
	sqlite3_stmt *st = q(x, "SELECT host_id, time_ns, kind, technique, summary, value, pattern, lineage, fleet_hosts,"
	                        " baseline_hosts, weight, source_id, record, process, parent_process"
	                        " FROM evidence ORDER BY host_id, id", "evidence");
	while (st && v && x->rc == UG_OK && i < n && sqlite3_step(st) == SQLITE_ROW) {
		size_t h = row_host(x, st, &last);
		if (h == SIZE_MAX)
			break;
		ug_evidence *e = &v[i++];
		e->time = col_time(st, 1, UG_TIME_INVALID);
		e->kind = col_text(x, st, 2);
		e->technique = col_text(x, st, 3);
		e->summary = col_text(x, st, 4);
		e->value = col_text(x, st, 5);
		e->pattern = col_text(x, st, 6);
		e->lineage = sqlite3_column_int(st, 7);
		e->fleet_hosts = (uint32_t)sqlite3_column_int64(st, 8);
		e->baseline_hosts = (uint32_t)sqlite3_column_int64(st, 9);
		e->weight = sqlite3_column_double(st, 10);
		e->prov = col_prov(st, 11);
		e->process = col_text(x, st, 13);
		e->parent_process = col_text(x, st, 14);
		ug_host_result *hr = &x->r->hosts[h];
		if (!hr->nevidence)
			hr->evidence = e;
		hr->nevidence++;
	}
	sqlite3_finalize(st);
}

static void get_iocs(rd *x)
{
	size_t n = count(x, "iocs"), i = 0;
	ug_ioc *v = alloc_rows(x, n, sizeof(*v));
	sqlite3_stmt *st = q(x, "SELECT type, value, hosts, context, source_id, record FROM iocs ORDER BY id", "iocs");
	while (st && v && x->rc == UG_OK && i < n && sqlite3_step(st) == SQLITE_ROW) {
		ug_ioc *c = &v[i++];
		c->type = col_text(x, st, 0);
		c->value = col_text(x, st, 1);
		c->hosts = (uint32_t)sqlite3_column_int64(st, 2);
		c->context = col_text(x, st, 3);
		c->prov = col_prov(st, 4);
	}
	sqlite3_finalize(st);
	x->r->iocs = v;
	x->r->niocs = i;
}

static void get_servers(rd *x)
{
	size_t n = count(x, "servers"), i = 0;
	ug_server_stat *v = alloc_rows(x, n, sizeof(*v));
	sqlite3_stmt *st = q(x, "SELECT server, region, deliveries, window_deliveries, compromised_deliveries, first_ns,"
	                        " last_ns FROM servers ORDER BY id", "servers");
	while (st && v && x->rc == UG_OK && i < n && sqlite3_step(st) == SQLITE_ROW) {
		ug_server_stat *s = &v[i++];
		s->server = col_text(x, st, 0);
		s->region = col_text(x, st, 1);
		s->deliveries = (uint64_t)sqlite3_column_int64(st, 2);
		s->window_deliveries = (uint64_t)sqlite3_column_int64(st, 3);
		s->compromised_deliveries = (uint64_t)sqlite3_column_int64(st, 4);
		s->first = col_time(st, 5, UG_TIME_INVALID);
		s->last = col_time(st, 6, UG_TIME_INVALID);
	}
	sqlite3_finalize(st);
	x->r->servers = v;
	x->r->nservers = i;
}

int ug_case_load(const char *path, ug_case **out, ug_error *err)
{
	*out = NULL;
	if (access(path, R_OK) != 0)
		return ug_error_set(err, UG_ERR_IO, "%s: %s", path, strerror(errno));
	ug_case *c = NULL;
	rp_case_priv *p = rp_case_new(&c, err);
	if (!p)
		return UG_ERR_NOMEM;
	rd x = {NULL, p, &p->res, path, UG_OK, err};
	if (sqlite3_open_v2(path, &x.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		bad(&x, "cannot open: %s", sqlite3_errmsg(x.db));
	check_header(&x);
	get_run(&x, c);
	get_sources(&x);
	get_hosts(&x);
	get_deliveries(&x);
	get_evidence(&x);
	get_iocs(&x);
	get_servers(&x);
	sqlite3_close(x.db);
	if (x.rc != UG_OK) {
		ug_case_free(c);
		return x.rc;
	}
	*out = c;
	return UG_OK;
}
