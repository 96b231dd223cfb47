/*
 * proto revlist: the signed revocation list ("YHRL") the centre writes and the terminals
 * read: card numbers (and generations) that no longer carry the exemptions (Rules
 * 三(五), 三(六)). Format in docs/proto.md ("Revocation list"); this module is the codec
 * only. kiosk's revocation index (kiosk/revoke.h) holds a decoded list in memory and
 * answers lookups; the centre (centre/src/revlist.c) encodes from its store.
 *
 * A blob is a SNAPSHOT (the whole list at a version) or a DELTA (changes from a base
 * version), signed with ECDSA P-256 / SHA-256 (proto/key.h) over header and entries.
 * Entries: (card number, generation, kind), kind EXACT (that generation only) or BELOW
 * (every generation < the given one: "all cards before the reissue"), strictly ascending.
 *
 * Decoded entries come as packed records: a card number packed losslessly into two
 * 64-bit words (base 38, 10 characters a word, order-preserving), 24 bytes a record.
 * Ownership: every buffer this module returns is malloc'd and freed with free().
 */
#ifndef PROTO_REVLIST_H
#define PROTO_REVLIST_H

#include "proto/event.h"
#include "proto/key.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PROTO_REVLIST_MAGIC "YHRL"
#define PROTO_REVLIST_FORMAT 1u
#define PROTO_REVLIST_HEADER_LEN 36u
#define PROTO_REVLIST_ENTRY_LEN 25u /* op, card number (20, NUL-padded), generation */
#define PROTO_REVLIST_MAX_ENTRIES 8000000u
#define PROTO_REVLIST_SIG_MAX PROTO_SIG_MAX
/* A delta entry's op byte: kind | PROTO_REV_REMOVE marks a removal. */
#define PROTO_REV_REMOVE 0x80u

enum proto_revlist_type { PROTO_REVLIST_SNAPSHOT = 1, PROTO_REVLIST_DELTA = 2 };

enum proto_rev_kind {
  PROTO_REV_EXACT = 1, /* this generation of this card */
  PROTO_REV_BELOW = 2, /* every generation < entry.generation of this card */
};

struct proto_rev_entry {
  char card_no[PROTO_CARD_NO_MAX + 1]; /* card number shape ([0-9A-Z-]{1,20}) */
  uint32_t generation; /* EXACT: the generation (0 = first card); BELOW: >= 1 */
  uint8_t kind;        /* enum proto_rev_kind */
};

/* One change of a delta. */
struct proto_rev_change {
  int remove; /* 0: add the entry; 1: remove it */
  struct proto_rev_entry entry;
};

/* A blob's header. */
struct proto_revlist_header {
  enum proto_revlist_type type;
  uint64_t version;
  uint64_t base_version; /* 0 for a snapshot */
  int64_t issued_at;
  uint32_t count;
  size_t total_len; /* bytes of this blob, signature included */
};

/* A decoded entry: (hi, lo) is the packed card number; kind is the op byte (a delta's
 * removals carry PROTO_REV_REMOVE). Ordered by proto_rev_rec_cmp. */
struct proto_rev_rec {
  uint64_t hi, lo;
  uint32_t gen;
  uint32_t kind;
};

/* Pack a card number (a C string); 1 when it is a valid card number, else 0. */
int proto_rev_card_pack(const char *card_no, uint64_t *hi, uint64_t *lo);
/* The card number of a packed key (NUL-terminated, 21 bytes). */
void proto_rev_card_unpack(uint64_t hi, uint64_t lo, char out[PROTO_CARD_NO_MAX + 1]);
/* Order of records: card, generation, kind; -1, 0 or 1. */
int proto_rev_rec_cmp(const struct proto_rev_rec *a, const struct proto_rev_rec *b);
/* Memory for large record arrays (2 MB aligned, transparent huge pages requested, so a
 * random lookup costs few TLB misses); free() it. NULL when out of memory. */
void *proto_rev_alloc(size_t bytes);

/* Read and check a blob's header and length (not the signature) at the start of buf.
 * FORMAT, TOO_LARGE (more than PROTO_REVLIST_MAX_ENTRIES), INVALID_ARG. */
int proto_revlist_peek(const uint8_t *buf, size_t len, struct proto_revlist_header *out);

/*
 * Decode one blob of exactly len bytes: header, length, signature under key, every
 * entry valid, strictly ascending (a delta touches a key once). On success *recs holds
 * hdr->count records (proto_rev_alloc'd; NULL for none). FORMAT, TOO_LARGE, SIGNATURE,
 * NO_MEMORY, INVALID_ARG (no key); a reason in why[cap] (never the entries).
 */
int proto_revlist_decode(const uint8_t *buf, size_t len, const struct proto_key *key,
                         struct proto_revlist_header *hdr, struct proto_rev_rec **recs,
                         char *why, size_t cap);

/*
 * Encode and sign a snapshot. Entries are copied and sorted; duplicates, a malformed
 * card number, BELOW 0 or an unknown kind are INVALID_ARG. version >= 1; key must be
 * private. *out is malloc'd. INVALID_ARG, NO_MEMORY, CRYPTO.
 */
int proto_revlist_encode_snapshot(const struct proto_rev_entry *entries, size_t n,
                                  uint64_t version, int64_t issued_at,
                                  const struct proto_key *key, uint8_t **out, size_t *out_len);
/* Encode and sign a delta from base_version to version (> base_version >= 1). */
int proto_revlist_encode_delta(const struct proto_rev_change *changes, size_t n,
                               uint64_t base_version, uint64_t version, int64_t issued_at,
                               const struct proto_key *key, uint8_t **out, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif /* PROTO_REVLIST_H */
