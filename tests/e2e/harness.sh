# SPDX-License-Identifier: ISC
# The test harness itself: a private Dovecot and an SMTP server on random
# loopback ports; a message submitted over SMTP (STARTTLS + AUTH) is
# delivered into Dovecot over LMTP and read back over IMAP and IMAPS.
. "$GUICHET_SRCDIR/tests/lib/tap.sh"
. "$GUICHET_SRCDIR/tests/lib/harness.sh"

h_init || skip_all "cannot make test certificates"
h_dovecot_start || skip_all "dovecot cannot start here"
ok "dovecot started on 127.0.0.1:$IMAP_PORT"
h_smtp_start gw --lmtp --sink || skip_all "smtp server cannot start"
ok "smtp server started on 127.0.0.1:$SMTP_PORT_gw"

msgid="harness-$$-$RANDOM@example.test"
"$H_PY" - "$SMTP_PORT_gw" "$H_DIR/ssl/ca.crt" "$msgid" <<'PY'
import smtplib, ssl, sys
port, ca, msgid = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
msg = ("From: Jeanne <jeanne@example.test>\r\nTo: helpdesk@example.test\r\n"
       "Subject: harness check\r\nMessage-ID: <%s>\r\n\r\nhello\r\n" % msgid)
with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
    s.starttls(context=ctx)
    s.login("alice", "alice-pw")
    s.sendmail("jeanne@example.test", ["helpdesk@example.test"], msg)
PY
check "message submitted over SMTP with STARTTLS and AUTH" [ $? = 0 ]
check "the sink recorded it" test -s "$H_DIR/sink-gw/000001.eml"
like "$(cat "$H_DIR/sink-gw/000001.json")" '"tls": true' "recorded as sent over TLS"

read_back() {	# read_back PORT SSL
	"$H_PY" - "$1" "$2" "$H_DIR/ssl/ca.crt" "$msgid" <<'PY'
import imaplib, ssl, sys
port, use_ssl, ca, msgid = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3], sys.argv[4]
if use_ssl:
    m = imaplib.IMAP4_SSL("127.0.0.1", port, ssl_context=ssl.create_default_context(cafile=ca))
else:
    m = imaplib.IMAP4("127.0.0.1", port)
m.login("helpdesk", "helpdesk-pw")
m.select("INBOX")
typ, data = m.search(None, "HEADER", "Message-ID", msgid)
ids = data[0].split()
if not ids:
    sys.exit(1)
typ, data = m.fetch(ids[0], "(BODY.PEEK[])")
sys.exit(0 if b"harness check" in data[0][1] else 1)
PY
}
check "read back over IMAP" read_back "$IMAP_PORT" 0
check "read back over IMAPS, certificate verified with the test CA" \
    read_back "$IMAPS_PORT" 1

h_dovecot_stop
if { exec 3<>"/dev/tcp/127.0.0.1/$IMAP_PORT"; } 2>/dev/null; then
	exec 3<&- 3>&-
	not_ok "dovecot stopped"
else
	ok "dovecot stopped"
fi
tap_done
