/*
 * The HIS API's server (his.h): libevent evhttp on its own thread, jansson replies.
 * The contract is docs/his-api.md; keep the two together.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "applog.h"
#include "common/date.h"
#include "his.h"
#include "his_req.h"
#include "kiosk/journal.h"
#include "kiosk/terminal.h"
#include "proto/event.h"
#include "session.h"
#include "staff.h"
#include "text.h"

#define HTTP_BODY_HARD_MAX 65536 /* evhttp refuses larger bodies itself (its own 413) */
#define HTTP_HEADERS_MAX 8192
#define HTTP_TIMEOUT_S 30        /* reading a request */
#define ORPHAN_S_DEFAULT 30      /* a pending request nobody polls: withdrawn after this */
#define RESULTS_KEPT 16u
#define SCAN_WINDOW 100000u      /* journal events a list or a void lookup reads back */

struct kept {
  uint32_t id;
  struct session_his_result r;
};

struct term_his {
  struct session *ses;
  char terminal_id[64];
  char journal_path[1024];
  int32_t utc_offset_s;
  uint64_t orphan_ms;   /* his_request_expiry_s */
  uint8_t token_hash[SHA256_DIGEST_LENGTH];

  struct event_base *base;
  struct evhttp *http;
  struct event *wake;   /* the decision thread's result: on_wake */
  struct event *tick;   /* once a second: the orphan deadline */
  pthread_t thread;
  int started;
  char unix_path[108];  /* unlinked at stop */

  /* the event thread only */
  struct kiosk_journal *journal; /* read-only, opened when first needed */
  uint32_t next_id;
  uint32_t active;               /* the request in progress, 0: none */
  uint64_t orphan_at_ms;         /* active and nobody polling: withdraw at this time */
  struct evhttp_request *poller; /* the long-poll waiting for active */
  struct evhttp_connection *poller_con;
  struct event *poll_timer;
  struct event *hup;             /* the poller's socket: the client hanging up */
  struct kept kept[RESULTS_KEPT];
  size_t kept_next;
};

/* ---------------------------------------------------------------- token -- */

int term_his_token_read(const char *path, char *tok, size_t cap, char *why, size_t whycap)
{
  tok[0] = '\0';
  if (!path || !*path) {
    snprintf(why, whycap, "no token file configured");
    return -1;
  }
  int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    snprintf(why, whycap, "token file %s: %s", path, strerror(errno));
    return -1;
  }
  struct stat st;
  int rc = -1;
  if (fstat(fd, &st) != 0) {
    snprintf(why, whycap, "token file %s: %s", path, strerror(errno));
    goto out_close;
  }
  if (!S_ISREG(st.st_mode)) {
    snprintf(why, whycap, "token file %s: not a regular file", path);
    goto out_close;
  }
  if (st.st_uid != geteuid()) {
    snprintf(why, whycap, "token file %s: owned by uid %u, not by this terminal's user (uid %u)",
             path, (unsigned)st.st_uid, (unsigned)geteuid());
    goto out_close;
  }
  unsigned mode = (unsigned)st.st_mode & 07777u;
  if (mode != 0600u && mode != 0400u) {
    snprintf(why, whycap, "token file %s: mode %04o, must be 0600 or 0400 (chmod 600 %s)", path,
             mode, path);
    goto out_close;
  }
  char buf[TERM_HIS_BEARER_MAX + 3];
  ssize_t n = read(fd, buf, sizeof buf);
  if (n < 0) {
    snprintf(why, whycap, "token file %s: %s", path, strerror(errno));
    goto out_close;
  }
  size_t len = (size_t)n;
  if (len && buf[len - 1] == '\n')
    len--;
  if (len && buf[len - 1] == '\r')
    len--;
  int ok = len >= TERM_HIS_BEARER_MIN && len <= TERM_HIS_BEARER_MAX && len < cap;
  for (size_t i = 0; ok && i < len; i++)
    ok = buf[i] > 0x20 && buf[i] < 0x7f;
  if (!ok) {
    snprintf(why, whycap,
             "token file %s: the token must be one line of %u..%u printable characters "
             "without blanks (e.g. openssl rand -hex 32)",
             path, TERM_HIS_BEARER_MIN, TERM_HIS_BEARER_MAX);
    OPENSSL_cleanse(buf, sizeof buf);
    goto out_close;
  }
  memcpy(tok, buf, len);
  tok[len] = '\0';
  OPENSSL_cleanse(buf, sizeof buf);
  rc = 0;
out_close:
  close(fd);
  return rc;
}

/* Constant time over the token's hash: neither its bytes nor its length leak. */
static int authorized(const struct term_his *h, struct evhttp_request *req)
{
  const char *a = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
  if (!a || strncasecmp(a, "Bearer ", 7) != 0)
    return 0;
  uint8_t got[SHA256_DIGEST_LENGTH];
  SHA256((const unsigned char *)a + 7, strlen(a + 7), got);
  return CRYPTO_memcmp(got, h->token_hash, sizeof got) == 0;
}

/* ---------------------------------------------------------------- replies -- */

static void reply_json(struct evhttp_request *req, int code, const char *status, json_t *o)
{
  struct evbuffer *b = evbuffer_new();
  char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  json_decref(o);
  struct evkeyvalq *hd = evhttp_request_get_output_headers(req);
  evhttp_add_header(hd, "Content-Type", "application/json; charset=utf-8");
  evhttp_add_header(hd, "Cache-Control", "no-store");
  if (b && text) {
    evbuffer_add_printf(b, "%s\n", text);
    evhttp_send_reply(req, code, status, b);
  } else {
    evhttp_send_reply(req, 500, "Internal Server Error", NULL);
  }
  free(text);
  if (b)
    evbuffer_free(b);
}

static void reply_error(struct evhttp_request *req, int code, const char *status,
                        const char *error, const char *message)
{
  reply_json(req, code, status, json_pack("{s:s, s:s}", "error", error, "message", message));
}

static json_t *reasons_json(uint64_t bits)
{
  json_t *a = json_array();
  for (int r = 0; r < KIOSK_R_COUNT; r++)
    if (bits & (UINT64_C(1) << (unsigned)r))
      json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "code", kiosk_reason_name(r), "en",
                                         kiosk_reason_en(r), "zh", kiosk_reason_zh(r)));
  return a;
}

/* "2026-12-02T13:47:05+08:00": the terminal's local time. */
static void local_time_text(int64_t t, int32_t off, char *buf, size_t cap)
{
  int64_t l = t + off;
  int32_t day = (int32_t)((l >= 0 ? l : l - 86399) / 86400);
  int64_t sec = l - (int64_t)day * 86400;
  char d[COMMON_DATE_LEN + 1];
  common_date_format(day, d);
  int32_t a = off < 0 ? -off : off;
  snprintf(buf, cap, "%sT%02d:%02d:%02d%c%02d:%02d", d, (int)(sec / 3600), (int)(sec / 60 % 60),
           (int)(sec % 60), off < 0 ? '-' : '+', (int)(a / 3600), (int)(a / 60 % 60));
}

static json_t *staff_json(const char *id)
{
  return id && *id ? json_string(id) : json_null();
}

/* A decision event as the API's waiver object; v: its void, or NULL. */
static json_t *waiver_json(const struct term_his *h, const struct proto_event *e,
                           const struct proto_event *v)
{
  char when[40];
  local_time_text(e->time, h->utc_offset_s, when, sizeof when);
  json_t *o = json_pack("{s:I, s:s, s:s, s:o, s:I, s:s, s:s, s:s, s:o, s:s}", "waiver_id",
                        (json_int_t)e->seq, "time", when, "verdict",
                        kiosk_verdict_name(e->verdict), "reasons", reasons_json(e->reasons),
                        "amount_fen", (json_int_t)e->amount_fen, "bill", e->bill_ref, "visit",
                        e->visit, "fee_item", e->fee_item, "staff_id", staff_json(e->staff_id),
                        "kind", kiosk_event_kind_name(e->kind));
  if (v) {
    local_time_text(v->time, h->utc_offset_s, when, sizeof when);
    json_object_set_new(o, "void", json_pack("{s:I, s:s, s:o}", "void_id", (json_int_t)v->seq,
                                             "time", when, "staff_id", staff_json(v->staff_id)));
  } else {
    json_object_set_new(o, "void", json_null());
  }
  return o;
}

/* ---------------------------------------------------------------- journal -- */

static struct kiosk_journal *journal(struct term_his *h)
{
  if (!h->journal) {
    struct kiosk_diag d;
    memset(&d, 0, sizeof d);
    if (kiosk_journal_open(h->journal_path, KIOSK_JOURNAL_READONLY, &h->journal, &d) != KIOSK_OK)
      h->journal = NULL;
  }
  return h->journal;
}

/* A cashier decision of this terminal: what the API calls a waiver (granted or not). */
static int is_waiver(const struct term_his *h, const struct proto_event *e)
{
  return e->mode == KIOSK_MODE_CASHIER &&
         (e->kind == KIOSK_EVENT_DECISION || e->kind == KIOSK_EVENT_OVERRIDE) &&
         strcmp(e->terminal, h->terminal_id) == 0;
}

struct find_void {
  uint64_t ref;
  struct proto_event v;
  int found;
};

static int find_void_cb(const struct proto_event *ev, void *user)
{
  struct find_void *f = user;
  if (ev->kind == KIOSK_EVENT_VOID && proto_event_ref_seq(ev) == f->ref) {
    f->v = *ev;
    f->found = 1;
    return 1;
  }
  return 0;
}

/* Waiver seq from the journal, with its void when there is one. 0, -1 not a waiver
 * (or no such seq), -2 the journal cannot be read. */
static int load_waiver(struct term_his *h, uint64_t seq, struct proto_event *e,
                       struct find_void *f)
{
  struct kiosk_journal *j = journal(h);
  if (!j)
    return -2;
  int rc = kiosk_journal_get(j, seq, e);
  if (rc == KIOSK_E_NOT_FOUND)
    return -1;
  if (rc != KIOSK_OK)
    return -2;
  if (!is_waiver(h, e))
    return -1;
  memset(f, 0, sizeof *f);
  f->ref = seq;
  uint64_t last = 0;
  kiosk_journal_last_seq(j, &last);
  if (last > seq) {
    uint64_t to = last - seq > SCAN_WINDOW ? seq + SCAN_WINDOW : last;
    rc = kiosk_journal_read(j, seq + 1, to, find_void_cb, f);
    if (rc < 0)
      return -2;
  }
  return 0;
}

/* ---------------------------------------------------------------- results -- */

static const char *state_name(enum session_his_state s)
{
  switch (s) {
  case SESSION_HIS_PENDING:
    return "pending";
  case SESSION_HIS_DONE:
    return "done";
  case SESSION_HIS_CANCELLED:
    return "cancelled";
  case SESSION_HIS_BUSY:
    return "busy";
  case SESSION_HIS_NONE:
    break;
  }
  return "pending";
}

/* Who withdrew a request, as the HIS reads it (docs/his-api.md). */
static const char *cause_name(enum session_his_cause by)
{
  switch (by) {
  case SESSION_HIS_BY_EXPIRY:
    return "expired";
  case SESSION_HIS_BY_CASHIER:
    return "cashier";
  case SESSION_HIS_BY_STOP:
    return "terminal_stopping";
  case SESSION_HIS_BY_HIS:
  default:
    return "billing_system";
  }
}

static const char *cause_message(enum session_his_cause by)
{
  switch (by) {
  case SESSION_HIS_BY_EXPIRY:
    return "expired: nobody polled it; nothing was journaled";
  case SESSION_HIS_BY_CASHIER:
    return "cancelled by the cashier at the terminal: nothing was journaled";
  case SESSION_HIS_BY_STOP:
    return "the terminal stopped: nothing was journaled";
  case SESSION_HIS_BY_HIS:
  default:
    return "withdrawn: nothing was journaled";
  }
}

/* The request object: its state and, when done, the waiver. */
static void reply_request(struct term_his *h, struct evhttp_request *req,
                          const struct session_his_result *r)
{
  json_t *o = json_pack("{s:I, s:s}", "request_id", (json_int_t)r->id, "state",
                        state_name(r->state));
  switch (r->state) {
  case SESSION_HIS_DONE: {
    struct proto_event e;
    struct find_void f;
    if (r->seq && load_waiver(h, r->seq, &e, &f) == 0) {
      json_object_set_new(o, "waiver", waiver_json(h, &e, f.found ? &f.v : NULL));
    } else {
      /* not journaled (a queued override, a journal that failed): the session's word */
      json_object_set_new(o, "waiver",
                          json_pack("{s:o, s:s, s:o, s:I, s:o, s:b}", "waiver_id",
                                    r->seq ? json_integer((json_int_t)r->seq) : json_null(),
                                    "verdict", kiosk_verdict_name(r->verdict), "reasons",
                                    reasons_json(r->reasons), "amount_fen",
                                    (json_int_t)r->amount_fen, "staff_id",
                                    staff_json(r->staff_id), "journaled", r->journaled));
    }
    reply_json(req, 200, "OK", o);
    return;
  }
  case SESSION_HIS_CANCELLED:
    json_object_set_new(o, "cancelled_by", json_string(cause_name(r->cancelled_by)));
    json_object_set_new(o, "message", json_string(cause_message(r->cancelled_by)));
    reply_json(req, 410, "Gone", o);
    return;
  case SESSION_HIS_BUSY:
    json_object_set_new(o, "error", json_string("terminal_busy"));
    json_object_set_new(o, "message",
                        json_string("a holder is at the till (keyboard flow): finish or cancel "
                                    "it on the terminal, then ask again"));
    reply_json(req, 409, "Conflict", o);
    return;
  default:
    /* pending: what the terminal still waits for */
    json_object_set_new(o, "waiting_for", reasons_json(r->staff));
    json_object_set_new(o, "poll", json_sprintf("/v1/requests/%" PRIu32, r->id));
    reply_json(req, 202, "Accepted", o);
    return;
  }
}

static void keep(struct term_his *h, const struct session_his_result *r)
{
  for (size_t i = 0; i < RESULTS_KEPT; i++)
    if (h->kept[i].id == r->id) {
      h->kept[i].r = *r;
      return;
    }
  h->kept[h->kept_next].id = r->id;
  h->kept[h->kept_next].r = *r;
  h->kept_next = (h->kept_next + 1) % RESULTS_KEPT;
}

static const struct session_his_result *kept_result(const struct term_his *h, uint32_t id)
{
  for (size_t i = 0; i < RESULTS_KEPT; i++)
    if (h->kept[i].id == id && id)
      return &h->kept[i].r;
  return NULL;
}

static void poller_clear(struct term_his *h)
{
  if (h->hup) {
    event_free(h->hup);
    h->hup = NULL;
  }
  h->poller = NULL;
  h->poller_con = NULL;
  if (h->poll_timer)
    event_del(h->poll_timer);
  if (h->active)
    h->orphan_at_ms = app_now_ms() + h->orphan_ms;
}

/* The active request's latest state: the session's word once it has seen it, else what
 * was kept when it was asked. */
static struct session_his_result current(struct term_his *h)
{
  struct session_his_result r;
  session_his_result(h->ses, &r);
  if (r.id == h->active && h->active)
    return r;
  const struct session_his_result *k = kept_result(h, h->active);
  struct session_his_result p = {.id = h->active, .state = SESSION_HIS_PENDING};
  return k ? *k : p;
}

static int is_final(enum session_his_state s)
{
  return s == SESSION_HIS_DONE || s == SESSION_HIS_CANCELLED || s == SESSION_HIS_BUSY;
}

/* The decision thread moved the request on (or the poll's wait ended: timeout 1). */
static void settle(struct term_his *h, int timeout)
{
  if (!h->active) {
    if (timeout && h->poller) { /* cannot happen: a final state answers the poller */
      struct evhttp_request *p = h->poller;
      poller_clear(h);
      reply_error(p, 500, "Internal Server Error", "internal", "no request in progress");
    }
    return;
  }
  struct session_his_result r = current(h);
  keep(h, &r);
  int final = is_final(r.state);
  if (final)
    h->active = 0;
  if (h->poller && (final || timeout)) {
    struct evhttp_request *p = h->poller;
    poller_clear(h);
    reply_request(h, p, &r);
  }
}

static void on_wake(evutil_socket_t fd, short what, void *arg)
{
  (void)fd;
  (void)what;
  settle(arg, 0);
}

static void on_poll_timeout(evutil_socket_t fd, short what, void *arg)
{
  (void)fd;
  (void)what;
  settle(arg, 1);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
  (void)fd;
  (void)what;
  struct term_his *h = arg;
  if (h->active && !h->poller && h->orphan_at_ms && app_now_ms() >= h->orphan_at_ms) {
    app_log("HIS request %u: nobody asked for it for %u s: withdrawn", h->active,
            (unsigned)(h->orphan_ms / 1000));
    session_his_cancel(h->ses, h->active, SESSION_HIS_BY_EXPIRY);
    h->orphan_at_ms = 0;
  }
}

static void his_notify(void *user)
{
  struct term_his *h = user;
  event_active(h->wake, EV_READ, 0); /* thread-safe: evthread_use_pthreads */
}

/* The HIS hung up while it waited: the request is withdrawn. */
static void on_conn_close(struct evhttp_connection *con, void *arg)
{
  struct term_his *h = arg;
  if (!h->poller || h->poller_con != con)
    return;
  struct evhttp_request *p = h->poller;
  uint32_t id = h->active;
  poller_clear(h);
  h->orphan_at_ms = 0;
  if (id) {
    app_log("HIS request %u: the client hung up: withdrawn", id);
    session_his_cancel(h->ses, id, SESSION_HIS_BY_HIS);
  }
  evhttp_send_reply(p, 499, "Client Closed Request", NULL); /* frees it: no connection */
}

/* evhttp does not read a connection while its request waits for the answer, so it does
 * not see the HIS hang up: the socket is watched here. End of stream: withdrawn; a byte
 * (a pipelined request) is left to evhttp, and the wait's end answers. */
static void on_hup(evutil_socket_t fd, short what, void *arg)
{
  (void)what;
  struct term_his *h = arg;
  char c;
  ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) ||
      !h->poller)
    return;
  on_conn_close(h->poller_con, h);
}

static void long_poll(struct term_his *h, struct evhttp_request *req, int wait_s)
{
  struct session_his_result r = current(h);
  if (wait_s == 0 || is_final(r.state)) {
    if (is_final(r.state)) {
      keep(h, &r);
      h->active = 0;
    } else if (!h->poller) {
      h->orphan_at_ms = app_now_ms() + h->orphan_ms;
    }
    reply_request(h, req, &r);
    return;
  }
  if (h->poller) {
    /* one waiter: the older one gets the state now */
    struct evhttp_request *old = h->poller;
    poller_clear(h);
    reply_request(h, old, &r);
  }
  h->poller = req;
  h->poller_con = evhttp_request_get_connection(req);
  if (h->poller_con) {
    evhttp_connection_set_closecb(h->poller_con, on_conn_close, h);
    struct bufferevent *bev = evhttp_connection_get_bufferevent(h->poller_con);
    evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1;
    if (fd >= 0 && (h->hup = event_new(h->base, fd, EV_READ | EV_CLOSED, on_hup, h)))
      event_add(h->hup, NULL);
  }
  h->orphan_at_ms = 0;
  struct timeval tv = {wait_s, 0};
  event_add(h->poll_timer, &tv);
}

/* ---------------------------------------------------------------- handlers -- */

/* The body of a POST, checked for type and size. 0, or -1 after replying. */
static int read_body(struct evhttp_request *req, char *buf, size_t cap, size_t *len)
{
  const char *ct = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
  if (!ct || strncasecmp(ct, "application/json", 16) != 0 ||
      (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' ')) {
    reply_error(req, 415, "Unsupported Media Type", "unsupported_media_type",
                "Content-Type must be application/json");
    return -1;
  }
  struct evbuffer *in = evhttp_request_get_input_buffer(req);
  size_t n = evbuffer_get_length(in);
  if (n > TERM_HIS_BODY_MAX || n >= cap) {
    char m[96];
    snprintf(m, sizeof m, "the body is larger than %u bytes", TERM_HIS_BODY_MAX);
    reply_error(req, 413, "Payload Too Large", "payload_too_large", m);
    return -1;
  }
  evbuffer_copyout(in, buf, n);
  buf[n] = '\0';
  *len = n;
  return 0;
}

static void create(struct term_his *h, struct evhttp_request *req, const char *query)
{
  char why[200], body[TERM_HIS_BODY_MAX + 1];
  size_t len;
  struct term_his_query q;
  if (term_his_parse_query(query, TERM_HIS_Q_WAIT, &q, why, sizeof why) != 0) {
    reply_error(req, 400, "Bad Request", "bad_request", why);
    return;
  }
  if (read_body(req, body, sizeof body, &len) != 0)
    return;
  struct term_his_create c;
  if (term_his_parse_create(body, len, &c, why, sizeof why) != 0) {
    OPENSSL_cleanse(body, sizeof body); /* it may hold what it should not (an ID number) */
    reply_error(req, 400, "Bad Request", "bad_request", why);
    return;
  }
  OPENSSL_cleanse(body, sizeof body);
  if (h->active) {
    char m[120];
    snprintf(m, sizeof m, "request %" PRIu32 " is in progress: one waiver at a time", h->active);
    reply_error(req, 409, "Conflict", "busy", m);
    return;
  }
  struct session_his_req r;
  memset(&r, 0, sizeof r);
  r.id = ++h->next_id;
  r.visit = (enum kiosk_visit)c.visit;
  term_copy_str(r.bill, sizeof r.bill, c.bill);
  term_copy_str(r.fee_item, sizeof r.fee_item, c.fee_item);
  r.amount_fen = c.amount_fen;
  h->active = r.id;
  h->orphan_at_ms = 0;
  struct session_his_result p = {.id = r.id, .state = SESSION_HIS_PENDING};
  keep(h, &p);
  app_log("HIS request %u: waiver asked (%s)", r.id, proto_visit_name(c.visit));
  session_his_begin(h->ses, &r);
  /* at least a moment: a busy terminal answers BUSY at once, not as "pending" */
  long_poll(h, req, q.wait_s ? q.wait_s : 1);
}

static void poll_request(struct term_his *h, struct evhttp_request *req, uint64_t id,
                         const char *query, int withdraw)
{
  char why[200];
  struct term_his_query q;
  if (term_his_parse_query(query, withdraw ? 0 : TERM_HIS_Q_WAIT, &q, why, sizeof why) != 0) {
    reply_error(req, 400, "Bad Request", "bad_request", why);
    return;
  }
  if (id == h->active && h->active) {
    if (withdraw) {
      if (h->poller) {
        struct evhttp_request *old = h->poller;
        struct session_his_result c = {.id = h->active, .state = SESSION_HIS_CANCELLED};
        poller_clear(h);
        reply_request(h, old, &c);
      }
      session_his_cancel(h->ses, h->active, SESSION_HIS_BY_HIS);
      struct session_his_result c = {.id = h->active, .state = SESSION_HIS_CANCELLED,
                                     .cancelled_by = SESSION_HIS_BY_HIS};
      keep(h, &c);
      h->active = 0;
      reply_request(h, req, &c);
      return;
    }
    long_poll(h, req, q.wait_s);
    return;
  }
  const struct session_his_result *k = id <= UINT32_MAX ? kept_result(h, (uint32_t)id) : NULL;
  if (!k) {
    reply_error(req, 404, "Not Found", "not_found",
                "no such request (only the last 16 are kept; a waiver is read by its waiver_id)");
    return;
  }
  if (withdraw && k->state == SESSION_HIS_DONE) {
    reply_error(req, 409, "Conflict", "already_decided",
                "the request has a verdict: void the waiver instead");
    return;
  }
  reply_request(h, req, k);
}

static void get_waiver(struct term_his *h, struct evhttp_request *req, uint64_t seq)
{
  struct proto_event e;
  struct find_void f;
  int rc = load_waiver(h, seq, &e, &f);
  if (rc == -2) {
    reply_error(req, 503, "Service Unavailable", "journal_unavailable",
                "the journal cannot be read now");
    return;
  }
  if (rc != 0) {
    reply_error(req, 404, "Not Found", "not_found", "no waiver with this id at this terminal");
    return;
  }
  reply_json(req, 200, "OK", waiver_json(h, &e, f.found ? &f.v : NULL));
}

/* -- list -- */

#define LIST_MAX 5000u /* a cashier's day is far fewer */

struct list_scan {
  const struct term_his *h;
  int32_t day;
  json_t *waivers; /* objects, by seq */
  json_t *voids;   /* the day's voids */
  json_t *by_seq;  /* "seq" -> the waiver object (borrowed), to attach a void */
  size_t n;
  int truncated;
};

static int list_cb(const struct proto_event *ev, void *user)
{
  struct list_scan *l = user;
  if (ev->kind == KIOSK_EVENT_VOID && strcmp(ev->terminal, l->h->terminal_id) == 0) {
    char key[24];
    snprintf(key, sizeof key, "%" PRIu64, proto_event_ref_seq(ev));
    json_t *w = json_object_get(l->by_seq, key);
    char when[40];
    local_time_text(ev->time, l->h->utc_offset_s, when, sizeof when);
    json_t *v = json_pack("{s:I, s:I, s:s, s:o}", "void_id", (json_int_t)ev->seq, "waiver_id",
                          (json_int_t)proto_event_ref_seq(ev), "time", when, "staff_id",
                          staff_json(ev->staff_id));
    if (w)
      json_object_set(w, "void", v);
    if (common_local_day(ev->time, l->h->utc_offset_s) == l->day)
      json_array_append(l->voids, v);
    json_decref(v);
    return 0;
  }
  if (!is_waiver(l->h, ev) || common_local_day(ev->time, l->h->utc_offset_s) != l->day)
    return 0;
  if (l->n >= LIST_MAX) {
    l->truncated = 1;
    return 0;
  }
  json_t *w = waiver_json(l->h, ev, NULL);
  char key[24];
  snprintf(key, sizeof key, "%" PRIu64, ev->seq);
  json_object_set(l->by_seq, key, w);
  json_array_append_new(l->waivers, w);
  l->n++;
  return 0;
}

static void list_day(struct term_his *h, struct evhttp_request *req, const char *query)
{
  char why[200];
  struct term_his_query q;
  if (term_his_parse_query(query, TERM_HIS_Q_DAY, &q, why, sizeof why) != 0) {
    reply_error(req, 400, "Bad Request", "bad_request", why);
    return;
  }
  if (!(q.given & TERM_HIS_Q_DAY))
    q.day = common_local_day((int64_t)time(NULL), h->utc_offset_s);
  struct kiosk_journal *j = journal(h);
  uint64_t last = 0;
  if (!j || kiosk_journal_last_seq(j, &last) != KIOSK_OK) {
    reply_error(req, 503, "Service Unavailable", "journal_unavailable",
                "the journal cannot be read now");
    return;
  }
  struct list_scan l = {h, q.day, json_array(), json_array(), json_object(), 0, 0};
  int rc = last ? kiosk_journal_read(j, last > SCAN_WINDOW ? last - SCAN_WINDOW + 1 : 1, last,
                                     list_cb, &l)
                : KIOSK_OK;
  json_decref(l.by_seq);
  if (rc < 0) {
    json_decref(l.waivers);
    json_decref(l.voids);
    reply_error(req, 503, "Service Unavailable", "journal_unavailable",
                "the journal cannot be read now");
    return;
  }
  char d[COMMON_DATE_LEN + 1];
  common_date_format(q.day, d);
  reply_json(req, 200, "OK",
             json_pack("{s:s, s:s, s:I, s:o, s:o, s:b}", "day", d, "terminal", h->terminal_id,
                       "count", (json_int_t)l.n, "waivers", l.waivers, "voids", l.voids,
                       "truncated", l.truncated));
}

/* -- void -- */

struct void_call {
  uint64_t waiver;
  const char *staff_id;
  int rc;
  uint64_t seq;
};

static void void_on_decision_thread(struct kiosk_terminal *t, void *arg)
{
  struct void_call *c = arg;
  c->rc = kiosk_terminal_void(t, c->waiver, c->staff_id, (int64_t)time(NULL), &c->seq);
}

static void void_waiver(struct term_his *h, struct evhttp_request *req, uint64_t seq,
                        const char *query)
{
  char why[200], body[TERM_HIS_BODY_MAX + 1];
  size_t len;
  struct term_his_query q;
  if (term_his_parse_query(query, 0, &q, why, sizeof why) != 0) {
    reply_error(req, 400, "Bad Request", "bad_request", why);
    return;
  }
  if (read_body(req, body, sizeof body, &len) != 0)
    return;
  struct term_his_void v;
  if (term_his_parse_void(body, len, &v, why, sizeof why) != 0) {
    reply_error(req, 400, "Bad Request", "bad_request", why);
    return;
  }
  char staff[TERM_STAFF_ID_MAX + 1];
  if (!term_staff_current(staff, sizeof staff)) {
    reply_error(req, 403, "Forbidden", "no_staff",
                "nobody is signed in at the terminal: a void is made by a named staff member");
    return;
  }
  struct proto_event e;
  struct find_void f;
  int rc = load_waiver(h, seq, &e, &f);
  if (rc == -2) {
    reply_error(req, 503, "Service Unavailable", "journal_unavailable",
                "the journal cannot be read now");
    return;
  }
  if (rc != 0) {
    reply_error(req, 404, "Not Found", "not_found", "no waiver with this id at this terminal");
    return;
  }
  if (e.verdict != KIOSK_VERDICT_GRANT) {
    reply_error(req, 409, "Conflict", "not_granted", "the waiver was denied: nothing to void");
    return;
  }
  if (f.found) {
    char m[96];
    snprintf(m, sizeof m, "already voided (void_id %" PRIu64 ")", f.v.seq);
    reply_error(req, 409, "Conflict", "already_voided", m);
    return;
  }
  struct void_call c = {seq, staff, KIOSK_E_IO, 0};
  if (session_call(h->ses, void_on_decision_thread, &c) != 0) {
    reply_error(req, 503, "Service Unavailable", "stopping", "the terminal is stopping");
    return;
  }
  if (c.rc == KIOSK_E_CONFLICT) { /* voided between the look and the void */
    reply_error(req, 409, "Conflict", "already_voided", "already voided");
    return;
  }
  if (c.rc != KIOSK_OK) {
    app_log("HIS void of waiver %" PRIu64 ": %s", seq, kiosk_strerror(c.rc));
    reply_error(req, 503, "Service Unavailable", "journal_unavailable",
                "the void could not be journaled: ask again");
    return;
  }
  app_log("HIS void of waiver %" PRIu64 " by %s (%s): journal seq %" PRIu64, seq, staff, v.reason,
          c.seq);
  struct proto_event ve;
  if (kiosk_journal_get(journal(h), c.seq, &ve) != KIOSK_OK) {
    memset(&ve, 0, sizeof ve);
    ve.seq = c.seq;
    ve.time = (int64_t)time(NULL);
    term_copy_str(ve.staff_id, sizeof ve.staff_id, staff);
  }
  char when[40];
  local_time_text(ve.time, h->utc_offset_s, when, sizeof when);
  reply_json(req, 200, "OK",
             json_pack("{s:I, s:I, s:s, s:s, s:s}", "void_id", (json_int_t)c.seq, "waiver_id",
                       (json_int_t)seq, "time", when, "staff_id", staff, "reason", v.reason));
}

static void method_not_allowed(struct evhttp_request *req, const char *allow)
{
  evhttp_add_header(evhttp_request_get_output_headers(req), "Allow", allow);
  char m[80];
  snprintf(m, sizeof m, "this path takes %s", allow);
  reply_error(req, 405, "Method Not Allowed", "method_not_allowed", m);
}

static void on_request(struct evhttp_request *req, void *arg)
{
  struct term_his *h = arg;
  if (!authorized(h, req)) {
    app_log("HIS: a request without the right token refused");
    evhttp_add_header(evhttp_request_get_output_headers(req), "WWW-Authenticate",
                      "Bearer realm=\"kiosk-his\"");
    reply_error(req, 401, "Unauthorized", "unauthorized",
                "Authorization: Bearer <token from the terminal's token file> is required");
    return;
  }
  const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
  const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
  const char *query = uri ? evhttp_uri_get_query(uri) : NULL;
  uint64_t id = 0;
  enum term_his_route route = term_his_parse_path(path, &id);
  enum evhttp_cmd_type m = evhttp_request_get_command(req);
  switch (route) {
  case TERM_HIS_ROUTE_WAIVERS:
    if (m == EVHTTP_REQ_POST)
      create(h, req, query);
    else if (m == EVHTTP_REQ_GET)
      list_day(h, req, query);
    else
      method_not_allowed(req, "GET, POST");
    return;
  case TERM_HIS_ROUTE_WAIVER:
    if (m == EVHTTP_REQ_GET) {
      struct term_his_query q;
      char why[200];
      if (term_his_parse_query(query, 0, &q, why, sizeof why) != 0)
        reply_error(req, 400, "Bad Request", "bad_request", why);
      else
        get_waiver(h, req, id);
    } else {
      method_not_allowed(req, "GET");
    }
    return;
  case TERM_HIS_ROUTE_WAIVER_VOID:
    if (m == EVHTTP_REQ_POST)
      void_waiver(h, req, id, query);
    else
      method_not_allowed(req, "POST");
    return;
  case TERM_HIS_ROUTE_REQUEST:
    if (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_DELETE)
      poll_request(h, req, id, query, m == EVHTTP_REQ_DELETE);
    else
      method_not_allowed(req, "GET, DELETE");
    return;
  case TERM_HIS_ROUTE_NONE:
    break;
  }
  reply_error(req, 404, "Not Found", "not_found",
              "no such path (see docs/his-api.md: /v1/waivers, /v1/requests/ID)");
}

/* ---------------------------------------------------------------- listener -- */

static int bind_unix(struct term_his *h, const char *path, char *why, size_t cap)
{
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if (path[0] != '/' || strlen(path) >= sizeof sa.sun_path) {
    snprintf(why, cap, "his_listen: unix:PATH needs an absolute path under %zu bytes",
             sizeof sa.sun_path);
    return -1;
  }
  memcpy(sa.sun_path, path, strlen(path));
  struct stat st;
  if (lstat(path, &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      snprintf(why, cap, "his_listen: %s exists and is not a socket", path);
      return -1;
    }
    unlink(path); /* a previous run's */
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    snprintf(why, cap, "his_listen: socket: %s", strerror(errno));
    return -1;
  }
  mode_t old = umask(0177); /* 0600: the terminal's user only, like the token */
  int rc = bind(fd, (struct sockaddr *)&sa, sizeof sa);
  umask(old);
  if (rc != 0 || listen(fd, 16) != 0) {
    snprintf(why, cap, "his_listen: %s: %s", path, strerror(errno));
    close(fd);
    return -1;
  }
  if (evhttp_accept_socket(h->http, fd) != 0) {
    snprintf(why, cap, "his_listen: %s: cannot accept", path);
    close(fd);
    return -1;
  }
  term_copy_str(h->unix_path, sizeof h->unix_path, path);
  return 0;
}

/* host:port, loopback only, into host[64] and *port; or unix:/PATH (absolute, short enough
 * for sun_path) into path (host ""). 0, or -1 with why. */
static int parse_listen(const char *listen_at, char host[64], long *port, const char **path,
                        char *why, size_t cap)
{
  host[0] = '\0';
  *port = 0;
  *path = NULL;
  if (strncmp(listen_at, "unix:", 5) == 0) {
    struct sockaddr_un sa;
    const char *p = listen_at + 5;
    if (p[0] != '/' || strlen(p) >= sizeof sa.sun_path) {
      snprintf(why, cap, "his_listen: unix:PATH needs an absolute path under %zu bytes",
               sizeof sa.sun_path);
      return -1;
    }
    *path = p;
    return 0;
  }
  const char *colon = strrchr(listen_at, ':');
  size_t hl = colon ? (size_t)(colon - listen_at) : 0;
  if (!colon || hl == 0 || hl >= 64) {
    snprintf(why, cap, "his_listen: expected 127.0.0.1:PORT, [::1]:PORT, localhost:PORT or "
                       "unix:/PATH");
    return -1;
  }
  memcpy(host, listen_at, hl);
  host[hl] = '\0';
  if (host[0] == '[' && host[hl - 1] == ']') {
    memmove(host, host + 1, hl - 2);
    host[hl - 2] = '\0';
  }
  char *end;
  errno = 0;
  *port = strtol(colon + 1, &end, 10);
  if (errno || *end || end == colon + 1 || *port < 1 || *port > 65535) {
    snprintf(why, cap, "his_listen: port must be 1..65535");
    return -1;
  }
  if (strcmp(host, "localhost") == 0)
    term_copy_str(host, 64, "127.0.0.1");
  if (strncmp(host, "127.", 4) != 0 && strcmp(host, "::1") != 0) {
    snprintf(why, cap, "his_listen: %.60s is not a loopback address (127.0.0.0/8, ::1, "
                       "localhost): the HIS API never listens on a network",
             host);
    return -1;
  }
  return 0;
}

int term_his_listen_check(const char *listen_at, char *why, size_t cap)
{
  char host[64];
  long port;
  const char *path;
  return parse_listen(listen_at, host, &port, &path, why, cap);
}

static int bind_tcp(struct term_his *h, const char *host, long port, const char *listen_at,
                    char *why, size_t cap)
{
  if (!evhttp_bind_socket_with_handle(h->http, host, (ev_uint16_t)port)) {
    snprintf(why, cap, "his_listen: cannot listen on %s: %s", listen_at, strerror(errno));
    return -1;
  }
  return 0;
}

static void *his_main(void *arg)
{
  struct term_his *h = arg;
  event_base_dispatch(h->base);
  return NULL;
}

int term_his_start(const struct term_his_config *c, struct session *s, struct term_his **out,
                   char *why, size_t cap)
{
  *out = NULL;
  char tok[TERM_HIS_BEARER_MAX + 1];
  if (term_his_token_read(c->token_file, tok, sizeof tok, why, cap) != 0)
    return -1;
  struct term_his *h = calloc(1, sizeof *h);
  if (!h) {
    OPENSSL_cleanse(tok, sizeof tok);
    snprintf(why, cap, "out of memory");
    return -1;
  }
  SHA256((const unsigned char *)tok, strlen(tok), h->token_hash);
  OPENSSL_cleanse(tok, sizeof tok);
  h->ses = s;
  term_copy_str(h->terminal_id, sizeof h->terminal_id, c->terminal_id);
  term_copy_str(h->journal_path, sizeof h->journal_path, c->journal_path);
  h->utc_offset_s = c->utc_offset_s;
  h->orphan_ms = (uint64_t)(c->request_expiry_s ? c->request_expiry_s : ORPHAN_S_DEFAULT) * 1000u;
  struct timeval second = {1, 0};
  if (evthread_use_pthreads() != 0 || !(h->base = event_base_new()) ||
      !(h->http = evhttp_new(h->base)) ||
      !(h->wake = event_new(h->base, -1, 0, on_wake, h)) ||
      !(h->poll_timer = evtimer_new(h->base, on_poll_timeout, h)) ||
      !(h->tick = event_new(h->base, -1, EV_PERSIST, on_tick, h)) ||
      event_add(h->tick, &second) != 0) {
    snprintf(why, cap, "HIS API: libevent set-up failed");
    goto out_free;
  }
  evhttp_set_max_body_size(h->http, HTTP_BODY_HARD_MAX);
  evhttp_set_max_headers_size(h->http, HTTP_HEADERS_MAX);
  evhttp_set_timeout(h->http, HTTP_TIMEOUT_S);
  evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_DELETE);
  evhttp_set_gencb(h->http, on_request, h);
  char host[64];
  long port;
  const char *upath;
  if (parse_listen(c->listen, host, &port, &upath, why, cap) != 0 ||
      (upath ? bind_unix(h, upath, why, cap) : bind_tcp(h, host, port, c->listen, why, cap)) != 0)
    goto out_free;
  session_set_his_notify(s, his_notify, h);
  if (pthread_create(&h->thread, NULL, his_main, h) != 0) {
    snprintf(why, cap, "HIS API: cannot start its thread");
    goto out_free;
  }
  h->started = 1;
  app_log("HIS API listening on %s", c->listen);
  *out = h;
  return 0;

out_free:
  term_his_stop(h);
  return -1;
}

void term_his_stop(struct term_his *h)
{
  if (!h)
    return;
  if (h->started) {
    event_base_loopbreak(h->base);
    pthread_join(h->thread, NULL);
    h->started = 0;
    if (h->active)
      session_his_cancel(h->ses, h->active, SESSION_HIS_BY_STOP);
  }
  session_set_his_notify(h->ses, NULL, NULL);
  if (h->hup)
    event_free(h->hup);
  if (h->poller)
    evhttp_send_reply(h->poller, 503, "Service Unavailable", NULL);
  if (h->http)
    evhttp_free(h->http);
  if (h->wake)
    event_free(h->wake);
  if (h->poll_timer)
    event_free(h->poll_timer);
  if (h->tick)
    event_free(h->tick);
  if (h->base)
    event_base_free(h->base);
  if (h->unix_path[0])
    unlink(h->unix_path);
  kiosk_journal_close(h->journal);
  OPENSSL_cleanse(h->token_hash, sizeof h->token_hash);
  free(h);
}
