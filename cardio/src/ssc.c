/* Social security card reading (ssc.h). ID numbers and masks: common/idno.h. */
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "cardio/crypto.h"
#include "cardio/ssc.h"
#include "cardio_int.h"
#include "common/idno.h"
#include "common/utf8.h"

int cardio_gb18030_to_utf8(const uint8_t *in, size_t len, char *out, size_t cap)
{
  iconv_t cd;
  char *inp, *outp;
  size_t inleft, outleft, r;
  int rc = CARDIO_OK;
  if (!in || !out || cap == 0)
    return CARDIO_E_INVALID_ARG;
  /* Cards pad the fixed-size field with NUL or spaces. */
  while (len > 0 && (in[len - 1] == 0x00 || in[len - 1] == 0x20))
    len--;
  cd = iconv_open("UTF-8", "GB18030");
  if (cd == (iconv_t)-1)
    return CARDIO_E_UNSUPPORTED;
  inp = (char *)(uintptr_t)in; /* iconv's prototype is not const-correct */
  inleft = len;
  outp = out;
  outleft = cap - 1;
  r = iconv(cd, &inp, &inleft, &outp, &outleft);
  if (r == (size_t)-1)
    rc = errno == E2BIG ? CARDIO_E_BUFFER_TOO_SMALL : CARDIO_E_MALFORMED;
  else if (iconv(cd, NULL, NULL, &outp, &outleft) == (size_t)-1)
    rc = CARDIO_E_MALFORMED;
  iconv_close(cd);
  *outp = '\0';
  if (rc == CARDIO_OK && !common_utf8_printable(out, (size_t)(outp - out)))
    rc = CARDIO_E_MALFORMED; /* a control character inside a name */
  if (rc != CARDIO_OK)
    cardio_cleanse(out, cap);
  return rc;
}

/* ------------------------------------------------------------------ card -- */

int cardio_ssc_parse_record(const uint8_t *buf, size_t len, uint8_t tag,
                            const uint8_t **value, size_t *value_len)
{
  /* A record answer is one byte of tag, one byte of length, the value: the SSC's
   * records are all under 128 bytes. Anything after the value is an error. */
  if (!buf || !value || !value_len || len < 2 || buf[0] != tag)
    return CARDIO_E_MALFORMED;
  if (buf[1] != len - 2)
    return CARDIO_E_MALFORMED;
  *value = buf + 2;
  *value_len = buf[1];
  return CARDIO_OK;
}

void cardio_ssc_data_clear(struct cardio_ssc_data *d)
{
  if (d)
    cardio_cleanse(d, sizeof *d);
}

static int select_ef(struct cardio_card *card, uint16_t fid)
{
  uint8_t f[2] = {(uint8_t)(fid >> 8), (uint8_t)fid};
  struct cardio_apdu a = {0x00, 0xA4, 0x02, 0x00, f, 2, CARDIO_LE_NONE, 0};
  uint16_t sw = 0;
  size_t n = 0;
  uint8_t resp[256];
  int rc = cardio_transmit(card, &a, resp, sizeof resp, &n, &sw);
  if (rc != CARDIO_OK)
    return rc;
  return sw == 0x9000 ? CARDIO_OK : cardio_sw_to_err(sw);
}

/* READ RECORD P1 = record identifier, P2 = 00, Le = length + 2 (domain.md section 6).
 * Returns NOT_FOUND when the card has no such record. */
static int read_record(struct cardio_card *card, uint8_t rec, size_t vlen, uint8_t *val,
                       size_t *got)
{
  struct cardio_apdu a = {0x00, 0xB2, rec, 0x00, NULL, 0, vlen + 2, 0};
  uint8_t resp[258];
  const uint8_t *v;
  size_t n = 0, l = 0;
  uint16_t sw = 0;
  int rc = cardio_transmit(card, &a, resp, sizeof resp, &n, &sw);
  if (rc == CARDIO_E_BUFFER_TOO_SMALL)
    rc = CARDIO_E_MALFORMED;
  if (rc != CARDIO_OK)
    goto out;
  if (sw != 0x9000) {
    rc = cardio_sw_to_err(sw);
    goto out;
  }
  rc = cardio_ssc_parse_record(resp, n, rec, &v, &l);
  if (rc == CARDIO_OK && l > vlen)
    rc = CARDIO_E_MALFORMED;
  if (rc == CARDIO_OK) {
    memcpy(val, v, l);
    *got = l;
  }
out:
  cardio_cleanse(resp, sizeof resp);
  return rc;
}

static uint32_t bcd_date(const uint8_t *v, size_t l)
{
  uint32_t d = 0;
  if (l != 4)
    return 0;
  for (size_t i = 0; i < 4; i++) {
    if ((v[i] >> 4) > 9 || (v[i] & 0x0F) > 9)
      return 0;
    d = d * 100 + (v[i] >> 4) * 10 + (v[i] & 0x0F);
  }
  return cardio_date_valid(d) ? d : 0;
}

/* Printable ASCII field of exactly n characters (padding stripped), else 0. */
static int ascii_field(const uint8_t *v, size_t l, char *out, size_t cap)
{
  while (l > 0 && (v[l - 1] == 0x00 || v[l - 1] == 0x20))
    l--;
  if (l + 1 > cap)
    return 0;
  for (size_t i = 0; i < l; i++)
    if (v[i] < 0x21 || v[i] > 0x7E)
      return 0;
  memcpy(out, v, l);
  out[l] = '\0';
  return 1;
}

/* The card answered (with data or a status word), as opposed to the exchange breaking. */
static int card_answered(int rc)
{
  return rc == CARDIO_OK || rc == CARDIO_E_NOT_FOUND || rc == CARDIO_E_SW ||
         rc == CARDIO_E_SECURITY || rc == CARDIO_E_MALFORMED;
}

int cardio_ssc_read(struct cardio_card *card, struct cardio_ssc_data *out)
{
  static const uint8_t df[] = CARDIO_SSC_DF_NAME;
  struct cardio_apdu sel = {0x00, 0xA4, 0x04, 0x00, df, CARDIO_SSC_DF_NAME_LEN, CARDIO_LE_NONE, 0};
  uint8_t resp[256], v[64];
  size_t n = 0, l = 0;
  uint16_t sw = 0;
  int rc;

  if (!card || !out)
    return CARDIO_E_INVALID_ARG;
  cardio_ssc_data_clear(out);
  rc = cardio_transmit(card, &sel, resp, sizeof resp, &n, &sw);
  if (rc == CARDIO_E_BUFFER_TOO_SMALL)
    rc = CARDIO_E_MALFORMED;
  if (rc != CARDIO_OK)
    return rc;
  if (sw != 0x9000)
    return CARDIO_E_NOT_FOUND;

  /* EF05: card identification. Optional: a card without it still serves the holder
   * match, so only a broken exchange stops the read here. */
  rc = select_ef(card, 0xEF05);
  if (rc == CARDIO_OK) {
    if ((rc = read_record(card, 0x01, 16, v, &l)) == CARDIO_OK && l == 16)
      memcpy(out->card_id, v, 16);
    if (!card_answered(rc))
      goto out_fail;
    if ((rc = read_record(card, 0x05, 4, v, &l)) == CARDIO_OK)
      out->issue_date = bcd_date(v, l);
    if (!card_answered(rc))
      goto out_fail;
    if ((rc = read_record(card, 0x06, 4, v, &l)) == CARDIO_OK)
      out->expiry_date = bcd_date(v, l);
    if (!card_answered(rc))
      goto out_fail;
    if ((rc = read_record(card, 0x07, 9, v, &l)) == CARDIO_OK)
      ascii_field(v, l, out->card_number, sizeof out->card_number);
    if (!card_answered(rc))
      goto out_fail;
  } else if (!card_answered(rc)) {
    goto out_fail;
  }

  /* EF06: personal data. 08 and 09 are what the terminal is here for. */
  rc = select_ef(card, 0xEF06);
  if (rc == CARDIO_E_SW)
    rc = CARDIO_E_NOT_FOUND;
  if (rc != CARDIO_OK)
    goto out_fail;
  rc = read_record(card, 0x08, 18, v, &l);
  if (rc == CARDIO_E_SW)
    rc = CARDIO_E_NOT_FOUND;
  if (rc != CARDIO_OK)
    goto out_fail;
  /* Exactly 18 characters: padding inside the field would make a shorter "ID". */
  if (l != CARDIO_ID_LEN || !ascii_field(v, l, out->id_number, sizeof out->id_number) ||
      strlen(out->id_number) != CARDIO_ID_LEN ||
      common_id_check(out->id_number, CARDIO_ID_LEN, NULL, NULL) == COMMON_ID_CHARS) {
    rc = CARDIO_E_MALFORMED;
    goto out_fail;
  }
  out->id_valid = common_id_check(out->id_number, CARDIO_ID_LEN, NULL, NULL) == COMMON_ID_OK;
  rc = read_record(card, 0x09, 30, v, &l);
  if (rc == CARDIO_E_SW)
    rc = CARDIO_E_NOT_FOUND;
  if (rc != CARDIO_OK)
    goto out_fail;
  rc = cardio_gb18030_to_utf8(v, l, out->name, sizeof out->name);
  if (rc != CARDIO_OK || out->name[0] == '\0') {
    rc = CARDIO_E_MALFORMED;
    goto out_fail;
  }
  if (read_record(card, 0x0A, 1, v, &l) == CARDIO_OK && l == 1)
    out->sex = v[0];
  if (read_record(card, 0x0B, 1, v, &l) == CARDIO_OK && l == 1)
    out->nation = v[0];
  if (read_record(card, 0x0C, 3, v, &l) == CARDIO_OK && l == 3) {
    for (size_t i = 0; i < 3; i++) {
      if ((v[i] >> 4) > 9 || (v[i] & 0x0F) > 9) {
        out->birthplace[0] = '\0';
        break;
      }
      out->birthplace[2 * i] = (char)('0' + (v[i] >> 4));
      out->birthplace[2 * i + 1] = (char)('0' + (v[i] & 0x0F));
      out->birthplace[2 * i + 2] = '\0';
    }
  }
  if (read_record(card, 0x0D, 4, v, &l) == CARDIO_OK)
    out->birth_date = bcd_date(v, l);
  cardio_cleanse(v, sizeof v);
  return CARDIO_OK;

out_fail:
  cardio_cleanse(v, sizeof v);
  cardio_ssc_data_clear(out);
  return rc;
}
