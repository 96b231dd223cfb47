/*
 * ui: the SDL2 full-screen kiosk screens of the honour card terminals.
 *
 * The UI shows what the kiosk core decided; it holds no business rule. Data flow:
 *
 *   card watcher thread --ui_post_card_present/read_error--\
 *   decision (kiosk) --adapter--> struct ui_view --ui_post_view--> SDL event queue
 *   sync thread --ui_post_status--------------------------/          |
 *                                                          main thread: ui_run()
 *                                       screen state machine (ui/fsm.h) -> painter
 *   staff keys / touches -> struct ui_action -> cfg.on_action (the program decides again)
 *
 * Threads: ui_create, ui_run, ui_step and ui_destroy belong to the main thread (SDL's
 * rule for video). The ui_post_* functions may be called from any thread while the ui
 * exists: each copies its argument into one SDL user event (SDL_PushEvent is
 * thread-safe) and returns at once.
 *
 * Headless rendering (screenshots, tests, the demo): struct ui_canvas draws any screen
 * into a software surface without a window; ui_render_to_png is the one-call form.
 *
 * Functions return enum ui_err: UI_OK (0), a negative code otherwise. Names and ID
 * numbers are shown only masked and never logged.
 */
#ifndef UI_UI_H
#define UI_UI_H

#include <stddef.h>
#include <stdint.h>

#include "ui/fsm.h"
#include "ui/view.h"

#ifdef __cplusplus
extern "C" {
#endif

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
  X(OVERRIDE, "override")               /* staff override while the journal is down */   \
  X(STATION_CONFIRM, "station-confirm") /* value: enum ui_station_action */              \
  X(STATION_CANCEL, "station-cancel")                                                    \
  X(STATION_SELECT, "station-select")   /* value: row */                                 \
  X(STAFF_LOGIN, "staff-login")         /* right PIN entered */                          \
  X(STAFF_LOGOUT, "staff-logout")                                                        \
  X(LANGUAGE, "language")               /* value: enum ui_lang now shown */              \
  X(TIMEOUT, "timeout")    /* back to idle: end session (value 1: dismissed by hand) */\
  X(QUIT, "quit")                       /* window closed */

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
  const char *strings_dir; /* NULL: $YH_UI_STRINGS_DIR, else the build's assets/strings */
  const char *font_regular, *font_bold; /* NULL: Noto Sans CJK (.ttc, SC face) */
  int sound;               /* 1: play tones */
  /* Staff PIN: "sha256$<salt>$<hex of SHA-256(salt || pin)>" (ui_pin_hash makes one),
   * or a callback (returns 1 for the right PIN). Neither: the staff menu is closed. */
  const char *pin_hash;
  int (*pin_check)(void *user, const char *pin);
  /* Monotonic milliseconds for the screen timeouts; NULL: SDL_GetTicks64. */
  uint64_t (*clock_ms)(void *user);
  /* Staff actions; NULL: ignored. */
  void (*on_action)(void *user, const struct ui_action *action);
  /* Trace lines (transitions, errors); NULL: stderr. */
  void (*log)(void *user, const char *line);
  void *user;
  uint32_t timeout_ms[UI_SCREEN_COUNT]; /* 0: the defaults in ui/fsm.h */
  uint32_t warn_ms;                     /* 0: 3000 */
  int no_warmup;                        /* 1: no idle-time warm-up (ui_prepare) */
};

/* Defaults: 1280x800, windowed, hardware renderer, GATE, zh-CN, sound on. */
void ui_config_init(struct ui_config *cfg);

/* ---------------------------------------------------------------- the window -- */

struct ui;

/*
 * Initialise SDL (video, audio when cfg->sound, events), open the window, load fonts
 * and both strings files, register the ui's event type. Main thread. cfg is copied
 * (its strings too). Errors: UI_E_SDL, UI_E_FONT, UI_E_IO / SYNTAX / MISSING_KEY for
 * the strings (the text logged with its line), UI_E_NO_MEMORY. A missing audio
 * device only disables the tones. *out is NULL on failure.
 */
int ui_create(const struct ui_config *cfg, struct ui **out);
/* Close the window, free pending events, quit SDL. Accepts NULL. */
void ui_destroy(struct ui *ui);

/* Run the event loop until the window closes or ui_post_quit. Returns UI_OK. */
int ui_run(struct ui *ui);
/* One round of the loop: wait up to wait_ms for events, handle them all, draw a frame
 * when something changed. Returns 1 when quit was requested, else 0. */
int ui_step(struct ui *ui, uint32_t wait_ms);

/* Draw every screen of the configured mode once, unseen, so that the first card is
 * shown as fast as the hundredth (fonts opened, fixed texts rasterised). ui_run and
 * ui_step do the same in idle time after start-up, one screen per step; call this to
 * have it done at once (tests, benchmarks). Main thread. */
int ui_prepare(struct ui *ui);

/* Thread-safe posts. Each returns UI_OK, UI_E_NO_MEMORY or UI_E_SDL (queue full). */
int ui_post_card_present(struct ui *ui);
int ui_post_card_removed(struct ui *ui);
/* reason_key: a strings key (error.*) saying why, or NULL. */
int ui_post_read_error(struct ui *ui, const char *reason_key);
int ui_post_view(struct ui *ui, const struct ui_view *view); /* copies photo bytes */
int ui_post_status(struct ui *ui, const struct ui_status *status);
int ui_post_station(struct ui *ui, const struct ui_station *station);
int ui_post_reset(struct ui *ui); /* back to idle */
int ui_post_quit(struct ui *ui);

/* The SDL event type the posts use (registered by ui_create), for programs that
 * run their own SDL loop and want to recognise the ui's events. */
uint32_t ui_event_type(const struct ui *ui);
/* The message kinds carried in the event's code field. */
#define UI_MSG_MAP(X)                                                                    \
  X(CARD_PRESENT) X(CARD_REMOVED) X(READ_ERROR) X(VIEW) X(STATUS) X(STATION) X(RESET)  \
  X(QUIT)
enum ui_msg_kind {
#define UI_X_MSG(name) UI_MSG_##name,
  UI_MSG_MAP(UI_X_MSG)
#undef UI_X_MSG
};

/* Main thread: what is on screen. */
enum ui_screen ui_current_screen(const struct ui *ui);
enum ui_phase ui_current_phase(const struct ui *ui);
enum ui_lang ui_current_lang(const struct ui *ui);

struct ui_stats {
  uint64_t frames;              /* frames presented */
  uint64_t views;               /* views shown */
  uint64_t last_view_latency_ns;/* decided_at_ns -> after SDL_RenderPresent */
  uint64_t max_view_latency_ns;
  uint64_t last_frame_ns;       /* drawing + present of the last frame */
  uint64_t ready_ns;            /* ui_create start -> first idle frame presented */
  uint64_t text_cache_hits, text_cache_misses;
  size_t text_cache_entries;
};
void ui_get_stats(const struct ui *ui, struct ui_stats *out);

/* Read back the last presented frame as an RGB24 surface (tests); caller frees it
 * with SDL_FreeSurface. */
struct SDL_Surface;
int ui_read_frame(struct ui *ui, struct SDL_Surface **out);

/* CLOCK_MONOTONIC in nanoseconds (the clock of decided_at_ns). */
uint64_t ui_monotonic_ns(void);

/* ----------------------------------------------------------- staff PIN check -- */

/* 1 when pin matches hash ("sha256$salt$hex"), else 0; constant-time compare.
 * UI_E_PIN_FORMAT for a malformed hash, UI_E_CRYPTO when OpenSSL fails. */
int ui_pin_verify(const char *hash, const char *pin);
/* Make a hash for the configuration; out gets "sha256$salt$hex" (cap >= 16 + 2*len(salt)
 * + 64 is plenty). salt: [A-Za-z0-9./]{1,32}. */
int ui_pin_hash(const char *salt, const char *pin, char *out, size_t cap);

/* ------------------------------------------------------ headless rendering -- */

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
  const char *bill_input;           /* CASHIER: bill number being typed, may be NULL */
};

struct ui_canvas;
/* A software renderer on a surface of cfg's size with fonts and strings loaded.
 * cfg may be NULL (ui_config_init defaults). Needs no window and no video driver. */
int ui_canvas_create(const struct ui_config *cfg, struct ui_canvas **out);
void ui_canvas_destroy(struct ui_canvas *c);
/* Draw a shot; *out is the canvas's RGB24 copy, the caller frees it (SDL_FreeSurface). */
int ui_canvas_render(struct ui_canvas *c, const struct ui_shot *shot,
                     struct SDL_Surface **out);
int ui_canvas_save_png(struct ui_canvas *c, const struct ui_shot *shot, const char *path);
/* Time of the last ui_canvas_render's drawing, ns. */
uint64_t ui_canvas_last_draw_ns(const struct ui_canvas *c);

/* One call: a canvas with cfg (NULL: defaults), draw, write PNG, free. For the demo:
 * ui_render_to_png(NULL, &(struct ui_shot){.screen = UI_SCREEN_VERDICT, .view = &v,
 * .mode = v.mode}, "verdict.png"). */
int ui_render_to_png(const struct ui_config *cfg, const struct ui_shot *shot,
                     const char *path);
/* The demo's one-liner: the screen a view goes to, in Chinese, with status (may be
 * NULL), default configuration, written to path. */
int ui_render_view_to_png(const struct ui_view *view, const struct ui_status *status,
                          const char *path);
/* The shot for a view: the screen the state machine would show for it. */
void ui_shot_for_view(struct ui_shot *shot, const struct ui_view *view,
                      const struct ui_status *status, enum ui_lang lang);

#ifdef __cplusplus
}
#endif
#endif /* UI_UI_H */
