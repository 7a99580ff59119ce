/* daemon/proxy_internal.h - what the proxy's files share: its state and the JSON of its messages. */
#ifndef CAPSA_DAEMON_PROXY_INTERNAL_H
#define CAPSA_DAEMON_PROXY_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <capsa/keys.h>
#include <capsa/proxy.h>

#include "client/json_b64.h"
#include "daemon/envelope.h"
#include "daemon/grant_cache.h"
#include "daemon/http.h"
#include "daemon/log.h"
#include "daemon/proxy.h"
#include "daemon/store.h"

#define PROXY_MAX_WITNESSES 16
#define PROXY_GRANT_CACHE_SLOTS 1024 /* about 500 KiB of locked memory */

struct proxy_witness {
	char *url;               /* .../add-checkpoint */
	capsa_note_verifier key; /* its cosignature key (type 0x04) */
	uint64_t known;          /* the size it last cosigned (0: none yet) */
};

/* The witnesses and the thread that submits checkpoints to them (proxy_witness.c). */
struct proxy_witnesses {
	struct proxy_witness w[PROXY_MAX_WITNESSES];
	size_t num;
	pthread_t thread;
	bool started, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	char *note; /* the newest checkpoint not yet submitted */
	uint64_t size;
};

struct capsa_proxy {
	capsa_identity id;
	capsa_recipient me;
	char party[CAPSA_PARTY_ID_HEXLEN + 1];
	char origin[CAPSA_NOTE_MAX_NAME + 1];
	char recipient[CAPSA_RECIPIENT_STRLEN + 1];
	char *vkey;
	int lock_fd;
	capsa_log *log;
	capsa_store *reader; /* the handlers' connection, under reader_mu */
	pthread_mutex_t reader_mu;
	grant_cache *grants; /* the active grants' parsed kfrags */
	capsa_http_server *srv;
	struct proxy_witnesses *witnesses;
	size_t counter_grants, counter_reencryptions, counter_revocations, counter_refusals;
};

/* Answers the problem |p| with |detail| (may be NULL), and counts the refusal. */
void proxy_refuse(capsa_proxy *p, capsa_http_response *resp, capsa_proxy_problem problem, const char *detail);
/* Writes |s| (|len| bytes of UTF-8) to |f| as a JSON string. */
void proxy_json_string(FILE *f, const char *s, size_t len);


/* The handlers of the three signed requests (proxy_requests.c). */
void proxy_post_grant(void *arg, const capsa_http_request *req, capsa_http_response *resp);
void proxy_post_reencrypt(void *arg, const capsa_http_request *req, capsa_http_response *resp);
void proxy_post_revoke(void *arg, const capsa_http_request *req, capsa_http_response *resp);

/* Starts submitting checkpoints to the witnesses added (none: nothing); stops and frees them. */
capsa_status proxy_witnesses_start(capsa_proxy *p) CAPSA_MUST_CHECK;
void proxy_witnesses_free(capsa_proxy *p);

/* Reads a grant through the handlers' connection. */
capsa_status proxy_grant_get(capsa_proxy *p, const uint8_t id[CAPSA_GRANT_ID_BYTES],
                             capsa_store_grant *g) CAPSA_MUST_CHECK;

#endif
