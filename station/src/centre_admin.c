/* The centre through its office tool centre-admin (station/issue.h), run directly
 * (posix_spawn, no shell), its output captured for the reason:
 *   registration: centre-admin --config CONFIG card register CARD --generation G
 *                 --award KIND --level N --round YYYY --issued YYYY-MM-DD
 *                 --not-after YYYY-MM-DD --issuer KEYID
 *   revocation:   centre-admin --config CONFIG card revoke CARD --generation G|--below G
 *                 --reason R
 * Nothing personal goes: the card carries a number, an award and dates; the name, the
 * ID number and the photo stay at the station. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "station/award.h"
#include "station/issue.h"
#include "station/station.h"

extern char **environ;

#define ADMIN_ARGS_MAX 20

/* Run centre-admin with args (args[0] is its path); its first output line into why. */
static int admin_run(const char *const *args, size_t nargs, char *why, size_t cap)
{
  /* execv wants char *const[]: the arguments are copied into writable storage. */
  char store[ADMIN_ARGS_MAX][512];
  char *argv[ADMIN_ARGS_MAX + 1];
  if (nargs > ADMIN_ARGS_MAX) {
    snprintf(why, cap, "too many centre-admin arguments");
    return STATION_E_CENTRE;
  }
  for (size_t i = 0; i < nargs; i++) {
    if (strlen(args[i]) >= sizeof store[i]) {
      snprintf(why, cap, "centre-admin path or configuration path too long");
      return STATION_E_CENTRE;
    }
    memcpy(store[i], args[i], strlen(args[i]) + 1);
    argv[i] = store[i];
  }
  argv[nargs] = NULL;
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
  int e = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(pfd[1]);
  if (e != 0) {
    close(pfd[0]);
    snprintf(why, cap, "cannot run %s: %s", argv[0], strerror(e));
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

static int admin_register(const struct station_centre_admin *a,
                          const struct station_outbox_item *it, char *why, size_t cap)
{
  const char *award = station_award_token(it->award);
  char gen[16], level[16], round[16], issued[16], not_after[16];
  /* A card issued before the station recorded its issuer key id: the centre would
   * refuse the registration; it waits (docs/station.md "The centre"). */
  if (!it->issuer_key_id[0] || !it->round_year || !it->not_after_day) {
    snprintf(why, cap, "the card's issuer key id, round or validity is not recorded here;"
                       " registration kept queued");
    return STATION_E_UNAVAILABLE;
  }
  if (!award) {
    snprintf(why, cap, "unknown award %d", it->award);
    return STATION_E_CENTRE;
  }
  snprintf(gen, sizeof gen, "%u", it->generation);
  snprintf(level, sizeof level, "%u", it->level);
  snprintf(round, sizeof round, "%u", it->round_year);
  station_date_format(it->issue_day, issued, sizeof issued);
  station_date_format(it->not_after_day, not_after, sizeof not_after);
  const char *args[] = {a->admin,   "--config",    a->config, "card",     "register",
                        it->card_no, "--generation", gen,       "--award",  award,
                        "--level",  level,         "--round",  round,      "--issued",
                        issued,     "--not-after", not_after, "--issuer", it->issuer_key_id};
  return admin_run(args, sizeof args / sizeof args[0], why, cap);
}

static int admin_send(void *ctx, const struct station_outbox_item *it, char *why, size_t cap)
{
  const struct station_centre_admin *a = ctx;
  char gen[16];
  if (it->op == STATION_OUTBOX_REGISTER)
    return admin_register(a, it, why, cap);
  snprintf(gen, sizeof gen, "%u", it->generation);
  const char *args[] = {a->admin, "--config", a->config, "card", "revoke", it->card_no,
                        it->kind == STATION_REV_BELOW ? "--below" : "--generation", gen,
                        "--reason", it->reason[0] ? it->reason : "other"};
  return admin_run(args, sizeof args / sizeof args[0], why, cap);
}

void station_centre_admin_init(struct station_centre_admin *ctx, struct station_centre *out)
{
  out->send = admin_send;
  out->ctx = ctx;
}
