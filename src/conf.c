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

#include "conf.h"
#include "guichet.h"

enum key_type { K_STR, K_LOWER, K_INT, K_SIZE, K_DURATION, K_SECURITY,
    K_LIST, K_SECRET_FILE, K_SECRET_ENV, K_SLA, K_PRIO, K_BOOL_SYSLOG };

struct key {
	const char	*name;
	enum key_type	 type;
	size_t		 off;	/* in the section's struct */
	size_t		 off2;	/* K_LIST count, K_SLA resolution array */
};

struct parse {
	struct conf	*conf;
	const char	*path;
	int		 line;
	struct buf	 errors;
	int		 nerrors;
	char		*imap_pw_file;	/* per current imap section */
};

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

/* [priority]: keys "high.high = P1" (impact.urgency). */
static const char *levels[] = { "high", "medium", "low" };

enum section { SEC_NONE_YET, SEC_DESK, SEC_IMAP, SEC_SMTP, SEC_AGENT,
    SEC_SUPPLIER, SEC_AUTH, SEC_MAJOR, SEC_SLA, SEC_RULES, SEC_PRIORITY,
    SEC_LOG, SEC_UNKNOWN };

static void
perr(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	if (p->line > 0)
		buf_printf(&p->errors, "%s:%d: %s\n", p->path, p->line, m);
	else
		buf_printf(&p->errors, "%s: %s\n", p->path, m);
	p->nerrors++;
	free(m);
}

time_t
conf_duration(const char *s)
{
	char *end;
	long long v;
	int mul = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || v < 0)
		return -1;
	switch (*end) {
	case '\0': case 's': mul = 1; break;
	case 'm': mul = 60; break;
	case 'h': mul = 3600; break;
	case 'd': mul = 86400; break;
	default: return -1;
	}
	if (*end != '\0' && end[1] != '\0')
		return -1;
	if (v > (long long)(INT64_MAX / 86400 / 2))
		return -1;
	return (time_t)(v * mul);
}

static int
parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;
	size_t mul = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (str_ieq(end, "k") || str_ieq(end, "kb"))
		mul = 1024;
	else if (str_ieq(end, "m") || str_ieq(end, "mb"))
		mul = 1024 * 1024;
	else if (str_ieq(end, "g") || str_ieq(end, "gb"))
		mul = 1024 * 1024 * 1024;
	else if (*end != '\0')
		return -1;
	if (v > SIZE_MAX / mul)
		return -1;
	*out = (size_t)v * mul;
	return 0;
}

static char *
read_secret(struct parse *p, const char *file)
{
	char *data, *cause, *nl;
	size_t len;

	if (file_read(file, &data, &len, &cause) == -1) {
		perr(p, "password_file %s", cause);
		free(cause);
		return NULL;
	}
	if (memchr(data, '\0', len) != NULL) {
		perr(p, "password_file %s: contains a NUL byte", file);
		free(data);
		return NULL;
	}
	/* The secret is the first line, without its newline. */
	if ((nl = strpbrk(data, "\r\n")) != NULL)
		*nl = '\0';
	return data;
}

static void
split_list(const char *v, char ***list, size_t *n)
{
	char *copy = xstrdup(v), *tok, *save = NULL;

	for (tok = strtok_r(copy, " ,\t", &save); tok != NULL;
	    tok = strtok_r(NULL, " ,\t", &save)) {
		*list = xreallocarray(*list, *n + 1, sizeof(char *));
		(*list)[(*n)++] = str_lower(xstrdup(tok));
	}
	free(copy);
}

static void
set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
}

static void
apply_key(struct parse *p, const struct key *k, void *base, const char *v)
{
	char *bp = base;
	time_t d, d2;
	size_t sz;
	char *end, *copy;
	long n;

	switch (k->type) {
	case K_STR:
		set_str((char **)(bp + k->off), v);
		break;
	case K_LOWER:
		set_str((char **)(bp + k->off), v);
		str_lower(*(char **)(bp + k->off));
		break;
	case K_INT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 || n < 0 ||
		    n > 1000000000)
			perr(p, "%s: not a number: %s", k->name, v);
		else
			*(int *)(bp + k->off) = (int)n;
		break;
	case K_SIZE:
		if (parse_size(v, &sz) == -1)
			perr(p, "%s: not a size: %s", k->name, v);
		else
			*(size_t *)(bp + k->off) = sz;
		break;
	case K_DURATION:
		if ((d = conf_duration(v)) == -1)
			perr(p, "%s: not a duration (like 90s, 15m, 4h, 3d): %s",
			    k->name, v);
		else
			*(time_t *)(bp + k->off) = d;
		break;
	case K_SECURITY:
		if (strcmp(v, "tls") == 0)
			*(enum conf_security *)(bp + k->off) = SEC_TLS;
		else if (strcmp(v, "starttls") == 0)
			*(enum conf_security *)(bp + k->off) = SEC_STARTTLS;
		else if (strcmp(v, "none") == 0)
			*(enum conf_security *)(bp + k->off) = SEC_NONE;
		else
			perr(p, "security: must be tls, starttls or none: %s",
			    v);
		break;
	case K_LIST:
		split_list(v, (char ***)(bp + k->off),
		    (size_t *)(bp + k->off2));
		break;
	case K_SECRET_FILE:
		if (*v == '\0')
			break;
		if ((copy = read_secret(p, v)) != NULL) {
			free(*(char **)(bp + k->off));
			*(char **)(bp + k->off) = copy;
		}
		break;
	case K_SECRET_ENV:
		if (*v == '\0')
			break;
		if (getenv(v) == NULL)
			perr(p, "%s: environment variable %s is not set",
			    k->name, v);
		else
			set_str((char **)(bp + k->off), getenv(v));
		break;
	case K_SLA:
		copy = xstrdup(v);
		end = strpbrk(copy, " \t");
		if (end != NULL)
			*end++ = '\0';
		d = conf_duration(copy);
		d2 = end != NULL ? conf_duration(str_trim(end)) : -1;
		if (d == -1 || d2 == -1)
			perr(p, "%s: want \"RESPONSE RESOLUTION\" durations: %s",
			    k->name, v);
		else {
			*(time_t *)(bp + k->off) = d;
			*(time_t *)(bp + k->off2) = d2;
		}
		free(copy);
		break;
	case K_PRIO:
		break;
	case K_BOOL_SYSLOG:
		if (strcmp(v, "syslog") == 0)
			*(int *)(bp + k->off) = 1;
		else if (strcmp(v, "stderr") == 0)
			*(int *)(bp + k->off) = 0;
		else
			perr(p, "log: must be stderr or syslog: %s", v);
		break;
	}
}

static int
level_index(const char *s, size_t n)
{
	for (size_t i = 0; i < ARRAY_LEN(levels); i++)
		if (strlen(levels[i]) == n && strncmp(levels[i], s, n) == 0)
			return (int)i;
	return -1;
}

static void
apply_priority(struct parse *p, const char *key, const char *v)
{
	const char *dot = strchr(key, '.');
	int imp, urg;

	imp = dot ? level_index(key, (size_t)(dot - key)) : -1;
	urg = dot ? level_index(dot + 1, strlen(dot + 1)) : -1;
	if (imp == -1 || urg == -1) {
		perr(p, "priority: key must be IMPACT.URGENCY "
		    "(high, medium, low): %s", key);
		return;
	}
	if (strlen(v) != 2 || v[0] != 'P' || v[1] < '1' || v[1] > '4') {
		perr(p, "priority: value must be P1..P4: %s", v);
		return;
	}
	p->conf->priority_matrix[imp][urg] = v[1] - '0';
}

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
				perr(p, "duplicate section [imap%s%s]",
				    name ? " " : "", name ? name : "");
		c->imaps = xreallocarray(c->imaps, c->nimaps + 1,
		    sizeof(*c->imaps));
		imap_defaults(&c->imaps[c->nimaps], name ? name : "");
		*base = &c->imaps[c->nimaps++];
		return SEC_IMAP;
	}
	if (strcmp(hdr, "agent") == 0 || strcmp(hdr, "supplier") == 0) {
		if (name == NULL || *name == '\0') {
			perr(p, "[%s] needs a name: [%s NAME]", hdr, hdr);
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
	perr(p, "unknown section [%s%s%s]", hdr, name ? " " : "",
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
			perr(p, "malformed section header: %s", line);
			*sec = SEC_UNKNOWN;
			return;
		}
		*close = '\0';
		*sec = open_section(p, str_trim(line + 1), base);
		return;
	}
	if ((eq = strchr(line, '=')) == NULL) {
		perr(p, "expected key = value: %s", line);
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
		perr(p, "key outside any section: %s", key);
		return;
	}
	if (*sec == SEC_UNKNOWN)
		return;
	if (*sec == SEC_PRIORITY) {
		apply_priority(p, key, val);
		return;
	}
	keys = keys_for(*sec);
	for (; keys->name != NULL; keys++)
		if (strcmp(keys->name, key) == 0) {
			apply_key(p, keys, *base, val);
			return;
		}
	perr(p, "unknown key: %s", key);
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
			perr(p, "[imap%s%s] auth: must be login or plain",
			    *m->name ? " " : "", m->name);
		if (m->batch == 0)
			m->batch = 1;
	}
	for (size_t i = 0; i < c->nagents; i++)
		if (c->agents[i].address == NULL)
			perr(p, "[agent %s] has no address", c->agents[i].name);
	for (size_t i = 0; i < c->nsuppliers; i++)
		str_default(&c->suppliers[i].address, "");
	if (*c->smtp_user != '\0' && c->smtp_security == SEC_NONE)
		perr(p, "[smtp] security = none cannot be used with a user: "
		    "credentials would travel in clear");
	if (c->ref_prefix[0] == '\0' || strpbrk(c->ref_prefix, " #[]") != NULL)
		perr(p, "[desk] ref_prefix: must be non-empty, without "
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
			perr(&p, "NUL byte in line");
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
