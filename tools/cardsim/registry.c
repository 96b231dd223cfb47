/*
 * The profile registry. Profiles register themselves from constructor functions
 * (CARDSIM_PROFILE_REGISTER in cardsim.h), so adding one never edits this file. The
 * table is kept sorted by name so that `cardsim --list` is stable whatever order the
 * linker runs the constructors in.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardsim.h"

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
/* One slot more than the maximum: the list handed out is NULL-terminated. */
static const struct cardsim_profile *registry[CARDSIM_PROFILES_MAX + 1];
static size_t registry_len;

static int name_ok(const char *name)
{
  size_t n = 0;
  if (!name)
    return 0;
  for (; name[n]; n++) {
    if (n + 1 >= CARDSIM_NAME_MAX || !isgraph((unsigned char)name[n]))
      return 0;
  }
  return n > 0;
}

int cardsim_profile_register(const struct cardsim_profile *p)
{
  if (!p || !name_ok(p->name) || !p->process || !p->atr || p->atr_len < 2 ||
      p->atr_len > CARDSIM_ATR_MAX) {
    fprintf(stderr, "cardsim: profile '%s' breaks the struct cardsim_profile contract\n",
            p && p->name ? p->name : "(null)");
    return -1;
  }
  int rc = 0;
  pthread_mutex_lock(&registry_lock);
  size_t at = 0;
  while (at < registry_len && strcmp(registry[at]->name, p->name) < 0)
    at++;
  if (at < registry_len && strcmp(registry[at]->name, p->name) == 0) {
    fprintf(stderr, "cardsim: two profiles are named '%s'\n", p->name);
    rc = -1;
  } else if (registry_len >= CARDSIM_PROFILES_MAX) {
    fprintf(stderr, "cardsim: too many profiles (CARDSIM_PROFILES_MAX is %d)\n",
            CARDSIM_PROFILES_MAX);
    rc = -1;
  } else {
    memmove(&registry[at + 1], &registry[at], (registry_len - at) * sizeof registry[0]);
    registry[at] = p;
    registry_len++;
    registry[registry_len] = NULL;
  }
  pthread_mutex_unlock(&registry_lock);
  return rc;
}

void cardsim_profile_register_or_abort(const struct cardsim_profile *p)
{
  if (cardsim_profile_register(p) != 0) {
    fprintf(stderr, "cardsim: fix the profile registration above (tools/cardsim/profiles/)\n");
    abort();
  }
}

const struct cardsim_profile *cardsim_profile_find(const char *name)
{
  const struct cardsim_profile *found = NULL;
  if (!name)
    return NULL;
  pthread_mutex_lock(&registry_lock);
  for (size_t i = 0; i < registry_len; i++) {
    if (strcmp(registry[i]->name, name) == 0) {
      found = registry[i];
      break;
    }
  }
  pthread_mutex_unlock(&registry_lock);
  return found;
}

const struct cardsim_profile *const *cardsim_profiles(void)
{
  return registry;
}
