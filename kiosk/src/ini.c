/* kiosk's edge to common's INI reader (ini.h). */
#include <stdio.h>

#include "ini.h"

int kiosk_err_from_common(int err)
{
  switch (err) {
  case COMMON_OK: return KIOSK_OK;
  case COMMON_E_SYNTAX: return KIOSK_E_SYNTAX;
  case COMMON_E_RANGE: return KIOSK_E_RANGE;
  case COMMON_E_TOO_LARGE: return KIOSK_E_TOO_LARGE;
  case COMMON_E_NO_MEMORY: return KIOSK_E_NO_MEMORY;
  case COMMON_E_IO: return KIOSK_E_IO;
  case COMMON_E_NOT_FOUND: return KIOSK_E_NOT_FOUND;
  default: return KIOSK_E_INVALID_ARG;
  }
}

static int from_common(const struct common_diag *cd, int err, struct kiosk_diag *diag)
{
  return kiosk_diag_set(diag, kiosk_err_from_common(err), cd->file, cd->line, "%s", cd->text);
}

/* The kiosk handlers run inside common's callbacks; their code and diagnostic wait here
 * until the reader has returned. */
struct bridge {
  const struct kiosk_ini_handler *h;
  void *user;
  struct kiosk_diag *diag;
  int rc;
};

static int on_section(void *user, const char *name, unsigned line)
{
  struct bridge *b = user;
  b->rc = b->h->section ? b->h->section(b->user, name, line, b->diag) : KIOSK_OK;
  return b->rc != KIOSK_OK;
}

static int on_pair(void *user, const char *section, const char *key, const char *value,
                   unsigned line)
{
  struct bridge *b = user;
  b->rc = b->h->pair ? b->h->pair(b->user, section, key, value, line, b->diag) : KIOSK_OK;
  return b->rc != KIOSK_OK;
}

int kiosk_ini_parse(const char *buf, size_t len, const char *file,
                    const struct kiosk_ini_handler *h, void *user, struct kiosk_diag *diag)
{
  static const struct common_ini_handler ch = {on_section, on_pair};
  struct bridge b = {h, user, diag, KIOSK_OK};
  struct common_diag cd = {{0}, 0, {0}};
  if (!h)
    return kiosk_diag_set(diag, KIOSK_E_INVALID_ARG, file, 0, "no input");
  int rc = common_ini_parse(buf, len, file, NULL, &ch, &b, &cd);
  if (rc == COMMON_E_STOPPED)
    return b.rc;
  if (rc != COMMON_OK)
    return from_common(&cd, rc, diag);
  return KIOSK_OK;
}

int kiosk_read_file(const char *path, size_t max, char **out, size_t *len,
                    struct kiosk_diag *diag)
{
  struct common_diag cd = {{0}, 0, {0}};
  int rc = common_read_file(path, max, out, len, &cd);
  return rc == COMMON_OK ? KIOSK_OK : from_common(&cd, rc, diag);
}
