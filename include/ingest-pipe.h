/* SPDX-License-Identifier: ISC */
/*
 * ingest-pipe.h - reading and MIME parsing ahead of the store, on one
 * or two worker threads, for `guichet ingest --maildir` and `--mbox`.
 *
 * A worker reads each message, parses it, runs the rules on it and, when
 * there are two workers, writes its attachment files (intake_ahead_run());
 * the calling thread takes the results in the order of the source and
 * stores them (intake_parsed()).  The queue between them holds at most
 * INGEST_PIPE_DEPTH messages and, beyond the first, INGEST_PIPE_BYTES of
 * raw mail, so memory stays bounded whatever the mailbox.  Workers log
 * nothing and write nothing to the database.
 */
#ifndef INGEST_PIPE_H
#define INGEST_PIPE_H

#include <stddef.h>

#include "intake.h"

#define INGEST_PIPE_DEPTH	64
#define INGEST_PIPE_BYTES	(2 * 1024 * 1024)

struct conf;
struct ingest_pipe;
struct rules;

struct ingest_item {
	char		*name;	/* source name: "file:PATH" or "mbox:N" */
	char		*raw;	/* the bytes (msg borrows them) */
	size_t		 len;
	struct intake_ahead ahead; /* msg NULL: not mail, or unreadable */
	char		*error;	/* unreadable: why (raw is then NULL) */
};

/* Starts the worker on the files paths[0..n-1] (borrowed: they must
 * outlive the pipe), or on the messages of the mbox file mbox, with the
 * rules rs (NULL: none) and conf, which must not change while it runs.
 * NULL when no thread can be started: the caller then works alone. */
struct ingest_pipe *ingest_pipe_files(char *const *paths, size_t n,
	    const struct rules *rs, const struct conf *conf);
struct ingest_pipe *ingest_pipe_mbox(const char *mbox,
	    const struct rules *rs, const struct conf *conf);

/* The next message in order: 1, or 0 when there is none left. */
int	 ingest_pipe_next(struct ingest_pipe *, struct ingest_item *);
/* Gives back an item taken by ingest_pipe_next(): the worker frees it. */
void	 ingest_pipe_spent(struct ingest_pipe *, struct ingest_item *);
void	 ingest_item_free(struct ingest_item *);

/* Stops the worker (early if messages are left), waits for it and frees
 * the pipe.  Returns NULL, or why the source could not be read to its end
 * (an mbox that is not one); the caller frees it. */
char	*ingest_pipe_end(struct ingest_pipe *);

#endif
