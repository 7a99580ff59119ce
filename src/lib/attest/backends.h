/*
 * attest/backends.h - the platform verifiers, each fed from an envelope.
 *
 * Each adapter takes the items of its platform from |ev|, runs that
 * platform's verifier into |res| (which it may zero first) and returns its
 * status. The policy supplies what a backend needs to trust (tpm2 AK names).
 */
#ifndef CAPSA_ATTEST_BACKENDS_H
#define CAPSA_ATTEST_BACKENDS_H

#include <capsa/attest.h>

capsa_status capsa_attest_run_backend(const capsa_evidence *ev, const capsa_attest_policy *policy,
                                      const capsa_attest_expect *expect, capsa_attest_result *res) CAPSA_MUST_CHECK;

#endif
