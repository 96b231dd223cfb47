/*
 * The painter (private): draws one struct ui_shot (a screen and its data) with an
 * SDL_Renderer. Used by the window (ui.c) and by the headless canvas (canvas.c), so
 * screenshots and tests draw exactly what the kiosk shows.
 *
 * The layout is designed at 1280 x 800 logical pixels; windows of other sizes are
 * scaled by SDL_RenderSetLogicalSize.
 *
 * Touch targets: while drawing, the painter records where each button is (struct
 * ui_hit), so a touch or click maps to the same action as its key.
 */
#ifndef UI_PAINT_H
#define UI_PAINT_H

#include <SDL.h>

#include "text.h"
#include "ui/strings.h"
#include "ui/core.h"

#define UI_HIT_MAP(X)                                                                    \
  X(CONFIRM) X(REFUSE) X(REPEAT_ACCEPT) X(OVERRIDE) X(VISIT) X(BILL_OK) X(LANG)          \
  X(DIGIT) X(PIN_DEL) X(PIN_OK) X(PIN_CANCEL) X(TONE) X(LOGOUT) X(STATION_CONFIRM)      \
  X(STATION_CANCEL) X(ROW) X(STAFF) X(REPEAT) X(VOL_DOWN) X(VOL_UP) X(ID) X(SIGN_OUT)

enum ui_hit_kind {
#define UI_X_HIT(name) UI_HIT_##name,
  UI_HIT_MAP(UI_X_HIT)
#undef UI_X_HIT
  UI_HIT_COUNT
};

struct ui_hit {
  SDL_Rect r;
  enum ui_hit_kind kind;
  int value;
};
#define UI_HITS_MAX 32u

struct ui_painter;

/* Load fonts and both strings files (checked for completeness). On failure diag
 * says what (a file and line for the strings). */
int ui_painter_create(SDL_Renderer *r, const struct ui_config *cfg, struct ui_painter **out,
                      char *diag, size_t diag_cap);
void ui_painter_destroy(struct ui_painter *p);

/* Draw the shot into the renderer's target (not presented). */
int ui_painter_draw(struct ui_painter *p, const struct ui_shot *shot);
/* The touch targets of the last frame drawn. */
size_t ui_painter_hits(const struct ui_painter *p, const struct ui_hit **out);

struct ui_textctx *ui_painter_text(struct ui_painter *p);
/* A string of the current strings files (for the window title). */
const char *ui_painter_string(struct ui_painter *p, enum ui_lang lang, const char *key);
/* The strings file of a language (the speech's phrases come from it). */
const struct ui_strings *ui_painter_strings(const struct ui_painter *p, enum ui_lang lang);

/* The strings folder: cfg->strings_dir, else $YH_UI_STRINGS_DIR, else strings/ in the data
 * directory (common/datadir.h). */
const char *ui_strings_dir(const struct ui_config *cfg);

#endif
