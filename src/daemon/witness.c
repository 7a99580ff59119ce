/*
 * daemon/witness.c - the witness (c2sp.org/tlog-witness add-checkpoint):
 * the size and root of each log in SQLite. Each check of a request against
 * them and the write of the new state is one transaction, committed (and
 * fsync'ed) before the cosignature is made: two requests never both advance
 * a log from one size, and a crash never leaves a cosigned checkpoint the
 * state does not hold, so the witness never cosigns two inconsistent
 * checkpoints of one log.
 */
#include "witness.h"
#include "state_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <capsa/keys.h>

#define PROBLEM "urn:capsa:problem:"

struct capsa_witness {
	sqlite3 *db;
	pthread_mutex_t mu;
	int lock_fd;
	char name[CAPSA_NOTE_MAX_NAME + 1];
	uint8_t seed[32];
	uint8_t public_key[32];
	capsa_note_verifier *logs;
	size_t num_logs;
};

/* say writes "WHAT: WHY" into |err| (may be NULL). */
static void say(char *err, size_t err_len, const char *what, const char *why)
{
	if (err && err_len)
		snprintf(err, err_len, "%s: %s", what, why);
}

/* default_name is "capsa.witness/" and the first 16 hex of the party id
 * (SHA-256("capsa/v1/party\n" || ed25519 public key), doc/PROTOCOL.md). */
static capsa_status default_name(char out[CAPSA_NOTE_MAX_NAME + 1], const uint8_t pub[32])
{
	static const char label[] = "capsa/v1/party\n";
	uint8_t msg[sizeof label - 1 + 32], h[32];
	memcpy(msg, label, sizeof label - 1);
	memcpy(msg + sizeof label - 1, pub, 32);
	if (EVP_Digest(msg, sizeof msg, h, NULL, EVP_sha256(), NULL) != 1)
		return CAPSA_ERR_INTERNAL;
	int n = snprintf(out, CAPSA_NOTE_MAX_NAME + 1, "capsa.witness/");
	for (int i = 0; i < 8; i++)
		n += snprintf(out + n, (size_t)(CAPSA_NOTE_MAX_NAME + 1 - n), "%02x", h[i]);
	return CAPSA_OK;
}

/* load_key reads DIR/identity (state_dir.h), creating it first when |create| and absent. */
static capsa_status load_key(const char *dir, bool create, uint8_t seed[32], uint8_t pub[32], char *err,
                             size_t err_len)
{
	capsa_identity id;
	capsa_status st = capsa_state_dir_identity(dir, create, &id, err, err_len);

	if (st == CAPSA_OK) {
		memcpy(seed, id.ed25519_seed, 32);
		memcpy(pub, id.ed25519_public, 32);
	}
	capsa_identity_wipe(&id);
	return st;
}

static capsa_status open_db(capsa_witness *w, const char *dir, char *err, size_t err_len)
{
	static const char schema[] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                             "CREATE TABLE IF NOT EXISTS logs (origin TEXT PRIMARY KEY,"
	                             " size INTEGER NOT NULL, root BLOB NOT NULL);";
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/witness.db", dir) >= sizeof path)
		return CAPSA_ERR_ARG;
	if (sqlite3_open_v2(path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
	                    NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(w->db, 5000) != SQLITE_OK || sqlite3_exec(w->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
		say(err, err_len, path, w->db ? sqlite3_errmsg(w->db) : "cannot open");
		return CAPSA_ERR_IO;
	}
	return CAPSA_OK;
}

static capsa_status set_logs(capsa_witness *w, const capsa_note_verifier *logs, size_t num, char *err,
                             size_t err_len)
{
	for (size_t i = 0; i < num; i++) {
		if (logs[i].type != CAPSA_NOTE_ED25519) {
			say(err, err_len, logs[i].name, "not an Ed25519 (type 0x01) key");
			return CAPSA_ERR_ARG;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(logs[i].name, logs[j].name) == 0) {
				say(err, err_len, logs[i].name, "given twice");
				return CAPSA_ERR_ARG;
			}
	}
	if (num && !(w->logs = malloc(num * sizeof *logs)))
		return CAPSA_ERR_NOMEM;
	if (num)
		memcpy(w->logs, logs, num * sizeof *logs);
	w->num_logs = num;
	return CAPSA_OK;
}

capsa_status capsa_witness_open(capsa_witness **out, const char *dir, const char *name,
                                const capsa_note_verifier *logs, size_t num_logs, char *err, size_t err_len)
{
	capsa_witness *w;
	capsa_note_verifier probe;
	capsa_status st;

	*out = NULL;
	if ((st = capsa_state_dir_make(dir, err, err_len)) != CAPSA_OK)
		return st;
	if (!(w = calloc(1, sizeof *w)))
		return CAPSA_ERR_NOMEM;
	w->lock_fd = -1;
	pthread_mutex_init(&w->mu, NULL);
	if ((st = capsa_state_dir_lock(dir, "witness", &w->lock_fd, err, err_len)) != CAPSA_OK ||
	    (st = capsa_state_dir_kept(dir, "witness.db", err, err_len)) != CAPSA_OK ||
	    (st = load_key(dir, true, w->seed, w->public_key, err, err_len)) != CAPSA_OK ||
	    (st = name ? CAPSA_OK : default_name(w->name, w->public_key)) != CAPSA_OK)
		goto fail;
	if (name)
		snprintf(w->name, sizeof w->name, "%s", name);
	if ((st = capsa_note_verifier_init(&probe, w->name, CAPSA_NOTE_COSIGNATURE, w->public_key)) != CAPSA_OK) {
		say(err, err_len, w->name, "not a valid key name");
		goto fail;
	}
	if ((st = set_logs(w, logs, num_logs, err, err_len)) != CAPSA_OK ||
	    (st = open_db(w, dir, err, err_len)) != CAPSA_OK)
		goto fail;
	*out = w;
	return CAPSA_OK;
fail:
	capsa_witness_close(w);
	return st;
}

void capsa_witness_close(capsa_witness *w)
{
	if (!w)
		return;
	if (w->db)
		sqlite3_close(w->db);
	if (w->lock_fd >= 0)
		close(w->lock_fd); /* releases the flock */
	pthread_mutex_destroy(&w->mu);
	OPENSSL_cleanse(w->seed, sizeof w->seed);
	free(w->logs);
	free(w);
}

static capsa_status vkey_of(const char *name, const uint8_t pub[32], char **out, size_t *out_len)
{
	capsa_note_verifier v;
	capsa_status st = capsa_note_verifier_init(&v, name, CAPSA_NOTE_COSIGNATURE, pub);
	return st != CAPSA_OK ? st : capsa_note_vkey_encode(out, out_len, &v);
}

capsa_status capsa_witness_vkey(const capsa_witness *w, char **out, size_t *out_len)
{
	return vkey_of(w->name, w->public_key, out, out_len);
}

capsa_status capsa_witness_identity_vkey(const char *dir, const char *name, char **out, size_t *out_len, char *err,
                                         size_t err_len)
{
	uint8_t seed[32], pub[32];
	char def[CAPSA_NOTE_MAX_NAME + 1];
	capsa_status st = load_key(dir, false, seed, pub, err, err_len);
	OPENSSL_cleanse(seed, sizeof seed);
	if (st == CAPSA_OK && !name && (st = default_name(def, pub)) == CAPSA_OK)
		name = def;
	return st != CAPSA_OK ? st : vkey_of(name, pub, out, out_len);
}

/* ---- state ------------------------------------------------------------ */

/* get_state reads the log's (size, root) into |*found|, |size|, |root|; an
 * origin never cosigned is not found, size 0. Returns false on a database
 * error. */
static bool get_state(capsa_witness *w, const char *origin, bool *found, uint64_t *size, uint8_t root[32])
{
	sqlite3_stmt *s = NULL;
	bool ok = false;
	*found = false;
	*size = 0;
	memset(root, 0, 32);
	if (sqlite3_prepare_v2(w->db, "SELECT size, root FROM logs WHERE origin = ?", -1, &s, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(s, 1, origin, -1, SQLITE_STATIC);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(s, 1) == 32 && sqlite3_column_int64(s, 0) >= 0) {
		*found = true;
		*size = (uint64_t)sqlite3_column_int64(s, 0);
		memcpy(root, sqlite3_column_blob(s, 1), 32);
		ok = true;
	} else if (rc == SQLITE_DONE) {
		ok = true;
	}
	sqlite3_finalize(s);
	return ok;
}

static bool put_state(capsa_witness *w, const char *origin, uint64_t size, const uint8_t root[32])
{
	sqlite3_stmt *s = NULL;
	bool ok;
	if (size > INT64_MAX ||
	    sqlite3_prepare_v2(w->db, "INSERT INTO logs (origin, size, root) VALUES (?, ?, ?) ON CONFLICT(origin)"
	                              " DO UPDATE SET size = excluded.size, root = excluded.root",
	                       -1, &s, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(s, 1, origin, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (int64_t)size);
	sqlite3_bind_blob(s, 3, root, 32, SQLITE_STATIC);
	ok = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	return ok;
}

/* ---- POST /add-checkpoint --------------------------------------------- */

/* What the witness makes of a request, against what it saw of the log. */
enum verdict {
	COSIGN_SAME,  /* the checkpoint it holds again: cosign, nothing to store */
	COSIGN_NEW,   /* an extension: store it, then cosign */
	STALE,        /* 409: the old size is not the size it holds */
	FORK,         /* 409: another root for the size it holds */
	INCONSISTENT, /* 422: the consistency proof does not verify */
};

/* judge decides on a request whose checkpoint verified (old <= size, and no
 * proof with old size 0), given the stored state (|found|, |size|, |root|). */
static enum verdict judge(bool found, uint64_t size, const uint8_t root[32], const capsa_witness_request *rq,
                          const capsa_checkpoint *cp)
{
	if (rq->old_size != size)
		return STALE;
	if (found && cp->size == size) {
		if (CRYPTO_memcmp(root, cp->root, 32) != 0)
			return FORK;
		return rq->proof_len == 0 ? COSIGN_SAME : INCONSISTENT;
	}
	if (rq->old_size == 0)
		return COSIGN_NEW; /* every tree extends the empty one */
	return capsa_tlog_verify_consistency(rq->old_size, cp->size, root, cp->root,
	                                     (const uint8_t (*)[32])rq->proof, rq->proof_len) == CAPSA_OK
	           ? COSIGN_NEW
	           : INCONSISTENT;
}

static bool sql_exec(capsa_witness *w, const char *sql)
{
	return sqlite3_exec(w->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

/*
 * check_and_store judges the request and stores an extension in one
 * BEGIN IMMEDIATE transaction, so the check of the old size and the write of
 * the new one are atomic, and the new state is durable (synchronous=FULL)
 * before anything is cosigned. |*size| is the size held afterwards. Returns
 * false on a database error (nothing stored, nothing to cosign).
 */
static bool check_and_store(capsa_witness *w, const capsa_witness_request *rq, const capsa_checkpoint *cp,
                            enum verdict *v, uint64_t *size)
{
	uint8_t root[32];
	bool found, ok;

	pthread_mutex_lock(&w->mu); /* one connection: one transaction at a time */
	ok = sql_exec(w, "BEGIN IMMEDIATE") && get_state(w, cp->origin, &found, size, root);
	if (ok) {
		*v = judge(found, *size, root, rq, cp);
		if (*v == COSIGN_NEW)
			ok = put_state(w, cp->origin, cp->size, cp->root);
	}
	ok = ok && sql_exec(w, "COMMIT");
	if (!ok)
		(void)sql_exec(w, "ROLLBACK");
	else if (*v == COSIGN_NEW)
		*size = cp->size;
	pthread_mutex_unlock(&w->mu);
	return ok;
}

static const capsa_note_verifier *find_log(const capsa_witness *w, const char *origin)
{
	for (size_t i = 0; i < w->num_logs; i++)
		if (strcmp(w->logs[i].name, origin) == 0)
			return &w->logs[i];
	return NULL;
}

/* conflict answers 409 with the size the witness holds (c2sp.org/tlog-witness). */
static void conflict(capsa_http_response *resp, uint64_t size)
{
	char body[32];
	snprintf(body, sizeof body, "%" PRIu64 "\n", size);
	capsa_http_respond_text(resp, 409, "text/x.tlog.size", body);
}

static void cosign(capsa_witness *w, capsa_http_response *resp, const capsa_note *note)
{
	char *line = NULL;
	size_t line_len = 0;
	if (capsa_cosignature_sign(&line, &line_len, note->text, note->text_len, w->name, w->seed,
	                           (uint64_t)time(NULL)) != CAPSA_OK) {
		capsa_http_problem(resp, 500, PROBLEM "internal", "Cannot cosign", NULL);
		return;
	}
	capsa_http_respond(resp, 200, "text/plain; charset=utf-8", line, line_len);
	free(line);
}

static void bad_request(capsa_http_response *resp, const char *title)
{
	capsa_http_problem(resp, 400, PROBLEM "bad-request", title, NULL);
}

/* open_checkpoint parses and verifies the request's checkpoint, answering
 * (400 malformed, 404 unknown origin, 403 not signed by the log's key) when
 * it cannot. Returns true with |cp| and |note| filled (free both either way). */
static bool open_checkpoint(const capsa_witness *w, const capsa_witness_request *rq, capsa_checkpoint *cp,
                            capsa_note *note, capsa_http_response *resp)
{
	const capsa_note_verifier *log;
	capsa_status st;

	if (capsa_note_parse(note, rq->checkpoint, rq->checkpoint_len) != CAPSA_OK ||
	    capsa_checkpoint_parse(cp, note->text, note->text_len) != CAPSA_OK) {
		bad_request(resp, "Not a checkpoint (c2sp.org/tlog-checkpoint as a signed note)");
		return false;
	}
	if (!(log = find_log(w, cp->origin))) {
		capsa_http_problem(resp, 404, PROBLEM "not-found", "Unknown log", "this witness has no key for the origin");
		return false;
	}
	capsa_checkpoint_free(cp);
	capsa_note_free(note);
	/* Only the log's key is trusted: other signatures (cosignatures) are ignored. */
	st = capsa_checkpoint_open(cp, note, rq->checkpoint, rq->checkpoint_len, log->name, log, NULL, 0, NULL);
	if (st == CAPSA_ERR_SIGNATURE || st == CAPSA_ERR_SIGNER)
		capsa_http_problem(resp, 403, PROBLEM "bad-signature", "Checkpoint not signed by the log's key", NULL);
	else if (st == CAPSA_ERR_NOMEM)
		capsa_http_problem(resp, 500, PROBLEM "internal", "Out of memory", NULL);
	else if (st != CAPSA_OK)
		bad_request(resp, "Not a checkpoint");
	return st == CAPSA_OK;
}

static void add_checkpoint(void *arg, const capsa_http_request *req, capsa_http_response *resp)
{
	capsa_witness *w = arg;
	capsa_witness_request rq;
	capsa_note note = {0};
	capsa_checkpoint cp = {0};
	enum verdict v = STALE;
	uint64_t size = 0;

	if (!req->body || capsa_witness_request_parse(&rq, (const char *)req->body, req->body_len) != CAPSA_OK) {
		bad_request(resp, "Not an add-checkpoint body (old size, proof lines, blank line, checkpoint)");
		return;
	}
	if (!open_checkpoint(w, &rq, &cp, &note, resp))
		goto out;
	if (rq.old_size > cp.size)
		bad_request(resp, "Old size beyond the checkpoint's size");
	else if (rq.old_size == 0 && rq.proof_len != 0)
		bad_request(resp, "A consistency proof from old size 0");
	else if (!check_and_store(w, &rq, &cp, &v, &size))
		capsa_http_problem(resp, 500, PROBLEM "internal", "Witness state not read or written", NULL);
	else if (v == STALE || v == FORK)
		conflict(resp, size);
	else if (v == INCONSISTENT)
		capsa_http_problem(resp, 422, PROBLEM "conflict", "Consistency proof does not verify",
		                   "the checkpoint is not an extension of the tree this witness cosigned");
	else
		cosign(w, resp, &note);
out:
	capsa_checkpoint_free(&cp);
	capsa_note_free(&note);
}

static double count_logs(void *arg)
{
	const capsa_witness *w = arg;
	return (double)w->num_logs;
}

capsa_status capsa_witness_register(capsa_witness *w, capsa_http_server *srv)
{
	capsa_status st = capsa_http_route(srv, "POST", "/add-checkpoint", NULL, add_checkpoint, w);
	return st != CAPSA_OK ? st : capsa_http_gauge(srv, "logs", "Logs this witness knows", count_logs, w);
}
