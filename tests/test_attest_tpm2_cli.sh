#!/bin/bash
# capsa attest with a real software TPM (swtpm, started and stopped here):
# enrollment by credential activation, a quote of the measured program
# through the envelope, and verification under a policy pinning the AK;
# refusals exit 20 and name their check.
set -uo pipefail
command -v swtpm >/dev/null || { echo "swtpm is missing (scripts/deps installs it)" >&2; exit 1; }
source "$(dirname "$0")/harness/cli.sh"
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

start_swtpm state
pid=$tpm_pid
export TPM2TOOLS_TCTI="$tcti"

nonce=0f0e0d0c0b0a09080706050403020100
printf 'keeper x25519 and secp256k1 public keys' >keys
printf 'the keeper program, version 1' >program
# PCR 16 after reset and one extend: SHA-256(0^32 || SHA-256(program)).
pcr=$(python3 -c 'import hashlib,sys; p=open("program","rb").read(); print(hashlib.sha256(bytes(32)+hashlib.sha256(p).digest()).hexdigest())')

ak=$("$CAPSA" attest tpm2-enroll 2>err) && [ ${#ak} -eq 68 ] && ok || { fail "tpm2-enroll"; cat err >&2; }
"$CAPSA" attest quote --platform tpm2 --keys keys --nonce $nonce --program program -o ev 2>err \
	&& ok || { fail "quote"; cat err >&2; }
grep -q "AK name $ak" err && ok || fail "quote prints the enrolled AK name"

printf '{"version": 1, "platforms": {"tpm2": {"measurements": ["%s"], "ak_names": ["%s"]}}}' "$pcr" "$ak" >tpm.json
"$CAPSA" attest verify ev --policy tpm.json --nonce $nonce --keys keys >out 2>err && ok || { fail "verify"; cat out err >&2; }
grep -q "verdict       ACCEPTED" out && grep -q "measurement   $pcr" out && ok || fail "accepted with the PCR as measurement"
grep -q "\[pass\] ak-trusted" out && grep -q "\[pass\] ak-signature" out && grep -q "\[pass\] key-binding" out \
	&& ok || { fail "tpm2 checks recorded"; cat out >&2; }

refused() { # refused CHECK DESCRIPTION -- verify args...
	local check=$1 what=$2; shift 3
	"$CAPSA" attest verify "$@" >out 2>err
	[ $? -eq 20 ] && grep -q "check '$check' failed" err && ok || { fail "$what"; cat out err >&2; }
}
refused nonce "stale nonce" -- ev --policy tpm.json --nonce ${nonce%??}ff --keys keys
other=000b$(printf '%064d' 0)
printf '{"version": 1, "platforms": {"tpm2": {"measurements": ["%s"], "ak_names": ["%s"]}}}' "$pcr" "$other" >wrongak.json
refused ak-trusted "an AK the policy does not trust" -- ev --policy wrongak.json --nonce $nonce --keys keys
printf '{"version": 1, "platforms": {"tpm2": {"measurements": ["%s"], "ak_names": ["%s"]}}}' "${pcr%??}00" "$ak" >wrongm.json
refused policy-measurement "a measurement outside the allow-list" -- ev --policy wrongm.json --nonce $nonce --keys keys
printf 'other program' >program2
"$CAPSA" attest quote --platform tpm2 --keys keys --nonce $nonce --program program2 -o ev2 2>/dev/null && ok || fail "quote 2"
refused policy-measurement "another program measured" -- ev2 --policy tpm.json --nonce $nonce --keys keys
printf 'a key nobody bound' >otherkeys
refused keys "keys the verifier did not expect" -- ev --policy tpm.json --nonce $nonce --keys otherkeys
# Every byte of every TPM item flipped in turn: refused, and caught by the check that owns it.
python3 - "$CAPSA" ev tpm.json $nonce keys <<'PY' && ok || fail "flipped bytes in the quote"
import json, struct, subprocess, sys
capsa, ev_path, policy, nonce, keys = sys.argv[1:6]
b = bytearray(open(ev_path, "rb").read())
off = 10 + 2 + struct.unpack(">H", b[10:12])[0]
off += 2 + struct.unpack(">H", b[off:off + 2])[0]
regions, count = {}, b[off]
off += 1
for _ in range(count):
    tag, length = b[off], struct.unpack(">I", b[off + 1:off + 5])[0]
    regions[tag] = (off + 5, off + 5 + length)
    off += 5 + length
owners = {0x10: {"quote-magic", "quote-parse", "qualified-signer", "ak-signature"},
          0x11: {"ak-signature", "quote-parse"}, 0x12: {"ak-trusted", "quote-parse"}, 0x13: {"pcr-digest"}}
assert sorted(regions) == sorted(owners), regions
wrong = 0
for tag, (lo, hi) in regions.items():
    for i in range(lo, hi):
        b[i] ^= 1
        open("flipped.ev", "wb").write(b)
        b[i] ^= 1
        r = subprocess.run([capsa, "attest", "verify", "flipped.ev", "--policy", policy, "--nonce", nonce,
                            "--keys", keys, "--json"], capture_output=True, text=True)
        caught = json.loads(r.stdout)["failed_check"] if r.stdout else None
        if r.returncode != 20 or caught not in owners[tag]:
            wrong += 1
            print(f"byte {i} (item {tag:#x}): exit {r.returncode}, caught by {caught}", file=sys.stderr)
sys.exit(1 if wrong else 0)
PY

summary
