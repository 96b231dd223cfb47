/* Error and enum names, generated from the X-macro lists in the public headers. */
#include <stddef.h>

#include "ui/ui.h"

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

const char *ui_mode_name(int mode)
{
  switch (mode) {
#define UI_X_MN(name, value, text)                                                       \
  case (value):                                                                          \
    return text;
    UI_MODE_MAP(UI_X_MN)
#undef UI_X_MN
  }
  return NULL;
}

const char *ui_verdict_name(int verdict)
{
  switch (verdict) {
#define UI_X_VN(name, value, text)                                                       \
  case (value):                                                                          \
    return text;
    UI_VERDICT_MAP(UI_X_VN)
#undef UI_X_VN
  }
  return NULL;
}

const char *ui_lang_tag(enum ui_lang lang)
{
  return lang == UI_LANG_EN ? "en" : "zh-CN";
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
