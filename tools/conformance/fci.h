/*
 * yhconform's walker of what a card answers: BER-TLV (docs/card-spec.md 4.1) and the
 * FCI of SELECT (4.5), apart from the tool's PC/SC code so that a fuzz target
 * (tests/fuzz/fuzz_conform_fci.c) can feed it anything a card might send.
 *
 * Everything points into the caller's buffer; nothing is allocated or copied except
 * the serial. Bounded: a cursor and the bytes left, lengths checked before advancing.
 */
#ifndef CONFORM_FCI_H
#define CONFORM_FCI_H

#include <stddef.h>
#include <stdint.h>

struct conform_tlv {
  unsigned tag;       /* 1 or 2 bytes, as on the wire */
  const uint8_t *v;   /* the value */
  size_t len;
  const uint8_t *raw; /* tag, length and value */
  size_t raw_len;
};

/* One BER-TLV at *p with *left bytes (tags of 1 or 2 bytes, lengths up to 82 xx xx).
 * 0 and the cursor past it, or -1 (truncated, or a length form we do not take) with
 * the cursor unchanged. */
int conform_tlv_next(const uint8_t **p, size_t *left, struct conform_tlv *t);

/* What the FCI walk found, each flag for one line of the report. */
struct conform_fci {
  int one_6f;             /* one 6F template and nothing after it */
  int aid_first;          /* 84 with the application's AID, first in 6F */
  int lcs_second;         /* 8A of one byte, second */
  uint8_t lcs;            /* its value (0 when absent) */
  int a5_present;         /* something follows 8A */
  int a5_last;            /* ... and it is A5, the last object in 6F */
  int a5_order;           /* in A5: C1 (8 bytes) then E0, each at most once, nothing else */
  struct conform_tlv aid, lcs_tlv, a5;
  uint8_t serial[8];
  int have_serial;
  const uint8_t *e0; /* the E0 signed container (tag, length, value), or NULL */
  size_t e0_len;
};

/* Walk an FCI (4.5). Always fills *out (flags 0 for what was not reached). */
void conform_fci_walk(const uint8_t *fci, size_t len, struct conform_fci *out);

/* E0 { E1 record, 5F37 signature (64) } and nothing else (4.2): 0 and both TLVs, or -1. */
int conform_e0_split(const uint8_t *e0, size_t len, struct conform_tlv *e1,
                     struct conform_tlv *sig);

#endif
