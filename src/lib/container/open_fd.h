/*
 * container/open_fd.h - what the descriptor path (capsa_open_fd) tells an
 * opener beyond the bytes: the file itself, so that a copy's origin (in the
 * trailer, after the payload) can be read first and its plaintext checked as
 * it passes. Also the plaintext length an open released.
 */
#ifndef CAPSA_CONTAINER_OPEN_FD_H
#define CAPSA_CONTAINER_OPEN_FD_H

#include <stdint.h>

#include <capsa/container.h>

/* capsa_open_use_fd: |fd| is the regular file being opened from its current position (or not: ignored). */
void capsa_open_use_fd(capsa_open *o, int fd);

/* Plaintext bytes released so far. */
uint64_t capsa_open_plaintext_len(const capsa_open *o);

#endif
