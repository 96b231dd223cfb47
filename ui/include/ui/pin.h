/*
 * ui pin: the staff PIN's stored form (pin.c). The configuration holds
 * "sha256$<salt>$<hex>", never the PIN; the entry on screen and its lockout are the
 * window's (pinpad.c).
 */
#ifndef UI_PIN_H
#define UI_PIN_H

#include <stddef.h>

#include "ui/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when pin matches hash ("sha256$salt$hex"), else 0; constant-time compare.
 * UI_E_PIN_FORMAT for a malformed hash, UI_E_CRYPTO when OpenSSL fails. */
int ui_pin_verify(const char *hash, const char *pin);
/* Make a hash for the configuration; out gets "sha256$salt$hex" (cap >= 16 + 2*len(salt)
 * + 64 is plenty). salt: [A-Za-z0-9./]{1,32}. */
int ui_pin_hash(const char *salt, const char *pin, char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* UI_PIN_H */
