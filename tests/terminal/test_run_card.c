/*
 * `kiosk run` as a process, headless (SDL offscreen), through pcscd, vpcd and the card
 * simulator, driven through its control socket: what the demo does not show.
 *
 *   - pcscd restarted under a running terminal: the reader banner, then cards are read
 *     again by the same process (no restart); a card pulled in the middle of the
 *     exchange and a card that is no honour card are read errors, not decisions;
 *   - the cashier with one reader: the holder swaps the honour card for the social
 *     security card when the screen asks; staff choose the visit and type the bill;
 *   - station mode shows the station database's ready-for-collection list;
 *   - SIGTERM stops it cleanly (exit 0); neither its log nor its journal holds the
 *     holder's ID number or name;
 *   - systemd: READY=1, WATCHDOG=1 every half interval, STOPPING=1 on $NOTIFY_SOCKET;
 *   - a mute card (issue 11, item 6): "card not responding" within card_deadline_ms, the
 *     decision thread free meanwhile, nothing journaled; the next card on the same
 *     reader is decided by the same process.
 *
 * A card test (pcscd fixture, vpcd lock). The PKI comes from `yhpki test-pki`; the
 * revocation list is signed here (the terminal runs offline: no [sync]).
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cardsim.h"
#include "kiosk/revoke.h"
#include "station/db.h"
#include "kt_rig.h"
#include "yh_fixture.h"

#define HOLDER_ID "450902198506121232" /* the simulated holder's ID number */

/* Every wait below is a condition with a generous deadline: a loaded machine (tests/stress)
 * takes longer, never fails. Timings are measured by the benchmarks, not asserted here. */

/* The [terminal] sections of the three kinds of terminal tested here. */
#define GATE "[terminal]\nsite = park.rongzhou-gucheng\nmode = gate\nterminal_id = g1\n"
#define CASHIER "[terminal]\nsite = hosp.yl-first-people\nmode = cashier\nterminal_id = c1\n"
#define STATION "[terminal]\nsite = station.yl-central-blood\nmode = station\nterminal_id = s1\n"

static struct kt_rig rig;

static void setup(void)
{
  kt_rig_setup(&rig, "kiosk-run", 2, NULL, 0);
}

static void teardown(void)
{
  kt_rig_teardown(&rig);
}

START_TEST(gate_rides_out_pcscd_restart)
{
  kt_rig_write_config(&rig, GATE, "", "");
  kt_kiosk_start(&rig.k, NULL);
  char line[2048];
  kt_tap(&rig, 0, "honour-star3", line, sizeof line);
  kt_expect(line, "verdict", "STAFF_CHECK");
  kt_expect(line, "screen", "holder_check");
  kt_expect(line, "photo", "1");
  kt_card_out(&rig, 0);

  /* not an honour card: a read error, no decision */
  kt_tap(&rig, 0, "honour-foreign", line, sizeof line);
  kt_expect(line, "kind", "read-error");
  kt_expect(line, "reasons", "error.unknown_card");
  kt_card_out(&rig, 0);

  /* pulled after the first command of the exchange */
  cardsim_set_fault(rig.sim[0], CARDSIM_FAULT_DROP_AFTER, 1);
  kt_tap(&rig, 0, "honour-star3", line, sizeof line);
  kt_expect(line, "kind", "read-error");
  cardsim_set_fault(rig.sim[0], CARDSIM_FAULT_NONE, 0);
  cardsim_remove(rig.sim[0]);
  yh_wait_reader_state(rig.reader[0], 0, KT_WAIT_MS);

  int rc = yh_pcscd_restart();
  ck_assert_int_ne(rc, -1);
  if (rc == 0) {
    /* the watcher saw pcscd go and come back; the same process reads the next card */
    ck_assert_int_eq(kt_status_is(&rig.k, "reader", "ready", KT_WAIT_MS), 0);
    kt_tap(&rig, 0, "honour-volunteer5", line, sizeof line);
    kt_expect(line, "verdict", "STAFF_CHECK");
    kt_key(&rig.k, "enter", line, sizeof line);
    kt_expect(line, "verdict", "GRANT");
    kt_expect(line, "journaled", "1");
  }
  ck_assert_int_eq(waitpid(rig.k.pid, NULL, WNOHANG), 0); /* never restarted */
  kt_kiosk_sigterm(&rig.k);
  if (rc == 0) {
    ck_assert(kt_file_has(rig.k.log, "pcscd gone"));
    ck_assert(kt_file_has(rig.k.log, "pcscd back"));
  }
  ck_assert(!kt_file_has(rig.k.log, HOLDER_ID));
  ck_assert(!kt_file_has(rig.k.log, "张晓明"));
  ck_assert(!kt_file_has(rig.k.log, "YL2024")); /* card numbers stay out of the log too */
}
END_TEST

START_TEST(cashier_with_one_reader)
{
  kt_rig_write_config(&rig, CASHIER, "", "");
  char tpath[400];
  snprintf(tpath, sizeof tpath, "%s/journal.db.tariff", rig.dir); /* the hospital's fees */
  kt_write_tariff(tpath, "hosp.yl-first-people", 1, 1500, 1200);
  kt_kiosk_start(&rig.k, NULL);
  char line[2048];
  kt_tap(&rig, 0, "honour-star3", line, sizeof line);
  kt_expect(line, "verdict", "STAFF_CHECK");
  kt_expect(line, "screen", "cashier");
  kt_expect(line, "needs", "credential,visit,bill");
  /* the screen asks for the social security card: the holder swaps cards */
  kt_card_out(&rig, 0);
  kt_tap(&rig, 0, "ssc-valid", line, sizeof line);
  kt_expect(line, "verdict", "STAFF_CHECK");
  kt_expect(line, "credential", "ssc_matched");
  kt_expect(line, "id", "450902********1232");
  kt_expect(line, "needs", "visit,bill");
  kt_key(&rig.k, "right", line, sizeof line); /* inpatient */
  kt_expect(line, "needs", "bill");
  uint32_t seq = kt_last_seq(&rig.k);
  ck_assert_int_eq(kt_ctl(&rig.k, "type ZY-0042", line, sizeof line), 0);
  ck_assert_int_eq(kt_ctl(&rig.k, "key enter", line, sizeof line), 0);
  ck_assert_int_eq(kt_wait_outcome(&rig.k, seq, KT_WAIT_MS, line, sizeof line), 0);
  kt_expect(line, "verdict", "GRANT");
  kt_expect(line, "journaled", "1");
  /* the view reached the screen (the screen's own measure of decision to frame; how fast
   * is bench_ui's business: a loaded machine must not fail a test on a timing) */
  char v[32];
  ck_assert_int_eq(kt_ctl(&rig.k, "status", line, sizeof line), 0);
  double lat = strtod(kt_field(line, "latency_ms", v, sizeof v), NULL);
  ck_assert_msg(lat > 0, "no frame measured for the decision (%s)", line);
  printf("cashier: decision to frame %.1f ms\n", lat);
  /* a late key for a view that is gone changes nothing */
  seq = kt_last_seq(&rig.k);
  ck_assert_int_eq(kt_ctl(&rig.k, "key enter", line, sizeof line), 0);
  ck_assert_int_ne(kt_wait_outcome(&rig.k, seq, 700, line, sizeof line), 0);
  char shot[400], reply[512];
  snprintf(shot, sizeof shot, "shot %s/granted.png", rig.dir);
  ck_assert_int_eq(kt_ctl(&rig.k, shot, reply, sizeof reply), 0);
  kt_card_out(&rig, 0);
  kt_kiosk_sigterm(&rig.k);
  char db[400];
  snprintf(db, sizeof db, "%s/journal.db", rig.dir);
  ck_assert(kt_file_has(db, "ZY-0042"));
  ck_assert(!kt_file_has(db, HOLDER_ID));
  ck_assert(!kt_file_has(db, "张"));
  ck_assert(!kt_file_has(rig.k.log, HOLDER_ID));
  ck_assert(!kt_file_has(rig.k.log, "张晓明"));
}
END_TEST

/* The holder has no social security card: staff type the ID number (F4) on the cashier
 * screen. Only its match result is journaled; the number is in no log line, journal row
 * or screenshot (the screen shows its mask as typed). */
START_TEST(cashier_typed_id_number)
{
  kt_rig_write_config(&rig, CASHIER, "", "");
  char tpath[400];
  snprintf(tpath, sizeof tpath, "%s/journal.db.tariff", rig.dir); /* the hospital's fees */
  kt_write_tariff(tpath, "hosp.yl-first-people", 1, 1500, 1200);
  kt_kiosk_start(&rig.k, NULL);
  char line[2048], shot[400], reply[512];
  kt_tap(&rig, 0, "honour-star3", line, sizeof line);
  kt_expect(line, "needs", "credential,visit,bill");
  uint32_t seq = kt_last_seq(&rig.k);
  /* a wrong check digit is refused by the screen: no decision */
  ck_assert_int_eq(kt_ctl(&rig.k, "key f4", line, sizeof line), 0);
  ck_assert_int_eq(kt_ctl(&rig.k, "type 450902198506121233", line, sizeof line), 0);
  ck_assert_int_eq(kt_ctl(&rig.k, "key enter", line, sizeof line), 0);
  ck_assert_int_ne(kt_wait_outcome(&rig.k, seq, 700, line, sizeof line), 0);
  snprintf(shot, sizeof shot, "shot %s/id-entry.png", rig.dir);
  ck_assert_int_eq(kt_ctl(&rig.k, shot, reply, sizeof reply), 0);
  ck_assert_int_eq(kt_ctl(&rig.k, "key backspace", line, sizeof line), 0);
  ck_assert_int_eq(kt_ctl(&rig.k, "type 2", line, sizeof line), 0);
  ck_assert_int_eq(kt_ctl(&rig.k, "key enter", line, sizeof line), 0);
  ck_assert_int_eq(kt_wait_outcome(&rig.k, seq, KT_WAIT_MS, line, sizeof line), 0);
  kt_expect(line, "credential", "id_typed_matched");
  kt_expect(line, "id", "450902********1232");
  kt_expect(line, "needs", "visit,bill");
  kt_key(&rig.k, "left", line, sizeof line); /* outpatient */
  seq = kt_last_seq(&rig.k);
  ck_assert_int_eq(kt_ctl(&rig.k, "type MZ2026/12.01_7", line, sizeof line), 0);
  ck_assert_int_eq(kt_ctl(&rig.k, "key enter", line, sizeof line), 0);
  ck_assert_int_eq(kt_wait_outcome(&rig.k, seq, KT_WAIT_MS, line, sizeof line), 0);
  kt_expect(line, "verdict", "GRANT");
  kt_expect(line, "credential", "id_typed_matched");
  kt_expect(line, "journaled", "1");
  kt_card_out(&rig, 0);
  kt_kiosk_sigterm(&rig.k);
  char db[400];
  snprintf(db, sizeof db, "%s/journal.db", rig.dir);
  ck_assert(kt_file_has(db, "MZ2026/12.01_7"));
  ck_assert(!kt_file_has(db, HOLDER_ID));
  ck_assert(!kt_file_has(db, "19850612"));
  ck_assert(!kt_file_has(rig.k.log, HOLDER_ID));
  ck_assert(!kt_file_has(rig.k.log, "450902198506121233"));
  ck_assert(!kt_file_has(rig.k.log, "19850612"));
}
END_TEST

START_TEST(station_shows_ready_list)
{
  char db[400], why[256];
  snprintf(db, sizeof db, "%s/station.db", rig.dir);
  struct station_db *sdb;
  ck_assert_int_eq(station_db_open(db, &sdb, why, sizeof why), STATION_OK);
  station_db_close(sdb);
  kt_rig_write_config(&rig, STATION, "", "");
  const char *const args[] = {"--station-db", db, NULL};
  kt_kiosk_start(&rig.k, args);
  ck_assert_int_eq(kt_status_is(&rig.k, "screen", "station_list", KT_WAIT_MS), 0);
  char line[2048];
  kt_tap(&rig, 0, "honour-star3", line, sizeof line);
  kt_expect(line, "verdict", "GRANT");
  kt_expect(line, "reasons", "STATION_CHECK_ONLY");
  ck_assert_int_eq(kt_ctl(&rig.k, "key esc", line, sizeof line), 0);
  kt_card_out(&rig, 0);
  kt_kiosk_sigterm(&rig.k);
}
END_TEST

/* The systemd side: a datagram socket standing in for $NOTIFY_SOCKET. */
START_TEST(systemd_ready_watchdog_stopping)
{
  char path[400], env_sock[460], line[2048];
  snprintf(path, sizeof path, "%s/notify.sock", rig.dir);
  snprintf(env_sock, sizeof env_sock, "NOTIFY_SOCKET=%s", path);
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  ck_assert_int_ge(fd, 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  ck_assert_uint_lt(strlen(path), sizeof sa.sun_path);
  memcpy(sa.sun_path, path, strlen(path));
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
  struct timeval tv = {0, 200000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const char *const env[] = {env_sock, "WATCHDOG_USEC=400000", NULL};
  rig.k.env = env;
  kt_rig_write_config(&rig, GATE, "", "");
  kt_kiosk_start(&rig.k, NULL);
  rig.k.env = NULL;
  /* READY=1, then the pings keep coming (about every 200 ms on a quiet machine): wait
   * for 8 of them with a generous deadline rather than count them in a fixed window */
  int ready = 0, pings = 0, stopping = 0;
  uint64_t t0 = yh_now_ms(), end = t0 + 120000;
  while (yh_now_ms() < end && !(ready && pings >= 8)) {
    char msg[256];
    ssize_t n = recv(fd, msg, sizeof msg - 1, 0);
    if (n <= 0)
      continue;
    msg[n] = '\0';
    ready |= strstr(msg, "READY=1") != NULL;
    pings += strstr(msg, "WATCHDOG=1") != NULL;
  }
  ck_assert_msg(ready, "no READY=1");
  ck_assert_msg(pings >= 8, "%d watchdog pings in 120 s (every 200 ms expected)", pings);
  printf("systemd: 8 watchdog pings in %llu ms\n", (unsigned long long)(yh_now_ms() - t0));
  ck_assert_int_eq(kt_ctl(&rig.k, "status", line, sizeof line), 0);
  kt_kiosk_sigterm(&rig.k);
  for (int i = 0; i < 600 && !stopping; i++) { /* 200 ms each: up to 120 s */
    char msg[256];
    ssize_t n = recv(fd, msg, sizeof msg - 1, 0);
    if (n > 0) {
      msg[n] = '\0';
      stopping |= strstr(msg, "STOPPING=1") != NULL;
    }
  }
  ck_assert_msg(stopping, "no STOPPING=1");
  close(fd);
}
END_TEST

/* A card that never answers: the decision thread gives up after card_deadline_ms (PC/SC
 * itself would wait until the card is pulled), shows "not responding", journals
 * nothing, and the next card on the same reader is decided without a restart. */
START_TEST(mute_card_then_good_card)
{
  enum { DEADLINE_MS = 1500, SLACK_MS = 20000 };
  char section[256];
  snprintf(section, sizeof section, GATE "card_deadline_ms = %d\n", DEADLINE_MS);
  kt_rig_write_config(&rig, section, "", "");
  kt_kiosk_start(&rig.k, NULL);
  char line[2048], v[32];

  uint32_t seq = kt_last_seq(&rig.k);
  uint64_t rx0 = cardsim_apdu_received(rig.sim[0]);
  cardsim_set_fault(rig.sim[0], CARDSIM_FAULT_MUTE, 0);
  ck_assert(cardsim_insert(rig.sim[0], "honour-star3", rig.pki) == 0);
  /* the clock starts when the reader shows the card: before that nothing can be read */
  ck_assert_int_eq(yh_wait_reader_state(rig.reader[0], 1, KT_WAIT_MS), 0);
  uint64_t t0 = yh_now_ms();
  ck_assert_msg(kt_wait_outcome(&rig.k, seq, 60000, line, sizeof line) == 0,
                "mute card: no outcome: %s (log %s)", line, rig.k.log);
  uint64_t took = yh_now_ms() - t0;
  kt_expect(line, "kind", "read-error");
  kt_expect(line, "reasons", "error.not_responding");
  kt_expect(line, "journaled", "0");
  /* the card got the first command and never answered it */
  ck_assert_uint_gt(cardsim_apdu_received(rig.sim[0]), rx0);
  ck_assert_msg(took < DEADLINE_MS + SLACK_MS, "not responding after %llu ms",
                (unsigned long long)took);
  /* the decision thread is free while the card still sits mute in the reader */
  ck_assert_int_eq(kt_ctl(&rig.k, "status", line, sizeof line), 0);
  ck_assert_str_eq(kt_field(line, "session", v, sizeof v), "idle");
  ck_assert_str_eq(kt_field(line, "journal", v, sizeof v), "0");

  /* taken away: the stuck exchange ends; a good card on the same reader is decided */
  cardsim_set_fault(rig.sim[0], CARDSIM_FAULT_NONE, 0);
  kt_card_out(&rig, 0);
  kt_tap(&rig, 0, "honour-star3", line, sizeof line);
  kt_expect(line, "kind", "view");
  kt_expect(line, "verdict", "STAFF_CHECK");
  kt_expect(line, "photo", "1");
  ck_assert_int_eq(waitpid(rig.k.pid, NULL, WNOHANG), 0); /* never restarted */
  kt_kiosk_sigterm(&rig.k);
  ck_assert(kt_file_has(rig.k.log, "not responding"));
}
END_TEST

int main(void)
{
  Suite *s = suite_create("kiosk_run_card");
  TCase *tc = tcase_create("run");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 600); /* a hang guard: every wait inside is a condition */
  tcase_add_test(tc, gate_rides_out_pcscd_restart);
  tcase_add_test(tc, cashier_with_one_reader);
  tcase_add_test(tc, cashier_typed_id_number);
  tcase_add_test(tc, station_shows_ready_list);
  tcase_add_test(tc, systemd_ready_watchdog_stopping);
  tcase_add_test(tc, mute_card_then_good_card);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
