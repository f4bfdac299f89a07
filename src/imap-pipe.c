/* SPDX-License-Identifier: ISC */
/*
 * Pipelined commands: the request goes out now and its answer is read
 * later, so that the server works while guichet does (the intake of the
 * previous batch).  A long pass uses two sessions: one fetches the next
 * batch ahead, the other flags or moves the batch just committed.
 *
 * At most one command is in flight per session: answers then come in
 * order and libetpan's parser, which checks the tag of the last command
 * sent, reads them unchanged.  The commands are written here as text;
 * the answers go through libetpan's parser, and a FETCH answer is taken
 * from the session's response info exactly as mailimap_uid_fetch does.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "guichet.h"
#include "imap-int.h"

static int
send_cmd(struct imap *im, const char *cmd, const char *what, char **cause)
{
	mailstream *st = im->s->imap_stream;
	int r;

	r = mailimap_send_current_tag(im->s);
	if (r == MAILIMAP_NO_ERROR && (imap_swrite(st, cmd) == -1 ||
	    imap_swrite(st, "\r\n") == -1 || mailstream_flush(st) == -1))
		r = MAILIMAP_ERROR_STREAM;
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail_r(im, r, IMAP_FAIL_TEMP, cause, what);
	im->inflight = 1;
	return 0;
}

/* Reads the answer to the command in flight; err is the libetpan code
 * that a NO stands for. */
static int
recv_cmd(struct imap *im, int err, const char *what, char **cause)
{
	struct mailimap_response *resp;
	int r, ok;

	im->inflight = 0;
	if (mailimap_read_line(im->s) == NULL)
		r = MAILIMAP_ERROR_STREAM;
	else
		r = mailimap_parse_response(im->s, &resp);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail_r(im, r, IMAP_FAIL_TEMP, cause, what);
	ok = resp->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->
	    rsp_type == MAILIMAP_RESP_COND_STATE_OK;
	mailimap_response_free(resp);
	if (!ok)
		return imap_fail_r(im, err, IMAP_FAIL_TEMP, cause, what);
	return 0;
}

int
imap_inflight(const struct imap *im)
{
	return im->inflight;
}

int
imap_fetch_send(struct imap *im, const uint32_t *uids, size_t n,
    char **cause)
{
	char *set, *cmd;
	int rc;

	if (n == 0)
		return 0;
	set = imap_uidset_string(uids, n);
	cmd = xasprintf("UID FETCH %s (UID BODY.PEEK[])", set);
	rc = send_cmd(im, cmd, "UID FETCH", cause);
	free(cmd);
	free(set);
	return rc;
}

int
imap_fetch_recv(struct imap *im, const uint32_t *uids, size_t n,
    struct imap_fetch_result *fr, char **cause)
{
	struct mailimap_response_info *ri;
	clist *res;

	memset(fr, 0, sizeof(*fr));
	if (!im->inflight)
		return 0;
	if (recv_cmd(im, MAILIMAP_ERROR_UID_FETCH, "UID FETCH", cause) == -1)
		return -1;
	ri = im->s->imap_response_info;
	res = ri != NULL ? ri->rsp_fetch_list : NULL;
	if (res == NULL)
		res = clist_new();
	else
		ri->rsp_fetch_list = NULL;	/* ours now */
	imap_collect(fr, res, uids, n);
	return 0;
}

/* A mailbox name as an IMAP quoted string, or NULL when it cannot be one
 * (8-bit, CR, LF: left to libetpan's literals). */
static char *
quoted(const char *s)
{
	struct buf b;

	buf_init(&b);
	buf_addc(&b, '"');
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x80 || *s == '\r' || *s == '\n') {
			buf_free(&b);
			return NULL;
		}
		if (*s == '"' || *s == '\\')
			buf_addc(&b, '\\');
		buf_addc(&b, *s);
	}
	buf_addc(&b, '"');
	return buf_steal(&b);
}

int
imap_done_send(struct imap *im, const uint32_t *uids, size_t n, char **cause)
{
	const char *dest = im->mc->done_mailbox;
	char *set, *q = NULL, *cmd;
	int rc;

	if (n == 0)
		return 0;
	/* No MOVE (three commands) or an odd name: done at once. */
	if (*dest != '\0' && (!im->cap_move || (q = quoted(dest)) == NULL))
		return imap_move(im, uids, n, cause);
	set = imap_uidset_string(uids, n);
	if (q != NULL)
		cmd = xasprintf("UID MOVE %s %s", set, q);
	else
		cmd = xasprintf("UID STORE %s +FLAGS.SILENT (\\Seen)", set);
	rc = send_cmd(im, cmd, q != NULL ? "UID MOVE" : "UID STORE", cause);
	free(cmd);
	free(set);
	free(q);
	return rc;
}

int
imap_done_recv(struct imap *im, char **cause)
{
	if (!im->inflight)
		return 0;
	if (*im->mc->done_mailbox != '\0')
		return recv_cmd(im, MAILIMAP_ERROR_UID_MOVE, "UID MOVE", cause);
	return recv_cmd(im, MAILIMAP_ERROR_UID_STORE, "UID STORE", cause);
}

/*
 * IDLE is started here, not with mailimap_idle(): that one throws away
 * untagged lines that come before the "+ idling" continuation, and an
 * EXISTS there (mail that arrived since the last command) would be lost
 * until the next wake-up.  Those lines set *pending instead: the caller
 * then ends IDLE at once and runs a pass.  mailimap_idle_done() reads the
 * end as usual (the tag is the session's).
 */
int
imap_idle_start(struct imap *im, int *pending, char **cause)
{
	mailstream *st = im->s->imap_stream;
	char *line;
	int r;

	*pending = 0;
	r = mailimap_send_current_tag(im->s);
	if (r == MAILIMAP_NO_ERROR && (imap_swrite(st, "IDLE\r\n") == -1 ||
	    mailstream_flush(st) == -1))
		r = MAILIMAP_ERROR_STREAM;
	while (r == MAILIMAP_NO_ERROR) {
		if ((line = mailimap_read_line(im->s)) == NULL)
			r = MAILIMAP_ERROR_STREAM;
		else if (line[0] == '+') {
			im->idling = 1;
			return 0;
		} else if (line[0] == '*')
			*pending = 1;
		else {
			/* Tagged: refused.  Start afresh rather than guess. */
			im->dead = 1;
			return imap_fail_text(im, IMAP_FAIL_TEMP, cause,
			    xstrdup("IDLE: refused by the server"));
		}
	}
	return imap_fail_r(im, r, IMAP_FAIL_TEMP, cause, "IDLE");
}
