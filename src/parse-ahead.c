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
	int		 stop;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	pthread_t	 thread;
};

static void *
worker(void *arg)
{
	struct parse_ahead *pa = arg;
	struct intake_ahead a;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&pa->lock);
		while (!pa->stop && pa->parsed < pa->n &&
		    pa->parsed >= pa->consumed + PARSE_AHEAD_LEAD)
			pthread_cond_wait(&pa->cond, &pa->lock);
		if (pa->stop || pa->parsed >= pa->n) {
			pthread_mutex_unlock(&pa->lock);
			break;
		}
		i = pa->parsed;
		pthread_mutex_unlock(&pa->lock);
		intake_ahead_run(pa->rules, pa->conf, pa->src[i].data,
		    pa->src[i].len, &a);
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
	struct intake_ahead a;

	pthread_mutex_lock(&pa->lock);
	a = pa->res[i];
	memset(&pa->res[i], 0, sizeof(pa->res[i]));
	pa->consumed = i + 1;
	pthread_cond_broadcast(&pa->cond);
	pthread_mutex_unlock(&pa->lock);
	intake_ahead_free(&a);
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
	for (size_t i = 0; i < pa->n; i++)
		intake_ahead_free(&pa->res[i]);
	pthread_mutex_destroy(&pa->lock);
	pthread_cond_destroy(&pa->cond);
	free(pa->res);
	free(pa->ready);
	free(pa);
}
