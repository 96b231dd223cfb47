/* Signed documents applied at runtime (docs_apply.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "applog.h"
#include "docs_apply.h"
#include "kiosk/tariff.h"
#include "proto/roster.h"
#include "staff.h"

#define FILE_TAG "yh-doc roster "

struct term_docs {
  char site[KIOSK_SITE_ID_MAX + 1];
  char path[KIOSK_PATH_MAX + 16]; /* <journal>.roster */
  char tariff_path[KIOSK_PATH_MAX + 16]; /* <journal>.tariff: the content as served */
  struct kiosk_tariff *tariff;    /* the terminal's, once it exists (term_docs_set_tariff) */
};

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
static int write_atomic(const char *path, const char *tag, uint64_t version, const char *content,
                        size_t len)
{
  char tmp[KIOSK_PATH_MAX + 32], head[64], dir[KIOSK_PATH_MAX + 16];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return -1;
  int n = tag ? snprintf(head, sizeof head, "%s%" PRIu64 "\n", tag, version) : 0;
  int bad = write_all(fd, head, (size_t)n) || write_all(fd, content, len) || fsync(fd) != 0;
  bad = close(fd) != 0 || bad;
  if (bad || rename(tmp, path) != 0) {
    unlink(tmp);
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

/* Parse a roster and check it is this site's. NULL with why on failure. */
static struct proto_roster *roster_for(const struct term_docs *d, const char *content, size_t len,
                                       char *why, size_t cap)
{
  struct proto_roster *r = NULL;
  if (proto_roster_parse(content, len, &r, why, cap) != PROTO_OK)
    return NULL;
  if (strcmp(r->site, d->site) != 0) {
    snprintf(why, cap, "the roster is another site's");
    proto_roster_free(r);
    return NULL;
  }
  return r;
}

static int load_file(struct term_docs *d, char *why, size_t cap)
{
  FILE *f = fopen(d->path, "rb");
  if (!f)
    return errno == ENOENT ? 0 : (snprintf(why, cap, "%s: cannot read it", d->path), -1);
  size_t max = PROTO_ROSTER_DOC_MAX + 64;
  char *buf = malloc(max + 1);
  size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
  fclose(f);
  if (!buf || n > max) {
    free(buf);
    snprintf(why, cap, "%s: too large", d->path);
    return -1;
  }
  buf[n] = '\0';
  char *nl = memchr(buf, '\n', n);
  char *end;
  uint64_t version = 0;
  if (nl && strncmp(buf, FILE_TAG, sizeof FILE_TAG - 1) == 0)
    version = strtoull(buf + sizeof FILE_TAG - 1, &end, 10);
  else
    end = NULL;
  char perr[160] = "";
  struct proto_roster *r = NULL;
  if (!end || end != nl || version == 0 ||
      !(r = roster_for(d, nl + 1, n - (size_t)(nl + 1 - buf), perr, sizeof perr))) {
    free(buf);
    snprintf(why, cap, "%s: not a roster this terminal can use%s%s", d->path, perr[0] ? ": " : "",
             perr);
    return -1;
  }
  free(buf);
  size_t count = r->count;
  term_staff_set_roster(r, version, (int64_t)time(NULL));
  app_log("staff roster: version %" PRIu64 " in force (%zu staff, from %s)", version, count,
          d->path);
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
  snprintf(d->site, sizeof d->site, "%s", cfg->site_id);
  snprintf(d->path, sizeof d->path, "%s.roster", cfg->journal_path);
  snprintf(d->tariff_path, sizeof d->tariff_path, "%s.tariff", cfg->journal_path);
  if (load_file(d, why, cap) != 0) {
    free(d);
    return -1;
  }
  *out = d;
  return 0;
}

void term_docs_close(struct term_docs *d)
{
  free(d);
}

int term_docs_version(struct term_docs *d, const char *kind, uint64_t *version)
{
  *version = 0;
  if (d && strcmp(kind, "roster") == 0)
    *version = term_staff_roster_version();
  else if (d && strcmp(kind, "tariff") == 0)
    *version = kiosk_tariff_version(d->tariff);
  return 0;
}

void term_docs_set_tariff(struct term_docs *d, struct kiosk_tariff *tariff)
{
  if (d)
    d->tariff = tariff;
}

/* The hospital's tariff (issue 12): this site's, the envelope's version, above the one
 * held; on the disk before it is in force. */
static int apply_tariff(struct term_docs *d, uint64_t version, const char *content, size_t len)
{
  char why[200] = "";
  uint64_t held = kiosk_tariff_version(d->tariff);
  struct proto_tariff *t = malloc(sizeof *t);
  int rc = -1;
  if (!t || !d->tariff)
    snprintf(why, sizeof why, "%s", t ? "no cashier terminal to hold it" : "out of memory");
  else if (kiosk_tariff_check(content, len, d->site, t, why, sizeof why) != KIOSK_OK)
    ;
  else if (t->version != version)
    snprintf(why, sizeof why, "its content says version %" PRIu64, t->version);
  else if (version <= held)
    snprintf(why, sizeof why, "not above the version in force");
  else if (write_atomic(d->tariff_path, NULL, version, content, len) != 0)
    snprintf(why, sizeof why, "not written beside the journal: %s", strerror(errno));
  else if (kiosk_tariff_set(d->tariff, t) != KIOSK_OK)
    snprintf(why, sizeof why, "not above the version in force");
  else
    rc = 0;
  if (rc == 0)
    app_log("tariff: version %" PRIu64 " in force (%zu items)", version, t->count);
  else
    app_log("tariff: version %" PRIu64 " refused (%s); version %" PRIu64 " stays in force",
            version, why, held);
  free(t);
  return rc;
}

int term_docs_apply(struct term_docs *d, const char *kind, uint64_t version, const char *content,
                    size_t len, int64_t now)
{
  char why[200] = "";
  if (d && strcmp(kind, "tariff") == 0)
    return apply_tariff(d, version, content, len);
  if (!d || strcmp(kind, "roster") != 0) {
    app_log("document %s version %" PRIu64 ": not applied by this terminal (kept as it is)",
            kind, version);
    return 0; /* configuration and trust store: not applied at runtime yet (docs/staff.md) */
  }
  uint64_t held = term_staff_roster_version();
  if (version <= held) {
    app_log("staff roster: version %" PRIu64 " refused: not above %" PRIu64 " in force", version,
            held);
    return -1;
  }
  struct proto_roster *r = roster_for(d, content, len, why, sizeof why);
  if (!r) {
    app_log("staff roster: version %" PRIu64 " refused (%s); version %" PRIu64 " stays in force",
            version, why, held);
    return -1;
  }
  if (write_atomic(d->path, FILE_TAG, version, content, len) != 0) {
    app_log("staff roster: version %" PRIu64 " not written to %s (%s); version %" PRIu64
            " stays in force", version, d->path, strerror(errno), held);
    proto_roster_free(r);
    return -1;
  }
  size_t count = r->count;
  term_staff_set_roster(r, version, now);
  app_log("staff roster: version %" PRIu64 " in force (%zu staff)", version, count);
  return 0;
}
