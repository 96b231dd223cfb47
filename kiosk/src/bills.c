/* The waived bills of one terminal (kiosk/bills.h). */
#include <stdlib.h>
#include <string.h>

#include "kiosk/bills.h"
#include "kiosk/decide.h"

/* Open addressing, linear probing. seq 0 is an empty slot, TOMB a removed one (the
 * probe goes on past it). */
#define TOMB UINT64_MAX

struct slot {
  uint64_t h, seq;
  int64_t time;
};

struct kiosk_bills {
  struct slot *s;
  size_t cap, used, live; /* used counts tombstones too */
};

/* FNV-1a over site, a NUL, bill: stable and good enough, since a hit is confirmed. */
static uint64_t key_hash(const char *site, const char *bill)
{
  uint64_t h = UINT64_C(1469598103934665603);
  for (const unsigned char *p = (const unsigned char *)site; *p; p++)
    h = (h ^ *p) * UINT64_C(1099511628211);
  h *= UINT64_C(1099511628211);
  for (const unsigned char *p = (const unsigned char *)bill; *p; p++)
    h = (h ^ *p) * UINT64_C(1099511628211);
  return h;
}

int kiosk_bills_is_waiver(const struct proto_event *e)
{
  return e->mode == KIOSK_MODE_CASHIER && e->verdict == KIOSK_VERDICT_GRANT &&
         (e->kind == KIOSK_EVENT_DECISION || e->kind == KIOSK_EVENT_OVERRIDE) &&
         e->bill_ref[0] != '\0';
}

static int grow(struct kiosk_bills *b)
{
  size_t cap = b->cap ? b->cap * 2 : 1024;
  if (b->live * 4 < b->cap)
    cap = b->cap; /* mostly tombstones: rehash in place */
  struct slot *n = calloc(cap, sizeof *n);
  if (!n)
    return KIOSK_E_NO_MEMORY;
  for (size_t i = 0; i < b->cap; i++) {
    if (b->s[i].seq == 0 || b->s[i].seq == TOMB)
      continue;
    size_t k = (size_t)(b->s[i].h & (cap - 1));
    while (n[k].seq)
      k = (k + 1) & (cap - 1);
    n[k] = b->s[i];
  }
  free(b->s);
  b->s = n;
  b->cap = cap;
  b->used = b->live;
  return KIOSK_OK;
}

static int add(struct kiosk_bills *b, uint64_t h, uint64_t seq, int64_t time)
{
  if ((b->used + 1) * 10 > b->cap * 7 && grow(b) != KIOSK_OK)
    return KIOSK_E_NO_MEMORY;
  size_t k = (size_t)(h & (b->cap - 1));
  while (b->s[k].seq && b->s[k].seq != TOMB)
    k = (k + 1) & (b->cap - 1);
  if (b->s[k].seq == 0)
    b->used++;
  b->s[k] = (struct slot){h, seq, time};
  b->live++;
  return KIOSK_OK;
}

/* Remove the entry of waiver seq (hash h), if present. */
static void drop(struct kiosk_bills *b, uint64_t h, uint64_t seq)
{
  if (!b->cap)
    return;
  for (size_t k = (size_t)(h & (b->cap - 1)); b->s[k].seq; k = (k + 1) & (b->cap - 1))
    if (b->s[k].seq == seq && b->s[k].h == h) {
      b->s[k].seq = TOMB;
      b->live--;
      return;
    }
}

int kiosk_bills_note(struct kiosk_bills *b, struct kiosk_journal *j, const struct proto_event *ev)
{
  if (!b || !ev)
    return KIOSK_E_INVALID_ARG;
  if (kiosk_bills_is_waiver(ev))
    return add(b, key_hash(ev->site, ev->bill_ref), ev->seq, ev->time);
  if (ev->kind == KIOSK_EVENT_VOID) {
    /* The waiver named is the journal's row: its site and bill make the key. */
    struct proto_event w;
    uint64_t ref = proto_event_ref_seq(ev);
    if (ref && j && kiosk_journal_get(j, ref, &w) == KIOSK_OK && kiosk_bills_is_waiver(&w))
      drop(b, key_hash(w.site, w.bill_ref), ref);
  }
  return KIOSK_OK;
}

struct build_ctx {
  struct kiosk_bills *b;
  struct kiosk_journal *j;
};

static int build_one(const struct proto_event *ev, void *user)
{
  struct build_ctx *c = user;
  return kiosk_bills_note(c->b, c->j, ev) == KIOSK_OK ? 0 : KIOSK_E_NO_MEMORY;
}

int kiosk_bills_build(struct kiosk_journal *j, struct kiosk_bills **out)
{
  *out = NULL;
  struct kiosk_bills *b = calloc(1, sizeof *b);
  if (!b)
    return KIOSK_E_NO_MEMORY;
  struct build_ctx c = {b, j};
  int rc = j ? kiosk_journal_read(j, 1, 0, build_one, &c) : KIOSK_OK;
  if (rc != KIOSK_OK) {
    kiosk_bills_destroy(b);
    return rc;
  }
  *out = b;
  return KIOSK_OK;
}

void kiosk_bills_destroy(struct kiosk_bills *b)
{
  if (!b)
    return;
  free(b->s);
  free(b);
}

int kiosk_bills_find(struct kiosk_bills *b, struct kiosk_journal *j, const char *site,
                     const char *bill, uint64_t *seq, int64_t *time)
{
  if (!b || !b->cap || !site || !bill || !bill[0])
    return KIOSK_E_NOT_FOUND;
  uint64_t h = key_hash(site, bill);
  for (size_t k = (size_t)(h & (b->cap - 1)); b->s[k].seq; k = (k + 1) & (b->cap - 1)) {
    if (b->s[k].seq == TOMB || b->s[k].h != h)
      continue;
    /* Confirm on the row itself: a collision must never refuse a bill. Without the
     * journal the hash alone answers (2^-64 per pair). */
    struct proto_event w;
    if (j && (kiosk_journal_get(j, b->s[k].seq, &w) != KIOSK_OK || strcmp(w.site, site) != 0 ||
              strcmp(w.bill_ref, bill) != 0))
      continue;
    *seq = b->s[k].seq;
    *time = b->s[k].time;
    return KIOSK_OK;
  }
  return KIOSK_E_NOT_FOUND;
}

size_t kiosk_bills_count(const struct kiosk_bills *b)
{
  return b ? b->live : 0;
}
