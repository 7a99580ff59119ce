/*
 * capsa_seal_fd and capsa_open_fd: whole descriptors through a seal and an
 * open, from a regular file (read by the engine's workers: several pieces, a
 * start that is not page-aligned) and from a pipe (read in blocks), with
 * progress accounted, a damaged chunk refused, a file whose length differs
 * from the one promised refused, and a file truncated while it is read
 * refused cleanly.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <capsa/container.h>
#include <capsa/keys.h>

#include "check.h"

#define PT CAPSA_CHUNK_BYTES
#define CT (CAPSA_CHUNK_BYTES + 16u)
/* Past 16 MiB (one former mapping window), ending inside a chunk. */
#define BIG ((size_t)(16u << 20) + 3 * PT + 5)
/* Past the 64 MiB that capsa_seal_fd hands over between two progress reports. */
#define HUGE ((size_t)(64u << 20) + 3 * PT + 5)

static capsa_identity id;
static capsa_recipient rec;

static uint8_t *pattern(size_t len)
{
	uint8_t *p = malloc(len ? len : 1);
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)((i * 13 + 7) % 251);
	return p;
}

/* A temporary file holding |skip| junk bytes then |data|, positioned after the junk. */
static int temp_file(const uint8_t *data, size_t len, size_t skip)
{
	char path[] = "/tmp/capsa-test-fd-XXXXXX";
	int fd = mkstemp(path);
	uint8_t junk[8192] = {0};

	CHECK(fd >= 0);
	if (fd < 0)
		return -1;
	unlink(path);
	CHECK(skip <= sizeof junk && write(fd, junk, skip) == (ssize_t)skip);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, data + off, len - off);
		CHECK(n > 0);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	CHECK(lseek(fd, (off_t)skip, SEEK_SET) == (off_t)skip);
	return fd;
}

struct feeder {
	int fd;
	const uint8_t *data;
	size_t len;
};

static void *feed(void *arg)
{
	struct feeder *f = arg;
	for (size_t off = 0; off < f->len;) {
		ssize_t n = write(f->fd, f->data + off, f->len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(f->fd);
	return NULL;
}

/* The read end of a pipe that a thread fills with |data|. */
static int pipe_of(struct feeder *f, pthread_t *t, const uint8_t *data, size_t len)
{
	int fds[2];

	CHECK(pipe(fds) == 0);
	*f = (struct feeder){fds[1], data, len};
	CHECK(pthread_create(t, NULL, feed, f) == 0);
	return fds[0];
}

static void count(void *arg, uint64_t n)
{
	*(uint64_t *)arg += n;
}

/* Output of a seal or an open into a temporary file, which it returns positioned at 0. */
static int sink_file(void)
{
	return temp_file(NULL, 0, 0);
}

static int seal_fd(int in, uint64_t declared, int out, capsa_status want)
{
	capsa_seal_opts o = {.recipients = &rec, .num_recipients = 1, .threads = 2, .plaintext_len = declared};
	capsa_seal *s = NULL;
	uint64_t progress = 0;
	bool input_failed = true;

	CHECK_OK(capsa_seal_new(&s, &o, capsa_sink_fd, &out));
	CHECK_STATUS(capsa_seal_fd(s, in, count, &progress, &input_failed), want);
	CHECK(!input_failed);
	if (want == CAPSA_OK && declared != CAPSA_LENGTH_UNKNOWN)
		CHECK(progress == declared);
	capsa_seal_free(s);
	CHECK(lseek(out, 0, SEEK_SET) == 0);
	return out;
}

/* Opens what |in| holds; the plaintext lands in the file returned. */
static int open_fd(int in, capsa_status want, uint64_t *bad)
{
	capsa_unlock u = {.identities = &id, .num_identities = 1};
	capsa_open *o = NULL;
	int out = sink_file();
	bool input_failed = true;

	CHECK_OK(capsa_open_new(&o, &u, 2, capsa_sink_fd, &out));
	CHECK_STATUS(capsa_open_fd(o, in, NULL, NULL, &input_failed), want);
	CHECK(!input_failed);
	if (bad != NULL)
		*bad = capsa_open_bad_chunk(o);
	capsa_open_free(o);
	CHECK(lseek(out, 0, SEEK_SET) == 0);
	return out;
}

static bool file_equals(int fd, const uint8_t *want, size_t len)
{
	uint8_t *got = malloc(len + 1);
	ssize_t n = pread(fd, got, len + 1, 0);
	bool same = n == (ssize_t)len && memcmp(got, want, len) == 0;

	free(got);
	return same;
}

static void mapped_and_piped(size_t len, size_t skip)
{
	uint8_t *pt = pattern(len);
	int in = temp_file(pt, len, skip), sealed, back;
	struct feeder f;
	pthread_t t;

	check_context("seal_fd/open_fd, %zu bytes after %zu", len, skip);
	sealed = seal_fd(in, len, sink_file(), CAPSA_OK);
	back = open_fd(sealed, CAPSA_OK, NULL);
	CHECK(file_equals(back, pt, len));
	close(back);
	close(in);
	/* From a pipe, length unknown, then opened from a pipe too. */
	in = pipe_of(&f, &t, pt, len);
	close(sealed);
	sealed = seal_fd(in, CAPSA_LENGTH_UNKNOWN, sink_file(), CAPSA_OK);
	pthread_join(t, NULL);
	close(in);
	{
		off_t size = lseek(sealed, 0, SEEK_END);
		uint8_t *c = malloc((size_t)size);
		CHECK(pread(sealed, c, (size_t)size, 0) == size);
		in = pipe_of(&f, &t, c, (size_t)size);
		back = open_fd(in, CAPSA_OK, NULL);
		pthread_join(t, NULL);
		free(c);
	}
	CHECK(file_equals(back, pt, len));
	close(back);
	close(in);
	close(sealed);
	free(pt);
}

/* A flipped bit in a chunk far into the file: refused, and only the chunks before it come out. */
static void damaged_chunk(void)
{
	uint8_t *pt = pattern(BIG), byte;
	int in = temp_file(pt, BIG, 0), sealed = seal_fd(in, BIG, sink_file(), CAPSA_OK), back;
	off_t size = lseek(sealed, 0, SEEK_END), at = size - 5 * (off_t)CT;
	uint64_t bad = 0;

	check_context("damaged chunk");
	CHECK(pread(sealed, &byte, 1, at) == 1);
	byte ^= 0x20;
	CHECK(pwrite(sealed, &byte, 1, at) == 1);
	CHECK(lseek(sealed, 0, SEEK_SET) == 0);
	back = open_fd(sealed, CAPSA_ERR_CHUNK_AUTH, &bad);
	CHECK(bad == BIG / PT - 5);
	CHECK(lseek(back, 0, SEEK_END) <= (off_t)(bad * PT));
	close(back);
	close(sealed);
	close(in);
	free(pt);
}

/* A file longer or shorter than the length promised to the seal. */
static void length_mismatch(void)
{
	uint8_t *pt = pattern(3 * PT);
	int in = temp_file(pt, 3 * PT, 0);

	check_context("length mismatch");
	close(seal_fd(in, 3 * PT - 1, sink_file(), CAPSA_ERR_ARG));
	CHECK(lseek(in, 0, SEEK_SET) == 0);
	close(seal_fd(in, 3 * PT + 1, sink_file(), CAPSA_ERR_ARG));
	close(in);
	free(pt);
}

/* Progress callback that truncates the input file to |keep| bytes on its first call. */
struct shrink {
	int fd;
	off_t keep;
	int calls;
};

static void shrink_input(void *arg, uint64_t n)
{
	struct shrink *s = arg;

	(void)n;
	if (s->calls++ == 0)
		CHECK(ftruncate(s->fd, s->keep) == 0);
}

/*
 * A file truncated between two pieces of input (at the first progress
 * report): the seal refuses a length other than the one declared, the open
 * reports a truncated file, and neither crashes or blames the output.
 */
static void truncated_while_read(void)
{
	uint8_t *pt = pattern(HUGE);
	int in = temp_file(pt, HUGE, 0), sealed = seal_fd(in, HUGE, sink_file(), CAPSA_OK), out = sink_file();
	capsa_seal_opts so = {.recipients = &rec, .num_recipients = 1, .threads = 2, .plaintext_len = HUGE};
	capsa_unlock u = {.identities = &id, .num_identities = 1};
	struct shrink sh = {in, 1 << 20, 0};
	capsa_seal *s = NULL;
	capsa_open *o = NULL;
	bool input_failed = true;

	check_context("truncated while read");
	CHECK(lseek(in, 0, SEEK_SET) == 0);
	CHECK_OK(capsa_seal_new(&s, &so, capsa_sink_fd, &out));
	CHECK_STATUS(capsa_seal_fd(s, in, shrink_input, &sh, &input_failed), CAPSA_ERR_ARG);
	CHECK(sh.calls >= 1 && !input_failed);
	capsa_seal_free(s);

	sh = (struct shrink){sealed, 1 << 20, 0};
	input_failed = true;
	CHECK_OK(capsa_open_new(&o, &u, 2, capsa_sink_fd, &out));
	CHECK_STATUS(capsa_open_fd(o, sealed, shrink_input, &sh, &input_failed), CAPSA_ERR_TRUNCATED);
	CHECK(sh.calls >= 1 && !input_failed);
	capsa_open_free(o);
	close(out);
	close(sealed);
	close(in);
	free(pt);
}

int main(void)
{
	uint8_t seed[32];

	memset(seed, 0x5a, sizeof seed);
	CHECK_OK(capsa_identity_from_seed(&id, seed));
	capsa_identity_recipient(&rec, &id);
	mapped_and_piped(0, 0);
	mapped_and_piped(PT, 3);
	mapped_and_piped(BIG, 4099);
	damaged_chunk();
	length_mismatch();
	truncated_while_read();
	capsa_identity_wipe(&id);
	return check_summary();
}
