/*
 * The painter's rooms (private to the paint*.c files): struct ui_painter, the layout
 * constants, the drawing helpers every screen uses, and one function per screen.
 *
 *   paint.c          the painter (fonts, strings, photo cache), the dispatch by screen
 *   paint_parts.c    parts shared by screens: header, banners, warning strip, buttons,
 *                    photo, holder fields, card picture, notes, bands, number formats
 *   paint_idle.c     idle, reading, place the card again, the HIS request waiting,
 *                    a notice
 *   paint_verdict.c  the verdict screens (gate, cashier, station) and the bus screen
 *   paint_check.c    the staff's checks: holder check, cashier
 *   paint_staff.c    the staff PIN and the staff menu
 *   paint_station.c  the station desk: ready list, summary, confirmation
 *
 * Screens call parts and helpers, never each other; nothing here calls back into
 * paint.c except through struct ui_painter's fields. Every text goes through a style
 * from ui/theme.h, so its colour pair is one the contrast test has checked; every
 * background under text is one of those styles' backgrounds.
 *
 * Type scale (logical px): verdict words 96-140, prompts 72-88, titles 48-56, body
 * 32-40, captions 24-28. Nothing a donor must read is below 28.
 */
#ifndef UI_PAINT_INT_H
#define UI_PAINT_INT_H

#include <SDL.h>
#include <stddef.h>
#include <stdint.h>

#include "draw.h"
#include "keys.h"
#include "paint.h"
#include "text.h"
#include "ui/strings.h"
#include "ui/theme.h"

/* Layout, in logical pixels (UI_LOGICAL_W x UI_LOGICAL_H). */
#define W UI_LOGICAL_W
#define H UI_LOGICAL_H
#define HEADER_H 88
#define BANNER_H 56
#define WARN_H 84
#define STATUS_H 44 /* the staff status line under the header */
#define PAD 40

struct ui_painter {
  SDL_Renderer *r;
  struct ui_textctx *text;
  struct ui_gfx *gfx;
  struct ui_strings *strings[UI_LANG_COUNT];
  enum ui_lang lang; /* of the shot being drawn */
  struct ui_hit hits[UI_HITS_MAX];
  size_t nhits;
  /* the decoded photo of the last holder drawn, by content hash */
  SDL_Texture *photo;
  uint64_t photo_hash;
  int photo_w, photo_h;
};

/* ------------------------------------------------------------------ helpers -- */
/* One-liners over text.h and draw.h in the painter's language and styles; inline so
 * that every screen file has them without a call. */

static inline uint32_t rgb(enum ui_colour c)
{
  return ui_colour_rgb(c);
}

static inline SDL_Color style_fg(enum ui_style s)
{
  uint32_t v = ui_colour_rgb(ui_style_fg(s));
  return (SDL_Color){(Uint8)(v >> 16), (Uint8)(v >> 8), (Uint8)v, 255};
}

static inline const char *S(struct ui_painter *p, enum ui_key k)
{
  const char *s = ui_strings_get(p->strings[p->lang], ui_key_text(k));
  return s ? s : ui_key_text(k);
}

/* A struct ui_text in the current language (order: ui/view.h). */
static inline const char *T(struct ui_painter *p, const struct ui_text *t)
{
  if (t->key[0]) {
    const char *s = ui_strings_get(p->strings[p->lang], t->key);
    if (s)
      return s;
  }
  if (t->text[p->lang][0])
    return t->text[p->lang];
  if (t->text[!p->lang][0])
    return t->text[!p->lang];
  return t->key;
}

/* The site's name in the current language (English falls back to the Chinese name). */
static inline const char *site_name(const struct ui_painter *p, const struct ui_status *st)
{
  return p->lang == UI_LANG_EN && st->site_en[0] ? st->site_en : st->site;
}

static inline int text(struct ui_painter *p, enum ui_style st, int size, enum ui_weight w, int x,
                int y, enum ui_align a, const char *s)
{
  return ui_text_draw(p->text, s, size, w, style_fg(st), x, y, a);
}

static inline int text_fit(struct ui_painter *p, enum ui_style st, int size, int min, enum ui_weight w,
                    int x, int y, int max_w, enum ui_align a, const char *s)
{
  return ui_text_draw_fit(p->text, s, size, min, w, style_fg(st), x, y, max_w, a);
}

static inline int wrapped(struct ui_painter *p, enum ui_style st, int size, enum ui_weight w,
                   SDL_Rect box, enum ui_align a, const char *s)
{
  return ui_text_draw_wrapped(p->text, s, size, w, style_fg(st), box, 118, a);
}

static inline int lh(struct ui_painter *p, int size, enum ui_weight w)
{
  return ui_text_line_height(p->text, size, w);
}

static inline int text_w(struct ui_painter *p, int size, enum ui_weight w, const char *s)
{
  int tw = 0;
  ui_text_size(p->text, s, size, w, &tw, NULL);
  return tw;
}

/* Text vertically centred on cy. */
static inline int text_mid(struct ui_painter *p, enum ui_style st, int size, enum ui_weight w, int x,
                    int cy, enum ui_align a, const char *s)
{
  return text(p, st, size, w, x, cy - lh(p, size, w) / 2, a, s);
}

static inline void hit(struct ui_painter *p, SDL_Rect r, enum ui_hit_kind k, int value)
{
  if (p->nhits < UI_HITS_MAX)
    p->hits[p->nhits++] = (struct ui_hit){r, k, value};
}

static inline void fill(struct ui_painter *p, SDL_Rect r, enum ui_colour c)
{
  ui_gfx_fill(p->gfx, r, rgb(c));
}

static inline void rrect(struct ui_painter *p, SDL_Rect r, int rad, enum ui_colour c)
{
  ui_gfx_round_rect(p->gfx, r, rad, rgb(c));
}

static inline void icon(struct ui_painter *p, enum ui_icon i, int cx, int cy, int size, enum ui_colour c)
{
  ui_gfx_icon(p->gfx, i, cx, cy, size, rgb(c));
}

/* A symbol in a disc: the usual verdict and status mark. */
static inline void badge(struct ui_painter *p, enum ui_icon sym, int cx, int cy, int size,
                  enum ui_colour disc, enum ui_colour mark)
{
  icon(p, UI_ICON_DISC, cx, cy, size, disc);
  icon(p, sym, cx, cy, size, mark);
}

/* -------------------------------------------------------------------- parts -- */

/* A reason line: kiosk's English texts start in lower case (they are also used
 * inside sentences); a line on screen starts with a capital. */
const char *ui_paint_reason_text(struct ui_painter *p, const struct ui_text *t, char *buf,
                                 size_t cap);

/* A data cell: "@key" names a strings entry, anything else is shown as given. */
const char *ui_paint_cell_text(struct ui_painter *p, const char *c);

void ui_paint_fmt_uint(char *buf, size_t cap, uint64_t v);

/* "15.00" from fen. */
void ui_paint_fmt_yuan(char *buf, size_t cap, int64_t fen);

/* "12 分钟" for an age in seconds. */
void ui_paint_fmt_age(struct ui_painter *p, char *buf, size_t cap, int64_t s);

void ui_paint_fmt_key_n(struct ui_painter *p, char *buf, size_t cap, enum ui_key k, uint64_t v);

enum ui_key ui_paint_mode_key(enum ui_mode m);

void ui_paint_header(struct ui_painter *p, const struct ui_shot *s, const struct ui_status *st);

/* Banners from the top y down; returns the y below them. */
int ui_paint_banners(struct ui_painter *p, const struct ui_status *st, int y, int public_screen);

/* The staff status line (staff screens): who is signed in with the sign-out button (F10),
 * days offline, the upload queue, the revocation list's age, the documents in force.
 * Returns the y below it. */
int ui_paint_status_line(struct ui_painter *p, const struct ui_status *st, int y);

int ui_paint_seconds_left(uint32_t ms);

/* The timeout warning strip at the bottom of any screen. */
void ui_paint_warn_strip(struct ui_painter *p, const struct ui_shot *s, uint32_t warn_total_ms);

/* A button: rounded, icon optional, label and key hint. */
void ui_paint_button(struct ui_painter *p, SDL_Rect r, enum ui_style st, enum ui_icon ic,
                     int with_icon, const char *label, const char *keyhint, enum ui_hit_kind k,
                     int value);

void ui_paint_lang_button(struct ui_painter *p, SDL_Rect r);
int ui_paint_access_row(struct ui_painter *p, const struct ui_shot *s, int x, int y, int right,
                        enum ui_style st, int outlined);

/* Up to n stars in gold (or any colour) from x, centred on cy; returns the width. */
int ui_paint_stars(struct ui_painter *p, unsigned n, int x, int cy, int size, enum ui_colour c);

/* The holder's photo into r (cropped to fill), or the portrait placeholder. */
void ui_paint_photo(struct ui_painter *p, const struct ui_holder *h, SDL_Rect r);

/* Label over value, in a panel column; returns the y below. */
int ui_paint_field(struct ui_painter *p, int x, int y, int w, enum ui_key label, const char *value,
                   int size);

/* The holder's fields (name, ID, award with stars, card number) in a column. */
int ui_paint_holder_fields(struct ui_painter *p, const struct ui_holder *h, int x, int y, int w,
                           int big);

/* The honour card as a picture: red card, gold chip, white drop; w wide. */
void ui_paint_card_art(struct ui_painter *p, int cx, int cy, int w, int shadow);

/* Reasons as note boxes for the staff screens: alerts in the alert colours, the rest
 * shaded. Returns the y below. */
int ui_paint_notes(struct ui_painter *p, const struct ui_view *v, SDL_Rect box, int size);

/* A coloured band with a badge, a title and a hint under the header. */
int ui_paint_band(struct ui_painter *p, int y, int h, enum ui_style st, enum ui_icon ic,
                  const char *title, const char *hint);

/* ------------------------------------------------------------------ screens -- */
/* top: the y below the header and banners (screens drawn under the header). */

void ui_paint_idle(struct ui_painter *p, const struct ui_shot *s, int top);
void ui_paint_reading(struct ui_painter *p, const struct ui_shot *s, int top);
void ui_paint_place_again(struct ui_painter *p, const struct ui_shot *s, int top);
void ui_paint_request(struct ui_painter *p, const struct ui_shot *s, int top);
void ui_paint_notice(struct ui_painter *p, const struct ui_shot *s, int top);
void ui_paint_verdict(struct ui_painter *p, const struct ui_shot *s, const struct ui_status *st);
void ui_paint_bus(struct ui_painter *p, const struct ui_shot *s, const struct ui_status *st);
void ui_paint_holder_check(struct ui_painter *p, const struct ui_shot *s, int top);
void ui_paint_cashier(struct ui_painter *p, const struct ui_shot *s, int top);
void ui_paint_pin(struct ui_painter *p, const struct ui_shot *s);
void ui_paint_staff_menu(struct ui_painter *p, const struct ui_shot *s, const struct ui_status *st,
                         int top);
void ui_paint_station_list(struct ui_painter *p, const struct ui_shot *s, int top);
void ui_paint_station_summary(struct ui_painter *p, const struct ui_shot *s, int top);
void ui_paint_station_confirm(struct ui_painter *p, const struct ui_shot *s, int top);

#endif
