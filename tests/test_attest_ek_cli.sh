#!/bin/bash
# capsa attest tpm2-enroll against a real software TPM manufactured as a
# vendor would (swtpm_setup: EKs and their certificates in NV memory, signed
# by a throwaway local CA in the temporary directory): the EK certificate must
# chain to the root given and certify the EK in use before the credential is
# activated; every other case is refused with its reason named; without a
# root the EK is trusted on first use, loudly. swtpm is stopped and the
# directory removed on every exit, also on failure or interruption.
set -uo pipefail
for tool in swtpm swtpm_setup swtpm_localca tpm2_createek tpm2_nvwrite tpm2_changeeps tpm2_nvundefine openssl python3; do
	command -v $tool >/dev/null || { echo "$tool is missing (scripts/deps installs it)" >&2; exit 1; }
done
source "$(dirname "$0")/harness/cli.sh"
pids=() setup_group=
cleanup() {
	# swtpm_setup runs a swtpm of its own: its whole process group goes.
	[ -n "$setup_group" ] && kill -- -"$setup_group" 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Manufacture: the local CA's root and intermediate ("issuer") land in ca/.
mkdir ca state
printf 'statedir = %s/ca\nsigningkey = %s/ca/signkey.pem\nissuercert = %s/ca/issuercert.pem\ncertserial = %s/ca/certserial\n' \
	"$dir" "$dir" "$dir" "$dir" >localca.conf
printf 'create_certs_tool = %s\ncreate_certs_tool_config = %s/localca.conf\ncreate_certs_tool_options = /etc/swtpm-localca.options\nactive_pcr_banks = sha256\n' \
	"$(command -v swtpm_localca)" "$dir" >setup.conf
# In a process group of its own (setsid, not a group leader here, execs in place), and
# with its temporary files under $dir.
TMPDIR="$dir" setsid swtpm_setup --tpm2 --tpmstate "$dir/state" --create-ek-cert --config "$dir/setup.conf" \
	--logfile "$dir/setup.log" >/dev/null 2>&1 &
setup_group=$!
wait $setup_group || { echo "swtpm_setup failed" >&2; cat setup.log >&2; exit 1; }
root=ca/swtpm-localca-rootca-cert.pem inter=ca/issuercert.pem

swtpm socket --tpm2 --tpmstate dir="$dir/state" --server type=unixio,path="$dir/sock" \
	--ctrl type=unixio,path="$dir/sock.ctrl" --flags not-need-init,startup-clear >swtpm.log 2>&1 &
pids+=($!)
python3 - "$dir/sock" <<'PY' || { echo "swtpm did not start" >&2; cat swtpm.log >&2; exit 1; }
import socket, sys, time
for _ in range(500):
    try:
        socket.socket(socket.AF_UNIX).connect(sys.argv[1]); sys.exit(0)
    except OSError:
        time.sleep(0.01)
sys.exit(1)
PY
export TPM2TOOLS_TCTI="swtpm:path=$dir/sock"

# enroll EXPECTED-EXIT DESCRIPTION -- tpm2-enroll args...: runs it, output in out/err.
enroll() {
	local want=$1 what=$2; shift 3
	"$CAPSA" attest tpm2-enroll "$@" >out 2>err
	local rc=$?
	[ $rc -eq "$want" ] && return 0
	fail "$what: exit $rc, wanted $want"; cat out err >&2; return 1
}
# refused REASON DESCRIPTION -- args...: the reason named, no AK name printed, and exit 20
# (attestation refused), or 6 for a certificate file that is not one certificate.
refused() {
	local reason=$1 what=$2 want=20; shift 2
	[ "$reason" = ek-ca-file ] && want=6
	enroll $want "$what" -- "$@" || return
	grep -q "refused ($reason)" err && [ ! -s out ] && ok || { fail "$what: not refused as $reason"; cat out err >&2; }
}

# The right root and intermediate: the AK name, and why the EK is trusted.
enroll 0 "enrollment with the manufacturer root" -- --ek-ca $root --ek-intermediate $inter && ok
ak=$(cat out)
[[ $ak =~ ^000b[0-9a-f]{64}$ ]] && ok || fail "an AK name is printed: '$ak'"
grep -q "RSA 2048 EK certificate chains to $root and certifies the TPM's EK" err && ! grep -qi "first use" err \
	&& ok || { fail "says why the EK is trusted"; cat err >&2; }
# swtpm stores no ECC P-256 EK certificate, so the default fell back to RSA; --rsa-ek asks for it.
enroll 0 "--rsa-ek" -- --rsa-ek --ek-ca $root --ek-intermediate $inter && [ "$(cat out)" = "$ak" ] && ok
openssl x509 -in $root -outform DER -out root.der && openssl x509 -in $inter -outform DER -out inter.der
enroll 0 "DER certificates" -- --ek-ca root.der --ek-intermediate inter.der --at 2030-06-01T00:00:00Z \
	&& [ "$(cat out)" = "$ak" ] && ok

# The pinned AK name verifies a quote of the measured program.
nonce=0f0e0d0c0b0a09080706050403020100
printf 'keeper public keys' >keys
printf 'the keeper program' >program
pcr=$(python3 -c 'import hashlib; p=open("program","rb").read(); print(hashlib.sha256(bytes(32)+hashlib.sha256(p).digest()).hexdigest())')
printf '{"version": 1, "platforms": {"tpm2": {"measurements": ["%s"], "ak_names": ["%s"]}}}' "$pcr" "$ak" >policy.json
"$CAPSA" attest quote --platform tpm2 --keys keys --nonce $nonce --program program -o ev 2>err \
	&& ok || { fail "quote"; cat err >&2; }
"$CAPSA" attest verify ev --policy policy.json --nonce $nonce --keys keys >out 2>err \
	&& grep -q "verdict       ACCEPTED" out && grep -q "\[pass\] ak-trusted" out \
	&& ok || { fail "a quote verifies under the policy pinning the enrolled AK"; cat out err >&2; }

# A root of the same name but another key; a missing intermediate; the intermediate posing as the root.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key -out other.pem \
	-subj "/CN=swtpm-localca-rootca" -days 30 >/dev/null 2>&1 || fail "openssl made no root"
refused ek-cert-chain "a root that did not issue the chain" --ek-ca other.pem --ek-intermediate $inter
refused ek-cert-chain "a missing intermediate" --ek-ca $root
refused ek-cert-chain "the intermediate as root" --ek-ca $inter
refused ek-cert-chain "the intermediate twice" --ek-ca $root --ek-intermediate $inter --ek-intermediate $inter
refused ek-cert-expired "a time outside the chain's validity" --ek-ca $root --ek-intermediate $inter \
	--at 2020-01-01T00:00:00Z
grep -q "not valid at 2020-01-01T00:00:00Z" err && ok || { fail "names the time"; cat err >&2; }
head -c 300 /dev/urandom >junk.pem
refused ek-ca-file "a root file that is no certificate" --ek-ca junk.pem
{ head -n 3 $root; } >cut.pem
refused ek-ca-file "a truncated PEM root" --ek-ca cut.pem
cat $root $inter >two.pem
refused ek-ca-file "two certificates in the root file" --ek-ca two.pem
refused ek-pinned-mismatch "a pinned EK that is not the TPM's" --ek-ca $root --ek-intermediate $inter \
	--ek-public junk.pem
enroll 2 "an intermediate without a root is bad usage" -- --ek-intermediate $inter && ok
enroll 2 "a bad time is bad usage" -- --ek-ca $root --at yesterday && ok

# Trust on first use still works, and says so.
enroll 0 "trust on first use" -- && [ "$(cat out)" != "" ] && grep -q "WARNING: the ECC P-256 EK is trusted on first use" err \
	&& ok || { fail "the first-use warning"; cat err >&2; }
enroll 0 "trust on first use, RSA EK" -- --rsa-ek && [ "$(cat out)" = "$ak" ] \
	&& grep -q "WARNING: the RSA 2048 EK is trusted on first use" err && ok

# The default EK is ECC P-256 once the TPM stores its certificate: one issued here by a second
# maker's root for the EK the TPM derives (tpm2-tools uses the same TCG template), valid one day.
tpm2_createek -G ecc -c ek.ctx -u ek.tss >/dev/null 2>&1 && tpm2_readpublic -c ek.ctx -f pem -o ek.pem >/dev/null 2>&1 \
	&& tpm2_flushcontext -t >/dev/null 2>&1 || fail "tpm2_createek"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout maker.key -out maker.pem \
	-subj "/CN=maker root" -days 30 -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign >/dev/null 2>&1 \
	&& openssl req -new -key maker.key -subj "/CN=EK" -out ek.csr >/dev/null 2>&1 \
	&& openssl x509 -req -in ek.csr -CA maker.pem -CAkey maker.key -force_pubkey ek.pem -days 1 -outform DER \
		-out ek.der >/dev/null 2>&1 || fail "openssl made no ECC EK certificate"
tpm2_nvdefine -C p -s "$(stat -c %s ek.der)" -a "ppwrite|ppread|ownerread|authread|platformcreate|no_da" \
	0x01c0000a >/dev/null 2>&1 && tpm2_nvwrite -C p -i ek.der 0x01c0000a >/dev/null 2>&1 || fail "tpm2_nvwrite"
enroll 0 "the ECC P-256 EK certificate by default" -- --ek-ca maker.pem && [ "$(cat out)" = "$ak" ] \
	&& grep -q "ECC P-256 EK certificate chains to maker.pem" err && ok
refused ek-cert-chain "no fallback to RSA when the ECC certificate does not chain" --ek-ca $root --ek-intermediate $inter
enroll 0 "--rsa-ek still takes the RSA certificate" -- --rsa-ek --ek-ca $root --ek-intermediate $inter \
	&& grep -q "RSA 2048 EK certificate" err && ok
refused ek-cert-expired "an expired EK certificate" --ek-ca maker.pem --at $(($(date +%s) + 3 * 86400))
grep -q "certificate has expired" err && ok || { fail "names the expiry"; cat err >&2; }
enroll 0 "the EK certificate and a pinned EK" -- --ek-ca maker.pem --ek-public ek.tss \
	&& grep -q "is the pinned one in ek.tss" err && ok

# A new endorsement seed: the TPM's EKs change, their certificates do not.
tpm2_changeeps >/dev/null 2>&1 || fail "tpm2_changeeps"
refused ek-cert-mismatch "an ECC certificate for another EK" --ek-ca maker.pem
refused ek-cert-mismatch "an RSA certificate for another EK" --rsa-ek --ek-ca $root --ek-intermediate $inter
# The certificates gone from NV memory, one after the other.
tpm2_nvundefine -C p 0x01c0000a >/dev/null 2>&1 || fail "tpm2_nvundefine ECC"
refused ek-cert-mismatch "the RSA certificate once the ECC one is gone" --ek-ca $root --ek-intermediate $inter
tpm2_nvundefine -C p 0x01c00002 >/dev/null 2>&1 || fail "tpm2_nvundefine RSA"
refused ek-cert-missing "no EK certificate in NV" --ek-ca $root --ek-intermediate $inter
grep -q "0x01c0000a (ECC P-256) or 0x01c00002 (RSA 2048)" err && ok || { fail "names both indices"; cat err >&2; }
refused ek-cert-missing "no RSA EK certificate in NV" --rsa-ek --ek-ca $root --ek-intermediate $inter

summary
