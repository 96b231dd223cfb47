/* netsync internals. */
#ifndef NETSYNC_INT_H
#define NETSYNC_INT_H

#include <stddef.h>
#include <stdint.h>

#include "netsync/netsync.h"

/* A growable buffer with a hard maximum (curl's dynbuf idea). */
struct ns_buf {
  char *data;
  size_t len, cap, max;
};
int ns_buf_add(struct ns_buf *b, const void *p, size_t n);
void ns_buf_free(struct ns_buf *b);

/* JSON body of an upload batch (docs/sync-protocol.md), gzip-compressed into out. */
int netsync_encode_batch(const struct proto_event *ev, size_t n, struct ns_buf *json,
                         struct ns_buf *out);

/* Full-jitter backoff: uniform in [0, min(cap, base * 2^(attempt-1))]. rng: state. */
uint64_t netsync_backoff_ms(unsigned attempt, unsigned base_ms, unsigned cap_ms, uint64_t *rng);

/* A bill check reply is a few hundred bytes. */
#define NETSYNC_BILL_REPLY_MAX 4096u

#endif
