/*
 * common tokens: the identifiers that configuration, journal, upload batches and the
 * station take from people and files (terminal, site, staff, bill and donor ids ...).
 *
 * A token is 1..max bytes of  [A-Za-z0-9._-]  : safe in a file name, a log line, a JSON
 * string, a CSV field and a URL path without quoting. A reference token (COMMON_TOKEN_REF,
 * the ids that come from other systems: the blood station's donor and record ids, staff
 * logins) also allows ':' and '/'.
 * Whether a token is shaped like a citizen ID is a separate question (common/idno.h,
 * common_id_shaped): callers that must keep ID numbers out ask both.
 */
#ifndef COMMON_TOKEN_H
#define COMMON_TOKEN_H

#include <stddef.h>

#include "common/common.h"

#ifdef __cplusplus
extern "C" {
#endif

enum common_token_kind {
  COMMON_TOKEN_PLAIN = 0, /* [A-Za-z0-9._-] */
  COMMON_TOKEN_REF = 1,   /* [A-Za-z0-9._:/-] */
};

/* 1 when s[0..len) is a token of kind with 1 <= len <= max; 0 otherwise (NULL too). */
int common_token_valid_n(const char *s, size_t len, size_t max, enum common_token_kind kind);
/* The same for a NUL-terminated plain token (reads at most max + 1 bytes). */
int common_token_valid(const char *s, size_t max);

#ifdef __cplusplus
}
#endif
#endif /* COMMON_TOKEN_H */
