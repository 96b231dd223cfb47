/*
 * The console's pages (console.h): server-rendered HTML that reads without JavaScript,
 * charts as inline SVG drawn here (no script, no CDN, no web font: the CSS names the
 * system's CJK fonts), every text in zh-CN and English from one table, every value
 * from the store escaped on the way out.
 */
#include <event2/buffer.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"

/* One table of texts: id, zh-CN, English. */
#define CONSOLE_TEXT_MAP(X)                                                              \
  X(title, "玉林献血荣誉卡 中心控制台", "Yulin honour card centre console")                  \
  X(signin, "登录", "Sign in")                                                           \
  X(login, "账号", "Account")                                                            \
  X(password, "密码", "Password")                                                        \
  X(login_bad, "账号或密码不正确。", "Wrong account or password.")                         \
  X(login_throttled, "尝试次数过多，请稍后再试。", "Too many attempts: try again later.")     \
  X(signout, "退出", "Sign out")                                                         \
  X(signed_in_as, "当前账号", "Signed in as")                                              \
  X(lang_other, "English", "中文")                                                        \
  X(home, "首页", "Home")                                                                \
  X(finance, "诊查费减免", "Waived fees")                                                  \
  X(usage, "景区与公交使用", "Parks and buses")                                             \
  X(station, "荣誉卡管理", "Cards")                                                       \
  X(ops, "终端运行状况", "Terminal health")                                                 \
  X(admin, "账号管理", "Accounts")                                                        \
  X(your_pages, "您可以使用的页面", "Your pages")                                           \
  X(e400, "请求格式不正确。", "The request is malformed.")                                   \
  X(e403, "无权访问此页面或操作。", "You may not see this page or do this.")                   \
  X(e404, "页面不存在。", "No such page.")                                                 \
  X(e413, "请求过大。", "The request is too large.")                                       \
  X(e500, "服务器内部错误，请联系运维。", "Internal error: tell operations.")                   \
  X(hospital, "医院", "Hospital")                                                        \
  X(month, "月份", "Month")                                                              \
  X(waivers, "减免笔数", "Waivers")                                                       \
  X(voided, "已撤销", "Voided")                                                           \
  X(duplicates, "重复账单", "Duplicates")                                                  \
  X(waived_yuan, "减免金额（元）", "Waived (yuan)")                                          \
  X(details, "明细", "Bills")                                                            \
  X(csv, "下载CSV", "CSV")                                                               \
  X(time, "时间", "Time")                                                                \
  X(terminal, "终端", "Terminal")                                                        \
  X(seq, "序号", "Seq")                                                                  \
  X(visit, "就诊类型", "Visit")                                                           \
  X(bill, "账单号", "Bill")                                                              \
  X(amount, "金额（元）", "Amount (yuan)")                                                   \
  X(staff, "操作员", "Staff")                                                             \
  X(void_by, "撤销记录", "Void")                                                           \
  X(dup_of, "重复于", "Duplicate of")                                                      \
  X(none_yet, "暂无数据。", "Nothing yet.")                                                  \
  X(site, "地点", "Site")                                                                \
  X(line, "线路", "Line")                                                                \
  X(mode, "类型", "Kind")                                                                \
  X(granted, "通过", "Granted")                                                          \
  X(denied, "拒绝", "Denied")                                                            \
  X(chart_usage, "本月通过次数", "Granted this month")                                       \
  X(cards_issued, "已发卡（首张）", "Cards issued (first)")                                   \
  X(cards_reissued, "补办", "Reissued")                                                   \
  X(cards_revoked, "已挂失/吊销", "Revoked now")                                              \
  X(card_no, "卡号", "Card number")                                                      \
  X(generation, "卡代次", "Generation")                                                   \
  X(kind, "范围", "Scope")                                                               \
  X(exact, "仅此代次", "This generation")                                                  \
  X(below, "此代次以下", "Below this generation")                                            \
  X(reason, "原因", "Reason")                                                            \
  X(revoke, "吊销", "Revoke")                                                            \
  X(restore, "恢复", "Restore")                                                          \
  X(recent_changes, "最近的吊销名单变更", "Recent revocation list changes")                   \
  X(version, "版本", "Version")                                                          \
  X(change, "变更", "Change")                                                            \
  X(when, "时间", "When")                                                                \
  X(card_malformed, "卡号、代次或原因格式不正确。", "Malformed card number, generation or reason.") \
  X(card_done, "已更新，吊销名单版本", "Done; revocation list version")                        \
  X(card_same, "无变化，吊销名单版本", "No change; revocation list version")                    \
  X(last_contact, "最后联系", "Last contact")                                               \
  X(queue, "待上传", "Queue")                                                             \
  X(software, "软件版本", "Software")                                                      \
  X(reader, "读卡器", "Reader")                                                           \
  X(revlist, "吊销名单", "Revocation list")                                                 \
  X(clock, "时钟偏差", "Clock offset")                                                     \
  X(uploads, "14天上传", "Uploads, 14 days")                                                \
  X(state, "状态", "State")                                                              \
  X(alarm_silent, "失联", "SILENT")                                                       \
  X(ok, "正常", "OK")                                                                    \
  X(never, "从未", "never")                                                              \
  X(not_reported, "终端未上报", "not reported")                                              \
  X(revlist_current, "最新", "current")                                                   \
  X(revlist_behind, "落后", "behind by")                                                  \
  X(alarm_clock, "时钟偏差过大", "CLOCK")                                                  \
  X(revlist_now, "中心当前吊销名单", "Centre's revocation list")                              \
  X(age, "已有", "age")                                                                  \
  X(accounts, "账号", "Accounts")                                                         \
  X(roles, "角色", "Roles")                                                              \
  X(created, "创建", "Created")                                                           \
  X(changed, "修改", "Changed")                                                           \
  X(disable, "停用", "Disable")                                                           \
  X(enable, "启用", "Enable")                                                            \
  X(account_done, "账号已更新。", "Account updated.")                                        \
  X(account_refused, "无法更改此账号。", "This account cannot be changed.")                    \
  X(audit, "最近的审计记录", "Recent audit trail")                                            \
  X(who, "账号", "Who")                                                                  \
  X(from, "来源", "From")                                                                \
  X(action, "操作", "Action")                                                            \
  X(object, "对象", "Object")                                                            \
  X(result, "结果", "Result")                                                            \
  X(accounts_cli, "新建账号与修改密码请使用 centre-admin account。",                             \
    "Accounts are added and passwords set with centre-admin account.")

static const struct text {
  const char *id, *zh, *en;
} texts[] = {
#define CONSOLE_X_TEXT(id, zh, en) {#id, zh, en},
    CONSOLE_TEXT_MAP(CONSOLE_X_TEXT)
#undef CONSOLE_X_TEXT
};

const char *console_text(const struct console_page *p, const char *id)
{
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    if (strcmp(texts[i].id, id) == 0)
      return p && p->en ? texts[i].en : texts[i].zh;
  return id;
}

#define T(id) console_text(p, #id)

void console_html(struct evbuffer *out, const char *s)
{
  const char *run = s;
  for (; s && *s; s++) {
    const char *rep = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;"
                    : *s == '"' ? "&quot;" : *s == '\'' ? "&#39;" : NULL;
    if (!rep)
      continue;
    evbuffer_add(out, run, (size_t)(s - run));
    evbuffer_add(out, rep, strlen(rep));
    run = s + 1;
  }
  if (run && s)
    evbuffer_add(out, run, (size_t)(s - run));
}

/* <td>text</td> */
static void td(struct evbuffer *out, const char *s)
{
  evbuffer_add(out, "<td>", 4);
  console_html(out, s);
  evbuffer_add(out, "</td>", 5);
}

static void th_row(struct evbuffer *out, const struct console_page *p, const char *const *ids,
                   size_t n)
{
  evbuffer_add_printf(out, "<thead><tr>");
  for (size_t i = 0; i < n; i++) {
    evbuffer_add(out, "<th scope=\"col\">", 16);
    console_html(out, console_text(p, ids[i]));
    evbuffer_add(out, "</th>", 5);
  }
  evbuffer_add_printf(out, "</tr></thead>\n");
}

/* A UTC time as China time, "YYYY-MM-DD HH:MM" (what the offices read). */
static void fmt_time(int64_t t, char *buf, size_t cap)
{
  time_t tt = (time_t)(t + 8 * 3600);
  struct tm tm;
  if (t <= 0 || !gmtime_r(&tt, &tm)) {
    snprintf(buf, cap, "-");
    return;
  }
  strftime(buf, cap, "%Y-%m-%d %H:%M", &tm);
}

static void fen_yuan(const char *fen, char *buf, size_t cap)
{
  long long f = strtoll(fen, NULL, 10);
  snprintf(buf, cap, "%s%lld.%02lld", f < 0 ? "-" : "", llabs(f) / 100, llabs(f) % 100);
}

static const struct nav {
  const char *href, *id;
  unsigned role;
} navs[] = {
    {"/finance", "finance", CONSOLE_ROLE_FINANCE},
    {"/finance/usage", "usage", CONSOLE_ROLE_FINANCE},
    {"/station", "station", CONSOLE_ROLE_STATION},
    {"/ops", "ops", CONSOLE_ROLE_OPERATIONS},
    {"/admin", "admin", CONSOLE_ROLE_ADMIN},
};

static void csrf_field(struct evbuffer *out, const struct console_page *p)
{
  evbuffer_add_printf(out, "<input type=\"hidden\" name=\"csrf\" value=\"");
  console_html(out, p->who ? p->who->csrf : p->login_csrf ? p->login_csrf : "");
  evbuffer_add_printf(out, "\">");
}

void console_page_head(struct evbuffer *out, const struct console_page *p, const char *title)
{
  evbuffer_add_printf(out,
                      "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                      "<title>",
                      p->en ? "en" : "zh-CN");
  console_html(out, title);
  evbuffer_add_printf(out, " · ");
  console_html(out, T(title));
  evbuffer_add_printf(out, "</title><link rel=\"stylesheet\" href=\"/static/console.css\">"
                           "<script src=\"/static/console.js\" defer></script></head>\n<body>"
                           "<header><span class=\"brand\">");
  console_html(out, T(title));
  evbuffer_add_printf(out, "</span><nav>");
  if (p->who) {
    evbuffer_add_printf(out, "<a href=\"/\">%s</a>", T(home));
    for (size_t i = 0; i < sizeof navs / sizeof navs[0]; i++)
      if (p->who->roles & navs[i].role)
        evbuffer_add_printf(out, "<a href=\"%s\"%s>%s</a>", navs[i].href,
                            strcmp(p->path, navs[i].href) == 0 ? " aria-current=\"page\"" : "",
                            console_text(p, navs[i].id));
  }
  evbuffer_add_printf(out, "</nav><span class=\"tools\"><a id=\"lang\" href=\"?lang=%s\">%s</a>",
                      p->en ? "zh" : "en", T(lang_other));
  if (p->who) {
    evbuffer_add_printf(out, "<span class=\"who\">%s: ", T(signed_in_as));
    console_html(out, p->who->login);
    evbuffer_add_printf(out, "</span><form method=\"post\" action=\"/logout\" class=\"inline\">");
    csrf_field(out, p);
    evbuffer_add_printf(out, "<button id=\"signout\" type=\"submit\">%s</button></form>",
                        T(signout));
  }
  evbuffer_add_printf(out, "</span></header>\n<main>\n<h1>");
  console_html(out, title);
  evbuffer_add_printf(out, "</h1>\n");
  if (p->msg) {
    evbuffer_add_printf(out, "<p class=\"msg%s\" role=\"status\">", p->msg_error ? " error" : "");
    console_html(out, p->msg);
    evbuffer_add_printf(out, "</p>\n");
  }
}

void console_page_tail(struct evbuffer *out, const struct console_page *p)
{
  (void)p;
  evbuffer_add_printf(out, "</main></body></html>\n");
}

void console_page_login(struct evbuffer *out, const struct console_page *p)
{
  console_page_head(out, p, T(signin));
  evbuffer_add_printf(out, "<form method=\"post\" action=\"/login\" class=\"login\">");
  csrf_field(out, p);
  evbuffer_add_printf(out,
                      "<label>%s <input id=\"login\" name=\"login\" autocomplete=\"username\" "
                      "required maxlength=\"32\"></label>"
                      "<label>%s <input id=\"password\" name=\"password\" type=\"password\" "
                      "autocomplete=\"current-password\" required maxlength=\"128\"></label>"
                      "<button id=\"submit\" type=\"submit\">%s</button></form>\n",
                      T(login), T(password), T(signin));
  console_page_tail(out, p);
}

void console_page_home(struct evbuffer *out, const struct console_page *p)
{
  console_page_head(out, p, T(home));
  evbuffer_add_printf(out, "<p>%s:</p><ul class=\"pages\">", T(your_pages));
  for (size_t i = 0; i < sizeof navs / sizeof navs[0]; i++)
    if (p->who && (p->who->roles & navs[i].role))
      evbuffer_add_printf(out, "<li><a href=\"%s\">%s</a></li>", navs[i].href,
                          console_text(p, navs[i].id));
  evbuffer_add_printf(out, "</ul>\n");
  console_page_tail(out, p);
}

void console_page_error(struct evbuffer *out, const struct console_page *p, int code)
{
  char id[8], title[16];
  snprintf(id, sizeof id, "e%d", code == 429 ? 403 : code);
  snprintf(title, sizeof title, "%d", code);
  console_page_head(out, p, title);
  evbuffer_add_printf(out, "<p class=\"msg error\" id=\"error\">");
  console_html(out, console_text(p, id));
  evbuffer_add_printf(out, "</p>\n");
  console_page_tail(out, p);
}

/* The hospital's name from the site registry, else its id. */
static void site_name(const struct console_page *p, const char *id, char *buf, size_t cap)
{
  struct centre_site s;
  char why[160];
  if (p->conf->sites[0] && centre_site_lookup(p->conf->sites, id, &s, why, sizeof why) == 0)
    snprintf(buf, cap, "%s", p->en && s.name_en[0] ? s.name_en : s.name);
  else
    snprintf(buf, cap, "%s", id);
}

int console_page_finance(struct evbuffer *out, const struct console_page *p)
{
  static const char *const cols[] = {"hospital", "month", "waivers", "voided", "duplicates",
                                     "waived_yuan", "details"};
  struct console_rows *t = NULL;
  int rc = console_db_waived(centre_store_db(p->st), &t);
  if (rc != CENTRE_OK)
    return rc;
  console_page_head(out, p, T(finance));
  if (!t->rows)
    evbuffer_add_printf(out, "<p>%s</p>\n", T(none_yet));
  evbuffer_add_printf(out, "<table id=\"waived\">");
  th_row(out, p, cols, sizeof cols / sizeof cols[0]);
  evbuffer_add_printf(out, "<tbody>\n");
  for (size_t r = 0; r < t->rows; r++) {
    char name[256], yuan[32];
    const char *site = console_cell(t, r, 0), *month = console_cell(t, r, 1);
    site_name(p, site, name, sizeof name);
    fen_yuan(console_cell(t, r, 5), yuan, sizeof yuan);
    evbuffer_add_printf(out, "<tr>");
    td(out, name);
    td(out, month);
    td(out, console_cell(t, r, 2));
    td(out, console_cell(t, r, 3));
    td(out, console_cell(t, r, 4));
    evbuffer_add_printf(out, "<td class=\"num\">%s</td><td><a href=\"/finance/bills?site=", yuan);
    console_html(out, site);
    evbuffer_add_printf(out, "&amp;month=");
    console_html(out, month);
    evbuffer_add_printf(out, "\">%s</a> · <a href=\"/finance/bills.csv?site=", T(details));
    console_html(out, site);
    evbuffer_add_printf(out, "&amp;month=");
    console_html(out, month);
    evbuffer_add_printf(out, "\">%s</a></td></tr>\n", T(csv));
  }
  evbuffer_add_printf(out, "</tbody></table>\n");
  console_rows_free(t);
  console_page_tail(out, p);
  return CENTRE_OK;
}

int console_page_bills(struct evbuffer *out, const struct console_page *p, const char *site,
                       int month)
{
  static const char *const cols[] = {"time", "terminal", "seq", "visit", "bill", "amount",
                                     "staff", "void_by", "dup_of"};
  struct console_rows *t = NULL;
  char title[400], name[256];
  int rc = console_db_bills(centre_store_db(p->st), site, month, 2000, &t);
  if (rc != CENTRE_OK)
    return rc;
  site_name(p, site, name, sizeof name);
  snprintf(title, sizeof title, "%s · %04d-%02d", name, month / 100, month % 100);
  console_page_head(out, p, title);
  evbuffer_add_printf(out, "<p><a href=\"/finance/bills.csv?site=");
  console_html(out, site);
  evbuffer_add_printf(out, "&amp;month=%04d-%02d\" id=\"csv\">%s</a></p>\n", month / 100,
                      month % 100, T(csv));
  evbuffer_add_printf(out, "<table id=\"bills\">");
  th_row(out, p, cols, sizeof cols / sizeof cols[0]);
  evbuffer_add_printf(out, "<tbody>\n");
  for (size_t r = 0; r < t->rows; r++) {
    char when[32], yuan[32];
    fmt_time(strtoll(console_cell(t, r, 0), NULL, 10), when, sizeof when);
    fen_yuan(console_cell(t, r, 5), yuan, sizeof yuan);
    evbuffer_add_printf(out, "<tr%s>", console_cell(t, r, 7)[0] || console_cell(t, r, 8)[0]
                                           ? " class=\"struck\"" : "");
    td(out, when);
    for (size_t c = 1; c <= 4; c++)
      td(out, console_cell(t, r, c));
    evbuffer_add_printf(out, "<td class=\"num\">%s</td>", yuan);
    for (size_t c = 6; c <= 8; c++)
      td(out, console_cell(t, r, c));
    evbuffer_add_printf(out, "</tr>\n");
  }
  evbuffer_add_printf(out, "</tbody></table>\n");
  if (!t->rows)
    evbuffer_add_printf(out, "<p>%s</p>\n", T(none_yet));
  console_rows_free(t);
  console_page_tail(out, p);
  return CENTRE_OK;
}

/* ---------------------------------------------------------------- SVG -- */

void console_svg_bars(struct evbuffer *out, const char *const *labels, const int64_t *values,
                      size_t n, const char *title)
{
  const int w = 640, bar_h = 22, gap = 6, left = 200, top = 8;
  int64_t max = 1;
  int h = top * 2 + (int)n * (bar_h + gap);
  for (size_t i = 0; i < n; i++)
    if (values[i] > max)
      max = values[i];
  evbuffer_add_printf(out,
                      "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" "
                      "height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\"><title>",
                      w, h, w, h);
  console_html(out, title);
  evbuffer_add_printf(out, "</title>");
  for (size_t i = 0; i < n; i++) {
    int y = top + (int)i * (bar_h + gap);
    int bw = (int)((values[i] * (w - left - 60)) / max);
    evbuffer_add_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=\"label\">",
                        left - 8, y + bar_h - 6);
    console_html(out, labels[i]);
    evbuffer_add_printf(out,
                        "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
                        "class=\"bar\"/><text x=\"%d\" y=\"%d\" class=\"value\">%" PRId64
                        "</text>",
                        left, y, bw > 0 ? bw : 1, bar_h, left + bw + 6, y + bar_h - 6, values[i]);
  }
  evbuffer_add_printf(out, "</svg>\n");
}

void console_svg_sparkline(struct evbuffer *out, const int64_t *values, size_t n)
{
  const int w = 140, h = 28;
  int64_t max = 1;
  for (size_t i = 0; i < n; i++)
    if (values[i] > max)
      max = values[i];
  evbuffer_add_printf(out,
                      "<svg class=\"spark\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                      "xmlns=\"http://www.w3.org/2000/svg\" aria-hidden=\"true\"><polyline "
                      "points=\"",
                      w, h, w, h);
  for (size_t i = 0; i < n; i++) {
    int x = n > 1 ? (int)(i * (size_t)(w - 2) / (n - 1)) + 1 : w / 2;
    int y = h - 2 - (int)((values[i] * (h - 4)) / max);
    evbuffer_add_printf(out, "%s%d,%d", i ? " " : "", x, y);
  }
  evbuffer_add_printf(out, "\"/></svg>");
}

/* -------------------------------------------------------------- usage -- */

int console_page_usage(struct evbuffer *out, const struct console_page *p)
{
  static const char *const cols[] = {"site", "line", "month", "mode", "granted", "denied"};
  struct console_rows *t = NULL;
  const char **labels = NULL;
  int64_t *values = NULL;
  size_t n = 0;
  int rc = console_db_usage(centre_store_db(p->st), &t);
  if (rc != CENTRE_OK)
    return rc;
  console_page_head(out, p, T(usage));
  /* the chart: the newest month's grants per park and bus line */
  labels = calloc(t->rows + 1, sizeof *labels);
  values = calloc(t->rows + 1, sizeof *values);
  char (*names)[300] = calloc(t->rows + 1, sizeof *names);
  if (!labels || !values || !names) {
    rc = CENTRE_E_NO_MEMORY;
    goto out_free;
  }
  for (size_t r = 0; r < t->rows && n < 24; r++) {
    if (strcmp(console_cell(t, r, 2), console_cell(t, 0, 2)) != 0)
      break;
    snprintf(names[n], sizeof names[n], "%s%s%s", console_cell(t, r, 0),
             console_cell(t, r, 1)[0] ? " / " : "", console_cell(t, r, 1));
    labels[n] = names[n];
    values[n] = strtoll(console_cell(t, r, 4), NULL, 10);
    n++;
  }
  if (n) {
    char title[160];
    snprintf(title, sizeof title, "%s %s", T(chart_usage), console_cell(t, 0, 2));
    evbuffer_add_printf(out, "<figure><figcaption>");
    console_html(out, title);
    evbuffer_add_printf(out, "</figcaption>");
    console_svg_bars(out, labels, values, n, title);
    evbuffer_add_printf(out, "</figure>\n");
  } else {
    evbuffer_add_printf(out, "<p>%s</p>\n", T(none_yet));
  }
  evbuffer_add_printf(out, "<table id=\"usage\">");
  th_row(out, p, cols, sizeof cols / sizeof cols[0]);
  evbuffer_add_printf(out, "<tbody>\n");
  for (size_t r = 0; r < t->rows; r++) {
    evbuffer_add_printf(out, "<tr>");
    for (size_t c = 0; c < 6; c++)
      td(out, console_cell(t, r, c));
    evbuffer_add_printf(out, "</tr>\n");
  }
  evbuffer_add_printf(out, "</tbody></table>\n");
  console_page_tail(out, p);
out_free:
  free(names);
  free(labels);
  free(values);
  console_rows_free(t);
  return rc;
}

/* ------------------------------------------------------------ station -- */

static void card_form(struct evbuffer *out, const struct console_page *p, const char *action,
                      const char *id, const char *label)
{
  evbuffer_add_printf(out, "<form method=\"post\" action=\"%s\" class=\"card\" id=\"%s\">", action,
                      id);
  csrf_field(out, p);
  evbuffer_add_printf(out,
                      "<label>%s <input name=\"card\" required maxlength=\"20\" "
                      "pattern=\"[0-9A-Za-z]+\"></label>"
                      "<label>%s <input name=\"generation\" value=\"0\" inputmode=\"numeric\" "
                      "maxlength=\"10\"></label>"
                      "<label>%s <select name=\"kind\"><option value=\"exact\">%s</option>"
                      "<option value=\"below\">%s</option></select></label>",
                      T(card_no), T(generation), T(kind), T(exact), T(below));
  if (strcmp(id, "revoke") == 0)
    evbuffer_add_printf(out, "<label>%s <input name=\"reason\" maxlength=\"32\" "
                             "value=\"lost\"></label>",
                        T(reason));
  evbuffer_add_printf(out, "<button type=\"submit\">%s</button></form>\n", label);
}

int console_page_station(struct evbuffer *out, const struct console_page *p)
{
  static const char *const cols[] = {"version", "card_no", "generation", "kind", "change",
                                     "reason", "when"};
  struct console_rows *t = NULL;
  int64_t issued, reissued, revoked;
  int rc = console_db_card_counts(centre_store_db(p->st), &issued, &reissued, &revoked);
  if (rc == CENTRE_OK)
    rc = console_db_card_changes(centre_store_db(p->st), 50, &t);
  if (rc != CENTRE_OK)
    return rc;
  console_page_head(out, p, T(station));
  evbuffer_add_printf(out,
                      "<dl class=\"counts\"><div><dt>%s</dt><dd id=\"issued\">%" PRId64
                      "</dd></div><div><dt>%s</dt><dd id=\"reissued\">%" PRId64
                      "</dd></div><div><dt>%s</dt><dd id=\"revoked\">%" PRId64 "</dd></div></dl>\n",
                      T(cards_issued), issued, T(cards_reissued), reissued, T(cards_revoked),
                      revoked);
  card_form(out, p, "/station/revoke", "revoke", T(revoke));
  card_form(out, p, "/station/restore", "restore", T(restore));
  evbuffer_add_printf(out, "<h2>%s</h2><table id=\"changes\">", T(recent_changes));
  th_row(out, p, cols, sizeof cols / sizeof cols[0]);
  evbuffer_add_printf(out, "<tbody>\n");
  for (size_t r = 0; r < t->rows; r++) {
    char when[32];
    fmt_time(strtoll(console_cell(t, r, 6), NULL, 10), when, sizeof when);
    evbuffer_add_printf(out, "<tr>");
    for (size_t c = 0; c < 3; c++)
      td(out, console_cell(t, r, c));
    td(out, strcmp(console_cell(t, r, 3), "2") == 0 ? T(below) : T(exact));
    td(out, strcmp(console_cell(t, r, 4), "1") == 0 ? T(revoke) : T(restore));
    td(out, console_cell(t, r, 5));
    td(out, when);
    evbuffer_add_printf(out, "</tr>\n");
  }
  evbuffer_add_printf(out, "</tbody></table>\n");
  console_rows_free(t);
  console_page_tail(out, p);
  return CENTRE_OK;
}

/* ---------------------------------------------------------- operations -- */

#define SPARK_DAYS 14
/* A terminal that has not synced for this long is flagged (it syncs every few minutes
 * when it can: an hour is an outage, not a slow link). */
#define SILENT_S 3600
/* A clock off by more than this is flagged: the repeat windows are minutes long
 * (docs/console.md, "Operations"). */
#define CLOCK_ALARM_S 300

static void fmt_age(const struct console_page *p, int64_t s, char *buf, size_t cap)
{
  if (s < 0)
    s = 0;
  if (s < 3600)
    snprintf(buf, cap, p->en ? "%lld min" : "%lld分钟", (long long)(s / 60));
  else if (s < 86400 * 2)
    snprintf(buf, cap, p->en ? "%lld h" : "%lld小时", (long long)(s / 3600));
  else
    snprintf(buf, cap, p->en ? "%lld days" : "%lld天", (long long)(s / 86400));
}

/* "+12 s", "-7 min", "+3 h", "+2 days": the sign says which way (+: the terminal's clock
 * is behind the centre's). */
static void fmt_offset(const struct console_page *p, int64_t off, char *buf, size_t cap)
{
  int64_t mag = off < 0 ? -off : off;
  char m[32];
  if (mag < 60)
    snprintf(m, sizeof m, p->en ? "%lld s" : "%lld秒", (long long)mag);
  else
    fmt_age(p, mag, m, sizeof m);
  snprintf(buf, cap, "%s%s", off < 0 ? "-" : "+", m);
}

int console_page_ops(struct evbuffer *out, const struct console_page *p, int64_t now)
{
  static const char *const cols[] = {"terminal", "site", "state", "last_contact", "queue",
                                     "revlist", "software", "reader", "clock", "uploads"};
  struct console_rows *t = NULL, *u = NULL;
  int64_t version = 0, changed = 0, today = now / 86400;
  char age[32];
  int rc = console_db_terminals(centre_store_db(p->st), &t);
  if (rc == CENTRE_OK)
    rc = console_db_uploads_by_day(centre_store_db(p->st), today - SPARK_DAYS + 1, &u);
  if (rc == CENTRE_OK)
    rc = console_db_revlist_state(centre_store_db(p->st), &version, &changed);
  if (rc != CENTRE_OK) {
    console_rows_free(t);
    return rc;
  }
  console_page_head(out, p, T(ops));
  fmt_age(p, changed ? now - changed : 0, age, sizeof age);
  evbuffer_add_printf(out, "<p id=\"revlist\">%s: %s %" PRId64 ", %s %s</p>\n", T(revlist_now),
                      T(version), version, T(age), changed ? age : T(never));
  evbuffer_add_printf(out, "<table id=\"terminals\">");
  th_row(out, p, cols, sizeof cols / sizeof cols[0]);
  evbuffer_add_printf(out, "<tbody>\n");
  for (size_t r = 0; r < t->rows; r++) {
    const char *id = console_cell(t, r, 0);
    int64_t last = strtoll(console_cell(t, r, 3), NULL, 10);
    int64_t queue = strtoll(console_cell(t, r, 4), NULL, 10);
    int active = strcmp(console_cell(t, r, 2), "active") == 0;
    int silent = active && (!last || now - last > SILENT_S);
    int64_t days[SPARK_DAYS] = {0};
    char when[32], q[32];
    for (size_t k = 0; k < u->rows; k++)
      if (strcmp(console_cell(u, k, 0), id) == 0) {
        int64_t d = strtoll(console_cell(u, k, 1), NULL, 10) - (today - SPARK_DAYS + 1);
        if (d >= 0 && d < SPARK_DAYS)
          days[d] = strtoll(console_cell(u, k, 2), NULL, 10);
      }
    fmt_time(last, when, sizeof when);
    if (last)
      fmt_age(p, now - last, age, sizeof age);
    snprintf(q, sizeof q, "%lld", (long long)queue);
    evbuffer_add_printf(out, "<tr%s>", silent ? " class=\"alarm\"" : "");
    td(out, id);
    td(out, console_cell(t, r, 1));
    evbuffer_add_printf(out, "<td>");
    console_html(out, console_cell(t, r, 2));
    if (active)
      evbuffer_add_printf(out, " <strong class=\"%s\">%s</strong>", silent ? "bad" : "good",
                          silent ? T(alarm_silent) : T(ok));
    evbuffer_add_printf(out, "</td><td>");
    console_html(out, last ? when : T(never));
    if (last) {
      evbuffer_add_printf(out, " (");
      console_html(out, age);
      evbuffer_add_printf(out, ")");
    }
    evbuffer_add_printf(out, "</td>");
    td(out, queue >= 0 ? q : "-");
    /* what the terminal said at its last status report (its health headers); empty:
     * an older terminal, or a malformed value the centre ignored */
    if (console_cell(t, r, 9)[0]) {
      int64_t held = strtoll(console_cell(t, r, 9), NULL, 10);
      evbuffer_add_printf(out, "<td>%" PRId64 " ", held);
      if (held >= version)
        evbuffer_add_printf(out, "(%s)</td>", T(revlist_current));
      else
        evbuffer_add_printf(out, "(%s %" PRId64 ")</td>", T(revlist_behind), version - held);
    } else {
      evbuffer_add_printf(out, "<td class=\"muted\">%s</td>", T(not_reported));
    }
    td(out, console_cell(t, r, 5)[0] ? console_cell(t, r, 5) : "-");
    td(out, console_cell(t, r, 6)[0] ? console_cell(t, r, 6) : "-");
    if (console_cell(t, r, 10)[0]) {
      int64_t off = strtoll(console_cell(t, r, 10), NULL, 10);
      int bad = off > CLOCK_ALARM_S || off < -CLOCK_ALARM_S;
      char o[48];
      fmt_offset(p, off, o, sizeof o);
      evbuffer_add_printf(out, "<td class=\"clock%s\">", bad ? " alarm" : "");
      console_html(out, o);
      if (bad)
        evbuffer_add_printf(out, " <strong class=\"bad\">%s</strong>", T(alarm_clock));
      evbuffer_add_printf(out, "</td><td>");
    } else {
      evbuffer_add_printf(out, "<td class=\"muted\">%s</td><td>", T(not_reported));
    }
    console_svg_sparkline(out, days, SPARK_DAYS);
    evbuffer_add_printf(out, "</td></tr>\n");
  }
  evbuffer_add_printf(out, "</tbody></table>\n");
  if (!t->rows)
    evbuffer_add_printf(out, "<p>%s</p>\n", T(none_yet));
  console_rows_free(t);
  console_rows_free(u);
  console_page_tail(out, p);
  return CENTRE_OK;
}

/* --------------------------------------------------------------- admin -- */

int console_page_admin(struct evbuffer *out, const struct console_page *p)
{
  static const char *const cols[] = {"login", "roles", "state", "created", "changed", "action"};
  static const char *const acols[] = {"when", "who", "from", "action", "object", "result"};
  struct console_rows *t = NULL, *a = NULL;
  int rc = console_db_accounts(centre_store_db(p->st), &t);
  if (rc == CENTRE_OK)
    rc = console_db_audit_recent(centre_store_db(p->st), 50, &a);
  if (rc != CENTRE_OK) {
    console_rows_free(t);
    return rc;
  }
  console_page_head(out, p, T(admin));
  evbuffer_add_printf(out, "<p>%s</p><table id=\"accounts\">", T(accounts_cli));
  th_row(out, p, cols, sizeof cols / sizeof cols[0]);
  evbuffer_add_printf(out, "<tbody>\n");
  for (size_t r = 0; r < t->rows; r++) {
    char c1[32], c2[32];
    int disabled = strcmp(console_cell(t, r, 2), "disabled") == 0;
    fmt_time(strtoll(console_cell(t, r, 3), NULL, 10), c1, sizeof c1);
    fmt_time(strtoll(console_cell(t, r, 4), NULL, 10), c2, sizeof c2);
    evbuffer_add_printf(out, "<tr>");
    td(out, console_cell(t, r, 0));
    td(out, console_cell(t, r, 1));
    td(out, console_cell(t, r, 2));
    td(out, c1);
    td(out, c2);
    evbuffer_add_printf(out, "<td><form method=\"post\" action=\"/admin/%s\" class=\"inline\">",
                        disabled ? "enable" : "disable");
    csrf_field(out, p);
    evbuffer_add_printf(out, "<input type=\"hidden\" name=\"login\" value=\"");
    console_html(out, console_cell(t, r, 0));
    evbuffer_add_printf(out, "\"><button type=\"submit\">%s</button></form></td></tr>\n",
                        disabled ? T(enable) : T(disable));
  }
  evbuffer_add_printf(out, "</tbody></table>\n<h2>%s</h2><table id=\"audit\">", T(audit));
  th_row(out, p, acols, sizeof acols / sizeof acols[0]);
  evbuffer_add_printf(out, "<tbody>\n");
  for (size_t r = 0; r < a->rows; r++) {
    char when[32];
    fmt_time(strtoll(console_cell(a, r, 0), NULL, 10), when, sizeof when);
    evbuffer_add_printf(out, "<tr>");
    td(out, when);
    for (size_t c = 1; c < 6; c++)
      td(out, console_cell(a, r, c));
    evbuffer_add_printf(out, "</tr>\n");
  }
  evbuffer_add_printf(out, "</tbody></table>\n");
  console_rows_free(t);
  console_rows_free(a);
  console_page_tail(out, p);
  return CENTRE_OK;
}
