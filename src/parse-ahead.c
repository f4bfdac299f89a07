/* SPDX-License-Identifier: ISC */
/* MIME parsing and rules on a worker thread, a bounded lead ahead of the
 * store. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "guichet.h"
#include "intake.h"
#include "mime.h"
#include "parse-ahead.h"

struct parse_ahead {
	const struct parse_ahead_src *src;
	size_t		 n;
	const struct rules *rules;
	const struct conf *conf;
	struct intake_ahead *res;
	unsigned char	*ready;
	size_t		 parsed;	/* the worker's next index */
	size_t		 consumed;	/* the store's next index */
	size_t		 freed;		/* the worker's next to free */
	int		 stop;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	pthread_t	 thread;
};

/* Frees the results the store is done with (below consumed): on this
 * thread, which allocated them, and off the store's, the busier one. */
static void
free_done(struct parse_ahead *pa, size_t upto)
{
	for (; pa->freed < upto; pa->freed++)
		intake_ahead_free(&pa->res[pa->freed]);
}

static void *
worker(void *arg)
{
	struct parse_ahead *pa = arg;
	struct intake_ahead a;
	size_t i, done;

	for (;;) {
		pthread_mutex_lock(&pa->lock);
		while (!pa->stop && pa->freed == pa->consumed &&
		    (pa->parsed >= pa->n ||
		    pa->parsed >= pa->consumed + PARSE_AHEAD_LEAD))
			pthread_cond_wait(&pa->cond, &pa->lock);
		done = pa->consumed;
		i = pa->parsed;
		if (pa->stop) {
			pthread_mutex_unlock(&pa->lock);
			break;
		}
		pthread_mutex_unlock(&pa->lock);
		free_done(pa, done);
		if (i >= pa->n || i >= done + PARSE_AHEAD_LEAD)
			continue;
		intake_ahead_run(pa->rules, pa->conf, pa->src[i].data,
		    pa->src[i].len, 1, &a);
		pthread_mutex_lock(&pa->lock);
		pa->res[i] = a;
		pa->ready[i] = 1;
		pa->parsed = i + 1;
		pthread_cond_broadcast(&pa->cond);
		pthread_mutex_unlock(&pa->lock);
	}
	/* The worker's charset converters die with it. */
	mime_thread_end();
	return NULL;
}

struct parse_ahead *
parse_ahead_start(const struct parse_ahead_src *src, size_t n,
    const struct rules *rs, const struct conf *conf)
{
	struct parse_ahead *pa = xcalloc(1, sizeof(*pa));

	/* libxml2 must be set up by one thread before others parse. */
	xmlInitParser();
	pa->src = src;
	pa->n = n;
	pa->rules = rs;
	pa->conf = conf;
	pa->res = xcalloc(n + 1, sizeof(*pa->res));
	pa->ready = xcalloc(n + 1, 1);
	pthread_mutex_init(&pa->lock, NULL);
	pthread_cond_init(&pa->cond, NULL);
	if (pthread_create(&pa->thread, NULL, worker, pa) != 0) {
		pthread_mutex_destroy(&pa->lock);
		pthread_cond_destroy(&pa->cond);
		free(pa->res);
		free(pa->ready);
		free(pa);
		return NULL;
	}
	return pa;
}

const struct intake_ahead *
parse_ahead_get(struct parse_ahead *pa, size_t i)
{
	pthread_mutex_lock(&pa->lock);
	while (!pa->ready[i])
		pthread_cond_wait(&pa->cond, &pa->lock);
	pthread_mutex_unlock(&pa->lock);
	return &pa->res[i];
}

void
parse_ahead_done(struct parse_ahead *pa, size_t i)
{
	pthread_mutex_lock(&pa->lock);
	pa->consumed = i + 1;
	pthread_cond_broadcast(&pa->cond);
	pthread_mutex_unlock(&pa->lock);
}

void
parse_ahead_end(struct parse_ahead *pa)
{
	if (pa == NULL)
		return;
	pthread_mutex_lock(&pa->lock);
	pa->stop = 1;
	pthread_cond_broadcast(&pa->cond);
	pthread_mutex_unlock(&pa->lock);
	pthread_join(pa->thread, NULL);
	free_done(pa, pa->n);	/* the worker has ended */
	pthread_mutex_destroy(&pa->lock);
	pthread_cond_destroy(&pa->cond);
	free(pa->res);
	free(pa->ready);
	free(pa);
}
