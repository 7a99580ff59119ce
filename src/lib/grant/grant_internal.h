/* grant/grant_internal.h - what the grant files share. */
#ifndef CAPSA_GRANT_INTERNAL_H
#define CAPSA_GRANT_INTERNAL_H

#include <capsa/grant.h>

#include "container/header.h"

/* capsa_grant_report_set fills |r| (if not NULL) with one failed check. */
void capsa_grant_report_set(capsa_grant_report *r, capsa_grant_check check, size_t index, capsa_status cause);

/*
 * capsa_umbral_stanza_in parses the first `umbral` stanza of the parsed
 * header |h| (grant/stanza.c). Returns CAPSA_OK, CAPSA_ERR_NO_MATCH if there
 * is none, or CAPSA_ERR_DECODE; on failure |out| is zeroed.
 */
capsa_status capsa_umbral_stanza_in(capsa_umbral_stanza *out, const capsa_hdr *h) CAPSA_MUST_CHECK;

#endif
