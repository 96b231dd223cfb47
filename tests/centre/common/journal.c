/*
 * Test journals: kiosk's real journal (kiosk/journal.h) filled with made-up events, plus
 * the two things a test must do behind the journal's back (alter a row, forget the
 * acknowledged mark), done with plain SQL on the file.
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synctest.h"

struct synctest_journal {
  struct kiosk_journal *kj;
  char path[700];
  char terminal[32], site[64];
};

int synctest_journal_open(const char *path, const char *terminal, const char *site,
                          struct synctest_journal **out)
{
  struct synctest_journal *j = calloc(1, sizeof *j);
  struct kiosk_diag d;
  *out = NULL;
  if (!j)
    return -1;
  snprintf(j->path, sizeof j->path, "%s", path);
  snprintf(j->terminal, sizeof j->terminal, "%s", terminal);
  snprintf(j->site, sizeof j->site, "%s", site);
  if (kiosk_journal_open(path, 0, &j->kj, &d) != KIOSK_OK) {
    free(j);
    return -1;
  }
  *out = j;
  return 0;
}

void synctest_journal_close(struct synctest_journal *j)
{
  if (!j)
    return;
  kiosk_journal_close(j->kj);
  free(j);
}

struct kiosk_journal *synctest_journal_kiosk(struct synctest_journal *j)
{
  return j->kj;
}

void synctest_event(uint64_t seq, const char *terminal, const char *site, struct kiosk_event *e)
{
  memset(e, 0, sizeof *e);
  e->seq = seq;
  e->time = 1767225600 + (int64_t)seq * 7; /* from 2026-01-01 UTC */
  snprintf(e->terminal, sizeof e->terminal, "%s", terminal);
  snprintf(e->site, sizeof e->site, "%s", site);
  e->mode = seq % 3 == 0 ? KIOSK_MODE_GATE : seq % 3 == 1 ? KIOSK_MODE_CASHIER : KIOSK_MODE_BUS;
  if (e->mode == KIOSK_MODE_BUS)
    snprintf(e->vehicle, sizeof e->vehicle, "B-%03u", (unsigned)(seq % 40));
  snprintf(e->card_no, sizeof e->card_no, "%" PRIu64, (uint64_t)450900000000ULL + (seq * 7919) % 100000);
  e->kind = KIOSK_EVENT_DECISION;
  if (seq % 17 == 0) {
    e->verdict = KIOSK_VERDICT_DENY;
    e->reasons = UINT64_C(1) << 3;
  } else {
    e->verdict = KIOSK_VERDICT_GRANT;
    if (e->mode == KIOSK_MODE_CASHIER) {
      e->amount_fen = 6000;
      snprintf(e->bill_ref, sizeof e->bill_ref, "MZ-%" PRIu64, seq);
    }
  }
}

int synctest_journal_append(struct synctest_journal *j, size_t n)
{
  uint64_t last = 0;
  if (kiosk_journal_last_seq(j->kj, &last) != KIOSK_OK)
    return -1;
  for (size_t i = 0; i < n; i++) {
    struct kiosk_event e;
    synctest_event(last + 1 + i, j->terminal, j->site, &e);
    if (kiosk_journal_append(j->kj, &e) != KIOSK_OK)
      return -1;
  }
  return 0;
}

static int sql(struct synctest_journal *j, const char *stmt, uint64_t arg)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *s = NULL;
  int rc = -1;
  if (sqlite3_open(j->path, &db) != SQLITE_OK)
    goto out_close;
  sqlite3_busy_timeout(db, 5000);
  if (sqlite3_prepare_v2(db, stmt, -1, &s, NULL) != SQLITE_OK)
    goto out_close;
  if (sqlite3_bind_parameter_count(s) > 0)
    sqlite3_bind_int64(s, 1, (sqlite3_int64)arg);
  rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
out_close:
  sqlite3_finalize(s);
  sqlite3_close(db);
  return rc;
}

int synctest_journal_tamper(struct synctest_journal *j, uint64_t seq)
{
  return sql(j, "UPDATE events SET amount_fen = amount_fen + 100 WHERE seq = ?", seq);
}

int synctest_journal_reset_acked(struct synctest_journal *j)
{
  return sql(j, "UPDATE meta SET value = 0 WHERE key = 'acked_through'", 0);
}

uint64_t synctest_journal_acked(struct synctest_journal *j)
{
  uint64_t v = 0;
  kiosk_journal_acked(j->kj, &v);
  return v;
}
