/*
 * ui canvas: headless rendering. A software renderer on a surface, no window and no
 * video driver, drawing through the same painter as the kiosk window; screenshots for
 * the demo and the reference images of the tests come from here (canvas.c).
 * Main thread of the caller; one canvas per thread.
 */
#ifndef UI_CANVAS_H
#define UI_CANVAS_H

#include "ui/core.h"

#ifdef __cplusplus
extern "C" {
#endif

struct SDL_Surface;
struct ui_canvas;
/* A software renderer on a surface of cfg's size with fonts and strings loaded.
 * cfg may be NULL (ui_config_init defaults). Needs no window and no video driver. */
int ui_canvas_create(const struct ui_config *cfg, struct ui_canvas **out);
void ui_canvas_destroy(struct ui_canvas *c);
/* Draw a shot; *out is the canvas's RGB24 copy, the caller frees it (SDL_FreeSurface). */
int ui_canvas_render(struct ui_canvas *c, const struct ui_shot *shot,
                     struct SDL_Surface **out);
int ui_canvas_save_png(struct ui_canvas *c, const struct ui_shot *shot, const char *path);
/* 1 when the last render drew a touch target of this name ("LANG", "REPEAT",
 * "VOL_UP", "VOL_DOWN", "CONFIRM", ...: the painter's targets), else 0. Tests check
 * with it that every public screen has its language button. */
int ui_canvas_has_target(const struct ui_canvas *c, const char *name);
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
#endif /* UI_CANVAS_H */
