# SPDX-License-Identifier: ISC
# A storm of "VPN down" mails read over IMAP by `guichet fetch` becomes one
# major incident with its children; the next VPN mail joins it; resolving
# the parent resolves them all.
. "$GUICHET_SRCDIR/tests/lib/tap.sh"
. "$GUICHET_SRCDIR/tests/lib/harness.sh"
h_init || skip_all "no temp dir"
h_dovecot_start || skip_all "dovecot cannot start here"
h_conf "" "[major]" "threshold = 4" "window = 1h" \
    "notify = major@example.test" > "$H_DIR/guichet.conf"
mkdir -p "$H_DIR/rules.d"
cp "$GUICHET_SRCDIR"/contrib/rules.d/*.rules "$H_DIR/rules.d/"
G() { "$GUICHET" -c "$H_DIR/guichet.conf" "$@"; }
jq_() { "$H_PY" -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
G init >/dev/null

vpn() {	# vpn N: a VPN-down mail from user N into the help mailbox
	printf 'From: User %s <user%s@client.example>\nTo: help@example.test\nSubject: VPN down\nMessage-ID: <storm-%s@client.example>\n\nThe VPN is down since 9:00, unreachable.\n' \
	    "$1" "$1" "$1" > "$H_DIR/vpn-$1.eml"
	h_deliver helpdesk "$H_DIR/vpn-$1.eml"
}
for i in 1 2 3 4 5 6; do vpn "$i"; done
G fetch --quiet 2>"$H_DIR/fetch.err"; is "$?" 0 "guichet fetch of the storm: exit 0"
like "$(cat "$H_DIR/fetch.err")" "event=major-detected" "the burst is detected"
P=$(G ticket list --json | jq_ '" ".join(str(t["id"]) for t in j if t["type"] == "major")')
like "$P" '^[0-9]+$' "one major incident"
is "$(G ticket list --json | jq_ 'len([t for t in j if t["parent"] == '"${P:-0}"'])')" 6 \
    "its six children"
vpn 7
G fetch --quiet 2>/dev/null
is "$(G ticket list --json | jq_ 'len([t for t in j if t["parent"] == '"${P:-0}"'])')" 7 \
    "the next VPN mail fetched joins it"
G ticket update "${P:-0}" --status resolved 2>/dev/null
is "$(G ticket list --json | jq_ '",".join(sorted(set(t["status"] for t in j if t["parent"] == '"${P:-0}"')))')" \
    resolved "resolving the parent resolves every child"
is "$(h_sql "$H_DIR/guichet.db" "SELECT count(DISTINCT rcpt) FROM outbox WHERE template = 'major-resolved'")" \
    7 "one resolution notice per requester"
tap_done
