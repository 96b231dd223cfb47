/* The centre through its office tool centre-admin (station/issue.h): revocations are
 * `centre-admin --config CONFIG card revoke CARD --generation G|--below G --reason R`,
 * run directly (posix_spawn, no shell), its output captured for the reason. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "station/issue.h"

extern char **environ;

static int admin_send(void *ctx, const struct station_outbox_item *it, char *why, size_t cap)
{
  const struct station_centre_admin *a = ctx;
  char gen[16];
  if (it->op == STATION_OUTBOX_REGISTER) {
    snprintf(why, cap, "the centre has no card registration yet (queued)");
    return STATION_E_UNAVAILABLE;
  }
  snprintf(gen, sizeof gen, "%u", it->generation);
  /* execv wants char *const[]: the arguments are copied into writable storage. */
  const char *args[] = {a->admin, "--config", a->config, "card", "revoke", it->card_no,
                        it->kind == STATION_REV_BELOW ? "--below" : "--generation", gen,
                        "--reason", it->reason[0] ? it->reason : "other"};
  enum { NARGS = sizeof args / sizeof args[0] };
  char store[NARGS][512];
  char *argv[NARGS + 1];
  for (size_t i = 0; i < NARGS; i++) {
    if (strlen(args[i]) >= sizeof store[i]) {
      snprintf(why, cap, "centre-admin path or configuration path too long");
      return STATION_E_CENTRE;
    }
    memcpy(store[i], args[i], strlen(args[i]) + 1);
    argv[i] = store[i];
  }
  argv[NARGS] = NULL;
  int pfd[2];
  if (pipe(pfd) != 0 || fcntl(pfd[0], F_SETFD, FD_CLOEXEC) != 0 ||
      fcntl(pfd[1], F_SETFD, FD_CLOEXEC) != 0) {
    snprintf(why, cap, "pipe: %s", strerror(errno));
    return STATION_E_CENTRE;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pfd[1], 2);
  pid_t pid;
  int e = posix_spawn(&pid, a->admin, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(pfd[1]);
  if (e != 0) {
    close(pfd[0]);
    snprintf(why, cap, "cannot run %s: %s", a->admin, strerror(e));
    return STATION_E_CENTRE;
  }
  char out[256];
  size_t got = 0;
  ssize_t n;
  while ((n = read(pfd[0], out + got, sizeof out - 1 - got)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      got += (size_t)n;
  /* Drain the rest so that the tool never blocks on a full pipe. */
  char sink[256];
  while (read(pfd[0], sink, sizeof sink) > 0)
    ;
  close(pfd[0]);
  out[got] = '\0';
  out[strcspn(out, "\n")] = '\0';
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    snprintf(why, cap, "%s", out);
    return STATION_OK;
  }
  snprintf(why, cap, "centre-admin failed (status %d): %s",
           WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
  return STATION_E_CENTRE;
}

void station_centre_admin_init(struct station_centre_admin *ctx, struct station_centre *out)
{
  out->send = admin_send;
  out->ctx = ctx;
}
