/* cardio internals shared between its source files. */
#ifndef CARDIO_INT_H
#define CARDIO_INT_H

#include "cardio/cardio.h"

#if defined(__GNUC__)
#define CARDIO_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CARDIO_PRINTF(a, b)
#endif

void cardio_log(enum cardio_log_level level, const char *fmt, ...) CARDIO_PRINTF(2, 3);

/* Whether the card runs over the replay transport (replay.c). */
void *cardio_card_ctx(const struct cardio_card *card);
const struct cardio_transport_ops *cardio_card_ops(const struct cardio_card *card);

#endif
