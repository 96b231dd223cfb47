/* A verdict as JSON, for `kiosk decide` and `kiosk verify` (cmd.h). */
#include <stdlib.h>

#include "cmd.h"

static json_t *reasons_json(uint64_t bits)
{
  json_t *a = json_array();
  for (int i = 0; i < KIOSK_R_COUNT; i++)
    if (bits & (UINT64_C(1) << i)) {
      json_t *o = json_object();
      json_object_set_new(o, "code", json_string(kiosk_reason_name(i)));
      json_object_set_new(o, "en", json_string(kiosk_reason_en(i)));
      json_object_set_new(o, "zh", json_string(kiosk_reason_zh(i)));
      json_array_append_new(a, o);
    }
  return a;
}

json_t *term_verdict_json(const struct kiosk_verdict *v)
{
  json_t *o = json_object();
  json_object_set_new(o, "verdict", json_string(kiosk_verdict_name(v->verdict)));
  json_object_set_new(o, "reasons", reasons_json(v->reasons));
  json_t *deny = json_array(), *staff = json_array(), *flags = json_array();
  for (int i = 0; i < KIOSK_R_COUNT; i++) {
    if (v->deny & (UINT64_C(1) << i))
      json_array_append_new(deny, json_string(kiosk_reason_name(i)));
    if (v->staff & (UINT64_C(1) << i))
      json_array_append_new(staff, json_string(kiosk_reason_name(i)));
  }
  if (v->flags & KIOSK_VF_REVLIST_STALE)
    json_array_append_new(flags, json_string("revocation_list_stale"));
  if (v->flags & KIOSK_VF_OVERRIDE_OFFERED)
    json_array_append_new(flags, json_string("override_offered"));
  if (v->flags & KIOSK_VF_OVERRIDE_USED)
    json_array_append_new(flags, json_string("override_used"));
  json_object_set_new(o, "deny", deny);
  json_object_set_new(o, "staff", staff);
  json_object_set_new(o, "flags", flags);
  return o;
}

void term_print_json(json_t *o)
{
  char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (s) {
    puts(s);
    free(s);
  }
}
