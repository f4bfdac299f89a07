/* SPDX-License-Identifier: ISC */
/*
 * conf.h - the INI configuration file, parsed once into an immutable
 * struct conf that owns every string in it (one conf_free()).
 *
 * conf_load() reports every error it finds, not only the first, each as
 * "file:line: message" on its own line of *errors; it returns -1 when
 * there was any.  Secrets are read from `password_file` or from the
 * environment variable named by `password_env`, never from argv; they are
 * never logged.
 */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>
#include <time.h>

enum conf_security { SEC_TLS = 0, SEC_STARTTLS, SEC_NONE };

struct conf_imap {
	char	*name;		/* "" for [imap], NAME for [imap NAME] */
	char	*host;
	int	 port;		/* default 993 (tls) or 143 */
	enum conf_security security;
	char	*user;
	char	*password;	/* from password_file / password_env */
	char	*mailbox;	/* default INBOX */
	char	*done_mailbox;	/* "" = flag \Seen and leave */
	char	*ca_file;	/* "" = system trust store */
	char	*client;	/* "" = none */
	char	*queue;		/* "" = none */
	char	*auth;		/* "login" (default) or "plain" */
	time_t	 poll_interval;	/* default 60 s, when IDLE is missing */
	time_t	 idle_timeout;	/* re-issue IDLE after, default 25 min */
	size_t	 max_message_size;	/* default 25 MB */
	size_t	 batch;		/* UIDs per FETCH, default 200 */
};

struct conf_agent {
	char	*name;
	char	*address;	/* lower case */
	char	**queues;
	size_t	 nqueues;
};

struct conf_supplier {
	char	*name;
	char	*address;
};

struct conf {
	char	*path;

	/* [desk] */
	char	*desk_name;
	char	*desk_address;	/* lower case bare address */
	char	**desk_aliases;	/* other own addresses, lower case */
	size_t	 ndesk_aliases;
	char	*ref_prefix;	/* "SD" */
	char	*language;	/* "en" */
	char	*database;
	char	*attachments;
	char	*rules_dir;
	char	*templates_dir;
	int	 autoreply_limit;	/* per address per 24 h, default 10 */
	time_t	 autoclose_after;	/* resolved -> closed, default 7 d */

	/* [imap] and [imap NAME], in file order */
	struct conf_imap *imaps;
	size_t	 nimaps;

	/* [smtp] */
	char	*smtp_url;
	enum conf_security smtp_security;
	char	*smtp_user;	/* "" = no AUTH */
	char	*smtp_password;
	char	*smtp_ca_file;
	char	*smtp_from;	/* "Service Desk <help@example.org>" */
	char	*smtp_helo;	/* "" = libcurl's default */
	time_t	 smtp_timeout;	/* default 60 s */
	time_t	 outbox_max_age;	/* give up after, default 5 d */

	/* [agent NAME] */
	struct conf_agent *agents;
	size_t	 nagents;

	/* [supplier NAME] */
	struct conf_supplier *suppliers;
	size_t	 nsuppliers;

	/* [auth] */
	char	*trusted_authserv_id;	/* "" = trust nobody */

	/* [major] */
	int	 major_threshold;	/* default 5 */
	time_t	 major_window;		/* default 10 m */
	char	*major_notify;		/* "" = nobody */

	/* [sla] P1..P4: first response and resolution targets */
	time_t	 sla_response[4];
	time_t	 sla_resolution[4];
	char	*sla_escalate;

	/* [rules] */
	unsigned int	 match_limit;	/* PCRE2 match limit, default 1000000 */
	unsigned int	 depth_limit;	/* PCRE2 depth limit, default 10000 */
	/* [priority] matrix: priority[impact][urgency], 0 = high, 1 = medium,
	 * 2 = low; values 1..4 for P1..P4. */
	int	 priority_matrix[3][3];

	/* [log] */
	int	 log_syslog;	/* log = syslog */
};

int	 conf_load(const char *path, struct conf **out, char **errors);
void	 conf_free(struct conf *);

/* Parses "90", "15m", "4h", "3d" into seconds; -1 when malformed. */
time_t	 conf_duration(const char *);

/* The agent with that address (case-insensitive), or NULL. */
const struct conf_agent *conf_agent_by_address(const struct conf *,
	    const char *addr);
const struct conf_agent *conf_agent_by_name(const struct conf *,
	    const char *name);
/* True when addr is the desk address or one of its aliases. */
int	 conf_is_desk_address(const struct conf *, const char *addr);

/* The path the -c option, $GUICHET_CONFIG or the default names. */
const char *conf_default_path(const char *opt);

#endif
