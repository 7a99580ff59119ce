/*
 * capsa audit: check a proxy's transparency log from outside: its latest
 * checkpoint (signed by the pinned key, cosigned by witnesses if asked),
 * every tile and entry against it, and consistency with an earlier
 * checkpoint; list its entries; verify a receipt offline.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <capsa/file.h>
#include <capsa/tlog.h>
#include <capsa/util.h>

#include "cli.h"
#include "cli_net.h"

#define MAX_WITNESSES 16

static const char help[] =
	"NAME\n"
	"     capsa audit - verify a proxy's transparency log, list it, check a receipt\n"
	"\n"
	"SYNOPSIS\n"
	"     capsa audit verify --proxy URL#RECIPIENT [--since CHECKPOINT] [--witness VKEY ...] [-o FILE]\n"
	"     capsa audit show --proxy URL#RECIPIENT [--from N] [--count K]\n"
	"     capsa audit receipt RECEIPT --proxy-key RECIPIENT\n"
	"\n"
	"DESCRIPTION\n"
	"     verify fetches the proxy's latest checkpoint from URL/v1/log/checkpoint\n"
	"     and checks that the proxy's pinned key signed it (and, for each\n"
	"     --witness vkey, that the witness cosigned it); then it fetches every\n"
	"     tile and entry bundle of the log (c2sp.org/tlog-tiles), recomputes the\n"
	"     root and checks every entry's hash against it and that every entry is\n"
	"     a capsa proxy event. With --since CHECKPOINT (a checkpoint this command\n"
	"     printed or saved before) it also proves the new tree extends the old\n"
	"     one: a proxy that rewrote or dropped history is caught. It prints the\n"
	"     new checkpoint (or writes it to FILE with -o), to be given as --since\n"
	"     next time.\n"
	"\n"
	"     show lists the entries: index, event, grant, content, the parties\n"
	"     (by party id: the hash of their key) and the time.\n"
	"\n"
	"     receipt verifies a receipt offline (capsa open --receipts keeps them):\n"
	"     the checkpoint is signed by the proxy whose recipient string is given,\n"
	"     and the entry is in its tree. It prints the entry.\n"
	"\n"
	"OPTIONS\n"
	"     --proxy URL#RECIPIENT  the proxy, pinned (a bare URL warns)\n"
	"     --since CHECKPOINT     an earlier checkpoint file of the same log\n"
	"     --witness VKEY         a witness's cosignature vkey that must have cosigned (repeatable)\n"
	"     -o, --output FILE      write the new checkpoint to FILE (replaced atomically)\n"
	"     --from N, --count K    the entries show lists (default: all)\n"
	"     --proxy-key RECIPIENT  the proxy's recipient string, for receipt\n"
	"     -h, --help             show this help\n"
	"\n";

static const char help_tail[] =
	"\n"
	"EXAMPLES\n"
	"     capsa audit verify --proxy \"$(head -n1 proxies | tr ' ' '#')\" -o p1.checkpoint\n"
	"     capsa audit verify --proxy ... --since p1.checkpoint -o p1.checkpoint\n"
	"     capsa audit receipt receipts/0729...-38067e3b25d8f299.receipt --proxy-key capsa1...\n";

struct audit_args {
	cli_proxies proxies;
	const char *since, *output, *receipt;
	capsa_recipient proxy_key;
	bool have_key;
	capsa_note_verifier witnesses[MAX_WITNESSES];
	size_t num_witnesses;
	uint64_t from, count;
};

/* ---- Fetching the log -------------------------------------------------------------- */

static capsa_status fetch(const capsa_proxy_peer *peer, const char *path, uint8_t **data, size_t *len, long *status)
{
	capsa_http_client_opts opts;
	capsa_http_call call;
	char url[2048];
	capsa_status st;

	capsa_http_client_opts_default(&opts);
	opts.max_body = CAPSA_TLOG_PROOF_MAX_BYTES;
	snprintf(url, sizeof url, "%s/v1/log/%s", peer->url, path);
	st = capsa_http_get(&call, url, &opts);
	*status = call.status;
	if (st == CAPSA_OK && (call.outcome != CAPSA_HTTP_DONE || call.status != 200))
		st = CAPSA_ERR_IO;
	if (st == CAPSA_OK) {
		*data = call.response;
		*len = call.response_len;
		call.response = NULL;
	}
	capsa_http_call_clear(&call);
	return st;
}

static capsa_status fetch_tile(void *arg, const char *path, uint8_t **data, size_t *len)
{
	long status;
	return fetch(arg, path, data, len, &status);
}

/* Opens a checkpoint of |peer|'s log: its own signature, and the witnesses'. */
static int open_checkpoint(const struct audit_args *a, const capsa_proxy_peer *peer, const char *note, size_t len,
                           capsa_checkpoint *cp, const char *what)
{
	capsa_checkpoint probe;
	capsa_note parsed;
	capsa_note_verifier key;
	bool cosigned[MAX_WITNESSES] = {false};
	capsa_status st = capsa_note_parse(&parsed, note, len);

	if (st == CAPSA_OK) {
		st = capsa_checkpoint_parse(&probe, parsed.text, parsed.text_len);
		capsa_note_free(&parsed);
	}
	if (st == CAPSA_OK) {
		st = capsa_proxy_log_verifier(&key, probe.origin, &peer->key);
		capsa_checkpoint_free(&probe);
	}
	if (st == CAPSA_OK)
		st = capsa_checkpoint_open(cp, NULL, note, len, NULL, &key, a->witnesses, a->num_witnesses, cosigned);
	if (st != CAPSA_OK) {
		fprintf(stderr, "capsa audit: %s: %s\n", what,
		        st == CAPSA_ERR_SIGNER || st == CAPSA_ERR_SIGNATURE ? "not signed by the proxy's pinned key"
		                                                            : "not a checkpoint");
		return CLI_EXIT_SIGNER;
	}
	for (size_t i = 0; i < a->num_witnesses; i++)
		if (!cosigned[i]) {
			fprintf(stderr, "capsa audit: %s: not cosigned by the witness %s\n", what, a->witnesses[i].name);
			capsa_checkpoint_free(cp);
			return CLI_EXIT_SIGNER;
		}
	return 0;
}

/* Every entry bundle: each entry's hash is checked against the root by the reader; each must be an event. */
static int check_entries(capsa_tile_reader *r, uint64_t size, bool print, uint64_t from, uint64_t count)
{
	for (uint64_t n = 0; n * CAPSA_TILE_WIDTH < size; n++) {
		capsa_entry_span spans[CAPSA_TILE_WIDTH];
		uint8_t *data = NULL;
		size_t len, num;
		capsa_status st = capsa_tile_reader_entries(r, &data, &len, spans, &num, n);
		if (st != CAPSA_OK) {
			fprintf(stderr, "capsa audit: entry bundle %" PRIu64 ": %s\n", n,
			        st == CAPSA_ERR_AUTH ? "an entry does not match the signed tree (the log was altered)"
			                             : capsa_status_str(st));
			return CLI_EXIT_SIGNED;
		}
		for (size_t i = 0; i < num; i++) {
			uint64_t index = n * CAPSA_TILE_WIDTH + i;
			capsa_proxy_event e;
			if (capsa_proxy_event_parse(&e, data + spans[i].offset, spans[i].len) != CAPSA_OK) {
				fprintf(stderr, "capsa audit: entry %" PRIu64 ": not a capsa proxy event\n", index);
				free(data);
				return CLI_EXIT_MALFORMED;
			}
			if (print && index >= from && (count == 0 || index - from < count)) {
				char g[33], c[33];
				capsa_hex_encode(g, e.grant_id, sizeof e.grant_id);
				capsa_hex_encode(c, e.content_id, sizeof e.content_id);
				const char *role = e.type == CAPSA_EVENT_GRANT ? "recipient" : "requester";
				printf("%" PRIu64 "\t%s\tgrant %s\tcontent %s\t%s%s%s%s%s%s\ttime %" PRIu64 "\n", index,
				       capsa_proxy_event_name(e.type), g, c, e.owner[0] ? "owner " : "", e.owner,
				       e.owner[0] && e.party[0] ? " " : "", e.party[0] ? role : "", e.party[0] ? " " : "",
				       e.party, e.time);
			}
		}
		free(data);
	}
	return 0;
}

static int check_since(const struct audit_args *a, const capsa_proxy_peer *peer, capsa_tile_reader *r,
                       const capsa_checkpoint *now)
{
	uint8_t *old = NULL, root[32], proof[CAPSA_TLOG_MAX_PROOF][32];
	size_t len = 0, n;
	capsa_checkpoint cp;
	int rc;

	if (capsa_file_read(&old, &len, a->since, CAPSA_NOTE_MAX_BYTES) != CAPSA_OK) {
		fprintf(stderr, "capsa audit: %s: cannot read\n", a->since);
		return CLI_EXIT_IO;
	}
	rc = open_checkpoint(a, peer, (const char *)old, len, &cp, a->since);
	free(old);
	if (rc != 0)
		return rc;
	if (strcmp(cp.origin, now->origin) != 0 || cp.size > now->size) {
		fprintf(stderr, "capsa audit: %s: of another log, or larger than the proxy's tree now: history was lost\n",
		        a->since);
		rc = CLI_EXIT_SIGNED;
	} else if (cp.size > 0 &&
	           (capsa_tile_reader_consistency(r, root, proof, &n, cp.size) != CAPSA_OK ||
	            memcmp(root, cp.root, sizeof root) != 0)) {
		fprintf(stderr, "capsa audit: the log at size %" PRIu64 " is not the one %s recorded: history was rewritten\n",
		        cp.size, a->since);
		rc = CLI_EXIT_SIGNED;
	} else {
		fprintf(stderr, "capsa audit: consistent with %s (size %" PRIu64 ")\n", a->since, cp.size);
	}
	capsa_checkpoint_free(&cp);
	return rc;
}

static int write_checkpoint(const char *path, const char *note, size_t len)
{
	capsa_output o = CAPSA_OUTPUT_INIT;
	capsa_status st;

	if (path == NULL) {
		fwrite(note, 1, len, stdout);
		return 0;
	}
	if ((st = capsa_output_open(&o, path, 0, NULL, 0)) == CAPSA_OK) {
		if ((st = capsa_write_all(o.fd, note, len)) == CAPSA_OK)
			st = capsa_output_commit(&o);
		else
			capsa_output_abort(&o);
	}
	return st == CAPSA_OK ? 0 : cli_fail("audit", path, st);
}

/* verify and show: the latest checkpoint, then the whole tree under it. */
static int walk(const struct audit_args *a, bool show)
{
	const capsa_proxy_peer *peer = &a->proxies.peers[0];
	capsa_tile_reader *r = NULL;
	capsa_checkpoint cp = {0};
	uint8_t *note = NULL;
	size_t len = 0;
	long status = 0;
	int rc;

	if (fetch(peer, "checkpoint", &note, &len, &status) != CAPSA_OK) {
		fprintf(stderr, "capsa audit: %s: cannot fetch the checkpoint (HTTP %ld)\n", peer->url, status);
		return CLI_EXIT_IO;
	}
	if ((rc = open_checkpoint(a, peer, (const char *)note, len, &cp, "the proxy's checkpoint")) != 0)
		goto out;
	if (cp.size > 0 && (capsa_tile_reader_new(&r, cp.size, cp.root, fetch_tile, (void *)peer) != CAPSA_OK ||
	                    capsa_tile_reader_check_root(r) != CAPSA_OK)) {
		fprintf(stderr, "capsa audit: the tiles do not hash to the signed root (the log was altered)\n");
		rc = CLI_EXIT_SIGNED;
		goto out;
	}
	if (cp.size > 0 && (rc = check_entries(r, cp.size, show, a->from, a->count)) != 0)
		goto out;
	if (a->since != NULL && (rc = check_since(a, peer, r, &cp)) != 0)
		goto out;
	if (!show) {
		fprintf(stderr, "capsa audit: %s: %" PRIu64 " entries, signed by its pinned key%s, every entry checked\n",
		        cp.origin, cp.size, a->num_witnesses ? " and cosigned by every witness" : "");
		rc = write_checkpoint(a->output, (const char *)note, len);
	}
out:
	capsa_tile_reader_free(r);
	capsa_checkpoint_free(&cp);
	free(note);
	return rc;
}

static int receipt(const struct audit_args *a)
{
	uint8_t *text = NULL;
	size_t len = 0;
	capsa_proxy_event e;
	capsa_checkpoint cp;
	uint64_t index = 0;
	char g[33], c[33];
	capsa_status st;

	if (capsa_file_read(&text, &len, a->receipt, CAPSA_TLOG_PROOF_MAX_BYTES) != CAPSA_OK) {
		fprintf(stderr, "capsa audit: %s: cannot read\n", a->receipt);
		return CLI_EXIT_IO;
	}
	st = capsa_proxy_receipt_verify(&e, &cp, &index, (const char *)text, len, &a->proxy_key);
	free(text);
	if (st != CAPSA_OK) {
		fprintf(stderr, "capsa audit: %s: %s\n", a->receipt,
		        st == CAPSA_ERR_SIGNATURE ? "not signed by that proxy"
		        : st == CAPSA_ERR_PROOF   ? "its entry is not in the signed tree"
		                                  : "not a receipt of a capsa proxy");
		return st == CAPSA_ERR_SIGNATURE ? CLI_EXIT_SIGNER : st == CAPSA_ERR_PROOF ? CLI_EXIT_SIGNED : CLI_EXIT_MALFORMED;
	}
	capsa_hex_encode(g, e.grant_id, sizeof e.grant_id);
	capsa_hex_encode(c, e.content_id, sizeof e.content_id);
	printf("%s: entry %" PRIu64 " of %s (size %" PRIu64 "): %s, grant %s, content %s, time %" PRIu64 "\n",
	       a->receipt, index, cp.origin, cp.size, capsa_proxy_event_name(e.type), g, c, e.time);
	capsa_checkpoint_free(&cp);
	return 0;
}

static int add_witness(struct audit_args *a, const char *vkey)
{
	if (a->num_witnesses == MAX_WITNESSES ||
	    capsa_note_vkey_parse(&a->witnesses[a->num_witnesses], vkey, strlen(vkey)) != CAPSA_OK) {
		fprintf(stderr, "capsa audit: --witness %s: not a witness vkey (at most %d)\n", vkey, MAX_WITNESSES);
		return CLI_EXIT_KEY;
	}
	a->num_witnesses++;
	return 0;
}

static int parse_args(struct audit_args *a, int argc, char **argv)
{
	static const struct option longs[] = {
		{"proxy", required_argument, NULL, 'P'},     {"since", required_argument, NULL, 'S'},
		{"witness", required_argument, NULL, 'W'},   {"output", required_argument, NULL, 'o'},
		{"from", required_argument, NULL, 'f'},      {"count", required_argument, NULL, 'n'},
		{"proxy-key", required_argument, NULL, 'K'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	int c, rc = 0;

	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "o:h", longs, NULL)) != -1) {
		switch (c) {
		case 'P': rc = cli_net_add_proxy("audit", &a->proxies, optarg); break;
		case 'S': a->since = optarg; break;
		case 'W': rc = add_witness(a, optarg); break;
		case 'o': a->output = optarg; break;
		case 'f': a->from = strtoull(optarg, NULL, 10); break;
		case 'n': a->count = strtoull(optarg, NULL, 10); break;
		case 'K':
			if (capsa_recipient_decode(&a->proxy_key, optarg, strlen(optarg)) != CAPSA_OK ||
			    !a->proxy_key.has_ed25519)
				rc = cli_key_fail("audit", optarg, 0, CAPSA_ERR_KEY);
			a->have_key = rc == 0;
			break;
		case 'h': cli_help(help, help_tail); return -1;
		default: rc = CLI_EXIT_USAGE;
		}
	}
	if (rc == 0 && optind < argc)
		a->receipt = argv[optind++];
	return rc != 0 ? rc : optind == argc ? 0 : CLI_EXIT_USAGE;
}

static int run(int argc, char **argv)
{
	static const char usage[] = "usage: capsa audit verify|show --proxy URL#RECIPIENT [...] | "
	                            "receipt RECEIPT --proxy-key RECIPIENT\n";
	struct audit_args *a = calloc(1, sizeof *a);
	const char *sub = argc > 1 ? argv[1] : "";
	bool walks = strcmp(sub, "verify") == 0 || strcmp(sub, "show") == 0;
	int rc;

	if (a == NULL)
		return CLI_EXIT_FAIL;
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		cli_help(help, help_tail);
		rc = -1;
	} else if (!walks && strcmp(sub, "receipt") != 0) {
		rc = CLI_EXIT_USAGE;
	} else if ((rc = parse_args(a, argc - 1, argv + 1)) == 0) {
		if (walks && a->proxies.num == 1 && a->receipt == NULL)
			rc = walk(a, strcmp(sub, "show") == 0);
		else if (!walks && a->have_key && a->receipt != NULL)
			rc = receipt(a);
		else
			rc = CLI_EXIT_USAGE;
	}
	if (rc == CLI_EXIT_USAGE)
		fputs(usage, stderr);
	cli_net_proxies_clear(&a->proxies);
	free(a);
	return rc < 0 ? 0 : rc;
}

const struct cli_verb cli_verb_audit = {"audit", "verify a proxy's transparency log, list it, check a receipt", run};
