# SPDX-License-Identifier: ISC
# The command line contract: help, exit codes, the config file (every error
# as file:line at once, exit 78; secrets never from argv), -c and
# $GUICHET_CONFIG.
. "$GUICHET_SRCDIR/tests/lib/tap.sh"
. "$GUICHET_SRCDIR/tests/lib/harness.sh"
h_init || skip_all "no temp dir"
h_conf > "$H_DIR/guichet.conf"

out=$("$GUICHET" --help); is "$?" 0 "guichet --help: exit 0"
for c in init run fetch ingest send outbox ticket rules templates; do
	like "$out" "^  $c " "--help lists $c"
	"$GUICHET" "$c" --help >/dev/null 2>&1
	is "$?" 0 "guichet $c --help: exit 0"
done
"$GUICHET" nosuch >/dev/null 2>&1; is "$?" 64 "unknown command: 64"
"$GUICHET" >/dev/null 2>&1; is "$?" 64 "no command: 64"
like "$("$GUICHET" --version)" "^guichet [0-9]" "--version"

cat > "$H_DIR/bad.conf" <<'EOT'
[desk]
autoreply_limit = many
[imap]
security = maybe
password_file = /nonexistent/secret
[unknown]
EOT
err=$("$GUICHET" -c "$H_DIR/bad.conf" ticket list 2>&1); rc=$?
is "$rc" 78 "config errors: exit 78"
is "$(printf '%s\n' "$err" | grep -c "^$H_DIR/bad.conf:[0-9]*: ")" 4 \
    "every error reported at once, as file:line"
like "$err" "bad.conf:2: autoreply_limit" "line 2 named"
like "$err" "bad.conf:5: password_file /nonexistent/secret" \
    "an unreadable password_file is named (its content never is)"

"$GUICHET" -c "$H_DIR/guichet.conf" init >/dev/null
GUICHET_CONFIG=$H_DIR/guichet.conf "$GUICHET" ticket list --json >/dev/null
is "$?" 0 "\$GUICHET_CONFIG names the config when -c is absent"
GUICHET_CONFIG=$H_DIR/bad.conf "$GUICHET" -c "$H_DIR/guichet.conf" \
    ticket list >/dev/null 2>&1
is "$?" 0 "-c wins over \$GUICHET_CONFIG"
"$GUICHET" -c "$H_DIR/missing.conf" ticket list >/dev/null 2>&1
is "$?" 78 "a missing config file: 78"

# Secrets: from a file or the environment, and never echoed.
echo "s3cr3t-imap" > "$H_DIR/secret"
printf '[desk]\ndatabase = %s/guichet.db\n[imap]\npassword_env = NO_SUCH_VAR_X\n' \
    "$H_DIR" > "$H_DIR/env.conf"
err=$("$GUICHET" -c "$H_DIR/env.conf" ticket list 2>&1)
like "$err" "environment variable NO_SUCH_VAR_X is not set" "password_env checked"
printf '[desk]\ndatabase = %s/guichet.db\nbogus = x\n[imap]\npassword_file = %s/secret\n' \
    "$H_DIR" "$H_DIR" > "$H_DIR/sec.conf"
err=$("$GUICHET" -c "$H_DIR/sec.conf" ticket list 2>&1)
if printf '%s' "$err" | grep -q "s3cr3t"; then not_ok "no secret in errors"
else ok "no secret in errors"; fi
tap_done
