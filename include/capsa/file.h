/*
 * capsa/file.h - files on disk: whole writes and bounded whole-file reads,
 * and output paths that never destroy what they should not.
 *
 * An output path is classified once, by capsa_output_open, the way cp and
 * age treat a destination:
 *
 *   missing                    a new file. Outputs are written to a temporary
 *                              file beside it and renamed into place by
 *                              capsa_output_commit; secret files are created
 *                              at once, mode 0600, O_EXCL|O_NOFOLLOW.
 *   a regular file             replaced atomically (temporary file beside it,
 *                              fsync, rename, fsync of the directory). Secret
 *                              files refuse it (CAPSA_ERR_EXISTS).
 *   a symbolic link            followed: its target is classified as above and
 *                              replaced, the temporary file made beside the
 *                              target, the link left as it is. A dangling or
 *                              looping link is refused (CAPSA_ERR_EXISTS), as
 *                              cp refuses to write through a dangling link.
 *                              Secret files refuse a link to a regular file.
 *   a character or block       written in place: no temporary file, no
 *   device, a FIFO, a socket   rename, nothing created or removed. Opening a
 *                              FIFO waits for a reader, as a shell redirection
 *                              does; a socket is connected to (AF_UNIX stream).
 *   a directory                CAPSA_ERR_IO, errno EISDIR.
 *   one of the inputs          refused before anything is written
 *                              (CAPSA_ERR_EXISTS): same device and inode,
 *                              whatever path leads there (hard link, symbolic
 *                              link, /proc/self/fd/N, ./x for x).
 *
 * A refusal sets |refusal| to a sentence that says why, for messages.
 */
#ifndef CAPSA_FILE_H
#define CAPSA_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <capsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * capsa_write_all writes all |len| bytes of |buf| to |fd|, retrying short
 * writes and EINTR. Returns CAPSA_OK or CAPSA_ERR_IO (errno set).
 */
CAPSA_API capsa_status capsa_write_all(int fd, const void *buf, size_t len) CAPSA_MUST_CHECK;

/*
 * capsa_file_read reads the whole file at |path| (at most |max| bytes) into
 * a fresh buffer (free(); one spare byte, so |max| + 1 bytes allocated).
 * Returns CAPSA_OK, CAPSA_ERR_IO (errno set), CAPSA_ERR_NOMEM, or
 * CAPSA_ERR_RANGE for a file over |max| bytes. On failure |*out| is NULL and
 * whatever was read is wiped, so the file may hold a secret; on success the
 * caller wipes it if it does.
 */
CAPSA_API capsa_status capsa_file_read(uint8_t **out, size_t *len, const char *path,
                                       size_t max) CAPSA_MUST_CHECK;

/* capsa_fd_read is capsa_file_read on an open descriptor (read to its end). */
CAPSA_API capsa_status capsa_fd_read(uint8_t **out, size_t *len, int fd, size_t max) CAPSA_MUST_CHECK;

/* What an output path turned out to be (see the top of this file). */
typedef enum capsa_output_kind {
	CAPSA_OUTPUT_NONE = 0,    /* closed, or never opened */
	CAPSA_OUTPUT_REPLACE = 1, /* a temporary file, renamed over the target on commit */
	CAPSA_OUTPUT_CREATED = 2, /* a secret file created 0600 (removed on abort) */
	CAPSA_OUTPUT_DIRECT = 3   /* an existing device, FIFO or socket, written in place */
} capsa_output_kind;

/* capsa_output_open flags. */
#define CAPSA_OUTPUT_SECRET 0x1u /* mode 0600, never replaces a file (identities, kfrags) */

typedef struct capsa_output {
	int fd;                  /* write here; -1 when closed */
	capsa_output_kind kind;
	char *target;            /* the file replaced or created (a link's target) */
	char *tmp;               /* CAPSA_OUTPUT_REPLACE: the temporary file until commit */
	const char *refusal;     /* why the path was refused (static), or NULL */
} capsa_output;

/* An output in its zero state: capsa_output_abort on it does nothing. */
#define CAPSA_OUTPUT_INIT {-1, 0, NULL, NULL, NULL}

/*
 * capsa_output_open classifies |path| and opens it for writing (see the top
 * of this file). |inputs| are descriptors of the files the caller reads
 * (|num_inputs| of them; negative ones are skipped): an output that is one of
 * them is refused. Returns CAPSA_OK, CAPSA_ERR_EXISTS (|o->refusal| says
 * why), CAPSA_ERR_IO (errno set) or CAPSA_ERR_NOMEM. Opening a FIFO blocks
 * until a reader opens it. On failure nothing was created and |o->fd| is -1.
 */
CAPSA_API capsa_status capsa_output_open(capsa_output *o, const char *path, unsigned flags, const int *inputs,
                                         size_t num_inputs) CAPSA_MUST_CHECK;

/*
 * capsa_output_commit finishes |o|: a new or replacing file is synced (its
 * mode 0666 & ~umask, or 0600 for a secret), renamed into place and its
 * directory synced; a block device is synced; a character device, FIFO or
 * socket is closed. Returns CAPSA_OK or CAPSA_ERR_IO (errno set). On failure
 * it aborts |o|.
 */
CAPSA_API capsa_status capsa_output_commit(capsa_output *o) CAPSA_MUST_CHECK;

/*
 * capsa_output_abort closes |o| and removes the temporary or newly created
 * file, if any; a device, FIFO or socket keeps what was written to it. Safe
 * on a zeroed or already finished output.
 */
CAPSA_API void capsa_output_abort(capsa_output *o);

/*
 * capsa_secret_file_write writes the |len| bytes of |data| to |path| as a
 * secret output (CAPSA_OUTPUT_SECRET): a new file, mode 0600, synced with its
 * directory, or an existing device, FIFO or socket. It never replaces a file.
 * Returns the statuses of capsa_output_open and capsa_output_commit; a
 * partly written new file is removed. |*created|, if not NULL, tells whether
 * a file was created (and is the caller's to remove should it give up later).
 */
CAPSA_API capsa_status capsa_secret_file_write(const char *path, const void *data, size_t len,
                                               bool *created) CAPSA_MUST_CHECK;

#ifdef __cplusplus
}
#endif
#endif
