/*
 * common hex: bounded encoding and strict decoding of bytes as hexadecimal text.
 * Encoding writes lower case. Decoding takes exactly 2 * n characters.
 */
#ifndef COMMON_HEX_H
#define COMMON_HEX_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The value 0..15 of one hex digit, -1 for anything else. upper: accept A-F too. */
int common_hex_digit(int c, int upper);

/* Write 2 * n lower-case hex digits and a NUL into out (cap bytes). BUFFER_TOO_SMALL
 * (out set to "" when cap > 0) unless cap >= 2 * n + 1. */
int common_hex_encode(const uint8_t *in, size_t n, char *out, size_t cap);

/* Decode s[0..len) into exactly n bytes: len must be 2 * n and every character a hex
 * digit (lower case only unless upper). SYNTAX otherwise; out may be partly written then. */
int common_hex_decode(const char *s, size_t len, uint8_t *out, size_t n, int upper);

#ifdef __cplusplus
}
#endif
#endif /* COMMON_HEX_H */
