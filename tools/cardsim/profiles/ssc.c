/*
 * Social security card profiles (社会保障卡), as far as a terminal reads one without a
 * PSAM (docs: /work/shared/domain.md section 6, docs/cardio-honour.md):
 *
 *   SELECT  00 A4 04 00 0F "sx1.sh.社会保障" (GBK)  -> 9000; another name -> 6A82
 *   SELECT  00 A4 02 00 02 EF05 | EF06              -> 9000 (SSSE selected), else 6A82
 *   READ RECORD 00 B2 <rec> 00|04 <Le>              -> rec, length, value, 9000;
 *           no such record 6A83; no EF selected 6986; Le short of length+2 -> 6Cxx
 *
 * EF05: 01 card identification code (16), 05 issue date (4, BCD), 06 expiry (4, BCD),
 *       07 card number (9).
 * EF06: 08 social security number = citizen ID (18), 09 name (30, GBK/GB18030, padded
 *       with 00), 0A sex (1), 0B nation (1), 0C birthplace (3, BCD), 0D birth date (4, BCD).
 *
 *   ssc-valid            张晓明, 450902198506121232: the honour profiles' holder
 *   ssc-other-holder     李明, 450902199001010013: valid, but somebody else
 *   ssc-bad-check-digit  张晓明, 450902198506121233 (check digit off by one)
 *   ssc-rare-name        刘䶮, 45098119660718321X: 䶮 is outside GBK, GB18030 FE9F
 *   ssc-rare-name-4byte  王𠇔, 45098119660718321X: 𠇔 is a 4-byte GB18030 sequence
 * All holders are fictitious. GBK cannot encode every name on a real card either;
 * issuers use GB18030 there, which is why terminals decode the field as GB18030.
 */
#include <stdlib.h>
#include <string.h>

#include "cardsim.h"

/* T=1, historical bytes "SSSE" 03 00. */
static const uint8_t ssc_atr[] = {0x3B, 0x86, 0x81, 0x31, 0xFE, 0x45, 0x53,
                                  0x53, 0x53, 0x45, 0x03, 0x00, 0x98};
static const uint8_t ssse_df[15] = {0x73, 0x78, 0x31, 0x2E, 0x73, 0x68, 0x2E, 0xC9,
                                    0xE7, 0xBB, 0xE1, 0xB1, 0xA3, 0xD5, 0xCF};

struct ssc_holder {
  const char *id;           /* 18 ASCII */
  const uint8_t *name;      /* GBK / GB18030 bytes */
  size_t name_len;
  uint8_t sex;
  uint8_t birthplace[3];
  uint8_t birth[4];
};

struct ssc_card {
  const struct ssc_holder *h;
  int selected;
  uint16_t ef;
};

static const uint8_t name_zxm[] = {0xD5, 0xC5, 0xCF, 0xFE, 0xC3, 0xF7};      /* 张晓明 */
static const uint8_t name_lm[] = {0xC0, 0xEE, 0xC3, 0xF7};                   /* 李明 */
static const uint8_t name_ly[] = {0xC1, 0xF5, 0xFE, 0x9F};                   /* 刘䶮 */
static const uint8_t name_wang[] = {0xCD, 0xF5, 0x95, 0x32, 0xB1, 0x34};     /* 王𠇔 */

static const struct ssc_holder h_valid = {"450902198506121232", name_zxm, sizeof name_zxm, '1',
                                          {0x45, 0x09, 0x02}, {0x19, 0x85, 0x06, 0x12}};
static const struct ssc_holder h_other = {"450902199001010013", name_lm, sizeof name_lm, '1',
                                          {0x45, 0x09, 0x02}, {0x19, 0x90, 0x01, 0x01}};
static const struct ssc_holder h_bad = {"450902198506121233", name_zxm, sizeof name_zxm, '1',
                                        {0x45, 0x09, 0x02}, {0x19, 0x85, 0x06, 0x12}};
static const struct ssc_holder h_rare = {"45098119660718321X", name_ly, sizeof name_ly, '2',
                                         {0x45, 0x09, 0x81}, {0x19, 0x66, 0x07, 0x18}};
static const struct ssc_holder h_rare4 = {"45098119660718321X", name_wang, sizeof name_wang, '2',
                                          {0x45, 0x09, 0x81}, {0x19, 0x66, 0x07, 0x18}};

static void *ssc_create_holder(const struct ssc_holder *h)
{
  struct ssc_card *c = calloc(1, sizeof *c);
  if (c)
    c->h = h;
  return c;
}

static void ssc_destroy(void *state)
{
  free(state);
}

static void ssc_reset(void *state)
{
  struct ssc_card *c = state;
  c->selected = 0;
  c->ef = 0;
}

/* The value of a record, or 0 when the EF has no such record. */
static size_t record_value(const struct ssc_card *c, uint8_t rec, uint8_t *v)
{
  const struct ssc_holder *h = c->h;
  if (c->ef == 0xEF05) {
    switch (rec) {
    case 0x01:
      memcpy(v, "\x45\x09\x00\x00\xD1\x56\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 16);
      return 16;
    case 0x05:
      memcpy(v, "\x20\x20\x03\x15", 4);
      return 4;
    case 0x06:
      memcpy(v, "\x20\x30\x03\x14", 4);
      return 4;
    case 0x07:
      memcpy(v, "H12345678", 9);
      return 9;
    default:
      return 0;
    }
  }
  if (c->ef == 0xEF06) {
    switch (rec) {
    case 0x08:
      memcpy(v, h->id, 18);
      return 18;
    case 0x09:
      memset(v, 0, 30);
      memcpy(v, h->name, h->name_len);
      return 30;
    case 0x0A:
      v[0] = h->sex;
      return 1;
    case 0x0B:
      v[0] = 0x01;
      return 1;
    case 0x0C:
      memcpy(v, h->birthplace, 3);
      return 3;
    case 0x0D:
      memcpy(v, h->birth, 4);
      return 4;
    default:
      return 0;
    }
  }
  return 0;
}

static size_t ssc_process(void *state, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                          size_t cap)
{
  struct ssc_card *c = state;
  struct cardsim_apdu a;
  uint8_t v[64];
  size_t n;
  if (cardsim_apdu_parse(cmd, cmd_len, &a) != 0)
    return cardsim_put_sw(resp, 0, cap, 0x6700);
  if (a.cla != 0x00)
    return cardsim_put_sw(resp, 0, cap, 0x6E00);
  switch (a.ins) {
  case 0xA4:
    if (a.p1 == 0x04) {
      c->selected = a.lc == sizeof ssse_df && memcmp(a.data, ssse_df, a.lc) == 0;
      c->ef = 0;
      return cardsim_put_sw(resp, 0, cap, c->selected ? 0x9000 : 0x6A82);
    }
    if (a.p1 == 0x02 && a.lc == 2) {
      uint16_t fid = (uint16_t)(a.data[0] << 8 | a.data[1]);
      if (!c->selected || (fid != 0xEF05 && fid != 0xEF06))
        return cardsim_put_sw(resp, 0, cap, 0x6A82);
      c->ef = fid;
      return cardsim_put_sw(resp, 0, cap, 0x9000);
    }
    return cardsim_put_sw(resp, 0, cap, 0x6A86);
  case 0xB2:
    if (!c->ef)
      return cardsim_put_sw(resp, 0, cap, 0x6986);
    if (a.p2 != 0x00 && a.p2 != 0x04)
      return cardsim_put_sw(resp, 0, cap, 0x6A86);
    n = record_value(c, a.p1, v);
    if (n == 0)
      return cardsim_put_sw(resp, 0, cap, 0x6A83);
    if (a.le && a.le < n + 2)
      return cardsim_put_sw(resp, 0, cap, (uint16_t)(0x6C00 | (n + 2)));
    resp[0] = a.p1;
    resp[1] = (uint8_t)n;
    memcpy(resp + 2, v, n);
    return cardsim_put_sw(resp, n + 2, cap, 0x9000);
  default:
    return cardsim_put_sw(resp, 0, cap, 0x6D00);
  }
}

#define SSC_PROFILE(ident, pname, desc, holder)                                               \
  static void *ident##_create(const char *arg)                                               \
  {                                                                                          \
    (void)arg;                                                                               \
    return ssc_create_holder(&holder);                                                      \
  }                                                                                          \
  static const struct cardsim_profile ident = {                                             \
    .name = pname,                                                                           \
    .description = desc,                                                                     \
    .atr = ssc_atr,                                                                          \
    .atr_len = sizeof ssc_atr,                                                               \
    .create = ident##_create,                                                                \
    .destroy = ssc_destroy,                                                                  \
    .reset = ssc_reset,                                                                      \
    .process = ssc_process,                                                                  \
  };                                                                                         \
  CARDSIM_PROFILE_REGISTER(ident)

SSC_PROFILE(ssc_valid, "ssc-valid", "social security card of the honour profiles' holder (张晓明)",
            h_valid)
SSC_PROFILE(ssc_other, "ssc-other-holder", "valid social security card of somebody else (李明)",
            h_other)
SSC_PROFILE(ssc_bad, "ssc-bad-check-digit", "social security card, ID with a wrong check digit",
            h_bad)
SSC_PROFILE(ssc_rare, "ssc-rare-name", "social security card, name 刘䶮 (GB18030 beyond GBK)",
            h_rare)
SSC_PROFILE(ssc_rare4, "ssc-rare-name-4byte", "social security card, name 王𠇔 (4-byte GB18030)",
            h_rare4)
