# SPDX-License-Identifier: ISC
# harness.sh - real mail servers for end-to-end tests, on 127.0.0.1 and
# random high ports: a private Dovecot (IMAP, IMAPS, STARTTLS, LMTP) and
# SMTP servers (tests/lib/smtpd.py: deliver into Dovecot over LMTP and/or
# record every message).  Everything lives in $H_DIR and is stopped by PID
# on exit.  Source it after tap.sh; then:
#     h_init                      # temp dir, test CA and server certificate
#     h_dovecot_start             # IMAP_PORT IMAPS_PORT, users helpdesk/alice
#     h_smtp_start gw --lmtp      # SMTP_PORT_gw SMTPS_PORT_gw
#     h_smtp_start sink --sink    # records into $H_DIR/sink-sink/
#     h_conf > $H_DIR/guichet.conf
# Daemons are children of the test shell so that `wait` reaps them.
H_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
H_PY=/usr/bin/python3
[ -x "$H_PY" ] || H_PY=python3
GUICHET=${GUICHET_BIN:-guichet}
H_PIDS=()

h_port() {	# a free TCP port on 127.0.0.1
	"$H_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

h_cleanup() {
	local p
	for p in "${H_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${H_PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	H_PIDS=()
	if [ -n "${H_DIR:-}" ] && [ -z "${H_KEEP:-}" ]; then
		rm -rf "$H_DIR"
	fi
}

# h_init: the test directory, a test CA and a server certificate for
# localhost and 127.0.0.1 signed by it ($H_DIR/ssl/ca.crt, server.crt).
h_init() {
	H_DIR=$(mktemp -d "${TMPDIR:-/tmp}/guichet-test.XXXXXX")
	chmod 755 "$H_DIR"
	trap h_cleanup EXIT
	local d=$H_DIR/ssl
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 3650 \
	    -subj "/CN=guichet test CA" -keyout "$d/ca.key" -out "$d/ca.crt" \
	    >/dev/null 2>&1 || return 1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
	    -keyout "$d/server.key" -out "$d/server.csr" >/dev/null 2>&1 ||
	    return 1
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$d/ext.cnf"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" \
	    -CAkey "$d/ca.key" -CAcreateserial -days 3650 \
	    -extfile "$d/ext.cnf" -out "$d/server.crt" >/dev/null 2>&1 ||
	    return 1
	chmod 644 "$d/server.key"
}

# h_wait_greeting PORT PREFIX: waits (10 s) for a banner on 127.0.0.1.
h_wait_greeting() {
	local port=$1 prefix=$2 i line
	for i in $(seq 1 200); do
		if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
			line=""; read -r -t 2 line <&3
			case $prefix in
			"* OK") printf 'z LOGOUT\r\n' >&3 ;;
			*) printf 'QUIT\r\n' >&3 ;;
			esac
			timeout 2 cat <&3 >/dev/null 2>&1
			exec 3<&- 3>&-
			[[ $line == "$prefix"* ]] && return 0
		fi
		sleep 0.05
	done
	return 1
}

h_dovecot_gen() {
	local D=$H_DIR/dovecot uid gid
	uid=$(id -u mail) gid=$(id -g mail)
	mkdir -p "$D/run" "$D/state"
	install -d -o "$uid" -g "$gid" -m 0750 "$D/mail"
	cat > "$D/users" <<EOT
helpdesk:{PLAIN}helpdesk-pw::::::
alice:{PLAIN}alice-pw::::::
requester:{PLAIN}requester-pw::::::
EOT
	cat > "$D/dovecot.conf" <<EOT
instance_name = guichet-test-$(basename "$H_DIR")
base_dir = $D/run
state_dir = $D/state
log_path = $D/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = $uid
last_valid_uid = 0
mail_location = maildir:~/Maildir
mail_fsync = never
ssl = yes
ssl_cert = <$H_DIR/ssl/server.crt
ssl_key = <$H_DIR/ssl/server.key
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_username_format = %Ln
passdb {
  driver = passwd-file
  args = $D/users
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$D/mail/%n
}
service imap-login {
  inet_listener imap {
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = $IMAPS_PORT
    ssl = yes
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
protocol lmtp {
  recipient_delimiter = +
}
protocol imap {
  mail_max_userip_connections = 100
}
EOT
}

# h_dovecot_start: generates (once) and starts the private Dovecot.
h_dovecot_start() {
	command -v dovecot >/dev/null || return 1
	[ "$(id -u)" = 0 ] || return 1
	if [ -z "${IMAP_PORT:-}" ]; then
		IMAP_PORT=$(h_port); IMAPS_PORT=$(h_port)
		h_dovecot_gen
	fi
	local D=$H_DIR/dovecot
	dovecot -F -c "$D/dovecot.conf" >>"$D/dovecot.stdout" 2>&1 </dev/null &
	DOVECOT_PID=$!
	H_PIDS+=("$DOVECOT_PID")
	if h_wait_greeting "$IMAP_PORT" "* OK" && [ -S "$D/run/lmtp" ]; then
		return 0
	fi
	echo "# dovecot failed to start"; tail -5 "$D/dovecot.log" | sed 's/^/# /'
	return 1
}

h_dovecot_stop() {
	[ -n "${DOVECOT_PID:-}" ] || return 0
	kill -TERM "$DOVECOT_PID" 2>/dev/null
	wait "$DOVECOT_PID" 2>/dev/null
	DOVECOT_PID=
}

# h_doveadm ARGS...: doveadm against the private instance.
h_doveadm() {
	doveadm -c "$H_DIR/dovecot/dovecot.conf" "$@"
}

# h_deliver USER FILE...: puts messages into USER's INBOX (as `mail`).
h_deliver() {
	local user=$1 f; shift
	for f in "$@"; do
		h_doveadm save -u "$user" < "$f" || return 1
	done
}

# h_smtp_start NAME [--lmtp] [--sink] [ARGS...]: an SMTP server on
# SMTP_PORT_NAME (STARTTLS) and SMTPS_PORT_NAME (implicit TLS).
# --lmtp delivers into the private Dovecot; --sink records messages into
# $H_DIR/sink-NAME/.  Other ARGS go to smtpd.py unchanged.
h_smtp_start() {
	local name=$1 port sport a args=(); shift
	port=$(h_port); sport=$(h_port)
	for a in "$@"; do
		case $a in
		--lmtp) args+=(--lmtp "unix:$H_DIR/dovecot/run/lmtp") ;;
		--sink) args+=(--sink "$H_DIR/sink-$name") ;;
		*) args+=("$a") ;;
		esac
	done
	"$H_PY" "$H_LIB/smtpd.py" --port "$port" --smtps-port "$sport" \
	    --cert "$H_DIR/ssl/server.crt" --key "$H_DIR/ssl/server.key" \
	    "${args[@]}" >"$H_DIR/smtp-$name.log" 2>&1 </dev/null &
	local pid=$!
	H_PIDS+=("$pid")
	printf -v "SMTP_PID_$name" %s "$pid"
	printf -v "SMTP_PORT_$name" %s "$port"
	printf -v "SMTPS_PORT_$name" %s "$sport"
	if h_wait_greeting "$port" 220; then
		return 0
	fi
	echo "# smtp server $name failed:"; sed 's/^/# /' "$H_DIR/smtp-$name.log"
	return 1
}

h_smtp_stop() {
	local v=SMTP_PID_$1
	[ -n "${!v:-}" ] || return 0
	kill -TERM "${!v}" 2>/dev/null
	wait "${!v}" 2>/dev/null
	printf -v "$v" %s ""
}

# h_conf [EXTRA...]: a guichet.conf for this test directory on stdout,
# with [imap] on the plain port if Dovecot runs, and [smtp] on the "sink"
# server if it runs.  Extra lines are appended verbatim.
h_conf() {
	mkdir -p "$H_DIR/rules.d"
	echo "helpdesk-pw" > "$H_DIR/imap.secret"
	cat <<EOT
[desk]
name = Test Desk
address = help@example.test
ref_prefix = SD
language = en
database = $H_DIR/guichet.db
attachments = $H_DIR/attachments
rules = $H_DIR/rules.d
templates = ${GUICHET_SRCDIR:-.}/templates
EOT
	if [ -n "${IMAP_PORT:-}" ]; then
		cat <<EOT

[imap]
host = 127.0.0.1
port = $IMAP_PORT
security = none
user = helpdesk
password_file = $H_DIR/imap.secret
mailbox = INBOX
done_mailbox =
poll_interval = 1s
EOT
	fi
	if [ -n "${SMTP_PORT_sink:-}" ]; then
		cat <<EOT

[smtp]
url = smtp://127.0.0.1:$SMTP_PORT_sink
security = none
from = Test Desk <help@example.test>
EOT
	fi
	local l
	for l in "$@"; do printf '%s\n' "$l"; done
}

# ---- IMAP intake helpers (imap engineer) ----

# h_maildir_fill USER N [PREFIX [SIZE]]: N realistic messages of about SIZE
# bytes (default 3000), Message-ID <PREFIX-I@client.example> for I in
# 1..N, written straight into USER's INBOX (Maildir/new, owned by `mail`):
# thousands a second, and Dovecot numbers them on its next look.
h_maildir_fill() {
	local user=$1 n=$2 prefix=${3:-m} size=${4:-3000}
	local dir=$H_DIR/dovecot/mail/$user/Maildir
	install -d -o mail -g mail -m 0700 "$H_DIR/dovecot/mail/$user" "$dir" \
	    "$dir/new" "$dir/cur" "$dir/tmp" || return 1
	"$H_PY" - "$dir" "$n" "$prefix" "$size" "$(id -u mail)" "$(id -g mail)" \
	    <<'PY' || return 1
import os, sys, time
d, n, prefix, size = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
uid, gid = int(sys.argv[5]), int(sys.argv[6])
subjects = ["VPN ne fonctionne plus", "Printer on floor 3 jams",
    "Password reset please", "Outlook crashes at start",
    "New laptop for a new hire", "Wi-Fi drops in room B12",
    "Cannot open the shared drive", "Teams audio is choppy"]
words = ("the server was fine yesterday but this morning nothing works "
    "and I tried to restart it twice as the wiki says please help "
    "quickly because the whole team is waiting for it").split()
stamp = int(time.time())
for i in range(1, n + 1):
    who = "user%d" % (i % 97)
    lines, cur = [], []
    total = 0
    j = i
    while total < size - 600:
        cur.append(words[j % len(words)]); j += 7
        if len(cur) == 12:
            line = " ".join(cur); lines.append(line); total += len(line) + 1
            cur = []
    body = "Hello,\n\n" + "\n".join(lines) + "\n\nRegards,\n%s\n" % who
    msg = ("Return-Path: <%s@client.example>\n"
        "From: %s <%s@client.example>\n"
        "To: Service Desk <help@example.test>\n"
        "Subject: %s (%s %d)\n"
        "Date: Mon, 04 Mar 2024 09:%02d:%02d +0100\n"
        "Message-ID: <%s-%d@client.example>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n\n%s") % (who, who.title(), who,
        subjects[i % len(subjects)], prefix, i, (i // 60) % 60, i % 60,
        prefix, i, body)
    name = "%d.%s_%d.guichet-test" % (stamp, prefix, i)
    with open(os.path.join(d, "tmp", name), "w") as f:
        f.write(msg)
        os.fchown(f.fileno(), uid, gid)
    os.rename(os.path.join(d, "tmp", name), os.path.join(d, "new", name))
PY
}

# h_mail_one FILE MSGID [SUBJECT]: one small message into FILE.
h_mail_one() {
	printf 'From: Alice <alice@client.example>\nTo: help@example.test\nSubject: %s\nDate: Mon, 04 Mar 2024 10:00:00 +0100\nMessage-ID: <%s>\n\nThe printer is on fire.\n' \
	    "${3:-printer on fire}" "$2" > "$1"
}

# h_sql DB SQL: one value from the database (Python's sqlite3, read-only,
# so that it can look while guichet writes).
h_sql() {
	"$H_PY" -c 'import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=10)
r = c.execute(sys.argv[2]).fetchone()
print(r[0] if r else "")' "$1" "$2"
}

# h_imap_count USER MAILBOX [SEARCH...]: how many messages match in a
# mailbox of the private Dovecot (doveadm search).
h_imap_count() {
	local user=$1 mb=$2; shift 2
	h_doveadm search -u "$user" mailbox "$mb" "${@:-ALL}" 2>/dev/null |
	    wc -l | tr -d ' '
}

# h_conf_imap [KEY=VALUE...]: h_conf, with these keys of its [imap]
# section replaced (or added), e.g. security=tls port=$IMAPS_PORT.
h_conf_imap() {
	h_conf | awk -v kvs="$(printf '%s\n' "$@")" '
	BEGIN { n = split(kvs, a, "\n")
		for (i = 1; i <= n; i++) if (a[i] != "") {
			k = substr(a[i], 1, index(a[i], "=") - 1)
			val[k] = substr(a[i], index(a[i], "=") + 1); keys[++nk] = k } }
	function flush() { for (i = 1; i <= nk; i++) if (!(keys[i] in done))
		print keys[i] " = " val[keys[i]]; inimap = 0 }
	/^\[/ { if (inimap) flush(); inimap = ($0 == "[imap]") }
	inimap && /^[a-z_]+ =/ { k = $1; if (k in val) { print k " = " val[k];
		done[k] = 1; next } }
	inimap && /^$/ { flush() }
	{ print }
	END { if (inimap) flush() }'
}

# h_dovecot_restart: stops the private Dovecot the hard way for its
# clients (their imap processes are killed, as in a crash or a restart
# with shutdown_clients), then starts it again on the same ports.
h_dovecot_restart() {
	local p
	if [ -n "${DOVECOT_PID:-}" ]; then
		for p in $(pgrep -P "$DOVECOT_PID" -x imap); do
			kill -KILL "$p" 2>/dev/null
		done
	fi
	h_dovecot_stop
	h_dovecot_start
}
