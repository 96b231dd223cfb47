/* proto's private helpers, shared by its codecs. Not installed; not for other modules. */
#ifndef PROTO_INT_H
#define PROTO_INT_H

#include <stddef.h>
#include <stdint.h>

/* Fill why[cap] (printf-style; may be NULL) and return err. */
int proto_i_why(char *why, size_t cap, int err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* TODO(common): the four helpers below are placeholders until common/ lands on main
 * (common's hex, token, card-number shape and ID-shape checks); they then go. */

/* n bytes as 2n lowercase hex digits and a NUL. */
void proto_i_hex(const uint8_t *in, size_t n, char *out);
/* Exactly 2n lowercase hex digits (s need not be NUL-terminated) into out; -1 otherwise. */
int proto_i_unhex(const char *s, size_t slen, uint8_t *out, size_t n);
/* 1 when s is 1..max of [A-Za-z0-9._-] (the journal's token alphabet). */
int proto_i_token_ok(const char *s, size_t max);
/* 1 when s has the card number's shape ([0-9A-Z-]{1,20}) and is not shaped like a
 * citizen ID number. The MOD 97-10 check digits are not a format rule: journals and
 * lists written before the check must still verify; deciding and registering check them. */
int proto_i_card_no_ok(const char *s);
/* 1 when s has the shape of a citizen ID number: 17 digits and a right MOD 11-2 check. */
int proto_i_id_shaped(const char *s);

#endif
