/*
 * bench/transcribe_file - a keeper's transcription alone: capsa_transcribe
 * of a signed sealed file for one recipient, decrypting, verifying and
 * re-encrypting every chunk, the copy written to OUT (/dev/null: what a
 * keeper streams to a socket).
 *
 *   transcribe_file KEEPER_IDENTITY RECIPIENT ORIGINAL OUT [THREADS]
 *
 * Prints one JSON object: plaintext MB/s (10^6 bytes a second of wall time)
 * and the peak resident set.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <capsa/capsa.h>

static capsa_status to_fd(void *arg, const uint8_t *data, size_t len)
{
	int fd = *(int *)arg;
	return capsa_write_all(fd, data, len);
}

int main(int argc, char **argv)
{
	capsa_identity *ids = NULL;
	capsa_recipient to;
	capsa_reader *r = NULL;
	size_t n = 0, line = 0;
	struct timespec t0, t1;
	struct rusage ru;
	int out;

	if (argc < 5 || capsa_identity_file_read(&ids, &n, argv[1], &line) != CAPSA_OK ||
	    capsa_recipient_decode(&to, argv[2], strlen(argv[2])) != CAPSA_OK) {
		fputs("usage: transcribe_file KEEPER_IDENTITY RECIPIENT ORIGINAL OUT [THREADS]\n", stderr);
		return 2;
	}
	capsa_unlock u = {.identities = ids, .num_identities = n};
	capsa_transcribe_opts o = {.recipient = &to, .signer = &ids[0], .threads = argc > 5 ? (unsigned)atoi(argv[5]) : 0};
	if ((out = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 || capsa_reader_open(&r, argv[3], &u) != CAPSA_OK)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	capsa_status st = capsa_transcribe(r, &o, to_fd, &out);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &ru);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("{\"status\": \"%s\", \"bytes\": %llu, \"seconds\": %.2f, \"mb_per_s\": %.1f, \"max_rss_kib\": %ld}\n",
	       capsa_status_str(st), (unsigned long long)capsa_reader_size(r), secs,
	       (double)capsa_reader_size(r) / secs / 1e6, ru.ru_maxrss);
	capsa_reader_close(r);
	capsa_identity_list_free(ids, n);
	close(out);
	return st == CAPSA_OK ? 0 : 1;
}
