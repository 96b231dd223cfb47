/*
 * cardsim: the simulator as a program, for the demo and for manual tests.
 *
 *   cardsim [--host H] [--port P] [--card PROFILE] [--arg A] [--control PATH] [--list]
 *
 * Control lines come on stdin and, with --control, on a Unix stream socket at PATH
 * (several clients at once). One reply line per command, "ok ..." or "error ...":
 *
 *   insert PROFILE [ARG]   insert a card (ARG: the rest of the line)
 *   remove                 remove it
 *   fault NAME [PARAM]     none, garbage, slow, drop_after, mute, chain_61,
 *                          wrong_le_6c, short (see cardsim.h)
 *   status                 ok connected=0|1 profile=NAME|- apdus=N received=N
 *                             fault=NAME param=N
 *   list                   ok NAME NAME ...
 *   help                   ok commands: ...
 *   quit                   ok quit, then exit
 *
 * Empty lines and lines starting with '#' get no reply. End of stdin ends the program
 * only when there is no control socket. SIGTERM and SIGINT end it cleanly (the card is
 * removed and the socket file unlinked). Exit status: 0, 1 on a start-up error, 2 on
 * a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>

/* Only the version header: the simulator links none of the code it tests (not even
 * common), so it prints the CLI convention's lines (docs/cli.md) itself. */
#include "yh_version.h"
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cardsim.h"

#define CTL_LINE_MAX 1024
#define CTL_REPLY_MAX 1024
#define CTL_CLIENTS_MAX 8

/* A source of control lines: stdin (replies on stdout) or a socket client. */
struct ctl_conn {
  int in_fd;  /* -1: slot free */
  int out_fd;
  int is_socket;
  size_t len;
  int overflow; /* the current line is too long: skip to its end */
  char buf[CTL_LINE_MAX];
};

struct app {
  struct cardsim *sim;
  const char *host;
  unsigned port;
  const char *control_path;
  int listen_fd;
  struct ctl_conn conns[1 + CTL_CLIENTS_MAX]; /* [0] is stdin */
};

static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
  int saved = errno;
  unsigned char b = (unsigned char)sig;
  ssize_t r = write(sig_pipe[1], &b, 1);
  (void)r;
  errno = saved;
}

static void usage(FILE *f)
{
  fprintf(f, "usage: cardsim [--host H] [--port P] [--card PROFILE] [--arg A]\n"
             "               [--control /path/to/unix.sock] [--list]\n"
             "Plays a smart card on a vpcd virtual reader (default 127.0.0.1:%d).\n"
             "Control lines on stdin and on the control socket: insert PROFILE [ARG],\n"
             "remove, fault NAME [PARAM], status, list, help, quit.\n"
             "  -h, --help   this text;  --version   the version\n"
             "Exit status: 0 done, 1 failed, 2 usage error (docs/cli.md).\n",
          CARDSIM_DEFAULT_PORT);
}

static void list_profiles(void)
{
  for (const struct cardsim_profile *const *p = cardsim_profiles(); *p; p++)
    printf("%-24s %s\n", (*p)->name, (*p)->description ? (*p)->description : "");
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
  char *end;
  if (!s || !*s || *s == '-' || *s == '+')
    return -1;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || *end || v > max)
    return -1;
  *out = v;
  return 0;
}

/* Append to a reply, truncating (a reply is one bounded line). */
static void reply_append(char *reply, size_t cap, const char *text)
{
  size_t len = strlen(reply);
  if (len + 1 < cap)
    snprintf(reply + len, cap - len, "%s", text);
}

static void cmd_insert(struct app *app, char *rest, char *reply, size_t cap)
{
  char *save = NULL;
  char *profile = strtok_r(rest, " \t", &save);
  if (!profile) {
    snprintf(reply, cap, "error usage: insert PROFILE [ARG]");
    return;
  }
  char *arg = save;
  while (arg && (*arg == ' ' || *arg == '\t'))
    arg++;
  if (arg && !*arg)
    arg = NULL;
  if (cardsim_insert(app->sim, profile, arg) == 0) {
    snprintf(reply, cap, "ok inserted %.*s", CARDSIM_NAME_MAX, profile);
  } else if (errno == ENOENT) {
    snprintf(reply, cap, "error unknown profile '%.*s'", CARDSIM_NAME_MAX, profile);
  } else if (errno == EINVAL) {
    snprintf(reply, cap, "error profile '%.*s' could not create its card (arg '%.200s')",
             CARDSIM_NAME_MAX, profile, arg ? arg : "");
  } else {
    snprintf(reply, cap, "error cannot reach vpcd at %.200s:%u: %s", app->host, app->port,
             strerror(errno));
  }
}

static void cmd_fault(struct app *app, char *rest, char *reply, size_t cap)
{
  char *save = NULL;
  char *name = strtok_r(rest, " \t", &save);
  char *param_s = strtok_r(NULL, " \t", &save);
  enum cardsim_fault fault;
  unsigned long param = 0;
  if (!name || strtok_r(NULL, " \t", &save)) {
    snprintf(reply, cap, "error usage: fault NAME [PARAM]");
    return;
  }
  if (cardsim_fault_parse(name, &fault) != 0) {
    snprintf(reply, cap,
             "error unknown fault '%.64s' (none, garbage, slow, drop_after, mute, chain_61, "
             "wrong_le_6c, short)",
             name);
    return;
  }
  if (param_s && parse_uint(param_s, INT_MAX, &param) != 0) {
    snprintf(reply, cap, "error fault parameter '%.64s' is not a number 0..%d", param_s,
             INT_MAX);
    return;
  }
  cardsim_set_fault(app->sim, fault, (int)param);
  snprintf(reply, cap, "ok fault %s %lu", cardsim_fault_name(fault), param);
}

static void cmd_status(struct app *app, char *reply, size_t cap)
{
  int param;
  enum cardsim_fault fault = cardsim_fault(app->sim, &param);
  const char *profile = cardsim_profile_name(app->sim);
  snprintf(reply, cap, "ok connected=%d profile=%s apdus=%llu received=%llu fault=%s param=%d",
           cardsim_connected(app->sim), profile ? profile : "-",
           (unsigned long long)cardsim_apdu_count(app->sim),
           (unsigned long long)cardsim_apdu_received(app->sim), cardsim_fault_name(fault),
           param);
}

/* Run one control line; returns 1 for quit. reply stays empty for no reply. */
static int run_command(struct app *app, char *line, char *reply, size_t cap)
{
  reply[0] = '\0';
  char *save = NULL;
  char *verb = strtok_r(line, " \t\r", &save);
  char *rest = save ? save : line + strlen(line);
  if (!verb || verb[0] == '#')
    return 0;
  /* A trailing CR (lines from a terminal program) is not part of the arguments. */
  size_t rl = strlen(rest);
  if (rl && rest[rl - 1] == '\r')
    rest[rl - 1] = '\0';

  if (strcmp(verb, "insert") == 0) {
    cmd_insert(app, rest, reply, cap);
  } else if (strcmp(verb, "remove") == 0) {
    cardsim_remove(app->sim);
    snprintf(reply, cap, "ok removed");
  } else if (strcmp(verb, "fault") == 0) {
    cmd_fault(app, rest, reply, cap);
  } else if (strcmp(verb, "status") == 0) {
    cmd_status(app, reply, cap);
  } else if (strcmp(verb, "list") == 0) {
    snprintf(reply, cap, "ok");
    for (const struct cardsim_profile *const *p = cardsim_profiles(); *p; p++) {
      reply_append(reply, cap, " ");
      reply_append(reply, cap, (*p)->name);
    }
  } else if (strcmp(verb, "help") == 0) {
    snprintf(reply, cap, "ok commands: insert PROFILE [ARG], remove, fault NAME [PARAM], "
                         "status, list, help, quit");
  } else if (strcmp(verb, "quit") == 0) {
    snprintf(reply, cap, "ok quit");
    return 1;
  } else {
    snprintf(reply, cap, "error unknown command '%.64s' (try help)", verb);
  }
  return 0;
}

static void conn_close(struct ctl_conn *c)
{
  if (c->in_fd < 0)
    return;
  if (c->is_socket)
    close(c->in_fd);
  c->in_fd = -1;
  c->out_fd = -1;
  c->len = 0;
  c->overflow = 0;
}

static int conn_write(struct ctl_conn *c, const char *text)
{
  char line[CTL_REPLY_MAX + 1];
  int n = snprintf(line, sizeof line, "%s\n", text);
  if (n < 0)
    return -1;
  size_t len = (size_t)n < sizeof line ? (size_t)n : sizeof line - 1;
  line[len - 1] = '\n';
  size_t off = 0;
  while (off < len) {
    ssize_t w = c->is_socket ? send(c->out_fd, line + off, len - off, MSG_NOSIGNAL)
                             : write(c->out_fd, line + off, len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    off += (size_t)w;
  }
  return 0;
}

/* Read from a control connection and run its complete lines. Returns 1 for quit,
 * -1 when the connection ended. */
static int conn_read(struct app *app, struct ctl_conn *c)
{
  char chunk[512];
  ssize_t n = read(c->in_fd, chunk, sizeof chunk);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return 0;
  if (n <= 0)
    return -1;
  for (ssize_t i = 0; i < n; i++) {
    char ch = chunk[i];
    if (ch != '\n') {
      if (c->len + 1 < sizeof c->buf)
        c->buf[c->len++] = ch;
      else
        c->overflow = 1;
      continue;
    }
    c->buf[c->len] = '\0';
    char reply[CTL_REPLY_MAX];
    int quit = 0;
    if (c->overflow)
      snprintf(reply, sizeof reply, "error line too long (max %d)", CTL_LINE_MAX - 1);
    else
      quit = run_command(app, c->buf, reply, sizeof reply);
    c->len = 0;
    c->overflow = 0;
    if (reply[0] && conn_write(c, reply) != 0)
      return -1;
    if (quit)
      return 1;
  }
  return 0;
}

static int control_listen(const char *path)
{
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  if (strlen(path) >= sizeof addr.sun_path) {
    fprintf(stderr, "cardsim: control socket path too long (max %zu): %s\n",
            sizeof addr.sun_path - 1, path);
    return -1;
  }
  memcpy(addr.sun_path, path, strlen(path) + 1);
  /* A socket file left by an earlier run that died: only a socket is removed. */
  struct stat st;
  if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
    unlink(path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    perror("cardsim: socket");
    return -1;
  }
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 8) != 0) {
    fprintf(stderr, "cardsim: control socket %s: %s\n", path, strerror(errno));
    close(fd);
    return -1;
  }
  return fd;
}

static void accept_client(struct app *app)
{
  int fd = accept(app->listen_fd, NULL, NULL);
  if (fd < 0)
    return;
  (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
  for (size_t i = 1; i < sizeof app->conns / sizeof app->conns[0]; i++) {
    struct ctl_conn *c = &app->conns[i];
    if (c->in_fd < 0) {
      c->in_fd = fd;
      c->out_fd = fd;
      c->is_socket = 1;
      c->len = 0;
      c->overflow = 0;
      return;
    }
  }
  struct ctl_conn tmp = {.in_fd = fd, .out_fd = fd, .is_socket = 1};
  (void)conn_write(&tmp, "error too many control clients");
  close(fd);
}

static int serve(struct app *app)
{
  enum { MAX_FDS = 3 + CTL_CLIENTS_MAX };
  for (;;) {
    struct pollfd pfd[MAX_FDS];
    struct ctl_conn *owner[MAX_FDS];
    nfds_t n = 0;
    pfd[n] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
    owner[n++] = NULL;
    if (app->listen_fd >= 0) {
      pfd[n] = (struct pollfd){.fd = app->listen_fd, .events = POLLIN};
      owner[n++] = NULL;
    }
    for (size_t i = 0; i < sizeof app->conns / sizeof app->conns[0]; i++) {
      if (app->conns[i].in_fd >= 0) {
        pfd[n] = (struct pollfd){.fd = app->conns[i].in_fd, .events = POLLIN};
        owner[n++] = &app->conns[i];
      }
    }
    if (poll(pfd, n, -1) < 0) {
      if (errno == EINTR)
        continue;
      perror("cardsim: poll");
      return 1;
    }
    if (pfd[0].revents)
      return 0; /* SIGTERM or SIGINT */
    if (app->listen_fd >= 0 && (pfd[1].revents & POLLIN))
      accept_client(app);
    for (nfds_t i = 0; i < n; i++) {
      struct ctl_conn *c = owner[i];
      if (!c || !pfd[i].revents)
        continue;
      int r = conn_read(app, c);
      if (r == 1)
        return 0;
      if (r < 0) {
        int was_stdin = !c->is_socket;
        conn_close(c);
        if (was_stdin && app->listen_fd < 0)
          return 0; /* end of stdin, no control socket: done */
      }
    }
  }
}

int main(int argc, char **argv)
{
  static const struct option opts[] = {
    {"host", required_argument, NULL, 'o'},   {"port", required_argument, NULL, 'p'},
    {"card", required_argument, NULL, 'c'},   {"arg", required_argument, NULL, 'a'},
    {"control", required_argument, NULL, 's'}, {"list", no_argument, NULL, 'l'},
    {"help", no_argument, NULL, 'h'},         {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
  };
  struct app app;
  memset(&app, 0, sizeof app);
  app.host = "127.0.0.1";
  app.port = CARDSIM_DEFAULT_PORT;
  app.listen_fd = -1;
  for (size_t i = 0; i < sizeof app.conns / sizeof app.conns[0]; i++)
    app.conns[i].in_fd = app.conns[i].out_fd = -1;
  const char *card = NULL, *card_arg = NULL;
  int list = 0, opt;
  unsigned long port;

  /* getopt's messages name argv[0]: the program, not the path it was run by. */
  static char prog[] = "cardsim";
  argv[0] = prog;
  while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch (opt) {
    case 'o':
      app.host = optarg;
      break;
    case 'p':
      if (parse_uint(optarg, 65535, &port) != 0 || port == 0) {
        fputs("cardsim: --port: expected a number from 1 to 65535\nsee cardsim --help\n", stderr);
        return 2;
      }
      app.port = (unsigned)port;
      break;
    case 'c':
      card = optarg;
      break;
    case 'a':
      card_arg = optarg;
      break;
    case 's':
      app.control_path = optarg;
      break;
    case 'l':
      list = 1;
      break;
    case 'h':
      usage(stdout);
      return 0;
    case 'V':
      printf("cardsim (Yulin honour card) %s%s%s%s\n", YH_VERSION, YH_VERSION_GIT[0] ? " (git " : "",
             YH_VERSION_GIT, YH_VERSION_GIT[0] ? ")" : "");
      return 0;
    default: /* getopt has named the option */
      fputs("see cardsim --help\n", stderr);
      return 2;
    }
  }
  if (optind != argc) {
    fprintf(stderr, "cardsim: unexpected argument '%s' (options only)\nsee cardsim --help\n",
            argv[optind]);
    return 2;
  }
  if (list) {
    list_profiles();
    return 0;
  }

  int status = 1;
  if (pipe(sig_pipe) != 0) {
    perror("cardsim: pipe");
    return 1;
  }
  (void)fcntl(sig_pipe[1], F_SETFL, O_NONBLOCK);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  if (cardsim_create(app.host, (uint16_t)app.port, &app.sim) != 0) {
    fprintf(stderr, "cardsim: cannot start the simulator: %s\n", strerror(errno));
    goto out_close_pipe;
  }
  if (app.control_path) {
    app.listen_fd = control_listen(app.control_path);
    if (app.listen_fd < 0)
      goto out_destroy_sim;
  }
  if (card) {
    char reply[CTL_REPLY_MAX];
    char line[CTL_LINE_MAX];
    snprintf(line, sizeof line, "%.*s %.900s", CARDSIM_NAME_MAX, card, card_arg ? card_arg : "");
    cmd_insert(&app, line, reply, sizeof reply);
    if (strncmp(reply, "ok", 2) != 0) {
      fprintf(stderr, "cardsim: %s\n", reply);
      goto out_close_listen;
    }
  }
  app.conns[0].in_fd = STDIN_FILENO;
  app.conns[0].out_fd = STDOUT_FILENO;
  status = serve(&app);

out_close_listen:
  for (size_t i = 0; i < sizeof app.conns / sizeof app.conns[0]; i++)
    conn_close(&app.conns[i]);
  if (app.listen_fd >= 0) {
    close(app.listen_fd);
    unlink(app.control_path);
  }
out_destroy_sim:
  cardsim_destroy(app.sim);
out_close_pipe:
  close(sig_pipe[0]);
  close(sig_pipe[1]);
  return status;
}
