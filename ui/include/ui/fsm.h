/*
 * ui screen state machine: which screen is up, and when it goes back to idle.
 *
 * One enum of screens, one phase (showing, or warning that it is about to go back to
 * idle), one transition function ui_fsm_step(). Every transition writes one trace line
 * ("ui: verdict/show -> verdict/warn on tick") through the log callback. Time comes in
 * with each event (milliseconds of any monotonic clock), so tests drive the machine
 * without real time. No SDL, no I/O: the machine is plain data.
 *
 * Timeouts: a screen with a timeout T and warning W shows for T - W, then warns for W,
 * then goes to idle. W (default 20 s, WCAG 2.2.1) applies only where T >= 2 W: the
 * screens that hold someone's progress (holder check, cashier, PIN, staff menu,
 * station) warn; a verdict loses nothing when it ends, shows its countdown and simply
 * ends. A user input while warning returns to showing with the full timeout again.
 * A verdict's hold time can be set per mode (verdict_ms).
 *
 * Home: the screen a timeout, Esc or a reset goes back to. It is IDLE, except while a
 * HIS request waits for the card (REQUEST input until REQUEST_END): then it is REQUEST,
 * so that a read error, a cancelled holder check or the staff menu come back to the
 * request rather than to "present the card" with no word of the bill.
 */
#ifndef UI_FSM_H
#define UI_FSM_H

#include <stdint.h>

#include "ui/view.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Screens: name, default timeout to idle in ms (0: none). */
#define UI_SCREEN_MAP(X)                                                                 \
  X(IDLE, 0, "idle")                      /* 请出示荣誉卡 */                              \
  X(READING, 10000, "reading")            /* a card is being read */                     \
  X(PLACE_AGAIN, 8000, "place_again")     /* read error: 请重新放卡 */                   \
  X(VERDICT, 10000, "verdict")            /* full-screen verdict */                      \
  X(HOLDER_CHECK, 90000, "holder_check")  /* gate: staff compare the holder */          \
  X(CASHIER, 180000, "cashier")           /* cashier: SSC, visit, bill, fee */           \
  X(BUS, 8000, "bus")                     /* bus: one big verdict (see docs/ui.md) */    \
  X(PIN, 60000, "pin")                    /* staff PIN entry */                          \
  X(STAFF_MENU, 120000, "staff_menu")     /* staff menu */                               \
  X(STATION_LIST, 300000, "station_list") /* station: applications */                   \
  X(STATION_SUMMARY, 300000, "station_summary")                                          \
  X(STATION_CONFIRM, 300000, "station_confirm")                                          \
  X(REQUEST, 0, "request")                /* cashier: a HIS request waits for the card */\
  X(NOTICE, 6000, "notice")               /* a short notice, then idle */

enum ui_screen {
#define UI_X_SCREEN(name, timeout, text) UI_SCREEN_##name,
  UI_SCREEN_MAP(UI_X_SCREEN)
#undef UI_X_SCREEN
  UI_SCREEN_COUNT
};
const char *ui_screen_name(int screen); /* "idle", ...; NULL when unknown */
/* Parse "idle", ...; 0 on success, -1 otherwise. */
int ui_screen_parse(const char *text, enum ui_screen *out);

enum ui_phase {
  UI_PHASE_SHOW = 0,
  UI_PHASE_WARN = 1, /* "returning to the start screen in n s" */
};

/* What drives the machine. */
#define UI_INPUT_MAP(X)                                                                  \
  X(CARD_PRESENT, "card-present")  /* a card arrived: reading */                         \
  X(CARD_REMOVED, "card-removed")  /* the card left (during reading: place again) */     \
  X(READ_ERROR, "read-error")      /* the read failed: place again */                    \
  X(VIEW, "view")                  /* a decision to show (view, mode) */                 \
  X(STATION, "station")            /* station data to show (station kind) */             \
  X(TICK, "tick")                  /* time passed */                                     \
  X(ACTIVITY, "activity")          /* a key or touch: restarts the timeout */           \
  X(STAFF, "staff")                /* the staff key: PIN entry */                        \
  X(PIN_OK, "pin-ok")              /* right PIN: staff menu */                           \
  X(BACK, "back")                  /* Esc / back: idle */                               \
  X(RESET, "reset")                /* the program asks for idle */                       \
  X(REQUEST, "request")            /* a HIS request waits: the home screen */            \
  X(REQUEST_END, "request-end")    /* it ended: idle is home again */                    \
  X(NOTICE, "notice")              /* a short notice (the request withdrawn) */

enum ui_input {
#define UI_X_INPUT(name, text) UI_IN_##name,
  UI_INPUT_MAP(UI_X_INPUT)
#undef UI_X_INPUT
  UI_IN_COUNT
};
const char *ui_input_name(int input);

struct ui_fsm_event {
  enum ui_input kind;
  enum ui_mode mode;             /* VIEW: the view's mode */
  enum ui_verdict verdict;       /* VIEW */
  unsigned needs;                /* VIEW: UI_NEED_* */
  enum ui_station_kind station;  /* STATION */
};

struct ui_fsm_config {
  uint32_t timeout_ms[UI_SCREEN_COUNT]; /* 0 entries take the defaults above */
  uint32_t warn_ms;                     /* 0: 20000 */
  /* A verdict's hold time per mode (index enum ui_mode); 0: the screen's timeout. */
  uint32_t verdict_ms[UI_MODE_STATION + 1];
  /* Trace sink, one line per transition (no personal data); NULL: silent. */
  void (*trace)(void *user, const char *line);
  void *user;
};

struct ui_fsm;

/* A machine on the idle screen. cfg may be NULL (defaults). UI_E_NO_MEMORY. */
int ui_fsm_create(const struct ui_fsm_config *cfg, uint64_t now_ms, struct ui_fsm **out);
void ui_fsm_destroy(struct ui_fsm *fsm);

/*
 * The transition function. Returns 1 for a transition (traced): the screen or phase
 * changed, or a VIEW / STATION brought new content (always a transition, even onto
 * the same screen); 0 when nothing changed; UI_E_INVALID_ARG for a bad event. Which screen a VIEW goes to is
 * presentation only: mode BUS -> BUS; STAFF_CHECK at the gate -> HOLDER_CHECK; a
 * cashier view that still needs something or a cashier STAFF_CHECK -> CASHIER;
 * anything else -> VERDICT.
 */
int ui_fsm_step(struct ui_fsm *fsm, const struct ui_fsm_event *ev, uint64_t now_ms);

enum ui_screen ui_fsm_screen(const struct ui_fsm *fsm);
enum ui_phase ui_fsm_phase(const struct ui_fsm *fsm);
/* Milliseconds until the screen goes back to idle (0 when it has no timeout). */
uint32_t ui_fsm_remaining_ms(const struct ui_fsm *fsm, uint64_t now_ms);
/* Milliseconds until the next timed transition (UINT32_MAX: none), for the event
 * loop's wait. */
uint32_t ui_fsm_next_deadline_ms(const struct ui_fsm *fsm, uint64_t now_ms);
/* The screen to go back to: UI_SCREEN_REQUEST while a request waits, else IDLE. */
enum ui_screen ui_fsm_home(const struct ui_fsm *fsm);
/* Transitions made so far. */
uint64_t ui_fsm_transitions(const struct ui_fsm *fsm);
/* The screen a view goes to (the rule in ui_fsm_step). */
enum ui_screen ui_fsm_screen_for_view(enum ui_mode mode, enum ui_verdict verdict,
                                      unsigned needs);

#ifdef __cplusplus
}
#endif
#endif /* UI_FSM_H */
