/*
 * The decision thread of `kiosk run` (session.h): card in -> read and verify -> decide
 * -> journal -> view; staff actions -> decide again; every second the status.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cardio/cardio.h>
#include <cardio/crypto.h>
#include <common/date.h>
#include <common/idno.h>
#include <kiosk/bills.h>
#include <netsync/netsync.h>
#include <proto/proto.h>

#include "actuator.h"
#include "applog.h"
#include "readers_seen.h"
#include "desk.h"
#include "session.h"
#include "staff.h"
#include "tap.h"
#include "text.h"
#include "ui_adapter.h"

#define QUEUE_MAX 64u
#define TICK_MS SESSION_TICK_MS
#define STATUS_REFRESH_MS 15000u /* post the status at least this often (ages move) */
#define READERS_SETTLE_MS 3000u  /* the watcher has reported the readers present by then */

/* ----------------------------------------------------------------- inputs -- */

enum sev_kind { SEV_CARD_IN, SEV_CARD_OUT, SEV_READER_ADDED, SEV_READER_REMOVED, SEV_SERVICE_LOST,
                SEV_SERVICE_BACK, SEV_ACTION, SEV_HIS_BEGIN, SEV_HIS_CANCEL, SEV_CALL };

/* session_call's slot, on the caller's stack until done is set (under omu). */
struct ses_call {
  void (*fn)(struct kiosk_terminal *t, void *arg);
  void *arg;
  int done, ran;
};

struct sev {
  enum sev_kind kind;
  char reader[KIOSK_READER_MAX + 1];
  struct ui_action action;
  struct session_his_req his; /* SEV_HIS_BEGIN; SEV_HIS_CANCEL: his.id */
  enum session_his_cause his_by; /* SEV_HIS_CANCEL */
  struct ses_call *call;      /* SEV_CALL */
};

/* ------------------------------------------------------------------ state -- */

#define SES_STATE_MAP(X)                                                                 \
  X(IDLE, "idle")       /* nothing on screen of ours: waiting for a card */              \
  X(READING, "reading") /* the honour card is being read */                              \
  X(ASKING, "asking")   /* a STAFF_CHECK is on screen: staff or the social security card */\
  X(DONE, "done")       /* a GRANT or DENY is on screen */

enum ses_state {
#define SES_X(name, text) SES_##name,
  SES_STATE_MAP(SES_X)
#undef SES_X
};
static const char *const ses_state_names[] = {
#define SES_X(name, text) text,
    SES_STATE_MAP(SES_X)
#undef SES_X
};

/* The reader as the watcher reports it. */
enum reader_state { RD_MISSING, RD_READY, RD_CARD, RD_ERROR };
static const char *const reader_names[] = {"missing", "ready", "card", "error"};

struct session {
  struct kiosk_config cfg;
  struct ui *ui;
  int (*doc_version)(void *user, const char *kind, uint64_t *version);
  void *doc_user;
  char version[32];
  struct netsync *ns;
  struct kiosk_terminal *term;
  struct term_tap *tap;    /* the card path (tap.c): trust store, PC/SC context */
  char site_name[UI_SITE_MAX];
  char site_name_en[UI_SITE_MAX]; /* assets/sites.ini name_en: the English screens */

  pthread_t thread;
  int started;
  pthread_mutex_t mu; /* queue, stop flag, heartbeat, reader state */
  pthread_cond_t cond;
  int stopping;
  struct sev q[QUEUE_MAX];
  size_t qhead, qn;
  uint64_t heartbeat_ms;
  enum reader_state reader; /* the honour card reader */
  int service_up;

  /* the session (decision thread only) */
  enum ses_state state;
  uint32_t seq;           /* the last view's seq; actions must name it */
  struct term_card card;  /* the honour card as read: facts, record, masked name, photo */
  char id_masked[UI_ID_MAX];
  enum kiosk_holder holder;
  unsigned staff;
  enum kiosk_visit visit;
  char bill[KIOSK_BILL_REF_MAX + 1];
  unsigned needs;         /* of the view on screen */
  int ssc_fresh;          /* a card went into the SSC reader since the last session */
  int ssc_present;        /* a card is in the SSC reader */

  /* status (decision thread) */
  struct ui_status last_status;
  uint64_t last_status_ms, last_tick_ms;
  int32_t count_day;
  uint32_t grants, denies, staff_checks;

  struct term_desk *desk; /* station mode: the hand-over desk (desk.c), else NULL */
  struct term_actuator *gate; /* [gate]: fired on a journaled GRANT (actuator.c), or NULL */
  struct term_readers_seen seen; /* every reader the watcher reported: the missing-reader log */
  uint64_t start_ms;

  /* the HIS API's request (decision thread); its result is published under omu */
  int his_pending;
  struct session_his_req his;
  void (*his_notify)(void *user);
  void *his_user;

  /* published for other threads */
  pthread_mutex_t omu;
  pthread_cond_t ocond;
  struct session_outcome outcome;
  struct session_info info;
  struct session_his_result his_res;
};

/* ----------------------------------------------------------------- helpers -- */

static void cond_init_monotonic(pthread_cond_t *c)
{
  pthread_condattr_t a;
  pthread_condattr_init(&a);
  pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
  pthread_cond_init(c, &a);
  pthread_condattr_destroy(&a);
}

static void deadline_in(struct timespec *ts, int ms)
{
  clock_gettime(CLOCK_MONOTONIC, ts);
  ts->tv_sec += ms / 1000;
  ts->tv_nsec += (long)(ms % 1000) * 1000000L;
  if (ts->tv_nsec >= 1000000000L) {
    ts->tv_sec++;
    ts->tv_nsec -= 1000000000L;
  }
}

/* The session's state machine: the only place the state changes. */
static void set_state(struct session *s, enum ses_state to, const char *why)
{
  if (to == s->state)
    return;
  app_log("session: %s -> %s (%s)", ses_state_names[s->state], ses_state_names[to], why);
  s->state = to;
}

/* Forget the holder: a new card, a timeout, a refusal. */
static void session_clear(struct session *s)
{
  term_card_clear(&s->card);
  memset(s->id_masked, 0, sizeof s->id_masked);
  s->holder = KIOSK_HOLDER_NOT_PRESENTED;
  s->staff = 0;
  s->visit = KIOSK_VISIT_NONE;
  s->bill[0] = '\0';
  s->needs = 0;
}

static void end_session(struct session *s, const char *why)
{
  session_clear(s);
  s->ssc_fresh = 0; /* a social security card left in its reader belongs to nobody now */
  set_state(s, SES_IDLE, why);
}

/* ---------------------------------------------------------------- publish -- */

static void needs_text(unsigned needs, char *buf, size_t cap)
{
  static const struct {
    unsigned bit;
    const char *name;
  } t[] = {{UI_NEED_HOLDER_CONFIRM, "confirm"}, {UI_NEED_CREDENTIAL, "credential"},
           {UI_NEED_VISIT, "visit"},            {UI_NEED_BILL, "bill"},
           {UI_NEED_REPEAT_ACCEPT, "repeat"},   {UI_NEED_STAFF_LOGIN, "login"},
           {UI_OFFER_OVERRIDE, "override"}};
  buf[0] = '\0';
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (needs & t[i].bit) {
      size_t n = strlen(buf);
      snprintf(buf + n, cap - n, "%s%s", n ? "," : "", t[i].name);
    }
}

static void publish(struct session *s, const struct session_outcome *o)
{
  pthread_mutex_lock(&s->omu);
  uint32_t seq = s->outcome.seq + 1;
  s->outcome = *o;
  s->outcome.seq = seq;
  pthread_cond_broadcast(&s->ocond);
  pthread_mutex_unlock(&s->omu);
}

void session_last_outcome(struct session *s, struct session_outcome *out)
{
  pthread_mutex_lock(&s->omu);
  *out = s->outcome;
  pthread_mutex_unlock(&s->omu);
}

int session_wait_outcome(struct session *s, uint32_t after, int timeout_ms,
                         struct session_outcome *out)
{
  struct timespec dl;
  deadline_in(&dl, timeout_ms);
  int rc = 0;
  pthread_mutex_lock(&s->omu);
  while (s->outcome.seq <= after && rc == 0)
    rc = pthread_cond_timedwait(&s->ocond, &s->omu, &dl);
  int ok = s->outcome.seq > after;
  *out = s->outcome;
  pthread_mutex_unlock(&s->omu);
  return ok ? 0 : -1;
}

void session_get_info(struct session *s, struct session_info *out)
{
  pthread_mutex_lock(&s->omu);
  *out = s->info;
  pthread_mutex_unlock(&s->omu);
}

/* ------------------------------------------------------------ card access -- */

/* The honour card on the reader holds a record to match a holder against. */
static int have_rec(const struct session *s)
{
  return s->card.kind == TERM_TAP_HONOUR && s->card.res.have_record;
}

/* A social security card in reader, matched against the honour card: 1 it was one
 * (s->holder, s->id_masked set), 0 none there, -1 the exchange failed (tap.h). */
static int read_ssc(struct session *s, const char *reader)
{
  return term_tap_ssc(s->tap, reader, &s->card, &s->holder, s->id_masked, sizeof s->id_masked);
}

/* ------------------------------------------------------------- decisions -- */

static void reasons_text(uint64_t bits, char *buf, size_t cap)
{
  buf[0] = '\0';
  for (int r = 0; r < KIOSK_R_COUNT; r++)
    if (bits & (UINT64_C(1) << (unsigned)r)) {
      size_t n = strlen(buf);
      snprintf(buf + n, cap - n, "%s%s", n ? "," : "", kiosk_reason_name(r));
    }
}

static void post_status(struct session *s, int force);
static void staff_events(struct session *s);

/* A bill refused as already waived: the screen names the earlier waiver (its seq, time
 * and, from the centre, its terminal) so staff can find it; never its holder. */
static void prior_text(struct ui_view *v, const struct kiosk_bill_prior *p, int32_t offset_s)
{
  char day[COMMON_DATE_LEN + 1], zh[UI_TEXT_MAX], en[UI_TEXT_MAX], where[80] = "";
  int64_t local = p->time + offset_s, sod = ((local % 86400) + 86400) % 86400;
  common_date_format(common_local_day(p->time, offset_s), day);
  if (p->where == KIOSK_BILL_CENTRE)
    snprintf(where, sizeof where, " @ %s", p->terminal);
  snprintf(zh, sizeof zh, "已于 %s %02d:%02d 免除，记录号 %" PRIu64 "%s", day, (int)(sod / 3600),
           (int)(sod / 60 % 60), p->seq, where);
  snprintf(en, sizeof en, "waived on %s %02d:%02d, record %" PRIu64 "%s", day, (int)(sod / 3600),
           (int)(sod / 60 % 60), p->seq, where);
  ui_view_add_reason(v, NULL, zh, en);
}

/* ----------------------------------------------------------------- HIS API -- */

static void his_publish(struct session *s, const struct session_his_result *r)
{
  /* notify under the lock: once session_set_his_notify(NULL) returns, none is running */
  pthread_mutex_lock(&s->omu);
  s->his_res = *r;
  if (s->his_notify)
    s->his_notify(s->his_user);
  pthread_mutex_unlock(&s->omu);
}

static void his_set_state(struct session *s, uint32_t id, enum session_his_state st)
{
  struct session_his_result r;
  memset(&r, 0, sizeof r);
  r.id = id;
  r.state = st;
  his_publish(s, &r);
}

static const char *his_cause_text(enum session_his_cause by)
{
  switch (by) {
  case SESSION_HIS_BY_EXPIRY:
    return "expired";
  case SESSION_HIS_BY_CASHIER:
    return "cancelled by the cashier";
  case SESSION_HIS_BY_STOP:
    return "the terminal is stopping";
  case SESSION_HIS_BY_HIS:
  default:
    return "withdrawn by the billing system";
  }
}

/* The pending request ends without a verdict: nothing journaled, the holder's session
 * (if any) over, the screen back to idle. A withdrawal the cashier did not make is
 * shown for a few seconds ("withdrawn by the billing system"); the cashier's own Esc
 * already left the request's screen. */
static void his_withdraw(struct session *s, enum session_his_cause by)
{
  if (!s->his_pending)
    return;
  uint32_t id = s->his.id;
  s->his_pending = 0;
  if (by == SESSION_HIS_BY_CASHIER) {
    ui_post_request_end(s->ui, NULL);
    if (s->state != SES_IDLE)
      ui_post_reset(s->ui);
  } else {
    ui_post_request_end(s->ui, by == SESSION_HIS_BY_STOP ? NULL : "request.withdrawn");
  }
  if (s->state != SES_IDLE)
    end_session(s, "HIS request withdrawn");
  app_log("HIS request %u withdrawn (%s): nothing journaled", id, his_cause_text(by));
  struct session_his_result r;
  memset(&r, 0, sizeof r);
  r.id = id;
  r.state = SESSION_HIS_CANCELLED;
  r.cancelled_by = by;
  his_publish(s, &r);
}

/* The request's screen: what the billing system asks for, with the fee the tariff in
 * force waives today for that visit kind (none: shown as such; the engine will refuse). */
static void his_show(struct session *s)
{
  struct ui_request ur;
  memset(&ur, 0, sizeof ur);
  ur.id = s->his.id;
  term_copy_str(ur.bill_ref, sizeof ur.bill_ref, s->his.bill);
  ur.visit = s->his.visit == KIOSK_VISIT_OUTPATIENT  ? UI_VISIT_OUTPATIENT
             : s->his.visit == KIOSK_VISIT_INPATIENT ? UI_VISIT_INPATIENT
             : s->his.visit == KIOSK_VISIT_EMERGENCY ? UI_VISIT_EMERGENCY
                                                     : UI_VISIT_NONE;
  int64_t fee = -1;
  int32_t day = common_local_day((int64_t)time(NULL), s->cfg.policy.utc_offset_s);
  if (kiosk_tariff_fee(kiosk_terminal_tariff(s->term), (int)s->his.visit, day, &fee, NULL) !=
      KIOSK_OK)
    fee = -1;
  ur.fee_fen = fee;
  int rc = ui_post_request(s->ui, &ur);
  if (rc != UI_OK)
    app_log("HIS request %u: ui_post_request: %s", ur.id, ui_errname(rc));
}

/* The pending request's bill and visit are the session's: the screen does not ask. */
static void his_apply(struct session *s)
{
  if (!s->his_pending)
    return;
  s->visit = s->his.visit;
  term_copy_str(s->bill, sizeof s->bill, s->his.bill);
}

/* A decision while a request waits: a GRANT or DENY answers it; a STAFF_CHECK says what
 * it still waits for. */
static void his_decided(struct session *s, const struct kiosk_outcome *out, const char *staff_id)
{
  if (!s->his_pending)
    return;
  struct session_his_result r;
  memset(&r, 0, sizeof r);
  r.id = s->his.id;
  r.verdict = out->verdict.verdict;
  r.reasons = out->verdict.reasons;
  r.deny = out->verdict.deny;
  r.staff = out->verdict.staff;
  r.seq = out->seq;
  r.journaled = out->journaled;
  r.queued = out->queued;
  term_copy_str(r.staff_id, sizeof r.staff_id, staff_id);
  if (out->verdict.verdict == KIOSK_VERDICT_STAFF_CHECK) {
    r.state = SESSION_HIS_PENDING;
  } else {
    r.state = SESSION_HIS_DONE;
    if (out->verdict.verdict == KIOSK_VERDICT_GRANT)
      r.amount_fen = out->tariff_fen;
    s->his_pending = 0;
    ui_post_request_end(s->ui, NULL); /* the verdict on screen stays; then idle */
    app_log("HIS request %u: %s, journal seq %" PRIu64, r.id,
            kiosk_verdict_name(out->verdict.verdict), out->seq);
  }
  his_publish(s, &r);
}

/* Decide on what the session knows, journal, show (show 0: journal and publish only). */
static void decide_show(struct session *s, const char *why, int show)
{
  struct kiosk_input in;
  memset(&in, 0, sizeof in);
  in.card = &s->card.facts;
  in.holder = s->holder;
  in.staff = s->staff;
  char staff_id[TERM_STAFF_ID_MAX + 1];
  term_staff_current(staff_id, sizeof staff_id); /* "" when nobody is signed in */
  in.staff_id = staff_id;
  in.visit = s->visit;
  in.bill_ref = s->bill[0] ? s->bill : NULL;
  in.amount_fen = 0; /* a cashier waives the tariff's fee for the visit kind (kiosk/tariff.h) */
  if (s->his_pending && s->his.amount_fen > 0)
    in.amount_fen = s->his.amount_fen; /* the HIS's amount: the engine refuses another */
  struct kiosk_outcome out;
  kiosk_terminal_decide(s->term, &in, (int64_t)time(NULL), &out);
  in.amount_fen = out.tariff_fen; /* the screen shows the fee the tariff waives */
  /* The gate opens for a GRANT the journal holds, and for nothing else; the pulse runs
   * on the actuator's thread. An override queued while the journal is down opens
   * nothing: staff who gave it let the holder through by hand. */
  if (out.verdict.verdict == KIOSK_VERDICT_GRANT && out.journaled)
    term_actuator_fire(s->gate, out.seq);

  struct term_holder_view h = {s->card.name_masked[0] ? s->card.name_masked : NULL,
                               s->id_masked[0] ? s->id_masked : NULL, s->card.photo,
                               s->card.photo_len};
  struct ui_view view;
  term_view_from_kiosk(s->cfg.mode, &in, &out.verdict, &h, ++s->seq, &view);
  if (s->his_pending && out.verdict.verdict != KIOSK_VERDICT_STAFF_CHECK && out.journaled)
    view.cashier.waiver_id = out.seq; /* what the billing system gets back as waiver_id */
  if (out.bill_prior.where != KIOSK_BILL_NONE)
    prior_text(&view, &out.bill_prior, s->cfg.policy.utc_offset_s);
  int prc = show ? ui_post_view(s->ui, &view) : UI_OK; /* within a ms of the decision */
  if (prc != UI_OK)
    app_log("decision %u: ui_post_view: %s", s->seq, ui_errname(prc));
  s->needs = view.needs;

  struct session_outcome o;
  memset(&o, 0, sizeof o);
  term_copy_str(o.kind, sizeof o.kind, "view");
  term_copy_str(o.mode, sizeof o.mode, kiosk_mode_name(s->cfg.mode));
  term_copy_str(o.verdict, sizeof o.verdict, kiosk_verdict_name(out.verdict.verdict));
  term_copy_str(o.screen, sizeof o.screen,
                ui_screen_name(ui_fsm_screen_for_view(view.mode, view.verdict, view.needs)));
  term_copy_str(o.card_no, sizeof o.card_no, s->card.facts.card_no);
  term_copy_str(o.holder, sizeof o.holder, view.holder.name_masked);
  term_copy_str(o.id_masked, sizeof o.id_masked, view.holder.id_masked);
  term_copy_str(o.credential, sizeof o.credential, kiosk_holder_name(s->holder));
  reasons_text(out.verdict.reasons, o.reasons, sizeof o.reasons);
  reasons_text(out.verdict.deny, o.deny, sizeof o.deny);
  reasons_text(out.verdict.staff, o.staff, sizeof o.staff);
  o.journaled = out.journaled;
  o.journal_seq = out.seq;
  o.photo = s->card.photo != NULL;
  needs_text(view.needs, o.needs, sizeof o.needs);
  publish(s, &o);

  app_log("decision %u (%s): %s [%s]%s", s->seq, why, kiosk_verdict_name(out.verdict.verdict),
          o.reasons, out.journaled ? " journaled" : out.queued ? " queued for the journal" : "");

  if (out.verdict.verdict == KIOSK_VERDICT_STAFF_CHECK) {
    if (s->state != SES_ASKING) /* one staff check per holder, however many questions */
      s->staff_checks++;
    set_state(s, SES_ASKING, "staff check");
  } else {
    if (out.journaled || out.queued) {
      if (out.verdict.verdict == KIOSK_VERDICT_GRANT)
        s->grants++;
      else
        s->denies++;
    }
    /* the social security card has served: one left in its reader is not the next
     * holder's */
    s->ssc_fresh = 0;
    set_state(s, SES_DONE, kiosk_verdict_name(out.verdict.verdict));
  }
  his_decided(s, &out, staff_id);
  if (out.journaled && s->ns)
    netsync_kick(s->ns);
  post_status(s, 0);
}

static void decide(struct session *s, const char *why)
{
  decide_show(s, why, 1);
}

/* Staff refused at the check: journaled (DENY, STAFF_REFUSED, their id), not shown. */
static void refuse(struct session *s)
{
  decide_show(s, "staff refused", 0);
}

static void publish_read_error(struct session *s, const char *key)
{
  struct session_outcome o;
  memset(&o, 0, sizeof o);
  term_copy_str(o.kind, sizeof o.kind, "read-error");
  term_copy_str(o.mode, sizeof o.mode, kiosk_mode_name(s->cfg.mode));
  term_copy_str(o.screen, sizeof o.screen, "place_again");
  term_copy_str(o.reasons, sizeof o.reasons, key);
  publish(s, &o);
}

/* A card in the honour card reader: a new session. */
static void honour_card(struct session *s, const char *reader)
{
  session_clear(s);
  his_apply(s);
  set_state(s, SES_READING, "card in");
  ui_post_card_present(s->ui);
  term_tap_read(s->tap, reader, (int64_t)time(NULL), &s->card);
  if (s->card.kind != TERM_TAP_HONOUR) {
    /* a read error, or not an honour card at all: nothing to decide on */
    const char *key = s->card.error_key;
    int not_honour = s->card.kind == TERM_TAP_NOT_HONOUR;
    ui_post_read_error(s->ui, key);
    publish_read_error(s, key);
    end_session(s, not_honour ? "not an honour card" : "read error");
    return;
  }
  /* cashier with a second reader: a social security card put down with the honour
   * card is read at once */
  if (s->cfg.mode == KIOSK_MODE_CASHIER && s->cfg.ssc_reader[0] && s->ssc_fresh && have_rec(s))
    read_ssc(s, s->cfg.ssc_reader);
  decide(s, "card");
}

static int waiting_for_credential(const struct session *s)
{
  return s->cfg.mode == KIOSK_MODE_CASHIER && s->state == SES_ASKING &&
         (s->needs & UI_NEED_CREDENTIAL) && have_rec(s);
}

static void on_card_in(struct session *s, const char *reader)
{
  int primary = strcmp(reader, s->cfg.reader) == 0;
  int sscr = s->cfg.ssc_reader[0] && strcmp(reader, s->cfg.ssc_reader) == 0;
  if (primary) {
    pthread_mutex_lock(&s->mu);
    s->reader = RD_CARD;
    pthread_mutex_unlock(&s->mu);
  }
  if (sscr)
    s->ssc_fresh = s->ssc_present = 1;
  if (!primary && !sscr)
    return;
  /* The cashier screen asks for the social security card: a card on either reader is
   * tried as one first (with one reader the holder swaps the cards). */
  if (waiting_for_credential(s)) {
    int r = read_ssc(s, reader);
    if (r == 1) {
      decide(s, "social security card");
      return;
    }
    if (r < 0 || !primary)
      return; /* still waiting; the screen keeps asking */
  }
  if (primary)
    honour_card(s, reader);
}

static void on_card_out(struct session *s, const char *reader)
{
  if (s->cfg.ssc_reader[0] && strcmp(reader, s->cfg.ssc_reader) == 0)
    s->ssc_fresh = s->ssc_present = 0;
  if (strcmp(reader, s->cfg.reader) != 0)
    return;
  pthread_mutex_lock(&s->mu);
  if (s->reader == RD_CARD)
    s->reader = RD_READY;
  pthread_mutex_unlock(&s->mu);
  ui_post_card_removed(s->ui); /* the screen cares only while it shows "reading" */
}

/* ---------------------------------------------------------------- actions -- */

static void on_action(struct session *s, const struct ui_action *a)
{
  switch (a->kind) {
  case UI_ACT_STATION_SELECT:
  case UI_ACT_STATION_CONFIRM:
  case UI_ACT_STATION_CANCEL:
    if (s->desk)
      term_desk_action(s->desk, a);
    return;
  case UI_ACT_TIMEOUT:
    if (a->seq == 0 || a->seq == s->seq) {
      if (s->state != SES_IDLE)
        end_session(s, a->value ? "cancelled" : "timeout");
      if (s->desk)
        term_desk_home(s->desk);
    }
    return;
  case UI_ACT_STAFF_LOGIN:
    /* by id (a roster): staff.c signed them in and queued the event; journal it now */
    term_staff_touch((int64_t)time(NULL));
    staff_events(s);
    post_status(s, 1);
    return;
  case UI_ACT_STAFF_SIGN_OUT:
    /* F10 or the status line's button: staff.c signs them out and queues the event */
    term_staff_sign_out((int64_t)time(NULL));
    staff_events(s);
    post_status(s, 1);
    return;
  case UI_ACT_REQUEST_CANCEL:
    /* Esc on the request's screen: the billing system hears it was the cashier */
    if (s->his_pending && a->value >= 0 && s->his.id == (uint32_t)a->value) {
      term_staff_touch((int64_t)time(NULL));
      his_withdraw(s, SESSION_HIS_BY_CASHIER);
    }
    return;
  case UI_ACT_STAFF_LOGOUT:
    /* the staff menu closed: a roster member stays signed in until idle or replaced */
  case UI_ACT_LANGUAGE:
  case UI_ACT_QUIT:
  case UI_ACT_COUNT:
    return;
  default:
    break;
  }
  term_staff_touch((int64_t)time(NULL)); /* a staff action: not idle */
  if (a->seq != s->seq || s->state != SES_ASKING) {
    app_log("action %s for view %u ignored (view %u is current, session %s)",
            ui_action_name(a->kind), a->seq, s->seq, ses_state_names[s->state]);
    return;
  }
  switch (a->kind) {
  case UI_ACT_HOLDER_CONFIRM:
    s->staff |= KIOSK_STAFF_HOLDER_CONFIRMED;
    decide(s, "staff confirmed the holder");
    break;
  case UI_ACT_REPEAT_ACCEPT:
    s->staff |= KIOSK_STAFF_REPEAT_ACCEPTED;
    decide(s, "staff accepted the repeat");
    break;
  case UI_ACT_OVERRIDE:
    s->staff |= KIOSK_STAFF_OVERRIDE;
    decide(s, "staff override");
    break;
  case UI_ACT_HOLDER_REFUSE:
    /* Staff say it is not the holder (or will not let them in): a DENY with
     * STAFF_REFUSED and who refused, journaled like any decision; the screen goes back
     * to idle rather than showing the holder a verdict staff already told them. */
    s->staff |= KIOSK_STAFF_REFUSED;
    refuse(s);
    ui_post_reset(s->ui);
    end_session(s, "staff refused");
    break;
  case UI_ACT_VISIT:
    s->visit = a->value == UI_VISIT_INPATIENT    ? KIOSK_VISIT_INPATIENT
               : a->value == UI_VISIT_OUTPATIENT ? KIOSK_VISIT_OUTPATIENT
                                                 : KIOSK_VISIT_NONE;
    decide(s, "visit");
    break;
  case UI_ACT_BILL_REF:
    term_copy_str(s->bill, sizeof s->bill, a->text);
    decide(s, "bill number");
    break;
  case UI_ACT_ID_NUMBER:
    /* The holder has no social security card: staff typed the ID number (checked by the
     * screen). Matched against the card's record exactly as the social security card's
     * number is (tap.c); only the match result goes on, and the masked number for the
     * screen. The caller wipes the action. */
    if (s->holder == KIOSK_HOLDER_SSC_MATCHED) {
      app_log("typed ID number ignored: the social security card already matched");
      break;
    }
    s->holder = term_tap_typed(&s->card, a->text);
    if (common_id_mask(a->text, s->id_masked, sizeof s->id_masked) != COMMON_OK)
      s->id_masked[0] = '\0';
    app_log("typed ID number: %s", kiosk_holder_name(s->holder));
    decide(s, "typed ID number");
    break;
  default:
    break;
  }
}

/* ----------------------------------------------------------------- status -- */

static int count_cb(const struct proto_event *ev, void *user)
{
  struct session *s = user;
  if (PROTO_EVENT_IS_STAFF(ev->kind) || ev->kind == KIOSK_EVENT_VOID ||
      ev->kind == KIOSK_EVENT_GATE_FAULT)
    return 0; /* sign-ins, voids and the gate's faults are not decisions */
  if (common_local_day(ev->time, s->cfg.policy.utc_offset_s) == s->count_day) {
    if (ev->verdict == KIOSK_VERDICT_GRANT)
      s->grants++;
    else
      s->denies++;
  }
  return 0;
}

/* Today's grants and denials from the journal (staff checks are never journaled: they
 * count from this start). At start and at local midnight. */
static void recount_today(struct session *s, int64_t now)
{
  int32_t day = common_local_day(now, s->cfg.policy.utc_offset_s);
  if (day == s->count_day)
    return;
  s->count_day = day;
  s->grants = s->denies = s->staff_checks = 0;
  struct kiosk_journal *j = kiosk_terminal_journal(s->term);
  uint64_t last = 0;
  if (!j || kiosk_journal_last_seq(j, &last) != KIOSK_OK || last == 0)
    return;
  uint64_t from = last > 50000 ? last - 50000 : 1; /* a day is far fewer events */
  kiosk_journal_read(j, from, 0, count_cb, s);
}

static const char *sync_name(enum ui_sync v)
{
  switch (v) {
#define SES_X_SYNC(name, value, text)                                                    \
  case UI_SYNC_##name:                                                                   \
    return text;
    UI_SYNC_MAP(SES_X_SYNC)
#undef SES_X_SYNC
  }
  return "?";
}

static enum ui_sync sync_of(const struct netsync_status *n)
{
  if (n->state == NETSYNC_STATE_UPLOADING || n->state == NETSYNC_STATE_FETCHING)
    return UI_SYNC_SYNCING;
  if (n->state == NETSYNC_STATE_REFUSED || n->state == NETSYNC_STATE_BACKOFF)
    return UI_SYNC_OFFLINE;
  if (n->online)
    return UI_SYNC_ONLINE;
  return n->attempts ? UI_SYNC_OFFLINE : UI_SYNC_NEVER;
}

static void post_status(struct session *s, int force)
{
  int64_t now = (int64_t)time(NULL);
  uint64_t now_ms = app_now_ms();
  recount_today(s, now);
  struct ui_status st;
  memset(&st, 0, sizeof st);
  struct kiosk_terminal_status ts;
  kiosk_terminal_status(s->term, &ts);
  term_status_from_kiosk(&ts, &st);
  term_copy_str(st.site, sizeof st.site, s->site_name);
  term_copy_str(st.site_en, sizeof st.site_en, s->site_name_en);
  term_copy_str(st.terminal_id, sizeof st.terminal_id, s->cfg.terminal_id);
  term_copy_str(st.version, sizeof st.version, s->version);
  term_copy_str(st.reader_name, sizeof st.reader_name, s->cfg.reader);
  pthread_mutex_lock(&s->mu);
  enum reader_state rd = s->service_up ? s->reader : RD_ERROR;
  pthread_mutex_unlock(&s->mu);
  st.reader = rd == RD_READY ? UI_READER_READY
              : rd == RD_CARD ? UI_READER_CARD
              : rd == RD_ERROR ? UI_READER_ERROR
                               : UI_READER_MISSING;
  if (rd != RD_READY && rd != RD_CARD)
    st.banners |= UI_BANNER_NO_READER;
  struct netsync_status ns;
  memset(&ns, 0, sizeof ns);
  st.sync = UI_SYNC_NEVER;
  if (s->ns) {
    netsync_get_status(s->ns, &ns);
    st.sync = sync_of(&ns);
    st.last_sync = ns.last_sync;
    if (st.sync == UI_SYNC_OFFLINE)
      st.banners |= UI_BANNER_OFFLINE;
  }
  struct term_actuator_stats gs;
  term_actuator_stats(s->gate, &gs);
  if (gs.last_failed) /* until a pulse succeeds again */
    st.banners |= UI_BANNER_GATE_FAULT;
  if (kiosk_terminal_config(s->term)->registry_wait) /* until the centre's registry lists it */
    st.banners |= UI_BANNER_REGISTRY_WAIT;
  if (ts.revlist_version == 0 ||
      now - ts.revlist_issued_at > (int64_t)s->cfg.policy.revlist_max_age_s)
    st.banners |= UI_BANNER_REVLIST_STALE;
  st.today_grants = s->grants;
  st.today_denies = s->denies;
  st.today_staff_checks = s->staff_checks;
  st.now = now;
  /* the status line: who acts, which documents are in force */
  term_staff_display(st.staff_id, sizeof st.staff_id, st.staff_name, sizeof st.staff_name);
  for (int d = 0; d < UI_DOC_COUNT; d++)
    if (!s->doc_version || s->doc_version(s->doc_user, ui_doc_name(d), &st.doc_version[d]) != 0)
      st.doc_version[d] = 0;
  if (!s->doc_version)
    st.doc_version[UI_DOC_ROSTER] = term_staff_roster_version();

  struct ui_status cmp = s->last_status;
  cmp.now = now;
  if (force || memcmp(&cmp, &st, sizeof st) != 0 ||
      now_ms - s->last_status_ms >= STATUS_REFRESH_MS) {
    ui_post_status(s->ui, &st);
    s->last_status = st;
    s->last_status_ms = now_ms;
  }

  struct session_info info;
  memset(&info, 0, sizeof info);
  term_copy_str(info.state, sizeof info.state, ses_state_names[s->state]);
  term_copy_str(info.reader, sizeof info.reader, reader_names[rd]);
  term_copy_str(info.ssc_reader, sizeof info.ssc_reader,
                !s->cfg.ssc_reader[0] ? "none" : s->ssc_present ? "card" : "empty");
  term_copy_str(info.sync, sizeof info.sync, s->ns ? sync_name(st.sync) : "off");
  term_copy_str(info.sync_state, sizeof info.sync_state,
                s->ns ? netsync_state_name(ns.state) : "off");
  info.queue = ts.unsent;
  info.journal_last = ts.last_seq;
  info.revlist_version = ts.revlist_version;
  info.revlist_entries = ts.revlist_entries;
  info.revlist_age_s = ts.revlist_version ? now - ts.revlist_issued_at : -1;
  info.last_sync = ns.last_sync;
  info.grants = s->grants;
  info.denies = s->denies;
  info.staff_checks = s->staff_checks;
  info.station_ready = s->desk ? term_desk_ready_total(s->desk) : -1;
  term_staff_display(info.staff, sizeof info.staff, info.staff_name, sizeof info.staff_name);
  info.roster_version = term_staff_roster_version();
  term_copy_str(info.gate, sizeof info.gate,
                !s->gate ? "none" : gs.last_failed ? "fault" : "ok");
  info.gate_pulses = gs.pulses;
  info.gate_faults = gs.faults;
  pthread_mutex_lock(&s->omu);
  s->info = info;
  pthread_mutex_unlock(&s->omu);
}

/* Station mode: re-read the hand-over desk's list when the database changed, show it
 * when no card session is on screen. */
static void desk_refresh(struct session *s, int force)
{
  if (s->desk && term_desk_refresh(s->desk, force, s->state == SES_IDLE))
    post_status(s, 0);
}

/* Staff sign-ins, sign-outs and lock-outs (staff.c queues them from any thread; this
 * thread owns the journal): idle sign-out first, then each event journaled with the id
 * only. A journal that cannot take one loses it to the log line (never the PIN). */
static void staff_events(struct session *s)
{
  int64_t now = (int64_t)time(NULL);
  term_staff_tick(now);
  struct term_staff_event ev;
  while (term_staff_next_event(&ev)) {
    uint64_t seq = 0;
    int rc = kiosk_terminal_record_staff(s->term, ev.kind, ev.id, ev.time, &seq);
    app_log("staff %s: %s%s", kiosk_event_kind_name(ev.kind), ev.id,
            rc == KIOSK_OK ? " (journaled)" : " (journal unavailable: not journaled)");
    if (rc == KIOSK_OK && s->ns)
      netsync_kick(s->ns);
  }
}

/* The gate's failed openings (actuator.c reports them from its thread): each journaled
 * as a gate_fault naming the GRANT's seq, with who was acting; the banner stays up until
 * an opening succeeds. A journal that cannot take it loses it to the log line. */
static void gate_faults(struct session *s)
{
  struct term_actuator_fault f;
  while (term_actuator_next_fault(s->gate, &f)) {
    char staff_id[TERM_STAFF_ID_MAX + 1];
    term_staff_current(staff_id, sizeof staff_id);
    uint64_t seq = 0;
    int rc = kiosk_terminal_record_gate_fault(s->term, f.seq, staff_id, (int64_t)time(NULL),
                                              &seq);
    if (rc == KIOSK_OK)
      app_log("gate fault for decision seq %" PRIu64 " journaled as seq %" PRIu64, f.seq, seq);
    else
      app_log("gate fault for decision seq %" PRIu64 " NOT journaled (%s)", f.seq,
              kiosk_strerror(rc));
    if (rc == KIOSK_OK && s->ns)
      netsync_kick(s->ns);
    post_status(s, 1);
  }
}

/* Once a second: overrides held during a journal outage, the status, the station. */
static void tick(struct session *s)
{
  uint64_t now = app_now_ms();
  if (now - s->last_tick_ms < TICK_MS)
    return;
  s->last_tick_ms = now;
  staff_events(s);
  gate_faults(s);
  if (now - s->start_ms >= READERS_SETTLE_MS && s->service_up)
    term_readers_seen_report(&s->seen, s->cfg.reader, s->cfg.ssc_reader);
  struct kiosk_terminal_status ts;
  kiosk_terminal_status(s->term, &ts);
  if (ts.overrides_queued || !ts.journal_ok) {
    int rc = kiosk_terminal_flush(s->term);
    if (rc == KIOSK_OK && ts.overrides_queued) {
      app_log("journal: %zu override(s) appended", ts.overrides_queued);
      if (s->ns)
        netsync_kick(s->ns);
    }
  }
  post_status(s, 0);
  desk_refresh(s, 0);
}

/* ----------------------------------------------------------------- thread -- */

static void his_begin(struct session *s, const struct session_his_req *r)
{
  if (s->his_pending || s->state == SES_READING || s->state == SES_ASKING) {
    /* a holder already at the till (keyboard flow) or another request: not this one */
    app_log("HIS request %u refused: the terminal is busy (session %s)", r->id,
            ses_state_names[s->state]);
    his_set_state(s, r->id, SESSION_HIS_BUSY);
    return;
  }
  if (s->state == SES_DONE) {
    ui_post_reset(s->ui); /* the last holder's verdict is not this bill's */
    end_session(s, "HIS request");
  }
  s->his = *r;
  s->his_pending = 1;
  his_show(s);
  app_log("HIS request %u: %s visit, waiting for the card", r->id,
          proto_visit_name((int)r->visit) ? proto_visit_name((int)r->visit) : "?");
  his_set_state(s, r->id, SESSION_HIS_PENDING);
}

/* Stopping: calls still queued do not run (their callers are told), a pending request
 * is withdrawn. */
static void drain_at_stop(struct session *s)
{
  pthread_mutex_lock(&s->mu);
  while (s->qn) {
    struct sev *ev = &s->q[s->qhead];
    s->qhead = (s->qhead + 1) % QUEUE_MAX;
    s->qn--;
    if (ev->kind == SEV_CALL) {
      pthread_mutex_lock(&s->omu);
      ev->call->done = 1;
      pthread_cond_broadcast(&s->ocond);
      pthread_mutex_unlock(&s->omu);
    }
  }
  pthread_mutex_unlock(&s->mu);
  his_withdraw(s, SESSION_HIS_BY_STOP);
}

static void handle(struct session *s, const struct sev *ev)
{
  switch (ev->kind) {
  case SEV_CARD_IN:
    on_card_in(s, ev->reader);
    post_status(s, 0);
    break;
  case SEV_CARD_OUT:
    on_card_out(s, ev->reader);
    post_status(s, 0);
    break;
  case SEV_READER_ADDED:
  case SEV_READER_REMOVED:
    term_readers_seen_update(&s->seen, ev->reader, ev->kind == SEV_READER_ADDED);
    if (strcmp(ev->reader, s->cfg.reader) == 0) {
      pthread_mutex_lock(&s->mu);
      s->reader = ev->kind == SEV_READER_ADDED ? RD_READY : RD_MISSING;
      pthread_mutex_unlock(&s->mu);
      app_log("reader %s", ev->kind == SEV_READER_ADDED ? "present" : "gone");
      post_status(s, 1);
    }
    break;
  case SEV_SERVICE_LOST:
  case SEV_SERVICE_BACK:
    pthread_mutex_lock(&s->mu);
    s->service_up = ev->kind == SEV_SERVICE_BACK;
    pthread_mutex_unlock(&s->mu);
    if (ev->kind == SEV_SERVICE_LOST)
      term_readers_seen_clear(&s->seen);
    term_tap_drop_context(s->tap); /* a context of the old pcscd is no use with the new one */
    app_log("pcscd %s", ev->kind == SEV_SERVICE_BACK ? "back" : "gone");
    post_status(s, 1);
    break;
  case SEV_ACTION:
    on_action(s, &ev->action);
    break;
  case SEV_HIS_BEGIN:
    his_begin(s, &ev->his);
    break;
  case SEV_HIS_CANCEL:
    if (s->his_pending && s->his.id == ev->his.id)
      his_withdraw(s, ev->his_by);
    break;
  case SEV_CALL:
    ev->call->fn(s->term, ev->call->arg);
    pthread_mutex_lock(&s->omu);
    ev->call->ran = ev->call->done = 1;
    pthread_cond_broadcast(&s->ocond);
    pthread_mutex_unlock(&s->omu);
    break;
  }
}

static void *session_main(void *arg)
{
  struct session *s = arg;
  post_status(s, 1);
  desk_refresh(s, 1);
  for (;;) {
    struct sev ev;
    int have = 0;
    pthread_mutex_lock(&s->mu);
    if (!s->stopping && s->qn == 0) {
      struct timespec dl;
      deadline_in(&dl, TICK_MS);
      pthread_cond_timedwait(&s->cond, &s->mu, &dl);
    }
    if (s->stopping) {
      pthread_mutex_unlock(&s->mu);
      drain_at_stop(s);
      break;
    }
    if (s->qn) {
      ev = s->q[s->qhead];
      cardio_cleanse(&s->q[s->qhead], sizeof s->q[s->qhead]);
      s->qhead = (s->qhead + 1) % QUEUE_MAX;
      s->qn--;
      have = 1;
    }
    s->heartbeat_ms = app_now_ms();
    pthread_mutex_unlock(&s->mu);
    if (have)
      handle(s, &ev);
    cardio_cleanse(&ev, sizeof ev); /* an action may have carried a typed ID number */
    tick(s);
  }
  return NULL;
}

static void enqueue(struct session *s, const struct sev *ev)
{
  pthread_mutex_lock(&s->mu);
  if (s->qn == QUEUE_MAX) {
    pthread_mutex_unlock(&s->mu);
    app_log("session: input queue full, event dropped");
    return;
  }
  s->q[(s->qhead + s->qn) % QUEUE_MAX] = *ev;
  s->qn++;
  pthread_cond_signal(&s->cond);
  pthread_mutex_unlock(&s->mu);
}

void session_card_event(struct session *s, const struct cardio_watch_event *ev)
{
  struct sev e;
  memset(&e, 0, sizeof e);
  switch (ev->kind) {
  case CARDIO_WATCH_CARD_INSERTED:
    e.kind = SEV_CARD_IN;
    break;
  case CARDIO_WATCH_CARD_REMOVED:
    e.kind = SEV_CARD_OUT;
    break;
  case CARDIO_WATCH_READER_ADDED:
    e.kind = SEV_READER_ADDED;
    break;
  case CARDIO_WATCH_READER_REMOVED:
    e.kind = SEV_READER_REMOVED;
    break;
  case CARDIO_WATCH_SERVICE_LOST:
    e.kind = SEV_SERVICE_LOST;
    break;
  case CARDIO_WATCH_SERVICE_BACK:
    e.kind = SEV_SERVICE_BACK;
    break;
  default:
    return;
  }
  term_copy_str(e.reader, sizeof e.reader, ev->reader);
  enqueue(s, &e);
}

void session_ui_action(struct session *s, const struct ui_action *a)
{
  struct sev e;
  memset(&e, 0, sizeof e);
  e.kind = SEV_ACTION;
  e.action = *a;
  enqueue(s, &e);
  cardio_cleanse(&e, sizeof e);
}

void session_set_his_notify(struct session *s, void (*fn)(void *user), void *user)
{
  pthread_mutex_lock(&s->omu);
  s->his_notify = fn;
  s->his_user = user;
  pthread_mutex_unlock(&s->omu);
}

void session_his_begin(struct session *s, const struct session_his_req *r)
{
  struct sev e;
  memset(&e, 0, sizeof e);
  e.kind = SEV_HIS_BEGIN;
  e.his = *r;
  enqueue(s, &e);
}

void session_his_cancel(struct session *s, uint32_t id, enum session_his_cause by)
{
  struct sev e;
  memset(&e, 0, sizeof e);
  e.kind = SEV_HIS_CANCEL;
  e.his.id = id;
  e.his_by = by;
  enqueue(s, &e);
}

void session_his_result(struct session *s, struct session_his_result *out)
{
  pthread_mutex_lock(&s->omu);
  *out = s->his_res;
  pthread_mutex_unlock(&s->omu);
}

int session_call(struct session *s, void (*fn)(struct kiosk_terminal *t, void *arg), void *arg)
{
  struct ses_call c = {fn, arg, 0, 0};
  struct sev e;
  memset(&e, 0, sizeof e);
  e.kind = SEV_CALL;
  e.call = &c;
  pthread_mutex_lock(&s->mu);
  if (s->stopping || !s->started || s->qn == QUEUE_MAX) {
    pthread_mutex_unlock(&s->mu);
    return -1;
  }
  s->q[(s->qhead + s->qn) % QUEUE_MAX] = e;
  s->qn++;
  pthread_cond_signal(&s->cond);
  pthread_mutex_unlock(&s->mu);
  pthread_mutex_lock(&s->omu);
  while (!c.done)
    pthread_cond_wait(&s->ocond, &s->omu);
  pthread_mutex_unlock(&s->omu);
  return c.ran ? 0 : -1;
}

const char *session_reader_state(struct session *s)
{
  pthread_mutex_lock(&s->mu);
  enum reader_state r = s->service_up ? s->reader : RD_ERROR;
  pthread_mutex_unlock(&s->mu);
  return r == RD_READY || r == RD_CARD ? "ok" : r == RD_MISSING ? "absent" : "error";
}

uint64_t session_heartbeat_ms(struct session *s)
{
  pthread_mutex_lock(&s->mu);
  uint64_t h = s->heartbeat_ms;
  pthread_mutex_unlock(&s->mu);
  return h;
}

/* ------------------------------------------------------------- lifecycle -- */

int session_create(const struct session_config *sc, struct session **out, char *why, size_t cap)
{
  *out = NULL;
  struct session *s = calloc(1, sizeof *s);
  if (!s) {
    term_copy_str(why, cap, "out of memory");
    return -1;
  }
  s->cfg = *sc->cfg;
  s->doc_version = sc->doc_version;
  s->doc_user = sc->doc_user;
  s->ui = sc->ui;
  term_copy_str(s->version, sizeof s->version, sc->version);
  pthread_mutex_init(&s->mu, NULL);
  pthread_mutex_init(&s->omu, NULL);
  cond_init_monotonic(&s->cond);
  cond_init_monotonic(&s->ocond);
  s->service_up = 1;
  s->reader = RD_MISSING; /* until the watcher reports it */
  s->count_day = INT32_MIN;
  s->heartbeat_ms = app_now_ms();
  s->start_ms = s->heartbeat_ms;
  s->state = SES_IDLE;

  struct kiosk_diag d;
  memset(&d, 0, sizeof d);
  char msg[600];
  if (kiosk_terminal_open(&s->cfg, &s->term, &d) != KIOSK_OK) {
    snprintf(why, cap, "%s", kiosk_diag_format(&d, msg, sizeof msg));
    goto out_destroy;
  }
  const struct kiosk_bills_origin *bo = kiosk_terminal_bills_origin(s->term);
  if (bo && bo->from_sidecar)
    app_log("bills index: from its sidecar (to seq %llu) and %llu later events",
            (unsigned long long)bo->sidecar_seq, (unsigned long long)bo->scanned);
  else if (bo)
    app_log("bills index: rebuilt from %llu journal events%s%s%s",
            (unsigned long long)bo->scanned, bo->why[0] ? " (sidecar not used: " : "", bo->why,
            bo->why[0] ? ")" : "");
  const struct kiosk_site *site = kiosk_terminal_site(s->term);
  term_copy_str(s->site_name, sizeof s->site_name, site ? site->name : s->cfg.site_id);
  term_copy_str(s->site_name_en, sizeof s->site_name_en, site && site->name_en ? site->name_en : "");
  /* on a bus one verdict comes in a fraction of a second: no photo, nobody looks */
  if (term_tap_create(s->cfg.trust_dir, s->cfg.mode != KIOSK_MODE_BUS, s->cfg.card_deadline_ms,
                      &s->tap, why, cap) != 0)
    goto out_destroy;
  if (term_actuator_create(&s->cfg.gate, s->cfg.site_id, s->cfg.terminal_id, &s->gate, why,
                           cap) != 0)
    goto out_destroy;
  if (sc->station_db &&
      term_desk_create(sc->station_db, sc->strings_dir, sc->lang, s->ui, &s->desk, why, cap) != 0)
    goto out_destroy;
  *out = s;
  return 0;

out_destroy:
  session_destroy(s);
  return -1;
}

/* The cashier's bill check across the hospital's terminals (kiosk/terminal.h): 1 with the
 * centre's answer, 0 when it cannot answer within bill_check_ms (decided locally). */
static int bill_check(void *ctx, const char *bill, struct kiosk_bill_prior *out)
{
  struct session *s = ctx;
  struct netsync_bill_state st;
  int rc = netsync_bill_check(s->ns, bill, (long)s->cfg.sync.bill_check_ms, &st);
  if (rc != NETSYNC_OK) {
    app_log("bill check: %s; decided on this terminal's journal", netsync_errname(rc));
    return 0;
  }
  if (st.waived) {
    out->where = KIOSK_BILL_CENTRE;
    out->seq = st.seq;
    out->time = st.time;
    snprintf(out->terminal, sizeof out->terminal, "%s", st.terminal);
  }
  return 1;
}

void session_set_netsync(struct session *s, struct netsync *ns)
{
  s->ns = ns;
  if (ns && s->cfg.mode == KIOSK_MODE_CASHIER)
    kiosk_terminal_set_bill_check(s->term, bill_check, s);
}

struct kiosk_terminal *session_terminal(struct session *s)
{
  return s->term;
}

int session_start(struct session *s)
{
  if (pthread_create(&s->thread, NULL, session_main, s) != 0)
    return -1;
  s->started = 1;
  return 0;
}

void session_stop(struct session *s)
{
  if (!s || !s->started)
    return;
  pthread_mutex_lock(&s->mu);
  s->stopping = 1;
  pthread_cond_broadcast(&s->cond);
  pthread_mutex_unlock(&s->mu);
  pthread_join(s->thread, NULL);
  s->started = 0;
}

void session_destroy(struct session *s)
{
  if (!s)
    return;
  session_stop(s);
  session_clear(s);
  term_actuator_destroy(s->gate); /* a pulse under way ends with the gate closed */
  term_tap_destroy(s->tap);
  kiosk_terminal_close(s->term);
  term_desk_destroy(s->desk);
  pthread_cond_destroy(&s->cond);
  pthread_cond_destroy(&s->ocond);
  pthread_mutex_destroy(&s->mu);
  pthread_mutex_destroy(&s->omu);
  free(s);
}
