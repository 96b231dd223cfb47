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

/* The visit kind's word (outpatient, inpatient, emergency), "" for none. */
static const char *visit_word(struct ui_painter *p, enum ui_visit v)
{
  switch (v) {
  case UI_VISIT_OUTPATIENT:
    return S(p, UI_K_CASHIER_OUTPATIENT);
  case UI_VISIT_INPATIENT:
    return S(p, UI_K_CASHIER_INPATIENT);
  case UI_VISIT_EMERGENCY:
    return S(p, UI_K_CASHIER_EMERGENCY);
  case UI_VISIT_NONE:
  default:
    return "";
  }
}

/* Cashier: the billing system's request waits for the card. What it is about on a
 * panel (bill, visit kind, the fee item and the tariff's amount), then the prompt for
 * the holder in large type, and for the cashier how to cancel it. */
void ui_paint_request(struct ui_painter *p, const struct ui_shot *s, int top)
{
  const struct ui_request *r = s->request;
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  int foot = H - 76;
  int mid = (top + foot) / 2;
  ui_paint_card_art(p, 290, mid, 360, 1);
  int x = 560, tw = W - PAD - x;
  int y = top + 24;
  SDL_Rect panel = {x, y, tw, 312};
  rrect(p, panel, 18, UI_COL_PANEL);
  int px = x + 28, pw = tw - 56, py = y + 20;
  char num[48], n[24];
  snprintf(n, sizeof n, "%u", r->id);
  const char *pairs[] = {"n", n, NULL};
  ui_format(num, sizeof num, S(p, UI_K_REQUEST_NUMBER), pairs);
  int nw = text(p, UI_STYLE_MUTED_ON_PANEL, 26, UI_W_REGULAR, px + pw, py + 4, UI_ALIGN_RIGHT, num);
  text_fit(p, UI_STYLE_ON_PANEL, 32, 22, UI_W_BOLD, px, py, pw - nw - 20, UI_ALIGN_LEFT,
           S(p, UI_K_REQUEST_TITLE));
  py += lh(p, 32, UI_W_BOLD) + 10;
  fill(p, (SDL_Rect){px, py, pw, 2}, UI_COL_LINE);
  py += 12;
  /* the bill number: the hospital's, not personal; up to 63 bytes shrink to fit */
  int lw = text(p, UI_STYLE_MUTED_ON_PANEL, 28, UI_W_REGULAR, px, py + 14, UI_ALIGN_LEFT,
                S(p, UI_K_CASHIER_BILL));
  text_fit(p, UI_STYLE_ON_PANEL, 52, 22, UI_W_BOLD, px + lw + 20, py, pw - lw - 20, UI_ALIGN_LEFT,
           r->bill_ref[0] ? r->bill_ref : S(p, UI_K_CASHIER_BILL_NONE));
  py += lh(p, 52, UI_W_BOLD) + 6;
  char line[256];
  const char *vw = visit_word(p, r->visit);
  snprintf(line, sizeof line, "%s %s  ·  %s %s", S(p, UI_K_CASHIER_VISIT), vw[0] ? vw : "-",
           S(p, UI_K_REQUEST_ITEM), S(p, UI_K_REQUEST_ITEM_CONSULTATION));
  text_fit(p, UI_STYLE_ON_PANEL, 32, 22, UI_W_REGULAR, px, py, pw, UI_ALIGN_LEFT, line);
  py += lh(p, 32, UI_W_REGULAR) + 10;
  {
    char yuan[32], amount[64];
    ui_paint_fmt_yuan(yuan, sizeof yuan, r->fee_fen);
    const char *ap[] = {"yuan", yuan, NULL};
    ui_format(amount, sizeof amount, S(p, UI_K_CASHIER_AMOUNT), ap);
    int aw = text(p, UI_STYLE_MUTED_ON_PANEL, 28, UI_W_REGULAR, px, py + 18, UI_ALIGN_LEFT,
                  S(p, UI_K_REQUEST_AMOUNT));
    if (r->fee_fen >= 0)
      text(p, UI_STYLE_GRANT_ON_PANEL, 52, UI_W_BOLD, px + aw + 20, py, UI_ALIGN_LEFT, amount);
    else
      text_fit(p, UI_STYLE_DENY_ON_PANEL, 32, 22, UI_W_BOLD, px + aw + 20, py + 14, pw - aw - 20,
               UI_ALIGN_LEFT, S(p, UI_K_REQUEST_NO_TARIFF));
  }
  y = panel.y + panel.h + 22;
  /* for the holder: present the card, in the idle prompt's large type */
  const char *prompt = S(p, UI_K_IDLE_PROMPT);
  size_t st0[4], ln0[4];
  int psize = 84;
  if (ui_text_break(p->text, prompt, psize, UI_W_BOLD, tw, 3, st0, ln0) > 1)
    psize = 56;
  size_t plines = ui_text_break(p->text, prompt, psize, UI_W_BOLD, tw, 2, st0, ln0);
  if (plines == 0)
    plines = 1;
  int ppitch = lh(p, psize, UI_W_BOLD) * 105 / 100;
  ui_text_draw_wrapped(p->text, prompt, psize, UI_W_BOLD, style_fg(UI_STYLE_ON_PAPER),
                       (SDL_Rect){x, y, tw, (int)plines * ppitch}, 105, UI_ALIGN_LEFT);
  y += (int)plines * ppitch + 8;
  const char *step = S(p, UI_K_REQUEST_STEP);
  int ssize = ui_text_break(p->text, step, 36, UI_W_REGULAR, tw, 3, st0, ln0) > 1 ? 30 : 36;
  wrapped(p, UI_STYLE_MUTED_ON_PAPER, ssize, UI_W_REGULAR, (SDL_Rect){x, y, tw, foot - y - 4},
          UI_ALIGN_LEFT, step);
  fill(p, (SDL_Rect){PAD, foot, W - 2 * PAD, 2}, UI_COL_LINE);
  int row = ui_paint_access_row(p, s, W - PAD, foot + 12, 1, UI_STYLE_ON_NEUTRAL, 0);
  text_fit(p, UI_STYLE_MUTED_ON_PAPER, 28, 18, UI_W_BOLD, PAD, foot + 18, W - 2 * PAD - row - 24,
           UI_ALIGN_LEFT, S(p, UI_K_REQUEST_CANCEL_HINT));
}

/* A short notice before idle (the billing system withdrew its request): what happened
 * and, when the strings have "<key>_hint", what to do now. */
void ui_paint_notice(struct ui_painter *p, const struct ui_shot *s, int top)
{
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  int cx = W / 2, cy = top + 160;
  badge(p, UI_ICON_BANG, cx, cy, 200, UI_COL_STAFF, UI_COL_STAFF_INK);
  const char *key = s->notice_key ? s->notice_key : ui_key_text(UI_K_REQUEST_WITHDRAWN);
  const char *what = ui_strings_get(p->strings[p->lang], key);
  int y = cy + 140;
  text_fit(p, UI_STYLE_ON_PAPER, 72, 40, UI_W_BOLD, cx, y, W - 2 * PAD, UI_ALIGN_CENTER,
           what ? what : key);
  y += lh(p, 72, UI_W_BOLD) + 16;
  char hk[UI_KEY_MAX + 8];
  snprintf(hk, sizeof hk, "%s_hint", key);
  const char *hint = ui_strings_get(p->strings[p->lang], hk);
  if (hint)
    wrapped(p, UI_STYLE_MUTED_ON_PAPER, 36, UI_W_REGULAR, (SDL_Rect){160, y, W - 320, 110},
            UI_ALIGN_CENTER, hint);
  ui_paint_access_row(p, s, W - PAD, H - 76 + 12, 1, UI_STYLE_ON_NEUTRAL, 0);
}
