/* `kiosk revoke show|lookup`: the signed revocation list the terminal holds;
 * `kiosk revoke make`: an operator's list made and signed offline, without the centre. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "kiosk/terminal.h"
#include "proto/key.h"
#include "proto/revlist.h"
#include "revoke_entries.h"

static const char help_revoke[] =
    "usage: kiosk revoke show [--list] [--config FILE] [--file LIST] [--key PEM]\n"
    "       kiosk revoke lookup CARD_NO [GENERATION] [--config FILE] [--file LIST] [--key PEM]\n"
    "\n"
    "show    load and verify the revocation list (signature checked with the centre's\n"
    "        key, trust store file " KIOSK_TRUST_REVOCATION_KEY "); print version,\n"
    "        issue time, age and entry count (--list: every entry).\n"
    "lookup  is this card (generation, default 0) revoked? exit 1 when it is.\n"
    "\n"
    "usage: kiosk revoke make --sign PRIVATE_PEM --out FILE [--entries FILE] [--version N]\n"
    "\n"
    "make    write a signed snapshot list without the centre (an installer's first list,\n"
    "        a terminal set up before it can reach the centre). --sign: the P-256 key\n"
    "        whose public half is the terminal's " KIOSK_TRUST_REVOCATION_KEY ";\n"
    "        --entries: one card a line, `CARD_NO [GENERATION]` (that generation, default\n"
    "        0) or `CARD_NO below N` (every generation < N), # comments; none: an empty\n"
    "        list. --version (default 1) must be above the terminal's current list.\n"
    "        FILE is a bundle the terminal loads as it is (paths.revocation).\n";

#define MAKE_MAX_ENTRIES 100000u

static int revoke_make(struct term_args *a)
{
  const char *sign = NULL, *out = NULL, *entries = NULL, *ver = NULL;
  struct proto_rev_entry *list = NULL;
  struct proto_key *key = NULL;
  uint8_t *blob = NULL;
  size_t n = 0, blob_len = 0;
  char why[256];
  int rc = TERM_EXIT_RUNTIME;
  FILE *f;
  for (a->i++; a->i < a->argc; a->i++) {
    const char *v;
    if (term_arg_is_help(a)) {
      fputs(help_revoke, stdout);
      return 0;
    } else if ((v = term_arg_value(a, "--sign"))) {
      sign = v;
    } else if ((v = term_arg_value(a, "--out"))) {
      out = v;
    } else if ((v = term_arg_value(a, "--entries"))) {
      entries = v;
    } else if ((v = term_arg_value(a, "--version"))) {
      ver = v;
    } else {
      term_usage_error(a);
    }
  }
  if (!sign || !out)
    term_usage(a, "revoke make needs --sign KEY.pem and --out FILE");
  uint64_t version = ver ? term_arg_u64(a, "version", ver) : 1;
  if (version < 1) {
    fprintf(stderr, "kiosk: revoke make: --version must be at least 1\n");
    return TERM_EXIT_USAGE;
  }
  list = calloc(MAKE_MAX_ENTRIES, sizeof *list);
  if (!list)
    return TERM_EXIT_RUNTIME;
  if (entries) {
    unsigned lineno = 0;
    enum term_revoke_entries_rc erc;
    f = fopen(entries, "r");
    if (!f) {
      fprintf(stderr, "kiosk: revoke make: cannot read %s\n", entries);
      goto out_free;
    }
    erc = term_revoke_entries_read(f, list, MAKE_MAX_ENTRIES, &n, &lineno);
    fclose(f);
    /* The line is not quoted back: it may hold a mistyped ID number. */
    if (erc == TERM_REVOKE_ENTRIES_TOO_LONG) {
      fprintf(stderr, "kiosk: revoke make: %s line %u: too long\n", entries, lineno);
      rc = TERM_EXIT_USAGE;
      goto out_free;
    } else if (erc != TERM_REVOKE_ENTRIES_OK) {
      fprintf(stderr,
              "kiosk: revoke make: %s line %u: want `CARD_NO [GENERATION]` or `CARD_NO "
              "below N` with a valid card number%s\n",
              entries, lineno, erc == TERM_REVOKE_ENTRIES_TOO_MANY ? " (too many lines)" : "");
      rc = TERM_EXIT_USAGE;
      goto out_free;
    }
  }
  if (proto_key_load_private(sign, &key, why, sizeof why) != PROTO_OK) {
    fprintf(stderr, "kiosk: revoke make: signing key: %s\n", why);
    goto out_free;
  }
  if (proto_revlist_encode_snapshot(list, n, version, (int64_t)time(NULL), key, &blob,
                                    &blob_len) != PROTO_OK) {
    fprintf(stderr, "kiosk: revoke make: cannot encode (a card listed twice?)\n");
    rc = TERM_EXIT_USAGE;
    goto out_free;
  }
  f = fopen(out, "wx");
  if (!f) {
    fprintf(stderr, "kiosk: revoke make: cannot create %s (it must not exist)\n", out);
    goto out_free;
  }
  int wrote = fwrite(blob, 1, blob_len, f) == blob_len;
  if (fclose(f) != 0 || !wrote) {
    fprintf(stderr, "kiosk: revoke make: cannot write %s\n", out);
    remove(out);
    goto out_free;
  }
  printf("revocation list version %" PRIu64 ", %zu entries, %zu bytes: %s\n", version, n,
         blob_len, out);
  rc = 0;
out_free:
  free(blob);
  proto_key_destroy(key);
  free(list);
  return rc;
}

int term_cmd_revoke(struct term_args *a)
{
  if (a->i < a->argc && strcmp(a->argv[a->i], "make") == 0)
    return revoke_make(a);
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
    term_usage(a, "expected show, lookup CARD [GENERATION] or make");
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
