/* grant/grant_internal.h - what the grant files share. */
#ifndef CAPSA_GRANT_INTERNAL_H
#define CAPSA_GRANT_INTERNAL_H

#include <capsa/grant.h>

/* capsa_grant_report_set fills |r| (if not NULL) with one failed check. */
void capsa_grant_report_set(capsa_grant_report *r, capsa_grant_check check, size_t index, capsa_status cause);

#endif
