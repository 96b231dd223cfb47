/*
 * common award vocabulary: the awards of the Measures (玉政规〔2018〕5号, Art. 5-9) and
 * which of them carry the honour card and its three exemptions (Art. 18; Rules 三(一)).
 * ONE table: the card's byte, the journal, the centre, the station and the screens all
 * use these values, tokens and names.
 *
 * Level convention (the card's, the journal's, the centre's): the star awards carry their
 * stars 1..5; the single awards (both lifetime awards, the promotion award) carry 0.
 * (The station's evaluation counts a single award as reached 0/1; it converts with
 * common_award_has_stars() before asking anything here.)
 *
 * Who holds a card (Art. 18): 献血之星 3 stars or more, 5-star volunteer, the volunteer
 * service lifetime honour, the lifetime achievement award. A card carries all three
 * exemptions: the free first-gate ticket, the waived consultation fee, free bus rides.
 * The promotion award (Art. 6) is for organisers and money donors: no card.
 */
#ifndef COMMON_AWARD_H
#define COMMON_AWARD_H

#include <stddef.h>

#include "common/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The three exemptions (三免), as bits. */
#define COMMON_EXEMPT_TICKET 0x1u       /* first-gate ticket at parks and scenic spots */
#define COMMON_EXEMPT_CONSULTATION 0x2u /* consultation fee at public hospitals */
#define COMMON_EXEMPT_BUS 0x4u          /* public buses with citizen-card readers */
#define COMMON_EXEMPT_ALL (COMMON_EXEMPT_TICKET | COMMON_EXEMPT_CONSULTATION | COMMON_EXEMPT_BUS)

/*
 * X(NAME, value, token, en, zh, min_level, max_level, card_min_level)
 * value: stable (card byte, journal, databases). Levels: the range that exists;
 * card_min_level: the lowest level that carries the card, or -1 for never.
 */
#define COMMON_AWARD_MAP(X)                                                              \
  X(NONE, 0, "none", "none", "无", 0, 0, -1)                                             \
  X(DONOR_STAR, 1, "donor_star", "donor star", "献血之星", 1, 5, 3)                      \
  X(VOLUNTEER_STAR, 2, "volunteer_star", "volunteer star", "无偿献血志愿者", 1, 5, 5)    \
  X(VOLUNTEER_LIFETIME, 3, "volunteer_lifetime", "volunteer service lifetime honour",    \
    "无偿献血志愿服务终身荣誉奖", 0, 0, 0)                                               \
  X(LIFETIME_ACHIEVEMENT, 4, "lifetime_achievement", "lifetime achievement",             \
    "无偿献血终身成就奖", 0, 0, 0)                                                       \
  X(PROMOTION, 5, "promotion", "promotion award", "无偿献血促进奖", 0, 0, -1)

enum common_award {
#define COMMON_X_AW(name, value, token, en, zh, lo, hi, card) COMMON_AWARD_##name = (value),
  COMMON_AWARD_MAP(COMMON_X_AW)
#undef COMMON_X_AW
};
#define COMMON_AWARD_COUNT 6 /* values 0..5 */

struct common_award_info {
  int award;           /* enum common_award */
  const char *token;   /* "donor_star": files, command lines, CSV */
  const char *en;      /* "donor star" */
  const char *zh;      /* "献血之星" */
  unsigned min_level;  /* 1 for the star awards, else 0 */
  unsigned max_level;  /* 5 for the star awards, else 0 */
  int card_min_level;  /* lowest level that carries the card; -1: never */
};

/* The table row of award; NULL for a value outside the table. */
const struct common_award_info *common_award_info(int award);
/* The award whose token is s, or -1. */
int common_award_from_token(const char *s);
/* 1 for the awards that have stars (DONOR_STAR, VOLUNTEER_STAR). */
int common_award_has_stars(int award);
/* 1 when (award, level) exists: a known award other than NONE, level in its range. */
int common_award_valid(int award, unsigned level);
/* 1 when (award, level) carries the honour card (Art. 18), and so all three exemptions. */
int common_award_carries_card(int award, unsigned level);
/* The exemptions (COMMON_EXEMPT_*) that (award, level) gives: all or none. */
unsigned common_award_exemptions(int award, unsigned level);
/* The title in Chinese, static: "三星级“献血之星”", "五星级无偿献血志愿者",
 * "无偿献血终身成就奖"; "" for a combination that does not exist. */
const char *common_award_title_zh(int award, unsigned level);

#ifdef __cplusplus
}
#endif
#endif /* COMMON_AWARD_H */
