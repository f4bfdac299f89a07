#!/bin/bash
# SPDX-License-Identifier: ISC
# demo.sh - guichet on a throwaway desk: a private Dovecot and SMTP server
# on 127.0.0.1, the sample mail of contrib/sample-mail delivered into the
# help mailbox, then `guichet fetch` (IMAP with STARTTLS, certificate
# verified against the demo CA), `guichet send` (SMTP), and what came out:
# the tickets and the acknowledgements.  Run as root on Debian 12 (the
# private Dovecot needs it); everything is removed at the end unless
# KEEP=1.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
cd "$SRC"
bash contrib/packages.sh || exit 1
BUILD=$SRC/build-demo
if [ ! -x "$BUILD/guichet" ]; then
	echo "== building guichet in $BUILD"
	[ -x configure ] || ./autogen.sh >/dev/null 2>&1
	mkdir -p "$BUILD"
	(cd "$BUILD" && "$SRC/configure" CFLAGS="-O2 -g" >/dev/null &&
	    make -j2 >/dev/null) || { echo "build failed"; exit 1; }
fi
export GUICHET_BIN=$BUILD/guichet GUICHET_SRCDIR=$SRC
. "$SRC/tests/lib/tap.sh"
. "$SRC/tests/lib/harness.sh"
[ -n "${KEEP:-}" ] && H_KEEP=1

h_init || exit 1
h_dovecot_start || { echo "dovecot did not start"; exit 1; }
h_smtp_start sink --sink || { echo "smtp server did not start"; exit 1; }
echo "== Dovecot on 127.0.0.1:$IMAP_PORT, SMTP on 127.0.0.1:$SMTP_PORT_sink"
echo "   (demo directory $H_DIR)"
cp -r "$SRC/contrib/rules.d/." "$H_DIR/rules.d/" 2>/dev/null
{
	h_conf | sed -e "s/^security = none$/security = starttls/" \
	    -e "s|^done_mailbox =$|done_mailbox = Processed\nca_file = $H_DIR/ssl/ca.crt|"
	printf '\n[major]\nthreshold = 2\nwindow = 1h\nnotify = major@example.test\n'
	printf '\n[agent alice]\naddress = alice@example.test\nqueues = first-line network\n'
} > "$H_DIR/guichet.conf"
# The SMTP sink speaks plain SMTP to the demo: keep [smtp] security none.
sed -i "/^\[smtp\]/,/^$/s/^security = starttls$/security = none/" "$H_DIR/guichet.conf"
G() { "$GUICHET_BIN" -c "$H_DIR/guichet.conf" "$@"; }

h_doveadm mailbox create -u helpdesk Processed 2>/dev/null
for f in "$SRC"/contrib/sample-mail/*.eml; do
	h_deliver helpdesk "$f" || { echo "delivery failed: $f"; exit 1; }
done
echo "== $(ls "$SRC"/contrib/sample-mail/*.eml | wc -l) sample messages delivered to helpdesk's INBOX"

G init
echo "== guichet fetch"
G fetch || echo "(fetch exited $?)"
echo "== guichet send"
G send || echo "(send exited $?)"
echo
echo "== tickets"
G ticket list
echo
echo "== acknowledgements and notices sent (recorded by the SMTP server, headers decoded)"
"$H_PY" - "$H_DIR"/sink-sink/*.eml <<'PY'
import email, email.header, email.policy, sys
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        m = email.message_from_binary_file(f, policy=email.policy.default)
    print("To: %-45s Subject: %s" % (m["To"], m["Subject"]))
PY
first=$(ls "$H_DIR"/sink-sink/*.eml 2>/dev/null | head -1)
if [ -n "$first" ]; then
	echo
	echo "== the first one, in full"
	cat "$first"
fi
echo
echo "== ticket 1"
G ticket show 1
