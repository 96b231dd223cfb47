/* cardio crypto internals shared by crypto_*.c and hc_*.c. */
#ifndef CARDIO_CRYPTO_INT_H
#define CARDIO_CRYPTO_INT_H

#include <stdint.h>

#include <openssl/evp.h>

#include "cardio/crypto.h"

/* The suite's hash (fetched once); NULL for CARDIO_SUITE_NONE or when OpenSSL lacks it. */
const EVP_MD *cardio_suite_md(enum cardio_suite suite);

#endif
