/*
 * Streaming a whole descriptor through a seal or an open. A regular file is
 * mapped a window at a time and each window handed over whole, so the engine
 * seals or opens its batches in place, straight from the page cache: no copy
 * into userspace. Anything else (a pipe, a terminal, a file that cannot be
 * mapped) is read(2) in large blocks.
 */
#include <capsa/container.h>

#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container/io.h"
#include "container/open_fd.h"

/*
 * Mapped bytes per window: several engine batches, so the workers rarely wait
 * for the next window, and small enough that the mapped pages (which count in
 * the resident set) stay well under the memory bound.
 */
#define PUMP_WINDOW (16u << 20)
/* Bytes per read(2) for input that is not mapped: at least one whole engine batch. */
#define PUMP_BLOCK (8u << 20)

typedef capsa_status (*pump_write)(void *obj, const uint8_t *data, size_t len);

typedef struct pump {
	pump_write write;
	void *obj;
	capsa_progress progress;
	void *progress_arg;
	bool input_failed;
} pump;

static capsa_status seal_write(void *obj, const uint8_t *data, size_t len)
{
	return capsa_seal_write(obj, data, len);
}

static capsa_status open_write(void *obj, const uint8_t *data, size_t len)
{
	return capsa_open_write(obj, data, len);
}

static void report(pump *p, size_t n)
{
	if (p->progress != NULL && n > 0)
		p->progress(p->progress_arg, n);
}

/*
 * Maps [*pos, size) of |fd| window by window. Returns CAPSA_OK with |*pos|
 * advanced to |size|, or with |*pos| where mapping first failed so that the
 * caller reads the rest; a write failure is returned as it is.
 */
static capsa_status pump_mapped(pump *p, int fd, off_t *pos, off_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	capsa_status st = CAPSA_OK;

	while (st == CAPSA_OK && *pos < size) {
		off_t base = *pos - *pos % page;
		size_t skip = (size_t)(*pos - base);
		size_t len = size - base < (off_t)PUMP_WINDOW ? (size_t)(size - base) : PUMP_WINDOW;
		uint8_t *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, base);

		if (m == MAP_FAILED)
			break; /* not mappable after all: read(2) takes over from here */
		(void)madvise(m, len, MADV_SEQUENTIAL);
		st = p->write(p->obj, m + skip, len - skip);
		munmap(m, len);
		if (st == CAPSA_OK) {
			*pos = base + (off_t)len;
			report(p, len - skip);
		}
	}
	return st;
}

/* Reads |fd| to its end in large blocks. */
static capsa_status pump_read(pump *p, int fd)
{
	uint8_t *buf = malloc(PUMP_BLOCK);
	size_t got = PUMP_BLOCK;
	capsa_status st = buf != NULL ? CAPSA_OK : CAPSA_ERR_NOMEM;

	while (st == CAPSA_OK && got == PUMP_BLOCK) {
		if ((st = capsa_read_full(fd, buf, PUMP_BLOCK, &got)) != CAPSA_OK) {
			p->input_failed = true;
			break;
		}
		if (got > 0 && (st = p->write(p->obj, buf, got)) == CAPSA_OK)
			report(p, got);
	}
	free(buf); /* plaintext when sealing; the engine copied it, and wipes its own */
	return st;
}

/* Everything from the current position of |fd| to its end goes through |p->write|. */
static capsa_status pump_fd(pump *p, int fd)
{
	struct stat sb;
	off_t pos;
	capsa_status st = CAPSA_OK;

	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (pos = lseek(fd, 0, SEEK_CUR)) >= 0 && pos < sb.st_size) {
		off_t start = pos;
		st = pump_mapped(p, fd, &pos, sb.st_size);
		/* Continue by read(2) where the mapping ended: a file that grew, or one not mappable. */
		if (st == CAPSA_OK && pos != start && lseek(fd, pos, SEEK_SET) < 0) {
			p->input_failed = true;
			st = CAPSA_ERR_IO;
		}
	}
	return st == CAPSA_OK ? pump_read(p, fd) : st;
}

capsa_status capsa_seal_fd(capsa_seal *s, int in_fd, capsa_progress progress, void *progress_arg,
                           bool *input_failed)
{
	pump p = {seal_write, s, progress, progress_arg, false};
	capsa_status st = pump_fd(&p, in_fd);

	if (st == CAPSA_OK)
		st = capsa_seal_finish(s);
	if (input_failed != NULL)
		*input_failed = p.input_failed;
	return st;
}

capsa_status capsa_open_fd(capsa_open *o, int in_fd, capsa_progress progress, void *progress_arg,
                           bool *input_failed)
{
	pump p = {open_write, o, progress, progress_arg, false};
	capsa_status st;

	capsa_open_use_fd(o, in_fd); /* a signed copy's origin is read ahead from the file */
	st = pump_fd(&p, in_fd);

	if (st == CAPSA_OK)
		st = capsa_open_finish(o);
	if (input_failed != NULL)
		*input_failed = p.input_failed;
	return st;
}
