/*
 * The chain hash of a journal event. The hash is proto's (proto_event_hash over the
 * canonical line of docs/journal.md): the centre recomputes exactly what the terminal's
 * journal computed, with the same code.
 */
#include "centre/centre.h"
#include "centre_int.h"

int centre_event_hash(const struct proto_event *ev, uint8_t out[PROTO_HASH_LEN])
{
  int rc;
  if (!ev || !out)
    return CENTRE_E_INVALID_ARG;
  rc = proto_event_hash(ev, out);
  if (rc == PROTO_OK)
    return CENTRE_OK;
  return rc == PROTO_E_CRYPTO ? CENTRE_E_CRYPTO : CENTRE_E_INVALID_ARG;
}
