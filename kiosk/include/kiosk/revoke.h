/*
 * kiosk revocation index: card numbers (and generations) that no longer carry the
 * exemptions: lost and reissued cards, altered or lent cards (Rules 三(五), 三(六)).
 *
 * The centre publishes the list, versioned and signed (ECDSA P-256 with SHA-256), either
 * as a full SNAPSHOT or as a DELTA on a base version. The binary format ("YHRL") and its
 * codec are proto's (proto/revlist.h, docs/proto.md); this module is the terminal's side:
 * it applies verified blobs to an in-memory index, keeps them on disk, and answers
 * lookups. The kiosk_revkey_* and kiosk_revlist_write_* functions are proto's key helper
 * and encoder under kiosk's error codes, for the program's tools and the tests.
 *
 * Entries: (card number, generation, kind) where kind is EXACT (that generation only) or
 * BELOW (every generation < the given one: "all cards before the reissue").
 *
 * The terminal keeps the list in memory as a sorted array of proto's packed records and
 * looks up through a hash index (binary search when it could not be allocated): an
 * entry is 24 bytes (23 MB for 1,000,000 entries). On disk it keeps a "bundle" file:
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
#include "proto/key.h"
#include "proto/revlist.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The centre's revocation-signing public key, inside the trust store directory. */
#define KIOSK_TRUST_REVOCATION_KEY "revocation-signer.pub.pem"

#define KIOSK_REVLIST_MAGIC PROTO_REVLIST_MAGIC
#define KIOSK_REVLIST_FORMAT PROTO_REVLIST_FORMAT
#define KIOSK_REVLIST_HEADER_LEN PROTO_REVLIST_HEADER_LEN
#define KIOSK_REVLIST_ENTRY_LEN PROTO_REVLIST_ENTRY_LEN
#define KIOSK_REVLIST_MAX_ENTRIES PROTO_REVLIST_MAX_ENTRIES
#define KIOSK_REVLIST_SIG_MAX PROTO_REVLIST_SIG_MAX
/* Largest bundle file accepted: a full snapshot plus room for deltas. */
#define KIOSK_REVLIST_FILE_MAX (256u * 1024u * 1024u)

enum kiosk_rev_kind {
  KIOSK_REV_EXACT = PROTO_REV_EXACT, /* this generation of this card */
  KIOSK_REV_BELOW = PROTO_REV_BELOW, /* every generation < entry.generation of this card */
};

/* Entries, changes, headers and keys are proto's types (proto/revlist.h, proto/key.h):
 * kiosk keeps the in-memory index and wraps the codec with its own error enum. */

/* ------------------------------------------------------------------- keys -- */

struct proto_key;

/* Load a PEM public key (SubjectPublicKeyInfo) or private key (PKCS#8 or EC); it must
 * be EC P-256. Errors: NOT_FOUND, IO, CRYPTO (not P-256 / unreadable). */
int kiosk_revkey_load_public(const char *path, struct proto_key **out, struct kiosk_diag *d);
int kiosk_revkey_load_private(const char *path, struct proto_key **out, struct kiosk_diag *d);
/* Load "<trust_dir>/revocation-signer.pub.pem". */
int kiosk_revkey_load_trust(const char *trust_dir, struct proto_key **out,
                            struct kiosk_diag *d);
/* A new P-256 key pair (tests, benchmarks, the centre's tooling). */
int kiosk_revkey_generate(struct proto_key **out);
/* Write the public key (SubjectPublicKeyInfo, PEM; replaces the file). Errors: IO,
 * CRYPTO, INVALID_ARG. */
int kiosk_revkey_write_public(const struct proto_key *key, const char *path);
/* Write the private key (PKCS#8, PEM) to a NEW file: created with open(O_CREAT | O_EXCL,
 * 0600), never truncating or replacing anything. Errors: EXISTS (path exists, a symlink
 * included: nothing written), IO, CRYPTO (a failed write removes the file it created),
 * INVALID_ARG (no private half). */
int kiosk_revkey_write_private(const struct proto_key *key, const char *path);
void kiosk_revkey_destroy(struct proto_key *key);

/* ----------------------------------------------------------------- writer -- */

/*
 * Encode and sign a snapshot. Entries are copied and sorted; duplicates, a card number
 * that fails common_cardno_valid(), BELOW 0 or an unknown kind are INVALID_ARG. version >= 1.
 * *out is malloc'd (free it). key must be a private key.
 */
int kiosk_revlist_write_snapshot(const struct proto_rev_entry *entries, size_t n,
                                 uint64_t version, int64_t issued_at,
                                 const struct proto_key *key, uint8_t **out, size_t *out_len);
/* Encode and sign a delta from base_version to version (> base_version >= 1). */
int kiosk_revlist_write_delta(const struct proto_rev_change *changes, size_t n,
                              uint64_t base_version, uint64_t version, int64_t issued_at,
                              const struct proto_key *key, uint8_t **out, size_t *out_len);

/* ----------------------------------------------------------------- reader -- */

/* Read and check a blob's header and length (not the signature) at the start of buf.
 * Errors: FORMAT, TOO_LARGE. */
int kiosk_revlist_peek(const uint8_t *buf, size_t len, struct proto_revlist_header *out);

/* Verify one blob (structure, order and signature) without applying it; fuzz entry. */
int kiosk_revlist_verify(const uint8_t *buf, size_t len, const struct proto_key *key,
                         struct proto_revlist_header *hdr, struct kiosk_diag *d);

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
                        const struct proto_key *key, struct kiosk_diag *d);

/*
 * Load a bundle file (snapshot + deltas) into an EMPTY list. A missing file is
 * NOT_FOUND (the list stays empty). Any bad blob fails the whole load.
 */
int kiosk_revlist_load(struct kiosk_revlist *rl, const char *path,
                       const struct proto_key *key, struct kiosk_diag *d);

/*
 * Rollback guard: the highest version ever accepted is kept in <path>.hwm (one decimal
 * number and a newline), outside the bundle. kiosk_revlist_load refuses a bundle older
 * than it (NOT_NEWER, the list stays empty; a malformed record is FORMAT) and
 * kiosk_revlist_commit refuses an older snapshot even when the list in memory is empty,
 * and raises the record after writing the bundle. kiosk_revlist_remember raises the
 * record to the list's current version (the terminal calls it after a load at start, so
 * a terminal that had no record gets one); it never lowers it. IO on a failed write.
 */
int kiosk_revlist_remember(const struct kiosk_revlist *rl, const char *path,
                           struct kiosk_diag *d);

/*
 * Apply a blob and persist it in the bundle file at path (a snapshot replaces the
 * file; a delta is added to it), durably: written to path.tmp, fsync'd, renamed, the
 * directory fsync'd. The in-memory list changes only when the file was written.
 * The sync engineer's apply_revocations callback is this function.
 */
int kiosk_revlist_commit(struct kiosk_revlist *rl, const char *path, const uint8_t *buf,
                         size_t len, const struct proto_key *key, struct kiosk_diag *d);

/* Is this card revoked? Fills status (NO_LIST when version 0), issued_at and version. */
void kiosk_revlist_lookup(const struct kiosk_revlist *rl, const char *card_no,
                          uint32_t generation, struct kiosk_rev_lookup *out);

uint64_t kiosk_revlist_version(const struct kiosk_revlist *rl);
int64_t kiosk_revlist_issued_at(const struct kiosk_revlist *rl);
size_t kiosk_revlist_count(const struct kiosk_revlist *rl);
/* Entry i in sorted order (i < count), for listing. */
int kiosk_revlist_entry(const struct kiosk_revlist *rl, size_t i, struct proto_rev_entry *out);
/* Bytes of memory held by the index. */
size_t kiosk_revlist_memory(const struct kiosk_revlist *rl);

#ifdef __cplusplus
}
#endif
#endif /* KIOSK_REVOKE_H */
