/*
 * The HIS API end to end (issue 12, docs/his-api.md): `kiosk run` as a process
 * (headless, cashier, two readers), pcscd, vpcd and the card simulator, and the reference
 * client `kiosk his` as the hospital's billing system would run it:
 *
 *   - create a waiver: the client waits; the holder's social security card and honour
 *     card are presented; the answer is GRANT with the journal seq, the fee and the
 *     staff id; get reads it back; void cancels it (a VOID event naming it, by the staff
 *     member); a second void is refused; list shows both;
 *   - what the API refuses, through raw HTTP on its socket: no or a wrong token, bad
 *     JSON, unknown keys, wrong types, an ID-shaped bill (never logged), oversized and
 *     truncated bodies, unknown paths and methods, a second request while one is in
 *     progress; a withdrawn request (DELETE, or the client hanging up) returns the screen
 *     to idle and journals nothing;
 *   - the screen while a request waits ("request", then the verdict); a holder already
 *     at the till in the keyboard flow gets the HIS a 409 and the request is taken once
 *     that session ends; a request nobody polls expires (his_request_expiry_s = 2 here);
 *     the cashier's Esc answers a waiting long poll with 410 cancelled_by "cashier";
 *   - a void with nobody signed in is refused; a token file another user could read stops
 *     the program at start, naming the file.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kt_rig.h"
#include "yh_fixture.h"

#define HOLDER_ID "450902198506121232"
#define TOKEN "his-test-token-0123456789abcdef"

static struct kt_rig rig;
#define K (&rig.k)
static char hsock[320], tokpath[320];

static void setup(void)
{
  kt_rig_setup(&rig, "kiosk-his", 2, NULL, 0);
  snprintf(hsock, sizeof hsock, "%s/his.sock", rig.dir);
  snprintf(tokpath, sizeof tokpath, "%s/his.token", rig.dir);
  int fd = open(tokpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, TOKEN "\n", sizeof TOKEN), (ssize_t)sizeof TOKEN);
  close(fd);
}

static void teardown(void)
{
  kt_rig_teardown(&rig);
}

/* A cashier with two readers (honour card, social security card) and the HIS API on a
 * Unix socket; terminal_lines: more [terminal] keys ("staff_id = S01\n" signs someone in;
 * "" nobody, as a void needs staff). Not kt_rig_write_config: that one always signs S01 in. */
static void write_config(const char *terminal_lines)
{
  char text[2048];
  snprintf(text, sizeof text,
           "[terminal]\nsite = hosp.yl-first-people\nmode = cashier\nterminal_id = c1\n"
           "reader = %s\nssc_reader = %s\n%s"
           "his_listen = unix:%s\nhis_token_file = his.token\n"
           "[paths]\ntrust_store = pki/trust\njournal = journal.db\nrevocation = revocation.yrl\n"
           "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-01-01\n"
           "revocation_stale = deny\n"
           "[ui]\nfullscreen = false\nsound = false\n",
           rig.reader[0], rig.reader[1], terminal_lines, hsock);
  kt_write_file(rig.dir, "kiosk.ini", text);
  /* the hospital's tariff, as a synced one is kept beside the journal: 12.00 yuan */
  char path[400];
  snprintf(path, sizeof path, "%s/journal.db.tariff", rig.dir);
  kt_write_tariff(path, "hosp.yl-first-people", 1, 1200, 2000);
}

/* The reference client `kiosk his ARGS` against this terminal's socket and token:
 * stdout and stderr into out, its exit status returned. */
static int his(const char *args, char *out, size_t cap)
{
  char cmd[1600];
  snprintf(cmd, sizeof cmd, "'%s' his %s --url 'unix:%s' --token-file '%s' 2>&1", K->bin, args,
           hsock, tokpath);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t n = fread(out, 1, cap - 1, p);
  out[n] = '\0';
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int journal(const char *args, char *out, size_t cap)
{
  char a[600];
  snprintf(a, sizeof a, "journal %s", args);
  return kt_kiosk_cmd(K, a, out, cap);
}

/* Raw HTTP on the HIS socket: the status code, the answer into out. */
static int raw_http(const char *req, size_t len, int close_early, char *out, size_t cap)
{
  out[0] = '\0';
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, hsock, strlen(hsock));
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  size_t off = 0;
  while (off < len) {
    /* MSG_NOSIGNAL: the server may refuse an oversized body and close before it is all
     * sent; that is an answer to read, not a SIGPIPE for the test (seen under load). */
    ssize_t w = send(fd, req + off, len - off, MSG_NOSIGNAL);
    if (w <= 0)
      break;
    off += (size_t)w;
  }
  if (close_early) {
    close(fd);
    return 0;
  }
  /* no shutdown(SHUT_WR): the end of the stream is a hang-up to the server */
  size_t got = 0;
  ssize_t r;
  while (got < cap - 1 && (r = read(fd, out + got, cap - 1 - got)) > 0)
    got += (size_t)r;
  out[got] = '\0';
  close(fd);
  int code = 0;
  sscanf(out, "HTTP/1.%*d %d", &code);
  return code;
}

/* A request's bytes: the header lines (auth, ctype may be NULL) and the body. */
static size_t build_post(char *req, size_t cap, const char *path, const char *auth,
                         const char *ctype, const char *body)
{
  size_t blen = strlen(body);
  int n = snprintf(req, cap, "POST %s HTTP/1.1\r\nHost: localhost\r\n", path);
  if (auth)
    n += snprintf(req + n, cap - (size_t)n, "Authorization: Bearer %s\r\n", auth);
  if (ctype)
    n += snprintf(req + n, cap - (size_t)n, "Content-Type: %s\r\n", ctype);
  n += snprintf(req + n, cap - (size_t)n, "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                blen);
  ck_assert((size_t)n + blen < cap);
  memcpy(req + n, body, blen);
  return (size_t)n + blen;
}

static int post(const char *path, const char *auth, const char *ctype, const char *body,
                char *out, size_t cap)
{
  static char req[256 * 1024];
  size_t len = build_post(req, sizeof req, path, auth, ctype, body);
  return raw_http(req, len, 0, out, cap);
}

static int get(const char *path, const char *method, char *out, size_t cap)
{
  char req[600];
  int n = snprintf(req, sizeof req,
                   "%s %s HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " TOKEN
                   "\r\nConnection: close\r\n\r\n",
                   method, path);
  return raw_http(req, (size_t)n, 0, out, cap);
}

/* The value of "key": N in a JSON text (0 when absent). */
static long long json_num(const char *text, const char *key)
{
  char k[64];
  snprintf(k, sizeof k, "\"%s\": ", key);
  const char *p = strstr(text, k);
  return p ? strtoll(p + strlen(k), NULL, 10) : 0;
}

/* The last "seq" of the journal (kiosk journal status). */
static long long journal_last(void)
{
  static char out[1 << 16];
  ck_assert_int_eq(journal("export", out, sizeof out), 0);
  long long last = 0;
  for (const char *p = out; (p = strstr(p, "\"seq\":")); p += 6)
    last = strtoll(p + 6, NULL, 10);
  return last;
}

/* A client started in the background: its pipe, read when it has finished. */
static FILE *his_bg(const char *args)
{
  char cmd[1600];
  snprintf(cmd, sizeof cmd, "'%s' his %s --url 'unix:%s' --token-file '%s' 2>&1", K->bin, args,
           hsock, tokpath);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  return p;
}

static int his_bg_end(FILE *p, char *out, size_t cap)
{
  size_t n = fread(out, 1, cap - 1, p);
  out[n] = '\0';
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The log has a line holding needle (the test fails naming it, with the log's tail). */
static void wait_log(const char *needle)
{
  ck_assert_msg(kt_log_wait(K, needle, KT_WAIT_MS) == 0, "no '%s' in the log: %s", needle,
                kt_log_tail(K));
}

START_TEST(waiver_end_to_end)
{
  write_config("staff_id = S01\n");
  kt_kiosk_start(K, NULL);
  static char out[1 << 16], o2[1 << 16];

  /* the HIS asks; the screen waits for the card */
  FILE *p = his_bg("create --bill MZ2026/12/01-7 --visit outpatient --fee-item consultation "
                   "--wait 300");
  wait_log("HIS request 1: outpatient visit, waiting for the card");
  /* the screen shows the request, not idle */
  kt_status_wait(K, "screen", "request");
  /* the holder puts down the social security card, then the honour card */
  kt_card_in(&rig, 1, "ssc-valid");
  kt_status_wait(K, "ssc_reader", "card");
  kt_card_in(&rig, 0, "honour-star3");
  ck_assert_msg(his_bg_end(p, out, sizeof out) == 0, "create: %s (log %s)", out, K->log);
  printf("create:\n%s", out);
  ck_assert_msg(strstr(out, "\"state\": \"done\"") && strstr(out, "\"verdict\": \"GRANT\""),
                "%s", out);
  ck_assert_msg(strstr(out, "\"amount_fen\": 1200") && strstr(out, "\"staff_id\": \"S01\"") &&
                    strstr(out, "\"bill\": \"MZ2026/12/01-7\"") && strstr(out, "HOLDER_MATCHED"),
                "%s", out);
  ck_assert_msg(strstr(out, "\"visit\": \"outpatient\"") &&
                    strstr(out, "\"fee_item\": \"consultation\""),
                "%s", out);
  long long wid = json_num(out, "waiver_id");
  ck_assert_int_gt(wid, 0);
  ck_assert_int_eq(wid, journal_last());
  /* the verdict is on screen (with the waiver id: tests/ui's verdict_cashier_his_grant) */
  kt_status_wait(K, "screen", "verdict");
  kt_card_out(&rig, 0);
  kt_card_out(&rig, 1);

  /* read it back */
  char args[200];
  snprintf(args, sizeof args, "get --id %lld", wid);
  ck_assert_msg(his(args, o2, sizeof o2) == 0, "%s", o2);
  printf("get:\n%s", o2);
  ck_assert_msg(strstr(o2, "\"verdict\": \"GRANT\"") && strstr(o2, "\"void\": null"), "%s", o2);

  /* void it: a VOID event naming it, by S01; a second void is refused */
  snprintf(args, sizeof args, "void --id %lld --reason bill_cancelled", wid);
  ck_assert_msg(his(args, o2, sizeof o2) == 0, "%s", o2);
  printf("void:\n%s", o2);
  long long vid = json_num(o2, "void_id");
  ck_assert_int_eq(vid, wid + 1);
  ck_assert_int_eq(his(args, o2, sizeof o2), 1);
  ck_assert_msg(strstr(o2, "already_voided") && strstr(o2, "HTTP 409"), "%s", o2);

  /* the day's list: the waiver, voided, and the void */
  ck_assert_msg(his("list", o2, sizeof o2) == 0, "%s", o2);
  printf("list:\n%s", o2);
  ck_assert_msg(json_num(o2, "count") == 1 && strstr(o2, "\"void_id\""), "%s", o2);
  snprintf(args, sizeof args, "get --id %lld", wid);
  ck_assert_int_eq(his(args, o2, sizeof o2), 0);
  ck_assert_msg(json_num(o2, "void_id") == vid, "%s", o2);
  /* a void is not a waiver */
  snprintf(args, sizeof args, "get --id %lld", vid);
  ck_assert_int_eq(his(args, o2, sizeof o2), 1);
  ck_assert_msg(strstr(o2, "HTTP 404"), "%s", o2);

  kt_kiosk_sigterm(K);
  ck_assert_int_eq(journal("export", o2, sizeof o2), 0);
  ck_assert_msg(strstr(o2, "\"kind\":\"void\"") && strstr(o2, "\"ref_seq\":"), "%s", o2);
  ck_assert_int_eq(journal("verify", o2, sizeof o2), 0);
  ck_assert(!kt_file_has(K->log, HOLDER_ID));
  ck_assert(!kt_file_has(K->log, TOKEN));
  ck_assert(!kt_file_has(K->log, "MZ2026")); /* bill numbers stay out of the log */
}
END_TEST

START_TEST(refusals_and_withdrawals)
{
  write_config("staff_id = S01\n");
  kt_kiosk_start(K, NULL);
  static char out[1 << 17];
  const char *json = "application/json";
  const char *good = "{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}";

  /* the token */
  ck_assert_int_eq(post("/v1/waivers?wait=0", NULL, json, good, out, sizeof out), 401);
  ck_assert_msg(strstr(out, "\"unauthorized\""), "%s", out);
  ck_assert_int_eq(post("/v1/waivers?wait=0", "wrong-token-0123456789", json, good, out,
                        sizeof out), 401);
  ck_assert_int_eq(post("/v1/waivers?wait=0", TOKEN "x", json, good, out, sizeof out), 401);
  /* the body */
  static const struct {
    const char *body, *says;
  } bad[] = {
      {"", "empty body"},
      {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\"", "not valid JSON"},
      {"[1,2]", "not a JSON object"},
      {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\",\"x\":1}", "unknown key"},
      {"{\"bill\":7,\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}", "bill: must be a string"},
      {"{\"bill\":\"" HOLDER_ID "\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}",
       "shaped like an ID number"},
      {"{\"bill\":\"MZ 1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}", "bill:"},
      {"{\"bill\":\"MZ1\",\"visit\":\"dental\",\"fee_item\":\"consultation\"}", "visit:"},
      {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\",\"amount_fen\":1.5}",
       "amount_fen"},
      {"{\"bill\":\"MZ1\",\"bill\":\"MZ2\",\"visit\":\"outpatient\",\"fee_item\":\"c\"}",
       "not valid JSON"},
      {"{\"bill\":\"MZ1\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"} {}", "not valid JSON"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_msg(post("/v1/waivers?wait=0", TOKEN, json, bad[i].body, out, sizeof out) == 400,
                  "case %zu: %s", i, out);
    ck_assert_msg(strstr(out, bad[i].says), "case %zu: %s", i, out);
  }
  ck_assert_int_eq(post("/v1/waivers?wait=0", TOKEN, "text/plain", good, out, sizeof out), 415);
  ck_assert_int_eq(post("/v1/waivers?wait=500", TOKEN, json, good, out, sizeof out), 400);
  ck_assert_int_eq(post("/v1/waivers?wait=1&wait=2", TOKEN, json, good, out, sizeof out), 400);
  /* oversized: ours (4 KiB) and evhttp's own (64 KiB) */
  static char big[100 * 1024];
  memset(big, ' ', sizeof big - 1);
  big[0] = '{';
  big[5000] = '}';
  big[5001] = '\0';
  ck_assert_int_eq(post("/v1/waivers", TOKEN, json, big, out, sizeof out), 413);
  ck_assert_msg(strstr(out, "payload_too_large"), "%s", out);
  big[5001] = ' ';
  big[sizeof big - 2] = '}';
  int code = post("/v1/waivers", TOKEN, json, big, out, sizeof out);
  ck_assert_msg(code == 413 || code == 0, "%d %s", code, out); /* or the connection cut */
  /* truncated: the body never comes whole; the server stays up */
  const char trunc[] = "POST /v1/waivers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " TOKEN
                       "\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"bill\"";
  raw_http(trunc, sizeof trunc - 1, 1, out, sizeof out);
  ck_assert_int_eq(raw_http("GARBAGE\r\n\r\n", 11, 0, out, sizeof out), 400);
  /* paths and methods */
  ck_assert_int_eq(get("/v1/nothing", "GET", out, sizeof out), 404);
  ck_assert_int_eq(get("/v1/waivers/0", "GET", out, sizeof out), 404);
  ck_assert_int_eq(get("/v1/waivers/99", "GET", out, sizeof out), 404);
  ck_assert_int_eq(get("/v1/waivers/1/void", "GET", out, sizeof out), 405);
  ck_assert_int_eq(get("/v1/waivers", "DELETE", out, sizeof out), 405);
  ck_assert_int_eq(get("/v1/waivers?day=2026-02-30", "GET", out, sizeof out), 400);
  ck_assert_int_eq(get("/v1/waivers?day=2026-12-01", "GET", out, sizeof out), 200);
  ck_assert_msg(strstr(out, "\"count\": 0"), "%s", out);

  /* one at a time: a request in progress (202), a second one 409; withdrawn: 410, the
   * screen back to idle, nothing journaled */
  long long before = journal_last();
  ck_assert_int_eq(post("/v1/waivers?wait=0", TOKEN, json, good, out, sizeof out), 202);
  ck_assert_msg(strstr(out, "\"state\": \"pending\""), "%s", out);
  long long rid = json_num(out, "request_id");
  ck_assert_int_eq(post("/v1/waivers?wait=0", TOKEN, json, good, out, sizeof out), 409);
  ck_assert_msg(strstr(out, "\"busy\""), "%s", out);
  kt_card_in(&rig, 0, "honour-star3"); /* no SSC: it waits */
  char path[64];
  snprintf(path, sizeof path, "/v1/requests/%lld?wait=2", rid);
  uint64_t end = yh_now_ms() + 60000;
  do /* the card read, the screen asks for the social security card: still pending */
    code = get(path, "GET", out, sizeof out);
  while (code == 202 && !strstr(out, "HOLDER_CREDENTIAL_NEEDED") && yh_now_ms() < end);
  ck_assert_msg(code == 202 && strstr(out, "HOLDER_CREDENTIAL_NEEDED"), "%d %s", code, out);
  printf("pending:\n%s", strstr(out, "\r\n\r\n") ? strstr(out, "\r\n\r\n") + 4 : out);
  kt_status_wait(K, "session", "asking");
  snprintf(path, sizeof path, "/v1/requests/%lld", rid);
  ck_assert_int_eq(get(path, "DELETE", out, sizeof out), 410);
  kt_status_wait(K, "session", "idle");
  ck_assert_int_eq(get(path, "GET", out, sizeof out), 410);
  ck_assert_int_eq(journal_last(), before);
  kt_card_out(&rig, 0);

  /* the client hangs up while it waits: withdrawn */
  static char req[4096];
  size_t len = build_post(req, sizeof req, "/v1/waivers?wait=120", TOKEN, json,
                          "{\"bill\":\"MZ2\",\"visit\":\"inpatient\",\"fee_item\":\"consultation\"}");
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, hsock, strlen(hsock));
  ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  ck_assert_int_eq(send(fd, req, len, MSG_NOSIGNAL), (ssize_t)len);
  wait_log("HIS request 2: inpatient visit, waiting for the card");
  close(fd);
  wait_log("HIS request 2: the client hung up: withdrawn");
  wait_log("HIS request 2 withdrawn (withdrawn by the billing system): nothing journaled");
  ck_assert_int_eq(journal_last(), before);

  kt_kiosk_sigterm(K);
  ck_assert(!kt_file_has(K->log, HOLDER_ID));
  ck_assert(!kt_file_has(K->log, TOKEN));
}
END_TEST

/* The screen while a request waits, and the ways a request ends without a verdict: a
 * holder already at the till (409, then accepted once that session ends), nobody polling
 * it (his_request_expiry_s), the cashier's Esc (410 to the waiting long poll). */
START_TEST(screen_busy_expiry_and_cashier_cancel)
{
  uint64_t t0 = yh_now_ms();
  write_config("staff_id = S01\nhis_request_expiry_s = 2\n");
  kt_kiosk_start(K, NULL);
  static char out[1 << 16];
  const char *json = "application/json";
  const char *good = "{\"bill\":\"MZ9\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}";
  long long before = journal_last();

  /* a holder at the till in the keyboard flow: the honour card, no social security card
   * yet; the screen asks for it. The HIS is told 409 terminal_busy. */
  kt_card_in(&rig, 0, "honour-star3");
  kt_status_wait(K, "session", "asking");
  ck_assert_int_eq(post("/v1/waivers?wait=0", TOKEN, json, good, out, sizeof out), 409);
  ck_assert_msg(strstr(out, "\"terminal_busy\""), "%s", out);
  /* the cashier ends that session (Esc); the same request is taken now, and its screen
   * is up (not idle) */
  ck_assert_int_eq(kt_ctl(K, "key esc", out, sizeof out), 0);
  kt_status_wait(K, "session", "idle");
  ck_assert_int_eq(post("/v1/waivers?wait=0", TOKEN, json, good, out, sizeof out), 202);
  long long rid = json_num(out, "request_id");
  ck_assert_int_gt(rid, 0);
  kt_status_wait(K, "screen", "request");
  kt_card_out(&rig, 0);

  /* nobody polls it: withdrawn after 2 s, the screen says so, then idle; 410 expired */
  char needle[96];
  snprintf(needle, sizeof needle, "HIS request %lld: nobody asked for it for 2 s: withdrawn", rid);
  wait_log(needle);
  snprintf(needle, sizeof needle, "HIS request %lld withdrawn (expired): nothing journaled", rid);
  wait_log(needle);
  kt_status_wait(K, "screen", "idle");
  char path[64];
  snprintf(path, sizeof path, "/v1/requests/%lld", rid);
  ck_assert_int_eq(get(path, "GET", out, sizeof out), 410);
  ck_assert_msg(strstr(out, "\"cancelled_by\": \"expired\""), "%s", out);

  /* the cashier cancels a request a long poll waits on: Esc on its screen */
  FILE *p = his_bg("create --bill MZ10 --visit inpatient --fee-item consultation --wait 120");
  kt_status_wait(K, "screen", "request");
  ck_assert_int_eq(kt_ctl(K, "key esc", out, sizeof out), 0);
  ck_assert_int_eq(his_bg_end(p, out, sizeof out), 1);
  printf("cancelled by the cashier:\n%s", out);
  ck_assert_msg(strstr(out, "HTTP 410") && strstr(out, "\"cancelled_by\": \"cashier\"") &&
                    strstr(out, "\"state\": \"cancelled\""),
                "%s", out);
  kt_status_wait(K, "screen", "idle");
  ck_assert_int_eq(journal_last(), before); /* nothing journaled by any of them */

  kt_kiosk_sigterm(K);
  ck_assert(!kt_file_has(K->log, TOKEN));
  ck_assert(!kt_file_has(K->log, "MZ10"));
  printf("screen_busy_expiry_and_cashier_cancel: %.1f s\n", (double)(yh_now_ms() - t0) / 1000.0);
}
END_TEST

START_TEST(void_needs_staff_and_token_file_is_private)
{
  /* nobody signed in (no roster, no staff_id): a void is refused before the journal is
   * read */
  write_config("");
  kt_kiosk_start(K, NULL);
  static char out[1 << 16];
  ck_assert_int_eq(his("void --id 1 --reason bill_cancelled", out, sizeof out), 1);
  ck_assert_msg(strstr(out, "HTTP 403") && strstr(out, "no_staff"), "%s", out);
  kt_kiosk_sigterm(K);

  /* a token file the group can read: the program does not start, and says which file */
  ck_assert_int_eq(chmod(tokpath, 0640), 0);
  ck_assert_int_eq(kt_kiosk_cmd(K, "run", out, sizeof out), 1);
  ck_assert_msg(strstr(out, tokpath) && strstr(out, "0640"), "%s", out);
  ck_assert(!strstr(out, TOKEN));
  /* kiosk config check says so before the terminal is started */
  ck_assert_int_eq(kt_kiosk_cmd(K, "config check", out, sizeof out), 1);
  ck_assert_msg(strstr(out, "[terminal] his_token_file") && strstr(out, tokpath), "%s", out);
  /* the reference client holds its token to the same rule */
  ck_assert_int_eq(his("list", out, sizeof out), 1);
  ck_assert_msg(strstr(out, "must be 0600 or 0400"), "%s", out);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("terminal_his_card");
  TCase *tc = tcase_create("his");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, waiver_end_to_end);
  tcase_add_test(tc, refusals_and_withdrawals);
  tcase_add_test(tc, screen_busy_expiry_and_cashier_cancel);
  tcase_add_test(tc, void_needs_staff_and_token_file_is_private);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
