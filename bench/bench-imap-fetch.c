/* SPDX-License-Identifier: ISC */
/*
 * bench-imap-fetch: the ceiling for `guichet fetch`, a bare libetpan
 * client that does nothing with the mail.  Plain IMAP on 127.0.0.1: LOGIN,
 * SELECT, UID SEARCH ALL, then UID FETCH BODY.PEEK[] in batches.
 *     BENCH_IMAP_PASSWORD=pw bench-imap-fetch PORT USER MAILBOX BATCH
 * Prints "messages=N bytes=N seconds=S rate=R" on stdout (the time
 * counts from the SEARCH to the last FETCH) and exits 0.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <libetpan/libetpan.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, int r)
{
	fprintf(stderr, "bench-imap-fetch: %s: libetpan error %d\n", what, r);
	exit(1);
}

static size_t
fetch_batch(mailimap *s, uint32_t *uids, size_t n, size_t *bytes)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	struct mailimap_fetch_type *ft;
	clist *res = NULL;
	clistiter *it, *jt;
	size_t got = 0;
	int r;

	for (size_t i = 0; i < n; i++)
		mailimap_set_add_single(set, uids[i]);
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(mailimap_section_new(
	    NULL)));
	if ((r = mailimap_uid_fetch(s, set, ft, &res)) != MAILIMAP_NO_ERROR)
		die("UID FETCH", r);
	for (it = clist_begin(res); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att *ma = clist_content(it);
		for (jt = clist_begin(ma->att_list); jt; jt = clist_next(jt)) {
			struct mailimap_msg_att_item *item = clist_content(jt);
			if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC &&
			    item->att_data.att_static->att_type ==
			    MAILIMAP_MSG_ATT_BODY_SECTION) {
				*bytes += item->att_data.att_static->att_data.
				    att_body_section->sec_length;
				got++;
			}
		}
	}
	mailimap_fetch_list_free(res);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	return got;
}

int
main(int argc, char **argv)
{
	const char *pw = getenv("BENCH_IMAP_PASSWORD");
	struct mailimap_search_key *key;
	mailimap *s;
	clist *res = NULL;
	clistiter *it;
	uint32_t *uids;
	size_t n = 0, batch, got = 0, bytes = 0;
	double t0, t1;
	int r;

	if (argc != 5 || pw == NULL) {
		fprintf(stderr, "usage: BENCH_IMAP_PASSWORD=pw "
		    "bench-imap-fetch PORT USER MAILBOX BATCH\n");
		return 64;
	}
	batch = (size_t)strtoul(argv[4], NULL, 10);
	s = mailimap_new(0, NULL);
	r = mailimap_socket_connect(s, "127.0.0.1", (uint16_t)atoi(argv[1]));
	if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		die("connect", r);
	if ((r = mailimap_login(s, argv[2], pw)) != MAILIMAP_NO_ERROR)
		die("LOGIN", r);
	if ((r = mailimap_select(s, argv[3])) != MAILIMAP_NO_ERROR)
		die("SELECT", r);
	t0 = now();
	key = mailimap_search_key_new_all();
	if ((r = mailimap_uid_search(s, NULL, key, &res)) != MAILIMAP_NO_ERROR)
		die("UID SEARCH", r);
	mailimap_search_key_free(key);
	uids = calloc(clist_count(res) + 1, sizeof(*uids));
	for (it = clist_begin(res); it != NULL; it = clist_next(it))
		uids[n++] = *(uint32_t *)clist_content(it);
	mailimap_search_result_free(res);
	for (size_t i = 0; i < n; i += batch)
		got += fetch_batch(s, uids + i, n - i < batch ? n - i : batch,
		    &bytes);
	t1 = now();
	mailimap_logout(s);
	mailimap_free(s);
	free(uids);
	printf("messages=%zu bytes=%zu seconds=%.3f rate=%.0f\n", got, bytes,
	    t1 - t0, (double)got / (t1 - t0));
	return 0;
}
