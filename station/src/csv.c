/* The RFC 4180 parser: a byte state machine with a run scanner for the common case
 * (plain field bytes are copied in spans, not one by one); and the one field writer of
 * the station's CSV exports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "station/csv.h"
#include "station_int.h"

void station_csv_put(FILE *out, const char *s, int last)
{
  if (strpbrk(s, ",\"\r\n")) {
    fputc('"', out);
    for (; *s; s++) {
      if (*s == '"')
        fputc('"', out);
      fputc(*s, out);
    }
    fputc('"', out);
  } else {
    fputs(s, out);
  }
  fputs(last ? "\r\n" : ",", out);
}

enum csv_state {
  CSV_FIELD_START = 0, /* at the start of a field */
  CSV_UNQUOTED,        /* inside an unquoted field */
  CSV_QUOTED,          /* inside a quoted field */
  CSV_QUOTE_SEEN,      /* a quote inside a quoted field: "" or the closing quote */
  CSV_DEAD,            /* after a fatal error */
};

struct station_csv {
  struct station_csv_limits lim;
  station_csv_record_fn fn;
  void *user;
  char *buf; /* the record's field bytes, concatenated; len <= cap <= max_record */
  size_t len, cap;
  struct station_csv_field *fields; /* max_fields */
  size_t *ends;                     /* end offset of each kept field */
  size_t nf;                        /* fields completed in this record (may pass max) */
  size_t field_start;               /* offset in buf where the current field starts */
  size_t raw;                       /* raw bytes of this record so far */
  unsigned long line, rec_line;
  enum csv_state state;
  int skip_lf;  /* the previous byte was a CR: a following LF does not count a line */
  int started;  /* the record has a byte (a blank line has none) */
  enum station_csv_flaw flaw;
};

const char *station_csv_flaw_text(int flaw)
{
  switch (flaw) {
#define STATION_X_FT(name, value, text)                                                  \
  case (value):                                                                          \
    return (text);
    STATION_CSV_FLAW_MAP(STATION_X_FT)
#undef STATION_X_FT
  default:
    return "malformed record";
  }
}

void station_csv_limits_default(struct station_csv_limits *lim)
{
  lim->max_record = STATION_CSV_DEFAULT_MAX_RECORD;
  lim->max_fields = STATION_CSV_DEFAULT_MAX_FIELDS;
  lim->max_file = STATION_CSV_DEFAULT_MAX_FILE;
}

int station_csv_create(const struct station_csv_limits *lim, station_csv_record_fn fn,
                       void *user, struct station_csv **out)
{
  if (!out || !fn)
    return STATION_E_INVALID_ARG;
  *out = NULL;
  struct station_csv *p = calloc(1, sizeof *p);
  if (!p)
    return STATION_E_NO_MEMORY;
  if (lim)
    p->lim = *lim;
  else
    station_csv_limits_default(&p->lim);
  if (p->lim.max_record == 0 || p->lim.max_fields == 0 || p->lim.max_fields > 4096) {
    free(p);
    return STATION_E_INVALID_ARG;
  }
  p->fn = fn;
  p->user = user;
  p->cap = p->lim.max_record < 4096 ? p->lim.max_record : 4096;
  p->buf = malloc(p->cap);
  p->fields = calloc(p->lim.max_fields, sizeof *p->fields);
  p->ends = calloc(p->lim.max_fields, sizeof *p->ends);
  if (!p->buf || !p->fields || !p->ends) {
    station_csv_destroy(p);
    return STATION_E_NO_MEMORY;
  }
  p->line = 1;
  *out = p;
  return STATION_OK;
}

void station_csv_destroy(struct station_csv *p)
{
  if (!p)
    return;
  free(p->buf);
  free(p->fields);
  free(p->ends);
  free(p);
}

unsigned long station_csv_line(const struct station_csv *p)
{
  return p ? p->line : 0;
}

/* Field bytes of a field past max_fields are not kept (the record is flawed anyway). */
static int csv_append(struct station_csv *p, const char *s, size_t n)
{
  if (p->nf >= p->lim.max_fields)
    return STATION_OK;
  if (n > p->cap - p->len) {
    /* len never exceeds raw, which is checked against max_record first. */
    size_t want = p->cap;
    while (want - p->len < n)
      want *= 2;
    if (want > p->lim.max_record)
      want = p->lim.max_record;
    if (want - p->len < n)
      return STATION_E_TOO_LARGE;
    char *nb = realloc(p->buf, want);
    if (!nb)
      return STATION_E_NO_MEMORY;
    p->buf = nb;
    p->cap = want;
  }
  memcpy(p->buf + p->len, s, n);
  p->len += n;
  return STATION_OK;
}

static void csv_end_field(struct station_csv *p)
{
  if (p->nf < p->lim.max_fields) {
    p->ends[p->nf] = p->len;
  } else if (p->flaw == STATION_CSV_FLAW_NONE) {
    p->flaw = STATION_CSV_FLAW_TOO_MANY_FIELDS;
  }
  p->nf++;
  p->field_start = p->len;
}

static int csv_end_record(struct station_csv *p)
{
  int rc = STATION_OK;
  csv_end_field(p);
  /* A blank line: one empty unquoted field and nothing else. */
  if (p->started) {
    size_t n = p->nf < p->lim.max_fields ? p->nf : p->lim.max_fields;
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
      p->fields[i].data = p->buf + start;
      p->fields[i].len = p->ends[i] - start;
      start = p->ends[i];
    }
    struct station_csv_rec rec = {p->rec_line, p->fields, n, p->flaw};
    rc = p->fn(p->user, &rec);
  }
  p->len = 0;
  p->nf = 0;
  p->field_start = 0;
  p->raw = 0;
  p->started = 0;
  p->flaw = STATION_CSV_FLAW_NONE;
  p->state = CSV_FIELD_START;
  return rc;
}

/* Bytes that end a plain run: in unquoted context and in quoted context. */
static const uint8_t csv_special_unquoted[256] = {['"'] = 1, [','] = 1, ['\r'] = 1, ['\n'] = 1};
static const uint8_t csv_special_quoted[256] = {['"'] = 1, ['\r'] = 1, ['\n'] = 1};

int station_csv_feed(struct station_csv *p, const void *data, size_t len)
{
  const char *s = data;
  size_t i = 0;
  int rc;

  if (!p || (!s && len))
    return STATION_E_INVALID_ARG;
  if (p->state == CSV_DEAD)
    return STATION_E_INVALID_ARG;
  while (i < len) {
    char c = s[i];
    if (!p->started && p->nf == 0 && p->state == CSV_FIELD_START) {
      p->rec_line = p->line;
    }
    /* Plain text right after a closing quote: flawed, kept as text (unquoted). */
    if (p->state == CSV_QUOTE_SEEN && !csv_special_unquoted[(uint8_t)c]) {
      if (p->flaw == STATION_CSV_FLAW_NONE)
        p->flaw = STATION_CSV_FLAW_TEXT_AFTER_QUOTE;
      p->state = CSV_UNQUOTED;
    }
    /* Runs of plain bytes. */
    if ((p->state == CSV_UNQUOTED || p->state == CSV_FIELD_START) &&
        !csv_special_unquoted[(uint8_t)c]) {
      size_t j = i + 1;
      while (j < len && !csv_special_unquoted[(uint8_t)s[j]])
        j++;
      size_t n = j - i;
      if (n > p->lim.max_record - p->raw) {
        p->line = p->rec_line;
        p->state = CSV_DEAD;
        return STATION_E_TOO_LARGE;
      }
      p->raw += n;
      if ((rc = csv_append(p, s + i, n)) != STATION_OK) {
        p->state = CSV_DEAD;
        return rc;
      }
      p->started = 1;
      p->skip_lf = 0;
      p->state = CSV_UNQUOTED;
      i = j;
      continue;
    }
    if (p->state == CSV_QUOTED && !csv_special_quoted[(uint8_t)c]) {
      size_t j = i + 1;
      while (j < len && !csv_special_quoted[(uint8_t)s[j]])
        j++;
      size_t n = j - i;
      if (n > p->lim.max_record - p->raw) {
        p->line = p->rec_line;
        p->state = CSV_DEAD;
        return STATION_E_TOO_LARGE;
      }
      p->raw += n;
      if ((rc = csv_append(p, s + i, n)) != STATION_OK) {
        p->state = CSV_DEAD;
        return rc;
      }
      p->skip_lf = 0;
      i = j;
      continue;
    }

    /* One special byte. Line counting first: CR, LF and CRLF each end one line. */
    int was_cr_lf = (c == '\n' && p->skip_lf);
    if (c == '\n' && !p->skip_lf)
      p->line++;
    else if (c == '\r')
      p->line++;
    p->skip_lf = (c == '\r');
    i++;

    switch (p->state) {
    case CSV_FIELD_START:
    case CSV_UNQUOTED:
      if (c == ',') {
        p->started = 1;
        csv_end_field(p);
        p->state = CSV_FIELD_START;
      } else if (c == '\n' || c == '\r') {
        if (was_cr_lf && !p->started && p->nf == 0)
          continue; /* the LF of a CRLF that ended the previous record */
        if ((rc = csv_end_record(p)) != STATION_OK) {
          p->state = CSV_DEAD;
          return rc;
        }
        continue; /* raw does not count line ends */
      } else { /* '"' */
        p->started = 1;
        if (p->state == CSV_FIELD_START && p->len == p->field_start) {
          p->state = CSV_QUOTED;
        } else {
          if (p->flaw == STATION_CSV_FLAW_NONE)
            p->flaw = STATION_CSV_FLAW_STRAY_QUOTE;
          if ((rc = csv_append(p, &c, 1)) != STATION_OK) {
            p->state = CSV_DEAD;
            return rc;
          }
        }
      }
      break;
    case CSV_QUOTED:
      if (c == '"') {
        p->state = CSV_QUOTE_SEEN;
      } else if ((rc = csv_append(p, &c, 1)) != STATION_OK) { /* CR or LF, kept */
        p->state = CSV_DEAD;
        return rc;
      }
      break;
    case CSV_QUOTE_SEEN:
      if (c == '"') {
        if ((rc = csv_append(p, &c, 1)) != STATION_OK) {
          p->state = CSV_DEAD;
          return rc;
        }
        p->state = CSV_QUOTED;
      } else if (c == ',') {
        csv_end_field(p);
        p->state = CSV_FIELD_START;
      } else if (c == '\n' || c == '\r') {
        if ((rc = csv_end_record(p)) != STATION_OK) {
          p->state = CSV_DEAD;
          return rc;
        }
        continue;
      }
      break;
    case CSV_DEAD:
      return STATION_E_INVALID_ARG;
    }
    if (++p->raw > p->lim.max_record) {
      p->line = p->rec_line;
      p->state = CSV_DEAD;
      return STATION_E_TOO_LARGE;
    }
  }
  return STATION_OK;
}

int station_csv_finish(struct station_csv *p)
{
  if (!p || p->state == CSV_DEAD)
    return STATION_E_INVALID_ARG;
  if (p->state == CSV_QUOTED) {
    p->line = p->rec_line;
    p->state = CSV_DEAD;
    return STATION_E_SYNTAX;
  }
  int rc = STATION_OK;
  if (p->started || p->nf > 0)
    rc = csv_end_record(p);
  p->state = CSV_DEAD;
  return rc;
}
