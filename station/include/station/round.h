/*
 * station rounds: the award round as the regulation runs it (Measures Art. 11-17,
 * Rules 三(二)). The evaluation (db.h, station_round_evaluate) is only the first step:
 *
 *   EVALUATED --decide--> DECIDED --review--> REVIEWED --publish--> NOTICE
 *     --award--> AWARDED --close--> CLOSED
 *
 *   evaluated  the automatic evaluation from the information system's data (Art. 11)
 *   decided    the evaluation leading group discussed and decided (date, minutes
 *              reference); individual awardees can be struck with a reason (Art. 11)
 *   reviewed   the blood donation committee's final review (Art. 12)
 *   notice     the public notice (公示) is published: start date, period in days, where
 *              to object; objections are recorded against awardees and ruled on:
 *              upheld strikes the award with the reason, rejected keeps it (Art. 12)
 *   awarded    the city government awarded (date, document number) after the period,
 *              with every objection ruled on (Art. 12)
 *   closed     nothing changes any more except withdrawals
 *
 * One transition function (round.c, round_transition) writes a row into round_events
 * (who, day, reference) for every transition and every act on an awardee (strike,
 * objection, ruling, withdrawal, export, payment). A step out of order is refused with
 * STATE and a text naming the missing step.
 *
 * Only the awards of a round in AWARDED or CLOSED, not struck, can be applied for,
 * issued or counted as card-eligible (Rules 三(二): the card is made for those awarded).
 * An award withdrawn after the award revokes the cards issued on it through the
 * ordinary revocation path (local view + outbox to the centre).
 *
 * Errors: enum station_err (station.h); why[] (may be NULL) says what, never quoting a
 * name or an ID number.
 */
#ifndef STATION_ROUND_H
#define STATION_ROUND_H

#include <stdint.h>
#include <stdio.h>

#include "station/db.h"
#include "station/issue.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Round states: name, value (stored: never renumber), text, the command that reaches
 * it, what that step is. */
#define STATION_ROUND_STATE_MAP(X)                                                       \
  X(EVALUATED, 1, "evaluated", "evaluate", "the automatic evaluation")                   \
  X(DECIDED, 2, "decided", "decide", "the evaluation leading group's decision")          \
  X(REVIEWED, 3, "reviewed", "review", "the blood donation committee's final review")    \
  X(NOTICE, 4, "notice", "publish", "the public notice (公示)")                          \
  X(AWARDED, 5, "awarded", "award", "the city government's award")                      \
  X(CLOSED, 6, "closed", "close", "closing the round")

enum station_round_state {
#define STATION_X_RS(name, value, text, cmd, step) STATION_ROUND_##name = (value),
  STATION_ROUND_STATE_MAP(STATION_X_RS)
#undef STATION_X_RS
};
/* "evaluated"...; "?" for an unknown value. */
const char *station_round_state_name(int state);
/* The command that reaches the state ("decide"); NULL for an unknown value. */
const char *station_round_state_cmd(int state);
/* What the step to the state is ("the city government's award"); "?" when unknown. */
const char *station_round_state_step(int state);

/* Why an award is struck (awards.struck). Values are stored. */
#define STATION_STRUCK_MAP(X)                                                            \
  X(NONE, 0, "in force")                                                                 \
  X(DECISION, 1, "struck by the leading group")                                          \
  X(OBJECTION, 2, "struck: objection upheld")                                            \
  X(WITHDRAWN, 3, "withdrawn after the award")

enum station_struck {
#define STATION_X_ST(name, value, text) STATION_STRUCK_##name = (value),
  STATION_STRUCK_MAP(STATION_X_ST)
#undef STATION_X_ST
};
const char *station_struck_text(int struck);

/* Objection outcomes. Values are stored. */
enum station_objection_outcome {
  STATION_OBJECTION_PENDING = 0,
  STATION_OBJECTION_UPHELD = 1,   /* the award is struck with the reason */
  STATION_OBJECTION_REJECTED = 2, /* the award stands */
};

#define STATION_ROUND_REF_MAX 64u      /* minutes reference, document number */
#define STATION_ROUND_TEXT_MAX 200u    /* reasons, summaries, where to object */
#define STATION_NOTICE_DAYS_MAX 60u

/* One step: who did it, the day it happened (0: today), and what the step needs. */
struct station_round_step {
  const char *who;      /* staff id: 1..32 of [A-Za-z0-9._:/-] */
  int32_t day;          /* decision, review, notice start, award or closing day */
  const char *ref;      /* DECIDED: minutes reference (required); REVIEWED: optional;
                         * AWARDED: the government's document number (required) */
  unsigned days;        /* NOTICE: the period in days (1..60) */
  const char *contact;  /* NOTICE: where to object (1..200 bytes, shown on the notice) */
};

/*
 * Move the round to `to`, the state after its current one. STATE (why names the
 * missing step) when `to` is not next; INVALID_ARG for a missing field; NOT_FOUND for
 * an unknown round. AWARDED also needs the notice period over (the day is on or after
 * start + days) and every objection ruled on.
 */
int station_round_advance(struct station_db *db, const char *round_id,
                          enum station_round_state to, const struct station_round_step *s,
                          int32_t today, char *why, size_t why_cap);

/* The round's state (NOT_FOUND for an unknown round). */
int station_round_state(struct station_db *db, const char *round_id, int *state);

/*
 * Strike a person's award of the round with a reason. EVALUATED or DECIDED: the leading
 * group's decision. AWARDED or CLOSED: a withdrawal; the cards issued on that award are
 * revoked (local view and outbox, sent now when centre is not NULL). REVIEWED and
 * NOTICE: STATE (during the notice an award is struck by an upheld objection).
 * NOT_FOUND when the person has no such award in force in the round.
 */
int station_round_strike(struct station_db *db, const char *round_id, int64_t person, int award,
                         const char *who, const char *reason, int32_t today,
                         const struct station_centre *centre, char *why, size_t why_cap);

/* Record an objection against a person's award during the notice (state NOTICE; the
 * received day within the period). *id gets its number. */
int station_round_object(struct station_db *db, const char *round_id, int64_t person, int award,
                         int32_t received_day, const char *summary, const char *who,
                         int32_t today, int64_t *id, char *why, size_t why_cap);

/* Rule on an objection (state NOTICE): UPHELD strikes the award with the reason,
 * REJECTED keeps it. STATE when already ruled on. */
int station_round_rule(struct station_db *db, int64_t objection, enum station_objection_outcome o,
                       const char *reason, const char *who, int32_t today, char *why,
                       size_t why_cap);

/* The round, its steps, its journal and its objections, masked (`station round show`). */
int station_round_show(struct station_db *db, const char *round_id, FILE *out);

/* Configuration of the notice (`--config FILE`, section [notice]): days = N, contact =
 * TEXT. Strict INI (common/ini.h); unknown keys are errors. */
struct station_notice_config {
  unsigned days;                          /* 0: not configured */
  char contact[STATION_ROUND_TEXT_MAX + 1];
};
int station_notice_config_load(const char *path, struct station_notice_config *cfg, char *why,
                               size_t why_cap);

/*
 * When a person has a card-eligible award in force in a round not yet awarded: the
 * round's id and state into round_id[STATION_ROUND_ID_MAX + 1] and *state, and OK.
 * NOT_FOUND otherwise. For the message that names the missing step.
 */
int station_round_pending_for(struct station_db *db, int64_t person,
                              char round_id[STATION_ROUND_ID_MAX + 1], int *state);

#ifdef __cplusplus
}
#endif
#endif /* STATION_ROUND_H */
