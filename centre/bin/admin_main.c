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
 *   centre-admin --config FILE doc set config|trust FILE
 *   centre-admin keygen KEY.pem PUB.pem    (no config: a new signing key pair)
 *
 *   centre-admin --help
 *
 * Exit 0 on success, 1 on failure, 2 on a usage error.
 */
#include <ctype.h>
#include <limits.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "centre_int.h"
#include "common/award.h"
#include "common/cardno.h"
#include "common/token.h"
#include "proto/event.h"
#include "proto/key.h"

#define DOC_MAX (1024 * 1024)

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
          "  doc set config|trust FILE\n"
          "or: centre-admin keygen KEY.pem PUB.pem   (a new ECDSA P-256 signing key, 0600)\n"
          "exit status: 0 done, 1 failed, 2 usage or invalid argument\n");
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
  fprintf(stderr, "centre-admin: card register: %s\n", what);
  return CENTRE_E_INVALID_ARG;
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
    if (k == NOPTS) {
      fprintf(stderr, "centre-admin: card register: unknown argument %s\n",
              argv[i][0] == '-' ? argv[i] : "(a value without its option)");
      return CENTRE_E_INVALID_ARG;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "centre-admin: card register: %s needs a value\n", opts[k]);
      return CENTRE_E_INVALID_ARG;
    }
    if (val[k]) {
      fprintf(stderr, "centre-admin: card register: %s given twice\n", opts[k]);
      return CENTRE_E_INVALID_ARG;
    }
    val[k] = argv[i + 1];
  }
  for (size_t k = 0; k < NOPTS; k++)
    if (!val[k]) {
      fprintf(stderr, "centre-admin: card register: %s is required\n", opts[k]);
      return CENTRE_E_INVALID_ARG;
    }
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
  else if (rc == CENTRE_E_INVALID_ARG || rc == CENTRE_E_CARD_CONFLICT)
    fprintf(stderr, "centre-admin: card register: %s\n", why);
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
  if (rc == CENTRE_E_INVALID_ARG) {
    fprintf(stderr, "centre-admin: card show: card number: 1-20 of 0-9 A-Z -, and not "
                    "shaped like a citizen ID number\n");
    return rc;
  }
  if (rc == CENTRE_E_NOT_FOUND) {
    fprintf(stderr, "centre-admin: card show: no registration for this card\n");
    return rc;
  }
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
      fprintf(stderr, "centre-admin: report %s: unknown argument %s\n", cmd,
              argv[i][0] == '-' ? argv[i] : "(a value without its option)");
      return CENTRE_E_INVALID_ARG;
    }
    if (i + 1 >= argc || *slot) {
      fprintf(stderr, "centre-admin: report %s: %s %s\n", cmd, argv[i],
              *slot ? "given twice" : "needs a value");
      return CENTRE_E_INVALID_ARG;
    }
    *slot = argv[i + 1];
  }
  if (!o->hospital || !o->month) {
    fprintf(stderr, "centre-admin: report %s: --hospital and --month are required\n", cmd);
    return CENTRE_E_INVALID_ARG;
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
    fprintf(stderr, "centre-admin: report %s: --month: YYYY-MM, a month from 2000-01 to "
                    "2100-12\n", cmd);
    return CENTRE_E_INVALID_ARG;
  }
  rc = centre_site_lookup(conf->sites, o->hospital, h, why, sizeof why);
  if (rc != CENTRE_OK) {
    fprintf(stderr, "centre-admin: report %s: --hospital: %s\n", cmd, why);
    return rc == CENTRE_E_NOT_FOUND ? CENTRE_E_INVALID_ARG : rc;
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
    fprintf(stderr, "centre-admin: cannot create %s\n", tmp);
    return CENTRE_E_IO;
  }
  ok = fwrite(buf, 1, len, f) == len;
  ok = fflush(f) == 0 && ok;
  ok = fclose(f) == 0 && ok;
  if (!ok || rename(tmp, path) != 0) {
    remove(tmp);
    fprintf(stderr, "centre-admin: cannot write %s\n", path);
    return CENTRE_E_IO;
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
    fprintf(stderr, "centre-admin: report statement: --format: csv or html\n");
    return CENTRE_E_INVALID_ARG;
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
    return CENTRE_E_IO;
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
    fprintf(stderr, "centre-admin: report verify: the statement's hospital: %s\n", why);
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

static int run(const struct centre_conf *conf, struct centre_store *st, int argc, char **argv)
{
  int64_t now = (int64_t)time(NULL);
  uint64_t version = 0;
  int rc;
  if (argc >= 4 && strcmp(argv[0], "terminal") == 0 && strcmp(argv[1], "register") == 0) {
    rc = centre_store_terminal_register(st, argv[2], argv[3], now);
    if (rc == CENTRE_OK)
      printf("terminal %s registered at site %s\n", argv[2], argv[3]);
    return rc;
  }
  if (argc >= 3 && strcmp(argv[0], "terminal") == 0 && strcmp(argv[1], "retire") == 0) {
    rc = centre_store_terminal_retire(st, argv[2], now);
    if (rc == CENTRE_OK)
      printf("terminal %s retired\n", argv[2]);
    return rc;
  }
  if (argc >= 2 && strcmp(argv[0], "terminal") == 0 && strcmp(argv[1], "list") == 0)
    return centre_store_terminals_csv(st, stdout);
  if ((argc == 2 || argc == 3) && strcmp(argv[0], "quarantine") == 0 &&
      strcmp(argv[1], "list") == 0) {
    if (argc == 3 && !common_token_valid(argv[2], PROTO_TOKEN_MAX)) {
      fprintf(stderr, "centre-admin: quarantine list: the terminal id is not a token\n");
      return CENTRE_E_INVALID_ARG;
    }
    return centre_store_quarantine_csv(st, argc == 3 ? argv[2] : NULL, stdout);
  }
  if (argc >= 3 && strcmp(argv[0], "cert") == 0 && strcmp(argv[1], "revoke") == 0) {
    char serial[81];
    if (strcmp(argv[2], "--pem") == 0) {
      if (argc < 4 || cert_serial(argv[3], serial) != 0) {
        fprintf(stderr, "centre-admin: cannot read a certificate from %s\n",
                argc >= 4 ? argv[3] : "(none)");
        return CENTRE_E_IO;
      }
    } else {
      size_t i;
      snprintf(serial, sizeof serial, "%s", argv[2]);
      for (i = 0; serial[i]; i++) {
        if (!isxdigit((unsigned char)serial[i]))
          return CENTRE_E_INVALID_ARG;
        serial[i] = (char)toupper((unsigned char)serial[i]);
      }
    }
    rc = centre_store_cert_revoke(st, serial, now);
    if (rc == CENTRE_OK)
      printf("certificate serial %s revoked\n", serial);
    return rc;
  }
  if (argc >= 2 && strcmp(argv[0], "card") == 0 && strcmp(argv[1], "register") == 0)
    return card_register(st, argc - 2, argv + 2, now);
  if (argc == 3 && strcmp(argv[0], "card") == 0 && strcmp(argv[1], "show") == 0)
    return card_show(st, argv[2]);
  if (argc >= 3 && strcmp(argv[0], "card") == 0 &&
      (strcmp(argv[1], "revoke") == 0 || strcmp(argv[1], "restore") == 0)) {
    struct centre_rev_entry e;
    const char *reason = NULL;
    size_t changed = 0;
    int op = strcmp(argv[1], "revoke") == 0;
    memset(&e, 0, sizeof e);
    /* A typo in the number must not revoke (or restore) a card that does not exist: the
     * MOD 97-10 check digits catch every single wrong character and every swap. */
    if (strlen(argv[2]) >= sizeof e.card_no || !common_cardno_valid(argv[2])) {
      fprintf(stderr, "centre-admin: card %s: card number: YL and 14 digits with valid "
                      "MOD 97-10 check digits\n", argv[1]);
      return CENTRE_E_INVALID_ARG;
    }
    snprintf(e.card_no, sizeof e.card_no, "%s", argv[2]);
    e.kind = 1; /* EXACT, generation 0 (the first card) unless told */
    for (int i = 3; i < argc; i++) {
      unsigned long g;
      char *end;
      if ((strcmp(argv[i], "--generation") == 0 || strcmp(argv[i], "--below") == 0) &&
          i + 1 < argc) {
        g = strtoul(argv[i + 1], &end, 10);
        if (*end || g > 0xffffffffUL)
          return CENTRE_E_INVALID_ARG;
        e.generation = (uint32_t)g;
        e.kind = strcmp(argv[i], "--below") == 0 ? 2 : 1;
        i++;
      } else if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc) {
        reason = argv[++i];
      } else {
        return CENTRE_E_INVALID_ARG;
      }
    }
    rc = centre_store_card_set_many(st, &e, 1, op, reason, now, &version, &changed);
    /* The card number is the operator's own input; echo only the outcome. */
    if (rc == CENTRE_OK)
      printf("%s; revocation list version %llu\n", changed ? "changed" : "no change (already so)",
             (unsigned long long)version);
    return rc;
  }
  if (argc >= 2 && strcmp(argv[0], "report") == 0 && strcmp(argv[1], "usage") == 0) {
    int from = 0, to = 0;
    if (argc > 4 || (argc >= 3 && parse_month(argv[2], &from) != 0) ||
        (argc >= 4 && parse_month(argv[3], &to) != 0)) {
      fprintf(stderr, "centre-admin: report usage: months are YYYY-MM, from 2000-01 to "
                      "2100-12\n");
      return CENTRE_E_INVALID_ARG;
    }
    if (to && from > to) {
      /* An empty table would read as "nothing happened"; it is a mistyped range. */
      fprintf(stderr, "centre-admin: report usage: FROM is after TO\n");
      return CENTRE_E_INVALID_ARG;
    }
    return centre_store_usage_csv(st, from, to, stdout);
  }
  if (argc >= 2 && strcmp(argv[0], "report") == 0 &&
      (strcmp(argv[1], "bills") == 0 || strcmp(argv[1], "statement") == 0))
    return report_bills(conf, st, argv[1], argc - 2, argv + 2);
  if (argc == 3 && strcmp(argv[0], "report") == 0 && strcmp(argv[1], "verify") == 0)
    return report_verify(conf, st, argv[2]);
  if (argc >= 4 && strcmp(argv[0], "doc") == 0 && strcmp(argv[1], "set") == 0 &&
      (strcmp(argv[2], "config") == 0 || strcmp(argv[2], "trust") == 0)) {
    char *content = read_file(argv[3]);
    if (!content) {
      fprintf(stderr, "centre-admin: %s: unreadable, over %d bytes, or binary\n", argv[3],
              DOC_MAX);
      return CENTRE_E_IO;
    }
    rc = centre_store_doc_put(st, argv[2], content, now, &version);
    free(content);
    if (rc == CENTRE_OK)
      printf("%s version %llu\n", argv[2], (unsigned long long)version);
    return rc;
  }
  usage(stderr);
  return CENTRE_E_INVALID_ARG;
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
  int rc;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return 0;
    }
  if (argc == 4 && strcmp(argv[1], "keygen") == 0)
    return keygen(argv[2], argv[3]);
  if (argc < 4 || strcmp(argv[1], "--config") != 0) {
    usage(stderr);
    return 2;
  }
  rc = centre_conf_load(argv[2], &conf, why, sizeof why);
  if (rc != CENTRE_OK) {
    fprintf(stderr, "centre-admin: %s: %s\n", argv[2], why);
    return 2;
  }
  rc = centre_store_create(conf.db, conf.db_sync_full, &st);
  if (rc != CENTRE_OK) {
    fprintf(stderr, "centre-admin: cannot open %s\n", conf.db);
    return 1;
  }
  rc = run(&conf, st, argc - 3, argv + 3);
  centre_store_destroy(st);
  if (rc == CENTRE_E_INVALID_ARG)
    return 2;
  if (rc != CENTRE_OK) {
    if (rc != CENTRE_E_VERIFY_FAILED) /* report verify said why */
      fprintf(stderr, "centre-admin: %s\n", centre_strerror(rc));
    return 1;
  }
  return 0;
}
