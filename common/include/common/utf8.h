/*
 * common UTF-8: validation of untrusted text (card fields, CSV, configuration, strings
 * files). Well-formed means RFC 3629: no overlong forms, no surrogates (U+D800..DFFF),
 * nothing above U+10FFFF.
 */
#ifndef COMMON_UTF8_H
#define COMMON_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "common/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Length 1..4 of the well-formed sequence at s (left bytes available), 0 when the bytes
 * there are not one (or left is 0). */
size_t common_utf8_seq(const uint8_t *s, size_t left);
/* The length of the longest well-formed prefix of s[0..len): len when all is valid. */
size_t common_utf8_valid_prefix(const void *s, size_t len);
/* 1 when s[0..len) is well-formed UTF-8 (NUL bytes count as characters); 0 otherwise
 * and for s == NULL with len > 0. */
int common_utf8_valid(const void *s, size_t len);
/* 1 when s[0..len) is well-formed UTF-8 holding no control character: none of C0
 * (U+0000..001F, tab included), DEL or C1 (U+0080..009F). The rule for names and any
 * text shown on a screen. */
int common_utf8_printable(const void *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* COMMON_UTF8_H */
