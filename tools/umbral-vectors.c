/*
 * umbral-vectors - check or emit umbral-interop-vectors/v1 files.
 *
 *   umbral-vectors check FILE   runs every case and negative case of FILE,
 *                               prints "N passed, N failed", exits 1 on any failure
 *   umbral-vectors emit OUT     writes a file from capsa's own outputs (fresh keys)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "umbral-vectors/vectors.h"

static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL)
		return NULL;
	do {
		if (n == cap) {
			char *grown = realloc(buf, cap = cap ? 2 * cap : 65536);
			if (grown == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = grown;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	if (f != stdin)
		fclose(f);
	*len = n;
	return buf;
}

static int cmd_check(const char *path)
{
	size_t len = 0;
	char *json = read_all(path, &len);
	umb_vectors_result res = {0, 0};

	if (json == NULL) {
		fprintf(stderr, "umbral-vectors: cannot read %s\n", path);
		return 2;
	}
	if (umb_vectors_check(json, len, &res, stderr) != CAPSA_OK) {
		fprintf(stderr, "umbral-vectors: %s is not an umbral-interop-vectors/v1 file\n", path);
		free(json);
		return 2;
	}
	free(json);
	printf("%zu passed, %zu failed\n", res.passed, res.failed);
	return res.failed == 0 && res.passed > 0 ? 0 : 1;
}

static int cmd_emit(const char *path)
{
	char *json = NULL;
	FILE *f;
	int rc = 0;

	if (umb_vectors_emit(&json) != CAPSA_OK) {
		fprintf(stderr, "umbral-vectors: emitting failed\n");
		return 1;
	}
	f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
	if (f == NULL || fputs(json, f) == EOF || fputc('\n', f) == EOF)
		rc = 1;
	if (f != NULL && f != stdout && fclose(f) != 0)
		rc = 1;
	if (rc != 0)
		fprintf(stderr, "umbral-vectors: cannot write %s\n", path);
	free(json);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "check") == 0)
		return cmd_check(argv[2]);
	if (argc == 3 && strcmp(argv[1], "emit") == 0)
		return cmd_emit(argv[2]);
	fprintf(stderr, "usage: umbral-vectors check FILE\n       umbral-vectors emit OUT\n");
	return 2;
}
