#include "station_test_util.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "station/round.h"
#include "station/station.h"

static char st_dir[512];

const char *st_tmpdir(void)
{
  const char *base = getenv("YH_BINARY_DIR");
  char tmpl[512];
  if (base) {
    snprintf(tmpl, sizeof tmpl, "%s/tmp", base);
    mkdir(tmpl, 0700);
    snprintf(tmpl, sizeof tmpl, "%s/tmp/station-XXXXXX", base);
  } else {
    snprintf(tmpl, sizeof tmpl, "/tmp/station-XXXXXX");
  }
  ck_assert_ptr_nonnull(mkdtemp(tmpl));
  snprintf(st_dir, sizeof st_dir, "%s", tmpl);
  return st_dir;
}

const char *st_path(const char *name)
{
  static char bufs[4][600];
  static int k;
  char *b = bufs[k++ % 4];
  snprintf(b, sizeof bufs[0], "%s/%s", st_dir, name);
  return b;
}

void st_write(const char *path, const void *data, long len)
{
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  size_t n = len < 0 ? strlen(data) : (size_t)len;
  ck_assert_uint_eq(fwrite(data, 1, n, f), n);
  ck_assert_int_eq(fclose(f), 0);
}

char *st_idno(const char *digits17, char out[19])
{
  memcpy(out, digits17, 17);
  out[17] = common_id_check_char(digits17);
  out[18] = '\0';
  return out;
}

char *st_read(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  ck_assert_ptr_nonnull(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  ck_assert_ptr_nonnull(b);
  ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
  b[n] = '\0';
  fclose(f);
  if (len)
    *len = (size_t)n;
  return b;
}

void st_round_award(struct station_db *db, const char *round, int32_t today)
{
  char why[300] = "";
  struct station_round_step s = {"clerk1", today - 8, "minutes-1", 0, NULL};
  ck_assert_msg(station_round_advance(db, round, STATION_ROUND_DECIDED, &s, today, why,
                                      sizeof why) == STATION_OK, "decide: %s", why);
  s.ref = NULL;
  ck_assert_msg(station_round_advance(db, round, STATION_ROUND_REVIEWED, &s, today, why,
                                      sizeof why) == STATION_OK, "review: %s", why);
  s.days = 7;
  s.contact = "市献血办公室 0775-1234567";
  ck_assert_msg(station_round_advance(db, round, STATION_ROUND_NOTICE, &s, today, why,
                                      sizeof why) == STATION_OK, "publish: %s", why);
  s.day = today - 1;
  s.ref = "玉政函〔2021〕1号";
  ck_assert_msg(station_round_advance(db, round, STATION_ROUND_AWARDED, &s, today, why,
                                      sizeof why) == STATION_OK, "award: %s", why);
}
