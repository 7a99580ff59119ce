/*
 * Identity and recipients files: lines of key strings, with comments and
 * blank lines (doc/KEYS.md). Both parsers make two passes over the text, one
 * to count the key lines and one to decode them into an array of exactly that
 * size, so secret arrays are never reallocated (and left behind unwiped).
 */
#include <capsa/keys.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"

/* Called for each key line; |index| counts key lines from 0. */
typedef capsa_status (*line_fn)(void *arg, size_t index, const char *line, size_t len);

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Runs |fn| over every line that is not empty or a comment; stops at the first failure. */
static capsa_status each_key_line(const char *text, size_t len, line_fn fn, void *arg, size_t *num,
                                  size_t *bad_line)
{
	size_t pos = 0, line_no = 0;

	*num = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, start = pos;
		capsa_status st;

		pos = nl ? end + 1 : len;
		line_no++;
		while (start < end && is_blank(text[start]))
			start++;
		while (end > start && is_blank(text[end - 1]))
			end--;
		if (start == end || text[start] == '#')
			continue;
		if ((st = fn(arg, *num, text + start, end - start)) != CAPSA_OK) {
			*bad_line = line_no;
			return st;
		}
		(*num)++;
	}
	return CAPSA_OK;
}

static capsa_status count_line(void *arg, size_t index, const char *line, size_t len)
{
	(void)arg, (void)index, (void)line, (void)len;
	return CAPSA_OK;
}

static capsa_status identity_line(void *arg, size_t index, const char *line, size_t len)
{
	return capsa_identity_decode((capsa_identity *)arg + index, line, len);
}

static capsa_status recipient_line(void *arg, size_t index, const char *line, size_t len)
{
	return capsa_recipient_decode((capsa_recipient *)arg + index, line, len);
}

/* Counts, allocates |*out| (|elem| bytes each, zeroed) and decodes every key line with |fn|. */
static capsa_status parse_keys(void **out, size_t *num_out, size_t elem, line_fn fn, const char *text,
                               size_t len, size_t *bad_line)
{
	size_t count = 0, unused = 0, decoded = 0;
	capsa_status st;

	*out = NULL;
	*num_out = 0;
	if (bad_line == NULL)
		bad_line = &unused;
	*bad_line = 0;
	if (len > CAPSA_KEYS_FILE_MAX)
		return CAPSA_ERR_DECODE;
	(void)each_key_line(text, len, count_line, NULL, &count, bad_line);
	if (count == 0)
		return CAPSA_ERR_DECODE;
	if ((*out = calloc(count, elem)) == NULL)
		return CAPSA_ERR_NOMEM;
	st = each_key_line(text, len, fn, *out, &decoded, bad_line);
	if (st != CAPSA_OK) {
		capsa_wipe(*out, count * elem);
		free(*out);
		*out = NULL;
		return st;
	}
	*num_out = count;
	return CAPSA_OK;
}

capsa_status capsa_identity_file_parse(capsa_identity **out, size_t *num_out, const char *text, size_t len,
                                       size_t *bad_line)
{
	void *ids = NULL;
	capsa_status st = parse_keys(&ids, num_out, sizeof **out, identity_line, text, len, bad_line);

	*out = ids;
	return st;
}

capsa_status capsa_recipient_file_parse(capsa_recipient **out, size_t *num_out, const char *text, size_t len,
                                        size_t *bad_line)
{
	void *rs = NULL;
	capsa_status st = parse_keys(&rs, num_out, sizeof **out, recipient_line, text, len, bad_line);

	*out = rs;
	return st;
}

void capsa_identity_list_free(capsa_identity *ids, size_t num)
{
	if (ids == NULL)
		return;
	capsa_wipe(ids, num * sizeof *ids);
	free(ids);
}

capsa_status capsa_identity_file_format(char *out, size_t out_size, const capsa_identity *id, time_t created)
{
	char when[32], recipient[CAPSA_RECIPIENT_STRLEN + 1], signer[CAPSA_SIGNER_STRLEN + 1];
	char secret[CAPSA_IDENTITY_STRLEN + 1];
	capsa_recipient r;
	struct tm tm;
	capsa_status st = CAPSA_ERR_RANGE;
	int n;

	if (out_size > 0)
		out[0] = '\0';
	capsa_identity_recipient(&r, id);
	if (gmtime_r(&created, &tm) == NULL || strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return CAPSA_ERR_ARG;
	if ((st = capsa_recipient_encode(recipient, sizeof recipient, &r)) != CAPSA_OK ||
	    (st = capsa_signer_encode(signer, sizeof signer, id->ed25519_public)) != CAPSA_OK ||
	    (st = capsa_identity_encode(secret, sizeof secret, id)) != CAPSA_OK)
		goto out;
	n = snprintf(out, out_size, "# created: %s\n# recipient: %s\n# signer: %s\n%s\n", when, recipient, signer,
	             secret);
	st = (n > 0 && (size_t)n < out_size) ? CAPSA_OK : CAPSA_ERR_RANGE;
out:
	capsa_wipe(secret, sizeof secret);
	if (st != CAPSA_OK)
		capsa_wipe(out, out_size);
	return st;
}
