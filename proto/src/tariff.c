/* The tariff document's strict parser (proto/tariff.h). */
#include <stdio.h>
#include <string.h>

#include "common/date.h"
#include "common/idno.h"
#include "common/ini.h"
#include "common/token.h"
#include "proto/tariff.h"

/* Keys of a section as bits, so that "every key present" is one comparison. */
enum {
  K_FORMAT = 1u << 0,
  K_SITE = 1u << 1,
  K_VERSION = 1u << 2,
  K_ISSUED = 1u << 3,
  K_VISIT = 1u << 4,
  K_FEE = 1u << 5,
  K_FROM = 1u << 6,
  K_TO = 1u << 7,
};
#define HEAD_KEYS (K_FORMAT | K_SITE | K_VERSION | K_ISSUED)
#define ITEM_KEYS (K_VISIT | K_FEE | K_FROM)

struct pstate {
  struct proto_tariff *t;
  int in_item;      /* 0: [tariff] (or before any section), 1: an [item.N] */
  unsigned seen;    /* K_* of the current section */
  unsigned line;    /* of the current section header */
  int sections;     /* how many sections so far */
  char *why;
  size_t cap;
};

static int fail(struct pstate *p, unsigned line, const char *what)
{
  if (p->why && p->cap)
    snprintf(p->why, p->cap, "line %u: %s", line, what);
  return 1;
}

/* The section just closed has all its keys (its `to` not before its `from`). */
static int close_section(struct pstate *p, unsigned line)
{
  if (p->sections == 0)
    return 0;
  if (!p->in_item)
    return (p->seen & HEAD_KEYS) == HEAD_KEYS ? 0 : fail(p, line, "[tariff] lacks a key");
  if ((p->seen & ITEM_KEYS) != ITEM_KEYS)
    return fail(p, p->line, "item lacks visit, fee_fen or from");
  struct proto_tariff_item *it = &p->t->item[p->t->count - 1];
  if (!(p->seen & K_TO))
    it->to_day = PROTO_TARIFF_OPEN_END;
  if (it->to_day < it->from_day)
    return fail(p, p->line, "item ends before it starts");
  /* One fee per visit kind per day: periods of one kind never overlap. */
  for (size_t i = 0; i + 1 < p->t->count; i++) {
    const struct proto_tariff_item *o = &p->t->item[i];
    if (o->visit == it->visit && o->from_day <= it->to_day && it->from_day <= o->to_day)
      return fail(p, p->line, "item overlaps an earlier one of the same visit kind");
  }
  return 0;
}

static int on_section(void *user, const char *name, unsigned line)
{
  struct pstate *p = user;
  if (close_section(p, line))
    return 1;
  p->seen = 0;
  p->line = line;
  if (p->sections++ == 0) {
    if (strcmp(name, "tariff") != 0)
      return fail(p, line, "the first section must be [tariff]");
    p->in_item = 0;
    return 0;
  }
  /* [item.N]: N exactly the next number, no leading zero. */
  char want[32];
  if (p->t->count >= PROTO_TARIFF_ITEMS_MAX)
    return fail(p, line, "too many items");
  snprintf(want, sizeof want, "item.%zu", p->t->count + 1);
  if (strcmp(name, want) != 0)
    return fail(p, line, "expected the next [item.N]");
  p->in_item = 1;
  p->t->count++;
  return 0;
}

static int day_value(const char *v, int32_t *day)
{
  return common_date_parse(v, strlen(v), day) == COMMON_OK ? 0 : -1;
}

static int on_pair(void *user, const char *section, const char *key, const char *value,
                   unsigned line)
{
  struct pstate *p = user;
  (void)section;
  if (p->sections == 0)
    return fail(p, line, "key before [tariff]");
  unsigned bit;
  uint64_t u;
  if (!p->in_item) {
    struct proto_tariff *t = p->t;
    if (strcmp(key, "format") == 0) {
      bit = K_FORMAT;
      if (strcmp(value, PROTO_TARIFF_FORMAT) != 0)
        return fail(p, line, "format is not " PROTO_TARIFF_FORMAT);
    } else if (strcmp(key, "site") == 0) {
      bit = K_SITE;
      if (!common_token_valid(value, PROTO_TARIFF_SITE_MAX) || common_id_shaped(value))
        return fail(p, line, "site is not a site id");
      snprintf(t->site, sizeof t->site, "%s", value);
    } else if (strcmp(key, "version") == 0) {
      bit = K_VERSION;
      if (common_parse_u64(value, UINT64_C(1) << 53, &u) != COMMON_OK || u == 0)
        return fail(p, line, "version is not 1..2^53");
      t->version = u;
    } else if (strcmp(key, "issued") == 0) {
      bit = K_ISSUED;
      if (day_value(value, &t->issued_day))
        return fail(p, line, "issued is not a YYYY-MM-DD day");
    } else {
      return fail(p, line, "unknown key in [tariff]");
    }
  } else {
    struct proto_tariff_item *it = &p->t->item[p->t->count - 1];
    if (strcmp(key, "visit") == 0) {
      bit = K_VISIT;
      it->visit = proto_visit_parse(value, strlen(value));
      if (it->visit <= 0)
        return fail(p, line, "visit is not outpatient, inpatient or emergency");
    } else if (strcmp(key, "fee_fen") == 0) {
      bit = K_FEE;
      if (common_parse_u64(value, PROTO_TARIFF_FEE_MAX, &u) != COMMON_OK || u == 0)
        return fail(p, line, "fee_fen is not 1..100000 fen");
      it->fee_fen = (int64_t)u;
    } else if (strcmp(key, "from") == 0) {
      bit = K_FROM;
      if (day_value(value, &it->from_day))
        return fail(p, line, "from is not a YYYY-MM-DD day");
    } else if (strcmp(key, "to") == 0) {
      bit = K_TO;
      if (day_value(value, &it->to_day))
        return fail(p, line, "to is not a YYYY-MM-DD day");
    } else {
      return fail(p, line, "unknown key in an item");
    }
  }
  p->seen |= bit; /* the INI reader already refuses a key named twice */
  return 0;
}

int proto_tariff_parse(const char *buf, size_t len, struct proto_tariff *out, char *why,
                       size_t why_cap)
{
  if (why && why_cap)
    why[0] = '\0';
  if (!out || (!buf && len))
    return PROTO_E_INVALID_ARG;
  memset(out, 0, sizeof *out);
  if (len > PROTO_TARIFF_DOC_MAX) {
    if (why && why_cap)
      snprintf(why, why_cap, "larger than %u bytes", PROTO_TARIFF_DOC_MAX);
    return PROTO_E_TOO_LARGE;
  }
  struct pstate p = {out, 0, 0, 0, 0, why, why_cap};
  struct common_ini_dialect d = {COMMON_INI_NEED_SECTION | COMMON_INI_HASH_COMMENTS,
                                 PROTO_TARIFF_DOC_MAX, 0, 0, 0};
  struct common_ini_handler h = {on_section, on_pair};
  struct common_diag diag;
  memset(&diag, 0, sizeof diag);
  int rc = common_ini_parse(buf ? buf : "", len, "tariff", &d, &h, &p, &diag);
  if (rc == COMMON_OK && p.sections == 0)
    rc = fail(&p, 1, "no [tariff] section") ? COMMON_E_STOPPED : rc;
  if (rc == COMMON_OK && close_section(&p, p.line))
    rc = COMMON_E_STOPPED;
  if (rc != COMMON_OK) {
    if (rc != COMMON_E_STOPPED && why && why_cap)
      snprintf(why, why_cap, "line %u: not in the INI dialect", diag.line);
    memset(out, 0, sizeof *out);
    return rc == COMMON_E_TOO_LARGE ? PROTO_E_TOO_LARGE : PROTO_E_MALFORMED;
  }
  return PROTO_OK;
}

const struct proto_tariff_item *proto_tariff_find(const struct proto_tariff *t, int visit,
                                                  int32_t day)
{
  if (!t)
    return NULL;
  for (size_t i = 0; i < t->count && i < PROTO_TARIFF_ITEMS_MAX; i++)
    if (t->item[i].visit == visit && t->item[i].from_day <= day && day <= t->item[i].to_day)
      return &t->item[i];
  return NULL;
}
