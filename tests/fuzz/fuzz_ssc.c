/* Fuzz target: the social security card reader and the ID helpers. The first byte
 * picks the entry:
 *   0  cardio_ssc_read over a replay blob of card answers (2-byte length, bytes)
 *   1  cardio_gb18030_to_utf8 of the rest (the name field), then the name mask
 *   2  the ID number helpers on the rest as a string (check, mask)
 *   3  cardio_ssc_parse_record of the rest, with the tag of the second byte */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cardio/cardio.h"
#include "cardio/replay.h"
#include "cardio/ssc.h"
#include "common/idno.h"
#include "common/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The ID rules are common/idno.h's (moved from cardio with these cases). */
static int id_check(const char *id)
{
  return common_id_check(id, id ? strlen(id) : 0, NULL, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct cardio_card *card = NULL;
  struct cardio_ssc_data d;
  char out[CARDIO_SSC_NAME_MAX + 1], masked[CARDIO_SSC_NAME_MAX * 2];
  const uint8_t *v;
  size_t l;

  if (size < 1)
    return 0;
  cardio_set_log(NULL, NULL, CARDIO_LOG_ERROR);
  switch (data[0] % 4) {
  case 0:
    if (cardio_replay_from_blob(data + 1, size - 1, &card) != CARDIO_OK)
      return 0;
    if (cardio_ssc_read(card, &d) == CARDIO_OK) {
      /* What comes out is well-formed: an 18-character ID and UTF-8 name. */
      if (strlen(d.id_number) != CARDIO_ID_LEN || !common_utf8_printable(d.name, strlen(d.name)) ||
          d.id_valid != (id_check(d.id_number) == COMMON_ID_OK))
        abort();
      if (common_name_mask(d.name, masked, sizeof masked) != COMMON_OK)
        abort();
    }
    cardio_ssc_data_clear(&d);
    cardio_card_destroy(card);
    break;
  case 1:
    if (cardio_gb18030_to_utf8(data + 1, size - 1, out, sizeof out) == CARDIO_OK && out[0]) {
      if (!common_utf8_printable(out, strlen(out)))
        abort();
      common_name_mask(out, masked, sizeof masked);
    }
    break;
  case 2: {
    char *s = malloc(size);
    if (!s)
      return 0;
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    id_check(s);
    common_id_check_char(strlen(s) >= 17 ? s : "00000000000000000");
    if (common_id_mask(s, masked, sizeof masked) == COMMON_OK && strlen(masked) > CARDIO_ID_LEN)
      abort();
    if (common_utf8_printable(s, strlen(s)) && s[0])
      common_name_mask(s, masked, sizeof masked);
    free(s);
    break;
  }
  default:
    if (size >= 2)
      cardio_ssc_parse_record(data + 2, size - 2, data[1], &v, &l);
    break;
  }
  return 0;
}
