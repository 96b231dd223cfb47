/* `kiosk config check|defaults`: validate the terminal configuration, print the
 * embedded defaults. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cardio/crypto.h>
#include <common/date.h>

#include "actuator.h"
#include "docs_apply.h"
#include "cmd.h"
#include "his.h"
#include "kiosk/terminal.h"

static const char help_config[] =
    "usage: kiosk config check [--config FILE]\n"
    "       kiosk config defaults\n"
    "\n"
    "check     read and validate the terminal configuration (FILE, else the embedded\n"
    "          defaults) and the site registry it names, then what the terminal will\n"
    "          need when it runs: [sync] ca, cert and key readable, the key 0600/0400,\n"
    "          certificate and key matching, CN = terminal_id, chained to the CA; a trust\n"
    "          store with an issuer; the journal's directory writable; no quotes around\n"
    "          reader names; the scheme's window in force (a warning within 30 days of\n"
    "          its end); a cashier's fee; the revocation list; the reader(s) connected now\n"
    "          (a warning when pcscd is not running); the gate's actuator (serial device a\n"
    "          terminal, GPIO chip and line there, hook executable). Each problem is printed as\n"
    "          FILE: error|warning: [section] key: problem. Exit status 1 on any error\n"
    "          (a syntax error: file:line: problem), 0 otherwise, warnings included.\n"
    "defaults  print the embedded default configuration.\n";

/* ------------------------------------------------------ installation checks -- */

/* What `config check` found beyond the parser: errors make the exit status 1, warnings
 * are printed. Every line names the file and the key, so the installer knows what to
 * edit. Never prints a key's bytes or a certificate's contents beyond its CN. */
struct findings {
  const char *file;
  unsigned errors, warnings;
};

static void finding(struct findings *f, int error, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void finding(struct findings *f, int error, const char *key, const char *fmt, ...)
{
  char msg[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fprintf(error ? stderr : stdout, "%s: %s: %s: %s\n", f->file, error ? "error" : "warning", key,
          msg);
  if (error)
    f->errors++;
  else
    f->warnings++;
}

/* A cashier waives the hospital's tariff (issue 12): the centre's document kept beside the
 * journal. None yet is a warning (the first sync brings it); a damaged one or another
 * site's stops `kiosk run`, so it is an error here too. */
static void check_tariff(struct findings *f, const struct kiosk_config *c, int32_t today)
{
  char path[KIOSK_PATH_MAX + 16], msg[600];
  snprintf(path, sizeof path, "%s.tariff", c->journal_path);
  if (c->consultation_fee_fen > 0)
    finding(f, 0, "[terminal] consultation_fee_fen",
            "no longer used: the fee waived is the hospital's tariff from the centre");
  struct kiosk_tariff *t = NULL;
  struct kiosk_diag d;
  memset(&d, 0, sizeof d);
  if (kiosk_tariff_create(&t) != KIOSK_OK)
    return;
  int rc = kiosk_tariff_load_file(t, path, c->site_id, &d);
  int64_t fee;
  if (rc == KIOSK_E_NOT_FOUND)
    finding(f, 0, "[paths] journal", "no tariff yet (%s): every waiver is refused "
                                     "(TARIFF_MISSING) until the centre's tariff arrives", path);
  else if (rc != KIOSK_OK)
    finding(f, 1, "[paths] journal", "the tariff %s (kiosk run will not start)",
            kiosk_diag_format(&d, msg, sizeof msg));
  else if (kiosk_tariff_fee(t, KIOSK_VISIT_OUTPATIENT, today, &fee, NULL) != KIOSK_OK &&
           kiosk_tariff_fee(t, KIOSK_VISIT_INPATIENT, today, &fee, NULL) != KIOSK_OK)
    finding(f, 0, "[paths] journal", "the tariff %s has no outpatient or inpatient fee today",
            path);
  else if (fee > c->policy.cashier_max_fen)
    finding(f, 1, "[policy] cashier_max_fen", "below the tariff's fee: every waiver is refused");
  kiosk_tariff_destroy(t);
}

/* A bus whose vehicle (or route) the registry does not hold (issue 13): kiosk run starts
 * and refuses cards until the centre's registry holds it, so a warning when [sync] can
 * bring it and an error when nothing can. The registry kiosk run would use is the
 * centre's stored one when there is one (docs_apply.c), else the file's. */
static void check_bus_registry(struct findings *f, const struct kiosk_config *c)
{
  struct term_docs *docs = NULL;
  char why[800], line[300];
  const struct kiosk_config *in_force = c;
  if (term_docs_open(c, &docs, why, sizeof why) != 0)
    finding(f, 1, "[paths] journal", "%s (kiosk run will not start)", why);
  else
    in_force = term_docs_config(docs);
  if (term_docs_wait_text(in_force, term_docs_in_force("registry"), line, sizeof line))
    finding(f, !c->sync.enabled, in_force->registry_wait == KIOSK_REGWAIT_ROUTE
                                     ? "[terminal] route" : "[terminal] vehicle",
            "%s%s", line,
            c->sync.enabled ? ": every card is refused (REGISTRY_WAIT) until then"
                            : "; without [sync] it never comes");
  else if (in_force->route_from_registry)
    printf("  route %s: the registry's for vehicle %s\n", in_force->route, in_force->vehicle);
  term_docs_close(docs);
}

/* A file the terminal reads: there, a regular file, readable by us. */
static int check_readable(struct findings *f, const char *key, const char *path)
{
  struct stat st;
  if (stat(path, &st) != 0) {
    finding(f, 1, key, "'%s': %s", path, strerror(errno));
    return 0;
  }
  if (!S_ISREG(st.st_mode) || access(path, R_OK) != 0) {
    finding(f, 1, key, "'%s': not a readable file", path);
    return 0;
  }
  return 1;
}

static X509 *read_cert(const char *path)
{
  FILE *fp = fopen(path, "r");
  if (!fp)
    return NULL;
  X509 *x = PEM_read_X509(fp, NULL, NULL, NULL);
  fclose(fp);
  return x;
}

/* [sync]: the CA, the terminal's certificate and key: present, private, matching, for
 * this terminal, issued under the CA. */
static void check_sync(struct findings *f, const struct kiosk_config *c)
{
  const struct kiosk_sync_config *y = &c->sync;
  int ca_ok = check_readable(f, "[sync] ca", y->ca_file);
  int cert_ok = check_readable(f, "[sync] cert", y->cert_file);
  int key_ok = check_readable(f, "[sync] key", y->key_file);
  struct stat st;
  if (key_ok && stat(y->key_file, &st) == 0 && (st.st_mode & 077))
    finding(f, 1, "[sync] key", "'%s' has mode %03o: a private key must be 0600 or 0400 "
                                "(chmod 600)", y->key_file, (unsigned)(st.st_mode & 0777));
  if (access(y->signer_file, R_OK) != 0)
    finding(f, 0, "[sync] signer", "'%s': %s (revocation lists cannot be checked until it is "
                                   "there)", y->signer_file, strerror(errno));
  X509 *cert = cert_ok ? read_cert(y->cert_file) : NULL;
  if (cert_ok && !cert)
    finding(f, 1, "[sync] cert", "'%s' is not a PEM certificate", y->cert_file);
  if (cert) {
    char cn[256] = "";
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
    if (strcmp(cn, c->terminal_id) != 0)
      finding(f, 1, "[sync] cert", "its CN is '%.64s', not the terminal id '%s' (the centre "
                                   "knows a terminal by its certificate's CN)", cn,
              c->terminal_id);
    if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0)
      finding(f, 1, "[sync] cert", "'%s' has expired", y->cert_file);
  }
  if (cert && key_ok) {
    FILE *fp = fopen(y->key_file, "r");
    EVP_PKEY *k = fp ? PEM_read_PrivateKey(fp, NULL, NULL, NULL) : NULL;
    if (fp)
      fclose(fp);
    if (!k)
      finding(f, 1, "[sync] key", "'%s' is not a PEM private key", y->key_file);
    else if (X509_check_private_key(cert, k) != 1)
      finding(f, 1, "[sync] key", "'%s' does not belong to the certificate '%s'", y->key_file,
              y->cert_file);
    EVP_PKEY_free(k);
  }
  if (cert && ca_ok) {
    X509_STORE *store = X509_STORE_new();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    int ok = store && ctx && X509_STORE_load_file(store, y->ca_file) == 1 &&
             X509_STORE_CTX_init(ctx, store, cert, NULL) == 1;
    if (!ok)
      finding(f, 1, "[sync] ca", "'%s' holds no PEM certificate", y->ca_file);
    else if (X509_verify_cert(ctx) != 1)
      finding(f, 1, "[sync] cert", "'%s' does not chain to the CA '%s': %s", y->cert_file,
              y->ca_file, X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
  }
  X509_free(cert);
}

/* The readers, now: missing is an error naming what is there (the installer copies the
 * name from `kiosk readers`); pcscd not running is only a warning, since the check may run
 * before the reader is plugged in or pcscd is socket-activated. */
static void check_readers(struct findings *f, const struct kiosk_config *c)
{
  static const char *const keys[] = {"[terminal] reader", "[terminal] ssc_reader"};
  const char *names[] = {c->reader, c->ssc_reader};
  for (size_t i = 0; i < 2; i++) {
    if (!names[i][0] || term_reader_quoted(names[i]) ||
        (i == 1 && strcmp(names[1], names[0]) == 0))
      continue;
    char present[1024];
    int r = term_readers_find(names[i], present, sizeof present);
    if (r < 0) {
      finding(f, 0, keys[i], "pcscd is not running: cannot check that \"%s\" is connected "
                             "(systemctl start pcscd.socket; then kiosk readers)", names[i]);
      return;
    }
    if (r == 0)
      finding(f, 1, keys[i], "\"%s\" is not connected; connected now: %s (kiosk readers "
                             "shows each with the card in it)", names[i], present);
  }
}

static void actuator_report(void *user, int error, const char *key, const char *text)
{
  finding(user, error, key, "%s", text);
}

static void check_install(struct findings *f, const struct kiosk_config *c, int64_t now)
{
  /* reader names are taken literally: quotes would be part of the name */
  if (term_reader_quoted(c->reader))
    finding(f, 1, "[terminal] reader", "the name is in quotes; write it without them "
                                       "(reader = %s): values are taken as written", "NAME");
  if (term_reader_quoted(c->ssc_reader))
    finding(f, 1, "[terminal] ssc_reader", "the name is in quotes; write it without them");
  /* the scheme's window */
  int32_t today = common_local_day(now, c->policy.utc_offset_s);
  if (today >= c->policy.end_day)
    finding(f, 1, "[policy] policy_end", "the scheme's window has ended: every card would be "
                                         "refused (POLICY_ENDED); set the renewed window");
  else if (c->policy.end_day - today <= 30)
    finding(f, 0, "[policy] policy_end", "the scheme's window ends in %d day(s)",
            (int)(c->policy.end_day - today));
  if (today < c->policy.start_day)
    finding(f, 0, "[policy] policy_start", "the scheme is not in force yet: every card would be "
                                           "refused (POLICY_NOT_STARTED) until then");
  if (c->mode == KIOSK_MODE_CASHIER)
    check_tariff(f, c, today);
  if (c->mode == KIOSK_MODE_BUS)
    check_bus_registry(f, c);
  /* the journal: its directory must take new files (the database, its WAL, the head) */
  char jdir[KIOSK_PATH_MAX];
  snprintf(jdir, sizeof jdir, "%s", c->journal_path);
  char *slash = strrchr(jdir, '/');
  if (slash)
    *(slash == jdir ? slash + 1 : slash) = '\0';
  else
    snprintf(jdir, sizeof jdir, ".");
  struct stat st;
  if (stat(jdir, &st) != 0 || !S_ISDIR(st.st_mode))
    finding(f, 1, "[paths] journal", "directory '%s' does not exist", jdir);
  else if (access(jdir, W_OK | X_OK) != 0)
    finding(f, 1, "[paths] journal", "directory '%s' is not writable by this user", jdir);
  else if (access(c->journal_path, F_OK) == 0 && access(c->journal_path, R_OK | W_OK) != 0)
    finding(f, 1, "[paths] journal", "'%s' is not writable by this user", c->journal_path);
  /* the trust store: at least one issuer that chains to a root */
  struct cardio_trust *trust = NULL;
  if (cardio_trust_load(c->trust_dir, &trust) != CARDIO_OK)
    finding(f, 1, "[paths] trust_store", "'%s' cannot be loaded (roots/ and issuers/ with PEM "
                                         "certificates)", c->trust_dir);
  else if (cardio_trust_issuer_count(trust) == 0)
    finding(f, 1, "[paths] trust_store", "'%s' holds no issuer certificate that chains to a "
                                         "root: no card can be verified", c->trust_dir);
  cardio_trust_destroy(trust);
  if (access(c->revocation_path, R_OK) != 0)
    finding(f, c->policy.never == KIOSK_STALE_DENY ? 1 : 0, "[paths] revocation",
            "'%s': no revocation list yet (revocation_never: the terminal %s); make one with "
            "`kiosk revoke make` or let it sync", c->revocation_path,
            c->policy.never == KIOSK_STALE_DENY ? "denies every card" : "asks staff or warns");
  if (c->sync.enabled)
    check_sync(f, c);
  if (!getenv("YH_CONFIG_CHECK_NO_READERS")) /* tests of other items: no pcscd question */
    check_readers(f, c);
  term_actuator_check(&c->gate, actuator_report, f);
  /* the HIS API (docs/his-api.md): what kiosk run would refuse to start on */
  if (c->his_listen[0]) {
    char why[600], tok[TERM_HIS_BEARER_MAX + 1];
    if (term_his_listen_check(c->his_listen, why, sizeof why) != 0)
      finding(f, 1, "[terminal] his_listen", "%s", why + strlen("his_listen: "));
    if (term_his_token_read(c->his_token_file, tok, sizeof tok, why, sizeof why) != 0)
      finding(f, 1, "[terminal] his_token_file", "%s", why);
    OPENSSL_cleanse(tok, sizeof tok);
  }
}

int term_cmd_config(struct term_args *a)
{
  const char *sub = NULL, *cfgpath = NULL;
  for (; a->i < a->argc; a->i++) {
    const char *v;
    if (term_arg_is_help(a)) {
      fputs(help_config, stdout);
      return 0;
    } else if ((v = term_arg_value(a, "--config"))) {
      cfgpath = v;
    } else if (!sub) {
      sub = term_arg(a);
    } else {
      term_usage_error(a);
    }
  }
  if (sub && strcmp(sub, "defaults") == 0) {
    fputs(kiosk_config_defaults(), stdout);
    return 0;
  }
  if (!sub || strcmp(sub, "check") != 0)
    term_usage(a, "expected check or defaults%s%s%s", sub ? ", got '" : "", sub ? sub : "",
               sub ? "'" : "");
  struct kiosk_config c;
  term_load_config(cfgpath, 0, &c);
  struct findings f = {c.source, 0, 0};
  const char *fake_now = getenv("YH_CONFIG_CHECK_NOW"); /* tests: a fixed "today" */
  check_install(&f, &c, fake_now ? strtoll(fake_now, NULL, 10) : (int64_t)time(NULL));
  char d1[COMMON_DATE_LEN + 1], d2[COMMON_DATE_LEN + 1];
  common_date_format(c.policy.start_day, d1);
  common_date_format(c.policy.end_day, d2);
  if (f.errors)
    printf("configuration has %u error(s) and %u warning(s): %s\n", f.errors, f.warnings,
           c.source);
  else
    printf("configuration ok%s: %s\n", f.warnings ? " (with warnings)" : "", c.source);
  printf("  site %s, mode %s, terminal %s%s%s\n", c.site_id, kiosk_mode_name(c.mode),
         c.terminal_id, c.vehicle[0] ? ", vehicle " : "", c.vehicle);
  printf("  reader \"%s\"\n", c.reader);
  if (c.gate.actuator == KIOSK_ACTUATOR_SERIAL)
    printf("  gate: serial relay %s at %u baud, pulse %u ms\n", c.gate.serial_device,
           c.gate.serial_baud, c.gate.pulse_ms);
  else if (c.gate.actuator == KIOSK_ACTUATOR_GPIO)
    printf("  gate: GPIO %s line %u%s, pulse %u ms\n", c.gate.gpio_chip, c.gate.gpio_line,
           c.gate.gpio_active_low ? " active low" : "", c.gate.pulse_ms);
  else if (c.gate.actuator == KIOSK_ACTUATOR_HOOK)
    printf("  gate: hook %s (killed after %u ms)\n", c.gate.hook, c.gate.hook_timeout_ms);
  printf("  sites %s\n  trust store %s\n  journal %s\n  revocation list %s\n", c.sites_path,
         c.trust_dir, c.journal_path, c.revocation_path);
  printf("  scheme in force from %s to the day before %s (UTC%+d:%02d)\n", d1, d2,
         c.policy.utc_offset_s / 3600, abs(c.policy.utc_offset_s / 60) % 60);
  printf("  gate repeat %u min, bus repeat %u min, revocation list max age %u h (%s)\n",
         c.policy.gate_repeat_s / 60, c.policy.bus_repeat_s / 60,
         c.policy.revlist_max_age_s / 3600,
         c.policy.stale == KIOSK_STALE_DENY ? "deny" : c.policy.stale == KIOSK_STALE_STAFF ? "staff" : "warn");
  if (c.mode == KIOSK_MODE_CASHIER)
    printf("  social security card reader \"%s\", consultation fee %lld fen%s\n",
           c.ssc_reader[0] ? c.ssc_reader : c.reader, (long long)c.consultation_fee_fen,
           c.consultation_fee_fen ? "" : " (not set: kiosk run refuses to start)");
  if (c.sync.enabled) {
    char order[80] = "";
    if (strpbrk(c.sync.url, " \t")) /* several centres (each checked by the parser) */
      snprintf(order, sizeof order, "; tried in order, back to the first after %u s",
               c.sync.failback_s);
    printf("  centre %s, every %u s (CA %s, certificate %s)%s\n", c.sync.url, c.sync.poll_s,
           c.sync.ca_file, c.sync.cert_file, order);
  } else
    printf("  no [sync]: offline, nothing is uploaded\n");
  printf("  screen: %s, %s renderer, sound %s, %s, staff menu %s\n",
         c.ui.fullscreen ? "full screen" : "window", c.ui.software ? "software" : "accelerated",
         c.ui.sound ? "on" : "off", c.ui.language, c.ui.pin_hash[0] ? "PIN" : "closed");
  return f.errors ? TERM_EXIT_CHECK : 0;
}
