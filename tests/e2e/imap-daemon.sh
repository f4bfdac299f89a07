# SPDX-License-Identifier: ISC
# guichet run: IDLE wake-up (the test waits for the ticket, it asserts no
# time), the outbox sent after a commit, two mailboxes where one is broken
# (wrong password: logged, retried, never stalls the other), SIGHUP that
# fixes it without dropping the good connection, rule files reloaded when
# they change, Dovecot restarted under the daemon, SIGTERM in the middle
# of a backlog (exit 0, nothing lost), SIGKILL of the whole daemon in the
# middle of a backlog (nothing lost, nothing twice).
. "$GUICHET_SRCDIR/tests/lib/tap.sh"
. "$GUICHET_SRCDIR/tests/lib/harness.sh"

h_init || skip_all "no temp dir"
h_dovecot_start || skip_all "dovecot cannot start here"
h_smtp_start sink --sink || skip_all "smtp server cannot start here"
CONF=$H_DIR/guichet.conf
DB=$H_DIR/guichet.db
LOG=$H_DIR/run.log
G() { "$GUICHET" -c "$CONF" "$@"; }
# Tickets of messages (the major-incident parent a burst may open aside).
tickets() { h_sql "$DB" "SELECT count(*) FROM tickets WHERE type != 'major'"; }
at_least() { [ "$(tickets)" -ge "$1" ]; }
logged() { grep -Eq -- "$1" "$LOG"; }
logged_n() { [ "$(grep -Ec -- "$2" "$LOG")" -ge "$1" ]; }	# N REGEX
N=0
deliver() {	# deliver USER: one new message
	N=$((N + 1))
	h_mail_one "$H_DIR/m$N.eml" "daemon-$N@client.example" "printer $N"
	h_deliver "$1" "$H_DIR/m$N.eml"
}
conf() {	# conf ALICE_SECRET: [imap] helpdesk and [imap broken] alice
	h_conf "" "[imap broken]" "host = 127.0.0.1" "port = $IMAP_PORT" \
	    "security = none" "user = alice" "password_file = $1" \
	    "queue = second-line" > "$CONF"
}
start() {	# the daemon, stopped by h_cleanup if the script dies
	"$GUICHET" -c "$CONF" -v run 2>>"$LOG" &
	RUN_PID=$!
	H_PIDS+=("$RUN_PID")
}
echo wrong > "$H_DIR/wrong.secret"
echo alice-pw > "$H_DIR/alice.secret"

conf "$H_DIR/wrong.secret"
cat > "$H_DIR/rules.d/10-printers.rules" <<'EOF'
rule printers
    when subject ~ /printer/i
    set category hardware
EOF
G init >/dev/null 2>&1 || { not_ok "guichet init"; tap_done; exit 1; }
start
check "the good mailbox connects with IDLE" \
    wait_for 30 logged "mailbox=default event=connected .*idle=yes"
check "the broken mailbox logs a config error and will retry" \
    wait_for 30 logged "mailbox=broken event=connect-error kind=config .*AUTHENTICATIONFAILED.*retry_in="

deliver helpdesk
check "IDLE: a delivered message becomes a ticket" wait_for 60 at_least 1
check "the outbox sends the acknowledgement" \
    wait_for 60 test -n "$(ls "$H_DIR"/sink-sink/*.eml 2>/dev/null)"
is "$(G ticket show --json 1 | "$H_PY" -c 'import json,sys; print(json.load(sys.stdin)["category"])')" \
    hardware "the rules in force classify it"
check "the broken mailbox keeps retrying" \
    wait_for 30 logged_n 2 "mailbox=broken event=connect-error"
deliver helpdesk
check "the broken mailbox does not stall the good one" wait_for 60 at_least 2

# A rule file changed between passes is taken at once.
sed -i 's/hardware/printers/' "$H_DIR/rules.d/10-printers.rules"
deliver helpdesk
check "third ticket" wait_for 60 at_least 3
is "$(G ticket show --json 3 | "$H_PY" -c 'import json,sys; print(json.load(sys.stdin)["category"])')" \
    printers "the changed rule file is reloaded between passes"

# SIGHUP with the right password: the broken mailbox connects, the good
# one keeps its connection.
conf "$H_DIR/alice.secret"
kill -HUP "$RUN_PID"
check "after SIGHUP the fixed mailbox connects" \
    wait_for 60 logged "mailbox=broken event=connected"
check "and the good mailbox kept its connection" \
    logged "mailbox=default event=reload reconnect=no"
deliver alice
check "mail to the fixed mailbox becomes a ticket" wait_for 60 at_least 4
is "$(h_sql "$DB" "SELECT queue FROM tickets WHERE id = 4")" second-line \
    "with the queue of its section"

# Dovecot restarted under the daemon: reconnect with backoff, go on.
h_dovecot_restart || { not_ok "dovecot restarts"; tap_done; exit 1; }
check "the daemon reconnects after a Dovecot restart" \
    wait_for 60 logged_n 2 "mailbox=default event=connected"
deliver helpdesk
check "mail after the restart becomes a ticket" wait_for 60 at_least 5
if kill -0 "$RUN_PID" 2>/dev/null; then ok "the daemon is still running"
else not_ok "the daemon is still running"; fi

# SIGTERM in the middle of a backlog: exit 0 after the message in hand.
h_maildir_fill helpdesk 3000 term
wait_for 120 at_least 200
kill -TERM "$RUN_PID"
wait "$RUN_PID"
is "$?" 0 "SIGTERM: exit 0"
check "it says it stopped" logged "event=stop$"
n=$(tickets)
if [ "$n" -lt 3005 ]; then ok "stopped in the middle of the backlog ($n)"
else ok "# SKIP the backlog was done before SIGTERM"; fi

# SIGKILL of the whole daemon in the middle of the rest.
h_maildir_fill helpdesk 3000 kill
start
wait_for 120 at_least $((n + 500))
for p in $(pgrep -P "$RUN_PID"); do kill -KILL "$p"; done
kill -KILL "$RUN_PID"
wait "$RUN_PID" 2>/dev/null
m=$(tickets)
if [ "$m" -lt 6005 ]; then ok "SIGKILL in the middle of the backlog ($m)"
else ok "# SKIP the backlog was done before SIGKILL"; fi
G fetch --quiet 2>/dev/null
is "$?" 0 "a pass after the kill: exit 0"
is "$(tickets)" 6005 "exactly every message once: 6005 tickets"
is "$(h_sql "$DB" "SELECT count(*) - count(DISTINCT message_id) FROM messages WHERE direction = 'in'")" \
    0 "no message stored twice"
is "$(h_imap_count helpdesk INBOX UNSEEN)" 0 "every message flagged"

tap_done
