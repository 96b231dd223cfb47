/*
 * Tone synthesis (ui/tone.h). Notes have a 5 ms attack and an exponential decay so
 * that they click neither at the start nor at the end; the level stays well below
 * full scale because kiosk speakers are small and close to people.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ui/core.h"
#include "ui/tone.h"

struct note {
  float hz;       /* 0: silence */
  float ms;
  float harm;     /* share of odd harmonics (0 = pure sine): makes a buzz */
};

struct tone_def {
  const char *name;
  struct note n[6];
  size_t count;
};

static const struct tone_def tones[UI_TONE_COUNT] = {
    [UI_TONE_ACCEPT] = {"accept", {{1046.5f, 110.0f, 0.0f}, {1568.0f, 210.0f, 0.0f}}, 2},
    [UI_TONE_DENY] = {"deny", {{220.0f, 260.0f, 0.45f}, {0.0f, 90.0f, 0.0f}, {220.0f, 260.0f, 0.45f}}, 3},
    [UI_TONE_RETRY] = {"retry",
                       {{880.0f, 70.0f, 0.1f},
                        {0.0f, 60.0f, 0.0f},
                        {880.0f, 70.0f, 0.1f},
                        {0.0f, 60.0f, 0.0f},
                        {880.0f, 70.0f, 0.1f}},
                       5},
    [UI_TONE_ATTENTION] = {"attention", {{784.0f, 180.0f, 0.0f}, {622.3f, 300.0f, 0.0f}}, 2},
};

const char *ui_tone_name(int tone)
{
  return tone >= 0 && tone < UI_TONE_COUNT ? tones[tone].name : NULL;
}

static size_t note_samples(const struct note *n)
{
  return (size_t)(n->ms * (float)UI_TONE_RATE / 1000.0f);
}

size_t ui_tone_generate(enum ui_tone tone, int16_t *buf, size_t cap)
{
  if ((unsigned)tone >= UI_TONE_COUNT)
    return 0;
  const struct tone_def *d = &tones[tone];
  size_t total = 0;
  for (size_t i = 0; i < d->count; i++)
    total += note_samples(&d->n[i]);
  if (!buf)
    return total;
  const float two_pi = 6.28318530718f, amp = 0.35f * 32767.0f;
  size_t o = 0;
  for (size_t i = 0; i < d->count && o < cap; i++) {
    const struct note *n = &d->n[i];
    size_t ns = note_samples(n);
    size_t attack = UI_TONE_RATE / 200; /* 5 ms */
    for (size_t k = 0; k < ns && o < cap; k++, o++) {
      if (n->hz <= 0.0f) {
        buf[o] = 0;
        continue;
      }
      float t = (float)k / (float)UI_TONE_RATE;
      float ph = two_pi * n->hz * t;
      float v = sinf(ph);
      if (n->harm > 0.0f)
        v = (1.0f - n->harm) * v + n->harm * (sinf(3.0f * ph) / 3.0f + sinf(5.0f * ph) / 5.0f) * 1.6f;
      float env = k < attack ? (float)k / (float)attack : 1.0f;
      float rel = (float)(ns - k) / (float)attack;
      if (rel < 1.0f)
        env *= rel;
      env *= expf(-2.2f * (float)k / (float)ns);
      float sv = v * env * amp;
      buf[o] = (int16_t)(sv > 32767.0f ? 32767.0f : sv < -32767.0f ? -32767.0f : sv);
    }
  }
  return total;
}

static void put_le(unsigned char *b, uint32_t v, int n)
{
  for (int i = 0; i < n; i++)
    b[i] = (unsigned char)(v >> (8 * i));
}

int ui_tone_write_wav(enum ui_tone tone, const char *path)
{
  static int16_t pcm[UI_TONE_RATE * 2];
  size_t n = ui_tone_generate(tone, NULL, 0);
  if (!path || n == 0 || n > sizeof pcm / sizeof pcm[0])
    return UI_E_INVALID_ARG;
  ui_tone_generate(tone, pcm, n);
  return ui_wav_write(path, pcm, n);
}

int ui_wav_write(const char *path, const int16_t *pcm, size_t n)
{
  if (!path || (!pcm && n) || n > (UINT32_MAX - 36u) / 2u)
    return UI_E_INVALID_ARG;
  unsigned char h[44];
  uint32_t bytes = (uint32_t)(n * 2);
  memcpy(h, "RIFF", 4);
  put_le(h + 4, 36 + bytes, 4);
  memcpy(h + 8, "WAVEfmt ", 8);
  put_le(h + 16, 16, 4);
  put_le(h + 20, 1, 2); /* PCM */
  put_le(h + 22, 1, 2); /* mono */
  put_le(h + 24, UI_TONE_RATE, 4);
  put_le(h + 28, UI_TONE_RATE * 2, 4);
  put_le(h + 32, 2, 2);
  put_le(h + 34, 16, 2);
  memcpy(h + 36, "data", 4);
  put_le(h + 40, bytes, 4);
  FILE *f = fopen(path, "wb");
  if (!f)
    return UI_E_IO;
  int ok = fwrite(h, 1, sizeof h, f) == sizeof h;
  for (size_t i = 0; ok && i < n; i++) {
    unsigned char s[2];
    put_le(s, (uint16_t)pcm[i], 2);
    ok = fwrite(s, 1, 2, f) == 2;
  }
  if (fclose(f) != 0)
    ok = 0;
  return ok ? UI_OK : UI_E_IO;
}
