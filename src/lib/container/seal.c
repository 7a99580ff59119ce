/* Sealing: a fresh CEK and header, then the C2SP payload (push API). */
#include <capsa/container.h>

#include <stdlib.h>
#include <string.h>

#include "container/header.h"
#include "container/payload.h"
#include "container/sign.h"
#include "container/source.h"
#include "stream/stream.h"

struct capsa_seal {
	capsa_stream_enc *enc;
	seal_signing *signing; /* signed files: hashes both trees, writes the trailer */
	uint64_t declared; /* CAPSA_LENGTH_UNKNOWN or the exact length promised */
	uint64_t written;
	bool dead;
};

static capsa_status check_opts(const capsa_seal_opts *o, capsa_suite *suite)
{
	capsa_aead_alg alg;

	*suite = o->suite == 0 ? CAPSA_SUITE_AES_256_GCM : o->suite;
	if (o->num_recipients + o->num_routes == 0 || o->num_recipients > CAPSA_STANZA_MAX ||
	    o->num_routes > CAPSA_STANZA_MAX - o->num_recipients || (o->num_recipients > 0 && o->recipients == NULL) ||
	    (o->num_routes > 0 && o->routes == NULL))
		return CAPSA_ERR_ARG;
	if (o->origin != NULL && o->signer == NULL)
		return CAPSA_ERR_ARG; /* a copy is signed by its maker */
	return capsa_suite_alg(&alg, *suite) == CAPSA_OK ? CAPSA_OK : CAPSA_ERR_ARG;
}

/* Writes the header to the sink and starts the payload stream with its context. */
static capsa_status start(capsa_seal *s, const capsa_seal_opts *o, capsa_suite suite,
                          const uint8_t cek[CAPSA_CEK_BYTES], capsa_sink sink, void *arg)
{
	capsa_hdr_params hp = {.suite = suite, .plaintext_len = o->plaintext_len, .recipients = o->recipients,
	                       .num_recipients = o->num_recipients, .routes = o->routes,
	                       .num_routes = o->num_routes, .signer = o->signer, .copy = o->origin != NULL};
	uint8_t context[HDR_CONTEXT_BYTES], *hdr = NULL;
	size_t hdr_len = 0;
	capsa_stream_params sp = {.key = cek, .key_len = CAPSA_CEK_BYTES, .context = context,
	                          .context_len = sizeof context, .threads = o->threads,
	                          .plaintext_len = CAPSA_STREAM_LEN_UNKNOWN};
	capsa_status st;

	if ((st = capsa_suite_alg(&sp.alg, suite)) != CAPSA_OK ||
	    (st = capsa_random(hp.content_id, sizeof hp.content_id)) != CAPSA_OK ||
	    (st = capsa_hdr_build(&hdr, &hdr_len, &hp, cek)) != CAPSA_OK ||
	    (st = capsa_hdr_context(context, hdr, hdr_len)) != CAPSA_OK || (st = sink(arg, hdr, hdr_len)) != CAPSA_OK)
		goto out;
	if (o->signer != NULL) {
		if ((st = seal_signing_new(&s->signing, o, &hp, cek, hdr, hdr_len, sink, arg)) != CAPSA_OK)
			goto out;
		sink = seal_signing_sink;
		arg = s->signing;
	}
	st = capsa_stream_enc_new(&s->enc, &sp, NULL, sink, arg);
out:
	free(hdr); /* public: the header holds no secret */
	return st;
}

capsa_status capsa_seal_new(capsa_seal **out, const capsa_seal_opts *opts, capsa_sink sink, void *sink_arg)
{
	uint8_t cek[CAPSA_CEK_BYTES];
	capsa_suite suite;
	capsa_seal *s = NULL;
	capsa_status st;

	*out = NULL;
	if (opts == NULL || sink == NULL || (st = check_opts(opts, &suite)) != CAPSA_OK)
		return CAPSA_ERR_ARG;
	if ((s = calloc(1, sizeof *s)) == NULL)
		return CAPSA_ERR_NOMEM;
	s->declared = opts->plaintext_len;
	if ((st = capsa_random(cek, sizeof cek)) == CAPSA_OK)
		st = start(s, opts, suite, cek, sink, sink_arg);
	capsa_wipe(cek, sizeof cek); /* the stream keeps only what it derived */
	if (st != CAPSA_OK) {
		capsa_seal_free(s);
		return st;
	}
	*out = s;
	return CAPSA_OK;
}

/* Counts |len| more plaintext bytes: CAPSA_ERR_ARG (and a dead seal) past the declared length. */
static capsa_status take(capsa_seal *s, uint64_t len)
{
	if (s->dead)
		return CAPSA_ERR_ARG;
	if (s->declared != CAPSA_LENGTH_UNKNOWN && len > s->declared - s->written) {
		s->dead = true;
		return CAPSA_ERR_ARG;
	}
	s->written += len;
	return CAPSA_OK;
}

capsa_status capsa_seal_write(capsa_seal *s, const uint8_t *pt, size_t len)
{
	capsa_status st;

	if ((st = take(s, len)) != CAPSA_OK)
		return st;
	if (s->signing != NULL && (st = seal_signing_plaintext(s->signing, pt, len)) != CAPSA_OK) {
		s->dead = true;
		return st;
	}
	if ((st = capsa_stream_enc_write(s->enc, pt, len)) != CAPSA_OK)
		s->dead = true;
	return st;
}

static capsa_status seal_piece(void *obj, const uint8_t *pt, size_t len)
{
	return capsa_seal_write(obj, pt, len);
}

capsa_status capsa_seal_write_from(capsa_seal *s, capsa_stream_source src, void *arg, uint64_t off, uint64_t len)
{
	capsa_status st;

	if (s->signing != NULL) /* both trees hash the plaintext and ciphertext in this thread */
		return capsa_source_feed(src, arg, off, len, seal_piece, s);
	if ((st = take(s, len)) != CAPSA_OK)
		return st;
	if ((st = capsa_stream_enc_write_from(s->enc, src, arg, off, len)) != CAPSA_OK)
		s->dead = true;
	return st;
}

capsa_status capsa_seal_finish(capsa_seal *s)
{
	capsa_status st;

	if (s->dead || (s->declared != CAPSA_LENGTH_UNKNOWN && s->written != s->declared)) {
		s->dead = true;
		return CAPSA_ERR_ARG;
	}
	s->dead = true;
	st = capsa_stream_enc_finish(s->enc);
	if (st == CAPSA_OK && s->signing != NULL)
		st = seal_signing_finish(s->signing);
	return st;
}

void capsa_seal_free(capsa_seal *s)
{
	if (s == NULL)
		return;
	capsa_stream_enc_free(s->enc);
	seal_signing_free(s->signing);
	free(s);
}
