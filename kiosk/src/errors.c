/* kiosk error strings, diagnostics and mode names. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kiosk/kiosk.h"

const char *kiosk_strerror(int err)
{
  switch (err) {
#define KIOSK_X_TEXT(name, value, text)                                                  \
  case (value):                                                                          \
    return (text);
    KIOSK_ERRNO_MAP(KIOSK_X_TEXT)
#undef KIOSK_X_TEXT
  default:
    return "unknown error";
  }
}

const char *kiosk_errname(int err)
{
  switch (err) {
#define KIOSK_X_NAME(name, value, text)                                                  \
  case (value):                                                                          \
    return "KIOSK_E_" #name;
    KIOSK_ERRNO_MAP(KIOSK_X_NAME)
#undef KIOSK_X_NAME
  default:
    return "KIOSK_E_UNKNOWN";
  }
}

int kiosk_diag_set(struct kiosk_diag *d, int err, const char *file, unsigned line,
                   const char *fmt, ...)
{
  if (!d)
    return err;
  snprintf(d->file, sizeof d->file, "%s", file ? file : "");
  d->line = line;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(d->text, sizeof d->text, fmt, ap);
  va_end(ap);
  return err;
}

const char *kiosk_diag_format(const struct kiosk_diag *d, char *buf, size_t cap)
{
  if (!buf || cap == 0)
    return "";
  if (!d) {
    snprintf(buf, cap, "(no diagnostic)");
  } else if (d->line) {
    snprintf(buf, cap, "%s:%u: %s", d->file, d->line, d->text);
  } else if (d->file[0]) {
    snprintf(buf, cap, "%s: %s", d->file, d->text);
  } else {
    snprintf(buf, cap, "%s", d->text);
  }
  return buf;
}

const char *kiosk_mode_name(int mode)
{
  switch (mode) {
#define KIOSK_X_MNAME(name, value, text)                                                 \
  case (value):                                                                          \
    return (text);
    KIOSK_MODE_MAP(KIOSK_X_MNAME)
#undef KIOSK_X_MNAME
  default:
    return NULL;
  }
}

int kiosk_mode_parse(const char *text, enum kiosk_mode *out)
{
#define KIOSK_X_MPARSE(name, value, str)                                                 \
  if (text && strcmp(text, (str)) == 0) {                                                \
    *out = KIOSK_MODE_##name;                                                            \
    return KIOSK_OK;                                                                     \
  }
  KIOSK_MODE_MAP(KIOSK_X_MPARSE)
#undef KIOSK_X_MPARSE
  return KIOSK_E_NOT_FOUND;
}
