#!/bin/bash
# Live interop with the reference Umbral, @nucypher/umbral-pre 0.10.0 (rust-umbral
# compiled to WASM), installed from the npm registry into the build tree once.
# With fresh random keys every run:
#  (a) the reference encrypts, makes kfrags and cfrags (recording its draws);
#      capsa verifies and decrypts them all and reproduces every byte by replay;
#  (b) capsa encrypts, makes kfrags and cfrags (umbral-vectors emit); the reference
#      verifies them, re-encrypts capsa's kfrags, decrypts with both sets of cfrags
#      and refuses capsa's negative cases.
# A missing Node.js or npm, or a failed install, fails the test (it does not skip).
set -euo pipefail
tool="$CAPSA_BUILD/umbral-vectors"
ref="$CAPSA_SOURCE/tests/interop/reference.js"
cache="$CAPSA_BUILD/umbral-interop"
pkg="@nucypher/umbral-pre@0.10.0"

for cmd in node npm; do
	command -v "$cmd" >/dev/null || { echo "FAIL: $cmd is not installed (scripts/deps installs it)"; exit 1; }
done
if [ ! -f "$cache/node_modules/@nucypher/umbral-pre/package.json" ]; then
	echo "installing $pkg into $cache"
	mkdir -p "$cache"
	if ! npm install --prefix "$cache" --no-audit --no-fund --no-save "$pkg" >"$cache/npm.log" 2>&1; then
		echo "FAIL: npm could not install $pkg:"; cat "$cache/npm.log"; exit 1
	fi
fi
version=$(node -p "require('$cache/node_modules/@nucypher/umbral-pre/package.json').version")
[ "$version" = "0.10.0" ] || { echo "FAIL: found umbral-pre $version, want 0.10.0"; exit 1; }
export UMBRAL_PRE_DIR="$cache"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "(a) reference -> capsa"
node "$ref" produce "$tmp/reference.json"
out=$("$tool" check "$tmp/reference.json")
echo "    capsa on the reference's fresh objects: $out"
[[ $out == *" passed, 0 failed" ]]

echo "(b) capsa -> reference"
"$tool" emit "$tmp/capsa.json"
out=$(node "$ref" check "$tmp/capsa.json")
echo "    the reference on capsa's fresh objects: $out"
[[ $out == *" passed, 0 failed" ]]

# the peer is honest about failures: a corrupted capsa cfrag must fail in the reference
node -e '
const fs = require("fs");
const d = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const c = d.cases[1].cfrags[0];
d.cases[1].cfrags[0] = c.slice(0, -2) + (c.endsWith("00") ? "01" : "00");
fs.writeFileSync(process.argv[2], JSON.stringify(d));
' "$tmp/capsa.json" "$tmp/bad.json"
if node "$ref" check "$tmp/bad.json" >/dev/null 2>&1; then
	echo "FAIL: the reference accepted a corrupted cfrag"; exit 1
fi
echo "interop: ok"
