/*
 * kiosk's edge to common's INI reader (common/ini.h), private to the library: the site
 * registry and the terminal configuration keep handlers that speak kiosk's errors and
 * diagnostics; this runs them under common_ini_parse (strict dialect) and translates
 * common's codes and diagnostics once, here. The grammar is common/ini.h's.
 */
#ifndef KIOSK_INI_H
#define KIOSK_INI_H

#include <stddef.h>

#include "common/ini.h"
#include "kiosk/kiosk.h"

#define KIOSK_INI_INPUT_MAX COMMON_INI_INPUT_MAX

struct kiosk_ini_handler {
  /* A new section starts. Return KIOSK_OK or an error after filling diag. */
  int (*section)(void *user, const char *name, unsigned line, struct kiosk_diag *diag);
  /* key = value; section is "" before the first section header. */
  int (*pair)(void *user, const char *section, const char *key, const char *value,
              unsigned line, struct kiosk_diag *diag);
};

/* common_ini_parse(buf, len, file, strict) with h. Returns KIOSK_OK, the reader's error
 * as a kiosk code (diag set), or what a handler returned. */
int kiosk_ini_parse(const char *buf, size_t len, const char *file,
                    const struct kiosk_ini_handler *h, void *user, struct kiosk_diag *diag);

/* common_read_file with kiosk's codes and diagnostic. */
int kiosk_read_file(const char *path, size_t max, char **out, size_t *len,
                    struct kiosk_diag *diag);

/* A common_err as the kiosk_err of the same meaning (KIOSK_E_INVALID_ARG if none). */
int kiosk_err_from_common(int err);

#endif
