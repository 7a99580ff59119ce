#!/bin/bash
# The umbral route from the command line: seal --owner, the owner opens,
# grant 2-of-3, three re-encryptions, open with every pair and with all three,
# and every refusal with its exit code and the check its message names.
source "$(dirname "$0")/harness/cli.sh"

for who in owner alice bob; do "$CAPSA" keygen -o $who.txt 2>/dev/null; done
alice=$("$CAPSA" keygen -y alice.txt)
bob=$("$CAPSA" keygen -y bob.txt)
head -c 100000 /dev/urandom > pt.bin
head -c 5000 /dev/urandom > pt2.bin

# ---- seal with only an owner; the owner opens directly
expect_exit 0 "seal --owner alone" "$CAPSA" seal --owner owner.txt -o f.capsa pt.bin
"$CAPSA" inspect f.capsa > inspect.txt 2>&1
check "inspect lists the umbral stanza" grep -q "umbral" inspect.txt
expect_exit 0 "the owner opens its file" "$CAPSA" open -i owner.txt -o own.bin f.capsa
check "owner's plaintext" cmp -s pt.bin own.bin
expect_exit 7 "another identity does not" "$CAPSA" open -i alice.txt -o x.bin f.capsa
check "no output after a failed open" [ ! -e x.bin ]
expect_exit 0 "seal --owner with a recipient" "$CAPSA" seal --owner owner.txt -r "$bob" -o both.capsa pt.bin
expect_exit 0 "the recipient of the x25519 stanza opens" "$CAPSA" open -i bob.txt -o b.bin both.capsa
check "recipient's plaintext" cmp -s pt.bin b.bin
expect_exit 0 "the owner opens the file with both stanzas" "$CAPSA" open -i owner.txt -o b2.bin both.capsa
check "owner's plaintext (both)" cmp -s pt.bin b2.bin

# ---- grant 2-of-3 to alice; files 0600 in a 0700 directory, never overwritten
expect_exit 0 "grant 2 of 3" "$CAPSA" grant --owner owner.txt --to "$alice" -t 2 -n 3 -o grant f.capsa
check "grant directory is 0700" [ "$(stat -c %a grant)" = 700 ]
for i in 1 2 3; do
	check "kfrag $i is 0600" [ "$(stat -c %a grant/$i.kfrag)" = 600 ]
	check "kfrag $i is 440 bytes" [ "$(stat -c %s grant/$i.kfrag)" = 440 ]
done
cp grant/1.kfrag kfrag1.orig
expect_exit 13 "a second grant into the same directory" \
	"$CAPSA" grant --owner owner.txt --to "$alice" -t 2 -n 3 -o grant f.capsa
says "refusing to overwrite"
check "kfrag 1 unchanged" cmp -s grant/1.kfrag kfrag1.orig
mkdir partial && : > partial/2.kfrag
expect_exit 13 "a grant that meets an existing kfrag file" \
	"$CAPSA" grant --owner owner.txt --to "$alice" -t 2 -n 3 -o partial f.capsa
check "the kfrags written before it are removed" [ ! -e partial/1.kfrag ]
check "the existing file is untouched" [ ! -s partial/2.kfrag ]
check "nothing written after it" [ ! -e partial/3.kfrag ]
expect_exit 0 "a second grant elsewhere" "$CAPSA" grant --owner owner.txt --to "$alice" -t 2 -n 3 -o grant2 f.capsa
expect_exit 0 "a grant to bob" "$CAPSA" grant --owner owner.txt --to "$bob" -t 2 -n 3 -o grant-bob f.capsa

# ---- three re-encryptions; every pair, and all three, open
for i in 1 2 3; do
	expect_exit 0 "reencrypt $i" "$CAPSA" reencrypt --kfrag grant/$i.kfrag -o $i.cfrag f.capsa
done
"$CAPSA" reencrypt --kfrag grant/2.kfrag f.capsa > 2s.cfrag 2>/dev/null
check "reencrypt to standard output" [ "$(stat -c %s 2s.cfrag)" = 509 ]
for pair in "1 2" "1 3" "2 1" "2 3" "3 1" "3 2"; do
	set -- $pair
	rm -f out.bin
	expect_exit 0 "open with cfrags $1 and $2" "$CAPSA" open -i alice.txt --cfrag $1.cfrag --cfrag $2.cfrag -o out.bin f.capsa
	check "plaintext with cfrags $1 and $2" cmp -s pt.bin out.bin
done
expect_exit 0 "open with all three" "$CAPSA" open -i alice.txt --cfrag 1.cfrag --cfrag 2.cfrag --cfrag 3.cfrag -o out3.bin f.capsa
check "plaintext with three" cmp -s pt.bin out3.bin
"$CAPSA" open -i alice.txt --cfrag 3.cfrag --cfrag 1.cfrag < f.capsa > piped.bin 2>/dev/null
check "open with cfrags to standard output" cmp -s pt.bin piped.bin

# ---- refusals, each naming its check
expect_exit 14 "one cfrag is too few" "$CAPSA" open -i alice.txt --cfrag 1.cfrag -o x.bin f.capsa
says "too few cfrags: have 1, need 2"
check "no output after too few" [ ! -e x.bin ]
expect_exit 14 "the same cfrag twice" "$CAPSA" open -i alice.txt --cfrag 1.cfrag --cfrag 1.cfrag -o x.bin f.capsa
says "duplicate"
cp 2.cfrag forged.cfrag
flip_byte forged.cfrag 428 # inside the proof's z
expect_exit 15 "a forged cfrag" "$CAPSA" open -i alice.txt --cfrag 1.cfrag --cfrag forged.cfrag -o x.bin f.capsa
says "forged.cfrag: verification: forged or damaged"
check "no output after a forged cfrag" [ ! -e x.bin ]
cp 3.cfrag forged-sig.cfrag
flip_byte forged-sig.cfrag 500 # inside the kfrag signature
expect_exit 15 "a cfrag with a bad signature" "$CAPSA" open -i alice.txt --cfrag forged-sig.cfrag --cfrag 1.cfrag -o x.bin f.capsa
says "forged-sig.cfrag: verification"

expect_exit 0 "seal another file" "$CAPSA" seal --owner owner.txt -o g.capsa pt2.bin
expect_exit 0 "grant the other file" "$CAPSA" grant --owner owner.txt --to "$alice" -t 2 -n 3 -o grant-g g.capsa
expect_exit 0 "reencrypt for the other file" "$CAPSA" reencrypt --kfrag grant-g/1.kfrag -o g1.cfrag g.capsa
expect_exit 16 "a cfrag of another file" "$CAPSA" open -i alice.txt --cfrag 1.cfrag --cfrag g1.cfrag -o x.bin f.capsa
says "g1.cfrag: content id: made for another file"
expect_exit 16 "a kfrag of another file" "$CAPSA" reencrypt --kfrag grant-g/2.kfrag -o x.cfrag f.capsa
says "content id: made for another file"
check "no cfrag after a refused kfrag" [ ! -e x.cfrag ]
expect_exit 0 "reencrypt, second grant" "$CAPSA" reencrypt --kfrag grant2/2.kfrag -o other-grant.cfrag f.capsa
expect_exit 16 "cfrags of two grants" "$CAPSA" open -i alice.txt --cfrag 1.cfrag --cfrag other-grant.cfrag -o x.bin f.capsa
says "other-grant.cfrag: grant: cfrags of different grants"
expect_exit 0 "reencrypt for bob" "$CAPSA" reencrypt --kfrag grant-bob/1.kfrag -o bob1.cfrag f.capsa
expect_exit 0 "reencrypt for bob" "$CAPSA" reencrypt --kfrag grant-bob/3.kfrag -o bob3.cfrag f.capsa
expect_exit 0 "bob opens with his own cfrags" "$CAPSA" open -i bob.txt --cfrag bob1.cfrag --cfrag bob3.cfrag -o bob.bin f.capsa
check "bob's plaintext" cmp -s pt.bin bob.bin
expect_exit 16 "a cfrag for another recipient" "$CAPSA" open -i alice.txt --cfrag 1.cfrag --cfrag bob3.cfrag -o x.bin f.capsa
says "bob3.cfrag: receiving key: made for another recipient"
cp 1.cfrag lying.cfrag
printf '\001' | dd of=lying.cfrag bs=1 seek=28 conv=notrunc status=none # threshold 2 -> 1
expect_exit 16 "one cfrag claiming threshold 1" "$CAPSA" open -i alice.txt --cfrag lying.cfrag -o x.bin f.capsa
says "combination: the cfrags do not open the capsule"
expect_exit 16 "a wrong identity with good cfrags" "$CAPSA" open -i bob.txt --cfrag 1.cfrag --cfrag 2.cfrag -o x.bin f.capsa
says "1.cfrag: receiving key"
check "no output after any refusal" [ ! -e x.bin ]

# ---- damaged kfrags and cfrag files
cp grant/3.kfrag bad.kfrag
flip_byte bad.kfrag 330 # inside the r of the signature for the proxy
expect_exit 15 "a damaged kfrag" "$CAPSA" reencrypt --kfrag bad.kfrag -o x.cfrag f.capsa
says "bad.kfrag: verification"
head -c 100 grant/1.kfrag > short.kfrag
expect_exit 6 "a truncated kfrag" "$CAPSA" reencrypt --kfrag short.kfrag -o x.cfrag f.capsa
says "not a valid kfrag file"
expect_exit 4 "a cfrag given as a kfrag" "$CAPSA" reencrypt --kfrag 1.cfrag -o x.cfrag f.capsa
cat 1.cfrag pt2.bin > long.cfrag
expect_exit 6 "a cfrag with trailing bytes" "$CAPSA" open -i alice.txt --cfrag long.cfrag --cfrag 2.cfrag -o x.bin f.capsa
says "long.cfrag: not a valid cfrag file"

# ---- files without an umbral stanza, and other owners
expect_exit 0 "seal without an owner" "$CAPSA" seal -r "$bob" -o plain.capsa pt2.bin
expect_exit 17 "grant needs an umbral stanza" "$CAPSA" grant --owner owner.txt --to "$alice" -t 1 -n 1 -o grant-plain plain.capsa
says "no umbral stanza"
check "no directory for a refused grant" [ ! -e grant-plain ]
expect_exit 17 "reencrypt needs an umbral stanza" "$CAPSA" reencrypt --kfrag grant/1.kfrag -o x.cfrag plain.capsa
expect_exit 17 "open --cfrag needs an umbral stanza" "$CAPSA" open -i alice.txt --cfrag 1.cfrag --cfrag 2.cfrag -o x.bin plain.capsa
expect_exit 16 "only the owner grants" "$CAPSA" grant --owner alice.txt --to "$bob" -t 1 -n 2 -o grant-x f.capsa
says "not this owner's"
expect_exit 2 "threshold above shares" "$CAPSA" grant --owner owner.txt --to "$alice" -t 3 -n 2 -o grant-x f.capsa
expect_exit 2 "shares out of range" "$CAPSA" grant --owner owner.txt --to "$alice" -t 1 -n 256 -o grant-x f.capsa
expect_exit 12 "a bad recipient" "$CAPSA" grant --owner owner.txt --to capsa1nope -t 1 -n 1 -o grant-x f.capsa
expect_exit 2 "grant usage" "$CAPSA" grant --owner owner.txt -t 1 -n 1 f.capsa
expect_exit 4 "grant on a non-capsa file" "$CAPSA" grant --owner owner.txt --to "$alice" -t 1 -n 1 -o grant-x pt.bin
check "no grant directory after failures" [ ! -e grant-x ]

echo "not an identity" > bad.txt
expect_exit 12 "seal --owner with a bad identity file" "$CAPSA" seal --owner bad.txt -o x.capsa pt2.bin
says "bad.txt, line 1"
expect_exit 2 "seal --owner twice" "$CAPSA" seal --owner owner.txt --owner owner.txt -o x.capsa pt2.bin
says "given twice"
check "no output after a refused seal" [ ! -e x.capsa ]
expect_exit 3 "open with a missing cfrag file" "$CAPSA" open -i alice.txt --cfrag missing.cfrag -o x.bin f.capsa
says "missing.cfrag"
expect_exit 3 "reencrypt with a missing kfrag file" "$CAPSA" reencrypt --kfrag missing.kfrag -o x.cfrag f.capsa
expect_exit 2 "reencrypt usage" "$CAPSA" reencrypt f.capsa

# ---- help
for verb in grant reencrypt; do
	"$CAPSA" $verb -h > help.txt 2>&1
	check "$verb -h has a manual" grep -q "EXIT STATUS" help.txt
	check "$verb -h lists code 17" grep -q "17" help.txt
done
"$CAPSA" -h > help.txt 2>&1
check "capsa -h lists grant" grep -q "^  grant" help.txt
check "capsa -h lists reencrypt" grep -q "^  reencrypt" help.txt

summary
