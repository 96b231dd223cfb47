/* The desk's commands (station/cli.h): one function per subcommand, a table to find
 * them, getopt_long for the options. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "station/cli.h"
#include "station/issue.h"
#include "station/db.h"
#include "station_cli_int.h"
#include "station_int.h"

/* ------------------------------------------------------------- helpers -- */

void cli_usage_error(const struct cli *c, const char *fmt, ...)
{
  va_list ap;
  fprintf(stderr, "%s %s: ", c->prog, c->cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\nsee %s %s --help\n", c->prog, c->cmd);
}

int cli_date(const struct cli *c, const char *text, int32_t *day)
{
  if (station_date_parse(text, strlen(text), day) != STATION_OK) {
    cli_usage_error(c, "not a date (YYYY-MM-DD): %s", text);
    return -1;
  }
  return 0;
}

int cli_open(struct cli *c)
{
  char why[300];
  int rc = station_db_open(c->db_path, &c->db, why, sizeof why);
  if (rc != STATION_OK) {
    fprintf(stderr, "%s: database %s: %s\n", c->prog, c->db_path, why);
    return -1;
  }
  return 0;
}

/*
 * An ID number from an option: "-" reads one line from stdin (keeps it out of ps and
 * the shell history). Validated; the error never echoes it.
 */
int cli_idno(const struct cli *c, const char *arg, char out[COMMON_ID_LEN + 1])
{
  char line[64];
  const char *s = arg;
  if (strcmp(arg, "-") == 0) {
    if (!fgets(line, sizeof line, stdin)) {
      fprintf(stderr, "%s %s: no ID number on standard input\n", c->prog, c->cmd);
      return -1;
    }
    line[strcspn(line, "\r\n")] = '\0';
    s = line;
  }
  int st = common_id_check(s, strlen(s), out, NULL);
  memset(line, 0, sizeof line);
  if (st != COMMON_ID_OK) {
    fprintf(stderr, "%s %s: ID number: %s\n", c->prog, c->cmd, common_id_status_text(st));
    return -1;
  }
  return 0;
}

/* The centre from --centre-admin/--centre-config or $STATION_CENTRE_ADMIN and
 * $STATION_CENTRE_CONFIG; NULL when not configured (changes stay queued). */
const struct station_centre *cli_centre(struct cli_centre *cc, const struct cli *c)
{
  const char *admin = c->centre_admin, *config = c->centre_config;
  if (!admin)
    admin = getenv("STATION_CENTRE_ADMIN");
  if (!config)
    config = getenv("STATION_CENTRE_CONFIG");
  if (!admin || !config || !admin[0] || !config[0])
    return NULL;
  cc->admin.admin = admin;
  cc->admin.config = config;
  station_centre_admin_init(&cc->admin, &cc->centre);
  return &cc->centre;
}

/* A command's help: its text with "%s" standing for the program's name. Not printf: a
 * format that arrives as a parameter is one the compiler cannot check. */
static void cli_print_help(const char *help, const char *prog)
{
  for (const char *p; (p = strstr(help, "%s")) != NULL; help = p + 2) {
    fwrite(help, 1, (size_t)(p - help), stdout);
    fputs(prog, stdout);
  }
  fputs(help, stdout);
}

int cli_getopt(struct cli *c, int argc, char **argv, const struct option *opts,
               const char *help)
{
  int opt;
  while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (opt) {
    case 'D': c->db_path = optarg; break;
    case 'T':
      /* A bad date does not stop the loop: the other options still get their say. */
      if (cli_date(c, optarg, &c->today) != 0)
        c->bad = 1;
      c->today_set = 1;
      break;
    case 'A': c->centre_admin = optarg; break;
    case 'C': c->centre_config = optarg; break;
    case 'h': cli_print_help(help, c->prog); return CLI_OPTS_HELP;
    case '?':
    case ':':
      /* getopt has printed "station CMD: unrecognized option ..." (argv[0] is the
       * command's name, cli_main.c); the convention's second line. */
      fprintf(stderr, "see %s %s --help\n", c->prog, c->cmd);
      return CLI_OPTS_BAD;
    default: return opt;
    }
  }
  return c->bad ? CLI_OPTS_BAD : CLI_OPTS_DONE;
}

int cli_opts_status(int getopt_result)
{
  return getopt_result == CLI_OPTS_HELP ? 0 : 2;
}

int cli_cardno(const struct cli *c, const char *card)
{
  if (common_cardno_valid(card))
    return 0;
  cli_usage_error(c, "--card: not a unified card number (YL, 14 digits with check digits)");
  return -1;
}

/* -------------------------------------------------------------- import -- */

static const char import_help[] =
    "usage: %s import [--db FILE] [--today YYYY-MM-DD] [--max-file-mb N] [--max-line-kb N]\n"
    "                 [--max-problems N] FILE...\n"
    "Import donation and volunteer records exported by the blood service information\n"
    "system (CSV, UTF-8 or GBK; columns in docs/station.md). Each file is imported whole or\n"
    "not at all; a file imported before changes nothing. Every bad row is listed with its\n"
    "line and the reason (up to --max-problems, default 1000).\n"
    "  --max-file-mb N   refuse files over N MiB (default 256)\n"
    "  --max-line-kb N   refuse records over N KiB (default 64)\n";

int cli_cmd_import(struct cli *c, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_COMMON_OPTIONS,
    {"max-file-mb", required_argument, NULL, 'F'},
    {"max-line-kb", required_argument, NULL, 'L'},
    {"max-problems", required_argument, NULL, 'P'},
    {NULL, 0, NULL, 0},
  };
  struct station_import_opts o;
  station_import_opts_default(&o);
  int opt;
  while ((opt = cli_getopt(c, argc, argv, opts, import_help)) > 0) {
    switch (opt) {
    case 'F': o.limits.max_file = strtoull(optarg, NULL, 10) * 1024ull * 1024ull; break;
    case 'L': o.limits.max_record = (size_t)strtoul(optarg, NULL, 10) * 1024u; break;
    case 'P': o.max_problems = (size_t)strtoul(optarg, NULL, 10); break;
    }
  }
  if (opt != CLI_OPTS_DONE)
    return cli_opts_status(opt);
  if (optind >= argc || o.limits.max_file == 0 || o.limits.max_record == 0) {
    cli_usage_error(c, "a file to import, and limits above zero");
    return 2;
  }
  if (c->today_set)
    o.today = c->today;
  /* Every file readable before the database is opened: a mistyped name must neither
   * leave an empty database behind nor be reported twice. */
  for (int i = optind; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) {
      fprintf(stderr, "%s import: %s: cannot read it: %s; nothing was imported\n", c->prog,
              argv[i], strerror(errno));
      return 1;
    }
    fclose(f);
  }
  struct stat sb;
  int existed = stat(c->db_path, &sb) == 0, imported = 0;
  if (cli_open(c) != 0)
    return 1;
  int status = 0;
  for (int i = optind; i < argc; i++) {
    struct station_import_result res;
    int rc = station_import_csv(c->db, argv[i], &o, &res);
    imported |= rc == STATION_OK;
    if (rc == STATION_OK && res.already_imported) {
      printf("%s: already imported (import #%lld); nothing changed\n", argv[i],
             (long long)res.import_id);
    } else if (rc == STATION_OK) {
      printf("%s: imported as #%lld (%s, %llu bytes): %lu rows, %lu added, %lu already "
             "present\n",
             argv[i], (long long)res.import_id, station_csv_encoding_name(res.file.encoding),
             (unsigned long long)res.file.bytes, res.rows, res.added, res.unchanged);
    } else {
      for (size_t k = 0; k < res.problems.n; k++) {
        if (res.problems.v[k].line)
          fprintf(stderr, "%s:%lu: %s\n", argv[i], res.problems.v[k].line,
                  res.problems.v[k].text);
        else
          fprintf(stderr, "%s: %s\n", argv[i], res.problems.v[k].text);
      }
      if (res.problems.dropped)
        fprintf(stderr, "%s: ... and %lu more problems\n", argv[i], res.problems.dropped);
      if (rc == STATION_E_IO && res.problems.n > 0)
        ; /* the problem above says what could not be read */
      else if (rc == STATION_E_ROWS)
        fprintf(stderr, "%s: refused: %lu of %lu rows are bad; nothing was imported\n", argv[i],
                res.bad_rows, res.rows);
      else
        fprintf(stderr, "%s: refused: %s; nothing was imported\n", argv[i],
                rc == STATION_E_DB ? station_db_errmsg(c->db) : station_strerror(rc));
      status = 1;
    }
    station_import_result_free(&res);
  }
  if (!existed && !imported) {
    /* This import made the database and put nothing in it: leave no empty file that a
     * later command would take for the station's records. */
    char side[4200];
    station_db_close(c->db);
    c->db = NULL;
    unlink(c->db_path);
    snprintf(side, sizeof side, "%s-wal", c->db_path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", c->db_path);
    unlink(side);
    snprintf(side, sizeof side, "%s-journal", c->db_path);
    unlink(side);
  }
  return status;
}

/* ------------------------------------------------------------ evaluate -- */

static const char evaluate_help[] =
    "usage: %s evaluate --round ID --cutoff YYYY-MM-DD [--db FILE] [--today YYYY-MM-DD]\n"
    "Evaluate an award round (Measures Art. 4-9, 21) over the records dated on or before\n"
    "the cut-off. Each person is awarded, per award kind, the highest level reached if it\n"
    "is above the level granted in earlier rounds. Re-running the latest round replaces\n"
    "it. Prints the count per award and level; `notice` writes the list.\n";

int cli_cmd_evaluate(struct cli *c, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_COMMON_OPTIONS,
    {"round", required_argument, NULL, 'r'},
    {"cutoff", required_argument, NULL, 'c'},
    {NULL, 0, NULL, 0},
  };
  const char *round = NULL;
  int32_t cutoff = 0;
  int have_cutoff = 0, opt;
  while ((opt = cli_getopt(c, argc, argv, opts, evaluate_help)) > 0) {
    switch (opt) {
    case 'r': round = optarg; break;
    case 'c':
      if (cli_date(c, optarg, &cutoff) != 0)
        return 2;
      have_cutoff = 1;
      break;
    }
  }
  if (opt != CLI_OPTS_DONE)
    return cli_opts_status(opt);
  if (!round || !have_cutoff || optind != argc) {
    cli_usage_error(c, "--round and --cutoff are required");
    return 2;
  }
  if (cutoff > c->today) {
    char d1[16], d2[16];
    fprintf(stderr, "%s evaluate: the cut-off %s is after today (%s): a round counts only "
                    "records already in\n", c->prog, station_date_format(cutoff, d1, sizeof d1),
            station_date_format(c->today, d2, sizeof d2));
    return 1;
  }
  if (cli_open(c) != 0)
    return 1;
  struct station_round_summary sum;
  int rc = station_round_evaluate(c->db, round, cutoff, c->today, &sum);
  if (rc != STATION_OK) {
    fprintf(stderr, "%s evaluate: %s%s%s\n", c->prog,
            rc == STATION_E_INVALID_ARG ? "--round: 1-32 of A-Z a-z 0-9 _ -"
                                        : station_strerror(rc),
            rc == STATION_E_DB || rc == STATION_E_STATE ? ": " : "",
            rc == STATION_E_DB || rc == STATION_E_STATE ? station_db_errmsg(c->db) : "");
    return 1;
  }
  char day[16];
  printf("round %s, cut-off %s: %lu people with records, %lu awardees, %lu awards, %lu of "
         "the awardees card-eligible\n",
         round, station_date_format(cutoff, day, sizeof day), sum.persons, sum.awardees,
         sum.awards, sum.card_eligible);
  for (int a = 1; a < STATION_AWARD_COUNT; a++) {
    for (unsigned l = 5; l >= 1; l--) {
      if (sum.by_level[a][l]) {
        char title[96];
        printf("  %-36s %lu\n", station_award_title_zh(a, l, title, sizeof title),
               sum.by_level[a][l]);
      }
    }
  }
  return 0;
}

/* -------------------------------------------------------------- notice -- */

static const char notice_help[] =
    "usage: %s notice csv|html --round ID [--out FILE] [--db FILE]\n"
    "Write the public notice (公示) of an evaluated round: CSV (UTF-8 with BOM) or a\n"
    "printable HTML page. Names and ID numbers are masked (张*明, 450902********1234).\n";

int cli_cmd_notice(struct cli *c, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_COMMON_OPTIONS,
    {"round", required_argument, NULL, 'r'},
    {"out", required_argument, NULL, 'o'},
    {NULL, 0, NULL, 0},
  };
  const char *round = NULL, *path = NULL;
  int opt;
  while ((opt = cli_getopt(c, argc, argv, opts, notice_help)) > 0) {
    switch (opt) {
    case 'r': round = optarg; break;
    case 'o': path = optarg; break;
    }
  }
  if (opt != CLI_OPTS_DONE)
    return cli_opts_status(opt);
  if (optind != argc - 1 || !round ||
      (strcmp(argv[optind], "csv") != 0 && strcmp(argv[optind], "html") != 0)) {
    cli_usage_error(c, "expected csv or html, and --round");
    return 2;
  }
  int html = strcmp(argv[optind], "html") == 0;
  if (cli_open(c) != 0)
    return 1;
  FILE *out = stdout;
  if (path && !(out = fopen(path, "w"))) {
    fprintf(stderr, "%s notice: %s: %s\n", c->prog, path, strerror(errno));
    return 1;
  }
  int rc = html ? station_notice_html(c->db, round, out) : station_notice_csv(c->db, round, out);
  if (out != stdout && fclose(out) != 0 && rc == STATION_OK)
    rc = STATION_E_IO;
  if (rc != STATION_OK) {
    fprintf(stderr, "%s notice: round %s: %s\n", c->prog, round, station_strerror(rc));
    return 1;
  }
  return 0;
}

/* ---------------------------------------------------------------- show -- */

static const char show_help[] =
    "usage: %s show (--idno NUMBER|- | --person N | --card CARDNO) [--db FILE] [--today D]\n"
    "Show what the station holds about a person, masked: totals, levels reached, awards\n"
    "granted per round, cards. --idno - reads the ID number from standard input.\n";

int cli_cmd_show(struct cli *c, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_COMMON_OPTIONS,
    {"idno", required_argument, NULL, 'i'},
    {"person", required_argument, NULL, 'p'},
    {"card", required_argument, NULL, 'k'},
    {NULL, 0, NULL, 0},
  };
  const char *idno_arg = NULL, *card = NULL;
  int64_t person = 0;
  int opt;
  while ((opt = cli_getopt(c, argc, argv, opts, show_help)) > 0) {
    switch (opt) {
    case 'i': idno_arg = optarg; break;
    case 'p': person = strtoll(optarg, NULL, 10); break;
    case 'k': card = optarg; break;
    }
  }
  if (opt != CLI_OPTS_DONE)
    return cli_opts_status(opt);
  if ((!!idno_arg + !!person + !!card) != 1 || optind != argc) {
    cli_usage_error(c, "give one of --idno, --person, --card");
    return 2;
  }
  int rc = cli_find_person(c, idno_arg, card, &person);
  if (rc != 0)
    return rc;
  rc = station_person_show(c->db, person, c->today, stdout);
  if (rc != STATION_OK) {
    fprintf(stderr, "%s show: %s\n", c->prog, station_strerror(rc));
    return 1;
  }
  return 0;
}

/* A person from --idno or --card (person given: unchanged). Opens the database.
 * Returns 0, or an exit status. */
int cli_find_person(struct cli *c, const char *idno_arg, const char *card, int64_t *person)
{
  char idno[COMMON_ID_LEN + 1];
  if (idno_arg && cli_idno(c, idno_arg, idno) != 0)
    return 2;
  if (cli_open(c) != 0)
    return 1;
  int rc = STATION_OK;
  if (idno_arg)
    rc = station_person_find(c->db, idno, person);
  else if (card)
    rc = station_card_person(c->db, card, person);
  memset(idno, 0, sizeof idno);
  if (rc != STATION_OK) {
    fprintf(stderr, "%s %s: no such person: %s\n", c->prog, c->cmd, station_strerror(rc));
    return 1;
  }
  return 0;
}
