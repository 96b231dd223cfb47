/*
 * Command APDU decoding (ISO 7816-3 section 12.1.3, cases 1-4, short and extended),
 * for the simulator's 6Cxx fault and for the profiles. cardsim keeps its own decoder
 * so that it does not depend on cardio, the code it tests.
 */
#include "cardsim.h"

int cardsim_apdu_parse(const uint8_t *cmd, size_t len, struct cardsim_apdu *out)
{
  if (!cmd || !out || len < 4)
    return -1;
  out->cla = cmd[0];
  out->ins = cmd[1];
  out->p1 = cmd[2];
  out->p2 = cmd[3];
  out->data = NULL;
  out->lc = 0;
  out->le = 0;
  out->extended = 0;

  const uint8_t *body = cmd + 4;
  size_t left = len - 4;
  if (left == 0) /* case 1 */
    return 0;
  if (left == 1) { /* case 2 short */
    out->le = body[0] ? body[0] : 256;
    return 0;
  }
  if (body[0] != 0) { /* case 3 or 4 short */
    size_t lc = body[0];
    if (left == 1 + lc) {
      out->data = body + 1;
      out->lc = lc;
      return 0;
    }
    if (left == 2 + lc) {
      out->data = body + 1;
      out->lc = lc;
      out->le = body[1 + lc] ? body[1 + lc] : 256;
      return 0;
    }
    return -1;
  }
  /* body[0] == 0 and more than one byte: the extended form. */
  out->extended = 1;
  if (left == 3) { /* case 2 extended */
    size_t le = (size_t)body[1] << 8 | body[2];
    out->le = le ? le : 65536;
    return 0;
  }
  if (left < 3)
    return -1;
  size_t lc = (size_t)body[1] << 8 | body[2];
  if (lc == 0)
    return -1;
  if (left == 3 + lc) { /* case 3 extended */
    out->data = body + 3;
    out->lc = lc;
    return 0;
  }
  if (left == 5 + lc) { /* case 4 extended */
    size_t le = (size_t)body[3 + lc] << 8 | body[4 + lc];
    out->data = body + 3;
    out->lc = lc;
    out->le = le ? le : 65536;
    return 0;
  }
  return -1;
}

size_t cardsim_put_sw(uint8_t *resp, size_t len, size_t cap, uint16_t sw)
{
  if (!resp || len > cap || cap - len < 2)
    return 0;
  resp[len] = (uint8_t)(sw >> 8);
  resp[len + 1] = (uint8_t)sw;
  return len + 2;
}
