/* What a keeper remembers (keeper_store.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/keeper_store.h"
#include "daemon/state_dir.h"

struct keeper_store {
	sqlite3 *db;
	pthread_mutex_t mu;
};

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS grants (content BLOB PRIMARY KEY, time INTEGER NOT NULL, statement TEXT NOT NULL,"
	" signature BLOB NOT NULL);"
	"CREATE TABLE IF NOT EXISTS access (content BLOB NOT NULL, party TEXT NOT NULL, allow INTEGER NOT NULL,"
	" until INTEGER NOT NULL, time INTEGER NOT NULL, statement TEXT NOT NULL, signature BLOB NOT NULL,"
	" PRIMARY KEY (content, party));"
	"CREATE TABLE IF NOT EXISTS nonces (party TEXT NOT NULL, nonce BLOB NOT NULL, expires INTEGER NOT NULL,"
	" PRIMARY KEY (party, nonce));";

capsa_status keeper_store_open(keeper_store **out, const char *dir, char *err, size_t err_len)
{
	char path[4096];
	keeper_store *s = calloc(1, sizeof *s);

	*out = NULL;
	if (s == NULL)
		return CAPSA_ERR_NOMEM;
	if (capsa_state_dir_private_file(dir, "keeper.db", path, err, err_len) != CAPSA_OK) {
		free(s);
		return CAPSA_ERR_IO;
	}
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) !=
	        SQLITE_OK ||
	    sqlite3_busy_timeout(s->db, 10000) != SQLITE_OK ||
	    sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, err_len, "%s: %s", path, s->db != NULL ? sqlite3_errmsg(s->db) : "cannot open");
		sqlite3_close(s->db);
		free(s);
		return CAPSA_ERR_IO;
	}
	pthread_mutex_init(&s->mu, NULL);
	*out = s;
	return CAPSA_OK;
}

void keeper_store_close(keeper_store *s)
{
	if (s == NULL)
		return;
	sqlite3_close(s->db);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static sqlite3_stmt *prepare(keeper_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	return sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK ? st : NULL;
}

/*
 * Whether the row |sql| selects (its time; one blob and one text key) lets a
 * statement of |time| replace it: there is none, or it is not newer. (Only
 * the owner signs these, so two of the same second are both the owner's:
 * the one that came last holds.) CAPSA_OK, CAPSA_ERR_EXISTS or CAPSA_ERR_IO.
 */
static capsa_status may_replace(keeper_store *s, const char *sql, const uint8_t *content, const char *party,
                                uint64_t time)
{
	sqlite3_stmt *st = prepare(s, sql);
	capsa_status r = CAPSA_OK;

	if (st == NULL)
		return CAPSA_ERR_IO;
	sqlite3_bind_blob(st, 1, content, CAPSA_CONTENT_ID_BYTES, SQLITE_STATIC);
	if (party != NULL)
		sqlite3_bind_text(st, 2, party, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && (uint64_t)sqlite3_column_int64(st, 0) > time)
		r = CAPSA_ERR_EXISTS;
	else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		r = CAPSA_ERR_IO;
	sqlite3_finalize(st);
	return r;
}

static capsa_status step_done(sqlite3_stmt *st)
{
	int rc = st != NULL ? sqlite3_step(st) : SQLITE_ERROR;
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? CAPSA_OK : rc == SQLITE_CONSTRAINT ? CAPSA_ERR_EXISTS : CAPSA_ERR_IO;
}

capsa_status keeper_store_grant_put(keeper_store *s, const uint8_t content[CAPSA_CONTENT_ID_BYTES], uint64_t time,
                                    const char *statement, const uint8_t sig[CAPSA_PROXY_SIG_BYTES])
{
	capsa_status r;

	pthread_mutex_lock(&s->mu);
	if ((r = may_replace(s, "SELECT time FROM grants WHERE content = ?", content, NULL, time)) == CAPSA_OK) {
		sqlite3_stmt *st = prepare(s, "INSERT OR REPLACE INTO grants (content, time, statement, signature) VALUES (?,?,?,?)");
		if (st != NULL) {
			sqlite3_bind_blob(st, 1, content, CAPSA_CONTENT_ID_BYTES, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, (sqlite3_int64)time);
			sqlite3_bind_text(st, 3, statement, -1, SQLITE_STATIC);
			sqlite3_bind_blob(st, 4, sig, CAPSA_PROXY_SIG_BYTES, SQLITE_STATIC);
		}
		r = step_done(st);
	}
	pthread_mutex_unlock(&s->mu);
	return r;
}

capsa_status keeper_store_grant_get(keeper_store *s, const uint8_t content[CAPSA_CONTENT_ID_BYTES], char **statement)
{
	capsa_status r = CAPSA_ERR_IO;

	*statement = NULL;
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *st = prepare(s, "SELECT statement FROM grants WHERE content = ?");
	if (st != NULL) {
		sqlite3_bind_blob(st, 1, content, CAPSA_CONTENT_ID_BYTES, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW)
			r = (*statement = strdup((const char *)sqlite3_column_text(st, 0))) != NULL ? CAPSA_OK : CAPSA_ERR_NOMEM;
		else if (rc == SQLITE_DONE)
			r = CAPSA_ERR_NO_MATCH;
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&s->mu);
	return r;
}

capsa_status keeper_store_access_put(keeper_store *s, const uint8_t content[CAPSA_CONTENT_ID_BYTES], const char *party,
                                     bool allow, uint64_t until, uint64_t time, const char *statement,
                                     const uint8_t sig[CAPSA_PROXY_SIG_BYTES])
{
	capsa_status r;

	pthread_mutex_lock(&s->mu);
	if ((r = may_replace(s, "SELECT time FROM access WHERE content = ? AND party = ?", content, party, time)) ==
	    CAPSA_OK) {
		sqlite3_stmt *st = prepare(s, "INSERT OR REPLACE INTO access (content, party, allow, until, time, statement,"
		                              " signature) VALUES (?,?,?,?,?,?,?)");
		if (st != NULL) {
			sqlite3_bind_blob(st, 1, content, CAPSA_CONTENT_ID_BYTES, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, party, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 3, allow);
			sqlite3_bind_int64(st, 4, (sqlite3_int64)until);
			sqlite3_bind_int64(st, 5, (sqlite3_int64)time);
			sqlite3_bind_text(st, 6, statement, -1, SQLITE_STATIC);
			sqlite3_bind_blob(st, 7, sig, CAPSA_PROXY_SIG_BYTES, SQLITE_STATIC);
		}
		r = step_done(st);
	}
	pthread_mutex_unlock(&s->mu);
	return r;
}

capsa_status keeper_store_access_get(keeper_store *s, const uint8_t content[CAPSA_CONTENT_ID_BYTES], const char *party,
                                     bool *allow, uint64_t *until)
{
	capsa_status r = CAPSA_ERR_IO;

	*allow = false;
	*until = 0;
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *st = prepare(s, "SELECT allow, until FROM access WHERE content = ? AND party = ?");
	if (st != NULL) {
		sqlite3_bind_blob(st, 1, content, CAPSA_CONTENT_ID_BYTES, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, party, -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			*allow = sqlite3_column_int(st, 0) != 0;
			*until = (uint64_t)sqlite3_column_int64(st, 1);
			r = CAPSA_OK;
		} else if (rc == SQLITE_DONE) {
			r = CAPSA_ERR_NO_MATCH;
		}
		sqlite3_finalize(st);
	}
	pthread_mutex_unlock(&s->mu);
	return r;
}

capsa_status keeper_store_nonce_use(keeper_store *s, const char *party, const uint8_t nonce[CAPSA_PROXY_NONCE_BYTES],
                                    uint64_t expires, uint64_t now)
{
	capsa_status r;

	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *del = prepare(s, "DELETE FROM nonces WHERE expires < ?");
	if (del != NULL)
		sqlite3_bind_int64(del, 1, (sqlite3_int64)now);
	if ((r = step_done(del)) == CAPSA_OK) {
		sqlite3_stmt *st = prepare(s, "INSERT INTO nonces (party, nonce, expires) VALUES (?,?,?)");
		if (st != NULL) {
			sqlite3_bind_text(st, 1, party, -1, SQLITE_STATIC);
			sqlite3_bind_blob(st, 2, nonce, CAPSA_PROXY_NONCE_BYTES, SQLITE_STATIC);
			sqlite3_bind_int64(st, 3, (sqlite3_int64)expires);
		}
		r = step_done(st);
	}
	pthread_mutex_unlock(&s->mu);
	return r;
}
