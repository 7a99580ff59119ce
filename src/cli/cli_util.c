/* What the verbs share: exit codes, error messages, input and output files. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	"    13   refusing to overwrite an existing file\n"
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

/*
 * capsa_seal_fd/capsa_open_fd map regular input files; if another process
 * truncates the file meanwhile, touching the lost pages raises SIGBUS. Turn
 * that into an I/O error that leaves no output behind, not a crash.
 */
static void on_bus(int sig)
{
	static const char msg[] = "capsa: the input file shrank while it was being read\n";

	(void)sig;
	if (tmp_live)
		unlink(tmp_path);
	(void)!write(STDERR_FILENO, msg, sizeof msg - 1);
	_exit(CLI_EXIT_IO);
}

int cli_open_in(const char *verb, const char *path)
{
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return STDIN_FILENO;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		fprintf(stderr, "capsa %s: %s: %s\n", verb, path, strerror(errno));
	else
		signal(SIGBUS, on_bus);
	return fd;
}

static void on_signal(int sig)
{
	if (tmp_live)
		unlink(tmp_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

int cli_out_open(cli_out *o, const char *verb, const char *path)
{
	char *copy, *dir;
	size_t n;

	o->fd = STDOUT_FILENO;
	o->path = path;
	o->tmp = NULL;
	if (path == NULL || strcmp(path, "-") == 0) {
		o->path = NULL;
		return 0;
	}
	copy = strdup(path);
	dir = copy ? dirname(copy) : NULL;
	n = dir ? strlen(dir) + sizeof "/.capsa-tmp-XXXXXX" : 0;
	if (dir == NULL || n > sizeof tmp_path || (o->tmp = malloc(n)) == NULL) {
		free(copy);
		fprintf(stderr, "capsa %s: %s: path too long or out of memory\n", verb, path);
		return CLI_EXIT_FAIL;
	}
	snprintf(o->tmp, n, "%s/.capsa-tmp-XXXXXX", dir);
	free(copy);
	if ((o->fd = mkstemp(o->tmp)) < 0) {
		fprintf(stderr, "capsa %s: cannot create a file beside %s: %s\n", verb, path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return CLI_EXIT_IO;
	}
	strcpy(tmp_path, o->tmp);
	tmp_live = 1;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	return 0;
}

/* Makes the rename durable: fsync the directory that holds |path| (best effort). */
static void sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd = copy ? open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(copy);
}

int cli_out_commit(cli_out *o, const char *verb)
{
	mode_t mask = umask(0);

	umask(mask);
	if (o->tmp == NULL)
		return 0;
	if (fchmod(o->fd, 0666 & ~mask) != 0 || fsync(o->fd) != 0 || close(o->fd) != 0) {
		fprintf(stderr, "capsa %s: %s: %s\n", verb, o->path, strerror(errno));
		o->fd = -1;
		cli_out_abort(o);
		return CLI_EXIT_IO;
	}
	o->fd = -1;
	if (rename(o->tmp, o->path) != 0) {
		fprintf(stderr, "capsa %s: %s: %s\n", verb, o->path, strerror(errno));
		cli_out_abort(o);
		return CLI_EXIT_IO;
	}
	tmp_live = 0;
	sync_dir(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

void cli_out_abort(cli_out *o)
{
	if (o->tmp == NULL)
		return;
	if (o->fd >= 0)
		close(o->fd);
	unlink(o->tmp);
	tmp_live = 0;
	free(o->tmp);
	o->tmp = NULL;
	o->fd = -1;
}

int cli_stream(const char *verb, const char *in, const char *out_path,
               int (*work)(void *arg, int in_fd, cli_out *out), void *arg)
{
	cli_out out = {.fd = -1};
	int in_fd, rc;

	if ((in_fd = cli_open_in(verb, in)) < 0)
		return CLI_EXIT_IO;
	if ((rc = cli_out_open(&out, verb, out_path)) == 0 && (rc = work(arg, in_fd, &out)) == 0)
		rc = cli_out_commit(&out, verb);
	if (rc != 0)
		cli_out_abort(&out);
	if (in_fd > STDIN_FILENO)
		close(in_fd);
	return rc;
}
