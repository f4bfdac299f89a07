/* SPDX-License-Identifier: ISC */
/* Shared pieces of the --json listings. */
#include "config.h"

#include <stdio.h>
#include <sysexits.h>

#include "json-out.h"

json_t *
json_out_str(const char *s)
{
	json_t *j;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) == NULL)
		j = json_string("(invalid UTF-8)");
	return j;
}

void
json_out_iso(time_t t, char buf[32])
{
	struct tm tm;

	if (t == 0) {
		buf[0] = '\0';
		return;
	}
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *
json_out_time(time_t t)
{
	char buf[32];

	if (t == 0)
		return json_null();
	json_out_iso(t, buf);
	return json_string(buf);
}

int
json_out_print(json_t *j)
{
	int rc = json_dumpf(j, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);

	json_decref(j);
	putchar('\n');
	return rc == 0 ? 0 : EX_IOERR;
}
