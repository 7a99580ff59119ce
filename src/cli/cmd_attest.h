/* cmd_attest.h - what the `capsa attest` subcommands share. */
#ifndef CAPSA_CMD_ATTEST_H
#define CAPSA_CMD_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/attest.h>

#define ATTEST_MAX_FILE (1u << 20)

/*
 * The end of every attest subcommand's EXIT STATUS section (cli_help prints
 * the shared codes before it): code 20, which only attestation returns.
 */
extern const char attest_exit_help[];

/*
 * attest_exit_code maps |st| to an exit code: CLI_EXIT_ATTEST for evidence,
 * policy and certificate refusals, else as cli_exit_code.
 */
int attest_exit_code(capsa_status st);

/* attest_fail prints "capsa attest SUB: WHAT: message" for |st| and returns its exit code. */
int attest_fail(const char *sub, const char *what, capsa_status st);

/*
 * attest_unsupported says which build option left out what |sub| needed
 * (|what|: "TPM 2.0", "JSON") and returns CLI_EXIT_FAIL.
 */
int attest_unsupported(const char *sub, const char *what, const char *option);

/* Reads all of |path| ("-" for stdin), at most |max| bytes, into a fresh buffer (free()). */
capsa_status attest_read_file(const char *path, size_t max, uint8_t **out, size_t *out_len) CAPSA_MUST_CHECK;
/*
 * Writes |data| to |path| (NULL or "-": standard output) through cli_out: a
 * file appears only complete. Returns 0 or an exit code (message printed).
 */
int attest_write_out(const char *sub, const char *path, const uint8_t *data, size_t len);
/* Decodes hex |s| into |out| (|min|..|cap| bytes); prints an error naming |what| and returns false. */
bool attest_parse_hex(const char *what, const char *s, uint8_t *out, size_t min, size_t cap, size_t *out_len);
/* Parses a time: unix seconds, or YYYY-MM-DDTHH:MM:SSZ. */
bool attest_parse_time(const char *s, int64_t *out);
/* Loads the sim platform key (a file only its owner may read). Returns CAPSA_OK, CAPSA_ERR_KEY or CAPSA_ERR_IO. */
capsa_status attest_load_sim_key(const char *path, uint8_t seed[CAPSA_SIM_SEEDBYTES]) CAPSA_MUST_CHECK;

int attest_cmd_sim_keygen(int argc, char **argv);
int attest_cmd_quote(int argc, char **argv);
int attest_cmd_verify(int argc, char **argv);
int attest_cmd_tpm2_enroll(int argc, char **argv);

#endif
