/* SPDX-License-Identifier: ISC */
/*
 * The checkpointer of a long batch run (store_bulk()): WAL checkpoints on
 * a thread of their own, with a connection of their own, instead of on the
 * thread that writes.  A checkpoint copies the WAL into the database and
 * syncs both (synchronous=NORMAL); done by the writer, it stopped every
 * store for as long (a tenth of the writer's time in a bulk ingest, plus
 * the wait for the disk).  SQLite lets a checkpoint run beside a writer:
 * the writer keeps appending, and starts the WAL over at its next
 * transaction once a checkpoint has copied it all.  Durability is the
 * same: a commit is in the WAL before it is acknowledged.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "guichet.h"
#include "log.h"
#include "store-int.h"

struct store_ckpt {
	sqlite3		*db;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;		/* a job, or the end of one */
	int		 wanted;	/* pages in the WAL when poked */
	int		 running;	/* a checkpoint is under way */
	int		 stop;
};

static void *
ckpt_main(void *arg)
{
	struct store_ckpt *ck = arg;
	int rc, stop = 0, nlog, ncopied;

	while (!stop) {
		pthread_mutex_lock(&ck->lock);
		ck->running = 0;
		pthread_cond_broadcast(&ck->cond);
		while (!ck->stop && ck->wanted == 0)
			pthread_cond_wait(&ck->cond, &ck->lock);
		ck->running = ck->wanted != 0;
		ck->wanted = 0;
		stop = ck->stop;
		pthread_mutex_unlock(&ck->lock);
		if (stop)
			break;
		/* PASSIVE: never waits for the writer nor blocks it.  A
		 * checkpoint that could not copy everything is simply
		 * asked again after a later commit. */
		rc = sqlite3_wal_checkpoint_v2(ck->db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, &nlog, &ncopied);
		log_debug("checkpoint: %d of %d WAL frames copied", ncopied,
		    nlog);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_warn("checkpoint: %s", sqlite3_errmsg(ck->db));
	}
	return NULL;
}

struct store_ckpt *
store_ckpt_start(const char *path)
{
	struct store_ckpt *ck = xcalloc(1, sizeof(*ck));

	/* A connection learns that the database is in WAL mode (without
	 * which a checkpoint does nothing) when it first reads it. */
	if (sqlite3_open_v2(path, &ck->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(ck->db, 5000) != SQLITE_OK ||
	    sqlite3_exec(ck->db, "PRAGMA schema_version", NULL, NULL, NULL) !=
	    SQLITE_OK)
		goto fail;
	pthread_mutex_init(&ck->lock, NULL);
	pthread_cond_init(&ck->cond, NULL);
	if (pthread_create(&ck->thread, NULL, ckpt_main, ck) == 0)
		return ck;
	pthread_cond_destroy(&ck->cond);
	pthread_mutex_destroy(&ck->lock);
fail:
	sqlite3_close(ck->db);
	free(ck);
	return NULL;
}

void
store_ckpt_poke(struct store_ckpt *ck, int pages)
{
	pthread_mutex_lock(&ck->lock);
	ck->wanted = pages;
	pthread_cond_broadcast(&ck->cond);
	pthread_mutex_unlock(&ck->lock);
}

/* SQLite never waits for the checkpoint lock (not even with a busy
 * handler): whoever wants it while the thread checkpoints must wait here. */
void
store_ckpt_wait(struct store_ckpt *ck)
{
	pthread_mutex_lock(&ck->lock);
	while (ck->running || ck->wanted != 0)
		pthread_cond_wait(&ck->cond, &ck->lock);
	pthread_mutex_unlock(&ck->lock);
}

void
store_ckpt_end(struct store_ckpt *ck)
{
	if (ck == NULL)
		return;
	pthread_mutex_lock(&ck->lock);
	ck->stop = 1;
	pthread_cond_broadcast(&ck->cond);
	pthread_mutex_unlock(&ck->lock);
	pthread_join(ck->thread, NULL);
	pthread_cond_destroy(&ck->cond);
	pthread_mutex_destroy(&ck->lock);
	sqlite3_close(ck->db);
	free(ck);
}
