/* Keys and touches -> commands (input.h). */
#include "input.h"

static struct ui_cmd cmd(enum ui_cmd_kind kind, int ch)
{
  return (struct ui_cmd){kind, ch, -1};
}

struct ui_cmd ui_input_key(SDL_Keycode sym, Uint16 mod)
{
  switch (sym) {
  case SDLK_RETURN:
  case SDLK_KP_ENTER:
    return cmd(UI_CMD_ENTER, 0);
  case SDLK_ESCAPE:
    return cmd(UI_CMD_ESC, 0);
  case SDLK_F2:
    return cmd(UI_CMD_LANG, 0);
  case SDLK_F12:
    return cmd(UI_CMD_STAFF, 0);
  case SDLK_F4:
    return cmd(UI_CMD_ID, 0);
  case SDLK_F10:
    return cmd(UI_CMD_SIGN_OUT, 0);
  case SDLK_F9:
    return cmd(UI_CMD_OVERRIDE, 0);
  case SDLK_F5:
    return cmd(UI_CMD_REPEAT, 0);
  case SDLK_F6:
    return cmd(UI_CMD_VOL_DOWN, 0);
  case SDLK_F7:
    return cmd(UI_CMD_VOL_UP, 0);
  case SDLK_LEFT:
    return cmd(UI_CMD_LEFT, 0);
  case SDLK_RIGHT:
    return cmd(UI_CMD_RIGHT, 0);
  case SDLK_UP:
    return cmd(UI_CMD_UP, 0);
  case SDLK_DOWN:
    return cmd(UI_CMD_DOWN, 0);
  case SDLK_BACKSPACE:
    return cmd(UI_CMD_BACKSPACE, 0);
  default:
    break;
  }
  if (sym >= SDLK_KP_1 && sym <= SDLK_KP_9)
    return cmd(UI_CMD_CHAR, '1' + (int)(sym - SDLK_KP_1));
  if (sym == SDLK_KP_0)
    return cmd(UI_CMD_CHAR, '0');
  if ((sym >= '0' && sym <= '9') || sym == '-' || sym == '/' || sym == '.' || sym == '_')
    return cmd(UI_CMD_CHAR, (int)sym);
  if (sym >= 'a' && sym <= 'z')
    return cmd(UI_CMD_CHAR, (int)(mod & KMOD_SHIFT ? sym - 'a' + 'A' : sym));
  return cmd(UI_CMD_NONE, 0);
}

struct ui_cmd ui_input_touch(const struct ui_hit *hits, size_t nhits, int x, int y)
{
  SDL_Point pt = {x, y};
  for (size_t i = 0; hits && i < nhits; i++) {
    if (!SDL_PointInRect(&pt, &hits[i].r))
      continue;
    switch (hits[i].kind) {
    case UI_HIT_CONFIRM:
    case UI_HIT_REPEAT_ACCEPT:
    case UI_HIT_STATION_CONFIRM:
    case UI_HIT_PIN_OK:
    case UI_HIT_BILL_OK:
      return cmd(UI_CMD_ENTER, 0);
    case UI_HIT_REFUSE:
    case UI_HIT_STATION_CANCEL:
    case UI_HIT_PIN_CANCEL:
    case UI_HIT_LOGOUT:
      return cmd(UI_CMD_ESC, 0);
    case UI_HIT_OVERRIDE:
      return cmd(UI_CMD_OVERRIDE, 0);
    case UI_HIT_VISIT:
      return cmd(hits[i].value == UI_VISIT_INPATIENT ? UI_CMD_RIGHT : UI_CMD_LEFT, 0);
    case UI_HIT_LANG:
      return cmd(UI_CMD_LANG, 0);
    case UI_HIT_DIGIT:
      return cmd(UI_CMD_CHAR, '0' + hits[i].value);
    case UI_HIT_PIN_DEL:
      return cmd(UI_CMD_BACKSPACE, 0);
    case UI_HIT_TONE:
      return cmd(UI_CMD_TONE, 0);
    case UI_HIT_ROW:
      return (struct ui_cmd){UI_CMD_ENTER, 0, hits[i].value};
    case UI_HIT_STAFF:
      return cmd(UI_CMD_STAFF, 0);
    case UI_HIT_REPEAT:
      return cmd(UI_CMD_REPEAT, 0);
    case UI_HIT_VOL_DOWN:
      return cmd(UI_CMD_VOL_DOWN, 0);
    case UI_HIT_VOL_UP:
      return cmd(UI_CMD_VOL_UP, 0);
    case UI_HIT_ID:
      return cmd(UI_CMD_ID, 0);
    case UI_HIT_SIGN_OUT:
      return cmd(UI_CMD_SIGN_OUT, 0);
    case UI_HIT_COUNT:
      break;
    }
  }
  return cmd(UI_CMD_NONE, 0);
}
