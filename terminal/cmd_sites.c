/* `kiosk sites`: the site registry the configuration names. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "kiosk/terminal.h"

int term_cmd_sites(struct term_args *a)
{
  const char *cfgpath = NULL;
  for (; a->i < a->argc; a->i++) {
    const char *v;
    if (term_arg_is_help(a)) {
      puts("usage: kiosk sites [--config FILE]\n\nList the site registry the configuration "
           "names: id, kind, level, county, modes, name.");
      return 0;
    } else if ((v = term_arg_value(a, "--config"))) {
      cfgpath = v;
    } else {
      term_usage_error(a);
    }
  }
  struct kiosk_config c;
  term_load_config(cfgpath, KIOSK_CONFIG_NO_FS_CHECK, &c);
  struct kiosk_sites *s;
  struct kiosk_diag d;
  char msg[600];
  if (kiosk_sites_load(c.sites_path, &s, &d) != KIOSK_OK) {
    fprintf(stderr, "kiosk: %s\n", kiosk_diag_format(&d, msg, sizeof msg));
    return TERM_EXIT_RUNTIME;
  }
  for (size_t i = 0; i < kiosk_sites_count(s); i++) {
    const struct kiosk_site *x = kiosk_sites_at(s, i);
    char modes[64] = "";
    for (int m = KIOSK_MODE_GATE; m <= KIOSK_MODE_STATION; m++)
      if (x->modes & KIOSK_MODE_BIT(m)) {
        if (modes[0])
          strcat(modes, ",");
        strcat(modes, kiosk_mode_name(m));
      }
    printf("%-30s %-8s %-6s %-8s %-8s %s\n", x->id, kiosk_site_kind_name(x->kind), x->level,
           x->county, modes, x->name);
  }
  kiosk_sites_destroy(s);
  return 0;
}
