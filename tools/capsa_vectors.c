/*
 * capsa_vectors DIR - writes the container test vectors (tests/vectors/capsa/).
 *
 * Each vector is a capsa file NAME.capsa plus an entry in vectors.json that
 * says which identity file to open it with, what must happen (`expect`, one
 * of the classes in doc/FORMAT.md "Test vectors"), and for a success the
 * plaintext's length and SHA-256. Plaintexts follow plaintext[i] =
 * (7i + 3) mod 251 unless the entry has `plaintext_hex`. The CEK and content
 * id are random, so every run writes different (equally valid) files: the
 * committed set is one run's output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include <capsa/container.h>
#include <capsa/keys.h>

#include "crypto/crypto.h"

typedef struct buf {
	uint8_t *data;
	size_t len;
} buf;

static capsa_status buf_sink(void *arg, const uint8_t *data, size_t len)
{
	buf *b = arg;
	uint8_t *p = realloc(b->data, b->len + len + 1);
	if (p == NULL)
		return CAPSA_ERR_NOMEM;
	memcpy(p + b->len, data, len);
	b->data = p;
	b->len += len;
	return CAPSA_OK;
}

static const char *dir;
static json_t *list;
static capsa_identity me, other;

static void die(const char *what)
{
	fprintf(stderr, "capsa_vectors: %s\n", what);
	exit(1);
}

static uint8_t *pattern(size_t len)
{
	uint8_t *p = malloc(len + 1);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)((7 * i + 3) % 251);
	return p;
}

static void hex(char *out, const uint8_t *in, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

static buf seal(const uint8_t *pt, size_t len, capsa_suite suite, bool known, const capsa_recipient *r, size_t nr,
                const capsa_identity *signer)
{
	capsa_seal_opts o = {.suite = suite, .threads = 1, .recipients = r, .num_recipients = nr,
	                     .plaintext_len = known ? len : CAPSA_LENGTH_UNKNOWN, .signer = signer};
	capsa_seal *s = NULL;
	buf out = {0};

	if (capsa_seal_new(&s, &o, buf_sink, &out) != CAPSA_OK || capsa_seal_write(s, pt, len) != CAPSA_OK ||
	    capsa_seal_finish(s) != CAPSA_OK)
		die("seal failed");
	capsa_seal_free(s);
	return out;
}

static void emit(const char *name, const buf *file, const char *identity, const char *expect, const uint8_t *pt,
                 size_t pt_len, long bad_chunk, const char *comment)
{
	char path[4096], digest_hex[65];
	uint8_t digest[32];
	json_t *e = json_object();
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.capsa", dir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(file->data, 1, file->len, f) != file->len || fclose(f) != 0)
		die(path);
	json_object_set_new(e, "name", json_string(name));
	json_object_set_new(e, "file", json_sprintf("%s.capsa", name));
	json_object_set_new(e, "identity", json_string(identity));
	json_object_set_new(e, "expect", json_string(expect));
	json_object_set_new(e, "comment", json_string(comment));
	if (pt != NULL) {
		if (capsa_sha256(digest, pt, pt_len) != CAPSA_OK)
			die("sha256");
		hex(digest_hex, digest, 32);
		json_object_set_new(e, "plaintext_len", json_integer((json_int_t)pt_len));
		json_object_set_new(e, "plaintext_sha256", json_string(digest_hex));
	}
	if (bad_chunk >= 0)
		json_object_set_new(e, "bad_chunk", json_integer(bad_chunk));
	json_array_append_new(list, e);
}

static void write_identity(const char *name, const capsa_identity *id)
{
	char path[4096], text[CAPSA_IDENTITY_FILE_BYTES];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	/* a fixed creation time keeps the file stable across runs */
	if (capsa_identity_file_format(text, sizeof text, id, 1798761600) != CAPSA_OK ||
	    (f = fopen(path, "w")) == NULL || fputs(text, f) == EOF || fclose(f) != 0)
		die(path);
}

static void identities(capsa_recipient *me_r, capsa_recipient *other_r)
{
	uint8_t seed[32];

	memset(seed, 0x01, sizeof seed);
	if (capsa_identity_from_seed(&me, seed) != CAPSA_OK)
		die("identity");
	memset(seed, 0x02, sizeof seed);
	if (capsa_identity_from_seed(&other, seed) != CAPSA_OK)
		die("identity");
	capsa_identity_recipient(me_r, &me);
	capsa_identity_recipient(other_r, &other);
	write_identity("identity.txt", &me);
	write_identity("identity-other.txt", &other);
}

int main(int argc, char **argv)
{
	static const char hello[] = "hello, capsa\n";
	capsa_recipient r[2];
	uint8_t *pt = pattern(2 * 16384 + 5);
	buf b;
	size_t mac;
	char path[4096];

	if (argc != 2)
		die("usage: capsa_vectors DIR");
	dir = argv[1];
	list = json_array();
	identities(&r[0], &r[1]);

	b = seal(pt, 0, CAPSA_SUITE_AES_256_GCM, true, r, 1, NULL);
	emit("empty", &b, "identity.txt", "success", pt, 0, -1, "empty plaintext: only an empty final chunk");
	free(b.data);

	b = seal((const uint8_t *)hello, 13, CAPSA_SUITE_AES_256_GCM, true, r, 2, NULL);
	mac = b.len - capsa_payload_len(13) - 32; /* the MAC closes the header */
	emit("hello", &b, "identity.txt", "success", (const uint8_t *)hello, 13, -1,
	     "two x25519 stanzas; the identity opens the first");
	emit("hello-other", &b, "identity-other.txt", "success", (const uint8_t *)hello, 13, -1,
	     "the same file; this identity opens the second stanza");
	b.data[mac + 5] ^= 0x01;
	emit("header-mac", &b, "identity.txt", "header failure", NULL, 0, -1, "one bit of the header MAC flipped");
	b.data[mac + 5] ^= 0x01;
	b.data[7] = 2;
	emit("version", &b, "identity.txt", "version", NULL, 0, -1, "format version 2");
	b.data[7] = 1;
	buf_sink(&b, (const uint8_t *)"!", 1);
	emit("trailing", &b, "identity.txt", "trailing", NULL, 0, -1, "one byte after the final chunk");
	free(b.data);

	b = seal(pt, 2 * 16384 + 5, CAPSA_SUITE_CHACHA20_POLY1305, true, r, 1, NULL);
	emit("chunks", &b, "identity.txt", "success", pt, 2 * 16384 + 5, -1,
	     "chacha20-poly1305, two full chunks and a 5-byte final chunk");
	b.data[b.len - capsa_payload_len(2 * 16384 + 5) + 56 + 16400 + 100] ^= 0x80;
	emit("chunk-flip", &b, "identity.txt", "payload failure", NULL, 0, 1, "one bit of chunk 1 flipped");
	b.data[b.len - capsa_payload_len(2 * 16384 + 5) + 56 + 16400 + 100] ^= 0x80;
	b.len -= 5 + 16;
	emit("truncated", &b, "identity.txt", "truncated", NULL, 0, -1, "the final chunk removed");
	free(b.data);

	b = seal(pt, 100, CAPSA_SUITE_AES_256_GCM, false, r, 1, NULL);
	emit("stream", &b, "identity.txt", "success", pt, 100, -1, "sealed from a stream: plaintext length not recorded");
	free(b.data);

	b = seal(pt, 10, CAPSA_SUITE_AES_256_GCM, true, r, 1, &me);
	emit("signed", &b, "identity.txt", "success", pt, 10, -1, "an Ed25519 producer signature after the MAC");
	free(b.data);

	b = seal((const uint8_t *)hello, 13, CAPSA_SUITE_AES_256_GCM, true, r + 1, 1, NULL);
	emit("no-match", &b, "identity.txt", "no match", NULL, 0, -1, "sealed to another recipient only");
	free(b.data);

	b = (buf){0};
	buf_sink(&b, (const uint8_t *)"age-encryption.org/v1\n", 22);
	emit("not-capsa", &b, "identity.txt", "not capsa", NULL, 0, -1, "an age header");
	free(b.data);

	snprintf(path, sizeof path, "%s/vectors.json", dir);
	if (json_dump_file(list, path, JSON_INDENT(2) | JSON_SORT_KEYS) != 0)
		die(path);
	json_decref(list);
	capsa_identity_wipe(&me);
	capsa_identity_wipe(&other);
	free(pt);
	return 0;
}
