/*
 * View model helpers. ui_view_sanitize is the UI's own check that personal data
 * arrives masked: the card module masks, but a screen in a public hall is the last
 * place to catch a mistake, so a field that does not look masked is not shown.
 */
#include <string.h>

#include "common/idno.h"
#include "ui/view.h"
#include "utf8.h"

void ui_text_set(struct ui_text *t, const char *key, const char *zh, const char *en)
{
  if (!t)
    return;
  ui_utf8_copy(t->key, sizeof t->key, key);
  ui_utf8_copy(t->text[UI_LANG_ZH], sizeof t->text[UI_LANG_ZH], zh);
  ui_utf8_copy(t->text[UI_LANG_EN], sizeof t->text[UI_LANG_EN], en);
}

void ui_view_init(struct ui_view *view, enum ui_mode mode, enum ui_verdict verdict)
{
  if (!view)
    return;
  memset(view, 0, sizeof *view);
  view->mode = mode;
  view->verdict = verdict;
  view->cashier.fee_fen = -1;
}

void ui_view_add_reason(struct ui_view *view, const char *key, const char *zh,
                        const char *en)
{
  if (!view)
    return;
  if (view->nreasons >= UI_REASONS_MAX) {
    view->nreasons_more++;
    return;
  }
  ui_text_set(&view->reasons[view->nreasons++], key, zh, en);
}

static void terminate(char *s, size_t cap)
{
  s[cap - 1] = '\0';
  /* Also drop a character cut by the terminator or an invalid byte. */
  s[ui_utf8_clip(s, strlen(s))] = '\0';
}

static void text_terminate(struct ui_text *t)
{
  terminate(t->key, sizeof t->key);
  for (int l = 0; l < UI_LANG_COUNT; l++)
    terminate(t->text[l], sizeof t->text[l]);
}

/* A masked field has a '*'; an ID additionally shows at most 10 digits in clear. */
static int looks_masked(const char *s, int is_id)
{
  if (!s[0])
    return 1;
  if (!strchr(s, '*'))
    return 0;
  if (is_id) {
    size_t digits = 0;
    for (const char *p = s; *p; p++)
      if ((*p >= '0' && *p <= '9') || *p == 'X' || *p == 'x')
        digits++;
    if (digits > 10)
      return 0;
  }
  return 1;
}

static unsigned holder_sanitize(struct ui_holder *h)
{
  unsigned blanked = 0;
  terminate(h->name_masked, sizeof h->name_masked);
  terminate(h->id_masked, sizeof h->id_masked);
  terminate(h->card_no, sizeof h->card_no);
  text_terminate(&h->award);
  if (!looks_masked(h->name_masked, 0)) {
    memset(h->name_masked, 0, sizeof h->name_masked);
    blanked++;
  }
  if (!looks_masked(h->id_masked, 1)) {
    memset(h->id_masked, 0, sizeof h->id_masked);
    blanked++;
  }
  if (h->award_stars > 5)
    h->award_stars = 5;
  if (!h->photo || h->photo_len > UI_PHOTO_MAX) {
    h->photo = NULL;
    h->photo_len = 0;
  }
  return blanked;
}

unsigned ui_view_sanitize(struct ui_view *view)
{
  if (!view)
    return 0;
  if (view->nreasons > UI_REASONS_MAX)
    view->nreasons = UI_REASONS_MAX;
  for (size_t i = 0; i < view->nreasons; i++)
    text_terminate(&view->reasons[i]);
  if ((unsigned)view->verdict > UI_VERDICT_ERROR)
    view->verdict = UI_VERDICT_ERROR;
  if (view->mode < UI_MODE_GATE || view->mode > UI_MODE_STATION)
    view->mode = UI_MODE_GATE;
  terminate(view->cashier.bill_ref, sizeof view->cashier.bill_ref);
  if ((unsigned)view->cashier.visit > UI_VISIT_EMERGENCY)
    view->cashier.visit = UI_VISIT_NONE;
  if ((unsigned)view->cashier.credential > UI_CREDENTIAL_ID_MISMATCHED)
    view->cashier.credential = UI_CREDENTIAL_WAITING;
  return holder_sanitize(&view->holder);
}

unsigned ui_request_sanitize(struct ui_request *r)
{
  if (!r)
    return 0;
  unsigned changed = 0;
  terminate(r->bill_ref, sizeof r->bill_ref);
  /* an ID number must never reach a screen, whoever sent it */
  if (r->bill_ref[0] && common_id_shaped(r->bill_ref)) {
    memset(r->bill_ref, 0, sizeof r->bill_ref);
    changed++;
  }
  if ((unsigned)r->visit > UI_VISIT_EMERGENCY) {
    r->visit = UI_VISIT_NONE;
    changed++;
  }
  return changed;
}

unsigned ui_station_sanitize(struct ui_station *st)
{
  if (!st)
    return 0;
  if (st->ncols > UI_TABLE_COLS_MAX)
    st->ncols = UI_TABLE_COLS_MAX;
  if (st->nrows > UI_TABLE_ROWS_MAX)
    st->nrows = UI_TABLE_ROWS_MAX;
  if (st->nrows && st->selected >= st->nrows)
    st->selected = 0;
  text_terminate(&st->title);
  text_terminate(&st->note);
  for (size_t c = 0; c < UI_TABLE_COLS_MAX; c++)
    text_terminate(&st->heading[c]);
  for (size_t r = 0; r < UI_TABLE_ROWS_MAX; r++)
    for (size_t c = 0; c < UI_TABLE_COLS_MAX; c++)
      terminate(st->cell[r][c], sizeof st->cell[r][c]);
  if ((unsigned)st->action > UI_STATION_ACTION_REVOKE)
    st->action = UI_STATION_ACTION_ISSUE;
  return holder_sanitize(&st->holder);
}

/* ------------------------------------------------------------------ names -- */

const char *ui_mode_name(int mode)
{
  switch (mode) {
#define UI_X_MN(name, value, text)                                                       \
  case (value):                                                                          \
    return text;
    UI_MODE_MAP(UI_X_MN)
#undef UI_X_MN
  }
  return NULL;
}

const char *ui_verdict_name(int verdict)
{
  switch (verdict) {
#define UI_X_VN(name, value, text)                                                       \
  case (value):                                                                          \
    return text;
    UI_VERDICT_MAP(UI_X_VN)
#undef UI_X_VN
  }
  return NULL;
}

const char *ui_lang_tag(enum ui_lang lang)
{
  return lang == UI_LANG_EN ? "en" : "zh-CN";
}

int64_t ui_status_offline_days(const struct ui_status *st)
{
  if (!st || st->now <= 0 || st->last_sync <= 0 || st->now < st->last_sync)
    return 0;
  return (st->now - st->last_sync) / 86400;
}

const char *ui_doc_name(int doc)
{
  static const char *const names[] = {
#define UI_X_DN(name, text) text,
      UI_DOC_MAP(UI_X_DN)
#undef UI_X_DN
  };
  return doc >= 0 && doc < UI_DOC_COUNT ? names[doc] : NULL;
}
