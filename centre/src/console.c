/*
 * The web console's listener (console.h, docs/console.md): HTTPS with a server
 * certificate only (people sign in with a password, not a client certificate), on its
 * own port and its own thread, so that a slow page never holds up a terminal's upload.
 *
 * Every reply carries the security headers (a CSP with no inline script, no framing, no
 * referrer, no caching of pages). Requests are bounded (headers, body, time). A page
 * needs a session cookie (Secure, HttpOnly, SameSite=Strict; a random 256-bit id the
 * store keeps only hashed) and the role the page belongs to (403 otherwise); every POST
 * needs the session's CSRF token in a hidden field (403 otherwise), and is audited.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cardno.h"
#include "common/datadir.h"
#include "common/ini.h"
#include "common/token.h"
#include "console.h"

#define BODY_MAX 8192
#define HEADERS_MAX 8192
#define ASSET_MAX (256 * 1024)
#define BILLS_PAGE_MAX 2000

struct asset {
  const char *url, *file, *ctype;
  char *data;
  size_t len;
};

struct centre_console {
  struct centre_conf conf;
  SSL_CTX *ctx;
  struct event_base *base;
  struct evhttp *http;
  struct centre_store *st;
  struct console_throttle *throttle;      /* per account */
  struct console_throttle *throttle_addr; /* per source address: four times the count */
  unsigned port;
  pthread_t th;
  int started;
  struct asset assets[2];
};

/* ----------------------------------------------------------- cookies -- */

static int cookie_char(int c)
{
  return c > 0x20 && c < 0x7f && c != '"' && c != ',' && c != ';' && c != '\\';
}

int console_cookie_get(const char *header, const char *name, char *out, size_t cap)
{
  size_t nlen = name ? strlen(name) : 0, left;
  const char *s = header;
  if (!header || !nlen || !out || cap < 2)
    return -1;
  out[0] = '\0';
  left = strnlen(header, CONSOLE_COOKIE_HEADER_MAX);
  while (left > 0) {
    const char *v;
    size_t vlen = 0, plen;
    while (left > 0 && (*s == ' ' || *s == ';')) {
      s++;
      left--;
    }
    plen = 0;
    while (plen < left && s[plen] != ';')
      plen++;
    if (plen > nlen && memcmp(s, name, nlen) == 0 && s[nlen] == '=') {
      v = s + nlen + 1;
      vlen = plen - nlen - 1;
      while (vlen > 0 && v[vlen - 1] == ' ')
        vlen--;
      if (vlen == 0 || vlen >= cap)
        return -1;
      for (size_t i = 0; i < vlen; i++)
        if (!cookie_char((unsigned char)v[i]))
          return -1;
      memcpy(out, v, vlen);
      out[vlen] = '\0';
      return 0;
    }
    s += plen;
    left -= plen;
  }
  return -1;
}

/* ------------------------------------------------------------ replies -- */

static void security_headers(struct evhttp_request *req)
{
  struct evkeyvalq *h = evhttp_request_get_output_headers(req);
  evhttp_add_header(h, "Content-Security-Policy",
                    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  evhttp_add_header(h, "X-Frame-Options", "DENY");
  evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
  evhttp_add_header(h, "Referrer-Policy", "no-referrer");
  evhttp_add_header(h, "Strict-Transport-Security", "max-age=31536000");
  evhttp_add_header(h, "Cache-Control", "no-store");
}

static void send_page(struct evhttp_request *req, int code, struct evbuffer *body)
{
  static const struct {
    int code;
    const char *text;
  } st[] = {{200, "OK"}, {400, "Bad Request"}, {403, "Forbidden"}, {404, "Not Found"},
            {413, "Payload Too Large"}, {429, "Too Many Requests"}, {500, "Internal Server Error"}};
  const char *text = "Error";
  for (size_t i = 0; i < sizeof st / sizeof st[0]; i++)
    if (st[i].code == code)
      text = st[i].text;
  evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                    "text/html; charset=utf-8");
  evhttp_send_reply(req, code, text, body);
}

static void redirect(struct evhttp_request *req, const char *to)
{
  evhttp_add_header(evhttp_request_get_output_headers(req), "Location", to);
  evhttp_send_reply(req, 303, "See Other", NULL);
}

static void error_page(struct evhttp_request *req, const struct console_page *p, int code)
{
  struct evbuffer *out = evbuffer_new();
  if (!out) {
    evhttp_send_error(req, 500, NULL);
    return;
  }
  console_page_error(out, p, code);
  send_page(req, code, out);
  evbuffer_free(out);
}

static void set_cookie(struct evhttp_request *req, const char *name, const char *value,
                       long max_age)
{
  char line[256];
  if (max_age >= 0)
    snprintf(line, sizeof line, "%s=%s; Path=/; Max-Age=%ld; Secure; HttpOnly; SameSite=Strict",
             name, value, max_age);
  else
    snprintf(line, sizeof line, "%s=%s; Path=/; Secure; HttpOnly; SameSite=Strict", name, value);
  evhttp_add_header(evhttp_request_get_output_headers(req), "Set-Cookie", line);
}

/* ------------------------------------------------------------ requests -- */

struct ctx {
  struct centre_console *con;
  struct evhttp_request *req;
  struct console_page page;
  struct console_session who;
  char sid_hash[65];
  char addr[64];
  char lcsrf[65];
  struct evkeyvalq query, form;
  int have_query, have_form;
  int64_t now;
};

static const char *cookie(struct evhttp_request *req, const char *name, char *out, size_t cap)
{
  const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "Cookie");
  return h && console_cookie_get(h, name, out, cap) == 0 ? out : NULL;
}

/* The form of a POST: url-encoded, at most BODY_MAX bytes (evhttp caps it too). */
static int read_form(struct ctx *x)
{
  struct evbuffer *in = evhttp_request_get_input_buffer(x->req);
  size_t len = evbuffer_get_length(in);
  const char *ct = evhttp_find_header(evhttp_request_get_input_headers(x->req), "Content-Type");
  char *body;
  if (len > BODY_MAX)
    return 413;
  if (!ct || strncmp(ct, "application/x-www-form-urlencoded", 33) != 0)
    return 400;
  body = malloc(len + 1);
  if (!body)
    return 500;
  evbuffer_remove(in, body, len);
  body[len] = '\0';
  TAILQ_INIT(&x->form);
  x->have_form = evhttp_parse_query_str(body, &x->form) == 0;
  free(body);
  return x->have_form ? 0 : 400;
}

static const char *field(struct ctx *x, const char *name)
{
  const char *v = x->have_form ? evhttp_find_header(&x->form, name) : NULL;
  return v ? v : "";
}

static const char *param(struct ctx *x, const char *name)
{
  const char *v = x->have_query ? evhttp_find_header(&x->query, name) : NULL;
  return v ? v : "";
}

static void audit(struct ctx *x, const char *action, const char *object, int priv,
                  const char *result)
{
  const char *login = x->who.login[0] ? x->who.login : "-";
  char obj[81]; /* the audit row's bounds: a refused POST's path is the client's */
  console_db_audit_field(object, sizeof obj - 1, obj);
  /* the log line too (the centre's log never holds a card number) */
  centre_log(CENTRE_LOG_INFO, "console: %s from %s: %s %s: %s", login, x->addr, action,
             priv ? "(card)" : obj, result);
  console_db_audit(centre_store_db(x->con->st), x->now, login, x->addr, action, obj, priv,
                   result);
}

/* Render a page with the function's answer: 200, or 500 when the store failed. */
static void render(struct ctx *x, int (*fn)(struct evbuffer *, const struct console_page *))
{
  struct evbuffer *out = evbuffer_new();
  int rc = out ? fn(out, &x->page) : CENTRE_E_NO_MEMORY;
  if (rc != CENTRE_OK) {
    if (out)
      evbuffer_free(out);
    error_page(x->req, &x->page, 500);
    return;
  }
  send_page(x->req, 200, out);
  evbuffer_free(out);
}

static void show_login(struct ctx *x, int code, const char *msg)
{
  struct evbuffer *out = evbuffer_new();
  /* keep the browser's token while it has one: a second tab, or the favicon's request
   * redirected here, must not make the first form's token stale */
  if (out && cookie(x->req, "yhc_l", x->lcsrf, sizeof x->lcsrf) && strlen(x->lcsrf) == 64) {
    /* kept */
  } else if (!out || console_token_new(x->lcsrf) != CENTRE_OK) {
    if (out)
      evbuffer_free(out);
    evhttp_send_error(x->req, 500, NULL);
    return;
  }
  /* a pre-session token, double-submitted: a page elsewhere cannot sign a browser in to
   * an account of the attacker's (login CSRF) */
  set_cookie(x->req, "yhc_l", x->lcsrf, 3600);
  x->page.login_csrf = x->lcsrf;
  x->page.msg = msg;
  x->page.msg_error = msg != NULL;
  console_page_login(out, &x->page);
  send_page(x->req, code, out);
  evbuffer_free(out);
}

static void do_login(struct ctx *x)
{
  struct centre_console *con = x->con;
  struct centre_db *db = centre_store_db(con->st);
  const char *login = field(x, "login"), *pw = field(x, "password");
  char got[65], akey[96], ukey[96], sid[65], sid_hash[65], csrf[65];
  struct console_account a;
  int64_t wait;
  int rc;
  if (!cookie(x->req, "yhc_l", got, sizeof got) || !console_token_equal(got, field(x, "csrf"))) {
    audit(x, "sign-in", "", 0, "refused: no sign-in token");
    error_page(x->req, &x->page, 403);
    return;
  }
  if (!console_login_valid(login)) {
    audit(x, "sign-in", "", 0, "refused: malformed login");
    show_login(x, 403, console_text(&x->page, "login_bad"));
    return;
  }
  snprintf(akey, sizeof akey, "a:%s", login);
  snprintf(ukey, sizeof ukey, "i:%s", x->addr);
  wait = console_throttle_wait(con->throttle, akey, x->now);
  if (wait <= 0)
    wait = console_throttle_wait(con->throttle_addr, ukey, x->now);
  if (wait > 0) {
    audit(x, "sign-in", login, 0, "refused: throttled");
    show_login(x, 429, console_text(&x->page, "login_throttled"));
    return;
  }
  rc = console_db_account_get(db, login, &a);
  if (rc == CENTRE_OK && !a.disabled && console_password_valid(pw, strlen(pw)))
    rc = console_password_verify(a.hash, pw);
  else if (rc == CENTRE_OK)
    rc = CENTRE_E_VERIFY_FAILED;
  else /* an unknown login costs the same time: it does not tell which logins exist */
    console_password_verify("scrypt$15$8$1$00000000000000000000000000000000$"
                            "0000000000000000000000000000000000000000000000000000000000000000",
                            pw);
  if (rc != CENTRE_OK) {
    console_throttle_fail(con->throttle, akey, x->now);
    console_throttle_fail(con->throttle_addr, ukey, x->now);
    audit(x, "sign-in", login, 0, "refused: bad login or password");
    show_login(x, 403, console_text(&x->page, "login_bad"));
    return;
  }
  if (console_token_new(sid) != CENTRE_OK || console_token_new(csrf) != CENTRE_OK) {
    error_page(x->req, &x->page, 500);
    return;
  }
  console_token_hash(sid, sid_hash);
  if (console_db_session_add(db, sid_hash, login, csrf, x->now) != CENTRE_OK) {
    error_page(x->req, &x->page, 500);
    return;
  }
  console_throttle_clear(con->throttle, akey);
  snprintf(x->who.login, sizeof x->who.login, "%s", login);
  audit(x, "sign-in", login, 0, "ok");
  set_cookie(x->req, "yhc_s", sid, -1);
  set_cookie(x->req, "yhc_l", "", 0);
  OPENSSL_cleanse(sid, sizeof sid);
  redirect(x->req, "/");
}

/* Card revoke/restore: the effect of centre-admin card revoke/restore, reaching the
 * terminals through their normal revocation sync. */
static void do_card(struct ctx *x, int op)
{
  struct centre_rev_entry e;
  const char *card = field(x, "card"), *gen = field(x, "generation"), *reason = field(x, "reason");
  const char *kind = field(x, "kind");
  uint64_t version = 0, g = 0;
  size_t changed = 0;
  char msg[160];
  int rc;
  memset(&e, 0, sizeof e);
  if (!common_cardno_valid(card) || (gen[0] && common_parse_u64(gen, 0xffffffffu, &g) != 0) ||
      (reason[0] && !common_token_valid(reason, 32)) ||
      (kind[0] && strcmp(kind, "exact") != 0 && strcmp(kind, "below") != 0)) {
    audit(x, op ? "card-revoke" : "card-restore", "", 0, "refused: malformed");
    x->page.msg = console_text(&x->page, "card_malformed");
    x->page.msg_error = 1;
    render(x, console_page_station);
    return;
  }
  snprintf(e.card_no, sizeof e.card_no, "%s", card);
  e.generation = (uint32_t)g;
  e.kind = strcmp(kind, "below") == 0 ? 2 : 1;
  rc = centre_store_card_set_many(x->con->st, &e, 1, op, reason[0] ? reason : "console", x->now,
                                  &version, &changed);
  if (rc != CENTRE_OK) {
    audit(x, op ? "card-revoke" : "card-restore", card, 1, "failed");
    error_page(x->req, &x->page, 500);
    return;
  }
  audit(x, op ? "card-revoke" : "card-restore", card, 1, changed ? "ok" : "no change");
  snprintf(msg, sizeof msg, "%s %llu", console_text(&x->page, changed ? "card_done" : "card_same"),
           (unsigned long long)version);
  x->page.msg = msg;
  render(x, console_page_station);
}

static void do_account(struct ctx *x, int disable)
{
  const char *login = field(x, "login");
  int rc;
  if (!console_login_valid(login) || strcmp(login, x->who.login) == 0) {
    audit(x, disable ? "account-disable" : "account-enable", "", 0, "refused");
    x->page.msg = console_text(&x->page, "account_refused");
    x->page.msg_error = 1;
    render(x, console_page_admin);
    return;
  }
  rc = console_db_account_set_disabled(centre_store_db(x->con->st), login, disable, x->now);
  audit(x, disable ? "account-disable" : "account-enable", login, 0,
        rc == CENTRE_OK ? "ok" : "not found");
  x->page.msg = console_text(&x->page, rc == CENTRE_OK ? "account_done" : "account_refused");
  x->page.msg_error = rc != CENTRE_OK;
  render(x, console_page_admin);
}

/* yyyy-mm -> yyyymm within 2000-01..2100-12; 0 when malformed. */
static int parse_month(const char *s)
{
  int y, m;
  if (strlen(s) != 7 || s[4] != '-')
    return 0;
  for (int i = 0; i < 7; i++)
    if (i != 4 && (s[i] < '0' || s[i] > '9'))
      return 0;
  y = atoi(s);
  m = atoi(s + 5);
  if (y < 2000 || y > 2100 || m < 1 || m > 12)
    return 0;
  return y * 100 + m;
}

static void bills(struct ctx *x, int csv)
{
  const char *site = param(x, "site");
  int month = parse_month(param(x, "month"));
  struct evbuffer *out;
  int rc;
  if (!month || !common_token_valid(site, CENTRE_SITE_ID_MAX)) {
    error_page(x->req, &x->page, 400);
    return;
  }
  out = evbuffer_new();
  if (!out) {
    error_page(x->req, &x->page, 500);
    return;
  }
  if (!csv) {
    rc = console_page_bills(out, &x->page, site, month);
  } else {
    /* the very CSV of `centre-admin report bills` (bills.c), so that the two agree */
    struct centre_site h;
    char why[160], *text = NULL, disp[160];
    size_t len = 0;
    FILE *f;
    rc = centre_site_lookup(x->con->conf.sites, site, &h, why, sizeof why);
    if (rc == CENTRE_OK) {
      f = open_memstream(&text, &len);
      rc = f ? centre_report_bills_csv(centre_store_db(x->con->st), &h, month, f)
             : CENTRE_E_NO_MEMORY;
      if (f)
        fclose(f);
    }
    if (rc == CENTRE_OK) {
      evbuffer_add(out, text, len);
      snprintf(disp, sizeof disp, "attachment; filename=\"bills-%s-%06d.csv\"", site, month);
      evhttp_add_header(evhttp_request_get_output_headers(x->req), "Content-Type",
                        "text/csv; charset=utf-8");
      evhttp_add_header(evhttp_request_get_output_headers(x->req), "Content-Disposition", disp);
      audit(x, "download-bills", site, 0, "ok");
      evhttp_send_reply(x->req, 200, "OK", out);
      evbuffer_free(out);
      free(text);
      return;
    }
    free(text);
    if (rc == CENTRE_E_NOT_FOUND || rc == CENTRE_E_CONFIG) {
      evbuffer_free(out);
      error_page(x->req, &x->page, 404);
      return;
    }
  }
  if (rc != CENTRE_OK) {
    evbuffer_free(out);
    error_page(x->req, &x->page, 500);
    return;
  }
  send_page(x->req, 200, out);
  evbuffer_free(out);
}

static int page_ops(struct evbuffer *out, const struct console_page *p)
{
  return console_page_ops(out, p, (int64_t)time(NULL));
}

/* The pages: path, the role that sees it, what GET shows, what POST does. */
enum action { A_NONE, A_FINANCE, A_BILLS, A_BILLS_CSV, A_USAGE, A_STATION, A_REVOKE, A_RESTORE,
              A_OPS, A_ADMIN, A_DISABLE, A_ENABLE };
static const struct route {
  const char *path;
  unsigned role;
  enum action get, post;
} routes[] = {
    {"/finance", CONSOLE_ROLE_FINANCE, A_FINANCE, A_NONE},
    {"/finance/bills", CONSOLE_ROLE_FINANCE, A_BILLS, A_NONE},
    {"/finance/bills.csv", CONSOLE_ROLE_FINANCE, A_BILLS_CSV, A_NONE},
    {"/finance/usage", CONSOLE_ROLE_FINANCE, A_USAGE, A_NONE},
    {"/station", CONSOLE_ROLE_STATION, A_STATION, A_NONE},
    {"/station/revoke", CONSOLE_ROLE_STATION, A_NONE, A_REVOKE},
    {"/station/restore", CONSOLE_ROLE_STATION, A_NONE, A_RESTORE},
    {"/ops", CONSOLE_ROLE_OPERATIONS, A_OPS, A_NONE},
    {"/admin", CONSOLE_ROLE_ADMIN, A_ADMIN, A_NONE},
    {"/admin/disable", CONSOLE_ROLE_ADMIN, A_NONE, A_DISABLE},
    {"/admin/enable", CONSOLE_ROLE_ADMIN, A_NONE, A_ENABLE},
};

static void serve_asset(struct ctx *x, const struct asset *a)
{
  struct evbuffer *out = evbuffer_new();
  if (!out) {
    evhttp_send_error(x->req, 500, NULL);
    return;
  }
  evbuffer_add(out, a->data, a->len);
  evhttp_add_header(evhttp_request_get_output_headers(x->req), "Content-Type", a->ctype);
  evhttp_send_reply(x->req, 200, "OK", out);
  evbuffer_free(out);
}

static void handle(struct ctx *x)
{
  struct centre_console *con = x->con;
  struct evhttp_request *req = x->req;
  const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
  const char *path = uri ? evhttp_uri_get_path(uri) : NULL, *q = uri ? evhttp_uri_get_query(uri) : NULL;
  enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
  int post = cmd == EVHTTP_REQ_POST, rc;
  char lang[8], sid[65];
  const struct route *r = NULL;
  enum action act;

  if (!path || !*path)
    path = "/";
  x->page.path = path;
  if (q) {
    TAILQ_INIT(&x->query);
    x->have_query = evhttp_parse_query_str(q, &x->query) == 0;
  }
  /* zh-CN first; ?lang=en or ?lang=zh switches and is remembered in a cookie */
  if (strcmp(param(x, "lang"), "en") == 0 || strcmp(param(x, "lang"), "zh") == 0) {
    x->page.en = strcmp(param(x, "lang"), "en") == 0;
    set_cookie(req, "yhc_lang", x->page.en ? "en" : "zh", 365L * 86400);
  } else {
    x->page.en = cookie(req, "yhc_lang", lang, sizeof lang) && strcmp(lang, "en") == 0;
  }
  for (size_t i = 0; i < sizeof con->assets / sizeof con->assets[0]; i++)
    if (!post && strcmp(path, con->assets[i].url) == 0) {
      serve_asset(x, &con->assets[i]);
      return;
    }
  if (post) {
    rc = read_form(x);
    if (rc) {
      error_page(req, &x->page, rc);
      return;
    }
  }
  if (strcmp(path, "/login") == 0) {
    if (post)
      do_login(x);
    else
      show_login(x, 200, NULL);
    return;
  }
  /* everything else needs a session */
  if (!cookie(req, "yhc_s", sid, sizeof sid) || strlen(sid) != 64) {
    if (post)
      audit(x, "post", path, 0, "refused: no session");
    redirect(req, "/login");
    return;
  }
  console_token_hash(sid, x->sid_hash);
  rc = console_db_session_get(centre_store_db(con->st), x->sid_hash, x->now,
                              (int64_t)con->conf.console_idle_min * 60,
                              (int64_t)con->conf.console_session_hours * 3600, &x->who);
  if (rc != CENTRE_OK) {
    if (post)
      audit(x, "post", path, 0, "refused: no session");
    set_cookie(req, "yhc_s", "", 0);
    redirect(req, "/login");
    return;
  }
  x->page.who = &x->who;
  if (post && !console_token_equal(field(x, "csrf"), x->who.csrf)) {
    audit(x, "post", path, 0, "refused: CSRF token missing or wrong");
    error_page(req, &x->page, 403);
    return;
  }
  if (strcmp(path, "/logout") == 0) {
    if (!post) {
      error_page(req, &x->page, 404);
      return;
    }
    console_db_session_end(centre_store_db(con->st), x->sid_hash);
    audit(x, "sign-out", x->who.login, 0, "ok");
    set_cookie(req, "yhc_s", "", 0);
    redirect(req, "/login");
    return;
  }
  if (strcmp(path, "/") == 0 && !post) {
    struct evbuffer *out = evbuffer_new();
    if (!out) {
      evhttp_send_error(req, 500, NULL);
      return;
    }
    console_page_home(out, &x->page);
    send_page(req, 200, out);
    evbuffer_free(out);
    return;
  }
  for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++)
    if (strcmp(routes[i].path, path) == 0)
      r = &routes[i];
  act = r ? (post ? r->post : r->get) : A_NONE;
  if (!r || act == A_NONE) {
    error_page(req, &x->page, 404);
    return;
  }
  if (!(x->who.roles & r->role)) {
    if (post)
      audit(x, "post", path, 0, "refused: role");
    error_page(req, &x->page, 403);
    return;
  }
  switch (act) {
  case A_FINANCE: render(x, console_page_finance); break;
  case A_BILLS: bills(x, 0); break;
  case A_BILLS_CSV: bills(x, 1); break;
  case A_USAGE: render(x, console_page_usage); break;
  case A_STATION: render(x, console_page_station); break;
  case A_REVOKE: do_card(x, 1); break;
  case A_RESTORE: do_card(x, 0); break;
  case A_OPS: render(x, page_ops); break;
  case A_ADMIN: render(x, console_page_admin); break;
  case A_DISABLE: do_account(x, 1); break;
  case A_ENABLE: do_account(x, 0); break;
  case A_NONE: break;
  }
}

static void on_request(struct evhttp_request *req, void *arg)
{
  struct ctx *x = calloc(1, sizeof *x);
  struct evhttp_connection *conn = evhttp_request_get_connection(req);
  char *peer = NULL;
  ev_uint16_t port = 0;
  if (!x) {
    evhttp_send_error(req, 500, NULL);
    return;
  }
  x->con = arg;
  x->req = req;
  x->now = (int64_t)time(NULL);
  x->page.st = x->con->st;
  x->page.conf = &x->con->conf;
  if (conn)
    evhttp_connection_get_peer(conn, &peer, &port);
  snprintf(x->addr, sizeof x->addr, "%s", peer ? peer : "-");
  x->page.addr = x->addr;
  security_headers(req);
  handle(x);
  if (x->have_query)
    evhttp_clear_headers(&x->query);
  if (x->have_form)
    evhttp_clear_headers(&x->form);
  OPENSSL_cleanse(&x->who, sizeof x->who);
  free(x);
}

/* -------------------------------------------------------------- set-up -- */

static struct bufferevent *on_new_bev(struct event_base *base, void *arg)
{
  struct centre_console *con = arg;
  SSL *ssl = SSL_new(con->ctx);
  struct bufferevent *bev;
  if (!ssl)
    return NULL;
  bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                       BEV_OPT_CLOSE_ON_FREE);
  if (bev)
    bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
  return bev;
}

/* A key another user can read is a key to assume leaked: refuse it, as ssh does. */
static int key_mode_ok(const char *path)
{
  struct stat sb;
  if (stat(path, &sb) != 0) {
    centre_log(CENTRE_LOG_ERROR, "console.key %s: %s", path, strerror(errno));
    return 0;
  }
  if (sb.st_mode & 077) {
    centre_log(CENTRE_LOG_ERROR, "console.key %s: mode %03o lets others read it (chmod 600)",
               path, (unsigned)(sb.st_mode & 0777));
    return 0;
  }
  return 1;
}

static int tls_setup(struct centre_console *con)
{
  const struct centre_conf *c = &con->conf;
  if (!key_mode_ok(c->console_key))
    return CENTRE_E_CONFIG;
  con->ctx = SSL_CTX_new(TLS_server_method());
  if (!con->ctx)
    return CENTRE_E_CRYPTO;
  SSL_CTX_set_min_proto_version(con->ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(con->ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(con->ctx, c->console_cert) != 1) {
    centre_log(CENTRE_LOG_ERROR, "console.cert %s: %s", c->console_cert,
               access(c->console_cert, R_OK) ? strerror(errno) : "not a PEM certificate chain");
    return CENTRE_E_CONFIG;
  }
  if (SSL_CTX_use_PrivateKey_file(con->ctx, c->console_key, SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(con->ctx) != 1) {
    centre_log(CENTRE_LOG_ERROR, "console.key %s: not the PEM key of %s", c->console_key,
               c->console_cert);
    return CENTRE_E_CONFIG;
  }
  ERR_clear_error();
  return CENTRE_OK;
}

/* "host:port" or "[v6]:port". */
static int split_listen(const char *s, char *host, size_t hcap, char *port, size_t pcap)
{
  const char *colon;
  size_t hl;
  if (s[0] == '[') {
    const char *end = strchr(s, ']');
    if (!end || end[1] != ':')
      return -1;
    hl = (size_t)(end - s - 1);
    colon = end + 1;
    s++;
  } else {
    colon = strrchr(s, ':');
    if (!colon)
      return -1;
    hl = (size_t)(colon - s);
  }
  if (!hl || hl >= hcap || !colon[1] || strlen(colon + 1) >= pcap)
    return -1;
  memcpy(host, s, hl);
  host[hl] = '\0';
  snprintf(port, pcap, "%s", colon + 1);
  for (const char *p = port; *p; p++)
    if (*p < '0' || *p > '9')
      return -1;
  return atoi(port) <= 65535 ? 0 : -1;
}

static int listen_on(struct centre_console *con)
{
  struct addrinfo hints, *ai = NULL;
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  char host[64], port[8];
  int fd, one = 1;
  if (split_listen(con->conf.console_listen, host, sizeof host, port, sizeof port) != 0) {
    centre_log(CENTRE_LOG_ERROR, "console.listen %s: host:port or [v6]:port expected",
               con->conf.console_listen);
    return CENTRE_E_CONFIG;
  }
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  if (getaddrinfo(host, port, &hints, &ai) != 0) {
    centre_log(CENTRE_LOG_ERROR, "console.listen %s: not a numeric address",
               con->conf.console_listen);
    return CENTRE_E_CONFIG;
  }
  fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0 ||
      evutil_make_socket_nonblocking(fd) != 0 ||
      getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
    centre_log(CENTRE_LOG_ERROR, "console.listen %s: %s", con->conf.console_listen,
               strerror(errno));
    if (fd >= 0)
      close(fd);
    freeaddrinfo(ai);
    return CENTRE_E_NET;
  }
  freeaddrinfo(ai);
  con->port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                       : ntohs(((struct sockaddr_in *)&ss)->sin_port);
  if (!evhttp_accept_socket_with_handle(con->http, fd)) {
    close(fd);
    return CENTRE_E_NET;
  }
  if (con->conf.console_port_file[0]) {
    char tmp[CENTRE_PATH_MAX + 8];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", con->conf.console_port_file);
    f = fopen(tmp, "w");
    if (!f || fprintf(f, "%u\n", con->port) < 0 || fclose(f) != 0 ||
        rename(tmp, con->conf.console_port_file) != 0) {
      centre_log(CENTRE_LOG_ERROR, "console.port_file %s: cannot write it",
                 con->conf.console_port_file);
      return CENTRE_E_IO;
    }
  }
  return CENTRE_OK;
}

static int load_assets(struct centre_console *con)
{
  char dir[CENTRE_PATH_MAX];
  static const struct asset list[] = {
      {"/static/console.css", "console.css", "text/css; charset=utf-8", NULL, 0},
      {"/static/console.js", "console.js", "text/javascript; charset=utf-8", NULL, 0},
  };
  if (con->conf.console_assets[0])
    snprintf(dir, sizeof dir, "%s", con->conf.console_assets);
  else if (common_datadir_path("console", dir, sizeof dir) != 0)
    dir[0] = '\0';
  for (size_t i = 0; i < sizeof list / sizeof list[0]; i++) {
    char path[CENTRE_PATH_MAX + 32];
    struct common_diag d;
    con->assets[i] = list[i];
    snprintf(path, sizeof path, "%s/%s", dir, list[i].file);
    memset(&d, 0, sizeof d);
    if (common_read_file(path, ASSET_MAX, &con->assets[i].data, &con->assets[i].len, &d) != 0) {
      centre_log(CENTRE_LOG_ERROR, "console.assets %s: %s", path, d.text);
      return CENTRE_E_CONFIG;
    }
  }
  return CENTRE_OK;
}

int centre_console_create(const struct centre_conf *conf, struct centre_console **out)
{
  struct centre_console *con;
  int rc;
  *out = NULL;
  if (!conf->console_listen[0])
    return CENTRE_OK;
  con = calloc(1, sizeof *con);
  if (!con)
    return CENTRE_E_NO_MEMORY;
  con->conf = *conf;
  rc = tls_setup(con);
  if (rc == CENTRE_OK)
    rc = load_assets(con);
  if (rc == CENTRE_OK) {
    rc = centre_store_open_conf(conf, &con->st);
    if (rc != CENTRE_OK)
      centre_log(CENTRE_LOG_ERROR, "store.db %s: cannot open it (%s)", conf->db,
                 centre_strerror(rc));
  }
  if (rc == CENTRE_OK)
    rc = console_throttle_create(conf->console_failures, conf->console_lock_min * 60,
                                 &con->throttle);
  if (rc == CENTRE_OK) /* an office behind one address has several people in it */
    rc = console_throttle_create(4 * conf->console_failures, conf->console_lock_min * 60,
                                 &con->throttle_addr);
  if (rc == CENTRE_OK) {
    con->base = event_base_new();
    con->http = con->base ? evhttp_new(con->base) : NULL;
    if (!con->http)
      rc = CENTRE_E_NO_MEMORY;
  }
  if (rc == CENTRE_OK) {
    evhttp_set_max_body_size(con->http, BODY_MAX);
    evhttp_set_max_headers_size(con->http, HEADERS_MAX);
    evhttp_set_timeout(con->http, 30);
    evhttp_set_allowed_methods(con->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
    evhttp_set_bevcb(con->http, on_new_bev, con);
    evhttp_set_gencb(con->http, on_request, con);
    rc = listen_on(con);
  }
  if (rc != CENTRE_OK) {
    centre_console_destroy(con);
    return rc;
  }
  centre_log(CENTRE_LOG_INFO, "console on https://%s (port %u)", conf->console_listen, con->port);
  *out = con;
  return CENTRE_OK;
}

static void *console_main(void *arg)
{
  struct centre_console *con = arg;
  event_base_dispatch(con->base);
  return NULL;
}

int centre_console_start(struct centre_console *con)
{
  sigset_t set, old;
  int rc;
  if (!con)
    return CENTRE_OK;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  signal(SIGPIPE, SIG_IGN);
  pthread_sigmask(SIG_BLOCK, &set, &old);
  rc = pthread_create(&con->th, NULL, console_main, con);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc != 0) {
    centre_log(CENTRE_LOG_ERROR, "console: cannot start its thread");
    return CENTRE_E_NO_MEMORY;
  }
  con->started = 1;
  return CENTRE_OK;
}

unsigned centre_console_port(const struct centre_console *con)
{
  return con ? con->port : 0;
}

void centre_console_destroy(struct centre_console *con)
{
  if (!con)
    return;
  if (con->started) {
    event_base_loopbreak(con->base);
    pthread_join(con->th, NULL);
  }
  if (con->http)
    evhttp_free(con->http);
  if (con->base)
    event_base_free(con->base);
  centre_store_destroy(con->st);
  console_throttle_destroy(con->throttle);
  console_throttle_destroy(con->throttle_addr);
  SSL_CTX_free(con->ctx);
  for (size_t i = 0; i < sizeof con->assets / sizeof con->assets[0]; i++)
    free(con->assets[i].data);
  free(con);
}
