/* yhpki: the honour card PKI (pki.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cardio/crypto.h"
#include "pki.h"

#define PATH_MAX_LEN 4096
#define ORG_NAME "Yulin Central Blood Station"
#define say yhpki_say

/* How many reasons have been printed: the program adds a line of its own only when a
 * failure printed none (yhpki_said). */
static unsigned said;

unsigned yhpki_said(void)
{
  return said;
}

void yhpki_say(const char *fmt, ...)
{
  va_list ap;
  said++;
  fputs("yhpki: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int path_of(char *out, size_t cap, const char *fmt, ...)
{
  va_list ap;
  int n;
  va_start(ap, fmt);
  n = vsnprintf(out, cap, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= cap) {
    say("path too long");
    return CARDIO_E_INVALID_ARG;
  }
  return CARDIO_OK;
}

static int make_dir(const char *path, mode_t mode)
{
  if (mkdir(path, mode) == 0 || errno == EEXIST)
    return CARDIO_OK;
  say("cannot create %s: %s", path, strerror(errno));
  return CARDIO_E_IO;
}

static int exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

static int name_ok(const char *s, size_t max, int upper)
{
  size_t n = 0;
  if (!s)
    return 0;
  for (; s[n]; n++) {
    char c = s[n];
    if (n >= max || !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      (upper && c >= 'A' && c <= 'Z')))
      return 0;
  }
  return n > 0;
}

/* A new public file (certificate): exclusive create, mode 0644. */
static int write_cert(X509 *x, const char *path)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  FILE *f;
  int ok;
  if (fd < 0) {
    say("cannot create %s: %s", path, strerror(errno));
    return CARDIO_E_IO;
  }
  f = fdopen(fd, "w");
  if (!f) {
    close(fd);
    unlink(path);
    return CARDIO_E_IO;
  }
  ok = PEM_write_X509(f, x) == 1;
  if (fclose(f) != 0)
    ok = 0;
  if (!ok) {
    unlink(path);
    say("cannot write %s", path);
    return CARDIO_E_IO;
  }
  return CARDIO_OK;
}

static X509 *read_cert(const char *path)
{
  FILE *f = fopen(path, "r");
  X509 *x;
  if (!f)
    return NULL;
  x = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  return x;
}

static int add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *ext;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
  ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
  if (!ext) {
    say("bad extension %s = %s", OBJ_nid2sn(nid), value);
    return 0;
  }
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  return 1;
}

/* Sign with the suite of the key: ECDSA-SHA256 or SM2-SM3 with the default signer ID. */
static int sign_cert(X509 *x, const struct cardio_key *key)
{
  EVP_PKEY *pkey = cardio_key_evp(key);
  EVP_MD_CTX *mctx;
  EVP_PKEY_CTX *pctx = NULL;
  int ok;
  if (cardio_key_suite(key) == CARDIO_SUITE_P256)
    return X509_sign(x, pkey, EVP_sha256()) > 0;
  mctx = EVP_MD_CTX_new();
  pctx = EVP_PKEY_CTX_new(pkey, NULL);
  ok = mctx && pctx &&
       EVP_PKEY_CTX_set1_id(pctx, CARDIO_SM2_DEFAULT_ID, sizeof CARDIO_SM2_DEFAULT_ID - 1) == 1;
  if (ok) {
    EVP_MD_CTX_set_pkey_ctx(mctx, pctx);
    ok = EVP_DigestSignInit(mctx, NULL, EVP_sm3(), NULL, pkey) == 1 && X509_sign_ctx(x, mctx) > 0;
  }
  EVP_MD_CTX_free(mctx);
  EVP_PKEY_CTX_free(pctx);
  return ok;
}

static int set_sm2_id(X509 *x)
{
  ASN1_OCTET_STRING *id;
  if (X509_get_signature_nid(x) != NID_SM2_with_SM3)
    return 1;
  id = ASN1_OCTET_STRING_new();
  if (!id || ASN1_OCTET_STRING_set(id, (const unsigned char *)CARDIO_SM2_DEFAULT_ID,
                                   sizeof CARDIO_SM2_DEFAULT_ID - 1) != 1) {
    ASN1_OCTET_STRING_free(id);
    return 0;
  }
  X509_set0_distinguishing_id(x, id);
  return 1;
}

/* A certificate for subject_key, signed by signer (NULL issuer: self-signed). */
static X509 *make_cert(const struct cardio_key *subject_key, const char *cn,
                       const struct yhpki_validity *v, X509 *issuer)
{
  X509 *x = X509_new();
  BIGNUM *serial = BN_new();
  X509_NAME *name;
  int64_t nb = v->not_before ? v->not_before : (int64_t)time(NULL);
  if (!x || !serial)
    goto out_fail;
  /* 127 random bits: positive, unique without a serial database. */
  if (X509_set_version(x, X509_VERSION_3) != 1 || BN_rand(serial, 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)))
    goto out_fail;
  if (!ASN1_TIME_set(X509_getm_notBefore(x), (time_t)nb) ||
      !ASN1_TIME_set(X509_getm_notAfter(x), (time_t)(nb + (int64_t)v->days * 86400)))
    goto out_fail;
  name = X509_get_subject_name(x);
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)ORG_NAME, -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) != 1)
    goto out_fail;
  if (X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name) != 1 ||
      X509_set_pubkey(x, cardio_key_evp(subject_key)) != 1)
    goto out_fail;
  if (!add_ext(x, issuer ? issuer : x, NID_subject_key_identifier, "hash"))
    goto out_fail;
  if (issuer && !add_ext(x, issuer, NID_authority_key_identifier, "keyid:always"))
    goto out_fail;
  BN_free(serial);
  return x;
out_fail:
  say("cannot build the certificate for %s (0x%lx)", cn, ERR_get_error());
  BN_free(serial);
  X509_free(x);
  return NULL;
}

static int finish_cert(X509 *x, const struct cardio_key *signer)
{
  if (!sign_cert(x, signer)) {
    say("signing failed (0x%lx)", ERR_get_error());
    return 0;
  }
  return set_sm2_id(x);
}

struct root {
  X509 *cert;
  struct cardio_key *key;
};

static void root_free(struct root *r)
{
  X509_free(r->cert);
  cardio_key_destroy(r->key);
}

static int root_load(const char *dir, struct root *r)
{
  char path[PATH_MAX_LEN];
  int rc;
  r->cert = NULL;
  r->key = NULL;
  if ((rc = path_of(path, sizeof path, "%s/root.pem", dir)) != CARDIO_OK)
    return rc;
  r->cert = read_cert(path);
  if (!r->cert) {
    say("no root certificate %s (run init-root first)", path);
    return CARDIO_E_IO;
  }
  if ((rc = path_of(path, sizeof path, "%s/private/root.key.pem", dir)) != CARDIO_OK ||
      (rc = cardio_key_load_pem(path, &r->key)) != CARDIO_OK) {
    say("cannot load the root key %s/private/root.key.pem", dir);
    root_free(r);
    return rc ? rc : CARDIO_E_IO;
  }
  return CARDIO_OK;
}

static int write_transport_key(const char *path)
{
  uint8_t key[16];
  char hex[34];
  int fd, rc = CARDIO_OK;
  if (cardio_random(key, sizeof key) != CARDIO_OK)
    return CARDIO_E_CRYPTO;
  for (int i = 0; i < 16; i++)
    snprintf(hex + 2 * i, 3, "%02x", key[i]);
  hex[32] = '\n';
  hex[33] = '\0';
  cardio_cleanse(key, sizeof key);
  fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    say("cannot create %s: %s", path, strerror(errno));
    rc = CARDIO_E_IO;
  } else {
    if (write(fd, hex, 33) != 33)
      rc = CARDIO_E_IO;
    if (close(fd) != 0)
      rc = CARDIO_E_IO;
  }
  cardio_cleanse(hex, sizeof hex);
  return rc;
}

int yhpki_read_transport_key(const char *dir, uint8_t key[16])
{
  char path[PATH_MAX_LEN], hex[40];
  FILE *f;
  int rc;
  if ((rc = path_of(path, sizeof path, "%s/private/transport.key", dir)) != CARDIO_OK)
    return rc;
  f = fopen(path, "r");
  if (!f)
    return CARDIO_E_IO;
  rc = fgets(hex, sizeof hex, f) ? CARDIO_OK : CARDIO_E_MALFORMED;
  fclose(f);
  for (int i = 0; rc == CARDIO_OK && i < 16; i++) {
    unsigned b;
    if (sscanf(hex + 2 * i, "%2x", &b) != 1)
      rc = CARDIO_E_MALFORMED;
    key[i] = (uint8_t)b;
  }
  cardio_cleanse(hex, sizeof hex);
  return rc;
}

int yhpki_init_root(const char *dir, const char *cn, enum cardio_suite suite,
                    const struct yhpki_validity *v)
{
  char path[PATH_MAX_LEN];
  struct cardio_key *key = NULL;
  X509 *x = NULL;
  int rc;
  static const char *const subdirs[] = {"trust", "trust/roots", "trust/issuers", "tls"};

  if (!dir || !v || v->days == 0 || (suite != CARDIO_SUITE_P256 && suite != CARDIO_SUITE_SM2))
    return CARDIO_E_INVALID_ARG;
  if ((rc = path_of(path, sizeof path, "%s/root.pem", dir)) != CARDIO_OK)
    return rc;
  if (exists(path)) {
    say("%s already has a root; refusing to overwrite it", dir);
    return CARDIO_E_IO;
  }
  if ((rc = make_dir(dir, 0755)) != CARDIO_OK)
    return rc;
  if ((rc = path_of(path, sizeof path, "%s/private", dir)) != CARDIO_OK ||
      (rc = make_dir(path, 0700)) != CARDIO_OK)
    return rc;
  for (size_t i = 0; i < sizeof subdirs / sizeof subdirs[0]; i++)
    if ((rc = path_of(path, sizeof path, "%s/%s", dir, subdirs[i])) != CARDIO_OK ||
        (rc = make_dir(path, 0755)) != CARDIO_OK)
      return rc;

  rc = cardio_key_generate(suite, &key);
  if (rc != CARDIO_OK)
    return rc;
  x = make_cert(key, cn ? cn : "Yulin Honour Card Root CA", v, NULL);
  if (!x || !add_ext(x, x, NID_basic_constraints, "critical,CA:TRUE") ||
      !add_ext(x, x, NID_key_usage, "critical,keyCertSign,cRLSign") || !finish_cert(x, key)) {
    rc = CARDIO_E_CRYPTO;
    goto out;
  }
  if ((rc = path_of(path, sizeof path, "%s/private/root.key.pem", dir)) != CARDIO_OK ||
      (rc = cardio_key_save_private_pem(key, path)) != CARDIO_OK)
    goto out;
  if ((rc = path_of(path, sizeof path, "%s/root.pem", dir)) != CARDIO_OK ||
      (rc = write_cert(x, path)) != CARDIO_OK)
    goto out;
  if ((rc = path_of(path, sizeof path, "%s/trust/roots/root.pem", dir)) != CARDIO_OK ||
      (rc = write_cert(x, path)) != CARDIO_OK)
    goto out;
  if ((rc = path_of(path, sizeof path, "%s/tls/ca.pem", dir)) != CARDIO_OK ||
      (rc = write_cert(x, path)) != CARDIO_OK)
    goto out;
  if ((rc = path_of(path, sizeof path, "%s/private/transport.key", dir)) != CARDIO_OK ||
      (rc = write_transport_key(path)) != CARDIO_OK)
    goto out;
  /* An empty retired list, so that terminals find the file and operators its format. */
  if ((rc = path_of(path, sizeof path, "%s/trust/retired.txt", dir)) == CARDIO_OK) {
    FILE *f = fopen(path, "wx");
    if (f) {
      fputs("# Retired issuer keys: <key id, 16 hex digits> [YYYY-MM-DD]\n"
            "# With a date, records issued on or after it are rejected; without, all.\n",
            f);
      fclose(f);
    }
  }
out:
  X509_free(x);
  cardio_key_destroy(key);
  return rc;
}

static int new_leaf(const char *dir, const char *cn, enum cardio_suite suite,
                    const struct yhpki_validity *v, const char *key_path,
                    const char *cert_path, const char *const *exts, size_t n_exts,
                    const int *nids)
{
  struct root r;
  struct cardio_key *key = NULL;
  X509 *x = NULL;
  int rc;

  if (exists(key_path) || exists(cert_path)) {
    say("%s or %s exists already; refusing to overwrite", key_path, cert_path);
    return CARDIO_E_IO;
  }
  rc = root_load(dir, &r);
  if (rc != CARDIO_OK)
    return rc;
  rc = cardio_key_generate(suite, &key);
  if (rc != CARDIO_OK)
    goto out;
  x = make_cert(key, cn, v, r.cert);
  rc = x ? CARDIO_OK : CARDIO_E_CRYPTO;
  for (size_t i = 0; rc == CARDIO_OK && i < n_exts; i++)
    if (!add_ext(x, r.cert, nids[i], exts[i]))
      rc = CARDIO_E_CRYPTO;
  if (rc == CARDIO_OK && !finish_cert(x, r.key))
    rc = CARDIO_E_CRYPTO;
  if (rc == CARDIO_OK)
    rc = cardio_key_save_private_pem(key, key_path);
  if (rc == CARDIO_OK)
    rc = write_cert(x, cert_path);
out:
  X509_free(x);
  cardio_key_destroy(key);
  root_free(&r);
  return rc;
}

int yhpki_new_issuer(const char *dir, const char *name, enum cardio_suite suite,
                     const struct yhpki_validity *v)
{
  char key_path[PATH_MAX_LEN], cert_path[PATH_MAX_LEN], cn[96], eku[96];
  static const int nids[] = {NID_basic_constraints, NID_key_usage, NID_ext_key_usage};
  const char *exts[3] = {"critical,CA:FALSE", "critical,digitalSignature", eku};
  int rc;
  if (!dir || !v || v->days == 0 || !name_ok(name, 32, 0) ||
      (suite != CARDIO_SUITE_P256 && suite != CARDIO_SUITE_SM2)) {
    say("new-issuer: NAME is 1..32 of [a-z0-9-]; suite p256 or sm2");
    return CARDIO_E_INVALID_ARG;
  }
  snprintf(cn, sizeof cn, "Honour record issuer %s (%s)", name, cardio_suite_name(suite));
  snprintf(eku, sizeof eku, "critical,%s", CARDIO_OID_HONOUR_ISSUER);
  if ((rc = path_of(key_path, sizeof key_path, "%s/private/issuer-%s.key.pem", dir, name)) ||
      (rc = path_of(cert_path, sizeof cert_path, "%s/trust/issuers/%s.pem", dir, name)))
    return rc;
  return new_leaf(dir, cn, suite, v, key_path, cert_path, exts, 3, nids);
}

int yhpki_issuer_cert(const char *dir, const char *name, const struct cardio_key *pub,
                      const struct yhpki_validity *v)
{
  char cert_path[PATH_MAX_LEN], cn[96], eku[96];
  static const int nids[] = {NID_basic_constraints, NID_key_usage, NID_ext_key_usage};
  const char *exts[3] = {"critical,CA:FALSE", "critical,digitalSignature", eku};
  struct root r;
  X509 *x = NULL;
  int rc;
  if (!dir || !v || !pub || v->days == 0 || !name_ok(name, 32, 0) ||
      cardio_key_suite(pub) != CARDIO_SUITE_P256)
    return CARDIO_E_INVALID_ARG;
  snprintf(cn, sizeof cn, "Honour record issuer %s (p256, token)", name);
  snprintf(eku, sizeof eku, "critical,%s", CARDIO_OID_HONOUR_ISSUER);
  if ((rc = path_of(cert_path, sizeof cert_path, "%s/trust/issuers/%s.pem", dir, name)))
    return rc;
  if (exists(cert_path)) {
    say("%s exists already; refusing to overwrite", cert_path);
    return CARDIO_E_IO;
  }
  if ((rc = root_load(dir, &r)) != CARDIO_OK)
    return rc;
  x = make_cert(pub, cn, v, r.cert);
  rc = x ? CARDIO_OK : CARDIO_E_CRYPTO;
  for (size_t i = 0; rc == CARDIO_OK && i < 3; i++)
    if (!add_ext(x, r.cert, nids[i], exts[i]))
      rc = CARDIO_E_CRYPTO;
  if (rc == CARDIO_OK && !finish_cert(x, r.key))
    rc = CARDIO_E_CRYPTO;
  if (rc == CARDIO_OK)
    rc = write_cert(x, cert_path);
  X509_free(x);
  root_free(&r);
  return rc;
}

static int root_is_p256(const char *dir)
{
  char path[PATH_MAX_LEN];
  X509 *x;
  int ok;
  if (path_of(path, sizeof path, "%s/root.pem", dir) != CARDIO_OK)
    return 0;
  x = read_cert(path);
  if (!x) {
    /* The usual cause is a wrong DIR or a PKI not made yet, not the root's suite. */
    say("no root certificate %s (%s; run yhpki init-root %s first)", path,
        exists(path) ? "not a PEM certificate" : strerror(ENOENT), dir);
    return 0;
  }
  ok = X509_get_signature_nid(x) != NID_SM2_with_SM3;
  X509_free(x);
  if (!ok)
    say("TLS certificates need a P-256 root (TLS stacks do not verify SM2-signed "
        "certificates without a signer ID)");
  return ok;
}

int yhpki_new_terminal(const char *dir, const char *id, const struct yhpki_validity *v)
{
  char key_path[PATH_MAX_LEN], cert_path[PATH_MAX_LEN];
  static const int nids[] = {NID_basic_constraints, NID_key_usage, NID_ext_key_usage};
  static const char *const exts[3] = {"critical,CA:FALSE", "critical,digitalSignature",
                                      "clientAuth"};
  int rc;
  if (!dir || !v || v->days == 0 || !name_ok(id, 64, 1)) {
    say("new-terminal: ID is 1..64 of [A-Za-z0-9-]");
    return CARDIO_E_INVALID_ARG;
  }
  if (!root_is_p256(dir))
    return CARDIO_E_UNSUPPORTED;
  if ((rc = path_of(key_path, sizeof key_path, "%s/tls/terminal-%s.key.pem", dir, id)) ||
      (rc = path_of(cert_path, sizeof cert_path, "%s/tls/terminal-%s.pem", dir, id)))
    return rc;
  return new_leaf(dir, id, CARDIO_SUITE_P256, v, key_path, cert_path, exts, 3, nids);
}

int yhpki_new_server(const char *dir, const char *name, const struct yhpki_validity *v)
{
  char key_path[PATH_MAX_LEN], cert_path[PATH_MAX_LEN], san[160];
  static const int nids[] = {NID_basic_constraints, NID_key_usage, NID_ext_key_usage,
                             NID_subject_alt_name};
  const char *exts[4] = {"critical,CA:FALSE", "critical,digitalSignature", "serverAuth", san};
  int rc;
  if (!dir || !v || v->days == 0 || !name || !*name || strlen(name) > 64) {
    say("new-server: NAME is a host name of at most 64 characters");
    return CARDIO_E_INVALID_ARG;
  }
  for (const char *p = name; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '-' || *p == '.')) {
      say("new-server: NAME is a host name ([A-Za-z0-9.-])");
      return CARDIO_E_INVALID_ARG;
    }
  if (!root_is_p256(dir))
    return CARDIO_E_UNSUPPORTED;
  snprintf(san, sizeof san, "DNS:localhost,IP:127.0.0.1,DNS:%s", name);
  if ((rc = path_of(key_path, sizeof key_path, "%s/tls/server-%s.key.pem", dir, name)) ||
      (rc = path_of(cert_path, sizeof cert_path, "%s/tls/server-%s.pem", dir, name)))
    return rc;
  return new_leaf(dir, name, CARDIO_SUITE_P256, v, key_path, cert_path, exts, 4, nids);
}

static int cert_key_id(X509 *x, uint8_t id[CARDIO_KEYID_LEN])
{
  struct cardio_key *k = NULL;
  int rc = cardio_key_from_evp(X509_get0_pubkey(x), &k);
  if (rc == CARDIO_OK)
    rc = cardio_key_id(k, id);
  cardio_key_destroy(k);
  return rc;
}

static void hex_id(const uint8_t id[CARDIO_KEYID_LEN], char out[2 * CARDIO_KEYID_LEN + 1])
{
  for (int i = 0; i < CARDIO_KEYID_LEN; i++)
    snprintf(out + 2 * i, 3, "%02x", id[i]);
}

int yhpki_cert_key_id(const char *cert_path, char hex[2 * CARDIO_KEYID_LEN + 1])
{
  uint8_t id[CARDIO_KEYID_LEN];
  X509 *x = read_cert(cert_path);
  int rc;
  if (!x)
    return CARDIO_E_IO;
  rc = cert_key_id(x, id);
  X509_free(x);
  if (rc == CARDIO_OK)
    hex_id(id, hex);
  return rc;
}

int yhpki_retire_issuer(const char *dir, const char *name_or_keyid, uint32_t since)
{
  char path[PATH_MAX_LEN], hex[2 * CARDIO_KEYID_LEN + 1];
  const char *label = name_or_keyid;
  FILE *f;
  int rc;
  if (!dir || !name_or_keyid || (since && !cardio_date_valid(since)))
    return CARDIO_E_INVALID_ARG;
  if (strlen(name_or_keyid) == 2 * CARDIO_KEYID_LEN &&
      strspn(name_or_keyid, "0123456789abcdefABCDEF") == 2 * CARDIO_KEYID_LEN) {
    memcpy(hex, name_or_keyid, sizeof hex);
  } else {
    uint8_t id[CARDIO_KEYID_LEN];
    X509 *x;
    if (!name_ok(name_or_keyid, 32, 0)) {
      say("retire-issuer: give an issuer NAME or its 16-hex key id");
      return CARDIO_E_INVALID_ARG;
    }
    if ((rc = path_of(path, sizeof path, "%s/trust/issuers/%s.pem", dir, name_or_keyid)))
      return rc;
    x = read_cert(path);
    if (!x) {
      say("no issuer certificate %s", path);
      return CARDIO_E_IO;
    }
    rc = cert_key_id(x, id);
    X509_free(x);
    if (rc != CARDIO_OK)
      return rc;
    hex_id(id, hex);
  }
  if ((rc = path_of(path, sizeof path, "%s/trust/retired.txt", dir)))
    return rc;
  f = fopen(path, "a");
  if (!f) {
    say("cannot open %s: %s", path, strerror(errno));
    return CARDIO_E_IO;
  }
  if (since)
    fprintf(f, "%s %04u-%02u-%02u # %s\n", hex, since / 10000, since / 100 % 100, since % 100,
            label);
  else
    fprintf(f, "%s # %s, all records\n", hex, label);
  return fclose(f) == 0 ? CARDIO_OK : CARDIO_E_IO;
}

static void print_validity(FILE *out, X509 *x)
{
  BIO *b = BIO_new_fp(out, BIO_NOCLOSE);
  if (!b)
    return;
  BIO_puts(b, "  valid ");
  ASN1_TIME_print(b, X509_get0_notBefore(x));
  BIO_puts(b, " .. ");
  ASN1_TIME_print(b, X509_get0_notAfter(x));
  BIO_puts(b, "\n");
  BIO_free(b);
}

static void list_folder(FILE *out, const char *folder, const char *prefix, const char *title)
{
  DIR *d = opendir(folder);
  struct dirent *e;
  if (!d)
    return;
  while ((e = readdir(d)) != NULL) {
    char path[PATH_MAX_LEN];
    size_t n = strlen(e->d_name);
    X509 *x;
    if (n < 5 || strcmp(e->d_name + n - 4, ".pem") != 0 || strstr(e->d_name, ".key.pem") ||
        strncmp(e->d_name, prefix, strlen(prefix)) != 0 || strcmp(e->d_name, "ca.pem") == 0)
      continue;
    if (path_of(path, sizeof path, "%s/%s", folder, e->d_name) != CARDIO_OK)
      continue;
    x = read_cert(path);
    if (!x)
      continue;
    fprintf(out, "%s %.*s\n", title, (int)(n - 4 - strlen(prefix)), e->d_name + strlen(prefix));
    print_validity(out, x);
    X509_free(x);
  }
  closedir(d);
}

int yhpki_list(const char *dir, FILE *out)
{
  char path[PATH_MAX_LEN];
  struct cardio_trust *t = NULL;
  X509 *root;
  int rc;
  if (!dir || !out)
    return CARDIO_E_INVALID_ARG;
  if ((rc = path_of(path, sizeof path, "%s/root.pem", dir)))
    return rc;
  root = read_cert(path);
  if (!root) {
    say("no root certificate %s", path);
    return CARDIO_E_IO;
  }
  fprintf(out, "root (%s)\n", X509_get_signature_nid(root) == NID_SM2_with_SM3 ? "sm2" : "p256");
  print_validity(out, root);
  X509_free(root);
  if ((rc = path_of(path, sizeof path, "%s/trust", dir)))
    return rc;
  rc = cardio_trust_load(path, &t);
  if (rc != CARDIO_OK) {
    say("the trust store %s does not load: %s", path, cardio_strerror(rc));
    return rc;
  }
  for (size_t i = 0; i < cardio_trust_issuer_count(t); i++) {
    struct cardio_trust_issuer_info info;
    char hex[2 * CARDIO_KEYID_LEN + 1];
    if (cardio_trust_issuer_info(t, i, &info) != CARDIO_OK)
      continue;
    hex_id(info.key_id, hex);
    fprintf(out, "issuer %s key id %s suite %s", info.subject, hex, cardio_suite_name(info.suite));
    if (info.retired && info.retired_since)
      fprintf(out, " RETIRED for records from %u", info.retired_since);
    else if (info.retired)
      fprintf(out, " RETIRED (all records)");
    fputc('\n', out);
    fprintf(out, "  valid %u .. %u (China Standard Time dates)\n",
            cardio_date_from_time(info.not_before), cardio_date_from_time(info.not_after));
  }
  cardio_trust_destroy(t);
  if ((rc = path_of(path, sizeof path, "%s/tls", dir)))
    return rc;
  list_folder(out, path, "terminal-", "terminal");
  list_folder(out, path, "server-", "server");
  return CARDIO_OK;
}

int yhpki_test_pki(const char *dir, int64_t now)
{
  const int64_t year = 365 * 86400LL;
  struct yhpki_validity root_v = {now - 11 * year, 30 * 365};
  struct yhpki_validity iss_v = {now - 10 * year, 20 * 365};
  struct yhpki_validity tls_v = {now - 86400, 365};
  int rc;
  if ((rc = yhpki_init_root(dir, "Yulin Honour Card Test Root", CARDIO_SUITE_P256, &root_v)) ||
      (rc = yhpki_new_issuer(dir, "p256", CARDIO_SUITE_P256, &iss_v)) ||
      (rc = yhpki_new_issuer(dir, "sm2", CARDIO_SUITE_SM2, &iss_v)) ||
      (rc = yhpki_new_issuer(dir, "retired", CARDIO_SUITE_P256, &iss_v)) ||
      (rc = yhpki_retire_issuer(dir, "retired", 0)) ||
      (rc = yhpki_new_terminal(dir, "T-TEST-01", &tls_v)) ||
      (rc = yhpki_new_server(dir, "centre", &tls_v)))
    return rc;
  return CARDIO_OK;
}
