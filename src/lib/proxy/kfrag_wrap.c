/*
 * The wrapped kfrag: a proxy's share of a grant, sealed with HPKE to the
 * proxy's X25519 key and bound (aad) to the grant and the content, so that a
 * wrapped kfrag cannot be replayed under another grant id.
 */
#include <string.h>

#include <capsa/proxy.h>
#include <capsa/util.h>

#include "hpke/hpke.h"

#define INFO_LEN (sizeof CAPSA_PROXY_KFRAG_INFO - 1)

static void wrap_aad(uint8_t aad[CAPSA_GRANT_ID_BYTES + CAPSA_CONTENT_ID_BYTES],
                     const uint8_t grant_id[CAPSA_GRANT_ID_BYTES], const uint8_t content_id[CAPSA_CONTENT_ID_BYTES])
{
	memcpy(aad, grant_id, CAPSA_GRANT_ID_BYTES);
	memcpy(aad + CAPSA_GRANT_ID_BYTES, content_id, CAPSA_CONTENT_ID_BYTES);
}

capsa_status capsa_proxy_kfrag_wrap(uint8_t out[CAPSA_PROXY_KFRAG_WRAP_BYTES], const capsa_kfrag_file *kf,
                                    const capsa_recipient *proxy, const uint8_t grant_id[CAPSA_GRANT_ID_BYTES],
                                    const uint8_t content_id[CAPSA_CONTENT_ID_BYTES])
{
	uint8_t pt[CAPSA_KFRAG_FILE_BYTES], aad[CAPSA_GRANT_ID_BYTES + CAPSA_CONTENT_ID_BYTES];
	capsa_status st;

	capsa_kfrag_file_serialize(pt, kf);
	wrap_aad(aad, grant_id, content_id);
	st = capsa_hpke_seal_base(out, out + CAPSA_HPKE_ENCBYTES, CAPSA_AEAD_CHACHA20_POLY1305, proxy->x25519_public,
	                          (const uint8_t *)CAPSA_PROXY_KFRAG_INFO, INFO_LEN, aad, sizeof aad, pt, sizeof pt);
	capsa_wipe(pt, sizeof pt);
	return st;
}

capsa_status capsa_proxy_kfrag_unwrap(capsa_kfrag_file *kf, const uint8_t *in, size_t len,
                                      const capsa_identity *proxy, const uint8_t grant_id[CAPSA_GRANT_ID_BYTES],
                                      const uint8_t content_id[CAPSA_CONTENT_ID_BYTES])
{
	uint8_t pt[CAPSA_KFRAG_FILE_BYTES], aad[CAPSA_GRANT_ID_BYTES + CAPSA_CONTENT_ID_BYTES];
	capsa_status st;

	capsa_kfrag_file_wipe(kf);
	if (len != CAPSA_PROXY_KFRAG_WRAP_BYTES)
		return CAPSA_ERR_DECODE;
	wrap_aad(aad, grant_id, content_id);
	st = capsa_hpke_open_base(pt, CAPSA_AEAD_CHACHA20_POLY1305, in, proxy->x25519_secret,
	                          (const uint8_t *)CAPSA_PROXY_KFRAG_INFO, INFO_LEN, aad, sizeof aad,
	                          in + CAPSA_HPKE_ENCBYTES, len - CAPSA_HPKE_ENCBYTES);
	if (st != CAPSA_OK)
		st = CAPSA_ERR_AUTH; /* a degenerate enc too: this proxy cannot open it */
	else
		st = capsa_kfrag_file_parse(kf, pt, sizeof pt);
	capsa_wipe(pt, sizeof pt);
	return st;
}
