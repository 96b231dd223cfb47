/* The control socket of `kiosk run` and the client call of `kiosk ctl` (control.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "applog.h"
#include "control.h"
#include "docs_apply.h"
#include "session.h"

#define LINE_MAX_BYTES 1024u
#define REPLY_MAX CONTROL_REPLY_MAX
#define CLIENTS_MAX 8
#define WAIT_DEFAULT_MS 10000
#define WAIT_MAX_MS 600000

struct client {
  struct control *ctl;
  int fd;
  pthread_t thread;
  int used, done;
};

struct control {
  struct control_ops ops;
  char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
  int lfd;
  pthread_t thread;
  pthread_mutex_t mu;
  int stopping;
  struct client clients[CLIENTS_MAX];
};

static void dash(char *dst, size_t cap, const char *s)
{
  snprintf(dst, cap, "%s", s && *s ? s : "-");
}

static void outcome_line(const struct session_outcome *o, char *out, size_t cap)
{
  if (o->seq == 0) {
    snprintf(out, cap, "ok seq=0 kind=none");
    return;
  }
  char card[32], holder[80], id[40], cred[32], needs[110], reasons[740], verdict[20];
  char deny[420], staff[420];
  dash(card, sizeof card, o->card_no);
  dash(holder, sizeof holder, o->holder);
  dash(id, sizeof id, o->id_masked);
  dash(cred, sizeof cred, o->credential);
  dash(needs, sizeof needs, o->needs);
  dash(reasons, sizeof reasons, o->reasons);
  dash(verdict, sizeof verdict, o->verdict);
  dash(deny, sizeof deny, o->deny);
  dash(staff, sizeof staff, o->staff);
  snprintf(out, cap,
           "ok seq=%" PRIu32 " kind=%s mode=%s verdict=%s screen=%s card=%s holder=%s id=%s "
           "credential=%s needs=%s photo=%d journaled=%d journal_seq=%" PRIu64
           " deny=%s staff=%s reasons=%s",
           o->seq, o->kind, o->mode, verdict, o->screen, card, holder, id, cred, needs, o->photo,
           o->journaled, o->journal_seq, deny, staff, reasons);
}

static int parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
  char *end;
  if (!s || !*s || *s == '-')
    return -1;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end || errno || v > max)
    return -1;
  *out = v;
  return 0;
}

/* One command line -> one reply line (without the newline). *quit: stop the program
 * once the reply is out (stopping closes this connection). */
static void execute(struct control *c, char *line, char *out, size_t cap, int *quit)
{
  char *save = NULL;
  char *cmd = strtok_r(line, " \t", &save);
  char *arg = strtok_r(NULL, " \t", &save);
  char *arg2 = strtok_r(NULL, " \t", &save);
  if (!cmd) {
    snprintf(out, cap, "error empty command");
    return;
  }
  if (strcmp(cmd, "help") == 0) {
    snprintf(out, cap, "ok commands: status last wait SEQ [MS] key NAME type TEXT shot PATH "
                       "reset quit help");
  } else if (strcmp(cmd, "status") == 0) {
    struct session_info i;
    session_get_info(c->ops.session, &i);
    char screen[32];
    double lat = 0;
    uint64_t frames = 0;
    c->ops.screen(c->ops.user, screen, sizeof screen, &lat, &frames);
    snprintf(out, cap,
             "ok screen=%s session=%s reader=%s ssc_reader=%s sync=%s sync_state=%s queue=%" PRIu64
             " journal=%" PRIu64 " revlist=%" PRIu64 " revlist_entries=%zu revlist_age=%lld"
             " last_sync=%lld grants=%u denies=%u staff_checks=%u station_ready=%ld latency_ms=%.1f"
             " frames=%" PRIu64 " roster=%" PRIu64 " staff=%s gate=%s gate_pulses=%" PRIu64
             " gate_faults=%" PRIu64,
             screen, i.state, i.reader, i.ssc_reader, i.sync, i.sync_state, i.queue, i.journal_last,
             i.revlist_version, i.revlist_entries, (long long)i.revlist_age_s,
             (long long)i.last_sync, i.grants, i.denies, i.staff_checks, i.station_ready, lat,
             frames, i.roster_version, i.staff[0] ? i.staff : "-", i.gate, i.gate_pulses,
             i.gate_faults);
    /* the centre's documents in force (docs_apply.c) */
    size_t used = strlen(out);
    if (used + 2 < cap) {
      out[used++] = ' ';
      term_docs_in_force_text(out + used, cap - used);
    }
  } else if (strcmp(cmd, "last") == 0) {
    struct session_outcome o;
    session_last_outcome(c->ops.session, &o);
    outcome_line(&o, out, cap);
  } else if (strcmp(cmd, "wait") == 0) {
    unsigned long long after, ms = WAIT_DEFAULT_MS;
    if (parse_uint(arg, UINT32_MAX, &after) != 0 ||
        (arg2 && parse_uint(arg2, WAIT_MAX_MS, &ms) != 0)) {
      snprintf(out, cap, "error usage: wait SEQ [MS]");
      return;
    }
    struct session_outcome o;
    if (session_wait_outcome(c->ops.session, (uint32_t)after, (int)ms, &o) != 0) {
      snprintf(out, cap, "error timeout: no outcome after %llu within %llu ms", after, ms);
      return;
    }
    outcome_line(&o, out, cap);
  } else if (strcmp(cmd, "key") == 0) {
    if (!arg || c->ops.key(c->ops.user, arg) != 0)
      snprintf(out, cap, "error unknown key (enter esc f2 f4 f9 f10 f12 left right up down backspace)");
    else
      snprintf(out, cap, "ok");
  } else if (strcmp(cmd, "type") == 0) {
    if (!arg) {
      snprintf(out, cap, "error usage: type TEXT");
      return;
    }
    for (const char *p = arg; *p; p++) {
      char k[2] = {*p, '\0'};
      if (c->ops.key(c->ops.user, k) != 0) {
        snprintf(out, cap, "error cannot type '%c' (0-9 a-z A-Z - / _ .)", *p);
        return;
      }
    }
    snprintf(out, cap, "ok");
  } else if (strcmp(cmd, "shot") == 0) {
    char reply[256];
    if (!arg || arg[0] != '/') {
      snprintf(out, cap, "error usage: shot /absolute/path.png");
      return;
    }
    if (c->ops.shot(c->ops.user, arg, reply, sizeof reply) != 0)
      snprintf(out, cap, "error %s", reply);
    else
      snprintf(out, cap, "ok %s %s", arg, reply);
  } else if (strcmp(cmd, "reset") == 0) {
    c->ops.reset(c->ops.user);
    snprintf(out, cap, "ok");
  } else if (strcmp(cmd, "quit") == 0) {
    *quit = 1;
    snprintf(out, cap, "ok quitting");
  } else {
    snprintf(out, cap, "error unknown command (help)");
  }
}

static int write_all(int fd, const char *buf, size_t len)
{
  while (len) {
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return -1;
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static void *client_main(void *arg)
{
  struct client *cl = arg;
  char buf[LINE_MAX_BYTES];
  size_t len = 0;
  int overflow = 0;
  for (;;) {
    ssize_t n = recv(cl->fd, buf + len, sizeof buf - len, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    len += (size_t)n;
    char *nl;
    while ((nl = memchr(buf, '\n', len)) != NULL) {
      *nl = '\0';
      if (nl > buf && nl[-1] == '\r')
        nl[-1] = '\0';
      char reply[REPLY_MAX];
      int quit = 0;
      if (overflow) {
        snprintf(reply, sizeof reply, "error line too long");
        overflow = 0;
      } else {
        execute(cl->ctl, buf, reply, sizeof reply - 1, &quit);
      }
      size_t rl = strlen(reply);
      reply[rl++] = '\n';
      int wrc = write_all(cl->fd, reply, rl);
      if (quit)
        cl->ctl->ops.quit(cl->ctl->ops.user);
      if (wrc != 0)
        goto out_close;
      len -= (size_t)(nl + 1 - buf);
      memmove(buf, nl + 1, len);
    }
    if (len == sizeof buf) { /* no newline in a full buffer: drop it, answer at its end */
      overflow = 1;
      len = 0;
    }
  }
out_close:
  pthread_mutex_lock(&cl->ctl->mu);
  close(cl->fd);
  cl->fd = -1;
  cl->done = 1;
  pthread_mutex_unlock(&cl->ctl->mu);
  return NULL;
}

/* Join the finished connections; a free slot, or NULL. With the lock held. */
static struct client *free_slot(struct control *c)
{
  struct client *slot = NULL;
  for (int i = 0; i < CLIENTS_MAX; i++) {
    struct client *cl = &c->clients[i];
    if (cl->used && cl->done) {
      pthread_join(cl->thread, NULL);
      cl->used = cl->done = 0;
    }
    if (!cl->used && !slot)
      slot = cl;
  }
  return slot;
}

static void *accept_main(void *arg)
{
  struct control *c = arg;
  for (;;) {
    int fd = accept(c->lfd, NULL, NULL);
    if (fd >= 0)
      fcntl(fd, F_SETFD, FD_CLOEXEC);
    pthread_mutex_lock(&c->mu);
    if (c->stopping) {
      pthread_mutex_unlock(&c->mu);
      if (fd >= 0)
        close(fd);
      break;
    }
    if (fd < 0) {
      pthread_mutex_unlock(&c->mu);
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      app_log("control: accept: %s", strerror(errno));
      break;
    }
    struct client *cl = free_slot(c);
    if (!cl) {
      pthread_mutex_unlock(&c->mu);
      write_all(fd, "error busy\n", 11);
      close(fd);
      continue;
    }
    cl->ctl = c;
    cl->fd = fd;
    cl->used = 1;
    cl->done = 0;
    if (pthread_create(&cl->thread, NULL, client_main, cl) != 0) {
      cl->used = 0;
      close(fd);
    }
    pthread_mutex_unlock(&c->mu);
  }
  return NULL;
}

int control_start(const char *path, const struct control_ops *ops, struct control **out,
                  char *why, size_t cap)
{
  *out = NULL;
  struct control *c = calloc(1, sizeof *c);
  if (!c) {
    snprintf(why, cap, "out of memory");
    return -1;
  }
  c->ops = *ops;
  c->lfd = -1;
  pthread_mutex_init(&c->mu, NULL);
  if (strlen(path) >= sizeof c->path) {
    snprintf(why, cap, "control socket path too long");
    goto out_free;
  }
  snprintf(c->path, sizeof c->path, "%s", path);
  struct stat st;
  if (lstat(path, &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      snprintf(why, cap, "%s exists and is not a socket", path);
      goto out_free;
    }
    unlink(path); /* left by a previous run */
  }
  c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c->lfd < 0) {
    snprintf(why, cap, "socket: %s", strerror(errno));
    goto out_free;
  }
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  memcpy(sa.sun_path, c->path, strlen(c->path));
  /* owner only: the socket confirms holders. Called while the program has no other
   * thread that creates files, so the process-wide umask is safe to change here. */
  mode_t old = umask(0177);
  int rc = bind(c->lfd, (struct sockaddr *)&sa, sizeof sa);
  umask(old);
  if (rc != 0 || chmod(c->path, 0600) != 0 || listen(c->lfd, 8) != 0) {
    snprintf(why, cap, "%s: %s", c->path, strerror(errno));
    goto out_free;
  }
  if (pthread_create(&c->thread, NULL, accept_main, c) != 0) {
    snprintf(why, cap, "cannot start the control thread");
    unlink(c->path);
    goto out_free;
  }
  *out = c;
  return 0;

out_free:
  if (c->lfd >= 0)
    close(c->lfd);
  pthread_mutex_destroy(&c->mu);
  free(c);
  return -1;
}

void control_stop(struct control *c)
{
  if (!c)
    return;
  pthread_mutex_lock(&c->mu);
  c->stopping = 1;
  for (int i = 0; i < CLIENTS_MAX; i++)
    if (c->clients[i].used && !c->clients[i].done)
      shutdown(c->clients[i].fd, SHUT_RDWR); /* wakes its recv */
  pthread_mutex_unlock(&c->mu);
  shutdown(c->lfd, SHUT_RDWR); /* wakes accept */
  pthread_join(c->thread, NULL);
  for (int i = 0; i < CLIENTS_MAX; i++)
    if (c->clients[i].used)
      pthread_join(c->clients[i].thread, NULL); /* a "wait" ends within its timeout */
  close(c->lfd);
  unlink(c->path);
  pthread_mutex_destroy(&c->mu);
  free(c);
}

/* ------------------------------------------------------------------ client -- */

int control_call(const char *path, const char *line, char *reply, size_t cap, char *why,
                 size_t wcap)
{
  char buf[LINE_MAX_BYTES];
  size_t len = strlen(line);
  if (len + 1 >= sizeof buf) {
    snprintf(why, wcap, "command too long");
    return -2;
  }
  memcpy(buf, line, len);
  buf[len++] = '\n';
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof sa.sun_path) {
    snprintf(why, wcap, "socket path too long");
    return -2;
  }
  memcpy(sa.sun_path, path, strlen(path));
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    snprintf(why, wcap, "%s: %s", path, strerror(errno));
    if (fd >= 0)
      close(fd);
    return -1;
  }
  if (write_all(fd, buf, len) != 0) {
    snprintf(why, wcap, "%s: %s", path, strerror(errno));
    close(fd);
    return -1;
  }
  size_t got = 0;
  for (;;) {
    ssize_t n = recv(fd, reply + got, cap - 1 - got, 0);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    got += (size_t)n;
    if (memchr(reply, '\n', got) || got == cap - 1)
      break;
  }
  close(fd);
  reply[got] = '\0';
  reply[strcspn(reply, "\n")] = '\0';
  if (!got) {
    snprintf(why, wcap, "%s: no answer", path);
    return -1;
  }
  return 0;
}
