/*
 * daemon/state_dir.h - the state directory a daemon runs on: its identity
 * (DIR/identity, 0600, made on first start), its lock (DIR/lock, flock'ed
 * for the life of the process, so a second daemon on the same DIR is
 * refused) and the port it bound (DIR/port, for scripts that asked for port 0).
 */
#ifndef CAPSA_DAEMON_STATE_DIR_H
#define CAPSA_DAEMON_STATE_DIR_H

#include <stdbool.h>
#include <stddef.h>

#include <capsa/keys.h>

/*
 * Makes DIR (0700) if it does not exist, and refuses one that other users
 * may enter or list. CAPSA_OK or CAPSA_ERR_IO, with a reason in |err|.
 */
capsa_status capsa_state_dir_make(const char *dir, char *err, size_t err_len) CAPSA_MUST_CHECK;

/* Takes DIR/lock (LOCK_EX|LOCK_NB) into |*fd|; |who| names the daemon in the refusal. */
capsa_status capsa_state_dir_lock(const char *dir, const char *who, int *fd, char *err,
                                  size_t err_len) CAPSA_MUST_CHECK;

/* Reads DIR/identity into |id| (wipe it), creating it first when |create| and absent. */
capsa_status capsa_state_dir_identity(const char *dir, bool create, capsa_identity *id, char *err,
                                      size_t err_len) CAPSA_MUST_CHECK;

/*
 * Refuses an identity without its state file |db|: a daemon that lost its
 * state but kept its key could sign, under that key, a history that
 * contradicts what it signed before.
 */
capsa_status capsa_state_dir_kept(const char *dir, const char *db, char *err, size_t err_len) CAPSA_MUST_CHECK;

/*
 * Makes DIR/|name| an existing file of mode 0600 (created empty if absent,
 * never through a symbolic link) and writes its path to |path|: what a
 * database is opened on, so that SQLite gives its -wal and -shm files the
 * same mode. CAPSA_OK or CAPSA_ERR_IO, with a reason in |err|.
 */
capsa_status capsa_state_dir_private_file(const char *dir, const char *name, char path[4096], char *err,
                                          size_t err_len) CAPSA_MUST_CHECK;

/* Writes DIR/port (best effort). */
void capsa_state_dir_write_port(const char *dir, unsigned port);

#endif
