/* Honour card test helpers (hc_testlib.h). */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cardio/ssc.h"
#include "hc_testlib.h"
#include "pki.h"

static void die(const char *what)
{
  fprintf(stderr, "hc_testlib: %s\n", what);
  abort();
}

void hct_pki_setup(struct hct_pki *p)
{
  char path[400];
  memset(p, 0, sizeof *p);
  /* A fixed "now" keeps dates reproducible; the PKI is made around it. */
  p->now = (int64_t)time(NULL);
  p->today = cardio_date_from_time(p->now);
  snprintf(p->dir, sizeof p->dir, "/tmp/yh-hc-test-XXXXXX");
  if (!mkdtemp(p->dir))
    die("mkdtemp");
  /* yhpki refuses an existing root, not an existing empty directory. */
  if (yhpki_test_pki(p->dir, p->now) != CARDIO_OK)
    die("yhpki_test_pki");
  snprintf(p->trust_dir, sizeof p->trust_dir, "%s/trust", p->dir);
  if (cardio_trust_load(p->trust_dir, &p->trust) != CARDIO_OK)
    die("cardio_trust_load");
  snprintf(path, sizeof path, "%s/private/issuer-p256.key.pem", p->dir);
  if (cardio_key_load_pem(path, &p->p256) != CARDIO_OK)
    die("issuer-p256");
  snprintf(path, sizeof path, "%s/private/issuer-sm2.key.pem", p->dir);
  if (cardio_key_load_pem(path, &p->sm2) != CARDIO_OK)
    die("issuer-sm2");
  snprintf(path, sizeof path, "%s/private/issuer-retired.key.pem", p->dir);
  if (cardio_key_load_pem(path, &p->retired) != CARDIO_OK)
    die("issuer-retired");
  if (yhpki_read_transport_key(p->dir, p->transport) != CARDIO_OK)
    die("transport key");
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

void hct_rmtree(const char *dir)
{
  if (dir && *dir)
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void hct_pki_teardown(struct hct_pki *p)
{
  cardio_trust_destroy(p->trust);
  cardio_key_destroy(p->p256);
  cardio_key_destroy(p->sm2);
  cardio_key_destroy(p->retired);
  hct_rmtree(p->dir);
  memset(p, 0, sizeof *p);
}

void hct_record(struct cardio_hc_record *rec, const struct cardio_key *card_key, uint32_t today)
{
  memset(rec, 0, sizeof *rec);
  rec->version = CARDIO_HC_VERSION;
  strcpy(rec->card_number, "YL20240000012355");
  rec->generation = 0;
  strcpy(rec->name_masked, "张*明");
  if (cardio_hc_record_bind_id(rec, CARDIO_SUITE_P256, HCT_HOLDER_ID, 1000) != CARDIO_OK)
    die("bind id");
  rec->award = CARDIO_HC_AWARD_DONOR_STAR;
  rec->award_level = 3;
  rec->award_round = 2024;
  rec->issue_date = cardio_date_add_days(today, -30);
  rec->not_after = cardio_date_add_days(today, 5 * 365);
  rec->card_suite = cardio_key_suite(card_key);
  if (cardio_key_point(card_key, rec->card_point) != CARDIO_OK)
    die("card point");
  if (cardio_digest(CARDIO_SUITE_P256, (const uint8_t *)"photo", 5, rec->photo_digest) !=
      CARDIO_OK)
    die("digest");
  rec->photo_len = 5;
}

size_t hct_sign(struct cardio_hc_record *rec, const struct cardio_key *issuer, uint8_t *buf)
{
  size_t n = 0;
  if (cardio_hc_sign_record(rec, issuer, buf, CARDIO_HC_SIGNED_MAX, &n) != CARDIO_OK)
    die("sign");
  return n;
}

size_t hct_fci(const uint8_t *signed_rec, size_t signed_len, uint8_t lcs, uint8_t *out,
               size_t cap)
{
  /* 6F L { 84 06 AID, 8A 01 lcs, A5 L { E0... } } with long-form lengths as needed. */
  uint8_t a5[1024], body[1200];
  size_t a5n = 0, bn = 0, n = 0;
  a5[a5n++] = 0xA5;
  if (signed_len < 0x80) {
    a5[a5n++] = (uint8_t)signed_len;
  } else if (signed_len < 0x100) {
    a5[a5n++] = 0x81;
    a5[a5n++] = (uint8_t)signed_len;
  } else {
    a5[a5n++] = 0x82;
    a5[a5n++] = (uint8_t)(signed_len >> 8);
    a5[a5n++] = (uint8_t)signed_len;
  }
  memcpy(a5 + a5n, signed_rec, signed_len);
  a5n += signed_len;
  body[bn++] = 0x84;
  body[bn++] = CARDIO_HC_AID_LEN;
  memcpy(body + bn, CARDIO_HC_AID, CARDIO_HC_AID_LEN);
  bn += CARDIO_HC_AID_LEN;
  body[bn++] = 0x8A;
  body[bn++] = 1;
  body[bn++] = lcs;
  memcpy(body + bn, a5, a5n);
  bn += a5n;
  if (cap < bn + 4)
    die("fci cap");
  out[n++] = 0x6F;
  if (bn < 0x80) {
    out[n++] = (uint8_t)bn;
  } else if (bn < 0x100) {
    out[n++] = 0x81;
    out[n++] = (uint8_t)bn;
  } else {
    out[n++] = 0x82;
    out[n++] = (uint8_t)(bn >> 8);
    out[n++] = (uint8_t)bn;
  }
  memcpy(out + n, body, bn);
  return n + bn;
}

void hct_tohex(const uint8_t *in, size_t n, char *out)
{
  static const char d[] = "0123456789ABCDEF";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = d[in[i] >> 4];
    out[2 * i + 1] = d[in[i] & 15];
  }
  out[2 * n] = '\0';
}

size_t hct_hex(const char *hex, uint8_t *out, size_t cap)
{
  size_t n = 0;
  int hi = -1;
  for (; *hex; hex++) {
    int v;
    char c = *hex;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else
      continue;
    if (hi < 0) {
      hi = v;
      continue;
    }
    if (n >= cap)
      die("hex cap");
    out[n++] = (uint8_t)(hi << 4 | v);
    hi = -1;
  }
  return n;
}
