/*
 * Identity and recipients files on disk. A new identity file is created
 * O_EXCL|O_NOFOLLOW with mode 0600, so keygen never replaces a key or writes
 * through a planted symbolic link.
 */
#include <capsa/keys.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/crypto.h"

static capsa_status write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return CAPSA_ERR_IO;
		buf += n;
		len -= (size_t)n;
	}
	return CAPSA_OK;
}

capsa_status capsa_identity_file_write(const char *path, const capsa_identity *id)
{
	char text[CAPSA_IDENTITY_FILE_BYTES];
	capsa_status st;
	int fd = -1, saved;

	st = capsa_identity_file_format(text, sizeof text, id, time(NULL));
	if (st != CAPSA_OK)
		goto out;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		st = (errno == EEXIST || errno == ELOOP) ? CAPSA_ERR_EXISTS : CAPSA_ERR_IO;
		goto out;
	}
	st = write_all(fd, text, strlen(text));
	if (st == CAPSA_OK && fsync(fd) != 0)
		st = CAPSA_ERR_IO;
	saved = errno;
	if (close(fd) != 0 && st == CAPSA_OK)
		st = CAPSA_ERR_IO, saved = errno;
	if (st != CAPSA_OK)
		(void)unlink(path); /* ours: O_EXCL created it */
	errno = saved;
out:
	capsa_wipe(text, sizeof text);
	return st;
}

/* Reads all of |path| (at most CAPSA_KEYS_FILE_MAX bytes) into a new buffer of |cap| bytes. */
static capsa_status read_small_file(char **out, size_t *len, size_t cap, const char *path)
{
	char *buf = NULL;
	size_t got = 0;
	capsa_status st = CAPSA_ERR_IO;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return CAPSA_ERR_IO;
	if ((buf = malloc(cap)) == NULL) {
		st = CAPSA_ERR_NOMEM;
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		got += (size_t)n;
		if (got == cap) {
			st = CAPSA_ERR_DECODE; /* over the limit */
			goto out;
		}
	}
	*out = buf, *len = got, buf = NULL;
	st = CAPSA_OK;
out:
	if (buf != NULL) {
		capsa_wipe(buf, cap);
		free(buf);
	}
	close(fd);
	return st;
}

capsa_status capsa_identity_file_read(capsa_identity **out, size_t *num_out, const char *path, size_t *bad_line)
{
	const size_t cap = CAPSA_KEYS_FILE_MAX + 1;
	char *text = NULL;
	size_t len = 0;
	capsa_status st;

	*out = NULL;
	*num_out = 0;
	if (bad_line != NULL)
		*bad_line = 0;
	st = read_small_file(&text, &len, cap, path);
	if (st == CAPSA_OK)
		st = capsa_identity_file_parse(out, num_out, text, len, bad_line);
	if (text != NULL) {
		capsa_wipe(text, cap);
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
	st = read_small_file(&text, &len, CAPSA_KEYS_FILE_MAX + 1, path);
	if (st == CAPSA_OK)
		st = capsa_recipient_file_parse(out, num_out, text, len, bad_line);
	free(text); /* public: not wiped */
	return st;
}

capsa_status capsa_signer_read(uint8_t key[32], const char *arg)
{
	static const char prefix[] = "capsasig1";
	char *text = NULL;
	size_t len = 0, pos = 0;
	capsa_status st;

	memset(key, 0, 32);
	if (strncmp(arg, prefix, sizeof prefix - 1) == 0)
		return capsa_signer_decode(key, arg, strlen(arg));
	if ((st = read_small_file(&text, &len, CAPSA_KEYS_FILE_MAX + 1, arg)) != CAPSA_OK)
		return st;
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
	free(text); /* public: not wiped */
	return st;
}
