/* The holder photo: load, background check, 3:4 crop, area-average downscale, JPEG at
 * decreasing quality until it fits (station/photo.h). */
#include <SDL.h>
#include <SDL_image.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "station/photo.h"

void station_photo_opts_default(struct station_photo_opts *o)
{
  o->width = STATION_PHOTO_WIDTH;
  o->height = STATION_PHOTO_HEIGHT;
  o->max_bytes = STATION_PHOTO_MAX_BYTES;
  o->check_background = 1;
}

static int photo_fail(char *why, size_t cap, int err, const char *text)
{
  if (why && cap)
    snprintf(why, cap, "%s", text);
  return err;
}

/* The background: the top strip and the side strips of the upper half (1/20 of the
 * width or height; the shoulders may reach the bottom and the lower sides) must be
 * light (mean luma >= 200) and close to grey-free (mean channel spread <= 40). */
static int photo_background_white(const SDL_Surface *s)
{
  const uint8_t *px = s->pixels;
  int bw = s->w / 20 > 0 ? s->w / 20 : 1, bh = s->h / 20 > 0 ? s->h / 20 : 1;
  uint64_t luma = 0, spread = 0, n = 0;
  for (int y = 0; y < s->h / 2; y++) {
    for (int x = 0; x < s->w; x++) {
      if (y >= bh && x >= bw && x < s->w - bw)
        continue; /* not the top strip nor a side strip */
      const uint8_t *p = px + (size_t)y * (size_t)s->pitch + (size_t)x * 3;
      uint8_t r = p[0], g = p[1], b = p[2];
      uint8_t mx = r > g ? (r > b ? r : b) : (g > b ? g : b);
      uint8_t mn = r < g ? (r < b ? r : b) : (g < b ? g : b);
      luma += (uint64_t)(299 * r + 587 * g + 114 * b) / 1000;
      spread += (uint64_t)(mx - mn);
      n++;
    }
  }
  return n > 0 && luma / n >= 200 && spread / n <= 40;
}

/* Area-average the crop (cx, cy, cw, ch) of src (RGB24) into dst (RGB24, w x h). */
static void photo_scale(const SDL_Surface *src, int cx, int cy, int cw, int ch, SDL_Surface *dst)
{
  const uint8_t *sp = src->pixels;
  uint8_t *dp = dst->pixels;
  for (int y = 0; y < dst->h; y++) {
    int y0 = cy + (int)((int64_t)y * ch / dst->h);
    int y1 = cy + (int)((int64_t)(y + 1) * ch / dst->h);
    if (y1 <= y0)
      y1 = y0 + 1;
    for (int x = 0; x < dst->w; x++) {
      int x0 = cx + (int)((int64_t)x * cw / dst->w);
      int x1 = cx + (int)((int64_t)(x + 1) * cw / dst->w);
      if (x1 <= x0)
        x1 = x0 + 1;
      uint64_t sum[3] = {0, 0, 0}, n = 0;
      for (int yy = y0; yy < y1; yy++) {
        const uint8_t *row = sp + (size_t)yy * (size_t)src->pitch;
        for (int xx = x0; xx < x1; xx++) {
          sum[0] += row[xx * 3];
          sum[1] += row[xx * 3 + 1];
          sum[2] += row[xx * 3 + 2];
          n++;
        }
      }
      uint8_t *o = dp + (size_t)y * (size_t)dst->pitch + (size_t)x * 3;
      o[0] = (uint8_t)(sum[0] / n);
      o[1] = (uint8_t)(sum[1] / n);
      o[2] = (uint8_t)(sum[2] / n);
    }
  }
}

int station_photo_prepare(const char *path, const struct station_photo_opts *o, uint8_t **jpeg,
                          size_t *len, int *quality, char *why, size_t why_cap)
{
  struct station_photo_opts dflt;
  SDL_Surface *raw = NULL, *rgb = NULL, *out = NULL;
  uint8_t *buf = NULL;
  int rc;

  if (!path || !jpeg || !len)
    return STATION_E_INVALID_ARG;
  *jpeg = NULL;
  *len = 0;
  if (!o) {
    station_photo_opts_default(&dflt);
    o = &dflt;
  }
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
    return photo_fail(why, why_cap, STATION_E_IO, "cannot read the photo file");
  if ((uint64_t)st.st_size > STATION_PHOTO_MAX_INPUT)
    return photo_fail(why, why_cap, STATION_E_PHOTO, "photo file larger than 20 MiB");
  raw = IMG_Load(path);
  if (!raw)
    return photo_fail(why, why_cap, STATION_E_PHOTO, "not an image SDL2_image can read");
  rgb = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_RGB24, 0);
  if (!rgb) {
    rc = photo_fail(why, why_cap, STATION_E_NO_MEMORY, "cannot convert the photo");
    goto out_free;
  }
  if (rgb->w < (int)o->width / 2 || rgb->h < (int)o->height / 2) {
    rc = photo_fail(why, why_cap, STATION_E_PHOTO, "photo too small (under half the card size)");
    goto out_free;
  }
  if (o->check_background && !photo_background_white(rgb)) {
    rc = photo_fail(why, why_cap, STATION_E_PHOTO,
                    "the background is not white (a 1-inch white-background photo is required)");
    goto out_free;
  }
  /* Centre crop to width:height. */
  int cw = rgb->w, ch = rgb->h;
  if ((int64_t)cw * o->height > (int64_t)ch * o->width)
    cw = (int)((int64_t)ch * o->width / o->height);
  else
    ch = (int)((int64_t)cw * o->height / o->width);
  out = SDL_CreateRGBSurfaceWithFormat(0, (int)o->width, (int)o->height, 24,
                                       SDL_PIXELFORMAT_RGB24);
  if (!out) {
    rc = photo_fail(why, why_cap, STATION_E_NO_MEMORY, "cannot allocate the card photo");
    goto out_free;
  }
  photo_scale(rgb, (rgb->w - cw) / 2, (rgb->h - ch) / 2, cw, ch, out);

  /* Decreasing quality until it fits; the buffer is twice the budget so that an
   * oversized attempt is measured rather than cut short. */
  size_t cap = o->max_bytes * 2 + 4096;
  buf = malloc(cap);
  if (!buf) {
    rc = STATION_E_NO_MEMORY;
    goto out_free;
  }
  rc = photo_fail(why, why_cap, STATION_E_PHOTO,
                  "the photo does not fit the card even at the lowest JPEG quality");
  for (int q = 90; q >= STATION_PHOTO_MIN_QUALITY; q -= 5) {
    SDL_RWops *rw = SDL_RWFromMem(buf, (int)cap);
    if (!rw) {
      rc = STATION_E_NO_MEMORY;
      break;
    }
    int ok = IMG_SaveJPG_RW(out, rw, 0, q) == 0;
    Sint64 n = SDL_RWtell(rw);
    SDL_RWclose(rw);
    if (!ok || n <= 0)
      continue; /* did not fit the buffer at all */
    if ((size_t)n <= o->max_bytes) {
      *jpeg = malloc((size_t)n);
      if (!*jpeg) {
        rc = STATION_E_NO_MEMORY;
        break;
      }
      memcpy(*jpeg, buf, (size_t)n);
      *len = (size_t)n;
      if (quality)
        *quality = q;
      if (why && why_cap)
        why[0] = '\0';
      rc = STATION_OK;
      break;
    }
  }
out_free:
  free(buf);
  SDL_FreeSurface(out);
  SDL_FreeSurface(rgb);
  SDL_FreeSurface(raw);
  return rc;
}
