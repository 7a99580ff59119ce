#!/bin/bash
# capsa witness serve against a toy log (tests/tools/tlog_forge.py, an
# independent Python implementation): a first checkpoint, a consistent
# extension (both cosignatures checked with libcapsa, tests/tools/cosig_check.c,
# and with Python), a stale old size (409 with the size as text/x.tlog.size),
# a fork with the same log key (422, and 409 for a second root at one size),
# a foreign key (403), an unknown origin (404), garbage (400), two branches
# racing from one size (only one is cosigned), a second witness on the same
# directory, SIGTERM, the state kept across a restart and a kill -9, and a
# key without its state refused.
# capsa-test: net
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness/cli.sh"
: "${CAPSA_TOOL_COSIG_CHECK:?}"
forge="python3 $here/tools/tlog_forge.py"
pid=""
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; wait 2>/dev/null; cd /; rm -rf "$dir"' EXIT

seed=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
other=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
origin=example.com/log
vkey=$($forge vkey "$seed" $origin)

# start_witness LOGFILE: serve on a free port (port 0; the witness writes it
# to w/port once it listens); sets pid and url.
start_witness() {
	rm -f w/port
	"$CAPSA" witness serve --listen 127.0.0.1:0 --data w --log "$vkey" 2>"$1" &
	pid=$!
	for _ in $(seq 200); do [ -s w/port ] && break; sleep 0.05; done
	url="http://127.0.0.1:$(cat w/port 2>/dev/null)"
}
# stop_witness SIGNAL: signal it and wait (at most 10 s); sets stopped (0 if it ended) and got (its exit code).
stop_witness() {
	kill -"$1" "$pid"; stopped=0
	timeout 10 tail --pid="$pid" -f /dev/null || stopped=1
	wait "$pid"; got=$?; pid=""
}
# post BODYFILE [OUT]: POST to /add-checkpoint; status in code, body in OUT (resp.txt), type in ctype.
post() {
	local out=${2:-resp.txt} r
	r=$(curl -s -m 10 -o "$out" -w '%{http_code} %{content_type}' --data-binary @"$1" "$url/add-checkpoint")
	code=${r%% *}; ctype=${r#* }
}
# body LABEL OLD SIZE [SEED] [ORIGIN]: an add-checkpoint body in req.txt.
# not CMD...: CMD fails.
not() { ! "$@" 2>/dev/null; }
body() { $forge body "${4:-$seed}" "${5:-$origin}" "$1" "$2" "$3" > req.txt; }
# cosigned LABEL SIZE: resp.txt is a witness cosignature of that checkpoint (libcapsa, then Python).
cosigned() {
	local t; t=$("$CAPSA_TOOL_COSIG_CHECK" req.txt resp.txt "$vkey" "$wkey") || return 1
	[ "$t" -ge $(( $(date +%s) - 60 )) ] && [ "$t" -le $(( $(date +%s) + 60 )) ] || return 1
	$forge cosig "$wkey" "$seed" $origin "$1" "$2" <resp.txt
}

start_witness serve.log
check "listening line" grep -q "listening on 127.0.0.1:" serve.log
wkey=$("$CAPSA" witness id --data w)
check "witness id is a cosignature vkey" grep -q '^capsa.witness/[0-9a-f]\{16\}+[0-9a-f]\{8\}+' <<<"$wkey"
check "serve prints the same key" grep -qF "key $wkey" serve.log
check "identity is 0600" [ "$(stat -c %a w/identity)" = 600 ]

body leaf 0 4; post req.txt
check "first checkpoint cosigned ($code)" [ "$code" = 200 ]
check "its cosignature verifies" cosigned leaf 4
body leaf 4 10; post req.txt
check "consistent extension cosigned ($code)" [ "$code" = 200 ]
check "its cosignature verifies" cosigned leaf 10
check "a cosignature of another checkpoint does not" not cosigned leaf 4
body leaf 10 10; post req.txt
check "the same checkpoint again ($code)" [ "$code" = 200 ]
check "and cosigned" cosigned leaf 10

body leaf 4 12; post req.txt
check "stale old size is 409 ($code)" [ "$code" = 409 ]
check "409 names the size" [ "$(cat resp.txt)" = 10 ]
check "409 is text/x.tlog.size ($ctype)" [ "$ctype" = text/x.tlog.size ]
body leaf 0 12; post req.txt
check "old size 0 on a known log is 409 ($code)" [ "$code" = 409 ] && [ "$(cat resp.txt)" = 10 ]
body fork 10 12; post req.txt
check "a fork by the same key is 422 ($code)" [ "$code" = 422 ]
body fork@6 10 12; post req.txt
check "a fork after leaf 6 is 422 ($code)" [ "$code" = 422 ]
body fork 10 10; post req.txt
check "a second root at one size is 409 ($code)" [ "$code" = 409 ] && [ "$(cat resp.txt)" = 10 ]
body leaf 10 12 "$other"; post req.txt
check "another key's checkpoint is 403 ($code)" [ "$code" = 403 ]
body leaf 0 3 "$seed" other.example/log; post req.txt
check "an unknown origin is 404 ($code)" [ "$code" = 404 ]
body leaf 12 10; post req.txt
check "old size beyond the checkpoint is 400 ($code)" [ "$code" = 400 ]
body leaf 10 12
sed -i '2s/^./A/' req.txt; post req.txt
check "a damaged proof hash is 422 ($code)" [ "$code" = 422 ]
body leaf 10 12
sed -i '2d' req.txt; post req.txt
check "a short proof is 422 ($code)" [ "$code" = 422 ]
printf 'old 10\n\nexample.com/log\n12\nnot a root\n\n\xe2\x80\x94 example.com/log AAAAAAAA\n' >bad.txt; post bad.txt
check "a checkpoint that does not parse is 400 ($code)" [ "$code" = 400 ]
: >empty.txt; post empty.txt
check "an empty body is 400 ($code)" [ "$code" = 400 ]

body leaf 10 12; cp req.txt good.txt
g400=0 gbad=0
for i in $(seq 60); do
	head -c $((i * 7)) /dev/urandom >g.bin; post g.bin /dev/null
	[ "$code" = 400 ] && g400=$((g400 + 1))
	cp good.txt g.bin; flip_byte g.bin $(( (i * 37) % $(wc -c <good.txt) )); post g.bin /dev/null
	case $code in 400|403|404|409|422) ;; *) gbad=$((gbad + 1)); echo "flip $i: $code" >&2 ;; esac
done
check "random bodies are 400 ($g400 of 60)" [ $g400 = 60 ]
check "damaged bodies are refused, not cosigned or 5xx ($gbad)" [ $gbad = 0 ]
check "alive after the garbage" curl -sf -m 5 -o /dev/null "$url/healthz"
post good.txt
check "still advances after the garbage ($code)" [ "$code" = 200 ] && cosigned leaf 12

# Two branches from size 12 race, over and over: a witness that checks and
# stores in one transaction cosigns one of them, never both.
label=leaf size=12 both=0 none=0
for round in $(seq 8); do
	a=$((size + 2)) b=$((size + 3)) lb="b$round@$size"
	$forge body "$seed" $origin leaf $size $a >ra.txt
	$forge body "$seed" $origin "$lb" $size $b >rb.txt
	curl -s -m 10 -o /dev/null -w '%{http_code}' --data-binary @ra.txt "$url/add-checkpoint" >ca.txt & p1=$!
	curl -s -m 10 -o /dev/null -w '%{http_code}' --data-binary @rb.txt "$url/add-checkpoint" >cb.txt & p2=$!
	wait $p1 $p2 # not the witness
	ca=$(cat ca.txt) cb=$(cat cb.txt)
	[ "$ca" = 200 ] && [ "$cb" = 200 ] && both=$((both + 1))
	if [ "$ca" = 200 ]; then size=$a
	elif [ "$cb" = 200 ]; then size=$b label=$lb; break # the log is the branch now
	else none=$((none + 1)); break
	fi
done
check "never both branches ($both)" [ $both = 0 ]
check "always one branch ($none)" [ $none = 0 ]
held=$size

expect_exit 3 "a second witness on the same directory" \
	timeout 10 "$CAPSA" witness serve --listen 127.0.0.1:0 --data w --log "$vkey"
says "held by another process"

stop_witness TERM
check "SIGTERM stops it" [ $stopped = 0 ] && [ $got = 0 ]
check "and says so" grep -q "stopping" serve.log
start_witness serve2.log
body leaf 4 40; post req.txt
check "the size survives a restart ($code)" [ "$code" = 409 ] && [ "$(cat resp.txt)" = "$held" ]

# kill -9 right after a cosignature: what was cosigned is what is held.
size=$held
for n in 1 2 3; do
	new=$((size + n * 5))
	$forge body "$seed" $origin "$label" $size $new >req.txt; post req.txt
	[ "$code" = 200 ] || break
	size=$new
	stop_witness KILL
	start_witness serve-k$n.log
	$forge body "$seed" $origin "$label" 0 $new >req.txt; post req.txt
	[ "$code" = 409 ] && [ "$(cat resp.txt)" = "$new" ] || break
done
check "every cosigned size survives kill -9 ($size)" [ "$size" = $((held + 30)) ]
$forge body "$seed" $origin "fork" $size $size >req.txt; post req.txt
check "and its root: a second root after kill -9 is 409 ($code)" [ "$code" = 409 ]
$forge body "$seed" $origin "$label" $size $((size + 1)) >req.txt; post req.txt
check "and it extends from there ($code)" [ "$code" = 200 ]
stop_witness TERM
check "SIGTERM stops the restarted witness" [ $stopped = 0 ] && [ $got = 0 ]

cp -r w lost; rm -f lost/witness.db*
expect_exit 3 "a key without its state" \
	timeout 10 "$CAPSA" witness serve --listen 127.0.0.1:0 --data lost --log "$vkey"
says "witness.db"
expect_exit 2 "serve without --data" "$CAPSA" witness serve --listen 127.0.0.1:0
expect_exit 12 "a bad --log key" "$CAPSA" witness serve --listen 127.0.0.1:0 --data w2 --log nonsense
expect_exit 12 "id of a directory without identity" "$CAPSA" witness id --data w3
summary
