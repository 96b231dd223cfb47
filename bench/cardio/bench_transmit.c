/*
 * Benchmark: round trip per APDU through cardio versus a bare SCardTransmit loop, to the
 * same simulated card (tools/cardsim "test" profile on a vpcd reader, in this process)
 * in the same run. Each round alternates bare and cardio exchanges one by one (--batch B: B at a time),
 * so that load from other processes hits both alike; the median of the rounds is
 * reported, in wall time and in this thread's CPU time (the client-side cost, which is
 * all that cardio adds). Goal: cardio within 10% of bare PC/SC. Prints, never fails on
 * timing.
 *
 *   bench_transmit [--apdus N] [--rounds R]     env YH_VPCD_PORT (default 35963)
 */
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cardio/cardio.h"
#include "cardsim.h"

static double bench_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double bench_cpu(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench_cmp(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The reader served by a vpcd port: pcscd names the readers of one entry "<name> NN 00"
 * (port) and "<name> NN 01" (port + 1); the project's entries are listed in
 * etc/reader.conf.d/yulin-vpcd. */
static const char *bench_reader_for_port(unsigned port)
{
  switch (port) {
  case 35963: return "Virtual PCD 00 00";
  case 35964: return "Virtual PCD 00 01";
  case 35965: return "Yulin Spare PCD 00 00";
  case 35966: return "Yulin Spare PCD 00 01";
  default: return NULL;
  }
}

int main(int argc, char **argv)
{
  int apdus = 2000, rounds = 7, batch = 1;
  unsigned port = getenv("YH_VPCD_PORT") ? (unsigned)atoi(getenv("YH_VPCD_PORT")) : 35963;
  static const uint8_t aid[] = {0xA0, 0x00, 0x00, 0x06, 0x47, 0x59, 0x4C, 0x54, 0x45, 0x53, 0x54};

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--apdus") == 0 && i + 1 < argc)
      apdus = atoi(argv[++i]);
    else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
      rounds = atoi(argv[++i]);
    else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc)
      batch = atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: bench_transmit [--apdus N] [--rounds R] [--batch B]\n");
      return 2;
    }
  }
  if (apdus < 1 || rounds < 1 || rounds > 99 || batch < 1)
    return 2;
  const char *reader = bench_reader_for_port(port);
  if (!reader) {
    fprintf(stderr, "bench_transmit: unknown vpcd port %u\n", port);
    return 2;
  }

  struct cardsim *sim;
  if (cardsim_create(NULL, (uint16_t)port, &sim) != 0 || cardsim_insert(sim, "test", NULL) != 0) {
    fprintf(stderr, "bench_transmit: cannot start the card simulator on port %u\n", port);
    return 1;
  }
  struct cardio_ctx *ctx;
  if (cardio_ctx_create(&ctx) != CARDIO_OK) {
    fprintf(stderr, "bench_transmit: pcscd is not running\n");
    return 1;
  }
  if (cardio_wait_card(ctx, reader, 5000) != CARDIO_OK) {
    fprintf(stderr, "bench_transmit: no card in %s\n", reader);
    return 1;
  }

  /* Bare PC/SC: its own context and handle, nothing between us and SCardTransmit. */
  SCARDCONTEXT bare_ctx;
  SCARDHANDLE bare;
  DWORD proto;
  if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &bare_ctx) != SCARD_S_SUCCESS ||
      SCardConnect(bare_ctx, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                   &bare, &proto) != SCARD_S_SUCCESS) {
    fprintf(stderr, "bench_transmit: SCardConnect failed\n");
    return 1;
  }
  const SCARD_IO_REQUEST *pci = proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
  struct cardio_card *card;
  if (cardio_connect(ctx, reader, &card) != CARDIO_OK) {
    fprintf(stderr, "bench_transmit: cardio_connect failed\n");
    return 1;
  }

  /* The command: GET DATA of 16 bytes (case 2), the typical size of a record read. */
  static const uint8_t get16[] = {0x00, 0xCA, 0x00, 0x10, 0x10};
  const struct cardio_apdu get16_apdu = {0x00, 0xCA, 0x00, 0x10, NULL, 0, 16, 0};
  uint8_t select[5 + sizeof aid] = {0x00, 0xA4, 0x04, 0x00, sizeof aid};
  memcpy(select + 5, aid, sizeof aid);
  uint8_t resp[300];
  DWORD rl = sizeof resp;
  SCardTransmit(bare, pci, select, sizeof select, NULL, resp, &rl);

  double bare_t[99], cardio_t[99], bare_c[99], cardio_c[99];
  int errors = 0;
  for (int r = -1; r < rounds; r++) { /* round -1 warms up */
    double bw = 0, cw = 0, bc = 0, cc = 0;
    for (int done = 0; done < apdus; done += batch) {
      double t0 = bench_now(), c0 = bench_cpu();
      for (int i = 0; i < batch; i++) {
        rl = sizeof resp;
        if (SCardTransmit(bare, pci, get16, sizeof get16, NULL, resp, &rl) != SCARD_S_SUCCESS ||
            rl != 18)
          errors++;
      }
      double t1 = bench_now(), c1 = bench_cpu();
      for (int i = 0; i < batch; i++) {
        size_t len;
        uint16_t sw;
        if (cardio_transmit(card, &get16_apdu, resp, sizeof resp, &len, &sw) != CARDIO_OK ||
            len != 16 || sw != 0x9000)
          errors++;
      }
      double t2 = bench_now(), c2 = bench_cpu();
      bw += t1 - t0;
      cw += t2 - t1;
      bc += c1 - c0;
      cc += c2 - c1;
    }
    if (r >= 0) {
      int n = (apdus + batch - 1) / batch * batch;
      bare_t[r] = bw / n;
      cardio_t[r] = cw / n;
      bare_c[r] = bc / n;
      cardio_c[r] = cc / n;
    }
  }
  qsort(bare_t, (size_t)rounds, sizeof bare_t[0], bench_cmp);
  qsort(cardio_t, (size_t)rounds, sizeof cardio_t[0], bench_cmp);
  qsort(bare_c, (size_t)rounds, sizeof bare_c[0], bench_cmp);
  qsort(cardio_c, (size_t)rounds, sizeof cardio_c[0], bench_cmp);
  double b = bare_t[rounds / 2], c = cardio_t[rounds / 2];
  double bcpu = bare_c[rounds / 2], ccpu = cardio_c[rounds / 2];
  printf("APDU round trip, GET DATA 16 bytes via pcscd + vpcd + cardsim (%s)\n", reader);
  printf("  %d rounds x %d APDUs in interleaved batches of %d, median per round\n", rounds,
         apdus, batch);
  printf("                       wall us/APDU   client CPU us/APDU\n");
  printf("  bare SCardTransmit : %10.1f   %10.2f\n", b * 1e6, bcpu * 1e6);
  printf("  cardio_transmit    : %10.1f   %10.2f\n", c * 1e6, ccpu * 1e6);
  printf("  ratio cardio/bare  : %10.3f   %10.3f   (goal <= 1.10)\n", c / b,
         bcpu > 0 ? ccpu / bcpu : 0.0);
  if (errors)
    printf("  WARNING: %d exchanges failed\n", errors);

  cardio_card_destroy(card);
  SCardDisconnect(bare, SCARD_LEAVE_CARD);
  SCardReleaseContext(bare_ctx);
  cardio_ctx_destroy(ctx);
  cardsim_destroy(sim);
  return errors ? 1 : 0;
}
