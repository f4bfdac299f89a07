# SPDX-License-Identifier: ISC
# guichet fetch, one pass at a time: 500 messages in one pass and none in
# the second; \Seen mode and done_mailbox moves; leftovers of a run that
# committed but could not flag are finished, not taken twice; UIDVALIDITY
# changes (renumbered, recreated mailbox) make no duplicate; giants and
# non-mail go through; --retry-failed; the progress bar on a terminal
# only.
. "$GUICHET_SRCDIR/tests/lib/tap.sh"
. "$GUICHET_SRCDIR/tests/lib/harness.sh"

h_init || skip_all "no temp dir"
h_dovecot_start || skip_all "dovecot cannot start here"
CONF=$H_DIR/guichet.conf
DB=$H_DIR/guichet.db
G() { "$GUICHET" -c "$CONF" "$@"; }
tickets() { h_sql "$DB" "SELECT count(*) FROM tickets"; }
fetch() {	# fetch [KEY=VALUE...]: a pass with these [imap] keys
	h_conf_imap "$@" > "$CONF"
	G fetch --quiet 2>"$H_DIR/err"; RC=$?
	ERR=$(cat "$H_DIR/err")
}
jq_() { "$H_PY" -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
echo alice-pw > "$H_DIR/alice.secret"
ALICE="user=alice password_file=$H_DIR/alice.secret"

h_conf > "$CONF"
G init >/dev/null 2>&1 || { not_ok "guichet init"; tap_done; exit 1; }

# 500 in one pass, none in the second.
h_maildir_fill helpdesk 500 bulk
fetch
is "$RC" 0 "500 messages: exit 0"
is "$(G ticket list --json | jq_ 'len(j)')" 500 "500 tickets in one pass"
is "$(h_sql "$DB" "SELECT count(DISTINCT message_id) FROM messages WHERE direction = 'in'")" 500 \
    "500 distinct messages stored"
if printf '%s' "$ERR" | grep -q $'\r'; then not_ok "no progress bar on a pipe"
else ok "no progress bar on a pipe"; fi
is "$(h_imap_count helpdesk INBOX SEEN)" 500 "all 500 flagged \\Seen"
is "$(h_imap_count helpdesk INBOX)" 500 "and left in INBOX"
is "$(h_sql "$DB" "SELECT last_uid FROM mailboxes")" 500 \
    "the checkpoint is at UID 500"
fetch
is "$RC" 0 "second pass: exit 0"
is "$(G ticket list --json | jq_ 'len(j)')" 500 "second pass: no new ticket"

# Committed but not flagged (a crash between commit and STORE): the next
# pass flags them and takes nothing again.
h_doveadm flags remove -u helpdesk '\Seen' mailbox INBOX uid 101:150
h_conf_imap > "$CONF"
G -v fetch 2>"$H_DIR/err"; RC=$?
is "$RC" 0 "leftovers: exit 0"
like "$(cat "$H_DIR/err")" "event=resume count=50" "50 leftovers finished"
is "$(h_imap_count helpdesk INBOX SEEN)" 500 "they are \\Seen again"
is "$(tickets)" 500 "and not taken twice"

# The progress bar shows on a terminal, and --quiet silences it.
h_maildir_fill helpdesk 50 tty
h_conf_imap > "$CONF"
script -qec "$GUICHET -c $CONF fetch" /dev/null > "$H_DIR/tty.out" 2>&1
like "$(tr '\r' '\n' < "$H_DIR/tty.out")" "50/50 .*msg/s" \
    "a progress bar on a terminal (count, rate)"
h_maildir_fill helpdesk 5 ttyq
script -qec "$GUICHET -c $CONF fetch --quiet" /dev/null > "$H_DIR/tty.out" 2>&1
if grep -q "msg/s" "$H_DIR/tty.out"; then not_ok "--quiet silences it"
else ok "--quiet silences it"; fi
is "$(tickets)" 555 "55 more tickets"

# done_mailbox: moved once committed (the folder is created).
h_maildir_fill alice 30 move
fetch $ALICE done_mailbox=Processed
is "$RC" 0 "done_mailbox: exit 0"
is "$(tickets)" 585 "30 more tickets"
is "$(h_imap_count alice INBOX)" 0 "INBOX is empty"
is "$(h_imap_count alice Processed)" 30 "the 30 are in Processed"
is "$(h_imap_count alice Processed SEEN)" 0 "and not flagged \\Seen"

# UIDVALIDITY changes: every message is looked at again, none twice.
h_doveadm mailbox update -u helpdesk --uid-validity 777 INBOX
h_maildir_fill helpdesk 5 after
h_conf_imap > "$CONF"
G -v fetch 2>"$H_DIR/err"; RC=$?
is "$RC" 0 "new UIDVALIDITY: exit 0"
like "$(cat "$H_DIR/err")" "event=uidvalidity-changed .*new=777" \
    "the change is logged"
like "$(cat "$H_DIR/err")" "found=560 .*new=5 .*duplicate=555" \
    "all rescanned, 555 known, 5 new"
is "$(tickets)" 590 "only the 5 new ones became tickets"
is "$(h_sql "$DB" "SELECT uidvalidity FROM mailboxes WHERE name LIKE 'imap://helpdesk@%'")" \
    777 "the checkpoint has the new UIDVALIDITY"

# A mailbox deleted and recreated with the same messages plus two.
h_doveadm mailbox create -u alice Support
for i in 1 2 3 4 5 6 7 8 9 10; do
	h_mail_one "$H_DIR/s$i.eml" "support-$i@client.example" "support $i"
	h_doveadm save -u alice -m Support < "$H_DIR/s$i.eml"
done
fetch $ALICE mailbox=Support
is "$(tickets)" 600 "Support: 10 tickets"
h_doveadm mailbox delete -u alice Support
h_doveadm mailbox create -u alice Support
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
	h_mail_one "$H_DIR/s$i.eml" "support-$i@client.example" "support $i"
	h_doveadm save -u alice -m Support < "$H_DIR/s$i.eml"
done
fetch $ALICE mailbox=Support
is "$RC" 0 "recreated mailbox: exit 0"
is "$(tickets)" 602 "recreated mailbox: only the 2 new ones"
is "$(h_imap_count alice Support SEEN)" 12 "all 12 flagged"

# A giant (over max_message_size) and junk (binary; whether the MIME
# parser still calls it mail is its business: the pass must go on).
h_maildir_fill helpdesk 1 giant 200000
head -c 3000 /dev/zero > "$H_DIR/garbage.eml"
h_doveadm save -u helpdesk < "$H_DIR/garbage.eml"
h_mail_one "$H_DIR/after.eml" "after-junk@client.example" "after the junk"
h_deliver helpdesk "$H_DIR/after.eml"
fetch max_message_size=50000
is "$RC" 0 "giant and junk: exit 0"
is "$(h_sql "$DB" "SELECT count(*) FROM messages WHERE message_id IN ('giant-1@client.example', 'after-junk@client.example')")" \
    2 "the giant and the message after the junk are tickets"
id=$(h_sql "$DB" "SELECT ticket_id FROM messages WHERE message_id LIKE 'giant-1@%'")
body=$(G ticket show --json "$id" | jq_ 'j["messages"][0]["body"]')
like "$body" "over the limit" "the giant's ticket says why its body is missing"
like "$body" "this message was 2[0-9]{5} bytes" "and gives the giant's real size, not its header's"
is "$(h_imap_count helpdesk INBOX UNSEEN)" 0 "all three flagged, junk too"
n=$(tickets)
fetch max_message_size=50000
is "$(tickets)" "$n" "nothing retried"

# A message refused for good (its attachment cannot be written: a setup
# error, not a passing one) keeps the keyword, is not taken again, and is
# taken by --retry-failed once the setup is fixed.  Batches of 2, so that
# the second session (flags) is in use.
touch "$H_DIR/not-a-dir"
mkdir -p "$H_DIR/fail"
for i in 1 2 3 4 5 6; do
	h_mail_one "$H_DIR/fail/$i.eml" "refused-$i@client.example" "refused $i"
done
cat > "$H_DIR/fail/3.eml" <<'EOF'
From: Alice <alice@client.example>
To: help@example.test
Subject: screenshot of the error
Message-ID: <refused-3@client.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain

See the screenshot.
--b1
Content-Type: image/png; name="error.png"
Content-Disposition: attachment; filename="error.png"
Content-Transfer-Encoding: base64

iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA
60e6kgAAAABJRU5ErkJggg==
--b1--
EOF
for i in 1 2 3 4 5 6; do h_deliver helpdesk "$H_DIR/fail/$i.eml"; done
h_conf_imap batch=2 | sed "s|^attachments = .*|attachments = $H_DIR/not-a-dir/att|" \
    > "$CONF"
G -v fetch --quiet 2>"$H_DIR/err"
is "$?" 70 "a message refused for good: exit 70"
like "$(cat "$H_DIR/err")" "event=intake-failed .*GuichetFailed" \
    "the refusal is logged"
like "$(cat "$H_DIR/err")" "event=chunk-again messages=2" \
    "its chunk, stored without a savepoint a message, is taken again"
is "$(grep -c "event=intake-failed" "$H_DIR/err")" 1 "the refusal is said once"
is "$(tickets)" $((n + 5)) "the five others are tickets"
is "$(h_imap_count helpdesk INBOX KEYWORD '$GuichetFailed')" 1 \
    "the refused one has the keyword"
is "$(h_imap_count helpdesk INBOX UNSEEN)" 1 "and is not flagged"
G fetch --quiet 2>/dev/null
is "$?" 0 "the next pass: exit 0"
is "$(tickets)" $((n + 5)) "it is not taken again"
h_conf_imap batch=2 > "$CONF"
G fetch --quiet --retry-failed 2>/dev/null
is "$?" 0 "--retry-failed after the fix: exit 0"
is "$(tickets)" $((n + 6)) "--retry-failed takes it"
is "$(h_imap_count helpdesk INBOX KEYWORD '$GuichetFailed')" 0 \
    "and drops the keyword"
is "$(h_imap_count helpdesk INBOX UNSEEN)" 0 "and flags it"

tap_done
