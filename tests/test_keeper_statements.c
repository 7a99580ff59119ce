/*
 * tests/test_keeper_statements.c - strict mode's statements (capsa/keeper.h):
 * each formats and parses back to itself, and the parsers refuse what is not
 * exactly a statement: another header, lines out of order or missing, bad
 * values, a name that could leave the store, trailing text.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>

#include <capsa/keeper.h>
#include <capsa/util.h>

static capsa_identity ids[3];
static capsa_recipient recs[3];

static capsa_keeper_grant a_grant(void)
{
	capsa_keeper_grant g = {.threshold = 2, .num_proxies = 3, .time = 1765000000};

	capsa_party_id(g.keeper, ids[2].ed25519_public);
	memset(g.grant_id, 0x11, sizeof g.grant_id);
	memset(g.content_id, 0x22, sizeof g.content_id);
	snprintf(g.file, sizeof g.file, "model.capsa");
	g.owner = recs[0];
	for (int i = 0; i < 3; i++) {
		snprintf(g.proxies[i].url, sizeof g.proxies[i].url, "http://127.0.0.1:%d", 7301 + i);
		g.proxies[i].key = recs[1];
	}
	return g;
}

/* Parses |text| with one byte of line |line| replaced, expecting a refusal. */
static void test_grant(void)
{
	capsa_keeper_grant g = a_grant(), back;
	char *text = NULL;
	size_t len = 0;

	CHECK_OK(capsa_keeper_grant_format(&text, &len, &g));
	CHECK_OK(capsa_keeper_grant_parse(&back, text, len));
	CHECK(memcmp(&back, &g, sizeof g) == 0);
	CHECK(strncmp(text, "capsa-keeper/grant/v1\nkeeper ", 29) == 0);
	CHECK(strstr(text, "\nproxy http://127.0.0.1:7302 capsa1") != NULL);
	CHECK_STATUS(capsa_keeper_grant_parse(&back, text, len - 1), CAPSA_ERR_DECODE); /* no final LF */
	{
		char *more = malloc(len + 8);
		memcpy(more, text, len);
		memcpy(more + len, "extra x\n", 8);
		CHECK_STATUS(capsa_keeper_grant_parse(&back, more, len + 8), CAPSA_ERR_DECODE);
		free(more);
	}
	{
		char *v2 = strdup(text);
		v2[20] = '2'; /* capsa-keeper/grant/v2 */
		CHECK_STATUS(capsa_keeper_grant_parse(&back, v2, len), CAPSA_ERR_UNSUPPORTED);
		free(v2);
	}
	free(text);

	g.threshold = 4; /* more than the proxies */
	CHECK_STATUS(capsa_keeper_grant_format(&text, &len, &g), CAPSA_ERR_ARG);
	g = a_grant();
	snprintf(g.proxies[1].url, sizeof g.proxies[1].url, "ftp://x");
	CHECK_STATUS(capsa_keeper_grant_format(&text, &len, &g), CAPSA_ERR_ARG);
	g = a_grant();
	g.num_proxies = 0;
	CHECK_STATUS(capsa_keeper_grant_format(&text, &len, &g), CAPSA_ERR_ARG);
}

static void test_access(void)
{
	capsa_keeper_access a = {.allow = true, .until = 1766000000, .time = 1765000000}, back;
	char *text = NULL;
	size_t len = 0;

	capsa_party_id(a.keeper, ids[2].ed25519_public);
	memset(a.content_id, 0x33, sizeof a.content_id);
	memset(a.nonce, 0x44, sizeof a.nonce);
	a.recipient = recs[1];
	CHECK_OK(capsa_keeper_access_format(&text, &len, &a));
	CHECK_OK(capsa_keeper_access_parse(&back, text, len));
	CHECK(memcmp(&back, &a, sizeof a) == 0);
	CHECK(strstr(text, "\nrule allow\nuntil 1766000000\n") != NULL);
	free(text);
	a.allow = false;
	CHECK_STATUS(capsa_keeper_access_format(&text, &len, &a), CAPSA_ERR_ARG); /* deny has no end */
	a.until = 0;
	CHECK_OK(capsa_keeper_access_format(&text, &len, &a));
	CHECK_OK(capsa_keeper_access_parse(&back, text, len));
	CHECK(!back.allow);
	char *maybe = strstr(text, "rule deny");
	if (maybe != NULL) {
		memcpy(maybe + 5, "both", 4);
		CHECK_STATUS(capsa_keeper_access_parse(&back, text, len), CAPSA_ERR_DECODE);
	}
	free(text);
}

static void test_fetch(void)
{
	capsa_keeper_fetch f = {.time = 1765000000}, back;
	char *text = NULL;
	size_t len = 0;

	capsa_party_id(f.keeper, ids[2].ed25519_public);
	snprintf(f.file, sizeof f.file, "model-00001-of-00002.safetensors.capsa");
	memset(f.nonce, 0x55, sizeof f.nonce);
	f.requester = recs[1];
	CHECK_OK(capsa_keeper_fetch_format(&text, &len, &f));
	CHECK_OK(capsa_keeper_fetch_parse(&back, text, len));
	CHECK(memcmp(&back, &f, sizeof f) == 0);
	free(text);
	static const char *const bad[] = {"../secrets", ".hidden", "a/b", "", "a b"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		snprintf(f.file, sizeof f.file, "%s", bad[i]);
		CHECK_STATUS(capsa_keeper_fetch_format(&text, &len, &f), CAPSA_ERR_ARG);
		CHECK(!capsa_keeper_file_name_ok(bad[i], strlen(bad[i])));
	}
	/* a statement that names a path, however it got signed, does not parse */
	const char *evil = "capsa-keeper/fetch/v1\nkeeper 0000000000000000000000000000000000000000000000000000000000000000\n"
	                   "file ../../etc/shadow\n";
	CHECK_STATUS(capsa_keeper_fetch_parse(&back, evil, strlen(evil)), CAPSA_ERR_DECODE);
	CHECK_STATUS(capsa_keeper_fetch_parse(&back, "capsa-proxy/revoke/v1\n", 22), CAPSA_ERR_DECODE);
}

int main(void)
{
	for (int i = 0; i < 3; i++) {
		CHECK_OK(capsa_identity_generate(&ids[i]));
		capsa_identity_recipient(&recs[i], &ids[i]);
	}
	test_grant();
	test_access();
	test_fetch();
	return check_summary();
}
