/*
 * The proxy's log writer (log.h): one thread, batched transactions, one
 * fsync per batch, checkpoints signed before the commit and served after it.
 */
#include <openssl/sha.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <capsa/tlog.h>
#include <capsa/util.h>

#include "daemon/log.h"

/*
 * The writer keeps the tree nodes it wrote or read in a direct-mapped cache:
 * the receipts of a batch and the next appends share most of their paths.
 * It writes through, so a cached node is the stored one. A node undone with
 * its op's savepoint (or its batch) may stay cached, but the tree reads only
 * nodes that are complete at its current size, and an undone node becomes
 * complete again only by the append that stores (and caches) it anew.
 */
#define LOG_NODE_CACHE_BITS 12

struct log_node {
	uint64_t key; /* 0: empty */
	uint8_t hash[CAPSA_TLOG_HASH_BYTES];
};

struct capsa_log {
	capsa_store *store;
	struct log_node nodes[1 << LOG_NODE_CACHE_BITS]; /* the writer's */
	char *origin;
	uint8_t seed[32];
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work;
	capsa_log_op *queue;
	bool stopping;
	uint64_t size;      /* committed */
	uint64_t pending;   /* size inside the open transaction */
	char *checkpoint;   /* the latest committed signed checkpoint */
	char *cosigned;     /* inside a batch: the checkpoint with new cosignatures */
	bool purge_pending; /* a revocation committed but its kfrag may still be in the WAL */
	void (*on_commit)(void *arg, uint64_t size, const char *note);
	void *on_commit_arg;
};

/* ---- The tree ------------------------------------------------------------------ */

static void interior_hash(uint8_t out[32], const uint8_t left[32], const uint8_t right[32])
{
	uint8_t buf[65];

	buf[0] = 0x01;
	memcpy(buf + 1, left, 32);
	memcpy(buf + 33, right, 32);
	SHA256(buf, sizeof buf, out);
}

/* The cache slot of node (|level|, |index|), and its key there. */
static struct log_node *node_slot(capsa_log *log, unsigned level, uint64_t index, uint64_t *key)
{
	*key = (index << 6 | level) + 1; /* levels are below 64, indexes below 2^57 */
	return &log->nodes[(*key * UINT64_C(0x9e3779b97f4a7c15)) >> (64 - LOG_NODE_CACHE_BITS)];
}

/* The writer's node reader (capsa_tlog_get_node), through the cache. */
static capsa_status get_node(void *arg, unsigned level, uint64_t index, uint8_t out[CAPSA_TLOG_HASH_BYTES])
{
	capsa_log *log = arg;
	uint64_t key;
	struct log_node *n = node_slot(log, level, index, &key);
	capsa_status st;

	if (n->key == key) {
		memcpy(out, n->hash, CAPSA_TLOG_HASH_BYTES);
		return CAPSA_OK;
	}
	if ((st = capsa_store_node_get(log->store, level, index, out)) == CAPSA_OK) {
		n->key = key;
		memcpy(n->hash, out, CAPSA_TLOG_HASH_BYTES);
	}
	return st;
}

static capsa_status put_node(capsa_log *log, unsigned level, uint64_t index, const uint8_t hash[CAPSA_TLOG_HASH_BYTES])
{
	uint64_t key;
	struct log_node *n = node_slot(log, level, index, &key);
	capsa_status st = capsa_store_node_put(log->store, level, index, hash);

	n->key = st == CAPSA_OK ? key : 0;
	memcpy(n->hash, hash, CAPSA_TLOG_HASH_BYTES);
	return st;
}

/* Stores entry |index| and every node it completes. */
static capsa_status append_entry(capsa_log *log, const char *entry, size_t len)
{
	uint64_t index = log->pending;
	uint8_t hash[32], left[32];
	capsa_status st = capsa_store_entry_put(log->store, index, (const uint8_t *)entry, len);

	if (st == CAPSA_OK)
		st = capsa_tlog_leaf_hash(hash, entry, len);
	if (st == CAPSA_OK)
		st = put_node(log, 0, index, hash);
	for (unsigned level = 1; st == CAPSA_OK && ((index + 1) & ((UINT64_C(1) << level) - 1)) == 0; level++) {
		uint64_t parent = ((index + 1) >> level) - 1;
		if ((st = get_node(log, level - 1, 2 * parent, left)) == CAPSA_OK) {
			interior_hash(hash, left, hash);
			st = put_node(log, level, parent, hash);
		}
	}
	if (st == CAPSA_OK)
		log->pending++;
	return st;
}

static capsa_status sign_checkpoint(capsa_log *log, uint64_t size, char **note)
{
	uint8_t root[32];
	char *body = NULL;
	size_t body_len, note_len;
	capsa_status st = CAPSA_OK;

	if (size == 0)
		SHA256((const uint8_t *)"", 0, root);
	else
		st = capsa_tlog_root(root, size, get_node, log);
	if (st == CAPSA_OK)
		st = capsa_checkpoint_format(&body, &body_len, log->origin, size, root, NULL, 0);
	if (st == CAPSA_OK)
		st = capsa_note_sign(note, &note_len, body, body_len, log->origin, log->seed);
	free(body);
	return st;
}

/* The receipt of entry |index| under the committed checkpoint. */
static capsa_status make_receipt(capsa_log *log, capsa_log_result *r)
{
	uint8_t path[CAPSA_TLOG_MAX_PROOF][CAPSA_TLOG_HASH_BYTES];
	size_t n = 0;
	capsa_status st = CAPSA_OK;

	if (r->entry == NULL) { /* an entry of an earlier batch */
		uint8_t *e = NULL;
		st = capsa_store_entry_get(log->store, r->index, &e, &r->entry_len);
		r->entry = (char *)e;
	}
	if (st == CAPSA_OK)
		st = capsa_tlog_inclusion_proof(path, &n, r->index, log->size, get_node, log);
	if (st == CAPSA_OK)
		st = capsa_tlog_proof_format(&r->receipt, &r->receipt_len, (const uint8_t *)r->entry, r->entry_len, r->index,
		                             (const uint8_t(*)[CAPSA_TLOG_HASH_BYTES])path, n, log->checkpoint,
		                             strlen(log->checkpoint));
	return st;
}

/* Forgets the results of an op that did not happen. */
static void drop_results(capsa_log_op *op)
{
	capsa_log_op_clear(op);
	op->existed = false;
}

/* ---- The ops ------------------------------------------------------------------- */

static capsa_status add_event(capsa_log *log, capsa_log_op *op, capsa_proxy_event_type type,
                              const capsa_store_grant *g, const char *party)
{
	capsa_proxy_event e = {.type = type, .time = op->now};
	char *text = NULL;
	size_t len;
	capsa_status st;

	memcpy(e.grant_id, g->id, sizeof e.grant_id);
	memcpy(e.content_id, g->content_id, sizeof e.content_id);
	memcpy(e.statement_hash, op->statement_hash, sizeof e.statement_hash);
	if (type != CAPSA_EVENT_REENCRYPT)
		memcpy(e.owner, g->owner_party, sizeof e.owner);
	if (party != NULL)
		memcpy(e.party, party, sizeof e.party);
	capsa_log_result *r = &op->results[op->num_results];
	r->index = log->pending;
	if ((st = capsa_proxy_event_format(&text, &len, &e)) == CAPSA_OK && (st = append_entry(log, text, len)) == CAPSA_OK) {
		r->entry = text;
		r->entry_len = len;
		op->num_results++;
		return CAPSA_OK;
	}
	free(text);
	return st;
}

/* Loads a grant's state (not its kfrag) for an op; a missing one is the op's problem, not an error. */
static capsa_status load_grant(capsa_log *log, capsa_log_op *op, const uint8_t id[CAPSA_GRANT_ID_BYTES],
                               capsa_store_grant *g)
{
	capsa_status st = capsa_store_grant_state(log->store, id, g);

	if (st == CAPSA_ERR_NO_MATCH)
		op->problem = CAPSA_PROBLEM_UNKNOWN_GRANT;
	return st;
}

static capsa_status do_grant(capsa_log *log, capsa_log_op *op)
{
	capsa_store_grant old;
	capsa_status st = capsa_store_grant_get(log->store, op->grant->id, &old);

	if (st == CAPSA_OK) { /* the same statement again is the same grant; another is a conflict */
		if (memcmp(old.statement_hash, op->grant->statement_hash, 32) == 0) {
			op->existed = true;
			op->results[op->num_results++].index = old.grant_entry;
		} else {
			op->problem = CAPSA_PROBLEM_CONFLICT;
		}
		capsa_store_grant_clear(&old);
		return CAPSA_OK;
	}
	if (st != CAPSA_ERR_NO_MATCH)
		return st;
	op->grant->grant_entry = log->pending;
	if ((st = capsa_store_grant_insert(log->store, op->grant)) != CAPSA_OK)
		return st;
	return add_event(log, op, CAPSA_EVENT_GRANT, op->grant, op->grant->recipient_party);
}

/* The refusals of a re-encryption, in the order doc/PROTOCOL.md gives them. */
static capsa_proxy_problem reencrypt_refusal(const capsa_store_grant *g, const capsa_proxy_item *it,
                                             const char *requester, uint64_t now)
{
	if (g->status == CAPSA_GRANT_REVOKED)
		return CAPSA_PROBLEM_REVOKED;
	if (g->not_after != 0 && now > g->not_after)
		return CAPSA_PROBLEM_EXPIRED;
	if (strcmp(g->recipient_party, requester) != 0)
		return CAPSA_PROBLEM_NOT_RECIPIENT;
	if (g->max_uses != 0 && g->uses >= g->max_uses)
		return CAPSA_PROBLEM_USES_EXHAUSTED;
	if (memcmp(g->content_id, it->content_id, CAPSA_CONTENT_ID_BYTES) != 0)
		return CAPSA_PROBLEM_BAD_CAPSULE;
	return CAPSA_PROBLEM_NONE;
}

static capsa_status use_nonce(capsa_log *log, capsa_log_op *op, const uint8_t nonce[CAPSA_PROXY_NONCE_BYTES])
{
	capsa_status st = capsa_store_nonce_use(log->store, op->signer, nonce, op->now + CAPSA_PROXY_NONCE_TTL);

	if (st == CAPSA_ERR_EXISTS) {
		op->problem = CAPSA_PROBLEM_REPLAY;
		return CAPSA_OK;
	}
	return st;
}

static capsa_status do_reencrypt(capsa_log *log, capsa_log_op *op)
{
	const capsa_proxy_reencrypt *r = op->reencrypt;
	capsa_status st = use_nonce(log, op, r->nonce);

	for (size_t i = 0; st == CAPSA_OK && op->problem == CAPSA_PROBLEM_NONE && i < r->num_items; i++) {
		capsa_store_grant g;
		if ((st = load_grant(log, op, r->items[i].grant_id, &g)) != CAPSA_OK)
			break;
		op->problem = reencrypt_refusal(&g, &r->items[i], op->signer, op->now);
		if (op->problem == CAPSA_PROBLEM_NONE && (st = capsa_store_grant_add_use(log->store, g.id)) == CAPSA_OK)
			st = add_event(log, op, CAPSA_EVENT_REENCRYPT, &g, op->signer);
		capsa_store_grant_clear(&g);
	}
	return st == CAPSA_ERR_NO_MATCH ? CAPSA_OK : st;
}

/* Revocation is idempotent: a revoked grant answers with its revocation whatever the nonce, so a retry succeeds. */
static capsa_status do_revoke(capsa_log *log, capsa_log_op *op)
{
	capsa_store_grant g;
	capsa_status st = load_grant(log, op, op->revoke->grant_id, &g);

	if (st != CAPSA_OK)
		return st == CAPSA_ERR_NO_MATCH ? CAPSA_OK : st;
	if (strcmp(g.owner_party, op->signer) != 0) {
		op->problem = CAPSA_PROBLEM_BAD_SIGNATURE; /* the handler checked the owner's key already */
	} else if (g.status == CAPSA_GRANT_REVOKED) {
		op->existed = true;
		op->results[op->num_results++].index = g.revoke_entry;
	} else if ((st = use_nonce(log, op, op->revoke->nonce)) == CAPSA_OK && op->problem == CAPSA_PROBLEM_NONE &&
	           (st = capsa_store_grant_revoke(log->store, g.id, log->pending)) == CAPSA_OK) {
		st = add_event(log, op, CAPSA_EVENT_REVOKE, &g, NULL);
	}
	capsa_store_grant_clear(&g);
	return st;
}

/* Adds witnesses' cosignatures to the latest checkpoint; a stale size is dropped (a newer one is on its way). */
static capsa_status do_cosign(capsa_log *log, capsa_log_op *op)
{
	const char *base = log->cosigned != NULL ? log->cosigned : log->checkpoint;
	char *note = NULL;
	size_t len;
	capsa_status st;

	if (op->cosign_size != log->size || base == NULL)
		return CAPSA_OK;
	st = capsa_note_append_lines(&note, &len, base, strlen(base), op->cosign_lines, strlen(op->cosign_lines));
	if (st == CAPSA_OK)
		st = capsa_store_checkpoint_put(log->store, log->size, note);
	if (st == CAPSA_OK) {
		free(log->cosigned);
		log->cosigned = note;
	} else {
		free(note);
	}
	return st == CAPSA_ERR_DECODE ? CAPSA_OK : st;
}

/* Applies one op under a savepoint: a refused or failed op leaves no trace. */
static capsa_status apply(capsa_log *log, capsa_log_op *op)
{
	uint64_t before = log->pending;
	capsa_status st;

	op->problem = CAPSA_PROBLEM_NONE;
	op->num_results = 0;
	if (capsa_store_savepoint(log->store) != CAPSA_OK)
		return CAPSA_ERR_IO;
	st = op->type == CAPSA_LOG_GRANT       ? do_grant(log, op)
	     : op->type == CAPSA_LOG_REENCRYPT ? do_reencrypt(log, op)
	     : op->type == CAPSA_LOG_REVOKE    ? do_revoke(log, op)
	                                       : do_cosign(log, op);
	if (st != CAPSA_OK || op->problem != CAPSA_PROBLEM_NONE) {
		capsa_store_savepoint_undo(log->store);
		log->pending = before;
		drop_results(op);
	}
	capsa_store_savepoint_release(log->store);
	return st;
}

/* ---- The writer ------------------------------------------------------------------- */

/* Applies a batch in one transaction; false if it could not be committed. */
static bool commit_batch(capsa_log *log, capsa_log_op *batch)
{
	char *note = NULL;
	bool ok = capsa_store_begin(log->store) == CAPSA_OK && capsa_store_nonce_prune(log->store, batch->now) == CAPSA_OK;

	log->pending = log->size;
	for (capsa_log_op *op = batch; ok && op != NULL; op = op->next)
		ok = apply(log, op) == CAPSA_OK;
	if (ok && log->pending != log->size)
		ok = sign_checkpoint(log, log->pending, &note) == CAPSA_OK &&
		     capsa_store_checkpoint_put(log->store, log->pending, note) == CAPSA_OK;
	if (ok)
		ok = capsa_store_commit(log->store) == CAPSA_OK;
	if (!ok) {
		capsa_store_rollback(log->store);
		free(note);
		free(log->cosigned);
		log->cosigned = NULL;
		return false;
	}
	if (note == NULL) { /* no new entry: at most new cosignatures on the same checkpoint */
		note = log->cosigned;
	} else {
		free(log->cosigned);
	}
	log->cosigned = NULL;
	if (note != NULL) {
		bool grew = log->pending != log->size;
		pthread_mutex_lock(&log->mu);
		free(log->checkpoint);
		log->checkpoint = note;
		log->size = log->pending;
		pthread_mutex_unlock(&log->mu);
		if (grew && log->on_commit != NULL)
			log->on_commit(log->on_commit_arg, log->size, note);
	}
	return true;
}

/*
 * A revocation is answered only once its kfrag is gone from the WAL too
 * (capsa_store_purge_wal); if that fails, its ops fail and the next batch
 * tries again, so a retried revocation succeeds only on a clean WAL.
 */
static void purge_revoked(capsa_log *log, capsa_log_op *batch)
{
	bool revoked = log->purge_pending;

	for (capsa_log_op *op = batch; op != NULL; op = op->next)
		revoked |= op->type == CAPSA_LOG_REVOKE && op->problem == CAPSA_PROBLEM_NONE;
	if (!revoked)
		return;
	log->purge_pending = capsa_store_purge_wal(log->store) != CAPSA_OK;
	for (capsa_log_op *op = batch; log->purge_pending && op != NULL; op = op->next)
		if (op->type == CAPSA_LOG_REVOKE && op->problem == CAPSA_PROBLEM_NONE) {
			op->problem = CAPSA_PROBLEM_INTERNAL;
			drop_results(op);
		}
}

static void finish_batch(capsa_log *log, capsa_log_op *batch, bool committed)
{
	for (capsa_log_op *op = batch; op != NULL; op = op->next) {
		if (!committed) {
			op->problem = CAPSA_PROBLEM_INTERNAL;
			drop_results(op);
		}
		for (size_t i = 0; op->problem == CAPSA_PROBLEM_NONE && i < op->num_results; i++)
			if (make_receipt(log, &op->results[i]) != CAPSA_OK)
				op->problem = CAPSA_PROBLEM_INTERNAL;
	}
	pthread_mutex_lock(&log->mu);
	for (capsa_log_op *op = batch, *next; op != NULL; op = next) {
		next = op->next; /* |op| may be gone once its submitter wakes */
		op->done = true;
		pthread_cond_signal(op->wake);
	}
	pthread_mutex_unlock(&log->mu);
}

/* Takes the whole queue, oldest first. */
static capsa_log_op *take_queue(capsa_log *log)
{
	capsa_log_op *rev = log->queue, *batch = NULL;

	log->queue = NULL;
	while (rev != NULL) {
		capsa_log_op *next = rev->next;
		rev->next = batch;
		batch = rev;
		rev = next;
	}
	return batch;
}

static void *writer(void *arg)
{
	capsa_log *log = arg;

	for (;;) {
		pthread_mutex_lock(&log->mu);
		while (log->queue == NULL && !log->stopping)
			pthread_cond_wait(&log->work, &log->mu);
		if (log->queue == NULL) {
			pthread_mutex_unlock(&log->mu);
			return NULL;
		}
		capsa_log_op *batch = take_queue(log);
		pthread_mutex_unlock(&log->mu);
		bool committed = commit_batch(log, batch);
		if (committed)
			purge_revoked(log, batch);
		finish_batch(log, batch, committed);
	}
}

void capsa_log_on_commit(capsa_log *log, void (*fn)(void *arg, uint64_t size, const char *note), void *arg)
{
	log->on_commit = fn;
	log->on_commit_arg = arg;
}

void capsa_log_submit(capsa_log *log, capsa_log_op *op)
{
	pthread_cond_t wake; /* one per op: a batch wakes its submitters, not every waiter */

	pthread_cond_init(&wake, NULL);
	op->done = false;
	op->wake = &wake;
	pthread_mutex_lock(&log->mu);
	op->next = log->queue;
	log->queue = op;
	pthread_cond_signal(&log->work);
	while (!op->done)
		pthread_cond_wait(&wake, &log->mu);
	pthread_mutex_unlock(&log->mu);
	pthread_cond_destroy(&wake);
}

void capsa_log_op_clear(capsa_log_op *op)
{
	for (size_t i = 0; i < op->num_results; i++) {
		free(op->results[i].receipt);
		free(op->results[i].entry);
		op->results[i] = (capsa_log_result){0};
	}
	op->num_results = 0;
}

char *capsa_log_checkpoint(capsa_log *log)
{
	pthread_mutex_lock(&log->mu);
	char *c = log->checkpoint != NULL ? strdup(log->checkpoint) : NULL;
	pthread_mutex_unlock(&log->mu);
	return c;
}

uint64_t capsa_log_size(capsa_log *log)
{
	pthread_mutex_lock(&log->mu);
	uint64_t n = log->size;
	pthread_mutex_unlock(&log->mu);
	return n;
}

/* Reads the committed state, or makes the checkpoint of the empty log. */
static capsa_status load_state(capsa_log *log)
{
	uint64_t entries = 0, size = 0;
	capsa_status st = capsa_store_log_size(log->store, &entries);

	if (st != CAPSA_OK)
		return st;
	st = capsa_store_checkpoint_latest(log->store, &size, &log->checkpoint);
	if (st == CAPSA_ERR_NO_MATCH && entries == 0) {
		if ((st = sign_checkpoint(log, 0, &log->checkpoint)) == CAPSA_OK &&
		    (st = capsa_store_begin(log->store)) == CAPSA_OK &&
		    ((st = capsa_store_checkpoint_put(log->store, 0, log->checkpoint)) != CAPSA_OK ||
		     (st = capsa_store_commit(log->store)) != CAPSA_OK))
			capsa_store_rollback(log->store);
	}
	if (st == CAPSA_OK && size != entries)
		st = CAPSA_ERR_IO; /* entries and checkpoints are committed together: damage */
	log->size = size;
	return st;
}

capsa_status capsa_log_open(capsa_log **out, capsa_store *store, const char *origin, const capsa_identity *key)
{
	capsa_log *log = calloc(1, sizeof *log);
	capsa_status st;

	*out = NULL;
	if (log == NULL || (log->origin = strdup(origin)) == NULL) {
		free(log);
		return CAPSA_ERR_NOMEM;
	}
	log->store = store;
	memcpy(log->seed, key->ed25519_seed, sizeof log->seed);
	pthread_mutex_init(&log->mu, NULL);
	pthread_cond_init(&log->work, NULL);
	if ((st = load_state(log)) == CAPSA_OK && pthread_create(&log->thread, NULL, writer, log) != 0)
		st = CAPSA_ERR_INTERNAL;
	if (st != CAPSA_OK) {
		log->store = NULL; /* the caller still owns it */
		capsa_log_close(log);
		return st;
	}
	*out = log;
	return CAPSA_OK;
}

void capsa_log_close(capsa_log *log)
{
	if (log == NULL)
		return;
	if (log->store != NULL) {
		pthread_mutex_lock(&log->mu);
		log->stopping = true;
		pthread_cond_signal(&log->work);
		pthread_mutex_unlock(&log->mu);
		pthread_join(log->thread, NULL);
		capsa_store_close(log->store);
	}
	pthread_mutex_destroy(&log->mu);
	pthread_cond_destroy(&log->work);
	capsa_wipe(log->seed, sizeof log->seed);
	free(log->checkpoint);
	free(log->origin);
	free(log);
}
