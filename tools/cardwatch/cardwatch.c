/*
 * cardwatch: watches every reader through pcscd and prints what happens and what it
 * reads from each card inserted. The first face of the terminal: the demo runs it
 * beside the card simulator.
 *
 *   cardwatch [--seconds N]     stop after N seconds (default: run until SIGINT/SIGTERM)
 *
 * The watcher runs on its own thread and posts events through a pipe; the main thread
 * reads the cards, so that a slow card never delays the watcher.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cardio/cardio.h"
#include "cardio/watch.h"
#include "common/cli.h"
#include "yh_version.h"

#define CARDWATCH_NAME_MAX 256

static volatile sig_atomic_t cardwatch_quit;
static int cardwatch_pipe[2] = {-1, -1};

struct cardwatch_msg {
  enum cardio_watch_kind kind;
  char reader[CARDWATCH_NAME_MAX];
};

static void cardwatch_on_signal(int sig)
{
  (void)sig;
  cardwatch_quit = 1;
}

static void cardwatch_now(char *buf, size_t cap)
{
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  localtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, cap, "%H:%M:%S", &tm);
  snprintf(buf + n, cap - n, ".%03ld", ts.tv_nsec / 1000000L);
}

static void cardwatch_hex(const uint8_t *p, size_t n, char *out, size_t cap)
{
  size_t o = 0;
  for (size_t i = 0; i < n && o + 3 < cap; i++)
    o += (size_t)snprintf(out + o, cap - o, "%02X", p[i]);
  out[o] = '\0';
}

/* Watcher thread: hand the event to the main thread. */
static void cardwatch_on_event(const struct cardio_watch_event *ev, void *user)
{
  struct cardwatch_msg m;
  (void)user;
  memset(&m, 0, sizeof m);
  m.kind = ev->kind;
  if (ev->reader)
    snprintf(m.reader, sizeof m.reader, "%s", ev->reader);
  if (write(cardwatch_pipe[1], &m, sizeof m) != (ssize_t)sizeof m)
    perror("cardwatch: pipe");
}

/* The project's test application (tools/cardsim profile "test"). */
static const uint8_t cardwatch_test_aid[] = {0xA0, 0x00, 0x00, 0x06, 0x47, 0x59,
                                             0x4C, 0x54, 0x45, 0x53, 0x54};

static void cardwatch_read(struct cardio_ctx *ctx, const char *reader)
{
  struct cardio_card *card;
  char t[32], hex[200];
  uint8_t resp[64];
  size_t len, atr_len;
  uint16_t sw;
  int rc;

  cardwatch_now(t, sizeof t);
  rc = cardio_connect(ctx, reader, &card);
  if (rc != CARDIO_OK) {
    printf("%s  %-24s could not connect: %s\n", t, reader, cardio_strerror(rc));
    return;
  }
  const uint8_t *atr = cardio_card_atr(card, &atr_len);
  cardwatch_hex(atr, atr_len, hex, sizeof hex);
  printf("%s  %-24s ATR %s\n", t, reader, hex);

  struct cardio_apdu select = {0x00, 0xA4, 0x04, 0x00, cardwatch_test_aid,
                               sizeof cardwatch_test_aid, CARDIO_LE_NONE, 0};
  rc = cardio_transmit(card, &select, resp, sizeof resp, &len, &sw);
  cardwatch_now(t, sizeof t);
  if (rc != CARDIO_OK) {
    printf("%s  %-24s read failed: %s\n", t, reader, cardio_strerror(rc));
  } else if (sw != 0x9000) {
    printf("%s  %-24s not a card this terminal knows (SELECT: %04X %s)\n", t, reader, sw,
           cardio_sw_text(sw));
  } else {
    struct cardio_apdu get = {0x00, 0xCA, 0x00, 0x10, NULL, 0, 256, 0}; /* Le 00: all */
    rc = cardio_transmit(card, &get, resp, sizeof resp, &len, &sw);
    if (rc == CARDIO_OK && sw == 0x9000) {
      cardwatch_hex(resp, len, hex, sizeof hex);
      printf("%s  %-24s test card: GET DATA -> %zu bytes %s\n", t, reader, len, hex);
    } else {
      printf("%s  %-24s test card: GET DATA failed: %s sw %04X\n", t, reader,
             cardio_strerror(rc), sw);
    }
  }
  struct cardio_stats st;
  cardio_card_stats(card, &st);
  printf("%s  %-24s %llu APDUs, %llu bytes out, %llu in\n", t, reader,
         (unsigned long long)st.commands, (unsigned long long)st.bytes_out,
         (unsigned long long)st.bytes_in);
  cardio_card_destroy(card);
}

int main(int argc, char **argv)
{
  struct cardio_watch *w = NULL;
  struct cardio_ctx *ctx = NULL;
  long seconds = -1;
  struct timespec start;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--seconds") == 0) {
      char *end;
      if (i + 1 >= argc)
        return common_cli_usage("cardwatch", "--seconds needs a value");
      seconds = strtol(argv[++i], &end, 10);
      if (!*argv[i] || *end || seconds < 0 || seconds > 86400 * 366)
        return common_cli_usage("cardwatch", "--seconds: expected a number from 0 to 31622400");
    } else if (common_cli_is_help(argv[i])) {
      printf("usage: cardwatch [--seconds N]\n"
             "Watches all card readers through pcscd, prints reader and card events and\n"
             "what it reads from each card. Stops on SIGINT/SIGTERM or after N seconds.\n"
             "  -h, --help   this text;  --version   the version\n"
             "Exit status: 0 done, 1 failed (no pcscd), 2 usage error (docs/cli.md).\n");
      return 0;
    } else if (common_cli_is_version(argv[i])) {
      return common_cli_version(stdout, "cardwatch", YH_VERSION, YH_VERSION_GIT);
    } else {
      return common_cli_usage("cardwatch", "unexpected argument '%s' (expected --seconds N)",
                              argv[i]);
    }
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGINT, cardwatch_on_signal);
  signal(SIGTERM, cardwatch_on_signal);
  if (pipe(cardwatch_pipe) != 0) {
    perror("cardwatch: pipe");
    return 1;
  }
  if (cardio_watch_create(cardwatch_on_event, NULL, &w) != CARDIO_OK ||
      cardio_watch_start(w) != CARDIO_OK) {
    fprintf(stderr, "cardwatch: cannot start the reader watcher\n");
    return 1;
  }
  clock_gettime(CLOCK_MONOTONIC, &start);
  printf("cardwatch: watching readers (pcscd socket /run/pcscd/pcscd.comm)\n");
  while (!cardwatch_quit) {
    struct pollfd pfd = {cardwatch_pipe[0], POLLIN, 0};
    int pr = poll(&pfd, 1, 200);
    if (seconds >= 0) {
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      if (now.tv_sec - start.tv_sec >= seconds)
        break;
    }
    if (pr <= 0)
      continue;
    struct cardwatch_msg m;
    if (read(cardwatch_pipe[0], &m, sizeof m) != (ssize_t)sizeof m)
      continue;
    char t[32];
    cardwatch_now(t, sizeof t);
    printf("%s  %-24s %s\n", t, m.reader[0] ? m.reader : "(pcscd)",
           cardio_watch_kind_name(m.kind));
    if (m.kind == CARDIO_WATCH_CARD_INSERTED) {
      if (!ctx && cardio_ctx_create(&ctx) != CARDIO_OK) {
        printf("%s  pcscd not reachable\n", t);
        continue;
      }
      cardwatch_read(ctx, m.reader);
    }
  }
  cardio_watch_destroy(w);
  cardio_ctx_destroy(ctx);
  printf("cardwatch: stopped\n");
  return 0;
}
