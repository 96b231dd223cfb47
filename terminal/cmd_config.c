/* `kiosk config check|defaults`: validate the terminal configuration, print the
 * embedded defaults. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <common/date.h>

#include "cmd.h"
#include "kiosk/terminal.h"

static const char help_config[] =
    "usage: kiosk config check [--config FILE]\n"
    "       kiosk config defaults\n"
    "\n"
    "check     read and validate the terminal configuration (FILE, else the embedded\n"
    "          defaults) and the site registry it names; print a summary. Any error is\n"
    "          reported as file:line: problem, exit status 1.\n"
    "defaults  print the embedded default configuration.\n";

int term_cmd_config(struct term_args *a)
{
  const char *sub = NULL, *cfgpath = NULL;
  for (; a->i < a->argc; a->i++) {
    const char *v;
    if (term_arg_is_help(a)) {
      fputs(help_config, stdout);
      return 0;
    } else if ((v = term_arg_value(a, "--config"))) {
      cfgpath = v;
    } else if (!sub) {
      sub = term_arg(a);
    } else {
      term_usage_error(a);
    }
  }
  if (sub && strcmp(sub, "defaults") == 0) {
    fputs(kiosk_config_defaults(), stdout);
    return 0;
  }
  if (!sub || strcmp(sub, "check") != 0)
    term_usage(a, "expected check or defaults%s%s%s", sub ? ", got '" : "", sub ? sub : "",
               sub ? "'" : "");
  struct kiosk_config c;
  term_load_config(cfgpath, 0, &c);
  char d1[COMMON_DATE_LEN + 1], d2[COMMON_DATE_LEN + 1];
  common_date_format(c.policy.start_day, d1);
  common_date_format(c.policy.end_day, d2);
  printf("configuration ok: %s\n", c.source);
  printf("  site %s, mode %s, terminal %s%s%s\n", c.site_id, kiosk_mode_name(c.mode),
         c.terminal_id, c.vehicle[0] ? ", vehicle " : "", c.vehicle);
  printf("  reader \"%s\"\n", c.reader);
  printf("  sites %s\n  trust store %s\n  journal %s\n  revocation list %s\n", c.sites_path,
         c.trust_dir, c.journal_path, c.revocation_path);
  printf("  scheme in force from %s to the day before %s (UTC%+d:%02d)\n", d1, d2,
         c.policy.utc_offset_s / 3600, abs(c.policy.utc_offset_s / 60) % 60);
  printf("  gate repeat %u min, bus repeat %u min, revocation list max age %u h (%s)\n",
         c.policy.gate_repeat_s / 60, c.policy.bus_repeat_s / 60,
         c.policy.revlist_max_age_s / 3600, c.policy.stale == KIOSK_STALE_DENY ? "deny" : "warn");
  if (c.mode == KIOSK_MODE_CASHIER)
    printf("  social security card reader \"%s\", consultation fee %lld fen%s\n",
           c.ssc_reader[0] ? c.ssc_reader : c.reader, (long long)c.consultation_fee_fen,
           c.consultation_fee_fen ? "" : " (not set: kiosk run refuses to start)");
  if (c.sync.enabled)
    printf("  centre %s, every %u s (CA %s, certificate %s)\n", c.sync.url, c.sync.poll_s,
           c.sync.ca_file, c.sync.cert_file);
  else
    printf("  no [sync]: offline, nothing is uploaded\n");
  printf("  screen: %s, %s renderer, sound %s, %s, staff menu %s\n",
         c.ui.fullscreen ? "full screen" : "window", c.ui.software ? "software" : "accelerated",
         c.ui.sound ? "on" : "off", c.ui.language, c.ui.pin_hash[0] ? "PIN" : "closed");
  return 0;
}
