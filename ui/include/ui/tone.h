/*
 * ui tones: short sounds that go with the screens, generated as PCM in code (no
 * sound files to ship or lose). Each verdict has its own shape, not just its own
 * pitch, so that it can be told apart without seeing the screen:
 *   ACCEPT     two rising notes (C6, G6), bright and short
 *   DENY       two low buzzes (220 Hz with odd harmonics)
 *   RETRY      three quick beeps (880 Hz): place the card again
 *   ATTENTION  a falling "ding-dong" (G5, D#5): staff, please act
 * Mono, signed 16-bit, UI_TONE_RATE samples per second.
 */
#ifndef UI_TONE_H
#define UI_TONE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define UI_TONE_RATE 48000

#define UI_TONE_MAP(X)                                                                   \
  X(ACCEPT, "accept")                                                                    \
  X(DENY, "deny")                                                                        \
  X(RETRY, "retry")                                                                      \
  X(ATTENTION, "attention")

enum ui_tone {
#define UI_X_TONE(name, text) UI_TONE_##name,
  UI_TONE_MAP(UI_X_TONE)
#undef UI_X_TONE
  UI_TONE_COUNT
};
const char *ui_tone_name(int tone);

/* Generate a tone into buf (cap samples). Returns the number of samples the tone has;
 * call with buf NULL to size it. Writes min(cap, that) samples. */
size_t ui_tone_generate(enum ui_tone tone, int16_t *buf, size_t cap);
/* Write a tone as a WAV file (for listening, and for terminals that play files). */
int ui_tone_write_wav(enum ui_tone tone, const char *path);
/* Write n mono signed 16-bit samples at UI_TONE_RATE as a WAV file (tones, speech).
 * UI_E_INVALID_ARG, UI_E_IO. */
int ui_wav_write(const char *path, const int16_t *pcm, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* UI_TONE_H */
