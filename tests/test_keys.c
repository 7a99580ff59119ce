/*
 * Identities and recipients: key derivation (pinned against values computed
 * independently from the labels in doc/KEYS.md), the string forms, identity
 * and recipients files, and the 0600/no-overwrite rules on real files.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capsa/keys.h>

#include "check.h"
#include "crypto/crypto.h"
#include "wire/bech32.h"

/* Seed 00 01 02 ... 1f. Expected values from an independent HKDF/X25519/Ed25519/secp256k1 computation. */
static const char *const kat_x25519_secret = "9e82eea927f7ed3c6de65437ed3b5762bd1629a579ba70df6c375b23650f6937";
static const char *const kat_x25519_public = "65dcac29e7ee5e5a5199eac6e695dd014691548d69038839881b7a9457654760";
static const char *const kat_ed25519_seed = "c99209e0d5df371e0ae0dd8ff1a52eb1af4ae94086cdb76020803eeb0d32f1e8";
static const char *const kat_ed25519_public = "7d0e17670a416f2d1d47fad9f241d8174e9a2733ef922089068a5233d9a0d3e2";
static const char *const kat_secp256k1_secret = "baeb4e4098d8b9b8b0447a226dc789f94b798db65d6e466c2d4786cc1e8ceee6";
static const char *const kat_secp256k1_public = "021864abca559eac7acccab4b54210fbad2a9c752bacc007f759d3c314f73a3460";
static const char *const kat_recipient = "capsa1q9jaetpfulh9ukj3n84vde54m5q5dy25345s8zpe3qdh49zhv4rkqqscvj4u54v7"
                                         "43avej45k4ppp7ad92w822avcqrlwkwncv20ww35vqd80ju2";
/* Type 2 adds the Ed25519 key; computed with the BIP 173 reference bech32 code. */
static const char *const kat_recipient_v2 = "capsa1qfjaetpfulh9ukj3n84vde54m5q5dy25345s8zpe3qdh49zhv4rkqqscvj4u54v7"
                                            "43avej45k4ppp7ad92w822avcqrlwkwncv20ww35vp7su9m8pfqk7tgagladnujpmqt5ax"
                                            "38x0heygyfq699yv7e5rf7yawejf4";
static const char *const kat_identity = "CAPSA-SECRET-KEY-1QYQQZQSRQSZSVPCGPY9QKRQDPC83QYGJZV2P29SHRQV35XCUR50P7HEK3XH";

static char tmpdir[64];

static void kat_seed(uint8_t seed[32])
{
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
}

static bool hex_eq(const uint8_t *got, const char *hex)
{
	size_t len;
	uint8_t *want = hex_decode(hex, &len);
	bool eq = want != NULL && memcmp(got, want, len) == 0;
	free(want);
	return eq;
}

static void derivation(void)
{
	uint8_t seed[32];
	capsa_identity a, b;

	check_context("derivation");
	kat_seed(seed);
	CHECK_OK(capsa_identity_from_seed(&a, seed));
	CHECK(hex_eq(a.x25519_secret, kat_x25519_secret));
	CHECK(hex_eq(a.x25519_public, kat_x25519_public));
	CHECK(hex_eq(a.ed25519_seed, kat_ed25519_seed));
	CHECK(hex_eq(a.ed25519_public, kat_ed25519_public));
	CHECK(hex_eq(a.secp256k1_secret, kat_secp256k1_secret));
	CHECK(hex_eq(a.secp256k1_public, kat_secp256k1_public));
	CHECK_MEM(a.seed, seed, 32);
	/* Deterministic, also when the seed aliases the identity's own. */
	CHECK_OK(capsa_identity_from_seed(&b, a.seed));
	CHECK(memcmp(&a, &b, sizeof a) == 0);
	/* Domain separation: no two derived secrets (nor the seed) coincide. */
	CHECK(memcmp(a.x25519_secret, a.ed25519_seed, 32) != 0);
	CHECK(memcmp(a.x25519_secret, a.secp256k1_secret, 32) != 0);
	CHECK(memcmp(a.ed25519_seed, a.secp256k1_secret, 32) != 0);
	CHECK(memcmp(a.seed, a.x25519_secret, 32) != 0);
	/* The Ed25519 key signs and verifies. */
	uint8_t sig[64];
	CHECK_OK(capsa_ed25519_sign(sig, a.ed25519_seed, (const uint8_t *)"m", 1));
	CHECK_OK(capsa_ed25519_verify(sig, a.ed25519_public, (const uint8_t *)"m", 1));
	/* A different seed changes everything. */
	seed[31] ^= 1;
	CHECK_OK(capsa_identity_from_seed(&b, seed));
	CHECK(memcmp(a.x25519_public, b.x25519_public, 32) != 0);
	CHECK(memcmp(a.secp256k1_public, b.secp256k1_public, 33) != 0);
	capsa_identity_wipe(&a);
	CHECK(a.seed[1] == 0 && a.x25519_secret[0] == 0 && a.secp256k1_secret[0] == 0);
	capsa_identity_wipe(&b);
}

static void generation(void)
{
	capsa_identity a, b, c;
	capsa_recipient r;

	check_context("generation");
	CHECK_OK(capsa_identity_generate(&a));
	CHECK_OK(capsa_identity_generate(&b));
	CHECK(memcmp(a.seed, b.seed, 32) != 0);
	CHECK_OK(capsa_identity_from_seed(&c, a.seed));
	CHECK(memcmp(&a, &c, sizeof a) == 0);
	capsa_identity_recipient(&r, &a);
	CHECK_MEM(r.x25519_public, a.x25519_public, 32);
	CHECK_MEM(r.secp256k1_public, a.secp256k1_public, 33);
	capsa_identity_wipe(&a), capsa_identity_wipe(&b), capsa_identity_wipe(&c);
}

static void strings_known_answer(void)
{
	uint8_t seed[32];
	char s[200];
	capsa_identity id, back;
	capsa_recipient r, rback;

	check_context("strings KAT");
	kat_seed(seed);
	CHECK_OK(capsa_identity_from_seed(&id, seed));
	capsa_identity_recipient(&r, &id);
	CHECK(r.has_ed25519 && memcmp(r.ed25519_public, id.ed25519_public, 32) == 0);
	CHECK_OK(capsa_recipient_encode(s, sizeof s, &r));
	CHECK(strcmp(s, kat_recipient_v2) == 0 && strlen(s) == CAPSA_RECIPIENT_STRLEN);
	CHECK_OK(capsa_recipient_decode(&rback, s, strlen(s)));
	CHECK(memcmp(&r, &rback, sizeof r) == 0);
	/* Type 1, without the Ed25519 key: still decoded, and written when there is no such key. */
	CHECK_OK(capsa_recipient_decode(&rback, kat_recipient, strlen(kat_recipient)));
	CHECK(!rback.has_ed25519 && memcmp(rback.x25519_public, r.x25519_public, 32) == 0 &&
	      memcmp(rback.secp256k1_public, r.secp256k1_public, 33) == 0);
	CHECK_OK(capsa_recipient_encode(s, sizeof s, &rback));
	CHECK(strcmp(s, kat_recipient) == 0 && strlen(s) == CAPSA_RECIPIENT_V1_STRLEN);
	CHECK_OK(capsa_identity_encode(s, sizeof s, &id));
	CHECK(strcmp(s, kat_identity) == 0 && strlen(s) == CAPSA_IDENTITY_STRLEN);
	CHECK_OK(capsa_identity_decode(&back, s, strlen(s)));
	CHECK(memcmp(&id, &back, sizeof id) == 0);
	/* Exact buffer sizes, and one byte short. */
	CHECK_OK(capsa_recipient_encode(s, CAPSA_RECIPIENT_STRLEN + 1, &r));
	CHECK_STATUS(capsa_recipient_encode(s, CAPSA_RECIPIENT_STRLEN, &r), CAPSA_ERR_RANGE);
	CHECK_OK(capsa_identity_encode(s, CAPSA_IDENTITY_STRLEN + 1, &id));
	CHECK_STATUS(capsa_identity_encode(s, CAPSA_IDENTITY_STRLEN, &id), CAPSA_ERR_RANGE);
	capsa_identity_wipe(&id), capsa_identity_wipe(&back);
}

static bool is_canonical_case(char c, bool upper)
{
	return upper ? !(c >= 'a' && c <= 'z') : !(c >= 'A' && c <= 'Z');
}

/* Every printable single-character change, every truncation and an extension of |good| fail to decode. */
static void mutations(const char *good, bool identity)
{
	size_t len = strlen(good), accepted = 0, tried = 0;
	char s[256];
	capsa_identity id;
	capsa_recipient r;

	for (size_t i = 0; i < len; i++)
		for (int c = 32; c < 127; c++) {
			if (c == good[i])
				continue;
			memcpy(s, good, len + 1);
			s[i] = (char)c;
			capsa_status st = identity ? capsa_identity_decode(&id, s, len) : capsa_recipient_decode(&r, s, len);
			accepted += st == CAPSA_OK;
			tried++;
		}
	for (size_t n = 0; n < len; n++)
		accepted += (identity ? capsa_identity_decode(&id, good, n) : capsa_recipient_decode(&r, good, n)) ==
		            CAPSA_OK;
	memcpy(s, good, len);
	s[len] = identity ? 'Q' : 'q';
	accepted += (identity ? capsa_identity_decode(&id, s, len + 1) : capsa_recipient_decode(&r, s, len + 1)) ==
	            CAPSA_OK;
	check_context("%s mutations (%zu tried)", identity ? "identity" : "recipient", tried);
	CHECK(accepted == 0);
	CHECK(tried == len * 94);
	/* The whole string in the other case is well-formed bech32 but not canonical. */
	for (size_t i = 0; i < len; i++)
		s[i] = (char)(identity ? (good[i] >= 'A' && good[i] <= 'Z' ? good[i] + 32 : good[i])
		                       : (good[i] >= 'a' && good[i] <= 'z' ? good[i] - 32 : good[i]));
	CHECK(!is_canonical_case(s[0], identity));
	CHECK_STATUS(identity ? capsa_identity_decode(&id, s, len) : capsa_recipient_decode(&r, s, len),
	             CAPSA_ERR_DECODE);
	/* Failed decodes leave nothing behind. */
	static const uint8_t zero[sizeof(capsa_identity)];
	CHECK(identity ? memcmp(&id, zero, sizeof id) == 0 : memcmp(&r, zero, sizeof r) == 0);
}

/* A bech32 string with the given HRP and payload, for the typed-decode errors below. */
static const char *make(const char *hrp, const uint8_t *payload, size_t len, bool upper)
{
	static char s[512];
	if (capsa_bech32_encode(s, sizeof s, hrp, payload, len, upper) != CAPSA_OK)
		abort();
	return s;
}

static void typed_errors(void)
{
	uint8_t p[98] = {0x01};
	capsa_recipient r;
	capsa_identity id;
	const char *s;
	size_t len;
	uint8_t *k = hex_decode(kat_secp256k1_public, &len);

	check_context("typed errors");
	memcpy(p + 1 + 32, k, 33);
	s = make("capsa", p, 66, false);
	CHECK_OK(capsa_recipient_decode(&r, s, strlen(s)));
	p[0] = 0x03; /* a future recipient type */
	s = make("capsa", p, 66, false);
	CHECK_STATUS(capsa_recipient_decode(&r, s, strlen(s)), CAPSA_ERR_UNSUPPORTED);
	s = make("capsa", p, 79, false);
	CHECK_STATUS(capsa_recipient_decode(&r, s, strlen(s)), CAPSA_ERR_UNSUPPORTED);
	/* Type 2: exactly 98 bytes, and an Ed25519 key of small order (the identity point) is refused. */
	p[0] = 0x02;
	s = make("capsa", p, 66, false);
	CHECK_STATUS(capsa_recipient_decode(&r, s, strlen(s)), CAPSA_ERR_DECODE);
	memset(p + 66, 0, 32);
	p[66] = 0x01;
	s = make("capsa", p, 98, false);
	CHECK_STATUS(capsa_recipient_decode(&r, s, strlen(s)), CAPSA_ERR_KEY);
	uint8_t *e = hex_decode(kat_ed25519_public, &len);
	memcpy(p + 66, e, 32);
	free(e);
	s = make("capsa", p, 98, false);
	CHECK_OK(capsa_recipient_decode(&r, s, strlen(s)));
	CHECK(r.has_ed25519);
	p[0] = 0x01;
	s = make("capsa", p, 65, false); /* one byte short */
	CHECK_STATUS(capsa_recipient_decode(&r, s, strlen(s)), CAPSA_ERR_DECODE);
	s = make("capsa", p, 67, false); /* one byte long */
	CHECK_STATUS(capsa_recipient_decode(&r, s, strlen(s)), CAPSA_ERR_DECODE);
	s = make("capsa", p, 0, false); /* no type byte */
	CHECK_STATUS(capsa_recipient_decode(&r, s, strlen(s)), CAPSA_ERR_DECODE);
	s = make("age", p, 66, false); /* another HRP */
	CHECK_STATUS(capsa_recipient_decode(&r, s, strlen(s)), CAPSA_ERR_DECODE);
	p[33] = 0x04; /* not a compressed point prefix */
	s = make("capsa", p, 66, false);
	CHECK_STATUS(capsa_recipient_decode(&r, s, strlen(s)), CAPSA_ERR_KEY);
	p[33] = 0x02;
	memset(p + 34, 0xff, 32); /* x >= p: not a field element */
	s = make("capsa", p, 66, false);
	CHECK_STATUS(capsa_recipient_decode(&r, s, strlen(s)), CAPSA_ERR_KEY);
	/* x = 5: x^3 + 7 = 132 is not a square mod p (no point), a decodable-looking but invalid key. */
	memset(p + 34, 0, 32);
	p[65] = 5;
	s = make("capsa", p, 66, false);
	CHECK_STATUS(capsa_recipient_decode(&r, s, strlen(s)), CAPSA_ERR_KEY);
	free(k);

	memset(p, 0x42, sizeof p);
	p[0] = 0x01;
	s = make("capsa-secret-key-", p, 33, true);
	CHECK_OK(capsa_identity_decode(&id, s, strlen(s)));
	s = make("capsa-secret-key-", p, 32, true);
	CHECK_STATUS(capsa_identity_decode(&id, s, strlen(s)), CAPSA_ERR_DECODE);
	s = make("age-secret-key-", p, 33, true);
	CHECK_STATUS(capsa_identity_decode(&id, s, strlen(s)), CAPSA_ERR_DECODE);
	p[0] = 0x07;
	s = make("capsa-secret-key-", p, 33, true);
	CHECK_STATUS(capsa_identity_decode(&id, s, strlen(s)), CAPSA_ERR_UNSUPPORTED);
	CHECK_STATUS(capsa_identity_decode(&id, kat_recipient, strlen(kat_recipient)), CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_recipient_decode(&r, kat_identity, strlen(kat_identity)), CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_identity_decode(&id, "", 0), CAPSA_ERR_DECODE);
	capsa_identity_wipe(&id);
}

static void identity_files(void)
{
	char one[CAPSA_IDENTITY_FILE_BYTES], two[CAPSA_IDENTITY_FILE_BYTES], text[2048];
	capsa_identity a, b, *ids = NULL;
	size_t n = 9, bad = 9;
	uint8_t seed[32];

	check_context("identity file parse");
	kat_seed(seed);
	CHECK_OK(capsa_identity_from_seed(&a, seed));
	CHECK_OK(capsa_identity_generate(&b));
	CHECK_OK(capsa_identity_file_format(one, sizeof one, &a, 1795000000));
	char signer[CAPSA_SIGNER_STRLEN + 1];
	CHECK_OK(capsa_signer_encode(signer, sizeof signer, a.ed25519_public));
	snprintf(text, sizeof text, "# created: 2026-11-18T11:06:40Z\n# recipient: %s\n# signer: %s\n%s\n",
	         kat_recipient_v2, signer, kat_identity);
	CHECK(strcmp(one, text) == 0);
	CHECK_STATUS(capsa_identity_file_format(two, strlen(one), &a, 1795000000), CAPSA_ERR_RANGE);
	CHECK(two[0] == '\0');
	CHECK_OK(capsa_identity_file_format(two, sizeof two, &b, 0));
	CHECK(strncmp(two, "# created: 1970-01-01T00:00:00Z\n", 32) == 0);

	CHECK_OK(capsa_identity_file_parse(&ids, &n, one, strlen(one), &bad));
	CHECK(n == 1 && bad == 0 && memcmp(&ids[0], &a, sizeof a) == 0);
	capsa_identity_list_free(ids, n);
	/* Several keys, blank lines, indented comments, CRLF, trailing spaces, no final newline. */
	snprintf(text, sizeof text, "%s\r\n\n   # a comment\n\t\n%s  \r\n#\n%s", one, two, kat_identity);
	CHECK_OK(capsa_identity_file_parse(&ids, &n, text, strlen(text), &bad));
	CHECK(n == 3 && memcmp(&ids[0], &a, sizeof a) == 0 && memcmp(&ids[1], &b, sizeof b) == 0 &&
	      memcmp(&ids[2], &a, sizeof a) == 0);
	capsa_identity_list_free(ids, n);

	static const struct {
		const char *text;
		capsa_status want;
		size_t line;
	} bad_files[] = {
		{"", CAPSA_ERR_DECODE, 0},
		{"# only a comment\n\n", CAPSA_ERR_DECODE, 0},
		{"# x\nnot a key\n", CAPSA_ERR_DECODE, 2},
		{"AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX\n",
		 CAPSA_ERR_DECODE, 1},
		{"# created\n\n\nCAPSA-SECRET-KEY-1 QYQQZQSRQSZSVPCGPY9QKRQDPC83QYGJZV2P29SHRQV35XCUR50P7HEK3XH\n",
		 CAPSA_ERR_DECODE, 4},
		{" ; comment\n", CAPSA_ERR_DECODE, 1},
	};
	for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
		check_context("bad identity file #%zu", i);
		ids = (capsa_identity *)&n;
		CHECK_STATUS(capsa_identity_file_parse(&ids, &n, bad_files[i].text, strlen(bad_files[i].text), &bad),
		             bad_files[i].want);
		CHECK(ids == NULL && n == 0 && bad == bad_files[i].line);
	}
	/* A good key, then a recipient line, then a key with one character changed; the first bad line is named. */
	snprintf(text, sizeof text, "%s%s\n%s\n", one, kat_recipient, kat_identity);
	text[strlen(text) - 3] ^= 0x01;
	check_context("identity file with a recipient line");
	CHECK_STATUS(capsa_identity_file_parse(&ids, &n, text, strlen(text), &bad), CAPSA_ERR_DECODE);
	CHECK(bad == 5 && ids == NULL);
	/* A NUL byte inside a key line. */
	memcpy(text, kat_identity, CAPSA_IDENTITY_STRLEN);
	text[10] = '\0';
	CHECK_STATUS(capsa_identity_file_parse(&ids, &n, text, CAPSA_IDENTITY_STRLEN, &bad), CAPSA_ERR_DECODE);
	CHECK(bad == 1);
	/* NULL bad_line is allowed; oversize text refused. */
	CHECK_STATUS(capsa_identity_file_parse(&ids, &n, "x", 1, NULL), CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_identity_file_parse(&ids, &n, one, CAPSA_KEYS_FILE_MAX + 1, &bad), CAPSA_ERR_DECODE);
	capsa_identity_wipe(&a), capsa_identity_wipe(&b);
}

static void recipient_files(void)
{
	char text[1024], rs2[CAPSA_RECIPIENT_STRLEN + 1];
	capsa_recipient *rs = NULL, want2;
	capsa_identity b;
	size_t n = 0, bad = 0;

	check_context("recipients file parse");
	CHECK_OK(capsa_identity_generate(&b));
	capsa_identity_recipient(&want2, &b);
	CHECK_OK(capsa_recipient_encode(rs2, sizeof rs2, &want2));
	snprintf(text, sizeof text, "# team\n%s\n\n  %s\t\n# end\n", kat_recipient, rs2);
	CHECK_OK(capsa_recipient_file_parse(&rs, &n, text, strlen(text), &bad));
	CHECK(n == 2 && hex_eq(rs[0].x25519_public, kat_x25519_public) &&
	      memcmp(&rs[1], &want2, sizeof want2) == 0);
	free(rs);
	snprintf(text, sizeof text, "%s\n%s\n", kat_recipient, kat_identity);
	CHECK_STATUS(capsa_recipient_file_parse(&rs, &n, text, strlen(text), &bad), CAPSA_ERR_DECODE);
	CHECK(bad == 2 && rs == NULL && n == 0);
	CHECK_STATUS(capsa_recipient_file_parse(&rs, &n, "\n# none\n", 8, &bad), CAPSA_ERR_DECODE);
	CHECK(bad == 0);
	capsa_identity_wipe(&b);
}

static void path_in_tmp(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/%s", tmpdir, name);
}

/* Signer strings: capsasig1 + bech32 of type 0x01 || the Ed25519 key; --signer takes a string or a file. */
static void signer_strings(void)
{
	capsa_identity a;
	uint8_t seed[32], key[32];
	char str[CAPSA_SIGNER_STRLEN + 1], upper[CAPSA_SIGNER_STRLEN + 1], path[4200];
	FILE *f;

	check_context("signer strings");
	kat_seed(seed);
	CHECK_OK(capsa_identity_from_seed(&a, seed));
	CHECK_OK(capsa_signer_encode(str, sizeof str, a.ed25519_public));
	CHECK(strlen(str) == CAPSA_SIGNER_STRLEN && strncmp(str, "capsasig1", 9) == 0);
	/* doc/KEYS.md, computed with a separate bech32 encoder */
	CHECK(strcmp(str, "capsasig1q97su9m8pfqk7tgagladnujpmqt5ax38x0heygyfq699yv7e5rf7yjjpxr5") == 0);
	CHECK_STATUS(capsa_signer_encode(str, CAPSA_SIGNER_STRLEN, a.ed25519_public), CAPSA_ERR_RANGE);
	CHECK_OK(capsa_signer_encode(str, sizeof str, a.ed25519_public));
	CHECK_OK(capsa_signer_decode(key, str, strlen(str)));
	CHECK(memcmp(key, a.ed25519_public, 32) == 0);
	for (size_t i = 0; i <= CAPSA_SIGNER_STRLEN; i++)
		upper[i] = (char)(str[i] >= 'a' && str[i] <= 'z' ? str[i] - 32 : str[i]);
	CHECK_STATUS(capsa_signer_decode(key, upper, strlen(upper)), CAPSA_ERR_DECODE);
	str[20] = str[20] == 'q' ? 'p' : 'q';
	CHECK_STATUS(capsa_signer_decode(key, str, strlen(str)), CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_signer_decode(key, kat_recipient, strlen(kat_recipient)), CAPSA_ERR_DECODE);
	CHECK_OK(capsa_signer_encode(str, sizeof str, a.ed25519_public));
	CHECK_OK(capsa_signer_read(key, str));
	CHECK(memcmp(key, a.ed25519_public, 32) == 0);
	snprintf(path, sizeof path, "%s/signer.txt", tmpdir);
	CHECK((f = fopen(path, "w")) != NULL);
	if (f != NULL) {
		fprintf(f, "# the producer\n\n  %s\n", str);
		fclose(f);
	}
	memset(key, 0, sizeof key);
	CHECK_OK(capsa_signer_read(key, path));
	CHECK(memcmp(key, a.ed25519_public, 32) == 0);
	CHECK_STATUS(capsa_signer_read(key, "/nonexistent/signer"), CAPSA_ERR_IO);
	unlink(path);
	capsa_identity_wipe(&a);
	check_context("%s", "");
}

static void file_io(void)
{
	char path[128], link_path[128], target[128], text[512];
	capsa_identity a, *ids = NULL;
	capsa_recipient *rs = NULL;
	size_t n = 0, bad = 0;
	struct stat st;
	FILE *f;

	check_context("file I/O");
	CHECK_OK(capsa_identity_generate(&a));
	path_in_tmp(path, sizeof path, "key.txt");
	CHECK_OK(capsa_identity_file_write(path, &a));
	CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600);
	CHECK_OK(capsa_identity_file_read(&ids, &n, path, &bad));
	CHECK(n == 1 && memcmp(&ids[0], &a, sizeof a) == 0);
	capsa_identity_list_free(ids, n);

	/* Never overwritten: the second write fails and the file keeps the first key. */
	capsa_identity b;
	CHECK_OK(capsa_identity_generate(&b));
	CHECK_STATUS(capsa_identity_file_write(path, &b), CAPSA_ERR_EXISTS);
	CHECK_OK(capsa_identity_file_read(&ids, &n, path, &bad));
	CHECK(n == 1 && memcmp(&ids[0], &a, sizeof a) == 0);
	capsa_identity_list_free(ids, n);

	/* Not through a symbolic link, dangling or not: nothing appears at the target. */
	path_in_tmp(link_path, sizeof link_path, "link.txt");
	path_in_tmp(target, sizeof target, "target.txt");
	CHECK(symlink(target, link_path) == 0);
	CHECK_STATUS(capsa_identity_file_write(link_path, &b), CAPSA_ERR_EXISTS);
	CHECK(stat(target, &st) != 0 && errno == ENOENT);

	/* A directory that does not exist: an I/O error, with errno. */
	path_in_tmp(path, sizeof path, "missing/key.txt");
	CHECK_STATUS(capsa_identity_file_write(path, &b), CAPSA_ERR_IO);
	CHECK(errno == ENOENT);
	CHECK_STATUS(capsa_identity_file_read(&ids, &n, path, &bad), CAPSA_ERR_IO);
	CHECK(ids == NULL && n == 0);

	/* A recipients file on disk, and one over the size limit. */
	path_in_tmp(path, sizeof path, "recipients.txt");
	f = fopen(path, "w");
	snprintf(text, sizeof text, "# one\n%s\n", kat_recipient);
	CHECK(f != NULL && fputs(text, f) >= 0 && fclose(f) == 0);
	CHECK_OK(capsa_recipient_file_read(&rs, &n, path, &bad));
	CHECK(n == 1 && hex_eq(rs[0].secp256k1_public, kat_secp256k1_public));
	free(rs);
	f = fopen(path, "w");
	CHECK(f != NULL);
	for (size_t i = 0; f != NULL && i <= CAPSA_KEYS_FILE_MAX / 64; i++)
		fputs("# padding padding padding padding padding padding padding paddin\n", f);
	CHECK(f != NULL && fclose(f) == 0);
	CHECK_STATUS(capsa_recipient_file_read(&rs, &n, path, &bad), CAPSA_ERR_DECODE);
	capsa_identity_wipe(&a), capsa_identity_wipe(&b);
}

/* Removes what file_io made, so repeated runs start clean. */
static void cleanup_tmp(void)
{
	static const char *const names[] = {"key.txt", "link.txt", "recipients.txt"};
	char path[128];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		path_in_tmp(path, sizeof path, names[i]);
		(void)unlink(path);
	}
	(void)rmdir(tmpdir);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/capsa-test-keys-XXXXXX");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	derivation();
	generation();
	strings_known_answer();
	mutations(kat_recipient, false);
	mutations(kat_identity, true);
	typed_errors();
	identity_files();
	recipient_files();
	signer_strings();
	file_io();
	cleanup_tmp();
	return check_summary();
}
