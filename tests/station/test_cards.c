/* The card flows end to end through the real parts: pcscd with the vpcd readers, the
 * card simulator's blank honour stock (tools/cardsim "honour-blank"), cardio's
 * personalization, a throw-away PKI (yhpki test-pki), a station database on disk; the
 * centre through the narrow interface (a recorder, and the real centre-admin on a real
 * centre store: registration and revocation reach it). Photo preparation with
 * SDL2_image.
 *
 * Flows: apply -> issue (number, personalize, read back, READY) -> collect; reissue
 * (lost, fee) -> old card revoked at once -> issue generation 1; a failed
 * personalization (no blank card) leaves the card NUMBERED and the retry works;
 * revoke for misuse (lent) -> override required -> recorded -> generation 2. */
#include <SDL.h>
#include <SDL_image.h>
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cardio/cardio.h"
#include "cardio/crypto.h"
#include "cardio/honour.h"
#include "cardsim.h"
#include "pki.h"
#include "station/issue.h"
#include "station/photo.h"
#include "station/round.h"
#include "common/award.h"
#include "station_test_util.h"
#include "yh_fixture.h"

static char pki_dir[600], reader[YH_READER_NAME_MAX];
static char idno[19];

/* The centre as a recorder of what it was sent. */
struct recorder {
  int fail; /* answer CENTRE */
  int registered, revoked;
  struct station_outbox_item last;
};

static int rec_send(void *ctx, const struct station_outbox_item *it, char *why, size_t cap)
{
  struct recorder *r = ctx;
  if (r->fail) {
    snprintf(why, cap, "centre down");
    return STATION_E_CENTRE;
  }
  r->last = *it;
  if (it->op == STATION_OUTBOX_REGISTER)
    r->registered++;
  else
    r->revoked++;
  return STATION_OK;
}

/* A 600x800 white-background portrait with some texture. */
static void make_photo(const char *path, int background)
{
  SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 600, 800, 24, SDL_PIXELFORMAT_RGB24);
  ck_assert_ptr_nonnull(s);
  uint8_t *px = s->pixels;
  for (int y = 0; y < 800; y++) {
    for (int x = 0; x < 600; x++) {
      uint8_t *p = px + y * s->pitch + x * 3;
      int dx = x - 300, dy = y - 380;
      int face = dx * dx * 4 + dy * dy * 2 < 200 * 200 * 2;
      int body = y > 600 && dx * dx < (y - 500) * (y - 500);
      uint8_t v = (uint8_t)((x * 7 + y * 13) % 32);
      if (face) {
        p[0] = (uint8_t)(200 + v / 2); p[1] = (uint8_t)(160 + v); p[2] = (uint8_t)(130 + v);
      } else if (body) {
        p[0] = (uint8_t)(20 + v); p[1] = (uint8_t)(30 + v); p[2] = (uint8_t)(90 + v);
      } else {
        p[0] = p[1] = p[2] = (uint8_t)background;
        if (background < 200) { p[0] = 40; p[1] = (uint8_t)(120 + v); p[2] = 40; }
      }
    }
  }
  ck_assert_int_eq(IMG_SavePNG(s, path), 0);
  SDL_FreeSurface(s);
}

static struct station_db *setup(int32_t today)
{
  char why[256];
  st_tmpdir();
  snprintf(pki_dir, sizeof pki_dir, "%s", st_path("pki"));
  ck_assert_int_eq(yhpki_test_pki(pki_dir, (int64_t)time(NULL)), 0);
  ck_assert_int_eq(yh_reader_name(yh_vpcd_port(), reader, sizeof reader), 0);
  st_idno("45090219800101123", idno);
  /* 20 donations of 400 ml: 8000 ml, three stars, card-eligible. */
  char csv[8192];
  size_t n = (size_t)snprintf(csv, sizeof csv, "record_id,donor_id,id_number,name,date,kind,amount,site\n");
  for (int i = 0; i < 20; i++) {
    char d[16];
    station_date_format(today - 200 * (i + 1), d, sizeof d);
    n += (size_t)snprintf(csv + n, sizeof csv - n, "R%d,D1,%s,张三明,%s,whole_blood,400,s\n", i,
                          idno, d);
  }
  st_write(st_path("r.csv"), csv, (long)n);
  struct station_db *db;
  ck_assert_int_eq(station_db_open(st_path("station.db"), &db, why, sizeof why), STATION_OK);
  struct station_import_opts o;
  struct station_import_result res;
  station_import_opts_default(&o);
  o.today = today;
  ck_assert_int_eq(station_import_csv(db, st_path("r.csv"), &o, &res), STATION_OK);
  station_import_result_free(&res);
  ck_assert_int_eq(station_round_evaluate(db, "R1", today - 30, today, NULL), STATION_OK);
  st_round_award(db, "R1", today);
  return db;
}

static void read_back(struct cardio_ctx *ctx, const char *card_no, unsigned gen)
{
  struct cardio_card *card;
  struct cardio_trust *trust;
  char dir[700];
  snprintf(dir, sizeof dir, "%s/trust", pki_dir);
  ck_assert_int_eq(cardio_trust_load(dir, &trust), CARDIO_OK);
  ck_assert_int_eq(cardio_wait_card(ctx, reader, 5000), CARDIO_OK);
  ck_assert_int_eq(cardio_connect(ctx, reader, &card), CARDIO_OK);
  struct cardio_hc_result res;
  ck_assert_int_eq(cardio_hc_read_verify(card, trust, (int64_t)time(NULL), NULL, &res), CARDIO_OK);
  ck_assert(cardio_hc_result_genuine(&res));
  ck_assert_str_eq(res.rec.card_number, card_no);
  ck_assert_uint_eq(res.rec.generation, gen);
  ck_assert_int_eq(res.rec.award, CARDIO_HC_AWARD_DONOR_STAR);
  ck_assert_uint_eq(res.rec.award_level, 3);
  ck_assert_str_eq(res.rec.name_masked, "张*明");
  ck_assert_int_eq(cardio_hc_holder_match(&res.rec, idno), CARDIO_HC_MATCH);
  cardio_card_destroy(card);
  cardio_trust_destroy(trust);
}

/* A new card in the reader: out, seen out by pcscd, in, seen in. */
static void put_card(struct cardsim *sim, const char *profile)
{
  cardsim_remove(sim);
  ck_assert_int_eq(yh_wait_reader_state(reader, 0, 5000), 0);
  ck_assert_int_eq(cardsim_insert(sim, profile, pki_dir), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader, 1, 5000), 0);
}

static int first_register(void *user, const struct station_outbox_item *it)
{
  if (it->op != STATION_OUTBOX_REGISTER)
    return 0;
  *(struct station_outbox_item *)user = *it;
  return 1;
}

static int ready_count(void *user, const struct station_ready_card *c)
{
  int *n = user;
  (*n)++;
  ck_assert_str_eq(c->masked_name, "张*明");
  ck_assert_str_eq(c->masked_idno, "450902********1230");
  return 0;
}

START_TEST(test_issue_reissue_revoke)
{
  int32_t today = station_date_today();
  struct station_db *db = setup(today);
  char why[300];

  /* The photo: scaled and compressed to fit; a green background is refused. */
  uint8_t *jpeg = NULL;
  size_t jlen = 0;
  int q = 0;
  make_photo(st_path("photo.png"), 250);
  ck_assert_int_eq(station_photo_prepare(st_path("photo.png"), NULL, &jpeg, &jlen, &q, why,
                                         sizeof why), STATION_OK);
  ck_assert_uint_le(jlen, STATION_PHOTO_MAX_BYTES);
  ck_assert(jpeg[0] == 0xFF && jpeg[1] == 0xD8);
  uint8_t *bad = NULL;
  size_t blen;
  make_photo(st_path("green.png"), 100);
  ck_assert_int_eq(station_photo_prepare(st_path("green.png"), NULL, &bad, &blen, &q, why,
                                         sizeof why), STATION_E_PHOTO);
  ck_assert_ptr_nonnull(strstr(why, "not white"));

  /* Application: wrong name refused, eligible person accepted, a second one refused. */
  struct station_application a = {idno, "张三", jpeg, jlen, today, NULL};
  int64_t app, app2;
  ck_assert_int_eq(station_apply(db, &a, &app, why, sizeof why), STATION_E_CONFLICT);
  a.name = "张三明";
  ck_assert_int_eq(station_apply(db, &a, &app, why, sizeof why), STATION_OK);
  ck_assert_int_eq(station_apply(db, &a, &app2, why, sizeof why), STATION_E_EXISTS);

  /* Issue with no card in the reader: CARD, and the card stays numbered. */
  struct station_pcsc_writer *w;
  struct station_card_writer writer;
  ck_assert_int_eq(station_pcsc_writer_create(reader, pki_dir, "p256", &w, why, sizeof why),
                   STATION_OK);
  station_pcsc_writer_ops(w, &writer);
  struct recorder rec = {0};
  struct station_centre centre = {rec_send, &rec};
  struct station_issue_opts io = {2, today, 0, &writer, &centre, "staff01"};
  struct station_issued out;
  struct cardsim *sim;
  ck_assert_int_eq(cardsim_create(NULL, yh_vpcd_port(), &sim), 0);
  put_card(sim, "honour-star3"); /* not blank */
  ck_assert_int_eq(station_issue(db, app, &io, &out, why, sizeof why), STATION_E_CARD);

  /* Retry with blank stock: the same number and generation. */
  put_card(sim, "honour-blank");
  int rc = station_issue(db, app, &io, &out, why, sizeof why);
  ck_assert_msg(rc == STATION_OK, "issue: %s: %s", station_errname(rc), why);
  ck_assert(common_cardno_valid(out.card_no));
  ck_assert(strncmp(out.card_no + 6, "02", 2) == 0);
  ck_assert_uint_eq(out.generation, 0);
  ck_assert_int_eq(out.registered, 1);
  ck_assert_int_eq(rec.registered, 1);
  ck_assert_str_eq(rec.last.card_no, out.card_no);
  /* What the registration carries: the card's award, round, dates and issuer key id. */
  ck_assert_int_eq(rec.last.award, CARDIO_HC_AWARD_DONOR_STAR);
  ck_assert_uint_eq(rec.last.level, 3);
  ck_assert_uint_ge(rec.last.round_year, 2000);
  ck_assert_int_eq(rec.last.issue_day, today);
  ck_assert_int_gt(rec.last.not_after_day, today);
  ck_assert_uint_eq(strlen(rec.last.issuer_key_id), STATION_ISSUER_KEYID_HEX);
  ck_assert_uint_eq(strspn(rec.last.issuer_key_id, "0123456789abcdef"),
                    STATION_ISSUER_KEYID_HEX);
  struct cardio_ctx *ctx;
  ck_assert_int_eq(cardio_ctx_create(&ctx), CARDIO_OK);
  read_back(ctx, out.card_no, 0);
  int n = 0;
  ck_assert_int_eq(station_ready_list(db, ready_count, &n), STATION_OK);
  ck_assert_int_eq(n, 1);
  char card_no[COMMON_CARDNO_LEN + 1];
  memcpy(card_no, out.card_no, sizeof card_no);
  ck_assert_int_eq(station_issue(db, app, &io, &out, why, sizeof why), STATION_E_NOT_FOUND);
  ck_assert_int_eq(station_collect(db, card_no, today), STATION_OK);
  ck_assert_int_eq(station_collect(db, card_no, today), STATION_E_STATE);

  /* Reissue (lost): the old card is revoked at once, here and at the centre, even
   * while the centre is down (queued, then sent). */
  rec.fail = 1;
  struct station_reissue r = {idno, STATION_REVOKE_LOST, 2000, NULL, 0, "staff01", today, NULL};
  ck_assert_int_eq(station_reissue_apply(db, &r, &centre, &app2, why, sizeof why), STATION_OK);
  int revoked = 0;
  enum station_revoke_reason reason;
  ck_assert_int_eq(station_card_revoked(db, card_no, 0, &revoked, &reason), STATION_OK);
  ck_assert_int_eq(revoked, 1);
  ck_assert_int_eq(reason, STATION_REVOKE_LOST);
  ck_assert_int_eq(rec.revoked, 0);
  rec.fail = 0;
  unsigned long sent = 0, pending = 9;
  ck_assert_int_eq(station_outbox_flush(db, &centre, &sent, &pending), STATION_OK);
  ck_assert_uint_eq(sent, 1);
  ck_assert_uint_eq(pending, 0);
  ck_assert_int_eq(rec.last.op, STATION_OUTBOX_REVOKE);
  ck_assert_int_eq(rec.last.kind, STATION_REV_BELOW);
  ck_assert_uint_eq(rec.last.generation, 1);
  ck_assert_str_eq(rec.last.reason, "lost");
  put_card(sim, "honour-blank");
  rc = station_issue(db, app2, &io, &out, why, sizeof why);
  ck_assert_msg(rc == STATION_OK, "reissue: %s: %s", station_errname(rc), why);
  ck_assert_str_eq(out.card_no, card_no);
  ck_assert_uint_eq(out.generation, 1);
  read_back(ctx, card_no, 1);
  ck_assert_int_eq(station_card_revoked(db, card_no, 1, &revoked, NULL), STATION_OK);
  ck_assert_int_eq(revoked, 0);

  /* Misuse: lent. Every generation revoked; a new card needs an override. */
  ck_assert_int_eq(station_revoke(db, card_no, STATION_REVOKE_LENT, "staff02", today, &centre,
                                  why, sizeof why), STATION_OK);
  ck_assert_int_eq(rec.last.kind, STATION_REV_BELOW);
  ck_assert_uint_eq(rec.last.generation, 2);
  ck_assert_int_eq(station_card_revoked(db, card_no, 1, &revoked, &reason), STATION_OK);
  ck_assert_int_eq(revoked, 1);
  ck_assert_int_eq(reason, STATION_REVOKE_LENT);
  ck_assert_int_eq(station_revoke(db, card_no, STATION_REVOKE_LOST, "staff02", today, NULL, why,
                                  sizeof why), STATION_E_NOT_FOUND);
  r.override = NULL;
  ck_assert_int_eq(station_reissue_apply(db, &r, &centre, &app2, why, sizeof why),
                   STATION_E_OVERRIDE_REQUIRED);
  /* A holder who had a card never gets a free first card again. */
  ck_assert_int_eq(station_apply(db, &a, &app2, why, sizeof why), STATION_E_EXISTS);
  struct station_override ov = {"chief01", "lent once to a relative; warned in writing"};
  r.override = &ov;
  ck_assert_int_eq(station_reissue_apply(db, &r, &centre, &app2, why, sizeof why), STATION_OK);
  put_card(sim, "honour-blank");
  rc = station_issue(db, app2, &io, &out, why, sizeof why);
  ck_assert_msg(rc == STATION_OK, "after override: %s: %s", station_errname(rc), why);
  ck_assert_uint_eq(out.generation, 2);
  read_back(ctx, card_no, 2);

  /* Reported lost first (revoke), replaced later (reissue, no live card left). */
  ck_assert_int_eq(station_revoke(db, card_no, STATION_REVOKE_LOST, "staff01", today, &centre,
                                  why, sizeof why), STATION_OK);
  ck_assert_int_eq(rec.last.kind, STATION_REV_EXACT);
  ck_assert_uint_eq(rec.last.generation, 2);
  r.override = NULL;
  r.fee_cents = 2500;
  ck_assert_int_eq(station_reissue_apply(db, &r, &centre, &app2, why, sizeof why), STATION_OK);
  put_card(sim, "honour-blank");
  rc = station_issue(db, app2, &io, &out, why, sizeof why);
  ck_assert_msg(rc == STATION_OK, "after lost: %s: %s", station_errname(rc), why);
  ck_assert_uint_eq(out.generation, 3);
  read_back(ctx, card_no, 3);

  cardio_ctx_destroy(ctx);
  cardsim_destroy(sim);
  station_pcsc_writer_destroy(w);
  station_db_close(db);
  free(jpeg);
  free(bad);
}
END_TEST

/* `centre-admin card show CARD` on the test's centre: its output (CSV) into out. */
static void centre_show(const char *card_no, char *out, size_t cap)
{
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "'%s' --config '%s' card show %s 2>&1", STATION_TEST_CENTRE_ADMIN,
           st_path("centre.conf"), card_no);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t n = fread(out, 1, cap - 1, p);
  out[n] = '\0';
  ck_assert_int_eq(pclose(p), 0);
}

/* The real centre tool: the registration and the revocation reach the centre's store
 * through centre-admin. */
START_TEST(test_real_centre_admin)
{
  int32_t today = station_date_today();
  struct station_db *db = setup(today);
  char why[300], conf[2048];
  struct cardio_key *sign;
  ck_assert_int_eq(cardio_key_generate(CARDIO_SUITE_P256, &sign), CARDIO_OK);
  ck_assert_int_eq(cardio_key_save_private_pem(sign, st_path("sign.key.pem")), CARDIO_OK);
  cardio_key_destroy(sign);
  snprintf(conf, sizeof conf,
           "[tls]\ncert = %s/tls/server-centre.pem\nkey = %s/tls/server-centre.key.pem\n"
           "ca = %s/tls/ca.pem\n[store]\ndb = %s\n[signing]\nkey = %s\n",
           pki_dir, pki_dir, pki_dir, st_path("centre.db"), st_path("sign.key.pem"));
  st_write(st_path("centre.conf"), conf, -1);
  /* st_path() reuses its buffers: the adapter keeps a pointer, so keep a copy. */
  static char conf_path[600];
  snprintf(conf_path, sizeof conf_path, "%s", st_path("centre.conf"));
  struct station_centre_admin admin = {STATION_TEST_CENTRE_ADMIN, conf_path};
  struct station_centre centre;
  station_centre_admin_init(&admin, &centre);

  make_photo(st_path("photo.png"), 250);
  uint8_t *jpeg = NULL;
  size_t jlen = 0;
  ck_assert_int_eq(station_photo_prepare(st_path("photo.png"), NULL, &jpeg, &jlen, NULL, why,
                                         sizeof why), STATION_OK);
  struct station_application a = {idno, "张三明", jpeg, jlen, today, NULL};
  int64_t app;
  ck_assert_int_eq(station_apply(db, &a, &app, why, sizeof why), STATION_OK);
  struct station_pcsc_writer *w;
  struct station_card_writer writer;
  ck_assert_int_eq(station_pcsc_writer_create(reader, pki_dir, "sm2", &w, why, sizeof why),
                   STATION_OK);
  station_pcsc_writer_ops(w, &writer);
  struct cardsim *sim;
  ck_assert_int_eq(cardsim_create(NULL, yh_vpcd_port(), &sim), 0);
  put_card(sim, "honour-blank");
  struct station_issue_opts io = {0, today, 0, &writer, &centre, "staff01"};
  struct station_issued out;
  int rc = station_issue(db, app, &io, &out, why, sizeof why);
  ck_assert_msg(rc == STATION_OK, "issue: %s: %s", station_errname(rc), why);
  ck_assert_msg(out.registered == 1, "registration: %s", out.centre_why);
  ck_assert_str_eq(out.centre_why, "registered");
  ck_assert(strncmp(out.card_no + 6, "00", 2) == 0);
  /* The centre has generation 0, active, with what the card carries and nothing
   * personal (no name, no ID number). */
  char shown[1024], want[256];
  centre_show(out.card_no, shown, sizeof shown);
  ck_assert_ptr_nonnull(strstr(shown, "generation,state,award,level,round,issued,not_after,"
                                      "issuer,registered_at\n"));
  char issued[16];
  station_date_format(today, issued, sizeof issued);
  snprintf(want, sizeof want, "\n0,active,donor_star,3,");
  ck_assert_msg(strstr(shown, want) != NULL, "card show: %s", shown);
  snprintf(want, sizeof want, ",%s,", issued);
  ck_assert_msg(strstr(shown, want) != NULL, "card show (issued): %s", shown);
  ck_assert_ptr_null(strstr(shown, "张"));
  ck_assert_ptr_null(strstr(shown, idno));

  rc = station_revoke(db, out.card_no, STATION_REVOKE_DAMAGED, "staff01", today, &centre, why,
                      sizeof why);
  ck_assert_msg(rc == STATION_OK, "revoke: %s", why);
  ck_assert_ptr_nonnull(strstr(why, "revocation list version"));
  /* The centre's store has the card, exact generation 0, reason damaged. */
  sqlite3 *h;
  sqlite3_stmt *st;
  ck_assert_int_eq(sqlite3_open(st_path("centre.db"), &h), SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT c.generation, c.kind, c.reason FROM card_changes c"
                                         " WHERE c.card_no = ?1 AND c.op = 1", -1, &st, NULL),
                   SQLITE_OK);
  sqlite3_bind_text(st, 1, out.card_no, -1, SQLITE_STATIC);
  ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
  ck_assert_int_eq(sqlite3_column_int(st, 0), 0);
  ck_assert_int_eq(sqlite3_column_int(st, 1), 1);
  ck_assert_str_eq((const char *)sqlite3_column_text(st, 2), "damaged");
  sqlite3_finalize(st);
  sqlite3_close(h);
  /* The centre's card follows its revocation list. */
  centre_show(out.card_no, shown, sizeof shown);
  ck_assert_msg(strstr(shown, "\n0,revoked,donor_star,3,") != NULL, "after revoke: %s", shown);
  /* Nothing is left in the outbox. */
  unsigned long sent = 9, pending = 9;
  ck_assert_int_eq(station_outbox_flush(db, &centre, &sent, &pending), STATION_OK);
  ck_assert_uint_eq(sent, 0);
  ck_assert_uint_eq(pending, 0);
  /* Sending the registration again (a reply lost after the centre took it) is fine. */
  struct station_outbox_item again;
  memset(&again, 0, sizeof again);
  ck_assert_int_eq(station_outbox_list(db, 1, first_register, &again), 1);
  ck_assert_int_eq(again.op, STATION_OUTBOX_REGISTER);
  rc = centre.send(centre.ctx, &again, why, sizeof why);
  ck_assert_msg(rc == STATION_OK, "again: %s", why);
  ck_assert_ptr_nonnull(strstr(why, "no change"));
  /* A registration without its issuer key id (a card issued before the station kept
   * it) is not sent: it stays queued. */
  again.issuer_key_id[0] = '\0';
  ck_assert_int_eq(centre.send(centre.ctx, &again, why, sizeof why), STATION_E_UNAVAILABLE);

  cardsim_destroy(sim);
  station_pcsc_writer_destroy(w);
  station_db_close(db);
  free(jpeg);
}
END_TEST

/* The issuer key generated inside a PKCS#11 token (SoftHSM2 with a private
 * configuration) by yhpki, the card issued through pcscd and the simulator with the
 * token signing, read back as a terminal does; then the award withdrawn: the card is
 * revoked through the ordinary path. */
START_TEST(test_token_issue_then_withdraw)
{
  int32_t today = station_date_today();
  struct station_db *db = setup(today);
  char why[300], cmd[1400];
  const char *module = "/usr/lib/softhsm/libsofthsm2.so";
  ck_assert_int_eq(mkdir(st_path("tokens"), 0700), 0);
  char conf[600];
  snprintf(conf, sizeof conf, "%s", st_path("softhsm2.conf"));
  snprintf(cmd, sizeof cmd, "directories.tokendir = %s\nobjectstore.backend = file\n"
                            "log.level = ERROR\n", st_path("tokens"));
  st_write(conf, cmd, -1);
  ck_assert_int_eq(setenv("SOFTHSM2_CONF", conf, 1), 0);
  snprintf(cmd, sizeof cmd, "softhsm2-util --init-token --free --label yh-test --pin 246810 "
                            "--so-pin 13579111 > /dev/null");
  ck_assert_int_eq(system(cmd), 0);
  struct yhpki_validity v = {0, 365};
  ck_assert_int_eq(yhpki_new_issuer_token(pki_dir, "tok", module, "yh-test", "246810", &v),
                   CARDIO_OK);
  ck_assert_int_eq(setenv("STATION_PKCS11_MODULE", module, 1), 0);
  ck_assert_int_eq(setenv("STATION_TOKEN_PIN", "246810", 1), 0);

  uint8_t *jpeg = NULL;
  size_t jlen = 0;
  int q = 0;
  make_photo(st_path("photo.png"), 250);
  ck_assert_int_eq(station_photo_prepare(st_path("photo.png"), NULL, &jpeg, &jlen, &q, why,
                                         sizeof why), STATION_OK);
  struct station_application a = {idno, "张三明", jpeg, jlen, today, NULL};
  int64_t app;
  ck_assert_int_eq(station_apply(db, &a, &app, why, sizeof why), STATION_OK);

  struct station_pcsc_writer *w, *wfile;
  struct station_card_writer writer, wf;
  /* A wrong PIN or a missing object: refused when the writer is made. */
  ck_assert_int_eq(station_pcsc_writer_create(reader, pki_dir,
                                              "pkcs11:token=yh-test;object=issuer-none;"
                                              "type=private", &w, why, sizeof why),
                   STATION_E_CARD);
  ck_assert_msg(station_pcsc_writer_create(reader, pki_dir,
                                           "pkcs11:token=yh-test;object=issuer-tok;type=private",
                                           &w, why, sizeof why) == STATION_OK, "%s", why);
  station_pcsc_writer_ops(w, &writer);
  ck_assert_int_eq(station_pcsc_writer_create(reader, pki_dir, "p256", &wfile, why, sizeof why),
                   STATION_OK);
  station_pcsc_writer_ops(wfile, &wf);
  char kid_token[STATION_ISSUER_KEYID_HEX + 1], kid_file[STATION_ISSUER_KEYID_HEX + 1];
  ck_assert_int_eq(writer.issuer_key_id(writer.ctx, kid_token), STATION_OK);
  ck_assert_int_eq(wf.issuer_key_id(wf.ctx, kid_file), STATION_OK);
  ck_assert_str_ne(kid_token, kid_file);

  struct recorder rec = {0};
  struct station_centre centre = {rec_send, &rec};
  struct station_issue_opts io = {2, today, 0, &writer, &centre, "staff01"};
  struct station_issued out;
  struct cardsim *sim;
  ck_assert_int_eq(cardsim_create(NULL, yh_vpcd_port(), &sim), 0);
  put_card(sim, "honour-blank");
  int rc = station_issue(db, app, &io, &out, why, sizeof why);
  ck_assert_msg(rc == STATION_OK, "issue with the token key: %s: %s", station_errname(rc), why);
  ck_assert_str_eq(rec.last.issuer_key_id, kid_token);
  struct cardio_ctx *ctx;
  ck_assert_int_eq(cardio_ctx_create(&ctx), CARDIO_OK);
  read_back(ctx, out.card_no, 0);

  /* Withdrawn after the award: the card is revoked here and queued for the centre. */
  int64_t person;
  int revoked = 0;
  ck_assert_int_eq(station_card_person(db, out.card_no, &person), STATION_OK);
  ck_assert_int_eq(station_round_strike(db, "R1", person, COMMON_AWARD_DONOR_STAR, "lead1",
                                        "award withdrawn", today, &centre, why, sizeof why),
                   STATION_OK);
  ck_assert_int_eq(station_card_revoked(db, out.card_no, 0, &revoked, NULL), STATION_OK);
  ck_assert_int_eq(revoked, 1);
  ck_assert_int_eq(rec.revoked, 1);

  cardio_ctx_destroy(ctx);
  cardsim_destroy(sim);
  station_pcsc_writer_destroy(w);
  station_pcsc_writer_destroy(wfile);
  free(jpeg);
  station_db_close(db);
}
END_TEST

START_TEST(test_not_eligible)
{
  int32_t today = station_date_today();
  struct station_db *db = setup(today);
  char why[256], other[19];
  uint8_t photo[4] = {0xFF, 0xD8, 0xFF, 0xD9};
  int64_t app;
  st_idno("45092119750512002", other);
  struct station_application a = {other, "李四", photo, sizeof photo, today, NULL};
  ck_assert_int_eq(station_apply(db, &a, &app, why, sizeof why), STATION_E_NOT_FOUND);
  station_db_close(db);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("station.cards");
  TCase *tc = tcase_create("cards");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, test_issue_reissue_revoke);
  tcase_add_test(tc, test_real_centre_admin);
  tcase_add_test(tc, test_not_eligible);
  tcase_add_test(tc, test_token_issue_then_withdraw);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
