/* SPDX-License-Identifier: ISC */
/*
 * daemon.h - `guichet run`, the desk as a service.
 *
 * Shape: one supervisor process and one worker process per [imap]
 * section.  libetpan blocks, so each mailbox has its own process, IMAP
 * connection and SQLite connection (WAL and the busy timeout let them
 * write in turn): a slow or broken mailbox never stalls another, and a
 * crash in one is contained.  A worker connects, runs a pass, then waits
 * in IDLE (or polls every poll_interval), reconnecting with exponential
 * backoff whatever fails; it never gives up.  The supervisor restarts
 * workers that die, runs the outbox whenever a worker has committed
 * something (a byte on a pipe) and every 30 s, reloads on SIGHUP and stops
 * everything on SIGTERM.
 *
 * Signals: SIGTERM, SIGINT, SIGHUP and SIGCHLD stay blocked except while
 * the process waits, so that none breaks a libetpan read half-way (a
 * signal would turn it into a network error).  A worker looks for a
 * pending SIGTERM between messages and finishes the message in hand.
 */
#ifndef DAEMON_H
#define DAEMON_H

#include <signal.h>
#include <stddef.h>

struct conf;

/* The whole service; returns a sysexits code once stopped. */
int	 daemon_run(const struct conf *);

/* Shared by daemon.c and daemon-mailbox.c. */
extern volatile sig_atomic_t daemon_got_term, daemon_got_hup,
	    daemon_got_chld;
/* Blocks the signals above and installs their handlers. */
void	 daemon_signals(void);
/* Waits until fd (-1: none) is readable, a signal arrives or ms pass
 * (ms < 0: no limit).  1 when fd is readable, else 0. */
int	 daemon_wait(int fd, long ms);
/* True when SIGTERM or SIGINT was received or is pending. */
int	 daemon_term_requested(void);

/* The worker of the section named name, in its own process; returns the
 * process's exit code.  notify_fd gets a byte after each commit. */
int	 daemon_mailbox(const struct conf *, const char *name,
	    int notify_fd);

#endif
