/* Log events: the entries of a proxy's transparency log (doc/PROTOCOL.md, "Log entries"). */
#include <stdlib.h>
#include <string.h>

#include "proxy/statement_text.h"

#define EVENT_HEADER "capsa-proxy-event/v1"

const char *capsa_proxy_event_name(capsa_proxy_event_type t)
{
	switch (t) {
	case CAPSA_EVENT_GRANT: return "grant";
	case CAPSA_EVENT_REENCRYPT: return "reencrypt";
	case CAPSA_EVENT_REVOKE: return "revoke";
	}
	return "?";
}

/* The party lines an event carries: owner for grant and revoke, the other party for grant and reencrypt. */
static bool has_owner(capsa_proxy_event_type t)
{
	return t == CAPSA_EVENT_GRANT || t == CAPSA_EVENT_REVOKE;
}

static const char *party_key(capsa_proxy_event_type t)
{
	return t == CAPSA_EVENT_GRANT ? "recipient" : t == CAPSA_EVENT_REENCRYPT ? "requester" : NULL;
}

capsa_status capsa_proxy_event_format(char **out, size_t *out_len, const capsa_proxy_event *e)
{
	tlog_buf b = {0};
	const char *pk = party_key(e->type);

	*out = NULL;
	if (strcmp(capsa_proxy_event_name(e->type), "?") == 0 ||
	    (has_owner(e->type) && !stmt_is_party(e->owner, strlen(e->owner))) ||
	    (pk != NULL && !stmt_is_party(e->party, strlen(e->party))))
		return CAPSA_ERR_ARG;
	tlog_buf_str(&b, EVENT_HEADER "\n");
	stmt_put(&b, "event", capsa_proxy_event_name(e->type));
	stmt_put_hex(&b, "grant", e->grant_id, CAPSA_GRANT_ID_BYTES);
	stmt_put_hex(&b, "content", e->content_id, CAPSA_CONTENT_ID_BYTES);
	if (has_owner(e->type))
		stmt_put(&b, "owner", e->owner);
	if (pk != NULL)
		stmt_put(&b, pk, e->party);
	stmt_put_u64(&b, "time", e->time);
	stmt_put_hex(&b, "statement", e->statement_hash, sizeof e->statement_hash);
	return tlog_buf_finish(&b, out, out_len);
}

static bool parse_type(tlog_text *t, capsa_proxy_event_type *type)
{
	tlog_text v;

	if (!stmt_field(t, "event", &v))
		return false;
	for (int i = CAPSA_EVENT_GRANT; i <= CAPSA_EVENT_REVOKE; i++) {
		const char *name = capsa_proxy_event_name((capsa_proxy_event_type)i);
		if (v.len == strlen(name) && memcmp(v.p, name, v.len) == 0) {
			*type = (capsa_proxy_event_type)i;
			return true;
		}
	}
	return false;
}

capsa_status capsa_proxy_event_parse(capsa_proxy_event *e, const uint8_t *data, size_t len)
{
	const char *text = (const char *)data;
	tlog_text t = {text, len}, line;
	bool ok;

	memset(e, 0, sizeof *e);
	ok = stmt_text_ok(text, len) && tlog_next_line(&t, &line) && tlog_line_is(&line, EVENT_HEADER) &&
	     parse_type(&t, &e->type) && stmt_hex(&t, "grant", e->grant_id, CAPSA_GRANT_ID_BYTES) &&
	     stmt_hex(&t, "content", e->content_id, CAPSA_CONTENT_ID_BYTES);
	if (ok && has_owner(e->type))
		ok = stmt_party(&t, "owner", e->owner);
	if (ok && party_key(e->type) != NULL)
		ok = stmt_party(&t, party_key(e->type), e->party);
	ok = ok && stmt_u64(&t, "time", &e->time) &&
	     stmt_hex(&t, "statement", e->statement_hash, sizeof e->statement_hash) && t.len == 0;
	if (!ok) {
		memset(e, 0, sizeof *e);
		return CAPSA_ERR_DECODE;
	}
	return CAPSA_OK;
}
