/* SPDX-License-Identifier: ISC */
/*
 * A worker of `guichet run`: one mailbox, forever.  Connect, pass, wait
 * (IDLE, or a poll_interval sleep), pass again; whatever fails is logged
 * and tried again after an exponential backoff (1 s doubling to 5 min,
 * with jitter); a wrong password is retried too, since the admin may fix
 * it without restarting.  SIGHUP reloads the configuration, the rules and
 * the templates, and keeps the connection when its settings did not
 * change; SIGTERM ends the pass after the message in hand.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sysexits.h>
#include <unistd.h>

#include "backoff.h"
#include "conf.h"
#include "daemon.h"
#include "desk.h"
#include "guichet.h"
#include "imap.h"
#include "intake-imap.h"
#include "log.h"
#include "rules.h"

/* RFC 2177: servers may drop an IDLE after 30 min. */
#define IDLE_MAX	(29 * 60)

struct worker {
	const struct conf	*conf;
	struct conf		*owned;	/* loaded here on SIGHUP */
	const struct conf_imap	*mc;
	char			*name;
	struct desk		 desk;
	int			 has_desk;
	struct imap		*im;
	int			 notify_fd;
	unsigned int		 attempt;
};

static const char *
label(const struct worker *w)
{
	return intake_imap_label(w->mc);
}

static const struct conf_imap *
section(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nimaps; i++)
		if (strcmp(c->imaps[i].name, name) == 0)
			return &c->imaps[i];
	return NULL;
}

/* A cause as one quoted key=value value: no quote, no control byte. */
static char *
quoted(const char *s)
{
	char *q = xasprintf("\"%s\"", s);

	for (char *p = q + 1; p[1] != '\0'; p++)
		if (*p == '"')
			*p = '\'';
		else if ((unsigned char)*p < ' ')
			*p = ' ';
	return q;
}

static void
drop(struct worker *w)
{
	if (w->im == NULL)
		return;
	imap_logout(w->im);
	imap_free(w->im);
	w->im = NULL;
}

/* Logs what failed and sleeps the backoff (a signal cuts it short). */
static int
retry(struct worker *w, const char *event, const char *cause,
    enum imap_fail fail)
{
	unsigned long ms = backoff_next_ms(++w->attempt);
	char *q = quoted(cause);

	log_warn("mailbox=%s event=%s kind=%s error=%s attempt=%u "
	    "retry_in=%.1fs", label(w), event, fail == IMAP_FAIL_CONFIG ?
	    "config" : fail == IMAP_FAIL_TEMP ? "temporary" : "other", q,
	    w->attempt, (double)ms / 1000);
	free(q);
	if (!daemon_term_requested() && !daemon_got_hup)
		daemon_wait(-1, (long)ms);
	return -1;
}

static int
open_desk(struct worker *w)
{
	int rc;

	/* desk_open says why on stderr. */
	if ((rc = desk_open(&w->desk, w->conf, 1)) != 0)
		return retry(w, "desk-error", "cannot open the desk", rc ==
		    EX_TEMPFAIL ? IMAP_FAIL_TEMP : IMAP_FAIL_CONFIG);
	w->has_desk = 1;
	return 0;
}

/* Rule files changed on disk: the new rules, or the old ones if the new
 * ones do not compile (rules_reload keeps them). */
static void
rules_follow(struct worker *w)
{
	char *errors;

	if (w->desk.rules == NULL ||
	    !rules_changed(w->desk.rules, w->conf->rules_dir))
		return;
	if (rules_reload(&w->desk.rules, w->conf->rules_dir, w->conf,
	    &errors) == -1) {
		log_warn("mailbox=%s event=rules-reload-failed: the rules in "
		    "force stay\n%s", label(w), errors);
		free(errors);
	} else
		log_event("mailbox=%s event=rules-reload rules=%zu", label(w),
		    rules_count(w->desk.rules));
}

static int
connect_mailbox(struct worker *w)
{
	char *cause;
	int rc;

	w->im = imap_new(w->mc);
	if (imap_connect(w->im, &cause) == -1 ||
	    imap_select(w->im, &cause) == -1) {
		rc = retry(w, "connect-error", cause, imap_failure(w->im));
		free(cause);
		drop(w);
		return rc;
	}
	log_event("mailbox=%s event=connected host=%s port=%d mailbox=%s "
	    "idle=%s uidvalidity=%u", label(w), w->mc->host, w->mc->port,
	    log_safe(w->mc->mailbox), imap_has_idle(w->im) ? "yes" : "no",
	    imap_uidvalidity(w->im));
	return 0;
}

static int
stop_cb(void *arg)
{
	(void)arg;
	return daemon_term_requested();
}

static void
committed_cb(void *arg, size_t n)
{
	struct worker *w = arg;
	ssize_t r;

	(void)n;
	/* The supervisor runs the outbox; a full pipe is news enough. */
	do
		r = write(w->notify_fd, "c", 1);
	while (r == -1 && errno == EINTR);
}

static int
pass(struct worker *w)
{
	struct intake_imap_hooks h = { .stop = stop_cb,
	    .committed = committed_cb, .arg = w };
	struct intake_imap_stats st;
	enum imap_fail fail;
	char *cause;
	int rc;

	imap_exists_take(w->im);
	if (intake_imap_pass(&w->desk, w->im, w->mc, &h, &st, &fail,
	    &cause) == 0)
		return 0;
	if (!imap_alive(w->im))
		drop(w);
	rc = retry(w, "pass-error", cause, fail);
	free(cause);
	return rc;
}

static int
wait_mail(struct worker *w)
{
	time_t tmo = w->mc->idle_timeout;
	char *cause;
	int pending, woken;

	if (!imap_has_idle(w->im)) {
		daemon_wait(-1, (long)(w->mc->poll_interval > 0 ?
		    w->mc->poll_interval : 1) * 1000);
		return 0;
	}
	if (tmo <= 0 || tmo > IDLE_MAX)
		tmo = IDLE_MAX;
	if (imap_idle_start(w->im, &pending, &cause) == 0) {
		/* Any server line wakes us: a pass costs one UID SEARCH. */
		if (!pending && !imap_idle_buffered(w->im))
			daemon_wait(imap_idle_fd(w->im), (long)tmo * 1000);
		if (imap_idle_done(w->im, &woken, &cause) == 0)
			return 0;
	}
	drop(w);
	/* Lost in IDLE (a server restart): the first retry comes soon. */
	retry(w, "idle-error", cause, IMAP_FAIL_TEMP);
	free(cause);
	return -1;
}

static int
conn_changed(const struct conf_imap *a, const struct conf_imap *b)
{
	return strcmp(a->host, b->host) != 0 || a->port != b->port ||
	    a->security != b->security || strcmp(a->user, b->user) != 0 ||
	    strcmp(a->password, b->password) != 0 ||
	    strcmp(a->mailbox, b->mailbox) != 0 ||
	    strcmp(a->done_mailbox, b->done_mailbox) != 0 ||
	    strcmp(a->ca_file, b->ca_file) != 0 ||
	    strcmp(a->auth, b->auth) != 0;
}

/* SIGHUP.  Returns 1 when this mailbox is no longer configured. */
static int
reload(struct worker *w)
{
	const struct conf_imap *nmc;
	struct conf *nc;
	struct desk nd;
	char *errors;
	int reconnect;

	if (conf_load(w->conf->path, &nc, &errors) == -1) {
		free(errors);	/* the supervisor logs them once */
		return 0;
	}
	if ((nmc = section(nc, w->name)) == NULL) {
		conf_free(nc);
		return 1;
	}
	if (desk_open(&nd, nc, 1) != 0) {
		conf_free(nc);
		return 0;
	}
	reconnect = w->im != NULL && conn_changed(w->mc, nmc);
	if (reconnect)
		drop(w);
	if (w->has_desk)
		desk_close(&w->desk);
	w->desk = nd;
	w->has_desk = 1;
	if (w->im != NULL)
		imap_set_conf(w->im, nmc);
	conf_free(w->owned);
	w->owned = nc;
	w->conf = nc;
	w->mc = nmc;
	w->attempt = 0;
	log_event("mailbox=%s event=reload reconnect=%s", label(w),
	    reconnect ? "yes" : "no");
	return 0;
}

static int
step(struct worker *w)
{
	if (!w->has_desk && open_desk(w) == -1)
		return -1;
	rules_follow(w);
	if (w->im == NULL && connect_mailbox(w) == -1)
		return -1;
	if (pass(w) == -1)
		return -1;
	w->attempt = 0;
	/* Mail announced during the pass: another pass, no wait. */
	if (daemon_term_requested() || daemon_got_hup ||
	    imap_exists_take(w->im))
		return 0;
	return wait_mail(w);
}

int
daemon_mailbox(const struct conf *conf, const char *name, int notify_fd)
{
	struct worker w = { .conf = conf, .notify_fd = notify_fd };

	srandom((unsigned int)getpid() ^ (unsigned int)time(NULL));
	if ((w.mc = section(conf, name)) == NULL)
		return 0;
	w.name = xstrdup(name);
	while (!daemon_term_requested()) {
		if (daemon_got_hup) {
			daemon_got_hup = 0;
			if (reload(&w) == 1)
				break;
		}
		step(&w);
	}
	drop(&w);
	if (w.has_desk)
		desk_close(&w.desk);
	conf_free(w.owned);
	free(w.name);
	close(notify_fd);
	return 0;
}
