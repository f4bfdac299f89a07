#!/bin/bash
# SPDX-License-Identifier: ISC
# bench-imap.sh [COUNT [BATCH]] - COUNT (10000) messages of about 3 KB in
# the INBOX of a private Dovecot (tests/lib/harness.sh), then:
#  1. the ceiling: bench/bench-imap-fetch, a bare libetpan client doing
#     UID SEARCH ALL and UID FETCH BODY.PEEK[] in batches of BATCH (200,
#     guichet's default), nothing else; best of 3;
#  2. `guichet fetch` end to end (fetch, parse, dedupe, rules, tickets,
#     notices, commit per batch, then STORE \Seen), on a fresh database
#     and an unflagged mailbox each time; median of 3, with peak RSS;
#  3. IDLE latency under `guichet run`: APPEND of one message, then the
#     time until its ticket is committed; median of 20.
# GUICHET_BIN / GUICHET_BUILDDIR name the build (default: the source tree).
set -u
N=${1:-10000}
BATCH=${2:-200}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${GUICHET_BUILDDIR:-$SRC}
export GUICHET_SRCDIR=$SRC GUICHET_BIN=${GUICHET_BIN:-$BUILD/guichet}
CEILING=$BUILD/bench/bench-imap-fetch
. "$SRC/tests/lib/tap.sh"
. "$SRC/tests/lib/harness.sh"

[ -x "$GUICHET_BIN" ] && [ -x "$CEILING" ] || {
	echo "build guichet and bench/bench-imap-fetch first" >&2; exit 1; }
h_init || exit 1
h_dovecot_start || exit 1
CONF=$H_DIR/guichet.conf
DB=$H_DIR/guichet.db
h_conf_imap batch="$BATCH" > "$CONF"
h_maildir_fill helpdesk "$N" bench || exit 1
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Dovecot indexes the new files on the first SELECT: not ours to time.
BENCH_IMAP_PASSWORD=helpdesk-pw "$CEILING" "$IMAP_PORT" helpdesk INBOX \
    "$BATCH" >/dev/null || exit 1

echo "== ceiling: bare batched UID FETCH BODY.PEEK[] of $N, batches of $BATCH"
for i in 1 2 3; do
	/usr/bin/time -f '%M %U %S' -o "$H_DIR/rss" env \
	    BENCH_IMAP_PASSWORD=helpdesk-pw "$CEILING" "$IMAP_PORT" helpdesk \
	    INBOX "$BATCH" | tee -a "$H_DIR/ceiling"
	read -r rss usr sys < "$H_DIR/rss"
	echo "   client cpu=${usr}+${sys}s peak_rss=${rss}KB"
done
ceiling=$(sed 's/.*rate=//' "$H_DIR/ceiling" | sort -g | tail -1)

echo "== guichet fetch of $N (fresh database, unflagged mailbox)"
for i in 1 2 3; do
	rm -f "$DB" "$DB-wal" "$DB-shm"
	"$GUICHET_BIN" -c "$CONF" init >/dev/null 2>&1
	h_doveadm flags remove -u helpdesk '\Seen' mailbox INBOX ALL
	/usr/bin/time -f '%e %M %U %S' -o "$H_DIR/time" \
	    "$GUICHET_BIN" -q -c "$CONF" fetch --quiet 2>"$H_DIR/err" || {
		cat "$H_DIR/err"; exit 1; }
	read -r secs rss usr sys < "$H_DIR/time"
	n=$(h_sql "$DB" "SELECT count(*) FROM messages WHERE direction = 'in'")
	seen=$(h_imap_count helpdesk INBOX SEEN)
	rate=$(awk -v n="$n" -v s="$secs" 'BEGIN { printf "%.0f", n / s }')
	echo "   messages=$n seen=$seen seconds=$secs rate=$rate" \
	    "cpu=${usr}+${sys}s peak_rss=${rss}KB"
	echo "$rate" >> "$H_DIR/rates"
	echo "$rss" >> "$H_DIR/rsss"
done
rate=$(median < "$H_DIR/rates")
echo "== guichet/ceiling: $rate / $ceiling msgs/s = $(awk -v a="$rate" \
    -v b="$ceiling" 'BEGIN { printf "%.1f%%", 100 * a / b }'), peak RSS" \
    "$(sort -g "$H_DIR/rsss" | tail -1) KB"

echo "== for reference, the pipeline alone: guichet ingest --maildir of the same $N"
mkdir -p "$H_DIR/md/new" "$H_DIR/md/tmp"
cp -r "$H_DIR/dovecot/mail/helpdesk/Maildir/cur" "$H_DIR/md/"
rm -f "$DB" "$DB-wal" "$DB-shm"
"$GUICHET_BIN" -c "$CONF" init >/dev/null 2>&1
/usr/bin/time -f '%e %M %U %S' -o "$H_DIR/time" \
    "$GUICHET_BIN" -q -c "$CONF" ingest --quiet --maildir "$H_DIR/md" \
    2>"$H_DIR/err" || { cat "$H_DIR/err"; exit 1; }
read -r secs rss usr sys < "$H_DIR/time"
echo "   messages=$N seconds=$secs rate=$(awk -v n="$N" -v s="$secs" \
    'BEGIN { printf "%.0f", n / s }') cpu=${usr}+${sys}s peak_rss=${rss}KB"

echo "== IDLE latency: APPEND -> committed ticket, 20 messages"
"$GUICHET_BIN" -c "$CONF" run 2>"$H_DIR/run.log" &
RUN=$!
H_PIDS+=("$RUN")
wait_for 30 grep -q "event=connected .*idle=yes" "$H_DIR/run.log" || {
	echo "guichet run did not connect" >&2; cat "$H_DIR/run.log"; exit 1; }
"$H_PY" - "$IMAP_PORT" "$DB" <<'PY'
import imaplib, sqlite3, statistics, sys, time
port, db = int(sys.argv[1]), sys.argv[2]
imap = imaplib.IMAP4("127.0.0.1", port)
imap.login("helpdesk", "helpdesk-pw")
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=10)
lat = []
for i in range(20):
    mid = "idle-%d-%d@client.example" % (i, time.time_ns())
    msg = ("From: Bench <bench@client.example>\r\nTo: help@example.test\r\n"
        "Subject: latency %d\r\nMessage-ID: <%s>\r\n\r\nPing.\r\n" % (i, mid))
    t0 = time.monotonic()
    imap.append("INBOX", None, None, msg.encode())
    while not con.execute("SELECT 1 FROM messages WHERE message_id = ?",
            (mid,)).fetchone():
        if time.monotonic() - t0 > 30:
            sys.exit("no ticket after 30 s")
        time.sleep(0.002)
    lat.append(time.monotonic() - t0)
    time.sleep(0.2)
imap.logout()
print("   median %.3f s, min %.3f s, max %.3f s" % (statistics.median(lat),
    min(lat), max(lat)))
PY
kill -TERM "$RUN"
wait "$RUN"
