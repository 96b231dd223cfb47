/*
 * The sync worker: one thread, one libcurl easy handle (so the TLS connection is
 * reused), one state machine. Every change of state goes through set_state(), which
 * writes one trace line; the UI reads a snapshot under the mutex.
 *
 * Safety rule: the journal's acknowledged mark moves only to the seq named in a receipt
 * whose signature verifies and whose head hash is the hash of our own event at that seq.
 * Nothing else ever moves it, and nothing deletes events: an unsent event waits for as
 * long as the centre is unreachable.
 */
#include <curl/curl.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/url.h"
#include "netsync_int.h"
#include "proto/key.h"

#define REPLY_MAX (64u * 1024u * 1024u)
#define BATCH_JSON_MAX (32u * 1024u * 1024u)
#define REFUSED_MIN_MS 60000u
#define FAILBACK_DEFAULT_MS 300000u
#define FAILBACK_MIN_MS 1000u
#define FAILBACK_MAX_MS 86400000u

struct netsync {
  /* Configuration (strings copied). */
  struct common_url_list urls; /* the centres, in the order they are tried */
  char *ca_file, *pinned, *cert_file, *key_file, *software;
  long connect_ms, total_ms, low_bytes, low_secs;
  unsigned batch_max, base_ms, cap_ms, poll_ms, failback_ms;
  int64_t (*wall_s)(void *);
  void *wall_ctx;
  struct netsync_clock clock;
  int have_clock;
  void (*trace)(void *, const char *);
  void *trace_ctx;
  struct proto_key *sign_key; /* the centre's signing key (public half) */
  char terminal[65];

  const struct netsync_journal_ops *j;
  void *jctx;
  struct netsync_sink_ops s;
  void *sctx;

  CURL *curl;
  CURLM *multi;
  uint64_t rng;
  /* The worker's (or the synchronous caller's) choice of centre: cur indexes urls;
   * cur_since is when it moved off the first (on the netsync clock), for the failback.
   * st.centre mirrors cur under mu for the other threads. */
  unsigned cur;
  uint64_t cur_since;

  /* Shared with other threads, under mu. */
  pthread_mutex_t mu;
  pthread_cond_t cv;
  pthread_t th;
  int running, stop, kicked;
  struct netsync_status st;
  int have_rev;          /* the sink reports a revocation list version */
  uint64_t rev_version;  /* the one in force, for the Yh-Revlist-Version header */
};

/* ----------------------------------------------------------------- util -- */

static void trace(struct netsync *ns, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void trace(struct netsync *ns, const char *fmt, ...)
{
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (ns->trace)
    ns->trace(ns->trace_ctx, line);
  else
    fprintf(stderr, "netsync: %s\n", line);
}

static uint64_t now_ms(struct netsync *ns)
{
  struct timespec ts;
  if (ns->have_clock)
    return ns->clock.now_ms(ns->clock.ctx);
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int stopping(struct netsync *ns)
{
  int s;
  pthread_mutex_lock(&ns->mu);
  s = ns->stop;
  pthread_mutex_unlock(&ns->mu);
  return s;
}

/* The one transition function. */
static void set_state(struct netsync *ns, enum netsync_state to, const char *why)
{
  enum netsync_state from;
  pthread_mutex_lock(&ns->mu);
  from = ns->st.state;
  ns->st.state = to;
  pthread_mutex_unlock(&ns->mu);
  if (from != to)
    trace(ns, "%s -> %s (%s)", netsync_state_name((int)from), netsync_state_name((int)to), why);
}

static char *dup_opt(const char *s, int *bad)
{
  char *d;
  if (!s)
    return NULL;
  d = strdup(s);
  if (!d)
    *bad = 1;
  return d;
}

/* ----------------------------------------------------------------- HTTP -- */

struct reply {
  long code;
  struct ns_buf body;
  char sig[200];
  char rev_kind[16];
};

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
  struct reply *r = arg;
  if (ns_buf_add(&r->body, p, size * n) != NETSYNC_OK)
    return 0; /* over the cap: libcurl aborts the transfer */
  return size * n;
}

static void header_value(const char *line, size_t len, const char *name, char *dst, size_t cap)
{
  size_t nl = strlen(name), i, j;
  if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
    return;
  i = nl + 1;
  while (i < len && (line[i] == ' ' || line[i] == '\t'))
    i++;
  j = len;
  while (j > i && (line[j - 1] == '\r' || line[j - 1] == '\n' || line[j - 1] == ' '))
    j--;
  if (j - i >= cap)
    return;
  memcpy(dst, line + i, j - i);
  dst[j - i] = '\0';
}

static size_t on_header(char *p, size_t size, size_t n, void *arg)
{
  struct reply *r = arg;
  header_value(p, size * n, "X-YH-Signature", r->sig, sizeof r->sig);
  header_value(p, size * n, "X-YH-Revocation-Kind", r->rev_kind, sizeof r->rev_kind);
  return size * n;
}

static int on_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
  (void)a;
  (void)b;
  (void)c;
  (void)d;
  return stopping(arg) ? 1 : 0; /* non-zero aborts the transfer: clean stop */
}

static int curl_to_err(CURLcode c)
{
  switch (c) {
  case CURLE_OK:
    return NETSYNC_OK;
  /* Certificate trouble is TLS (it will not heal by itself); CURLE_SSL_CONNECT_ERROR
   * is not here: a peer that vanishes mid-handshake gives it too, and that is NET. */
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_ISSUER_ERROR:
    return NETSYNC_E_TLS;
  case CURLE_ABORTED_BY_CALLBACK:
    return NETSYNC_E_STOPPED;
  case CURLE_OUT_OF_MEMORY:
    return NETSYNC_E_NO_MEMORY;
  default:
    return NETSYNC_E_NET;
  }
}

/* One request. body NULL: GET. On transport failure the error; otherwise OK with the
 * HTTP code in r->code (the caller maps codes). idle, when not NULL, runs once while the
 * request is in flight (after the request went out): the upload uses it to prepare the
 * next batch while the centre works on this one. */
typedef void (*ns_idle_fn)(void *arg);

/* Append a header line; on failure the list is freed and NULL returned (then the request
 * is not sent: a half-built header list would send a request without its type). */
static struct curl_slist *add_header(struct curl_slist *h, const char *line, int *bad)
{
  struct curl_slist *n = curl_slist_append(h, line);
  if (!n) {
    curl_slist_free_all(h);
    *bad = 1;
  }
  return n;
}

/* The health headers every request carries (docs/sync-protocol.md, "Terminal health"):
 * the revocation list version in force and the terminal's wall clock. */
static struct curl_slist *health_headers(struct netsync *ns, struct curl_slist *h, int *bad)
{
  char line[64];
  int have;
  uint64_t v;
  int64_t now = ns->wall_s ? ns->wall_s(ns->wall_ctx) : (int64_t)time(NULL);
  pthread_mutex_lock(&ns->mu);
  have = ns->have_rev;
  v = ns->rev_version;
  pthread_mutex_unlock(&ns->mu);
  if (have && !*bad) {
    snprintf(line, sizeof line, "Yh-Revlist-Version: %" PRIu64, v);
    h = add_header(h, line, bad);
  }
  if (now >= 0 && !*bad) {
    snprintf(line, sizeof line, "Yh-Terminal-Time: %" PRId64, now);
    h = add_header(h, line, bad);
  }
  return h;
}

/* Ask the sink which revocation list is in force (worker thread only: the sink's
 * contract), for the header; the bill check's thread reads the copy under mu. */
static void refresh_rev_version(struct netsync *ns)
{
  uint64_t v = 0;
  int have = ns->s.revocation_version && ns->s.revocation_version(ns->sctx, &v) == 0;
  pthread_mutex_lock(&ns->mu);
  ns->have_rev = have;
  ns->rev_version = have ? v : 0;
  pthread_mutex_unlock(&ns->mu);
}

static int request_one(struct netsync *ns, const char *base, const char *path, const void *body,
                       size_t len, int gzip, const char *ctype, struct reply *r, ns_idle_fn idle,
                       void *idle_arg)
{
  char url[1024];
  struct curl_slist *h = NULL;
  int bad = 0;
  CURLcode cc = CURLE_OK;
  CURLMcode mc;
  CURLMsg *msg;
  int rc, running = 0, left = 0;
  memset(r, 0, sizeof *r);
  r->body.max = REPLY_MAX;
  if ((size_t)snprintf(url, sizeof url, "%s%s", base, path) >= sizeof url)
    return NETSYNC_E_INVALID_ARG;
  curl_easy_setopt(ns->curl, CURLOPT_URL, url);
  curl_easy_setopt(ns->curl, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(ns->curl, CURLOPT_HEADERDATA, r);
  h = health_headers(ns, h, &bad);
  if (body) {
    if (!bad)
      h = add_header(h, ctype ? ctype : "Content-Type: application/json", &bad);
    if (gzip && !bad)
      h = add_header(h, "Content-Encoding: gzip", &bad);
    if (!bad)
      h = add_header(h, "Expect:", &bad);
    curl_easy_setopt(ns->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(ns->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(ns->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
  } else {
    curl_easy_setopt(ns->curl, CURLOPT_HTTPGET, 1L);
  }
  if (bad)
    return NETSYNC_E_NO_MEMORY;
  curl_easy_setopt(ns->curl, CURLOPT_HTTPHEADER, h);
  /* The multi interface drives the one easy handle, so that the connection is still
   * reused and `idle` can run while the request is in flight. */
  mc = curl_multi_add_handle(ns->multi, ns->curl);
  if (mc == CURLM_OK) {
    mc = curl_multi_perform(ns->multi, &running);
    if (idle && mc == CURLM_OK)
      idle(idle_arg);
    while (mc == CURLM_OK && running) {
      mc = curl_multi_poll(ns->multi, NULL, 0, 200, NULL);
      if (mc == CURLM_OK)
        mc = curl_multi_perform(ns->multi, &running);
    }
    while ((msg = curl_multi_info_read(ns->multi, &left)) != NULL)
      if (msg->msg == CURLMSG_DONE && msg->easy_handle == ns->curl)
        cc = msg->data.result;
    curl_multi_remove_handle(ns->multi, ns->curl);
  }
  curl_easy_setopt(ns->curl, CURLOPT_HTTPHEADER, NULL);
  curl_slist_free_all(h);
  rc = mc != CURLM_OK ? NETSYNC_E_NET : curl_to_err(cc);
  if (rc != NETSYNC_OK) {
    if (rc != NETSYNC_E_STOPPED)
      trace(ns, "%s: %s (curl %d: %s)", path, netsync_errname(rc), (int)cc,
            mc != CURLM_OK ? curl_multi_strerror(mc) : curl_easy_strerror(cc));
    ns_buf_free(&r->body);
    return rc;
  }
  curl_easy_getinfo(ns->curl, CURLINFO_RESPONSE_CODE, &r->code);
  return NETSYNC_OK;
}

/* ------------------------------------------------------------ centres -- */

/* Worth another centre: it could not be reached (connect, TLS, timeout) or it had an
 * error of its own (5xx: its database, its disk). A 4xx is about the request itself and
 * every centre would say the same (they share one database), so it is not. */
static int failover_worthy(int rc, long code)
{
  return rc == NETSYNC_E_NET || rc == NETSYNC_E_TLS || (rc == NETSYNC_OK && code >= 500);
}

/* Where the next request goes: the centre in use, or the first again when a later one
 * has been in use for failback_ms. */
static unsigned centre_pick(struct netsync *ns)
{
  if (ns->cur != 0 && now_ms(ns) - ns->cur_since >= ns->failback_ms)
    return 0;
  return ns->cur;
}

static void centre_use(struct netsync *ns, unsigned i, const char *why)
{
  unsigned from = ns->cur;
  ns->cur = i;
  ns->cur_since = now_ms(ns);
  pthread_mutex_lock(&ns->mu);
  ns->st.centre = i;
  if (ns->st.failovers < UINT_MAX)
    ns->st.failovers++;
  pthread_mutex_unlock(&ns->mu);
  trace(ns, "centre %u of %zu in use: %s (was %s: %s)", i + 1, ns->urls.n, ns->urls.url[i],
        ns->urls.url[from], why);
}

const char *netsync_centre_url(const struct netsync *ns, unsigned i)
{
  return ns && i < ns->urls.n ? ns->urls.url[i] : NULL;
}

/*
 * One request, to the centres in turn from the one in use until one answers: every
 * request of the protocol may be sent twice (an upload the centre already holds comes
 * back as the same receipt: docs/sync-protocol.md, "Idempotence"), so a request whose
 * answer was lost is simply sent to the next centre. The one that answered stays in use.
 */
static int request_ex(struct netsync *ns, const char *path, const void *body, size_t len,
                      int gzip, const char *ctype, struct reply *r, ns_idle_fn idle,
                      void *idle_arg)
{
  unsigned first = centre_pick(ns), i = first;
  char why[96] = "failback";
  int rc;
  for (size_t tried = 1;; tried++) {
    rc = request_one(ns, ns->urls.url[i], path, body, len, gzip, ctype, r, idle, idle_arg);
    idle = NULL; /* it ran with the first attempt */
    if (!failover_worthy(rc, r->code) || tried >= ns->urls.n || stopping(ns))
      break;
    if (rc == NETSYNC_OK)
      snprintf(why, sizeof why, "HTTP %ld", r->code);
    else
      snprintf(why, sizeof why, "%s", netsync_errname(rc));
    ns_buf_free(&r->body);
    i = (i + 1) % (unsigned)ns->urls.n;
  }
  if (i != ns->cur && !failover_worthy(rc, r->code))
    centre_use(ns, i, why);
  else if (first != ns->cur)
    ns->cur_since = now_ms(ns); /* the first is still down: try again after another interval */
  return rc;
}

static int request(struct netsync *ns, const char *path, const void *body, size_t len, int gzip,
                   const char *ctype, struct reply *r)
{
  return request_ex(ns, path, body, len, gzip, ctype, r, NULL, NULL);
}

/* Verify the centre's signature (base64 DER in the header) over the body. */
static int verify_sig(struct netsync *ns, const struct reply *r)
{
  unsigned char der[160];
  size_t b64 = strlen(r->sig);
  int n, rc;
  if (!ns->sign_key)
    return NETSYNC_OK; /* not configured: TLS alone vouches for the reply */
  if (b64 == 0 || b64 % 4 != 0 || b64 / 4 * 3 > sizeof der)
    return NETSYNC_E_SIGNATURE;
  n = EVP_DecodeBlock(der, (const unsigned char *)r->sig, (int)b64);
  if (n <= 0)
    return NETSYNC_E_SIGNATURE;
  if (r->sig[b64 - 1] == '=')
    n--;
  if (b64 >= 2 && r->sig[b64 - 2] == '=')
    n--;
  rc = proto_key_verify(ns->sign_key, r->body.data ? r->body.data : "", r->body.len, der,
                        (size_t)n);
  if (rc == PROTO_E_NO_MEMORY)
    return NETSYNC_E_NO_MEMORY;
  return rc == PROTO_OK ? NETSYNC_OK : NETSYNC_E_SIGNATURE;
}

/* Map a non-2xx reply to an error, with a trace line carrying the centre's reason. */
static int http_error(struct netsync *ns, const char *path, struct reply *r,
                      struct netsync_error_reply *er)
{
  int rc;
  memset(er, 0, sizeof *er);
  if (r->body.data)
    netsync_parse_error(r->body.data, r->body.len, er);
  if (r->code == 403)
    rc = NETSYNC_E_REFUSED;
  else if (r->code == 409 && strcmp(er->error, "gap") == 0)
    rc = NETSYNC_E_GAP;
  else if (r->code == 400 || r->code == 409 || r->code == 413 || r->code == 415 ||
           r->code == 422)
    rc = NETSYNC_E_REJECTED;
  else
    rc = NETSYNC_E_SERVER;
  trace(ns, "%s: HTTP %ld %s: %s", path, r->code, er->error[0] ? er->error : "-",
        er->reason[0] ? er->reason : "-");
  return rc;
}

/* --------------------------------------------------------------- upload -- */

static void set_queue(struct netsync *ns, uint64_t acked, uint64_t last, int synced)
{
  pthread_mutex_lock(&ns->mu);
  ns->st.acked_through = acked;
  ns->st.queue_depth = last > acked ? last - acked : 0;
  if (synced)
    ns->st.last_sync = (int64_t)time(NULL);
  pthread_mutex_unlock(&ns->mu);
}

static void set_online(struct netsync *ns, int online)
{
  pthread_mutex_lock(&ns->mu);
  ns->st.online = online;
  pthread_mutex_unlock(&ns->mu);
}

/* A batch read from the journal and encoded, ready to send. */
struct batch {
  struct proto_event *ev;
  size_t n;
  struct ns_buf json, gz;
  int rc; /* of preparing it */
};

static void batch_init(struct batch *b)
{
  memset(b, 0, sizeof *b);
  b->json.max = BATCH_JSON_MAX;
  b->gz.max = BATCH_JSON_MAX;
}

static void batch_free(struct batch *b)
{
  free(b->ev);
  ns_buf_free(&b->json);
  ns_buf_free(&b->gz);
}

/* Read up to batch_max events from `from` and encode them. */
static int batch_prepare(struct netsync *ns, struct batch *b, uint64_t from)
{
  b->n = 0;
  if (!b->ev) {
    b->ev = calloc(ns->batch_max, sizeof *b->ev);
    if (!b->ev)
      return b->rc = NETSYNC_E_NO_MEMORY;
  }
  if (ns->j->read(ns->jctx, from, b->ev, ns->batch_max, &b->n) != 0 || b->n == 0 ||
      b->ev[0].seq != from) {
    b->n = 0;
    return b->rc = NETSYNC_E_JOURNAL;
  }
  b->json.len = 0;
  b->rc = netsync_encode_batch(b->ev, b->n, &b->json, &b->gz);
  if (b->rc != NETSYNC_OK)
    b->n = 0;
  return b->rc;
}

/* Work done while a batch is in flight: first record the previous receipt's mark (a
 * durable write, an fsync: off the critical path this way), then prepare the next batch.
 * A crash before the mark is written only means that batch is sent again, and the
 * centre's replay check absorbs it. */
struct prefetch {
  struct netsync *ns;
  struct batch *b;
  uint64_t from, last;
  uint64_t ack;  /* mark to record, 0: none */
  int ack_rc;
};

static void record_ack(struct prefetch *p)
{
  if (p->ack && p->ack_rc == NETSYNC_OK)
    p->ack_rc = p->ns->j->set_acked(p->ns->jctx, p->ack) == 0 ? NETSYNC_OK : NETSYNC_E_JOURNAL;
  p->ack = 0;
}

static void prefetch_next(void *arg)
{
  struct prefetch *p = arg;
  record_ack(p);
  if (p->from <= p->last)
    batch_prepare(p->ns, p->b, p->from);
}

static int same_hash(const char *hex, const uint8_t bin[KIOSK_HASH_LEN])
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < KIOSK_HASH_LEN; i++)
    if (hex[2 * i] != digits[bin[i] >> 4] || hex[2 * i + 1] != digits[bin[i] & 15])
      return 0;
  return hex[2 * KIOSK_HASH_LEN] == '\0';
}

/* Send a prepared batch; on a valid receipt *acked is the seq the centre acknowledged
 * (the caller records it). *next: the seq to send next (moves back on a gap the centre
 * can explain). pf runs while the request flies. */
static int upload_batch(struct netsync *ns, const struct batch *b, uint64_t *next,
                        uint64_t *acked, struct prefetch *pf)
{
  const struct proto_event *ev = b->ev;
  size_t n = b->n;
  struct reply r;
  struct netsync_receipt rc_;
  struct netsync_error_reply er;
  int rc = request_ex(ns, "/v1/journal", b->gz.data, b->gz.len, 1, NULL, &r,
                      pf ? prefetch_next : NULL, pf);
  if (rc != NETSYNC_OK)
    return rc;
  set_online(ns, 1);
  if (r.code != 200) {
    rc = http_error(ns, "/v1/journal", &r, &er);
    if (rc == NETSYNC_E_GAP && er.expected_seq >= 1 && er.expected_seq < ev[0].seq)
      *next = er.expected_seq; /* the centre lost events we still hold: resend them */
    else if (rc == NETSYNC_E_GAP)
      rc = NETSYNC_E_REJECTED; /* a gap we cannot fill: do not loop */
    ns_buf_free(&r.body);
    return rc;
  }
  rc = verify_sig(ns, &r);
  if (rc == NETSYNC_OK)
    rc = netsync_parse_receipt(r.body.data, r.body.len, &rc_);
  ns_buf_free(&r.body);
  if (rc != NETSYNC_OK) {
    trace(ns, "receipt refused: %s", netsync_errname(rc));
    return rc;
  }
  /* The receipt must name us and our own head: the last event sent, or a later one of
   * ours when the centre already held more (a replay after a lost reply). */
  if (ns->terminal[0] && strcmp(rc_.terminal, ns->terminal) != 0)
    rc = NETSYNC_E_BAD_REPLY;
  else if (rc_.acked_through == ev[n - 1].seq)
    rc = same_hash(rc_.head_hash, ev[n - 1].hash) ? NETSYNC_OK : NETSYNC_E_BAD_REPLY;
  else if (rc_.acked_through < ev[n - 1].seq)
    rc = NETSYNC_E_BAD_REPLY;
  else {
    struct proto_event mine;
    size_t got = 0;
    if (ns->j->read(ns->jctx, rc_.acked_through, &mine, 1, &got) != 0 || got != 1 ||
        mine.seq != rc_.acked_through || !same_hash(rc_.head_hash, mine.hash))
      rc = NETSYNC_E_BAD_REPLY;
  }
  if (rc != NETSYNC_OK) {
    trace(ns, "receipt does not match our journal (acked %" PRIu64 ", sent up to %" PRIu64 ")",
          rc_.acked_through, ev[n - 1].seq);
    return rc;
  }
  *acked = rc_.acked_through;
  *next = rc_.acked_through + 1;
  return NETSYNC_OK;
}

int netsync_upload_all(struct netsync *ns)
{
  struct batch cur, nxt, tmp;
  uint64_t acked = 0, last = 0, next, pending = 0;
  unsigned gaps = 0;
  int rc = NETSYNC_OK;
  if (!ns)
    return NETSYNC_E_INVALID_ARG;
  if (ns->j->acked(ns->jctx, &acked) != 0 || ns->j->last_seq(ns->jctx, &last) != 0)
    return NETSYNC_E_JOURNAL;
  set_queue(ns, acked, last, 0);
  refresh_rev_version(ns);
  if (acked >= last)
    return NETSYNC_OK;
  batch_init(&cur);
  batch_init(&nxt);
  next = acked + 1;
  rc = batch_prepare(ns, &cur, next);
  while (rc == NETSYNC_OK) {
    struct prefetch pf = {ns, &nxt, cur.ev[cur.n - 1].seq + 1, last, pending, NETSYNC_OK};
    uint64_t before = next, got = 0;
    if (stopping(ns)) {
      rc = NETSYNC_E_STOPPED;
      break;
    }
    nxt.n = 0;
    nxt.rc = NETSYNC_OK;
    rc = upload_batch(ns, &cur, &next, &got, &pf);
    record_ack(&pf); /* when the request failed before its idle step */
    pending = 0;
    if (pf.ack_rc != NETSYNC_OK) {
      rc = pf.ack_rc;
      break;
    }
    if (rc == NETSYNC_E_GAP && next < before && gaps++ < 2) {
      rc = batch_prepare(ns, &cur, next);
      continue;
    }
    if (rc != NETSYNC_OK)
      break;
    pending = got;
    if (ns->j->last_seq(ns->jctx, &last) != 0) {
      rc = NETSYNC_E_JOURNAL;
      break;
    }
    set_queue(ns, next - 1, last, 1);
    if (next > last)
      break;
    /* The prefetched batch is the one to send next unless the receipt moved us
     * elsewhere or it could not be made (then read it again, now). */
    if (nxt.n == 0 || nxt.ev[0].seq != next) {
      rc = batch_prepare(ns, &nxt, next);
      if (rc != NETSYNC_OK)
        break;
    }
    tmp = cur;
    cur = nxt;
    nxt = tmp;
  }
  /* The last receipt's mark (and any left by an error path). */
  if (pending && ns->j->set_acked(ns->jctx, pending) != 0 && rc == NETSYNC_OK)
    rc = NETSYNC_E_JOURNAL;
  batch_free(&cur);
  batch_free(&nxt);
  return rc;
}

/* ---------------------------------------------------------------- fetch -- */

int netsync_fetch_revocations(struct netsync *ns)
{
  uint64_t have = 0;
  struct reply r;
  struct netsync_error_reply er;
  char path[64];
  int rc, retried = 0;
  if (!ns)
    return NETSYNC_E_INVALID_ARG;
  if (!ns->s.apply_revocations)
    return NETSYNC_OK;
  if (ns->s.revocation_version && ns->s.revocation_version(ns->sctx, &have) != 0)
    have = 0;
again:
  /* have == 0: we hold no list; ask for the snapshot. */
  snprintf(path, sizeof path, "/v1/revocations?since=%" PRIu64, have);
  rc = request(ns, path, NULL, 0, 0, NULL, &r);
  if (rc != NETSYNC_OK)
    return rc;
  set_online(ns, 1);
  if (r.code == 204) { /* up to date */
    ns_buf_free(&r.body);
    return NETSYNC_OK;
  }
  if (r.code != 200) {
    rc = http_error(ns, "/v1/revocations", &r, &er);
    ns_buf_free(&r.body);
    return rc;
  }
  rc = verify_sig(ns, &r);
  if (rc == NETSYNC_OK &&
      ns->s.apply_revocations(ns->sctx, (const uint8_t *)r.body.data, r.body.len,
                              strcmp(r.rev_kind, "delta") == 0) != 0) {
    rc = NETSYNC_E_SINK;
    if (have != 0 && !retried) {
      /* A delta that does not apply (wrong base): take the whole list once. */
      ns_buf_free(&r.body);
      have = 0;
      retried = 1;
      goto again;
    }
  }
  ns_buf_free(&r.body);
  refresh_rev_version(ns); /* the status report that follows names the new one */
  return rc;
}

int netsync_fetch_doc(struct netsync *ns, const char *kind)
{
  uint64_t have = 0;
  struct reply r;
  struct netsync_error_reply er;
  struct netsync_doc d;
  char path[64];
  int rc;
  if (!ns || !kind ||
      (strcmp(kind, "config") != 0 && strcmp(kind, "trust") != 0 && strcmp(kind, "roster") != 0 &&
       strcmp(kind, "tariff") != 0 && strcmp(kind, "registry") != 0))
    return NETSYNC_E_INVALID_ARG;
  if (!ns->s.apply_doc)
    return NETSYNC_OK;
  if (ns->s.doc_version && ns->s.doc_version(ns->sctx, kind, &have) != 0)
    have = 0;
  snprintf(path, sizeof path, "/v1/%s?have=%" PRIu64, kind, have);
  rc = request(ns, path, NULL, 0, 0, NULL, &r);
  if (rc != NETSYNC_OK)
    return rc;
  set_online(ns, 1);
  if (r.code == 204) {
    ns_buf_free(&r.body);
    return NETSYNC_OK;
  }
  if (r.code != 200) {
    rc = http_error(ns, path, &r, &er);
    ns_buf_free(&r.body);
    return rc;
  }
  rc = verify_sig(ns, &r);
  if (rc == NETSYNC_OK)
    rc = netsync_parse_doc(r.body.data, r.body.len, &d);
  ns_buf_free(&r.body);
  if (rc != NETSYNC_OK)
    return rc;
  /* Signed for this kind, and newer: a replayed old document never rolls us back. */
  if (strcmp(d.kind, kind) != 0 || d.version <= have)
    rc = NETSYNC_E_BAD_REPLY;
  else if (ns->s.apply_doc(ns->sctx, kind, d.version, d.content, d.content_len) != 0)
    rc = NETSYNC_E_SINK;
  netsync_doc_free(&d);
  return rc;
}

/* The documents, the registry first (the terminal checks its configuration against it),
 * the roster last. One the terminal refuses (NETSYNC_E_SINK: it keeps the one in force and
 * says why) does not hold the others back: a bad trust store at the centre must not stop
 * a roster that disables a member. The hospital's tariff answers 204 to other sites. */
static int fetch_docs(struct netsync *ns)
{
  static const char *const kinds[] = {"registry", "trust", "config", "tariff", "roster"};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    int rc = netsync_fetch_doc(ns, kinds[i]);
    if (rc == NETSYNC_E_SINK) {
      trace(ns, "document %s refused by the terminal: the one in force stays", kinds[i]);
      continue;
    }
    if (rc != NETSYNC_OK)
      return rc;
  }
  return NETSYNC_OK;
}

int netsync_report(struct netsync *ns)
{
  char body[512];
  struct netsync_status st;
  struct reply r;
  struct netsync_error_reply er;
  const char *reader = "unknown";
  uint64_t acked = 0, last = 0;
  int rc, n;
  if (!ns)
    return NETSYNC_E_INVALID_ARG;
  if (ns->j->acked(ns->jctx, &acked) == 0 && ns->j->last_seq(ns->jctx, &last) == 0)
    set_queue(ns, acked, last, 0);
  refresh_rev_version(ns);
  netsync_get_status(ns, &st);
  if (ns->s.reader_state && ns->s.reader_state(ns->sctx))
    reader = ns->s.reader_state(ns->sctx);
  n = snprintf(body, sizeof body,
               "{\"software\":\"%s\",\"queue_depth\":%" PRIu64 ",\"last_sync\":%" PRId64
               ",\"reader\":\"%s\"}",
               ns->software, st.queue_depth, st.last_sync, reader);
  if (n < 0 || (size_t)n >= sizeof body)
    return NETSYNC_E_INVALID_ARG;
  rc = request(ns, "/v1/status", body, (size_t)n, 0, NULL, &r);
  if (rc != NETSYNC_OK)
    return rc;
  set_online(ns, 1);
  if (r.code != 204 && r.code != 200)
    rc = http_error(ns, "/v1/status", &r, &er);
  ns_buf_free(&r.body);
  return rc;
}

/* --------------------------------------------------------------- worker -- */

/* Wait up to ms, or until stop (or a kick when kick_wakes). */
static void wait_ms(struct netsync *ns, uint64_t ms, int kick_wakes)
{
  if (ns->have_clock) {
    /* Injected clock: the test advances time; we only yield. */
    struct timespec ts = {0, 1000000L};
    uint64_t until = now_ms(ns) + ms;
    while (!stopping(ns) && now_ms(ns) < until) {
      pthread_mutex_lock(&ns->mu);
      if (kick_wakes && ns->kicked) {
        pthread_mutex_unlock(&ns->mu);
        break;
      }
      pthread_mutex_unlock(&ns->mu);
      nanosleep(&ts, NULL);
    }
    return;
  }
  {
    struct timespec dl;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    dl.tv_sec += (time_t)(ms / 1000);
    dl.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (dl.tv_nsec >= 1000000000L) {
      dl.tv_sec++;
      dl.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&ns->mu);
    while (!ns->stop && !(kick_wakes && ns->kicked))
      if (pthread_cond_timedwait(&ns->cv, &ns->mu, &dl) == ETIMEDOUT)
        break;
    pthread_mutex_unlock(&ns->mu);
  }
}

static int permanent(int rc)
{
  return rc == NETSYNC_E_REFUSED || rc == NETSYNC_E_REJECTED || rc == NETSYNC_E_SIGNATURE ||
         rc == NETSYNC_E_BAD_REPLY || rc == NETSYNC_E_TLS;
}

static void *worker(void *arg)
{
  struct netsync *ns = arg;
  uint64_t next_poll = 0;
  unsigned attempts = 0;
  set_state(ns, NETSYNC_STATE_UPLOADING, "started");
  while (!stopping(ns)) {
    int rc;
    int poll_due = now_ms(ns) >= next_poll;
    pthread_mutex_lock(&ns->mu);
    ns->kicked = 0;
    pthread_mutex_unlock(&ns->mu);

    set_state(ns, NETSYNC_STATE_UPLOADING, "journal");
    rc = netsync_upload_all(ns);
    if (rc == NETSYNC_OK && poll_due) {
      set_state(ns, NETSYNC_STATE_FETCHING, "revocations, documents, status");
      rc = netsync_fetch_revocations(ns);
      if (rc == NETSYNC_OK)
        rc = fetch_docs(ns);
      if (rc == NETSYNC_OK)
        rc = netsync_report(ns);
      if (rc == NETSYNC_OK)
        next_poll = now_ms(ns) + ns->poll_ms;
    }
    if (rc == NETSYNC_E_STOPPED || stopping(ns))
      break;
    if (rc == NETSYNC_OK) {
      attempts = 0;
      pthread_mutex_lock(&ns->mu);
      ns->st.attempts = 0;
      ns->st.last_error = 0;
      ns->st.next_retry_ms = 0;
      pthread_mutex_unlock(&ns->mu);
      set_state(ns, NETSYNC_STATE_IDLE, "up to date");
      wait_ms(ns, next_poll > now_ms(ns) ? next_poll - now_ms(ns) : 0, 1);
    } else {
      uint64_t delay;
      char why[160];
      int perm = permanent(rc);
      if (attempts < 1000000u)
        attempts++;
      delay = netsync_backoff_ms(attempts, ns->base_ms, ns->cap_ms, &ns->rng);
      if (perm && delay < REFUSED_MIN_MS && ns->cap_ms >= REFUSED_MIN_MS)
        delay = REFUSED_MIN_MS; /* a refusal does not heal in seconds: do not hammer */
      pthread_mutex_lock(&ns->mu);
      ns->st.attempts = attempts;
      ns->st.last_error = rc;
      ns->st.next_retry_ms = now_ms(ns) + delay;
      if (rc == NETSYNC_E_NET || rc == NETSYNC_E_TLS)
        ns->st.online = 0;
      pthread_mutex_unlock(&ns->mu);
      snprintf(why, sizeof why, "%s; attempt %u, retry in %" PRIu64 " ms", netsync_errname(rc),
               attempts, delay);
      set_state(ns, perm ? NETSYNC_STATE_REFUSED : NETSYNC_STATE_BACKOFF, why);
      wait_ms(ns, delay, 0);
    }
  }
  set_state(ns, NETSYNC_STATE_STOPPED, "stop requested");
  return NULL;
}

/* ------------------------------------------------------------ lifecycle -- */

static int load_identity(struct netsync *ns, const char *sign_pub)
{
  FILE *f;
  X509 *cert;
  if (sign_pub) {
    int rc = proto_key_load_public(sign_pub, &ns->sign_key, NULL, 0);
    if (rc == PROTO_E_NOT_FOUND || rc == PROTO_E_IO)
      return NETSYNC_E_IO;
    if (rc != PROTO_OK)
      return rc == PROTO_E_NO_MEMORY ? NETSYNC_E_NO_MEMORY : NETSYNC_E_CRYPTO;
  }
  /* Our own terminal id, to check that a receipt is ours. */
  f = fopen(ns->cert_file, "r");
  if (!f)
    return NETSYNC_E_IO;
  cert = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  if (!cert)
    return NETSYNC_E_CRYPTO;
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, ns->terminal,
                            sizeof ns->terminal);
  X509_free(cert);
  return NETSYNC_OK;
}

static void curl_init_once(void)
{
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* The TLS and limit settings every handle of ours carries. */
static void configure_easy(struct netsync *ns, CURL *c)
{
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
  /* Trust the project CA and nothing else: no system store. */
  curl_easy_setopt(c, CURLOPT_CAINFO, ns->ca_file);
  curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (ns->pinned)
    curl_easy_setopt(c, CURLOPT_PINNEDPUBLICKEY, ns->pinned);
  curl_easy_setopt(c, CURLOPT_SSLCERT, ns->cert_file);
  curl_easy_setopt(c, CURLOPT_SSLKEY, ns->key_file);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ns->connect_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ns->total_ms);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, ns->low_bytes);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, ns->low_secs);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, ns);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "yh-netsync/1");
  /* Revocation lists come gzip'd; libcurl inflates them (into on_body's capped buffer). */
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
}

static int setup_curl(struct netsync *ns)
{
  CURL *c;
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, curl_init_once);
  c = curl_easy_init();
  ns->multi = curl_multi_init();
  if (!c || !ns->multi) {
    if (c)
      curl_easy_cleanup(c);
    return NETSYNC_E_NET;
  }
  ns->curl = c;
  configure_easy(ns, c);
  return NETSYNC_OK;
}

/* ------------------------------------------------------------ bill check -- */

/*
 * Its own easy handle, made and freed per call: the cashier's thread asks while the worker
 * may be in the middle of an upload on the worker's handle (a libcurl handle is one
 * thread's at a time), and a verdict must not wait behind a 2,000-event batch.
 */
int netsync_bill_check(struct netsync *ns, const char *bill, long timeout_ms,
                       struct netsync_bill_state *out)
{
  struct reply r;
  struct netsync_error_reply er;
  char url[1024], *esc = NULL;
  struct curl_slist *hdr = NULL;
  unsigned centre;
  CURL *c;
  CURLcode cc;
  int rc, bad = 0;
  if (!ns || !bill || !out || !bill[0] || strlen(bill) > PROTO_BILL_REF_MAX)
    return NETSYNC_E_INVALID_ARG;
  memset(out, 0, sizeof *out);
  memset(&r, 0, sizeof r);
  r.body.max = NETSYNC_BILL_REPLY_MAX;
  c = curl_easy_init();
  if (!c)
    return NETSYNC_E_NO_MEMORY;
  configure_easy(ns, c);
  /* No progress callback: netsync_stop() does not own this call; the deadline ends it. */
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 2000L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 2000L);
  /* The centre the worker uses (a bill check is one short request with its own deadline:
   * no time to walk the list). */
  pthread_mutex_lock(&ns->mu);
  centre = ns->st.centre < ns->urls.n ? ns->st.centre : 0;
  pthread_mutex_unlock(&ns->mu);
  hdr = health_headers(ns, NULL, &bad);
  if (bad) {
    rc = NETSYNC_E_NO_MEMORY;
    goto out_cleanup;
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
  esc = curl_easy_escape(c, bill, 0);
  if (!esc || (size_t)snprintf(url, sizeof url, "%s/v1/bills?bill=%s", ns->urls.url[centre],
                               esc) >= sizeof url) {
    rc = esc ? NETSYNC_E_INVALID_ARG : NETSYNC_E_NO_MEMORY;
    goto out_cleanup;
  }
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
  cc = curl_easy_perform(c);
  rc = curl_to_err(cc);
  if (rc != NETSYNC_OK) {
    trace(ns, "/v1/bills: %s (curl %d: %s)", netsync_errname(rc), (int)cc, curl_easy_strerror(cc));
    goto out_cleanup;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.code);
  if (r.code != 200) {
    rc = http_error(ns, "/v1/bills", &r, &er);
    goto out_cleanup;
  }
  rc = verify_sig(ns, &r);
  if (rc == NETSYNC_OK)
    rc = netsync_parse_bill(r.body.data, r.body.len, out);

out_cleanup:
  curl_free(esc);
  curl_easy_cleanup(c);
  curl_slist_free_all(hdr);
  ns_buf_free(&r.body);
  return rc;
}

int netsync_create(const struct netsync_config *cfg, const struct netsync_journal_ops *jops,
                   void *jctx, const struct netsync_sink_ops *sops, void *sctx,
                   struct netsync **out)
{
  struct netsync *ns;
  int bad = 0, rc;
  if (!out)
    return NETSYNC_E_INVALID_ARG;
  *out = NULL;
  if (!cfg || !cfg->url || !cfg->ca_file ||
      !cfg->cert_file || !cfg->key_file || !jops || !jops->read || !jops->acked ||
      !jops->set_acked || !jops->last_seq ||
      (cfg->clock && !cfg->clock->now_ms))
    return NETSYNC_E_INVALID_ARG;
  ns = calloc(1, sizeof *ns);
  if (!ns)
    return NETSYNC_E_NO_MEMORY;
  pthread_mutex_init(&ns->mu, NULL);
  {
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&ns->cv, &ca);
    pthread_condattr_destroy(&ca);
  }
  if (common_url_list_parse(cfg->url, &ns->urls, NULL, 0) != COMMON_OK) {
    rc = NETSYNC_E_INVALID_ARG;
    goto out_destroy;
  }
  ns->ca_file = dup_opt(cfg->ca_file, &bad);
  ns->pinned = dup_opt(cfg->pinned_pubkey, &bad);
  ns->cert_file = dup_opt(cfg->cert_file, &bad);
  ns->key_file = dup_opt(cfg->key_file, &bad);
  ns->software = dup_opt(cfg->software ? cfg->software : "unknown", &bad);
  if (bad) {
    rc = NETSYNC_E_NO_MEMORY;
    goto out_destroy;
  }
  for (const char *p = ns->software; *p; p++)
    if (*p < 0x20 || *p > 0x7e || *p == '"' || *p == '\\') {
      rc = NETSYNC_E_INVALID_ARG;
      goto out_destroy;
    }
  ns->connect_ms = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms : 5000;
  ns->total_ms = cfg->total_timeout_ms > 0 ? cfg->total_timeout_ms : 60000;
  ns->low_bytes = cfg->low_speed_bytes > 0 ? cfg->low_speed_bytes : 100;
  ns->low_secs = cfg->low_speed_secs > 0 ? cfg->low_speed_secs : 20;
  ns->batch_max = cfg->batch_max ? cfg->batch_max : 2000;
  if (ns->batch_max > 10000)
    ns->batch_max = 10000;
  ns->base_ms = cfg->backoff_base_ms ? cfg->backoff_base_ms : 1000;
  ns->cap_ms = cfg->backoff_cap_ms ? cfg->backoff_cap_ms : 300000;
  ns->poll_ms = cfg->poll_ms ? cfg->poll_ms : 60000;
  ns->failback_ms = cfg->failback_ms ? cfg->failback_ms : FAILBACK_DEFAULT_MS;
  if (ns->failback_ms < FAILBACK_MIN_MS)
    ns->failback_ms = FAILBACK_MIN_MS;
  if (ns->failback_ms > FAILBACK_MAX_MS)
    ns->failback_ms = FAILBACK_MAX_MS;
  ns->wall_s = cfg->wall_s;
  ns->wall_ctx = cfg->wall_ctx;
  if (cfg->clock) {
    ns->clock = *cfg->clock;
    ns->have_clock = 1;
  }
  ns->trace = cfg->trace;
  ns->trace_ctx = cfg->trace_ctx;
  ns->j = jops;
  ns->jctx = jctx;
  if (sops)
    ns->s = *sops;
  ns->sctx = sctx;
  if (RAND_bytes((unsigned char *)&ns->rng, sizeof ns->rng) != 1)
    ns->rng = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)ns;
  rc = load_identity(ns, cfg->sign_pubkey_file);
  if (rc == NETSYNC_OK)
    rc = setup_curl(ns);
  if (rc != NETSYNC_OK)
    goto out_destroy;
  ns->st.state = NETSYNC_STATE_STOPPED;
  *out = ns;
  return NETSYNC_OK;

out_destroy:
  netsync_destroy(ns);
  return rc;
}

int netsync_start(struct netsync *ns)
{
  int rc;
  if (!ns)
    return NETSYNC_E_INVALID_ARG;
  pthread_mutex_lock(&ns->mu);
  if (ns->running) {
    pthread_mutex_unlock(&ns->mu);
    return NETSYNC_OK;
  }
  ns->stop = 0;
  rc = pthread_create(&ns->th, NULL, worker, ns);
  if (rc == 0)
    ns->running = 1;
  pthread_mutex_unlock(&ns->mu);
  return rc == 0 ? NETSYNC_OK : NETSYNC_E_NO_MEMORY;
}

void netsync_stop(struct netsync *ns)
{
  int running;
  if (!ns)
    return;
  pthread_mutex_lock(&ns->mu);
  running = ns->running;
  ns->stop = 1;
  pthread_cond_broadcast(&ns->cv);
  pthread_mutex_unlock(&ns->mu);
  if (!running)
    return;
  pthread_join(ns->th, NULL);
  pthread_mutex_lock(&ns->mu);
  ns->running = 0;
  pthread_mutex_unlock(&ns->mu);
}

void netsync_kick(struct netsync *ns)
{
  if (!ns)
    return;
  pthread_mutex_lock(&ns->mu);
  ns->kicked = 1;
  pthread_cond_broadcast(&ns->cv);
  pthread_mutex_unlock(&ns->mu);
}

void netsync_get_status(struct netsync *ns, struct netsync_status *out)
{
  if (!ns || !out)
    return;
  pthread_mutex_lock(&ns->mu);
  *out = ns->st;
  pthread_mutex_unlock(&ns->mu);
}

void netsync_destroy(struct netsync *ns)
{
  if (!ns)
    return;
  netsync_stop(ns);
  if (ns->curl)
    curl_easy_cleanup(ns->curl);
  if (ns->multi)
    curl_multi_cleanup(ns->multi);
  proto_key_destroy(ns->sign_key);
  free(ns->ca_file);
  free(ns->pinned);
  free(ns->cert_file);
  free(ns->key_file);
  free(ns->software);
  pthread_cond_destroy(&ns->cv);
  pthread_mutex_destroy(&ns->mu);
  free(ns);
}
