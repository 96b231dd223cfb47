/* A test PKI made with the OpenSSL 3 API (no yhpki needed). */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "synctest.h"

static int write_key(const char *dir, const char *name, EVP_PKEY *k)
{
  char path[700];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  if (!f)
    return -1;
  chmod(path, 0600);
  if (PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) != 1) {
    fclose(f);
    return -1;
  }
  return fclose(f);
}

static int write_pub(const char *dir, const char *name, EVP_PKEY *k)
{
  char path[700];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  if (!f || PEM_write_PUBKEY(f, k) != 1) {
    if (f)
      fclose(f);
    return -1;
  }
  return fclose(f);
}

static int write_cert(const char *dir, const char *name, X509 *c)
{
  char path[700];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  if (!f || PEM_write_X509(f, c) != 1) {
    if (f)
      fclose(f);
    return -1;
  }
  return fclose(f);
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *ex;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
  ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
  if (!ex)
    return -1;
  X509_add_ext(cert, ex, -1);
  X509_EXTENSION_free(ex);
  return 0;
}

/* kind: 0 CA, 1 server, 2 client. issuer NULL: self-signed. */
static X509 *make_cert(const char *cn, EVP_PKEY *key, X509 *issuer, EVP_PKEY *issuer_key, int kind)
{
  X509 *c = X509_new();
  X509_NAME *name;
  unsigned char serial[12];
  BIGNUM *bn;
  if (!c)
    return NULL;
  X509_set_version(c, 2);
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  serial[0] |= 0x10;
  bn = BN_bin2bn(serial, sizeof serial, NULL);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(c), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c), 7L * 24 * 3600);
  X509_set_pubkey(c, key);
  name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"Yulin test", -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
  X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name);
  if (kind == 0) {
    add_ext(c, issuer ? issuer : c, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(c, issuer ? issuer : c, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_ext(c, issuer ? issuer : c, NID_subject_key_identifier, "hash");
  } else {
    add_ext(c, issuer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(c, issuer, NID_key_usage, "critical,digitalSignature");
    add_ext(c, issuer, NID_ext_key_usage, kind == 1 ? "serverAuth" : "clientAuth");
    if (kind == 1)
      add_ext(c, issuer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
    add_ext(c, issuer, NID_authority_key_identifier, "keyid");
  }
  if (X509_sign(c, issuer_key, EVP_sha256()) == 0) {
    X509_free(c);
    return NULL;
  }
  return c;
}

static int leaf(const char *dir, const char *file, const char *cn, X509 *ca, EVP_PKEY *ca_key,
                int kind)
{
  char name[300];
  EVP_PKEY *k = EVP_EC_gen("P-256");
  X509 *c = k ? make_cert(cn, k, ca, ca_key, kind) : NULL;
  int rc = -1;
  if (c) {
    snprintf(name, sizeof name, "%s.pem", file);
    rc = write_cert(dir, name, c);
    snprintf(name, sizeof name, "%s.key", file);
    if (rc == 0)
      rc = write_key(dir, name, k);
    snprintf(name, sizeof name, "%s.spki.pem", file); /* for public key pinning */
    if (rc == 0)
      rc = write_pub(dir, name, k);
  }
  X509_free(c);
  EVP_PKEY_free(k);
  return rc;
}

int synctest_pki_make(const char *dir, const char *const *terminals, size_t n)
{
  EVP_PKEY *ca_key = EVP_EC_gen("P-256"), *rogue_key = EVP_EC_gen("P-256");
  EVP_PKEY *sign = EVP_EC_gen("P-256"), *other = EVP_EC_gen("P-256");
  X509 *ca = NULL, *rogue = NULL;
  int rc = -1;
  if (!ca_key || !rogue_key || !sign || !other)
    goto out_free;
  ca = make_cert("Yulin Honour Card Test CA", ca_key, NULL, ca_key, 0);
  rogue = make_cert("Yulin Honour Card Test CA", rogue_key, NULL, rogue_key, 0);
  if (!ca || !rogue)
    goto out_free;
  if (write_cert(dir, "ca.pem", ca) || write_key(dir, "ca.key", ca_key) ||
      write_cert(dir, "rogue-ca.pem", rogue) || write_key(dir, "sign.key", sign) ||
      write_pub(dir, "sign.pub", sign) || write_pub(dir, "other-sign.pub", other) ||
      leaf(dir, "server", "centre", ca, ca_key, 1) ||
      leaf(dir, "rogue-server", "centre", rogue, rogue_key, 1) ||
      leaf(dir, "rogue-client", "T-ROGUE", rogue, rogue_key, 2))
    goto out_free;
  for (size_t i = 0; i < n; i++)
    if (leaf(dir, terminals[i], terminals[i], ca, ca_key, 2))
      goto out_free;
  rc = 0;
out_free:
  X509_free(ca);
  X509_free(rogue);
  EVP_PKEY_free(ca_key);
  EVP_PKEY_free(rogue_key);
  EVP_PKEY_free(sign);
  EVP_PKEY_free(other);
  return rc;
}
