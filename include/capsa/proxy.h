/*
 * capsa/proxy.h - the proxy network's protocol (doc/PROTOCOL.md): signed
 * statements, the HPKE-wrapped kfrag, log events, receipts and problems.
 *
 * Every request to a proxy is a statement: UTF-8 text of `key value` lines
 * in a fixed order, ending in LF, signed with Ed25519 by the party that makes
 * it over "capsa/v1/proxy-statement\n" ‖ text. Because the request carries
 * its own authentication (and the kfrag its own encryption), the protocol is
 * safe over plain HTTP; TLS is defence in depth. Parties are named in
 * statements by their recipient strings (type 2: they carry the Ed25519 key)
 * and in logs by their party id, a hash of that key.
 *
 * Each proxy keeps a transparency log (capsa/tlog.h) of events: one entry per
 * grant, re-encryption and revocation. Every answer carries a receipt: a
 * c2sp.org/tlog-proof@v1 whose `extra` is the entry, so that a client can
 * check offline that what it was told is on the log.
 *
 * The parsers accept only the canonical text their formatters write:
 * lowercase hex, decimal without leading zeros, no extra spaces or lines.
 */
#ifndef CAPSA_PROXY_H
#define CAPSA_PROXY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/container.h>
#include <capsa/grant.h>
#include <capsa/keys.h>
#include <capsa/status.h>
#include <capsa/tlog.h>
#include <capsa/umbral.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CAPSA_PARTY_ID_BYTES 32
#define CAPSA_PARTY_ID_HEXLEN 64
#define CAPSA_GRANT_ID_BYTES 16
#define CAPSA_PROXY_NONCE_BYTES 16
#define CAPSA_PROXY_SIG_BYTES 64
#define CAPSA_PROXY_STATEMENT_MAX 65536 /* bytes of a statement; longer ones are refused unread */
#define CAPSA_PROXY_MAX_ITEMS 64        /* capsules in one re-encryption request */
#define CAPSA_PROXY_CLOCK_SKEW 300      /* seconds a statement's time may differ from the proxy's */
#define CAPSA_PROXY_NONCE_TTL 600       /* seconds a proxy remembers a nonce */
/* The wrapped kfrag: HPKE enc ‖ ciphertext of the kfrag file ‖ tag. */
#define CAPSA_PROXY_KFRAG_WRAP_BYTES (32 + CAPSA_KFRAG_FILE_BYTES + 16)
/* The domain separators (doc/PROTOCOL.md). */
#define CAPSA_PROXY_SIGN_CONTEXT "capsa/v1/proxy-statement\n"
#define CAPSA_PROXY_KFRAG_INFO "capsa/v1/proxy-kfrag"
#define CAPSA_PARTY_ID_LABEL "capsa/v1/party\n"

/* ---- Parties -------------------------------------------------------------- */

/*
 * capsa_party_id writes the party id of the holder of |ed25519_public|:
 * lowercase hex of SHA-256("capsa/v1/party\n" ‖ key), 64 characters and a
 * NUL. Logs name parties by it, never by key.
 */
CAPSA_API void capsa_party_id(char out[CAPSA_PARTY_ID_HEXLEN + 1], const uint8_t ed25519_public[32]);

/*
 * capsa_proxy_log_origin writes a proxy's default log origin (the first line
 * of its checkpoints): "capsa.proxy/" and the first 16 characters of its
 * party id. |out| needs 29 bytes.
 */
CAPSA_API void capsa_proxy_log_origin(char out[29], const uint8_t ed25519_public[32]);

/* ---- Statements ----------------------------------------------------------- */

/* A grant, signed by the owner: this proxy's share of the owner's grant to one recipient. */
typedef struct capsa_proxy_grant {
	char proxy[CAPSA_PARTY_ID_HEXLEN + 1];       /* party id of the proxy it is for */
	uint8_t grant_id[CAPSA_GRANT_ID_BYTES];      /* the same on every proxy of the grant */
	uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
	capsa_recipient owner, recipient;            /* both type 2 */
	uint8_t threshold, shares, index;            /* 1 <= threshold <= shares, 1 <= index <= shares */
	uint64_t not_after;                          /* unix seconds; 0: never expires */
	uint64_t max_uses;                           /* re-encryptions this proxy serves; 0: no limit */
	uint8_t kfrag_hash[32];                      /* SHA-256 of the wrapped kfrag */
	uint64_t time;                               /* when the owner made it */
} capsa_proxy_grant;

/* One capsule to re-encrypt under one grant. */
typedef struct capsa_proxy_item {
	uint8_t grant_id[CAPSA_GRANT_ID_BYTES];
	uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
	uint8_t capsule_hash[32]; /* SHA-256 of the capsule's CAPSA_UMBRAL_CAPSULE_BYTES */
} capsa_proxy_item;

/* A re-encryption request, signed by the requester. */
typedef struct capsa_proxy_reencrypt {
	char proxy[CAPSA_PARTY_ID_HEXLEN + 1];
	capsa_recipient requester;
	uint8_t nonce[CAPSA_PROXY_NONCE_BYTES];
	uint64_t time;
	size_t num_items; /* 1..CAPSA_PROXY_MAX_ITEMS */
	capsa_proxy_item items[CAPSA_PROXY_MAX_ITEMS];
} capsa_proxy_reencrypt;

/* A revocation, signed by the grant's owner. */
typedef struct capsa_proxy_revoke {
	char proxy[CAPSA_PARTY_ID_HEXLEN + 1];
	uint8_t grant_id[CAPSA_GRANT_ID_BYTES];
	uint8_t nonce[CAPSA_PROXY_NONCE_BYTES];
	uint64_t time;
} capsa_proxy_revoke;

/*
 * The formatters write the canonical statement text into a fresh
 * NUL-terminated buffer |*out| (free()) of |*out_len| bytes. Returns CAPSA_OK,
 * CAPSA_ERR_ARG (a field out of range, or a recipient without an Ed25519 key)
 * or CAPSA_ERR_NOMEM.
 */
CAPSA_API capsa_status capsa_proxy_grant_format(char **out, size_t *out_len,
                                                const capsa_proxy_grant *g) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_proxy_reencrypt_format(char **out, size_t *out_len,
                                                    const capsa_proxy_reencrypt *r) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_proxy_revoke_format(char **out, size_t *out_len,
                                                 const capsa_proxy_revoke *r) CAPSA_MUST_CHECK;

/*
 * The parsers read exactly the text their formatter writes. Returns CAPSA_OK,
 * CAPSA_ERR_DECODE (anything else: a missing, unknown or reordered line, bad
 * hex, a number with leading zeros, over CAPSA_PROXY_STATEMENT_MAX bytes),
 * CAPSA_ERR_UNSUPPORTED (another statement type or version on the first
 * line) or CAPSA_ERR_KEY (a recipient string that is not a usable type 2
 * key). On failure |*out| is zeroed.
 */
CAPSA_API capsa_status capsa_proxy_grant_parse(capsa_proxy_grant *out, const char *text,
                                               size_t len) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_proxy_reencrypt_parse(capsa_proxy_reencrypt *out, const char *text,
                                                   size_t len) CAPSA_MUST_CHECK;
CAPSA_API capsa_status capsa_proxy_revoke_parse(capsa_proxy_revoke *out, const char *text,
                                                size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_proxy_sign signs a statement with |id|'s Ed25519 key. Returns
 * CAPSA_OK, CAPSA_ERR_ARG (over CAPSA_PROXY_STATEMENT_MAX bytes),
 * CAPSA_ERR_NOMEM or CAPSA_ERR_INTERNAL.
 */
CAPSA_API capsa_status capsa_proxy_sign(uint8_t sig[CAPSA_PROXY_SIG_BYTES], const char *text, size_t len,
                                        const capsa_identity *id) CAPSA_MUST_CHECK;

/* capsa_proxy_verify checks a statement's signature by |signer|. Returns CAPSA_OK or CAPSA_ERR_SIGNATURE. */
CAPSA_API capsa_status capsa_proxy_verify(const uint8_t sig[CAPSA_PROXY_SIG_BYTES], const char *text, size_t len,
                                          const capsa_recipient *signer) CAPSA_MUST_CHECK;

/* ---- The wrapped kfrag ----------------------------------------------------- */

/*
 * capsa_proxy_kfrag_wrap encrypts the kfrag file |kf| to |proxy|'s X25519 key
 * with HPKE base mode (X25519, HKDF-SHA256, ChaCha20-Poly1305), info
 * CAPSA_PROXY_KFRAG_INFO and aad grant id ‖ content id, into |out|. Returns
 * CAPSA_OK or CAPSA_ERR_INTERNAL. The plaintext copy is wiped.
 */
CAPSA_API capsa_status capsa_proxy_kfrag_wrap(uint8_t out[CAPSA_PROXY_KFRAG_WRAP_BYTES], const capsa_kfrag_file *kf,
                                              const capsa_recipient *proxy,
                                              const uint8_t grant_id[CAPSA_GRANT_ID_BYTES],
                                              const uint8_t content_id[CAPSA_CONTENT_ID_BYTES]) CAPSA_MUST_CHECK;

/*
 * capsa_proxy_kfrag_unwrap opens a wrapped kfrag with |proxy|'s identity and
 * parses it. Returns CAPSA_OK, CAPSA_ERR_DECODE (wrong length),
 * CAPSA_ERR_AUTH (not for this proxy, or for another grant or content), or
 * the statuses of capsa_kfrag_file_parse. On failure |kf| is wiped.
 */
CAPSA_API capsa_status capsa_proxy_kfrag_unwrap(capsa_kfrag_file *kf, const uint8_t *in, size_t len,
                                                const capsa_identity *proxy,
                                                const uint8_t grant_id[CAPSA_GRANT_ID_BYTES],
                                                const uint8_t content_id[CAPSA_CONTENT_ID_BYTES]) CAPSA_MUST_CHECK;

/* ---- Problems --------------------------------------------------------------- */

/* Why a proxy refused a request; each has a stable problem type (doc/PROTOCOL.md). */
typedef enum capsa_proxy_problem {
	CAPSA_PROBLEM_NONE = 0,
	CAPSA_PROBLEM_BAD_REQUEST,      /* 400: malformed envelope or statement */
	CAPSA_PROBLEM_BAD_SIGNATURE,    /* 401 */
	CAPSA_PROBLEM_STALE,            /* 400: statement time too far from the proxy's clock */
	CAPSA_PROBLEM_REPLAY,           /* 409: nonce already used */
	CAPSA_PROBLEM_WRONG_PROXY,      /* 421: the statement names another proxy */
	CAPSA_PROBLEM_BAD_KFRAG,        /* 422: kfrag does not open, match or verify */
	CAPSA_PROBLEM_CONFLICT,         /* 409: the grant id exists with another statement */
	CAPSA_PROBLEM_UNKNOWN_GRANT,    /* 404 */
	CAPSA_PROBLEM_REVOKED,          /* 410 */
	CAPSA_PROBLEM_EXPIRED,          /* 403 */
	CAPSA_PROBLEM_NOT_RECIPIENT,    /* 403: requester is not the grant's recipient (or owner for revoke) */
	CAPSA_PROBLEM_USES_EXHAUSTED,   /* 403 */
	CAPSA_PROBLEM_BAD_CAPSULE,      /* 422: capsule does not parse, or its hash or content differ */
	CAPSA_PROBLEM_BUSY,             /* 429 */
	CAPSA_PROBLEM_UNAVAILABLE,      /* 503 */
	CAPSA_PROBLEM_INTERNAL,         /* 500 */
	/* The HTTP layer's own refusals, before any statement is read. */
	CAPSA_PROBLEM_TOO_LARGE,              /* 413: the body is over the limit */
	CAPSA_PROBLEM_UNSUPPORTED_MEDIA_TYPE, /* 415: not application/json */
	CAPSA_PROBLEM_NOT_FOUND,              /* 404: no such path */
	CAPSA_PROBLEM_METHOD_NOT_ALLOWED,     /* 405 */
	/* A keeper's (doc/PROTOCOL.md, "Keepers") */
	CAPSA_PROBLEM_WRONG_KEEPER,   /* 421: the statement names another keeper */
	CAPSA_PROBLEM_NO_SUCH_FILE,   /* 404: the keeper's store holds no such file */
	CAPSA_PROBLEM_NOT_OWNER,      /* 403: the signer is not the owner of the file's content */
	CAPSA_PROBLEM_NOT_LISTED,     /* 403: the access list does not name the recipient */
	CAPSA_PROBLEM_DENIED,         /* 403: the access list denies the recipient */
	CAPSA_PROBLEM_ACCESS_ENDED,   /* 403: the recipient's access has ended */
	CAPSA_PROBLEM_NO_CFRAGS,      /* 503: fewer verified cfrags from the proxies than the threshold */
} capsa_proxy_problem;

/* capsa_proxy_problem_name returns the name in "urn:capsa:problem:<name>", e.g. "revoked"; never NULL. */
CAPSA_API const char *capsa_proxy_problem_name(capsa_proxy_problem p);
/* capsa_proxy_problem_title returns a short human title, e.g. "the grant was revoked"; never NULL. */
CAPSA_API const char *capsa_proxy_problem_title(capsa_proxy_problem p);
/* capsa_proxy_problem_status returns the HTTP status of |p|. */
CAPSA_API int capsa_proxy_problem_status(capsa_proxy_problem p);
/* capsa_proxy_problem_from_type maps a problem `type` URI back (CAPSA_PROBLEM_NONE if unknown). */
CAPSA_API capsa_proxy_problem capsa_proxy_problem_from_type(const char *type);

/* ---- The grant a proxy accepts ---------------------------------------------- */

/*
 * capsa_proxy_grant_accept is what a proxy checks before it stores a grant:
 * the statement parses and names |proxy| (its identity), the wrapped kfrag's
 * hash is the statement's, the kfrag opens for this proxy, its content id,
 * threshold, shares and index are the statement's, its receiving key is the
 * recipient's secp256k1 key, its verifying key the owner's, it verifies, and
 * the owner signed the statement (checked right after the proxy line, before
 * the kfrag is opened). On CAPSA_OK |g| and |kf| hold the grant (wipe |kf|);
 * otherwise |*problem| says why, |g| and |kf| are zeroed and the status is
 * the failed check's: that of capsa_proxy_grant_parse (bad-request),
 * CAPSA_ERR_MISMATCH (wrong-proxy, or a kfrag hash or field that differs:
 * bad-kfrag), CAPSA_ERR_SIGNATURE (bad-signature), or those of
 * capsa_proxy_kfrag_unwrap and capsa_umbral_kfrag_verify (bad-kfrag).
 */
CAPSA_API capsa_status capsa_proxy_grant_accept(capsa_proxy_grant *g, capsa_kfrag_file *kf,
                                                capsa_proxy_problem *problem, const char *text, size_t len,
                                                const uint8_t sig[CAPSA_PROXY_SIG_BYTES], const uint8_t *wrapped,
                                                size_t wrapped_len, const capsa_identity *proxy) CAPSA_MUST_CHECK;

/* ---- Log events ------------------------------------------------------------- */

typedef enum capsa_proxy_event_type {
	CAPSA_EVENT_GRANT = 1,
	CAPSA_EVENT_REENCRYPT,
	CAPSA_EVENT_REVOKE,
} capsa_proxy_event_type;

/*
 * One entry of a proxy's log:
 *
 *   capsa-proxy-event/v1
 *   event grant|reencrypt|revoke
 *   grant <grant id>
 *   content <content id>
 *   owner <party id>          (grant, revoke)
 *   recipient <party id>      (grant; "requester" for reencrypt)
 *   time <unix seconds>
 *   statement <SHA-256 of the signed statement text>
 */
typedef struct capsa_proxy_event {
	capsa_proxy_event_type type;
	uint8_t grant_id[CAPSA_GRANT_ID_BYTES];
	uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
	char owner[CAPSA_PARTY_ID_HEXLEN + 1];  /* empty for reencrypt */
	char party[CAPSA_PARTY_ID_HEXLEN + 1];  /* recipient (grant) or requester (reencrypt); empty for revoke */
	uint64_t time;
	uint8_t statement_hash[32];
} capsa_proxy_event;

/* capsa_proxy_event_format writes the entry text (fresh buffer, free()). Returns CAPSA_OK, CAPSA_ERR_ARG or CAPSA_ERR_NOMEM. */
CAPSA_API capsa_status capsa_proxy_event_format(char **out, size_t *out_len,
                                                const capsa_proxy_event *e) CAPSA_MUST_CHECK;
/* capsa_proxy_event_parse reads exactly what capsa_proxy_event_format writes. Returns CAPSA_OK or CAPSA_ERR_DECODE. */
CAPSA_API capsa_status capsa_proxy_event_parse(capsa_proxy_event *e, const uint8_t *data,
                                               size_t len) CAPSA_MUST_CHECK;
/* capsa_proxy_event_name returns "grant", "reencrypt" or "revoke" (or "?"). */
CAPSA_API const char *capsa_proxy_event_name(capsa_proxy_event_type t);

/* ---- Receipts --------------------------------------------------------------- */

/*
 * capsa_proxy_log_verifier makes the signed-note verifier of a proxy's log:
 * name |origin|, Ed25519 key |proxy|'s. Returns CAPSA_OK or CAPSA_ERR_ARG.
 */
CAPSA_API capsa_status capsa_proxy_log_verifier(capsa_note_verifier *v, const char *origin,
                                                const capsa_recipient *proxy) CAPSA_MUST_CHECK;

/*
 * capsa_proxy_receipt_verify checks a receipt (a c2sp.org/tlog-proof@v1 with
 * the entry as its `extra`) offline against the proxy's pinned key: the
 * checkpoint is signed by |proxy| under the origin it names, the entry is
 * included at the proof's index, and the entry parses. On CAPSA_OK |e| is the
 * event and, if not NULL, |cp| the checkpoint (capsa_checkpoint_free) and
 * |index| the entry's index. Returns CAPSA_OK, CAPSA_ERR_DECODE (malformed
 * receipt or entry), CAPSA_ERR_SIGNATURE (not signed by |proxy|) or
 * CAPSA_ERR_PROOF (not included).
 */
CAPSA_API capsa_status capsa_proxy_receipt_verify(capsa_proxy_event *e, capsa_checkpoint *cp, uint64_t *index,
                                                  const char *receipt, size_t len,
                                                  const capsa_recipient *proxy) CAPSA_MUST_CHECK;

/* ---- Times ------------------------------------------------------------------ */

/*
 * capsa_when_parse reads a point in time as users give it: a duration from
 * |now| ("90s", "15m", "12h", "30d", "2w"; a positive decimal and one unit)
 * or an RFC 3339 time ("2027-01-31T12:00:00Z", or with a "+hh:mm" offset;
 * no fractions, no leap second, not before 1970). Returns CAPSA_OK or
 * CAPSA_ERR_DECODE (also for a time past the end of uint64); on failure
 * |*out| is 0.
 */
CAPSA_API capsa_status capsa_when_parse(uint64_t *out, const char *s, uint64_t now) CAPSA_MUST_CHECK;

#ifdef __cplusplus
}
#endif
#endif
