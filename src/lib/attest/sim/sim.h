/*
 * attest/sim/sim.h - the development-only sim platform.
 *
 * A local Ed25519 "platform key" signs the statement
 *   "capsa/v1/attest-sim" 0x00 | u8 measurement_len | measurement |
 *   report_data[32] | be64 timestamp
 * Anyone can make such a key: sim evidence proves nothing about any machine.
 */
#ifndef CAPSA_ATTEST_SIM_H
#define CAPSA_ATTEST_SIM_H

#include <capsa/attest.h>

/*
 * capsa_sim_verify checks sim evidence |ev| against |expect| and fills |res|
 * (simulated = true). Returns CAPSA_OK or CAPSA_ERR_EVIDENCE; every check is
 * recorded in |res|.
 */
capsa_status capsa_sim_verify(const capsa_evidence *ev, const capsa_attest_expect *expect,
                              capsa_attest_result *res) CAPSA_MUST_CHECK;



#endif
