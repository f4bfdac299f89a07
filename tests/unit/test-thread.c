/* SPDX-License-Identifier: ISC */
/* thread.c: reference tags and subject cleaning. */
#include "config.h"

#include <stdlib.h>

#include "guichet.h"
#include "t.h"
#include "thread.h"

static void
test_refs(void)
{
	static const struct {
		const char *s;
		int bracketed;
		int64_t want;
	} cases[] = {
		{ "RE: [SD#1042] VPN", 1, 1042 },
		{ "[sd#7] lower-case prefix", 1, 7 },
		{ "AW: TR: Fwd: SV: Re: [SD#1] VPN", 1, 1 },
		{ "no tag here", 1, 0 },
		{ "[SD#] empty", 1, 0 },
		{ "[SD#12 unclosed", 1, 0 },
		{ "[XSD#12] other prefix", 1, 0 },
		{ "[SD#12a] trailing letter", 1, 0 },
		{ "[SD#99999999999999999999] too long", 1, 0 },
		{ "[INC#3] [SD#4] second tag", 1, 4 },
		{ "see ticket SD#55 please", 0, 55 },
		{ "see ticket SD#55.", 0, 55 },
		{ "XSD#55 is not ours", 0, 0 },
		{ "SD#55x is not a ref", 0, 0 },
		{ "(SD#8)", 0, 8 },
		{ "SD#5 at the start", 0, 5 },
		{ "SD#5] not bracketed", 1, 0 },
		{ "#1 and C# before [SD#9]", 1, 9 },
		{ "#1 then SD#2", 0, 2 },
		{ "##SD##3 then sd#4", 0, 4 },
		{ "#", 0, 0 },
		{ "", 0, 0 },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *what = xasprintf("ref in \"%s\"", cases[i].s);
		T_INT(thread_parse_ref(cases[i].s, "SD", cases[i].bracketed),
		    cases[i].want, what);
		free(what);
	}
}

static void
test_clean(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "VPN down", "VPN down" },
		{ "Re: VPN down", "VPN down" },
		{ "RE: [SD#1] VPN down", "VPN down" },
		{ "AW: TR: Fwd: SV: Re: [SD#1] VPN", "VPN" },
		{ "Re[2]: printer", "printer" },
		{ "Re : imprimante", "imprimante" },
		{ "Réponse automatique", "Réponse automatique" },
		{ "Record: not a prefix", "Record: not a prefix" },
		{ "  [SD#3]  ", "" },
		{ "printer [SD#3] jammed", "printer  jammed" },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *got = thread_clean_subject(cases[i].in, "SD");
		char *what = xasprintf("clean \"%s\"", cases[i].in);
		T_STR(got, cases[i].want, what);
		free(what);
		free(got);
	}
}

int
main(void)
{
	test_refs();
	test_clean();
	return t_done();
}
