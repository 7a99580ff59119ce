/*
 * The trailer of a signed v2 file, as a streaming reader meets it: the
 * payload/trailer split of a file of unknown length (t-magic after a chunk
 * boundary), the trailer reader with its stored-level checks, the manifest
 * and origin decoders and every check of the fixed part, on arbitrary bytes
 * after a real signed header. Each must end in a status.
 *
 * The first input byte picks the header: 0 a signed file of unknown length,
 * 1 a signed file of recorded length 40000, 2 a copy of unknown length.
 */
#include <stdlib.h>
#include <string.h>

#include <capsa/container.h>
#include <capsa/keys.h>

#include "container/header.h"
#include "container/signed_stream.h"
#include "container/trailer.h"
#include "fuzz.h"

static capsa_hdr headers[3];
static bool ready;

static capsa_status keep_header(void *arg, const uint8_t *data, size_t len)
{
	capsa_hdr *h = arg;
	/* the first write is the whole header */
	if (h->bytes == NULL && capsa_hdr_parse(h, data, len) != CAPSA_OK)
		abort();
	return CAPSA_OK;
}

static void make_header(capsa_hdr *h, const capsa_identity *id, uint64_t len, const capsa_origin *origin)
{
	capsa_recipient r;
	capsa_seal_opts o = {.threads = 1, .recipients = &r, .num_recipients = 1, .plaintext_len = len,
	                     .signer = id, .origin = origin};
	capsa_seal *s = NULL;

	capsa_identity_recipient(&r, id);
	if (capsa_seal_new(&s, &o, keep_header, h) != CAPSA_OK)
		abort();
	capsa_seal_free(s);
}

static void setup(void)
{
	uint8_t seed[32];
	capsa_identity id;
	capsa_origin origin;

	memset(seed, 0x01, sizeof seed);
	memset(&origin, 0x5a, sizeof origin);
	if (capsa_identity_from_seed(&id, seed) != CAPSA_OK)
		abort();
	make_header(&headers[0], &id, CAPSA_LENGTH_UNKNOWN, NULL);
	make_header(&headers[1], &id, 40000, NULL);
	make_header(&headers[2], &id, CAPSA_LENGTH_UNKNOWN, &origin);
	ready = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	signed_stream ss;
	trl_manifest m;
	capsa_origin o;
	capsa_status st;
	size_t half;

	if (!ready)
		setup();
	if (size < 1)
		return 0;
	const capsa_hdr *h = &headers[data[0] % 3];
	data++, size--;
	half = size / 3;
	if (signed_stream_init(&ss, h, NULL, NULL, NULL) != CAPSA_OK)
		abort();
	st = signed_stream_write(&ss, data, half);
	if (st == CAPSA_OK)
		st = signed_stream_write(&ss, data + half, size - half);
	if (st == CAPSA_OK)
		st = signed_stream_end_payload(&ss);
	if (st == CAPSA_OK)
		st = signed_stream_finish(&ss);
	/* no forged input can pass: the signature is over a real header by a key the input does not have */
	if (st == CAPSA_OK)
		abort();
	signed_stream_cleanup(&ss);
	/* the fixed-part decoders and checks on the input itself */
	if (size >= TRL_FIXED_MAX) {
		/* a copy's check reaches the origin only past a matching magic and content id: not from fuzz bytes */
		if (trl_check_fixed(&m, &o, data, &headers[2], data, 1, 0) == CAPSA_OK)
			abort();
		trl_manifest_decode(&m, data + TRL_MAGIC_BYTES);
		if (trl_origin_decode(&o, data) != CAPSA_OK)
			memset(&o, 0, sizeof o); /* a signature the input makes for itself may well verify */
		capsa_origin_wipe(&o);
	}
	return 0;
}
