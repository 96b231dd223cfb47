/*
 * The commands of the program `kiosk`: main.c's table names each one, one cmd_*.c file
 * implements it. Every command reads its arguments with opts.h (a->i is the first
 * argument after the command's name) and returns the process's exit status
 * (TERM_EXIT_*). Private to terminal/.
 */
#ifndef TERM_CMD_H
#define TERM_CMD_H

#include <jansson.h>

#include "kiosk/decide.h"
#include "opts.h"
#include "yh_version.h"

/* The terminal software's version (status reports to the centre, the staff menu): the
 * project's, from the one generated header (docs/cli.md). */
#define TERM_VERSION YH_VERSION

int term_cmd_config(struct term_args *a);  /* cmd_config.c */
int term_cmd_sites(struct term_args *a);   /* cmd_sites.c */
int term_cmd_journal(struct term_args *a); /* cmd_journal.c */
int term_cmd_revoke(struct term_args *a);  /* cmd_revoke.c */
int term_cmd_decide(struct term_args *a);  /* cmd_decide.c */
int term_cmd_verify(struct term_args *a);  /* cmd_verify.c */
int term_cmd_run(struct term_args *a);     /* cmd_run.c */
int term_cmd_ctl(struct term_args *a);     /* cmd_ctl.c */
int term_cmd_station(struct term_args *a); /* cmd_station.c */
int term_cmd_his(struct term_args *a);     /* cmd_his.c */
int term_cmd_readers(struct term_args *a); /* cmd_readers.c */

/* Is the PC/SC reader called name connected now? 1 yes, 0 no, -1 pcscd is not running.
 * present gets the readers that are, quoted and comma separated ("none" when none).
 * cmd_readers.c; `config check` uses it. */
int term_readers_find(const char *name, char *present, size_t cap);

/* Does a configured reader name start or end with a quote? Values are taken as written,
 * so such a name never matches a reader (cmd_readers.c; `config check` refuses it). */
int term_reader_quoted(const char *name);

/* The verdict as a JSON object: verdict, reasons [{code, en, zh}], deny, staff, flags
 * (verdict_json.c; decide and verify print it). The caller owns the object. */
json_t *term_verdict_json(const struct kiosk_verdict *v);
/* Print indented JSON and a newline on stdout. */
void term_print_json(json_t *o);

#endif
