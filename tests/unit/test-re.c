/* SPDX-License-Identifier: ISC */
/* test-re.c - the PCRE2 wrapper: compile errors, flags, UTF, captures,
 * limits. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guichet.h"
#include "re.h"
#include "t.h"

static const struct {
	const char	*src;
	const char	*flags;
	int		 ok;
	size_t		 offset;	/* when !ok */
	const char	*cause;		/* when !ok */
} compiles[] = {
	{ "abc", "", 1, 0, NULL },
	{ "(?<host>[a-z]+)-(\\d+)", "imsx", 1, 0, NULL },
	{ "(abc", "", 0, 4, "missing closing parenthesis" },
	{ "a)b", "", 0, 1, "unmatched closing parenthesis" },
	{ "[z-a]", "", 0, 3, "range out of order in character class" },
	{ "x{2,1}", "", 0, 5, "numbers out of order in {} quantifier" },
	{ "\\C", "", 0, 2, "using \\C is disabled by the application" },
	{ "é(", "", 0, 3, "missing closing parenthesis" },
	{ "a\xff", "", 0, 1, NULL },	/* the pattern must be UTF-8 */
};

static const struct {
	const char	*src;
	const char	*flags;
	const char	*subject;
	enum re_result	 want;
} matches[] = {
	{ "\\bvpn\\b", "i", "Le VPN est en panne", RE_MATCH },
	{ "\\bvpn\\b", "", "Le VPN est en panne", RE_NOMATCH },
	{ "\\bvpn\\b", "i", "vpnclient", RE_NOMATCH },
	{ "^b", "", "a\nb", RE_NOMATCH },
	{ "^b", "m", "a\nb", RE_MATCH },
	{ "a.b", "", "a\nb", RE_NOMATCH },
	{ "a.b", "s", "a\nb", RE_MATCH },
	{ "a b # comment", "x", "ab", RE_MATCH },
	{ "a b", "", "ab", RE_NOMATCH },
	{ "^.$", "", "é", RE_MATCH },		/* UTF: one character */
	{ "^\\w+$", "", "été", RE_MATCH },	/* UCP: \w is Unicode */
	{ "ÉTÉ", "i", "été", RE_MATCH },	/* Unicode case folding */
	{ "^mot de passe", "i", "Mot de passe oublié", RE_MATCH },
	{ "", "", "", RE_MATCH },
	/* Invalid UTF-8 in a subject is a barrier, not an error. */
	{ "ab", "", "\xff" "ab", RE_MATCH },
	{ "^.", "", "\xff", RE_NOMATCH },
};

static void
test_compile(void)
{
	struct re	*re;
	char		*cause, what[128];
	size_t		 i, off, k;
	int		 flags;

	for (i = 0; i < ARRAY_LEN(compiles); i++) {
		flags = 0;
		for (k = 0; compiles[i].flags[k] != '\0'; k++)
			flags |= re_flag(compiles[i].flags[k]);
		cause = NULL;
		off = 999;
		re = re_compile(compiles[i].src, strlen(compiles[i].src),
		    flags, &off, &cause);
		snprintf(what, sizeof what, "compile /%s/%s", compiles[i].src,
		    compiles[i].flags);
		T_INT(re != NULL, compiles[i].ok, what);
		if (!compiles[i].ok) {
			T_INT(off, compiles[i].offset, "error offset");
			if (compiles[i].cause != NULL)
				T_STR(cause, compiles[i].cause, "error text");
		} else {
			T_STR(re_source(re), compiles[i].src, "source kept");
			T_STR(re_flags(re), compiles[i].flags, "flags kept");
		}
		free(cause);
		re_free(re);
	}
	T_INT(re_flag('g'), 0, "g is not a flag");
}

static struct re *
compile(const char *src, const char *flags)
{
	size_t	off, k;
	char	*cause = NULL;
	int	bits = 0;

	for (k = 0; flags[k] != '\0'; k++)
		bits |= re_flag(flags[k]);
	return re_compile(src, strlen(src), bits, &off, &cause);
}

static void
test_match(void)
{
	struct re_match	*m = re_match_new(0, 0);
	struct re	*re;
	char		 what[128];
	size_t		 i;

	for (i = 0; i < ARRAY_LEN(matches); i++) {
		re = compile(matches[i].src, matches[i].flags);
		snprintf(what, sizeof what, "/%s/%s on \"%s\"", matches[i].src,
		    matches[i].flags, matches[i].subject);
		T_INT(re_exec(re, m, matches[i].subject,
		    strlen(matches[i].subject)), matches[i].want, what);
		re_free(re);
	}
	re_match_free(m);
}

static void
test_groups(void)
{
	struct re_match	*m = re_match_new(0, 0);
	struct re	*re;
	const char	*s, *subject = "ALERT web-01 down";
	char		*v;
	size_t		 len;

	re = compile("^ALERT (?<host>[a-z0-9-]+) (up|down)(x)?", "");
	T_INT(re_ngroups(re), 3, "three groups");
	T_STR(re_group_name(re, 1), "host", "group 1 is named");
	T_STR(re_group_name(re, 2), NULL, "group 2 is not");
	T_INT(re_group_index(re, "host"), 1, "host is group 1");
	T_INT(re_group_index(re, "nope"), 0, "no such name");
	T_INT(re_exec(re, m, subject, strlen(subject)), RE_MATCH, "matches");
	T_INT(re_group(m, 1, &s, &len), 0, "group 1 set");
	v = xstrndup(s, len);
	T_STR(v, "web-01", "group 1 value");
	free(v);
	T_INT(re_group(m, 2, &s, &len), 0, "group 2 set");
	T_INT(len, 4, "group 2 is 'down'");
	T_INT(re_group(m, 3, &s, &len), -1, "group 3 took no part");
	T_INT(re_group(m, 4, &s, &len), -1, "no group 4");
	T_INT(re_exec(re, m, "nope", 4), RE_NOMATCH, "no match");
	T_INT(re_group(m, 1, &s, &len), -1, "no groups after no match");
	re_free(re);
	re_match_free(m);
}

/* The ReDoS guard: catastrophic backtracking must end in RE_LIMIT, with
 * JIT and with the interpreter. */
static void
test_limit(void)
{
	struct re_match	*m;
	struct re	*re;
	char		*body;
	size_t		 len = 100 * 1024;
	int		 jit;

	body = xmalloc(len + 1);
	memset(body, 'a', len - 1);
	body[len - 1] = 'b';
	body[len] = '\0';
	for (jit = 1; jit >= 0; jit--) {
		re_set_jit(jit);
		re = compile("(a+)+$", "");
		m = re_match_new(1000000, 10000);
		T_INT(re_exec(re, m, body, len), RE_LIMIT,
		    jit ? "(a+)+$ hits the limit (JIT)" :
		    "(a+)+$ hits the limit (interpreter)");
		T_OK(strstr(re_match_error(m), "limit") != NULL,
		    "the reason names the limit");
		T_INT(re_exec(re, m, "aab", 3), RE_NOMATCH,
		    "a short subject still answers");
		T_INT(re_exec(re, m, "aaa", 3), RE_MATCH, "and matches");
		if (!jit)
			T_INT(re_jitted(re), 0, "interpreter when JIT is off");
		re_match_free(m);
		re_free(re);
	}
	re_set_jit(1);
	free(body);
}

static const struct {
	const char	*src;
	const char	*flags;
	const char	*lits;
} literals[] = {
	{ "\\bvpn\\b", "i", "vpn" },
	{ "(down|unreachable|ne fonctionne plus)", "i",
	  "down|unreachable|ne_fonctionne_plus" },
	{ "(mot de passe|password).*(oubli|reset|expir)", "i",
	  "mot_de_passe|password & oubli|reset|expir" },
	{ "@monitoring\\.example\\.org$", "", "@monitoring.example.org" },
	{ "^ALERT (?<host>[a-z0-9-]+) down", "", "alert_ & _down" },
	{ "(?<site>printer)-\\d{3}", "", "printer-" },
	{ "\\bvpn (down|lent)\\b", "i", "vpn_down|vpn_lent" },
	{ "(a|b)cde", "", "acde|bcde" },
	{ "(abc|xyz)+tail", "", "abc|xyz & tail" },
	{ "(?:abc|(?P<x>def)g)", "", "abc|defg" },
	{ "(?:abc|d.efgh)", "", "abc|efgh" },
	{ "ab(c.d)ef", "", "" },
	{ "colou?r", "", "colo" },
	{ "a+bcd", "", "bcd" },
	{ "(abc)?defg", "", "defg" },
	{ "(abc)*defg", "", "defg" },
	{ "(abc){0,2}de", "", "" },
	{ "(abcd){2}", "", "abcd" },
	{ "vpn\\d{3}", "", "vpn" },
	{ "[vpn]abc", "", "abc" },
	{ "[]x]abc[[:alpha:]]", "", "abc" },
	{ "réseau", "", "r?seau" },
	{ "é(abc)", "", "?abc" },
	{ "(?<s>écran)-\\d", "i", "?cran-" },
	{ "ſ\xe2\x84\xaa" "y", "i", "sky" },
	{ "x{2}yz", "", "" },
	{ "(abc|de)", "", "" },
	{ "a|bcd", "", "" },
	{ ".", "", "" },
	{ "^1", "", "" },
	{ "", "", "" },
	/* What the reader does not know, it leaves to PCRE2. */
	{ "(?i)vpn", "", "" },
	{ "abc(?=d)", "", "" },
	{ "vpn", "x", "" },
	{ "\\x41bcd", "", "" },
	{ "(abc)\\1", "", "" },
	{ "a{,3}bcd", "", "" },
	{ "\\Qabc\\E", "", "" },
	{ "(*UTF)abc", "", "" },
};

static void
test_literals(void)
{
	struct re	*re;
	char		*got, what[128];
	size_t		 i;

	for (i = 0; i < ARRAY_LEN(literals); i++) {
		re = compile(literals[i].src, literals[i].flags);
		got = re_literals(re);
		snprintf(what, sizeof what, "literals of /%s/%s",
		    literals[i].src, literals[i].flags);
		T_STR(got, literals[i].lits, what);
		free(got);
		re_free(re);
	}
}

/* Writes code point cp as UTF-8 into out; returns its length. */
static size_t
utf8(unsigned int cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The prefilter folds only U+017F and U+212A onto ASCII: check that this
 * PCRE2 matches no other non-ASCII character caselessly with an ASCII
 * one. */
static void
test_caseless_ascii(void)
{
	struct re_match	*m = re_match_new(0, 0);
	struct re	*re = compile("[\\x{20}-\\x{7e}]", "i");
	char		 b[4];
	unsigned int	 cp, others = 0;

	for (cp = 0x80; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		if (re_exec(re, m, b, utf8(cp, b)) == RE_MATCH &&
		    cp != 0x17f && cp != 0x212a)
			others++;
	}
	T_INT(others, 0, "only U+017F and U+212A match ASCII caselessly");
	re_free(re);
	re_match_free(m);
}

static uint64_t rng = 88172645463325252ULL;

static unsigned int
rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

/* A random text of n characters from chars. */
static void
random_text(struct buf *text, const char **chars, size_t nchars, int n)
{
	text->len = 0;
	buf_adds(text, "");
	for (; n > 0; n--)
		buf_adds(text, chars[rnd((unsigned int)nchars)]);
}

/* Whether some bit of key is set in hits. */
static int
key_found(const uint32_t *key, size_t n, const uint64_t *hits)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if ((hits[key[i] / 64] >> (key[i] % 64)) & 1)
			return 1;
	}
	return 0;
}

#define BATCH	8	/* patterns in one scanner */

/*
 * Random patterns against random texts: whenever PCRE2 matches, the
 * prefilter must have said that it may, and the key of the pattern must
 * have been found.  The patterns of a batch share one scanner (so that
 * their literals overlap in the automaton); some texts are long enough to
 * be read in parts, and some are scanned together with the previous one,
 * as the values of one field are.
 */
static void
test_prefilter_sound(void)
{
	static const char *atoms[] = { "ab", "abc", "k", "s", "K", "S", "e",
	    "é", " ", "\\.", ".", "[a-c]", "\\d", "\\b", "(", ")", "|",
	    "?", "*", "+", "{2}", "{0,1}", "(?:", "^", "$", "kis", "ske",
	    "1", "-", "\\s", "(?<n>", "ſ", "[^a]", "(ab|ke)", "(s|k)",
	    "(abc)+", "\\B", "x", "(?:a|b|)", "{3}", "éa", "\xe2\x84\xaa" };
	static const char *chars[] = { "a", "b", "c", "k", "s", "e", "K", "x",
	    "S", "\xc5\xbf", "\xe2\x84\xaa", "é", "É", " ", ".", "1", "\n",
	    "-", "\xff", "\x80" };
	struct re_match	 *m = re_match_new(0, 0);
	struct re_scanner *sc;
	struct re	 *re[BATCH];
	int		  id[BATCH], both[BATCH];
	const uint32_t	 *key;
	uint64_t	 *hits;
	struct buf	  pat, text;
	size_t		  off, nkey, words;
	char		 *cause;
	int		  i, j, k, n, len, tested = 0, filtered = 0, wrong = 0;
	int		  keyless = 0, matched, prev[BATCH];

	buf_init(&pat);
	buf_init(&text);
	for (i = 0; i < 5000; i++) {
		sc = re_scanner_new();
		for (j = 0; j < BATCH; j++) {
			pat.len = 0;
			buf_adds(&pat, "");
			for (k = 0, n = 1 + rnd(8); k < n; k++)
				buf_adds(&pat, atoms[rnd(ARRAY_LEN(atoms))]);
			cause = NULL;
			re[j] = re_compile(pat.data, pat.len,
			    rnd(2) ? RE_CASELESS : 0, &off, &cause);
			free(cause);
			id[j] = re[j] != NULL ? re_scanner_add(sc, re[j]) :
			    -1;
			prev[j] = 0;
		}
		re_scanner_compile(sc);
		words = re_scanner_words(sc);
		hits = xcalloc(words + 1, sizeof *hits);
		for (k = 0; k < 10; k++) {
			len = rnd(10) == 0 ? 200 + (int)rnd(600) :
			    (int)rnd(30);
			random_text(&text, chars, ARRAY_LEN(chars), len);
			/* One text in three joins the previous one. */
			if (rnd(3) != 0) {
				memset(hits, 0, (words + 1) * sizeof *hits);
				memset(prev, 0, sizeof prev);
			}
			re_scan(sc, hits, text.data, text.len);
			for (j = 0; j < BATCH; j++) {
				if (re[j] == NULL)
					continue;
				matched = re_exec(re[j], m, text.data,
				    text.len) == RE_MATCH;
				both[j] = matched || prev[j];
				prev[j] = both[j];
				tested++;
				if (re_scan_may_match(sc, id[j], hits) == 0)
					filtered++;
				else if ((nkey = re_scanner_key(sc, id[j],
				    &key)) == 0 || key_found(key, nkey, hits))
					continue;
				else
					keyless++;
				if (both[j] && wrong++ < 5)
					printf("# /%s/ \"%s\"\n",
					    re_source(re[j]), text.data);
			}
		}
		for (j = 0; j < BATCH; j++)
			re_free(re[j]);
		free(hits);
		re_scanner_free(sc);
	}
	T_INT(wrong, 0, "the prefilter never hides a match");
	T_OK(filtered > tested / 20, "and it does filter");
	T_INT(keyless, 0, "a pattern that may match has its key found");
	printf("# %d tests, %d filtered\n", tested, filtered);
	buf_free(&pat);
	buf_free(&text);
	re_match_free(m);
}

/*
 * The automaton finds exactly the literals that occur: with caseless
 * patterns made of letters only, whose literal is the whole pattern, the
 * prefilter says "may match" exactly when PCRE2 matches.  Many patterns
 * share prefixes and suffixes (few letters), texts hold every kind of
 * character that folds (U+017F, U+212A, case) or does not, and long ones
 * are read in parts.
 */
static void
test_scanner_exact(void)
{
	static const char *letters[] = { "a", "b", "s", "k", "e" };
	static const char *chars[] = { "a", "b", "s", "k", "e", "a", "b",
	    "s", "k", "e", "A", "S", "K", "\xc5\xbf", "\xe2\x84\xaa", "é",
	    " ", "\t", "\n", "-", "\xff", "\x80", "\xc3" };
	struct re_match	 *m = re_match_new(0, 0);
	struct re_scanner *sc;
	struct re	**re;
	int		 *id;
	uint64_t	 *hits;
	struct buf	  pat, text;
	size_t		  off, words;
	char		 *cause;
	int		  i, j, k, n, npat, tested = 0, matched = 0, wrong = 0;
	int		  got, want;

	buf_init(&pat);
	buf_init(&text);
	for (i = 0; i < 300; i++) {
		sc = re_scanner_new();
		npat = 1 + (int)rnd(60);
		re = xcalloc(npat, sizeof *re);
		id = xcalloc(npat, sizeof *id);
		for (j = 0; j < npat; j++) {
			pat.len = 0;
			buf_adds(&pat, "");
			for (k = 0, n = 3 + rnd(3); k < n; k++)
				buf_adds(&pat,
				    letters[rnd(ARRAY_LEN(letters))]);
			cause = NULL;
			re[j] = re_compile(pat.data, pat.len, RE_CASELESS,
			    &off, &cause);
			free(cause);
			id[j] = re_scanner_add(sc, re[j]);
		}
		re_scanner_compile(sc);
		words = re_scanner_words(sc);
		hits = xcalloc(words, sizeof *hits);
		for (k = 0; k < 20; k++) {
			random_text(&text, chars, ARRAY_LEN(chars),
			    rnd(4) == 0 ? 256 + (int)rnd(1500) :
			    (int)rnd(40));
			memset(hits, 0, words * sizeof *hits);
			re_scan(sc, hits, text.data, text.len);
			for (j = 0; j < npat; j++) {
				want = re_exec(re[j], m, text.data,
				    text.len) == RE_MATCH;
				got = re_scan_may_match(sc, id[j], hits);
				tested++;
				matched += want;
				if (id[j] < 0 || got != want) {
					if (wrong++ < 5)
						printf("# /%s/i \"%s\": %d, "
						    "PCRE2 %d\n",
						    re_source(re[j]),
						    text.data, got, want);
				}
			}
		}
		for (j = 0; j < npat; j++)
			re_free(re[j]);
		free(re);
		free(id);
		free(hits);
		re_scanner_free(sc);
	}
	T_INT(wrong, 0, "the scanner finds exactly the literals that occur");
	T_OK(matched > tested / 20 && matched < tested - tested / 20,
	    "both answers are common");
	printf("# %d tests, %d matched\n", tested, matched);
	buf_free(&pat);
	buf_free(&text);
	re_match_free(m);
}

/* Edge cases: no pattern, no literal, an empty text, the prefilter off. */
static void
test_scanner_edges(void)
{
	struct re_scanner *sc = re_scanner_new();
	struct re	*any = compile("a.c", ""), *vpn = compile("vpn", "i");
	uint64_t	 hits[1] = { 0 };
	const uint32_t	*key;

	T_INT(re_scanner_add(sc, any), -1, "a pattern without literals");
	re_scanner_compile(sc);
	T_INT(re_scanner_words(sc), 0, "no literal, no bits");
	re_scan(sc, hits, "abc", 3);
	T_INT(re_scan_may_match(sc, -1, hits), 1, "it may always match");
	T_INT(re_scanner_key(sc, -1, &key), 0, "and has no key");
	re_scanner_free(sc);

	sc = re_scanner_new();
	T_INT(re_scanner_add(sc, vpn), 0, "the first pattern is 0");
	re_scanner_compile(sc);
	T_INT(re_scanner_words(sc), 1, "one word of bits");
	re_scan(sc, hits, "", 0);
	T_INT(re_scan_may_match(sc, 0, hits), 0, "not in an empty text");
	re_scan(sc, hits, "le VpN", 6);
	T_INT(re_scan_may_match(sc, 0, hits), 1, "found, case folded");
	T_INT(re_scanner_key(sc, 0, &key), 1, "a key of one literal");
	re_scanner_free(sc);
	re_free(vpn);

	re_set_prefilter(0);
	vpn = compile("vpn", "i");
	re_set_prefilter(1);
	sc = re_scanner_new();
	T_INT(re_scanner_add(sc, vpn), -1, "no literals without prefilter");
	re_scanner_compile(sc);
	re_scanner_free(sc);
	re_free(vpn);
	re_free(any);
}

int
main(void)
{
	test_compile();
	test_match();
	test_groups();
	test_limit();
	test_literals();
	test_caseless_ascii();
	test_prefilter_sound();
	test_scanner_exact();
	test_scanner_edges();
	return t_done();
}
