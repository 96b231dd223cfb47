/*
 * The terminal tests' one rig: a throw-away PKI and revocation list, the card simulators
 * on the fixture's vpcd readers, and `kiosk run` as a process (headless, SDL offscreen)
 * driven through its control socket. Used by the card tests (terminal_run_card,
 * terminal_staff_card, terminal_actuator_card, terminal_his_card, terminal_readers, ...)
 * and, without cards, by terminal_docs_chain.
 *
 * Ownership: the test owns its struct kt_rig / struct kt_kiosk (usually one static per
 * test file, set up by its Check fixture); the rig owns the simulators and the kiosk
 * process it started, and kt_rig_teardown / kt_kiosk_kill end them. Every function fails
 * the Check test (ck_assert) rather than return an error, except where a return value is
 * documented. Every wait is a condition with a generous deadline (KT_WAIT_MS): a loaded
 * machine (tests/stress, CI under ASan) takes longer, it does not fail.
 *
 * Link: kt_rig.c with kiosk, cardsim_lib and yh_testcommon (tests/terminal/CMakeLists.txt).
 */
#ifndef KT_RIG_H
#define KT_RIG_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "kiosk/revoke.h"
#include "yh_fixture.h"

struct cardsim;

/* The deadline of every condition the rig waits on (reader states, outcomes, start, stop). */
#define KT_WAIT_MS 120000

/* ------------------------------------------------------------- kiosk run -- */

/* One `kiosk run` process: its files are in dir (the test's directory). */
struct kt_kiosk {
  char dir[256];
  char cfg[320];  /* dir/kiosk.ini: the test writes it (kt_kiosk_write_config or its own) */
  char sock[320]; /* dir/kiosk.sock: --control */
  char log[320];  /* dir/kiosk.log: the process's stdout and stderr */
  char bin[400];  /* the kiosk program: $YH_BINARY_DIR/terminal/kiosk */
  /* Extra environment for the next start ("K=V" strings, NULL-terminated), or NULL. The
   * strings must outlive the start (putenv in the child). */
  const char *const *env;
  pid_t pid; /* -1 when not running */
};

/* Name the files in dir (which must exist); nothing is started. */
void kt_kiosk_init(struct kt_kiosk *k, const char *dir);

/* Start `kiosk run --config cfg --control sock [args...]` (args NULL-terminated, or NULL)
 * with its output into log; does not wait for anything. */
void kt_kiosk_spawn(struct kt_kiosk *k, const char *const *args);

/* kt_kiosk_spawn, then wait until its status says reader=ready (the test fails naming the
 * log when it does not come up). */
void kt_kiosk_start(struct kt_kiosk *k, const char *const *args);

/* SIGTERM, then it must stop cleanly: exit 0 (under ASan: no leak either). */
void kt_kiosk_sigterm(struct kt_kiosk *k);

/* SIGKILL and reap, when running (teardown); idempotent. */
void kt_kiosk_kill(struct kt_kiosk *k);

/* One control command; its reply line (without the newline) into out. Returns 0 for a
 * reply "ok ...", 1 for another reply, -1 when the socket does not answer. */
int kt_ctl(const struct kt_kiosk *k, const char *cmd, char *out, size_t cap);

/* kt_ctl that must succeed ("ok"), reply discarded. */
void kt_ctl_ok(const struct kt_kiosk *k, const char *cmd);

/* Wait (up to timeout_ms) until the status line has name=value: 0, or -1. */
int kt_status_is(const struct kt_kiosk *k, const char *name, const char *value, int timeout_ms);

/* kt_status_is with KT_WAIT_MS that must succeed (the failure prints the log's tail). */
void kt_status_wait(const struct kt_kiosk *k, const char *name, const char *value);

/* The seq of the terminal's last outcome ("last"). */
uint32_t kt_last_seq(const struct kt_kiosk *k);

/* Wait for the first outcome after seq; its line into out. 0, or -1 after timeout_ms. */
int kt_wait_outcome(const struct kt_kiosk *k, uint32_t seq, int timeout_ms, char *out,
                    size_t cap);

/* Press a key ("enter", "esc", "f12", ...) on the view on screen and wait for the outcome
 * it leads to (into out). */
void kt_key(const struct kt_kiosk *k, const char *name, char *out, size_t cap);

/* Staff sign-in through the screen: F12, the id, Enter, the PIN, Enter (no wait). */
void kt_sign_in(const struct kt_kiosk *k, const char *id, const char *pin);

/* Run `kiosk ARGS --config cfg` (args: shell words, already quoted where needed) to the
 * end; its stdout and stderr into out (cap bytes at most, NUL-terminated). Returns its
 * exit status, or -1 when it did not exit. */
int kt_kiosk_cmd(const struct kt_kiosk *k, const char *args, char *out, size_t cap);

/* Wait (up to timeout_ms) until the log has a line holding needle: 0, or -1. */
int kt_log_wait(const struct kt_kiosk *k, const char *needle, int timeout_ms);

/* The log's last ~3 KB, for a failure's message (a static buffer). */
const char *kt_log_tail(const struct kt_kiosk *k);

/* ------------------------------------------------------ reply lines, files -- */

/* The value of " name=" in a reply line into buf ("" when absent); returns buf. */
const char *kt_field(const char *line, const char *name, char *buf, size_t cap);

/* The line must have name=value. */
void kt_expect(const char *line, const char *name, const char *value);

/* A file's bytes (the first 4 MiB) hold needle? A missing file holds nothing. */
int kt_file_has(const char *path, const char *needle);

/* Write text into dir/name. */
void kt_write_file(const char *dir, const char *name, const char *text);

/* Run a shell command; the test fails when it does not exit 0. */
void kt_run(const char *cmd);

/* ----------------------------------------------------- PKI and card rig -- */

/* Make a throw-away PKI in pki (yhpki test-pki), the centre's revocation key in its trust
 * store, and dir/revocation.yrl: a signed list (version 1, issued now) revoking card
 * "YL-REVOKED-1", generation 0. */
void kt_make_pki_and_revlist(const char *dir, const char *pki);

/* The same with the list revoking entries[0..n) instead. */
void kt_make_pki_and_revlist_of(const char *dir, const char *pki,
                                const struct proto_rev_entry *entries, size_t n);

/* Write path: a hospital tariff (yh-tariff/1, version) for site, from 2020-01-01 on:
 * outpatient and inpatient fees in fen (0: no item for that visit kind). What the centre
 * serves and the terminal keeps as <journal>.tariff. */
void kt_write_tariff(const char *path, const char *site, unsigned version, long outpatient,
                     long inpatient);

#define KT_READERS_MAX 2

/* A card test's world: its directory, PKI, the fixture's vpcd readers with a simulator on
 * each, and one kiosk run. */
struct kt_rig {
  char dir[256]; /* /tmp/<prefix>-XXXXXX, removed by kt_rig_teardown */
  char pki[300]; /* dir/pki */
  unsigned nreaders;
  char reader[KT_READERS_MAX][YH_READER_NAME_MAX]; /* pcscd's names, [0] on yh_vpcd_port() */
  struct cardsim *sim[KT_READERS_MAX];
  struct kt_kiosk k;
};

/* Make dir (/tmp/<prefix>-XXXXXX), the PKI and revocation list (kt_make_pki_and_revlist,
 * or of revoked[0..nrevoked) when revoked is not NULL), YH_PKI_DIR, nreaders (1 or 2)
 * simulators on the vpcd readers, waiting until each reader is empty. */
void kt_rig_setup(struct kt_rig *r, const char *prefix, unsigned nreaders,
                  const struct proto_rev_entry *revoked, size_t nrevoked);

/* Kill kiosk run when still running, end the simulators, wait for the readers to show no
 * card, remove dir (kept, and named on stderr, when the environment has KT_KEEP). */
void kt_rig_teardown(struct kt_rig *r);

/* Write dir/kiosk.ini: terminal_section (starting "[terminal]\n" with site, mode, id and
 * any other [terminal] keys), then reader = reader[0], staff_id = S01, the paths (trust
 * store pki/trust, journal.db, revocation.yrl), the policy window 2018-12-27 to 2099-01-01,
 * extra_policy ("" or more [policy] lines), a quiet screen, then tail ("" or more
 * sections). */
void kt_rig_write_config(const struct kt_rig *r, const char *terminal_section,
                         const char *extra_policy, const char *tail);

/* Put a card of profile into reader i (taking out the one there first), then wait for the
 * terminal's next outcome (into out). */
void kt_tap(struct kt_rig *r, unsigned i, const char *profile, char *out, size_t cap);

/* Put a card into reader i without waiting for an outcome (the one there out first). */
void kt_card_in(struct kt_rig *r, unsigned i, const char *profile);

/* Take the card out of reader i and wait until the reader shows it gone. */
void kt_card_out(struct kt_rig *r, unsigned i);

#endif
