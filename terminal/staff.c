/* Who is acting at this terminal, and sign-in against the roster (staff.h). */
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "common/idno.h"
#include "common/token.h"
#include "kiosk/journal.h"
#include "staff.h"

#define LOCK_SLOTS 32u /* ids with wrong PINs remembered at once */

struct lock_slot {
  char id[TERM_STAFF_ID_MAX + 1];
  unsigned failures;
  int64_t locked_until; /* Unix seconds; 0: not locked */
  int64_t last;         /* for reuse of the oldest slot */
};

static struct {
  pthread_mutex_t mu;
  char configured[TERM_STAFF_ID_MAX + 1];
  int32_t utc_offset_s;
  struct proto_roster *roster; /* NULL: none in force */
  uint64_t version;
  char signed_in[TERM_STAFF_ID_MAX + 1]; /* "" : nobody */
  int64_t last_activity;
  struct lock_slot locks[LOCK_SLOTS];
  struct term_staff_event ev[TERM_STAFF_EVENTS_MAX];
  size_t ev_head, ev_count;
} g = {.mu = PTHREAD_MUTEX_INITIALIZER};

/* Under the lock. */
static void push_event(int kind, const char *id, int64_t now)
{
  /* Only a token reaches the journal: a typed ID number never does (kiosk refuses it too). */
  if (!common_token_valid(id, TERM_STAFF_ID_MAX) || common_id_shaped(id))
    return;
  if (g.ev_count == TERM_STAFF_EVENTS_MAX) { /* the oldest goes */
    g.ev_head = (g.ev_head + 1) % TERM_STAFF_EVENTS_MAX;
    g.ev_count--;
  }
  struct term_staff_event *e = &g.ev[(g.ev_head + g.ev_count) % TERM_STAFF_EVENTS_MAX];
  e->kind = kind;
  snprintf(e->id, sizeof e->id, "%s", id);
  e->time = now;
  g.ev_count++;
}

static void sign_out_locked(int64_t now)
{
  if (!g.signed_in[0])
    return;
  push_event(KIOSK_EVENT_SIGN_OUT, g.signed_in, now);
  g.signed_in[0] = '\0';
}

void term_staff_init(const char *configured_id, int32_t utc_offset_s)
{
  pthread_mutex_lock(&g.mu);
  snprintf(g.configured, sizeof g.configured, "%s", configured_id ? configured_id : "");
  g.utc_offset_s = utc_offset_s;
  proto_roster_free(g.roster);
  g.roster = NULL;
  g.version = 0;
  g.signed_in[0] = '\0';
  memset(g.locks, 0, sizeof g.locks);
  g.ev_head = g.ev_count = 0;
  pthread_mutex_unlock(&g.mu);
}

int term_staff_current(char *out, size_t cap)
{
  if (!out || cap == 0)
    return 0;
  pthread_mutex_lock(&g.mu);
  const char *id = g.roster ? g.signed_in : g.configured;
  int fits = strlen(id) < cap;
  snprintf(out, cap, "%s", fits ? id : "");
  pthread_mutex_unlock(&g.mu);
  return fits && out[0] != '\0';
}

/* The member valid today, or NULL. Under the lock. */
static const struct proto_roster_entry *valid_member(const char *id, int64_t now)
{
  const struct proto_roster_entry *e = proto_roster_find(g.roster, id);
  int32_t today = common_local_day(now, g.utc_offset_s);
  return e && today >= e->from_day && today <= e->to_day ? e : NULL;
}

void term_staff_set_roster(struct proto_roster *r, uint64_t version, int64_t now)
{
  pthread_mutex_lock(&g.mu);
  proto_roster_free(g.roster);
  g.roster = r;
  g.version = r ? version : 0;
  if (g.signed_in[0] && (!r || !valid_member(g.signed_in, now)))
    sign_out_locked(now); /* disabled at the centre, or no longer valid: out now */
  pthread_mutex_unlock(&g.mu);
}

uint64_t term_staff_roster_version(void)
{
  pthread_mutex_lock(&g.mu);
  uint64_t v = g.version;
  pthread_mutex_unlock(&g.mu);
  return v;
}

int term_staff_roster_in_force(void)
{
  pthread_mutex_lock(&g.mu);
  int in = g.roster != NULL;
  pthread_mutex_unlock(&g.mu);
  return in;
}

static struct lock_slot *slot_for(const char *id, int create)
{
  struct lock_slot *oldest = &g.locks[0];
  for (size_t i = 0; i < LOCK_SLOTS; i++) {
    if (g.locks[i].id[0] && strcmp(g.locks[i].id, id) == 0)
      return &g.locks[i];
    if (g.locks[i].last < oldest->last)
      oldest = &g.locks[i];
  }
  if (!create)
    return NULL;
  memset(oldest, 0, sizeof *oldest);
  snprintf(oldest->id, sizeof oldest->id, "%s", id);
  return oldest;
}

enum term_signin term_staff_sign_in(const char *id, const char *pin, int64_t now)
{
  if (!id || !pin || !common_token_valid(id, TERM_STAFF_ID_MAX))
    return TERM_SIGNIN_WRONG;
  pthread_mutex_lock(&g.mu);
  if (!g.roster) {
    pthread_mutex_unlock(&g.mu);
    return TERM_SIGNIN_NO_ROSTER;
  }
  struct proto_roster_policy pol = g.roster->policy;
  struct lock_slot *sl = slot_for(id, 0);
  if (sl && sl->locked_until > now) {
    pthread_mutex_unlock(&g.mu);
    return TERM_SIGNIN_LOCKED;
  }
  if (strlen(pin) < pol.pin_min) {
    pthread_mutex_unlock(&g.mu);
    return TERM_SIGNIN_SHORT;
  }
  const struct proto_roster_entry *e = valid_member(id, now);
  char hash[PROTO_PIN_HASH_MAX + 1] = "";
  if (e)
    snprintf(hash, sizeof hash, "%s", e->pin_hash);
  pthread_mutex_unlock(&g.mu);

  /* scrypt outside the lock: tens of milliseconds nobody else should wait for. An
   * unknown id costs the same as a known one, so timing does not say which ids exist. */
  static const char dummy[] = "scrypt$15$8$1$00000000000000000000000000000000$"
                              "0000000000000000000000000000000000000000000000000000000000000000";
  int ok = proto_pin_verify(hash[0] ? hash : dummy, pin) == 1 && hash[0];
  OPENSSL_cleanse(hash, sizeof hash);

  pthread_mutex_lock(&g.mu);
  enum term_signin res;
  if (ok && g.roster && valid_member(id, now)) {
    if ((sl = slot_for(id, 0)))
      memset(sl, 0, sizeof *sl);
    if (strcmp(g.signed_in, id) != 0) {
      sign_out_locked(now); /* the next person at the desk */
      snprintf(g.signed_in, sizeof g.signed_in, "%s", id);
      push_event(KIOSK_EVENT_SIGN_IN, id, now);
    }
    g.last_activity = now;
    res = TERM_SIGNIN_OK;
  } else {
    sl = slot_for(id, 1);
    sl->last = now;
    if (++sl->failures >= pol.failures) {
      sl->failures = 0;
      sl->locked_until = now + (int64_t)pol.lock_minutes * 60;
      push_event(KIOSK_EVENT_LOCKOUT, id, now);
      res = TERM_SIGNIN_LOCKED;
    } else {
      res = TERM_SIGNIN_WRONG;
    }
  }
  pthread_mutex_unlock(&g.mu);
  return res;
}

void term_staff_sign_out(int64_t now)
{
  pthread_mutex_lock(&g.mu);
  sign_out_locked(now);
  pthread_mutex_unlock(&g.mu);
}

void term_staff_touch(int64_t now)
{
  pthread_mutex_lock(&g.mu);
  if (g.signed_in[0])
    g.last_activity = now;
  pthread_mutex_unlock(&g.mu);
}

void term_staff_tick(int64_t now)
{
  pthread_mutex_lock(&g.mu);
  if (g.signed_in[0] && g.roster &&
      (now - g.last_activity >= (int64_t)g.roster->policy.idle_minutes * 60 ||
       !valid_member(g.signed_in, now)))
    sign_out_locked(now);
  pthread_mutex_unlock(&g.mu);
}

void term_staff_display(char *id, size_t id_cap, char *name_masked, size_t name_cap)
{
  pthread_mutex_lock(&g.mu);
  const struct proto_roster_entry *e = g.signed_in[0] ? proto_roster_find(g.roster, g.signed_in)
                                                      : NULL;
  if (id && id_cap)
    snprintf(id, id_cap, "%s", e ? e->id : "");
  if (name_masked && name_cap) {
    name_masked[0] = '\0';
    if (e && common_name_mask(e->name, name_masked, name_cap) != 0)
      name_masked[0] = '\0';
  }
  pthread_mutex_unlock(&g.mu);
}

int term_staff_next_event(struct term_staff_event *out)
{
  pthread_mutex_lock(&g.mu);
  int got = g.ev_count > 0;
  if (got) {
    *out = g.ev[g.ev_head];
    g.ev_head = (g.ev_head + 1) % TERM_STAFF_EVENTS_MAX;
    g.ev_count--;
  }
  pthread_mutex_unlock(&g.mu);
  return got;
}
