/* One terminal's decision path: lookups, engine, journal, override queue
 * (kiosk/terminal.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bill.h"
#include "common/cardno.h"
#include "common/date.h"
#include "common/idno.h"
#include "common/token.h"
#include "kiosk/bills.h"
#include "kiosk/terminal.h"
#include "fileio.h"

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
  char qpath[KIOSK_PATH_MAX + 16]; /* <journal>.overrides: the queue, durable */
  int64_t last_time; /* time of the newest event journaled or queued: the clock's check */
  int clock_suspect; /* the last decision found the clock untrustworthy */
  struct kiosk_tariff *tariff; /* cashier: the fees in force */
  struct kiosk_bills *bills;   /* waived bills, not voided; NULL while the journal is down */
  char bpath[KIOSK_PATH_MAX + 16]; /* <journal>.bills: the index's sidecar */
  struct kiosk_bills_origin borigin; /* how the index was made at open, for the log */
  uint64_t bills_next_save;          /* after a failed write, not before this seq */
  kiosk_bill_check_fn bill_check;
  void *bill_ctx;
  /* A configuration and registry from the centre waiting for the decision thread
   * (kiosk_terminal_update): taken whole at the start of a decision, never in the middle
   * of one. Only these three fields are shared between threads. */
  pthread_mutex_t pending_mu;
  int pending;
  struct kiosk_config pending_cfg;
  struct kiosk_sites *pending_sites; /* NULL: keep the registry in force */
};

/* The newest event's time, so that a clock set back is seen before the first decision. */
static void learn_last_time(struct kiosk_terminal *t)
{
  uint64_t seq = 0;
  struct proto_event e;
  if (t->journal && kiosk_journal_last_seq(t->journal, &seq) == KIOSK_OK && seq &&
      kiosk_journal_get(t->journal, seq, &e) == KIOSK_OK && e.time > t->last_time)
    t->last_time = e.time;
}

/* The index of waived bills from its sidecar and the journal after it (kiosk/bills.h). */
static int bills_load(struct kiosk_terminal *t)
{
  memset(&t->borigin, 0, sizeof t->borigin);
  t->bills_next_save = 0;
  return kiosk_bills_open(t->journal, t->bpath, &t->bills, &t->borigin);
}

/* Write the sidecar when the index has moved on by KIOSK_BILLS_SAVE_EVERY events since
 * the last one (any move when force): so a start never reads more than that many events
 * of the journal. A failure (disk full, read-only) costs nothing but a longer start: it
 * is tried again KIOSK_BILLS_SAVE_EVERY events later. */
static void bills_checkpoint(struct kiosk_terminal *t, int force)
{
  if (!t->bills || !t->journal)
    return;
  uint64_t seq = kiosk_bills_seq(t->bills), saved = kiosk_bills_saved_seq(t->bills);
  if (seq == saved || seq < t->bills_next_save || (!force && seq - saved < KIOSK_BILLS_SAVE_EVERY))
    return;
  if (kiosk_bills_save(t->bills, t->journal, t->bpath) != KIOSK_OK)
    t->bills_next_save = seq + KIOSK_BILLS_SAVE_EVERY;
}

void kiosk_terminal_close(struct kiosk_terminal *t)
{
  if (!t)
    return;
  bills_checkpoint(t, 1);
  kiosk_bills_destroy(t->bills);
  kiosk_tariff_destroy(t->tariff);
  kiosk_journal_close(t->journal);
  kiosk_revlist_destroy(t->revlist);
  kiosk_revkey_destroy(t->revkey);
  kiosk_sites_destroy(t->sites);
  kiosk_sites_destroy(t->pending_sites);
  pthread_mutex_destroy(&t->pending_mu);
  free(t->queue);
  free(t);
}

int kiosk_terminal_update(struct kiosk_terminal *t, const struct kiosk_config *cfg,
                          struct kiosk_sites *sites)
{
  if (!t || !cfg)
    return KIOSK_E_INVALID_ARG;
  /* Who and where the terminal is, and its files, are the installation's: a document that
   * would change them is a mistake upstream, not something to put in force. */
  const struct kiosk_config *c = &t->cfg;
  if (strcmp(cfg->terminal_id, c->terminal_id) != 0 || strcmp(cfg->site_id, c->site_id) != 0 ||
      cfg->mode != c->mode || strcmp(cfg->vehicle, c->vehicle) != 0 ||
      strcmp(cfg->journal_path, c->journal_path) != 0 ||
      strcmp(cfg->revocation_path, c->revocation_path) != 0 ||
      strcmp(cfg->trust_dir, c->trust_dir) != 0 ||
      cfg->override_queue_max != c->override_queue_max)
    return KIOSK_E_INVALID_ARG;
  const struct kiosk_site *site = sites ? kiosk_sites_find(sites, cfg->site_id) : NULL;
  /* a bus not in the registry is in force only as a waiting one (registry_wait) */
  if (sites && (!site || !(site->modes & KIOSK_MODE_BIT(cfg->mode)) ||
                (cfg->mode == KIOSK_MODE_BUS && !cfg->registry_wait &&
                 !kiosk_site_has_vehicle(site, cfg->vehicle))))
    return KIOSK_E_CONFIG;
  pthread_mutex_lock(&t->pending_mu);
  t->pending_cfg = *cfg;
  if (sites) {
    kiosk_sites_destroy(t->pending_sites);
    t->pending_sites = sites;
  }
  t->pending = 1;
  pthread_mutex_unlock(&t->pending_mu);
  return KIOSK_OK;
}

/* The decision thread's side of kiosk_terminal_update. */
static void take_pending(struct kiosk_terminal *t)
{
  struct kiosk_sites *old = NULL;
  pthread_mutex_lock(&t->pending_mu);
  if (t->pending) {
    t->cfg = t->pending_cfg;
    if (t->pending_sites) {
      old = t->sites;
      t->sites = t->pending_sites;
      t->site = kiosk_sites_find(t->sites, t->cfg.site_id); /* checked by the update */
      t->pending_sites = NULL;
    }
    t->pending = 0;
  }
  pthread_mutex_unlock(&t->pending_mu);
  kiosk_sites_destroy(old);
}

/* ------------------------------------------------- durable override queue -- */

/* Overrides granted while the journal is down are promises already kept at the gate:
 * they must survive a power cut. Each is one JSON line (kiosk_event_to_json) appended to
 * <journal>.overrides and fsync'd before the grant is returned; the file is rewritten
 * with what is left after the journal took some. A line without its newline is a write
 * cut by the crash, before the grant was given: ignored. */

static int queue_line(int fd, const struct proto_event *e)
{
  char *s = kiosk_event_to_json(e);
  if (!s)
    return -1;
  int bad = kiosk_file_write_all(fd, s, strlen(s)) != 0 || kiosk_file_write_all(fd, "\n", 1) != 0;
  free(s);
  return bad ? -1 : 0;
}

/* Append one override, durably. */
static int queue_persist(struct kiosk_terminal *t, const struct proto_event *e)
{
  int existed = access(t->qpath, F_OK) == 0;
  int fd = open(t->qpath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return KIOSK_E_IO;
  int bad = queue_line(fd, e) != 0 || fsync(fd) != 0;
  bad = close(fd) != 0 || bad;
  if (!bad && !existed && kiosk_file_fsync_dir(t->qpath) != 0)
    bad = 1;
  return bad ? KIOSK_E_IO : KIOSK_OK;
}

/* Replace the file with the queue as it is now (empty: removed). */
static int queue_rewrite(struct kiosk_terminal *t)
{
  if (t->nqueue == 0) {
    if (unlink(t->qpath) != 0 && errno != ENOENT)
      return KIOSK_E_IO;
    kiosk_file_fsync_dir(t->qpath);
    return KIOSK_OK;
  }
  char tmp[KIOSK_PATH_MAX + 32];
  snprintf(tmp, sizeof tmp, "%s.tmp", t->qpath);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return KIOSK_E_IO;
  int bad = 0;
  for (size_t i = 0; i < t->nqueue && !bad; i++)
    bad = queue_line(fd, &t->queue[i]) != 0;
  bad = fsync(fd) != 0 || bad;
  bad = close(fd) != 0 || bad;
  if (bad || rename(tmp, t->qpath) != 0 || kiosk_file_fsync_dir(t->qpath) != 0) {
    unlink(tmp);
    return KIOSK_E_IO;
  }
  return KIOSK_OK;
}

static int queue_load(struct kiosk_terminal *t, struct kiosk_diag *diag)
{
  int fd = open(t->qpath, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? KIOSK_OK : kiosk_diag_set(diag, KIOSK_E_IO, t->qpath, 0, "%s",
                                                       strerror(errno));
  size_t cap = (size_t)t->cfg.override_queue_max * (KIOSK_EVENT_JSON_MAX + 1) + 1;
  char *buf = malloc(cap);
  size_t len = 0;
  int rc = buf ? KIOSK_OK : KIOSK_E_NO_MEMORY;
  while (rc == KIOSK_OK) {
    ssize_t r = read(fd, buf + len, cap - len);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      rc = kiosk_diag_set(diag, KIOSK_E_IO, t->qpath, 0, "read error");
    else if (r == 0)
      break;
    else if ((len += (size_t)r) == cap)
      rc = kiosk_diag_set(diag, KIOSK_E_TOO_LARGE, t->qpath, 0,
                          "more overrides than override_queue_max");
  }
  close(fd);
  unsigned line = 0;
  for (size_t pos = 0; rc == KIOSK_OK && pos < len;) {
    char *nl = memchr(buf + pos, '\n', len - pos);
    if (!nl)
      break; /* cut by the crash before its fsync: that grant was never given */
    line++;
    if (t->nqueue >= t->cfg.override_queue_max)
      rc = kiosk_diag_set(diag, KIOSK_E_TOO_LARGE, t->qpath, line,
                          "more overrides than override_queue_max");
    else if (kiosk_event_from_json(buf + pos, (size_t)(nl - buf) - pos, &t->queue[t->nqueue]) !=
             KIOSK_OK)
      rc = kiosk_diag_set(diag, KIOSK_E_FORMAT, t->qpath, line, "queued override malformed");
    else
      t->nqueue++;
    pos = (size_t)(nl - buf) + 1;
  }
  free(buf);
  return rc;
}

static int same_event(const struct proto_event *a, const struct proto_event *b)
{
  return a->time == b->time && a->mode == b->mode && a->generation == b->generation &&
         a->kind == b->kind && a->verdict == b->verdict && a->reasons == b->reasons &&
         a->amount_fen == b->amount_fen && !strcmp(a->terminal, b->terminal) &&
         !strcmp(a->site, b->site) && !strcmp(a->vehicle, b->vehicle) &&
         !strcmp(a->card_no, b->card_no) && !strcmp(a->bill_ref, b->bill_ref) &&
         !strcmp(a->staff_id, b->staff_id) && !strcmp(a->route, b->route) &&
         !strcmp(a->trip, b->trip) && !strcmp(a->stop, b->stop);
}

/* A crash after the journal took an override but before the file was rewritten leaves
 * it in both: drop from the queue's head what the journal's tail already holds. */
static void queue_drop_journaled(struct kiosk_terminal *t)
{
  uint64_t last = 0;
  if (!t->nqueue || kiosk_journal_last_seq(t->journal, &last) != KIOSK_OK || last == 0)
    return;
  uint64_t from = last > t->nqueue ? last - t->nqueue + 1 : 1;
  size_t drop = 0;
  for (uint64_t s = from; s <= last && drop < t->nqueue; s++) {
    struct proto_event e;
    if (kiosk_journal_get(t->journal, s, &e) != KIOSK_OK)
      return;
    if (same_event(&e, &t->queue[drop]))
      drop++;
    else
      drop = same_event(&e, &t->queue[0]) ? 1 : 0;
  }
  if (drop) {
    memmove(t->queue, t->queue + drop, (t->nqueue - drop) * sizeof *t->queue);
    t->nqueue -= drop;
    queue_rewrite(t);
  }
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
  if (pthread_mutex_init(&t->pending_mu, NULL) != 0) {
    free(t);
    return kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, "", 0, "out of memory");
  }
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
  snprintf(t->qpath, sizeof t->qpath, "%s.overrides", cfg->journal_path);
  if ((rc = queue_load(t, diag)) != KIOSK_OK)
    goto out_fail;
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
  learn_last_time(t);
  snprintf(t->bpath, sizeof t->bpath, "%s.bills", cfg->journal_path);
  if (t->journal && (rc = bills_load(t)) != KIOSK_OK) {
    rc = kiosk_diag_set(diag, rc, cfg->journal_path, 0, "cannot index its waived bills");
    goto out_fail;
  }
  bills_checkpoint(t, 0);
  if ((rc = kiosk_tariff_create(&t->tariff)) != KIOSK_OK)
    goto out_fail;
  char tpath[KIOSK_PATH_MAX + 16];
  snprintf(tpath, sizeof tpath, "%s.tariff", cfg->journal_path);
  rc = kiosk_tariff_load_file(t->tariff, tpath, cfg->site_id, diag);
  if (rc == KIOSK_E_NOT_FOUND)
    rc = KIOSK_OK; /* no tariff yet: a cashier refuses (TARIFF_MISSING) until one comes */
  if (rc != KIOSK_OK)
    goto out_fail;
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
    learn_last_time(t);
  }
  if (!t->bills && bills_load(t) != KIOSK_OK)
    t->bills = NULL; /* tried again at the next flush */
  queue_drop_journaled(t);
  size_t done = 0;
  int rc = KIOSK_OK;
  while (done < t->nqueue) {
    rc = kiosk_journal_append(t->journal, &t->queue[done]);
    if (rc != KIOSK_OK)
      break;
    if (t->bills)
      kiosk_bills_note(t->bills, t->journal, &t->queue[done]);
    done++;
  }
  if (done) {
    memmove(t->queue, t->queue + done, (t->nqueue - done) * sizeof *t->queue);
    t->nqueue -= done;
    queue_rewrite(t); /* a failure leaves them in the file: dropped at the next flush */
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
  snprintf(e->route, sizeof e->route, "%s", t->cfg.route);
  snprintf(e->trip, sizeof e->trip, "%s", t->cfg.trip);
  snprintf(e->stop, sizeof e->stop, "%s", t->cfg.stop);
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
    /* The item waived: the tariff's consultation fee for this visit kind. */
    proto_event_set_visit(e, (int)in->visit);
    snprintf(e->fee_item, sizeof e->fee_item, "consultation");
  }
  /* A cashier's every decision names the staff member at the till (issue 12); elsewhere
   * only a staff action does. */
  if ((in->staff || t->cfg.mode == KIOSK_MODE_CASHIER) &&
      common_token_valid(staff_id, KIOSK_STAFF_ID_MAX) && !common_id_shaped(staff_id))
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
  take_pending(t);

  /* Overrides first, so the journal stays in time order. */
  if (!t->journal_ok || t->nqueue)
    kiosk_terminal_flush(t);

  /* Never journal a time that cannot be trusted (issue 11: a clock at 1970 wedged the
   * sync): before the floor, or behind the newest event by more than the margin, the
   * decision uses and records the last trusted time and staff decide. */
  int suspect = now < t->cfg.clock_floor ||
                (t->last_time && now < t->last_time - (int64_t)t->cfg.clock_margin_s);
  if (suspect)
    now = t->last_time > t->cfg.clock_floor ? t->last_time : t->cfg.clock_floor;
  t->clock_suspect = suspect;

  const char *staff_id = in->staff_id ? in->staff_id : t->cfg.staff_id;
  struct kiosk_request r;
  memset(&r, 0, sizeof r);
  r.card = in->card;
  r.mode = t->cfg.mode;
  r.site_modes = t->site->modes;
  r.now = now;
  r.clock_suspect = suspect;
  r.registry_wait = t->cfg.registry_wait != KIOSK_REGWAIT_NONE;
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
  struct kiosk_input cin = *in; /* the input as journaled: the amount resolved */
  if (t->cfg.mode == KIOSK_MODE_CASHIER) {
    int32_t today = common_local_day(now, t->cfg.policy.utc_offset_s);
    if (kiosk_tariff_fee(t->tariff, (int)in->visit, today, &r.tariff_fen, NULL) == KIOSK_OK &&
        r.amount_fen == 0)
      r.amount_fen = r.tariff_fen; /* the keyboard flow waives the tariff's fee */
    cin.amount_fen = r.amount_fen;
    if (common_bill_no_valid(in->bill_ref) &&
        kiosk_bills_find(t->bills, t->journal, t->cfg.site_id, in->bill_ref, &r.bill_prior.seq,
                         &r.bill_prior.time) == KIOSK_OK)
      r.bill_prior.where = KIOSK_BILL_HERE;
    /* An override granted while the journal was down is a waiver too (no seq yet). */
    for (size_t i = 0; i < t->nqueue && r.bill_prior.where == KIOSK_BILL_NONE; i++)
      if (kiosk_bills_is_waiver(&t->queue[i]) && common_bill_no_valid(in->bill_ref) &&
          strcmp(t->queue[i].site, t->cfg.site_id) == 0 &&
          strcmp(t->queue[i].bill_ref, in->bill_ref) == 0) {
        r.bill_prior.where = KIOSK_BILL_HERE;
        r.bill_prior.time = t->queue[i].time;
      }
  }
  in = &cin;
  r.journal_writable = t->journal_ok && t->nqueue == 0;
  r.override_queue_room = t->nqueue < t->cfg.override_queue_max;

  kiosk_decide(&t->cfg.policy, &r, &out->verdict);
  /* Across the hospital's terminals: only for a waiver about to be given, so a staff
   * question never waits on the network. A waiver the centre holds from this terminal
   * is this index's business (it may be voided here and the void not yet uploaded). */
  if (t->cfg.mode == KIOSK_MODE_CASHIER && out->verdict.verdict == KIOSK_VERDICT_GRANT &&
      t->bill_check) {
    struct kiosk_bill_prior p;
    memset(&p, 0, sizeof p);
    if (t->bill_check(t->bill_ctx, in->bill_ref, &p) == 1 && p.where == KIOSK_BILL_CENTRE &&
        strcmp(p.terminal, t->cfg.terminal_id) != 0) {
      r.bill_prior = p;
      kiosk_decide(&t->cfg.policy, &r, &out->verdict);
    }
  }
  out->revocation = r.revocation;
  out->recent = r.recent;
  out->tariff_fen = r.tariff_fen;
  if (out->verdict.deny & KIOSK_RBIT(BILL_ALREADY_WAIVED))
    out->bill_prior = r.bill_prior;
  if (out->verdict.verdict == KIOSK_VERDICT_STAFF_CHECK)
    return KIOSK_OK;

  struct proto_event e;
  if (r.journal_writable) {
    make_event(t, in, &out->verdict, now, staff_id, &e);
    if (kiosk_journal_append(t->journal, &e) == KIOSK_OK) {
      if (e.time > t->last_time)
        t->last_time = e.time;
      if (t->bills && kiosk_bills_note(t->bills, t->journal, &e) != KIOSK_OK) {
        /* Out of memory: rebuilt from the journal at the next flush rather than wrong. */
        kiosk_bills_destroy(t->bills);
        t->bills = NULL;
      }
      bills_checkpoint(t, 0);
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
    if (queue_persist(t, &t->queue[t->nqueue]) != KIOSK_OK) {
      /* Not durable, so not granted: a power cut would lose it. */
      out->verdict.verdict = KIOSK_VERDICT_DENY;
      out->verdict.reasons |= KIOSK_RBIT(OVERRIDE_QUEUE_FULL);
      out->verdict.deny |= KIOSK_RBIT(OVERRIDE_QUEUE_FULL);
      out->verdict.flags &= ~KIOSK_VF_OVERRIDE_USED;
      return KIOSK_OK;
    }
    if (now > t->last_time)
      t->last_time = now;
    t->nqueue++;
    out->queued = 1;
  }
  return KIOSK_OK;
}

void kiosk_terminal_set_bill_check(struct kiosk_terminal *t, kiosk_bill_check_fn fn, void *ctx)
{
  if (!t)
    return;
  t->bill_check = fn;
  t->bill_ctx = ctx;
}

struct kiosk_tariff *kiosk_terminal_tariff(struct kiosk_terminal *t)
{
  return t ? t->tariff : NULL;
}

int kiosk_terminal_void(struct kiosk_terminal *t, uint64_t waiver_seq, const char *staff_id,
                        int64_t now, uint64_t *seq)
{
  if (seq)
    *seq = 0;
  if (!t || !common_token_valid(staff_id, KIOSK_STAFF_ID_MAX) || common_id_shaped(staff_id))
    return KIOSK_E_INVALID_ARG;
  if (!t->journal_ok || t->nqueue || !t->bills)
    kiosk_terminal_flush(t);
  if (!t->journal_ok || t->nqueue || !t->bills)
    return KIOSK_E_IO;
  struct proto_event w, e;
  if (waiver_seq == 0 || kiosk_journal_get(t->journal, waiver_seq, &w) != KIOSK_OK ||
      !kiosk_bills_is_waiver(&w))
    return KIOSK_E_NOT_FOUND;
  uint64_t held = 0;
  int64_t when;
  if (kiosk_bills_find(t->bills, t->journal, w.site, w.bill_ref, &held, &when) != KIOSK_OK ||
      held != waiver_seq)
    return KIOSK_E_CONFLICT; /* voided already */
  if (now < t->cfg.clock_floor ||
      (t->last_time && now < t->last_time - (int64_t)t->cfg.clock_margin_s))
    now = t->last_time > t->cfg.clock_floor ? t->last_time : t->cfg.clock_floor;
  memset(&e, 0, sizeof e);
  e.time = now;
  snprintf(e.terminal, sizeof e.terminal, "%s", t->cfg.terminal_id);
  snprintf(e.site, sizeof e.site, "%s", w.site);
  e.mode = w.mode;
  e.kind = KIOSK_EVENT_VOID;
  e.verdict = KIOSK_VERDICT_GRANT;
  snprintf(e.card_no, sizeof e.card_no, "%s", w.card_no);
  e.generation = w.generation;
  snprintf(e.bill_ref, sizeof e.bill_ref, "%s", w.bill_ref);
  snprintf(e.visit, sizeof e.visit, "%s", w.visit);
  snprintf(e.fee_item, sizeof e.fee_item, "%s", w.fee_item);
  snprintf(e.staff_id, sizeof e.staff_id, "%s", staff_id);
  proto_event_set_ref_seq(&e, waiver_seq);
  int rc = kiosk_journal_append(t->journal, &e);
  if (rc != KIOSK_OK) {
    t->journal_ok = 0;
    return rc;
  }
  if (e.time > t->last_time)
    t->last_time = e.time;
  kiosk_bills_note(t->bills, t->journal, &e);
  bills_checkpoint(t, 0);
  if (seq)
    *seq = e.seq;
  return KIOSK_OK;
}

/* A card-less event (staff, gate fault): after the queued overrides, at a trusted time. */
static int record_plain(struct kiosk_terminal *t, int kind, int verdict, const char *staff_id,
                        uint64_t ref_seq, int64_t now, uint64_t *seq)
{
  take_pending(t);
  if (!t->journal_ok || t->nqueue)
    kiosk_terminal_flush(t);
  if (!t->journal_ok || t->nqueue)
    return KIOSK_E_IO;
  /* Same clock rule as a decision: a time that cannot be trusted is never journaled. */
  if (now < t->cfg.clock_floor ||
      (t->last_time && now < t->last_time - (int64_t)t->cfg.clock_margin_s))
    now = t->last_time > t->cfg.clock_floor ? t->last_time : t->cfg.clock_floor;
  struct proto_event e;
  memset(&e, 0, sizeof e);
  e.time = now;
  snprintf(e.terminal, sizeof e.terminal, "%s", t->cfg.terminal_id);
  snprintf(e.site, sizeof e.site, "%s", t->cfg.site_id);
  e.mode = t->cfg.mode;
  snprintf(e.vehicle, sizeof e.vehicle, "%s", t->cfg.vehicle);
  e.kind = kind;
  e.verdict = verdict;
  snprintf(e.staff_id, sizeof e.staff_id, "%s", staff_id);
  if (ref_seq)
    proto_event_set_ref_seq(&e, ref_seq);
  int rc = kiosk_journal_append(t->journal, &e);
  if (rc != KIOSK_OK) {
    t->journal_ok = 0;
    return rc;
  }
  if (e.time > t->last_time)
    t->last_time = e.time;
  if (t->bills)
    kiosk_bills_note(t->bills, t->journal, &e); /* not a waiver: the covered seq moves on */
  if (seq)
    *seq = e.seq;
  return KIOSK_OK;
}

int kiosk_terminal_record_staff(struct kiosk_terminal *t, int kind, const char *staff_id,
                                int64_t now, uint64_t *seq)
{
  if (seq)
    *seq = 0;
  if (!t || !PROTO_EVENT_IS_STAFF(kind) || !staff_id ||
      !common_token_valid(staff_id, KIOSK_STAFF_ID_MAX) || common_id_shaped(staff_id))
    return KIOSK_E_INVALID_ARG;
  return record_plain(t, kind, kind == KIOSK_EVENT_LOCKOUT ? KIOSK_VERDICT_DENY
                                                           : KIOSK_VERDICT_GRANT,
                      staff_id, 0, now, seq);
}

int kiosk_terminal_record_gate_fault(struct kiosk_terminal *t, uint64_t ref_seq,
                                     const char *staff_id, int64_t now, uint64_t *seq)
{
  if (seq)
    *seq = 0;
  if (!staff_id)
    staff_id = "";
  if (!t || ref_seq == 0 ||
      (staff_id[0] && (!common_token_valid(staff_id, KIOSK_STAFF_ID_MAX) ||
                       common_id_shaped(staff_id))))
    return KIOSK_E_INVALID_ARG;
  return record_plain(t, KIOSK_EVENT_GATE_FAULT, KIOSK_VERDICT_GRANT, staff_id, ref_seq, now,
                      seq);
}

void kiosk_terminal_status(struct kiosk_terminal *t, struct kiosk_terminal_status *out)
{
  memset(out, 0, sizeof *out);
  if (!t)
    return;
  out->journal_ok = t->journal_ok;
  out->clock_suspect = t->clock_suspect;
  out->overrides_queued = t->nqueue;
  if (t->journal) {
    kiosk_journal_last_seq(t->journal, &out->last_seq);
    kiosk_journal_count_unsent(t->journal, &out->unsent);
  }
  out->revlist_version = kiosk_revlist_version(t->revlist);
  out->revlist_issued_at = kiosk_revlist_issued_at(t->revlist);
  out->revlist_entries = kiosk_revlist_count(t->revlist);
}

const struct kiosk_bills_origin *kiosk_terminal_bills_origin(const struct kiosk_terminal *t)
{
  return t && t->bills ? &t->borigin : NULL;
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
