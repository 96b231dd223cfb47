/*
 * yhconform: the honour card conformance tool (docs/card-conformance.md). A card
 * manufacturer runs it against their card in any PC/SC reader; it sends the commands of
 * docs/card-spec.md and prints one line per requirement: PASS/FAIL/SKIP, the spec's
 * section, what it checks, the bytes sent and received. A summary ends the report; the
 * exit status is 1 when anything failed.
 *
 * It talks to PC/SC itself, not through cardio's transport, because the transport
 * answers 61xx and 6Cxx on the caller's behalf and the tool must see exactly what the
 * card says. cardio is used only where the terminal's own judgement is the point (the
 * record codec, signatures, the full verification with a trust store).
 *
 * Nothing here can change a conforming card unless a flag says so: the probes on an
 * operational card are commands the card must refuse, chosen so that a card that
 * wrongly accepts them still ends up as it was (UPDATE BINARY of the byte already
 * there, a malformed GENERATE). Spending a transport-key try (--transport-master) and
 * personalising (--personalize) are announced on their own line before they run.
 */
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cardio/cardio.h"
#include "cardio/crypto.h"
#include "cardio/honour.h"
#include "common/cardno.h"
#include "common/cli.h"
#include "common/hex.h"
#include "fci.h"
#include "pki.h"
#include "yh_version.h"

#define RESP_MAX (65536 + 2)
#define FCI_MAX 4096

struct conf {
  SCARDCONTEXT ctx;
  SCARDHANDLE h;
  DWORD proto;
  const char *reader;
  unsigned pass, fail, skip, warn;
  double last_ms; /* the last exchange, through PC/SC: the reader's latency included */
  double fast_ms; /* SELECT + GET RESPONSE + INTERNAL AUTHENTICATE (5.4) */
  /* What the FCI said, for the later checks. */
  uint8_t fci[FCI_MAX];
  size_t fci_len;
  uint8_t lcs;
  uint8_t serial[8];
  int have_serial;
  const uint8_t *e0; /* into fci */
  size_t e0_len;
  struct cardio_hc_record rec;
  int have_rec;
};

/* ------------------------------------------------------------------ I/O -- */

static void hexout(const uint8_t *p, size_t n, char *out, size_t cap)
{
  size_t show = n > 24 ? 24 : n;
  char h[64];
  common_hex_encode(p, show, h, sizeof h);
  if (show < n)
    snprintf(out, cap, "%s..(%zu B)", h, n);
  else
    snprintf(out, cap, "%s", n ? h : "-");
}

/* One exchange, exactly as the card answers. 0, or -1 when the exchange broke. */
static int xmit(struct conf *c, const uint8_t *cmd, size_t n, uint8_t *resp, size_t *rlen)
{
  const SCARD_IO_REQUEST *pci = c->proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
  DWORD len = RESP_MAX;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  LONG rv = SCardTransmit(c->h, pci, cmd, (DWORD)n, NULL, resp, &len);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  c->last_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
  if (rv != SCARD_S_SUCCESS || len < 2) {
    *rlen = 0;
    return -1;
  }
  *rlen = len;
  return 0;
}

static uint16_t sw_of(const uint8_t *r, size_t n)
{
  return n >= 2 ? (uint16_t)(r[n - 2] << 8 | r[n - 1]) : 0;
}

static void report(struct conf *c, int ok, const char *sec, const char *what, const uint8_t *cmd,
                   size_t cn, const uint8_t *resp, size_t rn, const char *note)
{
  char a[128], b[128];
  hexout(cmd, cn, a, sizeof a);
  hexout(resp, rn, b, sizeof b);
  if (ok > 0)
    c->pass++;
  else if (ok == 0)
    c->fail++;
  else
    c->skip++;
  printf("%-4s %-5s %-58s > %s < %s%s%s\n", ok > 0 ? "PASS" : ok == 0 ? "FAIL" : "SKIP", sec,
         what, a, b, note ? "  " : "", note ? note : "");
  fflush(stdout);
}

/* Section 9's figures, measured through PC/SC: the reader and pcscd add their own
 * latency, so a slow answer is a WARN, never a FAIL (said once in the output). */
static void timing(struct conf *c, const char *what, double ms, double limit_ms)
{
  int ok = ms <= limit_ms;
  if (ok)
    c->pass++;
  else
    c->warn++;
  printf("%-4s %-5s %-58s %.1f ms (spec: <= %.0f ms)\n", ok ? "PASS" : "WARN", "9", what, ms,
         limit_ms);
  fflush(stdout);
}

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
  size_t n = strlen(s) / 2;
  if (n == 0 || n > cap || common_hex_decode(s, strlen(s), out, n, 1) != 0)
    return 0;
  return n;
}

/* Send a command given in hex; PASS when the status word is want (and, with want_len
 * >= 0, the data has that length). Returns the response length, 0 when broken. */
static size_t expect(struct conf *c, const char *sec, const char *what, const char *cmdhex,
                     uint16_t want, long want_len, uint8_t *resp)
{
  uint8_t cmd[300], buf[RESP_MAX];
  size_t n = unhex(cmdhex, cmd, sizeof cmd), rn = 0;
  char note[64];
  uint8_t *r = resp ? resp : buf;
  if (n == 0) {
    report(c, 0, sec, what, NULL, 0, NULL, 0, "internal: bad command hex");
    return 0;
  }
  if (xmit(c, cmd, n, r, &rn) != 0) {
    report(c, 0, sec, what, cmd, n, NULL, 0, "exchange failed");
    return 0;
  }
  int ok = sw_of(r, rn) == want && (want_len < 0 || (long)rn - 2 == want_len);
  snprintf(note, sizeof note, "want %04X%s", want, want_len >= 0 ? " and the data" : "");
  report(c, ok, sec, what, cmd, n, r, rn, ok ? NULL : note);
  return rn;
}

/* ------------------------------------------------------------ the checks -- */

/* SELECT, Le 00, and the chain of GET RESPONSE with Le = xx: every step per 5.1. */
static int fetch_fci(struct conf *c)
{
  uint8_t cmd[32], r[RESP_MAX];
  size_t n = unhex("00A4040006F1594848430100", cmd, sizeof cmd), rn = 0;
  uint16_t w;
  c->fci_len = 0;
  if (xmit(c, cmd, n, r, &rn) != 0) {
    report(c, 0, "5.1", "SELECT by AID, P2 00, Le 00", cmd, n, NULL, 0, "exchange failed");
    return -1;
  }
  w = sw_of(r, rn);
  c->fast_ms = c->last_ms;
  report(c, w == 0x9000 || (w >> 8) == 0x61, "5.1", "SELECT by AID, P2 00, Le 00: FCI", cmd, n,
         r, rn, w == 0x9000 || (w >> 8) == 0x61 ? NULL : "want 9000 or 61xx");
  timing(c, "SELECT by AID answered in time", c->last_ms, 20);
  if (w != 0x9000 && (w >> 8) != 0x61)
    return -1;
  if ((w >> 8) == 0x61)
    report(c, rn - 2 == 256, "5.1", "61xx comes with exactly 256 bytes (Le 00)", NULL, 0, NULL, 0,
           NULL);
  memcpy(c->fci, r, rn - 2);
  c->fci_len = rn - 2;
  while ((w >> 8) == 0x61) {
    uint8_t gr[5] = {0x00, 0xC0, 0x00, 0x00, (uint8_t)w};
    if (xmit(c, gr, 5, r, &rn) != 0) {
      report(c, 0, "5.1", "GET RESPONSE, Le = xx", gr, 5, NULL, 0, "exchange failed");
      return -1;
    }
    size_t want = (w & 0xFF) ? (w & 0xFF) : 256;
    uint16_t w2 = sw_of(r, rn);
    c->fast_ms += c->last_ms;
    timing(c, "GET RESPONSE answered in time", c->last_ms, 20);
    int ok = rn - 2 == want && (w2 == 0x9000 || (w2 >> 8) == 0x61);
    report(c, ok, "5.1", "GET RESPONSE, Le = xx: xx bytes, 9000 or 61xx", gr, 5, r, rn,
           ok ? NULL : "want xx bytes");
    if (!ok || c->fci_len + rn - 2 > sizeof c->fci)
      return -1;
    memcpy(c->fci + c->fci_len, r, rn - 2);
    c->fci_len += rn - 2;
    w = w2;
  }
  return 0;
}

/* 4.5: 6F { 84 AID, 8A lcs, A5 { C1 (lcs 03 only), E0 (when written) } }, in order. */
static void check_fci(struct conf *c, int blank)
{
  struct conform_fci f;
  conform_fci_walk(c->fci, c->fci_len, &f);
  c->e0 = f.e0;
  c->e0_len = f.e0_len;
  c->have_serial = f.have_serial;
  memcpy(c->serial, f.serial, sizeof c->serial);
  report(c, f.one_6f, "4.5", "FCI is one 6F template, nothing after it", NULL, 0, c->fci,
         c->fci_len, NULL);
  if (!f.one_6f)
    return;
  report(c, f.aid_first, "4.5", "first in 6F: 84, the AID", NULL, 0, f.aid.raw,
         f.aid_first ? f.aid.raw_len : 0, NULL);
  c->lcs = f.lcs;
  report(c, f.lcs_second && c->lcs == (blank ? 0x03 : 0x05), "4.5",
         blank ? "second: 8A, life cycle 03 (blank)" : "second: 8A, life cycle 05 (operational)",
         NULL, 0, f.lcs_second ? f.lcs_tlv.raw : NULL, f.lcs_second ? f.lcs_tlv.raw_len : 0,
         NULL);
  if (!f.lcs_second)
    return;
  if (!f.a5_present) {
    report(c, blank, "4.5", "A5 absent: only a blank card may omit it (needs C1)", NULL, 0, NULL,
           0, NULL);
    return;
  }
  report(c, f.a5_last, "4.5", "third and last: A5 proprietary template", NULL, 0,
         f.a5_last ? f.a5.raw : NULL, f.a5_last ? f.a5.raw_len : 0, NULL);
  if (!f.a5_last)
    return;
  report(c, f.a5_order, "4.5", "in A5: C1 (8 bytes) then E0, each at most once", NULL, 0, f.a5.v,
         f.a5.len, NULL);
  if (blank) {
    report(c, c->have_serial, "4.5", "blank card: C1 serial present", NULL, 0, NULL, 0, NULL);
    report(c, !c->e0, "4.5", "blank card: no E0 before personalisation", NULL, 0, NULL, 0, NULL);
  } else {
    report(c, !c->have_serial, "4.5", "operational card: no C1 serial (tracking)", NULL, 0, NULL,
           0, NULL);
    report(c, c->e0 != NULL, "4.5", "operational card: E0 signed container present", NULL, 0,
           NULL, 0, NULL);
  }
}

/* 4.1-4.3: the record, by the terminal's own codec. */
static void check_record(struct conf *c)
{
  struct conform_tlv e1, sig;
  enum cardio_hc_reason why = CARDIO_HC_REASON_NONE;
  int ok;
  uint8_t empty[32];
  if (!c->e0)
    return;
  ok = conform_e0_split(c->e0, c->e0_len, &e1, &sig) == 0;
  report(c, ok, "4.2", "E0 holds exactly E1 record and 5F37 signature (64)", NULL, 0, c->e0,
         c->e0_len, NULL);
  if (!ok)
    return;
  ok = cardio_hc_record_decode(e1.raw, e1.raw_len, &c->rec, &why) == CARDIO_OK;
  report(c, ok, "4.1", "record decodes: every field once, in order, shortest forms", NULL, 0,
         e1.raw, e1.raw_len, ok ? NULL : cardio_hc_reason_name(why));
  if (!ok)
    return;
  c->have_rec = 1;
  report(c, common_cardno_valid(c->rec.card_number), "4.2",
         "card number is a unified card number (MOD 97-10)", NULL, 0, NULL, 0, NULL);
  if (c->rec.photo_len == 0) {
    ok = cardio_digest(c->rec.id_suite, (const uint8_t *)"", 0, empty) == CARDIO_OK &&
         memcmp(empty, c->rec.photo_digest, 32) == 0;
    report(c, ok, "4.2", "no photo: 8E is H(empty) in the tag-84 suite", NULL, 0, NULL, 0, NULL);
  }
}

/* 5.2: INTERNAL AUTHENTICATE signs "YH-HC-IA1" || challenge with the key of 8D. */
static void check_internal_auth(struct conf *c)
{
  uint8_t cmd[5 + 16 + 1] = {0x00, 0x88, 0x00, 0x00, 0x10}, r[RESP_MAX], msg[9 + 16];
  size_t rn = 0;
  struct cardio_key *k = NULL;
  int ok;
  cardio_random(cmd + 5, 16);
  cmd[21] = 0x00;
  if (xmit(c, cmd, sizeof cmd, r, &rn) != 0) {
    report(c, 0, "5.2", "INTERNAL AUTHENTICATE", cmd, sizeof cmd, NULL, 0, "exchange failed");
    return;
  }
  ok = sw_of(r, rn) == 0x9000 && rn == 66;
  if (c->proto == SCARD_PROTOCOL_T0 && (sw_of(r, rn) >> 8) == 0x61 && rn == 2) {
    /* T=0: case 4 becomes case 3 and 61xx; the card keeps the answer for GET RESPONSE. */
    uint8_t gr[5] = {0x00, 0xC0, 0x00, 0x00, r[1]};
    double first = c->last_ms;
    report(c, r[1] == 0x40, "9", "T=0: INTERNAL AUTHENTICATE (case 4) -> 6140", cmd, sizeof cmd,
           r, rn, NULL);
    ok = xmit(c, gr, 5, r, &rn) == 0 && sw_of(r, rn) == 0x9000 && rn == 66;
    report(c, ok, "9", "T=0: GET RESPONSE gets the signature, 9000", gr, 5, r, rn, NULL);
    c->last_ms += first;
  }
  report(c, ok, "5.2", "INTERNAL AUTHENTICATE: 64 bytes, 9000", cmd, sizeof cmd, r, rn, NULL);
  if (ok) {
    c->fast_ms += c->last_ms;
    timing(c, c->have_rec && c->rec.card_suite == CARDIO_SUITE_SM2
                  ? "INTERNAL AUTHENTICATE (SM2) answered in time"
                  : "INTERNAL AUTHENTICATE (P-256) answered in time",
           c->last_ms, c->have_rec && c->rec.card_suite == CARDIO_SUITE_SM2 ? 200 : 150);
    timing(c, "the fast path (5.4) in all", c->fast_ms, 500);
  }
  if (!ok || !c->have_rec)
    return;
  memcpy(msg, "YH-HC-IA1", 9);
  memcpy(msg + 9, cmd + 5, 16);
  ok = cardio_key_from_point(c->rec.card_suite, c->rec.card_point, CARDIO_POINT_LEN, &k) ==
           CARDIO_OK &&
       cardio_verify(k, msg, sizeof msg, r, 64) == CARDIO_OK;
  report(c, ok, "4.3", c->rec.card_suite == CARDIO_SUITE_SM2
                           ? "card signature verifies (SM2, ID 1234567812345678)"
                           : "card signature verifies (P-256)",
         NULL, 0, NULL, 0, NULL);
  cardio_key_destroy(k);
}

static void check_trust(struct conf *c, const char *trust_dir)
{
  struct cardio_trust *trust = NULL;
  struct cardio_hc_result res;
  uint8_t cmd[22] = {0x00, 0x88, 0x00, 0x00, 0x10}, r[RESP_MAX];
  size_t rn = 0;
  char sum[512];
  if (cardio_trust_load(trust_dir, &trust) != CARDIO_OK) {
    report(c, 0, "7", "trust store loads", NULL, 0, NULL, 0, trust_dir);
    return;
  }
  cardio_random(cmd + 5, 16);
  if (xmit(c, cmd, sizeof cmd, r, &rn) != 0 || rn < 2)
    rn = 2;
  cardio_hc_verify_fci(trust, (int64_t)time(NULL), c->fci, c->fci_len, cmd + 5, 16, r, rn - 2,
                       &res);
  cardio_hc_result_summary(&res, sum, sizeof sum);
  report(c, cardio_hc_result_genuine(&res), "1", "a terminal with this trust store accepts it",
         NULL, 0, NULL, 0, sum);
  cardio_trust_destroy(trust);
}

/* 5.3: the photo, read in the chunks a terminal uses, against 8E. */
static void check_photo(struct conf *c)
{
  size_t size = c->have_rec ? c->rec.photo_len : 0, off = 0, rn = 0;
  uint8_t *photo, r[RESP_MAX], dig[32];
  char cmd[64];
  int ok = 1;
  if (!c->have_rec || size == 0) {
    report(c, -1, "5.3", "photo (no record, or 8F = 0000)", NULL, 0, NULL, 0, NULL);
    return;
  }
  rn = expect(c, "5.3", "SELECT EF.PHOTO (P2 0C)", "00A4020C02C002", 0x9000, 0, r);
  if (sw_of(r, rn) != 0x9000)
    return;
  photo = malloc(size);
  if (!photo)
    return;
  while (off < size && ok) {
    size_t want = size - off < 256 ? size - off : 256;
    uint8_t b[5] = {0x00, 0xB0, (uint8_t)(off >> 8), (uint8_t)off, (uint8_t)want};
    ok = xmit(c, b, 5, r, &rn) == 0 && sw_of(r, rn) == 0x9000 && rn - 2 == want;
    if (ok)
      memcpy(photo + off, r, want);
    else
      report(c, 0, "5.3", "READ BINARY, Le = bytes left (<= 256): data, 9000", b, 5, r, rn, NULL);
    off += want;
  }
  if (ok) {
    report(c, 1, "5.3", "READ BINARY of EF.PHOTO in 256-byte pieces", NULL, 0, NULL, 0, NULL);
    ok = cardio_digest(c->rec.id_suite, photo, size, dig) == CARDIO_OK &&
         memcmp(dig, c->rec.photo_digest, 32) == 0;
    report(c, ok, "4.2", "photo digest 8E = H(EF.PHOTO), tag-84 suite", NULL, 0, NULL, 0, NULL);
  }
  free(photo);
  snprintf(cmd, sizeof cmd, "00B0%04zX10", size - 1);
  if (c->proto == SCARD_PROTOCOL_T0) {
    /* T=0 cannot send fewer bytes than P3: 6C01, then the resend with Le 01. */
    expect(c, "9", "T=0: READ BINARY crossing the end: 6C01", cmd, 0x6C01, 0, NULL);
    snprintf(cmd, sizeof cmd, "00B0%04zX01", size - 1);
    expect(c, "9", "T=0: ... resent with Le 01: 1 byte, 9000", cmd, 0x9000, 1, NULL);
  } else {
    expect(c, "5.3", "READ BINARY crossing the end: the rest (1 byte), 9000", cmd, 0x9000, 1,
           NULL);
  }
  snprintf(cmd, sizeof cmd, "00B0%04zX01", size);
  expect(c, "5.3", "READ BINARY at the end: 6B00", cmd, 0x6B00, 0, NULL);
}

/* Commands every card refuses the same way, whatever its life cycle. */
static void check_common_refusals(struct conf *c)
{
  uint8_t r[RESP_MAX];
  size_t n, full;
  expect(c, "5.0", "CLA 80: 6E00", "80A4040006F1594848430100", 0x6E00, 0, NULL);
  expect(c, "5.0", "INS 10 (not in the spec): 6D00", "0010000000", 0x6D00, 0, NULL);
  expect(c, "5.1", "SELECT P1 08: 6A86", "00A4080002C00100", 0x6A86, 0, NULL);
  expect(c, "5.1", "SELECT P1 04, P2 04: 6A86", "00A4040406F1594848430100", 0x6A86, 0, NULL);
  expect(c, "5.1", "SELECT P2 0C: 9000, no data", "00A4040C06F15948484301", 0x9000, 0, NULL);
  expect(c, "5.1", "GET RESPONSE with nothing pending: 6985", "00C0000010", 0x6985, 0, NULL);
  expect(c, "5.1", "SELECT EF, Lc 1: 6700", "00A4020C01C0", 0x6700, 0, NULL);
  expect(c, "5.1", "SELECT EF 3F00 (not ours): 6A82", "00A4020C023F00", 0x6A82, 0, NULL);
  expect(c, "5.2", "INTERNAL AUTHENTICATE, Lc 7: 6700", "008800000701020304050607" "00", 0x6700,
         0, NULL);
  expect(c, "5.2", "INTERNAL AUTHENTICATE, P1 01: 6A86",
         "0088010010000102030405060708090A0B0C0D0E0F00", 0x6A86, 0, NULL);
  expect(c, "5.3", "READ BINARY without Le (SFI 01): 6700", "00B08100", 0x6700, 0, NULL);
  expect(c, "6.1", "GET CHALLENGE, Le 10: 16 bytes, 9000", "0084000010", 0x9000, 16, NULL);
  expect(c, "6.1", "GET CHALLENGE, Le 04: 6700", "0084000004", 0x6700, 0, NULL);
  /* SELECT without Le must answer as with Le 00 (the same first bytes, the same SW). */
  n = expect(c, "5.1", "SELECT P2 00 without Le: the FCI, as Le 00", "00A4040006F15948484301",
             (uint16_t)(c->fci_len > 256 ? 0x6100 | ((c->fci_len - 256) & 0xFF) : 0x9000),
             (long)(c->fci_len > 256 ? 256 : c->fci_len), r);
  full = c->fci_len > 256 ? 256 : c->fci_len;
  if (n >= full + 2)
    report(c, memcmp(r, c->fci, full) == 0, "5.1", "  ... the same bytes as with Le 00", NULL, 0,
           NULL, 0, NULL);
  if (c->fci_len > 256) {
    /* GET RESPONSE asking for more than is left gets the rest and 9000. */
    n = expect(c, "5.1", "GET RESPONSE, Le 00 > what is left: the rest, 9000", "00C0000000",
               0x9000, (long)(c->fci_len - 256), r);
  }
  /* Deselect the application: a SELECT of another AID answers 6A82 and leaves none. */
  expect(c, "5.1", "SELECT of another AID: 6A82", "00A4040006F1594848430200", 0x6A82, 0, NULL);
  expect(c, "5.2", "INTERNAL AUTHENTICATE without the application: 6986",
         "0088000010000102030405060708090A0B0C0D0E0F00", 0x6986, 0, NULL);
  expect(c, "5.3", "READ BINARY without the application: 6986", "00B0000010", 0x6986, 0, NULL);
  expect(c, "5.1", "SELECT EF without the application: 6A82", "00A4020C02C001", 0x6A82, 0, NULL);
  expect(c, "5.1", "SELECT by AID again, P2 0C", "00A4040C06F15948484301", 0x9000, 0, NULL);
}

static void check_operational(struct conf *c)
{
  /* Each refused write is harmless even if wrongly accepted: the byte written is the
   * one already there, the GENERATE template is malformed. */
  expect(c, "6.1", "EXTERNAL AUTHENTICATE on an operational card: 6985",
         "00820001100000000000000000000000000000000000", 0x6985, 0, NULL);
  expect(c, "6.1", "GENERATE (malformed) on an operational card: 6985", "0047800001FF00", 0x6985,
         0, NULL);
  expect(c, "5.1", "SELECT EF.REC", "00A4020C02C001", 0x9000, 0, NULL);
  expect(c, "6.1", "UPDATE BINARY (its own first byte) on an operational card: 6985",
         "00D6000001E0", 0x6985, 0, NULL);
  expect(c, "6.1", "ACTIVATE FILE again: 6985", "00440000", 0x6985, 0, NULL);
  expect(c, "5.3", "READ BINARY by SFI 01: EF.REC starts with E0", "00B0810001", 0x9000, 1, NULL);
}

static void check_blank(struct conf *c)
{
  expect(c, "5.2", "INTERNAL AUTHENTICATE before GENERATE: 6985",
         "0088000010000102030405060708090A0B0C0D0E0F00", 0x6985, 0, NULL);
  expect(c, "6.1", "GENERATE without authentication: 6982", "00478000" "05AC03800101" "00",
         0x6982, 0, NULL);
  expect(c, "5.1", "SELECT EF.REC (exists, empty, on blank stock)", "00A4020C02C001", 0x9000, 0,
         NULL);
  expect(c, "6.1", "UPDATE BINARY without authentication: 6982", "00D6000001E0", 0x6982, 0, NULL);
  expect(c, "6.1", "ACTIVATE FILE without authentication: 6982", "00440000", 0x6982, 0, NULL);
  expect(c, "6.1", "EXTERNAL AUTHENTICATE without a challenge: 6985",
         "00820001100000000000000000000000000000000000", 0x6985, 0, NULL);
  expect(c, "6.1", "GET CHALLENGE", "0084000010", 0x9000, 16, NULL);
  expect(c, "6.1", "a command in between (SELECT P2 0C) consumes the challenge",
         "00A4040C06F15948484301", 0x9000, 0, NULL);
  expect(c, "6.1", "EXTERNAL AUTHENTICATE after that: 6985 (no try spent)",
         "00820001100000000000000000000000000000000000", 0x6985, 0, NULL);
  expect(c, "6.1", "EXTERNAL AUTHENTICATE, P2 00: 6A86",
         "00820000100000000000000000000000000000000000", 0x6A86, 0, NULL);
}

static int reset_card(struct conf *c)
{
  return SCardReconnect(c->h, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                        SCARD_RESET_CARD, &c->proto) == SCARD_S_SUCCESS
             ? 0
             : -1;
}

/* GET CHALLENGE, then EXTERNAL AUTHENTICATE with the right MAC (good = 1) or a wrong
 * one. Returns the status word, 0 when broken. */
static uint16_t ext_auth(struct conf *c, const uint8_t key[16], int good, const char *what,
                         uint16_t want)
{
  uint8_t gc[5] = {0x00, 0x84, 0x00, 0x00, 0x10}, r[RESP_MAX], cmd[21] = {0x00, 0x82, 0x00, 0x01,
                                                                        0x10};
  size_t rn = 0;
  uint16_t w;
  if (xmit(c, gc, 5, r, &rn) != 0 || sw_of(r, rn) != 0x9000 || rn != 18) {
    report(c, 0, "6.1", "GET CHALLENGE", gc, 5, r, rn, NULL);
    return 0;
  }
  cardio_cmac_aes128(key, r, 16, cmd + 5);
  if (!good)
    cmd[5] ^= 0x01;
  if (xmit(c, cmd, sizeof cmd, r, &rn) != 0)
    return 0;
  w = sw_of(r, rn);
  report(c, w == want, "6.1", what, cmd, sizeof cmd, r, rn, NULL);
  if (good && w == 0x9000) {
    /* The same MAC again: the challenge was single-use. */
    uint8_t r2[16];
    size_t rn2 = 0;
    xmit(c, cmd, sizeof cmd, r2, &rn2);
    report(c, sw_of(r2, rn2) == 0x6985, "6.1", "the same MAC once more: 6985 (single-use)", cmd,
           sizeof cmd, r2, rn2, NULL);
  }
  return w;
}

static void check_transport(struct conf *c, const char *master_hex)
{
  uint8_t master[16], key[16];
  if (!c->have_serial || unhex(master_hex, master, sizeof master) != 16 ||
      cardio_hc_transport_key(master, c->serial, key) != CARDIO_OK) {
    report(c, 0, "6", "transport key from the master and C1", NULL, 0, NULL, 0,
           "no serial, or --transport-master is not 32 hex digits");
    return;
  }
  printf("NOTE  --transport-master: the next step spends one of the card's 5 transport-key "
         "tries on purpose (a wrong MAC); the success after it gives the try back\n");
  ext_auth(c, key, 0, "EXTERNAL AUTHENTICATE, wrong MAC: 63C4", 0x63C4);
  ext_auth(c, key, 1, "EXTERNAL AUTHENTICATE, right MAC: 9000", 0x9000);
  expect(c, "6.2", "SELECT of the application again keeps the authentication",
         "00A4040C06F15948484301", 0x9000, 0, NULL);
  expect(c, "6.2", "  ... GENERATE (malformed) gets past 6982 to 6A80", "0047800001FF00", 0x6A80,
         0, NULL);
  expect(c, "6.1", "GENERATE, P1 00: 6A86", "00470000" "05AC03800101" "00", 0x6A86, 0, NULL);
  ext_auth(c, key, 0, "wrong MAC after a success: 63C4 (the counter went back to 5)", 0x63C4);
  ext_auth(c, key, 1, "right MAC (the counter back to 5)", 0x9000);
  if (reset_card(c) != 0) {
    report(c, 0, "6.2", "warm reset (SCardReconnect, SCARD_RESET_CARD)", NULL, 0, NULL, 0, NULL);
    return;
  }
  expect(c, "6.2", "after a warm reset, SELECT", "00A4040C06F15948484301", 0x9000, 0, NULL);
  expect(c, "6.2", "  ... the card forgot the authentication: GENERATE 6982", "0047800001FF00",
         0x6982, 0, NULL);
  cardio_cleanse(key, sizeof key);
  cardio_cleanse(master, sizeof master);
}

/* --personalize, part 1: the write-side checks of 6.1 that need an authenticated blank
 * card. Only what personalisation overwrites is written: EF.PHOTO's first 17 bytes. */
static void check_writes(struct conf *c, const uint8_t key[16])
{
  uint8_t r[RESP_MAX];
  size_t rn;
  static const uint8_t gap[17] = {0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF};
  expect(c, "6.1", "SELECT by AID, P2 0C", "00A4040C06F15948484301", 0x9000, 0, NULL);
  ext_auth(c, key, 1, "EXTERNAL AUTHENTICATE, right MAC: 9000", 0x9000);
  expect(c, "6.1", "GENERATE, suite 03 (neither 01 nor 02): 6A80", "0047800005AC0380010300",
         0x6A80, 0, NULL);
  expect(c, "6.1", "SELECT EF.REC", "00A4020C02C001", 0x9000, 0, NULL);
  expect(c, "6.1", "UPDATE BINARY past EF.REC's maximum (511 + 2 > 512): 6A84", "00D601FF02E000",
         0x6A84, 0, NULL);
  expect(c, "6.1", "SELECT EF.PHOTO", "00A4020C02C002", 0x9000, 0, NULL);
  expect(c, "6.1", "UPDATE BINARY of EF.PHOTO, offset 0: 9000", "00D6000001FF", 0x9000, 0, NULL);
  expect(c, "6.1", "UPDATE BINARY at offset 16, past the end: 9000", "00D6001001FF", 0x9000, 0,
         NULL);
  rn = expect(c, "6.1", "READ BINARY of the 17 bytes: 9000", "00B0000011", 0x9000, 17, r);
  report(c, rn == 19 && memcmp(r, gap, 17) == 0, "6.1",
         "a write beyond the end: the gap reads 00 (FF, fifteen 00, FF)", NULL, 0, r, rn, NULL);
}

/* --personalize, part 2: cardio personalises the card with the test PKI, as the
 * station does (spec 6, steps 1-10), in a connection of its own. 0 when it worked. */
static int personalise(struct conf *c, const char *pki, const uint8_t master[16],
                       struct cardio_trust *trust)
{
  struct cardio_ctx *ctx = NULL;
  struct cardio_card *card = NULL;
  struct cardio_key *issuer = NULL;
  struct cardio_hc_result res;
  struct cardio_hc_perso p;
  uint8_t photo[1200];
  char path[1024], sum[512] = "";
  int64_t now = (int64_t)time(NULL);
  int rc, ok;
  for (size_t i = 0; i < sizeof photo; i++)
    photo[i] = (uint8_t)(i * 7 + 3);
  memset(&p, 0, sizeof p);
  memset(&res, 0, sizeof res);
  snprintf(path, sizeof path, "%s/private/issuer-p256.key.pem", pki);
  p.transport_master = master;
  p.card_suite = CARDIO_SUITE_P256;
  p.card_number = "YL20240000030106";
  p.holder_name = "张晓明";
  p.id_number = "450902198506121232";
  p.award = CARDIO_HC_AWARD_DONOR_STAR;
  p.award_level = 3;
  p.award_round = 2024;
  p.issue_date = cardio_date_from_time(now);
  p.not_after = cardio_date_add_days(p.issue_date, 5 * 365);
  p.photo = photo;
  p.photo_len = sizeof photo;
  printf("NOTE  --personalize: PERSONALISING the card now (GENERATE, UPDATE BINARY, ACTIVATE\n"
         "      FILE) with the test PKI %s: it becomes an operational TEST card for good\n",
         pki);
  fflush(stdout);
  rc = cardio_key_load_pem(path, &issuer);
  if (rc == CARDIO_OK)
    rc = cardio_ctx_create(&ctx);
  if (rc == CARDIO_OK)
    rc = cardio_connect(ctx, c->reader, &card);
  if (rc == CARDIO_OK) {
    p.issuer_key = issuer;
    rc = cardio_hc_personalize(card, &p, trust, now, &res);
    cardio_hc_result_summary(&res, sum, sizeof sum);
  }
  ok = rc == CARDIO_OK && cardio_hc_result_genuine(&res) && res.lifecycle == CARDIO_HC_LCS_ACTIVE;
  report(c, ok, "6", "personalised with the test PKI (steps 1-10), read back genuine", NULL, 0,
         NULL, 0, ok ? NULL : (rc != CARDIO_OK ? cardio_strerror(rc) : sum));
  cardio_card_destroy(card);
  cardio_ctx_destroy(ctx);
  cardio_key_destroy(issuer);
  /* The station ends with a reset (6.2); so does the tool, on its own connection. */
  if (reset_card(c) != 0) {
    report(c, 0, "6.2", "warm reset after the personalisation", NULL, 0, NULL, 0, NULL);
    return -1;
  }
  return ok ? 0 : -1;
}

/* The checks of an operational card (life cycle 05). */
static void run_operational(struct conf *c, const char *trust_dir)
{
  check_fci(c, 0);
  check_record(c);
  check_internal_auth(c);
  if (trust_dir)
    check_trust(c, trust_dir);
  check_photo(c);
  check_common_refusals(c);
  check_operational(c);
}

static const char usage[] =
    "usage: yhconform --reader NAME [--blank] [--trust DIR] [--transport-master HEX]\n"
    "       yhconform --reader NAME --blank --personalize --pki DIR\n"
    "       yhconform --list-readers\n"
    "\n"
    "Checks the honour card in reader NAME against docs/card-spec.md, one line per\n"
    "requirement (PASS/FAIL/SKIP, section, what, > sent < received), then a summary.\n"
    "Exit status 0 when every check passed, 1 when one failed, 2 on a usage or reader error.\n"
    "\n"
    "  (default)            an operational card (life cycle 05); nothing is written\n"
    "  --blank              blank stock (life cycle 03); nothing is written\n"
    "  --trust DIR          also verify the card as a terminal would, with this trust store\n"
    "  --transport-master H blank stock: check EXTERNAL AUTHENTICATE with the stock's master\n"
    "                       transport key (32 hex digits); SPENDS one try on purpose and\n"
    "                       gives it back with a success (named in the output first)\n"
    "  --personalize        blank stock: DESTRUCTIVE, named on a NOTE line before it runs:\n"
    "                       the write-side checks (6A80, 6A84, a zero-filled gap), then a\n"
    "                       whole personalisation with the test PKI --pki DIR (its issuer\n"
    "                       p256 key, transport key and trust store, e.g.\n"
    "                       docs/card-test-vectors/pki), then every check of an\n"
    "                       operational card on the card it made\n";

int main(int argc, char **argv)
{
  struct conf c;
  const char *trust = NULL, *master = NULL, *pki = NULL;
  int blank = 0, list = 0, perso = 0;
  char master_hex[33], trust_buf[1024];
  char *readers = NULL;
  DWORD rlen = SCARD_AUTOALLOCATE;
  uint8_t atr[64];
  DWORD atr_len = sizeof atr, state = 0, proto = 0;
  char name[256], atrhex[160];
  DWORD name_len = sizeof name;

  memset(&c, 0, sizeof c);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--reader") == 0 && i + 1 < argc)
      c.reader = argv[++i];
    else if (strcmp(argv[i], "--trust") == 0 && i + 1 < argc)
      trust = argv[++i];
    else if (strcmp(argv[i], "--transport-master") == 0 && i + 1 < argc)
      master = argv[++i];
    else if (strcmp(argv[i], "--pki") == 0 && i + 1 < argc)
      pki = argv[++i];
    else if (strcmp(argv[i], "--personalize") == 0)
      perso = 1;
    else if (strcmp(argv[i], "--blank") == 0)
      blank = 1;
    else if (strcmp(argv[i], "--list-readers") == 0)
      list = 1;
    else if (common_cli_is_help(argv[i])) {
      fputs(usage, stdout);
      return 0;
    } else if (common_cli_is_version(argv[i])) {
      return common_cli_version(stdout, "yhconform", YH_VERSION, YH_VERSION_GIT);
    } else if (argv[i][0] == '-' && i + 1 >= argc &&
               (strcmp(argv[i], "--reader") == 0 || strcmp(argv[i], "--trust") == 0 ||
                strcmp(argv[i], "--transport-master") == 0 || strcmp(argv[i], "--pki") == 0)) {
      return common_cli_usage("yhconform", "%s needs a value", argv[i]);
    } else {
      return common_cli_usage("yhconform", "unexpected argument '%s'", argv[i]);
    }
  }
  if (!c.reader && !list)
    return common_cli_usage("yhconform", "--reader NAME is required (--list-readers lists them)");
  if (master && !blank)
    return common_cli_usage("yhconform", "--transport-master is for blank stock: add --blank");
  if (perso && (!blank || !pki))
    return common_cli_usage("yhconform", "--personalize needs --blank and --pki DIR");
  if (pki && !perso)
    return common_cli_usage("yhconform", "--pki DIR goes with --personalize");
  if (perso) {
    uint8_t m[16];
    if (yhpki_read_transport_key(pki, m) != CARDIO_OK) {
      fprintf(stderr, "yhconform: no transport key in %s/private/transport.key\n", pki);
      return 2;
    }
    common_hex_encode(m, sizeof m, master_hex, sizeof master_hex);
    cardio_cleanse(m, sizeof m);
    if (!master)
      master = master_hex;
    if (!trust) {
      snprintf(trust_buf, sizeof trust_buf, "%s/trust", pki);
      trust = trust_buf;
    }
  }
  if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &c.ctx) != SCARD_S_SUCCESS) {
    fprintf(stderr, "yhconform: no PC/SC service (is pcscd running?)\n");
    return 2;
  }
  if (list) {
    if (SCardListReaders(c.ctx, NULL, (LPSTR)&readers, &rlen) == SCARD_S_SUCCESS) {
      for (char *p = readers; *p; p += strlen(p) + 1)
        printf("%s\n", p);
      SCardFreeMemory(c.ctx, readers);
    }
    SCardReleaseContext(c.ctx);
    return 0;
  }
  if (SCardConnect(c.ctx, c.reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                   &c.h, &c.proto) != SCARD_S_SUCCESS) {
    fprintf(stderr, "yhconform: no card in reader \"%s\"\n", c.reader);
    SCardReleaseContext(c.ctx);
    return 2;
  }
  SCardStatus(c.h, name, &name_len, &state, &proto, atr, &atr_len);
  common_hex_encode(atr, atr_len, atrhex, sizeof atrhex);
  printf("yhconform: card-spec version 1, reader \"%s\", protocol %s, ATR %s\n", c.reader,
         c.proto == SCARD_PROTOCOL_T0 ? "T=0" : "T=1", atrhex);
  if (perso)
    printf("mode: blank stock (life cycle 03), --personalize: DESTRUCTIVE, the card will be\n"
           "      personalised with the test PKI %s and activated for good\n", pki);
  else
    printf("mode: %s%s; nothing is written to a conforming card\n",
           blank ? "blank stock (life cycle 03)" : "operational card (life cycle 05)",
           master ? ", with the transport key" : "");
  report(&c, atr_len >= 2 && atr[0] == 0x3B, "3", "ATR: direct convention (TS 3B)", NULL, 0, atr,
         atr_len, NULL);
  report(&c, c.proto == SCARD_PROTOCOL_T1 || c.proto == SCARD_PROTOCOL_T0, "9",
         c.proto == SCARD_PROTOCOL_T0 ? "protocol negotiated: T=0 (gates and buses SHOULD use T=1)"
                                      : "protocol negotiated: T=1",
         NULL, 0, NULL, 0, NULL);
  if (c.proto != SCARD_PROTOCOL_T0)
    report(&c, -1, "9", "T=0 checks (61xx after case 4, 6Cxx): not T=0 here", NULL, 0, NULL, 0,
           NULL);
  printf("NOTE  timing lines measure through PC/SC, the reader's own latency included: a time\n"
         "      over section 9's figure is a WARN, never a FAIL\n");

  if (fetch_fci(&c) == 0) {
    if (!blank) {
      run_operational(&c, trust);
    } else {
      check_fci(&c, 1);
      check_common_refusals(&c);
      check_blank(&c);
      if (master)
        check_transport(&c, master);
      if (perso) {
        uint8_t m[16], key[16];
        struct cardio_trust *t = NULL;
        if (unhex(master, m, sizeof m) == 16 &&
            cardio_hc_transport_key(m, c.serial, key) == CARDIO_OK && c.have_serial &&
            cardio_trust_load(trust, &t) == CARDIO_OK) {
          check_writes(&c, key);
          if (reset_card(&c) == 0 && personalise(&c, pki, m, t) == 0 && fetch_fci(&c) == 0) {
            printf("NOTE  the card is now operational: the checks of an operational card "
                   "follow\n");
            run_operational(&c, trust);
          }
        } else {
          report(&c, 0, "6", "--personalize: the transport key and trust store of --pki", NULL,
                 0, NULL, 0, pki);
        }
        cardio_trust_destroy(t);
        cardio_cleanse(m, sizeof m);
        cardio_cleanse(key, sizeof key);
      }
    }
  }
  printf("summary: %u checks, %u PASS, %u FAIL, %u SKIP, %u WARN: %s\n",
         c.pass + c.fail + c.skip + c.warn, c.pass, c.fail, c.skip, c.warn,
         c.fail ? "the card does NOT conform" : "conforms");
  SCardDisconnect(c.h, SCARD_RESET_CARD);
  SCardReleaseContext(c.ctx);
  return c.fail ? 1 : 0;
}
