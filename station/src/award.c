/* The award rules (Measures Art. 7-9, 18, 21); see station/award.h. */
#include <stdio.h>

#include "station/award.h"

const int64_t station_donor_star_ml[5] = {4000, 6000, 8000, 10000, 15000};
const int64_t station_volunteer_star_centih[5] = {12000, 24000, 36000, 48000, 60000};

const char *station_award_token(int award)
{
  switch (award) {
#define STATION_X_AT(name, value, token, zh)                                             \
  case (value):                                                                          \
    return (token);
    STATION_AWARD_MAP(STATION_X_AT)
#undef STATION_X_AT
  default:
    return NULL;
  }
}

const char *station_award_zh(int award)
{
  switch (award) {
#define STATION_X_AZ(name, value, token, zh)                                             \
  case (value):                                                                          \
    return (zh);
    STATION_AWARD_MAP(STATION_X_AZ)
#undef STATION_X_AZ
  default:
    return NULL;
  }
}

char *station_award_title_zh(int award, unsigned level, char *out, size_t cap)
{
  static const char *const stars[6] = {"", "一星级", "二星级", "三星级", "四星级", "五星级"};
  const char *zh = station_award_zh(award);
  if (!out || cap == 0)
    return out;
  if (!zh) {
    snprintf(out, cap, "?");
  } else if (award == STATION_AWARD_DONOR_STAR && level >= 1 && level <= 5) {
    snprintf(out, cap, "%s“献血之星”", stars[level]);
  } else if (award == STATION_AWARD_VOLUNTEER_STAR && level >= 1 && level <= 5) {
    snprintf(out, cap, "%s无偿献血志愿者", stars[level]);
  } else {
    snprintf(out, cap, "%s", zh);
  }
  return out;
}

int64_t station_blood_ml(const struct station_totals *t)
{
  /* 200 ml per unit = 2 ml per centiunit (Art. 21). */
  return t->whole_blood_ml + t->platelet_centiunits * (STATION_ML_PER_PLATELET_UNIT / 100);
}

static unsigned award_stars(int64_t v, const int64_t th[5])
{
  unsigned s = 0;
  for (unsigned i = 0; i < 5; i++)
    if (v >= th[i]) /* 达 … 及以上 / 达到: at least */
      s = i + 1;
  return s;
}

void station_award_levels(const struct station_totals *t, struct station_levels *out)
{
  int64_t ml = station_blood_ml(t);
  for (unsigned i = 0; i < STATION_AWARD_COUNT; i++)
    out->level[i] = 0;
  out->level[STATION_AWARD_DONOR_STAR] = award_stars(ml, station_donor_star_ml);
  out->level[STATION_AWARD_VOLUNTEER_STAR] =
      award_stars(t->volunteer_centih, station_volunteer_star_centih);
  out->level[STATION_AWARD_LIFETIME_ACHIEVEMENT] = ml >= STATION_LIFETIME_ACHIEVEMENT_ML;
  /* 超过: strictly more, for the span and for both hour figures. */
  int span = t->has_service &&
             t->last_service_day > station_date_add_years(t->first_service_day,
                                                          STATION_VOLUNTEER_LIFETIME_SPAN_YEARS);
  out->level[STATION_AWARD_VOLUNTEER_LIFETIME] =
      (span && t->volunteer_centih > STATION_VOLUNTEER_LIFETIME_SPAN_CENTIH) ||
      t->volunteer_centih > STATION_VOLUNTEER_LIFETIME_CENTIH;
}

int station_award_card_eligible(int award, unsigned level)
{
  switch (award) {
  case STATION_AWARD_DONOR_STAR: return level >= 3;
  case STATION_AWARD_VOLUNTEER_STAR: return level >= 5;
  case STATION_AWARD_VOLUNTEER_LIFETIME:
  case STATION_AWARD_LIFETIME_ACHIEVEMENT: return level >= 1;
  default: return 0;
  }
}

int station_levels_card_eligible(const struct station_levels *l)
{
  for (int a = 1; a < STATION_AWARD_COUNT; a++)
    if (station_award_card_eligible(a, l->level[a]))
      return 1;
  return 0;
}
