#!/bin/bash
# SPDX-License-Identifier: ISC
# Outbound: the exact headers of an acknowledgement, threading of the
# answer, English and French, a header-injection subject, a rule's reply
# template, notices to agents and on status changes, all read back from a
# real SMTP server (tests/lib/smtpd.py --sink).
. "$(dirname "$0")/../lib/tap.sh"
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/outbound.sh"

h_init || skip_all "cannot create the test directory and certificates"
h_smtp_start sink --sink || skip_all "the SMTP server did not start"
h_conf "autoreply_limit = 10" "" "[agent alice]" \
    "address = alice@example.test" "queues = first-line" \
    > "$H_DIR/guichet.conf"
# [desk] autoreply_limit lands after [smtp]: move it where it belongs.
sed -i '/^autoreply_limit/d; s/^\[desk\]$/[desk]\nautoreply_limit = 10/' \
    "$H_DIR/guichet.conf"
cat > "$H_DIR/rules.d/10-lang.rules" <<'EOT'
rule french
    when subject ~ /imprimante|écran/i
    set language fr

rule password
    when subject ~ /password.*reset/i
    reply self-help-password
EOT
G="$GUICHET -c $H_DIR/guichet.conf"
check "init" $G init

# 1. The acknowledgement, header by header.
m=$(ob_mail "Jeanne Martin <jeanne@client.example>" "Printer jammed")
first=$(sed -n 's/^Message-ID: <\(.*\)>/\1/p' "$m")
check "ingest a request" ob_ingest "$m"
is "$(ob_count 'r["template"] == "acknowledgement"')" 1 \
    "one acknowledgement queued"
check "send" ob_send
ack=$(ob_sink sink jeanne@client.example)
is "$(echo "$ack" | wc -w)" 1 "the requester got one message"
want="Date: DATE
From: Test Desk <help@example.test>
Reply-To: Test Desk <help@example.test>
To: Jeanne Martin <jeanne@client.example>
Subject: [SD#1] Request received: Printer jammed
Message-ID: <ID@example.test>
In-Reply-To: <$(sed -n 's/^Message-ID: <\(.*\)>/\1/p' "$m")>
References: <$(sed -n 's/^Message-ID: <\(.*\)>/\1/p' "$m")>
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
X-Loop: help@example.test
Content-Language: en
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit"
got=$(sed '/^\r$/q' "$ack" | tr -d '\r' | sed '/^$/d' |
    sed 's/^Date: .*/Date: DATE/; s/^Message-ID: <[0-9]*\.[0-9a-f]\{24\}@/Message-ID: <ID@/')
is "$got" "$want" "acknowledgement headers, exactly"
check "CRLF line ends only" "$OB_PY" -c '
import sys
d = open(sys.argv[1], "rb").read()
sys.exit(0 if d.count(b"\n") == d.count(b"\r\n") else 1)' "$ack"
check "Date is now, RFC 5322" "$OB_PY" -c '
import email.utils, sys, time
t = email.utils.parsedate_to_datetime(sys.argv[1]).timestamp()
sys.exit(0 if abs(t - time.time()) < 120 else 1)' "$(ob_header "$ack" Date)"
is "$(ob_meta "$ack" mail_from)" "help@example.test" "envelope sender"
is "$(ob_meta "$ack" rcpt_tos)" "['jeanne@client.example']" \
    "envelope recipient"
like "$(ob_body "$ack")" "recorded as ticket SD#1" "body names the ticket"
ackid=$(ob_header "$ack" Message-ID | tr -d '<>')
is "$($G ticket show --json 1 | "$OB_PY" -c '
import json, sys
print(sum(1 for m in json.load(sys.stdin)["messages"]
    if m["message_id"] == sys.argv[1] and m["direction"] == "out"))' "$ackid")" \
    1 "the Message-ID is recorded on the ticket"

# 2. The requester answers the acknowledgement: same ticket, no answer.
r=$(ob_mail "Jeanne Martin <jeanne@client.example>" \
    "Re: [SD#1] Request received: Printer jammed" \
    "In-Reply-To: <$ackid>
References: <$ackid>" "It is the one on the second floor.")
check "ingest the reply" ob_ingest "$r"
is "$(ob_tickets)" 1 "the reply joined ticket 1"
is "$(ob_count 'r["to"] == "jeanne@client.example"')" 1 \
    "a reply gets no acknowledgement"

# 3. French, chosen by a rule; names and subjects with accents.
m=$(ob_mail "=?utf-8?q?Zo=C3=A9_Dubois?= <zoe@client.example>" \
    "=?utf-8?q?Mon_imprimante_fait_un_bruit_=C3=A9trange?=")
check "ingest a French request" ob_ingest "$m"
check "send" ob_send
fr=$(ob_sink sink zoe@client.example)
NBSP=$'\xc2\xa0'
is "$(ob_header "$fr" Subject)" \
    "[SD#2] Demande reçue${NBSP}: Mon imprimante fait un bruit étrange" \
    "French subject, decoded (non-breaking space before the colon)"
is "$(ob_header "$fr" To)" "Zoé Dubois <zoe@client.example>" \
    "encoded display name"
is "$(ob_header "$fr" Content-Language)" "fr" "Content-Language: fr"
body=$(ob_body "$fr")
like "$body" "^Bonjour Zoé Dubois," "French greeting with the name"
like "$body" "enregistrée sous la référence SD#2" "French body in UTF-8"
check "non-ASCII header text is RFC 2047 encoded" \
    grep -q '^Subject: \[SD#2\] Demande =?utf-8?q?re=C3=A7ue=C2=A0=3A?=' "$fr"

# 4. A subject and a name that try to add headers.
m=$(ob_mail "=?utf-8?q?Eve=0D=0ABcc=3A_victim=40evil.example?= <eve@client.example>" \
    "=?utf-8?q?Help=0D=0ABcc:_victim@evil.example=0D=0A=0D=0Abody?=")
check "ingest an injection attempt" ob_ingest "$m"
check "send" ob_send
inj=$(ob_sink sink eve@client.example)
check "no Bcc header was injected" bash -c "! grep -qi '^bcc:' '$inj'"
is "$(grep -c '^Subject:' "$inj")" 1 "exactly one Subject header"
like "$(ob_header "$inj" Subject)" \
    "^\[SD#3\] Request received: Help ?Bcc: victim@evil\.example ?body$" \
    "the subject is one line of text"
is "$(ob_meta "$inj" rcpt_tos)" "['eve@client.example']" \
    "the envelope has the requester only"
is "$(ob_sink sink victim@evil.example)" "" "nothing to the victim"

# 5. A rule's reply template instead of the acknowledgement.
m=$(ob_mail "paul@client.example" "Password reset please")
check "ingest a password request" ob_ingest "$m"
is "$(ob_count 'r["template"] == "self-help-password"')" 1 \
    "the rule's template is queued"
is "$(ob_count 'r["to"] == "paul@client.example" and r["template"] == "acknowledgement"')" \
    0 "and no plain acknowledgement"

# 6. Agents hear of new tickets (auto-generated, not answers).
check "send" ob_send
agent=$(ob_sink sink alice@example.test | sed -n 1p)
like "$(ob_header "$agent" Subject)" '^\[SD#1\] New ticket: Printer jammed$' \
    "alice got the new-ticket notice"
is "$(ob_header "$agent" Auto-Submitted)" "auto-generated" \
    "notices are auto-generated"
is "$(ob_sink sink alice@example.test | wc -l)" 4 "one per ticket"

# 7. Status changes notify the requester.
check "ticket update --status open" ob_g ticket update --status open 1
check "ticket update --status resolved" ob_g ticket update --status resolved 1
check "ticket update --status resolved (French)" \
    ob_g ticket update --status resolved 2
check "send" ob_send
sc=$(ob_sink sink jeanne@client.example | sed -n 2p)
is "$(ob_header "$sc" Subject)" "[SD#1] Status: open - Printer jammed" \
    "status-change notice"
n=$(ob_sink sink jeanne@client.example | sed -n 3p)
is "$(ob_header "$n" Subject)" "[SD#1] Resolved: Printer jammed" \
    "resolved notice"
like "$(ob_body "$n")" "score from 1 to 5" "it asks for a satisfaction score"
is "$(ob_header "$n" In-Reply-To)" "$(ob_header "$sc" Message-ID)" \
    "the notice answers the latest public message of the thread"
check "agents' notices stay out of the requester's thread" bash -c \
    "! grep -q '$(ob_header "$agent" Message-ID | tr -d '<>')' '$n'"
like "$(ob_header "$n" References)" "^<$first>" \
    "References start at the original request"
n=$(ob_sink sink zoe@client.example | sed -n 2p)
is "$(ob_header "$n" Subject)" \
    "[SD#2] Résolu${NBSP}: Mon imprimante fait un bruit étrange" \
    "the French resolved notice"
like "$(ob_body "$n")" "note de 1 à 5" "with the score question in French"
is "$(ob_count 'r["status"] != "sent"')" 0 "everything was sent"

tap_done
