/*
 * The HIS API of `kiosk run` (his.c): a local HTTP + JSON service through which a
 * hospital's billing system (HIS) asks the cashier terminal for a waiver of one bill,
 * reads waivers, voids one when the bill is cancelled and lists a day's (the contract:
 * docs/his-api.md; the request grammar: his_req.h).
 *
 *   HIS --POST /v1/waivers--> his thread --session_his_begin--> decision thread
 *       (screen asks for the card; card, holder, staff as on the keyboard path)
 *   decision thread --verdict, journal seq--> his thread (woken) --200--> HIS
 *
 * Listening only on loopback TCP (127.0.0.0/8, ::1, localhost) or a Unix socket; every
 * request carries "Authorization: Bearer TOKEN", the token read at start from a file
 * that must be a regular file of the terminal's user with mode 0600 or 0400 (otherwise
 * the program refuses to start, naming the file); compared in constant time. Neither the
 * token nor a bill or ID number is ever logged.
 *
 * Ownership and threads: the service owns one thread running a libevent loop, its
 * listener, its read-only handle on the journal (reads: waivers, lists) and the latest
 * request results. It never touches the terminal itself: requests go to the session's
 * queue, a void runs on the decision thread through session_call. Private to terminal/.
 */
#ifndef TERM_HIS_H
#define TERM_HIS_H

#include <stddef.h>
#include <stdint.h>

struct session;
struct term_his;

#define TERM_HIS_BEARER_MIN 16u
#define TERM_HIS_BEARER_MAX 512u

struct term_his_config {
  const char *listen;       /* "127.0.0.1:8765", "[::1]:8765", "localhost:8765", "unix:/path" */
  const char *token_file;   /* the bearer token (above) */
  const char *journal_path; /* the terminal's journal, read through a handle of its own */
  const char *terminal_id;
  int32_t utc_offset_s;     /* local days for ?day= and the times shown */
  unsigned request_expiry_s; /* a 202'd request nobody polls is withdrawn after this; 0: 30 */
};

/* Read the token, bind, start the thread. Returns 0, or -1 with why (naming the file
 * or the address). s must outlive the service; the session's HIS notify hook is set. */
int term_his_start(const struct term_his_config *c, struct session *s, struct term_his **out,
                   char *why, size_t cap);
/* Stop the thread (a pending request is withdrawn), close everything. Accepts NULL. */
void term_his_stop(struct term_his *h);

/* The address's rule (above), without binding: 0, or -1 with why (kiosk config check). */
int term_his_listen_check(const char *listen_at, char *why, size_t cap);

/* The token file's rule (above), for the server and the reference client: the token
 * (TERM_HIS_BEARER_MIN..MAX printable ASCII bytes, one trailing newline allowed) into
 * tok[cap]. 0, or -1 with why naming the file. */
int term_his_token_read(const char *path, char *tok, size_t cap, char *why, size_t whycap);

#endif
