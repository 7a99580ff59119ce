/* Header inspection without keys, from a buffer or a descriptor. */
#include <capsa/container.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "container/header.h"
#include "core/io.h"
#include "container/trailer.h"

capsa_status capsa_inspect_buf(capsa_header_info *out, const uint8_t *buf, size_t len)
{
	capsa_hdr h;
	capsa_status st;

	memset(out, 0, sizeof *out);
	if ((st = capsa_hdr_parse(&h, buf, len)) != CAPSA_OK)
		return st;
	st = capsa_hdr_info(out, &h);
	capsa_hdr_cleanup(&h);
	return st;
}

capsa_status capsa_inspect_fd(capsa_header_info *out, uint8_t **raw, size_t *raw_len, int fd)
{
	uint8_t pre[HDR_PREAMBLE_BYTES], *buf = NULL;
	size_t got, full, more;
	capsa_status st;

	memset(out, 0, sizeof *out);
	if (raw != NULL) {
		*raw = NULL;
		*raw_len = 0;
	}
	if ((st = capsa_read_full(fd, pre, sizeof pre, &got)) != CAPSA_OK ||
	    (st = capsa_hdr_peek_len(&full, pre, got)) != CAPSA_OK)
		return st;
	if ((buf = malloc(full)) == NULL)
		return CAPSA_ERR_NOMEM;
	memcpy(buf, pre, sizeof pre);
	if ((st = capsa_read_full(fd, buf + sizeof pre, full - sizeof pre, &more)) == CAPSA_OK)
		st = capsa_inspect_buf(out, buf, sizeof pre + more);
	if (st == CAPSA_OK && raw != NULL) {
		*raw = buf; /* public: a header holds no secret */
		*raw_len = full;
		return CAPSA_OK;
	}
	free(buf);
	return st;
}

capsa_status capsa_inspect_plaintext_len(uint64_t *out, const capsa_header_info *h, int fd)
{
	struct stat sb;
	uint8_t be[TRL_LEN_BYTES];
	uint64_t size, tlen = 0;
	size_t got;
	capsa_status st;

	*out = 0;
	if (h->plaintext_len != CAPSA_LENGTH_UNKNOWN) {
		*out = h->plaintext_len;
		return CAPSA_OK;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
		return CAPSA_ERR_IO;
	size = (uint64_t)sb.st_size;
	if (size < h->header_len)
		return CAPSA_ERR_TRUNCATED;
	if (h->version >= HDR_VERSION && h->signed_header) {
		if ((st = capsa_pread_full(fd, be, sizeof be, size - sizeof be, &got)) != CAPSA_OK)
			return st;
		for (size_t i = 0; i < sizeof be; i++)
			tlen = tlen << 8 | be[i];
		if (got != sizeof be || tlen > size - h->header_len)
			return CAPSA_ERR_TRAILER;
		size -= tlen;
	}
	return capsa_payload_plaintext_len(out, size - h->header_len);
}
