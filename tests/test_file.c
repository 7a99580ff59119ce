/*
 * core/io.c and core/output.c through capsa/file.h: whole reads with their
 * limit, and each class of output path at the library level (the shell test
 * tests/test_output_paths.sh takes every verb through the same classes).
 */
#include <capsa/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

static char dir[] = "/tmp/capsa-test-file-XXXXXX";
static char path_buf[4][512];

/* Path |name| in the scratch directory (four at a time). */
static const char *at(const char *name)
{
	static int next;
	char *p = path_buf[next++ % 4];

	snprintf(p, sizeof path_buf[0], "%s/%s", dir, name);
	return p;
}

static void put(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	CHECK(fd >= 0);
	CHECK_OK(capsa_write_all(fd, text, strlen(text)));
	close(fd);
}

static bool holds(const char *path, const char *text)
{
	uint8_t *got = NULL;
	size_t len = 0;
	bool same = capsa_file_read(&got, &len, path, 1 << 20) == CAPSA_OK && len == strlen(text) &&
	            memcmp(got, text, len) == 0;

	free(got);
	return same;
}

static void test_read_limit(void)
{
	uint8_t *buf = NULL;
	size_t len = 0;

	put(at("ten"), "0123456789");
	CHECK_OK(capsa_file_read(&buf, &len, at("ten"), 10));
	CHECK(len == 10 && memcmp(buf, "0123456789", 10) == 0);
	free(buf);
	CHECK_STATUS(capsa_file_read(&buf, &len, at("ten"), 9), CAPSA_ERR_RANGE);
	CHECK(buf == NULL && len == 0);
	CHECK_STATUS(capsa_file_read(&buf, &len, at("missing"), 10), CAPSA_ERR_IO);
	CHECK(errno == ENOENT);
	put(at("empty"), "");
	CHECK_OK(capsa_file_read(&buf, &len, at("empty"), 10));
	CHECK(buf != NULL && len == 0);
	free(buf);
}

/* Writes |text| through an output at |path| and commits it. */
static capsa_status write_out(const char *path, unsigned flags, const char *text, const int *in, size_t n)
{
	capsa_output o;
	capsa_status st = capsa_output_open(&o, path, flags, in, n);

	if (st != CAPSA_OK)
		return st;
	if ((st = capsa_write_all(o.fd, text, strlen(text))) != CAPSA_OK) {
		capsa_output_abort(&o);
		return st;
	}
	return capsa_output_commit(&o);
}

static void test_replace(void)
{
	capsa_output o;
	struct stat sb;

	CHECK_OK(write_out(at("new"), 0, "one", NULL, 0));
	CHECK(holds(at("new"), "one"));
	CHECK_OK(write_out(at("new"), 0, "two", NULL, 0));
	CHECK(holds(at("new"), "two"));
	/* an abort leaves the old file and no temporary file */
	CHECK_OK(capsa_output_open(&o, at("new"), 0, NULL, 0));
	CHECK(o.kind == CAPSA_OUTPUT_REPLACE && o.tmp != NULL);
	CHECK_OK(capsa_write_all(o.fd, "three", 5));
	capsa_output_abort(&o);
	CHECK(holds(at("new"), "two"));
	CHECK(o.fd == -1 && o.tmp == NULL);
	capsa_output_abort(&o); /* twice is fine */
	/* a link is followed: the target is replaced, the link kept */
	CHECK(mkdir(at("sub"), 0700) == 0);
	put(at("sub/target"), "old");
	CHECK(symlink("sub/target", at("link")) == 0);
	CHECK_OK(write_out(at("link"), 0, "new", NULL, 0));
	CHECK(lstat(at("link"), &sb) == 0 && S_ISLNK(sb.st_mode));
	CHECK(holds(at("sub/target"), "new"));
	CHECK(mkdir(at("adir"), 0700) == 0);
	CHECK_STATUS(capsa_output_open(&o, at("adir"), 0, NULL, 0), CAPSA_ERR_IO);
	CHECK(errno == EISDIR && o.fd == -1);
}

static void test_refusals(void)
{
	capsa_output o;
	int in;

	CHECK(symlink("nowhere", at("dangling")) == 0);
	CHECK_STATUS(capsa_output_open(&o, at("dangling"), 0, NULL, 0), CAPSA_ERR_EXISTS);
	CHECK(o.refusal != NULL && strstr(o.refusal, "dangling") != NULL && o.fd == -1);
	CHECK(access(at("nowhere"), F_OK) != 0);
	CHECK(symlink("loop", at("loop")) == 0);
	CHECK_STATUS(capsa_output_open(&o, at("loop"), 0, NULL, 0), CAPSA_ERR_EXISTS);
	/* the input, by name, by hard link and by symbolic link */
	put(at("input"), "keep");
	CHECK((in = open(at("input"), O_RDONLY)) >= 0);
	CHECK(link(at("input"), at("hard")) == 0 && symlink("input", at("soft")) == 0);
	CHECK_STATUS(write_out(at("input"), 0, "lost", &in, 1), CAPSA_ERR_EXISTS);
	CHECK_STATUS(write_out(at("hard"), 0, "lost", &in, 1), CAPSA_ERR_EXISTS);
	CHECK_STATUS(write_out(at("soft"), 0, "lost", &in, 1), CAPSA_ERR_EXISTS);
	CHECK_STATUS(write_out(at("soft"), CAPSA_OUTPUT_SECRET, "lost", &in, 1), CAPSA_ERR_EXISTS);
	CHECK(holds(at("input"), "keep"));
	close(in);
}

static void test_secret(void)
{
	struct stat sb;
	bool created = true;

	CHECK_OK(capsa_secret_file_write(at("secret"), "s3cret", 6, &created));
	CHECK(created);
	CHECK(stat(at("secret"), &sb) == 0 && (sb.st_mode & 0777) == 0600);
	CHECK_STATUS(capsa_secret_file_write(at("secret"), "other", 5, &created), CAPSA_ERR_EXISTS);
	CHECK(!created && holds(at("secret"), "s3cret"));
	CHECK(symlink("secret", at("secret.link")) == 0);
	CHECK_STATUS(capsa_secret_file_write(at("secret.link"), "other", 5, NULL), CAPSA_ERR_EXISTS);
	CHECK(symlink("absent", at("secret.dangling")) == 0);
	CHECK_STATUS(capsa_secret_file_write(at("secret.dangling"), "other", 5, NULL), CAPSA_ERR_EXISTS);
	CHECK(access(at("absent"), F_OK) != 0);
}

static void test_fifo(void)
{
	int rd, wr_in[1];
	capsa_output o;
	char buf[8] = {0};
	struct stat sb;

	CHECK(mkfifo(at("fifo"), 0600) == 0);
	/* a reader first, so that opening the FIFO for writing does not wait */
	CHECK((rd = open(at("fifo"), O_RDONLY | O_NONBLOCK)) >= 0);
	CHECK_OK(capsa_output_open(&o, at("fifo"), CAPSA_OUTPUT_SECRET, NULL, 0));
	CHECK(o.kind == CAPSA_OUTPUT_DIRECT && o.tmp == NULL);
	CHECK_OK(capsa_write_all(o.fd, "abc", 3));
	CHECK_OK(capsa_output_commit(&o));
	CHECK(read(rd, buf, sizeof buf) == 3 && memcmp(buf, "abc", 3) == 0);
	CHECK(lstat(at("fifo"), &sb) == 0 && S_ISFIFO(sb.st_mode));
	/* an abort leaves the FIFO where it is */
	CHECK_OK(capsa_output_open(&o, at("fifo"), 0, NULL, 0));
	capsa_output_abort(&o);
	CHECK(lstat(at("fifo"), &sb) == 0 && S_ISFIFO(sb.st_mode));
	/* a FIFO that is the input is refused before it is opened */
	wr_in[0] = rd;
	CHECK_STATUS(capsa_output_open(&o, at("fifo"), 0, wr_in, 1), CAPSA_ERR_EXISTS);
	close(rd);
}

int main(void)
{
	char rm[sizeof dir + 16];

	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_read_limit();
	test_replace();
	test_refusals();
	test_secret();
	test_fifo();
	snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_summary();
}
