/* The card commands (placeholder until the card flow lands). */
#include <stdio.h>

#include "station_cli_int.h"
#include "station_int.h"

static int cli_not_yet(struct cli *c)
{
  fprintf(stderr, "%s %s: not available yet\n", c->prog, c->cmd);
  return 1;
}

int cli_cmd_apply(struct cli *c, int argc, char **argv) { (void)argc; (void)argv; return cli_not_yet(c); }
int cli_cmd_issue(struct cli *c, int argc, char **argv) { (void)argc; (void)argv; return cli_not_yet(c); }
int cli_cmd_reissue(struct cli *c, int argc, char **argv) { (void)argc; (void)argv; return cli_not_yet(c); }
int cli_cmd_revoke(struct cli *c, int argc, char **argv) { (void)argc; (void)argv; return cli_not_yet(c); }
int cli_cmd_collect(struct cli *c, int argc, char **argv) { (void)argc; (void)argv; return cli_not_yet(c); }
int cli_cmd_ready_list(struct cli *c, int argc, char **argv) { (void)argc; (void)argv; return cli_not_yet(c); }
int cli_cmd_outbox(struct cli *c, int argc, char **argv) { (void)argc; (void)argv; return cli_not_yet(c); }

int station_card_person(struct station_db *db, const char *card, int64_t *person)
{
  (void)db; (void)card; (void)person;
  return STATION_E_NOT_FOUND;
}
