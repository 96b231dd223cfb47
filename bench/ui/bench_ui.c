/*
 * Benchmark of the kiosk screens, each figure next to a baseline measured in the same
 * run on the same video and render drivers:
 *
 *   decision -> presented frame   vs an empty frame (clear + present) and a full-screen
 *                                 fill + present: the floor of any frame
 *   heaviest screen's frame time  every sample screen drawn, warm, median
 *   start-up to ready             ui_create up to the first idle frame on screen, vs a
 *                                 bare SDL window + renderer + first present
 *   resident memory               after start-up, after the warm-up, after every screen
 *
 * Goals: decision to frame < 16 ms, start-up < 1.5 s, resident < 150 MB. Prints, never
 * fails on a timing. Defaults: offscreen video driver, software renderer, dummy audio
 * (what a test machine has); --window uses the environment's drivers instead.
 *
 *   bench_ui [--rounds N] [--window]
 */
#include <SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/samples.h"
#include "ui/ui.h"

static double ms(uint64_t ns)
{
  return (double)ns / 1e6;
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

struct dist {
  double median, p95, max;
};

static struct dist dist_of(uint64_t *v, size_t n)
{
  struct dist d = {0, 0, 0};
  if (!n)
    return d;
  qsort(v, n, sizeof *v, cmp_u64);
  d.median = ms(v[n / 2]);
  d.p95 = ms(v[(n * 95) / 100 < n ? (n * 95) / 100 : n - 1]);
  d.max = ms(v[n - 1]);
  return d;
}

static long rss_kb(const char *field)
{
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  size_t fl = strlen(field);
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, field, fl) == 0)
      kb = strtol(line + fl, NULL, 10);
  if (f)
    fclose(f);
  return kb;
}

/* Baselines on a bare SDL window: start-up, empty frame, full-screen fill, memory. */
static void baseline(size_t rounds, uint64_t *startup, struct dist *empty, struct dist *fill,
                     long *rss)
{
  uint64_t t0 = ui_monotonic_ns();
  if (SDL_Init(SDL_INIT_VIDEO | SDL_INIT_EVENTS) != 0) {
    fprintf(stderr, "bench_ui: SDL_Init: %s\n", SDL_GetError());
    exit(1);
  }
  SDL_Window *w = SDL_CreateWindow("baseline", 0, 0, 1280, 800, SDL_WINDOW_SHOWN);
  SDL_Renderer *r = w ? SDL_CreateRenderer(w, -1, 0) : NULL;
  if (!r) {
    fprintf(stderr, "bench_ui: baseline window: %s\n", SDL_GetError());
    exit(1);
  }
  SDL_RenderSetLogicalSize(r, 1280, 800);
  SDL_RenderClear(r);
  SDL_RenderPresent(r);
  *startup = ui_monotonic_ns() - t0;
  uint64_t *e = calloc(rounds, sizeof *e), *f = calloc(rounds, sizeof *f);
  for (size_t i = 0; i < rounds; i++) {
    uint64_t a = ui_monotonic_ns();
    SDL_SetRenderDrawColor(r, 0, 0, 0, 255);
    SDL_RenderClear(r);
    SDL_RenderPresent(r);
    uint64_t b = ui_monotonic_ns();
    SDL_SetRenderDrawColor(r, (Uint8)i, 0x5C, 0x2E, 255);
    SDL_RenderFillRect(r, NULL);
    SDL_RenderPresent(r);
    uint64_t c = ui_monotonic_ns();
    e[i] = b - a;
    f[i] = c - b;
  }
  *empty = dist_of(e, rounds);
  *fill = dist_of(f, rounds);
  *rss = rss_kb("VmRSS:");
  free(e);
  free(f);
  SDL_DestroyRenderer(r);
  SDL_DestroyWindow(w);
  SDL_Quit();
}

static const char *const gate_views[] = {"verdict_gate_grant", "verdict_gate_deny", "holder_check",
                                         "verdict_deny_many"};

/* Post a view as a fresh decision and run the loop until it is on screen. */
static uint64_t decide_and_show(struct ui *ui, const char *name, uint32_t seq)
{
  struct ui_shot shot;
  ui_sample_shot(ui_sample_find(name), &shot);
  struct ui_view v = *shot.view;
  v.seq = seq;
  struct ui_stats before, after;
  ui_get_stats(ui, &before);
  v.decided_at_ns = ui_monotonic_ns();
  ui_post_view(ui, &v);
  do {
    ui_step(ui, 0);
    ui_get_stats(ui, &after);
  } while (after.views == before.views || after.frames == before.frames);
  return after.last_view_latency_ns;
}

int main(int argc, char **argv)
{
  size_t rounds = 200;
  int window = 0;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
      rounds = (size_t)strtoul(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--window") == 0)
      window = 1;
    else {
      fprintf(stderr, "usage: bench_ui [--rounds N] [--window]\n");
      return 2;
    }
  }
  if (rounds < 10)
    rounds = 10;
  if (!window) {
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    setenv("SDL_RENDER_DRIVER", "software", 1);
    /* as the ui does with its software renderer: the driver's own framebuffer, no GL */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
  }
  setenv("SDL_AUDIODRIVER", "dummy", 1);
  long rss0 = rss_kb("VmRSS:");

  uint64_t base_startup;
  struct dist empty, fill;
  long rss_bare;
  baseline(rounds, &base_startup, &empty, &fill, &rss_bare);

  struct ui_config cfg;
  ui_config_init(&cfg);
  cfg.software = !window;
  cfg.no_warmup = 1;
  cfg.log = NULL;
  uint64_t t0 = ui_monotonic_ns();
  struct ui *ui = NULL;
  int rc = ui_create(&cfg, &ui);
  uint64_t startup = ui_monotonic_ns() - t0;
  if (rc != UI_OK) {
    fprintf(stderr, "bench_ui: ui_create: %s\n", ui_strerror(rc));
    return 1;
  }
  long rss_ready = rss_kb("VmRSS:");
  /* the first card of the day before any warm-up: the worst case */
  uint64_t cold = decide_and_show(ui, gate_views[0], 1);
  uint64_t p0 = ui_monotonic_ns();
  ui_prepare(ui);
  uint64_t prepare = ui_monotonic_ns() - p0;
  long rss_warm = rss_kb("VmRSS:");

  uint64_t *lat = calloc(rounds, sizeof *lat), *frame = calloc(rounds, sizeof *frame);
  for (size_t i = 0; i < rounds; i++) {
    lat[i] = decide_and_show(ui, gate_views[i % 4], (uint32_t)i + 2);
    struct ui_stats st;
    ui_get_stats(ui, &st);
    frame[i] = st.last_frame_ns;
  }
  struct dist dl = dist_of(lat, rounds), df = dist_of(frame, rounds);
  struct ui_stats st;
  ui_get_stats(ui, &st);
  ui_destroy(ui);

  /* every screen through the headless canvas (the same painter), warm */
  struct ui_canvas *c = NULL;
  if (ui_canvas_create(NULL, &c) != UI_OK)
    return 1;
  size_t n = ui_sample_count(), heaviest = 0;
  double *med = calloc(n, sizeof *med);
  size_t per = rounds / 4 > 10 ? rounds / 4 : 10;
  uint64_t *t = calloc(per, sizeof *t);
  for (size_t i = 0; i < n; i++) {
    struct ui_shot shot;
    for (size_t k = 0; k <= per; k++) {
      ui_sample_shot(i, &shot);
      SDL_Surface *s = NULL;
      ui_canvas_render(c, &shot, &s);
      SDL_FreeSurface(s);
      if (k)
        t[k - 1] = ui_canvas_last_draw_ns(c);
    }
    med[i] = dist_of(t, per).median;
    if (med[i] > med[heaviest])
      heaviest = i;
  }
  long rss_all = rss_kb("VmRSS:"), hwm = rss_kb("VmHWM:");
  ui_canvas_destroy(c);

  printf("bench_ui: %zu rounds, video %s, %s renderer\n", rounds, window ? "from the environment" : "offscreen",
         window ? "SDL's choice of" : "software");
  printf("\n1. decision -> presented frame (goal < 16 ms)\n");
  printf("   warm          median %6.2f ms  p95 %6.2f  max %6.2f\n", dl.median, dl.p95, dl.max);
  printf("   cold (first card, no warm-up)  %6.2f ms; warm-up itself %.0f ms in idle time\n", ms(cold), ms(prepare));
  printf("   of which drawing+present: median %.2f ms\n", df.median);
  printf("   baseline empty frame (clear+present)   %6.2f ms  -> ratio %.1fx\n", empty.median,
         empty.median > 0 ? dl.median / empty.median : 0.0);
  printf("   baseline full-screen fill + present    %6.2f ms  -> ratio %.1fx\n", fill.median,
         fill.median > 0 ? dl.median / fill.median : 0.0);
  printf("   %s\n", dl.median < 16.0 ? "goal met" : "GOAL MISSED");
  printf("\n2. frame time per screen (canvas, warm, median of %zu)\n", per);
  for (size_t i = 0; i < n; i++)
    printf("   %-26s %6.2f ms%s\n", ui_sample_name(i), med[i], i == heaviest ? "  <- heaviest" : "");
  printf("   heaviest: %s %.2f ms = %.1fx the full-screen fill baseline\n", ui_sample_name(heaviest), med[heaviest],
         fill.median > 0 ? med[heaviest] / fill.median : 0.0);
  printf("\n3. start-up to ready (goal < 1.5 s)\n");
  printf("   ui_create -> first idle frame  %7.1f ms (%s)\n", ms(startup), ms(startup) < 1500.0 ? "goal met" : "GOAL MISSED");
  printf("   baseline bare SDL window       %7.1f ms -> ratio %.1fx\n", ms(base_startup),
         base_startup ? (double)startup / (double)base_startup : 0.0);
  printf("\n4. resident memory (goal < 150 MB)\n");
  printf("   at start %.1f MB, ready %.1f MB, after warm-up %.1f MB, after every screen %.1f MB, peak %.1f MB (%s)\n",
         rss0 / 1024.0, rss_ready / 1024.0, rss_warm / 1024.0, rss_all / 1024.0, hwm / 1024.0,
         hwm / 1024.0 < 150.0 ? "goal met" : "GOAL MISSED");
  printf("   baseline bare SDL window + renderer %.1f MB (SDL and its video libraries): the ui adds "
         "%.1f MB at ready, %.1f MB warm\n",
         rss_bare / 1024.0, (rss_ready - rss_bare) / 1024.0, (rss_warm - rss_bare) / 1024.0);
  printf("   text cache: %zu entries, %llu hits, %llu misses\n", st.text_cache_entries,
         (unsigned long long)st.text_cache_hits, (unsigned long long)st.text_cache_misses);
  free(lat);
  free(frame);
  free(med);
  free(t);
  return 0;
}
