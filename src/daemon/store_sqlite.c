/*
 * The SQLite store (store.h): one file, DIR/proxy.db, in WAL mode with
 * synchronous=FULL, so that a committed transaction survives a crash or a
 * power cut, and secure_delete, so that a destroyed kfrag is overwritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capsa/util.h>

#include "daemon/state_dir.h"
#include "daemon/store.h"

#define SCHEMA_VERSION 1

#define STATEMENT_CACHE 32

/* Every query is prepared once per connection and reset after each use: the hot paths run thousands a second. */
struct capsa_store {
	sqlite3 *db;
	struct {
		const char *sql; /* the literal at its call site: compared by address */
		sqlite3_stmt *st;
	} cache[STATEMENT_CACHE];
	size_t cached;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS grants ("
	" id BLOB PRIMARY KEY, content BLOB NOT NULL, owner_party TEXT NOT NULL, recipient_party TEXT NOT NULL,"
	" threshold INTEGER NOT NULL, shares INTEGER NOT NULL, idx INTEGER NOT NULL,"
	" not_after INTEGER NOT NULL, max_uses INTEGER NOT NULL, uses INTEGER NOT NULL DEFAULT 0,"
	" status INTEGER NOT NULL, kfrag BLOB, statement_hash BLOB NOT NULL, statement TEXT NOT NULL,"
	" signature BLOB NOT NULL, grant_entry INTEGER NOT NULL, revoke_entry INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE IF NOT EXISTS nonces (party TEXT NOT NULL, nonce BLOB NOT NULL, expires INTEGER NOT NULL,"
	" PRIMARY KEY (party, nonce));"
	"CREATE INDEX IF NOT EXISTS nonces_expires ON nonces (expires);"
	"CREATE TABLE IF NOT EXISTS entries (idx INTEGER PRIMARY KEY, data BLOB NOT NULL);"
	"CREATE TABLE IF NOT EXISTS nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL,"
	" PRIMARY KEY (level, idx)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL);";

static capsa_status io(sqlite3 *db, char *err, size_t err_len, const char *what)
{
	if (err != NULL && err_len > 0)
		snprintf(err, err_len, "%s: %s", what, db != NULL ? sqlite3_errmsg(db) : "out of memory");
	return CAPSA_ERR_IO;
}

static capsa_status check_version(sqlite3 *db, char *err, size_t err_len)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return io(db, err, err_len, "reading the schema version");
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (v == 0) /* a new file */
		return sqlite3_exec(db, "PRAGMA user_version = 1", NULL, NULL, NULL) == SQLITE_OK
		               ? CAPSA_OK
		               : io(db, err, err_len, "writing the schema version");
	if (v != SCHEMA_VERSION) {
		snprintf(err, err_len, "proxy.db has schema version %d; this capsa knows %d", v, SCHEMA_VERSION);
		return CAPSA_ERR_VERSION;
	}
	return CAPSA_OK;
}

capsa_status capsa_store_open(capsa_store **out, const char *dir, char *err, size_t err_len)
{
	char path[4096];
	capsa_store *s = calloc(1, sizeof *s);
	capsa_status st;

	*out = NULL;
	if (s == NULL)
		return CAPSA_ERR_NOMEM;
	if (capsa_state_dir_private_file(dir, "proxy.db", path, err, err_len) != CAPSA_OK) {
		free(s);
		return CAPSA_ERR_IO;
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	        SQLITE_OK ||
	    sqlite3_busy_timeout(s->db, 10000) != SQLITE_OK ||
	    sqlite3_exec(s->db,
	                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"
	                 "PRAGMA foreign_keys=ON;",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK)
		st = io(s->db, err, err_len, path);
	else
		st = check_version(s->db, err, err_len);
	if (st != CAPSA_OK) {
		capsa_store_close(s);
		return st;
	}
	*out = s;
	return CAPSA_OK;
}

capsa_status capsa_store_purge_wal(capsa_store *s)
{
	return sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) == SQLITE_OK ? CAPSA_OK
	                                                                                                  : CAPSA_ERR_IO;
}

void capsa_store_close(capsa_store *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->cached; i++)
		sqlite3_finalize(s->cache[i].st);
	sqlite3_close_v2(s->db);
	free(s);
}

/* Ends a use of a cached statement. */
static void release(sqlite3_stmt *st)
{
	if (st != NULL) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	}
}

static int cached_statement(capsa_store *s, const char *sql, sqlite3_stmt **st)
{
	int rc;

	for (size_t i = 0; i < s->cached; i++)
		if (s->cache[i].sql == sql) {
			*st = s->cache[i].st;
			return SQLITE_OK;
		}
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
	if (rc == SQLITE_OK && s->cached < STATEMENT_CACHE) {
		s->cache[s->cached].sql = sql;
		s->cache[s->cached++].st = *st;
	} else if (rc == SQLITE_OK) {
		rc = SQLITE_NOMEM; /* more queries than slots: a bug, caught by the tests */
		sqlite3_finalize(*st);
		*st = NULL;
	}
	return rc;
}

/* Prepares |sql|, binding '?' parameters from |fmt|: b = blob (ptr, len), t = text, i = int64. */
static sqlite3_stmt *prepare(capsa_store *s, const char *sql, const char *fmt, ...)
{
	sqlite3_stmt *st = NULL;
	va_list ap;
	int rc = cached_statement(s, sql, &st);

	va_start(ap, fmt);
	for (int i = 1; rc == SQLITE_OK && *fmt; fmt++, i++) {
		if (*fmt == 'b') {
			const void *p = va_arg(ap, const void *);
			int n = va_arg(ap, int);
			rc = p == NULL ? sqlite3_bind_null(st, i) : sqlite3_bind_blob(st, i, p, n, SQLITE_TRANSIENT);
		} else if (*fmt == 't') {
			rc = sqlite3_bind_text(st, i, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
		} else {
			rc = sqlite3_bind_int64(st, i, va_arg(ap, sqlite3_int64));
		}
	}
	va_end(ap);
	if (rc != SQLITE_OK) {
		release(st);
		return NULL;
	}
	return st;
}

/* Runs a statement that returns no rows. */
static capsa_status run(sqlite3_stmt *st)
{
	int rc = st == NULL ? SQLITE_ERROR : sqlite3_step(st);

	release(st);
	return rc == SQLITE_DONE ? CAPSA_OK : rc == SQLITE_CONSTRAINT ? CAPSA_ERR_EXISTS : CAPSA_ERR_IO;
}

/* Transactions and savepoints, as cached statements too: the writer runs a savepoint per op. */
capsa_status capsa_store_begin(capsa_store *s)
{
	return run(prepare(s, "BEGIN IMMEDIATE", ""));
}

capsa_status capsa_store_commit(capsa_store *s)
{
	return run(prepare(s, "COMMIT", ""));
}

void capsa_store_rollback(capsa_store *s)
{
	(void)run(prepare(s, "ROLLBACK", ""));
}

capsa_status capsa_store_savepoint(capsa_store *s)
{
	return run(prepare(s, "SAVEPOINT op", ""));
}

void capsa_store_savepoint_undo(capsa_store *s)
{
	(void)run(prepare(s, "ROLLBACK TO op", ""));
}

void capsa_store_savepoint_release(capsa_store *s)
{
	(void)run(prepare(s, "RELEASE op", ""));
}

static bool blob_to(uint8_t *out, size_t n, sqlite3_stmt *st, int col)
{
	if (sqlite3_column_type(st, col) != SQLITE_BLOB || (size_t)sqlite3_column_bytes(st, col) != n)
		return false;
	memcpy(out, sqlite3_column_blob(st, col), n);
	return true;
}

static bool text_to(char *out, size_t cap, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = t == NULL ? 0 : (size_t)sqlite3_column_bytes(st, col);

	if (t == NULL || n >= cap)
		return false;
	memcpy(out, t, n + 1);
	return true;
}

void capsa_store_grant_clear(capsa_store_grant *g)
{
	free(g->statement);
	capsa_wipe(g, sizeof *g);
}

static bool small_column(uint8_t *out, sqlite3_stmt *st, int col)
{
	sqlite3_int64 v = sqlite3_column_int64(st, col);
	*out = (uint8_t)v;
	return v >= 0 && v <= 255;
}

/* Reads a grants row (columns in schema order) into |g|; false if a column is malformed. */
/* Columns 0 to 10 of a grant row, the same in both queries. */
static bool grant_state_columns(capsa_store_grant *g, sqlite3_stmt *st)
{
	if (!blob_to(g->id, sizeof g->id, st, 0) || !blob_to(g->content_id, sizeof g->content_id, st, 1) ||
	    !text_to(g->owner_party, sizeof g->owner_party, st, 2) ||
	    !text_to(g->recipient_party, sizeof g->recipient_party, st, 3) || !small_column(&g->threshold, st, 4) ||
	    !small_column(&g->shares, st, 5) || !small_column(&g->index, st, 6))
		return false;
	g->not_after = (uint64_t)sqlite3_column_int64(st, 7);
	g->max_uses = (uint64_t)sqlite3_column_int64(st, 8);
	g->uses = (uint64_t)sqlite3_column_int64(st, 9);
	g->status = (capsa_store_grant_status)sqlite3_column_int(st, 10);
	return g->status == CAPSA_GRANT_ACTIVE || g->status == CAPSA_GRANT_REVOKED;
}

static bool grant_row(capsa_store_grant *g, sqlite3_stmt *st)
{
	const unsigned char *text;

	if (!grant_state_columns(g, st))
		return false;
	g->has_kfrag = sqlite3_column_type(st, 11) != SQLITE_NULL;
	if ((g->has_kfrag && !blob_to(g->kfrag, sizeof g->kfrag, st, 11)) ||
	    !blob_to(g->statement_hash, sizeof g->statement_hash, st, 12) ||
	    (text = sqlite3_column_text(st, 13)) == NULL || (g->statement = strdup((const char *)text)) == NULL ||
	    !blob_to(g->signature, sizeof g->signature, st, 14))
		return false;
	g->grant_entry = (uint64_t)sqlite3_column_int64(st, 15);
	g->revoke_entry = (uint64_t)sqlite3_column_int64(st, 16);
	return true;
}

static bool grant_state_row(capsa_store_grant *g, sqlite3_stmt *st)
{
	if (!grant_state_columns(g, st))
		return false;
	g->has_kfrag = sqlite3_column_int(st, 11) != 0;
	g->grant_entry = (uint64_t)sqlite3_column_int64(st, 12);
	g->revoke_entry = (uint64_t)sqlite3_column_int64(st, 13);
	return true;
}

static capsa_status grant_query(sqlite3_stmt *st, bool (*row)(capsa_store_grant *, sqlite3_stmt *),
                                capsa_store_grant *out)
{
	capsa_status result = CAPSA_ERR_IO;
	int rc;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return CAPSA_ERR_IO;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		result = CAPSA_ERR_NO_MATCH;
	else if (rc == SQLITE_ROW)
		result = row(out, st) ? CAPSA_OK : CAPSA_ERR_IO;
	release(st);
	if (result != CAPSA_OK)
		capsa_store_grant_clear(out);
	return result;
}

capsa_status capsa_store_grant_get(capsa_store *s, const uint8_t id[CAPSA_GRANT_ID_BYTES], capsa_store_grant *out)
{
	return grant_query(prepare(s, "SELECT * FROM grants WHERE id = ?", "b", id, CAPSA_GRANT_ID_BYTES), grant_row, out);
}

capsa_status capsa_store_grant_state(capsa_store *s, const uint8_t id[CAPSA_GRANT_ID_BYTES], capsa_store_grant *out)
{
	return grant_query(prepare(s,
	                           "SELECT id, content, owner_party, recipient_party, threshold, shares, idx, not_after,"
	                           " max_uses, uses, status, kfrag IS NOT NULL, grant_entry, revoke_entry"
	                           " FROM grants WHERE id = ?",
	                           "b", id, CAPSA_GRANT_ID_BYTES),
	                   grant_state_row, out);
}

capsa_status capsa_store_grant_insert(capsa_store *s, const capsa_store_grant *g)
{
	return run(prepare(s,
	                   "INSERT INTO grants (id, content, owner_party, recipient_party, threshold, shares, idx,"
	                   " not_after, max_uses, uses, status, kfrag, statement_hash, statement, signature,"
	                   " grant_entry, revoke_entry) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	                   "bbttiiiiiiibbtbii", g->id, CAPSA_GRANT_ID_BYTES, g->content_id, CAPSA_CONTENT_ID_BYTES,
	                   g->owner_party, g->recipient_party, (sqlite3_int64)g->threshold,
	                   (sqlite3_int64)g->shares, (sqlite3_int64)g->index, (sqlite3_int64)g->not_after,
	                   (sqlite3_int64)g->max_uses, (sqlite3_int64)g->uses, (sqlite3_int64)g->status,
	                   g->has_kfrag ? g->kfrag : NULL, CAPSA_KFRAG_FILE_BYTES, g->statement_hash, 32,
	                   g->statement, g->signature, CAPSA_PROXY_SIG_BYTES, (sqlite3_int64)g->grant_entry,
	                   (sqlite3_int64)g->revoke_entry));
}

/* An UPDATE that must change exactly one row. */
static capsa_status update_one(capsa_store *s, sqlite3_stmt *st)
{
	capsa_status r = run(st);
	return r == CAPSA_OK && sqlite3_changes(s->db) != 1 ? CAPSA_ERR_NO_MATCH : r;
}

capsa_status capsa_store_grant_add_use(capsa_store *s, const uint8_t id[CAPSA_GRANT_ID_BYTES])
{
	return update_one(s, prepare(s, "UPDATE grants SET uses = uses + 1 WHERE id = ?", "b", id, CAPSA_GRANT_ID_BYTES));
}

capsa_status capsa_store_grant_revoke(capsa_store *s, const uint8_t id[CAPSA_GRANT_ID_BYTES], uint64_t entry)
{
	return update_one(s, prepare(s, "UPDATE grants SET status = 2, kfrag = NULL, revoke_entry = ? WHERE id = ?",
	                             "ib", (sqlite3_int64)entry, id, CAPSA_GRANT_ID_BYTES));
}

/* Runs a query whose first row's first column is an integer. */
static capsa_status query_int(sqlite3_stmt *st, uint64_t *out)
{
	int rc = st == NULL ? SQLITE_ERROR : sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(st, 0);
	release(st);
	return rc == SQLITE_ROW ? CAPSA_OK : CAPSA_ERR_IO;
}

capsa_status capsa_store_grants_active(capsa_store *s, uint64_t now, uint64_t *count)
{
	return query_int(prepare(s,
	                         "SELECT count(*) FROM grants WHERE status = 1 AND (not_after = 0 OR not_after >= ?)"
	                         " AND (max_uses = 0 OR uses < max_uses)",
	                         "i", (sqlite3_int64)now),
	                 count);
}

capsa_status capsa_store_nonce_prune(capsa_store *s, uint64_t now)
{
	return run(prepare(s, "DELETE FROM nonces WHERE expires < ?", "i", (sqlite3_int64)now));
}

capsa_status capsa_store_nonce_use(capsa_store *s, const char *party, const uint8_t nonce[CAPSA_PROXY_NONCE_BYTES],
                                   uint64_t expires)
{
	return run(prepare(s, "INSERT INTO nonces (party, nonce, expires) VALUES (?,?,?)", "tbi", party, nonce,
	                   CAPSA_PROXY_NONCE_BYTES, (sqlite3_int64)expires));
}

capsa_status capsa_store_log_size(capsa_store *s, uint64_t *size)
{
	return query_int(prepare(s, "SELECT coalesce(max(idx) + 1, 0) FROM entries", ""), size);
}

capsa_status capsa_store_entry_put(capsa_store *s, uint64_t index, const uint8_t *data, size_t len)
{
	return run(prepare(s, "INSERT INTO entries (idx, data) VALUES (?,?)", "ib", (sqlite3_int64)index, data, (int)len));
}

/* Runs a query whose first row's first column is a blob, into a fresh buffer. */
static capsa_status query_blob(sqlite3_stmt *st, uint8_t **data, size_t *len)
{
	int rc = st == NULL ? SQLITE_ERROR : sqlite3_step(st);
	capsa_status r = rc == SQLITE_DONE ? CAPSA_ERR_NO_MATCH : CAPSA_ERR_IO;

	*data = NULL;
	*len = 0;
	if (rc == SQLITE_ROW) {
		size_t n = (size_t)sqlite3_column_bytes(st, 0);
		const void *p = sqlite3_column_blob(st, 0);
		if ((*data = malloc(n + 1)) != NULL) {
			if (n > 0)
				memcpy(*data, p, n);
			(*data)[n] = 0;
			*len = n;
			r = CAPSA_OK;
		} else {
			r = CAPSA_ERR_NOMEM;
		}
	}
	release(st);
	return r;
}

capsa_status capsa_store_entry_get(capsa_store *s, uint64_t index, uint8_t **data, size_t *len)
{
	return query_blob(prepare(s, "SELECT data FROM entries WHERE idx = ?", "i", (sqlite3_int64)index), data, len);
}

capsa_status capsa_store_node_put(capsa_store *s, unsigned level, uint64_t index,
                                  const uint8_t hash[CAPSA_TLOG_HASH_BYTES])
{
	return run(prepare(s, "INSERT INTO nodes (level, idx, hash) VALUES (?,?,?)", "iib", (sqlite3_int64)level,
	                   (sqlite3_int64)index, hash, CAPSA_TLOG_HASH_BYTES));
}

capsa_status capsa_store_node_get(capsa_store *s, unsigned level, uint64_t index, uint8_t hash[CAPSA_TLOG_HASH_BYTES])
{
	uint8_t *p;
	size_t n;
	capsa_status st = query_blob(prepare(s, "SELECT hash FROM nodes WHERE level = ? AND idx = ?", "ii",
	                                     (sqlite3_int64)level, (sqlite3_int64)index),
	                             &p, &n);

	if (st == CAPSA_OK && n != CAPSA_TLOG_HASH_BYTES)
		st = CAPSA_ERR_IO;
	if (st == CAPSA_OK)
		memcpy(hash, p, CAPSA_TLOG_HASH_BYTES);
	free(p);
	return st == CAPSA_ERR_NO_MATCH ? CAPSA_ERR_IO : st; /* a node the tree needs is missing: damage */
}

capsa_status capsa_store_get_node(void *arg, unsigned level, uint64_t index, uint8_t out[CAPSA_TLOG_HASH_BYTES])
{
	return capsa_store_node_get(arg, level, index, out);
}

capsa_status capsa_store_checkpoint_put(capsa_store *s, uint64_t size, const char *note)
{
	return run(prepare(s, "INSERT OR REPLACE INTO checkpoints (size, note) VALUES (?,?)", "it", (sqlite3_int64)size,
	                   note));
}

capsa_status capsa_store_checkpoint_latest(capsa_store *s, uint64_t *size, char **note)
{
	sqlite3_stmt *st = prepare(s, "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1", "");
	int rc = st == NULL ? SQLITE_ERROR : sqlite3_step(st);
	capsa_status r = rc == SQLITE_DONE ? CAPSA_ERR_NO_MATCH : CAPSA_ERR_IO;

	*note = NULL;
	*size = 0;
	if (rc == SQLITE_ROW) {
		const unsigned char *t = sqlite3_column_text(st, 1);
		*size = (uint64_t)sqlite3_column_int64(st, 0);
		*note = t != NULL ? strdup((const char *)t) : NULL;
		r = *note != NULL ? CAPSA_OK : CAPSA_ERR_NOMEM;
	}
	release(st);
	return r;
}
