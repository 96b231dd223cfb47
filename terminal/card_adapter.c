/* cardio honour card result -> kiosk card facts. */
#include <stdio.h>
#include <string.h>

#include <common/award.h>

#include "card_adapter.h"

static enum kiosk_check_state map_status(enum cardio_hc_status s)
{
  switch (s) {
  case CARDIO_HC_PASSED:
    return KIOSK_CHECK_OK;
  case CARDIO_HC_FAILED:
    return KIOSK_CHECK_FAILED;
  case CARDIO_HC_NOT_CHECKED:
    return KIOSK_CHECK_NOT_CHECKED;
  }
  return KIOSK_CHECK_FAILED;
}

/* The card's award byte has common's award values (common/award.h), as kiosk's award
 * does: a value outside the table is no award. */
static enum kiosk_award map_award(enum cardio_hc_award a)
{
  return common_award_info((int)a) ? (enum kiosk_award)a : KIOSK_AWARD_NONE;
}

void term_facts_from_cardio(const struct cardio_hc_result *res, struct kiosk_card_facts *out)
{
  memset(out, 0, sizeof *out);
  /* Indexed by kiosk's check order; cardio uses the same five in the same order. */
  static const enum cardio_hc_check from[KIOSK_CHECK_COUNT] = {
      [KIOSK_CHECK_FORMAT] = CARDIO_HC_CHECK_FORMAT,
      [KIOSK_CHECK_CHAIN] = CARDIO_HC_CHECK_CHAIN,
      [KIOSK_CHECK_SIGNATURE] = CARDIO_HC_CHECK_SIGNATURE,
      [KIOSK_CHECK_CARD_KEY] = CARDIO_HC_CHECK_CARD_KEY,
      [KIOSK_CHECK_VALIDITY] = CARDIO_HC_CHECK_VALIDITY};
  for (int i = 0; i < KIOSK_CHECK_COUNT; i++)
    out->check[i] = map_status(res->check[from[i]].status);
  if (!res->have_record) {
    out->award = KIOSK_AWARD_NONE;
    return;
  }
  snprintf(out->card_no, sizeof out->card_no, "%s", res->rec.card_number);
  out->generation = res->rec.generation;
  out->award = map_award(res->rec.award);
  out->award_level = res->rec.award_level;
}

enum kiosk_holder term_holder_from_cardio(enum cardio_hc_match m, int ssc)
{
  if (m == CARDIO_HC_MATCH)
    return ssc ? KIOSK_HOLDER_SSC_MATCHED : KIOSK_HOLDER_ID_TYPED_MATCHED;
  /* Not an ID number at all (a typing slip): as if nothing was presented, so staff are
   * asked again rather than the holder refused. */
  if (m == CARDIO_HC_BAD_ID)
    return KIOSK_HOLDER_NOT_PRESENTED;
  /* NO_MATCH and errors fail the match: fail closed. */
  return ssc ? KIOSK_HOLDER_SSC_MISMATCHED : KIOSK_HOLDER_ID_TYPED_MISMATCHED;
}
