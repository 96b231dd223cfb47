/* The entries file of `kiosk revoke make` (revoke_entries.h has the grammar). */
#include "revoke_entries.h"

#include <stdlib.h>
#include <string.h>

#include "common/cardno.h"

int term_revoke_entry_parse(char *line, struct proto_rev_entry *e)
{
  char *save = NULL, *no = strtok_r(line, " \t\r\n", &save);
  char *w2 = strtok_r(NULL, " \t\r\n", &save), *w3 = strtok_r(NULL, " \t\r\n", &save);
  char *end = NULL;
  unsigned long g = 0;
  memset(e, 0, sizeof *e);
  if (!no || strlen(no) > PROTO_CARD_NO_MAX || !common_cardno_valid(no) ||
      strtok_r(NULL, " \t\r\n", &save))
    return 0;
  strcpy(e->card_no, no);
  e->kind = PROTO_REV_EXACT;
  if (w2 && strcmp(w2, "below") == 0) {
    e->kind = PROTO_REV_BELOW;
    w2 = w3;
    if (!w2)
      return 0;
  } else if (w3) {
    return 0;
  }
  if (w2) {
    /* Nine digits at most: below 2^32 without an overflow check of its own. */
    if (strlen(w2) > 9 || w2[0] < '0' || w2[0] > '9')
      return 0;
    g = strtoul(w2, &end, 10);
    if (*end)
      return 0;
  }
  e->generation = (uint32_t)g;
  return e->kind == PROTO_REV_EXACT || g >= 1;
}

enum term_revoke_entries_rc term_revoke_entries_read(FILE *f, struct proto_rev_entry *out,
                                                     size_t max, size_t *n, unsigned *lineno)
{
  char line[TERM_REVOKE_LINE_MAX];
  *n = 0;
  *lineno = 0;
  while (fgets(line, sizeof line, f)) {
    size_t k = strspn(line, " \t\r\n");
    (*lineno)++;
    if (!strchr(line, '\n') && !feof(f))
      return TERM_REVOKE_ENTRIES_TOO_LONG;
    if (line[k] == '\0' || line[k] == '#')
      continue;
    if (*n == max)
      return TERM_REVOKE_ENTRIES_TOO_MANY;
    if (!term_revoke_entry_parse(line, &out[*n]))
      return TERM_REVOKE_ENTRIES_BAD_LINE;
    (*n)++;
  }
  return TERM_REVOKE_ENTRIES_OK;
}
