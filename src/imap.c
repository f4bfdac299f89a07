/* SPDX-License-Identifier: ISC */
/*
 * The IMAP session over libetpan.  Every libetpan structure is built and
 * freed here with libetpan's own free functions; the rest of guichet sees
 * UIDs, byte buffers and struct imap.
 *
 * libetpan facts this file works around: it verifies no certificate
 * (imap-tls.c does, before any credential), sends SNI only when asked in
 * the TLS callback, returns 2 (not 0) from a successful connect, and its
 * AUTHENTICATE goes through Cyrus SASL plugins that may be missing, so
 * AUTHENTICATE PLAIN is spoken here directly.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "conf.h"
#include "guichet.h"
#include "imap-int.h"
#include "imap.h"
#include "log.h"

/* Response codes (RFC 5530) that tell a NO apart: passing or for the
 * admin.  Without a code the command decides. */
static const char *const codes_temp[] = { "UNAVAILABLE", "SERVERBUG",
    "INUSE", "LIMIT", "OVERQUOTA", "EXPUNGEISSUED", NULL };
static const char *const codes_config[] = { "AUTHENTICATIONFAILED",
    "AUTHORIZATIONFAILED", "EXPIRED", "PRIVACYREQUIRED", "CONTACTADMIN",
    "NOPERM", "NONEXISTENT", "CANNOT", NULL };

static int
in_list(const char *const *list, const char *s)
{
	for (; s != NULL && *list != NULL; list++)
		if (str_ieq(*list, s))
			return 1;
	return 0;
}

/* libetpan errors that mean the stream itself is gone or unusable. */
static int
stream_error(int r)
{
	switch (r) {
	case MAILIMAP_ERROR_BAD_STATE:
	case MAILIMAP_ERROR_STREAM:
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
	case MAILIMAP_ERROR_MEMORY:
	case MAILIMAP_ERROR_FATAL:
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
	case MAILIMAP_ERROR_SSL:
		return 1;
	default:
		return 0;
	}
}

static const char *
etpan_error(int r)
{
	switch (r) {
	case MAILIMAP_ERROR_STREAM:
		return "connection lost or timed out";
	case MAILIMAP_ERROR_PARSE:
		return "connection lost or unreadable server response";
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
		return "cannot connect";
	case MAILIMAP_ERROR_MEMORY:
		return "out of memory";
	case MAILIMAP_ERROR_FATAL:
		return "the server ended the session";
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
		return "the server refuses connections";
	case MAILIMAP_ERROR_SSL:
		return "TLS handshake failed";
	case MAILIMAP_ERROR_PROTOCOL:
		return "the server rejected the command";
	case MAILIMAP_ERROR_BAD_STATE:
		return "session in the wrong state";
	default:
		return "refused by the server";
	}
}

/* A printable copy of the server's text, which may hold anything. */
static char *
server_text(const char *s)
{
	char *t = xstrndup(s, strnlen(s, 200));

	for (char *p = t; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?';
	return t;
}

/*
 * Records a failure of libetpan code r during `what` and returns -1.
 * A stream failure kills the session and may pass; a NO is classified by
 * its response code, else by no_default.
 */
int
imap_fail_r(struct imap *im, int r, enum imap_fail no_default, char **cause,
    const char *what)
{
	struct mailimap_response_info *ri = im->s ? im->s->imap_response_info :
	    NULL;
	const char *atom = ri != NULL ? ri->rsp_atom : NULL;
	char *text = NULL;

	if (stream_error(r)) {
		im->dead = 1;
		im->fail = IMAP_FAIL_TEMP;
	} else if (in_list(codes_temp, atom))
		im->fail = IMAP_FAIL_TEMP;
	else if (in_list(codes_config, atom))
		im->fail = IMAP_FAIL_CONFIG;
	else
		im->fail = no_default;
	if ((!stream_error(r) || r == MAILIMAP_ERROR_FATAL) && im->s != NULL &&
	    im->s->imap_response != NULL && *im->s->imap_response != '\0')
		text = server_text(im->s->imap_response);
	*cause = xasprintf("%s: %s%s%s%s%s", what, etpan_error(r),
	    atom != NULL && !stream_error(r) ? " [" : "",
	    atom != NULL && !stream_error(r) ? atom : "",
	    atom != NULL && !stream_error(r) ? "]" : "",
	    text != NULL ? ": " : "");
	if (text != NULL) {
		char *c = xasprintf("%s%s", *cause, text);
		free(*cause);
		*cause = c;
		free(text);
	}
	return -1;
}

int
imap_fail_text(struct imap *im, enum imap_fail kind, char **cause, char *text)
{
	im->fail = kind;
	*cause = text;
	return -1;
}

static int
is_ip_literal(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 ||
	    inet_pton(AF_INET6, host, a) == 1;
}

/* mailimap_free() says LOGOUT and waits for the answer: not on a dead
 * stream, nor to a server whose certificate was refused. */
static void
session_free(struct imap *im)
{
	if (im->dead && im->s->imap_stream != NULL) {
		mailstream_close(im->s->imap_stream);
		im->s->imap_stream = NULL;
	}
	mailimap_free(im->s);
	im->s = NULL;
}

struct imap *
imap_new(const struct conf_imap *mc)
{
	struct imap *im = xcalloc(1, sizeof(*im));

	im->mc = mc;
	/* RFC 6066: no IP literal in SNI. */
	if (!is_ip_literal(mc->host))
		im->sni = xstrdup(mc->host);
	return im;
}

void
imap_free(struct imap *im)
{
	if (im == NULL)
		return;
	if (im->s != NULL)
		session_free(im);
	free(im->sni);
	free(im);
}

void
imap_logout(struct imap *im)
{
	/* An answer still in flight would confuse the LOGOUT: just close. */
	if (im->s != NULL && !im->dead && !im->inflight &&
	    im->s->imap_stream != NULL) {
		if (im->idling)
			mailimap_idle_done(im->s);
		mailimap_logout(im->s);
	}
	im->dead = 1;
}

void
imap_set_conf(struct imap *im, const struct conf_imap *mc)
{
	im->mc = mc;
}

enum imap_fail
imap_failure(const struct imap *im)
{
	return im->fail;
}

int
imap_alive(const struct imap *im)
{
	return im->s != NULL && !im->dead;
}

uint32_t
imap_uidvalidity(const struct imap *im)
{
	return im->uidvalidity;
}

int
imap_has_idle(const struct imap *im)
{
	return im->cap_idle;
}

int
imap_has_move(const struct imap *im)
{
	return im->cap_move;
}

/* Runs inside libetpan before the handshake: the only place where SNI
 * can be set. */
static void
tls_setup(struct mailstream_ssl_context *ctx, void *arg)
{
	struct imap *im = arg;

	if (im->sni != NULL)
		mailstream_ssl_set_server_name(ctx, im->sni);
}

static int
tls_verify(struct imap *im, char **cause)
{
	carray *chain;
	struct imap_tls_cert *certs;
	size_t n;
	int rc;

	chain = mailstream_get_certificate_chain(im->s->imap_stream);
	if (chain == NULL)
		return imap_fail_text(im, IMAP_FAIL_CONFIG, cause, xasprintf(
		    "%s sent no certificate", im->mc->host));
	n = carray_count(chain);
	certs = xcalloc(n ? n : 1, sizeof(*certs));
	for (size_t i = 0; i < n; i++) {
		MMAPString *der = carray_get(chain, (unsigned int)i);
		certs[i].der = (const unsigned char *)der->str;
		certs[i].len = der->len;
	}
	rc = imap_tls_verify(certs, n, im->mc->host, im->mc->ca_file, cause);
	free(certs);
	mailstream_certificate_chain_free(chain);
	if (rc == -1) {
		im->fail = IMAP_FAIL_CONFIG;
		return -1;
	}
	return 0;
}

static int
caps_refresh(struct imap *im, char **cause)
{
	struct mailimap_capability_data *cap = NULL;
	int r;

	if ((r = mailimap_capability(im->s, &cap)) != MAILIMAP_NO_ERROR)
		return imap_fail_r(im, r, IMAP_FAIL_TEMP, cause, "CAPABILITY");
	mailimap_capability_data_free(cap);
	im->cap_idle = mailimap_has_idle(im->s);
	im->cap_move = mailimap_has_extension(im->s, "MOVE");
	im->cap_uidplus = mailimap_has_uidplus(im->s);
	return 0;
}

int
imap_swrite(mailstream *st, const char *s)
{
	size_t len = strlen(s);

	return mailstream_write(st, s, len) == (ssize_t)len ? 0 : -1;
}

/* AUTHENTICATE PLAIN (RFC 4616), with SASL-IR when offered. */
static int
auth_plain(struct imap *im, char **cause)
{
	const struct conf_imap *mc = im->mc;
	mailstream *st = im->s->imap_stream;
	struct mailimap_response *resp;
	size_t ul = strlen(mc->user), pl = strlen(mc->password);
	size_t len = ul + pl + 2;
	char *raw = xmalloc(len), *b64, *line = NULL;
	int ir = mailimap_has_extension(im->s, "SASL-IR"), r, ok;

	raw[0] = '\0';
	memcpy(raw + 1, mc->user, ul);
	raw[ul + 1] = '\0';
	memcpy(raw + ul + 2, mc->password, pl);
	b64 = imap_base64(raw, len);
	explicit_bzero(raw, len);
	free(raw);
	r = mailimap_send_current_tag(im->s);
	if (r == MAILIMAP_NO_ERROR && (imap_swrite(st, ir ?
	    "AUTHENTICATE PLAIN " : "AUTHENTICATE PLAIN\r\n") == -1 ||
	    (ir && (imap_swrite(st, b64) == -1 ||
	    imap_swrite(st, "\r\n") == -1)) || mailstream_flush(st) == -1))
		r = MAILIMAP_ERROR_STREAM;
	if (r == MAILIMAP_NO_ERROR && (line = mailimap_read_line(im->s)) ==
	    NULL)
		r = MAILIMAP_ERROR_STREAM;
	/* Without SASL-IR the server first asks with "+ ". */
	if (r == MAILIMAP_NO_ERROR && !ir && line[0] == '+' &&
	    (imap_swrite(st, b64) == -1 || imap_swrite(st, "\r\n") == -1 ||
	    mailstream_flush(st) == -1 || mailimap_read_line(im->s) == NULL))
		r = MAILIMAP_ERROR_STREAM;
	explicit_bzero(b64, strlen(b64));
	free(b64);
	if (r == MAILIMAP_NO_ERROR)
		r = mailimap_parse_response(im->s, &resp);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail_r(im, r, IMAP_FAIL_CONFIG, cause,
		    "AUTHENTICATE PLAIN");
	ok = resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->
	    rsp_type == MAILIMAP_RESP_COND_STATE_OK;
	mailimap_response_free(resp);
	if (!ok)
		return imap_fail_r(im, MAILIMAP_ERROR_LOGIN, IMAP_FAIL_CONFIG,
		    cause, "AUTHENTICATE PLAIN as the configured user");
	im->s->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	return 0;
}

static int
authenticate(struct imap *im, char **cause)
{
	const struct conf_imap *mc = im->mc;
	int r;

	if (*mc->user == '\0')
		return imap_fail_text(im, IMAP_FAIL_CONFIG, cause,
		    xstrdup("no user configured"));
	if (strcmp(mc->auth, "plain") == 0)
		return auth_plain(im, cause);
	if (mailimap_has_extension(im->s, "LOGINDISABLED"))
		return imap_fail_text(im, IMAP_FAIL_CONFIG, cause,
		    xstrdup("the server refuses LOGIN here (LOGINDISABLED): "
		    "use security = tls or starttls"));
	if ((r = mailimap_login(im->s, mc->user, mc->password)) !=
	    MAILIMAP_NO_ERROR)
		return imap_fail_r(im, r, IMAP_FAIL_CONFIG, cause,
		    "LOGIN as the configured user");
	return 0;
}

/* done_mailbox is created when missing, so that the first MOVE works. */
static int
mailbox_ensure(struct imap *im, const char *mb, char **cause)
{
	clist *list = NULL;
	char *what;
	int r, found;

	if ((r = mailimap_list(im->s, "", mb, &list)) != MAILIMAP_NO_ERROR) {
		what = xasprintf("LIST %s", mb);
		imap_fail_r(im, r, IMAP_FAIL_TEMP, cause, what);
		free(what);
		return -1;
	}
	found = list != NULL && clist_count(list) > 0;
	if (list != NULL)
		mailimap_list_result_free(list);
	if (found)
		return 0;
	if ((r = mailimap_create(im->s, mb)) != MAILIMAP_NO_ERROR) {
		what = xasprintf("CREATE done_mailbox %s", mb);
		imap_fail_r(im, r, IMAP_FAIL_CONFIG, cause, what);
		free(what);
		return -1;
	}
	log_event("event=mailbox-created mailbox=%s", log_safe(mb));
	return 0;
}

static int
tcp_connect(struct imap *im, int *preauth, char **cause)
{
	const struct conf_imap *mc = im->mc;
	char *what = xasprintf("connect to %s:%d", mc->host, mc->port);
	int r;

	if (mc->security == SEC_TLS)
		r = mailimap_ssl_connect_with_callback(im->s, mc->host,
		    (uint16_t)mc->port, tls_setup, im);
	else
		r = mailimap_socket_connect(im->s, mc->host,
		    (uint16_t)mc->port);
	if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_AUTHENTICATED) {
		imap_fail_r(im, r, IMAP_FAIL_TEMP, cause, what);
		free(what);
		return -1;
	}
	free(what);
	*preauth = r == MAILIMAP_NO_ERROR_AUTHENTICATED;
	if (mc->security != SEC_STARTTLS)
		return 0;
	r = mailimap_socket_starttls_with_callback(im->s, tls_setup, im);
	if (r == MAILIMAP_NO_ERROR)
		return 0;
	/* Never fall back to clear text. */
	return imap_fail_r(im, r, r == MAILIMAP_ERROR_STARTTLS ?
	    IMAP_FAIL_CONFIG : IMAP_FAIL_TEMP, cause, "STARTTLS");
}

int
imap_connect(struct imap *im, char **cause)
{
	const struct conf_imap *mc = im->mc;
	int preauth;

	if (im->s != NULL)
		session_free(im);
	im->dead = im->idling = im->inflight = 0;
	im->fail = IMAP_FAIL_NONE;
	im->uidvalidity = 0;
	im->s = mailimap_new(0, NULL);
	if (im->s == NULL)
		return imap_fail_text(im, IMAP_FAIL_TEMP, cause,
		    xstrdup("out of memory"));
	mailimap_set_timeout(im->s, IMAP_TIMEOUT);
	if (tcp_connect(im, &preauth, cause) == -1)
		return -1;
	if (mc->security != SEC_NONE && tls_verify(im, cause) == -1) {
		im->dead = 1;
		return -1;
	}
	if (caps_refresh(im, cause) == -1)
		return -1;
	if (!preauth) {
		if (authenticate(im, cause) == -1 ||
		    caps_refresh(im, cause) == -1)
			return -1;
	}
	if (*mc->done_mailbox != '\0' &&
	    mailbox_ensure(im, mc->done_mailbox, cause) == -1)
		return -1;
	return 0;
}

int
imap_select(struct imap *im, char **cause)
{
	char *what;
	int r;

	if ((r = mailimap_select(im->s, im->mc->mailbox)) !=
	    MAILIMAP_NO_ERROR) {
		what = xasprintf("SELECT %s", im->mc->mailbox);
		imap_fail_r(im, r, IMAP_FAIL_CONFIG, cause, what);
		free(what);
		return -1;
	}
	im->uidvalidity = im->s->imap_selection_info->sel_uidvalidity;
	return 0;
}
