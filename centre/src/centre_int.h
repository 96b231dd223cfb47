/* centre internals shared by the centre's own files (not by other modules). */
#ifndef CENTRE_INT_H
#define CENTRE_INT_H

#include <stdint.h>
#include <jansson.h>
#include <stdio.h>

#include "centre/centre.h"

/* ------------------------------------------------------------------- log -- */
enum centre_log_level { CENTRE_LOG_ERROR = 0, CENTRE_LOG_WARN, CENTRE_LOG_INFO, CENTRE_LOG_DEBUG };
void centre_log(enum centre_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void centre_log_set_level(enum centre_log_level max);

/* Causes that a flood can repeat thousands of times a second: each is logged at most
 * once per CENTRE_LOG_INTERVAL_S, and the next line (or centre_log_flush) says how many
 * were held back, so the log stays small and still counts them. */
#define CENTRE_LOG_CAUSE_MAP(X)                                                          \
  X(ACCEPT, "accept failed")                                                             \
  X(CAP_TOTAL, "connection cap reached")                                                 \
  X(CAP_ADDRESS, "per-address connection cap reached")                                   \
  X(HANDSHAKE_DEADLINE, "TLS handshake deadline")                                        \
  X(REQUEST_DEADLINE, "request deadline")                                                \
  X(UPLOAD_REFUSED, "upload refused")                                                    \
  X(QUARANTINED, "events quarantined")                                                   \
  X(DUPLICATE_BILL, "waivers flagged as duplicate bills")                                \
  X(HEALTH_HEADER, "malformed terminal health headers ignored")
enum centre_log_cause {
#define CENTRE_X_CAUSE(id, text) CENTRE_CAUSE_##id,
  CENTRE_LOG_CAUSE_MAP(CENTRE_X_CAUSE)
#undef CENTRE_X_CAUSE
  CENTRE_CAUSE_COUNT
};
#define CENTRE_LOG_INTERVAL_S 10
/* A warning, rate-limited per cause. Thread-safe. */
void centre_log_limited(enum centre_log_cause cause, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Report the lines held back for causes whose interval has passed (call it now and then). */
void centre_log_flush(void);
/* How many events of a cause were seen since start (tests, status). */
unsigned long centre_log_count(enum centre_log_cause cause);

/* --------------------------------------------------------------- helpers -- */
/* Tokens, hex, card numbers and awards are common's (common/token.h, common/hex.h,
 * common/cardno.h, common/award.h). */
/* jansson's error text without the part that quotes the input (never log input). */
const char *centre_json_error_text(json_error_t *e);
/* gzip (level 9) into a new buffer; *out freed with free(). */
int centre_gzip(const void *in, size_t len, char **out, size_t *out_len);
/* Month of a UTC time in China Standard Time (UTC+8, no DST) as yyyymm. */
int centre_month_cst(int64_t ts);

/* ---------------------------------------------------------------- config -- */
#define CENTRE_PATH_MAX 512
struct centre_conf {
  char listen_addr[64];
  unsigned port;                       /* 0: any free port (see port_file) */
  char port_file[CENTRE_PATH_MAX];     /* optional: the bound port is written here */
  unsigned workers;                    /* event loops (threads), 1..64 */
  char tls_cert[CENTRE_PATH_MAX];      /* server certificate chain (PEM) */
  char tls_key[CENTRE_PATH_MAX];
  char tls_ca[CENTRE_PATH_MAX];        /* the project CA: terminal certs must chain to it */
  char tls_crl[CENTRE_PATH_MAX];       /* optional CRL (PEM) of that CA */
  char db_backend_name[16];            /* [store] backend: sqlite (default) or postgresql */
  int db_backend;                      /* enum centre_db_backend (db.h), from the name */
  char db[CENTRE_PATH_MAX];            /* SQLite: the file */
  char db_dsn[1024];                   /* PostgreSQL: the libpq connection string */
  int db_sync_full;                    /* synchronous=FULL (1) or NORMAL (0); PostgreSQL:
                                        * synchronous_commit on or off */
  int group_commit;                    /* uploads waiting meanwhile share a commit (group.c);
                                        * default: on for SQLite, off for PostgreSQL */
  char sign_key[CENTRE_PATH_MAX];      /* ECDSA P-256 key for receipts and documents */
  size_t max_body;                     /* bytes on the wire (compressed) */
  size_t max_inflated;                 /* bytes after inflate */
  size_t max_events;                   /* events per batch */
  size_t max_headers;
  unsigned timeout_s;                  /* read/write inactivity timeout per connection */
  unsigned handshake_timeout_s;        /* the whole TLS handshake, however it trickles */
  unsigned request_timeout_s;          /* each whole request, from the handshake or the last one */
  unsigned max_connections;            /* open at once, all addresses */
  unsigned max_per_address;            /* open at once from one source address */
  unsigned rev_refresh_s;              /* re-issue an unchanged revocation list after this */
  unsigned log_level;                  /* 0 error .. 3 debug */
  char sites[CENTRE_PATH_MAX];         /* [reports] sites: the site registry (hospital names;
                                        * the ids `centre-admin terminal register` accepts) */
  /* [console]: the web console (console.c, docs/console.md); off when listen is empty. */
  char console_listen[80];             /* host:port or [v6]:port; port 0 = any (tests) */
  char console_cert[CENTRE_PATH_MAX];  /* its server certificate chain (PEM) */
  char console_key[CENTRE_PATH_MAX];   /* its key (PEM, no group/other access) */
  char console_port_file[CENTRE_PATH_MAX]; /* optional: the bound port is written here */
  char console_assets[CENTRE_PATH_MAX];    /* CSS/JS folder; default <datadir>/console */
  unsigned console_idle_min;           /* a session ends after this idle time */
  unsigned console_session_hours;      /* and this long after sign-in, whatever */
  unsigned console_failures;           /* bad passwords per account before a pause */
  unsigned console_lock_min;           /* the pause, and the window failures count in */
};

/* Defaults, then the file. why[cap] says which line is wrong. */
int centre_conf_load(const char *path, struct centre_conf *c, char *why, size_t cap);

/* ----------------------------------------------------------------- store -- */
struct centre_store;

/* Open the store on SQLite (path: the file, created if missing; WAL, busy timeout)
 * or PostgreSQL (target: a libpq connection string), backend an enum centre_db_backend
 * (db.h), and bring its schema up to date (store_schema.c). DB when the database cannot
 * be reached, a migration fails or the schema is newer than this program's (logged). */
int centre_store_open(int backend, const char *target, int sync_full, struct centre_store **out);
/* centre_store_open with the configuration's [store] backend, db or dsn, sync_full. */
int centre_store_open_conf(const struct centre_conf *c, struct centre_store **out);
/* centre_store_open on SQLite. */
int centre_store_create(const char *path, int sync_full, struct centre_store **out);
void centre_store_destroy(struct centre_store *st);

/* May this terminal talk to us? OK and its site, or UNKNOWN_TERMINAL, RETIRED,
 * REVOKED (the certificate serial, uppercase hex, is on the revoked list). */
int centre_store_terminal_check(struct centre_store *st, const char *terminal,
                                const char *cert_serial, char site[CENTRE_TERMINAL_ID_MAX + 1]);

struct centre_upload_result {
  uint64_t acked_through;              /* the terminal's head after the upload */
  char head_hash[CENTRE_HASH_HEX + 1];
  uint64_t expected_seq;               /* GAP: the seq the centre expects next */
  uint64_t bad_seq;                    /* CHAIN, HASH, CONFLICT: the event at fault */
  size_t inserted;                     /* new rows (0 for a replay) */
  size_t quarantined;                  /* new events held back (docs/sync-protocol.md) */
};

/* Apply a batch in one transaction: replays of accepted events are checked and skipped,
 * new ones are checked (terminal and site as registered, chain, hash) and inserted, or,
 * when the parser held them (b->hold), quarantined with their reason; the head moves
 * past both; commit. Errors: GAP, IDENTITY, CHAIN, HASH, CONFLICT (nothing written), DB. */
int centre_store_upload(struct centre_store *st, const char *terminal, const char *site,
                        const struct centre_batch *b, int64_t now,
                        struct centre_upload_result *res);

/*
 * Group commit (group.c): uploads that arrive while a commit is syncing wait and then go
 * into the next transaction together, so that one fsync serves them all. A job is one
 * upload with its answer; the caller owns it and its batch.
 */
struct centre_upload_job {
  const char *terminal, *site;
  const struct centre_batch *b;
  int64_t now;
  size_t order;                        /* arrival order in the group (set by the store) */
  struct centre_upload_result res;     /* as centre_store_upload fills it */
  int rc;                              /* as centre_store_upload returns it */
};

/* Apply n uploads in one transaction, each behind its own savepoint: one that is
 * refused (GAP, IDENTITY, CHAIN, HASH, CONFLICT) is undone alone and the others commit.
 * Uploads of one terminal are applied in the order given, terminals in id order. Each
 * job's rc and res are set; a failed commit makes every job that had gone in DB.
 * Returns OK or DB (the transaction failed). Reorders jobs[]. */
int centre_store_upload_group(struct centre_store *st, struct centre_upload_job **jobs, size_t n);

struct centre_group;
#define CENTRE_GROUP_MAX_UPLOADS 64     /* uploads in one transaction */
#define CENTRE_GROUP_MAX_EVENTS 20000   /* events in one transaction (at least one upload) */
/* hold_ms: a test hook (YH_CENTRE_TEST_GROUP_HOLD_MS): the leader waits that long before
 * it takes the queue, so that a test can make groups happen; 0 in production. */
int centre_group_create(long hold_ms, struct centre_group **out);
void centre_group_destroy(struct centre_group *g);
/* Apply j, sharing a transaction with the uploads that queue meanwhile; returns when its
 * transaction is over (committed: a receipt may be sent). The calling thread may do the
 * commit for the others (it uses st, its own connection) or wait for another's. Returns
 * j->rc. */
int centre_group_upload(struct centre_group *g, struct centre_store *st,
                        struct centre_upload_job *j);
/* The largest group committed so far and how many groups (tests, logs). */
void centre_group_stats(struct centre_group *g, size_t *largest, unsigned long *groups);

/* The terminal's health headers (health.c; docs/sync-protocol.md, "Terminal health"):
 * Yh-Revlist-Version (the revocation list version in force, 0: none) and
 * Yh-Terminal-Time (its wall clock, Unix seconds). */
#define CENTRE_HEALTH_DIGITS_MAX 19
#define CENTRE_HEALTH_VERSION_MAX 9223372036854775807ull /* BIGINT */
#define CENTRE_HEALTH_TIME_MAX 253402300799ull            /* 9999-12-31T23:59:59Z */
#define CENTRE_HEALTH_BAD_REVLIST 1
#define CENTRE_HEALTH_BAD_TIME 2
struct centre_health {
  int has_revlist;
  uint64_t revlist_version;
  int has_clock;
  int64_t clock_offset_s; /* centre time - terminal time at receipt */
};
/* One header value: "0" or 1..19 ASCII digits without a leading zero, at most max.
 * 0 with *out set; -1 otherwise (NULL, empty, sign, space, other bytes, too large). */
int centre_health_value(const char *v, uint64_t max, uint64_t *out);
/* Both headers (NULL: absent) at centre time now into *h; an absent or malformed one is
 * left unset. Returns the CENTRE_HEALTH_BAD_* bits of the malformed ones (0: none). */
int centre_health_parse(const char *revlist, const char *terminal_time, int64_t now,
                        struct centre_health *h);

struct centre_status_report {
  char software[65];
  uint64_t queue_depth;
  int64_t last_sync;
  char reader[33];
  struct centre_health health; /* from the request's headers */
};
int centre_store_status(struct centre_store *st, const char *terminal,
                        const struct centre_status_report *r, int64_t now);

int centre_store_terminal_register(struct centre_store *st, const char *terminal,
                                   const char *site, int64_t now);
int centre_store_terminal_retire(struct centre_store *st, const char *terminal, int64_t now);
int centre_store_cert_revoke(struct centre_store *st, const char *serial_hex, int64_t now);

/* An entry of the revocation list (proto/revlist.h's model: card number, generation,
 * kind EXACT 1 or BELOW 2), and for deltas whether it goes (remove 1) or comes. */
struct centre_rev_entry {
  char card_no[21];
  uint32_t generation;
  uint8_t kind;
  int remove;
};

/* Revoke (op 1) or restore (op 0) entries in one transaction. Entries already in that
 * state are left alone (*changed counts the others). *version: the list version now
 * (list version L holds changes 1..L-1; an empty list is version 1). */
int centre_store_card_set_many(struct centre_store *st, const struct centre_rev_entry *e,
                               size_t n, int op, const char *reason, int64_t now,
                               uint64_t *version, size_t *changed);

/*
 * A card as the station registered it: what the card carries about its award and
 * validity, and the issuer key that signed it. Never a name, an ID number or a photo:
 * the centre needs none of them (PIPL).
 */
#define CENTRE_ISSUER_ID_HEX 16 /* the card's 8-byte issuer key id (cardio), hex */
struct centre_card_reg {
  char card_no[21];           /* common_cardno_valid() */
  uint32_t generation;
  unsigned award;             /* enum common_award of a card-carrying award */
  unsigned level;             /* common_award_carries_card(award, level) */
  unsigned round_year;        /* the award round, 2000..2100, not after the issue year */
  uint32_t issued;            /* YYYYMMDD, a real date */
  uint32_t not_after;         /* YYYYMMDD, >= issued */
  char issuer[CENTRE_ISSUER_ID_HEX + 1]; /* lowercase hex */
};

/* A registered generation and its state. */
struct centre_card_info {
  struct centre_card_reg reg;
  int64_t registered_at;
  int revoked;                /* on the revocation list (EXACT or BELOW) */
};

/* Check every field of a registration; INVALID_ARG with why[] naming the field. */
int centre_card_reg_check(const struct centre_card_reg *r, char *why, size_t cap);

/*
 * Register one generation of a card. Idempotent: the same (card, generation) with the
 * same data again is OK (*created 0, nothing written); with other data CARD_CONFLICT,
 * why[] naming the fields that differ (never their values). A new generation does not
 * revoke older ones (revocation is its own operation). The state starts "revoked" when
 * the revocation list already covers it (a revocation that arrived first).
 * Errors: INVALID_ARG (why[] says which field), CARD_CONFLICT, DB.
 */
int centre_store_card_register(struct centre_store *st, const struct centre_card_reg *r,
                               int64_t now, int *created, char *why, size_t cap);

/* Every registered generation of a card, oldest first; *out freed with free().
 * NOT_FOUND when none; INVALID_ARG for a malformed number. */
int centre_store_card_show(struct centre_store *st, const char *card_no,
                           struct centre_card_info **out, size_t *n);

/* since == 0 (or a version the centre never issued): the snapshot. since >= 1: the
 * changes from list version `since` to now (empty when since is current). *version: the
 * current list version. *out freed with free(). */
int centre_store_revocations(struct centre_store *st, uint64_t since,
                             struct centre_rev_entry **out, size_t *n, uint64_t *version);

/* The current list version (cheap: no entries read). */
int centre_store_revocation_version(struct centre_store *st, uint64_t *version);

/* Terminals judge a list's freshness by its issue time; a list that has not changed
 * would age into "stale" although it is current. When the newest change is older than
 * max_age seconds, record a marker change (op 2, no entry) so that the next delta
 * (empty) carries a fresh issue time. *version: the list version after; *refreshed 1
 * when a marker was written. */
int centre_store_revocations_refresh(struct centre_store *st, int64_t now, int64_t max_age,
                                     uint64_t *version, int *refreshed);

/* Signed documents for the terminals: kind "config" or "trust". */
int centre_store_doc_put(struct centre_store *st, const char *kind, const char *content,
                         int64_t now, uint64_t *version);
/* NOT_FOUND when none; *content freed with free(). */
int centre_store_doc_get(struct centre_store *st, const char *kind, char **content,
                         uint64_t *version, int64_t *issued);

/* CSV of usage per site, month (yyyy-mm, China time) and kind. from/to: yyyymm or 0. */
int centre_store_usage_csv(struct centre_store *st, int from, int to, FILE *out);
/* One line per terminal: id, site, state, head, last sync, status; no card data. */
int centre_store_terminals_csv(struct centre_store *st, FILE *out);
/* CSV of the quarantined events (one terminal, or all when terminal is NULL): id, seq,
 * time, reason, whether the hash was checked, when received. No text field of the event. */
int centre_store_quarantine_csv(struct centre_store *st, const char *terminal, FILE *out);
/* Number of event rows for a terminal (tests and tools). */
int centre_store_count_events(struct centre_store *st, const char *terminal, uint64_t *n);

/* -------------------------------------------------------------------- db -- */
/* The database interface is db.h; the store's schema and migrations (store_schema.c). */
struct centre_db;
/* Apply the migrations schema_migrations does not list, in one transaction; refuse a
 * schema newer than centre_store_schema_version() (logged with both versions). */
int centre_store_migrate(struct centre_db *db);
int centre_store_schema_version(void);

/* ----------------------------------------------------------------- bills -- */
/* Hospital bills (bills.c; docs/sync-protocol.md, "Hospital bills at the centre"). They
 * work on the store's connection (centre_store_db) and never call store.c back. */
/* The store's connection, for the tables beside it (bills, roster, tariff): db.h. */
struct centre_db *centre_store_db(struct centre_store *st);
int centre_bills_schema(struct centre_db *db);
/* One new (not quarantined) event, inside the upload's transaction: a cashier waiver
 * gets its row (flagged when the bill is already waived at that site), a VOID marks
 * its waiver. */
int centre_bills_on_event(struct centre_db *db, const char *terminal, const struct proto_event *e);
/* A bill number as the terminals may send it: 1..63 bytes of printable UTF-8, not
 * shaped like a citizen ID number. */
int centre_bill_valid(const char *bill);
struct centre_bill_state {
  int waived;                          /* a waiver that is neither voided nor a duplicate */
  char terminal[CENTRE_TERMINAL_ID_MAX + 1];
  uint64_t seq;
  int64_t time;
  int64_t amount_fen;
};
/* INVALID_ARG for a bill centre_bill_valid refuses; DB. */
int centre_bills_check(struct centre_db *db, const char *site, const char *bill,
                       struct centre_bill_state *out);

/* ---------------------------------------------------------------- roster -- */
/* Staff rosters (roster.c; docs/staff.md): the store's connection only, never store.c.
 * The document kind of a site's roster in the documents table: "roster:<site>". */
#include "proto/roster.h"
#define CENTRE_ROSTER_KIND_PREFIX "roster:"
int centre_roster_schema(struct centre_db *db);
/* The site's sign-in policy (the default when none was set). INVALID_ARG, DB. */
int centre_roster_policy(struct centre_db *db, const char *site, struct proto_roster_policy *out);
int centre_roster_set_policy(struct centre_db *db, const char *site,
                             const struct proto_roster_policy *p);
/* Add a member (e checked as the document's parser would: INVALID_ARG). EXISTS when an
 * active member has that id; a disabled one is enabled again with e's data. */
int centre_roster_add(struct centre_db *db, const char *site, const struct proto_roster_entry *e,
                      int64_t now);
/* NOT_FOUND when no active member has that id at the site. */
int centre_roster_disable(struct centre_db *db, const char *site, const char *id, int64_t now);
/* CSV: site, staff, role, valid_from, valid_to, state, name_masked. site NULL: all. */
int centre_roster_list_csv(struct centre_db *db, const char *site, FILE *out);
/* The site's roster document (active members, the policy): *out malloc'd. */
int centre_roster_document(struct centre_db *db, const char *site, char **out, size_t *len);

/* A hospital as the registry names it (sites.c). */
struct centre_site {
  char id[CENTRE_SITE_ID_MAX + 1];
  char name[256], name_en[256], kind[16];
};
/* Find a hospital (kind = hospital) in the registry file. CONFIG (no or bad registry),
 * NOT_FOUND (no such site, or not a hospital); why[cap] says which, never quoting id. */
int centre_site_lookup(const char *registry, const char *id, struct centre_site *out, char *why,
                       size_t cap);

/* CSV of every waiver of a hospital in a month (yyyymm, China time). */
int centre_report_bills_csv(struct centre_db *db, const struct centre_site *h, int month, FILE *out);
/* The monthly statement (docs/centre.md, "Statement"): *out (free()) in the format, and
 * the digest, SHA-256 hex of its canonical lines. */
int centre_statement_make(struct centre_db *db, const struct centre_site *h, int month, int format,
                          char **out, size_t *out_len, char digest[CENTRE_HASH_HEX + 1]);
/* SHA-256 hex of a CSV statement's lines without its digest line. */
int centre_statement_lines_digest(const char *text, size_t len, char digest[CENTRE_HASH_HEX + 1]);

/* --------------------------------------------------------------- tariffs -- */
/* The hospitals' tariffs (tariff.c; docs/sync-protocol.md, "Tariff document"). */
#define CENTRE_TARIFF_ITEMS_MAX 64
#define CENTRE_TARIFF_DOC_MAX (16u * 1024u)
#define CENTRE_TARIFF_FEE_MAX 100000 /* fen */
int centre_tariff_schema(struct centre_db *db);
/* 1 for a visit kind of proto's list (outpatient, inpatient, emergency), else 0. */
int centre_tariff_visit_valid(const char *visit);
/* A fee for a visit kind at a hospital from day `from` to day `to` (YYYYMMDD; to 0: no
 * end); older items of that visit kind are cut where they overlap. Writes the site's
 * next document version (*version). INVALID_ARG, TOO_LARGE (over 64 items), DB. */
int centre_tariff_set(struct centre_db *db, const char *site, const char *visit, int64_t fee_fen,
                      int32_t from, int32_t to, int64_t now, uint64_t *version);
/* CSV of a hospital's items: visit, fee_fen, from, to (empty: no end). */
int centre_tariff_list_csv(struct centre_db *db, const char *site, FILE *out);
/* The newest document of a site; NOT_FOUND when none. *content freed with free(). */
int centre_tariff_doc(struct centre_db *db, const char *site, char **content, uint64_t *version,
                      int64_t *issued);

/* ------------------------------------------------------ revocation lists -- */
/*
 * The signed binary revocation list the terminals load: proto's codec (proto/revlist.h),
 * signed with the centre's signing key. delta == 0: a snapshot of e (remove ignored);
 * else a delta from base_version. *out freed with free().
 */
struct centre_revsigner;
int centre_revsigner_create(const char *key_path, struct centre_revsigner **out);
void centre_revsigner_destroy(struct centre_revsigner *s);
int centre_revlist_encode(const struct centre_revsigner *signer, int delta, uint64_t base_version,
                          uint64_t version, int64_t issued_at, const struct centre_rev_entry *e,
                          size_t n, uint8_t **out, size_t *out_len);

/* ----------------------------------------------------------------- guard -- */
/* Connection admission and total deadlines (guard.c has the why). */
struct centre_guard;
struct event_base;
struct bufferevent;
struct ssl_st;
int centre_guard_create(const struct centre_conf *conf, unsigned max_total,
                        struct centre_guard **out);
/* After every connection is gone (the records point at the guard). */
void centre_guard_destroy(struct centre_guard *g);
/* Track a new connection: from evhttp's bufferevent callback, on the worker's loop. */
int centre_guard_attach(struct centre_guard *g, struct event_base *base, struct ssl_st *ssl,
                        struct bufferevent *bev);
/* The TLS handshake ended (info callback); a complete request arrived. */
void centre_guard_handshake_done(const struct ssl_st *ssl);
void centre_guard_request_seen(const struct ssl_st *ssl);
/* Connections counted now. */
unsigned centre_guard_open(struct centre_guard *g);

/* systemd's notification socket ($NOTIFY_SOCKET; no-op without it): 1 sent, 0 none, -1. */
int centre_sd_notify(const char *msg);
/* $WATCHDOG_USEC when it is meant for this process, else 0. */
uint64_t centre_sd_watchdog_usec(void);

/* ---------------------------------------------------------------- server -- */
struct centre_server;
int centre_server_create(const struct centre_conf *conf, struct centre_server **out);
/* Serve until SIGTERM or SIGINT. */
int centre_server_run(struct centre_server *srv);
void centre_server_destroy(struct centre_server *srv);

#endif
