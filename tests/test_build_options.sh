#!/bin/bash
# capsa-test: every build
# What the CMake options CAPSA_WITH_TPM2 and CAPSA_WITH_JSON leave out is
# refused by the command with a message naming the option (exit status 1),
# capsa.pc requires only what was built in, and what is left keeps working.
source "$(dirname "$0")/harness/cli.sh"
: "${CAPSA_BUILD:?}"
off() { grep -q "^$1:BOOL=OFF" "$CAPSA_BUILD/CMakeCache.txt"; }
to() { local f=$1; shift; "$@" >"$f"; }
lacks() { ! grep -q -- "$2" "$1"; } # lacks FILE PATTERN

nonce=00112233445566778899aabbccddeeff
printf 'keeper keys' >keys
expect_exit 0 "sim-keygen" to pub "$CAPSA" attest sim-keygen -o sim.key
expect_exit 0 "a sim quote needs neither option" "$CAPSA" attest quote --platform sim --keys keys \
	--nonce $nonce --sim-key sim.key --measurement 00 -o ev
printf '{"version": 1, "allow_sim": true, "platforms": {"sim": {"measurements": ["00"]}}}' >dev.policy

if off CAPSA_WITH_TPM2; then
	expect_exit 1 "quote --platform tpm2 without TPM 2.0" "$CAPSA" attest quote --platform tpm2 --keys keys \
		--nonce $nonce
	says "built without TPM 2.0 support (CAPSA_WITH_TPM2=OFF)"
	expect_exit 1 "tpm2-enroll without TPM 2.0" "$CAPSA" attest tpm2-enroll
	says "CAPSA_WITH_TPM2=OFF"
	check "capsa.pc does not require tpm2-tss" lacks "$CAPSA_BUILD/capsa.pc" tss2
else
	expect_exit 1 "quote --platform tpm2 with no TPM there" "$CAPSA" attest quote --platform tpm2 --keys keys \
		--nonce $nonce --tcti "swtpm:host=127.0.0.1,port=1"
	check "a TPM that is not there is not an option left out" lacks err.txt CAPSA_WITH_TPM2
	check "capsa.pc requires tpm2-tss" grep -q "tss2-esys" "$CAPSA_BUILD/capsa.pc"
fi

expect_exit 0 "keygen" "$CAPSA" keygen -o key.txt
expect_exit 0 "seal" "$CAPSA" seal -r "$("$CAPSA" keygen -y key.txt)" -o f.capsa keys
if off CAPSA_WITH_JSON; then
	expect_exit 1 "a policy file without JSON" "$CAPSA" attest verify ev --policy dev.policy --nonce $nonce
	says "built without JSON (policy files) support (CAPSA_WITH_JSON=OFF)"
	expect_exit 1 "verify --json without JSON" "$CAPSA" attest verify ev --policy dev.policy --json
	says "CAPSA_WITH_JSON=OFF"
	expect_exit 1 "inspect --json without JSON" "$CAPSA" inspect --json f.capsa
	says "CAPSA_WITH_JSON=OFF"
	expect_exit 0 "inspect as text" "$CAPSA" inspect f.capsa
	check "capsa.pc does not require jansson" lacks "$CAPSA_BUILD/capsa.pc" jansson
else
	expect_exit 0 "verify under a policy file" to out "$CAPSA" attest verify ev --policy dev.policy --nonce $nonce
	check "accepted" grep -q "ACCEPTED (SIMULATED)" out
	expect_exit 0 "inspect --json" to out "$CAPSA" inspect --json f.capsa
	check "capsa.pc requires jansson" grep -q jansson "$CAPSA_BUILD/capsa.pc"
fi
summary
