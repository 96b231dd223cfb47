/* The public notice (公示, Measures Art. 12) of a round: CSV and a printable HTML page.
 * Only masked names and ID numbers leave the database here. */
#include <stdio.h>
#include <string.h>

#include "station_int.h"

/* ------------------------------------------------------------------ CSV -- */

struct notice_ctx {
  FILE *out;
  const char *round;
  int last_award; /* HTML: the section being written */
  unsigned long count;
};

static int notice_csv_row(void *user, const struct station_awardee *a)
{
  struct notice_ctx *c = user;
  char title[96], level[8];
  station_award_title_zh(a->award, a->level, title, sizeof title);
  snprintf(level, sizeof level, "%u", a->level);
  station_csv_put(c->out, c->round, 0);
  station_csv_put(c->out, station_award_token(a->award), 0);
  station_csv_put(c->out, level, 0);
  station_csv_put(c->out, title, 0);
  station_csv_put(c->out, a->masked_name, 0);
  station_csv_put(c->out, a->masked_idno, 0);
  station_csv_put(c->out, a->card_eligible ? "是" : "否", 1);
  c->count++;
  return ferror(c->out) ? STATION_E_IO : STATION_OK;
}

int station_notice_csv(struct station_db *db, const char *round_id, FILE *out)
{
  int32_t cutoff;
  int rc = station_round_cutoff(db, round_id, &cutoff);
  if (rc != STATION_OK || !out)
    return rc != STATION_OK ? rc : STATION_E_INVALID_ARG;
  /* The BOM tells spreadsheet programs that the file is UTF-8. */
  fputs("\xEF\xBB\xBF", out);
  fputs("round,award,level,title_zh,name_masked,id_number_masked,card_eligible\r\n", out);
  struct notice_ctx c = {out, round_id, 0, 0};
  rc = station_round_awardees(db, round_id, notice_csv_row, &c);
  if (rc == STATION_OK && fflush(out) != 0)
    rc = STATION_E_IO;
  return rc;
}

/* ----------------------------------------------------------------- HTML -- */

static const char notice_css[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\","
    "sans-serif;margin:2em;color:#000;background:#fff}\n"
    "h1{font-size:20pt;text-align:center;margin-bottom:.2em}\n"
    "p.sub{text-align:center;margin-top:0}\n"
    "h2{font-size:14pt;border-bottom:1px solid #000;margin-top:1.5em}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{border:1px solid #000;padding:.25em .5em;text-align:left;font-size:11pt}\n"
    "th{background:#eee}\n"
    "td.n{text-align:right;width:3em}\n"
    "td.id{font-family:\"Noto Sans Mono CJK SC\",monospace}\n"
    "p.foot{margin-top:2em;font-size:10pt}\n"
    "@page{size:A4;margin:18mm 15mm}\n"
    "@media print{body{margin:0}h2{break-after:avoid;page-break-after:avoid}"
    "thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}"
    "th{background:none}}\n";

static int notice_html_row(void *user, const struct station_awardee *a)
{
  struct notice_ctx *c = user;
  char title[96];
  if (a->award != c->last_award) {
    if (c->last_award)
      fputs("</tbody></table>\n", c->out);
    fputs("<h2>", c->out);
    station_html_put(c->out, station_award_zh(a->award));
    fputs("</h2>\n<table><thead><tr><th>序号</th><th>奖项</th><th>姓名</th><th>身份证号</th>"
          "<th>可办理荣誉卡</th></tr></thead><tbody>\n", c->out);
    c->last_award = a->award;
    c->count = 0;
  }
  station_award_title_zh(a->award, a->level, title, sizeof title);
  fprintf(c->out, "<tr><td class=\"n\">%lu</td><td>", ++c->count);
  station_html_put(c->out, title);
  fputs("</td><td>", c->out);
  station_html_put(c->out, a->masked_name);
  fputs("</td><td class=\"id\">", c->out);
  station_html_put(c->out, a->masked_idno);
  fprintf(c->out, "</td><td>%s</td></tr>\n", a->card_eligible ? "是" : "否");
  return ferror(c->out) ? STATION_E_IO : STATION_OK;
}

int station_notice_html(struct station_db *db, const char *round_id, FILE *out)
{
  int32_t cutoff;
  char day[16];
  int rc = station_round_cutoff(db, round_id, &cutoff);
  if (rc != STATION_OK || !out)
    return rc != STATION_OK ? rc : STATION_E_INVALID_ARG;
  fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\n<title>", out);
  fputs("玉林市无偿献血奖励评定结果公示（", out);
  station_html_put(out, round_id);
  fputs("）</title>\n<style>\n", out);
  fputs(notice_css, out);
  fputs("</style></head><body>\n<h1>玉林市无偿献血奖励评定结果公示</h1>\n<p class=\"sub\">评定轮次：",
        out);
  station_html_put(out, round_id);
  fprintf(out, "　统计截止日期：%s</p>\n", station_date_format(cutoff, day, sizeof day));
  fputs("<p>根据《玉林市无偿献血奖励办法》（玉政规〔2018〕5号）第十一条、第十二条，"
        "现将本轮无偿献血奖励拟获奖人员名单予以公示。为保护个人信息，姓名和身份证号已部分隐去。</p>\n",
        out);
  struct notice_ctx c = {out, round_id, 0, 0};
  rc = station_round_awardees(db, round_id, notice_html_row, &c);
  if (rc != STATION_OK)
    return rc;
  if (c.last_award)
    fputs("</tbody></table>\n", out);
  else
    fputs("<p>本轮无新增获奖人员。</p>\n", out);
  fputs("<p class=\"foot\">“三星级献血之星”及以上、“五星级无偿献血志愿者”、无偿献血志愿服务终身荣誉奖和"
        "无偿献血终身成就奖的获奖者可申领“玉林市无偿献血荣誉卡”（办法第十八条）。",
        out);
  /* The period and where to object, once the notice is published (station round
   * publish); before that the page is a draft and says so. */
  sqlite3_stmt *st;
  if ((rc = station_db_prepare(db, "SELECT notice_start, notice_days, notice_contact FROM rounds"
                                   " WHERE id = ?1 AND notice_start IS NOT NULL", &st)) !=
      STATION_OK)
    return rc;
  sqlite3_bind_text(st, 1, round_id, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) {
    int32_t start = (int32_t)sqlite3_column_int64(st, 0);
    int days = sqlite3_column_int(st, 1);
    char end[16];
    fprintf(out, "公示期：%s 至 %s（%d 天）。对公示名单如有异议，请在公示期内向",
            station_date_format(start, day, sizeof day),
            station_date_format(start + days - 1, end, sizeof end), days);
    station_html_put(out, (const char *)sqlite3_column_text(st, 2));
    fputs("反映（请写明异议对象和事实）。", out);
  } else {
    fputs("（草稿：公示期和异议受理方式在发布公示时填入。）", out);
  }
  sqlite3_finalize(st);
  fputs("</p>\n</body></html>\n", out);
  if (fflush(out) != 0 || ferror(out))
    return STATION_E_IO;
  return STATION_OK;
}
