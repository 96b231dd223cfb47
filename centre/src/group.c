/*
 * Group commit: the classic leader/follower scheme. An upload joins a queue; if no commit
 * is under way its thread becomes the leader, takes every upload queued (up to a bound)
 * and applies them in one transaction on its own connection (centre_store_upload_group),
 * then wakes the others. Uploads that arrive while the leader's commit syncs wait, and
 * the next of them to wake leads the next group with all that queued meanwhile.
 *
 * Why: with small batches the centre paid one fsync'd commit per request and topped
 * out at the disk's sync rate (about 210-220 uploads/s with batches of 10). There is no
 * timer: an idle centre commits a lone upload at once (a group of one, no savepoint),
 * and a busy one shares each sync among every upload that waited for it.
 *
 * Bounded: at most CENTRE_GROUP_MAX_UPLOADS uploads and CENTRE_GROUP_MAX_EVENTS events
 * a transaction; the queue holds at most one upload per event loop (each loop's thread
 * waits in here with its upload), so the group's size is also bounded by `workers`.
 *
 * Exactly-once is the store's, unchanged: the group runs the same per-upload checks
 * under the same locks (SQLite's single writer, PostgreSQL's head-row lock), and a reply
 * is sent only after centre_group_upload returns, that is after the commit.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "centre_int.h"

struct group_entry {
  struct centre_upload_job *job;
  struct group_entry *next;
  int done;
};

struct centre_group {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct group_entry *head, **tail;
  int leading;                         /* a leader is applying a group now */
  long hold_ms;
  size_t largest;
  unsigned long groups;
};

int centre_group_create(long hold_ms, struct centre_group **out)
{
  struct centre_group *g;
  if (!out)
    return CENTRE_E_INVALID_ARG;
  *out = NULL;
  g = calloc(1, sizeof *g);
  if (!g)
    return CENTRE_E_NO_MEMORY;
  if (pthread_mutex_init(&g->mu, NULL) != 0) {
    free(g);
    return CENTRE_E_NO_MEMORY;
  }
  if (pthread_cond_init(&g->cv, NULL) != 0) {
    pthread_mutex_destroy(&g->mu);
    free(g);
    return CENTRE_E_NO_MEMORY;
  }
  g->tail = &g->head;
  g->hold_ms = hold_ms > 0 ? hold_ms : 0;
  *out = g;
  return CENTRE_OK;
}

void centre_group_destroy(struct centre_group *g)
{
  if (!g)
    return;
  pthread_cond_destroy(&g->cv);
  pthread_mutex_destroy(&g->mu);
  free(g);
}

void centre_group_stats(struct centre_group *g, size_t *largest, unsigned long *groups)
{
  pthread_mutex_lock(&g->mu);
  if (largest)
    *largest = g->largest;
  if (groups)
    *groups = g->groups;
  pthread_mutex_unlock(&g->mu);
}

/* Under g->mu: unlink the next group from the queue's head into e[]. */
static size_t take(struct centre_group *g, struct group_entry **e)
{
  size_t n = 0, events = 0;
  while (g->head && n < CENTRE_GROUP_MAX_UPLOADS) {
    size_t k = g->head->job->b ? g->head->job->b->n : 0;
    if (n > 0 && events + k > CENTRE_GROUP_MAX_EVENTS)
      break;
    events += k;
    e[n++] = g->head;
    g->head = g->head->next;
  }
  if (!g->head)
    g->tail = &g->head;
  return n;
}

int centre_group_upload(struct centre_group *g, struct centre_store *st,
                        struct centre_upload_job *j)
{
  struct group_entry me = {j, NULL, 0};
  struct group_entry *e[CENTRE_GROUP_MAX_UPLOADS];
  struct centre_upload_job *jobs[CENTRE_GROUP_MAX_UPLOADS];
  size_t n, largest = 0;

  pthread_mutex_lock(&g->mu);
  *g->tail = &me;
  g->tail = &me.next;
  while (!me.done) {
    if (g->leading) {
      pthread_cond_wait(&g->cv, &g->mu);
      continue;
    }
    g->leading = 1;
    if (g->hold_ms) {
      struct timespec ts = {g->hold_ms / 1000, (g->hold_ms % 1000) * 1000000L};
      pthread_mutex_unlock(&g->mu);
      nanosleep(&ts, NULL);
      pthread_mutex_lock(&g->mu);
    }
    n = take(g, e);
    pthread_mutex_unlock(&g->mu);
    for (size_t i = 0; i < n; i++)
      jobs[i] = e[i]->job;
    centre_store_upload_group(st, jobs, n);
    pthread_mutex_lock(&g->mu);
    for (size_t i = 0; i < n; i++)
      e[i]->done = 1;
    g->groups++;
    if (n > g->largest) {
      g->largest = n;
      largest = n;
    }
    g->leading = 0;
    pthread_cond_broadcast(&g->cv);
  }
  pthread_mutex_unlock(&g->mu);
  if (largest > 1)
    centre_log(CENTRE_LOG_INFO, "group commit: %zu uploads in one transaction (the most so far)",
               largest);
  return j->rc;
}
