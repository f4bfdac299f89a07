#!/bin/bash
# SPDX-License-Identifier: ISC
# bench-outbox.sh [--tls] [COUNT] - queues COUNT (10000) acknowledgements
# (COUNT requests from COUNT different people, ingested from a Maildir),
# then times one `guichet send` that delivers them all to the local SMTP
# sink (tests/lib/smtpd.py) over one reused connection: messages per
# second, peak RSS.  --tls: STARTTLS with AUTH and a verified certificate
# instead of plain SMTP.  GUICHET_BIN names the binary (default ./guichet).
set -eu
TLS=0
if [ "${1:-}" = --tls ]; then TLS=1; shift; fi
N=${1:-10000}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=${GUICHET_BIN:-$SRC/guichet}
PY=/usr/bin/python3
W=$(mktemp -d "${TMPDIR:-/tmp}/guichet-bench.XXXXXX")
PID=
cleanup() {
	[ -z "$PID" ] || { kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; }
	rm -rf "$W"
}
trap cleanup EXIT

"$PY" - "$N" "$W/maildir" <<'EOF'
import os, sys
n, d = int(sys.argv[1]), sys.argv[2]
for sub in ("new", "cur", "tmp"):
    os.makedirs(os.path.join(d, sub))
for i in range(n):
    with open(os.path.join(d, "new", "%08d.bench" % i), "w") as f:
        f.write("From: User %d <user%d@client.example>\n"
                "To: help@example.org\n"
                "Subject: Printer %d on floor %d is jammed\n"
                "Message-ID: <bench-%d@client.example>\n"
                "Date: Mon, 4 Mar 2024 09:00:00 +0100\n\n"
                "Hello,\n\nthe printer jams on every page.\n\nUser %d\n"
                % (i, i, i, i % 7, i, i))
EOF

port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
args=(--port "$port" --sink "$W/sink")
smtp="url = smtp://127.0.0.1:$port
security = none"
if [ "$TLS" = 1 ]; then
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=bench CA" \
	    -keyout "$W/ca.key" -out "$W/ca.crt" >/dev/null 2>&1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
	    -keyout "$W/srv.key" -out "$W/srv.csr" >/dev/null 2>&1
	printf 'subjectAltName=IP:127.0.0.1\n' > "$W/ext"
	openssl x509 -req -in "$W/srv.csr" -CA "$W/ca.crt" -CAkey "$W/ca.key" \
	    -CAcreateserial -days 2 -extfile "$W/ext" -out "$W/srv.crt" \
	    >/dev/null 2>&1
	echo helpdesk-pw > "$W/smtp.secret"
	args+=(--cert "$W/srv.crt" --key "$W/srv.key")
	smtp="url = smtp://127.0.0.1:$port
security = starttls
user = helpdesk
password_file = $W/smtp.secret
ca_file = $W/ca.crt"
fi
"$PY" "$SRC/tests/lib/smtpd.py" "${args[@]}" >"$W/smtpd.log" 2>&1 &
PID=$!
for i in $(seq 100); do
	"$PY" -c "import socket; socket.create_connection(('127.0.0.1', $port))" \
	    2>/dev/null && break
	sleep 0.05
done

cat > "$W/guichet.conf" <<EOT
[desk]
address = help@example.org
database = $W/guichet.db
attachments = $W/attachments
rules = $W/rules.d
templates = $SRC/templates

[smtp]
$smtp
from = Service Desk <help@example.org>
EOT
"$BIN" -c "$W/guichet.conf" init >/dev/null
"$BIN" -q -c "$W/guichet.conf" ingest --quiet --maildir "$W/maildir"
queued=$("$BIN" -c "$W/guichet.conf" outbox --json --status queued |
    "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
/usr/bin/time -f "%e %M %U %S" -o "$W/time" "$BIN" -q -c "$W/guichet.conf" send \
    > "$W/send.out"
read -r secs rss usr sys < "$W/time"
got=$(ls "$W/sink" | grep -c '\.eml$')
peers=$("$PY" -c '
import glob, json, sys
print(len({tuple(json.load(open(j))["peer"]) for j in glob.glob(sys.argv[1] + "/*.json")}))' "$W/sink")
awk -v q="$queued" -v g="$got" -v s="$secs" -v r="$rss" -v p="$peers" \
    -v cpu="$(echo "$usr $sys" | awk '{ print $1 + $2 }')" \
    -v tls="$TLS" -v out="$(cat "$W/send.out")" 'BEGIN {
	printf "queued: %d, delivered to the sink: %d over %d connection%s (%s)\n",
	    q, g, p, p == 1 ? "" : "s", tls ? "STARTTLS + AUTH" : "plain SMTP"
	printf "guichet send: %s\n", out
	printf "time: %.2f s, rate: %.0f messages/s, peak RSS: %.1f MB\n",
	    s, (s > 0 ? g / s : 0), r / 1024
	printf "guichet CPU: %.2f s (%.0f%% of the time; the rest is the " \
	    "Python sink)\n", cpu, (s > 0 ? 100 * cpu / s : 0)
}'
