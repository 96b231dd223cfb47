/* `kiosk decide`: a headless decision by the engine alone, from JSON and/or flags. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <common/award.h>
#include <common/date.h>

#include "cmd.h"
#include "kiosk/terminal.h"

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
    "  visit / --visit V              outpatient, inpatient, emergency\n"
    "  bill_ref / --bill REF          amount_fen / --amount FEN (default: the tariff's)\n"
    "  tariff_fen / --tariff-fen FEN  the tariff's fee for the visit today (default none)\n"
    "  --tariff FILE                  the fee from a hospital tariff (yh-tariff/1, the\n"
    "                                 configured site's) for the visit on the request's day\n"
    "  journal_writable / --journal-down       override_queue_full / --queue-full\n";

struct named {
  const char *name;
  int value;
};

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
                                           {"emergency", KIOSK_VISIT_EMERGENCY},
                                           {"none", KIOSK_VISIT_NONE},
                                           {NULL, 0}};

static int lookup_name(const struct named *t, const char *what, const char *s)
{
  for (; t->name; t++)
    if (strcmp(t->name, s) == 0)
      return t->value;
  fprintf(stderr, "kiosk decide: unknown %s '%s'\n", what, s);
  exit(TERM_EXIT_USAGE);
}

/* An award's token (common's award table), or exit. */
static int award_token(const char *s)
{
  int a = common_award_from_token(s);
  if (a < 0) {
    fprintf(stderr, "kiosk decide: unknown award '%s'\n", s);
    exit(TERM_EXIT_USAGE);
  }
  return a;
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
      exit(TERM_EXIT_USAGE);
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
    if (common_date_parse(date, strlen(date), &day) != COMMON_OK || hh > 23 || mm > 59 ||
        ss > 59 || hh < 0 || mm < 0 || ss < 0) {
      fprintf(stderr, "kiosk decide: bad time '%s'\n", s);
      exit(TERM_EXIT_USAGE);
    }
    return (int64_t)day * 86400 + hh * 3600 + mm * 60 + ss - offset;
  }
  char *end;
  errno = 0;
  long long t = strtoll(s, &end, 10);
  if (!*s || *end || errno) {
    fprintf(stderr, "kiosk decide: bad time '%s' (Unix seconds or \"YYYY-MM-DD HH:MM:SS\")\n",
            s);
    exit(TERM_EXIT_USAGE);
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
  exit(TERM_EXIT_USAGE);
}

static const char *jstr(json_t *o, const char *k)
{
  json_t *v = json_object_get(o, k);
  if (!v)
    return NULL;
  if (!json_is_string(v)) {
    fprintf(stderr, "kiosk decide: '%s' must be a string\n", k);
    exit(TERM_EXIT_USAGE);
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
    exit(TERM_EXIT_USAGE);
  }
  *out = (int64_t)json_integer_value(v);
  return 1;
}

static void apply_json(struct decide_req *q, json_t *o, int32_t offset)
{
  static const char *const known[] = {
      "card_no", "generation", "award", "level", "checks", "mode", "site_modes", "time",
      "holder", "staff", "staff_id", "revocation", "revocation_age_s", "last_use_ago_s",
      "recent_unknown", "visit", "bill_ref", "amount_fen", "tariff_fen", "journal_writable",
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
      exit(TERM_EXIT_USAGE);
    }
  }
  const char *s;
  int64_t n;
  if ((s = jstr(o, "card_no")))
    snprintf(q->card.card_no, sizeof q->card.card_no, "%s", s);
  if (jint(o, "generation", &n))
    q->card.generation = (uint32_t)n;
  if ((s = jstr(o, "award")))
    q->card.award = (enum kiosk_award)award_token(s);
  if (jint(o, "level", &n))
    q->card.award_level = (unsigned)n;
  json_t *checks = json_object_get(o, "checks");
  if (checks) {
    json_object_foreach(checks, key, val)
    {
      if (!json_is_string(val)) {
        fprintf(stderr, "kiosk decide: checks.%s must be a string\n", key);
        exit(TERM_EXIT_USAGE);
      }
      set_check(q, key, json_string_value(val));
    }
  }
  if ((s = jstr(o, "mode")) && kiosk_mode_parse(s, &q->r.mode) != KIOSK_OK) {
    fprintf(stderr, "kiosk decide: unknown mode '%s'\n", s);
    exit(TERM_EXIT_USAGE);
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
    exit(TERM_EXIT_USAGE);
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
  jint(o, "tariff_fen", &q->r.tariff_fen);
  if (json_is_false(json_object_get(o, "journal_writable")))
    q->r.journal_writable = 0;
  if (json_is_true(json_object_get(o, "override_queue_full")))
    q->r.override_queue_room = 0;
}

int term_cmd_decide(struct term_args *a)
{
  const char *cfgpath = NULL, *jsonpath = NULL;
  /* Flags are collected first and applied after the JSON (flags win). */
  struct term_args fl = *a;
  for (; a->i < a->argc; a->i++) {
    const char *v;
    if (term_arg_is_help(a)) {
      fputs(help_decide, stdout);
      return 0;
    } else if ((v = term_arg_value(a, "--config"))) {
      cfgpath = v;
    } else if ((v = term_arg_value(a, "--json"))) {
      jsonpath = v;
    }
  }
  struct kiosk_config c;
  term_load_config(cfgpath, KIOSK_CONFIG_NO_FS_CHECK, &c);
  struct kiosk_sites *sites;
  struct kiosk_diag d;
  char msg[600];
  if (kiosk_sites_load(c.sites_path, &sites, &d) != KIOSK_OK) {
    fprintf(stderr, "kiosk: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    return TERM_EXIT_USAGE;
  }
  struct decide_req q;
  const char *tariff_file = NULL;
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
      return TERM_EXIT_USAGE;
    }
    apply_json(&q, o, c.policy.utc_offset_s);
    json_decref(o);
  }
  for (; fl.i < fl.argc; fl.i++) {
    const char *v;
    if ((v = term_arg_value(&fl, "--config")) || (v = term_arg_value(&fl, "--json"))) {
      continue;
    } else if ((v = term_arg_value(&fl, "--card"))) {
      snprintf(q.card.card_no, sizeof q.card.card_no, "%s", v);
    } else if ((v = term_arg_value(&fl, "--generation"))) {
      q.card.generation = (uint32_t)term_arg_u64(a, "--generation", v);
    } else if ((v = term_arg_value(&fl, "--award"))) {
      q.card.award = (enum kiosk_award)award_token(v);
    } else if ((v = term_arg_value(&fl, "--level"))) {
      q.card.award_level = (unsigned)term_arg_u64(a, "--level", v);
    } else if ((v = term_arg_value(&fl, "--check"))) {
      char buf[64];
      snprintf(buf, sizeof buf, "%s", v);
      char *eq = strchr(buf, '=');
      if (!eq) {
        fprintf(stderr, "kiosk decide: --check NAME=STATE\n");
        return TERM_EXIT_USAGE;
      }
      *eq = '\0';
      set_check(&q, buf, eq + 1);
    } else if ((v = term_arg_value(&fl, "--mode"))) {
      if (kiosk_mode_parse(v, &q.r.mode) != KIOSK_OK) {
        fprintf(stderr, "kiosk decide: unknown mode '%s'\n", v);
        return TERM_EXIT_USAGE;
      }
    } else if ((v = term_arg_value(&fl, "--site-modes"))) {
      q.r.site_modes = mode_bits(v);
    } else if ((v = term_arg_value(&fl, "--time"))) {
      q.r.now = parse_time(v, c.policy.utc_offset_s);
    } else if ((v = term_arg_value(&fl, "--holder"))) {
      if (kiosk_holder_parse(v, &q.r.holder) != KIOSK_OK) {
        fprintf(stderr, "kiosk decide: unknown holder outcome '%s'\n", v);
        return TERM_EXIT_USAGE;
      }
    } else if ((v = term_arg_value(&fl, "--staff"))) {
      q.r.staff = name_bits(staff_names, "staff action", v);
    } else if ((v = term_arg_value(&fl, "--staff-id"))) {
      snprintf(q.staff_id, sizeof q.staff_id, "%s", v);
    } else if ((v = term_arg_value(&fl, "--revocation"))) {
      q.r.revocation.status = (enum kiosk_rev_status)lookup_name(rev_names, "revocation", v);
    } else if ((v = term_arg_value(&fl, "--revocation-age"))) {
      q.rev_age = (int64_t)term_arg_u64(a, "--revocation-age", v);
    } else if ((v = term_arg_value(&fl, "--last-use-ago"))) {
      q.last_ago = (int64_t)term_arg_u64(a, "--last-use-ago", v);
      q.last_set = 1;
    } else if (term_arg_flag(&fl, "--recent-unknown")) {
      q.r.recent.known = 0;
    } else if ((v = term_arg_value(&fl, "--visit"))) {
      q.r.visit = (enum kiosk_visit)lookup_name(visit_names, "visit", v);
    } else if ((v = term_arg_value(&fl, "--bill"))) {
      snprintf(q.bill, sizeof q.bill, "%s", v);
    } else if ((v = term_arg_value(&fl, "--amount"))) {
      q.r.amount_fen = (int64_t)term_arg_u64(a, "--amount", v);
    } else if ((v = term_arg_value(&fl, "--tariff-fen"))) {
      q.r.tariff_fen = (int64_t)term_arg_u64(a, "--tariff-fen", v);
    } else if ((v = term_arg_value(&fl, "--tariff"))) {
      tariff_file = v;
    } else if (term_arg_flag(&fl, "--journal-down")) {
      q.r.journal_writable = 0;
    } else if (term_arg_flag(&fl, "--queue-full")) {
      q.r.override_queue_room = 0;
    } else {
      term_usage_error(&fl);
    }
  }
  q.r.staff_id = q.staff_id;
  q.r.bill_ref = q.bill;
  if (tariff_file) {
    /* The terminal's own lookup: the configured site's tariff, the request's local day. */
    struct kiosk_tariff *tf = NULL;
    struct kiosk_diag td;
    char tmsg[600];
    memset(&td, 0, sizeof td);
    if (kiosk_tariff_create(&tf) != KIOSK_OK ||
        kiosk_tariff_load_file(tf, tariff_file, c.site_id, &td) != KIOSK_OK) {
      fprintf(stderr, "kiosk decide: --tariff: %s\n",
              td.text[0] ? kiosk_diag_format(&td, tmsg, sizeof tmsg) : "no such file");
      kiosk_tariff_destroy(tf);
      return TERM_EXIT_RUNTIME;
    }
    kiosk_tariff_fee(tf, (int)q.r.visit, common_local_day(q.r.now, c.policy.utc_offset_s),
                     &q.r.tariff_fen, NULL);
    kiosk_tariff_destroy(tf);
  }
  if (q.r.amount_fen == 0)
    q.r.amount_fen = q.r.tariff_fen; /* as the terminal: the tariff's fee */
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
