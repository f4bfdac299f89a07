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

#define INGEST_BATCH 500	/* messages a commit */
#define INGEST_GROUP 32		/* messages under one savepoint */

struct ingest {
	struct desk	 desk;
	struct progress	 progress;
	size_t		 count[INTAKE_NOT_MAIL + 1];
	size_t		 in_batch;
	int		 tempfail;	/* stop: the rest must be retried */
	int		 failed;	/* a message failed for good */
	/* The group under the savepoint (see intake_source.grouped): its
	 * messages are kept until it is released, to be taken again. */
	struct ingest_item group[INGEST_GROUP];
	size_t		 ngroup;
	size_t		 group_count[INTAKE_NOT_MAIL + 1];
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
 * The intake of one message: raw bytes to parse, or (raw NULL) a message
 * parsed and classified ahead by the worker, a->msg NULL when it was not
 * mail.  Returns 0 (stored, or failed for good), -1 when the run must
 * stop (temporary failure), 1 when it failed in a group.
 */
static int
intake_one(struct ingest *in, const char *name, const char *raw, size_t len,
    const struct intake_ahead *a, int grouped)
{
	struct intake_source src = { .name = name, .grouped = grouped };
	struct intake_result res;
	char *cause;
	int rc = 0;

	in->desk.now = clock_now();
	if (raw != NULL)
		rc = intake_message(&in->desk, raw, len, &src, &res, &cause);
	else if (a->msg != NULL)
		rc = intake_parsed(&in->desk, a->msg, a->verdict, &src, &res,
		    &cause);
	else
		intake_not_mail(&src, len, &res);
	if (rc == 0) {
		in->count[res.status]++;
		return 0;
	}
	if (grouped) {
		/* Said again when the message is taken alone. */
		free(cause);
		return 1;
	}
	log_warn("%s: %s", name, cause);
	free(cause);
	if (res.temporary) {
		in->tempfail = 1;
		return -1;
	}
	in->failed = 1;
	return 0;
}

/* One message read by the caller (see intake_one); -1: stop the run. */
static int
ingest_one(struct ingest *in, const char *name, const char *raw, size_t len)
{
	if (batch_begin(in) == -1 || intake_one(in, name, raw, len, NULL, 0)
	    == -1)
		return -1;
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
	rc = ingest_one(in, name, raw, len);
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
	rc = ingest_one(in, "stdin", b.data ? b.data : "", b.len);
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

/* Gives the group's messages back to the worker; commits when the batch
 * is full.  -1: stop the run. */
static int
group_end(struct ingest *in, struct ingest_pipe *p)
{
	for (size_t i = 0; i < in->ngroup; i++)
		ingest_pipe_spent(p, &in->group[i]);
	in->ngroup = 0;
	if (in->tempfail)
		return -1;
	return in->in_batch >= INGEST_BATCH ? batch_commit(in) : 0;
}

static int
group_release(struct ingest *in, struct ingest_pipe *p)
{
	char *cause;

	if (in->ngroup > 0 && store_release(in->desk.store, STORE_SP_GROUP,
	    &cause) == -1) {
		log_warn("release: %s", cause);
		free(cause);
		in->tempfail = 1;
	}
	return group_end(in, p);
}

/* A message of the group failed: the group is undone and taken again,
 * each message under its own savepoint, so that only the bad one is
 * left out (and said). */
static int
group_again(struct ingest *in, struct ingest_pipe *p)
{
	int rc = 0;

	store_rollback_savepoint(in->desk.store, STORE_SP_GROUP);
	memcpy(in->count, in->group_count, sizeof(in->count));
	log_info("ingest: a message failed: its group of %zu is taken again "
	    "one by one", in->ngroup);
	for (size_t i = 0; i < in->ngroup && rc == 0; i++)
		rc = intake_one(in, in->group[i].name, NULL, in->group[i].len,
		    &in->group[i].ahead, 0);
	return group_end(in, p);
}

/* One message parsed ahead, into the group (which takes it over). */
static int
ingest_grouped(struct ingest *in, struct ingest_pipe *p,
    struct ingest_item *it)
{
	char *cause;
	int rc;

	if (in->ngroup == 0) {
		if (batch_begin(in) == -1) {
			ingest_pipe_spent(p, it);
			return -1;
		}
		if (store_savepoint(in->desk.store, STORE_SP_GROUP, &cause)
		    == -1) {
			log_warn("savepoint: %s", cause);
			free(cause);
			in->tempfail = 1;
			ingest_pipe_spent(p, it);
			return -1;
		}
		memcpy(in->group_count, in->count, sizeof(in->count));
	}
	in->group[in->ngroup++] = *it;
	rc = intake_one(in, it->name, NULL, it->len, &it->ahead, 1);
	in->in_batch++;
	progress_step(&in->progress, 1);
	if (rc == 1)
		return group_again(in, p);
	if (in->ngroup == INGEST_GROUP || in->in_batch >= INGEST_BATCH)
		return group_release(in, p);
	return 0;
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
			ingest_pipe_spent(p, &it);
		} else
			rc = ingest_grouped(in, p, &it);
	}
	if (rc == 0)
		rc = group_release(in, p);
	else
		group_end(in, p);
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
	if ((p = ingest_pipe_files(names, n, in->desk.rules,
	    in->desk.conf)) != NULL) {
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
	return ingest_one(in, name, raw, len);
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
		if ((p = ingest_pipe_mbox(mbox, in->desk.rules,
		    in->desk.conf)) != NULL) {
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
