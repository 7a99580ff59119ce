#!/bin/bash
# capsa attest end to end through the command line: sim-keygen, quote and
# verify (text and --json), each subcommand's help, and refusals named on
# stderr with the shared exit codes (20: attestation refused).
source "$(dirname "$0")/harness/cli.sh"
# to FILE CMD...: runs CMD with its standard output in FILE.
to() { local f=$1; shift; "$@" >"$f"; }

nonce=00112233445566778899aabbccddeeff
m=$(printf 'keeper v1' | sha256sum | cut -c1-64)
printf 'keeper-public-keys' >keys
printf 'keeper v1' >program

expect_exit 0 "help" to out "$CAPSA" attest -h
check "help" grep -q -- "SYNOPSIS" out
expect_exit 2 "no subcommand" to out "$CAPSA" attest
expect_exit 2 "quote without --nonce" to out "$CAPSA" attest quote --platform sim --keys keys

expect_exit 0 "sim-keygen" to out "$CAPSA" attest sim-keygen -o sim.key
[ "$(stat -c %a sim.key)" = 600 ] && ok || fail "sim key mode $(stat -c %a sim.key)"
says "SIMULATED"
pub=$(cat out)
expect_exit 13 "sim-keygen refuses to overwrite" to out "$CAPSA" attest sim-keygen -o sim.key

expect_exit 0 "quote sim" to out "$CAPSA" attest quote --platform sim --keys keys --nonce $nonce \
	--sim-key sim.key --program program -o ev
says "SIMULATED"
cp sim.key loose.key && chmod 644 loose.key
expect_exit 12 "a sim key others can read" to out "$CAPSA" attest quote --platform sim --keys keys --nonce $nonce \
	--sim-key loose.key --program program -o ev2

cat >dev.json <<JSON
{"version": 1, "allow_sim": true, "max_age_seconds": 300,
 "platforms": {"sim": {"measurements": ["$m"], "platform_keys": ["$pub"]}}}
JSON
cat >prod.json <<JSON
{"version": 1, "max_age_seconds": 300, "platforms": {"nitro": {"measurements": ["$m"]}}}
JSON
cat >other.json <<JSON
{"version": 1, "allow_sim": true, "platforms": {"sim": {"measurements": ["$(printf x | sha256sum | cut -c1-64)"]}}}
JSON

expect_exit 0 "verify sim" to out "$CAPSA" attest verify ev --policy dev.json --nonce $nonce --keys keys
check "verdict" grep -q -- "ACCEPTED (SIMULATED)" out
check "banner" grep -q -- "SIMULATED evidence: development only" out
check "measurement shown" grep -q -- "measurement   $m" out
check "bound keys shown" grep -q -- "bound keys    $(xxd -p keys | tr -d '\n')" out
check "pin checked" grep -q -- "\[pass\] policy-platform-key" out

expect_exit 0 "verify sim --json" to out "$CAPSA" attest verify ev --policy dev.json --nonce $nonce --json
python3 - out <<'PY' && ok || fail "--json document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "accepted" and d["simulated"] is True and "SIMULATED" in d["warning"]
assert d["platform"] == "sim" and d["failed_check"] is None
assert all(c["passed"] for c in d["checks"]) and len(d["checks"]) >= 10
PY

expect_exit 20 "stale nonce" to out "$CAPSA" attest verify ev --policy dev.json --nonce ${nonce%??}00
says "check 'nonce' failed"
expect_exit 20 "no nonce" to out "$CAPSA" attest verify ev --policy dev.json
says "check 'nonce' failed"
expect_exit 20 "production policy" to out "$CAPSA" attest verify ev --policy prod.json --nonce $nonce --json
says "check 'policy-platform' failed"
python3 -c 'import json,sys; d=json.load(open("out")); assert d["verdict"]=="refused" and d["failed_check"]=="policy-platform" and d["simulated"]' && ok || fail "refusal in --json"
expect_exit 20 "other measurement" to out "$CAPSA" attest verify ev --policy other.json --nonce $nonce
says "check 'policy-measurement' failed"
expect_exit 20 "too old" to out "$CAPSA" attest verify ev --policy dev.json --nonce $nonce --at $(( $(date +%s) + 3600 ))
says "check 'policy-age' failed"
printf 'other keys' >otherkeys
expect_exit 20 "other keys" to out "$CAPSA" attest verify ev --policy dev.json --nonce $nonce --keys otherkeys
says "check 'keys' failed"

# A flipped byte in the signature (the last 96..33 bytes hold signature item then key item).
size=$(stat -c %s ev)
cp ev tampered
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[-60] ^= 1; open(sys.argv[1], "wb").write(b)' \
	tampered # XOR: writing a fixed 0xff left the evidence intact whenever the signature byte was 0xff already
expect_exit 20 "tampered evidence" to out "$CAPSA" attest verify tampered --policy dev.json --nonce $nonce
says "check 'sim-signature' failed"
head -c 20 ev >short
expect_exit 10 "truncated evidence" to out "$CAPSA" attest verify short --policy dev.json --nonce $nonce
printf '{"version": 1, "platforms": {"sim": {"measurements": ["00"]}}}' >nosim.json
expect_exit 6 "policy listing sim without allow_sim" to out "$CAPSA" attest verify ev --policy nosim.json --nonce $nonce
says "allow_sim"
expect_exit 2 "bad --nonce" to out "$CAPSA" attest verify ev --policy dev.json --nonce xyz
expect_exit 1 "tpm2 quote without a TPM" to out "$CAPSA" attest quote --platform tpm2 --keys keys --nonce $nonce \
	--tcti "swtpm:host=127.0.0.1,port=1" -o tpm.ev

check "no evidence left behind by a failed quote" [ ! -e tpm.ev ]
check "nor a temporary file" [ -z "$(ls -A | grep '^\.capsa-tmp')" ]

# Every subcommand's manual, in the form of the other verbs'.
for sub in sim-keygen quote verify tpm2-enroll; do
	expect_exit 0 "$sub -h" to out "$CAPSA" attest $sub -h
	check "$sub -h: the manual" grep -q "^     capsa attest $sub - " out
	check "$sub -h: the shared exit codes" grep -q "^    13   refusing to overwrite" out
done
check "verify -h lists exit code 20" grep -q "^    20   attestation refused" out
expect_exit 2 "an unknown subcommand" to out "$CAPSA" attest frobnicate
expect_exit 2 "quote: an unknown platform" to out "$CAPSA" attest quote --platform sgx --keys keys --nonce $nonce
says "not 'sgx'"

# Evidence goes through the atomic output of the other verbs: a file is replaced only when complete.
printf 'old' >ev.out
expect_exit 0 "quote over an existing file" to out "$CAPSA" attest quote --platform sim --keys keys --nonce $nonce \
	--sim-key sim.key --program program -o ev.out
check "the old file was replaced by evidence" cmp -s <(head -c 7 ev.out) <(printf 'CAPSAEV')
expect_exit 0 "quote to standard output" to ev.stdout "$CAPSA" attest quote --platform sim --keys keys \
	--nonce $nonce --sim-key sim.key --program program
expect_exit 0 "verify from standard input" to out sh -c "\"\$CAPSA\" attest verify - --policy dev.json --nonce $nonce <ev.stdout"
# The sim key is a secret: created 0600, never through a link, never over a file.
ln -s nowhere key.link
expect_exit 13 "sim-keygen does not follow a symlink" to out "$CAPSA" attest sim-keygen -o key.link
check "symlink target not created" [ ! -e nowhere ]
expect_exit 3 "sim-keygen into a missing directory" to out "$CAPSA" attest sim-keygen -o no/such/dir.key
expect_exit 3 "verify: a missing evidence file" to out "$CAPSA" attest verify missing.ev --policy dev.json
says "missing.ev"

summary
