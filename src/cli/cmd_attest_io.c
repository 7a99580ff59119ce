/* Files, hex and times for `capsa attest`. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <capsa/util.h>

#include "cmd_attest.h"

capsa_status attest_read_file(const char *path, size_t max, uint8_t **out, size_t *out_len)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	uint8_t *buf = NULL;
	size_t len = 0;
	capsa_status st = CAPSA_ERR_IO;

	*out = NULL, *out_len = 0;
	if (fd < 0 || (buf = malloc(max + 1)) == NULL)
		goto out;
	for (;;) {
		ssize_t n = read(fd, buf + len, max + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			st = CAPSA_ERR_RANGE;
			goto out;
		}
	}
	*out = buf, *out_len = len, buf = NULL;
	st = CAPSA_OK;
out:
	if (fd > STDIN_FILENO)
		close(fd);
	free(buf);
	return st;
}

capsa_status attest_write_file(const char *path, const uint8_t *data, size_t len, int mode)
{
	bool to_stdout = path == NULL || strcmp(path, "-") == 0;
	int fd = to_stdout ? STDOUT_FILENO : open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	capsa_status st = CAPSA_OK;

	if (fd < 0)
		return errno == EEXIST ? CAPSA_ERR_EXISTS : CAPSA_ERR_IO;
	for (size_t done = 0; done < len && st == CAPSA_OK;) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			st = CAPSA_ERR_IO;
		else
			done += (size_t)n;
	}
	if (!to_stdout && close(fd) != 0)
		st = CAPSA_ERR_IO;
	if (st != CAPSA_OK && !to_stdout)
		unlink(path); /* never leave a partial file behind */
	return st;
}

bool attest_parse_hex(const char *what, const char *s, uint8_t *out, size_t min, size_t cap, size_t *out_len)
{
	if (capsa_hex_decode(out, cap, out_len, s) && *out_len >= min)
		return true;
	fprintf(stderr, "capsa attest: %s must be hex of %zu to %zu bytes\n", what, min, cap);
	return false;
}

bool attest_parse_time(const char *s, int64_t *out)
{
	struct tm tm = {0};
	char *end;
	long long v;
	int used = 0;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s != '\0' && *end == '\0' && errno == 0 && v >= 0) {
		*out = v;
		return true;
	}
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
	           &tm.tm_sec, &used) != 6 || s[used] != '\0' || tm.tm_mon < 1 || tm.tm_mon > 12)
		return false;
	tm.tm_year -= 1900, tm.tm_mon -= 1;
	*out = (int64_t)timegm(&tm);
	return *out >= 0;
}

capsa_status attest_load_sim_key(const char *path, uint8_t seed[CAPSA_SIM_SEEDBYTES])
{
	size_t len = 0;
	uint8_t *buf = NULL;
	struct stat sb;
	capsa_status st;

	if (stat(path, &sb) == 0 && (sb.st_mode & 077) != 0) {
		fprintf(stderr, "capsa attest: %s is readable by others; chmod 600 it\n", path);
		return CAPSA_ERR_KEY;
	}
	if ((st = attest_read_file(path, 4096, &buf, &len)) != CAPSA_OK)
		return st;
	st = capsa_sim_key_decode(seed, buf, len);
	capsa_wipe(buf, len);
	free(buf);
	return st;
}

/* capsa attest sim-keygen -o FILE */
int attest_cmd_sim_keygen(int argc, char **argv)
{
	uint8_t seed[CAPSA_SIM_SEEDBYTES], pub[CAPSA_SIM_PUBLICBYTES];
	char line[CAPSA_SIM_KEYFILE_BYTES + 1], pubhex[2 * CAPSA_SIM_PUBLICBYTES + 1];
	capsa_status st;
	int rc = 1;

	if (argc != 3 || strcmp(argv[1], "-o") != 0) {
		fprintf(stderr, "usage: capsa attest sim-keygen -o KEYFILE\n");
		return 2;
	}
	if ((st = capsa_sim_keygen(seed, pub)) != CAPSA_OK)
		goto out;
	capsa_sim_key_encode(line, seed);
	if ((st = attest_write_file(argv[2], (const uint8_t *)line, strlen(line), 0600)) != CAPSA_OK)
		goto out;
	capsa_hex_encode(pubhex, pub, sizeof pub);
	printf("%s\n", pubhex);
	fprintf(stderr, "capsa attest: SIMULATED platform key written to %s (development only: proves nothing)\n",
	        argv[2]);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "capsa attest sim-keygen: %s: %s\n", argv[argc - 1], capsa_status_str(st));
	capsa_wipe(seed, sizeof seed);
	capsa_wipe(line, sizeof line);
	return rc;
}
