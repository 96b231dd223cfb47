/*
 * station award rules: the Measures' thresholds as one table and a pure function from a
 * person's totals at a cut-off date to the levels reached (Art. 7, 8, 9, 18, 21).
 *
 * Units are integers so that every comparison is exact: blood in ml, volunteer service
 * in hundredths of an hour (centihours), apheresis platelets in hundredths of a
 * therapeutic unit (centiunits). Art. 21: one therapeutic unit counts 200 ml, so a
 * centiunit counts 2 ml.
 *
 * The text's words decide the comparison: 达/达到 … (及以上) is ">=", 超过 is ">".
 *   献血之星 (Art. 7)           stars 1..5 at >= 4000, 6000, 8000, 10000, 15000 ml
 *   志愿者 (Art. 8 (1)-(5))     stars 1..5 at >= 120, 240, 360, 480, 600 hours
 *   志愿服务终身荣誉奖 (8 (6))  (span > 10 years AND hours > 1500) OR hours > 3000
 *   终身成就奖 (Art. 9)          >= 50000 ml
 * Card (Art. 18, Rules §3.1): donor star >= 3, volunteer star 5, either lifetime award.
 * The span is from the first to the last volunteer service date on or before the
 * cut-off; "> 10 years" means the last date is after the first date plus 10 years
 * (common_date_add_years; Civil Code Art. 201-202).
 */
#ifndef STATION_AWARD_H
#define STATION_AWARD_H

#include <stdint.h>

#include "common/award.h"
#include "station/station.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Award kinds: common/award.h's table (values, tokens, names, which carry the card). The
 * promotion award (Art. 6) is for organisers and money donors, is not computed from
 * donation records and carries no card: the evaluation counts awards 1..4. */
enum station_award {
  STATION_AWARD_DONOR_STAR = COMMON_AWARD_DONOR_STAR,
  STATION_AWARD_VOLUNTEER_STAR = COMMON_AWARD_VOLUNTEER_STAR,
  STATION_AWARD_VOLUNTEER_LIFETIME = COMMON_AWARD_VOLUNTEER_LIFETIME,
  STATION_AWARD_LIFETIME_ACHIEVEMENT = COMMON_AWARD_LIFETIME_ACHIEVEMENT,
};
#define STATION_AWARD_COUNT 5 /* values 1..4; index 0 unused */

/* common_award_info's token and zh for the awards 1..4; NULL otherwise. */
const char *station_award_token(int award); /* "donor_star" */
const char *station_award_zh(int award);    /* "献血之星" */
/* common_award_title_zh of (award, level in the evaluation's convention) into out:
 * "三星级“献血之星”", "五星级无偿献血志愿者", "无偿献血终身成就奖"; returns out. */
char *station_award_title_zh(int award, unsigned level, char *out, size_t cap);

/* Thresholds (the table the rules and the tests share). */
#define STATION_ML_PER_PLATELET_UNIT 200
extern const int64_t station_donor_star_ml[5];         /* 4000 .. 15000 */
extern const int64_t station_volunteer_star_centih[5]; /* 12000 .. 60000 */
#define STATION_VOLUNTEER_LIFETIME_SPAN_YEARS 10
#define STATION_VOLUNTEER_LIFETIME_SPAN_CENTIH 150000 /* with the span: > 1500 h */
#define STATION_VOLUNTEER_LIFETIME_CENTIH 300000      /* alone: > 3000 h */
#define STATION_LIFETIME_ACHIEVEMENT_ML 50000

/* A person's totals at the cut-off. */
struct station_totals {
  int64_t whole_blood_ml;
  int64_t platelet_centiunits;
  int64_t volunteer_centih;
  int has_service;           /* at least one volunteer record */
  int32_t first_service_day; /* valid when has_service */
  int32_t last_service_day;
};

/* The levels reached: index by enum station_award; stars 0..5 for the star kinds, 0/1 for
 * the lifetime kinds. */
struct station_levels {
  unsigned level[STATION_AWARD_COUNT];
};

/* Counted blood volume (Art. 21): whole blood + 200 ml per therapeutic unit. */
int64_t station_blood_ml(const struct station_totals *t);
/* The levels reached by t. */
void station_award_levels(const struct station_totals *t, struct station_levels *out);
/* 1 when (award, level), in the evaluation's convention (a single award reached is 1),
 * carries the honour card: common_award_carries_card after the conversion. */
int station_award_card_eligible(int award, unsigned level);
/* 1 when any level in l carries the card. */
int station_levels_card_eligible(const struct station_levels *l);

#ifdef __cplusplus
}
#endif
#endif /* STATION_AWARD_H */
