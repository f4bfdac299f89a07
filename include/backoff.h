/* SPDX-License-Identifier: ISC */
/*
 * backoff.h - how long to wait before trying again: 1 s doubling up to
 * 5 min, with jitter so that mailboxes that failed together (a server
 * restart) do not all come back in the same instant.
 */
#ifndef BACKOFF_H
#define BACKOFF_H

#define BACKOFF_MIN_MS	1000UL
#define BACKOFF_MAX_MS	300000UL

/*
 * The delay before retry number attempt (1 for the first), in ms: the
 * base min(1 s * 2^(attempt - 1), 5 min), less a random share of up to
 * half of it: base * (1 - r / 2) for r in [0, 1) ("equal jitter": never
 * under half the base, never over the cap).  attempt 0 gives 0.
 */
unsigned long	 backoff_delay_ms(unsigned int attempt, double r);
/* The same with r from random(). */
unsigned long	 backoff_next_ms(unsigned int attempt);

#endif
