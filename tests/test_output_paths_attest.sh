#!/bin/bash
# Output paths through the capsa attest subcommands that write a file
# (sim-keygen -o, a secret; quote -o, evidence), as tests/test_output_paths.sh
# checks them for the other verbs: a device node, a FIFO and a socket are
# written in place; a symbolic link is followed (refused for the secret); a
# dangling link is refused; an output that is an input is refused before
# anything is written. Exit codes are those of the shared CLI dialect (13).
source "$(dirname "$0")/harness/cli.sh"

nonce=00112233445566778899aabbccddeeff
printf 'keeper-public-keys' > keys
printf 'keeper v1' > program
"$CAPSA" attest sim-keygen -o sim.key > /dev/null 2>&1

verbs="sim-keygen quote"
secret() { [ "$1" = sim-keygen ]; }
w_sim-keygen() { "$CAPSA" attest sim-keygen -o "$1" > /dev/null; }
w_quote() {
	"$CAPSA" attest quote --platform sim --keys keys --nonce $nonce --sim-key sim.key --program program -o "$1"
}
valid_sim-keygen() { grep -q '^CAPSA-SIM-PLATFORM-KEY-1' "$1"; }
valid_quote() { [ -s "$1" ]; }
no_tmp() { [ -z "$(find . -name '.capsa-tmp-*')" ]; }

if mknod probe c 1 3 2>/dev/null; then
	rm -f probe
	for v in $verbs; do
		mkdir dev_$v && mknod dev_$v/out c 1 3
		expect_exit 0 "$v -o a character device" w_$v dev_$v/out
		check "$v: the device node is still a character device" [ -c dev_$v/out ]
	done
else
	echo "SKIP: mknod is not permitted here: no device-node cases" >&2
fi

for v in $verbs; do
	mkdir fifo_$v && mkfifo fifo_$v/out
	timeout 30 cat fifo_$v/out > fifo_$v.got &
	reader=$!
	expect_exit 0 "$v -o a FIFO" w_$v fifo_$v/out
	wait $reader
	check "$v: the FIFO is still a FIFO" [ -p fifo_$v/out ]
	check "$v: the reader got the output" valid_$v fifo_$v.got
done

if command -v python3 > /dev/null; then
	for v in $verbs; do
		mkdir sock_$v
		python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1); s.settimeout(30)
open(sys.argv[1] + ".ready", "w").close()
c, _ = s.accept()
with open(sys.argv[2], "wb") as f:
    while True:
        b = c.recv(65536)
        if not b: break
        f.write(b)
' sock_$v/out sock_$v.got &
		server=$!
		for _ in $(seq 100); do [ -e sock_$v/out.ready ] && break; sleep 0.05; done
		expect_exit 0 "$v -o a socket" w_$v sock_$v/out
		wait $server
		check "$v: the socket is still a socket" [ -S sock_$v/out ]
		check "$v: the listener got the output" valid_$v sock_$v.got
	done
else
	echo "SKIP: no python3 to listen on a Unix socket: no socket cases" >&2
fi

for v in $verbs; do
	mkdir -p link_$v/a link_$v/b
	echo precious > link_$v/b/target
	ln -s ../b/target link_$v/a/out
	if secret $v; then
		expect_exit 13 "$v -o a link to a file: refused" w_$v link_$v/a/out
		check "$v: the link's target is untouched" grep -qx precious link_$v/b/target
	else
		expect_exit 0 "$v -o a symbolic link" w_$v link_$v/a/out
		check "$v: the link is still a link" [ -L link_$v/a/out ]
		check "$v: the target holds the output" valid_$v link_$v/b/target
	fi
	mkdir dangle_$v && ln -s missing dangle_$v/out
	expect_exit 13 "$v -o a dangling link" w_$v dangle_$v/out
	check "$v: the link's target was not created" [ ! -e dangle_$v/missing ]
done
check "no temporary file left" no_tmp

cp keys keys.orig; cp program program.orig; cp sim.key sim.orig
expect_exit 13 "quote -o its --keys file" w_quote keys
check "quote: --keys untouched" cmp -s keys keys.orig
expect_exit 13 "quote -o a hard link of its --program" sh -c 'ln program prog.hard && "$0" attest quote --platform sim --keys keys --nonce '$nonce' --sim-key sim.key --program program -o prog.hard' "$CAPSA"
check "quote: --program untouched" cmp -s program program.orig
expect_exit 13 "quote -o a link to its --sim-key" sh -c 'ln -s sim.key sim.sym && "$0" attest quote --platform sim --keys keys --nonce '$nonce' --sim-key sim.key --program program -o sim.sym' "$CAPSA"
check "quote: --sim-key untouched" cmp -s sim.key sim.orig
expect_exit 13 "sim-keygen -o an existing key" w_sim-keygen sim.key
check "sim-keygen: the key is untouched" cmp -s sim.key sim.orig

summary
