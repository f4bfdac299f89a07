/* SPDX-License-Identifier: ISC */
/*
 * The INI configuration.  Keys are described by tables (name, type,
 * offset) per section kind, so adding a key is one line.  Every error is
 * collected with its file:line; the struct is complete (defaults filled,
 * secrets read) only when there were none.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf-int.h"

#define C(f)	offsetof(struct conf, f)
#define I(f)	offsetof(struct conf_imap, f)
#define A(f)	offsetof(struct conf_agent, f)
#define S(f)	offsetof(struct conf_supplier, f)

static const struct key desk_keys[] = {
	{ "name", K_STR, C(desk_name), 0 },
	{ "address", K_LOWER, C(desk_address), 0 },
	{ "aliases", K_LIST, C(desk_aliases), C(ndesk_aliases) },
	{ "ref_prefix", K_STR, C(ref_prefix), 0 },
	{ "language", K_LOWER, C(language), 0 },
	{ "database", K_STR, C(database), 0 },
	{ "attachments", K_STR, C(attachments), 0 },
	{ "rules", K_STR, C(rules_dir), 0 },
	{ "templates", K_STR, C(templates_dir), 0 },
	{ "autoreply_limit", K_INT, C(autoreply_limit), 0 },
	{ "autoclose", K_DURATION, C(autoclose_after), 0 },
	{ NULL, 0, 0, 0 }
};

static const struct key imap_keys[] = {
	{ "host", K_STR, I(host), 0 },
	{ "port", K_INT, I(port), 0 },
	{ "security", K_SECURITY, I(security), 0 },
	{ "user", K_STR, I(user), 0 },
	{ "password_file", K_SECRET_FILE, I(password), 0 },
	{ "password_env", K_SECRET_ENV, I(password), 0 },
	{ "mailbox", K_STR, I(mailbox), 0 },
	{ "done_mailbox", K_STR, I(done_mailbox), 0 },
	{ "ca_file", K_STR, I(ca_file), 0 },
	{ "client", K_STR, I(client), 0 },
	{ "queue", K_STR, I(queue), 0 },
	{ "auth", K_LOWER, I(auth), 0 },
	{ "poll_interval", K_DURATION, I(poll_interval), 0 },
	{ "idle_timeout", K_DURATION, I(idle_timeout), 0 },
	{ "max_message_size", K_SIZE, I(max_message_size), 0 },
	{ "batch", K_SIZE, I(batch), 0 },
	{ NULL, 0, 0, 0 }
};

static const struct key smtp_keys[] = {
	{ "url", K_STR, C(smtp_url), 0 },
	{ "security", K_SECURITY, C(smtp_security), 0 },
	{ "user", K_STR, C(smtp_user), 0 },
	{ "password_file", K_SECRET_FILE, C(smtp_password), 0 },
	{ "password_env", K_SECRET_ENV, C(smtp_password), 0 },
	{ "ca_file", K_STR, C(smtp_ca_file), 0 },
	{ "from", K_STR, C(smtp_from), 0 },
	{ "helo", K_STR, C(smtp_helo), 0 },
	{ "timeout", K_DURATION, C(smtp_timeout), 0 },
	{ "max_age", K_DURATION, C(outbox_max_age), 0 },
	{ NULL, 0, 0, 0 }
};

static const struct key agent_keys[] = {
	{ "address", K_LOWER, A(address), 0 },
	{ "queues", K_LIST, A(queues), A(nqueues) },
	{ NULL, 0, 0, 0 }
};

static const struct key supplier_keys[] = {
	{ "address", K_LOWER, S(address), 0 },
	{ NULL, 0, 0, 0 }
};

static const struct key auth_keys[] = {
	{ "trusted_authserv_id", K_STR, C(trusted_authserv_id), 0 },
	{ NULL, 0, 0, 0 }
};

static const struct key major_keys[] = {
	{ "threshold", K_INT, C(major_threshold), 0 },
	{ "window", K_DURATION, C(major_window), 0 },
	{ "notify", K_LOWER, C(major_notify), 0 },
	{ NULL, 0, 0, 0 }
};

static const struct key sla_keys[] = {
	{ "P1", K_SLA, C(sla_response[0]), C(sla_resolution[0]) },
	{ "P2", K_SLA, C(sla_response[1]), C(sla_resolution[1]) },
	{ "P3", K_SLA, C(sla_response[2]), C(sla_resolution[2]) },
	{ "P4", K_SLA, C(sla_response[3]), C(sla_resolution[3]) },
	{ "escalate", K_LOWER, C(sla_escalate), 0 },
	{ NULL, 0, 0, 0 }
};

static const struct key rules_keys[] = {
	{ "match_limit", K_INT, C(match_limit), 0 },
	{ "depth_limit", K_INT, C(depth_limit), 0 },
	{ NULL, 0, 0, 0 }
};

static const struct key log_keys[] = {
	{ "log", K_BOOL_SYSLOG, C(log_syslog), 0 },
	{ NULL, 0, 0, 0 }
};


enum section { SEC_NONE_YET, SEC_DESK, SEC_IMAP, SEC_SMTP, SEC_AGENT,
    SEC_SUPPLIER, SEC_AUTH, SEC_MAJOR, SEC_SLA, SEC_RULES, SEC_PRIORITY,
    SEC_LOG, SEC_UNKNOWN };

static const struct key *
keys_for(enum section s)
{
	switch (s) {
	case SEC_DESK: return desk_keys;
	case SEC_IMAP: return imap_keys;
	case SEC_SMTP: return smtp_keys;
	case SEC_AGENT: return agent_keys;
	case SEC_SUPPLIER: return supplier_keys;
	case SEC_AUTH: return auth_keys;
	case SEC_MAJOR: return major_keys;
	case SEC_SLA: return sla_keys;
	case SEC_RULES: return rules_keys;
	case SEC_LOG: return log_keys;
	default: return NULL;
	}
}

static void
imap_defaults(struct conf_imap *m, const char *name)
{
	memset(m, 0, sizeof(*m));
	m->name = xstrdup(name);
	m->security = SEC_TLS;
	m->port = -1;
	m->poll_interval = 60;
	m->idle_timeout = 25 * 60;
	m->max_message_size = 25 * 1024 * 1024;
	m->batch = 200;
}

static enum section
open_section(struct parse *p, char *hdr, void **base)
{
	struct conf *c = p->conf;
	char *name = strpbrk(hdr, " \t");
	static const struct { const char *s; enum section e; } simple[] = {
		{ "desk", SEC_DESK }, { "smtp", SEC_SMTP },
		{ "auth", SEC_AUTH }, { "major", SEC_MAJOR },
		{ "sla", SEC_SLA }, { "rules", SEC_RULES },
		{ "priority", SEC_PRIORITY }, { "log", SEC_LOG },
	};

	if (name != NULL) {
		*name++ = '\0';
		name = str_trim(name);
	}
	*base = c;
	if (strcmp(hdr, "imap") == 0) {
		for (size_t i = 0; i < c->nimaps; i++)
			if (strcmp(c->imaps[i].name, name ? name : "") == 0)
				conf_perr(p, "duplicate section [imap%s%s]",
				    name ? " " : "", name ? name : "");
		c->imaps = xreallocarray(c->imaps, c->nimaps + 1,
		    sizeof(*c->imaps));
		imap_defaults(&c->imaps[c->nimaps], name ? name : "");
		*base = &c->imaps[c->nimaps++];
		return SEC_IMAP;
	}
	if (strcmp(hdr, "agent") == 0 || strcmp(hdr, "supplier") == 0) {
		if (name == NULL || *name == '\0') {
			conf_perr(p, "[%s] needs a name: [%s NAME]", hdr, hdr);
			return SEC_UNKNOWN;
		}
		if (hdr[0] == 'a') {
			c->agents = xreallocarray(c->agents, c->nagents + 1,
			    sizeof(*c->agents));
			memset(&c->agents[c->nagents], 0, sizeof(*c->agents));
			c->agents[c->nagents].name = xstrdup(name);
			*base = &c->agents[c->nagents++];
			return SEC_AGENT;
		}
		c->suppliers = xreallocarray(c->suppliers, c->nsuppliers + 1,
		    sizeof(*c->suppliers));
		memset(&c->suppliers[c->nsuppliers], 0, sizeof(*c->suppliers));
		c->suppliers[c->nsuppliers].name = xstrdup(name);
		*base = &c->suppliers[c->nsuppliers++];
		return SEC_SUPPLIER;
	}
	for (size_t i = 0; i < ARRAY_LEN(simple); i++)
		if (strcmp(hdr, simple[i].s) == 0 && name == NULL)
			return simple[i].e;
	conf_perr(p, "unknown section [%s%s%s]", hdr, name ? " " : "",
	    name ? name : "");
	return SEC_UNKNOWN;
}

static void
parse_line(struct parse *p, char *line, enum section *sec, void **base)
{
	const struct key *keys;
	char *eq, *key, *val, *hash;

	line = str_trim(line);
	if (*line == '\0' || *line == '#' || *line == ';')
		return;
	if (*line == '[') {
		char *close = strchr(line, ']');
		if (close == NULL || close[1] != '\0') {
			conf_perr(p, "malformed section header: %s", line);
			*sec = SEC_UNKNOWN;
			return;
		}
		*close = '\0';
		*sec = open_section(p, str_trim(line + 1), base);
		return;
	}
	if ((eq = strchr(line, '=')) == NULL) {
		conf_perr(p, "expected key = value: %s", line);
		return;
	}
	*eq = '\0';
	key = str_trim(line);
	val = eq + 1;
	/* A comment starts with '#' after white space, so values may hold
	 * '#' (as in "[SD#1]") when glued to other text. */
	for (hash = val; (hash = strchr(hash, '#')) != NULL; hash++)
		if (hash == val || hash[-1] == ' ' || hash[-1] == '\t') {
			*hash = '\0';
			break;
		}
	val = str_trim(val);
	if (*sec == SEC_NONE_YET) {
		conf_perr(p, "key outside any section: %s", key);
		return;
	}
	if (*sec == SEC_UNKNOWN)
		return;
	if (*sec == SEC_PRIORITY) {
		conf_apply_priority(p, key, val);
		return;
	}
	keys = keys_for(*sec);
	for (; keys->name != NULL; keys++)
		if (strcmp(keys->name, key) == 0) {
			conf_apply_key(p, keys, *base, val);
			return;
		}
	conf_perr(p, "unknown key: %s", key);
}

static void
str_default(char **slot, const char *v)
{
	if (*slot == NULL)
		*slot = xstrdup(v);
}

static void
conf_defaults(struct conf *c)
{
	static const int matrix[3][3] = { { 1, 2, 3 }, { 2, 3, 3 },
	    { 3, 3, 4 } };
	static const time_t resp[4] = { 900, 3600, 14400, 86400 };
	static const time_t reso[4] = { 4 * 3600, 8 * 3600, 3 * 86400,
	    10 * 86400 };

	c->autoreply_limit = 10;
	c->autoclose_after = 7 * 86400;
	c->smtp_security = SEC_TLS;
	c->smtp_timeout = 60;
	c->outbox_max_age = 5 * 86400;
	c->major_threshold = 5;
	c->major_window = 600;
	c->match_limit = 1000000;
	c->depth_limit = 10000;
	memcpy(c->priority_matrix, matrix, sizeof(matrix));
	memcpy(c->sla_response, resp, sizeof(resp));
	memcpy(c->sla_resolution, reso, sizeof(reso));
}

static char *
bare_address(const char *s)
{
	const char *lt = strrchr(s, '<'), *gt;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL)
		return str_lower(xstrndup(lt + 1, (size_t)(gt - lt - 1)));
	return str_lower(xstrdup(s));
}

static void
conf_finish(struct parse *p)
{
	struct conf *c = p->conf;

	str_default(&c->desk_name, "Service Desk");
	str_default(&c->desk_address, "");
	str_default(&c->ref_prefix, "SD");
	str_default(&c->language, "en");
	str_default(&c->database, "/var/lib/guichet/guichet.db");
	str_default(&c->attachments, "/var/lib/guichet/attachments");
	str_default(&c->rules_dir, SYSCONFDIR "/guichet/rules.d");
	str_default(&c->templates_dir, DATADIR "/templates");
	str_default(&c->smtp_url, "");
	str_default(&c->smtp_user, "");
	str_default(&c->smtp_password, "");
	str_default(&c->smtp_ca_file, "");
	str_default(&c->smtp_helo, "");
	str_default(&c->trusted_authserv_id, "");
	str_default(&c->major_notify, "");
	str_default(&c->sla_escalate, "");
	if (c->smtp_from == NULL)
		c->smtp_from = xasprintf("%s <%s>", c->desk_name,
		    c->desk_address);
	p->line = 0;
	for (size_t i = 0; i < c->nimaps; i++) {
		struct conf_imap *m = &c->imaps[i];
		str_default(&m->host, "127.0.0.1");
		str_default(&m->user, "");
		str_default(&m->password, "");
		str_default(&m->mailbox, "INBOX");
		str_default(&m->done_mailbox, "");
		str_default(&m->ca_file, "");
		str_default(&m->client, "");
		str_default(&m->queue, "");
		str_default(&m->auth, "login");
		if (m->port == -1)
			m->port = m->security == SEC_TLS ? 993 : 143;
		if (strcmp(m->auth, "login") != 0 &&
		    strcmp(m->auth, "plain") != 0)
			conf_perr(p, "[imap%s%s] auth: must be login or plain",
			    *m->name ? " " : "", m->name);
		if (m->batch == 0)
			m->batch = 1;
	}
	for (size_t i = 0; i < c->nagents; i++)
		if (c->agents[i].address == NULL)
			conf_perr(p, "[agent %s] has no address", c->agents[i].name);
	for (size_t i = 0; i < c->nsuppliers; i++)
		str_default(&c->suppliers[i].address, "");
	if (*c->smtp_user != '\0' && c->smtp_security == SEC_NONE)
		conf_perr(p, "[smtp] security = none cannot be used with a user: "
		    "credentials would travel in clear");
	if (c->ref_prefix[0] == '\0' || strpbrk(c->ref_prefix, " #[]") != NULL)
		conf_perr(p, "[desk] ref_prefix: must be non-empty, without "
		    "spaces, '#' or brackets");
	/* Never auto-answer the desk's own From address either. */
	if (*c->smtp_from != '\0') {
		char *a = bare_address(c->smtp_from);
		if (*a != '\0' && !conf_is_desk_address(c, a)) {
			c->desk_aliases = xreallocarray(c->desk_aliases,
			    c->ndesk_aliases + 1, sizeof(char *));
			c->desk_aliases[c->ndesk_aliases++] = a;
		} else
			free(a);
	}
}

int
conf_load(const char *path, struct conf **out, char **errors)
{
	struct parse p = { .path = path };
	enum section sec = SEC_NONE_YET;
	void *base = NULL;
	char *data, *cause, *line, *next;
	size_t len;

	*out = NULL;
	*errors = NULL;
	if (file_read(path, &data, &len, &cause) == -1) {
		*errors = xasprintf("%s\n", cause);
		free(cause);
		return -1;
	}
	p.conf = xcalloc(1, sizeof(*p.conf));
	p.conf->path = xstrdup(path);
	conf_defaults(p.conf);
	buf_init(&p.errors);
	for (line = data; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		p.line++;
		if (strlen(line) != (size_t)((next ? next - 1 : data + len) -
		    line) && next != NULL) {
			conf_perr(&p, "NUL byte in line");
			continue;
		}
		parse_line(&p, line, &sec, &base);
	}
	free(data);
	conf_finish(&p);
	if (p.nerrors > 0) {
		*errors = buf_steal(&p.errors);
		conf_free(p.conf);
		return -1;
	}
	buf_free(&p.errors);
	*out = p.conf;
	return 0;
}

static void
free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	free(c->path);
	free(c->desk_name); free(c->desk_address);
	free_list(c->desk_aliases, c->ndesk_aliases);
	free(c->ref_prefix); free(c->language); free(c->database);
	free(c->attachments); free(c->rules_dir); free(c->templates_dir);
	for (size_t i = 0; i < c->nimaps; i++) {
		struct conf_imap *m = &c->imaps[i];
		free(m->name); free(m->host); free(m->user);
		if (m->password != NULL)
			explicit_bzero(m->password, strlen(m->password));
		free(m->password); free(m->mailbox); free(m->done_mailbox);
		free(m->ca_file); free(m->client); free(m->queue);
		free(m->auth);
	}
	free(c->imaps);
	free(c->smtp_url); free(c->smtp_user);
	if (c->smtp_password != NULL)
		explicit_bzero(c->smtp_password, strlen(c->smtp_password));
	free(c->smtp_password); free(c->smtp_ca_file); free(c->smtp_from);
	free(c->smtp_helo);
	for (size_t i = 0; i < c->nagents; i++) {
		free(c->agents[i].name); free(c->agents[i].address);
		free_list(c->agents[i].queues, c->agents[i].nqueues);
	}
	free(c->agents);
	for (size_t i = 0; i < c->nsuppliers; i++) {
		free(c->suppliers[i].name); free(c->suppliers[i].address);
	}
	free(c->suppliers);
	free(c->trusted_authserv_id); free(c->major_notify);
	free(c->sla_escalate);
	free(c);
}

const struct conf_agent *
conf_agent_by_address(const struct conf *c, const char *addr)
{
	for (size_t i = 0; i < c->nagents; i++)
		if (str_ieq(c->agents[i].address, addr))
			return &c->agents[i];
	return NULL;
}

const struct conf_agent *
conf_agent_by_name(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nagents; i++)
		if (strcmp(c->agents[i].name, name) == 0)
			return &c->agents[i];
	return NULL;
}

int
conf_is_desk_address(const struct conf *c, const char *addr)
{
	if (*addr == '\0')
		return 0;
	if (c->desk_address != NULL && str_ieq(c->desk_address, addr))
		return 1;
	for (size_t i = 0; i < c->ndesk_aliases; i++)
		if (str_ieq(c->desk_aliases[i], addr))
			return 1;
	return 0;
}

const char *
conf_default_path(const char *opt)
{
	const char *env;

	if (opt != NULL)
		return opt;
	if ((env = getenv("GUICHET_CONFIG")) != NULL && *env != '\0')
		return env;
	return GUICHET_DEFAULT_CONFIG;
}
