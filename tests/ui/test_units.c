/* ui units without a screen: contrast of every text style (WCAG, >= 7:1), the LRU
 * text cache, view sanitising (masked personal data only), UTF-8 helpers, the tones,
 * the staff PIN hash. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/utf8.h"
#include "lru.h"
#include "ui/theme.h"
#include "ui/tone.h"
#include "ui/ui.h"
#include "ui/view.h"
#include "utf8.h"

/* ---------------------------------------------------------------- contrast -- */

START_TEST(test_contrast_known_values)
{
  ck_assert(fabs(ui_contrast_ratio(0xFFFFFF, 0x000000) - 21.0) < 1e-9);
  ck_assert(fabs(ui_contrast_ratio(0x777777, 0x777777) - 1.0) < 1e-9);
  /* #767676 on white is the classic 4.54:1 */
  ck_assert(fabs(ui_contrast_ratio(0x767676, 0xFFFFFF) - 4.54) < 0.01);
  ck_assert(ui_luminance(0xFFFFFF) > 0.999);
}
END_TEST

START_TEST(test_every_style_at_least_7_to_1)
{
  for (int s = 0; s < UI_STYLE_COUNT; s++) {
    uint32_t fg = ui_colour_rgb(ui_style_fg((enum ui_style)s));
    uint32_t bg = ui_colour_rgb(ui_style_bg((enum ui_style)s));
    double cr = ui_contrast_ratio(fg, bg);
    printf("contrast %-16s %-10s on %-9s %5.2f:1\n", ui_style_name((enum ui_style)s),
           ui_colour_name(ui_style_fg((enum ui_style)s)),
           ui_colour_name(ui_style_bg((enum ui_style)s)), cr);
    ck_assert_msg(cr >= UI_CONTRAST_MIN, "style %s: %.2f:1 < 7:1", ui_style_name((enum ui_style)s), cr);
  }
}
END_TEST

START_TEST(test_verdict_colours_differ_in_lightness)
{
  /* not colour alone, but the verdict backgrounds also differ for colour-blind eyes:
   * GRANT and DENY are both dark, STAFF light, so each also has its own icon shape */
  double g = ui_luminance(ui_colour_rgb(UI_COL_GRANT));
  double st = ui_luminance(ui_colour_rgb(UI_COL_STAFF));
  ck_assert(st > 0.4 && g < 0.1);
}
END_TEST

/* --------------------------------------------------------------------- LRU -- */

static int freed;
static void count_free(void *v, void *user)
{
  (void)user;
  freed++;
  free(v);
}

static void *val(int n)
{
  int *p = malloc(sizeof *p);
  *p = n;
  return p;
}

START_TEST(test_lru_evicts_least_recent)
{
  struct ui_lru *c = NULL;
  freed = 0;
  ck_assert_int_eq(ui_lru_create(3, 0, count_free, NULL, &c), UI_OK);
  ck_assert_int_eq(ui_lru_put(c, "a", 1, val(1), 1), UI_OK);
  ck_assert_int_eq(ui_lru_put(c, "b", 1, val(2), 1), UI_OK);
  ck_assert_int_eq(ui_lru_put(c, "c", 1, val(3), 1), UI_OK);
  ck_assert_int_eq(*(int *)ui_lru_get(c, "a", 1), 1); /* a is now most recent */
  ck_assert_int_eq(ui_lru_put(c, "d", 1, val(4), 1), UI_OK); /* evicts b */
  ck_assert_ptr_null(ui_lru_get(c, "b", 1));
  ck_assert_ptr_nonnull(ui_lru_get(c, "a", 1));
  ck_assert_ptr_nonnull(ui_lru_get(c, "c", 1));
  ck_assert_ptr_nonnull(ui_lru_get(c, "d", 1));
  ck_assert_int_eq(freed, 1);
  struct ui_lru_stats st;
  ui_lru_get_stats(c, &st);
  ck_assert_uint_eq(st.entries, 3);
  ck_assert_uint_eq(st.evictions, 1);
  ck_assert_uint_eq(st.hits, 4);
  ck_assert_uint_eq(st.misses, 1);
  /* replace frees the old value */
  ck_assert_int_eq(ui_lru_put(c, "a", 1, val(10), 1), UI_OK);
  ck_assert_int_eq(*(int *)ui_lru_get(c, "a", 1), 10);
  ck_assert_int_eq(freed, 2);
  ui_lru_destroy(c);
  ck_assert_int_eq(freed, 5);
}
END_TEST

START_TEST(test_lru_cost_bound_and_growth)
{
  struct ui_lru *c = NULL;
  freed = 0;
  ck_assert_int_eq(ui_lru_create(10000, 100, count_free, NULL, &c), UI_OK);
  ck_assert_int_eq(ui_lru_put(c, "big", 3, val(0), 101), UI_E_TOO_LARGE);
  ck_assert_int_eq(freed, 1);
  for (int i = 0; i < 50; i++) {
    char k[16];
    int n = snprintf(k, sizeof k, "k%d", i);
    ck_assert_int_eq(ui_lru_put(c, k, (size_t)n, val(i), 10), UI_OK);
  }
  struct ui_lru_stats st;
  ui_lru_get_stats(c, &st);
  ck_assert_uint_le(st.cost, 100);
  ck_assert_uint_eq(st.entries, 10);
  ck_assert_ptr_nonnull(ui_lru_get(c, "k49", 3));
  ck_assert_ptr_null(ui_lru_get(c, "k0", 2));
  ui_lru_clear(c);
  ui_lru_get_stats(c, &st);
  ck_assert_uint_eq(st.entries, 0);
  /* many entries: the table grows and every key is still found */
  for (int i = 0; i < 2000; i++) {
    char k[16];
    int n = snprintf(k, sizeof k, "key-%d", i);
    ui_lru_put(c, k, (size_t)n, val(i), 0);
  }
  for (int i = 0; i < 2000; i++) {
    char k[16];
    int n = snprintf(k, sizeof k, "key-%d", i);
    int *v = ui_lru_get(c, k, (size_t)n);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(*v, i);
  }
  ui_lru_destroy(c);
}
END_TEST

/* -------------------------------------------------------------- sanitising -- */

START_TEST(test_sanitize_blanks_unmasked)
{
  struct ui_view v;
  ui_view_init(&v, UI_MODE_GATE, UI_VERDICT_STAFF_CHECK);
  strcpy(v.holder.name_masked, "张*明");
  strcpy(v.holder.id_masked, "450902********1234");
  ck_assert_uint_eq(ui_view_sanitize(&v), 0);
  ck_assert_str_eq(v.holder.name_masked, "张*明");
  ck_assert_str_eq(v.holder.id_masked, "450902********1234");

  strcpy(v.holder.name_masked, "张三明");
  strcpy(v.holder.id_masked, "45090219800101123X");
  ck_assert_uint_eq(ui_view_sanitize(&v), 2);
  ck_assert_str_eq(v.holder.name_masked, "");
  ck_assert_str_eq(v.holder.id_masked, "");

  /* a '*' is not enough when most digits are still there */
  strcpy(v.holder.id_masked, "4509021980010*1234");
  ck_assert_uint_eq(ui_view_sanitize(&v), 1);
  ck_assert_str_eq(v.holder.id_masked, "");
}
END_TEST

START_TEST(test_sanitize_clamps_and_terminates)
{
  struct ui_view v;
  ui_view_init(&v, (enum ui_mode)99, (enum ui_verdict)77);
  v.nreasons = 1000;
  v.holder.award_stars = 9;
  memset(v.holder.card_no, 'x', sizeof v.holder.card_no);
  /* a cut UTF-8 character at the end of a full buffer */
  memset(v.reasons[0].key, 'k', sizeof v.reasons[0].key);
  v.reasons[0].key[sizeof v.reasons[0].key - 2] = (char)0xE4;
  v.holder.photo = (const unsigned char *)"x";
  v.holder.photo_len = UI_PHOTO_MAX + 1;
  ui_view_sanitize(&v);
  ck_assert_int_eq(v.mode, UI_MODE_GATE);
  ck_assert_int_eq(v.verdict, UI_VERDICT_ERROR);
  ck_assert_uint_eq(v.nreasons, UI_REASONS_MAX);
  ck_assert_uint_eq(v.holder.award_stars, 5);
  ck_assert_uint_eq(strlen(v.holder.card_no), sizeof v.holder.card_no - 1);
  ck_assert_uint_eq(strlen(v.reasons[0].key), sizeof v.reasons[0].key - 2);
  ck_assert_ptr_null(v.holder.photo);
}
END_TEST

START_TEST(test_add_reason_overflow)
{
  struct ui_view v;
  ui_view_init(&v, UI_MODE_BUS, UI_VERDICT_DENY);
  for (int i = 0; i < 9; i++)
    ui_view_add_reason(&v, "reason.X", "原因", "reason");
  ck_assert_uint_eq(v.nreasons, UI_REASONS_MAX);
  ck_assert_uint_eq(v.nreasons_more, 9 - UI_REASONS_MAX);
  ck_assert_int_eq(v.cashier.fee_fen, -1);
}
END_TEST

START_TEST(test_utf8)
{
  uint32_t cp;
  ck_assert_uint_eq(ui_utf8_decode("\xF0\xA0\x87\x94", 4, &cp), 4); /* 𠇔 */
  ck_assert_uint_eq(cp, 0x201D4);
  ck_assert_uint_eq(ui_utf8_decode("\xE4\xB6\xAE", 3, &cp), 3); /* 䶮 */
  ck_assert_uint_eq(cp, 0x4DAE);
  ck_assert_int_eq(common_utf8_valid("\xF4\x90\x80\x80", 4), 0); /* > U+10FFFF */
  ck_assert_int_eq(common_utf8_valid("\xE4\xB6", 2), 0);
  ck_assert_uint_eq(ui_utf8_clip("\xE4\xB6\xAE\xE4\xB6", 5), 3);
  char buf[5];
  ui_utf8_copy(buf, sizeof buf, "䶮𠇔");
  ck_assert_str_eq(buf, "䶮");
  ui_utf8_copy(buf, sizeof buf, "ab\xFFgh");
  ck_assert_str_eq(buf, "ab");
}
END_TEST

/* ------------------------------------------------------------------- tones -- */

/* Dominant frequency by zero crossings over the first 60 ms. */
static double zc_freq(const int16_t *p, size_t n)
{
  size_t lim = n < UI_TONE_RATE * 6 / 100 ? n : UI_TONE_RATE * 6 / 100, zc = 0;
  for (size_t i = 1; i < lim; i++)
    if ((p[i - 1] < 0) != (p[i] < 0))
      zc++;
  return (double)zc / 2.0 / ((double)lim / UI_TONE_RATE);
}

START_TEST(test_tones_distinct)
{
  double f[UI_TONE_COUNT];
  size_t len[UI_TONE_COUNT];
  for (int t = 0; t < UI_TONE_COUNT; t++) {
    len[t] = ui_tone_generate((enum ui_tone)t, NULL, 0);
    ck_assert_uint_gt(len[t], UI_TONE_RATE / 10);    /* audible: > 100 ms */
    ck_assert_uint_lt(len[t], UI_TONE_RATE * 8 / 10); /* short: < 800 ms */
    int16_t *buf = calloc(len[t], sizeof *buf);
    ck_assert_uint_eq(ui_tone_generate((enum ui_tone)t, buf, len[t]), len[t]);
    int peak = 0;
    for (size_t i = 0; i < len[t]; i++)
      peak = abs(buf[i]) > peak ? abs(buf[i]) : peak;
    ck_assert_int_gt(peak, 3000);
    ck_assert_int_lt(peak, 30000); /* headroom, no clipping */
    ck_assert_int_lt(abs(buf[0]), 500); /* no click at the start */
    ck_assert_int_lt(abs(buf[len[t] - 1]), 500);
    f[t] = zc_freq(buf, len[t]);
    printf("tone %-9s %4zu ms, first note ~%.0f Hz\n", ui_tone_name(t), len[t] * 1000 / UI_TONE_RATE, f[t]);
    free(buf);
  }
  /* deny is low, accept is high, each differs from the others */
  ck_assert(f[UI_TONE_DENY] < 400.0);
  ck_assert(f[UI_TONE_ACCEPT] > 900.0);
  for (int a = 0; a < UI_TONE_COUNT; a++)
    for (int b = a + 1; b < UI_TONE_COUNT; b++)
      ck_assert_msg(fabs(f[a] - f[b]) > 50.0 || len[a] != len[b], "tones %d and %d alike", a, b);
}
END_TEST

START_TEST(test_tone_wav)
{
  char path[] = "/tmp/yh-ui-tone-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  close(fd);
  ck_assert_int_eq(ui_tone_write_wav(UI_TONE_ACCEPT, path), UI_OK);
  FILE *f = fopen(path, "rb");
  unsigned char h[44];
  ck_assert_uint_eq(fread(h, 1, 44, f), 44);
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fclose(f);
  unlink(path);
  ck_assert(memcmp(h, "RIFF", 4) == 0 && memcmp(h + 8, "WAVE", 4) == 0);
  ck_assert_int_eq(size, 44 + (long)ui_tone_generate(UI_TONE_ACCEPT, NULL, 0) * 2);
}
END_TEST

/* --------------------------------------------------------------------- PIN -- */

START_TEST(test_pin_hash_and_verify)
{
  char h[160];
  ck_assert_int_eq(ui_pin_hash("s4lt", "246810", h, sizeof h), UI_OK);
  ck_assert_int_eq(strncmp(h, "sha256$s4lt$", 12), 0);
  ck_assert_uint_eq(strlen(h), 12 + 64);
  ck_assert_int_eq(ui_pin_verify(h, "246810"), 1);
  ck_assert_int_eq(ui_pin_verify(h, "246811"), 0);
  ck_assert_int_eq(ui_pin_verify(h, ""), 0);
  /* SHA-256("abc" || "123") = SHA-256("abc123"), a known vector */
  ck_assert_int_eq(ui_pin_verify("sha256$abc$6ca13d52ca70c883e0f0bb101e425a89e8624de51db2d2392593af6a84118090",
                                 "123"),
                   1);
  ck_assert_int_eq(ui_pin_verify("md5$abc$00", "1"), UI_E_PIN_FORMAT);
  ck_assert_int_eq(ui_pin_verify("sha256$abc$zz", "1"), UI_E_PIN_FORMAT);
  ck_assert_int_eq(ui_pin_verify("sha256$a b$6ca13d52ca70c883e0f0bb101e425a89e8624de51db2d2392593af6a84118090", "1"),
                   UI_E_PIN_FORMAT);
  ck_assert_int_eq(ui_pin_hash("bad salt", "1", h, sizeof h), UI_E_INVALID_ARG);
  ck_assert_int_eq(ui_pin_hash("s", "1", h, 10), UI_E_TOO_LARGE);
}
END_TEST

START_TEST(test_error_names)
{
  ck_assert_str_eq(ui_errname(UI_E_FONT), "UI_E_FONT");
  ck_assert_str_eq(ui_strerror(UI_OK), "success");
  ck_assert_str_eq(ui_errname(12345), "UI_E_UNKNOWN");
  ck_assert_str_eq(ui_mode_name(UI_MODE_CASHIER), "cashier");
  ck_assert_str_eq(ui_verdict_name(UI_VERDICT_STAFF_CHECK), "staff_check");
  ck_assert_str_eq(ui_action_name(UI_ACT_HOLDER_CONFIRM), "holder-confirm");
  ck_assert_ptr_null(ui_action_name(UI_ACT_COUNT));
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("ui.units");
  TCase *tc = tcase_create("contrast");
  tcase_add_test(tc, test_contrast_known_values);
  tcase_add_test(tc, test_every_style_at_least_7_to_1);
  tcase_add_test(tc, test_verdict_colours_differ_in_lightness);
  suite_add_tcase(s, tc);
  tc = tcase_create("lru");
  tcase_add_test(tc, test_lru_evicts_least_recent);
  tcase_add_test(tc, test_lru_cost_bound_and_growth);
  suite_add_tcase(s, tc);
  tc = tcase_create("view");
  tcase_add_test(tc, test_sanitize_blanks_unmasked);
  tcase_add_test(tc, test_sanitize_clamps_and_terminates);
  tcase_add_test(tc, test_add_reason_overflow);
  tcase_add_test(tc, test_utf8);
  suite_add_tcase(s, tc);
  tc = tcase_create("tones");
  tcase_add_test(tc, test_tones_distinct);
  tcase_add_test(tc, test_tone_wav);
  suite_add_tcase(s, tc);
  tc = tcase_create("pin");
  tcase_add_test(tc, test_pin_hash_and_verify);
  tcase_add_test(tc, test_error_names);
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
