/* SPDX-License-Identifier: ISC */
/*
 * The commands of a selected IMAP session: UID SEARCH, UID FETCH (sizes,
 * then bodies with BODY.PEEK so that reading flags nothing), UID STORE,
 * UID MOVE or its COPY + \Deleted + EXPUNGE fallback, IDLE; and the UID
 * set helpers.  Every UID set is built from compressed ranges, so a batch
 * of consecutive UIDs costs one short command line.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "guichet.h"
#include "imap-int.h"
#include "log.h"

size_t
imap_ranges(const uint32_t *uids, size_t n, struct imap_range *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (k > 0 && out[k - 1].last == uids[i])
			continue;
		if (k > 0 && out[k - 1].last != UINT32_MAX &&
		    out[k - 1].last + 1 == uids[i]) {
			out[k - 1].last = uids[i];
			continue;
		}
		out[k].first = out[k].last = uids[i];
		k++;
	}
	return k;
}

char *
imap_uidset_string(const uint32_t *uids, size_t n)
{
	struct imap_range *r = xcalloc(n ? n : 1, sizeof(*r));
	size_t k = imap_ranges(uids, n, r);
	struct buf b;

	buf_init(&b);
	for (size_t i = 0; i < k; i++) {
		if (r[i].first == r[i].last)
			buf_printf(&b, "%s%u", i ? "," : "", r[i].first);
		else
			buf_printf(&b, "%s%u:%u", i ? "," : "", r[i].first,
			    r[i].last);
	}
	free(r);
	if (b.data == NULL)
		buf_adds(&b, "");
	return buf_steal(&b);
}

char *
imap_base64(const void *in, size_t len)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = in;
	char *out = xmalloc((len + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		*o++ = tab[p[i] >> 2];
		*o++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*o++ = tab[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*o++ = tab[p[i + 2] & 63];
	}
	if (i < len) {
		*o++ = tab[p[i] >> 2];
		if (i + 1 < len) {
			*o++ = tab[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			*o++ = tab[(p[i + 1] & 15) << 2];
		} else {
			*o++ = tab[(p[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

static struct mailimap_set *
uid_set(const uint32_t *uids, size_t n)
{
	struct imap_range *r = xcalloc(n ? n : 1, sizeof(*r));
	size_t k = imap_ranges(uids, n, r);
	struct mailimap_set *set = mailimap_set_new_empty();

	for (size_t i = 0; i < k; i++) {
		if (r[i].first == r[i].last)
			mailimap_set_add_single(set, r[i].first);
		else
			mailimap_set_add_interval(set, r[i].first, r[i].last);
	}
	free(r);
	return set;
}

static int
uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Index of uid in the sorted array, or -1. */
static long
uid_find(const uint32_t *uids, size_t n, uint32_t uid)
{
	const uint32_t *p = bsearch(&uid, uids, n, sizeof(*uids), uid_cmp);

	return p == NULL ? -1 : (long)(p - uids);
}

static struct mailimap_search_key *
key_flag(int type)
{
	return mailimap_search_key_new(type, NULL, NULL, NULL, NULL, NULL,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL,
	    NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL);
}

int
imap_search(struct imap *im, uint32_t first, uint32_t last,
    enum imap_search what, uint32_t **out, size_t *n, char **cause)
{
	struct mailimap_search_key *key;
	clist *res = NULL;
	clistiter *it;
	uint32_t *uids, u;
	size_t k = 0;
	int r;

	*out = NULL;
	*n = 0;
	key = mailimap_search_key_new_multiple_empty();
	mailimap_search_key_multiple_add(key,
	    mailimap_search_key_new_uid(mailimap_set_new_interval(first,
	    last)));
	if (what == IMAP_SEARCH_FAILED)
		mailimap_search_key_multiple_add(key,
		    mailimap_search_key_new_keyword(
		    xstrdup(IMAP_KEYWORD_FAILED)));
	else if (what != IMAP_SEARCH_ALL)
		mailimap_search_key_multiple_add(key,
		    mailimap_search_key_new_unkeyword(
		    xstrdup(IMAP_KEYWORD_FAILED)));
	if (what == IMAP_SEARCH_UNSEEN)
		mailimap_search_key_multiple_add(key,
		    key_flag(MAILIMAP_SEARCH_KEY_UNSEEN));
	r = mailimap_uid_search(im->s, NULL, key, &res);
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail_r(im, r, IMAP_FAIL_TEMP, cause, "UID SEARCH");
	uids = xreallocarray(NULL, clist_count(res) + 1, sizeof(*uids));
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		u = *(uint32_t *)clist_content(it);
		if (u >= first && (last == 0 || u <= last))
			uids[k++] = u;
	}
	mailimap_search_result_free(res);
	qsort(uids, k, sizeof(*uids), uid_cmp);
	*n = 0;
	for (size_t i = 0; i < k; i++)
		if (*n == 0 || uids[*n - 1] != uids[i])
			uids[(*n)++] = uids[i];
	*out = uids;
	return 0;
}

/* The static attribute of a given type in one FETCH response, or NULL. */
static struct mailimap_msg_att_static *
att_find(struct mailimap_msg_att *ma, int type)
{
	clistiter *it;
	struct mailimap_msg_att_item *item;

	for (it = clist_begin(ma->att_list); it != NULL; it = clist_next(it)) {
		item = clist_content(it);
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
		    item->att_data.att_static != NULL &&
		    item->att_data.att_static->att_type == type)
			return item->att_data.att_static;
	}
	return NULL;
}

/* UID FETCH of uids with the given attributes; *res for the caller. */
static int
fetch(struct imap *im, const uint32_t *uids, size_t n,
    struct mailimap_fetch_att *att, clist **res, char **cause)
{
	struct mailimap_fetch_type *ft;
	struct mailimap_set *set = uid_set(uids, n);
	int r;

	*res = NULL;
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft, att);
	r = mailimap_uid_fetch(im->s, set, ft, res);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail_r(im, r, IMAP_FAIL_TEMP, cause, "UID FETCH");
	return 0;
}

int
imap_fetch_sizes(struct imap *im, const uint32_t *uids, size_t n,
    uint32_t *sizes, char **cause)
{
	struct mailimap_msg_att_static *a, *sz;
	clistiter *it;
	clist *res;
	long i;

	for (size_t j = 0; j < n; j++)
		sizes[j] = UINT32_MAX;
	if (n == 0)
		return 0;
	if (fetch(im, uids, n, mailimap_fetch_att_new_rfc822_size(), &res,
	    cause) == -1)
		return -1;
	/* Unsolicited FETCH lines (flag changes) carry no size: skipped. */
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		if ((a = att_find(clist_content(it), MAILIMAP_MSG_ATT_UID)) ==
		    NULL || (sz = att_find(clist_content(it),
		    MAILIMAP_MSG_ATT_RFC822_SIZE)) == NULL)
			continue;
		if ((i = uid_find(uids, n, a->att_data.att_uid)) >= 0)
			sizes[i] = sz->att_data.att_rfc822_size;
	}
	mailimap_fetch_list_free(res);
	return 0;
}

static int
msg_cmp(const void *a, const void *b)
{
	return uid_cmp(&((const struct imap_msg *)a)->uid,
	    &((const struct imap_msg *)b)->uid);
}

void
imap_collect(struct imap_fetch_result *fr, clist *res, const uint32_t *uids,
    size_t n)
{
	struct mailimap_msg_att_static *a, *body;
	struct mailimap_msg_att_body_section *bs;
	clistiter *it;
	size_t k = 0;

	fr->priv = res;
	fr->msgs = xreallocarray(NULL, clist_count(res) + 1,
	    sizeof(*fr->msgs));
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		if ((a = att_find(clist_content(it), MAILIMAP_MSG_ATT_UID)) ==
		    NULL || (body = att_find(clist_content(it),
		    MAILIMAP_MSG_ATT_BODY_SECTION)) == NULL ||
		    uid_find(uids, n, a->att_data.att_uid) < 0)
			continue;
		bs = body->att_data.att_body_section;
		fr->msgs[k].uid = a->att_data.att_uid;
		fr->msgs[k].data = bs != NULL && bs->sec_body_part != NULL ?
		    bs->sec_body_part : "";
		fr->msgs[k].len = bs != NULL && bs->sec_body_part != NULL ?
		    bs->sec_length : 0;
		k++;
	}
	qsort(fr->msgs, k, sizeof(*fr->msgs), msg_cmp);
	fr->n = 0;
	for (size_t i = 0; i < k; i++)
		if (fr->n == 0 || fr->msgs[fr->n - 1].uid != fr->msgs[i].uid)
			fr->msgs[fr->n++] = fr->msgs[i];
}

int
imap_fetch(struct imap *im, const uint32_t *uids, size_t n, int header_only,
    struct imap_fetch_result *fr, char **cause)
{
	struct mailimap_section *sec;
	clist *res;

	memset(fr, 0, sizeof(*fr));
	if (n == 0)
		return 0;
	sec = header_only ? mailimap_section_new_header() :
	    mailimap_section_new(NULL);
	if (fetch(im, uids, n, mailimap_fetch_att_new_body_peek_section(sec),
	    &res, cause) == -1)
		return -1;
	imap_collect(fr, res, uids, n);
	return 0;
}

void
imap_fetch_result_free(struct imap_fetch_result *fr)
{
	if (fr->priv != NULL)
		mailimap_fetch_list_free(fr->priv);
	free(fr->msgs);
	memset(fr, 0, sizeof(*fr));
}

static int
store_flag(struct imap *im, const uint32_t *uids, size_t n,
    struct mailimap_flag *flag, int remove, char **cause)
{
	struct mailimap_flag_list *fl = mailimap_flag_list_new_empty();
	struct mailimap_store_att_flags *sa;
	struct mailimap_set *set = uid_set(uids, n);
	int r;

	mailimap_flag_list_add(fl, flag);
	sa = remove ? mailimap_store_att_flags_new_remove_flags_silent(fl) :
	    mailimap_store_att_flags_new_add_flags_silent(fl);
	r = mailimap_uid_store(im->s, set, sa);
	mailimap_store_att_flags_free(sa);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail_r(im, r, IMAP_FAIL_TEMP, cause, "UID STORE");
	return 0;
}

int
imap_mark(struct imap *im, const uint32_t *uids, size_t n, enum imap_mark m,
    char **cause)
{
	if (n == 0)
		return 0;
	return store_flag(im, uids, n, m == IMAP_MARK_SEEN ?
	    mailimap_flag_new_seen() :
	    mailimap_flag_new_flag_keyword(xstrdup(IMAP_KEYWORD_FAILED)),
	    m == IMAP_UNMARK_FAILED, cause);
}

/* The messages are in done_mailbox; now out of the mailbox.  Without
 * UIDPLUS, EXPUNGE also removes what someone else flagged \Deleted. */
static int
expunge(struct imap *im, const uint32_t *uids, size_t n, char **cause)
{
	struct mailimap_set *set;
	int r;

	if (store_flag(im, uids, n, mailimap_flag_new_deleted(), 0, cause) ==
	    -1)
		return -1;
	if (im->cap_uidplus) {
		set = uid_set(uids, n);
		r = mailimap_uid_expunge(im->s, set);
		mailimap_set_free(set);
	} else {
		if (!im->warned_expunge++)
			log_warn("%s: no MOVE nor UIDPLUS: a plain EXPUNGE "
			    "also removes other messages flagged \\Deleted",
			    im->mc->host);
		r = mailimap_expunge(im->s);
	}
	if (r != MAILIMAP_NO_ERROR)
		return imap_fail_r(im, r, IMAP_FAIL_TEMP, cause, "EXPUNGE");
	return 0;
}

int
imap_move(struct imap *im, const uint32_t *uids, size_t n, char **cause)
{
	const char *dest = im->mc->done_mailbox;
	struct mailimap_set *set;
	char *what;
	int r;

	if (n == 0)
		return 0;
	set = uid_set(uids, n);
	if (im->cap_move)
		r = mailimap_uid_move(im->s, set, dest);
	else
		r = mailimap_uid_copy(im->s, set, dest);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR) {
		what = xasprintf("UID %s to %s", im->cap_move ? "MOVE" : "COPY",
		    dest);
		imap_fail_r(im, r, IMAP_FAIL_TEMP, cause, what);
		free(what);
		return -1;
	}
	if (!im->cap_move)
		return expunge(im, uids, n, cause);
	return 0;
}

int
imap_exists_take(struct imap *im)
{
	struct mailimap_selection_info *si = im->s->imap_selection_info;
	int seen = si != NULL && si->sel_has_exists;

	if (si != NULL)
		si->sel_has_exists = 0;
	return seen;
}

int
imap_idle_fd(const struct imap *im)
{
	return mailimap_idle_get_fd(im->s);
}

int
imap_idle_buffered(const struct imap *im)
{
	return im->s->imap_stream != NULL &&
	    im->s->imap_stream->read_buffer_len > 0;
}

int
imap_idle_done(struct imap *im, int *woken, char **cause)
{
	int r;

	im->idling = 0;
	*woken = 0;
	if ((r = mailimap_idle_done(im->s)) != MAILIMAP_NO_ERROR)
		return imap_fail_r(im, r, IMAP_FAIL_TEMP, cause, "IDLE DONE");
	*woken = im->s->imap_selection_info != NULL &&
	    im->s->imap_selection_info->sel_has_exists;
	return 0;
}
