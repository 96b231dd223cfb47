/*
 * centre: the server at the other end of the terminals' sync (docs/centre.md), and the
 * pieces of it that tests, fuzz targets and benchmarks use directly.
 *
 * The program `centre` serves HTTPS with mutual TLS (docs/sync-protocol.md); the
 * program `centre-admin` runs the office tools (reports, revocations, terminals). Both
 * are thin mains over the library `centre_core`, whose public part is this header:
 *
 *   - the error enum (one list, CENTRE_ERRNO_MAP);
 *   - the chain hash of an uploaded event (centre_event_hash: proto's event hash);
 *   - the batch parser (centre_batch_parse: proto's strict parser, JSON text -> events);
 *   - the signing helpers used for receipts and signed documents.
 *
 * Ownership: what a *_create/_parse allocates is freed by the matching *_destroy/_free,
 * which accepts NULL. Functions return enum centre_err: CENTRE_OK (0) or a negative code.
 * Nothing here logs card numbers; citizen ID numbers and names never reach the centre.
 */
#ifndef CENTRE_CENTRE_H
#define CENTRE_CENTRE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/batch.h"
#include "proto/event.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CENTRE_ERRNO_MAP(X)                                                      \
  X(OK, 0, "success")                                                            \
  X(INVALID_ARG, -1, "invalid argument")                                         \
  X(NO_MEMORY, -2, "out of memory")                                              \
  X(IO, -3, "file input/output error")                                           \
  X(CONFIG, -4, "invalid configuration")                                         \
  X(MALFORMED, -5, "malformed input")                                            \
  X(TOO_LARGE, -6, "input exceeds its limit")                                    \
  X(DB, -7, "database error")                                                    \
  X(CRYPTO, -8, "cryptographic library error")                                   \
  X(VERIFY_FAILED, -9, "signature verification failed")                          \
  X(GAP, -10, "batch does not continue the acknowledged sequence")               \
  X(CHAIN, -11, "hash chain broken: prev_hash does not match the last hash")    \
  X(HASH, -12, "event hash does not match its fields")                           \
  X(CONFLICT, -13, "event differs from the one already accepted at that seq")    \
  X(UNKNOWN_TERMINAL, -14, "unknown terminal")                                   \
  X(RETIRED, -15, "terminal retired")                                            \
  X(REVOKED, -16, "terminal certificate revoked")                                \
  X(NOT_FOUND, -17, "not found")                                                 \
  X(EXISTS, -18, "already exists")                                               \
  X(NET, -19, "network error")                                                   \
  X(IDENTITY, -20, "event names another terminal or site than the certificate's")       \
  X(CARD_CONFLICT, -21, "card registration differs from the one on record")

enum centre_err {
#define CENTRE_X_ENUM(name, value, text) CENTRE_E_##name = (value),
  CENTRE_ERRNO_MAP(CENTRE_X_ENUM)
#undef CENTRE_X_ENUM
};
#define CENTRE_OK CENTRE_E_OK

/* Human text for an error; never NULL. */
const char *centre_strerror(int err);
/* Symbolic name ("CENTRE_E_GAP"); never NULL. */
const char *centre_errname(int err);

/* ------------------------------------------------------------------ events -- */

/*
 * An uploaded event is the journal event (struct proto_event, proto/event.h): the
 * terminal's journal stores the same fields and hashes them the same way (docs/journal.md). `card_no` is the honour card's
 * unified number, never a citizen ID number; no names are carried at all.
 */
#define CENTRE_HASH_HEX 64
#define CENTRE_TERMINAL_ID_MAX 64

/*
 * The chain hash of an event from its fields and ev->prev_hash. This one function is
 * the centre's definition of the hash; it calls proto_event_hash(), so the centre
 * recomputes exactly what the terminal's journal computed. Errors: INVALID_ARG (a field
 * proto_event_check() refuses), CRYPTO.
 */
int centre_event_hash(const struct proto_event *ev, uint8_t out[PROTO_HASH_LEN]);

/* --------------------------------------------------------------- the batch -- */

/* Hard limits of one upload (the config may lower them). */
#define CENTRE_BATCH_MAX_EVENTS PROTO_BATCH_MAX_EVENTS
#define CENTRE_BATCH_MAX_TEXT PROTO_BATCH_MAX_TEXT

struct centre_batch {
  size_t n;
  struct proto_event *ev; /* n events, seq strictly increasing by 1 */
  uint8_t *hold;          /* n codes, enum proto_batch_hold: quarantine, not refusal */
  size_t n_held;
};

/*
 * Parse an upload batch (JSON text, already inflated; docs/sync-protocol.md) into *out
 * with proto_batch_parse (proto/batch.h), its errors as the centre's. Strict: unknown
 * members, wrong types, over-long text, hashes that are not 64 lowercase hex digits,
 * more than max_events events or a break in the seq run are MALFORMED (TOO_LARGE for the
 * count), with a short reason (no input echoed) in why[why_cap]. A time or amount out of
 * range or a field the event check refuses is not an error: the event's out->hold code
 * says so and the store quarantines it (docs/sync-protocol.md, "Quarantine"). *out is
 * freed with centre_batch_free().
 */
int centre_batch_parse(const char *text, size_t len, size_t max_events, struct centre_batch *out,
                       char *why, size_t why_cap);
void centre_batch_free(struct centre_batch *b);

/* ---------------------------------------------------------------- inflate -- */

/*
 * Inflate a gzip ("gzip") or zlib ("deflate") body into a new buffer of at most max
 * bytes (plus a NUL, not counted in *out_len). TOO_LARGE past max, MALFORMED for a bad
 * stream. *out is freed with free().
 */
int centre_inflate(const uint8_t *in, size_t in_len, int gzip, size_t max, char **out,
                   size_t *out_len);

/* -------------------------------------------------------------- registry -- */

/* The site and vehicle registry document (centre/src/registry.c; docs/sync-protocol.md,
 * "Registry document"): a sites.ini, checked for what would make every terminal refuse
 * it; stored and served as the document kind "registry". MALFORMED / TOO_LARGE with why
 * (a line number, never a value); *sites may be NULL. */
#define CENTRE_REGISTRY_KIND "registry"
int centre_registry_check(const char *buf, size_t len, unsigned *sites, char *why, size_t cap);
/* 1 when the (valid) registry has a [site] section, else 0. */
int centre_registry_has_site(const char *buf, size_t len, const char *site);
/* site,kind,routes,vehicles,vehicle_ids: one line per site. */
int centre_registry_list_csv(const char *buf, size_t len, FILE *out);

/* ------------------------------------------------------------- statement -- */

/* A hospital's monthly statement (docs/centre.md, "Bills and the statement"). */
#define CENTRE_STATEMENT_TAG "yh-statement/1"
#define CENTRE_SITE_ID_MAX 63
enum { CENTRE_STATEMENT_CSV = 0, CENTRE_STATEMENT_HTML = 1 };
/*
 * What a statement file says it is, read from untrusted bytes (a copy handed back by a
 * hospital): its format, hospital, month (yyyymm) and the digest printed on it. Bounded:
 * a CSV's first lines and last line, or the HTML's yh-statement meta element within its
 * first 4 KiB. MALFORMED when it is not a statement; nothing is quoted back.
 */
int centre_statement_identify(const char *text, size_t len, int *format,
                              char site[CENTRE_SITE_ID_MAX + 1], int *month,
                              char digest[CENTRE_HASH_HEX + 1]);

/* --------------------------------------------------------------- signing -- */

struct centre_signer;

/* Load an ECDSA P-256 private key (PEM). */
int centre_signer_create(const char *key_path, struct centre_signer **out);
void centre_signer_destroy(struct centre_signer *s);
/* DER signature (ECDSA with SHA-256) of data, base64 into out (NUL-terminated). */
int centre_sign_b64(struct centre_signer *s, const void *data, size_t len, char *out,
                    size_t out_cap);
/* Raw DER signature into sig[cap]; *sig_len its length (at most 72 for P-256). */
int centre_sign_raw(struct centre_signer *s, const void *data, size_t len, uint8_t *sig,
                    size_t cap, size_t *sig_len);
/* SHA-256 of the public key's SubjectPublicKeyInfo DER, lowercase hex: the key id. */
int centre_signer_key_id(struct centre_signer *s, char out[CENTRE_HASH_HEX + 1]);

#ifdef __cplusplus
}
#endif
#endif
