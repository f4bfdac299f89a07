/* SPDX-License-Identifier: ISC */
/* cmd-rules.h - the parts of `guichet rules` that live in other files. */
#ifndef CMD_RULES_H
#define CMD_RULES_H

struct conf;

/* guichet rules test FILE.eml [--json]; argv[0] is "test". */
int	 cmd_rules_test(int argc, char **argv, const struct conf *);

#endif
