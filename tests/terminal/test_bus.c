/*
 * A bus installed with only its vehicle id, before the centre's registry lists it (issue
 * 13), through the real programs: the centre over mutual TLS on loopback with its SQLite
 * store, centre-admin, and `kiosk run` headless with netsync, pcscd, vpcd and the card
 * simulator, driven by its control socket.
 *
 *   - the terminal starts (it does not refuse to), says "vehicle V not in the registry in
 *     force (version 0): waiting for the centre's registry" in its log, and refuses a
 *     valid card with REGISTRY_WAIT (a DENY, journaled, no GRANT) while it keeps syncing;
 *   - `centre-admin registry import` with the vehicle on route 2 (vehicle_routes): the
 *     terminal applies it without a restart, and the next card on that bus is a GRANT
 *     whose journal event carries the vehicle and the registry's route;
 *   - both events reach the centre.
 * A card test (pcscd fixture, vpcd lock). Every wait is a condition with a generous
 * deadline (the suite runs beside stress-ng and other builds).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kiosk/journal.h"
#include "kt_rig.h"
#include "synctest.h"

#define VEHICLE "GK-D0077"

static struct kt_rig r;
static struct synctest_centre c;
static const char *const terms[] = {"T-BUS"};

/* The rig (its PKI, a simulator on the vpcd reader), then the centre's PKI and the centre
 * beside it; the revocation list is the centre's (its key in the trust store, no local
 * list), so the first sync is what lets a card through. */
static void setup(void)
{
  kt_rig_setup(&r, "kiosk-bus", 1, NULL, 0);
  ck_assert_int_eq(synctest_pki_make(r.dir, terms, 1), 0);
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "rm -f '%s/revocation.yrl' && cp '%s/sign.pub' '%s/trust/%s'", r.dir,
           r.dir, r.pki, KIOSK_TRUST_REVOCATION_KEY);
  kt_run(cmd);
  synctest_centre_init(&c, r.dir, "centre.db");
  snprintf(c.log_path, sizeof c.log_path, "%s/centre.log", r.dir);
  ck_assert_int_eq(synctest_centre_start(&c, NULL), 0);
}

static void teardown(void)
{
  kt_kiosk_kill(&r.k);
  synctest_centre_stop(&c);
  kt_rig_teardown(&r);
}

/* The status field name, as a number, reaches at least min. */
static int status_at_least(const char *name, unsigned long long min)
{
  uint64_t end = yh_now_ms() + KT_WAIT_MS;
  char line[2048], v[64];
  do {
    if (kt_ctl(&r.k, "status", line, sizeof line) == 0 && kt_field(line, name, v, sizeof v)[0] &&
        strtoull(v, NULL, 10) >= min)
      return 0;
    yh_sleep_ms(100);
  } while (yh_now_ms() < end);
  return -1;
}

/* The journal's event seq, read with the library (the terminal's own file). */
static void journal_event(uint64_t seq, struct proto_event *e)
{
  char path[400];
  snprintf(path, sizeof path, "%s/journal.db", r.dir);
  struct kiosk_journal *j = NULL;
  struct kiosk_diag d;
  ck_assert_int_eq(kiosk_journal_open(path, 0, &j, &d), KIOSK_OK);
  ck_assert_int_eq(kiosk_journal_get(j, seq, e), KIOSK_OK);
  kiosk_journal_close(j);
}

START_TEST(bus_waits_for_the_centres_registry)
{
  char line[2048], v[64], path[700], url[128], tail[1024];
  /* the company registered the terminal at the centre (its site is in every registry) */
  ck_assert_int_eq(synctest_admin(&c, NULL, "terminal", "register", "T-BUS",
                                  "bus.yl-city-transit", (char *)NULL),
                   0);
  /* the bus's file: its vehicle id and nothing else about the bus (no route); the site
   * registry is the installed one (assets/sites.ini), which does not list the vehicle */
  synctest_centre_url(&c, url, sizeof url);
  snprintf(tail, sizeof tail,
           "[sync]\nurl = %s\nca = ca.pem\ncert = T-BUS.pem\nkey = T-BUS.key\n"
           "signer = sign.pub\npoll_seconds = 1\n",
           url);
  kt_rig_write_config(&r,
                      "[terminal]\nsite = bus.yl-city-transit\nmode = bus\nterminal_id = T-BUS\n"
                      "vehicle = " VEHICLE "\n",
                      "bus_repeat_minutes = 0\n", tail);
  kt_kiosk_start(&r.k, NULL);
  ck_assert_msg(status_at_least("revlist", 1) == 0, "no list from the centre: %s",
                kt_log_tail(&r.k));
  ck_assert_msg(kt_log_wait(&r.k,
                            "vehicle " VEHICLE " not in the registry in force (version 0): "
                            "waiting for the centre's registry",
                            KT_WAIT_MS) == 0,
                "no waiting line: %s", kt_log_tail(&r.k));

  /* a valid card is refused with the waiting reason, journaled */
  kt_tap(&r, 0, "honour-star3", line, sizeof line);
  kt_expect(line, "verdict", "DENY");
  ck_assert_msg(strstr(kt_field(line, "deny", v, sizeof v), "REGISTRY_WAIT") != NULL, "%s", line);
  kt_expect(line, "journaled", "1");
  struct proto_event e;
  journal_event(strtoull(kt_field(line, "journal_seq", v, sizeof v), NULL, 10), &e);
  ck_assert_str_eq(e.vehicle, VEHICLE);
  ck_assert_str_eq(e.route, "");

  /* the bus company adds the bus at the centre, on route 2 */
  kt_write_file(r.dir, "registry.ini",
                "[bus.yl-city-transit]\nname = 玉林市公共交通总公司\ncounty = 玉林市\nkind = bus\n"
                "level = city\nmodes = bus\noperator = yl-transit\nroutes = 1 2 3\n"
                "vehicles = GK-D0001 " VEHICLE "\nvehicle_routes = GK-D0001:1 " VEHICLE ":2\n");
  snprintf(path, sizeof path, "%s/registry.ini", r.dir);
  ck_assert_int_eq(synctest_admin(&c, NULL, "registry", "import", path, (char *)NULL), 0);
  ck_assert_msg(status_at_least("doc_registry", 1) == 0, "registry: %s", kt_log_tail(&r.k));
  ck_assert_msg(kt_log_wait(&r.k,
                            "vehicle " VEHICLE " in the registry in force (version 1), route 2 "
                            "(the registry's): deciding",
                            KT_WAIT_MS) == 0,
                "%s", kt_log_tail(&r.k));

  /* the next card on that bus: a GRANT with the registry's route on its event */
  kt_tap(&r, 0, "honour-star5", line, sizeof line);
  kt_expect(line, "verdict", "GRANT");
  kt_expect(line, "journaled", "1");
  journal_event(strtoull(kt_field(line, "journal_seq", v, sizeof v), NULL, 10), &e);
  ck_assert_str_eq(e.vehicle, VEHICLE);
  ck_assert_str_eq(e.route, "2");

  /* it kept syncing: both events reach the centre */
  uint64_t end = yh_now_ms() + KT_WAIT_MS;
  while (synctest_centre_count(&c, "T-BUS") < 2 && yh_now_ms() < end)
    yh_sleep_ms(100);
  ck_assert_int_eq(synctest_centre_count(&c, "T-BUS"), 2);
  kt_kiosk_sigterm(&r.k);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("terminal_bus");
  TCase *tc = tcase_create("bus");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, bus_waits_for_the_centres_registry);
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
