/* `kiosk ctl --socket PATH COMMAND...`: one command to a running `kiosk run --control`. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "control.h"

static const char help_ctl[] =
    "usage: kiosk ctl --socket PATH COMMAND [ARG...]\n"
    "\n"
    "Send one command to a running `kiosk run --control PATH` and print its answer.\n"
    "Commands: status, last, wait SEQ [MS], key NAME, type TEXT, shot PATH, reset, quit,\n"
    "help (docs/terminal.md, \"The control socket\"). Exit status 0 when the answer is\n"
    "\"ok ...\", 1 for \"error ...\" or when the program cannot be reached, 2 usage.\n";

int term_cmd_ctl(struct term_args *a)
{
  const char *path = NULL, *v;
  /* options come before the command; the command's words are passed on as they are */
  for (; a->i < a->argc; a->i++) {
    if (term_arg_is_help(a)) {
      fputs(help_ctl, stdout);
      return 0;
    } else if ((v = term_arg_value(a, "--socket"))) {
      path = v;
    } else {
      break;
    }
  }
  if (!path)
    term_usage(a, "--socket PATH is required (the running kiosk's control socket)");
  if (a->i >= a->argc)
    term_usage(a, "a command for the terminal is expected after the options");
  char line[1024];
  size_t len = 0;
  for (; a->i < a->argc; a->i++) {
    int n = snprintf(line + len, sizeof line - len, "%s%s", len ? " " : "", term_arg(a));
    if (n < 0 || (size_t)n >= sizeof line - len - 1) {
      fprintf(stderr, "kiosk ctl: command too long\n");
      return TERM_EXIT_USAGE;
    }
    len += (size_t)n;
  }
  char reply[CONTROL_REPLY_MAX], why[512];
  int rc = control_call(path, line, reply, sizeof reply, why, sizeof why);
  if (rc != 0) {
    fprintf(stderr, "kiosk ctl: %s\n", why);
    return rc == -2 ? TERM_EXIT_USAGE : TERM_EXIT_RUNTIME;
  }
  puts(reply);
  return strncmp(reply, "ok", 2) == 0 ? 0 : TERM_EXIT_CHECK;
}
