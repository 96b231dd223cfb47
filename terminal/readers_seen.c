/* Which readers are present, for the log line of a missing configured reader
 * (readers_seen.h). */
#include <stdio.h>
#include <string.h>

#include "applog.h"
#include "readers_seen.h"

void term_readers_seen_update(struct term_readers_seen *r, const char *name, int added)
{
  if (!name)
    return;
  for (unsigned i = 0; i < r->n; i++)
    if (strcmp(r->names[i], name) == 0) {
      if (!added) {
        memmove(r->names[i], r->names[i + 1], (r->n - i - 1) * sizeof r->names[0]);
        r->n--;
        r->changed = 1;
      }
      return;
    }
  if (added && r->n < TERM_READERS_SEEN_MAX) {
    snprintf(r->names[r->n++], sizeof r->names[0], "%s", name);
    r->changed = 1;
  }
}

void term_readers_seen_clear(struct term_readers_seen *r)
{
  if (r->n)
    r->changed = 1;
  r->n = 0;
}

static int present(const struct term_readers_seen *r, const char *name)
{
  for (unsigned i = 0; i < r->n; i++)
    if (strcmp(r->names[i], name) == 0)
      return 1;
  return 0;
}

/* FNV-1a over the sorted-insensitive set (order of arrival does not matter) and the
 * names looked for: the same situation is logged once. */
static uint64_t signature(const struct term_readers_seen *r, const char *a, const char *b)
{
  uint64_t h = 1469598103934665603ull;
  for (unsigned i = 0; i < r->n; i++) {
    uint64_t x = 1469598103934665603ull;
    for (const char *p = r->names[i]; *p; p++)
      x = (x ^ (unsigned char)*p) * 1099511628211ull;
    h += x * 0x9E3779B97F4A7C15ull; /* a sum: the order does not count */
  }
  for (const char *p = a; *p; p++)
    h = (h ^ (unsigned char)*p) * 1099511628211ull;
  for (const char *p = b; *p; p++)
    h = (h ^ (unsigned char)*p) * 1099511628211ull;
  return h ? h : 1;
}

void term_readers_seen_report(struct term_readers_seen *r, const char *reader,
                              const char *ssc_reader)
{
  if (!r->changed && r->checked)
    return;
  r->changed = 0;
  r->checked = 1;
  int miss = !present(r, reader), miss_ssc = ssc_reader[0] && !present(r, ssc_reader);
  if (!miss && !miss_ssc) {
    r->logged = 0; /* all there: the next absence is news again */
    return;
  }
  uint64_t sig = signature(r, miss ? reader : "", miss_ssc ? ssc_reader : "");
  if (sig == r->logged)
    return;
  r->logged = sig;
  char list[1024] = "", want[2 * KIOSK_READER_MAX + 16] = "";
  for (unsigned i = 0; i < r->n; i++) {
    size_t len = strlen(list);
    snprintf(list + len, sizeof list - len, "%s\"%s\"", len ? ", " : "", r->names[i]);
  }
  if (miss)
    snprintf(want, sizeof want, "reader \"%s\"", reader);
  if (miss_ssc) {
    size_t len = strlen(want);
    snprintf(want + len, sizeof want - len, "%sssc_reader \"%s\"", len ? " and " : "",
             ssc_reader);
  }
  app_log("%s not connected; readers present: %s (kiosk readers lists them with their "
          "cards)", want, r->n ? list : "none");
}
