/* The award vocabulary (award.h). */
#include <string.h>

#include "common/award.h"

static const struct common_award_info awards[COMMON_AWARD_COUNT] = {
#define COMMON_X_AI(name, value, token, en, zh, lo, hi, card)                            \
  [value] = {(value), (token), (en), (zh), (lo), (hi), (card)},
    COMMON_AWARD_MAP(COMMON_X_AI)
#undef COMMON_X_AI
};

const struct common_award_info *common_award_info(int award)
{
  if (award < 0 || award >= COMMON_AWARD_COUNT || !awards[award].token)
    return NULL;
  return &awards[award];
}

int common_award_from_token(const char *s)
{
  for (int a = 0; s && a < COMMON_AWARD_COUNT; a++)
    if (awards[a].token && strcmp(s, awards[a].token) == 0)
      return a;
  return -1;
}

int common_award_has_stars(int award)
{
  const struct common_award_info *i = common_award_info(award);
  return i && i->max_level > 0;
}

int common_award_valid(int award, unsigned level)
{
  const struct common_award_info *i = common_award_info(award);
  return i && award != COMMON_AWARD_NONE && level >= i->min_level && level <= i->max_level;
}

int common_award_carries_card(int award, unsigned level)
{
  const struct common_award_info *i = common_award_info(award);
  return common_award_valid(award, level) && i->card_min_level >= 0 &&
         level >= (unsigned)i->card_min_level;
}

unsigned common_award_exemptions(int award, unsigned level)
{
  /* Art. 18 grants the three together: whoever holds the card has all of them. */
  return common_award_carries_card(award, level) ? COMMON_EXEMPT_ALL : 0;
}

const char *common_award_title_zh(int award, unsigned level)
{
  /* The Measures' own titles: 玉林市"献血之星" keeps its quotes (Art. 7), the volunteer
   * stars have none (Art. 8). */
  static const char *const donor[5] = {"一星级“献血之星”", "二星级“献血之星”",
                                       "三星级“献血之星”", "四星级“献血之星”",
                                       "五星级“献血之星”"};
  static const char *const volunteer[5] = {"一星级无偿献血志愿者", "二星级无偿献血志愿者",
                                           "三星级无偿献血志愿者", "四星级无偿献血志愿者",
                                           "五星级无偿献血志愿者"};
  if (!common_award_valid(award, level))
    return "";
  if (award == COMMON_AWARD_DONOR_STAR)
    return donor[level - 1];
  if (award == COMMON_AWARD_VOLUNTEER_STAR)
    return volunteer[level - 1];
  return awards[award].zh;
}
