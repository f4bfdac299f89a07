/* SPDX-License-Identifier: ISC */
/*
 * bench-rules.c - how many messages per second one core classifies.
 *
 * Generates 1,000 rules of the kind admins write (words and alternations
 * on subject, body, from, headers, sender domain; most of them never
 * match) and messages of about 10 KB, parses the messages once, then times
 * rules_eval() alone: with PCRE2 JIT, with JIT but without the prefilter of
 * re-lit.c, and with the interpreter.  Time is the CPU time of the thread.
 *
 *   bench-rules [-Dj] [-n MESSAGES] [-r RULES] [-d RULES_DIR] [-s SECONDS]
 *
 * -d times the rules of a directory (the shipped samples, say) instead of
 * generated ones; -D makes dense messages (see gen_message()); -j times the
 * first mode only.  Deterministic: the same
 * seed gives the same corpus.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guichet.h"
#include "mime.h"
#include "re.h"
#include "rules.h"

static uint64_t seed = 0x9e3779b97f4a7c15ULL;

static unsigned int
rnd(unsigned int n)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (unsigned int)(seed % n);
}

/* What rules look for: service desk words, French and English. */
static const char *terms[] = {
	"imprimante", "printer", "toner", "scanner", "vpn", "wifi", "outlook",
	"teams", "sharepoint", "onedrive", "excel", "powerpoint", "licence",
	"license", "badge", "parking", "écran", "screen", "clavier",
	"keyboard", "souris", "mouse", "laptop", "docking", "casque",
	"headset", "webcam", "sap", "erp", "crm", "salesforce", "jira",
	"confluence", "gitlab", "jenkins", "docker", "kubernetes", "oracle",
	"postgres", "mysql", "backup", "sauvegarde", "restauration",
	"antivirus", "phishing", "hameçonnage", "malware", "ransomware",
	"firewall", "pare-feu", "proxy", "dns", "dhcp", "ldap", "kerberos",
	"certificat", "certificate", "expiré", "expired", "quota", "mailbox",
	"agenda", "calendar", "réunion", "projecteur", "projector",
	"téléphone", "smartphone", "iphone", "android", "tablette", "citrix",
	"vdi", "rdp", "windows", "linux", "macos", "bitlocker", "yubikey",
	"token", "sso", "okta", "azure", "intune", "compliance", "gpo",
	"registry", "driver", "pilote", "bios", "firmware", "raid", "nas",
	"san", "switch", "routeur", "router", "câble", "prise", "onduleur",
	"ups", "climatisation", "datacenter", "baie", "rack", "serveur",
	"server", "cluster", "noeud", "node", "latence", "latency", "paquets",
	"timeout", "erreur", "error", "crash", "plantage", "gel", "freeze",
	"lent", "slow", "bloqué", "stuck", "accès", "access", "droits",
	"permissions", "partage", "share", "lecteur", "drive",
};

/* What mail is mostly made of. */
static const char *words[] = {
	"the", "a", "to", "and", "of", "is", "in", "it", "that", "for", "on",
	"with", "as", "this", "we", "you", "have", "be", "not", "are", "but",
	"can", "please", "thanks", "hello", "regards", "morning", "today",
	"yesterday", "since", "again", "still", "when", "after", "before",
	"could", "would", "help", "issue", "problem", "working", "work",
	"office", "team", "colleague", "meeting", "client", "project", "file",
	"le", "la", "les", "de", "des", "du", "un", "une", "et", "est", "en",
	"que", "qui", "pour", "pas", "sur", "avec", "dans", "nous", "vous",
	"merci", "bonjour", "cordialement", "depuis", "encore", "toujours",
	"quand", "après", "avant", "pourriez", "aide", "problème", "travail",
	"bureau", "équipe", "collègue", "dossier", "fichier", "projet",
	"ordinateur", "computer", "message", "mail", "courriel",
};

/* In the dense corpus, desk words are also everyday words. */
static const char *desk_words[] = {
	"vpn", "printer", "imprimante", "écran", "password", "mot", "passe",
};

static int dense;

static const char *
pick(const char **v, size_t n)
{
	return v[rnd((unsigned int)n)];
}

#define TERM()	pick(terms, ARRAY_LEN(terms))
#define WORD()	pick(words, ARRAY_LEN(words))

/* One rule; the mixture below is what rule sets of real desks look like:
 * mostly subject words, some body words, a few senders and headers. */
static void
gen_rule(FILE *f, int i)
{
	unsigned int	kind = rnd(100);

	fprintf(f, "rule r%d\n", i);
	if (kind < 35)
		fprintf(f, "  when subject ~ /\\b%s\\b/i\n", TERM());
	else if (kind < 55)
		fprintf(f, "  when subject ~ /(%s|%s|%s)/i\n"
		    "  when body ~ /\\b%s\\b/i\n", TERM(), TERM(), TERM(),
		    TERM());
	else if (kind < 70)
		fprintf(f, "  when body ~ /\\b%s (%s|%s)\\b/i\n", TERM(),
		    TERM(), TERM());
	else if (kind < 80)
		fprintf(f, "  when from ~ /@(%s|%s)\\.example\\.(fr|com)$/\n"
		    "  when subject ~ /%s/i\n", TERM(), TERM(), TERM());
	else if (kind < 90)
		fprintf(f, "  when header X-Mailer ~ /^%s-%d/\n", TERM(), i);
	else if (kind < 95)
		fprintf(f, "  when sender-domain ~ /^client%d\\.(fr|com)$/\n"
		    "  set client client%d\n", i, i);
	else
		fprintf(f, "  when subject !~ /^(re|tr|fwd?):/i\n"
		    "  when body ~ /(?<site>%s)-\\d{3}/\n  tag site-${site}\n",
		    TERM());
	fprintf(f, "  set category c%d\n  tag t%d\n", i % 40, i);
}

static char *
gen_rules(int n)
{
	char	*dir, *path;
	FILE	*f;
	int	 i;

	dir = xstrdup("/tmp/bench-rules-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	path = xasprintf("%s/rules", dir);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	for (i = 0; i < n; i++)
		gen_rule(f, i);
	fclose(f);
	free(path);
	return dir;
}

/*
 * A plain-text message of about 10 KB with a realistic header block.  Mail
 * is about one or two things: the body says its two topic words now and
 * then (1.6% of the words), other desk words rarely (0.3%), and everyday
 * words otherwise.  With -D (dense), every message holds desk words
 * everywhere (9.5% of the words), the worst case for the prefilter.
 */
static char *
gen_message(size_t *len)
{
	struct buf	 b;
	const char	*topic[2], *w;
	unsigned int	 r;
	int		 i, col = 0;

	buf_init(&b);
	for (i = 0; i < 6; i++)
		buf_printf(&b, "Received: from mx%d.example.net (mx%d "
		    "[192.0.2.%d]) by mx.example.org with ESMTPS id %08x\r\n",
		    i, i, i + 1, rnd(1u << 31));
	buf_printf(&b, "From: User %u <user%u@%s.example.fr>\r\n"
	    "To: help@example.org\r\nSubject: %s %s %s %s %s\r\n"
	    "Message-ID: <%08x@example.fr>\r\n"
	    "Date: Mon, 2 Jan 2023 10:00:00 +0100\r\nX-Mailer: Mail %u\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n", rnd(1000), rnd(1000),
	    WORD(), WORD(), WORD(), TERM(), WORD(), WORD(), rnd(1u << 31),
	    rnd(10));
	topic[0] = TERM();
	topic[1] = TERM();
	while (b.len < 10 * 1024) {
		r = rnd(1000);
		if (dense)
			w = r < 25 ? TERM() : r < 95 ?
			    pick(desk_words, ARRAY_LEN(desk_words)) : WORD();
		else
			w = r < 16 ? topic[r % 2] : r < 19 ? TERM() : WORD();
		buf_adds(&b, w);
		if (++col == 12) {
			buf_adds(&b, "\r\n");
			col = 0;
		} else
			buf_addc(&b, ' ');
	}
	buf_adds(&b, "\r\n");
	*len = b.len;
	return buf_steal(&b);
}

/* CPU time of this thread: the figure is per core, and other work on a
 * shared machine should not count against it. */
static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Evaluates the messages round after round for at least secs seconds;
 * returns messages per second and the mean number of rules applied. */
static double
run(const struct rules *rs, struct message **msgs, int n, double secs,
    double *applied)
{
	struct rules_outcome	o;
	double			t0 = now(), t;
	long			done = 0, hits = 0;
	int			i;

	do {
		for (i = 0; i < n; i++) {
			hits += rules_eval(rs, msgs[i], &o, NULL);
			rules_outcome_free(&o);
		}
		done += n;
	} while ((t = now() - t0) < secs);
	*applied = (double)hits / done;
	return done / t;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-rules [-Dj] [-n MESSAGES] [-r RULES] "
	    "[-d RULES_DIR] [-s SECONDS]\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	struct message	**msgs;
	struct rules	 *rs;
	const char	 *dir = NULL;
	char		 *gen = NULL, *errors, **raw;
	size_t		  len;
	double		  secs = 2, rate, applied, first = 0;
	int		  ch, nmsg = 200, nrules = 1000, mode, i, jit_only = 0;
	static const struct {
		const char	*name;
		int		 jit, prefilter;
	} modes[] = {
		{ "JIT", 1, 1 },
		{ "JIT, no prefilter", 1, 0 },
		{ "interpreter", 0, 1 },
	};

	while ((ch = getopt(argc, argv, "Dd:jn:r:s:")) != -1) {
		switch (ch) {
		case 'D':
			dense = 1;
			break;
		case 'j':
			jit_only = 1;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'n':
			nmsg = atoi(optarg);
			break;
		case 'r':
			nrules = atoi(optarg);
			break;
		case 's':
			secs = atof(optarg);
			break;
		default:
			usage();
		}
	}
	if (nmsg <= 0 || nrules <= 0)
		usage();
	if (dir == NULL)
		dir = gen = gen_rules(nrules);
	msgs = xcalloc(nmsg, sizeof *msgs);
	raw = xcalloc(nmsg, sizeof *raw);
	for (i = 0; i < nmsg; i++) {
		raw[i] = gen_message(&len);
		if (mime_parse(raw[i], len, &msgs[i]) == -1)
			abort();
	}
	for (mode = 0; mode < (jit_only ? 1 : 3); mode++) {
		re_set_jit(modes[mode].jit);
		re_set_prefilter(modes[mode].prefilter);
		if (rules_load(dir, NULL, &rs, &errors) == -1) {
			fputs(errors, stderr);
			return 1;
		}
		rate = run(rs, msgs, nmsg, secs, &applied);
		printf("%-24s %zu rules, %d messages of ~10 KB: %7.0f "
		    "messages/s (%.2f rules applied per message)\n",
		    modes[mode].name, rules_count(rs), nmsg, rate, applied);
		/* Every mode must classify alike. */
		if (mode > 0 && applied != first)
			printf("WARNING: the outcome differs between modes\n");
		first = applied;
		rules_free(rs);
	}
	for (i = 0; i < nmsg; i++) {
		message_free(msgs[i]);
		free(raw[i]);
	}
	free(msgs);
	free(raw);
	if (gen != NULL) {
		errors = xasprintf("%s/rules", gen);
		unlink(errors);
		free(errors);
		rmdir(gen);
		free(gen);
	}
	return 0;
}
