/*
 * station database: the station's own SQLite file. It holds the imported donation and
 * volunteer records, the people they belong to (donor id, citizen ID number, name), the
 * award rounds and their awards, and the cards (station/issue.h).
 *
 * Personal data: the file is created with mode 0600 (owner only; SQLite gives its
 * journal files the same mode) and opened with secure_delete, so that deleted rows are
 * overwritten. The ID number is kept because the desk must match an applicant's ID card
 * against the awardee and because the notice shows its masked form; the name for the
 * notice and the card. Nothing else about a person is stored (no address, no phone, no
 * blood type). docs/station.md, "Personal data".
 *
 * One struct station_db per thread. Errors: DB carries SQLite's message (which never
 * holds row values) in station_db_errmsg().
 */
#ifndef STATION_DB_H
#define STATION_DB_H

#include <stdint.h>
#include <stdio.h>

#include "station/award.h"
#include "station/csv.h"
#include "station/station.h"

#ifdef __cplusplus
extern "C" {
#endif

struct station_db;

/* Open or create the database at path (created 0600; an existing file with group or
 * other permissions is tightened to 0600) and bring its schema up to date. On failure
 * why[why_cap] (may be NULL) says what went wrong. Errors: IO, DB, NO_MEMORY. */
int station_db_open(const char *path, struct station_db **out, char *why, size_t why_cap);
void station_db_close(struct station_db *db);
/* SQLite's last message (no row values); never NULL. */
const char *station_db_errmsg(const struct station_db *db);

/* ---------------------------------------------------------------- import -- */

/* Record kinds (column `kind`). Values are stored: never renumber. */
#define STATION_KIND_MAP(X)                                                              \
  X(WHOLE_BLOOD, 1, "whole_blood", "全血", "ml")                                         \
  X(PLATELETS, 2, "platelets", "机采血小板", "therapeutic units")                        \
  X(VOLUNTEER, 3, "volunteer", "志愿服务", "hours")

enum station_kind {
#define STATION_X_KIND(name, value, token, zh, unit) STATION_KIND_##name = (value),
  STATION_KIND_MAP(STATION_X_KIND)
#undef STATION_X_KIND
};
/* Parse a kind (English token or Chinese label, see docs/station.md). */
int station_kind_parse(const char *s, size_t len, enum station_kind *out);
const char *station_kind_token(int kind);

struct station_import_opts {
  int32_t today;                      /* dates after it are refused */
  struct station_csv_limits limits;   /* file, record and field caps */
  int64_t max_whole_blood_ml;         /* per record; default 800 */
  int64_t max_platelet_centiunits;    /* per record; default 200 (2 units) */
  int64_t max_volunteer_centih;       /* per record; default 2400 (24 hours) */
  size_t max_problems;                /* problems kept; default 1000 */
};
/* Defaults, with today = station_date_today(). */
void station_import_opts_default(struct station_import_opts *o);

struct station_import_result {
  int64_t import_id;        /* this import, or the earlier one of the same file */
  int already_imported;     /* same file (SHA-256) imported before: nothing changed */
  struct station_csv_file_info file;
  unsigned long rows;       /* data records read */
  unsigned long added;      /* records new to the database */
  unsigned long unchanged;  /* records already present with the same content */
  unsigned long bad_rows;   /* records with at least one problem */
  struct station_problems problems; /* line and reason of each, up to the cap */
};

/*
 * Import a CSV export (docs/station.md "Import"). All or nothing: one transaction,
 * committed only when every row is valid. Returns OK (also when already_imported),
 * ROWS (bad rows: see res->problems; nothing changed), HEADER, TOO_LARGE, ENCODING,
 * SYNTAX, IO (res->problems holds the one fatal problem with its line), DB.
 * Free res with station_import_result_free().
 */
int station_import_csv(struct station_db *db, const char *path,
                       const struct station_import_opts *o, struct station_import_result *res);
void station_import_result_free(struct station_import_result *res);

/* ---------------------------------------------------------------- rounds -- */

#define STATION_ROUND_ID_MAX 32u

struct station_round_summary {
  unsigned long persons;        /* people with records on or before the cut-off */
  unsigned long awardees;       /* people awarded something in this round */
  unsigned long awards;         /* (person, award) pairs awarded in this round */
  unsigned long card_eligible;  /* awardees of this round who qualify for the card */
  unsigned long by_level[STATION_AWARD_COUNT][6]; /* awards per kind and level */
};

/*
 * Evaluate an award round (Art. 4: every 2 years; the schedule is the caller's) over the
 * records dated on or before cutoff. Each person gets, per award kind, the highest level
 * reached by the cut-off, if that is higher than the highest level granted in an earlier
 * round (each level is awarded once; docs/station.md "Reading of the text"). Re-running
 * the latest round replaces its results; a round before the latest is STATE; a cut-off
 * after today is INVALID_ARG. round_id: 1..32 of [A-Za-z0-9_-].
 */
int station_round_evaluate(struct station_db *db, const char *round_id, int32_t cutoff,
                           int32_t today, struct station_round_summary *sum);

struct station_awardee {
  int64_t person;
  int award;               /* enum station_award */
  unsigned level;
  int64_t blood_ml;        /* counted volume at the cut-off (Art. 21) */
  int64_t volunteer_centih;
  int card_eligible;       /* the person qualifies for the card after this round */
  char masked_name[STATION_NAME_MAX + 1];
  char masked_idno[COMMON_ID_LEN + 1];
};
typedef int (*station_awardee_fn)(void *user, const struct station_awardee *a);

/* The awards of a round, by award kind, level (highest first), then person. NOT_FOUND
 * for an unknown round. A non-zero return of fn stops and is returned. */
int station_round_awardees(struct station_db *db, const char *round_id, station_awardee_fn fn,
                           void *user);
/* The round's cut-off. NOT_FOUND for an unknown round. */
int station_round_cutoff(struct station_db *db, const char *round_id, int32_t *cutoff);

/* The public notice (公示) of a round, names and ID numbers masked: CSV (UTF-8 with a
 * BOM, for spreadsheet programs; columns in docs/station.md) or a printable HTML page. */
int station_notice_csv(struct station_db *db, const char *round_id, FILE *out);
int station_notice_html(struct station_db *db, const char *round_id, FILE *out);

/* ---------------------------------------------------------------- people -- */

/* The person with this ID number (validated first: INVALID_ARG when malformed). */
int station_person_find(struct station_db *db, const char *idno, int64_t *person);

/* Print what the station holds about a person, masked, to out (`station show`). */
int station_person_show(struct station_db *db, int64_t person, int32_t today, FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* STATION_DB_H */
