/* The terminal's trust store: roots, issuer certificates, the retired list. Parsed
 * once; issuer keys kept parsed and found by key id (crypto.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cardio/crypto.h"
#include "common/date.h"
#include "common/hex.h"
#include "cardio_int.h"
#include "crypto_int.h"

#define TRUST_MAX_CERTS 256     /* per folder: a store is small; more means a mistake */
#define TRUST_RETIRED_MAX 1024
#define TRUST_LINE_MAX 256

struct trust_root {
  X509 *cert;
  int64_t not_before, not_after;
};

struct trust_issuer {
  uint8_t key_id[CARDIO_KEYID_LEN];
  struct cardio_key *key;
  size_t root;                 /* index into roots */
  int64_t not_before, not_after;
  uint32_t nb_date, na_date;   /* the same as CST dates */
  int retired;
  uint32_t retired_since;      /* 0: every record */
  char subject[160];
};

struct trust_retired {
  uint8_t key_id[CARDIO_KEYID_LEN];
  uint32_t since;
};

struct cardio_trust {
  struct trust_root *roots;
  size_t n_roots;
  struct trust_issuer *issuers; /* sorted by key id */
  size_t n_issuers;
};

const char *cardio_trust_verdict_text(enum cardio_trust_verdict v)
{
  switch (v) {
  case CARDIO_TRUST_OK:
    return "issuer trusted";
  case CARDIO_TRUST_UNKNOWN_ISSUER:
    return "issuer key not in the trust store";
  case CARDIO_TRUST_RETIRED:
    return "issuer key retired";
  case CARDIO_TRUST_ISSUER_NOT_VALID:
    return "issuer certificate not valid on the issue date";
  case CARDIO_TRUST_ROOT_NOT_VALID:
    return "root certificate not valid now";
  }
  return "unknown verdict";
}

/* ASN1_TIME -> Unix seconds, without the process time zone. */
static int asn1_to_unix(const ASN1_TIME *t, int64_t *out)
{
  struct tm tm;
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
    return 0;
  *out = (int64_t)common_days_from_civil(tm.tm_year + 1900, (unsigned)tm.tm_mon + 1,
                                         (unsigned)tm.tm_mday) * 86400 +
         tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
  return 1;
}

/* SM2-signed certificates verify only with the signer ID set on the certificate. */
static void set_sm2_id_if_needed(X509 *cert)
{
  if (X509_get_signature_nid(cert) == NID_SM2_with_SM3) {
    ASN1_OCTET_STRING *id = ASN1_OCTET_STRING_new();
    if (id && ASN1_OCTET_STRING_set(id, (const unsigned char *)CARDIO_SM2_DEFAULT_ID,
                                    sizeof CARDIO_SM2_DEFAULT_ID - 1) == 1)
      X509_set0_distinguishing_id(cert, id); /* takes ownership */
    else
      ASN1_OCTET_STRING_free(id);
  }
}

static int has_pem_suffix(const char *name)
{
  size_t n = strlen(name);
  return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".pem") == 0;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .pem files of a folder, sorted (so that a store loads the same way every time).
 * A missing folder is an empty list. */
static int list_pem(const char *dir, char ***out, size_t *count)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  char **names = NULL;
  size_t n = 0;
  *out = NULL;
  *count = 0;
  if (!d)
    return errno == ENOENT ? CARDIO_OK : CARDIO_E_IO;
  while ((e = readdir(d)) != NULL) {
    char **grown;
    if (!has_pem_suffix(e->d_name))
      continue;
    if (n >= TRUST_MAX_CERTS) {
      cardio_log(CARDIO_LOG_WARN, "trust: more than %d files in %s; the rest ignored",
                 TRUST_MAX_CERTS, dir);
      break;
    }
    grown = realloc(names, (n + 1) * sizeof *names);
    if (!grown)
      goto out_nomem;
    names = grown;
    names[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
    if (!names[n])
      goto out_nomem;
    sprintf(names[n], "%s/%s", dir, e->d_name);
    n++;
  }
  closedir(d);
  if (n)
    qsort(names, n, sizeof *names, cmp_str);
  *out = names;
  *count = n;
  return CARDIO_OK;
out_nomem:
  closedir(d);
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  return CARDIO_E_NO_MEMORY;
}

static void free_list(char **names, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
}

static X509 *read_cert(const char *path)
{
  FILE *f = fopen(path, "rb");
  X509 *x;
  if (!f)
    return NULL;
  x = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  if (x)
    set_sm2_id_if_needed(x);
  else
    ERR_clear_error();
  return x;
}

static int load_roots(struct cardio_trust *t, const char *dir)
{
  char path[4096], **files = NULL;
  size_t n = 0;
  int rc;
  if (snprintf(path, sizeof path, "%s/roots", dir) >= (int)sizeof path)
    return CARDIO_E_INVALID_ARG;
  rc = list_pem(path, &files, &n);
  if (rc != CARDIO_OK)
    return rc;
  if (n == 0) {
    cardio_log(CARDIO_LOG_ERROR, "trust: no root certificate in %s", path);
    return CARDIO_E_IO;
  }
  t->roots = calloc(n, sizeof *t->roots);
  if (!t->roots) {
    free_list(files, n);
    return CARDIO_E_NO_MEMORY;
  }
  for (size_t i = 0; i < n; i++) {
    struct trust_root *r = &t->roots[t->n_roots];
    EVP_PKEY *pub;
    X509 *x = read_cert(files[i]);
    if (!x) {
      cardio_log(CARDIO_LOG_ERROR, "trust: %s is not a PEM certificate", files[i]);
      rc = CARDIO_E_MALFORMED;
      break;
    }
    pub = X509_get0_pubkey(x);
    if (!pub || X509_check_issued(x, x) != X509_V_OK || X509_verify(x, pub) != 1 ||
        !asn1_to_unix(X509_get0_notBefore(x), &r->not_before) ||
        !asn1_to_unix(X509_get0_notAfter(x), &r->not_after)) {
      cardio_log(CARDIO_LOG_ERROR, "trust: %s is not a valid self-signed root (0x%lx)",
                 files[i], ERR_peek_last_error());
      ERR_clear_error();
      X509_free(x);
      rc = CARDIO_E_MALFORMED;
      break;
    }
    r->cert = x;
    t->n_roots++;
  }
  free_list(files, n);
  return rc;
}

static int has_issuer_eku(X509 *x)
{
  EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
  ASN1_OBJECT *want = OBJ_txt2obj(CARDIO_OID_HONOUR_ISSUER, 1);
  int found = 0;
  if (eku && want)
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++)
      if (OBJ_cmp(sk_ASN1_OBJECT_value(eku, i), want) == 0)
        found = 1;
  ASN1_OBJECT_free(want);
  EXTENDED_KEY_USAGE_free(eku);
  return found;
}

static void subject_cn(X509 *x, char *out, size_t cap)
{
  X509_NAME *name = X509_get_subject_name(x);
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  unsigned char *utf8 = NULL;
  int n;
  out[0] = '\0';
  if (idx < 0)
    return;
  n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
  if (n > 0) {
    size_t m = (size_t)n < cap - 1 ? (size_t)n : cap - 1;
    memcpy(out, utf8, m);
    out[m] = '\0';
  }
  OPENSSL_free(utf8);
}

/* One issuer certificate: 1 added, 0 skipped (with a warning), <0 error. */
static int add_issuer(struct cardio_trust *t, const char *file, size_t cap)
{
  struct trust_issuer *is = &t->issuers[t->n_issuers];
  X509 *x = read_cert(file);
  size_t root = t->n_roots;
  uint32_t ku;
  int rc;
  if (!x) {
    cardio_log(CARDIO_LOG_WARN, "trust: %s is not a PEM certificate; skipped", file);
    return 0;
  }
  if (t->n_issuers >= cap) {
    X509_free(x);
    return 0;
  }
  for (size_t i = 0; i < t->n_roots; i++) {
    X509 *r = t->roots[i].cert;
    if (X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(r)) == 0 &&
        X509_verify(x, X509_get0_pubkey(r)) == 1) {
      root = i;
      break;
    }
    ERR_clear_error();
  }
  ku = X509_get_key_usage(x);
  if (root == t->n_roots) {
    cardio_log(CARDIO_LOG_WARN, "trust: %s is not signed by a root of the store; skipped", file);
    rc = 0;
  } else if (!has_issuer_eku(x) || ku == UINT32_MAX || !(ku & KU_DIGITAL_SIGNATURE)) {
    cardio_log(CARDIO_LOG_WARN,
               "trust: %s lacks the honour issuer key usage (%s, digitalSignature); skipped",
               file, CARDIO_OID_HONOUR_ISSUER);
    rc = 0;
  } else if (cardio_key_from_evp(X509_get0_pubkey(x), &is->key) != CARDIO_OK ||
             cardio_key_id(is->key, is->key_id) != CARDIO_OK ||
             !asn1_to_unix(X509_get0_notBefore(x), &is->not_before) ||
             !asn1_to_unix(X509_get0_notAfter(x), &is->not_after)) {
    cardio_log(CARDIO_LOG_WARN, "trust: %s holds no P-256 or SM2 key; skipped", file);
    cardio_key_destroy(is->key);
    is->key = NULL;
    rc = 0;
  } else {
    is->root = root;
    is->nb_date = cardio_date_from_time(is->not_before);
    is->na_date = cardio_date_from_time(is->not_after);
    subject_cn(x, is->subject, sizeof is->subject);
    t->n_issuers++;
    rc = 1;
  }
  ERR_clear_error();
  X509_free(x);
  return rc;
}

static int load_issuers(struct cardio_trust *t, const char *dir)
{
  char path[4096], **files = NULL;
  size_t n = 0;
  int rc;
  if (snprintf(path, sizeof path, "%s/issuers", dir) >= (int)sizeof path)
    return CARDIO_E_INVALID_ARG;
  rc = list_pem(path, &files, &n);
  if (rc != CARDIO_OK)
    return rc;
  if (n) {
    t->issuers = calloc(n, sizeof *t->issuers);
    if (!t->issuers) {
      free_list(files, n);
      return CARDIO_E_NO_MEMORY;
    }
  }
  for (size_t i = 0; i < n; i++)
    add_issuer(t, files[i], n);
  free_list(files, n);
  return CARDIO_OK;
}

/* "<16 hex> [YYYY-MM-DD]" with optional "# comment"; blank lines and comments allowed.
 * Returns 1 for an entry, 0 for nothing, -1 for a bad line. */
static int parse_retired_line(char *line, struct trust_retired *r)
{
  char *p = line, *hash = strchr(line, '#');
  unsigned y, m, d;
  int used = 0;
  if (hash)
    *hash = '\0';
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p == '\0' || *p == '\n' || *p == '\r')
    return 0;
  for (int i = 0; i < CARDIO_KEYID_LEN; i++) {
    int hi = common_hex_digit((unsigned char)p[2 * i], 1);
    int lo = hi < 0 ? -1 : common_hex_digit((unsigned char)p[2 * i + 1], 1);
    if (hi < 0 || lo < 0)
      return -1;
    r->key_id[i] = (uint8_t)(hi << 4 | lo);
  }
  p += 2 * CARDIO_KEYID_LEN;
  r->since = 0;
  if (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
    return -1;
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p && *p != '\n' && *p != '\r') {
    if (sscanf(p, "%4u-%2u-%2u%n", &y, &m, &d, &used) != 3 || used != 10)
      return -1;
    r->since = y * 10000 + m * 100 + d;
    if (!cardio_date_valid(r->since))
      return -1;
    p += used;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
      p++;
    if (*p)
      return -1;
  }
  return 1;
}

static int load_retired(struct cardio_trust *t, const char *dir)
{
  char path[4096], line[TRUST_LINE_MAX];
  FILE *f;
  unsigned lineno = 0, count = 0;
  int rc = CARDIO_OK;
  if (snprintf(path, sizeof path, "%s/retired.txt", dir) >= (int)sizeof path)
    return CARDIO_E_INVALID_ARG;
  f = fopen(path, "r");
  if (!f)
    return errno == ENOENT ? CARDIO_OK : CARDIO_E_IO;
  while (fgets(line, sizeof line, f)) {
    struct trust_retired r;
    int got;
    lineno++;
    if (!strchr(line, '\n') && !feof(f)) {
      cardio_log(CARDIO_LOG_ERROR, "trust: %s:%u: line too long", path, lineno);
      rc = CARDIO_E_MALFORMED;
      break;
    }
    got = parse_retired_line(line, &r);
    if (got < 0) {
      cardio_log(CARDIO_LOG_ERROR, "trust: %s:%u: expected \"<16 hex digits> [YYYY-MM-DD]\"",
                 path, lineno);
      rc = CARDIO_E_MALFORMED;
      break;
    }
    if (got == 0)
      continue;
    if (++count > TRUST_RETIRED_MAX) {
      rc = CARDIO_E_TOO_LARGE;
      break;
    }
    for (size_t i = 0; i < t->n_issuers; i++) {
      struct trust_issuer *is = &t->issuers[i];
      if (memcmp(is->key_id, r.key_id, CARDIO_KEYID_LEN) != 0)
        continue;
      /* Listed twice: the earliest date wins, and "all records" (0) beats any date. */
      if (!is->retired || r.since == 0 || (is->retired_since && r.since < is->retired_since))
        is->retired_since = r.since;
      is->retired = 1;
    }
  }
  fclose(f);
  return rc;
}

static int cmp_issuer(const void *a, const void *b)
{
  const struct trust_issuer *x = a, *y = b;
  int c = memcmp(x->key_id, y->key_id, CARDIO_KEYID_LEN);
  if (c)
    return c;
  return x->not_before < y->not_before ? -1 : x->not_before > y->not_before;
}

int cardio_trust_load(const char *dir, struct cardio_trust **out)
{
  struct cardio_trust *t;
  int rc;
  if (!out)
    return CARDIO_E_INVALID_ARG;
  *out = NULL;
  if (!dir)
    return CARDIO_E_INVALID_ARG;
  t = calloc(1, sizeof *t);
  if (!t)
    return CARDIO_E_NO_MEMORY;
  rc = load_roots(t, dir);
  if (rc == CARDIO_OK)
    rc = load_issuers(t, dir);
  if (rc == CARDIO_OK && t->n_issuers > 1)
    qsort(t->issuers, t->n_issuers, sizeof *t->issuers, cmp_issuer);
  if (rc == CARDIO_OK)
    rc = load_retired(t, dir);
  if (rc != CARDIO_OK) {
    cardio_trust_destroy(t);
    return rc;
  }
  cardio_log(CARDIO_LOG_INFO, "trust: %zu root(s), %zu issuer key(s) from %s", t->n_roots,
             t->n_issuers, dir);
  *out = t;
  return CARDIO_OK;
}

void cardio_trust_destroy(struct cardio_trust *t)
{
  if (!t)
    return;
  for (size_t i = 0; i < t->n_roots; i++)
    X509_free(t->roots[i].cert);
  for (size_t i = 0; i < t->n_issuers; i++)
    cardio_key_destroy(t->issuers[i].key);
  free(t->roots);
  free(t->issuers);
  free(t);
}

/* Verdict of one certificate of the key; smaller is better. */
static enum cardio_trust_verdict issuer_verdict(const struct cardio_trust *t,
                                                const struct trust_issuer *is,
                                                uint32_t issue_date, int64_t now)
{
  const struct trust_root *r = &t->roots[is->root];
  if (is->retired && (is->retired_since == 0 || issue_date >= is->retired_since))
    return CARDIO_TRUST_RETIRED;
  if (issue_date < is->nb_date || issue_date > is->na_date)
    return CARDIO_TRUST_ISSUER_NOT_VALID;
  if (now < r->not_before || now > r->not_after)
    return CARDIO_TRUST_ROOT_NOT_VALID;
  return CARDIO_TRUST_OK;
}

enum cardio_trust_verdict cardio_trust_check_issuer(const struct cardio_trust *t,
                                                    const uint8_t key_id[CARDIO_KEYID_LEN],
                                                    uint32_t issue_date, int64_t now,
                                                    const struct cardio_key **key)
{
  size_t lo = 0, hi;
  enum cardio_trust_verdict best = CARDIO_TRUST_UNKNOWN_ISSUER;
  if (key)
    *key = NULL;
  if (!t || !key_id)
    return CARDIO_TRUST_UNKNOWN_ISSUER;
  /* Lower bound of key_id, then every certificate of that key (a key may have been
   * certified more than once): the best verdict wins. */
  hi = t->n_issuers;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (memcmp(t->issuers[mid].key_id, key_id, CARDIO_KEYID_LEN) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t i = lo; i < t->n_issuers; i++) {
    const struct trust_issuer *is = &t->issuers[i];
    enum cardio_trust_verdict v;
    if (memcmp(is->key_id, key_id, CARDIO_KEYID_LEN) != 0)
      break;
    if (key && !*key)
      *key = is->key;
    v = issuer_verdict(t, is, issue_date, now);
    /* RETIRED outranks the date verdicts: a retired key stays retired. */
    if (v == CARDIO_TRUST_RETIRED)
      return v;
    if (best == CARDIO_TRUST_UNKNOWN_ISSUER || v < best)
      best = v;
  }
  return best;
}

size_t cardio_trust_issuer_count(const struct cardio_trust *t)
{
  return t ? t->n_issuers : 0;
}

int cardio_trust_issuer_info(const struct cardio_trust *t, size_t i,
                             struct cardio_trust_issuer_info *out)
{
  const struct trust_issuer *is;
  if (!t || !out || i >= t->n_issuers)
    return CARDIO_E_INVALID_ARG;
  is = &t->issuers[i];
  memset(out, 0, sizeof *out);
  memcpy(out->key_id, is->key_id, CARDIO_KEYID_LEN);
  out->suite = cardio_key_suite(is->key);
  out->not_before = is->not_before;
  out->not_after = is->not_after;
  out->retired = is->retired;
  out->retired_since = is->retired_since;
  memcpy(out->subject, is->subject, sizeof out->subject);
  return CARDIO_OK;
}
