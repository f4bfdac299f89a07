# SPDX-License-Identifier: ISC
# guichet fetch against the private Dovecot: plain, STARTTLS, IMAPS, LOGIN
# and AUTHENTICATE PLAIN; the test CA accepted through ca_file and refused
# without it (exit 78, no credential sent); a certificate for another
# name refused (and SNI sent); bad password, unknown mailbox (78); server
# down (75).
. "$GUICHET_SRCDIR/tests/lib/tap.sh"
. "$GUICHET_SRCDIR/tests/lib/harness.sh"

h_init || skip_all "no temp dir"
h_dovecot_start || skip_all "dovecot cannot start here"
CONF=$H_DIR/guichet.conf
G() { "$GUICHET" -c "$CONF" "$@"; }
tickets() { h_sql "$H_DIR/guichet.db" "SELECT count(*) FROM tickets"; }
logins() { grep -c "imap-login: Login: user=<helpdesk>" \
    "$H_DIR/dovecot/dovecot.log"; }
N=0
deliver() {	# one new message in helpdesk's INBOX
	N=$((N + 1))
	h_mail_one "$H_DIR/m$N.eml" "connect-$N@client.example" "case $N"
	h_deliver helpdesk "$H_DIR/m$N.eml"
}
fetch() {	# fetch [KEY=VALUE...]: a pass with these [imap] keys
	h_conf_imap "$@" > "$CONF"
	G fetch --quiet 2>"$H_DIR/err"; RC=$?
	ERR=$(cat "$H_DIR/err")
}
CA=$H_DIR/ssl/ca.crt

h_conf > "$CONF"
G init >/dev/null 2>&1 || { not_ok "guichet init"; tap_done; exit 1; }

deliver
fetch
is "$RC" 0 "plain IMAP: exit 0"
is "$(tickets)" 1 "plain IMAP: the message is a ticket"

deliver
fetch security=starttls ca_file="$CA"
is "$RC" 0 "STARTTLS with the test CA in ca_file: exit 0"
is "$(tickets)" 2 "STARTTLS: the message is a ticket"

deliver
fetch security=tls port="$IMAPS_PORT" ca_file="$CA"
is "$RC" 0 "IMAPS with the test CA in ca_file: exit 0"
is "$(tickets)" 3 "IMAPS: the message is a ticket"

deliver
fetch security=tls port="$IMAPS_PORT" ca_file="$CA" host=localhost
is "$RC" 0 "IMAPS to localhost (DNS name in the SAN): exit 0"
is "$(tickets)" 4 "IMAPS by name: the message is a ticket"

deliver
fetch security=tls port="$IMAPS_PORT" ca_file="$CA" auth=plain
is "$RC" 0 "AUTHENTICATE PLAIN: exit 0"
is "$(tickets)" 5 "AUTHENTICATE PLAIN: the message is a ticket"

fetch security=starttls ca_file="$CA" auth=plain
is "$RC" 0 "AUTHENTICATE PLAIN after STARTTLS: exit 0"

# The test CA is not in the system store: refused before any credential.
deliver
before=$(logins)
fetch security=tls port="$IMAPS_PORT"
is "$RC" 78 "IMAPS without ca_file: exit 78"
like "$ERR" "certificate of 127.0.0.1 refused" "the error names the certificate"
is "$(printf '%s\n' "$ERR" | grep -c "warning")" 1 "in one line"
fetch security=starttls
is "$RC" 78 "STARTTLS without ca_file: exit 78"
like "$ERR" "certificate" "the error names the certificate"
sleep 0.2
is "$(logins)" "$before" "no login reached the server"
is "$(tickets)" 5 "nothing fetched"

# A certificate from the right CA for another name; SNI carries the name.
d=$H_DIR/ssl
openssl req -newkey rsa:2048 -nodes -subj "/CN=other.example" \
    -keyout "$d/other.key" -out "$d/other.csr" >/dev/null 2>&1
printf 'subjectAltName=DNS:other.example\n' > "$d/other.cnf"
openssl x509 -req -in "$d/other.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
    -CAcreateserial -days 30 -extfile "$d/other.cnf" -out "$d/other.crt" \
    >/dev/null 2>&1
P=$(h_port)
{ printf '* OK fake\r\n'; sleep 4; } | timeout 6 openssl s_server \
    -accept "127.0.0.1:$P" -cert "$d/other.crt" -key "$d/other.key" \
    -tlsextdebug >"$H_DIR/s_server.out" 2>&1 &
SPID=$!
sleep 0.5
fetch security=tls port="$P" ca_file="$CA" host=localhost
is "$RC" 78 "certificate for another name: exit 78"
like "$ERR" "is for another name \(DNS:other.example\)" \
    "the error says which name the certificate has"
wait "$SPID" 2>/dev/null
like "$(grep -a -A1 'server name' "$H_DIR/s_server.out")" "localhost" \
    "SNI carries the host name"
if grep -aqE "LOGIN|AUTHENTICATE" "$H_DIR/s_server.out"; then
	not_ok "no credential sent to the wrong server"
else
	ok "no credential sent to the wrong server"
fi

echo "wrong-pw" > "$H_DIR/bad.secret"
fetch password_file="$H_DIR/bad.secret"
is "$RC" 78 "wrong password: exit 78"
like "$ERR" "LOGIN.*AUTHENTICATIONFAILED" "the error says the login failed"
if grep -q "wrong-pw" "$H_DIR/err"; then not_ok "the password is not logged"
else ok "the password is not logged"; fi
fetch password_file="$H_DIR/bad.secret" auth=plain
is "$RC" 78 "wrong password with AUTHENTICATE PLAIN: exit 78"

fetch mailbox=Nowhere
is "$RC" 78 "unknown mailbox: exit 78"
like "$ERR" "SELECT Nowhere" "the error names the mailbox"

fetch port="$(h_port)"
is "$RC" 75 "nobody listening: exit 75"
like "$ERR" "cannot connect" "the error says so"

fetch
is "$RC" 0 "back to plain IMAP: exit 0"
is "$(tickets)" 6 "the message held back by the refusals is now a ticket"

tap_done
