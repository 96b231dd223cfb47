/*
 * Profile "test": a card for transport tests, with no application logic.
 *
 *   SELECT  00 A4 04 00 Lc <AID> [Le]  the test AID A0 00 00 06 47 59 4C 54 45 53 54
 *                                      -> 9000; another AID -> 6A82; P1 != 04 -> 6A86
 *   GET DATA 00 CA P1 P2 [Le]          -> N = P1<<8 | P2 bytes, byte i = (i*7+3) & 0xFF,
 *                                      then 9000 (N <= 65533, else 6A86). Le does not
 *                                      limit N: a transport must cope (the 6Cxx fault
 *                                      compares Le against N)
 *   ECHO    00 DA 00 00 Lc <data> [Le] -> the data, 9000
 *   NOP     00 10 00 00                -> 9000
 *   WRITE   00 D6 00 00 Lc <data>      -> 9000 (the data is dropped)
 *   other INS -> 6D00; CLA other than 00 -> 6E00; not an APDU case -> 6700;
 *   P1 P2 other than 00 00 for ECHO/NOP/WRITE -> 6A86.
 * Short and extended lengths are both accepted everywhere. The selection is kept as
 * state (and forgotten on reset) but no command requires it.
 *
 * ATR 3B 86 81 31 FE 45 59 48 54 45 53 54 8A:
 *   TS 3B direct convention; T0 86: TD1 follows, 6 historical bytes;
 *   TD1 81: TD2 follows, T=1; TD2 31: TA3 and TB3 follow, T=1;
 *   TA3 FE: IFSC 254; TB3 45: BWI 4, CWI 5;
 *   historical bytes "YHTEST"; TCK 8A (XOR of T0..the last historical byte).
 */
#include <stdlib.h>
#include <string.h>

#include "cardsim.h"

static const uint8_t test_atr[] = {0x3B, 0x86, 0x81, 0x31, 0xFE, 0x45, 0x59,
                                   0x48, 0x54, 0x45, 0x53, 0x54, 0x8A};
static const uint8_t test_aid[] = {0xA0, 0x00, 0x00, 0x06, 0x47, 0x59,
                                   0x4C, 0x54, 0x45, 0x53, 0x54};

#define TEST_GET_DATA_MAX 65533u

struct test_card {
  int selected;
};

static void *test_create(const char *arg)
{
  (void)arg;
  return calloc(1, sizeof(struct test_card));
}

static void test_destroy(void *state)
{
  free(state);
}

static void test_reset(void *state)
{
  struct test_card *card = state;
  card->selected = 0;
}

static size_t test_process(void *state, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                           size_t cap)
{
  struct test_card *card = state;
  struct cardsim_apdu a;

  if (cardsim_apdu_parse(cmd, cmd_len, &a) != 0)
    return cardsim_put_sw(resp, 0, cap, 0x6700);
  if (a.cla != 0x00)
    return cardsim_put_sw(resp, 0, cap, 0x6E00);

  switch (a.ins) {
  case 0xA4: /* SELECT */
    if (a.p1 != 0x04)
      return cardsim_put_sw(resp, 0, cap, 0x6A86);
    card->selected = a.lc == sizeof test_aid && memcmp(a.data, test_aid, a.lc) == 0;
    return cardsim_put_sw(resp, 0, cap, card->selected ? 0x9000 : 0x6A82);
  case 0xCA: { /* GET DATA */
    size_t n = (size_t)a.p1 << 8 | a.p2;
    if (n > TEST_GET_DATA_MAX || n + 2 > cap)
      return cardsim_put_sw(resp, 0, cap, 0x6A86);
    for (size_t i = 0; i < n; i++)
      resp[i] = (uint8_t)((i * 7 + 3) & 0xFF);
    return cardsim_put_sw(resp, n, cap, 0x9000);
  }
  case 0xDA: /* ECHO */
    if (a.p1 || a.p2)
      return cardsim_put_sw(resp, 0, cap, 0x6A86);
    if (a.lc + 2 > cap)
      return cardsim_put_sw(resp, 0, cap, 0x6700);
    if (a.lc)
      memcpy(resp, a.data, a.lc);
    return cardsim_put_sw(resp, a.lc, cap, 0x9000);
  case 0x10: /* NOP */
  case 0xD6: /* WRITE */
    if (a.p1 || a.p2)
      return cardsim_put_sw(resp, 0, cap, 0x6A86);
    return cardsim_put_sw(resp, 0, cap, 0x9000);
  default:
    return cardsim_put_sw(resp, 0, cap, 0x6D00);
  }
}

static const struct cardsim_profile test_profile = {
  .name = "test",
  .description = "transport test card: SELECT, GET DATA pattern, ECHO, NOP, WRITE",
  .atr = test_atr,
  .atr_len = sizeof test_atr,
  .create = test_create,
  .destroy = test_destroy,
  .reset = test_reset,
  .process = test_process,
};

CARDSIM_PROFILE_REGISTER(test_profile)
