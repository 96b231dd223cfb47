/*
 * yhvectors: the honour card test vectors (docs/card-test-vectors/README.md).
 *
 *   yhvectors make-pki DIR          a new throw-away PKI for the vectors (once; the
 *                                   committed one is docs/card-test-vectors/pki)
 *   yhvectors generate PKI OUT      write every transcript into OUT, from the simulator's
 *                                   honour profiles in test-vector mode, in-process
 *   yhvectors replay --reader NAME FILE...
 *                                   send each transcript's commands to the card in
 *                                   reader NAME and compare every answer byte for byte
 *                                   (a "! sig" answer: by verifying the signature)
 *
 * A transcript is text: "# " lines say what it shows; "reset" is a warm reset;
 * "> HEX" a command APDU, "< HEX" the answer expected (data and SW); "! sig SUITE POINT"
 * says that the next answer is r || s of INTERNAL AUTHENTICATE by that public key (65
 * bytes, hex) over "YH-HC-IA1" || the command's data, then SW, checked by verifying
 * (its bytes differ from card to card); "! sig-invalid SUITE POINT": the same, but the
 * signature must NOT verify with that key (a cloned card). Lines are at most
 * TV_LINE_MAX bytes; anything else is a format error (exit 2).
 *
 * Exit status: 0 all matched; 1 a mismatch; 2 usage, file or reader errors.
 */
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cardio/cardio.h"
#include "cardio/crypto.h"
#include "cardio/honour.h"
#include "cardsim.h"
#include "common/cli.h"
#include "common/hex.h"
#include "fci.h"
#include "pki.h"
#include "yh_version.h"

#define TV_RESP_MAX (65536 + 2)
#define TV_LINE_MAX (2 * 70000)
#define TV_FCI_MAX 4096
#define TV_PHOTO_MAX 65535
/* The PKI's "now" (2026-01-01 00:00 UTC) and the time the verdicts are judged at
 * (2026-06-01 00:00 UTC), so that nothing depends on the day the generator runs. */
#define TV_PKI_NOW 1767225600LL
#define TV_JUDGE_NOW 1780272000LL
#define TV_HOLDER_ID "450902198506121232"
#define TV_OTHER_ID "110101199003071233"

/* ------------------------------------------------------------ generate -- */

struct gen {
  const struct cardsim_profile *prof;
  void *card;
  FILE *out; /* NULL: run silently (to learn a card's bytes) */
  uint8_t resp[TV_RESP_MAX];
  size_t resp_len;
};

static void put_hex(FILE *f, const char *prefix, const uint8_t *p, size_t n)
{
  static const char d[] = "0123456789ABCDEF";
  fputs(prefix, f);
  for (size_t i = 0; i < n; i++) {
    fputc(d[p[i] >> 4], f);
    fputc(d[p[i] & 15], f);
  }
  fputc('\n', f);
}

static int gen_open(struct gen *g, const char *profile, const char *pki, FILE *out)
{
  memset(g, 0, sizeof *g);
  g->prof = cardsim_profile_find(profile);
  g->out = out;
  if (!g->prof || !g->prof->create)
    return -1;
  g->card = g->prof->create(pki);
  if (!g->card)
    return -1;
  if (g->prof->reset)
    g->prof->reset(g->card);
  return 0;
}

static void gen_close(struct gen *g)
{
  if (g->prof && g->card)
    g->prof->destroy(g->card);
  g->card = NULL;
}

static void gen_reset(struct gen *g)
{
  if (g->prof->reset)
    g->prof->reset(g->card);
  if (g->out)
    fputs("reset\n", g->out);
}

static uint16_t gen_tx(struct gen *g, const uint8_t *cmd, size_t n)
{
  g->resp_len = g->prof->process(g->card, cmd, n, g->resp, sizeof g->resp);
  if (g->resp_len < 2 || g->resp_len > sizeof g->resp)
    g->resp_len = 0;
  if (g->out) {
    put_hex(g->out, "> ", cmd, n);
    put_hex(g->out, "< ", g->resp, g->resp_len);
  }
  return g->resp_len >= 2 ? (uint16_t)(g->resp[g->resp_len - 2] << 8 | g->resp[g->resp_len - 1])
                          : 0;
}

static uint16_t gen_txh(struct gen *g, const char *hex)
{
  uint8_t cmd[300];
  size_t n = strlen(hex) / 2;
  if (n > sizeof cmd || common_hex_decode(hex, strlen(hex), cmd, n, 1) != 0)
    return 0;
  return gen_tx(g, cmd, n);
}

__attribute__((format(printf, 2, 3))) static void say(struct gen *g, const char *fmt, ...)
{
  va_list ap;
  if (!g->out)
    return;
  fputs("# ", g->out);
  va_start(ap, fmt);
  vfprintf(g->out, fmt, ap);
  va_end(ap);
  fputc('\n', g->out);
}

/* SELECT Le 00 and the GET RESPONSE chain; the FCI into fci. */
static uint16_t gen_select(struct gen *g, uint8_t *fci, size_t *fci_len)
{
  uint16_t w = gen_txh(g, "00A4040006F1594848430100");
  *fci_len = 0;
  for (;;) {
    size_t n = g->resp_len >= 2 ? g->resp_len - 2 : 0;
    if (*fci_len + n > TV_FCI_MAX)
      return 0;
    memcpy(fci + *fci_len, g->resp, n);
    *fci_len += n;
    if ((w >> 8) != 0x61)
      return w;
    uint8_t gr[5] = {0x00, 0xC0, 0x00, 0x00, (uint8_t)w};
    w = gen_tx(g, gr, 5);
  }
}

/* The terminal's challenge of a transcript: SHA-256("YH-HC-TV terminal " || name),
 * first 16 bytes (a documented nonce source in place of a random one). */
static void terminal_challenge(const char *name, uint8_t out[16])
{
  uint8_t md[32];
  char in[128];
  snprintf(in, sizeof in, "YH-HC-TV terminal %s", name);
  EVP_Digest(in, strlen(in), md, NULL, EVP_sha256(), NULL);
  memcpy(out, md, 16);
}

struct read_result {
  uint8_t fci[TV_FCI_MAX];
  size_t fci_len;
  struct cardio_hc_record rec;
  int have_rec;
  struct cardio_hc_result res;
};

/* What a terminal sends (docs/cardio-honour.md): SELECT and GET RESPONSE; when the
 * record decodes, INTERNAL AUTHENTICATE; when everything passed and the record names
 * a photo, SELECT EF.PHOTO and READ BINARY (extended Le, 4096 at a time). The verdict
 * is cardio's with the trust store, at TV_JUDGE_NOW. */
static int gen_read(struct gen *g, const char *name, const struct cardio_trust *trust,
                    int photo, struct read_result *r)
{
  struct conform_fci f;
  struct conform_tlv e1, sig;
  enum cardio_hc_reason why = CARDIO_HC_REASON_NONE;
  uint8_t chal[16], cmd[22] = {0x00, 0x88, 0x00, 0x00, 0x10}, card_sig[64];
  size_t card_sig_len = 0;
  char sum[512];
  uint16_t w;
  memset(r, 0, sizeof *r);
  w = gen_select(g, r->fci, &r->fci_len);
  conform_fci_walk(r->fci, r->fci_len, &f);
  r->have_rec = w == 0x9000 && f.e0 && conform_e0_split(f.e0, f.e0_len, &e1, &sig) == 0 &&
                cardio_hc_record_decode(e1.raw, e1.raw_len, &r->rec, &why) == CARDIO_OK;
  terminal_challenge(name, chal);
  if (r->have_rec) {
    memcpy(cmd + 5, chal, 16);
    cmd[21] = 0x00;
    FILE *out = g->out;
    uint8_t msg[9 + 16];
    struct cardio_key *k = NULL;
    int valid;
    g->out = NULL; /* the marker goes first, and it depends on the answer */
    w = gen_tx(g, cmd, sizeof cmd);
    g->out = out;
    if (w == 0x9000 && g->resp_len == 66) {
      memcpy(card_sig, g->resp, 64);
      card_sig_len = 64;
    }
    memcpy(msg, "YH-HC-IA1", 9);
    memcpy(msg + 9, chal, 16);
    valid = card_sig_len &&
            cardio_key_from_point(r->rec.card_suite, r->rec.card_point, CARDIO_POINT_LEN, &k) ==
                CARDIO_OK &&
            cardio_verify(k, msg, sizeof msg, card_sig, 64) == CARDIO_OK;
    cardio_key_destroy(k);
    if (out) {
      /* A clone's signature must NOT verify with the record's key. */
      fprintf(out, "! %s %s ", valid ? "sig" : "sig-invalid",
              r->rec.card_suite == CARDIO_SUITE_SM2 ? "sm2" : "p256");
      put_hex(out, "", r->rec.card_point, CARDIO_POINT_LEN);
      put_hex(out, "> ", cmd, sizeof cmd);
      put_hex(out, "< ", g->resp, g->resp_len);
    }
  } else if (w != 0x9000) {
    char sw[8];
    snprintf(sw, sizeof sw, "%04X", w);
    say(g, "SELECT answered %s: no honour application, a terminal stops here", sw);
  } else {
    say(g, "the record does not decode (%s): a terminal stops here, FORMAT failed",
        cardio_hc_reason_name(why));
  }
  if (!trust)
    return 0;
  cardio_hc_verify_fci(trust, TV_JUDGE_NOW, r->fci, r->fci_len, chal, 16, card_sig,
                       card_sig_len, &r->res);
  cardio_hc_result_summary(&r->res, sum, sizeof sum);
  say(g, "cardio's verdict (trust store pki/trust, at 2026-06-01): %s", sum);
  if (photo && cardio_hc_result_genuine(&r->res) && r->rec.photo_len > 0) {
    size_t off = 0, size = r->rec.photo_len;
    w = gen_txh(g, "00A4020C02C002");
    if (w != 0x9000) {
      say(g, "%s", "SELECT EF.PHOTO refused: a terminal shows no photo (PHOTO check fails)");
      return 0;
    }
    while (off < size) {
      size_t want = size - off < 4096 ? size - off : 4096;
      uint8_t rb[7] = {0x00, 0xB0, (uint8_t)(off >> 8), (uint8_t)off, 0x00,
                       (uint8_t)(want >> 8), (uint8_t)want};
      if (gen_tx(g, rb, 7) != 0x9000)
        return -1;
      off += want;
    }
  }
  return 0;
}

struct scenario {
  const char *file;
  const char *profile;
  const char *title;
  const char *shows; /* more header text, '\n' between lines */
  int kind;          /* 0 a read, 1 personalisation, 2 write-side status words,
                        3 a blocked transport key, 4 holder match, 5 wrong holder */
};

static const struct scenario scenarios[] = {
  {"verify-p256", "honour-star3", "verification of an operational card, P-256",
   "issuer p256, card key P-256, ID binding SHA-256; 3-star donor, YL20240000030106\n"
   "fast path (SELECT, GET RESPONSE, INTERNAL AUTHENTICATE), then the photo",
   0},
  {"verify-sm2", "honour-star4", "verification of an operational card, SM2",
   "issuer sm2, card key SM2 (signer ID 1234567812345678), ID binding SM3; 4-star donor",
   0},
  {"verify-mixed-suites", "honour-lifetime-achievement",
   "verification, SM2 issuer with a P-256 card key (spec 4.3: suites independent)", "", 0},
  {"holder-match", "honour-star3", "holder match: the ID number bound in the record",
   "PBKDF2-HMAC-SHA256(ID, salt of tag 85, iterations of tag 84) equals tag 86", 4},
  {"fail-wrong-holder", "honour-star3", "failure: another person's ID number",
   "a valid ID number whose PBKDF2 differs from tag 86: HOLDER mismatch", 5},
  {"fail-format-star2", "honour-star2", "failure: FORMAT (BAD_FIELD), a validly signed 2-star record",
   "award 01 02 carries no card (spec 4.2): no INTERNAL AUTHENTICATE is sent", 0},
  {"fail-format-truncated", "honour-truncated", "failure: FORMAT, the FCI cut short (9000)", "",
   0},
  {"fail-format-garbage", "honour-garbage", "failure: FORMAT, the SELECT answer is not an FCI",
   "", 0},
  {"fail-foreign", "honour-foreign", "failure: a card without the application (6A82)", "", 0},
  {"fail-signature-altered", "honour-altered",
   "failure: SIGNATURE, the award level changed 3 -> 5 after signing", "", 0},
  {"fail-signature-forged", "honour-forged",
   "failure: SIGNATURE, names the p256 issuer's key id, signed by pki/private/forger.key.pem",
   "", 0},
  {"fail-unknown-issuer", "honour-unknown-issuer",
   "failure: CHAIN, signed by a key in no trust store (pki/private/forger.key.pem)", "", 0},
  {"fail-cloned", "honour-cloned",
   "failure: the card signature, a genuine record on a chip with another key",
   "the chip signs with pki/private/card-p256-other.key.pem", 0},
  {"fail-expired", "honour-expired", "failure: EXPIRED, not-after 2025-02-28", "", 0},
  {"fail-not-yet-valid", "honour-not-yet-valid", "failure: NOT_YET_VALID, issued 2035-03-01",
   "", 0},
  {"fail-retired", "honour-retired", "failure: CHAIN (RETIRED), signed by the retired issuer",
   "pki/trust/retired.txt lists the key id of issuer-retired", 0},
  {"fail-no-photo", "honour-no-photo", "failure: PHOTO, the record names a photo, EF.PHOTO missing",
   "", 0},
  {"fail-revoked", "honour-star5", "failure: REVOKED, a genuine card on the revocation list",
   "the card is genuine (every check passes); a terminal whose revocation list holds\n"
   "YL20240000050379 generation 0 denies it (CARD_REVOKED): the list, not the card,\n"
   "decides, e.g. `echo YL20240000050379 > e; kiosk revoke make --sign KEY --entries e`",
   0},
  {"personalise-blank-p256", "honour-blank",
   "personalisation of blank stock with the transport key, P-256 (spec 6, steps 1-10)",
   "K_card = AES-CMAC(master of pki/private/transport.key, \"YHTK\" || serial of C1);\n"
   "the record and photo written are those of verify-p256, so the FCI after ACTIVATE\n"
   "is byte for byte the one of verify-p256",
   1},
  {"personalise-status-words", "honour-blank",
   "personalisation: the write-side status words (spec 6.1) and forgetting (6.2)",
   "malformed GENERATE 6A80, wrong P1 6A86, UPDATE BINARY past the maximum 6A84, a\n"
   "write beyond the end zero-fills the gap, a warm reset forgets the authentication",
   2},
  {"fail-blocked", "honour-blank", "failure: the transport key blocked",
   "five wrong MACs: 63C4 63C3 63C2 63C1 6983; then even the right MAC gets 6983", 3},
};

static int read_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
  FILE *f = fopen(path, "r");
  char line[80];
  if (!f)
    return -1;
  if (!fgets(line, sizeof line, f)) {
    fclose(f);
    return -1;
  }
  fclose(f);
  *len = strcspn(line, "\r\n") / 2;
  return *len <= cap && common_hex_decode(line, *len * 2, buf, *len, 1) == 0 ? 0 : -1;
}

/* EXTERNAL AUTHENTICATE after a GET CHALLENGE, the MAC right or wrong. */
static uint16_t gen_ext_auth(struct gen *g, const uint8_t key[16], int good)
{
  uint8_t cmd[21] = {0x00, 0x82, 0x00, 0x01, 0x10};
  if (gen_txh(g, "0084000010") != 0x9000 || g->resp_len != 18)
    return 0;
  cardio_cmac_aes128(key, g->resp, 16, cmd + 5);
  if (!good)
    cmd[5] ^= 0x01;
  return gen_tx(g, cmd, sizeof cmd);
}

/* UPDATE BINARY of the current EF in chunks of 255. */
static int gen_write(struct gen *g, const uint8_t *p, size_t n)
{
  uint8_t cmd[5 + 255];
  for (size_t off = 0; off < n; off += 255) {
    size_t k = n - off < 255 ? n - off : 255;
    cmd[0] = 0x00;
    cmd[1] = 0xD6;
    cmd[2] = (uint8_t)(off >> 8);
    cmd[3] = (uint8_t)off;
    cmd[4] = (uint8_t)k;
    memcpy(cmd + 5, p + off, k);
    if (gen_tx(g, cmd, 5 + k) != 0x9000)
      return -1;
  }
  return 0;
}

static int gen_personalise(struct gen *g, const char *pki, const struct cardio_trust *trust,
                           int kind)
{
  uint8_t master[16], key[16], fci[TV_FCI_MAX], *photo = NULL;
  size_t fci_len = 0, mlen = 0, photo_len = 0;
  char path[1024];
  struct conform_fci f;
  struct gen src;
  struct read_result *rr = NULL;
  int rc = -1;
  snprintf(path, sizeof path, "%s/private/transport.key", pki);
  if (read_file(path, master, sizeof master, &mlen) != 0 || mlen != 16)
    return -1;
  if (kind == 1) {
    /* The station's record and photo: those of the P-256 card of verify-p256. */
    rr = calloc(1, sizeof *rr);
    photo = malloc(TV_PHOTO_MAX);
    if (!rr || !photo || gen_open(&src, "honour-star3", pki, NULL) != 0)
      goto out;
    gen_read(&src, "verify-p256", NULL, 0, rr);
    gen_txh(&src, "00A4020C02C002");
    while (photo_len < rr->rec.photo_len) {
      size_t want = rr->rec.photo_len - photo_len < 4096 ? rr->rec.photo_len - photo_len : 4096;
      uint8_t rb[7] = {0x00, 0xB0, (uint8_t)(photo_len >> 8), (uint8_t)photo_len, 0x00,
                       (uint8_t)(want >> 8), (uint8_t)want};
      if (gen_tx(&src, rb, 7) != 0x9000)
        break;
      memcpy(photo + photo_len, src.resp, want);
      photo_len += want;
    }
    gen_close(&src);
    conform_fci_walk(rr->fci, rr->fci_len, &f);
    if (!f.e0 || photo_len != rr->rec.photo_len)
      goto out;
  }
  gen_select(g, fci, &fci_len);
  conform_fci_walk(fci, fci_len, &f);
  if (!f.have_serial || cardio_hc_transport_key(master, f.serial, key) != CARDIO_OK)
    goto out;
  if (kind == 3) {
    for (int i = 0; i < 5; i++)
      gen_ext_auth(g, key, 0);
    gen_ext_auth(g, key, 1);
    gen_txh(g, "0047800005AC0380010100");
    rc = 0;
    goto out;
  }
  gen_ext_auth(g, key, 1);
  if (kind == 2) {
    gen_txh(g, "0047800001FF00");             /* not the template: 6A80 */
    gen_txh(g, "0047800005AC0380010300");     /* suite 03: 6A80 */
    gen_txh(g, "0047000005AC0380010100");     /* P1 00: 6A86 */
    gen_txh(g, "00A4020C02C001");             /* EF.REC */
    gen_txh(g, "00D601FF02E000");             /* 511 + 2 > 512: 6A84 */
    gen_txh(g, "00D6000001E0");               /* offset 0 */
    gen_txh(g, "00D6001001E1");               /* offset 16: 1..15 read as 00 */
    gen_txh(g, "00B0000011");                 /* E0, fifteen 00, E1 */
    gen_txh(g, "00B0001101");                 /* at the end: 6B00 */
    gen_txh(g, "00440000");                   /* no key yet: 6985 */
    gen_reset(g);
    gen_txh(g, "00A4040C06F15948484301");
    gen_txh(g, "00A4020C02C001");
    gen_txh(g, "00D6000001E0");               /* forgotten: 6982 */
    rc = 0;
    goto out;
  }
  gen_txh(g, "0047800005AC0380010100");
  gen_txh(g, "00A4020C02C001");
  {
    struct conform_fci star3;
    conform_fci_walk(rr->fci, rr->fci_len, &star3);
    if (gen_write(g, star3.e0, star3.e0_len) != 0)
      goto out;
  }
  gen_txh(g, "00A4020C02C002");
  if (gen_write(g, photo, photo_len) != 0)
    goto out;
  say(g, "%s", "read back before ACTIVATE (life cycle 03, C1 and E0 in the FCI)");
  {
    struct read_result *back = calloc(1, sizeof *back);
    if (!back)
      goto out;
    gen_read(g, "personalise-blank-p256", NULL, 0, back);
    free(back);
  }
  gen_txh(g, "00440000");
  say(g, "%s", "ACTIVATE done: the station ends with SCARD_RESET_CARD (6.2)");
  gen_reset(g);
  {
    struct read_result *after = calloc(1, sizeof *after);
    if (!after)
      goto out;
    gen_read(g, "verify-p256", trust, 1, after);
    if (after->fci_len != rr->fci_len || memcmp(after->fci, rr->fci, rr->fci_len) != 0)
      say(g, "%s", "INTERNAL: the FCI differs from verify-p256's");
    free(after);
  }
  gen_txh(g, "0084000010");
  {
    uint8_t cmd[21] = {0x00, 0x82, 0x00, 0x01, 0x10};
    cardio_cmac_aes128(key, g->resp, 16, cmd + 5);
    gen_tx(g, cmd, sizeof cmd); /* 6985: the transport key is gone */
  }
  rc = 0;
out:
  cardio_cleanse(master, sizeof master);
  cardio_cleanse(key, sizeof key);
  free(rr);
  free(photo);
  return rc;
}

static int generate(const char *pki, const char *outdir)
{
  struct cardio_trust *trust = NULL;
  char path[1024];
  int rc = 0;
  snprintf(path, sizeof path, "%s/trust", pki);
  if (cardio_trust_load(path, &trust) != CARDIO_OK) {
    fprintf(stderr, "yhvectors: cannot load the trust store %s\n", path);
    return 2;
  }
  mkdir(outdir, 0755);
  for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
    const struct scenario *s = &scenarios[i];
    struct gen g;
    struct read_result *r = calloc(1, sizeof *r);
    FILE *out;
    const char *p;
    snprintf(path, sizeof path, "%s/%s.txt", outdir, s->file);
    out = fopen(path, "w");
    if (!out || !r || gen_open(&g, s->profile, pki, out) != 0) {
      fprintf(stderr, "yhvectors: %s: cannot start\n", s->file);
      if (out)
        fclose(out);
      free(r);
      rc = 2;
      continue;
    }
    fprintf(out, "# yh-hc-transcript 1: %s\n# %s\n", s->file, s->title);
    for (p = s->shows; *p;) {
      size_t n = strcspn(p, "\n");
      fprintf(out, "# %.*s\n", (int)n, p);
      p += n + (p[n] == '\n');
    }
    fprintf(out, "# profile: %s (tools/cardsim, test-vector mode, pki/)\n", s->profile);
    fputs("# format: docs/card-test-vectors/README.md; > command, < answer, ! sig: verify\n",
          out);
    gen_reset(&g);
    if (s->kind == 0 || s->kind == 4 || s->kind == 5) {
      if (gen_read(&g, s->file, trust, s->kind == 0, r) != 0)
        rc = 2;
      if (s->kind >= 4 && r->have_rec) {
        const char *id = s->kind == 4 ? TV_HOLDER_ID : TV_OTHER_ID;
        enum cardio_hc_match m = cardio_hc_holder_match(&r->rec, id);
        fprintf(out, "# holder check with ID number %s: %s\n", id, cardio_hc_match_name(m));
      }
    } else if (gen_personalise(&g, pki, trust, s->kind) != 0) {
      fprintf(stderr, "yhvectors: %s: personalisation failed\n", s->file);
      rc = 2;
    }
    gen_close(&g);
    free(r);
    if (fclose(out) != 0)
      rc = 2;
  }
  cardio_trust_destroy(trust);
  return rc;
}

/* ------------------------------------------------------------ make-pki -- */

static int write_key(const char *dir, const char *name, const char *alg)
{
  char path[1024];
  EVP_PKEY *k = strcmp(alg, "SM2") == 0 ? EVP_PKEY_Q_keygen(NULL, NULL, "SM2")
                                        : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  FILE *f;
  int ok;
  snprintf(path, sizeof path, "%s/private/%s.key.pem", dir, name);
  f = fopen(path, "wx");
  ok = k && f && PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1;
  if (f)
    ok = fclose(f) == 0 && ok;
  EVP_PKEY_free(k);
  return ok ? 0 : -1;
}

static int make_pki(const char *dir)
{
  static const char *const tls[] = {"ca.pem", "server-centre.key.pem", "server-centre.pem",
                                    "terminal-T-TEST-01.key.pem", "terminal-T-TEST-01.pem"};
  char path[1024];
  FILE *f;
  if (yhpki_test_pki(dir, TV_PKI_NOW) != CARDIO_OK || write_key(dir, "card-p256", "EC") != 0 ||
      write_key(dir, "card-sm2", "SM2") != 0 || write_key(dir, "card-p256-other", "EC") != 0 ||
      write_key(dir, "forger", "EC") != 0) {
    fprintf(stderr, "yhvectors: cannot make the PKI in %s\n", dir);
    return 2;
  }
  /* yhpki's test PKI has TLS keys too; the vectors need none. */
  for (size_t i = 0; i < sizeof tls / sizeof tls[0]; i++) {
    snprintf(path, sizeof path, "%s/tls/%s", dir, tls[i]);
    remove(path);
  }
  snprintf(path, sizeof path, "%s/tls", dir);
  remove(path);
  snprintf(path, sizeof path, "%s/VECTORS", dir);
  f = fopen(path, "w");
  if (!f || fputs("Throw-away PKI of the honour card test vectors: published, never for real "
                  "cards.\nThis file puts the simulator's honour profiles in test-vector "
                  "mode.\n",
                  f) < 0 || fclose(f) != 0)
    return 2;
  return 0;
}

/* -------------------------------------------------------------- replay -- */

static int unhex_line(const char *s, uint8_t *out, size_t cap, size_t *n)
{
  size_t len = strlen(s);
  if (len % 2 || len / 2 > cap || len == 0)
    return -1;
  *n = len / 2;
  return common_hex_decode(s, len, out, *n, 1) == 0 ? 0 : -1;
}

struct replay {
  SCARDCONTEXT ctx;
  SCARDHANDLE h;
  DWORD proto;
};

static int replay_file(struct replay *rp, const char *path)
{
  FILE *f = fopen(path, "r");
  char *line = malloc(TV_LINE_MAX + 2);
  uint8_t *cmd = malloc(TV_RESP_MAX), *want = malloc(TV_RESP_MAX), *got = malloc(TV_RESP_MAX);
  size_t cmd_len = 0, want_len = 0;
  DWORD got_len = 0;
  unsigned lineno = 0, sent = 0, mism = 0;
  int have_cmd = 0, sig = 0, sig_want = 1, sig_suite = 0, rc = 0;
  uint8_t point[CARDIO_POINT_LEN];
  if (!f || !line || !cmd || !want || !got) {
    fprintf(stderr, "yhvectors: cannot read %s\n", path);
    rc = 2;
    goto out;
  }
  while (fgets(line, TV_LINE_MAX + 2, f)) {
    size_t n = strcspn(line, "\r\n");
    lineno++;
    if (line[n] == '\0' && !feof(f)) {
      fprintf(stderr, "%s:%u: line too long\n", path, lineno);
      rc = 2;
      goto out;
    }
    line[n] = '\0';
    if (n == 0 || line[0] == '#')
      continue;
    if (strcmp(line, "reset") == 0) {
      if (SCardReconnect(rp->h, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                         SCARD_RESET_CARD, &rp->proto) != SCARD_S_SUCCESS) {
        fprintf(stderr, "%s:%u: warm reset failed\n", path, lineno);
        rc = 2;
        goto out;
      }
    } else if (strncmp(line, "! sig ", 6) == 0 || strncmp(line, "! sig-invalid ", 14) == 0) {
      size_t pn = 0;
      const char *s = line + (line[5] == ' ' ? 6 : 14);
      sig_want = line[5] == ' ';
      sig_suite = strncmp(s, "p256 ", 5) == 0 ? CARDIO_SUITE_P256
                  : strncmp(s, "sm2 ", 4) == 0 ? CARDIO_SUITE_SM2
                                               : 0;
      s += sig_suite == CARDIO_SUITE_P256 ? 5 : 4;
      if (!sig_suite || unhex_line(s, point, sizeof point, &pn) != 0 || pn != sizeof point) {
        fprintf(stderr, "%s:%u: bad ! sig line\n", path, lineno);
        rc = 2;
        goto out;
      }
      sig = 1;
    } else if (line[0] == '>' && line[1] == ' ') {
      const SCARD_IO_REQUEST *pci = rp->proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
      if (unhex_line(line + 2, cmd, TV_RESP_MAX, &cmd_len) != 0 || cmd_len < 4) {
        fprintf(stderr, "%s:%u: bad command\n", path, lineno);
        rc = 2;
        goto out;
      }
      got_len = TV_RESP_MAX;
      if (SCardTransmit(rp->h, pci, cmd, (DWORD)cmd_len, NULL, got, &got_len) !=
          SCARD_S_SUCCESS)
        got_len = 0;
      have_cmd = 1;
      sent++;
    } else if (line[0] == '<' && line[1] == ' ' && have_cmd) {
      int ok;
      if (unhex_line(line + 2, want, TV_RESP_MAX, &want_len) != 0 || want_len < 2) {
        fprintf(stderr, "%s:%u: bad answer\n", path, lineno);
        rc = 2;
        goto out;
      }
      if (sig) {
        /* r || s differs from card to card: verify it, compare the SW. */
        uint8_t msg[9 + 32];
        struct cardio_key *k = NULL;
        size_t dl = cmd_len >= 6 ? cmd[4] : 0;
        ok = got_len == 66 && want_len == 66 && memcmp(got + 64, want + 64, 2) == 0 &&
             dl >= 8 && dl <= 32 && 5 + dl <= cmd_len;
        if (ok) {
          memcpy(msg, "YH-HC-IA1", 9);
          memcpy(msg + 9, cmd + 5, dl);
          ok = cardio_key_from_point(sig_suite, point, sizeof point, &k) == CARDIO_OK &&
               (cardio_verify(k, msg, 9 + dl, got, 64) == CARDIO_OK) == sig_want;
        }
        cardio_key_destroy(k);
        sig = 0;
      } else {
        ok = got_len == want_len && memcmp(got, want, want_len) == 0;
      }
      if (!ok) {
        char a[80], b[80];
        common_hex_encode(want, want_len < 30 ? want_len : 30, a, sizeof a);
        common_hex_encode(got, got_len < 30 ? got_len : 30, b, sizeof b);
        printf("MISMATCH %s:%u: want %zu bytes %s%s, got %lu bytes %s%s\n", path, lineno,
               want_len, a, want_len > 30 ? ".." : "", (unsigned long)got_len, b,
               got_len > 30 ? ".." : "");
        mism++;
      }
      have_cmd = 0;
    } else {
      fprintf(stderr, "%s:%u: not a transcript line\n", path, lineno);
      rc = 2;
      goto out;
    }
  }
  printf("%s: %u commands, %u mismatches\n", path, sent, mism);
  rc = mism ? 1 : 0;
out:
  if (f)
    fclose(f);
  free(line);
  free(cmd);
  free(want);
  free(got);
  return rc;
}

static int replay(const char *reader, char **files, int n)
{
  struct replay rp;
  int rc = 0;
  memset(&rp, 0, sizeof rp);
  if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &rp.ctx) != SCARD_S_SUCCESS) {
    fprintf(stderr, "yhvectors: no PC/SC service\n");
    return 2;
  }
  for (int i = 0; i < n && rc != 2; i++) {
    int r;
    if (SCardConnect(rp.ctx, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                     &rp.h, &rp.proto) != SCARD_S_SUCCESS) {
      fprintf(stderr, "yhvectors: no card in reader \"%s\"\n", reader);
      rc = 2;
      break;
    }
    r = replay_file(&rp, files[i]);
    SCardDisconnect(rp.h, SCARD_RESET_CARD);
    if (r > rc)
      rc = r;
  }
  SCardReleaseContext(rp.ctx);
  return rc;
}

static const char usage[] =
    "usage: yhvectors make-pki DIR\n"
    "       yhvectors generate PKI_DIR OUT_DIR\n"
    "       yhvectors replay --reader NAME TRANSCRIPT...\n"
    "       yhvectors --help | -h | --version\n"
    "The honour card test vectors (docs/card-test-vectors/README.md). Exit status 0, 1\n"
    "when a replayed answer differs, 2 on usage, file or reader errors.\n";

int main(int argc, char **argv)
{
  /* The convention (docs/cli.md): --help or --version anywhere wins over the rest. */
  for (int i = 1; i < argc; i++) {
    if (common_cli_is_help(argv[i])) {
      fputs(usage, stdout);
      return COMMON_CLI_EXIT_OK;
    }
    if (common_cli_is_version(argv[i]))
      return common_cli_version(stdout, "yhvectors", YH_VERSION, YH_VERSION_GIT);
  }
  if (argc < 2)
    return common_cli_usage("yhvectors", "a command is expected (make-pki, generate or replay)");
  if (strcmp(argv[1], "make-pki") == 0) {
    if (argc != 3)
      return common_cli_usage("yhvectors", "make-pki: expected one DIR");
    return make_pki(argv[2]);
  }
  if (strcmp(argv[1], "generate") == 0) {
    if (argc != 4)
      return common_cli_usage("yhvectors", "generate: expected PKI_DIR OUT_DIR");
    return generate(argv[2], argv[3]);
  }
  if (strcmp(argv[1], "replay") == 0) {
    if (argc < 3 || strcmp(argv[2], "--reader") != 0)
      return common_cli_usage("yhvectors", "replay: expected --reader NAME");
    if (argc < 4)
      return common_cli_usage("yhvectors", "replay: --reader needs a value");
    if (argc < 5)
      return common_cli_usage("yhvectors", "replay: expected at least one TRANSCRIPT");
    return replay(argv[3], argv + 4, argc - 4);
  }
  if (argv[1][0] == '-')
    return common_cli_usage("yhvectors", "unexpected argument '%s'", argv[1]);
  return common_cli_usage("yhvectors", "unknown command '%s' (make-pki, generate or replay)",
                          argv[1]);
}
