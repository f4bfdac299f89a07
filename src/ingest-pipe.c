/* SPDX-License-Identifier: ISC */
/*
 * The read-and-parse workers of `guichet ingest --maildir/--mbox`: one or
 * two threads (two for a Maildir on three cores or more: parsing costs
 * more than storing), a bounded ring of results kept in the order of the
 * source whatever worker finishes first, a mutex and two condition
 * variables.  mime_parse() keeps no shared state but libetpan's
 * charset hook (set once, to the same value) and libxml2's globals,
 * initialised here by the calling thread before the workers start.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "guichet.h"
#include "ingest-pipe.h"
#include "intake.h"
#include "log.h"
#include "mime.h"

#define INGEST_PIPE_WORKERS 2

struct ingest_pipe {
	pthread_t	 thread[INGEST_PIPE_WORKERS];
	int		 nthreads;
	int		 files_ahead;	/* workers write attachment files */
	int		 running;	/* workers not ended yet */
	pthread_mutex_t	 lock;
	pthread_cond_t	 can_put;	/* the ring has room */
	pthread_cond_t	 can_get;	/* the next result is in, or done */
	/* Result number n sits in ring[n % INGEST_PIPE_DEPTH]. */
	struct ingest_item ring[INGEST_PIPE_DEPTH];
	unsigned char	 ready[INGEST_PIPE_DEPTH];
	size_t		 head;		/* the number the consumer wants */
	size_t		 next;		/* the next number to take on */
	size_t		 bytes;		/* raw bytes in the ring */
	struct ingest_item *spent;	/* stored: for a worker to free */
	size_t		 nspent, spent_cap;
	int		 stop;		/* the consumer wants no more */
	/* The source. */
	char *const	*paths;
	size_t		 npaths;
	const char	*mbox;
	char		*error;		/* the mbox could not be read */
	const struct rules *rules;
	const struct conf *conf;
	double		 cpu_workers;	/* CPU seconds of the workers */
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

/*
 * Queues result number n (taking it over); 0, or -1 when told to stop.
 * Beyond the one the consumer waits for, a result waits for room: a slot
 * in the ring and, past the first, INGEST_PIPE_BYTES of raw mail.
 */
static int
put(struct ingest_pipe *p, size_t n, struct ingest_item *it)
{
	int rc = 0;

	free_spent(p);
	pthread_mutex_lock(&p->lock);
	while (!p->stop && n != p->head && (n >= p->head + INGEST_PIPE_DEPTH
	    || p->bytes + it->len > INGEST_PIPE_BYTES))
		pthread_cond_wait(&p->can_put, &p->lock);
	if (p->stop)
		rc = -1;
	else {
		p->ring[n % INGEST_PIPE_DEPTH] = *it;
		p->ready[n % INGEST_PIPE_DEPTH] = 1;
		p->bytes += it->len;
		if (n == p->head)
			pthread_cond_signal(&p->can_get);
	}
	pthread_mutex_unlock(&p->lock);
	if (rc == -1)
		ingest_item_free(it);
	return rc;
}

/* The number of the next file to read, or -1 when none is left. */
static ssize_t
take_file(struct ingest_pipe *p)
{
	ssize_t n = -1;

	pthread_mutex_lock(&p->lock);
	if (!p->stop && p->next < p->npaths)
		n = (ssize_t)p->next++;
	pthread_mutex_unlock(&p->lock);
	return n;
}

static void
parse(const struct ingest_pipe *p, struct ingest_item *it)
{
	intake_ahead_run(p->rules, p->conf, it->raw, it->len, p->files_ahead,
	    &it->ahead);
}

static void
read_files(struct ingest_pipe *p)
{
	struct ingest_item it;
	ssize_t i;

	while ((i = take_file(p)) != -1) {
		memset(&it, 0, sizeof(it));
		it.name = xasprintf("file:%s", p->paths[i]);
		if (file_read(p->paths[i], &it.raw, &it.len, &it.error) == 0)
			parse(p, &it);
		if (put(p, (size_t)i, &it) == -1)
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
	return put(arg, index - 1, &it) == -1;
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
	p->cpu_workers += clock_thread_cpu();
	p->running--;
	pthread_cond_signal(&p->can_get);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/*
 * Two workers only with three cores or more: on two, the second worker
 * and the store fight for the cores and the run is slower (measured: 6%).
 * GUICHET_PARSE_THREADS (1 or 2) says otherwise.
 */
static int
file_workers(void)
{
	const char *env = getenv("GUICHET_PARSE_THREADS");

	if (env != NULL && (strcmp(env, "1") == 0 || strcmp(env, "2") == 0))
		return *env - '0';
	return sysconf(_SC_NPROCESSORS_ONLN) >= 3 ? INGEST_PIPE_WORKERS : 1;
}

static struct ingest_pipe *
start(struct ingest_pipe *p, int nthreads)
{
	xmlInitParser();
	p->cpu_start = clock_thread_cpu();
	/* One worker is the busier side: then the store writes the files. */
	p->files_ahead = nthreads > 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->can_put, NULL);
	pthread_cond_init(&p->can_get, NULL);
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < nthreads; i++)
		if (pthread_create(&p->thread[p->nthreads], NULL, worker, p) ==
		    0) {
			p->nthreads++;
			p->running++;
		}
	pthread_mutex_unlock(&p->lock);
	if (p->nthreads == 0) {
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
	return start(p, file_workers());
}

struct ingest_pipe *
ingest_pipe_mbox(const char *mbox, const struct rules *rs,
    const struct conf *conf)
{
	struct ingest_pipe *p = xcalloc(1, sizeof(*p));

	p->rules = rs;
	p->conf = conf;
	p->mbox = mbox;
	return start(p, 1);	/* an mbox is read in one pass */
}

int
ingest_pipe_next(struct ingest_pipe *p, struct ingest_item *it)
{
	size_t slot = p->head % INGEST_PIPE_DEPTH;
	int got = 0;

	pthread_mutex_lock(&p->lock);
	while (!p->ready[slot] && p->running > 0)
		pthread_cond_wait(&p->can_get, &p->lock);
	if (p->ready[slot]) {
		*it = p->ring[slot];
		p->ready[slot] = 0;
		p->head++;
		p->bytes -= it->len;
		pthread_cond_broadcast(&p->can_put);
		got = 1;
	}
	pthread_mutex_unlock(&p->lock);
	return got;
}

void
ingest_pipe_spent(struct ingest_pipe *p, struct ingest_item *it)
{
	pthread_mutex_lock(&p->lock);
	if (p->running > 0) {
		if (p->nspent == p->spent_cap) {
			p->spent_cap = p->spent_cap ? p->spent_cap * 2 : 16;
			p->spent = xreallocarray(p->spent, p->spent_cap,
			    sizeof(*p->spent));
		}
		p->spent[p->nspent++] = *it;
		memset(it, 0, sizeof(*it));
	}
	pthread_mutex_unlock(&p->lock);
	ingest_item_free(it);	/* the workers have ended: here (or no-op) */
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
	pthread_cond_broadcast(&p->can_put);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->thread[i], NULL);
	/* Which side sets the pace (guichet -vvv). */
	log_debug("ingest: CPU seconds: read and parse %.3f (%d thread%s), "
	    "store %.3f", p->cpu_workers, p->nthreads,
	    p->nthreads > 1 ? "s" : "", clock_thread_cpu() - p->cpu_start);
	for (size_t i = 0; i < INGEST_PIPE_DEPTH; i++)
		if (p->ready[i])
			ingest_item_free(&p->ring[i]);
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
