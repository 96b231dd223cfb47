/* Error texts and diagnostics (common.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/common.h"
#include "common/errtab.h"

#define COMMON_ERRTAB_PREFIX "COMMON_"
COMMON_ERRTAB_DEFINE(COMMON_ERR_MAP, common_strerror, common_errname, "unknown error",
                     "COMMON_E_UNKNOWN")

int common_diag_set(struct common_diag *d, int err, const char *file, unsigned line,
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

const char *common_diag_format(const struct common_diag *d, char *buf, size_t cap)
{
  if (!buf || cap == 0)
    return "";
  if (!d)
    snprintf(buf, cap, "(no diagnostic)");
  else if (d->line)
    snprintf(buf, cap, "%s:%u: %s", d->file, d->line, d->text);
  else if (d->file[0])
    snprintf(buf, cap, "%s: %s", d->file, d->text);
  else
    snprintf(buf, cap, "%s", d->text);
  return buf;
}
