/* The verdict screens (paint_int.h): one colour, one symbol and one headline per
 * verdict, then who, what was waived, and why; the bus screen is the same in large. */
#include <stdio.h>

#include "paint_int.h"

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

/* The first reason meant for the public (the one the bus shows and the speech says). */
static const struct ui_text *public_reason(const struct ui_view *v)
{
  for (size_t i = 0; i < v->nreasons && i < UI_REASONS_MAX; i++)
    if (!(v->reason_staff & (1u << i)))
      return &v->reasons[i];
  return NULL;
}

/* Reasons as a bulleted list in box; returns the y below. */
static int reasons(struct ui_painter *p, const struct ui_view *v, enum ui_style st, SDL_Rect box,
                   int size)
{
  int y = box.y;
  enum ui_colour fg = ui_style_fg(st);
  for (size_t i = 0; i < v->nreasons && y < box.y + box.h; i++) {
    if (v->reason_staff & (1u << i))
      continue; /* staff talk: on the staff screens, not in front of the public */
    int lhh = lh(p, size, UI_W_REGULAR);
    icon(p, UI_ICON_DISC, box.x + 8, y + lhh / 2, 14, fg);
    char buf[UI_TEXT_MAX];
    int used = wrapped(p, st, size, UI_W_REGULAR,
                       (SDL_Rect){box.x + 32, y, box.w - 32, box.y + box.h - y}, UI_ALIGN_LEFT,
                       ui_paint_reason_text(p, &v->reasons[i], buf, sizeof buf));
    y += used + 10;
  }
  if (v->nreasons_more && y < box.y + box.h) {
    char buf[128];
    ui_paint_fmt_key_n(p, buf, sizeof buf, UI_K_VERDICT_MORE, v->nreasons_more);
    text(p, st, size - 4, UI_W_REGULAR, box.x + 32, y, UI_ALIGN_LEFT, buf);
    y += lh(p, size - 4, UI_W_REGULAR);
  }
  return y;
}

/* Countdown in the corner while showing; the warning strip while warning. */
static void countdown(struct ui_painter *p, const struct ui_shot *s, enum ui_style st)
{
  if (s->phase == UI_PHASE_WARN) {
    ui_paint_warn_strip(p, s, s->warn_ms);
    return;
  }
  if (s->remaining_ms == 0)
    return;
  char buf[96];
  ui_paint_fmt_key_n(p, buf, sizeof buf, UI_K_VERDICT_COUNTDOWN, (uint64_t)ui_paint_seconds_left(s->remaining_ms));
  text(p, st, 26, UI_W_REGULAR, W - PAD, H - 56, UI_ALIGN_RIGHT, buf);
}

void ui_paint_verdict(struct ui_painter *p, const struct ui_shot *s, const struct ui_status *st)
{
  const struct ui_view *v = s->view;
  struct verdict_look lk = look_of(v->verdict);
  fill(p, (SDL_Rect){0, 0, W, H}, lk.bg);
  int top = ui_paint_banners(p, st, 0, 1);
  /* context line: who is speaking */
  text(p, lk.style, 26, UI_W_REGULAR, PAD, top + 22, UI_ALIGN_LEFT, S(p, UI_K_APP_TITLE));
  if (st->site[0])
    text_fit(p, lk.style, 26, 20, UI_W_REGULAR, W - PAD, top + 22, 560, UI_ALIGN_RIGHT, site_name(p, st));
  int icx = 250, icy = top + (H - top) / 2 - 20;
  if (icy > 420)
    icy = 420;
  badge(p, lk.sym, icx, icy, 300, lk.disc, lk.mark);
  int x = 470, w = W - PAD - x;
  int y = top + 110;
  text_fit(p, lk.style, 100, 56, UI_W_BOLD, x, y, w, UI_ALIGN_LEFT, S(p, ui_key_headline(v->mode, v->verdict)));
  y += lh(p, 100, UI_W_BOLD) + 2;
  text_fit(p, lk.style, 40, 28, UI_W_REGULAR, x, y, w, UI_ALIGN_LEFT, S(p, ui_key_verdict_sub(v->verdict)));
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
    ui_paint_stars(p, v->holder.award_stars, x + (ww < w - sw ? ww : w - sw) + 16,
          y + lh(p, 36, UI_W_BOLD) / 2, 34, lk.disc);
    y += lh(p, 36, UI_W_BOLD) + 12;
  }
  fill(p, (SDL_Rect){x, y, w, 3}, ui_style_fg(lk.style));
  y += 24;
  if (v->mode == UI_MODE_CASHIER && v->verdict == UI_VERDICT_GRANT) {
    /* 门诊 · 票据号 123 / 免除诊查费 ¥15.00 */
    char line[256], yuan[32], amount[64];
    const char *visit = v->cashier.visit == UI_VISIT_INPATIENT    ? S(p, UI_K_CASHIER_INPATIENT)
                        : v->cashier.visit == UI_VISIT_OUTPATIENT ? S(p, UI_K_CASHIER_OUTPATIENT)
                        : v->cashier.visit == UI_VISIT_EMERGENCY  ? S(p, UI_K_CASHIER_EMERGENCY)
                                                                  : "";
    snprintf(line, sizeof line, "%s%s%s %s", visit, visit[0] ? " · " : "", S(p, UI_K_CASHIER_BILL),
             v->cashier.bill_ref[0] ? v->cashier.bill_ref : S(p, UI_K_CASHIER_BILL_NONE));
    text_fit(p, lk.style, 34, 24, UI_W_REGULAR, x, y, w, UI_ALIGN_LEFT, line);
    y += lh(p, 34, UI_W_REGULAR) + 4;
    ui_paint_fmt_yuan(yuan, sizeof yuan, v->cashier.fee_fen);
    const char *pairs[] = {"yuan", yuan, NULL};
    ui_format(amount, sizeof amount, S(p, UI_K_CASHIER_AMOUNT), pairs);
    int lw = text(p, lk.style, 36, UI_W_REGULAR, x, y + 16, UI_ALIGN_LEFT, S(p, UI_K_CASHIER_FEE));
    text(p, lk.style, 64, UI_W_BOLD, x + lw + 20, y - 4, UI_ALIGN_LEFT,
         v->cashier.fee_fen >= 0 ? amount : S(p, UI_K_CASHIER_FEE_UNKNOWN));
    y += lh(p, 64, UI_W_BOLD) + 8;
  }
  if (v->mode == UI_MODE_CASHIER && v->cashier.waiver_id &&
      (v->verdict == UI_VERDICT_GRANT || v->verdict == UI_VERDICT_DENY)) {
    /* the billing system's request: the record the HIS gets back, for the cashier to
     * find it again (the journal's sequence number) */
    char n[24], wid[96];
    snprintf(n, sizeof n, "%llu", (unsigned long long)v->cashier.waiver_id);
    const char *pairs[] = {"n", n, NULL};
    ui_format(wid, sizeof wid, S(p, UI_K_VERDICT_WAIVER_ID), pairs);
    text_fit(p, lk.style, 32, 24, UI_W_BOLD, x, y, w, UI_ALIGN_LEFT, wid);
    y += lh(p, 32, UI_W_BOLD) + 8;
  }
  if (v->flags & UI_VIEW_OVERRIDE_USED) {
    text_fit(p, lk.style, 32, 24, UI_W_BOLD, x, y, w, UI_ALIGN_LEFT, S(p, UI_K_VERDICT_OVERRIDE));
    y += lh(p, 32, UI_W_BOLD) + 8;
  }
  int bottom = s->phase == UI_PHASE_WARN ? H - WARN_H - 80 : H - 80;
  reasons(p, v, lk.style, (SDL_Rect){x, y, w, bottom - y}, 34);
  /* outlined in the verdict's own colours; above the warning strip while it shows */
  ui_paint_access_row(p, s, PAD, s->phase == UI_PHASE_WARN ? H - WARN_H - 66 : H - 76, 0, lk.style, 1);
  countdown(p, s, lk.style);
}

void ui_paint_bus(struct ui_painter *p, const struct ui_shot *s, const struct ui_status *st)
{
  const struct ui_view *v = s->view;
  struct verdict_look lk = look_of(v->verdict);
  fill(p, (SDL_Rect){0, 0, W, H}, lk.bg);
  int top = ui_paint_banners(p, st, 0, 1);
  int cy = top + (H - top) / 2;
  badge(p, lk.sym, W / 2, cy - 130, 340, lk.disc, lk.mark);
  text_fit(p, lk.style, 140, 72, UI_W_BOLD, W / 2, cy + 60, W - 2 * PAD, UI_ALIGN_CENTER,
           S(p, ui_key_headline(UI_MODE_BUS, v->verdict)));
  const struct ui_text *r = v->verdict == UI_VERDICT_GRANT ? NULL : public_reason(v);
  if (r) {
    char buf[UI_TEXT_MAX];
    text_fit(p, lk.style, 40, 24, UI_W_REGULAR, W / 2, cy + 230, W - 2 * PAD, UI_ALIGN_CENTER,
             ui_paint_reason_text(p, r, buf, sizeof buf));
  }
  /* no keyboard on a validator: the language and the speech are touch targets */
  ui_paint_access_row(p, s, PAD, s->phase == UI_PHASE_WARN ? H - WARN_H - 66 : H - 76, 0, lk.style, 1);
  countdown(p, s, lk.style);
}
