/* What the verbs share: exit codes, error messages, input and output files. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capsa/file.h>

#include "cli.h"

const char cli_exit_help[] =
	"EXIT STATUS\n"
	"     0   success\n"
	"     1   any other failure\n"
	"     2   bad usage\n"
	"     3   I/O error (the message names the file)\n"
	"     4   not a capsa file\n"
	"     5   unsupported capsa format version\n"
	"     6   malformed or unsupported header\n"
	"     7   no identity matches\n"
	"     8   header authentication failed (MAC, or a version 1 header signature)\n"
	"     9   payload corrupted (the message names the chunk)\n"
	"    10   truncated input\n"
	"    11   trailing data after the payload\n"
	"    12   bad identity or recipient\n"
	"    13   refusing to overwrite an existing file (or an input, or through a\n"
	"          dangling symbolic link)\n"
	"    14   too few cfrags for the grant's threshold\n"
	"    15   a kfrag or cfrag does not verify (forged or damaged; the message names it)\n"
	"    16   a kfrag or cfrag of another file, owner, recipient or grant\n"
	"    17   the file has no umbral stanza (it was sealed without --owner)\n"
	"    18   not signed, or not by the required signer (--signer)\n"
	"    19   not what its signer signed: the signature, the trailer or a tree does not verify\n";

void cli_help(const char *head, const char *tail)
{
	fputs(head, stdout);
	fputs(cli_exit_help, stdout);
	fputs(tail, stdout);
}

int cli_exit_code(capsa_status st)
{
	switch (st) {
	case CAPSA_OK: return 0;
	case CAPSA_ERR_IO: return CLI_EXIT_IO;
	case CAPSA_ERR_NOT_CAPSA: return CLI_EXIT_NOT_CAPSA;
	case CAPSA_ERR_VERSION: return CLI_EXIT_VERSION;
	case CAPSA_ERR_DECODE:
	case CAPSA_ERR_UNSUPPORTED: return CLI_EXIT_MALFORMED;
	case CAPSA_ERR_NO_MATCH: return CLI_EXIT_NO_MATCH;
	case CAPSA_ERR_HEADER_AUTH: return CLI_EXIT_HEADER_AUTH;
	case CAPSA_ERR_SIGNER: return CLI_EXIT_SIGNER;
	case CAPSA_ERR_SIGNATURE:
	case CAPSA_ERR_TRAILER:
	case CAPSA_ERR_TREE: return CLI_EXIT_SIGNED;
	case CAPSA_ERR_CHUNK_AUTH:
	case CAPSA_ERR_AUTH: return CLI_EXIT_PAYLOAD;
	case CAPSA_ERR_TRUNCATED: return CLI_EXIT_TRUNCATED;
	case CAPSA_ERR_TRAILING: return CLI_EXIT_TRAILING;
	case CAPSA_ERR_KEY: return CLI_EXIT_KEY;
	case CAPSA_ERR_EXISTS: return CLI_EXIT_EXISTS;
	case CAPSA_ERR_THRESHOLD: return CLI_EXIT_THRESHOLD;
	case CAPSA_ERR_PROOF: return CLI_EXIT_VERIFY;
	case CAPSA_ERR_MISMATCH: return CLI_EXIT_MISMATCH;
	default: return CLI_EXIT_FAIL;
	}
}

/* Messages in the words of the capsa command, where they say more than capsa_status_str. */
static const char *message(capsa_status st)
{
	switch (st) {
	case CAPSA_ERR_NOT_CAPSA: return "not a capsa file";
	case CAPSA_ERR_VERSION: return "unsupported capsa format version";
	case CAPSA_ERR_DECODE: return "malformed header";
	case CAPSA_ERR_UNSUPPORTED: return "unsupported header (suite or chunk size)";
	case CAPSA_ERR_NO_MATCH: return "no identity matches (wrong identity, or the file's stanzas are damaged)";
	case CAPSA_ERR_HEADER_AUTH: return "header authentication failed: the header was modified";
	case CAPSA_ERR_SIGNATURE: return "the producer signature does not verify";
	case CAPSA_ERR_SIGNER: return "not signed by the required signer";
	case CAPSA_ERR_TRAILER: return "the signed trailer is malformed or disagrees with the file";
	case CAPSA_ERR_TREE: return "the payload is not what its signer signed (Merkle tree mismatch)";
	case CAPSA_ERR_AUTH: return "payload corrupted: the key commitment does not verify";
	case CAPSA_ERR_TRUNCATED: return "payload truncated: the file ends early";
	case CAPSA_ERR_TRAILING: return "trailing data after the end of the payload";
	case CAPSA_ERR_EXISTS: return "refusing to overwrite an existing file";
	default: return capsa_status_str(st);
	}
}

int cli_fail(const char *verb, const char *what, capsa_status st)
{
	if (st == CAPSA_ERR_IO)
		fprintf(stderr, "capsa %s: %s: %s\n", verb, what, strerror(errno ? errno : EIO));
	else
		fprintf(stderr, "capsa %s: %s: %s\n", verb, what, message(st));
	return cli_exit_code(st);
}

int cli_key_fail(const char *verb, const char *what, size_t line, capsa_status st)
{
	if (st == CAPSA_ERR_IO)
		return cli_fail(verb, what, st);
	if (line != 0)
		fprintf(stderr, "capsa %s: %s, line %zu: %s\n", verb, what, line, capsa_status_str(st));
	else
		fprintf(stderr, "capsa %s: %s: %s\n", verb, what, capsa_status_str(st));
	return CLI_EXIT_KEY;
}

/* The temporary file to remove if the process is interrupted. */
static volatile sig_atomic_t tmp_live;
static char tmp_path[4096];

int cli_open_in(const char *verb, const char *path)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return STDIN_FILENO;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		fprintf(stderr, "capsa %s: %s: %s\n", verb, path, strerror(errno));
	return fd;
}

/* The files a verb reads besides its main input: an output must be none of them. */
#define MAX_NOTED 64
static const char *noted[MAX_NOTED];
static size_t num_noted;

void cli_input_note(const char *path)
{
	if (path != NULL && strcmp(path, "-") != 0 && num_noted < MAX_NOTED)
		noted[num_noted++] = path;
}

static void on_signal(int sig)
{
	if (tmp_live)
		unlink(tmp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Removes the temporary file on ^C, SIGTERM, SIGHUP. */
static void guard_tmp(const char *tmp)
{
	if (tmp == NULL || strlen(tmp) >= sizeof tmp_path)
		return;
	strcpy(tmp_path, tmp);
	tmp_live = 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
}

/* Opens |o| at |path| with the main input |in_fd| and every noted input as the files it must not be. */
static capsa_status open_output(cli_out *o, const char *path, unsigned flags, int in_fd)
{
	int fds[MAX_NOTED + 1], saved;
	size_t n = 0;
	capsa_status st;

	if (in_fd >= 0)
		fds[n++] = in_fd;
	/* O_NONBLOCK: a FIFO among them must not wait for a writer just to be identified */
	for (size_t i = 0; i < num_noted; i++)
		fds[n++] = open(noted[i], O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	st = capsa_output_open(&o->file, path, flags, fds, n);
	saved = errno;
	for (size_t i = in_fd >= 0 ? 1 : 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	errno = saved;
	return st;
}

int cli_out_open(cli_out *o, const char *verb, const char *path, unsigned flags, int in_fd)
{
	capsa_status st;

	o->fd = STDOUT_FILENO;
	o->path = NULL;
	o->file = (capsa_output)CAPSA_OUTPUT_INIT;
	if (path == NULL || strcmp(path, "-") == 0)
		return 0;
	o->path = path;
	if ((st = open_output(o, path, flags, in_fd)) == CAPSA_ERR_EXISTS) {
		fprintf(stderr, "capsa %s: %s: %s\n", verb, path, o->file.refusal);
		return CLI_EXIT_EXISTS;
	}
	if (st != CAPSA_OK) {
		o->fd = -1;
		return cli_fail(verb, path, st);
	}
	o->fd = o->file.fd;
	guard_tmp(o->file.tmp);
	return 0;
}

int cli_out_commit(cli_out *o, const char *verb)
{
	capsa_status st;

	if (o->path == NULL)
		return 0;
	st = capsa_output_commit(&o->file);
	tmp_live = 0;
	o->fd = -1;
	return st == CAPSA_OK ? 0 : cli_fail(verb, o->path, st);
}

void cli_out_abort(cli_out *o)
{
	if (o->path == NULL)
		return;
	capsa_output_abort(&o->file);
	tmp_live = 0;
	o->fd = -1;
}

int cli_stream(const char *verb, const char *in, const char *out_path,
               int (*work)(void *arg, int in_fd, cli_out *out), void *arg)
{
	cli_out out;
	int in_fd, rc;

	if ((in_fd = cli_open_in(verb, in)) < 0)
		return CLI_EXIT_IO;
	if ((rc = cli_out_open(&out, verb, out_path, 0, in_fd)) == 0 && (rc = work(arg, in_fd, &out)) == 0)
		rc = cli_out_commit(&out, verb);
	if (rc != 0)
		cli_out_abort(&out);
	if (in_fd > STDIN_FILENO)
		close(in_fd);
	return rc;
}
