/* SPDX-License-Identifier: ISC */
/* One configuration value: its type, durations, sizes, lists, secrets. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf-int.h"

/* [priority]: keys "high.high = P1" (impact.urgency). */
static const char *levels[] = { "high", "medium", "low" };

void
conf_perr(struct parse *p, const char *fmt, ...)
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
		conf_perr(p, "password_file %s", cause);
		free(cause);
		return NULL;
	}
	if (memchr(data, '\0', len) != NULL) {
		conf_perr(p, "password_file %s: contains a NUL byte", file);
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

void
conf_apply_key(struct parse *p, const struct key *k, void *base, const char *v)
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
			conf_perr(p, "%s: not a number: %s", k->name, v);
		else
			*(int *)(bp + k->off) = (int)n;
		break;
	case K_SIZE:
		if (parse_size(v, &sz) == -1)
			conf_perr(p, "%s: not a size: %s", k->name, v);
		else
			*(size_t *)(bp + k->off) = sz;
		break;
	case K_DURATION:
		if ((d = conf_duration(v)) == -1)
			conf_perr(p, "%s: not a duration (like 90s, 15m, 4h, 3d): %s",
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
			conf_perr(p, "security: must be tls, starttls or none: %s",
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
			conf_perr(p, "%s: environment variable %s is not set",
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
			conf_perr(p, "%s: want \"RESPONSE RESOLUTION\" durations: %s",
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
			conf_perr(p, "log: must be stderr or syslog: %s", v);
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

void
conf_apply_priority(struct parse *p, const char *key, const char *v)
{
	const char *dot = strchr(key, '.');
	int imp, urg;

	imp = dot ? level_index(key, (size_t)(dot - key)) : -1;
	urg = dot ? level_index(dot + 1, strlen(dot + 1)) : -1;
	if (imp == -1 || urg == -1) {
		conf_perr(p, "priority: key must be IMPACT.URGENCY "
		    "(high, medium, low): %s", key);
		return;
	}
	if (strlen(v) != 2 || v[0] != 'P' || v[1] < '1' || v[1] > '4') {
		conf_perr(p, "priority: value must be P1..P4: %s", v);
		return;
	}
	p->conf->priority_matrix[imp][urg] = v[1] - '0';
}
