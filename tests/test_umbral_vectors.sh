#!/bin/bash
# umbral-vectors: checks the reference's vectors file, then a file it emits
# itself from fresh keys, and refuses a file with a corrupted case.
set -euo pipefail
tool="$CAPSA_BUILD/umbral-vectors"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

out=$("$tool" check "$CAPSA_TEST_VECTORS/umbral/umbral-pre-0.10.0.json")
echo "reference: $out"
[[ $out == *" passed, 0 failed" ]]

"$tool" emit "$tmp/emitted.json"
out=$("$tool" check "$tmp/emitted.json")
echo "emitted: $out"
[[ $out == *" passed, 0 failed" ]]

# one flipped byte in the first kfrag of the emitted file must be caught (Node.js is a
# dependency of the interop tests anyway: scripts/deps)
node -e '
const fs = require("fs");
const d = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const k = d.cases[1].kfrags[0];
d.cases[1].kfrags[0] = k.slice(0, -2) + (k.endsWith("c3") ? "c2" : "c3");
fs.writeFileSync(process.argv[2], JSON.stringify(d));
' "$tmp/emitted.json" "$tmp/bad.json"
if "$tool" check "$tmp/bad.json" >"$tmp/bad.out" 2>&1; then
	echo "a corrupted vectors file passed"; exit 1
fi
grep -q "kfrag bytes" "$tmp/bad.out"

# not a vectors file at all
echo '{}' >"$tmp/empty.json"
if "$tool" check "$tmp/empty.json" 2>/dev/null; then
	echo "an empty document passed"; exit 1
fi
echo "umbral-vectors: ok"
