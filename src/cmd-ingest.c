/* SPDX-License-Identifier: ISC */
/*
 * guichet ingest: messages from files, stdin (MTA pipe mode), a Maildir
 * or an mbox, through the intake pipeline, committed in batches.
 */
#include "config.h"

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "desk.h"
#include "guichet.h"
#include "ingest-pipe.h"
#include "intake.h"
#include "log.h"
#include "progress.h"
#include "store.h"

#define INGEST_BATCH 500

struct ingest {
	struct desk	 desk;
	struct progress	 progress;
	size_t		 count[INTAKE_NOT_MAIL + 1];
	size_t		 in_batch;
	int		 tempfail;	/* stop: the rest must be retried */
	int		 failed;	/* a message failed for good */
};

static int
batch_commit(struct ingest *in)
{
	char *cause;

	if (in->in_batch == 0)
		return 0;
	in->in_batch = 0;
	if (store_commit(in->desk.store, &cause) == -1) {
		log_warn("commit: %s", cause);
		free(cause);
		in->tempfail = 1;
		return -1;
	}
	return 0;
}

static int
batch_begin(struct ingest *in)
{
	char *cause;

	if (in->in_batch > 0)
		return 0;
	if (store_begin(in->desk.store, &cause) == -1) {
		log_warn("begin: %s", cause);
		free(cause);
		in->tempfail = 1;
		return -1;
	}
	return 0;
}

/*
 * One message: raw bytes to parse, or (raw NULL) a message parsed ahead
 * by the worker, m NULL when it was not mail.  Returns -1 when the run
 * must stop (temporary failure).
 */
static int
ingest_one(struct ingest *in, const char *name, const char *raw, size_t len,
    const struct message *m)
{
	struct intake_source src = { .name = name };
	struct intake_result res;
	char *cause;
	int rc = 0;

	if (batch_begin(in) == -1)
		return -1;
	in->desk.now = clock_now();
	if (raw != NULL)
		rc = intake_message(&in->desk, raw, len, &src, &res, &cause);
	else if (m != NULL)
		rc = intake_parsed(&in->desk, m, &src, &res, &cause);
	else
		intake_not_mail(&src, len, &res);
	if (rc == -1) {
		log_warn("%s: %s", name, cause);
		free(cause);
		if (res.temporary) {
			in->tempfail = 1;
			return -1;
		}
		in->failed = 1;
	} else
		in->count[res.status]++;
	in->in_batch++;
	progress_step(&in->progress, 1);
	if (in->in_batch >= INGEST_BATCH)
		return batch_commit(in);
	return 0;
}

static int
ingest_path(struct ingest *in, const char *path)
{
	char *raw, *cause, *name;
	size_t len;
	int rc;

	if (file_read(path, &raw, &len, &cause) == -1) {
		log_warn("%s", cause);
		free(cause);
		in->failed = 1;
		return 0;
	}
	name = xasprintf("file:%s", path);
	rc = ingest_one(in, name, raw, len, NULL);
	free(name);
	free(raw);
	return rc;
}

static int
ingest_stdin(struct ingest *in)
{
	struct buf b;
	char chunk[65536];
	size_t n;
	int rc;

	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		buf_add(&b, chunk, n);
	if (ferror(stdin)) {
		log_warn("stdin: read error");
		buf_free(&b);
		in->tempfail = 1;
		return -1;
	}
	rc = ingest_one(in, "stdin", b.data ? b.data : "", b.len, NULL);
	buf_free(&b);
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list_dir(const char *dir, char ***names, size_t *n)
{
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		*names = xreallocarray(*names, *n + 1, sizeof(char *));
		(*names)[(*n)++] = xasprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
}

/* Stores what the worker parsed, in order; -1 when the run must stop. */
static int
ingest_piped(struct ingest *in, struct ingest_pipe *p)
{
	struct ingest_item it;
	int rc = 0;

	while (rc == 0 && ingest_pipe_next(p, &it)) {
		if (it.error != NULL) {
			log_warn("%s", it.error);
			in->failed = 1;
		} else
			rc = ingest_one(in, it.name, NULL, it.len, it.msg);
		ingest_pipe_spent(p, &it);
	}
	return rc;
}

static int
ingest_maildir(struct ingest *in, const char *dir, int quiet)
{
	static const char *const subs[] = { "cur", "new" };
	struct ingest_pipe *p;
	char **names = NULL, *sub;
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; i < ARRAY_LEN(subs); i++) {
		sub = xasprintf("%s/%s", dir, subs[i]);
		list_dir(sub, &names, &n);
		free(sub);
	}
	if (n == 0 && access(dir, R_OK) == -1) {
		log_warn("%s: not a readable Maildir", dir);
		return EX_NOINPUT;
	}
	if (n > 0)
		qsort(names, n, sizeof(char *), name_cmp);
	progress_start(&in->progress, "ingest", n, quiet);
	if ((p = ingest_pipe_files(names, n)) != NULL) {
		ingest_piped(in, p);
		free(ingest_pipe_end(p));
	} else
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = ingest_path(in, names[i]);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	progress_end(&in->progress);
	return 0;
}

static int
mbox_cb(void *arg, const char *raw, size_t len, size_t index)
{
	struct ingest *in = arg;
	char name[64];

	snprintf(name, sizeof(name), "mbox:%zu", index);
	return ingest_one(in, name, raw, len, NULL);
}

static void
bulk(struct ingest *in)
{
	char *cause;

	if (store_bulk(in->desk.store, &cause) == -1) {
		log_warn("%s", cause);	/* only slower */
		free(cause);
	}
}

static void
summary(const struct ingest *in)
{
	log_info("ingested: new=%zu appended=%zu duplicate=%zu dropped=%zu "
	    "bounce=%zu not-mail=%zu", in->count[INTAKE_NEW],
	    in->count[INTAKE_APPENDED], in->count[INTAKE_DUPLICATE],
	    in->count[INTAKE_DROPPED], in->count[INTAKE_BOUNCE],
	    in->count[INTAKE_NOT_MAIL]);
}

static int
exit_code(const struct ingest *in)
{
	if (in->tempfail)
		return EX_TEMPFAIL;
	if (in->failed)
		return EX_SOFTWARE;
	if (in->count[INTAKE_NOT_MAIL] > 0)
		return EX_DATAERR;
	return 0;
}

static int
run_sources(struct ingest *in, int argc, char **argv, const char *maildir,
    const char *mbox, int quiet)
{
	struct ingest_pipe *p;
	char *cause = NULL;
	int rc;

	if (maildir != NULL)
		return ingest_maildir(in, maildir, quiet);
	if (mbox != NULL) {
		progress_start(&in->progress, "ingest", 0, quiet);
		if ((p = ingest_pipe_mbox(mbox)) != NULL) {
			ingest_piped(in, p);
			cause = ingest_pipe_end(p);
			rc = cause != NULL ? -1 : 0;
		} else
			rc = intake_mbox_each(mbox, mbox_cb, in, &cause);
		progress_end(&in->progress);
		if (rc == -1 && !in->tempfail) {
			log_warn("%s", cause);
			free(cause);
			return EX_NOINPUT;
		}
		if (rc == -1)
			free(cause);
		return 0;
	}
	if (argc == 0) {
		ingest_stdin(in);
		return 0;
	}
	for (int i = 0; i < argc && !in->tempfail; i++)
		ingest_path(in, argv[i]);
	return 0;
}

static int
ingest_exec(int argc, char **argv, const struct conf *conf)
{
	static const struct option opts[] = {
		{ "maildir", required_argument, NULL, 'M' },
		{ "mbox", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "notify", no_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	struct ingest *in;
	const char *maildir = NULL, *mbox = NULL;
	int ch, quiet = 0, notify = 0, rc;

	while ((ch = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
		switch (ch) {
		case 'M': maildir = optarg; break;
		case 'm': mbox = optarg; break;
		case 'q': quiet = 1; break;
		case 'n': notify = 1; break;
		default: return cmd_usage(&cmd_ingest, 0);
		}
	}
	argc -= optind;
	argv += optind;
	if ((maildir != NULL) + (mbox != NULL) + (argc > 0) > 1)
		return cmd_usage(&cmd_ingest, 0);
	in = xcalloc(1, sizeof(*in));
	if ((rc = desk_open(&in->desk, conf, 1)) != 0) {
		free(in);
		return rc;
	}
	in->desk.migration = (maildir != NULL || mbox != NULL) && !notify;
	if (maildir != NULL || mbox != NULL)
		bulk(in);
	rc = run_sources(in, argc, argv, maildir, mbox, quiet);
	if (in->tempfail)
		store_rollback(in->desk.store);
	else
		batch_commit(in);
	summary(in);
	if (rc == 0)
		rc = exit_code(in);
	desk_close(&in->desk);
	free(in);
	return rc;
}

const struct cmd cmd_ingest = {
	.name = "ingest",
	.summary = "messages from files or stdin (MTA pipe mode)",
	.usage = "usage: guichet ingest [--quiet] [FILE...]\n"
	    "       guichet ingest [--quiet] [--notify] --maildir DIR\n"
	    "       guichet ingest [--quiet] [--notify] --mbox FILE\n\n"
	    "Turns messages into tickets.  Without FILE, reads one message on\n"
	    "stdin (for an MTA pipe).  Messages already stored are skipped, so\n"
	    "a run can be repeated safely.  --maildir and --mbox are for\n"
	    "migrations: they queue no acknowledgement or notice unless\n"
	    "--notify is given.\n\n"
	    "Exit status: 0 stored or deliberately ignored; 65 input that is\n"
	    "not mail at all; 75 temporary failure (database busy, disk full):\n"
	    "the MTA should retry; 70 a message failed for good (see log).\n",
	.needs_conf = 1,
	.exec = ingest_exec,
};
