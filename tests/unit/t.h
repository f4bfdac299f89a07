/* SPDX-License-Identifier: ISC */
/*
 * t.h - the unit-test protocol: every check prints one TAP line,
 * "ok N - what" or "not ok N - what" (with the values on a "#" line),
 * and t_done() returns the exit status.  tests/run.sh counts the lines.
 */
#ifndef T_H
#define T_H

#include <stdio.h>
#include <string.h>

static int t_n, t_failed;

static inline int
t_check(int cond, const char *what, const char *file, int line)
{
	t_n++;
	if (cond)
		printf("ok %d - %s\n", t_n, what);
	else {
		t_failed++;
		printf("not ok %d - %s (%s:%d)\n", t_n, what, file, line);
	}
	fflush(stdout);
	return cond;
}

#define T_OK(cond, what) t_check(!!(cond), (what), __FILE__, __LINE__)

#define T_STR(got, want, what) do {					\
	const char *t_g_ = (got), *t_w_ = (want);			\
	int t_c_ = (t_g_ == NULL && t_w_ == NULL) ||			\
	    (t_g_ != NULL && t_w_ != NULL && strcmp(t_g_, t_w_) == 0);	\
	if (!t_check(t_c_, (what), __FILE__, __LINE__))			\
		printf("#   got:  \"%s\"\n#   want: \"%s\"\n",		\
		    t_g_ ? t_g_ : "(null)", t_w_ ? t_w_ : "(null)");	\
} while (0)

#define T_INT(got, want, what) do {					\
	long long t_g_ = (long long)(got), t_w_ = (long long)(want);	\
	if (!t_check(t_g_ == t_w_, (what), __FILE__, __LINE__))		\
		printf("#   got:  %lld\n#   want: %lld\n", t_g_, t_w_);	\
} while (0)

static inline int
t_done(void)
{
	printf("1..%d\n", t_n);
	return t_failed ? 1 : 0;
}

#endif
