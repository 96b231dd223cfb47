/* Shared between the kiosk program's commands (private to terminal/). */
#ifndef TERM_APP_H
#define TERM_APP_H

#include <jansson.h>

#include "kiosk/decide.h"

/* The terminal software's version (status reports to the centre, the staff menu). */
#define TERM_VERSION "1.0.0"

#define EXIT_CHECK 1
#define EXIT_USAGE 2
#define EXIT_RUNTIME 3

/* The verdict as a JSON object: verdict, reasons [{code, en, zh}], deny, staff, flags. */
json_t *term_verdict_json(const struct kiosk_verdict *v);
/* Print indented JSON and a newline on stdout. */
void term_print_json(json_t *o);

/* `kiosk verify` (verify_cmd.c). */
int kiosk_cmd_verify(int argc, char **argv);
/* `kiosk run` (run.c): the terminal program with its screen. */
int kiosk_cmd_run(int argc, char **argv);
/* `kiosk ctl` (control.c): the control socket's client. */
int kiosk_cmd_ctl(int argc, char **argv);

#endif
