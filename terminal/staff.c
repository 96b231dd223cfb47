/* Who is acting at this terminal (staff.h). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "staff.h"

static struct {
  pthread_mutex_t mu;
  char configured[TERM_STAFF_ID_MAX + 1];
  int roster_in_force;                   /* 1: only a signed-in member acts */
  char signed_in[TERM_STAFF_ID_MAX + 1]; /* "" : nobody */
} g = {PTHREAD_MUTEX_INITIALIZER, "", 0, ""};

void term_staff_init(const char *configured_id)
{
  pthread_mutex_lock(&g.mu);
  snprintf(g.configured, sizeof g.configured, "%s", configured_id ? configured_id : "");
  g.signed_in[0] = '\0';
  g.roster_in_force = 0;
  pthread_mutex_unlock(&g.mu);
}

int term_staff_current(char *out, size_t cap)
{
  if (!out || cap == 0)
    return 0;
  pthread_mutex_lock(&g.mu);
  const char *id = g.roster_in_force ? g.signed_in : g.configured;
  int fits = strlen(id) < cap;
  snprintf(out, cap, "%s", fits ? id : "");
  pthread_mutex_unlock(&g.mu);
  return fits && out[0] != '\0';
}
