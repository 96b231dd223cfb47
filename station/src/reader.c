/* The CSV file reader: size cap, SHA-256, encoding detection (whole-file UTF-8 check on
 * a first pass), GB18030 decoding with iconv, and the parser. Two passes because the
 * encoding is a property of the whole file: a GBK file can start with bytes that happen
 * to be valid UTF-8. Memory is a few fixed buffers whatever the file's size. */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdarg.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "station/csv.h"

#define READER_CHUNK (256u * 1024u)

const char *station_csv_encoding_name(int enc)
{
  switch (enc) {
  case STATION_CSV_UTF8: return "UTF-8";
  case STATION_CSV_UTF8_BOM: return "UTF-8 (BOM)";
  case STATION_CSV_GB18030: return "GBK/GB18030";
  default: return "unknown";
  }
}

static int reader_fail(struct station_problem *why, int err, unsigned long line,
                       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int reader_fail(struct station_problem *why, int err, unsigned long line,
                       const char *fmt, ...)
{
  if (why) {
    va_list ap;
    va_start(ap, fmt);
    why->line = line;
    vsnprintf(why->text, sizeof why->text, fmt, ap);
    va_end(ap);
  }
  return err;
}

/* Length of a lead byte's sequence when s[0..n) is a valid but incomplete start of one
 * (n < that length); 0 otherwise. */
static size_t reader_utf8_incomplete(const uint8_t *s, size_t n)
{
  size_t need;
  if (n == 0)
    return 0;
  if (s[0] >= 0xC2 && s[0] <= 0xDF)
    need = 2;
  else if (s[0] >= 0xE0 && s[0] <= 0xEF)
    need = 3;
  else if (s[0] >= 0xF0 && s[0] <= 0xF4)
    need = 4;
  else
    return 0;
  if (n >= need)
    return 0;
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xC0) != 0x80)
      return 0;
  return need;
}

static ssize_t reader_read(int fd, uint8_t *buf, size_t cap)
{
  size_t got = 0;
  while (got < cap) {
    ssize_t n = read(fd, buf + got, cap - got);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (n == 0)
      break;
    got += (size_t)n;
  }
  return (ssize_t)got;
}

static void reader_hex(const uint8_t *md, size_t n, char *out)
{
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = hex[md[i] >> 4];
    out[2 * i + 1] = hex[md[i] & 15];
  }
  out[2 * n] = '\0';
}

/* Pass 1: size, digest, UTF-8 validity, BOM. */
static int reader_scan(int fd, uint64_t max_file, uint8_t *buf, EVP_MD_CTX *md,
                       struct station_csv_file_info *fi, struct station_problem *why)
{
  size_t carry = 0;
  int utf8 = 1, first = 1, bom = 0;
  uint64_t total = 0;
  char limit[32];
  snprintf(limit, sizeof limit, "%llu", (unsigned long long)max_file);

  if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
    return reader_fail(why, STATION_E_NO_MEMORY, 0, "cannot start SHA-256");
  for (;;) {
    ssize_t n = reader_read(fd, buf + carry, READER_CHUNK);
    if (n < 0)
      return reader_fail(why, STATION_E_IO, 0, "read: %s", strerror(errno));
    if (n == 0)
      break;
    total += (uint64_t)n;
    if (total > max_file)
      return reader_fail(why, STATION_E_TOO_LARGE, 0,
                         "file is larger than the limit of %s bytes", limit);
    EVP_DigestUpdate(md, buf + carry, (size_t)n);
    size_t len = carry + (size_t)n;
    if (first) {
      first = 0;
      bom = len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF;
    }
    carry = 0;
    if (utf8) {
      size_t ok = common_utf8_valid_prefix(buf, len);
      if (ok < len) {
        if (len - ok < 4 && reader_utf8_incomplete(buf + ok, len - ok)) {
          carry = len - ok;
          memmove(buf, buf + ok, carry);
        } else {
          utf8 = 0;
        }
      }
    }
  }
  if (carry)
    utf8 = 0; /* the file ends inside a UTF-8 sequence */
  uint8_t digest[32];
  unsigned dl = 0;
  EVP_DigestFinal_ex(md, digest, &dl);
  reader_hex(digest, 32, fi->sha256);
  fi->bytes = total;
  fi->encoding = !utf8 ? STATION_CSV_GB18030 : bom ? STATION_CSV_UTF8_BOM : STATION_CSV_UTF8;
  return STATION_OK;
}

/* Feed GB18030 bytes in[0..*inlen) decoded; leaves an incomplete tail in place and sets
 * *inlen to its length (moved to the start of in). */
static int reader_gb_feed(iconv_t cd, struct station_csv *p, uint8_t *in, size_t *inlen,
                          char *out, size_t outcap, int at_end)
{
  char *ip = (char *)in;
  size_t il = *inlen;
  while (il > 0) {
    char *op = out;
    size_t ol = outcap;
    size_t r = iconv(cd, &ip, &il, &op, &ol);
    int e = errno;
    if (op > out) {
      int rc = station_csv_feed(p, out, (size_t)(op - out));
      if (rc != STATION_OK)
        return rc;
    }
    if (r != (size_t)-1)
      continue;
    if (e == E2BIG)
      continue;
    if (e == EINVAL && !at_end) {
      memmove(in, ip, il);
      *inlen = il;
      return STATION_OK;
    }
    return STATION_E_ENCODING; /* EILSEQ, or EINVAL at the end of the file */
  }
  *inlen = 0;
  return STATION_OK;
}

int station_csv_read_file(const char *path, const struct station_csv_limits *lim,
                          station_csv_info_fn info_fn, station_csv_record_fn fn, void *user,
                          struct station_csv_file_info *info, struct station_problem *why)
{
  struct station_csv_limits dl;
  struct station_csv_file_info fi;
  struct station_csv *p = NULL;
  iconv_t cd = (iconv_t)-1;
  char *out = NULL;
  int rc;

  if (!path || !fn)
    return STATION_E_INVALID_ARG;
  if (!lim) {
    station_csv_limits_default(&dl);
    lim = &dl;
  }
  memset(&fi, 0, sizeof fi);
  if (why) {
    why->line = 0;
    why->text[0] = '\0';
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return reader_fail(why, STATION_E_IO, 0, "cannot open: %s", strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    rc = reader_fail(why, STATION_E_IO, 0, "%s", "not a regular file");
    goto out_close;
  }
  if ((uint64_t)st.st_size > lim->max_file) {
    char limit[32];
    snprintf(limit, sizeof limit, "%llu", (unsigned long long)lim->max_file);
    rc = reader_fail(why, STATION_E_TOO_LARGE, 0,
                     "file is larger than the limit of %s bytes; nothing was read", limit);
    goto out_close;
  }
  uint8_t *buf = malloc(READER_CHUNK + 8);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  if (!buf || !md) {
    rc = STATION_E_NO_MEMORY;
    goto out_free;
  }
  if ((rc = reader_scan(fd, lim->max_file, buf, md, &fi, why)) != STATION_OK)
    goto out_free;
  if (info)
    *info = fi;
  if (info_fn && (rc = info_fn(user, &fi)) != 0)
    goto out_free;

  /* Pass 2: decode and parse. A file changed meanwhile is caught by its size and
   * modification and change times (below), without hashing it a second time. */
  if (lseek(fd, 0, SEEK_SET) != 0) {
    rc = reader_fail(why, STATION_E_IO, 0, "seek: %s", strerror(errno));
    goto out_free;
  }
  if ((rc = station_csv_create(lim, fn, user, &p)) != STATION_OK)
    goto out_free;
  if (fi.encoding == STATION_CSV_GB18030) {
    cd = iconv_open("UTF-8", "GB18030");
    out = malloc(2 * READER_CHUNK);
    if (cd == (iconv_t)-1 || !out) {
      rc = reader_fail(why, STATION_E_NO_MEMORY, 0, "%s", "cannot start GB18030 decoding");
      goto out_free;
    }
  }
  size_t carry = 0;
  int first = 1;
  uint64_t total = 0;
  for (;;) {
    ssize_t n = reader_read(fd, buf + carry, READER_CHUNK);
    if (n < 0) {
      rc = reader_fail(why, STATION_E_IO, 0, "read: %s", strerror(errno));
      goto out_free;
    }
    total += (uint64_t)n;
    if (total > fi.bytes) {
      rc = reader_fail(why, STATION_E_CONFLICT, 0, "%s", "the file changed while it was read");
      goto out_free;
    }
    if (fi.encoding == STATION_CSV_GB18030) {
      size_t il = carry + (size_t)n;
      rc = reader_gb_feed(cd, p, buf, &il, out, 2 * READER_CHUNK, n == 0);
      carry = il;
    } else {
      size_t skip = first && fi.encoding == STATION_CSV_UTF8_BOM && n >= 3 ? 3 : 0;
      rc = station_csv_feed(p, buf + skip, (size_t)n - skip);
    }
    first = 0;
    if (rc != STATION_OK)
      break;
    if (n == 0)
      break;
  }
  if (rc == STATION_OK)
    rc = station_csv_finish(p);
  if (rc == STATION_E_ENCODING) {
    rc = reader_fail(why, rc, station_csv_line(p), "%s",
                     "bytes that are neither UTF-8 nor GBK/GB18030; nothing was imported");
  } else if (rc == STATION_E_TOO_LARGE) {
    char limit[32];
    snprintf(limit, sizeof limit, "%zu", lim->max_record);
    rc = reader_fail(why, rc, station_csv_line(p),
                     "record longer than the limit of %s bytes; nothing was imported", limit);
  } else if (rc == STATION_E_SYNTAX) {
    rc = reader_fail(why, rc, station_csv_line(p), "%s",
                     "quoted field not closed before the end of the file");
  }
  if (rc == STATION_OK) {
    struct stat now;
    if (total != fi.bytes || fstat(fd, &now) != 0 || now.st_size != st.st_size ||
        now.st_mtim.tv_sec != st.st_mtim.tv_sec || now.st_mtim.tv_nsec != st.st_mtim.tv_nsec ||
        now.st_ctim.tv_sec != st.st_ctim.tv_sec || now.st_ctim.tv_nsec != st.st_ctim.tv_nsec)
      rc = reader_fail(why, STATION_E_CONFLICT, 0, "%s", "the file changed while it was read");
  }
out_free:
  if (cd != (iconv_t)-1)
    iconv_close(cd);
  free(out);
  station_csv_destroy(p);
  EVP_MD_CTX_free(md);
  free(buf);
out_close:
  close(fd);
  return rc;
}
