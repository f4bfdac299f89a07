/* SPDX-License-Identifier: ISC */
/* MIME parsing on a worker thread, a bounded lead ahead of the store. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include <libxml/parser.h>

#include "guichet.h"
#include "mime.h"
#include "parse-ahead.h"

struct parse_ahead {
	const struct parse_ahead_src *src;
	size_t		 n;
	struct message	**msg;
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
	struct message *m;
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
		if (mime_parse(pa->src[i].data, pa->src[i].len, &m) == -1)
			m = NULL;
		pthread_mutex_lock(&pa->lock);
		pa->msg[i] = m;
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
parse_ahead_start(const struct parse_ahead_src *src, size_t n)
{
	struct parse_ahead *pa = xcalloc(1, sizeof(*pa));

	/* libxml2 must be set up by one thread before others parse. */
	xmlInitParser();
	pa->src = src;
	pa->n = n;
	pa->msg = xcalloc(n + 1, sizeof(*pa->msg));
	pa->ready = xcalloc(n + 1, 1);
	pthread_mutex_init(&pa->lock, NULL);
	pthread_cond_init(&pa->cond, NULL);
	if (pthread_create(&pa->thread, NULL, worker, pa) != 0) {
		pthread_mutex_destroy(&pa->lock);
		pthread_cond_destroy(&pa->cond);
		free(pa->msg);
		free(pa->ready);
		free(pa);
		return NULL;
	}
	return pa;
}

struct message *
parse_ahead_get(struct parse_ahead *pa, size_t i)
{
	struct message *m;

	pthread_mutex_lock(&pa->lock);
	while (!pa->ready[i])
		pthread_cond_wait(&pa->cond, &pa->lock);
	m = pa->msg[i];
	pthread_mutex_unlock(&pa->lock);
	return m;
}

void
parse_ahead_done(struct parse_ahead *pa, size_t i)
{
	struct message *m;

	pthread_mutex_lock(&pa->lock);
	m = pa->msg[i];
	pa->msg[i] = NULL;
	pa->consumed = i + 1;
	pthread_cond_broadcast(&pa->cond);
	pthread_mutex_unlock(&pa->lock);
	message_free(m);
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
		message_free(pa->msg[i]);
	pthread_mutex_destroy(&pa->lock);
	pthread_cond_destroy(&pa->cond);
	free(pa->msg);
	free(pa->ready);
	free(pa);
}
