/*
 * station CSV reader: RFC 4180 records, streamed, in bounded memory.
 *
 * Two layers:
 *   - struct station_csv, the parser: bytes in (any chunking, UTF-8), records out through
 *     a callback. Memory is bounded by the record cap (max_record) and the field cap
 *     (max_fields) whatever the input; the parser never sees more than one chunk and one
 *     record at a time.
 *   - station_csv_read_file(), the file reader: size cap, encoding detection, SHA-256 of
 *     the raw bytes, and decoding to UTF-8 before the parser.
 *
 * RFC 4180 as read here: fields separated by ',', records by CRLF, LF or a lone CR;
 * a field may be enclosed in double quotes, and then may hold ',', CR, LF and '""' (one
 * quote). Flaws that still leave the record's extent clear are reported on the record
 * (struct station_csv_rec.flaw) and parsing goes on: a quote inside an unquoted field,
 * text after a closing quote, too many fields. Fatal: a record longer than max_record
 * bytes (TOO_LARGE), an unterminated quoted field at the end (SYNTAX). Blank lines are
 * skipped. The line of a record is the physical line (1-based) where it starts.
 */
#ifndef STATION_CSV_H
#define STATION_CSV_H

#include <stddef.h>
#include <stdint.h>

#include "station/station.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STATION_CSV_FLAW_MAP(X)                                                          \
  X(NONE, 0, "")                                                                         \
  X(STRAY_QUOTE, 1, "a double quote inside an unquoted field (RFC 4180: quote the field)") \
  X(TEXT_AFTER_QUOTE, 2, "text after the closing quote of a field")                      \
  X(TOO_MANY_FIELDS, 3, "too many fields")

enum station_csv_flaw {
#define STATION_X_FLAW(name, value, text) STATION_CSV_FLAW_##name = (value),
  STATION_CSV_FLAW_MAP(STATION_X_FLAW)
#undef STATION_X_FLAW
};
const char *station_csv_flaw_text(int flaw);

struct station_csv_field {
  const char *data; /* not NUL-terminated; valid during the callback only */
  size_t len;
};

struct station_csv_rec {
  unsigned long line;                     /* physical line where the record starts */
  const struct station_csv_field *fields; /* n fields (at most max_fields) */
  size_t n;
  enum station_csv_flaw flaw;             /* first flaw seen in the record */
};

/* Called once per record. A non-zero return stops the parse, and feed()/finish() return
 * that value. */
typedef int (*station_csv_record_fn)(void *user, const struct station_csv_rec *rec);

struct station_csv_limits {
  size_t max_record;  /* raw bytes of one record, delimiters and quotes included */
  size_t max_fields;  /* fields kept per record */
  uint64_t max_file;  /* bytes of a file (station_csv_read_file) */
};
#define STATION_CSV_DEFAULT_MAX_RECORD (64u * 1024u)
#define STATION_CSV_DEFAULT_MAX_FIELDS 64u
#define STATION_CSV_DEFAULT_MAX_FILE (256ull * 1024u * 1024u)
void station_csv_limits_default(struct station_csv_limits *lim);

struct station_csv;

/* A parser with the given limits (NULL: the defaults). */
int station_csv_create(const struct station_csv_limits *lim, station_csv_record_fn fn,
                       void *user, struct station_csv **out);
void station_csv_destroy(struct station_csv *p);
/*
 * Feed len bytes. Returns STATION_OK, the callback's non-zero value, or TOO_LARGE
 * (record over max_record; station_csv_line() is then the record's first line). After
 * an error the parser accepts nothing more.
 */
int station_csv_feed(struct station_csv *p, const void *data, size_t len);
/* End of input: emits the last record if it has no line end. SYNTAX for an open quote. */
int station_csv_finish(struct station_csv *p);
/* The physical line being read (1-based); after a fatal error the line it concerns. */
unsigned long station_csv_line(const struct station_csv *p);

/* ------------------------------------------------------------ the file -- */

enum station_csv_encoding {
  STATION_CSV_UTF8 = 1,     /* valid UTF-8, no BOM */
  STATION_CSV_UTF8_BOM = 2, /* valid UTF-8 after a BOM (EF BB BF), which is dropped */
  STATION_CSV_GB18030 = 3,  /* not UTF-8; decoded as GB18030 (a superset of GBK) */
};
const char *station_csv_encoding_name(int enc);

struct station_csv_file_info {
  enum station_csv_encoding encoding;
  uint64_t bytes;                 /* raw file size */
  char sha256[65];                /* of the raw bytes, lowercase hex */
};

/*
 * Called after the first pass (size, encoding, digest known) and before any record:
 * return non-zero to stop (e.g. the digest was imported before); that value is returned.
 */
typedef int (*station_csv_info_fn)(void *user, const struct station_csv_file_info *info);

/*
 * Read a CSV file: first pass over the raw bytes (size <= max_file, SHA-256, whole-file
 * UTF-8 check), then the records through fn. Decision: valid UTF-8 (with or without a
 * BOM) is UTF-8; anything else is decoded as GB18030; bytes that are neither stop the
 * read with ENCODING and the line. Memory: a few fixed buffers and the parser's record.
 * info_fn may be NULL. *info (may be NULL) is filled as soon as it is known.
 * Errors: IO (open/read, with errno's text), TOO_LARGE (file or record; the line),
 * ENCODING (the line), SYNTAX (unterminated quote; the line), a callback's value, and
 * CONFLICT if the file changed between the passes. The fatal problem goes into *why
 * (line and text; may be NULL).
 */
int station_csv_read_file(const char *path, const struct station_csv_limits *lim,
                          station_csv_info_fn info_fn, station_csv_record_fn fn, void *user,
                          struct station_csv_file_info *info, struct station_problem *why);

#ifdef __cplusplus
}
#endif
#endif /* STATION_CSV_H */
