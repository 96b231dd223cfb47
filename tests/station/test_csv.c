/* Unit tests: the RFC 4180 parser (quotes, line ends, line numbers, flaws, limits, any
 * chunking) and the file reader (encoding detection, size caps in bounded memory). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "station/csv.h"
#include "station_test_util.h"

/* Records serialized as "line:field|field|...!flaw\n". */
struct sink {
  char buf[8192];
  size_t len;
  unsigned long records;
};

static int sink_rec(void *user, const struct station_csv_rec *rec)
{
  struct sink *s = user;
  s->records++;
  s->len += (size_t)snprintf(s->buf + s->len, sizeof s->buf - s->len, "%lu:", rec->line);
  for (size_t i = 0; i < rec->n; i++) {
    s->len += (size_t)snprintf(s->buf + s->len, sizeof s->buf - s->len, "%s%.*s", i ? "|" : "",
                               (int)rec->fields[i].len, rec->fields[i].data);
  }
  if (rec->flaw)
    s->len += (size_t)snprintf(s->buf + s->len, sizeof s->buf - s->len, "!%d", rec->flaw);
  s->len += (size_t)snprintf(s->buf + s->len, sizeof s->buf - s->len, "\n");
  return 0;
}

/* Parse text in chunks of `chunk` bytes (0: all at once); returns the status. */
static int parse(const char *text, size_t chunk, const struct station_csv_limits *lim,
                 struct sink *s)
{
  struct station_csv *p;
  memset(s, 0, sizeof *s);
  ck_assert_int_eq(station_csv_create(lim, sink_rec, s, &p), STATION_OK);
  size_t n = strlen(text);
  int rc = STATION_OK;
  for (size_t i = 0; i < n && rc == STATION_OK;) {
    size_t k = chunk ? chunk : n;
    if (k > n - i)
      k = n - i;
    rc = station_csv_feed(p, text + i, k);
    i += k;
  }
  if (rc == STATION_OK)
    rc = station_csv_finish(p);
  station_csv_destroy(p);
  return rc;
}

struct csv_case {
  const char *what, *in, *out;
  int rc;
};

static const struct csv_case csv_cases[] = {
  {"plain LF", "a,b,c\n1,2,3\n", "1:a|b|c\n2:1|2|3\n", 0},
  {"CRLF", "a,b\r\n1,2\r\n", "1:a|b\n2:1|2\n", 0},
  {"lone CR", "a,b\r1,2\r", "1:a|b\n2:1|2\n", 0},
  {"no final line end", "a,b\n1,2", "1:a|b\n2:1|2\n", 0},
  {"empty fields", ",,\n", "1:||\n", 0},
  {"blank lines skipped", "\n\na\r\n\r\nb\n", "3:a\n5:b\n", 0},
  {"quoted comma", "\"x,y\",z\n", "1:x,y|z\n", 0},
  {"doubled quote", "\"say \"\"hi\"\"\",z\n", "1:say \"hi\"|z\n", 0},
  {"quoted newline keeps line of start", "\"a\nb\",c\nd\n", "1:a\nb|c\n3:d\n", 0},
  {"quoted CRLF", "\"a\r\nb\"\r\nc\r\n", "1:a\r\nb\n3:c\n", 0},
  {"empty quoted", "\"\",x\n", "1:|x\n", 0},
  {"stray quote", "ab\"c,d\n", "1:ab\"c|d!1\n", 0},
  {"text after quote", "\"ab\"c,d\n", "1:abc|d!2\n", 0},
  {"quote after text after quote", "\"a\"b\"c\n", "1:ab\"c!2\n", 0},
  {"unterminated quote", "a\n\"open,\n", "1:a\n", STATION_E_SYNTAX},
  {"UTF-8 passes", "姓名,张三\n", "1:姓名|张三\n", 0},
};

START_TEST(test_csv_table)
{
  const struct csv_case *c = &csv_cases[_i];
  static const size_t chunks[] = {0, 1, 2, 3, 7};
  for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
    struct sink s;
    int rc = parse(c->in, chunks[k], NULL, &s);
    ck_assert_msg(rc == c->rc, "%s (chunk %zu): rc %d", c->what, chunks[k], rc);
    ck_assert_msg(strcmp(s.buf, c->out) == 0, "%s (chunk %zu): got [%s]", c->what, chunks[k],
                  s.buf);
  }
}
END_TEST

START_TEST(test_csv_limits)
{
  struct station_csv_limits lim = {16, 3, 0};
  struct sink s;
  /* A record over max_record bytes: TOO_LARGE, the line of its start. */
  struct station_csv *p;
  ck_assert_int_eq(station_csv_create(&lim, sink_rec, &s, &p), STATION_OK);
  memset(&s, 0, sizeof s);
  const char *in = "a,b\nok\n0123456789,0123456789\n";
  ck_assert_int_eq(station_csv_feed(p, in, strlen(in)), STATION_E_TOO_LARGE);
  ck_assert_uint_eq(station_csv_line(p), 3);
  ck_assert_uint_eq(s.records, 2);
  /* After a fatal error the parser takes nothing more. */
  ck_assert_int_eq(station_csv_feed(p, "x", 1), STATION_E_INVALID_ARG);
  station_csv_destroy(p);
  /* Exactly max_record bytes is fine; one more (in a quoted field spanning lines) not. */
  ck_assert_int_eq(parse("0123456789abcdef\n", 1, &lim, &s), STATION_OK);
  ck_assert_int_eq(parse("\"0123456\n89abcdef\"\n", 1, &lim, &s), STATION_E_TOO_LARGE);
  /* Too many fields: flawed, only max_fields kept, parsing goes on. */
  ck_assert_int_eq(parse("a,b,c,d,e\nx\n", 0, &lim, &s), STATION_OK);
  ck_assert_str_eq(s.buf, "1:a|b|c!3\n2:x\n");
}
END_TEST

/* ---- the file reader ---- */

struct fsink {
  unsigned long records;
  char first[256];
};

static int fsink_rec(void *user, const struct station_csv_rec *rec)
{
  struct fsink *s = user;
  if (s->records++ == 0 && rec->n > 0)
    snprintf(s->first, sizeof s->first, "%.*s", (int)rec->fields[0].len, rec->fields[0].data);
  return 0;
}

static int read_file(const char *path, const struct station_csv_limits *lim,
                     struct station_csv_file_info *fi, struct station_problem *why,
                     struct fsink *s)
{
  memset(s, 0, sizeof *s);
  return station_csv_read_file(path, lim, NULL, fsink_rec, s, fi, why);
}

START_TEST(test_reader_encodings)
{
  struct station_csv_file_info fi;
  struct station_problem why;
  struct fsink s;
  st_tmpdir();
  /* UTF-8 without and with BOM (the BOM is dropped). */
  st_write(st_path("u.csv"), "姓名,x\n张三,1\n", -1);
  ck_assert_int_eq(read_file(st_path("u.csv"), NULL, &fi, &why, &s), STATION_OK);
  ck_assert_int_eq(fi.encoding, STATION_CSV_UTF8);
  ck_assert_str_eq(s.first, "姓名");
  st_write(st_path("b.csv"), "\xEF\xBB\xBF姓名,x\n", -1);
  ck_assert_int_eq(read_file(st_path("b.csv"), NULL, &fi, &why, &s), STATION_OK);
  ck_assert_int_eq(fi.encoding, STATION_CSV_UTF8_BOM);
  ck_assert_str_eq(s.first, "姓名");
  /* GBK: 姓名 = D0 D5 C3 FB. */
  st_write(st_path("g.csv"), "\xD0\xD5\xC3\xFB,x\n\xD5\xC5\xC8\xFD,1\n", -1);
  ck_assert_int_eq(read_file(st_path("g.csv"), NULL, &fi, &why, &s), STATION_OK);
  ck_assert_int_eq(fi.encoding, STATION_CSV_GB18030);
  ck_assert_str_eq(s.first, "姓名");
  ck_assert_uint_eq(s.records, 2);
  /* GBK whose first characters happen to be valid UTF-8 (E4 B8 AD E6 96 87 is UTF-8
   * 中文, and GB18030 涓, U+E15F, 枃): the whole file decides. */
  st_write(st_path("g2.csv"), "\xE4\xB8\xAD\xE6\x96\x87\n\xD5\xC5\xC8\xFD\n", -1);
  ck_assert_int_eq(read_file(st_path("g2.csv"), NULL, &fi, &why, &s), STATION_OK);
  ck_assert_int_eq(fi.encoding, STATION_CSV_GB18030);
  ck_assert_str_eq(s.first, "\xE6\xB6\x93\xEE\x85\x9F\xE6\x9E\x83");
  /* Neither: 0xFF is no lead byte in either. Refused with the line. */
  st_write(st_path("n.csv"), "a,b\nc,d\ne,\xFF\xFF\n", -1);
  ck_assert_int_eq(read_file(st_path("n.csv"), NULL, &fi, &why, &s), STATION_E_ENCODING);
  ck_assert_uint_eq(why.line, 3);
  /* A file cut inside a GBK character: refused too. */
  st_write(st_path("t.csv"), "a\n\xD0", -1);
  ck_assert_int_eq(read_file(st_path("t.csv"), NULL, &fi, &why, &s), STATION_E_ENCODING);
  ck_assert_uint_eq(why.line, 2);
  /* Digest of the raw bytes. */
  st_write(st_path("abc.csv"), "abc", 3);
  ck_assert_int_eq(read_file(st_path("abc.csv"), NULL, &fi, &why, &s), STATION_OK);
  ck_assert_str_eq(fi.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  /* Missing file. */
  ck_assert_int_eq(read_file(st_path("missing.csv"), NULL, &fi, &why, &s), STATION_E_IO);
}
END_TEST

static long maxrss_kb(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

START_TEST(test_reader_caps_bounded_memory)
{
  struct station_csv_file_info fi;
  struct station_problem why;
  struct fsink s;
  struct station_csv_limits lim;
  st_tmpdir();
  station_csv_limits_default(&lim);

  /* A sparse file over the default 256 MiB cap: refused before reading a byte. */
  FILE *f = fopen(st_path("huge.csv"), "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(ftruncate(fileno(f), (off_t)300 * 1024 * 1024), 0);
  fclose(f);
  long before = maxrss_kb();
  ck_assert_int_eq(read_file(st_path("huge.csv"), &lim, &fi, &why, &s), STATION_E_TOO_LARGE);
  ck_assert_ptr_nonnull(strstr(why.text, "268435456"));
  unlink(st_path("huge.csv"));

  /* 24 MiB in one line without a line end, read through (cap raised): refused at the
   * 64 KiB record cap, line 1, with memory growing by far less than the file. */
  lim.max_file = 64ull * 1024 * 1024;
  f = fopen(st_path("line.csv"), "wb");
  ck_assert_ptr_nonnull(f);
  char block[4096];
  memset(block, 'a', sizeof block);
  for (int i = 0; i < 24 * 256; i++)
    fwrite(block, 1, sizeof block, f);
  fclose(f);
  ck_assert_int_eq(read_file(st_path("line.csv"), &lim, &fi, &why, &s), STATION_E_TOO_LARGE);
  ck_assert_uint_eq(why.line, 1);
  ck_assert_ptr_nonnull(strstr(why.text, "65536"));
  /* 24 MiB of many valid lines with a 8 MiB file cap: refused in the first pass. */
  lim.max_file = 8ull * 1024 * 1024;
  f = fopen(st_path("many.csv"), "wb");
  ck_assert_ptr_nonnull(f);
  for (int i = 0; i < 24 * 256; i++) {
    memset(block, 'b', sizeof block);
    block[sizeof block - 1] = '\n';
    fwrite(block, 1, sizeof block, f);
  }
  fclose(f);
  ck_assert_int_eq(read_file(st_path("many.csv"), &lim, &fi, &why, &s), STATION_E_TOO_LARGE);
  long growth = maxrss_kb() - before;
  ck_assert_msg(growth < 6 * 1024, "max RSS grew by %ld KiB reading 24 MiB files", growth);
  unlink(st_path("line.csv"));
  unlink(st_path("many.csv"));
}
END_TEST

static Suite *csv_suite(void)
{
  Suite *s = suite_create("station.csv");
  TCase *tc = tcase_create("csv");
  tcase_add_loop_test(tc, test_csv_table, 0, (int)(sizeof csv_cases / sizeof csv_cases[0]));
  tcase_add_test(tc, test_csv_limits);
  tcase_add_test(tc, test_reader_encodings);
  tcase_add_test(tc, test_reader_caps_bounded_memory);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(csv_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
