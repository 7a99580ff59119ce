/* capsa inspect: the public header of a capsa file, without any key. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if CAPSA_WITH_JSON
#include <jansson.h>
#endif

#include <capsa/container.h>

#include "cli.h"

static const char help[] =
	"NAME\n"
	"     capsa inspect - show the header of a capsa file\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa inspect [--json] FILE\n"
	"\n"
	"DESCRIPTION\n"
	"     Parses the header of FILE (\"-\" for standard input) without any key\n"
	"     and prints the format version, suite, chunk size, plaintext size,\n"
	"     content id, header size, producer signature, and the stanza types\n"
	"     with their counts. Nothing shown is authenticated except the\n"
	"     signature: only opening the file verifies the header MAC.\n"
	"\n"
	"     A file sealed from a stream records no plaintext size; for a regular\n"
	"     file, inspect then derives it from the file size.\n"
	"\n"
	"OPTIONS\n"
	"     --json       one JSON object on standard output\n"
	"     -h, --help   show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa inspect model.capsa\n"
	"     capsa inspect --json model.capsa | jq .stanzas\n";

/* Distinct stanza types, in order of first appearance, with counts. */
struct type_count {
	const char *type;
	size_t count;
	bool known;
};

static size_t count_types(struct type_count *out, const capsa_header_info *h)
{
	size_t n = 0;

	for (size_t i = 0; i < h->num_stanzas; i++) {
		size_t j = 0;
		while (j < n && strcmp(out[j].type, h->stanzas[i].type) != 0)
			j++;
		if (j == n)
			out[n++] = (struct type_count){h->stanzas[i].type, 0, h->stanzas[i].known};
		out[j].count++;
	}
	return n;
}

static void hex(char *out, const uint8_t *in, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

/* |derived| is the plaintext size from the file size, or UINT64_MAX if unknown. */
static int print_text(const char *name, const capsa_header_info *h, uint64_t derived,
                      const struct type_count *t, size_t nt)
{
	char id[2 * CAPSA_CONTENT_ID_BYTES + 1], signer[65];

	hex(id, h->content_id, sizeof h->content_id);
	printf("file:           %s\n", name);
	printf("format:         capsa v%u\n", h->version);
	printf("suite:          %s\n", capsa_suite_name(h->suite));
	printf("chunk size:     %" PRIu32 "\n", h->chunk_bytes);
	if (h->plaintext_len != CAPSA_LENGTH_UNKNOWN)
		printf("plaintext size: %" PRIu64 "\n", h->plaintext_len);
	else if (derived != UINT64_MAX)
		printf("plaintext size: %" PRIu64 " (not recorded; from the file size)\n", derived);
	else
		printf("plaintext size: unknown (sealed from a stream)\n");
	printf("content id:     %s\n", id);
	printf("header size:    %zu\n", h->header_len);
	if (h->signed_header && h->version == 1) {
		hex(signer, h->signer, sizeof h->signer);
		printf("signed:         header only (version 1), Ed25519 %s (signature verified; it does not "
		       "cover the payload)\n", signer);
	} else if (h->signed_header) {
		char key[CAPSA_SIGNER_STRLEN + 1];
		if (capsa_signer_encode(key, sizeof key, h->signer) != CAPSA_OK)
			key[0] = '\0';
		printf("signed:         yes, by %s (capsa verify checks the signature and every byte)\n", key);
		if (h->copy)
			printf("copy:           yes: carries its original's signature (capsa verify shows it)\n");
	} else {
		printf("signed:         no\n");
	}
	printf("stanzas:        %zu\n", h->num_stanzas);
	for (size_t i = 0; i < nt; i++)
		printf("  %-17s %zu%s\n", t[i].type, t[i].count, t[i].known ? "" : " (type unknown to this version)");
	return fflush(stdout) == 0 ? 0 : cli_fail("inspect", "standard output", CAPSA_ERR_IO);
}

#if CAPSA_WITH_JSON
static int print_json(const capsa_header_info *h, uint64_t derived, const struct type_count *t, size_t nt)
{
	char id[2 * CAPSA_CONTENT_ID_BYTES + 1], signer[65];
	json_t *o = json_object(), *arr = json_array();
	uint64_t size = h->plaintext_len != CAPSA_LENGTH_UNKNOWN ? h->plaintext_len : derived;
	int rc;

	hex(id, h->content_id, sizeof h->content_id);
	json_object_set_new(o, "version", json_integer(h->version));
	json_object_set_new(o, "suite", json_string(capsa_suite_name(h->suite)));
	json_object_set_new(o, "chunk_size", json_integer(h->chunk_bytes));
	/* JSON integers are signed 64-bit here: larger sizes (valid, if unlikely) go out as a decimal string. */
	char big[24];
	snprintf(big, sizeof big, "%" PRIu64, size);
	json_object_set_new(o, "plaintext_size", size == UINT64_MAX ? json_null()
	                                         : size > INT64_MAX ? json_string(big)
	                                                            : json_integer((json_int_t)size));
	json_object_set_new(o, "plaintext_size_recorded", json_boolean(h->plaintext_len != CAPSA_LENGTH_UNKNOWN));
	json_object_set_new(o, "content_id", json_string(id));
	json_object_set_new(o, "header_size", json_integer((json_int_t)h->header_len));
	if (h->signed_header)
		hex(signer, h->signer, sizeof h->signer);
	json_object_set_new(o, "signer", h->signed_header ? json_string(signer) : json_null());
	json_object_set_new(o, "stanza_count", json_integer((json_int_t)h->num_stanzas));
	for (size_t i = 0; i < nt; i++)
		json_array_append_new(arr, json_pack("{s:s, s:I, s:b}", "type", t[i].type, "count",
		                                     (json_int_t)t[i].count, "known", t[i].known));
	json_object_set_new(o, "stanzas", arr);
	rc = json_dumpf(o, stdout, JSON_SORT_KEYS | JSON_COMPACT) == 0 && puts("") != EOF && fflush(stdout) == 0
	             ? 0
	             : cli_fail("inspect", "standard output", CAPSA_ERR_IO);
	json_decref(o);
	return rc;
}
#else
static int print_json(const capsa_header_info *h, uint64_t derived, const struct type_count *t, size_t nt)
{
	(void)h, (void)derived, (void)t, (void)nt;
	fprintf(stderr, "capsa inspect: --json: this capsa was built without JSON support (CAPSA_WITH_JSON=OFF)\n");
	return CLI_EXIT_FAIL;
}
#endif

static int inspect(const char *path, bool json)
{
	capsa_header_info h;
	struct type_count *types = NULL;
	struct stat sb;
	uint64_t derived = UINT64_MAX;
	capsa_status st;
	int fd = cli_open_in("inspect", path), rc;

	if (fd < 0)
		return CLI_EXIT_IO;
	if ((st = capsa_inspect_fd(&h, NULL, NULL, fd)) != CAPSA_OK) {
		rc = cli_fail("inspect", path, st);
		goto out;
	}
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && capsa_inspect_plaintext_len(&derived, &h, fd) != CAPSA_OK)
		derived = UINT64_MAX;
	if ((types = calloc(h.num_stanzas, sizeof *types)) == NULL) {
		rc = cli_fail("inspect", path, CAPSA_ERR_NOMEM);
		goto out;
	}
	size_t nt = count_types(types, &h);
	rc = json ? print_json(&h, derived, types, nt) : print_text(path, &h, derived, types, nt);
out:
	free(types);
	capsa_header_info_free(&h);
	if (fd > STDIN_FILENO)
		close(fd);
	return rc;
}

static int run(int argc, char **argv)
{
	static const struct option longs[] = {
		{"json", no_argument, NULL, 'J'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	bool json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case 'J': json = true; break;
		case 'h': cli_help(help, help_tail); return 0;
		default: fprintf(stderr, "usage: capsa inspect [--json] FILE\n"); return CLI_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: capsa inspect [--json] FILE\n");
		return CLI_EXIT_USAGE;
	}
	return inspect(argv[optind], json);
}

const struct cli_verb cli_verb_inspect = {"inspect", "show a capsa file's header without any key", run};
