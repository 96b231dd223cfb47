/* ui input without a window: the key and touch mapping (input.h) as a table, and the
 * staff PIN entry with its lockout (pinpad.h). */
#include <check.h>
#include <string.h>

#include "ui/entry.h"
#include "input.h"
#include "pinpad.h"
#include "ui/pin.h"

/* ---------------------------------------------------------------- keys -- */

static const struct {
  SDL_Keycode sym;
  Uint16 mod;
  enum ui_cmd_kind kind;
  int ch;
} keys[] = {
    {SDLK_RETURN, 0, UI_CMD_ENTER, 0},       {SDLK_KP_ENTER, 0, UI_CMD_ENTER, 0},
    {SDLK_ESCAPE, 0, UI_CMD_ESC, 0},         {SDLK_F2, 0, UI_CMD_LANG, 0},
    {SDLK_F12, 0, UI_CMD_STAFF, 0},          {SDLK_F9, 0, UI_CMD_OVERRIDE, 0},
    {SDLK_LEFT, 0, UI_CMD_LEFT, 0},          {SDLK_RIGHT, 0, UI_CMD_RIGHT, 0},
    {SDLK_UP, 0, UI_CMD_UP, 0},              {SDLK_DOWN, 0, UI_CMD_DOWN, 0},
    {SDLK_BACKSPACE, 0, UI_CMD_BACKSPACE, 0}, {SDLK_KP_1, 0, UI_CMD_CHAR, '1'},
    {SDLK_KP_9, 0, UI_CMD_CHAR, '9'},        {SDLK_KP_0, 0, UI_CMD_CHAR, '0'},
    {SDLK_0, 0, UI_CMD_CHAR, '0'},           {SDLK_7, 0, UI_CMD_CHAR, '7'},
    {SDLK_MINUS, 0, UI_CMD_CHAR, '-'},       {SDLK_a, 0, UI_CMD_CHAR, 'a'},
    {SDLK_z, KMOD_LSHIFT, UI_CMD_CHAR, 'Z'}, {SDLK_q, KMOD_RSHIFT, UI_CMD_CHAR, 'Q'},
    {SDLK_F1, 0, UI_CMD_NONE, 0},            {SDLK_SPACE, 0, UI_CMD_NONE, 0},
    {SDLK_TAB, 0, UI_CMD_NONE, 0},           {SDLK_F4, 0, UI_CMD_ID, 0},
    {SDLK_F10, 0, UI_CMD_SIGN_OUT, 0},       {SDLK_SLASH, 0, UI_CMD_CHAR, '/'},
    {SDLK_PERIOD, 0, UI_CMD_CHAR, '.'},      {SDLK_UNDERSCORE, 0, UI_CMD_CHAR, '_'},
};

START_TEST(test_key_table)
{
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    struct ui_cmd c = ui_input_key(keys[i].sym, keys[i].mod);
    ck_assert_msg(c.kind == keys[i].kind, "key %zu: kind %d", i, (int)c.kind);
    ck_assert_msg(c.ch == keys[i].ch, "key %zu: ch %d", i, c.ch);
    ck_assert_int_eq(c.row, -1);
  }
}
END_TEST

/* --------------------------------------------------------------- touches -- */

static const struct {
  enum ui_hit_kind hit;
  int value;
  enum ui_cmd_kind kind;
  int ch, row;
} touches[] = {
    {UI_HIT_CONFIRM, 0, UI_CMD_ENTER, 0, -1},
    {UI_HIT_REPEAT_ACCEPT, 0, UI_CMD_ENTER, 0, -1},
    {UI_HIT_STATION_CONFIRM, 2, UI_CMD_ENTER, 0, -1},
    {UI_HIT_PIN_OK, 0, UI_CMD_ENTER, 0, -1},
    {UI_HIT_BILL_OK, 0, UI_CMD_ENTER, 0, -1},
    {UI_HIT_REFUSE, 0, UI_CMD_ESC, 0, -1},
    {UI_HIT_STATION_CANCEL, 0, UI_CMD_ESC, 0, -1},
    {UI_HIT_PIN_CANCEL, 0, UI_CMD_ESC, 0, -1},
    {UI_HIT_LOGOUT, 0, UI_CMD_ESC, 0, -1},
    {UI_HIT_OVERRIDE, 0, UI_CMD_OVERRIDE, 0, -1},
    {UI_HIT_VISIT, UI_VISIT_OUTPATIENT, UI_CMD_LEFT, 0, -1},
    {UI_HIT_VISIT, UI_VISIT_INPATIENT, UI_CMD_RIGHT, 0, -1},
    {UI_HIT_LANG, 0, UI_CMD_LANG, 0, -1},
    {UI_HIT_DIGIT, 0, UI_CMD_CHAR, '0', -1},
    {UI_HIT_DIGIT, 7, UI_CMD_CHAR, '7', -1},
    {UI_HIT_PIN_DEL, 0, UI_CMD_BACKSPACE, 0, -1},
    {UI_HIT_TONE, 0, UI_CMD_TONE, 0, -1},
    {UI_HIT_ROW, 3, UI_CMD_ENTER, 0, 3},
    {UI_HIT_STAFF, 0, UI_CMD_STAFF, 0, -1},
    {UI_HIT_ID, 0, UI_CMD_ID, 0, -1},
    {UI_HIT_SIGN_OUT, 0, UI_CMD_SIGN_OUT, 0, -1},
};

START_TEST(test_touch_table)
{
  for (size_t i = 0; i < sizeof touches / sizeof touches[0]; i++) {
    struct ui_hit h = {{100, 100, 50, 40}, touches[i].hit, touches[i].value};
    struct ui_cmd c = ui_input_touch(&h, 1, 120, 110);
    ck_assert_msg(c.kind == touches[i].kind, "touch %zu: kind %d", i, (int)c.kind);
    ck_assert_int_eq(c.ch, touches[i].ch);
    ck_assert_int_eq(c.row, touches[i].row);
    /* outside the target: activity only */
    c = ui_input_touch(&h, 1, 99, 110);
    ck_assert(c.kind == UI_CMD_NONE && c.row == -1);
  }
}
END_TEST

START_TEST(test_touch_first_hit_wins)
{
  struct ui_hit h[2] = {{{0, 0, 100, 100}, UI_HIT_REFUSE, 0}, {{0, 0, 100, 100}, UI_HIT_CONFIRM, 0}};
  ck_assert(ui_input_touch(h, 2, 10, 10).kind == UI_CMD_ESC);
  ck_assert(ui_input_touch(NULL, 0, 10, 10).kind == UI_CMD_NONE);
}
END_TEST

/* ---------------------------------------------------------------- PIN pad -- */

static int check_1234(void *user, const char *pin)
{
  (void)user;
  return strcmp(pin, "1234") == 0;
}

static void type(struct ui_pinpad *pad, const char *digits)
{
  for (const char *d = digits; *d; d++)
    ui_pinpad_digit(pad, *d - '0');
}

/* The bill field takes what common_bill_no_valid takes, character by character, up to
 * its length in bytes without cutting a character (issue 12 item 5). */
START_TEST(test_bill_entry)
{
  char b[64] = "";
  ck_assert_uint_eq(ui_entry_bill_append(b, sizeof b, "MZ2026/12/01"), 12);
  ck_assert_uint_eq(ui_entry_bill_append(b, sizeof b, "_a.-"), 4);
  ck_assert_str_eq(b, "MZ2026/12/01_a.-");
  b[0] = '\0';
  /* an input method commits several characters at once */
  ck_assert_uint_eq(ui_entry_bill_append(b, sizeof b, "门诊123"), 5);
  ck_assert_str_eq(b, "门诊123");
  /* refused characters are dropped, the rest taken: space, |, quote, control, emoji,
   * full-width digits, CJK punctuation */
  ck_assert_uint_eq(ui_entry_bill_append(b, sizeof b, " |\"\t\xF0\x9F\x98\x80\xEF\xBC\x91\xE3\x80\x82" "A"), 1);
  ck_assert_str_eq(b, "门诊123A");
  /* invalid UTF-8 (a lone continuation byte, a truncated sequence) is dropped */
  ck_assert_uint_eq(ui_entry_bill_append(b, sizeof b, "\x80\xE9\x97"), 0);
  ck_assert_str_eq(b, "门诊123A");
  /* backspace takes a whole character */
  ui_entry_bill_backspace(b);
  ui_entry_bill_backspace(b);
  ui_entry_bill_backspace(b);
  ui_entry_bill_backspace(b);
  ck_assert_str_eq(b, "门诊");
  ui_entry_bill_backspace(b);
  ck_assert_str_eq(b, "门");
  ui_entry_bill_backspace(b);
  ui_entry_bill_backspace(b);
  ck_assert_str_eq(b, "");
  /* the length: 63 bytes; 21 ideographs fill it, a 22nd is not cut in half */
  for (int i = 0; i < 30; i++)
    ui_entry_bill_append(b, sizeof b, "诊");
  ck_assert_uint_eq(strlen(b), 63);
  ck_assert_int_eq(common_bill_no_valid(b), 1);
  ck_assert_uint_eq(ui_entry_bill_append(b, sizeof b, "1"), 0);
  b[0] = '\0';
  for (int i = 0; i < 62; i++)
    ui_entry_bill_append(b, sizeof b, "A");
  ck_assert_uint_eq(ui_entry_bill_append(b, sizeof b, "诊"), 0); /* 3 bytes do not fit */
  ck_assert_uint_eq(ui_entry_bill_append(b, sizeof b, "B"), 1);
  ck_assert_uint_eq(strlen(b), 63);
  /* a smaller buffer bounds it too */
  char small[5] = "";
  ck_assert_uint_eq(ui_entry_bill_append(small, sizeof small, "诊诊"), 1);
  ck_assert_str_eq(small, "诊");
  ck_assert_uint_eq(ui_entry_bill_append(NULL, 4, "A"), 0);
  ck_assert_uint_eq(ui_entry_bill_append(small, sizeof small, NULL), 0);
}
END_TEST

/* The ID field: digits, X only last, its display never more than the mask, the check
 * digit checked by common's rule, wiped. */
START_TEST(test_id_field)
{
  struct ui_idfield f;
  memset(&f, 0, sizeof f);
  char shown[64], out[COMMON_ID_LEN + 1];
  ck_assert_int_eq(ui_idfield_char(&f, 'X'), 0); /* not first */
  ck_assert_int_eq(ui_idfield_char(&f, 'a'), 0);
  const char *id = "45098119900815105X";
  for (int i = 0; i < 17; i++)
    ck_assert_int_eq(ui_idfield_char(&f, id[i]), 1);
  ui_idfield_shown(&f, shown, sizeof shown);
  /* 6 clear, 8 dots, then the three typed of the last four */
  ck_assert_str_eq(shown, "450981\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2"
                          "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2" "105");
  ck_assert_ptr_null(strstr(shown, "19900815"));
  ck_assert_int_eq(ui_idfield_check(&f, out), COMMON_ID_LENGTH);
  ck_assert_int_eq(ui_idfield_char(&f, 'x'), 1); /* lower case, upper-cased */
  ck_assert_int_eq(ui_idfield_char(&f, '1'), 0); /* full */
  ck_assert_int_eq(ui_idfield_check(&f, out), COMMON_ID_OK);
  ck_assert_str_eq(out, id);
  ui_idfield_shown(&f, shown, sizeof shown);
  char mask[32];
  ck_assert_int_eq(common_id_mask(id, mask, sizeof mask), 0);
  /* the display is the house mask with dots for stars */
  ck_assert_uint_eq(strlen(shown), 6 + 8 * 3 + 4);
  ck_assert_int_eq(memcmp(shown, mask, 6), 0);
  ck_assert_str_eq(shown + 6 + 24, mask + 14);
  /* a wrong check digit */
  ui_idfield_backspace(&f);
  ck_assert_int_eq(ui_idfield_char(&f, '7'), 1);
  ck_assert_int_eq(ui_idfield_check(&f, out), COMMON_ID_CHECK_DIGIT);
  ui_idfield_wipe(&f);
  ck_assert_uint_eq(f.len, 0);
  for (size_t i = 0; i < sizeof f.d; i++)
    ck_assert_int_eq(f.d[i], 0);
  /* a tiny display buffer is bounded */
  for (int i = 0; i < 18; i++)
    ui_idfield_char(&f, "450981198001011236"[i]);
  char tiny[8];
  ui_idfield_shown(&f, tiny, sizeof tiny);
  ck_assert_str_eq(tiny, "450981");
  ck_assert_int_eq(ui_idfield_check(&f, out), COMMON_ID_OK);
  ui_idfield_wipe(&f);
}
END_TEST

START_TEST(test_pinpad_right_pin)
{
  struct ui_config cfg;
  ui_config_init(&cfg);
  cfg.pin_check = check_1234;
  struct ui_pinpad pad = {0};
  ui_pinpad_open(&pad, &cfg);
  ck_assert_ptr_null(pad.msg);
  type(&pad, "12345");
  ui_pinpad_delete(&pad);
  ck_assert_str_eq(pad.pin, "1234");
  ck_assert(ui_pinpad_submit(&pad, &cfg, 1000, NULL) == UI_PIN_ACCEPTED);
  ck_assert_uint_eq(pad.len, 0);
  ck_assert_str_eq(pad.pin, "");
  ck_assert_ptr_null(pad.msg);
}
END_TEST

START_TEST(test_pinpad_hash_and_length)
{
  char hash[160];
  ck_assert_int_eq(ui_pin_hash("salt", "4321", hash, sizeof hash), UI_OK);
  struct ui_config cfg;
  ui_config_init(&cfg);
  cfg.pin_hash = hash;
  struct ui_pinpad pad = {0};
  type(&pad, "4321");
  ck_assert(ui_pinpad_submit(&pad, &cfg, 0, NULL) == UI_PIN_ACCEPTED);
  /* digits past UI_PIN_LEN_MAX are dropped */
  type(&pad, "12345678901234567890");
  ck_assert_uint_eq(pad.len, UI_PIN_LEN_MAX);
  ck_assert_str_eq(pad.pin, "1234567890123456");
}
END_TEST

START_TEST(test_pinpad_lockout)
{
  struct ui_config cfg;
  ui_config_init(&cfg);
  cfg.pin_check = check_1234;
  struct ui_pinpad pad = {0};
  unsigned attempt = 0;
  for (unsigned i = 1; i <= UI_PIN_FAILURES_MAX; i++) {
    type(&pad, "0000");
    ck_assert(ui_pinpad_submit(&pad, &cfg, 1000, &attempt) == UI_PIN_WRONG);
    ck_assert_uint_eq(attempt, i);
    ck_assert_str_eq(pad.msg, i < UI_PIN_FAILURES_MAX ? "pin.wrong" : "pin.locked");
  }
  /* locked: even the right PIN is not checked */
  type(&pad, "1234");
  ck_assert(ui_pinpad_submit(&pad, &cfg, 1000 + UI_PIN_LOCK_MS - 1, NULL) == UI_PIN_LOCKED);
  ck_assert_str_eq(pad.msg, "pin.locked");
  /* a new digit clears the message; back to idle keeps the lockout */
  ui_pinpad_digit(&pad, 1);
  ck_assert_ptr_null(pad.msg);
  ui_pinpad_reset(&pad);
  ck_assert_uint_eq(pad.len, 0);
  type(&pad, "1234");
  ck_assert(ui_pinpad_submit(&pad, &cfg, 1000 + UI_PIN_LOCK_MS, NULL) == UI_PIN_ACCEPTED);
}
END_TEST

START_TEST(test_pinpad_closed)
{
  struct ui_config cfg;
  ui_config_init(&cfg);
  struct ui_pinpad pad = {0};
  ui_pinpad_open(&pad, &cfg);
  ck_assert_str_eq(pad.msg, "pin.closed");
  type(&pad, "1234");
  ck_assert(ui_pinpad_submit(&pad, &cfg, 0, NULL) == UI_PIN_CLOSED);
  ck_assert_str_eq(pad.msg, "pin.closed");
  ck_assert_uint_eq(pad.failures, 0);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("ui.input");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_key_table);
  tcase_add_test(tc, test_touch_table);
  tcase_add_test(tc, test_touch_first_hit_wins);
  tcase_add_test(tc, test_bill_entry);
  tcase_add_test(tc, test_id_field);
  tcase_add_test(tc, test_pinpad_right_pin);
  tcase_add_test(tc, test_pinpad_hash_and_length);
  tcase_add_test(tc, test_pinpad_lockout);
  tcase_add_test(tc, test_pinpad_closed);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
