/*
 * The screens (paint.h). Every text goes through text_*() with a style from
 * ui/theme.h, so its colour pair is one the contrast test has checked; every
 * background under text is one of those styles' backgrounds.
 *
 * Type scale (logical px): verdict words 96-140, prompts 72-88, titles 48-56, body
 * 32-40, captions 24-28. Nothing a donor must read is below 28.
 */
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "keys.h"
#include "paint.h"
#include "ui/theme.h"
#include "utf8.h"

#define W UI_LOGICAL_W
#define H UI_LOGICAL_H
#define HEADER_H 88
#define BANNER_H 56
#define WARN_H 84
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

const char *ui_strings_dir(const struct ui_config *cfg)
{
  if (cfg && cfg->strings_dir)
    return cfg->strings_dir;
  const char *env = getenv("YH_UI_STRINGS_DIR");
  if (env && env[0])
    return env;
#ifdef UI_ASSETS_DIR
  return UI_ASSETS_DIR "/strings";
#else
  return "assets/strings";
#endif
}

int ui_painter_create(SDL_Renderer *r, const struct ui_config *cfg, struct ui_painter **out,
                      char *diag, size_t diag_cap)
{
  if (!out || !r)
    return UI_E_INVALID_ARG;
  *out = NULL;
  if (diag && diag_cap)
    diag[0] = '\0';
  struct ui_painter *p = calloc(1, sizeof *p);
  if (!p)
    return UI_E_NO_MEMORY;
  p->r = r;
  const char *dir = ui_strings_dir(cfg);
  int rc = UI_OK;
  for (int l = 0; l < UI_LANG_COUNT; l++) {
    char path[1024];
    struct ui_diag d = {0};
    snprintf(path, sizeof path, "%s/%s.ini", dir, ui_lang_tag((enum ui_lang)l));
    rc = ui_strings_load(path, &p->strings[l], &d);
    if (rc == UI_OK)
      rc = ui_strings_check(p->strings[l], &d);
    if (rc != UI_OK) {
      if (diag)
        snprintf(diag, diag_cap, "%s:%u: %s", path, d.line, d.text);
      goto out_free;
    }
  }
  rc = ui_textctx_create(r, cfg ? cfg->font_regular : NULL, cfg ? cfg->font_bold : NULL,
                         &p->text);
  if (rc != UI_OK) {
    if (diag)
      snprintf(diag, diag_cap, "font %s: %s",
               cfg && cfg->font_regular ? cfg->font_regular : UI_FONT_DEFAULT_REGULAR,
               TTF_GetError());
    goto out_free;
  }
  rc = ui_gfx_create(r, &p->gfx);
  if (rc != UI_OK)
    goto out_free;
  IMG_Init(IMG_INIT_JPG | IMG_INIT_PNG);
  *out = p;
  return UI_OK;

out_free:
  ui_painter_destroy(p);
  return rc;
}

void ui_painter_destroy(struct ui_painter *p)
{
  if (!p)
    return;
  if (p->photo)
    SDL_DestroyTexture(p->photo);
  ui_gfx_destroy(p->gfx);
  ui_textctx_destroy(p->text);
  for (int l = 0; l < UI_LANG_COUNT; l++)
    ui_strings_destroy(p->strings[l]);
  free(p);
}

struct ui_textctx *ui_painter_text(struct ui_painter *p)
{
  return p ? p->text : NULL;
}

size_t ui_painter_hits(const struct ui_painter *p, const struct ui_hit **out)
{
  if (out)
    *out = p ? p->hits : NULL;
  return p ? p->nhits : 0;
}

const char *ui_painter_string(struct ui_painter *p, enum ui_lang lang, const char *key)
{
  const char *s = p ? ui_strings_get(p->strings[lang == UI_LANG_EN], key) : NULL;
  return s ? s : key;
}

/* ----------------------------------------------------------------- helpers -- */

static uint32_t rgb(enum ui_colour c)
{
  return ui_colour_rgb(c);
}

static SDL_Color style_fg(enum ui_style s)
{
  uint32_t v = ui_colour_rgb(ui_style_fg(s));
  return (SDL_Color){(Uint8)(v >> 16), (Uint8)(v >> 8), (Uint8)v, 255};
}

static const char *S(struct ui_painter *p, enum ui_key k)
{
  const char *s = ui_strings_get(p->strings[p->lang], ui_key_text(k));
  return s ? s : ui_key_text(k);
}

/* A struct ui_text in the current language (order: ui/view.h). */
static const char *T(struct ui_painter *p, const struct ui_text *t)
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

/* A reason line: kiosk's English texts start in lower case (they are also used
 * inside sentences); a line on screen starts with a capital. */
static const char *reason_text(struct ui_painter *p, const struct ui_text *t, char *buf, size_t cap)
{
  const char *s = T(p, t);
  if (s[0] < 'a' || s[0] > 'z')
    return s;
  snprintf(buf, cap, "%s", s);
  buf[0] = (char)(buf[0] - 'a' + 'A');
  return buf;
}

/* A data cell: "@key" names a strings entry, anything else is shown as given. */
static const char *cell_text(struct ui_painter *p, const char *c)
{
  if (c[0] == '@') {
    const char *s = ui_strings_get(p->strings[p->lang], c + 1);
    return s ? s : c + 1;
  }
  return c;
}

static int text(struct ui_painter *p, enum ui_style st, int size, enum ui_weight w, int x,
                int y, enum ui_align a, const char *s)
{
  return ui_text_draw(p->text, s, size, w, style_fg(st), x, y, a);
}

static int text_fit(struct ui_painter *p, enum ui_style st, int size, int min, enum ui_weight w,
                    int x, int y, int max_w, enum ui_align a, const char *s)
{
  return ui_text_draw_fit(p->text, s, size, min, w, style_fg(st), x, y, max_w, a);
}

static int wrapped(struct ui_painter *p, enum ui_style st, int size, enum ui_weight w,
                   SDL_Rect box, enum ui_align a, const char *s)
{
  return ui_text_draw_wrapped(p->text, s, size, w, style_fg(st), box, 118, a);
}

static int lh(struct ui_painter *p, int size, enum ui_weight w)
{
  return ui_text_line_height(p->text, size, w);
}

static int text_w(struct ui_painter *p, int size, enum ui_weight w, const char *s)
{
  int tw = 0;
  ui_text_size(p->text, s, size, w, &tw, NULL);
  return tw;
}

/* Text vertically centred on cy. */
static int text_mid(struct ui_painter *p, enum ui_style st, int size, enum ui_weight w, int x,
                    int cy, enum ui_align a, const char *s)
{
  return text(p, st, size, w, x, cy - lh(p, size, w) / 2, a, s);
}

static void hit(struct ui_painter *p, SDL_Rect r, enum ui_hit_kind k, int value)
{
  if (p->nhits < UI_HITS_MAX)
    p->hits[p->nhits++] = (struct ui_hit){r, k, value};
}

static void fill(struct ui_painter *p, SDL_Rect r, enum ui_colour c)
{
  ui_gfx_fill(p->gfx, r, rgb(c));
}

static void rrect(struct ui_painter *p, SDL_Rect r, int rad, enum ui_colour c)
{
  ui_gfx_round_rect(p->gfx, r, rad, rgb(c));
}

static void icon(struct ui_painter *p, enum ui_icon i, int cx, int cy, int size, enum ui_colour c)
{
  ui_gfx_icon(p->gfx, i, cx, cy, size, rgb(c));
}

/* A symbol in a disc: the usual verdict and status mark. */
static void badge(struct ui_painter *p, enum ui_icon sym, int cx, int cy, int size,
                  enum ui_colour disc, enum ui_colour mark)
{
  icon(p, UI_ICON_DISC, cx, cy, size, disc);
  icon(p, sym, cx, cy, size, mark);
}

static void fmt_uint(char *buf, size_t cap, uint64_t v)
{
  snprintf(buf, cap, "%llu", (unsigned long long)v);
}

/* "15.00" from fen. */
static void fmt_yuan(char *buf, size_t cap, int64_t fen)
{
  snprintf(buf, cap, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

/* "12 分钟" for an age in seconds. */
static void fmt_age(struct ui_painter *p, char *buf, size_t cap, int64_t s)
{
  char n[24];
  enum ui_key k;
  if (s < 0)
    s = 0;
  if (s < 120) {
    k = UI_K_AGE_SECONDS;
  } else if (s < 2 * 3600) {
    k = UI_K_AGE_MINUTES;
    s /= 60;
  } else if (s < 2 * 86400) {
    k = UI_K_AGE_HOURS;
    s /= 3600;
  } else {
    k = UI_K_AGE_DAYS;
    s /= 86400;
  }
  fmt_uint(n, sizeof n, (uint64_t)s);
  const char *pairs[] = {"n", n, NULL};
  ui_format(buf, cap, S(p, k), pairs);
}

static void fmt_key_n(struct ui_painter *p, char *buf, size_t cap, enum ui_key k, uint64_t v)
{
  char n[24];
  fmt_uint(n, sizeof n, v);
  const char *pairs[] = {"n", n, NULL};
  ui_format(buf, cap, S(p, k), pairs);
}

static enum ui_key mode_key(enum ui_mode m)
{
  switch (m) {
  case UI_MODE_CASHIER:
    return UI_K_MODE_CASHIER;
  case UI_MODE_BUS:
    return UI_K_MODE_BUS;
  case UI_MODE_STATION:
    return UI_K_MODE_STATION;
  case UI_MODE_GATE:
  default:
    return UI_K_MODE_GATE;
  }
}

/* ------------------------------------------------------------ common parts -- */

static const struct ui_status empty_status;

static void header(struct ui_painter *p, const struct ui_shot *s, const struct ui_status *st)
{
  fill(p, (SDL_Rect){0, 0, W, HEADER_H}, UI_COL_HEADER);
  icon(p, UI_ICON_DISC, PAD + 26, HEADER_H / 2, 56, UI_COL_WHITE);
  icon(p, UI_ICON_DROP, PAD + 26, HEADER_H / 2 + 1, 36, UI_COL_BRAND);
  hit(p, (SDL_Rect){0, 0, 120, HEADER_H}, UI_HIT_STAFF, 0);
  text_mid(p, UI_STYLE_ON_HEADER, 34, UI_W_BOLD, PAD + 70, HEADER_H / 2, UI_ALIGN_LEFT,
           S(p, UI_K_APP_TITLE));
  const char *mode = S(p, mode_key(s->mode));
  if (st->site[0]) {
    text_fit(p, UI_STYLE_ON_HEADER, 28, 20, UI_W_BOLD, W - PAD, 8, 520, UI_ALIGN_RIGHT, st->site);
    text(p, UI_STYLE_SUB_ON_HEADER, 22, UI_W_REGULAR, W - PAD, 48, UI_ALIGN_RIGHT, mode);
  } else {
    text_mid(p, UI_STYLE_SUB_ON_HEADER, 26, UI_W_REGULAR, W - PAD, HEADER_H / 2, UI_ALIGN_RIGHT,
             mode);
  }
}

/* Banners from the top y down; returns the y below them. */
static int banners(struct ui_painter *p, const struct ui_status *st, int y)
{
  static const struct {
    unsigned bit;
    enum ui_key key;
    enum ui_style style;
  } b[] = {
      {UI_BANNER_NO_READER, UI_K_BANNER_NO_READER, UI_STYLE_ON_ALERT},
      {UI_BANNER_OFFLINE, UI_K_BANNER_OFFLINE, UI_STYLE_ON_WARN},
      {UI_BANNER_REVLIST_STALE, UI_K_BANNER_REVLIST_STALE, UI_STYLE_ON_WARN},
  };
  for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
    if (!(st->banners & b[i].bit))
      continue;
    enum ui_colour bg = ui_style_bg(b[i].style), fg = ui_style_fg(b[i].style);
    fill(p, (SDL_Rect){0, y, W, BANNER_H}, bg);
    fill(p, (SDL_Rect){0, y + BANNER_H - 2, W, 2}, fg);
    icon(p, UI_ICON_WARN, PAD + 18, y + BANNER_H / 2, 38, fg);
    text_fit(p, b[i].style, 28, 20, UI_W_BOLD, PAD + 52, y + (BANNER_H - lh(p, 28, UI_W_BOLD)) / 2,
             W - 2 * PAD - 52, UI_ALIGN_LEFT, S(p, b[i].key));
    y += BANNER_H;
  }
  return y;
}

static int seconds_left(uint32_t ms)
{
  return (int)((ms + 999u) / 1000u);
}

/* The timeout warning strip at the bottom of any screen. */
static void warn_strip(struct ui_painter *p, const struct ui_shot *s, uint32_t warn_total_ms)
{
  int y = H - WARN_H;
  fill(p, (SDL_Rect){0, y, W, WARN_H}, UI_COL_WARN_BG);
  uint32_t total = warn_total_ms ? warn_total_ms : 3000u;
  uint32_t rem = s->remaining_ms > total ? total : s->remaining_ms;
  fill(p, (SDL_Rect){0, y, (int)((int64_t)W * rem / total), 8}, UI_COL_WARN_INK);
  icon(p, UI_ICON_WARN, PAD + 22, y + 4 + WARN_H / 2, 46, UI_COL_WARN_INK);
  char buf[256];
  fmt_key_n(p, buf, sizeof buf, UI_K_WARN_RETURNING, (uint64_t)seconds_left(s->remaining_ms));
  text_fit(p, UI_STYLE_ON_WARN, 34, 24, UI_W_BOLD, PAD + 64, y + 4 + (WARN_H - lh(p, 34, UI_W_BOLD)) / 2,
           W - 2 * PAD - 64, UI_ALIGN_LEFT, buf);
}

/* A button: rounded, icon optional, label and key hint. */
static void button(struct ui_painter *p, SDL_Rect r, enum ui_style st, enum ui_icon ic, int with_icon,
                   const char *label, const char *keyhint, enum ui_hit_kind k, int value)
{
  enum ui_colour bg = ui_style_bg(st), fg = ui_style_fg(st);
  rrect(p, r, 18, bg);
  int size = r.h >= 80 ? 40 : 32;
  int tw = text_w(p, size, UI_W_BOLD, label);
  int iw = with_icon ? size + 16 : 0;
  while (tw + iw > r.w - 32 && size > 24) {
    /* a long label (English) shrinks to fit the button */
    size -= 2;
    tw = text_w(p, size, UI_W_BOLD, label);
    iw = with_icon ? size + 16 : 0;
  }
  int x0 = r.x + (r.w - tw - iw) / 2;
  int cy = r.y + r.h / 2 - (keyhint ? 12 : 0);
  if (with_icon) {
    icon(p, UI_ICON_DISC, x0 + size / 2, cy, size + 4, fg);
    icon(p, ic, x0 + size / 2, cy, size + 4, bg);
  }
  text_mid(p, st, size, UI_W_BOLD, x0 + iw, cy, UI_ALIGN_LEFT, label);
  if (keyhint)
    text(p, st, 22, UI_W_REGULAR, r.x + r.w / 2, r.y + r.h - 34, UI_ALIGN_CENTER, keyhint);
  hit(p, r, k, value);
}

static void lang_button(struct ui_painter *p, SDL_Rect r)
{
  rrect(p, r, r.h / 2, UI_COL_NEUTRAL);
  text_mid(p, UI_STYLE_ON_NEUTRAL, 28, UI_W_BOLD, r.x + r.w / 2, r.y + r.h / 2, UI_ALIGN_CENTER,
           S(p, UI_K_LANG_SWITCH));
  hit(p, r, UI_HIT_LANG, 0);
}

/* Up to n stars in gold (or any colour) from x, centred on cy; returns the width. */
static int stars(struct ui_painter *p, unsigned n, int x, int cy, int size, enum ui_colour c)
{
  for (unsigned i = 0; i < n && i < 5; i++)
    icon(p, UI_ICON_STAR, x + (int)i * (size + 4) + size / 2, cy, size, c);
  return n ? (int)n * (size + 4) : 0;
}

static uint64_t fnv(const unsigned char *b, size_t n)
{
  uint64_t h = 1469598103934665603ULL ^ n;
  for (size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= 1099511628211ULL;
  }
  return h;
}

/* The holder's photo into r (cropped to fill), or the portrait placeholder. */
static void photo(struct ui_painter *p, const struct ui_holder *h, SDL_Rect r)
{
  rrect(p, (SDL_Rect){r.x - 6, r.y - 6, r.w + 12, r.h + 12}, 14, UI_COL_LINE);
  fill(p, r, UI_COL_PANEL);
  if (h->photo && h->photo_len) {
    uint64_t hh = fnv(h->photo, h->photo_len);
    if (!p->photo || p->photo_hash != hh) {
      if (p->photo)
        SDL_DestroyTexture(p->photo);
      p->photo = NULL;
      SDL_Surface *s = IMG_Load_RW(SDL_RWFromConstMem(h->photo, (int)h->photo_len), 1);
      if (s) {
        p->photo = SDL_CreateTextureFromSurface(p->r, s);
        p->photo_w = s->w;
        p->photo_h = s->h;
        SDL_FreeSurface(s);
        if (p->photo)
          SDL_SetTextureScaleMode(p->photo, SDL_ScaleModeLinear);
      }
      p->photo_hash = hh;
    }
    if (p->photo && p->photo_w > 0 && p->photo_h > 0) {
      /* crop the source to the frame's aspect, centred */
      SDL_Rect src = {0, 0, p->photo_w, p->photo_h};
      if ((int64_t)p->photo_w * r.h > (int64_t)p->photo_h * r.w) {
        src.w = (int)((int64_t)p->photo_h * r.w / r.h);
        src.x = (p->photo_w - src.w) / 2;
      } else {
        src.h = (int)((int64_t)p->photo_w * r.h / r.w);
        src.y = (p->photo_h - src.h) / 2;
      }
      SDL_RenderCopy(p->r, p->photo, &src, &r);
      return;
    }
  }
  fill(p, r, UI_COL_SHADE);
  SDL_Rect clip = r;
  SDL_RenderSetClipRect(p->r, &clip);
  ui_gfx_icon(p->gfx, UI_ICON_PORTRAIT, r.x + r.w / 2, r.y + r.h - (r.w * 4 / 3) / 2, r.w,
              rgb(UI_COL_LINE));
  SDL_RenderSetClipRect(p->r, NULL);
  text_mid(p, UI_STYLE_ON_SHADE, 26, UI_W_REGULAR, r.x + r.w / 2, r.y + 36, UI_ALIGN_CENTER,
           S(p, UI_K_HOLDER_NO_PHOTO));
}

/* Label over value, in a panel column; returns the y below. */
static int field(struct ui_painter *p, int x, int y, int w, enum ui_key label, const char *value,
                 int size)
{
  text(p, UI_STYLE_MUTED_ON_PANEL, 26, UI_W_REGULAR, x, y, UI_ALIGN_LEFT, S(p, label));
  y += lh(p, 26, UI_W_REGULAR) - 4;
  text_fit(p, UI_STYLE_ON_PANEL, size, size * 2 / 3, UI_W_BOLD, x, y, w, UI_ALIGN_LEFT,
           value[0] ? value : "—");
  return y + lh(p, size, UI_W_BOLD) + 6;
}

/* The holder's fields (name, ID, award with stars, card number) in a column. */
static int holder_fields(struct ui_painter *p, const struct ui_holder *h, int x, int y, int w,
                         int big)
{
  y = field(p, x, y, w, UI_K_HOLDER_NAME, h->name_masked, big ? 64 : 48);
  y = field(p, x, y, w, UI_K_HOLDER_ID, h->id_masked, big ? 40 : 32);
  text(p, UI_STYLE_MUTED_ON_PANEL, 26, UI_W_REGULAR, x, y, UI_ALIGN_LEFT, S(p, UI_K_HOLDER_AWARD));
  y += lh(p, 26, UI_W_REGULAR) - 4;
  const char *award = T(p, &h->award);
  int asz = big ? 36 : 30;
  int sw = h->award_stars ? (int)h->award_stars * (asz + 4) + 12 : 0;
  int used = ui_text_draw_fit(p->text, award[0] ? award : "—", asz, 22, UI_W_BOLD,
                              style_fg(UI_STYLE_ON_PANEL), x, y, w - sw, UI_ALIGN_LEFT);
  int aw = text_w(p, used, UI_W_BOLD, award);
  if (aw > w - sw)
    aw = w - sw;
  stars(p, h->award_stars, x + aw + 12, y + lh(p, asz, UI_W_BOLD) / 2, asz, UI_COL_GOLD);
  y += lh(p, asz, UI_W_BOLD) + 6;
  return field(p, x, y, w, UI_K_HOLDER_CARD_NO, h->card_no, big ? 36 : 30);
}

/* The honour card as a picture: red card, gold chip, white drop; w wide. */
static void card_art(struct ui_painter *p, int cx, int cy, int w, int shadow)
{
  int h = w * 63 / 100;
  if (shadow)
    ui_gfx_round_rect(p->gfx, (SDL_Rect){cx - w / 2 + 10, cy - h / 2 + 14, w, h}, w * 6 / 100,
                      rgb(UI_COL_LINE));
  icon(p, UI_ICON_CARD, cx, cy, w, UI_COL_BRAND);
  rrect(p, (SDL_Rect){cx - w / 2 + w * 12 / 100, cy - h / 2 + h * 36 / 100, w * 16 / 100, h * 20 / 100},
        w * 2 / 100, UI_COL_GOLD);
  icon(p, UI_ICON_DROP, cx + w * 24 / 100, cy + h * 2 / 100, w * 30 / 100, UI_COL_WHITE);
}

/* Reasons as note boxes for the staff screens: alerts in the alert colours, the rest
 * shaded. Returns the y below. */
static int notes(struct ui_painter *p, const struct ui_view *v, SDL_Rect box, int size)
{
  int y = box.y;
  for (size_t i = 0; i < v->nreasons; i++) {
    int alert = (v->reason_alert >> i) & 1u;
    enum ui_style st = alert ? UI_STYLE_ON_ALERT : UI_STYLE_ON_SHADE;
    char buf[UI_TEXT_MAX];
    const char *t = reason_text(p, &v->reasons[i], buf, sizeof buf);
    size_t starts[8], lens[8];
    int tw = box.w - 24 - (alert ? 40 : 0);
    size_t n = ui_text_break(p->text, t, size, UI_W_REGULAR, tw, 4, starts, lens);
    int pitch = lh(p, size, UI_W_REGULAR) * 110 / 100;
    int h = (int)(n ? n : 1) * pitch + 20;
    if (y + h > box.y + box.h)
      break;
    rrect(p, (SDL_Rect){box.x, y, box.w, h}, 12, ui_style_bg(st));
    if (alert)
      icon(p, UI_ICON_WARN, box.x + 26, y + 10 + pitch / 2, 30, ui_style_fg(st));
    ui_text_draw_wrapped(p->text, t, size, UI_W_REGULAR, style_fg(st),
                         (SDL_Rect){box.x + 12 + (alert ? 40 : 0), y + 10, tw, h - 10}, 110,
                         UI_ALIGN_LEFT);
    y += h + 12;
  }
  return y;
}

/* --------------------------------------------------------------- screens -- */

static void screen_idle(struct ui_painter *p, const struct ui_shot *s, int top)
{
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  int foot = H - 76;
  int mid = (top + foot) / 2;
  if (s->mode == UI_MODE_BUS) {
    card_art(p, W / 2, mid - 110, 300, 1);
    text_mid(p, UI_STYLE_ON_PAPER, 110, UI_W_BOLD, W / 2, mid + 110, UI_ALIGN_CENTER,
             S(p, UI_K_IDLE_BUS_PROMPT));
    text_mid(p, UI_STYLE_MUTED_ON_PAPER, 36, UI_W_REGULAR, W / 2, mid + 220, UI_ALIGN_CENTER,
             S(p, UI_K_IDLE_BUS_STEP1));
  } else {
    /* the card, with a shadow, on the left */
    card_art(p, 300, mid, 380, 1);
    enum ui_key steps[3];
    size_t n = 0;
    switch (s->mode) {
    case UI_MODE_CASHIER:
      steps[n++] = UI_K_IDLE_CASHIER_STEP1;
      steps[n++] = UI_K_IDLE_CASHIER_STEP2;
      steps[n++] = UI_K_IDLE_CASHIER_STEP3;
      break;
    case UI_MODE_STATION:
      steps[n++] = UI_K_IDLE_STATION_STEP1;
      steps[n++] = UI_K_IDLE_STATION_STEP2;
      break;
    case UI_MODE_GATE:
    case UI_MODE_BUS:
    default:
      steps[n++] = UI_K_IDLE_GATE_STEP1;
      steps[n++] = UI_K_IDLE_GATE_STEP2;
      steps[n++] = UI_K_IDLE_GATE_STEP3;
      break;
    }
    int x = 580, tw = W - PAD - x;
    /* the prompt on one line, or on two at a smaller size (English is longer) */
    const char *prompt = S(p, UI_K_IDLE_PROMPT);
    size_t st0[4], ln0[4];
    int psize = 84;
    if (ui_text_break(p->text, prompt, psize, UI_W_BOLD, tw, 3, st0, ln0) > 1)
      psize = 64;
    size_t plines = ui_text_break(p->text, prompt, psize, UI_W_BOLD, tw, 2, st0, ln0);
    int ppitch = lh(p, psize, UI_W_BOLD) * 105 / 100;
    /* steps: one or two lines each */
    int slh = lh(p, 36, UI_W_REGULAR), spitch = slh * 112 / 100;
    size_t slines[3];
    int block = (int)plines * ppitch + 28;
    for (size_t i = 0; i < n; i++) {
      slines[i] = ui_text_break(p->text, S(p, steps[i]), 36, UI_W_REGULAR, tw - 80, 2, st0, ln0);
      if (slines[i] == 0)
        slines[i] = 1;
      int h = (int)(slines[i] - 1) * spitch + slh;
      block += (h > 56 ? h : 56) + 32;
    }
    int y = mid - block / 2;
    ui_text_draw_wrapped(p->text, prompt, psize, UI_W_BOLD, style_fg(UI_STYLE_ON_PAPER),
                         (SDL_Rect){x, y, tw, (int)plines * ppitch}, 105, UI_ALIGN_LEFT);
    y += (int)plines * ppitch + 28;
    for (size_t i = 0; i < n; i++) {
      char num[24];
      snprintf(num, sizeof num, "%zu", i + 1);
      int h = (int)(slines[i] - 1) * spitch + slh;
      int row = h > 56 ? h : 56;
      icon(p, UI_ICON_DISC, x + 28, y + 28, 56, UI_COL_HEADER);
      text_mid(p, UI_STYLE_ON_HEADER, 30, UI_W_BOLD, x + 28, y + 28, UI_ALIGN_CENTER, num);
      ui_text_draw_wrapped(p->text, S(p, steps[i]), 36, UI_W_REGULAR, style_fg(UI_STYLE_ON_PAPER),
                           (SDL_Rect){x + 80, y + 28 - slh / 2, tw - 80, h}, 112, UI_ALIGN_LEFT);
      y += row + 32;
    }
  }
  fill(p, (SDL_Rect){PAD, foot, W - 2 * PAD, 2}, UI_COL_LINE);
  text_fit(p, UI_STYLE_MUTED_ON_PAPER, 26, 20, UI_W_REGULAR, PAD, foot + 20, W - 2 * PAD - 200,
           UI_ALIGN_LEFT, S(p, UI_K_IDLE_FOOTER));
  lang_button(p, (SDL_Rect){W - PAD - 170, foot + 12, 170, 52});
}

static void screen_reading(struct ui_painter *p, const struct ui_shot *s, int top)
{
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  int cx = W / 2, cy = top + (H - top) / 2 - 120;
  unsigned lead = (unsigned)((s->anim_ms / 90u) % 12u);
  static const int dx[12] = {0, 40, 69, 80, 69, 40, 0, -40, -69, -80, -69, -40};
  static const int dy[12] = {-80, -69, -40, 0, 40, 69, 80, 69, 40, 0, -40, -69};
  for (unsigned i = 0; i < 12; i++) {
    unsigned age = (lead + 12u - i) % 12u;
    enum ui_colour c = age == 0 ? UI_COL_FOCUS : age < 4 ? UI_COL_MUTED : UI_COL_LINE;
    int size = age == 0 ? 30 : age < 4 ? 24 : 20;
    icon(p, UI_ICON_DISC, cx + dx[i], cy + dy[i], size, c);
  }
  text_mid(p, UI_STYLE_ON_PAPER, 80, UI_W_BOLD, cx, cy + 180, UI_ALIGN_CENTER, S(p, UI_K_READING_TITLE));
  text_mid(p, UI_STYLE_MUTED_ON_PAPER, 40, UI_W_REGULAR, cx, cy + 280, UI_ALIGN_CENTER,
           S(p, UI_K_READING_HINT));
}

static void screen_place_again(struct ui_painter *p, const struct ui_shot *s, int top)
{
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  int cx = W / 2, cy = top + 150;
  badge(p, UI_ICON_BANG, cx, cy, 200, UI_COL_STAFF, UI_COL_STAFF_INK);
  int y = cy + 130;
  text_fit(p, UI_STYLE_ON_PAPER, 88, 56, UI_W_BOLD, cx, y, W - 2 * PAD, UI_ALIGN_CENTER,
           S(p, UI_K_AGAIN_TITLE));
  y += lh(p, 88, UI_W_BOLD) + 4;
  const char *why = s->read_error_key ? ui_strings_get(p->strings[p->lang], s->read_error_key) : NULL;
  text_mid(p, UI_STYLE_ON_PAPER, 40, UI_W_BOLD, cx, y + 24, UI_ALIGN_CENTER,
           why ? why : S(p, UI_K_ERROR_READ));
  y += 70;
  wrapped(p, UI_STYLE_MUTED_ON_PAPER, 34, UI_W_REGULAR, (SDL_Rect){160, y, W - 320, 110},
          UI_ALIGN_CENTER, S(p, UI_K_AGAIN_HINT));
  if (s->phase != UI_PHASE_WARN)
    lang_button(p, (SDL_Rect){W - PAD - 170, H - 76 + 12, 170, 52});
}

struct verdict_look {
  enum ui_colour bg, disc, mark;
  enum ui_style style;
  enum ui_icon sym;
};

static struct verdict_look look_of(enum ui_verdict v)
{
  switch (v) {
  case UI_VERDICT_GRANT:
    return (struct verdict_look){UI_COL_GRANT, UI_COL_WHITE, UI_COL_GRANT, UI_STYLE_ON_GRANT, UI_ICON_CHECK};
  case UI_VERDICT_DENY:
    return (struct verdict_look){UI_COL_DENY, UI_COL_WHITE, UI_COL_DENY, UI_STYLE_ON_DENY, UI_ICON_CROSS};
  case UI_VERDICT_STAFF_CHECK:
    return (struct verdict_look){UI_COL_STAFF, UI_COL_STAFF_INK, UI_COL_STAFF, UI_STYLE_ON_STAFF,
                                 UI_ICON_PERSON};
  case UI_VERDICT_ERROR:
  default:
    return (struct verdict_look){UI_COL_ERROR, UI_COL_WHITE, UI_COL_ERROR, UI_STYLE_ON_ERROR, UI_ICON_BANG};
  }
}

static enum ui_key headline_key(enum ui_mode m, enum ui_verdict v)
{
  if (v == UI_VERDICT_STAFF_CHECK)
    return UI_K_VERDICT_STAFF;
  if (v == UI_VERDICT_ERROR)
    return UI_K_VERDICT_ERROR;
  int g = v == UI_VERDICT_GRANT;
  switch (m) {
  case UI_MODE_CASHIER:
    return g ? UI_K_VERDICT_CASHIER_GRANT : UI_K_VERDICT_CASHIER_DENY;
  case UI_MODE_BUS:
    return g ? UI_K_VERDICT_BUS_GRANT : UI_K_VERDICT_BUS_DENY;
  case UI_MODE_STATION:
    return g ? UI_K_VERDICT_STATION_GRANT : UI_K_VERDICT_STATION_DENY;
  case UI_MODE_GATE:
  default:
    return g ? UI_K_VERDICT_GATE_GRANT : UI_K_VERDICT_GATE_DENY;
  }
}

static enum ui_key sub_key(enum ui_verdict v)
{
  switch (v) {
  case UI_VERDICT_GRANT:
    return UI_K_VERDICT_GRANT_SUB;
  case UI_VERDICT_DENY:
    return UI_K_VERDICT_DENY_SUB;
  case UI_VERDICT_STAFF_CHECK:
    return UI_K_VERDICT_STAFF_SUB;
  case UI_VERDICT_ERROR:
  default:
    return UI_K_VERDICT_ERROR_SUB;
  }
}

/* Reasons as a bulleted list in box; returns the y below. */
static int reasons(struct ui_painter *p, const struct ui_view *v, enum ui_style st, SDL_Rect box,
                   int size)
{
  int y = box.y;
  enum ui_colour fg = ui_style_fg(st);
  for (size_t i = 0; i < v->nreasons && y < box.y + box.h; i++) {
    int lhh = lh(p, size, UI_W_REGULAR);
    icon(p, UI_ICON_DISC, box.x + 8, y + lhh / 2, 14, fg);
    char buf[UI_TEXT_MAX];
    int used = wrapped(p, st, size, UI_W_REGULAR,
                       (SDL_Rect){box.x + 32, y, box.w - 32, box.y + box.h - y}, UI_ALIGN_LEFT,
                       reason_text(p, &v->reasons[i], buf, sizeof buf));
    y += used + 10;
  }
  if (v->nreasons_more && y < box.y + box.h) {
    char buf[128];
    fmt_key_n(p, buf, sizeof buf, UI_K_VERDICT_MORE, v->nreasons_more);
    text(p, st, size - 4, UI_W_REGULAR, box.x + 32, y, UI_ALIGN_LEFT, buf);
    y += lh(p, size - 4, UI_W_REGULAR);
  }
  return y;
}

/* Countdown in the corner while showing; the warning strip while warning. */
static void countdown(struct ui_painter *p, const struct ui_shot *s, enum ui_style st)
{
  if (s->phase == UI_PHASE_WARN) {
    warn_strip(p, s, s->warn_ms);
    return;
  }
  if (s->remaining_ms == 0)
    return;
  char buf[96];
  fmt_key_n(p, buf, sizeof buf, UI_K_VERDICT_COUNTDOWN, (uint64_t)seconds_left(s->remaining_ms));
  text(p, st, 26, UI_W_REGULAR, W - PAD, H - 56, UI_ALIGN_RIGHT, buf);
}

static void screen_verdict(struct ui_painter *p, const struct ui_shot *s, const struct ui_status *st)
{
  const struct ui_view *v = s->view;
  struct verdict_look lk = look_of(v->verdict);
  fill(p, (SDL_Rect){0, 0, W, H}, lk.bg);
  int top = banners(p, st, 0);
  /* context line: who is speaking */
  text(p, lk.style, 26, UI_W_REGULAR, PAD, top + 22, UI_ALIGN_LEFT, S(p, UI_K_APP_TITLE));
  if (st->site[0])
    text_fit(p, lk.style, 26, 20, UI_W_REGULAR, W - PAD, top + 22, 560, UI_ALIGN_RIGHT, st->site);
  int icx = 250, icy = top + (H - top) / 2 - 20;
  if (icy > 420)
    icy = 420;
  badge(p, lk.sym, icx, icy, 300, lk.disc, lk.mark);
  int x = 470, w = W - PAD - x;
  int y = top + 110;
  text_fit(p, lk.style, 100, 56, UI_W_BOLD, x, y, w, UI_ALIGN_LEFT, S(p, headline_key(v->mode, v->verdict)));
  y += lh(p, 100, UI_W_BOLD) + 2;
  text_fit(p, lk.style, 40, 28, UI_W_REGULAR, x, y, w, UI_ALIGN_LEFT, S(p, sub_key(v->verdict)));
  y += lh(p, 40, UI_W_REGULAR) + 18;
  if (v->has_holder && (v->holder.name_masked[0] || v->holder.award.key[0] ||
                        v->holder.award.text[0][0])) {
    /* who: 张*明 · 献血之星 ★★★ */
    char who[256];
    const char *award = T(p, &v->holder.award);
    snprintf(who, sizeof who, "%s%s%s", v->holder.name_masked,
             v->holder.name_masked[0] && award[0] ? " · " : "", award);
    int sw = v->holder.award_stars ? (int)v->holder.award_stars * 38 + 16 : 0;
    int used = text_fit(p, lk.style, 36, 24, UI_W_BOLD, x, y, w - sw, UI_ALIGN_LEFT, who);
    int ww = text_w(p, used, UI_W_BOLD, who);
    stars(p, v->holder.award_stars, x + (ww < w - sw ? ww : w - sw) + 16,
          y + lh(p, 36, UI_W_BOLD) / 2, 34, lk.disc);
    y += lh(p, 36, UI_W_BOLD) + 12;
  }
  fill(p, (SDL_Rect){x, y, w, 3}, ui_style_fg(lk.style));
  y += 24;
  if (v->mode == UI_MODE_CASHIER && v->verdict == UI_VERDICT_GRANT) {
    /* 门诊 · 票据号 123 / 免除诊查费 ¥15.00 */
    char line[256], yuan[32], amount[64];
    const char *visit = v->cashier.visit == UI_VISIT_INPATIENT ? S(p, UI_K_CASHIER_INPATIENT)
                        : v->cashier.visit == UI_VISIT_OUTPATIENT ? S(p, UI_K_CASHIER_OUTPATIENT)
                                                                   : "";
    snprintf(line, sizeof line, "%s%s%s %s", visit, visit[0] ? " · " : "", S(p, UI_K_CASHIER_BILL),
             v->cashier.bill_ref[0] ? v->cashier.bill_ref : S(p, UI_K_CASHIER_BILL_NONE));
    text_fit(p, lk.style, 34, 24, UI_W_REGULAR, x, y, w, UI_ALIGN_LEFT, line);
    y += lh(p, 34, UI_W_REGULAR) + 4;
    fmt_yuan(yuan, sizeof yuan, v->cashier.fee_fen);
    const char *pairs[] = {"yuan", yuan, NULL};
    ui_format(amount, sizeof amount, S(p, UI_K_CASHIER_AMOUNT), pairs);
    int lw = text(p, lk.style, 36, UI_W_REGULAR, x, y + 16, UI_ALIGN_LEFT, S(p, UI_K_CASHIER_FEE));
    text(p, lk.style, 64, UI_W_BOLD, x + lw + 20, y - 4, UI_ALIGN_LEFT,
         v->cashier.fee_fen >= 0 ? amount : S(p, UI_K_CASHIER_FEE_UNKNOWN));
    y += lh(p, 64, UI_W_BOLD) + 8;
  }
  if (v->flags & UI_VIEW_OVERRIDE_USED) {
    text_fit(p, lk.style, 32, 24, UI_W_BOLD, x, y, w, UI_ALIGN_LEFT, S(p, UI_K_VERDICT_OVERRIDE));
    y += lh(p, 32, UI_W_BOLD) + 8;
  }
  int bottom = s->phase == UI_PHASE_WARN ? H - WARN_H - 16 : H - 80;
  reasons(p, v, lk.style, (SDL_Rect){x, y, w, bottom - y}, 34);
  if (s->phase != UI_PHASE_WARN) {
    /* a way to English for a visitor: outlined in the verdict's own colours */
    SDL_Rect r = {PAD, H - 76, 170, 52};
    ui_gfx_round_frame(p->gfx, r, 26, 3, rgb(ui_style_fg(lk.style)), rgb(lk.bg));
    text_mid(p, lk.style, 28, UI_W_BOLD, r.x + r.w / 2, r.y + r.h / 2, UI_ALIGN_CENTER,
             S(p, UI_K_LANG_SWITCH));
    hit(p, r, UI_HIT_LANG, 0);
  }
  countdown(p, s, lk.style);
}

static void screen_bus(struct ui_painter *p, const struct ui_shot *s, const struct ui_status *st)
{
  const struct ui_view *v = s->view;
  struct verdict_look lk = look_of(v->verdict);
  fill(p, (SDL_Rect){0, 0, W, H}, lk.bg);
  int top = banners(p, st, 0);
  int cy = top + (H - top) / 2;
  badge(p, lk.sym, W / 2, cy - 130, 340, lk.disc, lk.mark);
  text_fit(p, lk.style, 140, 72, UI_W_BOLD, W / 2, cy + 60, W - 2 * PAD, UI_ALIGN_CENTER,
           S(p, headline_key(UI_MODE_BUS, v->verdict)));
  if (v->verdict != UI_VERDICT_GRANT && v->nreasons)
  {
    char buf[UI_TEXT_MAX];
    text_fit(p, lk.style, 40, 28, UI_W_REGULAR, W / 2, cy + 250, W - 2 * PAD, UI_ALIGN_CENTER,
             reason_text(p, &v->reasons[0], buf, sizeof buf));
  }
}

/* A coloured band with a badge, a title and a hint under the header. */
static int band(struct ui_painter *p, int y, int h, enum ui_style st, enum ui_icon ic,
                const char *title, const char *hint)
{
  enum ui_colour bg = ui_style_bg(st), fg = ui_style_fg(st);
  fill(p, (SDL_Rect){0, y, W, h}, bg);
  badge(p, ic, PAD + 40, y + h / 2, 80, fg, bg);
  int x = PAD + 100;
  if (hint) {
    text(p, st, 48, UI_W_BOLD, x, y + 8, UI_ALIGN_LEFT, title);
    text_fit(p, st, 28, 22, UI_W_REGULAR, x, y + 8 + lh(p, 48, UI_W_BOLD) - 6, W - PAD - x,
             UI_ALIGN_LEFT, hint);
  } else {
    text_mid(p, st, 52, UI_W_BOLD, x, y + h / 2, UI_ALIGN_LEFT, title);
  }
  return y + h;
}

static void screen_holder(struct ui_painter *p, const struct ui_shot *s, int top)
{
  const struct ui_view *v = s->view;
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  int y = band(p, top, 112, UI_STYLE_ON_STAFF, UI_ICON_PERSON, S(p, UI_K_HOLDER_TITLE),
               S(p, UI_K_HOLDER_HINT));
  int buttons_y = (s->phase == UI_PHASE_WARN ? H - WARN_H : H) - 24 - 96;
  int ph = buttons_y - 24 - (y + 30);
  if (ph > 400)
    ph = 400;
  int pw = ph * 3 / 4;
  SDL_Rect ph_r = {PAD + 10, y + 30, pw, ph};
  photo(p, &v->holder, ph_r);
  int px = ph_r.x + pw + 40;
  SDL_Rect panel = {px, y + 24, W - PAD - px, buttons_y - 24 - (y + 24)};
  rrect(p, panel, 18, UI_COL_PANEL);
  holder_fields(p, &v->holder, panel.x + 32, panel.y + 18, 470, 1);
  if (v->nreasons)
    notes(p, v, (SDL_Rect){panel.x + 530, panel.y + 24, panel.w - 530 - 24, panel.h - 48}, 26);
  /* buttons */
  int nb = 2 + ((v->needs & UI_OFFER_OVERRIDE) != 0);
  int bw = (W - 2 * PAD - (nb - 1) * 24) / nb;
  int bx = PAD;
  const char *ok = (v->needs & UI_NEED_REPEAT_ACCEPT) && !(v->needs & UI_NEED_HOLDER_CONFIRM)
                       ? S(p, UI_K_HOLDER_REPEAT_ACCEPT)
                       : S(p, UI_K_HOLDER_CONFIRM);
  enum ui_hit_kind okk = (v->needs & UI_NEED_REPEAT_ACCEPT) && !(v->needs & UI_NEED_HOLDER_CONFIRM)
                             ? UI_HIT_REPEAT_ACCEPT
                             : UI_HIT_CONFIRM;
  button(p, (SDL_Rect){bx, buttons_y, bw, 96}, UI_STYLE_ON_GRANT, UI_ICON_CHECK, 1, ok,
         S(p, UI_K_KEY_ENTER), okk, 0);
  bx += bw + 24;
  button(p, (SDL_Rect){bx, buttons_y, bw, 96}, UI_STYLE_ON_DENY, UI_ICON_CROSS, 1,
         S(p, UI_K_HOLDER_REFUSE), S(p, UI_K_KEY_ESC), UI_HIT_REFUSE, 0);
  bx += bw + 24;
  if (nb == 3)
    button(p, (SDL_Rect){bx, buttons_y, bw, 96}, UI_STYLE_ON_NEUTRAL, UI_ICON_BANG, 1,
           S(p, UI_K_HOLDER_OVERRIDE), "F9", UI_HIT_OVERRIDE, 0);
  if (s->phase == UI_PHASE_WARN)
    warn_strip(p, s, s->warn_ms);
}

static void screen_cashier(struct ui_painter *p, const struct ui_shot *s, int top)
{
  const struct ui_view *v = s->view;
  const struct ui_cashier *c = &v->cashier;
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  int y;
  if (v->needs & UI_NEED_CREDENTIAL)
    y = band(p, top, 100, UI_STYLE_ON_STAFF, UI_ICON_BANG, S(p, UI_K_CASHIER_SSC_PROMPT), NULL);
  else
    y = band(p, top, 100, UI_STYLE_ON_FOCUS, UI_ICON_CHECK, S(p, UI_K_CASHIER_TITLE), NULL);
  int bottom = (s->phase == UI_PHASE_WARN ? H - WARN_H : H) - 24;
  /* left: the holder */
  SDL_Rect left = {PAD, y + 24, 540, bottom - (y + 24)};
  rrect(p, left, 18, UI_COL_PANEL);
  SDL_Rect ph = {left.x + 30, left.y + 30, 150, 200};
  photo(p, &v->holder, ph);
  int fx = ph.x + ph.w + 30, fw = left.x + left.w - 24 - fx;
  int fy = field(p, fx, left.y + 20, fw, UI_K_HOLDER_NAME, v->holder.name_masked, 48);
  field(p, fx, fy, fw, UI_K_HOLDER_ID, v->holder.id_masked, 30);
  int ay = ph.y + ph.h + 20;
  int ax = left.x + 30, aw = left.w - 60;
  /* label column as wide as the longer label */
  int labw = text_w(p, 26, UI_W_REGULAR, S(p, UI_K_HOLDER_AWARD));
  if (text_w(p, 26, UI_W_REGULAR, S(p, UI_K_HOLDER_CARD_NO)) > labw)
    labw = text_w(p, 26, UI_W_REGULAR, S(p, UI_K_HOLDER_CARD_NO));
  labw += 20;
  text(p, UI_STYLE_MUTED_ON_PANEL, 26, UI_W_REGULAR, ax, ay, UI_ALIGN_LEFT, S(p, UI_K_HOLDER_AWARD));
  {
    const char *award = T(p, &v->holder.award);
    int sw = v->holder.award_stars ? (int)v->holder.award_stars * 32 + 12 : 0;
    int lx = ax + labw;
    int used = ui_text_draw_fit(p->text, award[0] ? award : "—", 28, 20, UI_W_BOLD,
                                style_fg(UI_STYLE_ON_PANEL), lx, ay - 2, aw - labw - sw, UI_ALIGN_LEFT);
    int tw2 = text_w(p, used, UI_W_BOLD, award);
    if (tw2 > aw - labw - sw)
      tw2 = aw - labw - sw;
    stars(p, v->holder.award_stars, lx + tw2 + 12, ay - 2 + lh(p, 28, UI_W_BOLD) / 2, 28, UI_COL_GOLD);
  }
  ay += lh(p, 28, UI_W_BOLD) + 4;
  text(p, UI_STYLE_MUTED_ON_PANEL, 26, UI_W_REGULAR, ax, ay, UI_ALIGN_LEFT, S(p, UI_K_HOLDER_CARD_NO));
  text_fit(p, UI_STYLE_ON_PANEL, 28, 20, UI_W_BOLD, ax + labw, ay - 2, aw - labw, UI_ALIGN_LEFT,
           v->holder.card_no[0] ? v->holder.card_no : "—");
  ay += lh(p, 28, UI_W_BOLD) + 14;
  if (v->nreasons)
    notes(p, v, (SDL_Rect){ax, ay, aw, left.y + left.h - ay - 16}, 26);
  /* right: credential, visit, bill, fee */
  SDL_Rect right = {left.x + left.w + 28, y + 24, W - PAD - (left.x + left.w + 28), left.h};
  rrect(p, right, 18, UI_COL_PANEL);
  int x = right.x + 28, ry = right.y + 18, rw = right.w - 56;
  text(p, UI_STYLE_MUTED_ON_PANEL, 26, UI_W_REGULAR, x, ry, UI_ALIGN_LEFT, S(p, UI_K_CASHIER_CREDENTIAL));
  ry += lh(p, 26, UI_W_REGULAR);
  {
    enum ui_key k;
    enum ui_style st;
    enum ui_icon ic;
    enum ui_colour dc;
    switch (c->credential) {
    case UI_CREDENTIAL_SSC_MATCHED:
      k = UI_K_CASHIER_CRED_SSC_MATCHED, st = UI_STYLE_GRANT_ON_PANEL, ic = UI_ICON_CHECK, dc = UI_COL_GRANT;
      break;
    case UI_CREDENTIAL_ID_MATCHED:
      k = UI_K_CASHIER_CRED_ID_MATCHED, st = UI_STYLE_GRANT_ON_PANEL, ic = UI_ICON_CHECK, dc = UI_COL_GRANT;
      break;
    case UI_CREDENTIAL_SSC_MISMATCHED:
      k = UI_K_CASHIER_CRED_SSC_MISMATCHED, st = UI_STYLE_DENY_ON_PANEL, ic = UI_ICON_CROSS, dc = UI_COL_DENY;
      break;
    case UI_CREDENTIAL_ID_MISMATCHED:
      k = UI_K_CASHIER_CRED_ID_MISMATCHED, st = UI_STYLE_DENY_ON_PANEL, ic = UI_ICON_CROSS, dc = UI_COL_DENY;
      break;
    case UI_CREDENTIAL_WAITING:
    default:
      k = UI_K_CASHIER_CRED_WAITING, st = UI_STYLE_MUTED_ON_PANEL, ic = UI_ICON_BANG, dc = UI_COL_MUTED;
      break;
    }
    badge(p, ic, x + 22, ry + 26, 44, dc, UI_COL_WHITE);
    text_fit(p, st, 32, 22, UI_W_BOLD, x + 58, ry + 26 - lh(p, 32, UI_W_BOLD) / 2, rw - 58, UI_ALIGN_LEFT,
             S(p, k));
    ry += 70;
  }
  fill(p, (SDL_Rect){x, ry, rw, 2}, UI_COL_LINE);
  ry += 14;
  text(p, UI_STYLE_MUTED_ON_PANEL, 26, UI_W_REGULAR, x, ry, UI_ALIGN_LEFT, S(p, UI_K_CASHIER_VISIT));
  ry += lh(p, 26, UI_W_REGULAR);
  {
    int bw = (rw - 20) / 2;
    static const enum ui_visit vis[2] = {UI_VISIT_OUTPATIENT, UI_VISIT_INPATIENT};
    static const enum ui_key vk[2] = {UI_K_CASHIER_OUTPATIENT, UI_K_CASHIER_INPATIENT};
    for (int i = 0; i < 2; i++) {
      SDL_Rect r = {x + i * (bw + 20), ry, bw, 70};
      int on = c->visit == vis[i];
      enum ui_style st = on ? UI_STYLE_ON_FOCUS : UI_STYLE_ON_NEUTRAL;
      rrect(p, r, 14, ui_style_bg(st));
      const char *lab = S(p, vk[i]);
      if (on)
        badge(p, UI_ICON_CHECK, r.x + 36, r.y + 35, 36, UI_COL_WHITE, UI_COL_FOCUS);
      text_mid(p, st, 34, UI_W_BOLD, r.x + r.w / 2 + (on ? 16 : 0), r.y + 35, UI_ALIGN_CENTER, lab);
      hit(p, r, UI_HIT_VISIT, (int)vis[i]);
    }
    ry += 70 + 4;
    text(p, UI_STYLE_MUTED_ON_PANEL, 24, UI_W_REGULAR, x, ry, UI_ALIGN_LEFT, S(p, UI_K_CASHIER_VISIT_HINT));
    ry += lh(p, 24, UI_W_REGULAR) + 4;
  }
  text(p, UI_STYLE_MUTED_ON_PANEL, 26, UI_W_REGULAR, x, ry, UI_ALIGN_LEFT, S(p, UI_K_CASHIER_BILL));
  ry += lh(p, 26, UI_W_REGULAR);
  {
    SDL_Rect r = {x, ry, rw, 64};
    int active = (v->needs & UI_NEED_BILL) != 0;
    ui_gfx_round_frame(p->gfx, r, 12, active ? 4 : 2, rgb(active ? UI_COL_FOCUS : UI_COL_LINE),
                       rgb(UI_COL_PANEL));
    const char *val = s->bill_input && s->bill_input[0] ? s->bill_input
                      : c->bill_ref[0]                  ? c->bill_ref
                                                        : NULL;
    if (val) {
      int tw = text_mid(p, UI_STYLE_ON_PANEL, 34, UI_W_BOLD, r.x + 20, r.y + 32, UI_ALIGN_LEFT, val);
      if (active)
        fill(p, (SDL_Rect){r.x + 24 + tw, r.y + 14, 3, 36}, UI_COL_INK);
    } else {
      text_mid(p, UI_STYLE_MUTED_ON_PANEL, 30, UI_W_REGULAR, r.x + 20, r.y + 32, UI_ALIGN_LEFT,
               S(p, UI_K_CASHIER_BILL_NONE));
    }
    hit(p, r, UI_HIT_BILL_OK, 0);
    ry += 64 + 4;
    if (active) {
      text(p, UI_STYLE_MUTED_ON_PANEL, 24, UI_W_REGULAR, x, ry, UI_ALIGN_LEFT, S(p, UI_K_CASHIER_BILL_HINT));
    }
    ry += lh(p, 24, UI_W_REGULAR) + 6;
  }
  fill(p, (SDL_Rect){x, ry, rw, 2}, UI_COL_LINE);
  ry += 12;
  {
    char yuan[32], amount[64];
    fmt_yuan(yuan, sizeof yuan, c->fee_fen);
    const char *pairs[] = {"yuan", yuan, NULL};
    ui_format(amount, sizeof amount, S(p, UI_K_CASHIER_AMOUNT), pairs);
    int lw = text(p, UI_STYLE_MUTED_ON_PANEL, 30, UI_W_REGULAR, x, ry + 18, UI_ALIGN_LEFT, S(p, UI_K_CASHIER_FEE));
    text(p, UI_STYLE_GRANT_ON_PANEL, 56, UI_W_BOLD, x + lw + 20, ry, UI_ALIGN_LEFT,
         c->fee_fen >= 0 ? amount : S(p, UI_K_CASHIER_FEE_UNKNOWN));
  }
  if (s->phase == UI_PHASE_WARN)
    warn_strip(p, s, s->warn_ms);
}

static void screen_pin(struct ui_painter *p, const struct ui_shot *s)
{
  fill(p, (SDL_Rect){0, 0, W, H}, UI_COL_HEADER);
  text_mid(p, UI_STYLE_ON_HEADER, 52, UI_W_BOLD, W / 2, 86, UI_ALIGN_CENTER, S(p, UI_K_PIN_TITLE));
  text_mid(p, UI_STYLE_SUB_ON_HEADER, 30, UI_W_REGULAR, W / 2, 152, UI_ALIGN_CENTER, S(p, UI_K_PIN_PROMPT));
  size_t n = s->pin_len > 8 ? 8 : s->pin_len;
  size_t slots = n > 6 ? n : 6;
  int gap = 64, x0 = W / 2 - (int)(slots - 1) * gap / 2;
  for (size_t i = 0; i < slots; i++)
    icon(p, i < n ? UI_ICON_DISC : UI_ICON_RING, x0 + (int)i * gap, 222, 36,
         i < n ? UI_COL_WHITE : UI_COL_HEADER_SUB);
  if (s->pin_message_key) {
    const char *m = ui_strings_get(p->strings[p->lang], s->pin_message_key);
    if (m) {
      int tw = text_w(p, 30, UI_W_BOLD, m);
      SDL_Rect r = {W / 2 - tw / 2 - 60, 262, tw + 120, 54};
      rrect(p, r, 27, UI_COL_ALERT_BG);
      icon(p, UI_ICON_WARN, r.x + 34, r.y + 27, 32, UI_COL_ALERT_INK);
      text_mid(p, UI_STYLE_ON_ALERT, 30, UI_W_BOLD, r.x + 62, r.y + 27, UI_ALIGN_LEFT, m);
    }
  }
  int kw = 170, kh = 84, g = 18;
  int kx = W / 2 - (3 * kw + 2 * g) / 2, ky = 340;
  for (int i = 0; i < 12; i++) {
    SDL_Rect r = {kx + (i % 3) * (kw + g), ky + (i / 3) * (kh + g), kw, kh};
    if (i < 9 || i == 10) {
      int d = i < 9 ? i + 1 : 0;
      char lab[16];
      snprintf(lab, sizeof lab, "%d", d);
      rrect(p, r, 16, UI_COL_NEUTRAL);
      text_mid(p, UI_STYLE_ON_NEUTRAL, 44, UI_W_BOLD, r.x + kw / 2, r.y + kh / 2, UI_ALIGN_CENTER, lab);
      hit(p, r, UI_HIT_DIGIT, d);
    } else if (i == 9) {
      rrect(p, r, 16, UI_COL_NEUTRAL);
      icon(p, UI_ICON_BACKSPACE, r.x + 44, r.y + kh / 2, 44, UI_COL_INK);
      text_mid(p, UI_STYLE_ON_NEUTRAL, 30, UI_W_BOLD, r.x + 72, r.y + kh / 2, UI_ALIGN_LEFT, S(p, UI_K_PIN_DELETE));
      hit(p, r, UI_HIT_PIN_DEL, 0);
    } else {
      rrect(p, r, 16, UI_COL_FOCUS);
      text_mid(p, UI_STYLE_ON_FOCUS, 36, UI_W_BOLD, r.x + kw / 2, r.y + kh / 2, UI_ALIGN_CENTER, S(p, UI_K_PIN_OK));
      hit(p, r, UI_HIT_PIN_OK, 0);
    }
  }
  SDL_Rect c = {PAD, PAD, 180, 60};
  rrect(p, c, 30, UI_COL_NEUTRAL);
  text_mid(p, UI_STYLE_ON_NEUTRAL, 28, UI_W_BOLD, c.x + c.w / 2, c.y + c.h / 2, UI_ALIGN_CENTER, S(p, UI_K_PIN_CANCEL));
  hit(p, c, UI_HIT_PIN_CANCEL, 0);
  if (s->phase == UI_PHASE_WARN)
    warn_strip(p, s, s->warn_ms);
}

/* A status tile of the staff menu: label, value, an optional good/bad badge. */
static void tile(struct ui_painter *p, SDL_Rect r, enum ui_key label, const char *value, int state)
{
  rrect(p, r, 16, UI_COL_PANEL);
  int x = r.x + 24;
  if (state) {
    badge(p, state > 0 ? UI_ICON_CHECK : UI_ICON_CROSS, x + 20, r.y + r.h / 2, 40,
          state > 0 ? UI_COL_GRANT : UI_COL_DENY, UI_COL_WHITE);
    x += 56;
  }
  text(p, UI_STYLE_MUTED_ON_PANEL, 24, UI_W_REGULAR, x, r.y + 10, UI_ALIGN_LEFT, S(p, label));
  text_fit(p, UI_STYLE_ON_PANEL, 32, 22, UI_W_BOLD, x, r.y + 10 + lh(p, 24, UI_W_REGULAR) - 2,
           r.x + r.w - 20 - x, UI_ALIGN_LEFT, value[0] ? value : "—");
}

static void screen_staff(struct ui_painter *p, const struct ui_shot *s, const struct ui_status *st, int top)
{
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  text(p, UI_STYLE_ON_PAPER, 44, UI_W_BOLD, PAD, top + 16, UI_ALIGN_LEFT, S(p, UI_K_STAFF_TITLE));
  char v[8][192];
  int state[8] = {0};
  enum ui_key lab[8] = {UI_K_STAFF_SITE,    UI_K_STAFF_MODE,  UI_K_STAFF_READER,  UI_K_STAFF_SYNC,
                        UI_K_STAFF_LAST_SYNC, UI_K_STAFF_QUEUE, UI_K_STAFF_REVLIST, UI_K_STAFF_JOURNAL};
  snprintf(v[0], sizeof v[0], "%s%s%s", st->site, st->terminal_id[0] ? " · " : "", st->terminal_id);
  snprintf(v[1], sizeof v[1], "%s", S(p, mode_key(s->mode)));
  {
    static const enum ui_key rk[] = {UI_K_STAFF_READER_MISSING, UI_K_STAFF_READER_READY,
                                     UI_K_STAFF_READER_CARD, UI_K_STAFF_READER_ERROR};
    unsigned ri = (unsigned)st->reader < 4 ? (unsigned)st->reader : 0;
    snprintf(v[2], sizeof v[2], "%s%s%s", S(p, rk[ri]), st->reader_name[0] ? " · " : "", st->reader_name);
    state[2] = st->reader == UI_READER_READY || st->reader == UI_READER_CARD ? 1 : -1;
  }
  {
    static const enum ui_key sk[] = {UI_K_STAFF_SYNC_NEVER, UI_K_STAFF_SYNC_ONLINE,
                                     UI_K_STAFF_SYNC_OFFLINE, UI_K_STAFF_SYNC_SYNCING};
    unsigned si = (unsigned)st->sync < 4 ? (unsigned)st->sync : 0;
    snprintf(v[3], sizeof v[3], "%s", S(p, sk[si]));
    state[3] = st->sync == UI_SYNC_ONLINE || st->sync == UI_SYNC_SYNCING ? 1 : -1;
  }
  if (st->last_sync > 0) {
    char age[64];
    fmt_age(p, age, sizeof age, st->now - st->last_sync);
    const char *pairs[] = {"age", age, NULL};
    ui_format(v[4], sizeof v[4], S(p, UI_K_STAFF_AGO), pairs);
  } else {
    snprintf(v[4], sizeof v[4], "%s", S(p, UI_K_STAFF_NEVER));
  }
  fmt_key_n(p, v[5], sizeof v[5], UI_K_STAFF_QUEUE_VALUE, st->queue_depth);
  if (st->revlist_issued_at > 0) {
    char age[64], ver[24];
    fmt_age(p, age, sizeof age, st->now - st->revlist_issued_at);
    fmt_uint(ver, sizeof ver, st->revlist_version);
    const char *pairs[] = {"age", age, "version", ver, NULL};
    ui_format(v[6], sizeof v[6], S(p, UI_K_STAFF_REVLIST_VALUE), pairs);
    state[6] = (st->banners & UI_BANNER_REVLIST_STALE) ? -1 : 1;
  } else {
    snprintf(v[6], sizeof v[6], "%s", S(p, UI_K_STAFF_REVLIST_NONE));
    state[6] = -1;
  }
  {
    char g[24], d[24], c[24];
    fmt_uint(g, sizeof g, st->today_grants);
    fmt_uint(d, sizeof d, st->today_denies);
    fmt_uint(c, sizeof c, st->today_staff_checks);
    const char *pairs[] = {"grants", g, "denies", d, "staff", c, NULL};
    ui_format(v[7], sizeof v[7], S(p, UI_K_STAFF_JOURNAL_VALUE), pairs);
  }
  int y0 = top + 16 + lh(p, 44, UI_W_BOLD) + 8;
  int tw = (W - 2 * PAD - 24) / 2, th = 96;
  for (int i = 0; i < 8; i++)
    tile(p, (SDL_Rect){PAD + (i % 2) * (tw + 24), y0 + (i / 2) * (th + 16), tw, th}, lab[i], v[i], state[i]);
  int by = y0 + 4 * (th + 16) + 8;
  char ver[96];
  snprintf(ver, sizeof ver, "%s %s", S(p, UI_K_STAFF_VERSION), st->version[0] ? st->version : "—");
  text(p, UI_STYLE_MUTED_ON_PAPER, 24, UI_W_REGULAR, PAD, by + 22, UI_ALIGN_LEFT, ver);
  int bw = 230;
  int bx = W - PAD - 3 * bw - 2 * 20;
  if (by + 72 > H - 8)
    by = H - 80;
  SDL_Rect b1 = {bx, by, bw, 72}, b2 = {bx + bw + 20, by, bw, 72}, b3 = {bx + 2 * (bw + 20), by, bw, 72};
  rrect(p, b1, 16, UI_COL_NEUTRAL);
  text_mid(p, UI_STYLE_ON_NEUTRAL, 30, UI_W_BOLD, b1.x + bw / 2, by + 36, UI_ALIGN_CENTER, S(p, UI_K_LANG_SWITCH));
  hit(p, b1, UI_HIT_LANG, 0);
  rrect(p, b2, 16, UI_COL_NEUTRAL);
  text_mid(p, UI_STYLE_ON_NEUTRAL, 30, UI_W_BOLD, b2.x + bw / 2, by + 36, UI_ALIGN_CENTER, S(p, UI_K_STAFF_BTN_TONE));
  hit(p, b2, UI_HIT_TONE, 0);
  rrect(p, b3, 16, UI_COL_FOCUS);
  text_mid(p, UI_STYLE_ON_FOCUS, 30, UI_W_BOLD, b3.x + bw / 2, by + 36, UI_ALIGN_CENTER, S(p, UI_K_STAFF_BTN_LOGOUT));
  hit(p, b3, UI_HIT_LOGOUT, 0);
  if (s->phase == UI_PHASE_WARN)
    warn_strip(p, s, s->warn_ms);
}

static void station_title(struct ui_painter *p, const struct ui_station *d, int top, const char *right)
{
  text_fit(p, UI_STYLE_ON_PAPER, 44, 30, UI_W_BOLD, PAD, top + 16, 760, UI_ALIGN_LEFT, T(p, &d->title));
  if (right)
    text(p, UI_STYLE_MUTED_ON_PAPER, 26, UI_W_REGULAR, W - PAD, top + 30, UI_ALIGN_RIGHT, right);
}

static void screen_station_list(struct ui_painter *p, const struct ui_shot *s, int top)
{
  const struct ui_station *d = s->station;
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  size_t nrows = d->nrows > UI_TABLE_ROWS_MAX ? UI_TABLE_ROWS_MAX : d->nrows;
  size_t ncols = d->ncols > UI_TABLE_COLS_MAX ? UI_TABLE_COLS_MAX : d->ncols;
  char page[128];
  if (nrows) {
    char a[24], b[24], t[24];
    fmt_uint(a, sizeof a, 1);
    fmt_uint(b, sizeof b, nrows);
    fmt_uint(t, sizeof t, d->total > nrows ? d->total : nrows);
    const char *pairs[] = {"from", a, "to", b, "total", t, NULL};
    ui_format(page, sizeof page, S(p, UI_K_STATION_PAGE), pairs);
  }
  station_title(p, d, top, nrows ? page : NULL);
  int y = top + 16 + lh(p, 44, UI_W_BOLD) + 10;
  SDL_Rect tbl = {PAD, y, W - 2 * PAD, H - 70 - y};
  int rh = (tbl.h - 8 - 60) / (int)UI_TABLE_ROWS_MAX;
  if (rh > 58)
    rh = 58;
  if (nrows && ncols)
    tbl.h = 60 + (int)nrows * rh + 8;
  rrect(p, tbl, 16, UI_COL_PANEL);
  if (!nrows || !ncols) {
    text_mid(p, UI_STYLE_MUTED_ON_PANEL, 36, UI_W_REGULAR, W / 2, tbl.y + tbl.h / 2, UI_ALIGN_CENTER,
             S(p, UI_K_STATION_EMPTY));
    return;
  }
  /* column widths from content, scaled to the table */
  int cw[UI_TABLE_COLS_MAX] = {0}, sum = 0;
  for (size_t c = 0; c < ncols; c++) {
    cw[c] = text_w(p, 26, UI_W_BOLD, T(p, &d->heading[c])) + 48;
    for (size_t r = 0; r < nrows; r++) {
      int w = text_w(p, 28, UI_W_REGULAR, cell_text(p, d->cell[r][c])) + 48;
      if (w > cw[c])
        cw[c] = w;
    }
    sum += cw[c];
  }
  int avail = tbl.w - 16;
  for (size_t c = 0; c < ncols; c++)
    cw[c] = (int)((int64_t)cw[c] * avail / (sum ? sum : 1));
  ui_gfx_round_rect(p->gfx, (SDL_Rect){tbl.x, tbl.y, tbl.w, 60}, 16, rgb(UI_COL_HEADER));
  fill(p, (SDL_Rect){tbl.x, tbl.y + 30, tbl.w, 30}, UI_COL_HEADER);
  int x = tbl.x + 8;
  for (size_t c = 0; c < ncols; c++) {
    text_fit(p, UI_STYLE_ON_HEADER, 26, 18, UI_W_BOLD, x + 20, tbl.y + 30 - lh(p, 26, UI_W_BOLD) / 2,
             cw[c] - 28, UI_ALIGN_LEFT, T(p, &d->heading[c]));
    x += cw[c];
  }
  int ry = tbl.y + 60;
  for (size_t r = 0; r < nrows; r++, ry += rh) {
    int sel = r == d->selected;
    enum ui_style st = sel ? UI_STYLE_ON_FOCUS : (r % 2 ? UI_STYLE_ON_SHADE : UI_STYLE_ON_PANEL);
    fill(p, (SDL_Rect){tbl.x + 4, ry, tbl.w - 8, rh}, ui_style_bg(st));
    x = tbl.x + 8;
    for (size_t c = 0; c < ncols; c++) {
      text_fit(p, st, 28, 18, c == 0 ? UI_W_BOLD : UI_W_REGULAR, x + 20, ry + rh / 2 - lh(p, 28, UI_W_REGULAR) / 2,
               cw[c] - 28, UI_ALIGN_LEFT, cell_text(p, d->cell[r][c]));
      x += cw[c];
    }
    hit(p, (SDL_Rect){tbl.x, ry, tbl.w, rh}, UI_HIT_ROW, (int)r);
  }
  text(p, UI_STYLE_MUTED_ON_PAPER, 26, UI_W_REGULAR, PAD, H - 56, UI_ALIGN_LEFT, S(p, UI_K_STATION_HINT));
  if (s->phase == UI_PHASE_WARN)
    warn_strip(p, s, s->warn_ms);
}

static void screen_station_summary(struct ui_painter *p, const struct ui_shot *s, int top)
{
  const struct ui_station *d = s->station;
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  station_title(p, d, top, NULL);
  size_t nrows = d->nrows > UI_TABLE_ROWS_MAX ? UI_TABLE_ROWS_MAX : d->nrows;
  if (!nrows || d->ncols < 2) {
    text_mid(p, UI_STYLE_MUTED_ON_PAPER, 36, UI_W_REGULAR, W / 2, (top + H) / 2, UI_ALIGN_CENTER,
             S(p, UI_K_STATION_EMPTY));
    return;
  }
  int y = top + 16 + lh(p, 44, UI_W_BOLD) + 16;
  size_t ntiles = nrows < 4 ? nrows : 4;
  int tw = (W - 2 * PAD - 3 * 24) / 4, th = 170;
  for (size_t i = 0; i < ntiles; i++) {
    SDL_Rect r = {PAD + (int)i * (tw + 24), y, tw, th};
    rrect(p, r, 18, UI_COL_PANEL);
    rrect(p, (SDL_Rect){r.x + 14, r.y + 22, 6, th - 44}, 3, i == 0 ? UI_COL_FOCUS : UI_COL_BRAND);
    text_fit(p, UI_STYLE_ON_PANEL, 72, 36, UI_W_BOLD, r.x + 36, r.y + 18, tw - 48, UI_ALIGN_LEFT,
             cell_text(p, d->cell[i][1]));
    text_fit(p, UI_STYLE_MUTED_ON_PANEL, 28, 20, UI_W_REGULAR, r.x + 36, r.y + th - 58, tw - 48,
             UI_ALIGN_LEFT, cell_text(p, d->cell[i][0]));
  }
  y += th + 24;
  if (nrows > 4) {
    SDL_Rect list = {PAD, y, W - 2 * PAD, (int)(nrows - 4) * 64 + 16};
    rrect(p, list, 18, UI_COL_PANEL);
    int ry = y + 8;
    for (size_t r = 4; r < nrows; r++, ry += 64) {
      if (r > 4)
        fill(p, (SDL_Rect){list.x + 24, ry, list.w - 48, 1}, UI_COL_LINE);
      text_mid(p, UI_STYLE_MUTED_ON_PANEL, 30, UI_W_REGULAR, list.x + 32, ry + 32, UI_ALIGN_LEFT,
               cell_text(p, d->cell[r][0]));
      text_mid(p, UI_STYLE_ON_PANEL, 32, UI_W_BOLD, list.x + list.w - 32, ry + 32, UI_ALIGN_RIGHT,
               cell_text(p, d->cell[r][1]));
    }
  }
  if (s->phase == UI_PHASE_WARN)
    warn_strip(p, s, s->warn_ms);
}

static void screen_station_confirm(struct ui_painter *p, const struct ui_shot *s, int top)
{
  const struct ui_station *d = s->station;
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  static const enum ui_key ak[] = {UI_K_STATION_ACTION_ISSUE, UI_K_STATION_ACTION_REISSUE,
                                   UI_K_STATION_ACTION_REVOKE};
  unsigned ai = (unsigned)d->action < 3 ? (unsigned)d->action : 0;
  int revoke = d->action == UI_STATION_ACTION_REVOKE;
  int y = band(p, top, 100, revoke ? UI_STYLE_ON_DENY : UI_STYLE_ON_FOCUS,
               revoke ? UI_ICON_CROSS : UI_ICON_CHECK, S(p, ak[ai]), NULL);
  int buttons_y = (s->phase == UI_PHASE_WARN ? H - WARN_H : H) - 24 - 96;
  int ph = buttons_y - 24 - (y + 30);
  if (ph > 400)
    ph = 400;
  int pw = ph * 3 / 4;
  SDL_Rect ph_r = {PAD + 10, y + 30, pw, ph};
  photo(p, &d->holder, ph_r);
  int px = ph_r.x + pw + 40;
  SDL_Rect panel = {px, y + 24, W - PAD - px, buttons_y - 24 - (y + 24)};
  rrect(p, panel, 18, UI_COL_PANEL);
  holder_fields(p, &d->holder, panel.x + 32, panel.y + 18, 470, 1);
  SDL_Rect nb = {panel.x + 530, panel.y + 24, panel.w - 530 - 24, panel.h - 48};
  int ny = nb.y;
  const char *nt = T(p, &d->note);
  if (nt[0]) {
    size_t st0[8], ln0[8];
    int pitch = lh(p, 26, UI_W_REGULAR) * 110 / 100;
    size_t n = ui_text_break(p->text, nt, 26, UI_W_REGULAR, nb.w - 24, 4, st0, ln0);
    int h = (int)(n ? n : 1) * pitch + 20;
    rrect(p, (SDL_Rect){nb.x, ny, nb.w, h}, 12, UI_COL_SHADE);
    ui_text_draw_wrapped(p->text, nt, 26, UI_W_REGULAR, style_fg(UI_STYLE_ON_SHADE),
                         (SDL_Rect){nb.x + 12, ny + 10, nb.w - 24, h - 10}, 110, UI_ALIGN_LEFT);
    ny += h + 12;
  }
  if (revoke) {
    const char *rn = S(p, UI_K_STATION_ACTION_REVOKE_NOTE);
    size_t st0[8], ln0[8];
    int pitch = lh(p, 26, UI_W_BOLD) * 110 / 100;
    size_t n = ui_text_break(p->text, rn, 26, UI_W_BOLD, nb.w - 64, 4, st0, ln0);
    int h = (int)(n ? n : 1) * pitch + 20;
    rrect(p, (SDL_Rect){nb.x, ny, nb.w, h}, 12, UI_COL_ALERT_BG);
    icon(p, UI_ICON_WARN, nb.x + 26, ny + 10 + pitch / 2, 30, UI_COL_ALERT_INK);
    ui_text_draw_wrapped(p->text, rn, 26, UI_W_BOLD, style_fg(UI_STYLE_ON_ALERT),
                         (SDL_Rect){nb.x + 52, ny + 10, nb.w - 64, h - 10}, 110, UI_ALIGN_LEFT);
  }
  int bw = (W - 2 * PAD - 24) / 2;
  button(p, (SDL_Rect){PAD, buttons_y, bw, 96}, revoke ? UI_STYLE_ON_DENY : UI_STYLE_ON_GRANT,
         revoke ? UI_ICON_CROSS : UI_ICON_CHECK, 1, S(p, UI_K_STATION_CONFIRM), S(p, UI_K_KEY_ENTER),
         UI_HIT_STATION_CONFIRM, (int)d->action);
  button(p, (SDL_Rect){PAD + bw + 24, buttons_y, bw, 96}, UI_STYLE_ON_NEUTRAL, UI_ICON_CROSS, 0,
         S(p, UI_K_STATION_CANCEL), S(p, UI_K_KEY_ESC), UI_HIT_STATION_CANCEL, 0);
  if (s->phase == UI_PHASE_WARN)
    warn_strip(p, s, s->warn_ms);
}

int ui_painter_draw(struct ui_painter *p, const struct ui_shot *s)
{
  if (!p || !s)
    return UI_E_INVALID_ARG;
  p->lang = s->lang == UI_LANG_EN ? UI_LANG_EN : UI_LANG_ZH;
  p->nhits = 0;
  const struct ui_status *st = s->status ? s->status : &empty_status;
  SDL_SetRenderDrawBlendMode(p->r, SDL_BLENDMODE_NONE);
  enum ui_screen screen = s->screen;
  /* screens that need data fall back to idle without it */
  if ((screen == UI_SCREEN_VERDICT || screen == UI_SCREEN_HOLDER_CHECK || screen == UI_SCREEN_CASHIER ||
       screen == UI_SCREEN_BUS) &&
      !s->view)
    screen = UI_SCREEN_IDLE;
  if (screen >= UI_SCREEN_STATION_LIST && screen <= UI_SCREEN_STATION_CONFIRM && !s->station)
    screen = UI_SCREEN_IDLE;
  switch (screen) {
  case UI_SCREEN_VERDICT:
    screen_verdict(p, s, st);
    return UI_OK;
  case UI_SCREEN_BUS:
    screen_bus(p, s, st);
    return UI_OK;
  case UI_SCREEN_PIN:
    screen_pin(p, s);
    return UI_OK;
  default:
    break;
  }
  header(p, s, st);
  int top = banners(p, st, HEADER_H);
  switch (screen) {
  case UI_SCREEN_READING:
    screen_reading(p, s, top);
    break;
  case UI_SCREEN_PLACE_AGAIN:
    screen_place_again(p, s, top);
    break;
  case UI_SCREEN_HOLDER_CHECK:
    screen_holder(p, s, top);
    break;
  case UI_SCREEN_CASHIER:
    screen_cashier(p, s, top);
    break;
  case UI_SCREEN_STAFF_MENU:
    screen_staff(p, s, st, top);
    break;
  case UI_SCREEN_STATION_LIST:
    screen_station_list(p, s, top);
    break;
  case UI_SCREEN_STATION_SUMMARY:
    screen_station_summary(p, s, top);
    break;
  case UI_SCREEN_STATION_CONFIRM:
    screen_station_confirm(p, s, top);
    break;
  case UI_SCREEN_IDLE:
  default:
    screen_idle(p, s, top);
    break;
  }
  if (s->phase == UI_PHASE_WARN &&
      (screen == UI_SCREEN_READING || screen == UI_SCREEN_PLACE_AGAIN))
    warn_strip(p, s, s->warn_ms);
  return UI_OK;
}
