/*
 * Shapes and icons from signed distance functions (draw.h). Distances are in units of
 * the icon's size (0..1, y down); coverage = clamp(0.5 - d * size, 0, 1) gives one
 * pixel of anti-aliasing at any size without supersampling.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "ui/core.h"

#define GFX_CACHE_MAX 96u

struct gfx_entry {
  enum ui_icon icon;
  int size;
  SDL_Texture *tex;
  int w, h;
};

struct ui_gfx {
  SDL_Renderer *r;
  struct gfx_entry e[GFX_CACHE_MAX];
  size_t n;
};

int ui_gfx_create(SDL_Renderer *r, struct ui_gfx **out)
{
  if (!out || !r)
    return UI_E_INVALID_ARG;
  *out = calloc(1, sizeof **out);
  if (!*out)
    return UI_E_NO_MEMORY;
  (*out)->r = r;
  return UI_OK;
}

void ui_gfx_destroy(struct ui_gfx *g)
{
  if (!g)
    return;
  for (size_t i = 0; i < g->n; i++)
    SDL_DestroyTexture(g->e[i].tex);
  free(g);
}

/* ------------------------------------------------------------ distance functions -- */

static float clampf(float v, float lo, float hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

static float minf(float a, float b)
{
  return a < b ? a : b;
}

static float maxf(float a, float b)
{
  return a > b ? a : b;
}

static float sd_circle(float x, float y, float cx, float cy, float r)
{
  return hypotf(x - cx, y - cy) - r;
}

static float sd_segment(float x, float y, float ax, float ay, float bx, float by, float r)
{
  float px = x - ax, py = y - ay, ex = bx - ax, ey = by - ay;
  float h = clampf((px * ex + py * ey) / (ex * ex + ey * ey), 0.0f, 1.0f);
  return hypotf(px - ex * h, py - ey * h) - r;
}

static float sd_box(float x, float y, float cx, float cy, float hx, float hy, float r)
{
  float qx = fabsf(x - cx) - hx + r, qy = fabsf(y - cy) - hy + r;
  return hypotf(maxf(qx, 0.0f), maxf(qy, 0.0f)) + minf(maxf(qx, qy), 0.0f) - r;
}

/* Inigo Quilez's five-pointed star, point up (his y is up, ours down). */
static float sd_star5(float x, float y, float cx, float cy, float r, float rf)
{
  const float k1x = 0.809016994375f, k1y = -0.587785252292f;
  const float k2x = -k1x, k2y = k1y;
  float px = fabsf(x - cx), py = -(y - cy);
  float d1 = maxf(k1x * px + k1y * py, 0.0f);
  px -= 2.0f * d1 * k1x;
  py -= 2.0f * d1 * k1y;
  float d2 = maxf(k2x * px + k2y * py, 0.0f);
  px -= 2.0f * d2 * k2x;
  py -= 2.0f * d2 * k2y;
  px = fabsf(px);
  py -= r;
  float bax = rf * -k1y, bay = rf * k1x - 1.0f;
  float h = clampf((px * bax + py * bay) / (bax * bax + bay * bay), 0.0f, r);
  float s = py * bax - px * bay;
  return hypotf(px - bax * h, py - bay * h) * (s > 0.0f ? 1.0f : -1.0f);
}

/* Triangle (Quilez), any winding. */
static float sd_triangle(float x, float y, const float p[6])
{
  float e0x = p[2] - p[0], e0y = p[3] - p[1];
  float e1x = p[4] - p[2], e1y = p[5] - p[3];
  float e2x = p[0] - p[4], e2y = p[1] - p[5];
  float v0x = x - p[0], v0y = y - p[1];
  float v1x = x - p[2], v1y = y - p[3];
  float v2x = x - p[4], v2y = y - p[5];
  float h0 = clampf((v0x * e0x + v0y * e0y) / (e0x * e0x + e0y * e0y), 0.0f, 1.0f);
  float h1 = clampf((v1x * e1x + v1y * e1y) / (e1x * e1x + e1y * e1y), 0.0f, 1.0f);
  float h2 = clampf((v2x * e2x + v2y * e2y) / (e2x * e2x + e2y * e2y), 0.0f, 1.0f);
  float q0x = v0x - e0x * h0, q0y = v0y - e0y * h0;
  float q1x = v1x - e1x * h1, q1y = v1y - e1y * h1;
  float q2x = v2x - e2x * h2, q2y = v2y - e2y * h2;
  float s = (e0x * e2y - e0y * e2x) > 0.0f ? 1.0f : -1.0f;
  float dx = minf(minf(q0x * q0x + q0y * q0y, q1x * q1x + q1y * q1y), q2x * q2x + q2y * q2y);
  float dy = minf(minf(s * (v0x * e0y - v0y * e0x), s * (v1x * e1y - v1y * e1x)),
                  s * (v2x * e2y - v2y * e2x));
  return -sqrtf(dx) * (dy > 0.0f ? 1.0f : -1.0f);
}

/* Quilez's uneven capsule: circle r1 at the origin, r2 at height h (y up). */
static float sd_uneven_capsule(float px, float py, float r1, float r2, float h)
{
  px = fabsf(px);
  float b = (r1 - r2) / h, a = sqrtf(1.0f - b * b);
  float k = -b * px + a * py;
  if (k < 0.0f)
    return hypotf(px, py) - r1;
  if (k > a * h)
    return hypotf(px, py - h) - r2;
  return a * px + b * py - r1;
}

static float sd_bang(float x, float y, float top, float bottom, float dot, float r)
{
  return minf(sd_segment(x, y, 0.5f, top, 0.5f, bottom, r), sd_circle(x, y, 0.5f, dot, r * 1.08f));
}

/* The icon's distance at (x, y), units of width; aspect = height / width. */
static float icon_sd(enum ui_icon icon, float x, float y)
{
  switch (icon) {
  case UI_ICON_DISC:
    return sd_circle(x, y, 0.5f, 0.5f, 0.5f);
  case UI_ICON_RING:
    return fabsf(sd_circle(x, y, 0.5f, 0.5f, 0.46f)) - 0.04f;
  case UI_ICON_CHECK:
    return minf(sd_segment(x, y, 0.27f, 0.53f, 0.435f, 0.69f, 0.068f),
                sd_segment(x, y, 0.435f, 0.69f, 0.745f, 0.335f, 0.068f));
  case UI_ICON_CROSS:
    return minf(sd_segment(x, y, 0.325f, 0.325f, 0.675f, 0.675f, 0.066f),
                sd_segment(x, y, 0.675f, 0.325f, 0.325f, 0.675f, 0.066f));
  case UI_ICON_BANG:
    return sd_bang(x, y, 0.25f, 0.56f, 0.74f, 0.066f);
  case UI_ICON_PERSON: {
    float head = sd_circle(x, y, 0.5f, 0.37f, 0.135f);
    float body = maxf(sd_box(x, y, 0.5f, 0.80f, 0.25f, 0.2f, 0.17f), y - 0.745f);
    return minf(head, body);
  }
  case UI_ICON_PORTRAIT: {
    /* width 1, height 4/3: head and shoulders of a 1-inch photo */
    float head = sd_circle(x, y, 0.5f, 0.54f, 0.215f);
    float neck = sd_box(x, y, 0.5f, 0.80f, 0.09f, 0.1f, 0.03f);
    float body = sd_box(x, y, 0.5f, 1.24f, 0.44f, 0.34f, 0.28f);
    return minf(minf(head, neck), body);
  }
  case UI_ICON_STAR:
    return sd_star5(x, y, 0.5f, 0.53f, 0.5f, 0.45f);
  case UI_ICON_DROP:
    return sd_uneven_capsule(x - 0.5f, 0.66f - y, 0.29f, 0.015f, 0.58f);
  case UI_ICON_WARN: {
    static const float tri[6] = {0.5f, 0.12f, 0.92f, 0.86f, 0.08f, 0.86f};
    float t = sd_triangle(x, y, tri) - 0.045f;
    return maxf(t, -sd_bang(x, y, 0.38f, 0.60f, 0.735f, 0.052f));
  }
  case UI_ICON_CARD: {
    /* width 1, height 0.63 (ISO ID-1 proportions) */
    return sd_box(x, y, 0.5f, 0.315f, 0.5f, 0.315f, 0.06f);
  }
  case UI_ICON_BACKSPACE: {
    static const float tip[6] = {0.1f, 0.5f, 0.34f, 0.24f, 0.34f, 0.76f};
    float shape = minf(sd_box(x, y, 0.6f, 0.5f, 0.3f, 0.26f, 0.05f), sd_triangle(x, y, tip) - 0.02f);
    float cross = minf(sd_segment(x, y, 0.5f, 0.4f, 0.7f, 0.6f, 0.035f),
                       sd_segment(x, y, 0.7f, 0.4f, 0.5f, 0.6f, 0.035f));
    return maxf(shape, -cross);
  }
  case UI_ICON_COUNT:
    break;
  }
  return 1.0f;
}

static void icon_dims(enum ui_icon icon, int size, int *w, int *h)
{
  *w = size;
  *h = size;
  if (icon == UI_ICON_CARD)
    *h = (int)lroundf((float)size * 0.63f);
  else if (icon == UI_ICON_PORTRAIT)
    *h = size * 4 / 3;
}

SDL_Surface *ui_gfx_icon_surface(enum ui_icon icon, int size)
{
  int w, h;
  if (size < 2 || size > 2048 || (unsigned)icon >= UI_ICON_COUNT)
    return NULL;
  icon_dims(icon, size, &w, &h);
  SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
  if (!s)
    return NULL;
  float inv = 1.0f / (float)size;
  for (int yy = 0; yy < h; yy++) {
    Uint32 *row = (Uint32 *)((Uint8 *)s->pixels + (size_t)yy * (size_t)s->pitch);
    for (int xx = 0; xx < w; xx++) {
      float d = icon_sd(icon, ((float)xx + 0.5f) * inv, ((float)yy + 0.5f) * inv);
      float a = clampf(0.5f - d * (float)size, 0.0f, 1.0f);
      row[xx] = ((Uint32)lroundf(a * 255.0f) << 24) | 0x00FFFFFFu;
    }
  }
  return s;
}

static struct gfx_entry *icon_get(struct ui_gfx *g, enum ui_icon icon, int size)
{
  for (size_t i = 0; i < g->n; i++)
    if (g->e[i].icon == icon && g->e[i].size == size)
      return &g->e[i];
  SDL_Surface *s = ui_gfx_icon_surface(icon, size);
  if (!s)
    return NULL;
  SDL_Texture *t = SDL_CreateTextureFromSurface(g->r, s);
  int w = s->w, h = s->h;
  SDL_FreeSurface(s);
  if (!t)
    return NULL;
  SDL_SetTextureBlendMode(t, SDL_BLENDMODE_BLEND);
  if (g->n == GFX_CACHE_MAX) {
    /* Full: drop the oldest; a screen set uses far fewer sizes than this. */
    SDL_DestroyTexture(g->e[0].tex);
    memmove(&g->e[0], &g->e[1], (GFX_CACHE_MAX - 1) * sizeof g->e[0]);
    g->n--;
  }
  struct gfx_entry *e = &g->e[g->n++];
  e->icon = icon;
  e->size = size;
  e->tex = t;
  e->w = w;
  e->h = h;
  return e;
}

static void tint(SDL_Texture *t, uint32_t rgb)
{
  SDL_SetTextureColorMod(t, (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb);
}

void ui_gfx_icon(struct ui_gfx *g, enum ui_icon icon, int cx, int cy, int size, uint32_t rgb)
{
  struct gfx_entry *e = g ? icon_get(g, icon, size) : NULL;
  if (!e)
    return;
  tint(e->tex, rgb);
  SDL_Rect dst = {cx - e->w / 2, cy - e->h / 2, e->w, e->h};
  SDL_RenderCopy(g->r, e->tex, NULL, &dst);
}

void ui_gfx_fill(struct ui_gfx *g, SDL_Rect rect, uint32_t rgb)
{
  if (!g || rect.w <= 0 || rect.h <= 0)
    return;
  SDL_SetRenderDrawBlendMode(g->r, SDL_BLENDMODE_NONE);
  SDL_SetRenderDrawColor(g->r, (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb, 255);
  SDL_RenderFillRect(g->r, &rect);
}

void ui_gfx_round_rect(struct ui_gfx *g, SDL_Rect rc, int radius, uint32_t rgb)
{
  if (!g || rc.w <= 0 || rc.h <= 0)
    return;
  if (radius > rc.w / 2)
    radius = rc.w / 2;
  if (radius > rc.h / 2)
    radius = rc.h / 2;
  if (radius < 2) {
    ui_gfx_fill(g, rc, rgb);
    return;
  }
  struct gfx_entry *e = icon_get(g, UI_ICON_DISC, radius * 2);
  if (!e) {
    ui_gfx_fill(g, rc, rgb);
    return;
  }
  tint(e->tex, rgb);
  int r = radius;
  SDL_Rect q[4][2] = {
      {{0, 0, r, r}, {rc.x, rc.y, r, r}},
      {{r, 0, r, r}, {rc.x + rc.w - r, rc.y, r, r}},
      {{0, r, r, r}, {rc.x, rc.y + rc.h - r, r, r}},
      {{r, r, r, r}, {rc.x + rc.w - r, rc.y + rc.h - r, r, r}},
  };
  for (int i = 0; i < 4; i++)
    SDL_RenderCopy(g->r, e->tex, &q[i][0], &q[i][1]);
  ui_gfx_fill(g, (SDL_Rect){rc.x + r, rc.y, rc.w - 2 * r, rc.h}, rgb);
  ui_gfx_fill(g, (SDL_Rect){rc.x, rc.y + r, r, rc.h - 2 * r}, rgb);
  ui_gfx_fill(g, (SDL_Rect){rc.x + rc.w - r, rc.y + r, r, rc.h - 2 * r}, rgb);
}

void ui_gfx_round_frame(struct ui_gfx *g, SDL_Rect rc, int radius, int bw, uint32_t border,
                        uint32_t fill)
{
  ui_gfx_round_rect(g, rc, radius, border);
  SDL_Rect in = {rc.x + bw, rc.y + bw, rc.w - 2 * bw, rc.h - 2 * bw};
  ui_gfx_round_rect(g, in, radius > bw ? radius - bw : 0, fill);
}
