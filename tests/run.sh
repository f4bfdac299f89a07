#!/bin/bash
# SPDX-License-Identifier: ISC
# run.sh - runs every suite (unit programs, then end-to-end scripts) and
# counts TAP lines: "ok" passes, "not ok" fails; a suite that exits
# non-zero without a "not ok" line (a crash, a sanitizer report) counts as
# one failure; exit 77 means skipped.  Ends with "N passed, N failed".
#   tests/run.sh [REGEX]     only the suites whose name matches
# Environment: GUICHET_BIN, GUICHET_SRCDIR, GUICHET_BUILDDIR (set by
# `make check`), TEST_TIMEOUT (per suite, default 900 s).
set -u
SRC=${GUICHET_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${GUICHET_BUILDDIR:-$SRC}
export GUICHET_SRCDIR=$SRC GUICHET_BUILDDIR=$BUILD
export GUICHET_BIN=${GUICHET_BIN:-$BUILD/guichet}
FILTER=${1:-.}
LOGS=$BUILD/test-results
mkdir -p "$LOGS"
passed=0 failed=0 skipped=0
failed_suites=()

run_suite() {	# run_suite NAME CMD...
	local name=$1 log=$LOGS/${1//\//_}.log rc p f; shift
	timeout "${TEST_TIMEOUT:-900}" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	p=$(grep -c '^ok ' "$log" 2>/dev/null); p=${p:-0}
	f=$(grep -c '^not ok ' "$log" 2>/dev/null); f=${f:-0}
	if [ "$rc" = 77 ]; then
		skipped=$((skipped + 1))
		printf '%-32s SKIP %s\n' "$name" "$(grep -m1 SKIP "$log")"
		return
	fi
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "# $name exited with status $rc" >>"$log"
	fi
	passed=$((passed + p)); failed=$((failed + f))
	printf '%-32s %4d passed, %d failed\n' "$name" "$p" "$f"
	if [ "$f" != 0 ]; then
		failed_suites+=("$name")
		grep -E '^(not ok|#)' "$log" | head -40 | sed 's/^/    /'
		tail -5 "$log" | sed 's/^/    | /'
	fi
}

for t in "$BUILD"/tests/unit/test-*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	name=unit/$(basename "$t")
	[[ $name =~ $FILTER ]] || continue
	run_suite "$name" "$t"
done
for t in "$SRC"/tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	name=e2e/$(basename "$t" .sh)
	[[ $name =~ $FILTER ]] || continue
	run_suite "$name" bash "$t"
done
[ "$skipped" = 0 ] || echo "$skipped suite(s) skipped"
[ ${#failed_suites[@]} = 0 ] || echo "failed suites: ${failed_suites[*]}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
