/* Small I/O helpers shared by the container's file-facing functions. */
#include "container/io.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <capsa/container.h>

capsa_status capsa_sink_fd(void *arg, const uint8_t *data, size_t len)
{
	int fd = *(const int *)arg;

	while (len > 0) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return CAPSA_ERR_IO;
		data += n;
		len -= (size_t)n;
	}
	return CAPSA_OK;
}

capsa_status capsa_sink_file(void *arg, const uint8_t *data, size_t len)
{
	return len == 0 || fwrite(data, 1, len, (FILE *)arg) == len ? CAPSA_OK : CAPSA_ERR_IO;
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
