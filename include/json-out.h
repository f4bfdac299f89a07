/* SPDX-License-Identifier: ISC */
/*
 * json-out.h - what every `--json` listing shares: a string or null (never
 * a silently dropped key: invalid UTF-8 becomes a marker), a time as ISO
 * 8601 UTC or null, and printing a document to stdout (which it frees).
 */
#ifndef JSON_OUT_H
#define JSON_OUT_H

#include <time.h>

#include <jansson.h>

json_t	*json_out_str(const char *);
/* 0 means "never" and gives null. */
json_t	*json_out_time(time_t);
/* "2026-11-28T17:00:00Z" into buf, or "" for 0. */
void	 json_out_iso(time_t, char buf[32]);
/* Prints j indented and frees it: 0, or EX_IOERR. */
int	 json_out_print(json_t *j);

#endif
