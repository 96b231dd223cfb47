/*
 * UTF-8 helpers (private): decoding and clipping at character boundaries for drawing.
 * Validation is common/utf8.h's.
 */
#ifndef UI_UTF8_H
#define UI_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode the character at s (len bytes left); returns its byte length (1 for an
 * invalid byte, which decodes as U+FFFD), 0 at len == 0. */
size_t ui_utf8_decode(const char *s, size_t len, uint32_t *cp);
/* The largest n' <= n such that s[0..n') ends on a character boundary. */
size_t ui_utf8_clip(const char *s, size_t n);
/* Copy src into dst (cap bytes), truncated at a character boundary and before any
 * invalid byte; NUL-terminated. */
void ui_utf8_copy(char *dst, size_t cap, const char *src);

#endif
