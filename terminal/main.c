/*
 * kiosk: the terminal program's command line.
 *
 *   kiosk config check|defaults   kiosk journal verify|export|status
 *   kiosk revoke show|lookup      kiosk sites
 *   kiosk decide                  a headless decision (JSON and/or flags), for tests
 *   kiosk verify                  read the card on the configured reader, decide,
 *                                 journal, print the verdict as JSON
 *   kiosk run                     the terminal program: screen, reader, journal, sync
 *   kiosk ctl                     talk to a running `kiosk run --control PATH`
 *   kiosk station ...             the blood station desk (station_cli_main)
 *
 * Every command takes --config FILE (default: the embedded defaults) and --help.
 * Exit codes: 0 done (for decide/verify: whatever the verdict), 1 a check failed
 * (journal verify found tampering, lookup found the card revoked), 2 usage or
 * configuration error, 3 runtime error.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kiosk/terminal.h"
#include "station/cli.h"
#include "app.h"


/* ------------------------------------------------------------ arguments -- */

struct args {
  int argc;
  char **argv;
  int i;
};

/* The value of "--name VALUE" or "--name=VALUE" at a->argv[a->i], or NULL. */
static const char *opt_value(struct args *a, const char *name)
{
  const char *arg = a->argv[a->i];
  size_t n = strlen(name);
  if (strncmp(arg, name, n) != 0)
    return NULL;
  if (arg[n] == '=')
    return arg + n + 1;
  if (arg[n] != '\0')
    return NULL;
  if (a->i + 1 >= a->argc) {
    fprintf(stderr, "kiosk: %s needs a value\n", name);
    exit(EXIT_USAGE);
  }
  return a->argv[++a->i];
}

static int is_help(const char *s)
{
  return strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0;
}

static void usage_error(const char *cmd, const char *arg)
{
  fprintf(stderr, "kiosk %s: unexpected argument '%s' (see kiosk %s --help)\n", cmd, arg, cmd);
  exit(EXIT_USAGE);
}

static uint64_t parse_u64_arg(const char *name, const char *v)
{
  char *end;
  errno = 0;
  unsigned long long n = strtoull(v, &end, 10);
  if (!*v || *end || errno || v[0] == '-') {
    fprintf(stderr, "kiosk: %s: not a number: %s\n", name, v);
    exit(EXIT_USAGE);
  }
  return (uint64_t)n;
}

/* ------------------------------------------------------------- config -- */

static void load_config(const char *path, unsigned flags, struct kiosk_config *cfg)
{
  struct kiosk_diag d;
  memset(&d, 0, sizeof d);
  if (kiosk_config_load(path, NULL, flags, cfg, &d) != KIOSK_OK) {
    char msg[2 * KIOSK_DIAG_TEXT_MAX + 16];
    fprintf(stderr, "kiosk: configuration error: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    exit(EXIT_USAGE);
  }
}

static const char help_config[] =
    "usage: kiosk config check [--config FILE]\n"
    "       kiosk config defaults\n"
    "\n"
    "check     read and validate the terminal configuration (FILE, else the embedded\n"
    "          defaults) and the site registry it names; print a summary. Any error is\n"
    "          reported as file:line: problem, exit status 2.\n"
    "defaults  print the embedded default configuration.\n";

static int cmd_config(struct args *a)
{
  const char *sub = NULL, *cfgpath = NULL;
  for (; a->i < a->argc; a->i++) {
    const char *v;
    if (is_help(a->argv[a->i])) {
      fputs(help_config, stdout);
      return 0;
    } else if ((v = opt_value(a, "--config"))) {
      cfgpath = v;
    } else if (!sub) {
      sub = a->argv[a->i];
    } else {
      usage_error("config", a->argv[a->i]);
    }
  }
  if (sub && strcmp(sub, "defaults") == 0) {
    fputs(kiosk_config_defaults(), stdout);
    return 0;
  }
  if (!sub || strcmp(sub, "check") != 0) {
    fputs(help_config, stderr);
    return EXIT_USAGE;
  }
  struct kiosk_config c;
  load_config(cfgpath, 0, &c);
  char d1[11], d2[11];
  kiosk_format_date(c.policy.start_day, d1);
  kiosk_format_date(c.policy.end_day, d2);
  printf("configuration ok: %s\n", c.source);
  printf("  site %s, mode %s, terminal %s%s%s\n", c.site_id, kiosk_mode_name(c.mode),
         c.terminal_id, c.vehicle[0] ? ", vehicle " : "", c.vehicle);
  printf("  reader \"%s\"\n", c.reader);
  printf("  sites %s\n  trust store %s\n  journal %s\n  revocation list %s\n", c.sites_path,
         c.trust_dir, c.journal_path, c.revocation_path);
  printf("  scheme in force from %s to the day before %s (UTC%+d:%02d)\n", d1, d2,
         c.policy.utc_offset_s / 3600, abs(c.policy.utc_offset_s / 60) % 60);
  printf("  gate repeat %u min, bus repeat %u min, revocation list max age %u h (%s)\n",
         c.policy.gate_repeat_s / 60, c.policy.bus_repeat_s / 60,
         c.policy.revlist_max_age_s / 3600, c.policy.stale == KIOSK_STALE_DENY ? "deny" : "warn");
  if (c.mode == KIOSK_MODE_CASHIER)
    printf("  social security card reader \"%s\", consultation fee %lld fen%s\n",
           c.ssc_reader[0] ? c.ssc_reader : c.reader, (long long)c.consultation_fee_fen,
           c.consultation_fee_fen ? "" : " (not set: kiosk run refuses to start)");
  if (c.sync.enabled)
    printf("  centre %s, every %u s (CA %s, certificate %s)\n", c.sync.url, c.sync.poll_s,
           c.sync.ca_file, c.sync.cert_file);
  else
    printf("  no [sync]: offline, nothing is uploaded\n");
  printf("  screen: %s, %s renderer, sound %s, %s, staff menu %s\n",
         c.ui.fullscreen ? "full screen" : "window", c.ui.software ? "software" : "accelerated",
         c.ui.sound ? "on" : "off", c.ui.language, c.ui.pin_hash[0] ? "PIN" : "closed");
  return 0;
}

/* ------------------------------------------------------------- journal -- */

static const char help_journal[] =
    "usage: kiosk journal verify [--config FILE] [--journal DB]\n"
    "       kiosk journal export [--from N] [--to M] [--config FILE] [--journal DB]\n"
    "       kiosk journal status [--config FILE] [--journal DB]\n"
    "\n"
    "verify  check the hash chain (gapless seqs, each prev_hash, each hash, the head);\n"
    "        exit 1 and name the first broken seq when it does not hold.\n"
    "export  write events N..M (default: all) as JSON lines on stdout.\n"
    "status  last seq, acknowledged-through mark, events not yet sent.\n"
    "The journal is the configuration's unless --journal names one. Opened read-only.\n";

static int cmd_journal(struct args *a)
{
  const char *sub = NULL, *cfgpath = NULL, *db = NULL;
  uint64_t from = 1, to = 0;
  for (; a->i < a->argc; a->i++) {
    const char *v;
    if (is_help(a->argv[a->i])) {
      fputs(help_journal, stdout);
      return 0;
    } else if ((v = opt_value(a, "--config"))) {
      cfgpath = v;
    } else if ((v = opt_value(a, "--journal"))) {
      db = v;
    } else if ((v = opt_value(a, "--from"))) {
      from = parse_u64_arg("--from", v);
    } else if ((v = opt_value(a, "--to"))) {
      to = parse_u64_arg("--to", v);
    } else if (!sub) {
      sub = a->argv[a->i];
    } else {
      usage_error("journal", a->argv[a->i]);
    }
  }
  if (!sub || (strcmp(sub, "verify") && strcmp(sub, "export") && strcmp(sub, "status"))) {
    fputs(help_journal, stderr);
    return EXIT_USAGE;
  }
  struct kiosk_config c;
  if (!db) {
    load_config(cfgpath, KIOSK_CONFIG_NO_FS_CHECK, &c);
    db = c.journal_path;
  }
  struct kiosk_journal *j;
  struct kiosk_diag d;
  char msg[600];
  if (kiosk_journal_open(db, KIOSK_JOURNAL_READONLY, &j, &d) != KIOSK_OK) {
    fprintf(stderr, "kiosk: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    return EXIT_RUNTIME;
  }
  int rc = 0;
  if (strcmp(sub, "verify") == 0) {
    struct kiosk_journal_check res;
    int err = kiosk_journal_verify(j, &res);
    if (err == KIOSK_OK) {
      printf("journal ok: %" PRIu64 " events, chain intact\n", res.checked);
    } else if (err == KIOSK_E_CHAIN) {
      printf("journal BROKEN at seq %" PRIu64 ": %s (%" PRIu64 " events verified before it)\n",
             res.bad_seq, res.problem, res.checked);
      rc = EXIT_CHECK;
    } else {
      fprintf(stderr, "kiosk: %s: %s\n", kiosk_strerror(err), kiosk_journal_errmsg(j));
      rc = EXIT_RUNTIME;
    }
  } else if (strcmp(sub, "export") == 0) {
    int err = kiosk_journal_export(j, from, to, stdout);
    if (err != KIOSK_OK) {
      fprintf(stderr, "kiosk: export: %s %s\n", kiosk_strerror(err), kiosk_journal_errmsg(j));
      rc = EXIT_RUNTIME;
    }
  } else {
    uint64_t last = 0, acked = 0, unsent = 0;
    if (kiosk_journal_last_seq(j, &last) || kiosk_journal_acked(j, &acked) ||
        kiosk_journal_count_unsent(j, &unsent)) {
      fprintf(stderr, "kiosk: %s\n", kiosk_journal_errmsg(j));
      rc = EXIT_RUNTIME;
    } else {
      printf("last seq %" PRIu64 ", acknowledged through %" PRIu64 ", unsent %" PRIu64 "\n",
             last, acked, unsent);
    }
  }
  kiosk_journal_close(j);
  return rc;
}

/* -------------------------------------------------------------- revoke -- */

static const char help_revoke[] =
    "usage: kiosk revoke show [--list] [--config FILE] [--file LIST] [--key PEM]\n"
    "       kiosk revoke lookup CARD_NO [GENERATION] [--config FILE] [--file LIST] [--key PEM]\n"
    "\n"
    "show    load and verify the revocation list (signature checked with the centre's\n"
    "        key, trust store file " KIOSK_TRUST_REVOCATION_KEY "); print version,\n"
    "        issue time, age and entry count (--list: every entry).\n"
    "lookup  is this card (generation, default 0) revoked? exit 1 when it is.\n";

static int cmd_revoke(struct args *a)
{
  const char *sub = NULL, *cfgpath = NULL, *file = NULL, *keypath = NULL, *card = NULL;
  const char *gen = NULL;
  int list = 0;
  for (; a->i < a->argc; a->i++) {
    const char *v;
    if (is_help(a->argv[a->i])) {
      fputs(help_revoke, stdout);
      return 0;
    } else if ((v = opt_value(a, "--config"))) {
      cfgpath = v;
    } else if ((v = opt_value(a, "--file"))) {
      file = v;
    } else if ((v = opt_value(a, "--key"))) {
      keypath = v;
    } else if (strcmp(a->argv[a->i], "--list") == 0) {
      list = 1;
    } else if (!sub) {
      sub = a->argv[a->i];
    } else if (!card && strcmp(sub, "lookup") == 0) {
      card = a->argv[a->i];
    } else if (!gen && card) {
      gen = a->argv[a->i];
    } else {
      usage_error("revoke", a->argv[a->i]);
    }
  }
  if (!sub || (strcmp(sub, "show") && strcmp(sub, "lookup")) ||
      (strcmp(sub, "lookup") == 0 && !card)) {
    fputs(help_revoke, stderr);
    return EXIT_USAGE;
  }
  struct kiosk_config c;
  load_config(cfgpath, KIOSK_CONFIG_NO_FS_CHECK, &c);
  struct kiosk_diag d;
  char msg[600];
  struct kiosk_revkey *key = NULL;
  int err = keypath ? kiosk_revkey_load_public(keypath, &key, &d)
                    : kiosk_revkey_load_trust(c.trust_dir, &key, &d);
  if (err != KIOSK_OK) {
    fprintf(stderr, "kiosk: revocation key: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    return EXIT_RUNTIME;
  }
  struct kiosk_revlist *rl = NULL;
  int rc = 0;
  kiosk_revlist_create(&rl);
  err = kiosk_revlist_load(rl, file ? file : c.revocation_path, key, &d);
  if (err != KIOSK_OK && !(err == KIOSK_E_NOT_FOUND && strcmp(sub, "lookup") == 0)) {
    fprintf(stderr, "kiosk: revocation list: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    rc = EXIT_RUNTIME;
    goto out;
  }
  int64_t now = (int64_t)time(NULL);
  if (strcmp(sub, "show") == 0) {
    int64_t issued = kiosk_revlist_issued_at(rl);
    printf("revocation list version %" PRIu64 ", issued at %" PRId64 " (%" PRId64
           " h ago; max age %u h), %zu entries, %.1f MB in memory\n",
           kiosk_revlist_version(rl), issued, (now - issued) / 3600,
           c.policy.revlist_max_age_s / 3600, kiosk_revlist_count(rl),
           (double)kiosk_revlist_memory(rl) / 1048576.0);
    for (size_t i = 0; list && i < kiosk_revlist_count(rl); i++) {
      struct kiosk_rev_entry e;
      kiosk_revlist_entry(rl, i, &e);
      printf("%s %s %" PRIu32 "\n", e.card_no, e.kind == KIOSK_REV_BELOW ? "below" : "exact",
             e.generation);
    }
  } else {
    uint32_t g = gen ? (uint32_t)parse_u64_arg("generation", gen) : 0;
    struct kiosk_rev_lookup r;
    kiosk_revlist_lookup(rl, card, g, &r);
    const char *s = r.status == KIOSK_REV_REVOKED     ? "revoked"
                    : r.status == KIOSK_REV_NOT_LISTED ? "not listed"
                                                       : "no list loaded";
    printf("%s generation %" PRIu32 ": %s (list version %" PRIu64 ")\n", card, g, s, r.version);
    rc = r.status == KIOSK_REV_REVOKED ? EXIT_CHECK : 0;
  }
out:
  kiosk_revlist_destroy(rl);
  kiosk_revkey_destroy(key);
  return rc;
}

/* --------------------------------------------------------------- sites -- */

static int cmd_sites(struct args *a)
{
  const char *cfgpath = NULL;
  for (; a->i < a->argc; a->i++) {
    const char *v;
    if (is_help(a->argv[a->i])) {
      puts("usage: kiosk sites [--config FILE]\n\nList the site registry the configuration "
           "names: id, kind, level, county, modes, name.");
      return 0;
    } else if ((v = opt_value(a, "--config"))) {
      cfgpath = v;
    } else {
      usage_error("sites", a->argv[a->i]);
    }
  }
  struct kiosk_config c;
  load_config(cfgpath, KIOSK_CONFIG_NO_FS_CHECK, &c);
  struct kiosk_sites *s;
  struct kiosk_diag d;
  char msg[600];
  if (kiosk_sites_load(c.sites_path, &s, &d) != KIOSK_OK) {
    fprintf(stderr, "kiosk: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    return EXIT_USAGE;
  }
  for (size_t i = 0; i < kiosk_sites_count(s); i++) {
    const struct kiosk_site *x = kiosk_sites_at(s, i);
    char modes[64] = "";
    for (int m = KIOSK_MODE_GATE; m <= KIOSK_MODE_STATION; m++)
      if (x->modes & KIOSK_MODE_BIT(m)) {
        if (modes[0])
          strcat(modes, ",");
        strcat(modes, kiosk_mode_name(m));
      }
    printf("%-30s %-8s %-6s %-8s %-8s %s\n", x->id, kiosk_site_kind_name(x->kind), x->level,
           x->county, modes, x->name);
  }
  kiosk_sites_destroy(s);
  return 0;
}

/* -------------------------------------------------------------- decide -- */

static const char help_decide[] =
    "usage: kiosk decide [--json FILE|-] [--config FILE] [field flags...]\n"
    "\n"
    "A headless decision by the engine alone (no card, no journal write): the request\n"
    "comes from a JSON object (--json; '-' for stdin) and/or flags (flags win). The\n"
    "policy comes from the configuration. Prints the verdict as JSON.\n"
    "\n"
    "JSON members and flags:\n"
    "  card_no / --card NO            generation / --generation N (default 0)\n"
    "  award / --award KIND           donor_star, volunteer_star, volunteer_lifetime,\n"
    "                                 lifetime_achievement, promotion, none\n"
    "  level / --level N              stars (0 for the lifetime awards)\n"
    "  checks / --check NAME=STATE    format, chain, signature, card_key, validity:\n"
    "                                 ok, failed, not_checked (default: all ok)\n"
    "  mode / --mode MODE             default: the configuration's\n"
    "  site_modes / --site-modes LIST default: the configured site's\n"
    "  time / --time T                Unix seconds, or \"YYYY-MM-DD HH:MM:SS\" local time\n"
    "                                 (the configured utc_offset); default now\n"
    "  holder / --holder H            not_presented, ssc_matched, ssc_mismatched,\n"
    "                                 id_typed_matched, id_typed_mismatched\n"
    "  staff / --staff LIST           holder_confirmed, repeat_accepted, override\n"
    "  staff_id / --staff-id ID\n"
    "  revocation / --revocation S    not_listed, revoked, no_list (default not_listed)\n"
    "  revocation_age_s / --revocation-age S   seconds since the list was issued (0)\n"
    "  last_use_ago_s / --last-use-ago S       a granted use here S seconds ago\n"
    "  recent_unknown / --recent-unknown       the journal could not be read\n"
    "  visit / --visit V              outpatient, inpatient\n"
    "  bill_ref / --bill REF          amount_fen / --amount FEN\n"
    "  journal_writable / --journal-down       override_queue_full / --queue-full\n";

struct named {
  const char *name;
  int value;
};

static const struct named award_names[] = {
    {"none", KIOSK_AWARD_NONE},
    {"donor_star", KIOSK_AWARD_DONOR_STAR},
    {"volunteer_star", KIOSK_AWARD_VOLUNTEER_STAR},
    {"volunteer_lifetime", KIOSK_AWARD_VOLUNTEER_LIFETIME},
    {"lifetime_achievement", KIOSK_AWARD_LIFETIME_ACHIEVEMENT},
    {"promotion", KIOSK_AWARD_PROMOTION},
    {NULL, 0}};
static const struct named check_states[] = {{"ok", KIOSK_CHECK_OK},
                                            {"failed", KIOSK_CHECK_FAILED},
                                            {"not_checked", KIOSK_CHECK_NOT_CHECKED},
                                            {NULL, 0}};
static const struct named staff_names[] = {{"holder_confirmed", KIOSK_STAFF_HOLDER_CONFIRMED},
                                           {"repeat_accepted", KIOSK_STAFF_REPEAT_ACCEPTED},
                                           {"override", KIOSK_STAFF_OVERRIDE},
                                           {NULL, 0}};
static const struct named rev_names[] = {{"not_listed", KIOSK_REV_NOT_LISTED},
                                         {"revoked", KIOSK_REV_REVOKED},
                                         {"no_list", KIOSK_REV_NO_LIST},
                                         {NULL, 0}};
static const struct named visit_names[] = {{"outpatient", KIOSK_VISIT_OUTPATIENT},
                                           {"inpatient", KIOSK_VISIT_INPATIENT},
                                           {"none", KIOSK_VISIT_NONE},
                                           {NULL, 0}};

static int lookup_name(const struct named *t, const char *what, const char *s)
{
  for (; t->name; t++)
    if (strcmp(t->name, s) == 0)
      return t->value;
  fprintf(stderr, "kiosk decide: unknown %s '%s'\n", what, s);
  exit(EXIT_USAGE);
}

/* Parse a comma list of names into a bit set. */
static unsigned name_bits(const struct named *t, const char *what, const char *list)
{
  unsigned bits = 0;
  char buf[256];
  snprintf(buf, sizeof buf, "%s", list);
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save))
    bits |= (unsigned)lookup_name(t, what, tok);
  return bits;
}

static unsigned mode_bits(const char *list)
{
  unsigned bits = 0;
  char buf[128];
  snprintf(buf, sizeof buf, "%s", list);
  for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
       tok = strtok_r(NULL, ",", &save)) {
    enum kiosk_mode m;
    if (kiosk_mode_parse(tok, &m) != KIOSK_OK) {
      fprintf(stderr, "kiosk decide: unknown mode '%s'\n", tok);
      exit(EXIT_USAGE);
    }
    bits |= KIOSK_MODE_BIT(m);
  }
  return bits;
}

static int64_t parse_time(const char *s, int32_t offset)
{
  int y, mo, d, hh, mm, ss;
  char tail;
  if (sscanf(s, "%d-%d-%d %d:%d:%d%c", &y, &mo, &d, &hh, &mm, &ss, &tail) == 6) {
    char date[16];
    snprintf(date, sizeof date, "%04d-%02d-%02d", y, mo, d);
    int32_t day;
    if (kiosk_parse_date(date, &day) != KIOSK_OK || hh > 23 || mm > 59 || ss > 59 || hh < 0 ||
        mm < 0 || ss < 0) {
      fprintf(stderr, "kiosk decide: bad time '%s'\n", s);
      exit(EXIT_USAGE);
    }
    return (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss - offset;
  }
  char *end;
  errno = 0;
  long long t = strtoll(s, &end, 10);
  if (!*s || *end || errno) {
    fprintf(stderr, "kiosk decide: bad time '%s' (Unix seconds or \"YYYY-MM-DD HH:MM:SS\")\n",
            s);
    exit(EXIT_USAGE);
  }
  return (int64_t)t;
}

/* The decision request being built, with the strings it points to. */
struct decide_req {
  struct kiosk_card_facts card;
  struct kiosk_request r;
  char staff_id[64], bill[128];
  int64_t rev_age, last_ago;
  int last_set;
};

static void set_check(struct decide_req *q, const char *name, const char *state)
{
  for (int i = 0; i < KIOSK_CHECK_COUNT; i++)
    if (strcmp(kiosk_check_name(i), name) == 0) {
      q->card.check[i] = (enum kiosk_check_state)lookup_name(check_states, "check state", state);
      return;
    }
  fprintf(stderr, "kiosk decide: unknown check '%s'\n", name);
  exit(EXIT_USAGE);
}

static const char *jstr(json_t *o, const char *k)
{
  json_t *v = json_object_get(o, k);
  if (!v)
    return NULL;
  if (!json_is_string(v)) {
    fprintf(stderr, "kiosk decide: '%s' must be a string\n", k);
    exit(EXIT_USAGE);
  }
  return json_string_value(v);
}

static int jint(json_t *o, const char *k, int64_t *out)
{
  json_t *v = json_object_get(o, k);
  if (!v)
    return 0;
  if (!json_is_integer(v)) {
    fprintf(stderr, "kiosk decide: '%s' must be an integer\n", k);
    exit(EXIT_USAGE);
  }
  *out = (int64_t)json_integer_value(v);
  return 1;
}

static void apply_json(struct decide_req *q, json_t *o, int32_t offset)
{
  static const char *const known[] = {
      "card_no", "generation", "award", "level", "checks", "mode", "site_modes", "time",
      "holder", "staff", "staff_id", "revocation", "revocation_age_s", "last_use_ago_s",
      "recent_unknown", "visit", "bill_ref", "amount_fen", "journal_writable",
      "override_queue_full", NULL};
  const char *key;
  json_t *val;
  json_object_foreach(o, key, val)
  {
    int ok = 0;
    for (int i = 0; known[i]; i++)
      ok |= strcmp(known[i], key) == 0;
    if (!ok) {
      fprintf(stderr, "kiosk decide: unknown member '%s'\n", key);
      exit(EXIT_USAGE);
    }
  }
  const char *s;
  int64_t n;
  if ((s = jstr(o, "card_no")))
    snprintf(q->card.card_no, sizeof q->card.card_no, "%s", s);
  if (jint(o, "generation", &n))
    q->card.generation = (uint32_t)n;
  if ((s = jstr(o, "award")))
    q->card.award = (enum kiosk_award)lookup_name(award_names, "award", s);
  if (jint(o, "level", &n))
    q->card.award_level = (unsigned)n;
  json_t *checks = json_object_get(o, "checks");
  if (checks) {
    json_object_foreach(checks, key, val)
    {
      if (!json_is_string(val)) {
        fprintf(stderr, "kiosk decide: checks.%s must be a string\n", key);
        exit(EXIT_USAGE);
      }
      set_check(q, key, json_string_value(val));
    }
  }
  if ((s = jstr(o, "mode")) && kiosk_mode_parse(s, &q->r.mode) != KIOSK_OK) {
    fprintf(stderr, "kiosk decide: unknown mode '%s'\n", s);
    exit(EXIT_USAGE);
  }
  if ((s = jstr(o, "site_modes")))
    q->r.site_modes = mode_bits(s);
  json_t *t = json_object_get(o, "time");
  if (json_is_integer(t))
    q->r.now = (int64_t)json_integer_value(t);
  else if (json_is_string(t))
    q->r.now = parse_time(json_string_value(t), offset);
  if ((s = jstr(o, "holder")) && kiosk_holder_parse(s, &q->r.holder) != KIOSK_OK) {
    fprintf(stderr, "kiosk decide: unknown holder outcome '%s'\n", s);
    exit(EXIT_USAGE);
  }
  if ((s = jstr(o, "staff")))
    q->r.staff = name_bits(staff_names, "staff action", s);
  if ((s = jstr(o, "staff_id")))
    snprintf(q->staff_id, sizeof q->staff_id, "%s", s);
  if ((s = jstr(o, "revocation")))
    q->r.revocation.status = (enum kiosk_rev_status)lookup_name(rev_names, "revocation", s);
  jint(o, "revocation_age_s", &q->rev_age);
  if (jint(o, "last_use_ago_s", &q->last_ago))
    q->last_set = 1;
  if (json_is_true(json_object_get(o, "recent_unknown")))
    q->r.recent.known = 0;
  if ((s = jstr(o, "visit")))
    q->r.visit = (enum kiosk_visit)lookup_name(visit_names, "visit", s);
  if ((s = jstr(o, "bill_ref")))
    snprintf(q->bill, sizeof q->bill, "%s", s);
  jint(o, "amount_fen", &q->r.amount_fen);
  if (json_is_false(json_object_get(o, "journal_writable")))
    q->r.journal_writable = 0;
  if (json_is_true(json_object_get(o, "override_queue_full")))
    q->r.override_queue_room = 0;
}

static json_t *reasons_json(uint64_t bits)
{
  json_t *a = json_array();
  for (int i = 0; i < KIOSK_R_COUNT; i++)
    if (bits & (UINT64_C(1) << i)) {
      json_t *o = json_object();
      json_object_set_new(o, "code", json_string(kiosk_reason_name(i)));
      json_object_set_new(o, "en", json_string(kiosk_reason_en(i)));
      json_object_set_new(o, "zh", json_string(kiosk_reason_zh(i)));
      json_array_append_new(a, o);
    }
  return a;
}

json_t *term_verdict_json(const struct kiosk_verdict *v)
{
  json_t *o = json_object();
  json_object_set_new(o, "verdict", json_string(kiosk_verdict_name(v->verdict)));
  json_object_set_new(o, "reasons", reasons_json(v->reasons));
  json_t *deny = json_array(), *staff = json_array(), *flags = json_array();
  for (int i = 0; i < KIOSK_R_COUNT; i++) {
    if (v->deny & (UINT64_C(1) << i))
      json_array_append_new(deny, json_string(kiosk_reason_name(i)));
    if (v->staff & (UINT64_C(1) << i))
      json_array_append_new(staff, json_string(kiosk_reason_name(i)));
  }
  if (v->flags & KIOSK_VF_REVLIST_STALE)
    json_array_append_new(flags, json_string("revocation_list_stale"));
  if (v->flags & KIOSK_VF_OVERRIDE_OFFERED)
    json_array_append_new(flags, json_string("override_offered"));
  if (v->flags & KIOSK_VF_OVERRIDE_USED)
    json_array_append_new(flags, json_string("override_used"));
  json_object_set_new(o, "deny", deny);
  json_object_set_new(o, "staff", staff);
  json_object_set_new(o, "flags", flags);
  return o;
}

void term_print_json(json_t *o)
{
  char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (s) {
    puts(s);
    free(s);
  }
}

static int cmd_decide(struct args *a)
{
  const char *cfgpath = NULL, *jsonpath = NULL;
  /* Flags are collected first and applied after the JSON (flags win). */
  struct args fl = *a;
  for (; a->i < a->argc; a->i++) {
    const char *v;
    if (is_help(a->argv[a->i])) {
      fputs(help_decide, stdout);
      return 0;
    } else if ((v = opt_value(a, "--config"))) {
      cfgpath = v;
    } else if ((v = opt_value(a, "--json"))) {
      jsonpath = v;
    }
  }
  struct kiosk_config c;
  load_config(cfgpath, KIOSK_CONFIG_NO_FS_CHECK, &c);
  struct kiosk_sites *sites;
  struct kiosk_diag d;
  char msg[600];
  if (kiosk_sites_load(c.sites_path, &sites, &d) != KIOSK_OK) {
    fprintf(stderr, "kiosk: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    return EXIT_USAGE;
  }
  struct decide_req q;
  memset(&q, 0, sizeof q);
  for (int i = 0; i < KIOSK_CHECK_COUNT; i++)
    q.card.check[i] = KIOSK_CHECK_OK;
  q.r.card = &q.card;
  q.r.mode = c.mode;
  q.r.site_modes = kiosk_sites_find(sites, c.site_id)->modes;
  kiosk_sites_destroy(sites);
  q.r.now = (int64_t)time(NULL);
  q.r.revocation.status = KIOSK_REV_NOT_LISTED;
  q.r.recent.known = 1;
  q.r.journal_writable = 1;
  q.r.override_queue_room = 1;

  if (jsonpath) {
    json_error_t jerr;
    json_t *o = strcmp(jsonpath, "-") == 0 ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr)
                                           : json_load_file(jsonpath, JSON_REJECT_DUPLICATES, &jerr);
    if (!o || !json_is_object(o)) {
      fprintf(stderr, "kiosk decide: %s:%d: %s\n", jsonpath, jerr.line,
              o ? "expected a JSON object" : jerr.text);
      json_decref(o);
      return EXIT_USAGE;
    }
    apply_json(&q, o, c.policy.utc_offset_s);
    json_decref(o);
  }
  for (; fl.i < fl.argc; fl.i++) {
    const char *v;
    if ((v = opt_value(&fl, "--config")) || (v = opt_value(&fl, "--json"))) {
      continue;
    } else if ((v = opt_value(&fl, "--card"))) {
      snprintf(q.card.card_no, sizeof q.card.card_no, "%s", v);
    } else if ((v = opt_value(&fl, "--generation"))) {
      q.card.generation = (uint32_t)parse_u64_arg("--generation", v);
    } else if ((v = opt_value(&fl, "--award"))) {
      q.card.award = (enum kiosk_award)lookup_name(award_names, "award", v);
    } else if ((v = opt_value(&fl, "--level"))) {
      q.card.award_level = (unsigned)parse_u64_arg("--level", v);
    } else if ((v = opt_value(&fl, "--check"))) {
      char buf[64];
      snprintf(buf, sizeof buf, "%s", v);
      char *eq = strchr(buf, '=');
      if (!eq) {
        fprintf(stderr, "kiosk decide: --check NAME=STATE\n");
        return EXIT_USAGE;
      }
      *eq = '\0';
      set_check(&q, buf, eq + 1);
    } else if ((v = opt_value(&fl, "--mode"))) {
      if (kiosk_mode_parse(v, &q.r.mode) != KIOSK_OK) {
        fprintf(stderr, "kiosk decide: unknown mode '%s'\n", v);
        return EXIT_USAGE;
      }
    } else if ((v = opt_value(&fl, "--site-modes"))) {
      q.r.site_modes = mode_bits(v);
    } else if ((v = opt_value(&fl, "--time"))) {
      q.r.now = parse_time(v, c.policy.utc_offset_s);
    } else if ((v = opt_value(&fl, "--holder"))) {
      if (kiosk_holder_parse(v, &q.r.holder) != KIOSK_OK) {
        fprintf(stderr, "kiosk decide: unknown holder outcome '%s'\n", v);
        return EXIT_USAGE;
      }
    } else if ((v = opt_value(&fl, "--staff"))) {
      q.r.staff = name_bits(staff_names, "staff action", v);
    } else if ((v = opt_value(&fl, "--staff-id"))) {
      snprintf(q.staff_id, sizeof q.staff_id, "%s", v);
    } else if ((v = opt_value(&fl, "--revocation"))) {
      q.r.revocation.status = (enum kiosk_rev_status)lookup_name(rev_names, "revocation", v);
    } else if ((v = opt_value(&fl, "--revocation-age"))) {
      q.rev_age = (int64_t)parse_u64_arg("--revocation-age", v);
    } else if ((v = opt_value(&fl, "--last-use-ago"))) {
      q.last_ago = (int64_t)parse_u64_arg("--last-use-ago", v);
      q.last_set = 1;
    } else if (strcmp(fl.argv[fl.i], "--recent-unknown") == 0) {
      q.r.recent.known = 0;
    } else if ((v = opt_value(&fl, "--visit"))) {
      q.r.visit = (enum kiosk_visit)lookup_name(visit_names, "visit", v);
    } else if ((v = opt_value(&fl, "--bill"))) {
      snprintf(q.bill, sizeof q.bill, "%s", v);
    } else if ((v = opt_value(&fl, "--amount"))) {
      q.r.amount_fen = (int64_t)parse_u64_arg("--amount", v);
    } else if (strcmp(fl.argv[fl.i], "--journal-down") == 0) {
      q.r.journal_writable = 0;
    } else if (strcmp(fl.argv[fl.i], "--queue-full") == 0) {
      q.r.override_queue_room = 0;
    } else {
      usage_error("decide", fl.argv[fl.i]);
    }
  }
  q.r.staff_id = q.staff_id;
  q.r.bill_ref = q.bill;
  q.r.revocation.issued_at = q.r.now - q.rev_age;
  if (q.last_set) {
    q.r.recent.count = 1;
    q.r.recent.last_time = q.r.now - q.last_ago;
  }
  struct kiosk_verdict v;
  kiosk_decide(&c.policy, &q.r, &v);
  json_t *o = term_verdict_json(&v);
  term_print_json(o);
  json_decref(o);
  return 0;
}

/* ---------------------------------------------------------------- main -- */

static const char help_main[] =
    "usage: kiosk COMMAND [options]   (kiosk COMMAND --help for each)\n"
    "\n"
    "  config check|defaults    validate the terminal configuration / print the defaults\n"
    "  sites                    list the site registry\n"
    "  journal verify|export|status   the audit journal\n"
    "  revoke show|lookup       the revocation list\n"
    "  decide                   a headless decision from JSON and/or flags\n"
    "  verify                   read the card on the configured reader, decide, journal,\n"
    "                           print the verdict as JSON\n"
    "  run                      the terminal program: full-screen UI, card reader,\n"
    "                           decisions, journal, sync with the centre\n"
    "  ctl                      send a command to a running `kiosk run --control PATH`\n"
    "  station COMMAND          the blood station desk: import, evaluate, notice, apply,\n"
    "                           issue, reissue, revoke, collect, ready-list, ... (station.md)\n"
    "\n"
    "Every command takes --config FILE; without it the embedded defaults are used\n"
    "(relative paths under $YH_STATE_DIR, else ./yh-state).\n";

int main(int argc, char **argv)
{
  if (argc < 2 || is_help(argv[1])) {
    fputs(help_main, argc < 2 ? stderr : stdout);
    return argc < 2 ? EXIT_USAGE : 0;
  }
  struct args a = {argc, argv, 2};
  const char *cmd = argv[1];
  if (strcmp(cmd, "config") == 0)
    return cmd_config(&a);
  if (strcmp(cmd, "journal") == 0)
    return cmd_journal(&a);
  if (strcmp(cmd, "revoke") == 0)
    return cmd_revoke(&a);
  if (strcmp(cmd, "sites") == 0)
    return cmd_sites(&a);
  if (strcmp(cmd, "decide") == 0)
    return cmd_decide(&a);
  if (strcmp(cmd, "verify") == 0)
    return kiosk_cmd_verify(argc - 2, argv + 2);
  if (strcmp(cmd, "run") == 0)
    return kiosk_cmd_run(argc - 2, argv + 2);
  if (strcmp(cmd, "ctl") == 0)
    return kiosk_cmd_ctl(argc - 2, argv + 2);
  if (strcmp(cmd, "station") == 0) {
    /* the station's CLI with argv[0] = the name its usage lines show (docs/station.md) */
    static char prog[] = "kiosk station";
    argv[1] = prog;
    return station_cli_main(argc - 1, argv + 1);
  }
  fprintf(stderr, "kiosk: unknown command '%s'\n\n%s", cmd, help_main);
  return EXIT_USAGE;
}
