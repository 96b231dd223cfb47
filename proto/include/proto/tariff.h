/*
 * proto tariff: a hospital's tariff, the document the centre signs (centre/src/tariff.c
 * writes it) and the cashier terminals enforce (docs/sync-protocol.md, "Tariff document").
 * One strict, bounded parser so the writer and every reader agree on what a fee is.
 *
 * Grammar (common's INI dialect: '#' comments, sections, no empty values, no duplicate
 * keys; at most PROTO_TARIFF_DOC_MAX bytes):
 *
 *   [tariff]                        first section, exactly once
 *   format  = yh-tariff/1
 *   site    = <site id>             token, not ID-shaped
 *   version = <1..2^53>
 *   issued  = YYYY-MM-DD
 *   [item.N]                        N = 1, 2, 3 ... in order, at most PROTO_TARIFF_ITEMS_MAX
 *   visit   = outpatient | inpatient | emergency
 *   fee_fen = 1..PROTO_TARIFF_FEE_MAX
 *   from    = YYYY-MM-DD            first day it applies (China time)
 *   to      = YYYY-MM-DD            optional, last day (>= from); absent: open-ended
 *
 * Every key of a section is required except `to`; unknown sections and keys are errors
 * (a newer format gets a new format name). Two items of one visit kind whose periods
 * overlap are an error: on any day a visit kind has at most one fee.
 *
 * Ownership: the parsed tariff is a plain struct filled by the caller's storage (no
 * allocation kept). No threads, no logging; error texts never quote the input.
 */
#ifndef PROTO_TARIFF_H
#define PROTO_TARIFF_H

#include "proto/proto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define PROTO_TARIFF_DOC_MAX (16u * 1024u)
#define PROTO_TARIFF_ITEMS_MAX 64u
#define PROTO_TARIFF_FEE_MAX 100000 /* fen: 1,000 yuan, far above any 诊查费 */
#define PROTO_TARIFF_SITE_MAX 63u
#define PROTO_TARIFF_FORMAT "yh-tariff/1"
#define PROTO_TARIFF_OPEN_END INT32_MAX /* to_day of an item without `to` */

struct proto_tariff_item {
  int visit;        /* enum proto_visit */
  int64_t fee_fen;  /* 1..PROTO_TARIFF_FEE_MAX */
  int32_t from_day; /* days since 1970-01-01, China time, inclusive */
  int32_t to_day;   /* inclusive; PROTO_TARIFF_OPEN_END when open-ended */
};

struct proto_tariff {
  char site[PROTO_TARIFF_SITE_MAX + 1];
  uint64_t version;
  int32_t issued_day;
  size_t count;
  struct proto_tariff_item item[PROTO_TARIFF_ITEMS_MAX];
};

/*
 * Parse buf[0..len) (need not be NUL-terminated) into *out. PROTO_OK, or MALFORMED /
 * TOO_LARGE / INVALID_ARG with why (may be NULL) saying which line and what, never
 * quoting the input; *out is zeroed on failure.
 */
int proto_tariff_parse(const char *buf, size_t len, struct proto_tariff *out, char *why,
                       size_t why_cap);

/* The item in force for visit on day (days since 1970-01-01, China time); NULL when the
 * visit kind has none that day (no tariff: never waived at a default amount). */
const struct proto_tariff_item *proto_tariff_find(const struct proto_tariff *t, int visit,
                                                  int32_t day);

#ifdef __cplusplus
}
#endif
#endif /* PROTO_TARIFF_H */
