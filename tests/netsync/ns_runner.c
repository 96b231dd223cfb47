/*
 * A terminal's sync process for the kill -9 test: opens the kiosk journal, runs the
 * netsync worker until every event is acknowledged, exits 0.
 *   ns_runner DIR TERMINAL JOURNAL URL BATCH
 * DIR holds ca.pem, TERMINAL.pem/.key and sign.pub.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netsync/netsync.h"
#include "synctest.h"

static void quiet(void *ctx, const char *line)
{
  (void)ctx;
  if (getenv("YH_TEST_VERBOSE"))
    fprintf(stderr, "ns_runner: %s\n", line);
}

int main(int argc, char **argv)
{
  struct netsync_config cfg;
  struct kiosk_journal *kj = NULL;
  struct kiosk_diag d;
  struct netsync *ns = NULL;
  struct netsync_status st;
  char ca[600], cert[600], key[600], sign[600];
  uint64_t deadline;
  if (argc != 6)
    return 2;
  snprintf(ca, sizeof ca, "%s/ca.pem", argv[1]);
  snprintf(cert, sizeof cert, "%s/%s.pem", argv[1], argv[2]);
  snprintf(key, sizeof key, "%s/%s.key", argv[1], argv[2]);
  snprintf(sign, sizeof sign, "%s/sign.pub", argv[1]);
  if (kiosk_journal_open(argv[3], 0, &kj, &d) != KIOSK_OK)
    return 3;
  memset(&cfg, 0, sizeof cfg);
  cfg.url = argv[4];
  cfg.ca_file = ca;
  cfg.cert_file = cert;
  cfg.key_file = key;
  cfg.sign_pubkey_file = sign;
  cfg.software = "ns_runner";
  cfg.batch_max = (unsigned)atoi(argv[5]);
  cfg.backoff_base_ms = 20;
  cfg.backoff_cap_ms = 200;
  cfg.trace = quiet;
  if (netsync_create(&cfg, &netsync_kiosk_journal_ops, kj, NULL, NULL, &ns) != NETSYNC_OK ||
      netsync_start(ns) != NETSYNC_OK)
    return 4;
  deadline = synctest_now_ms() + 60000;
  do {
    struct timespec ts = {0, 10 * 1000000L};
    nanosleep(&ts, NULL);
    netsync_get_status(ns, &st);
  } while (!(st.state == NETSYNC_STATE_IDLE && st.queue_depth == 0) &&
           synctest_now_ms() < deadline);
  netsync_destroy(ns);
  kiosk_journal_close(kj);
  return st.queue_depth == 0 ? 0 : 1;
}
