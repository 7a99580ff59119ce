#!/bin/bash
# Signed files through the capsa command: keygen's signer key, seal --sign,
# open --signer, capsa verify (text and --json), and the forgeries in
# tests/vectors/capsa/v2 (a chunk swapped by a key holder, a stored node, the
# manifest, the trailer length, a copy's origin and plaintext), with their
# exit codes, through files and pipes.
source "$(dirname "$0")/harness/cli.sh"
: "${CAPSA_TEST_VECTORS:?}"
V=$CAPSA_TEST_VECTORS/capsa/v2

# ---- signer keys
expect_exit 0 "keygen -o" "$CAPSA" keygen -o key.txt
says "Signer key: capsasig1"
"$CAPSA" keygen -o other.txt 2>/dev/null
sig=$("$CAPSA" keygen -y --signer key.txt)
other=$("$CAPSA" keygen -y --signer other.txt)
rec=$("$CAPSA" keygen -y key.txt)
check "keygen -y --signer prints a capsasig1 key" [ "${sig:0:9}" = capsasig1 ]
check "the identity file names the same signer" grep -q "^# signer: $sig" key.txt
check "keygen -y still prints the recipient" [ "${rec:0:6}" = capsa1 ]
expect_exit 2 "keygen --signer without -y" "$CAPSA" keygen --signer
echo "$sig" > signer.txt

# ---- seal --sign, open, verify
head -c 200000 /dev/urandom > pt.bin
expect_exit 0 "seal --sign" "$CAPSA" seal -q -r "$rec" --sign key.txt -o s.capsa pt.bin
expect_exit 0 "open a signed file" "$CAPSA" open -q -i key.txt -o back.bin s.capsa
check "the plaintext is back" cmp -s pt.bin back.bin
"$CAPSA" inspect s.capsa > insp.txt
check "inspect names the signer key" grep -q "signed: *yes, by $sig" insp.txt
"$CAPSA" verify s.capsa > ver.txt 2>err.txt
check "verify succeeds without a key" [ $? -eq 0 ]
check "verify says every ciphertext byte is signed" grep -q "every ciphertext byte signed by $sig" ver.txt
check "verify says the plaintext was not checked" grep -q "plaintext commitments: not checked (no key" ver.txt
"$CAPSA" verify -i key.txt s.capsa > ver.txt
check "verify -i checks the plaintext" grep -q "plaintext commitments: checked" ver.txt
"$CAPSA" verify --json s.capsa > ver.json
check "verify --json" grep -q '"ciphertext":true' ver.json
check "verify --json names the signer" grep -q "\"signer\":\"$sig\"" ver.json
check "verify --json: plaintext not checked" grep -q '"plaintext":false' ver.json

# ---- --signer: the right key (string or file), another key, an unsigned file
expect_exit 0 "open --signer the right key" "$CAPSA" open -q -i key.txt --signer "$sig" -o b2.bin s.capsa
expect_exit 0 "open --signer FILE" "$CAPSA" open -q -i key.txt --signer signer.txt -o b3.bin s.capsa
expect_exit 18 "open --signer another key" "$CAPSA" open -q -i key.txt --signer "$other" -o b4.bin s.capsa
says "not signed by the required signer"
check "no output from a refused open" [ ! -e b4.bin ]
expect_exit 0 "seal unsigned" "$CAPSA" seal -q -r "$rec" -o u.capsa pt.bin
expect_exit 18 "open --signer of an unsigned file" "$CAPSA" open -q -i key.txt --signer "$sig" -o b5.bin u.capsa
expect_exit 0 "verify --signer the right key" "$CAPSA" verify --signer "$sig" s.capsa
expect_exit 18 "verify --signer another key" "$CAPSA" verify --signer "$other" s.capsa
expect_exit 18 "verify an unsigned file" "$CAPSA" verify u.capsa
says "not signed"
expect_exit 12 "a bad --signer" "$CAPSA" verify --signer capsasig1nope s.capsa
expect_exit 18 "a v1 header signature does not satisfy --signer" \
	"$CAPSA" open -q -i "$CAPSA_TEST_VECTORS/capsa/identity.txt" --signer "$sig" -o b6.bin "$CAPSA_TEST_VECTORS/capsa/signed.capsa"
expect_exit 0 "a v1 signed file still opens" \
	"$CAPSA" open -i "$CAPSA_TEST_VECTORS/capsa/identity.txt" -o b7.bin "$CAPSA_TEST_VECTORS/capsa/signed.capsa"
says "a version 1 signature covers the header only"

# ---- unknown length (standard input), through a pipe and a file
cat pt.bin | "$CAPSA" seal -q -r "$rec" --sign key.txt > p.capsa
check "a signed seal from a pipe" [ -s p.capsa ]
cat p.capsa | "$CAPSA" open -q -i key.txt > p.out
check "opens through a pipe" cmp -s pt.bin p.out
expect_exit 0 "opens from the file" "$CAPSA" open -q -i key.txt -o p2.out p.capsa
check "same plaintext" cmp -s pt.bin p2.out
expect_exit 0 "verify a stream-sealed file" "$CAPSA" verify --signer "$sig" p.capsa
cat p.capsa | "$CAPSA" verify --signer "$sig" - > /dev/null
check "verify from a pipe" [ $? -eq 0 ]

# ---- forgeries: a swapped chunk, a stored node, the manifest, t-len
vsig=$("$CAPSA" keygen -y --signer "$V/identity.txt")
for n in signed-swapped-chunk signed-stored-node signed-manifest signed-tlen; do
	rm -f f.out
	expect_exit 19 "$n: open -o" "$CAPSA" open -q -i "$V/identity.txt" -o f.out "$V/$n.capsa"
	check "$n: nothing left behind" [ ! -e f.out ]
	cat "$V/$n.capsa" | "$CAPSA" open -q -i "$V/identity.txt" > f.out 2>err.txt
	check "$n: through a pipe, exit 19" [ ${PIPESTATUS[1]} -eq 19 ]
	expect_exit 19 "$n: verify" "$CAPSA" verify "$V/$n.capsa"
done
expect_exit 19 "a swapped chunk: verify -i" "$CAPSA" verify -i "$V/identity.txt" "$V/signed-swapped-chunk.capsa"
says "not what its signer signed"
expect_exit 0 "the good vector verifies" "$CAPSA" verify --signer "$vsig" "$V/signed.capsa"

# ---- copies
expect_exit 0 "a copy opens" "$CAPSA" open -q -i "$V/identity.txt" -o c.out "$V/copy.capsa"
"$CAPSA" verify "$V/copy.capsa" > ver.txt
check "verify shows the original's signer" grep -q "copy of a file signed by $vsig" ver.txt
expect_exit 0 "a copy satisfies --signer of its original" \
	"$CAPSA" verify --signer "$vsig" -i "$V/identity.txt" "$V/copy.capsa"
expect_exit 19 "a copy's origin signature" "$CAPSA" verify "$V/copy-origin-signature.capsa"
expect_exit 0 "a copy of other plaintext is what its maker signed" "$CAPSA" verify "$V/copy-plaintext.capsa"
expect_exit 19 "but verify -i catches the plaintext" "$CAPSA" verify -i "$V/identity.txt" "$V/copy-plaintext.capsa"
expect_exit 19 "and so does open of the file" "$CAPSA" open -q -i "$V/identity.txt" -o c2.out "$V/copy-plaintext.capsa"
check "nothing left behind" [ ! -e c2.out ]
cat "$V/copy-plaintext.capsa" | "$CAPSA" open -i "$V/identity.txt" > c3.out 2>err.txt
check "a copy read as a stream opens, and says its plaintext was not checked" grep -q "was not checked" err.txt
# a copy of other plaintext carries a real origin: --signer of the original needs its plaintext checked
cat "$V/copy-plaintext.capsa" | "$CAPSA" open -q -i "$V/identity.txt" --signer "$vsig" > c4.out 2>err.txt
check "a copy read as a stream does not satisfy --signer of its original" [ ${PIPESTATUS[1]} -eq 18 ]
check "and nothing of it is written" [ ! -s c4.out ]
cat "$V/copy.capsa" | "$CAPSA" open -q -i "$V/identity.txt" --signer "$vsig" > c5.out 2>err.txt
check "not even an honest one" [ ${PIPESTATUS[1]} -eq 18 ]
expect_exit 0 "from the file it does" "$CAPSA" open -q -i "$V/identity.txt" --signer "$vsig" -o c6.out "$V/copy.capsa"
expect_exit 19 "and the file of other plaintext fails its commitments" \
	"$CAPSA" open -q -i "$V/identity.txt" --signer "$vsig" -o c7.out "$V/copy-plaintext.capsa"
expect_exit 18 "keyless verify of a copy does not satisfy --signer of its original" \
	"$CAPSA" verify --signer "$vsig" "$V/copy-plaintext.capsa"
says "give -i"

# ---- every v2 vector: inspect --json against its golden output
for f in "$V"/*.capsa; do
	n=$(basename "$f" .capsa)
	if [ -f "$V/$n.inspect.json" ]; then
		"$CAPSA" inspect --json "$f" > got.json
		check "inspect --json v2/$n" cmp -s got.json "$V/$n.inspect.json"
	fi
done
"$CAPSA" inspect "$V/signed-stream.capsa" > insp.txt
check "inspect derives a signed stream's size without its trailer" grep -q "plaintext size: 16484 (not recorded" insp.txt

# ---- help
"$CAPSA" verify -h > help.txt
check "verify -h" grep -q "EXIT STATUS" help.txt
check "verify -h lists exit 19" grep -q "19   not what its signer signed" help.txt

summary
