/*
 * container/sign.h - sealing a signed file: the seal's sink and plaintext
 * pass through here, so that both trees are hashed in the calling thread as
 * the payload goes out, and the trailer follows the payload at finish.
 */
#ifndef CAPSA_CONTAINER_SIGN_H
#define CAPSA_CONTAINER_SIGN_H

#include <capsa/container.h>

#include "container/header.h"

typedef struct seal_signing seal_signing;

/*
 * seal_signing_new prepares to sign the file whose header is |hdr| (already
 * built from |hp| under |cek|): payload bytes given to seal_signing_sink go on
 * to |sink| after hashing. Returns CAPSA_OK, CAPSA_ERR_ARG or CAPSA_ERR_NOMEM.
 */
capsa_status seal_signing_new(seal_signing **out, const capsa_seal_opts *opts, const capsa_hdr_params *hp,
                              const uint8_t cek[CAPSA_CEK_BYTES], const uint8_t *hdr, size_t hdr_len,
                              capsa_sink sink, void *sink_arg) CAPSA_MUST_CHECK;
/* The stream's sink (|arg| is the seal_signing). */
capsa_status seal_signing_sink(void *arg, const uint8_t *data, size_t len);
/* Plaintext as the caller writes it. */
capsa_status seal_signing_plaintext(seal_signing *s, const uint8_t *pt, size_t len) CAPSA_MUST_CHECK;
/* After the stream finished: the trailer. CAPSA_ERR_MISMATCH if a copy's plaintext is not its origin's. */
capsa_status seal_signing_finish(seal_signing *s) CAPSA_MUST_CHECK;
void seal_signing_free(seal_signing *s);

#endif
