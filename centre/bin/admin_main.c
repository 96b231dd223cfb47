/*
 * centre-admin: the office tools over the centre's store (docs/centre.md, "Tools").
 *
 *   centre-admin --config FILE terminal register ID SITE
 *   centre-admin --config FILE terminal retire ID
 *   centre-admin --config FILE terminal list                  (CSV)
 *   centre-admin --config FILE quarantine list [TERMINAL]    (CSV: events held back)
 *   centre-admin --config FILE cert revoke SERIAL_HEX | --pem CERT.pem
 *   centre-admin --config FILE card revoke|restore CARD [--generation G | --below G]
 *                [--reason TOKEN]
 *   centre-admin --config FILE card register CARD --generation G --award KIND --level N
 *                --round YYYY --issued YYYY-MM-DD --not-after YYYY-MM-DD --issuer KEYID
 *   centre-admin --config FILE card show CARD               (each generation's state)
 *   centre-admin --config FILE report usage [FROM [TO]]       (YYYY-MM; CSV on stdout)
 *   centre-admin --config FILE report bills --hospital SITE --month YYYY-MM
 *   centre-admin --config FILE report statement --hospital SITE --month YYYY-MM
 *                [--format csv|html] [--out FILE]
 *   centre-admin --config FILE report verify FILE
 *   centre-admin --config FILE tariff set --hospital SITE --visit KIND --fen N
 *                --from YYYY-MM-DD [--to YYYY-MM-DD]
 *   centre-admin --config FILE tariff list --hospital SITE
 *   centre-admin --config FILE doc set config|trust FILE
 *   centre-admin --config FILE staff add|disable|list|policy ...   (admin_staff.h)
 *   centre-admin --config FILE account add|passwd|disable|enable|list ... (admin_account.h)
 *   centre-admin --config FILE registry import FILE | registry list  (admin_registry.h)
 *   centre-admin keygen KEY.pem PUB.pem    (no config: a new signing key pair)
 *
 *   centre-admin --help | -h | --version
 *
 * Exit 0 on success, 1 on failure (one line naming the file, terminal, card or site), 2 on
 * a usage error (one line naming the argument, then "see centre-admin --help"): the
 * convention of every program (docs/cli.md).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "admin_account.h"
#include "admin_registry.h"
#include "admin_staff.h"
#include "centre_int.h"
#include "common/award.h"
#include "common/cardno.h"
#include "common/cli.h"
#include "common/date.h"
#include "common/idno.h"
#include "common/ini.h"
#include "common/token.h"
#include "yh_version.h"
#include "proto/event.h"
#include "proto/key.h"

#define DOC_MAX (1024 * 1024)
#define PROG "centre-admin"

/* The configuration file, for messages; the site registry it names ("" when none). */
static const char *conf_path = "";
static const char *sites_path = "";

/* A usage error of a command ("centre-admin terminal register: ...", see --help): the
 * status that main turns into exit 2. */
__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  common_cli_usage(PROG, "%s", msg);
  return CENTRE_E_INVALID_ARG;
}

__attribute__((format(printf, 1, 2))) static int failure(const char *fmt, ...)
{
  va_list ap;
  fputs(PROG ": ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return ADMIN_E_SAID;
}

static void usage(FILE *out)
{
  fprintf(out,
          "usage: centre-admin --config FILE COMMAND\n"
          "  terminal register ID SITE | terminal retire ID | terminal list\n"
          "  quarantine list [TERMINAL]\n"
          "  cert revoke SERIAL_HEX | cert revoke --pem CERT.pem\n"
          "  card revoke|restore CARD [--generation G | --below G] [--reason TOKEN]\n"
          "  card register CARD --generation G --award KIND --level N --round YYYY\n"
          "       --issued YYYY-MM-DD --not-after YYYY-MM-DD --issuer KEYID\n"
          "       (KIND: donor_star, volunteer_star, volunteer_lifetime,\n"
          "       lifetime_achievement; KEYID: the card's issuer key id, 16 lowercase hex\n"
          "       digits; the same registration again changes nothing, other data for a\n"
          "       registered generation is refused; a new generation revokes nothing)\n"
          "  card show CARD   (CSV: each registered generation and its state; no personal data)\n"
          "  report usage [FROM [TO]]   (months as YYYY-MM)\n"
          "  report bills --hospital SITE --month YYYY-MM   (CSV: every waiver)\n"
          "  report statement --hospital SITE --month YYYY-MM [--format csv|html]\n"
          "       [--out FILE]   (monthly statement with its digest)\n"
          "  report verify FILE   (a statement checked against the centre's data)\n"
          "  tariff set --hospital SITE --visit outpatient|inpatient|emergency --fen N\n"
          "       --from YYYY-MM-DD [--to YYYY-MM-DD]   (the fee waived, signed for the\n"
          "       hospital's terminals)\n"
          "  tariff list --hospital SITE   (CSV)\n"
          "  doc set config|trust FILE\n" CENTRE_ADMIN_STAFF_USAGE CENTRE_ADMIN_ACCOUNT_USAGE
          CENTRE_ADMIN_REGISTRY_USAGE
          "or: centre-admin keygen KEY.pem PUB.pem   (a new ECDSA P-256 signing key, 0600)\n"
          "  -h, --help   this text;  --version   the version\n"
          "terminal register checks SITE against the registry imported (else the site\n"
          "registry named by [reports] sites in the configuration). Exit status: 0 done, 1 failed, 2 usage error (docs/cli.md).\n");
}

/* Award tokens and values are common's one table (common/award.h). */
static const char *award_token(unsigned award)
{
  const struct common_award_info *a = award <= INT_MAX ? common_award_info((int)award) : NULL;
  return a ? a->token : "unknown";
}

/* Plain decimal digits (no sign, no space), at most max. */
static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
  unsigned long v = 0;
  if (!*s || strlen(s) > 10)
    return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || v > (max - (unsigned long)(*s - '0')) / 10)
      return -1;
    v = v * 10 + (unsigned long)(*s - '0');
  }
  *out = v;
  return 0;
}

/* YYYY-MM-DD exactly -> YYYYMMDD (the store checks that it is a real date). */
static int parse_date(const char *s, uint32_t *out)
{
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return -1;
  uint32_t v = 0;
  for (int i = 0; i < 10; i++) {
    if (i == 4 || i == 7)
      continue;
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (uint32_t)(s[i] - '0');
  }
  *out = v;
  return 0;
}

static int reg_fail(const char *what)
{
  return usage_error("card register: %s", what);
}

/* card register CARD --generation G --award KIND --level N --round YYYY
 *   --issued YYYY-MM-DD --not-after YYYY-MM-DD --issuer KEYID: every option once. */
static int card_register(struct centre_store *st, int argc, char **argv, int64_t now)
{
  static const char *const opts[] = {"--generation", "--award",     "--level", "--round",
                                     "--issued",     "--not-after", "--issuer"};
  enum { NOPTS = sizeof opts / sizeof opts[0] };
  const char *val[NOPTS] = {NULL};
  struct centre_card_reg r;
  unsigned long v;
  char why[160];
  int created = 0, rc;
  memset(&r, 0, sizeof r);
  if (argc < 1 || argv[0][0] == '-')
    return reg_fail("the card number comes first");
  if (strlen(argv[0]) >= sizeof r.card_no || !common_cardno_valid(argv[0]))
    return reg_fail("card number: YL and 14 digits with valid MOD 97-10 check digits");
  snprintf(r.card_no, sizeof r.card_no, "%s", argv[0]);
  for (int i = 1; i < argc; i += 2) {
    size_t k;
    for (k = 0; k < NOPTS && strcmp(argv[i], opts[k]) != 0; k++)
      ;
    if (k == NOPTS)
      return usage_error("card register: unknown argument %s",
                         argv[i][0] == '-' && common_token_valid(argv[i] + 1, 40)
                             ? argv[i]
                             : "(a value without its option)");
    if (i + 1 >= argc)
      return usage_error("card register: %s needs a value", opts[k]);
    if (val[k])
      return usage_error("card register: %s given twice", opts[k]);
    val[k] = argv[i + 1];
  }
  for (size_t k = 0; k < NOPTS; k++)
    if (!val[k])
      return usage_error("card register: %s is required", opts[k]);
  if (parse_uint(val[0], 0xffffffffUL, &v) != 0)
    return reg_fail("--generation: a number from 0 to 4294967295");
  r.generation = (uint32_t)v;
  {
    /* Only the awards that can carry a card are registered. */
    int a = common_award_from_token(val[1]);
    const struct common_award_info *info = a >= 0 ? common_award_info(a) : NULL;
    if (info && info->card_min_level >= 0)
      r.award = (unsigned)a;
  }
  if (!r.award)
    return reg_fail("--award: donor_star, volunteer_star, volunteer_lifetime or "
                    "lifetime_achievement");
  if (parse_uint(val[2], 5, &v) != 0)
    return reg_fail("--level: a number from 0 to 5");
  r.level = (unsigned)v;
  if (parse_uint(val[3], 9999, &v) != 0)
    return reg_fail("--round: the award round's year, YYYY");
  r.round_year = (unsigned)v;
  if (parse_date(val[4], &r.issued) != 0)
    return reg_fail("--issued: a date as YYYY-MM-DD");
  if (parse_date(val[5], &r.not_after) != 0)
    return reg_fail("--not-after: a date as YYYY-MM-DD");
  if (strlen(val[6]) != CENTRE_ISSUER_ID_HEX)
    return reg_fail("--issuer: the key id is 16 lowercase hex digits");
  snprintf(r.issuer, sizeof r.issuer, "%s", val[6]);
  rc = centre_store_card_register(st, &r, now, &created, why, sizeof why);
  /* The card number is the operator's own input; echo only the outcome. */
  if (rc == CENTRE_OK)
    printf("%s\n", created ? "registered" : "no change (already registered with the same data)");
  else if (rc == CENTRE_E_INVALID_ARG)
    return usage_error("card register: %s", why);
  else if (rc == CENTRE_E_CARD_CONFLICT)
    return failure("card register: %s", why);
  return rc;
}

static void print_ymd(FILE *out, uint32_t d)
{
  fprintf(out, "%04u-%02u-%02u", (unsigned)(d / 10000), (unsigned)(d / 100 % 100),
          (unsigned)(d % 100));
}

/* card show CARD: CSV, one line per registered generation; never a name or ID number
 * (the centre has none). */
static int card_show(struct centre_store *st, const char *card_no)
{
  struct centre_card_info *v = NULL;
  size_t n = 0;
  int rc = centre_store_card_show(st, card_no, &v, &n);
  if (rc == CENTRE_E_INVALID_ARG)
    return usage_error("card show: card number: 1-20 of 0-9 A-Z -, and not shaped like a "
                       "citizen ID number");
  if (rc == CENTRE_E_NOT_FOUND)
    return failure("card show: no registration for this card");
  if (rc != CENTRE_OK)
    return rc;
  printf("generation,state,award,level,round,issued,not_after,issuer,registered_at\n");
  for (size_t i = 0; i < n; i++) {
    char when[32];
    struct tm tm;
    time_t t = (time_t)v[i].registered_at;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    printf("%lu,%s,%s,%u,%u,", (unsigned long)v[i].reg.generation,
           v[i].revoked ? "revoked" : "active", award_token(v[i].reg.award), v[i].reg.level,
           v[i].reg.round_year);
    print_ymd(stdout, v[i].reg.issued);
    putchar(',');
    print_ymd(stdout, v[i].reg.not_after);
    printf(",%s,%s\n", v[i].reg.issuer, when);
  }
  free(v);
  return CENTRE_OK;
}

static int parse_month(const char *s, int *out)
{
  int y, m;
  char tail;
  /* Exactly YYYY-MM: "2026-1" or " 2026-01" are typos, not months. */
  if (strlen(s) != 7 || s[4] != '-')
    return -1;
  for (int i = 0; i < 7; i++)
    if (i != 4 && (s[i] < '0' || s[i] > '9'))
      return -1;
  if (sscanf(s, "%4d-%2d%c", &y, &m, &tail) != 2 || y < 2000 || y > 2100 || m < 1 || m > 12)
    return -1;
  *out = y * 100 + m;
  return 0;
}

/* Options of the bill reports: every one once, values required. */
struct report_opts {
  const char *hospital, *month, *format, *out;
};

static int report_args(const char *cmd, int argc, char **argv, struct report_opts *o, int more)
{
  memset(o, 0, sizeof *o);
  for (int i = 0; i < argc; i += 2) {
    const char **slot = strcmp(argv[i], "--hospital") == 0 ? &o->hospital
                        : strcmp(argv[i], "--month") == 0  ? &o->month
                        : more && strcmp(argv[i], "--format") == 0 ? &o->format
                        : more && strcmp(argv[i], "--out") == 0    ? &o->out
                                                                   : NULL;
    if (!slot) {
      return usage_error("report %s: unknown argument %s", cmd,
                         argv[i][0] == '-' && common_token_valid(argv[i] + 1, 40)
                             ? argv[i]
                             : "(a value without its option)");
    }
    if (i + 1 >= argc || *slot) {
      return usage_error("report %s: %s %s", cmd, argv[i],
                         *slot ? "given twice" : "needs a value");
    }
    *slot = argv[i + 1];
  }
  if (!o->hospital || !o->month) {
    return usage_error("report %s: --hospital and --month are required", cmd);
  }
  return CENTRE_OK;
}

/* The hospital and month of a bill report, checked: exit 2 for either. */
static int report_target(const struct centre_conf *conf, const char *cmd,
                         const struct report_opts *o, struct centre_site *h, int *month)
{
  char why[200];
  int rc;
  if (parse_month(o->month, month) != 0) {
    return usage_error("report %s: --month: YYYY-MM, a month from 2000-01 to 2100-12", cmd);
  }
  rc = centre_site_lookup(conf->sites, o->hospital, h, why, sizeof why);
  if (rc != CENTRE_OK) {
    if (rc == CENTRE_E_NOT_FOUND)
      return usage_error("report %s: --hospital: %s", cmd, why);
    return failure("report %s: %s", cmd, why);
  }
  return CENTRE_OK;
}

/* Write all of buf to path (or stdout), through a temporary file and a rename so that a
 * statement on disk is never half written. */
static int write_out(const char *path, const char *buf, size_t len)
{
  char tmp[CENTRE_PATH_MAX + 16];
  FILE *f;
  int ok;
  if (!path)
    return fwrite(buf, 1, len, stdout) == len ? CENTRE_OK : CENTRE_E_IO;
  if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
    return CENTRE_E_INVALID_ARG;
  f = fopen(tmp, "wx");
  if (!f) {
    return failure("cannot create %s: %s", tmp, strerror(errno));
  }
  ok = fwrite(buf, 1, len, f) == len;
  ok = fflush(f) == 0 && ok;
  ok = fclose(f) == 0 && ok;
  if (!ok || rename(tmp, path) != 0) {
    remove(tmp);
    return failure("cannot write %s", path);
  }
  return CENTRE_OK;
}

static char *read_file(const char *path);

static int report_bills(const struct centre_conf *conf, struct centre_store *st, const char *cmd,
                        int argc, char **argv)
{
  struct report_opts o;
  struct centre_site h;
  char digest[CENTRE_HASH_HEX + 1], *text = NULL;
  size_t len = 0;
  int month = 0, format = CENTRE_STATEMENT_CSV;
  int rc = report_args(cmd, argc, argv, &o, strcmp(cmd, "statement") == 0);
  if (rc == CENTRE_OK)
    rc = report_target(conf, cmd, &o, &h, &month);
  if (rc != CENTRE_OK)
    return rc;
  if (strcmp(cmd, "bills") == 0)
    return centre_report_bills_csv(centre_store_db(st), &h, month, stdout);
  if (o.format && strcmp(o.format, "html") == 0) {
    format = CENTRE_STATEMENT_HTML;
  } else if (o.format && strcmp(o.format, "csv") != 0) {
    return usage_error("report statement: --format: expected csv or html");
  }
  rc = centre_statement_make(centre_store_db(st), &h, month, format, &text, &len, digest);
  if (rc == CENTRE_OK)
    rc = write_out(o.out, text, len);
  if (rc == CENTRE_OK && o.out)
    printf("statement written to %s; digest sha256 %s\n", o.out, digest);
  free(text);
  return rc;
}

/* report verify FILE: make the statement again from the centre's data, in the file's
 * format, and compare. Exit 0 only for the same bytes. */
static int report_verify(const struct centre_conf *conf, struct centre_store *st,
                         const char *path)
{
  struct centre_site h;
  char site[CENTRE_SITE_ID_MAX + 1], printed[CENTRE_HASH_HEX + 1], now[CENTRE_HASH_HEX + 1],
      own[CENTRE_HASH_HEX + 1], why[200], *file, *text = NULL;
  size_t len = 0, flen;
  int format, month, rc;
  file = read_file(path);
  if (!file) {
    fprintf(stderr, "centre-admin: report verify: %s: unreadable, over %d bytes, or binary\n",
            path, DOC_MAX);
    return ADMIN_E_SAID;
  }
  flen = strlen(file);
  if (centre_statement_identify(file, flen, &format, site, &month, printed) != CENTRE_OK) {
    fprintf(stderr, "centre-admin: report verify: %s is not a statement made by "
                    "centre-admin report statement\n", path);
    free(file);
    return CENTRE_E_INVALID_ARG;
  }
  rc = centre_site_lookup(conf->sites, site, &h, why, sizeof why);
  if (rc == CENTRE_OK)
    rc = centre_statement_make(centre_store_db(st), &h, month, format, &text, &len, now);
  else
    rc = failure("report verify: the statement's hospital: %s", why);
  if (rc != CENTRE_OK) {
    free(file);
    return rc;
  }
  if (len == flen && memcmp(text, file, len) == 0) {
    printf("verified: %s %04d-%02d, digest sha256 %s matches the centre's data\n", site,
           month / 100, month % 100, now);
  } else if (strcmp(printed, now) == 0 ||
             (format == CENTRE_STATEMENT_CSV &&
              (centre_statement_lines_digest(file, flen, own) != CENTRE_OK ||
               strcmp(own, printed) != 0))) {
    fprintf(stderr, "centre-admin: report verify: REFUSED: the file was altered (its lines "
                    "are not the statement its digest names)\n");
    rc = CENTRE_E_VERIFY_FAILED;
  } else {
    fprintf(stderr, "centre-admin: report verify: REFUSED: the digest on the file (%s) is "
                    "not the centre's for that month now (%s): the file was altered, or "
                    "events for that month arrived after it was made\n", printed, now);
    rc = CENTRE_E_VERIFY_FAILED;
  }
  free(text);
  free(file);
  return rc;
}

/* tariff set|list: the hospital's fees, served as its signed tariff document. */
static int tariff_cmd(const struct centre_conf *conf, struct centre_store *st, int argc,
                      char **argv, int64_t now)
{
  static const char *const opts[] = {"--hospital", "--visit", "--fen", "--from", "--to"};
  enum { NOPTS = sizeof opts / sizeof opts[0] };
  const char *val[NOPTS] = {NULL}, *cmd = argv[0];
  int list = strcmp(cmd, "list") == 0;
  struct centre_site h;
  uint32_t from = 0, to = 0;
  unsigned long fen = 0;
  uint64_t version = 0;
  char why[200];
  int32_t d;
  int rc;
  for (int i = 1; i < argc; i += 2) {
    size_t k;
    for (k = 0; k < NOPTS && strcmp(argv[i], opts[k]) != 0; k++)
      ;
    if (k == NOPTS || (list && k > 0))
      return usage_error("tariff %s: unknown argument %s", cmd,
                         argv[i][0] == '-' ? argv[i] : "(a value without its option)");
    if (i + 1 >= argc || val[k])
      return usage_error("tariff %s: %s %s", cmd, opts[k], val[k] ? "given twice" : "needs a value");
    val[k] = argv[i + 1];
  }
  if (!val[0] || (!list && (!val[1] || !val[2] || !val[3])))
    return usage_error("tariff %s: %s are required", cmd,
                       list ? "--hospital" : "--hospital, --visit, --fen and --from");
  rc = centre_site_lookup(conf->sites, val[0], &h, why, sizeof why);
  if (rc == CENTRE_E_NOT_FOUND)
    return usage_error("tariff %s: --hospital: %s", cmd, why);
  if (rc != CENTRE_OK)
    return failure("tariff %s: %s", cmd, why);
  if (list)
    return centre_tariff_list_csv(centre_store_db(st), h.id, stdout);
  if (!centre_tariff_visit_valid(val[1]))
    return usage_error("tariff set: --visit: outpatient, inpatient or emergency");
  if (parse_uint(val[2], CENTRE_TARIFF_FEE_MAX, &fen) != 0 || fen == 0)
    return usage_error("tariff set: --fen: the fee in fen, 1 to %d", CENTRE_TARIFF_FEE_MAX);
  if (common_date_parse(val[3], strlen(val[3]), &d) != COMMON_OK || parse_date(val[3], &from) ||
      (val[4] &&
       (common_date_parse(val[4], strlen(val[4]), &d) != COMMON_OK || parse_date(val[4], &to))))
    return usage_error("tariff set: --from and --to are days, YYYY-MM-DD");
  if (from < 20000101 || (to && to > 20991231))
    return usage_error("tariff set: days from 2000-01-01 to 2099-12-31");
  if (to && to < from)
    return usage_error("tariff set: --to is before --from");
  rc = centre_tariff_set(centre_store_db(st), h.id, val[1], (int64_t)fen, (int32_t)from,
                         (int32_t)to, now, &version);
  if (rc == CENTRE_OK)
    printf("tariff of %s: version %llu\n", h.id, (unsigned long long)version);
  else if (rc == CENTRE_E_TOO_LARGE)
    return usage_error("tariff set: over %d items for this hospital", CENTRE_TARIFF_ITEMS_MAX);
  return rc;
}

static int cert_serial(const char *path, char serial[81])
{
  FILE *f = fopen(path, "r");
  X509 *cert = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
  BIGNUM *bn;
  char *hex;
  int rc = -1;
  if (f)
    fclose(f);
  if (!cert)
    return -1;
  bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
  hex = bn ? BN_bn2hex(bn) : NULL;
  if (hex && strlen(hex) < 81) {
    snprintf(serial, 81, "%s", hex);
    rc = 0;
  }
  OPENSSL_free(hex);
  BN_free(bn);
  X509_free(cert);
  return rc;
}

static char *read_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  char *buf;
  size_t n;
  if (!f)
    return NULL;
  buf = malloc(DOC_MAX + 1);
  if (!buf) {
    fclose(f);
    return NULL;
  }
  n = fread(buf, 1, DOC_MAX + 1, f);
  fclose(f);
  if (n > DOC_MAX || memchr(buf, '\0', n)) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  return buf;
}

/* Is site a section of the site registry (sites.ini: one [site-id] section per site,
 * docs/kiosk.md)? Only the section names are read here: what a site's keys mean is the
 * terminal's (kiosk's registry loader), and the centre only needs to know the id exists. */
struct site_find {
  const char *site;
  int found;
};

static int on_site_section(void *user, const char *name, unsigned line)
{
  struct site_find *f = user;
  (void)line;
  if (strcmp(name, f->site) == 0)
    f->found = 1;
  return 0;
}

static int on_site_pair(void *user, const char *section, const char *key, const char *value,
                        unsigned line)
{
  (void)user, (void)section, (void)key, (void)value, (void)line;
  return 0;
}

static int site_check(struct centre_store *st, const char *site)
{
  static const struct common_ini_handler h = {on_site_section, on_site_pair};
  struct site_find f = {site, 0};
  struct common_diag d;
  char *buf = NULL;
  size_t len = 0;
  int rc;
  /* the registry the terminals apply, when one was imported; else the file */
  uint64_t version = 0;
  int64_t issued = 0;
  rc = centre_store_doc_get(st, CENTRE_REGISTRY_KIND, &buf, &version, &issued);
  if (rc == CENTRE_OK) {
    int found = centre_registry_has_site(buf, strlen(buf), site);
    free(buf);
    if (!found)
      return failure("terminal register: site %s is not in the registry (version %llu; "
                     "centre-admin registry list)", site, (unsigned long long)version);
    return CENTRE_OK;
  }
  if (rc != CENTRE_E_NOT_FOUND)
    return rc;
  buf = NULL;
  if (!sites_path[0]) {
    fprintf(stderr, PROG ": terminal register: site %s not checked: no [reports] sites (the site registry) in %s\n",
            site, conf_path);
    return CENTRE_OK;
  }
  memset(&d, 0, sizeof d);
  rc = common_read_file(sites_path, COMMON_INI_INPUT_MAX, &buf, &len, &d);
  if (rc == COMMON_OK)
    rc = common_ini_parse(buf, len, sites_path, NULL, &h, &f, &d);
  free(buf);
  if (rc != COMMON_OK) {
    if (d.line)
      return failure("site registry %s:%u: %s", sites_path, d.line, d.text);
    return failure("site registry %s: %s", sites_path, d.text);
  }
  if (!f.found)
    return failure("terminal register: site %s is not in the site registry %s", site,
                   sites_path);
  return CENTRE_OK;
}

/* A terminal or site id as the journal carries it; never echoed (it may be mistyped
 * personal data). */
static int id_arg(const char *cmd, const char *what, const char *v, size_t max)
{
  if (!common_token_valid(v, max) || common_id_shaped(v))
    return usage_error("%s: %s: expected 1-%zu of A-Z a-z 0-9 . _ -, not shaped like a "
                       "citizen ID number", cmd, what, max);
  return CENTRE_OK;
}

/* A generation: plain decimal digits, 0..4294967295. */
static int generation_arg(const char *cmd, const char *opt, const char *v, uint32_t *out)
{
  unsigned long g;
  if (parse_uint(v, 0xffffffffUL, &g) != 0)
    return usage_error("%s: %s: expected a number from 0 to 4294967295", cmd, opt);
  *out = (uint32_t)g;
  return CENTRE_OK;
}

static int run(const struct centre_conf *conf, struct centre_store *st, int argc, char **argv)
{
  int64_t now = (int64_t)time(NULL);
  uint64_t version = 0;
  int rc;
  const char *c0 = argv[0], *c1 = argc >= 2 ? argv[1] : "";
  if (strcmp(c0, "terminal") == 0 && strcmp(c1, "register") == 0) {
    if (argc != 4)
      return usage_error("terminal register: expected ID SITE");
    if ((rc = id_arg("terminal register", "ID", argv[2], PROTO_TOKEN_MAX)) != CENTRE_OK ||
        (rc = id_arg("terminal register", "SITE", argv[3], PROTO_SITE_TOKEN_MAX)) != CENTRE_OK ||
        (rc = site_check(st, argv[3])) != CENTRE_OK)
      return rc;
    rc = centre_store_terminal_register(st, argv[2], argv[3], now);
    if (rc == CENTRE_OK)
      printf("terminal %s registered at site %s\n", argv[2], argv[3]);
    else if (rc == CENTRE_E_EXISTS)
      return failure("terminal register: terminal %s is registered already (centre-admin "
                     "terminal list)", argv[2]);
    return rc;
  }
  if (strcmp(c0, "terminal") == 0 && strcmp(c1, "retire") == 0) {
    if (argc != 3)
      return usage_error("terminal retire: expected ID");
    if ((rc = id_arg("terminal retire", "ID", argv[2], PROTO_TOKEN_MAX)) != CENTRE_OK)
      return rc;
    rc = centre_store_terminal_retire(st, argv[2], now);
    if (rc == CENTRE_OK)
      printf("terminal %s retired\n", argv[2]);
    else if (rc == CENTRE_E_NOT_FOUND)
      return failure("terminal retire: no terminal %s is registered", argv[2]);
    return rc;
  }
  if (strcmp(c0, "terminal") == 0 && strcmp(c1, "list") == 0) {
    if (argc != 2)
      return usage_error("terminal list: no argument expected");
    return centre_store_terminals_csv(st, stdout);
  }
  if (strcmp(c0, "quarantine") == 0 && strcmp(c1, "list") == 0) {
    if (argc > 3)
      return usage_error("quarantine list: expected at most one TERMINAL");
    if (argc == 3 && (rc = id_arg("quarantine list", "TERMINAL", argv[2], PROTO_TOKEN_MAX)))
      return rc;
    return centre_store_quarantine_csv(st, argc == 3 ? argv[2] : NULL, stdout);
  }
  if (strcmp(c0, "cert") == 0 && strcmp(c1, "revoke") == 0) {
    char serial[81];
    if (argc >= 3 && strcmp(argv[2], "--pem") == 0) {
      if (argc != 4)
        return usage_error("cert revoke --pem: expected one CERT.pem");
      if (cert_serial(argv[3], serial) != 0)
        return failure("cert revoke: %s: not a readable PEM certificate", argv[3]);
    } else {
      size_t i;
      if (argc != 3)
        return usage_error("cert revoke: expected SERIAL_HEX or --pem CERT.pem");
      if (strlen(argv[2]) >= sizeof serial)
        return usage_error("cert revoke: SERIAL_HEX: at most 80 hex digits");
      snprintf(serial, sizeof serial, "%s", argv[2]);
      for (i = 0; serial[i]; i++) {
        if (!isxdigit((unsigned char)serial[i]))
          return usage_error("cert revoke: SERIAL_HEX: expected hex digits (0-9 A-F)");
        serial[i] = (char)toupper((unsigned char)serial[i]);
      }
    }
    rc = centre_store_cert_revoke(st, serial, now);
    if (rc == CENTRE_OK)
      printf("certificate serial %s revoked\n", serial);
    return rc;
  }
  if (strcmp(c0, "card") == 0 && strcmp(c1, "register") == 0)
    return card_register(st, argc - 2, argv + 2, now);
  if (strcmp(c0, "card") == 0 && strcmp(c1, "show") == 0) {
    if (argc != 3)
      return usage_error("card show: expected CARD");
    return card_show(st, argv[2]);
  }
  if (strcmp(c0, "card") == 0 && (strcmp(c1, "revoke") == 0 || strcmp(c1, "restore") == 0)) {
    struct centre_rev_entry e;
    const char *reason = NULL;
    char cmd[16];
    size_t changed = 0;
    int op = strcmp(c1, "revoke") == 0;
    snprintf(cmd, sizeof cmd, "card %s", c1);
    memset(&e, 0, sizeof e);
    if (argc < 3)
      return usage_error("%s: expected CARD", cmd);
    /* A typo in the number must not revoke (or restore) a card that does not exist: the
     * MOD 97-10 check digits catch every single wrong character and every swap. */
    if (strlen(argv[2]) >= sizeof e.card_no || !common_cardno_valid(argv[2]))
      return usage_error("%s: CARD: expected YL and 14 digits with valid MOD 97-10 check "
                         "digits", cmd);
    snprintf(e.card_no, sizeof e.card_no, "%s", argv[2]);
    e.kind = 1; /* EXACT, generation 0 (the first card) unless told */
    for (int i = 3; i < argc; i++) {
      int below = strcmp(argv[i], "--below") == 0;
      if (below || strcmp(argv[i], "--generation") == 0) {
        if (i + 1 >= argc)
          return usage_error("%s: %s needs a value", cmd, argv[i]);
        if ((rc = generation_arg(cmd, argv[i], argv[i + 1], &e.generation)) != CENTRE_OK)
          return rc;
        e.kind = below ? 2 : 1;
        i++;
      } else if (strcmp(argv[i], "--reason") == 0) {
        if (i + 1 >= argc)
          return usage_error("%s: --reason needs a value", cmd);
        reason = argv[++i];
      } else {
        return usage_error("%s: unexpected argument %s (expected --generation G, --below G "
                           "or --reason TOKEN)", cmd,
                           argv[i][0] == '-' && common_token_valid(argv[i] + 1, 40)
                               ? argv[i]
                               : "(a value without its option)");
      }
    }
    rc = centre_store_card_set_many(st, &e, 1, op, reason, now, &version, &changed);
    /* The card number is the operator's own input; echo only the outcome. */
    if (rc == CENTRE_OK)
      printf("%s; revocation list version %llu\n", changed ? "changed" : "no change (already so)",
             (unsigned long long)version);
    else if (rc == CENTRE_E_INVALID_ARG)
      return usage_error("%s: --reason: expected a token (A-Z a-z 0-9 . _ -)", cmd);
    return rc;
  }
  if (strcmp(c0, "report") == 0 && strcmp(c1, "usage") == 0) {
    int from = 0, to = 0;
    if (argc > 4)
      return usage_error("report usage: expected at most FROM and TO");
    if (argc >= 3 && parse_month(argv[2], &from) != 0)
      return usage_error("report usage: FROM: months are YYYY-MM, from 2000-01 to 2100-12");
    if (argc >= 4 && parse_month(argv[3], &to) != 0)
      return usage_error("report usage: TO: months are YYYY-MM, from 2000-01 to 2100-12");
    /* An empty range is a mistyped command line, not a month without use. */
    if (to && from > to)
      return usage_error("report usage: FROM is after TO (%s > %s; expected FROM <= TO)",
                         argv[2], argv[3]);
    return centre_store_usage_csv(st, from, to, stdout);
  }
  if (strcmp(c0, "report") == 0 && (strcmp(c1, "bills") == 0 || strcmp(c1, "statement") == 0))
    return report_bills(conf, st, c1, argc - 2, argv + 2);
  if (strcmp(c0, "report") == 0 && strcmp(c1, "verify") == 0) {
    if (argc != 3)
      return usage_error("report verify: expected FILE (a statement)");
    return report_verify(conf, st, argv[2]);
  }
  if (strcmp(c0, "staff") == 0)
    return centre_admin_staff(st, argc - 1, argv + 1, now);
  if (strcmp(c0, "account") == 0)
    return centre_admin_account(st, argc - 1, argv + 1, now);
  if (strcmp(c0, "registry") == 0)
    return centre_admin_registry(st, argc, argv, now, ADMIN_E_SAID);
  if (strcmp(c0, "tariff") == 0 && (strcmp(c1, "set") == 0 || strcmp(c1, "list") == 0))
    return tariff_cmd(conf, st, argc - 1, argv + 1, now);
  if (strcmp(c0, "doc") == 0 && strcmp(c1, "set") == 0) {
    char *content;
    if (argc != 4 || (strcmp(argv[2], "config") != 0 && strcmp(argv[2], "trust") != 0))
      return usage_error("doc set: expected config FILE or trust FILE");
    content = read_file(argv[3]);
    if (!content)
      return failure("doc set: %s: unreadable, over %d bytes, or binary", argv[3], DOC_MAX);
    rc = centre_store_doc_put(st, argv[2], content, now, &version);
    free(content);
    if (rc == CENTRE_OK)
      printf("%s version %llu\n", argv[2], (unsigned long long)version);
    return rc;
  }
  if (common_token_valid(c0, 20) && (!*c1 || common_token_valid(c1, 20)))
    return usage_error("unknown command '%s%s%s' (expected terminal, quarantine, cert, card, "
                       "report, tariff, staff, account, registry or doc with its subcommand)", c0, *c1 ? " " : "", c1);
  return usage_error("unknown command (expected terminal, quarantine, cert, card, report, "
                     "tariff, staff, account, registry or doc with its subcommand)");
}

/* The centre's signing key: private (PKCS#8, 0600, never overwritten) and the public
 * half that terminals carry as revocation-signer.pub.pem and netsync's sign_pubkey_file. */
static int keygen(const char *key_path, const char *pub_path)
{
  struct proto_key *k = NULL;
  struct stat sb;
  int rc;
  /* A signing key must never be replaced by accident: proto's private-key writer
   * refuses an existing file (O_EXCL); the public half is checked here too, so that
   * neither is written when either exists. */
  if (lstat(key_path, &sb) == 0 || lstat(pub_path, &sb) == 0) {
    fprintf(stderr, "centre-admin: keygen: %s or %s exists; not overwriting\n", key_path,
            pub_path);
    return 1;
  }
  rc = proto_key_generate(&k);
  if (rc == PROTO_OK)
    rc = proto_key_write_private(k, key_path);
  if (rc == PROTO_OK)
    rc = proto_key_write_public(k, pub_path);
  proto_key_destroy(k);
  if (rc != PROTO_OK) {
    fprintf(stderr, "centre-admin: keygen: %s: %s\n",
            rc == PROTO_E_EXISTS ? key_path : "writing the key pair", proto_strerror(rc));
    return 1;
  }
  printf("signing key written to %s, public key to %s\n", key_path, pub_path);
  return 0;
}

int main(int argc, char **argv)
{
  struct centre_conf conf;
  struct centre_store *st = NULL;
  char why[256] = "";
  int rc, first;
  for (int i = 1; i < argc; i++) {
    if (common_cli_is_help(argv[i])) {
      usage(stdout);
      return 0;
    }
    if (common_cli_is_version(argv[i]))
      return common_cli_version(stdout, PROG, YH_VERSION, YH_VERSION_GIT);
  }
  if (argc >= 2 && strcmp(argv[1], "keygen") == 0) {
    if (argc != 4)
      return common_cli_usage(PROG, "keygen: expected KEY.pem PUB.pem");
    return keygen(argv[2], argv[3]);
  }
  if (argc < 2)
    return common_cli_usage(PROG, "expected --config FILE COMMAND, or keygen KEY.pem PUB.pem");
  if (strcmp(argv[1], "--config") == 0) {
    if (argc < 3)
      return common_cli_usage(PROG, "--config needs a value (the centre configuration)");
    conf_path = argv[2];
    first = 3;
  } else if (strncmp(argv[1], "--config=", 9) == 0) {
    conf_path = argv[1] + 9;
    first = 2;
  } else if (argv[1][0] == '-' && common_token_valid(argv[1] + 1, 40)) {
    return common_cli_usage(PROG, "unexpected argument '%s' (expected --config FILE COMMAND, "
                                  "or keygen KEY.pem PUB.pem)", argv[1]);
  } else {
    return common_cli_usage(PROG, "--config FILE must come first (or keygen KEY.pem PUB.pem)");
  }
  if (argc <= first)
    return common_cli_usage(PROG, "a command is expected after --config FILE");
  rc = centre_conf_load(conf_path, &conf, why, sizeof why);
  if (rc != CENTRE_OK) {
    fprintf(stderr, PROG ": %s: %s\n", conf_path, why);
    return 1;
  }
  sites_path = conf.sites;
  rc = centre_store_open_conf(&conf, &st);
  if (rc != CENTRE_OK) {
    if (conf.db_backend)
      fprintf(stderr, PROG ": store.dsn: cannot use the PostgreSQL store (%s)\n",
              centre_strerror(rc));
    else
      fprintf(stderr, PROG ": store.db %s: cannot open it (%s)\n", conf.db, centre_strerror(rc));
    return 1;
  }
  rc = run(&conf, st, argc - first, argv + first);
  centre_store_destroy(st);
  if (rc == CENTRE_E_INVALID_ARG)
    return 2;
  if (rc == ADMIN_E_SAID)
    return 1;
  if (rc != CENTRE_OK) {
    if (rc != CENTRE_E_VERIFY_FAILED) /* report verify said why */
      fprintf(stderr, PROG ": %s failed: %s (store %s)\n", argv[first], centre_strerror(rc),
              conf.db);
    return 1;
  }
  return 0;
}
