/*
 * The kiosk window (ui/ui.h), the top of the module: SDL event loop on the main thread,
 * posts from any thread as SDL user events, the screen state machine, what each
 * command does on each screen (keys and touches become commands in input.c; the staff
 * PIN entry is pinpad.c), tones, and frames drawn only when something visible changed.
 */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "ui/entry.h"
#include "input.h"
#include "paint.h"
#include "pinpad.h"
#include "ui/samples.h"
#include "ui/speech.h"
#include "ui/tone.h"
#include "ui/ui.h"
#include "utf8.h"
#include "voice.h"

#define ANIM_MS 90u

/* One posted message: the SDL event's data1. Owned by the queue until handled. */
struct ui_msg {
  enum ui_msg_kind kind;
  uint64_t posted_ns;
  unsigned char *photo; /* the view's or station's photo bytes, owned */
  union {
    struct ui_view view;
    struct ui_status status;
    struct ui_station station;
    struct ui_request request;
    char key[UI_KEY_MAX];
  } u;
};

struct ui {
  struct ui_config cfg;
  char *strings_dir, *font_regular, *font_bold, *pin_hash; /* owned copies */
  SDL_Window *win;
  SDL_Renderer *ren;
  struct ui_painter *painter;
  struct ui_fsm *fsm;
  Uint32 ev_type;
  SDL_AudioDeviceID audio;
  int16_t *tone_pcm[UI_TONE_COUNT];
  size_t tone_len[UI_TONE_COUNT];
  struct ui_voice *voice; /* NULL: speech off */
  int volume;
  char *speech_dir;

  enum ui_lang lang;
  struct ui_view view;
  unsigned char *view_photo;
  int have_view;
  struct ui_status status;
  struct ui_station station;
  unsigned char *station_photo;
  int have_station;
  size_t station_sel;
  char read_error[UI_KEY_MAX];
  struct ui_request request; /* the HIS request waiting, when have_request */
  int have_request;
  char notice[UI_KEY_MAX];   /* the NOTICE screen's strings key */
  struct ui_pinpad pin;
  char bill[UI_BILL_REF_MAX];
  /* a key that typed into the bill field, waiting for its SDL_TEXTINPUT twin: the text
   * is what the keyboard layout really gives (shift, caps lock), so it replaces the
   * key's character from this offset; -1: none pending */
  long bill_key_at;
  struct ui_idfield idf;  /* the ID number typed (entry.h); wiped after use */
  int id_active;          /* the ID field has the keyboard (F4) */
  char id_shown[64];      /* its masked display */
  const char *cashier_msg; /* strings key of a refusal under the fields, or NULL */
  int staff;

  int dirty, quit;
  enum ui_screen drawn_screen;
  enum ui_phase drawn_phase;
  int drawn_seconds;
  uint64_t drawn_anim;
  uint64_t pending_view_ns; /* decided_at of a view not yet on screen; 0: none */
  uint64_t reading_since;
  uint64_t create_ns;
  struct ui_stats stats;
  size_t warm_next; /* next warm-up screen (warm_name) */
  struct ui_hit hits[UI_HITS_MAX]; /* touch targets of the frame on screen */
  size_t nhits;
};



static void draw_frame(struct ui *ui);
static void speak(struct ui *ui);

/* ------------------------------------------------------------------ logging -- */

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void logf_ui(struct ui *ui, const char *fmt, ...)
{
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (ui->cfg.log)
    ui->cfg.log(ui->cfg.user, line);
  else
    fprintf(stderr, "%s\n", line);
}

static void trace_cb(void *user, const char *line)
{
  struct ui *ui = user;
  if (ui->cfg.log)
    ui->cfg.log(ui->cfg.user, line);
  else
    fprintf(stderr, "%s\n", line);
}

static uint64_t now_ms(struct ui *ui)
{
  if (ui->cfg.clock_ms)
    return ui->cfg.clock_ms(ui->cfg.user);
  return SDL_GetTicks64();
}

static void act(struct ui *ui, enum ui_action_kind kind, uint32_t seq, int value, const char *text)
{
  struct ui_action a = {kind, seq, value, ""};
  if (text)
    ui_utf8_copy(a.text, sizeof a.text, text);
  logf_ui(ui, "ui: action %s", ui_action_name(kind)); /* never its text */
  if (ui->cfg.on_action)
    ui->cfg.on_action(ui->cfg.user, &a);
  OPENSSL_cleanse(a.text, sizeof a.text); /* it may have carried a typed ID number */
}

/* Forget what was typed on the cashier screen: the bill number, the ID number (wiped),
 * a message about either. A new holder, the end of a session. */
static void cashier_clear(struct ui *ui)
{
  ui->bill[0] = '\0';
  ui->bill_key_at = -1;
  ui_idfield_wipe(&ui->idf);
  OPENSSL_cleanse(ui->id_shown, sizeof ui->id_shown);
  ui->id_active = 0;
  ui->cashier_msg = NULL;
}

/* -------------------------------------------------------------------- sound -- */

static void sound_open(struct ui *ui)
{
  if (!ui->cfg.sound)
    return;
  if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
    logf_ui(ui, "ui: no audio (%s): tones off", SDL_GetError());
    return;
  }
  SDL_AudioSpec want = {0}, have;
  want.freq = UI_TONE_RATE;
  want.format = AUDIO_S16SYS;
  want.channels = 1;
  want.samples = 1024;
  ui->audio = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
  if (!ui->audio) {
    logf_ui(ui, "ui: no audio device (%s): tones off", SDL_GetError());
    return;
  }
  for (int t = 0; t < UI_TONE_COUNT; t++) {
    size_t n = ui_tone_generate((enum ui_tone)t, NULL, 0);
    ui->tone_pcm[t] = malloc(n * sizeof *ui->tone_pcm[t]);
    if (ui->tone_pcm[t])
      ui->tone_len[t] = ui_tone_generate((enum ui_tone)t, ui->tone_pcm[t], n);
  }
  SDL_PauseAudioDevice(ui->audio, 0);
}

/* Speech: after the audio device (the phrases queue behind the tones). Without a
 * device it still runs when phrases are written to a folder (the demo, tests). */
static void speech_open(struct ui *ui)
{
  if (!ui->cfg.speech || (!ui->audio && !ui->speech_dir))
    return;
  if (ui_voice_create(ui->audio, ui->volume, ui->speech_dir, ui->cfg.log, ui->cfg.user,
                      &ui->voice) != UI_OK) {
    logf_ui(ui, "ui: no speech thread: speech off");
    return;
  }
  /* the fixed prompts of this mode, rendered now so that they start at once */
  static const enum ui_screen fixed[] = {UI_SCREEN_IDLE, UI_SCREEN_READING, UI_SCREEN_PLACE_AGAIN};
  for (int l = 0; l < UI_LANG_COUNT; l++)
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
      struct ui_shot s = {0};
      s.screen = fixed[i];
      s.lang = (enum ui_lang)l;
      s.mode = ui->cfg.mode;
      char text[UI_SPEECH_TEXT_MAX];
      if (ui_speech_phrase(ui_painter_strings(ui->painter, s.lang), &s, text, sizeof text))
        ui_voice_prepare(ui->voice, s.lang, text);
    }
}

static void play(struct ui *ui, enum ui_tone t)
{
  if (!ui->audio || !ui->tone_pcm[t])
    return;
  SDL_ClearQueuedAudio(ui->audio);
  int16_t *pcm = malloc(ui->tone_len[t] * sizeof *pcm);
  if (!pcm)
    return;
  memcpy(pcm, ui->tone_pcm[t], ui->tone_len[t] * sizeof *pcm);
  ui_speech_scale(pcm, ui->tone_len[t], ui->volume);
  SDL_QueueAudio(ui->audio, pcm, (Uint32)(ui->tone_len[t] * sizeof(int16_t)));
  free(pcm);
}

/* ------------------------------------------------------------------- create -- */

static char *dup_or_null(const char *s, int *fail)
{
  if (!s)
    return NULL;
  char *d = strdup(s);
  if (!d)
    *fail = 1;
  return d;
}

int ui_create(const struct ui_config *cfg, struct ui **out)
{
  if (!out)
    return UI_E_INVALID_ARG;
  *out = NULL;
  uint64_t t0 = ui_monotonic_ns();
  struct ui *ui = calloc(1, sizeof *ui);
  if (!ui)
    return UI_E_NO_MEMORY;
  if (cfg)
    ui->cfg = *cfg;
  else
    ui_config_init(&ui->cfg);
  if (ui->cfg.mode < UI_MODE_GATE || ui->cfg.mode > UI_MODE_STATION)
    ui->cfg.mode = UI_MODE_GATE;
  ui->create_ns = t0;
  int fail = 0, rc = UI_E_NO_MEMORY;
  ui->strings_dir = dup_or_null(ui->cfg.strings_dir, &fail);
  ui->font_regular = dup_or_null(ui->cfg.font_regular, &fail);
  ui->font_bold = dup_or_null(ui->cfg.font_bold, &fail);
  ui->pin_hash = dup_or_null(ui->cfg.pin_hash, &fail);
  ui->speech_dir = dup_or_null(ui->cfg.speech_dir ? ui->cfg.speech_dir : getenv("YH_UI_SPEECH_DIR"), &fail);
  ui->cfg.speech_dir = ui->speech_dir;
  ui->volume = ui->cfg.volume < 0 ? 0 : ui->cfg.volume > UI_VOLUME_MAX ? UI_VOLUME_MAX : ui->cfg.volume;
  ui->cfg.strings_dir = ui->strings_dir;
  ui->cfg.font_regular = ui->font_regular;
  ui->cfg.font_bold = ui->font_bold;
  ui->cfg.pin_hash = ui->pin_hash;
  if (fail) {
    free(ui);
    return rc;
  }
  ui->lang = ui->cfg.lang == UI_LANG_EN ? UI_LANG_EN : UI_LANG_ZH;
  ui->status.reader = UI_READER_READY;
  ui->bill_key_at = -1;
  /* SDL's own signal handlers would turn SIGINT into a quit event; keep the host's. */
  SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
  /* With the software renderer, present through the video driver's own framebuffer:
   * otherwise SDL emulates it with an OpenGL texture, which loads the GL stack
   * (~60 MB resident) only to copy the same pixels. */
  if (ui->cfg.software)
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
    logf_ui(ui, "ui: SDL_Init: %s", SDL_GetError());
    rc = UI_E_SDL;
    goto out_free;
  }
  ui->ev_type = SDL_RegisterEvents(1);
  if (ui->ev_type == (Uint32)-1) {
    rc = UI_E_SDL;
    goto out_free;
  }
  int w = ui->cfg.width > 0 ? ui->cfg.width : UI_LOGICAL_W;
  int h = ui->cfg.height > 0 ? ui->cfg.height : UI_LOGICAL_H;
  Uint32 wflags = SDL_WINDOW_SHOWN | (ui->cfg.fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
  ui->win = SDL_CreateWindow("kiosk", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w, h, wflags);
  if (!ui->win) {
    logf_ui(ui, "ui: SDL_CreateWindow: %s", SDL_GetError());
    rc = UI_E_SDL;
    goto out_free;
  }
  Uint32 rflags = ui->cfg.software ? SDL_RENDERER_SOFTWARE : SDL_RENDERER_ACCELERATED;
  if (ui->cfg.vsync)
    rflags |= SDL_RENDERER_PRESENTVSYNC;
  ui->ren = SDL_CreateRenderer(ui->win, -1, rflags);
  if (!ui->ren && !ui->cfg.software)
    ui->ren = SDL_CreateRenderer(ui->win, -1, SDL_RENDERER_SOFTWARE);
  if (!ui->ren) {
    logf_ui(ui, "ui: SDL_CreateRenderer: %s", SDL_GetError());
    rc = UI_E_SDL;
    goto out_free;
  }
  SDL_RenderSetLogicalSize(ui->ren, UI_LOGICAL_W, UI_LOGICAL_H);
  if (ui->cfg.fullscreen)
    SDL_ShowCursor(SDL_DISABLE);
  char diag[512];
  rc = ui_painter_create(ui->ren, &ui->cfg, &ui->painter, diag, sizeof diag);
  if (rc != UI_OK) {
    logf_ui(ui, "ui: %s: %s", ui_errname(rc), diag);
    goto out_free;
  }
  SDL_SetWindowTitle(ui->win, ui_painter_string(ui->painter, ui->lang, "app.window"));
  struct ui_fsm_config fc = {0};
  memcpy(fc.timeout_ms, ui->cfg.timeout_ms, sizeof fc.timeout_ms);
  fc.warn_ms = ui->cfg.warn_ms;
  memcpy(fc.verdict_ms, ui->cfg.verdict_ms, sizeof fc.verdict_ms);
  fc.trace = trace_cb;
  fc.user = ui;
  rc = ui_fsm_create(&fc, now_ms(ui), &ui->fsm);
  if (rc != UI_OK)
    goto out_free;
  sound_open(ui);
  speech_open(ui);
  draw_frame(ui);
  ui->stats.ready_ns = ui_monotonic_ns() - t0;
  SDL_RendererInfo info;
  SDL_GetRendererInfo(ui->ren, &info);
  logf_ui(ui, "ui: ready in %.1f ms (video %s, renderer %s, %dx%d)",
          (double)ui->stats.ready_ns / 1e6, SDL_GetCurrentVideoDriver(), info.name, w, h);
  *out = ui;
  return UI_OK;

out_free:
  ui_destroy(ui);
  return rc;
}

static void msg_free(struct ui_msg *m)
{
  if (!m)
    return;
  free(m->photo);
  free(m);
}

void ui_destroy(struct ui *ui)
{
  if (!ui)
    return;
  if (ui->ev_type && ui->ev_type != (Uint32)-1 && SDL_WasInit(SDL_INIT_EVENTS)) {
    SDL_Event evs[32];
    int n;
    while ((n = SDL_PeepEvents(evs, 32, SDL_GETEVENT, ui->ev_type, ui->ev_type)) > 0)
      for (int i = 0; i < n; i++)
        msg_free(evs[i].user.data1);
  }
  ui_voice_destroy(ui->voice); /* before the device it queues to */
  if (ui->audio)
    SDL_CloseAudioDevice(ui->audio);
  for (int t = 0; t < UI_TONE_COUNT; t++)
    free(ui->tone_pcm[t]);
  ui_fsm_destroy(ui->fsm);
  ui_painter_destroy(ui->painter);
  if (ui->ren)
    SDL_DestroyRenderer(ui->ren);
  if (ui->win)
    SDL_DestroyWindow(ui->win);
  free(ui->view_photo);
  free(ui->station_photo);
  free(ui->strings_dir);
  free(ui->font_regular);
  free(ui->font_bold);
  free(ui->pin_hash);
  free(ui->speech_dir);
  free(ui);
  if (TTF_WasInit())
    TTF_Quit();
  SDL_Quit();
}

/* -------------------------------------------------------------------- posts -- */

static int post(struct ui *ui, struct ui_msg *m)
{
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = ui->ev_type;
  ev.user.code = (Sint32)m->kind;
  ev.user.data1 = m;
  m->posted_ns = ui_monotonic_ns();
  if (SDL_PushEvent(&ev) != 1) {
    msg_free(m);
    return UI_E_SDL;
  }
  return UI_OK;
}

static struct ui_msg *msg_new(enum ui_msg_kind kind)
{
  struct ui_msg *m = calloc(1, sizeof *m);
  if (m)
    m->kind = kind;
  return m;
}

static int post_simple(struct ui *ui, enum ui_msg_kind kind, const char *key)
{
  if (!ui)
    return UI_E_INVALID_ARG;
  struct ui_msg *m = msg_new(kind);
  if (!m)
    return UI_E_NO_MEMORY;
  if (key)
    ui_utf8_copy(m->u.key, sizeof m->u.key, key);
  return post(ui, m);
}

int ui_post_card_present(struct ui *ui)
{
  return post_simple(ui, UI_MSG_CARD_PRESENT, NULL);
}

int ui_post_card_removed(struct ui *ui)
{
  return post_simple(ui, UI_MSG_CARD_REMOVED, NULL);
}

int ui_post_read_error(struct ui *ui, const char *reason_key)
{
  return post_simple(ui, UI_MSG_READ_ERROR, reason_key);
}

int ui_post_reset(struct ui *ui)
{
  return post_simple(ui, UI_MSG_RESET, NULL);
}

int ui_post_quit(struct ui *ui)
{
  return post_simple(ui, UI_MSG_QUIT, NULL);
}

int ui_post_request(struct ui *ui, const struct ui_request *request)
{
  if (!ui || !request)
    return UI_E_INVALID_ARG;
  struct ui_msg *m = msg_new(UI_MSG_REQUEST);
  if (!m)
    return UI_E_NO_MEMORY;
  m->u.request = *request;
  return post(ui, m);
}

int ui_post_request_end(struct ui *ui, const char *notice_key)
{
  return post_simple(ui, UI_MSG_REQUEST_END, notice_key);
}

/* Copy a holder's photo into the message (the caller's buffer stays theirs). */
static int take_photo(struct ui_msg *m, struct ui_holder *h)
{
  if (!h->photo || h->photo_len == 0 || h->photo_len > UI_PHOTO_MAX) {
    h->photo = NULL;
    h->photo_len = 0;
    return UI_OK;
  }
  m->photo = malloc(h->photo_len);
  if (!m->photo)
    return UI_E_NO_MEMORY;
  memcpy(m->photo, h->photo, h->photo_len);
  h->photo = m->photo;
  return UI_OK;
}

int ui_post_view(struct ui *ui, const struct ui_view *view)
{
  if (!ui || !view)
    return UI_E_INVALID_ARG;
  struct ui_msg *m = msg_new(UI_MSG_VIEW);
  if (!m)
    return UI_E_NO_MEMORY;
  m->u.view = *view;
  if (take_photo(m, &m->u.view.holder) != UI_OK) {
    msg_free(m);
    return UI_E_NO_MEMORY;
  }
  return post(ui, m);
}

int ui_post_status(struct ui *ui, const struct ui_status *status)
{
  if (!ui || !status)
    return UI_E_INVALID_ARG;
  struct ui_msg *m = msg_new(UI_MSG_STATUS);
  if (!m)
    return UI_E_NO_MEMORY;
  m->u.status = *status;
  return post(ui, m);
}

int ui_post_station(struct ui *ui, const struct ui_station *station)
{
  if (!ui || !station)
    return UI_E_INVALID_ARG;
  struct ui_msg *m = msg_new(UI_MSG_STATION);
  if (!m)
    return UI_E_NO_MEMORY;
  m->u.station = *station;
  if (take_photo(m, &m->u.station.holder) != UI_OK) {
    msg_free(m);
    return UI_E_NO_MEMORY;
  }
  return post(ui, m);
}

uint32_t ui_event_type(const struct ui *ui)
{
  return ui ? ui->ev_type : 0;
}

/* ------------------------------------------------------------ state changes -- */

/* After a transition into idle: the session ends. Back to the default language,
 * staff signed out, inputs cleared; the program hears of a timeout. */
static int is_home(enum ui_screen s)
{
  return s == UI_SCREEN_IDLE || s == UI_SCREEN_REQUEST;
}

static void on_idle(struct ui *ui, enum ui_screen before, enum ui_input why)
{
  /* the request's screen is home too: a holder's session that ends there is over */
  if (!is_home(ui_fsm_screen(ui->fsm)) || is_home(before))
    return;
  if (why == UI_IN_TICK && before != UI_SCREEN_STAFF_MENU && before != UI_SCREEN_PIN)
    act(ui, UI_ACT_TIMEOUT, ui->have_view ? ui->view.seq : 0, 0, NULL);
  if (ui->staff) {
    ui->staff = 0;
    act(ui, UI_ACT_STAFF_LOGOUT, 0, 0, NULL);
  }
  ui->lang = ui->cfg.lang == UI_LANG_EN ? UI_LANG_EN : UI_LANG_ZH;
  cashier_clear(ui);
  ui_pinpad_reset(&ui->pin);
}

static void fsm_in(struct ui *ui, enum ui_input kind)
{
  struct ui_fsm_event ev = {0};
  ev.kind = kind;
  enum ui_screen before = ui_fsm_screen(ui->fsm);
  enum ui_phase before_phase = ui_fsm_phase(ui->fsm);
  if (ui_fsm_step(ui->fsm, &ev, now_ms(ui)) > 0)
    ui->dirty = 1;
  on_idle(ui, before, kind);
  /* spoken: place the card again, and the warning that time is running out */
  if ((ui_fsm_screen(ui->fsm) == UI_SCREEN_PLACE_AGAIN && before != UI_SCREEN_PLACE_AGAIN) ||
      (ui_fsm_phase(ui->fsm) == UI_PHASE_WARN && before_phase != UI_PHASE_WARN))
    speak(ui);
}

static void show_view(struct ui *ui, struct ui_msg *m)
{
  unsigned blanked = ui_view_sanitize(&m->u.view);
  if (blanked)
    logf_ui(ui, "ui: view %u: %u personal field(s) not masked, not shown", m->u.view.seq, blanked);
  free(ui->view_photo);
  ui->view = m->u.view;
  ui->view_photo = m->photo; /* the view's holder.photo points here */
  m->photo = NULL;
  ui->have_view = 1;
  if (ui->view.seq != 0 && strcmp(ui->bill, ui->view.cashier.bill_ref) != 0 && ui->view.cashier.bill_ref[0])
    ui->bill[0] = '\0';
  ui->cashier_msg = NULL;
  if (!(ui->view.needs & UI_NEED_CREDENTIAL)) /* the credential is settled: no ID field */
    ui->id_active = 0;
  ui->pending_view_ns = m->u.view.decided_at_ns ? m->u.view.decided_at_ns : m->posted_ns;
  struct ui_fsm_event ev = {0};
  ev.kind = UI_IN_VIEW;
  ev.mode = ui->view.mode;
  ev.verdict = ui->view.verdict;
  ev.needs = ui->view.needs;
  ui_fsm_step(ui->fsm, &ev, now_ms(ui));
  ui->dirty = 1;
  ui->stats.views++;
  switch (ui->view.verdict) {
  case UI_VERDICT_GRANT:
    play(ui, UI_TONE_ACCEPT);
    break;
  case UI_VERDICT_STAFF_CHECK:
    play(ui, UI_TONE_ATTENTION);
    break;
  case UI_VERDICT_DENY:
  case UI_VERDICT_ERROR:
  default:
    play(ui, UI_TONE_DENY);
    break;
  }
  speak(ui); /* after the tone, in the queue */
}

static void handle_msg(struct ui *ui, struct ui_msg *m)
{
  switch (m->kind) {
  case UI_MSG_CARD_PRESENT:
    /* a new card is a new holder: nothing one holder typed is shown to or reused for
     * the next, even when the card comes before the screen went back to idle */
    cashier_clear(ui);
    ui->reading_since = now_ms(ui);
    fsm_in(ui, UI_IN_CARD_PRESENT);
    break;
  case UI_MSG_CARD_REMOVED:
    if (ui_fsm_screen(ui->fsm) == UI_SCREEN_READING) {
      ui_utf8_copy(ui->read_error, sizeof ui->read_error, "error.removed");
      play(ui, UI_TONE_RETRY);
    }
    fsm_in(ui, UI_IN_CARD_REMOVED);
    break;
  case UI_MSG_READ_ERROR:
    ui_utf8_copy(ui->read_error, sizeof ui->read_error, m->u.key);
    play(ui, UI_TONE_RETRY);
    fsm_in(ui, UI_IN_READ_ERROR);
    break;
  case UI_MSG_VIEW:
    show_view(ui, m);
    break;
  case UI_MSG_STATUS:
    ui->status = m->u.status;
    ui->status.site[sizeof ui->status.site - 1] = '\0';
    ui->status.site_en[sizeof ui->status.site_en - 1] = '\0';
    ui->status.terminal_id[sizeof ui->status.terminal_id - 1] = '\0';
    ui->status.version[sizeof ui->status.version - 1] = '\0';
    ui->status.reader_name[sizeof ui->status.reader_name - 1] = '\0';
    ui->status.staff_id[sizeof ui->status.staff_id - 1] = '\0';
    ui->status.staff_name[sizeof ui->status.staff_name - 1] = '\0';
    ui->dirty = 1;
    break;
  case UI_MSG_STATION: {
    if (ui_station_sanitize(&m->u.station))
      logf_ui(ui, "ui: station data %u: personal field(s) not masked, not shown", m->u.station.seq);
    free(ui->station_photo);
    ui->station = m->u.station;
    ui->station_photo = m->photo;
    m->photo = NULL;
    ui->have_station = 1;
    ui->station_sel = ui->station.selected;
    struct ui_fsm_event ev = {0};
    ev.kind = UI_IN_STATION;
    ev.station = ui->station.kind;
    ui_fsm_step(ui->fsm, &ev, now_ms(ui));
    ui->dirty = 1;
    break;
  }
  case UI_MSG_RESET:
    fsm_in(ui, UI_IN_RESET);
    break;
  case UI_MSG_QUIT:
    ui->quit = 1;
    break;
  case UI_MSG_REQUEST: {
    if (ui_request_sanitize(&m->u.request))
      logf_ui(ui, "ui: request %u: a field refused, not shown", m->u.request.id);
    int fresh = !ui->have_request || ui->request.id != m->u.request.id;
    ui->request = m->u.request;
    ui->have_request = 1;
    enum ui_screen before = ui_fsm_screen(ui->fsm);
    fsm_in(ui, UI_IN_REQUEST);
    ui->dirty = 1;
    if (fresh && ui_fsm_screen(ui->fsm) == UI_SCREEN_REQUEST && before != UI_SCREEN_REQUEST) {
      play(ui, UI_TONE_ATTENTION); /* the cashier's billing system asks: a card is wanted */
      speak(ui);
    }
    break;
  }
  case UI_MSG_REQUEST_END:
    ui->have_request = 0;
    fsm_in(ui, UI_IN_REQUEST_END);
    if (m->u.key[0]) {
      ui_utf8_copy(ui->notice, sizeof ui->notice, m->u.key);
      fsm_in(ui, UI_IN_NOTICE);
      if (ui_fsm_screen(ui->fsm) == UI_SCREEN_NOTICE) {
        play(ui, UI_TONE_RETRY);
        speak(ui);
      }
    }
    ui->dirty = 1;
    break;
  }
}

/* ------------------------------------------------------------- staff input -- */

static void lang_toggle(struct ui *ui)
{
  ui->lang = ui->lang == UI_LANG_ZH ? UI_LANG_EN : UI_LANG_ZH;
  ui->dirty = 1;
  act(ui, UI_ACT_LANGUAGE, 0, (int)ui->lang, NULL);
  speak(ui); /* the same screen in the other language */
}

static void volume_step(struct ui *ui, int delta)
{
  int v = ui->volume + delta;
  ui->volume = v < 0 ? 0 : v > UI_VOLUME_MAX ? UI_VOLUME_MAX : v;
  ui_voice_set_volume(ui->voice, ui->volume);
  logf_ui(ui, "ui: volume %d of %d", ui->volume, UI_VOLUME_MAX);
  play(ui, UI_TONE_ACCEPT); /* hear the new level */
}

static void pin_submit(struct ui *ui)
{
  unsigned attempt = 0;
  switch (ui_pinpad_submit(&ui->pin, &ui->cfg, now_ms(ui), &attempt)) {
  case UI_PIN_ACCEPTED:
    ui->staff = 1;
    fsm_in(ui, UI_IN_PIN_OK);
    act(ui, UI_ACT_STAFF_LOGIN, 0, 0, ui->pin.by_id ? ui->pin.id : NULL);
    break;
  case UI_PIN_NEXT:
    break;
  case UI_PIN_WRONG:
    logf_ui(ui, "ui: wrong staff PIN (%u of %u)", attempt, UI_PIN_FAILURES_MAX);
    play(ui, UI_TONE_RETRY);
    break;
  case UI_PIN_LOCKED:
  case UI_PIN_CLOSED:
    break;
  }
}

/* The bill number: an ID number typed into it is not sent (common/bill.h refuses the
 * shape anyway): it is wiped and the staff are pointed to the ID field. */
static void bill_submit(struct ui *ui, uint32_t seq)
{
  if (common_id_shaped(ui->bill)) {
    OPENSSL_cleanse(ui->bill, sizeof ui->bill);
    ui->cashier_msg = "cashier.bill_is_id";
    logf_ui(ui, "ui: view %u: an ID number typed as the bill number, not sent", seq);
    play(ui, UI_TONE_RETRY);
    return;
  }
  ui->cashier_msg = NULL;
  act(ui, UI_ACT_BILL_REF, seq, 0, ui->bill);
}

/* The ID number field has the keyboard: digits (X last), Backspace, Enter checks the
 * number and sends it, Esc (or F4 again) closes the field and wipes it. */
static void id_command(struct ui *ui, enum ui_cmd_kind cmd, int ch, uint32_t seq)
{
  switch (cmd) {
  case UI_CMD_CHAR:
    ui_idfield_char(&ui->idf, ch);
    ui->cashier_msg = NULL;
    break;
  case UI_CMD_BACKSPACE:
    ui_idfield_backspace(&ui->idf);
    ui->cashier_msg = NULL;
    break;
  case UI_CMD_ENTER: {
    char id[COMMON_ID_LEN + 1];
    int st = ui_idfield_check(&ui->idf, id);
    if (st == COMMON_ID_OK) {
      ui_idfield_wipe(&ui->idf);
      ui->id_active = 0;
      ui->cashier_msg = NULL;
      act(ui, UI_ACT_ID_NUMBER, seq, 0, id);
    } else {
      /* the reason only, never the digits */
      ui->cashier_msg = st == COMMON_ID_LENGTH ? "cashier.id_short" : "cashier.id_bad";
      logf_ui(ui, "ui: view %u: typed ID number refused (%s)", seq, common_id_status_text(st));
      play(ui, UI_TONE_RETRY);
    }
    OPENSSL_cleanse(id, sizeof id);
    break;
  }
  case UI_CMD_ESC:
  case UI_CMD_ID:
    ui_idfield_wipe(&ui->idf);
    ui->id_active = 0;
    ui->cashier_msg = NULL;
    break;
  default:
    break;
  }
}

/* Text from the keyboard layout or an input method (SDL_TEXTINPUT): the bill number
 * takes it; the ID field and the PIN take their digits from key presses only. */
static void on_text(struct ui *ui, const char *text, long key_at)
{
  if (ui_fsm_screen(ui->fsm) != UI_SCREEN_CASHIER || ui->id_active ||
      !(ui->view.needs & UI_NEED_BILL))
    return;
  fsm_in(ui, UI_IN_ACTIVITY);
  uint32_t cp;
  size_t n = strlen(text);
  if (key_at >= 0 && key_at <= (long)strlen(ui->bill) && n == ui_utf8_decode(text, n, &cp) &&
      cp < 0x80u)
    ui->bill[key_at] = '\0'; /* the twin of the key just typed: the text wins */
  ui_entry_bill_append(ui->bill, sizeof ui->bill, text);
  ui->cashier_msg = NULL;
  ui->dirty = 1;
}

/* What a command (input.h) does on the screen that is up. */
static void command(struct ui *ui, enum ui_cmd_kind cmd, int ch)
{
  enum ui_screen s = ui_fsm_screen(ui->fsm);
  uint32_t seq = ui->have_view ? ui->view.seq : 0;
  fsm_in(ui, UI_IN_ACTIVITY);
  ui->dirty = 1;
  if (cmd == UI_CMD_LANG) {
    lang_toggle(ui);
    return;
  }
  if (cmd == UI_CMD_REPEAT) {
    speak(ui);
    return;
  }
  if (cmd == UI_CMD_VOL_DOWN || cmd == UI_CMD_VOL_UP) {
    volume_step(ui, cmd == UI_CMD_VOL_UP ? 1 : -1);
    return;
  }
  if (cmd == UI_CMD_SIGN_OUT && s != UI_SCREEN_PIN && (ui->staff || ui->status.staff_id[0])) {
    /* the program signs them out and journals it; the status line follows */
    ui->staff = 0;
    act(ui, UI_ACT_STAFF_SIGN_OUT, 0, 0, NULL);
    if (s == UI_SCREEN_STAFF_MENU)
      fsm_in(ui, UI_IN_BACK);
    return;
  }
  switch (s) {
  case UI_SCREEN_IDLE:
  case UI_SCREEN_PLACE_AGAIN:
    if (cmd == UI_CMD_STAFF) {
      ui_pinpad_open(&ui->pin, &ui->cfg);
      fsm_in(ui, UI_IN_STAFF);
    } else if (cmd == UI_CMD_ESC && s == UI_SCREEN_PLACE_AGAIN) {
      fsm_in(ui, UI_IN_BACK);
    }
    break;
  case UI_SCREEN_HOLDER_CHECK: {
    unsigned n = ui->view.needs;
    if (cmd == UI_CMD_ENTER)
      act(ui, (n & UI_NEED_REPEAT_ACCEPT) && !(n & UI_NEED_HOLDER_CONFIRM) ? UI_ACT_REPEAT_ACCEPT
                                                                           : UI_ACT_HOLDER_CONFIRM,
          seq, 0, NULL);
    else if (cmd == UI_CMD_ESC)
      act(ui, UI_ACT_HOLDER_REFUSE, seq, 0, NULL);
    else if (cmd == UI_CMD_OVERRIDE && (n & UI_OFFER_OVERRIDE))
      act(ui, UI_ACT_OVERRIDE, seq, 0, NULL);
    break;
  }
  case UI_SCREEN_VERDICT:
  case UI_SCREEN_BUS:
    if (cmd == UI_CMD_OVERRIDE && (ui->view.needs & UI_OFFER_OVERRIDE)) {
      act(ui, UI_ACT_OVERRIDE, seq, 0, NULL);
    } else if (cmd == UI_CMD_ESC || cmd == UI_CMD_ENTER) {
      /* dismissed before its timeout: the session ends all the same (value 1: by hand) */
      act(ui, UI_ACT_TIMEOUT, seq, 1, NULL);
      fsm_in(ui, UI_IN_BACK);
    }
    break;
  case UI_SCREEN_CASHIER: {
    if (ui->id_active) {
      id_command(ui, cmd, ch, seq);
      break;
    }
    if (cmd == UI_CMD_LEFT || cmd == UI_CMD_RIGHT) {
      ui->view.cashier.visit = cmd == UI_CMD_LEFT ? UI_VISIT_OUTPATIENT : UI_VISIT_INPATIENT;
      act(ui, UI_ACT_VISIT, seq, (int)ui->view.cashier.visit, NULL);
    } else if (cmd == UI_CMD_ID && (ui->view.needs & UI_NEED_CREDENTIAL)) {
      ui->id_active = 1;
      ui->cashier_msg = NULL;
    } else if (cmd == UI_CMD_CHAR && (ui->view.needs & UI_NEED_BILL)) {
      char t[2] = {(char)ch, '\0'};
      size_t at = strlen(ui->bill);
      if (ui_entry_bill_append(ui->bill, sizeof ui->bill, t))
        ui->bill_key_at = (long)at;
      ui->cashier_msg = NULL;
    } else if (cmd == UI_CMD_BACKSPACE && ui->bill[0]) {
      ui_entry_bill_backspace(ui->bill);
    } else if (cmd == UI_CMD_ENTER && ui->bill[0]) {
      bill_submit(ui, seq);
    } else if (cmd == UI_CMD_ESC) {
      act(ui, UI_ACT_TIMEOUT, seq, 1, NULL);
      fsm_in(ui, UI_IN_BACK);
    } else if (cmd == UI_CMD_OVERRIDE && (ui->view.needs & UI_OFFER_OVERRIDE)) {
      act(ui, UI_ACT_OVERRIDE, seq, 0, NULL);
    }
    break;
  }
  case UI_SCREEN_PIN:
    if (cmd == UI_CMD_CHAR && ui->pin.id_step)
      ui_pinpad_id_char(&ui->pin, ch);
    else if (cmd == UI_CMD_BACKSPACE && ui->pin.id_step)
      ui_pinpad_id_delete(&ui->pin);
    else if (cmd == UI_CMD_CHAR && ch >= '0' && ch <= '9')
      ui_pinpad_digit(&ui->pin, ch - '0');
    else if (cmd == UI_CMD_BACKSPACE && ui->pin.len)
      ui_pinpad_delete(&ui->pin);
    else if (cmd == UI_CMD_ENTER)
      pin_submit(ui);
    else if (cmd == UI_CMD_ESC) {
      ui_pinpad_clear(&ui->pin);
      fsm_in(ui, UI_IN_BACK);
    }
    break;
  case UI_SCREEN_STAFF_MENU:
    if (cmd == UI_CMD_TONE) {
      play(ui, UI_TONE_ACCEPT);
    } else if (cmd == UI_CMD_ESC) {
      fsm_in(ui, UI_IN_BACK);
    }
    break;
  case UI_SCREEN_STATION_LIST:
    if ((cmd == UI_CMD_UP || cmd == UI_CMD_DOWN) && ui->station.nrows) {
      size_t n = ui->station.nrows > UI_TABLE_ROWS_MAX ? UI_TABLE_ROWS_MAX : ui->station.nrows;
      if (cmd == UI_CMD_UP && ui->station_sel > 0)
        ui->station_sel--;
      else if (cmd == UI_CMD_DOWN && ui->station_sel + 1 < n)
        ui->station_sel++;
    } else if (cmd == UI_CMD_ENTER) {
      act(ui, UI_ACT_STATION_SELECT, ui->station.seq, (int)ui->station_sel, NULL);
    } else if (cmd == UI_CMD_ESC) {
      fsm_in(ui, UI_IN_BACK);
    }
    break;
  case UI_SCREEN_STATION_CONFIRM:
    if (cmd == UI_CMD_ENTER)
      act(ui, UI_ACT_STATION_CONFIRM, ui->station.seq, (int)ui->station.action, NULL);
    else if (cmd == UI_CMD_ESC) {
      act(ui, UI_ACT_STATION_CANCEL, ui->station.seq, 0, NULL);
      fsm_in(ui, UI_IN_BACK);
    }
    break;
  case UI_SCREEN_STATION_SUMMARY:
  case UI_SCREEN_READING:
    if (cmd == UI_CMD_ESC)
      fsm_in(ui, UI_IN_BACK);
    break;
  case UI_SCREEN_REQUEST:
    if (cmd == UI_CMD_STAFF) {
      ui_pinpad_open(&ui->pin, &ui->cfg);
      fsm_in(ui, UI_IN_STAFF);
    } else if (cmd == UI_CMD_ESC && ui->have_request) {
      /* the cashier cancels the billing system's request: the program answers it */
      uint32_t id = ui->request.id;
      ui->have_request = 0;
      fsm_in(ui, UI_IN_REQUEST_END);
      act(ui, UI_ACT_REQUEST_CANCEL, 0, (int)id, NULL);
    }
    break;
  case UI_SCREEN_NOTICE:
    if (cmd == UI_CMD_ESC || cmd == UI_CMD_ENTER)
      fsm_in(ui, UI_IN_BACK);
    break;
  case UI_SCREEN_COUNT:
    break;
  }
}

static void on_key(struct ui *ui, const SDL_KeyboardEvent *k)
{
  struct ui_cmd c = ui_input_key(k->keysym.sym, k->keysym.mod);
  command(ui, c.kind, c.ch);
}

static void on_touch(struct ui *ui, int x, int y)
{
  /* the hits of the frame on screen, not of a warm-up */
  struct ui_cmd c = ui_input_touch(ui->hits, ui->nhits, x, y);
  if (c.row >= 0)
    ui->station_sel = (size_t)c.row;
  command(ui, c.kind, c.ch);
}

/* ------------------------------------------------------------------- frames -- */

static void build_shot(struct ui *ui, struct ui_shot *s, uint64_t now)
{
  memset(s, 0, sizeof *s);
  s->screen = ui_fsm_screen(ui->fsm);
  s->phase = ui_fsm_phase(ui->fsm);
  s->lang = ui->lang;
  s->mode = ui->cfg.mode;
  s->view = ui->have_view ? &ui->view : NULL;
  s->status = &ui->status;
  s->station = ui->have_station ? &ui->station : NULL;
  s->read_error_key = ui->read_error[0] ? ui->read_error : NULL;
  s->remaining_ms = ui_fsm_remaining_ms(ui->fsm, now);
  s->warn_ms = ui->cfg.warn_ms ? ui->cfg.warn_ms : 20000u;
  s->speech = ui->voice != NULL;
  s->anim_ms = now - ui->reading_since;
  s->pin_len = ui->pin.len;
  s->pin_message_key = ui->pin.msg;
  s->pin_staff_id = ui->pin.id_step ? ui->pin.id : NULL;
  s->bill_input = ui->bill;
  s->id_active = ui->id_active;
  ui_idfield_shown(&ui->idf, ui->id_shown, sizeof ui->id_shown);
  s->id_input = ui->id_shown;
  s->cashier_message_key = ui->cashier_msg;
  s->request = ui->have_request ? &ui->request : NULL;
  s->notice_key = ui->notice[0] ? ui->notice : NULL;
  if (ui->have_station)
    ui->station.selected = ui->station_sel;
}

/* Say what the screen on show says, in its language (ui/speech.h chooses the words;
 * staff screens say nothing). */
static void speak(struct ui *ui)
{
  if (!ui->voice)
    return;
  struct ui_shot s;
  build_shot(ui, &s, now_ms(ui));
  char text[UI_SPEECH_TEXT_MAX], tag[48];
  if (!ui_speech_phrase(ui_painter_strings(ui->painter, s.lang), &s, text, sizeof text))
    return;
  snprintf(tag, sizeof tag, "%s-%s-%s", ui_mode_name(s.mode), ui_screen_name(s.screen),
           s.phase == UI_PHASE_WARN ? "warn"
           : s.view && (s.screen == UI_SCREEN_VERDICT || s.screen == UI_SCREEN_BUS)
               ? ui_verdict_name(s.view->verdict)
               : "prompt");
  ui_voice_say(ui->voice, s.lang, text, tag);
}

static void draw_frame(struct ui *ui)
{
  uint64_t t0 = ui_monotonic_ns();
  uint64_t now = now_ms(ui);
  struct ui_shot s;
  build_shot(ui, &s, now);
  SDL_SetRenderDrawColor(ui->ren, 0, 0, 0, 255);
  SDL_RenderClear(ui->ren);
  ui_painter_draw(ui->painter, &s);
  SDL_RenderPresent(ui->ren);
  uint64_t t1 = ui_monotonic_ns();
  const struct ui_hit *hits;
  ui->nhits = ui_painter_hits(ui->painter, &hits);
  memcpy(ui->hits, hits, ui->nhits * sizeof *hits);
  ui->stats.frames++;
  ui->stats.last_frame_ns = t1 - t0;
  if (ui->pending_view_ns) {
    uint64_t lat = t1 > ui->pending_view_ns ? t1 - ui->pending_view_ns : 0;
    ui->stats.last_view_latency_ns = lat;
    if (lat > ui->stats.max_view_latency_ns)
      ui->stats.max_view_latency_ns = lat;
    ui->pending_view_ns = 0;
  }
  ui->drawn_screen = s.screen;
  ui->drawn_phase = s.phase;
  ui->drawn_seconds = (int)((s.remaining_ms + 999u) / 1000u);
  ui->drawn_anim = s.anim_ms / ANIM_MS;
  ui->dirty = 0;
}

/* Whether time alone changed what the screen shows (countdown, spinner, warning). */
static int time_dirty(struct ui *ui, uint64_t now)
{
  enum ui_screen s = ui_fsm_screen(ui->fsm);
  if (s == UI_SCREEN_READING && (now - ui->reading_since) / ANIM_MS != ui->drawn_anim)
    return 1;
  uint32_t rem = ui_fsm_remaining_ms(ui->fsm, now);
  if (rem && (int)((rem + 999u) / 1000u) != ui->drawn_seconds &&
      (s == UI_SCREEN_VERDICT || ui_fsm_phase(ui->fsm) == UI_PHASE_WARN))
    return 1;
  return ui_fsm_phase(ui->fsm) == UI_PHASE_WARN; /* the progress bar moves */
}

static void handle_event(struct ui *ui, const SDL_Event *ev)
{
  if (ev->type == ui->ev_type) {
    struct ui_msg *m = ev->user.data1;
    if (m)
      handle_msg(ui, m);
    msg_free(m);
    return;
  }
  if (ev->type != SDL_TEXTINPUT && ev->type != SDL_TEXTEDITING && ev->type != SDL_KEYUP)
    ui->bill_key_at = -1; /* a key's text twin follows it at once, or not at all */
  switch (ev->type) {
  case SDL_QUIT:
    ui->quit = 1;
    act(ui, UI_ACT_QUIT, 0, 0, NULL);
    break;
  case SDL_KEYDOWN:
    ui->bill_key_at = -1;
    on_key(ui, &ev->key); /* may set bill_key_at */
    return;
  case SDL_TEXTINPUT: {
    long at = ui->bill_key_at;
    ui->bill_key_at = -1;
    char t[sizeof ev->text.text + 1];
    memcpy(t, ev->text.text, sizeof ev->text.text);
    t[sizeof ev->text.text] = '\0';
    on_text(ui, t, at);
    return;
  }
  case SDL_MOUSEBUTTONDOWN:
    if (ev->button.button == SDL_BUTTON_LEFT)
      on_touch(ui, ev->button.x, ev->button.y);
    break;
  case SDL_WINDOWEVENT:
    if (ev->window.event == SDL_WINDOWEVENT_EXPOSED || ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED)
      ui->dirty = 1;
    break;
  case SDL_RENDER_TARGETS_RESET:
  case SDL_RENDER_DEVICE_RESET:
    ui->dirty = 1;
    break;
  default:
    break;
  }
}

/* Screens drawn once, unseen, after start-up, per mode: opening each font size and
 * rasterising the fixed texts costs tens of milliseconds the first time, which must
 * not fall on the first card of the day. Sample data stands in for the holder. */
static const char *const warm_common[] = {"reading", "place_again", "verdict_error", "pin"};
static const char *const warm_gate[] = {"verdict_gate_deny", "verdict_gate_grant", "holder_check"};
static const char *const warm_cashier[] = {"verdict_cashier_deny", "verdict_cashier_grant",
                                           "cashier_ssc", "his_request"};
static const char *const warm_bus[] = {"bus_deny", "bus_grant"};
static const char *const warm_station[] = {"verdict_station_grant", "station_list",
                                           "station_summary", "station_confirm_issue"};

static const char *warm_name(enum ui_mode mode, size_t i)
{
  const char *const *list;
  size_t n;
  switch (mode) {
  case UI_MODE_CASHIER:
    list = warm_cashier, n = sizeof warm_cashier / sizeof *warm_cashier;
    break;
  case UI_MODE_BUS:
    list = warm_bus, n = sizeof warm_bus / sizeof *warm_bus;
    break;
  case UI_MODE_STATION:
    list = warm_station, n = sizeof warm_station / sizeof *warm_station;
    break;
  case UI_MODE_GATE:
  default:
    list = warm_gate, n = sizeof warm_gate / sizeof *warm_gate;
    break;
  }
  if (i < n)
    return list[i];
  i -= n;
  return i < sizeof warm_common / sizeof *warm_common ? warm_common[i] : NULL;
}

/* Draw the next warm-up screen into the back buffer (never presented). 0 when done. */
static int warm_one(struct ui *ui)
{
  const char *name = warm_name(ui->cfg.mode, ui->warm_next);
  if (!name)
    return 0;
  ui->warm_next++;
  struct ui_shot shot;
  if (ui_sample_shot(ui_sample_find(name), &shot) != UI_OK)
    return 1;
  shot.lang = ui->lang;
  shot.mode = ui->cfg.mode;
  shot.status = &ui->status;
  ui_painter_draw(ui->painter, &shot);
  ui->dirty = 1; /* the back buffer holds the warm-up: redraw before presenting */
  return 1;
}

int ui_prepare(struct ui *ui)
{
  if (!ui)
    return UI_E_INVALID_ARG;
  uint64_t t0 = ui_monotonic_ns();
  while (warm_one(ui))
    ;
  logf_ui(ui, "ui: prepared in %.1f ms", (double)(ui_monotonic_ns() - t0) / 1e6);
  draw_frame(ui);
  return UI_OK;
}

int ui_step(struct ui *ui, uint32_t wait_ms)
{
  if (!ui)
    return 1;
  if (!ui->cfg.no_warmup && warm_name(ui->cfg.mode, ui->warm_next)) {
    /* idle time after start-up: warm one screen unless something is waiting */
    SDL_PumpEvents();
    if (SDL_PeepEvents(NULL, 0, SDL_PEEKEVENT, SDL_FIRSTEVENT, SDL_LASTEVENT) == 0 && warm_one(ui)) {
      if (!warm_name(ui->cfg.mode, ui->warm_next))
        draw_frame(ui);
      return ui->quit;
    }
  }
  uint64_t now = now_ms(ui);
  uint32_t wait = wait_ms;
  uint32_t next = ui_fsm_next_deadline_ms(ui->fsm, now);
  if (next < wait)
    wait = next;
  enum ui_screen s = ui_fsm_screen(ui->fsm);
  if ((s == UI_SCREEN_READING || ui_fsm_phase(ui->fsm) == UI_PHASE_WARN) && wait > ANIM_MS)
    wait = ANIM_MS;
  uint32_t rem = ui_fsm_remaining_ms(ui->fsm, now);
  if (s == UI_SCREEN_VERDICT && rem && rem % 1000u + 1u < wait)
    wait = rem % 1000u + 1u;
  SDL_Event ev;
  if (ui->dirty)
    wait = 0;
  if (SDL_WaitEventTimeout(&ev, (int)(wait > INT32_MAX ? INT32_MAX : wait)))
    handle_event(ui, &ev);
  while (!ui->quit && SDL_PollEvent(&ev))
    handle_event(ui, &ev);
  now = now_ms(ui);
  enum ui_screen before = ui_fsm_screen(ui->fsm);
  struct ui_fsm_event tick = {0};
  tick.kind = UI_IN_TICK;
  if (ui_fsm_step(ui->fsm, &tick, now) > 0) {
    ui->dirty = 1;
    on_idle(ui, before, UI_IN_TICK);
  }
  if (!ui->quit && (ui->dirty || time_dirty(ui, now)))
    draw_frame(ui);
  return ui->quit;
}

int ui_run(struct ui *ui)
{
  if (!ui)
    return UI_E_INVALID_ARG;
  while (!ui_step(ui, 1000))
    ;
  return UI_OK;
}

/* ---------------------------------------------------------------- queries -- */

enum ui_screen ui_current_screen(const struct ui *ui)
{
  return ui ? ui_fsm_screen(ui->fsm) : UI_SCREEN_IDLE;
}

enum ui_phase ui_current_phase(const struct ui *ui)
{
  return ui ? ui_fsm_phase(ui->fsm) : UI_PHASE_SHOW;
}

enum ui_lang ui_current_lang(const struct ui *ui)
{
  return ui ? ui->lang : UI_LANG_ZH;
}

void ui_get_stats(const struct ui *ui, struct ui_stats *out)
{
  if (!out)
    return;
  memset(out, 0, sizeof *out);
  if (!ui)
    return;
  *out = ui->stats;
  struct ui_lru_stats ls;
  ui_textctx_stats(ui_painter_text(ui->painter), &ls);
  out->text_cache_hits = ls.hits;
  out->text_cache_misses = ls.misses;
  out->text_cache_entries = ls.entries;
}

int ui_read_frame(struct ui *ui, SDL_Surface **out)
{
  if (!ui || !out)
    return UI_E_INVALID_ARG;
  *out = NULL;
  struct ui_shot s;
  build_shot(ui, &s, now_ms(ui));
  SDL_SetRenderDrawColor(ui->ren, 0, 0, 0, 255);
  SDL_RenderClear(ui->ren);
  ui_painter_draw(ui->painter, &s);
  int w = 0, h = 0;
  SDL_GetRendererOutputSize(ui->ren, &w, &h);
  SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, w, h, 24, SDL_PIXELFORMAT_RGB24);
  if (!surf)
    return UI_E_NO_MEMORY;
  int rc = SDL_RenderReadPixels(ui->ren, NULL, SDL_PIXELFORMAT_RGB24, surf->pixels, surf->pitch);
  SDL_RenderPresent(ui->ren);
  if (rc != 0) {
    SDL_FreeSurface(surf);
    return UI_E_SDL;
  }
  *out = surf;
  return UI_OK;
}
