/*
 * The speaker (private): says phrases (ui/speech.h) through the window's SDL audio
 * device without holding up the frames. One worker thread synthesises; the window
 * only hands it a phrase and goes on drawing. The newest phrase wins: a phrase asked
 * for while another is being synthesised replaces it, so a quick second card never
 * hears the first card's verdict late. Rendered phrases are kept (a small cache by
 * language and text), and the fixed prompts are rendered at start-up, so the usual
 * phrases start at once.
 *
 * Owned by the window (ui.c): created after the audio device, destroyed before it.
 * Every function may be called from the main thread while the worker runs.
 */
#ifndef UI_VOICE_H
#define UI_VOICE_H

#include <SDL.h>

#include "ui/view.h"

struct ui_voice;

/* dev: the open audio device at UI_TONE_RATE, or 0 (nothing is played; with dump_dir
 * the phrases are still rendered and written). dump_dir: NULL, or a folder where
 * every spoken phrase is also written as NNNN-<tag>-<lang>.wav (the demo).
 * log: one line per failure (never the phrase: it is public text, but the line
 * stays short). UI_E_NO_MEMORY, UI_E_SDL (no thread). */
int ui_voice_create(SDL_AudioDeviceID dev, int volume, const char *dump_dir,
                    void (*log)(void *user, const char *line), void *user,
                    struct ui_voice **out);
/* Stops the worker after the phrase in hand and the one asked for. Accepts NULL. */
void ui_voice_destroy(struct ui_voice *v);

/* Say text in lang after what is queued now (a tone). tag names the WAV in
 * dump_dir ("verdict-deny"). An empty text cancels what is pending. */
void ui_voice_say(struct ui_voice *v, enum ui_lang lang, const char *text, const char *tag);
/* Render text into the cache without playing it (start-up). */
void ui_voice_prepare(struct ui_voice *v, enum ui_lang lang, const char *text);
/* Say the last phrase again. */
void ui_voice_repeat(struct ui_voice *v);
/* Volume 0..UI_VOLUME_MAX for what is said from now on (tones too: the window asks). */
void ui_voice_set_volume(struct ui_voice *v, int volume);
int ui_voice_volume(const struct ui_voice *v);
/* Phrases said so far (tests wait on it). */
unsigned long ui_voice_said(const struct ui_voice *v);

#endif
