/* kiosk error strings and mode names (the diagnostic is common's: kiosk.h). */
#include <string.h>

#include "common/errtab.h"
#include "kiosk/kiosk.h"

#define COMMON_ERRTAB_PREFIX "KIOSK_E_"
COMMON_ERRTAB_DEFINE(KIOSK_ERRNO_MAP, kiosk_strerror, kiosk_errname, "unknown error",
                     "KIOSK_E_UNKNOWN")

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
