/* proto's error texts and the wire vocabulary's names, generated from the X-macro lists. */
#include <string.h>

#include "common/errtab.h"
#include "proto/proto.h"

#define COMMON_ERRTAB_PREFIX "PROTO_E_"
COMMON_ERRTAB_DEFINE(PROTO_ERRNO_MAP, proto_strerror, proto_errname, "unknown proto error",
                     "PROTO_E_UNKNOWN")

#define PROTO_X_CASE(name, value, text)                                                  \
  case (value):                                                                          \
    return (text);

const char *proto_mode_name(int mode)
{
  switch (mode) {
    PROTO_MODE_MAP(PROTO_X_CASE)
  default:
    return NULL;
  }
}

const char *proto_event_kind_name(int kind)
{
  switch (kind) {
    PROTO_EVENT_KIND_MAP(PROTO_X_CASE)
  default:
    return NULL;
  }
}

const char *proto_verdict_name(int verdict)
{
  switch (verdict) {
    PROTO_VERDICT_MAP(PROTO_X_CASE)
  default:
    return NULL;
  }
}
const char *proto_visit_name(int visit)
{
  switch (visit) {
    PROTO_VISIT_MAP(PROTO_X_CASE)
  default:
    return NULL;
  }
}
#undef PROTO_X_CASE

/* Compare a counted name with a vocabulary entry. */
#define PROTO_X_MATCH(name, value, text)                                                 \
  if (n == sizeof(text) - 1 && memcmp(s, (text), n) == 0)                                \
    return (value);

int proto_mode_parse(const char *s, size_t n)
{
  if (!s)
    return -1;
  PROTO_MODE_MAP(PROTO_X_MATCH)
  return -1;
}

int proto_event_kind_parse(const char *s, size_t n)
{
  if (!s)
    return -1;
  PROTO_EVENT_KIND_MAP(PROTO_X_MATCH)
  return -1;
}

int proto_verdict_parse(const char *s, size_t n)
{
  if (!s)
    return -1;
  PROTO_VERDICT_MAP(PROTO_X_MATCH)
  return -1;
}

int proto_visit_parse(const char *s, size_t n)
{
  if (!s)
    return -1;
  PROTO_VISIT_MAP(PROTO_X_MATCH)
  return -1;
}
#undef PROTO_X_MATCH
