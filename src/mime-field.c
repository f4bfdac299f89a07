/* SPDX-License-Identifier: ISC */
/*
 * mime-field.c - structured header fields: addresses, message ids and
 * dates, read with libetpan's mailimf parsers, and with a plain scan for
 * what those refuse ("Name <a@b>" with a broken name, ids among junk).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mime-int.h"

#define MIME_MAX_ID	500	/* bytes of a message id kept */

/* Keeps what may be shown or stored of an id or address: valid UTF-8
 * without spaces, controls or angle brackets. */
static char *
token_clean(const char *s, size_t n, size_t max)
{
	struct buf b;
	char *t, *o;
	const char *p;

	buf_init(&b);
	mime_utf8_append(&b, s, n, 0);
	t = buf_steal(&b);
	for (o = t, p = t; *p != '\0'; p++)
		if ((unsigned char)*p > ' ' && *p != 0x7f && *p != '<' &&
		    *p != '>')
			*o++ = *p;
	*o = '\0';
	if ((size_t)(o - t) > max) {
		/* Cut before a character, not inside one. */
		while (max > 0 && ((unsigned char)t[max] & 0xc0) == 0x80)
			max--;
		t[max] = '\0';
	}
	return t;
}

/* The first word of s (from its first byte that is no white space);
 * *p is set past it. */
static char *
first_word(const char *s, const char *end, const char **p)
{
	const char *w;

	for (w = s; w < end && (*w == ' ' || *w == '\t' || *w == '\r' ||
	    *w == '\n'); w++)
		continue;
	for (*p = w; *p < end && **p != ' ' && **p != '\t' && **p != '\r' &&
	    **p != '\n'; (*p)++)
		continue;
	return token_clean(w, (size_t)(*p - w), MIME_MAX_ID);
}

/* The first "<...>" of s, or else its first word. */
static char *
msgid_scan(const char *s, size_t n)
{
	const char *lt, *gt, *end = s + n, *p;

	lt = memchr(s, '<', n);
	if (lt != NULL && (gt = memchr(lt, '>', (size_t)(end - lt))) != NULL)
		return token_clean(lt + 1, (size_t)(gt - lt - 1), MIME_MAX_ID);
	return first_word(s, end, &p);
}

char *
mime_msgid_from(const char *v, size_t n)
{
	size_t idx = 0;
	char *id = NULL, *t;

	if (mailimf_msg_id_parse(v, n, &idx, &id) == MAILIMF_NO_ERROR &&
	    id != NULL) {
		t = token_clean(id, strlen(id), MIME_MAX_ID);
		free(id);
	} else
		t = msgid_scan(v, n);
	if (*t == '\0') {
		free(t);
		return NULL;
	}
	return t;
}

/* Appends id (taken) to ids; past max, keeps the oldest and the newest
 * as RFC 5322 advises for References. */
static void
ids_push(char ***ids, size_t *nids, size_t max, char *id)
{
	if (*id == '\0')
		free(id);
	else if (*nids < max) {
		*ids = xreallocarray(*ids, *nids + 1, sizeof(char *));
		(*ids)[(*nids)++] = id;
	} else if (max >= 2) {
		free((*ids)[1]);
		memmove(*ids + 1, *ids + 2, (max - 2) * sizeof(char *));
		(*ids)[max - 1] = id;
	} else
		free(id);
}

/*
 * The ids of junk: its "<...>", one after the other, then its words from
 * the first '<' that no '>' follows (then none follows any later '<'),
 * while a '<' is left.  Where the next '<' is and whether a '>' is left
 * are kept from one id to the next: looked for again each time, they
 * made a header full of '<' or of words cost quadratic time.
 */
static void
msgid_scan_all(const char *v, size_t n, char ***ids, size_t *nids,
    size_t max)
{
	const char *end = v + n, *lt, *gt, *p;
	int closed = 1;		/* a '>' may follow lt */

	lt = memchr(v, '<', n);
	while (lt != NULL) {
		if (closed && (gt = memchr(lt, '>', (size_t)(end - lt))) !=
		    NULL) {
			ids_push(ids, nids, max, token_clean(lt + 1,
			    (size_t)(gt - lt - 1), MIME_MAX_ID));
			p = gt + 1;
		} else {
			closed = 0;
			ids_push(ids, nids, max, first_word(v, end, &p));
			if (p == v)
				break;
		}
		v = p;
		if (v >= end)
			break;
		if (lt < v)
			lt = memchr(v, '<', (size_t)(end - v));
	}
}

/* References and In-Reply-To: libetpan's list parser, or a scan for
 * "<...>" when it gives up (phrases, comments, junk). */
void
mime_msgid_list(const char *v, size_t n, char ***ids, size_t *nids, size_t max)
{
	clist *list = NULL;
	clistiter *it;
	size_t idx = 0;
	char *id;

	if (mailimf_msg_id_list_parse(v, n, &idx, &list) == MAILIMF_NO_ERROR) {
		for (it = clist_begin(list); it != NULL; it = clist_next(it)) {
			id = clist_content(it);
			ids_push(ids, nids, max, token_clean(id, strlen(id),
			    MIME_MAX_ID));
			free(id);
		}
		clist_free(list);
		return;
	}
	msgid_scan_all(v, n, ids, nids, max);
}

static void
address_set(struct mime_address *a, const char *name, const char *addr)
{
	const char *lt, *gt;
	char *n2 = NULL, *a2 = NULL;
	size_t n;

	/* libetpan's lenient addr-spec may swallow "Name <a@b>" whole when
	 * the name is broken (an unterminated RFC 2047 word, say). */
	if (addr != NULL && (lt = strchr(addr, '<')) != NULL) {
		if ((gt = strchr(lt, '>')) == NULL)
			gt = lt + strlen(lt);
		if (name == NULL)
			name = n2 = xstrndup(addr, (size_t)(lt - addr));
		addr = a2 = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	}
	a->name = name != NULL ? mime_header_decode(name, strlen(name), NULL,
	    0) : xstrdup("");
	/* libetpan may leave a quote of a quoted display name. */
	n = strlen(a->name);
	if (n > 0 && a->name[n - 1] == '"')
		a->name[--n] = '\0';
	if (n > 0 && a->name[0] == '"')
		memmove(a->name, a->name + 1, n);
	a->addr = addr != NULL ? token_clean(addr, strlen(addr), 320) :
	    xstrdup("");
	free(n2);
	free(a2);
}

static void
address_push(struct mime_address **arr, size_t *n, size_t *cap,
    const char *name, const char *addr)
{
	if (*n >= MIME_MAX_ADDRESSES)
		return;
	if (*n == *cap) {
		*cap = *cap == 0 ? 4 : *cap * 2;
		*arr = xreallocarray(*arr, *cap, sizeof(**arr));
	}
	address_set(&(*arr)[(*n)++], name, addr);
}

/* A broken address field: "Name <a@b>" or the first word with an '@'. */
static int
address_scan(const char *v, struct mime_address **arr, size_t *n,
    size_t *cap)
{
	const char *lt = strchr(v, '<'), *gt, *p, *q;
	char *name, *addr;

	if (lt != NULL && (gt = strchr(lt, '>')) != NULL &&
	    memchr(lt, '@', (size_t)(gt - lt)) != NULL) {
		name = xstrndup(v, (size_t)(lt - v));
		addr = xstrndup(lt + 1, (size_t)(gt - lt - 1));
	} else if ((p = strchr(v, '@')) != NULL) {
		for (q = p; q > v && q[-1] != ' ' && q[-1] != '\t' &&
		    q[-1] != '\n'; q--)
			continue;
		for (; *p != '\0' && *p != ' ' && *p != '\t' && *p != '\r' &&
		    *p != '\n' && *p != ',' && *p != ';'; p++)
			continue;
		name = NULL;
		addr = xstrndup(q, (size_t)(p - q));
	} else
		return 0;
	address_push(arr, n, cap, name, addr);
	free(name);
	free(addr);
	return 1;
}

static void
mailbox_list_push(struct mailimf_mailbox_list *mbl,
    struct mime_address **arr, size_t *n, size_t *cap)
{
	struct mailimf_mailbox *mb;
	clistiter *it;

	if (mbl == NULL)
		return;
	for (it = clist_begin(mbl->mb_list); it != NULL; it = clist_next(it)) {
		mb = clist_content(it);
		address_push(arr, n, cap, mb->mb_display_name,
		    mb->mb_addr_spec);
	}
}

/* Appends the addresses of a header value; returns 0 when none. */
int
mime_addresses(const char *v, struct mime_address **arr, size_t *n, size_t *cap)
{
	struct mailimf_address_list *al = NULL;
	struct mailimf_address *ad;
	clistiter *it;
	size_t idx = 0, before = *n;

	if (mailimf_address_list_parse(v, strlen(v), &idx, &al) !=
	    MAILIMF_NO_ERROR)
		return address_scan(v, arr, n, cap);
	for (it = clist_begin(al->ad_list); it != NULL; it = clist_next(it)) {
		ad = clist_content(it);
		if (ad->ad_type == MAILIMF_ADDRESS_MAILBOX)
			address_push(arr, n, cap,
			    ad->ad_data.ad_mailbox->mb_display_name,
			    ad->ad_data.ad_mailbox->mb_addr_spec);
		else if (ad->ad_data.ad_group != NULL)
			mailbox_list_push(ad->ad_data.ad_group->grp_mb_list,
			    arr, n, cap);
	}
	mailimf_address_list_free(al);
	return *n > before || address_scan(v, arr, n, cap);
}

/* The first address of a header value into *a; 0 when none. */
int
mime_first_address(const char *v, struct mime_address *a)
{
	struct mime_address *arr = NULL;
	size_t n = 0, cap = 0, i;

	mime_addresses(v, &arr, &n, &cap);
	if (n == 0)
		return 0;
	*a = arr[0];
	for (i = 1; i < n; i++) {
		free(arr[i].name);
		free(arr[i].addr);
	}
	free(arr);
	return 1;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long long
days_from_civil(long long y, unsigned m, unsigned d)
{
	long long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

time_t
mime_date_parse(const char *v)
{
	struct mailimf_date_time *d = NULL;
	size_t idx = 0;
	long long t, y;
	int z, off;

	if (mailimf_date_time_parse(v, strlen(v), &idx, &d) !=
	    MAILIMF_NO_ERROR)
		return 0;
	/* RFC 5322 4.3: two-digit years below 50 are 20xx. */
	y = d->dt_year < 50 ? d->dt_year + 2000 : d->dt_year < 100 ?
	    d->dt_year + 1900 : d->dt_year;
	t = 0;
	if (y >= 1970 && y <= 9999 && d->dt_month >= 1 && d->dt_month <= 12 &&
	    d->dt_day >= 1 && d->dt_day <= 31 && d->dt_hour >= 0 &&
	    d->dt_hour < 24 && d->dt_min >= 0 && d->dt_min < 60 &&
	    d->dt_sec >= 0 && d->dt_sec <= 60 && d->dt_zone >= -9959 &&
	    d->dt_zone <= 9959) {
		z = d->dt_zone < 0 ? -d->dt_zone : d->dt_zone;
		off = (z / 100) * 3600 + (z % 100) * 60;
		t = days_from_civil(y, (unsigned)d->dt_month,
		    (unsigned)d->dt_day) * 86400 + d->dt_hour * 3600 +
		    d->dt_min * 60 + d->dt_sec;
		t -= d->dt_zone < 0 ? -off : off;
	}
	mailimf_date_time_free(d);
	return t > 0 ? (time_t)t : 0;
}
