/*
 * kfrag and cfrag files (doc/FORMAT.md, "kfrag and cfrag files"): fixed
 * binary layouts with a magic and a version, parsed strictly.
 *
 *   kfrag: "capsa-kfrag" 01 content_id(16) threshold(1) shares(1) index(1)
 *          delegating(33) receiving(33) verifying(33) kfrag(310)      = 440 bytes
 *   cfrag: "capsa-cfrag" 01 content_id(16) threshold(1)
 *          delegating(33) receiving(33) verifying(33) cfrag(381)      = 509 bytes
 */
#include <capsa/grant.h>

#include <capsa/file.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"
#include "wire/bytes.h"

#define MAGIC_BYTES 11
#define PK CAPSA_UMBRAL_PUBLIC_KEY_BYTES

/* magic ‖ version ‖ content id: the first 28 bytes of both files. */
static void put_head(uint8_t *out, const char *magic, const uint8_t cid[CAPSA_CONTENT_ID_BYTES])
{
	memcpy(out, magic, MAGIC_BYTES);
	out[MAGIC_BYTES] = CAPSA_GRANT_FILE_VERSION;
	memcpy(out + MAGIC_BYTES + 1, cid, CAPSA_CONTENT_ID_BYTES);
}

void capsa_kfrag_file_serialize(uint8_t out[CAPSA_KFRAG_FILE_BYTES], const capsa_kfrag_file *kf)
{
	uint8_t *p = out + MAGIC_BYTES + 1 + CAPSA_CONTENT_ID_BYTES;

	put_head(out, CAPSA_KFRAG_FILE_MAGIC, kf->content_id);
	*p++ = kf->threshold;
	*p++ = kf->shares;
	*p++ = kf->index;
	memcpy(p, kf->delegating.bytes, PK);
	memcpy(p + PK, kf->receiving.bytes, PK);
	memcpy(p + 2 * PK, kf->verifying.bytes, PK);
	capsa_umbral_kfrag_to_bytes(p + 3 * PK, &kf->kfrag);
}

void capsa_cfrag_file_serialize(uint8_t out[CAPSA_CFRAG_FILE_BYTES], const capsa_cfrag_file *cf)
{
	uint8_t *p = out + MAGIC_BYTES + 1 + CAPSA_CONTENT_ID_BYTES;

	put_head(out, CAPSA_CFRAG_FILE_MAGIC, cf->content_id);
	*p++ = cf->threshold;
	memcpy(p, cf->delegating.bytes, PK);
	memcpy(p + PK, cf->receiving.bytes, PK);
	memcpy(p + 2 * PK, cf->verifying.bytes, PK);
	capsa_umbral_cfrag_to_bytes(p + 3 * PK, &cf->cfrag);
}

/* Magic, version and exact length; |cbs| is left after the version byte. */
static capsa_status parse_head(capsa_cbs *cbs, const char *magic, size_t total, const uint8_t *in, size_t len)
{
	size_t n = len < MAGIC_BYTES ? len : MAGIC_BYTES;

	if (len == 0 || memcmp(in, magic, n) != 0)
		return CAPSA_ERR_NOT_CAPSA;
	if (len <= MAGIC_BYTES)
		return CAPSA_ERR_TRUNCATED;
	if (in[MAGIC_BYTES] != CAPSA_GRANT_FILE_VERSION)
		return CAPSA_ERR_VERSION;
	if (len != total)
		return len < total ? CAPSA_ERR_TRUNCATED : CAPSA_ERR_TRAILING;
	capsa_cbs_init(cbs, in + MAGIC_BYTES + 1, len - MAGIC_BYTES - 1);
	return CAPSA_OK;
}

static bool get_keys(capsa_cbs *cbs, capsa_umbral_public_key *d, capsa_umbral_public_key *r,
                     capsa_umbral_public_key *v)
{
	capsa_umbral_public_key *keys[3] = {d, r, v};

	for (int i = 0; i < 3; i++) {
		capsa_cbs k;
		if (!capsa_cbs_get_bytes(cbs, &k, PK) || capsa_umbral_public_key_from_bytes(keys[i], k.data) != CAPSA_OK)
			return false;
	}
	return true;
}

capsa_status capsa_kfrag_file_parse(capsa_kfrag_file *kf, const uint8_t *in, size_t len)
{
	capsa_cbs cbs;
	capsa_status st;

	memset(kf, 0, sizeof *kf);
	if ((st = parse_head(&cbs, CAPSA_KFRAG_FILE_MAGIC, CAPSA_KFRAG_FILE_BYTES, in, len)) != CAPSA_OK)
		return st;
	st = CAPSA_ERR_DECODE;
	if (!capsa_cbs_copy(&cbs, kf->content_id, CAPSA_CONTENT_ID_BYTES) || !capsa_cbs_get_u8(&cbs, &kf->threshold) ||
	    !capsa_cbs_get_u8(&cbs, &kf->shares) || !capsa_cbs_get_u8(&cbs, &kf->index))
		goto out;
	if (kf->threshold == 0 || kf->threshold > kf->shares || kf->index == 0 || kf->index > kf->shares)
		goto out;
	if (!get_keys(&cbs, &kf->delegating, &kf->receiving, &kf->verifying) ||
	    cbs.len != CAPSA_UMBRAL_KFRAG_BYTES ||
	    capsa_umbral_kfrag_from_bytes(&kf->kfrag, cbs.data, cbs.len) != CAPSA_OK)
		goto out;
	/* capsa grants always sign both keys: a proxy then cannot be fed another pair */
	if (kf->kfrag.delegating_key_signed && kf->kfrag.receiving_key_signed)
		st = CAPSA_OK;
out:
	if (st != CAPSA_OK)
		capsa_kfrag_file_wipe(kf);
	return st;
}

capsa_status capsa_cfrag_file_parse(capsa_cfrag_file *cf, const uint8_t *in, size_t len)
{
	capsa_cbs cbs;
	capsa_status st;

	memset(cf, 0, sizeof *cf);
	if ((st = parse_head(&cbs, CAPSA_CFRAG_FILE_MAGIC, CAPSA_CFRAG_FILE_BYTES, in, len)) != CAPSA_OK)
		return st;
	if (capsa_cbs_copy(&cbs, cf->content_id, CAPSA_CONTENT_ID_BYTES) && capsa_cbs_get_u8(&cbs, &cf->threshold) &&
	    cf->threshold != 0 && get_keys(&cbs, &cf->delegating, &cf->receiving, &cf->verifying) &&
	    cbs.len == CAPSA_UMBRAL_CFRAG_BYTES &&
	    capsa_umbral_cfrag_from_bytes(&cf->cfrag, cbs.data, cbs.len) == CAPSA_OK)
		return CAPSA_OK;
	memset(cf, 0, sizeof *cf);
	return CAPSA_ERR_DECODE;
}

void capsa_kfrag_file_wipe(capsa_kfrag_file *kf)
{
	capsa_wipe(kf, sizeof *kf);
}

capsa_status capsa_kfrag_file_write(const char *path, const capsa_kfrag_file *kf)
{
	uint8_t bytes[CAPSA_KFRAG_FILE_BYTES];
	capsa_status st;
	int saved;

	capsa_kfrag_file_serialize(bytes, kf);
	st = capsa_secret_file_write(path, bytes, sizeof bytes, NULL);
	saved = errno;
	capsa_wipe(bytes, sizeof bytes);
	errno = saved;
	return st;
}

capsa_status capsa_grant_file_read(uint8_t *buf, size_t max, size_t *len, const char *path)
{
	uint8_t *bytes = NULL;
	size_t n = 0;
	capsa_status st = capsa_file_read(&bytes, &n, path, max);

	*len = 0;
	if (st != CAPSA_OK)
		return st == CAPSA_ERR_RANGE ? CAPSA_ERR_TRAILING : st;
	memcpy(buf, bytes, n);
	*len = n;
	capsa_wipe(bytes, n); /* a kfrag is a proxy's secret */
	free(bytes);
	return CAPSA_OK;
}
