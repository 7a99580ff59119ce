/*
 * Identity and recipients files on disk. An identity file is a secret output
 * (capsa_secret_file_write): created O_EXCL|O_NOFOLLOW with mode 0600, so
 * keygen never replaces a key or writes through a planted symbolic link; an
 * existing device, FIFO or socket (/dev/stdout) is written in place.
 */
#include <capsa/keys.h>

#include <capsa/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
