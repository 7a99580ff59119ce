/*
 * bech32 against the test strings of BIP 173 ("Test vectors", bitcoin/bips
 * bip-0173.mediawiki), which are written out below, plus padding rules and
 * round trips.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wire/bech32.h"

/* BIP 173: "The following strings are valid Bech32". */
static const char *const bip173_valid[] = {
	"A12UEL5L",
	"a12uel5l",
	"an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
	"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
	"11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
	"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
	"?1ezyfcl",
};

/* BIP 173: "The following strings are not valid Bech32 (with reason for invalidity)". */
static const struct {
	const char *str;
	capsa_bech32_error want;
} bip173_invalid[] = {
	{"\x20" "1nwldj5", CAPSA_BECH32_ERR_CHAR},         /* HRP character out of range */
	{"\x7f" "1axkwrx", CAPSA_BECH32_ERR_CHAR},         /* HRP character out of range */
	{"\x80" "1eym55h", CAPSA_BECH32_ERR_CHAR},         /* HRP character out of range */
	{"an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
	 CAPSA_BECH32_ERR_LENGTH},                         /* overall max length exceeded */
	{"pzry9x0s0muk", CAPSA_BECH32_ERR_NO_SEPARATOR},   /* No separator character */
	{"1pzry9x0s0muk", CAPSA_BECH32_ERR_HRP},           /* Empty HRP */
	{"x1b4n0q5v", CAPSA_BECH32_ERR_DATA_CHAR},         /* Invalid data character */
	{"li1dgmt3", CAPSA_BECH32_ERR_SHORT},              /* Too short checksum */
	{"de1lg7wt" "\xff", CAPSA_BECH32_ERR_CHAR},        /* Invalid character in checksum */
	{"A1G7SGD8", CAPSA_BECH32_ERR_CHECKSUM},           /* checksum calculated with uppercase form of HRP */
	{"10a06t8", CAPSA_BECH32_ERR_HRP},                 /* empty HRP */
	{"1qzzfhee", CAPSA_BECH32_ERR_HRP},                /* empty HRP */
	/* BIP 173 forbids mixed case ("Decoders MUST NOT accept strings where some characters are uppercase and some are lowercase"). */
	{"a12UEL5L", CAPSA_BECH32_ERR_MIXED_CASE},
	{"A12uEL5L", CAPSA_BECH32_ERR_MIXED_CASE},
};

static void valid_strings(void)
{
	for (size_t i = 0; i < sizeof bip173_valid / sizeof bip173_valid[0]; i++) {
		const char *s = bip173_valid[i];
		char hrp[100], again[100];
		uint8_t values[100];
		size_t n = 0;
		bool upper = s[0] >= 'A' && s[0] <= 'Z';

		check_context("valid %s", s);
		CHECK(capsa_bech32_decode_values(hrp, sizeof hrp, values, sizeof values, &n, s, strlen(s),
		                                 CAPSA_BECH32_BIP173_MAX) == CAPSA_BECH32_OK);
		CHECK(strlen(hrp) == (size_t)(strrchr(s, '1') - s));
		CHECK_OK(capsa_bech32_encode_values(again, sizeof again, hrp, values, n, upper));
		CHECK(strcmp(again, s) == 0);
	}
}

static void valid_bytes(void)
{
	static const uint8_t want[] = {0x00, 0x44, 0x32, 0x14, 0xc7, 0x42, 0x54, 0xb6, 0x35, 0xcf,
	                               0x84, 0x65, 0x3a, 0x56, 0xd7, 0xc6, 0x75, 0xbe, 0x77, 0xdf};
	const char *s = bip173_valid[3];
	char hrp[16], again[64];
	uint8_t out[32];
	size_t n = 0;

	check_context("abcdef bytes");
	CHECK(capsa_bech32_decode(hrp, sizeof hrp, out, sizeof out, &n, s, strlen(s), 90) == CAPSA_BECH32_OK);
	CHECK(strcmp(hrp, "abcdef") == 0 && n == sizeof want);
	CHECK_MEM(out, want, sizeof want);
	CHECK_OK(capsa_bech32_encode(again, sizeof again, "abcdef", want, sizeof want, false));
	CHECK(strcmp(again, s) == 0);
	CHECK(capsa_bech32_encoded_len(6, sizeof want) == strlen(s));
	/* The 11qqq… string: 82 zero values, 51 zero bytes and 2 zero padding bits. */
	s = bip173_valid[4];
	CHECK(capsa_bech32_decode(hrp, sizeof hrp, out, sizeof out, &n, s, strlen(s), 90) == CAPSA_BECH32_ERR_SPACE);
	CHECK(n == 0 && hrp[0] == 0);
	uint8_t big[64];
	CHECK(capsa_bech32_decode(hrp, sizeof hrp, big, sizeof big, &n, s, strlen(s), 90) == CAPSA_BECH32_OK);
	CHECK(n == 51 && strcmp(hrp, "1") == 0);
}

static void invalid_strings(void)
{
	for (size_t i = 0; i < sizeof bip173_invalid / sizeof bip173_invalid[0]; i++) {
		const char *s = bip173_invalid[i].str;
		char hrp[100];
		uint8_t values[100];
		size_t n = 7;
		capsa_bech32_error err;

		check_context("invalid #%zu", i);
		err = capsa_bech32_decode_values(hrp, sizeof hrp, values, sizeof values, &n, s, strlen(s),
		                                 CAPSA_BECH32_BIP173_MAX);
		CHECK(err == bip173_invalid[i].want);
		CHECK(n == 0 && hrp[0] == 0);
		CHECK(capsa_bech32_decode(hrp, sizeof hrp, values, sizeof values, &n, s, strlen(s), 90) == err);
		CHECK(strcmp(capsa_bech32_error_str(err), "valid") != 0);
	}
	/* With the 90-character limit lifted, the 84-character HRP string is otherwise valid. */
	const char *an84 = bip173_invalid[3].str;
	char hrp[100];
	uint8_t values[8];
	size_t n = 0;
	check_context("an84 unbounded");
	CHECK(capsa_bech32_decode_values(hrp, sizeof hrp, values, sizeof values, &n, an84, strlen(an84), 1000) ==
	      CAPSA_BECH32_OK);
	CHECK(n == 0);
}

/* Regrouping into bytes: leftover bits must be fewer than 5 and all zero. */
static void padding(void)
{
	static const struct {
		uint8_t values[2];
		size_t n;
		capsa_bech32_error want;
	} cases[] = {
		{{31, 0}, 1, CAPSA_BECH32_ERR_PADDING},  /* 5 bits: a whole group of padding */
		{{0, 0}, 1, CAPSA_BECH32_ERR_PADDING},   /* even when zero */
		{{31, 31}, 2, CAPSA_BECH32_ERR_PADDING}, /* 0xff then 2 non-zero bits */
		{{31, 29}, 2, CAPSA_BECH32_ERR_PADDING}, /* 0xff then bits 01 */
		{{31, 28}, 2, CAPSA_BECH32_OK},          /* 0xff then bits 00 */
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char s[32], hrp[8];
		uint8_t out[4];
		size_t n = 9;

		check_context("padding #%zu", i);
		CHECK_OK(capsa_bech32_encode_values(s, sizeof s, "a", cases[i].values, cases[i].n, false));
		CHECK(capsa_bech32_decode(hrp, sizeof hrp, out, sizeof out, &n, s, strlen(s), 90) == cases[i].want);
		if (cases[i].want == CAPSA_BECH32_OK)
			CHECK(n == 1 && out[0] == 0xff);
		else
			CHECK(n == 0);
	}
}

/* Every length 0..80, both cases; every single-character substitution breaks the checksum. */
static void round_trips(void)
{
	static const char alphabet[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	uint8_t data[80], out[80];
	char s[200], hrp[16];

	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 37 + 11);
	for (size_t len = 0; len <= sizeof data; len++) {
		size_t n = 0;
		check_context("round trip %zu", len);
		CHECK_OK(capsa_bech32_encode(s, sizeof s, "capsa", data, len, len % 2));
		CHECK(strlen(s) == capsa_bech32_encoded_len(5, len));
		CHECK(capsa_bech32_decode(hrp, sizeof hrp, out, sizeof out, &n, s, strlen(s), 200) == CAPSA_BECH32_OK);
		CHECK(n == len && strcmp(hrp, "capsa") == 0 && memcmp(out, data, len) == 0);
	}
	CHECK_OK(capsa_bech32_encode(s, sizeof s, "x", data, 20, false));
	for (size_t i = 2; i < strlen(s); i++)
		for (size_t a = 0; a < 32; a++) {
			char t[200], h[8];
			size_t n;
			if (alphabet[a] == s[i])
				continue;
			strcpy(t, s);
			t[i] = alphabet[a];
			check_context("substitution at %zu", i);
			CHECK(capsa_bech32_decode(h, sizeof h, out, sizeof out, &n, t, strlen(t), 200) ==
			      CAPSA_BECH32_ERR_CHECKSUM);
		}
}

static void encode_errors(void)
{
	char s[16] = "untouched";
	uint8_t v[1] = {32};

	check_context("encode errors");
	CHECK_STATUS(capsa_bech32_encode(s, sizeof s, "", NULL, 0, false), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_bech32_encode(s, sizeof s, "Abc", NULL, 0, false), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_bech32_encode(s, sizeof s, "a b", NULL, 0, false), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_bech32_encode_values(s, sizeof s, "a", v, 1, false), CAPSA_ERR_ARG);
	CHECK_STATUS(capsa_bech32_encode(s, 8, "a", NULL, 0, false), CAPSA_ERR_RANGE); /* "a1" + 6 needs 9 */
	CHECK(s[0] == '\0');
	CHECK_OK(capsa_bech32_encode(s, 9, "a", NULL, 0, false));
	CHECK(strcmp(s, "a12uel5l") == 0);
	CHECK_OK(capsa_bech32_encode(s, 9, "a", NULL, 0, true));
	CHECK(strcmp(s, "A12UEL5L") == 0);
	/* An HRP that does not fit the caller's buffer. */
	char hrp[2];
	uint8_t out[4];
	size_t n;
	CHECK(capsa_bech32_decode(hrp, sizeof hrp, out, sizeof out, &n, "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
	                          45, 90) == CAPSA_BECH32_ERR_SPACE);
}

int main(void)
{
	valid_strings();
	valid_bytes();
	invalid_strings();
	padding();
	round_trips();
	encode_errors();
	return check_summary();
}
