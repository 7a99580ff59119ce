/* cmd_attest.h - what the `capsa attest` subcommands share. */
#ifndef CAPSA_CMD_ATTEST_H
#define CAPSA_CMD_ATTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/attest.h>

#define ATTEST_MAX_FILE (1u << 20)

/* Reads all of |path| ("-" for stdin), at most |max| bytes, into a fresh buffer (free()). */
capsa_status attest_read_file(const char *path, size_t max, uint8_t **out, size_t *out_len) CAPSA_MUST_CHECK;
/* Writes |data| to |path| (a new file, O_EXCL, |mode|) or, for NULL or "-", to stdout. */
capsa_status attest_write_file(const char *path, const uint8_t *data, size_t len, int mode) CAPSA_MUST_CHECK;
/* Decodes hex |s| into |out| (|min|..|cap| bytes); prints an error naming |what| and returns false. */
bool attest_parse_hex(const char *what, const char *s, uint8_t *out, size_t min, size_t cap, size_t *out_len);
/* Parses a time: unix seconds, or YYYY-MM-DDTHH:MM:SSZ. */
bool attest_parse_time(const char *s, int64_t *out);
/* Loads the sim platform key (a file only its owner may read). */
capsa_status attest_load_sim_key(const char *path, uint8_t seed[CAPSA_SIM_SEEDBYTES]) CAPSA_MUST_CHECK;

int attest_cmd_sim_keygen(int argc, char **argv);
int attest_cmd_quote(int argc, char **argv);
int attest_cmd_verify(int argc, char **argv);
int attest_cmd_tpm2_enroll(int argc, char **argv);

#endif
