/*
 * ui samples: named example screens with fictional holders, for the screenshots in
 * docs/ui.md, the reference images of the tests, the benchmarks and the demo. Each
 * is a struct ui_shot whose pointers refer to static storage inside the library
 * (valid until the next ui_sample_shot call with the same index; not thread-safe).
 * The sample photo is drawn in code, not a real person.
 */
#ifndef UI_SAMPLES_H
#define UI_SAMPLES_H

#include <stddef.h>

#include "ui/core.h"

#ifdef __cplusplus
extern "C" {
#endif

size_t ui_sample_count(void);
/* "verdict_gate_grant", ...; NULL past the end. */
const char *ui_sample_name(size_t i);
/* Index of a name, or (size_t)-1. */
size_t ui_sample_find(const char *name);
/* Fill shot with sample i. UI_E_INVALID_ARG past the end, UI_E_NO_MEMORY when the
 * sample photo cannot be made. */
int ui_sample_shot(size_t i, struct ui_shot *shot);
/* The sample photo (PNG bytes, 3:4), made once. NULL on failure. */
const unsigned char *ui_sample_photo(size_t *len);
/* A terminal status for the samples (site, sync, journal counts). */
void ui_sample_status(struct ui_status *st, unsigned banners);

#ifdef __cplusplus
}
#endif
#endif /* UI_SAMPLES_H */
