/* daemon/keeper_internal.h - what the keeper's files share: its state and its request handlers. */
#ifndef CAPSA_DAEMON_KEEPER_INTERNAL_H
#define CAPSA_DAEMON_KEEPER_INTERNAL_H

#include <capsa/keys.h>

#include "daemon/http.h"
#include "daemon/keeper.h"
#include "daemon/keeper_store.h"
#include "daemon/keeper_tee.h"

struct capsa_keeper {
	keeper_tee_kind kind;
	keeper_tee *tee;
	capsa_identity id;
	char recipient[CAPSA_RECIPIENT_STRLEN + 1];
	char party[CAPSA_PARTY_ID_HEXLEN + 1];
	char origin[64];
	char *vkey;
	int lock_fd;
	char *store_dir;      /* where the sealed files are (NULL: none) */
	keeper_store *db;
	capsa_http_server *srv;
};

/* The signed requests (keeper_requests.c). */
void keeper_post_grant(void *arg, const capsa_http_request *req, capsa_http_response *resp);
void keeper_post_access(void *arg, const capsa_http_request *req, capsa_http_response *resp);
void keeper_post_fetch(void *arg, const capsa_http_request *req, capsa_http_response *resp);

#endif
