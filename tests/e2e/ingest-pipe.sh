# SPDX-License-Identifier: ISC
# ingest --maildir and --mbox parse on a worker thread (src/ingest-pipe.c):
# they must store exactly what the serial path (ingest FILE...) stores, in
# the same order, and a run killed with -9 at any time must leave a
# database that a rerun completes to the same content.
. "$GUICHET_SRCDIR/tests/lib/tap.sh"
. "$GUICHET_SRCDIR/tests/lib/harness.sh"
GEN=$GUICHET_SRCDIR/bench/gen-mail.py

[ -f "$GEN" ] || skip_all "no bench/gen-mail.py"
h_init || skip_all "no temp dir"
N=400
"$H_PY" "$GEN" "$N" "$H_DIR/maildir" >/dev/null ||
    skip_all "gen-mail.py failed"

# conf NAME: a configuration with its own database and attachments.
conf() {
	h_conf | sed -e "s|$H_DIR/guichet.db|$H_DIR/$1.db|" \
	    -e "s|$H_DIR/attachments|$H_DIR/$1.att|" > "$H_DIR/$1.conf"
	"$GUICHET" -c "$H_DIR/$1.conf" init >/dev/null
}
G() { local c=$1; shift; "$GUICHET" -c "$H_DIR/$c.conf" "$@"; }
# dump NAME: the stored content, times, sources and row ids of events
# aside (they differ from run to run), one line per row.
dump() {
	"$H_PY" - "$H_DIR/$1.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def rows(sql):
    for r in db.execute(sql):
        if len(r) == 18 and r[2] == "out":	# a notice: new ids, dates
            r = r[:4] + (r[9], r[10])
        print(repr(r))
rows("SELECT id, subject, type, status, priority, impact, urgency, "
     "category, queue, assignee, client, requester, requester_name, "
     "major_rule, parent_id, linked_id FROM tickets ORDER BY id")
rows("SELECT ticket_id, tag FROM ticket_tags ORDER BY 1, 2")
rows("SELECT id, ticket_id, direction, kind, message_id, sha256, "
     "in_reply_to, refs, from_addr, to_addrs, subject, date_ts, body, "
     "COALESCE(body_new, body), body_quoted, body_signature, warnings, "
     "length(raw) FROM messages ORDER BY id")
rows("SELECT message_id, filename, content_type, size, sha256 "
     "FROM attachments ORDER BY id")
rows("SELECT ticket_id, actor, event, field, old_value, new_value, detail "
     "FROM events WHERE event NOT LIKE '%notice%' ORDER BY id")
EOF
}
files() { find "$H_DIR/maildir/cur" "$H_DIR/maildir/new" -type f | LC_ALL=C sort; }

# The serial reference: the same files, in the same order, one by one
# (which queues acknowledgements: --notify does the same for a Maildir).
conf serial
files | xargs "$GUICHET" -q -c "$H_DIR/serial.conf" ingest 2>/dev/null
is "$?" 0 "serial ingest of $N files"
dump serial > "$H_DIR/serial.dump"
check "the serial run made tickets" [ -s "$H_DIR/serial.dump" ]

conf piped
G piped ingest --notify --maildir "$H_DIR/maildir" 2>"$H_DIR/piped.err"
is "$?" 0 "ingest --notify --maildir (worker thread) exits 0"
like "$(cat "$H_DIR/piped.err")" "new=[0-9]+ appended=[0-9]+ " "summary logged"
dump piped > "$H_DIR/piped.dump"
check "--notify --maildir stores what the serial path stores" \
    cmp -s "$H_DIR/serial.dump" "$H_DIR/piped.dump"
is "$(G piped ticket list --json | "$H_PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
    "$(G serial ticket list --json | "$H_PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')" \
    "ticket list --json: as many tickets"
check "the same attachment files" diff -r "$H_DIR/serial.att" "$H_DIR/piped.att"
G piped ingest --notify --maildir "$H_DIR/maildir" 2>"$H_DIR/again.err"
like "$(cat "$H_DIR/again.err")" "new=0 appended=0 duplicate=$N " \
    "a second run finds every message a duplicate"

# Two parse threads (the default on three cores or more): the results
# still reach the store in the order of the files.
conf piped2
GUICHET_PARSE_THREADS=2 G piped2 -vvv ingest --notify --maildir \
    "$H_DIR/maildir" 2>"$H_DIR/piped2.err"
is "$?" 0 "two parse threads: exit 0"
like "$(cat "$H_DIR/piped2.err")" "read and parse .* \\(2 threads\\)" \
    "two parse threads ran"
dump piped2 > "$H_DIR/piped2.dump"
check "two parse threads store what the serial path stores" \
    cmp -s "$H_DIR/serial.dump" "$H_DIR/piped2.dump"
check "the same attachment files" diff -r "$H_DIR/serial.att" "$H_DIR/piped2.att"

# A migration (no notices), the reference of what follows.
conf migr
G migr ingest --maildir "$H_DIR/maildir" 2>/dev/null
is "$?" 0 "ingest --maildir exits 0"
dump migr > "$H_DIR/migr.dump"
is "$(grep -c "'out', " "$H_DIR/migr.dump")" 0 "a migration queues no notice"
is "$(grep -c "'in', " "$H_DIR/migr.dump")" "$(grep -c "'in', " "$H_DIR/serial.dump")" \
    "and stores as many messages"

# The same messages as an mbox, read by the worker thread too.
files | while read -r f; do
	echo "From gen@example.org Mon Nov 23 08:00:00 2026"
	sed -e 's/^\(>*From \)/>\1/' "$f"
	echo
done > "$H_DIR/all.mbox"
conf mbox
G mbox ingest --mbox "$H_DIR/all.mbox" 2>/dev/null
is "$?" 0 "ingest --mbox exits 0"
# (the blank line before each "From " line ends up in the raw bytes: the
# hashes and lengths differ, not the tickets nor who wrote what)
loose() { "$H_PY" -c 'import sys
for l in sys.stdin:
    r = eval(l)
    print(r[:5] if len(r) == 18 and r[2] in ("in", "out") else r)'; }
check "--mbox stores the same tickets and messages" \
    cmp -s <(loose < "$H_DIR/migr.dump") <(dump mbox | loose)
printf 'not an mbox\n' > "$H_DIR/bad.mbox"
G mbox ingest --mbox "$H_DIR/bad.mbox" 2>"$H_DIR/bad.err"
is "$?" 66 "not an mbox: 66"
like "$(cat "$H_DIR/bad.err")" "not an mbox" "and said so"

# Messages that fail for good (attachments cannot be written: their
# directory is under a file) in the middle of the worker's groups of 32:
# each group with one is taken again one savepoint a message, and the
# run stores exactly what the serial path stores.
broken() {
	conf "$1"
	sed -i "s|^attachments = .*|attachments = $H_DIR/not-a-dir/att|" \
	    "$H_DIR/$1.conf"
}
: > "$H_DIR/not-a-dir"
broken serialbad
mapfile -t all < <(files)
"$GUICHET" -c "$H_DIR/serialbad.conf" ingest "${all[@]}" \
    2>"$H_DIR/serialbad.err"
is "$?" 70 "serial ingest, attachments unwritable: exit 70"
broken pipedbad
GUICHET_PARSE_THREADS=2 G pipedbad ingest --notify --maildir "$H_DIR/maildir" \
    2>"$H_DIR/pipedbad.err"
is "$?" 70 "ingest --maildir, attachments unwritable: exit 70"
like "$(cat "$H_DIR/pipedbad.err")" "taken again one by one" \
    "a group with a failure is taken again"
nbad=$(grep -c "Not a directory" "$H_DIR/pipedbad.err")
check "the failures are said once each ($nbad)" [ "$nbad" -gt 10 ]
dump serialbad > "$H_DIR/serialbad.dump"
dump pipedbad > "$H_DIR/pipedbad.dump"
check "and it stores what the serial path stores" \
    cmp -s "$H_DIR/serialbad.dump" "$H_DIR/pipedbad.dump"
check "fewer messages than without the failures" [ \
    "$(grep -c "'in', " "$H_DIR/pipedbad.dump")" -lt \
    "$(grep -c "'in', " "$H_DIR/serial.dump")" ]
is "$(grep -o 'ingested: .*' "$H_DIR/pipedbad.err")" \
    "$(grep -o 'ingested: .*' "$H_DIR/serialbad.err")" \
    "the summary counts what the serial path counts"
G pipedbad ingest --notify --maildir "$H_DIR/maildir" 2>"$H_DIR/againbad.err"
like "$(cat "$H_DIR/againbad.err")" "new=0 appended=0 duplicate=$((N - nbad)) " \
    "a rerun finds the stored ones duplicates, and counts right"

# kill -9 in the middle, then rerun: the same content as a clean run.  More
# messages than a batch (500), so that the kill falls after a commit.
"$H_PY" "$GEN" 1200 "$H_DIR/big" >/dev/null
conf big
G big ingest --maildir "$H_DIR/big" 2>/dev/null
dump big > "$H_DIR/big.dump"
count() {
	"$H_PY" -c 'import sqlite3, sys
try:
    print(sqlite3.connect(sys.argv[1]).execute(
        "SELECT count(*) FROM messages").fetchone()[0])
except Exception:
    print(0)' "$H_DIR/killed.db"
}
for when in early committed; do
	rm -rf "$H_DIR/killed.db"* "$H_DIR/killed.att"
	conf killed
	G killed ingest --maildir "$H_DIR/big" 2>/dev/null &
	pid=$!
	if [ "$when" = early ]; then
		sleep 0.05
	else	# as soon as a first batch is committed
		while kill -0 "$pid" 2>/dev/null && [ "$(count)" = 0 ]; do
			sleep 0.02
		done
	fi
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "# killed ($when): $(count) of 1200 messages stored"
	G killed ingest --maildir "$H_DIR/big" 2>/dev/null
	is "$?" 0 "kill -9 ($when), then a rerun: exit 0"
	dump killed > "$H_DIR/killed.dump"
	check "kill -9 ($when), then a rerun: the same content as a clean run" \
	    cmp -s "$H_DIR/big.dump" "$H_DIR/killed.dump"
done
# With two parse threads, attachment files are written by the workers,
# except for a message the rules drop: a newsletter leaves no file.
mkdir -p "$H_DIR/two/new" "$H_DIR/two/cur" "$H_DIR/two/tmp"
mail_with() {	# mail_with FILE MSGID EXTRA-HEADER TEXT
	{
		printf 'From: Paul <paul@client.example>\nTo: help@example.test\n'
		printf 'Subject: files\nMessage-ID: <%s>\n%s\n' "$2" "$3"
		printf 'MIME-Version: 1.0\n'
		printf 'Content-Type: multipart/mixed; boundary="b"\n\n'
		printf -- '--b\nContent-Type: text/plain\n\nSee attached.\n'
		printf -- '--b\nContent-Type: text/plain; name="a.txt"\n'
		printf 'Content-Disposition: attachment; filename="a.txt"\n'
		printf 'Content-Transfer-Encoding: base64\n\n'
		printf '%s' "$4" | base64
		printf -- '--b--\n'
	} > "$1"
}
mail_with "$H_DIR/two/new/1.eml" kept@x "X-Note: none" "kept attachment"
mail_with "$H_DIR/two/new/2.eml" news@x "List-Id: <news.example.org>" \
    "newsletter attachment"
cp "$GUICHET_SRCDIR/contrib/rules.d/10-newsletters.rules" "$H_DIR/rules.d/"
conf two
GUICHET_PARSE_THREADS=2 G two ingest --maildir "$H_DIR/two" 2>/dev/null
is "$?" 0 "ingest --maildir of a request and a newsletter"
kept=$(printf 'kept attachment' | sha256sum | cut -c1-64)
news=$(printf 'newsletter attachment' | sha256sum | cut -c1-64)
check "the request's attachment is on disk" \
    [ -f "$H_DIR/two.att/${kept:0:2}/$kept" ]
check "the dropped newsletter's is not" \
    [ ! -e "$H_DIR/two.att/${news:0:2}/$news" ]
rm -f "$H_DIR/rules.d/10-newsletters.rules"
tap_done
