/* What grant, reencrypt and open --cfrag share: owner identities, headers, and naming failed checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/grant.h>
#include <capsa/keys.h>

#include "cli.h"

int cli_grant_fail(const char *verb, const char *what, const capsa_grant_report *rep, capsa_status st)
{
	if (rep == NULL || rep->check == CAPSA_GRANT_CHECK_NONE)
		return cli_fail(verb, what, st);
	if (rep->check == CAPSA_GRANT_CHECK_THRESHOLD) {
		fprintf(stderr, "capsa %s: %s: too few cfrags: have %zu, need %zu\n", verb, what, rep->have, rep->need);
		return CLI_EXIT_THRESHOLD;
	}
	if (rep->check == CAPSA_GRANT_CHECK_VERIFY)
		fprintf(stderr, "capsa %s: %s: %s (%s)\n", verb, what, capsa_grant_check_name(rep->check),
		        rep->cause == CAPSA_ERR_SIGNATURE ? "its signature does not cover these keys"
		                                          : capsa_status_str(rep->cause));
	else
		fprintf(stderr, "capsa %s: %s: %s\n", verb, what, capsa_grant_check_name(rep->check));
	switch (rep->check) {
	case CAPSA_GRANT_CHECK_VERIFY: return CLI_EXIT_VERIFY;
	case CAPSA_GRANT_CHECK_DUPLICATE: return CLI_EXIT_THRESHOLD;
	default: return CLI_EXIT_MISMATCH;
	}
}

int cli_read_owner(const char *verb, const char *path, capsa_identity *out)
{
	capsa_identity *ids = NULL;
	size_t n = 0, line = 0;
	capsa_status st = capsa_identity_file_read(&ids, &n, path, &line);

	if (st != CAPSA_OK)
		return cli_key_fail(verb, path, line, st);
	cli_input_note(path);
	*out = ids[0];
	capsa_identity_list_free(ids, n);
	return 0;
}

int cli_read_header(const char *verb, const char *path, uint8_t **hdr, size_t *len)
{
	int fd = cli_open_in(verb, path);
	capsa_header_info info;
	capsa_status st;

	if (fd < 0)
		return CLI_EXIT_IO;
	cli_input_note(path);
	st = capsa_inspect_fd(&info, hdr, len, fd);
	capsa_header_info_free(&info);
	if (fd != STDIN_FILENO)
		close(fd);
	return st == CAPSA_OK ? 0 : cli_fail(verb, path ? path : "standard input", st);
}

int cli_read_signer(const char *verb, const char *arg, uint8_t key[32])
{
	capsa_status st = capsa_signer_read(key, arg);

	if (st == CAPSA_OK)
		return 0;
	if (st == CAPSA_ERR_IO)
		return cli_fail(verb, arg, st);
	fprintf(stderr, "capsa %s: --signer %s: not a signer key (capsasig1...) or a file holding one\n", verb, arg);
	return CLI_EXIT_KEY;
}

int cli_add_identities(const char *verb, const char *path, capsa_identity **ids, size_t *num_ids)
{
	capsa_identity *got = NULL, *all;
	size_t n = 0, line = 0;
	capsa_status st = capsa_identity_file_read(&got, &n, path, &line);

	if (st != CAPSA_OK)
		return cli_key_fail(verb, path, line, st);
	cli_input_note(path);
	if ((all = calloc(*num_ids + n, sizeof *all)) == NULL) {
		capsa_identity_list_free(got, n);
		return cli_fail(verb, path, CAPSA_ERR_NOMEM);
	}
	if (*num_ids > 0)
		memcpy(all, *ids, *num_ids * sizeof *all);
	memcpy(all + *num_ids, got, n * sizeof *all);
	capsa_identity_list_free(*ids, *num_ids);
	capsa_identity_list_free(got, n);
	*ids = all;
	*num_ids += n;
	return 0;
}
