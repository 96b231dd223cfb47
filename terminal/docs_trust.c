/* The centre's trust document: a bounded PEM bundle of issuer certificates (docs_trust.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cardio/cardio.h>
#include <cardio/crypto.h>

#include "docs_trust.h"

#define BEGIN "-----BEGIN CERTIFICATE-----"
#define END "-----END CERTIFICATE-----"

static int b64_line(const char *p, size_t n)
{
  if (n == 0 || n > 76)
    return 0;
  for (size_t i = 0; i < n; i++) {
    char c = p[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          c == '+' || c == '/' || c == '='))
      return 0;
  }
  return 1;
}

/* Walk the bundle; each certificate block (BEGIN to END, lines included, LF-ended) goes
 * to emit when it is not NULL. */
static int walk(const char *buf, size_t len, size_t *ncerts, char *why, size_t cap,
                int (*emit)(void *user, size_t i, const char *blk, size_t n), void *user)
{
  size_t pos = 0, certs = 0, start = 0;
  unsigned line = 0, body = 0;
  int in = 0;
  *ncerts = 0;
  if (len == 0 || len > DOCS_TRUST_DOC_MAX) {
    snprintf(why, cap, len ? "larger than %u bytes" : "empty", DOCS_TRUST_DOC_MAX);
    return -1;
  }
  if (memchr(buf, '\0', len)) {
    snprintf(why, cap, "a NUL byte");
    return -1;
  }
  while (pos < len) {
    const char *p = buf + pos, *nl = memchr(p, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - p) : len - pos;
    size_t next = pos + n + (nl ? 1 : 0);
    line++;
    if (n && p[n - 1] == '\r')
      n--;
    if (n > DOCS_TRUST_LINE_MAX) {
      snprintf(why, cap, "line %u: longer than %u bytes", line, DOCS_TRUST_LINE_MAX);
      return -1;
    }
    if (!in) {
      if (n == 0 || p[0] == '#') {
        /* blank or comment */
      } else if (n == sizeof BEGIN - 1 && memcmp(p, BEGIN, n) == 0) {
        if (certs == DOCS_TRUST_CERTS_MAX) {
          snprintf(why, cap, "line %u: more than %u certificates", line, DOCS_TRUST_CERTS_MAX);
          return -1;
        }
        in = 1;
        body = 0;
        start = pos;
      } else {
        snprintf(why, cap, "line %u: expected a certificate, a comment or a blank line", line);
        return -1;
      }
    } else if (n == sizeof END - 1 && memcmp(p, END, n) == 0) {
      if (!body) {
        snprintf(why, cap, "line %u: an empty certificate", line);
        return -1;
      }
      if (emit && emit(user, certs, buf + start, next - start) != 0) {
        snprintf(why, cap, "line %u: cannot keep the certificate", line);
        return -1;
      }
      certs++;
      in = 0;
    } else if (b64_line(p, n)) {
      body++;
    } else {
      snprintf(why, cap, "line %u: not base64 inside a certificate", line);
      return -1;
    }
    pos = next;
  }
  if (in) {
    snprintf(why, cap, "line %u: the last certificate has no END line (truncated)", line);
    return -1;
  }
  if (!certs) {
    snprintf(why, cap, "no certificate");
    return -1;
  }
  *ncerts = certs;
  return 0;
}

int docs_trust_check(const char *buf, size_t len, size_t *ncerts, char *why, size_t cap)
{
  return walk(buf, len, ncerts, why, cap, NULL, NULL);
}

/* dir/name into out; -1 when it does not fit. */
static int join(char *out, size_t cap, const char *dir, const char *name)
{
  int n = snprintf(out, cap, "%s/%s", dir, name);
  return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int write_file(const char *path, const char *p, size_t n)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return -1;
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      close(fd);
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return close(fd);
}

struct emit_ctx {
  const char *dir;
};

static int emit_cert(void *user, size_t i, const char *blk, size_t n)
{
  struct emit_ctx *e = user;
  char path[PATH_MAX], name[32];
  snprintf(name, sizeof name, "issuers/%03zu.pem", i);
  if (join(path, sizeof path, e->dir, name) != 0)
    return -1;
  /* a bundle's last line may lack its newline */
  if (write_file(path, blk, n) != 0)
    return -1;
  if (blk[n - 1] != '\n') {
    FILE *f = fopen(path, "a");
    if (!f)
      return -1;
    fputc('\n', f);
    fclose(f);
  }
  return 0;
}

/* The work directory: issuers/ with its files, and the links to the terminal's own. */
static void remove_work(const char *dir)
{
  char p[PATH_MAX];
  if (join(p, sizeof p, dir, "issuers") != 0)
    return;
  DIR *d = opendir(p);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d))) {
      if (e->d_name[0] == '.')
        continue;
      char f[PATH_MAX];
      if (join(f, sizeof f, p, e->d_name) == 0)
        unlink(f);
    }
    closedir(d);
    rmdir(p);
  }
  if (join(p, sizeof p, dir, "roots") == 0)
    unlink(p);
  if (join(p, sizeof p, dir, "retired.txt") == 0)
    unlink(p);
  rmdir(dir);
}

int docs_trust_load(const char *buf, size_t len, const char *trust_dir, const char *work_prefix,
                    struct cardio_trust **out, size_t *issuers, char *why, size_t cap)
{
  *out = NULL;
  *issuers = 0;
  size_t n;
  if (docs_trust_check(buf, len, &n, why, cap) != 0)
    return -1;
  char dir[PATH_MAX], p[PATH_MAX], target[PATH_MAX];
  if (snprintf(dir, sizeof dir, "%s.trust-load-XXXXXX", work_prefix) >= (int)sizeof dir ||
      !mkdtemp(dir)) {
    snprintf(why, cap, "cannot make a work directory beside %s (%s)", work_prefix,
             strerror(errno));
    return -1;
  }
  int rc = -1;
  if (join(p, sizeof p, dir, "issuers") != 0 || mkdir(p, 0700) != 0) {
    snprintf(why, cap, "cannot make a work directory (%s)", strerror(errno));
    goto out_remove;
  }
  /* the roots and the retirements are the terminal's own */
  if (join(p, sizeof p, dir, "roots") != 0 || join(target, sizeof target, trust_dir, "roots") != 0 ||
      symlink(target, p) != 0) {
    snprintf(why, cap, "cannot link the trust store's roots (%s)", strerror(errno));
    goto out_remove;
  }
  if (join(target, sizeof target, trust_dir, "retired.txt") == 0 && access(target, F_OK) == 0) {
    if (join(p, sizeof p, dir, "retired.txt") != 0 || symlink(target, p) != 0) {
      snprintf(why, cap, "cannot link the trust store's retired.txt (%s)", strerror(errno));
      goto out_remove;
    }
  }
  struct emit_ctx e = {dir};
  size_t again;
  if (walk(buf, len, &again, why, cap, emit_cert, &e) != 0)
    goto out_remove;
  struct cardio_trust *t = NULL;
  int crc = cardio_trust_load(dir, &t);
  if (crc != CARDIO_OK) {
    snprintf(why, cap, "the trust store does not load: %s", cardio_strerror(crc));
    goto out_remove;
  }
  size_t count = cardio_trust_issuer_count(t);
  if (count == 0) {
    snprintf(why, cap, "no issuer of its %zu certificate(s) chains to this terminal's roots", n);
    cardio_trust_destroy(t);
    goto out_remove;
  }
  *out = t;
  *issuers = count;
  rc = 0;
out_remove:
  remove_work(dir);
  return rc;
}
