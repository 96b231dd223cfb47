/*
 * The upload batch at the centre: proto's strict single-pass parser (proto/batch.h),
 * whose field table the terminal's encoder walks too, with its errors as the centre's;
 * and the one place that cuts jansson's messages for the small JSON bodies.
 */
#include <string.h>

#include "centre/centre.h"
#include "centre_int.h"

const char *centre_json_error_text(json_error_t *e)
{
  /* jansson's message, cut before its " near '...'" part: that quotes the input, which
   * could be anything (a card number, an ID number) and must reach neither the log nor
   * the reply. */
  char *near = strstr(e->text, " near ");
  if (near)
    *near = '\0';
  return e->text;
}

int centre_batch_parse(const char *text, size_t len, size_t max_events, struct centre_batch *out,
                       char *why, size_t why_cap)
{
  struct proto_batch b;
  int rc;
  if (!out)
    return CENTRE_E_INVALID_ARG;
  out->n = 0;
  out->ev = NULL;
  out->hold = NULL;
  out->n_held = 0;
  rc = proto_batch_parse(text, len, max_events, &b, why, why_cap);
  switch (rc) {
  case PROTO_OK:
    out->n = b.n;
    out->ev = b.ev;
    out->hold = b.hold;
    out->n_held = b.n_held;
    return CENTRE_OK;
  case PROTO_E_TOO_LARGE:
    return CENTRE_E_TOO_LARGE;
  case PROTO_E_NO_MEMORY:
    return CENTRE_E_NO_MEMORY;
  case PROTO_E_INVALID_ARG:
    return CENTRE_E_INVALID_ARG;
  default:
    return CENTRE_E_MALFORMED;
  }
}

void centre_batch_free(struct centre_batch *b)
{
  struct proto_batch pb;
  if (!b)
    return;
  pb.n = b->n;
  pb.ev = b->ev;
  pb.hold = b->hold;
  pb.n_held = b->n_held;
  proto_batch_free(&pb);
  b->ev = NULL;
  b->hold = NULL;
  b->n = 0;
  b->n_held = 0;
}
