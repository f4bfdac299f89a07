/* SPDX-License-Identifier: ISC */
/*
 * SMTP submission with libcurl.  libcurl does the protocol, TLS, AUTH and
 * dot-stuffing; this file adds what libcurl lacks for a careful sender:
 * it watches the session (through the debug callback, which sees each
 * reply line and each command verb) to refuse an unauthenticated send
 * when a user is configured, to keep the server's reply for the ticket,
 * and to tell a message's failure from the session's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "conf.h"
#include "guichet.h"
#include "smtp.h"

struct smtp {
	const struct conf *conf;
	CURL		*curl;
	char		*url;
	int		 need_auth;	/* a user is configured */
	int		 authed;	/* this connection got a 235 */
	int		 refused;	/* the prereq callback said no */
	char		 verb[12];	/* last command verb sent */
	/* The first 4xx/5xx reply of a transfer and the command it
	 * answered: libcurl's response code is the last one, often the
	 * 221 of the QUIT that follows a failure. */
	long		 err_code;
	char		 err_reply[512];
	char		 err_verb[12];
	char		 errbuf[CURL_ERROR_SIZE];
	const char	*data;
	size_t		 len, off;
};

static size_t
read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct smtp *s = arg;
	size_t n = size * nmemb;

	if (n > s->len - s->off)
		n = s->len - s->off;
	memcpy(dst, s->data + s->off, n);
	s->off += n;
	return n;
}

/* Only reply lines and known command verbs are looked at: AUTH lines
 * carry credentials and are never copied. */
static int
debug_cb(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	static const char *const verbs[] = { "EHLO", "HELO", "STARTTLS",
	    "AUTH", "MAIL", "RCPT", "DATA", "RSET", "QUIT", "NOOP" };
	struct smtp *s = arg;
	size_t n, i;

	(void)h;
	if (type == CURLINFO_HEADER_IN) {
		if (size >= 4 && memcmp(data, "235", 3) == 0)
			s->authed = 1;
		if (size < 4 || data[0] < '4' || data[0] > '5' ||
		    data[3] == '-' || s->err_code != 0)
			return 0;
		n = size < sizeof(s->err_reply) - 1 ? size :
		    sizeof(s->err_reply) - 1;
		for (i = 0; i < n && data[i] != '\r' && data[i] != '\n'; i++)
			s->err_reply[i] = (data[i] >= ' ' && data[i] < 0x7f) ?
			    data[i] : '?';
		s->err_reply[i] = '\0';
		s->err_code = strtol(s->err_reply, NULL, 10);
		memcpy(s->err_verb, s->verb, sizeof(s->err_verb));
	} else if (type == CURLINFO_HEADER_OUT) {
		for (i = 0; i < ARRAY_LEN(verbs); i++) {
			n = strlen(verbs[i]);
			if (size >= n && memcmp(data, verbs[i], n) == 0 &&
			    (size == n || data[n] == ' ' || data[n] == '\r')) {
				memcpy(s->verb, verbs[i], n + 1);
				break;
			}
		}
	}
	return 0;
}

/* Called for every new socket: a new connection has not authenticated. */
static int
sockopt_cb(void *arg, curl_socket_t fd, curlsocktype purpose)
{
	struct smtp *s = arg;

	(void)fd;
	(void)purpose;
	s->authed = 0;
	return CURL_SOCKOPT_OK;
}

/* Called after EHLO, STARTTLS and AUTH, before MAIL FROM. */
static int
prereq_cb(void *arg, char *ip, char *lip, int port, int lport)
{
	struct smtp *s = arg;

	(void)ip, (void)lip, (void)port, (void)lport;
	if (s->need_auth && !s->authed) {
		s->refused = 1;
		return CURL_PREREQFUNC_ABORT;
	}
	return CURL_PREREQFUNC_OK;
}

static void
setup(struct smtp *s)
{
	const struct conf *c = s->conf;
	CURL *h = s->curl;

	curl_easy_setopt(h, CURLOPT_URL, s->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)c->smtp_timeout);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)c->smtp_timeout);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(h, CURLOPT_USE_SSL, c->smtp_security == SEC_NONE ?
	    (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->smtp_ca_file != NULL && *c->smtp_ca_file != '\0')
		curl_easy_setopt(h, CURLOPT_CAINFO, c->smtp_ca_file);
	if (s->need_auth) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->smtp_user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->smtp_password != NULL ?
		    c->smtp_password : "");
	}
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, s);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug_cb);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, s);
	curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, sockopt_cb);
	curl_easy_setopt(h, CURLOPT_SOCKOPTDATA, s);
	curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, prereq_cb);
	curl_easy_setopt(h, CURLOPT_PREREQDATA, s);
}

struct smtp *
smtp_new(const struct conf *c)
{
	struct smtp *s = xcalloc(1, sizeof(*s));
	size_t n;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	s->conf = c;
	s->need_auth = c->smtp_user != NULL && *c->smtp_user != '\0';
	/* libcurl takes the EHLO name from the URL's path. */
	n = strlen(c->smtp_url);
	while (n > 0 && c->smtp_url[n - 1] == '/')
		n--;
	if (c->smtp_helo != NULL && *c->smtp_helo != '\0')
		s->url = xasprintf("%.*s/%s", (int)n, c->smtp_url,
		    c->smtp_helo);
	else
		s->url = xstrdup(c->smtp_url);
	if ((s->curl = curl_easy_init()) == NULL)
		abort();	/* out of memory, as xmalloc would */
	setup(s);
	return s;
}

void
smtp_free(struct smtp *s)
{
	if (s == NULL)
		return;
	curl_easy_cleanup(s->curl);
	free(s->url);
	free(s);
	curl_global_cleanup();
}

/* What a failure means: only MAIL, RCPT and the data concern the message;
 * anything before them, or an authentication reply, is the session's. */
static void
classify(struct smtp *s, CURLcode rc, struct smtp_reply *r)
{
	const char *v = s->err_verb;
	int msg_stage, auth_code;

	if (s->refused) {
		r->result = SMTP_TEMPFAIL;
		r->session = 1;
		r->text = xstrdup("the server offers no authentication over "
		    "this connection; a user is configured, so nothing is "
		    "sent without it");
		return;
	}
	if (s->err_code == 0) {
		/* Network, TLS, timeout: no reply to go by. */
		r->result = SMTP_TEMPFAIL;
		r->session = 1;
		r->text = xasprintf("%s%s%s", curl_easy_strerror(rc),
		    *s->errbuf != '\0' ? ": " : "", s->errbuf);
		return;
	}
	r->code = s->err_code;
	msg_stage = strcmp(v, "MAIL") == 0 || strcmp(v, "RCPT") == 0 ||
	    strcmp(v, "DATA") == 0;
	auth_code = r->code == 530 || r->code == 534 || r->code == 535 ||
	    r->code == 538;
	r->result = r->code >= 500 && msg_stage && !auth_code ?
	    SMTP_PERMFAIL : SMTP_TEMPFAIL;
	r->session = !msg_stage || auth_code;
	r->text = xasprintf("%s (after %s)", s->err_reply, *v != '\0' ? v :
	    "connect");
}

void
smtp_send(struct smtp *s, const char *from, const char *rcpts,
    const char *data, size_t len, struct smtp_reply *r)
{
	struct curl_slist *rl = NULL;
	const char *p = rcpts;
	char *addr;
	size_t n;
	CURLcode rc;

	memset(r, 0, sizeof(*r));
	while (*(p += strspn(p, " ,")) != '\0') {
		n = strcspn(p, " ,");
		addr = xasprintf("<%.*s>", (int)n, p);
		rl = curl_slist_append(rl, addr);
		free(addr);
		p += n;
	}
	addr = xasprintf("<%s>", from);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, addr);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rl);
	s->data = data;
	s->len = len;
	s->off = 0;
	s->refused = 0;
	s->err_code = 0;
	s->verb[0] = s->err_verb[0] = s->err_reply[0] = s->errbuf[0] = '\0';
	rc = curl_easy_perform(s->curl);
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &r->code);
	if (rc == CURLE_OK)
		r->result = SMTP_SENT;
	else
		classify(s, rc, r);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rl);
	free(addr);
}
