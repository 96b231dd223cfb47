/*
 * ui core: the vocabulary every part of the ui shares, and the only ui header the
 * lower parts (painter, text, fsm, strings, samples) include: the error codes, the
 * staff actions, the configuration, the clock, and struct ui_shot (one screen to draw).
 * Implemented by core.c (names, defaults, clock), which calls nothing else in ui, so
 * that no lower file depends on the window (ui/ui.h) that sits on top of them.
 *
 * Functions return enum ui_err: UI_OK (0), a negative code otherwise.
 */
#ifndef UI_CORE_H
#define UI_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "ui/fsm.h"
#include "ui/view.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The layout's logical size: screens are designed at 1280 x 800 and scaled to the
 * window (SDL_RenderSetLogicalSize). */
#define UI_LOGICAL_W 1280
#define UI_LOGICAL_H 800

/* Volume steps of tones and speech: 0 (mute) .. UI_VOLUME_MAX. */
#define UI_VOLUME_MAX 10
#define UI_VOLUME_DEFAULT 7

#define UI_ERRNO_MAP(X)                                                                  \
  X(OK, 0, "success")                                                                    \
  X(INVALID_ARG, -1, "invalid argument")                                                 \
  X(NO_MEMORY, -2, "out of memory")                                                      \
  X(IO, -3, "file input/output error")                                                   \
  X(SYNTAX, -4, "syntax error")                                                          \
  X(TOO_LARGE, -5, "input exceeds its limit")                                            \
  X(MISSING_KEY, -6, "a string the screens need is missing")                             \
  X(UNKNOWN_KEY, -7, "unknown string key")                                               \
  X(SDL, -8, "SDL error")                                                                \
  X(FONT, -9, "font not found or not usable")                                            \
  X(IMAGE, -10, "image could not be decoded or written")                                 \
  X(PIN_FORMAT, -11, "PIN hash not in the form sha256$salt$hex")                         \
  X(CRYPTO, -12, "cryptographic library error")

enum ui_err {
#define UI_X_ENUM(name, value, text) UI_E_##name = (value),
  UI_ERRNO_MAP(UI_X_ENUM)
#undef UI_X_ENUM
};
#define UI_OK UI_E_OK

const char *ui_strerror(int err); /* never NULL */
const char *ui_errname(int err);  /* "UI_E_FONT"; never NULL */

/* ------------------------------------------------------------ configuration -- */

/* What the staff did on the screen; the program acts on it (decides again, journals,
 * posts the next view). Delivered on the main thread from ui_run/ui_step. */
#define UI_ACTION_MAP(X)                                                                 \
  X(HOLDER_CONFIRM, "holder-confirm")   /* staff: the holder matches ID card and photo */\
  X(HOLDER_REFUSE, "holder-refuse")     /* staff: not the holder */                      \
  X(REPEAT_ACCEPT, "repeat-accept")     /* staff accept a repeat use at the gate */      \
  X(VISIT, "visit")                     /* value: enum ui_visit chosen */                \
  X(BILL_REF, "bill-ref")               /* text: the bill number typed */                \
  X(ID_NUMBER, "id-number")   /* text: the holder's ID number typed, check digit right; \
                                 the receiver matches it and wipes its copy at once */  \
  X(OVERRIDE, "override")               /* staff override while the journal is down */   \
  X(STATION_CONFIRM, "station-confirm") /* value: enum ui_station_action */              \
  X(STATION_CANCEL, "station-cancel")                                                    \
  X(STATION_SELECT, "station-select")   /* value: row */                                 \
  X(STAFF_LOGIN, "staff-login")         /* right PIN entered */                          \
  X(STAFF_LOGOUT, "staff-logout")       /* the staff menu closed (back to idle) */       \
  X(STAFF_SIGN_OUT, "staff-sign-out")   /* the signed-in member signs out (F10) */        \
  X(LANGUAGE, "language")               /* value: enum ui_lang now shown */              \
  X(TIMEOUT, "timeout")    /* back to idle: end session (value 1: dismissed by hand) */\
  X(QUIT, "quit")                       /* window closed */                              \
  X(REQUEST_CANCEL, "request-cancel")   /* the cashier cancelled the HIS request (Esc on \
                                           its screen); value: the request's id */

enum ui_action_kind {
#define UI_X_ACT(name, text) UI_ACT_##name,
  UI_ACTION_MAP(UI_X_ACT)
#undef UI_X_ACT
  UI_ACT_COUNT
};
const char *ui_action_name(int kind);

struct ui_action {
  enum ui_action_kind kind;
  uint32_t seq;               /* the view's (or station data's) seq it refers to */
  int value;
  char text[UI_BILL_REF_MAX];
};

struct ui_config {
  int width, height;       /* logical size; 0: 1280 x 800 */
  int fullscreen;          /* 1: desktop full screen, scaled to the logical size */
  int software;            /* 1: software renderer (tests, machines without GPU) */
  int vsync;               /* 1: present with vsync */
  enum ui_mode mode;       /* idle instructions; 0: GATE */
  enum ui_lang lang;       /* language after every return to idle */
  const char *strings_dir; /* NULL: $YH_UI_STRINGS_DIR, else the data dir's strings/ */
  const char *font_regular, *font_bold; /* NULL: Noto Sans CJK (.ttc, SC face) */
  int sound;               /* 1: play tones */
  /* Speech (ui/speech.h): 1 speaks verdicts, reasons and prompts in the screen's
   * language (needs sound); 0 for sites that do not want it. volume: 0..10 at start
   * (the staff and visitors change it with F6 / F7 or the on-screen buttons).
   * speech_dir: also write every spoken phrase there as WAV (the demo); NULL:
   * $YH_UI_SPEECH_DIR, else none. */
  int speech;
  int volume;
  const char *speech_dir;
  /* Staff PIN: "sha256$<salt>$<hex of SHA-256(salt || pin)>" (ui_pin_hash makes one),
   * or a callback (returns 1 for the right PIN). Neither: the staff menu is closed. */
  const char *pin_hash;
  int (*pin_check)(void *user, const char *pin);
  /* Staff sign-in by id and PIN (a roster, docs/staff.md): when sign_in_by_id says 1 as
   * the PIN screen opens, the screen asks for the staff id first, then the PIN, and
   * sign_in checks both (UI_SIGN_IN_*; the lock-out is the program's). The id reaches the
   * program in the STAFF_LOGIN action's text. NULL: the PIN alone, as above. */
  int (*sign_in_by_id)(void *user);
  int (*sign_in)(void *user, const char *staff_id, const char *pin);
  /* Monotonic milliseconds for the screen timeouts; NULL: SDL_GetTicks64. */
  uint64_t (*clock_ms)(void *user);
  /* Staff actions; NULL: ignored. */
  void (*on_action)(void *user, const struct ui_action *action);
  /* Trace lines (transitions, errors); NULL: stderr. */
  void (*log)(void *user, const char *line);
  void *user;
  uint32_t timeout_ms[UI_SCREEN_COUNT]; /* 0: the defaults in ui/fsm.h */
  uint32_t warn_ms;                     /* 0: 20000 (WCAG 2.2.1: 20 s to ask for more) */
  /* How long a verdict stays up, per mode (index enum ui_mode); 0: the screen's
   * timeout (VERDICT, or BUS in bus mode). */
  uint32_t verdict_ms[UI_MODE_STATION + 1];
  int no_warmup;                        /* 1: no idle-time warm-up (ui_prepare) */
};

enum { UI_SIGN_IN_OK = 1, UI_SIGN_IN_WRONG = 0, UI_SIGN_IN_LOCKED = -1, UI_SIGN_IN_SHORT = -2 };

/* Defaults: 1280x800, windowed, hardware renderer, GATE, zh-CN, sound on. */
void ui_config_init(struct ui_config *cfg);

/* CLOCK_MONOTONIC in nanoseconds (the clock of decided_at_ns). */
uint64_t ui_monotonic_ns(void);

/* ------------------------------------------------------------- one screen -- */

/* One screen to draw without the state machine (screenshots, tests, the demo). */
struct ui_shot {
  enum ui_screen screen;
  enum ui_phase phase;
  enum ui_lang lang;
  enum ui_mode mode;
  const struct ui_view *view;       /* VERDICT, HOLDER_CHECK, CASHIER, BUS */
  const struct ui_status *status;   /* banners, staff menu; NULL: none */
  const struct ui_station *station; /* STATION_* */
  const char *read_error_key;       /* PLACE_AGAIN: why (error.*), may be NULL */
  uint32_t remaining_ms;            /* countdown shown (verdicts; WARN strip) */
  uint32_t warn_ms;                 /* WARN: the warning's full length; 0: 3000 */
  uint64_t anim_ms;                 /* READING: spinner position */
  size_t pin_len;                   /* PIN: digits typed */
  const char *pin_message_key;      /* PIN: message under the dots, may be NULL */
  const char *pin_staff_id;         /* PIN: the staff id being typed (id step), else NULL */
  const char *bill_input;           /* CASHIER: bill number being typed, may be NULL */
  /* CASHIER: the ID number field (F4). id_input is what the screen shows of it, already
   * masked (ui_idfield_shown: dots where the mask hides), never the number itself. */
  int id_active;
  const char *id_input;
  const char *cashier_message_key;  /* CASHIER: a refusal under the fields, may be NULL */
  int speech;                       /* 1: the public screens show repeat and volume buttons */
  const struct ui_request *request; /* REQUEST: the HIS's request (ui/view.h) */
  const char *notice_key;           /* NOTICE: what it says (a strings key) */
};

#ifdef __cplusplus
}
#endif
#endif /* UI_CORE_H */
