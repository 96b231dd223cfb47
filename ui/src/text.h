/*
 * Text on screen (private): the CJK fonts, line breaking, and the texture cache.
 *
 * Fonts: Noto Sans CJK (regular and bold), the Simplified Chinese face of the .ttc,
 * opened lazily once per (weight, size). The CJK font covers the rare characters of
 * names (䶮, 𠇔 from extensions A and B), so one font serves every string.
 *
 * Cache: every rendered line is an SDL_Texture in an LRU keyed by
 * (text, size, weight, colour); a screen's texts are rasterised once and then only
 * copied, which keeps a verdict frame well inside a display refresh.
 */
#ifndef UI_TEXT_H
#define UI_TEXT_H

#include <SDL.h>
#include <stddef.h>
#include <stdint.h>

#include "lru.h"

#define UI_FONT_DEFAULT_REGULAR "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#define UI_FONT_DEFAULT_BOLD "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"

enum ui_weight {
  UI_W_REGULAR = 0,
  UI_W_BOLD = 1,
};

/* Horizontal alignment of a line at x. */
enum ui_align {
  UI_ALIGN_LEFT = 0,
  UI_ALIGN_CENTER = 1,
  UI_ALIGN_RIGHT = 2,
};

struct ui_textctx;

/* Fonts are checked (opened once, face found) here; NULL paths take the defaults.
 * UI_E_FONT when a font cannot be opened. */
int ui_textctx_create(SDL_Renderer *r, const char *regular, const char *bold,
                      struct ui_textctx **out);
void ui_textctx_destroy(struct ui_textctx *t);

/* Font face index used and the family name found (for diagnostics). */
int ui_textctx_face(const struct ui_textctx *t, const char **family);

/* Size of one line, in pixels. */
int ui_text_size(struct ui_textctx *t, const char *s, int size, enum ui_weight w, int *wpx,
                 int *hpx);
/* Height of a line box of this size. */
int ui_text_line_height(struct ui_textctx *t, int size, enum ui_weight w);

/* Draw one line with its box's top at y; returns the width drawn (0 for ""). */
int ui_text_draw(struct ui_textctx *t, const char *s, int size, enum ui_weight w,
                 SDL_Color fg, int x, int y, enum ui_align align);
/* Draw one line shrinking the size (down to min_size) until it fits max_w; what
 * still does not fit is cut with an ellipsis. Returns the size used. */
int ui_text_draw_fit(struct ui_textctx *t, const char *s, int size, int min_size,
                     enum ui_weight w, SDL_Color fg, int x, int y, int max_w,
                     enum ui_align align);

/* Break s into lines of at most max_w pixels (CJK anywhere, but not before closing
 * punctuation; Latin at spaces; '\n' always). starts/lens receive byte ranges.
 * Returns the number of lines (<= max_lines; the last one may be cut). */
size_t ui_text_break(struct ui_textctx *t, const char *s, int size, enum ui_weight w,
                     int max_w, size_t max_lines, size_t *starts, size_t *lens);
/* Draw wrapped text in box (left/centre/right aligned), line pitch = line height *
 * pitch_pct / 100; returns the height used. A last line that does not fit ends in
 * an ellipsis. */
int ui_text_draw_wrapped(struct ui_textctx *t, const char *s, int size, enum ui_weight w,
                         SDL_Color fg, SDL_Rect box, int pitch_pct, enum ui_align align);

void ui_textctx_stats(const struct ui_textctx *t, struct ui_lru_stats *out);
/* Drop every cached texture (the renderer is going away, or for measurements). */
void ui_textctx_flush(struct ui_textctx *t);

#endif
