/*
 * The owner's grant record: what re-publishing a grant needs, signed by the
 * owner, in a 0600 file. Each kfrag is kept HPKE-wrapped to the owner's own
 * key (the same wrap a proxy gets, so nothing new is invented), and beside it
 * the exact wrap sent to the proxy that holds it, so that sending the grant
 * to that proxy again is byte-identical (idempotent) and a replacement proxy
 * gets a fresh wrap of the same kfrag.
 *
 *   capsa-grant-record/v1
 *   grant <hex>  content <hex>  recipient <capsa1…>  threshold <M>  shares <N>
 *   not-after <t>  max-uses <k>  time <t>                      (one a line)
 *   kfrag <i> <base64 wrap to the owner>                        (i = 1..N)
 *   sent <i> <party id> <base64 wrap to that proxy>             (any number)
 *   signature <base64 Ed25519 of the owner over all lines above>
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <capsa/file.h>
#include <capsa/util.h>

#include "cli.h"
#include "cli_net.h"

#define RECORD_HEADER "capsa-grant-record/v1\n"
#define WRAP_B64 (4 * ((CAPSA_PROXY_KFRAG_WRAP_BYTES + 2) / 3))
#define SIG_B64 (4 * ((CAPSA_PROXY_SIG_BYTES + 2) / 3))

static void b64(char *out, const uint8_t *in, size_t len)
{
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

static bool unb64(uint8_t *out, size_t want, const char *in, size_t in_len)
{
	unsigned char buf[CAPSA_PROXY_KFRAG_WRAP_BYTES + 3];
	char again[WRAP_B64 + 1];

	if (in_len != 4 * ((want + 2) / 3) || in_len > WRAP_B64 ||
	    EVP_DecodeBlock(buf, (const unsigned char *)in, (int)in_len) < (int)want)
		return false;
	EVP_EncodeBlock((unsigned char *)again, buf, (int)want);
	if (memcmp(again, in, in_len) != 0)
		return false;
	memcpy(out, buf, want);
	return true;
}

/* The text of |r| without its signature line (malloc'd). */
static char *record_body(const cli_grant_record *r)
{
	char rec[CAPSA_RECIPIENT_STRLEN + 1], g[33], c[33], wrap[WRAP_B64 + 1];
	size_t cap = 1024 + (size_t)r->g.shares * (WRAP_B64 + 16) + r->num_sent * (WRAP_B64 + 90), n;
	char *s = malloc(cap);

	if (s == NULL || capsa_recipient_encode(rec, sizeof rec, &r->g.recipient) != CAPSA_OK) {
		free(s);
		return NULL;
	}
	capsa_hex_encode(g, r->g.grant_id, sizeof r->g.grant_id);
	capsa_hex_encode(c, r->g.content_id, sizeof r->g.content_id);
	n = (size_t)snprintf(s, cap,
	                     RECORD_HEADER "grant %s\ncontent %s\nrecipient %s\nthreshold %u\nshares %u\nnot-after %llu\n"
	                                   "max-uses %llu\ntime %llu\n",
	                     g, c, rec, r->g.threshold, r->g.shares, (unsigned long long)r->g.not_after,
	                     (unsigned long long)r->g.max_uses, (unsigned long long)r->g.time);
	for (unsigned i = 0; i < r->g.shares; i++) {
		b64(wrap, r->own[i], CAPSA_PROXY_KFRAG_WRAP_BYTES);
		n += (size_t)snprintf(s + n, cap - n, "kfrag %u %s\n", i + 1, wrap);
	}
	for (size_t i = 0; i < r->num_sent; i++) {
		b64(wrap, r->sent[i].wrap, CAPSA_PROXY_KFRAG_WRAP_BYTES);
		n += (size_t)snprintf(s + n, cap - n, "sent %u %s %s\n", r->sent[i].index, r->sent[i].party, wrap);
	}
	return s;
}

int cli_grant_record_write(const cli_grant_record *r, const capsa_identity *owner, const char *path)
{
	uint8_t sig[CAPSA_PROXY_SIG_BYTES];
	char sig64[SIG_B64 + 1], *body = record_body(r), *text;
	capsa_output o = CAPSA_OUTPUT_INIT;
	capsa_status st = body == NULL ? CAPSA_ERR_NOMEM : capsa_proxy_sign(sig, body, strlen(body), owner);

	if (st != CAPSA_OK) {
		free(body);
		return cli_fail("grant", path, st);
	}
	b64(sig64, sig, sizeof sig);
	if ((text = malloc(strlen(body) + sizeof sig64 + 16)) == NULL) {
		free(body);
		return cli_fail("grant", path, CAPSA_ERR_NOMEM);
	}
	sprintf(text, "%ssignature %s\n", body, sig64);
	/* Replaced atomically when it exists (a re-publish adds sent lines); 0600 through the umask. */
	mode_t mask = umask(077);
	if ((st = capsa_output_open(&o, path, 0, NULL, 0)) == CAPSA_OK) {
		if ((st = capsa_write_all(o.fd, text, strlen(text))) == CAPSA_OK)
			st = capsa_output_commit(&o);
		else
			capsa_output_abort(&o);
	}
	umask(mask);
	free(body);
	free(text);
	return st == CAPSA_OK ? 0 : cli_fail("grant", path, st);
}

/* Reads `key value` where value is the rest of the line; advances |*p|. */
static bool field(char **p, const char *key, char **value)
{
	size_t k = strlen(key);
	char *nl = strchr(*p, '\n');

	if (nl == NULL || strncmp(*p, key, k) != 0 || (*p)[k] != ' ')
		return false;
	*nl = '\0';
	*value = *p + k + 1;
	*p = nl + 1;
	return true;
}

static bool number(char **p, const char *key, uint64_t *out)
{
	char *v, *end;
	return field(p, key, &v) && *v >= '0' && *v <= '9' && (*out = strtoull(v, &end, 10), *end == '\0');
}

static bool hex(char **p, const char *key, uint8_t *out, size_t n)
{
	char *v;
	size_t got = 0;
	return field(p, key, &v) && strlen(v) == 2 * n && capsa_hex_decode(out, n, &got, v) && got == n;
}

static bool parse_fields(cli_grant_record *r, char **p)
{
	uint64_t m, n;
	char *v;

	if (strncmp(*p, RECORD_HEADER, sizeof RECORD_HEADER - 1) != 0)
		return false;
	*p += sizeof RECORD_HEADER - 1;
	if (!hex(p, "grant", r->g.grant_id, CAPSA_GRANT_ID_BYTES) || !hex(p, "content", r->g.content_id, CAPSA_CONTENT_ID_BYTES) ||
	    !field(p, "recipient", &v) || capsa_recipient_decode(&r->g.recipient, v, strlen(v)) != CAPSA_OK ||
	    !number(p, "threshold", &m) || !number(p, "shares", &n) || m < 1 || m > n || n > CAPSA_PROXY_PEERS_MAX ||
	    !number(p, "not-after", &r->g.not_after) || !number(p, "max-uses", &r->g.max_uses) ||
	    !number(p, "time", &r->g.time))
		return false;
	r->g.threshold = (uint8_t)m;
	r->g.shares = (uint8_t)n;
	for (unsigned i = 0; i < r->g.shares; i++) {
		char want[16];
		snprintf(want, sizeof want, "%u ", i + 1);
		if (!field(p, "kfrag", &v) || strncmp(v, want, strlen(want)) != 0 ||
		    !unb64(r->own[i], CAPSA_PROXY_KFRAG_WRAP_BYTES, v + strlen(want), strlen(v + strlen(want))))
			return false;
	}
	while (strncmp(*p, "sent ", 5) == 0 && r->num_sent < CAPSA_PROXY_PEERS_MAX) {
		cli_grant_sent *s = &r->sent[r->num_sent];
		unsigned idx;
		char party[65];
		if (!field(p, "sent", &v) || sscanf(v, "%u %64s", &idx, party) != 2 || idx < 1 || idx > r->g.shares ||
		    strlen(v) < 2 + 65 || !unb64(s->wrap, CAPSA_PROXY_KFRAG_WRAP_BYTES, strrchr(v, ' ') + 1,
		                                  strlen(strrchr(v, ' ') + 1)))
			return false;
		s->index = (uint8_t)idx;
		memcpy(s->party, party, sizeof s->party);
		r->num_sent++;
	}
	return true;
}

int cli_grant_record_read(cli_grant_record *r, const capsa_identity *owner, const char *path)
{
	uint8_t *text = NULL, sig[CAPSA_PROXY_SIG_BYTES];
	size_t len = 0;
	capsa_recipient me;
	char *p, *sig_line;
	bool ok;

	memset(r, 0, sizeof *r);
	if (capsa_file_read(&text, &len, path, 1 << 20) != CAPSA_OK) {
		fprintf(stderr, "capsa grant: %s: cannot read the grant record\n", path);
		return CLI_EXIT_IO;
	}
	text[len] = '\0';
	/* The signature line is the last line, and nothing is read before the signature verifies. */
	sig_line = strstr((char *)text, "\nsignature ");
	ok = sig_line != NULL && strlen((char *)text) == len &&
	     strcspn(sig_line + 11, "\n") == SIG_B64 && strcmp(sig_line + 11 + SIG_B64, "\n") == 0 &&
	     unb64(sig, sizeof sig, sig_line + 11, SIG_B64);
	capsa_identity_recipient(&me, owner);
	if (ok) {
		sig_line[1] = '\0'; /* the signed part ends with the LF before the signature line */
		ok = capsa_proxy_verify(sig, (char *)text, (size_t)(sig_line + 1 - (char *)text), &me) == CAPSA_OK;
	}
	p = (char *)text;
	ok = ok && parse_fields(r, &p) && *p == '\0';
	free(text);
	if (!ok) {
		fprintf(stderr, "capsa grant: %s: not a grant record signed by this --owner\n", path);
		return CLI_EXIT_SIGNED;
	}
	return 0;
}
