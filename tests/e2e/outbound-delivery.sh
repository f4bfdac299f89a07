#!/bin/bash
# SPDX-License-Identifier: ISC
# Outbound: delivery by libcurl against real SMTP servers (tests/lib/
# smtpd.py): smtps and STARTTLS with AUTH and a verified certificate; an
# untrusted certificate; a server that offers no AUTH while a user is
# configured (refused, nothing sent in clear); a server down, then up
# (delivered once); 451 (deferred with backoff); 550 (failed at once,
# shown, recorded on the ticket); one connection for a batch.
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/outbound.sh"

h_init || skip_all "cannot create the test directory and certificates"
h_smtp_start tls --sink || skip_all "the SMTP server did not start"
h_smtp_start noauth --sink --no-auth --no-auth-offer ||
    skip_all "the SMTP server did not start"
h_smtp_start badauth --sink --no-auth || skip_all "the SMTP server did not start"
h_smtp_start reject --sink --reject '^nobody@' ||
    skip_all "the SMTP server did not start"
h_smtp_start temp --sink --tempfail 1 || skip_all "the SMTP server did not start"
echo helpdesk-pw > "$H_DIR/smtp.secret"
chmod 600 "$H_DIR/smtp.secret"

# conf NAME [SMTP-LINES...]: a desk of its own (database NAME.db) whose
# [smtp] section is the lines given; G points at it, and it is initialised.
conf() {
	local name=$1; shift
	h_conf | sed "s|/guichet.db$|/$name.db|" > "$H_DIR/$name.conf"
	{ echo; echo "[smtp]"; printf '%s\n' "$@"
	  echo "from = Test Desk <help@example.test>"; } >> "$H_DIR/$name.conf"
	G="$GUICHET -c $H_DIR/$name.conf"
	$G init >/dev/null
}

# 1. smtps (implicit TLS) with AUTH, certificate checked against our CA.
conf smtps "url = smtps://127.0.0.1:$SMTPS_PORT_tls" "security = tls" \
    "user = helpdesk" "password_file = $H_DIR/smtp.secret" \
    "ca_file = $H_DIR/ssl/ca.crt"
check "ingest" ob_ingest "$(ob_mail a@client.example "Over smtps")"
check "send over smtps" ob_send
m=$(ob_sink tls a@client.example)
is "$(echo "$m" | wc -w)" 1 "delivered once"
is "$(ob_meta "$m" tls)/$(ob_meta "$m" auth)" "True/helpdesk" \
    "over TLS, authenticated as the configured user"
check "the password is in no log" bash -c \
    "! grep -q helpdesk-pw '$H_DIR/guichet.log'"

# 2. STARTTLS with AUTH.
conf starttls "url = smtp://127.0.0.1:$SMTP_PORT_tls" "security = starttls" \
    "user = helpdesk" "password_file = $H_DIR/smtp.secret" \
    "ca_file = $H_DIR/ssl/ca.crt"
check "ingest" ob_ingest "$(ob_mail b@client.example "Over STARTTLS")"
check "send with STARTTLS" ob_send
m=$(ob_sink tls b@client.example)
is "$(ob_meta "$m" tls)/$(ob_meta "$m" auth)" "True/helpdesk" \
    "STARTTLS, then AUTH"

# 3. The same server with a certificate nobody vouches for.
conf untrusted "url = smtp://127.0.0.1:$SMTP_PORT_tls" "security = starttls" \
    "user = helpdesk" "password_file = $H_DIR/smtp.secret"
check "ingest" ob_ingest "$(ob_mail c@client.example "Untrusted")"
ob_send
is "$?" 75 "an untrusted certificate: temporary failure (75)"
is "$(ob_sink tls c@client.example)" "" "nothing delivered"
like "$(ob_field 1 last_error)" "certificate|SSL|TLS|issuer" \
    "the certificate problem is shown"

# 4. A user is configured but the server offers no AUTH (even over TLS):
# libcurl alone would send without authenticating.
conf noauth "url = smtp://127.0.0.1:$SMTP_PORT_noauth" "security = starttls" \
    "user = helpdesk" "password_file = $H_DIR/smtp.secret" \
    "ca_file = $H_DIR/ssl/ca.crt"
check "ingest" ob_ingest "$(ob_mail d@client.example "No AUTH")"
ob_send
is "$?" 75 "no AUTH offered: refused (75)"
is "$(ob_sink_all noauth)" 0 "nothing was sent unauthenticated"
like "$(ob_field 1 last_error)" "offers no authentication" \
    "the reason is shown"
is "$(ob_field 1 status)/$(ob_field 1 attempts)" "queued/1" \
    "the mail stays queued for a later attempt"
# ...and one that offers AUTH but takes no password.
conf badauth "url = smtp://127.0.0.1:$SMTP_PORT_badauth" "security = starttls" \
    "user = helpdesk" "password_file = $H_DIR/smtp.secret" \
    "ca_file = $H_DIR/ssl/ca.crt"
check "ingest" ob_ingest "$(ob_mail d2@client.example "Bad password")"
ob_send
is "$?" 75 "authentication refused: temporary failure (75)"
is "$(ob_sink_all badauth)" 0 "nothing was sent unauthenticated"
like "$(ob_field 1 last_error)" "^535 .*\(after AUTH\)" \
    "the server's answer to AUTH is shown"
conf plain "url = smtp://127.0.0.1:$SMTP_PORT_noauth" "security = none" \
    "user = helpdesk" "password_file = $H_DIR/smtp.secret" 2>/dev/null
$G send >/dev/null 2>&1
is "$?" 78 "security = none with a user is a configuration error"

# 5. The server is down, then comes up: delivered once.
port=$(h_port)
conf down "url = smtp://127.0.0.1:$port" "security = none"
check "ingest" ob_ingest "$(ob_mail e@client.example "Server down")"
ob_send
is "$?" 75 "server down: temporary failure (75)"
is "$(ob_field 1 status)/$(ob_field 1 attempts)" "queued/1" "deferred"
check "first retry in about a minute" "$OB_PY" -c '
import datetime, sys, time
t = datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ")
d = t.replace(tzinfo=datetime.timezone.utc).timestamp() - time.time()
sys.exit(0 if 50 <= d <= 61 else 1)' "$(ob_field 1 next_attempt)"
check "a second pass before then sends nothing" ob_send
is "$(ob_field 1 attempts)" 1 "and does not count an attempt"
"$H_PY" "$H_LIB/smtpd.py" --port "$port" --sink "$H_DIR/sink-down" \
    >"$H_DIR/smtp-down.log" 2>&1 </dev/null &
H_PIDS+=("$!")
h_wait_greeting "$port" 220 || skip_all "the SMTP server did not restart"
check "outbox retry" ob_g outbox retry 1
check "send once the server is up" ob_send
check "send again" ob_send
is "$(ob_sink_all down)" 1 "delivered exactly once"
is "$(ob_field 1 status)/$(ob_field 1 attempts)" "sent/1" \
    "sent; retry started the count afresh"
$G outbox retry 1 >/dev/null 2>&1
is "$?" 65 "a sent mail cannot be retried"
$G outbox retry 99 >/dev/null 2>&1
is "$?" 65 "nor a mail that does not exist"

# 6. 451 to the data: deferred, then delivered.
conf temp "url = smtp://127.0.0.1:$SMTP_PORT_temp" "security = none"
check "ingest" ob_ingest "$(ob_mail f@client.example "Temporary failure")"
ob_send
is "$?" 75 "451: deferred (75)"
like "$(ob_field 1 last_error)" "^451 4\.3\.0 Try again later" \
    "the server's reply is kept"
check "retry" ob_g outbox retry 1
check "send" ob_send
is "$(ob_field 1 status)" "sent" "delivered on the next attempt"

# 7. 550 at RCPT: failed at once, shown, on the ticket.
conf reject "url = smtp://127.0.0.1:$SMTP_PORT_reject" "security = none"
check "ingest" ob_ingest "$(ob_mail nobody@client.example "Unknown user")"
check "send: a permanent failure exits 0" ob_send
is "$(ob_field 1 status)/$(ob_field 1 attempts)" "failed/1" "failed at once"
like "$(ob_field 1 last_error)" "^550 5\.1\.1 <nobody@client.example>" \
    "the server's reply is kept"
like "$($G outbox)" "failed.*nobody@client.example" "outbox shows it"
like "$($G outbox --status failed)" "error: 550 5\.1\.1" \
    "with the error"
check "recorded on the ticket" bash -c "$G ticket show --json 1 |
    grep -q 'delivery-failure'"
check "retry a failed mail" ob_g outbox retry 1
check "send" ob_send
is "$(ob_field 1 status)/$(ob_field 1 attempts)" "failed/1" \
    "fails again, counted afresh"

# 8. A batch goes over one connection.
conf batch "url = smtp://127.0.0.1:$SMTP_PORT_temp" "security = none"
for i in 1 2 3 4 5; do
	ob_ingest "$(ob_mail "batch$i@client.example" "Batch $i")"
done
check "send a batch" ob_send
is "$(ob_count 'r["status"] == "sent"')" 5 "five sent"
is "$("$OB_PY" -c '
import glob, json, sys
peers = set()
for j in glob.glob(sys.argv[1] + "/*.json"):
    d = json.load(open(j))
    if d["rcpt_tos"][0].startswith("batch"):
        peers.add(tuple(d["peer"]))
print(len(peers))' "$H_DIR/sink-temp")" 1 "over one SMTP connection"

tap_done
