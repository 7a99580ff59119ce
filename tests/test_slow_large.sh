#!/usr/bin/env bash
# Beyond 4 GiB through the capsa command (slow: `ctest --test-dir build -L slow`).
# Seals a file of 4 GiB + 3 chunks + 5 bytes from a file and from standard
# input, opens each to a file and to standard output, and compares SHA-256s
# with the input. A sealed file cut short must fail and leave no output file.
# Needs about 13 GiB free beside the build directory.
set -euo pipefail
: "${CAPSA:?CAPSA must name the capsa binary}"

work=$(mktemp -d "${CAPSA_BUILD:-${TMPDIR:-/tmp}}/slow-large.XXXXXX")
trap 'rm -rf "$work"' EXIT
size=${CAPSA_SLOW_LARGE_BYTES:-$(((1 << 32) + 3 * 16384 + 5))} # override only to try the script quickly
fail() { echo "FAIL: $*" >&2; exit 1; }
sha() { sha256sum | cut -d' ' -f1; }

# Incompressible input: an AES-CTR keystream.
head -c "$size" /dev/zero |
	openssl enc -aes-128-ctr -nosalt -K 0f0e0d0c0b0a09080706050403020100 \
		-iv 00000000000000000000000000000000 >"$work/in"
[ "$(stat -c %s "$work/in")" = "$size" ] || fail "could not write the $size-byte input"
want=$(sha <"$work/in")

"$CAPSA" keygen -o "$work/id" >"$work/keygen.out" 2>&1
recipient=$(grep -o 'capsa1[0-9a-z]*' "$work/keygen.out" | head -n 1)
[ -n "$recipient" ] || fail "keygen printed no recipient"

# From a file, to a file and to standard output.
"$CAPSA" seal -q -r "$recipient" -o "$work/sealed" "$work/in"
[ "$(stat -c %s "$work/sealed")" -gt "$size" ] || fail "sealed file is not larger than its input"
"$CAPSA" open -q -i "$work/id" -o "$work/back" "$work/sealed"
[ "$(sha <"$work/back")" = "$want" ] || fail "open -o: SHA-256 differs"
rm -f "$work/back"
[ "$("$CAPSA" open -q -i "$work/id" "$work/sealed" | sha)" = "$want" ] || fail "open to stdout: SHA-256 differs"
rm -f "$work/sealed"

# From standard input to standard output, both ways.
"$CAPSA" seal -q -r "$recipient" <"$work/in" >"$work/sealed.stdin"
[ "$("$CAPSA" open -q -i "$work/id" <"$work/sealed.stdin" | sha)" = "$want" ] || fail "stdin to stdout: SHA-256 differs"

# Cut off the last 16 bytes: the open fails and leaves no file behind.
truncate -s -16 "$work/sealed.stdin"
if "$CAPSA" open -q -i "$work/id" -o "$work/cut" "$work/sealed.stdin" 2>/dev/null; then
	fail "a truncated file opened"
fi
[ ! -e "$work/cut" ] || fail "a failed open left its output file"
echo "ok: $size bytes sealed and opened from files and pipes; truncation refused"
