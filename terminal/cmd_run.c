/*
 * `kiosk run`: the terminal program with its screen.
 *
 *   main thread      ui_create, then ui_step until the window closes (SDL's rule: video
 *                    on the main thread); staff actions (on_action) go to the session;
 *                    screenshots for the control socket; the systemd watchdog.
 *   watcher thread   cardio's reader watcher: cards in and out, readers, pcscd gone and
 *                    back -> the session's queue.
 *   decision thread  the session (session.c): read, verify, decide, journal, post views
 *                    and the status.
 *   netsync thread   upload the journal, pull the revocation list into the terminal's
 *                    list (when [sync] is configured).
 *   control threads  the optional control socket (control.c).
 *   HIS thread       the optional HIS API (his.c): the hospital's billing system asks for
 *                    waivers -> the session's queue.
 *   signal thread    SIGTERM / SIGINT -> quit, the same way as closing the window.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL.h>
#include <SDL_image.h>

#include <cardio/watch.h>
#include <netsync/netsync.h>

#include "cmd.h"
#include "applog.h"
#include "control.h"
#include "sdnotify.h"
#include "docs_apply.h"
#include "his.h"
#include "tap.h"
#include "session.h"
#include "common/datadir.h"
#include "staff.h"
#include "kiosk/terminal.h"
#include "ui/ui.h"

#define SHOT_WAIT_MS 5000

static const char help_run[] =
    "usage: kiosk run [--config FILE] [--control PATH] [--window] [--no-sound]\n"
    "                 [--station-db FILE]\n"
    "\n"
    "The terminal program: the full-screen kiosk UI on this display, the card reader,\n"
    "decisions and the audit journal, and (with a [sync] section) the centre. Runs until\n"
    "the window is closed, SIGTERM or SIGINT.\n"
    "\n"
    "  --config FILE      terminal configuration (default: the embedded defaults)\n"
    "  --control PATH     serve the control socket at PATH (kiosk ctl; for smoke tests\n"
    "                     and the demo): status, last outcome, key presses, screenshots\n"
    "  --window           a 1280x800 window instead of full screen\n"
    "  --no-sound         no tones\n"
    "  --station-db FILE  station mode: the station's database (default $STATION_DB);\n"
    "                     the screen shows its cards ready for collection\n"
    "\n"
    "Without a display, run it with SDL_VIDEODRIVER=offscreen (headless). Under systemd\n"
    "it reports READY=1 and pings the watchdog through $NOTIFY_SOCKET.\n"
    "Exit status: 0 after a clean stop, 1 configuration or runtime (no display, ...), 2 usage.\n";

struct run_app {
  struct kiosk_config cfg;
  struct ui *ui;
  struct session *ses;
  struct cardio_watch *watch;
  struct netsync *ns;
  struct kiosk_journal *ns_journal; /* netsync's own handle on the journal */
  struct control *ctl;
  struct term_his *his;             /* the HIS API (cashier, his_listen), else NULL */
  struct term_docs *docs;           /* the centre's documents applied at runtime */
  Uint32 wake_type;                 /* an SDL event that only wakes ui_step */

  pthread_mutex_t mu;               /* everything below */
  pthread_cond_t cond;
  int quit;                         /* SIGTERM, SIGINT, `quit` */
  char shot_path[1024];
  int shot_pending, shot_rc;
  uint64_t shot_gen;
  char shot_reply[256];
  enum ui_screen screen;
  struct ui_stats stats;
};

/* ------------------------------------------------------------ ui callbacks -- */

static void ui_log_cb(void *user, const char *line)
{
  (void)user;
  app_log("%s", line);
}

static void on_action(void *user, const struct ui_action *a)
{
  struct run_app *app = user;
  if (a->kind != UI_ACT_QUIT)
    session_ui_action(app->ses, a);
}

static void wake_main(struct run_app *app)
{
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = app->wake_type;
  SDL_PushEvent(&ev);
}

/* ------------------------------------------------------ control callbacks -- */

static int ctl_shot(void *user, const char *path, char *reply, size_t cap)
{
  struct run_app *app = user;
  pthread_mutex_lock(&app->mu);
  while (app->shot_pending) /* one at a time */
    pthread_cond_wait(&app->cond, &app->mu);
  snprintf(app->shot_path, sizeof app->shot_path, "%s", path);
  app->shot_pending = 1;
  uint64_t gen = app->shot_gen;
  pthread_mutex_unlock(&app->mu);
  wake_main(app);
  struct timespec dl;
  clock_gettime(CLOCK_REALTIME, &dl);
  dl.tv_sec += SHOT_WAIT_MS / 1000;
  pthread_mutex_lock(&app->mu);
  int rc = 0;
  while (app->shot_gen == gen && rc == 0)
    rc = pthread_cond_timedwait(&app->cond, &app->mu, &dl);
  int ok = app->shot_gen != gen;
  snprintf(reply, cap, "%s", ok ? app->shot_reply : "the screen did not answer");
  int res = ok ? app->shot_rc : -1;
  pthread_mutex_unlock(&app->mu);
  return res;
}

static const struct {
  const char *name;
  SDL_Keycode sym;
} key_names[] = {{"enter", SDLK_RETURN}, {"esc", SDLK_ESCAPE},       {"f2", SDLK_F2},
                 {"f9", SDLK_F9},        {"f12", SDLK_F12},          {"left", SDLK_LEFT},
                 {"right", SDLK_RIGHT},  {"up", SDLK_UP},            {"down", SDLK_DOWN},
                 {"backspace", SDLK_BACKSPACE}, {"f4", SDLK_F4},    {"f10", SDLK_F10}};

static int ctl_key(void *user, const char *name)
{
  (void)user;
  SDL_Keycode sym = SDLK_UNKNOWN;
  Uint16 mod = KMOD_NONE;
  for (size_t i = 0; i < sizeof key_names / sizeof key_names[0]; i++)
    if (strcmp(name, key_names[i].name) == 0)
      sym = key_names[i].sym;
  if (sym == SDLK_UNKNOWN && name[0] && !name[1]) {
    char ch = name[0];
    if ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || ch == '-' || ch == '/' ||
        ch == '.' || ch == '_')
      sym = (SDL_Keycode)ch;
    else if (ch >= 'A' && ch <= 'Z') {
      sym = (SDL_Keycode)(ch - 'A' + 'a');
      mod = KMOD_LSHIFT;
    }
  }
  if (sym == SDLK_UNKNOWN)
    return -1;
  SDL_Event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = SDL_KEYDOWN;
  ev.key.state = SDL_PRESSED;
  ev.key.keysym.sym = sym;
  ev.key.keysym.scancode = SDL_GetScancodeFromKey(sym);
  ev.key.keysym.mod = mod;
  return SDL_PushEvent(&ev) == 1 ? 0 : -1;
}

static void ctl_screen(void *user, char *buf, size_t cap, double *latency_ms, uint64_t *frames)
{
  struct run_app *app = user;
  pthread_mutex_lock(&app->mu);
  snprintf(buf, cap, "%s", ui_screen_name(app->screen));
  *latency_ms = (double)app->stats.last_view_latency_ns / 1e6;
  *frames = app->stats.frames;
  pthread_mutex_unlock(&app->mu);
}

static void ctl_reset(void *user)
{
  struct run_app *app = user;
  ui_post_reset(app->ui);
}

static void request_quit(struct run_app *app)
{
  pthread_mutex_lock(&app->mu);
  app->quit = 1;
  pthread_mutex_unlock(&app->mu);
  ui_post_quit(app->ui);
}

static void ctl_quit(void *user)
{
  request_quit(user);
}

/* The main thread's share of the control socket: screenshots of the real frame. */
static void main_requests(struct run_app *app)
{
  pthread_mutex_lock(&app->mu);
  int pending = app->shot_pending;
  char path[sizeof app->shot_path];
  snprintf(path, sizeof path, "%s", app->shot_path);
  pthread_mutex_unlock(&app->mu);
  if (!pending)
    return;
  char reply[256];
  int rc = -1;
  SDL_Surface *surf = NULL;
  int err = ui_read_frame(app->ui, &surf);
  if (err != UI_OK) {
    snprintf(reply, sizeof reply, "reading the frame: %s", ui_errname(err));
  } else if (IMG_SavePNG(surf, path) != 0) {
    snprintf(reply, sizeof reply, "writing %.160s: %.80s", path, IMG_GetError());
  } else {
    snprintf(reply, sizeof reply, "%dx%d screen=%s", surf->w, surf->h,
             ui_screen_name(ui_current_screen(app->ui)));
    rc = 0;
  }
  SDL_FreeSurface(surf);
  pthread_mutex_lock(&app->mu);
  app->shot_pending = 0;
  app->shot_rc = rc;
  snprintf(app->shot_reply, sizeof app->shot_reply, "%s", reply);
  app->shot_gen++;
  pthread_cond_broadcast(&app->cond);
  pthread_mutex_unlock(&app->mu);
}

/* ------------------------------------------------------------------ netsync -- */

static int sink_version(void *ctx, uint64_t *version)
{
  struct run_app *app = ctx;
  *version = kiosk_revlist_version(kiosk_terminal_revlist(session_terminal(app->ses)));
  return 0;
}

static int sink_apply(void *ctx, const uint8_t *list, size_t len, int is_delta)
{
  struct run_app *app = ctx;
  struct kiosk_terminal *t = session_terminal(app->ses);
  const struct proto_key *key = kiosk_terminal_revkey(t);
  if (!key) {
    app_log("revocation list: no %s in the trust store to check it", KIOSK_TRUST_REVOCATION_KEY);
    return -1;
  }
  struct kiosk_diag d;
  memset(&d, 0, sizeof d);
  struct kiosk_revlist *rl = kiosk_terminal_revlist(t);
  int rc = kiosk_revlist_commit(rl, app->cfg.revocation_path, list, len, key, &d);
  char msg[600];
  if (rc != KIOSK_OK) {
    app_log("revocation list: %s", kiosk_diag_format(&d, msg, sizeof msg));
    return -1;
  }
  app_log("revocation list: version %" PRIu64 " (%s, %zu entries)", kiosk_revlist_version(rl),
          is_delta ? "delta" : "snapshot", kiosk_revlist_count(rl));
  return 0;
}

static const char *sink_reader(void *ctx)
{
  struct run_app *app = ctx;
  return session_reader_state(app->ses);
}

/* The PIN screen (UI thread): by staff id and PIN while a roster is in force. */
static int ui_sign_in_by_id(void *user)
{
  (void)user;
  return term_staff_roster_in_force();
}

static int ui_sign_in(void *user, const char *staff_id, const char *pin)
{
  (void)user;
  switch (term_staff_sign_in(staff_id, pin, (int64_t)time(NULL))) {
  case TERM_SIGNIN_OK:
    return UI_SIGN_IN_OK;
  case TERM_SIGNIN_LOCKED:
    return UI_SIGN_IN_LOCKED;
  case TERM_SIGNIN_SHORT:
    return UI_SIGN_IN_SHORT;
  default:
    return UI_SIGN_IN_WRONG;
  }
}

/* The staff status line's document versions (the decision thread asks). */
static int status_doc_version(void *user, const char *kind, uint64_t *version)
{
  struct run_app *app = user;
  return term_docs_version(app->docs, kind, version);
}

static int sink_doc_version(void *ctx, const char *kind, uint64_t *version)
{
  struct run_app *app = ctx;
  return term_docs_version(app->docs, kind, version);
}

static int sink_doc_apply(void *ctx, const char *kind, uint64_t version, const char *content,
                          size_t len)
{
  struct run_app *app = ctx;
  return term_docs_apply(app->docs, kind, version, content, len, (int64_t)time(NULL));
}

static const struct netsync_sink_ops sink_ops = {sink_version, sink_apply, sink_doc_version,
                                                 sink_doc_apply, sink_reader};

static void ns_trace(void *ctx, const char *line)
{
  (void)ctx;
  app_log("sync: %s", line);
}

static int start_sync(struct run_app *app, char *why, size_t cap)
{
  const struct kiosk_sync_config *y = &app->cfg.sync;
  struct kiosk_diag d;
  memset(&d, 0, sizeof d);
  char msg[600];
  if (kiosk_journal_open(app->cfg.journal_path, 0, &app->ns_journal, &d) != KIOSK_OK) {
    snprintf(why, cap, "journal for sync: %s", kiosk_diag_format(&d, msg, sizeof msg));
    return -1;
  }
  struct netsync_config nc;
  memset(&nc, 0, sizeof nc);
  nc.url = y->url;
  nc.ca_file = y->ca_file;
  nc.pinned_pubkey = y->pinned_pubkey[0] ? y->pinned_pubkey : NULL;
  nc.cert_file = y->cert_file;
  nc.key_file = y->key_file;
  nc.sign_pubkey_file = y->signer_file;
  nc.software = "kiosk " TERM_VERSION;
  nc.poll_ms = y->poll_s * 1000u;
  nc.failback_ms = y->failback_s * 1000u;
  nc.trace = ns_trace;
  nc.trace_ctx = app;
  int rc = netsync_create(&nc, &netsync_kiosk_journal_ops, app->ns_journal, &sink_ops, app,
                          &app->ns);
  if (rc != NETSYNC_OK) {
    snprintf(why, cap, "sync: %s (url, ca, cert, key, signer in [sync])", netsync_strerror(rc));
    return -1;
  }
  session_set_netsync(app->ses, app->ns);
  return 0;
}

/* ------------------------------------------------------------------ signals -- */

static void *signal_main(void *arg)
{
  struct run_app *app = arg;
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGUSR1);
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0)
      continue;
    if (sig == SIGUSR1) /* the program is ending: our cue to go */
      break;
    app_log("signal %d: stopping", sig);
    request_quit(app);
  }
  return NULL;
}

static void watch_cb(const struct cardio_watch_event *ev, void *user)
{
  struct run_app *app = user;
  session_card_event(app->ses, ev);
}

/* -------------------------------------------------------------------- main -- */

static int run_loop(struct run_app *app)
{
  uint64_t wd_us = yh_sd_watchdog_usec();
  uint64_t wd_ms = wd_us / 1000u, last_ping = 0;
  uint32_t wait = 1000;
  if (wd_ms && wd_ms / 4 < wait)
    wait = (uint32_t)(wd_ms / 4 ? wd_ms / 4 : 1);
  if (wd_ms)
    app_log("systemd watchdog every %" PRIu64 " ms", wd_ms);
  yh_sd_notify("READY=1\nSTATUS=ready");
  for (;;) {
    int done = ui_step(app->ui, wait);
    main_requests(app);
    pthread_mutex_lock(&app->mu);
    app->screen = ui_current_screen(app->ui);
    ui_get_stats(app->ui, &app->stats);
    done |= app->quit;
    pthread_mutex_unlock(&app->mu);
    if (done)
      break;
    if (wd_ms) {
      /* alive = this loop turns AND the decision thread turns (it does at least every
       * SESSION_TICK_MS; a card exchange that hangs for longer than half the interval
       * stops the pings: systemd restarts us) */
      uint64_t now = app_now_ms();
      if (now - last_ping >= wd_ms / 2 &&
          now - session_heartbeat_ms(app->ses) < wd_ms / 2 + SESSION_TICK_MS) {
        yh_sd_notify("WATCHDOG=1");
        last_ping = now;
      }
    }
  }
  yh_sd_notify("STOPPING=1");
  return 0;
}

int term_cmd_run(struct term_args *a)
{
  const char *cfgpath = NULL, *ctlpath = NULL, *station_db = getenv("STATION_DB"), *v;
  int window = 0, no_sound = 0;
  for (; a->i < a->argc; a->i++) {
    if (term_arg_is_help(a)) {
      fputs(help_run, stdout);
      return 0;
    } else if ((v = term_arg_value(a, "--config"))) {
      cfgpath = v;
    } else if ((v = term_arg_value(a, "--control"))) {
      ctlpath = v;
    } else if ((v = term_arg_value(a, "--station-db"))) {
      station_db = v;
    } else if (term_arg_flag(a, "--window")) {
      window = 1;
    } else if (term_arg_flag(a, "--no-sound")) {
      no_sound = 1;
    } else {
      term_usage_error(a);
    }
  }

  static struct run_app app; /* one per process; static keeps it off the small stack */
  memset(&app, 0, sizeof app);
  pthread_mutex_init(&app.mu, NULL);
  pthread_cond_init(&app.cond, NULL);
  struct kiosk_diag d;
  memset(&d, 0, sizeof d);
  char msg[800];
  app_log("kiosk %s starting", TERM_VERSION);
  if (kiosk_config_load(cfgpath, NULL, 0, &app.cfg, &d) != KIOSK_OK) {
    fprintf(stderr, "kiosk: configuration error: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    return TERM_EXIT_RUNTIME;
  }
  const struct kiosk_config *cfg = &app.cfg;
  term_staff_init(cfg->staff_id, cfg->policy.utc_offset_s); /* who acts until a roster */
  if (term_docs_open(cfg, &app.docs, msg, sizeof msg) != 0) {
    fprintf(stderr, "kiosk: %s\n", msg);
    return TERM_EXIT_RUNTIME;
  }
  app.cfg = *term_docs_config(app.docs); /* with the centre's documents in force */
  term_docs_in_force_text(msg, sizeof msg);
  app_log("documents in force: %s", msg);
  /* A bus installed before the centre's registry lists it starts anyway and refuses cards
   * (REGISTRY_WAIT) until the registry comes; without [sync] it never would. */
  if (term_docs_wait_text(&app.cfg, term_docs_in_force("registry"), msg, sizeof msg)) {
    app_log("%s", msg);
    if (!app.cfg.sync.enabled) {
      fprintf(stderr, "kiosk: %s, and there is no [sync] to bring it\n", msg);
      term_docs_close(app.docs);
      return TERM_EXIT_RUNTIME;
    }
  }
  if ((cfg->mode == KIOSK_MODE_GATE || cfg->mode == KIOSK_MODE_CASHIER) && !cfg->staff_id[0])
    app_log("warning: no staff_id in [terminal]: staff confirmations will be refused "
            "(STAFF_ID_MISSING)");
  if (cfg->mode != KIOSK_MODE_STATION || (station_db && !*station_db))
    station_db = NULL;
  app_log("%s terminal %s at %s, reader \"%s\"%s%s%s, %s", kiosk_mode_name(cfg->mode),
          cfg->terminal_id, cfg->site_id, cfg->reader, cfg->ssc_reader[0] ? ", SSC reader \"" : "",
          cfg->ssc_reader, cfg->ssc_reader[0] ? "\"" : "",
          cfg->sync.enabled ? "syncing with the centre" : "offline (no [sync])");

  /* Signals go to the signal thread alone: block them before any thread starts (SDL
   * and libraries start their own). */
  sigset_t set, old;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &set, &old);
  signal(SIGPIPE, SIG_IGN);

  int rc = TERM_EXIT_RUNTIME;
  pthread_t sig_thread;
  int sig_started = 0;
  struct ui_config uc;
  ui_config_init(&uc);
  uc.mode = (enum ui_mode)cfg->mode;
  uc.fullscreen = window ? 0 : cfg->ui.fullscreen;
  uc.software = cfg->ui.software;
  uc.sound = no_sound ? 0 : cfg->ui.sound;
  uc.speech = cfg->ui.speech;
  uc.volume = (int)cfg->ui.volume;
  if ((unsigned)cfg->mode <= UI_MODE_STATION)
    uc.verdict_ms[cfg->mode] = cfg->ui.verdict_ms;
  uc.lang = strcmp(cfg->ui.language, "en") == 0 ? UI_LANG_EN : UI_LANG_ZH;
  uc.pin_hash = cfg->ui.pin_hash[0] ? cfg->ui.pin_hash : NULL;
  uc.sign_in_by_id = ui_sign_in_by_id; /* a roster in force: staff id, then PIN */
  uc.sign_in = ui_sign_in;
  /* one strings directory for the screens and the station desk's templates */
  const char *strings_dir = getenv("YH_UI_STRINGS_DIR");
  char strings_buf[COMMON_DATADIR_PATH_MAX];
  if (!strings_dir || !*strings_dir)
    strings_dir = common_datadir_path("strings", strings_buf, sizeof strings_buf) == COMMON_OK
                      ? strings_buf
                      : "strings";
  uc.strings_dir = strings_dir;
  uc.on_action = on_action;
  uc.log = ui_log_cb;
  uc.user = &app;
  int err = ui_create(&uc, &app.ui);
  if (err != UI_OK) {
    fprintf(stderr, "kiosk: the screen: %s (no display? headless: SDL_VIDEODRIVER=offscreen)\n",
            ui_strerror(err));
    goto out_stop;
  }
  app.wake_type = SDL_RegisterEvents(1);
  struct session_config sc = {cfg, app.ui, "kiosk " TERM_VERSION, station_db, uc.strings_dir,
                              uc.lang, status_doc_version, &app};
  char why[700];
  if (session_create(&sc, &app.ses, why, sizeof why) != 0) {
    fprintf(stderr, "kiosk: %s\n", why);
    rc = TERM_EXIT_RUNTIME;
    goto out_stop;
  }
  term_docs_set_tariff(app.docs, kiosk_terminal_tariff(session_terminal(app.ses)));
  term_docs_attach(app.docs, session_terminal(app.ses), term_tap_publish_trust);
  if (cfg->sync.enabled && start_sync(&app, why, sizeof why) != 0) {
    fprintf(stderr, "kiosk: %s\n", why);
    rc = TERM_EXIT_RUNTIME;
    goto out_stop;
  }
  if (ctlpath) {
    struct control_ops ops = {&app,      app.ses,   ctl_shot, ctl_key,
                              ctl_screen, ctl_reset, ctl_quit};
    if (control_start(ctlpath, &ops, &app.ctl, why, sizeof why) != 0) {
      fprintf(stderr, "kiosk: control socket: %s\n", why);
      rc = TERM_EXIT_RUNTIME;
      goto out_stop;
    }
    app_log("control socket %s", ctlpath);
  }
  if (cfg->his_listen[0]) {
    struct term_his_config hc = {cfg->his_listen, cfg->his_token_file, cfg->journal_path,
                                 cfg->terminal_id, cfg->policy.utc_offset_s,
                                 cfg->his_request_expiry_s};
    if (term_his_start(&hc, app.ses, &app.his, why, sizeof why) != 0) {
      fprintf(stderr, "kiosk: HIS API: %s\n", why);
      rc = TERM_EXIT_RUNTIME;
      goto out_stop;
    }
  }
  if (pthread_create(&sig_thread, NULL, signal_main, &app) == 0)
    sig_started = 1;
  if (session_start(app.ses) != 0 || cardio_watch_create(watch_cb, &app, &app.watch) != CARDIO_OK ||
      cardio_watch_start(app.watch) != CARDIO_OK || (app.ns && netsync_start(app.ns) != NETSYNC_OK)) {
    fprintf(stderr, "kiosk: cannot start the worker threads\n");
    goto out_stop;
  }
  rc = run_loop(&app) == 0 ? 0 : TERM_EXIT_RUNTIME;
  app_log("stopping");

out_stop:
  /* Stop every thread that posts to the screen before the screen goes. */
  term_his_stop(app.his);          /* before the session: it queues requests there */
  control_stop(app.ctl);
  cardio_watch_destroy(app.watch);
  netsync_destroy(app.ns);          /* before the terminal: its sink applies lists to it */
  session_destroy(app.ses);
  term_docs_close(app.docs);
  term_tap_publish_trust(NULL);
  term_staff_set_roster(NULL, 0, (int64_t)time(NULL));
  kiosk_journal_close(app.ns_journal);
  if (sig_started) {
    pthread_kill(sig_thread, SIGUSR1);
    pthread_join(sig_thread, NULL);
  }
  ui_destroy(app.ui);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_cond_destroy(&app.cond);
  pthread_mutex_destroy(&app.mu);
  app_log("stopped (exit %d)", rc);
  return rc;
}
