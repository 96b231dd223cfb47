/* `station round ACTION`: the award round's procedure (station/round.h) at the desk. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/award.h"
#include "station/honours.h"
#include "station/round.h"
#include "station_cli_int.h"
#include "station_int.h"

static const char round_help[] =
    "usage: %s round ACTION --round ID [OPTIONS]\n"
    "The award round as the regulation runs it (Measures Art. 11-12; docs/station.md):\n"
    "  show                                      state, steps, objections, journal\n"
    "  decide   --by STAFF --ref MINUTES [--date D]   the leading group decided\n"
    "  strike   --by STAFF --idno - --award TOKEN --reason TEXT\n"
    "                                            strike an awardee (before the review);\n"
    "                                            after the award: withdraw it (its card is\n"
    "                                            revoked)\n"
    "  review   --by STAFF [--ref TEXT] [--date D]    the committee's final review\n"
    "  publish  --by STAFF [--date START] [--days N] [--contact TEXT] [--config FILE]\n"
    "                                            the public notice (period and where to\n"
    "                                            object from [notice] days/contact of FILE)\n"
    "  object   --by STAFF --idno - --award TOKEN --received D --summary TEXT\n"
    "  rule     --by STAFF --objection N --outcome upheld|rejected --reason TEXT\n"
    "  award    --by STAFF --ref DOCUMENT [--date D]  the city government's award\n"
    "  close    --by STAFF [--date D]\n"
    "After the award (Art. 13-17):\n"
    "  certificates --out DIR       certificates-ID.html (A4 landscape, FULL NAMES, 0600)\n"
    "                               and plaques-ID.csv (the plaques to order)\n"
    "  ledger [--out FILE]          the cash awards: due, paid, struck after payment (CSV)\n"
    "  pay --by STAFF --idno - --award TOKEN --voucher REF [--date D]   a payment\n"
    "  export --by STAFF --out FILE the integrity record for the city's credit system: ID\n"
    "                               numbers in clear, written 0600, logged\n"
    "Award tokens: donor_star, volunteer_star, volunteer_lifetime, lifetime_achievement.\n"
    "A step out of order is refused with the missing step named. Common options: --db,\n"
    "--today; withdraw also --centre-admin PATH --centre-config FILE.\n";

static const struct {
  const char *name;
  int to; /* the state it reaches; 0: not a transition */
} round_actions[] = {
    {"show", 0},
    {"decide", STATION_ROUND_DECIDED},
    {"strike", 0},
    {"review", STATION_ROUND_REVIEWED},
    {"publish", STATION_ROUND_NOTICE},
    {"object", 0},
    {"rule", 0},
    {"award", STATION_ROUND_AWARDED},
    {"close", STATION_ROUND_CLOSED},
    {"certificates", 0},
    {"ledger", 0},
    {"pay", 0},
    {"export", 0},
};

struct round_args {
  const char *round, *by, *ref, *contact, *config, *idno, *award, *reason, *summary, *outcome;
  const char *out, *voucher;
  int32_t date, received;
  long days;
  long long objection;
};

static int round_fail(const struct cli *c, int rc, const char *why)
{
  fprintf(stderr, "%s round: %s%s%s\n", c->prog, station_strerror(rc), why[0] ? ": " : "", why);
  return 1;
}

/* The person and the award named on the command line (ID number from stdin with -). */
static int round_awardee(struct cli *c, const struct round_args *a, int64_t *person, int *award)
{
  if (!a->idno || !a->award) {
    cli_usage_error(c, "--idno and --award are required");
    return 2;
  }
  *award = common_award_from_token(a->award);
  if (*award <= 0) {
    cli_usage_error(c, "unknown --award (donor_star, volunteer_star, volunteer_lifetime, "
                       "lifetime_achievement)");
    return 2;
  }
  return cli_find_person(c, a->idno, NULL, person);
}

int cli_cmd_round(struct cli *c, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_COMMON_OPTIONS,
    CLI_CENTRE_OPTIONS,
    {"round", required_argument, NULL, 'r'},
    {"by", required_argument, NULL, 'b'},
    {"ref", required_argument, NULL, 'f'},
    {"date", required_argument, NULL, 'd'},
    {"days", required_argument, NULL, 'n'},
    {"contact", required_argument, NULL, 'c'},
    {"config", required_argument, NULL, 'g'},
    {"idno", required_argument, NULL, 'i'},
    {"award", required_argument, NULL, 'a'},
    {"reason", required_argument, NULL, 'y'},
    {"summary", required_argument, NULL, 's'},
    {"received", required_argument, NULL, 'v'},
    {"objection", required_argument, NULL, 'o'},
    {"outcome", required_argument, NULL, 'u'},
    {"out", required_argument, NULL, 'O'},
    {"voucher", required_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
  };
  struct round_args a;
  memset(&a, 0, sizeof a);
  a.days = -1;
  int opt;
  while ((opt = cli_getopt(c, argc, argv, opts, round_help)) > 0) {
    char *end;
    switch (opt) {
    case 'r': a.round = optarg; break;
    case 'b': a.by = optarg; break;
    case 'f': a.ref = optarg; break;
    case 'd':
      if (cli_date(c, optarg, &a.date) != 0)
        return 2;
      break;
    case 'v':
      if (cli_date(c, optarg, &a.received) != 0)
        return 2;
      break;
    case 'n':
      errno = 0;
      a.days = strtol(optarg, &end, 10);
      if (errno || *end || a.days < 1 || a.days > (long)STATION_NOTICE_DAYS_MAX) {
        cli_usage_error(c, "--days must be 1-%u", STATION_NOTICE_DAYS_MAX);
        return 2;
      }
      break;
    case 'c': a.contact = optarg; break;
    case 'g': a.config = optarg; break;
    case 'i': a.idno = optarg; break;
    case 'a': a.award = optarg; break;
    case 'y': a.reason = optarg; break;
    case 's': a.summary = optarg; break;
    case 'o':
      errno = 0;
      a.objection = strtoll(optarg, &end, 10);
      if (errno || *end || a.objection <= 0) {
        cli_usage_error(c, "--objection takes the objection's number");
        return 2;
      }
      break;
    case 'u': a.outcome = optarg; break;
    case 'O': a.out = optarg; break;
    case 'V': a.voucher = optarg; break;
    }
  }
  if (opt != CLI_OPTS_DONE)
    return cli_opts_status(opt);
  if (optind != argc - 1) {
    cli_usage_error(c, "one action: show, decide, strike, review, publish, object, rule, "
                       "award, close");
    return 2;
  }
  const char *action = argv[optind];
  size_t k = 0;
  while (k < sizeof round_actions / sizeof round_actions[0] &&
         strcmp(round_actions[k].name, action) != 0)
    k++;
  if (k == sizeof round_actions / sizeof round_actions[0]) {
    cli_usage_error(c, "unknown action '%s'", action);
    return 2;
  }
  if (strcmp(action, "rule") != 0 && !a.round) {
    cli_usage_error(c, "--round is required");
    return 2;
  }
  if (strcmp(action, "show") != 0 && strcmp(action, "certificates") != 0 &&
      strcmp(action, "ledger") != 0 && !a.by) {
    cli_usage_error(c, "--by (the staff id of who records the step) is required");
    return 2;
  }
  char why[300] = "";
  int rc;
  if (strcmp(action, "show") == 0) {
    if (cli_open(c) != 0)
      return 1;
    rc = station_round_show(c->db, a.round, stdout);
    if (rc != STATION_OK)
      return round_fail(c, rc, rc == STATION_E_NOT_FOUND ? "no such round" : "");
    return 0;
  }
  if (round_actions[k].to) {
    struct station_notice_config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (a.config && station_notice_config_load(a.config, &cfg, why, sizeof why) != STATION_OK) {
      fprintf(stderr, "%s round: %s\n", c->prog, why);
      return 1;
    }
    struct station_round_step s = {a.by, a.date, a.ref, 0, a.contact};
    s.days = a.days > 0 ? (unsigned)a.days : cfg.days;
    if (!s.contact && cfg.contact[0])
      s.contact = cfg.contact;
    if (cli_open(c) != 0)
      return 1;
    rc = station_round_advance(c->db, a.round, (enum station_round_state)round_actions[k].to, &s,
                               c->today, why, sizeof why);
    if (rc != STATION_OK)
      return round_fail(c, rc, rc == STATION_E_DB ? station_db_errmsg(c->db) : why);
    printf("round %s: %s\n", a.round, station_round_state_name(round_actions[k].to));
    return 0;
  }
  if (strcmp(action, "certificates") == 0 || strcmp(action, "export") == 0) {
    if (!a.out) {
      cli_usage_error(c, "--out is required");
      return 2;
    }
    if (cli_open(c) != 0)
      return 1;
    if (action[0] == 'c') {
      struct station_cert_result res;
      rc = station_certificates_write(c->db, a.round, a.out, &res, why, sizeof why);
      if (rc != STATION_OK)
        return round_fail(c, rc, rc == STATION_E_DB ? station_db_errmsg(c->db) : why);
      printf("%lu certificates: %s\n%lu plaques to order: %s\n", res.certificates, res.html_path,
             res.plaques, res.plaques_path);
      return 0;
    }
    unsigned long rows = 0;
    rc = station_integrity_export(c->db, a.round, a.out, a.by, c->today, &rows, why, sizeof why);
    if (rc != STATION_OK)
      return round_fail(c, rc, rc == STATION_E_DB ? station_db_errmsg(c->db) : why);
    printf("integrity record: %lu rows in %s (mode 0600; ID numbers in clear: keep it safe)\n",
           rows, a.out);
    return 0;
  }
  if (strcmp(action, "ledger") == 0) {
    if (cli_open(c) != 0)
      return 1;
    FILE *f = stdout;
    if (a.out && !(f = fopen(a.out, "w"))) {
      fprintf(stderr, "%s round: %s: %s\n", c->prog, a.out, strerror(errno));
      return 1;
    }
    rc = station_ledger_csv(c->db, a.round, f, why, sizeof why);
    if (f != stdout && fclose(f) != 0 && rc == STATION_OK)
      rc = STATION_E_IO;
    if (rc != STATION_OK)
      return round_fail(c, rc, rc == STATION_E_DB ? station_db_errmsg(c->db) : why);
    return 0;
  }
  if (strcmp(action, "pay") == 0) {
    int64_t person;
    int award;
    if (!a.voucher) {
      cli_usage_error(c, "--voucher is required");
      return 2;
    }
    if ((rc = round_awardee(c, &a, &person, &award)) != 0)
      return rc;
    rc = station_ledger_pay(c->db, a.round, person, award, a.date ? a.date : c->today, a.voucher,
                            a.by, c->today, why, sizeof why);
    if (rc != STATION_OK)
      return round_fail(c, rc, rc == STATION_E_DB ? station_db_errmsg(c->db) : why);
    printf("payment recorded (voucher %s)\n", a.voucher);
    return 0;
  }
  if (strcmp(action, "strike") == 0) {
    int64_t person;
    int award;
    if (!a.reason) {
      cli_usage_error(c, "--reason is required");
      return 2;
    }
    if ((rc = round_awardee(c, &a, &person, &award)) != 0)
      return rc;
    struct cli_centre cc;
    rc = station_round_strike(c->db, a.round, person, award, a.by, a.reason, c->today,
                              cli_centre(&cc, c), why, sizeof why);
    if (rc != STATION_OK)
      return round_fail(c, rc, rc == STATION_E_DB ? station_db_errmsg(c->db) : why);
    printf("round %s: award struck%s%s\n", a.round, why[0] ? "; " : "", why);
    return 0;
  }
  if (strcmp(action, "object") == 0) {
    int64_t person, id = 0;
    int award;
    if (!a.summary || !a.received) {
      cli_usage_error(c, "--received and --summary are required");
      return 2;
    }
    if ((rc = round_awardee(c, &a, &person, &award)) != 0)
      return rc;
    rc = station_round_object(c->db, a.round, person, award, a.received, a.summary, a.by,
                              c->today, &id, why, sizeof why);
    if (rc != STATION_OK)
      return round_fail(c, rc, rc == STATION_E_DB ? station_db_errmsg(c->db) : why);
    printf("objection %lld recorded\n", (long long)id);
    return 0;
  }
  /* rule */
  enum station_objection_outcome o;
  if (!a.objection || !a.outcome || !a.reason) {
    cli_usage_error(c, "--objection, --outcome and --reason are required");
    return 2;
  }
  if (strcmp(a.outcome, "upheld") == 0)
    o = STATION_OBJECTION_UPHELD;
  else if (strcmp(a.outcome, "rejected") == 0)
    o = STATION_OBJECTION_REJECTED;
  else {
    cli_usage_error(c, "--outcome is upheld or rejected");
    return 2;
  }
  if (cli_open(c) != 0)
    return 1;
  rc = station_round_rule(c->db, a.objection, o, a.reason, a.by, c->today, why, sizeof why);
  if (rc != STATION_OK)
    return round_fail(c, rc, rc == STATION_E_DB ? station_db_errmsg(c->db) : why);
  printf("objection %lld %s%s\n", a.objection, a.outcome,
         o == STATION_OBJECTION_UPHELD ? ": the award is struck" : ": the award stands");
  return 0;
}
