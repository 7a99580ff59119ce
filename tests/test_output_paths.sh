#!/bin/bash
# Output paths through every verb that writes a file (keygen, seal, open,
# grant, reencrypt): a device node, a FIFO and a socket are written in
# place and stay what they are; a symbolic link is followed and its target
# replaced (refused for the secret files of keygen and grant); a dangling
# link is refused; an output that is one of the inputs is refused before
# anything is written, whatever path names it.
source "$(dirname "$0")/harness/cli.sh"

"$CAPSA" keygen -o key.txt 2>/dev/null
"$CAPSA" keygen -o owner.txt 2>/dev/null
rec=$("$CAPSA" keygen -y key.txt)
head -c 70000 /dev/urandom > pt.bin
"$CAPSA" seal -r "$rec" -o ct.capsa pt.bin
"$CAPSA" seal --owner owner.txt -o f.capsa pt.bin
"$CAPSA" grant --owner owner.txt --to "$rec" -t 1 -n 1 -o g f.capsa > /dev/null

verbs="keygen seal open grant reencrypt"
secret() { [ "$1" = keygen ] || [ "$1" = grant ]; }

# w_VERB OUT: the verb writes one file to OUT. grant writes DIR/1.kfrag, so
# every output path here is DIR/1.kfrag. A reader that is never written to
# gives up after 30 seconds, so a FIFO replaced by a file fails, not hangs.
w_keygen() { "$CAPSA" keygen -o "$1"; }
w_seal() { "$CAPSA" seal -r "$rec" -o "$1" pt.bin; }
w_open() { "$CAPSA" open -i key.txt -o "$1" ct.capsa; }
w_grant() { "$CAPSA" grant --owner owner.txt --to "$rec" -t 1 -n 1 -o "$(dirname "$1")" f.capsa > /dev/null; }
w_reencrypt() { "$CAPSA" reencrypt --kfrag g/1.kfrag -o "$1" f.capsa; }

# valid_VERB FILE: FILE holds what the verb writes.
valid_keygen() { grep -q '^CAPSA-SECRET-KEY-1' "$1"; }
valid_seal() { "$CAPSA" open -i key.txt "$1" 2>/dev/null | cmp -s - pt.bin; }
valid_open() { cmp -s "$1" pt.bin; }
valid_grant() { [ "$(head -c 11 "$1")" = capsa-kfrag ] && [ "$(stat -c %s "$1")" = 440 ]; }
valid_reencrypt() { [ "$(head -c 11 "$1")" = capsa-cfrag ] && [ "$(stat -c %s "$1")" = 509 ]; }

no_tmp() { [ -z "$(find . -name '.capsa-tmp-*')" ]; }

# ---- a character device: written in place, never replaced by a file
if mknod probe c 1 3 2>/dev/null; then
	rm -f probe
	for v in $verbs; do
		mkdir dev_$v && mknod dev_$v/1.kfrag c 1 3
		expect_exit 0 "$v -o a character device" w_$v dev_$v/1.kfrag
		check "$v: the device node is still a character device" [ -c dev_$v/1.kfrag ]
		check "$v: the device node is still 1,3" [ "$(stat -c %t,%T dev_$v/1.kfrag)" = 1,3 ]
	done
	check "no temporary file beside a device" no_tmp
else
	echo "SKIP: mknod is not permitted here: no device-node cases" >&2
fi

# ---- a FIFO with a reader: the reader gets everything, the FIFO stays a FIFO
for v in $verbs; do
	mkdir fifo_$v && mkfifo fifo_$v/1.kfrag
	timeout 30 cat fifo_$v/1.kfrag > fifo_$v.got &
	reader=$!
	expect_exit 0 "$v -o a FIFO" w_$v fifo_$v/1.kfrag
	wait $reader
	check "$v: the FIFO is still a FIFO" [ -p fifo_$v/1.kfrag ]
	check "$v: the reader got the whole output" valid_$v fifo_$v.got
done

# ---- a Unix socket: connected to, written, left a socket
if command -v python3 > /dev/null; then
	for v in $verbs; do
		mkdir sock_$v
		python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1); s.settimeout(30)
open(sys.argv[1] + ".ready", "w").close()
c, _ = s.accept()
with open(sys.argv[2], "wb") as f:
    while True:
        b = c.recv(65536)
        if not b: break
        f.write(b)
' sock_$v/1.kfrag sock_$v.got &
		server=$!
		for _ in $(seq 100); do [ -e sock_$v/1.kfrag.ready ] && break; sleep 0.05; done
		rm -f sock_$v/1.kfrag.ready
		expect_exit 0 "$v -o a socket" w_$v sock_$v/1.kfrag
		wait $server
		check "$v: the socket is still a socket" [ -S sock_$v/1.kfrag ]
		check "$v: the listener got the whole output" valid_$v sock_$v.got
	done
else
	echo "SKIP: no python3 to listen on a Unix socket: no socket cases" >&2
fi

# ---- standard output named as a path, as /dev/stdout names it (a link to
# /proc/self/fd/1), into a pipe. The link is made here, not /dev/stdout
# itself, so that a capsa that replaced links could not break the system's.
ln -s /proc/self/fd/1 stdout.link
"$CAPSA" open -i key.txt -o stdout.link ct.capsa 2>err.txt | cat > stdout.got
check "open -o a link to /proc/self/fd/1, into a pipe" cmp -s stdout.got pt.bin
"$CAPSA" keygen -o stdout.link 2>err.txt | cat > stdout.key
check "keygen -o a link to /proc/self/fd/1, into a pipe" valid_keygen stdout.key
check "the link to /proc/self/fd/1 is still a link" [ -L stdout.link ]

# ---- a terminal named by -o: seal and reencrypt refuse binary output to it,
# as they refuse it on standard output
if command -v python3 > /dev/null; then
	# a capsa that wrote to the terminal would fill it and block: 30 s at most
	on_tty() { python3 -c 'import os, pty, subprocess, sys
m, s = pty.openpty()
try:
    sys.exit(subprocess.call(sys.argv[1:] + ["-o", os.ttyname(s)], timeout=30))
except subprocess.TimeoutExpired:
    sys.exit(124)' "$@"; }
	expect_exit 2 "seal -o a terminal" on_tty "$CAPSA" seal -r "$rec" pt.bin
	says "terminal"
	expect_exit 2 "reencrypt -o a terminal" on_tty "$CAPSA" reencrypt --kfrag g/1.kfrag f.capsa
	says "terminal"
fi

# ---- a symbolic link: followed, its target replaced, the link kept
for v in $verbs; do
	mkdir -p link_$v/a link_$v/b
	echo precious > link_$v/b/target
	ln -s ../b/target link_$v/a/1.kfrag
	if secret $v; then
		expect_exit 13 "$v -o a link to a file: refused (a secret never replaces a file)" w_$v link_$v/a/1.kfrag
		says "refusing to overwrite"
		check "$v: the link's target is untouched" grep -qx precious link_$v/b/target
	else
		expect_exit 0 "$v -o a symbolic link" w_$v link_$v/a/1.kfrag
		check "$v: the link is still a link" [ -L link_$v/a/1.kfrag ]
		check "$v: the link's target holds the output" valid_$v link_$v/b/target
		check "$v: the target is a regular file" [ -f link_$v/b/target ] && [ ! -L link_$v/b/target ]
	fi
done
check "no temporary file beside a link or its target" no_tmp

# ---- a link to a FIFO is followed for every verb, secrets included
for v in $verbs; do
	mkdir lfifo_$v && mkfifo lfifo_$v/p && ln -s p lfifo_$v/1.kfrag
	timeout 30 cat lfifo_$v/p > lfifo_$v.got &
	reader=$!
	expect_exit 0 "$v -o a link to a FIFO" w_$v lfifo_$v/1.kfrag
	wait $reader
	check "$v: the reader behind the link got the output" valid_$v lfifo_$v.got
	check "$v: the link is still a link" [ -L lfifo_$v/1.kfrag ]
done

# ---- a dangling or looping link: refused, nothing created
for v in $verbs; do
	mkdir dangle_$v
	ln -s missing dangle_$v/1.kfrag
	expect_exit 13 "$v -o a dangling link" w_$v dangle_$v/1.kfrag
	check "$v: the link's target was not created" [ ! -e dangle_$v/missing ]
	check "$v: the dangling link is left as it is" [ -L dangle_$v/1.kfrag ]
	mkdir loop_$v
	ln -s 1.kfrag loop_$v/1.kfrag
	expect_exit 13 "$v -o a link to itself" w_$v loop_$v/1.kfrag
done
says "symbolic link"
check "no temporary file after a refused link" no_tmp

# ---- the output is an input: refused before anything is written
# same_VERB PATH: the verb with PATH naming its main input (or another file it reads).
cp pt.bin pt.orig; cp ct.capsa ct.orig; cp key.txt key.orig; cp f.capsa f.orig; cp g/1.kfrag kfrag.orig
cp owner.txt owner.orig
same() { # WHAT EXPECTED-FILE ORIG CMD...
	local what=$1 file=$2 orig=$3; shift 3
	expect_exit 13 "$what" "$@"
	says "inputs"
	check "$what: the input is untouched" cmp -s "$file" "$orig"
}
exec 3< ct.capsa 4< pt.bin 5< f.capsa
same "open -o IN IN" ct.capsa ct.orig "$CAPSA" open -i key.txt -o ct.capsa ct.capsa
same "open -o ./IN IN" ct.capsa ct.orig "$CAPSA" open -i key.txt -o ./ct.capsa ct.capsa
ln ct.capsa ct.hard
same "open -o a hard link of IN" ct.capsa ct.orig "$CAPSA" open -i key.txt -o ct.hard ct.capsa
ln -s ct.capsa ct.sym
same "open -o a symbolic link to IN" ct.capsa ct.orig "$CAPSA" open -i key.txt -o ct.sym ct.capsa
check "open: the link to the input is still a link" [ -L ct.sym ]
same "open -o /proc/self/fd/N of IN" ct.capsa ct.orig "$CAPSA" open -i key.txt -o /proc/self/fd/3 ct.capsa
same "open -o IN, IN on standard input" ct.capsa ct.orig sh -c '"$0" open -i key.txt -o ct.capsa < ct.capsa' "$CAPSA"
same "open -o the identity file" key.txt key.orig "$CAPSA" open -i key.txt -o key.txt ct.capsa
same "seal -o IN IN" pt.bin pt.orig "$CAPSA" seal -r "$rec" -o pt.bin pt.bin
same "seal -o ./IN IN" pt.bin pt.orig "$CAPSA" seal -r "$rec" -o ./pt.bin pt.bin
ln pt.bin pt.hard
same "seal -o a hard link of IN" pt.bin pt.orig "$CAPSA" seal -r "$rec" -o pt.hard pt.bin
same "seal -o /proc/self/fd/N of IN" pt.bin pt.orig "$CAPSA" seal -r "$rec" -o /proc/self/fd/4 pt.bin
same "seal -o the --owner identity file" owner.txt owner.orig "$CAPSA" seal --owner owner.txt -o owner.txt pt.bin
same "seal -o a link to the --owner identity" owner.txt owner.orig sh -c 'ln -s owner.txt own.sym && "$0" seal --owner owner.txt -o own.sym pt.bin' "$CAPSA"
same "reencrypt -o FILE FILE" f.capsa f.orig "$CAPSA" reencrypt --kfrag g/1.kfrag -o f.capsa f.capsa
same "reencrypt -o /proc/self/fd/N of FILE" f.capsa f.orig "$CAPSA" reencrypt --kfrag g/1.kfrag -o /proc/self/fd/5 f.capsa
same "reencrypt -o the kfrag" g/1.kfrag kfrag.orig "$CAPSA" reencrypt --kfrag g/1.kfrag -o ./g/1.kfrag f.capsa
exec 3<&- 4<&- 5<&-
# grant and keygen write secrets: any existing file is refused, the input with it
mkdir gsame gsame2
ln f.capsa gsame/1.kfrag
expect_exit 13 "grant: a kfrag path that is a hard link of FILE" w_grant gsame/1.kfrag
check "grant: the input is untouched (hard link)" cmp -s f.capsa f.orig
ln -s ../f.capsa gsame2/1.kfrag
expect_exit 13 "grant: a kfrag path that is a link to FILE" w_grant gsame2/1.kfrag
check "grant: the input is untouched (link)" cmp -s f.capsa f.orig
expect_exit 13 "keygen -o an existing identity file" w_keygen key.txt
check "keygen: the identity file is untouched" cmp -s key.txt key.orig
check "no temporary file after a refusal" no_tmp

# ---- a grant that fails after writing into a FIFO does not remove the FIFO
mkdir gfail && mkfifo gfail/1.kfrag && : > gfail/2.kfrag
timeout 30 cat gfail/1.kfrag > /dev/null &
reader=$!
expect_exit 13 "grant: the second kfrag exists" "$CAPSA" grant --owner owner.txt --to "$rec" -t 1 -n 2 -o gfail f.capsa
wait $reader
check "grant: the FIFO it wrote into is not removed" [ -p gfail/1.kfrag ]

summary
