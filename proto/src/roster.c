/* The staff roster document and the PIN's scrypt hash (proto/roster.h). The parser walks
 * the text with a cursor and the bytes left; a field is taken only after its length is
 * checked against its bound. */
#include <inttypes.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "common/utf8.h"
#include "proto/roster.h"
#include "proto_int.h"

#define HEADER "yh-roster 1"
#define SALT_LEN 16u
#define KEY_LEN 32u
#define LOG2N_DEFAULT 15u
#define LOG2N_MIN 10u
#define LOG2N_MAX 17u /* 2^17 * 128 * r(16) = 256 MiB at the bounds */
#define R_MAX 16u
#define P_MAX 4u
#define LINE_MAX_LEN 512u

const char *proto_roster_role_name(int role)
{
  switch (role) {
#define PROTO_X_RN(name, value, text)                                                    \
  case PROTO_ROLE_##name:                                                                \
    return text;
    PROTO_ROSTER_ROLE_MAP(PROTO_X_RN)
#undef PROTO_X_RN
  }
  return NULL;
}

static int role_parse(const char *s, size_t n)
{
#define PROTO_X_RP(name, value, text)                                                    \
  if (n == sizeof text - 1 && memcmp(s, text, n) == 0)                                   \
    return PROTO_ROLE_##name;
  PROTO_ROSTER_ROLE_MAP(PROTO_X_RP)
#undef PROTO_X_RP
  return -1;
}

/* ------------------------------------------------------------- PIN hash -- */

static int pin_ok(const char *pin)
{
  size_t n = pin ? strlen(pin) : 0;
  if (n == 0 || n > PROTO_PIN_MAX)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (pin[i] < '0' || pin[i] > '9')
      return 0;
  return 1;
}

static int scrypt(const char *pin, unsigned log2n, unsigned r, unsigned p, const uint8_t *salt,
                  uint8_t key[KEY_LEN])
{
  uint64_t n = UINT64_C(1) << log2n;
  /* maxmem: what these parameters need (128 * r * (N + p + 2)), with room */
  uint64_t mem = 128u * (uint64_t)r * (n + p + 2) + (UINT64_C(1) << 20);
  if (EVP_PBE_scrypt(pin, strlen(pin), salt, SALT_LEN, n, r, p, mem, key, KEY_LEN) != 1)
    return PROTO_E_CRYPTO;
  return PROTO_OK;
}

int proto_pin_hash_with(const char *pin, unsigned log2n, unsigned r, unsigned p,
                        const uint8_t salt[16], char *out, size_t cap)
{
  if (!pin_ok(pin) || !salt || !out || log2n < LOG2N_MIN || log2n > LOG2N_MAX || r == 0 ||
      r > R_MAX || p == 0 || p > P_MAX)
    return PROTO_E_INVALID_ARG;
  uint8_t key[KEY_LEN];
  int rc = scrypt(pin, log2n, r, p, salt, key);
  if (rc != PROTO_OK)
    return rc;
  char sh[2 * SALT_LEN + 1], kh[2 * KEY_LEN + 1];
  common_hex_encode(salt, SALT_LEN, sh, sizeof sh);
  common_hex_encode(key, KEY_LEN, kh, sizeof kh);
  OPENSSL_cleanse(key, sizeof key);
  int n = snprintf(out, cap, "scrypt$%u$%u$%u$%s$%s", log2n, r, p, sh, kh);
  OPENSSL_cleanse(kh, sizeof kh);
  if (n < 0 || (size_t)n >= cap) {
    if (cap)
      OPENSSL_cleanse(out, cap);
    return PROTO_E_TOO_LARGE;
  }
  return PROTO_OK;
}

int proto_pin_hash(const char *pin, char *out, size_t cap)
{
  uint8_t salt[SALT_LEN];
  if (RAND_bytes(salt, sizeof salt) != 1)
    return PROTO_E_CRYPTO;
  return proto_pin_hash_with(pin, LOG2N_DEFAULT, 8, 1, salt, out, cap);
}

/* A small decimal 1..max with no sign or leading zero, up to the next '$'. */
static int small_uint(const char **s, const char *end, unsigned max, unsigned *out)
{
  const char *p = *s;
  unsigned v = 0;
  if (p >= end || *p < '1' || *p > '9')
    return -1;
  for (; p < end && *p >= '0' && *p <= '9'; p++) {
    unsigned d = (unsigned)(*p - '0');
    if (v > (max - d) / 10)
      return -1;
    v = v * 10 + d;
  }
  if (p >= end || *p != '$')
    return -1;
  *s = p + 1;
  *out = v;
  return 0;
}

struct pin_parts {
  unsigned log2n, r, p;
  uint8_t salt[SALT_LEN], key[KEY_LEN];
};

static int pin_parse(const char *hash, size_t len, struct pin_parts *pp)
{
  const char *s = hash, *end = hash + len;
  if (len > PROTO_PIN_HASH_MAX || len < 7 || memcmp(s, "scrypt$", 7) != 0)
    return PROTO_E_MALFORMED;
  s += 7;
  if (small_uint(&s, end, LOG2N_MAX, &pp->log2n) || pp->log2n < LOG2N_MIN ||
      small_uint(&s, end, R_MAX, &pp->r) || small_uint(&s, end, P_MAX, &pp->p))
    return PROTO_E_MALFORMED;
  if ((size_t)(end - s) != 2 * SALT_LEN + 1 + 2 * KEY_LEN || s[2 * SALT_LEN] != '$' ||
      /* lower case only: one spelling per hash */
      common_hex_decode(s, 2 * SALT_LEN, pp->salt, SALT_LEN, 0) != COMMON_OK ||
      common_hex_decode(s + 2 * SALT_LEN + 1, 2 * KEY_LEN, pp->key, KEY_LEN, 0) != COMMON_OK)
    return PROTO_E_MALFORMED;
  return PROTO_OK;
}

int proto_pin_hash_check(const char *hash)
{
  struct pin_parts pp;
  if (!hash)
    return PROTO_E_INVALID_ARG;
  int rc = pin_parse(hash, strnlen(hash, PROTO_PIN_HASH_MAX + 1), &pp);
  OPENSSL_cleanse(&pp, sizeof pp);
  return rc;
}

int proto_pin_verify(const char *hash, const char *pin)
{
  struct pin_parts pp;
  if (!hash || !pin)
    return PROTO_E_INVALID_ARG;
  int rc = pin_parse(hash, strnlen(hash, PROTO_PIN_HASH_MAX + 1), &pp);
  if (rc != PROTO_OK)
    return rc;
  if (!pin_ok(pin)) {
    OPENSSL_cleanse(&pp, sizeof pp);
    return 0; /* not a PIN at all: simply wrong */
  }
  uint8_t got[KEY_LEN];
  rc = scrypt(pin, pp.log2n, pp.r, pp.p, pp.salt, got);
  int same = rc == PROTO_OK && CRYPTO_memcmp(got, pp.key, KEY_LEN) == 0;
  OPENSSL_cleanse(got, sizeof got);
  OPENSSL_cleanse(&pp, sizeof pp);
  return rc != PROTO_OK ? rc : same;
}

/* --------------------------------------------------------------- roster -- */

struct cur {
  const char *p;
  size_t left;
  unsigned line;
};

/* The next line (without its "\n") into *l, *n; -1 at the end, -2 for a last line
 * without its newline or one over LINE_MAX_LEN. */
static int next_line(struct cur *c, const char **l, size_t *n)
{
  if (c->left == 0)
    return -1;
  size_t scan = c->left < LINE_MAX_LEN + 1 ? c->left : LINE_MAX_LEN + 1;
  const char *nl = memchr(c->p, '\n', scan);
  c->line++;
  if (!nl)
    return -2;
  *l = c->p;
  *n = (size_t)(nl - c->p);
  c->left -= *n + 1;
  c->p = nl + 1;
  return 0;
}

/* The next space-separated field of a line; -1 when none (or an empty one). */
static int field(const char **s, const char *end, const char **f, size_t *n)
{
  const char *sp = memchr(*s, ' ', (size_t)(end - *s));
  const char *e = sp ? sp : end;
  if (e == *s)
    return -1;
  *f = *s;
  *n = (size_t)(e - *s);
  *s = sp ? sp + 1 : end;
  return 0;
}

static int token_ok(const char *f, size_t n, size_t max, char *out)
{
  if (n == 0 || n > max)
    return 0;
  memcpy(out, f, n);
  out[n] = '\0';
  return common_token_valid(out, max) && !common_id_shaped(out);
}

static int entry_check(const struct proto_roster_entry *e)
{
  return common_token_valid(e->id, PROTO_ROSTER_ID_MAX) && !common_id_shaped(e->id) &&
         proto_roster_role_name(e->role) && e->from_day <= e->to_day && e->from_day >= 0 &&
         proto_pin_hash_check(e->pin_hash) == PROTO_OK && e->name[0] && e->name[0] != ' ' &&
         strlen(e->name) <= PROTO_ROSTER_NAME_MAX &&
         common_utf8_printable(e->name, strlen(e->name));
}

/* 0 when f[0..n) is a well-formed PIN hash, copied into out. */
static int pin_parse_ok(const char *f, size_t n, char out[PROTO_PIN_HASH_MAX + 1])
{
  struct pin_parts pp;
  if (n > PROTO_PIN_HASH_MAX || pin_parse(f, n, &pp) != PROTO_OK)
    return -1;
  OPENSSL_cleanse(&pp, sizeof pp);
  memcpy(out, f, n);
  out[n] = '\0';
  return 0;
}

static int policy_ok(const struct proto_roster_policy *p)
{
  return p->pin_min >= 6 && p->pin_min <= PROTO_PIN_MAX && p->failures >= 1 &&
         p->failures <= 20 && p->lock_minutes >= 1 && p->lock_minutes <= 1440 &&
         p->idle_minutes >= 1 && p->idle_minutes <= 720;
}

/* "<pin_min> <failures> <lock_minutes> <idle_minutes>" */
static int parse_policy(const char *s, const char *end, struct proto_roster_policy *p)
{
  unsigned *v[4] = {&p->pin_min, &p->failures, &p->lock_minutes, &p->idle_minutes};
  for (int i = 0; i < 4; i++) {
    const char *f;
    size_t n;
    if (field(&s, end, &f, &n) || n > 4 || f[0] == '0')
      return -1;
    *v[i] = 0;
    for (size_t k = 0; k < n; k++) {
      if (f[k] < '0' || f[k] > '9')
        return -1;
      *v[i] = *v[i] * 10 + (unsigned)(f[k] - '0');
    }
  }
  return s == end && policy_ok(p) ? 0 : -1;
}

static int parse_staff(const char *s, const char *end, struct proto_roster_entry *e)
{
  const char *f;
  size_t n;
  memset(e, 0, sizeof *e);
  if (field(&s, end, &f, &n) || !token_ok(f, n, PROTO_ROSTER_ID_MAX, e->id))
    return -1;
  if (field(&s, end, &f, &n) || (e->role = role_parse(f, n)) < 0)
    return -1;
  if (field(&s, end, &f, &n) || common_date_parse(f, n, &e->from_day) != COMMON_OK)
    return -1;
  if (field(&s, end, &f, &n) || common_date_parse(f, n, &e->to_day) != COMMON_OK ||
      e->to_day < e->from_day || e->from_day < 0)
    return -1;
  if (field(&s, end, &f, &n) || pin_parse_ok(f, n, e->pin_hash))
    return -1;
  n = (size_t)(end - s); /* the name: the rest of the line */
  if (n == 0 || n > PROTO_ROSTER_NAME_MAX || !common_utf8_printable(s, n) || s[0] == ' ')
    return -1;
  memcpy(e->name, s, n);
  return 0;
}

void proto_roster_free(struct proto_roster *r)
{
  if (!r)
    return;
  OPENSSL_cleanse(r, sizeof *r + r->count * sizeof r->entry[0]);
  free(r);
}

int proto_roster_parse(const char *text, size_t len, struct proto_roster **out, char *why,
                       size_t cap)
{
  if (!out)
    return PROTO_E_INVALID_ARG;
  *out = NULL;
  if (!text && len)
    return PROTO_E_INVALID_ARG;
  if (len > PROTO_ROSTER_DOC_MAX)
    return proto_i_why(why, cap, PROTO_E_TOO_LARGE, "roster over %u bytes", PROTO_ROSTER_DOC_MAX);
  /* Count the lines first: one allocation of exactly the staff there can be. */
  size_t lines = 0;
  for (size_t i = 0; i < len; i++)
    lines += text[i] == '\n';
  if (lines < 2)
    return proto_i_why(why, cap, PROTO_E_MALFORMED, "roster: header and site line expected");
  if (lines - 2 > PROTO_ROSTER_MAX)
    return proto_i_why(why, cap, PROTO_E_TOO_LARGE, "roster: over %u staff", PROTO_ROSTER_MAX);
  struct proto_roster *r = calloc(1, sizeof *r + (lines - 2) * sizeof r->entry[0]);
  if (!r)
    return PROTO_E_NO_MEMORY;
  struct cur c = {text, len, 0};
  const char *l;
  size_t n;
  int rc = PROTO_OK;
  if (next_line(&c, &l, &n) != 0 || n != sizeof HEADER - 1 || memcmp(l, HEADER, n) != 0) {
    rc = proto_i_why(why, cap, PROTO_E_MALFORMED, "line 1: not a roster (\"" HEADER "\")");
    goto out_free;
  }
  if (next_line(&c, &l, &n) != 0 || n < 6 || memcmp(l, "site ", 5) != 0 ||
      !token_ok(l + 5, n - 5, PROTO_ROSTER_SITE_MAX, r->site)) {
    rc = proto_i_why(why, cap, PROTO_E_MALFORMED, "line 2: \"site <site id>\" expected");
    goto out_free;
  }
  struct proto_roster_policy dflt = PROTO_ROSTER_POLICY_DEFAULT;
  r->policy = dflt;
  for (;;) {
    int lr = next_line(&c, &l, &n);
    if (lr == -1)
      break;
    if (lr == 0 && c.line == 3 && n >= 7 && memcmp(l, "policy ", 7) == 0) {
      if (parse_policy(l + 7, l + n, &r->policy) != 0) {
        rc = proto_i_why(why, cap, PROTO_E_MALFORMED,
                         "line 3: \"policy <pin min 6..16> <failures 1..20> <lock minutes "
                         "1..1440> <idle minutes 1..720>\" expected");
        goto out_free;
      }
      continue;
    }
    if (lr == -2) {
      rc = proto_i_why(why, cap, PROTO_E_MALFORMED, "line %u: too long or not ended", c.line);
      goto out_free;
    }
    if (r->count == lines - 2) /* the policy line took no entry's room: cannot happen */
      break;
    struct proto_roster_entry *e = &r->entry[r->count];
    if (n < 6 || memcmp(l, "staff ", 6) != 0 || parse_staff(l + 6, l + n, e) != 0) {
      rc = proto_i_why(why, cap, PROTO_E_MALFORMED,
                       "line %u: \"staff <id> <role> <from> <to> <pin hash> <name>\" expected",
                       c.line);
      goto out_free;
    }
    if (proto_roster_find(r, e->id)) {
      rc = proto_i_why(why, cap, PROTO_E_MALFORMED, "line %u: staff id repeated", c.line);
      goto out_free;
    }
    r->count++;
  }
  *out = r;
  return PROTO_OK;
out_free:
  proto_roster_free(r);
  return rc;
}

const struct proto_roster_entry *proto_roster_find(const struct proto_roster *r, const char *id)
{
  if (!r || !id)
    return NULL;
  for (size_t i = 0; i < r->count; i++)
    if (strcmp(r->entry[i].id, id) == 0)
      return &r->entry[i];
  return NULL;
}

int proto_roster_encode(const char *site, const struct proto_roster_policy *policy,
                        const struct proto_roster_entry *e, size_t n, char **out, size_t *len)
{
  if (!out || !len || (!e && n) || n > PROTO_ROSTER_MAX || !site || !policy ||
      !policy_ok(policy) ||
      !common_token_valid(site, PROTO_ROSTER_SITE_MAX) || common_id_shaped(site))
    return PROTO_E_INVALID_ARG;
  *out = NULL;
  *len = 0;
  for (size_t i = 0; i < n; i++) {
    if (!entry_check(&e[i]))
      return PROTO_E_INVALID_ARG;
    for (size_t j = 0; j < i; j++)
      if (strcmp(e[i].id, e[j].id) == 0)
        return PROTO_E_INVALID_ARG;
  }
  size_t cap = sizeof HEADER + 6 + strlen(site) + 1 + 40 + n * LINE_MAX_LEN + 1;
  char *buf = malloc(cap);
  if (!buf)
    return PROTO_E_NO_MEMORY;
  size_t pos = (size_t)snprintf(buf, cap, HEADER "\nsite %s\npolicy %u %u %u %u\n", site,
                                policy->pin_min, policy->failures, policy->lock_minutes,
                                policy->idle_minutes);
  for (size_t i = 0; i < n; i++) {
    char from[COMMON_DATE_LEN + 1], to[COMMON_DATE_LEN + 1];
    common_date_format(e[i].from_day, from);
    common_date_format(e[i].to_day, to);
    pos += (size_t)snprintf(buf + pos, cap - pos, "staff %s %s %s %s %s %s\n", e[i].id,
                            proto_roster_role_name(e[i].role), from, to, e[i].pin_hash,
                            e[i].name);
  }
  if (pos > PROTO_ROSTER_DOC_MAX) {
    free(buf);
    return PROTO_E_TOO_LARGE;
  }
  *out = buf;
  *len = pos;
  return PROTO_OK;
}
