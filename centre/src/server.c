/*
 * The HTTPS server: libevent's evhttp over OpenSSL bufferevents, mutual TLS.
 *
 * Threads: `workers` event loops, each with its own evhttp, its own SQLite connection
 * and its own copy of the listening socket; the kernel hands each new connection to one
 * of them. A request is handled start to finish on its loop (the commit included: a
 * reply is never sent before its commit). Uploads that arrive on several loops while a
 * commit syncs share the next one (group.c, `[store] group_commit`). The main thread
 * waits for SIGTERM/SIGINT and then breaks every loop.
 *
 * Identity: the terminal id is the CN of the client certificate, which must chain to the
 * project CA (OpenSSL checks that in the handshake); the id is then looked up in the
 * store (unknown, retired, or a revoked certificate serial: 403). Nothing in a request
 * body names the terminal.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/keyvalq_struct.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <sys/queue.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "centre_int.h"
#include "common/token.h"

/* A signed list ready to send: the binary, its gzip form, the header signature. */
struct revlist_blob {
  uint64_t version;
  int64_t issued;
  int delta;
  uint8_t *bin;
  size_t len;
  char *gz;
  size_t gz_len;
  char sig[128];
};

struct centre_worker {
  struct centre_server *srv;
  struct event_base *base;
  struct evhttp *http;
  struct centre_store *st;
  pthread_t th;
  int started;
  unsigned idx;
  struct evconnlistener *lev;
  struct event *reaccept; /* re-enables lev after an accept error (descriptors ran out) */
  struct event *beat;     /* proves to the watchdog that this loop turns */
  atomic_llong beat_at;   /* monotonic seconds of the last beat */
};

struct centre_server {
  struct centre_conf conf;
  SSL_CTX *ctx;
  struct centre_signer *signer;
  struct centre_revsigner *revsigner;
  char key_id[CENTRE_HASH_HEX + 1];
  int fd;
  unsigned port;
  unsigned nworkers;
  struct centre_worker *w;
  /* Test hooks (docs/centre.md, "Test hooks"): read once from the environment. */
  /* The last revocation snapshot (send_snapshot). */
  pthread_mutex_t snap_mu;
  struct revlist_blob snap;
  long hook_exit_after_commit;
  long hook_stall_ms;
  atomic_long commits;
  struct centre_group *group;          /* NULL: each upload commits alone */
  struct centre_guard *guard;
};

/* ------------------------------------------------------------ replies -- */

static void reply_json(struct evhttp_request *req, int code, const char *status, const char *body,
                       size_t len, const char *sig)
{
  struct evbuffer *out = evbuffer_new();
  struct evkeyvalq *h = evhttp_request_get_output_headers(req);
  evhttp_add_header(h, "Content-Type", "application/json");
  evhttp_add_header(h, "Cache-Control", "no-store");
  if (sig)
    evhttp_add_header(h, "X-YH-Signature", sig);
  if (out && body)
    evbuffer_add(out, body, len);
  evhttp_send_reply(req, code, status, out);
  if (out)
    evbuffer_free(out);
}

/* {"error": code, "reason": text, extra...}: the reason never echoes request bytes. */
static void reply_error(struct evhttp_request *req, int http, const char *code, const char *reason,
                        const char *extra_key, uint64_t extra)
{
  json_t *o = json_object();
  char *text = NULL;
  static const struct {
    int code;
    const char *text;
  } status[] = {{400, "Bad Request"},       {403, "Forbidden"},
                {404, "Not Found"},         {405, "Method Not Allowed"},
                {409, "Conflict"},          {413, "Payload Too Large"},
                {415, "Unsupported Media Type"}, {422, "Unprocessable Entity"},
                {500, "Internal Server Error"},  {503, "Service Unavailable"}};
  const char *st = "Error";
  for (size_t i = 0; i < sizeof status / sizeof status[0]; i++)
    if (status[i].code == http)
      st = status[i].text;
  if (o) {
    json_object_set_new(o, "error", json_string(code));
    json_object_set_new(o, "reason", json_string(reason));
    if (extra_key)
      json_object_set_new(o, extra_key, json_integer((json_int_t)extra));
    text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
  }
  if (http == 503) {
    evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", "2");
    /* This instance cannot serve now (its database): close, so that the terminal's retry
     * opens a new connection, which a load balancer may give to another instance. */
    evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
  }
  reply_json(req, http, st, text, text ? strlen(text) : 0, NULL);
  free(text);
}

/* Sign body and send it with 200 (or `code`). */
static void reply_signed(struct centre_worker *w, struct evhttp_request *req, int code,
                         const char *ctype, const void *body, size_t len)
{
  char sig[128];
  struct evbuffer *out;
  struct evkeyvalq *h = evhttp_request_get_output_headers(req);
  if (centre_sign_b64(w->srv->signer, body, len, sig, sizeof sig) != CENTRE_OK) {
    reply_error(req, 500, "internal", "signing failed", NULL, 0);
    return;
  }
  out = evbuffer_new();
  if (!out) {
    reply_error(req, 500, "internal", "out of memory", NULL, 0);
    return;
  }
  evhttp_add_header(h, "Content-Type", ctype);
  evhttp_add_header(h, "Cache-Control", "no-store");
  evhttp_add_header(h, "X-YH-Signature", sig);
  evhttp_add_header(h, "X-YH-Key-Id", w->srv->key_id);
  evbuffer_add(out, body, len);
  evhttp_send_reply(req, code, "OK", out);
  evbuffer_free(out);
}

/* ----------------------------------------------------------- identity -- */

/* The terminal id (client certificate CN) and the certificate serial (uppercase hex). */
static int peer_identity(struct evhttp_request *req, char id[CENTRE_TERMINAL_ID_MAX + 1],
                         char serial[81])
{
  struct evhttp_connection *conn = evhttp_request_get_connection(req);
  struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
  SSL *ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;
  X509 *cert;
  X509_NAME *name;
  int idx, rc = -1, len;
  const ASN1_STRING *cn;
  BIGNUM *bn;
  char *hex;

  if (!ssl || SSL_get_verify_result(ssl) != X509_V_OK)
    return -1;
  cert = SSL_get1_peer_certificate(ssl);
  if (!cert)
    return -1;
  name = X509_get_subject_name(cert);
  idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0 || X509_NAME_get_index_by_NID(name, NID_commonName, idx) >= 0)
    goto out_free_cert; /* none, or two: ambiguous */
  cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  len = ASN1_STRING_length(cn);
  if (len <= 0 || len > CENTRE_TERMINAL_ID_MAX)
    goto out_free_cert;
  memcpy(id, ASN1_STRING_get0_data(cn), (size_t)len);
  id[len] = '\0';
  if (strlen(id) != (size_t)len || !common_token_valid(id, CENTRE_TERMINAL_ID_MAX))
    goto out_free_cert;
  bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
  hex = bn ? BN_bn2hex(bn) : NULL;
  if (hex && strlen(hex) < 81) {
    snprintf(serial, 81, "%s", hex);
    rc = 0;
  }
  OPENSSL_free(hex);
  BN_free(bn);
out_free_cert:
  X509_free(cert);
  return rc;
}

/* ----------------------------------------------------------- handlers -- */

static int parse_u64(const char *s, uint64_t *out)
{
  uint64_t n = 0;
  if (!s || !*s)
    return -1;
  for (; *s; s++) {
    unsigned d;
    if (*s < '0' || *s > '9')
      return -1;
    d = (unsigned)(*s - '0');
    if (n > (UINT64_MAX - d) / 10)
      return -1;
    n = n * 10 + d;
  }
  *out = n;
  return 0;
}

/* The request body, inflated if Content-Encoding says so. *out freed with free(). */
static int read_body(struct centre_worker *w, struct evhttp_request *req, size_t max_text,
                     char **out, size_t *out_len)
{
  struct evbuffer *in = evhttp_request_get_input_buffer(req);
  const char *enc = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Encoding");
  size_t len = evbuffer_get_length(in);
  const uint8_t *raw;
  int rc;
  (void)w;
  *out = NULL;
  raw = len ? evbuffer_pullup(in, -1) : (const uint8_t *)"";
  if (!raw)
    return CENTRE_E_NO_MEMORY;
  if (!enc || strcmp(enc, "identity") == 0) {
    if (len > max_text)
      return CENTRE_E_TOO_LARGE;
    *out = malloc(len + 1);
    if (!*out)
      return CENTRE_E_NO_MEMORY;
    memcpy(*out, raw, len);
    (*out)[len] = '\0';
    *out_len = len;
    return CENTRE_OK;
  }
  if (strcmp(enc, "gzip") != 0 && strcmp(enc, "deflate") != 0)
    return CENTRE_E_INVALID_ARG;
  rc = centre_inflate(raw, len, strcmp(enc, "gzip") == 0, max_text, out, out_len);
  return rc;
}

static void body_error(struct evhttp_request *req, int rc)
{
  if (rc == CENTRE_E_TOO_LARGE)
    reply_error(req, 413, "too_large", "body over the size limit", NULL, 0);
  else if (rc == CENTRE_E_INVALID_ARG)
    reply_error(req, 415, "encoding", "Content-Encoding must be gzip, deflate or identity", NULL,
                0);
  else if (rc == CENTRE_E_MALFORMED)
    reply_error(req, 400, "encoding", "body is not a valid compressed stream", NULL, 0);
  else
    reply_error(req, 500, "internal", centre_strerror(rc), NULL, 0);
}

static void handle_upload(struct centre_worker *w, struct evhttp_request *req, const char *terminal,
                          const char *site)
{
  struct centre_server *srv = w->srv;
  struct centre_batch b = {0, NULL, NULL, 0};
  struct centre_upload_result res;
  char why[256], receipt[512];
  char *text = NULL;
  size_t len = 0;
  int rc, n;

  rc = read_body(w, req, srv->conf.max_inflated, &text, &len);
  if (rc != CENTRE_OK) {
    body_error(req, rc);
    return;
  }
  rc = centre_batch_parse(text, len, srv->conf.max_events, &b, why, sizeof why);
  free(text);
  if (rc != CENTRE_OK) {
    centre_log_limited(CENTRE_CAUSE_UPLOAD_REFUSED, "upload from %s refused: %s", terminal, why);
    reply_error(req, rc == CENTRE_E_TOO_LARGE ? 413 : 400, "malformed", why, NULL, 0);
    return;
  }
  if (srv->hook_stall_ms > 0) {
    struct timespec ts = {srv->hook_stall_ms / 1000, (srv->hook_stall_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
  }
  if (srv->group) {
    struct centre_upload_job job = {terminal, site, &b, (int64_t)time(NULL), 0, {0}, 0};
    rc = centre_group_upload(srv->group, w->st, &job);
    res = job.res;
  } else {
    rc = centre_store_upload(w->st, terminal, site, &b, (int64_t)time(NULL), &res);
  }
  switch (rc) {
  case CENTRE_OK:
    break;
  case CENTRE_E_GAP:
    snprintf(why, sizeof why, "batch starts at seq %" PRIu64 ", expected %" PRIu64, b.ev[0].seq,
             res.expected_seq);
    centre_log(CENTRE_LOG_WARN, "upload from %s: %s", terminal, why);
    reply_error(req, 409, "gap", why, "expected_seq", res.expected_seq);
    goto out_free_batch;
  case CENTRE_E_CHAIN:
  case CENTRE_E_HASH:
  case CENTRE_E_CONFLICT:
  case CENTRE_E_IDENTITY:
    snprintf(why, sizeof why, "seq %" PRIu64 ": %s", res.bad_seq, centre_strerror(rc));
    centre_log(CENTRE_LOG_WARN, "upload from %s refused: %s", terminal, why);
    reply_error(req, rc == CENTRE_E_CHAIN || rc == CENTRE_E_CONFLICT ? 409 : 422,
                rc == CENTRE_E_HASH       ? "hash"
                : rc == CENTRE_E_CHAIN    ? "chain"
                : rc == CENTRE_E_IDENTITY ? "identity"
                                          : "conflict",
                why, "seq", res.bad_seq);
    goto out_free_batch;
  default:
    reply_error(req, 503, "unavailable", "store error, retry later", NULL, 0);
    goto out_free_batch;
  }
  if (srv->hook_exit_after_commit > 0 &&
      atomic_fetch_add(&srv->commits, 1) + 1 == srv->hook_exit_after_commit) {
    centre_log(CENTRE_LOG_WARN, "test hook: exiting after commit, before the reply");
    _exit(70);
  }
  if (res.quarantined)
    centre_log_limited(CENTRE_CAUSE_QUARANTINED,
                       "upload from %s: %zu events quarantined (centre-admin quarantine list)",
                       terminal, res.quarantined);
  centre_log(CENTRE_LOG_DEBUG, "upload from %s: seq %" PRIu64 "..%" PRIu64 ", %zu new", terminal,
             b.ev[0].seq, b.ev[b.n - 1].seq, res.inserted);
  n = snprintf(receipt, sizeof receipt,
               "{\"receipt\":\"yh-receipt/1\",\"terminal\":\"%s\",\"acked_through\":%" PRIu64
               ",\"head_hash\":\"%s\",\"received\":%lld,\"key_id\":\"%s\"}",
               terminal, res.acked_through, res.head_hash, (long long)time(NULL), srv->key_id);
  reply_signed(w, req, 200, "application/json", receipt, (size_t)n);
out_free_batch:
  centre_batch_free(&b);
}

static int get_query_u64(struct evhttp_request *req, const char *key, uint64_t *out)
{
  const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
  struct evkeyvalq params;
  const char *v;
  int rc = 1; /* absent */
  if (!q)
    return 1;
  TAILQ_INIT(&params);
  if (evhttp_parse_query_str(q, &params) != 0)
    return -1;
  v = evhttp_find_header(&params, key);
  if (v)
    rc = parse_u64(v, out) == 0 ? 0 : -1;
  evhttp_clear_headers(&params);
  return rc;
}

/* gzip when the client accepts it (revocation snapshots compress well). */
static int accepts_gzip(struct evhttp_request *req)
{
  const char *ae = evhttp_find_header(evhttp_request_get_input_headers(req), "Accept-Encoding");
  return ae && strstr(ae, "gzip") != NULL;
}

static void blob_free(struct revlist_blob *b)
{
  free(b->bin);
  free(b->gz);
  memset(b, 0, sizeof *b);
}

/* Encode, gzip and sign entries e[n] as a snapshot (since 0) or a delta from since. */
static int blob_make(struct centre_worker *w, uint64_t since, uint64_t version,
                     const struct centre_rev_entry *e, size_t n, struct revlist_blob *b)
{
  int rc;
  memset(b, 0, sizeof *b);
  b->version = version;
  b->issued = (int64_t)time(NULL);
  b->delta = since != 0;
  rc = centre_revlist_encode(w->srv->revsigner, b->delta, since, version, b->issued, e, n,
                             &b->bin, &b->len);
  if (rc == CENTRE_OK)
    rc = centre_sign_b64(w->srv->signer, b->bin, b->len, b->sig, sizeof b->sig);
  if (rc == CENTRE_OK && b->len > 256 && centre_gzip(b->bin, b->len, &b->gz, &b->gz_len) != CENTRE_OK)
    b->gz = NULL; /* send it plain */
  if (rc != CENTRE_OK)
    blob_free(b);
  return rc;
}

static void blob_send(struct centre_worker *w, struct evhttp_request *req,
                      const struct revlist_blob *b)
{
  struct evkeyvalq *h = evhttp_request_get_output_headers(req);
  struct evbuffer *out = evbuffer_new();
  char vbuf[32];
  if (!out) {
    reply_error(req, 500, "internal", "out of memory", NULL, 0);
    return;
  }
  snprintf(vbuf, sizeof vbuf, "%" PRIu64, b->version);
  evhttp_add_header(h, "Content-Type", "application/octet-stream");
  evhttp_add_header(h, "Cache-Control", "no-store");
  evhttp_add_header(h, "X-YH-Revocation-Version", vbuf);
  evhttp_add_header(h, "X-YH-Revocation-Kind", b->delta ? "delta" : "snapshot");
  /* The list carries its own signature (proto/revlist.h); the header one covers the same (decoded) bytes. */
  evhttp_add_header(h, "X-YH-Signature", b->sig);
  evhttp_add_header(h, "X-YH-Key-Id", w->srv->key_id);
  if (b->gz && accepts_gzip(req)) {
    evhttp_add_header(h, "Content-Encoding", "gzip");
    evbuffer_add(out, b->gz, b->gz_len);
  } else {
    evbuffer_add(out, b->bin, b->len);
  }
  evhttp_send_reply(req, 200, "OK", out);
  evbuffer_free(out);
}

/* The snapshot is the expensive one (the whole list: 25 MB for a million entries) and
 * the one a fleet asks for at once after a reinstall: one copy per version is kept, and
 * made by one worker at a time while the others wait for it. It is remade when it is
 * older than [revocations] refresh, so its issue time stays fresh. */
static void send_snapshot(struct centre_worker *w, struct evhttp_request *req, uint64_t version)
{
  struct centre_server *srv = w->srv;
  struct centre_rev_entry *e = NULL;
  size_t n = 0;
  int64_t now = (int64_t)time(NULL);
  int rc = CENTRE_OK;
  pthread_mutex_lock(&srv->snap_mu);
  if (!srv->snap.bin || srv->snap.version != version ||
      now - srv->snap.issued >= (int64_t)srv->conf.rev_refresh_s) {
    struct revlist_blob fresh;
    rc = centre_store_revocations(w->st, 0, &e, &n, &version);
    if (rc == CENTRE_OK)
      rc = blob_make(w, 0, version, e, n, &fresh);
    free(e);
    if (rc == CENTRE_OK) {
      blob_free(&srv->snap);
      srv->snap = fresh;
    }
  }
  if (rc == CENTRE_OK)
    blob_send(w, req, &srv->snap);
  pthread_mutex_unlock(&srv->snap_mu);
  if (rc != CENTRE_OK)
    reply_error(req, 503, "unavailable", "revocation list unavailable", NULL, 0);
}

static void handle_revocations(struct centre_worker *w, struct evhttp_request *req)
{
  uint64_t since = 0, version = 0;
  struct centre_rev_entry *e = NULL;
  struct revlist_blob b;
  size_t n = 0;
  int q = get_query_u64(req, "since", &since);
  int rc;
  if (q < 0) {
    reply_error(req, 400, "malformed", "since: unsigned integer expected", NULL, 0);
    return;
  }
  rc = centre_store_revocation_version(w->st, &version);
  if (rc == CENTRE_OK && since != 0 && since == version) {
    /* Up to date; unless the list is old enough to look stale to the terminal, when a
     * marker makes a new (empty) version to send with a fresh issue time. */
    int refreshed = 0;
    rc = centre_store_revocations_refresh(w->st, (int64_t)time(NULL),
                                          (int64_t)w->srv->conf.rev_refresh_s, &version,
                                          &refreshed);
    if (rc == CENTRE_OK && !refreshed) {
      evhttp_send_reply(req, 204, "No Content", NULL);
      return;
    }
  }
  if (rc != CENTRE_OK) {
    reply_error(req, 503, "unavailable", "revocation list unavailable", NULL, 0);
    return;
  }
  if (since == 0 || since > version) { /* none held, or a version we never issued */
    send_snapshot(w, req, version);
    return;
  }
  rc = centre_store_revocations(w->st, since, &e, &n, &version);
  if (rc == CENTRE_OK)
    rc = blob_make(w, since, version, e, n, &b);
  free(e);
  if (rc != CENTRE_OK) {
    reply_error(req, 503, "unavailable", "revocation list unavailable", NULL, 0);
    return;
  }
  blob_send(w, req, &b);
  blob_free(&b);
}

/* GET /v1/bills?bill=B: was this bill waived at the terminal's own hospital? Only its
 * own site: a terminal cannot probe another hospital's bills. */
static void handle_bill(struct centre_worker *w, struct evhttp_request *req, const char *site)
{
  const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
  struct evkeyvalq params;
  struct centre_bill_state b;
  char body[512];
  const char *bill;
  int n, rc = CENTRE_E_INVALID_ARG;
  TAILQ_INIT(&params);
  if (q && evhttp_parse_query_str(q, &params) == 0 && (bill = evhttp_find_header(&params, "bill")))
    rc = centre_bills_check(centre_store_db(w->st), site, bill, &b);
  evhttp_clear_headers(&params);
  if (rc == CENTRE_E_INVALID_ARG) {
    reply_error(req, 400, "malformed",
                "bill: 1 to 63 bytes of printable UTF-8, percent-encoded, not ID-shaped", NULL, 0);
    return;
  }
  if (rc != CENTRE_OK) {
    reply_error(req, 503, "unavailable", "store error, retry later", NULL, 0);
    return;
  }
  /* The bill is not echoed: the terminal knows what it asked. */
  if (b.waived)
    n = snprintf(body, sizeof body,
                 "{\"bill_check\":\"yh-bill/1\",\"site\":\"%s\",\"waived\":true,"
                 "\"terminal\":\"%s\",\"seq\":%" PRIu64 ",\"time\":%" PRId64
                 ",\"amount_fen\":%" PRId64 "}",
                 site, b.terminal, b.seq, b.time, b.amount_fen);
  else
    n = snprintf(body, sizeof body,
                 "{\"bill_check\":\"yh-bill/1\",\"site\":\"%s\",\"waived\":false}", site);
  if (n < 0 || (size_t)n >= sizeof body) {
    reply_error(req, 500, "internal", "reply too long", NULL, 0);
    return;
  }
  reply_signed(w, req, 200, "application/json", body, (size_t)n);
}

/* kind: the document's row in the store ("config", "roster:<site>"); name: what the
 * signed reply calls it ("config", "roster"), so a document for one kind can never be
 * replayed as another; site: the terminal's (a tariff is the one of its hospital). */
static void handle_doc(struct centre_worker *w, struct evhttp_request *req, const char *kind,
                       const char *name, const char *site)
{
  uint64_t have = 0, version = 0;
  int64_t issued = 0;
  char *content = NULL, *text;
  json_t *o;
  int q = get_query_u64(req, "have", &have);
  int rc;
  if (q < 0) {
    reply_error(req, 400, "malformed", "have: unsigned integer expected", NULL, 0);
    return;
  }
  /* A tariff is per hospital: the one of the site the terminal is registered at. */
  if (strcmp(kind, "tariff") == 0)
    rc = centre_tariff_doc(centre_store_db(w->st), site, &content, &version, &issued);
  else
    rc = centre_store_doc_get(w->st, kind, &content, &version, &issued);
  if (rc == CENTRE_E_NOT_FOUND || (rc == CENTRE_OK && q == 0 && have >= version)) {
    free(content);
    evhttp_send_reply(req, 204, "No Content", NULL);
    return;
  }
  if (rc != CENTRE_OK) {
    reply_error(req, 503, "unavailable", "document unavailable", NULL, 0);
    return;
  }
  o = json_pack("{s:s, s:I, s:I, s:s}", "doc", name, "version", (json_int_t)version, "issued",
                (json_int_t)issued, "content", content);
  free(content);
  text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  if (!text) {
    reply_error(req, 500, "internal", "out of memory", NULL, 0);
    return;
  }
  reply_signed(w, req, 200, "application/json", text, strlen(text));
  free(text);
}

static int printable(const char *s, size_t max)
{
  size_t n = strlen(s);
  if (n == 0 || n > max)
    return 0;
  for (; *s; s++)
    if (*s < 0x20 || *s > 0x7e)
      return 0;
  return 1;
}

static void handle_status(struct centre_worker *w, struct evhttp_request *req, const char *terminal)
{
  struct centre_status_report r;
  json_error_t jerr;
  json_t *o, *sw, *depth, *last, *reader;
  char *text = NULL;
  size_t len = 0;
  int rc = read_body(w, req, 4096, &text, &len);
  if (rc != CENTRE_OK) {
    body_error(req, rc);
    return;
  }
  o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  free(text);
  if (!o) {
    char why[200];
    snprintf(why, sizeof why, "JSON syntax error at line %d column %d: %s", jerr.line,
             jerr.column, centre_json_error_text(&jerr));
    reply_error(req, 400, "malformed", why, NULL, 0);
    return;
  }
  sw = json_object_get(o, "software");
  depth = json_object_get(o, "queue_depth");
  last = json_object_get(o, "last_sync");
  reader = json_object_get(o, "reader");
  if (!json_is_object(o) || json_object_size(o) != 4 || !json_is_string(sw) ||
      !json_is_integer(depth) || json_integer_value(depth) < 0 || !json_is_integer(last) ||
      json_integer_value(last) < 0 || !json_is_string(reader) ||
      !printable(json_string_value(sw), 64) ||
      !common_token_valid(json_string_value(reader), 32)) {
    json_decref(o);
    reply_error(req, 400, "malformed",
                "expected {software: text, queue_depth: int, last_sync: int, reader: token}", NULL,
                0);
    return;
  }
  memset(&r, 0, sizeof r);
  {
    /* The health headers ride on every request; the status report, once per poll, is
     * where they are kept (no write of their own per upload). Never a reason to refuse. */
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    int bad = centre_health_parse(evhttp_find_header(in, "Yh-Revlist-Version"),
                                  evhttp_find_header(in, "Yh-Terminal-Time"),
                                  (int64_t)time(NULL), &r.health);
    if (bad)
      centre_log_limited(CENTRE_CAUSE_HEALTH_HEADER,
                         "terminal %s: health header%s%s malformed or out of range: ignored",
                         terminal, bad & CENTRE_HEALTH_BAD_REVLIST ? " Yh-Revlist-Version" : "",
                         bad & CENTRE_HEALTH_BAD_TIME ? " Yh-Terminal-Time" : "");
  }
  snprintf(r.software, sizeof r.software, "%s", json_string_value(sw));
  snprintf(r.reader, sizeof r.reader, "%s", json_string_value(reader));
  r.queue_depth = (uint64_t)json_integer_value(depth);
  r.last_sync = (int64_t)json_integer_value(last);
  json_decref(o);
  if (centre_store_status(w->st, terminal, &r, (int64_t)time(NULL)) != CENTRE_OK) {
    reply_error(req, 503, "unavailable", "store error, retry later", NULL, 0);
    return;
  }
  evhttp_send_reply(req, 204, "No Content", NULL);
}

static void on_request(struct evhttp_request *req, void *arg)
{
  struct centre_worker *w = arg;
  char terminal[CENTRE_TERMINAL_ID_MAX + 1], serial[81], site[CENTRE_TERMINAL_ID_MAX + 1];
  const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
  enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
  int rc;

  {
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    struct bufferevent *bev = conn ? evhttp_connection_get_bufferevent(conn) : NULL;
    SSL *ssl = bev ? bufferevent_openssl_get_ssl(bev) : NULL;
    if (ssl)
      centre_guard_request_seen(ssl);
  }
  if (peer_identity(req, terminal, serial) != 0) {
    reply_error(req, 403, "forbidden", "no valid client certificate", NULL, 0);
    return;
  }
  rc = centre_store_terminal_check(w->st, terminal, serial, site);
  if (rc != CENTRE_OK) {
    centre_log(CENTRE_LOG_WARN, "terminal %s refused: %s", terminal, centre_strerror(rc));
    if (rc == CENTRE_E_DB)
      reply_error(req, 503, "unavailable", "store error, retry later", NULL, 0);
    else
      reply_error(req, 403, "forbidden", centre_strerror(rc), NULL, 0);
    return;
  }
  if (!path)
    path = "";
  if (strcmp(path, "/v1/journal") == 0) {
    if (cmd == EVHTTP_REQ_POST)
      handle_upload(w, req, terminal, site);
    else
      reply_error(req, 405, "method", "POST expected", NULL, 0);
  } else if (strcmp(path, "/v1/status") == 0) {
    if (cmd == EVHTTP_REQ_POST)
      handle_status(w, req, terminal);
    else
      reply_error(req, 405, "method", "POST expected", NULL, 0);
  } else if (strcmp(path, "/v1/revocations") == 0) {
    if (cmd == EVHTTP_REQ_GET)
      handle_revocations(w, req);
    else
      reply_error(req, 405, "method", "GET expected", NULL, 0);
  } else if (strcmp(path, "/v1/config") == 0 || strcmp(path, "/v1/trust") == 0 ||
             strcmp(path, "/v1/tariff") == 0 || strcmp(path, "/v1/registry") == 0) {
    if (cmd == EVHTTP_REQ_GET)
      handle_doc(w, req, path + 4, path + 4, site);
    else
      reply_error(req, 405, "method", "GET expected", NULL, 0);
  } else if (strcmp(path, "/v1/roster") == 0) {
    /* the roster of the site the terminal is registered at, and no other */
    char kind[sizeof CENTRE_ROSTER_KIND_PREFIX + 64];
    snprintf(kind, sizeof kind, CENTRE_ROSTER_KIND_PREFIX "%s", site);
    if (cmd == EVHTTP_REQ_GET)
      handle_doc(w, req, kind, "roster", site);
    else
      reply_error(req, 405, "method", "GET expected", NULL, 0);
  } else if (strcmp(path, "/v1/bills") == 0) {
    if (cmd == EVHTTP_REQ_GET)
      handle_bill(w, req, site);
    else
      reply_error(req, 405, "method", "GET expected", NULL, 0);
  } else {
    reply_error(req, 404, "not_found", "no such resource", NULL, 0);
  }
}

/* ------------------------------------------------------------ TLS set-up -- */

static struct bufferevent *on_new_bev(struct event_base *base, void *arg)
{
  struct centre_worker *w = arg;
  SSL *ssl = SSL_new(w->srv->ctx);
  struct bufferevent *bev;
  if (!ssl)
    return NULL;
  bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                       BEV_OPT_CLOSE_ON_FREE);
  if (!bev)
    return NULL; /* bufferevent_openssl_socket_new freed ssl */
  bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
  if (centre_guard_attach(w->srv->guard, base, ssl, bev) != CENTRE_OK)
    centre_log_limited(CENTRE_CAUSE_ACCEPT, "connection not tracked: out of memory");
  return bev;
}

static void on_tls_info(const SSL *ssl, int where, int ret)
{
  (void)ret;
  if (where & SSL_CB_HANDSHAKE_DONE)
    centre_guard_handshake_done(ssl);
}

/* Out of descriptors (or memory) for accept(): libevent would retry at once, forever,
 * logging each time. Stop listening on this loop for a moment instead; the connections
 * already open keep being served, and the deadlines free descriptors meanwhile. */
static void on_accept_error(struct evconnlistener *lev, void *arg)
{
  struct centre_worker *w = arg;
  struct timeval pause = {0, 250000};
  int err = EVUTIL_SOCKET_ERROR();
  centre_log_limited(CENTRE_CAUSE_ACCEPT, "accept: %s; not accepting for 250 ms",
                     evutil_socket_error_to_string(err));
  evconnlistener_disable(lev);
  evtimer_add(w->reaccept, &pause);
}

static void on_reaccept(evutil_socket_t fd, short what, void *arg)
{
  struct centre_worker *w = arg;
  (void)fd, (void)what;
  evconnlistener_enable(w->lev);
}

static int64_t mono_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec;
}

static void on_beat(evutil_socket_t fd, short what, void *arg)
{
  struct centre_worker *w = arg;
  (void)fd, (void)what;
  atomic_store(&w->beat_at, (long long)mono_now());
}

/* OpenSSL's error stack, at debug level only: the operator gets one line naming the
 * file (tls_file_error), the stack is for whoever debugs the TLS library. */
static void log_ssl_errors(const char *what)
{
  unsigned long e;
  char buf[256];
  while ((e = ERR_get_error()) != 0) {
    ERR_error_string_n(e, buf, sizeof buf);
    centre_log(CENTRE_LOG_DEBUG, "%s: %s", what, buf);
  }
}

/* One line for a TLS file that cannot be used: its configuration key, its path and why
 * (the system's reason when it cannot be read, else what it should have held). */
static int tls_file_error(const char *key, const char *path, const char *expected)
{
  if (access(path, R_OK) != 0)
    centre_log(CENTRE_LOG_ERROR, "%s %s: %s", key, path, strerror(errno));
  else
    centre_log(CENTRE_LOG_ERROR, "%s %s: %s", key, path, expected);
  log_ssl_errors(key);
  return CENTRE_E_CONFIG;
}

static int tls_setup(struct centre_server *srv)
{
  const struct centre_conf *c = &srv->conf;
  STACK_OF(X509_NAME) *names;
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx)
    return CENTRE_E_CRYPTO;
  srv->ctx = ctx;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_use_certificate_chain_file(ctx, c->tls_cert) != 1)
    return tls_file_error("tls.cert", c->tls_cert, "not a PEM certificate chain");
  if (SSL_CTX_use_PrivateKey_file(ctx, c->tls_key, SSL_FILETYPE_PEM) != 1)
    return tls_file_error("tls.key", c->tls_key, "not a PEM private key");
  if (SSL_CTX_check_private_key(ctx) != 1) {
    centre_log(CENTRE_LOG_ERROR, "tls.key %s: not the key of the certificate %s", c->tls_key,
               c->tls_cert);
    log_ssl_errors("tls.key");
    return CENTRE_E_CONFIG;
  }
  if (SSL_CTX_load_verify_locations(ctx, c->tls_ca, NULL) != 1)
    return tls_file_error("tls.ca", c->tls_ca, "no PEM CA certificate in it");
  names = SSL_load_client_CA_file(c->tls_ca);
  if (!names)
    return tls_file_error("tls.ca", c->tls_ca, "no CA certificate name in it");
  SSL_CTX_set_client_CA_list(ctx, names);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
  SSL_CTX_set_verify_depth(ctx, 4);
  if (c->tls_crl[0]) {
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    FILE *f = fopen(c->tls_crl, "r");
    X509_CRL *crl = f ? PEM_read_X509_CRL(f, NULL, NULL, NULL) : NULL;
    if (f)
      fclose(f);
    if (!crl || X509_STORE_add_crl(store, crl) != 1) {
      X509_CRL_free(crl);
      return tls_file_error("tls.crl", c->tls_crl, "not a PEM certificate revocation list");
    }
    X509_CRL_free(crl);
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
  }
  SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"yh-centre", 9);
  SSL_CTX_set_info_callback(ctx, on_tls_info);
  return CENTRE_OK;
}

static int listen_socket(struct centre_server *srv)
{
  struct addrinfo hints, *ai = NULL;
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  char port[8];
  int fd, one = 1, rc;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  snprintf(port, sizeof port, "%u", srv->conf.port);
  rc = getaddrinfo(srv->conf.listen_addr, port, &hints, &ai);
  if (rc != 0) {
    centre_log(CENTRE_LOG_ERROR, "listen address %s: %s", srv->conf.listen_addr,
               gai_strerror(rc));
    return CENTRE_E_CONFIG;
  }
  fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  /* TCP_NODELAY on the listener is inherited by accepted sockets (Linux): a reply that
   * leaves in two writes must not wait for the client's delayed ACK (Nagle). */
  if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0 ||
      bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 1024) != 0 ||
      evutil_make_socket_nonblocking(fd) != 0 ||
      getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
    centre_log(CENTRE_LOG_ERROR, "listen on %s port %s: %s", srv->conf.listen_addr, port,
               strerror(errno));
    if (fd >= 0)
      close(fd);
    freeaddrinfo(ai);
    return CENTRE_E_NET;
  }
  freeaddrinfo(ai);
  srv->fd = fd;
  srv->port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                       : ntohs(((struct sockaddr_in *)&ss)->sin_port);
  return CENTRE_OK;
}

/* Write the bound port atomically (tests wait for this file). */
static int write_port_file(const struct centre_server *srv)
{
  char tmp[CENTRE_PATH_MAX + 8];
  FILE *f;
  if (!srv->conf.port_file[0])
    return CENTRE_OK;
  snprintf(tmp, sizeof tmp, "%s.tmp", srv->conf.port_file);
  f = fopen(tmp, "w");
  if (!f)
    return CENTRE_E_IO;
  fprintf(f, "%u\n", srv->port);
  if (fclose(f) != 0 || rename(tmp, srv->conf.port_file) != 0)
    return CENTRE_E_IO;
  return CENTRE_OK;
}

/* Raise the soft descriptor limit to the hard one (the unit sets LimitNOFILE), and keep
 * the connection cap below it with room for the database, logs and listeners, so that
 * the cap (a clean close) acts before accept() runs out (a pause). */
static unsigned connection_cap(const struct centre_conf *conf, unsigned workers)
{
  struct rlimit rl;
  unsigned long long room;
  unsigned cap = conf->max_connections;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    return cap;
  if (rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
      getrlimit(RLIMIT_NOFILE, &rl);
  }
  room = rl.rlim_cur == RLIM_INFINITY ? ~0ull : (unsigned long long)rl.rlim_cur;
  room = room > 64ull + 8ull * workers ? room - 64ull - 8ull * workers : 16;
  if (room < cap) {
    centre_log(CENTRE_LOG_WARN,
               "[limits] max_connections %u lowered to %llu: the descriptor limit is %llu "
               "(raise LimitNOFILE)",
               cap, room, (unsigned long long)rl.rlim_cur);
    cap = (unsigned)room;
  }
  return cap;
}

static long env_long(const char *name)
{
  const char *v = getenv(name);
  return v ? strtol(v, NULL, 10) : 0;
}

int centre_server_create(const struct centre_conf *conf, struct centre_server **out)
{
  struct centre_server *srv;
  int rc;
  if (!conf || !out)
    return CENTRE_E_INVALID_ARG;
  *out = NULL;
  srv = calloc(1, sizeof *srv);
  if (!srv)
    return CENTRE_E_NO_MEMORY;
  srv->conf = *conf;
  srv->fd = -1;
  pthread_mutex_init(&srv->snap_mu, NULL);
  atomic_init(&srv->commits, 0);
  srv->hook_exit_after_commit = env_long("YH_CENTRE_TEST_EXIT_AFTER_COMMIT");
  srv->hook_stall_ms = env_long("YH_CENTRE_TEST_STALL_MS");
  if (srv->hook_exit_after_commit || srv->hook_stall_ms)
    centre_log(CENTRE_LOG_WARN, "test hooks on: exit after commit %ld, stall %ld ms",
               srv->hook_exit_after_commit, srv->hook_stall_ms);
  if (evthread_use_pthreads() != 0) {
    rc = CENTRE_E_NO_MEMORY;
    goto out_destroy;
  }
  if (conf->group_commit) {
    long hold = env_long("YH_CENTRE_TEST_GROUP_HOLD_MS");
    if (hold)
      centre_log(CENTRE_LOG_WARN, "test hook on: group commit leader holds %ld ms", hold);
    rc = centre_group_create(hold, &srv->group);
    if (rc != CENTRE_OK)
      goto out_destroy;
  }
  rc = centre_signer_create(conf->sign_key, &srv->signer);
  if (rc != CENTRE_OK) {
    if (access(conf->sign_key, R_OK) != 0)
      centre_log(CENTRE_LOG_ERROR, "signing.key %s: %s", conf->sign_key, strerror(errno));
    else
      centre_log(CENTRE_LOG_ERROR, "signing.key %s: not a PEM P-256 private key (%s)",
                 conf->sign_key, centre_strerror(rc));
    goto out_destroy;
  }
  rc = centre_signer_key_id(srv->signer, srv->key_id);
  if (rc == CENTRE_OK)
    rc = centre_revsigner_create(conf->sign_key, &srv->revsigner);
  if (rc == CENTRE_OK)
    rc = tls_setup(srv);
  if (rc == CENTRE_OK)
    rc = listen_socket(srv);
  if (rc != CENTRE_OK)
    goto out_destroy;
  srv->nworkers = conf->workers ? conf->workers : 1;
  rc = centre_guard_create(conf, connection_cap(conf, srv->nworkers), &srv->guard);
  if (rc != CENTRE_OK)
    goto out_destroy;
  srv->w = calloc(srv->nworkers, sizeof *srv->w);
  if (!srv->w) {
    rc = CENTRE_E_NO_MEMORY;
    goto out_destroy;
  }
  for (unsigned i = 0; i < srv->nworkers; i++) {
    struct centre_worker *w = &srv->w[i];
    int fd;
    w->srv = srv;
    w->idx = i;
    rc = centre_store_open_conf(conf, &w->st);
    if (rc != CENTRE_OK) {
      /* The connection string is not repeated: it may hold a password. */
      if (conf->db_backend)
        centre_log(CENTRE_LOG_ERROR, "store.dsn: cannot use the PostgreSQL store (%s)",
                   centre_strerror(rc));
      else
        centre_log(CENTRE_LOG_ERROR, "store.db %s: cannot open it (%s)", conf->db,
                   centre_strerror(rc));
      goto out_destroy;
    }
    w->base = event_base_new();
    w->http = w->base ? evhttp_new(w->base) : NULL;
    if (!w->http) {
      rc = CENTRE_E_NO_MEMORY;
      goto out_destroy;
    }
    evhttp_set_max_body_size(w->http, (ev_ssize_t)conf->max_body);
    evhttp_set_max_headers_size(w->http, (ev_ssize_t)conf->max_headers);
    evhttp_set_timeout(w->http, (int)conf->timeout_s);
    evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
    evhttp_set_bevcb(w->http, on_new_bev, w);
    evhttp_set_gencb(w->http, on_request, w);
    fd = fcntl(srv->fd, F_DUPFD_CLOEXEC, 0);
    {
      struct evhttp_bound_socket *bound =
          fd >= 0 ? evhttp_accept_socket_with_handle(w->http, fd) : NULL;
      struct timeval second = {1, 0};
      if (!bound) {
        if (fd >= 0)
          close(fd);
        rc = CENTRE_E_NET;
        goto out_destroy;
      }
      w->lev = evhttp_bound_socket_get_listener(bound);
      evconnlistener_set_error_cb(w->lev, on_accept_error);
      w->reaccept = evtimer_new(w->base, on_reaccept, w);
      w->beat = event_new(w->base, -1, EV_PERSIST, on_beat, w);
      if (!w->reaccept || !w->beat || event_add(w->beat, &second) != 0) {
        rc = CENTRE_E_NO_MEMORY;
        goto out_destroy;
      }
      atomic_init(&w->beat_at, (long long)mono_now());
    }
  }
  rc = write_port_file(srv);
  if (rc != CENTRE_OK) {
    centre_log(CENTRE_LOG_ERROR, "listen.port_file %s: cannot write it", conf->port_file);
    goto out_destroy;
  }
  centre_log(CENTRE_LOG_INFO, "listening on %s port %u, %u workers, signing key %.16s",
             conf->listen_addr, srv->port, srv->nworkers, srv->key_id);
  *out = srv;
  return CENTRE_OK;

out_destroy:
  centre_server_destroy(srv);
  return rc;
}

static void *worker_main(void *arg)
{
  struct centre_worker *w = arg;
  event_base_dispatch(w->base);
  return NULL;
}

int centre_server_run(struct centre_server *srv)
{
  sigset_t set, old;
  int sig = 0;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  signal(SIGPIPE, SIG_IGN);
  /* Workers inherit the mask, so only this thread takes the stop signals. */
  pthread_sigmask(SIG_BLOCK, &set, &old);
  for (unsigned i = 0; i < srv->nworkers; i++) {
    if (pthread_create(&srv->w[i].th, NULL, worker_main, &srv->w[i]) != 0) {
      centre_log(CENTRE_LOG_ERROR, "cannot start worker %u", i);
      break;
    }
    srv->w[i].started = 1;
  }
  {
    /* Wait for the stop signal one second at a time: between, hand the held-back log
     * counts out and tell systemd we are alive, but only while every loop still turns
     * (a wedged worker must let the watchdog restart us). */
    uint64_t wd_us = centre_sd_watchdog_usec();
    int64_t last_ping = 0;
    struct timespec second = {1, 0};
    centre_sd_notify("READY=1\nSTATUS=serving");
    for (;;) {
      sig = sigtimedwait(&set, NULL, &second);
      if (sig > 0)
        break;
      centre_log_flush();
      if (wd_us) {
        int64_t now = mono_now(), stale = 0;
        for (unsigned i = 0; i < srv->nworkers; i++)
          if (srv->w[i].started && now - (int64_t)atomic_load(&srv->w[i].beat_at) > 5)
            stale = 1;
        if (!stale && (now - last_ping) * 2000000 >= (int64_t)wd_us) {
          centre_sd_notify("WATCHDOG=1");
          last_ping = now;
        }
      }
    }
  }
  centre_sd_notify("STOPPING=1");
  centre_log(CENTRE_LOG_INFO, "signal %d: stopping", sig);
  for (unsigned i = 0; i < srv->nworkers; i++)
    if (srv->w[i].started)
      event_base_loopbreak(srv->w[i].base);
  for (unsigned i = 0; i < srv->nworkers; i++)
    if (srv->w[i].started) {
      pthread_join(srv->w[i].th, NULL);
      srv->w[i].started = 0;
    }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  return CENTRE_OK;
}

void centre_server_destroy(struct centre_server *srv)
{
  if (!srv)
    return;
  for (unsigned i = 0; srv->w && i < srv->nworkers; i++) {
    struct centre_worker *w = &srv->w[i];
    if (w->http)
      evhttp_free(w->http);
    if (w->reaccept)
      event_free(w->reaccept);
    if (w->beat)
      event_free(w->beat);
    if (w->base)
      event_base_free(w->base);
    centre_store_destroy(w->st);
  }
  free(srv->w);
  centre_guard_destroy(srv->guard); /* after the connections, which point at it */
  if (srv->fd >= 0)
    close(srv->fd);
  SSL_CTX_free(srv->ctx);
  centre_signer_destroy(srv->signer);
  centre_revsigner_destroy(srv->revsigner);
  blob_free(&srv->snap);
  pthread_mutex_destroy(&srv->snap_mu);
  centre_group_destroy(srv->group);
  free(srv);
}
