/*
 * Benchmark: the station's import and award-round evaluation over N generated donation
 * and volunteer records (default 1,000,000), against the baseline of loading the same
 * CSV with the sqlite3 CLI (`.import --csv`) in the same run. Goal: import + evaluate
 * under 5 s for 1,000,000 records. Prints the figures and the ratios; never fails on
 * timing (exit 1 only when something does not work).
 *
 *   bench_station [--records N] [--dir DIR] [--keep] [--no-baseline]
 *
 * The CSV is generated here with a fixed-seed PRNG (xorshift64*), so every run and
 * every machine reads the same bytes; it is written to DIR (default $TMPDIR or /tmp)
 * and deleted afterwards unless --keep.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "station/db.h"

static double bench_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double bench_cpu(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the children waited for (the sqlite3 CLI). */
static double bench_children_cpu(void)
{
  struct rusage ru;
  getrusage(RUSAGE_CHILDREN, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void)
{
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1Dull;
}
static unsigned rng_below(unsigned n)
{
  return (unsigned)(rng() % n);
}

static const char *const surnames[] = {"张", "李", "王", "陈", "刘", "黄", "梁", "欧阳", "韦", "莫"};
static const char *const given[] = {"伟", "芳", "明", "丽", "强", "敏", "静", "军", "小明", "志华"};
static const char *const sites[] = {"玉林市中心血站", "容县献血屋", "北流市采血点",
                                    "陆川县献血屋", "博白县采血点", "兴业县献血屋",
                                    "玉州区\"爱心\"献血屋", "福绵区采血车, 二号"};
static const char *const regions[] = {"450902", "450903", "450921", "450922",
                                      "450923", "450924", "450981"};

static void csv_site(FILE *f, const char *s)
{
  if (strpbrk(s, ",\"")) {
    fputc('"', f);
    for (; *s; s++) {
      if (*s == '"')
        fputc('"', f);
      fputc(*s, f);
    }
    fputc('"', f);
  } else {
    fputs(s, f);
  }
}

/* Records per person: 1..12, or 40..159 for one in 25; each person's records on distinct days, so no
 * row is a duplicate. Returns the number of people. */
static unsigned long generate(const char *path, unsigned long n)
{
  FILE *f = fopen(path, "w");
  if (!f)
    return 0;
  setvbuf(f, NULL, _IOFBF, 1 << 20);
  fputs("record_id,donor_id,id_number,name,date,kind,amount,site\r\n", f);
  int32_t first_day = common_days_from_civil(2000, 1, 1);
  int32_t last_day = common_days_from_civil(2021, 6, 30);
  unsigned long rec = 0, person = 0;
  while (rec < n) {
    person++;
    char id[19], name[32];
    /* Unique ID numbers: (birth date, sequence) differs for every person. */
    int32_t birth = common_days_from_civil(1950, 1, 1) + (int32_t)(person / 1000) * 37;
    int y;
    unsigned m, d;
    common_civil_from_days(birth, &y, &m, &d);
    snprintf(id, sizeof id, "%s%04d%02u%02u%03u", regions[rng_below(7)], y, m, d,
             (unsigned)(person % 1000));
    id[17] = common_id_check_char(id);
    id[18] = '\0';
    snprintf(name, sizeof name, "%s%s", surnames[rng_below(10)], given[rng_below(10)]);
    /* Most people give a few times; one in 25 is a regular (platelets every few weeks),
     * so that every award level and the card have people in them. */
    int regular = rng_below(25) == 0;
    unsigned count = regular ? 40 + rng_below(120) : 1 + rng_below(12);
    int volunteer = rng_below(8) == 0;
    int32_t day = first_day + (int32_t)rng_below(3000);
    for (unsigned k = 0; k < count && rec < n; k++) {
      day += regular ? 14 + (int32_t)rng_below(40) : 30 + (int32_t)rng_below(200);
      if (day > last_day)
        break;
      char date[16];
      station_date_format(day, date, sizeof date);
      fprintf(f, "R%08lu,D%07lu,%s,%s,%s,", ++rec, person, id, name, date);
      unsigned r = rng_below(100);
      if (volunteer && r < 60)
        fprintf(f, "volunteer,%u.%u,", 2 + rng_below(7), rng_below(2) * 5);
      else if (r < (regular ? 30u : 80u))
        fprintf(f, "whole_blood,%u,", 200 + 100 * rng_below(3));
      else
        fprintf(f, "platelets,%s,", rng_below(2) ? "2" : "1.5");
      csv_site(f, sites[rng_below(8)]);
      fputs("\r\n", f);
    }
  }
  if (fclose(f) != 0)
    return 0;
  return person;
}

static long maxrss_mb(void)
{
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

int main(int argc, char **argv)
{
  unsigned long n = 1000000;
  const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  int keep = 0, no_base = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--records") == 0 && i + 1 < argc)
      n = strtoul(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
      dir = argv[++i];
    else if (strcmp(argv[i], "--keep") == 0)
      keep = 1;
    else if (strcmp(argv[i], "--no-baseline") == 0)
      no_base = 1;
    else {
      fprintf(stderr, "usage: bench_station [--records N] [--dir DIR] [--keep] [--no-baseline]\n");
      return 2;
    }
  }
  char work[512], csv[600], db_path[600], base_path[600], cmd[2048];
  snprintf(work, sizeof work, "%s/bench_station-XXXXXX", dir);
  if (!mkdtemp(work)) {
    perror(work);
    return 1;
  }
  snprintf(csv, sizeof csv, "%s/records.csv", work);
  snprintf(db_path, sizeof db_path, "%s/station.db", work);
  snprintf(base_path, sizeof base_path, "%s/baseline.db", work);

  double t0 = bench_now();
  unsigned long people = generate(csv, n);
  double t_gen = bench_now() - t0;
  struct stat st;
  if (!people || stat(csv, &st) != 0) {
    fprintf(stderr, "bench_station: cannot write %s\n", csv);
    return 1;
  }

  /* Baseline: the sqlite3 CLI loading the same file into a table, nothing else. */
  snprintf(cmd, sizeof cmd, "sqlite3 '%s' '.import --csv %s raw' 2>&1", base_path, csv);
  t0 = bench_now();
  double c0 = bench_children_cpu();
  int base_rc = no_base ? -1 : system(cmd);
  double t_base = bench_now() - t0, c_base = bench_children_cpu() - c0;

  struct station_db *db;
  char why[256];
  if (station_db_open(db_path, &db, why, sizeof why) != STATION_OK) {
    fprintf(stderr, "bench_station: %s\n", why);
    return 1;
  }
  struct station_import_opts o;
  station_import_opts_default(&o);
  o.today = common_days_from_civil(2021, 6, 30);
  struct station_import_result res;
  t0 = bench_now();
  c0 = bench_cpu();
  int rc = station_import_csv(db, csv, &o, &res);
  double t_import = bench_now() - t0, c_import = bench_cpu() - c0;
  if (rc != STATION_OK) {
    fprintf(stderr, "bench_station: import failed: %s\n", station_strerror(rc));
    for (size_t i = 0; i < res.problems.n && i < 5; i++)
      fprintf(stderr, "  line %lu: %s\n", res.problems.v[i].line, res.problems.v[i].text);
    return 1;
  }
  struct station_round_summary sum;
  t0 = bench_now();
  c0 = bench_cpu();
  rc = station_round_evaluate(db, "2021", o.today, o.today, &sum);
  double t_eval = bench_now() - t0, c_eval = bench_cpu() - c0;
  if (rc != STATION_OK) {
    fprintf(stderr, "bench_station: evaluate failed: %s\n", station_db_errmsg(db));
    return 1;
  }
  FILE *devnull = fopen("/dev/null", "w");
  t0 = bench_now();
  rc = station_notice_csv(db, "2021", devnull);
  double t_notice = bench_now() - t0;
  fclose(devnull);

  /* A second import of the same file: the digest says it is known. */
  struct station_import_result again;
  t0 = bench_now();
  station_import_csv(db, csv, &o, &again);
  double t_again = bench_now() - t0;

  printf("Station import + award round over %lu records (%lu people, %.1f MB CSV)\n",
         res.rows, people, (double)st.st_size / 1e6);
  printf("  (wall time; CPU time in brackets, which other load on the machine does not inflate)\n");
  printf("  generate CSV (not compared)       : %7.2f s\n", t_gen);
  if (base_rc == 0)
    printf("  sqlite3 CLI .import --csv (base)  : %7.2f s  [%6.2f s]\n", t_base, c_base);
  else
    printf("  sqlite3 CLI .import --csv (base)  :  not run or failed: no ratios\n");
  printf("  station import (validated, 1 tx) : %7.2f s  [%6.2f s]", t_import, c_import);
  if (base_rc == 0)
    printf("   %.2fx the baseline [%.2fx]", t_import / t_base, c_import / c_base);
  printf("\n  station evaluate round            : %7.2f s  [%6.2f s]   %lu awardees, %lu card-eligible\n",
         t_eval, c_eval, sum.awardees, sum.card_eligible);
  printf("  import + evaluate                 : %7.2f s  [%6.2f s]", t_import + t_eval,
         c_import + c_eval);
  if (base_rc == 0)
    printf("   %.2fx the baseline [%.2fx]", (t_import + t_eval) / t_base,
           (c_import + c_eval) / c_base);
  printf("\n  goal: import + evaluate < 5 s      : %s (wall), %s (CPU)\n",
         t_import + t_eval < 5.0 ? "met" : "not met", c_import + c_eval < 5.0 ? "met" : "not met");
  printf("  notice CSV                        : %7.2f s\n", t_notice);
  printf("  re-import of the same file        : %7.2f s   (already imported: %s)\n", t_again,
         again.already_imported ? "yes" : "NO");
  printf("  max RSS                           : %7ld MB\n", maxrss_mb());
  station_import_result_free(&res);
  station_import_result_free(&again);
  station_db_close(db);
  if (!keep) {
    unlink(csv);
    unlink(db_path);
    snprintf(cmd, sizeof cmd, "%s-wal", db_path);
    unlink(cmd);
    snprintf(cmd, sizeof cmd, "%s-shm", db_path);
    unlink(cmd);
    unlink(base_path);
    rmdir(work);
  }
  return 0;
}
