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
 * DATE is YYYY-MM-DD (00:00 UTC). Exit status 0 on success, 1 on failure, 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cardio/crypto.h"
#include "pki.h"

static int usage(void)
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
        "DATE is YYYY-MM-DD. Defaults: root 7300 days, issuer 1825, terminal and server 730.\n",
        stderr);
  return 2;
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

/* Options after the positional arguments. */
static int parse_opts(int argc, char **argv, int first, struct opts *o)
{
  for (int i = first; i < argc; i++) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v)
      return -1;
    if (strcmp(argv[i], "--suite") == 0)
      o->suite = v;
    else if (strcmp(argv[i], "--cn") == 0)
      o->cn = v;
    else if (strcmp(argv[i], "--not-before") == 0)
      o->not_before = v;
    else if (strcmp(argv[i], "--since") == 0)
      o->since = v;
    else if (strcmp(argv[i], "--days") == 0) {
      char *end;
      o->days = strtol(v, &end, 10);
      if (*end || o->days <= 0 || o->days > 36500)
        return -1;
    } else
      return -1;
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

int main(int argc, char **argv)
{
  struct opts o = {NULL, NULL, NULL, NULL, 0};
  struct yhpki_validity v;
  const char *cmd, *dir;
  int rc;

  if (argc < 3)
    return usage();
  cmd = argv[1];
  dir = argv[2];
  if (strcmp(cmd, "init-root") == 0) {
    enum cardio_suite s;
    if (parse_opts(argc, argv, 3, &o) || validity(&o, 7300, &v))
      return usage();
    s = o.suite ? cardio_suite_parse(o.suite) : CARDIO_SUITE_P256;
    if (s == CARDIO_SUITE_NONE)
      return usage();
    rc = yhpki_init_root(dir, o.cn, s, &v);
  } else if (strcmp(cmd, "new-issuer") == 0) {
    enum cardio_suite s;
    if (argc < 5 || parse_opts(argc, argv, 5, &o) || validity(&o, 1825, &v))
      return usage();
    s = cardio_suite_parse(argv[4]);
    if (s == CARDIO_SUITE_NONE)
      return usage();
    rc = yhpki_new_issuer(dir, argv[3], s, &v);
  } else if (strcmp(cmd, "new-issuer-token") == 0) {
    const char *pin = getenv("YHPKI_TOKEN_PIN");
    if (argc < 6 || parse_opts(argc, argv, 6, &o) || validity(&o, 1825, &v))
      return usage();
    if (!pin || !*pin) {
      fprintf(stderr, "yhpki: set YHPKI_TOKEN_PIN to the token's user PIN\n");
      return 2;
    }
    rc = yhpki_new_issuer_token(dir, argv[3], argv[4], argv[5], pin, &v);
  } else if (strcmp(cmd, "retire-issuer") == 0) {
    uint32_t since = 0;
    if (argc < 4 || parse_opts(argc, argv, 4, &o) || (o.since && parse_date(o.since, &since)))
      return usage();
    rc = yhpki_retire_issuer(dir, argv[3], since);
  } else if (strcmp(cmd, "new-terminal") == 0) {
    if (argc < 4 || parse_opts(argc, argv, 4, &o) || validity(&o, 730, &v))
      return usage();
    rc = yhpki_new_terminal(dir, argv[3], &v);
  } else if (strcmp(cmd, "new-server") == 0) {
    if (argc < 4 || parse_opts(argc, argv, 4, &o) || validity(&o, 730, &v))
      return usage();
    rc = yhpki_new_server(dir, argv[3], &v);
  } else if (strcmp(cmd, "list") == 0) {
    if (argc != 3)
      return usage();
    rc = yhpki_list(dir, stdout);
  } else if (strcmp(cmd, "test-pki") == 0) {
    if (argc != 3)
      return usage();
    rc = yhpki_test_pki(dir, (int64_t)time(NULL));
  } else {
    return usage();
  }
  if (rc != CARDIO_OK) {
    fprintf(stderr, "yhpki %s: %s\n", cmd, cardio_strerror(rc));
    return 1;
  }
  return 0;
}
