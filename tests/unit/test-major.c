/* SPDX-License-Identifier: ISC */
/*
 * Major incidents on a real SQLite file, the clock driven through
 * desk.now ([major] threshold 3, window 10m): burst at, below and above the
 * threshold, window expiry, category against candidate rule, linking while
 * open and not after, declaration, and the resolution fan-out with one
 * notice per requester.  Each case uses its own category so that they do
 * not meet, and time only goes forward.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "major-util.h"
#include "t.h"

static int64_t net;	/* the incident of test_burst, used after it */
static int64_t vpn;	/* the incident of test_rule */

static void
test_burst(void)
{
	int64_t a1, a2, a3, a4, j, p;
	struct ticket *t;

	a1 = arrive_id(0, "network", NULL, "a@client.test", &j);
	T_INT(j, 0, "first network ticket: no incident");
	a2 = arrive_id(60, "network", NULL, "b@client.test", &j);
	T_INT(j, 0, "below the threshold: no incident");
	T_INT(majors(&p), 0, "no major incident yet");
	a3 = arrive_id(120, "network", NULL, "a@client.test", &j);
	T_INT(majors(&net), 1, "at the threshold: one major incident");
	T_INT(j, net, "the third ticket joined it");
	T_INT(children(net), 3, "all three are children");
	T_INT(parent_of(a1), net, "the first is linked");
	T_INT(parent_of(a2), net, "the second is linked");
	T_INT(parent_of(a3), net, "the third is linked");
	t = get(net);
	T_STR(t->subject, "network (3 tickets)", "subject");
	T_STR(t->type, "major", "type major");
	T_STR(t->status, "open", "status open");
	T_STR(t->priority, "P1", "priority P1");
	T_STR(t->category, "network", "same category");
	T_STR(t->requester, "help@example.test", "requester: the desk");
	T_INT(t->created_at, T0 + 120, "created at the desk's clock");
	ticket_free(t);
	T_INT(events(net, "major-detected", NULL), 1, "major-detected event");
	T_INT(events(a1, "major-linked", NULL), 1, "major-linked event");
	T_INT(events(net, "major-notice", NULL), 1, "major notice recorded");
	if (notify_real)
		T_INT(outbox("major-notice", "major@example.test"), 1,
		    "one notice queued to [major] notify");

	a4 = arrive_id(180, "network", NULL, "c@client.test", &j);
	T_INT(j, net, "above the threshold: joins the open incident");
	T_INT(parent_of(a4), net, "linked");
	T_INT(majors(&p), 1, "still one major incident");
	T_INT(children(net), 4, "four children");
	T_INT(events(net, "major-notice", NULL), 1, "no second notice");
}

static void
test_resolve(void)
{
	struct store_ticket_filter f = { .parent_id = net };
	struct ticket **v;
	char *cause = NULL, actor[32];
	int64_t c[4], j, n;
	size_t nv;

	if (store_ticket_list(desk.store, &f, &v, &nv, &cause) == -1 ||
	    nv != 4)
		die("children", cause);
	for (size_t i = 0; i < nv; i++) {
		c[i] = v[i]->id;
		ticket_free(v[i]);
	}
	free(v);
	snprintf(actor, sizeof(actor), "major:%lld", (long long)net);

	desk.now = T0 + 200;
	change(c[1], "status", "pending", "cli");
	change(c[3], "status", "resolved", "cli");
	change(net, "status", "resolved", "cli");
	T_STR(status_of(c[0]), "resolved", "child resolved");
	T_STR(status_of(c[1]), "resolved", "pending child resolved");
	T_STR(status_of(c[2]), "resolved", "child of the same requester too");
	T_INT(events(c[0], "change", actor), 1, "by major:<parent id>");
	T_INT(events(c[3], "change", actor), 0,
	    "a child already resolved is left alone");
	T_INT(events(net, "major-resolved", NULL), 1, "major-resolved event");
	T_INT(events(net, "major-resolved-notice", NULL), 3,
	    "one notice per distinct requester (a, b, c)");
	if (notify_real) {
		T_INT(outbox("major-resolved", NULL), 3,
		    "three major-resolved notices queued");
		T_INT(outbox("major-resolved", "a@client.test"), 1,
		    "a@ has two children and one notice");
		T_INT(outbox(NULL, "a@client.test"), 1,
		    "and no status-change notice of its children");
	}

	j = -1;
	n = arrive_id(240, "network", NULL, "e@client.test", &j);
	T_INT(j, 0, "no linking once the parent is resolved");
	T_INT(parent_of(n), 0, "the new ticket stands alone");

	/* Reopened: the children stay resolved, new tickets join again. */
	desk.now = T0 + 280;
	change(net, "status", "open", "cli");
	T_STR(status_of(c[0]), "resolved", "reopening leaves children");
	c[0] = arrive_id(300, "network", NULL, "a@client.test", &j);
	T_INT(j, net, "reopened incident links again");
	c[1] = arrive_id(310, "network", NULL, "f@client.test", &j);
	desk.now = T0 + 400;
	change(net, "status", "resolved", "cli");
	T_STR(status_of(c[0]), "resolved", "new child resolved");
	T_STR(status_of(c[1]), "resolved", "other new child resolved");
	T_INT(events(net, "major-resolved-notice", NULL), 4,
	    "second resolution: only the new requester is told");
	if (notify_real)
		T_INT(outbox("major-resolved", "a@client.test"), 1,
		    "never twice to the same requester");
	change(net, "status", "closed", "cli");
	T_INT(events(net, "major-resolved", NULL), 2,
	    "resolved -> closed fans out nothing");
}

static void
test_window(void)
{
	int64_t m1, m4, j, before, q;

	before = majors(&q);
	m1 = arrive_id(1000, "mail", NULL, "g1@client.test", &j);
	arrive_id(1300, "mail", NULL, "g2@client.test", &j);
	arrive_id(1600, "mail", NULL, "g3@client.test", &j);
	T_INT(j, 0, "a ticket exactly one window old no longer counts");
	T_INT(majors(&q), before, "no incident");
	m4 = arrive_id(1700, "mail", NULL, "g4@client.test", &j);
	T_INT(majors(&q), before + 1, "three within the window: incident");
	T_INT(j, q, "the last one joined it");
	T_INT(children(q), 3, "the expired ticket is not a child");
	T_INT(parent_of(m1), 0, "the expired ticket stays alone");
	T_INT(parent_of(m4), q, "the newest is linked");
}

static void
test_rule(void)
{
	int64_t r1, j, before, p;
	struct ticket *t;

	before = majors(&p);
	r1 = arrive_id(2000, NULL, "vpn-down", "h1@client.test", &j);
	arrive_id(2010, "access", "vpn-down", "h2@client.test", &j);
	T_INT(majors(&p), before, "two candidates: no incident");
	arrive_id(2020, "remote", "vpn-down", "h3@client.test", &j);
	T_INT(majors(&vpn), before + 1, "three of one candidate rule, "
	    "whatever their categories: incident");
	T_INT(j, vpn, "joined");
	T_INT(parent_of(r1), vpn, "a candidate without category is a child");
	t = get(vpn);
	T_STR(t->subject, "vpn-down (3 tickets)",
	    "subject names the rule");
	T_STR(t->major_rule, "vpn-down", "parent carries the rule");
	T_STR(t->category, "remote", "and the last ticket's category");
	ticket_free(t);
	arrive_id(2030, NULL, "vpn-down", "h4@client.test", &j);
	T_INT(j, vpn, "a new candidate joins by rule");
	arrive_id(2040, "remote", NULL, "h5@client.test", &j);
	T_INT(j, vpn, "a ticket of the parent's category joins too");

	for (int i = 0; i < 4; i++) {
		char from[32];
		snprintf(from, sizeof(from), "n%d@client.test", i);
		arrive_id(2100 + i, NULL, NULL, from, &j);
		if (j != 0)
			break;
	}
	T_INT(j, 0, "no category and no rule: never joined");
	T_INT(majors(&p), before + 1, "nor any incident");
}

static void
test_threshold_zero(void)
{
	int64_t j, before, p;

	before = majors(&p);
	conf->major_threshold = 0;
	for (int i = 0; i < 5; i++)
		arrive_id(3000 + i, "printers", NULL, "p@client.test", &j);
	T_INT(majors(&p), before, "threshold 0: no detection");
	arrive_id(3010, NULL, "vpn-down", "h6@client.test", &j);
	T_INT(j, vpn, "an open incident still takes new tickets");
	conf->major_threshold = 3;
}

static void
test_declare(void)
{
	int64_t s1, s3, j = -1, child;
	struct ticket *t;
	char *cause = NULL;

	s1 = arrive_id(4000, "storage", NULL, "i1@client.test", &j);
	arrive_id(4010, "storage", NULL, "i2@client.test", &j);
	/* What intake does for a rule that says `major`. */
	t = ticket_new();
	ticket_set(&t->subject, "SAN array offline");
	ticket_set(&t->type, "major");
	ticket_set(&t->category, "storage");
	ticket_set(&t->requester, "ops@client.test");
	desk.now = T0 + 4015;
	t->created_at = t->updated_at = desk.now;
	if (store_ticket_insert(desk.store, t, &cause) == -1 ||
	    major_on_new_ticket(&desk, t, 1, 0, &j, &cause) == -1)
		die("declare", cause);
	T_INT(j, 0, "a declared ticket joins nothing: it is the parent");
	T_INT(t->parent_id, 0, "no parent");
	T_INT(events(t->id, "major-declared", NULL), 1, "major-declared");
	T_INT(events(t->id, "major-notice", NULL), 1, "notice recorded");
	T_INT(children(t->id), 2, "adopts the window's unlinked tickets");
	T_INT(parent_of(s1), t->id, "adopted");
	s3 = arrive_id(4020, "storage", NULL, "i3@client.test", &j);
	T_INT(j, t->id, "new tickets join a declared incident");

	desk.now = T0 + 4030;
	change(t->id, "type", "incident", "cli");
	change(t->id, "type", "major", "cli");
	T_INT(events(t->id, "major-declared", NULL), 2, "declared again");
	T_INT(events(t->id, "major-notice", NULL), 1, "notified once only");
	change(t->id, "status", "closed", "cli");
	T_STR(status_of(s3), "resolved", "closing the parent resolves");
	T_INT(events(t->id, "major-resolved-notice", NULL), 3,
	    "its three requesters are told");
	ticket_free(t);

	/* An agent makes a child a major incident of its own. */
	child = arrive_id(4100, NULL, "vpn-down", "h7@client.test", &j);
	T_INT(j, vpn, "joined the VPN incident");
	change(child, "type", "major", "agent:alice");
	T_INT(parent_of(child), 0, "declaring a child detaches it");
	T_INT(events(child, "major-unlinked", NULL), 1, "major-unlinked");
	T_INT(events(child, "major-declared", "agent:alice"), 1,
	    "declared by the agent");
}

int
main(void)
{
	const char *src = getenv("GUICHET_SRCDIR");
	char db[] = "/tmp/guichet-test-major.XXXXXX";
	char *side;
	int fd;

	log_init("test-major", LOG_LEVEL_WARN);
	if ((fd = mkstemp(db)) == -1)
		die("mkstemp", NULL);
	close(fd);
	setup(src != NULL ? src : ".", db);
	probe_notify();
	test_burst();
	test_resolve();
	test_window();
	test_rule();
	test_threshold_zero();
	test_declare();
	desk_close(&desk);
	conf_free(conf);
	unlink(db);
	side = xasprintf("%s-wal", db);
	unlink(side);
	free(side);
	side = xasprintf("%s-shm", db);
	unlink(side);
	free(side);
	return t_done();
}
