/* A daemon's state directory: identity, lock, port (state_dir.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <capsa/file.h>

#include "daemon/state_dir.h"

static void say(char *err, size_t err_len, const char *what, const char *why)
{
	if (err != NULL && err_len > 0)
		snprintf(err, err_len, "%s: %s", what, why);
}

static bool join(char out[4096], const char *dir, const char *name)
{
	return (size_t)snprintf(out, 4096, "%s/%s", dir, name) < 4096;
}

capsa_status capsa_state_dir_make(const char *dir, char *err, size_t err_len)
{
	struct stat st;
	char why[160];

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		say(err, err_len, dir, strerror(errno));
		return CAPSA_ERR_IO;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		say(err, err_len, dir, "not a directory");
		return CAPSA_ERR_IO;
	}
	if ((st.st_mode & 077) != 0) { /* its files hold keys: nobody else may even list them */
		snprintf(why, sizeof why, "open to other users (mode %04o); it holds secrets: chmod 700 it",
		         (unsigned)(st.st_mode & 07777));
		say(err, err_len, dir, why);
		return CAPSA_ERR_IO;
	}
	return CAPSA_OK;
}

capsa_status capsa_state_dir_lock(const char *dir, const char *who, int *fd, char *err, size_t err_len)
{
	char path[4096], why[128];

	*fd = -1;
	if (!join(path, dir, "lock"))
		return CAPSA_ERR_ARG;
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*fd < 0 || flock(*fd, LOCK_EX | LOCK_NB) != 0) {
		snprintf(why, sizeof why, "held by another process (a %s already runs on this directory)", who);
		say(err, err_len, path, *fd >= 0 ? why : "cannot open");
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return CAPSA_ERR_IO;
	}
	return CAPSA_OK;
}

capsa_status capsa_state_dir_identity(const char *dir, bool create, capsa_identity *id, char *err, size_t err_len)
{
	char path[4096];
	capsa_identity *ids = NULL;
	size_t num = 0, line = 0;
	capsa_status st;

	capsa_identity_wipe(id);
	if (!join(path, dir, "identity"))
		return CAPSA_ERR_ARG;
	if (create && access(path, F_OK) != 0 && errno == ENOENT) {
		if ((st = capsa_identity_generate(id)) == CAPSA_OK)
			st = capsa_identity_file_write(path, id);
		capsa_identity_wipe(id);
		if (st != CAPSA_OK) {
			say(err, err_len, path, "cannot create the identity file");
			return st;
		}
	}
	if ((st = capsa_identity_file_read(&ids, &num, path, &line)) != CAPSA_OK) {
		say(err, err_len, path, st == CAPSA_ERR_IO ? "cannot read" : "not an identity file");
		return st;
	}
	*id = ids[0];
	capsa_identity_list_free(ids, num);
	return CAPSA_OK;
}

capsa_status capsa_state_dir_kept(const char *dir, const char *db, char *err, size_t err_len)
{
	char id[4096], state[4096];

	if (!join(id, dir, "identity") || !join(state, dir, db))
		return CAPSA_ERR_ARG;
	if (access(id, F_OK) == 0 && access(state, F_OK) != 0 && errno == ENOENT) {
		say(err, err_len, state, "missing while the identity exists (a daemon that lost its state needs a new key)");
		return CAPSA_ERR_IO;
	}
	return CAPSA_OK;
}

capsa_status capsa_state_dir_private_file(const char *dir, const char *name, char path[4096], char *err,
                                          size_t err_len)
{
	int fd;

	if (!join(path, dir, name))
		return CAPSA_ERR_ARG;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0 || fchmod(fd, 0600) != 0) {
		say(err, err_len, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return CAPSA_ERR_IO;
	}
	close(fd);
	return CAPSA_OK;
}

void capsa_state_dir_write_port(const char *dir, unsigned port)
{
	char path[4096], text[16];
	capsa_output o = CAPSA_OUTPUT_INIT;
	int n = snprintf(text, sizeof text, "%u\n", port);

	/* Whole or absent: scripts poll for a non-empty file and read it at once. */
	if (!join(path, dir, "port") || capsa_output_open(&o, path, 0, NULL, 0) != CAPSA_OK)
		return;
	if (capsa_write_all(o.fd, text, (size_t)n) != CAPSA_OK || capsa_output_commit(&o) != CAPSA_OK)
		capsa_output_abort(&o);
}
