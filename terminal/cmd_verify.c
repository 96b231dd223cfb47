/*
 * `kiosk verify`: one tap, as `kiosk run` takes it (tap.c: the honour card read with
 * retries, its photo, "not an honour card" told apart), then the holder match from a
 * social security card or an ID number typed on stdin, the decision and the journal
 * through the terminal, the verdict printed as JSON. A card that is not an honour card
 * (no application, blank stock) is no decision and no journal record, as on the
 * terminal's screen. No ID number or name is printed or stored: the ID number only
 * reaches the holder match and is wiped after.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cardio/cardio.h>
#include <cardio/crypto.h>
#include <cardio/honour.h>

#include <common/award.h>

#include "cmd.h"
#include "kiosk/terminal.h"
#include "tap.h"

static const char help_verify[] =
    "usage: kiosk verify [--config FILE] [--reader NAME] [--timeout MS] [--time T]\n"
    "                    [--ssc-reader NAME | --id-stdin]\n"
    "                    [--confirm-holder] [--accept-repeat] [--override] [--staff-id ID]\n"
    "                    [--visit outpatient|inpatient] [--bill REF] [--amount FEN]\n"
    "\n"
    "Wait up to MS milliseconds (default 10000) for a card in the configured reader\n"
    "(or NAME), read and verify the honour card against the trust store, decide for the\n"
    "configured site and mode, journal the outcome, print it as JSON.\n"
    "\n"
    "  --ssc-reader NAME  read the holder's social security card in reader NAME and match\n"
    "                     its ID number against the honour card (cashier)\n"
    "  --id-stdin         staff type the holder's ID number on standard input instead\n"
    "  --confirm-holder   staff compared the ID card and photo with the holder (gate)\n"
    "  --accept-repeat    staff accept a repeat use at this gate\n"
    "  --override         staff grant although the journal cannot be written\n"
    "  --staff-id ID      who confirms (default: the configuration's staff_id)\n"
    "  --time T           decide as of Unix time T (tests and demos)\n"
    "Exit 0 when a verdict was printed (whatever it is), 2 on configuration errors,\n"
    "3 when no card could be read or the card is not an honour card (nothing printed on\n"
    "standard output, nothing journaled).\n";

/* Staff type the holder's ID number on stdin; it is matched, then wiped. */
static enum kiosk_holder typed_match(const struct term_card *card)
{
  char line[64];
  enum kiosk_holder h = KIOSK_HOLDER_NOT_PRESENTED;
  if (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = '\0';
    h = term_tap_typed(card, line);
  }
  cardio_cleanse(line, sizeof line);
  return h;
}

static json_t *card_json(const struct term_card *card)
{
  const struct cardio_hc_result *res = &card->res;
  const struct kiosk_card_facts *f = &card->facts;
  json_t *c = json_object();
  json_object_set_new(c, "card_no", json_string(f->card_no));
  json_object_set_new(c, "generation", json_integer(f->generation));
  const struct common_award_info *aw = common_award_info((int)f->award);
  json_object_set_new(c, "award", json_string(aw ? aw->en : "?"));
  /* the title only for an award that carries the card (common's table) */
  int a = (int)res->rec.award;
  unsigned lv = res->rec.award_level;
  json_object_set_new(c, "award_zh",
                      json_string(res->have_record && common_award_carries_card(a, lv)
                                      ? common_award_title_zh(a, lv)
                                      : ""));
  json_object_set_new(c, "level", json_integer(f->award_level));
  json_t *checks = json_object();
  for (int i = 0; i < CARDIO_HC_CHECK_COUNT; i++) {
    json_t *k = json_object();
    json_object_set_new(k, "status", json_string(cardio_hc_status_name(res->check[i].status)));
    json_object_set_new(k, "reason", json_string(cardio_hc_reason_name(res->check[i].reason)));
    json_object_set_new(checks, cardio_hc_check_name((enum cardio_hc_check)i), k);
  }
  json_object_set_new(c, "checks", checks);
  json_object_set_new(c, "photo", json_boolean(card->photo != NULL));
  return c;
}

int term_cmd_verify(struct term_args *a)
{
  const char *cfgpath = NULL, *reader = NULL, *ssc_reader = NULL, *staff_id = NULL;
  const char *bill = NULL, *v;
  int timeout = 10000, id_stdin = 0;
  int64_t now = (int64_t)time(NULL), amount = 0;
  unsigned staff = 0;
  enum kiosk_visit visit = KIOSK_VISIT_NONE;
  for (; a->i < a->argc; a->i++) {
    if (term_arg_is_help(a)) {
      fputs(help_verify, stdout);
      return 0;
    } else if ((v = term_arg_value(a, "--config"))) {
      cfgpath = v;
    } else if ((v = term_arg_value(a, "--reader"))) {
      reader = v;
    } else if ((v = term_arg_value(a, "--ssc-reader"))) {
      ssc_reader = v;
    } else if ((v = term_arg_value(a, "--staff-id"))) {
      staff_id = v;
    } else if ((v = term_arg_value(a, "--bill"))) {
      bill = v;
    } else if ((v = term_arg_value(a, "--timeout"))) {
      timeout = (int)term_arg_number(a, "--timeout", v, 0, 3600000);
    } else if ((v = term_arg_value(a, "--time"))) {
      now = term_arg_number(a, "--time", v, INT64_MIN / 2, INT64_MAX / 2);
    } else if ((v = term_arg_value(a, "--amount"))) {
      amount = term_arg_number(a, "--amount", v, 0, INT64_C(100000000000));
    } else if ((v = term_arg_value(a, "--visit"))) {
      if (strcmp(v, "outpatient") == 0)
        visit = KIOSK_VISIT_OUTPATIENT;
      else if (strcmp(v, "inpatient") == 0)
        visit = KIOSK_VISIT_INPATIENT;
      else
        term_usage(a, "--visit: expected outpatient or inpatient, got '%s'", v);
    } else if (term_arg_flag(a, "--id-stdin")) {
      id_stdin = 1;
    } else if (term_arg_flag(a, "--confirm-holder")) {
      staff |= KIOSK_STAFF_HOLDER_CONFIRMED;
    } else if (term_arg_flag(a, "--accept-repeat")) {
      staff |= KIOSK_STAFF_REPEAT_ACCEPTED;
    } else if (term_arg_flag(a, "--override")) {
      staff |= KIOSK_STAFF_OVERRIDE;
    } else {
      term_usage_error(a);
    }
  }

  struct kiosk_config cfg;
  term_load_config(cfgpath, 0, &cfg);
  struct kiosk_diag d;
  memset(&d, 0, sizeof d);
  char msg[600];
  struct kiosk_terminal *t;
  if (kiosk_terminal_open(&cfg, &t, &d) != KIOSK_OK) {
    fprintf(stderr, "kiosk: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    return TERM_EXIT_RUNTIME;
  }
  int rc = TERM_EXIT_RUNTIME;
  struct term_tap *tap = NULL;
  struct term_card card;
  memset(&card, 0, sizeof card);
  /* the photo as `kiosk run` reads it: everywhere but on a bus */
  if (term_tap_create(cfg.trust_dir, cfg.mode != KIOSK_MODE_BUS, cfg.card_deadline_ms, &tap,
                      msg, sizeof msg) != 0) {
    fprintf(stderr, "kiosk verify: %s\n", msg);
    rc = TERM_EXIT_RUNTIME;
    goto out_close;
  }
  const char *rdr = reader ? reader : cfg.reader;
  int err = term_tap_wait(tap, rdr, timeout);
  if (err != CARDIO_OK) {
    fprintf(stderr, "kiosk verify: reader \"%s\": %s\n", rdr, cardio_strerror(err));
    goto out_close;
  }
  term_tap_read(tap, rdr, now, &card);
  if (card.kind == TERM_TAP_NOT_HONOUR) {
    fprintf(stderr, "kiosk verify: not an honour card (%s): nothing decided, nothing "
                    "journaled\n", card.error_key);
    goto out_close;
  }
  if (card.kind == TERM_TAP_READ_ERROR) {
    fprintf(stderr, "kiosk verify: reading the card: %s (%s)\n", cardio_strerror(card.err),
            card.error_key);
    goto out_close;
  }
  enum kiosk_holder holder = KIOSK_HOLDER_NOT_PRESENTED;
  if (ssc_reader) {
    char id_masked[32];
    if (term_tap_ssc(tap, ssc_reader, &card, &holder, id_masked, sizeof id_masked) != 1)
      fprintf(stderr, "kiosk verify: no social security card read in \"%s\"\n", ssc_reader);
  } else if (id_stdin) {
    holder = typed_match(&card);
  }

  struct kiosk_input in;
  memset(&in, 0, sizeof in);
  in.card = &card.facts;
  in.holder = holder;
  in.staff = staff;
  in.staff_id = staff_id;
  in.visit = visit;
  in.bill_ref = bill;
  in.amount_fen = amount;
  struct kiosk_outcome out;
  kiosk_terminal_decide(t, &in, now, &out);

  json_t *o = term_verdict_json(&out.verdict);
  json_object_set_new(o, "card", card_json(&card));
  json_object_set_new(o, "holder", json_string(kiosk_holder_name(holder)));
  json_object_set_new(o, "site", json_string(cfg.site_id));
  json_object_set_new(o, "mode", json_string(kiosk_mode_name(cfg.mode)));
  json_object_set_new(o, "terminal", json_string(cfg.terminal_id));
  json_object_set_new(o, "time", json_integer((json_int_t)now));
  json_t *jr = json_object();
  json_object_set_new(jr, "journaled", json_boolean(out.journaled));
  json_object_set_new(jr, "seq", json_integer((json_int_t)out.seq));
  json_object_set_new(jr, "queued", json_boolean(out.queued));
  json_object_set_new(o, "journal", jr);
  json_t *rv = json_object();
  json_object_set_new(rv, "status", json_string(out.revocation.status == KIOSK_REV_REVOKED ? "revoked"
                                                : out.revocation.status == KIOSK_REV_NOT_LISTED
                                                    ? "not_listed"
                                                    : "no_list"));
  json_object_set_new(rv, "version", json_integer((json_int_t)out.revocation.version));
  json_object_set_new(rv, "issued_at", json_integer((json_int_t)out.revocation.issued_at));
  json_object_set_new(o, "revocation", rv);
  term_print_json(o);
  json_decref(o);
  rc = 0;
out_close:
  term_card_clear(&card);
  term_tap_destroy(tap);
  kiosk_terminal_close(t);
  return rc;
}
