/* The staff's own screens (paint_int.h): the PIN pad and the staff menu with the
 * terminal's status. */
#include <stdio.h>

#include "paint_int.h"

void ui_paint_pin(struct ui_painter *p, const struct ui_shot *s)
{
  fill(p, (SDL_Rect){0, 0, W, H}, UI_COL_HEADER);
  text_mid(p, UI_STYLE_ON_HEADER, 52, UI_W_BOLD, W / 2, 86, UI_ALIGN_CENTER, S(p, UI_K_PIN_TITLE));
  text_mid(p, UI_STYLE_SUB_ON_HEADER, 30, UI_W_REGULAR, W / 2, 152, UI_ALIGN_CENTER,
           S(p, s->pin_staff_id ? UI_K_PIN_PROMPT_ID : UI_K_PIN_PROMPT));
  if (s->pin_staff_id) {
    /* the staff id step: the id as typed (not secret), then the PIN's dots */
    text_mid(p, UI_STYLE_ON_HEADER, 52, UI_W_BOLD, W / 2, 222, UI_ALIGN_CENTER,
             s->pin_staff_id[0] ? s->pin_staff_id : "_");
  }
  size_t n = s->pin_staff_id ? 0 : s->pin_len > 8 ? 8 : s->pin_len;
  size_t slots = n > 6 ? n : 6;
  int gap = 64, x0 = W / 2 - (int)(slots - 1) * gap / 2;
  for (size_t i = 0; i < slots && !s->pin_staff_id; i++)
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
    ui_paint_warn_strip(p, s, s->warn_ms);
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

void ui_paint_staff_menu(struct ui_painter *p, const struct ui_shot *s, const struct ui_status *st,
                         int top)
{
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  text(p, UI_STYLE_ON_PAPER, 44, UI_W_BOLD, PAD, top + 16, UI_ALIGN_LEFT, S(p, UI_K_STAFF_TITLE));
  char v[8][192];
  int state[8] = {0};
  enum ui_key lab[8] = {UI_K_STAFF_SITE,    UI_K_STAFF_MODE,  UI_K_STAFF_READER,  UI_K_STAFF_SYNC,
                        UI_K_STAFF_LAST_SYNC, UI_K_STAFF_QUEUE, UI_K_STAFF_REVLIST, UI_K_STAFF_JOURNAL};
  snprintf(v[0], sizeof v[0], "%s%s%s", site_name(p, st), st->terminal_id[0] ? " · " : "", st->terminal_id);
  snprintf(v[1], sizeof v[1], "%s", S(p, ui_paint_mode_key(s->mode)));
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
    ui_paint_fmt_age(p, age, sizeof age, st->now - st->last_sync);
    const char *pairs[] = {"age", age, NULL};
    ui_format(v[4], sizeof v[4], S(p, UI_K_STAFF_AGO), pairs);
  } else {
    snprintf(v[4], sizeof v[4], "%s", S(p, UI_K_STAFF_NEVER));
  }
  ui_paint_fmt_key_n(p, v[5], sizeof v[5], UI_K_STAFF_QUEUE_VALUE, st->queue_depth);
  if (st->revlist_issued_at > 0) {
    char age[64], ver[24];
    ui_paint_fmt_age(p, age, sizeof age, st->now - st->revlist_issued_at);
    ui_paint_fmt_uint(ver, sizeof ver, st->revlist_version);
    const char *pairs[] = {"age", age, "version", ver, NULL};
    ui_format(v[6], sizeof v[6], S(p, UI_K_STAFF_REVLIST_VALUE), pairs);
    state[6] = (st->banners & UI_BANNER_REVLIST_STALE) ? -1 : 1;
  } else {
    snprintf(v[6], sizeof v[6], "%s", S(p, UI_K_STAFF_REVLIST_NONE));
    state[6] = -1;
  }
  {
    char g[24], d[24], c[24];
    ui_paint_fmt_uint(g, sizeof g, st->today_grants);
    ui_paint_fmt_uint(d, sizeof d, st->today_denies);
    ui_paint_fmt_uint(c, sizeof c, st->today_staff_checks);
    const char *pairs[] = {"grants", g, "denies", d, "staff", c, NULL};
    ui_format(v[7], sizeof v[7], S(p, UI_K_STAFF_JOURNAL_VALUE), pairs);
  }
  int y0 = top + 16 + lh(p, 44, UI_W_BOLD) + 8;
  int tw = (W - 2 * PAD - 24) / 2, th = 86;
  for (int i = 0; i < 8; i++)
    tile(p, (SDL_Rect){PAD + (i % 2) * (tw + 24), y0 + (i / 2) * (th + 12), tw, th}, lab[i], v[i], state[i]);
  int by = y0 + 4 * (th + 12) + 8;
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
    ui_paint_warn_strip(p, s, s->warn_ms);
}
