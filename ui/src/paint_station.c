/* The station desk's screens (paint_int.h): the ready list, the summary tiles and the
 * confirmation of an issue, reissue or revocation with the holder's photo. */
#include <stdio.h>

#include "paint_int.h"

static void station_title(struct ui_painter *p, const struct ui_station *d, int top, const char *right)
{
  text_fit(p, UI_STYLE_ON_PAPER, 44, 30, UI_W_BOLD, PAD, top + 16, 760, UI_ALIGN_LEFT, T(p, &d->title));
  if (right)
    text(p, UI_STYLE_MUTED_ON_PAPER, 26, UI_W_REGULAR, W - PAD, top + 30, UI_ALIGN_RIGHT, right);
}

void ui_paint_station_list(struct ui_painter *p, const struct ui_shot *s, int top)
{
  const struct ui_station *d = s->station;
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  size_t nrows = d->nrows > UI_TABLE_ROWS_MAX ? UI_TABLE_ROWS_MAX : d->nrows;
  size_t ncols = d->ncols > UI_TABLE_COLS_MAX ? UI_TABLE_COLS_MAX : d->ncols;
  char page[128];
  if (nrows) {
    char a[24], b[24], t[24];
    ui_paint_fmt_uint(a, sizeof a, 1);
    ui_paint_fmt_uint(b, sizeof b, nrows);
    ui_paint_fmt_uint(t, sizeof t, d->total > nrows ? d->total : nrows);
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
      int w = text_w(p, 28, UI_W_REGULAR, ui_paint_cell_text(p, d->cell[r][c])) + 48;
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
               cw[c] - 28, UI_ALIGN_LEFT, ui_paint_cell_text(p, d->cell[r][c]));
      x += cw[c];
    }
    hit(p, (SDL_Rect){tbl.x, ry, tbl.w, rh}, UI_HIT_ROW, (int)r);
  }
  text(p, UI_STYLE_MUTED_ON_PAPER, 26, UI_W_REGULAR, PAD, H - 56, UI_ALIGN_LEFT, S(p, UI_K_STATION_HINT));
  if (s->phase == UI_PHASE_WARN)
    ui_paint_warn_strip(p, s, s->warn_ms);
}

void ui_paint_station_summary(struct ui_painter *p, const struct ui_shot *s, int top)
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
             ui_paint_cell_text(p, d->cell[i][1]));
    text_fit(p, UI_STYLE_MUTED_ON_PANEL, 28, 20, UI_W_REGULAR, r.x + 36, r.y + th - 58, tw - 48,
             UI_ALIGN_LEFT, ui_paint_cell_text(p, d->cell[i][0]));
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
               ui_paint_cell_text(p, d->cell[r][0]));
      text_mid(p, UI_STYLE_ON_PANEL, 32, UI_W_BOLD, list.x + list.w - 32, ry + 32, UI_ALIGN_RIGHT,
               ui_paint_cell_text(p, d->cell[r][1]));
    }
  }
  if (s->phase == UI_PHASE_WARN)
    ui_paint_warn_strip(p, s, s->warn_ms);
}

void ui_paint_station_confirm(struct ui_painter *p, const struct ui_shot *s, int top)
{
  const struct ui_station *d = s->station;
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  static const enum ui_key ak[] = {UI_K_STATION_ACTION_ISSUE, UI_K_STATION_ACTION_REISSUE,
                                   UI_K_STATION_ACTION_REVOKE};
  unsigned ai = (unsigned)d->action < 3 ? (unsigned)d->action : 0;
  int revoke = d->action == UI_STATION_ACTION_REVOKE;
  int y = ui_paint_band(p, top, 100, revoke ? UI_STYLE_ON_DENY : UI_STYLE_ON_FOCUS,
               revoke ? UI_ICON_CROSS : UI_ICON_CHECK, S(p, ak[ai]), NULL);
  int buttons_y = (s->phase == UI_PHASE_WARN ? H - WARN_H : H) - 24 - 96;
  int ph = buttons_y - 24 - (y + 30);
  if (ph > 400)
    ph = 400;
  int pw = ph * 3 / 4;
  SDL_Rect ph_r = {PAD + 10, y + 30, pw, ph};
  ui_paint_photo(p, &d->holder, ph_r);
  int px = ph_r.x + pw + 40;
  SDL_Rect panel = {px, y + 24, W - PAD - px, buttons_y - 24 - (y + 24)};
  rrect(p, panel, 18, UI_COL_PANEL);
  ui_paint_holder_fields(p, &d->holder, panel.x + 32, panel.y + 18, 470, 1);
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
  ui_paint_button(p, (SDL_Rect){PAD, buttons_y, bw, 96}, revoke ? UI_STYLE_ON_DENY : UI_STYLE_ON_GRANT,
         revoke ? UI_ICON_CROSS : UI_ICON_CHECK, 1, S(p, UI_K_STATION_CONFIRM), S(p, UI_K_KEY_ENTER),
         UI_HIT_STATION_CONFIRM, (int)d->action);
  ui_paint_button(p, (SDL_Rect){PAD + bw + 24, buttons_y, bw, 96}, UI_STYLE_ON_NEUTRAL, UI_ICON_CROSS, 0,
         S(p, UI_K_STATION_CANCEL), S(p, UI_K_KEY_ESC), UI_HIT_STATION_CANCEL, 0);
  if (s->phase == UI_PHASE_WARN)
    ui_paint_warn_strip(p, s, s->warn_ms);
}
