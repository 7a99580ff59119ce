#!/bin/bash
# capsa witness serve against a toy log (tests/tools/tlog_forge.py): a first
# checkpoint, a consistent extension, a stale old size (409 with the size), a
# fork with the same log key (422, and 409 for a second root at one size), a
# foreign key (403), an unknown origin (404), garbage (400), a second witness
# on the same directory, SIGTERM, and the state kept across a restart.
# capsa-test: net
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness/cli.sh"
forge="python3 $here/tools/tlog_forge.py"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$dir"' EXIT

seed=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
other=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
origin=example.com/log
vkey=$($forge vkey "$seed" $origin)

# start_witness LOGFILE: serve on a free port; sets pid and url.
start_witness() {
	rm -f w/port
	"$CAPSA" witness serve --listen 127.0.0.1:0 --data w --log "$vkey" 2>"$1" &
	pid=$!; pids+=("$pid")
	for _ in $(seq 100); do [ -s w/port ] && break; sleep 0.05; done
	url="http://127.0.0.1:$(cat w/port 2>/dev/null)"
}
# post BODYFILE: POST to /add-checkpoint; status in code, body in resp.txt.
post() { code=$(curl -s -m 10 -o resp.txt -w '%{http_code}' --data-binary @"$1" "$url/add-checkpoint"); }
body() { $forge body "$1" "$2" "$3" "$4" "$5" > req.txt; }

start_witness serve.log
check "listening line" grep -q "listening on 127.0.0.1:" serve.log
wkey=$("$CAPSA" witness id --data w)
check "witness id is a cosignature vkey" grep -q '^capsa.witness/[0-9a-f]\{16\}+[0-9a-f]\{8\}+' <<<"$wkey"
check "identity is 0600" [ "$(stat -c %a w/identity)" = 600 ]

body "$seed" $origin leaf 0 4; post req.txt
check "first checkpoint cosigned ($code)" [ "$code" = 200 ]
check "cosignature verifies" $forge cosig "$wkey" "$seed" $origin leaf 4 <resp.txt
body "$seed" $origin leaf 4 10; post req.txt
check "consistent extension cosigned ($code)" [ "$code" = 200 ]
check "its cosignature verifies" $forge cosig "$wkey" "$seed" $origin leaf 10 <resp.txt
body "$seed" $origin leaf 10 10; post req.txt
check "the same checkpoint again ($code)" [ "$code" = 200 ]

body "$seed" $origin leaf 4 12; post req.txt
check "stale old size is 409 ($code)" [ "$code" = 409 ]
check "409 names the size" [ "$(cat resp.txt)" = 10 ]
body "$seed" $origin fork 10 12; post req.txt
check "a fork by the same key is 422 ($code)" [ "$code" = 422 ]
body "$seed" $origin fork 10 10; post req.txt
check "a second root at one size is 409 ($code)" [ "$code" = 409 ]
body "$other" $origin leaf 10 12; post req.txt
check "another key's checkpoint is 403 ($code)" [ "$code" = 403 ]
body "$seed" other.example/log leaf 0 3; post req.txt
check "an unknown origin is 404 ($code)" [ "$code" = 404 ]
body "$seed" $origin leaf 12 10; post req.txt
check "old size beyond the checkpoint is 400 ($code)" [ "$code" = 400 ]
body "$seed" $origin leaf 10 12
sed -i '2s/^./A/' req.txt; post req.txt
check "a damaged proof is refused ($code)" [ "$code" = 422 ] || [ "$code" = 400 ]

for i in $(seq 200); do
	if [ $((i % 2)) = 0 ]; then head -c $((i * 7)) /dev/urandom > g.bin
	else body "$seed" $origin leaf 10 12; flip_byte req.txt $((i % $(wc -c <req.txt))); cp req.txt g.bin; fi
	curl -s -m 5 -o /dev/null --data-binary @g.bin "$url/add-checkpoint"
done
check "alive after 200 garbage bodies" curl -sf -m 5 -o /dev/null "$url/healthz"
body "$seed" $origin leaf 10 12; post req.txt
check "still advances after the garbage ($code)" [ "$code" = 200 ]

expect_exit 3 "a second witness on the same directory" \
	timeout 10 "$CAPSA" witness serve --listen 127.0.0.1:0 --data w --log "$vkey"
says "held by another process"

kill -TERM "$pid"; rc=0; timeout 10 tail --pid="$pid" -f /dev/null || rc=1; wait "$pid"; got=$?
check "SIGTERM stops it" [ $rc = 0 ] && [ $got = 0 ]
start_witness serve2.log
body "$seed" $origin leaf 4 14; post req.txt
check "the size survives a restart ($code)" [ "$code" = 409 ] && [ "$(cat resp.txt)" = 12 ]
body "$seed" $origin leaf 12 14; post req.txt
check "and the root: extension from it ($code)" [ "$code" = 200 ]
expect_exit 2 "serve without --data" "$CAPSA" witness serve --listen 127.0.0.1:0
expect_exit 12 "a bad --log key" "$CAPSA" witness serve --listen 127.0.0.1:0 --data w2 --log nonsense
summary
