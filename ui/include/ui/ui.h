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
 * This header is the window (ui.c), the top of the module; it includes the rest of the
 * public API so that a program needs only it: ui/core.h (errors, actions,
 * configuration, struct ui_shot), ui/canvas.h (headless rendering), ui/pin.h (the
 * staff PIN's hash), ui/fsm.h and ui/view.h. Files inside ui include the part they
 * need, never this one (docs/ui.md "Layers").
 *
 * Functions return enum ui_err: UI_OK (0), a negative code otherwise. Names and ID
 * numbers are shown only masked and never logged.
 */
#ifndef UI_UI_H
#define UI_UI_H

#include <stddef.h>
#include <stdint.h>

#include "ui/canvas.h"
#include "ui/core.h"
#include "ui/fsm.h"
#include "ui/pin.h"
#include "ui/view.h"

#ifdef __cplusplus
extern "C" {
#endif

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
int ui_post_reset(struct ui *ui); /* back to idle (to the request while one waits) */
/* Cashier: a HIS request waits for the card (copied; ui/view.h struct ui_request): its
 * screen replaces idle as home until ui_post_request_end. Posting it again updates it. */
int ui_post_request(struct ui *ui, const struct ui_request *request);
/* The request ended (answered, withdrawn, cancelled): idle is home again. notice_key: a
 * strings key shown for a few seconds first (request.withdrawn), or NULL: none (a
 * verdict on screen stays). */
int ui_post_request_end(struct ui *ui, const char *notice_key);
int ui_post_quit(struct ui *ui);

/* The SDL event type the posts use (registered by ui_create), for programs that
 * run their own SDL loop and want to recognise the ui's events. */
uint32_t ui_event_type(const struct ui *ui);
/* The message kinds carried in the event's code field. */
#define UI_MSG_MAP(X)                                                                    \
  X(CARD_PRESENT) X(CARD_REMOVED) X(READ_ERROR) X(VIEW) X(STATUS) X(STATION) X(RESET)  \
  X(QUIT) X(REQUEST) X(REQUEST_END)
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

#ifdef __cplusplus
}
#endif
#endif /* UI_UI_H */
