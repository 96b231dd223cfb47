/* APDU encoding and decoding (ISO 7816-3 cases 1-4, short and extended) and the
 * status word table (ISO 7816-4 section 5.1.3). */
#include <string.h>

#include "cardio/cardio.h"

int cardio_apdu_encode(const struct cardio_apdu *apdu, uint8_t *buf, size_t cap, size_t *len)
{
  size_t need;
  int ext;

  if (!apdu || !buf || !len)
    return CARDIO_E_INVALID_ARG;
  *len = 0;
  if (apdu->lc > CARDIO_LC_MAX_EXT || apdu->le > CARDIO_LE_MAX_EXT ||
      (apdu->lc > 0 && !apdu->data))
    return CARDIO_E_INVALID_ARG;

  ext = apdu->force_extended || apdu->lc > 255 || apdu->le > CARDIO_LE_MAX_SHORT;
  /* A case 1 APDU has no length fields, so it cannot be "extended". */
  if (apdu->lc == 0 && apdu->le == CARDIO_LE_NONE)
    ext = 0;

  need = 4;
  if (apdu->lc > 0)
    need += (ext ? 3 : 1) + apdu->lc;
  if (apdu->le != CARDIO_LE_NONE)
    need += ext ? (apdu->lc > 0 ? 2 : 3) : 1;
  if (need > cap)
    return CARDIO_E_BUFFER_TOO_SMALL;

  buf[0] = apdu->cla;
  buf[1] = apdu->ins;
  buf[2] = apdu->p1;
  buf[3] = apdu->p2;
  size_t pos = 4;
  if (apdu->lc > 0) {
    if (ext) {
      buf[pos++] = 0x00;
      buf[pos++] = (uint8_t)(apdu->lc >> 8);
    }
    buf[pos++] = (uint8_t)apdu->lc;
    memcpy(buf + pos, apdu->data, apdu->lc);
    pos += apdu->lc;
  }
  if (apdu->le != CARDIO_LE_NONE) {
    if (ext) {
      if (apdu->lc == 0)
        buf[pos++] = 0x00;
      /* 65536 encodes as 00 00, 256 as 00 in the short form: the low bytes do it. */
      buf[pos++] = (uint8_t)(apdu->le >> 8);
      buf[pos++] = (uint8_t)apdu->le;
    } else {
      buf[pos++] = (uint8_t)apdu->le;
    }
  }
  *len = pos;
  return CARDIO_OK;
}

int cardio_apdu_decode(const uint8_t *buf, size_t len, struct cardio_apdu *apdu)
{
  if (!buf || !apdu)
    return CARDIO_E_INVALID_ARG;
  memset(apdu, 0, sizeof *apdu);
  if (len < 4)
    return CARDIO_E_MALFORMED;
  apdu->cla = buf[0];
  apdu->ins = buf[1];
  apdu->p1 = buf[2];
  apdu->p2 = buf[3];
  if (len == 4)
    return CARDIO_OK; /* case 1 */
  if (len == 5) {     /* case 2 short */
    apdu->le = buf[4] ? buf[4] : 256;
    return CARDIO_OK;
  }
  if (buf[4] != 0) { /* short Lc */
    size_t lc = buf[4];
    if (len == 5 + lc || len == 6 + lc) {
      apdu->lc = lc;
      apdu->data = buf + 5;
      if (len == 6 + lc)
        apdu->le = buf[5 + lc] ? buf[5 + lc] : 256;
      return CARDIO_OK;
    }
    return CARDIO_E_MALFORMED;
  }
  /* Extended: 00 then two length bytes. */
  if (len < 7)
    return CARDIO_E_MALFORMED;
  apdu->force_extended = 1;
  size_t n = ((size_t)buf[5] << 8) | buf[6];
  if (len == 7) { /* case 2 extended */
    apdu->le = n ? n : 65536;
    return CARDIO_OK;
  }
  if (n == 0)
    return CARDIO_E_MALFORMED;
  if (len == 7 + n || len == 9 + n) {
    apdu->lc = n;
    apdu->data = buf + 7;
    if (len == 9 + n) {
      size_t le = ((size_t)buf[7 + n] << 8) | buf[8 + n];
      apdu->le = le ? le : 65536;
    }
    return CARDIO_OK;
  }
  return CARDIO_E_MALFORMED;
}

/* Status words. Ranges (61xx, 6Cxx, 63Cx) are handled before the table. */
struct cardio_sw_entry {
  uint16_t sw;
  int err;
  const char *text;
};

static const struct cardio_sw_entry cardio_sw_table[] = {
  {0x9000, CARDIO_OK, "success"},
  {0x6200, CARDIO_E_SW, "warning: state of non-volatile memory unchanged"},
  {0x6281, CARDIO_E_SW, "warning: part of returned data may be corrupted"},
  {0x6282, CARDIO_E_SW, "warning: end of file or record reached before reading Ne bytes"},
  {0x6283, CARDIO_E_SW, "warning: selected file deactivated"},
  {0x6300, CARDIO_E_SECURITY, "verification failed"},
  {0x6400, CARDIO_E_SW, "execution error: state of non-volatile memory unchanged"},
  {0x6581, CARDIO_E_SW, "memory failure"},
  {0x6700, CARDIO_E_SW, "wrong length"},
  {0x6800, CARDIO_E_SW, "functions in CLA not supported"},
  {0x6881, CARDIO_E_SW, "logical channel not supported"},
  {0x6882, CARDIO_E_SW, "secure messaging not supported"},
  {0x6981, CARDIO_E_SW, "command incompatible with file structure"},
  {0x6982, CARDIO_E_SECURITY, "security status not satisfied"},
  {0x6983, CARDIO_E_SECURITY, "authentication method blocked"},
  {0x6984, CARDIO_E_SW, "reference data not usable"},
  {0x6985, CARDIO_E_SW, "conditions of use not satisfied"},
  {0x6986, CARDIO_E_SW, "command not allowed (no current EF)"},
  {0x6988, CARDIO_E_SECURITY, "incorrect secure messaging data objects"},
  {0x6A80, CARDIO_E_SW, "incorrect parameters in the command data field"},
  {0x6A81, CARDIO_E_SW, "function not supported"},
  {0x6A82, CARDIO_E_NOT_FOUND, "file or application not found"},
  {0x6A83, CARDIO_E_NOT_FOUND, "record not found"},
  {0x6A84, CARDIO_E_SW, "not enough memory space in the file"},
  {0x6A86, CARDIO_E_SW, "incorrect parameters P1-P2"},
  {0x6A88, CARDIO_E_NOT_FOUND, "referenced data not found"},
  {0x6B00, CARDIO_E_SW, "wrong parameters P1-P2"},
  {0x6D00, CARDIO_E_SW, "instruction code not supported or invalid"},
  {0x6E00, CARDIO_E_SW, "class not supported"},
  {0x6F00, CARDIO_E_SW, "no precise diagnosis"},
};

static const struct cardio_sw_entry *cardio_sw_lookup(uint16_t sw)
{
  for (size_t i = 0; i < sizeof cardio_sw_table / sizeof cardio_sw_table[0]; i++)
    if (cardio_sw_table[i].sw == sw)
      return &cardio_sw_table[i];
  return NULL;
}

const char *cardio_sw_text(uint16_t sw)
{
  const struct cardio_sw_entry *e;

  if ((sw & 0xFF00) == 0x6100)
    return "more data available (GET RESPONSE)";
  if ((sw & 0xFF00) == 0x6C00)
    return "wrong Le: resend with the exact length";
  if ((sw & 0xFFF0) == 0x63C0)
    return "verification failed, retries left in the low nibble";
  e = cardio_sw_lookup(sw);
  if (e)
    return e->text;
  if ((sw & 0xFF00) == 0x6200 || (sw & 0xFF00) == 0x6300)
    return "warning";
  return "unknown status word";
}

int cardio_sw_to_err(uint16_t sw)
{
  const struct cardio_sw_entry *e;

  if ((sw & 0xFF00) == 0x6100)
    return CARDIO_OK;
  if ((sw & 0xFFF0) == 0x63C0)
    return CARDIO_E_SECURITY;
  e = cardio_sw_lookup(sw);
  if (e)
    return e->err;
  return CARDIO_E_SW;
}
