/* The terminal tests' one rig (kt_rig.h). */
#include "kt_rig.h"

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cardsim.h"

void kt_run(const char *cmd)
{
  int rc = system(cmd);
  ck_assert_msg(rc == 0, "'%s' failed (%d)", cmd, rc);
}

void kt_write_file(const char *dir, const char *name, const char *text)
{
  char p[700];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  ck_assert_msg(f != NULL, "cannot write %s", p);
  fputs(text, f);
  ck_assert_int_eq(fclose(f), 0);
}

/* ----------------------------------------------------------------- PKI -- */

void kt_make_pki_and_revlist_of(const char *dir, const char *pki,
                                const struct proto_rev_entry *entries, size_t n)
{
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "'%s/tools/pki/yhpki' test-pki '%s' >/dev/null", yh_binary_dir(),
           pki);
  kt_run(cmd);
  /* The centre's revocation key and a fresh list signed with it. */
  struct proto_key *k;
  ck_assert_int_eq(kiosk_revkey_generate(&k), KIOSK_OK);
  char path[512];
  snprintf(path, sizeof path, "%s/trust/%s", pki, KIOSK_TRUST_REVOCATION_KEY);
  ck_assert_int_eq(kiosk_revkey_write_public(k, path), KIOSK_OK);
  uint8_t *blob;
  size_t len;
  ck_assert_int_eq(kiosk_revlist_write_snapshot(entries, n, 1, (int64_t)time(NULL), k, &blob,
                                                &len),
                   KIOSK_OK);
  snprintf(path, sizeof path, "%s/revocation.yrl", dir);
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(blob, 1, len, f), len);
  fclose(f);
  free(blob);
  kiosk_revkey_destroy(k);
}

void kt_make_pki_and_revlist(const char *dir, const char *pki)
{
  static const struct proto_rev_entry e[] = {{"YL-REVOKED-1", 0, KIOSK_REV_EXACT}};
  kt_make_pki_and_revlist_of(dir, pki, e, 1);
}

void kt_write_tariff(const char *path, const char *site, unsigned version, long outpatient,
                     long inpatient)
{
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "[tariff]\nformat = yh-tariff/1\nsite = %s\nversion = %u\nissued = 2026-12-01\n",
          site, version);
  int n = 0;
  if (inpatient)
    fprintf(f, "\n[item.%d]\nvisit = inpatient\nfee_fen = %ld\nfrom = 2020-01-01\n", ++n,
            inpatient);
  if (outpatient)
    fprintf(f, "\n[item.%d]\nvisit = outpatient\nfee_fen = %ld\nfrom = 2020-01-01\n", ++n,
            outpatient);
  ck_assert_int_eq(fclose(f), 0);
}

/* ------------------------------------------------------------- kiosk run -- */

void kt_kiosk_init(struct kt_kiosk *k, const char *dir)
{
  memset(k, 0, sizeof *k);
  snprintf(k->dir, sizeof k->dir, "%s", dir);
  snprintf(k->cfg, sizeof k->cfg, "%s/kiosk.ini", dir);
  snprintf(k->sock, sizeof k->sock, "%s/kiosk.sock", dir);
  snprintf(k->log, sizeof k->log, "%s/kiosk.log", dir);
  snprintf(k->bin, sizeof k->bin, "%s/terminal/kiosk", yh_binary_dir());
  k->pid = -1;
}

void kt_kiosk_spawn(struct kt_kiosk *k, const char *const *args)
{
  ck_assert_msg(k->pid <= 0, "kiosk run is already running");
  /* the argument vector before the fork: the child only execs */
  const char *argv[32] = {k->bin, "run", "--config", k->cfg, "--control", k->sock};
  size_t n = 6;
  for (size_t i = 0; args && args[i]; i++) {
    ck_assert_uint_lt(n, sizeof argv / sizeof argv[0] - 1);
    argv[n++] = args[i];
  }
  argv[n] = NULL;
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) {
    int fd = open(k->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
    }
    setenv("SDL_VIDEODRIVER", "offscreen", 1);
    setenv("SDL_RENDER_DRIVER", "software", 1);
    setenv("SDL_AUDIODRIVER", "dummy", 1);
    for (size_t i = 0; k->env && k->env[i]; i++)
      putenv((char *)(uintptr_t)k->env[i]);
    execv(k->bin, (char *const *)(uintptr_t)argv);
    _exit(127);
  }
  k->pid = pid;
}

void kt_kiosk_start(struct kt_kiosk *k, const char *const *args)
{
  kt_kiosk_spawn(k, args);
  ck_assert_msg(kt_status_is(k, "reader", "ready", KT_WAIT_MS) == 0,
                "kiosk run did not come up (log %s): %s", k->log, kt_log_tail(k));
}

void kt_kiosk_sigterm(struct kt_kiosk *k)
{
  ck_assert_int_gt(k->pid, 0);
  ck_assert_int_eq(kill(k->pid, SIGTERM), 0);
  int st = 0;
  uint64_t end = yh_now_ms() + KT_WAIT_MS;
  pid_t w;
  while ((w = waitpid(k->pid, &st, WNOHANG)) == 0 && yh_now_ms() < end)
    yh_sleep_ms(50);
  ck_assert_msg(w == k->pid, "kiosk run did not stop on SIGTERM (log %s)", k->log);
  k->pid = -1;
  ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "kiosk run: status 0x%x (log %s): %s", st,
                k->log, kt_log_tail(k));
}

void kt_kiosk_kill(struct kt_kiosk *k)
{
  if (k->pid <= 0)
    return;
  kill(k->pid, SIGKILL);
  waitpid(k->pid, NULL, 0);
  k->pid = -1;
}

int kt_ctl(const struct kt_kiosk *k, const char *cmd, char *out, size_t cap)
{
  out[0] = '\0';
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  ck_assert_uint_lt(strlen(k->sock), sizeof sa.sun_path);
  memcpy(sa.sun_path, k->sock, strlen(k->sock));
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    if (fd >= 0)
      close(fd);
    return -1;
  }
  char line[512];
  int n = snprintf(line, sizeof line, "%s\n", cmd);
  ck_assert_int_lt(n, (int)sizeof line);
  /* a terminal that stops meanwhile is a reply of -1, not a SIGPIPE that kills the test */
  if (send(fd, line, (size_t)n, MSG_NOSIGNAL) != n) {
    close(fd);
    return -1;
  }
  size_t got = 0;
  for (;;) {
    ssize_t r = read(fd, out + got, cap - 1 - got);
    if (r <= 0)
      break;
    got += (size_t)r;
    if (memchr(out, '\n', got) || got == cap - 1)
      break;
  }
  close(fd);
  out[got] = '\0';
  out[strcspn(out, "\n")] = '\0';
  if (!got)
    return -1;
  return strncmp(out, "ok", 2) == 0 ? 0 : 1;
}

void kt_ctl_ok(const struct kt_kiosk *k, const char *cmd)
{
  char line[2048];
  ck_assert_msg(kt_ctl(k, cmd, line, sizeof line) == 0, "ctl %s: %s", cmd, line);
}

const char *kt_field(const char *line, const char *name, char *buf, size_t cap)
{
  char key[64];
  snprintf(key, sizeof key, " %s=", name);
  const char *p = strstr(line, key);
  buf[0] = '\0';
  if (!p)
    return buf;
  p += strlen(key);
  size_t n = strcspn(p, " ");
  if (n >= cap)
    n = cap - 1;
  memcpy(buf, p, n);
  buf[n] = '\0';
  return buf;
}

void kt_expect(const char *line, const char *name, const char *value)
{
  char v[800];
  kt_field(line, name, v, sizeof v);
  ck_assert_msg(strcmp(v, value) == 0, "%s=%s, want %s: %s", name, v, value, line);
}

int kt_status_is(const struct kt_kiosk *k, const char *name, const char *value, int timeout_ms)
{
  uint64_t end = yh_now_ms() + (uint64_t)timeout_ms;
  char line[2048], v[128];
  do {
    if (kt_ctl(k, "status", line, sizeof line) == 0 &&
        strcmp(kt_field(line, name, v, sizeof v), value) == 0)
      return 0;
    yh_sleep_ms(100);
  } while (yh_now_ms() < end);
  return -1;
}

void kt_status_wait(const struct kt_kiosk *k, const char *name, const char *value)
{
  ck_assert_msg(kt_status_is(k, name, value, KT_WAIT_MS) == 0,
                "status never had %s=%s (log %s): %s", name, value, k->log, kt_log_tail(k));
}

uint32_t kt_last_seq(const struct kt_kiosk *k)
{
  char line[2048], v[32];
  ck_assert_msg(kt_ctl(k, "last", line, sizeof line) == 0, "ctl last: %s", line);
  return (uint32_t)strtoul(kt_field(line, "seq", v, sizeof v), NULL, 10);
}

int kt_wait_outcome(const struct kt_kiosk *k, uint32_t seq, int timeout_ms, char *out,
                    size_t cap)
{
  char cmd[64];
  snprintf(cmd, sizeof cmd, "wait %u %d", seq, timeout_ms);
  return kt_ctl(k, cmd, out, cap) == 0 ? 0 : -1;
}

void kt_key(const struct kt_kiosk *k, const char *name, char *out, size_t cap)
{
  uint32_t seq = kt_last_seq(k);
  char cmd[64];
  snprintf(cmd, sizeof cmd, "key %s", name);
  ck_assert_msg(kt_ctl(k, cmd, out, cap) == 0, "ctl %s: %s", cmd, out);
  ck_assert_msg(kt_wait_outcome(k, seq, KT_WAIT_MS, out, cap) == 0, "key %s: no outcome: %s",
                name, out);
}

void kt_sign_in(const struct kt_kiosk *k, const char *id, const char *pin)
{
  char cmd[64];
  kt_ctl_ok(k, "key f12");
  snprintf(cmd, sizeof cmd, "type %s", id);
  kt_ctl_ok(k, cmd);
  kt_ctl_ok(k, "key enter");
  snprintf(cmd, sizeof cmd, "type %s", pin);
  kt_ctl_ok(k, cmd);
  kt_ctl_ok(k, "key enter");
}

int kt_kiosk_cmd(const struct kt_kiosk *k, const char *args, char *out, size_t cap)
{
  char cmd[1600];
  int n = snprintf(cmd, sizeof cmd, "'%s' %s --config '%s' 2>&1", k->bin, args, k->cfg);
  ck_assert_int_lt(n, (int)sizeof cmd);
  FILE *p = popen(cmd, "r");
  ck_assert_ptr_nonnull(p);
  size_t got = 0, r;
  while (got < cap - 1 && (r = fread(out + got, 1, cap - 1 - got, p)) > 0)
    got += r;
  out[got] = '\0';
  int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int kt_log_wait(const struct kt_kiosk *k, const char *needle, int timeout_ms)
{
  uint64_t end = yh_now_ms() + (uint64_t)timeout_ms;
  do {
    FILE *f = fopen(k->log, "r");
    char line[2048];
    int found = 0;
    while (f && !found && fgets(line, sizeof line, f))
      found = strstr(line, needle) != NULL;
    if (f)
      fclose(f);
    if (found)
      return 0;
    yh_sleep_ms(100);
  } while (yh_now_ms() < end);
  return -1;
}

const char *kt_log_tail(const struct kt_kiosk *k)
{
  static char buf[3000];
  buf[0] = '\0';
  FILE *f = fopen(k->log, "r");
  if (!f)
    return "(no log)";
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, n > 2900 ? n - 2900 : 0, SEEK_SET);
  size_t got = fread(buf, 1, sizeof buf - 1, f);
  buf[got] = '\0';
  fclose(f);
  return buf;
}

int kt_file_has(const char *path, const char *needle)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return 0;
  static char buf[4 << 20];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  size_t m = strlen(needle);
  for (size_t i = 0; i + m <= n; i++)
    if (memcmp(buf + i, needle, m) == 0)
      return 1;
  return 0;
}

/* ------------------------------------------------------------- card rig -- */

void kt_rig_setup(struct kt_rig *r, const char *prefix, unsigned nreaders,
                  const struct proto_rev_entry *revoked, size_t nrevoked)
{
  ck_assert(nreaders >= 1 && nreaders <= KT_READERS_MAX);
  memset(r, 0, sizeof *r);
  snprintf(r->dir, sizeof r->dir, "/tmp/%s-XXXXXX", prefix);
  ck_assert_ptr_nonnull(mkdtemp(r->dir));
  snprintf(r->pki, sizeof r->pki, "%s/pki", r->dir);
  if (revoked)
    kt_make_pki_and_revlist_of(r->dir, r->pki, revoked, nrevoked);
  else
    kt_make_pki_and_revlist(r->dir, r->pki);
  kt_kiosk_init(&r->k, r->dir);
  setenv("YH_PKI_DIR", r->pki, 1);

  uint16_t port = yh_vpcd_port();
  r->nreaders = nreaders;
  for (unsigned i = 0; i < nreaders; i++) {
    ck_assert_int_eq(yh_reader_name((uint16_t)(port + i), r->reader[i], sizeof r->reader[i]), 0);
    ck_assert_int_eq(cardsim_create(NULL, (uint16_t)(port + i), &r->sim[i]), 0);
  }
  for (unsigned i = 0; i < nreaders; i++)
    ck_assert_int_eq(yh_wait_reader_state(r->reader[i], 0, KT_WAIT_MS), 0);
}

void kt_rig_teardown(struct kt_rig *r)
{
  kt_kiosk_kill(&r->k);
  for (unsigned i = 0; i < r->nreaders; i++) {
    cardsim_destroy(r->sim[i]);
    r->sim[i] = NULL;
  }
  /* the next test's cards must find the readers empty */
  for (unsigned i = 0; i < r->nreaders; i++)
    yh_wait_reader_state(r->reader[i], 0, KT_WAIT_MS);
  if (getenv("KT_KEEP")) { /* a failure's files to look at: the log, the journal */
    fprintf(stderr, "kt_rig: kept %s\n", r->dir);
    return;
  }
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
  ck_assert_int_eq(system(cmd), 0);
}

void kt_rig_write_config(const struct kt_rig *r, const char *terminal_section,
                         const char *extra_policy, const char *tail)
{
  FILE *f = fopen(r->k.cfg, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f,
          "%s"
          "reader = %s\n"
          "staff_id = S01\n"
          "[paths]\ntrust_store = pki/trust\njournal = journal.db\nrevocation = revocation.yrl\n"
          "[policy]\npolicy_start = 2018-12-27\npolicy_end = 2099-01-01\n"
          "revocation_stale = deny\n%s"
          "[ui]\nfullscreen = false\nsound = false\nspeech = false\n%s",
          terminal_section, r->reader[0], extra_policy, tail);
  ck_assert_int_eq(fclose(f), 0);
}

void kt_card_in(struct kt_rig *r, unsigned i, const char *profile)
{
  ck_assert_uint_lt(i, r->nreaders);
  if (cardsim_connected(r->sim[i]))
    kt_card_out(r, i);
  ck_assert_msg(cardsim_insert(r->sim[i], profile, r->pki) == 0, "insert %s", profile);
}

void kt_tap(struct kt_rig *r, unsigned i, const char *profile, char *out, size_t cap)
{
  uint32_t seq = kt_last_seq(&r->k);
  kt_card_in(r, i, profile);
  ck_assert_msg(kt_wait_outcome(&r->k, seq, KT_WAIT_MS, out, cap) == 0, "%s: no outcome: %s",
                profile, out);
}

void kt_card_out(struct kt_rig *r, unsigned i)
{
  ck_assert_uint_lt(i, r->nreaders);
  cardsim_remove(r->sim[i]);
  ck_assert_int_eq(yh_wait_reader_state(r->reader[i], 0, KT_WAIT_MS), 0);
}
