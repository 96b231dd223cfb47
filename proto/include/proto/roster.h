/*
 * proto roster: a site's staff roster, the document the centre signs and the terminals
 * apply (docs/staff.md), and the staff PIN's stored form (a slow KDF with a salt).
 *
 * The document is text, one record a line, fields separated by one space (the display
 * name last, to the end of its line, so it may hold spaces):
 *
 *   yh-roster 1
 *   site <site id>
 *   policy <pin min length> <failures before lock-out> <lock-out minutes> <idle minutes>
 *   staff <id> <role> <valid from YYYY-MM-DD> <valid to YYYY-MM-DD> <pin hash> <name>
 *   ...
 *
 * policy: how the site's terminals sign staff in: PINs shorter than the minimum (6..16,
 * default 6) are refused unchecked, the given number of wrong PINs in a row (1..20,
 * default 5) for one staff id locks that id out for the minutes given (1..1440, default
 * 15), and a member idle that many minutes (1..720, default 30) is signed out.
 * id: a token of [A-Za-z0-9._-]{1,31} not shaped like a citizen ID, unique in the
 * document; role: "staff" or "supervisor"; the dates inclusive (Yulin local days); the
 * PIN hash as below; name: 1..PROTO_ROSTER_NAME_MAX bytes of printable UTF-8 (a person's
 * name: terminals show it masked). At most PROTO_ROSTER_MAX staff and
 * PROTO_ROSTER_DOC_MAX bytes; every line ends with "\n"; nothing else is accepted.
 * Disabled staff are simply not in the document the centre rebuilds.
 *
 * PIN hash: "scrypt$<log2 N>$<r>$<p>$<salt: 32 hex>$<key: 64 hex>", scrypt (RFC 7914,
 * OpenSSL 3's EVP_PBE_scrypt) over the PIN's digits with a 16-byte random salt. scrypt
 * because it is memory-hard: the roster sits on every terminal of the site, and a PIN of
 * six digits is a small space; each guess costs 32 MiB and tens of milliseconds at the
 * default (N = 2^15, r = 8, p = 1), so a stolen roster is not opened on a GPU in
 * minutes. The parameters travel in the hash, bounded on parsing (N <= 2^17, r <= 16,
 * p <= 4: at most 256 MiB, so a document cannot make a terminal exhaust its memory).
 * The real protection at the screen is the lock-out after a few wrong PINs.
 *
 * Ownership: a parsed roster is one allocation owned by the caller (proto_roster_free).
 * No threads, no logging; error texts never quote the input.
 */
#ifndef PROTO_ROSTER_H
#define PROTO_ROSTER_H

#include "proto/proto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PROTO_ROSTER_MAX 1000u
#define PROTO_ROSTER_DOC_MAX (256u * 1024u)
#define PROTO_ROSTER_ID_MAX 31u
#define PROTO_ROSTER_NAME_MAX 64u
#define PROTO_ROSTER_SITE_MAX 63u
#define PROTO_PIN_HASH_MAX 127u
#define PROTO_PIN_MAX 16u /* digits */

#define PROTO_ROSTER_ROLE_MAP(X)                                                         \
  X(STAFF, 1, "staff")           /* confirms, refuses, the cashier's waiver */           \
  X(SUPERVISOR, 2, "supervisor") /* the same, and may be named for overrides */

enum proto_roster_role {
#define PROTO_X_RR(name, value, text) PROTO_ROLE_##name = (value),
  PROTO_ROSTER_ROLE_MAP(PROTO_X_RR)
#undef PROTO_X_RR
};
const char *proto_roster_role_name(int role); /* NULL when unknown */

struct proto_roster_entry {
  char id[PROTO_ROSTER_ID_MAX + 1];
  int role;              /* enum proto_roster_role */
  int32_t from_day;      /* first local day valid (days since 1970-01-01) */
  int32_t to_day;        /* last local day valid (inclusive) */
  char pin_hash[PROTO_PIN_HASH_MAX + 1];
  char name[PROTO_ROSTER_NAME_MAX + 1];
};

struct proto_roster_policy {
  unsigned pin_min;      /* 6..16 */
  unsigned failures;     /* 1..20 */
  unsigned lock_minutes; /* 1..1440 */
  unsigned idle_minutes; /* 1..720 */
};
#define PROTO_ROSTER_POLICY_DEFAULT {6u, 5u, 15u, 30u}

struct proto_roster {
  char site[PROTO_ROSTER_SITE_MAX + 1];
  struct proto_roster_policy policy;
  size_t count;
  struct proto_roster_entry entry[]; /* count of them */
};

/* Parse a roster document (grammar above) of len bytes; *out is NULL on failure.
 * MALFORMED (why says which line and what), TOO_LARGE, NO_MEMORY. */
int proto_roster_parse(const char *text, size_t len, struct proto_roster **out, char *why,
                       size_t cap);
void proto_roster_free(struct proto_roster *r);
/* The entry for id, or NULL. */
const struct proto_roster_entry *proto_roster_find(const struct proto_roster *r, const char *id);

/* Write the document for site, its policy and n entries (each checked as the parser would) into a
 * malloc'd NUL-terminated *out (*len without the NUL). INVALID_ARG names no entry. */
int proto_roster_encode(const char *site, const struct proto_roster_policy *policy,
                        const struct proto_roster_entry *e, size_t n, char **out, size_t *len);

/* Hash a PIN (digits only, 1..PROTO_PIN_MAX) with a fresh random salt and the default
 * parameters into out[cap] (cap > PROTO_PIN_HASH_MAX suffices). INVALID_ARG, CRYPTO. */
int proto_pin_hash(const char *pin, char *out, size_t cap);
/* The same with given parameters and salt (16 bytes): tests and the worked example. */
int proto_pin_hash_with(const char *pin, unsigned log2n, unsigned r, unsigned p,
                        const uint8_t salt[16], char *out, size_t cap);
/* 1 when pin matches hash, 0 when not (constant-time compare), MALFORMED for a hash not
 * of the form above or out of its bounds, CRYPTO when scrypt fails. */
int proto_pin_verify(const char *hash, const char *pin);
/* MALFORMED unless hash has the form and bounds above. */
int proto_pin_hash_check(const char *hash);

#ifdef __cplusplus
}
#endif
#endif /* PROTO_ROSTER_H */
