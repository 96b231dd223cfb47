/*
 * ui speech: what the public screens say aloud, for visitors who cannot read the
 * screen (ADA 707.5, EN 301 549 5.1.3). Every verdict with its main reason and what to
 * do next, and each prompt, is spoken in the screen's language (Mandarin with espeak-ng's
 * "cmn" voice, English with "en"), synthesised by libespeak-ng into PCM at the tones'
 * rate, so that the window plays speech and tones through the one SDL audio queue.
 *
 * Two halves:
 *   ui_speech_phrase   which words a screen says: built only from the strings files
 *                      and the view's verdict, mode and reasons, never from the
 *                      holder's fields, then checked by ui_speech_phrase_safe (no
 *                      masked name, no run of digits that could be an ID or card
 *                      number). Pure, no audio: tests and tools call it.
 *   ui_speech_render   the words as PCM. libespeak-ng has one engine per process, so
 *                      renders are serialised inside; any thread may call it. The
 *                      engine is set up on the first call (about 100 ms).
 *
 * Staff screens (PIN, staff menu, station) say nothing: speech is for the public.
 * Functions return enum ui_err (ui/core.h): UI_OK (0) or a negative code.
 */
#ifndef UI_SPEECH_H
#define UI_SPEECH_H

#include <stddef.h>
#include <stdint.h>

#include "ui/core.h"
#include "ui/strings.h"

#ifdef __cplusplus
extern "C" {
#endif

#define UI_SPEECH_TEXT_MAX 512u
/* A phrase longer than this (samples at UI_TONE_RATE) is cut: 30 s. */
#define UI_SPEECH_SAMPLES_MAX (30u * 48000u)

/*
 * The phrase a shot says in its language (shot->lang), from that language's strings
 * file. Writes at most cap bytes (NUL-terminated) into out and returns the length;
 * 0 for a screen that says nothing (staff screens) or a phrase that fails
 * ui_speech_phrase_safe. The holder's fields are never read.
 */
size_t ui_speech_phrase(const struct ui_strings *strings, const struct ui_shot *shot, char *out,
                        size_t cap);

/* 1 when text may be spoken: no '*' (a masked name or ID) and no run of 6 or more
 * digits (an ID, card or bill number). */
int ui_speech_phrase_safe(const char *text);

/*
 * Synthesise text (UTF-8) in lang: *pcm gets a malloc'ed buffer of *n mono signed
 * 16-bit samples at UI_TONE_RATE (caller frees). Errors: UI_E_INVALID_ARG,
 * UI_E_NO_MEMORY, UI_E_IO (libespeak-ng or its data missing; the voice's name and
 * espeak's code are in the log line the caller writes from ui_speech_last_error).
 */
int ui_speech_render(enum ui_lang lang, const char *text, int16_t **pcm, size_t *n);
/* The last engine error as text (never NULL; "" when none). */
const char *ui_speech_last_error(void);

/* Scale samples in place to a volume step (0..UI_VOLUME_MAX), perceptually even. */
void ui_speech_scale(int16_t *pcm, size_t n, int volume);

#ifdef __cplusplus
}
#endif
#endif /* UI_SPEECH_H */
