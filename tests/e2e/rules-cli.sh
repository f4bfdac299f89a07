# SPDX-License-Identifier: ISC
# guichet rules check / rules test: the built binary on good and bad rule
# directories (exact diagnostics and exit codes) and on real .eml files
# (text and --json), the samples of contrib/rules.d and the examples of
# guichet-rules(5).
. "$GUICHET_SRCDIR/tests/lib/tap.sh"
SRC=$GUICHET_SRCDIR
BIN=${GUICHET_BIN:-guichet}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

T=$(mktemp -d "${TMPDIR:-/tmp}/guichet-rules.XXXXXX") || skip_all "no temp dir"
trap 'rm -rf "$T"' EXIT

conf() {	# conf RULES_DIR: a configuration using it
	cat > "$T/guichet.conf" <<EOT
[desk]
name = Test Desk
address = help@example.test
language = en
database = $T/guichet.db
attachments = $T/attachments
rules = $1
templates = $T/templates
EOT
}
G() { "$BIN" -c "$T/guichet.conf" "$@"; }
jq_() {	# jq_ EXPR: a python expression on the JSON on stdin (j)
	"$PY" -c "import json,sys; j=json.load(sys.stdin); print($1)"
}
mail() {	# mail FILE FROM SUBJECT BODY [HEADER]
	printf 'From: %s\nTo: help@example.test\nSubject: %s\nMessage-ID: <%s@example.test>\n%s\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n%s\n' \
	    "$2" "$3" "$(basename "$1")" "${5:-X-Test: 1}" "$4" > "$1"
}

mkdir -p "$T/templates/en"
cat > "$T/templates/en/self-help-password" <<'EOT'
Subject: [{{ticket.ref}}] Resetting your password

Hello {{requester.name}},

You can reset your password yourself at https://password.example.test/.
EOT

# --- rules check: the shipped samples --------------------------------------
conf "$SRC/contrib/rules.d"
out=$(G rules check 2>"$T/err"); rc=$?
is "$rc" 0 "rules check: contrib/rules.d is good (exit 0)"
is "$out" "$SRC/contrib/rules.d: 16 rules in 5 files, all good" \
    "rules check: one-line summary"
is "$(cat "$T/err")" "" "rules check: nothing on stderr"

# --- rules check: every bad file, exact diagnostics ------------------------
n=0
for f in "$SRC"/tests/data/rules/bad/*.rules; do
	name=$(basename "$f" .rules)
	d=$T/bad-$name; mkdir -p "$d"; cp "$f" "$d/"
	conf "$d"
	G rules check >"$T/out" 2>"$T/err"; rc=$?
	want=$(sed -e "s|^|$d/|" -e "s|already defined at |&$d/|" \
	    "$SRC/tests/data/rules/bad/$name.expected")
	if [ "$rc" = 78 ] && [ "$(cat "$T/err")" = "$want" ] &&
	    [ ! -s "$T/out" ]; then
		n=$((n + 1))
	else
		not_ok "rules check bad/$name: exit $rc"
		diff <(echo "$want") "$T/err" | sed 's/^/# /'
	fi
done
check "rules check: exit 78 and the exact diagnostics for all $n bad files" \
    [ "$n" -ge 15 ]

# Several files: name order, every error of every file.
d=$T/multi; mkdir -p "$d"
printf 'rule a\n  when subjet ~ /x/\n' > "$d/20-b"
printf 'rule b\n  set priority P9\n  tag ok\n  reply nope\n' > "$d/10-a"
printf 'broken' > "$d/.hidden"; printf 'broken' > "$d/10-a~"
conf "$d"
G rules check >/dev/null 2>"$T/err"; rc=$?
is "$rc" 78 "rules check: several bad files, exit 78"
is "$(cat "$T/err")" "$d/10-a:2:16: priority must be P1, P2, P3 or P4
$d/20-b:2:8: unknown field 'subjet': use from, to, cc, subject, body, sender-domain, attachment or header NAME
$d/10-a:4:9: template 'nope' not found: $T/templates/en/nope: No such file or directory" \
    "rules check: every error, files in name order, templates checked"

# A template that exists but does not pass the template check.
printf 'Subject: {{ticket.nope}}\n\nbody\n' > "$T/templates/en/broken"
printf 'rule a\n  reply broken\nrule b\n  reply broken\n' > "$T/tpl.rules"
d=$T/tpl; mkdir -p "$d"; mv "$T/tpl.rules" "$d/"
conf "$d"
G rules check >/dev/null 2>"$T/err"; rc=$?
is "$rc" 78 "rules check: a broken template, exit 78"
like "$(head -1 "$T/err")" "^$d/tpl.rules:2:9: template 'broken' has errors:$" \
    "rules check: the template's errors, under the first rule using it"
like "$(tail -1 "$T/err")" "^$d/tpl.rules:4:9: template 'broken' has errors \(above\)$" \
    "rules check: shown once"

conf "$T/nonexistent"
out=$(G rules check 2>&1); rc=$?
is "$rc" 0 "rules check: no rules directory is not an error (as for the daemon)"
like "$out" "no rules directory" "rules check: but it says so"

G rules check extra >/dev/null 2>&1; is "$?" 64 "rules check extra: usage, 64"
G rules >/dev/null 2>&1; is "$?" 64 "rules: usage, 64"

# --- the examples of the man page are accepted as written -------------------
d=$T/man; mkdir -p "$d"
awk '/^\.nf/ { on = 1; next } /^\.fi/ { on = 0; next }
    on && /^rule / { keep = 1 } on && keep { print } !on { keep = 0 }' \
    "$SRC/man/guichet-rules.5" |
    sed -e 's/\\e/\\/g' -e 's/\\-/-/g' > "$d/examples.rules"
conf "$d"
G rules check >"$T/out" 2>"$T/err"; rc=$?
is "$rc:$(cat "$T/err")" "0:" "guichet-rules(5): every example is accepted"
like "$(cat "$T/out")" ": 5 rules in 1 file, all good" \
    "guichet-rules(5): five example rules"

# --- rules test ------------------------------------------------------------
conf "$SRC/tests/data/rules/good"
mail "$T/vpn.eml" "Jeanne <jeanne@client.example>" "Le VPN est en panne" \
    "Bonjour, le VPN ne fonctionne plus depuis ce matin."
out=$(G rules test "$T/vpn.eml" 2>"$T/err"); rc=$?
is "$rc" 0 "rules test: exit 0"
like "$out" "^rule vpn-down \(.*/10-product.rules:3\): APPLIED$" \
    "rules test: the rule that applied"
like "$out" "    when subject ~ /\\\\bvpn\\\\b/i: matched, holds" \
    "rules test: each condition, matched and holding"
like "$out" '        \$1 "ne fonctionne plus"' "rules test: captured groups"
like "$out" "    -> set category network" "rules test: the actions"
like "$out" "^rule newsletters .*: not applied$" "rules test: rules that did not apply"
like "$out" "    when header List-Id ~ /./: not matched, fails" \
    "rules test: conditions that failed"
like "$out" "^  priority    P2 \(set by a rule\)$" "rules test: ticket priority"
like "$out" "^  candidate   vpn-down$" "rules test: major candidate"
like "$out" "^  category    network$" "rules test: ticket category"

mail "$T/pw.eml" "bob@example.test" "Mot de passe oublié" "Help"
out=$(G rules test "$T/pw.eml")
like "$out" "^rule server-alert .*: not evaluated, stopped by password-reset$" \
    "rules test: rules after stop are not evaluated"
like "$out" "^  reply       self-help-password$" "rules test: reply template"
like "$out" "^  type        request$" "rules test: type"

mail "$T/alert.eml" "Nagios <nagios@monitoring.example.org>" \
    "ALERT web-01 down" "CRITICAL"
json=$(G rules test "$T/alert.eml" --json); rc=$?
is "$rc" 0 "rules test --json: exit 0"
is "$(printf '%s' "$json" | jq_ 'j["ticket"]["tags"], j["ticket"]["priority"], j["ticket"]["impact"], j["ticket"]["category"]')" \
"['host-web-01', 'seen'] P1 high infrastructure" "rules test --json: ticket fields, priority from impact x urgency"
is "$(printf '%s' "$json" | jq_ '[r["name"] for r in j["rules"] if r["matched"]]')" \
    "['server-alert', 'every-message']" "rules test --json: which rules matched"
is "$(printf '%s' "$json" | jq_ '[(g["name"], g["value"]) for r in j["rules"] if r["name"] == "server-alert" for c in r["conditions"] for g in c["groups"]]')" \
    "[('host', 'web-01')]" "rules test --json: named captures"
is "$(printf '%s' "$json" | jq_ '[c["value"] for r in j["rules"] if r["name"] == "server-alert" for c in r["conditions"]]')" \
    "['nagios@monitoring.example.org', 'ALERT web-01 down']" \
    "rules test --json: the values that matched"
is "$(printf '%s' "$json" | jq_ 'len(j["rules"]), j["ticket"]["drop"], j["ticket"]["priority_set"]')" \
    "18 False False" "rules test --json: every rule listed"

mail "$T/news.eml" "news@lists.example" "Newsletter" "News" \
    "List-Id: <news.lists.example>"
is "$(G rules test --json "$T/news.eml" | jq_ 'j["ticket"]["drop"], j["ticket"]["matched"]')" \
    "True ['newsletters', 'every-message']" "rules test --json: drop"

# The ReDoS guard through the command line.
d=$T/redos; mkdir -p "$d"
printf 'rule evil\n  when body ~ /(a+)+$/\n  tag evil\n' > "$d/r"
conf "$d"
{ printf 'From: a@b.example\nSubject: s\n\n'; head -c 100000 /dev/zero |
    tr '\0' a; printf 'b\n'; } > "$T/evil.eml"
out=$(timeout 20 "$BIN" -c "$T/guichet.conf" rules test "$T/evil.eml" 2>"$T/err"); rc=$?
is "$rc" 0 "rules test: /(a+)+\$/ on 100 KB returns"
like "$out" "when body ~ /\(a\+\)\+\\$/: limit hit, fails" \
    "rules test: the condition is shown as a limit hit"
like "$(cat "$T/err")" "rule evil: /\(a\+\)\+\\$/ on body stopped \(match limit exceeded\)" \
    "rules test: a warning names the rule"

# Exit codes.
G rules test "$T/does-not-exist.eml" >/dev/null 2>&1
is "$?" 66 "rules test: unreadable file, exit 66"
: > "$T/empty.eml"
G rules test "$T/empty.eml" >/dev/null 2>&1; is "$?" 65 "rules test: not mail, exit 65"
G rules test >/dev/null 2>&1; is "$?" 64 "rules test without a file: 64"
G rules test a b >/dev/null 2>&1; is "$?" 64 "rules test with two files: 64"
conf "$T/bad-bad-regex"
G rules test "$T/vpn.eml" >/dev/null 2>"$T/err"; rc=$?
is "$rc" 78 "rules test with broken rules: exit 78"
like "$(cat "$T/err")" "bad-regex.rules:2:32: bad pattern" \
    "rules test with broken rules: the errors"
tap_done
