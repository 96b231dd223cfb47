/* Certificates and plaques, the cash-award ledger, the integrity-record export
 * (station/honours.h). Each output is composed in memory, then written once to a new
 * file (O_EXCL, 0600). */
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/award.h"
#include "common/token.h"
#include "station/honours.h"
#include "station/round.h"
#include "station_int.h"

/* Art. 14-17, one table: who issues the certificate, the plaque, the cash. */
static const struct station_honour honours[] = {
    {COMMON_AWARD_DONOR_STAR, "玉林市无偿献血委员会", 0, 0, "第十五条"},
    {COMMON_AWARD_VOLUNTEER_STAR, "玉林市人民政府", 0, 0, "第十六条"},
    {COMMON_AWARD_VOLUNTEER_LIFETIME, "玉林市人民政府", 1, 8000, "第十六条"},
    {COMMON_AWARD_LIFETIME_ACHIEVEMENT, "玉林市人民政府", 1, 10000, "第十七条"},
};

const struct station_honour *station_honour_of(int award)
{
  for (size_t i = 0; i < sizeof honours / sizeof honours[0]; i++)
    if (honours[i].award == award)
      return &honours[i];
  return NULL;
}

/* The round must be awarded; its award day and document number into day and doc. */
static int honours_round(struct station_db *db, const char *round_id, int32_t *day, char *doc,
                         size_t doc_cap, char *why, size_t cap)
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "SELECT state, awarded_day, award_doc FROM rounds WHERE id = ?1",
                              &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return station_why(why, cap, STATION_E_NOT_FOUND, "no round %s", round_id);
  }
  int state = sqlite3_column_int(st, 0);
  if (state < STATION_ROUND_AWARDED) {
    sqlite3_finalize(st);
    return station_why(why, cap, STATION_E_STATE,
                       "round %s is %s; missing step: %s (station round %s)", round_id,
                       station_round_state_name(state), station_round_state_step(state + 1),
                       station_round_state_cmd(state + 1));
  }
  *day = (int32_t)sqlite3_column_int64(st, 1);
  snprintf(doc, doc_cap, "%s", (const char *)sqlite3_column_text(st, 2));
  sqlite3_finalize(st);
  return STATION_OK;
}

/* Write buf to a new file, mode 0600; sha (may be NULL) gets its SHA-256 in hex. */
static int honours_write_new(const char *path, const char *buf, size_t len, char sha[65],
                             char *why, size_t cap)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return station_why(why, cap, errno == EEXIST ? STATION_E_EXISTS : STATION_E_IO,
                       "%s: %s", path, errno == EEXIST ? "exists (never overwritten)"
                                                       : strerror(errno));
  size_t off = 0;
  while (off < len) {
    ssize_t n = write(fd, buf + off, len - off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      close(fd);
      unlink(path);
      return station_why(why, cap, STATION_E_IO, "%s: write failed", path);
    }
    off += (size_t)n;
  }
  if (fsync(fd) != 0 || close(fd) != 0)
    return station_why(why, cap, STATION_E_IO, "%s: write failed", path);
  if (sha) {
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_Digest(buf, len, md, &mdlen, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
      snprintf(sha + 2 * i, 3, "%02x", md[i]);
  }
  return STATION_OK;
}

static const char cert_css[] =
    "@page{size:A4 landscape;margin:0}\n"
    "html,body{margin:0;padding:0;background:#fff;color:#000}\n"
    "body{font-family:\"Noto Serif CJK SC\",\"Noto Sans CJK SC\",serif}\n"
    ".cert{box-sizing:border-box;width:297mm;height:210mm;padding:22mm 28mm;"
    "border:6mm double #a0141e;position:relative;page-break-after:always;break-after:page;"
    "overflow:hidden}\n"
    ".cert:last-child{page-break-after:auto;break-after:auto}\n"
    "h1{font-size:40pt;letter-spacing:.5em;text-align:center;color:#a0141e;margin:6mm 0 14mm}\n"
    "p.body{font-size:20pt;line-height:2;text-indent:2em;margin:0}\n"
    "span.name{font-size:26pt;font-weight:bold;padding:0 .3em;border-bottom:1px solid #000}\n"
    "span.award{font-weight:bold}\n"
    ".sign{position:absolute;right:30mm;bottom:28mm;text-align:center;font-size:18pt;"
    "line-height:1.8}\n"
    ".doc{position:absolute;left:30mm;bottom:28mm;font-size:12pt}\n";

int station_certificates_write(struct station_db *db, const char *round_id, const char *dir,
                               struct station_cert_result *res, char *why, size_t why_cap)
{
  if (!db || !round_id || !dir || !res)
    return station_why(why, why_cap, STATION_E_INVALID_ARG, "a round and a folder are needed");
  memset(res, 0, sizeof *res);
  int32_t day;
  char doc[STATION_ROUND_REF_MAX + 1], d[16];
  int rc = honours_round(db, round_id, &day, doc, sizeof doc, why, why_cap);
  if (rc != STATION_OK)
    return rc;
  snprintf(res->html_path, sizeof res->html_path, "%s/certificates-%s.html", dir, round_id);
  snprintf(res->plaques_path, sizeof res->plaques_path, "%s/plaques-%s.csv", dir, round_id);
  char *hbuf = NULL, *pbuf = NULL;
  size_t hlen = 0, plen = 0;
  FILE *h = open_memstream(&hbuf, &hlen), *p = open_memstream(&pbuf, &plen);
  sqlite3_stmt *st = NULL;
  if (!h || !p) {
    rc = STATION_E_NO_MEMORY;
    goto out_free;
  }
  int y;
  unsigned m, dd;
  common_civil_from_days(day, &y, &m, &dd);
  fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n<title>荣誉证书 ",
        h);
  station_html_put(h, round_id);
  fprintf(h, "</title>\n<style>\n%s</style></head><body>\n", cert_css);
  fputs("\xEF\xBB\xBFround,award,title_zh,plaque_text,authority,award_doc,awarded_day,person_ref,"
        "name_masked\r\n", p);
  if ((rc = station_db_prepare(db, "SELECT a.person, a.award, a.level, p.name FROM awards a"
                                   " JOIN persons p ON p.id = a.person WHERE a.round = ?1 AND"
                                   " a.struck = ?2 ORDER BY a.award DESC, a.level DESC, a.person",
                               &st)) != STATION_OK)
    goto out_free;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, STATION_STRUCK_NONE);
  while (sqlite3_step(st) == SQLITE_ROW) {
    int award = sqlite3_column_int(st, 1);
    const struct station_honour *hon = station_honour_of(award);
    if (!hon)
      continue;
    char title[96], masked[STATION_NAME_MAX + 1], ref[24];
    const char *name = (const char *)sqlite3_column_text(st, 3);
    station_award_title_zh(award, (unsigned)sqlite3_column_int(st, 2), title, sizeof title);
    fputs("<section class=\"cert\"><h1>荣誉证书</h1>\n<p class=\"body\"><span class=\"name\">", h);
    station_html_put(h, name);
    fputs("</span>同志：</p>\n<p class=\"body\">根据《玉林市无偿献血奖励办法》，经评定、公示，"
          "授予您<span class=\"award\">", h);
    station_html_put(h, title);
    fputs("</span>称号。特发此证，以资鼓励。</p>\n<div class=\"doc\">", h);
    station_html_put(h, doc);
    fprintf(h, "</div>\n<div class=\"sign\">%s<br>%d年%u月%u日</div></section>\n",
            hon->authority_zh, y, m, dd);
    res->certificates++;
    if (hon->plaque) {
      snprintf(ref, sizeof ref, "P%lld", (long long)sqlite3_column_int64(st, 0));
      station_csv_put(p, round_id, 0);
      station_csv_put(p, common_award_info(award)->token, 0);
      station_csv_put(p, title, 0);
      station_csv_put(p, title, 0); /* the plaque carries the title; the name is engraved from
                               * the certificate batch, not sent to the engraver's list */
      station_csv_put(p, hon->authority_zh, 0);
      station_csv_put(p, doc, 0);
      station_csv_put(p, station_date_format(day, d, sizeof d), 0);
      station_csv_put(p, ref, 0);
      station_csv_put(p, station_mask_name(name, masked, sizeof masked), 1);
      res->plaques++;
    }
  }
  fputs("</body></html>\n", h);
  if (fclose(h) != 0 || fclose(p) != 0) {
    h = p = NULL;
    rc = STATION_E_NO_MEMORY;
    goto out_free;
  }
  h = p = NULL;
  if ((rc = honours_write_new(res->html_path, hbuf, hlen, NULL, why, why_cap)) != STATION_OK)
    goto out_free;
  if ((rc = honours_write_new(res->plaques_path, pbuf, plen, NULL, why, why_cap)) != STATION_OK)
    goto out_free;
out_free:
  sqlite3_finalize(st);
  if (h)
    fclose(h);
  if (p)
    fclose(p);
  if (hbuf)
    memset(hbuf, 0, hlen); /* full names */
  free(hbuf);
  free(pbuf);
  return rc;
}

/* --------------------------------------------------------------- ledger -- */

/* Make the ledger's rows for the round's cash awards (once; existing rows stay). */
static int ledger_fill(struct station_db *db, const char *round_id, int32_t day)
{
  sqlite3_stmt *st;
  int rc = station_db_prepare(db, "INSERT OR IGNORE INTO cash_awards(round, person, award,"
                                  " amount_yuan, due_day) SELECT a.round, a.person, a.award,"
                                  " CASE a.award WHEN ?2 THEN ?3 ELSE ?5 END, ?6 FROM awards a"
                                  " WHERE a.round = ?1 AND a.award IN (?2, ?4) AND a.struck = 0",
                              &st);
  if (rc != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, COMMON_AWARD_VOLUNTEER_LIFETIME);
  sqlite3_bind_int(st, 3, (int)station_honour_of(COMMON_AWARD_VOLUNTEER_LIFETIME)->cash_yuan);
  sqlite3_bind_int(st, 4, COMMON_AWARD_LIFETIME_ACHIEVEMENT);
  sqlite3_bind_int(st, 5, (int)station_honour_of(COMMON_AWARD_LIFETIME_ACHIEVEMENT)->cash_yuan);
  sqlite3_bind_int64(st, 6, day);
  return station_db_done(db, st, "ledger");
}

int station_ledger_csv(struct station_db *db, const char *round_id, FILE *out, char *why,
                       size_t why_cap)
{
  int32_t day;
  char doc[STATION_ROUND_REF_MAX + 1];
  if (!db || !round_id || !out)
    return STATION_E_INVALID_ARG;
  int rc = honours_round(db, round_id, &day, doc, sizeof doc, why, why_cap);
  if (rc != STATION_OK || (rc = ledger_fill(db, round_id, day)) != STATION_OK)
    return rc;
  sqlite3_stmt *st;
  if ((rc = station_db_prepare(db, "SELECT c.person, c.award, c.amount_yuan, c.due_day,"
                                   " c.paid_day, COALESCE(c.voucher, ''), a.struck, p.name,"
                                   " p.id_number FROM cash_awards c JOIN awards a ON"
                                   " a.round = c.round AND a.person = c.person AND"
                                   " a.award = c.award JOIN persons p ON p.id = c.person"
                                   " WHERE c.round = ?1 ORDER BY c.award DESC, c.person",
                               &st)) != STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  fputs("\xEF\xBB\xBFround,award,title_zh,amount_yuan,person_ref,name_masked,id_number_masked,"
        "due_day,status,paid_day,voucher\r\n", out);
  while (sqlite3_step(st) == SQLITE_ROW) {
    char ref[24], amount[24], d1[16], d2[16], name[STATION_NAME_MAX + 1],
        idno[COMMON_ID_LEN + 1];
    int award = sqlite3_column_int(st, 1);
    int paid = sqlite3_column_type(st, 4) != SQLITE_NULL;
    int struck = sqlite3_column_int(st, 6);
    /* Struck after payment: the money is out; the row says to recover it. */
    const char *status = struck ? (paid ? "RECOVER: struck after payment" : "cancelled: struck")
                                : (paid ? "paid" : "due");
    snprintf(ref, sizeof ref, "P%lld", (long long)sqlite3_column_int64(st, 0));
    snprintf(amount, sizeof amount, "%d", sqlite3_column_int(st, 2));
    station_csv_put(out, round_id, 0);
    station_csv_put(out, common_award_info(award)->token, 0);
    station_csv_put(out, common_award_info(award)->zh, 0);
    station_csv_put(out, amount, 0);
    station_csv_put(out, ref, 0);
    station_csv_put(out, station_mask_name((const char *)sqlite3_column_text(st, 7), name, sizeof name),
              0);
    station_csv_put(out, station_mask_idno((const char *)sqlite3_column_text(st, 8), idno), 0);
    station_csv_put(out, station_date_format((int32_t)sqlite3_column_int64(st, 3), d1, sizeof d1), 0);
    station_csv_put(out, status, 0);
    station_csv_put(out, paid ? station_date_format((int32_t)sqlite3_column_int64(st, 4), d2, sizeof d2)
                        : "", 0);
    station_csv_put(out, (const char *)sqlite3_column_text(st, 5), 1);
  }
  sqlite3_finalize(st);
  return fflush(out) == 0 ? STATION_OK : STATION_E_IO;
}

int station_ledger_pay(struct station_db *db, const char *round_id, int64_t person, int award,
                       int32_t day, const char *voucher, const char *who, int32_t today,
                       char *why, size_t why_cap)
{
  size_t vlen = voucher ? strlen(voucher) : 0;
  if (!db || !round_id || !who ||
      !common_token_valid_n(who, strlen(who), 32, COMMON_TOKEN_REF) || vlen == 0 ||
      vlen > STATION_ROUND_REF_MAX ||
      common_utf8_valid_prefix(voucher, vlen) != vlen || day > today)
    return station_why(why, why_cap, STATION_E_INVALID_ARG,
                       "a voucher reference (1-64 bytes), a day not after today and a staff id "
                       "are needed");
  int32_t aday;
  char doc[STATION_ROUND_REF_MAX + 1];
  int rc = station_db_exec(db, "BEGIN IMMEDIATE");
  if (rc != STATION_OK)
    return rc;
  if ((rc = honours_round(db, round_id, &aday, doc, sizeof doc, why, why_cap)) != STATION_OK ||
      (rc = ledger_fill(db, round_id, aday)) != STATION_OK)
    goto out_rollback;
  sqlite3_stmt *st;
  if ((rc = station_db_prepare(db, "SELECT c.paid_day IS NOT NULL, a.struck, r.state"
                                   " FROM cash_awards c JOIN awards a ON a.round = c.round AND"
                                   " a.person = c.person AND a.award = c.award JOIN rounds r ON"
                                   " r.id = c.round WHERE c.round = ?1 AND c.person = ?2 AND"
                                   " c.award = ?3", &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, person);
  sqlite3_bind_int(st, 3, award);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    rc = station_why(why, why_cap, STATION_E_NOT_FOUND,
                     "no cash award for this person and award in round %s", round_id);
    goto out_rollback;
  }
  int paid = sqlite3_column_int(st, 0), struck = sqlite3_column_int(st, 1);
  int state = sqlite3_column_int(st, 2);
  sqlite3_finalize(st);
  if (paid || struck) {
    rc = station_why(why, why_cap, STATION_E_STATE, paid ? "already paid" : "the award is struck");
    goto out_rollback;
  }
  if ((rc = station_db_prepare(db, "UPDATE cash_awards SET paid_day = ?4, voucher = ?5,"
                                   " paid_by = ?6 WHERE round = ?1 AND person = ?2 AND award = ?3",
                               &st)) != STATION_OK)
    goto out_rollback;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, person);
  sqlite3_bind_int(st, 3, award);
  sqlite3_bind_int64(st, 4, day);
  sqlite3_bind_text(st, 5, voucher, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, who, -1, SQLITE_STATIC);
  if ((rc = station_db_done(db, st, "payment")) != STATION_OK ||
      (rc = station_round_journal(db, round_id, state, "pay", who, day, voucher, NULL)) !=
          STATION_OK)
    goto out_rollback;
  return station_db_exec(db, "COMMIT");
out_rollback:
  station_db_rollback(db);
  return rc;
}

/* --------------------------------------------------------------- export -- */

int station_integrity_export(struct station_db *db, const char *round_id, const char *path,
                             const char *who, int32_t today, unsigned long *rows, char *why,
                             size_t why_cap)
{
  if (!db || !round_id || !path || !rows || !who ||
      !common_token_valid_n(who, strlen(who), 32, COMMON_TOKEN_REF))
    return station_why(why, why_cap, STATION_E_INVALID_ARG, "a round, a file and a staff id");
  *rows = 0;
  int32_t day;
  char doc[STATION_ROUND_REF_MAX + 1], d[16], sha[65];
  int rc = station_db_exec(db, "BEGIN IMMEDIATE");
  if (rc != STATION_OK)
    return rc;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = NULL;
  sqlite3_stmt *st = NULL;
  int state;
  if ((rc = honours_round(db, round_id, &day, doc, sizeof doc, why, why_cap)) != STATION_OK ||
      (rc = station_round_state(db, round_id, &state)) != STATION_OK)
    goto out_rollback;
  if (!(f = open_memstream(&buf, &len))) {
    rc = STATION_E_NO_MEMORY;
    goto out_rollback;
  }
  fputs("record_type,round,id_number,award,level,title_zh,authority,award_doc,awarded_day\r\n",
        f);
  if ((rc = station_db_prepare(db, "SELECT p.id_number, a.award, a.level FROM awards a"
                                   " JOIN persons p ON p.id = a.person WHERE a.round = ?1 AND"
                                   " a.struck = ?2 ORDER BY p.id_number, a.award", &st)) !=
      STATION_OK)
    goto out_rollback;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 2, STATION_STRUCK_NONE);
  while (sqlite3_step(st) == SQLITE_ROW) {
    int award = sqlite3_column_int(st, 1);
    unsigned level = (unsigned)sqlite3_column_int(st, 2);
    const struct station_honour *hon = station_honour_of(award);
    char title[96], lv[8];
    if (!hon)
      continue;
    snprintf(lv, sizeof lv, "%u", common_award_has_stars(award) ? level : 0);
    station_csv_put(f, "blood_donation_award", 0);
    station_csv_put(f, round_id, 0);
    station_csv_put(f, (const char *)sqlite3_column_text(st, 0), 0);
    station_csv_put(f, common_award_info(award)->token, 0);
    station_csv_put(f, lv, 0);
    station_csv_put(f, station_award_title_zh(award, level, title, sizeof title), 0);
    station_csv_put(f, hon->authority_zh, 0);
    station_csv_put(f, doc, 0);
    station_csv_put(f, station_date_format(day, d, sizeof d), 1);
    (*rows)++;
  }
  sqlite3_finalize(st);
  st = NULL;
  if (fclose(f) != 0) {
    f = NULL;
    rc = STATION_E_NO_MEMORY;
    goto out_rollback;
  }
  f = NULL;
  if ((rc = honours_write_new(path, buf, len, sha, why, why_cap)) != STATION_OK)
    goto out_rollback;
  if ((rc = station_db_prepare(db, "INSERT INTO exports(round, path, rows, sha256, who, day, at)"
                                   " VALUES(?1, ?2, ?3, ?4, ?5, ?6, strftime('%s', 'now'))",
                               &st)) != STATION_OK)
    goto out_unlink;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 3, (sqlite3_int64)*rows);
  sqlite3_bind_text(st, 4, sha, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, who, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 6, today);
  rc = station_db_done(db, st, "export log");
  st = NULL;
  char note[120];
  snprintf(note, sizeof note, "%lu rows, sha256 %.16s", *rows, sha);
  if (rc != STATION_OK ||
      (rc = station_round_journal(db, round_id, state, "export", who, today, "integrity record",
                                  note)) != STATION_OK ||
      (rc = station_db_exec(db, "COMMIT")) != STATION_OK)
    goto out_unlink;
  /* The log line: that it was exported, by whom, where, never what it holds. */
  fprintf(stderr, "round %s: integrity record exported by %s to %s (%lu rows, sha256 %s)\n",
          round_id, who, path, *rows, sha);
  memset(buf, 0, len);
  free(buf);
  return STATION_OK;
out_unlink:
  unlink(path); /* not logged, so not kept */
out_rollback:
  sqlite3_finalize(st);
  if (f)
    fclose(f);
  if (buf)
    memset(buf, 0, len);
  free(buf);
  station_db_rollback(db);
  return rc;
}
