/* The staff's checks (paint_int.h): the holder check (photo against the ID card) and
 * the cashier's screen (credential, visit, bill, fee). */
#include <stdio.h>

#include "paint_int.h"

void ui_paint_holder_check(struct ui_painter *p, const struct ui_shot *s, int top)
{
  const struct ui_view *v = s->view;
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  /* sized so that the holder's fields fit under the header, the staff status line and
   * the band, above the buttons */
  int y = ui_paint_band(p, top, 110, UI_STYLE_ON_STAFF, UI_ICON_PERSON, S(p, UI_K_HOLDER_TITLE),
               S(p, UI_K_HOLDER_HINT));
  int bh = 84;
  int buttons_y = (s->phase == UI_PHASE_WARN ? H - WARN_H : H) - 16 - bh;
  int ph = buttons_y - 20 - (y + 20);
  if (ph > 400)
    ph = 400;
  int pw = ph * 3 / 4;
  SDL_Rect ph_r = {PAD + 10, y + 20, pw, ph};
  ui_paint_photo(p, &v->holder, ph_r);
  int px = ph_r.x + pw + 40;
  SDL_Rect panel = {px, y + 14, W - PAD - px, buttons_y - 14 - (y + 14)};
  rrect(p, panel, 18, UI_COL_PANEL);
  ui_paint_holder_fields(p, &v->holder, panel.x + 32, panel.y + 10, 470, 1);
  if (v->nreasons)
    ui_paint_notes(p, v, (SDL_Rect){panel.x + 530, panel.y + 24, panel.w - 530 - 24, panel.h - 48}, 26);
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
  ui_paint_button(p, (SDL_Rect){bx, buttons_y, bw, bh}, UI_STYLE_ON_GRANT, UI_ICON_CHECK, 1, ok,
         S(p, UI_K_KEY_ENTER), okk, 0);
  bx += bw + 24;
  ui_paint_button(p, (SDL_Rect){bx, buttons_y, bw, bh}, UI_STYLE_ON_DENY, UI_ICON_CROSS, 1,
         S(p, UI_K_HOLDER_REFUSE), S(p, UI_K_KEY_ESC), UI_HIT_REFUSE, 0);
  bx += bw + 24;
  if (nb == 3)
    ui_paint_button(p, (SDL_Rect){bx, buttons_y, bw, bh}, UI_STYLE_ON_NEUTRAL, UI_ICON_BANG, 1,
           S(p, UI_K_HOLDER_OVERRIDE), "F9", UI_HIT_OVERRIDE, 0);
  if (s->phase == UI_PHASE_WARN)
    ui_paint_warn_strip(p, s, s->warn_ms);
}

void ui_paint_cashier(struct ui_painter *p, const struct ui_shot *s, int top)
{
  const struct ui_view *v = s->view;
  const struct ui_cashier *c = &v->cashier;
  fill(p, (SDL_Rect){0, top, W, H - top}, UI_COL_PAPER);
  int y;
  if (v->needs & UI_NEED_CREDENTIAL)
    y = ui_paint_band(p, top, 84, UI_STYLE_ON_STAFF, UI_ICON_BANG, S(p, UI_K_CASHIER_SSC_PROMPT), NULL);
  else
    y = ui_paint_band(p, top, 84, UI_STYLE_ON_FOCUS, UI_ICON_CHECK, S(p, UI_K_CASHIER_TITLE), NULL);
  int bottom = (s->phase == UI_PHASE_WARN ? H - WARN_H : H) - 24;
  /* left: the holder */
  SDL_Rect left = {PAD, y + 24, 540, bottom - (y + 24)};
  rrect(p, left, 18, UI_COL_PANEL);
  SDL_Rect ph = {left.x + 30, left.y + 30, 150, 200};
  ui_paint_photo(p, &v->holder, ph);
  int fx = ph.x + ph.w + 30, fw = left.x + left.w - 24 - fx;
  int fy = ui_paint_field(p, fx, left.y + 20, fw, UI_K_HOLDER_NAME, v->holder.name_masked, 48);
  ui_paint_field(p, fx, fy, fw, UI_K_HOLDER_ID, v->holder.id_masked, 30);
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
    ui_paint_stars(p, v->holder.award_stars, lx + tw2 + 12, ay - 2 + lh(p, 28, UI_W_BOLD) / 2, 28, UI_COL_GOLD);
  }
  ay += lh(p, 28, UI_W_BOLD) + 4;
  text(p, UI_STYLE_MUTED_ON_PANEL, 26, UI_W_REGULAR, ax, ay, UI_ALIGN_LEFT, S(p, UI_K_HOLDER_CARD_NO));
  text_fit(p, UI_STYLE_ON_PANEL, 28, 20, UI_W_BOLD, ax + labw, ay - 2, aw - labw, UI_ALIGN_LEFT,
           v->holder.card_no[0] ? v->holder.card_no : "—");
  ay += lh(p, 28, UI_W_BOLD) + 14;
  if (v->nreasons)
    ui_paint_notes(p, v, (SDL_Rect){ax, ay, aw, left.y + left.h - ay - 16}, 26);
  /* right: credential, visit, bill, fee */
  SDL_Rect right = {left.x + left.w + 28, y + 24, W - PAD - (left.x + left.w + 28), left.h};
  rrect(p, right, 18, UI_COL_PANEL);
  int x = right.x + 28, ry = right.y + 14, rw = right.w - 56;
  const char *msg = s->cashier_message_key ? ui_strings_get(p->strings[p->lang], s->cashier_message_key)
                                           : NULL;
  int id_msg = msg && s->id_active;
  if (s->id_active) {
    /* the ID number field: only its mask is ever drawn (ui_shot.id_input) */
    int lw = text(p, UI_STYLE_MUTED_ON_PANEL, 26, UI_W_REGULAR, x, ry, UI_ALIGN_LEFT, S(p, UI_K_CASHIER_ID_LABEL));
    text_fit(p, id_msg ? UI_STYLE_DENY_ON_PANEL : UI_STYLE_MUTED_ON_PANEL, 24, 18,
             id_msg ? UI_W_BOLD : UI_W_REGULAR, x + rw, ry + 2, rw - lw - 16, UI_ALIGN_RIGHT,
             id_msg ? msg : S(p, UI_K_CASHIER_ID_HINT));
    ry += lh(p, 26, UI_W_REGULAR);
    SDL_Rect r = {x, ry + 3, rw, 64};
    ui_gfx_round_frame(p->gfx, r, 12, 4, rgb(id_msg ? UI_COL_DENY : UI_COL_FOCUS), rgb(UI_COL_PANEL));
    int tw = s->id_input && s->id_input[0]
                 ? text_mid(p, UI_STYLE_ON_PANEL, 34, UI_W_BOLD, r.x + 20, r.y + 32, UI_ALIGN_LEFT, s->id_input)
                 : 0;
    fill(p, (SDL_Rect){r.x + 22 + tw, r.y + 14, 3, 36}, UI_COL_INK);
    hit(p, r, UI_HIT_ID, 0);
    ry += 70;
  } else {
    int lw = text(p, UI_STYLE_MUTED_ON_PANEL, 26, UI_W_REGULAR, x, ry, UI_ALIGN_LEFT, S(p, UI_K_CASHIER_CREDENTIAL));
    if (v->needs & UI_NEED_CREDENTIAL) {
      SDL_Rect hr = {x + lw + 16, ry - 4, rw - lw - 16, lh(p, 26, UI_W_REGULAR) + 8};
      text_fit(p, UI_STYLE_MUTED_ON_PANEL, 24, 18, UI_W_REGULAR, x + rw, ry + 2, hr.w, UI_ALIGN_RIGHT,
               S(p, UI_K_CASHIER_ID_KEY_HINT));
      hit(p, hr, UI_HIT_ID, 0);
    }
    ry += lh(p, 26, UI_W_REGULAR);
  }
  if (!s->id_active) {
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
  text(p, UI_STYLE_MUTED_ON_PANEL, 24, UI_W_REGULAR, x + rw, ry + 2, UI_ALIGN_RIGHT, S(p, UI_K_CASHIER_VISIT_HINT));
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
    ry += 70 + 12;
  }
  text(p, UI_STYLE_MUTED_ON_PANEL, 26, UI_W_REGULAR, x, ry, UI_ALIGN_LEFT, S(p, UI_K_CASHIER_BILL));
  ry += lh(p, 26, UI_W_REGULAR);
  {
    SDL_Rect r = {x, ry, rw, 64};
    int active = (v->needs & UI_NEED_BILL) != 0 && !s->id_active;
    ui_gfx_round_frame(p->gfx, r, 12, active ? 4 : 2, rgb(active ? UI_COL_FOCUS : UI_COL_LINE),
                       rgb(UI_COL_PANEL));
    const char *val = s->bill_input && s->bill_input[0] ? s->bill_input
                      : c->bill_ref[0]                  ? c->bill_ref
                                                        : NULL;
    if (val) {
      /* up to 63 bytes: a long number shrinks to fit the box rather than leave it */
      int mw = r.w - 50;
      int size = text_fit(p, UI_STYLE_ON_PANEL, 34, 18, UI_W_BOLD, r.x + 20, r.y + 32 - lh(p, 34, UI_W_BOLD) / 2,
                          mw, UI_ALIGN_LEFT, val);
      int tw = text_w(p, size, UI_W_BOLD, val);
      if (tw > mw)
        tw = mw;
      if (active)
        fill(p, (SDL_Rect){r.x + 24 + tw, r.y + 14, 3, 36}, UI_COL_INK);
    } else {
      text_mid(p, UI_STYLE_MUTED_ON_PANEL, 30, UI_W_REGULAR, r.x + 20, r.y + 32, UI_ALIGN_LEFT,
               S(p, UI_K_CASHIER_BILL_NONE));
    }
    hit(p, r, UI_HIT_BILL_OK, 0);
    ry += 64 + 4;
    if (msg && !id_msg)
      text_fit(p, UI_STYLE_DENY_ON_PANEL, 24, 18, UI_W_BOLD, x, ry, rw, UI_ALIGN_LEFT, msg);
    else if (active)
      text(p, UI_STYLE_MUTED_ON_PANEL, 24, UI_W_REGULAR, x, ry, UI_ALIGN_LEFT, S(p, UI_K_CASHIER_BILL_HINT));
    ry += lh(p, 24, UI_W_REGULAR) + 6;
  }
  fill(p, (SDL_Rect){x, ry, rw, 2}, UI_COL_LINE);
  ry += 12;
  {
    char yuan[32], amount[64];
    ui_paint_fmt_yuan(yuan, sizeof yuan, c->fee_fen);
    const char *pairs[] = {"yuan", yuan, NULL};
    ui_format(amount, sizeof amount, S(p, UI_K_CASHIER_AMOUNT), pairs);
    int lw = text(p, UI_STYLE_MUTED_ON_PANEL, 30, UI_W_REGULAR, x, ry + 18, UI_ALIGN_LEFT, S(p, UI_K_CASHIER_FEE));
    text(p, UI_STYLE_GRANT_ON_PANEL, 56, UI_W_BOLD, x + lw + 20, ry, UI_ALIGN_LEFT,
         c->fee_fen >= 0 ? amount : S(p, UI_K_CASHIER_FEE_UNKNOWN));
  }
  if (s->phase == UI_PHASE_WARN)
    ui_paint_warn_strip(p, s, s->warn_ms);
}
