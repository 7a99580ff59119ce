#!/bin/bash
# `cmake --install` gives a usable library: headers, libcapsa (shared and
# static), capsa.pc; and every program in examples/ builds against it with
# pkg-config alone, and runs.
set -euo pipefail
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$CAPSA_BUILD" --prefix "$prefix" >/dev/null
libdir=$(ls -d "$prefix"/lib*/ | head -n1)
export PKG_CONFIG_PATH="$libdir/pkgconfig"
test -f "$prefix/include/capsa/status.h"
test -x "$prefix/bin/capsa"
test -f "$prefix/share/man/man1/capsa.1"
pkg-config --exists capsa
built=0
for src in "$CAPSA_SOURCE"/examples/*.c; do
	name=$(basename "$src" .c)
	cc -std=c11 -Wall -Werror $(pkg-config --cflags capsa) "$src" -o "$prefix/$name" $(pkg-config --libs capsa)
	LD_LIBRARY_PATH="$libdir" "$prefix/$name" >/dev/null
	cc -std=c11 -Wall -Werror $(pkg-config --cflags capsa) "$src" -o "$prefix/$name-static" \
		"$libdir/libcapsa.a" $(pkg-config --static --libs-only-l capsa | sed 's/-lcapsa//')
	"$prefix/$name-static" >/dev/null
	built=$((built + 1))
done
[ "$built" -gt 0 ]
echo "$built passed, 0 failed"
