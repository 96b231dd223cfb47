/*
 * Bounded text copies for the program's fixed-size fields (outcomes, status lines,
 * screen cells). Private to terminal/.
 */
#ifndef TERM_TEXT_H
#define TERM_TEXT_H

#include <stddef.h>

/* Copy src (NULL: "") into dst[cap], cap > 0; a cut falls between UTF-8 characters,
 * never inside one, so that a truncated name still draws. */
void term_copy_str(char *dst, size_t cap, const char *src);

#endif
