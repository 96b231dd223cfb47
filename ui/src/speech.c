/* What the public screens say, and libespeak-ng behind one lock (ui/speech.h). */
#include <espeak-ng/espeak_ng.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "ui/speech.h"
#include "ui/tone.h"

/* ------------------------------------------------------------------ phrases -- */

struct phrase {
  char *out;
  size_t cap, len;
  enum ui_lang lang;
};

static const char *get(const struct ui_strings *s, enum ui_key k)
{
  const char *v = ui_strings_get(s, ui_key_text(k));
  return v ? v : "";
}

/* A sentence: Chinese ends with its own full stop, English with ". ". Line breaks
 * ("\n" in the strings files) become spaces; the speaker does not need them. */
static void say(struct phrase *ph, const char *text)
{
  if (!text || !text[0] || ph->len + 1 >= ph->cap)
    return;
  if (ph->len)
    ph->len += (size_t)snprintf(ph->out + ph->len, ph->cap - ph->len, "%s",
                                ph->lang == UI_LANG_ZH ? "" : " ");
  for (const char *c = text; *c && ph->len + 1 < ph->cap; c++)
    ph->out[ph->len++] = *c == '\n' ? ' ' : *c;
  ph->out[ph->len < ph->cap ? ph->len : ph->cap - 1] = '\0';
  /* close the sentence unless it already ends with punctuation */
  char last = ph->len ? ph->out[ph->len - 1] : '\0';
  int closed = last == '.' || last == '!' || last == '?' ||
               (ph->len >= 3 && (unsigned char)ph->out[ph->len - 3] == 0xE3 &&
                (unsigned char)ph->out[ph->len - 2] == 0x80 &&
                (unsigned char)ph->out[ph->len - 1] == 0x82); /* 。 */
  if (!closed && ph->len + 4 < ph->cap)
    ph->len += (size_t)snprintf(ph->out + ph->len, ph->cap - ph->len, "%s",
                                ph->lang == UI_LANG_ZH ? "。" : ".");
}

static const char *text_of(const struct ui_strings *s, enum ui_lang lang, const struct ui_text *t)
{
  if (t->key[0]) {
    const char *v = ui_strings_get(s, t->key);
    if (v)
      return v;
  }
  if (t->text[lang][0])
    return t->text[lang];
  return t->text[!lang][0] ? t->text[!lang] : "";
}

/* The main reason: the first one meant for the public. */
static const struct ui_text *main_reason(const struct ui_view *v)
{
  for (size_t i = 0; i < v->nreasons && i < UI_REASONS_MAX; i++)
    if (!(v->reason_staff & (1u << i)))
      return &v->reasons[i];
  return NULL;
}

static void say_view(struct phrase *ph, const struct ui_strings *s, const struct ui_view *v,
                     enum ui_screen screen)
{
  say(ph, get(s, ui_key_headline(v->mode, v->verdict)));
  if (screen == UI_SCREEN_CASHIER && (v->needs & UI_NEED_CREDENTIAL)) {
    say(ph, get(s, UI_K_CASHIER_SSC_PROMPT));
    return;
  }
  const struct ui_text *r = v->verdict == UI_VERDICT_GRANT ? NULL : main_reason(v);
  if (r)
    say(ph, text_of(s, ph->lang, r));
  /* the bus says the least: the next passenger is waiting */
  if (screen != UI_SCREEN_BUS || v->verdict == UI_VERDICT_GRANT)
    say(ph, get(s, ui_key_verdict_sub(v->verdict)));
}

size_t ui_speech_phrase(const struct ui_strings *s, const struct ui_shot *shot, char *out,
                        size_t cap)
{
  if (!out || cap == 0)
    return 0;
  out[0] = '\0';
  if (!s || !shot)
    return 0;
  struct phrase ph = {out, cap, 0, shot->lang == UI_LANG_EN ? UI_LANG_EN : UI_LANG_ZH};
  if (shot->phase == UI_PHASE_WARN) {
    char buf[256], n[16];
    snprintf(n, sizeof n, "%u", (shot->remaining_ms + 999u) / 1000u);
    const char *pairs[] = {"n", n, NULL};
    ui_format(buf, sizeof buf, get(s, UI_K_WARN_RETURNING), pairs);
    say(&ph, buf);
  } else {
    switch (shot->screen) {
    case UI_SCREEN_IDLE:
      if (shot->mode == UI_MODE_BUS) {
        say(&ph, get(s, UI_K_IDLE_BUS_PROMPT));
        say(&ph, get(s, UI_K_IDLE_BUS_STEP1));
      } else if (shot->mode == UI_MODE_CASHIER) {
        say(&ph, get(s, UI_K_IDLE_PROMPT));
        say(&ph, get(s, UI_K_IDLE_CASHIER_STEP1));
        say(&ph, get(s, UI_K_IDLE_CASHIER_STEP2));
      } else if (shot->mode == UI_MODE_STATION) {
        say(&ph, get(s, UI_K_IDLE_PROMPT));
        say(&ph, get(s, UI_K_IDLE_STATION_STEP1));
      } else {
        say(&ph, get(s, UI_K_IDLE_PROMPT));
        say(&ph, get(s, UI_K_IDLE_GATE_STEP1));
        say(&ph, get(s, UI_K_IDLE_GATE_STEP2));
      }
      break;
    case UI_SCREEN_REQUEST:
      /* the holder's part only: the bill and the amount are the cashier's to read */
      say(&ph, get(s, UI_K_IDLE_PROMPT));
      say(&ph, get(s, UI_K_REQUEST_STEP));
      break;
    case UI_SCREEN_NOTICE: {
      const char *what = shot->notice_key ? ui_strings_get(s, shot->notice_key) : NULL;
      say(&ph, what ? what : get(s, UI_K_REQUEST_WITHDRAWN));
      break;
    }
    case UI_SCREEN_READING:
      say(&ph, get(s, UI_K_READING_TITLE));
      say(&ph, get(s, UI_K_READING_HINT));
      break;
    case UI_SCREEN_PLACE_AGAIN: {
      const char *why = shot->read_error_key ? ui_strings_get(s, shot->read_error_key) : NULL;
      say(&ph, why ? why : get(s, UI_K_ERROR_READ));
      say(&ph, get(s, UI_K_AGAIN_TITLE));
      break;
    }
    case UI_SCREEN_VERDICT:
    case UI_SCREEN_BUS:
    case UI_SCREEN_HOLDER_CHECK:
    case UI_SCREEN_CASHIER:
      if (shot->view)
        say_view(&ph, s, shot->view, shot->screen);
      break;
    default: /* staff screens say nothing */
      break;
    }
  }
  if (!ui_speech_phrase_safe(out)) {
    out[0] = '\0';
    return 0;
  }
  return strlen(out);
}

int ui_speech_phrase_safe(const char *text)
{
  if (!text)
    return 0;
  int run = 0;
  for (const char *c = text; *c; c++) {
    if (*c == '*')
      return 0;
    run = (*c >= '0' && *c <= '9') ? run + 1 : 0;
    if (run >= 6)
      return 0;
  }
  return 1;
}

/* ------------------------------------------------------------------- engine -- */

/* libespeak-ng keeps one engine per process, with global state: one lock for all. */
static pthread_mutex_t engine_lock = PTHREAD_MUTEX_INITIALIZER;
static int engine_state; /* 0: not tried, 1: ready, -1: failed */
static int engine_rate;
static char engine_error[128];

struct collect {
  int16_t *pcm;
  size_t n, cap;
  int overflow;
};
static struct collect *collecting; /* under engine_lock */

static int on_samples(short *wav, int count, espeak_EVENT *events)
{
  (void)events;
  struct collect *c = collecting;
  if (!c || !wav || count <= 0)
    return 0;
  for (int i = 0; i < count; i++) {
    if (c->n == c->cap) {
      size_t ncap = c->cap ? c->cap * 2 : 32768;
      if (ncap > UI_SPEECH_SAMPLES_MAX) {
        c->overflow = 1;
        return 1; /* stop synthesis */
      }
      int16_t *p = realloc(c->pcm, ncap * sizeof *p);
      if (!p) {
        c->overflow = 1;
        return 1;
      }
      c->pcm = p;
      c->cap = ncap;
    }
    c->pcm[c->n++] = wav[i];
  }
  return 0;
}

static int engine_up(void)
{
  if (engine_state)
    return engine_state;
  espeak_ng_InitializePath(NULL);
  espeak_ng_STATUS st = espeak_ng_Initialize(NULL);
  if (st == ENS_OK)
    st = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
  if (st != ENS_OK) {
    snprintf(engine_error, sizeof engine_error, "espeak-ng initialisation failed (status 0x%x)",
             (unsigned)st);
    engine_state = -1;
    return engine_state;
  }
  espeak_SetSynthCallback(on_samples);
  engine_rate = espeak_ng_GetSampleRate();
  /* a little slower than espeak's default: public kiosks, noisy halls */
  espeak_SetParameter(espeakRATE, 160, 0);
  engine_state = engine_rate > 0 ? 1 : -1;
  return engine_state;
}

const char *ui_speech_last_error(void)
{
  return engine_error;
}

/* espeak's rate (22050) to the tones' (48000), linear: speech has little above 8 kHz. */
static int16_t *resample(const int16_t *in, size_t n, int from, size_t *out_n)
{
  size_t m = (size_t)((double)n * UI_TONE_RATE / from);
  if (m == 0 || m > UI_SPEECH_SAMPLES_MAX)
    m = m ? UI_SPEECH_SAMPLES_MAX : 0;
  int16_t *o = malloc((m ? m : 1) * sizeof *o);
  if (!o)
    return NULL;
  for (size_t i = 0; i < m; i++) {
    double pos = (double)i * from / UI_TONE_RATE;
    size_t k = (size_t)pos;
    double f = pos - (double)k;
    int a = k < n ? in[k] : 0, b = k + 1 < n ? in[k + 1] : a;
    o[i] = (int16_t)lrint(a + (b - a) * f);
  }
  *out_n = m;
  return o;
}

int ui_speech_render(enum ui_lang lang, const char *text, int16_t **pcm, size_t *n)
{
  if (!pcm || !n || !text || !text[0])
    return UI_E_INVALID_ARG;
  *pcm = NULL;
  *n = 0;
  size_t len = strnlen(text, UI_SPEECH_TEXT_MAX + 1);
  if (len > UI_SPEECH_TEXT_MAX)
    return UI_E_TOO_LARGE;
  struct collect c = {0};
  int rc = UI_OK;
  pthread_mutex_lock(&engine_lock);
  if (engine_up() < 0) {
    rc = UI_E_IO;
    goto out_unlock;
  }
  const char *voice = lang == UI_LANG_EN ? "en" : "cmn";
  espeak_ng_STATUS st = espeak_ng_SetVoiceByName(voice);
  if (st != ENS_OK) {
    snprintf(engine_error, sizeof engine_error, "espeak-ng voice %s missing (status 0x%x)", voice,
             (unsigned)st);
    rc = UI_E_IO;
    goto out_unlock;
  }
  collecting = &c;
  st = espeak_ng_Synthesize(text, len + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
  if (st == ENS_OK)
    st = espeak_ng_Synchronize();
  collecting = NULL;
  if (st != ENS_OK && !c.overflow) {
    snprintf(engine_error, sizeof engine_error, "espeak-ng synthesis failed (status 0x%x)",
             (unsigned)st);
    rc = UI_E_IO;
    goto out_unlock;
  }
  int rate = engine_rate;
  pthread_mutex_unlock(&engine_lock);
  if (c.n == 0) {
    free(c.pcm);
    return UI_E_IO;
  }
  *pcm = resample(c.pcm, c.n, rate, n);
  free(c.pcm);
  return *pcm ? UI_OK : UI_E_NO_MEMORY;

out_unlock:
  pthread_mutex_unlock(&engine_lock);
  free(c.pcm);
  return rc;
}

void ui_speech_scale(int16_t *pcm, size_t n, int volume)
{
  if (volume < 0)
    volume = 0;
  if (volume > UI_VOLUME_MAX)
    volume = UI_VOLUME_MAX;
  /* 3 dB a step below full: even steps to the ear; 0 is silence */
  double g = volume == 0 ? 0.0 : pow(10.0, -3.0 * (UI_VOLUME_MAX - volume) / 20.0);
  for (size_t i = 0; pcm && i < n; i++)
    pcm[i] = (int16_t)lrint(pcm[i] * g);
}
