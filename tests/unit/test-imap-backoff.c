/* SPDX-License-Identifier: ISC */
/* Reconnection backoff: 1 s doubling to 5 min, equal jitter. */
#include "config.h"

#include <stdlib.h>

#include "backoff.h"
#include "t.h"

int
main(void)
{
	static const unsigned long base[] = { 0, 1000, 2000, 4000, 8000,
	    16000, 32000, 64000, 128000, 256000, 300000, 300000 };
	char what[80];

	for (unsigned int a = 0; a < sizeof(base) / sizeof(base[0]); a++) {
		snprintf(what, sizeof(what), "attempt %u, no jitter", a);
		T_INT(backoff_delay_ms(a, 0), base[a], what);
		snprintf(what, sizeof(what), "attempt %u, most jitter", a);
		T_OK(backoff_delay_ms(a, 0.999) >= base[a] / 2 &&
		    backoff_delay_ms(a, 0.999) <= base[a], what);
	}
	T_INT(backoff_delay_ms(1, 0.5), 750, "half jitter takes a quarter");
	T_INT(backoff_delay_ms(64, 0), BACKOFF_MAX_MS, "capped at 5 min");
	T_INT(backoff_delay_ms(4000000000u, 0), BACKOFF_MAX_MS,
	    "huge attempts stay capped");
	T_INT(backoff_delay_ms(1, -3), 1000, "r below 0 is 0");
	T_OK(backoff_delay_ms(1, 7) >= 500, "r above 1 stays in range");
	srandom(1);
	for (int i = 0; i < 1000; i++) {
		unsigned long d = backoff_next_ms(3);
		if (d < 2000 || d > 4000) {
			T_OK(0, "random jitter within [base/2, base]");
			return t_done();
		}
	}
	T_OK(1, "random jitter within [base/2, base]");
	return t_done();
}
