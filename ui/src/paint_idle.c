/* The waiting screens (paint_int.h): idle with the steps of the mode, reading, and
 * place the card again. */
#include <stdio.h>

#include "paint_int.h"

void ui_paint_idle(struct ui_painter *p, const struct ui_shot *s, int top)
{
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  int foot = H - 76;
  int mid = (top + foot) / 2;
  if (s->mode == UI_MODE_BUS) {
    ui_paint_card_art(p, W / 2, mid - 110, 300, 1);
    text_mid(p, UI_STYLE_ON_PAPER, 110, UI_W_BOLD, W / 2, mid + 110, UI_ALIGN_CENTER,
             S(p, UI_K_IDLE_BUS_PROMPT));
    text_mid(p, UI_STYLE_MUTED_ON_PAPER, 36, UI_W_REGULAR, W / 2, mid + 220, UI_ALIGN_CENTER,
             S(p, UI_K_IDLE_BUS_STEP1));
  } else {
    /* the card, with a shadow, on the left */
    ui_paint_card_art(p, 300, mid, 380, 1);
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
  int row = ui_paint_access_row(p, s, W - PAD, foot + 12, 1, UI_STYLE_ON_NEUTRAL, 0);
  text_fit(p, UI_STYLE_MUTED_ON_PAPER, 26, 18, UI_W_REGULAR, PAD, foot + 20, W - 2 * PAD - row - 24,
           UI_ALIGN_LEFT, S(p, UI_K_IDLE_FOOTER));
}

void ui_paint_reading(struct ui_painter *p, const struct ui_shot *s, int top)
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
  ui_paint_access_row(p, s, W - PAD, s->phase == UI_PHASE_WARN ? H - WARN_H - 66 : H - 76 + 12, 1,
                      UI_STYLE_ON_NEUTRAL, 0);
}

void ui_paint_place_again(struct ui_painter *p, const struct ui_shot *s, int top)
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
  ui_paint_access_row(p, s, W - PAD, s->phase == UI_PHASE_WARN ? H - WARN_H - 66 : H - 76 + 12, 1,
                      UI_STYLE_ON_NEUTRAL, 0);
}
