/*
 * The readers, as an installer meets them (issue 13, item 5), through the real programs,
 * pcscd, its two vpcd readers and the card simulator (kt_rig.h):
 *
 *   - `kiosk readers` lists both virtual readers with the card in each: its ATR and kind
 *     (honour card, social security card) or "empty", and marks the configured one; it
 *     prints no card data (the holder's ID number, name and card number are nowhere in
 *     its output);
 *   - `kiosk config check` with a reader name that is not connected fails naming the
 *     reader and the readers connected now; a quoted name is refused with a message
 *     saying so; with pcscd unreachable the reader check is a warning, not an error;
 *   - `kiosk run` with a missing reader logs the readers present, once (cards coming and
 *     going are no change of the set);
 *   - the "readers present" log's rule (terminal/readers_seen.c) on a table of events:
 *     logged once per situation, again when the set of readers changes, not while the
 *     configured reader is there. The set of readers pcscd lists cannot change under a
 *     running test (vpcd's readers come from pcscd's configuration at its start, and the
 *     fixture's pcscd is shared), so this part is a unit table, not a pcscd run.
 *
 * pcscd "unreachable" for one command: PCSCLITE_CSOCK_NAME names a socket nobody listens
 * on, for that process only; the fixture's pcscd is never stopped here.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kt_rig.h"
#include "readers_seen.h"

#define HOLDER_ID "450902198506121232"
#define HOLDER_NAME "张晓明"
#define GATE "[terminal]\nsite = park.rongzhou-gucheng\nmode = gate\nterminal_id = g1\n"
#define NO_SUCH "No Such Reader 00 00"
#define HC_ATR "ATR 3B 86 81 31 FE 45 59 48 48 43 01 00 96"
#define SSC_ATR "ATR 3B 86 81 31 FE 45 53 53 53 45 03 00 98"

static struct kt_rig rig;
static char out[1 << 16];

static void setup(void)
{
  kt_rig_setup(&rig, "kiosk-readers", 2, NULL, 0);
}

static void teardown(void)
{
  kt_rig_teardown(&rig);
}

/* The config with reader = name (the rig's writes reader[0]; this one any name). */
static void write_config_reader(const char *name)
{
  char sec[512];
  snprintf(sec, sizeof sec, GATE "reader = %s\n", name);
  /* a second "reader" key: the parser refuses duplicates, so write the whole file */
  FILE *f = fopen(rig.k.cfg, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f,
          "%s"
          "[paths]\ntrust_store = pki/trust\njournal = journal.db\nrevocation = revocation.yrl\n"
          "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-01-01\n"
          "[ui]\nfullscreen = false\nsound = false\nspeech = false\n",
          sec);
  ck_assert_int_eq(fclose(f), 0);
}

/* `kiosk ARGS --config ...` with pcscd unreachable for it alone. */
static int kiosk_without_pcscd(const char *args)
{
  char sockname[400];
  snprintf(sockname, sizeof sockname, "%s/no-pcscd.comm", rig.dir);
  ck_assert_int_eq(setenv("PCSCLITE_CSOCK_NAME", sockname, 1), 0);
  int rc = kt_kiosk_cmd(&rig.k, args, out, sizeof out);
  ck_assert_int_eq(unsetenv("PCSCLITE_CSOCK_NAME"), 0);
  return rc;
}

static void no_card_data(const char *text)
{
  ck_assert_msg(!strstr(text, HOLDER_ID), "the ID number is printed: %s", text);
  ck_assert_msg(!strstr(text, "19850612"), "the birth date is printed: %s", text);
  ck_assert_msg(!strstr(text, HOLDER_NAME), "the name is printed: %s", text);
  ck_assert_msg(!strstr(text, "YL2024"), "a card number is printed: %s", text);
}

START_TEST(readers_lists_atr_and_kind)
{
  kt_rig_write_config(&rig, GATE, "", "");
  kt_card_in(&rig, 0, "honour-star3");
  kt_card_in(&rig, 1, "ssc-valid");
  ck_assert_int_eq(yh_wait_reader_state(rig.reader[0], 1, KT_WAIT_MS), 0);
  ck_assert_int_eq(yh_wait_reader_state(rig.reader[1], 1, KT_WAIT_MS), 0);

  ck_assert_msg(kt_kiosk_cmd(&rig.k, "readers", out, sizeof out) == 0, "%s", out);
  char want[400];
  snprintf(want, sizeof want, "  %s  <- [terminal] reader\n      card: honour card, " HC_ATR "\n",
           rig.reader[0]);
  ck_assert_msg(strstr(out, want), "want '%s' in: %s", want, out);
  snprintf(want, sizeof want, "  %s\n      card: social security card, " SSC_ATR "\n",
           rig.reader[1]);
  ck_assert_msg(strstr(out, want), "want '%s' in: %s", want, out);
  no_card_data(out);
  printf("%s", out);

  /* the social security card out: that reader is empty; no --config: no role marked */
  kt_card_out(&rig, 1);
  char cmd[600];
  snprintf(cmd, sizeof cmd, "'%s' readers", rig.k.bin);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t n = fread(out, 1, sizeof out - 1, p);
  out[n] = '\0';
  ck_assert_int_eq(pclose(p), 0);
  snprintf(want, sizeof want, "  %s\n      empty\n", rig.reader[1]);
  ck_assert_msg(strstr(out, want), "want '%s' in: %s", want, out);
  ck_assert_msg(!strstr(out, "<-"), "a role without a configuration: %s", out);
  no_card_data(out);

  /* a configured reader that is not there: exit 1, saying so, still listing */
  write_config_reader(NO_SUCH);
  ck_assert_int_eq(kt_kiosk_cmd(&rig.k, "readers", out, sizeof out), 1);
  ck_assert_msg(strstr(out, "configured reader \"" NO_SUCH "\" is not connected"), "%s", out);
  ck_assert_msg(strstr(out, rig.reader[0]) && strstr(out, rig.reader[1]), "%s", out);
  /* pcscd unreachable: exit 1 and what to do */
  ck_assert_int_eq(kiosk_without_pcscd("readers"), 1);
  ck_assert_msg(strstr(out, "pcscd is not running"), "%s", out);
}
END_TEST

START_TEST(config_check_reader)
{
  /* the rig's configuration with the reader connected: ok (so what fails below is the
   * reader alone) */
  kt_rig_write_config(&rig, GATE, "", "");
  ck_assert_msg(kt_kiosk_cmd(&rig.k, "config check", out, sizeof out) == 0, "%s", out);
  ck_assert_msg(strstr(out, "configuration ok"), "%s", out);

  /* not connected: an error naming the key, the reader and the readers there */
  write_config_reader(NO_SUCH);
  ck_assert_int_eq(kt_kiosk_cmd(&rig.k, "config check", out, sizeof out), 1);
  ck_assert_msg(strstr(out, "error: [terminal] reader: \"" NO_SUCH "\" is not connected"), "%s",
                out);
  char present[300];
  snprintf(present, sizeof present, "connected now: \"%s\", \"%s\"", rig.reader[0],
           rig.reader[1]);
  ck_assert_msg(strstr(out, present), "want '%s' in: %s", present, out);
  ck_assert_msg(strstr(out, "kiosk.ini"), "the file is not named: %s", out);

  /* pcscd unreachable: a warning, not an error (the reader may be plugged in later) */
  ck_assert_msg(kiosk_without_pcscd("config check") == 0, "%s", out);
  ck_assert_msg(strstr(out, "warning: [terminal] reader: pcscd is not running"), "%s", out);
  ck_assert_msg(strstr(out, "configuration ok (with warnings)"), "%s", out);

  /* a quoted name (as some guides write it): refused, saying why */
  char quoted[200];
  snprintf(quoted, sizeof quoted, "\"%s\"", rig.reader[0]);
  write_config_reader(quoted);
  ck_assert_int_eq(kt_kiosk_cmd(&rig.k, "config check", out, sizeof out), 1);
  ck_assert_msg(strstr(out, "error: [terminal] reader: the name is in quotes"), "%s", out);
  ck_assert_int_eq(kt_kiosk_cmd(&rig.k, "readers", out, sizeof out), 1);
  ck_assert_msg(strstr(out, "in quotes"), "kiosk readers does not say why: %s", out);
}
END_TEST

/* A count of lines of the log holding needle. */
static int log_count(const char *needle)
{
  FILE *f = fopen(rig.k.log, "r");
  if (!f)
    return 0;
  char line[2048];
  int n = 0;
  while (fgets(line, sizeof line, f))
    n += strstr(line, needle) != NULL;
  fclose(f);
  return n;
}

START_TEST(run_logs_readers_present)
{
  write_config_reader(NO_SUCH);
  kt_kiosk_spawn(&rig.k, NULL);
  kt_status_wait(&rig.k, "reader", "missing");
  char want[400];
  snprintf(want, sizeof want, "reader \"" NO_SUCH "\" not connected; readers present: \"%s\", "
                              "\"%s\"",
           rig.reader[0], rig.reader[1]);
  ck_assert_msg(kt_log_wait(&rig.k, want, KT_WAIT_MS) == 0, "want '%s' in the log: %s", want,
                kt_log_tail(&rig.k));
  /* cards in the readers are no change of the set: still one line */
  kt_card_in(&rig, 1, "honour-star3");
  ck_assert_int_eq(yh_wait_reader_state(rig.reader[1], 1, KT_WAIT_MS), 0);
  kt_card_out(&rig, 1);
  kt_ctl_ok(&rig.k, "status");
  yh_sleep_ms(2500); /* more than the terminal's once-a-second report: a second line would
                      * be there by now on an idle machine, and a late one fails below */
  kt_kiosk_sigterm(&rig.k);
  ck_assert_int_eq(log_count("readers present"), 1);
  ck_assert(!kt_file_has(rig.k.log, HOLDER_ID));
  ck_assert(!kt_file_has(rig.k.log, HOLDER_NAME));
}
END_TEST

/* -------------------------------------------------- readers_seen.c's rule -- */

enum op { ADD, DEL, GONE, REPORT };

static const struct step {
  enum op op;
  const char *name; /* ADD/DEL: the reader */
  const char *log;  /* REPORT: the line it must log, NULL: none */
} steps[] = {
    {ADD, "A 00 00", NULL},
    {ADD, "B 00 00", NULL},
    {REPORT, NULL, "reader \"R\" not connected; readers present: \"A 00 00\", \"B 00 00\""},
    {REPORT, NULL, NULL}, /* the same situation: once */
    {ADD, "A 00 00", NULL}, /* seen again: no change */
    {REPORT, NULL, NULL},
    {ADD, "C 00 00", NULL}, /* another reader plugged in: logged again */
    {REPORT, NULL, "readers present: \"A 00 00\", \"B 00 00\", \"C 00 00\""},
    {DEL, "A 00 00", NULL}, /* one unplugged: again */
    {REPORT, NULL, "readers present: \"B 00 00\", \"C 00 00\""},
    {ADD, "R", NULL}, /* the configured one is there: nothing to say */
    {REPORT, NULL, NULL},
    {DEL, "R", NULL}, /* and gone again: news again, even for a set seen before */
    {REPORT, NULL, "reader \"R\" not connected; readers present: \"B 00 00\", \"C 00 00\""},
    {GONE, NULL, NULL}, /* pcscd gone: none present */
    {REPORT, NULL, "readers present: none"},
    {ADD, "B 00 00", NULL},
    {REPORT, NULL, "readers present: \"B 00 00\" (kiosk readers"},
};

START_TEST(seen_logs_once_per_set)
{
  char path[] = "/tmp/kiosk-seen-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_ge(dup2(fd, 2), 0); /* app_log's stderr (this forked test's own) */
  struct term_readers_seen r;
  memset(&r, 0, sizeof r);
  long at = 0;
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    const struct step *s = &steps[i];
    if (s->op == ADD || s->op == DEL) {
      term_readers_seen_update(&r, s->name, s->op == ADD);
      continue;
    }
    if (s->op == GONE) {
      term_readers_seen_clear(&r);
      continue;
    }
    term_readers_seen_report(&r, "R", "");
    fflush(stderr);
    char got[1024] = "";
    ssize_t n = pread(fd, got, sizeof got - 1, at);
    ck_assert_int_ge(n, 0);
    got[n] = '\0';
    at += n;
    if (!s->log)
      ck_assert_msg(n == 0, "step %zu: logged '%s'", i, got);
    else
      ck_assert_msg(strstr(got, s->log), "step %zu: want '%s', got '%s'", i, s->log, got);
  }
  close(fd);
  unlink(path);
}
END_TEST

START_TEST(seen_names_both_missing_readers)
{
  char path[] = "/tmp/kiosk-seen-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_ge(dup2(fd, 2), 0);
  struct term_readers_seen r;
  memset(&r, 0, sizeof r);
  term_readers_seen_update(&r, "A 00 00", 1);
  term_readers_seen_report(&r, "R", "S");
  fflush(stderr);
  char got[1024] = "";
  ssize_t n = pread(fd, got, sizeof got - 1, 0);
  ck_assert_int_gt(n, 0);
  got[n] = '\0';
  ck_assert_msg(strstr(got, "reader \"R\" and ssc_reader \"S\" not connected"), "%s", got);
  close(fd);
  unlink(path);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("terminal_readers");
  TCase *seen = tcase_create("seen");
  tcase_add_test(seen, seen_logs_once_per_set);
  tcase_add_test(seen, seen_names_both_missing_readers);
  suite_add_tcase(s, seen);
  TCase *tc = tcase_create("readers");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 600); /* a hang guard: every wait inside is a condition */
  tcase_add_test(tc, readers_lists_atr_and_kind);
  tcase_add_test(tc, config_check_reader);
  tcase_add_test(tc, run_logs_readers_present);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
