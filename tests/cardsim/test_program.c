/*
 * The cardsim program: driven through its control socket with the card seen by the
 * real pcscd, through stdin, and its exits (quit, SIGTERM, end of stdin).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <winscard.h>

#include "yh_fixture.h"

#ifndef CARDSIM_PROGRAM
#error "CARDSIM_PROGRAM (the path of the cardsim program) must be defined"
#endif

#define SEEN_MS 1000
#define EXIT_MS 3000
#define LINE_MAX_ 1024

extern char **environ;

static char reader0[YH_READER_NAME_MAX];
static char port_arg[16];
static char dir[64];
static char sock_path[96];

static void setup(void)
{
  uint16_t port = yh_vpcd_port();
  snprintf(port_arg, sizeof port_arg, "%u", (unsigned)port);
  snprintf(dir, sizeof dir, "/tmp/cardsim-test.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(sock_path, sizeof sock_path, "%s/control.sock", dir);
}

static void teardown(void)
{
  unlink(sock_path);
  rmdir(dir);
}

/* For the tests that need the reader. */
static void setup_reader(void)
{
  setup();
  ck_assert_int_eq(yh_reader_name(yh_vpcd_port(), reader0, sizeof reader0), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader0, 0, 3000), 0);
}

/* Start cardsim with argv (argv[0] is set here); stdin from in_fd (-1: /dev/null),
 * stdout to out_fd (-1: inherited). */
static pid_t spawn(const char *const *args, int in_fd, int out_fd)
{
  char *argv[16];
  size_t n = 0;
  argv[n++] = (char *)(uintptr_t)CARDSIM_PROGRAM;
  for (; args && args[n - 1] && n < 15; n++)
    argv[n] = (char *)(uintptr_t)args[n - 1];
  argv[n] = NULL;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (in_fd >= 0)
    posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
  else
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (out_fd >= 0)
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  pid_t pid;
  int err = posix_spawn(&pid, CARDSIM_PROGRAM, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  ck_assert_msg(err == 0, "posix_spawn %s: %s", CARDSIM_PROGRAM, strerror(err));
  return pid;
}

/* Wait for the process to exit; returns its wait status, or -1 after timeout_ms. */
static int wait_exit(pid_t pid, int timeout_ms)
{
  uint64_t deadline = yh_now_ms() + (uint64_t)timeout_ms;
  for (;;) {
    int status;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid)
      return status;
    if (yh_now_ms() >= deadline)
      return -1;
    yh_sleep_ms(10);
  }
}

static void expect_clean_exit(pid_t pid)
{
  int status = wait_exit(pid, EXIT_MS);
  if (status == -1) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    ck_abort_msg("cardsim did not exit within %d ms", EXIT_MS);
  }
  ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "cardsim exit status 0x%x",
                status);
}

static int ctl_connect(void)
{
  struct sockaddr_un a;
  memset(&a, 0, sizeof a);
  a.sun_family = AF_UNIX;
  snprintf(a.sun_path, sizeof a.sun_path, "%s", sock_path);
  uint64_t deadline = yh_now_ms() + 3000;
  for (;;) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
      return fd;
    close(fd);
    ck_assert_msg(yh_now_ms() < deadline, "no control socket at %s", sock_path);
    yh_sleep_ms(20);
  }
}

/* Read one line (without the newline) from fd within timeout_ms. */
static void read_line(int fd, char *line, size_t cap, int timeout_ms)
{
  size_t n = 0;
  uint64_t deadline = yh_now_ms() + (uint64_t)timeout_ms;
  for (;;) {
    uint64_t now = yh_now_ms();
    ck_assert_msg(now < deadline, "no reply line within %d ms", timeout_ms);
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, (int)(deadline - now)) != 1)
      continue;
    char c;
    ssize_t r = read(fd, &c, 1);
    ck_assert_msg(r == 1, "reply stream ended");
    if (c == '\n')
      break;
    ck_assert_uint_lt(n + 1, cap);
    line[n++] = c;
  }
  line[n] = '\0';
}

/* Send a command line; return the reply line in reply. */
static const char *ctl(int fd, const char *command, char *reply, size_t cap)
{
  char buf[LINE_MAX_];
  int n = snprintf(buf, sizeof buf, "%s\n", command);
  ck_assert_int_eq(write(fd, buf, (size_t)n), n);
  read_line(fd, reply, cap, 10000);
  return reply;
}

static void ctl_expect_prefix(int fd, const char *command, const char *prefix)
{
  char reply[LINE_MAX_];
  ctl(fd, command, reply, sizeof reply);
  ck_assert_msg(strncmp(reply, prefix, strlen(prefix)) == 0, "'%s' -> '%s', want '%s...'",
                command, reply, prefix);
}

static LONG transmit(const char *hex, uint8_t *resp, DWORD *rlen)
{
  SCARDCONTEXT ctx;
  SCARDHANDLE h;
  DWORD proto;
  uint8_t cmd[64];
  size_t n = yh_hex(hex, cmd, sizeof cmd);
  ck_assert_int_eq(SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx), SCARD_S_SUCCESS);
  LONG rv = SCardConnect(ctx, reader0, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, &h, &proto);
  if (rv == SCARD_S_SUCCESS) {
    rv = SCardTransmit(h, SCARD_PCI_T1, cmd, (DWORD)n, NULL, resp, rlen);
    SCardDisconnect(h, SCARD_LEAVE_CARD);
  }
  SCardReleaseContext(ctx);
  return rv;
}

/* --------------------------------------------------------------- tests -- */

START_TEST(test_control_socket_session)
{
  const char *args[] = {"--port", port_arg, "--control", sock_path, NULL};
  pid_t pid = spawn(args, -1, -1);
  int fd = ctl_connect();
  char reply[LINE_MAX_];

  ctl_expect_prefix(fd, "status", "ok connected=0 profile=- apdus=0");
  ctl_expect_prefix(fd, "insert test", "ok inserted test");
  ck_assert_int_eq(yh_wait_reader_state(reader0, 1, SEEN_MS), 0);
  ctl_expect_prefix(fd, "status", "ok connected=1 profile=test apdus=0");

  uint8_t resp[300];
  DWORD rlen = sizeof resp;
  ck_assert_int_eq(transmit("00 10 00 00", resp, &rlen), SCARD_S_SUCCESS);
  ck_assert_uint_eq(rlen, 2);
  ck_assert_uint_eq(resp[0], 0x90);
  ctl_expect_prefix(fd, "status", "ok connected=1 profile=test apdus=1 received=1 fault=none");

  ctl_expect_prefix(fd, "fault chain_61 16", "ok fault chain_61 16");
  ctl_expect_prefix(fd, "status", "ok connected=1 profile=test apdus=1 received=1 fault=chain_61 param=16");
  rlen = sizeof resp;
  ck_assert_int_eq(transmit("00 CA 00 14 00", resp, &rlen), SCARD_S_SUCCESS);
  ck_assert_uint_eq(rlen, 2);
  ck_assert_uint_eq(resp[0], 0x61);
  ck_assert_uint_eq(resp[1], 0x10);
  ctl_expect_prefix(fd, "fault none", "ok fault none 0");

  /* Errors are one line each and change nothing. */
  ctl_expect_prefix(fd, "fault sideways", "error unknown fault");
  ctl_expect_prefix(fd, "fault slow -5", "error fault parameter");
  ctl_expect_prefix(fd, "insert no-such-card", "error unknown profile 'no-such-card'");
  ctl_expect_prefix(fd, "insert", "error usage");
  ctl_expect_prefix(fd, "frobnicate", "error unknown command 'frobnicate'");
  ctl_expect_prefix(fd, "list", "ok ");
  ck_assert_ptr_nonnull(strstr(ctl(fd, "list", reply, sizeof reply), " test"));
  ctl_expect_prefix(fd, "help", "ok commands:");
  /* No reply for empty lines and comments: the next reply is the status's. */
  ck_assert_int_eq(write(fd, "\n# a comment\n", 13), 13);
  ctl_expect_prefix(fd, "status", "ok connected=1 profile=test");

  /* A second client at the same time. */
  int fd2 = ctl_connect();
  ctl_expect_prefix(fd2, "status", "ok connected=1 profile=test");
  close(fd2);

  ctl_expect_prefix(fd, "remove", "ok removed");
  ck_assert_int_eq(yh_wait_reader_state(reader0, 0, SEEN_MS), 0);
  ctl_expect_prefix(fd, "status", "ok connected=0 profile=-");
  ctl_expect_prefix(fd, "insert test", "ok inserted test");
  ck_assert_int_eq(yh_wait_reader_state(reader0, 1, SEEN_MS), 0);

  /* quit: replies, removes the card, unlinks the socket, exits 0. */
  ctl_expect_prefix(fd, "quit", "ok quit");
  expect_clean_exit(pid);
  close(fd);
  struct stat st;
  ck_assert_int_ne(stat(sock_path, &st), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader0, 0, SEEN_MS), 0);
}
END_TEST

START_TEST(test_sigterm_with_card)
{
  const char *args[] = {"--port", port_arg, "--card", "test", "--control", sock_path, NULL};
  pid_t pid = spawn(args, -1, -1);
  ck_assert_int_eq(yh_wait_reader_state(reader0, 1, 3000), 0);
  close(ctl_connect()); /* the socket is up */
  kill(pid, SIGTERM);
  expect_clean_exit(pid);
  struct stat st;
  ck_assert_int_ne(stat(sock_path, &st), 0);
  ck_assert_int_eq(yh_wait_reader_state(reader0, 0, SEEN_MS), 0);
}
END_TEST

START_TEST(test_sigint)
{
  const char *args[] = {"--port", port_arg, "--control", sock_path, NULL};
  pid_t pid = spawn(args, -1, -1);
  close(ctl_connect());
  kill(pid, SIGINT);
  expect_clean_exit(pid);
}
END_TEST

START_TEST(test_stdin_commands)
{
  int in[2], out[2];
  ck_assert_int_eq(pipe(in), 0);
  ck_assert_int_eq(pipe(out), 0);
  const char *args[] = {"--port", port_arg, NULL};
  pid_t pid = spawn(args, in[0], out[1]);
  close(in[0]);
  close(out[1]);
  char reply[LINE_MAX_];
  ck_assert_int_eq(write(in[1], "status\n", 7), 7);
  read_line(out[0], reply, sizeof reply, 3000);
  ck_assert_str_eq(reply, "ok connected=0 profile=- apdus=0 received=0 fault=none param=0");
  ck_assert_int_eq(write(in[1], "fault SLOW 20\r\n", 15), 15);
  read_line(out[0], reply, sizeof reply, 3000);
  ck_assert_str_eq(reply, "ok fault slow 20");
  /* A line over the limit: one error, and the stream goes on. */
  static char lng[3000];
  memset(lng, 'x', sizeof lng - 1);
  lng[sizeof lng - 1] = '\n';
  ck_assert_int_eq(write(in[1], lng, sizeof lng), (ssize_t)sizeof lng);
  read_line(out[0], reply, sizeof reply, 3000);
  ck_assert_msg(strncmp(reply, "error line too long", 19) == 0, "%s", reply);
  ck_assert_int_eq(write(in[1], "quit\n", 5), 5);
  read_line(out[0], reply, sizeof reply, 3000);
  ck_assert_str_eq(reply, "ok quit");
  expect_clean_exit(pid);
  close(in[1]);
  close(out[0]);
}
END_TEST

START_TEST(test_stdin_eof_ends)
{
  /* No control socket: the end of stdin ends the program. */
  const char *args[] = {"--port", port_arg, NULL};
  pid_t pid = spawn(args, -1, -1);
  expect_clean_exit(pid);
}
END_TEST

START_TEST(test_stdin_eof_with_control_socket)
{
  /* With a control socket, the end of stdin does not end the program. */
  const char *args[] = {"--port", port_arg, "--control", sock_path, NULL};
  pid_t pid = spawn(args, -1, -1);
  int fd = ctl_connect();
  yh_sleep_ms(200);
  ck_assert_int_eq(wait_exit(pid, 0), -1);
  ctl_expect_prefix(fd, "quit", "ok quit");
  expect_clean_exit(pid);
  close(fd);
}
END_TEST

START_TEST(test_list_and_usage)
{
  int out[2];
  ck_assert_int_eq(pipe(out), 0);
  const char *list[] = {"--list", NULL};
  pid_t pid = spawn(list, -1, out[1]);
  close(out[1]);
  char line[LINE_MAX_];
  int saw_test = 0;
  for (;;) {
    struct pollfd p = {.fd = out[0], .events = POLLIN};
    if (poll(&p, 1, 3000) != 1)
      break;
    char c;
    size_t n = 0;
    ssize_t r;
    while ((r = read(out[0], &c, 1)) == 1 && c != '\n' && n + 1 < sizeof line)
      line[n++] = c;
    line[n] = '\0';
    if (strncmp(line, "test ", 5) == 0)
      saw_test = 1;
    if (r != 1)
      break;
  }
  close(out[0]);
  expect_clean_exit(pid);
  ck_assert(saw_test);

  const char *bad_port[] = {"--port", "0", NULL};
  int status = wait_exit(spawn(bad_port, -1, -1), EXIT_MS);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
  const char *bad_opt[] = {"--frobnicate", NULL};
  status = wait_exit(spawn(bad_opt, -1, -1), EXIT_MS);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
  const char *bad_card[] = {"--port", port_arg, "--card", "no-such-card", NULL};
  status = wait_exit(spawn(bad_card, -1, -1), EXIT_MS);
  ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1);
}
END_TEST

static Suite *program_suite(void)
{
  Suite *s = suite_create("cardsim.program");
  TCase *tc = tcase_create("with reader");
  tcase_add_checked_fixture(tc, setup_reader, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_control_socket_session);
  tcase_add_test(tc, test_sigterm_with_card);
  suite_add_tcase(s, tc);
  tc = tcase_create("process");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_sigint);
  tcase_add_test(tc, test_stdin_commands);
  tcase_add_test(tc, test_stdin_eof_ends);
  tcase_add_test(tc, test_stdin_eof_with_control_socket);
  tcase_add_test(tc, test_list_and_usage);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  signal(SIGPIPE, SIG_IGN);
  SRunner *sr = srunner_create(program_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
