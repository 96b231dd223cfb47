/* Fonts, line breaking and the text texture cache (text.h). */
#include <SDL_ttf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"
#include "ui/core.h"
#include "utf8.h"

#define TEXT_CACHE_ENTRIES 768u
#define TEXT_CACHE_BYTES (64u * 1024u * 1024u)
#define TEXT_LINE_BYTES_MAX 2048u
#define MEMO_ENTRIES 2048u

struct text_tex {
  SDL_Texture *tex;
  int w, h;
};

struct ui_textctx {
  SDL_Renderer *r;
  char *path[2];
  int index[2];
  int synth_bold; /* no bold file: the regular face with TTF_STYLE_BOLD */
  char family[64];
  /* The font files, mapped once, and one TTF_Font per weight resized on demand
   * (TTF_SetFontSize ~0.01 ms). A face per size would keep each size's glyphs but
   * costs ~8 ms to open and several MB of FreeType tables per size: 30 sizes put the
   * process over its memory budget. Warm frames never reach FreeType anyway (the
   * memo and texture caches below). */
  void *map[2];
  size_t map_len[2];
  TTF_Font *font[2];
  int font_size[2];
  struct ui_lru *cache; /* textures */
  struct ui_lru *memo;  /* measurements and line breaks, so warm frames never
                           reach FreeType */
};

static void memo_free(void *value, void *user)
{
  (void)user;
  free(value);
}

static void text_tex_free(void *value, void *user)
{
  (void)user;
  struct text_tex *tt = value;
  if (tt->tex)
    SDL_DestroyTexture(tt->tex);
  free(tt);
}

static int is_sc(const char *fam)
{
  return fam && strcmp(fam, "Noto Sans CJK SC") == 0;
}

static TTF_Font *open_at(const struct ui_textctx *t, int w, int size, int index)
{
  if (t->map[w])
    return TTF_OpenFontIndexRW(SDL_RWFromConstMem(t->map[w], (int)t->map_len[w]), 1, size, index);
  return TTF_OpenFontIndex(t->path[w], size, index);
}

/* Find the Simplified Chinese face of a collection: the known index of Noto Sans CJK
 * SC first (2), then a scan for it, then any " SC" family, then face 0. */
static int find_face(const struct ui_textctx *t, int w, char *family, size_t cap)
{
  TTF_Font *f = open_at(t, w, 24, 2);
  if (f && is_sc(TTF_FontFaceFamilyName(f))) {
    ui_utf8_copy(family, cap, TTF_FontFaceFamilyName(f));
    TTF_CloseFont(f);
    return 2;
  }
  if (f)
    TTF_CloseFont(f);
  int any_sc = -1, opened = 0;
  for (int i = 0; i < 16; i++) {
    f = open_at(t, w, 24, i);
    if (!f)
      break;
    opened++;
    const char *fam = TTF_FontFaceFamilyName(f);
    if (is_sc(fam)) {
      ui_utf8_copy(family, cap, fam);
      TTF_CloseFont(f);
      return i;
    }
    if (fam && strstr(fam, " SC") && any_sc < 0)
      any_sc = i;
    if (i == 0 && fam)
      ui_utf8_copy(family, cap, fam);
    TTF_CloseFont(f);
  }
  if (any_sc >= 0)
    return any_sc;
  return opened ? 0 : -1;
}

/* Map a font file read-only; on failure the path is opened directly. */
static void map_file(struct ui_textctx *t, int w)
{
  int fd = open(t->path[w], O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  struct stat st;
  if (fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size < INT32_MAX) {
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m != MAP_FAILED) {
      t->map[w] = m;
      t->map_len[w] = (size_t)st.st_size;
    }
  }
  close(fd);
}

int ui_textctx_create(SDL_Renderer *r, const char *regular, const char *bold,
                      struct ui_textctx **out)
{
  if (!out || !r)
    return UI_E_INVALID_ARG;
  *out = NULL;
  if (!TTF_WasInit() && TTF_Init() != 0)
    return UI_E_FONT;
  struct ui_textctx *t = calloc(1, sizeof *t);
  if (!t)
    return UI_E_NO_MEMORY;
  t->r = r;
  int rc = UI_E_NO_MEMORY;
  t->path[UI_W_REGULAR] = strdup(regular ? regular : UI_FONT_DEFAULT_REGULAR);
  t->path[UI_W_BOLD] = strdup(bold ? bold : UI_FONT_DEFAULT_BOLD);
  if (!t->path[0] || !t->path[1])
    goto out_free;
  rc = UI_E_FONT;
  map_file(t, UI_W_REGULAR);
  map_file(t, UI_W_BOLD);
  t->index[UI_W_REGULAR] = find_face(t, UI_W_REGULAR, t->family, sizeof t->family);
  if (t->index[UI_W_REGULAR] < 0)
    goto out_free;
  char bold_family[64] = "";
  t->index[UI_W_BOLD] = find_face(t, UI_W_BOLD, bold_family, sizeof bold_family);
  if (t->index[UI_W_BOLD] < 0) {
    /* no bold file: the regular face, emboldened by FreeType */
    free(t->path[UI_W_BOLD]);
    t->path[UI_W_BOLD] = strdup(t->path[UI_W_REGULAR]);
    if (!t->path[UI_W_BOLD])
      goto out_free;
    if (t->map[UI_W_BOLD])
      munmap(t->map[UI_W_BOLD], t->map_len[UI_W_BOLD]);
    t->map[UI_W_BOLD] = NULL;
    map_file(t, UI_W_BOLD);
    t->index[UI_W_BOLD] = t->index[UI_W_REGULAR];
    t->synth_bold = 1;
  }
  rc = ui_lru_create(TEXT_CACHE_ENTRIES, TEXT_CACHE_BYTES, text_tex_free, NULL, &t->cache);
  if (rc == UI_OK)
    rc = ui_lru_create(MEMO_ENTRIES, 0, memo_free, NULL, &t->memo);
  if (rc != UI_OK)
    goto out_free;
  *out = t;
  return UI_OK;

out_free:
  ui_textctx_destroy(t);
  return rc;
}

void ui_textctx_destroy(struct ui_textctx *t)
{
  if (!t)
    return;
  ui_lru_destroy(t->cache);
  ui_lru_destroy(t->memo);
  for (int w = 0; w < 2; w++)
    if (t->font[w])
      TTF_CloseFont(t->font[w]);
  for (int w = 0; w < 2; w++)
    if (t->map[w])
      munmap(t->map[w], t->map_len[w]);
  free(t->path[0]);
  free(t->path[1]);
  free(t);
}

int ui_textctx_face(const struct ui_textctx *t, const char **family)
{
  if (family)
    *family = t ? t->family : "";
  return t ? t->index[UI_W_REGULAR] : -1;
}

static TTF_Font *font_get(struct ui_textctx *t, int size, enum ui_weight w)
{
  int k = w == UI_W_BOLD;
  if (size < 6)
    size = 6;
  if (size > 400)
    size = 400;
  if (!t->font[k]) {
    t->font[k] = open_at(t, k, size, t->index[k]);
    if (!t->font[k])
      return NULL;
    TTF_SetFontHinting(t->font[k], TTF_HINTING_LIGHT);
    if (k && t->synth_bold)
      TTF_SetFontStyle(t->font[k], TTF_STYLE_BOLD);
    t->font_size[k] = size;
  }
  if (t->font_size[k] != size) {
    if (TTF_SetFontSize(t->font[k], size) != 0)
      return NULL;
    t->font_size[k] = size;
  }
  return t->font[k];
}

/* Memo keys: kind, size, weight, a number (width limit), then the text. */
static size_t memo_key(unsigned char *key, size_t cap, char kind, int size, enum ui_weight w,
                       int num, const char *s, size_t len)
{
  if (len > cap - 12)
    len = cap - 12;
  key[0] = (unsigned char)kind;
  key[1] = (unsigned char)w;
  key[2] = (unsigned char)(size & 0xFF);
  key[3] = (unsigned char)(size >> 8);
  memcpy(key + 4, &num, sizeof num);
  memset(key + 4 + sizeof num, 0, 8 - sizeof num);
  memcpy(key + 12, s, len);
  return 12 + len;
}

int ui_text_line_height(struct ui_textctx *t, int size, enum ui_weight w)
{
  unsigned char key[16];
  size_t kl = memo_key(key, sizeof key, 'H', size, w, 0, "", 0);
  int *m = ui_lru_get(t->memo, key, kl);
  if (m)
    return *m;
  TTF_Font *f = font_get(t, size, w);
  int h = f ? TTF_FontHeight(f) : size;
  if (f && (m = malloc(sizeof *m)) != NULL) {
    *m = h;
    ui_lru_put(t->memo, key, kl, m, 0);
  }
  return h;
}

int ui_text_size(struct ui_textctx *t, const char *s, int size, enum ui_weight w, int *wpx,
                 int *hpx)
{
  if (!s || !s[0]) {
    if (wpx)
      *wpx = 0;
    if (hpx)
      *hpx = ui_text_line_height(t, size, w);
    return UI_OK;
  }
  unsigned char key[12 + TEXT_LINE_BYTES_MAX];
  size_t kl = memo_key(key, sizeof key, 'W', size, w, 0, s, strlen(s));
  int *m = ui_lru_get(t->memo, key, kl);
  if (!m) {
    int ww = 0, hh = 0;
    TTF_Font *f = font_get(t, size, w);
    if (!f || TTF_SizeUTF8(f, s, &ww, &hh) != 0)
      return UI_E_FONT;
    m = malloc(2 * sizeof *m);
    if (!m) {
      if (wpx)
        *wpx = ww;
      if (hpx)
        *hpx = hh;
      return UI_OK;
    }
    m[0] = ww;
    m[1] = hh;
    ui_lru_put(t->memo, key, kl, m, 0);
  }
  if (wpx)
    *wpx = m[0];
  if (hpx)
    *hpx = m[1];
  return UI_OK;
}

/* The cached texture of a line, rendering it on a miss. */
static struct text_tex *line_tex(struct ui_textctx *t, const char *s, size_t len, int size,
                                 enum ui_weight w, SDL_Color fg)
{
  unsigned char key[8 + TEXT_LINE_BYTES_MAX];
  if (len > TEXT_LINE_BYTES_MAX)
    len = ui_utf8_clip(s, TEXT_LINE_BYTES_MAX);
  key[0] = (unsigned char)(size & 0xFF);
  key[1] = (unsigned char)(size >> 8);
  key[2] = (unsigned char)w;
  key[3] = 0;
  key[4] = fg.r;
  key[5] = fg.g;
  key[6] = fg.b;
  key[7] = fg.a;
  memcpy(key + 8, s, len);
  struct text_tex *tt = ui_lru_get(t->cache, key, 8 + len);
  if (tt)
    return tt;
  TTF_Font *f = font_get(t, size, w);
  if (!f)
    return NULL;
  char line[TEXT_LINE_BYTES_MAX + 1];
  memcpy(line, s, len);
  line[len] = '\0';
  SDL_Surface *surf = TTF_RenderUTF8_Blended(f, line, fg);
  if (!surf)
    return NULL;
  tt = calloc(1, sizeof *tt);
  if (!tt) {
    SDL_FreeSurface(surf);
    return NULL;
  }
  tt->tex = SDL_CreateTextureFromSurface(t->r, surf);
  tt->w = surf->w;
  tt->h = surf->h;
  SDL_FreeSurface(surf);
  if (!tt->tex) {
    free(tt);
    return NULL;
  }
  if (ui_lru_put(t->cache, key, 8 + len, tt, (size_t)tt->w * (size_t)tt->h * 4u) != UI_OK)
    return NULL; /* freed by the cache */
  return tt;
}

static int draw_range(struct ui_textctx *t, const char *s, size_t len, int size,
                      enum ui_weight w, SDL_Color fg, int x, int y, enum ui_align align)
{
  if (len == 0)
    return 0;
  struct text_tex *tt = line_tex(t, s, len, size, w, fg);
  if (!tt)
    return 0;
  SDL_Rect dst = {x, y, tt->w, tt->h};
  if (align == UI_ALIGN_CENTER)
    dst.x = x - tt->w / 2;
  else if (align == UI_ALIGN_RIGHT)
    dst.x = x - tt->w;
  SDL_RenderCopy(t->r, tt->tex, NULL, &dst);
  return tt->w;
}

int ui_text_draw(struct ui_textctx *t, const char *s, int size, enum ui_weight w,
                 SDL_Color fg, int x, int y, enum ui_align align)
{
  if (!t || !s)
    return 0;
  return draw_range(t, s, strlen(s), size, w, fg, x, y, align);
}

/* Byte length of the first n characters of s[0..len). */
static size_t chars_to_bytes(const char *s, size_t len, int n)
{
  size_t i = 0;
  while (n-- > 0 && i < len) {
    uint32_t cp;
    i += ui_utf8_decode(s + i, len - i, &cp);
  }
  return i;
}

/* How many bytes of s[0..len) fit in max_w (at least one character). */
static size_t fit_bytes(TTF_Font *f, const char *s, size_t len, int max_w)
{
  char buf[TEXT_LINE_BYTES_MAX + 1];
  if (len > TEXT_LINE_BYTES_MAX)
    len = ui_utf8_clip(s, TEXT_LINE_BYTES_MAX);
  memcpy(buf, s, len);
  buf[len] = '\0';
  int extent = 0, count = 0;
  if (TTF_MeasureUTF8(f, buf, max_w, &extent, &count) != 0 || count <= 0)
    count = 1;
  return chars_to_bytes(s, len, count);
}

static int closing_punct(uint32_t cp)
{
  static const uint32_t set[] = {0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF01, 0xFF1F,
                                 0xFF09, 0x300D, 0x300F, 0x201D, 0x2019, 0x300B, 0x3011,
                                 0x2026, 0x00B7, ',',    '.',    ';',    ':',    '!',
                                 '?',    ')',    0x2014};
  for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
    if (cp == set[i])
      return 1;
  return 0;
}

static int opening_punct(uint32_t cp)
{
  return cp == 0xFF08 || cp == 0x300C || cp == 0x300E || cp == 0x201C || cp == 0x2018 ||
         cp == 0x300A || cp == 0x3010 || cp == '(';
}

/* Characters that break anywhere (CJK ideographs, kana, fullwidth forms). */
static int breaks_anywhere(uint32_t cp)
{
  return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0xFF00 && cp <= 0xFFEF) || cp >= 0x20000;
}

/* The character before byte offset i (i > 0). */
static uint32_t char_before(const char *s, size_t i, size_t *start)
{
  size_t j = i - 1;
  while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80)
    j--;
  uint32_t cp;
  ui_utf8_decode(s + j, i - j, &cp);
  if (start)
    *start = j;
  return cp;
}

static size_t break_uncached(struct ui_textctx *t, const char *s, int size, enum ui_weight w,
                             int max_w, size_t max_lines, size_t *starts, size_t *lens)
{
  TTF_Font *f = font_get(t, size, w);
  if (!f || !s || max_lines == 0)
    return 0;
  size_t total = strlen(s), pos = 0, n = 0;
  while (pos < total && n < max_lines) {
    const char *nl = memchr(s + pos, '\n', total - pos);
    size_t seg = nl ? (size_t)(nl - (s + pos)) : total - pos;
    size_t take = seg ? fit_bytes(f, s + pos, seg, max_w) : 0;
    if (take < seg) {
      uint32_t next;
      ui_utf8_decode(s + pos + take, seg - take, &next);
      size_t cut = take;
      if (next != ' ' && !breaks_anywhere(next)) {
        /* Latin word: back to the last space or CJK character, if any. */
        size_t k = cut;
        while (k > 0) {
          size_t st;
          uint32_t c = char_before(s + pos, k, &st);
          if (c == ' ' || breaks_anywhere(c))
            break;
          k = st;
        }
        if (k > 0)
          cut = k;
      } else if (closing_punct(next) && cut > 0) {
        size_t st;
        char_before(s + pos, cut, &st); /* carry one character down with the mark */
        if (st > 0)
          cut = st;
      }
      if (cut > 0) {
        size_t st;
        uint32_t last = char_before(s + pos, cut, &st);
        if (opening_punct(last) && st > 0)
          cut = st;
      }
      take = cut;
    }
    size_t len = take;
    while (len > 0 && s[pos + len - 1] == ' ')
      len--;
    starts[n] = pos;
    lens[n] = len;
    n++;
    pos += take;
    while (pos < total && s[pos] == ' ')
      pos++;
    if (take == seg && nl)
      pos++; /* the newline itself */
  }
  return n;
}

#define BREAK_LINES_MAX 16u
struct break_memo {
  size_t n;
  size_t starts[BREAK_LINES_MAX], lens[BREAK_LINES_MAX];
};

size_t ui_text_break(struct ui_textctx *t, const char *s, int size, enum ui_weight w,
                     int max_w, size_t max_lines, size_t *starts, size_t *lens)
{
  if (!t || !s || max_lines == 0)
    return 0;
  if (max_lines > BREAK_LINES_MAX)
    max_lines = BREAK_LINES_MAX;
  unsigned char key[12 + TEXT_LINE_BYTES_MAX];
  size_t kl = memo_key(key, sizeof key, 'B', size, w, max_w * 32 + (int)max_lines, s, strlen(s));
  struct break_memo *m = ui_lru_get(t->memo, key, kl);
  if (!m) {
    m = malloc(sizeof *m);
    if (!m)
      return break_uncached(t, s, size, w, max_w, max_lines, starts, lens);
    m->n = break_uncached(t, s, size, w, max_w, max_lines, m->starts, m->lens);
    ui_lru_put(t->memo, key, kl, m, 0);
  }
  memcpy(starts, m->starts, m->n * sizeof *starts);
  memcpy(lens, m->lens, m->n * sizeof *lens);
  return m->n;
}

/* Cut s[0..len) so that it plus an ellipsis fits max_w; into buf. */
static void ellipsize_uncached(TTF_Font *f, const char *s, size_t len, int max_w, char *buf,
                               size_t cap)
{
  static const char ell[] = "\xE2\x80\xA6";
  int ew = 0, eh = 0;
  TTF_SizeUTF8(f, ell, &ew, &eh);
  size_t keep = max_w > ew ? fit_bytes(f, s, len, max_w - ew) : 0;
  if (keep > len)
    keep = len;
  if (keep + sizeof ell > cap)
    keep = ui_utf8_clip(s, cap - sizeof ell);
  memcpy(buf, s, keep);
  memcpy(buf + keep, ell, sizeof ell);
}

static void ellipsize(struct ui_textctx *t, int size, enum ui_weight w, const char *s, size_t len,
                      int max_w, char *buf, size_t cap)
{
  unsigned char key[12 + TEXT_LINE_BYTES_MAX];
  size_t kl = memo_key(key, sizeof key, 'E', size, w, max_w, s, len);
  char *m = ui_lru_get(t->memo, key, kl);
  if (m) {
    ui_utf8_copy(buf, cap, m);
    return;
  }
  TTF_Font *f = font_get(t, size, w);
  if (!f) {
    buf[0] = '\0';
    return;
  }
  ellipsize_uncached(f, s, len, max_w, buf, cap);
  m = strdup(buf);
  if (m)
    ui_lru_put(t->memo, key, kl, m, 0);
}

int ui_text_draw_fit(struct ui_textctx *t, const char *s, int size, int min_size,
                     enum ui_weight w, SDL_Color fg, int x, int y, int max_w,
                     enum ui_align align)
{
  if (!t || !s || !s[0])
    return size;
  int sz = size, tw = 0;
  for (;;) {
    ui_text_size(t, s, sz, w, &tw, NULL);
    if (tw <= max_w || sz <= min_size)
      break;
    sz = sz * 9 / 10 > min_size ? sz * 9 / 10 : min_size;
  }
  /* Keep the same line box height: centre the smaller text in the original box. */
  int dy = (ui_text_line_height(t, size, w) - ui_text_line_height(t, sz, w)) / 2;
  if (tw <= max_w) {
    ui_text_draw(t, s, sz, w, fg, x, y + dy, align);
    return sz;
  }
  char buf[TEXT_LINE_BYTES_MAX + 8];
  ellipsize(t, sz, w, s, strlen(s), max_w, buf, sizeof buf);
  ui_text_draw(t, buf, sz, w, fg, x, y + dy, align);
  return sz;
}

int ui_text_draw_wrapped(struct ui_textctx *t, const char *s, int size, enum ui_weight w,
                         SDL_Color fg, SDL_Rect box, int pitch_pct, enum ui_align align)
{
  if (!t || !s || !s[0])
    return 0;
  int lh = ui_text_line_height(t, size, w);
  int pitch = lh * pitch_pct / 100;
  if (pitch <= 0)
    pitch = lh;
  size_t max_lines = box.h >= lh ? (size_t)((box.h - lh) / pitch + 1) : 1;
  if (max_lines > 16)
    max_lines = 16;
  size_t starts[BREAK_LINES_MAX], lens[BREAK_LINES_MAX];
  size_t n = ui_text_break(t, s, size, w, box.w, max_lines, starts, lens);
  int x = align == UI_ALIGN_CENTER ? box.x + box.w / 2
                                   : align == UI_ALIGN_RIGHT ? box.x + box.w : box.x;
  for (size_t i = 0; i < n; i++) {
    int y = box.y + (int)i * pitch;
    size_t end = starts[i] + lens[i];
    int more = i + 1 == n && end < strlen(s) && s[end + strspn(s + end, " \n")] != '\0';
    if (more) {
      char buf[TEXT_LINE_BYTES_MAX + 8];
      /* Leave room for the ellipsis even if the line itself fitted. */
      ellipsize(t, size, w, s + starts[i], lens[i], box.w, buf, sizeof buf);
      ui_text_draw(t, buf, size, w, fg, x, y, align);
    } else {
      draw_range(t, s + starts[i], lens[i], size, w, fg, x, y, align);
    }
  }
  return n ? (int)(n - 1) * pitch + lh : 0;
}

void ui_textctx_stats(const struct ui_textctx *t, struct ui_lru_stats *out)
{
  ui_lru_get_stats(t ? t->cache : NULL, out);
}

void ui_textctx_flush(struct ui_textctx *t)
{
  if (!t)
    return;
  ui_lru_clear(t->cache);
  ui_lru_clear(t->memo);
}
