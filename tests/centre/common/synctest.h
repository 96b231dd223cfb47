/*
 * Shared helpers for the centre and netsync integration tests: a PKI made with the
 * OpenSSL API, the centre as a child process on a free loopback port, and a small
 * SQLite journal with a valid hash chain that stands in for kiosk's journal.
 */
#ifndef SYNCTEST_H
#define SYNCTEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "netsync/netsync.h"

/* ------------------------------------------------------------------ PKI -- */
/*
 * In dir: ca.pem/ca.key (project CA), server.pem/server.key (CN centre, SAN localhost,
 * 127.0.0.1, ::1), sign.key/sign.pub (the centre's signing key), <id>.pem/<id>.key for
 * each terminal id, and the impostors: rogue-ca.pem, rogue-server.pem/.key (same names,
 * other CA: a man in the middle), rogue-client.pem/.key (CN T-ROGUE, other CA),
 * other-sign.pub (a signing key that is not the centre's). Keys are mode 0600. Each
 * leaf's public key is also in <name>.spki.pem (for CURLOPT_PINNEDPUBLICKEY).
 */
int synctest_pki_make(const char *dir, const char *const *terminals, size_t n);

/* ---------------------------------------------------------------- centre -- */
struct synctest_centre {
  pid_t pid;
  unsigned port;    /* 0 until first start: then fixed for restarts */
  char dir[512];    /* PKI and files */
  char conf[600];
  char db[600];
  char portfile[600];
  char server_cert[600], server_key[600];
  char ca[600], sign_key[600]; /* default dir/ca.pem, dir/sign.key */
  unsigned workers;
  unsigned rev_refresh; /* [revocations] refresh, seconds; 0: the default */
  char limits_extra[512]; /* more "key = value\n" lines for [limits] */
  char log_path[600];     /* the centre's stderr goes here when set */
  char conf_extra[800];   /* more sections, written at the end of centre.conf */
  char dsn[700];          /* PostgreSQL store: its connection string; "" on SQLite */
  int sync_full;          /* [store] sync_full (0: false, the tests' default: no fsync) */
  int log_info;           /* [log] level 2 (info) instead of 1 (warnings) */
  char store_extra[256];  /* more "key = value\n" lines for [store] */
  unsigned timeout_s;     /* [limits] timeout (inactivity); 0: 10 s */
};

/* Prepare (no process yet): db file in dir, server cert = dir/server.pem. With
 * YH_CENTRE_BACKEND=postgresql in the environment (the tests' ".pg" runs), the store is
 * a new database of its own on the fixture's PostgreSQL (YH_PG_STATE names the fixture's
 * state file, tests/fixture/postgres.sh) and c->dsn says how to reach it. */
void synctest_centre_init(struct synctest_centre *c, const char *dir, const char *db_name);
/* 1 when the tests run against PostgreSQL (YH_CENTRE_BACKEND=postgresql). */
int synctest_pg(void);
/* A new, empty database on the fixture's PostgreSQL: its connection string in out.
 * -1 (a message on stderr) when the fixture is not there. */
int synctest_pg_fresh_dsn(char *out, size_t cap);
/* Column names of a store table, comma-separated (either back end); -1 on failure. */
int synctest_centre_columns(const struct synctest_centre *c, const char *table, char *out,
                            size_t cap);
/* Two centres on one store, as in production behind a load balancer: b shares a's
 * database (the same SQLite file, or on PostgreSQL the same database), each has its own
 * configuration, port file and log (dir/centre-a.*, dir/centre-b.*). dir holds the PKI.
 * Start each with synctest_centre_start; a restart keeps its port. */
void synctest_centre_pair_init(struct synctest_centre *a, struct synctest_centre *b,
                               const char *dir);
/* "https://127.0.0.1:<a> https://127.0.0.1:<b>": netsync's list of centres, a first (both
 * must have started once, for their ports). */
void synctest_centre_pair_urls(const struct synctest_centre *a, const struct synctest_centre *b,
                               char *out, size_t cap);
/* Start; env: NULL or NULL-terminated "KEY=VALUE" list. Waits for the port (10 s). */
int synctest_centre_start(struct synctest_centre *c, const char *const *env);
/* SIGTERM and wait (SIGKILL after 5 s). Returns the exit status or -1. */
int synctest_centre_stop(struct synctest_centre *c);
void synctest_centre_kill9(struct synctest_centre *c);
/* Wait for the child to exit by itself; -1 on timeout, else its wait status. */
int synctest_centre_wait(struct synctest_centre *c, unsigned timeout_ms);
/* Run centre-admin with the given arguments (NULL-terminated); exit code. stdout goes to
 * out_path when not NULL. */
int synctest_admin(const struct synctest_centre *c, const char *out_path, ...);
/* "https://127.0.0.1:<port>" */
void synctest_centre_url(const struct synctest_centre *c, char *buf, size_t cap);
/* Row count for a terminal, straight from the store (SQLite file or PostgreSQL). */
long synctest_centre_count(const struct synctest_centre *c, const char *terminal);
/* SELECT COUNT(*) FROM events (all terminals) minus COUNT(DISTINCT terminal_id, seq). */
long synctest_centre_duplicates(const struct synctest_centre *c);

/* --------------------------------------------------------------- journal -- */
/* kiosk's real journal with events made up by the test. */
struct synctest_journal;
int synctest_journal_open(const char *path, const char *terminal, const char *site,
                          struct synctest_journal **out);
void synctest_journal_close(struct synctest_journal *j);
/* A second kiosk journal handle on the same file, for netsync's thread (the ctx for
 * netsync_kiosk_journal_ops): the journal is opened SQLITE_OPEN_NOMUTEX, so the test
 * thread and netsync's thread must not share one connection (kiosk run gives its netsync
 * thread its own handle too). NULL when it cannot be opened. */
struct kiosk_journal *synctest_journal_kiosk(struct synctest_journal *j);
/* Append n events (a mix of gate, cashier and bus; every 17th a DENY): _api through
 * kiosk_journal_append (one durable commit each), the other in bulk (same rows). */
int synctest_journal_append(struct synctest_journal *j, size_t n);
int synctest_journal_append_api(struct synctest_journal *j, size_t n);
/* Append one generated event with the given time (a clock reset: 0, negative) through
 * kiosk_journal_append. */
int synctest_journal_append_at(struct synctest_journal *j, int64_t time);
/* Append e (its seq and hashes are filled in) through kiosk_journal_append; terminal and
 * site are the journal's. e->seq is set to the new seq. */
int synctest_journal_append_event(struct synctest_journal *j, struct proto_event *e);
/* Change the amount of one event in the file without fixing its hash (an altered row). */
int synctest_journal_tamper(struct synctest_journal *j, uint64_t seq);
/* Set the acknowledged mark back to 0 in the file (as if the receipt was lost). */
int synctest_journal_reset_acked(struct synctest_journal *j);
uint64_t synctest_journal_acked(struct synctest_journal *j);
/* One event as the generator makes it (for raw requests). */
void synctest_event(uint64_t seq, const char *terminal, const char *site, struct proto_event *ev);

/* The usual netsync config for a terminal in dir (callers adjust fields). Strings point
 * into *bufs, which must outlive the config. */
struct synctest_paths {
  char url[128], ca[600], cert[600], key[600], sign[600];
};
void synctest_netsync_config(const struct synctest_centre *c, const char *terminal,
                             struct synctest_paths *p, struct netsync_config *cfg);

/* ------------------------------------------------------- test process -- */
/* The start of a centre test's main(): SIGPIPE ignored, libcurl initialised, and a test
 * PKI for the terminals terms[0..n) in a fresh temporary directory (its path in pki_dir).
 * -1, with a message on stderr, when the PKI cannot be made. */
int synctest_process_init(char *pki_dir, size_t cap, const char *const *terms, size_t n);
/* A fresh directory named after tag holding a copy of pki_dir's certificates and keys
 * (each test its own centre and files), and c prepared in it on "centre.db"
 * (synctest_centre_init; not started: the caller may still set c's fields). 0 or -1. */
int synctest_centre_fresh(struct synctest_centre *c, const char *pki_dir, const char *tag);
/* Run a Check suite (CK_NORMAL) and free it; the process's exit status: 0 when every
 * test passed, else 1. */
struct Suite;
int synctest_run_suite(struct Suite *s);

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t synctest_now_ms(void);
/* A fresh temporary directory under TMPDIR (or /tmp). */
int synctest_tmpdir(const char *tag, char *out, size_t cap);

#endif
