/* The card writer through PC/SC: cardio_hc_personalize() on a blank honour card, then a
 * second, independent read as a terminal does it (station/issue.h). The issuer key is
 * in a PKCS#11 token (production) or, for development only, a PEM file. */
/* The PKCS#11 engine (Debian libengine-pkcs11-openssl) is an ENGINE: OpenSSL 3 marks that
 * API deprecated, and Debian ships no PKCS#11 provider yet. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/engine.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardio/cardio.h"
#include "cardio/crypto.h"
#include "cardio/honour.h"
#include "common/hex.h"
#include "station/issue.h"

_Static_assert(2 * CARDIO_KEYID_LEN == STATION_ISSUER_KEYID_HEX, "issuer key id as hex");

struct station_pcsc_writer {
  char reader[256]; /* "" : the first reader with a card */
  struct cardio_key *issuer;
  uint8_t transport[16];
  struct cardio_trust *trust;
  ENGINE *engine; /* the PKCS#11 engine, while the token's key is in use */
};

/*
 * The issuer key inside a PKCS#11 token, through OpenSSL's pkcs11 engine: uri names it
 * (pkcs11:token=LABEL;object=issuer-NAME;type=private). The module is
 * $STATION_PKCS11_MODULE (default: the engine's, p11-kit's proxy), the user PIN
 * $STATION_TOKEN_PIN (or pin-value / pin-source in the URI). The private key never
 * leaves the token: OpenSSL asks the token to sign.
 */
static int perso_token_key(struct station_pcsc_writer *w, const char *uri, char *why, size_t cap)
{
  const char *module = getenv("STATION_PKCS11_MODULE");
  const char *pin = getenv("STATION_TOKEN_PIN");
  ENGINE_load_builtin_engines();
  ENGINE *e = ENGINE_by_id("pkcs11");
  if (!e) {
    snprintf(why, cap, "the OpenSSL pkcs11 engine is not installed (libengine-pkcs11-openssl)");
    return -1;
  }
  if ((module && *module && !ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module, 0)) ||
      (pin && *pin && !ENGINE_ctrl_cmd_string(e, "PIN", pin, 0)) || !ENGINE_init(e)) {
    snprintf(why, cap, "the pkcs11 engine does not start (module %s; 0x%lx)",
             module ? module : "default", ERR_get_error());
    ERR_clear_error();
    ENGINE_free(e);
    return -1;
  }
  EVP_PKEY *pkey = ENGINE_load_private_key(e, uri, NULL, NULL);
  int rc = pkey ? cardio_key_from_evp(pkey, &w->issuer) : CARDIO_E_IO;
  EVP_PKEY_free(pkey); /* cardio keeps its own reference */
  if (rc != CARDIO_OK || !cardio_key_has_private(w->issuer)) {
    snprintf(why, cap, "issuer key in the token: not found or not usable (%s; 0x%lx)",
             cardio_strerror(rc), ERR_get_error());
    ERR_clear_error();
    ENGINE_finish(e);
    ENGINE_free(e);
    return -1;
  }
  w->engine = e;
  return 0;
}

static int perso_read_transport(const char *path, uint8_t key[16])
{
  FILE *f = fopen(path, "r");
  char hex[40] = "";
  if (!f)
    return -1;
  int ok = fgets(hex, sizeof hex, f) != NULL;
  fclose(f);
  /* 32 hex digits first on the line; what follows (the newline) is not read */
  ok = ok && strlen(hex) >= 32 && common_hex_decode(hex, 32, key, 16, 1) == COMMON_OK;
  cardio_cleanse(hex, sizeof hex);
  return ok ? 0 : -1;
}

int station_pcsc_writer_create(const char *reader, const char *pki_dir, const char *issuer,
                               struct station_pcsc_writer **out, char *why, size_t cap)
{
  char path[1024];
  if (!pki_dir || !issuer || !out)
    return STATION_E_INVALID_ARG;
  *out = NULL;
  struct station_pcsc_writer *w = calloc(1, sizeof *w);
  if (!w)
    return STATION_E_NO_MEMORY;
  snprintf(w->reader, sizeof w->reader, "%s", reader ? reader : "");
  int rc;
  if (strncmp(issuer, "pkcs11:", 7) == 0) {
    if (perso_token_key(w, issuer, why, cap) != 0)
      goto out_fail;
  } else {
    /* Development only: the key in a file (docs/station.md). */
    snprintf(path, sizeof path, "%s/private/issuer-%s.key.pem", pki_dir, issuer);
    rc = cardio_key_load_pem(path, &w->issuer);
    if (rc != CARDIO_OK || !cardio_key_has_private(w->issuer)) {
      snprintf(why, cap, "issuer key %s: %s", path, cardio_strerror(rc));
      goto out_fail;
    }
  }
  snprintf(path, sizeof path, "%s/private/transport.key", pki_dir);
  if (perso_read_transport(path, w->transport) != 0) {
    snprintf(why, cap, "transport key %s cannot be read", path);
    goto out_fail;
  }
  snprintf(path, sizeof path, "%s/trust", pki_dir);
  if ((rc = cardio_trust_load(path, &w->trust)) != CARDIO_OK) {
    snprintf(why, cap, "trust store %s: %s", path, cardio_strerror(rc));
    goto out_fail;
  }
  *out = w;
  return STATION_OK;
out_fail:
  station_pcsc_writer_destroy(w);
  return STATION_E_CARD;
}

void station_pcsc_writer_destroy(struct station_pcsc_writer *w)
{
  if (!w)
    return;
  cardio_key_destroy(w->issuer);
  if (w->engine) {
    ENGINE_finish(w->engine);
    ENGINE_free(w->engine);
  }
  cardio_trust_destroy(w->trust);
  cardio_cleanse(w->transport, sizeof w->transport);
  free(w);
}

static uint32_t perso_yyyymmdd(int32_t day)
{
  int y;
  unsigned m, d;
  common_civil_from_days(day, &y, &m, &d);
  return (uint32_t)y * 10000u + m * 100u + d;
}

/* The reader to use: the configured one, or the first with a card in it. */
static int perso_pick_reader(struct station_pcsc_writer *w, struct cardio_ctx *ctx, char *out,
                             size_t cap)
{
  if (w->reader[0]) {
    snprintf(out, cap, "%s", w->reader);
    return cardio_wait_card(ctx, out, 10000);
  }
  char **names = NULL;
  size_t n = 0;
  int rc = cardio_list_readers(ctx, &names, &n);
  if (rc != CARDIO_OK)
    return rc;
  rc = CARDIO_E_NO_CARD;
  for (size_t i = 0; i < n; i++) {
    if (cardio_wait_card(ctx, names[i], 0) == CARDIO_OK) {
      snprintf(out, cap, "%s", names[i]);
      rc = CARDIO_OK;
      break;
    }
  }
  cardio_reader_list_free(names);
  return rc;
}

static int perso_personalize(void *vctx, const struct station_card_request *req, char *why,
                             size_t cap)
{
  struct station_pcsc_writer *w = vctx;
  struct cardio_ctx *ctx = NULL;
  struct cardio_card *card = NULL;
  char reader[256], summary[256];
  int rc;
  /* The card's clock is the desk's day (noon in Yulin), so that an injected "today"
   * and the card's validity agree. */
  int64_t now = (int64_t)req->issue_day * 86400 + 4 * 3600;

  if ((rc = cardio_ctx_create(&ctx)) != CARDIO_OK) {
    snprintf(why, cap, "PC/SC: %s", cardio_strerror(rc));
    return STATION_E_CARD;
  }
  if ((rc = perso_pick_reader(w, ctx, reader, sizeof reader)) != CARDIO_OK ||
      (rc = cardio_connect(ctx, reader, &card)) != CARDIO_OK) {
    snprintf(why, cap, "no blank card: %s", cardio_strerror(rc));
    goto out_fail;
  }
  struct cardio_hc_perso p;
  memset(&p, 0, sizeof p);
  p.issuer_key = w->issuer;
  p.transport_master = w->transport;
  p.card_suite = cardio_key_suite(w->issuer);
  p.card_number = req->card_no;
  p.generation = req->generation;
  p.holder_name = req->name;
  p.id_number = req->idno;
  p.award = (enum cardio_hc_award)req->award; /* the same values (station/award.h) */
  p.award_level = req->level;
  p.award_round = req->round_year;
  p.issue_date = perso_yyyymmdd(req->issue_day);
  p.not_after = perso_yyyymmdd(req->not_after_day);
  p.photo = req->photo;
  p.photo_len = req->photo_len;
  struct cardio_hc_result rb;
  rc = cardio_hc_personalize(card, &p, w->trust, now, &rb);
  if (rc != CARDIO_OK || !cardio_hc_result_genuine(&rb)) {
    cardio_hc_result_summary(&rb, summary, sizeof summary);
    snprintf(why, cap, "personalization: %s (%s)", cardio_strerror(rc), summary);
    goto out_fail;
  }
  cardio_card_destroy(card);
  card = NULL;

  /* The read-back a terminal would do, on a new connection: every check, then the
   * holder binding and the photo. */
  struct cardio_hc_result res;
  if ((rc = cardio_connect(ctx, reader, &card)) != CARDIO_OK ||
      (rc = cardio_hc_read_verify(card, w->trust, now, NULL, &res)) != CARDIO_OK) {
    snprintf(why, cap, "read-back: %s", cardio_strerror(rc));
    goto out_fail;
  }
  if (!cardio_hc_result_genuine(&res)) {
    cardio_hc_result_summary(&res, summary, sizeof summary);
    snprintf(why, cap, "read-back: the card does not verify (%s)", summary);
    goto out_fail;
  }
  uint8_t key_id[CARDIO_KEYID_LEN];
  if (cardio_key_id(w->issuer, key_id) != CARDIO_OK ||
      memcmp(res.rec.issuer_key_id, key_id, sizeof key_id) != 0 ||
      strcmp(res.rec.card_number, req->card_no) != 0 || res.rec.generation != req->generation ||
      (int)res.rec.award != req->award || res.rec.award_level != req->level ||
      cardio_hc_holder_match(&res.rec, req->idno) != CARDIO_HC_MATCH) {
    snprintf(why, cap, "read-back: the card carries other data than requested");
    goto out_fail;
  }
  uint8_t *photo = NULL;
  size_t photo_len = 0;
  rc = cardio_hc_read_photo(card, &res.rec, 0, &photo, &photo_len);
  int same = rc == CARDIO_OK && photo_len == req->photo_len &&
             memcmp(photo, req->photo, photo_len) == 0;
  free(photo);
  if (!same) {
    snprintf(why, cap, "read-back: photo %s", rc == CARDIO_OK ? "differs" : cardio_strerror(rc));
    goto out_fail;
  }
  cardio_card_destroy(card);
  cardio_ctx_destroy(ctx);
  return STATION_OK;
out_fail:
  cardio_card_destroy(card);
  cardio_ctx_destroy(ctx);
  return STATION_E_CARD;
}

static int perso_issuer_key_id(void *vctx, char out[STATION_ISSUER_KEYID_HEX + 1])
{
  struct station_pcsc_writer *w = vctx;
  uint8_t id[CARDIO_KEYID_LEN];
  out[0] = '\0';
  if (cardio_key_id(w->issuer, id) != CARDIO_OK ||
      common_hex_encode(id, sizeof id, out, STATION_ISSUER_KEYID_HEX + 1) != COMMON_OK)
    return STATION_E_CARD;
  return STATION_OK;
}

void station_pcsc_writer_ops(struct station_pcsc_writer *w, struct station_card_writer *out)
{
  out->personalize = perso_personalize;
  out->ctx = w;
  out->issuer_key_id = perso_issuer_key_id;
}
