/*
 * capsa/capsa.h - everything libcapsa offers, in one include.
 *
 *   status.h     capsa_status, the result of every fallible call
 *   keys.h       identities (one seed, every key) and recipients (capsa1...)
 *   container.h  seal once; open by streaming or by random access; inspect
 *   grant.h      the umbral route: grants (kfrags), re-encryption, opening with cfrags
 *   umbral.h     Umbral threshold proxy re-encryption, byte-compatible with rust-umbral 0.10
 *   attest.h     remote-attestation evidence, verification and policy
 *   file.h       output paths that never clobber, secret files, bounded whole-file reads
 *   tlog.h       transparency logs: signed notes, checkpoints, cosignatures, receipts, tiles
 *   proxy.h      the proxy network's protocol: signed statements, wrapped kfrags, log events, receipts
 */
#ifndef CAPSA_CAPSA_H
#define CAPSA_CAPSA_H

#include <capsa/status.h>
#include <capsa/util.h>
#include <capsa/keys.h>
#include <capsa/container.h>
#include <capsa/grant.h>
#include <capsa/umbral.h>
#include <capsa/attest.h>
#include <capsa/file.h>
#include <capsa/tlog.h>
#include <capsa/proxy.h>

#endif
