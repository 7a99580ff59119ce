#!/bin/bash
# A capsa proxy network on 127.0.0.1, end to end through the command: three
# real proxies, a 2-of-3 grant; an open; an open with one proxy stopped; a
# proxy returning forged cfrags detected, named and skipped; a stranger, a
# replayed request, an expired grant and a grant past its use limit refused;
# a grant re-published from the owner's record to a fresh proxy;
# a revoked grant refused by every proxy; bare-URL warnings; receipts checked
# offline; a witness cosigning a proxy's checkpoints; the log audited, and an edit of a log row in proxy.db caught by
# audit verify; kill -9 of a proxy during a burst of grants loses no
# acknowledged grant and its log stays consistent with an earlier checkpoint.
# capsa-test: net
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness/cli.sh"
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; wait 2>/dev/null; cd /; rm -rf "$dir"' EXIT

# start_proxy N: serves proxy N (DIR pN) on a free port; sets url[N], key[N], pid[N].
declare -A url key pid
start_proxy() {
	local n=$1; shift
	set -- "$n" "$@"
	rm -f "p$n/port"
	"$CAPSA" proxy serve --listen 127.0.0.1:0 --data "p$n" --quiet "${@:2}" 2>>"p$n.log" &
	pid[$1]=$!
	pids+=($!)
	for _ in $(seq 200); do [ -s "p$1/port" ] && break; sleep 0.05; done
	url[$1]="http://127.0.0.1:$(cat "p$1/port")"
	key[$1]=$("$CAPSA" proxy id --data "p$1" | head -n 1)
}
spec() { echo "${url[$1]}#${key[$1]}"; }
# list_proxies: the proxies file, as the proxies listen now.
list_proxies() { printf '%s %s\n' "${url[1]}" "${key[1]}" "${url[2]}" "${key[2]}" "${url[3]}" "${key[3]}" > proxies; }
for i in 1 2 3; do start_proxy $i; done
list_proxies

# --check changes nothing and takes no lock; a state directory open to others is refused.
check "--check on a fresh directory" "$CAPSA" proxy serve --check --listen 127.0.0.1:0 --data fresh
check "... which it leaves absent" [ ! -e fresh ]
check "--check on a running proxy's directory" "$CAPSA" proxy serve --check --listen 127.0.0.1:0 --data p1
mkdir -m 755 shared
expect_exit 3 "a state directory open to others" "$CAPSA" proxy serve --listen 127.0.0.1:0 --data shared
says "chmod 700"
check "the state files are private" [ "$(stat -c %a p1/proxy.db p1/proxy.db-wal p1/identity | sort -u)" = 600 ]

"$CAPSA" keygen -o owner.txt 2>/dev/null
"$CAPSA" keygen -o alice.txt 2>/dev/null
"$CAPSA" keygen -o mallory.txt 2>/dev/null
alice=$("$CAPSA" keygen -y alice.txt)
head -c 300000 /dev/urandom > plain
"$CAPSA" seal -q --owner owner.txt -o file.capsa plain

# grant_to ARGS...: a grant from owner to alice; sets grant.
grant_to() { "$CAPSA" grant --owner owner.txt --to "$alice" "$@" file.capsa > grant.out 2>err.txt; local rc=$?
	grant=$(sed -n 's/^grant: //p' grant.out); return $rc; }
# open_as ID ARGS...: open file.capsa through proxies; stderr in err.txt.
open_as() { local id=$1; shift; rm -f out; "$CAPSA" open -q -i "$id" --grant "$grant" "$@" -o out file.capsa 2>err.txt; }

check "2-of-3 grant" grant_to -t 2 --proxies proxies
check "grant id printed" grep -q '^[0-9a-f]\{32\}$' <<<"$grant"
check "every proxy accepted" [ "$(grep -c '^  accepted' grant.out)" -eq 3 ]
mkdir receipts
check "open through the proxies" open_as alice.txt --proxies proxies --receipts receipts
check "the plaintext" cmp -s plain out
check "two receipts kept" [ "$(ls receipts | wc -l)" -ge 2 ]
r=$(ls receipts/* | head -n 1)
party=$(basename "$r" .receipt | cut -d- -f2)
good=0
for i in 1 2 3; do
	if "$CAPSA" audit receipt "$r" --proxy-key "${key[$i]}" >"receipt.$i" 2>/dev/null; then
		good=$i
		cp "receipt.$i" receipt.out
	fi
done
check "a receipt verifies offline against its proxy" grep -q "reencrypt, grant $grant" receipt.out
other=$(( good % 3 + 1 ))
expect_exit 18 "a receipt under another proxy's key" "$CAPSA" audit receipt "$r" --proxy-key "${key[$other]}"
says "not signed by that proxy"

# A proxy stopped: the open still succeeds with the other two.
kill "${pid[1]}"; wait "${pid[1]}" 2>/dev/null
check "open with proxy 1 down" open_as alice.txt --proxies proxies
check "the plaintext, again" cmp -s plain out
check "the down proxy is named" grep -q "${url[1]}: connection refused" err.txt
start_proxy 1
list_proxies

# A cheating proxy in front of proxy 2: its cfrags fail their proof; the open names it and uses 1 and 3.
python3 "$here/tools/proxy_middle.py" "${url[2]}" forge.port forge &
pids+=($!)
for _ in $(seq 100); do [ -s forge.port ] && break; sleep 0.05; done
cheat="http://127.0.0.1:$(cat forge.port)"
check "open past a forging proxy" open_as alice.txt --proxy "$cheat#${key[2]}" --proxy "$(spec 1)" --proxy "$(spec 3)"
check "the plaintext past the forger" cmp -s plain out
expect_exit 14 "with the forger and one honest proxy only" open_as alice.txt --proxy "$cheat#${key[2]}" --proxy "$(spec 3)"
check "the forged cfrag is named" grep -q "$cheat: forged cfrag" err.txt

# A stranger is not the recipient.
expect_exit 14 "a stranger's open" open_as mallory.txt --proxies proxies
check "refused as not-recipient" grep -q "not-recipient" err.txt

# A replayed request: record alice's request through a middle, then send it again.
mkdir rec
python3 "$here/tools/proxy_middle.py" "${url[3]}" rec.port record rec &
pids+=($!)
for _ in $(seq 100); do [ -s rec.port ] && break; sleep 0.05; done
open_as alice.txt --proxy "http://127.0.0.1:$(cat rec.port)#${key[3]}" --proxy "$(spec 1)"
code=$(curl -s -o replay.json -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @rec/1.json "${url[3]}/v1/reencrypt")
check "a replayed request is refused (409)" [ "$code" = 409 ]
check "as replay" grep -q 'urn:capsa:problem:replay' replay.json

# Bare URLs work, with a loud warning.
check "open with bare URLs" open_as alice.txt --proxy "${url[1]}" --proxy "${url[3]}"
check "not pinned, said loudly" grep -q "WARNING: ${url[1]} is not pinned" err.txt

# Use limit: one re-encryption per proxy.
check "a grant with --max-uses 1" grant_to -t 2 --proxies proxies --max-uses 1
check "its first open" open_as alice.txt --proxies proxies
expect_exit 14 "its second open" open_as alice.txt --proxy "$(spec 1)" --proxy "$(spec 2)"
check "refused as uses-exhausted" grep -q "uses-exhausted" err.txt

# Expiry.
check "a grant expiring in 1 s" grant_to -t 2 --proxies proxies --expires 1s
sleep 2.2
expect_exit 14 "an open after expiry" open_as alice.txt --proxies proxies
check "refused as expired" grep -q "expired" err.txt

# The grant record: re-publishing to the same proxies is idempotent; a fresh proxy 4 replaces proxy 3.
check "a grant with its record" grant_to -t 2 --proxies proxies --record grant.record
check "the record is 0600" [ "$(stat -c %a grant.record)" = 600 ]
start_proxy 4
"$CAPSA" grant --republish grant.record --owner owner.txt --proxy "$(spec 1)" --proxy "$(spec 2)" \
	--proxy "$(spec 4)" > republish.out 2>err.txt
check "republish: proxies 1 and 2 already held it" [ "$(grep -c 'already held' republish.out)" -eq 2 ]
check "republish: proxy 4 took kfrag 3" grep -q "accepted ${url[4]} (new" republish.out
check "open through proxies 1 and 4" open_as alice.txt --proxy "$(spec 1)" --proxy "$(spec 4)"
check "the plaintext through the replacement" cmp -s plain out
{ cat grant.record; echo "sent 3 unsigned"; } > extended.record
expect_exit 19 "a record with a line after its signature is refused" \
	"$CAPSA" grant --republish extended.record --owner owner.txt --proxy "$(spec 4)"
flip_byte grant.record 100
expect_exit 19 "a tampered record is refused" "$CAPSA" grant --republish grant.record --owner owner.txt --proxy "$(spec 4)"
expect_exit 19 "another owner's record is refused" "$CAPSA" grant --republish grant.record --owner mallory.txt --proxy "$(spec 4)"

# Revocation, then the refusal by every proxy.
check "a grant to revoke" grant_to -t 2 --proxies proxies
check "open before revocation" open_as alice.txt --proxies proxies
"$CAPSA" revoke --owner owner.txt --grant "$grant" --proxies proxies -t 2 > revoke.out 2>err.txt
check "revoke confirmed by all three" grep -q "^3 of 3 proxies confirmed" revoke.out
check "revoke says it holds" grep -q "it holds" revoke.out
check "revoking again is idempotent" "$CAPSA" revoke --owner owner.txt --grant "$grant" --proxies proxies
expect_exit 14 "open after revocation" open_as alice.txt --proxies proxies
check "refused as revoked by every proxy" [ "$(grep -c ': revoked' err.txt)" -eq 3 ]
expect_exit 1 "mallory cannot revoke" "$CAPSA" revoke --owner mallory.txt --grant "$grant" --proxy "$(spec 1)"

# The log from outside.
check "audit verify" "$CAPSA" audit verify --proxy "$(spec 3)" -o p3.checkpoint
check "audit show lists grant, reencrypt and revoke events" \
	bash -c "\"$CAPSA\" audit show --proxy '$(spec 3)' | cut -f2 | sort -u | tr '\n' ' ' | grep -q 'grant reencrypt revoke'"
check "audit verify --since the last checkpoint" "$CAPSA" audit verify --proxy "$(spec 3)" --since p3.checkpoint -o p3.next

# kill -9 during a burst of grants: every acknowledged grant survives, and the log extends the old checkpoint.
burst=()
for n in $(seq 30); do
	"$CAPSA" grant --owner owner.txt --to "$alice" -t 1 --proxy "$(spec 2)" file.capsa > "burst$n.out" 2>/dev/null &
	burst+=($!)
done
sleep 0.1
kill -9 "${pid[2]}"; wait "${pid[2]}" 2>/dev/null
for b in "${burst[@]}"; do wait "$b" 2>/dev/null; done
start_proxy 2
acked=0 kept=0
for n in $(seq 30); do
	g=$(sed -n 's/^grant: //p' "burst$n.out")
	if [ -n "$g" ] && grep -q '^  accepted' "burst$n.out"; then
		acked=$((acked + 1))
		code=$(curl -s -o /dev/null -w '%{http_code}' "${url[2]}/v1/grants/$g")
		[ "$code" = 200 ] && kept=$((kept + 1))
	fi
done
echo "kill -9 burst: $acked acknowledged, $kept kept"
check "every acknowledged grant survived kill -9" [ "$acked" -eq "$kept" ]
list_proxies
check "the log verifies after kill -9" "$CAPSA" audit verify --proxy "$(spec 2)" -o p2.checkpoint
check "the restarted log is usable" grant_to -t 1 --proxy "$(spec 2)"
check "and consistent with the checkpoint from before" \
	"$CAPSA" audit verify --proxy "$(spec 2)" --since p2.checkpoint -o p2.next

# A witness: proxy 3 submits its checkpoints; audit verify --witness requires the cosignature.
"$CAPSA" witness serve --listen 127.0.0.1:0 --data w --log "$("$CAPSA" proxy id --data p3 --log-key)" 2>w.log &
pids+=($!)
for _ in $(seq 200); do [ -s w/port ] && break; sleep 0.05; done
wkey=$("$CAPSA" witness id --data w)
kill "${pid[3]}"; wait "${pid[3]}" 2>/dev/null
start_proxy 3 --witness "http://127.0.0.1:$(cat w/port)#$wkey"
list_proxies
check "a grant on the witnessed proxy" grant_to -t 1 --proxy "$(spec 3)"
for _ in $(seq 100); do
	"$CAPSA" audit verify --proxy "$(spec 3)" --witness "$wkey" >/dev/null 2>&1 && break
	sleep 0.05
done
check "its checkpoint is cosigned by the witness" "$CAPSA" audit verify --proxy "$(spec 3)" --witness "$wkey" -o p3.cosigned
check "the checkpoint carries the cosignature line" grep -q "^— ${wkey%%+*} " p3.cosigned
check "an open through the witnessed proxy" open_as alice.txt --proxy "$(spec 3)" --receipts receipts
for _ in $(seq 100); do
	"$CAPSA" audit verify --proxy "$(spec 3)" --witness "$wkey" >/dev/null 2>&1 && break
	sleep 0.05
done
check "the checkpoint after the open is cosigned too" "$CAPSA" audit verify --proxy "$(spec 3)" --witness "$wkey" -o p3.cosigned2
check "and is a newer one" [ "$(sed -n 2p p3.cosigned2)" -gt "$(sed -n 2p p3.cosigned)" ]
expect_exit 2 "a witness key that is not a cosignature key is refused" \
	"$CAPSA" proxy serve --listen 127.0.0.1:0 --data pw --witness "http://127.0.0.1:1#$("$CAPSA" proxy id --data p3 --log-key)"

# An edit of a log row in the SQLite file is caught.
kill "${pid[3]}"; wait "${pid[3]}" 2>/dev/null
sqlite3 p3/proxy.db "UPDATE entries SET data = replace(data, 'event grant', 'event GRANT') WHERE idx = 0"
start_proxy 3
expect_exit 19 "audit verify catches an edited entry" "$CAPSA" audit verify --proxy "$(spec 3)"
says "does not match the signed tree"

# A second proxy on the same directory is refused; SIGTERM stops one cleanly.
expect_exit 3 "a second proxy on p1" "$CAPSA" proxy serve --listen 127.0.0.1:0 --data p1
says "held by another process"
kill -TERM "${pid[1]}"; wait "${pid[1]}"; got=$?
check "SIGTERM stops a proxy with exit 0" [ "$got" -eq 0 ]
summary
