/*
 * kiosk tariff: the hospital's tariff in force at one cashier terminal (issue 12). The
 * document is the centre's, signed and parsed by proto (proto/tariff.h); this holder
 * checks it is this site's and newer, keeps the one in force, and answers "the fee for
 * this visit kind today". The engine waives exactly that fee (kiosk/decide.h).
 *
 * The file form is the document's content as the centre serves it (its version inside):
 * <journal>.tariff, written by the program when a newer one arrives (terminal/docs_apply.c)
 * and read at start by kiosk_terminal_open; `kiosk decide --tariff FILE` reads the same.
 *
 * Threads: every function is safe from any thread (the sync worker puts a new tariff in
 * force while the decision thread reads fees). The holder is owned by its terminal.
 */
#ifndef KIOSK_TARIFF_H
#define KIOSK_TARIFF_H

#include "kiosk/kiosk.h"
#include "proto/tariff.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kiosk_tariff;

int kiosk_tariff_create(struct kiosk_tariff **out);
void kiosk_tariff_destroy(struct kiosk_tariff *h); /* NULL accepted */

/* Parse content (proto_tariff_parse) and check it is site's. KIOSK_OK with *out filled;
 * FORMAT (malformed, why says where) or CONFIG (another site's). */
int kiosk_tariff_check(const char *content, size_t len, const char *site,
                       struct proto_tariff *out, char *why, size_t why_cap);

/* Put a checked tariff in force (copied). NOT_NEWER when its version is not above the
 * one held (the one held stays). */
int kiosk_tariff_set(struct kiosk_tariff *h, const struct proto_tariff *t);

/* Read a tariff file (at most PROTO_TARIFF_DOC_MAX bytes), check it is site's and put it
 * in force. NOT_FOUND when there is no file; IO, TOO_LARGE, FORMAT, CONFIG with diag. */
int kiosk_tariff_load_file(struct kiosk_tariff *h, const char *path, const char *site,
                           struct kiosk_diag *diag);

/* The version in force (0: none). */
uint64_t kiosk_tariff_version(struct kiosk_tariff *h);

/* The fee for visit (enum kiosk_visit) on local day (days since 1970-01-01, China time):
 * KIOSK_OK with *fee_fen (and *version, may be NULL), or NOT_FOUND when no tariff is in
 * force or it has no item for that visit kind that day. */
int kiosk_tariff_fee(struct kiosk_tariff *h, int visit, int32_t day, int64_t *fee_fen,
                     uint64_t *version);

#ifdef __cplusplus
}
#endif
#endif /* KIOSK_TARIFF_H */
