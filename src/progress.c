/* SPDX-License-Identifier: ISC */
/* A terminal progress bar: count, rate, ETA. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guichet.h"
#include "progress.h"

static void
draw(struct progress *p, double now)
{
	double elapsed = now - p->start;
	double rate = elapsed > 0 ? (double)p->done / elapsed : 0;
	char bar[31];
	int width = 30, fill;

	if (p->total > 0) {
		fill = (int)((double)width * (double)p->done /
		    (double)p->total);
		if (fill > width)
			fill = width;
		memset(bar, '#', (size_t)fill);
		memset(bar + fill, '.', (size_t)(width - fill));
		bar[width] = '\0';
		double eta = rate > 0 ? (double)(p->total - p->done) / rate : 0;
		fprintf(stderr, "\r%s [%s] %zu/%zu %.0f msg/s ETA %02d:%02d ",
		    p->label, bar, p->done, p->total, rate,
		    (int)eta / 60, (int)eta % 60);
	} else
		fprintf(stderr, "\r%s %zu %.0f msg/s ", p->label, p->done,
		    rate);
	fflush(stderr);
	p->last_draw = now;
}

void
progress_start(struct progress *p, const char *label, size_t total,
    int quiet)
{
	memset(p, 0, sizeof(*p));
	p->label = label;
	p->total = total;
	p->active = !quiet && isatty(STDERR_FILENO);
	p->start = p->last_draw = clock_mono();
}

void
progress_step(struct progress *p, size_t n)
{
	double now;

	p->done += n;
	if (!p->active)
		return;
	now = clock_mono();
	if (now - p->last_draw >= 0.1)
		draw(p, now);
}

void
progress_end(struct progress *p)
{
	if (!p->active)
		return;
	if (p->total > 0 && p->done > p->total)
		p->total = p->done;
	draw(p, clock_mono());
	fputc('\n', stderr);
}
