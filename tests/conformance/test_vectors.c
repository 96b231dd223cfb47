/* The test vectors (docs/card-test-vectors/): each committed transcript replays byte
 * for byte (signatures by verification) against its simulator profile in test-vector
 * mode, through the real pcscd and vpcd, with `yhvectors replay`; a transcript with one
 * answer byte changed is reported as a mismatch; and the generator, run now, writes
 * exactly the committed files (so they cannot rot). */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cardsim.h"
#include "yh_fixture.h"

#define MAX_FILES 64

static char *files[MAX_FILES];
static int nfiles;
static struct cardsim *left_in;

static int by_name(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list_transcripts(void)
{
  DIR *d = opendir(VECTORS_DIR "/transcripts");
  struct dirent *e;
  if (!d)
    return;
  while ((e = readdir(d)) && nfiles < MAX_FILES) {
    size_t n = strlen(e->d_name);
    if (n > 4 && strcmp(e->d_name + n - 4, ".txt") == 0)
      files[nfiles++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(files, (size_t)nfiles, sizeof files[0], by_name);
}

/* "# profile: NAME ..." of a transcript. */
static int profile_of(const char *path, char *out, size_t cap)
{
  FILE *f = fopen(path, "r");
  char line[512];
  int found = -1;
  while (f && found && fgets(line, sizeof line, f)) {
    if (strncmp(line, "# profile: ", 11) == 0) {
      size_t n = strcspn(line + 11, " \r\n");
      if (n > 0 && n < cap) {
        memcpy(out, line + 11, n);
        out[n] = '\0';
        found = 0;
      }
    }
  }
  if (f)
    fclose(f);
  return found;
}

/* Replay path against its profile; the exit status of yhvectors. */
static int replay(const char *path, const char *profile)
{
  uint16_t port = yh_vpcd_port();
  char reader[YH_READER_NAME_MAX], cmd[2048];
  struct cardsim *sim = NULL;
  int st;
  ck_assert_int_eq(yh_reader_name(port, reader, sizeof reader), 0);
  if (left_in) {
    cardsim_destroy(left_in);
    left_in = NULL;
    yh_wait_reader_state(reader, 0, 10000);
  }
  ck_assert_int_eq(cardsim_create(NULL, port, &sim), 0);
  left_in = sim;
  ck_assert_msg(cardsim_insert(sim, profile, VECTORS_DIR "/pki") == 0, "insert %s", profile);
  ck_assert_int_eq(yh_wait_reader_state(reader, 1, 10000), 0);
  snprintf(cmd, sizeof cmd, "'%s' replay --reader '%s' '%s' 2>&1", YHVECTORS, reader, path);
  st = system(cmd);
  cardsim_remove(sim);
  yh_wait_reader_state(reader, 0, 10000);
  cardsim_destroy(sim);
  left_in = NULL;
  ck_assert(WIFEXITED(st));
  return WEXITSTATUS(st);
}

START_TEST(test_replay)
{
  char path[1024], profile[128];
  ck_assert_int_lt(_i, nfiles);
  snprintf(path, sizeof path, "%s/transcripts/%s", VECTORS_DIR, files[_i]);
  ck_assert_msg(profile_of(path, profile, sizeof profile) == 0, "%s: no profile line", path);
  fprintf(stderr, "-- %s (%s)\n", files[_i], profile);
  ck_assert_msg(replay(path, profile) == 0, "%s does not replay", files[_i]);
}
END_TEST

/* One answer byte changed (in the photo of verify-p256, then in a status word of the
 * blocked card): the replay must say so and exit 1. */
START_TEST(test_mismatch)
{
  static const char *const which[] = {"verify-p256.txt", "fail-blocked.txt"};
  char src[1024], dst[] = "/tmp/yh-tv-mismatch-XXXXXX", line[140002];
  FILE *in, *out;
  int fd, changed = 0, last_answer = 0, lines = 0;
  snprintf(src, sizeof src, "%s/transcripts/%s", VECTORS_DIR, which[_i]);
  for (in = fopen(src, "r"); in && fgets(line, sizeof line, in);)
    if (strncmp(line, "< ", 2) == 0)
      last_answer++;
  ck_assert_ptr_nonnull(in);
  rewind(in);
  fd = mkstemp(dst);
  ck_assert_int_ge(fd, 0);
  out = fdopen(fd, "w");
  while (fgets(line, sizeof line, in)) {
    if (strncmp(line, "< ", 2) == 0 && ++lines == last_answer) {
      size_t n = strcspn(line, "\r\n");
      /* the last hex digit of the last answer: its SW (blocked) or a byte before it */
      line[n - 1] = line[n - 1] == '0' ? '1' : '0';
      changed = 1;
    }
    fputs(line, out);
  }
  fclose(in);
  fclose(out);
  ck_assert(changed);
  ck_assert_int_eq(replay(dst, _i == 0 ? "honour-star3" : "honour-blank"), 1);
  unlink(dst);
}
END_TEST

/* The generator, run now, writes exactly the committed transcripts. */
START_TEST(test_fresh)
{
  char dir[] = "/tmp/yh-tv-gen-XXXXXX", cmd[2048];
  int st;
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(cmd, sizeof cmd, "'%s' generate '%s/pki' '%s/out' && diff -r '%s/out' '%s/transcripts'",
           YHVECTORS, VECTORS_DIR, dir, dir, VECTORS_DIR);
  st = system(cmd);
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
                "the committed transcripts are not what `make card_test_vectors` makes now");
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
  list_transcripts();
  Suite *s = suite_create("conformance.vectors");
  TCase *t = tcase_create("vectors");
  tcase_set_timeout(t, 120);
  tcase_add_test(t, test_fresh);
  /* 21 transcripts at the time of writing; a missing folder fails the first case. */
  tcase_add_loop_test(t, test_replay, 0, nfiles ? nfiles : 1);
  tcase_add_loop_test(t, test_mismatch, 0, 2);
  suite_add_tcase(s, t);
  SRunner *r = srunner_create(s);
  srunner_set_fork_status(r, CK_NOFORK);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
