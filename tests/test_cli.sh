#!/bin/bash
# The capsa command: keygen, seal, open, inspect, with their exit codes and
# messages, on real files and pipes.
source "$(dirname "$0")/harness/cli.sh"
: "${CAPSA_TEST_VECTORS:?}"
V=$CAPSA_TEST_VECTORS/capsa

# ---- keygen
expect_exit 0 "keygen -o" "$CAPSA" keygen -o key.txt
says "Public key: capsa1"
check "identity file is 0600" [ "$(stat -c %a key.txt)" = 600 ]
cp key.txt key.orig
expect_exit 13 "keygen never overwrites" "$CAPSA" keygen -o key.txt
says "refusing to overwrite"
check "identity unchanged" cmp -s key.txt key.orig
ln -s nowhere link.txt
expect_exit 13 "keygen does not follow a symlink" "$CAPSA" keygen -o link.txt
check "symlink target not created" [ ! -e nowhere ]
rec=$("$CAPSA" keygen -y key.txt)
check "keygen -y prints the recipient" [ "${rec:0:6}" = capsa1 ]
check "the file's comment names the same recipient" grep -q "^# recipient: $rec" key.txt
"$CAPSA" keygen > key2.txt 2>/dev/null
check "keygen to stdout" grep -q '^CAPSA-SECRET-KEY-1' key2.txt
rec2=$("$CAPSA" keygen -y - < key2.txt)
"$CAPSA" keygen -o key3.txt 2>/dev/null
echo "not an identity" > bad.txt
expect_exit 12 "keygen -y on a bad file" "$CAPSA" keygen -y bad.txt
says "bad.txt, line 1"
expect_exit 3 "keygen -y on a missing file" "$CAPSA" keygen -y missing.txt
says "missing.txt"
expect_exit 2 "keygen usage" "$CAPSA" keygen extra

# ---- seal and open, files
head -c 200000 /dev/urandom > pt.bin
expect_exit 0 "seal -o" "$CAPSA" seal -r "$rec" -r "$rec2" -o ct.capsa pt.bin
check "seal writes nothing on stderr when not a terminal" [ ! -s err.txt ]
expect_exit 0 "open -o, first recipient" "$CAPSA" open -i key.txt -o out1.bin ct.capsa
check "plaintext 1" cmp -s pt.bin out1.bin
expect_exit 0 "open -o, second recipient" "$CAPSA" open -i key2.txt -o out2.bin ct.capsa
check "plaintext 2" cmp -s pt.bin out2.bin
expect_exit 7 "wrong identity" "$CAPSA" open -i key3.txt -o out3.bin ct.capsa
says "no identity matches"
check "a failed open leaves no file" [ ! -e out3.bin ]
expect_exit 0 "several identities, one matches" "$CAPSA" open -i key3.txt -i key2.txt -o out4.bin ct.capsa
check "plaintext 4" cmp -s pt.bin out4.bin
printf '# team\n%s\n\n%s\n' "$rec" "$rec2" > team.txt
expect_exit 0 "seal -R, chacha20-poly1305, -j 1" "$CAPSA" seal -R team.txt --cipher chacha20-poly1305 -j 1 -o ct2.capsa pt.bin
"$CAPSA" inspect ct2.capsa > insp.txt
check "inspect shows the suite" grep -q 'suite: *chacha20-poly1305' insp.txt
check "inspect shows two x25519 stanzas" grep -q 'x25519 *2' insp.txt
check "inspect shows the plaintext size" grep -q 'plaintext size: 200000$' insp.txt
expect_exit 0 "open chacha" "$CAPSA" open -i key2.txt -o out5.bin ct2.capsa
check "plaintext 5" cmp -s pt.bin out5.bin

# ---- streaming: stdin to stdout, length unknown
cat pt.bin | "$CAPSA" seal -r "$rec" > piped.capsa 2>err.txt
check "seal from a pipe" [ -s piped.capsa ]
"$CAPSA" inspect piped.capsa > insp.txt
check "inspect: size not recorded, derived" grep -q 'plaintext size: 200000 (not recorded' insp.txt
cat piped.capsa | "$CAPSA" open -i key.txt > piped.out
check "open from a pipe to a pipe" cmp -s piped.out pt.bin

# ---- failures, each with its own exit code and message
cp -f "$V"/*.capsa .
expect_exit 9 "a corrupted chunk, -o" "$CAPSA" open -i "$V/identity.txt" -o flip.out chunk-flip.capsa
says "chunk 1 does not verify"
check "no output file after a corrupted chunk" [ ! -e flip.out ]
check "no temporary file left" [ -z "$(ls -A . | grep capsa-tmp)" ]
echo "precious" > keep.txt
expect_exit 9 "a failed open keeps an existing file" "$CAPSA" open -i "$V/identity.txt" -o keep.txt chunk-flip.capsa
check "existing file untouched" grep -q precious keep.txt
"$CAPSA" open -i "$V/identity.txt" chunk-flip.capsa > partial.out 2>err.txt
check "to stdout: non-zero exit at the bad chunk" [ $? -eq 9 ]
check "to stdout: only chunk 0 (verified) was written" [ "$(stat -c %s partial.out)" -eq 16384 ]
expect_exit 10 "truncated" "$CAPSA" open -i "$V/identity.txt" -o t.out truncated.capsa
says "truncated"
check "no file after truncation" [ ! -e t.out ]
expect_exit 11 "trailing data" "$CAPSA" open -i "$V/identity.txt" -o t.out trailing.capsa
says "trailing data"
expect_exit 8 "header MAC" "$CAPSA" open -i "$V/identity.txt" -o t.out header-mac.capsa
says "header authentication failed"
expect_exit 5 "version" "$CAPSA" open -i "$V/identity.txt" -o t.out version.capsa
says "unsupported capsa format version"
expect_exit 4 "not capsa" "$CAPSA" open -i "$V/identity.txt" -o t.out not-capsa.capsa
says "not a capsa file"
expect_exit 4 "inspect: not capsa" "$CAPSA" inspect not-capsa.capsa
: > empty.file
expect_exit 4 "an empty file is not a capsa file" "$CAPSA" open -i "$V/identity.txt" empty.file
expect_exit 3 "a missing input names its path" "$CAPSA" open -i key.txt -o t.out nothere.capsa
says "nothere.capsa"
expect_exit 3 "seal: a missing input names its path" "$CAPSA" seal -r "$rec" -o t.out nothere.bin
says "nothere.bin"
expect_exit 3 "open -o into a missing directory" "$CAPSA" open -i key.txt -o nodir/x ct.capsa
says "nodir/x"
expect_exit 12 "a bad recipient" "$CAPSA" seal -r capsa1notarecipient -o t.out pt.bin
expect_exit 12 "a bad identity file" "$CAPSA" open -i bad.txt -o t.out ct.capsa
says "bad.txt, line 1"
expect_exit 2 "seal without recipients" "$CAPSA" seal -o t.out pt.bin
says "no recipients"
expect_exit 2 "open without identity" "$CAPSA" open ct.capsa
expect_exit 2 "an unknown cipher" "$CAPSA" seal -r "$rec" --cipher des -o t.out pt.bin
expect_exit 2 "a bad thread count" "$CAPSA" seal -r "$rec" -j many -o t.out pt.bin
check "no t.out from any failure" [ ! -e t.out ]

# ---- every vector: the outcome class, and inspect --json against its golden output
for f in "$V"/*.capsa; do
	n=$(basename "$f" .capsa)
	if [ -f "$V/$n.inspect.json" ]; then
		"$CAPSA" inspect --json "$f" > got.json
		check "inspect --json $n" cmp -s got.json "$V/$n.inspect.json"
	fi
done
for v in hello empty chunks stream signed; do
	"$CAPSA" open -i "$V/identity.txt" "$V/$v.capsa" > v.out 2>err.txt
	check "vector $v opens" [ $? -eq 0 ]
done
check "hello says hello" [ "$("$CAPSA" open -i "$V/identity.txt" "$V/hello.capsa")" = "hello, capsa" ]
"$CAPSA" inspect "$V/signed.capsa" > insp.txt
check "inspect shows the v1 signer, and that it covers the header only" grep -q 'signed: *header only (version 1), Ed25519' insp.txt

# ---- a signed seal
expect_exit 0 "seal --sign" "$CAPSA" seal -r "$rec" --sign key.txt -o signed.capsa pt.bin
"$CAPSA" inspect --json signed.capsa > got.json
check "inspect --json has the signer" grep -q '"signer":"[0-9a-f]\{64\}"' got.json

# ---- a terminal on standard output: seal refuses binary; open -q draws no bar
if command -v script >/dev/null 2>&1; then
	script -qec "\"$CAPSA\" seal -r $rec pt.bin" /dev/null > tty.txt 2>&1
	check "seal refuses to write to a terminal (exit 2)" [ $? -eq 2 ]
	check "and says why" grep -q "refusing to write binary output to a terminal" tty.txt
fi

# ---- help
for verb in keygen seal open inspect; do
	"$CAPSA" "$verb" -h > help.txt
	check "$verb -h" grep -q "EXIT STATUS" help.txt
	check "$verb -h synopsis" grep -q "capsa $verb" help.txt
done

summary
