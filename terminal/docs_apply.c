/* Signed documents applied at runtime, one table for every kind (docs_apply.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cardio/crypto.h>
#include <common/ini.h>

#include "applog.h"
#include "docs_apply.h"
#include "docs_trust.h"
#include "kiosk/sites.h"
#include "kiosk/tariff.h"
#include "kiosk/terminal.h"
#include "proto/tariff.h"
#include "proto/roster.h"
#include "staff.h"

#define CONFIG_DOC_MAX (64u * 1024u)
#define REGISTRY_DOC_MAX (1024u * 1024u)
#define HEAD_MAX 64u

/* What a kind's check found, waiting to be put in force (or thrown away). */
struct staged {
  uint64_t version;           /* the envelope's */
  struct kiosk_config cfg;    /* config, registry: the configuration it gives */
  char *overlay;              /* config: the document */
  size_t overlay_len;
  struct kiosk_sites *sites;  /* registry */
  char *registry;             /* registry: the document, for the terminal's own copy */
  size_t registry_len;
  struct cardio_trust *trust; /* trust */
  size_t issuers;
  struct proto_roster *roster;
  struct proto_tariff *tariff; /* tariff */
};

/* The kinds, in the order a start reads them (kinds[] below). */
enum { K_REGISTRY, K_CONFIG, K_TRUST, K_TARIFF, K_ROSTER, K_COUNT };

struct term_docs {
  pthread_mutex_t mu; /* one apply at a time; term_docs_config's copy */
  char site[KIOSK_SITE_ID_MAX + 1];
  char journal[KIOSK_PATH_MAX];
  char *base;          /* the configuration file's text, for the overlay */
  size_t base_len;
  char base_name[KIOSK_PATH_MAX];
  struct kiosk_config cfg; /* in force */
  char *overlay;           /* the centre's configuration in force, NULL: none */
  size_t overlay_len;
  struct kiosk_sites *sites; /* the centre's registry in force, NULL: the file's */
  struct kiosk_terminal *term;
  void (*publish_trust)(struct cardio_trust *);
  struct cardio_trust *trust_pending; /* read at open, published at attach */
  struct kiosk_tariff *tariff; /* the terminal's holder (term_docs_set_tariff), NULL before */
  uint64_t held[K_COUNT];      /* per kind, under held_mu */
};

struct kind_ops {
  const char *name;
  const char *head; /* the stored file's header, before the version */
  size_t max;
  /* 1: the content carries its own version and kiosk reads the file itself at start
   * (the tariff): stored as served, without the header line, not read by term_docs_open */
  int own_file;
  int (*check)(struct term_docs *d, const char *c, size_t n, struct staged *s, char *why,
               size_t cap);
  /* cannot fail: everything that can was checked; what: for the log line */
  void (*commit)(struct term_docs *d, struct staged *s, uint64_t version, int64_t now,
                 char *what, size_t cap);
};

/* Versions in force are each struct's (held[], the roster's is staff.c's); the program's
 * one struct is also the status line's (term_docs_in_force_text). held_mu guards both. */
static pthread_mutex_t held_mu = PTHREAD_MUTEX_INITIALIZER;
static struct term_docs *program_docs;

static void staged_free(struct staged *s)
{
  free(s->overlay);
  kiosk_sites_destroy(s->sites);
  free(s->registry);
  cardio_trust_destroy(s->trust);
  proto_roster_free(s->roster);
  free(s->tariff);
  memset(s, 0, sizeof *s);
}

static char *dup_mem(const char *p, size_t n)
{
  char *c = malloc(n + 1);
  if (c) {
    memcpy(c, p, n);
    c[n] = '\0';
  }
  return c;
}

/* The configuration from the file, the overlay and the registry given (NULL: the file's
 * registry); sites_path names the stored registry when there is one. */
static int build_config(struct term_docs *d, const char *over, size_t over_len,
                        const struct kiosk_sites *sites, struct kiosk_config *out, char *why,
                        size_t cap)
{
  if (!d->base) {
    snprintf(why, cap, "no configuration file to check it against");
    return -1;
  }
  struct kiosk_diag diag;
  memset(&diag, 0, sizeof diag);
  char msg[600];
  if (kiosk_config_parse_overlay(d->base, d->base_len, d->base_name, over, over_len,
                                 "centre configuration", sites, 0, out,
                                 &diag) != KIOSK_OK) {
    snprintf(why, cap, "%s", kiosk_diag_format(&diag, msg, sizeof msg));
    return -1;
  }
  if (sites && snprintf(out->sites_path, sizeof out->sites_path, "%s.registry", d->journal) >=
                   (int)sizeof out->sites_path) {
    snprintf(why, cap, "the journal's path is too long for the registry's beside it");
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------ config -- */

static int config_check(struct term_docs *d, const char *c, size_t n, struct staged *s,
                        char *why, size_t cap)
{
  if (build_config(d, c, n, d->sites, &s->cfg, why, cap) != 0)
    return -1;
  s->overlay = dup_mem(c, n);
  s->overlay_len = n;
  if (!s->overlay) {
    snprintf(why, cap, "out of memory");
    return -1;
  }
  return 0;
}

static void config_commit(struct term_docs *d, struct staged *s, uint64_t version, int64_t now,
                          char *what, size_t cap)
{
  (void)version, (void)now;
  free(d->overlay);
  d->overlay = s->overlay;
  d->overlay_len = s->overlay_len;
  s->overlay = NULL;
  d->cfg = s->cfg;
  if (d->term && kiosk_terminal_update(d->term, &d->cfg, NULL) != KIOSK_OK)
    app_log("document config: the terminal refused it (kept its own)");
  static const char *const action[] = {"-", "warn", "deny", "staff"};
  unsigned st = (unsigned)d->cfg.policy.stale, nv = (unsigned)d->cfg.policy.never;
  snprintf(what, cap, "revocation_stale %s, revocation_never %s", st < 4 ? action[st] : "?",
           nv < 4 ? action[nv] : "?");
}

/* ---------------------------------------------------------------- registry -- */

static int registry_check(struct term_docs *d, const char *c, size_t n, struct staged *s,
                          char *why, size_t cap)
{
  struct kiosk_diag diag;
  memset(&diag, 0, sizeof diag);
  char msg[600], cwhy[700];
  if (kiosk_sites_parse(c, n, "centre registry", &s->sites, &diag) != KIOSK_OK) {
    snprintf(why, cap, "%s", kiosk_diag_format(&diag, msg, sizeof msg));
    return -1;
  }
  /* this terminal's site, mode and vehicle must be in it: the same checks as at start */
  if (build_config(d, d->overlay, d->overlay_len, s->sites, &s->cfg, cwhy, sizeof cwhy) != 0) {
    snprintf(why, cap, "this terminal's configuration does not hold with it: %s", cwhy);
    return -1;
  }
  /* A bus that waits for its vehicle takes any registry of its site (the next may hold
   * it); one that runs is not stopped by a registry that lost its bus or route: more
   * likely a mistake at the centre than a bus withdrawn while in service. */
  if (s->cfg.registry_wait && !d->cfg.registry_wait) {
    snprintf(why, cap, "it does not hold this bus's %s '%s', in force now",
             s->cfg.registry_wait == KIOSK_REGWAIT_ROUTE ? "route" : "vehicle",
             s->cfg.registry_wait == KIOSK_REGWAIT_ROUTE ? s->cfg.route : s->cfg.vehicle);
    return -1;
  }
  s->registry = dup_mem(c, n);
  s->registry_len = n;
  if (!s->registry) {
    snprintf(why, cap, "out of memory");
    return -1;
  }
  return 0;
}

static void registry_commit(struct term_docs *d, struct staged *s, uint64_t version, int64_t now,
                            char *what, size_t cap)
{
  (void)version, (void)now;
  kiosk_sites_destroy(d->sites);
  d->sites = s->sites;
  s->sites = NULL;
  const struct kiosk_site *site = kiosk_sites_find(d->sites, s->cfg.site_id);
  int was_waiting = d->cfg.registry_wait != KIOSK_REGWAIT_NONE;
  d->cfg = s->cfg;
  snprintf(what, cap, "%zu sites; this one with %zu routes, %zu vehicles",
           kiosk_sites_count(d->sites), site ? site->nroutes : 0, site ? site->nvehicles : 0);
  if (!d->term) /* at start: kiosk run says whether it waits once all are read */
    return;
  char wait[300];
  if (term_docs_wait_text(&d->cfg, version, wait, sizeof wait))
    app_log("%s", wait);
  else if (was_waiting)
    app_log("vehicle %s in the registry in force (version %" PRIu64 "), route %s%s: deciding",
            d->cfg.vehicle, version, d->cfg.route[0] ? d->cfg.route : "-",
            d->cfg.route_from_registry ? " (the registry's)" : "");
  /* the terminal owns a copy of its own (a registry is read-only, but its life is the
   * decision thread's) */
  struct kiosk_sites *copy = NULL;
  struct kiosk_diag diag;
  if (kiosk_sites_parse(s->registry, s->registry_len, "centre registry", &copy, &diag) !=
          KIOSK_OK ||
      kiosk_terminal_update(d->term, &d->cfg, copy) != KIOSK_OK) {
    kiosk_sites_destroy(copy);
    app_log("document registry: the terminal refused it (kept its own)");
  }
}

/* ------------------------------------------------------------------- trust -- */

static int trust_check(struct term_docs *d, const char *c, size_t n, struct staged *s,
                       char *why, size_t cap)
{
  return docs_trust_load(c, n, d->cfg.trust_dir, d->journal, &s->trust, &s->issuers, why, cap);
}

static void trust_commit(struct term_docs *d, struct staged *s, uint64_t version, int64_t now,
                         char *what, size_t cap)
{
  (void)version, (void)now;
  snprintf(what, cap, "%zu issuer key(s)", s->issuers);
  if (d->publish_trust) {
    d->publish_trust(s->trust);
  } else {
    cardio_trust_destroy(d->trust_pending);
    d->trust_pending = s->trust;
  }
  s->trust = NULL;
}

/* ------------------------------------------------------------------ roster -- */

static int roster_check(struct term_docs *d, const char *c, size_t n, struct staged *s,
                        char *why, size_t cap)
{
  if (proto_roster_parse(c, n, &s->roster, why, cap) != PROTO_OK)
    return -1;
  if (strcmp(s->roster->site, d->site) != 0) {
    snprintf(why, cap, "the roster is another site's");
    return -1;
  }
  return 0;
}

static void roster_commit(struct term_docs *d, struct staged *s, uint64_t version, int64_t now,
                          char *what, size_t cap)
{
  (void)d;
  snprintf(what, cap, "%zu staff", s->roster->count);
  term_staff_set_roster(s->roster, version, now);
  s->roster = NULL;
}

/* ----------------------------------------------------------------- tariff -- */

/* The hospital's fees (issue 12, kiosk/tariff.h): this site's, the content's version equal
 * to the envelope's; kiosk_terminal_open reads <journal>.tariff at start. */
static int tariff_check(struct term_docs *d, const char *c, size_t n, struct staged *s,
                        char *why, size_t cap)
{
  if (!d->tariff) {
    snprintf(why, cap, "no cashier terminal to hold it yet");
    return -1;
  }
  s->tariff = malloc(sizeof *s->tariff);
  if (!s->tariff) {
    snprintf(why, cap, "out of memory");
    return -1;
  }
  if (kiosk_tariff_check(c, n, d->site, s->tariff, why, cap) != KIOSK_OK)
    return -1;
  if (s->tariff->version != s->version) {
    snprintf(why, cap, "its content says version %" PRIu64, s->tariff->version);
    return -1;
  }
  return 0;
}

static void tariff_commit(struct term_docs *d, struct staged *s, uint64_t version, int64_t now,
                          char *what, size_t cap)
{
  (void)now, (void)version;
  if (kiosk_tariff_set(d->tariff, s->tariff) != KIOSK_OK)
    snprintf(what, cap, "but the terminal kept its own: not above the one it holds");
  else
    snprintf(what, cap, "%zu items", s->tariff->count);
}

/* In the order a start reads them: the registry first (the configuration is checked
 * against it), the roster last. The roster's header has no "# " (files written before the
 * other kinds were applied). */
static const struct kind_ops kinds[K_COUNT] = {
    [K_REGISTRY] = {"registry", "# yh-doc registry ", REGISTRY_DOC_MAX, 0, registry_check,
                    registry_commit},
    [K_CONFIG] = {"config", "# yh-doc config ", CONFIG_DOC_MAX, 0, config_check,
                  config_commit},
    [K_TRUST] = {"trust", "# yh-doc trust ", DOCS_TRUST_DOC_MAX, 0, trust_check, trust_commit},
    [K_TARIFF] = {"tariff", "", PROTO_TARIFF_DOC_MAX, 1, tariff_check, tariff_commit},
    [K_ROSTER] = {"roster", "yh-doc roster ", PROTO_ROSTER_DOC_MAX, 0, roster_check,
                  roster_commit},
};

static int kind_index(const char *kind)
{
  for (int k = 0; kind && k < K_COUNT; k++)
    if (strcmp(kinds[k].name, kind) == 0)
      return k;
  return -1;
}

/* d NULL: none; the caller may hold held_mu (locked: 1) or not. */
static uint64_t version_of_locked(const struct term_docs *d, int k)
{
  if (k == K_ROSTER)
    return term_staff_roster_version();
  return d ? d->held[k] : 0;
}

static uint64_t version_of(const struct term_docs *d, int k)
{
  pthread_mutex_lock(&held_mu);
  uint64_t v = version_of_locked(d, k);
  pthread_mutex_unlock(&held_mu);
  return v;
}

static void set_version(struct term_docs *d, int k, uint64_t v)
{
  pthread_mutex_lock(&held_mu);
  d->held[k] = v;
  pthread_mutex_unlock(&held_mu);
}

/* ----------------------------------------------------------- stored files -- */

static int write_all(int fd, const char *p, size_t n)
{
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* tmp, fsync, rename, fsync the directory: the old file or the new one, never half. */
static int write_atomic(const char *path, const char *head, uint64_t version, const char *content,
                        size_t len)
{
  char tmp[KIOSK_PATH_MAX + 32], line[HEAD_MAX + 32], dir[KIOSK_PATH_MAX + 32];
  if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
    errno = ENAMETOOLONG;
    return -1;
  }
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return -1;
  int n = head ? snprintf(line, sizeof line, "%s%" PRIu64 "\n", head, version) : 0;
  int bad = write_all(fd, line, (size_t)n) || write_all(fd, content, len) || fsync(fd) != 0;
  bad = close(fd) != 0 || bad;
  if (bad || rename(tmp, path) != 0) {
    int e = errno;
    unlink(tmp);
    errno = e;
    return -1;
  }
  snprintf(dir, sizeof dir, "%s", path);
  int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return 0;
}

static void path_of(const struct term_docs *d, int k, char *out, size_t cap)
{
  snprintf(out, cap, "%s.%s", d->journal, kinds[k].name);
}

/* Check, stage, put in force; the caller holds d->mu. store: write the file first (a new
 * document), else it is the file read at start. */
static int apply_locked(struct term_docs *d, int k, uint64_t version, const char *content,
                        size_t len, int64_t now, int store, char *why, size_t cap)
{
  const struct kind_ops *o = &kinds[k];
  struct staged s;
  memset(&s, 0, sizeof s);
  s.version = version;
  if (len > o->max) {
    snprintf(why, cap, "larger than %zu bytes", o->max);
    return -1;
  }
  if (memchr(content, '\0', len)) {
    snprintf(why, cap, "a NUL byte");
    return -1;
  }
  if (o->check(d, content, len, &s, why, cap) != 0) {
    staged_free(&s);
    return -1;
  }
  char path[KIOSK_PATH_MAX + 32];
  path_of(d, k, path, sizeof path);
  if (store && write_atomic(path, o->own_file ? NULL : o->head, version, content, len) != 0) {
    snprintf(why, cap, "not written to %.300s (%s)", path, strerror(errno));
    staged_free(&s);
    return -1;
  }
  char what[200] = "";
  o->commit(d, &s, version, now, what, sizeof what);
  staged_free(&s);
  if (k != K_ROSTER)
    set_version(d, k, version);
  app_log("document %s: version %" PRIu64 " in force (%s%s%s)", o->name, version, what,
          store ? "" : ", from ", store ? "" : path);
  return 0;
}

/* A stored document: read it and put it in force. A missing file is none. */
static int load_stored(struct term_docs *d, int k, char *why, size_t cap)
{
  const struct kind_ops *o = &kinds[k];
  char path[KIOSK_PATH_MAX + 32];
  path_of(d, k, path, sizeof path);
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (errno == ENOENT)
      return 0;
    snprintf(why, cap, "%s: cannot read it (%s)", path, strerror(errno));
    return -1;
  }
  size_t max = o->max + HEAD_MAX;
  char *buf = malloc(max + 1);
  size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
  fclose(f);
  if (!buf || n > max) {
    free(buf);
    snprintf(why, cap, "%s: too large", path);
    return -1;
  }
  buf[n] = '\0';
  /* "# yh-doc <kind> <version>" or, for a roster, without "# " */
  const char *p = buf, *nl = memchr(buf, '\n', n);
  char *end = NULL;
  uint64_t version = 0;
  const char *bare = o->head[0] == '#' ? o->head + 2 : o->head;
  if (strncmp(p, "# ", 2) == 0)
    p += 2;
  if (nl && strncmp(p, bare, strlen(bare)) == 0 && p[strlen(bare)] >= '1' &&
      p[strlen(bare)] <= '9') {
    errno = 0;
    version = strtoull(p + strlen(bare), &end, 10);
    if (errno)
      end = NULL;
  }
  char perr[600] = "";
  int rc = -1;
  if (end && end == nl && version)
    rc = apply_locked(d, k, version, nl + 1, n - (size_t)(nl + 1 - buf), (int64_t)time(NULL), 0,
                      perr, sizeof perr);
  else
    snprintf(perr, sizeof perr, "no \"%s<version>\" line first", bare);
  free(buf);
  if (rc != 0)
    snprintf(why, cap, "%s: not a %s this terminal can use: %s", path, o->name, perr);
  return rc;
}

/* ------------------------------------------------------------------- API -- */

static int read_base(struct term_docs *d, const struct kiosk_config *cfg, char *why, size_t cap)
{
  snprintf(d->base_name, sizeof d->base_name, "%s", cfg->source);
  if (!cfg->source[0])
    return 0; /* a configuration made in memory (tests): no config or registry document */
  if (strcmp(cfg->source, "(embedded defaults)") == 0) {
    d->base = dup_mem(kiosk_config_defaults(), strlen(kiosk_config_defaults()));
    d->base_len = d->base ? strlen(d->base) : 0;
    return d->base ? 0 : (snprintf(why, cap, "out of memory"), -1);
  }
  FILE *f = fopen(cfg->source, "rb");
  if (!f) {
    snprintf(why, cap, "%s: cannot read it again (%s)", cfg->source, strerror(errno));
    return -1;
  }
  d->base = malloc(COMMON_INI_INPUT_MAX + 1);
  size_t n = d->base ? fread(d->base, 1, COMMON_INI_INPUT_MAX + 1, f) : 0;
  fclose(f);
  if (!d->base || n > COMMON_INI_INPUT_MAX) {
    snprintf(why, cap, "%s: too large", cfg->source);
    return -1;
  }
  d->base[n] = '\0';
  d->base_len = n;
  return 0;
}

int term_docs_open(const struct kiosk_config *cfg, struct term_docs **out, char *why, size_t cap)
{
  *out = NULL;
  struct term_docs *d = calloc(1, sizeof *d);
  if (!d) {
    snprintf(why, cap, "out of memory");
    return -1;
  }
  pthread_mutex_init(&d->mu, NULL);
  snprintf(d->site, sizeof d->site, "%s", cfg->site_id);
  snprintf(d->journal, sizeof d->journal, "%s", cfg->journal_path);
  d->cfg = *cfg;
  if (read_base(d, cfg, why, cap) != 0)
    goto out_close;
  for (int k = 0; k < K_COUNT; k++)
    if (!kinds[k].own_file && load_stored(d, k, why, cap) != 0)
      goto out_close;
  pthread_mutex_lock(&held_mu);
  program_docs = d; /* the last opened: a program has one */
  pthread_mutex_unlock(&held_mu);
  *out = d;
  return 0;
out_close:
  term_docs_close(d);
  return -1;
}

void term_docs_close(struct term_docs *d)
{
  if (!d)
    return;
  pthread_mutex_lock(&held_mu);
  if (program_docs == d)
    program_docs = NULL;
  pthread_mutex_unlock(&held_mu);
  free(d->base);
  free(d->overlay);
  kiosk_sites_destroy(d->sites);
  cardio_trust_destroy(d->trust_pending);
  pthread_mutex_destroy(&d->mu);
  free(d);
}

const struct kiosk_config *term_docs_config(const struct term_docs *d)
{
  return &d->cfg;
}

void term_docs_attach(struct term_docs *d, struct kiosk_terminal *t,
                      void (*publish_trust)(struct cardio_trust *trust))
{
  pthread_mutex_lock(&d->mu);
  d->term = t;
  d->publish_trust = publish_trust;
  if (publish_trust && d->trust_pending) {
    publish_trust(d->trust_pending);
    d->trust_pending = NULL;
  }
  pthread_mutex_unlock(&d->mu);
}

void term_docs_set_tariff(struct term_docs *d, struct kiosk_tariff *tariff)
{
  if (!d)
    return;
  pthread_mutex_lock(&d->mu);
  d->tariff = tariff;
  set_version(d, K_TARIFF, tariff ? kiosk_tariff_version(tariff) : 0);
  pthread_mutex_unlock(&d->mu);
}

int term_docs_version(struct term_docs *d, const char *kind, uint64_t *version)
{
  int k = kind_index(kind);
  *version = d && k >= 0 ? version_of(d, k) : 0;
  return 0;
}

int term_docs_apply(struct term_docs *d, const char *kind, uint64_t version, const char *content,
                    size_t len, int64_t now)
{
  char why[700] = "";
  int k = kind_index(kind);
  if (!d || k < 0 || !content) {
    app_log("document %s version %" PRIu64 ": refused: a kind this terminal does not apply",
            k < 0 && kind && strlen(kind) < 16 ? kind : "?", version);
    return -1;
  }
  pthread_mutex_lock(&d->mu);
  uint64_t in_force = version_of(d, k);
  int rc = -1;
  if (version <= in_force)
    snprintf(why, sizeof why, "not above version %" PRIu64 " in force", in_force);
  else
    rc = apply_locked(d, k, version, content, len, now, 1, why, sizeof why);
  pthread_mutex_unlock(&d->mu);
  if (rc != 0)
    app_log("document %s: version %" PRIu64 " refused (%s); version %" PRIu64
            " stays in force", kinds[k].name, version, why, in_force);
  return rc;
}

void term_docs_in_force_text(char *buf, size_t cap)
{
  size_t used = 0;
  buf[0] = '\0';
  pthread_mutex_lock(&held_mu);
  for (int k = 0; k < K_COUNT; k++) {
    int n = snprintf(buf + used, cap - used, "%sdoc_%s=%" PRIu64, k ? " " : "", kinds[k].name,
                     version_of_locked(program_docs, k));
    if (n < 0 || (size_t)n >= cap - used)
      break;
    used += (size_t)n;
  }
  pthread_mutex_unlock(&held_mu);
}

uint64_t term_docs_in_force(const char *kind)
{
  int k = kind_index(kind);
  pthread_mutex_lock(&held_mu);
  uint64_t v = k < 0 ? 0 : version_of_locked(program_docs, k);
  pthread_mutex_unlock(&held_mu);
  return v;
}

int term_docs_wait_text(const struct kiosk_config *cfg, uint64_t registry_version, char *buf,
                        size_t cap)
{
  buf[0] = '\0';
  if (cfg->mode != KIOSK_MODE_BUS || cfg->registry_wait == KIOSK_REGWAIT_NONE)
    return 0;
  if (cfg->registry_wait == KIOSK_REGWAIT_ROUTE)
    snprintf(buf, cap,
             "route %s of vehicle %s not in the registry in force (version %" PRIu64
             "): waiting for the centre's registry",
             cfg->route, cfg->vehicle, registry_version);
  else
    snprintf(buf, cap,
             "vehicle %s not in the registry in force (version %" PRIu64
             "): waiting for the centre's registry",
             cfg->vehicle, registry_version);
  return 1;
}
