#!/bin/bash
# capsa keeper (strict mode) on 127.0.0.1: a sim keeper and a tpm2 keeper on
# a real software TPM (swtpm, started and stopped here), their ids, their
# attestation, the policies `keeper policy` prints, and grants through three
# real proxies to a keeper whose fresh evidence meets the policy; a
# measurement outside the policy, tampered evidence and a stale nonce are
# refused at grant, naming the check, and nothing is granted. Then the access
# list and fetch: two recipients each get a copy under a key of their own
# (the copies and the original differ; `open --signer PRODUCER` proves each
# copy's plaintext), a recipient not listed, denied or past its time is
# refused, a stranger cannot write the list, a copy opens for its recipient
# only, and kill -9 of the keeper mid-stream leaves a clear error and no
# output file. The tpm2 keeper keeps its identity only sealed, unseals it
# again on restart and serves again, and a changed program cannot start on it.
# capsa-test: net
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness/cli.sh"
: "${CAPSA_TOOL_KEEPER_SPLICE:?}"
command -v swtpm >/dev/null || { echo "swtpm is missing (scripts/deps installs it)" >&2; exit 1; }
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; wait 2>/dev/null; cd /; rm -rf "$dir"' EXIT

# serve NAME CMD...: starts a daemon whose state is NAME/, waits for NAME/port; sets url[NAME], pid[NAME].
declare -A url pid
serve() {
	local name=$1; shift
	rm -f "$name/port"
	"$@" --listen 127.0.0.1:0 --data "$name" --quiet 2>>"$name.log" &
	pid[$name]=$!
	pids+=($!)
	for _ in $(seq 200); do [ -s "$name/port" ] && break; kill -0 "${pid[$name]}" 2>/dev/null || break; sleep 0.05; done
	url[$name]="http://127.0.0.1:$(cat "$name/port" 2>/dev/null)"
}
stop() { kill "${pid[$1]}" 2>/dev/null; wait "${pid[$1]}" 2>/dev/null; }

for i in 1 2 3; do
	serve "p$i" "$CAPSA" proxy serve
	echo "${url[p$i]} $("$CAPSA" proxy id --data "p$i" | head -n 1)" >>proxies
done
for who in owner alice bob mallory; do "$CAPSA" keygen -o $who.txt 2>/dev/null; done
producer=$(sed -n 's/^# signer: //p' owner.txt)
mkdir -m 700 store
head -c 3000000 /dev/urandom >model
"$CAPSA" seal -q --owner owner.txt --sign owner.txt -o store/model.capsa model

# grant_keeper URL POLICY: a 2-of-3 grant to the keeper at URL; grant.out, err.txt, exit status.
grant_keeper() { "$CAPSA" grant --owner owner.txt --to-keeper "$1" --policy "$2" -t 2 --proxies proxies \
	store/model.capsa >grant.out 2>err.txt; }
# pinned NAME: the keeper NAME as URL#RECIPIENT.
pinned() { echo "${url[$1]}#$(curl -sf "${url[$1]}/v1/id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["recipient"])')"; }
# fetch_from KEEPER WHO NAME OUT: WHO's copy of NAME from KEEPER; fetch_as: from k1. err.txt.
fetch_from() { rm -f "$4"; "$CAPSA" fetch --keeper "$(pinned "$1")" -i "$2.txt" "$3" -o "$4" 2>err.txt; }
fetch_as() { fetch_from k1 "$@"; }
# allow_as OWNER WHO [--until WHEN]: OWNER's rule letting WHO fetch model.capsa from keeper $K (k1).
allow_as() { "$CAPSA" access --owner "$1.txt" --keeper "$(pinned "${K:-k1}")" store/model.capsa \
	--allow "$("$CAPSA" keygen -y "$2.txt")" "${@:3}" >/dev/null 2>err.txt; }
allow() { allow_as owner "$@"; }
deny() { "$CAPSA" access --owner owner.txt --keeper "$(pinned "${K:-k1}")" store/model.capsa --deny "$("$CAPSA" keygen -y "$1.txt")" >/dev/null 2>err.txt; }
# holds_for PARTY: every proxy holds the grant in grant.out for the party PARTY.
holds_for() {
	local id; id=$(sed -n 's/^grant: //p' grant.out)
	for i in 1 2 3; do
		curl -sf "${url[p$i]}/v1/grants/$id" | grep -q "\"recipient\":\"$1\"" || return 1
	done
}
party() { curl -sf "$1/v1/id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["party"])'; }

# ---- A sim keeper ------------------------------------------------------------------
serve k1 "$CAPSA" keeper serve --tee sim --store store
check "the sim keeper serves" curl -sf "${url[k1]}/healthz" -o /dev/null
check "it says it has no hardware protection" grep -q "NO HARDWARE PROTECTION" k1.log
check "its identity file is 0600" [ "$(stat -c %a k1/identity k1/sim-platform.key | sort -u)" = 600 ]
"$CAPSA" keeper id --tee sim --data k1 >id.txt 2>/dev/null
check "keeper id: its recipient string" grep -q "^capsa1" id.txt
check "... the one it serves" grep -q "$(head -n 1 id.txt)" <(curl -sf "${url[k1]}/v1/id")
check "... and its log's vkey" grep -q "^capsa.keeper/[0-9a-f]\{16\}+[0-9a-f]\{8\}+" <(sed -n 2p id.txt)
code=$(curl -s -o problem.json -w '%{http_code}' "${url[k1]}/v1/attestation?nonce=zz")
check "a bad nonce: 400 bad-request" [ "$code" = 400 ]
check "... as problem JSON" grep -q '"type":"urn:capsa:problem:bad-request"' problem.json
expect_exit 20 "policy: sim refused without --allow-sim" "$CAPSA" keeper policy --keeper "${url[k1]}"
says "proves nothing"
"$CAPSA" keeper policy --keeper "${url[k1]}" --allow-sim -o sim.json 2>err.txt
check "policy --allow-sim" grep -q '"sim": {"measurements": \["[0-9a-f]\{64\}"\], "platform_keys": \["[0-9a-f]\{64\}"\]}' sim.json
check "... which the attestation command accepts" bash -c \
	"n=00112233; curl -sf '${url[k1]}/v1/attestation?nonce='\$n | python3 -c 'import json,sys,base64; sys.stdout.buffer.write(base64.b64decode(json.load(sys.stdin)[\"evidence\"]))' >ev.bin && \
	 '$CAPSA' attest verify ev.bin --policy sim.json --nonce \$n --keys <(head -n 1 id.txt | tr -d '\n') >/dev/null"

check "a grant to the attested keeper" grant_keeper "${url[k1]}" sim.json
check "... says it is simulated" grep -q "attested (sim, SIMULATED" err.txt
check "... every proxy holds it for the keeper" holds_for "$(party "${url[k1]}")"

# A measurement the policy does not list: refused, nothing granted.
sed 's/"measurements": \["\(..\)/"measurements": ["00/' sim.json >other.json
[ "$(cmp -s sim.json other.json; echo $?)" = 1 ] || sed -i 's/"measurements": \["00/"measurements": ["11/' other.json
expect_exit 20 "a keeper outside the policy is refused" grant_keeper "${url[k1]}" other.json
says "check 'policy-measurement' failed"
check "... and nothing is granted" [ ! -s grant.out ]

# Tampered evidence and a stale nonce, through a man in the middle.
python3 "$here/tools/proxy_middle.py" "${url[k1]}" tamper.port tamper & pids+=($!)
python3 "$here/tools/proxy_middle.py" "${url[k1]}" stale.port stale & pids+=($!)
for _ in $(seq 100); do [ -s tamper.port ] && [ -s stale.port ] && break; sleep 0.05; done
expect_exit 20 "tampered evidence is refused" grant_keeper "http://127.0.0.1:$(cat tamper.port)" sim.json
says "attestation refused: check"
check "... and nothing is granted" [ ! -s grant.out ]
curl -sf "http://127.0.0.1:$(cat stale.port)/v1/attestation?nonce=0102" -o /dev/null # the evidence it will replay
expect_exit 20 "evidence for another nonce is refused" grant_keeper "http://127.0.0.1:$(cat stale.port)" sim.json
says "check 'nonce' failed"

# ---- Access and fetch through the sim keeper ------------------------------------------
check "a grant to the sim keeper, again" grant_keeper "${url[k1]}" sim.json
check "... which the keeper holds" grep -q "holds the grant for its file model.capsa" grant.out
check "alice allowed" allow alice --until 1h
check "bob allowed" allow bob
check "alice fetches her copy" fetch_as alice model.capsa alice.capsa
check "... which opens as the producer's" "$CAPSA" open -q -i alice.txt --signer "$producer" -o alice.out alice.capsa
check "... with the plaintext" cmp -s model alice.out
check "bob fetches his" fetch_as bob model.capsa bob.capsa
check "... which opens for him" "$CAPSA" open -q -i bob.txt --signer "$producer" -o bob.out bob.capsa
check "the copies differ from each other" bash -c "! cmp -s alice.capsa bob.capsa"
check "... and from the original" bash -c "! cmp -s alice.capsa store/model.capsa"
expect_exit 7 "bob cannot open alice's copy" "$CAPSA" open -q -i bob.txt -o /dev/null alice.capsa
expect_exit 7 "nor can the owner" "$CAPSA" open -q -i owner.txt -o /dev/null alice.capsa
check "a second copy for alice has another key" fetch_as alice model.capsa alice2.capsa
check "... so other bytes" bash -c "! cmp -s alice.capsa alice2.capsa"
check "the copy names its maker" grep -q "copy" <("$CAPSA" inspect alice.capsa 2>&1)

expect_exit 1 "mallory, not listed, is refused" fetch_as mallory model.capsa mallory.capsa
says "not-listed"
check "... and gets no file" [ ! -e mallory.capsa ]
expect_exit 1 "mallory cannot write the list" allow_as mallory mallory
says "bad-signature"
# mallory's grant, claiming the owner's keys with her own Ed25519 key spliced in: refused, and the owner's grant holds
"$CAPSA_TOOL_KEEPER_SPLICE" "${url[k1]}" "$(curl -sf "${url[k1]}/v1/id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["recipient"])')" \
	"$("$CAPSA" keygen -y owner.txt)" mallory.txt store/model.capsa model.capsa >splice.out 2>&1
check "a grant with a spliced owner is refused as not-owner" grep -q '^403 .*urn:capsa:problem:not-owner' splice.out
check "... and the owner's grant still serves" fetch_as alice model.capsa alice4.capsa
check "bob denied" deny bob
expect_exit 1 "... then refused" fetch_as bob model.capsa bob2.capsa
says "denied"
check "alice's time set in the past" allow alice --until 2020-01-01T00:00:00Z
expect_exit 1 "... then refused" fetch_as alice model.capsa alice3.capsa
says "access-ended"
expect_exit 1 "a file the store does not hold" fetch_as bob other.capsa x.capsa
says "no-such-file"

# kill -9 of the keeper while it streams a large copy: a clear error and no output file.
head -c 400000000 /dev/zero | openssl enc -aes-128-ctr -nosalt -pass pass:capsa -pbkdf2 2>/dev/null | head -c 400000000 >big
"$CAPSA" seal -q --owner owner.txt --sign owner.txt -o store/big.capsa big
rm -f big
"$CAPSA" grant --owner owner.txt --to-keeper "${url[k1]}" --policy sim.json -t 2 --proxies proxies store/big.capsa >/dev/null 2>&1
"$CAPSA" access --owner owner.txt --keeper "$(pinned k1)" store/big.capsa --allow "$("$CAPSA" keygen -y alice.txt)" >/dev/null 2>&1
( "$CAPSA" fetch --keeper "$(pinned k1)" -i alice.txt big.capsa -o big-alice.capsa 2>fetch-big.err; echo $? >fetch-big.rc ) &
# once the copy is arriving (its temporary file past 1 MB)
for _ in $(seq 500); do [ -n "$(find . -maxdepth 1 -name '.capsa-tmp-*' -size +1M)" ] && break; [ -s fetch-big.rc ] && break; sleep 0.01; done
kill -9 "${pid[k1]}"
wait "${pid[k1]}" 2>/dev/null
for _ in $(seq 300); do [ -s fetch-big.rc ] && break; sleep 0.05; done
check "killed mid-stream: the fetch fails" [ "$(cat fetch-big.rc)" != 0 ]
check "... saying so" grep -q "capsa fetch:" fetch-big.err
check "... and leaves no output file" [ ! -e big-alice.capsa ]
check "... nor its temporary file" [ -z "$(find . -maxdepth 1 -name '.capsa-tmp-*')" ]
rm -f store/big.capsa

# ---- A tpm2 keeper on swtpm --------------------------------------------------------
start_swtpm tpm
pids+=("$tpm_pid")

serve k2 "$CAPSA" keeper serve --tee tpm2 --tcti "$tcti" --store store
check "the tpm2 keeper serves" curl -sf "${url[k2]}/healthz" -o /dev/null
check "its identity exists only sealed" bash -c "[ -s k2/identity.tpm2 ] && [ ! -e k2/identity ]"
first=$(party "${url[k2]}")
"$CAPSA" keeper policy --keeper "${url[k2]}" -o tpm.json 2>err.txt
check "policy: tpm2, no --allow-sim needed" grep -q '"tpm2": {"measurements": \["[0-9a-f]\{64\}"\], "ak_names": \["000b[0-9a-f]\{64\}"\]}' tpm.json
check "... and allow_sim false" grep -q '"allow_sim": false' tpm.json
check "a grant to the tpm2 keeper" grant_keeper "${url[k2]}" tpm.json
check "... held for it by every proxy" holds_for "$first"
expect_exit 20 "the sim policy refuses the tpm2 keeper" grant_keeper "${url[k2]}" sim.json
says "check 'ak-trusted' failed"

stop k2
serve k2 "$CAPSA" keeper serve --tee tpm2 --tcti "$tcti" --store store
check "after a restart it unseals the same identity" [ "$(party "${url[k2]}")" = "$first" ]
check "... and its evidence still meets the policy" grant_keeper "${url[k2]}" tpm.json
K=k2 allow alice
check "... and it serves a copy again" fetch_from k2 alice model.capsa tpm-alice.capsa
check "... which opens as the producer's" "$CAPSA" open -q -i alice.txt --signer "$producer" -o tpm-alice.out tpm-alice.capsa
check "... with the plaintext" cmp -s model tpm-alice.out
stop k2

cp "$CAPSA" changed-capsa && printf 'another build' >>changed-capsa
rm -f k2/port
expect_exit 3 "a changed program cannot unseal the identity" \
	./changed-capsa keeper serve --tee tpm2 --tcti "$tcti" --listen 127.0.0.1:0 --data k2 --quiet
says "PCR 16 no longer holds the measurement"
check "... and it did not serve" [ ! -e k2/port ]

for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
summary
