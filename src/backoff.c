/* SPDX-License-Identifier: ISC */
/* Retry delays: exponential with equal jitter, capped (see backoff.h). */
#include "config.h"

#include <stdlib.h>

#include "backoff.h"

unsigned long
backoff_delay_ms(unsigned int attempt, double r)
{
	unsigned long base = BACKOFF_MIN_MS;

	if (attempt == 0)
		return 0;
	/* Doubling stops at the cap: no shift can overflow. */
	for (unsigned int i = 1; i < attempt && base < BACKOFF_MAX_MS; i++)
		base *= 2;
	if (base > BACKOFF_MAX_MS)
		base = BACKOFF_MAX_MS;
	if (r < 0)
		r = 0;
	if (r >= 1)
		r = 0.999999;
	return base - (unsigned long)((double)base * r / 2);
}

unsigned long
backoff_next_ms(unsigned int attempt)
{
	return backoff_delay_ms(attempt,
	    (double)random() / ((double)RAND_MAX + 1));
}
