/* One terminal's decision path: lookups, engine, journal, override queue
 * (kiosk/terminal.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cardno.h"
#include "common/idno.h"
#include "common/token.h"
#include "kiosk/terminal.h"

struct kiosk_terminal {
  struct kiosk_config cfg;
  struct kiosk_sites *sites;
  const struct kiosk_site *site;
  struct proto_key *revkey; /* NULL when the trust store has none */
  struct kiosk_revlist *revlist;
  struct kiosk_journal *journal; /* NULL while it cannot be opened */
  int journal_ok;
  struct proto_event *queue; /* overrides waiting for the journal */
  size_t nqueue;
};

void kiosk_terminal_close(struct kiosk_terminal *t)
{
  if (!t)
    return;
  kiosk_journal_close(t->journal);
  kiosk_revlist_destroy(t->revlist);
  kiosk_revkey_destroy(t->revkey);
  kiosk_sites_destroy(t->sites);
  free(t->queue);
  free(t);
}

static int file_exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

int kiosk_terminal_open(const struct kiosk_config *cfg, struct kiosk_terminal **out,
                        struct kiosk_diag *diag)
{
  *out = NULL;
  struct kiosk_terminal *t = calloc(1, sizeof *t);
  if (!t)
    return kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, "", 0, "out of memory");
  t->cfg = *cfg;
  int rc = kiosk_sites_load(cfg->sites_path, &t->sites, diag);
  if (rc != KIOSK_OK)
    goto out_fail;
  t->site = kiosk_sites_find(t->sites, cfg->site_id);
  if (!t->site) {
    rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, cfg->source, 0, "unknown site '%s'",
                        cfg->site_id);
    goto out_fail;
  }
  if (cfg->override_queue_max) {
    t->queue = calloc(cfg->override_queue_max, sizeof *t->queue);
    if (!t->queue) {
      rc = kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, "", 0, "out of memory");
      goto out_fail;
    }
  }
  if ((rc = kiosk_revlist_create(&t->revlist)) != KIOSK_OK)
    goto out_fail;
  struct kiosk_diag kd;
  rc = kiosk_revkey_load_trust(cfg->trust_dir, &t->revkey, &kd);
  if (rc == KIOSK_OK) {
    rc = kiosk_revlist_load(t->revlist, cfg->revocation_path, t->revkey, diag);
    if (rc == KIOSK_OK)
      rc = kiosk_revlist_remember(t->revlist, cfg->revocation_path, diag);
    if (rc == KIOSK_E_NOT_FOUND)
      rc = KIOSK_OK; /* no list yet: lookups answer NO_LIST, the stale policy applies */
    if (rc != KIOSK_OK)
      goto out_fail;
  } else if (rc == KIOSK_E_NOT_FOUND && !file_exists(cfg->revocation_path)) {
    rc = KIOSK_OK; /* neither key nor list: a terminal before its first sync */
  } else {
    if (diag)
      *diag = kd;
    goto out_fail;
  }
  /* A journal that fails its integrity check (altered row, cut tail, replaced file)
   * stops the terminal with the reason: deciding on would extend a chain the centre
   * will refuse. Any other failure is an outage: staff decide and overrides queue. */
  struct kiosk_diag jd;
  rc = kiosk_journal_open(cfg->journal_path, KIOSK_JOURNAL_CHECK, &t->journal, &jd);
  if (rc == KIOSK_E_CHAIN) {
    if (diag)
      *diag = jd;
    goto out_fail;
  }
  rc = KIOSK_OK;
  t->journal_ok = t->journal != NULL;
  *out = t;
  return KIOSK_OK;
out_fail:
  kiosk_terminal_close(t);
  return rc;
}

int kiosk_terminal_flush(struct kiosk_terminal *t)
{
  if (!t)
    return KIOSK_E_INVALID_ARG;
  if (!t->journal) {
    struct kiosk_diag d;
    int rc = kiosk_journal_open(t->cfg.journal_path, KIOSK_JOURNAL_CHECK, &t->journal, &d);
    if (rc != KIOSK_OK) {
      t->journal_ok = 0;
      return rc;
    }
  }
  size_t done = 0;
  int rc = KIOSK_OK;
  while (done < t->nqueue) {
    rc = kiosk_journal_append(t->journal, &t->queue[done]);
    if (rc != KIOSK_OK)
      break;
    done++;
  }
  if (done) {
    memmove(t->queue, t->queue + done, (t->nqueue - done) * sizeof *t->queue);
    t->nqueue -= done;
  }
  t->journal_ok = rc == KIOSK_OK;
  return rc;
}

static void make_event(const struct kiosk_terminal *t, const struct kiosk_input *in,
                       const struct kiosk_verdict *v, int64_t now, const char *staff_id,
                       struct proto_event *e)
{
  memset(e, 0, sizeof *e);
  e->time = now;
  snprintf(e->terminal, sizeof e->terminal, "%s", t->cfg.terminal_id);
  snprintf(e->site, sizeof e->site, "%s", t->cfg.site_id);
  e->mode = t->cfg.mode;
  snprintf(e->vehicle, sizeof e->vehicle, "%s", t->cfg.vehicle);
  /* Only values that pass the engine's checks reach the journal; the rest are left
   * empty (the reasons say why). */
  if (common_cardno_valid(in->card->card_no))
    snprintf(e->card_no, sizeof e->card_no, "%s", in->card->card_no);
  e->generation = in->card->generation;
  e->kind = (v->flags & KIOSK_VF_OVERRIDE_USED) ? KIOSK_EVENT_OVERRIDE : KIOSK_EVENT_DECISION;
  e->verdict = v->verdict;
  e->reasons = v->reasons;
  if (t->cfg.mode == KIOSK_MODE_CASHIER && v->verdict == KIOSK_VERDICT_GRANT) {
    e->amount_fen = in->amount_fen;
    snprintf(e->bill_ref, sizeof e->bill_ref, "%s", in->bill_ref ? in->bill_ref : "");
  }
  if (in->staff && common_token_valid(staff_id, KIOSK_STAFF_ID_MAX) &&
      !common_id_shaped(staff_id))
    snprintf(e->staff_id, sizeof e->staff_id, "%s", staff_id);
}

int kiosk_terminal_decide(struct kiosk_terminal *t, const struct kiosk_input *in, int64_t now,
                          struct kiosk_outcome *out)
{
  if (!out)
    return KIOSK_E_INVALID_ARG;
  memset(out, 0, sizeof *out);
  out->verdict.verdict = KIOSK_VERDICT_DENY;
  if (!t || !in || !in->card)
    return KIOSK_E_INVALID_ARG;

  /* Overrides first, so the journal stays in time order. */
  if (!t->journal_ok || t->nqueue)
    kiosk_terminal_flush(t);

  const char *staff_id = in->staff_id ? in->staff_id : t->cfg.staff_id;
  struct kiosk_request r;
  memset(&r, 0, sizeof r);
  r.card = in->card;
  r.mode = t->cfg.mode;
  r.site_modes = t->site->modes;
  r.now = now;
  r.holder = in->holder;
  r.staff = in->staff;
  r.staff_id = staff_id;
  kiosk_revlist_lookup(t->revlist, in->card->card_no, in->card->generation, &r.revocation);
  uint32_t window = t->cfg.mode == KIOSK_MODE_GATE  ? t->cfg.policy.gate_repeat_s
                    : t->cfg.mode == KIOSK_MODE_BUS ? t->cfg.policy.bus_repeat_s
                                                    : 0;
  if (window == 0)
    r.recent.known = 1; /* no repeat rule here */
  else if (t->journal)
    kiosk_journal_recent(t->journal, in->card->card_no, t->cfg.site_id, t->cfg.vehicle,
                         now - (int64_t)window, &r.recent);
  r.visit = in->visit;
  r.bill_ref = in->bill_ref;
  r.amount_fen = in->amount_fen;
  r.journal_writable = t->journal_ok && t->nqueue == 0;
  r.override_queue_room = t->nqueue < t->cfg.override_queue_max;

  kiosk_decide(&t->cfg.policy, &r, &out->verdict);
  out->revocation = r.revocation;
  out->recent = r.recent;
  if (out->verdict.verdict == KIOSK_VERDICT_STAFF_CHECK)
    return KIOSK_OK;

  struct proto_event e;
  if (r.journal_writable) {
    make_event(t, in, &out->verdict, now, staff_id, &e);
    if (kiosk_journal_append(t->journal, &e) == KIOSK_OK) {
      out->journaled = 1;
      out->seq = e.seq;
      return KIOSK_OK;
    }
    /* The journal just failed: decide again knowing it, so a grant is never given
     * without a record. */
    t->journal_ok = 0;
    r.journal_writable = 0;
    kiosk_decide(&t->cfg.policy, &r, &out->verdict);
  }
  if (out->verdict.verdict == KIOSK_VERDICT_GRANT &&
      (out->verdict.flags & KIOSK_VF_OVERRIDE_USED) && t->nqueue < t->cfg.override_queue_max) {
    make_event(t, in, &out->verdict, now, staff_id, &t->queue[t->nqueue]);
    t->nqueue++;
    out->queued = 1;
  }
  return KIOSK_OK;
}

void kiosk_terminal_status(struct kiosk_terminal *t, struct kiosk_terminal_status *out)
{
  memset(out, 0, sizeof *out);
  if (!t)
    return;
  out->journal_ok = t->journal_ok;
  out->overrides_queued = t->nqueue;
  if (t->journal) {
    kiosk_journal_last_seq(t->journal, &out->last_seq);
    kiosk_journal_count_unsent(t->journal, &out->unsent);
  }
  out->revlist_version = kiosk_revlist_version(t->revlist);
  out->revlist_issued_at = kiosk_revlist_issued_at(t->revlist);
  out->revlist_entries = kiosk_revlist_count(t->revlist);
}

struct kiosk_journal *kiosk_terminal_journal(struct kiosk_terminal *t)
{
  return t ? t->journal : NULL;
}

struct kiosk_revlist *kiosk_terminal_revlist(struct kiosk_terminal *t)
{
  return t ? t->revlist : NULL;
}

const struct proto_key *kiosk_terminal_revkey(struct kiosk_terminal *t)
{
  return t ? t->revkey : NULL;
}

const struct kiosk_config *kiosk_terminal_config(const struct kiosk_terminal *t)
{
  return t ? &t->cfg : NULL;
}

const struct kiosk_site *kiosk_terminal_site(const struct kiosk_terminal *t)
{
  return t ? t->site : NULL;
}
