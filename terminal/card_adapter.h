/*
 * The one place where cardio's honour card result becomes kiosk's card facts, so that
 * kiosk's core never sees a cardio type.
 */
#ifndef TERM_CARD_ADAPTER_H
#define TERM_CARD_ADAPTER_H

#include <cardio/honour.h>

#include "kiosk/decide.h"

/* Fill facts from a verification result (every check mapped one to one; a result
 * without a record gives an empty card number and award NONE). */
void term_facts_from_cardio(const struct cardio_hc_result *res, struct kiosk_card_facts *out);

/* The holder-match outcome of an ID number read from a social security card (ssc = 1)
 * or typed by staff (ssc = 0). */
enum kiosk_holder term_holder_from_cardio(enum cardio_hc_match m, int ssc);

#endif
