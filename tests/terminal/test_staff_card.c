/*
 * Staff who act as themselves, through `kiosk run` as a process (headless), pcscd, vpcd
 * and the card simulator, driven by its control socket (the rig: kt_rig.h):
 *
 *   - sign-in by staff id and PIN against the site's roster (the file a synced roster is
 *     kept in): a wrong PIN signs nobody in; nobody signed in confirms nothing (the
 *     configured staff_id no longer stands in); the signed-in id is journaled with the
 *     sign-in and with the refusal; a roster of another site stops the program;
 *   - a staff refusal at the gate is a decision: DENY with STAFF_REFUSED, journaled with
 *     the staff id of who is acting (term_staff_current: the configured staff_id until a
 *     roster is in force), and the journal's chain still verifies.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kt_rig.h"
#include "proto/roster.h"

#define HOLDER_ID "450902198506121232"
#define GATE "[terminal]\nsite = park.rongzhou-gucheng\nmode = gate\nterminal_id = g1\n"

static struct kt_rig rig;

static void setup(void)
{
  kt_rig_setup(&rig, "kiosk-staff", 1, NULL, 0);
}

static void teardown(void)
{
  kt_rig_teardown(&rig);
}

START_TEST(gate_refusal_journaled_with_staff_id)
{
  kt_rig_write_config(&rig, GATE, "", "");
  kt_kiosk_start(&rig.k, NULL);
  char line[2048];
  kt_tap(&rig, 0, "honour-star3", line, sizeof line);
  kt_expect(line, "verdict", "STAFF_CHECK");
  kt_key(&rig.k, "esc", line, sizeof line); /* staff: not the holder */
  kt_expect(line, "verdict", "DENY");
  kt_expect(line, "journaled", "1");
  ck_assert_msg(strstr(line, "STAFF_REFUSED") != NULL, "reasons: %s", line);
  kt_card_out(&rig, 0);
  kt_kiosk_sigterm(&rig.k);

  static char out[1 << 16];
  ck_assert_int_eq(kt_kiosk_cmd(&rig.k, "journal export", out, sizeof out), 0);
  ck_assert_msg(strstr(out, "\"verdict\":\"DENY\"") && strstr(out, "STAFF_REFUSED") &&
                    strstr(out, "\"staff_id\":\"S01\""),
                "journal: %s", out);
  ck_assert_int_eq(kt_kiosk_cmd(&rig.k, "journal verify", out, sizeof out), 0);
  ck_assert(!kt_file_has(rig.k.log, HOLDER_ID));
}
END_TEST

/* journal.db.roster as docs_apply.c keeps a synced roster: S07 (PIN 246810). */
static void write_roster(const char *site, uint64_t version)
{
  static const uint8_t salt[16] = {7};
  struct proto_roster_entry e;
  memset(&e, 0, sizeof e);
  snprintf(e.id, sizeof e.id, "S07");
  e.role = PROTO_ROLE_STAFF;
  e.to_day = 60000;
  snprintf(e.name, sizeof e.name, "王小明");
  ck_assert_int_eq(proto_pin_hash_with("246810", 10, 8, 1, salt, e.pin_hash, sizeof e.pin_hash),
                   PROTO_OK);
  struct proto_roster_policy pol = PROTO_ROSTER_POLICY_DEFAULT;
  char *doc, path[400];
  size_t len;
  ck_assert_int_eq(proto_roster_encode(site, &pol, &e, 1, &doc, &len), PROTO_OK);
  snprintf(path, sizeof path, "%s/journal.db.roster", rig.dir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "yh-doc roster %llu\n%s", (unsigned long long)version, doc);
  fclose(f);
  free(doc);
}

START_TEST(gate_sign_in_by_id_and_pin)
{
  kt_rig_write_config(&rig, GATE, "", "");
  write_roster("park.rongzhou-gucheng", 3);
  kt_kiosk_start(&rig.k, NULL);
  char line[2048];
  ck_assert_int_eq(kt_status_is(&rig.k, "roster", "3", KT_WAIT_MS), 0);
  ck_assert_int_eq(kt_status_is(&rig.k, "staff", "-", KT_WAIT_MS), 0);

  /* nobody signed in: a confirmation names nobody and grants nothing */
  kt_tap(&rig, 0, "honour-star3", line, sizeof line);
  kt_expect(line, "verdict", "STAFF_CHECK");
  kt_key(&rig.k, "enter", line, sizeof line);
  kt_expect(line, "verdict", "STAFF_CHECK");
  ck_assert_msg(strstr(line, "STAFF_ID_MISSING") != NULL, "%s", line);
  kt_card_out(&rig, 0);
  ck_assert_int_eq(kt_ctl(&rig.k, "reset", line, sizeof line), 0);

  /* a wrong PIN signs nobody in; the right one signs S07 in */
  kt_sign_in(&rig.k, "S07", "111111");
  ck_assert_int_eq(kt_ctl(&rig.k, "key esc", line, sizeof line), 0);
  ck_assert_int_eq(kt_status_is(&rig.k, "staff", "-", 3000), 0);
  ck_assert_int_eq(kt_ctl(&rig.k, "reset", line, sizeof line), 0);
  kt_sign_in(&rig.k, "S07", "246810");
  kt_status_wait(&rig.k, "staff", "S07");
  ck_assert_int_eq(kt_ctl(&rig.k, "key esc", line, sizeof line), 0);

  /* S07 refuses a holder: journaled with S07 */
  kt_tap(&rig, 0, "honour-star3", line, sizeof line);
  kt_expect(line, "verdict", "STAFF_CHECK");
  kt_key(&rig.k, "esc", line, sizeof line);
  kt_expect(line, "verdict", "DENY");
  kt_expect(line, "journaled", "1");
  kt_card_out(&rig, 0);
  /* F10 (the status line's sign-out): S07 is signed out, and it is journaled */
  ck_assert_int_eq(kt_ctl(&rig.k, "key f10", line, sizeof line), 0);
  kt_status_wait(&rig.k, "staff", "-"); /* F10 signed out */
  kt_kiosk_sigterm(&rig.k);

  static char out[1 << 16];
  ck_assert_int_eq(kt_kiosk_cmd(&rig.k, "journal export", out, sizeof out), 0);
  ck_assert_msg(strstr(out, "\"kind\":\"sign_in\"") && strstr(out, "STAFF_REFUSED"), "%s", out);
  ck_assert_msg(strstr(out, "\"kind\":\"sign_out\""), "no sign_out journaled: %s", out);
  ck_assert_msg(strstr(out, "\"staff_id\":\"S07\""), "%s", out);
  ck_assert_msg(!strstr(out, "\"staff_id\":\"S01\""), "the configured id stood in: %s", out);
  ck_assert_int_eq(kt_kiosk_cmd(&rig.k, "journal verify", out, sizeof out), 0);
  ck_assert(!kt_file_has(rig.k.log, "246810"));
  ck_assert(!kt_file_has(rig.k.log, "王小明"));

  /* a roster file of another site: the program refuses to start on it */
  write_roster("park.guishan", 4);
  ck_assert_int_ne(kt_kiosk_cmd(&rig.k, "run", out, sizeof out), 0);
  ck_assert_msg(strstr(out, "another site"), "%s", out);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("terminal_staff_card");
  TCase *tc = tcase_create("staff");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 600); /* a hang guard: every wait inside is a condition */
  tcase_add_test(tc, gate_refusal_journaled_with_staff_id);
  tcase_add_test(tc, gate_sign_in_by_id_and_pin);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
