#!/bin/bash
# capsa attest verify on real vendor evidence (tests/vectors/attestation/):
# an AMD SEV-SNP report with its VCEK, and AWS Nitro attestation documents,
# imported into the envelope and judged by a policy, every refusal named
# (exit 20).
set -uo pipefail
V="$CAPSA_TEST_VECTORS/attestation"
source "$(dirname "$0")/harness/cli.sh"
# verify WANT_RC WANT_FAILED_CHECK DESCRIPTION -- args...: runs verify --json and checks both.
verify() {
	local want=$1 check=$2 what=$3; shift 4
	"$CAPSA" attest verify "$@" --json >out 2>err; local rc=$?
	[ "$rc" -eq "$want" ] && ok || { fail "$what: exit $rc, want $want"; cat err >&2; }
	python3 -c 'import json,sys; d=json.load(open("out")); sys.exit(0 if str(d["failed_check"]) == sys.argv[1] else 1)' \
		"$check" && ok || { fail "$what: failed_check is not $check"; cat out >&2; }
}

# ---- SEV-SNP: measurement b07af962…2b01, REPORT_DATA 01 02 03 04 05 then zeros, DEBUG allowed by the guest.
snp="$V/sev-snp/attestation.bin"
vcek="$V/sev-snp/vcek.testcer"
m=b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01
snp_policy() { # snp_policy ALLOW_DEBUG SNP_SVN
	printf '{"version": 1, "platforms": {"sev-snp": {"measurements": ["%s"], "allow_debug": %s,
	  "min_tcb": {"bootloader": 2, "tee": 0, "snp": %s, "microcode": 68}}}}' "$m" "$1" "$2" >snp.json
}
at=2024-01-01T00:00:00Z
rd=0102030405

snp_policy true 5
verify 0 None "snp accepted" -- "$snp" --vcek "$vcek" --policy snp.json --report-data $rd --nonce $rd --at $at
python3 -c 'import json; d=json.load(open("out")); assert d["platform"]=="sev-snp" and not d["simulated"] and d["measurement"]=="'$m'" and d["debug"]' \
	&& ok || fail "snp result fields"
"$CAPSA" attest verify "$snp" --vcek "$vcek" --policy snp.json --report-data $rd --nonce $rd --at $at >text 2>&1 \
	&& grep -q "verdict       ACCEPTED" text && grep -q "\[pass\] report-signature" text && ok || fail "snp text output"
verify 20 report-data "snp: other report data" -- "$snp" --vcek "$vcek" --policy snp.json --report-data 0102030406 \
	--nonce 0102030406 --at $at
verify 20 nonce "snp: a nonce the given report data does not hold" -- "$snp" --vcek "$vcek" --policy snp.json \
	--report-data $rd --nonce deadbeefdeadbeef --at $at
verify 0 None "snp: a nonce inside the given report data" -- "$snp" --vcek "$vcek" --policy snp.json \
	--report-data $rd --nonce 0304 --at $at
verify 20 nonce "snp: no report data for the nonce" -- "$snp" --vcek "$vcek" --policy snp.json --nonce $rd --at $at
verify 20 vcek-chain "snp: after the VCEK expired" -- "$snp" --vcek "$vcek" --policy snp.json --report-data $rd \
	--nonce $rd --at 2030-01-01T00:00:00Z
snp_policy false 5
verify 20 policy-debug "snp: debug refused by default" -- "$snp" --vcek "$vcek" --policy snp.json --report-data $rd \
	--nonce $rd --at $at
snp_policy true 6
verify 20 policy-tcb "snp: TCB below the minimum" -- "$snp" --vcek "$vcek" --policy snp.json --report-data $rd \
	--nonce $rd --at $at
printf '{"version": 1, "platforms": {"sev-snp": {"measurements": ["%s"], "allow_debug": true}}}' "${m%??}00" >other.json
verify 20 policy-measurement "snp: measurement outside the allow-list" -- "$snp" --vcek "$vcek" --policy other.json \
	--report-data $rd --nonce $rd --at $at
snp_policy true 5
cp "$snp" flipped.bin
printf '\x01' | dd of=flipped.bin bs=1 seek=$((0x90)) conv=notrunc 2>/dev/null
verify 20 report-signature "snp: a flipped measurement byte" -- flipped.bin --vcek "$vcek" --policy snp.json \
	--report-data $rd --nonce $rd --at $at
"$CAPSA" attest verify "$snp" --policy snp.json --report-data $rd --nonce $rd --at $at >/dev/null 2>err
[ $? -eq 6 ] && grep -q "not capsa evidence" err && ok || fail "an SNP report without --vcek is not evidence"

# ---- Nitro: user_data, nonce and public_key are each 1024 bytes of 0x01, so no capsa binding can
# match them: every run is refused, and the point is which checks pass and which one refuses.
nitro="$V/nitro/nitro_attestation.b64"
debug_doc="$V/nitro/nitro_attestation_debug.b64"
pcr0=e72a46ca80a260fb044a125442f0c7e331813bcbaf9724d9f3857758992766f2d65710a27aa94ae3949dd54e7c9fe86a
t=1725719859
printf '{"version": 1, "require_nonce": false, "max_age_seconds": 60, "platforms": {"nitro": {"measurements": ["%s"]}}}' \
	"$pcr0" >nitro.json
# failed_set FILE CHECK...: the failed checks in the --json FILE are exactly these.
failed_set() {
	python3 - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
failed = sorted(c["name"] for c in d["checks"] if not c["passed"])
sys.exit(0 if failed == sorted(sys.argv[2:]) else (print("failed:", failed), 1)[1])
PY
}
verify 20 report-data "nitro: genuine, but binds no capsa keys" -- "$nitro" --policy nitro.json --at $t
failed_set out report-data && ok || fail "nitro: only report-data fails"
python3 -c 'import json; d=json.load(open("out")); assert d["platform"]=="nitro" and d["measurement"]=="'$pcr0'" and not d["debug"] and d["timestamp"]=='$t \
	&& ok || fail "nitro result fields"
verify 20 cert-chain "nitro: verified now, after the leaf expired" -- "$nitro" --policy nitro.json
verify 20 report-data "nitro: two minutes later" -- "$nitro" --policy nitro.json --at $((t + 120))
failed_set out report-data policy-age && ok || fail "nitro: too old for max_age_seconds 60"
base64 -d "$nitro" >nitro.cose
verify 20 report-data "nitro: the raw COSE document" -- nitro.cose --policy nitro.json --at $t
verify 20 report-data "nitro debug enclave" -- "$debug_doc" --policy nitro.json --at 1725719886
failed_set out report-data policy-measurement policy-debug && ok || fail "nitro debug: refused as debug"
printf '{"version": 1, "require_nonce": false, "platforms": {"nitro": {"measurements": ["%096d"], "allow_debug": true}}}' 0 \
	>debug.json
verify 20 report-data "nitro debug enclave, debug allowed" -- "$debug_doc" --policy debug.json --at 1725719886
failed_set out report-data && ok || fail "nitro debug allowed: only report-data fails"
verify 20 report-data "nitro: a nonce the document does not hold" -- "$nitro" --policy nitro.json --at $t \
	--nonce 0101010101010101
failed_set out report-data document-nonce && ok || fail "nitro: the verifier's nonce is checked in the document"
python3 - "$nitro" flipped.b64 <<'PY'
import base64, sys
doc = bytearray(base64.b64decode(open(sys.argv[1]).read()))
doc[len(doc) // 2] ^= 1
open(sys.argv[2], "w").write(base64.b64encode(bytes(doc)).decode())
PY
"$CAPSA" attest verify flipped.b64 --policy nitro.json --at $t --json >out 2>err
[ $? -eq 20 ] && ! python3 -c 'import json,sys; d=json.load(open("out")); sys.exit(0 if any(c["name"]=="cose-signature" and c["passed"] for c in d["checks"]) else 1)' \
	&& ok || fail "nitro: a flipped byte is refused"

summary
