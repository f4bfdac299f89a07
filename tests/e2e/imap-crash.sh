# SPDX-License-Identifier: ISC
# Crash safety of guichet fetch: killed with SIGKILL at several points of
# a pass, then run again, the ticket count is exact (nothing lost, nothing
# twice) and every message is flagged; Dovecot restarted in the middle of
# a pass gives exit 75, and the next pass finishes the job exactly.
. "$GUICHET_SRCDIR/tests/lib/tap.sh"
. "$GUICHET_SRCDIR/tests/lib/harness.sh"

h_init || skip_all "no temp dir"
h_dovecot_start || skip_all "dovecot cannot start here"
CONF=$H_DIR/guichet.conf
DB=$H_DIR/guichet.db
G() { "$GUICHET" -c "$CONF" "$@"; }
tickets() { h_sql "$DB" "SELECT count(*) FROM tickets"; }
at_least() { [ "$(tickets)" -ge "$1" ]; }
exact() {	# exact N WHAT: N tickets, N messages, N distinct, all \Seen
	is "$(tickets)" "$1" "$2: $1 tickets"
	is "$(h_sql "$DB" "SELECT count(*) || ' ' || count(DISTINCT message_id) FROM messages WHERE direction = 'in'")" \
	    "$1 $1" "$2: $1 messages, none twice"
	is "$(h_imap_count helpdesk INBOX SEEN)" "$1" "$2: all $1 flagged \\Seen"
}

h_conf > "$CONF"
G init >/dev/null 2>&1 || { not_ok "guichet init"; tap_done; exit 1; }
h_maildir_fill helpdesk 3000 kill

for cut in 200 1100 2000; do
	"$GUICHET" -c "$CONF" fetch --quiet 2>/dev/null &
	pid=$!
	wait_for 120 at_least "$cut"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	n=$(tickets)
	if [ "$n" -ge "$cut" ] && [ "$n" -lt 3000 ]; then
		ok "SIGKILL in the middle of a pass (after $n tickets)"
	else
		not_ok "SIGKILL in the middle of a pass (after $n tickets)"
	fi
done
G fetch --quiet 2>"$H_DIR/err"
is "$?" 0 "the pass after the kills: exit 0"
exact 3000 "after three SIGKILLs"

h_maildir_fill helpdesk 6000 restart
"$GUICHET" -c "$CONF" fetch --quiet 2>"$H_DIR/err" &
pid=$!
wait_for 120 at_least 3300
h_dovecot_restart || { not_ok "dovecot restarts"; tap_done; exit 1; }
wait "$pid"
rc=$?
n=$(tickets)
if [ "$n" -lt 9000 ]; then
	is "$rc" 75 "Dovecot stopped in the middle of a pass: exit 75"
	like "$(cat "$H_DIR/err")" "connection lost|cannot connect|closed" \
	    "the error says the connection was lost"
else
	ok "# SKIP the pass ended before Dovecot stopped"
	ok "# SKIP the pass ended before Dovecot stopped"
fi
G fetch --quiet 2>"$H_DIR/err"
is "$?" 0 "the pass after the restart: exit 0"
exact 9000 "after the restart"

tap_done
