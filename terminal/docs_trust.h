/*
 * The centre's trust document (docs/sync-protocol.md, "Configuration and trust store"):
 * the issuer certificates that card records may be signed under, as a PEM bundle.
 * Grammar, one line at a time (LF or CRLF; at most DOCS_TRUST_LINE_MAX bytes a line):
 *
 *   bundle  = *( blank | comment | cert )
 *   comment = "#" *text
 *   cert    = "-----BEGIN CERTIFICATE-----" 1*( base64 line ) "-----END CERTIFICATE-----"
 *
 * at most DOCS_TRUST_CERTS_MAX certificates and DOCS_TRUST_DOC_MAX bytes, no NUL, nothing
 * else (a private key, another PEM type, text between blocks: refused). The roots stay
 * the terminal's own (its trust_store/roots): an issuer of the document counts only if it
 * chains to one of them, so a centre cannot make the terminal trust a new root.
 *
 * Pure functions and one temporary directory; no state. Used by docs_apply.c.
 */
#ifndef TERM_DOCS_TRUST_H
#define TERM_DOCS_TRUST_H

#include <stddef.h>

#define DOCS_TRUST_DOC_MAX (256u * 1024u)
#define DOCS_TRUST_CERTS_MAX 64u
#define DOCS_TRUST_LINE_MAX 128u

struct cardio_trust;

/* Check the bundle's grammar; *ncerts gets the number of certificates. 0, or -1 with why
 * (a line number, never the line). */
int docs_trust_check(const char *buf, size_t len, size_t *ncerts, char *why, size_t cap);

/* Check, then load the bundle's issuers under the roots (and retired.txt) of trust_dir,
 * through a temporary directory made beside work_prefix (removed before returning).
 * Refused when no issuer chains to a root. *out (caller destroys) and *issuers on 0;
 * -1 with why. */
int docs_trust_load(const char *buf, size_t len, const char *trust_dir, const char *work_prefix,
                    struct cardio_trust **out, size_t *issuers, char *why, size_t cap);

#endif
