/*
 * Every screen, rendered headless (software renderer on a surface), compared with the
 * reference PNGs in tests/ui/ref/ within a tolerance: a pixel differs when a channel
 * is off by more than UI_REF_DELTA, and a screen fails when more than UI_REF_FRACTION
 * of its pixels differ (font hinting and anti-aliasing may move edges a little from
 * one FreeType to the next; a changed layout moves far more). On failure the actual
 * image and a diff (differing pixels in magenta over a faded copy) go to
 * $YH_BINARY_DIR/tests/ui/diff/. YH_UI_UPDATE_REFS=1 rewrites the references.
 */
#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "draw.h"
#include "ui/samples.h"
#include "ui/ui.h"

#define UI_REF_DELTA 48
#define UI_REF_FRACTION 0.01

static struct ui_canvas *canvas;

static void setup(void)
{
  setenv("SDL_VIDEODRIVER", "offscreen", 1);
  setenv("SDL_RENDER_DRIVER", "software", 1);
  ck_assert_int_eq(ui_canvas_create(NULL, &canvas), UI_OK);
}

static void teardown(void)
{
  ui_canvas_destroy(canvas);
  canvas = NULL;
}

static const char *env_or(const char *name, const char *dflt)
{
  const char *v = getenv(name);
  return v && v[0] ? v : dflt;
}

static void mkdirs(const char *path)
{
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *p = buf + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      mkdir(buf, 0777);
      *p = '/';
    }
  mkdir(buf, 0777);
}

static Uint8 *px(SDL_Surface *s, int x, int y)
{
  return (Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch + (size_t)x * 3;
}

/* Compare; on failure write actual and diff images. Returns the differing fraction. */
static double compare(const char *name, SDL_Surface *actual, SDL_Surface *ref, char *why, size_t cap)
{
  if (ref->w != actual->w || ref->h != actual->h) {
    snprintf(why, cap, "size %dx%d, reference %dx%d", actual->w, actual->h, ref->w, ref->h);
    return 1.0;
  }
  SDL_Surface *diff = SDL_CreateRGBSurfaceWithFormat(0, actual->w, actual->h, 24, SDL_PIXELFORMAT_RGB24);
  size_t bad = 0, total = (size_t)actual->w * (size_t)actual->h;
  for (int y = 0; y < actual->h; y++)
    for (int x = 0; x < actual->w; x++) {
      Uint8 *a = px(actual, x, y), *r = px(ref, x, y), *d = px(diff, x, y);
      int m = 0;
      for (int c = 0; c < 3; c++) {
        int dd = abs((int)a[c] - (int)r[c]);
        m = dd > m ? dd : m;
      }
      if (m > UI_REF_DELTA) {
        bad++;
        d[0] = 255, d[1] = 0, d[2] = 255;
      } else {
        Uint8 g = (Uint8)(((int)a[0] + a[1] + a[2]) / 3 / 4 + 190);
        d[0] = d[1] = d[2] = g;
      }
    }
  double frac = (double)bad / (double)total;
  if (frac > UI_REF_FRACTION) {
    char dir[1024], path[1200];
    snprintf(dir, sizeof dir, "%s/tests/ui/diff", env_or("YH_BINARY_DIR", "."));
    mkdirs(dir);
    snprintf(path, sizeof path, "%s/%s.diff.png", dir, name);
    IMG_SavePNG(diff, path);
    snprintf(path, sizeof path, "%s/%s.actual.png", dir, name);
    IMG_SavePNG(actual, path);
    snprintf(why, cap, "%.2f%% of pixels differ (limit %.2f%%); see %s/%s.diff.png", frac * 100.0,
             UI_REF_FRACTION * 100.0, dir, name);
  }
  SDL_FreeSurface(diff);
  return frac;
}

START_TEST(test_screen_matches_reference)
{
  size_t i = (size_t)_i;
  const char *name = ui_sample_name(i);
  struct ui_shot shot;
  ck_assert_int_eq(ui_sample_shot(i, &shot), UI_OK);
  SDL_Surface *actual = NULL;
  ck_assert_int_eq(ui_canvas_render(canvas, &shot, &actual), UI_OK);
  ck_assert_int_eq(actual->w, 1280);
  ck_assert_int_eq(actual->h, 800);
  char ref_path[1024];
  snprintf(ref_path, sizeof ref_path, "%s/tests/ui/ref/%s.png", env_or("YH_SOURCE_DIR", "."), name);
  if (strcmp(env_or("YH_UI_UPDATE_REFS", "0"), "1") == 0) {
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/tests/ui/ref", env_or("YH_SOURCE_DIR", "."));
    mkdirs(dir);
    ck_assert_msg(IMG_SavePNG(actual, ref_path) == 0, "cannot write %s: %s", ref_path, IMG_GetError());
    printf("updated %s\n", ref_path);
    SDL_FreeSurface(actual);
    return;
  }
  SDL_Surface *loaded = IMG_Load(ref_path);
  ck_assert_msg(loaded != NULL, "%s: no reference %s (run with YH_UI_UPDATE_REFS=1)", name, ref_path);
  SDL_Surface *ref = SDL_ConvertSurfaceFormat(loaded, SDL_PIXELFORMAT_RGB24, 0);
  SDL_FreeSurface(loaded);
  char why[1400] = "";
  double frac = compare(name, actual, ref, why, sizeof why);
  SDL_FreeSurface(ref);
  SDL_FreeSurface(actual);
  ck_assert_msg(frac <= UI_REF_FRACTION, "%s: %s", name, why);
}
END_TEST

START_TEST(test_rare_characters_have_glyphs)
{
  /* the face the UI picks is the Simplified Chinese one, and it has 䶮 and 𠇔 */
  const char *path = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
  int idx = -1;
  for (int i = 0; i < 10; i++) {
    TTF_Font *f = TTF_OpenFontIndex(path, 24, i);
    if (!f)
      break;
    if (strcmp(TTF_FontFaceFamilyName(f), "Noto Sans CJK SC") == 0 && idx < 0)
      idx = i;
    TTF_CloseFont(f);
  }
  ck_assert_int_eq(idx, 2);
  TTF_Font *f = TTF_OpenFontIndex(path, 24, idx);
  ck_assert_ptr_nonnull(f);
  ck_assert_int_ne(TTF_GlyphIsProvided32(f, 0x4DAE), 0);  /* 䶮, extension A */
  ck_assert_int_ne(TTF_GlyphIsProvided32(f, 0x201D4), 0); /* 𠇔, extension B */
  /* and they render as distinct shapes, not one missing-glyph box */
  SDL_Color black = {0, 0, 0, 255};
  SDL_Surface *a = TTF_RenderUTF8_Blended(f, "䶮", black);
  SDL_Surface *b = TTF_RenderUTF8_Blended(f, "𠇔", black);
  ck_assert_ptr_nonnull(a);
  ck_assert_ptr_nonnull(b);
  int ink_a = 0, diff = 0;
  for (int y = 0; y < a->h && y < b->h; y++)
    for (int x = 0; x < a->w && x < b->w; x++) {
      Uint32 pa = ((Uint32 *)((Uint8 *)a->pixels + y * a->pitch))[x] >> 24;
      Uint32 pb = ((Uint32 *)((Uint8 *)b->pixels + y * b->pitch))[x] >> 24;
      ink_a += pa > 128;
      diff += (pa > 128) != (pb > 128);
    }
  ck_assert_int_gt(ink_a, 40);
  ck_assert_int_gt(diff, 40);
  SDL_FreeSurface(a);
  SDL_FreeSurface(b);
  TTF_CloseFont(f);
}
END_TEST

/* The verdict marks differ in shape, so no verdict relies on colour alone. */
START_TEST(test_verdict_icons_differ_in_shape)
{
  enum ui_icon marks[] = {UI_ICON_CHECK, UI_ICON_CROSS, UI_ICON_PERSON, UI_ICON_BANG};
  SDL_Surface *s[4];
  for (int i = 0; i < 4; i++) {
    s[i] = ui_gfx_icon_surface(marks[i], 120);
    ck_assert_ptr_nonnull(s[i]);
  }
  for (int i = 0; i < 4; i++)
    for (int j = i + 1; j < 4; j++) {
      int xor = 0, ink = 0;
      for (int y = 0; y < 120; y++)
        for (int x = 0; x < 120; x++) {
          int a = (((Uint32 *)((Uint8 *)s[i]->pixels + y * s[i]->pitch))[x] >> 24) > 128;
          int b = (((Uint32 *)((Uint8 *)s[j]->pixels + y * s[j]->pitch))[x] >> 24) > 128;
          xor += a != b;
          ink += a;
        }
      ck_assert_msg(xor > ink / 3, "marks %d and %d look alike", i, j);
    }
  for (int i = 0; i < 4; i++)
    SDL_FreeSurface(s[i]);
  /* icons are anti-aliased: a disc has partial-coverage pixels on its edge */
  SDL_Surface *d = ui_gfx_icon_surface(UI_ICON_DISC, 64);
  int partial = 0;
  for (int y = 0; y < 64; y++)
    for (int x = 0; x < 64; x++) {
      Uint32 a = ((Uint32 *)((Uint8 *)d->pixels + y * d->pitch))[x] >> 24;
      partial += a > 10 && a < 245;
    }
  ck_assert_int_ge(partial, 100); /* about 2 pi r */
  SDL_FreeSurface(d);
}
END_TEST

/* Every screen in both languages, every mode: draws, and the verdict is fast once the
 * texts are cached. */
START_TEST(test_all_screens_both_languages)
{
  for (size_t i = 0; i < ui_sample_count(); i++)
    for (int lang = 0; lang < UI_LANG_COUNT; lang++) {
      struct ui_shot shot;
      ui_sample_shot(i, &shot);
      shot.lang = (enum ui_lang)lang;
      SDL_Surface *out = NULL;
      ck_assert_int_eq(ui_canvas_render(canvas, &shot, &out), UI_OK);
      SDL_FreeSurface(out);
    }
  /* screens that need data fall back to idle instead of crashing */
  struct ui_shot empty = {0};
  empty.screen = UI_SCREEN_VERDICT;
  SDL_Surface *out = NULL;
  ck_assert_int_eq(ui_canvas_render(canvas, &empty, &out), UI_OK);
  SDL_FreeSurface(out);
  empty.screen = UI_SCREEN_STATION_LIST;
  ck_assert_int_eq(ui_canvas_render(canvas, &empty, &out), UI_OK);
  SDL_FreeSurface(out);
}
END_TEST

/* Every public screen of every mode (bus included: a validator has no keyboard) has
 * a language button, in both languages, while showing and while warning; with
 * speech on, the repeat and volume buttons too. Staff screens may have none. */
START_TEST(test_every_public_screen_has_language_button)
{
  static const enum ui_mode modes[] = {UI_MODE_GATE, UI_MODE_CASHIER, UI_MODE_BUS, UI_MODE_STATION};
  size_t checked = 0;
  for (size_t i = 0; i < ui_sample_count(); i++)
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
      for (int lang = 0; lang < UI_LANG_COUNT; lang++)
        for (int phase = 0; phase < 2; phase++)
          for (int speech = 0; speech < 2; speech++) {
            struct ui_shot shot;
            ui_sample_shot(i, &shot);
            enum ui_screen sc = shot.screen;
            if (sc != UI_SCREEN_IDLE && sc != UI_SCREEN_READING && sc != UI_SCREEN_PLACE_AGAIN &&
                sc != UI_SCREEN_VERDICT && sc != UI_SCREEN_BUS)
              continue;
            if (sc == UI_SCREEN_IDLE)
              shot.mode = modes[m];
            else if (m)
              continue;
            shot.lang = (enum ui_lang)lang;
            shot.phase = phase ? UI_PHASE_WARN : UI_PHASE_SHOW;
            shot.speech = speech;
            SDL_Surface *out = NULL;
            ck_assert_int_eq(ui_canvas_render(canvas, &shot, &out), UI_OK);
            SDL_FreeSurface(out);
            ck_assert_msg(ui_canvas_has_target(canvas, "LANG"), "%s (%s, %s): no language button",
                          ui_sample_name(i), ui_lang_tag(shot.lang), phase ? "warn" : "show");
            ck_assert_int_eq(ui_canvas_has_target(canvas, "REPEAT"), speech);
            ck_assert_int_eq(ui_canvas_has_target(canvas, "VOL_UP"), speech);
            ck_assert_int_eq(ui_canvas_has_target(canvas, "VOL_DOWN"), speech);
            checked++;
          }
  printf("language button on %zu public screen renderings\n", checked);
  ck_assert_uint_gt(checked, 100);
}
END_TEST

START_TEST(test_render_to_png)
{
  char path[] = "/tmp/yh-ui-shot-XXXXXX.png";
  int fd = mkstemps(path, 4);
  ck_assert_int_ge(fd, 0);
  close(fd);
  struct ui_shot shot;
  ui_sample_shot(ui_sample_find("verdict_gate_grant"), &shot);
  struct ui_shot viewshot;
  ui_shot_for_view(&viewshot, shot.view, shot.status, UI_LANG_ZH);
  ck_assert_int_eq(viewshot.screen, UI_SCREEN_VERDICT);
  ck_assert_int_eq(ui_render_to_png(NULL, &viewshot, path), UI_OK);
  SDL_Surface *s = IMG_Load(path);
  ck_assert_ptr_nonnull(s);
  ck_assert_int_eq(s->w, 1280);
  SDL_FreeSurface(s);
  unlink(path);
  ck_assert_int_eq(ui_render_to_png(NULL, &viewshot, "/nonexistent/dir/x.png"), UI_E_IMAGE);
  ck_assert_int_eq(ui_render_view_to_png(shot.view, shot.status, path), UI_OK);
  s = IMG_Load(path);
  ck_assert_ptr_nonnull(s);
  ck_assert_int_eq(s->h, 800);
  SDL_FreeSurface(s);
  unlink(path);
  ck_assert_int_eq(ui_render_view_to_png(NULL, NULL, path), UI_E_INVALID_ARG);
}
END_TEST

START_TEST(test_bad_strings_dir_fails_with_line)
{
  struct ui_config cfg;
  ui_config_init(&cfg);
  cfg.strings_dir = "/nonexistent";
  struct ui_canvas *c = NULL;
  ck_assert_int_eq(ui_canvas_create(&cfg, &c), UI_E_IO);
  ck_assert_ptr_null(c);
  cfg.strings_dir = NULL;
  cfg.font_regular = "/nonexistent/font.ttc";
  cfg.font_bold = "/nonexistent/font.ttc";
  ck_assert_int_eq(ui_canvas_create(&cfg, &c), UI_E_FONT);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("ui.screens");
  TCase *tc = tcase_create("reference");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_loop_test(tc, test_screen_matches_reference, 0, (int)ui_sample_count());
  suite_add_tcase(s, tc);
  tc = tcase_create("render");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_rare_characters_have_glyphs);
  tcase_add_test(tc, test_verdict_icons_differ_in_shape);
  tcase_add_test(tc, test_all_screens_both_languages);
  tcase_add_test(tc, test_every_public_screen_has_language_button);
  tcase_add_test(tc, test_render_to_png);
  tcase_add_test(tc, test_bad_strings_dir_fails_with_line);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(suite());
  /* one process for all: the fonts are opened once per fixture, not per fork */
  srunner_set_fork_status(sr, CK_NOFORK);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
