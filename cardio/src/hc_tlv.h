/*
 * BER-TLV (ISO 7816-4 section 6.3 / X.690) reader and writer for the honour card and
 * the social security card. Private to cardio (tests include it directly).
 *
 * The reader is strict, as fits a signed format: tags of 1 to 3 bytes in their
 * shortest form, definite lengths of 1 to 4 bytes (81, 82, 83) in their shortest form,
 * no 00/FF padding. Every read checks the length against the bytes left before
 * advancing.
 */
#ifndef CARDIO_HC_TLV_H
#define CARDIO_HC_TLV_H

#include <stddef.h>
#include <stdint.h>

/* Longest value the reader accepts (83 xx xx xx): anything larger is MALFORMED. */
#define HC_TLV_LEN_MAX 0xFFFFFFu

struct hc_tlv_cursor {
  const uint8_t *p;
  size_t left;
};

struct hc_tlv {
  uint32_t tag;        /* the tag bytes big-endian: 0x84, 0x5F37, 0x7F49 */
  int constructed;     /* bit 6 of the first tag byte */
  const uint8_t *value;
  size_t len;
  const uint8_t *raw;  /* the whole TLV, tag to end of value */
  size_t raw_len;
};

void hc_tlv_cursor_init(struct hc_tlv_cursor *c, const uint8_t *buf, size_t len);
/* The next TLV: CARDIO_OK; CARDIO_E_NOT_FOUND at the end (left == 0);
 * HC_TLV_TRUNCATED (positive) when a tag, length or value runs past the bytes left, so
 * that callers can tell a cut record from garbage; CARDIO_E_MALFORMED otherwise.
 * On failure the cursor does not move. */
#define HC_TLV_TRUNCATED 1
int hc_tlv_next(struct hc_tlv_cursor *c, struct hc_tlv *out);
/* Find the first TLV with this tag among the siblings in buf. CARDIO_OK,
 * CARDIO_E_NOT_FOUND, or the error of a malformed sibling before it. */
int hc_tlv_find(const uint8_t *buf, size_t len, uint32_t tag, struct hc_tlv *out);

/* Writer into a caller buffer; the first failure sticks (err) and later calls do
 * nothing, so that a sequence of puts is checked once at the end. */
struct hc_tlv_writer {
  uint8_t *buf;
  size_t len, cap;
  int err; /* 0 or CARDIO_E_BUFFER_TOO_SMALL / CARDIO_E_INVALID_ARG */
};

void hc_tlv_writer_init(struct hc_tlv_writer *w, uint8_t *buf, size_t cap);
void hc_tlv_put(struct hc_tlv_writer *w, uint32_t tag, const void *value, size_t len);
void hc_tlv_put_u8(struct hc_tlv_writer *w, uint32_t tag, uint8_t v);
/* Open a constructed TLV; returns a mark for hc_tlv_close, which writes the length
 * in its shortest form (moving the content when needed). */
size_t hc_tlv_open(struct hc_tlv_writer *w, uint32_t tag);
void hc_tlv_close(struct hc_tlv_writer *w, size_t mark);

#endif
