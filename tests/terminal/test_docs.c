/*
 * The centre's documents applied while the terminal runs (terminal/docs_apply.c), below
 * the program: real files in a temporary directory, a real trust store made by yhpki, the
 * real journal and kiosk's terminal between decisions. For each kind: a document in force
 * between two decisions (the decision after it sees the new one whole), a version not
 * above the one in force refused, garbage, truncated, oversized and hostile contents
 * refused with the previous one kept, and the stored file read again at start.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cardio/crypto.h>

#include "docs_apply.h"
#include "kiosk/terminal.h"
#include "proto/event.h"
#include "staff.h"
#include "yh_fixture.h"

static char dir[256], pki[300], other_pki[300];

#define T0 1590976800 /* 2020-06-01 10:00 +08:00 */
#define CARD "YL20190000066629"

static const char sites_ini[] =
    "[park.guishan]\nname = 龟山公园\ncounty = 玉州区\nkind = park\nlevel = 3A\nmodes = gate\n"
    "[bus.test]\nname = 测试公交\ncounty = 玉林市\nkind = bus\nlevel = city\nmodes = bus\n"
    "operator = t\nroutes = 1 2\nvehicles = GK-D0001\n";

static void run(const char *cmd)
{
  ck_assert_msg(system(cmd) == 0, "'%s' failed", cmd);
}

static void write_file(const char *name, const char *text, size_t len)
{
  char p[400];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(text, 1, len, f), len);
  fclose(f);
}

static char *read_text(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  ck_assert_msg(f != NULL, "%s", path);
  char *buf = malloc(1 << 20);
  *len = fread(buf, 1, (1 << 20) - 1, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

static void setup(void)
{
  snprintf(dir, sizeof dir, "/tmp/kiosk-docs-unit-XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(pki, sizeof pki, "%s/pki", dir);
  snprintf(other_pki, sizeof other_pki, "%s/other", dir);
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "'%s/tools/pki/yhpki' test-pki '%s' >/dev/null", yh_binary_dir(), pki);
  run(cmd);
  write_file("sites.ini", sites_ini, sizeof sites_ini - 1);
}

static void teardown(void)
{
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

/* A gate or a bus terminal's file; its documents live beside its journal. */
static struct kiosk_config load(int bus)
{
  char text[800], path[300];
  snprintf(text, sizeof text,
           "[terminal]\nsite = %s\nmode = %s\nterminal_id = T-DOCS\n%s"
           "[paths]\nsites = sites.ini\ntrust_store = pki/trust\njournal = journal.db\n"
           "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-12-27\n"
           "clock_not_before = 2019-01-01\n",
           bus ? "bus.test" : "park.guishan", bus ? "bus" : "gate",
           bus ? "vehicle = GK-D0001\nroute = 1\n" : "");
  write_file("kiosk.ini", text, strlen(text));
  snprintf(path, sizeof path, "%s/kiosk.ini", dir);
  struct kiosk_config cfg;
  struct kiosk_diag d;
  char msg[600];
  int rc = kiosk_config_load(path, NULL, 0, &cfg, &d);
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
  return cfg;
}

static struct kiosk_terminal *open_terminal(const struct kiosk_config *cfg)
{
  struct kiosk_terminal *t;
  struct kiosk_diag d;
  char msg[600];
  int rc = kiosk_terminal_open(cfg, &t, &d);
  ck_assert_msg(rc == KIOSK_OK, "%s", kiosk_diag_format(&d, msg, sizeof msg));
  return t;
}

static struct kiosk_outcome decide(struct kiosk_terminal *t, int64_t at)
{
  struct kiosk_card_facts c;
  memset(&c, 0, sizeof c);
  snprintf(c.card_no, sizeof c.card_no, "%s", CARD);
  c.award = KIOSK_AWARD_DONOR_STAR;
  c.award_level = 4;
  for (int i = 0; i < KIOSK_CHECK_COUNT; i++)
    c.check[i] = KIOSK_CHECK_OK;
  struct kiosk_input in;
  memset(&in, 0, sizeof in);
  in.card = &c;
  struct kiosk_outcome o;
  ck_assert_int_eq(kiosk_terminal_decide(t, &in, at, &o), KIOSK_OK);
  return o;
}

static int apply(struct term_docs *d, const char *kind, uint64_t v, const char *text)
{
  return term_docs_apply(d, kind, v, text, strlen(text), T0);
}

static uint64_t version(struct term_docs *d, const char *kind)
{
  uint64_t v = 99;
  ck_assert_int_eq(term_docs_version(d, kind, &v), 0);
  ck_assert_uint_eq(v, term_docs_in_force(kind));
  return v;
}

/* ----------------------------------------------------------------- config -- */

START_TEST(config_doc_changes_policy_between_decisions)
{
  struct kiosk_config cfg = load(0);
  struct term_docs *d;
  char why[700];
  ck_assert_msg(term_docs_open(&cfg, &d, why, sizeof why) == 0, "%s", why);
  ck_assert_uint_eq(version(d, "config"), 0);
  struct kiosk_terminal *t = open_terminal(term_docs_config(d));
  term_docs_attach(d, t, NULL);
  /* a gate that never had a list: staff compare the holder (and the never-synced rule is
   * the mode's default, not a refusal) */
  ck_assert_int_eq(decide(t, T0).verdict.verdict, KIOSK_VERDICT_STAFF_CHECK);

  ck_assert_int_eq(apply(d, "config", 1, "# the centre: no list, no entry\n[policy]\n"
                                         "revocation_never = deny\nrevocation_stale = deny\n"),
                   0);
  ck_assert_int_eq(term_docs_config(d)->policy.never, KIOSK_STALE_DENY);
  struct kiosk_outcome o = decide(t, T0 + 60);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_DENY);
  ck_assert(o.verdict.reasons & KIOSK_RBIT(REVLIST_NEVER));
  char text[200];
  term_docs_in_force_text(text, sizeof text);
  ck_assert_msg(strstr(text, "doc_config=1") != NULL, "%s", text);

  /* refused, each with version 1 kept in force */
  static const char *const bad[] = {
      "[terminal]\nterminal_id = T-OTHER\n", /* who the terminal is */
      "[terminal]\nsite = bus.test\n",
      "[terminal]\nmode = bus\n",
      "[paths]\njournal = /tmp/elsewhere.db\n", /* its files */
      "[paths]\ntrust_store = /tmp\n",
      "[sync]\nurl = https://elsewhere.example\n", /* its keys and its centre */
      "[sync]\nkey = /tmp/k.pem\n",
      "[ui]\npin_hash = sha256$00$00\n",
      "[terminal]\nreader = Other 00 00\n",
      "[terminal]\nvehicle = GK-D0001\n", /* a gate has no vehicle */
      "[policy]\nrevocation_never = maybe\n", /* values the file's checker refuses */
      "[policy]\npolicy_end = 2000-01-01\n",
      "[policy]\ngate_repeat_minutes = 99999999999999999999999\n",
      "[policy\nrevocation_never = warn\n", /* truncated */
      "[policy]\nrevocation_never",
      "[policy]\nrevocation_never = warn\nrevocation_never = warn\n",
      "revocation_never = warn\n",
      "\xff\xfe[policy]\n",
      "[policy]\nrevocation_never = warn\r\r\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(apply(d, "config", 2 + i, bad[i]) == -1, "accepted: %zu", i);
  char nul[] = "[policy]\nrevocation_never = warn\n";
  nul[3] = '\0';
  ck_assert_int_eq(term_docs_apply(d, "config", 40, nul, sizeof nul - 1, T0), -1);
  size_t big = 70 * 1024;
  char *huge = malloc(big + 1);
  memset(huge, '#', big);
  huge[big] = '\0';
  for (size_t i = 100; i < big; i += 100)
    huge[i] = '\n';
  ck_assert_int_eq(term_docs_apply(d, "config", 41, huge, big, T0), -1);
  free(huge);
  /* a replay of the version in force, or an older one */
  ck_assert_int_eq(apply(d, "config", 1, "[policy]\nrevocation_never = warn\n"), -1);
  ck_assert_int_eq(apply(d, "config", 0, "[policy]\nrevocation_never = warn\n"), -1);
  ck_assert_uint_eq(version(d, "config"), 1);
  ck_assert_int_eq(decide(t, T0 + 120).verdict.verdict, KIOSK_VERDICT_DENY);
  ck_assert_int_eq(kiosk_terminal_config(t)->policy.never, KIOSK_STALE_DENY);
  ck_assert_str_eq(kiosk_terminal_config(t)->terminal_id, "T-DOCS");

  ck_assert_int_eq(apply(d, "config", 7, "[policy]\nrevocation_never = warn\n"), 0);
  /* a newer one puts warn in force: the gate's own staff check again, no refusal */
  o = decide(t, T0 + 4 * 3600);
  ck_assert_msg(o.verdict.verdict == KIOSK_VERDICT_STAFF_CHECK, "verdict %d reasons %llx",
                (int)o.verdict.verdict, (unsigned long long)o.verdict.reasons);
  kiosk_terminal_close(t);
  term_docs_close(d);

  /* read again at start: version 7, warn */
  ck_assert_msg(term_docs_open(&cfg, &d, why, sizeof why) == 0, "%s", why);
  ck_assert_uint_eq(version(d, "config"), 7);
  ck_assert_int_eq(term_docs_config(d)->policy.never, KIOSK_STALE_WARN);
  term_docs_close(d);
  /* a damaged stored document stops the start, naming the file */
  char path[400];
  snprintf(path, sizeof path, "%s/journal.db.config", dir);
  FILE *f = fopen(path, "a");
  ck_assert_ptr_nonnull(f);
  fputs("[sync]\nurl = https://elsewhere.example\n", f);
  fclose(f);
  ck_assert_int_eq(term_docs_open(&cfg, &d, why, sizeof why), -1);
  ck_assert_msg(strstr(why, "journal.db.config") != NULL, "%s", why);
}
END_TEST

/* ------------------------------------------------------------------ trust -- */

static size_t published_issuers;
static int published_count;

static void publish(struct cardio_trust *trust)
{
  published_issuers = cardio_trust_issuer_count(trust);
  published_count++;
  cardio_trust_destroy(trust);
}

START_TEST(trust_doc_needs_an_issuer_of_our_roots)
{
  struct kiosk_config cfg = load(0);
  struct term_docs *d;
  char why[700], path[400];
  ck_assert_msg(term_docs_open(&cfg, &d, why, sizeof why) == 0, "%s", why);
  term_docs_attach(d, NULL, publish);
  published_count = 0;

  size_t n1, n2, nr;
  snprintf(path, sizeof path, "%s/trust/issuers/p256.pem", pki);
  char *p256 = read_text(path, &n1);
  snprintf(path, sizeof path, "%s/trust/issuers/sm2.pem", pki);
  char *sm2 = read_text(path, &n2);
  snprintf(path, sizeof path, "%s/trust/roots/root.pem", pki);
  char *root = read_text(path, &nr);
  char *bundle = malloc(n1 + n2 + 64);
  snprintf(bundle, n1 + n2 + 64, "# issuers of 2026\n%s\n%s", p256, sm2);
  ck_assert_int_eq(apply(d, "trust", 1, bundle), 0);
  ck_assert_int_eq(published_count, 1);
  ck_assert_uint_eq(published_issuers, 2);

  /* no issuer: only the root (no issuer usage), and one of another PKI's (no chain) */
  char cmd[1200];
  snprintf(cmd, sizeof cmd, "'%s/tools/pki/yhpki' test-pki '%s' >/dev/null", yh_binary_dir(),
           other_pki);
  run(cmd);
  snprintf(path, sizeof path, "%s/trust/issuers/p256.pem", other_pki);
  size_t no;
  char *foreign = read_text(path, &no);
  ck_assert_int_eq(apply(d, "trust", 2, root), -1);
  ck_assert_int_eq(apply(d, "trust", 2, foreign), -1);
  /* garbage, truncated, a key, text between blocks, empty, oversized */
  char *cut = strdup(p256);
  cut[n1 / 2] = '\0';
  char *between = malloc(n1 + 32);
  snprintf(between, n1 + 32, "hello\n%s", p256);
  static const char *const bad[] = {
      "", "junk\n", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
      "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49\n-----END PRIVATE KEY-----\n",
      "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", /* not DER */
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(apply(d, "trust", 3 + i, bad[i]) == -1, "accepted: %zu", i);
  ck_assert_int_eq(apply(d, "trust", 20, cut), -1);
  ck_assert_int_eq(apply(d, "trust", 21, between), -1);
  size_t big = 300 * 1024, used = 0;
  char *huge = malloc(big + n1 + 1);
  while (used < big) {
    memcpy(huge + used, p256, n1);
    used += n1;
  }
  huge[used] = '\0';
  ck_assert_int_eq(term_docs_apply(d, "trust", 22, huge, used, T0), -1);
  ck_assert_int_eq(apply(d, "trust", 1, bundle), -1); /* a replay */
  ck_assert_int_eq(published_count, 1);
  ck_assert_uint_eq(version(d, "trust"), 1);
  term_docs_close(d);

  /* read again at start, published when the program attaches its tap */
  ck_assert_msg(term_docs_open(&cfg, &d, why, sizeof why) == 0, "%s", why);
  ck_assert_uint_eq(version(d, "trust"), 1);
  published_issuers = 0;
  term_docs_attach(d, NULL, publish);
  ck_assert_int_eq(published_count, 2);
  ck_assert_uint_eq(published_issuers, 2);
  /* a newer one with one issuer replaces it */
  ck_assert_int_eq(apply(d, "trust", 30, p256), 0);
  ck_assert_uint_eq(published_issuers, 1);
  term_docs_close(d);
  free(p256), free(sm2), free(root), free(bundle), free(foreign), free(cut), free(between);
  free(huge);
}
END_TEST

/* --------------------------------------------------------------- registry -- */

static const char registry_v1[] =
    "# the centre's registry\n"
    "[park.guishan]\nname = 龟山公园\ncounty = 玉州区\nkind = park\nlevel = 3A\nmodes = gate\n"
    "[bus.test]\nname = 测试公交\ncounty = 玉林市\nkind = bus\nlevel = city\nmodes = bus\n"
    "operator = t\nroutes = 1 2 9\nvehicles = GK-D0001 GK-D0099\n";

static void last_event(struct kiosk_terminal *t, struct proto_event *e)
{
  uint64_t seq = 0;
  struct kiosk_journal *j = kiosk_terminal_journal(t);
  ck_assert_ptr_nonnull(j);
  ck_assert_int_eq(kiosk_journal_last_seq(j, &seq), KIOSK_OK);
  ck_assert_int_eq(kiosk_journal_get(j, seq, e), KIOSK_OK);
}

START_TEST(registry_doc_brings_new_vehicles_into_force)
{
  struct kiosk_config cfg = load(1);
  struct term_docs *d;
  char why[700];
  ck_assert_msg(term_docs_open(&cfg, &d, why, sizeof why) == 0, "%s", why);
  struct kiosk_terminal *t = open_terminal(term_docs_config(d));
  term_docs_attach(d, t, NULL);
  struct proto_event e;
  decide(t, T0);
  last_event(t, &e);
  ck_assert_str_eq(e.vehicle, "GK-D0001");
  ck_assert_str_eq(e.route, "1");

  /* the centre's configuration cannot move a terminal to another bus (one document for
   * every terminal): who and where a terminal is stays its file's */
  static const char move[] = "[terminal]\nvehicle = GK-D0099\nroute = 9\ntrip = T0815\n";
  ck_assert_int_eq(apply(d, "config", 1, move), -1);
  /* the registry adds a bus and a route: in force for the running terminal at its next
   * decision, its own vehicle and route unchanged */
  ck_assert(!kiosk_site_has_vehicle(kiosk_terminal_site(t), "GK-D0099"));
  ck_assert_int_eq(apply(d, "registry", 1, registry_v1), 0);
  decide(t, T0 + 600);
  ck_assert(kiosk_site_has_vehicle(kiosk_terminal_site(t), "GK-D0099"));
  ck_assert(kiosk_site_has_route(kiosk_terminal_site(t), "9"));
  last_event(t, &e);
  ck_assert_str_eq(e.vehicle, "GK-D0001");
  ck_assert_str_eq(e.route, "1");

  /* refused: without this bus, without this site, garbage, truncated, a replay */
  char *no_bus = strdup(registry_v1);
  char *cut = strstr(no_bus, "GK-D0001 ");
  memmove(cut, cut + 9, strlen(cut + 9) + 1);
  static const char no_site[] =
      "[park.guishan]\nname = 龟山公园\ncounty = 玉州区\nkind = park\nlevel = 3A\nmodes = gate\n";
  char truncated[200];
  snprintf(truncated, sizeof truncated, "%.150s", registry_v1);
  static const char *const bad[] = {
      no_site, "junk\n", "", "[bus.test]\nname = x\n",
      "[bus.test]\nname = 测试公交\ncounty = 玉林市\nkind = bus\nlevel = city\nmodes = bus\n"
      "operator = t\nroutes = 1 2 9\nvehicles = 450902198506121232\n",
  };
  ck_assert_int_eq(apply(d, "registry", 2, no_bus), -1);
  ck_assert_int_eq(apply(d, "registry", 2, truncated), -1);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(apply(d, "registry", 3 + i, bad[i]) == -1, "accepted: %zu", i);
  ck_assert_int_eq(apply(d, "registry", 1, registry_v1), -1);
  ck_assert_uint_eq(version(d, "registry"), 1);
  decide(t, T0 + 1200);
  ck_assert(kiosk_site_has_vehicle(kiosk_terminal_site(t), "GK-D0099"));
  kiosk_terminal_close(t);
  term_docs_close(d);

  /* at start: the stored registry, a terminal opened on it */
  ck_assert_msg(term_docs_open(&cfg, &d, why, sizeof why) == 0, "%s", why);
  ck_assert_uint_eq(version(d, "registry"), 1);
  ck_assert_msg(strstr(term_docs_config(d)->sites_path, "journal.db.registry") != NULL, "%s",
                term_docs_config(d)->sites_path);
  t = open_terminal(term_docs_config(d));
  ck_assert(kiosk_site_has_vehicle(kiosk_terminal_site(t), "GK-D0099"));
  decide(t, T0 + 1800);
  last_event(t, &e);
  ck_assert_str_eq(e.vehicle, "GK-D0001");
  kiosk_terminal_close(t);
  term_docs_close(d);
  free(no_bus);
}
END_TEST

/* Issue 13: a bus installed with only its vehicle id, before the registry lists it. It
 * starts waiting, refuses every card with REGISTRY_WAIT (journaled), takes a registry of
 * its site that still lacks it (and keeps waiting), and decides as soon as one lists it,
 * with the route the registry assigns. */
START_TEST(bus_waits_for_its_vehicle_in_the_registry)
{
  static const char text[] =
      "[terminal]\nsite = bus.test\nmode = bus\nterminal_id = T-DOCS\nvehicle = GK-D0077\n"
      "[paths]\nsites = sites.ini\ntrust_store = pki/trust\njournal = journal.db\n"
      "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-12-27\n"
      "clock_not_before = 2019-01-01\n";
  write_file("kiosk.ini", text, strlen(text));
  char path[300], why[700], line[300];
  snprintf(path, sizeof path, "%s/kiosk.ini", dir);
  struct kiosk_config cfg;
  struct kiosk_diag kd;
  ck_assert_int_eq(kiosk_config_load(path, NULL, 0, &cfg, &kd), KIOSK_OK);
  ck_assert_int_eq(cfg.registry_wait, KIOSK_REGWAIT_VEHICLE);
  struct term_docs *d;
  ck_assert_msg(term_docs_open(&cfg, &d, why, sizeof why) == 0, "%s", why);
  ck_assert_int_eq(term_docs_wait_text(term_docs_config(d), 0, line, sizeof line), 1);
  ck_assert_str_eq(line, "vehicle GK-D0077 not in the registry in force (version 0): waiting "
                         "for the centre's registry");
  struct kiosk_terminal *t = open_terminal(term_docs_config(d));
  term_docs_attach(d, t, NULL);
  struct kiosk_outcome o = decide(t, T0);
  ck_assert_int_eq(o.verdict.verdict, KIOSK_VERDICT_DENY);
  ck_assert(o.verdict.deny & KIOSK_RBIT(REGISTRY_WAIT));
  struct proto_event e;
  last_event(t, &e);
  ck_assert_str_eq(e.vehicle, "GK-D0077");
  ck_assert_str_eq(e.route, "");
  ck_assert(e.reasons & KIOSK_RBIT(REGISTRY_WAIT));

  /* the centre's first registry does not list it yet: in force, still waiting */
  ck_assert_int_eq(apply(d, "registry", 1, registry_v1), 0);
  ck_assert_int_eq(term_docs_wait_text(term_docs_config(d), 1, line, sizeof line), 1);
  o = decide(t, T0 + 600);
  ck_assert(o.verdict.deny & KIOSK_RBIT(REGISTRY_WAIT));
  /* one with a vehicle_routes entry that is not well formed: refused, version 1 stays */
  static const char bad[] =
      "[bus.test]\nname = 测试公交\ncounty = 玉林市\nkind = bus\nlevel = city\nmodes = bus\n"
      "operator = t\nroutes = 1 2\nvehicles = GK-D0001 GK-D0077\nvehicle_routes = GK-D0077:5\n";
  ck_assert_int_eq(apply(d, "registry", 2, bad), -1);
  ck_assert_uint_eq(version(d, "registry"), 1);
  /* the bus added at the centre, on route 2: deciding at the next card, no restart */
  static const char v2[] =
      "[bus.test]\nname = 测试公交\ncounty = 玉林市\nkind = bus\nlevel = city\nmodes = bus\n"
      "operator = t\nroutes = 1 2\nvehicles = GK-D0001 GK-D0077\n"
      "vehicle_routes = GK-D0001:1 GK-D0077:2\n";
  ck_assert_int_eq(apply(d, "registry", 2, v2), 0);
  ck_assert_int_eq(term_docs_wait_text(term_docs_config(d), 2, line, sizeof line), 0);
  o = decide(t, T0 + 1200);
  ck_assert(!(o.verdict.reasons & KIOSK_RBIT(REGISTRY_WAIT)));
  last_event(t, &e);
  ck_assert_str_eq(e.vehicle, "GK-D0077");
  ck_assert_str_eq(e.route, "2");
  /* and now it runs, a registry that loses it is refused (a mistake at the centre) */
  ck_assert_int_eq(apply(d, "registry", 3, registry_v1), -1);
  ck_assert_uint_eq(version(d, "registry"), 2);
  kiosk_terminal_close(t);
  term_docs_close(d);

  /* read again at start: not waiting, the registry's route */
  ck_assert_msg(term_docs_open(&cfg, &d, why, sizeof why) == 0, "%s", why);
  ck_assert_int_eq(term_docs_config(d)->registry_wait, KIOSK_REGWAIT_NONE);
  ck_assert_str_eq(term_docs_config(d)->route, "2");
  term_docs_close(d);
}
END_TEST

START_TEST(unknown_kind_refused)
{
  struct kiosk_config cfg = load(0);
  struct term_docs *d;
  char why[700];
  ck_assert_msg(term_docs_open(&cfg, &d, why, sizeof why) == 0, "%s", why);
  ck_assert_int_eq(apply(d, "firmware", 1, "x"), -1);
  ck_assert_int_eq(apply(d, NULL, 1, "x"), -1);
  uint64_t v = 5;
  ck_assert_int_eq(term_docs_version(d, "firmware", &v), 0);
  ck_assert_uint_eq(v, 0);
  term_docs_close(d);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("terminal_docs");
  TCase *tc = tcase_create("docs");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, config_doc_changes_policy_between_decisions);
  tcase_add_test(tc, trust_doc_needs_an_issuer_of_our_roots);
  tcase_add_test(tc, registry_doc_brings_new_vehicles_into_force);
  tcase_add_test(tc, bus_waits_for_its_vehicle_in_the_registry);
  tcase_add_test(tc, unknown_kind_refused);
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
