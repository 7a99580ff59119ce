/*
 * Seal a message to a fresh identity and open it again, in memory, with the
 * public API only. Build: cc seal_open.c $(pkg-config --cflags --libs capsa)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <capsa/container.h>
#include <capsa/keys.h>

struct mem {
	unsigned char *data;
	size_t len;
};

/* A capsa_sink that appends to a growing buffer. */
static capsa_status to_mem(void *arg, const uint8_t *data, size_t len)
{
	struct mem *m = arg;
	unsigned char *p = realloc(m->data, m->len + len + 1);
	if (p == NULL)
		return CAPSA_ERR_NOMEM;
	memcpy(p + m->len, data, len);
	m->data = p;
	m->len += len;
	return CAPSA_OK;
}

int main(void)
{
	static const char msg[] = "encrypt once, deliver to many";
	capsa_identity id;
	capsa_recipient r;
	capsa_seal *s = NULL;
	capsa_open *o = NULL;
	struct mem sealed = {0}, opened = {0};
	capsa_status st;

	if ((st = capsa_identity_generate(&id)) != CAPSA_OK)
		goto out;
	capsa_identity_recipient(&r, &id);

	capsa_seal_opts opts = {.recipients = &r, .num_recipients = 1, .plaintext_len = sizeof msg};
	if ((st = capsa_seal_new(&s, &opts, to_mem, &sealed)) != CAPSA_OK ||
	    (st = capsa_seal_write(s, (const uint8_t *)msg, sizeof msg)) != CAPSA_OK ||
	    (st = capsa_seal_finish(s)) != CAPSA_OK)
		goto out;

	capsa_unlock unlock = {.identities = &id, .num_identities = 1};
	if ((st = capsa_open_new(&o, &unlock, 0, to_mem, &opened)) != CAPSA_OK ||
	    (st = capsa_open_write(o, sealed.data, sealed.len)) != CAPSA_OK || (st = capsa_open_finish(o)) != CAPSA_OK)
		goto out;
	if (opened.len != sizeof msg || memcmp(opened.data, msg, sizeof msg) != 0)
		st = CAPSA_ERR_INTERNAL;
	else
		printf("%zu bytes sealed into %zu, opened: %s\n", sizeof msg, sealed.len, (char *)opened.data);
out:
	if (st != CAPSA_OK)
		fprintf(stderr, "seal_open: %s\n", capsa_status_str(st));
	capsa_seal_free(s);
	capsa_open_free(o);
	capsa_identity_wipe(&id);
	free(sealed.data);
	free(opened.data);
	return st == CAPSA_OK ? 0 : 1;
}
