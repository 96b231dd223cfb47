/* Fuzz target: the honour card parsers and checks. The first byte picks the entry:
 *   0  cardio_hc_record_decode (the E1 record)
 *   1  the signed container E0 { E1, 5F37 }
 *   2  the SELECT answer (FCI) and the container inside it
 *   3  the whole fast path, cardio_hc_read_verify, over a replay blob of card answers
 *      (2-byte length, bytes; SELECT, GET RESPONSEs, INTERNAL AUTHENTICATE) against a
 *      trust store made once per process with yhpki (removed at exit)
 *   4  cardio_hc_read_photo over a replay blob, for a record asking for 300 bytes
 * The rest of the input is the data. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../cardio/src/hc_int.h"
#include "cardio/cardio.h"
#include "cardio/crypto.h"
#include "cardio/honour.h"
#include "cardio/replay.h"
#include "pki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cardio_trust *trust;
static char dir[64];

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static void cleanup(void)
{
  cardio_trust_destroy(trust);
  trust = NULL;
  if (dir[0])
    nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static const struct cardio_trust *get_trust(void)
{
  char path[128];
  if (trust)
    return trust;
  strcpy(dir, "/tmp/yh-fuzz-hc-XXXXXX");
  if (!mkdtemp(dir) || yhpki_test_pki(dir, (int64_t)time(NULL)) != CARDIO_OK)
    abort();
  snprintf(path, sizeof path, "%s/trust", dir);
  if (cardio_trust_load(path, &trust) != CARDIO_OK)
    abort();
  atexit(cleanup);
  return trust;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct cardio_hc_record rec;
  struct cardio_hc_result res;
  struct hc_signed s;
  struct hc_fci f;
  struct cardio_card *card = NULL;
  enum cardio_hc_reason why;
  static const uint8_t challenge[CARDIO_HC_CHALLENGE_LEN] = {1, 2, 3};

  if (size < 1)
    return 0;
  cardio_set_log(NULL, NULL, CARDIO_LOG_ERROR);
  switch (data[0] % 5) {
  case 0:
    if (cardio_hc_record_decode(data + 1, size - 1, &rec, &why) == CARDIO_OK) {
      /* What decodes must encode back to the same bytes (one encoding per record). */
      uint8_t again[CARDIO_HC_SIGNED_MAX];
      size_t n = 0;
      if (cardio_hc_record_encode(&rec, again, sizeof again, &n) != CARDIO_OK ||
          n != size - 1 || memcmp(again, data + 1, n) != 0)
        abort();
    }
    break;
  case 1:
    hc_signed_decode(data + 1, size - 1, &rec, &s, &why);
    break;
  case 2:
    if (hc_fci_decode(data + 1, size - 1, &f, &why) == CARDIO_OK && f.signed_rec)
      hc_signed_decode(f.signed_rec, f.signed_len, &rec, &s, &why);
    break;
  case 3:
    if (cardio_replay_from_blob(data + 1, size - 1, &card) != CARDIO_OK)
      return 0;
    cardio_hc_read_verify(card, get_trust(), (int64_t)time(NULL), challenge, &res);
    if (cardio_hc_result_genuine(&res))
      abort(); /* nobody can forge a card for a PKI made at run time */
    cardio_card_destroy(card);
    break;
  default: {
    uint8_t *photo = NULL;
    size_t n = 0;
    memset(&rec, 0, sizeof rec);
    rec.id_suite = CARDIO_SUITE_P256;
    rec.photo_len = 300;
    if (cardio_replay_from_blob(data + 1, size - 1, &card) != CARDIO_OK)
      return 0;
    cardio_hc_read_photo(card, &rec, 128, &photo, &n);
    if (photo && n != 300)
      abort();
    free(photo);
    cardio_card_destroy(card);
    break;
  }
  }
  return 0;
}
