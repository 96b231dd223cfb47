/*
 * The control socket of `kiosk run`: a Unix stream socket (mode 0600) that takes one
 * command per line and answers one line, "ok ..." or "error ...". For smoke tests, the
 * demo and a maintainer at the terminal; `kiosk ctl --socket PATH COMMAND...` is the
 * client. Staff actions go in as key presses on the window's event queue, so they take
 * exactly the path of a real key (the UI maps them to actions for the view on screen).
 *
 *   status                 screen, session, reader, sync, queue, revocation list, counts
 *   last                   the last outcome (decision or read error)
 *   wait SEQ [MS]          wait (default 10000 ms) for an outcome after SEQ, print it
 *   key NAME               enter, esc, f2, f4, f9, f10, f12, left, right, up, down, backspace
 *   type TEXT              characters 0-9 a-z A-Z - / _ . as key presses
 *   shot PATH              save the frame on screen as PNG (absolute PATH)
 *   reset                  back to the start screen
 *   quit                   stop the program (as SIGTERM)
 *   help
 *
 * An outcome line: ok seq=N kind=view|read-error mode=gate verdict=GRANT screen=verdict
 * card=NO holder=张*明 id=- credential=... needs=... photo=0|1 journaled=0|1
 * journal_seq=N deny=A staff=B reasons=A,B,C (the reasons that deny, those that ask
 * staff to act, and every reason; empty fields are "-"). Names and ID numbers appear masked,
 * as on the screen; the socket is the screen's equivalent for the terminal's own user.
 */
#ifndef TERM_CONTROL_H
#define TERM_CONTROL_H

#include <stddef.h>
#include <stdint.h>

struct session;

/* What the control socket needs from the program's main thread. */
struct control_ops {
  void *user;
  struct session *session;
  /* Save the frame on screen to path (blocks until the main thread did it). 0 / -1;
   * reply gets "WxH screen=NAME" or the error. */
  int (*shot)(void *user, const char *path, char *reply, size_t cap);
  /* Queue one key press (name as above, or one character). 0 / -1. */
  int (*key)(void *user, const char *name);
  /* The screen on display, the last decision-to-frame latency, frames drawn. */
  void (*screen)(void *user, char *buf, size_t cap, double *latency_ms, uint64_t *frames);
  void (*reset)(void *user);
  void (*quit)(void *user);
};

struct control;

/* Listen on path (an existing socket file there is replaced) and serve in a thread.
 * Returns 0, or -1 with why. */
int control_start(const char *path, const struct control_ops *ops, struct control **out,
                  char *why, size_t cap);
/* Stop serving, close every connection, join, unlink the socket. Accepts NULL. */
void control_stop(struct control *c);

/* The client (`kiosk ctl`): send one command line (no newline) to the socket at path
 * and read the one-line answer into reply (newline cut). 0: reply holds the answer;
 * -1: no connection or no answer, -2: the command or path is too long (why says which). */
int control_call(const char *path, const char *line, char *reply, size_t cap, char *why,
                 size_t wcap);
/* Room for an answer line. */
#define CONTROL_REPLY_MAX 3072u

#endif
