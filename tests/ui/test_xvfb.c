/*
 * The real window path: an X11 window under a private Xvfb started here (Xvfb picks a
 * free display itself with -displayfd), SDL's x11 video driver, the renderer SDL
 * chooses. Exit code 77 (ctest: skipped) with a clear message when Xvfb is missing.
 */
#include <SDL.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ui/samples.h"
#include "ui/theme.h"
#include "ui/ui.h"

static pid_t xvfb_pid = -1;

static const char *find_xvfb(void)
{
  static char path[1024];
  const char *env = getenv("PATH");
  char buf[4096];
  snprintf(buf, sizeof buf, "%s", env ? env : "/usr/bin:/bin");
  for (char *save = NULL, *dir = strtok_r(buf, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    snprintf(path, sizeof path, "%s/Xvfb", dir);
    if (access(path, X_OK) == 0)
      return path;
  }
  return NULL;
}

/* Start Xvfb on a display of its choosing; returns the display number or -1. */
static int start_xvfb(const char *xvfb)
{
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  xvfb_pid = fork();
  if (xvfb_pid < 0)
    return -1;
  if (xvfb_pid == 0) {
    char fd[16];
    snprintf(fd, sizeof fd, "%d", fds[1]);
    close(fds[0]);
    int devnull = open("/dev/null", 1);
    if (devnull >= 0) {
      dup2(devnull, 1);
      dup2(devnull, 2);
    }
    execl(xvfb, "Xvfb", "-displayfd", fd, "-screen", "0", "1280x800x24", "-nolisten", "tcp",
          "-noreset", (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  char num[32] = "";
  size_t n = 0;
  while (n < sizeof num - 1) {
    ssize_t r = read(fds[0], num + n, 1);
    if (r <= 0 || num[n] == '\n')
      break;
    n++;
  }
  num[n] = '\0';
  close(fds[0]);
  return n ? atoi(num) : -1;
}

static void stop_xvfb(void)
{
  if (xvfb_pid > 0) {
    kill(xvfb_pid, SIGTERM);
    waitpid(xvfb_pid, NULL, 0);
    xvfb_pid = -1;
  }
}

START_TEST(test_window_under_xvfb)
{
  setenv("SDL_VIDEODRIVER", "x11", 1);
  setenv("SDL_AUDIODRIVER", "dummy", 1);
  unsetenv("SDL_RENDER_DRIVER"); /* the renderer SDL picks for a real window */
  struct ui_config cfg;
  ui_config_init(&cfg);
  cfg.sound = 1;
#if defined(__SANITIZE_ADDRESS__)
  /* Mesa's GL stack (what SDL picks under Xvfb) is unloaded at exit with allocations
   * LeakSanitizer cannot attribute: the sanitizer pass tests the X11 window with the
   * software renderer; the normal pass with SDL's choice. */
  cfg.software = 1;
#endif
  struct ui *ui = NULL;
  ck_assert_int_eq(ui_create(&cfg, &ui), UI_OK);
  ck_assert_str_eq(SDL_GetCurrentVideoDriver(), "x11");
  ck_assert_int_eq(ui_post_card_present(ui), UI_OK);
  struct ui_shot shot;
  ui_sample_shot(ui_sample_find("verdict_gate_deny"), &shot);
  ck_assert_int_eq(ui_post_view(ui, shot.view), UI_OK);
  for (int i = 0; i < 10; i++)
    ui_step(ui, 10);
  ck_assert_int_eq(ui_current_screen(ui), UI_SCREEN_VERDICT);
  struct ui_stats st;
  ui_get_stats(ui, &st);
  printf("x11: ready in %.1f ms, decision to frame %.2f ms\n", (double)st.ready_ns / 1e6,
         (double)st.last_view_latency_ns / 1e6);
  SDL_Surface *s = NULL;
  ck_assert_int_eq(ui_read_frame(ui, &s), UI_OK);
  Uint8 *p = (Uint8 *)s->pixels + 700 * s->pitch + 640 * 3;
  uint32_t c = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
  SDL_FreeSurface(s);
  ck_assert_msg(c == ui_colour_rgb(UI_COL_DENY), "pixel %06x", c);
  ui_post_quit(ui);
  ck_assert_int_eq(ui_run(ui), UI_OK);
  ui_destroy(ui);
}
END_TEST

int main(void)
{
  const char *xvfb = find_xvfb();
  if (!xvfb) {
    printf("SKIP ui.xvfb: Xvfb not found in PATH (apt-get install xvfb); the window path "
           "is not tested\n");
    return 77;
  }
  int display = start_xvfb(xvfb);
  if (display < 0) {
    stop_xvfb();
    printf("SKIP ui.xvfb: Xvfb (%s) did not start\n", xvfb);
    return 77;
  }
  char d[32];
  snprintf(d, sizeof d, ":%d", display);
  setenv("DISPLAY", d, 1);
  printf("ui.xvfb: Xvfb on %s (pid %d)\n", d, (int)xvfb_pid);
  Suite *s = suite_create("ui.xvfb");
  TCase *tc = tcase_create("x11");
  tcase_add_test(tc, test_window_under_xvfb);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  stop_xvfb();
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
