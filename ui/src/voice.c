/* The speaker (voice.h): one worker thread, a one-phrase mailbox, a small cache. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/core.h"
#include "ui/speech.h"
#include "ui/tone.h"
#include "utf8.h"
#include "voice.h"

#define CACHE_MAX 32u
#define PREPARE_MAX 24u
#define TAG_MAX 48u

struct cached {
  enum ui_lang lang;
  char text[UI_SPEECH_TEXT_MAX];
  int16_t *pcm;
  size_t n;
};

struct request {
  enum ui_lang lang;
  char text[UI_SPEECH_TEXT_MAX];
  char tag[TAG_MAX];
};

struct ui_voice {
  SDL_AudioDeviceID dev;
  char *dump_dir;
  void (*log)(void *user, const char *line);
  void *user;
  SDL_Thread *thread;
  SDL_mutex *lock;
  SDL_cond *cond;
  /* under lock */
  int stop;
  int has_say;
  struct request say;    /* the phrase to say next */
  struct request last;   /* the phrase said last (repeat) */
  struct request prepare[PREPARE_MAX];
  size_t nprepare;
  int volume;
  unsigned long said, dumped;
  /* the worker's own */
  struct cached cache[CACHE_MAX];
  size_t cache_next;
};

static void vlog(struct ui_voice *v, const char *line)
{
  if (v->log)
    v->log(v->user, line);
  else
    fprintf(stderr, "%s\n", line);
}

static struct cached *render(struct ui_voice *v, const struct request *r)
{
  for (size_t i = 0; i < CACHE_MAX; i++)
    if (v->cache[i].pcm && v->cache[i].lang == r->lang && strcmp(v->cache[i].text, r->text) == 0)
      return &v->cache[i];
  int16_t *pcm;
  size_t n;
  int rc = ui_speech_render(r->lang, r->text, &pcm, &n);
  if (rc != UI_OK) {
    char line[256];
    snprintf(line, sizeof line, "ui: speech off for this phrase: %s (%s)", ui_errname(rc),
             ui_speech_last_error());
    vlog(v, line);
    return NULL;
  }
  struct cached *c = &v->cache[v->cache_next];
  v->cache_next = (v->cache_next + 1) % CACHE_MAX;
  free(c->pcm);
  c->lang = r->lang;
  ui_utf8_copy(c->text, sizeof c->text, r->text);
  c->pcm = pcm;
  c->n = n;
  return c;
}

static void speak(struct ui_voice *v, const struct request *r, int volume, unsigned long nr)
{
  struct cached *c = render(v, r);
  if (!c)
    return;
  int16_t *out = malloc(c->n * sizeof *out);
  if (!out)
    return;
  memcpy(out, c->pcm, c->n * sizeof *out);
  ui_speech_scale(out, c->n, volume);
  if (v->dev)
    SDL_QueueAudio(v->dev, out, (Uint32)(c->n * sizeof *out));
  if (v->dump_dir) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%04lu-%s-%s.wav", v->dump_dir, nr, r->tag[0] ? r->tag : "phrase",
             ui_lang_tag(r->lang));
    if (ui_wav_write(path, out, c->n) != UI_OK)
      vlog(v, "ui: speech: cannot write a phrase's WAV into the dump folder");
  }
  free(out);
}

static int worker(void *arg)
{
  struct ui_voice *v = arg;
  SDL_LockMutex(v->lock);
  for (;;) {
    while (!v->stop && !v->has_say && v->nprepare == 0)
      SDL_CondWait(v->cond, v->lock);
    if (v->stop && !v->has_say)
      break; /* a phrase asked for before the stop is still said (and written) */
    if (v->has_say) {
      struct request r = v->say;
      v->has_say = 0;
      v->last = r;
      int volume = v->volume;
      unsigned long nr = ++v->dumped;
      SDL_UnlockMutex(v->lock);
      if (r.text[0])
        speak(v, &r, volume, nr);
      SDL_LockMutex(v->lock);
      v->said++;
      continue;
    }
    struct request r = v->prepare[--v->nprepare];
    SDL_UnlockMutex(v->lock);
    render(v, &r);
    SDL_LockMutex(v->lock);
  }
  SDL_UnlockMutex(v->lock);
  return 0;
}

int ui_voice_create(SDL_AudioDeviceID dev, int volume, const char *dump_dir,
                    void (*log)(void *user, const char *line), void *user, struct ui_voice **out)
{
  if (!out)
    return UI_E_INVALID_ARG;
  *out = NULL;
  struct ui_voice *v = calloc(1, sizeof *v);
  if (!v)
    return UI_E_NO_MEMORY;
  v->dev = dev;
  v->log = log;
  v->user = user;
  v->volume = volume < 0 ? 0 : volume > UI_VOLUME_MAX ? UI_VOLUME_MAX : volume;
  if (dump_dir && dump_dir[0] && !(v->dump_dir = strdup(dump_dir)))
    goto out_free;
  v->lock = SDL_CreateMutex();
  v->cond = SDL_CreateCond();
  if (!v->lock || !v->cond)
    goto out_free;
  v->thread = SDL_CreateThread(worker, "ui-voice", v);
  if (!v->thread)
    goto out_free;
  *out = v;
  return UI_OK;

out_free:
  if (v->cond)
    SDL_DestroyCond(v->cond);
  if (v->lock)
    SDL_DestroyMutex(v->lock);
  free(v->dump_dir);
  free(v);
  return UI_E_SDL;
}

void ui_voice_destroy(struct ui_voice *v)
{
  if (!v)
    return;
  SDL_LockMutex(v->lock);
  v->stop = 1;
  SDL_CondSignal(v->cond);
  SDL_UnlockMutex(v->lock);
  SDL_WaitThread(v->thread, NULL);
  for (size_t i = 0; i < CACHE_MAX; i++)
    free(v->cache[i].pcm);
  SDL_DestroyCond(v->cond);
  SDL_DestroyMutex(v->lock);
  free(v->dump_dir);
  free(v);
}

static void set_request(struct request *r, enum ui_lang lang, const char *text, const char *tag)
{
  r->lang = lang == UI_LANG_EN ? UI_LANG_EN : UI_LANG_ZH;
  ui_utf8_copy(r->text, sizeof r->text, text ? text : "");
  ui_utf8_copy(r->tag, sizeof r->tag, tag ? tag : "");
}

void ui_voice_say(struct ui_voice *v, enum ui_lang lang, const char *text, const char *tag)
{
  if (!v)
    return;
  SDL_LockMutex(v->lock);
  set_request(&v->say, lang, text, tag);
  v->has_say = 1;
  SDL_CondSignal(v->cond);
  SDL_UnlockMutex(v->lock);
}

void ui_voice_prepare(struct ui_voice *v, enum ui_lang lang, const char *text)
{
  if (!v || !text || !text[0])
    return;
  SDL_LockMutex(v->lock);
  if (v->nprepare < PREPARE_MAX) {
    set_request(&v->prepare[v->nprepare++], lang, text, NULL);
    SDL_CondSignal(v->cond);
  }
  SDL_UnlockMutex(v->lock);
}

void ui_voice_repeat(struct ui_voice *v)
{
  if (!v)
    return;
  SDL_LockMutex(v->lock);
  if (v->last.text[0]) {
    v->say = v->last;
    v->has_say = 1;
    SDL_CondSignal(v->cond);
  }
  SDL_UnlockMutex(v->lock);
}

void ui_voice_set_volume(struct ui_voice *v, int volume)
{
  if (!v)
    return;
  SDL_LockMutex(v->lock);
  v->volume = volume < 0 ? 0 : volume > UI_VOLUME_MAX ? UI_VOLUME_MAX : volume;
  SDL_UnlockMutex(v->lock);
}

int ui_voice_volume(const struct ui_voice *v)
{
  if (!v)
    return 0;
  SDL_LockMutex(v->lock);
  int vol = v->volume;
  SDL_UnlockMutex(v->lock);
  return vol;
}

unsigned long ui_voice_said(const struct ui_voice *v)
{
  if (!v)
    return 0;
  SDL_LockMutex(v->lock);
  unsigned long n = v->said;
  SDL_UnlockMutex(v->lock);
  return n;
}
