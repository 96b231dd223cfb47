/* The HIS API's request parsers (his_req.h): strict, bounded, never quoting input. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "common/bill.h"
#include "common/common.h"
#include "common/date.h"
#include "common/idno.h"
#include "common/token.h"
#include "his_req.h"
#include "proto/proto.h"

static int fail(char *why, size_t cap, const char *fmt, ...)
{
  if (why && cap) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, cap, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/* One JSON object from exactly len bytes: duplicate keys, trailing bytes, NUL escapes and
 * anything but an object are refused. The caller frees *out. */
static int load_object(const char *body, size_t len, json_t **out, char *why, size_t cap)
{
  *out = NULL;
  if (!body || len == 0)
    return fail(why, cap, "empty body: a JSON object is expected");
  if (len > TERM_HIS_BODY_MAX)
    return fail(why, cap, "body larger than %u bytes", TERM_HIS_BODY_MAX);
  json_error_t err;
  json_t *o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
  if (!o)
    /* jansson's position, not its text: its text may quote the input */
    return fail(why, cap, "body is not valid JSON (line %d, column %d)", err.line, err.column);
  if (!json_is_object(o)) {
    json_decref(o);
    return fail(why, cap, "body is not a JSON object");
  }
  *out = o;
  return 0;
}

/* Only the keys named in allowed (NULL-terminated): an unknown key is an error. */
static int only_keys(json_t *o, const char *const *allowed, char *why, size_t cap)
{
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v)
  {
    (void)v;
    int known = 0;
    for (size_t i = 0; allowed[i]; i++)
      if (strcmp(k, allowed[i]) == 0)
        known = 1;
    if (!known)
      /* the key may be anything: say where, not what */
      return fail(why, cap, "unknown key in the body (allowed: %s%s%s%s%s%s%s)", allowed[0],
                  allowed[1] ? ", " : "", allowed[1] ? allowed[1] : "",
                  allowed[1] && allowed[2] ? ", " : "", allowed[1] && allowed[2] ? allowed[2] : "",
                  allowed[1] && allowed[2] && allowed[3] ? ", " : "",
                  allowed[1] && allowed[2] && allowed[3] ? allowed[3] : "");
  }
  return 0;
}

static const char *string_of(json_t *o, const char *key, int required, char *why, size_t cap,
                             int *bad)
{
  json_t *v = json_object_get(o, key);
  *bad = 0;
  if (!v) {
    if (required) {
      *bad = 1;
      fail(why, cap, "%s: missing", key);
    }
    return NULL;
  }
  if (!json_is_string(v)) {
    *bad = 1;
    fail(why, cap, "%s: must be a string", key);
    return NULL;
  }
  if (strlen(json_string_value(v)) != json_string_length(v)) {
    *bad = 1;
    fail(why, cap, "%s: must not hold a NUL", key);
    return NULL;
  }
  return json_string_value(v);
}

static int token_ok(const char *s)
{
  return common_token_valid(s, TERM_HIS_TOKEN_MAX) && !common_id_shaped(s);
}

int term_his_parse_create(const char *body, size_t len, struct term_his_create *out, char *why,
                          size_t cap)
{
  memset(out, 0, sizeof *out);
  json_t *o;
  if (load_object(body, len, &o, why, cap) != 0)
    return -1;
  static const char *const keys[] = {"bill", "visit", "fee_item", "amount_fen", NULL};
  int rc = -1, bad;
  const char *bill, *visit, *item;
  if (only_keys(o, keys, why, cap) != 0)
    goto out_free;
  if (!(bill = string_of(o, "bill", 1, why, cap, &bad)))
    goto out_free;
  if (!common_bill_no_valid(bill)) {
    fail(why, cap,
         "bill: 1-%u bytes of letters, digits, - / _ . or CJK, not shaped like an ID number",
         TERM_HIS_BILL_MAX);
    goto out_free;
  }
  if (!(visit = string_of(o, "visit", 1, why, cap, &bad)))
    goto out_free;
  int vk = proto_visit_parse(visit, strlen(visit));
  if (vk <= 0) {
    fail(why, cap, "visit: must be outpatient, inpatient or emergency");
    goto out_free;
  }
  if (!(item = string_of(o, "fee_item", 1, why, cap, &bad)))
    goto out_free;
  if (!token_ok(item)) {
    fail(why, cap, "fee_item: 1-%u of A-Z a-z 0-9 . _ -", TERM_HIS_TOKEN_MAX);
    goto out_free;
  }
  /* the regulation waives the consultation fee (诊查费) and nothing else */
  if (strcmp(item, TERM_HIS_FEE_ITEM) != 0) {
    fail(why, cap, "fee_item: only " TERM_HIS_FEE_ITEM " (the consultation fee) is waived");
    goto out_free;
  }
  json_t *amt = json_object_get(o, "amount_fen");
  if (amt) {
    if (!json_is_integer(amt)) {
      fail(why, cap, "amount_fen: must be an integer (fen)");
      goto out_free;
    }
    json_int_t n = json_integer_value(amt);
    if (n < 1 || n > TERM_HIS_AMOUNT_MAX) {
      fail(why, cap, "amount_fen: must be 1..%lld", (long long)TERM_HIS_AMOUNT_MAX);
      goto out_free;
    }
    out->amount_fen = (int64_t)n;
  }
  snprintf(out->bill, sizeof out->bill, "%s", bill);
  out->visit = vk;
  snprintf(out->fee_item, sizeof out->fee_item, "%s", item);
  rc = 0;
out_free:
  json_decref(o);
  if (rc != 0)
    memset(out, 0, sizeof *out);
  return rc;
}

int term_his_parse_void(const char *body, size_t len, struct term_his_void *out, char *why,
                        size_t cap)
{
  memset(out, 0, sizeof *out);
  json_t *o;
  if (load_object(body, len, &o, why, cap) != 0)
    return -1;
  static const char *const keys[] = {"reason", NULL};
  int rc = -1, bad;
  const char *reason;
  if (only_keys(o, keys, why, cap) != 0)
    goto out_free;
  if (!(reason = string_of(o, "reason", 1, why, cap, &bad)))
    goto out_free;
  if (!token_ok(reason)) {
    fail(why, cap, "reason: 1-%u of A-Z a-z 0-9 . _ - (a code, e.g. bill_cancelled)",
         TERM_HIS_TOKEN_MAX);
    goto out_free;
  }
  snprintf(out->reason, sizeof out->reason, "%s", reason);
  rc = 0;
out_free:
  json_decref(o);
  return rc;
}

/* A decimal number of at most 16 digits (no sign, no leading zero unless "0") into *v,
 * at most max. */
static int parse_dec(const char *s, size_t n, uint64_t max, uint64_t *v)
{
  if (n == 0 || n > 16 || (n > 1 && s[0] == '0'))
    return -1;
  uint64_t x = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    uint64_t d = (uint64_t)(s[i] - '0');
    if (x > (max - d) / 10)
      return -1;
    x = x * 10 + d;
  }
  *v = x;
  return 0;
}

#define QUERY_MAX 256u

int term_his_parse_query(const char *q, unsigned allowed, struct term_his_query *out, char *why,
                         size_t cap)
{
  memset(out, 0, sizeof *out);
  out->wait_s = TERM_HIS_WAIT_DEFAULT_S;
  if (!q || !*q)
    return 0;
  size_t len = strnlen(q, QUERY_MAX + 1);
  if (len > QUERY_MAX)
    return fail(why, cap, "query longer than %u bytes", QUERY_MAX);
  const char *p = q, *end = q + len;
  while (p < end) {
    const char *amp = memchr(p, '&', (size_t)(end - p));
    const char *stop = amp ? amp : end;
    const char *eq = memchr(p, '=', (size_t)(stop - p));
    if (!eq)
      return fail(why, cap, "query: expected name=value");
    size_t nlen = (size_t)(eq - p), vlen = (size_t)(stop - eq - 1);
    const char *v = eq + 1;
    if (nlen == 4 && memcmp(p, "wait", 4) == 0 && (allowed & TERM_HIS_Q_WAIT)) {
      uint64_t w;
      if (out->given & TERM_HIS_Q_WAIT)
        return fail(why, cap, "query: wait given twice");
      if (parse_dec(v, vlen, TERM_HIS_WAIT_MAX_S, &w) != 0)
        return fail(why, cap, "wait: seconds 0..%d", TERM_HIS_WAIT_MAX_S);
      out->wait_s = (int)w;
      out->given |= TERM_HIS_Q_WAIT;
    } else if (nlen == 3 && memcmp(p, "day", 3) == 0 && (allowed & TERM_HIS_Q_DAY)) {
      if (out->given & TERM_HIS_Q_DAY)
        return fail(why, cap, "query: day given twice");
      if (common_date_parse(v, vlen, &out->day) != COMMON_OK)
        return fail(why, cap, "day: a date YYYY-MM-DD");
      out->given |= TERM_HIS_Q_DAY;
    } else {
      return fail(why, cap, "query: unknown parameter (this path takes %s)",
                  allowed == (TERM_HIS_Q_WAIT | TERM_HIS_Q_DAY) ? "wait, day"
                  : allowed == TERM_HIS_Q_WAIT                  ? "wait"
                  : allowed == TERM_HIS_Q_DAY                   ? "day"
                                                                : "none");
    }
    p = amp ? amp + 1 : end;
    if (amp && p == end)
      return fail(why, cap, "query: ends with '&'");
  }
  return 0;
}

enum term_his_route term_his_parse_path(const char *path, uint64_t *id)
{
  *id = 0;
  if (!path)
    return TERM_HIS_ROUTE_NONE;
  size_t len = strnlen(path, 128);
  if (len >= 128)
    return TERM_HIS_ROUTE_NONE;
  static const char w[] = "/v1/waivers", r[] = "/v1/requests/";
  if (len == sizeof w - 1 && memcmp(path, w, len) == 0)
    return TERM_HIS_ROUTE_WAIVERS;
  if (len > sizeof r - 1 && memcmp(path, r, sizeof r - 1) == 0) {
    const char *n = path + sizeof r - 1;
    return parse_dec(n, len - (sizeof r - 1), TERM_HIS_ID_MAX, id) == 0 && *id
               ? TERM_HIS_ROUTE_REQUEST
               : TERM_HIS_ROUTE_NONE;
  }
  if (len <= sizeof w || memcmp(path, w, sizeof w - 1) != 0 || path[sizeof w - 1] != '/')
    return TERM_HIS_ROUTE_NONE;
  const char *n = path + sizeof w, *end = path + len;
  const char *slash = memchr(n, '/', (size_t)(end - n));
  size_t nlen = slash ? (size_t)(slash - n) : (size_t)(end - n);
  if (parse_dec(n, nlen, TERM_HIS_ID_MAX, id) != 0 || *id == 0) {
    *id = 0;
    return TERM_HIS_ROUTE_NONE;
  }
  if (!slash)
    return TERM_HIS_ROUTE_WAIVER;
  if ((size_t)(end - slash) == 5 && memcmp(slash, "/void", 5) == 0)
    return TERM_HIS_ROUTE_WAIVER_VOID;
  *id = 0;
  return TERM_HIS_ROUTE_NONE;
}
