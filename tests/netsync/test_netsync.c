/*
 * netsync: backoff and reply parsers (tables), then loopback runs against the real
 * centre: an outage of simulated hours on an accelerated clock, the sync process killed
 * with -9 mid-sync, a clean stop while an upload hangs, the status the UI shows, and a
 * revocation made at the centre that reaches the terminal and makes kiosk's engine deny
 * that card offline.
 */
#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <event2/buffer.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/url.h"
#include "console.h"
#include "db.h"
#include "kiosk/decide.h"
#include "kiosk/revoke.h"
#include "netsync/netsync.h"
#include "netsync_int.h"
#include "synctest.h"

static char pki_dir[512];

static void fresh(struct synctest_centre *c, const char *tag)
{
  char dir[512], cmd[2600];
  ck_assert_int_eq(synctest_tmpdir(tag, dir, sizeof dir), 0);
  snprintf(cmd, sizeof cmd, "cp -p %s/*.pem %s/*.key %s/*.pub %s/", pki_dir, pki_dir, pki_dir, dir);
  ck_assert_int_eq(system(cmd), 0);
  synctest_centre_init(c, dir, "centre.db");
}

static void quiet(void *ctx, const char *line)
{
  (void)ctx;
  if (getenv("YH_TEST_VERBOSE"))
    fprintf(stderr, "netsync: %s\n", line);
}

static void sleep_ms(unsigned ms)
{
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

/* ---------------------------------------------------------------- units -- */

START_TEST(backoff_full_jitter)
{
  static const struct {
    unsigned attempt, base, cap;
    uint64_t ceiling;
  } rows[] = {
      {1, 1000, 300000, 1000},      {2, 1000, 300000, 2000},     {3, 1000, 300000, 4000},
      {9, 1000, 300000, 256000},    {10, 1000, 300000, 300000},  {64, 1000, 300000, 300000},
      {1000000, 1000, 300000, 300000}, {5, 1, 10, 10},           {1, 0, 10, 1},
  };
  uint64_t rng = 12345;
  for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
    uint64_t lo = UINT64_MAX, hi = 0, sum = 0;
    for (int i = 0; i < 4000; i++) {
      uint64_t d = netsync_backoff_ms(rows[r].attempt, rows[r].base, rows[r].cap, &rng);
      ck_assert_uint_le(d, rows[r].ceiling);
      lo = d < lo ? d : lo;
      hi = d > hi ? d : hi;
      sum += d;
    }
    /* Full jitter: spread over the whole range, mean near half the ceiling. */
    if (rows[r].ceiling >= 1000) {
      ck_assert_uint_lt(lo, rows[r].ceiling / 20);
      ck_assert_uint_gt(hi, rows[r].ceiling - rows[r].ceiling / 20);
      ck_assert_uint_gt(sum / 4000, rows[r].ceiling * 4 / 10);
      ck_assert_uint_lt(sum / 4000, rows[r].ceiling * 6 / 10);
    }
  }
}
END_TEST

START_TEST(reply_parsers)
{
  static const struct {
    const char *body;
    int ok;
  } receipts[] = {
      {"{\"receipt\":\"yh-receipt/1\",\"terminal\":\"T01\",\"acked_through\":5,\"head_hash\":"
       "\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\",\"received\":1,"
       "\"key_id\":\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}",
       1},
      {"{\"receipt\":\"yh-receipt/2\",\"terminal\":\"T01\",\"acked_through\":5}", 0},
      {"{\"receipt\":\"yh-receipt/1\",\"terminal\":\"T01\",\"acked_through\":-5,\"head_hash\":"
       "\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\",\"received\":1,"
       "\"key_id\":\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}",
       0},
      {"{\"receipt\":\"yh-receipt/1\",\"terminal\":\"T01\",\"acked_through\":5,\"head_hash\":"
       "\"00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff\",\"received\":1,"
       "\"key_id\":\"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\"}",
       0},
      {"[]", 0},
      {"", 0},
      {"{\"receipt\":\"yh-receipt/1\"", 0},
  };
  struct netsync_receipt r;
  struct netsync_error_reply e;
  struct netsync_doc d;
  for (size_t i = 0; i < sizeof receipts / sizeof receipts[0]; i++)
    ck_assert_msg((netsync_parse_receipt(receipts[i].body, strlen(receipts[i].body), &r) ==
                   NETSYNC_OK) == receipts[i].ok,
                  "receipt %zu", i);
  ck_assert_uint_eq(netsync_parse_receipt(receipts[0].body, strlen(receipts[0].body), &r), 0);
  ck_assert_uint_eq(r.acked_through, 5);
  ck_assert_str_eq(r.terminal, "T01");
  {
    static const char gap[] = "{\"error\":\"gap\",\"reason\":\"x\",\"expected_seq\":7}";
    ck_assert_int_eq(netsync_parse_error(gap, strlen(gap), &e), NETSYNC_OK);
  }
  ck_assert_str_eq(e.error, "gap");
  ck_assert_uint_eq(e.expected_seq, 7);
  ck_assert_int_eq(netsync_parse_error("{\"error\":7}", 11, &e), NETSYNC_E_BAD_REPLY);
  {
    static const char ok[] = "{\"doc\":\"config\",\"version\":2,\"issued\":1,\"content\":\"a=b\"}";
    static const char nul[] = "{\"doc\":\"config\",\"version\":2,\"issued\":1,"
                              "\"content\":\"a\\u0000b\"}";
    ck_assert_int_eq(netsync_parse_doc(ok, strlen(ok), &d), NETSYNC_OK);
    ck_assert_uint_eq(d.content_len, 3);
    ck_assert_uint_eq(d.version, 2);
    netsync_doc_free(&d);
    /* A NUL inside a document is refused (the parser is jansson without ALLOW_NUL). */
    ck_assert_int_eq(netsync_parse_doc(nul, strlen(nul), &d), NETSYNC_E_BAD_REPLY);
  }
  ck_assert_int_eq(netsync_parse_doc("{\"doc\":\"other\",\"version\":2,\"issued\":1,"
                                     "\"content\":\"\"}",
                                     53, &d),
                   NETSYNC_E_BAD_REPLY);
  ck_assert_int_eq(netsync_parse_doc("{\"doc\":\"trust\",\"version\":0,\"issued\":1,"
                                     "\"content\":\"\"}",
                                     53, &d),
                   NETSYNC_E_BAD_REPLY);
}
END_TEST

/* ---------------------------------------------------------- integration -- */

/* An accelerated clock: 1 real ms = 10 simulated seconds. */
#define SPEEDUP 10000u
static uint64_t fast_now(void *ctx)
{
  (void)ctx;
  return synctest_now_ms() * SPEEDUP;
}

struct trace_stats {
  uint64_t max_delay;
  unsigned lines;
};

static void trace_delays(void *ctx, const char *line)
{
  struct trace_stats *t = ctx;
  const char *p = strstr(line, "retry in ");
  t->lines++;
  if (p) {
    uint64_t d = strtoull(p + 9, NULL, 10);
    if (d > t->max_delay)
      t->max_delay = d;
  }
  quiet(NULL, line);
}

START_TEST(long_outage_on_simulated_clock)
{
  static const struct netsync_clock clock = {fast_now, NULL};
  static struct trace_stats ts;
  struct synctest_centre c;
  struct synctest_journal *j;
  struct netsync_config cfg;
  struct synctest_paths p;
  struct netsync *ns;
  struct netsync_status st;
  char jpath[700];
  uint64_t t0, deadline;
  fresh(&c, "outage");
  ck_assert_int_eq(synctest_centre_start(&c, NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "terminal", "register", "T01", "yl-museum", NULL), 0);
  synctest_centre_stop(&c); /* the centre is down from here on; its port is remembered */
  snprintf(jpath, sizeof jpath, "%s/journal.db", c.dir);
  ck_assert_int_eq(synctest_journal_open(jpath, "T01", "yl-museum", &j), 0);
  ck_assert_int_eq(synctest_journal_append(j, 500), 0);
  synctest_netsync_config(&c, "T01", &p, &cfg);
  cfg.backoff_base_ms = 1000;
  cfg.backoff_cap_ms = 300000; /* 5 simulated minutes */
  cfg.connect_timeout_ms = 500;
  cfg.clock = &clock;
  cfg.trace = trace_delays;
  cfg.trace_ctx = &ts;
  ck_assert_int_eq(netsync_create(&cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(j),
                                  NULL, NULL, &ns),
                   NETSYNC_OK);
  t0 = fast_now(NULL);
  ck_assert_int_eq(netsync_start(ns), NETSYNC_OK);
  /* Six simulated hours of outage. */
  while (fast_now(NULL) - t0 < 6ull * 3600 * 1000)
    sleep_ms(50);
  /* ... and at least ten attempts, however long a loaded machine takes over each refused
   * connect (9 were seen in six simulated hours with both CPUs busy): a condition with a
   * generous deadline, not a count within a fixed time. */
  deadline = synctest_now_ms() + 120000;
  do {
    netsync_get_status(ns, &st);
    if (st.attempts >= 10)
      break;
    sleep_ms(50);
  } while (synctest_now_ms() < deadline);
  ck_assert_msg(st.state == NETSYNC_STATE_BACKOFF || st.state == NETSYNC_STATE_UPLOADING, "%s",
                netsync_state_name((int)st.state));
  ck_assert_int_eq(st.online, 0);
  ck_assert_int_eq(st.last_error, NETSYNC_E_NET);
  /* It kept trying all along (about 140 attempts are expected with full jitter under a
   * 5-minute cap; the bound is loose because each refused connect also costs real
   * time, which a loaded or sanitized run stretches: tests never fail on timing) ... */
  ck_assert_uint_ge(st.attempts, 10);
  ck_assert_uint_le(st.attempts, 2000); /* ... without hammering */
  ck_assert_uint_eq(st.queue_depth, 500); /* and dropped nothing */
  ck_assert_uint_le(ts.max_delay, 300000);
  ck_assert_uint_gt(ts.max_delay, 60000);
  ck_assert_uint_eq(synctest_journal_acked(j), 0);
  /* The centre comes back: within one capped wait (30 ms real) everything goes up. */
  ck_assert_int_eq(synctest_centre_start(&c, NULL), 0);
  deadline = synctest_now_ms() + 120000; /* generous: tests/stress */
  while (synctest_journal_acked(j) < 500 && synctest_now_ms() < deadline)
    sleep_ms(10);
  ck_assert_uint_eq(synctest_journal_acked(j), 500);
  deadline = synctest_now_ms() + 120000; /* generous: tests/stress */
  do {
    sleep_ms(10);
    netsync_get_status(ns, &st);
  } while (st.state != NETSYNC_STATE_IDLE && synctest_now_ms() < deadline);
  ck_assert_int_eq(st.state, NETSYNC_STATE_IDLE);
  ck_assert_int_eq(st.online, 1);
  ck_assert_uint_eq(st.queue_depth, 0);
  ck_assert_uint_eq(st.attempts, 0);
  ck_assert_int_ne(st.last_sync, 0);
  netsync_destroy(ns);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 500);
  synctest_journal_close(j);
  synctest_centre_stop(&c);
}
END_TEST

static pid_t spawn_runner(const struct synctest_centre *c, const char *jpath, const char *batch)
{
  char url[128];
  pid_t pid;
  synctest_centre_url(c, url, sizeof url);
  pid = fork();
  if (pid == 0) {
    execl(NS_RUNNER_BIN, NS_RUNNER_BIN, c->dir, "T01", jpath, url, batch, (char *)NULL);
    _exit(127);
  }
  return pid;
}

START_TEST(terminal_killed_mid_sync)
{
  static const char *const env[] = {"YH_CENTRE_TEST_STALL_MS=100", NULL};
  struct synctest_centre c;
  struct synctest_journal *j;
  char jpath[700];
  uint64_t deadline, acked;
  pid_t pid;
  int status;
  /* test_netsync.pg: 6,000 events (PostgreSQL pays a round trip per row: 20,000 took a
   * minute on a loaded machine); still three batches in flight after the kill */
  const uint64_t n = synctest_pg() ? 6000 : 20000;
  fresh(&c, "kill9");
  ck_assert_int_eq(synctest_centre_start(&c, env), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "terminal", "register", "T01", "yl-museum", NULL), 0);
  snprintf(jpath, sizeof jpath, "%s/journal.db", c.dir);
  ck_assert_int_eq(synctest_journal_open(jpath, "T01", "yl-museum", &j), 0);
  ck_assert_int_eq(synctest_journal_append(j, n), 0);
  pid = spawn_runner(&c, jpath, "1000");
  ck_assert_int_gt(pid, 0);
  deadline = synctest_now_ms() + 120000; /* generous: tests/stress */
  while ((acked = synctest_journal_acked(j)) < 3000 && synctest_now_ms() < deadline)
    sleep_ms(5);
  ck_assert_uint_ge(acked, 3000);
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
  ck_assert(WIFSIGNALED(status));
  acked = synctest_journal_acked(j);
  ck_assert_uint_lt(acked, n);
  /* A new process resumes from the journal's mark. */
  pid = spawn_runner(&c, jpath, "1000");
  ck_assert_int_eq(waitpid(pid, &status, 0), pid);
  ck_assert(WIFEXITED(status));
  ck_assert_int_eq(WEXITSTATUS(status), 0);
  ck_assert_uint_eq(synctest_journal_acked(j), n);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), (long)n);
  ck_assert_int_eq(synctest_centre_duplicates(&c), 0);
  synctest_journal_close(j);
  synctest_centre_stop(&c);
}
END_TEST

START_TEST(clean_stop_while_upload_hangs)
{
  static const char *const env[] = {"YH_CENTRE_TEST_STALL_MS=30000", NULL};
  struct synctest_centre c;
  struct synctest_journal *j;
  struct netsync_config cfg;
  struct synctest_paths p;
  struct netsync *ns;
  struct netsync_status st;
  char jpath[700];
  uint64_t t0;
  fresh(&c, "stop");
  ck_assert_int_eq(synctest_centre_start(&c, env), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "terminal", "register", "T01", "yl-museum", NULL), 0);
  snprintf(jpath, sizeof jpath, "%s/journal.db", c.dir);
  ck_assert_int_eq(synctest_journal_open(jpath, "T01", "yl-museum", &j), 0);
  ck_assert_int_eq(synctest_journal_append(j, 10), 0);
  synctest_netsync_config(&c, "T01", &p, &cfg);
  cfg.trace = quiet;
  ck_assert_int_eq(netsync_create(&cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(j),
                                  NULL, NULL, &ns),
                   NETSYNC_OK);
  ck_assert_int_eq(netsync_start(ns), NETSYNC_OK);
  /* until the batch hangs in the centre (a condition, not a sleep: tests/stress) */
  uint64_t up_by = synctest_now_ms() + 120000;
  do {
    sleep_ms(10);
    netsync_get_status(ns, &st);
  } while (st.state != NETSYNC_STATE_UPLOADING && synctest_now_ms() < up_by);
  ck_assert_int_eq(st.state, NETSYNC_STATE_UPLOADING);
  /* The card path keeps its answers: status never blocks (a few microseconds; the bound
   * only catches a status call that waits for the hanging upload, 30 s) */
  t0 = synctest_now_ms();
  netsync_get_status(ns, &st);
  netsync_kick(ns);
  ck_assert_uint_lt(synctest_now_ms() - t0, 4000);
  ck_assert_uint_eq(st.queue_depth, 10);
  t0 = synctest_now_ms();
  netsync_stop(ns);
  /* well under the centre's 30 s stall: the stop aborts the upload (under 1.5 s on a
   * quiet machine; the bound tells an abort from a wait, not a fast machine from a slow) */
  ck_assert_uint_lt(synctest_now_ms() - t0, 20000);
  netsync_get_status(ns, &st);
  ck_assert_int_eq(st.state, NETSYNC_STATE_STOPPED);
  ck_assert_uint_eq(synctest_journal_acked(j), 0); /* nothing lost: still unsent */
  netsync_destroy(ns);
  synctest_journal_close(j);
  synctest_centre_kill9(&c);
}
END_TEST

/* The terminal's side of revocations: kiosk's list and bundle file, behind the sink. */
struct term_revs {
  struct kiosk_revlist *rl;
  struct proto_key *key;
  char bundle[700];
  pthread_mutex_t mu; /* applies (sync thread) against lookups (card thread) */
};

static int tr_version(void *ctx, uint64_t *v)
{
  struct term_revs *t = ctx;
  pthread_mutex_lock(&t->mu);
  *v = kiosk_revlist_version(t->rl);
  pthread_mutex_unlock(&t->mu);
  return 0;
}

static void tr_lookup(struct term_revs *t, const char *card, struct kiosk_rev_lookup *l)
{
  pthread_mutex_lock(&t->mu);
  kiosk_revlist_lookup(t->rl, card, 0, l);
  pthread_mutex_unlock(&t->mu);
}

static int tr_apply(void *ctx, const uint8_t *list, size_t len, int is_delta)
{
  struct term_revs *t = ctx;
  struct kiosk_diag d;
  int rc;
  (void)is_delta;
  pthread_mutex_lock(&t->mu);
  rc = kiosk_revlist_commit(t->rl, t->bundle, list, len, t->key, &d);
  pthread_mutex_unlock(&t->mu);
  return rc == KIOSK_OK ? 0 : -1;
}

static const struct netsync_sink_ops tr_ops = {tr_version, tr_apply, NULL, NULL, NULL};

static enum kiosk_verdict_kind decide_offline(const struct term_revs *t, const char *card,
                                              uint64_t *reasons)
{
  struct kiosk_card_facts f;
  struct kiosk_policy pol;
  struct kiosk_request req;
  struct kiosk_verdict v;
  memset(&f, 0, sizeof f);
  snprintf(f.card_no, sizeof f.card_no, "%s", card);
  f.award = KIOSK_AWARD_DONOR_STAR;
  f.award_level = 3;
  for (int i = 0; i < KIOSK_CHECK_COUNT; i++)
    f.check[i] = KIOSK_CHECK_OK;
  memset(&pol, 0, sizeof pol);
  pol.start_day = 0;
  pol.end_day = 100000;
  pol.utc_offset_s = 8 * 3600;
  pol.gate_repeat_s = 3600;
  pol.bus_repeat_s = 600;
  pol.revlist_max_age_s = 7 * 86400;
  pol.stale = KIOSK_STALE_DENY;
  pol.cashier_max_fen = 100000;
  memset(&req, 0, sizeof req);
  req.card = &f;
  req.mode = KIOSK_MODE_BUS;
  req.site_modes = KIOSK_MODE_BIT(KIOSK_MODE_BUS);
  req.now = (int64_t)time(NULL);
  req.holder = KIOSK_HOLDER_NOT_PRESENTED;
  kiosk_revlist_lookup(t->rl, card, 0, &req.revocation);
  req.recent.known = 1;
  req.journal_writable = 1;
  req.override_queue_room = 1;
  ck_assert_int_eq(kiosk_decide(&pol, &req, &v), KIOSK_OK);
  *reasons = v.reasons;
  return v.verdict;
}

START_TEST(revocation_reaches_terminal_and_denies_offline)
{
  struct synctest_centre c;
  struct synctest_journal *j;
  struct netsync_config cfg;
  struct synctest_paths p;
  struct netsync *ns;
  static struct term_revs t;
  struct kiosk_diag d;
  char jpath[700], pub[700];
  uint64_t reasons = 0, deadline;
  fresh(&c, "revoke");
  pthread_mutex_init(&t.mu, NULL);
  ck_assert_int_eq(synctest_centre_start(&c, NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "terminal", "register", "T01", "yl-bus", NULL), 0);
  snprintf(pub, sizeof pub, "%s/sign.pub", c.dir);
  ck_assert_int_eq(kiosk_revkey_load_public(pub, &t.key, &d), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_create(&t.rl), KIOSK_OK);
  snprintf(t.bundle, sizeof t.bundle, "%s/revocations.bundle", c.dir);
  snprintf(jpath, sizeof jpath, "%s/journal.db", c.dir);
  ck_assert_int_eq(synctest_journal_open(jpath, "T01", "yl-bus", &j), 0);
  synctest_netsync_config(&c, "T01", &p, &cfg);
  cfg.trace = quiet;
  cfg.poll_ms = 50;
  ck_assert_int_eq(netsync_create(&cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(j),
                                  &tr_ops, &t, &ns),
                   NETSYNC_OK);
  ck_assert_int_eq(netsync_start(ns), NETSYNC_OK);
  deadline = synctest_now_ms() + 120000; /* generous: tests/stress */
  for (;;) {
    uint64_t v = 0;
    tr_version(&t, &v);
    if (v > 0 || synctest_now_ms() >= deadline)
      break;
    sleep_ms(10);
  }
  {
    uint64_t v = 0;
    tr_version(&t, &v);
    ck_assert_uint_ge(v, 1);
  }
  pthread_mutex_lock(&t.mu);
  ck_assert_int_eq(decide_offline(&t, "YL20190200004290", &reasons), KIOSK_VERDICT_GRANT);
  pthread_mutex_unlock(&t.mu);
  /* The blood station revokes the card at the centre (it was lent). */
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "revoke", "YL20190200004290", "--reason", "lent",
                                  NULL),
                   0);
  deadline = synctest_now_ms() + 120000; /* generous: tests/stress */
  for (;;) {
    struct kiosk_rev_lookup l;
    tr_lookup(&t, "YL20190200004290", &l);
    if (l.status == KIOSK_REV_REVOKED || synctest_now_ms() >= deadline)
      break;
    sleep_ms(10);
  }
  netsync_destroy(ns);
  synctest_centre_stop(&c); /* offline from here */
  ck_assert_int_eq(decide_offline(&t, "YL20190200004290", &reasons), KIOSK_VERDICT_DENY);
  ck_assert(reasons & KIOSK_RBIT(CARD_REVOKED));
  ck_assert_int_eq(decide_offline(&t, "YL20190200004387", &reasons), KIOSK_VERDICT_GRANT);
  /* After a restart the terminal reloads the list from its bundle file, still offline. */
  kiosk_revlist_destroy(t.rl);
  ck_assert_int_eq(kiosk_revlist_create(&t.rl), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_load(t.rl, t.bundle, t.key, &d), KIOSK_OK);
  ck_assert_int_eq(decide_offline(&t, "YL20190200004290", &reasons), KIOSK_VERDICT_DENY);
  kiosk_revlist_destroy(t.rl);
  kiosk_revkey_destroy(t.key);
  synctest_journal_close(j);
}
END_TEST


/* ------------------------------------------------------ several centres -- */

START_TEST(url_list_table)
{
  static const struct {
    const char *list;
    int rc;
    size_t n;
    const char *why; /* a part of the reason */
  } rows[] = {
      {"https://127.0.0.1:8443", COMMON_OK, 1, NULL},
      {"https://a.example:8443 https://b.example:8443", COMMON_OK, 2, NULL},
      {"  https://a.example\t https://[::1]:9443/yh/api  ", COMMON_OK, 2, NULL},
      {"https://a https://b https://c https://d https://e https://f https://g https://h",
       COMMON_OK, 8, NULL},
      {"https://a https://b https://c https://d https://e https://f https://g https://h "
       "https://i",
       COMMON_E_TOO_LARGE, 0, "9 addresses, at most 8"},
      {"", COMMON_E_NOT_FOUND, 0, "no address"},
      {" \t ", COMMON_E_NOT_FOUND, 0, "no address"},
      {"http://a.example", COMMON_E_SYNTAX, 0, "address 1 of 1: expected https://"},
      {"https://a.example https://b.example/", COMMON_E_SYNTAX, 0, "address 2 of 2"},
      {"https://a.example https://a.example", COMMON_E_SYNTAX, 0, "listed twice"},
      {"https://user:secret@a.example", COMMON_E_SYNTAX, 0, "address 1 of 1"},
      {"https://a.example?x=1", COMMON_E_SYNTAX, 0, NULL},
      {"https://a.example#f", COMMON_E_SYNTAX, 0, NULL},
      {"https://a%2eexample", COMMON_E_SYNTAX, 0, NULL},
      {"https://a.example:0", COMMON_E_SYNTAX, 0, NULL},
      {"https://a.example:65536", COMMON_E_SYNTAX, 0, NULL},
      {"https://a.example:", COMMON_E_SYNTAX, 0, NULL},
      {"https://a.example:084430", COMMON_E_SYNTAX, 0, NULL},
      {"https://", COMMON_E_SYNTAX, 0, NULL},
      {"https://-a.example", COMMON_E_SYNTAX, 0, NULL},
      {"https://[]", COMMON_E_SYNTAX, 0, NULL},
      {"https://a//b", COMMON_E_SYNTAX, 0, NULL},
  };
  struct common_url_list l;
  char why[200], longer[400];
  for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
    int rc = common_url_list_parse(rows[r].list, &l, why, sizeof why);
    ck_assert_msg(rc == rows[r].rc, "row %zu: rc %d", r, rc);
    if (rc == COMMON_OK)
      ck_assert_uint_eq(l.n, rows[r].n);
    else if (rows[r].why)
      ck_assert_msg(strstr(why, rows[r].why), "row %zu: %s", r, why);
    /* never quoted: a password in a user part must not reach a log through the reason */
    ck_assert_ptr_null(strstr(why, "secret"));
  }
  /* one address longer than 255 bytes */
  memset(longer, 'a', sizeof longer);
  memcpy(longer, "https://", 8);
  longer[sizeof longer - 1] = '\0';
  ck_assert_int_eq(common_url_list_parse(longer, &l, why, sizeof why), COMMON_E_TOO_LARGE);
  ck_assert_ptr_nonnull(strstr(why, "longer than 255"));
  ck_assert_int_eq(common_url_list_parse(NULL, &l, why, sizeof why), COMMON_E_INVALID_ARG);
}
END_TEST

/* A loopback port nobody listens on: a connection there is refused at once. */
static unsigned closed_port(void)
{
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  unsigned port = 0;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
      getsockname(fd, (struct sockaddr *)&a, &len) == 0)
    port = ntohs(a.sin_port);
  if (fd >= 0)
    close(fd);
  return port;
}

struct trace_log {
  char text[8192];
  size_t len;
};

static void trace_keep(void *ctx, const char *line)
{
  struct trace_log *t = ctx;
  int n = snprintf(t->text + t->len, sizeof t->text - t->len, "%s\n", line);
  if (n > 0 && t->len + (size_t)n < sizeof t->text)
    t->len += (size_t)n;
  quiet(NULL, line);
}

START_TEST(first_centre_refused_second_used)
{
  static struct trace_log tl;
  struct synctest_centre c;
  struct synctest_journal *j;
  struct netsync_config cfg;
  struct synctest_paths p;
  struct netsync *ns;
  struct netsync_status st;
  char jpath[700], urls[300], expect[300];
  unsigned dead = closed_port();
  ck_assert_uint_ne(dead, 0);
  fresh(&c, "failover");
  ck_assert_int_eq(synctest_centre_start(&c, NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "terminal", "register", "T01", "yl-museum", NULL), 0);
  snprintf(jpath, sizeof jpath, "%s/journal.db", c.dir);
  ck_assert_int_eq(synctest_journal_open(jpath, "T01", "yl-museum", &j), 0);
  ck_assert_int_eq(synctest_journal_append(j, 30), 0);
  synctest_netsync_config(&c, "T01", &p, &cfg);
  snprintf(urls, sizeof urls, "https://127.0.0.1:%u %s", dead, p.url);
  cfg.url = urls;
  cfg.failback_ms = 1000;
  cfg.trace = trace_keep;
  cfg.trace_ctx = &tl;
  ck_assert_int_eq(netsync_create(&cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(j),
                                  NULL, NULL, &ns),
                   NETSYNC_OK);
  ck_assert_str_eq(netsync_centre_url(ns, 1), p.url);
  ck_assert_ptr_null(netsync_centre_url(ns, 2));
  /* The first refuses the connection: the same batch goes to the second at once. */
  ck_assert_int_eq(netsync_upload_all(ns), NETSYNC_OK);
  netsync_get_status(ns, &st);
  ck_assert_uint_eq(st.centre, 1);
  ck_assert_uint_eq(st.failovers, 1);
  ck_assert_uint_eq(synctest_journal_acked(j), 30);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 30);
  snprintf(expect, sizeof expect, "centre 2 of 2 in use: %s (was https://127.0.0.1:%u: ", p.url,
           dead);
  ck_assert_msg(strstr(tl.text, expect), "no log line of the change: %s", tl.text);
  /* It stays there: the next requests do not knock at the dead one first. */
  tl.len = 0;
  tl.text[0] = '\0';
  ck_assert_int_eq(synctest_journal_append(j, 5), 0);
  ck_assert_int_eq(netsync_upload_all(ns), NETSYNC_OK);
  ck_assert_ptr_null(strstr(tl.text, "NETSYNC_E_NET"));
  /* After failback_ms it tries the first again; still down, so back to the second
   * without counting a change, and nothing is lost or sent twice. */
  sleep_ms(1200);
  ck_assert_int_eq(synctest_journal_append(j, 5), 0);
  ck_assert_int_eq(netsync_upload_all(ns), NETSYNC_OK);
  ck_assert_ptr_nonnull(strstr(tl.text, "NETSYNC_E_NET"));
  netsync_get_status(ns, &st);
  ck_assert_uint_eq(st.centre, 1);
  ck_assert_uint_eq(st.failovers, 1);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 40);
  ck_assert_int_eq(synctest_centre_duplicates(&c), 0);
  netsync_destroy(ns);

  /* A 4xx is about the request, not the centre: no failover (the next one shares the
   * database and would say the same). T01 retired: 403 from the first, and the second
   * (a dead port) is never tried. */
  ck_assert_int_eq(synctest_admin(&c, NULL, "terminal", "retire", "T01", NULL), 0);
  snprintf(urls, sizeof urls, "%s https://127.0.0.1:%u", p.url, dead);
  tl.len = 0;
  tl.text[0] = '\0';
  ck_assert_int_eq(netsync_create(&cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(j),
                                  NULL, NULL, &ns),
                   NETSYNC_OK);
  ck_assert_int_eq(synctest_journal_append(j, 1), 0);
  ck_assert_int_eq(netsync_upload_all(ns), NETSYNC_E_REFUSED);
  netsync_get_status(ns, &st);
  ck_assert_uint_eq(st.centre, 0);
  ck_assert_uint_eq(st.failovers, 0);
  ck_assert_ptr_null(strstr(tl.text, "in use"));
  netsync_destroy(ns);
  synctest_journal_close(j);
  synctest_centre_stop(&c);
}
END_TEST

/* Two centres on one store; the first commits a batch and dies before it answers. The
 * terminal sends that batch to the second, which finds it already stored (the chain
 * head moved) and answers with the same receipt: every event once. */
START_TEST(lost_receipt_resent_to_second_centre)
{
  static const char *const env_a[] = {"YH_CENTRE_TEST_EXIT_AFTER_COMMIT=1", NULL};
  struct synctest_centre a, b;
  struct synctest_journal *j;
  struct netsync_config cfg;
  struct synctest_paths p;
  struct netsync *ns;
  struct netsync_status st;
  char dir[512], cmd[2600], jpath[700], urls[300];
  int status;
  ck_assert_int_eq(synctest_tmpdir("lostreceipt", dir, sizeof dir), 0);
  snprintf(cmd, sizeof cmd, "cp -p %s/*.pem %s/*.key %s/*.pub %s/", pki_dir, pki_dir, pki_dir,
           dir);
  ck_assert_int_eq(system(cmd), 0);
  synctest_centre_pair_init(&a, &b, dir);
  ck_assert_int_eq(synctest_centre_start(&a, env_a), 0);
  ck_assert_int_eq(synctest_centre_start(&b, NULL), 0);
  ck_assert_int_eq(synctest_admin(&a, NULL, "terminal", "register", "T01", "yl-museum", NULL), 0);
  snprintf(jpath, sizeof jpath, "%s/journal.db", dir);
  ck_assert_int_eq(synctest_journal_open(jpath, "T01", "yl-museum", &j), 0);
  ck_assert_int_eq(synctest_journal_append(j, 50), 0);
  synctest_netsync_config(&a, "T01", &p, &cfg);
  synctest_centre_pair_urls(&a, &b, urls, sizeof urls);
  cfg.url = urls;
  cfg.batch_max = 20;
  cfg.trace = quiet;
  ck_assert_int_eq(netsync_create(&cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(j),
                                  NULL, NULL, &ns),
                   NETSYNC_OK);
  ck_assert_int_eq(netsync_upload_all(ns), NETSYNC_OK);
  status = synctest_centre_wait(&a, 60000);
  ck_assert_msg(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 70,
                "centre A did not die after its first commit (%d)", status);
  netsync_get_status(ns, &st);
  ck_assert_uint_eq(st.centre, 1);
  ck_assert_uint_eq(synctest_journal_acked(j), 50);
  ck_assert_int_eq(synctest_centre_count(&b, "T01"), 50);
  ck_assert_int_eq(synctest_centre_duplicates(&b), 0);
  netsync_destroy(ns);
  synctest_journal_close(j);
  synctest_centre_stop(&b);
}
END_TEST

/* ------------------------------------------------------ terminal health -- */

static int64_t ten_minutes_slow(void *ctx)
{
  (void)ctx;
  return (int64_t)time(NULL) - 600;
}

static int rev_version_7(void *ctx, uint64_t *v)
{
  (void)ctx;
  *v = 7;
  return 0;
}

/* The terminals row's health columns as text ("" for NULL). */
static void health_cols(const struct synctest_centre *c, char *rev, char *off, size_t cap)
{
  struct centre_store *st = NULL;
  struct console_rows *t = NULL;
  ck_assert_int_eq(centre_store_open(c->dsn[0] ? CENTRE_DB_POSTGRES : CENTRE_DB_SQLITE,
                                     c->dsn[0] ? c->dsn : c->db, 0, &st),
                   CENTRE_OK);
  ck_assert_int_eq(console_db_terminals(centre_store_db(st), &t), CENTRE_OK);
  ck_assert_uint_eq(t->rows, 1);
  snprintf(rev, cap, "%s", console_cell(t, 0, 9));
  snprintf(off, cap, "%s", console_cell(t, 0, 10));
  console_rows_free(t);
  centre_store_destroy(st);
}

/* The operations page as the console renders it, in English. */
static char *ops_page(const struct synctest_centre *c)
{
  struct centre_store *st = NULL;
  struct console_page pg;
  struct evbuffer *out = evbuffer_new();
  size_t n;
  char *html;
  ck_assert_ptr_nonnull(out);
  ck_assert_int_eq(centre_store_open(c->dsn[0] ? CENTRE_DB_POSTGRES : CENTRE_DB_SQLITE,
                                     c->dsn[0] ? c->dsn : c->db, 0, &st),
                   CENTRE_OK);
  memset(&pg, 0, sizeof pg);
  pg.st = st;
  pg.en = 1;
  pg.path = "/ops";
  ck_assert_int_eq(console_page_ops(out, &pg, (int64_t)time(NULL)), CENTRE_OK);
  n = evbuffer_get_length(out);
  html = malloc(n + 1);
  ck_assert_ptr_nonnull(html);
  evbuffer_remove(out, html, n);
  html[n] = '\0';
  evbuffer_free(out);
  centre_store_destroy(st);
  return html;
}

/* POST /v1/status as T01 with the given health header lines (raw: netsync never sends
 * a malformed one). Returns the HTTP code. */
static long raw_status(const struct synctest_centre *c, const char *h1, const char *h2)
{
  static const char body[] =
      "{\"software\":\"raw\",\"queue_depth\":0,\"last_sync\":0,\"reader\":\"ok\"}";
  struct synctest_paths p;
  struct netsync_config cfg;
  struct curl_slist *h = NULL;
  char url[256];
  long code = 0;
  CURL *e = curl_easy_init();
  ck_assert_ptr_nonnull(e);
  synctest_netsync_config(c, "T01", &p, &cfg);
  snprintf(url, sizeof url, "%s/v1/status", p.url);
  h = curl_slist_append(h, "Content-Type: application/json");
  h = curl_slist_append(h, h1);
  h = curl_slist_append(h, h2);
  curl_easy_setopt(e, CURLOPT_URL, url);
  curl_easy_setopt(e, CURLOPT_CAINFO, p.ca);
  curl_easy_setopt(e, CURLOPT_SSLCERT, p.cert);
  curl_easy_setopt(e, CURLOPT_SSLKEY, p.key);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(e, CURLOPT_TIMEOUT, 60L);
  if (curl_easy_perform(e) == CURLE_OK)
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(h);
  curl_easy_cleanup(e);
  return code;
}

static int file_has(const char *path, const char *needle)
{
  char buf[65536];
  size_t n;
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return strstr(buf, needle) != NULL;
}

START_TEST(health_fields_reach_operations_page)
{
  static const struct netsync_sink_ops sink = {rev_version_7, NULL, NULL, NULL, NULL};
  struct synctest_centre c;
  struct synctest_journal *j;
  struct netsync_config cfg;
  struct synctest_paths p;
  struct netsync *ns;
  char jpath[700], rev[64], off[64], *html;
  long o;
  fresh(&c, "health");
  snprintf(c.log_path, sizeof c.log_path, "%s/centre.log", c.dir);
  ck_assert_int_eq(synctest_centre_start(&c, NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "terminal", "register", "T01", "yl-museum", NULL), 0);
  /* Registered, never reported: the page says so. */
  health_cols(&c, rev, off, sizeof rev);
  ck_assert_str_eq(rev, "");
  ck_assert_str_eq(off, "");
  html = ops_page(&c);
  ck_assert_ptr_nonnull(strstr(html, "not reported"));
  free(html);

  snprintf(jpath, sizeof jpath, "%s/journal.db", c.dir);
  ck_assert_int_eq(synctest_journal_open(jpath, "T01", "yl-museum", &j), 0);
  synctest_netsync_config(&c, "T01", &p, &cfg);
  cfg.trace = quiet;
  cfg.wall_s = ten_minutes_slow;
  ck_assert_int_eq(netsync_create(&cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(j),
                                  &sink, NULL, &ns),
                   NETSYNC_OK);
  ck_assert_int_eq(netsync_report(ns), NETSYNC_OK);
  health_cols(&c, rev, off, sizeof rev);
  ck_assert_str_eq(rev, "7");
  o = strtol(off, NULL, 10);
  ck_assert_msg(o >= 600 && o <= 720, "offset %ld", o); /* generous: a loaded machine */
  html = ops_page(&c);
  ck_assert_msg(strstr(html, "<td>7 (behind by ") || strstr(html, "<td>7 (current)"), "%s", html);
  ck_assert_msg(strstr(html, "<td class=\"clock alarm\">+10 min <strong class=\"bad\">CLOCK"),
                "%s", html);
  ck_assert_ptr_null(strstr(html, "not reported"));
  free(html);
  netsync_destroy(ns);

  /* Malformed values are ignored with a log line (never quoted), the report still lands. */
  ck_assert_int_eq(raw_status(&c, "Yh-Revlist-Version: -3", "Yh-Terminal-Time: 99999999999999"),
                   204);
  health_cols(&c, rev, off, sizeof rev);
  ck_assert_str_eq(rev, "");
  ck_assert_str_eq(off, "");
  ck_assert(file_has(c.log_path, "terminal T01: health header Yh-Revlist-Version "
                                 "Yh-Terminal-Time malformed or out of range: ignored"));
  ck_assert(!file_has(c.log_path, "99999999999999"));
  /* A clock that is right: no alarm. */
  {
    char now[64];
    snprintf(now, sizeof now, "Yh-Terminal-Time: %lld", (long long)time(NULL));
    ck_assert_int_eq(raw_status(&c, "Yh-Revlist-Version: 0", now), 204);
  }
  health_cols(&c, rev, off, sizeof rev);
  ck_assert_str_eq(rev, "0");
  o = strtol(off, NULL, 10);
  ck_assert_msg(o >= -5 && o <= 120, "offset %ld", o);
  html = ops_page(&c);
  ck_assert_ptr_null(strstr(html, "CLOCK"));
  ck_assert_ptr_nonnull(strstr(html, "<td class=\"clock\">+"));
  free(html);
  synctest_journal_close(j);
  synctest_centre_stop(&c);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("netsync");
  TCase *u = tcase_create("unit");
  TCase *tc = tcase_create("loopback");
  tcase_add_test(u, backoff_full_jitter);
  tcase_add_test(u, reply_parsers);
  tcase_add_test(u, url_list_table);
  suite_add_tcase(s, u);
  tcase_set_timeout(tc, 240); /* generous: CI runs it under ASan beside other suites */
  tcase_add_test(tc, long_outage_on_simulated_clock);
  tcase_add_test(tc, terminal_killed_mid_sync);
  tcase_add_test(tc, clean_stop_while_upload_hangs);
  tcase_add_test(tc, revocation_reaches_terminal_and_denies_offline);
  tcase_add_test(tc, first_centre_refused_second_used);
  tcase_add_test(tc, lost_receipt_resent_to_second_centre);
  tcase_add_test(tc, health_fields_reach_operations_page);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  static const char *const terms[] = {"T01"};
  SRunner *sr;
  int failed;
  signal(SIGPIPE, SIG_IGN);
  if (synctest_tmpdir("nspki", pki_dir, sizeof pki_dir) != 0 ||
      synctest_pki_make(pki_dir, terms, 1) != 0) {
    fprintf(stderr, "cannot make the test PKI\n");
    return 1;
  }
  sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
