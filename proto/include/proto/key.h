/*
 * proto key: the one ECDSA P-256 / SHA-256 helper for every signer and verifier of the
 * shared formats (the revocation list, the centre's receipts and signed documents).
 *
 * A struct proto_key holds an OpenSSL EVP_PKEY that is EC P-256, with or without its
 * private half. Keys are loaded from PEM files (SubjectPublicKeyInfo for public keys,
 * PKCS#8 or SEC1 EC for private keys) or generated; the caller owns the key and frees it
 * with proto_key_destroy() (accepts NULL). A key may be used from several threads at
 * once for signing and verifying (each call makes its own digest context).
 */
#ifndef PROTO_KEY_H
#define PROTO_KEY_H

#include "proto/proto.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A DER ECDSA P-256 signature is at most 72 bytes; buffers of this size always fit. */
#define PROTO_SIG_MAX 80u
/* SHA-256 in lowercase hex, and its NUL. */
#define PROTO_KEY_ID_HEX 64u

struct proto_key;

/*
 * Load a PEM public (SubjectPublicKeyInfo) or private (PKCS#8 or EC) key file. Errors:
 * NOT_FOUND (no such file), IO (cannot open), CRYPTO (not a PEM key of that kind),
 * KEY_TYPE (a key, but not EC P-256), NO_MEMORY. A short reason goes to why[cap] (may be
 * NULL); it names no key material.
 */
int proto_key_load_public(const char *path, struct proto_key **out, char *why, size_t cap);
int proto_key_load_private(const char *path, struct proto_key **out, char *why, size_t cap);
/* A new P-256 key pair (tests, benchmarks, the centre's tooling). CRYPTO, NO_MEMORY. */
int proto_key_generate(struct proto_key **out);
void proto_key_destroy(struct proto_key *key);

/* 1 when the key has its private half (can sign). */
int proto_key_has_private(const struct proto_key *key);

/* Write the public key (SubjectPublicKeyInfo, PEM; replaces the file). IO, CRYPTO,
 * INVALID_ARG. */
int proto_key_write_public(const struct proto_key *key, const char *path);
/* Write the private key (PKCS#8, PEM) to a NEW file: open(O_CREAT | O_EXCL, 0600), never
 * truncating or replacing anything. EXISTS (path exists, a symlink included: nothing
 * written), IO, CRYPTO (a failed write removes the file it created), INVALID_ARG (no
 * private half). */
int proto_key_write_private(const struct proto_key *key, const char *path);

/* DER signature (ECDSA with SHA-256) of data into sig[cap]; *sig_len its length.
 * INVALID_ARG (no private half, NULLs), TOO_LARGE (cap too small), CRYPTO. */
int proto_key_sign(const struct proto_key *key, const void *data, size_t len, uint8_t *sig,
                   size_t cap, size_t *sig_len);
/* PROTO_OK when sig is a valid signature of data under key, else SIGNATURE (NO_MEMORY
 * when a context cannot be made). */
int proto_key_verify(const struct proto_key *key, const void *data, size_t len,
                     const uint8_t *sig, size_t sig_len);

/* The key id: SHA-256 of the public key's SubjectPublicKeyInfo DER, lowercase hex. */
int proto_key_id(const struct proto_key *key, char out[PROTO_KEY_ID_HEX + 1]);

#ifdef __cplusplus
}
#endif
#endif /* PROTO_KEY_H */
