/* SPDX-License-Identifier: ISC */
/*
 * test-rules.c - evaluation: every field and action, negation, flags,
 * captures, stop, drop, later rules overriding earlier ones, and the
 * ReDoS guard.  Each case is rules + a message -> what the rules set.
 */
#include "config.h"

#include <stdint.h>

#include "re.h"
#include "t.h"
#include "rules-util.h"

/* PRODUCT.md part 4, as written there. */
#define PRODUCT_RULES							\
	"rule vpn-down\n"						\
	"    when subject ~ /\\bvpn\\b/i\n"				\
	"    when body ~ /(down|unreachable|ne fonctionne plus)/i\n"	\
	"    set category network\n"					\
	"    set priority P2\n"						\
	"    major-candidate\n"						\
	"\n"								\
	"rule newsletters\n"						\
	"    when header List-Id ~ /./\n"				\
	"    drop\n"							\
	"\n"								\
	"rule password-reset\n"						\
	"    when subject ~ /(mot de passe|password).*(oubli|reset|expir)/i\n" \
	"    set type request\n"					\
	"    set category access\n"					\
	"    set queue identity\n"					\
	"    reply self-help-password\n"				\
	"    stop\n"							\
	"\n"								\
	"rule server-alert\n"						\
	"    when from ~ /@monitoring\\.example\\.org$/\n"		\
	"    when subject ~ /^ALERT (?<host>[a-z0-9-]+) down/\n"	\
	"    set category infrastructure\n"				\
	"    set impact high\n"						\
	"    set urgency high\n"					\
	"    tag host-${host}\n"

#define FIELD_RULES							\
	"rule f-from-bare\n  when from ~ /^alice@example\\.org$/\n"	\
	"  tag from-bare\n"						\
	"rule f-from-name\n  when from ~ /^Alice Martin </\n"		\
	"  tag from-name\n"						\
	"rule f-to\n  when to ~ /^support@/\n  tag to\n"		\
	"rule f-not-to\n  when to !~ /@partner\\.com$/\n"		\
	"  tag not-partner\n"						\
	"rule f-cc\n  when cc ~ /^Boss/\n  tag cc\n"			\
	"rule f-domain\n  when sender-domain ~ /^example\\.org$/\n"	\
	"  tag domain\n"						\
	"rule f-attach\n  when attachment ~ /\\.log$/i\n  tag log\n"	\
	"rule f-no-attach\n  when attachment !~ /./\n"			\
	"  tag no-attachment\n"						\
	"rule f-header\n  when header x-priority ~ /^1/\n"		\
	"  tag urgent\n"						\
	"rule f-no-header\n  when header Auto-Submitted !~ /./\n"	\
	"  tag human\n"							\
	"rule f-body-m\n  when body ~ /^code: (?<c>\\d+)$/m\n"		\
	"  tag code-${c}\n"						\
	"rule f-body-s\n  when body ~ /begin.end/s\n  tag dotall\n"	\
	"rule f-body-x\n  when body ~ / begin \\s+ (?# a comment) /x\n"	\
	"  tag extended\n"

#define ORDER_RULES							\
	"rule first\n  when subject ~ /x/\n  set category one\n"	\
	"  set queue q1\n  tag a\n  tag shared\n  reply tpl-one\n"	\
	"rule second\n  when subject ~ /x/\n  set category two\n"	\
	"  tag b\n  tag shared\n  reply tpl-two\n"			\
	"rule dropper\n  when subject ~ /drop/\n  drop\n"		\
	"rule stopper\n  when subject ~ /stop/\n  tag stopping\n"	\
	"  stop\n  tag after-stop\n"					\
	"rule last\n  tag last\n"

#define CAPTURE_RULES							\
	"rule org\n  when subject ~ /^\\[(?<org>[^\\]]+)\\]/\n"		\
	"  when from ~ /@(?<dom>[a-z.]+)$/\n"				\
	"  set client \"${org} (${dom})\"\n  tag org-${org}\n"		\
	"rule sev\n  when subject ~ /sev=(?<p>\\w+) imp=(?<i>\\w+)/\n"	\
	"  set priority ${p}\n  set impact ${i}\n"			\
	"  set category \"${p}\"\n"					\
	"rule lang\n"							\
	"  when header Accept-Language ~ "				\
	"/^(?<l>[a-zA-Z]{2}(-[a-zA-Z]{2})?)/\n"				\
	"  set language ${l}\n"						\
	"rule alt\n  when subject ~ /(?<a>alpha)|(?<b>beta)/\n"		\
	"  tag x${a}\n  tag y${b}\n"					\
	"rule ctl\n  when body ~ /^Site: (?<s>.*)$/ms\n"		\
	"  set category \"site ${s}\"\n"

static const struct {
	const char	*what;
	const char	*rules;
	struct tmsg	 msg;
	const char	*want;
} cases[] = {
	{ "vpn down: candidate, P2", PRODUCT_RULES,
	  { .from = "Bob <bob@example.org>", .subject = "VPN",
	    .body = "Le VPN ne fonctionne plus depuis ce matin" },
	  "category=network priority=P2 candidate=vpn-down matched=vpn-down" },
	{ "vpn but nothing wrong", PRODUCT_RULES,
	  { .subject = "VPN access for a new hire", .body = "Please." },
	  "" },
	{ "password reset in French", PRODUCT_RULES,
	  { .subject = "Mot de passe oublié", .body = "Help" },
	  "type=request category=access queue=identity "
	  "reply=self-help-password stop=password-reset "
	  "matched=password-reset" },
	{ "password reset in English", PRODUCT_RULES,
	  { .subject = "password expired", .body = "" },
	  "type=request category=access queue=identity "
	  "reply=self-help-password stop=password-reset "
	  "matched=password-reset" },
	{ "newsletter dropped", PRODUCT_RULES,
	  { .subject = "News", .headers = "List-Id: <news.example.com>\n" },
	  "drop matched=newsletters" },
	{ "monitoring alert: capture into a tag", PRODUCT_RULES,
	  { .from = "Nagios <nagios@monitoring.example.org>",
	    .subject = "ALERT web-01 down" },
	  "category=infrastructure impact=high urgency=high tags=host-web-01 "
	  "matched=server-alert" },
	{ "alert from elsewhere", PRODUCT_RULES,
	  { .from = "x@evil.example", .subject = "ALERT web-01 down" },
	  "" },
	{ "stop ends the walk", PRODUCT_RULES,
	  { .from = "nagios@monitoring.example.org",
	    .subject = "ALERT vpn down: password reset",
	    .body = "vpn unreachable" },
	  "type=request category=access priority=P2 queue=identity "
	  "candidate=vpn-down reply=self-help-password stop=password-reset "
	  "matched=vpn-down,password-reset" },
	{ "every field", FIELD_RULES,
	  { .from = "Alice Martin <alice@example.org>",
	    .to = "Help <help@example.org>, support@example.org",
	    .cc = "Boss <boss@example.org>",
	    .headers = "X-Priority: 1 (Highest)\n",
	    .attachments = "photo.png, debug.LOG",
	    .body = "hello\ncode: 42\nbegin\nend begin  \n" },
	  "tags=from-bare,from-name,to,not-partner,cc,domain,log,urgent,human,"
	  "code-42,dotall,extended matched=f-from-bare,f-from-name,f-to,"
	  "f-not-to,f-cc,f-domain,f-attach,f-header,f-no-header,f-body-m,"
	  "f-body-s,f-body-x" },
	{ "every field, negated side", FIELD_RULES,
	  { .from = "alice@example.org",
	    .to = "a@partner.com, help@example.org",
	    .headers = "auto-submitted: auto-replied\n",
	    .body = "beginning end\ncode: x" },
	  "tags=from-bare,domain,no-attachment matched=f-from-bare,f-domain,"
	  "f-no-attach" },
	{ "later rules override, tags accumulate", ORDER_RULES,
	  { .subject = "x" },
	  "category=two queue=q1 tags=a,shared,b,last reply=tpl-two "
	  "matched=first,second,last" },
	{ "drop does not stop", ORDER_RULES,
	  { .subject = "drop" },
	  "tags=last drop matched=dropper,last" },
	{ "stop after the actions of its rule", ORDER_RULES,
	  { .subject = "x stop" },
	  "category=two queue=q1 tags=a,shared,b,stopping,after-stop "
	  "reply=tpl-two stop=stopper matched=first,second,stopper" },
	{ "captures into set and tag", CAPTURE_RULES,
	  { .from = "a@acme.fr", .subject = "[Acme Corp] printer" },
	  "client=Acme Corp (acme.fr) tags=org-Acme-Corp matched=org" },
	{ "captured values are normalised", CAPTURE_RULES,
	  { .subject = "sev=p1 imp=HIGH" },
	  "category=p1 priority=P1 impact=high matched=sev" },
	{ "illegal captured values are ignored", CAPTURE_RULES,
	  { .subject = "sev=P9 imp=huge" },
	  "category=P9 matched=sev" },
	{ "captured language", CAPTURE_RULES,
	  { .headers = "Accept-Language: FR-ca, en\n" },
	  "language=fr-ca matched=lang" },
	{ "unset group expands to nothing", CAPTURE_RULES,
	  { .subject = "beta" },
	  "tags=x,ybeta matched=alt" },
	{ "control characters cleaned", CAPTURE_RULES,
	  { .body = "Site: Lyon\t\r\n  Part-Dieu\x7f \n" },
	  "category=site Lyon Part-Dieu matched=ctl" },
	{ "tag from Unicode capture", CAPTURE_RULES,
	  { .from = "a@b.fr", .subject = "[Été / Hiver] x" },
	  "client=Été / Hiver (b.fr) tags=org-t-Hiver matched=org" },
};

static void
test_cases(void)
{
	struct rules		*rs;
	struct message		*msg;
	struct rules_outcome	 o;
	char			*got;
	size_t			 i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		if (!T_OK((rs = tr_load(cases[i].rules)) != NULL, "rules load"))
			continue;
		msg = tm_build(&cases[i].msg);
		rules_eval(rs, msg, &o, NULL);
		got = tr_format(&o);
		T_STR(got, cases[i].want, cases[i].what);
		free(got);
		rules_outcome_free(&o);
		tm_free(msg);
		rules_free(rs);
	}
}

/* /(a+)+$/ on 100 KB of "aaa...b": the condition does not hold, with ~
 * and with !~, the rule does not apply, later rules still run. */
static void
test_redos(void)
{
	struct rules		*rs;
	struct message		*msg;
	struct rules_outcome	 o;
	struct tmsg		 t = { .subject = "s" };
	char			*body, *got;
	size_t			 len = 100 * 1024;

	body = xmalloc(len + 1);
	memset(body, 'a', len - 1);
	body[len - 1] = 'b';
	body[len] = '\0';
	t.body = body;
	rs = tr_load("rule evil\n  when body ~ /(a+)+$/\n  tag evil\n"
	    "rule evil-not\n  when body !~ /(a+)+$/\n  tag evil-not\n"
	    "rule after\n  when subject ~ /s/\n  tag after\n");
	msg = tm_build(&t);
	rules_eval(rs, msg, &o, NULL);
	got = tr_format(&o);
	T_STR(got, "tags=after matched=after limits=2",
	    "a pattern that hits the limit is no match");
	free(got);
	rules_outcome_free(&o);
	tm_free(msg);
	rules_free(rs);
	free(body);
}

static void
test_no_short_circuit_in_trace(void)
{
	struct rules		*rs;
	struct message		*msg;
	struct rules_outcome	 o, o2;
	struct rules_trace	 tr;
	struct tmsg		 t = { .subject = "ALERT db-2 down",
	    .from = "Nagios <n@elsewhere.org>" };
	struct rules_trace_cond	*c;
	char			*a, *b;

	rs = tr_load(PRODUCT_RULES);
	msg = tm_build(&t);
	rules_eval(rs, msg, &o, NULL);
	rules_eval(rs, msg, &o2, &tr);
	a = tr_format(&o);
	b = tr_format(&o2);
	T_STR(b, a, "a trace does not change the outcome");
	T_INT(tr.nrules, 4, "every rule traced");
	T_STR(tr.rules[3].name, "server-alert", "rule name");
	T_INT(tr.rules[3].evaluated, 1, "evaluated");
	T_INT(tr.rules[3].matched, 0, "not matched");
	c = tr.rules[3].conds;
	T_STR(c[0].field, "from", "field");
	T_INT(c[0].holds, 0, "from does not hold");
	T_INT(c[0].result, RE_NOMATCH, "from: no match");
	T_INT(c[1].holds, 1, "subject still tested, and holds");
	T_STR(c[1].value, "ALERT db-2 down", "value that matched");
	T_INT(c[1].ngroups, 1, "one group");
	T_STR(c[1].groups[0].name, "host", "group name");
	T_STR(c[1].groups[0].value, "db-2", "group value");
	T_STR(tr.rules[1].conds[0].field, "header List-Id", "header field");
	T_STR(tr.rules[0].conds[0].pattern, "\\bvpn\\b", "pattern");
	T_STR(tr.rules[0].conds[0].flags, "i", "flags");
	free(a);
	free(b);
	rules_trace_free(&tr);
	rules_outcome_free(&o);
	rules_outcome_free(&o2);
	tm_free(msg);
	rules_free(rs);
}

static void
test_trace_actions(void)
{
	struct rules		*rs;
	struct message		*msg;
	struct rules_outcome	 o;
	struct rules_trace	 tr;
	struct tmsg		 t = { .subject = "x stop sev=P7 imp=low" };
	struct rules_trace_rule	*r;

	rs = tr_load(ORDER_RULES CAPTURE_RULES);
	msg = tm_build(&t);
	rules_eval(rs, msg, &o, &tr);
	r = &tr.rules[3];
	T_STR(r->name, "stopper", "the stopping rule");
	T_INT(r->nactions, 3, "its actions");
	T_STR(r->actions[0].text, "tag stopping", "action text");
	T_STR(r->actions[1].text, "stop", "stop");
	T_STR(r->actions[2].text, "tag after-stop", "after stop, same rule");
	T_INT(tr.rules[4].evaluated, 0, "next rule not evaluated");
	T_INT(tr.rules[6].evaluated, 0, "nor the ones after");
	T_INT(tr.rules[6].nconds, 1, "its conditions are still listed");
	rules_trace_free(&tr);
	rules_outcome_free(&o);
	rules_free(rs);
	rs = tr_load(CAPTURE_RULES);
	rules_eval(rs, msg, &o, &tr);
	r = &tr.rules[1];
	T_STR(r->actions[0].text, "set priority P7", "expanded");
	T_STR(r->actions[0].ignored, "priority must be P1, P2, P3 or P4",
	    "why it was ignored");
	T_STR(r->actions[1].ignored, NULL, "impact applied");
	T_STR(o.impact, "low", "impact low");
	T_STR(o.priority, NULL, "no priority");
	rules_trace_free(&tr);
	rules_outcome_free(&o);
	tm_free(msg);
	rules_free(rs);
}

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static unsigned int
rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

static char *
random_text(int nwords)
{
	static const char *words[] = { "VPN", "vpn", "down", "DOWN",
	    "unreachable", "ne", "fonctionne", "plus", "mot", "de", "passe",
	    "oublié", "password", "reset", "expired", "ALERT", "web-01",
	    "RECOVERY", "up", "wifi", "Wi-Fi", "sans-fil", "disque", "plein",
	    "backup", "échec", "compte", "bloqué", "nouvel", "arrivant",
	    "MFA", "maintenance", "travaux", "internet", "réseau", "en",
	    "panne", "le", "la", "est", "the", "is", "printer", "site-123",
	    "\xc5\xbf", "\xe2\x84\xaa", "ſécurité", "Kelvin", "s", "k",
	    "-", ".", "\n", "error:", "42", "begin", "end", "[Acme]" };
	struct buf	b;
	int		i;

	buf_init(&b);
	buf_adds(&b, "");
	for (i = 0; i < nwords; i++) {
		buf_adds(&b, words[rnd(ARRAY_LEN(words))]);
		buf_addc(&b, rnd(5) == 0 ? '\n' : ' ');
	}
	return buf_steal(&b);
}

/* The rules with the prefilter and without say the same of msg; a
 * difference is printed (the first three) and counted in *differ.
 * Returns how many rules applied. */
static int
same_outcome(const struct rules *with, const struct rules *without,
    const struct message *msg, const char *subject, int *differ)
{
	struct rules_outcome	 o1, o2;
	char			*a, *b;
	int			 applied;

	applied = rules_eval(with, msg, &o1, NULL);
	rules_eval(without, msg, &o2, NULL);
	a = tr_format(&o1);
	b = tr_format(&o2);
	if (strcmp(a, b) != 0 && (*differ)++ < 3)
		printf("# %s\n# %s\n# %s\n", subject, a, b);
	free(a);
	free(b);
	rules_outcome_free(&o1);
	rules_outcome_free(&o2);
	return applied;
}

/* Whatever the message, the prefilter never changes what the rules say:
 * the shipped samples and the good corpus with it and without. */
static void
test_prefilter_same(void)
{
	const char		*srcdir = getenv("GUICHET_SRCDIR");
	const char		*dirs[] = { "contrib/rules.d",
	    "tests/data/rules/good" };
	struct rules		*with[2], *without[2];
	struct message		*msg;
	struct tmsg		 t;
	static const char	*froms[] = {
	    "Nagios <nagios@monitoring.example.org>", "alice@client-a.fr",
	    "Alice Martin <alice@example.org>", "ops@noc.partner.net",
	    "support@example.org", "Boss <boss@example.org>", "x@y" };
	static const char	*headers[] = { NULL, "List-Id: <l.example>\n",
	    "Precedence: bulk\n", "X-Priority: 1 (Highest)\n",
	    "Auto-Submitted: auto-replied\nX-Priority: 1\n",
	    "List-Unsubscribe: <mailto:u@l>\n" };
	char			*path, *errors, *subject, *body;
	int			 i, d, differ = 0, applied = 0, ok = 1;

	if (srcdir == NULL)
		srcdir = ".";
	memset(&t, 0, sizeof t);
	for (d = 0; d < 2; d++) {
		path = xasprintf("%s/%s", srcdir, dirs[d]);
		errors = NULL;
		re_set_prefilter(1);
		ok &= rules_load(path, NULL, &with[d], &errors) == 0;
		free(errors);
		errors = NULL;
		re_set_prefilter(0);
		ok &= rules_load(path, NULL, &without[d], &errors) == 0;
		free(errors);
		free(path);
	}
	re_set_prefilter(1);
	if (!T_OK(ok, "sample rules load"))
		return;
	for (i = 0; i < 3000; i++) {
		subject = random_text(1 + (int)rnd(6));
		body = random_text((int)rnd(60));
		t.subject = subject;
		t.body = body;
		t.from = froms[rnd(ARRAY_LEN(froms))];
		t.to = froms[rnd(ARRAY_LEN(froms))];
		t.headers = headers[rnd(ARRAY_LEN(headers))];
		t.attachments = rnd(2) ? "debug.log, photo.png" : NULL;
		msg = tm_build(&t);
		for (d = 0; d < 2; d++) {
			applied += same_outcome(with[d], without[d], msg,
			    subject, &differ);
		}
		tm_free(msg);
		free(subject);
		free(body);
	}
	T_INT(differ, 0, "the prefilter never changes an outcome");
	T_OK(applied > 3000, "and rules did apply");
	for (d = 0; d < 2; d++) {
		rules_free(with[d]);
		rules_free(without[d]);
	}
}

/* What the generated rules and messages below are made of. */
static const char *gen_terms[] = { "vpn", "wifi", "printer", "imprimante",
    "écran", "toner", "down", "lent", "sap", "dns", "proxy", "badge",
    "kelvin", "ssl", "token", "mot de passe" };

/* The same term as mail may write it: other case, U+017F for s, U+212A
 * for k. */
static void
gen_variant(struct buf *b, const char *t)
{
	unsigned int	r = rnd(6);

	for (; *t != '\0'; t++) {
		if (r == 0 && *t == 's')
			buf_adds(b, "\xc5\xbf");
		else if (r == 1 && *t == 'k')
			buf_adds(b, "\xe2\x84\xaa");
		else if (r == 2 && *t >= 'a' && *t <= 'z')
			buf_addc(b, (char)(*t - 'a' + 'A'));
		else
			buf_addc(b, *t);
	}
}

#define GT()	gen_terms[rnd(ARRAY_LEN(gen_terms))]

static char *
gen_rules_text(int n)
{
	struct buf	b;
	int		i;

	buf_init(&b);
	for (i = 0; i < n; i++) {
		buf_printf(&b, "rule g%d\n", i);
		switch (rnd(11)) {
		case 0:
			buf_printf(&b, "  when subject ~ /\\b%s\\b/i\n", GT());
			break;
		case 1:
			buf_printf(&b, "  when subject ~ /(%s|%s|%s)/i\n"
			    "  when body ~ /\\b%s\\b/i\n", GT(), GT(), GT(),
			    GT());
			break;
		case 2:
			buf_printf(&b, "  when body ~ /\\b%s (%s|%s)\\b/i\n",
			    GT(), GT(), GT());
			break;
		case 3:
			buf_printf(&b, "  when from ~ /@(%s|%s)\\.example\\."
			    "(fr|com)$/\n  when subject ~ /%s/i\n", GT(), GT(),
			    GT());
			break;
		case 4:
			buf_printf(&b, "  when header X-Mailer ~ /^%s-%d/\n",
			    GT(), i % 4);
			break;
		case 5:
			buf_printf(&b, "  when sender-domain ~ /^%s\\./\n",
			    GT());
			break;
		case 6:
			buf_printf(&b, "  when subject !~ /^(re|tr):/i\n"
			    "  when body ~ /(?<site>%s)-\\d{3}/\n"
			    "  tag site-${site}\n", GT());
			break;
		case 7:
			buf_printf(&b, "  when body !~ /%s %s/i\n"
			    "  when subject ~ /%s/\n", GT(), GT(), GT());
			break;
		case 8:
			buf_printf(&b, "  when to ~ /^%s@/\n", GT());
			break;
		case 9:
			buf_printf(&b, "  when body ~ /%s.*%s/is\n", GT(), GT());
			break;
		default:
			buf_printf(&b, "  when subject ~ /%s/\n"
			    "  when body ~ /\\b%s\\b/i\n", GT(), GT());
			if (rnd(8) == 0)
				buf_adds(&b, "  stop\n");
			break;
		}
		buf_printf(&b, "  set category c%d\n  tag t%d\n", i % 7, i);
	}
	return buf_steal(&b);
}

/* Words, one in four a term; some of them glued to "-123" for the
 * captures. */
static char *
gen_words(int n)
{
	static const char *filler[] = { "the", "le", "est", "a", "is", "and",
	    "de", "pas", "sur", "réseau", "re:", "Tr:" };
	struct buf	b;
	int		i;

	buf_init(&b);
	buf_adds(&b, "");
	for (i = 0; i < n; i++) {
		if (rnd(4) == 0)
			gen_variant(&b, GT());
		else
			buf_adds(&b, filler[rnd(ARRAY_LEN(filler))]);
		if (rnd(10) == 0)
			buf_printf(&b, "-%03u", rnd(1000));
		buf_addc(&b, rnd(8) == 0 ? '\n' : ' ');
	}
	return buf_steal(&b);
}

/*
 * Hundreds of rules of the kinds a desk writes, on every field, against
 * messages made of their words, some bodies long enough to be scanned in
 * parts: the prefilter never changes an outcome.
 */
static void
test_prefilter_many(void)
{
	struct rules		*with, *without;
	struct message		*msg;
	struct tmsg		 t;
	struct buf		 from, to, hdr;
	char			*text, *subject, *body;
	int			 i, differ = 0, applied = 0;

	text = gen_rules_text(300);
	re_set_prefilter(1);
	with = tr_load(text);
	re_set_prefilter(0);
	without = tr_load(text);
	re_set_prefilter(1);
	free(text);
	if (!T_OK(with != NULL && without != NULL, "generated rules load"))
		return;
	buf_init(&from);
	buf_init(&to);
	buf_init(&hdr);
	memset(&t, 0, sizeof t);
	for (i = 0; i < 1500; i++) {
		subject = gen_words(1 + (int)rnd(6));
		body = gen_words(rnd(3) == 0 ? 100 + (int)rnd(300) :
		    (int)rnd(40));
		from.len = to.len = hdr.len = 0;
		buf_printf(&from, "User <u%u@%s.example.%s>", rnd(10),
		    GT(), rnd(2) ? "fr" : "com");
		buf_printf(&to, "%s@example.org, help@example.org", GT());
		buf_printf(&hdr, "X-Mailer: %s-%u\n", GT(), rnd(4));
		t.subject = subject;
		t.body = body;
		t.from = from.data;
		t.to = to.data;
		t.headers = rnd(2) ? hdr.data : NULL;
		msg = tm_build(&t);
		applied += same_outcome(with, without, msg, subject, &differ);
		tm_free(msg);
		free(subject);
		free(body);
	}
	T_INT(differ, 0, "the prefilter never changes an outcome (300 "
	    "generated rules)");
	T_OK(applied > 1500, "and rules did apply");
	printf("# %d rules applied\n", applied);
	buf_free(&from);
	buf_free(&to);
	buf_free(&hdr);
	rules_free(with);
	rules_free(without);
}

int
main(void)
{
	test_cases();
	test_redos();
	test_no_short_circuit_in_trace();
	test_trace_actions();
	test_prefilter_same();
	test_prefilter_many();
	return t_done();
}
