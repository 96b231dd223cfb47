/*
 * Two centres on one store (synctest.h, synctest_centre_pair_init): the rig of the
 * several-centres tests (test_pg_multi.c, test_pg_failover.c, netsync's failover tests).
 */
#include <stdio.h>
#include <string.h>

#include "synctest.h"

void synctest_centre_pair_init(struct synctest_centre *a, struct synctest_centre *b,
                               const char *dir)
{
  synctest_centre_init(a, dir, "centre.db");
  /* b's own init would make a second PostgreSQL database: take a's store instead. */
  *b = *a;
  snprintf(a->conf, sizeof a->conf, "%s/centre-a.conf", dir);
  snprintf(a->portfile, sizeof a->portfile, "%s/centre-a.port", dir);
  snprintf(a->log_path, sizeof a->log_path, "%s/centre-a.log", dir);
  snprintf(b->conf, sizeof b->conf, "%s/centre-b.conf", dir);
  snprintf(b->portfile, sizeof b->portfile, "%s/centre-b.port", dir);
  snprintf(b->log_path, sizeof b->log_path, "%s/centre-b.log", dir);
}

void synctest_centre_pair_urls(const struct synctest_centre *a, const struct synctest_centre *b,
                               char *out, size_t cap)
{
  char ua[64], ub[64];
  synctest_centre_url(a, ua, sizeof ua);
  synctest_centre_url(b, ub, sizeof ub);
  snprintf(out, cap, "%s %s", ua, ub);
}
