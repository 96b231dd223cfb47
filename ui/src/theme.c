/* Palette and text styles (ui/theme.h). */
#include <math.h>
#include <stddef.h>

#include "ui/theme.h"

static const uint32_t colour_rgb[UI_COL_COUNT] = {
#define UI_X_RGB(name, rgb) (rgb),
    UI_COLOUR_MAP(UI_X_RGB)
#undef UI_X_RGB
};

static const char *const colour_names[UI_COL_COUNT] = {
#define UI_X_CN(name, rgb) #name,
    UI_COLOUR_MAP(UI_X_CN)
#undef UI_X_CN
};

static const struct {
  enum ui_colour fg, bg;
  const char *name;
} styles[UI_STYLE_COUNT] = {
#define UI_X_ST(name, fg, bg) {UI_COL_##fg, UI_COL_##bg, #name},
    UI_STYLE_MAP(UI_X_ST)
#undef UI_X_ST
};

uint32_t ui_colour_rgb(enum ui_colour c)
{
  return (unsigned)c < UI_COL_COUNT ? colour_rgb[c] : 0;
}

const char *ui_colour_name(enum ui_colour c)
{
  return (unsigned)c < UI_COL_COUNT ? colour_names[c] : "?";
}

enum ui_colour ui_style_fg(enum ui_style s)
{
  return (unsigned)s < UI_STYLE_COUNT ? styles[s].fg : UI_COL_INK;
}

enum ui_colour ui_style_bg(enum ui_style s)
{
  return (unsigned)s < UI_STYLE_COUNT ? styles[s].bg : UI_COL_PAPER;
}

const char *ui_style_name(enum ui_style s)
{
  return (unsigned)s < UI_STYLE_COUNT ? styles[s].name : "?";
}

static double channel(unsigned v)
{
  double c = v / 255.0;
  return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

double ui_luminance(uint32_t rgb)
{
  return 0.2126 * channel((rgb >> 16) & 0xFF) + 0.7152 * channel((rgb >> 8) & 0xFF) +
         0.0722 * channel(rgb & 0xFF);
}

double ui_contrast_ratio(uint32_t a, uint32_t b)
{
  double la = ui_luminance(a), lb = ui_luminance(b);
  if (la < lb) {
    double t = la;
    la = lb;
    lb = t;
  }
  return (la + 0.05) / (lb + 0.05);
}
