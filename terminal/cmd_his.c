/*
 * `kiosk his ...`: the HIS API's reference client (docs/his-api.md), for a hospital's IT to
 * try their integration against a running `kiosk run` and to script one. Each subcommand
 * is one HTTP request (create follows its request until a verdict or --wait runs out);
 * the response body is printed on stdout as the terminal sent it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "cmd.h"
#include "his.h"
#include "his_req.h"

static const char help_his[] =
    "usage: kiosk his COMMAND --url URL --token-file FILE [options]\n"
    "\n"
    "The reference client of the HIS API of `kiosk run` (docs/his-api.md).\n"
    "  create --bill B --visit outpatient|inpatient|emergency --fee-item ITEM\n"
    "         [--amount-fen N] [--wait S]\n"
    "                     ask for a waiver of bill B; the terminal's screen asks for the\n"
    "                     card; waits up to S seconds (default 60) for the verdict\n"
    "  get --id WAIVER_ID read a waiver (its journal seq)\n"
    "  void --id WAIVER_ID --reason CODE\n"
    "                     void a granted waiver (the bill was cancelled); a staff member\n"
    "                     must be signed in at the terminal\n"
    "  list [--day YYYY-MM-DD]   the day's waivers and voids (default today)\n"
    "  poll --request ID [--wait S]   a request still pending after create\n"
    "  withdraw --request ID          withdraw a pending request (nothing is journaled)\n"
    "\n"
    "  --url URL          http://127.0.0.1:PORT (the terminal's his_listen) or unix:/PATH\n"
    "  --token-file FILE  the bearer token (a file of yours, mode 0600 or 0400)\n"
    "\n"
    "The answer (JSON) is printed on stdout. Exit status: 0 for HTTP 200 or 202 (a request\n"
    "still pending), 1 for any other answer (its status and error on stderr) or when the\n"
    "terminal cannot be reached, 2 usage.\n";

#define REPLY_MAX (4u << 20)
#define FOLLOW_MAX_S 3600

struct reply {
  char *data;
  size_t len;
  int too_large;
};

static size_t on_data(char *p, size_t size, size_t n, void *user)
{
  struct reply *r = user;
  size_t add = size * n;
  if (r->len + add > REPLY_MAX) {
    r->too_large = 1;
    return 0;
  }
  char *d = realloc(r->data, r->len + add + 1);
  if (!d)
    return 0;
  memcpy(d + r->len, p, add);
  r->data = d;
  r->len += add;
  d[r->len] = '\0';
  return add;
}

struct client {
  const char *url;   /* base: http://host:port, or NULL with a unix path */
  const char *unix_path;
  char auth[TERM_HIS_BEARER_MAX + 32];
};

/* One request: method, path (with query), body (NULL: none). HTTP status, or -1 with a
 * message on stderr. The body read goes to out (the caller frees out->data). */
static long call(const struct client *c, const char *method, const char *path, const char *body,
                 int timeout_s, struct reply *out)
{
  memset(out, 0, sizeof *out);
  CURL *h = curl_easy_init();
  if (!h) {
    fprintf(stderr, "kiosk his: libcurl cannot start\n");
    return -1;
  }
  char url[1200];
  snprintf(url, sizeof url, "%s%s", c->unix_path ? "http://localhost" : c->url, path);
  struct curl_slist *hd = curl_slist_append(NULL, c->auth);
  if (body)
    hd = curl_slist_append(hd, "Content-Type: application/json");
  curl_easy_setopt(h, CURLOPT_URL, url);
  if (c->unix_path)
    curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, c->unix_path);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
  if (body) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
  }
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout_s);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http");
  CURLcode rc = curl_easy_perform(h);
  long status = -1;
  if (rc == CURLE_OK)
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  else
    fprintf(stderr, "kiosk his: %s: %s\n", c->unix_path ? c->unix_path : c->url,
            out->too_large ? "answer too large" : curl_easy_strerror(rc));
  curl_slist_free_all(hd);
  curl_easy_cleanup(h);
  return status;
}

/* Print the answer; exit status by the HTTP status. */
static int finish(long status, struct reply *r)
{
  if (status < 0) {
    free(r->data);
    return TERM_EXIT_RUNTIME;
  }
  if (r->data)
    fputs(r->data, stdout);
  int ok = status == 200 || status == 202;
  if (!ok) {
    json_t *o = r->data ? json_loads(r->data, 0, NULL) : NULL;
    const char *e = o ? json_string_value(json_object_get(o, "error")) : NULL;
    const char *m = o ? json_string_value(json_object_get(o, "message")) : NULL;
    fprintf(stderr, "kiosk his: HTTP %ld%s%s%s%s\n", status, e ? ": " : "", e ? e : "",
            m ? ": " : "", m ? m : "");
    json_decref(o);
  }
  free(r->data);
  return ok ? 0 : TERM_EXIT_CHECK;
}

/* A pending request (202) followed until it is decided or the deadline passes. */
static long follow(const struct client *c, long status, struct reply *r, time_t deadline)
{
  while (status == 202 && time(NULL) < deadline) {
    json_t *o = r->data ? json_loads(r->data, 0, NULL) : NULL;
    json_int_t id = o ? json_integer_value(json_object_get(o, "request_id")) : 0;
    json_decref(o);
    if (id <= 0)
      break;
    long left = (long)(deadline - time(NULL));
    long w = left > TERM_HIS_WAIT_MAX_S ? TERM_HIS_WAIT_MAX_S : left < 1 ? 1 : left;
    char path[96];
    snprintf(path, sizeof path, "/v1/requests/%lld?wait=%ld", (long long)id, w);
    free(r->data);
    status = call(c, "GET", path, NULL, (int)w + 15, r);
  }
  return status;
}

int term_cmd_his(struct term_args *a)
{
  const char *sub = NULL, *url = NULL, *tokfile = NULL, *bill = NULL, *visit = NULL,
             *item = NULL, *reason = NULL, *day = NULL, *v;
  int64_t amount = 0, wait_s = TERM_HIS_WAIT_DEFAULT_S;
  uint64_t id = 0, req = 0;
  for (; a->i < a->argc; a->i++) {
    if (term_arg_is_help(a)) {
      fputs(help_his, stdout);
      return 0;
    } else if ((v = term_arg_value(a, "--url"))) {
      url = v;
    } else if ((v = term_arg_value(a, "--token-file"))) {
      tokfile = v;
    } else if ((v = term_arg_value(a, "--bill"))) {
      bill = v;
    } else if ((v = term_arg_value(a, "--visit"))) {
      visit = v;
    } else if ((v = term_arg_value(a, "--fee-item"))) {
      item = v;
    } else if ((v = term_arg_value(a, "--amount-fen"))) {
      amount = term_arg_number(a, "--amount-fen", v, 1, TERM_HIS_AMOUNT_MAX);
    } else if ((v = term_arg_value(a, "--wait"))) {
      wait_s = term_arg_number(a, "--wait", v, 0, FOLLOW_MAX_S);
    } else if ((v = term_arg_value(a, "--id"))) {
      id = (uint64_t)term_arg_number(a, "--id", v, 1, INT64_C(9007199254740992));
    } else if ((v = term_arg_value(a, "--request"))) {
      req = (uint64_t)term_arg_number(a, "--request", v, 1, UINT32_MAX);
    } else if ((v = term_arg_value(a, "--reason"))) {
      reason = v;
    } else if ((v = term_arg_value(a, "--day"))) {
      day = v;
    } else if (!sub && term_arg(a)[0] != '-') {
      sub = term_arg(a);
    } else {
      term_usage_error(a);
    }
  }
  if (!sub)
    term_usage(a, "a command is expected: create, get, void, list, poll or withdraw");
  if (!url)
    term_usage(a, "--url is required (http://127.0.0.1:PORT or unix:/PATH)");
  if (!tokfile)
    term_usage(a, "--token-file is required (the HIS API's bearer token)");
  struct client c;
  memset(&c, 0, sizeof c);
  if (strncmp(url, "unix:", 5) == 0) {
    c.unix_path = url + 5;
  } else if (strncmp(url, "http://", 7) == 0) {
    c.url = url;
    size_t n = strlen(url);
    if (n && url[n - 1] == '/')
      term_usage(a, "--url: no trailing '/' (http://127.0.0.1:PORT)");
  } else {
    term_usage(a, "--url: http://HOST:PORT or unix:/PATH");
  }

  char path[400], why[600], *body = NULL;
  const char *method = "GET";
  if (strcmp(sub, "create") == 0) {
    if (!bill || !visit || !item)
      term_usage(a, "create needs --bill, --visit and --fee-item");
    json_t *o = json_pack("{s:s, s:s, s:s}", "bill", bill, "visit", visit, "fee_item", item);
    if (o && amount)
      json_object_set_new(o, "amount_fen", json_integer((json_int_t)amount));
    body = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!body)
      term_usage(a, "--bill, --visit, --fee-item: must be UTF-8 text");
    method = "POST";
    snprintf(path, sizeof path, "/v1/waivers?wait=%lld",
             (long long)(wait_s > TERM_HIS_WAIT_MAX_S ? TERM_HIS_WAIT_MAX_S : wait_s));
  } else if (strcmp(sub, "get") == 0) {
    if (!id)
      term_usage(a, "get needs --id WAIVER_ID");
    snprintf(path, sizeof path, "/v1/waivers/%llu", (unsigned long long)id);
  } else if (strcmp(sub, "void") == 0) {
    if (!id || !reason)
      term_usage(a, "void needs --id WAIVER_ID and --reason CODE");
    json_t *o = json_pack("{s:s}", "reason", reason);
    body = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!body)
      term_usage(a, "--reason: must be UTF-8 text");
    method = "POST";
    snprintf(path, sizeof path, "/v1/waivers/%llu/void", (unsigned long long)id);
  } else if (strcmp(sub, "list") == 0) {
    if (day && strlen(day) > 10)
      term_usage(a, "--day: YYYY-MM-DD");
    snprintf(path, sizeof path, "/v1/waivers%s%s", day ? "?day=" : "", day ? day : "");
  } else if (strcmp(sub, "poll") == 0 || strcmp(sub, "withdraw") == 0) {
    if (!req)
      term_usage(a, "%s needs --request ID", sub);
    if (sub[0] == 'w') {
      method = "DELETE";
      snprintf(path, sizeof path, "/v1/requests/%llu", (unsigned long long)req);
    } else {
      snprintf(path, sizeof path, "/v1/requests/%llu?wait=%lld", (unsigned long long)req,
               (long long)(wait_s > TERM_HIS_WAIT_MAX_S ? TERM_HIS_WAIT_MAX_S : wait_s));
    }
  } else {
    term_usage(a, "unknown command '%.40s' (create, get, void, list, poll, withdraw)", sub);
  }

  char tok[TERM_HIS_BEARER_MAX + 1];
  if (term_his_token_read(tokfile, tok, sizeof tok, why, sizeof why) != 0) {
    fprintf(stderr, "kiosk his: %s\n", why);
    free(body);
    return TERM_EXIT_RUNTIME;
  }
  snprintf(c.auth, sizeof c.auth, "Authorization: Bearer %s", tok);
  OPENSSL_cleanse(tok, sizeof tok);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  time_t deadline = time(NULL) + (time_t)wait_s;
  struct reply r;
  int first_wait = (int)(wait_s > TERM_HIS_WAIT_MAX_S ? TERM_HIS_WAIT_MAX_S : wait_s);
  long status = call(&c, method, path, body, first_wait + 15, &r);
  if (strcmp(sub, "create") == 0)
    status = follow(&c, status, &r, deadline);
  free(body);
  OPENSSL_cleanse(c.auth, sizeof c.auth);
  int rc = finish(status, &r);
  curl_global_cleanup();
  return rc;
}
