/*
 * The HIS API's request parsers (his_req.c): what a hospital billing system (HIS) sends
 * to `kiosk run` (docs/his-api.md), read strictly and bounded, apart from the server
 * (his.c) so that the fuzz target (tests/fuzz/fuzz_terminal_his_req.c) and the unit
 * tests run them without a socket.
 *
 * Grammar (JSON bodies: one object, UTF-8, no duplicate keys, nothing after it):
 *   create  {"bill": BILL, "visit": VISIT, "fee_item": TOKEN [, "amount_fen": INT]}
 *           BILL   common_bill_no_valid (letters, digits, -/_., CJK; 63 bytes; never
 *                  shaped like an ID number)
 *           VISIT  "outpatient" | "inpatient" | "emergency"
 *           TOKEN  1..31 of A-Z a-z 0-9 . _ -, not ID-shaped; fee_item: exactly
 *                  TERM_HIS_FEE_ITEM (the regulation waives the consultation fee only)
 *           INT    1..10000000 (fen), optional: the amount the HIS bills for the item
 *   void    {"reason": TOKEN}
 *   query   name=value pairs joined by '&', each name at most once, only the names the
 *           route takes: wait=0..TERM_HIS_WAIT_MAX_S, day=YYYY-MM-DD
 *   path    /v1/waivers | /v1/waivers/SEQ | /v1/waivers/SEQ/void | /v1/requests/ID
 *           (SEQ, ID: 1..2^53 in decimal, no sign, no leading zero)
 * Anything else is refused with a message in why that names the field and never quotes
 * the input (a body may carry what it should not: an ID number in the bill field).
 *
 * Pure functions: no state, no allocation kept, any thread.
 */
#ifndef TERM_HIS_REQ_H
#define TERM_HIS_REQ_H

#include <stddef.h>
#include <stdint.h>

#define TERM_HIS_BODY_MAX 4096u   /* a request body larger than this: 413 */
#define TERM_HIS_WAIT_MAX_S 120   /* the longest long-poll */
#define TERM_HIS_WAIT_DEFAULT_S 60
#define TERM_HIS_BILL_MAX 63u     /* common/bill.h's COMMON_BILL_NO_MAX */
#define TERM_HIS_TOKEN_MAX 31u    /* fee item, void reason */
#define TERM_HIS_AMOUNT_MAX INT64_C(10000000)
#define TERM_HIS_FEE_ITEM "consultation" /* the journal's fee item (kiosk/src/terminal.c) */
#define TERM_HIS_ID_MAX UINT64_C(9007199254740992) /* 2^53: exact in any JSON reader */

struct term_his_create {
  char bill[TERM_HIS_BILL_MAX + 1];
  int visit;                          /* enum proto_visit, never NONE */
  char fee_item[TERM_HIS_TOKEN_MAX + 1];
  int64_t amount_fen;                 /* 0: not given */
};

struct term_his_void {
  char reason[TERM_HIS_TOKEN_MAX + 1];
};

#define TERM_HIS_Q_WAIT 0x1u
#define TERM_HIS_Q_DAY 0x2u
struct term_his_query {
  unsigned given;   /* TERM_HIS_Q_* present */
  int wait_s;       /* TERM_HIS_WAIT_DEFAULT_S when not given */
  int32_t day;      /* days since 1970-01-01 (common/date.h) when given */
};

enum term_his_route {
  TERM_HIS_ROUTE_NONE = 0,    /* no such path: 404 */
  TERM_HIS_ROUTE_WAIVERS,     /* /v1/waivers: POST create, GET list */
  TERM_HIS_ROUTE_WAIVER,      /* /v1/waivers/SEQ: GET */
  TERM_HIS_ROUTE_WAIVER_VOID, /* /v1/waivers/SEQ/void: POST */
  TERM_HIS_ROUTE_REQUEST      /* /v1/requests/ID: GET (poll), DELETE (withdraw) */
};

/* Each returns 0, or -1 with a one-line reason in why[cap]. out is zeroed first. */
int term_his_parse_create(const char *body, size_t len, struct term_his_create *out, char *why,
                          size_t cap);
int term_his_parse_void(const char *body, size_t len, struct term_his_void *out, char *why,
                        size_t cap);
/* q may be NULL (no query). allowed: the TERM_HIS_Q_* the route takes. */
int term_his_parse_query(const char *q, unsigned allowed, struct term_his_query *out, char *why,
                         size_t cap);
/* The route of a raw path (no query) and its number (0 for /v1/waivers). Never fails:
 * an unknown path is TERM_HIS_ROUTE_NONE. */
enum term_his_route term_his_parse_path(const char *path, uint64_t *id);

#endif
