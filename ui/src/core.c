/* ui/core.h: error and action names (generated from the X-macro lists), the default
 * configuration, the clock. Calls nothing else in ui: everything may call it. */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "ui/core.h"

const char *ui_strerror(int err)
{
  switch (err) {
#define UI_X_STR(name, value, text)                                                      \
  case (value):                                                                          \
    return text;
    UI_ERRNO_MAP(UI_X_STR)
#undef UI_X_STR
  }
  return "unknown ui error";
}

const char *ui_errname(int err)
{
  switch (err) {
#define UI_X_NAME(name, value, text)                                                     \
  case (value):                                                                          \
    return "UI_E_" #name;
    UI_ERRNO_MAP(UI_X_NAME)
#undef UI_X_NAME
  }
  return "UI_E_UNKNOWN";
}

static const char *const action_names[] = {
#define UI_X_AN(name, text) text,
    UI_ACTION_MAP(UI_X_AN)
#undef UI_X_AN
};

const char *ui_action_name(int kind)
{
  if (kind < 0 || kind >= UI_ACT_COUNT)
    return NULL;
  return action_names[kind];
}

void ui_config_init(struct ui_config *cfg)
{
  if (!cfg)
    return;
  memset(cfg, 0, sizeof *cfg);
  cfg->width = UI_LOGICAL_W;
  cfg->height = UI_LOGICAL_H;
  cfg->mode = UI_MODE_GATE;
  cfg->lang = UI_LANG_ZH;
  cfg->sound = 1;
  cfg->speech = 1;
  cfg->volume = UI_VOLUME_DEFAULT;
}

uint64_t ui_monotonic_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
