/* `kiosk journal verify|export|status`: the audit journal, opened read-only. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "kiosk/terminal.h"

static const char help_journal[] =
    "usage: kiosk journal verify [--config FILE] [--journal DB]\n"
    "       kiosk journal export [--from N] [--to M] [--config FILE] [--journal DB]\n"
    "       kiosk journal status [--config FILE] [--journal DB]\n"
    "\n"
    "verify  check the hash chain (gapless seqs, each prev_hash, each hash, the head);\n"
    "        exit 1 and name the first broken seq when it does not hold.\n"
    "export  write events N..M (default: all) as JSON lines on stdout.\n"
    "status  last seq, acknowledged-through mark, events not yet sent.\n"
    "The journal is the configuration's unless --journal names one. Opened read-only.\n";

int term_cmd_journal(struct term_args *a)
{
  const char *sub = NULL, *cfgpath = NULL, *db = NULL;
  uint64_t from = 1, to = 0;
  for (; a->i < a->argc; a->i++) {
    const char *v;
    if (term_arg_is_help(a)) {
      fputs(help_journal, stdout);
      return 0;
    } else if ((v = term_arg_value(a, "--config"))) {
      cfgpath = v;
    } else if ((v = term_arg_value(a, "--journal"))) {
      db = v;
    } else if ((v = term_arg_value(a, "--from"))) {
      from = term_arg_u64(a, "--from", v);
    } else if ((v = term_arg_value(a, "--to"))) {
      to = term_arg_u64(a, "--to", v);
    } else if (!sub) {
      sub = term_arg(a);
    } else {
      term_usage_error(a);
    }
  }
  if (!sub)
    term_usage(a, "expected verify, export or status");
  if (strcmp(sub, "verify") && strcmp(sub, "export") && strcmp(sub, "status"))
    term_usage(a, "unknown subcommand '%s' (expected verify, export or status)", sub);
  /* An empty range is a mistyped command line, not an empty journal. */
  if (to && from > to)
    term_usage(a, "--from %" PRIu64 " is after --to %" PRIu64 " (expected FROM <= TO)", from,
               to);
  struct kiosk_config c;
  if (!db) {
    term_load_config(cfgpath, KIOSK_CONFIG_NO_FS_CHECK, &c);
    db = c.journal_path;
  }
  struct kiosk_journal *j;
  struct kiosk_diag d;
  char msg[600];
  if (kiosk_journal_open(db, KIOSK_JOURNAL_READONLY, &j, &d) != KIOSK_OK) {
    fprintf(stderr, "kiosk: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    return TERM_EXIT_RUNTIME;
  }
  int rc = 0;
  if (strcmp(sub, "verify") == 0) {
    struct kiosk_journal_check res;
    int err = kiosk_journal_verify(j, &res);
    if (err == KIOSK_OK) {
      printf("journal ok: %" PRIu64 " events, chain intact\n", res.checked);
    } else if (err == KIOSK_E_CHAIN) {
      printf("journal BROKEN at seq %" PRIu64 ": %s (%" PRIu64 " events verified before it)\n",
             res.bad_seq, res.problem, res.checked);
      rc = TERM_EXIT_CHECK;
    } else {
      fprintf(stderr, "kiosk: %s: %s\n", kiosk_strerror(err), kiosk_journal_errmsg(j));
      rc = TERM_EXIT_RUNTIME;
    }
  } else if (strcmp(sub, "export") == 0) {
    int err = kiosk_journal_export(j, from, to, stdout);
    if (err != KIOSK_OK) {
      fprintf(stderr, "kiosk: export: %s %s\n", kiosk_strerror(err), kiosk_journal_errmsg(j));
      rc = TERM_EXIT_RUNTIME;
    }
  } else {
    uint64_t last = 0, acked = 0, unsent = 0;
    if (kiosk_journal_last_seq(j, &last) || kiosk_journal_acked(j, &acked) ||
        kiosk_journal_count_unsent(j, &unsent)) {
      fprintf(stderr, "kiosk: %s\n", kiosk_journal_errmsg(j));
      rc = TERM_EXIT_RUNTIME;
    } else {
      printf("last seq %" PRIu64 ", acknowledged through %" PRIu64 ", unsent %" PRIu64 "\n",
             last, acked, unsent);
    }
  }
  kiosk_journal_close(j);
  return rc;
}
