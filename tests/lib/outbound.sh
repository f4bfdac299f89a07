# SPDX-License-Identifier: ISC
# outbound.sh - helpers of tests/e2e/outbound-*.sh: mail to ingest, the
# outbox as JSON, and what an SMTP sink received (read with Python's email
# package, an independent reader of what guichet writes).  Source it after
# tap.sh and harness.sh, then set G="$GUICHET -c CONF".
OB_PY=${H_PY:-/usr/bin/python3}

# ob_mail FROM SUBJECT [EXTRA-HEADER-LINES] [BODY]: a new message file;
# prints its path.  Each has its own Message-ID.
ob_mail() {
	local from=$1 subj=$2 extra=${3:-} body=${4:-Hello, something is broken.}
	local f n
	f=$(mktemp "$H_DIR/in-XXXXXXXX.eml") || return 1
	n=$(basename "$f" .eml)
	{
		printf 'From: %s\n' "$from"
		printf 'To: Help <help@example.test>\n'
		printf 'Subject: %s\n' "$subj"
		printf 'Message-ID: <%s@client.example>\n' "$n"
		printf 'Date: %s\n' "$(LC_ALL=C date -R)"
		[ -n "$extra" ] && printf '%s\n' "$extra"
		printf '\n%s\n' "$body"
	} > "$f"
	echo "$f"
}

# ob_ingest FILE...: ingests, logging to $H_DIR/guichet.log.
ob_ingest() {
	$G ingest "$@" >>"$H_DIR/guichet.log" 2>&1
}

# ob_g ARGS...: guichet with the log going to $H_DIR/guichet.log.
ob_g() {
	$G "$@" >>"$H_DIR/guichet.log" 2>&1
}

# ob_send: one outbox pass; its exit status.
ob_send() {
	$G send >>"$H_DIR/guichet.log" 2>&1
}

# ob_count EXPR: outbox rows r for which the Python expression holds,
# e.g. ob_count 'r["to"] == "a@b" and r["status"] == "sent"'.
ob_count() {
	$G outbox --json 2>>"$H_DIR/guichet.log" | "$OB_PY" -c '
import json, sys
rows = json.load(sys.stdin)
print(len([r for r in rows if eval(sys.argv[1])]))' "$1"
}

# ob_field ID KEY: one field of outbox row ID.
ob_field() {
	$G outbox --json 2>>"$H_DIR/guichet.log" | "$OB_PY" -c '
import json, sys
for r in json.load(sys.stdin):
    if r["id"] == int(sys.argv[1]):
        print(r[sys.argv[2]])' "$1" "$2"
}

# ob_sink NAME RCPT: the messages sink NAME got for RCPT, oldest first.
ob_sink() {
	"$OB_PY" -c '
import glob, json, sys
for j in sorted(glob.glob(sys.argv[1] + "/*.json")):
    if sys.argv[2] in json.load(open(j))["rcpt_tos"]:
        print(j[:-5] + ".eml")' "$H_DIR/sink-$1" "$2"
}

# ob_sink_all NAME: the number of messages sink NAME received.
ob_sink_all() {
	ls "$H_DIR/sink-$1"/*.eml 2>/dev/null | wc -l
}

# ob_header FILE NAME: a header, decoded (RFC 2047) and unfolded.
ob_header() {
	"$OB_PY" -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
    policy=email.policy.default)
v = m.get(sys.argv[2])
print("" if v is None else str(v))' "$1" "$2"
}

# ob_body FILE: the decoded text body.
ob_body() {
	"$OB_PY" -c '
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"),
    policy=email.policy.default)
sys.stdout.write(m.get_content())' "$1"
}

# ob_meta FILE KEY: a field of the sink's envelope record of FILE.
ob_meta() {
	"$OB_PY" -c '
import json, sys
print(json.load(open(sys.argv[1][:-4] + ".json"))[sys.argv[2]])' "$1" "$2"
}

# ob_tickets: the number of tickets.
ob_tickets() {
	$G ticket list --json 2>>"$H_DIR/guichet.log" | "$OB_PY" -c '
import json, sys
print(len(json.load(sys.stdin)))'
}
