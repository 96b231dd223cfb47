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

#include "cardsim.h"
#include "kt_rig.h"
#include "yh_fixture.h"

#define HOLDER_ID "450902198506121232"
#define TOKEN "his-test-token-0123456789abcdef"

static char dir[256], pki[300], reader[YH_READER_NAME_MAX], reader2[YH_READER_NAME_MAX];
static char sock[320], hsock[320], logpath[320], tokpath[320];
static struct cardsim *sim, *sim2;
static pid_t kid = -1;

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-his-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(pki, sizeof pki, "%s/pki", dir);
  snprintf(sock, sizeof sock, "%s/kiosk.sock", dir);
  snprintf(hsock, sizeof hsock, "%s/his.sock", dir);
  snprintf(logpath, sizeof logpath, "%s/kiosk.log", dir);
  snprintf(tokpath, sizeof tokpath, "%s/his.token", dir);
  kt_make_pki_and_revlist(dir, pki);
  int fd = open(tokpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(write(fd, TOKEN "\n", sizeof TOKEN), (ssize_t)sizeof TOKEN);
  close(fd);

  uint16_t port = yh_vpcd_port();
  ck_assert_int_eq(yh_reader_name(port, reader, sizeof reader), 0);
  ck_assert_int_eq(yh_reader_name((uint16_t)(port + 1), reader2, sizeof reader2), 0);
  setenv("YH_PKI_DIR", pki, 1);
  ck_assert_int_eq(cardsim_create(NULL, port, &sim), 0);
  ck_assert_int_eq(cardsim_create(NULL, (uint16_t)(port + 1), &sim2), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader, 0, 60000), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader2, 0, 60000), 0);
}

static void stop_kiosk(void)
{
  if (kid <= 0)
    return;
  kill(kid, SIGKILL);
  waitpid(kid, NULL, 0);
  kid = -1;
}

static void teardown(void)
{
  stop_kiosk();
  cardsim_destroy(sim);
  cardsim_destroy(sim2);
  yh_wait_reader_state(reader, 0, 5000);
  yh_wait_reader_state(reader2, 0, 5000);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static void write_config(const char *staff_line)
{
  char path[400];
  snprintf(path, sizeof path, "%s/kiosk.ini", dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f,
          "[terminal]\nsite = hosp.yl-first-people\nmode = cashier\nterminal_id = c1\n"
          "reader = %s\nssc_reader = %s\n%s"
          "his_listen = unix:%s\nhis_token_file = his.token\n"
          "[paths]\ntrust_store = pki/trust\njournal = journal.db\nrevocation = revocation.yrl\n"
          "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-01-01\n"
          "revocation_stale = deny\n"
          "[ui]\nfullscreen = false\nsound = false\n",
          reader, reader2, staff_line, hsock);
  fclose(f);
  /* the hospital's tariff, as a synced one is kept beside the journal: 12.00 yuan */
  snprintf(path, sizeof path, "%s/journal.db.tariff", dir);
  kt_write_tariff(path, "hosp.yl-first-people", 1, 1200, 2000);
}

/* One control command; the reply line into out (without the newline). 0 for "ok". */
static int ctl(const char *cmd, char *out, size_t cap)
{
  out[0] = '\0';
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, sock, strlen(sock));
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    if (fd >= 0)
      close(fd);
    return -1;
  }
  char line[512];
  int n = snprintf(line, sizeof line, "%s\n", cmd);
  ck_assert_int_eq(write(fd, line, (size_t)n), n);
  size_t got = 0;
  for (;;) {
    ssize_t r = read(fd, out + got, cap - 1 - got);
    if (r <= 0)
      break;
    got += (size_t)r;
    if (memchr(out, '\n', got) || got == cap - 1)
      break;
  }
  close(fd);
  out[got] = '\0';
  out[strcspn(out, "\n")] = '\0';
  return strncmp(out, "ok", 2) == 0 ? 0 : 1;
}

static const char *field(const char *line, const char *name, char *buf, size_t cap)
{
  char key[64];
  snprintf(key, sizeof key, " %s=", name);
  const char *p = strstr(line, key);
  buf[0] = '\0';
  if (!p)
    return buf;
  p += strlen(key);
  size_t n = strcspn(p, " ");
  if (n >= cap)
    n = cap - 1;
  memcpy(buf, p, n);
  buf[n] = '\0';
  return buf;
}

static int status_is(const char *name, const char *value, int timeout_ms)
{
  uint64_t end = yh_now_ms() + (uint64_t)timeout_ms;
  char line[2048], v[128];
  do {
    if (ctl("status", line, sizeof line) == 0 && strcmp(field(line, name, v, sizeof v), value) == 0)
      return 0;
    yh_sleep_ms(100);
  } while (yh_now_ms() < end);
  return -1;
}

static void start_kiosk(void)
{
  char bin[400], cfg[400];
  snprintf(bin, sizeof bin, "%s/terminal/kiosk", yh_binary_dir());
  snprintf(cfg, sizeof cfg, "%s/kiosk.ini", dir);
  kid = fork();
  ck_assert_int_ge(kid, 0);
  if (kid == 0) {
    int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    setenv("SDL_RENDER_DRIVER", "software", 1);
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    execl(bin, bin, "run", "--config", cfg, "--control", sock, (char *)NULL);
    _exit(127);
  }
  ck_assert_msg(status_is("reader", "ready", 120000) == 0, "kiosk run did not come up (log %s)",
                logpath);
}

static void sigterm_kiosk(void)
{
  ck_assert_int_eq(kill(kid, SIGTERM), 0);
  int st = 0;
  uint64_t end = yh_now_ms() + 60000;
  pid_t w;
  while ((w = waitpid(kid, &st, WNOHANG)) == 0 && yh_now_ms() < end)
    yh_sleep_ms(50);
  ck_assert_msg(w == kid, "kiosk run did not stop on SIGTERM");
  kid = -1;
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "kiosk run: status 0x%x (log %s)", st,
                logpath);
}

static int file_has(const char *path, const char *needle)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return 0;
  static char buf[4 << 20];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  size_t m = strlen(needle);
  for (size_t i = 0; i + m <= n; i++)
    if (memcmp(buf + i, needle, m) == 0)
      return 1;
  return 0;
}

/* `kiosk ARGS` (the reference client or a journal command): stdout (and stderr) into
 * out, exit status returned. */
static int kiosk_out(const char *args, char *out, size_t cap)
{
  char cmd[1600];
  snprintf(cmd, sizeof cmd, "'%s/terminal/kiosk' %s 2>&1", yh_binary_dir(), args);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t n = fread(out, 1, cap - 1, p);
  out[n] = '\0';
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int his(const char *args, char *out, size_t cap)
{
  char a[1200];
  snprintf(a, sizeof a, "his %s --url 'unix:%s' --token-file '%s'", args, hsock, tokpath);
  return kiosk_out(a, out, cap);
}

static int journal(const char *args, char *out, size_t cap)
{
  char a[600];
  snprintf(a, sizeof a, "journal %s --config '%s/kiosk.ini'", args, dir);
  return kiosk_out(a, out, cap);
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
  snprintf(cmd, sizeof cmd, "'%s/terminal/kiosk' his %s --url 'unix:%s' --token-file '%s' 2>&1",
           yh_binary_dir(), args, hsock, tokpath);
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

/* Wait until the session has taken HIS request id (its log line). */
static void wait_log(const char *needle)
{
  uint64_t end = yh_now_ms() + 60000;
  while (!file_has(logpath, needle) && yh_now_ms() < end)
    yh_sleep_ms(50);
  ck_assert_msg(file_has(logpath, needle), "no '%s' in %s", needle, logpath);
}

START_TEST(waiver_end_to_end)
{
  write_config("staff_id = S01\n");
  start_kiosk();
  static char out[1 << 16], o2[1 << 16];

  /* the HIS asks; the screen waits for the card */
  FILE *p = his_bg("create --bill MZ2026/12/01-7 --visit outpatient --fee-item consultation "
                   "--wait 300");
  wait_log("HIS request 1: outpatient visit, waiting for the card");
  /* the screen shows the request, not idle */
  ck_assert_msg(status_is("screen", "request", 60000) == 0, "no request screen (log %s)", logpath);
  /* the holder puts down the social security card, then the honour card */
  ck_assert_int_eq(cardsim_insert(sim2, "ssc-valid", pki), 0);
  ck_assert_int_eq(status_is("ssc_reader", "card", 60000), 0);
  ck_assert_int_eq(cardsim_insert(sim, "honour-star3", pki), 0);
  ck_assert_msg(his_bg_end(p, out, sizeof out) == 0, "create: %s (log %s)", out, logpath);
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
  ck_assert_int_eq(status_is("screen", "verdict", 60000), 0);
  cardsim_remove(sim);
  cardsim_remove(sim2);
  ck_assert_int_eq(yh_wait_reader_state(reader, 0, 60000), 0);

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

  sigterm_kiosk();
  ck_assert_int_eq(journal("export", o2, sizeof o2), 0);
  ck_assert_msg(strstr(o2, "\"kind\":\"void\"") && strstr(o2, "\"ref_seq\":"), "%s", o2);
  ck_assert_int_eq(journal("verify", o2, sizeof o2), 0);
  ck_assert(!file_has(logpath, HOLDER_ID));
  ck_assert(!file_has(logpath, TOKEN));
  ck_assert(!file_has(logpath, "MZ2026")); /* bill numbers stay out of the log */
}
END_TEST

START_TEST(refusals_and_withdrawals)
{
  write_config("staff_id = S01\n");
  start_kiosk();
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
  ck_assert_int_eq(cardsim_insert(sim, "honour-star3", pki), 0); /* no SSC: it waits */
  char path[64];
  snprintf(path, sizeof path, "/v1/requests/%lld?wait=2", rid);
  uint64_t end = yh_now_ms() + 60000;
  do /* the card read, the screen asks for the social security card: still pending */
    code = get(path, "GET", out, sizeof out);
  while (code == 202 && !strstr(out, "HOLDER_CREDENTIAL_NEEDED") && yh_now_ms() < end);
  ck_assert_msg(code == 202 && strstr(out, "HOLDER_CREDENTIAL_NEEDED"), "%d %s", code, out);
  printf("pending:\n%s", strstr(out, "\r\n\r\n") ? strstr(out, "\r\n\r\n") + 4 : out);
  ck_assert_int_eq(status_is("session", "asking", 60000), 0);
  snprintf(path, sizeof path, "/v1/requests/%lld", rid);
  ck_assert_int_eq(get(path, "DELETE", out, sizeof out), 410);
  ck_assert_int_eq(status_is("session", "idle", 60000), 0);
  ck_assert_int_eq(get(path, "GET", out, sizeof out), 410);
  ck_assert_int_eq(journal_last(), before);
  cardsim_remove(sim);
  ck_assert_int_eq(yh_wait_reader_state(reader, 0, 60000), 0);

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

  sigterm_kiosk();
  ck_assert(!file_has(logpath, HOLDER_ID));
  ck_assert(!file_has(logpath, TOKEN));
}
END_TEST

/* The screen while a request waits, and the ways a request ends without a verdict: a
 * holder already at the till (409, then accepted once that session ends), nobody polling
 * it (his_request_expiry_s), the cashier's Esc (410 to the waiting long poll). */
START_TEST(screen_busy_expiry_and_cashier_cancel)
{
  uint64_t t0 = yh_now_ms();
  write_config("staff_id = S01\nhis_request_expiry_s = 2\n");
  start_kiosk();
  static char out[1 << 16];
  const char *json = "application/json";
  const char *good = "{\"bill\":\"MZ9\",\"visit\":\"outpatient\",\"fee_item\":\"consultation\"}";
  long long before = journal_last();

  /* a holder at the till in the keyboard flow: the honour card, no social security card
   * yet; the screen asks for it. The HIS is told 409 terminal_busy. */
  ck_assert_int_eq(cardsim_insert(sim, "honour-star3", pki), 0);
  ck_assert_int_eq(status_is("session", "asking", 60000), 0);
  ck_assert_int_eq(post("/v1/waivers?wait=0", TOKEN, json, good, out, sizeof out), 409);
  ck_assert_msg(strstr(out, "\"terminal_busy\""), "%s", out);
  /* the cashier ends that session (Esc); the same request is taken now, and its screen
   * is up (not idle) */
  ck_assert_int_eq(ctl("key esc", out, sizeof out), 0);
  ck_assert_int_eq(status_is("session", "idle", 60000), 0);
  ck_assert_int_eq(post("/v1/waivers?wait=0", TOKEN, json, good, out, sizeof out), 202);
  long long rid = json_num(out, "request_id");
  ck_assert_int_gt(rid, 0);
  ck_assert_msg(status_is("screen", "request", 60000) == 0, "no request screen (log %s)", logpath);
  cardsim_remove(sim);
  ck_assert_int_eq(yh_wait_reader_state(reader, 0, 60000), 0);

  /* nobody polls it: withdrawn after 2 s, the screen says so, then idle; 410 expired */
  char needle[96];
  snprintf(needle, sizeof needle, "HIS request %lld: nobody asked for it for 2 s: withdrawn", rid);
  wait_log(needle);
  snprintf(needle, sizeof needle, "HIS request %lld withdrawn (expired): nothing journaled", rid);
  wait_log(needle);
  ck_assert_int_eq(status_is("screen", "idle", 60000), 0);
  char path[64];
  snprintf(path, sizeof path, "/v1/requests/%lld", rid);
  ck_assert_int_eq(get(path, "GET", out, sizeof out), 410);
  ck_assert_msg(strstr(out, "\"cancelled_by\": \"expired\""), "%s", out);

  /* the cashier cancels a request a long poll waits on: Esc on its screen */
  FILE *p = his_bg("create --bill MZ10 --visit inpatient --fee-item consultation --wait 120");
  ck_assert_int_eq(status_is("screen", "request", 60000), 0);
  ck_assert_int_eq(ctl("key esc", out, sizeof out), 0);
  ck_assert_int_eq(his_bg_end(p, out, sizeof out), 1);
  printf("cancelled by the cashier:\n%s", out);
  ck_assert_msg(strstr(out, "HTTP 410") && strstr(out, "\"cancelled_by\": \"cashier\"") &&
                    strstr(out, "\"state\": \"cancelled\""),
                "%s", out);
  ck_assert_int_eq(status_is("screen", "idle", 60000), 0);
  ck_assert_int_eq(journal_last(), before); /* nothing journaled by any of them */

  sigterm_kiosk();
  ck_assert(!file_has(logpath, TOKEN));
  ck_assert(!file_has(logpath, "MZ10"));
  printf("screen_busy_expiry_and_cashier_cancel: %.1f s\n", (double)(yh_now_ms() - t0) / 1000.0);
}
END_TEST

START_TEST(void_needs_staff_and_token_file_is_private)
{
  /* nobody signed in (no roster, no staff_id): a void is refused before the journal is
   * read */
  write_config("");
  start_kiosk();
  static char out[1 << 16];
  ck_assert_int_eq(his("void --id 1 --reason bill_cancelled", out, sizeof out), 1);
  ck_assert_msg(strstr(out, "HTTP 403") && strstr(out, "no_staff"), "%s", out);
  sigterm_kiosk();

  /* a token file the group can read: the program does not start, and says which file */
  ck_assert_int_eq(chmod(tokpath, 0640), 0);
  char args[600];
  snprintf(args, sizeof args, "run --config '%s/kiosk.ini'", dir);
  ck_assert_int_eq(kiosk_out(args, out, sizeof out), 1);
  ck_assert_msg(strstr(out, tokpath) && strstr(out, "0640"), "%s", out);
  ck_assert(!strstr(out, TOKEN));
  /* kiosk config check says so before the terminal is started */
  snprintf(args, sizeof args, "config check --config '%s/kiosk.ini'", dir);
  ck_assert_int_eq(kiosk_out(args, out, sizeof out), 1);
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
