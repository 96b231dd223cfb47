/*
 * Fuzz the override queue's line parser (kiosk_event_from_json): any bytes give OK,
 * FORMAT or TOO_LARGE; what it accepts passes kiosk_event_check and round-trips through
 * kiosk_event_to_json to the same event.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *buf = malloc(size ? size : 1);
  if (!buf)
    return 0;
  memcpy(buf, data, size);
  struct proto_event e, again;
  int rc = kiosk_event_from_json(buf, size, &e);
  free(buf);
  if (rc != KIOSK_OK) {
    if (rc != KIOSK_E_FORMAT && rc != KIOSK_E_TOO_LARGE)
      abort();
    return 0;
  }
  if (kiosk_event_check(&e, NULL, 0) != KIOSK_OK)
    abort();
  char *s = kiosk_event_to_json(&e);
  if (!s)
    return 0;
  if (kiosk_event_from_json(s, strlen(s), &again) != KIOSK_OK || again.seq != e.seq ||
      again.time != e.time || again.reasons != e.reasons || strcmp(again.card_no, e.card_no))
    abort();
  free(s);
  return 0;
}
