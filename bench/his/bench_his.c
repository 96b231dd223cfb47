/*
 * bench_his: what the HIS API adds, host side, to a cashier's decision.
 *
 *   keyboard  the decision as the keyboard flow makes it: kiosk_terminal_decide (tariff,
 *             bill index, the durable journal append) on the holder's card facts, the
 *             visit kind and the bill staff typed, on a cashier terminal with a journal
 *             and a tariff in a temporary directory;
 *   HIS       the same decision reached from a HIS request: the bearer token checked
 *             (SHA-256 + constant-time compare, as terminal/his.c), the body parsed by
 *             term_his_parse_create (strict JSON, bill rule), the same kiosk_terminal_decide,
 *             and the answer built and serialised with every reason's zh/en text (as
 *             his.c's waiver object);
 * alternately, so that both see the same journal size and disk, and prints HIS/keyboard;
 * then the same two without the journal (kiosk_decide alone), where the HIS layer's own
 * cost shows. Not in either: the card I/O and the holder (seconds, the same on both
 * paths), the loopback socket and the thread hand-over (measured only as a pass/fail
 * path by tests/terminal/test_his_card.c, never timed on a shared machine).
 *
 *   bench_his [--seconds S] [--decisions N]   (engine: S seconds per side, default 1;
 *                                              journal: N decisions per side, default 200)
 *
 * Prints figures; never fails on a timing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "his_req.h"
#include "kiosk/config.h"
#include "kiosk/decide.h"
#include "kiosk/terminal.h"

static double now_s(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static volatile uint64_t sink;

static void setup(struct kiosk_policy *p, struct kiosk_card_facts *c, struct kiosk_request *r)
{
  memset(p, 0, sizeof *p);
  kiosk_parse_date("2018-12-27", &p->start_day);
  kiosk_parse_date("2099-01-01", &p->end_day);
  p->utc_offset_s = 8 * 3600;
  p->revlist_max_age_s = 72 * 3600;
  p->stale = KIOSK_STALE_WARN;
  p->cashier_max_fen = 10000;
  memset(c, 0, sizeof *c);
  snprintf(c->card_no, sizeof c->card_no, "YL2019-000123");
  c->award = KIOSK_AWARD_DONOR_STAR;
  c->award_level = 3;
  for (int i = 0; i < KIOSK_CHECK_COUNT; i++)
    c->check[i] = KIOSK_CHECK_OK;
  memset(r, 0, sizeof *r);
  r->card = c;
  r->mode = KIOSK_MODE_CASHIER;
  r->site_modes = 0x1E;
  r->now = 1764654000;
  r->holder = KIOSK_HOLDER_SSC_MATCHED;
  r->staff_id = "S01";
  r->revocation.status = KIOSK_REV_NOT_LISTED;
  r->revocation.issued_at = r->now - 3600;
  r->recent.known = 1;
  r->amount_fen = 1200;
  r->journal_writable = 1;
  r->override_queue_room = 1;
}

static json_t *reasons_json(uint64_t bits)
{
  json_t *a = json_array();
  for (int i = 0; i < KIOSK_R_COUNT; i++)
    if (bits & (UINT64_C(1) << (unsigned)i))
      json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "code", kiosk_reason_name(i), "en",
                                         kiosk_reason_en(i), "zh", kiosk_reason_zh(i)));
  return a;
}

/* The whole decision path of a cashier terminal, journal and all, both ways alternately. */
static int bench_terminal(long decisions, const uint8_t want[SHA256_DIGEST_LENGTH],
                          const char *token)
{
  char dir[] = "/tmp/bench-his-XXXXXX", path[400], cmd[450];
  if (!mkdtemp(dir))
    return 1;
  snprintf(path, sizeof path, "%s/trust", dir);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/journal.db.tariff", dir);
  FILE *f = fopen(path, "w");
  if (!f)
    return 1;
  fprintf(f, "[tariff]\nformat = yh-tariff/1\nsite = hosp.yl-first-people\nversion = 1\n"
             "issued = 2026-12-01\n\n[item.1]\nvisit = outpatient\nfee_fen = 1200\n"
             "from = 2020-01-01\n");
  fclose(f);
  static const char conf[] =
      "[terminal]\nsite = hosp.yl-first-people\nmode = cashier\nterminal_id = c1\n"
      "staff_id = S01\n[paths]\ntrust_store = trust\njournal = journal.db\n"
      "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-01-01\nrevocation_never = warn\n";
  snprintf(path, sizeof path, "%s/kiosk.ini", dir);
  setenv("YH_SITES", YH_SOURCE_DIR "/assets/sites.ini", 0);
  struct kiosk_config cfg;
  struct kiosk_diag d;
  memset(&d, 0, sizeof d);
  struct kiosk_terminal *t = NULL;
  char msg[600];
  if (kiosk_config_parse(conf, sizeof conf - 1, path, NULL, 0, &cfg, &d) != KIOSK_OK ||
      kiosk_terminal_open(&cfg, &t, &d) != KIOSK_OK) {
    fprintf(stderr, "bench_his: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    return 1;
  }
  struct kiosk_card_facts c;
  memset(&c, 0, sizeof c);
  snprintf(c.card_no, sizeof c.card_no, "YL20190000000184");
  c.award = KIOSK_AWARD_DONOR_STAR;
  c.award_level = 3;
  for (int i = 0; i < KIOSK_CHECK_COUNT; i++)
    c.check[i] = KIOSK_CHECK_OK;
  double tk = 0, th = 0;
  long grants = 0;
  int64_t now = (int64_t)time(NULL);
  for (long n = 0; n < decisions; n++) {
    /* keyboard */
    char bill[64];
    snprintf(bill, sizeof bill, "MZ-K-%ld", n);
    struct kiosk_input in;
    memset(&in, 0, sizeof in);
    in.card = &c;
    in.holder = KIOSK_HOLDER_SSC_MATCHED;
    in.staff_id = "S01";
    in.visit = KIOSK_VISIT_OUTPATIENT;
    in.bill_ref = bill;
    struct kiosk_outcome out;
    double t0 = now_s();
    kiosk_terminal_decide(t, &in, now, &out);
    tk += now_s() - t0;
    grants += out.verdict.verdict == KIOSK_VERDICT_GRANT && out.journaled;
    if (n == 0 && !(out.verdict.verdict == KIOSK_VERDICT_GRANT && out.journaled))
      for (int r = 0; r < KIOSK_R_COUNT; r++)
        if (out.verdict.reasons & (UINT64_C(1) << (unsigned)r))
          fprintf(stderr, "bench_his: not a journaled grant: %s\n", kiosk_reason_name(r));
    /* HIS */
    t0 = now_s();
    uint8_t got[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)token, strlen(token), got);
    if (CRYPTO_memcmp(got, want, sizeof got) != 0)
      abort();
    char body[200], why[200];
    int len = snprintf(body, sizeof body,
                       "{\"bill\":\"MZ-H-%ld\",\"visit\":\"outpatient\","
                       "\"fee_item\":\"consultation\"}",
                       n);
    struct term_his_create q;
    if (term_his_parse_create(body, (size_t)len, &q, why, sizeof why) != 0)
      abort();
    in.visit = (enum kiosk_visit)q.visit;
    in.bill_ref = q.bill;
    kiosk_terminal_decide(t, &in, now, &out);
    json_t *o = json_pack("{s:I, s:s, s:{s:I, s:s, s:o, s:I, s:s, s:s, s:s, s:s}}", "request_id",
                          (json_int_t)n, "state", "done", "waiver", "waiver_id",
                          (json_int_t)out.seq, "verdict", kiosk_verdict_name(out.verdict.verdict),
                          "reasons", reasons_json(out.verdict.reasons), "amount_fen",
                          (json_int_t)out.tariff_fen, "bill", q.bill, "visit", "outpatient",
                          "fee_item", q.fee_item, "staff_id", "S01");
    char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    free(text);
    json_decref(o);
    th += now_s() - t0;
    grants += out.verdict.verdict == KIOSK_VERDICT_GRANT && out.journaled;
  }
  kiosk_terminal_close(t);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0)
    fprintf(stderr, "bench_his: could not remove %s\n", dir);
  double ck = tk / (double)decisions * 1e6, ch = th / (double)decisions * 1e6;
  printf("cashier terminal, journaled (%ld decisions each way, %ld journaled grants of %ld):\n",
         decisions, grants, 2 * decisions);
  printf("  keyboard: %.1f us per decision\n", ck);
  printf("  HIS:      %.1f us per request\n", ch);
  printf("  HIS/keyboard: %.2f (the HIS layer adds %.1f us per waiver, host side)\n", ch / ck,
         ch - ck);
  return grants == 2 * decisions ? 0 : 1;
}

int main(int argc, char **argv)
{
  double seconds = 1.0;
  long decisions = 200;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
      seconds = atof(argv[++i]);
    else if (strcmp(argv[i], "--decisions") == 0 && i + 1 < argc)
      decisions = atol(argv[++i]);
    else {
      fprintf(stderr, "usage: bench_his [--seconds S] [--decisions N]\n");
      return 2;
    }
  if (decisions < 1)
    decisions = 1;
  struct kiosk_policy p;
  struct kiosk_card_facts c;
  struct kiosk_request r;
  setup(&p, &c, &r);

  /* keyboard: the visit key and the typed bill, then the decision */
  uint64_t nk = 0;
  double t0 = now_s(), tk;
  do {
    for (int i = 0; i < 1000; i++, nk++) {
      char bill[64];
      snprintf(bill, sizeof bill, "MZ2026/12/01-%llu", (unsigned long long)nk);
      r.visit = KIOSK_VISIT_OUTPATIENT;
      r.bill_ref = bill;
      r.now++;
      struct kiosk_verdict v;
      kiosk_decide(&p, &r, &v);
      sink += v.reasons + (uint64_t)v.verdict;
    }
    tk = now_s() - t0;
  } while (tk < seconds);

  /* HIS: token, body, the same decision, the answer */
  static const char token[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  uint8_t want[SHA256_DIGEST_LENGTH];
  SHA256((const unsigned char *)token, sizeof token - 1, want);
  uint64_t nh = 0, bytes = 0;
  t0 = now_s();
  double th;
  do {
    for (int i = 0; i < 1000; i++, nh++) {
      uint8_t got[SHA256_DIGEST_LENGTH];
      SHA256((const unsigned char *)token, sizeof token - 1, got);
      if (CRYPTO_memcmp(got, want, sizeof got) != 0)
        abort();
      char body[200], why[200];
      int n = snprintf(body, sizeof body,
                       "{\"bill\":\"MZ2026/12/01-%llu\",\"visit\":\"outpatient\","
                       "\"fee_item\":\"consultation\"}",
                       (unsigned long long)nh);
      struct term_his_create q;
      if (term_his_parse_create(body, (size_t)n, &q, why, sizeof why) != 0)
        abort();
      r.visit = (enum kiosk_visit)q.visit;
      r.bill_ref = q.bill;
      r.now++;
      struct kiosk_verdict v;
      kiosk_decide(&p, &r, &v);
      json_t *o = json_pack("{s:I, s:s, s:{s:I, s:s, s:o, s:I, s:s, s:s, s:s, s:s}}",
                            "request_id", (json_int_t)nh, "state", "done", "waiver",
                            "waiver_id", (json_int_t)nh, "verdict", kiosk_verdict_name(v.verdict),
                            "reasons", reasons_json(v.reasons), "amount_fen",
                            (json_int_t)r.amount_fen, "bill", q.bill, "visit", "outpatient",
                            "fee_item", q.fee_item, "staff_id", "S01");
      char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
      bytes += strlen(text);
      free(text);
      json_decref(o);
      sink += v.reasons;
    }
    th = now_s() - t0;
  } while (th < seconds);

  double ck = tk / (double)nk * 1e9, ch = th / (double)nh * 1e9;
  printf("engine alone (no journal):\n");
  printf("  keyboard: %.0f decisions/s (%.0f ns each, %llu)\n", (double)nk / tk, ck,
         (unsigned long long)nk);
  printf("  HIS:      %.0f requests/s (%.0f ns each, %llu; answer %llu bytes on average)\n",
         (double)nh / th, ch, (unsigned long long)nh, (unsigned long long)(bytes / nh));
  printf("  HIS/keyboard: %.2f (the HIS layer's own cost: %.1f us per waiver)\n", ch / ck,
         (ch - ck) / 1000.0);
  return bench_terminal(decisions, want, token);
}
