/* `kiosk readers`: the PC/SC readers this machine has now and what is in them, so that
 * an installer can copy the exact reader name into the configuration; and the "is the
 * configured reader there" check that `config check` shares. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cardio/cardio.h>
#include <cardio/honour.h>
#include <cardio/ssc.h>

#include "cmd.h"

static const char help_readers[] =
    "usage: kiosk readers [--config FILE]\n"
    "\n"
    "List the PC/SC readers (pcscd) and what is in each: the card's ATR and its kind when\n"
    "recognised (honour card, social security card, unknown). No card data is read or\n"
    "printed. Copy a reader's name as shown, without quotes, into [terminal] reader (or\n"
    "ssc_reader) of the configuration.\n"
    "\n"
    "  --config FILE  also say whether the configured reader(s) are connected\n"
    "\n"
    "Exit status: 0 listed (and, with --config, the configured readers are there);\n"
    "1 pcscd is not running, or a configured reader is missing; 2 usage.\n";

/* Values are taken as written: a name copied with its quotes is another name. */
static const char quote_hint[] = ": the name is in quotes; write it without them";

/* A card that never answers would hold SCardTransmit: the listing is not worth a hang. */
#define READERS_DEADLINE_S 20

static void on_alarm(int sig)
{
  static const char msg[] = "kiosk readers: a card did not answer; take it out and try again\n";
  (void)sig;
  ssize_t w = write(2, msg, sizeof msg - 1);
  (void)w;
  _exit(TERM_EXIT_CHECK);
}

/* SELECT by name, answered 9000: the application is there. p2 0x0C asks for no FCI (the
 * honour card's carries its record, longer than a short answer: nothing to read here). */
static int selects(struct cardio_card *card, const uint8_t *name, size_t len, uint8_t p2)
{
  uint8_t cmd[5 + 32], resp[258];
  if (len > 32)
    return 0;
  cmd[0] = 0x00;
  cmd[1] = 0xA4;
  cmd[2] = 0x04;
  cmd[3] = p2;
  cmd[4] = (uint8_t)len;
  memcpy(cmd + 5, name, len);
  size_t rlen = 0;
  uint16_t sw = 0;
  int rc = cardio_transmit_raw(card, cmd, 5 + len, resp, sizeof resp, &rlen, &sw);
  memset(resp, 0, sizeof resp); /* the FCI is the card's data: not kept, not shown */
  return rc == CARDIO_OK && sw == 0x9000;
}

/* The card in reader: its ATR (hex, spaced) and kind. 0, or -1 when none is there. */
static int card_in(struct cardio_ctx *ctx, const char *reader, char *atr, size_t atr_cap,
                   const char **kind)
{
  *kind = "";
  atr[0] = '\0';
  if (cardio_wait_card(ctx, reader, 0) != CARDIO_OK)
    return -1;
  struct cardio_card *card = NULL;
  int rc = cardio_connect(ctx, reader, &card);
  if (rc != CARDIO_OK) {
    *kind = rc == CARDIO_E_UNRESPONSIVE ? "mute (no answer to reset)" : cardio_errname(rc);
    return 0;
  }
  size_t n = 0;
  const uint8_t *a = cardio_card_atr(card, &n);
  /* "3B 86 ..": byte i at 3i, the space before it at 3i - 1 */
  for (size_t i = 0; i < n && 3 * i + 3 <= atr_cap; i++)
    snprintf(atr + (i ? 3 * i - 1 : 0), atr_cap - (i ? 3 * i - 1 : 0), "%s%02X", i ? " " : "",
             a[i]);
  if (selects(card, (const uint8_t *)CARDIO_HC_AID, CARDIO_HC_AID_LEN, 0x0C))
    *kind = "honour card";
  else if (selects(card, (const uint8_t *)CARDIO_SSC_DF_NAME, CARDIO_SSC_DF_NAME_LEN, 0x00))
    *kind = "social security card";
  else
    *kind = "unknown";
  cardio_card_destroy(card);
  return 0;
}

int term_reader_quoted(const char *name)
{
  size_t n = strlen(name);
  return n && (name[0] == '"' || name[0] == '\'' || name[n - 1] == '"' || name[n - 1] == '\'');
}

int term_readers_find(const char *name, char *present, size_t cap)
{
  present[0] = '\0';
  struct cardio_ctx *ctx = NULL;
  if (cardio_ctx_create(&ctx) != CARDIO_OK)
    return -1;
  char **names = NULL;
  size_t count = 0;
  int found = 0;
  if (cardio_list_readers(ctx, &names, &count) != CARDIO_OK) {
    cardio_ctx_destroy(ctx);
    return -1;
  }
  for (size_t i = 0; i < count; i++) {
    if (strcmp(names[i], name) == 0)
      found = 1;
    size_t len = strlen(present);
    snprintf(present + len, cap - len, "%s\"%s\"", len ? ", " : "", names[i]);
  }
  if (!count)
    snprintf(present, cap, "none");
  cardio_reader_list_free(names);
  cardio_ctx_destroy(ctx);
  return found;
}

int term_cmd_readers(struct term_args *a)
{
  const char *cfgpath = NULL, *v;
  for (; a->i < a->argc; a->i++) {
    if (term_arg_is_help(a)) {
      fputs(help_readers, stdout);
      return 0;
    } else if ((v = term_arg_value(a, "--config"))) {
      cfgpath = v;
    } else {
      term_usage_error(a);
    }
  }
  struct kiosk_config c;
  if (cfgpath)
    term_load_config(cfgpath, 0, &c);
  signal(SIGALRM, on_alarm);
  alarm(READERS_DEADLINE_S);

  struct cardio_ctx *ctx = NULL;
  int rc = cardio_ctx_create(&ctx);
  if (rc != CARDIO_OK) {
    fprintf(stderr, "kiosk readers: pcscd is not running (%s): start it with "
                    "`systemctl start pcscd.socket`, then plug the reader in\n",
            cardio_errname(rc));
    return TERM_EXIT_CHECK;
  }
  char **names = NULL;
  size_t count = 0;
  rc = cardio_list_readers(ctx, &names, &count);
  if (rc != CARDIO_OK) {
    fprintf(stderr, "kiosk readers: listing the readers: %s\n", cardio_errname(rc));
    cardio_ctx_destroy(ctx);
    return TERM_EXIT_CHECK;
  }
  if (!count)
    printf("no readers: is the reader plugged in? (lsusb; a CCID reader needs libccid)\n");
  else
    printf("%zu reader(s):\n", count);
  int cfg_found = 0, ssc_found = 0;
  for (size_t i = 0; i < count; i++) {
    char atr[3 * 33 + 1];
    const char *kind = "";
    int have = card_in(ctx, names[i], atr, sizeof atr, &kind);
    const char *role = "";
    if (cfgpath && strcmp(names[i], c.reader) == 0) {
      role = "  <- [terminal] reader";
      cfg_found = 1;
    } else if (cfgpath && c.ssc_reader[0] && strcmp(names[i], c.ssc_reader) == 0) {
      role = "  <- [terminal] ssc_reader";
      ssc_found = 1;
    }
    printf("  %s%s\n", names[i], role);
    if (have < 0)
      printf("      empty\n");
    else
      printf("      card: %s%s%s\n", kind, atr[0] ? ", ATR " : "", atr);
  }
  cardio_reader_list_free(names);
  cardio_ctx_destroy(ctx);
  alarm(0);
  int bad = 0;
  if (cfgpath) {
    if (!cfg_found) {
      printf("configured reader \"%s\" is not connected (%s)%s\n", c.reader, c.source,
             term_reader_quoted(c.reader) ? quote_hint : "");
      bad = 1;
    }
    if (c.ssc_reader[0] && !ssc_found && strcmp(c.ssc_reader, c.reader) != 0) {
      printf("configured ssc_reader \"%s\" is not connected (%s)%s\n", c.ssc_reader, c.source,
             term_reader_quoted(c.ssc_reader) ? quote_hint : "");
      bad = 1;
    }
  }
  return bad ? TERM_EXIT_CHECK : 0;
}
