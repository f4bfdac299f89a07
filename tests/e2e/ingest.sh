# SPDX-License-Identifier: ISC
# guichet init / ingest / ticket: the intake pipeline end to end on a real
# SQLite file and real MIME messages: every threading path, deduplication,
# reopen and follow-up of closed tickets, exit codes for the MTA, Maildir
# and mbox migrations, CLI tickets and updates.
. "$GUICHET_SRCDIR/tests/lib/tap.sh"
. "$GUICHET_SRCDIR/tests/lib/harness.sh"
MAIL=$GUICHET_SRCDIR/tests/data/mail

h_init || skip_all "no temp dir"
h_conf > "$H_DIR/guichet.conf"
G() { "$GUICHET" -c "$H_DIR/guichet.conf" "$@"; }
jq_() {	# jq_ EXPR: evaluates a python expression on the JSON on stdin (j)
	"$H_PY" -c "import json,sys; j=json.load(sys.stdin); r=($1)
print('\n'.join(map(str, r)) if isinstance(r, tuple) else r)"
}
ingest_log() {	# ingest_log FILE: ingest, keep stderr in $LOG, return rc
	G ingest "$@" 2>"$H_DIR/ingest.err"; local rc=$?
	LOG=$(cat "$H_DIR/ingest.err"); return $rc
}

out=$(G ticket list 2>&1); rc=$?
is "$rc" 78 "an uninitialised database: exit 78"
like "$out" "run .guichet init." "and the error says to run guichet init"
G init >/dev/null; check "init creates the database" [ $? = 0 ]
like "$(G init)" "up to date" "init again is harmless"

ingest_log "$MAIL/thread-new.eml"; check "new request ingested (exit 0)" [ $? = 0 ]
like "$LOG" "ticket=1 event=open" "logged as a new ticket"
is "$(G ticket show 1 --json | jq_ 'j["subject"], j["status"], j["requester"]')" \
"VPN ne fonctionne plus
new
jeanne@client.example" "ticket 1 subject, status, requester"

for f in tag:subject inreplyto:in-reply-to references:references \
    bodyref:body prefixes:subject; do
	ingest_log "$MAIL/thread-reply-${f%%:*}.eml"
	like "$LOG" "ticket=1 thread=${f#*:} " "thread-reply-${f%%:*} joins ticket 1 by ${f#*:}"
done
is "$(G ticket list --json | jq_ 'len(j)')" 1 "still one ticket"
is "$(G ticket show 1 --json | jq_ 'len([m for m in j["messages"] if m["direction"]=="in"])')" 6 "six incoming messages on ticket 1"

ingest_log "$MAIL/thread-dup.eml"
like "$LOG" "event=duplicate" "same Message-ID again: duplicate"
ingest_log "$MAIL/thread-new.eml"
like "$LOG" "event=duplicate" "same file again: duplicate"
ingest_log "$MAIL/thread-noid-a.eml"; ingest_log "$MAIL/thread-noid-a.eml"
like "$LOG" "event=duplicate" "no Message-ID: duplicate by content hash"
is "$(G ticket show 1 --json | jq_ 'len([m for m in j["messages"] if m["direction"]=="in"])')" 6 "duplicates stored once"

show=$(G ticket show 1 --json)
is "$(printf '%s' "$show" | jq_ '",".join(k for k in ("id","ref","subject","type","status","priority","category","queue","assignee","client","requester","parent","created_at","tags","messages") if k in j)')" \
    "id,ref,subject,type,status,priority,category,queue,assignee,client,requester,parent,created_at,tags,messages" \
    "ticket show --json has every documented field"
is "$(printf '%s' "$show" | jq_ '",".join(k for k in ("message_id","direction","from","subject","date","body","attachments") if k in j["messages"][0])')" \
    "message_id,direction,from,subject,date,body,attachments" \
    "each message has every documented field"
is "$(printf '%s' "$show" | jq_ 'j["ref"]')" "SD#1" "ref is SD#1"

# Status machine from the CLI, each change in the event log.
G ticket update 1 --status open --priority P2 --note "called back" 2>/dev/null
is "$(G ticket show 1 --json | jq_ 'j["status"], j["priority"]')" "open
P2" "ticket update sets status and priority"
is "$(G ticket show 1 --json | jq_ '[e["field"] for e in j["events"] if e["event"]=="change"]')" \
    "['priority', 'status']" "each change is an event"
is "$(G ticket show 1 --json | jq_ '[m["internal"] for m in j["messages"] if m["kind"]=="note"]')" \
    "[True]" "the note is internal"
G ticket update 1 --status bogus 2>/dev/null; is "$?" 65 "bad status refused"
G ticket update 99 --status open 2>/dev/null; is "$?" 65 "missing ticket refused"

# A user reply reopens a resolved ticket; a reply to a closed one opens a
# new ticket linked to it.
reply() {	# reply ID N
	printf 'From: Jeanne Martin <jeanne@client.example>\nTo: help@example.test\nSubject: Re: [SD#%s] VPN\nMessage-ID: <reply-%s@client.example>\n\nStill broken.\n' "$1" "$2" > "$H_DIR/reply-$2.eml"
	ingest_log "$H_DIR/reply-$2.eml"
}
G ticket update 1 --status resolved 2>/dev/null
reply 1 a
is "$(G ticket show 1 --json | jq_ 'j["status"]')" open "a reply reopens a resolved ticket"
# A score on the first line of a reply to a resolved ticket rates it and
# does not reopen it.
G ticket update 1 --status resolved 2>/dev/null
printf 'From: Jeanne Martin <jeanne@client.example>\nTo: help@example.test\nSubject: Re: [SD#1] VPN\nMessage-ID: <score-1@client.example>\n\n4\nMerci pour votre aide.\n' > "$H_DIR/score.eml"
ingest_log "$H_DIR/score.eml"
like "$LOG" "ticket=1 event=satisfaction score=4" "a score is logged"
is "$(G ticket show 1 --json | jq_ 'j["status"], [e["new"] for e in j["events"] if e["event"]=="satisfaction"]')" "resolved
['4']" "the score is an event and the ticket stays resolved"
G ticket update 1 --status closed 2>/dev/null
before=$(G ticket list --json | jq_ 'len(j)')
reply 1 b
is "$(G ticket list --json | jq_ 'len(j)')" $((before + 1)) "a reply to a closed ticket opens a new one"
new=$(printf '%s' "$LOG" | sed -n 's/.*ticket=\([0-9]*\) event=open.*/\1/p' | head -1)
is "$(G ticket show "${new:-0}" --json | jq_ 'j["linked"], j["status"]')" "1
new" "linked to the closed ticket"
is "$(G ticket show 1 --json | jq_ 'j["status"]')" closed "the closed ticket stays closed"

# Exit codes for the MTA.
: | G ingest 2>/dev/null; is "$?" 65 "empty input: 65 (not mail)"
head -c 3000 /dev/urandom | tr -d '\n:' | G ingest 2>/dev/null
is "$?" 65 "binary garbage: 65"
G ingest < "$MAIL/thread-noid-a.eml" 2>/dev/null; is "$?" 0 "stdin pipe mode: 0"
"$H_PY" - "$H_DIR/guichet.db" > "$H_DIR/lock.out" 2>&1 <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(8)
c.execute("ROLLBACK")
PY
lockpid=$!
wait_for 5 grep -q locked "$H_DIR/lock.out"
sed 's/req-1@/busy-1@/' "$MAIL/thread-new.eml" | G ingest 2>/dev/null
is "$?" 75 "database locked: 75 so that the MTA retries"
wait "$lockpid"
sed 's/req-1@/busy-1@/' "$MAIL/thread-new.eml" | G ingest 2>/dev/null
is "$?" 0 "the retry succeeds"

# Every fixture is stored or deliberately ignored; nothing crashes.
n_before=$(G ticket list --json | jq_ 'len(j)')
bad=0
for f in "$MAIL"/*.eml; do
	G ingest "$f" 2>/dev/null; rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 65 ] || { bad=1; echo "# $f: exit $rc"; }
done
is "$bad" 0 "every fixture ingests with exit 0 or 65"
like "$(G ticket list --json | jq_ 'len(j)')" '^[0-9]+$' "ticket list still works"

# Maildir and mbox migrations.
MD=$H_DIR/maildir; mkdir -p "$MD/cur" "$MD/new" "$MD/tmp"
for i in $(seq 1 30); do
	printf 'From: u%s@client.example\nSubject: maildir %s\nMessage-ID: <md-%s@x>\n\nbody %s\n' \
	    "$i" "$i" "$i" "$i" > "$MD/new/$i.eml"
done
G ingest --maildir "$MD" 2>"$H_DIR/md.err"
check "ingest --maildir exits 0" [ $? = 0 ]
like "$(cat "$H_DIR/md.err")" "new=30 " "30 new tickets from the Maildir"
G ingest --maildir "$MD" 2>"$H_DIR/md.err"
like "$(cat "$H_DIR/md.err")" "new=0 .*duplicate=30" "a second run finds only duplicates"
{
	for i in 1 2 3; do
		printf 'From jeanne@client.example Mon Nov 23 08:00:00 2026\nFrom: jeanne@client.example\nSubject: mbox %s\nMessage-ID: <mbox-%s@x>\n\nline one\n>From the start of a line\n\n' "$i" "$i"
	done
} > "$H_DIR/test.mbox"
G ingest --mbox "$H_DIR/test.mbox" 2>"$H_DIR/mbox.err"
like "$(cat "$H_DIR/mbox.err")" "new=3 " "3 tickets from the mbox"
id=$(G ticket list --json | jq_ '[t["id"] for t in j if t["subject"]=="mbox 2"][0]')
like "$(G ticket show "$id" --json | jq_ 'j["messages"][0]["body"]')" \
    "^line one" "mbox body kept"
like "$(G ticket show "$id" --json | jq_ 'repr(j["messages"][0]["body"])')" \
    "\\\\nFrom the start" ">From unquoted"

# Phone request.
out=$(G ticket new --channel phone --requester Bob@Client.example \
    --subject "Écran noir" --name "Bob Roy" 2>/dev/null)
like "$out" '^SD#[0-9]+$' "ticket new prints the reference"
id=${out#SD#}
is "$(G ticket show "$id" --json | jq_ 'j["channel"], j["requester"], j["subject"]')" \
"phone
bob@client.example
Écran noir" "phone ticket fields"
G ticket new --channel fax --requester a@b --subject x 2>/dev/null
is "$?" 64 "unknown channel: usage error"
is "$(G ticket list --status new --json | jq_ 'all(t["status"]=="new" for t in j)')" \
    True "ticket list --status filters"
G ticket list --status nonsense 2>/dev/null; is "$?" 64 "unknown status: 64"
tap_done
