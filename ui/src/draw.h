/*
 * Shapes and icons (private). Icons are drawn with geometry, not glyphs that a font
 * may lack: each is a signed distance function rasterised once per pixel size into
 * a white, anti-aliased alpha mask, cached as a texture and tinted when copied.
 * Rounded rectangles use a cached disc for their corners.
 */
#ifndef UI_DRAW_H
#define UI_DRAW_H

#include <SDL.h>
#include <stdint.h>

#define UI_ICON_MAP(X)                                                                   \
  X(DISC)    /* filled circle */                                                         \
  X(RING)    /* circle outline */                                                        \
  X(CHECK)   /* tick, sized to sit inside a DISC of the same size */                     \
  X(CROSS)   /* x, ditto */                                                              \
  X(BANG)    /* exclamation mark, ditto */                                               \
  X(PERSON)  /* head and shoulders, ditto */                                             \
  X(PORTRAIT)/* head and shoulders filling a photo frame (placeholder) */                \
  X(STAR)    /* five-pointed star */                                                     \
  X(DROP)    /* blood drop */                                                            \
  X(WARN)    /* warning triangle with an exclamation mark cut out */                     \
  X(CARD)    /* a card's outline, ID-1 proportions (idle illustration) */         \
  X(BACKSPACE) /* keypad delete */

enum ui_icon {
#define UI_X_ICON(name) UI_ICON_##name,
  UI_ICON_MAP(UI_X_ICON)
#undef UI_X_ICON
  UI_ICON_COUNT
};

struct ui_gfx;

int ui_gfx_create(SDL_Renderer *r, struct ui_gfx **out);
void ui_gfx_destroy(struct ui_gfx *g);

void ui_gfx_fill(struct ui_gfx *g, SDL_Rect rect, uint32_t rgb);
void ui_gfx_round_rect(struct ui_gfx *g, SDL_Rect rect, int radius, uint32_t rgb);
/* A rounded rectangle with a border of width bw. */
void ui_gfx_round_frame(struct ui_gfx *g, SDL_Rect rect, int radius, int bw, uint32_t border,
                        uint32_t fill);
/* An icon of size x size pixels centred at (cx, cy). w:h = 1:1 except CARD (w = size,
 * h = size * 0.63) and PORTRAIT (w = size, h = size * 4 / 3). */
void ui_gfx_icon(struct ui_gfx *g, enum ui_icon icon, int cx, int cy, int size, uint32_t rgb);

/* Rasterise an icon into a new ARGB8888 surface (white, alpha = coverage); exposed
 * for tests. */
SDL_Surface *ui_gfx_icon_surface(enum ui_icon icon, int size);

#endif
