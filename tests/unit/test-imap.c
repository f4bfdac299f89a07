/* SPDX-License-Identifier: ISC */
/* IMAP helpers: UID ranges and sets, base64, chunks of a batch. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "imap.h"
#include "intake-imap.h"
#include "t.h"

static void
test_uidset(void)
{
	static const struct {
		uint32_t	 uids[10];
		size_t		 n;
		const char	*want;
		size_t		 ranges;
	} cases[] = {
		{ { 0 }, 0, "", 0 },
		{ { 7 }, 1, "7", 1 },
		{ { 1, 2, 3 }, 3, "1:3", 1 },
		{ { 1, 2, 3, 5 }, 4, "1:3,5", 2 },
		{ { 1, 3, 5 }, 3, "1,3,5", 3 },
		{ { 4, 4, 5, 9, 10, 11, 12 }, 7, "4:5,9:12", 2 },
		{ { 4294967294u, 4294967295u }, 2, "4294967294:4294967295", 1 },
	};
	struct imap_range r[10];
	char *s, what[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = imap_uidset_string(cases[i].uids, cases[i].n);
		snprintf(what, sizeof(what), "uid set %zu: \"%s\"", i,
		    cases[i].want);
		T_STR(s, cases[i].want, what);
		free(s);
		snprintf(what, sizeof(what), "uid set %zu: %zu ranges", i,
		    cases[i].ranges);
		T_INT(imap_ranges(cases[i].uids, cases[i].n, r),
		    cases[i].ranges, what);
	}
}

static void
test_base64(void)
{
	/* RFC 4648, section 10, and the AUTHENTICATE PLAIN of RFC 4616. */
	static const struct { const char *in; size_t len; const char *out; }
	    cases[] = {
		{ "", 0, "" },
		{ "f", 1, "Zg==" },
		{ "fo", 2, "Zm8=" },
		{ "foo", 3, "Zm9v" },
		{ "foob", 4, "Zm9vYg==" },
		{ "fooba", 5, "Zm9vYmE=" },
		{ "foobar", 6, "Zm9vYmFy" },
		{ "\0tim\0tanstaaftanstaaf", 21,
		    "AHRpbQB0YW5zdGFhZnRhbnN0YWFm" },
		{ "\xff\xfe\xfd", 3, "//79" },
	};
	char *s;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = imap_base64(cases[i].in, cases[i].len);
		T_STR(s, cases[i].out, "base64");
		free(s);
	}
}

static void
test_chunk(void)
{
	const uint32_t small[] = { 3000, 3000, 3000, 3000, 3000 };
	const uint32_t mixed[] = { 600, 600, 600, 600 };
	const uint32_t giants[] = { 5000, 100, 5000, 100 };
	const uint32_t gone[] = { UINT32_MAX, UINT32_MAX, 10 };

	T_INT(intake_imap_chunk(small, 5, 200, 1 << 20, 1 << 20), 5,
	    "all fit");
	T_INT(intake_imap_chunk(small, 5, 2, 1 << 20, 1 << 20), 2,
	    "count cap");
	T_INT(intake_imap_chunk(mixed, 4, 200, 1300, 1 << 20), 2,
	    "byte cap");
	T_INT(intake_imap_chunk(mixed, 4, 200, 100, 1 << 20), 1,
	    "one message over the byte cap still goes alone");
	T_INT(intake_imap_chunk(giants, 4, 200, 300, 1000), 4,
	    "over the size limit counts as its header only");
	T_INT(intake_imap_chunk(gone, 3, 200, 5, 1000), 3,
	    "gone messages count as nothing");
	T_INT(intake_imap_chunk(small, 0, 200, 1, 1), 0, "empty");
	T_INT(intake_imap_chunk(small, 5, 0, 1 << 20, 0), 1,
	    "count 0 means 1; limit 0 means none");
}

int
main(void)
{
	test_uidset();
	test_base64();
	test_chunk();
	return t_done();
}
