/* cli.h - what the verbs of the capsa command share. */
#ifndef CAPSA_CLI_H
#define CAPSA_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <capsa/file.h>
#include <capsa/status.h>

/*
 * Exit codes: one per class of failure, so scripts can tell a wrong key from
 * a damaged file (README "Exit codes" and every verb's -h list them).
 */
enum {
	CLI_EXIT_FAIL = 1,        /* any failure not listed below */
	CLI_EXIT_USAGE = 2,       /* bad command line */
	CLI_EXIT_IO = 3,          /* reading or writing a file failed */
	CLI_EXIT_NOT_CAPSA = 4,   /* the input is not a capsa file */
	CLI_EXIT_VERSION = 5,     /* a capsa file of an unsupported version */
	CLI_EXIT_MALFORMED = 6,   /* a malformed or unsupported header */
	CLI_EXIT_NO_MATCH = 7,    /* no identity matches any stanza */
	CLI_EXIT_HEADER_AUTH = 8, /* header MAC or signature does not verify */
	CLI_EXIT_PAYLOAD = 9,     /* a payload chunk (or its key commitment) is corrupted */
	CLI_EXIT_TRUNCATED = 10,  /* the input ended early */
	CLI_EXIT_TRAILING = 11,   /* data after the end of the payload */
	CLI_EXIT_KEY = 12,        /* a bad identity or recipient */
	CLI_EXIT_EXISTS = 13,     /* refusing to overwrite a file */
	CLI_EXIT_THRESHOLD = 14,  /* fewer cfrags than the grant's threshold */
	CLI_EXIT_VERIFY = 15,     /* a kfrag or cfrag does not verify (forged or damaged) */
	CLI_EXIT_MISMATCH = 16,   /* a kfrag or cfrag of another file, owner, recipient or grant */
	CLI_EXIT_NO_ROUTE = 17,   /* the file has no umbral stanza (sealed without --owner) */
	CLI_EXIT_SIGNER = 18,     /* not signed, or not by the required signer (--signer) */
	CLI_EXIT_SIGNED = 19,     /* not what the signer signed: signature, trailer or trees */
	CLI_EXIT_ATTEST = 20,     /* attestation refused: a named check failed (capsa attest verify, tpm2-enroll) */
};

struct cli_verb {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is the verb */
};

extern const struct cli_verb cli_verb_version;
extern const struct cli_verb cli_verb_attest;
extern const struct cli_verb cli_verb_keygen;
extern const struct cli_verb cli_verb_seal;
extern const struct cli_verb cli_verb_open;
extern const struct cli_verb cli_verb_inspect;
extern const struct cli_verb cli_verb_grant;
extern const struct cli_verb cli_verb_reencrypt;
extern const struct cli_verb cli_verb_verify;
#if CAPSA_WITH_NET
extern const struct cli_verb cli_verb_witness;
extern const struct cli_verb cli_verb_keeper;
extern const struct cli_verb cli_verb_access;
extern const struct cli_verb cli_verb_fetch;
extern const struct cli_verb cli_verb_proxy;
extern const struct cli_verb cli_verb_revoke;
extern const struct cli_verb cli_verb_audit;
#endif

/* ---- cli_util.c ------------------------------------------------------- */

/* The EXIT STATUS section every verb's help prints. */
extern const char cli_exit_help[];

/* cli_help prints a verb's manual: |head|, the EXIT STATUS section, |tail|. */
void cli_help(const char *head, const char *tail);

/* cli_exit_code maps a container status to its exit code. */
int cli_exit_code(capsa_status st);

/* cli_fail prints "capsa VERB: WHAT: message" for |st| and returns its exit code. */
int cli_fail(const char *verb, const char *what, capsa_status st);

/*
 * cli_key_fail reports a bad identity or recipient input (file |what|, line
 * |line| if not 0) and returns CLI_EXIT_KEY, or CLI_EXIT_IO for CAPSA_ERR_IO.
 */
int cli_key_fail(const char *verb, const char *what, size_t line, capsa_status st);

/*
 * An output file: with path NULL or "-" it is standard output; otherwise
 * capsa_output_open (capsa/file.h) decides how |path| is written: a file
 * under a temporary name beside its target, renamed over it only by
 * cli_out_commit after an fsync (a failure, or ^C, leaves no file behind);
 * a device, FIFO or socket in place; an input never.
 */
typedef struct cli_out {
	int fd;
	const char *path; /* NULL for standard output */
	capsa_output file;
} cli_out;

/*
 * cli_out_open opens |o| (|flags|: capsa_output_open's) refusing to write to
 * |in_fd| (-1 if none) or any file given to cli_input_note. Returns 0 or an
 * exit code (message printed).
 */
int cli_out_open(cli_out *o, const char *verb, const char *path, unsigned flags, int in_fd);
int cli_out_commit(cli_out *o, const char *verb);
/* Removes the temporary file, if any. */
void cli_out_abort(cli_out *o);

/* cli_input_note records a file the verb reads (NULL and "-" ignored), so that no output replaces it. */
void cli_input_note(const char *path);

/* Opens |path| for reading ("-" or NULL is stdin). Returns the fd, or -1 after a message. */
int cli_open_in(const char *verb, const char *path);

/*
 * cli_stream opens |in| (NULL or "-": stdin) and |out_path| as a cli_out,
 * runs |work| on them and commits the output only if it returned 0; on any
 * failure the output is removed. Returns 0 or the exit code.
 */
int cli_stream(const char *verb, const char *in, const char *out_path,
               int (*work)(void *arg, int in_fd, cli_out *out), void *arg);

/* ---- cli_grant.c: what grant, reencrypt and open --cfrag share ------- */

struct capsa_grant_report;
struct capsa_identity;

/*
 * cli_grant_fail reports a failed kfrag or cfrag check: "capsa VERB: WHAT:
 * the check's name" and returns its exit code (14 to 17, or as cli_fail).
 */
int cli_grant_fail(const char *verb, const char *what, const struct capsa_grant_report *rep, capsa_status st);

/*
 * cli_read_signer parses a --signer argument (a capsasig1… string, or a file
 * holding one) into |key|. Returns 0 or an exit code (message printed).
 */
int cli_read_signer(const char *verb, const char *arg, uint8_t key[32]);

/*
 * cli_add_identities appends the identities of the identity file |path| to
 * the list |*ids| of |*num_ids| (capsa_identity_list_free). Returns 0 or an
 * exit code (message printed).
 */
int cli_add_identities(const char *verb, const char *path, struct capsa_identity **ids, size_t *num_ids);

/* cli_read_owner reads the first identity of the identity file |path|. Returns 0 or an exit code. */
int cli_read_owner(const char *verb, const char *path, struct capsa_identity *out);

/* cli_read_header reads the header of the capsa file |path| (free()). Returns 0 or an exit code. */
int cli_read_header(const char *verb, const char *path, uint8_t **hdr, size_t *len);

/* ---- cli_progress.c ----------------------------------------------------- */

/*
 * A progress bar on stderr, drawn only when stderr is a terminal, not
 * disabled, and the work has run for over a second.
 */
typedef struct cli_progress {
	bool enabled;
	bool drawn;
	const char *label;
	uint64_t total; /* 0 if unknown */
	uint64_t done;
	double start, last;
} cli_progress;

void cli_progress_start(cli_progress *p, const char *label, uint64_t total, bool quiet);
void cli_progress_add(cli_progress *p, uint64_t n);
void cli_progress_end(cli_progress *p);

#endif
