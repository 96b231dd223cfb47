/* proto: the shared formats. The event's canonical line and hash against the worked
 * example of docs/journal.md; the batch's one field table, round trips through encoder
 * and parser, truncated / oversized / malicious batches; the revocation list codec
 * round trips and refusals; the key helper. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/batch.h"
#include "proto/event.h"
#include "proto/key.h"
#include "proto/revlist.h"

/* ------------------------------------------------------------------ events -- */

static struct proto_event worked_example(void)
{
  struct proto_event e;
  memset(&e, 0, sizeof e);
  e.seq = 7;
  e.time = 1545840000;
  snprintf(e.terminal, sizeof e.terminal, "gate-1");
  snprintf(e.site, sizeof e.site, "hosp.yl-first-people");
  e.mode = PROTO_MODE_CASHIER;
  snprintf(e.card_no, sizeof e.card_no, "YL-2019-0001");
  e.kind = PROTO_EVENT_DECISION;
  e.verdict = PROTO_VERDICT_GRANT;
  e.reasons = UINT64_C(1) << 24;
  e.amount_fen = 1500;
  snprintf(e.bill_ref, sizeof e.bill_ref, "MZ-0001");
  snprintf(e.staff_id, sizeof e.staff_id, "S01");
  return e;
}

static void hex(const uint8_t *in, size_t n, char *out)
{
  for (size_t i = 0; i < n; i++)
    sprintf(out + 2 * i, "%02x", in[i]);
}

START_TEST(event_canonical_and_hash)
{
  struct proto_event e = worked_example();
  char line[PROTO_EVENT_CANON_MAX], h[65];
  uint8_t md[PROTO_HASH_LEN];
  ck_assert_uint_gt(proto_event_canonical(&e, line, sizeof line), 0);
  ck_assert_str_eq(line, "kiosk-journal-v1|7|1545840000|gate-1|hosp.yl-first-people|cashier||"
                         "YL-2019-0001|0|decision|GRANT|0000000001000000|1500|MZ-0001|S01|"
                         "0000000000000000000000000000000000000000000000000000000000000000");
  ck_assert_int_eq(proto_event_hash(&e, md), PROTO_OK);
  hex(md, sizeof md, h);
  ck_assert_str_eq(h, "f55ee6eaab2cc83c7e4494fa67543aafa3d7fdc2f739165bfb54611d5e781ee8");
  /* Too small a buffer gives 0, never a cut line. */
  ck_assert_uint_eq(proto_event_canonical(&e, line, 40), 0);
}
END_TEST

START_TEST(event_optional_fields)
{
  /* Unset optional fields leave the line (and every old journal's hash) as it was; set
   * ones are appended as |name=value in the table's order. */
  struct proto_event e = worked_example();
  char line[PROTO_EVENT_CANON_MAX];
  const char *base = "kiosk-journal-v1|7|1545840000|gate-1|hosp.yl-first-people|cashier||"
                     "YL-2019-0001|0|decision|GRANT|0000000001000000|1500|MZ-0001|S01|"
                     "0000000000000000000000000000000000000000000000000000000000000000";
  uint8_t before[PROTO_HASH_LEN], after[PROTO_HASH_LEN];
  ck_assert_int_eq(proto_event_hash(&e, before), PROTO_OK);
  snprintf(e.stop, sizeof e.stop, "stop-12");
  snprintf(e.route, sizeof e.route, "route-6");
  ck_assert_uint_gt(proto_event_canonical(&e, line, sizeof line), 0);
  char want[PROTO_EVENT_CANON_MAX];
  snprintf(want, sizeof want, "%s|route=route-6|stop=stop-12", base);
  ck_assert_str_eq(line, want);
  snprintf(e.trip, sizeof e.trip, "T0815");
  ck_assert_uint_gt(proto_event_canonical(&e, line, sizeof line), 0);
  snprintf(want, sizeof want, "%s|route=route-6|trip=T0815|stop=stop-12", base);
  ck_assert_str_eq(line, want);
  ck_assert_int_eq(proto_event_hash(&e, after), PROTO_OK);
  ck_assert_mem_ne(before, after, PROTO_HASH_LEN);
  /* every field at its maximum still fits */
  memset(e.route, 'r', sizeof e.route - 1);
  memset(e.trip, 't', sizeof e.trip - 1);
  memset(e.stop, 's', sizeof e.stop - 1);
  memset(e.terminal, 'x', sizeof e.terminal - 1);
  memset(e.site, 'y', sizeof e.site - 1);
  memset(e.vehicle, 'v', sizeof e.vehicle - 1);
  memset(e.bill_ref, 'b', sizeof e.bill_ref - 1);
  memset(e.staff_id, 'z', sizeof e.staff_id - 1);
  ck_assert_uint_gt(proto_event_canonical(&e, line, sizeof line), 0);
  /* not a token, an ID-shaped value, a missing terminator: refused like any free field */
  e = worked_example();
  snprintf(e.route, sizeof e.route, "R 1");
  ck_assert_int_eq(proto_event_check(&e, NULL, 0), PROTO_E_INVALID_ARG);
  snprintf(e.route, sizeof e.route, "11010519491231002X");
  ck_assert_int_eq(proto_event_check(&e, NULL, 0), PROTO_E_INVALID_ARG);
  ck_assert_uint_eq(proto_event_canonical(&e, line, sizeof line), 0);
  e = worked_example();
  memset(e.stop, 's', sizeof e.stop);
  ck_assert_int_eq(proto_event_check(&e, NULL, 0), PROTO_E_INVALID_ARG);
  /* the accessors know the optional fields only */
  size_t cap = 1;
  ck_assert_ptr_null(proto_event_opt_field(&e, PROTO_BF_VEHICLE, &cap));
  ck_assert_uint_eq(cap, 0);
  ck_assert_ptr_eq(proto_event_opt_field(&e, PROTO_BF_TRIP, &cap), e.trip);
  ck_assert_uint_eq(cap, sizeof e.trip);
}
END_TEST

START_TEST(event_check_refuses)
{
  static const struct {
    const char *field, *value;
  } bad[] = {
      {"terminal", ""},           {"terminal", "a|b"},      {"site", "x y"},
      {"card_no", "yl-1"},        {"card_no", "11010519491231002X"},
      {"bill_ref", "11010519491231002X"}, {"staff_id", "11010519491231002x"},
      {"vehicle", "\"quote"},
      /* issue 11: every free token, not only card, bill and staff */
      {"vehicle", "11010519491231002X"}, {"terminal", "11010519491231002X"},
      {"site", "11010519491231002x"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct proto_event e = worked_example();
    char why[96] = "";
    char *dst = strcmp(bad[i].field, "terminal") == 0 ? e.terminal
                : strcmp(bad[i].field, "site") == 0   ? e.site
                : strcmp(bad[i].field, "card_no") == 0 ? e.card_no
                : strcmp(bad[i].field, "bill_ref") == 0 ? e.bill_ref
                : strcmp(bad[i].field, "staff_id") == 0 ? e.staff_id
                                                        : e.vehicle;
    snprintf(dst, 20, "%s", bad[i].value);
    ck_assert_msg(proto_event_check(&e, why, sizeof why) == PROTO_E_INVALID_ARG, "bad %zu", i);
    ck_assert_msg(why[0] != '\0', "bad %zu: reason", i);
    ck_assert_msg(strstr(why, bad[i].value) == NULL || bad[i].value[0] == '\0',
                  "bad %zu: the reason quotes the input", i);
  }
  struct proto_event e = worked_example();
  e.mode = 9;
  ck_assert_int_eq(proto_event_check(&e, NULL, 0), PROTO_E_INVALID_ARG);
  e = worked_example();
  e.amount_fen = -1;
  ck_assert_int_eq(proto_event_check(&e, NULL, 0), PROTO_E_INVALID_ARG);
}
END_TEST

START_TEST(vocabulary)
{
  ck_assert_str_eq(proto_mode_name(PROTO_MODE_GATE), "gate");
  ck_assert_int_eq(proto_mode_parse("station", 7), PROTO_MODE_STATION);
  ck_assert_int_eq(proto_mode_parse("stationx", 7), PROTO_MODE_STATION);
  ck_assert_int_eq(proto_mode_parse("stat", 4), -1);
  ck_assert_int_eq(proto_verdict_parse("DENY", 4), PROTO_VERDICT_DENY);
  ck_assert_int_eq(proto_verdict_parse("deny", 4), -1);
  ck_assert_int_eq(proto_event_kind_parse("override", 8), PROTO_EVENT_OVERRIDE);
  ck_assert_ptr_null(proto_mode_name(0));
  ck_assert_str_eq(proto_errname(PROTO_E_FORMAT), "PROTO_E_FORMAT");
  ck_assert_str_eq(proto_strerror(12345), "unknown proto error");
}
END_TEST

/* ------------------------------------------------------------------- batch -- */

struct sink {
  char *data;
  size_t len, cap;
};

static int sink_put(void *user, const void *p, size_t n)
{
  struct sink *s = user;
  if (s->len + n + 1 > s->cap) {
    s->cap = (s->len + n + 1) * 2;
    s->data = realloc(s->data, s->cap);
    ck_assert_ptr_nonnull(s->data);
  }
  memcpy(s->data + s->len, p, n);
  s->len += n;
  s->data[s->len] = '\0';
  return 0;
}

static struct proto_event chained(uint64_t seq, const uint8_t prev[PROTO_HASH_LEN])
{
  struct proto_event e = worked_example();
  e.seq = seq;
  e.time += (int64_t)seq;
  memcpy(e.prev_hash, prev, PROTO_HASH_LEN);
  ck_assert_int_eq(proto_event_hash(&e, e.hash), PROTO_OK);
  return e;
}

START_TEST(batch_field_table)
{
  /* The table is the event's hashed fields: 16 members, unique names, in wire order. */
  ck_assert_int_eq(PROTO_BF_COUNT, 22);
  ck_assert_str_eq(proto_batch_fields[PROTO_BF_SEQ].name, "seq");
  ck_assert_str_eq(proto_batch_fields[PROTO_BF_HASH].name, "hash");
  ck_assert_int_eq(proto_batch_fields[PROTO_BF_AMOUNT_FEN].type, PROTO_BT_INT);
  ck_assert_int_eq(proto_batch_fields[PROTO_BF_REASONS].type, PROTO_BT_TEXT);
  for (int i = 0; i < PROTO_BF_COUNT; i++)
    for (int j = i + 1; j < PROTO_BF_COUNT; j++)
      ck_assert_str_ne(proto_batch_fields[i].name, proto_batch_fields[j].name);
  /* The encoder writes every member of the table, in the table's order (the optional
   * ones when set). */
  uint8_t zero[PROTO_HASH_LEN] = {0};
  struct proto_event e = chained(1, zero);
  snprintf(e.route, sizeof e.route, "R1");
  snprintf(e.trip, sizeof e.trip, "T1");
  snprintf(e.stop, sizeof e.stop, "S1");
  proto_event_set_visit(&e, PROTO_VISIT_OUTPATIENT);
  snprintf(e.fee_item, sizeof e.fee_item, "consultation");
  e.kind = PROTO_EVENT_VOID;
  e.seq = 9;
  proto_event_set_ref_seq(&e, 3);
  struct sink s = {0};
  ck_assert_int_eq(proto_batch_encode(&e, 1, sink_put, &s), PROTO_OK);
  const char *p = s.data;
  for (int f = 0; f < PROTO_BF_COUNT; f++) {
    char key[32];
    snprintf(key, sizeof key, "\"%s\":", proto_batch_fields[f].name);
    const char *q = strstr(p, key);
    ck_assert_msg(q != NULL, "member %s missing or out of order", proto_batch_fields[f].name);
    p = q;
  }
  free(s.data);
}
END_TEST

START_TEST(batch_bytes)
{
  /* The bytes on the wire, as netsync wrote them before the table existed. */
  uint8_t zero[PROTO_HASH_LEN] = {0};
  struct proto_event e = worked_example();
  e.seq = 1;
  memset(e.hash, 0xab, sizeof e.hash);
  memcpy(e.prev_hash, zero, sizeof zero);
  struct sink s = {0};
  ck_assert_int_eq(proto_batch_encode(&e, 1, sink_put, &s), PROTO_OK);
  ck_assert_str_eq(s.data,
                   "{\"v\":1,\"events\":[{\"seq\":1,\"time\":1545840000,\"terminal\":\"gate-1\","
                   "\"site\":\"hosp.yl-first-people\",\"mode\":\"cashier\",\"vehicle\":\"\","
                   "\"card_no\":\"YL-2019-0001\",\"generation\":0,\"kind\":\"decision\","
                   "\"verdict\":\"GRANT\",\"reasons\":\"0000000001000000\",\"amount_fen\":1500,"
                   "\"bill_ref\":\"MZ-0001\",\"staff_id\":\"S01\",\"prev_hash\":"
                   "\"0000000000000000000000000000000000000000000000000000000000000000\","
                   "\"hash\":\"abababababababababababababababababababababababababababababababab\"}]}");
  free(s.data);
}
END_TEST

START_TEST(gate_fault_event)
{
  /* The gate's actuator failed for an earlier GRANT: an event of its own, ref_seq set,
   * no card, no bill, verdict GRANT; in the batch by name like every kind. */
  struct proto_event e = worked_example();
  char line[PROTO_EVENT_CANON_MAX], why[96];
  e.kind = PROTO_EVENT_GATE_FAULT;
  e.card_no[0] = e.bill_ref[0] = '\0';
  e.amount_fen = 0;
  e.generation = 0;
  e.reasons = 0;
  e.verdict = PROTO_VERDICT_GRANT;
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_E_INVALID_ARG); /* no ref */
  proto_event_set_ref_seq(&e, 6);
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_OK);
  ck_assert_uint_gt(proto_event_canonical(&e, line, sizeof line), 0);
  ck_assert_ptr_nonnull(strstr(line, "|gate_fault|GRANT|"));
  ck_assert_ptr_nonnull(strstr(line, "|ref_seq=6"));
  ck_assert_str_eq(proto_event_kind_name(PROTO_EVENT_GATE_FAULT), "gate_fault");
  ck_assert_int_eq(proto_event_kind_parse("gate_fault", 10), PROTO_EVENT_GATE_FAULT);
  proto_event_set_ref_seq(&e, 7); /* itself */
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_E_INVALID_ARG);
  proto_event_set_ref_seq(&e, 6);
  snprintf(e.card_no, sizeof e.card_no, "YL-2019-0001");
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_E_INVALID_ARG);
  e.card_no[0] = '\0';
  e.verdict = PROTO_VERDICT_DENY;
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_E_INVALID_ARG);
  e.verdict = PROTO_VERDICT_GRANT;
  e.amount_fen = 1;
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_E_INVALID_ARG);
}
END_TEST

START_TEST(cashier_fields)
{
  /* The cashier's optional fields: in the line after prev_hash when set, a known visit,
   * a ref_seq exactly on a VOID naming an earlier event; bill numbers by common's rule. */
  struct proto_event e = worked_example();
  char line[PROTO_EVENT_CANON_MAX], why[96];
  proto_event_set_visit(&e, PROTO_VISIT_OUTPATIENT);
  snprintf(e.fee_item, sizeof e.fee_item, "consultation");
  ck_assert_uint_gt(proto_event_canonical(&e, line, sizeof line), 0);
  ck_assert_str_eq(line, "kiosk-journal-v1|7|1545840000|gate-1|hosp.yl-first-people|cashier||"
                         "YL-2019-0001|0|decision|GRANT|0000000001000000|1500|MZ-0001|S01|"
                         "0000000000000000000000000000000000000000000000000000000000000000"
                         "|visit=outpatient|fee_item=consultation");
  ck_assert_int_eq(proto_event_visit(&e), PROTO_VISIT_OUTPATIENT);
  snprintf(e.visit, sizeof e.visit, "outpatien");
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_E_INVALID_ARG);
  proto_event_set_visit(&e, PROTO_VISIT_EMERGENCY);
  ck_assert_str_eq(e.visit, "emergency");
  e.kind = PROTO_EVENT_VOID;
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_E_INVALID_ARG);
  proto_event_set_ref_seq(&e, 7);
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_E_INVALID_ARG);
  proto_event_set_ref_seq(&e, 5);
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_OK);
  ck_assert_uint_eq(proto_event_ref_seq(&e), 5);
  ck_assert_uint_gt(proto_event_canonical(&e, line, sizeof line), 0);
  ck_assert_ptr_nonnull(strstr(line, "|void|"));
  ck_assert_ptr_nonnull(strstr(line, "|visit=emergency|fee_item=consultation|ref_seq=5"));
  snprintf(e.ref_seq, sizeof e.ref_seq, "05");
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_E_INVALID_ARG);
  snprintf(e.ref_seq, sizeof e.ref_seq, "5x");
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_E_INVALID_ARG);
  e.kind = PROTO_EVENT_DECISION;
  proto_event_set_ref_seq(&e, 5);
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_E_INVALID_ARG);
  proto_event_set_ref_seq(&e, 0);
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_OK);
  snprintf(e.fee_item, sizeof e.fee_item, "450902199001011235");
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_E_INVALID_ARG);
  e.fee_item[0] = '\0';
  snprintf(e.bill_ref, sizeof e.bill_ref, "MZ2026/12/01");
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_OK);
  snprintf(e.bill_ref, sizeof e.bill_ref, "门诊123");
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_OK);
  snprintf(e.bill_ref, sizeof e.bill_ref, "MZ|1");
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_E_INVALID_ARG);
  snprintf(e.bill_ref, sizeof e.bill_ref, "450902199001011235");
  ck_assert_int_eq(proto_event_check(&e, why, sizeof why), PROTO_E_INVALID_ARG);
  /* Through the batch and back, CJK bill and all. */
  uint8_t zero[PROTO_HASH_LEN] = {0};
  struct proto_event ev[2];
  ev[0] = worked_example();
  ev[0].seq = 1;
  proto_event_set_visit(&ev[0], PROTO_VISIT_INPATIENT);
  snprintf(ev[0].bill_ref, sizeof ev[0].bill_ref, "住院/2026");
  memcpy(ev[0].prev_hash, zero, sizeof zero);
  ck_assert_int_eq(proto_event_hash(&ev[0], ev[0].hash), PROTO_OK);
  ev[1] = ev[0];
  ev[1].seq = 2;
  ev[1].kind = PROTO_EVENT_VOID;
  proto_event_set_ref_seq(&ev[1], 1);
  memcpy(ev[1].prev_hash, ev[0].hash, sizeof zero);
  ck_assert_int_eq(proto_event_hash(&ev[1], ev[1].hash), PROTO_OK);
  struct sink s = {0};
  ck_assert_int_eq(proto_batch_encode(ev, 2, sink_put, &s), PROTO_OK);
  ck_assert_ptr_nonnull(strstr(s.data, "\"visit\":\"inpatient\",\"ref_seq\":\"1\"}"));
  struct proto_batch b;
  char pwhy[160];
  ck_assert_int_eq(proto_batch_parse(s.data, s.len, 0, &b, pwhy, sizeof pwhy), PROTO_OK);
  ck_assert_uint_eq(b.n, 2);
  ck_assert_uint_eq(b.n_held, 0);
  for (size_t i = 0; i < 2; i++)
    ck_assert_msg(memcmp(&b.ev[i], &ev[i], sizeof ev[i]) == 0, "event %zu differs", i);
  proto_batch_free(&b);
  free(s.data);
}
END_TEST

START_TEST(batch_optional_fields)
{
  /* Set: on the wire after hash, parsed back. Unset: absent (the old bytes). A batch
   * without them parses as empty; too long or ID-shaped values are refused or held. */
  uint8_t zero[PROTO_HASH_LEN] = {0};
  struct proto_event e = worked_example();
  e.seq = 1;
  snprintf(e.route, sizeof e.route, "R6");
  snprintf(e.trip, sizeof e.trip, "T0815");
  memcpy(e.prev_hash, zero, sizeof zero);
  ck_assert_int_eq(proto_event_hash(&e, e.hash), PROTO_OK);
  struct sink s = {0};
  ck_assert_int_eq(proto_batch_encode(&e, 1, sink_put, &s), PROTO_OK);
  ck_assert_ptr_nonnull(strstr(s.data, "\"route\":\"R6\",\"trip\":\"T0815\"}"));
  ck_assert_ptr_null(strstr(s.data, "\"stop\""));
  struct proto_batch b;
  char why[160];
  ck_assert_int_eq(proto_batch_parse(s.data, s.len, 0, &b, why, sizeof why), PROTO_OK);
  ck_assert_uint_eq(b.n, 1);
  ck_assert_msg(memcmp(&b.ev[0], &e, sizeof e) == 0, "event differs");
  ck_assert_uint_eq(b.n_held, 0);
  proto_batch_free(&b);
  free(s.data);

  char buf[1024];
  const char *head = "{\"v\":1,\"events\":[{\"seq\":1,\"time\":1545840000,\"terminal\":\"g\","
                     "\"site\":\"s\",\"mode\":\"bus\",\"vehicle\":\"V1\",\"card_no\":\"\","
                     "\"generation\":0,\"kind\":\"decision\",\"verdict\":\"DENY\",\"reasons\":"
                     "\"0000000000000000\",\"amount_fen\":0,\"bill_ref\":\"\",\"staff_id\":\"\","
                     "\"prev_hash\":\"0000000000000000000000000000000000000000000000000000000000000000\","
                     "\"hash\":\"0000000000000000000000000000000000000000000000000000000000000000\"";
  snprintf(buf, sizeof buf, "%s}]}", head);
  ck_assert_int_eq(proto_batch_parse(buf, strlen(buf), 0, &b, why, sizeof why), PROTO_OK);
  ck_assert_str_eq(b.ev[0].route, "");
  proto_batch_free(&b);
  snprintf(buf, sizeof buf, "%s,\"stop\":\"S9\"}]}", head);
  ck_assert_int_eq(proto_batch_parse(buf, strlen(buf), 0, &b, why, sizeof why), PROTO_OK);
  ck_assert_str_eq(b.ev[0].stop, "S9");
  proto_batch_free(&b);
  /* 32 bytes: one more than the field holds */
  snprintf(buf, sizeof buf, "%s,\"route\":\"%s\"}]}", head, "RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR");
  ck_assert_int_eq(proto_batch_parse(buf, strlen(buf), 0, &b, why, sizeof why), PROTO_E_MALFORMED);
  ck_assert_ptr_nonnull(strstr(why, "route"));
  snprintf(buf, sizeof buf, "%s,\"trip\":\"a\",\"trip\":\"b\"}]}", head);
  ck_assert_int_eq(proto_batch_parse(buf, strlen(buf), 0, &b, why, sizeof why), PROTO_E_MALFORMED);
  snprintf(buf, sizeof buf, "%s,\"trip\":7}]}", head);
  ck_assert_int_eq(proto_batch_parse(buf, strlen(buf), 0, &b, why, sizeof why), PROTO_E_MALFORMED);
  /* an ID number typed as the stop is held, never stored */
  snprintf(buf, sizeof buf, "%s,\"stop\":\"11010519491231002X\"}]}", head);
  ck_assert_int_eq(proto_batch_parse(buf, strlen(buf), 0, &b, why, sizeof why), PROTO_OK);
  ck_assert_uint_eq(b.n_held, 1);
  ck_assert_int_eq(b.hold[0], PROTO_HOLD_FIELD);
  proto_batch_free(&b);
}
END_TEST

START_TEST(batch_round_trip)
{
  struct proto_event ev[50];
  uint8_t prev[PROTO_HASH_LEN] = {0};
  for (size_t i = 0; i < 50; i++) {
    ev[i] = chained(i + 1, prev);
    ev[i].verdict = i % 3 ? PROTO_VERDICT_GRANT : PROTO_VERDICT_DENY;
    ev[i].reasons = UINT64_C(0x8000000000000001) >> (i % 64);
    ck_assert_int_eq(proto_event_hash(&ev[i], ev[i].hash), PROTO_OK);
    memcpy(prev, ev[i].hash, sizeof prev);
  }
  struct sink s = {0};
  ck_assert_int_eq(proto_batch_encode(ev, 50, sink_put, &s), PROTO_OK);
  struct proto_batch b;
  char why[160];
  ck_assert_int_eq(proto_batch_parse(s.data, s.len, 0, &b, why, sizeof why), PROTO_OK);
  ck_assert_uint_eq(b.n, 50);
  for (size_t i = 0; i < 50; i++)
    ck_assert_msg(memcmp(&b.ev[i], &ev[i], sizeof ev[i]) == 0, "event %zu differs", i);
  proto_batch_free(&b);
  /* A limit below the count is TOO_LARGE. */
  ck_assert_int_eq(proto_batch_parse(s.data, s.len, 49, &b, why, sizeof why), PROTO_E_TOO_LARGE);
  ck_assert_ptr_null(b.ev);
  /* Every truncation is refused, never a partial batch. */
  for (size_t cut = 0; cut < s.len; cut += 7) {
    ck_assert_int_eq(proto_batch_parse(s.data, cut, 0, &b, why, sizeof why), PROTO_E_MALFORMED);
    ck_assert_uint_eq(b.n, 0);
  }
  free(s.data);
}
END_TEST

START_TEST(batch_refuses)
{
  uint8_t zero[PROTO_HASH_LEN] = {0};
  struct proto_event e = chained(1, zero);
  struct sink s = {0};
  ck_assert_int_eq(proto_batch_encode(&e, 1, sink_put, &s), PROTO_OK);
  static const struct {
    const char *from, *to;
  } edits[] = {
      {"\"staff_id\":\"S01\"", "\"staff_id\":\"S01\",\"name\":\"x\""}, /* an extra member */
      {"\"seq\":1", "\"seq\":1.0"},
      {"\"seq\":1", "\"seq\":01"},
      {"\"amount_fen\":1500", "\"amount_fen\":\"1500\""},
      {"\"mode\":\"cashier\"", "\"mode\":\"Cashier\""},
      {"\"reasons\":\"0000000001000000\"", "\"reasons\":\"000000000100000A\""},
      {"\"terminal\":\"gate-1\"", "\"terminal\":\"gate\\u002d1\""}, /* escapes refused */
      {"\"v\":1", "\"v\":2"},
      {"\"time\":", "\"time\":1,\"time\":"},
  };
  for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
    const char *at = strstr(s.data, edits[i].from);
    ck_assert_ptr_nonnull(at);
    char buf[2048];
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - s.data), s.data, edits[i].to,
             at + strlen(edits[i].from));
    struct proto_batch b;
    char why[160] = "";
    ck_assert_msg(proto_batch_parse(buf, strlen(buf), 0, &b, why, sizeof why) ==
                      PROTO_E_MALFORMED,
                  "edit %zu accepted", i);
    ck_assert_msg(strstr(why, "11010519491231002X") == NULL, "edit %zu: reason quotes input", i);
  }
  /* Content a clock reset or a typing slip produces is held (quarantined by the
   * receiver), not a refusal of the whole batch: the chain must keep flowing. */
  static const struct {
    const char *from, *to;
    int hold;
  } holds[] = {
      {"\"staff_id\":\"S01\"", "\"staff_id\":\"11010519491231002X\"", PROTO_HOLD_FIELD},
      {"\"vehicle\":\"\"", "\"vehicle\":\"11010519491231002X\"", PROTO_HOLD_FIELD},
      {"\"amount_fen\":1500", "\"amount_fen\":-1", PROTO_HOLD_AMOUNT},
  };
  for (size_t i = 0; i < sizeof holds / sizeof holds[0]; i++) {
    const char *at = strstr(s.data, holds[i].from);
    ck_assert_msg(at != NULL, "hold %zu", i);
    char buf[2048], why[160] = "";
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - s.data), s.data, holds[i].to,
             at + strlen(holds[i].from));
    struct proto_batch hb;
    ck_assert_msg(proto_batch_parse(buf, strlen(buf), 0, &hb, why, sizeof why) == PROTO_OK,
                  "hold %zu: %s", i, why);
    ck_assert_uint_eq(hb.n, 1);
    ck_assert_uint_eq(hb.n_held, 1);
    ck_assert_int_eq(hb.hold[0], holds[i].hold);
    proto_batch_free(&hb);
  }
  {
    /* time 0 and -1000 (a terminal clock at 1970 and before) */
    static const char *const times[] = {"0", "-1000", "4102444801"};
    for (size_t i = 0; i < 3; i++) {
      const char *at = strstr(s.data, "\"time\":");
      const char *end = strchr(at, ',');
      char buf[2048];
      struct proto_batch hb;
      snprintf(buf, sizeof buf, "%.*s\"time\":%s%s", (int)(at - s.data), s.data, times[i], end);
      ck_assert_int_eq(proto_batch_parse(buf, strlen(buf), 0, &hb, NULL, 0), PROTO_OK);
      ck_assert_int_eq(hb.hold[0], PROTO_HOLD_TIME);
      ck_assert_str_ne(proto_batch_hold_text(hb.hold[0]), "?");
      proto_batch_free(&hb);
    }
  }
  ck_assert_str_eq(proto_batch_hold_text(99), "?");
  /* Oversized text is refused before it is read. */
  struct proto_batch b;
  ck_assert_int_eq(proto_batch_parse(s.data, PROTO_BATCH_MAX_TEXT + 1u, 0, &b, NULL, 0),
                   PROTO_E_TOO_LARGE);
  /* A seq run with a gap. */
  struct proto_event two[2] = {e, chained(3, e.hash)};
  struct sink s2 = {0};
  ck_assert_int_eq(proto_batch_encode(two, 2, sink_put, &s2), PROTO_OK);
  ck_assert_int_eq(proto_batch_parse(s2.data, s2.len, 0, &b, NULL, 0), PROTO_E_MALFORMED);
  free(s2.data);
  free(s.data);
}
END_TEST

/* ----------------------------------------------------------------- revlist -- */

START_TEST(revlist_round_trip)
{
  struct proto_key *key = NULL, *other = NULL;
  ck_assert_int_eq(proto_key_generate(&key), PROTO_OK);
  ck_assert_int_eq(proto_key_generate(&other), PROTO_OK);
  struct proto_rev_entry e[3] = {
      {"YL-2019-0003", 0, PROTO_REV_EXACT},
      {"YL-2019-0001", 2, PROTO_REV_BELOW},
      {"YL-2019-0001", 0, PROTO_REV_EXACT},
  };
  uint8_t *blob = NULL;
  size_t len = 0;
  ck_assert_int_eq(proto_revlist_encode_snapshot(e, 3, 5, 1545840000, key, &blob, &len),
                   PROTO_OK);
  struct proto_revlist_header h;
  struct proto_rev_rec *recs = NULL;
  char why[160];
  ck_assert_int_eq(proto_revlist_decode(blob, len, key, &h, &recs, why, sizeof why), PROTO_OK);
  ck_assert_int_eq(h.type, PROTO_REVLIST_SNAPSHOT);
  ck_assert_uint_eq(h.version, 5);
  ck_assert_uint_eq(h.count, 3);
  ck_assert_uint_eq(h.total_len, len);
  char card[PROTO_CARD_NO_MAX + 1];
  proto_rev_card_unpack(recs[0].hi, recs[0].lo, card);
  ck_assert_str_eq(card, "YL-2019-0001"); /* sorted */
  ck_assert_uint_eq(recs[0].gen, 0);
  ck_assert_uint_eq(recs[1].gen, 2);
  free(recs);
  /* Another key's signature, a flipped byte, a trailing byte, every truncation. */
  ck_assert_int_eq(proto_revlist_decode(blob, len, other, &h, &recs, why, sizeof why),
                   PROTO_E_SIGNATURE);
  blob[40] ^= 1;
  ck_assert_int_ne(proto_revlist_decode(blob, len, key, &h, &recs, why, sizeof why), PROTO_OK);
  blob[40] ^= 1;
  uint8_t *longer = malloc(len + 1);
  memcpy(longer, blob, len);
  longer[len] = 0;
  ck_assert_int_eq(proto_revlist_decode(longer, len + 1, key, &h, &recs, why, sizeof why),
                   PROTO_E_FORMAT);
  free(longer);
  for (size_t cut = 0; cut < len; cut++)
    ck_assert_int_ne(proto_revlist_decode(blob, cut, key, &h, &recs, why, sizeof why), PROTO_OK);
  free(blob);
  /* Delta: a removal and an addition. */
  struct proto_rev_change ch[2] = {{1, {"YL-2019-0003", 0, PROTO_REV_EXACT}},
                                   {0, {"YL-2019-0004", 0, PROTO_REV_EXACT}}};
  ck_assert_int_eq(proto_revlist_encode_delta(ch, 2, 5, 6, 1545840001, key, &blob, &len),
                   PROTO_OK);
  ck_assert_int_eq(proto_revlist_decode(blob, len, key, &h, &recs, why, sizeof why), PROTO_OK);
  ck_assert_int_eq(h.type, PROTO_REVLIST_DELTA);
  ck_assert_uint_eq(h.base_version, 5);
  ck_assert_uint_eq(recs[0].kind, PROTO_REV_EXACT | PROTO_REV_REMOVE);
  ck_assert_uint_eq(recs[1].kind, PROTO_REV_EXACT);
  free(recs);
  free(blob);
  proto_key_destroy(key);
  proto_key_destroy(other);
}
END_TEST

START_TEST(revlist_refuses)
{
  struct proto_key *key = NULL;
  ck_assert_int_eq(proto_key_generate(&key), PROTO_OK);
  uint8_t *blob = NULL;
  size_t len = 0;
  struct proto_rev_entry bad[] = {
      {"yl-lower", 0, PROTO_REV_EXACT},           {"11010519491231002X", 0, PROTO_REV_EXACT},
      {"YL-2019-0001", 0, PROTO_REV_BELOW},       {"YL-2019-0001", 0, 7},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    ck_assert_msg(proto_revlist_encode_snapshot(&bad[i], 1, 1, 0, key, &blob, &len) ==
                      PROTO_E_INVALID_ARG,
                  "entry %zu accepted", i);
  struct proto_rev_entry dup[2] = {{"YL-1", 0, PROTO_REV_EXACT}, {"YL-1", 0, PROTO_REV_EXACT}};
  ck_assert_int_eq(proto_revlist_encode_snapshot(dup, 2, 1, 0, key, &blob, &len),
                   PROTO_E_INVALID_ARG);
  ck_assert_int_eq(proto_revlist_encode_snapshot(dup, 1, 0, 0, key, &blob, &len),
                   PROTO_E_INVALID_ARG);
  ck_assert_int_eq(proto_revlist_encode_delta(NULL, 0, 3, 3, 0, key, &blob, &len),
                   PROTO_E_INVALID_ARG);
  /* A header claiming more entries than the limit. */
  uint8_t hdr[PROTO_REVLIST_HEADER_LEN + 2 + 8] = {'Y', 'H', 'R', 'L', 1, 1};
  struct proto_revlist_header h;
  hdr[15] = 1;
  hdr[32] = 0xff;
  ck_assert_int_eq(proto_revlist_peek(hdr, sizeof hdr, &h), PROTO_E_TOO_LARGE);
  proto_key_destroy(key);
}
END_TEST

/* --------------------------------------------------------------------- key -- */

START_TEST(key_files_and_signatures)
{
  char dir[] = "/tmp/proto-key-XXXXXX", priv[64], pub[64];
  ck_assert_ptr_nonnull(mkdtemp(dir));
  snprintf(priv, sizeof priv, "%s/k.pem", dir);
  snprintf(pub, sizeof pub, "%s/p.pem", dir);
  struct proto_key *k = NULL, *kp = NULL, *kq = NULL;
  ck_assert_int_eq(proto_key_generate(&k), PROTO_OK);
  ck_assert_int_eq(proto_key_write_private(k, priv), PROTO_OK);
  ck_assert_int_eq(proto_key_write_private(k, priv), PROTO_E_EXISTS);
  ck_assert_int_eq(proto_key_write_public(k, pub), PROTO_OK);
  ck_assert_int_eq(proto_key_load_public(pub, &kp, NULL, 0), PROTO_OK);
  ck_assert_int_eq(proto_key_load_private(priv, &kq, NULL, 0), PROTO_OK);
  ck_assert(!proto_key_has_private(kp));
  ck_assert(proto_key_has_private(kq));
  char id1[PROTO_KEY_ID_HEX + 1], id2[PROTO_KEY_ID_HEX + 1];
  ck_assert_int_eq(proto_key_id(k, id1), PROTO_OK);
  ck_assert_int_eq(proto_key_id(kp, id2), PROTO_OK);
  ck_assert_str_eq(id1, id2);
  uint8_t sig[PROTO_SIG_MAX];
  size_t n = 0;
  ck_assert_int_eq(proto_key_sign(kq, "abc", 3, sig, sizeof sig, &n), PROTO_OK);
  ck_assert_int_eq(proto_key_verify(kp, "abc", 3, sig, n), PROTO_OK);
  ck_assert_int_eq(proto_key_verify(kp, "abd", 3, sig, n), PROTO_E_SIGNATURE);
  ck_assert_int_eq(proto_key_sign(kp, "abc", 3, sig, sizeof sig, &n), PROTO_E_INVALID_ARG);
  ck_assert_int_eq(proto_key_sign(kq, "abc", 3, sig, 8, &n), PROTO_E_TOO_LARGE);
  struct proto_key *none = NULL;
  char why[160] = "";
  ck_assert_int_eq(proto_key_load_public("/nonexistent/p.pem", &none, why, sizeof why),
                   PROTO_E_NOT_FOUND);
  ck_assert_int_eq(proto_key_load_public(priv, &none, why, sizeof why), PROTO_E_CRYPTO);
  ck_assert_ptr_null(none);
  proto_key_destroy(k);
  proto_key_destroy(kp);
  proto_key_destroy(kq);
  unlink(priv);
  unlink(pub);
  rmdir(dir);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("proto");
  TCase *t = tcase_create("formats");
  tcase_add_test(t, event_canonical_and_hash);
  tcase_add_test(t, event_check_refuses);
  tcase_add_test(t, event_optional_fields);
  tcase_add_test(t, batch_optional_fields);
  tcase_add_test(t, cashier_fields);
  tcase_add_test(t, gate_fault_event);
  tcase_add_test(t, vocabulary);
  tcase_add_test(t, batch_field_table);
  tcase_add_test(t, batch_bytes);
  tcase_add_test(t, batch_round_trip);
  tcase_add_test(t, batch_refuses);
  tcase_add_test(t, revlist_round_trip);
  tcase_add_test(t, revlist_refuses);
  tcase_add_test(t, key_files_and_signatures);
  suite_add_tcase(s, t);
  return s;
}

int main(void)
{
  SRunner *r = srunner_create(suite());
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
