/* netsync error and state names. */
#include "netsync/netsync.h"

const char *netsync_strerror(int err)
{
  switch (err) {
#define NETSYNC_X_TEXT(name, value, text) \
  case (value):                           \
    return text;
    NETSYNC_ERRNO_MAP(NETSYNC_X_TEXT)
#undef NETSYNC_X_TEXT
  default:
    return "unknown netsync error";
  }
}

const char *netsync_errname(int err)
{
  switch (err) {
#define NETSYNC_X_NAME(name, value, text) \
  case (value):                           \
    return "NETSYNC_E_" #name;
    NETSYNC_ERRNO_MAP(NETSYNC_X_NAME)
#undef NETSYNC_X_NAME
  default:
    return "NETSYNC_E_UNKNOWN";
  }
}

const char *netsync_state_name(int state)
{
  switch (state) {
#define NETSYNC_X_SNAME(name, value, text) \
  case (value):                            \
    return text;
    NETSYNC_STATE_MAP(NETSYNC_X_SNAME)
#undef NETSYNC_X_SNAME
  default:
    return "unknown";
  }
}
