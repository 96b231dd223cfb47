/* The award rules (Measures Art. 7-9, 18, 21); see station/award.h. */
#include <stdio.h>

#include "station/award.h"

const int64_t station_donor_star_ml[5] = {4000, 6000, 8000, 10000, 15000};
const int64_t station_volunteer_star_centih[5] = {12000, 24000, 36000, 48000, 60000};

/* The station evaluates awards 1..4 (not NONE, not the promotion award). */
static const struct common_award_info *evaluated(int award)
{
  return award >= STATION_AWARD_DONOR_STAR && award <= STATION_AWARD_LIFETIME_ACHIEVEMENT
             ? common_award_info(award)
             : NULL;
}

const char *station_award_token(int award)
{
  const struct common_award_info *i = evaluated(award);
  return i ? i->token : NULL;
}

const char *station_award_zh(int award)
{
  const struct common_award_info *i = evaluated(award);
  return i ? i->zh : NULL;
}

/* The evaluation's level (a single award reached is 1) as the card's (0). */
static unsigned card_level(int award, unsigned level)
{
  return common_award_has_stars(award) ? level : 0;
}

char *station_award_title_zh(int award, unsigned level, char *out, size_t cap)
{
  const char *zh = station_award_zh(award);
  if (!out || cap == 0)
    return out;
  const char *t = zh ? common_award_title_zh(award, card_level(award, level)) : "";
  snprintf(out, cap, "%s", t[0] ? t : zh ? zh : "?");
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
             t->last_service_day > common_date_add_years(t->first_service_day,
                                                          STATION_VOLUNTEER_LIFETIME_SPAN_YEARS);
  out->level[STATION_AWARD_VOLUNTEER_LIFETIME] =
      (span && t->volunteer_centih > STATION_VOLUNTEER_LIFETIME_SPAN_CENTIH) ||
      t->volunteer_centih > STATION_VOLUNTEER_LIFETIME_CENTIH;
}

int station_award_card_eligible(int award, unsigned level)
{
  return evaluated(award) && level > 0 && common_award_carries_card(award, card_level(award, level));
}

int station_levels_card_eligible(const struct station_levels *l)
{
  for (int a = 1; a < STATION_AWARD_COUNT; a++)
    if (station_award_card_eligible(a, l->level[a]))
      return 1;
  return 0;
}
