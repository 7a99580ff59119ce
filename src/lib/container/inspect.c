/* Header inspection without keys, from a buffer or a descriptor. */
#include <capsa/container.h>

#include <stdlib.h>
#include <string.h>

#include "container/header.h"
#include "container/io.h"

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
