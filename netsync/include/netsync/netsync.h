/*
 * netsync: the terminal's sync client. It uploads the audit journal to the centre,
 * fetches revocation lists, configuration and trust-store updates, and reports the
 * terminal's status (docs/netsync.md, docs/sync-protocol.md).
 *
 * It runs off the card and UI path: netsync_start() spawns one worker thread that does
 * all network I/O; the card/decision thread only calls netsync_kick() (after a journal
 * append) and netsync_get_status() (for the screen), which never block on the network.
 *
 * It reads the journal through a narrow table of operations (struct
 * netsync_journal_ops) so that it needs only four things of kiosk's journal: read
 * events from a seq, the acknowledged-through mark, set that mark, the last seq. It
 * never deletes or skips an unsent event: the mark only moves to what the centre has
 * acknowledged in a signed receipt, so a restart resumes from the mark.
 *
 * Every request carries the terminal's health for the centre's operations page: the
 * revocation list version in force (Yh-Revlist-Version, from the sink's
 * revocation_version) and the terminal's wall clock (Yh-Terminal-Time, Unix seconds).
 *
 * Ownership: netsync_create() copies the configuration strings; the journal and sink
 * contexts stay the caller's and must outlive the netsync object. Functions return enum
 * netsync_err: NETSYNC_OK (0) or a negative code.
 */
#ifndef NETSYNC_NETSYNC_H
#define NETSYNC_NETSYNC_H

#include <stddef.h>
#include <stdint.h>

#include "kiosk/journal.h"
#include "proto/event.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NETSYNC_ERRNO_MAP(X)                                                        \
  X(OK, 0, "success")                                                               \
  X(INVALID_ARG, -1, "invalid argument")                                            \
  X(NO_MEMORY, -2, "out of memory")                                                 \
  X(IO, -3, "file input/output error")                                              \
  X(NET, -4, "cannot reach the centre (connect, TLS or timeout)")                   \
  X(TLS, -5, "TLS failure: the centre's certificate or ours was refused")           \
  X(REFUSED, -6, "the centre refused this terminal (403)")                          \
  X(GAP, -7, "the centre expects an earlier seq (409 gap)")                         \
  X(REJECTED, -8, "the centre rejected the batch (chain, hash, conflict or format)") \
  X(SERVER, -9, "the centre had an error; retry later")                             \
  X(BAD_REPLY, -10, "malformed reply from the centre")                              \
  X(SIGNATURE, -11, "the centre's signature does not verify")                       \
  X(JOURNAL, -12, "the journal could not be read or marked")                        \
  X(SINK, -13, "applying a revocation list or document failed")                     \
  X(STOPPED, -14, "netsync is stopping")                                            \
  X(CRYPTO, -15, "cryptographic library error")

enum netsync_err {
#define NETSYNC_X_ENUM(name, value, text) NETSYNC_E_##name = (value),
  NETSYNC_ERRNO_MAP(NETSYNC_X_ENUM)
#undef NETSYNC_X_ENUM
};
#define NETSYNC_OK NETSYNC_E_OK

const char *netsync_strerror(int err);
const char *netsync_errname(int err);

/* ------------------------------------------------------------- events -- */

/* Events are the journal's events (struct proto_event, proto/event.h; kiosk's journal
 * stores them as struct proto_event, the same type), uploaded by proto's batch encoder with
 * exactly the fields the journal hashes (docs/sync-protocol.md, "Upload"): no names, no
 * citizen ID numbers. */
#define NETSYNC_HASH_HEX 64

/*
 * What netsync needs of the journal. All are called on the worker thread only (give it
 * its own database connection). Each returns 0 on success, non-zero on failure.
 *   read:      up to max events with seq >= from, in seq order, into out; *n = count
 *              (0 when none).
 *   acked:     the acknowledged-through seq (0 when nothing acknowledged yet).
 *   set_acked: store a new acknowledged-through seq (durably; only ever increases).
 *   last_seq:  the newest seq in the journal (0 when empty).
 */
struct netsync_journal_ops {
  int (*read)(void *ctx, uint64_t from, struct proto_event *out, size_t max, size_t *n);
  int (*acked)(void *ctx, uint64_t *seq);
  int (*set_acked)(void *ctx, uint64_t seq);
  int (*last_seq)(void *ctx, uint64_t *seq);
};

/*
 * Where fetched documents go (all optional; NULL entries are skipped). Called on the
 * worker thread. Return 0 when applied.
 *   revocation_version: the version of the list the terminal holds (0: none).
 *   apply_revocations:  a signed list (snapshot when is_delta == 0). The receiver
 *                       (kiosk's revoke.h) verifies the list's own signature.
 *   doc_version:        the version of "config", "trust", "roster", "tariff" or "registry" held (0: none).
 *   apply_doc:          a document whose centre signature netsync has verified, with a
 *                       version newer than doc_version.
 */
/* The table for kiosk's journal: ctx is a struct kiosk_journal * that only the worker
 * uses (open a second handle on the journal file for it). */
extern const struct netsync_journal_ops netsync_kiosk_journal_ops;

struct netsync_sink_ops {
  int (*revocation_version)(void *ctx, uint64_t *version);
  int (*apply_revocations)(void *ctx, const uint8_t *list, size_t len, int is_delta);
  int (*doc_version)(void *ctx, const char *kind, uint64_t *version);
  int (*apply_doc)(void *ctx, const char *kind, uint64_t version, const char *content,
                   size_t len);
  /* Reader state for the status report ("ok", "absent", "error"); may be NULL. */
  const char *(*reader_state)(void *ctx);
};

/* Time and waiting, injectable so that tests can run hours of backoff in milliseconds.
 * now_ms: a monotonic clock. wait_ms: wait up to ms or until woken (the default sleeps
 * on the worker's condition variable; a test's version may just advance its clock). */
struct netsync_clock {
  uint64_t (*now_ms)(void *ctx);
  void *ctx;
};

struct netsync_config {
  /* The centre, or several centres tried in order, separated by spaces:
   * "https://a.example:8443 https://b.example:8443" (common/url.h; at most 8). A request
   * that cannot reach one (connect, TLS, timeout) or gets a 5xx is sent to the next at
   * once; the worker stays with the one that answered and goes back to the first after
   * failback_ms (docs/netsync.md, "Several centres"). */
  const char *url;
  const char *ca_file;          /* the project CA: the only trust anchor */
  const char *pinned_pubkey;    /* optional "sha256//base64" or a PEM/DER file */
  const char *cert_file;        /* this terminal's certificate (CN = terminal id) */
  const char *key_file;
  const char *sign_pubkey_file; /* the centre's signing key (PEM); NULL: not verified */
  const char *software;         /* version text for the status report */
  long connect_timeout_ms;      /* default 5000 */
  long total_timeout_ms;        /* per request, default 60000 */
  long low_speed_bytes;         /* abort below this many bytes/s ... default 100 */
  long low_speed_secs;          /* ... for this long, default 20 */
  unsigned batch_max;           /* events per upload, default 2000 */
  unsigned backoff_base_ms;     /* default 1000 */
  unsigned backoff_cap_ms;      /* default 300000 */
  unsigned poll_ms;             /* idle round interval (revocations, status), default 60000 */
  unsigned failback_ms;         /* on a later centre this long, then the first again; default
                                   300000, 1000..86400000 */
  /* The terminal's wall clock in seconds, sent to the centre with every request (the
   * Yh-Terminal-Time header: the centre shows the offset). NULL: time(NULL). */
  int64_t (*wall_s)(void *ctx);
  void *wall_ctx;
  const struct netsync_clock *clock; /* NULL: CLOCK_MONOTONIC and real waits */
  /* Trace lines (one per state transition, one per failed request); NULL: stderr. */
  void (*trace)(void *ctx, const char *line);
  void *trace_ctx;
};

/* The state machine (docs/netsync.md). */
#define NETSYNC_STATE_MAP(X)                                               \
  X(STOPPED, 0, "stopped")     /* not started, or stopped */               \
  X(IDLE, 1, "idle")           /* everything acknowledged; waiting */      \
  X(UPLOADING, 2, "uploading") /* sending journal batches */               \
  X(FETCHING, 3, "fetching")   /* revocations, config, trust, status */    \
  X(BACKOFF, 4, "backoff")     /* last attempt failed; waiting to retry */ \
  X(REFUSED, 5, "refused")     /* centre refused us or our data; slow retry */

enum netsync_state {
#define NETSYNC_X_STATE(name, value, text) NETSYNC_STATE_##name = (value),
  NETSYNC_STATE_MAP(NETSYNC_X_STATE)
#undef NETSYNC_X_STATE
};
const char *netsync_state_name(int state);

struct netsync_status {
  enum netsync_state state;
  int online;              /* the last request reached the centre and was answered */
  int64_t last_sync;       /* wall-clock seconds of the last acknowledged upload, 0: never */
  uint64_t queue_depth;    /* events not yet acknowledged */
  uint64_t acked_through;
  int last_error;          /* enum netsync_err of the last failure, 0 if none since */
  unsigned attempts;       /* consecutive failures */
  uint64_t next_retry_ms;  /* on the netsync clock, in BACKOFF/REFUSED */
  unsigned centre;         /* which of the configured centres is in use (0: the first) */
  unsigned failovers;      /* changes of centre since start (failover and failback) */
};

struct netsync;

/* Check the configuration, set up libcurl. Errors: INVALID_ARG, NO_MEMORY, CRYPTO (the
 * signing key file), NET (libcurl init). */
int netsync_create(const struct netsync_config *cfg, const struct netsync_journal_ops *jops,
                   void *jctx, const struct netsync_sink_ops *sops, void *sctx,
                   struct netsync **out);
/* Stops the worker if running, then frees. Accepts NULL. */
void netsync_destroy(struct netsync *ns);

/* Start the worker thread. */
int netsync_start(struct netsync *ns);
/* Ask the worker to stop and join it: an upload in flight is abandoned (its events stay
 * in the journal, unacknowledged), waits are cut short. Idempotent. */
void netsync_stop(struct netsync *ns);
/* New events in the journal: sync soon. Never blocks. */
void netsync_kick(struct netsync *ns);
/* A snapshot of the state for the UI. Never blocks on the network. */
void netsync_get_status(struct netsync *ns, struct netsync_status *out);

/* The address of centre i of the configured list (NULL past its end): for log lines and
 * status screens. The string lives as long as ns. */
const char *netsync_centre_url(const struct netsync *ns, unsigned i);

/*
 * Synchronous single steps, for tools and tests, on the caller's thread (do not mix with
 * a running worker):
 *   netsync_upload_all: upload until the journal is acknowledged or an error.
 *   netsync_fetch_revocations, netsync_fetch_doc ("config", "trust", "roster", "registry" or
 *   "tariff"), netsync_report.
 */
int netsync_upload_all(struct netsync *ns);
int netsync_fetch_revocations(struct netsync *ns);
int netsync_fetch_doc(struct netsync *ns, const char *kind);
int netsync_report(struct netsync *ns);

/*
 * Was this bill already waived at this terminal's hospital? (docs/sync-protocol.md, "Bill
 * check"; the centre answers for the site the terminal is registered at.) Safe to call
 * from the cashier's thread while the worker runs: it uses a connection of its own and
 * waits at most timeout_ms (<= 0: 2000 ms). The reply's signature is verified like a
 * receipt's. OK with *out filled; NET when the centre cannot be reached in time (the
 * terminal then decides on its local check; the centre flags a duplicate at upload),
 * REFUSED, REJECTED (a bill the centre refuses), SERVER, SIGNATURE, BAD_REPLY.
 */
struct netsync_bill_state {
  int waived;              /* 1: a waiver of this bill that is not voided exists */
  char terminal[65];       /* where and when it was granted (waived only) */
  uint64_t seq;
  int64_t time;
  int64_t amount_fen;
};
int netsync_bill_check(struct netsync *ns, const char *bill, long timeout_ms,
                       struct netsync_bill_state *out);

/* ------------------------------------------------------- reply parsing -- */

/* A receipt from the centre (docs/sync-protocol.md, "Receipt"). */
struct netsync_receipt {
  char terminal[65];
  uint64_t acked_through;
  char head_hash[NETSYNC_HASH_HEX + 1];
  int64_t received;
  char key_id[NETSYNC_HASH_HEX + 1];
};
/* Parse a receipt body (signature checked separately). BAD_REPLY when malformed. */
int netsync_parse_receipt(const char *body, size_t len, struct netsync_receipt *out);

/* Parse an error body {"error":..., "reason":..., "expected_seq"|"seq": n}. */
struct netsync_error_reply {
  char error[33];
  char reason[257];
  uint64_t expected_seq; /* 0 when absent */
  uint64_t seq;          /* 0 when absent */
};
int netsync_parse_error(const char *body, size_t len, struct netsync_error_reply *out);

/* Parse a signed document {"doc", "version", "issued", "content"}; content points into
 * a copy owned by *out, freed with netsync_doc_free(). */
struct netsync_doc {
  char kind[17];
  uint64_t version;
  int64_t issued;
  char *content;
  size_t content_len;
};
int netsync_parse_doc(const char *body, size_t len, struct netsync_doc *out);
void netsync_doc_free(struct netsync_doc *d);

/* Parse a bill check reply {"bill_check":"yh-bill/1","site","waived", and when waived
 * "terminal","seq","time","amount_fen"}; exactly those members. BAD_REPLY otherwise. */
int netsync_parse_bill(const char *body, size_t len, struct netsync_bill_state *out);

#ifdef __cplusplus
}
#endif
#endif
