/* `kiosk revoke show|lookup`: the signed revocation list the terminal holds. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "kiosk/terminal.h"

static const char help_revoke[] =
    "usage: kiosk revoke show [--list] [--config FILE] [--file LIST] [--key PEM]\n"
    "       kiosk revoke lookup CARD_NO [GENERATION] [--config FILE] [--file LIST] [--key PEM]\n"
    "\n"
    "show    load and verify the revocation list (signature checked with the centre's\n"
    "        key, trust store file " KIOSK_TRUST_REVOCATION_KEY "); print version,\n"
    "        issue time, age and entry count (--list: every entry).\n"
    "lookup  is this card (generation, default 0) revoked? exit 1 when it is.\n";

int term_cmd_revoke(struct term_args *a)
{
  const char *sub = NULL, *cfgpath = NULL, *file = NULL, *keypath = NULL, *card = NULL;
  const char *gen = NULL;
  int list = 0;
  for (; a->i < a->argc; a->i++) {
    const char *v;
    if (term_arg_is_help(a)) {
      fputs(help_revoke, stdout);
      return 0;
    } else if ((v = term_arg_value(a, "--config"))) {
      cfgpath = v;
    } else if ((v = term_arg_value(a, "--file"))) {
      file = v;
    } else if ((v = term_arg_value(a, "--key"))) {
      keypath = v;
    } else if (term_arg_flag(a, "--list")) {
      list = 1;
    } else if (!sub) {
      sub = term_arg(a);
    } else if (!card && strcmp(sub, "lookup") == 0) {
      card = term_arg(a);
    } else if (!gen && card) {
      gen = term_arg(a);
    } else {
      term_usage_error(a);
    }
  }
  if (!sub || (strcmp(sub, "show") && strcmp(sub, "lookup")) ||
      (strcmp(sub, "lookup") == 0 && !card)) {
    fputs(help_revoke, stderr);
    return TERM_EXIT_USAGE;
  }
  struct kiosk_config c;
  term_load_config(cfgpath, KIOSK_CONFIG_NO_FS_CHECK, &c);
  struct kiosk_diag d;
  char msg[600];
  struct proto_key *key = NULL;
  int err = keypath ? kiosk_revkey_load_public(keypath, &key, &d)
                    : kiosk_revkey_load_trust(c.trust_dir, &key, &d);
  if (err != KIOSK_OK) {
    fprintf(stderr, "kiosk: revocation key: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    return TERM_EXIT_RUNTIME;
  }
  struct kiosk_revlist *rl = NULL;
  int rc = 0;
  kiosk_revlist_create(&rl);
  err = kiosk_revlist_load(rl, file ? file : c.revocation_path, key, &d);
  if (err != KIOSK_OK && !(err == KIOSK_E_NOT_FOUND && strcmp(sub, "lookup") == 0)) {
    fprintf(stderr, "kiosk: revocation list: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    rc = TERM_EXIT_RUNTIME;
    goto out;
  }
  int64_t now = (int64_t)time(NULL);
  if (strcmp(sub, "show") == 0) {
    int64_t issued = kiosk_revlist_issued_at(rl);
    printf("revocation list version %" PRIu64 ", issued at %" PRId64 " (%" PRId64
           " h ago; max age %u h), %zu entries, %.1f MB in memory\n",
           kiosk_revlist_version(rl), issued, (now - issued) / 3600,
           c.policy.revlist_max_age_s / 3600, kiosk_revlist_count(rl),
           (double)kiosk_revlist_memory(rl) / 1048576.0);
    for (size_t i = 0; list && i < kiosk_revlist_count(rl); i++) {
      struct proto_rev_entry e;
      kiosk_revlist_entry(rl, i, &e);
      printf("%s %s %" PRIu32 "\n", e.card_no, e.kind == KIOSK_REV_BELOW ? "below" : "exact",
             e.generation);
    }
  } else {
    uint32_t g = gen ? (uint32_t)term_arg_u64(a, "generation", gen) : 0;
    struct kiosk_rev_lookup r;
    kiosk_revlist_lookup(rl, card, g, &r);
    const char *s = r.status == KIOSK_REV_REVOKED     ? "revoked"
                    : r.status == KIOSK_REV_NOT_LISTED ? "not listed"
                                                       : "no list loaded";
    printf("%s generation %" PRIu32 ": %s (list version %" PRIu64 ")\n", card, g, s, r.version);
    rc = r.status == KIOSK_REV_REVOKED ? TERM_EXIT_CHECK : 0;
  }
out:
  kiosk_revlist_destroy(rl);
  kiosk_revkey_destroy(key);
  return rc;
}
