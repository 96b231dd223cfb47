/* Shared between the kiosk program's commands (private to kiosk/app). */
#ifndef KIOSK_APP_H
#define KIOSK_APP_H

#include <jansson.h>

#include "kiosk/decide.h"

#define EXIT_CHECK 1
#define EXIT_USAGE 2
#define EXIT_RUNTIME 3

/* The verdict as a JSON object: verdict, reasons [{code, en, zh}], deny, staff, flags. */
json_t *kiosk_app_verdict_json(const struct kiosk_verdict *v);
/* Print indented JSON and a newline on stdout. */
void kiosk_app_print_json(json_t *o);

/* `kiosk verify` (verify_cmd.c). */
int kiosk_cmd_verify(int argc, char **argv);

#endif
