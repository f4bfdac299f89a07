/* SPDX-License-Identifier: ISC */
/*
 * The supervisor of `guichet run` (the shape is in daemon.h): one worker
 * process per mailbox, restarted with backoff when it dies; the outbox
 * after every commit a worker reports and every OUTBOX_EVERY seconds;
 * SIGHUP reloads the configuration (workers reload their own part and
 * keep their connection when it did not change); SIGTERM stops the
 * workers, each after the message in hand, and exits 0.
 *
 * The supervisor keeps no database open between outbox passes, so that a
 * worker forked at any time inherits no SQLite connection.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "backoff.h"
#include "conf.h"
#include "daemon.h"
#include "desk.h"
#include "guichet.h"
#include "log.h"
#include "outbox.h"

#define OUTBOX_EVERY	30	/* s between outbox passes when quiet */
#define OUTBOX_MAX	50	/* messages per outbox pass */
#define STOP_GRACE	30	/* s the workers get to finish on SIGTERM */
#define HEALTHY_AFTER	60	/* s up: its deaths count afresh */

volatile sig_atomic_t daemon_got_term, daemon_got_hup, daemon_got_chld;
static sigset_t wait_mask;

struct child {
	char		*name;		/* of its [imap NAME] */
	pid_t		 pid;		/* 0: not running */
	unsigned int	 deaths;	/* in a row */
	double		 started, restart_at;
	int		 removed;	/* its section is gone */
};

struct sup {
	const struct conf	*conf;
	struct conf		*owned;	/* loaded on SIGHUP */
	struct child		*kids;
	size_t			 nkids;
	int			 notify[2];
	double			 outbox_at;
};

static void
on_signal(int sig)
{
	if (sig == SIGTERM || sig == SIGINT)
		daemon_got_term = 1;
	else if (sig == SIGHUP)
		daemon_got_hup = 1;
	else if (sig == SIGCHLD)
		daemon_got_chld = 1;
}

void
daemon_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD };
	struct sigaction sa;
	sigset_t block;

	sigemptyset(&block);
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++)
		sigaddset(&block, sigs[i]);
	sigprocmask(SIG_BLOCK, &block, &wait_mask);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_LEN(sigs); i++) {
		sigdelset(&wait_mask, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

int
daemon_wait(int fd, long ms)
{
	struct timespec ts, *tp = NULL;
	fd_set rfds;

	FD_ZERO(&rfds);
	if (fd >= 0)
		FD_SET(fd, &rfds);
	if (ms >= 0) {
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = (ms % 1000) * 1000000L;
		tp = &ts;
	}
	/* The only moment the signals are let through. */
	if (pselect(fd + 1, fd >= 0 ? &rfds : NULL, NULL, NULL, tp,
	    &wait_mask) <= 0)
		return 0;
	return fd >= 0 && FD_ISSET(fd, &rfds);
}

int
daemon_term_requested(void)
{
	sigset_t p;

	if (daemon_got_term)
		return 1;
	return sigpending(&p) == 0 && (sigismember(&p, SIGTERM) == 1 ||
	    sigismember(&p, SIGINT) == 1);
}

static void
kid_add(struct sup *s, const char *name)
{
	s->kids = xreallocarray(s->kids, s->nkids + 1, sizeof(*s->kids));
	memset(&s->kids[s->nkids], 0, sizeof(s->kids[0]));
	s->kids[s->nkids++].name = xstrdup(name);
}

static void
spawn(struct sup *s, struct child *c)
{
	pid_t parent = getpid(), pid;

	fflush(NULL);	/* or the child would write the buffers again */
	if ((pid = fork()) == -1) {
		log_warn("mailbox=%s event=fork-failed error=%s", *c->name ?
		    c->name : "default", strerror(errno));
		c->restart_at = clock_mono() + 5;
		return;
	}
	if (pid == 0) {
		close(s->notify[0]);
#ifdef __linux__
		/* A supervisor killed with -9 takes its workers along. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
		if (getppid() != parent)
			_exit(0);
		daemon_got_hup = daemon_got_chld = 0;
		exit(daemon_mailbox(s->conf, c->name, s->notify[1]));
	}
	c->pid = pid;
	c->started = clock_mono();
	log_debug("mailbox=%s event=worker-start pid=%ld",
	    *c->name ? c->name : "default", (long)pid);
}

static struct child *
kid_by_pid(struct sup *s, pid_t pid)
{
	for (size_t i = 0; i < s->nkids; i++)
		if (s->kids[i].pid == pid)
			return &s->kids[i];
	return NULL;
}

static void
reap(struct sup *s, int stopping)
{
	struct child *c;
	unsigned long ms;
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if ((c = kid_by_pid(s, pid)) == NULL)
			continue;
		c->pid = 0;
		if (stopping || c->removed)
			continue;
		if (clock_mono() - c->started > HEALTHY_AFTER)
			c->deaths = 0;
		ms = backoff_next_ms(++c->deaths);
		c->restart_at = clock_mono() + (double)ms / 1000;
		log_warn("mailbox=%s event=worker-exit %s=%d restart_in=%.1fs",
		    *c->name ? c->name : "default", WIFSIGNALED(status) ?
		    "signal" : "status", WIFSIGNALED(status) ?
		    WTERMSIG(status) : WEXITSTATUS(status), (double)ms / 1000);
	}
	/* Forget the removed sections whose worker is gone. */
	for (size_t i = 0; i < s->nkids; i++)
		if (s->kids[i].removed && s->kids[i].pid == 0) {
			free(s->kids[i].name);
			s->kids[i--] = s->kids[--s->nkids];
		}
}

static int
has_section(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nimaps; i++)
		if (strcmp(c->imaps[i].name, name) == 0)
			return 1;
	return 0;
}

/* SIGHUP: the new configuration replaces the old only when it loads and
 * the desk opens with it (rules compile); the workers reload their own. */
static void
reload(struct sup *s)
{
	struct conf *nc;
	struct desk d;
	char *errors;

	if (conf_load(s->conf->path, &nc, &errors) == -1) {
		log_warn("event=reload-failed: the configuration in force "
		    "stays\n%s", errors);
		free(errors);
		return;
	}
	if (desk_open(&d, nc, 1) != 0) {
		log_warn("event=reload-failed: the configuration in force "
		    "stays");
		conf_free(nc);
		return;
	}
	desk_close(&d);
	for (size_t i = 0; i < s->nkids; i++) {
		struct child *c = &s->kids[i];
		if (!has_section(nc, c->name)) {
			c->removed = 1;
			if (c->pid != 0)
				kill(c->pid, SIGTERM);
		} else if (c->pid != 0)
			kill(c->pid, SIGHUP);
	}
	for (size_t i = 0; i < nc->nimaps; i++) {
		int known = 0;
		for (size_t j = 0; j < s->nkids; j++)
			known |= !s->kids[j].removed &&
			    strcmp(s->kids[j].name, nc->imaps[i].name) == 0;
		if (!known)
			kid_add(s, nc->imaps[i].name);
	}
	conf_free(s->owned);
	s->owned = nc;
	s->conf = nc;
	log_event("event=reload mailboxes=%zu", nc->nimaps);
}

static void
outbox(struct sup *s)
{
	struct outbox_stats st = { 0 };
	struct desk d;
	char *cause;

	s->outbox_at = clock_mono() + OUTBOX_EVERY;
	if (desk_open(&d, s->conf, 0) != 0)
		return;
	d.now = clock_now();
	if (outbox_flush(&d, OUTBOX_MAX, &st, &cause) == -1) {
		log_warn("event=outbox-error error=%s", log_safe(cause));
		free(cause);
	} else if (st.sent + st.retried + st.failed > 0)
		log_event("event=outbox sent=%zu retried=%zu failed=%zu",
		    st.sent, st.retried, st.failed);
	desk_close(&d);
	/* A full pass means more may be due: go on right away. */
	if (st.sent + st.retried + st.failed >= OUTBOX_MAX)
		s->outbox_at = 0;
}

static long
next_wake_ms(const struct sup *s)
{
	double now = clock_mono(), at = s->outbox_at;

	for (size_t i = 0; i < s->nkids; i++)
		if (s->kids[i].pid == 0 && !s->kids[i].removed &&
		    s->kids[i].restart_at < at)
			at = s->kids[i].restart_at;
	return at <= now ? 0 : (long)((at - now) * 1000) + 1;
}

static void
drain(int fd)
{
	char buf[256];

	while (read(fd, buf, sizeof(buf)) > 0)
		continue;
}

static void
stop_all(struct sup *s)
{
	double deadline = clock_mono() + STOP_GRACE;
	int alive;

	for (size_t i = 0; i < s->nkids; i++)
		if (s->kids[i].pid != 0)
			kill(s->kids[i].pid, SIGTERM);
	for (;;) {
		reap(s, 1);
		alive = 0;
		for (size_t i = 0; i < s->nkids; i++)
			alive |= s->kids[i].pid != 0;
		if (!alive || clock_mono() >= deadline)
			break;
		daemon_wait(-1, (long)((deadline - clock_mono()) * 1000) + 1);
	}
	for (size_t i = 0; i < s->nkids; i++)
		if (s->kids[i].pid != 0) {
			log_warn("mailbox=%s event=worker-killed",
			    s->kids[i].name);
			kill(s->kids[i].pid, SIGKILL);
			waitpid(s->kids[i].pid, NULL, 0);
		}
}

static void
loop(struct sup *s)
{
	while (!daemon_term_requested()) {
		for (size_t i = 0; i < s->nkids; i++) {
			struct child *c = &s->kids[i];
			if (c->pid == 0 && !c->removed &&
			    c->restart_at <= clock_mono())
				spawn(s, c);
		}
		if (clock_mono() >= s->outbox_at)
			outbox(s);
		if (daemon_wait(s->notify[0], next_wake_ms(s))) {
			drain(s->notify[0]);
			s->outbox_at = 0;
		}
		if (daemon_got_chld) {
			daemon_got_chld = 0;
			reap(s, 0);
		}
		if (daemon_got_hup) {
			daemon_got_hup = 0;
			reload(s);
		}
	}
}

int
daemon_run(const struct conf *conf)
{
	struct sup s = { .conf = conf };
	struct desk d;
	int rc;

	daemon_signals();
	/* Refuse to start on a database or rules that cannot work. */
	if ((rc = desk_open(&d, conf, 1)) != 0)
		return rc;
	desk_close(&d);
	if (pipe(s.notify) == -1) {
		log_warn("pipe: %s", strerror(errno));
		return EX_OSERR;
	}
	for (int i = 0; i < 2; i++) {
		fcntl(s.notify[i], F_SETFL, O_NONBLOCK);
		fcntl(s.notify[i], F_SETFD, FD_CLOEXEC);
	}
	for (size_t i = 0; i < conf->nimaps; i++)
		kid_add(&s, conf->imaps[i].name);
	if (conf->nimaps == 0)
		log_warn("no [imap] section: only the outbox runs");
	log_event("event=start pid=%ld mailboxes=%zu", (long)getpid(),
	    conf->nimaps);
	loop(&s);
	log_event("event=stopping");
	stop_all(&s);
	for (size_t i = 0; i < s.nkids; i++)
		free(s.kids[i].name);
	free(s.kids);
	close(s.notify[0]);
	close(s.notify[1]);
	conf_free(s.owned);
	log_event("event=stop");
	return 0;
}
