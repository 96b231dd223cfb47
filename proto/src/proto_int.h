/* proto's private helpers, shared by its codecs. Not installed; not for other modules. */
#ifndef PROTO_INT_H
#define PROTO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "common/hex.h"
#include "common/idno.h"
#include "common/token.h"

/* Fill why[cap] (printf-style; may be NULL) and return err. */
int proto_i_why(char *why, size_t cap, int err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* 1 when s has the card number field's shape ([0-9A-Z-]{1,20}) and is not shaped like
 * a citizen ID number (common_id_shaped). This is the wire field's rule, not the card
 * number's validity: the MOD 97-10 check digits (common_cardno_valid) are checked where
 * numbers enter (the terminal's decision, centre-admin), while journals and lists
 * written before that check must still verify. */
int proto_i_card_no_ok(const char *s);

#endif
