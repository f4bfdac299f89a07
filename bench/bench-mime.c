/* SPDX-License-Identifier: ISC */
/*
 * bench-mime.c - what mime_parse() costs a message on one core.
 *
 * Reads every file of the given Maildirs (their new/ and cur/; a plain
 * directory of files is read as it is, tests/data/mail say) into memory,
 * then times mime_parse() and message_free() over all of them, PASSES
 * times, with the CPU time of the thread: the best pass gives µs per
 * message and MB/s of raw mail, so the load of other programs on the
 * machine hardly matters.
 *
 *   bench-mime [-p PASSES] [-d DIGESTS] [-v NAME] DIR...
 *
 * -d writes one line per message, its file name and the sha256 of every
 * field of the parsed message (return value, headers, addresses, ids,
 * body and its split, attachments with a hash of their bytes, DSN fields,
 * warnings): two builds parse the same mail alike when their files are
 * equal.  -v prints those fields in full for the file NAME.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "guichet.h"
#include "mime.h"

struct mail {
	char	*name;
	char	*data;
	size_t	 len;
};

static struct mail *mails;
static size_t nmails, mailcap;
static size_t total_bytes;

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mail *)a)->name,
	    ((const struct mail *)b)->name);
}

static void
read_dir(const char *dir)
{
	struct dirent *de;
	struct stat st;
	char *path, *cause = NULL;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		perror(dir);
		exit(1);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (stat(path, &st) == -1 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (nmails == mailcap) {
			mailcap = mailcap == 0 ? 1024 : mailcap * 2;
			mails = xreallocarray(mails, mailcap, sizeof(*mails));
		}
		if (file_read(path, &mails[nmails].data, &mails[nmails].len,
		    &cause) == -1) {
			fprintf(stderr, "%s\n", cause);
			exit(1);
		}
		mails[nmails].name = path;
		total_bytes += mails[nmails].len;
		nmails++;
	}
	closedir(d);
}

static void
read_maildir(const char *dir)
{
	struct stat st;
	char *sub;

	sub = xasprintf("%s/new", dir);
	if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
		read_dir(sub);
		free(sub);
		sub = xasprintf("%s/cur", dir);
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			read_dir(sub);
	} else
		read_dir(dir);
	free(sub);
}

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Every field, each with its name and length so that no two messages
 * serialise alike by accident. */
static void
put(struct buf *b, const char *what, const char *s)
{
	if (s == NULL)
		buf_printf(b, "%s: (null)\n", what);
	else
		buf_printf(b, "%s: %zu [%s]\n", what, strlen(s), s);
}

static void
put_addr(struct buf *b, const char *what, const struct mime_address *a)
{
	buf_printf(b, "%s\n", what);
	put(b, " name", a->name);
	put(b, " addr", a->addr);
}

static void
serialise(struct buf *b, int rc, const struct message *m)
{
	char h[65];
	size_t i;

	buf_printf(b, "rc: %d\n", rc);
	if (m == NULL)
		return;
	buf_printf(b, "raw: %zu %s\n", m->raw_len, m->sha256);
	for (i = 0; i < m->nheaders; i++) {
		put(b, "header", m->headers[i].name);
		put(b, " value", m->headers[i].value);
	}
	put(b, "message_id", m->message_id);
	put(b, "in_reply_to", m->in_reply_to);
	for (i = 0; i < m->nreferences; i++)
		put(b, "reference", m->references[i]);
	put_addr(b, "from", &m->from);
	for (i = 0; i < m->nto; i++)
		put_addr(b, "to", &m->to[i]);
	for (i = 0; i < m->ncc; i++)
		put_addr(b, "cc", &m->cc[i]);
	put_addr(b, "reply_to", &m->reply_to);
	put(b, "subject", m->subject);
	put(b, "date", m->date);
	buf_printf(b, "date_ts: %lld\n", (long long)m->date_ts);
	put(b, "body", m->body);
	put(b, "body_new", m->body_new);
	put(b, "body_quoted", m->body_quoted);
	put(b, "body_signature", m->body_signature);
	buf_printf(b, "body_from_html: %d\n", m->body_from_html);
	for (i = 0; i < m->nattachments; i++) {
		const struct mime_attachment *a = &m->attachments[i];

		put(b, "attachment", a->filename);
		put(b, " type", a->content_type);
		sha256_hex(a->data, a->len, h);
		buf_printf(b, " inline %d len %zu sha256 %s data %s\n",
		    a->is_inline, a->len, a->sha256, h);
	}
	buf_printf(b, "is_dsn: %d\n", m->is_dsn);
	put(b, "dsn_original_id", m->dsn_original_id);
	put(b, "dsn_recipient", m->dsn_recipient);
	put(b, "dsn_status", m->dsn_status);
	put(b, "warnings", m->warnings);
	put(b, "sender_domain", m->sender_domain);
}

static int
dump(const char *path, const char *verbose)
{
	struct message *m;
	struct buf b;
	char h[65];
	FILE *f = NULL;
	size_t i;
	int rc;

	if (path != NULL && (f = fopen(path, "w")) == NULL) {
		perror(path);
		return 1;
	}
	for (i = 0; i < nmails; i++) {
		const char *base = strrchr(mails[i].name, '/');

		base = base != NULL ? base + 1 : mails[i].name;
		if (f == NULL && strcmp(base, verbose) != 0)
			continue;
		rc = mime_parse(mails[i].data, mails[i].len, &m);
		buf_init(&b);
		serialise(&b, rc, m);
		if (f != NULL) {
			sha256_hex(b.data, b.len, h);
			fprintf(f, "%s %s\n", base, h);
		}
		if (verbose != NULL && strcmp(base, verbose) == 0)
			fputs(b.data, stdout);
		buf_free(&b);
		message_free(m);
	}
	if (f != NULL && fclose(f) != 0) {
		perror(path);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct message *m;
	const char *digests = NULL, *verbose = NULL;
	double t0, t, best = 0, sum = 0;
	int ch, passes = 5, p, failed = 0;
	size_t i;

	while ((ch = getopt(argc, argv, "d:p:v:")) != -1) {
		switch (ch) {
		case 'd':
			digests = optarg;
			break;
		case 'p':
			passes = atoi(optarg);
			break;
		case 'v':
			verbose = optarg;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 || passes < 1)
		goto usage;
	for (i = 0; i < (size_t)argc; i++)
		read_maildir(argv[i]);
	if (nmails == 0) {
		fprintf(stderr, "bench-mime: no mail\n");
		return 1;
	}
	qsort(mails, nmails, sizeof(*mails), name_cmp);
	if (digests != NULL || verbose != NULL)
		return dump(digests, verbose);

	for (p = 0; p < passes; p++) {
		t0 = cpu_now();
		for (i = 0; i < nmails; i++) {
			if (mime_parse(mails[i].data, mails[i].len, &m) != 0)
				failed++;
			message_free(m);
		}
		t = cpu_now() - t0;
		sum += t;
		if (p == 0 || t < best)
			best = t;
		printf("pass %d: %.1f us/msg, %.1f MB/s\n", p + 1,
		    t * 1e6 / (double)nmails, (double)total_bytes / t / 1e6);
	}
	printf("%zu messages, %.1f MB, %d not mail; best of %d: %.1f us/msg, "
	    "%.1f MB/s, %.0f msgs/s (mean %.1f us/msg)\n", nmails,
	    (double)total_bytes / 1e6, failed / passes, passes,
	    best * 1e6 / (double)nmails, (double)total_bytes / best / 1e6,
	    (double)nmails / best, sum * 1e6 / passes / (double)nmails);
	return 0;
usage:
	fprintf(stderr, "usage: bench-mime [-p PASSES] [-d DIGESTS] [-v NAME] "
	    "DIR...\n");
	return 2;
}
