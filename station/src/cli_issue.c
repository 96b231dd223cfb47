/* The card commands of the CLI: apply, issue, reissue, revoke, collect, ready-list,
 * outbox, card-status (station/cli.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "station/issue.h"
#include "station/photo.h"
#include "station_cli_int.h"
#include "station_int.h"

/* A line of text from an option: "-" reads the next line of stdin. */
static int cli_text(const struct cli *c, const char *arg, char *out, size_t cap, const char *what)
{
  if (strcmp(arg, "-") == 0) {
    if (!fgets(out, (int)cap, stdin)) {
      fprintf(stderr, "%s %s: no %s on standard input\n", c->prog, c->cmd, what);
      return -1;
    }
    out[strcspn(out, "\r\n")] = '\0';
  } else {
    snprintf(out, cap, "%s", arg);
  }
  return 0;
}

static int cli_photo(const struct cli *c, const char *path, int check_bg, uint8_t **jpeg,
                     size_t *len)
{
  struct station_photo_opts po;
  char why[200];
  int q = 0;
  station_photo_opts_default(&po);
  po.check_background = check_bg;
  int rc = station_photo_prepare(path, &po, jpeg, len, &q, why, sizeof why);
  if (rc != STATION_OK) {
    fprintf(stderr, "%s %s: photo: %s\n", c->prog, c->cmd, why);
    return -1;
  }
  printf("photo: %ux%u JPEG, quality %d, %zu bytes\n", po.width, po.height, q, *len);
  return 0;
}

/* "20", "20.5", "20.00" yuan -> cents. */
static int cli_fee(const char *s, int64_t *cents)
{
  int64_t v = 0;
  size_t i = 0, frac = 0;
  if (!s[0])
    return -1;
  for (; s[i] >= '0' && s[i] <= '9'; i++) {
    if (i >= 9)
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  v *= 100;
  if (s[i] == '.') {
    i++;
    for (int64_t scale = 10; s[i] >= '0' && s[i] <= '9' && frac < 2; i++, frac++, scale /= 10)
      v += (s[i] - '0') * scale;
    if (frac == 0)
      return -1;
  }
  if (s[i])
    return -1;
  *cents = v;
  return 0;
}

/* --------------------------------------------------------------- apply -- */

static const char apply_help[] =
    "usage: %s apply --idno NUMBER|- --name NAME|- --photo FILE [--no-background-check]\n"
    "                [--override-by STAFF --override-why TEXT] [--db FILE] [--today DATE]\n"
    "Record a reviewed application for a first honour card (Rules 三(二)): the ID number\n"
    "must have donation or service records, the name must match them, and the person\n"
    "must hold a card-eligible award from an evaluated round. The photo is scaled to\n"
    "240x320 and compressed to fit the card (at most 8 KiB). \"-\" reads the value from\n"
    "standard input (ID number first, then name), keeping it out of ps. A holder whose\n"
    "card was revoked for misuse needs --override-by and --override-why.\n";

static int cli_override(struct cli *c, const char *by, const char *why_text,
                        struct station_override *ov, const struct station_override **out)
{
  *out = NULL;
  if (!by && !why_text)
    return 0;
  if (!by || !why_text) {
    cli_usage_error(c, "--override-by and --override-why go together");
    return -1;
  }
  ov->who = by;
  ov->why = why_text;
  *out = ov;
  return 0;
}

int cli_cmd_apply(struct cli *c, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_COMMON_OPTIONS,
    {"idno", required_argument, NULL, 'i'},
    {"name", required_argument, NULL, 'n'},
    {"photo", required_argument, NULL, 'p'},
    {"no-background-check", no_argument, NULL, 'B'},
    {"override-by", required_argument, NULL, 'o'},
    {"override-why", required_argument, NULL, 'w'},
    {NULL, 0, NULL, 0},
  };
  const char *idno_arg = NULL, *name_arg = NULL, *photo_path = NULL, *ov_by = NULL,
             *ov_why = NULL;
  int check_bg = 1, opt;
  while ((opt = cli_getopt(c, argc, argv, opts, apply_help)) > 0) {
    switch (opt) {
    case 'i': idno_arg = optarg; break;
    case 'n': name_arg = optarg; break;
    case 'p': photo_path = optarg; break;
    case 'B': check_bg = 0; break;
    case 'o': ov_by = optarg; break;
    case 'w': ov_why = optarg; break;
    }
  }
  if (opt != CLI_OPTS_DONE)
    return cli_opts_status(opt);
  if (!idno_arg || !name_arg || !photo_path || optind != argc) {
    cli_usage_error(c, "--idno, --name and --photo are required");
    return 2;
  }
  struct station_override ov;
  const struct station_override *ovp;
  if (cli_override(c, ov_by, ov_why, &ov, &ovp) != 0)
    return 2;
  char idno[COMMON_ID_LEN + 1], name[STATION_NAME_MAX + 2];
  if (cli_idno(c, idno_arg, idno) != 0 || cli_text(c, name_arg, name, sizeof name, "name") != 0)
    return 2;
  uint8_t *jpeg = NULL;
  size_t len = 0;
  int status = 1;
  if (cli_photo(c, photo_path, check_bg, &jpeg, &len) != 0 || cli_open(c) != 0)
    goto out;
  struct station_application a = {idno, name, jpeg, len, c->today, ovp};
  int64_t app;
  char why[256] = "";
  int rc = station_apply(c->db, &a, &app, why, sizeof why);
  if (rc != STATION_OK) {
    fprintf(stderr, "%s apply: refused: %s%s%s\n", c->prog, station_strerror(rc),
            why[0] ? ": " : "", why);
    goto out;
  }
  printf("application %lld recorded; next: %s issue --application %lld\n", (long long)app,
         c->prog, (long long)app);
  status = 0;
out:
  memset(idno, 0, sizeof idno);
  memset(name, 0, sizeof name);
  free(jpeg);
  return status;
}

/* --------------------------------------------------------------- issue -- */

static const char issue_help[] =
    "usage: %s issue --application N --pki DIR [--issuer pkcs11:URI|NAME] [--reader NAME]\n"
    "                [--county NN] [--not-after DATE] [--staff ID]\n"
    "                [--centre-admin PATH --centre-config FILE] [--db FILE] [--today DATE]\n"
    "Issue the card of a pending application: the holder's unified number (a new one\n"
    "YL+year+county+serial+check for a first card), the next generation, personalization\n"
    "of the blank card in the reader, the record signed by the issuer key in a PKCS#11\n"
    "token (--issuer 'pkcs11:token=LABEL;object=issuer-NAME;type=private'; module\n"
    "$STATION_PKCS11_MODULE, PIN $STATION_TOKEN_PIN) or, for development only, in the\n"
    "file DIR/private/issuer-NAME.key.pem (default NAME p256); stock transport key; trust\n"
    "store DIR/trust), a terminal-style\n"
    "read-back, then registration with the centre (queued when the centre cannot take\n"
    "it) and READY for collection. --reader defaults to the first reader with a card.\n";

int cli_cmd_issue(struct cli *c, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_COMMON_OPTIONS,
    CLI_CENTRE_OPTIONS,
    {"application", required_argument, NULL, 'a'},
    {"pki", required_argument, NULL, 'k'},
    {"issuer", required_argument, NULL, 'I'},
    {"reader", required_argument, NULL, 'r'},
    {"county", required_argument, NULL, 'c'},
    {"not-after", required_argument, NULL, 'N'},
    {"staff", required_argument, NULL, 's'},
    {NULL, 0, NULL, 0},
  };
  const char *pki = NULL, *issuer = "p256", *reader = NULL;
  struct station_issue_opts o;
  memset(&o, 0, sizeof o);
  int64_t app = 0;
  int opt;
  while ((opt = cli_getopt(c, argc, argv, opts, issue_help)) > 0) {
    switch (opt) {
    case 'a': app = strtoll(optarg, NULL, 10); break;
    case 'k': pki = optarg; break;
    case 'I': issuer = optarg; break;
    case 'r': reader = optarg; break;
    case 'c': o.county = (unsigned)strtoul(optarg, NULL, 10); break;
    case 'N':
      if (cli_date(c, optarg, &o.not_after_day) != 0)
        return 2;
      break;
    case 's': o.staff = optarg; break;
    }
  }
  if (opt != CLI_OPTS_DONE)
    return cli_opts_status(opt);
  if (app <= 0 || !pki || optind != argc || o.county > 99) {
    cli_usage_error(c, "--application and --pki are required (county 0-99)");
    return 2;
  }
  if (cli_open(c) != 0)
    return 1;
  char why[300] = "";
  struct station_pcsc_writer *w;
  int rc = station_pcsc_writer_create(reader, pki, issuer, &w, why, sizeof why);
  if (rc != STATION_OK) {
    fprintf(stderr, "%s issue: %s\n", c->prog, why);
    return 1;
  }
  struct station_card_writer writer;
  struct cli_centre cc;
  station_pcsc_writer_ops(w, &writer);
  o.writer = &writer;
  o.centre = cli_centre(&cc, c);
  o.today = c->today;
  struct station_issued out;
  rc = station_issue(c->db, app, &o, &out, why, sizeof why);
  station_pcsc_writer_destroy(w);
  if (rc != STATION_OK) {
    fprintf(stderr, "%s issue: %s%s%s\n", c->prog, station_strerror(rc), why[0] ? ": " : "",
            rc == STATION_E_DB ? station_db_errmsg(c->db) : why);
    return 1;
  }
  printf("card %s generation %u personalized and verified; ready for collection\n",
         out.card_no, out.generation);
  printf("centre registration: %s (%s)\n", out.registered ? "done" : "queued", out.centre_why);
  return 0;
}

/* ------------------------------------------------------------- reissue -- */

static const char reissue_help[] =
    "usage: %s reissue --idno NUMBER|- --reason lost|damaged --fee YUAN --staff ID\n"
    "                  [--photo FILE] [--override-by STAFF --override-why TEXT]\n"
    "                  [--centre-admin PATH --centre-config FILE] [--db FILE] [--today D]\n"
    "A lost or damaged card (Rules 三(五)): records the reissue with the fee the holder\n"
    "paid, and revokes the old card at once (here, and at the centre: queued when it\n"
    "cannot be reached). Without --photo the photo of the old card is used. Then issue\n"
    "the new card (generation + 1) with `issue --application N`.\n";

int cli_cmd_reissue(struct cli *c, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_COMMON_OPTIONS,
    CLI_CENTRE_OPTIONS,
    {"idno", required_argument, NULL, 'i'},
    {"reason", required_argument, NULL, 'r'},
    {"fee", required_argument, NULL, 'f'},
    {"staff", required_argument, NULL, 's'},
    {"photo", required_argument, NULL, 'p'},
    {"no-background-check", no_argument, NULL, 'B'},
    {"override-by", required_argument, NULL, 'o'},
    {"override-why", required_argument, NULL, 'w'},
    {NULL, 0, NULL, 0},
  };
  const char *idno_arg = NULL, *photo_path = NULL, *ov_by = NULL, *ov_why = NULL;
  struct station_reissue r;
  memset(&r, 0, sizeof r);
  r.fee_cents = -1;
  int check_bg = 1, opt;
  while ((opt = cli_getopt(c, argc, argv, opts, reissue_help)) > 0) {
    switch (opt) {
    case 'i': idno_arg = optarg; break;
    case 'r':
      if (station_revoke_parse(optarg, &r.reason) != STATION_OK ||
          (r.reason != STATION_REVOKE_LOST && r.reason != STATION_REVOKE_DAMAGED)) {
        cli_usage_error(c, "--reason is lost or damaged");
        return 2;
      }
      break;
    case 'f':
      if (cli_fee(optarg, &r.fee_cents) != 0) {
        cli_usage_error(c, "--fee is an amount in yuan (e.g. 20 or 20.50)");
        return 2;
      }
      break;
    case 's': r.staff = optarg; break;
    case 'p': photo_path = optarg; break;
    case 'B': check_bg = 0; break;
    case 'o': ov_by = optarg; break;
    case 'w': ov_why = optarg; break;
    }
  }
  if (opt != CLI_OPTS_DONE)
    return cli_opts_status(opt);
  if (!idno_arg || !r.reason || r.fee_cents < 0 || !r.staff || optind != argc) {
    cli_usage_error(c, "--idno, --reason, --fee and --staff are required");
    return 2;
  }
  struct station_override ov;
  if (cli_override(c, ov_by, ov_why, &ov, &r.override) != 0)
    return 2;
  char idno[COMMON_ID_LEN + 1];
  if (cli_idno(c, idno_arg, idno) != 0)
    return 2;
  r.idno = idno;
  r.today = c->today;
  uint8_t *jpeg = NULL;
  size_t len = 0;
  int status = 1;
  if (photo_path && cli_photo(c, photo_path, check_bg, &jpeg, &len) != 0)
    goto out;
  r.photo = jpeg;
  r.photo_len = len;
  if (cli_open(c) != 0)
    goto out;
  struct cli_centre cc;
  char why[256] = "";
  int64_t app;
  int rc = station_reissue_apply(c->db, &r, cli_centre(&cc, c), &app, why, sizeof why);
  if (rc != STATION_OK) {
    fprintf(stderr, "%s reissue: refused: %s%s%s\n", c->prog, station_strerror(rc),
            why[0] ? ": " : "", why);
    goto out;
  }
  printf("reissue application %lld recorded (fee %lld.%02lld yuan); the old card is revoked\n"
         "next: %s issue --application %lld\n",
         (long long)app, (long long)(r.fee_cents / 100), (long long)(r.fee_cents % 100), c->prog,
         (long long)app);
  status = 0;
out:
  memset(idno, 0, sizeof idno);
  free(jpeg);
  return status;
}

/* -------------------------------------------------------------- revoke -- */

static const char revoke_help[] =
    "usage: %s revoke --card CARDNO --reason lost|damaged|altered|lent|other --staff ID\n"
    "                 [--centre-admin PATH --centre-config FILE] [--db FILE] [--today D]\n"
    "Revoke the holder's current card, here at once and at the centre (queued when it\n"
    "cannot be reached). altered (涂改) and lent (转借) are misuse (Rules 三(六)): every\n"
    "card of the number is revoked and a later card needs a recorded override.\n";

int cli_cmd_revoke(struct cli *c, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_COMMON_OPTIONS,
    CLI_CENTRE_OPTIONS,
    {"card", required_argument, NULL, 'k'},
    {"reason", required_argument, NULL, 'r'},
    {"staff", required_argument, NULL, 's'},
    {NULL, 0, NULL, 0},
  };
  const char *card = NULL, *staff = NULL;
  enum station_revoke_reason reason = 0;
  int opt;
  while ((opt = cli_getopt(c, argc, argv, opts, revoke_help)) > 0) {
    switch (opt) {
    case 'k': card = optarg; break;
    case 'r':
      if (station_revoke_parse(optarg, &reason) != STATION_OK) {
        cli_usage_error(c, "unknown --reason");
        return 2;
      }
      break;
    case 's': staff = optarg; break;
    }
  }
  if (opt != CLI_OPTS_DONE)
    return cli_opts_status(opt);
  if (!card || !reason || !staff || optind != argc) {
    cli_usage_error(c, "--card, --reason and --staff are required");
    return 2;
  }
  if (cli_cardno(c, card) != 0)
    return 2;
  if (cli_open(c) != 0)
    return 1;
  struct cli_centre cc;
  const struct station_centre *centre = cli_centre(&cc, c);
  char why[256] = "";
  int rc = station_revoke(c->db, card, reason, staff, c->today, centre, why, sizeof why);
  if (rc != STATION_OK) {
    fprintf(stderr, "%s revoke: %s%s%s\n", c->prog, station_strerror(rc), why[0] ? ": " : "",
            why);
    return 1;
  }
  printf("card %s revoked (%s) at the station; centre: %s\n", card, station_revoke_token(reason),
         centre ? (why[0] ? why : "sent") : "queued (no centre configured)");
  return 0;
}

/* ------------------------------------------------------------- collect -- */

static const char collect_help[] = "usage: %s collect --card CARDNO [--db FILE] [--today D]\n"
                                   "Record that the holder collected the card.\n";

int cli_cmd_collect(struct cli *c, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_COMMON_OPTIONS,
    {"card", required_argument, NULL, 'k'},
    {NULL, 0, NULL, 0},
  };
  const char *card = NULL;
  int opt;
  while ((opt = cli_getopt(c, argc, argv, opts, collect_help)) > 0) {
    switch (opt) {
    case 'k': card = optarg; break;
    }
  }
  if (opt != CLI_OPTS_DONE)
    return cli_opts_status(opt);
  if (!card || optind != argc) {
    cli_usage_error(c, "--card is required");
    return 2;
  }
  if (cli_cardno(c, card) != 0)
    return 2;
  if (cli_open(c) != 0)
    return 1;
  int rc = station_collect(c->db, card, c->today);
  if (rc == STATION_E_NOT_FOUND) {
    fprintf(stderr, "%s collect: no card with this number was issued here\n", c->prog);
    return 1;
  }
  if (rc != STATION_OK) {
    fprintf(stderr, "%s collect: %s%s%s\n", c->prog,
            rc == STATION_E_STATE ? "the card is not ready for collection" : station_strerror(rc),
            rc == STATION_E_STATE ? ": " : "", rc == STATION_E_STATE ? station_db_errmsg(c->db) : "");
    return 1;
  }
  printf("card %s collected\n", card);
  return 0;
}

/* ---------------------------------------------------------- ready-list -- */

static const char ready_help[] =
    "usage: %s ready-list [--csv] [--db FILE]\n"
    "The cards ready for collection (Rules 三(四)), oldest first, names and ID numbers\n"
    "masked.\n";

static int ready_print(void *user, const struct station_ready_card *r)
{
  int csv = *(int *)user;
  char day[16];
  station_date_format(r->ready_day, day, sizeof day);
  if (csv)
    printf("%s,%u,%s,%s,%s,%s,%lld.%02lld,%s\r\n", r->card_no, r->generation, day, r->masked_name,
           r->masked_idno, r->reissue ? "reissue" : "first", (long long)(r->fee_cents / 100),
           (long long)(r->fee_cents % 100), r->registered ? "registered" : "pending");
  else
    printf("%-16s gen %-2u ready %s  %-12s %s  %-7s fee %lld.%02lld  centre %s\n", r->card_no,
           r->generation, day, r->masked_name, r->masked_idno, r->reissue ? "reissue" : "first",
           (long long)(r->fee_cents / 100), (long long)(r->fee_cents % 100),
           r->registered ? "registered" : "pending");
  return 0;
}

int cli_cmd_ready_list(struct cli *c, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_COMMON_OPTIONS,
    {"csv", no_argument, NULL, 'x'},
    {NULL, 0, NULL, 0},
  };
  int csv = 0, opt;
  while ((opt = cli_getopt(c, argc, argv, opts, ready_help)) > 0) {
    switch (opt) {
    case 'x': csv = 1; break;
    }
  }
  if (opt != CLI_OPTS_DONE)
    return cli_opts_status(opt);
  if (optind != argc)
    return 2;
  if (cli_open(c) != 0)
    return 1;
  if (csv)
    printf("card_no,generation,ready_day,name_masked,id_number_masked,kind,fee_yuan,centre\r\n");
  int rc = station_ready_list(c->db, ready_print, &csv);
  if (rc != STATION_OK) {
    fprintf(stderr, "%s ready-list: %s\n", c->prog, station_strerror(rc));
    return 1;
  }
  return 0;
}

/* -------------------------------------------------------------- outbox -- */

static const char outbox_help[] =
    "usage: %s outbox [list [--all] | send] [--centre-admin PATH --centre-config FILE]\n"
    "                 [--db FILE]\n"
    "What the centre still has to learn (registrations, revocations), and sending it.\n"
    "The centre's tool is centre-admin (also $STATION_CENTRE_ADMIN, $STATION_CENTRE_CONFIG).\n";

static int outbox_print(void *user, const struct station_outbox_item *it)
{
  (void)user;
  if (it->op == STATION_OUTBOX_REGISTER)
    printf("#%-5lld register %s gen %u", (long long)it->id, it->card_no, it->generation);
  else
    printf("#%-5lld revoke   %s %s %u (%s)", (long long)it->id, it->card_no,
           it->kind == STATION_REV_BELOW ? "below gen" : "gen", it->generation, it->reason);
  printf("  %s, %ld attempt(s)%s%s\n", it->sent ? "sent" : "pending", it->attempts,
         it->last_error[0] ? ": " : "", it->last_error);
  return 0;
}

int cli_cmd_outbox(struct cli *c, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_COMMON_OPTIONS,
    CLI_CENTRE_OPTIONS,
    {"all", no_argument, NULL, 'a'},
    {NULL, 0, NULL, 0},
  };
  int all = 0, opt;
  while ((opt = cli_getopt(c, argc, argv, opts, outbox_help)) > 0) {
    switch (opt) {
    case 'a': all = 1; break;
    }
  }
  if (opt != CLI_OPTS_DONE)
    return cli_opts_status(opt);
  const char *what = optind < argc ? argv[optind] : "list";
  if (optind + 1 < argc || (strcmp(what, "list") != 0 && strcmp(what, "send") != 0)) {
    cli_usage_error(c, "list or send");
    return 2;
  }
  if (cli_open(c) != 0)
    return 1;
  if (strcmp(what, "send") == 0) {
    struct cli_centre cc;
    const struct station_centre *centre = cli_centre(&cc, c);
    if (!centre) {
      cli_usage_error(c, "send needs --centre-admin and --centre-config");
      return 2;
    }
    unsigned long sent = 0, pending = 0;
    int rc = station_outbox_flush(c->db, centre, &sent, &pending);
    if (rc != STATION_OK) {
      fprintf(stderr, "%s outbox: %s\n", c->prog, station_strerror(rc));
      return 1;
    }
    printf("%lu sent, %lu still pending\n", sent, pending);
    return 0;
  }
  return station_outbox_list(c->db, all, outbox_print, NULL) == STATION_OK ? 0 : 1;
}

/* --------------------------------------------------------- card-status -- */

static const char status_help[] =
    "usage: %s card-status --card CARDNO --generation G [--db FILE]\n"
    "The station's own revocation view: exit 0 when the card is good here, 1 when it\n"
    "is revoked (lost, reissued, altered, lent), with the reason, or was never issued\n"
    "here.\n";

int cli_cmd_card_status(struct cli *c, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_COMMON_OPTIONS,
    {"card", required_argument, NULL, 'k'},
    {"generation", required_argument, NULL, 'g'},
    {NULL, 0, NULL, 0},
  };
  const char *card = NULL;
  long gen = -1;
  int opt;
  while ((opt = cli_getopt(c, argc, argv, opts, status_help)) > 0) {
    switch (opt) {
    case 'k': card = optarg; break;
    case 'g': gen = strtol(optarg, NULL, 10); break;
    }
  }
  if (opt != CLI_OPTS_DONE)
    return cli_opts_status(opt);
  if (!card || gen < 0 || optind != argc) {
    cli_usage_error(c, "--card and --generation are required");
    return 2;
  }
  if (cli_open(c) != 0)
    return 1;
  int revoked = 0;
  enum station_revoke_reason reason;
  int64_t holder;
  if (cli_cardno(c, card) != 0)
    return 2;
  if (station_card_person(c->db, card, &holder) == STATION_E_NOT_FOUND) {
    printf("%s gen %ld: never issued by this station\n", card, gen);
    return 1;
  }
  if (station_card_revoked(c->db, card, (uint32_t)gen, &revoked, &reason) != STATION_OK)
    return 1;
  if (revoked) {
    printf("%s gen %ld: REVOKED (%s)\n", card, gen, station_revoke_token(reason));
    return 1;
  }
  printf("%s gen %ld: not revoked here\n", card, gen);
  return 0;
}
