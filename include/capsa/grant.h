/*
 * capsa/grant.h - delegation through the `umbral` stanza: grants (kfrags),
 * one proxy's re-encryption (cfrags), and opening a file with M cfrags.
 *
 * A file sealed with an owner carries one `umbral` stanza: the CEK encrypted
 * with Umbral (capsa_umbral_encrypt) to a delegating key derived for this
 * file alone from the owner's secp256k1 identity key and the content id
 * (capsa_umbral_file_key). The owner opens it directly; to let a recipient
 * open it, the owner makes a grant: N kfrags, any M of which re-encrypt the
 * stanza's capsule for the recipient. Each proxy turns the capsule into one
 * cfrag with its kfrag; the recipient opens the file with M cfrags and its
 * own identity. Because the delegating key is per file, a grant opens exactly
 * one file, and deleting its kfrags revokes nothing else.
 *
 * This is delegated mode (doc/FORMAT.md, "Delegation"): the recipient ends up
 * with the CEK. kfrag and cfrag files have fixed binary layouts, documented
 * in doc/FORMAT.md; their parsers accept only the canonical bytes.
 *
 * Opening with cfrags goes through the ordinary container API: put a
 * capsa_umbral_route in a capsa_route_key of type "umbral" in the
 * capsa_unlock, next to the recipient's identity. A route that is given but
 * fails stops the open with a specific status, and its report says which
 * check failed and for which cfrag.
 */
#ifndef CAPSA_GRANT_H
#define CAPSA_GRANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/container.h>
#include <capsa/keys.h>
#include <capsa/status.h>
#include <capsa/umbral.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The stanza type, and the label that derives a file's delegating key. */
#define CAPSA_UMBRAL_STANZA_TYPE "umbral"
#define CAPSA_UMBRAL_FILE_LABEL "capsa/v1/umbral-file/"
/* The stanza's DEM ciphertext: the CEK plus nonce and tag. */
#define CAPSA_UMBRAL_STANZA_CT_BYTES (CAPSA_CEK_BYTES + CAPSA_UMBRAL_DEM_OVERHEAD)
/* delegating pk ‖ verifying pk ‖ capsule (wire form) ‖ DEM ciphertext */
#define CAPSA_UMBRAL_STANZA_BODY_BYTES \
	(2 * CAPSA_UMBRAL_PUBLIC_KEY_BYTES + CAPSA_UMBRAL_CAPSULE_BYTES + CAPSA_UMBRAL_STANZA_CT_BYTES)
/* The typed files: magic (11) version (1) and fixed fields, see doc/FORMAT.md. */
#define CAPSA_KFRAG_FILE_MAGIC "capsa-kfrag"
#define CAPSA_CFRAG_FILE_MAGIC "capsa-cfrag"
#define CAPSA_GRANT_FILE_VERSION 1
#define CAPSA_KFRAG_FILE_BYTES (12 + CAPSA_CONTENT_ID_BYTES + 3 + 3 * 33 + CAPSA_UMBRAL_KFRAG_BYTES)
#define CAPSA_CFRAG_FILE_BYTES (12 + CAPSA_CONTENT_ID_BYTES + 1 + 3 * 33 + CAPSA_UMBRAL_CFRAG_BYTES)

/* The public content of a file's `umbral` stanza. */
typedef struct capsa_umbral_stanza {
	uint8_t content_id[CAPSA_CONTENT_ID_BYTES]; /* from the header that carries it */
	capsa_umbral_public_key delegating;          /* the file's delegating key */
	capsa_umbral_public_key verifying;           /* the owner's secp256k1 key: signs kfrags */
	capsa_umbral_capsule capsule;
	uint8_t ct[CAPSA_UMBRAL_STANZA_CT_BYTES];
} capsa_umbral_stanza;

/*
 * One kfrag file: the secret a proxy holds for one grant. |index| counts from
 * 1 to |shares|. The kfrag signs both the delegating and the receiving key.
 */
typedef struct capsa_kfrag_file {
	uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
	uint8_t threshold, shares, index;
	capsa_umbral_public_key delegating, receiving, verifying;
	capsa_umbral_kfrag kfrag;
} capsa_kfrag_file;

/* One cfrag file: a proxy's re-encryption of a file's capsule for one recipient. */
typedef struct capsa_cfrag_file {
	uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
	uint8_t threshold;
	capsa_umbral_public_key delegating, receiving, verifying;
	capsa_umbral_cfrag cfrag;
} capsa_cfrag_file;

/* Which check refused a kfrag or cfrag (for messages: capsa_grant_check_name). */
typedef enum capsa_grant_check {
	CAPSA_GRANT_CHECK_NONE = 0,
	CAPSA_GRANT_CHECK_FILE,      /* made for another file (content id) */
	CAPSA_GRANT_CHECK_OWNER,     /* the delegating or verifying key is not the stanza's */
	CAPSA_GRANT_CHECK_RECIPIENT, /* made for another recipient (no identity has its receiving key) */
	CAPSA_GRANT_CHECK_GRANT,     /* cfrags of different grants (threshold or precursor differ) */
	CAPSA_GRANT_CHECK_DUPLICATE, /* the same kfrag's cfrag twice */
	CAPSA_GRANT_CHECK_VERIFY,    /* kfrag or cfrag verification failed: forged or damaged */
	CAPSA_GRANT_CHECK_THRESHOLD, /* fewer cfrags than the grant's threshold */
	CAPSA_GRANT_CHECK_COMBINE,   /* verified cfrags that together do not open the capsule */
} capsa_grant_check;

/* What a failed kfrag or cfrag check found. */
typedef struct capsa_grant_report {
	capsa_grant_check check;
	size_t index;     /* the cfrag (0-based, in the order given) it concerns, or SIZE_MAX */
	size_t have, need; /* for CAPSA_GRANT_CHECK_THRESHOLD */
	capsa_status cause; /* the underlying status (e.g. CAPSA_ERR_PROOF or CAPSA_ERR_SIGNATURE) */
} capsa_grant_report;

/* capsa_grant_check_name returns a short static description of |check|, never NULL. */
CAPSA_API const char *capsa_grant_check_name(capsa_grant_check check);

/* ---- The umbral stanza ------------------------------------------------------ */

/*
 * capsa_umbral_file_key derives the delegating secret key of the file with
 * |content_id| from |owner|'s secp256k1 key: SecretKeyFactory(seed = the
 * secp256k1 secret).make_key(CAPSA_UMBRAL_FILE_LABEL ‖ content_id). Wipe it
 * with capsa_umbral_secret_key_wipe. Returns CAPSA_OK or CAPSA_ERR_INTERNAL.
 */
CAPSA_API capsa_status capsa_umbral_file_key(capsa_umbral_secret_key *sk, const capsa_identity *owner,
                                             const uint8_t content_id[CAPSA_CONTENT_ID_BYTES]) CAPSA_MUST_CHECK;

/*
 * capsa_umbral_stanza_parse parses an `umbral` stanza body (exactly
 * CAPSA_UMBRAL_STANZA_BODY_BYTES) with the Umbral parsers: canonical points
 * (never the identity), the capsule's own proof. |content_id| is the
 * header's. Returns CAPSA_OK or CAPSA_ERR_DECODE; on failure |out| is zeroed.
 */
CAPSA_API capsa_status capsa_umbral_stanza_parse(capsa_umbral_stanza *out, const uint8_t *body, size_t len,
                                                 const uint8_t content_id[CAPSA_CONTENT_ID_BYTES]) CAPSA_MUST_CHECK;

/*
 * capsa_umbral_stanza_find parses the header at the start of |buf| (which may
 * hold more) and its first `umbral` stanza. Nothing is authenticated. Returns
 * CAPSA_OK, the header statuses of capsa_inspect_buf, or CAPSA_ERR_NO_MATCH
 * if the header has no umbral stanza (the file was sealed without an owner).
 */
CAPSA_API capsa_status capsa_umbral_stanza_find(capsa_umbral_stanza *out, const uint8_t *buf,
                                                size_t len) CAPSA_MUST_CHECK;

/* ---- Grants -------------------------------------------------------------- */

/*
 * capsa_grant_create makes one grant of the file whose header is at the start
 * of |hdr| (|hdr_len| bytes or more): it derives the file's delegating key
 * from |owner|, checks that the stanza is the owner's and authenticates the
 * header (decrypt_original, then the header MAC), and writes |shares| kfrag
 * files to |out|, any |threshold| of which re-encrypt for |to|. Each kfrag is
 * signed by the owner's secp256k1 key and covers both keys. |rng| NULL means
 * the system CSPRNG. Returns CAPSA_OK, CAPSA_ERR_ARG (1 <= threshold <=
 * shares <= 255 does not hold), the statuses of capsa_umbral_stanza_find,
 * CAPSA_ERR_MISMATCH (the stanza is not |owner|'s), CAPSA_ERR_AUTH or
 * CAPSA_ERR_HEADER_AUTH (the stanza or header was modified). Every secret
 * (per-file key, CEK) is wiped; on failure |out| is wiped too.
 */
CAPSA_API capsa_status capsa_grant_create(capsa_kfrag_file *out, const capsa_identity *owner,
                                          const capsa_recipient *to, size_t threshold, size_t shares,
                                          const uint8_t *hdr, size_t hdr_len,
                                          const capsa_umbral_rng *rng) CAPSA_MUST_CHECK;

/*
 * capsa_grant_reencrypt is one proxy's work: it checks that |kf| belongs to
 * the file whose header is at |hdr| (content id, delegating and verifying
 * keys: CAPSA_ERR_MISMATCH), verifies the kfrag (CAPSA_ERR_PROOF or
 * CAPSA_ERR_SIGNATURE), and re-encrypts the stanza's capsule into |out|.
 * |report| (may be NULL) says which check failed. Returns CAPSA_OK, those, or
 * the statuses of capsa_umbral_stanza_find.
 */
CAPSA_API capsa_status capsa_grant_reencrypt(capsa_cfrag_file *out, const capsa_kfrag_file *kf,
                                             const uint8_t *hdr, size_t hdr_len, capsa_grant_report *report,
                                             const capsa_umbral_rng *rng) CAPSA_MUST_CHECK;

/*
 * capsa_grant_reencrypt_capsule re-encrypts the capsule in |capsule_bytes|
 * (CAPSA_UMBRAL_CAPSULE_BYTES, the wire form in the file's `umbral` stanza)
 * with the kfrag of |kf| into the cfrag file |out|. A proxy does this without
 * seeing the file. Returns CAPSA_OK, CAPSA_ERR_DECODE (not a valid capsule)
 * or CAPSA_ERR_INTERNAL.
 */
CAPSA_API capsa_status capsa_grant_reencrypt_capsule(capsa_cfrag_file *out, const capsa_kfrag_file *kf,
                                                     const uint8_t *capsule_bytes, size_t len,
                                                     const capsa_umbral_rng *rng) CAPSA_MUST_CHECK;

/*
 * What an `umbral` capsa_route_key points to when opening: cfrags for a
 * recipient whose identity is in the same capsa_unlock. |report| (may be
 * NULL) receives what failed. The owner needs no route: its identity alone
 * opens the stanza.
 */
typedef struct capsa_umbral_route {
	const capsa_cfrag_file *cfrags;
	size_t num_cfrags;
	capsa_grant_report *report;
} capsa_umbral_route;

/*
 * capsa_grant_unlock_cek recovers the CEK from |stanza| with |route|'s cfrags
 * and the identity among |ids| that they were made for. Every cfrag is
 * checked in order (file, owner, recipient, grant, duplicate, verification),
 * then their number against the threshold, then they are combined.
 * Returns CAPSA_OK, CAPSA_ERR_MISMATCH, CAPSA_ERR_PROOF (verification: the
 * report's cause says proof or signature), CAPSA_ERR_THRESHOLD, CAPSA_ERR_KEY
 * or CAPSA_ERR_AUTH (they do not open the capsule). The CEK is not yet
 * checked against the header MAC: the container does that. |cek| is zeroed
 * on failure.
 */
CAPSA_API capsa_status capsa_grant_unlock_cek(uint8_t cek[CAPSA_CEK_BYTES], const capsa_umbral_stanza *stanza,
                                              const capsa_identity *ids, size_t num_ids,
                                              const capsa_umbral_route *route) CAPSA_MUST_CHECK;

/*
 * capsa_grant_verify_cfrag checks one cfrag against a file's stanza without
 * any secret (what a proxy's client or an auditor can do): content id, owner
 * keys (CAPSA_ERR_MISMATCH), then Umbral cfrag verification for the receiving
 * key the cfrag names (CAPSA_ERR_PROOF, the report's cause saying proof or
 * signature). Returns CAPSA_OK or those; |report| may be NULL.
 */
CAPSA_API capsa_status capsa_grant_verify_cfrag(const capsa_cfrag_file *cf, const capsa_umbral_stanza *stanza,
                                                capsa_grant_report *report) CAPSA_MUST_CHECK;

/* ---- kfrag and cfrag files ------------------------------------------------- */

/* capsa_kfrag_file_serialize writes the CAPSA_KFRAG_FILE_BYTES of |kf|. The bytes hold a secret share. */
CAPSA_API void capsa_kfrag_file_serialize(uint8_t out[CAPSA_KFRAG_FILE_BYTES], const capsa_kfrag_file *kf);

/*
 * capsa_kfrag_file_parse parses a kfrag file: exact length, magic, version,
 * 1 <= threshold <= shares, 1 <= index <= shares, valid keys, a canonical
 * kfrag that signs both keys. Returns CAPSA_OK, CAPSA_ERR_NOT_CAPSA (another
 * magic), CAPSA_ERR_VERSION, CAPSA_ERR_TRUNCATED, CAPSA_ERR_TRAILING or
 * CAPSA_ERR_DECODE. On failure |kf| is wiped.
 */
CAPSA_API capsa_status capsa_kfrag_file_parse(capsa_kfrag_file *kf, const uint8_t *in, size_t len) CAPSA_MUST_CHECK;

/* capsa_kfrag_file_wipe zeroes |kf|. */
CAPSA_API void capsa_kfrag_file_wipe(capsa_kfrag_file *kf);

/* capsa_cfrag_file_serialize writes the CAPSA_CFRAG_FILE_BYTES of |cf|. */
CAPSA_API void capsa_cfrag_file_serialize(uint8_t out[CAPSA_CFRAG_FILE_BYTES], const capsa_cfrag_file *cf);

/* capsa_cfrag_file_parse parses a cfrag file, with the statuses of capsa_kfrag_file_parse. */
CAPSA_API capsa_status capsa_cfrag_file_parse(capsa_cfrag_file *cf, const uint8_t *in, size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_kfrag_file_write creates |path| (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600)
 * and writes |kf| to it: it never replaces a file or writes through a link to
 * one; an existing device, FIFO or socket is written in place
 * (capsa_secret_file_write, capsa/file.h). Returns CAPSA_OK,
 * CAPSA_ERR_EXISTS, or CAPSA_ERR_IO (errno set; a partly written file is
 * removed).
 */
CAPSA_API capsa_status capsa_kfrag_file_write(const char *path, const capsa_kfrag_file *kf) CAPSA_MUST_CHECK;

/*
 * capsa_grant_file_read reads a whole kfrag or cfrag file (at most
 * |max| bytes, one more is read to detect excess) into |buf|; |*len| gets
 * its size. Returns CAPSA_OK, CAPSA_ERR_IO, CAPSA_ERR_NOMEM or
 * CAPSA_ERR_TRAILING (a file over |max| bytes).
 */
CAPSA_API capsa_status capsa_grant_file_read(uint8_t *buf, size_t max, size_t *len,
                                             const char *path) CAPSA_MUST_CHECK;

#ifdef __cplusplus
}
#endif
#endif
