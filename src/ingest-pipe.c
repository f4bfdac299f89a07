/* SPDX-License-Identifier: ISC */
/*
 * The read-and-parse worker of `guichet ingest --maildir/--mbox`: one
 * thread, a bounded ring of parsed messages, a mutex and two condition
 * variables.  mime_parse() keeps no shared state but libetpan's charset
 * hook (set once, to the same value) and libxml2's globals, initialised
 * here by the calling thread before the worker starts.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "guichet.h"
#include "ingest-pipe.h"
#include "intake.h"
#include "log.h"
#include "mime.h"

struct ingest_pipe {
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 can_put;	/* the ring has room */
	pthread_cond_t	 can_get;	/* the ring has a message, or done */
	struct ingest_item ring[INGEST_PIPE_DEPTH];
	size_t		 head, count, bytes;
	int		 done;		/* the worker has put its last */
	struct ingest_item *spent;	/* stored: for the worker to free */
	size_t		 nspent, spent_cap;
	int		 stop;		/* the consumer wants no more */
	/* The source. */
	char *const	*paths;
	size_t		 npaths;
	const char	*mbox;
	char		*error;		/* the mbox could not be read */
	const struct rules *rules;
	const struct conf *conf;
	double		 cpu_worker;	/* CPU seconds of the worker */
	double		 cpu_start;	/* of the consumer, at the start */
};

/* Frees the items the consumer is done with: here, on the thread that
 * allocated them, so that glibc's malloc does not hand every chunk back
 * across arenas (and the consumer, the busier thread, does not free). */
static void
free_spent(struct ingest_pipe *p)
{
	struct ingest_item *v;
	size_t n;

	pthread_mutex_lock(&p->lock);
	v = p->spent;
	n = p->nspent;
	p->spent = NULL;
	p->nspent = p->spent_cap = 0;
	pthread_mutex_unlock(&p->lock);
	for (size_t i = 0; i < n; i++)
		ingest_item_free(&v[i]);
	free(v);
}

/* Queues one item (taking it over); 0, or -1 when told to stop. */
static int
put(struct ingest_pipe *p, struct ingest_item *it)
{
	int rc = 0;

	free_spent(p);
	pthread_mutex_lock(&p->lock);
	while (!p->stop && p->count > 0 && (p->count == INGEST_PIPE_DEPTH ||
	    p->bytes + it->len > INGEST_PIPE_BYTES))
		pthread_cond_wait(&p->can_put, &p->lock);
	if (p->stop)
		rc = -1;
	else {
		p->ring[(p->head + p->count) % INGEST_PIPE_DEPTH] = *it;
		p->count++;
		p->bytes += it->len;
		pthread_cond_signal(&p->can_get);
	}
	pthread_mutex_unlock(&p->lock);
	if (rc == -1)
		ingest_item_free(it);
	return rc;
}

static void
parse(const struct ingest_pipe *p, struct ingest_item *it)
{
	intake_ahead_run(p->rules, p->conf, it->raw, it->len, &it->ahead);
}

static void
read_files(struct ingest_pipe *p)
{
	struct ingest_item it;

	for (size_t i = 0; i < p->npaths; i++) {
		memset(&it, 0, sizeof(it));
		it.name = xasprintf("file:%s", p->paths[i]);
		if (file_read(p->paths[i], &it.raw, &it.len, &it.error) == 0)
			parse(p, &it);
		if (put(p, &it) == -1)
			return;
	}
}

static int
mbox_message(void *arg, const char *raw, size_t len, size_t index)
{
	struct ingest_item it;

	memset(&it, 0, sizeof(it));
	it.name = xasprintf("mbox:%zu", index);
	it.raw = xmalloc(len + 1);
	memcpy(it.raw, raw, len);
	it.raw[len] = '\0';
	it.len = len;
	parse(arg, &it);
	return put(arg, &it) == -1;
}

static void *
worker(void *arg)
{
	struct ingest_pipe *p = arg;
	char *cause = NULL;

	if (p->mbox == NULL)
		read_files(p);
	else if (intake_mbox_each(p->mbox, mbox_message, p, &cause) == -1) {
		pthread_mutex_lock(&p->lock);
		if (!p->stop)
			p->error = cause;
		else
			free(cause);
		pthread_mutex_unlock(&p->lock);
	}
	free_spent(p);
	mime_thread_end();
	pthread_mutex_lock(&p->lock);
	p->cpu_worker = clock_thread_cpu();
	p->done = 1;
	pthread_cond_signal(&p->can_get);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static struct ingest_pipe *
start(struct ingest_pipe *p)
{
	xmlInitParser();
	p->cpu_start = clock_thread_cpu();
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->can_put, NULL);
	pthread_cond_init(&p->can_get, NULL);
	if (pthread_create(&p->thread, NULL, worker, p) != 0) {
		pthread_cond_destroy(&p->can_get);
		pthread_cond_destroy(&p->can_put);
		pthread_mutex_destroy(&p->lock);
		free(p);
		return NULL;
	}
	return p;
}

struct ingest_pipe *
ingest_pipe_files(char *const *paths, size_t n, const struct rules *rs,
    const struct conf *conf)
{
	struct ingest_pipe *p = xcalloc(1, sizeof(*p));

	p->rules = rs;
	p->conf = conf;
	p->paths = paths;
	p->npaths = n;
	return start(p);
}

struct ingest_pipe *
ingest_pipe_mbox(const char *mbox, const struct rules *rs,
    const struct conf *conf)
{
	struct ingest_pipe *p = xcalloc(1, sizeof(*p));

	p->rules = rs;
	p->conf = conf;
	p->mbox = mbox;
	return start(p);
}

int
ingest_pipe_next(struct ingest_pipe *p, struct ingest_item *it)
{
	int got = 0;

	pthread_mutex_lock(&p->lock);
	while (p->count == 0 && !p->done)
		pthread_cond_wait(&p->can_get, &p->lock);
	if (p->count > 0) {
		*it = p->ring[p->head];
		p->head = (p->head + 1) % INGEST_PIPE_DEPTH;
		p->count--;
		p->bytes -= it->len;
		pthread_cond_signal(&p->can_put);
		got = 1;
	}
	pthread_mutex_unlock(&p->lock);
	return got;
}

void
ingest_pipe_spent(struct ingest_pipe *p, struct ingest_item *it)
{
	pthread_mutex_lock(&p->lock);
	if (!p->done) {
		if (p->nspent == p->spent_cap) {
			p->spent_cap = p->spent_cap ? p->spent_cap * 2 : 16;
			p->spent = xreallocarray(p->spent, p->spent_cap,
			    sizeof(*p->spent));
		}
		p->spent[p->nspent++] = *it;
		memset(it, 0, sizeof(*it));
	}
	pthread_mutex_unlock(&p->lock);
	ingest_item_free(it);	/* the worker has ended: here (or no-op) */
}

void
ingest_item_free(struct ingest_item *it)
{
	intake_ahead_free(&it->ahead);
	free(it->raw);
	free(it->name);
	free(it->error);
	memset(it, 0, sizeof(*it));
}

char *
ingest_pipe_end(struct ingest_pipe *p)
{
	char *error;

	pthread_mutex_lock(&p->lock);
	p->stop = 1;
	pthread_cond_signal(&p->can_put);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	/* Which of the two threads sets the pace (guichet -vvv). */
	log_debug("ingest: CPU seconds: read and parse %.3f, store %.3f",
	    p->cpu_worker, clock_thread_cpu() - p->cpu_start);
	for (; p->count > 0; p->count--) {
		ingest_item_free(&p->ring[p->head]);
		p->head = (p->head + 1) % INGEST_PIPE_DEPTH;
	}
	for (size_t i = 0; i < p->nspent; i++)
		ingest_item_free(&p->spent[i]);
	free(p->spent);
	error = p->error;
	pthread_cond_destroy(&p->can_get);
	pthread_cond_destroy(&p->can_put);
	pthread_mutex_destroy(&p->lock);
	free(p);
	return error;
}
