/*
 * tests/harness/check.h - the small test harness every C test uses.
 *
 * A test program calls CHECK(...) as often as it likes and ends with
 * `return check_summary();`, which prints "N passed, N failed" and returns the
 * process exit status. A failed CHECK prints file, line and the expression and
 * carries on, so one run shows every failure.
 */
#ifndef CAPSA_TESTS_CHECK_H
#define CAPSA_TESTS_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if CAPSA_WITH_JSON
#include <jansson.h>
#endif

#include <capsa/status.h>

void check_record(bool ok, const char *file, int line, const char *expr, const char *context);
int check_summary(void);
/* Sets a free-form label (e.g. a vector's tcId) shown with later failures. */
void check_context(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(cond) check_record((cond) ? true : false, __FILE__, __LINE__, #cond, NULL)
#define CHECK_OK(expr) CHECK_STATUS((expr), CAPSA_OK)
#define CHECK_STATUS(expr, want)                                                                            \
	do {                                                                                                \
		capsa_status check_st_ = (expr);                                                            \
		check_record(check_st_ == (want), __FILE__, __LINE__, #expr " == " #want,                  \
		             capsa_status_str(check_st_));                                                  \
	} while (0)
#define CHECK_MEM(a, b, len) CHECK(memcmp((a), (b), (len)) == 0)

/* Path of a file under tests/vectors/ (static buffer). */
const char *vector_path(const char *rel);
#if CAPSA_WITH_JSON /* the JSON vectors: only in a build with JSON (CAPSA_WITH_JSON) */
/* Loads tests/vectors/<rel> as JSON; aborts the test program if it cannot. */
json_t *vector_load(const char *rel);
/*
 * Decodes the hex string member |key| of |obj| into a fresh buffer (free()).
 * Aborts on a missing member or bad hex: a broken vector file is a broken test.
 */
uint8_t *vector_hex(const json_t *obj, const char *key, size_t *len);
#endif
/* A growing buffer, and a capsa sink that appends to it (the plaintext of an open, say). */
typedef struct check_buf {
	uint8_t *data; /* malloc'd, one spare byte; free() */
	size_t len;
} check_buf;
capsa_status check_buf_sink(void *arg, const uint8_t *data, size_t len);

/* Decodes a hex C string. Returns NULL on bad hex. */
uint8_t *hex_decode(const char *hex, size_t *len);
#if CAPSA_WITH_JSON
/* True if the JSON array member |key| of |obj| contains the string |flag|. */
bool vector_has_flag(const json_t *obj, const char *key, const char *flag);
#endif

#endif
