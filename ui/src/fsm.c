/*
 * The screen state machine (ui/fsm.h). All screen changes go through set_state(),
 * which writes the trace line, like curl's mstate(): one place to look when a
 * screen did something unexpected.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/core.h"
#include "ui/fsm.h"

/* WCAG 2.2.1 (timing adjustable): at least 20 s to ask for more time. */
#define UI_WARN_MS_DEFAULT 20000u

static const uint32_t default_timeout[UI_SCREEN_COUNT] = {
#define UI_X_TO(name, timeout, text) (timeout),
    UI_SCREEN_MAP(UI_X_TO)
#undef UI_X_TO
};

static const char *const screen_names[UI_SCREEN_COUNT] = {
#define UI_X_SN(name, timeout, text) text,
    UI_SCREEN_MAP(UI_X_SN)
#undef UI_X_SN
};

static const char *const input_names[UI_IN_COUNT] = {
#define UI_X_IN(name, text) text,
    UI_INPUT_MAP(UI_X_IN)
#undef UI_X_IN
};

struct ui_fsm {
  enum ui_screen screen;
  enum ui_phase phase;
  uint64_t entered_ms; /* when the current screen (or its last activity) started */
  uint32_t timeout_ms[UI_SCREEN_COUNT];
  uint32_t warn_ms;
  uint32_t verdict_ms[UI_MODE_STATION + 1];
  uint32_t cur_timeout; /* the current screen's: its own, or the verdict's of the mode */
  uint64_t transitions;
  int request; /* a HIS request waits: home is REQUEST */
  void (*trace)(void *user, const char *line);
  void *user;
};

const char *ui_screen_name(int screen)
{
  if (screen < 0 || screen >= UI_SCREEN_COUNT)
    return NULL;
  return screen_names[screen];
}

int ui_screen_parse(const char *text, enum ui_screen *out)
{
  for (int i = 0; text && i < UI_SCREEN_COUNT; i++)
    if (strcmp(text, screen_names[i]) == 0) {
      *out = (enum ui_screen)i;
      return 0;
    }
  return -1;
}

const char *ui_input_name(int input)
{
  if (input < 0 || input >= UI_IN_COUNT)
    return NULL;
  return input_names[input];
}

int ui_fsm_create(const struct ui_fsm_config *cfg, uint64_t now_ms, struct ui_fsm **out)
{
  if (!out)
    return UI_E_INVALID_ARG;
  *out = NULL;
  struct ui_fsm *f = calloc(1, sizeof *f);
  if (!f)
    return UI_E_NO_MEMORY;
  for (int i = 0; i < UI_SCREEN_COUNT; i++)
    f->timeout_ms[i] = cfg && cfg->timeout_ms[i] ? cfg->timeout_ms[i] : default_timeout[i];
  f->timeout_ms[UI_SCREEN_IDLE] = 0;
  f->warn_ms = cfg && cfg->warn_ms ? cfg->warn_ms : UI_WARN_MS_DEFAULT;
  if (cfg) {
    memcpy(f->verdict_ms, cfg->verdict_ms, sizeof f->verdict_ms);
    f->trace = cfg->trace;
    f->user = cfg->user;
  }
  f->screen = UI_SCREEN_IDLE;
  f->phase = UI_PHASE_SHOW;
  f->entered_ms = now_ms;
  *out = f;
  return UI_OK;
}

void ui_fsm_destroy(struct ui_fsm *fsm)
{
  free(fsm);
}

static const char *phase_name(enum ui_phase p)
{
  return p == UI_PHASE_WARN ? "warn" : "show";
}

/* The only place screen and phase change. force: new content on the same screen (a
 * view replacing a view) counts as a transition too. */
static int set_state_x(struct ui_fsm *f, enum ui_screen screen, enum ui_phase phase,
                       enum ui_input why, uint64_t now_ms, int force, enum ui_mode mode)
{
  int changed = force || screen != f->screen || phase != f->phase;
  if (screen != f->screen || force) {
    f->cur_timeout = f->timeout_ms[screen];
    /* a verdict's hold time is the mode's, where configured */
    if ((screen == UI_SCREEN_VERDICT || screen == UI_SCREEN_BUS) && (unsigned)mode <= UI_MODE_STATION &&
        f->verdict_ms[mode])
      f->cur_timeout = f->verdict_ms[mode];
  }
  if (screen != f->screen || phase == UI_PHASE_SHOW)
    f->entered_ms = now_ms; /* a new screen, or activity: full timeout again */
  if (!changed)
    return 0;
  if (f->trace) {
    char line[128];
    snprintf(line, sizeof line, "ui: %s/%s -> %s/%s on %s", screen_names[f->screen],
             phase_name(f->phase), screen_names[screen], phase_name(phase), input_names[why]);
    f->trace(f->user, line);
  }
  f->screen = screen;
  f->phase = phase;
  f->transitions++;
  return 1;
}

static int set_state(struct ui_fsm *f, enum ui_screen screen, enum ui_phase phase,
                     enum ui_input why, uint64_t now_ms)
{
  return set_state_x(f, screen, phase, why, now_ms, 0, 0);
}

/* Whether a screen warns before its timeout (too short a screen just ends). */
static int warns(const struct ui_fsm *f)
{
  uint32_t t = f->cur_timeout;
  return t != 0 && t >= 2u * f->warn_ms;
}

enum ui_screen ui_fsm_screen_for_view(enum ui_mode mode, enum ui_verdict verdict,
                                      unsigned needs)
{
  if (mode == UI_MODE_BUS)
    return UI_SCREEN_BUS;
  if (verdict == UI_VERDICT_STAFF_CHECK && mode == UI_MODE_GATE)
    return UI_SCREEN_HOLDER_CHECK;
  if (mode == UI_MODE_CASHIER &&
      (verdict == UI_VERDICT_STAFF_CHECK ||
       (verdict != UI_VERDICT_DENY && verdict != UI_VERDICT_ERROR &&
        (needs & (UI_NEED_CREDENTIAL | UI_NEED_VISIT | UI_NEED_BILL)))))
    return UI_SCREEN_CASHIER;
  return UI_SCREEN_VERDICT;
}

static enum ui_screen station_screen(enum ui_station_kind k)
{
  switch (k) {
  case UI_STATION_SUMMARY:
    return UI_SCREEN_STATION_SUMMARY;
  case UI_STATION_CONFIRM:
    return UI_SCREEN_STATION_CONFIRM;
  case UI_STATION_LIST:
  default:
    return UI_SCREEN_STATION_LIST;
  }
}

enum ui_screen ui_fsm_home(const struct ui_fsm *f)
{
  return f && f->request ? UI_SCREEN_REQUEST : UI_SCREEN_IDLE;
}

static int on_tick(struct ui_fsm *f, uint64_t now_ms)
{
  uint32_t t = f->cur_timeout;
  if (t == 0)
    return 0;
  uint64_t elapsed = now_ms > f->entered_ms ? now_ms - f->entered_ms : 0;
  if (elapsed >= t)
    return set_state(f, ui_fsm_home(f), UI_PHASE_SHOW, UI_IN_TICK, now_ms);
  if (f->phase == UI_PHASE_SHOW && warns(f) && elapsed >= t - f->warn_ms) {
    /* Keep entered_ms: the warning counts down the rest of the same timeout. */
    uint64_t entered = f->entered_ms;
    int rc = set_state(f, f->screen, UI_PHASE_WARN, UI_IN_TICK, now_ms);
    f->entered_ms = entered;
    return rc;
  }
  return 0;
}

int ui_fsm_step(struct ui_fsm *f, const struct ui_fsm_event *ev, uint64_t now_ms)
{
  if (!f || !ev || (unsigned)ev->kind >= UI_IN_COUNT)
    return UI_E_INVALID_ARG;
  enum ui_screen s = f->screen;
  switch (ev->kind) {
  case UI_IN_CARD_PRESENT:
    /* A card during PIN entry or the staff menu is the staff's business: stay. */
    if (s == UI_SCREEN_PIN || s == UI_SCREEN_STAFF_MENU)
      return 0;
    return set_state(f, UI_SCREEN_READING, UI_PHASE_SHOW, ev->kind, now_ms);
  case UI_IN_CARD_REMOVED:
    if (s == UI_SCREEN_READING)
      return set_state(f, UI_SCREEN_PLACE_AGAIN, UI_PHASE_SHOW, ev->kind, now_ms);
    return 0;
  case UI_IN_READ_ERROR:
    return set_state(f, UI_SCREEN_PLACE_AGAIN, UI_PHASE_SHOW, ev->kind, now_ms);
  case UI_IN_VIEW:
    return set_state_x(f, ui_fsm_screen_for_view(ev->mode, ev->verdict, ev->needs),
                       UI_PHASE_SHOW, ev->kind, now_ms, 1, ev->mode);
  case UI_IN_STATION:
    return set_state_x(f, station_screen(ev->station), UI_PHASE_SHOW, ev->kind, now_ms, 1, 0);
  case UI_IN_TICK:
    return on_tick(f, now_ms);
  case UI_IN_ACTIVITY:
    return set_state(f, s, UI_PHASE_SHOW, ev->kind, now_ms);
  case UI_IN_STAFF:
    if (s == UI_SCREEN_IDLE || s == UI_SCREEN_PLACE_AGAIN || s == UI_SCREEN_REQUEST)
      return set_state(f, UI_SCREEN_PIN, UI_PHASE_SHOW, ev->kind, now_ms);
    return 0;
  case UI_IN_PIN_OK:
    if (s == UI_SCREEN_PIN)
      return set_state(f, UI_SCREEN_STAFF_MENU, UI_PHASE_SHOW, ev->kind, now_ms);
    return 0;
  case UI_IN_BACK:
  case UI_IN_RESET:
    return set_state(f, ui_fsm_home(f), UI_PHASE_SHOW, ev->kind, now_ms);
  case UI_IN_REQUEST:
    /* new content even on the request screen: always a transition */
    f->request = 1;
    if (s == UI_SCREEN_IDLE || s == UI_SCREEN_REQUEST)
      return set_state_x(f, UI_SCREEN_REQUEST, UI_PHASE_SHOW, ev->kind, now_ms, 1, 0);
    return 0;
  case UI_IN_REQUEST_END:
    f->request = 0;
    if (s == UI_SCREEN_REQUEST)
      return set_state(f, UI_SCREEN_IDLE, UI_PHASE_SHOW, ev->kind, now_ms);
    return 0;
  case UI_IN_NOTICE:
    /* staff at the PIN or in their menu finish there; the notice would hide it */
    if (s == UI_SCREEN_PIN || s == UI_SCREEN_STAFF_MENU)
      return 0;
    return set_state_x(f, UI_SCREEN_NOTICE, UI_PHASE_SHOW, ev->kind, now_ms, 1, 0);
  case UI_IN_COUNT:
    break;
  }
  return UI_E_INVALID_ARG;
}

enum ui_screen ui_fsm_screen(const struct ui_fsm *f)
{
  return f ? f->screen : UI_SCREEN_IDLE;
}

enum ui_phase ui_fsm_phase(const struct ui_fsm *f)
{
  return f ? f->phase : UI_PHASE_SHOW;
}

uint32_t ui_fsm_remaining_ms(const struct ui_fsm *f, uint64_t now_ms)
{
  if (!f || f->cur_timeout == 0)
    return 0;
  uint64_t elapsed = now_ms > f->entered_ms ? now_ms - f->entered_ms : 0;
  uint32_t t = f->cur_timeout;
  return elapsed >= t ? 0 : (uint32_t)(t - elapsed);
}

uint32_t ui_fsm_next_deadline_ms(const struct ui_fsm *f, uint64_t now_ms)
{
  if (!f || f->cur_timeout == 0)
    return UINT32_MAX;
  uint32_t rem = ui_fsm_remaining_ms(f, now_ms);
  if (f->phase == UI_PHASE_SHOW && warns(f) && rem > f->warn_ms)
    return rem - f->warn_ms;
  return rem;
}

uint64_t ui_fsm_transitions(const struct ui_fsm *f)
{
  return f ? f->transitions : 0;
}
