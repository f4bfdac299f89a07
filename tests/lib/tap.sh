# SPDX-License-Identifier: ISC
# tap.sh - TAP output for shell tests: every check prints "ok N - what" or
# "not ok N - what"; tests/run.sh counts these lines.  Source it.
TAP_N=0
TAP_FAILED=0

ok() {		# ok DESC
	TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"
}
not_ok() {	# not_ok DESC
	TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $*"
}
# check DESC CMD...: passes when CMD exits 0.
check() {
	local desc=$1; shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
# is GOT WANT DESC: exact string comparison.
is() {
	if [ "$1" = "$2" ]; then ok "$3"
	else not_ok "$3"; printf '#   got:  %s\n#   want: %s\n' "$1" "$2"; fi
}
# like GOT REGEX DESC: extended regex match.
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then ok "$3"
	else not_ok "$3"; printf '#   got:  %s\n#   want: /%s/\n' "$1" "$2"; fi
}
# wait_for SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
wait_for() {
	local tmo=$1 i=0; shift
	while [ "$i" -lt $((tmo * 10)) ]; do
		"$@" && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
skip_all() {	# skip_all REASON: the whole script is skipped (exit 77)
	echo "1..0 # SKIP $*"; exit 77
}
tap_done() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
