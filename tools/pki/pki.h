/*
 * yhpki: the honour card PKI of the blood station, as a library (used by the yhpki
 * program, by the tests to make throw-away PKIs, and by nothing on a terminal).
 *
 * One directory holds one PKI:
 *
 *   DIR/root.pem                      root certificate
 *   DIR/private/                      mode 0700
 *   DIR/private/root.key.pem          root private key (0600)
 *   DIR/private/issuer-NAME.key.pem   record-signing issuer keys (0600)
 *   DIR/private/transport.key         master transport key of the blank card stock, 32
 *                                     hex digits (0600)
 *   DIR/trust/                        what terminals carry (cardio_trust_load):
 *   DIR/trust/roots/root.pem
 *   DIR/trust/issuers/NAME.pem        issuer certificates (several valid at once)
 *   DIR/trust/retired.txt             retired issuer key ids
 *   DIR/tls/ca.pem                    the root again, as the TLS trust anchor
 *   DIR/tls/terminal-ID.pem, .key.pem client certificate for mutual TLS (CN = ID)
 *   DIR/tls/server-NAME.pem, .key.pem the centre's server certificate
 *
 * Private keys are created with open(O_CREAT | O_EXCL, 0600) and never chmod'ed;
 * nothing is overwritten (an existing file is an error). Functions return enum
 * cardio_err codes and print a one-line reason on stderr.
 */
#ifndef YHPKI_PKI_H
#define YHPKI_PKI_H

#include <stdint.h>
#include <stdio.h>

#include "cardio/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Validity of a new certificate: from not_before (Unix seconds) for days days. */
struct yhpki_validity {
  int64_t not_before;
  uint32_t days;
};

/* Create DIR (if needed) with a root key and certificate (CN = cn), the trust/ and
 * tls/ folders and a transport master key. The root suite is P-256 or SM2; TLS
 * certificates need a P-256 root. */
int yhpki_init_root(const char *dir, const char *cn, enum cardio_suite suite,
                    const struct yhpki_validity *v);
/* A record-signing issuer key and certificate NAME ([a-z0-9-], 1..32). */
int yhpki_new_issuer(const char *dir, const char *name, enum cardio_suite suite,
                     const struct yhpki_validity *v);
/* Add an issuer (by NAME or by its 16-hex key id) to trust/retired.txt; since is
 * YYYYMMDD (records issued on or after it are rejected) or 0 (all records). */
/* The issuer certificate DIR/trust/issuers/NAME.pem for a P-256 public key whose
 * private half lives elsewhere (a PKCS#11 token: token.c). */
int yhpki_issuer_cert(const char *dir, const char *name, const struct cardio_key *pub,
                      const struct yhpki_validity *v);

/*
 * A record-signing issuer key generated INSIDE a PKCS#11 token (P-256, CKA_SENSITIVE,
 * not extractable, label "issuer-NAME", CKA_ID the first 8 bytes of the key id) and its
 * certificate in DIR/trust/issuers/NAME.pem. module: the PKCS#11 library (SoftHSM2:
 * /usr/lib/softhsm/libsofthsm2.so); token: its label; pin: the user PIN. The station
 * then signs with `--issuer 'pkcs11:token=LABEL;object=issuer-NAME;type=private'`.
 * Errors: IO (module, token, login, an object of that label exists), CRYPTO.
 */
int yhpki_new_issuer_token(const char *dir, const char *name, const char *module,
                           const char *token, const char *pin, const struct yhpki_validity *v);

int yhpki_retire_issuer(const char *dir, const char *name_or_keyid, uint32_t since);
/* A TLS client certificate for terminal ID ([A-Za-z0-9-], 1..64), CN = ID. */
int yhpki_new_terminal(const char *dir, const char *id, const struct yhpki_validity *v);
/* The centre's TLS server certificate: CN = name, subjectAltName DNS:localhost,
 * IP:127.0.0.1 and DNS:name. */
int yhpki_new_server(const char *dir, const char *name, const struct yhpki_validity *v);
/* Describe the PKI on out. */
int yhpki_list(const char *dir, FILE *out);
/* Everything the tests and the card simulator's honour profiles expect, in a new DIR:
 * root (valid from 11 years ago for 30 years), issuers "p256" (P-256), "sm2" (SM2) and
 * "retired" (P-256, retired for all records), all valid from 10 years ago for 20
 * years; terminal "T-TEST-01"; server "centre". */
int yhpki_test_pki(const char *dir, int64_t now);

/* Read DIR/private/transport.key. */
int yhpki_read_transport_key(const char *dir, uint8_t key[16]);

/* The key id (cardio_key_id, 16 lowercase hex digits) of the certificate in cert_path:
 * what a station's --issuer and the card's record name. IO when it is not a certificate. */
int yhpki_cert_key_id(const char *cert_path, char hex[2 * CARDIO_KEYID_LEN + 1]);

/* Print "yhpki: REASON" on stderr (every failure above prints one) and count it. */
void yhpki_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* How many reasons were printed so far: a caller that sees a failure with no new reason
 * prints its own. */
unsigned yhpki_said(void);

#ifdef __cplusplus
}
#endif
#endif
