#!/bin/bash
# capsa attest end to end through the command line: sim-keygen, quote and
# verify (text and --json), refusals named on stderr with exit status 1.
set -uo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
expect() { # expect WANT_RC DESCRIPTION -- command...
	local want=$1 what=$2; shift 3
	"$@" >out 2>err; local rc=$?
	if [ "$rc" -eq "$want" ]; then ok; else bad "$what: exit $rc, want $want"; cat err >&2; fi
}
has() { # has FILE PATTERN DESCRIPTION
	if grep -q -- "$2" "$1"; then ok; else bad "$3: no '$2' in $1"; cat "$1" >&2; fi
}

nonce=00112233445566778899aabbccddeeff
m=$(printf 'keeper v1' | sha256sum | cut -c1-64)
printf 'keeper-public-keys' >keys
printf 'keeper v1' >program

expect 0 "help" -- "$CAPSA" attest -h
has out "SYNOPSIS" "help"
expect 2 "no subcommand" -- "$CAPSA" attest
expect 2 "quote without --nonce" -- "$CAPSA" attest quote --platform sim --keys keys

expect 0 "sim-keygen" -- "$CAPSA" attest sim-keygen -o sim.key
[ "$(stat -c %a sim.key)" = 600 ] && ok || bad "sim key mode $(stat -c %a sim.key)"
has err "SIMULATED" "sim-keygen says SIMULATED"
pub=$(cat out)
expect 1 "sim-keygen refuses to overwrite" -- "$CAPSA" attest sim-keygen -o sim.key

expect 0 "quote sim" -- "$CAPSA" attest quote --platform sim --keys keys --nonce $nonce \
	--sim-key sim.key --program program -o ev
has err "SIMULATED" "quote says SIMULATED"
cp sim.key loose.key && chmod 644 loose.key
expect 1 "a sim key others can read" -- "$CAPSA" attest quote --platform sim --keys keys --nonce $nonce \
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

expect 0 "verify sim" -- "$CAPSA" attest verify ev --policy dev.json --nonce $nonce --keys keys
has out "ACCEPTED (SIMULATED)" "verdict"
has out "SIMULATED evidence: development only" "banner"
has out "measurement   $m" "measurement shown"
has out "bound keys    $(xxd -p keys | tr -d '\n')" "bound keys shown"
has out "\[pass\] policy-platform-key" "pin checked"

expect 0 "verify sim --json" -- "$CAPSA" attest verify ev --policy dev.json --nonce $nonce --json
python3 - out <<'PY' && ok || bad "--json document"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "accepted" and d["simulated"] is True and "SIMULATED" in d["warning"]
assert d["platform"] == "sim" and d["failed_check"] is None
assert all(c["passed"] for c in d["checks"]) and len(d["checks"]) >= 10
PY

expect 1 "stale nonce" -- "$CAPSA" attest verify ev --policy dev.json --nonce ${nonce%??}00
has err "check 'nonce' failed" "stale nonce named"
expect 1 "no nonce" -- "$CAPSA" attest verify ev --policy dev.json
has err "check 'nonce' failed" "missing nonce named"
expect 1 "production policy" -- "$CAPSA" attest verify ev --policy prod.json --nonce $nonce --json
has err "check 'policy-platform' failed" "sim under production named"
python3 -c 'import json,sys; d=json.load(open("out")); assert d["verdict"]=="refused" and d["failed_check"]=="policy-platform" and d["simulated"]' && ok || bad "refusal in --json"
expect 1 "other measurement" -- "$CAPSA" attest verify ev --policy other.json --nonce $nonce
has err "check 'policy-measurement' failed" "measurement named"
expect 1 "too old" -- "$CAPSA" attest verify ev --policy dev.json --nonce $nonce --at $(( $(date +%s) + 3600 ))
has err "check 'policy-age' failed" "age named"
printf 'other keys' >otherkeys
expect 1 "other keys" -- "$CAPSA" attest verify ev --policy dev.json --nonce $nonce --keys otherkeys
has err "check 'keys' failed" "keys named"

# A flipped byte in the signature (the last 96..33 bytes hold signature item then key item).
size=$(stat -c %s ev)
cp ev tampered
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[-60] ^= 1; open(sys.argv[1], "wb").write(b)' \
	tampered # XOR: writing a fixed 0xff left the evidence intact whenever the signature byte was 0xff already
expect 1 "tampered evidence" -- "$CAPSA" attest verify tampered --policy dev.json --nonce $nonce
has err "check 'sim-signature' failed" "tampering named"
head -c 20 ev >short
expect 1 "truncated evidence" -- "$CAPSA" attest verify short --policy dev.json --nonce $nonce
printf '{"version": 1, "platforms": {"sim": {"measurements": ["00"]}}}' >nosim.json
expect 1 "policy listing sim without allow_sim" -- "$CAPSA" attest verify ev --policy nosim.json --nonce $nonce
has err "allow_sim" "policy error names allow_sim"
expect 2 "bad --nonce" -- "$CAPSA" attest verify ev --policy dev.json --nonce xyz
expect 1 "tpm2 quote without a TPM" -- "$CAPSA" attest quote --platform tpm2 --keys keys --nonce $nonce \
	--tcti "swtpm:host=127.0.0.1,port=1" -o tpm.ev

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
