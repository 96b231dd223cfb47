/*
 * Staff rosters (issue 13): the document's codec and the PIN's scrypt hash (proto), and
 * the centre end to end: `centre-admin staff add|disable|list|policy` on a real store,
 * the document rebuilt and published on every change, served signed over mutual TLS to
 * the terminals of that site only (netsync as the client), and refused when the
 * signature is not the centre's.
 */
#include <check.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/date.h"
#include "netsync/netsync.h"
#include "proto/roster.h"
#include "synctest.h"

static char pki_dir[512];
static const char *const terms[] = {"T01", "T02"};

#define HASH_A                                                                           \
  "scrypt$15$8$1$00112233445566778899aabbccddeeff$"                                      \
  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* ---------------------------------------------------------------- codec -- */

START_TEST(roster_parses_and_encodes_back)
{
  const char *doc = "yh-roster 1\nsite park.guishan\npolicy 8 3 10 20\n"
                    "staff S07 staff 2026-01-01 2026-12-31 " HASH_A " 王小明\n"
                    "staff S08 supervisor 2026-01-01 2027-12-31 " HASH_A " Li Na\n";
  struct proto_roster *r = NULL;
  char why[200];
  ck_assert_int_eq(proto_roster_parse(doc, strlen(doc), &r, why, sizeof why), PROTO_OK);
  ck_assert_str_eq(r->site, "park.guishan");
  ck_assert_uint_eq(r->count, 2);
  ck_assert_uint_eq(r->policy.pin_min, 8);
  ck_assert_uint_eq(r->policy.failures, 3);
  ck_assert_uint_eq(r->policy.lock_minutes, 10);
  ck_assert_uint_eq(r->policy.idle_minutes, 20);
  const struct proto_roster_entry *e = proto_roster_find(r, "S08");
  ck_assert_ptr_nonnull(e);
  ck_assert_int_eq(e->role, PROTO_ROLE_SUPERVISOR);
  ck_assert_str_eq(e->name, "Li Na");
  ck_assert_int_eq(e->to_day, common_days_from_civil(2027, 12, 31));
  ck_assert_ptr_null(proto_roster_find(r, "S09"));
  char *text;
  size_t len;
  ck_assert_int_eq(proto_roster_encode(r->site, &r->policy, r->entry, r->count, &text, &len),
                   PROTO_OK);
  ck_assert_str_eq(text, doc);
  ck_assert_uint_eq(len, strlen(doc));
  free(text);
  proto_roster_free(r);
  /* without a policy line: the defaults */
  const char *bare = "yh-roster 1\nsite s1\n";
  ck_assert_int_eq(proto_roster_parse(bare, strlen(bare), &r, NULL, 0), PROTO_OK);
  ck_assert_uint_eq(r->count, 0);
  ck_assert_uint_eq(r->policy.pin_min, 6);
  ck_assert_uint_eq(r->policy.failures, 5);
  proto_roster_free(r);
}
END_TEST

/* Every malformed, truncated or hostile document is refused whole, with a reason that
 * names a line and never quotes it. */
START_TEST(roster_refuses_bad_documents)
{
  static const char *const bad[] = {
      "",
      "yh-roster 1\n",
      "yh-roster 2\nsite s\n",
      "yh-roster 1\r\nsite s\r\n",
      "yh-roster 1\nsite s", /* no newline */
      "yh-roster 1\nsite 450902198506121232\n",
      "yh-roster 1\nsite s\npolicy 5 5 15 30\n",   /* a PIN of 5 digits */
      "yh-roster 1\nsite s\npolicy 6 0 15 30\n",
      "yh-roster 1\nsite s\npolicy 6 5 15\n",
      "yh-roster 1\nsite s\npolicy 06 5 15 30\n",
      "yh-roster 1\nsite s\nstaff S07 staff 2026-01-01 2026-12-31 " HASH_A "\n", /* no name */
      "yh-roster 1\nsite s\nstaff S07 staff 2026-01-01 2026-12-31 " HASH_A " 王小明", /* cut */
      "yh-roster 1\nsite s\nstaff S07 boss 2026-01-01 2026-12-31 " HASH_A " X\n",
      "yh-roster 1\nsite s\nstaff S07 staff 2026-12-31 2026-01-01 " HASH_A " X\n",
      "yh-roster 1\nsite s\nstaff S07 staff 2026-02-30 2026-12-31 " HASH_A " X\n",
      "yh-roster 1\nsite s\nstaff 450902198506121232 staff 2026-01-01 2026-12-31 " HASH_A " X\n",
      "yh-roster 1\nsite s\nstaff S|7 staff 2026-01-01 2026-12-31 " HASH_A " X\n",
      "yh-roster 1\nsite s\nstaff S07 staff 2026-01-01 2026-12-31 " HASH_A " \x01X\n",
      "yh-roster 1\nsite s\nstaff S07 staff 2026-01-01 2026-12-31 " HASH_A " \xff\n",
      "yh-roster 1\nsite s\nstaff S07 staff 2026-01-01 2026-12-31 " HASH_A "  X\n",
      "yh-roster 1\nsite s\nstaff S07 staff 2026-01-01 2026-12-31 sha256$ab$cd X\n",
      "yh-roster 1\nsite s\nstaff S07 staff 2026-01-01 2026-12-31 "
      "scrypt$30$8$1$00112233445566778899aabbccddeeff$"
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef X\n", /* 2^30 */
      "yh-roster 1\nsite s\nstaff S07 staff 2026-01-01 2026-12-31 "
      "scrypt$15$99$1$00112233445566778899aabbccddeeff$"
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef X\n",
      "yh-roster 1\nsite s\nstaff S07 staff 2026-01-01 2026-12-31 "
      "scrypt$15$8$1$00112233445566778899AABBCCDDEEFF$"
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef X\n",
      "yh-roster 1\nsite s\nstaff S07 staff 2026-01-01 2026-12-31 " HASH_A " X\n"
      "staff S07 staff 2026-01-01 2026-12-31 " HASH_A " Y\n",
      "yh-roster 1\nsite s\nstaff S07 staff 2026-01-01 2026-12-31 " HASH_A
      " NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN\n", /* 65 bytes */
      "yh-roster 1\nsite s\nsite t\n",
      "yh-roster 1\nsite s\n\n",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    struct proto_roster *r = (struct proto_roster *)1;
    char why[200] = "";
    int rc = proto_roster_parse(bad[i], strlen(bad[i]), &r, why, sizeof why);
    ck_assert_msg(rc != PROTO_OK, "case %zu accepted", i);
    ck_assert_ptr_null(r);
    ck_assert_msg(!strstr(why, "S07") && !strstr(why, "450902"), "case %zu quotes: %s", i, why);
  }
  /* oversized: over the byte bound, and over the staff bound */
  size_t big = PROTO_ROSTER_DOC_MAX + 1;
  char *buf = malloc(big + 1);
  memset(buf, '\n', big);
  struct proto_roster *r;
  ck_assert_int_eq(proto_roster_parse(buf, big, &r, NULL, 0), PROTO_E_TOO_LARGE);
  size_t pos = (size_t)sprintf(buf, "yh-roster 1\nsite s\n");
  for (unsigned i = 0; i <= PROTO_ROSTER_MAX; i++)
    pos += (size_t)sprintf(buf + pos, "staff S%u staff 2026-01-01 2026-12-31 %s X\n", i, HASH_A);
  ck_assert_uint_le(pos, big);
  ck_assert_int_eq(proto_roster_parse(buf, pos, &r, NULL, 0), PROTO_E_TOO_LARGE);
  free(buf);
}
END_TEST

START_TEST(pin_hash_is_scrypt_with_salt)
{
  char h1[PROTO_PIN_HASH_MAX + 1], h2[PROTO_PIN_HASH_MAX + 1];
  ck_assert_int_eq(proto_pin_hash("246810", h1, sizeof h1), PROTO_OK);
  ck_assert_int_eq(proto_pin_hash("246810", h2, sizeof h2), PROTO_OK);
  ck_assert_str_ne(h1, h2); /* a fresh salt each time */
  ck_assert_int_eq(strncmp(h1, "scrypt$15$8$1$", 14), 0);
  ck_assert_int_eq(proto_pin_hash_check(h1), PROTO_OK);
  ck_assert_ptr_null(strstr(h1, "246810"));
  ck_assert_int_eq(proto_pin_verify(h1, "246810"), 1);
  ck_assert_int_eq(proto_pin_verify(h2, "246810"), 1);
  ck_assert_int_eq(proto_pin_verify(h1, "246811"), 0);
  ck_assert_int_eq(proto_pin_verify(h1, ""), 0);
  ck_assert_int_eq(proto_pin_verify(h1, "24681a"), 0);
  ck_assert_int_eq(proto_pin_verify("sha256$x$00", "246810"), PROTO_E_MALFORMED);
  /* RFC 7914's parameters give the same key every time: a fixed salt, a fixed hash */
  static const uint8_t salt[16] = {0};
  ck_assert_int_eq(proto_pin_hash_with("123456", 10, 8, 1, salt, h1, sizeof h1), PROTO_OK);
  ck_assert_int_eq(proto_pin_hash_with("123456", 10, 8, 1, salt, h2, sizeof h2), PROTO_OK);
  ck_assert_str_eq(h1, h2);
  ck_assert_int_eq(proto_pin_verify(h1, "123456"), 1);
  /* bounds: no PIN, letters, too long, parameters out of range */
  ck_assert_int_eq(proto_pin_hash("", h1, sizeof h1), PROTO_E_INVALID_ARG);
  ck_assert_int_eq(proto_pin_hash("12345678901234567", h1, sizeof h1), PROTO_E_INVALID_ARG);
  ck_assert_int_eq(proto_pin_hash_with("123456", 18, 8, 1, salt, h1, sizeof h1),
                   PROTO_E_INVALID_ARG);
}
END_TEST

/* --------------------------------------------------------------- centre -- */

static void fresh(struct synctest_centre *c, const char *tag)
{
  ck_assert_int_eq(synctest_centre_fresh(c, pki_dir, tag), 0);
  ck_assert_msg(synctest_centre_start(c, NULL) == 0, "centre did not start");
}

/* A sink that keeps the last roster netsync hands over. */
struct sink {
  uint64_t version;
  char doc[4096];
  int calls;
};

static int s_doc_version(void *ctx, const char *kind, uint64_t *v)
{
  struct sink *s = ctx;
  *v = strcmp(kind, "roster") == 0 ? s->version : 0;
  return 0;
}

static int s_apply_doc(void *ctx, const char *kind, uint64_t version, const char *content,
                       size_t len)
{
  struct sink *s = ctx;
  if (strcmp(kind, "roster") != 0 || len >= sizeof s->doc)
    return -1;
  memcpy(s->doc, content, len + 1);
  s->version = version;
  s->calls++;
  return 0;
}

static const struct netsync_sink_ops sink_ops = {NULL, NULL, s_doc_version, s_apply_doc, NULL};

/* centre-admin with stdout into out (may be NULL), stdin from in (may be NULL). */
static int admin(const struct synctest_centre *c, const char *in, char *out, size_t cap,
                 const char *args)
{
  char cmd[3000], path[600];
  synctest_admin(c, NULL, "terminal", "list", NULL); /* writes the conf */
  snprintf(path, sizeof path, "%s/admin.out", c->dir);
  snprintf(cmd, sizeof cmd, "%s%s%s'%s' --config '%s' %s > '%s' 2>&1", in ? "printf '" : "",
           in ? in : "", in ? "\\n' | " : "", CENTRE_ADMIN_PATH, c->conf, args, path);
  int st = system(cmd);
  if (out) {
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(out, 1, cap - 1, f) : 0;
    out[n] = '\0';
    if (f)
      fclose(f);
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static struct netsync *term_ns(struct synctest_centre *c, const char *id, const char *site,
                               struct synctest_paths *p, struct netsync_config *cfg,
                               struct synctest_journal **j, struct sink *s)
{
  char path[700];
  struct netsync *ns;
  ck_assert_int_eq(synctest_admin(c, NULL, "terminal", "register", id, site, NULL), 0);
  snprintf(path, sizeof path, "%s/journal-%s.db", c->dir, id);
  ck_assert_int_eq(synctest_journal_open(path, id, site, j), 0);
  synctest_netsync_config(c, id, p, cfg);
  ck_assert_int_eq(netsync_create(cfg, &netsync_kiosk_journal_ops, synctest_journal_kiosk(*j),
                                  &sink_ops, s, &ns),
                   NETSYNC_OK);
  return ns;
}

START_TEST(admin_edits_and_the_site_gets_its_signed_roster)
{
  struct synctest_centre c;
  struct synctest_paths p1, p2;
  struct netsync_config cfg1, cfg2;
  struct synctest_journal *j1, *j2;
  static struct sink s1, s2;
  static char out[8192];
  char pinfile[600], args[1000];
  memset(&s1, 0, sizeof s1);
  memset(&s2, 0, sizeof s2);
  fresh(&c, "roster");
  struct netsync *ns1 = term_ns(&c, "T01", "park.guishan", &p1, &cfg1, &j1, &s1);
  struct netsync *ns2 = term_ns(&c, "T02", "park.longzhuhu", &p2, &cfg2, &j2, &s2);

  /* nothing yet: 204, nothing applied */
  ck_assert_int_eq(netsync_fetch_doc(ns1, "roster"), NETSYNC_OK);
  ck_assert_int_eq(s1.calls, 0);

  snprintf(pinfile, sizeof pinfile, "%s/pin", c.dir);
  FILE *f = fopen(pinfile, "w");
  fputs("246810\n", f);
  fclose(f);
  snprintf(args, sizeof args,
           "staff add park.guishan S07 --name '王小明' --from 2026-01-01 --to 2099-12-31 "
           "--pin-file '%s'", pinfile);
  ck_assert_int_eq(admin(&c, NULL, out, sizeof out, args), 0);
  ck_assert_msg(strstr(out, "roster park.guishan version 1"), "%s", out);
  /* the PIN from stdin, a supervisor */
  ck_assert_int_eq(admin(&c, "13579135", out, sizeof out,
                         "staff add park.guishan S08 --name 'Li Na' --role supervisor"),
                   0);
  ck_assert_msg(strstr(out, "version 2"), "%s", out);
  /* refused: a short PIN, letters, no PIN, an active id again, an ID number as id */
  ck_assert_int_eq(admin(&c, "12345", out, sizeof out, "staff add park.guishan S09 --name X"), 2);
  ck_assert_msg(!strstr(out, "12345"), "the PIN quoted: %s", out);
  ck_assert_int_eq(admin(&c, "12345a", out, sizeof out, "staff add park.guishan S09 --name X"), 2);
  ck_assert_int_eq(admin(&c, NULL, out, sizeof out,
                         "staff add park.guishan S09 --name X < /dev/null"),
                   2);
  ck_assert_int_eq(admin(&c, "24681012", out, sizeof out, "staff add park.guishan S07 --name X"),
                   1);
  ck_assert_int_eq(admin(&c, "24681012", out, sizeof out,
                         "staff add park.guishan 450902198506121232 --name X"),
                   2);
  ck_assert_int_eq(admin(&c, NULL, out, sizeof out, "staff list park.guishan"), 0);
  ck_assert_msg(strstr(out, "park.guishan,S07,staff,2026-01-01,2099-12-31,active,\"王*明\""),
                "%s", out);
  ck_assert_msg(strstr(out, "park.guishan,S08,supervisor,"), "%s", out);
  ck_assert_msg(!strstr(out, "scrypt") && !strstr(out, "王小明"), "%s", out);

  /* the site's terminal gets version 2 with both; another site's gets nothing */
  ck_assert_int_eq(netsync_fetch_doc(ns1, "roster"), NETSYNC_OK);
  ck_assert_int_eq(s1.calls, 1);
  ck_assert_uint_eq(s1.version, 2);
  struct proto_roster *r;
  ck_assert_int_eq(proto_roster_parse(s1.doc, strlen(s1.doc), &r, NULL, 0), PROTO_OK);
  ck_assert_str_eq(r->site, "park.guishan");
  ck_assert_uint_eq(r->count, 2);
  ck_assert_int_eq(proto_pin_verify(proto_roster_find(r, "S07")->pin_hash, "246810"), 1);
  ck_assert_int_eq(proto_pin_verify(proto_roster_find(r, "S08")->pin_hash, "13579135"), 1);
  proto_roster_free(r);
  ck_assert_int_eq(netsync_fetch_doc(ns2, "roster"), NETSYNC_OK);
  ck_assert_int_eq(s2.calls, 0);
  ck_assert_int_eq(netsync_fetch_doc(ns1, "roster"), NETSYNC_OK); /* current: 204 */
  ck_assert_int_eq(s1.calls, 1);

  /* disable: version 3 without S07; S07 again enabled with a new PIN is version 4 */
  ck_assert_int_eq(admin(&c, NULL, out, sizeof out, "staff disable park.guishan S07"), 0);
  ck_assert_int_eq(admin(&c, NULL, out, sizeof out, "staff disable park.guishan S07"), 1);
  ck_assert_int_eq(netsync_fetch_doc(ns1, "roster"), NETSYNC_OK);
  ck_assert_uint_eq(s1.version, 3);
  ck_assert_int_eq(proto_roster_parse(s1.doc, strlen(s1.doc), &r, NULL, 0), PROTO_OK);
  ck_assert_ptr_null(proto_roster_find(r, "S07"));
  ck_assert_ptr_nonnull(proto_roster_find(r, "S08"));
  proto_roster_free(r);
  ck_assert_int_eq(admin(&c, NULL, out, sizeof out, "staff list"), 0);
  ck_assert_msg(strstr(out, ",S07,staff,2026-01-01,2099-12-31,disabled,"), "%s", out);

  /* policy: a PIN of 8 at least, published as the next version */
  ck_assert_int_eq(admin(&c, NULL, out, sizeof out,
                         "staff policy park.guishan --pin-min 8 --failures 3"),
                   0);
  ck_assert_int_eq(admin(&c, NULL, out, sizeof out, "staff policy park.guishan --pin-min 4"), 2);
  ck_assert_int_eq(admin(&c, "246810", out, sizeof out, "staff add park.guishan S09 --name X"),
                   2);
  ck_assert_int_eq(netsync_fetch_doc(ns1, "roster"), NETSYNC_OK);
  ck_assert_uint_eq(s1.version, 4);
  ck_assert_msg(strstr(s1.doc, "\npolicy 8 3 15 30\n"), "%s", s1.doc);

  /* the same document under another signing key is refused, nothing applied */
  netsync_destroy(ns1);
  s1.version = 0;
  s1.calls = 0;
  snprintf(p1.sign, sizeof p1.sign, "%s/other-sign.pub", c.dir);
  ck_assert_int_eq(netsync_create(&cfg1, &netsync_kiosk_journal_ops, synctest_journal_kiosk(j1),
                                  &sink_ops, &s1, &ns1),
                   NETSYNC_OK);
  ck_assert_int_eq(netsync_fetch_doc(ns1, "roster"), NETSYNC_E_SIGNATURE);
  ck_assert_int_eq(s1.calls, 0);
  netsync_destroy(ns1);
  netsync_destroy(ns2);
  synctest_journal_close(j1);
  synctest_journal_close(j2);
  synctest_centre_stop(&c);
}
END_TEST

int main(void)
{
  if (synctest_process_init(pki_dir, sizeof pki_dir, terms, sizeof terms / sizeof terms[0]) != 0)
    return 1;
  Suite *s = suite_create("centre_roster");
  TCase *tc = tcase_create("roster");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, roster_parses_and_encodes_back);
  tcase_add_test(tc, roster_refuses_bad_documents);
  tcase_add_test(tc, pin_hash_is_scrypt_with_salt);
  tcase_add_test(tc, admin_edits_and_the_site_gets_its_signed_roster);
  suite_add_tcase(s, tc);
  return synctest_run_suite(s);
}
