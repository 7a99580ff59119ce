/*
 * The proxy protocol library (capsa/proxy.h): statements written and read
 * back byte for byte, the strict parsers on every kind of non-canonical text,
 * statement signatures, the HPKE-wrapped kfrag, the checks a proxy makes
 * before it holds a grant (with a real grant of a real sealed file), the
 * capsule re-encryption a proxy performs and the file opening with its
 * cfrags, log events, receipts over a small log built here, problem types
 * and user times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capsa/container.h>
#include <capsa/grant.h>
#include <capsa/keys.h>
#include <capsa/proxy.h>
#include <capsa/tlog.h>

#include "check.h"
#include "crypto/crypto.h"


enum { OWNER, ALICE, BOB, PROXY1, PROXY2, NUM_IDS };
static capsa_identity ids[NUM_IDS];
static capsa_recipient recs[NUM_IDS];
static uint8_t plaintext[5000];

static void make_keys(void)
{
	for (int i = 0; i < NUM_IDS; i++) {
		uint8_t seed[32];
		memset(seed, 0x41 + i, sizeof seed);
		CHECK_OK(capsa_identity_from_seed(&ids[i], seed));
		capsa_identity_recipient(&recs[i], &ids[i]);
		CHECK(recs[i].has_ed25519);
	}
	for (size_t i = 0; i < sizeof plaintext; i++)
		plaintext[i] = (uint8_t)(i * 17 + 3);
}

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* ---- Statement text helpers ---------------------------------------------- */

/* A fresh copy of |s| with the first |from| replaced by |to| (the test needs |from| to be there). */
static char *replace(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	size_t n = strlen(s), f = strlen(from), t = strlen(to);
	char *out;

	CHECK(at != NULL);
	if (at == NULL)
		return strdup(s);
	out = malloc(n - f + t + 1);
	memcpy(out, s, (size_t)(at - s));
	memcpy(out + (at - s), to, t);
	memcpy(out + (at - s) + t, at + f, n - (size_t)(at - s) - f + 1);
	return out;
}

/* Splits |s| into its lines (each with its LF); returns the count. */
static size_t split_lines(const char *s, const char *lines[64], size_t lens[64])
{
	size_t n = 0;
	while (*s && n < 64) {
		const char *nl = strchr(s, '\n');
		lines[n] = s;
		lens[n] = (size_t)(nl - s) + 1;
		s = nl + 1;
		n++;
	}
	return n;
}

typedef capsa_status (*parse_fn)(const char *text, size_t len);

static capsa_status parse_grant(const char *t, size_t n)
{
	capsa_proxy_grant g;
	capsa_status st = capsa_proxy_grant_parse(&g, t, n);
	if (st != CAPSA_OK)
		CHECK(all_zero(&g, sizeof g)); /* on failure the output is zeroed */
	return st;
}

static capsa_status parse_reencrypt(const char *t, size_t n)
{
	static capsa_proxy_reencrypt r;
	capsa_status st = capsa_proxy_reencrypt_parse(&r, t, n);
	if (st != CAPSA_OK)
		CHECK(all_zero(&r, sizeof r));
	return st;
}

static capsa_status parse_revoke(const char *t, size_t n)
{
	capsa_proxy_revoke r;
	capsa_status st = capsa_proxy_revoke_parse(&r, t, n);
	if (st != CAPSA_OK)
		CHECK(all_zero(&r, sizeof r));
	return st;
}

static capsa_status parse_event(const char *t, size_t n)
{
	capsa_proxy_event e;
	capsa_status st = capsa_proxy_event_parse(&e, (const uint8_t *)t, n);
	if (st != CAPSA_OK)
		CHECK(all_zero(&e, sizeof e));
	return st;
}

/*
 * Every line removed, every pair of neighbours swapped, every line doubled,
 * a line appended, the final LF dropped: all DECODE (removing or doubling the
 * first line makes it another header: DECODE too, as it is no capsa-proxy/ line
 * or the wrong one; it is checked only to be refused).
 */
static void check_line_edits(const char *text, parse_fn parse, bool items_repeat)
{
	const char *lines[64];
	size_t lens[64], n = split_lines(text, lines, lens), len = strlen(text);
	char *t = malloc(2 * len + 64);

	CHECK_OK(parse(text, len));
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		check_context("without line %zu", i + 1);
		for (size_t j = 0; j < n; j++)
			if (j != i) {
				memcpy(t + k, lines[j], lens[j]);
				k += lens[j];
			}
		if (!(items_repeat && strncmp(lines[i], "item ", 5) == 0)) { /* one item less is still a request */
			CHECK(parse(t, k) != CAPSA_OK);
			if (i > 0)
				CHECK_STATUS(parse(t, k), CAPSA_ERR_DECODE);
		}

		check_context("line %zu twice", i + 1);
		k = 0;
		for (size_t j = 0; j < n; j++) {
			memcpy(t + k, lines[j], lens[j]);
			k += lens[j];
			if (j == i) {
				memcpy(t + k, lines[j], lens[j]);
				k += lens[j];
			}
		}
		if (!(items_repeat && strncmp(lines[i], "item ", 5) == 0)) /* a doubled item is another item */
			CHECK_STATUS(parse(t, k), CAPSA_ERR_DECODE);

		if (i + 1 < n && !(items_repeat && i + 2 == n && strncmp(lines[i], "item ", 5) == 0)) {
			check_context("lines %zu and %zu swapped", i + 1, i + 2);
			k = 0;
			for (size_t j = 0; j < n; j++) {
				size_t src = j == i ? i + 1 : j == i + 1 ? i : j;
				memcpy(t + k, lines[src], lens[src]);
				k += lens[src];
			}
			CHECK(parse(t, k) != CAPSA_OK);
			if (i > 0)
				CHECK_STATUS(parse(t, k), CAPSA_ERR_DECODE);
		}
	}
	check_context("an extra line");
	memcpy(t, text, len);
	memcpy(t + len, "note hello\n", 11);
	CHECK_STATUS(parse(t, len + 11), CAPSA_ERR_DECODE);
	check_context("no final LF");
	CHECK_STATUS(parse(text, len - 1), CAPSA_ERR_DECODE);
	check_context("a blank line at the end");
	memcpy(t + len, "\n", 1);
	CHECK_STATUS(parse(t, len + 1), CAPSA_ERR_DECODE);
	check_context("empty");
	CHECK_STATUS(parse("", 0), CAPSA_ERR_DECODE);
	check_context("every line CRLF");
	{
		size_t k = 0;
		for (size_t i = 0; i < len; i++) {
			if (text[i] == '\n')
				t[k++] = '\r';
			t[k++] = text[i];
		}
		CHECK_STATUS(parse(t, k), CAPSA_ERR_DECODE);
	}
	check_context("%s", "");
	free(t);
}

/* |text| with |from| replaced by |to| parses to |want|. */
static void check_edit(parse_fn parse, const char *text, const char *from, const char *to, capsa_status want)
{
	char *t = replace(text, from, to);
	check_context("'%s' -> '%s'", from, to);
	CHECK_STATUS(parse(t, strlen(t)), want);
	check_context("%s", "");
	free(t);
}

/* ---- Statements ------------------------------------------------------------ */

static void fill_grant(capsa_proxy_grant *g)
{
	memset(g, 0, sizeof *g);
	capsa_party_id(g->proxy, recs[PROXY1].ed25519_public);
	for (int i = 0; i < CAPSA_GRANT_ID_BYTES; i++)
		g->grant_id[i] = (uint8_t)(0xa0 + i);
	for (int i = 0; i < CAPSA_CONTENT_ID_BYTES; i++)
		g->content_id[i] = (uint8_t)(0x0f + i);
	g->owner = recs[OWNER];
	g->recipient = recs[ALICE];
	g->threshold = 2;
	g->shares = 3;
	g->index = 1;
	g->not_after = 1800000000;
	g->max_uses = 10;
	memset(g->kfrag_hash, 0xab, sizeof g->kfrag_hash);
	g->time = 1790000000;
}

static void test_party(void)
{
	char id[CAPSA_PARTY_ID_HEXLEN + 1], origin[29];
	uint8_t msg[sizeof CAPSA_PARTY_ID_LABEL - 1 + 32], h[32];
	char hex[65];

	capsa_party_id(id, recs[OWNER].ed25519_public);
	memcpy(msg, CAPSA_PARTY_ID_LABEL, sizeof CAPSA_PARTY_ID_LABEL - 1);
	memcpy(msg + sizeof CAPSA_PARTY_ID_LABEL - 1, recs[OWNER].ed25519_public, 32);
	CHECK_OK(capsa_sha256(h, msg, sizeof msg));
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	CHECK(strlen(id) == 64 && strcmp(id, hex) == 0);
	capsa_proxy_log_origin(origin, recs[OWNER].ed25519_public);
	CHECK(strlen(origin) == 28 && memcmp(origin, "capsa.proxy/", 12) == 0 && memcmp(origin + 12, id, 16) == 0);
	capsa_party_id(hex, recs[ALICE].ed25519_public);
	CHECK(strcmp(id, hex) != 0);
}

static void test_grant_statement(void)
{
	capsa_proxy_grant g, back;
	char *text = NULL, *again = NULL;
	size_t len = 0, len2 = 0;
	char rec1[CAPSA_RECIPIENT_STRLEN + 1], owner_s[CAPSA_RECIPIENT_STRLEN + 1];
	capsa_recipient v1;

	fill_grant(&g);
	CHECK_OK(capsa_proxy_grant_format(&text, &len, &g));
	CHECK(text != NULL && strlen(text) == len);
	CHECK(strncmp(text, "capsa-proxy/grant/v1\nproxy ", 27) == 0);
	CHECK(strstr(text, "\ngrant a0a1a2a3a4a5a6a7a8a9aaabacadaeaf\n") != NULL);
	CHECK(strstr(text, "\nthreshold 2\nshares 3\nindex 1\nnot-after 1800000000\nmax-uses 10\n") != NULL);
	CHECK(len > 11 && strcmp(text + len - 16, "time 1790000000\n") == 0);
	CHECK_OK(capsa_proxy_grant_parse(&back, text, len));
	CHECK(strcmp(back.proxy, g.proxy) == 0 && memcmp(back.grant_id, g.grant_id, sizeof g.grant_id) == 0 &&
	      memcmp(back.content_id, g.content_id, sizeof g.content_id) == 0 && back.threshold == 2 &&
	      back.shares == 3 && back.index == 1 && back.not_after == g.not_after && back.max_uses == 10 &&
	      memcmp(back.kfrag_hash, g.kfrag_hash, 32) == 0 && back.time == g.time);
	CHECK(back.owner.has_ed25519 && memcmp(back.owner.ed25519_public, recs[OWNER].ed25519_public, 32) == 0);
	CHECK(memcmp(back.recipient.secp256k1_public, recs[ALICE].secp256k1_public,
	             sizeof back.recipient.secp256k1_public) == 0);
	CHECK_OK(capsa_proxy_grant_format(&again, &len2, &back));
	CHECK(len2 == len && memcmp(again, text, len) == 0);
	free(again);

	/* zeros and the largest numbers */
	g.not_after = 0;
	g.max_uses = 0;
	g.time = UINT64_MAX;
	g.threshold = g.shares = g.index = 255;
	CHECK_OK(capsa_proxy_grant_format(&again, &len2, &g));
	CHECK(strstr(again, "\nnot-after 0\nmax-uses 0\n") != NULL && strstr(again, "time 18446744073709551615\n"));
	CHECK_OK(capsa_proxy_grant_parse(&back, again, len2));
	CHECK(back.time == UINT64_MAX && back.not_after == 0 && back.index == 255);
	free(again);

	/* out-of-range fields are not formatted */
	fill_grant(&g);
	g.threshold = 4;
	CHECK_STATUS(capsa_proxy_grant_format(&again, &len2, &g), CAPSA_ERR_ARG);
	CHECK(again == NULL);
	fill_grant(&g);
	g.index = 0;
	CHECK_STATUS(capsa_proxy_grant_format(&again, &len2, &g), CAPSA_ERR_ARG);
	fill_grant(&g);
	g.threshold = 0;
	CHECK_STATUS(capsa_proxy_grant_format(&again, &len2, &g), CAPSA_ERR_ARG);
	fill_grant(&g);
	g.proxy[3] = 'A';
	CHECK_STATUS(capsa_proxy_grant_format(&again, &len2, &g), CAPSA_ERR_ARG);
	fill_grant(&g);
	g.recipient.has_ed25519 = false;
	CHECK_STATUS(capsa_proxy_grant_format(&again, &len2, &g), CAPSA_ERR_ARG);

	/* strict parsing */
	check_line_edits(text, parse_grant, false);
	check_edit(parse_grant, text, "grant a0a1", "grant A0A1", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "grant a0a1", "grant a0a", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "grant a0a1", "grant a0a1a", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "kfrag abab", "kfrag ABab", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "kfrag abab", "kfrag xyab", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "threshold 2", "threshold 02", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "index 1", "index 01", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "time 1790000000", "time 01790000000", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "time 1790000000", "time +1790000000", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "time 1790000000", "time 18446744073709551616", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "max-uses 10", "max-uses 1 0", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "max-uses 10", "max-uses  10", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "max-uses 10", "max-uses 10 ", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "max-uses 10", "max-uses\t10", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "max-uses 10", " max-uses 10", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "max-uses 10", "max-uses", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "max-uses 10", "max-uses ", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "max-uses 10", "Max-uses 10", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "max-uses 10\n", "max-uses 10\r\n", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "threshold 2", "threshold 4", CAPSA_ERR_DECODE); /* > shares */
	check_edit(parse_grant, text, "threshold 2", "threshold 0", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "index 1", "index 0", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "index 1", "index 4", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "shares 3", "shares 259", CAPSA_ERR_DECODE); /* 259 = 3 mod 256 */
	check_edit(parse_grant, text, "max-uses 10", "max-uses 1\xc3\xa9", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "max-uses 10", "max-uses 1\x7f", CAPSA_ERR_DECODE);
	{
		char *t = strdup(text);
		*strstr(t, "max-uses 10") = '\0'; /* a NUL byte inside the text */
		CHECK_STATUS(parse_grant(t, len), CAPSA_ERR_DECODE);
		free(t);
	}
	/* the header: another statement or version is UNSUPPORTED, anything else DECODE */
	check_edit(parse_grant, text, "capsa-proxy/grant/v1", "capsa-proxy/grant/v2", CAPSA_ERR_UNSUPPORTED);
	check_edit(parse_grant, text, "capsa-proxy/grant/v1", "capsa-proxy/revoke/v1", CAPSA_ERR_UNSUPPORTED);
	check_edit(parse_grant, text, "capsa-proxy/grant/v1", "capsa-proxy-grant/v1", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "capsa-proxy/grant/v1", "capsa-proxy/", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "capsa-proxy/grant/v1", "CAPSA-PROXY/GRANT/V1", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "capsa-proxy/grant/v1", "capsa-proxy/grant/v1 ", CAPSA_ERR_UNSUPPORTED);
	/* the proxy line: a party id is 64 lowercase hex */
	check_edit(parse_grant, text, "proxy ", "proxy 0", CAPSA_ERR_DECODE);
	check_edit(parse_grant, text, "proxy ", "proxy X", CAPSA_ERR_DECODE);
	/* recipients: a type 1 string is a key that cannot sign; a damaged one does not decode */
	v1 = recs[ALICE];
	v1.has_ed25519 = false;
	CHECK_OK(capsa_recipient_encode(rec1, sizeof rec1, &v1));
	CHECK_OK(capsa_recipient_encode(owner_s, sizeof owner_s, &recs[ALICE]));
	check_edit(parse_grant, text, owner_s, rec1, CAPSA_ERR_KEY);
	{
		char damaged[CAPSA_RECIPIENT_STRLEN + 1];
		memcpy(damaged, owner_s, sizeof damaged);
		damaged[20] = damaged[20] == 'q' ? 'p' : 'q';
		check_edit(parse_grant, text, owner_s, damaged, CAPSA_ERR_DECODE);
		memcpy(damaged, owner_s, sizeof damaged);
		for (char *p = damaged; *p; p++)
			*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		check_edit(parse_grant, text, owner_s, damaged, CAPSA_ERR_DECODE); /* bech32 upper case */
	}
	/* a small-order Ed25519 key in a type 2 string: anyone could sign for it */
	{
		capsa_recipient weak = recs[OWNER];
		char weak_s[CAPSA_RECIPIENT_STRLEN + 1], owner2[CAPSA_RECIPIENT_STRLEN + 1];
		memset(weak.ed25519_public, 0, 32);
		weak.ed25519_public[0] = 1; /* the identity point */
		CHECK_OK(capsa_recipient_encode(weak_s, sizeof weak_s, &weak));
		CHECK_OK(capsa_recipient_encode(owner2, sizeof owner2, &recs[OWNER]));
		check_edit(parse_grant, text, owner2, weak_s, CAPSA_ERR_KEY);
	}
	/* size: over CAPSA_PROXY_STATEMENT_MAX is refused unread */
	{
		size_t big = CAPSA_PROXY_STATEMENT_MAX + 1;
		char *t = malloc(big);
		memset(t, 'a', big);
		memcpy(t, text, len);
		t[big - 1] = '\n';
		CHECK_STATUS(parse_grant(t, big), CAPSA_ERR_DECODE);
		CHECK_STATUS(parse_grant(t, CAPSA_PROXY_STATEMENT_MAX), CAPSA_ERR_DECODE);
		free(t);
	}
	free(text);
}

static void fill_reencrypt(capsa_proxy_reencrypt *r, size_t items)
{
	memset(r, 0, sizeof *r);
	capsa_party_id(r->proxy, recs[PROXY2].ed25519_public);
	r->requester = recs[ALICE];
	memset(r->nonce, 0x5c, sizeof r->nonce);
	r->time = 1790000123;
	r->num_items = items;
	for (size_t i = 0; i < items; i++) {
		memset(r->items[i].grant_id, (int)(i + 1), CAPSA_GRANT_ID_BYTES);
		memset(r->items[i].content_id, (int)(0x80 + i), CAPSA_CONTENT_ID_BYTES);
		memset(r->items[i].capsule_hash, (int)(0xc0 - i), 32);
	}
}

static void test_reencrypt_statement(void)
{
	static capsa_proxy_reencrypt r, back;
	char *text, *again;
	size_t len, len2;

	fill_reencrypt(&r, 2);
	CHECK_OK(capsa_proxy_reencrypt_format(&text, &len, &r));
	CHECK(strncmp(text, "capsa-proxy/reencrypt/v1\nproxy ", 31) == 0);
	CHECK(strstr(text, "\nnonce 5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c5c\ntime 1790000123\nitem 01010101") != NULL);
	CHECK_OK(capsa_proxy_reencrypt_parse(&back, text, len));
	CHECK(back.num_items == 2 && back.time == r.time && memcmp(back.nonce, r.nonce, 16) == 0 &&
	      strcmp(back.proxy, r.proxy) == 0 && memcmp(back.items, r.items, 2 * sizeof r.items[0]) == 0 &&
	      memcmp(back.requester.ed25519_public, recs[ALICE].ed25519_public, 32) == 0);
	CHECK_OK(capsa_proxy_reencrypt_format(&again, &len2, &back));
	CHECK(len2 == len && memcmp(again, text, len) == 0);
	free(again);

	check_line_edits(text, parse_reencrypt, true);
	check_edit(parse_reencrypt, text, "0101 8080", "0101  8080", CAPSA_ERR_DECODE);
	check_edit(parse_reencrypt, text, "0101 8080", "0101\t8080", CAPSA_ERR_DECODE);
	check_edit(parse_reencrypt, text, "0101 8080", "01018080", CAPSA_ERR_DECODE);
	check_edit(parse_reencrypt, text, "8080 c0c0", "8080 C0c0", CAPSA_ERR_DECODE);
	check_edit(parse_reencrypt, text, "nonce 5c5c", "nonce 5C5c", CAPSA_ERR_DECODE);
	check_edit(parse_reencrypt, text, "capsa-proxy/reencrypt/v1", "capsa-proxy/grant/v1", CAPSA_ERR_UNSUPPORTED);
	{
		/* no item at all */
		char *end = strstr(text, "item ");
		CHECK_STATUS(parse_reencrypt(text, (size_t)(end - text)), CAPSA_ERR_DECODE);
	}
	free(text);

	/* 64 items is the most; 65 neither format nor parse */
	fill_reencrypt(&r, CAPSA_PROXY_MAX_ITEMS);
	CHECK_OK(capsa_proxy_reencrypt_format(&text, &len, &r));
	CHECK_OK(capsa_proxy_reencrypt_parse(&back, text, len));
	CHECK(back.num_items == CAPSA_PROXY_MAX_ITEMS &&
	      memcmp(back.items, r.items, CAPSA_PROXY_MAX_ITEMS * sizeof r.items[0]) == 0);
	{
		const char *last = strrchr(text, 'i'); /* the last line starts "item " */
		size_t ll = len - (size_t)(last - text);
		char *t = malloc(len + ll);
		memcpy(t, text, len);
		memcpy(t + len, last, ll);
		CHECK_STATUS(parse_reencrypt(t, len + ll), CAPSA_ERR_DECODE);
		free(t);
	}
	free(text);
	r.num_items = CAPSA_PROXY_MAX_ITEMS + 1;
	CHECK_STATUS(capsa_proxy_reencrypt_format(&text, &len, &r), CAPSA_ERR_ARG);
	r.num_items = 0;
	CHECK_STATUS(capsa_proxy_reencrypt_format(&text, &len, &r), CAPSA_ERR_ARG);
	fill_reencrypt(&r, 1);
	r.requester.has_ed25519 = false;
	CHECK_STATUS(capsa_proxy_reencrypt_format(&text, &len, &r), CAPSA_ERR_ARG);
}

static void test_revoke_statement(void)
{
	capsa_proxy_revoke r, back;
	char *text, *again;
	size_t len, len2;
	char want[400], party[65];

	memset(&r, 0, sizeof r);
	capsa_party_id(r.proxy, recs[PROXY1].ed25519_public);
	memset(r.grant_id, 0x11, sizeof r.grant_id);
	memset(r.nonce, 0xfe, sizeof r.nonce);
	r.time = 0;
	CHECK_OK(capsa_proxy_revoke_format(&text, &len, &r));
	capsa_party_id(party, recs[PROXY1].ed25519_public);
	snprintf(want, sizeof want,
	         "capsa-proxy/revoke/v1\nproxy %s\ngrant 11111111111111111111111111111111\n"
	         "nonce fefefefefefefefefefefefefefefefe\ntime 0\n",
	         party);
	CHECK(len == strlen(want) && strcmp(text, want) == 0);
	CHECK_OK(capsa_proxy_revoke_parse(&back, text, len));
	CHECK(memcmp(&back, &r, sizeof r) == 0);
	CHECK_OK(capsa_proxy_revoke_format(&again, &len2, &back));
	CHECK(len2 == len && memcmp(again, text, len) == 0);
	free(again);
	check_line_edits(text, parse_revoke, false);
	check_edit(parse_revoke, text, "time 0", "time 00", CAPSA_ERR_DECODE);
	check_edit(parse_revoke, text, "time 0", "time -1", CAPSA_ERR_DECODE);
	check_edit(parse_revoke, text, "capsa-proxy/revoke/v1", "capsa-proxy/revoke/v0", CAPSA_ERR_UNSUPPORTED);
	free(text);
	r.proxy[0] = '\0';
	CHECK_STATUS(capsa_proxy_revoke_format(&text, &len, &r), CAPSA_ERR_ARG);
}

/* ---- Signatures ------------------------------------------------------------- */

static void test_signatures(void)
{
	capsa_proxy_grant g;
	uint8_t sig[CAPSA_PROXY_SIG_BYTES], bad[CAPSA_PROXY_SIG_BYTES];
	char *text;
	size_t len;
	capsa_recipient weak = recs[OWNER], v1 = recs[OWNER];

	fill_grant(&g);
	CHECK_OK(capsa_proxy_grant_format(&text, &len, &g));
	CHECK_OK(capsa_proxy_sign(sig, text, len, &ids[OWNER]));
	CHECK_OK(capsa_proxy_verify(sig, text, len, &recs[OWNER]));
	/* the signed message is the context and the text, nothing else */
	{
		size_t cl = sizeof CAPSA_PROXY_SIGN_CONTEXT - 1;
		uint8_t *m = malloc(cl + len);
		memcpy(m, CAPSA_PROXY_SIGN_CONTEXT, cl);
		memcpy(m + cl, text, len);
		CHECK_OK(capsa_ed25519_verify(sig, recs[OWNER].ed25519_public, m, cl + len));
		CHECK_STATUS(capsa_ed25519_verify(sig, recs[OWNER].ed25519_public, (const uint8_t *)text, len),
		             CAPSA_ERR_SIGNATURE);
		free(m);
	}
	CHECK_STATUS(capsa_proxy_verify(sig, text, len, &recs[ALICE]), CAPSA_ERR_SIGNATURE);
	CHECK_STATUS(capsa_proxy_verify(sig, text, len - 1, &recs[OWNER]), CAPSA_ERR_SIGNATURE);
	text[len / 2] ^= 1;
	CHECK_STATUS(capsa_proxy_verify(sig, text, len, &recs[OWNER]), CAPSA_ERR_SIGNATURE);
	text[len / 2] ^= 1;
	for (size_t i = 0; i < sizeof sig; i += 13) {
		memcpy(bad, sig, sizeof sig);
		bad[i] ^= 0x40;
		check_context("signature byte %zu", i);
		CHECK_STATUS(capsa_proxy_verify(bad, text, len, &recs[OWNER]), CAPSA_ERR_SIGNATURE);
	}
	check_context("%s", "");
	/* a type 1 recipient has no key to verify with */
	v1.has_ed25519 = false;
	CHECK_STATUS(capsa_proxy_verify(sig, text, len, &v1), CAPSA_ERR_SIGNATURE);
	/* a small-order key: (R = identity, S = 0) satisfies the equation for every message */
	memset(weak.ed25519_public, 0, 32);
	weak.ed25519_public[0] = 1;
	memset(bad, 0, sizeof bad);
	bad[0] = 1;
	CHECK_STATUS(capsa_proxy_verify(bad, text, len, &weak), CAPSA_ERR_SIGNATURE);
	/* an over-long text is not signed */
	{
		char *big = calloc(1, CAPSA_PROXY_STATEMENT_MAX + 1);
		CHECK(capsa_proxy_sign(bad, big, CAPSA_PROXY_STATEMENT_MAX + 1, &ids[OWNER]) != CAPSA_OK);
		CHECK_STATUS(capsa_proxy_verify(sig, big, CAPSA_PROXY_STATEMENT_MAX + 1, &recs[OWNER]),
		             CAPSA_ERR_SIGNATURE);
		free(big);
	}
	free(text);
}

/* ---- Real grants: kfrag wrap, accept, re-encryption ------------------------- */

static check_buf sealed;
static capsa_kfrag_file kfs[3];
static uint8_t content_id[CAPSA_CONTENT_ID_BYTES];
static const uint8_t grant_id[CAPSA_GRANT_ID_BYTES] = {0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

static void seal_and_grant(void)
{
	capsa_route_key route = {CAPSA_UMBRAL_STANZA_TYPE, &ids[OWNER]};
	capsa_seal_opts o = {.threads = 1, .plaintext_len = sizeof plaintext, .routes = &route, .num_routes = 1};
	capsa_seal *s = NULL;

	CHECK_OK(capsa_seal_new(&s, &o, check_buf_sink, &sealed));
	CHECK_OK(capsa_seal_write(s, plaintext, sizeof plaintext));
	CHECK_OK(capsa_seal_finish(s));
	capsa_seal_free(s);
	CHECK_OK(capsa_grant_create(kfs, &ids[OWNER], &recs[ALICE], 2, 3, sealed.data, sealed.len, NULL));
	memcpy(content_id, kfs[0].content_id, sizeof content_id);
}

static void test_kfrag_wrap(void)
{
	uint8_t w[CAPSA_PROXY_KFRAG_WRAP_BYTES], a[CAPSA_KFRAG_FILE_BYTES], b[CAPSA_KFRAG_FILE_BYTES];
	uint8_t other_grant[CAPSA_GRANT_ID_BYTES], other_content[CAPSA_CONTENT_ID_BYTES];
	capsa_kfrag_file kf;

	CHECK_OK(capsa_proxy_kfrag_wrap(w, &kfs[0], &recs[PROXY1], grant_id, content_id));
	CHECK_OK(capsa_proxy_kfrag_unwrap(&kf, w, sizeof w, &ids[PROXY1], grant_id, content_id));
	capsa_kfrag_file_serialize(a, &kfs[0]);
	capsa_kfrag_file_serialize(b, &kf);
	CHECK_MEM(a, b, sizeof a);
	/* the ciphertext hides the kfrag file */
	for (size_t i = 0; i + 33 <= sizeof w; i++)
		if (memcmp(w + i, a + 12 + CAPSA_CONTENT_ID_BYTES + 3, 33) == 0)
			CHECK(!"the delegating key shows in the wrapped kfrag");

	CHECK_STATUS(capsa_proxy_kfrag_unwrap(&kf, w, sizeof w, &ids[PROXY2], grant_id, content_id), CAPSA_ERR_AUTH);
	CHECK(all_zero(&kf, sizeof kf));
	memcpy(other_grant, grant_id, sizeof other_grant);
	other_grant[15] ^= 1;
	CHECK_STATUS(capsa_proxy_kfrag_unwrap(&kf, w, sizeof w, &ids[PROXY1], other_grant, content_id), CAPSA_ERR_AUTH);
	memcpy(other_content, content_id, sizeof other_content);
	other_content[0] ^= 0x80;
	CHECK_STATUS(capsa_proxy_kfrag_unwrap(&kf, w, sizeof w, &ids[PROXY1], grant_id, other_content), CAPSA_ERR_AUTH);
	CHECK_STATUS(capsa_proxy_kfrag_unwrap(&kf, w, sizeof w - 1, &ids[PROXY1], grant_id, content_id),
	             CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_proxy_kfrag_unwrap(&kf, w, 0, &ids[PROXY1], grant_id, content_id), CAPSA_ERR_DECODE);
	for (size_t i = 0; i < sizeof w; i += 37) {
		w[i] ^= 4;
		check_context("wrapped byte %zu", i);
		CHECK_STATUS(capsa_proxy_kfrag_unwrap(&kf, w, sizeof w, &ids[PROXY1], grant_id, content_id),
		             CAPSA_ERR_AUTH);
		w[i] ^= 4;
	}
	check_context("%s", "");
	/* an all-zero enc (a small-order X25519 point) does not open */
	memset(w, 0, 32);
	CHECK_STATUS(capsa_proxy_kfrag_unwrap(&kf, w, sizeof w, &ids[PROXY1], grant_id, content_id), CAPSA_ERR_AUTH);
	/* two wraps of the same kfrag differ (fresh HPKE keys) */
	{
		uint8_t w1[CAPSA_PROXY_KFRAG_WRAP_BYTES], w2[CAPSA_PROXY_KFRAG_WRAP_BYTES];
		CHECK_OK(capsa_proxy_kfrag_wrap(w1, &kfs[0], &recs[PROXY1], grant_id, content_id));
		CHECK_OK(capsa_proxy_kfrag_wrap(w2, &kfs[0], &recs[PROXY1], grant_id, content_id));
		CHECK(memcmp(w1, w2, sizeof w1) != 0);
	}
}

/* A grant statement for |proxy|, signed by |signer|, carrying the wrapped kfrag |kf| (to |wrap_to|). */
typedef struct offer {
	char *text;
	size_t len;
	uint8_t sig[CAPSA_PROXY_SIG_BYTES];
	uint8_t wrapped[CAPSA_PROXY_KFRAG_WRAP_BYTES];
} offer;

static void make_offer(offer *o, const capsa_proxy_grant *g_in, const capsa_kfrag_file *kf, int wrap_to, int signer,
                       bool hash_ok)
{
	capsa_proxy_grant g = *g_in;

	CHECK_OK(capsa_proxy_kfrag_wrap(o->wrapped, kf, &recs[wrap_to], g.grant_id, g.content_id));
	CHECK_OK(capsa_sha256(g.kfrag_hash, o->wrapped, sizeof o->wrapped));
	if (!hash_ok)
		g.kfrag_hash[31] ^= 1;
	CHECK_OK(capsa_proxy_grant_format(&o->text, &o->len, &g));
	CHECK_OK(capsa_proxy_sign(o->sig, o->text, o->len, &ids[signer]));
}

static void real_grant(capsa_proxy_grant *g, int proxy, int index)
{
	fill_grant(g);
	capsa_party_id(g->proxy, recs[proxy].ed25519_public);
	memcpy(g->grant_id, grant_id, sizeof grant_id);
	memcpy(g->content_id, content_id, sizeof content_id);
	g->index = (uint8_t)index;
}

/* capsa_proxy_grant_accept on |o| by |proxy| is refused with |want|; nothing is kept. */
static void expect_refused(const offer *o, int proxy, capsa_proxy_problem want, const char *what)
{
	capsa_proxy_grant g;
	capsa_kfrag_file kf;
	capsa_proxy_problem p = CAPSA_PROBLEM_NONE;

	memset(&kf, 0x77, sizeof kf);
	check_context("%s", what);
	CHECK(capsa_proxy_grant_accept(&g, &kf, &p, o->text, o->len, o->sig, o->wrapped, sizeof o->wrapped,
	                               &ids[proxy]) != CAPSA_OK);
	CHECK(p == want);
	if (p != want)
		fprintf(stderr, "  %s: got %s, want %s\n", what, capsa_proxy_problem_name(p),
		        capsa_proxy_problem_name(want));
	CHECK(all_zero(&kf, sizeof kf));
	CHECK(all_zero(&g, sizeof g));
	check_context("%s", "");
}

static void free_offer(offer *o)
{
	free(o->text);
	o->text = NULL;
}

static void test_grant_accept(void)
{
	capsa_proxy_grant g, got;
	capsa_kfrag_file kf;
	capsa_proxy_problem p;
	offer o;
	uint8_t a[CAPSA_KFRAG_FILE_BYTES], b[CAPSA_KFRAG_FILE_BYTES];

	/* success: the proxy gets the statement and the very kfrag */
	real_grant(&g, PROXY1, 1);
	make_offer(&o, &g, &kfs[0], PROXY1, OWNER, true);
	CHECK_OK(capsa_proxy_grant_accept(&got, &kf, &p, o.text, o.len, o.sig, o.wrapped, sizeof o.wrapped,
	                                  &ids[PROXY1]));
	CHECK(p == CAPSA_PROBLEM_NONE);
	CHECK(memcmp(got.grant_id, grant_id, sizeof grant_id) == 0 && got.index == 1 && got.threshold == 2 &&
	      got.shares == 3 && memcmp(got.content_id, content_id, sizeof content_id) == 0);
	capsa_kfrag_file_serialize(a, &kfs[0]);
	capsa_kfrag_file_serialize(b, &kf);
	CHECK_MEM(a, b, sizeof a);
	capsa_kfrag_file_wipe(&kf);

	/* each refusal, with its problem */
	expect_refused(&o, PROXY2, CAPSA_PROBLEM_WRONG_PROXY, "statement for another proxy");
	{
		offer bad = o;
		uint8_t sig2[CAPSA_PROXY_SIG_BYTES];
		memcpy(sig2, o.sig, sizeof sig2);
		sig2[0] ^= 1;
		memcpy(bad.sig, sig2, sizeof sig2);
		expect_refused(&bad, PROXY1, CAPSA_PROBLEM_BAD_SIGNATURE, "damaged signature");
		bad.len = o.len - 1;
		expect_refused(&bad, PROXY1, CAPSA_PROBLEM_BAD_REQUEST, "truncated statement");
		bad = o;
		bad.wrapped[100] ^= 1; /* the hash no longer matches */
		expect_refused(&bad, PROXY1, CAPSA_PROBLEM_BAD_KFRAG, "wrapped kfrag changed");
	}
	{
		capsa_proxy_grant none;
		capsa_kfrag_file kf2;
		CHECK_STATUS(capsa_proxy_grant_accept(&none, &kf2, &p, o.text, o.len, o.sig, o.wrapped,
		                                      sizeof o.wrapped - 1, &ids[PROXY1]),
		             CAPSA_ERR_MISMATCH); /* the hash covers the length too */
		CHECK(p == CAPSA_PROBLEM_BAD_KFRAG);
	}
	free_offer(&o);

	make_offer(&o, &g, &kfs[0], PROXY1, ALICE, true);
	expect_refused(&o, PROXY1, CAPSA_PROBLEM_BAD_SIGNATURE, "signed by the recipient, not the owner");
	free_offer(&o);

	make_offer(&o, &g, &kfs[0], PROXY1, OWNER, false);
	expect_refused(&o, PROXY1, CAPSA_PROBLEM_BAD_KFRAG, "kfrag hash mismatch");
	free_offer(&o);

	make_offer(&o, &g, &kfs[0], PROXY2, OWNER, true);
	expect_refused(&o, PROXY1, CAPSA_PROBLEM_BAD_KFRAG, "kfrag wrapped to another proxy");
	free_offer(&o);

	real_grant(&g, PROXY1, 2);
	make_offer(&o, &g, &kfs[0], PROXY1, OWNER, true);
	expect_refused(&o, PROXY1, CAPSA_PROBLEM_BAD_KFRAG, "index 2, kfrag 1");
	free_offer(&o);

	real_grant(&g, PROXY1, 1);
	g.threshold = 1;
	make_offer(&o, &g, &kfs[0], PROXY1, OWNER, true);
	expect_refused(&o, PROXY1, CAPSA_PROBLEM_BAD_KFRAG, "threshold 1, kfrag 2");
	free_offer(&o);

	real_grant(&g, PROXY1, 1);
	g.shares = 4;
	make_offer(&o, &g, &kfs[0], PROXY1, OWNER, true);
	expect_refused(&o, PROXY1, CAPSA_PROBLEM_BAD_KFRAG, "4 shares, kfrag of 3");
	free_offer(&o);

	real_grant(&g, PROXY1, 1);
	g.recipient = recs[BOB];
	make_offer(&o, &g, &kfs[0], PROXY1, OWNER, true);
	expect_refused(&o, PROXY1, CAPSA_PROBLEM_BAD_KFRAG, "another recipient");
	free_offer(&o);

	real_grant(&g, PROXY1, 1);
	g.owner = recs[BOB];
	make_offer(&o, &g, &kfs[0], PROXY1, BOB, true);
	expect_refused(&o, PROXY1, CAPSA_PROBLEM_BAD_KFRAG, "another owner (who signed)");
	free_offer(&o);

	real_grant(&g, PROXY1, 1);
	g.content_id[5] ^= 1;
	make_offer(&o, &g, &kfs[0], PROXY1, OWNER, true);
	expect_refused(&o, PROXY1, CAPSA_PROBLEM_BAD_KFRAG, "another content id");
	free_offer(&o);

	{
		/* the kfrag's own fields all match but it was made for another recipient's key */
		capsa_kfrag_file forged = kfs[0];
		forged.receiving = kfs[1].delegating;
		real_grant(&g, PROXY1, 1);
		memcpy(g.recipient.secp256k1_public, forged.receiving.bytes, sizeof g.recipient.secp256k1_public);
		CHECK_OK(capsa_proxy_kfrag_wrap(o.wrapped, &forged, &recs[PROXY1], g.grant_id, g.content_id));
		CHECK_OK(capsa_sha256(g.kfrag_hash, o.wrapped, sizeof o.wrapped));
		/* the recipient string must still decode: keep ALICE's, the kfrag's receiving key differs */
		g.recipient = recs[ALICE];
		CHECK_OK(capsa_proxy_grant_format(&o.text, &o.len, &g));
		CHECK_OK(capsa_proxy_sign(o.sig, o.text, o.len, &ids[OWNER]));
		expect_refused(&o, PROXY1, CAPSA_PROBLEM_BAD_KFRAG, "kfrag for another receiving key");
		free_offer(&o);
	}
	{
		offer junk = {0};
		junk.text = (char *)"capsa-proxy/grant/v1\n";
		junk.len = strlen(junk.text);
		expect_refused(&junk, PROXY1, CAPSA_PROBLEM_BAD_REQUEST, "a header only");
	}
}

static void test_reencrypt_capsule(void)
{
	capsa_umbral_stanza st;
	uint8_t capsule[CAPSA_UMBRAL_CAPSULE_BYTES];
	capsa_cfrag_file cf[3], two[2];
	capsa_grant_report rep;

	CHECK_OK(capsa_umbral_stanza_find(&st, sealed.data, sealed.len));
	capsa_umbral_capsule_to_bytes(capsule, &st.capsule);
	for (int i = 0; i < 3; i++) {
		/* each proxy unwraps its kfrag and re-encrypts the capsule alone */
		uint8_t w[CAPSA_PROXY_KFRAG_WRAP_BYTES];
		capsa_kfrag_file kf;
		CHECK_OK(capsa_proxy_kfrag_wrap(w, &kfs[i], &recs[PROXY1], grant_id, content_id));
		CHECK_OK(capsa_proxy_kfrag_unwrap(&kf, w, sizeof w, &ids[PROXY1], grant_id, content_id));
		CHECK_OK(capsa_grant_reencrypt_capsule(&cf[i], &kf, capsule, sizeof capsule, NULL));
		capsa_kfrag_file_wipe(&kf);
		check_context("cfrag %d", i);
		CHECK_OK(capsa_grant_verify_cfrag(&cf[i], &st, &rep));
		CHECK(cf[i].threshold == 2 && memcmp(cf[i].content_id, content_id, sizeof content_id) == 0);
	}
	check_context("%s", "");
	for (int i = 0; i < 3; i++) {
		two[0] = cf[i];
		two[1] = cf[(i + 1) % 3];
		capsa_umbral_route route = {two, 2, &rep};
		capsa_route_key rk = {CAPSA_UMBRAL_STANZA_TYPE, &route};
		capsa_unlock u = {.identities = &ids[ALICE], .num_identities = 1, .route_keys = &rk, .num_route_keys = 1};
		capsa_open *op = NULL;
		check_buf out = {0};

		check_context("open with cfrags %d,%d", i, (i + 1) % 3);
		CHECK_OK(capsa_open_new(&op, &u, 1, check_buf_sink, &out));
		CHECK_OK(capsa_open_write(op, sealed.data, sealed.len));
		CHECK_OK(capsa_open_finish(op));
		CHECK(out.len == sizeof plaintext && memcmp(out.data, plaintext, sizeof plaintext) == 0);
		capsa_open_free(op);
		free(out.data);
	}
	check_context("%s", "");
	/* a capsule that is not one */
	CHECK_STATUS(capsa_grant_reencrypt_capsule(&cf[0], &kfs[0], capsule, sizeof capsule - 1, NULL),
	             CAPSA_ERR_DECODE);
	capsule[10] ^= 0x55;
	CHECK_STATUS(capsa_grant_reencrypt_capsule(&cf[0], &kfs[0], capsule, sizeof capsule, NULL), CAPSA_ERR_DECODE);
	memset(capsule, 0, sizeof capsule);
	CHECK_STATUS(capsa_grant_reencrypt_capsule(&cf[0], &kfs[0], capsule, sizeof capsule, NULL), CAPSA_ERR_DECODE);
}

/* ---- Events ------------------------------------------------------------------ */

static void fill_event(capsa_proxy_event *e, capsa_proxy_event_type t)
{
	memset(e, 0, sizeof *e);
	e->type = t;
	memcpy(e->grant_id, grant_id, sizeof grant_id);
	memset(e->content_id, 0x3c, sizeof e->content_id);
	if (t != CAPSA_EVENT_REENCRYPT)
		capsa_party_id(e->owner, recs[OWNER].ed25519_public);
	if (t != CAPSA_EVENT_REVOKE)
		capsa_party_id(e->party, recs[ALICE].ed25519_public);
	e->time = 1790000999;
	memset(e->statement_hash, 0xee, sizeof e->statement_hash);
}

static void test_events(void)
{
	static const char *names[] = {"?", "grant", "reencrypt", "revoke"};
	char owner[65], alice[65], content[65];

	memset(content, 0, sizeof content);
	for (int i = 0; i < CAPSA_CONTENT_ID_BYTES; i++)
		memcpy(content + 2 * i, "3c", 2);
	capsa_party_id(owner, recs[OWNER].ed25519_public);
	capsa_party_id(alice, recs[ALICE].ed25519_public);
	for (int t = CAPSA_EVENT_GRANT; t <= CAPSA_EVENT_REVOKE; t++) {
		capsa_proxy_event e, back;
		char *text, *again, want[1024];
		size_t len, len2;

		check_context("event %s", names[t]);
		CHECK(strcmp(capsa_proxy_event_name((capsa_proxy_event_type)t), names[t]) == 0);
		fill_event(&e, (capsa_proxy_event_type)t);
		CHECK_OK(capsa_proxy_event_format(&text, &len, &e));
		snprintf(want, sizeof want,
		         "capsa-proxy-event/v1\nevent %s\ngrant 420102030405060708090a0b0c0d0e0f\n"
		         "content %s\n"
		         "%s%s%s%s%s%s"
		         "time 1790000999\n"
		         "statement eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\n",
		         names[t], content, t != CAPSA_EVENT_REENCRYPT ? "owner " : "", t != CAPSA_EVENT_REENCRYPT ? owner : "",
		         t != CAPSA_EVENT_REENCRYPT ? "\n" : "",
		         t == CAPSA_EVENT_GRANT ? "recipient " : t == CAPSA_EVENT_REENCRYPT ? "requester " : "",
		         t != CAPSA_EVENT_REVOKE ? alice : "", t != CAPSA_EVENT_REVOKE ? "\n" : "");
		CHECK(len == strlen(want) && strcmp(text, want) == 0);
		if (strcmp(text, want) != 0)
			fprintf(stderr, "got:\n%swant:\n%s", text, want);
		CHECK_OK(capsa_proxy_event_parse(&back, (const uint8_t *)text, len));
		CHECK(memcmp(&back, &e, sizeof e) == 0);
		CHECK_OK(capsa_proxy_event_format(&again, &len2, &back));
		CHECK(len2 == len && memcmp(again, text, len) == 0);
		free(again);
		check_line_edits(text, parse_event, false);
		check_edit(parse_event, text, "capsa-proxy-event/v1", "capsa-proxy-event/v2", CAPSA_ERR_DECODE);
		check_edit(parse_event, text, names[t], "grants", CAPSA_ERR_DECODE);
		check_edit(parse_event, text, "time 1790000999", "time 01790000999", CAPSA_ERR_DECODE);
		check_edit(parse_event, text, "statement eeee", "statement EEee", CAPSA_ERR_DECODE);
		if (t == CAPSA_EVENT_GRANT) {
			/* the party lines belong to the event type */
			check_edit(parse_event, text, "event grant", "event revoke", CAPSA_ERR_DECODE);
			check_edit(parse_event, text, "event grant", "event reencrypt", CAPSA_ERR_DECODE);
			check_edit(parse_event, text, "recipient ", "requester ", CAPSA_ERR_DECODE);
		}
		if (t == CAPSA_EVENT_REENCRYPT)
			check_edit(parse_event, text, "event reencrypt", "event grant", CAPSA_ERR_DECODE);
		free(text);
	}
	check_context("%s", "");
	{
		capsa_proxy_event e;
		char *text;
		size_t len;
		fill_event(&e, CAPSA_EVENT_GRANT);
		e.party[0] = '\0';
		CHECK_STATUS(capsa_proxy_event_format(&text, &len, &e), CAPSA_ERR_ARG);
		fill_event(&e, CAPSA_EVENT_REVOKE);
		e.owner[10] = 'G';
		CHECK_STATUS(capsa_proxy_event_format(&text, &len, &e), CAPSA_ERR_ARG);
		fill_event(&e, CAPSA_EVENT_REVOKE);
		e.type = (capsa_proxy_event_type)9;
		CHECK_STATUS(capsa_proxy_event_format(&text, &len, &e), CAPSA_ERR_ARG);
		CHECK(strcmp(capsa_proxy_event_name(e.type), "?") == 0);
	}
}

/* ---- Receipts: a small log built here ------------------------------------------ */

#define LOG_SIZE 7
static uint8_t leaves[LOG_SIZE][CAPSA_TLOG_HASH_BYTES];
static char *entries[LOG_SIZE];
static size_t entry_lens[LOG_SIZE];

/* A complete node of the test log: leaves at level 0, SHA-256(0x01 ‖ left ‖ right) above. */
static capsa_status get_node(void *arg, unsigned level, uint64_t index, uint8_t out[CAPSA_TLOG_HASH_BYTES])
{
	uint8_t in[1 + 2 * CAPSA_TLOG_HASH_BYTES];

	(void)arg;
	if (level == 0) {
		if (index >= LOG_SIZE)
			return CAPSA_ERR_ARG;
		memcpy(out, leaves[index], CAPSA_TLOG_HASH_BYTES);
		return CAPSA_OK;
	}
	in[0] = 1;
	if (get_node(arg, level - 1, 2 * index, in + 1) != CAPSA_OK ||
	    get_node(arg, level - 1, 2 * index + 1, in + 1 + CAPSA_TLOG_HASH_BYTES) != CAPSA_OK)
		return CAPSA_ERR_ARG;
	return capsa_sha256(out, in, sizeof in);
}

static char *checkpoint_note;
static size_t checkpoint_note_len;

/* Builds the log: entries 0..5 are events, entry 6 is a leaf that is not. Signs its checkpoint with |signer|. */
static void build_log(int signer)
{
	char origin[29], *body;
	size_t body_len;
	uint8_t root[CAPSA_TLOG_HASH_BYTES];

	for (int i = 0; i < LOG_SIZE; i++) {
		free(entries[i]);
		if (i < LOG_SIZE - 1) {
			capsa_proxy_event e;
			fill_event(&e, (capsa_proxy_event_type)(CAPSA_EVENT_GRANT + i % 3));
			e.time += (uint64_t)i;
			CHECK_OK(capsa_proxy_event_format(&entries[i], &entry_lens[i], &e));
		} else {
			entries[i] = strdup("not an event\n");
			entry_lens[i] = strlen(entries[i]);
		}
		CHECK_OK(capsa_tlog_leaf_hash(leaves[i], entries[i], entry_lens[i]));
	}
	CHECK_OK(capsa_tlog_root(root, LOG_SIZE, get_node, NULL));
	capsa_proxy_log_origin(origin, recs[PROXY1].ed25519_public);
	CHECK_OK(capsa_checkpoint_format(&body, &body_len, origin, LOG_SIZE, root, NULL, 0));
	free(checkpoint_note);
	CHECK_OK(capsa_note_sign(&checkpoint_note, &checkpoint_note_len, body, body_len, origin,
	                         ids[signer].ed25519_seed));
	free(body);
}

/* The receipt of entry |index| carrying |extra| (NULL: none) as its extra. */
static char *receipt_for(uint64_t index, uint64_t proof_of, const char *extra, size_t extra_len, size_t *len)
{
	uint8_t path[CAPSA_TLOG_MAX_PROOF][CAPSA_TLOG_HASH_BYTES];
	size_t num = 0;
	char *out = NULL;

	CHECK_OK(capsa_tlog_inclusion_proof(path, &num, proof_of, LOG_SIZE, get_node, NULL));
	CHECK_OK(capsa_tlog_proof_format(&out, len, (const uint8_t *)extra, extra_len, index,
	                                 (const uint8_t (*)[CAPSA_TLOG_HASH_BYTES])path, num, checkpoint_note,
	                                 checkpoint_note_len));
	return out;
}

static void test_receipts(void)
{
	capsa_proxy_event e, want;
	capsa_checkpoint cp;
	uint64_t index = 99;
	char *r, origin[29];
	size_t len;
	capsa_note_verifier v;

	build_log(PROXY1);
	capsa_proxy_log_origin(origin, recs[PROXY1].ed25519_public);
	for (uint64_t i = 0; i < LOG_SIZE - 1; i++) {
		check_context("receipt of entry %llu", (unsigned long long)i);
		r = receipt_for(i, i, entries[i], entry_lens[i], &len);
		CHECK_OK(capsa_proxy_receipt_verify(&e, &cp, &index, r, len, &recs[PROXY1]));
		CHECK(index == i && cp.size == LOG_SIZE && cp.origin != NULL && strcmp(cp.origin, origin) == 0);
		fill_event(&want, (capsa_proxy_event_type)(CAPSA_EVENT_GRANT + i % 3));
		want.time += i;
		CHECK(memcmp(&e, &want, sizeof e) == 0);
		capsa_checkpoint_free(&cp);
		CHECK_OK(capsa_proxy_receipt_verify(&e, NULL, NULL, r, len, &recs[PROXY1]));
		/* another proxy's key: its signature is not there */
		CHECK_STATUS(capsa_proxy_receipt_verify(&e, &cp, &index, r, len, &recs[PROXY2]), CAPSA_ERR_SIGNATURE);
		CHECK(all_zero(&e, sizeof e) && cp.origin == NULL);
		CHECK_STATUS(capsa_proxy_receipt_verify(&e, NULL, NULL, r, len - 1, &recs[PROXY1]), CAPSA_ERR_DECODE);
		free(r);
	}
	check_context("%s", "");
	/* the proof of one entry with another index, or another entry's bytes */
	r = receipt_for(2, 1, entries[1], entry_lens[1], &len);
	CHECK_STATUS(capsa_proxy_receipt_verify(&e, NULL, NULL, r, len, &recs[PROXY1]), CAPSA_ERR_PROOF);
	free(r);
	r = receipt_for(1, 1, entries[2], entry_lens[2], &len);
	CHECK_STATUS(capsa_proxy_receipt_verify(&e, NULL, NULL, r, len, &recs[PROXY1]), CAPSA_ERR_PROOF);
	free(r);
	{
		char *altered = strdup(entries[1]);
		altered[strlen(altered) - 2] ^= 1; /* the last hex digit of the statement hash */
		r = receipt_for(1, 1, altered, entry_lens[1], &len);
		CHECK_STATUS(capsa_proxy_receipt_verify(&e, NULL, NULL, r, len, &recs[PROXY1]), CAPSA_ERR_PROOF);
		free(r);
		free(altered);
	}
	/* an index outside the tree */
	r = receipt_for(LOG_SIZE, 1, entries[1], entry_lens[1], &len);
	CHECK_STATUS(capsa_proxy_receipt_verify(&e, NULL, NULL, r, len, &recs[PROXY1]), CAPSA_ERR_DECODE);
	free(r);
	/* no extra: nothing to check the entry against */
	r = receipt_for(1, 1, NULL, 0, &len);
	CHECK_STATUS(capsa_proxy_receipt_verify(&e, NULL, NULL, r, len, &recs[PROXY1]), CAPSA_ERR_DECODE);
	free(r);
	/* a leaf that is included but is no event */
	r = receipt_for(LOG_SIZE - 1, LOG_SIZE - 1, entries[LOG_SIZE - 1], entry_lens[LOG_SIZE - 1], &len);
	CHECK_STATUS(capsa_proxy_receipt_verify(&e, &cp, &index, r, len, &recs[PROXY1]), CAPSA_ERR_DECODE);
	CHECK(cp.origin == NULL);
	free(r);
	/* the checkpoint signed by another key under the proxy's origin */
	build_log(PROXY2);
	r = receipt_for(0, 0, entries[0], entry_lens[0], &len);
	CHECK_STATUS(capsa_proxy_receipt_verify(&e, NULL, NULL, r, len, &recs[PROXY1]), CAPSA_ERR_SIGNATURE);
	free(r);
	/* garbage */
	CHECK_STATUS(capsa_proxy_receipt_verify(&e, NULL, NULL, "c2sp.org/tlog-proof@v1\n", 23, &recs[PROXY1]),
	             CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_proxy_receipt_verify(&e, NULL, NULL, "", 0, &recs[PROXY1]), CAPSA_ERR_DECODE);
	/* the verifier a client builds */
	{
		capsa_recipient v1 = recs[PROXY1];
		CHECK_OK(capsa_proxy_log_verifier(&v, origin, &recs[PROXY1]));
		v1.has_ed25519 = false;
		CHECK_STATUS(capsa_proxy_log_verifier(&v, origin, &v1), CAPSA_ERR_ARG);
		CHECK_STATUS(capsa_proxy_receipt_verify(&e, NULL, NULL, r = receipt_for(0, 0, entries[0], entry_lens[0],
		                                                                          &len),
		                                        len, &v1),
		             CAPSA_ERR_DECODE);
		free(r);
	}
	for (int i = 0; i < LOG_SIZE; i++)
		free(entries[i]);
	free(checkpoint_note);
}

/* ---- Problems ---------------------------------------------------------------------- */

static void test_problems(void)
{
	static const struct {
		capsa_proxy_problem p;
		const char *name;
		int status;
	} want[] = {
		{CAPSA_PROBLEM_BAD_REQUEST, "bad-request", 400},
		{CAPSA_PROBLEM_BAD_SIGNATURE, "bad-signature", 401},
		{CAPSA_PROBLEM_STALE, "stale", 400},
		{CAPSA_PROBLEM_REPLAY, "replay", 409},
		{CAPSA_PROBLEM_WRONG_PROXY, "wrong-proxy", 421},
		{CAPSA_PROBLEM_BAD_KFRAG, "bad-kfrag", 422},
		{CAPSA_PROBLEM_CONFLICT, "conflict", 409},
		{CAPSA_PROBLEM_UNKNOWN_GRANT, "unknown-grant", 404},
		{CAPSA_PROBLEM_REVOKED, "revoked", 410},
		{CAPSA_PROBLEM_EXPIRED, "expired", 403},
		{CAPSA_PROBLEM_NOT_RECIPIENT, "not-recipient", 403},
		{CAPSA_PROBLEM_USES_EXHAUSTED, "uses-exhausted", 403},
		{CAPSA_PROBLEM_BAD_CAPSULE, "bad-capsule", 422},
		{CAPSA_PROBLEM_BUSY, "busy", 429},
		{CAPSA_PROBLEM_UNAVAILABLE, "unavailable", 503},
		{CAPSA_PROBLEM_INTERNAL, "internal", 500},
		{CAPSA_PROBLEM_TOO_LARGE, "too-large", 413},
		{CAPSA_PROBLEM_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", 415},
		{CAPSA_PROBLEM_NOT_FOUND, "not-found", 404},
		{CAPSA_PROBLEM_METHOD_NOT_ALLOWED, "method-not-allowed", 405},
	};
	char type[128];

	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		check_context("problem %s", want[i].name);
		CHECK(strcmp(capsa_proxy_problem_name(want[i].p), want[i].name) == 0);
		CHECK(capsa_proxy_problem_status(want[i].p) == want[i].status);
		CHECK(strlen(capsa_proxy_problem_title(want[i].p)) > 3);
		snprintf(type, sizeof type, "urn:capsa:problem:%s", want[i].name);
		CHECK(capsa_proxy_problem_from_type(type) == want[i].p);
		snprintf(type, sizeof type, "urn:capsa:problem:%s ", want[i].name);
		CHECK(capsa_proxy_problem_from_type(type) == CAPSA_PROBLEM_NONE);
		snprintf(type, sizeof type, "urn:capsa:%s", want[i].name);
		CHECK(capsa_proxy_problem_from_type(type) == CAPSA_PROBLEM_NONE);
	}
	check_context("%s", "");
	CHECK(sizeof want / sizeof *want == CAPSA_PROBLEM_METHOD_NOT_ALLOWED); /* every value is listed */
	CHECK(capsa_proxy_problem_from_type("urn:capsa:problem:none") == CAPSA_PROBLEM_NONE);
	CHECK(capsa_proxy_problem_from_type("urn:capsa:problem:") == CAPSA_PROBLEM_NONE);
	CHECK(capsa_proxy_problem_from_type("about:blank") == CAPSA_PROBLEM_NONE);
	CHECK(capsa_proxy_problem_from_type(NULL) == CAPSA_PROBLEM_NONE);
	/* an out-of-range value is named as an internal error, never NULL */
	CHECK(strcmp(capsa_proxy_problem_name((capsa_proxy_problem)1000), "internal") == 0);
	CHECK(capsa_proxy_problem_status((capsa_proxy_problem)-1) == 500);
}

/* ---- Times --------------------------------------------------------------------------- */

static void test_when(void)
{
	static const struct {
		const char *s;
		uint64_t want; /* with now = 1000000000 */
	} good[] = {
		{"90s", 1000000090},
		{"15m", 1000000900},
		{"12h", 1000043200},
		{"30d", 1002592000},
		{"2w", 1001209600},
		{"1s", 1000000001},
		{"99999999999s", 1000000000ull + 99999999999ull},
		{"1970-01-01T00:00:00Z", 0},
		{"2027-01-31T12:00:00Z", 1801396800},
		{"2027-01-31t12:00:00z", 1801396800},
		{"2027-01-31T13:30:00+01:30", 1801396800},
		{"2027-01-31T10:00:00-02:00", 1801396800},
		{"2027-01-31T12:00:00+00:00", 1801396800},
		{"2028-02-29T00:00:00Z", 1835395200},  /* a leap day */
		{"2000-02-29T00:00:00Z", 951782400},   /* divisible by 400: leap */
		{"2026-12-31T23:59:59Z", 1798761599},
		{"9999-12-31T23:59:59Z", 253402300799},
	};
	static const char *bad[] = {
		"", "s", "0s", "05m", "10", "10x", "10S", "-5m", "+5m", "1.5h", " 5m", "5m ", "5 m", "999999999999s",
		"2026-02-29T00:00:00Z", /* not a leap year */
		"2100-02-29T00:00:00Z", /* divisible by 100 only */
		"2027-13-01T00:00:00Z", "2027-00-01T00:00:00Z", "2027-01-00T00:00:00Z", "2027-04-31T00:00:00Z",
		"2027-01-01T24:00:00Z", "2027-01-01T23:60:00Z", "2027-01-01T23:59:60Z", "2027-01-01T00:00:00",
		"2027-01-01 00:00:00Z", "2027-01-01T00:00:00.5Z", "2027-01-01T00:00:00+0100", "2027-01-01T00:00:00+24:00",
		"2027-01-01T00:00:00+01:60", "2027-1-01T00:00:00Z", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00+00:01",
		"2027-01-01T00:00:00Zjunk", "2027-01-01", "abcd-ef-ghTij:kl:mnZ", "2027-01-01T0a:00:00Z",
	};
	uint64_t out;

	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		check_context("when %s", good[i].s);
		CHECK_OK(capsa_when_parse(&out, good[i].s, 1000000000));
		CHECK(out == good[i].want);
	}
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		check_context("when '%s'", bad[i]);
		out = 7;
		CHECK_STATUS(capsa_when_parse(&out, bad[i], 1000000000), CAPSA_ERR_DECODE);
		CHECK(out == 0);
	}
	check_context("%s", "");
	CHECK_STATUS(capsa_when_parse(&out, NULL, 0), CAPSA_ERR_DECODE);
	/* a duration past the end of uint64 time is refused, not wrapped */
	CHECK_STATUS(capsa_when_parse(&out, "2w", UINT64_MAX - 10), CAPSA_ERR_DECODE);
}

int main(void)
{
	make_keys();
	test_party();
	test_grant_statement();
	test_reencrypt_statement();
	test_revoke_statement();
	test_signatures();
	seal_and_grant();
	test_kfrag_wrap();
	test_grant_accept();
	test_reencrypt_capsule();
	test_events();
	test_receipts();
	test_problems();
	test_when();
	for (int i = 0; i < 3; i++)
		capsa_kfrag_file_wipe(&kfs[i]);
	free(sealed.data);
	return check_summary();
}
