/* centre-admin staff ... (admin_staff.h). */
#include <errno.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_staff.h"
#include "centre_int.h"
#include "common/cli.h"
#include "common/date.h"
#include "proto/roster.h"

/* The PIN: the first line of path (or stdin), digits only; wiped by the caller.
 * -2: path cannot be opened; -1: no line, or one too long. */
static int read_pin(const char *path, char *pin, size_t cap)
{
  FILE *f = path ? fopen(path, "r") : stdin;
  if (!f)
    return -2;
  char line[64];
  int ok = fgets(line, sizeof line, f) != NULL;
  if (path)
    fclose(f);
  if (!ok)
    return -1;
  line[strcspn(line, "\r\n")] = '\0';
  ok = strlen(line) < cap;
  snprintf(pin, cap, "%s", ok ? line : "");
  OPENSSL_cleanse(line, sizeof line);
  return ok ? 0 : -1;
}

/* Rebuild the site's roster document and publish it as the next version. */
static int publish(struct centre_store *st, const char *site, int64_t now)
{
  char *doc = NULL, kind[sizeof CENTRE_ROSTER_KIND_PREFIX + PROTO_ROSTER_SITE_MAX];
  size_t len = 0;
  uint64_t version = 0;
  int rc = centre_roster_document(centre_store_db(st), site, &doc, &len);
  if (rc == CENTRE_OK) {
    snprintf(kind, sizeof kind, CENTRE_ROSTER_KIND_PREFIX "%s", site);
    rc = centre_store_doc_put(st, kind, doc, now, &version);
  }
  free(doc);
  if (rc == CENTRE_OK)
    printf("roster %s version %llu\n", site, (unsigned long long)version);
  return rc;
}

/* A usage error in the programs' convention (docs/cli.md): "centre-admin: staff CMD: what",
 * then "see centre-admin --help"; main exits 2. */
__attribute__((format(printf, 2, 3))) static int usage_err(const char *cmd, const char *fmt, ...)
{
  char what[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  common_cli_usage("centre-admin", "staff %s: %s", cmd, what);
  return CENTRE_E_INVALID_ARG;
}

/* A failure in one line naming what it concerns; main adds nothing and exits 1. */
__attribute__((format(printf, 1, 2))) static int staff_failure(const char *fmt, ...)
{
  va_list ap;
  fputs("centre-admin: staff ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return ADMIN_E_SAID;
}

static int opt_uint(const char *v, unsigned *out)
{
  char *end;
  unsigned long n = strtoul(v, &end, 10);
  if (!*v || *end || v[0] == '-' || n > 100000)
    return -1;
  *out = (unsigned)n;
  return 0;
}

static int staff_add(struct centre_store *st, int argc, char **argv, int64_t now)
{
  struct proto_roster_entry e;
  const char *site = argv[0], *pin_file = NULL;
  memset(&e, 0, sizeof e);
  e.role = PROTO_ROLE_STAFF;
  e.from_day = common_local_day(now, 8 * 3600);
  e.to_day = common_days_from_civil(2099, 12, 31);
  if (strlen(argv[1]) > PROTO_ROSTER_ID_MAX)
    return usage_err("add", "ID: expected 1-31 of A-Z a-z 0-9 . _ -, not shaped like an ID "
                     "number");
  snprintf(e.id, sizeof e.id, "%s", argv[1]);
  for (int i = 2; i < argc; i += 2) {
    const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v)
      return usage_err("add", "%s needs a value", k);
    if (strcmp(k, "--name") == 0) {
      if (strlen(v) > PROTO_ROSTER_NAME_MAX)
        return usage_err("add", "--name: expected 1-64 bytes of printable UTF-8");
      snprintf(e.name, sizeof e.name, "%s", v);
    } else if (strcmp(k, "--role") == 0) {
      e.role = strcmp(v, "staff") == 0        ? PROTO_ROLE_STAFF
               : strcmp(v, "supervisor") == 0 ? PROTO_ROLE_SUPERVISOR
                                              : -1;
      if (e.role < 0)
        return usage_err("add", "--role: expected staff or supervisor");
    } else if (strcmp(k, "--from") == 0 || strcmp(k, "--to") == 0) {
      if (common_date_parse(v, strlen(v), k[2] == 'f' ? &e.from_day : &e.to_day) != 0)
        return usage_err("add", "%s: expected a date YYYY-MM-DD", k);
    } else if (strcmp(k, "--pin-file") == 0) {
      pin_file = v;
    } else {
      return usage_err("add", "unexpected argument '%s' (expected --name, --role, --from, --to, "
                       "--pin-file)", k);
    }
  }
  if (!e.name[0])
    return usage_err("add", "--name NAME is required");
  struct proto_roster_policy pol;
  int rc = centre_roster_policy(centre_store_db(st), site, &pol);
  if (rc != CENTRE_OK)
    return rc == CENTRE_E_INVALID_ARG ? usage_err("add", "SITE: expected a site id") : rc;
  char pin[PROTO_PIN_MAX + 2];
  /* A PIN file that cannot be opened is a failure naming it (exit 1); the PIN itself is
   * the operator's input, kept off the command line and checked like an argument (a
   * usage error, exit 2, as kiosk revoke make's entries). */
  rc = read_pin(pin_file, pin, sizeof pin);
  if (rc == -2)
    return staff_failure("add: --pin-file %s: cannot read it: %s", pin_file, strerror(errno));
  if (rc != 0)
    return usage_err("add", "expected the PIN on the first line of %s",
                     pin_file ? pin_file : "stdin");
  size_t n = strlen(pin), digits = strspn(pin, "0123456789");
  if (n != digits || n < pol.pin_min || n > PROTO_PIN_MAX) {
    OPENSSL_cleanse(pin, sizeof pin);
    return usage_err("add", "the PIN (%s) must be %u to %u digits (site %s's policy)",
                     pin_file ? pin_file : "stdin", pol.pin_min, PROTO_PIN_MAX, site);
  }
  rc = proto_pin_hash(pin, e.pin_hash, sizeof e.pin_hash);
  OPENSSL_cleanse(pin, sizeof pin);
  if (rc != PROTO_OK)
    return CENTRE_E_CRYPTO;
  rc = centre_roster_add(centre_store_db(st), site, &e, now);
  if (rc == CENTRE_E_INVALID_ARG)
    return usage_err("add", "a field is malformed (expected ID a token not shaped like an ID "
                     "number, --name printable UTF-8, --from not after --to)");
  if (rc == CENTRE_E_EXISTS)
    return staff_failure("add: %s is active at %s already (disable it first)", e.id, site);
  if (rc != CENTRE_OK)
    return rc;
  printf("staff %s added at %s\n", e.id, site);
  return publish(st, site, now);
}

static int staff_policy(struct centre_store *st, int argc, char **argv, int64_t now)
{
  const char *site = argv[0];
  struct proto_roster_policy p;
  int rc = centre_roster_policy(centre_store_db(st), site, &p);
  if (rc != CENTRE_OK)
    return rc == CENTRE_E_INVALID_ARG ? usage_err("policy", "SITE: expected a site id") : rc;
  for (int i = 1; i < argc; i += 2) {
    const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    unsigned *dst = strcmp(k, "--pin-min") == 0        ? &p.pin_min
                    : strcmp(k, "--failures") == 0     ? &p.failures
                    : strcmp(k, "--lock-minutes") == 0 ? &p.lock_minutes
                    : strcmp(k, "--idle-minutes") == 0 ? &p.idle_minutes
                                                       : NULL;
    if (!dst || !v || opt_uint(v, dst) != 0)
      return usage_err("policy", "%s: expected --pin-min N, --failures N, --lock-minutes N or "
                       "--idle-minutes N", k);
  }
  rc = centre_roster_set_policy(centre_store_db(st), site, &p);
  if (rc == CENTRE_E_INVALID_ARG)
    return usage_err("policy", "expected --pin-min 6..16, --failures 1..20, --lock-minutes "
                     "1..1440, --idle-minutes 1..720");
  if (rc != CENTRE_OK)
    return rc;
  return publish(st, site, now);
}

int centre_admin_staff(struct centre_store *st, int argc, char **argv, int64_t now)
{
  int rc = centre_roster_schema(centre_store_db(st));
  if (rc != CENTRE_OK)
    return rc;
  if (argc >= 3 && strcmp(argv[0], "add") == 0)
    return staff_add(st, argc - 1, argv + 1, now);
  if (argc == 3 && strcmp(argv[0], "disable") == 0) {
    rc = centre_roster_disable(centre_store_db(st), argv[1], argv[2], now);
    if (rc == CENTRE_E_INVALID_ARG)
      return usage_err("disable", "expected SITE ID (a site id, a staff id)");
    if (rc == CENTRE_E_NOT_FOUND)
      return staff_failure("disable: no active staff %s at %s", argv[2], argv[1]);
    if (rc != CENTRE_OK)
      return rc;
    printf("staff %s disabled at %s\n", argv[2], argv[1]);
    return publish(st, argv[1], now);
  }
  if ((argc == 1 || argc == 2) && strcmp(argv[0], "list") == 0) {
    rc = centre_roster_list_csv(centre_store_db(st), argc == 2 ? argv[1] : NULL, stdout);
    return rc == CENTRE_E_INVALID_ARG ? usage_err("list", "SITE: expected a site id") : rc;
  }
  if (argc >= 2 && strcmp(argv[0], "policy") == 0)
    return staff_policy(st, argc - 1, argv + 1, now);
  if (argc < 1) {
    common_cli_usage("centre-admin", "staff: expected add, disable, list or policy");
    return CENTRE_E_INVALID_ARG;
  }
  return usage_err(argv[0], "expected add SITE ID --name NAME ..., disable SITE ID, "
                   "list [SITE] or policy SITE ...");
}
