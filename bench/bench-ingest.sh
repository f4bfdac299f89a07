#!/bin/bash
# SPDX-License-Identifier: ISC
# bench-ingest.sh [COUNT] - generates COUNT (10000) help-desk messages into
# a Maildir, then times `guichet ingest --maildir` into a fresh database:
# messages per second and peak RSS.  GUICHET_BIN names the binary (default
# ./guichet); ATTACHMENTS_IN a directory to hold the attachments instead of
# the work directory (e.g. /dev/shm, to leave the file system out).  Uses
# the sample rules of contrib/rules.d.
set -eu
N=${1:-10000}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=${GUICHET_BIN:-$SRC/guichet}
W=$(mktemp -d "${TMPDIR:-/tmp}/guichet-bench.XXXXXX")
A=$W/attachments
[ -n "${ATTACHMENTS_IN:-}" ] && A=$(mktemp -d "$ATTACHMENTS_IN/guichet-att.XXXXXX")
trap 'rm -rf "$W" "$A"' EXIT
/usr/bin/python3 "$SRC/bench/gen-mail.py" "$N" "$W/maildir"
mkdir -p "$W/rules.d"
cp "$SRC"/contrib/rules.d/* "$W/rules.d/" 2>/dev/null || true
cat > "$W/guichet.conf" <<EOT
[desk]
address = help@example.org
database = $W/guichet.db
attachments = $A
rules = $W/rules.d
templates = $SRC/templates
EOT
"$BIN" -c "$W/guichet.conf" init >/dev/null
bytes=$(du -sb "$W/maildir" | cut -f1)
load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)	# before the run
/usr/bin/time -f "%e %M %U %S" -o "$W/time" "$BIN" -q -c "$W/guichet.conf" \
    ingest --quiet --maildir "$W/maildir"
read -r secs rss usr sys < "$W/time"
tickets=$("$BIN" -c "$W/guichet.conf" ticket list --json |
    /usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
awk -v n="$N" -v s="$secs" -v r="$rss" -v b="$bytes" -v t="$tickets" \
    -v u="$usr" -v k="$sys" -v la="$load" 'BEGIN {
	printf "messages: %d (%.1f MB), tickets: %d\n", n, b / 1048576, t
	printf "time: %.2f s, rate: %.0f messages/s, peak RSS: %.1f MB\n",
	    s, (s > 0 ? n / s : 0), r / 1024
	printf "CPU: %.2f s user + %.2f s system, load average: %s\n", u, k, la
}'
