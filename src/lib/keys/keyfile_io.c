/*
 * Identity and recipients files on disk. An identity file is a secret output
 * (capsa_secret_file_write): created O_EXCL|O_NOFOLLOW with mode 0600, so
 * keygen never replaces a key or writes through a planted symbolic link; an
 * existing device, FIFO or socket (/dev/stdout) is written in place.
 */
#include <capsa/keys.h>

#include <capsa/file.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"

capsa_status capsa_identity_file_write(const char *path, const capsa_identity *id)
{
	char text[CAPSA_IDENTITY_FILE_BYTES];
	capsa_status st = capsa_identity_file_format(text, sizeof text, id, time(NULL));
	int saved;

	if (st == CAPSA_OK)
		st = capsa_secret_file_write(path, text, strlen(text), NULL);
	saved = errno;
	capsa_wipe(text, sizeof text);
	errno = saved;
	return st;
}

/* Reads all of |path|, at most CAPSA_KEYS_FILE_MAX bytes; a longer file is malformed. */
static capsa_status read_keys_file(char **out, size_t *len, const char *path)
{
	uint8_t *bytes = NULL;
	capsa_status st = capsa_file_read(&bytes, len, path, CAPSA_KEYS_FILE_MAX);

	*out = (char *)bytes;
	return st == CAPSA_ERR_RANGE ? CAPSA_ERR_DECODE : st;
}

capsa_status capsa_identity_file_read(capsa_identity **out, size_t *num_out, const char *path, size_t *bad_line)
{
	char *text = NULL;
	size_t len = 0;
	capsa_status st;

	*out = NULL;
	*num_out = 0;
	if (bad_line != NULL)
		*bad_line = 0;
	st = read_keys_file(&text, &len, path);
	if (st == CAPSA_OK)
		st = capsa_identity_file_parse(out, num_out, text, len, bad_line);
	if (text != NULL) {
		capsa_wipe(text, len);
		free(text);
	}
	return st;
}

capsa_status capsa_recipient_file_read(capsa_recipient **out, size_t *num_out, const char *path,
                                       size_t *bad_line)
{
	char *text = NULL;
	size_t len = 0;
	capsa_status st;

	*out = NULL;
	*num_out = 0;
	if (bad_line != NULL)
		*bad_line = 0;
	st = read_keys_file(&text, &len, path);
	if (st == CAPSA_OK)
		st = capsa_recipient_file_parse(out, num_out, text, len, bad_line);
	free(text); /* public: not wiped */
	return st;
}

capsa_status capsa_signer_read(uint8_t key[32], const char *arg)
{
	static const char prefix[] = "capsasig1";
	uint8_t *bytes = NULL;
	const char *text;
	size_t len = 0, pos = 0;
	capsa_status st;

	memset(key, 0, 32);
	if (strncmp(arg, prefix, sizeof prefix - 1) == 0)
		return capsa_signer_decode(key, arg, strlen(arg));
	if ((st = capsa_file_read(&bytes, &len, arg, CAPSA_KEYS_FILE_MAX)) != CAPSA_OK)
		return st == CAPSA_ERR_RANGE ? CAPSA_ERR_DECODE : st;
	text = (const char *)bytes;
	st = CAPSA_ERR_DECODE;
	/* the first line that is not blank or a comment */
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len, start = pos;
		pos = nl ? end + 1 : len;
		while (start < end && (text[start] == ' ' || text[start] == '\t'))
			start++;
		while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r'))
			end--;
		if (start == end || text[start] == '#')
			continue;
		st = capsa_signer_decode(key, text + start, end - start);
		break;
	}
	free(bytes); /* public: not wiped */
	return st;
}
