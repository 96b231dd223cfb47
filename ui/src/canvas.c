/*
 * Headless rendering (ui/canvas.h): a software renderer on a surface, no window and no
 * video driver, drawing through the same painter as the kiosk window. Screenshots for the
 * demo and the reference images of the tests come from here.
 */
#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paint.h"
#include "ui/canvas.h"

struct ui_canvas {
  SDL_Surface *target;
  SDL_Renderer *r;
  struct ui_painter *p;
  uint64_t last_draw_ns;
};

int ui_canvas_create(const struct ui_config *cfg, struct ui_canvas **out)
{
  if (!out)
    return UI_E_INVALID_ARG;
  *out = NULL;
  struct ui_config defaults;
  if (!cfg) {
    ui_config_init(&defaults);
    cfg = &defaults;
  }
  int w = cfg->width > 0 ? cfg->width : UI_LOGICAL_W;
  int h = cfg->height > 0 ? cfg->height : UI_LOGICAL_H;
  struct ui_canvas *c = calloc(1, sizeof *c);
  if (!c)
    return UI_E_NO_MEMORY;
  int rc = UI_E_SDL;
  c->target = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
  if (!c->target)
    goto out_free;
  c->r = SDL_CreateSoftwareRenderer(c->target);
  if (!c->r)
    goto out_free;
  SDL_RenderSetLogicalSize(c->r, UI_LOGICAL_W, UI_LOGICAL_H);
  char diag[512];
  rc = ui_painter_create(c->r, cfg, &c->p, diag, sizeof diag);
  if (rc != UI_OK) {
    fprintf(stderr, "ui: %s\n", diag);
    goto out_free;
  }
  *out = c;
  return UI_OK;

out_free:
  ui_canvas_destroy(c);
  return rc;
}

int ui_canvas_has_target(const struct ui_canvas *c, const char *name)
{
  static const char *const names[UI_HIT_COUNT] = {
#define UI_X_HITN(n) #n,
      UI_HIT_MAP(UI_X_HITN)
#undef UI_X_HITN
  };
  if (!c || !name)
    return 0;
  const struct ui_hit *hits;
  size_t n = ui_painter_hits(c->p, &hits);
  for (size_t i = 0; i < n; i++)
    if ((unsigned)hits[i].kind < UI_HIT_COUNT && strcmp(names[hits[i].kind], name) == 0)
      return 1;
  return 0;
}

void ui_canvas_destroy(struct ui_canvas *c)
{
  if (!c)
    return;
  ui_painter_destroy(c->p);
  if (c->r)
    SDL_DestroyRenderer(c->r);
  if (c->target)
    SDL_FreeSurface(c->target);
  free(c);
}

int ui_canvas_render(struct ui_canvas *c, const struct ui_shot *shot, SDL_Surface **out)
{
  if (!c || !shot || !out)
    return UI_E_INVALID_ARG;
  *out = NULL;
  /* draw sanitised copies: a screenshot shows masked data only, like the screen */
  struct ui_shot s = *shot;
  struct ui_view *v = NULL;
  struct ui_station *st = NULL;
  if (shot->view && (v = malloc(sizeof *v)) != NULL) {
    *v = *shot->view;
    if (ui_view_sanitize(v))
      fprintf(stderr, "ui: canvas: personal data not masked, not drawn\n");
    s.view = v;
  }
  if (shot->station && (st = malloc(sizeof *st)) != NULL) {
    *st = *shot->station;
    ui_station_sanitize(st);
    s.station = st;
  }
  uint64_t t0 = ui_monotonic_ns();
  SDL_SetRenderDrawColor(c->r, 0, 0, 0, 255);
  SDL_RenderClear(c->r);
  int rc = ui_painter_draw(c->p, &s);
  free(v);
  free(st);
  SDL_RenderPresent(c->r);
  c->last_draw_ns = ui_monotonic_ns() - t0;
  if (rc != UI_OK)
    return rc;
  *out = SDL_ConvertSurfaceFormat(c->target, SDL_PIXELFORMAT_RGB24, 0);
  return *out ? UI_OK : UI_E_SDL;
}

uint64_t ui_canvas_last_draw_ns(const struct ui_canvas *c)
{
  return c ? c->last_draw_ns : 0;
}

int ui_canvas_save_png(struct ui_canvas *c, const struct ui_shot *shot, const char *path)
{
  SDL_Surface *s = NULL;
  if (!path)
    return UI_E_INVALID_ARG;
  int rc = ui_canvas_render(c, shot, &s);
  if (rc != UI_OK)
    return rc;
  rc = IMG_SavePNG(s, path) == 0 ? UI_OK : UI_E_IMAGE;
  SDL_FreeSurface(s);
  return rc;
}

int ui_render_to_png(const struct ui_config *cfg, const struct ui_shot *shot, const char *path)
{
  struct ui_canvas *c = NULL;
  int rc = ui_canvas_create(cfg, &c);
  if (rc != UI_OK)
    return rc;
  rc = ui_canvas_save_png(c, shot, path);
  ui_canvas_destroy(c);
  return rc;
}

void ui_shot_for_view(struct ui_shot *shot, const struct ui_view *view,
                      const struct ui_status *status, enum ui_lang lang)
{
  if (!shot)
    return;
  memset(shot, 0, sizeof *shot);
  shot->lang = lang;
  shot->status = status;
  shot->view = view;
  if (view) {
    shot->mode = view->mode;
    shot->screen = ui_fsm_screen_for_view(view->mode, view->verdict, view->needs);
  }
}

int ui_render_view_to_png(const struct ui_view *view, const struct ui_status *status,
                          const char *path)
{
  if (!view || !path)
    return UI_E_INVALID_ARG;
  struct ui_shot shot;
  ui_shot_for_view(&shot, view, status, UI_LANG_ZH);
  shot.remaining_ms = 10000;
  return ui_render_to_png(NULL, &shot, path);
}
