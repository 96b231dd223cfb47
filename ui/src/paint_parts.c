/* Parts shared by the screens (paint_int.h): header, banners, the timeout warning,
 * buttons, the holder's photo and fields, the card picture, notes and bands, and the
 * number formats. */
#include <SDL_image.h>
#include <stdio.h>

#include "paint_int.h"

/* A reason line: kiosk's English texts start in lower case (they are also used
 * inside sentences); a line on screen starts with a capital. */
const char *ui_paint_reason_text(struct ui_painter *p, const struct ui_text *t, char *buf,
                                 size_t cap)
{
  const char *s = T(p, t);
  if (s[0] < 'a' || s[0] > 'z')
    return s;
  snprintf(buf, cap, "%s", s);
  buf[0] = (char)(buf[0] - 'a' + 'A');
  return buf;
}

/* A data cell: "@key" names a strings entry, anything else is shown as given. */
const char *ui_paint_cell_text(struct ui_painter *p, const char *c)
{
  if (c[0] == '@') {
    const char *s = ui_strings_get(p->strings[p->lang], c + 1);
    return s ? s : c + 1;
  }
  return c;
}

void ui_paint_fmt_uint(char *buf, size_t cap, uint64_t v)
{
  snprintf(buf, cap, "%llu", (unsigned long long)v);
}

/* "15.00" from fen. */
void ui_paint_fmt_yuan(char *buf, size_t cap, int64_t fen)
{
  snprintf(buf, cap, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
}

/* "12 分钟" for an age in seconds. */
void ui_paint_fmt_age(struct ui_painter *p, char *buf, size_t cap, int64_t s)
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
  ui_paint_fmt_uint(n, sizeof n, (uint64_t)s);
  const char *pairs[] = {"n", n, NULL};
  ui_format(buf, cap, S(p, k), pairs);
}

void ui_paint_fmt_key_n(struct ui_painter *p, char *buf, size_t cap, enum ui_key k, uint64_t v)
{
  char n[24];
  ui_paint_fmt_uint(n, sizeof n, v);
  const char *pairs[] = {"n", n, NULL};
  ui_format(buf, cap, S(p, k), pairs);
}

enum ui_key ui_paint_mode_key(enum ui_mode m)
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

void ui_paint_header(struct ui_painter *p, const struct ui_shot *s, const struct ui_status *st)
{
  fill(p, (SDL_Rect){0, 0, W, HEADER_H}, UI_COL_HEADER);
  icon(p, UI_ICON_DISC, PAD + 26, HEADER_H / 2, 56, UI_COL_WHITE);
  icon(p, UI_ICON_DROP, PAD + 26, HEADER_H / 2 + 1, 36, UI_COL_BRAND);
  hit(p, (SDL_Rect){0, 0, 120, HEADER_H}, UI_HIT_STAFF, 0);
  text_mid(p, UI_STYLE_ON_HEADER, 34, UI_W_BOLD, PAD + 70, HEADER_H / 2, UI_ALIGN_LEFT,
           S(p, UI_K_APP_TITLE));
  const char *mode = S(p, ui_paint_mode_key(s->mode));
  if (st->site[0]) {
    text_fit(p, UI_STYLE_ON_HEADER, 28, 20, UI_W_BOLD, W - PAD, 8, 520, UI_ALIGN_RIGHT, site_name(p, st));
    text(p, UI_STYLE_SUB_ON_HEADER, 22, UI_W_REGULAR, W - PAD, 48, UI_ALIGN_RIGHT, mode);
  } else {
    text_mid(p, UI_STYLE_SUB_ON_HEADER, 26, UI_W_REGULAR, W - PAD, HEADER_H / 2, UI_ALIGN_RIGHT,
             mode);
  }
}

/* Banners from the top y down; returns the y below them. On a public screen only the
 * banners the public can act on (the reader is missing, the clock is not trusted: call
 * the staff); the list's age and the connection are staff matters, shown on the staff
 * screens and the menu. */
int ui_paint_banners(struct ui_painter *p, const struct ui_status *st, int y, int public_screen)
{
  static const struct {
    unsigned bit;
    enum ui_key key;
    enum ui_style style;
  } b[] = {
      {UI_BANNER_NO_READER, UI_K_BANNER_NO_READER, UI_STYLE_ON_ALERT},
      {UI_BANNER_CLOCK_SUSPECT, UI_K_BANNER_CLOCK_SUSPECT, UI_STYLE_ON_ALERT},
      {UI_BANNER_GATE_FAULT, UI_K_BANNER_GATE_FAULT, UI_STYLE_ON_ALERT},
      {UI_BANNER_REGISTRY_WAIT, UI_K_BANNER_REGISTRY_WAIT, UI_STYLE_ON_ALERT},
      {UI_BANNER_OFFLINE, UI_K_BANNER_OFFLINE, UI_STYLE_ON_WARN},
      {UI_BANNER_REVLIST_STALE, UI_K_BANNER_REVLIST_STALE, UI_STYLE_ON_WARN},
  };
  for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
    if (!(st->banners & b[i].bit) ||
        (public_screen && b[i].style != UI_STYLE_ON_ALERT)) /* alerts: the public calls staff */
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

int ui_paint_status_line(struct ui_painter *p, const struct ui_status *st, int y)
{
  fill(p, (SDL_Rect){0, y, W, STATUS_H}, UI_COL_HEADER);
  fill(p, (SDL_Rect){0, y, W, 1}, UI_COL_HEADER_SUB);
  int cy = y + STATUS_H / 2, x = PAD;
  /* left: who acts, and the way out */
  icon(p, UI_ICON_PERSON, x + 14, cy, 30, UI_COL_HEADER_SUB);
  x += 36;
  if (st->staff_id[0]) {
    char who[UI_STAFF_ID_MAX + UI_NAME_MAX + 8];
    snprintf(who, sizeof who, "%s%s%s", st->staff_id, st->staff_name[0] ? " " : "", st->staff_name);
    int size = text_fit(p, UI_STYLE_ON_HEADER, 26, 20, UI_W_BOLD, x, cy - lh(p, 26, UI_W_BOLD) / 2,
                        300, UI_ALIGN_LEFT, who);
    int ww = text_w(p, size, UI_W_BOLD, who);
    x += ww < 300 ? ww : 300;
    const char *so = S(p, UI_K_STATUS_SIGN_OUT);
    int bw = text_w(p, 22, UI_W_BOLD, so) + 28;
    SDL_Rect b = {x + 16, y + 6, bw, STATUS_H - 12};
    ui_gfx_round_frame(p->gfx, b, b.h / 2, 2, rgb(UI_COL_HEADER_SUB), rgb(UI_COL_HEADER));
    text_mid(p, UI_STYLE_ON_HEADER, 22, UI_W_BOLD, b.x + bw / 2, cy, UI_ALIGN_CENTER, so);
    hit(p, b, UI_HIT_SIGN_OUT, 0);
    x = b.x + b.w;
  } else {
    x += text_mid(p, UI_STYLE_SUB_ON_HEADER, 24, UI_W_REGULAR, x, cy, UI_ALIGN_LEFT,
                  S(p, UI_K_STATUS_NOBODY));
  }
  /* right: the terminal's state, most urgent first */
  char line[512], part[160];
  line[0] = '\0';
  size_t n = 0;
#define STATUS_ADD(str)                                                                  \
  do {                                                                                   \
    n += (size_t)snprintf(line + n, n < sizeof line ? sizeof line - n : 0, "%s%s",       \
                          n ? "  ·  " : "", (str));                                      \
    if (n >= sizeof line)                                                                \
      n = sizeof line - 1;                                                               \
  } while (0)
  int64_t days = ui_status_offline_days(st);
  if (st->last_sync <= 0) {
    /* last_sync is the last acknowledged upload: a terminal online since it started has
     * none yet, and is not "never synced" */
    if (st->sync != UI_SYNC_ONLINE && st->sync != UI_SYNC_SYNCING)
      STATUS_ADD(S(p, UI_K_STATUS_NEVER_SYNCED));
  } else if (days >= 1) {
    ui_paint_fmt_key_n(p, part, sizeof part, days == 1 ? UI_K_STATUS_OFFLINE_DAY : UI_K_STATUS_OFFLINE_DAYS,
                       (uint64_t)days);
    STATUS_ADD(part);
  }
  ui_paint_fmt_key_n(p, part, sizeof part, UI_K_STATUS_QUEUE, st->queue_depth);
  STATUS_ADD(part);
  if (st->revlist_issued_at > 0 && st->now > 0) {
    char age[64];
    ui_paint_fmt_age(p, age, sizeof age, st->now - st->revlist_issued_at);
    const char *pairs[] = {"age", age, NULL};
    ui_format(part, sizeof part, S(p, UI_K_STATUS_LIST), pairs);
  } else {
    snprintf(part, sizeof part, "%s", S(p, UI_K_STATUS_LIST_NONE));
  }
  STATUS_ADD(part);
  static const enum ui_key dk[UI_DOC_COUNT] = {UI_K_STATUS_DOC_ROSTER, UI_K_STATUS_DOC_TARIFF,
                                               UI_K_STATUS_DOC_CONFIG, UI_K_STATUS_DOC_TRUST,
                                               UI_K_STATUS_DOC_REGISTRY};
  for (int d = 0; d < UI_DOC_COUNT; d++) {
    if (!st->doc_version[d])
      continue;
    snprintf(part, sizeof part, "%s v%llu", S(p, dk[d]), (unsigned long long)st->doc_version[d]);
    STATUS_ADD(part);
  }
#undef STATUS_ADD
  int room = W - PAD - (x + 24);
  if (room > 80)
    text_fit(p, UI_STYLE_SUB_ON_HEADER, 24, 16, UI_W_REGULAR, W - PAD, cy - lh(p, 24, UI_W_REGULAR) / 2,
             room, UI_ALIGN_RIGHT, line);
  return y + STATUS_H;
}

int ui_paint_seconds_left(uint32_t ms)
{
  return (int)((ms + 999u) / 1000u);
}

/* The timeout warning strip at the bottom of any screen. */
void ui_paint_warn_strip(struct ui_painter *p, const struct ui_shot *s, uint32_t warn_total_ms)
{
  int y = H - WARN_H;
  fill(p, (SDL_Rect){0, y, W, WARN_H}, UI_COL_WARN_BG);
  uint32_t total = warn_total_ms ? warn_total_ms : 20000u;
  uint32_t rem = s->remaining_ms > total ? total : s->remaining_ms;
  fill(p, (SDL_Rect){0, y, (int)((int64_t)W * rem / total), 8}, UI_COL_WARN_INK);
  icon(p, UI_ICON_WARN, PAD + 22, y + 4 + WARN_H / 2, 46, UI_COL_WARN_INK);
  char buf[256];
  ui_paint_fmt_key_n(p, buf, sizeof buf, UI_K_WARN_RETURNING, (uint64_t)ui_paint_seconds_left(s->remaining_ms));
  text_fit(p, UI_STYLE_ON_WARN, 34, 24, UI_W_BOLD, PAD + 64, y + 4 + (WARN_H - lh(p, 34, UI_W_BOLD)) / 2,
           W - 2 * PAD - 64, UI_ALIGN_LEFT, buf);
}

/* A button: rounded, icon optional, label and key hint. */
void ui_paint_button(struct ui_painter *p, SDL_Rect r, enum ui_style st, enum ui_icon ic,
                     int with_icon, const char *label, const char *keyhint, enum ui_hit_kind k,
                     int value)
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

void ui_paint_lang_button(struct ui_painter *p, SDL_Rect r)
{
  rrect(p, r, r.h / 2, UI_COL_NEUTRAL);
  text_mid(p, UI_STYLE_ON_NEUTRAL, 28, UI_W_BOLD, r.x + r.w / 2, r.y + r.h / 2, UI_ALIGN_CENTER,
           S(p, UI_K_LANG_SWITCH));
  hit(p, r, UI_HIT_LANG, 0);
}

/* The visitor's controls in one row from x (or ending at x when right): the language,
 * and with speech on: volume down, volume up, say it again. The language button keeps
 * its place at the outer end whether speech is on or not. Outlined in the screen's
 * own colours (st) on a coloured screen, filled neutral on paper. Returns the width. */
int ui_paint_access_row(struct ui_painter *p, const struct ui_shot *s, int x, int y, int right,
                        enum ui_style st, int outlined)
{
  static const struct {
    enum ui_key key;
    enum ui_hit_kind hit;
    int w;
  } b[] = {
      {UI_K_LANG_SWITCH, UI_HIT_LANG, 170},
      {UI_K_SPEECH_QUIETER, UI_HIT_VOL_DOWN, 120},
      {UI_K_SPEECH_LOUDER, UI_HIT_VOL_UP, 120},
      {UI_K_SPEECH_REPEAT, UI_HIT_REPEAT, 150},
  };
  size_t n = s->speech ? sizeof b / sizeof b[0] : 1;
  int gap = 14, total = 0;
  for (size_t i = 0; i < n; i++)
    total += b[i].w + (i ? gap : 0);
  int cx = right ? x - total : x;
  for (size_t k = 0; k < n; k++) {
    size_t i = right ? (k + 1) % n : k; /* right: speech first, the language last */
    SDL_Rect r = {cx, y, b[i].w, 52};
    if (outlined) {
      ui_gfx_round_frame(p->gfx, r, 26, 3, rgb(ui_style_fg(st)), rgb(ui_style_bg(st)));
      text_fit(p, st, 28, 20, UI_W_BOLD, r.x + r.w / 2, r.y + (r.h - lh(p, 28, UI_W_BOLD)) / 2,
               r.w - 16, UI_ALIGN_CENTER, S(p, b[i].key));
    } else {
      rrect(p, r, r.h / 2, UI_COL_NEUTRAL);
      text_fit(p, UI_STYLE_ON_NEUTRAL, 28, 20, UI_W_BOLD, r.x + r.w / 2,
               r.y + (r.h - lh(p, 28, UI_W_BOLD)) / 2, r.w - 16, UI_ALIGN_CENTER, S(p, b[i].key));
    }
    hit(p, r, b[i].hit, 0);
    cx += b[i].w + gap;
  }
  return total;
}

/* Up to n stars in gold (or any colour) from x, centred on cy; returns the width. */
int ui_paint_stars(struct ui_painter *p, unsigned n, int x, int cy, int size, enum ui_colour c)
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
void ui_paint_photo(struct ui_painter *p, const struct ui_holder *h, SDL_Rect r)
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
int ui_paint_field(struct ui_painter *p, int x, int y, int w, enum ui_key label, const char *value,
                   int size)
{
  text(p, UI_STYLE_MUTED_ON_PANEL, 26, UI_W_REGULAR, x, y, UI_ALIGN_LEFT, S(p, label));
  y += lh(p, 26, UI_W_REGULAR) - 4;
  text_fit(p, UI_STYLE_ON_PANEL, size, size * 2 / 3, UI_W_BOLD, x, y, w, UI_ALIGN_LEFT,
           value[0] ? value : "—");
  return y + lh(p, size, UI_W_BOLD) + 6;
}

/* The holder's fields (name, ID, award with stars, card number) in a column. */
int ui_paint_holder_fields(struct ui_painter *p, const struct ui_holder *h, int x, int y, int w,
                           int big)
{
  y = ui_paint_field(p, x, y, w, UI_K_HOLDER_NAME, h->name_masked, big ? 64 : 48);
  y = ui_paint_field(p, x, y, w, UI_K_HOLDER_ID, h->id_masked, big ? 40 : 32);
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
  ui_paint_stars(p, h->award_stars, x + aw + 12, y + lh(p, asz, UI_W_BOLD) / 2, asz, UI_COL_GOLD);
  y += lh(p, asz, UI_W_BOLD) + 6;
  return ui_paint_field(p, x, y, w, UI_K_HOLDER_CARD_NO, h->card_no, big ? 36 : 30);
}

/* The honour card as a picture: red card, gold chip, white drop; w wide. */
void ui_paint_card_art(struct ui_painter *p, int cx, int cy, int w, int shadow)
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
int ui_paint_notes(struct ui_painter *p, const struct ui_view *v, SDL_Rect box, int size)
{
  int y = box.y;
  for (size_t i = 0; i < v->nreasons; i++) {
    int alert = (v->reason_alert >> i) & 1u;
    enum ui_style st = alert ? UI_STYLE_ON_ALERT : UI_STYLE_ON_SHADE;
    char buf[UI_TEXT_MAX];
    const char *t = ui_paint_reason_text(p, &v->reasons[i], buf, sizeof buf);
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

/* A coloured band with a badge, a title and a hint under the header. */
int ui_paint_band(struct ui_painter *p, int y, int h, enum ui_style st, enum ui_icon ic,
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
