/*
 * kiosk revocation list: card numbers (and generations) that no longer carry the
 * exemptions: lost and reissued cards, altered or lent cards (Rules 三(五), 三(六)).
 *
 * The centre publishes the list, versioned and signed (ECDSA P-256 with SHA-256), either
 * as a full SNAPSHOT or as a DELTA on a base version. The binary format ("YHRL") is in
 * docs/kiosk.md, "Revocation list format"; this module has both the reader (terminal)
 * and the writer (centre), so both sides share one codec.
 *
 * Entries: (card number, generation, kind) where kind is EXACT (that generation only) or
 * BELOW (every generation < the given one: "all cards before the reissue").
 *
 * The terminal keeps the list in memory as a sorted array and looks up by binary search:
 * a card number is packed losslessly into two 64-bit words (base 38, 10 characters a
 * word, order-preserving), so an entry is 24 bytes (23 MB for 1,000,000 entries). On disk it keeps a "bundle" file:
 * the last snapshot followed by the deltas applied since, each still signed, so the
 * file is verified again on every start. The centre's public key lives in the trust
 * store as KIOSK_TRUST_REVOCATION_KEY ("revocation-signer.pub.pem", PEM SubjectPublicKeyInfo).
 *
 * Threads: a kiosk_revlist may be shared by the decision thread (lookups) and the sync
 * thread (apply/commit). Lookups take a read lock; an apply builds the new version
 * outside it (appliers are serialised among themselves) and swaps it in under the write
 * lock, so a lookup never waits longer than a pointer swap, not even during a
 * 1,000,000-entry snapshot.
 */
#ifndef KIOSK_REVOKE_H
#define KIOSK_REVOKE_H

#include "kiosk/decide.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The centre's revocation-signing public key, inside the trust store directory. */
#define KIOSK_TRUST_REVOCATION_KEY "revocation-signer.pub.pem"

#define KIOSK_REVLIST_MAGIC "YHRL"
#define KIOSK_REVLIST_FORMAT 1u
#define KIOSK_REVLIST_HEADER_LEN 36u
#define KIOSK_REVLIST_ENTRY_LEN 25u /* op, card number (20, NUL-padded), generation */
#define KIOSK_REVLIST_MAX_ENTRIES 8000000u
#define KIOSK_REVLIST_SIG_MAX 80u
/* Largest bundle file accepted: a full snapshot plus room for deltas. */
#define KIOSK_REVLIST_FILE_MAX (256u * 1024u * 1024u)

enum kiosk_revlist_type { KIOSK_REVLIST_SNAPSHOT = 1, KIOSK_REVLIST_DELTA = 2 };

enum kiosk_rev_kind {
  KIOSK_REV_EXACT = 1, /* this generation of this card */
  KIOSK_REV_BELOW = 2, /* every generation < entry.generation of this card */
};

struct kiosk_rev_entry {
  char card_no[KIOSK_CARD_NO_MAX + 1]; /* kiosk_card_no_valid() */
  uint32_t generation; /* EXACT: the generation (0 = first card); BELOW: >= 1 */
  uint8_t kind;        /* enum kiosk_rev_kind */
};

/* One change of a delta. */
struct kiosk_rev_change {
  int remove; /* 0: add the entry; 1: remove it */
  struct kiosk_rev_entry entry;
};

/* A blob's header, as read by kiosk_revlist_peek(). */
struct kiosk_revlist_header {
  enum kiosk_revlist_type type;
  uint64_t version;
  uint64_t base_version; /* 0 for a snapshot */
  int64_t issued_at;
  uint32_t count;
  size_t total_len; /* bytes of this blob, signature included */
};

/* ------------------------------------------------------------------- keys -- */

struct kiosk_revkey;

/* Load a PEM public key (SubjectPublicKeyInfo) or private key (PKCS#8 or EC); it must
 * be EC P-256. Errors: NOT_FOUND, IO, CRYPTO (not P-256 / unreadable). */
int kiosk_revkey_load_public(const char *path, struct kiosk_revkey **out, struct kiosk_diag *d);
int kiosk_revkey_load_private(const char *path, struct kiosk_revkey **out, struct kiosk_diag *d);
/* Load "<trust_dir>/revocation-signer.pub.pem". */
int kiosk_revkey_load_trust(const char *trust_dir, struct kiosk_revkey **out,
                            struct kiosk_diag *d);
/* A new P-256 key pair (tests, benchmarks, the centre's tooling). */
int kiosk_revkey_generate(struct kiosk_revkey **out);
/* Write the public key (SubjectPublicKeyInfo, PEM; replaces the file). Errors: IO,
 * CRYPTO, INVALID_ARG. */
int kiosk_revkey_write_public(const struct kiosk_revkey *key, const char *path);
/* Write the private key (PKCS#8, PEM) to a NEW file: created with open(O_CREAT | O_EXCL,
 * 0600), never truncating or replacing anything. Errors: EXISTS (path exists, a symlink
 * included: nothing written), IO, CRYPTO (a failed write removes the file it created),
 * INVALID_ARG (no private half). */
int kiosk_revkey_write_private(const struct kiosk_revkey *key, const char *path);
void kiosk_revkey_destroy(struct kiosk_revkey *key);

/* ----------------------------------------------------------------- writer -- */

/*
 * Encode and sign a snapshot. Entries are copied and sorted; duplicates, a card number
 * that fails kiosk_card_no_valid(), BELOW 0 or an unknown kind are INVALID_ARG. version >= 1.
 * *out is malloc'd (free it). key must be a private key.
 */
int kiosk_revlist_write_snapshot(const struct kiosk_rev_entry *entries, size_t n,
                                 uint64_t version, int64_t issued_at,
                                 const struct kiosk_revkey *key, uint8_t **out, size_t *out_len);
/* Encode and sign a delta from base_version to version (> base_version >= 1). */
int kiosk_revlist_write_delta(const struct kiosk_rev_change *changes, size_t n,
                              uint64_t base_version, uint64_t version, int64_t issued_at,
                              const struct kiosk_revkey *key, uint8_t **out, size_t *out_len);

/* ----------------------------------------------------------------- reader -- */

/* Read and check a blob's header and length (not the signature) at the start of buf.
 * Errors: FORMAT, TOO_LARGE. */
int kiosk_revlist_peek(const uint8_t *buf, size_t len, struct kiosk_revlist_header *out);

/* Verify one blob (structure, order and signature) without applying it; fuzz entry. */
int kiosk_revlist_verify(const uint8_t *buf, size_t len, const struct kiosk_revkey *key,
                         struct kiosk_revlist_header *hdr, struct kiosk_diag *d);

struct kiosk_revlist;

/* An empty list (version 0: lookups answer KIOSK_REV_NO_LIST). */
int kiosk_revlist_create(struct kiosk_revlist **out);
void kiosk_revlist_destroy(struct kiosk_revlist *rl);

/*
 * Apply one signed blob (exactly len bytes): a snapshot replaces the list, a delta
 * applies to it. All or nothing: on any error the list is unchanged.
 * Errors: FORMAT (structure, order), SIGNATURE, NOT_NEWER (snapshot not newer than the
 * current version: no rollback), WRONG_BASE (delta's base != current version; diag
 * says both numbers), CONFLICT (delta adds an entry already there or removes one that
 * is not), NO_MEMORY.
 */
int kiosk_revlist_apply(struct kiosk_revlist *rl, const uint8_t *buf, size_t len,
                        const struct kiosk_revkey *key, struct kiosk_diag *d);

/*
 * Load a bundle file (snapshot + deltas) into an EMPTY list. A missing file is
 * NOT_FOUND (the list stays empty). Any bad blob fails the whole load.
 */
int kiosk_revlist_load(struct kiosk_revlist *rl, const char *path,
                       const struct kiosk_revkey *key, struct kiosk_diag *d);

/*
 * Apply a blob and persist it in the bundle file at path (a snapshot replaces the
 * file; a delta is added to it), durably: written to path.tmp, fsync'd, renamed, the
 * directory fsync'd. The in-memory list changes only when the file was written.
 * The sync engineer's apply_revocations callback is this function.
 */
int kiosk_revlist_commit(struct kiosk_revlist *rl, const char *path, const uint8_t *buf,
                         size_t len, const struct kiosk_revkey *key, struct kiosk_diag *d);

/* Is this card revoked? Fills status (NO_LIST when version 0), issued_at and version. */
void kiosk_revlist_lookup(const struct kiosk_revlist *rl, const char *card_no,
                          uint32_t generation, struct kiosk_rev_lookup *out);

uint64_t kiosk_revlist_version(const struct kiosk_revlist *rl);
int64_t kiosk_revlist_issued_at(const struct kiosk_revlist *rl);
size_t kiosk_revlist_count(const struct kiosk_revlist *rl);
/* Entry i in sorted order (i < count), for listing. */
int kiosk_revlist_entry(const struct kiosk_revlist *rl, size_t i, struct kiosk_rev_entry *out);
/* Bytes of memory held by the index. */
size_t kiosk_revlist_memory(const struct kiosk_revlist *rl);

#ifdef __cplusplus
}
#endif
#endif /* KIOSK_REVOKE_H */
