/* SPDX-License-Identifier: ISC */
/*
 * ticket-view.h - the `guichet ticket` subcommands: listing and showing
 * tickets (text or JSON through jansson), logging a request taken by
 * phone, at the desk or from a web form, and updates from the CLI.  Each
 * returns a sysexits code.
 */
#ifndef TICKET_VIEW_H
#define TICKET_VIEW_H

struct desk;

int	 ticket_cmd_list(struct desk *, int argc, char **argv);
int	 ticket_cmd_show(struct desk *, int argc, char **argv);
int	 ticket_cmd_new(struct desk *, int argc, char **argv);
int	 ticket_cmd_update(struct desk *, int argc, char **argv);

#endif
