/*
 * The tariff document's parser (proto/tariff.h), table-driven: the worked example of
 * docs/sync-protocol.md, then each way a document can be truncated, oversized or
 * malicious, each refused with a line number and without quoting the input.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "proto/tariff.h"

static const char example[] =
    "# yh-tariff/1: the fees this hospital's cashier terminals waive (docs/sync-protocol.md)\n"
    "[tariff]\nformat = yh-tariff/1\nsite = hospital.yl-first\nversion = 4\nissued = 2026-12-01\n"
    "\n[item.1]\nvisit = inpatient\nfee_fen = 2000\nfrom = 2026-01-01\n"
    "\n[item.2]\nvisit = outpatient\nfee_fen = 1500\nfrom = 2026-01-01\nto = 2026-12-31\n"
    "\n[item.3]\nvisit = outpatient\nfee_fen = 1800\nfrom = 2027-01-01\n";

static int32_t day(const char *s)
{
  int32_t d;
  ck_assert_int_eq(common_date_parse(s, strlen(s), &d), COMMON_OK);
  return d;
}

START_TEST(worked_example)
{
  struct proto_tariff t;
  char why[160];
  ck_assert_int_eq(proto_tariff_parse(example, strlen(example), &t, why, sizeof why), PROTO_OK);
  ck_assert_str_eq(t.site, "hospital.yl-first");
  ck_assert_uint_eq(t.version, 4);
  ck_assert_uint_eq(t.count, 3);
  ck_assert_int_eq(t.issued_day, day("2026-12-01"));
  /* the fee in force per day, both ends of each period inclusive */
  const struct {
    int visit;
    const char *day;
    int64_t fee; /* 0: none */
  } q[] = {{PROTO_VISIT_OUTPATIENT, "2025-12-31", 0},  {PROTO_VISIT_OUTPATIENT, "2026-01-01", 1500},
           {PROTO_VISIT_OUTPATIENT, "2026-12-31", 1500}, {PROTO_VISIT_OUTPATIENT, "2027-01-01", 1800},
           {PROTO_VISIT_OUTPATIENT, "2099-06-30", 1800}, {PROTO_VISIT_INPATIENT, "2026-01-01", 2000},
           {PROTO_VISIT_INPATIENT, "2025-12-31", 0},     {PROTO_VISIT_EMERGENCY, "2026-06-01", 0},
           {PROTO_VISIT_NONE, "2026-06-01", 0}};
  for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
    const struct proto_tariff_item *it = proto_tariff_find(&t, q[i].visit, day(q[i].day));
    ck_assert_msg((it ? it->fee_fen : 0) == q[i].fee, "%d on %s", q[i].visit, q[i].day);
  }
}
END_TEST

/* One change to the example, and whether it is still a tariff. */
static const struct bad {
  const char *what, *from, *to;
  int rc;
} bads[] = {
    {"overlapping periods", "from = 2027-01-01", "from = 2026-06-01", PROTO_E_MALFORMED},
    {"fee above the bound", "fee_fen = 2000", "fee_fen = 100001", PROTO_E_MALFORMED},
    {"fee zero", "fee_fen = 2000", "fee_fen = 0", PROTO_E_MALFORMED},
    {"fee negative", "fee_fen = 2000", "fee_fen = -1", PROTO_E_MALFORMED},
    {"fee overflowing", "fee_fen = 2000", "fee_fen = 99999999999999999999999", PROTO_E_MALFORMED},
    {"fee with a blank", "fee_fen = 2000", "fee_fen = 20 00", PROTO_E_MALFORMED},
    {"items out of order", "[item.2]", "[item.3]", PROTO_E_MALFORMED},
    {"item with a leading zero", "[item.1]", "[item.01]", PROTO_E_MALFORMED},
    {"unknown key", "issued =", "extra = 1\nissued =", PROTO_E_MALFORMED},
    {"unknown section", "\n[item.1]", "\n[notes]\nx = 1\n[item.1]", PROTO_E_MALFORMED},
    {"a key twice", "fee_fen = 2000", "fee_fen = 2000\nfee_fen = 1", PROTO_E_MALFORMED},
    {"an item first", "[tariff]", "[item.0]", PROTO_E_MALFORMED},
    {"to before from", "to = 2026-12-31", "to = 2025-12-31", PROTO_E_MALFORMED},
    {"no such day", "from = 2026-01-01\n\n[item.2]", "from = 2026-02-30\n\n[item.2]",
     PROTO_E_MALFORMED},
    {"site shaped like an ID number", "hospital.yl-first", "450902198506121232",
     PROTO_E_MALFORMED},
    {"another format", "yh-tariff/1\nsite", "yh-tariff/2\nsite", PROTO_E_MALFORMED},
    {"item without from", "fee_fen = 2000\nfrom = 2026-01-01\n", "fee_fen = 2000\n",
     PROTO_E_MALFORMED},
    {"head without version", "version = 4\n", "", PROTO_E_MALFORMED},
    {"version zero", "version = 4", "version = 0", PROTO_E_MALFORMED},
    {"unknown visit", "visit = inpatient", "visit = dental", PROTO_E_MALFORMED},
    {"an empty value", "issued = 2026-12-01", "issued =", PROTO_E_MALFORMED},
    {"a lone CR", "version = 4\n", "version = 4\r\r\n", PROTO_E_MALFORMED},
};

START_TEST(malformed_refused)
{
  const struct bad *b = &bads[_i];
  char doc[4096], why[160] = "";
  const char *at = strstr(example, b->from);
  ck_assert_ptr_nonnull(at);
  snprintf(doc, sizeof doc, "%.*s%s%s", (int)(at - example), example, b->to, at + strlen(b->from));
  struct proto_tariff t, zero;
  memset(&zero, 0, sizeof zero);
  ck_assert_msg(proto_tariff_parse(doc, strlen(doc), &t, why, sizeof why) == b->rc, "%s", b->what);
  ck_assert_msg(memcmp(&t, &zero, sizeof t) == 0, "%s: output not zeroed", b->what);
  ck_assert_msg(strncmp(why, "line ", 5) == 0, "%s: %s", b->what, why);
  ck_assert_msg(!strstr(why, "450902") && !strstr(why, "dental"), "%s quotes the input", b->what);
}
END_TEST

START_TEST(truncated_at_every_byte)
{
  /* Cut anywhere, the example is a smaller tariff or refused: never read past its end. */
  size_t n = strlen(example);
  unsigned ok = 0;
  for (size_t cut = 0; cut < n; cut++) {
    char *copy = malloc(cut ? cut : 1); /* exactly cut bytes: ASan sees an overread */
    memcpy(copy, example, cut);
    struct proto_tariff t;
    if (proto_tariff_parse(copy, cut, &t, NULL, 0) == PROTO_OK)
      ok++;
    free(copy);
  }
  printf("truncations: %zu, still a tariff: %u\n", n, ok);
  ck_assert_uint_lt(ok, n);
}
END_TEST

START_TEST(bounds)
{
  /* 64 items is the most; 65 is refused; a document over 16 KiB is refused unread. */
  char *doc = malloc(PROTO_TARIFF_DOC_MAX * 2);
  char why[160];
  struct proto_tariff t;
  int len = snprintf(doc, PROTO_TARIFF_DOC_MAX, "[tariff]\nformat = yh-tariff/1\nsite = h.x\n"
                                                 "version = 1\nissued = 2026-12-01\n");
  for (int i = 0; i < 65; i++) {
    if (i == 64) {
      ck_assert_int_eq(proto_tariff_parse(doc, (size_t)len, &t, why, sizeof why), PROTO_OK);
      ck_assert_uint_eq(t.count, 64);
    }
    len += snprintf(doc + len, 256, "[item.%d]\nvisit = outpatient\nfee_fen = 1\nfrom = %04d-01-01\n"
                                    "to = %04d-12-31\n", i + 1, 2030 + i, 2030 + i);
  }
  ck_assert_int_eq(proto_tariff_parse(doc, (size_t)len, &t, why, sizeof why), PROTO_E_MALFORMED);
  ck_assert_ptr_nonnull(strstr(why, "too many"));
  memset(doc, '#', PROTO_TARIFF_DOC_MAX + 1);
  ck_assert_int_eq(proto_tariff_parse(doc, PROTO_TARIFF_DOC_MAX + 1, &t, why, sizeof why),
                   PROTO_E_TOO_LARGE);
  ck_assert_int_eq(proto_tariff_parse(NULL, 0, &t, why, sizeof why), PROTO_E_MALFORMED);
  ck_assert_int_eq(proto_tariff_parse(example, 3, NULL, why, sizeof why), PROTO_E_INVALID_ARG);
  free(doc);
}
END_TEST

static Suite *suite(void)
{
  Suite *s = suite_create("tariff");
  TCase *tc = tcase_create("parse");
  tcase_add_test(tc, worked_example);
  tcase_add_loop_test(tc, malformed_refused, 0, (int)(sizeof bads / sizeof bads[0]));
  tcase_add_test(tc, truncated_at_every_byte);
  tcase_add_test(tc, bounds);
  suite_add_tcase(s, tc);
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
