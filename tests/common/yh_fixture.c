/* Card test helpers; see yh_fixture.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <winscard.h>

#include "yh_fixture.h"

#ifndef YH_SOURCE_DIR_DEFAULT
#define YH_SOURCE_DIR_DEFAULT "."
#endif
#ifndef YH_BINARY_DIR_DEFAULT
#define YH_BINARY_DIR_DEFAULT "."
#endif

#define FIXTURE_PATH_MAX 1024
#define FIXTURE_CONF_LINE_MAX 512
#define FIXTURE_ENTRIES_MAX 16
#define FIXTURE_LIST_WAIT_MS 2000
#define FIXTURE_POLL_MS 50

extern char **environ;

uint64_t yh_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void yh_sleep_ms(int ms)
{
  if (ms <= 0)
    return;
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
    ;
}

const char *yh_source_dir(void)
{
  const char *d = getenv("YH_SOURCE_DIR");
  return d && *d ? d : YH_SOURCE_DIR_DEFAULT;
}

const char *yh_binary_dir(void)
{
  const char *d = getenv("YH_BINARY_DIR");
  return d && *d ? d : YH_BINARY_DIR_DEFAULT;
}

uint16_t yh_vpcd_port(void)
{
  const char *s = getenv("YH_VPCD_PORT");
  if (s && *s) {
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (!errno && !*end && v >= 1 && v <= 65534)
      return (uint16_t)v;
    fprintf(stderr, "yh_fixture: ignoring YH_VPCD_PORT='%s' (want 1..65534)\n", s);
  }
  return YH_DEFAULT_VPCD_PORT;
}

size_t yh_hex(const char *hex, uint8_t *out, size_t cap)
{
  size_t n = 0;
  int hi = -1;
  for (; *hex; hex++) {
    if (!isxdigit((unsigned char)*hex))
      continue;
    int v = isdigit((unsigned char)*hex) ? *hex - '0' : (tolower((unsigned char)*hex) - 'a' + 10);
    if (hi < 0) {
      hi = v;
      continue;
    }
    if (n >= cap)
      return 0;
    out[n++] = (uint8_t)(hi << 4 | v);
    hi = -1;
  }
  return hi < 0 ? n : 0;
}

/* ------------------------------------------------------- reader definitions -- */

struct conf_entry {
  char friendly[YH_READER_NAME_MAX];
  long port; /* slot 0; -1 when unknown */
};

/* "KEY value" or KEY "value": the value, unquoted, into out. */
static int conf_value(const char *line, const char *key, char *out, size_t cap)
{
  size_t klen = strlen(key);
  if (strncmp(line, key, klen) != 0 || !isspace((unsigned char)line[klen]))
    return 0;
  const char *v = line + klen;
  while (isspace((unsigned char)*v))
    v++;
  size_t len = strlen(v);
  while (len && isspace((unsigned char)v[len - 1]))
    len--;
  if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
    v++;
    len -= 2;
  }
  if (len >= cap)
    return 0;
  memcpy(out, v, len);
  out[len] = '\0';
  return 1;
}

static long parse_port(const char *s)
{
  char *end;
  errno = 0;
  long v = strtol(s, &end, 0);
  return errno || *end || v < 1 || v > 65535 ? -1 : v;
}

static size_t conf_parse_file(const char *path, struct conf_entry *e, size_t n, size_t max)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return n;
  char line[FIXTURE_CONF_LINE_MAX], value[FIXTURE_CONF_LINE_MAX];
  long channel = -1;
  while (fgets(line, sizeof line, f)) {
    const char *l = line;
    while (isspace((unsigned char)*l))
      l++;
    if (*l == '#' || !*l)
      continue;
    if (conf_value(l, "FRIENDLYNAME", value, sizeof value)) {
      size_t len = strlen(value);
      if (n >= max || len >= sizeof e[n].friendly)
        break;
      memcpy(e[n].friendly, value, len + 1);
      e[n].port = -1;
      channel = -1;
      n++;
    } else if (n > 0 && conf_value(l, "DEVICENAME", value, sizeof value)) {
      const char *colon = strrchr(value, ':');
      if (colon)
        e[n - 1].port = parse_port(colon + 1);
    } else if (n > 0 && conf_value(l, "CHANNELID", value, sizeof value)) {
      channel = parse_port(value);
      if (e[n - 1].port < 0)
        e[n - 1].port = channel;
    }
  }
  fclose(f);
  return n;
}

static size_t conf_load(struct conf_entry *e, size_t max)
{
  char dir[FIXTURE_PATH_MAX], path[FIXTURE_PATH_MAX * 2];
  const char *env = getenv("YH_READER_CONF_DIR");
  if (env && *env)
    snprintf(dir, sizeof dir, "%s", env);
  else
    snprintf(dir, sizeof dir, "%s/etc/reader.conf.d", yh_source_dir());
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "yh_fixture: cannot read reader definitions in %s: %s\n", dir,
            strerror(errno));
    return 0;
  }
  size_t n = 0;
  struct dirent *de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.')
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
    n = conf_parse_file(path, e, n, max);
  }
  closedir(d);
  return n;
}

/* pcscd's readers as a multi-string into buf. Returns 0, or -1. */
static int list_readers(char *buf, DWORD cap)
{
  SCARDCONTEXT ctx;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
  if (rv != SCARD_S_SUCCESS)
    return -1;
  DWORD len = cap;
  rv = SCardListReaders(ctx, NULL, buf, &len);
  SCardReleaseContext(ctx);
  if (rv != SCARD_S_SUCCESS)
    return -1;
  return 0;
}

/* "<friendly> NN 0S" for any two hex digits NN. */
static int reader_matches(const char *reader, const char *friendly, unsigned slot)
{
  size_t flen = strlen(friendly);
  if (strlen(reader) != flen + 6 || strncmp(reader, friendly, flen) != 0)
    return 0;
  const char *t = reader + flen;
  return t[0] == ' ' && isxdigit((unsigned char)t[1]) && isxdigit((unsigned char)t[2]) &&
         t[3] == ' ' && t[4] == '0' && t[5] == (char)('0' + slot);
}

int yh_reader_name(uint16_t port, char *name, size_t cap)
{
  struct conf_entry entries[FIXTURE_ENTRIES_MAX];
  size_t n = conf_load(entries, FIXTURE_ENTRIES_MAX);
  const char *friendly = NULL;
  unsigned slot = 0;
  for (size_t i = 0; i < n && !friendly; i++) {
    if (entries[i].port == port) {
      friendly = entries[i].friendly;
      slot = 0;
    } else if (entries[i].port >= 0 && entries[i].port + 1 == port) {
      friendly = entries[i].friendly;
      slot = 1;
    }
  }
  if (!friendly) {
    fprintf(stderr, "yh_fixture: no reader definition has vpcd port %u\n", (unsigned)port);
    return -1;
  }

  static char readers[16384];
  uint64_t deadline = yh_now_ms() + FIXTURE_LIST_WAIT_MS;
  for (;;) {
    if (list_readers(readers, sizeof readers) == 0) {
      for (const char *r = readers; *r; r += strlen(r) + 1) {
        if (!reader_matches(r, friendly, slot))
          continue;
        if (strlen(r) >= cap)
          return -1;
        memcpy(name, r, strlen(r) + 1);
        return 0;
      }
    }
    if (yh_now_ms() >= deadline)
      break;
    yh_sleep_ms(FIXTURE_POLL_MS);
  }
  fprintf(stderr, "yh_fixture: pcscd lists no reader \"%s NN 0%u\" for port %u; is pcscd "
                  "running with -c %s/etc/reader.conf.d?\n",
          friendly, slot, (unsigned)port, yh_source_dir());
  return -1;
}

/* ------------------------------------------------------------ card state -- */

static int state_reached(DWORD state, int present)
{
  if (state & (SCARD_STATE_UNKNOWN | SCARD_STATE_UNAVAILABLE))
    return 0;
  return present ? (state & SCARD_STATE_PRESENT) != 0 : (state & SCARD_STATE_EMPTY) != 0;
}

int yh_wait_reader_state(const char *reader, int present, int timeout_ms)
{
  if (!reader || timeout_ms < 0)
    return -1;
  uint64_t deadline = yh_now_ms() + (uint64_t)timeout_ms;
  LONG last_rv = SCARD_S_SUCCESS;
  DWORD last_state = 0;
  for (;;) {
    SCARDCONTEXT ctx;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
    if (rv == SCARD_S_SUCCESS) {
      SCARD_READERSTATE rs;
      memset(&rs, 0, sizeof rs);
      rs.szReader = reader;
      rs.dwCurrentState = SCARD_STATE_UNAWARE;
      DWORD wait = 0;
      for (;;) {
        rv = SCardGetStatusChange(ctx, wait, &rs, 1);
        if (rv == SCARD_E_TIMEOUT) {
          rv = SCARD_S_SUCCESS;
        } else if (rv != SCARD_S_SUCCESS) {
          break;
        }
        last_state = rs.dwEventState;
        if (state_reached(rs.dwEventState, present)) {
          SCardReleaseContext(ctx);
          return 0;
        }
        uint64_t now = yh_now_ms();
        if (now >= deadline)
          break;
        rs.dwCurrentState = rs.dwEventState & ~(DWORD)SCARD_STATE_CHANGED;
        wait = (DWORD)(deadline - now);
      }
      SCardReleaseContext(ctx);
    }
    last_rv = rv;
    if (yh_now_ms() >= deadline)
      break;
    yh_sleep_ms(FIXTURE_POLL_MS); /* pcscd away or the reader not listed yet */
  }
  fprintf(stderr, "yh_fixture: \"%s\" did not become %s within %d ms (last state 0x%lx, "
                  "pcsc 0x%lx: %s)\n",
          reader, present ? "present" : "empty", timeout_ms, (unsigned long)last_state,
          (unsigned long)last_rv, pcsc_stringify_error(last_rv));
  return -1;
}

/* ---------------------------------------------------------------- pcscd -- */

static void state_path(char *buf, size_t cap)
{
  snprintf(buf, cap, "%s/tests/pcscd.state", yh_binary_dir());
}

void yh_pcscd_state(char *buf, size_t cap)
{
  char path[FIXTURE_PATH_MAX];
  if (cap == 0)
    return;
  buf[0] = '\0';
  state_path(path, sizeof path);
  FILE *f = fopen(path, "r");
  if (!f)
    return;
  if (fgets(buf, (int)(cap > 4096 ? 4096 : cap), f)) {
    size_t len = strlen(buf);
    while (len && isspace((unsigned char)buf[len - 1]))
      buf[--len] = '\0';
  }
  fclose(f);
}

int yh_pcscd_restart(void)
{
  char state[64], script[FIXTURE_PATH_MAX], conf[FIXTURE_PATH_MAX], spath[FIXTURE_PATH_MAX];
  yh_pcscd_state(state, sizeof state);
  const char *allow = getenv("YH_ALLOW_PCSCD_RESTART");
  if (strcmp(state, "started") != 0 && !(allow && strcmp(allow, "1") == 0)) {
    fprintf(stderr, "yh_fixture: not restarting pcscd: the test fixture did not start it "
                    "(state '%s'); set YH_ALLOW_PCSCD_RESTART=1 to allow\n",
            state);
    return YH_PCSCD_SKIPPED;
  }
  snprintf(script, sizeof script, "%s/tests/fixture/pcscd.sh", yh_source_dir());
  snprintf(conf, sizeof conf, "%s/etc/reader.conf.d", yh_source_dir());
  state_path(spath, sizeof spath);
  char arg0[] = "sh", verb[] = "restart";
  char *argv[] = {arg0, script, verb, conf, spath, NULL};
  pid_t pid;
  int err = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ);
  if (err != 0) {
    fprintf(stderr, "yh_fixture: cannot run %s: %s\n", script, strerror(err));
    return -1;
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return -1;
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "yh_fixture: %s restart failed (status 0x%x)\n", script, status);
    return -1;
  }
  return 0;
}
