/*
 * The `umbral` route: seal with an owner, the owner opens directly, grants
 * (kfrags), re-encryption (cfrags), opening with every M-subset of cfrags,
 * and each check that refuses too few, forged or mismatched cfrags; the
 * kfrag and cfrag file formats and the stanza parser on bad bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/grant.h>
#include <capsa/keys.h>

#include "check.h"


enum { OWNER, ALICE, BOB, NUM_IDS };
static capsa_identity ids[NUM_IDS];
static capsa_recipient recs[NUM_IDS];
static uint8_t plaintext[40000];

/* Seals |plaintext| with |owner| (NULL: none) and x25519 recipients |nrec| (from BOB). */
static check_buf seal(const capsa_identity *owner, size_t nrec)
{
	capsa_route_key route = {CAPSA_UMBRAL_STANZA_TYPE, owner};
	capsa_seal_opts o = {.threads = 1, .plaintext_len = sizeof plaintext, .recipients = &recs[BOB],
	                     .num_recipients = nrec, .routes = &route, .num_routes = owner ? 1 : 0};
	capsa_seal *s = NULL;
	check_buf out = {0};

	CHECK_OK(capsa_seal_new(&s, &o, check_buf_sink, &out));
	CHECK_OK(capsa_seal_write(s, plaintext, sizeof plaintext));
	CHECK_OK(capsa_seal_finish(s));
	capsa_seal_free(s);
	return out;
}

/* Opens |file| with |id| and optionally cfrags; returns the status, and checks the plaintext |pt| on OK. */
static capsa_status open_expect(const check_buf *file, const capsa_identity *id, const capsa_cfrag_file *cfrags, size_t n,
                                capsa_grant_report *rep, const uint8_t *pt, size_t pt_len)
{
	capsa_umbral_route route = {cfrags, n, rep};
	capsa_route_key rk = {CAPSA_UMBRAL_STANZA_TYPE, &route};
	capsa_unlock u = {.identities = id, .num_identities = 1, .route_keys = &rk, .num_route_keys = cfrags ? 1 : 0};
	capsa_open *o = NULL;
	check_buf out = {0};
	capsa_status st;

	CHECK_OK(capsa_open_new(&o, &u, 1, check_buf_sink, &out));
	st = capsa_open_write(o, file->data, file->len);
	if (st == CAPSA_OK)
		st = capsa_open_finish(o);
	if (st == CAPSA_OK)
		CHECK(out.len == pt_len && memcmp(out.data, pt, pt_len) == 0);
	else
		CHECK(out.len == 0); /* nothing is released before the header authenticates */
	capsa_open_free(o);
	free(out.data);
	return st;
}

static capsa_status open_with(const check_buf *file, const capsa_identity *id, const capsa_cfrag_file *cfrags, size_t n,
                              capsa_grant_report *rep)
{
	return open_expect(file, id, cfrags, n, rep, plaintext, sizeof plaintext);
}

static void make_keys(void)
{
	for (int i = 0; i < NUM_IDS; i++) {
		uint8_t seed[32];
		memset(seed, 0x21 + i, sizeof seed);
		CHECK_OK(capsa_identity_from_seed(&ids[i], seed));
		capsa_identity_recipient(&recs[i], &ids[i]);
	}
	for (size_t i = 0; i < sizeof plaintext; i++)
		plaintext[i] = (uint8_t)(i * 31 + 7);
}

/* Grants |file| to |to| M of N and re-encrypts every kfrag. */
static void grant_and_reencrypt(capsa_cfrag_file *cf, const check_buf *file, size_t to, size_t m, size_t n)
{
	capsa_kfrag_file kf[8];
	capsa_grant_report rep;

	CHECK_OK(capsa_grant_create(kf, &ids[OWNER], &recs[to], m, n, file->data, file->len, NULL));
	for (size_t i = 0; i < n; i++) {
		CHECK(kf[i].index == i + 1 && kf[i].threshold == m && kf[i].shares == n);
		CHECK_OK(capsa_grant_reencrypt(&cf[i], &kf[i], file->data, file->len, &rep, NULL));
		capsa_kfrag_file_wipe(&kf[i]);
	}
}

static void test_owner(void)
{
	check_buf owned = seal(&ids[OWNER], 0), both = seal(&ids[OWNER], 1), plain = seal(NULL, 1);
	capsa_header_info info;

	CHECK_STATUS(open_with(&owned, &ids[OWNER], NULL, 0, NULL), CAPSA_OK);
	CHECK_STATUS(open_with(&owned, &ids[ALICE], NULL, 0, NULL), CAPSA_ERR_NO_MATCH);
	CHECK_STATUS(open_with(&both, &ids[OWNER], NULL, 0, NULL), CAPSA_OK);
	CHECK_STATUS(open_with(&both, &ids[BOB], NULL, 0, NULL), CAPSA_OK);
	CHECK_OK(capsa_inspect_buf(&info, owned.data, owned.len));
	CHECK(info.num_stanzas == 1 && strcmp(info.stanzas[0].type, "umbral") == 0 && info.stanzas[0].known &&
	      info.stanzas[0].body_len == CAPSA_UMBRAL_STANZA_BODY_BYTES);
	capsa_header_info_free(&info);
	/* a file with no umbral stanza cannot be granted */
	{
		capsa_kfrag_file kf[3];
		CHECK_STATUS(capsa_grant_create(kf, &ids[OWNER], &recs[ALICE], 2, 3, plain.data, plain.len, NULL),
		             CAPSA_ERR_NO_MATCH);
		CHECK_STATUS(capsa_grant_create(kf, &ids[ALICE], &recs[BOB], 2, 3, owned.data, owned.len, NULL),
		             CAPSA_ERR_MISMATCH); /* only the owner grants */
		CHECK_STATUS(capsa_grant_create(kf, &ids[OWNER], &recs[ALICE], 3, 2, owned.data, owned.len, NULL),
		             CAPSA_ERR_ARG);
		CHECK_STATUS(capsa_grant_create(kf, &ids[OWNER], &recs[ALICE], 0, 2, owned.data, owned.len, NULL),
		             CAPSA_ERR_ARG);
	}
	free(owned.data);
	free(both.data);
	free(plain.data);
}

static void test_subsets(void)
{
	check_buf file = seal(&ids[OWNER], 0);
	capsa_cfrag_file cf[3], two[2];
	capsa_grant_report rep;

	grant_and_reencrypt(cf, &file, ALICE, 2, 3);
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++) {
			if (i == j)
				continue;
			two[0] = cf[i];
			two[1] = cf[j];
			check_context("cfrags %d,%d", i, j);
			CHECK_STATUS(open_with(&file, &ids[ALICE], two, 2, &rep), CAPSA_OK);
		}
	check_context("all three");
	CHECK_STATUS(open_with(&file, &ids[ALICE], cf, 3, &rep), CAPSA_OK);
	check_context("one");
	CHECK_STATUS(open_with(&file, &ids[ALICE], cf, 1, &rep), CAPSA_ERR_THRESHOLD);
	CHECK(rep.check == CAPSA_GRANT_CHECK_THRESHOLD && rep.have == 1 && rep.need == 2);
	CHECK_STATUS(open_with(&file, &ids[ALICE], cf, 0, &rep), CAPSA_ERR_THRESHOLD);
	two[0] = cf[1];
	two[1] = cf[1];
	CHECK_STATUS(open_with(&file, &ids[ALICE], two, 2, &rep), CAPSA_ERR_THRESHOLD);
	CHECK(rep.check == CAPSA_GRANT_CHECK_DUPLICATE && rep.index == 1);
	/* good cfrags, wrong identity: they name another receiving key */
	CHECK_STATUS(open_with(&file, &ids[BOB], cf, 2, &rep), CAPSA_ERR_MISMATCH);
	CHECK(rep.check == CAPSA_GRANT_CHECK_RECIPIENT && rep.index == 0);
	check_context("%s", "");
	free(file.data);
}

static void test_forged(void)
{
	check_buf file = seal(&ids[OWNER], 0);
	capsa_cfrag_file cf[3], bad[2];
	capsa_grant_report rep;

	grant_and_reencrypt(cf, &file, ALICE, 2, 3);
	bad[0] = cf[0];
	bad[1] = cf[2];
	bad[1].cfrag.z[10] ^= 0x01; /* a forged proof */
	CHECK_STATUS(open_with(&file, &ids[ALICE], bad, 2, &rep), CAPSA_ERR_PROOF);
	CHECK(rep.check == CAPSA_GRANT_CHECK_VERIFY && rep.index == 1 && rep.cause == CAPSA_ERR_PROOF);
	{
		capsa_umbral_stanza st;
		CHECK_OK(capsa_umbral_stanza_find(&st, file.data, file.len));
		CHECK_OK(capsa_grant_verify_cfrag(&cf[0], &st, &rep));
		CHECK_STATUS(capsa_grant_verify_cfrag(&bad[1], &st, &rep), CAPSA_ERR_PROOF);
		CHECK(rep.check == CAPSA_GRANT_CHECK_VERIFY && rep.cause == CAPSA_ERR_PROOF);
		bad[0].content_id[0] ^= 1;
		CHECK_STATUS(capsa_grant_verify_cfrag(&bad[0], &st, &rep), CAPSA_ERR_MISMATCH);
		CHECK(rep.check == CAPSA_GRANT_CHECK_FILE);
		bad[0] = cf[0];
	}
	bad[1] = cf[2];
	bad[1].cfrag.kfrag_signature[5] ^= 0x01;
	CHECK_STATUS(open_with(&file, &ids[ALICE], bad, 2, &rep), CAPSA_ERR_PROOF);
	CHECK(rep.check == CAPSA_GRANT_CHECK_VERIFY && rep.index == 1 && rep.cause == CAPSA_ERR_SIGNATURE);
	/* every cfrag claiming threshold 1: one is "enough" but the combination fails */
	bad[0] = cf[0];
	bad[0].threshold = 1;
	CHECK_STATUS(open_with(&file, &ids[ALICE], bad, 1, &rep), CAPSA_ERR_KEY);
	CHECK(rep.check == CAPSA_GRANT_CHECK_COMBINE);
	bad[0] = cf[0];
	/* a lying threshold field: the other cfrag's grant no longer matches */
	bad[1] = cf[2];
	bad[1].threshold = 1;
	CHECK_STATUS(open_with(&file, &ids[ALICE], bad, 2, &rep), CAPSA_ERR_MISMATCH);
	CHECK(rep.check == CAPSA_GRANT_CHECK_GRANT && rep.index == 1);
	free(file.data);
}

static void test_mismatch(void)
{
	check_buf file = seal(&ids[OWNER], 0), other = seal(&ids[OWNER], 0);
	capsa_cfrag_file cf[3], cf_grant2[3], cf_other[3], cf_bob[3], mix[2];
	capsa_kfrag_file kf[3];
	capsa_cfrag_file out;
	capsa_grant_report rep;

	grant_and_reencrypt(cf, &file, ALICE, 2, 3);
	grant_and_reencrypt(cf_grant2, &file, ALICE, 2, 3);
	grant_and_reencrypt(cf_other, &other, ALICE, 2, 3);
	grant_and_reencrypt(cf_bob, &file, BOB, 2, 3);
	CHECK_STATUS(open_with(&file, &ids[ALICE], cf_grant2, 2, &rep), CAPSA_OK);
	CHECK_STATUS(open_with(&file, &ids[BOB], cf_bob, 2, &rep), CAPSA_OK);
	mix[0] = cf[0];
	mix[1] = cf_other[1];
	CHECK_STATUS(open_with(&file, &ids[ALICE], mix, 2, &rep), CAPSA_ERR_MISMATCH);
	CHECK(rep.check == CAPSA_GRANT_CHECK_FILE && rep.index == 1);
	mix[1] = cf_grant2[1];
	CHECK_STATUS(open_with(&file, &ids[ALICE], mix, 2, &rep), CAPSA_ERR_MISMATCH);
	CHECK(rep.check == CAPSA_GRANT_CHECK_GRANT && rep.index == 1);
	mix[1] = cf_bob[1];
	CHECK_STATUS(open_with(&file, &ids[ALICE], mix, 2, &rep), CAPSA_ERR_MISMATCH);
	CHECK(rep.check == CAPSA_GRANT_CHECK_RECIPIENT && rep.index == 1);
	/* a proxy refuses a kfrag of another file, and a damaged one */
	CHECK_OK(capsa_grant_create(kf, &ids[OWNER], &recs[ALICE], 2, 3, other.data, other.len, NULL));
	CHECK_STATUS(capsa_grant_reencrypt(&out, &kf[0], file.data, file.len, &rep, NULL), CAPSA_ERR_MISMATCH);
	CHECK(rep.check == CAPSA_GRANT_CHECK_FILE);
	kf[1].kfrag.sig_for_proxy[3] ^= 1;
	CHECK_STATUS(capsa_grant_reencrypt(&out, &kf[1], other.data, other.len, &rep, NULL), CAPSA_ERR_SIGNATURE);
	CHECK(rep.check == CAPSA_GRANT_CHECK_VERIFY);
	kf[2].receiving = cf_bob[0].receiving; /* another recipient than the kfrag was signed for */
	CHECK_STATUS(capsa_grant_reencrypt(&out, &kf[2], other.data, other.len, &rep, NULL), CAPSA_ERR_SIGNATURE);
	for (int i = 0; i < 3; i++)
		capsa_kfrag_file_wipe(&kf[i]);
	free(file.data);
	free(other.data);
}

/* A header modified after sealing: the owner's grant authenticates it first. */
static void test_tampered_header(void)
{
	check_buf file = seal(&ids[OWNER], 1);
	capsa_kfrag_file kf[2];
	capsa_header_info info;

	file.data[60] ^= 0x01; /* inside the x25519 stanza, which comes first */
	CHECK_STATUS(capsa_grant_create(kf, &ids[OWNER], &recs[ALICE], 1, 2, file.data, file.len, NULL),
	             CAPSA_ERR_HEADER_AUTH);
	file.data[60] ^= 0x01;
	CHECK_OK(capsa_inspect_buf(&info, file.data, file.len));
	file.data[info.header_len - 33] ^= 0x01; /* the umbral stanza's DEM tag, just before the MAC */
	CHECK_STATUS(capsa_grant_create(kf, &ids[OWNER], &recs[ALICE], 1, 2, file.data, file.len, NULL),
	             CAPSA_ERR_AUTH);
	CHECK_STATUS(open_with(&file, &ids[OWNER], NULL, 0, NULL), CAPSA_ERR_HEADER_AUTH);
	capsa_header_info_free(&info);
	free(file.data);
}

static void test_files(void)
{
	check_buf file = seal(&ids[OWNER], 0);
	capsa_kfrag_file kf[2], kp;
	capsa_cfrag_file cf, cp;
	capsa_grant_report rep;
	uint8_t kb[CAPSA_KFRAG_FILE_BYTES], kb2[CAPSA_KFRAG_FILE_BYTES], cb[CAPSA_CFRAG_FILE_BYTES + 1],
		cb2[CAPSA_CFRAG_FILE_BYTES];

	CHECK_OK(capsa_grant_create(kf, &ids[OWNER], &recs[ALICE], 2, 2, file.data, file.len, NULL));
	CHECK_OK(capsa_grant_reencrypt(&cf, &kf[1], file.data, file.len, &rep, NULL));
	capsa_kfrag_file_serialize(kb, &kf[1]);
	CHECK_OK(capsa_kfrag_file_parse(&kp, kb, sizeof kb));
	capsa_kfrag_file_serialize(kb2, &kp);
	CHECK_MEM(kb, kb2, sizeof kb);
	CHECK(memcmp(kb, "capsa-kfrag\x01", 12) == 0 && kp.index == 2 && kp.shares == 2);
	capsa_cfrag_file_serialize(cb, &cf);
	CHECK_OK(capsa_cfrag_file_parse(&cp, cb, CAPSA_CFRAG_FILE_BYTES));
	capsa_cfrag_file_serialize(cb2, &cp);
	CHECK_MEM(cb, cb2, sizeof cb2);
	/* the negatives, each with its status */
	CHECK_STATUS(capsa_kfrag_file_parse(&kp, kb, sizeof kb - 1), CAPSA_ERR_TRUNCATED);
	CHECK_STATUS(capsa_cfrag_file_parse(&cp, cb, 5), CAPSA_ERR_TRUNCATED);
	cb[CAPSA_CFRAG_FILE_BYTES] = 0;
	CHECK_STATUS(capsa_cfrag_file_parse(&cp, cb, sizeof cb), CAPSA_ERR_TRAILING);
	CHECK_STATUS(capsa_cfrag_file_parse(&cp, kb, sizeof kb), CAPSA_ERR_NOT_CAPSA);
	CHECK_STATUS(capsa_kfrag_file_parse(&kp, cb, CAPSA_CFRAG_FILE_BYTES), CAPSA_ERR_NOT_CAPSA);
	kb2[11] = 2;
	CHECK_STATUS(capsa_kfrag_file_parse(&kp, kb2, sizeof kb2), CAPSA_ERR_VERSION);
	memcpy(kb2, kb, sizeof kb);
	kb2[28] = 3; /* threshold above shares */
	CHECK_STATUS(capsa_kfrag_file_parse(&kp, kb2, sizeof kb2), CAPSA_ERR_DECODE);
	memcpy(kb2, kb, sizeof kb);
	kb2[30] = 0; /* index 0 */
	CHECK_STATUS(capsa_kfrag_file_parse(&kp, kb2, sizeof kb2), CAPSA_ERR_DECODE);
	memcpy(kb2, kb, sizeof kb);
	kb2[31] = 0x00; /* the delegating key's prefix: the identity point's encoding */
	CHECK_STATUS(capsa_kfrag_file_parse(&kp, kb2, sizeof kb2), CAPSA_ERR_DECODE);
	memcpy(kb2, kb, sizeof kb);
	kb2[sizeof kb2 - 1] = 0xc2; /* the kfrag no longer signs the receiving key */
	CHECK_STATUS(capsa_kfrag_file_parse(&kp, kb2, sizeof kb2), CAPSA_ERR_DECODE);
	memcpy(cb2, cb, sizeof cb2);
	cb2[28] = 0; /* threshold 0 */
	CHECK_STATUS(capsa_cfrag_file_parse(&cp, cb2, sizeof cb2), CAPSA_ERR_DECODE);
	capsa_kfrag_file_wipe(&kf[0]);
	capsa_kfrag_file_wipe(&kf[1]);
	free(file.data);
}

static void test_stanza_parse(void)
{
	check_buf file = seal(&ids[OWNER], 0);
	capsa_umbral_stanza s;
	uint8_t body[CAPSA_UMBRAL_STANZA_BODY_BYTES], cid[CAPSA_CONTENT_ID_BYTES] = {0};
	capsa_umbral_secret_key sk;
	capsa_umbral_public_key pk;

	CHECK_OK(capsa_umbral_stanza_find(&s, file.data, file.len));
	CHECK_MEM(s.verifying.bytes, ids[OWNER].secp256k1_public, 33);
	CHECK_OK(capsa_umbral_file_key(&sk, &ids[OWNER], s.content_id));
	CHECK_OK(capsa_umbral_public_key_derive(&pk, &sk));
	CHECK_MEM(pk.bytes, s.delegating.bytes, 33);
	capsa_umbral_secret_key_wipe(&sk);
	memcpy(body, s.delegating.bytes, 33);
	memcpy(body + 33, s.verifying.bytes, 33);
	capsa_umbral_capsule_to_bytes(body + 66, &s.capsule);
	memcpy(body + 66 + CAPSA_UMBRAL_CAPSULE_BYTES, s.ct, sizeof s.ct);
	CHECK_OK(capsa_umbral_stanza_parse(&s, body, sizeof body, cid));
	CHECK_STATUS(capsa_umbral_stanza_parse(&s, body, sizeof body - 1, cid), CAPSA_ERR_DECODE);
	body[0] = 0x00;
	CHECK_STATUS(capsa_umbral_stanza_parse(&s, body, sizeof body, cid), CAPSA_ERR_DECODE);
	body[0] = pk.bytes[0];
	body[66 + 104] ^= 1; /* the capsule's s: its proof fails */
	CHECK_STATUS(capsa_umbral_stanza_parse(&s, body, sizeof body, cid), CAPSA_ERR_DECODE);
	free(file.data);
}

/* The random-access reader takes the same route. */
static void test_reader(void)
{
	check_buf file = seal(&ids[OWNER], 0);
	capsa_cfrag_file cf[3];
	capsa_grant_report rep;
	capsa_umbral_route route = {cf + 1, 2, &rep};
	capsa_route_key rk = {CAPSA_UMBRAL_STANZA_TYPE, &route};
	capsa_unlock u = {.identities = &ids[ALICE], .num_identities = 1, .route_keys = &rk, .num_route_keys = 1};
	char path[] = "/tmp/capsa-test-grant-XXXXXX";
	int fd = mkstemp(path);
	capsa_reader *r = NULL;
	uint8_t got[1000];

	CHECK(fd >= 0 && write(fd, file.data, file.len) == (ssize_t)file.len);
	grant_and_reencrypt(cf, &file, ALICE, 2, 3);
	CHECK_OK(capsa_reader_open_fd(&r, fd, &u));
	if (r != NULL) {
		CHECK_OK(capsa_reader_read(r, got, 20000, sizeof got, NULL));
		CHECK_MEM(got, plaintext + 20000, sizeof got);
	}
	capsa_reader_close(r);
	route.num_cfrags = 1;
	CHECK_STATUS(capsa_reader_open_fd(&r, fd, &u), CAPSA_ERR_THRESHOLD);
	CHECK(r == NULL && rep.check == CAPSA_GRANT_CHECK_THRESHOLD);
	close(fd);
	unlink(path);
	free(file.data);
}

static uint8_t *slurp(const char *rel, size_t *len)
{
	FILE *f = fopen(vector_path(rel), "rb");
	uint8_t *data = malloc(1 << 16);

	*len = f && data ? fread(data, 1, 1 << 16, f) : 0;
	if (f)
		fclose(f);
	return data;
}

/*
 * tests/vectors/capsa/umbral-grant: a file, a 2-of-3 grant to
 * identity-other.txt and its cfrags, made once and pinned. Every pair of the
 * pinned cfrags opens it; the pinned kfrags verify and re-encrypt afresh.
 */
static void test_vectors(void)
{
	capsa_identity *other = NULL;
	size_t n = 0, line = 0, len, flen;
	capsa_cfrag_file cf[3], pair[2], fresh;
	capsa_kfrag_file kf;
	capsa_grant_report rep;
	uint8_t *file = slurp("capsa/umbral-grant.capsa", &flen), *b;
	char name[64];
	uint8_t pattern[300];
	check_buf fb;

	for (size_t i = 0; i < sizeof pattern; i++)
		pattern[i] = (uint8_t)((7 * i + 3) % 251);

	CHECK_OK(capsa_identity_file_read(&other, &n, vector_path("capsa/identity-other.txt"), &line));
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof name, "capsa/umbral-grant.%d.cfrag", i + 1);
		b = slurp(name, &len);
		CHECK_OK(capsa_cfrag_file_parse(&cf[i], b, len));
		free(b);
	}
	fb = (check_buf){file, flen};
	for (int i = 0; i < 3 && n == 1; i++) {
		pair[0] = cf[i];
		pair[1] = cf[(i + 1) % 3];
		CHECK_STATUS(open_expect(&fb, other, pair, 2, &rep, pattern, sizeof pattern), CAPSA_OK);
	}
	for (int i = 0; i < 3 && n == 1; i++) {
		snprintf(name, sizeof name, "capsa/umbral-grant.%d.kfrag", i + 1);
		b = slurp(name, &len);
		CHECK_OK(capsa_kfrag_file_parse(&kf, b, len));
		CHECK(kf.index == i + 1 && kf.threshold == 2 && kf.shares == 3);
		CHECK_OK(capsa_grant_reencrypt(&fresh, &kf, file, flen, &rep, NULL));
		pair[0] = fresh;
		pair[1] = cf[(i + 2) % 3];
		CHECK_STATUS(open_expect(&fb, other, pair, 2, &rep, pattern, sizeof pattern), CAPSA_OK);
		capsa_kfrag_file_wipe(&kf);
		memset(b, 0, len); /* a kfrag: a test secret, but a secret */
		free(b);
	}
	capsa_identity_list_free(other, n);
	free(file);
}

int main(void)
{
	make_keys();
	test_owner();
	test_subsets();
	test_forged();
	test_mismatch();
	test_tampered_header();
	test_files();
	test_stanza_parse();
	test_reader();
	test_vectors();
	for (int i = 0; i < NUM_IDS; i++)
		capsa_identity_wipe(&ids[i]);
	return check_summary();
}
