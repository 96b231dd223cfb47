/*
 * ui theme: the palette and the text styles. Every text on every screen is drawn in
 * one of the styles below, and a style is a foreground on a known, solid background,
 * so the contrast of every pair can be computed (WCAG 2.x relative luminance) and is
 * held at 7:1 or more by a unit test (the AAA level, for a public kiosk read at arm's
 * length by older donors). Colour is never the only signal: each verdict also has
 * its own icon shape, words and tone.
 */
#ifndef UI_THEME_H
#define UI_THEME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Colours: name, 0xRRGGBB. */
#define UI_COLOUR_MAP(X)                                                                 \
  X(PAPER, 0xF4F6F8)     /* light screen background */                                   \
  X(PANEL, 0xFFFFFF)     /* cards and panels */                                          \
  X(SHADE, 0xE9EDF2)     /* alternate table rows */                                      \
  X(LINE, 0xC9D1D9)      /* borders (never text) */                                      \
  X(INK, 0x0B2545)       /* main text on light */                                        \
  X(MUTED, 0x44515E)     /* secondary text on light */                                   \
  X(HEADER, 0x0B2545)    /* header bar, PIN screen */                                    \
  X(HEADER_SUB, 0xC9D6E3)/* secondary text on the header */                              \
  X(WHITE, 0xFFFFFF)                                                                     \
  X(BRAND, 0xB3141C)     /* blood red: the drop and the card (graphics only) */          \
  X(GOLD, 0xC99A06)      /* award stars (graphics only) */                               \
  X(GRANT, 0x0A5C2E)     /* verdict GRANT background, confirm buttons */                 \
  X(DENY, 0x9B1118)      /* verdict DENY background, refuse buttons */                   \
  X(STAFF, 0xFFC940)     /* verdict STAFF_CHECK background */                            \
  X(STAFF_INK, 0x1F1600) /* text on STAFF */                                             \
  X(ERROR, 0x37474F)     /* verdict ERROR background */                                  \
  X(WARN_BG, 0xFFF1C2)   /* banners: offline, stale list; the timeout warning */         \
  X(WARN_INK, 0x3B2A00)                                                                  \
  X(ALERT_BG, 0xFDE2E2)  /* banner: no reader; mismatch notes */                         \
  X(ALERT_INK, 0x5E0B0F)                                                                 \
  X(NEUTRAL, 0xE3E8EE)   /* neutral buttons, keypad */                                   \
  X(FOCUS, 0x1B4F8A)     /* selected row, chosen option */

enum ui_colour {
#define UI_X_COL(name, rgb) UI_COL_##name,
  UI_COLOUR_MAP(UI_X_COL)
#undef UI_X_COL
  UI_COL_COUNT
};
uint32_t ui_colour_rgb(enum ui_colour c); /* 0xRRGGBB */
const char *ui_colour_name(enum ui_colour c);

/* Text styles: name, foreground, the background it is drawn on. */
#define UI_STYLE_MAP(X)                                                                  \
  X(ON_PAPER, INK, PAPER)                                                                \
  X(MUTED_ON_PAPER, MUTED, PAPER)                                                        \
  X(ON_PANEL, INK, PANEL)                                                                \
  X(MUTED_ON_PANEL, MUTED, PANEL)                                                        \
  X(GRANT_ON_PANEL, GRANT, PANEL)                                                        \
  X(DENY_ON_PANEL, DENY, PANEL)                                                          \
  X(ON_SHADE, INK, SHADE)                                                                \
  X(ON_HEADER, WHITE, HEADER)                                                            \
  X(SUB_ON_HEADER, HEADER_SUB, HEADER)                                                   \
  X(ON_GRANT, WHITE, GRANT)                                                              \
  X(ON_DENY, WHITE, DENY)                                                                \
  X(ON_STAFF, STAFF_INK, STAFF)                                                          \
  X(ON_ERROR, WHITE, ERROR)                                                              \
  X(ON_WARN, WARN_INK, WARN_BG)                                                          \
  X(ON_ALERT, ALERT_INK, ALERT_BG)                                                       \
  X(ON_NEUTRAL, INK, NEUTRAL)                                                            \
  X(ON_FOCUS, WHITE, FOCUS)

enum ui_style {
#define UI_X_STY(name, fg, bg) UI_STYLE_##name,
  UI_STYLE_MAP(UI_X_STY)
#undef UI_X_STY
  UI_STYLE_COUNT
};
enum ui_colour ui_style_fg(enum ui_style s);
enum ui_colour ui_style_bg(enum ui_style s);
const char *ui_style_name(enum ui_style s);

/* WCAG 2.x: relative luminance of 0xRRGGBB, and the contrast ratio (1..21) of two. */
double ui_luminance(uint32_t rgb);
double ui_contrast_ratio(uint32_t a, uint32_t b);

/* The minimum contrast every style keeps. */
#define UI_CONTRAST_MIN 7.0

#ifdef __cplusplus
}
#endif
#endif /* UI_THEME_H */
