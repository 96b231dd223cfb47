/* Site registry and terminal configuration: the shipped registry, and every kind of
 * configuration error naming its file and line. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/date.h"
#include "kiosk/config.h"

static char tmpdir[256];
static struct kiosk_sites *sites;

static void setup(void)
{
  snprintf(tmpdir, sizeof tmpdir, "/tmp/kiosk-config-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tmpdir));
  char trust[300];
  snprintf(trust, sizeof trust, "%s/trust", tmpdir);
  ck_assert_int_eq(mkdir(trust, 0700), 0);
  struct kiosk_diag d;
  int rc = kiosk_sites_load(kiosk_sites_default_path(), &sites, &d);
  char msg[600];
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
}

static void teardown(void)
{
  kiosk_sites_destroy(sites);
  sites = NULL;
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  ck_assert_int_eq(system(cmd), 0);
}

START_TEST(registry_has_all_sites)
{
  size_t parks = 0, hosp_city = 0, hosp_county = 0, stations = 0, buses = 0;
  size_t l4a = 0, l3a = 0;
  for (size_t i = 0; i < kiosk_sites_count(sites); i++) {
    const struct kiosk_site *s = kiosk_sites_at(sites, i);
    switch (s->kind) {
    case KIOSK_SITE_PARK:
      parks++;
      l4a += strcmp(s->level, "4A") == 0;
      l3a += strcmp(s->level, "3A") == 0;
      ck_assert_uint_eq(s->modes, KIOSK_MODE_BIT(KIOSK_MODE_GATE));
      break;
    case KIOSK_SITE_HOSPITAL:
      if (strcmp(s->level, "city") == 0)
        hosp_city++;
      else
        hosp_county++;
      ck_assert_uint_eq(s->modes, KIOSK_MODE_BIT(KIOSK_MODE_CASHIER));
      break;
    case KIOSK_SITE_STATION:
      stations++;
      break;
    case KIOSK_SITE_BUS:
      buses++;
      ck_assert_uint_gt(s->nvehicles, 0);
      break;
    }
  }
  ck_assert_uint_eq(parks, 14);
  ck_assert_uint_eq(l4a, 6);
  ck_assert_uint_eq(l3a, 8);
  ck_assert_uint_eq(hosp_city, 8);
  ck_assert_uint_eq(hosp_county, 19);
  ck_assert_uint_eq(stations, 1);
  ck_assert_uint_ge(buses, 1);
  const struct kiosk_site *s = kiosk_sites_find(sites, "station.yl-central-blood");
  ck_assert_ptr_nonnull(s);
  ck_assert_str_eq(s->name, "玉林市中心血站");
  s = kiosk_sites_find(sites, "hosp.yl-first-people");
  ck_assert_ptr_nonnull(s);
  ck_assert_str_eq(s->name, "玉林市第一人民医院");
  ck_assert_str_eq(s->name_en, "Yulin First People's Hospital");
  /* every site has its English name for the English screens */
  for (size_t i = 0; i < kiosk_sites_count(sites); i++)
    ck_assert_msg(kiosk_sites_at(sites, i)->name_en && kiosk_sites_at(sites, i)->name_en[0],
                  "%s: no name_en", kiosk_sites_at(sites, i)->id);
}
END_TEST

static const char good[] = "[terminal]\n"
                           "site = hosp.yl-first-people\n"
                           "mode = cashier\n"
                           "terminal_id = yl1-mz-01\n"
                           "[paths]\n"
                           "trust_store = trust\n"
                           "[policy]\n"
                           "policy_start = 2018-12-27\n"
                           "policy_end = 2023-12-27\n"
                           "revocation_stale = deny\n"
                           "gate_repeat_minutes = 30\n";

static int parse_text(const char *text, struct kiosk_config *c, struct kiosk_diag *d)
{
  char path[300];
  snprintf(path, sizeof path, "%s/kiosk.ini", tmpdir);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
  memset(d, 0, sizeof *d);
  return kiosk_config_load(path, sites, 0, c, d);
}

START_TEST(good_config)
{
  struct kiosk_config c;
  struct kiosk_diag d;
  char msg[600];
  int rc = parse_text(good, &c, &d);
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
  ck_assert_str_eq(c.site_id, "hosp.yl-first-people");
  ck_assert_int_eq(c.mode, KIOSK_MODE_CASHIER);
  ck_assert_int_eq(c.policy.stale, KIOSK_STALE_DENY);
  ck_assert_uint_eq(c.policy.gate_repeat_s, 1800);
  ck_assert_uint_eq(c.policy.bus_repeat_s, 600);
  ck_assert_uint_eq(c.policy.revlist_max_age_s, 72 * 3600);
  ck_assert_int_eq(c.policy.utc_offset_s, 8 * 3600);
  char want[400];
  snprintf(want, sizeof want, "%s/trust", tmpdir);
  ck_assert_str_eq(c.trust_dir, want);
  snprintf(want, sizeof want, "%s/journal.db", tmpdir);
  ck_assert_str_eq(c.journal_path, want);
  char day[11];
  common_date_format(c.policy.end_day, day);
  ck_assert_str_eq(day, "2023-12-27");
}
END_TEST

START_TEST(embedded_defaults)
{
  setenv("YH_STATE_DIR", tmpdir, 1);
  struct kiosk_config c;
  struct kiosk_diag d;
  char msg[600];
  int rc = kiosk_config_load(NULL, NULL, 0, &c, &d);
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
  ck_assert_str_eq(c.site_id, "park.rongzhou-gucheng");
  ck_assert_int_eq(c.mode, KIOSK_MODE_GATE);
  unsetenv("YH_STATE_DIR");
}
END_TEST

/* Each bad configuration: the text, the line the error must name, a word the message
 * must contain. */
struct bad {
  const char *text;
  unsigned line;
  const char *word;
};

#define HEAD "[terminal]\nsite = hosp.yl-first-people\nmode = cashier\nterminal_id = t1\n"
#define POL "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2023-12-27\n"
#define PATHS "[paths]\ntrust_store = trust\n"

static const struct bad bads[] = {
    {"[terminal]\nsite = park.nowhere\nmode = gate\nterminal_id = t1\n" PATHS POL, 2,
     "unknown site"},
    {"[terminal]\nsite = park.guishan\nmode = cashier\nterminal_id = t1\n" PATHS POL, 3,
     "not allowed"},
    {"[terminal]\nsite = hosp.yl-tcm\nmode = bus\nterminal_id = t1\n" PATHS POL, 3,
     "not allowed"},
    {"[terminal]\nsite = park.guishan\nmode = turnstile\nterminal_id = t1\n" PATHS POL, 3,
     "mode"},
    {HEAD PATHS "[policy]\npolicy_start = 2018-02-30\npolicy_end = 2023-12-27\n", 8,
     "policy_start"},
    {HEAD PATHS "[policy]\npolicy_start = 2018-12-27\npolicy_end = 27/12/2023\n", 9,
     "policy_end"},
    {HEAD PATHS "[policy]\npolicy_start = 2023-12-27\npolicy_end = 2018-12-27\n", 9,
     "after"},
    {HEAD "[paths]\ntrust_store = no-such-dir\n" POL, 6, "trust_store"},
    {HEAD PATHS POL "colour = blue\n", 10, "unknown key"},
    {HEAD PATHS POL "gate_repeat_minutes = 5\ngate_repeat_minutes = 6\n", 11, "duplicate key"},
    {HEAD "mode = gate\n" PATHS POL, 5, "duplicate key"},
    {HEAD PATHS POL "[terminal]\n", 10, "duplicate section"},
    {HEAD PATHS POL "[extras]\n", 10, "unknown section"},
    {HEAD PATHS POL "revocation_stale = maybe\n", 10, "warn, staff or deny"},
    {HEAD PATHS POL "bus_repeat_minutes = -1\n", 10, "bus_repeat_minutes"},
    {HEAD PATHS POL "revocation_max_age_hours = 0\n", 10, "revocation_max_age_hours"},
    {HEAD PATHS POL "utc_offset = 8\n", 10, "utc_offset"},
    {HEAD PATHS POL "this is not a pair\n", 10, "key = value"},
    {HEAD PATHS POL "gate_repeat_minutes =\n", 10, "empty value"},
    {HEAD PATHS POL "gate_repeat_minutes = 99999999999999999999999\n", 10,
     "gate_repeat_minutes"},
    {HEAD "policy_start = 2018-12-27\n" PATHS POL, 5, "belongs in [policy]"},
    {"site = hosp.yl-tcm\n", 1, "before any"},
    {"[terminal]\nsite = hosp.yl-tcm\nmode = cashier\n" PATHS POL, 1, "terminal_id"},
    {"[terminal]\nsite = bus.yl-city-transit\nmode = bus\nterminal_id = t1\n" PATHS POL, 1,
     "vehicle"},
    /* issue 13: a vehicle the registry does not list loads (and waits); a malformed one
     * does not */
    {"[terminal]\nsite = bus.yl-city-transit\nmode = bus\nterminal_id = t1\n"
     "vehicle = 11010519491231002X\n" PATHS POL,
     5, "vehicle"},
    {"[terminal]\nsite = bus.yl-city-transit\nmode = bus\nterminal_id = t1\nvehicle = X 1\n"
     PATHS POL,
     5, "vehicle"},
    {"[terminal]\nsite = bus.yl-city-transit\nmode = bus\nterminal_id = t1\nvehicle = X-1\n"
     "route = 450902198001011230\n" PATHS POL,
     6, "route"},
    {HEAD "vehicle = GK-D0001\n" PATHS POL, 5, "only a bus"},
    {"[terminal]\nsite = bus.yl-city-transit\nmode = bus\nterminal_id = t1\nvehicle = GK-D0003\n"
     PATHS POL "revocation_never = staff\n", 11, "no staff on a bus"},
    {HEAD PATHS POL "revocation_never = later\n", 10, "revocation_never"},
    /* issue 13: trip and stop are a bus's, journaled, so tokens and never ID-shaped */
    {HEAD "trip = T1\n" PATHS POL, 5, "only a bus"},
    {"[terminal]\nsite = bus.yl-city-transit\nmode = bus\nterminal_id = t1\nvehicle = GK-D0003\n"
     "trip = 11010519491231002X\n" PATHS POL, 6, "trip"},
    {"[terminal]\nsite = bus.yl-city-transit\nmode = bus\nterminal_id = t1\nvehicle = GK-D0003\n"
     "stop = Stop 1\n" PATHS POL, 6, "stop"},
    {HEAD "terminal_id2 = x\n" PATHS POL, 5, "unknown key"},
    {HEAD "reader = a\xff" "b\n" PATHS POL, 5, "UTF-8"},
    {HEAD "reader = a\x01" "b\n" PATHS POL, 5, "control"},
    {HEAD "[Paths]\n", 5, "section name"},
    /* the program's sections: [sync], [ui], and the cashier's keys */
    {HEAD PATHS POL "[sync]\nurl = https://c.example\n", 10, "missing key 'ca'"},
    {HEAD PATHS POL "[sync]\nurl = http://c.example\nca = a\ncert = b\nkey = c\n", 11, "https"},
    {HEAD PATHS POL "[sync]\nurl = https://c.example/\nca = a\ncert = b\nkey = c\n", 11,
     "trailing slash"},
    {HEAD PATHS POL "[sync]\nurl = https://c\nca = a\ncert = b\nkey = c\npoll_seconds = 0\n", 15,
     "poll_seconds"},
    {HEAD PATHS POL "[sync]\nurl = https://a.example https://a.example\nca = a\ncert = b\nkey = c\n",
     11, "address 2 of 2 is listed twice"},
    {HEAD PATHS POL "[sync]\nurl = https://a.example https://b.example/\nca = a\ncert = b\nkey = c\n",
     11, "address 2 of 2: expected https://"},
    {HEAD PATHS POL "[sync]\nurl = https://u:secret@a.example\nca = a\ncert = b\nkey = c\n", 11,
     "address 1 of 1"},
    {HEAD PATHS POL "[sync]\nurl = https://c\nca = a\ncert = b\nkey = c\nfailback_seconds = 5\n",
     15, "failback_seconds"},
    {HEAD PATHS POL "url = https://c.example\n", 10, "belongs in [sync]"},
    {HEAD PATHS POL "[ui]\nfullscreen = maybe\n", 11, "true or false"},
    {HEAD PATHS POL "[ui]\nrenderer = gpu\n", 11, "renderer"},
    {HEAD PATHS POL "[ui]\nlanguage = fr\n", 11, "language"},
    {HEAD PATHS POL "[ui]\nspeech = loud\n", 11, "true or false"},
    {HEAD PATHS POL "[ui]\nvolume = 11\n", 11, "volume"},
    {HEAD PATHS POL "[ui]\nverdict_seconds = 121\n", 11, "verdict_seconds"},
    {HEAD PATHS POL "[ui]\nverdict_seconds = -1\n", 11, "verdict_seconds"},
    {HEAD PATHS POL "[ui]\npin_hash = 123456\n", 11, "pin_hash"},
    {HEAD "consultation_fee_fen = 0\n" PATHS POL, 5, "consultation_fee_fen"},
    {HEAD "card_deadline_ms = 99\n" PATHS POL, 5, "card_deadline_ms"},
    {HEAD "card_deadline_ms = 60001\n" PATHS POL, 5, "card_deadline_ms"},
    {HEAD "his_request_expiry_s = 0\n" PATHS POL, 5, "his_request_expiry_s"},
    {HEAD "his_request_expiry_s = 3601\n" PATHS POL, 5, "his_request_expiry_s"},
    {HEAD "consultation_fee_fen = 10001\n" PATHS POL, 5, "cashier_max_fen"},
    {"[terminal]\nsite = park.guishan\nmode = gate\nterminal_id = t1\nssc_reader = R\n" PATHS POL,
     5, "only a cashier"},
    {HEAD "[paths\n", 5, "']'"},
    /* issue 11 (5): free tokens that are journaled refuse ID-shaped values */
    {"[terminal]\nsite = hosp.yl-tcm\nmode = cashier\nterminal_id = 11010519491231002X\n" PATHS
         POL,
     4, "ID number"},
    {HEAD "staff_id = 450902198001011230\n" PATHS POL, 5, "ID number"},
    {"[terminal]\nsite = 11010519491231002x\nmode = cashier\nterminal_id = t1\n" PATHS POL, 2,
     "ID number"},
};

START_TEST(bad_config_names_line)
{
  const struct bad *b = &bads[_i];
  struct kiosk_config c;
  struct kiosk_diag d;
  char msg[600];
  int rc = parse_text(b->text, &c, &d);
  kiosk_diag_format(&d, msg, sizeof msg);
  ck_assert_msg(rc != KIOSK_OK, "case %d accepted", _i);
  ck_assert_msg(d.line == b->line, "case %d: line %u, want %u: %s", _i, d.line, b->line, msg);
  ck_assert_msg(strstr(msg, b->word) != NULL, "case %d: '%s' lacks '%s'", _i, msg, b->word);
  ck_assert_msg(strstr(msg, "kiosk.ini:") != NULL, "case %d: no file name: %s", _i, msg);
}
END_TEST

START_TEST(example_config)
{
  /* The documented example parses (beside a trust/ directory). */
  char src[512], dst[300], cmd[1200];
  snprintf(src, sizeof src, "%s/assets/kiosk.example.ini",
           getenv("YH_SOURCE_DIR") ? getenv("YH_SOURCE_DIR") : ".");
  snprintf(dst, sizeof dst, "%s/example.ini", tmpdir);
  snprintf(cmd, sizeof cmd, "cp '%s' '%s'", src, dst);
  ck_assert_int_eq(system(cmd), 0);
  struct kiosk_config c;
  struct kiosk_diag d;
  char msg[600];
  int rc = kiosk_config_load(dst, sites, 0, &c, &d);
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
  ck_assert_int_eq(c.mode, KIOSK_MODE_CASHIER);
  ck_assert_uint_eq(c.override_queue_max, 64);
}
END_TEST

START_TEST(bus_config)
{
  struct kiosk_config c;
  struct kiosk_diag d;
  char msg[600];
  int rc = parse_text("[terminal]\nsite = bus.yl-city-transit\nmode = bus\nterminal_id = b1\n"
                      "vehicle = GK-D0003\nroute = 10\ntrip = T0815\nstop = S12\n" PATHS POL,
                      &c, &d);
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
  ck_assert_str_eq(c.vehicle, "GK-D0003");
  ck_assert_str_eq(c.route, "10");
  ck_assert_str_eq(c.trip, "T0815");
  ck_assert_str_eq(c.stop, "S12");
  ck_assert_int_eq(c.registry_wait, KIOSK_REGWAIT_NONE);
  ck_assert_int_eq(c.route_from_registry, 0);
  /* issue 13: installed with only its vehicle id, before the registry lists it: loads,
   * waiting; a route the registry does not list: the same */
  rc = parse_text("[terminal]\nsite = bus.yl-city-transit\nmode = bus\nterminal_id = b1\n"
                  "vehicle = GK-D0999\n" PATHS POL, &c, &d);
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
  ck_assert_int_eq(c.registry_wait, KIOSK_REGWAIT_VEHICLE);
  ck_assert_str_eq(c.vehicle, "GK-D0999");
  ck_assert_str_eq(c.route, "");
  rc = parse_text("[terminal]\nsite = bus.yl-city-transit\nmode = bus\nterminal_id = b1\n"
                  "vehicle = GK-D0003\nroute = 99\n" PATHS POL, &c, &d);
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
  ck_assert_int_eq(c.registry_wait, KIOSK_REGWAIT_ROUTE);
  ck_assert_str_eq(c.route, "99");
  /* no route configured: the registry's vehicle_routes entry, if any */
  static const char reg[] =
      "[bus.x]\nname = X\ncounty = 容县\nkind = bus\nlevel = city\nmodes = bus\noperator = o\n"
      "routes = 1 2\nvehicles = GK-1 GK-2 GK-3\nvehicle_routes = GK-1:2, GK-2:2\n";
  struct kiosk_sites *bx_sites = NULL;
  ck_assert_int_eq(kiosk_sites_parse(reg, strlen(reg), "reg", &bx_sites, &d), KIOSK_OK);
  const struct kiosk_site *bx = kiosk_sites_find(bx_sites, "bus.x");
  ck_assert_str_eq(kiosk_site_vehicle_route(bx, "GK-1"), "2");
  ck_assert_ptr_null(kiosk_site_vehicle_route(bx, "GK-3"));
  static const char cfg1[] = "[terminal]\nsite = bus.x\nmode = bus\nterminal_id = b1\n"
                             "vehicle = GK-1\n" PATHS POL;
  rc = kiosk_config_parse(cfg1, strlen(cfg1), "k.ini", bx_sites, KIOSK_CONFIG_NO_FS_CHECK, &c, &d);
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
  ck_assert_str_eq(c.route, "2");
  ck_assert_int_eq(c.route_from_registry, 1);
  static const char cfg3[] = "[terminal]\nsite = bus.x\nmode = bus\nterminal_id = b1\n"
                             "vehicle = GK-3\n" PATHS POL;
  rc = kiosk_config_parse(cfg3, strlen(cfg3), "k.ini", bx_sites, KIOSK_CONFIG_NO_FS_CHECK, &c, &d);
  ck_assert_int_eq(rc, KIOSK_OK);
  ck_assert_str_eq(c.route, "");
  ck_assert_int_eq(c.route_from_registry, 0);
  static const char cfg1r[] = "[terminal]\nsite = bus.x\nmode = bus\nterminal_id = b1\n"
                              "vehicle = GK-1\nroute = 1\n" PATHS POL;
  rc = kiosk_config_parse(cfg1r, strlen(cfg1r), "k.ini", bx_sites, KIOSK_CONFIG_NO_FS_CHECK, &c, &d);
  ck_assert_int_eq(rc, KIOSK_OK);
  ck_assert_str_eq(c.route, "1"); /* the configuration's route wins */
  ck_assert_int_eq(c.route_from_registry, 0);
  kiosk_sites_destroy(bx_sites);
  /* issue 13: a bus denies on an old list and on none at all, by default */
  ck_assert_int_eq(c.policy.stale, KIOSK_STALE_DENY);
  ck_assert_int_eq(c.policy.never, KIOSK_STALE_DENY);
  rc = parse_text(HEAD PATHS POL, &c, &d);
  ck_assert_int_eq(rc, KIOSK_OK);
  ck_assert_int_eq(c.policy.stale, KIOSK_STALE_WARN);
  ck_assert_int_eq(c.policy.never, KIOSK_STALE_STAFF);
  rc = parse_text(HEAD PATHS POL "revocation_stale = staff\nrevocation_never = warn\n", &c, &d);
  ck_assert_int_eq(rc, KIOSK_OK);
  ck_assert_int_eq(c.policy.stale, KIOSK_STALE_STAFF);
  ck_assert_int_eq(c.policy.never, KIOSK_STALE_WARN);
}
END_TEST

START_TEST(program_sections)
{
  struct kiosk_config c;
  struct kiosk_diag d;
  char msg[600], want[400];
  int rc = parse_text(HEAD "ssc_reader = Virtual PCD 00 01\nconsultation_fee_fen = 1500\n"
                      "card_deadline_ms = 750\nhis_request_expiry_s = 2\n" PATHS POL
                      "[sync]\nurl = https://127.0.0.1:8443\nca = tls/ca.pem\n"
                      "cert = tls/t1.pem\nkey = /etc/t1.key.pem\npinned_pubkey = sha256//AAAA\n"
                      "poll_seconds = 5\n"
                      "[ui]\nfullscreen = no\nrenderer = accelerated\nsound = false\n"
                      "speech = false\nvolume = 3\nverdict_seconds = 12\n"
                      "language = en\npin_hash = sha256$s$00\n",
                      &c, &d);
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
  ck_assert_str_eq(c.ssc_reader, "Virtual PCD 00 01");
  ck_assert_int_eq(c.consultation_fee_fen, 1500);
  ck_assert_uint_eq(c.card_deadline_ms, 750);
  ck_assert_uint_eq(c.his_request_expiry_s, 2);
  ck_assert_int_eq(c.sync.enabled, 1);
  ck_assert_str_eq(c.sync.url, "https://127.0.0.1:8443");
  snprintf(want, sizeof want, "%s/tls/ca.pem", tmpdir);
  ck_assert_str_eq(c.sync.ca_file, want);
  ck_assert_str_eq(c.sync.key_file, "/etc/t1.key.pem");
  snprintf(want, sizeof want, "%s/trust/revocation-signer.pub.pem", tmpdir);
  ck_assert_str_eq(c.sync.signer_file, want);
  ck_assert_str_eq(c.sync.pinned_pubkey, "sha256//AAAA");
  ck_assert_uint_eq(c.sync.poll_s, 5);
  ck_assert_int_eq(c.ui.fullscreen, 0);
  ck_assert_int_eq(c.ui.software, 0);
  ck_assert_int_eq(c.ui.sound, 0);
  ck_assert_int_eq(c.ui.speech, 0);
  ck_assert_uint_eq(c.ui.volume, 3);
  ck_assert_uint_eq(c.ui.verdict_ms, 12000);
  ck_assert_str_eq(c.ui.language, "en");
  ck_assert_str_eq(c.ui.pin_hash, "sha256$s$00");
  /* without the sections: offline, full screen, software renderer, sound, Chinese */
  rc = parse_text(HEAD PATHS POL, &c, &d);
  ck_assert_int_eq(rc, KIOSK_OK);
  ck_assert_int_eq(c.sync.enabled, 0);
  ck_assert_int_eq(c.ui.fullscreen, 1);
  ck_assert_int_eq(c.ui.software, 1);
  ck_assert_int_eq(c.ui.sound, 1);
  ck_assert_int_eq(c.ui.speech, 1);
  ck_assert_uint_eq(c.ui.volume, 7);
  ck_assert_uint_eq(c.ui.verdict_ms, 0);
  ck_assert_str_eq(c.ui.language, "zh-CN");
  ck_assert_str_eq(c.ui.pin_hash, "");
  ck_assert_int_eq(c.consultation_fee_fen, 0);
  ck_assert_uint_eq(c.card_deadline_ms, 2000);
  ck_assert_uint_eq(c.his_request_expiry_s, 30);
  /* several centres, tried in order; the failback interval (default 300 s) */
  rc = parse_text(HEAD PATHS POL "[sync]\nurl = https://a.example:8443  https://[::1]:9443/yh\n"
                  "ca = a\ncert = b\nkey = c\n",
                  &c, &d);
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
  ck_assert_str_eq(c.sync.url, "https://a.example:8443  https://[::1]:9443/yh");
  ck_assert_uint_eq(c.sync.failback_s, 300);
  rc = parse_text(HEAD PATHS POL "[sync]\nurl = https://a.example\nca = a\ncert = b\nkey = c\n"
                  "failback_seconds = 60\n",
                  &c, &d);
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
  ck_assert_uint_eq(c.sync.failback_s, 60);
}
END_TEST

#define BUSX                                                                              \
  "[bus.x]\nname = X\ncounty = 容县\nkind = bus\nlevel = city\nmodes = bus\noperator = o\n" \
  "routes = 1 2\nvehicles = GK-1 GK-2\n"
static const struct bad bad_sites[] = {
    /* issue 11 (5): vehicles, routes, operators and site ids are journaled or uploaded */
    {"[bus.x]\nname = X\ncounty = 容县\nkind = bus\nlevel = city\nmodes = bus\noperator = o\n"
     "routes = 1\nvehicles = GK-1 11010519491231002X\n",
     9, "ID number"},
    {"[bus.x]\nname = X\ncounty = 容县\nkind = bus\nlevel = city\nmodes = bus\noperator = o\n"
     "routes = 450902198001011230\nvehicles = v\n",
     8, "ID number"},
    {"[bus.x]\nname = X\ncounty = 容县\nkind = bus\nlevel = city\nmodes = bus\n"
     "operator = 11010519491231002X\nroutes = 1\nvehicles = v\n",
     7, "ID number"},
    {"[11010519491231002x]\nname = X\n", 1, "ID number"},
    {"[park.x]\nname = X\ncounty = 容县\nkind = park\nlevel = 6A\nmodes = gate\n", 1, "level"},
    {"[park.x]\nname = X\ncounty = 广州\nkind = park\nlevel = 3A\nmodes = gate\n", 3, "county"},
    {"[park.x]\nname = X\ncounty = 容县\nkind = park\nlevel = 3A\nmodes = cashier\n", 1,
     "cannot allow"},
    {"[park.x]\nname = X\ncounty = 容县\nkind = park\nlevel = 3A\n", 1, "modes"},
    {"[hosp.x]\nname = X\ncounty = 容县\nkind = park\nlevel = 3A\nmodes = gate\n", 1, "park."},
    {"[bus.x]\nname = X\ncounty = 容县\nkind = bus\nlevel = city\nmodes = bus\n", 1,
     "operator"},
    {"[park.x]\nname = X\ncounty = 容县\nkind = park\nlevel = 3A\nmodes = gate\nvehicles = a\n",
     1, "bus sites only"},
    {"[bus.x]\nname = X\ncounty = 容县\nkind = bus\nlevel = city\nmodes = bus\noperator = o\n"
     "routes = 1 2 1\nvehicles = v\n",
     8, "duplicate id"},
    {"[park.x]\nname = X\ncounty = 容县\nkind = park\nlevel = 3A\nmodes = gate\nfee = 1\n", 7,
     "unknown key"},
    {"[park.x]\nname = X\n[park.x]\n", 3, "duplicate section"},
    {"# nothing\n", 0, "no sites"},
    /* issue 13: vehicle_routes, VEHICLE:ROUTE pairs of the site's own vehicles and routes */
    {BUSX "vehicle_routes = GK-1\n", 10, "VEHICLE:ROUTE"},
    {BUSX "vehicle_routes = GK-1:\n", 10, "VEHICLE:ROUTE"},
    {BUSX "vehicle_routes = :1\n", 10, "VEHICLE:ROUTE"},
    {BUSX "vehicle_routes = GK-1:1:2\n", 10, "VEHICLE:ROUTE"},
    {BUSX "vehicle_routes = GK-1:11010519491231002X\n", 10, "ID number"},
    {BUSX "vehicle_routes = GK-1:1 GK-1:2\n", 10, "twice"},
    {BUSX "vehicle_routes = GK-9:1\n", 1, "not one of its vehicles"},
    {BUSX "vehicle_routes = GK-1:7\n", 1, "not one of its vehicles"},
    {BUSX "vehicle_routes = ,\n", 10, "empty"},
    {"[park.x]\nname = X\ncounty = 容县\nkind = park\nlevel = 3A\nmodes = gate\n"
     "vehicle_routes = a:b\n", 1, "bus sites only"},
};

START_TEST(bad_sites_names_line)
{
  const struct bad *b = &bad_sites[_i];
  struct kiosk_sites *s = NULL;
  struct kiosk_diag d;
  char msg[600];
  int rc = kiosk_sites_parse(b->text, strlen(b->text), "sites.ini", &s, &d);
  kiosk_diag_format(&d, msg, sizeof msg);
  ck_assert_msg(rc != KIOSK_OK, "case %d accepted", _i);
  ck_assert_ptr_null(s);
  ck_assert_msg(d.line == b->line, "case %d: line %u, want %u: %s", _i, d.line, b->line, msg);
  ck_assert_msg(strstr(msg, b->word) != NULL, "case %d: '%s' lacks '%s'", _i, msg, b->word);
}
END_TEST

int main(void)
{
  Suite *s = suite_create("kiosk_config");
  TCase *tc = tcase_create("config");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, registry_has_all_sites);
  tcase_add_test(tc, good_config);
  tcase_add_test(tc, embedded_defaults);
  tcase_add_test(tc, bus_config);
  tcase_add_test(tc, program_sections);
  tcase_add_test(tc, example_config);
  tcase_add_loop_test(tc, bad_config_names_line, 0, (int)(sizeof bads / sizeof bads[0]));
  tcase_add_loop_test(tc, bad_sites_names_line, 0, (int)(sizeof bad_sites / sizeof bad_sites[0]));
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
