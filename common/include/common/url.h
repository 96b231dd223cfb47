/*
 * common URL list: the centre addresses a terminal syncs with (kiosk's `[sync] url`,
 * netsync's configuration), written once so that the configuration check and the sync
 * client can never disagree about what an address is (docs/netsync.md, "Several centres").
 *
 * A list is 1..COMMON_URLS_MAX addresses separated by spaces or tabs, tried in order.
 * An address is
 *     https://HOST[:PORT][/PATH]
 * HOST a DNS name or IPv4 address ([A-Za-z0-9.-], 1..253 bytes) or an IPv6 address in
 * brackets ([0-9A-Fa-f:.]); PORT 1..65535 in decimal; PATH segments of
 * [A-Za-z0-9._~-] joined by '/', never ending in '/' (the client appends /v1/...). No user
 * information (a password in a configuration line would end up in a log), query,
 * fragment or percent-escape. Each address at most COMMON_URL_MAX bytes; the same
 * address twice is refused (a typo, and failover would go nowhere).
 *
 * Ownership: the caller owns the list struct; nothing is allocated. Thread-safe.
 */
#ifndef COMMON_URL_H
#define COMMON_URL_H

#include <stddef.h>

#include "common/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define COMMON_URL_MAX 255u
#define COMMON_URLS_MAX 8u

struct common_url_list {
  size_t n;
  char url[COMMON_URLS_MAX][COMMON_URL_MAX + 1];
};

/* 1 when s[0..len) is one address of the grammar above, 0 otherwise. */
int common_url_valid_n(const char *s, size_t len);

/*
 * Split and check a list (NUL-terminated, read up to its end whatever its length).
 * OK with out filled; E_SYNTAX (an address that breaks the grammar, or a duplicate),
 * E_TOO_LARGE (more than COMMON_URLS_MAX addresses, or one longer than COMMON_URL_MAX),
 * E_NOT_FOUND (no address at all), E_INVALID_ARG (NULL). On failure why (when not NULL)
 * says which address by its position ("address 2 of 3: ..."), never quoting it.
 */
int common_url_list_parse(const char *s, struct common_url_list *out, char *why, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* COMMON_URL_H */
