#!/bin/bash
# capsa proxy serve killed with -9 in the middle of a burst of grants
# (tests/tools/proxy_burst.c posts them 32 at a time and saves each receipt
# the moment its 201 arrives): restarted on the same directory, it still holds
# every grant it acknowledged, and every receipt given before the kill is an
# entry of the new checkpoint's tree, whose checkpoint is a prefix of it (tile
# reader inclusion and consistency). Then one entry row of proxy.db is edited
# behind the proxy's back: the tiles no longer match the tree's leaves, and
# the check says so.
# capsa-test: net
here=$(cd "$(dirname "$0")" && pwd)
source "$here/harness/cli.sh"
: "${CAPSA_TOOL_PROXY_BURST:?}"
burst=$CAPSA_TOOL_PROXY_BURST
pid="" bpid=""
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; [ -n "$bpid" ] && kill "$bpid" 2>/dev/null; wait 2>/dev/null; cd /; rm -rf "$dir"' EXIT

# start_proxy LOGFILE: serve p on a free port; sets pid and url.
start_proxy() {
	rm -f p/port
	"$CAPSA" proxy serve --listen 127.0.0.1:0 --data p --quiet 2>"$1" &
	pid=$!
	for _ in $(seq 200); do [ -s p/port ] && break; sleep 0.05; done
	url="http://127.0.0.1:$(cat p/port 2>/dev/null)"
}
# stop_proxy SIGNAL: signal it and wait (at most 10 s).
stop_proxy() {
	kill -"$1" "$pid"
	timeout 10 tail --pid="$pid" -f /dev/null
	wait "$pid" 2>/dev/null; pid=""
}
receipts() { find r -name '*.receipt' | wc -l; }

start_proxy serve.log
check "the proxy answers" curl -sf -m 5 -o /dev/null "$url/healthz"

# A burst far longer than the time it takes to kill: the kill lands inside it.
mkdir r
"$burst" grant "$url" 20000 r >burst.txt 2>burst.err & bpid=$!
for _ in $(seq 1500); do [ "$(receipts)" -ge 100 ] && break; sleep 0.02; done # at most 30 s
stop_proxy KILL
timeout 60 tail --pid="$bpid" -f /dev/null; wait "$bpid"; brc=$?; bpid=""
acked=$(receipts)
check "the burst was acknowledged in part ($acked)" [ "$acked" -ge 100 ]
check "and cut by the kill ($(cat burst.txt))" grep -q "^acked $acked of 20000$" burst.txt
check "every acknowledgement carried a valid receipt" [ "$brc" = 0 ]

start_proxy serve2.log
check "it restarts on the same directory" curl -sf -m 5 -o /dev/null "$url/healthz"
check "every acknowledged grant is kept, every receipt in the new tree" \
	sh -c '"$1" verify "$2" r >verify.txt 2>verify.err' _ "$burst" "$url"
grep -q "^verified $acked receipts" verify.txt || fail "verify counted $(cat verify.txt), not $acked"
size=$(sed -n 's/.*log size \([0-9]*\)$/\1/p' verify.txt)
check "the log holds at least what was acknowledged ($size)" [ "${size:-0}" -ge "$acked" ]

# It goes on from there: a second burst, all of it acknowledged, and both checked.
"$burst" grant "$url" 40 r >burst2.txt 2>&1
check "it accepts grants after the restart" grep -q "^acked 40 of 40$" burst2.txt
check "old and new receipts verify together" "$burst" verify "$url" r >verify2.txt
grep -q "^verified $((acked + 40)) receipts" verify2.txt || fail "verify counted $(cat verify2.txt)"

# One entry edited in proxy.db (still a well-formed event): the entry bundle
# no longer hashes to the tree's leaf, and the check finds it.
stop_proxy TERM
sqlite3 p/proxy.db "UPDATE entries SET data = CAST(replace(CAST(data AS TEXT), 'event grant', 'event revoke') AS BLOB) WHERE idx = 0"
check "the row changed" [ "$(sqlite3 p/proxy.db "SELECT instr(CAST(data AS TEXT), 'event revoke') > 0 FROM entries WHERE idx = 0")" = 1 ]
start_proxy serve3.log
expect_exit 1 "a log with an edited entry fails verification" "$burst" verify "$url" r
says "entry bundle 0: an entry's hash is not the tree's leaf"
stop_proxy TERM
summary
