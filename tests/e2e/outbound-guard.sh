#!/bin/bash
# SPDX-License-Identifier: ISC
# Outbound: never answer a machine (RFC 3834).  Each signal gets no
# answer; a naive auto-responder (played by this script: each
# acknowledgement from the sink comes back as new mail without any
# automatic header) is capped at [desk] autoreply_limit; an out-of-office
# reply changes nothing; a DSN and a bounce without report are recorded on
# the right ticket, never a ticket, and their recipient is suppressed.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/outbound.sh"

h_init || skip_all "cannot create the test directory and certificates"
h_smtp_start sink --sink || skip_all "the SMTP server did not start"
h_conf | sed 's/^\[desk\]$/[desk]\nautoreply_limit = 3\naliases = support@example.test/' \
    > "$H_DIR/guichet.conf"
G="$GUICHET -c $H_DIR/guichet.conf"
check "init" $G init
DATA=${GUICHET_SRCDIR:-.}/tests/data/outbound

# acks ADDR: acknowledgements and other answers queued to ADDR.
acks() {
	ob_count "r['to'] == '$1'"
}

# 1. Control: a person gets an answer.
check "ingest a person's mail" ob_ingest \
    "$(ob_mail "Jeanne <jeanne@client.example>" "Screen is black")"
is "$(acks jeanne@client.example)" 1 "a person is answered"

# 2. Every signal: a ticket (or not), never an answer.
n=0
signal() {	# signal DESC FROM EXTRA-HEADERS [SUBJECT]
	local desc=$1 from=$2 extra=$3 subj=${4:-Question $n} addr
	n=$((n + 1))
	addr=$(printf '%s' "$from" | sed 's/.*<//; s/>.*//')
	ob_ingest "$(ob_mail "$from" "$subj" "$extra")" ||
	    { not_ok "$desc: ingest"; return; }
	is "$(acks "$(printf '%s' "$addr" | tr A-Z a-z)")" 0 "$desc: no answer"
}
signal "Auto-Submitted: auto-replied" robot1@client.example \
    "Auto-Submitted: auto-replied"
signal "Auto-Submitted: auto-generated" robot2@client.example \
    "Auto-Submitted: auto-generated"
signal "Auto-Submitted: auto-notified" robot3@client.example \
    "Auto-Submitted: auto-notified; owner-email=x@y.example"
signal "Precedence: bulk" bulk@client.example "Precedence: bulk"
signal "Precedence: junk" junk@client.example "Precedence: junk"
signal "Precedence: list" plist@client.example "Precedence: list"
signal "List-Id" list1@client.example "List-Id: Users <users.lists.example>"
signal "List-Unsubscribe" list2@client.example \
    "List-Unsubscribe: <mailto:leave@lists.example>"
signal "X-Autoreply" xar@client.example "X-Autoreply: yes"
signal "X-Autorespond" xars@client.example "X-Autorespond: On vacation"
signal "X-Auto-Response-Suppress" xars2@client.example \
    "X-Auto-Response-Suppress: All"
signal "empty Return-Path" rp@client.example "Return-Path: <>"
signal "MAILER-DAEMON" "MAILER-DAEMON@mx.client.example" ""
signal "postmaster" postmaster@client.example ""
signal "no-reply" "Shop <no-reply@shop.example>" ""
signal "noreply" "noreply@cloud.example" ""
signal "donotreply" "DoNotReply@bank.example" ""
signal "the desk's own address" "Help <help@example.test>" ""
signal "a desk alias" "support@example.test" ""
signal "X-Loop of the desk" loop@client.example "X-Loop: help@example.test"
signal "out-of-office subject" ooo@client.example "" \
    "Out of Office: back on Monday"
check "every decision is one logged line" \
    grep -q 'event=notice to=<robot1@client.example> decision=skipped reason=auto-submitted' \
    "$H_DIR/guichet.log"
is "$(ob_count 'True')" 1 "only the person was answered"

# 3. A naive auto-responder that sets no header and opens a new thread
# each time: the daily cap stops the loop.
check "the responder writes first" ob_ingest \
    "$(ob_mail "Bot <bot@client.example>" "Status report")"
for round in 1 2 3 4 5 6 7; do
	ob_send
	last=$(ob_sink sink bot@client.example | tail -1)
	[ -n "$last" ] || break
	ob_ingest "$(ob_mail "Bot <bot@client.example>" \
	    "I received: $(ob_header "$last" Subject | sed 's/\[SD#[0-9]*\] //')" \
	    "" "Thank you for your message. I will read it soon.")"
done
ob_send
is "$(ob_sink sink bot@client.example | wc -l)" 3 \
    "capped at autoreply_limit = 3 answers"
is "$(acks bot@client.example)" 3 "and nothing more is queued"
check "the cap is a logged decision" \
    grep -q 'to=<bot@client.example> decision=skipped reason=daily-cap' \
    "$H_DIR/guichet.log"
like "$(ob_tickets)" "^[0-9]+$" "tickets keep being recorded"

# 4. A responder that answers in the thread: its mail joins the ticket and
# gets nothing at all.
check "ingest" ob_ingest "$(ob_mail "Bot2 <bot2@client.example>" "Hello")"
check "send" ob_send
for round in 1 2 3; do
	last=$(ob_sink sink bot2@client.example | tail -1)
	id=$(ob_header "$last" Message-ID)
	ob_ingest "$(ob_mail "Bot2 <bot2@client.example>" \
	    "Re: $(ob_header "$last" Subject)" "In-Reply-To: $id
References: $id" "Thanks!")"
	ob_send
done
is "$(ob_sink sink bot2@client.example | wc -l)" 1 \
    "a threaded responder gets one acknowledgement, then silence"

# 5. An out-of-office reply to a resolved ticket changes nothing.
check "resolve ticket 1" ob_g ticket update --status resolved 1
check "send" ob_send
last=$(ob_sink sink jeanne@client.example | tail -1)
before=$(ob_count True)
ob_ingest "$(ob_mail "Jeanne <jeanne@client.example>" \
    "Automatic reply: $(ob_header "$last" Subject)" \
    "Auto-Submitted: auto-replied
In-Reply-To: $(ob_header "$last" Message-ID)" "I am away until Monday.")"
is "$($G ticket show --json 1 | "$OB_PY" -c '
import json, sys
print(json.load(sys.stdin)["status"])')" resolved "the ticket stays resolved"
is "$(ob_count True)" "$before" "and nothing is sent"

# 6. A DSN for the acknowledgement of ticket 1: recorded there.
ack=$(ob_sink sink jeanne@client.example | sed -n 1p)
ackid=$(ob_header "$ack" Message-ID | tr -d '<>')
tickets=$(ob_tickets)
sed -e "s/@ORIG_ID@/$ackid/; s/@RCPT@/jeanne@client.example/g" \
    -e "s/@STATUS@/5.1.1/; s/@SEQ@/1/" "$DATA/dsn.eml" > "$H_DIR/dsn.eml"
check "ingest the DSN" ob_ingest "$H_DIR/dsn.eml"
is "$(ob_tickets)" "$tickets" "a DSN opens no ticket"
show=$($G ticket show --json 1)
like "$show" '"delivery-failure"' "recorded on ticket 1 as a delivery failure"
like "$show" 'rcpt=jeanne@client.example status=5\.1\.1' \
    "with the recipient and the status"
check "the report is kept on the ticket" "$OB_PY" -c '
import json, sys
t = json.loads(sys.argv[1])
sys.exit(0 if any(m.get("kind") == "bounce" for m in t["messages"]) else 1)' \
    "$show"
is "$(ob_field 1 status)" "failed" "the outbox shows the mail failed"
like "$(ob_field 1 last_error)" "bounced: 5\.1\.1" "because it bounced"
like "$($G outbox suppressed)" "^jeanne@client\.example" \
    "the recipient is suppressed"
before=$(ob_count True)
check "reopen ticket 1" ob_g ticket update --status open 1
is "$(ob_count True)" "$before" "no more mail to a suppressed address"
check "a logged decision" grep -q \
    'to=<jeanne@client.example> decision=skipped reason=suppressed' \
    "$H_DIR/guichet.log"
check "unsuppress" ob_g outbox unsuppress jeanne@client.example
check "ticket update" ob_g ticket update --status pending 1
is "$(ob_count True)" "$((before + 1))" "the desk writes to it again"

# 7. A bounce without a report (qmail), the original quoted as text.
ob_ingest "$(ob_mail "Someone <someone@client.example>" "Keyboard broken")"
ob_send
last=$(ob_sink sink someone@client.example | tail -1)
id=$(ob_header "$last" Message-ID | tr -d '<>')
tid=$(ob_header "$last" Subject | sed 's/^\[SD#\([0-9]*\)\].*/\1/')
tickets=$(ob_tickets)
sed -e "s/@ORIG_ID@/$id/; s/@RCPT@/someone@client.example/g; s/@SEQ@/2/" \
    "$DATA/bounce-text.eml" > "$H_DIR/bounce.eml"
check "ingest the bounce" ob_ingest "$H_DIR/bounce.eml"
is "$(ob_tickets)" "$tickets" "a bounce opens no ticket"
like "$($G ticket show --json "$tid")" '"delivery-failure"' \
    "recorded on the ticket of the mail it returns"
like "$($G outbox suppressed)" "someone@client\.example" \
    "its recipient is suppressed"

# 8. A delay notice (4.x.x) is recorded, nobody is suppressed.
sed -e "s/@ORIG_ID@/$id/; s/@RCPT@/late@client.example/g" \
    -e "s/@STATUS@/4.4.7/; s/@SEQ@/3/" "$DATA/dsn.eml" > "$H_DIR/dsn2.eml"
check "ingest a delay notice" ob_ingest "$H_DIR/dsn2.eml"
like "$($G ticket show --json "$tid")" '"delivery-delayed"' \
    "recorded as a delay"

# 8b. A bounce that returns the whole message, attachment included (no
# report: the original as message/rfc822): the attachment row the bounce
# keeps has its file (on stdin, with no parse worker to write it ahead).
{
	printf 'From: Mail Delivery System <MAILER-DAEMON@mx.client.example>\n'
	printf 'To: help@example.test\nSubject: Undelivered Mail Returned to Sender\n'
	printf 'Message-ID: <bounce-5@mx.client.example>\nAuto-Submitted: auto-replied\n'
	printf 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="o"\n\n'
	printf -- '--o\nContent-Type: text/plain\n\nI could not deliver your message '
	printf 'to <late@client.example>: 550 5.1.1 user unknown\n\n'
	printf -- '--o\nContent-Type: message/rfc822\n\n'
	printf 'From: Test Desk <help@example.test>\nTo: <late@client.example>\n'
	printf 'Message-ID: <%s>\nSubject: [SD#%s] x\nMIME-Version: 1.0\n' "$id" "$tid"
	printf 'Content-Type: multipart/mixed; boundary="in"\n\n'
	printf -- '--in\nContent-Type: text/plain\n\nSee attached.\n'
	printf -- '--in\nContent-Type: application/octet-stream\n'
	printf 'Content-Disposition: attachment; filename="log.bin"\n'
	printf 'Content-Transfer-Encoding: base64\n\n'
	printf 'returned attachment' | base64
	printf -- '--in--\n\n--o--\n'
} > "$H_DIR/bounce3.eml"
check "ingest a bounce returning the message" ob_ingest "$H_DIR/bounce3.eml"
sum=$(printf 'returned attachment' | sha256sum | cut -c1-64)
is "$(h_sql "$H_DIR/guichet.db" "SELECT count(*) FROM attachments WHERE sha256 = '$sum'")" \
    1 "the bounce keeps the returned attachment"
check "and its file" [ -f "$H_DIR/attachments/${sum:0:2}/$sum" ]
check "and suppresses nothing" bash -c \
    "! $G outbox suppressed | grep -q late@client.example"

tap_done
