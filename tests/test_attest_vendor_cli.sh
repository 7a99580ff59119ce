#!/bin/bash
# capsa attest verify on real vendor evidence (tests/vectors/attestation/):
# an AMD SEV-SNP report with its VCEK, and AWS Nitro attestation documents,
# imported into the envelope and judged by a policy, every refusal named.
set -uo pipefail
V="$CAPSA_TEST_VECTORS/attestation"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# verify WANT_RC WANT_FAILED_CHECK DESCRIPTION -- args...: runs verify --json and checks both.
verify() {
	local want=$1 check=$2 what=$3; shift 4
	"$CAPSA" attest verify "$@" --json >out 2>err; local rc=$?
	[ "$rc" -eq "$want" ] && ok || { bad "$what: exit $rc, want $want"; cat err >&2; }
	python3 -c 'import json,sys; d=json.load(open("out")); sys.exit(0 if str(d["failed_check"]) == sys.argv[1] else 1)' \
		"$check" && ok || { bad "$what: failed_check is not $check"; cat out >&2; }
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
	&& ok || bad "snp result fields"
"$CAPSA" attest verify "$snp" --vcek "$vcek" --policy snp.json --report-data $rd --nonce $rd --at $at >text 2>&1 \
	&& grep -q "verdict       ACCEPTED" text && grep -q "\[pass\] report-signature" text && ok || bad "snp text output"
verify 1 report-data "snp: other report data" -- "$snp" --vcek "$vcek" --policy snp.json --report-data 0102030406 \
	--nonce $rd --at $at
verify 1 nonce "snp: no report data for the nonce" -- "$snp" --vcek "$vcek" --policy snp.json --nonce $rd --at $at
verify 1 vcek-chain "snp: after the VCEK expired" -- "$snp" --vcek "$vcek" --policy snp.json --report-data $rd \
	--nonce $rd --at 2030-01-01T00:00:00Z
snp_policy false 5
verify 1 policy-debug "snp: debug refused by default" -- "$snp" --vcek "$vcek" --policy snp.json --report-data $rd \
	--nonce $rd --at $at
snp_policy true 6
verify 1 policy-tcb "snp: TCB below the minimum" -- "$snp" --vcek "$vcek" --policy snp.json --report-data $rd \
	--nonce $rd --at $at
printf '{"version": 1, "platforms": {"sev-snp": {"measurements": ["%s"], "allow_debug": true}}}' "${m%??}00" >other.json
verify 1 policy-measurement "snp: measurement outside the allow-list" -- "$snp" --vcek "$vcek" --policy other.json \
	--report-data $rd --nonce $rd --at $at
snp_policy true 5
cp "$snp" flipped.bin
printf '\x01' | dd of=flipped.bin bs=1 seek=$((0x90)) conv=notrunc 2>/dev/null
verify 1 report-signature "snp: a flipped measurement byte" -- flipped.bin --vcek "$vcek" --policy snp.json \
	--report-data $rd --nonce $rd --at $at
"$CAPSA" attest verify "$snp" --policy snp.json --report-data $rd --nonce $rd --at $at >/dev/null 2>err
[ $? -eq 1 ] && grep -q "not capsa evidence" err && ok || bad "an SNP report without --vcek is not evidence"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
