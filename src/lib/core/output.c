/*
 * Output paths (capsa/file.h): what a path is decides how it is written.
 * Files are replaced atomically, never written through; devices, FIFOs and
 * sockets are written in place, never replaced; the inputs are never
 * outputs. Every open of an existing object is checked with fstat against
 * what was classified, so a path swapped in between is refused, not written.
 */
#include <capsa/file.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/io.h"

#define TMP_NAME "/.capsa-tmp-XXXXXX"

static void output_reset(capsa_output *o)
{
	*o = (capsa_output)CAPSA_OUTPUT_INIT;
}

static capsa_status refuse(capsa_output *o, const char *why)
{
	o->refusal = why;
	return CAPSA_ERR_EXISTS;
}

/* True if |sb| is the file behind one of the |n| descriptors |inputs|. */
static bool is_input(const struct stat *sb, const int *inputs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct stat in;
		if (inputs[i] >= 0 && fstat(inputs[i], &in) == 0 && in.st_dev == sb->st_dev && in.st_ino == sb->st_ino)
			return true;
	}
	return false;
}

static bool written_in_place(mode_t mode)
{
	return S_ISCHR(mode) || S_ISBLK(mode) || S_ISFIFO(mode) || S_ISSOCK(mode);
}

/* A stream connection to the AF_UNIX socket at |path|. */
static int connect_socket(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, saved;

	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)&sa, sizeof sa) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/*
 * The device, FIFO or socket |sb| found at |path| (symbolic links followed,
 * as /dev/stdout needs): opened without O_CREAT or O_TRUNC, so nothing can be
 * created or emptied, then checked to still be that object.
 */
static capsa_status open_in_place(capsa_output *o, const char *path, const struct stat *sb, const int *inputs,
                                  size_t n)
{
	struct stat got;

	if (is_input(sb, inputs, n))
		return refuse(o, "is one of the inputs; refusing to overwrite it");
	if (S_ISSOCK(sb->st_mode)) {
		o->fd = connect_socket(path);
	} else {
		o->fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
		if (o->fd >= 0 && (fstat(o->fd, &got) != 0 || got.st_dev != sb->st_dev || got.st_ino != sb->st_ino ||
		                   !written_in_place(got.st_mode))) {
			close(o->fd);
			o->fd = -1;
			return refuse(o, "changed while it was being opened");
		}
	}
	if (o->fd < 0)
		return CAPSA_ERR_IO;
	o->kind = CAPSA_OUTPUT_DIRECT;
	return CAPSA_OK;
}

/* A temporary file beside |target|, to be renamed over it. */
static capsa_status open_replacement(capsa_output *o, const char *target)
{
	char *copy = strdup(target), *dir = copy ? dirname(copy) : NULL;
	size_t n = dir ? strlen(dir) + sizeof TMP_NAME : 0;

	if (dir == NULL || (o->target = strdup(target)) == NULL || (o->tmp = malloc(n)) == NULL) {
		free(copy);
		free(o->target);
		o->target = NULL;
		return CAPSA_ERR_NOMEM;
	}
	snprintf(o->tmp, n, "%s" TMP_NAME, dir);
	free(copy);
	if ((o->fd = mkstemp(o->tmp)) < 0) {
		int saved = errno;
		free(o->tmp);
		free(o->target);
		output_reset(o);
		errno = saved;
		return CAPSA_ERR_IO;
	}
	o->kind = CAPSA_OUTPUT_REPLACE;
	return CAPSA_OK;
}

/* A new secret file at |path|: never through a link, never over anything. */
static capsa_status create_secret(capsa_output *o, const char *path)
{
	if ((o->target = strdup(path)) == NULL)
		return CAPSA_ERR_NOMEM;
	if ((o->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
		int saved = errno;
		free(o->target);
		o->target = NULL;
		errno = saved;
		return saved == EEXIST || saved == ELOOP ? refuse(o, "refusing to overwrite an existing file")
		                                         : CAPSA_ERR_IO;
	}
	o->kind = CAPSA_OUTPUT_CREATED;
	return CAPSA_OK;
}

/* The existing regular file |sb| at |path| (perhaps through links): replaced at its target. */
static capsa_status replace_file(capsa_output *o, const char *path, bool is_link, const struct stat *sb,
                                 const int *inputs, size_t n)
{
	char *target;
	capsa_status st;

	if (is_input(sb, inputs, n))
		return refuse(o, "is one of the inputs; refusing to overwrite it");
	if (!is_link)
		return open_replacement(o, path);
	if ((target = realpath(path, NULL)) == NULL)
		return errno == ENOMEM ? CAPSA_ERR_NOMEM : CAPSA_ERR_IO;
	st = open_replacement(o, target);
	free(target);
	return st;
}

capsa_status capsa_output_open(capsa_output *o, const char *path, unsigned flags, const int *inputs,
                               size_t num_inputs)
{
	bool secret = (flags & CAPSA_OUTPUT_SECRET) != 0;
	struct stat lsb, sb;

	output_reset(o);
	if (path == NULL || *path == '\0') {
		errno = ENOENT;
		return CAPSA_ERR_IO;
	}
	if (lstat(path, &lsb) != 0) {
		if (errno != ENOENT)
			return CAPSA_ERR_IO;
		return secret ? create_secret(o, path) : open_replacement(o, path);
	}
	if (stat(path, &sb) != 0) {
		if (errno == ENOENT)
			return refuse(o, "is a dangling symbolic link; refusing to write through it");
		if (errno == ELOOP)
			return refuse(o, "is a symbolic link loop");
		return CAPSA_ERR_IO;
	}
	if (written_in_place(sb.st_mode))
		return open_in_place(o, path, &sb, inputs, num_inputs);
	if (S_ISDIR(sb.st_mode)) {
		errno = EISDIR;
		return CAPSA_ERR_IO;
	}
	if (secret)
		return refuse(o, is_input(&sb, inputs, num_inputs) ? "is one of the inputs; refusing to overwrite it"
		                                                  : "refusing to overwrite an existing file");
	return replace_file(o, path, S_ISLNK(lsb.st_mode), &sb, inputs, num_inputs);
}

/* Makes a rename or a creation durable: fsync the directory that holds |path|. */
static capsa_status sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd = copy ? open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	capsa_status st = fd >= 0 && fsync(fd) == 0 ? CAPSA_OK : CAPSA_ERR_IO;

	if (fd >= 0)
		close(fd);
	free(copy);
	return st;
}

/* Syncs and closes |o->fd|; a character device, FIFO or socket has nothing to sync. */
static capsa_status sync_close(capsa_output *o)
{
	struct stat sb;
	bool sync = o->kind != CAPSA_OUTPUT_DIRECT || (fstat(o->fd, &sb) == 0 && S_ISBLK(sb.st_mode));
	capsa_status st = sync && fsync(o->fd) != 0 ? CAPSA_ERR_IO : CAPSA_OK;
	int saved = errno;

	if (close(o->fd) != 0 && st == CAPSA_OK)
		saved = errno, st = CAPSA_ERR_IO;
	o->fd = -1;
	errno = saved;
	return st;
}

capsa_status capsa_output_commit(capsa_output *o)
{
	mode_t mask = umask(0);
	capsa_status st = CAPSA_OK;
	int saved;

	umask(mask);
	if (o->kind == CAPSA_OUTPUT_REPLACE && fchmod(o->fd, 0666 & ~mask) != 0)
		st = CAPSA_ERR_IO;
	if (st == CAPSA_OK)
		st = sync_close(o);
	if (st == CAPSA_OK && o->kind == CAPSA_OUTPUT_REPLACE && rename(o->tmp, o->target) != 0)
		st = CAPSA_ERR_IO;
	if (st != CAPSA_OK) {
		saved = errno;
		capsa_output_abort(o);
		errno = saved;
		return st;
	}
	/* the data is safe; a directory that cannot be synced loses only the name on a crash */
	if (o->kind != CAPSA_OUTPUT_DIRECT)
		(void)sync_dir(o->target);
	free(o->tmp);
	free(o->target);
	output_reset(o);
	return CAPSA_OK;
}

void capsa_output_abort(capsa_output *o)
{
	if (o->kind == CAPSA_OUTPUT_NONE)
		return;
	if (o->fd >= 0)
		close(o->fd);
	if (o->kind == CAPSA_OUTPUT_REPLACE)
		unlink(o->tmp);
	else if (o->kind == CAPSA_OUTPUT_CREATED)
		unlink(o->target); /* ours: O_EXCL created it */
	free(o->tmp);
	free(o->target);
	output_reset(o);
}

capsa_status capsa_secret_file_write(const char *path, const void *data, size_t len, bool *created)
{
	capsa_output o;
	capsa_status st;
	int saved;

	if (created != NULL)
		*created = false;
	if ((st = capsa_output_open(&o, path, CAPSA_OUTPUT_SECRET, NULL, 0)) != CAPSA_OK)
		return st;
	if (created != NULL)
		*created = o.kind == CAPSA_OUTPUT_CREATED;
	if ((st = capsa_write_all(o.fd, data, len)) != CAPSA_OK) {
		saved = errno;
		capsa_output_abort(&o);
		errno = saved;
	} else {
		st = capsa_output_commit(&o);
	}
	if (st != CAPSA_OK && created != NULL)
		*created = false;
	return st;
}
