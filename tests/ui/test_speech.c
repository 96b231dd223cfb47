/* ui speech: every phrase a sample screen says, in both languages, rendered by
 * libespeak-ng to a WAV file, read back and checked (non-silent, plausible length);
 * no phrase carries a name or an ID number; the staff screens say nothing; the
 * safety check and the volume steps. The WAVs stay in build/tests/ui/speech/ to
 * listen to. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ui/samples.h"
#include "ui/speech.h"
#include "ui/tone.h"
#include "ui/ui.h"

static const char *src_dir(void)
{
  const char *d = getenv("YH_SOURCE_DIR");
  return d ? d : ".";
}

static struct ui_strings *load(enum ui_lang lang)
{
  char path[1024];
  snprintf(path, sizeof path, "%s/assets/strings/%s.ini", src_dir(), ui_lang_tag(lang));
  struct ui_strings *s = NULL;
  struct ui_diag d;
  ck_assert_msg(ui_strings_load(path, &s, &d) == UI_OK, "%s:%u: %s", path, d.line, d.text);
  return s;
}

/* A bounded WAV reader for what ui_wav_write writes: RIFF/WAVE, a PCM fmt chunk
 * (mono, 16 bit), a data chunk. Returns the samples (malloc) or NULL. */
static int16_t *read_wav(const char *path, size_t *n, unsigned *rate)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  unsigned char h[44];
  int16_t *pcm = NULL;
  if (fread(h, 1, sizeof h, f) != sizeof h || memcmp(h, "RIFF", 4) || memcmp(h + 8, "WAVEfmt ", 8) ||
      h[20] != 1 || h[22] != 1 || h[34] != 16 || memcmp(h + 36, "data", 4))
    goto out_close;
  *rate = (unsigned)h[24] | (unsigned)h[25] << 8 | (unsigned)h[26] << 16 | (unsigned)h[27] << 24;
  uint32_t bytes = (uint32_t)h[40] | (uint32_t)h[41] << 8 | (uint32_t)h[42] << 16 | (uint32_t)h[43] << 24;
  if (bytes % 2 || bytes > UI_SPEECH_SAMPLES_MAX * 2u)
    goto out_close;
  pcm = malloc(bytes ? bytes : 2);
  if (pcm && fread(pcm, 1, bytes, f) != bytes) {
    free(pcm);
    pcm = NULL;
  }
  *n = bytes / 2;
out_close:
  fclose(f);
  return pcm;
}

static size_t codepoints(const char *s)
{
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

static int is_public(enum ui_screen s)
{
  return s == UI_SCREEN_IDLE || s == UI_SCREEN_READING || s == UI_SCREEN_PLACE_AGAIN ||
         s == UI_SCREEN_VERDICT || s == UI_SCREEN_BUS || s == UI_SCREEN_CASHIER ||
         s == UI_SCREEN_HOLDER_CHECK || s == UI_SCREEN_REQUEST || s == UI_SCREEN_NOTICE;
}

START_TEST(test_every_phrase_rendered)
{
  struct ui_strings *str[UI_LANG_COUNT] = {load(UI_LANG_ZH), load(UI_LANG_EN)};
  mkdir("speech", 0755);
  size_t rendered = 0;
  for (size_t i = 0; i < ui_sample_count(); i++) {
    for (int l = 0; l < UI_LANG_COUNT; l++) {
      struct ui_shot shot;
      ck_assert_int_eq(ui_sample_shot(i, &shot), UI_OK);
      shot.lang = (enum ui_lang)l;
      char text[UI_SPEECH_TEXT_MAX];
      size_t len = ui_speech_phrase(str[l], &shot, text, sizeof text);
      const char *name = ui_sample_name(i);
      if (!is_public(shot.screen)) {
        ck_assert_msg(len == 0, "%s says something on a staff screen: %s", name, text);
        continue;
      }
      ck_assert_msg(len > 0, "%s (%s) says nothing", name, ui_lang_tag((enum ui_lang)l));
      ck_assert(ui_speech_phrase_safe(text));
      if (shot.view && shot.view->has_holder) {
        const struct ui_holder *h = &shot.view->holder;
        ck_assert_msg(!h->name_masked[0] || !strstr(text, h->name_masked), "%s speaks the name", name);
        ck_assert_msg(!h->id_masked[0] || !strstr(text, h->id_masked), "%s speaks the ID", name);
        ck_assert_msg(!h->card_no[0] || !strstr(text, h->card_no), "%s speaks the card number", name);
      }
      int16_t *pcm;
      size_t n;
      int rc = ui_speech_render((enum ui_lang)l, text, &pcm, &n);
      ck_assert_msg(rc == UI_OK, "%s: %s (%s)", name, ui_errname(rc), ui_speech_last_error());
      char path[256];
      snprintf(path, sizeof path, "speech/%s.%s.wav", name, ui_lang_tag((enum ui_lang)l));
      ck_assert_int_eq(ui_wav_write(path, pcm, n), UI_OK);
      free(pcm);
      /* read back what a player would read */
      unsigned rate = 0;
      int16_t *back = read_wav(path, &n, &rate);
      ck_assert_ptr_nonnull(back);
      ck_assert_uint_eq(rate, UI_TONE_RATE);
      double sum = 0;
      int peak = 0;
      for (size_t k = 0; k < n; k++) {
        sum += (double)back[k] * back[k];
        if (abs(back[k]) > peak)
          peak = abs(back[k]);
      }
      free(back);
      double secs = (double)n / UI_TONE_RATE, rms = n ? sqrt(sum / (double)n) : 0;
      size_t cps = codepoints(text);
      /* plausible: Mandarin 0.1-0.6 s a character, English 0.03-0.2 s a character */
      double lo = l == UI_LANG_ZH ? 0.1 : 0.03, hi = l == UI_LANG_ZH ? 0.6 : 0.2;
      printf("speech %-28s %-5s %5.2f s rms %6.0f peak %5d  %zu chars\n", name,
             ui_lang_tag((enum ui_lang)l), secs, rms, peak, cps);
      ck_assert_msg(rms > 300 && peak > 3000, "%s: silent (rms %.0f, peak %d)", path, rms, peak);
      ck_assert_msg(secs >= lo * (double)cps && secs <= hi * (double)cps + 1.0,
                    "%s: %.2f s for %zu characters", path, secs, cps);
      rendered++;
    }
  }
  printf("speech: %zu phrases rendered\n", rendered);
  ck_assert_uint_gt(rendered, 30);
  ui_strings_destroy(str[0]);
  ui_strings_destroy(str[1]);
}
END_TEST

START_TEST(test_verdict_says_main_reason_and_next_step)
{
  struct ui_strings *zh = load(UI_LANG_ZH), *en = load(UI_LANG_EN);
  struct ui_view v;
  ui_view_init(&v, UI_MODE_GATE, UI_VERDICT_DENY);
  ui_view_add_reason(&v, "reason.REVLIST_STALE_WARN", "注销名单过期，请尽快更新", "list old");
  v.reason_staff = 1u; /* staff talk first: must not be the one spoken */
  ui_view_add_reason(&v, "reason.VALIDITY_FAILED", "卡片不在有效期内", "card outside its validity period");
  v.has_holder = 1;
  strcpy(v.holder.name_masked, "张*明");
  strcpy(v.holder.id_masked, "450902********1234");
  struct ui_shot shot = {0};
  shot.screen = UI_SCREEN_VERDICT;
  shot.view = &v;
  shot.mode = UI_MODE_GATE;
  char text[UI_SPEECH_TEXT_MAX];
  shot.lang = UI_LANG_ZH;
  ck_assert_uint_gt(ui_speech_phrase(zh, &shot, text, sizeof text), 0);
  ck_assert_ptr_nonnull(strstr(text, "血站"));  /* what to do next */
  ck_assert_ptr_null(strstr(text, "注销名单")); /* not the staff's line */
  ck_assert_ptr_null(strstr(text, "张"));
  shot.lang = UI_LANG_EN;
  ck_assert_uint_gt(ui_speech_phrase(en, &shot, text, sizeof text), 0);
  ck_assert_ptr_nonnull(strstr(text, "Blood Station"));
  ck_assert_ptr_null(strstr(text, "list old"));
  /* a reason carrying an ID number (a misbehaving caller) silences the phrase */
  ui_view_add_reason(&v, NULL, "450902197001011234", "450902197001011234");
  v.reason_staff = 0x3u;
  ck_assert_uint_eq(ui_speech_phrase(en, &shot, text, sizeof text), 0);
  ck_assert_str_eq(text, "");
  /* a small buffer: cut, terminated */
  ui_view_init(&v, UI_MODE_BUS, UI_VERDICT_GRANT);
  shot.screen = UI_SCREEN_BUS;
  char small[8];
  ui_speech_phrase(en, &shot, small, sizeof small);
  ck_assert_uint_lt(strlen(small), sizeof small);
  /* NULLs */
  ck_assert_uint_eq(ui_speech_phrase(NULL, &shot, text, sizeof text), 0);
  ck_assert_uint_eq(ui_speech_phrase(en, NULL, text, sizeof text), 0);
  ck_assert_uint_eq(ui_speech_phrase(en, &shot, NULL, 0), 0);
  ui_strings_destroy(zh);
  ui_strings_destroy(en);
}
END_TEST

START_TEST(test_phrase_safe)
{
  static const struct {
    const char *text;
    int safe;
  } t[] = {
      {"免票入园。感谢您的无私奉献。", 1},
      {"Back in 20 s", 1},
      {"票据号 12345", 1},      /* five digits: a count, a fee */
      {"票据号 123456", 0},     /* six: could be a number that identifies */
      {"450902197001011234", 0},
      {"张*明", 0},
      {"ID 450902********1234", 0},
      {"", 1},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    ck_assert_msg(ui_speech_phrase_safe(t[i].text) == t[i].safe, "%s", t[i].text);
  ck_assert_int_eq(ui_speech_phrase_safe(NULL), 0);
}
END_TEST

START_TEST(test_render_errors_and_volume)
{
  int16_t *pcm = (int16_t *)1;
  size_t n = 1;
  ck_assert_int_eq(ui_speech_render(UI_LANG_EN, "", &pcm, &n), UI_E_INVALID_ARG);
  ck_assert_int_eq(ui_speech_render(UI_LANG_EN, NULL, &pcm, &n), UI_E_INVALID_ARG);
  char *big = malloc(UI_SPEECH_TEXT_MAX + 2);
  memset(big, 'a', UI_SPEECH_TEXT_MAX + 1);
  big[UI_SPEECH_TEXT_MAX + 1] = '\0';
  ck_assert_int_eq(ui_speech_render(UI_LANG_EN, big, &pcm, &n), UI_E_TOO_LARGE);
  free(big);
  /* bytes that are not UTF-8 do not upset the engine */
  ck_assert_int_eq(ui_speech_render(UI_LANG_ZH, "\xff\xfe\x80 ok", &pcm, &n), UI_OK);
  free(pcm);
  int16_t s[4] = {10000, -10000, 32767, -32767};
  ui_speech_scale(s, 4, UI_VOLUME_MAX);
  ck_assert_int_eq(s[0], 10000);
  ui_speech_scale(s, 4, UI_VOLUME_MAX - 2); /* -6 dB: about half */
  ck_assert(s[0] > 4900 && s[0] < 5100);
  ui_speech_scale(s, 4, 0);
  ck_assert_int_eq(s[0], 0);
  ck_assert_int_eq(s[3], 0);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("ui.speech");
  TCase *tc = tcase_create("speech");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, test_every_phrase_rendered);
  tcase_add_test(tc, test_verdict_says_main_reason_and_next_step);
  tcase_add_test(tc, test_phrase_safe);
  tcase_add_test(tc, test_render_errors_and_volume);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
