/*
 * Fuzz the HIS API's request parsers (terminal/his_req.h). The first byte chooses the
 * parser (0 create body, 1 void body, 2 query, 3 path; the query's allowed names from
 * bits 2-3); the rest is the input. Accepted values must satisfy the grammar's rules;
 * refusals carry an ASCII reason that never quotes the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/bill.h"
#include "common/idno.h"
#include "common/token.h"
#include "his_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_why(const char *why, size_t cap)
{
  if (!memchr(why, '\0', cap))
    abort();
  for (const char *p = why; *p; p++)
    if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
      abort(); /* our messages are ASCII: a byte outside it came from the input */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  unsigned sel = data[0];
  const char *in = (const char *)data + 1;
  size_t len = size - 1;
  char why[200];
  why[0] = '\0';
  switch (sel & 3u) {
  case 0: {
    struct term_his_create c;
    if (term_his_parse_create(in, len, &c, why, sizeof why) == 0) {
      if (!common_bill_no_valid(c.bill) || c.visit < 1 || c.visit > 3 ||
          !common_token_valid(c.fee_item, TERM_HIS_TOKEN_MAX) || common_id_shaped(c.fee_item) ||
          c.amount_fen < 0 || c.amount_fen > TERM_HIS_AMOUNT_MAX || len > TERM_HIS_BODY_MAX)
        abort();
    } else {
      check_why(why, sizeof why);
    }
    break;
  }
  case 1: {
    struct term_his_void v;
    if (term_his_parse_void(in, len, &v, why, sizeof why) == 0) {
      if (!common_token_valid(v.reason, TERM_HIS_TOKEN_MAX) || common_id_shaped(v.reason))
        abort();
    } else {
      check_why(why, sizeof why);
    }
    break;
  }
  case 2: {
    char *q = malloc(len + 1);
    if (!q)
      return 0;
    memcpy(q, in, len);
    q[len] = '\0';
    struct term_his_query r;
    unsigned allowed = (sel >> 2) & 3u;
    if (term_his_parse_query(q, allowed, &r, why, sizeof why) == 0) {
      if ((r.given & ~allowed) || r.wait_s < 0 || r.wait_s > TERM_HIS_WAIT_MAX_S)
        abort();
    } else {
      check_why(why, sizeof why);
    }
    free(q);
    break;
  }
  default: {
    char *p = malloc(len + 1);
    if (!p)
      return 0;
    memcpy(p, in, len);
    p[len] = '\0';
    uint64_t id = 0;
    enum term_his_route r = term_his_parse_path(p, &id);
    if ((r == TERM_HIS_ROUTE_NONE || r == TERM_HIS_ROUTE_WAIVERS) ? id != 0
                                                                   : id == 0 || id > TERM_HIS_ID_MAX)
      abort();
    free(p);
    break;
  }
  }
  return 0;
}
