/* The set-up every centre test process repeats: the PKI, a fresh directory per test, the
 * Check runner (synctest.h). */
#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "synctest.h"

int synctest_process_init(char *pki_dir, size_t cap, const char *const *terms, size_t n)
{
  /* A centre that refuses a request and closes early is an answer to read, not a
   * SIGPIPE that ends the test. */
  signal(SIGPIPE, SIG_IGN);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (synctest_tmpdir("pki", pki_dir, cap) != 0 || synctest_pki_make(pki_dir, terms, n) != 0) {
    fprintf(stderr, "cannot make the test PKI\n");
    return -1;
  }
  return 0;
}

int synctest_centre_fresh(struct synctest_centre *c, const char *pki_dir, const char *tag)
{
  char dir[512], cmd[2600];
  if (synctest_tmpdir(tag, dir, sizeof dir) != 0)
    return -1;
  snprintf(cmd, sizeof cmd, "cp -p %s/*.pem %s/*.key %s/*.pub %s/", pki_dir, pki_dir, pki_dir,
           dir);
  if (system(cmd) != 0)
    return -1;
  synctest_centre_init(c, dir, "centre.db");
  return 0;
}

int synctest_run_suite(struct Suite *s)
{
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
