/* capsa verify: check a signed file's signature, trees and every ciphertext byte, without any key. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if CAPSA_WITH_JSON
#include <jansson.h>
#endif

#include <capsa/container.h>
#include <capsa/keys.h>

#include "cli.h"

static const char help[] =
	"NAME\n"
	"     capsa verify - check that a signed capsa file is exactly what its signer made\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa verify [--signer KEY] [-i IDENTITY ...] [-j THREADS] [--json] FILE\n"
	"\n"
	"DESCRIPTION\n"
	"     Checks a file sealed with capsa seal --sign, without any key: the\n"
	"     signer the header names (and with --signer, that it is KEY), the\n"
	"     trailer and the signature over the header and manifest, every\n"
	"     ciphertext chunk against the signed ciphertext tree, and every stored\n"
	"     node of both trees against their signed roots. For a copy (a file\n"
	"     re-encrypted by a keeper) also the original producer's signature and\n"
	"     that the copy commits to the same plaintext. The ciphertext is proven\n"
	"     the signer's by SHA-256, not by AEAD tags, which anyone who can open\n"
	"     the file could forge.\n"
	"\n"
	"     With -i, the file is also decrypted (nothing is written) and every\n"
	"     plaintext chunk checked against the signed commitments: the plaintext\n"
	"     is then proven the signer's (for a copy: the original producer's).\n"
	"     A copy satisfies --signer through its original's signer only with -i:\n"
	"     without a key anyone could have attached that origin to other plaintext.\n"
	"\n"
	"     It prints what was proven. An unsigned file, or one signed only by a\n"
	"     version 1 header signature (which does not cover the payload), fails\n"
	"     with exit status 18.\n"
	"\n"
	"OPTIONS\n"
	"     --signer KEY         require this signer: a capsasig1... key, or a file holding one\n"
	"     -i, --identity FILE  also decrypt and check the plaintext; may be repeated\n"
	"     -j, --threads N      worker threads for decryption (default: one per CPU)\n"
	"     --json               print the result as one JSON object\n"
	"     -h, --help           show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa verify --signer capsasig1... model.capsa\n"
	"     capsa verify --signer producer.txt -i key.txt --json model.capsa\n";

static const char usage[] = "usage: capsa verify [--signer KEY] [-i IDENTITY ...] [-j N] [--json] FILE\n";

struct verify_args {
	capsa_identity *ids;
	size_t num_ids;
	uint8_t signer[32];
	bool require_signer, json;
	unsigned threads;
	const char *path;
};

static int parse_args(struct verify_args *a, int argc, char **argv)
{
	static const struct option longs[] = {
		{"signer", required_argument, NULL, 'S'}, {"identity", required_argument, NULL, 'i'},
		{"threads", required_argument, NULL, 'j'}, {"json", no_argument, NULL, 'J'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	char *end;
	int c, rc = 0;

	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "i:j:h", longs, NULL)) != -1) {
		switch (c) {
		case 'S':
			rc = cli_read_signer("verify", optarg, a->signer);
			a->require_signer = true;
			break;
		case 'i': rc = cli_add_identities("verify", optarg, &a->ids, &a->num_ids); break;
		case 'j':
			a->threads = (unsigned)strtoul(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || a->threads > 1024) {
				fprintf(stderr, "capsa verify: -j wants a number from 0 to 1024, not '%s'\n", optarg);
				rc = CLI_EXIT_USAGE;
			}
			break;
		case 'J': a->json = true; break;
		case 'h': cli_help(help, help_tail); return -1;
		default: fputs(usage, stderr); return CLI_EXIT_USAGE;
		}
	}
	if (rc == 0 && argc - optind != 1) {
		fputs(usage, stderr);
		rc = CLI_EXIT_USAGE;
	}
	if (rc == 0)
		a->path = argv[optind];
	return rc;
}

static const char *plaintext_word(const capsa_verify_result *r, bool have_key)
{
	if (r->checks & CAPSA_CHECKED_PLAINTEXT)
		return "checked";
	return have_key ? "not checked" : "not checked (no key: give -i)";
}

static int print_text(const struct verify_args *a, const capsa_verify_result *r, const char *signer,
                      const char *origin)
{
	printf("%s: every ciphertext byte signed by %s\n", a->path, signer);
	printf("  chunks:                %" PRIu64 " (%" PRIu64 " bytes of plaintext)\n", r->chunks, r->plaintext_len);
	printf("  stored tree nodes:     consistent with the signed roots\n");
	if (r->copy)
		printf("  copy of a file signed by %s: its signature verified, same plaintext commitments\n", origin);
	printf("  plaintext commitments: %s\n", plaintext_word(r, a->num_ids > 0));
	return fflush(stdout) == 0 ? 0 : cli_fail("verify", "standard output", CAPSA_ERR_IO);
}

#if CAPSA_WITH_JSON
static int print_json(const struct verify_args *a, const capsa_verify_result *r, const char *signer,
                      const char *origin, capsa_status st, int rc)
{
	json_t *o = json_object();
	char big[24];

	json_object_set_new(o, "file", json_string(a->path));
	json_object_set_new(o, "ok", json_boolean(st == CAPSA_OK));
	json_object_set_new(o, "exit", json_integer(rc));
	json_object_set_new(o, "error", st == CAPSA_OK ? json_null() : json_string(capsa_status_str(st)));
	json_object_set_new(o, "signer", signer[0] ? json_string(signer) : json_null());
	json_object_set_new(o, "copy", json_boolean(r->copy));
	json_object_set_new(o, "origin_signer", r->copy && st == CAPSA_OK ? json_string(origin) : json_null());
	json_object_set_new(o, "ciphertext", json_boolean((r->checks & CAPSA_CHECKED_CIPHERTEXT) != 0));
	json_object_set_new(o, "plaintext", json_boolean((r->checks & CAPSA_CHECKED_PLAINTEXT) != 0));
	json_object_set_new(o, "origin", json_boolean((r->checks & CAPSA_CHECKED_ORIGIN) != 0));
	snprintf(big, sizeof big, "%" PRIu64, r->plaintext_len);
	json_object_set_new(o, "plaintext_size",
	                    st != CAPSA_OK ? json_null()
	                    : r->plaintext_len > INT64_MAX ? json_string(big)
	                                                    : json_integer((json_int_t)r->plaintext_len));
	json_object_set_new(o, "chunks", st != CAPSA_OK ? json_null() : json_integer((json_int_t)r->chunks));
	if (json_dumpf(o, stdout, JSON_SORT_KEYS | JSON_COMPACT) != 0 || puts("") == EOF || fflush(stdout) != 0)
		rc = cli_fail("verify", "standard output", CAPSA_ERR_IO);
	json_decref(o);
	return rc;
}
#else
static int print_json(const struct verify_args *a, const capsa_verify_result *r, const char *signer,
                      const char *origin, capsa_status st, int rc)
{
	(void)a, (void)r, (void)signer, (void)origin, (void)st, (void)rc;
	fprintf(stderr, "capsa verify: --json: this capsa was built without JSON support (CAPSA_WITH_JSON=OFF)\n");
	return CLI_EXIT_FAIL;
}
#endif

static int verify(const struct verify_args *a)
{
	capsa_unlock unlock = {.identities = a->ids, .num_identities = a->num_ids};
	capsa_verify_opts vo = {.require_signer = a->require_signer ? a->signer : NULL,
	                        .unlock = a->num_ids > 0 ? &unlock : NULL, .threads = a->threads};
	capsa_verify_result r;
	char signer[CAPSA_SIGNER_STRLEN + 1] = "", origin[CAPSA_SIGNER_STRLEN + 1] = "";
	int fd = cli_open_in("verify", a->path), rc = 0;
	capsa_status st;

	if (fd < 0)
		return CLI_EXIT_IO;
	st = capsa_verify_fd(&r, fd, &vo);
	if (fd > STDIN_FILENO)
		close(fd);
	if (memcmp(r.signer, (uint8_t[32]){0}, 32) != 0 && capsa_signer_encode(signer, sizeof signer, r.signer) != CAPSA_OK)
		signer[0] = '\0';
	if (r.copy && capsa_signer_encode(origin, sizeof origin, r.origin_signer) != CAPSA_OK)
		origin[0] = '\0';
	if (st == CAPSA_ERR_SIGNER && !a->require_signer) {
		fprintf(stderr, "capsa verify: %s: not signed (or only by a version 1 header signature, which does "
		                "not cover the payload)\n", a->path);
		rc = CLI_EXIT_SIGNER;
	} else if (st == CAPSA_ERR_SIGNER && r.copy && a->num_ids == 0 &&
	           memcmp(r.origin_signer, a->signer, 32) == 0) {
		fprintf(stderr, "capsa verify: %s: a copy proves its original's signer only with its plaintext "
		                "checked: give -i\n", a->path);
		rc = CLI_EXIT_SIGNER;
	} else if (st != CAPSA_OK) {
		rc = cli_fail("verify", a->path, st);
	}
	if (a->json)
		return print_json(a, &r, signer, origin, st, rc);
	return rc != 0 ? rc : print_text(a, &r, signer, origin);
}

static int run(int argc, char **argv)
{
	struct verify_args a = {0};
	int rc = parse_args(&a, argc, argv);

	if (rc == 0)
		rc = verify(&a);
	capsa_identity_list_free(a.ids, a.num_ids);
	return rc < 0 ? 0 : rc;
}

const struct cli_verb cli_verb_verify = {"verify", "check a signed file is exactly what its signer made", run};
