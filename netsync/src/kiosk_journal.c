/* netsync's journal operations over kiosk's journal (kiosk/journal.h). */
#include <string.h>

#include "netsync_int.h"

struct collect {
  struct proto_event *out;
  size_t max, n;
};

static int collect_one(const struct proto_event *ev, void *user)
{
  struct collect *c = user;
  c->out[c->n++] = *ev;
  return c->n < c->max ? 0 : 1; /* 1: enough, stop */
}

static int kj_read(void *ctx, uint64_t from, struct proto_event *out, size_t max, size_t *n)
{
  struct collect c = {out, max, 0};
  int rc;
  *n = 0;
  if (max == 0)
    return 0;
  rc = kiosk_journal_read(ctx, from, 0, collect_one, &c);
  *n = c.n;
  return rc == KIOSK_OK || rc == 1 ? 0 : -1;
}

static int kj_acked(void *ctx, uint64_t *seq)
{
  return kiosk_journal_acked(ctx, seq) == KIOSK_OK ? 0 : -1;
}

static int kj_set_acked(void *ctx, uint64_t seq)
{
  return kiosk_journal_set_acked(ctx, seq) == KIOSK_OK ? 0 : -1;
}

static int kj_last(void *ctx, uint64_t *seq)
{
  return kiosk_journal_last_seq(ctx, seq) == KIOSK_OK ? 0 : -1;
}

const struct netsync_journal_ops netsync_kiosk_journal_ops = {kj_read, kj_acked, kj_set_acked,
                                                              kj_last};
