/* Whole reads and writes: the one place that loops over read(2) and write(2). */
#include "core/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "crypto/crypto.h"

capsa_status capsa_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return CAPSA_ERR_IO;
		}
		p += n;
		len -= (size_t)n;
	}
	return CAPSA_OK;
}

capsa_status capsa_read_full(int fd, uint8_t *buf, size_t len, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = read(fd, buf + *got, len - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return CAPSA_ERR_IO;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return CAPSA_OK;
}

capsa_status capsa_pread_full(int fd, uint8_t *buf, size_t len, uint64_t off, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = pread(fd, buf + *got, len - *got, (off_t)(off + *got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return CAPSA_ERR_IO;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return CAPSA_OK;
}

capsa_status capsa_fd_read(uint8_t **out, size_t *len, int fd, size_t max)
{
	uint8_t *buf;
	size_t got = 0;
	capsa_status st;

	*out = NULL;
	*len = 0;
	if (max == SIZE_MAX || (buf = malloc(max + 1)) == NULL)
		return CAPSA_ERR_NOMEM;
	/* one byte past the limit tells a file of |max| bytes from a longer one */
	if ((st = capsa_read_full(fd, buf, max + 1, &got)) == CAPSA_OK && got > max)
		st = CAPSA_ERR_RANGE;
	if (st != CAPSA_OK) {
		capsa_wipe(buf, max + 1);
		free(buf);
		return st;
	}
	*out = buf;
	*len = got;
	return CAPSA_OK;
}

capsa_status capsa_file_read(uint8_t **out, size_t *len, const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), saved;
	capsa_status st;

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return CAPSA_ERR_IO;
	st = capsa_fd_read(out, len, fd, max);
	saved = errno;
	close(fd);
	errno = saved;
	return st;
}
