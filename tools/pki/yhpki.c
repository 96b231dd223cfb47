/*
 * yhpki: make and look after the honour card PKI (see pki.h for the directory layout).
 *
 *   yhpki init-root DIR [--suite p256|sm2] [--cn NAME] [--days N] [--not-before DATE]
 *   yhpki new-issuer DIR NAME p256|sm2 [--days N] [--not-before DATE]
 *   yhpki new-issuer-token DIR NAME MODULE TOKEN [--days N] [--not-before DATE]
 *         (P-256 key generated inside the PKCS#11 token; PIN from $YHPKI_TOKEN_PIN)
 *   yhpki retire-issuer DIR NAME|KEYID [--since DATE]
 *   yhpki new-terminal DIR ID [--days N] [--not-before DATE]
 *   yhpki new-server DIR NAME [--days N] [--not-before DATE]
 *   yhpki list DIR
 *   yhpki test-pki DIR
 *
 * DATE is YYYY-MM-DD (00:00 UTC). Every create command says on stdout what it wrote (the
 * files, their modes, key ids). Exit status (docs/cli.md): 0 done, 1 failed (one line
 * naming the file), 2 usage error.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cardio/crypto.h"
#include "common/cli.h"
#include "pki.h"
#include "yh_version.h"

static void help(void)
{
  fputs("usage:\n"
        "  yhpki init-root DIR [--suite p256|sm2] [--cn NAME] [--days N] [--not-before DATE]\n"
        "  yhpki new-issuer DIR NAME p256|sm2 [--days N] [--not-before DATE]\n"
        "  yhpki new-issuer-token DIR NAME MODULE TOKEN [--days N] [--not-before DATE]\n"
        "        the issuer key inside a PKCS#11 token (P-256; PIN from $YHPKI_TOKEN_PIN)\n"
        "  yhpki retire-issuer DIR NAME|KEYID [--since DATE]\n"
        "  yhpki new-terminal DIR ID [--days N] [--not-before DATE]\n"
        "  yhpki new-server DIR NAME [--days N] [--not-before DATE]\n"
        "  yhpki list DIR\n"
        "  yhpki test-pki DIR\n"
        "DATE is YYYY-MM-DD. Defaults: root 7300 days, issuer 1825, terminal and server 730.\n"
        "Each create command prints the files it wrote, their modes and key ids; nothing\n"
        "existing is ever overwritten.\n"
        "  -h, --help   this text;  --version   the version\n"
        "Exit status: 0 done, 1 failed, 2 usage error (docs/cli.md).\n",
        stdout);
}

/* "yhpki CMD: MESSAGE" + "see yhpki --help", exit status 2. */
__attribute__((format(printf, 2, 3))) static int usage(const char *cmd, const char *fmt, ...)
{
  char msg[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (cmd)
    return common_cli_usage("yhpki", "%s: %s", cmd, msg);
  return common_cli_usage("yhpki", "%s", msg);
}

/* One line per file written: its path, its mode as on disk, what it is. */
static void wrote(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wrote(const char *what, const char *fmt, ...)
{
  char path[4200];
  struct stat st;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(path, sizeof path, fmt, ap);
  va_end(ap);
  if (stat(path, &st) == 0)
    printf("wrote %s (mode %04o): %s\n", path, (unsigned)(st.st_mode & 07777), what);
  else
    printf("wrote %s: %s\n", path, what);
}

/* The key id of the certificate DIR/trust/issuers/NAME.pem (NAME NULL: DIR/root.pem). */
static void key_id_line(const char *what, const char *dir, const char *name)
{
  char path[4200], hex[2 * CARDIO_KEYID_LEN + 1];
  if (name)
    snprintf(path, sizeof path, "%s/trust/issuers/%s.pem", dir, name);
  else
    snprintf(path, sizeof path, "%s/root.pem", dir);
  if (yhpki_cert_key_id(path, hex) == CARDIO_OK)
    printf("%s key id %s\n", what, hex);
}

static int parse_date(const char *s, uint32_t *out)
{
  unsigned y, m, d;
  int n = 0;
  if (sscanf(s, "%4u-%2u-%2u%n", &y, &m, &d, &n) != 3 || s[n] != '\0')
    return -1;
  *out = y * 10000 + m * 100 + d;
  return cardio_date_valid(*out) ? 0 : -1;
}

static int64_t date_to_unix(uint32_t d)
{
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  tm.tm_year = (int)(d / 10000) - 1900;
  tm.tm_mon = (int)(d / 100 % 100) - 1;
  tm.tm_mday = (int)(d % 100);
  return (int64_t)timegm(&tm);
}

struct opts {
  const char *suite, *cn, *not_before, *since;
  long days;
};

/* Options after the positional arguments: a usage error names the one that is wrong. */
static int parse_opts(const char *cmd, int argc, char **argv, int first, struct opts *o)
{
  for (int i = first; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    int known = strcmp(argv[i], "--suite") == 0 || strcmp(argv[i], "--cn") == 0 ||
                strcmp(argv[i], "--not-before") == 0 || strcmp(argv[i], "--since") == 0 ||
                strcmp(argv[i], "--days") == 0;
    if (!known)
      return usage(cmd, "unexpected argument '%s'", argv[i]);
    if (!v)
      return usage(cmd, "%s needs a value", argv[i]);
    if (strcmp(argv[i], "--suite") == 0)
      o->suite = v;
    else if (strcmp(argv[i], "--cn") == 0)
      o->cn = v;
    else if (strcmp(argv[i], "--not-before") == 0)
      o->not_before = v;
    else if (strcmp(argv[i], "--since") == 0)
      o->since = v;
    else {
      char *end;
      o->days = strtol(v, &end, 10);
      if (*end || o->days <= 0 || o->days > 36500)
        return usage(cmd, "--days: expected a number from 1 to 36500");
    }
    i++;
  }
  return 0;
}

static int validity(const struct opts *o, long default_days, struct yhpki_validity *v)
{
  uint32_t d;
  v->days = (uint32_t)(o->days ? o->days : default_days);
  v->not_before = 0;
  if (o->not_before) {
    if (parse_date(o->not_before, &d) != 0)
      return -1;
    v->not_before = date_to_unix(d);
  }
  return 0;
}

/* What each create command wrote, after it succeeded (pki.h has the layout). */
static void report(const char *cmd, const char *dir, int argc, char **argv)
{
  if (strcmp(cmd, "init-root") == 0) {
    wrote("root certificate", "%s/root.pem", dir);
    wrote("the root again, for terminals' trust stores", "%s/trust/roots/root.pem", dir);
    wrote("the root again, the TLS trust anchor", "%s/tls/ca.pem", dir);
    wrote("private keys' directory", "%s/private", dir);
    wrote("root private key", "%s/private/root.key.pem", dir);
    wrote("transport master key of the blank card stock", "%s/private/transport.key", dir);
    wrote("retired issuer list (empty)", "%s/trust/retired.txt", dir);
    key_id_line("root", dir, NULL);
  } else if (strcmp(cmd, "new-issuer") == 0) {
    wrote("issuer private key", "%s/private/issuer-%s.key.pem", dir, argv[3]);
    wrote("issuer certificate", "%s/trust/issuers/%s.pem", dir, argv[3]);
    key_id_line("issuer", dir, argv[3]);
  } else if (strcmp(cmd, "new-issuer-token") == 0) {
    wrote("issuer certificate (its private key stays in the token)", "%s/trust/issuers/%s.pem",
          dir, argv[3]);
    printf("token %s object issuer-%s: the P-256 private key (not extractable)\n", argv[5],
           argv[3]);
    key_id_line("issuer", dir, argv[3]);
  } else if (strcmp(cmd, "retire-issuer") == 0) {
    wrote("retired issuer list (one line added)", "%s/trust/retired.txt", dir);
  } else if (strcmp(cmd, "new-terminal") == 0) {
    wrote("terminal TLS client certificate", "%s/tls/terminal-%s.pem", dir, argv[3]);
    wrote("terminal TLS private key", "%s/tls/terminal-%s.key.pem", dir, argv[3]);
  } else if (strcmp(cmd, "new-server") == 0) {
    wrote("centre TLS server certificate", "%s/tls/server-%s.pem", dir, argv[3]);
    wrote("centre TLS private key", "%s/tls/server-%s.key.pem", dir, argv[3]);
  } else if (strcmp(cmd, "test-pki") == 0) {
    printf("wrote a test PKI in %s (yhpki list %s describes it)\n", dir, dir);
  }
  (void)argc;
}

int main(int argc, char **argv)
{
  struct opts o = {NULL, NULL, NULL, NULL, 0};
  struct yhpki_validity v;
  const char *cmd, *dir;
  unsigned said;
  int rc;

  for (int i = 1; i < argc; i++) {
    if (common_cli_is_help(argv[i])) {
      help();
      return 0;
    }
    if (common_cli_is_version(argv[i]))
      return common_cli_version(stdout, "yhpki", YH_VERSION, YH_VERSION_GIT);
  }
  if (argc < 2)
    return usage(NULL, "a command is expected (init-root, new-issuer, new-issuer-token, "
                       "retire-issuer, new-terminal, new-server, list, test-pki)");
  cmd = argv[1];
  if (strcmp(cmd, "init-root") && strcmp(cmd, "new-issuer") && strcmp(cmd, "new-issuer-token") &&
      strcmp(cmd, "retire-issuer") && strcmp(cmd, "new-terminal") && strcmp(cmd, "new-server") &&
      strcmp(cmd, "list") && strcmp(cmd, "test-pki"))
    return usage(NULL, "unknown command '%s' (expected init-root, new-issuer, "
                       "new-issuer-token, retire-issuer, new-terminal, new-server, list or "
                       "test-pki)", cmd);
  if (argc < 3)
    return usage(cmd, "DIR (the PKI's directory) is expected");
  dir = argv[2];
  said = yhpki_said();
  if (strcmp(cmd, "init-root") == 0) {
    enum cardio_suite s;
    if ((rc = parse_opts(cmd, argc, argv, 3, &o)) != 0)
      return rc;
    if (validity(&o, 7300, &v))
      return usage(cmd, "--not-before: expected a date as YYYY-MM-DD");
    s = o.suite ? cardio_suite_parse(o.suite) : CARDIO_SUITE_P256;
    if (s == CARDIO_SUITE_NONE)
      return usage(cmd, "--suite: expected p256 or sm2");
    rc = yhpki_init_root(dir, o.cn, s, &v);
  } else if (strcmp(cmd, "new-issuer") == 0) {
    enum cardio_suite s;
    if (argc < 5)
      return usage(cmd, "expected DIR NAME p256|sm2");
    if ((rc = parse_opts(cmd, argc, argv, 5, &o)) != 0)
      return rc;
    if (validity(&o, 1825, &v))
      return usage(cmd, "--not-before: expected a date as YYYY-MM-DD");
    s = cardio_suite_parse(argv[4]);
    if (s == CARDIO_SUITE_NONE)
      return usage(cmd, "the suite: expected p256 or sm2");
    rc = yhpki_new_issuer(dir, argv[3], s, &v);
  } else if (strcmp(cmd, "new-issuer-token") == 0) {
    const char *pin = getenv("YHPKI_TOKEN_PIN");
    if (argc < 6)
      return usage(cmd, "expected DIR NAME MODULE TOKEN");
    if ((rc = parse_opts(cmd, argc, argv, 6, &o)) != 0)
      return rc;
    if (validity(&o, 1825, &v))
      return usage(cmd, "--not-before: expected a date as YYYY-MM-DD");
    if (!pin || !*pin)
      return usage(cmd, "set YHPKI_TOKEN_PIN to the token's user PIN");
    rc = yhpki_new_issuer_token(dir, argv[3], argv[4], argv[5], pin, &v);
  } else if (strcmp(cmd, "retire-issuer") == 0) {
    uint32_t since = 0;
    if (argc < 4)
      return usage(cmd, "expected DIR NAME|KEYID");
    if ((rc = parse_opts(cmd, argc, argv, 4, &o)) != 0)
      return rc;
    if (o.since && parse_date(o.since, &since))
      return usage(cmd, "--since: expected a date as YYYY-MM-DD");
    rc = yhpki_retire_issuer(dir, argv[3], since);
  } else if (strcmp(cmd, "new-terminal") == 0 || strcmp(cmd, "new-server") == 0) {
    int terminal = strcmp(cmd, "new-terminal") == 0;
    if (argc < 4)
      return usage(cmd, terminal ? "expected DIR ID" : "expected DIR NAME");
    if ((rc = parse_opts(cmd, argc, argv, 4, &o)) != 0)
      return rc;
    if (validity(&o, 730, &v))
      return usage(cmd, "--not-before: expected a date as YYYY-MM-DD");
    rc = terminal ? yhpki_new_terminal(dir, argv[3], &v) : yhpki_new_server(dir, argv[3], &v);
  } else if (strcmp(cmd, "list") == 0) {
    if (argc != 3)
      return usage(cmd, "expected DIR only");
    rc = yhpki_list(dir, stdout);
  } else {
    if (argc != 3)
      return usage(cmd, "expected DIR only");
    rc = yhpki_test_pki(dir, (int64_t)time(NULL));
  }
  if (rc != CARDIO_OK) {
    /* The library names the file and the cause; add a line only when it said nothing. */
    if (yhpki_said() == said)
      fprintf(stderr, "yhpki: %s %s: %s\n", cmd, dir, cardio_strerror(rc));
    return 1;
  }
  report(cmd, dir, argc, argv);
  return 0;
}
