/*
 * The painter (paint.h): fonts, both strings files and the photo cache, and the one
 * dispatch from a shot's screen to its room (paint_int.h lists them).
 */
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/datadir.h"
#include "paint_int.h"

/* The data directory does not move while the program runs: found once. */
static char strings_dir[COMMON_DATADIR_PATH_MAX];
static pthread_once_t strings_once = PTHREAD_ONCE_INIT;

static void find_strings_dir(void)
{
  if (common_datadir_path("strings", strings_dir, sizeof strings_dir) != COMMON_OK)
    snprintf(strings_dir, sizeof strings_dir, "strings");
}

const char *ui_strings_dir(const struct ui_config *cfg)
{
  if (cfg && cfg->strings_dir)
    return cfg->strings_dir;
  const char *env = getenv("YH_UI_STRINGS_DIR");
  if (env && env[0])
    return env;
  pthread_once(&strings_once, find_strings_dir);
  return strings_dir;
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
  rc = ui_textctx_create(r, cfg ? cfg->font_regular : NULL, cfg ? cfg->font_bold : NULL, &p->text);
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

const struct ui_strings *ui_painter_strings(const struct ui_painter *p, enum ui_lang lang)
{
  return p ? p->strings[lang == UI_LANG_EN] : NULL;
}

static const struct ui_status empty_status;

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
  if ((screen == UI_SCREEN_VERDICT || screen == UI_SCREEN_HOLDER_CHECK ||
       screen == UI_SCREEN_CASHIER || screen == UI_SCREEN_BUS) &&
      !s->view)
    screen = UI_SCREEN_IDLE;
  if (screen >= UI_SCREEN_STATION_LIST && screen <= UI_SCREEN_STATION_CONFIRM && !s->station)
    screen = UI_SCREEN_IDLE;
  if (screen == UI_SCREEN_REQUEST && !s->request)
    screen = UI_SCREEN_IDLE;
  switch (screen) {
  case UI_SCREEN_VERDICT:
    ui_paint_verdict(p, s, st);
    return UI_OK;
  case UI_SCREEN_BUS:
    ui_paint_bus(p, s, st);
    return UI_OK;
  case UI_SCREEN_PIN:
    ui_paint_pin(p, s);
    return UI_OK;
  default:
    break;
  }
  ui_paint_header(p, s, st);
  int public_screen = screen == UI_SCREEN_IDLE || screen == UI_SCREEN_READING ||
                      screen == UI_SCREEN_PLACE_AGAIN || screen == UI_SCREEN_REQUEST ||
                      screen == UI_SCREEN_NOTICE;
  int top = ui_paint_banners(p, st, HEADER_H, public_screen);
  if (screen == UI_SCREEN_HOLDER_CHECK || screen == UI_SCREEN_CASHIER || screen == UI_SCREEN_STAFF_MENU)
    top = ui_paint_status_line(p, st, top); /* staff screens: who acts, the terminal's state */
  switch (screen) {
  case UI_SCREEN_READING:
    ui_paint_reading(p, s, top);
    break;
  case UI_SCREEN_PLACE_AGAIN:
    ui_paint_place_again(p, s, top);
    break;
  case UI_SCREEN_HOLDER_CHECK:
    ui_paint_holder_check(p, s, top);
    break;
  case UI_SCREEN_CASHIER:
    ui_paint_cashier(p, s, top);
    break;
  case UI_SCREEN_STAFF_MENU:
    ui_paint_staff_menu(p, s, st, top);
    break;
  case UI_SCREEN_STATION_LIST:
    ui_paint_station_list(p, s, top);
    break;
  case UI_SCREEN_STATION_SUMMARY:
    ui_paint_station_summary(p, s, top);
    break;
  case UI_SCREEN_STATION_CONFIRM:
    ui_paint_station_confirm(p, s, top);
    break;
  case UI_SCREEN_REQUEST:
    ui_paint_request(p, s, top);
    break;
  case UI_SCREEN_NOTICE:
    ui_paint_notice(p, s, top);
    break;
  case UI_SCREEN_IDLE:
  default:
    ui_paint_idle(p, s, top);
    break;
  }
  if (s->phase == UI_PHASE_WARN && (screen == UI_SCREEN_READING || screen == UI_SCREEN_PLACE_AGAIN))
    ui_paint_warn_strip(p, s, s->warn_ms);
  return UI_OK;
}
