/* Input files, hex, times and the sim key for `capsa attest`. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <capsa/file.h>
#include <capsa/util.h>

#include "cli.h"
#include "cmd_attest.h"

capsa_status attest_read_file(const char *path, size_t max, uint8_t **out, size_t *out_len)
{
	cli_input_note(path); /* an output path that names it is refused */
	if (strcmp(path, "-") == 0)
		return capsa_fd_read(out, out_len, STDIN_FILENO, max);
	return capsa_file_read(out, out_len, path, max);
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
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	cli_input_note(path);
	if (fd < 0)
		return CAPSA_ERR_IO;
	if (fstat(fd, &sb) == 0 && (sb.st_mode & 077) != 0) { /* the file read, not whatever the path names later */
		fprintf(stderr, "capsa attest quote: %s is readable by others; chmod 600 it\n", path);
		close(fd);
		return CAPSA_ERR_KEY;
	}
	st = capsa_fd_read(&buf, &len, fd, 4096);
	close(fd);
	if (st != CAPSA_OK)
		return st;
	st = capsa_sim_key_decode(seed, buf, len);
	capsa_wipe(buf, len);
	free(buf);
	return st;
}

int attest_write_out(const char *sub, const char *path, const uint8_t *data, size_t len)
{
	char verb[32];
	cli_out out = {.fd = -1};
	int rc;

	snprintf(verb, sizeof verb, "attest %s", sub);
	if ((rc = cli_out_open(&out, verb, path, 0, -1)) != 0)
		return rc;
	if (capsa_write_all(out.fd, data, len) != CAPSA_OK) {
		rc = cli_fail(verb, path ? path : "standard output", CAPSA_ERR_IO);
		cli_out_abort(&out);
		return rc;
	}
	return cli_out_commit(&out, verb);
}
