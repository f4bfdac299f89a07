/* SPDX-License-Identifier: ISC */
/* conf.c: every key, defaults, durations, and every error at once. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "guichet.h"
#include "t.h"

static char *
data_path(const char *name)
{
	const char *src = getenv("GUICHET_SRCDIR");

	return xasprintf("%s/tests/data/conf/%s", src ? src : ".", name);
}

static void
test_durations(void)
{
	static const struct { const char *in; time_t want; } cases[] = {
		{ "90", 90 }, { "90s", 90 }, { "15m", 900 }, { "4h", 14400 },
		{ "3d", 259200 }, { "0", 0 }, { "", -1 }, { "m", -1 },
		{ "5x", -1 }, { "-1", -1 }, { "10mm", -1 }, { "1 h", -1 },
	};

	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *what = xasprintf("conf_duration(\"%s\")", cases[i].in);
		T_INT(conf_duration(cases[i].in), cases[i].want, what);
		free(what);
	}
}

static void
test_good(void)
{
	struct conf *c;
	char *errors, *path = data_path("good.conf");

	setenv("GUICHET_TEST_PW", "s3cret", 1);
	T_INT(conf_load(path, &c, &errors), 0, "good.conf loads");
	if (c == NULL) {
		printf("# %s\n", errors);
		free(errors);
		free(path);
		return;
	}
	T_STR(c->desk_address, "help@example.org", "address lower-cased");
	T_STR(c->language, "fr", "language");
	T_INT(c->autoreply_limit, 3, "autoreply_limit");
	T_INT(c->nimaps, 2, "two imap sections");
	T_STR(c->imaps[0].name, "", "[imap] has the empty name");
	T_STR(c->imaps[0].password, "s3cret", "password from environment");
	T_STR(c->imaps[0].done_mailbox, "Processed", "done_mailbox");
	T_STR(c->imaps[1].name, "client-b", "[imap client-b]");
	T_INT(c->imaps[1].port, 143, "starttls default port 143");
	T_INT(c->imaps[0].max_message_size, 25 * 1024 * 1024,
	    "max_message_size default");
	T_STR(c->imaps[1].queue, "second-line", "mailbox queue");
	T_INT(c->nagents, 1, "one agent");
	T_STR(c->agents[0].address, "alice@example.org", "agent address");
	T_INT(c->agents[0].nqueues, 2, "agent queues");
	T_OK(conf_agent_by_address(c, "ALICE@example.org") != NULL,
	    "agent by address is case-insensitive");
	T_INT(c->major_threshold, 4, "major threshold");
	T_INT(c->major_window, 600, "major window");
	T_INT(c->sla_response[0], 900, "P1 response");
	T_INT(c->sla_resolution[3], 864000, "P4 resolution");
	T_INT(c->priority_matrix[2][2], 3, "priority matrix override");
	T_INT(c->priority_matrix[0][0], 1, "priority matrix default");
	T_OK(conf_is_desk_address(c, "HELP@example.org"), "desk address");
	T_OK(!conf_is_desk_address(c, "user@example.org"), "not desk");
	T_STR(c->trusted_authserv_id, "mx.example.org", "authserv-id");
	conf_free(c);
	free(path);
}

static void
test_bad(void)
{
	static const char *const want[] = {
		"bad.conf:3: autoreply_limit: not a number: ten",
		"bad.conf:4: unknown key: bogus",
		"bad.conf:6: security: must be tls, starttls or none: sometimes",
		"bad.conf:7: poll_interval: not a duration",
		"bad.conf:8: unknown section [nonsense]",
		"bad.conf:11: P1: want \"RESPONSE RESOLUTION\" durations: 15m",
		"bad.conf:15: expected key = value",
		"bad.conf:17: priority: key must be IMPACT.URGENCY",
		"security = none cannot be used with a user",
	};
	struct conf *c;
	char *errors, *path = data_path("bad.conf");

	T_INT(conf_load(path, &c, &errors), -1, "bad.conf fails");
	T_OK(c == NULL, "no conf on error");
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		char *what = xasprintf("error reported: %s", want[i]);
		T_OK(errors != NULL && strstr(errors, want[i]) != NULL, what);
		free(what);
	}
	T_OK(errors != NULL && strstr(errors, "x = 1") == NULL,
	    "keys of an unknown section are not reported again");
	free(errors);
	free(path);
}

static void
test_missing(void)
{
	struct conf *c;
	char *errors;

	T_INT(conf_load("/nonexistent/guichet.conf", &c, &errors), -1,
	    "missing file fails");
	T_OK(errors != NULL && strstr(errors, "/nonexistent/guichet.conf") !=
	    NULL, "error names the file");
	free(errors);
}

int
main(void)
{
	test_durations();
	test_good();
	test_bad();
	test_missing();
	return t_done();
}
