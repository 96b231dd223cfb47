/* The tariff in force at one terminal (kiosk/tariff.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ini.h"
#include "kiosk/decide.h"
#include "kiosk/tariff.h"

/* kiosk's visit values are proto's, by name: checked here where both are known. */
_Static_assert((int)KIOSK_VISIT_OUTPATIENT == (int)PROTO_VISIT_OUTPATIENT &&
                   (int)KIOSK_VISIT_INPATIENT == (int)PROTO_VISIT_INPATIENT &&
                   (int)KIOSK_VISIT_EMERGENCY == (int)PROTO_VISIT_EMERGENCY,
               "kiosk_visit and proto_visit differ");

struct kiosk_tariff {
  pthread_mutex_t mu;
  int held;
  struct proto_tariff t;
};

int kiosk_tariff_create(struct kiosk_tariff **out)
{
  *out = NULL;
  struct kiosk_tariff *h = calloc(1, sizeof *h);
  if (!h)
    return KIOSK_E_NO_MEMORY;
  pthread_mutex_init(&h->mu, NULL);
  *out = h;
  return KIOSK_OK;
}

void kiosk_tariff_destroy(struct kiosk_tariff *h)
{
  if (!h)
    return;
  pthread_mutex_destroy(&h->mu);
  free(h);
}

int kiosk_tariff_check(const char *content, size_t len, const char *site,
                       struct proto_tariff *out, char *why, size_t why_cap)
{
  char perr[160] = "";
  if (proto_tariff_parse(content, len, out, perr, sizeof perr) != PROTO_OK) {
    snprintf(why, why_cap, "not a tariff: %s", perr);
    return KIOSK_E_FORMAT;
  }
  if (!site || strcmp(out->site, site) != 0) {
    snprintf(why, why_cap, "the tariff is another site's");
    memset(out, 0, sizeof *out);
    return KIOSK_E_CONFIG;
  }
  return KIOSK_OK;
}

int kiosk_tariff_set(struct kiosk_tariff *h, const struct proto_tariff *t)
{
  if (!h || !t)
    return KIOSK_E_INVALID_ARG;
  int rc = KIOSK_OK;
  pthread_mutex_lock(&h->mu);
  if (h->held && t->version <= h->t.version)
    rc = KIOSK_E_NOT_NEWER;
  else {
    h->t = *t;
    h->held = 1;
  }
  pthread_mutex_unlock(&h->mu);
  return rc;
}

int kiosk_tariff_load_file(struct kiosk_tariff *h, const char *path, const char *site,
                           struct kiosk_diag *diag)
{
  char *buf = NULL, why[200];
  size_t len = 0;
  struct common_diag cd;
  int rc = common_read_file(path, PROTO_TARIFF_DOC_MAX, &buf, &len, &cd);
  if (rc == COMMON_E_NOT_FOUND)
    return KIOSK_E_NOT_FOUND;
  if (rc != COMMON_OK)
    return kiosk_diag_set(diag, rc == COMMON_E_TOO_LARGE ? KIOSK_E_TOO_LARGE : KIOSK_E_IO, path,
                          0, "%s", rc == COMMON_E_TOO_LARGE ? "larger than a tariff" : cd.text);
  struct proto_tariff *t = malloc(sizeof *t);
  if (!t) {
    free(buf);
    return kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, path, 0, "out of memory");
  }
  rc = kiosk_tariff_check(buf, len, site, t, why, sizeof why);
  free(buf);
  if (rc == KIOSK_OK)
    rc = kiosk_tariff_set(h, t);
  free(t);
  if (rc == KIOSK_E_NOT_NEWER)
    return kiosk_diag_set(diag, rc, path, 0, "not newer than the tariff in force");
  return rc == KIOSK_OK ? KIOSK_OK : kiosk_diag_set(diag, rc, path, 0, "%s", why);
}

uint64_t kiosk_tariff_version(struct kiosk_tariff *h)
{
  if (!h)
    return 0;
  pthread_mutex_lock(&h->mu);
  uint64_t v = h->held ? h->t.version : 0;
  pthread_mutex_unlock(&h->mu);
  return v;
}

int kiosk_tariff_fee(struct kiosk_tariff *h, int visit, int32_t day, int64_t *fee_fen,
                     uint64_t *version)
{
  *fee_fen = 0;
  if (version)
    *version = 0;
  if (!h)
    return KIOSK_E_NOT_FOUND;
  int rc = KIOSK_E_NOT_FOUND;
  pthread_mutex_lock(&h->mu);
  const struct proto_tariff_item *it = h->held ? proto_tariff_find(&h->t, visit, day) : NULL;
  if (it) {
    *fee_fen = it->fee_fen;
    if (version)
      *version = h->t.version;
    rc = KIOSK_OK;
  }
  pthread_mutex_unlock(&h->mu);
  return rc;
}
