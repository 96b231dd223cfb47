/* The one card path of `kiosk run` and `kiosk verify` (tap.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cardio/cardio.h>
#include <cardio/crypto.h>
#include <cardio/ssc.h>
#include <common/idno.h>

#include "applog.h"
#include "card_adapter.h"
#include "tap.h"

#define READ_ATTEMPTS 3 /* a card read that meets a vanished pcscd is retried */
#define RETRY_PAUSE_MS 300u

struct term_tap {
  struct cardio_trust *trust;
  struct cardio_ctx *ctx; /* created when needed, dropped when pcscd goes away */
  int with_photo;
};

static void sleep_ms(unsigned ms)
{
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

int term_tap_create(const char *trust_dir, int with_photo, struct term_tap **out, char *why,
                    size_t cap)
{
  *out = NULL;
  struct term_tap *t = calloc(1, sizeof *t);
  if (!t) {
    snprintf(why, cap, "out of memory");
    return -1;
  }
  t->with_photo = with_photo;
  int rc = cardio_trust_load(trust_dir, &t->trust);
  if (rc != CARDIO_OK) {
    snprintf(why, cap, "trust store %s: %s", trust_dir, cardio_strerror(rc));
    free(t);
    return -1;
  }
  *out = t;
  return 0;
}

void term_tap_destroy(struct term_tap *t)
{
  if (!t)
    return;
  term_tap_drop_context(t);
  cardio_trust_destroy(t->trust);
  free(t);
}

void term_tap_drop_context(struct term_tap *t)
{
  cardio_ctx_destroy(t->ctx);
  t->ctx = NULL;
}

/* pcscd went away (or never was), or the card reset: the context is useless, make a
 * new one and try again. */
static int retryable(int err)
{
  return err == CARDIO_E_SERVICE_GONE || err == CARDIO_E_NO_SERVICE ||
         err == CARDIO_E_CARD_RESET || err == CARDIO_E_INTERNAL;
}

static int ensure_ctx(struct term_tap *t)
{
  return t->ctx ? CARDIO_OK : cardio_ctx_create(&t->ctx);
}

static int connect_card(struct term_tap *t, const char *reader, struct cardio_card **card)
{
  *card = NULL;
  int rc = ensure_ctx(t);
  if (rc != CARDIO_OK)
    return rc;
  rc = cardio_connect(t->ctx, reader, card);
  if (retryable(rc))
    term_tap_drop_context(t);
  return rc;
}

int term_tap_wait(struct term_tap *t, const char *reader, int timeout_ms)
{
  int rc = ensure_ctx(t);
  if (rc == CARDIO_OK)
    rc = cardio_wait_card(t->ctx, reader, timeout_ms);
  if (retryable(rc))
    term_tap_drop_context(t);
  return rc;
}

/* The strings key (assets/strings) of a read error, for the screen. */
static const char *error_key(int err)
{
  switch (err) {
  case CARDIO_E_CARD_REMOVED:
  case CARDIO_E_NO_CARD:
    return "error.removed";
  case CARDIO_E_TIMEOUT:
  case CARDIO_E_UNRESPONSIVE:
    return "error.timeout";
  case CARDIO_E_NO_READER:
  case CARDIO_E_NO_SERVICE:
  case CARDIO_E_SERVICE_GONE:
  case CARDIO_E_COMM:
  case CARDIO_E_INTERNAL:
    return "error.reader";
  default:
    return "error.read";
  }
}

static void free_photo(struct term_card *c)
{
  free(c->photo);
  c->photo = NULL;
  c->photo_len = 0;
}

/* Read and verify the honour card, and its photo when wanted. */
static int read_honour(struct term_tap *t, const char *reader, int64_t now, struct term_card *c)
{
  int rc = CARDIO_E_NO_SERVICE;
  for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    if (attempt) {
      app_log("card: %s, trying again", cardio_errname(rc));
      sleep_ms(RETRY_PAUSE_MS);
    }
    struct cardio_card *card;
    rc = connect_card(t, reader, &card);
    if (rc == CARDIO_OK) {
      rc = cardio_hc_read_verify(card, t->trust, now, NULL, &c->res);
      if (rc == CARDIO_OK && c->res.have_record && c->res.rec.photo_len && t->with_photo &&
          !c->photo) {
        int prc = cardio_hc_read_photo(card, &c->res.rec, 0, &c->photo, &c->photo_len);
        if (prc != CARDIO_OK) {
          /* no photo, or one that does not match the signed digest: staff see the
           * placeholder and compare the ID card alone (or refuse) */
          app_log("card: photo not shown: %s", cardio_errname(prc));
          free_photo(c);
        }
      }
      cardio_card_destroy(card);
      if (retryable(rc))
        term_tap_drop_context(t);
    }
    if (!retryable(rc))
      break;
  }
  return rc;
}

void term_tap_read(struct term_tap *t, const char *reader, int64_t now, struct term_card *out)
{
  memset(out, 0, sizeof *out);
  int rc = read_honour(t, reader, now, out);
  if (rc != CARDIO_OK) {
    term_card_clear(out);
    out->kind = TERM_TAP_READ_ERROR;
    out->err = rc;
    out->error_key = error_key(rc);
    app_log("card: not read: %s (%s)", cardio_errname(rc), out->error_key);
    return;
  }
  char summary[512];
  cardio_hc_result_summary(&out->res, summary, sizeof summary);
  app_log("card: %s", summary);
  const struct cardio_hc_check_result *fmt = &out->res.check[CARDIO_HC_CHECK_FORMAT];
  if (fmt->status == CARDIO_HC_FAILED && (fmt->reason == CARDIO_HC_REASON_NO_APPLICATION ||
                                          fmt->reason == CARDIO_HC_REASON_NOT_PERSONALISED)) {
    /* not an honour card at all (a bank card, blank stock): nothing to decide on, and
     * nothing to journal */
    term_card_clear(out);
    out->kind = TERM_TAP_NOT_HONOUR;
    out->error_key = "error.unknown_card";
    return;
  }
  out->kind = TERM_TAP_HONOUR;
  term_facts_from_cardio(&out->res, &out->facts);
  /* the card carries only the masked name; show it only if it looks masked */
  if (out->res.have_record && strchr(out->res.rec.name_masked, '*'))
    snprintf(out->name_masked, sizeof out->name_masked, "%s", out->res.rec.name_masked);
}

void term_card_clear(struct term_card *c)
{
  free(c->photo);
  cardio_cleanse(c, sizeof *c);
  memset(c, 0, sizeof *c);
}

int term_tap_ssc(struct term_tap *t, const char *reader, const struct term_card *card,
                 enum kiosk_holder *holder, char *id_masked, size_t cap)
{
  if (card->kind != TERM_TAP_HONOUR || !card->res.have_record)
    return 0;
  struct cardio_card *cc = NULL;
  int rc = connect_card(t, reader, &cc);
  if (rc == CARDIO_E_NO_CARD)
    return 0;
  if (rc != CARDIO_OK) {
    app_log("social security card: %s", cardio_errname(rc));
    return -1;
  }
  struct cardio_ssc_data d;
  rc = cardio_ssc_read(cc, &d);
  cardio_card_destroy(cc);
  if (rc == CARDIO_E_NOT_FOUND) {
    cardio_ssc_data_clear(&d);
    return 0;
  }
  if (rc != CARDIO_OK) {
    app_log("social security card: %s", cardio_errname(rc));
    cardio_ssc_data_clear(&d);
    if (retryable(rc))
      term_tap_drop_context(t);
    return -1;
  }
  enum cardio_hc_match m = cardio_hc_holder_match(&card->res.rec, d.id_number);
  *holder = term_holder_from_cardio(m, 1);
  if (common_id_mask(d.id_number, id_masked, cap) != COMMON_OK)
    id_masked[0] = '\0';
  cardio_ssc_data_clear(&d);
  app_log("social security card: %s", cardio_hc_match_name(m));
  return 1;
}

enum kiosk_holder term_tap_typed(const struct term_card *card, const char *idno)
{
  if (card->kind != TERM_TAP_HONOUR || !card->res.have_record)
    return KIOSK_HOLDER_NOT_PRESENTED;
  return term_holder_from_cardio(cardio_hc_holder_match(&card->res.rec, idno), 0);
}
