# tests/harness/cli.sh - what the shell tests of the capsa command share.
# Source it from a tests/test_*.sh: it moves into a fresh temporary directory
# (removed on exit) and defines the checks below; end the test with
# `summary`, which prints "N passed, N failed" and sets the exit status.
set -uo pipefail
: "${CAPSA:?}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
passed=0 failed=0

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
# check WHAT CMD...: CMD succeeds.
check() { local what=$1; shift; if "$@"; then ok; else fail "$what"; fi; }
# expect_exit CODE WHAT CMD...: runs CMD, stderr to err.txt, and checks its exit code.
expect_exit() {
	local want=$1 what=$2 got; shift 2
	"$@" 2>err.txt; got=$?
	if [ "$got" -eq "$want" ]; then ok; else fail "$what: exit $got, want $want ($(cat err.txt))"; fi
}
# says TEXT: the last expect_exit's stderr contains TEXT.
says() { if grep -q -- "$1" err.txt; then ok; else fail "message lacks '$1': $(cat err.txt)"; fi; }
# flip_byte FILE OFFSET: xor one byte in place.
flip_byte() {
	local b; b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# start_swtpm STATE_DIR: a software TPM on a free 127.0.0.1 port pair; sets tpm_pid and tcti (or exits).
start_swtpm() {
	local port try
	tpm_pid=
	for try in 1 2 3 4 5 6 7 8; do
		port=$((20000 + (RANDOM % 20000) * 2))
		mkdir -p "$1"
		swtpm socket --tpm2 --tpmstate dir="$1" --server type=tcp,port=$port,bindaddr=127.0.0.1 \
			--ctrl type=tcp,port=$((port + 1)),bindaddr=127.0.0.1 --flags not-need-init,startup-clear \
			>swtpm.log 2>&1 &
		tpm_pid=$!
		sleep 0.3
		kill -0 "$tpm_pid" 2>/dev/null && break
		tpm_pid=
	done
	[ -n "$tpm_pid" ] || { echo "swtpm did not start" >&2; cat swtpm.log >&2; exit 1; }
	tcti="swtpm:host=127.0.0.1,port=$port"
}
summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
