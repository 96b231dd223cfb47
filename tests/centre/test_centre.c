/*
 * The centre over real TLS on loopback: uploads, idempotence, gaps, broken chains,
 * malformed bodies, identities (unknown, retired, revoked, other CA), a man in the
 * middle, crashes (killed mid-upload, died after commit before the reply), many
 * terminals at once, status reports, reports, revocation lists and signed documents.
 */
#include <check.h>
#include <curl/curl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "centre/centre.h"
#include "kiosk/revoke.h"
#include "pki.h"
#include "proto/batch.h"
#include "netsync/netsync.h"
#include "synctest.h"

#define NTERM 16
static char pki_dir[512];
static const char *terms[NTERM + 4];

/* Each test: a fresh directory holding symlinks to the shared PKI and its own db. */
static void fresh(struct synctest_centre *c, const char *tag)
{
  char dir[512], cmd[2600];
  ck_assert_int_eq(synctest_tmpdir(tag, dir, sizeof dir), 0);
  snprintf(cmd, sizeof cmd, "cp -p %s/*.pem %s/*.key %s/*.pub %s/", pki_dir, pki_dir, pki_dir,
           dir);
  ck_assert_int_eq(system(cmd), 0);
  synctest_centre_init(c, dir, "centre.db");
}

static void quiet(void *ctx, const char *line)
{
  (void)ctx;
  if (getenv("YH_TEST_VERBOSE"))
    fprintf(stderr, "netsync: %s\n", line);
}

struct term {
  struct synctest_journal *j;
  struct synctest_paths p;
  struct netsync_config cfg;
  struct netsync *ns;
  char jpath[700];
};

static void term_open_at(struct term *t, const struct synctest_centre *c, const char *id,
                         const char *site, size_t events)
{
  memset(t, 0, sizeof *t);
  snprintf(t->jpath, sizeof t->jpath, "%s/journal-%s.db", c->dir, id);
  ck_assert_int_eq(synctest_journal_open(t->jpath, id, site, &t->j), 0);
  if (events)
    ck_assert_int_eq(synctest_journal_append(t->j, events), 0);
  synctest_netsync_config(c, id, &t->p, &t->cfg);
  t->cfg.trace = quiet;
}

static void term_open(struct term *t, const struct synctest_centre *c, const char *id,
                      size_t events)
{
  term_open_at(t, c, id, "yl-museum", events);
}

static void term_ns(struct term *t)
{
  ck_assert_int_eq(netsync_create(&t->cfg, &netsync_kiosk_journal_ops,
                                  synctest_journal_kiosk(t->j), NULL, NULL, &t->ns),
                   NETSYNC_OK);
}

static void term_close(struct term *t)
{
  netsync_destroy(t->ns);
  synctest_journal_close(t->j);
  memset(t, 0, sizeof *t);
}

static void start(struct synctest_centre *c, const char *const *env)
{
  ck_assert_msg(synctest_centre_start(c, env) == 0, "centre did not start");
}

static void reg(struct synctest_centre *c, const char *id, const char *site)
{
  ck_assert_int_eq(synctest_admin(c, NULL, "terminal", "register", id, site, NULL), 0);
}

/* ------------------------------------------------------------ raw HTTP -- */

struct raw_reply {
  long code;
  char body[4096];
  size_t len;
};

static size_t raw_write(char *p, size_t s, size_t n, void *arg)
{
  struct raw_reply *r = arg;
  size_t k = s * n;
  if (k > sizeof r->body - 1 - r->len)
    k = sizeof r->body - 1 - r->len;
  memcpy(r->body + r->len, p, k);
  r->len += k;
  r->body[r->len] = '\0';
  return s * n;
}

/* POST body to path as terminal `id`; encoding NULL: none. Returns the curl code. */
static int raw_post(const struct synctest_centre *c, const char *id, const char *path,
                    const void *body, size_t len, const char *encoding, struct raw_reply *r)
{
  struct synctest_paths p;
  struct netsync_config cfg;
  struct curl_slist *h = NULL;
  char url[256], hdr[64];
  CURL *cu = curl_easy_init();
  CURLcode cc;
  memset(r, 0, sizeof *r);
  synctest_netsync_config(c, id, &p, &cfg);
  snprintf(url, sizeof url, "%s%s", p.url, path);
  curl_easy_setopt(cu, CURLOPT_URL, url);
  curl_easy_setopt(cu, CURLOPT_CAINFO, p.ca);
  curl_easy_setopt(cu, CURLOPT_CAPATH, NULL);
  curl_easy_setopt(cu, CURLOPT_SSLCERT, p.cert);
  curl_easy_setopt(cu, CURLOPT_SSLKEY, p.key);
  curl_easy_setopt(cu, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, raw_write);
  curl_easy_setopt(cu, CURLOPT_WRITEDATA, r);
  h = curl_slist_append(h, "Content-Type: application/json");
  h = curl_slist_append(h, "Expect:");
  if (encoding) {
    snprintf(hdr, sizeof hdr, "Content-Encoding: %s", encoding);
    h = curl_slist_append(h, hdr);
  }
  curl_easy_setopt(cu, CURLOPT_HTTPHEADER, h);
  curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
  cc = curl_easy_perform(cu);
  curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &r->code);
  curl_slist_free_all(h);
  curl_easy_cleanup(cu);
  return (int)cc;
}

static size_t gzip_buf(const void *in, size_t len, unsigned char *out, size_t cap)
{
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  zs.next_in = (Bytef *)(uintptr_t)in;
  zs.avail_in = (uInt)len;
  zs.next_out = out;
  zs.avail_out = (uInt)cap;
  deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  return cap - zs.avail_out;
}

static void hexs(const uint8_t *in, size_t n, char *out)
{
  for (size_t i = 0; i < n; i++)
    sprintf(out + 2 * i, "%02x", in[i]);
}

/* One valid event JSON for T01 at seq with the given prev hash (hex); extra: appended
 * members. */
static int event_json(uint64_t seq, const char *prev_hex, const char *extra, char *buf, size_t cap)
{
  struct proto_event e;
  char prev[65], cur[65];
  synctest_event(seq, "T01", "yl-museum", &e);
  for (size_t i = 0; i < KIOSK_HASH_LEN; i++) {
    unsigned v;
    sscanf(prev_hex + 2 * i, "%2x", &v);
    e.prev_hash[i] = (uint8_t)v;
  }
  centre_event_hash(&e, e.hash);
  hexs(e.prev_hash, KIOSK_HASH_LEN, prev);
  hexs(e.hash, KIOSK_HASH_LEN, cur);
  return snprintf(buf, cap,
                  "{\"seq\":%" PRIu64 ",\"time\":%" PRId64 ",\"terminal\":\"T01\","
                  "\"site\":\"yl-museum\",\"mode\":\"%s\",\"vehicle\":\"%s\",\"card_no\":\"%s\","
                  "\"generation\":0,\"kind\":\"decision\",\"verdict\":\"%s\","
                  "\"reasons\":\"%016" PRIx64 "\",\"amount_fen\":%" PRId64 ",\"bill_ref\":\"%s\","
                  "\"staff_id\":\"\",\"prev_hash\":\"%s\",\"hash\":\"%s\"%s}",
                  seq, e.time, kiosk_mode_name(e.mode), e.vehicle, e.card_no,
                  kiosk_verdict_name(e.verdict), e.reasons, e.amount_fen, e.bill_ref, prev, cur,
                  extra ? extra : "");
}

struct sinkbuf {
  char *p;
  size_t len, cap;
};

static int sinkbuf_put(void *user, const void *bytes, size_t n)
{
  struct sinkbuf *b = user;
  if (n > b->cap - b->len)
    return -1;
  memcpy(b->p + b->len, bytes, n);
  b->len += n;
  return 0;
}

static const char zeros64[] = "0000000000000000000000000000000000000000000000000000000000000000";

/* --------------------------------------------------------------- tests -- */

START_TEST(upload_and_replay)
{
  struct synctest_centre c;
  struct term t;
  struct netsync_status st;
  fresh(&c, "upload");
  start(&c, NULL);
  reg(&c, "T01", "yl-museum");
  term_open(&t, &c, "T01", 5000);
  t.cfg.batch_max = 700;
  term_ns(&t);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_OK);
  ck_assert_uint_eq(synctest_journal_acked(t.j), 5000);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 5000);
  netsync_get_status(t.ns, &st);
  ck_assert_uint_eq(st.queue_depth, 0);
  ck_assert_int_ne(st.last_sync, 0);
  /* The terminal forgets its mark (as after a lost reply): the replay is accepted and
   * adds nothing. */
  ck_assert_int_eq(synctest_journal_reset_acked(t.j), 0);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_OK);
  ck_assert_uint_eq(synctest_journal_acked(t.j), 5000);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 5000);
  ck_assert_int_eq(synctest_centre_duplicates(&c), 0);
  /* More events later continue the chain. */
  ck_assert_int_eq(synctest_journal_append_api(t.j, 123), 0);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_OK);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 5123);
  term_close(&t);
  synctest_centre_stop(&c);
}
END_TEST

START_TEST(gap_names_expected_seq)
{
  struct synctest_centre c;
  struct raw_reply r;
  char ev[900], body[1000];
  fresh(&c, "gap");
  start(&c, NULL);
  reg(&c, "T01", "yl-museum");
  event_json(5, zeros64, NULL, ev, sizeof ev);
  snprintf(body, sizeof body, "{\"v\":1,\"events\":[%s]}", ev);
  ck_assert_int_eq(raw_post(&c, "T01", "/v1/journal", body, strlen(body), NULL, &r), 0);
  ck_assert_int_eq(r.code, 409);
  ck_assert_msg(strstr(r.body, "\"error\":\"gap\"") && strstr(r.body, "\"expected_seq\":1"),
                "%s", r.body);
  /* A wrong prev_hash at seq 1 is a broken chain, not a gap. */
  event_json(1, "1111111111111111111111111111111111111111111111111111111111111111", NULL, ev,
             sizeof ev);
  snprintf(body, sizeof body, "{\"v\":1,\"events\":[%s]}", ev);
  raw_post(&c, "T01", "/v1/journal", body, strlen(body), NULL, &r);
  ck_assert_int_eq(r.code, 409);
  ck_assert_msg(strstr(r.body, "\"error\":\"chain\""), "%s", r.body);
  /* The body must not speak for another terminal: the certificate says T02. */
  reg(&c, "T02", "yl-museum");
  event_json(1, zeros64, NULL, ev, sizeof ev);
  snprintf(body, sizeof body, "{\"v\":1,\"events\":[%s]}", ev);
  raw_post(&c, "T02", "/v1/journal", body, strlen(body), NULL, &r);
  ck_assert_int_eq(r.code, 422);
  ck_assert_msg(strstr(r.body, "\"error\":\"identity\""), "%s", r.body);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 0);
  ck_assert_int_eq(synctest_centre_count(&c, "T02"), 0);
  /* The same event from T01 itself goes in. */
  raw_post(&c, "T01", "/v1/journal", body, strlen(body), NULL, &r);
  ck_assert_int_eq(r.code, 200);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 1);
  synctest_centre_stop(&c);
}
END_TEST

START_TEST(malformed_bodies)
{
  static const struct {
    const char *body;
    long code;
    const char *needle;
  } cases[] = {
      {"{\"v\":1,\"events\":[", 400, "JSON syntax error"},
      {"[1,2,3]", 400, "top level is not an object"},
      {"{\"v\":2,\"events\":[]}", 400, "\\\"v\\\": 1 expected"},
      {"{\"v\":1,\"events\":[]}", 400, "empty"},
      {"{\"v\":1,\"name\":\"x\",\"events\":[{\"seq\":1}]}", 400, "unknown top-level member"},
      {"{\"v\":1,\"events\":[{\"seq\":\"1\"}]}", 400, "seq: integer expected"},
      {"{\"v\":1,\"events\":[{\"seq\":1}]}", 400, "16 members expected"},
      {"{\"v\":1,\"events\":[{\"seq\":1.5}]}", 400, "seq: integer expected"},
      {"{\"v\":1,\"events\":[{\"site\":\"a\\u0041\"}]}", 400, "escape"},
      {"{\"v\":1} x", 400, "trailing bytes"},
      {"{\"v\":1,\"v\":1,\"events\":[]}", 400, "JSON syntax error"},
  };
  struct synctest_centre c;
  struct raw_reply r;
  unsigned char *gz, *zeros;
  size_t n;
  fresh(&c, "malformed");
  start(&c, NULL);
  reg(&c, "T01", "yl-museum");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    raw_post(&c, "T01", "/v1/journal", cases[i].body, strlen(cases[i].body), NULL, &r);
    ck_assert_msg(r.code == cases[i].code, "case %zu: HTTP %ld", i, r.code);
    ck_assert_msg(strstr(r.body, cases[i].needle), "case %zu: %s", i, r.body);
  }
  /* An event carrying an extra member (say, a name) is refused. */
  {
    char ev[900], body[1000];
    event_json(1, zeros64, ",\"holder\":\"x\"", ev, sizeof ev);
    snprintf(body, sizeof body, "{\"v\":1,\"events\":[%s]}", ev);
    raw_post(&c, "T01", "/v1/journal", body, strlen(body), NULL, &r);
    ck_assert_int_eq(r.code, 400);
    ck_assert_msg(strstr(r.body, "unknown member"), "%s", r.body);
  }
  /* A reason never quotes the input (it could hold an ID number). */
  {
    static const char leak[] = "{\"v\":1,\"events\":[{\"seq\":11010519491231002X}]}";
    raw_post(&c, "T01", "/v1/journal", leak, strlen(leak), NULL, &r);
    ck_assert_int_eq(r.code, 400);
    ck_assert_msg(strstr(r.body, "JSON syntax error") && !strstr(r.body, "1231002X"), "%s",
                  r.body);
  }
  /* Not gzip although it says so. */
  raw_post(&c, "T01", "/v1/journal", "hello", 5, "gzip", &r);
  ck_assert_int_eq(r.code, 400);
  raw_post(&c, "T01", "/v1/journal", "hello", 5, "br", &r);
  ck_assert_int_eq(r.code, 415);
  /* A gzip bomb: 64 MiB of zeros in a small body. */
  zeros = calloc(64u << 20, 1);
  gz = malloc(1u << 20);
  ck_assert_ptr_nonnull(zeros);
  ck_assert_ptr_nonnull(gz);
  n = gzip_buf(zeros, 64u << 20, gz, 1u << 20);
  free(zeros);
  raw_post(&c, "T01", "/v1/journal", gz, n, "gzip", &r);
  ck_assert_int_eq(r.code, 413);
  free(gz);
  /* A body over max_body on the wire. */
  {
    size_t big = 5u << 20;
    char *b = malloc(big);
    memset(b, ' ', big);
    /* The centre answers 413 from the headers and closes; curl may still be sending and
     * see the reset instead of the reply. Either way nothing is stored. */
    int cc = raw_post(&c, "T01", "/v1/journal", b, big, NULL, &r);
    ck_assert_msg(r.code == 413 || (r.code == 0 && cc != 0), "HTTP %ld curl %d", r.code, cc);
    free(b);
  }
  raw_post(&c, "T01", "/v1/nothing", "{}", 2, NULL, &r);
  ck_assert_int_eq(r.code, 404);
  raw_post(&c, "T01", "/v1/status", "{\"software\":1}", 14, NULL, &r);
  ck_assert_int_eq(r.code, 400);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 0);
  synctest_centre_stop(&c);
}
END_TEST

START_TEST(altered_row_rejected)
{
  struct synctest_centre c;
  struct term t;
  fresh(&c, "altered");
  start(&c, NULL);
  reg(&c, "T01", "yl-museum");
  term_open(&t, &c, "T01", 100);
  ck_assert_int_eq(synctest_journal_tamper(t.j, 50), 0);
  t.cfg.batch_max = 20;
  term_ns(&t);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_E_REJECTED);
  /* Batches before the altered one are in; the one holding it is refused whole. */
  ck_assert_uint_eq(synctest_journal_acked(t.j), 40);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 40);
  term_close(&t);
  synctest_centre_stop(&c);
}
END_TEST

START_TEST(man_in_the_middle_refused)
{
  struct synctest_centre c;
  struct term t;
  fresh(&c, "mitm");
  /* The impostor has a certificate for the same names from another CA. */
  snprintf(c.server_cert, sizeof c.server_cert, "%s/rogue-server.pem", c.dir);
  snprintf(c.server_key, sizeof c.server_key, "%s/rogue-server.key", c.dir);
  start(&c, NULL);
  reg(&c, "T01", "yl-museum");
  term_open(&t, &c, "T01", 10);
  term_ns(&t);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_E_TLS);
  ck_assert_uint_eq(synctest_journal_acked(t.j), 0);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 0);
  term_close(&t);
  synctest_centre_stop(&c);
}
END_TEST

/* The centre's public key pinned on top of the CA: the right pin passes, any other key
 * (even one the CA vouches for) is refused. */
START_TEST(pinned_public_key)
{
  struct synctest_centre c;
  struct term t;
  char pin[700];
  fresh(&c, "pin");
  start(&c, NULL);
  reg(&c, "T01", "yl-museum");
  term_open(&t, &c, "T01", 10);
  snprintf(pin, sizeof pin, "%s/T02.spki.pem", c.dir);
  t.cfg.pinned_pubkey = pin;
  term_ns(&t);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_E_TLS);
  netsync_destroy(t.ns);
  snprintf(pin, sizeof pin, "%s/server.spki.pem", c.dir);
  term_ns(&t);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_OK);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 10);
  term_close(&t);
  synctest_centre_stop(&c);
}
END_TEST

START_TEST(identities_refused)
{
  struct synctest_centre c;
  struct term t;
  char pem[700];
  fresh(&c, "ident");
  start(&c, NULL);
  reg(&c, "T01", "yl-museum");
  reg(&c, "T02", "yl-museum");
  reg(&c, "T03", "yl-museum");
  /* Unknown: a valid certificate, never registered. */
  term_open(&t, &c, "T04", 5);
  term_ns(&t);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_E_REFUSED);
  term_close(&t);
  /* Retired. */
  ck_assert_int_eq(synctest_admin(&c, NULL, "terminal", "retire", "T02", NULL), 0);
  term_open(&t, &c, "T02", 5);
  term_ns(&t);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_E_REFUSED);
  term_close(&t);
  /* Revoked certificate. */
  snprintf(pem, sizeof pem, "%s/T03.pem", c.dir);
  ck_assert_int_eq(synctest_admin(&c, NULL, "cert", "revoke", "--pem", pem, NULL), 0);
  term_open(&t, &c, "T03", 5);
  term_ns(&t);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_E_REFUSED);
  ck_assert_int_eq(synctest_centre_count(&c, "T03"), 0);
  term_close(&t);
  /* A client certificate from another CA does not get past the handshake. */
  term_open(&t, &c, "rogue-client", 5);
  term_ns(&t);
  {
    int rc = netsync_upload_all(t.ns);
    ck_assert_msg(rc == NETSYNC_E_TLS || rc == NETSYNC_E_NET, "%s", netsync_errname(rc));
  }
  term_close(&t);
  /* T01 still works. */
  term_open(&t, &c, "T01", 5);
  term_ns(&t);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_OK);
  term_close(&t);
  synctest_centre_stop(&c);
}
END_TEST

START_TEST(commit_then_die_no_duplicate)
{
  static const char *const env[] = {"YH_CENTRE_TEST_EXIT_AFTER_COMMIT=2", NULL};
  struct synctest_centre c;
  struct term t;
  int rc, status;
  fresh(&c, "die");
  start(&c, env);
  reg(&c, "T01", "yl-museum");
  term_open(&t, &c, "T01", 3000);
  t.cfg.batch_max = 1000;
  term_ns(&t);
  rc = netsync_upload_all(t.ns);
  ck_assert_msg(rc == NETSYNC_E_NET, "%s", netsync_errname(rc));
  status = synctest_centre_wait(&c, 5000);
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 70, "status %d", status);
  /* The second batch is committed at the centre, but the terminal never heard so. */
  ck_assert_uint_eq(synctest_journal_acked(t.j), 1000);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 2000);
  start(&c, NULL);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_OK);
  ck_assert_uint_eq(synctest_journal_acked(t.j), 3000);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 3000);
  ck_assert_int_eq(synctest_centre_duplicates(&c), 0);
  term_close(&t);
  synctest_centre_stop(&c);
}
END_TEST

START_TEST(killed_mid_upload)
{
  static const char *const env[] = {"YH_CENTRE_TEST_STALL_MS=3000", NULL};
  struct synctest_centre c;
  struct term t;
  struct netsync_status st;
  uint64_t deadline;
  fresh(&c, "kill");
  start(&c, env);
  reg(&c, "T01", "yl-museum");
  term_open(&t, &c, "T01", 4000);
  t.cfg.batch_max = 1000;
  term_ns(&t);
  ck_assert_int_eq(netsync_start(t.ns), NETSYNC_OK);
  usleep(500 * 1000); /* the first batch is inside the centre, stalled before its commit */
  synctest_centre_kill9(&c);
  ck_assert_uint_eq(synctest_journal_acked(t.j), 0);
  start(&c, NULL);
  deadline = synctest_now_ms() + 120000; /* generous: netsync backs off; tests/stress */
  do {
    usleep(20 * 1000);
    netsync_get_status(t.ns, &st);
  } while (synctest_journal_acked(t.j) < 4000 && synctest_now_ms() < deadline);
  netsync_stop(t.ns);
  ck_assert_uint_eq(synctest_journal_acked(t.j), 4000);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 4000);
  ck_assert_int_eq(synctest_centre_duplicates(&c), 0);
  term_close(&t);
  synctest_centre_stop(&c);
}
END_TEST

struct many_arg {
  struct term t;
  int rc;
};

static void *many_worker(void *arg)
{
  struct many_arg *a = arg;
  a->rc = netsync_upload_all(a->t.ns);
  return NULL;
}

START_TEST(many_terminals_at_once)
{
  struct synctest_centre c;
  static struct many_arg a[NTERM];
  pthread_t th[NTERM];
  fresh(&c, "many");
  start(&c, NULL);
  for (int i = 0; i < NTERM; i++) {
    const char *site = i % 2 ? "yl-museum" : "yl-first-hospital";
    reg(&c, terms[i], site);
    term_open_at(&a[i].t, &c, terms[i], site, 1500);
    a[i].t.cfg.batch_max = 250;
    /* Sixteen terminals at once on two loaded CPUs: a batch may wait its turn longer
     * than a terminal's usual limits (NETSYNC_E_NET was seen on PostgreSQL in a full
     * run); what this checks is that every event arrives once, not how soon. */
    a[i].t.cfg.total_timeout_ms = 900000;
    a[i].t.cfg.low_speed_secs = 900;
    term_ns(&a[i].t);
  }
  for (int i = 0; i < NTERM; i++)
    ck_assert_int_eq(pthread_create(&th[i], NULL, many_worker, &a[i]), 0);
  for (int i = 0; i < NTERM; i++) {
    pthread_join(th[i], NULL);
    ck_assert_msg(a[i].rc == NETSYNC_OK, "%s: %s", terms[i], netsync_errname(a[i].rc));
    ck_assert_int_eq(synctest_centre_count(&c, terms[i]), 1500);
    term_close(&a[i].t);
  }
  ck_assert_int_eq(synctest_centre_duplicates(&c), 0);
  synctest_centre_stop(&c);
}
END_TEST

static int file_has(const char *path, const char *needle)
{
  char buf[8192];
  FILE *f = fopen(path, "r");
  size_t n;
  if (!f)
    return 0;
  n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return strstr(buf, needle) != NULL;
}

/* Group commit over TLS (issue 15): terminals uploading batches of 10 at once through
 * eight event loops share commits; T01's broken chain, sent again and again among them,
 * is refused alone each time and nothing of it is stored. */
struct bad_arg {
  const struct synctest_centre *c;
  int refused, other;
};

static void *bad_worker(void *arg)
{
  struct bad_arg *a = arg;
  char ev[900], body[1000];
  struct raw_reply r;
  event_json(1, "1111111111111111111111111111111111111111111111111111111111111111", NULL, ev,
             sizeof ev);
  snprintf(body, sizeof body, "{\"v\":1,\"events\":[%s]}", ev);
  for (int i = 0; i < 8; i++) {
    raw_post(a->c, "T01", "/v1/journal", body, strlen(body), NULL, &r);
    if (r.code == 409 && strstr(r.body, "\"error\":\"chain\""))
      a->refused++;
    else
      a->other++;
  }
  return NULL;
}

START_TEST(group_commit_over_tls)
{
  enum { GOOD = 7, EVENTS = 120 };
  static const char *const env[] = {"YH_CENTRE_TEST_GROUP_HOLD_MS=50", NULL};
  struct synctest_centre c;
  static struct many_arg a[GOOD];
  struct bad_arg bad;
  pthread_t th[GOOD], bth;
  char needle[64];
  int grouped = 0;
  fresh(&c, "group");
  c.workers = 8;
  c.log_info = 1;
  /* the default on SQLite; PostgreSQL (test_centre.pg) takes it when asked */
  snprintf(c.store_extra, sizeof c.store_extra, "group_commit = true\n");
  snprintf(c.log_path, sizeof c.log_path, "%s/centre.log", c.dir);
  start(&c, env);
  reg(&c, "T01", "yl-museum");
  for (int i = 0; i < GOOD; i++) {
    reg(&c, terms[i + 1], "yl-museum");
    term_open(&a[i].t, &c, terms[i + 1], EVENTS);
    a[i].t.cfg.batch_max = 10;
    term_ns(&a[i].t);
  }
  bad.c = &c;
  bad.refused = bad.other = 0;
  ck_assert_int_eq(pthread_create(&bth, NULL, bad_worker, &bad), 0);
  for (int i = 0; i < GOOD; i++)
    ck_assert_int_eq(pthread_create(&th[i], NULL, many_worker, &a[i]), 0);
  for (int i = 0; i < GOOD; i++) {
    pthread_join(th[i], NULL);
    ck_assert_msg(a[i].rc == NETSYNC_OK, "%s: %s", terms[i + 1], netsync_errname(a[i].rc));
    ck_assert_uint_eq(synctest_journal_acked(a[i].t.j), EVENTS);
    ck_assert_int_eq(synctest_centre_count(&c, terms[i + 1]), EVENTS);
    term_close(&a[i].t);
  }
  pthread_join(bth, NULL);
  ck_assert_int_eq(bad.refused, 8);
  ck_assert_int_eq(bad.other, 0);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 0);
  ck_assert_int_eq(synctest_centre_duplicates(&c), 0);
  synctest_centre_stop(&c);
  /* The centre logs each new largest group: at least one had several uploads. */
  for (int n = 2; n <= 8 && !grouped; n++) {
    snprintf(needle, sizeof needle, "group commit: %d uploads in one transaction", n);
    char cmd[800];
    snprintf(cmd, sizeof cmd, "grep -q '%s' '%s'", needle, c.log_path);
    grouped = system(cmd) == 0;
  }
  ck_assert_msg(grouped, "no group of several uploads in %s", c.log_path);
}
END_TEST

START_TEST(status_and_reports)
{
  struct synctest_centre c;
  struct term t;
  char out[700];
  fresh(&c, "report");
  start(&c, NULL);
  reg(&c, "T01", "yl-museum");
  term_open(&t, &c, "T01", 51);
  term_ns(&t);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_OK);
  ck_assert_int_eq(synctest_journal_append(t.j, 4), 0);
  ck_assert_int_eq(netsync_report(t.ns), NETSYNC_OK);
  snprintf(out, sizeof out, "%s/terminals.csv", c.dir);
  ck_assert_int_eq(synctest_admin(&c, out, "terminal", "list", NULL), 0);
  ck_assert_msg(file_has(out, "T01,yl-museum,active,51,"), "terminal list");
  ck_assert_msg(file_has(out, ",test-1.0,4,unknown,"), "status report");
  snprintf(out, sizeof out, "%s/usage.csv", c.dir);
  ck_assert_int_eq(synctest_admin(&c, out, "report", "usage", "2026-01", "2026-01", NULL), 0);
  ck_assert_msg(file_has(out, "site,month,mode,granted,staff_check,denied,waived_yuan,staff_refused\n"),
                "header");
  /* seq 1..51: seq%3==1 cashier (60.00 waived each), ==2 bus, ==0 gate; 34, 17, 51 denied. */
  ck_assert_msg(file_has(out, "yl-museum,2026-01,cashier,16,0,1,960.00,0\n"), "cashier row");
  ck_assert_msg(file_has(out, "yl-museum,2026-01,gate,16,0,1,0.00,0\n"), "gate row");
  ck_assert_msg(file_has(out, "yl-museum,2026-01,bus,16,0,1,0.00,0\n"), "bus row");
  ck_assert_int_eq(synctest_admin(&c, NULL, "report", "usage", "2026-13", NULL), 2);
  term_close(&t);
  synctest_centre_stop(&c);
}
END_TEST

/* centre-admin with its stderr into err_path (the reason a refusal gives); exit code. */
static int admin_err(const struct synctest_centre *c, const char *err_path, const char *args)
{
  char cmd[3000];
  int st;
  snprintf(cmd, sizeof cmd, "'%s' --config '%s' %s > /dev/null 2> '%s'", CENTRE_ADMIN_PATH,
           c->conf, args, err_path);
  st = system(cmd);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define REG_ARGS(gen, level, not_after, issuer)                                            \
  "card", "register", "YL20190201234541", "--generation", gen, "--award", "donor_star",        \
      "--level", level, "--round", "2025", "--issued", "2026-01-05", "--not-after",         \
      not_after, "--issuer", issuer

/* Card registration through centre-admin on a real SQLite file: register, show,
 * idempotence, conflicts (named), strict arguments, a new generation that revokes
 * nothing, and the state following the revocation list either way round. */
START_TEST(card_registration)
{
  struct synctest_centre c;
  char out[700], err[700];
  const char *key = "0123456789abcdef";
  fresh(&c, "cardreg");
  snprintf(out, sizeof out, "%s/show.csv", c.dir);
  snprintf(err, sizeof err, "%s/err.txt", c.dir);
  /* Nothing registered yet. */
  ck_assert_int_eq(synctest_admin(&c, out, "card", "show", "YL20190201234541", NULL), 1);
  ck_assert_int_eq(synctest_admin(&c, out, REG_ARGS("0", "3", "2036-01-04", key), NULL), 0);
  ck_assert_msg(file_has(out, "registered\n"), "first registration");
  /* The same again: no change. */
  ck_assert_int_eq(synctest_admin(&c, out, REG_ARGS("0", "3", "2036-01-04", key), NULL), 0);
  ck_assert_msg(file_has(out, "no change"), "idempotent");
  /* Other data for the same generation: refused, naming what differs. */
  ck_assert_int_eq(admin_err(&c, err,
                             "card register YL20190201234541 --generation 0 --award donor_star"
                             " --level 4 --round 2025 --issued 2026-01-05 --not-after 2036-01-05"
                             " --issuer 0123456789abcdef"),
                   1);
  ck_assert_msg(file_has(err, "registered with another level, not-after"), "conflict named");
  ck_assert_int_eq(admin_err(&c, err,
                             "card register YL20190201234541 --generation 0 --award donor_star"
                             " --level 3 --round 2025 --issued 2026-01-05 --not-after 2036-01-04"
                             " --issuer fedcba9876543210"),
                   1);
  ck_assert_msg(file_has(err, "another issuer"), "issuer conflict named");
  /* Strict arguments: each refusal exits 2 and says why. */
  static const struct {
    const char *args, *why;
  } bad[] = {
      {"card register YL20190201234541 --generation 0 --award donor_star --level 3 --round 2025"
       " --issued 2026-01-05 --not-after 2036-01-04",
       "--issuer is required"},
      {"card register YL20190201234541 --generation -1 --award donor_star --level 3 --round 2025"
       " --issued 2026-01-05 --not-after 2036-01-04 --issuer 0123456789abcdef",
       "--generation"},
      {"card register YL20190201234541 --generation 0 --award promotion --level 0 --round 2025"
       " --issued 2026-01-05 --not-after 2036-01-04 --issuer 0123456789abcdef",
       "--award"},
      {"card register YL20190201234541 --generation 0 --award donor_star --level 2 --round 2025"
       " --issued 2026-01-05 --not-after 2036-01-04 --issuer 0123456789abcdef",
       "level: this award carries no card"},
      {"card register YL20190201234541 --generation 0 --award volunteer_lifetime --level 1"
       " --round 2025 --issued 2026-01-05 --not-after 2036-01-04 --issuer 0123456789abcdef",
       "level: this award carries no card"},
      {"card register YL20190201234541 --generation 0 --award donor_star --level 3 --round 2027"
       " --issued 2026-01-05 --not-after 2036-01-04 --issuer 0123456789abcdef",
       "round"},
      {"card register YL20190201234541 --generation 0 --award donor_star --level 3 --round 2025"
       " --issued 2026-02-29 --not-after 2036-01-04 --issuer 0123456789abcdef",
       "issue date"},
      {"card register YL20190201234541 --generation 0 --award donor_star --level 3 --round 2025"
       " --issued 2026/01/05 --not-after 2036-01-04 --issuer 0123456789abcdef",
       "--issued"},
      {"card register YL20190201234541 --generation 0 --award donor_star --level 3 --round 2025"
       " --issued 2026-01-05 --not-after 2025-12-31 --issuer 0123456789abcdef",
       "before the issue date"},
      {"card register YL20190201234541 --generation 0 --award donor_star --level 3 --round 2025"
       " --issued 2026-01-05 --not-after 2036-01-04 --issuer 0123456789ABCDEF",
       "16 lowercase hex"},
      {"card register YL20190201234541 --generation 0 --award donor_star --level 3 --round 2025"
       " --issued 2026-01-05 --not-after 2036-01-04 --issuer 0123456789abcdef --level 3",
       "--level given twice"},
      {"card register YL20190201234541 --generation 0 --award donor_star --level 3 --round 2025"
       " --issued 2026-01-05 --not-after 2036-01-04 --issuer 0123456789abcdef --name x",
       "unknown argument --name"},
      {"card register 11010519491231002X --generation 0 --award donor_star --level 3"
       " --round 2025 --issued 2026-01-05 --not-after 2036-01-04 --issuer 0123456789abcdef",
       "card number"},
      {"card register YL20190201234542 --generation 0 --award donor_star --level 3"
       " --round 2025 --issued 2026-01-05 --not-after 2036-01-04 --issuer 0123456789abcdef",
       "check digits"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_msg(admin_err(&c, err, bad[i].args) == 2, "bad %zu: exit", i);
    ck_assert_msg(file_has(err, bad[i].why), "bad %zu: reason", i);
  }
  /* Generation 1 registered: generation 0 stays active (revocation is its own step). */
  ck_assert_int_eq(synctest_admin(&c, out, REG_ARGS("1", "3", "2036-01-04", key), NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, out, "card", "show", "YL20190201234541", NULL), 0);
  ck_assert_msg(file_has(out, "generation,state,award,level,round,issued,not_after,issuer,"
                              "registered_at\n0,active,donor_star,3,2025,2026-01-05,2036-01-04,"
                              "0123456789abcdef,"),
                "show generation 0");
  ck_assert_msg(file_has(out, "\n1,active,donor_star,3,2025,"), "show generation 1");
  /* The state follows the revocation list: BELOW 1 revokes generation 0 only. */
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "revoke", "YL20190201234541", "--below", "1",
                                  "--reason", "lost", NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, out, "card", "show", "YL20190201234541", NULL), 0);
  ck_assert_msg(file_has(out, "\n0,revoked,"), "generation 0 revoked");
  ck_assert_msg(file_has(out, "\n1,active,"), "generation 1 still active");
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "restore", "YL20190201234541", "--below", "1",
                                  NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, out, "card", "show", "YL20190201234541", NULL), 0);
  ck_assert_msg(file_has(out, "\n0,active,"), "generation 0 restored");
  /* A revocation that arrived before the registration: registered as revoked. */
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "revoke", "YL20190201234541", "--generation",
                                  "2", NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, out, REG_ARGS("2", "3", "2036-01-04", key), NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, out, "card", "show", "YL20190201234541", NULL), 0);
  ck_assert_msg(file_has(out, "\n2,revoked,"), "revoked before registered");
  /* Nothing personal is stored: the table has no such column. */
  {
    char cols[1024], *save = NULL;
    int n = 0;
    ck_assert_int_eq(synctest_centre_columns(&c, "cards", cols, sizeof cols), 0);
    for (char *col = strtok_r(cols, ",", &save); col; col = strtok_r(NULL, ",", &save), n++)
      ck_assert_msg(!strstr(col, "name") && !strstr(col, "id_n") && !strstr(col, "photo"),
                    "personal column %s", col);
    ck_assert_int_eq(n, 10);
  }
}
END_TEST

/* A sink that records what netsync hands over; revocations go into kiosk's list. */
struct sink {
  struct kiosk_revlist *rl;
  struct proto_key *key;
  int rev_delta, rev_calls;
  uint64_t doc_version;
  char doc[256];
  int doc_calls;
};

static int s_rev_version(void *ctx, uint64_t *v)
{
  *v = kiosk_revlist_version(((struct sink *)ctx)->rl);
  return 0;
}

static int s_apply_rev(void *ctx, const uint8_t *list, size_t len, int is_delta)
{
  struct sink *s = ctx;
  struct kiosk_diag d;
  s->rev_delta = is_delta;
  s->rev_calls++;
  return kiosk_revlist_apply(s->rl, list, len, s->key, &d);
}

static int s_doc_version(void *ctx, const char *kind, uint64_t *v)
{
  (void)kind;
  *v = ((struct sink *)ctx)->doc_version;
  return 0;
}

static int s_apply_doc(void *ctx, const char *kind, uint64_t version, const char *content,
                       size_t len)
{
  struct sink *s = ctx;
  (void)kind;
  if (len >= sizeof s->doc)
    return -1;
  memcpy(s->doc, content, len + 1);
  s->doc_version = version;
  s->doc_calls++;
  return 0;
}

static const struct netsync_sink_ops sink_ops = {s_rev_version, s_apply_rev, s_doc_version,
                                                 s_apply_doc, NULL};

static enum kiosk_rev_status lookup(struct sink *s, const char *card, uint32_t gen)
{
  struct kiosk_rev_lookup l;
  kiosk_revlist_lookup(s->rl, card, gen, &l);
  return l.status;
}

START_TEST(revocations_and_documents)
{
  struct synctest_centre c;
  struct term t;
  static struct sink s;
  struct kiosk_diag d;
  char path[700];
  FILE *f;
  memset(&s, 0, sizeof s);
  fresh(&c, "revdoc");
  start(&c, NULL);
  reg(&c, "T01", "yl-museum");
  snprintf(path, sizeof path, "%s/sign.pub", c.dir);
  ck_assert_int_eq(kiosk_revkey_load_public(path, &s.key, &d), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_create(&s.rl), KIOSK_OK);
  term_open(&t, &c, "T01", 0);
  ck_assert_int_eq(netsync_create(&t.cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(t.j), &sink_ops, &s, &t.ns),
                   NETSYNC_OK);
  /* Nothing revoked yet: an empty snapshot, version 1. */
  ck_assert_int_eq(netsync_fetch_revocations(t.ns), NETSYNC_OK);
  ck_assert_int_eq(s.rev_calls, 1);
  ck_assert_int_eq(s.rev_delta, 0);
  ck_assert_uint_eq(kiosk_revlist_version(s.rl), 1);
  ck_assert_int_eq(lookup(&s, "YL20190201234541", 0), KIOSK_REV_NOT_LISTED);
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "revoke", "YL20190201234541", "--reason", "lent",
                                  NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "revoke", "YL20190201239973", NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "revoke", "YL20190200000798", "--below", "2", NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "revoke", "bad card!", NULL), 2);
  /* A typo in the number (one digit, two swapped) fails its MOD 97-10 check digits: the
   * card that does not exist is neither revoked nor restored. */
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "revoke", "YL20190201234542", NULL), 2);
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "revoke", "YL20190202134541", NULL), 2);
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "restore", "YL20190201234514", NULL), 2);
  /* A citizen ID number is not a card number. */
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "revoke", "11010519491231002X", NULL), 2);
  ck_assert_int_eq(netsync_fetch_revocations(t.ns), NETSYNC_OK);
  ck_assert_int_eq(s.rev_delta, 1);
  ck_assert_uint_eq(kiosk_revlist_version(s.rl), 4);
  ck_assert_int_eq(lookup(&s, "YL20190201234541", 0), KIOSK_REV_REVOKED);
  ck_assert_int_eq(lookup(&s, "YL20190200000798", 1), KIOSK_REV_REVOKED);
  ck_assert_int_eq(lookup(&s, "YL20190200000798", 2), KIOSK_REV_NOT_LISTED);
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "restore", "YL20190201239973", NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "revoke", "YL20190207777773", NULL), 0);
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "restore", "YL20190207777773", NULL), 0);
  ck_assert_int_eq(netsync_fetch_revocations(t.ns), NETSYNC_OK);
  ck_assert_uint_eq(kiosk_revlist_version(s.rl), 7);
  ck_assert_int_eq(lookup(&s, "YL20190201239973", 0), KIOSK_REV_NOT_LISTED);
  ck_assert_int_eq(lookup(&s, "YL20190207777773", 0), KIOSK_REV_NOT_LISTED);
  ck_assert_uint_eq(kiosk_revlist_count(s.rl), 2);
  s.rev_calls = 0;
  ck_assert_int_eq(netsync_fetch_revocations(t.ns), NETSYNC_OK); /* up to date: 204 */
  ck_assert_int_eq(s.rev_calls, 0);
  /* Documents: none yet -> nothing applied. */
  ck_assert_int_eq(netsync_fetch_doc(t.ns, "config"), NETSYNC_OK);
  ck_assert_int_eq(s.doc_calls, 0);
  snprintf(path, sizeof path, "%s/terminal.conf", c.dir);
  f = fopen(path, "w");
  fputs("[sync]\npoll = 300\n", f);
  fclose(f);
  ck_assert_int_eq(synctest_admin(&c, NULL, "doc", "set", "config", path, NULL), 0);
  ck_assert_int_eq(netsync_fetch_doc(t.ns, "config"), NETSYNC_OK);
  ck_assert_int_eq(s.doc_calls, 1);
  ck_assert_uint_eq(s.doc_version, 1);
  ck_assert_str_eq(s.doc, "[sync]\npoll = 300\n");
  ck_assert_int_eq(netsync_fetch_doc(t.ns, "config"), NETSYNC_OK); /* up to date: 204 */
  ck_assert_int_eq(s.doc_calls, 1);
  ck_assert_int_eq(netsync_fetch_doc(t.ns, "trust"), NETSYNC_OK);
  ck_assert_int_eq(s.doc_calls, 1);
  netsync_destroy(t.ns);
  t.ns = NULL;

  /* With the wrong signing key pinned, nothing signed is accepted. */
  s.doc_version = 0;
  snprintf(t.p.sign, sizeof t.p.sign, "%s/other-sign.pub", c.dir);
  ck_assert_int_eq(netsync_create(&t.cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(t.j), &sink_ops, &s, &t.ns),
                   NETSYNC_OK);
  ck_assert_int_eq(netsync_fetch_doc(t.ns, "config"), NETSYNC_E_SIGNATURE);
  ck_assert_int_eq(synctest_journal_append(t.j, 3), 0);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_E_SIGNATURE);
  ck_assert_uint_eq(synctest_journal_acked(t.j), 0);
  term_close(&t);
  kiosk_revlist_destroy(s.rl);
  kiosk_revkey_destroy(s.key);
  synctest_centre_stop(&c);
}
END_TEST

/* Nothing changes for longer than [revocations] refresh: the centre issues an empty delta
 * so that the terminal's list carries a fresh issue time instead of turning "stale". */
START_TEST(unchanged_list_is_reissued)
{
  struct synctest_centre c;
  struct term t;
  static struct sink s;
  struct kiosk_diag d;
  struct kiosk_rev_lookup l;
  char path[700];
  memset(&s, 0, sizeof s);
  fresh(&c, "refresh");
  c.rev_refresh = 3;
  start(&c, NULL);
  reg(&c, "T01", "yl-museum");
  snprintf(path, sizeof path, "%s/sign.pub", c.dir);
  ck_assert_int_eq(kiosk_revkey_load_public(path, &s.key, &d), KIOSK_OK);
  ck_assert_int_eq(kiosk_revlist_create(&s.rl), KIOSK_OK);
  term_open(&t, &c, "T01", 0);
  ck_assert_int_eq(netsync_create(&t.cfg, &netsync_kiosk_journal_ops,
                                  synctest_journal_kiosk(t.j), &sink_ops, &s, &t.ns),
                   NETSYNC_OK);
  ck_assert_int_eq(synctest_admin(&c, NULL, "card", "revoke", "YL20190200007006", NULL), 0);
  ck_assert_int_eq(netsync_fetch_revocations(t.ns), NETSYNC_OK);
  ck_assert_uint_eq(kiosk_revlist_version(s.rl), 2);
  ck_assert_int_eq(netsync_fetch_revocations(t.ns), NETSYNC_OK); /* current: 204 */
  ck_assert_int_eq(s.rev_calls, 1);
  kiosk_revlist_lookup(s.rl, "YL20190200007006", 0, &l);
  ck_assert_int_eq(l.status, KIOSK_REV_REVOKED);
  sleep(4);
  ck_assert_int_eq(netsync_fetch_revocations(t.ns), NETSYNC_OK);
  ck_assert_int_eq(s.rev_calls, 2);
  ck_assert_int_eq(s.rev_delta, 1);
  ck_assert_uint_eq(kiosk_revlist_version(s.rl), 3);
  ck_assert_uint_eq(kiosk_revlist_count(s.rl), 1);
  {
    struct kiosk_rev_lookup l2;
    kiosk_revlist_lookup(s.rl, "YL20190200007006", 0, &l2);
    ck_assert_int_eq(l2.status, KIOSK_REV_REVOKED);
    ck_assert_int_ge(l2.issued_at, l.issued_at + 3);
  }
  term_close(&t);
  kiosk_revlist_destroy(s.rl);
  kiosk_revkey_destroy(s.key);
  synctest_centre_stop(&c);
}
END_TEST

START_TEST(hundred_thousand_offline_then_synced)
{
  struct synctest_centre c;
  struct term t;
  uint64_t t0, ms;
  fresh(&c, "100k");
  /* A 5,000-event batch is one request: on a loaded machine (or on PostgreSQL, a round
   * trip per statement) it may take far longer than a terminal's usual 60 s. What this
   * test checks is that all of them arrive once; the time is printed, not asserted. */
  snprintf(c.limits_extra, sizeof c.limits_extra, "request_timeout = 1800\n");
  start(&c, NULL);
  reg(&c, "T01", "yl-museum");
  term_open(&t, &c, "T01", 100000);
  t.cfg.batch_max = 5000;
  t.cfg.total_timeout_ms = 900000;
  /* and the centre says nothing while it stores one: not a stalled link (netsync's
   * low-speed abort, 20 s by default, cut such a request with both CPUs busy) */
  t.cfg.low_speed_secs = 900;
  term_ns(&t);
  t0 = synctest_now_ms();
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_OK);
  ms = synctest_now_ms() - t0;
  fprintf(stderr, "100000 events synced in %" PRIu64 " ms\n", ms);
  ck_assert_uint_eq(synctest_journal_acked(t.j), 100000);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 100000);
  term_close(&t);
  synctest_centre_stop(&c);
}
END_TEST

/* The PKI as the project makes it (yhpki, tools/pki) and a key from centre-admin keygen:
 * the file names and formats the two tools produce work together. */
START_TEST(pki_from_yhpki)
{
  struct synctest_centre c;
  struct term t;
  struct yhpki_validity v = {(int64_t)time(NULL) - 3600, 30};
  char dir[256], pki[300], key[400], pub[400], cmd[1400];
  ck_assert_int_eq(synctest_tmpdir("yhpki", dir, sizeof dir), 0);
  snprintf(pki, sizeof pki, "%s/pki", dir);
  ck_assert_int_eq(yhpki_init_root(pki, "Yulin Test Root", CARDIO_SUITE_P256, &v), 0);
  ck_assert_int_eq(yhpki_new_terminal(pki, "T-TEST-01", &v), 0);
  ck_assert_int_eq(yhpki_new_server(pki, "centre", &v), 0);
  snprintf(key, sizeof key, "%s/centre-sign.key", dir);
  snprintf(pub, sizeof pub, "%s/centre-sign.pub", dir);
  snprintf(cmd, sizeof cmd, "%s keygen %s %s > /dev/null", CENTRE_ADMIN_PATH, key, pub);
  ck_assert_int_eq(system(cmd), 0);
  synctest_centre_init(&c, dir, "centre.db");
  snprintf(c.server_cert, sizeof c.server_cert, "%s/tls/server-centre.pem", pki);
  snprintf(c.server_key, sizeof c.server_key, "%s/tls/server-centre.key.pem", pki);
  snprintf(c.ca, sizeof c.ca, "%s/tls/ca.pem", pki);
  snprintf(c.sign_key, sizeof c.sign_key, "%s", key);
  start(&c, NULL);
  reg(&c, "T-TEST-01", "yl-museum");
  term_open(&t, &c, "T-TEST-01", 25);
  snprintf(t.p.ca, sizeof t.p.ca, "%s/tls/ca.pem", pki);
  snprintf(t.p.cert, sizeof t.p.cert, "%s/tls/terminal-T-TEST-01.pem", pki);
  snprintf(t.p.key, sizeof t.p.key, "%s/tls/terminal-T-TEST-01.key.pem", pki);
  snprintf(t.p.sign, sizeof t.p.sign, "%s", pub);
  term_ns(&t);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_OK);
  ck_assert_int_eq(synctest_centre_count(&c, "T-TEST-01"), 25);
  term_close(&t);
  synctest_centre_stop(&c);
}
END_TEST

/* Issue 11, point 2: one bad event never wedges a terminal. A batch whose third event
 * has time 0 (a clock reset) and whose fourth carries an ID number in `vehicle`: the
 * events before and after are accepted, the two are quarantined with their reason
 * (listed by centre-admin, without the ID number), the chain goes on through them, and a
 * replay of the same batch changes nothing. */
START_TEST(quarantine_keeps_chain_flowing)
{
  struct synctest_centre c;
  struct raw_reply r;
  struct proto_event e[6];
  char body[8000], out[700];
  uint8_t prev[KIOSK_HASH_LEN] = {0};
  FILE *f;
  char line[512];
  int rows = 0, saw_time = 0, saw_field = 0;
  fresh(&c, "quarantine");
  start(&c, NULL);
  reg(&c, "T01", "yl-museum");
  for (int i = 0; i < 6; i++) {
    synctest_event((uint64_t)i + 1, "T01", "yl-museum", &e[i]);
    memcpy(e[i].prev_hash, prev, KIOSK_HASH_LEN);
    if (i == 2)
      e[i].time = 0;
    if (i == 3) {
      /* proto hashes only valid events: an old terminal's journal is the only place
       * such an event could come from; any hash will do, the next event links to it. */
      snprintf(e[i].vehicle, sizeof e[i].vehicle, "11010519491231002X");
      memset(e[i].hash, 0x5a, KIOSK_HASH_LEN);
    } else {
      ck_assert_int_eq(centre_event_hash(&e[i], e[i].hash), CENTRE_OK);
    }
    memcpy(prev, e[i].hash, KIOSK_HASH_LEN);
  }
  {
    struct sinkbuf sb = {body, 0, sizeof body - 1};
    ck_assert_int_eq(proto_batch_encode(e, 6, sinkbuf_put, &sb), PROTO_OK);
    body[sb.len] = '\0';
  }
  for (int round = 0; round < 2; round++) {
    raw_post(&c, "T01", "/v1/journal", body, strlen(body), NULL, &r);
    ck_assert_msg(r.code == 200, "round %d: HTTP %ld %s", round, r.code, r.body);
    ck_assert_msg(strstr(r.body, "\"acked_through\":6"), "%s", r.body);
    ck_assert_int_eq(synctest_centre_count(&c, "T01"), 4);
    ck_assert_int_eq(synctest_centre_duplicates(&c), 0);
  }
  snprintf(out, sizeof out, "%s/quarantine.csv", c.dir);
  ck_assert_int_eq(synctest_admin(&c, out, "quarantine", "list", NULL), 0);
  f = fopen(out, "r");
  ck_assert_ptr_nonnull(f);
  while (fgets(line, sizeof line, f)) {
    ck_assert_msg(!strstr(line, "1231002X"), "the ID number reached the list: %s", line);
    if (strncmp(line, "T01,3,0,", 8) == 0 && strstr(line, "clock reset"))
      saw_time = 1;
    if (strncmp(line, "T01,4,", 6) == 0 && strstr(line, "vehicle"))
      saw_field = 1;
    rows++;
  }
  fclose(f);
  ck_assert_int_eq(rows, 3); /* header and two */
  ck_assert(saw_time);
  ck_assert(saw_field);
  /* The next batch continues from the quarantined events' chain. */
  {
    struct proto_event n;
    struct sinkbuf sb = {body, 0, sizeof body};
    synctest_event(7, "T01", "yl-museum", &n);
    memcpy(n.prev_hash, prev, KIOSK_HASH_LEN);
    ck_assert_int_eq(centre_event_hash(&n, n.hash), CENTRE_OK);
    ck_assert_int_eq(proto_batch_encode(&n, 1, sinkbuf_put, &sb), PROTO_OK);
    body[sb.len] = '\0';
    raw_post(&c, "T01", "/v1/journal", body, strlen(body), NULL, &r);
    ck_assert_msg(r.code == 200, "HTTP %ld %s", r.code, r.body);
    ck_assert_int_eq(synctest_centre_count(&c, "T01"), 5);
  }
  /* A terminal id shaped like an ID number cannot even be registered. */
  ck_assert_int_ne(synctest_admin(&c, NULL, "terminal", "register", "11010519491231002X",
                                  "yl-museum", NULL),
                   0);
  synctest_centre_stop(&c);
}
END_TEST

/* The same through netsync and kiosk's journal: a terminal whose clock read 1970 and
 * earlier journals time 0 and -1000 between valid events; everything reaches the
 * centre (the two in quarantine) and netsync does not end REFUSED. */
START_TEST(clock_reset_does_not_wedge_sync)
{
  struct synctest_centre c;
  struct term t;
  char out[700];
  fresh(&c, "clockreset");
  start(&c, NULL);
  reg(&c, "T01", "yl-museum");
  term_open(&t, &c, "T01", 3);
  ck_assert_int_eq(synctest_journal_append_at(t.j, 0), 0);
  ck_assert_int_eq(synctest_journal_append_at(t.j, -1000), 0);
  ck_assert_int_eq(synctest_journal_append_api(t.j, 3), 0);
  term_ns(&t);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_OK);
  ck_assert_uint_eq(synctest_journal_acked(t.j), 8);
  ck_assert_int_eq(synctest_centre_count(&c, "T01"), 6);
  ck_assert_int_eq(synctest_journal_append_api(t.j, 2), 0);
  ck_assert_int_eq(netsync_upload_all(t.ns), NETSYNC_OK);
  ck_assert_uint_eq(synctest_journal_acked(t.j), 10);
  snprintf(out, sizeof out, "%s/q.csv", c.dir);
  ck_assert_int_eq(synctest_admin(&c, out, "quarantine", "list", "T01", NULL), 0);
  ck_assert(file_has(out, "T01,4,0,"));
  ck_assert(file_has(out, "T01,5,-1000,"));
  term_close(&t);
  synctest_centre_stop(&c);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("centre");
  TCase *tc = tcase_create("loopback");
  tcase_set_timeout(tc, 240); /* generous: CI runs it under ASan beside other suites */
  tcase_add_test(tc, upload_and_replay);
  tcase_add_test(tc, gap_names_expected_seq);
  tcase_add_test(tc, malformed_bodies);
  tcase_add_test(tc, altered_row_rejected);
  tcase_add_test(tc, man_in_the_middle_refused);
  tcase_add_test(tc, pinned_public_key);
  tcase_add_test(tc, identities_refused);
  tcase_add_test(tc, commit_then_die_no_duplicate);
  tcase_add_test(tc, killed_mid_upload);
  tcase_add_test(tc, many_terminals_at_once);
  tcase_add_test(tc, group_commit_over_tls);
  tcase_add_test(tc, status_and_reports);
  tcase_add_test(tc, card_registration);
  tcase_add_test(tc, revocations_and_documents);
  tcase_add_test(tc, unchanged_list_is_reissued);
  tcase_add_test(tc, hundred_thousand_offline_then_synced);
  tcase_add_test(tc, pki_from_yhpki);
  tcase_add_test(tc, quarantine_keeps_chain_flowing);
  tcase_add_test(tc, clock_reset_does_not_wedge_sync);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  static char names[NTERM][8];
  SRunner *sr;
  int failed;
  signal(SIGPIPE, SIG_IGN);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  for (int i = 0; i < NTERM; i++) {
    snprintf(names[i], sizeof names[i], "T%02d", i + 1);
    terms[i] = names[i];
  }
  if (synctest_tmpdir("pki", pki_dir, sizeof pki_dir) != 0 ||
      synctest_pki_make(pki_dir, terms, NTERM) != 0) {
    fprintf(stderr, "cannot make the test PKI\n");
    return 1;
  }
  sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
