/* SPDX-License-Identifier: ISC */
/*
 * ingest-pipe.h - reading and MIME parsing ahead of the store, on a
 * worker thread, for `guichet ingest --maildir` and `--mbox`.
 *
 * The worker reads each message and runs mime_parse() on it; the calling
 * thread takes the parsed messages in order and stores them
 * (intake_parsed()).  The queue between them holds at most
 * INGEST_PIPE_DEPTH messages and, beyond the first, INGEST_PIPE_BYTES of
 * raw mail, so memory stays bounded whatever the mailbox.  Nothing is
 * logged or stored by the worker: it only reads files and parses.
 */
#ifndef INGEST_PIPE_H
#define INGEST_PIPE_H

#include <stddef.h>

#define INGEST_PIPE_DEPTH	64
#define INGEST_PIPE_BYTES	(2 * 1024 * 1024)

struct message;
struct ingest_pipe;

struct ingest_item {
	char		*name;	/* source name: "file:PATH" or "mbox:N" */
	char		*raw;	/* the bytes (msg borrows them) */
	size_t		 len;
	struct message	*msg;	/* NULL when not mail, or unreadable */
	char		*error;	/* unreadable: why (raw is then NULL) */
};

/* Starts the worker on the files paths[0..n-1] (borrowed: they must
 * outlive the pipe), or on the messages of the mbox file mbox.  NULL when
 * no thread can be started: the caller then works alone. */
struct ingest_pipe *ingest_pipe_files(char *const *paths, size_t n);
struct ingest_pipe *ingest_pipe_mbox(const char *mbox);

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
