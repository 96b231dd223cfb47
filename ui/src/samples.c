/*
 * Sample screens (ui/samples.h). Fictional people; names and ID numbers are shown
 * masked, as the card module masks them. The rare characters 䶮 (U+4DAE, CJK
 * extension A) and 𠇔 (U+201D4, extension B) are in two names on purpose.
 */
#include <SDL.h>
#include <SDL_image.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "ui/samples.h"

#define PHOTO_CAP (256u * 1024u)

/* A growing memory RWops for IMG_SavePNG_RW. */
struct membuf {
  unsigned char *data;
  size_t len, cap;
};

static size_t SDLCALL mem_write(SDL_RWops *rw, const void *ptr, size_t size, size_t num)
{
  struct membuf *m = rw->hidden.unknown.data1;
  size_t n = size * num;
  if (m->len + n > m->cap)
    return 0;
  memcpy(m->data + m->len, ptr, n);
  m->len += n;
  return num;
}

static int SDLCALL mem_close(SDL_RWops *rw)
{
  SDL_FreeRW(rw);
  return 0;
}

static void blit_mask(SDL_Surface *dst, enum ui_icon icon, int size, int cx, int cy, Uint32 rgb)
{
  SDL_Surface *m = ui_gfx_icon_surface(icon, size);
  if (!m)
    return;
  SDL_SetSurfaceColorMod(m, (Uint8)(rgb >> 16), (Uint8)(rgb >> 8), (Uint8)rgb);
  SDL_SetSurfaceBlendMode(m, SDL_BLENDMODE_BLEND);
  SDL_Rect r = {cx - m->w / 2, cy - m->h / 2, m->w, m->h};
  SDL_BlitSurface(m, NULL, dst, &r);
  SDL_FreeSurface(m);
}

const unsigned char *ui_sample_photo(size_t *len)
{
  static unsigned char *png;
  static size_t png_len;
  if (png) {
    if (len)
      *len = png_len;
    return png;
  }
  const int w = 300, h = 400;
  SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
  if (!s)
    return NULL;
  SDL_FillRect(s, NULL, SDL_MapRGB(s->format, 0xFA, 0xFB, 0xFC)); /* white background */
  blit_mask(s, UI_ICON_PORTRAIT, 300, 150, 200 + 40, 0x2B3A55);   /* jacket */
  blit_mask(s, UI_ICON_DISC, 148, 150, 150, 0x231C18);            /* hair */
  blit_mask(s, UI_ICON_DISC, 132, 150, 172, 0xE2BC9C);            /* face */
  struct membuf *m = calloc(1, sizeof *m);
  SDL_RWops *rw = SDL_AllocRW();
  if (!m || !rw || !(m->data = malloc(PHOTO_CAP))) {
    if (rw)
      SDL_FreeRW(rw);
    if (m)
      free(m->data);
    free(m);
    SDL_FreeSurface(s);
    return NULL;
  }
  m->cap = PHOTO_CAP;
  rw->write = mem_write;
  rw->close = mem_close;
  rw->hidden.unknown.data1 = m;
  int rc = IMG_SavePNG_RW(s, rw, 1);
  SDL_FreeSurface(s);
  if (rc != 0) {
    free(m->data);
    free(m);
    return NULL;
  }
  png = m->data;
  png_len = m->len;
  free(m);
  if (len)
    *len = png_len;
  return png;
}

void ui_sample_status(struct ui_status *st, unsigned banners)
{
  memset(st, 0, sizeof *st);
  st->banners = banners;
  strcpy(st->site, "容州古城");
  strcpy(st->site_en, "Rongzhou Ancient City");
  strcpy(st->terminal_id, "GATE-0451-02");
  strcpy(st->version, "0.9.0");
  st->reader = banners & UI_BANNER_NO_READER ? UI_READER_MISSING : UI_READER_READY;
  strcpy(st->reader_name, "Virtual PCD 00 00");
  st->sync = banners & UI_BANNER_OFFLINE ? UI_SYNC_OFFLINE : UI_SYNC_ONLINE;
  st->now = 1735700000;
  /* offline: three days since the last sync (the status line says so) */
  st->last_sync = st->now - (banners & UI_BANNER_OFFLINE ? 3 * 86400 + 5 * 3600 : 12 * 60);
  strcpy(st->staff_id, "S0107");
  strcpy(st->staff_name, "韦*玲");
  st->doc_version[UI_DOC_ROSTER] = 4;
  st->doc_version[UI_DOC_TARIFF] = 2;
  st->doc_version[UI_DOC_CONFIG] = 3;
  st->queue_depth = banners & UI_BANNER_OFFLINE ? 37 : 0;
  st->revlist_issued_at = st->now - (banners & UI_BANNER_REVLIST_STALE ? 9 * 86400 : 3 * 3600);
  st->revlist_version = 418;
  st->today_grants = 128;
  st->today_denies = 3;
  st->today_staff_checks = 41;
  st->journal_records = 90211;
}

static void holder(struct ui_holder *h, const char *name, const char *id, const char *award_key,
                   unsigned stars, const char *card_no, int with_photo)
{
  memset(h, 0, sizeof *h);
  strcpy(h->name_masked, name);
  strcpy(h->id_masked, id);
  ui_text_set(&h->award, award_key, NULL, NULL);
  h->award_stars = stars;
  strcpy(h->card_no, card_no);
  if (with_photo)
    h->photo = ui_sample_photo(&h->photo_len);
}

/* Kiosk's reason texts, as the adapter fills them (both languages). */
#define R_REVOKED "CARD_REVOKED", "卡片已注销（挂失、补办、涂改或转借）", \
                  "card revoked (lost, reissued, altered or lent)"
#define R_CONFIRM "HOLDER_CONFIRM_NEEDED", "工作人员：请核对身份证、照片与持卡人本人", \
                  "staff: compare the holder with the ID card and the photo"
#define R_REPEAT "REPEAT_AT_GATE", "该卡近期已在本场所使用，疑似转借，请核实", \
                 "card already used at this site recently: possible lending"
#define R_CRED "HOLDER_CREDENTIAL_NEEDED", "请读取本人社保卡或录入身份证号码", \
               "read the holder's social security card or type the ID number"
#define R_VISIT "VISIT_KIND_MISSING", "请选择门诊或住院", "choose outpatient or inpatient"
#define R_BILL "BILL_REF_MISSING", "请录入票据号或就诊号", "enter the bill or visit number"
#define R_MATCHED "HOLDER_MATCHED", "社保卡或身份证与持卡人一致", \
                  "holder matched by social security card or ID number"
#define R_VEHICLE "REPEAT_ON_VEHICLE", "该卡近期已在本车使用", "card already used on this bus recently"
#define R_NOT_ELIG "AWARD_NOT_ELIGIBLE", "该奖项不享受“三免”待遇", \
                   "this award does not carry the three exemptions"
#define R_VALIDITY "VALIDITY_FAILED", "卡片不在有效期内", "card outside its validity period"
#define R_JOURNAL "JOURNAL_UNAVAILABLE", "审计日志无法写入", "the audit journal cannot be written"
#define R_STALE_WARN "REVLIST_STALE_WARN", "注销名单过期，请尽快更新", \
                     "revocation list too old: update it soon"

static void reason(struct ui_view *v, const char *id, const char *zh, const char *en)
{
  char key[UI_KEY_MAX];
  snprintf(key, sizeof key, "reason.%s", id);
  ui_view_add_reason(v, key, zh, en);
}

static struct {
  struct ui_view view;
  struct ui_status status;
  struct ui_station station;
} sd;

typedef void sample_fn(struct ui_shot *s);

static void base(struct ui_shot *s, enum ui_screen screen, enum ui_mode mode, unsigned banners)
{
  memset(s, 0, sizeof *s);
  s->screen = screen;
  s->mode = mode;
  s->lang = UI_LANG_ZH;
  s->speech = 1; /* the terminals speak by default: their buttons are on the screens */
  ui_sample_status(&sd.status, banners);
  if (mode == UI_MODE_CASHIER) {
    strcpy(sd.status.site, "玉林市第一人民医院");
    strcpy(sd.status.terminal_id, "HIS-0101-07");
  } else if (mode == UI_MODE_BUS) {
    strcpy(sd.status.site, "玉林公交 12 路");
  } else if (mode == UI_MODE_STATION) {
    strcpy(sd.status.site, "玉林市中心血站");
    strcpy(sd.status.terminal_id, "STN-01");
  }
  s->status = &sd.status;
  s->remaining_ms = 8000;
  s->warn_ms = 3000;
}

static void view(struct ui_shot *s, enum ui_mode mode, enum ui_verdict v)
{
  ui_view_init(&sd.view, mode, v);
  sd.view.seq = 42;
  s->view = &sd.view;
  s->screen = ui_fsm_screen_for_view(mode, v, 0);
}

static void s_idle_gate(struct ui_shot *s) { base(s, UI_SCREEN_IDLE, UI_MODE_GATE, 0); }
static void s_idle_gate_en(struct ui_shot *s)
{
  base(s, UI_SCREEN_IDLE, UI_MODE_GATE, 0);
  s->lang = UI_LANG_EN;
}
static void s_idle_cashier(struct ui_shot *s) { base(s, UI_SCREEN_IDLE, UI_MODE_CASHIER, 0); }
static void s_idle_bus(struct ui_shot *s) { base(s, UI_SCREEN_IDLE, UI_MODE_BUS, 0); }
static void s_idle_station(struct ui_shot *s) { base(s, UI_SCREEN_IDLE, UI_MODE_STATION, 0); }
static void s_idle_banners(struct ui_shot *s)
{
  base(s, UI_SCREEN_IDLE, UI_MODE_GATE,
       UI_BANNER_OFFLINE | UI_BANNER_REVLIST_STALE | UI_BANNER_NO_READER);
}
static void s_idle_clock_suspect(struct ui_shot *s)
{
  base(s, UI_SCREEN_IDLE, UI_MODE_GATE, UI_BANNER_CLOCK_SUSPECT);
}
static void s_reading(struct ui_shot *s)
{
  base(s, UI_SCREEN_READING, UI_MODE_GATE, 0);
  s->anim_ms = 300;
}
static void s_place_again(struct ui_shot *s)
{
  base(s, UI_SCREEN_PLACE_AGAIN, UI_MODE_GATE, 0);
  s->read_error_key = "error.removed";
}

static void s_gate_grant(struct ui_shot *s)
{
  base(s, UI_SCREEN_VERDICT, UI_MODE_GATE, 0);
  view(s, UI_MODE_GATE, UI_VERDICT_GRANT);
  sd.view.has_holder = 1;
  holder(&sd.view.holder, "张*明", "450902********1234", "award.DONOR_STAR", 3, "4509 0020 1900 0123", 1);
  reason(&sd.view, "HOLDER_CONFIRMED", "工作人员已核对持卡人", "staff confirmed the holder");
}
static void s_gate_grant_warn(struct ui_shot *s)
{
  s_gate_grant(s);
  s->phase = UI_PHASE_WARN;
  s->remaining_ms = 2000;
}
static void s_gate_deny(struct ui_shot *s)
{
  base(s, UI_SCREEN_VERDICT, UI_MODE_GATE, 0);
  view(s, UI_MODE_GATE, UI_VERDICT_DENY);
  reason(&sd.view, R_REVOKED);
}
static void s_gate_deny_en(struct ui_shot *s)
{
  s_gate_deny(s);
  reason(&sd.view, R_VALIDITY);
  s->lang = UI_LANG_EN;
}
static void s_gate_stale(struct ui_shot *s)
{
  s_gate_grant(s);
  ui_sample_status(&sd.status, UI_BANNER_REVLIST_STALE);
  sd.view.flags |= UI_VIEW_REVLIST_STALE;
  reason(&sd.view, R_STALE_WARN);
  sd.view.reason_staff |= 1u << (sd.view.nreasons - 1); /* staff talk: not on this screen */
}
static void s_cashier_grant(struct ui_shot *s)
{
  base(s, UI_SCREEN_VERDICT, UI_MODE_CASHIER, 0);
  view(s, UI_MODE_CASHIER, UI_VERDICT_GRANT);
  sd.view.has_holder = 1;
  holder(&sd.view.holder, "𠇔*华", "450981********002X", "award.VOLUNTEER_STAR", 5, "4509 0020 2000 4471", 1);
  sd.view.cashier.visit = UI_VISIT_OUTPATIENT;
  strcpy(sd.view.cashier.bill_ref, "MZ20250101-00871");
  sd.view.cashier.fee_fen = 1500;
  sd.view.cashier.credential = UI_CREDENTIAL_SSC_MATCHED;
  reason(&sd.view, R_MATCHED);
}
static void s_cashier_deny(struct ui_shot *s)
{
  base(s, UI_SCREEN_VERDICT, UI_MODE_CASHIER, 0);
  view(s, UI_MODE_CASHIER, UI_VERDICT_DENY);
  reason(&sd.view, "HOLDER_MISMATCH", "社保卡或身份证与持卡人不一致",
         "the second credential does not match the card holder");
}
static void s_station_grant(struct ui_shot *s)
{
  base(s, UI_SCREEN_VERDICT, UI_MODE_STATION, 0);
  view(s, UI_MODE_STATION, UI_VERDICT_GRANT);
  sd.view.has_holder = 1;
  holder(&sd.view.holder, "李*芳", "450921********5567", "award.LIFETIME_ACHIEVEMENT", 0, "4509 0020 1800 0007", 1);
  reason(&sd.view, "STATION_CHECK_ONLY", "血站查验：本处不免除费用", "blood station check: nothing is waived here");
}
static void s_error(struct ui_shot *s)
{
  base(s, UI_SCREEN_VERDICT, UI_MODE_GATE, 0);
  view(s, UI_MODE_GATE, UI_VERDICT_ERROR);
  reason(&sd.view, R_JOURNAL);
}
static void s_deny_many(struct ui_shot *s)
{
  base(s, UI_SCREEN_VERDICT, UI_MODE_GATE, UI_BANNER_OFFLINE);
  view(s, UI_MODE_GATE, UI_VERDICT_DENY);
  reason(&sd.view, R_NOT_ELIG);
  reason(&sd.view, R_VALIDITY);
  reason(&sd.view, R_REVOKED);
  reason(&sd.view, "SIGNATURE_FAILED", "卡内数据签名校验失败", "signature over the card data is wrong");
  reason(&sd.view, "CARD_KEY_FAILED", "卡片密钥校验失败（疑似复制卡）", "card failed its key check (possible copy)");
  reason(&sd.view, "CHAIN_FAILED", "发卡证书链校验失败", "issuer certificate chain not trusted");
  reason(&sd.view, "FORMAT_FAILED", "卡内数据格式错误或被涂改", "card data malformed or altered");
}
static void s_holder(struct ui_shot *s)
{
  base(s, UI_SCREEN_HOLDER_CHECK, UI_MODE_GATE, 0);
  view(s, UI_MODE_GATE, UI_VERDICT_STAFF_CHECK);
  sd.view.needs = UI_NEED_HOLDER_CONFIRM;
  sd.view.has_holder = 1;
  holder(&sd.view.holder, "刘*䶮", "450902********1234", "award.DONOR_STAR", 4, "4509 0020 1900 0123", 1);
  reason(&sd.view, R_CONFIRM);
  sd.view.reason_alert = 0x1;
  s->remaining_ms = 60000;
}
static void s_holder_en(struct ui_shot *s)
{
  s_holder(s);
  s->lang = UI_LANG_EN;
}
static void s_holder_repeat(struct ui_shot *s)
{
  s_holder(s);
  sd.view.needs = UI_NEED_HOLDER_CONFIRM | UI_NEED_REPEAT_ACCEPT | UI_OFFER_OVERRIDE;
  holder(&sd.view.holder, "王*", "450902********8810", "award.VOLUNTEER_LIFETIME", 0, "4509 0020 1700 0311", 0);
  reason(&sd.view, R_REPEAT);
  reason(&sd.view, R_JOURNAL);
  sd.view.reason_alert = 0x7;
}
static void s_cashier_ssc(struct ui_shot *s)
{
  base(s, UI_SCREEN_CASHIER, UI_MODE_CASHIER, 0);
  view(s, UI_MODE_CASHIER, UI_VERDICT_STAFF_CHECK);
  sd.view.needs = UI_NEED_CREDENTIAL | UI_NEED_VISIT | UI_NEED_BILL;
  sd.view.has_holder = 1;
  holder(&sd.view.holder, "𠇔*华", "450981********002X", "award.VOLUNTEER_STAR", 5, "4509 0020 2000 4471", 1);
  sd.view.cashier.fee_fen = 1500;
  reason(&sd.view, R_CRED);
  reason(&sd.view, R_VISIT);
  reason(&sd.view, R_BILL);
  sd.view.reason_alert = 0x7;
  s->remaining_ms = 120000;
}
static void s_cashier_matched(struct ui_shot *s)
{
  s_cashier_ssc(s);
  sd.view.needs = UI_NEED_BILL;
  sd.view.cashier.credential = UI_CREDENTIAL_SSC_MATCHED;
  sd.view.cashier.visit = UI_VISIT_INPATIENT;
  sd.view.nreasons = 0;
  reason(&sd.view, R_BILL);
  reason(&sd.view, R_MATCHED);
  sd.view.reason_alert = 0x1;
  s->bill_input = "ZY2025-0042";
}
/* The ID number field (F4): what was typed shows only through its mask. */
static void s_cashier_id_entry(struct ui_shot *s)
{
  s_cashier_ssc(s);
  s->id_active = 1;
  s->id_input = "450981\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2";
}
static void s_cashier_id_bad(struct ui_shot *s)
{
  s_cashier_id_entry(s);
  s->id_input = "450981\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2"
                "\xE2\x80\xA2\xE2\x80\xA2" "0021";
  s->cashier_message_key = "cashier.id_bad";
}
static void s_cashier_id_matched(struct ui_shot *s)
{
  s_cashier_matched(s);
  sd.view.cashier.credential = UI_CREDENTIAL_ID_MATCHED;
  sd.view.cashier.visit = UI_VISIT_OUTPATIENT;
  s->bill_input = "门诊2026/12-01_A.3";
}
static void s_cashier_bill_is_id(struct ui_shot *s)
{
  s_cashier_matched(s);
  s->bill_input = NULL;
  s->cashier_message_key = "cashier.bill_is_id";
}
/* Three days without a sync, nobody signed in: the status line says both. */
static void s_cashier_offline(struct ui_shot *s)
{
  s_cashier_ssc(s);
  ui_sample_status(&sd.status, UI_BANNER_OFFLINE);
  strcpy(sd.status.site, "玉林市第一人民医院");
  strcpy(sd.status.terminal_id, "HIS-0101-07");
  sd.status.staff_id[0] = sd.status.staff_name[0] = '\0';
}
static void s_cashier_id_entry_en(struct ui_shot *s)
{
  s_cashier_id_entry(s);
  s->lang = UI_LANG_EN;
}
/* the hospital's billing system asks; the screen waits for the honour card */
static struct ui_request req_sample;
static void s_his_request(struct ui_shot *s)
{
  base(s, UI_SCREEN_REQUEST, UI_MODE_CASHIER, 0);
  memset(&req_sample, 0, sizeof req_sample);
  req_sample.id = 7;
  strcpy(req_sample.bill_ref, "MZ2026/12/01-7");
  req_sample.visit = UI_VISIT_OUTPATIENT;
  req_sample.fee_fen = 1200;
  s->request = &req_sample;
}
static void s_his_request_en(struct ui_shot *s)
{
  s_his_request(s);
  s->lang = UI_LANG_EN;
}
static void s_his_withdrawn(struct ui_shot *s)
{
  base(s, UI_SCREEN_NOTICE, UI_MODE_CASHIER, 0);
  s->notice_key = "request.withdrawn";
}
static void s_his_grant(struct ui_shot *s)
{
  s_cashier_grant(s);
  strcpy(sd.view.cashier.bill_ref, "MZ2026/12/01-7");
  sd.view.cashier.fee_fen = 1200;
  sd.view.cashier.waiver_id = 1024;
}
static void s_bus_grant(struct ui_shot *s)
{
  base(s, UI_SCREEN_BUS, UI_MODE_BUS, 0);
  view(s, UI_MODE_BUS, UI_VERDICT_GRANT);
}
static void s_bus_deny(struct ui_shot *s)
{
  base(s, UI_SCREEN_BUS, UI_MODE_BUS, 0);
  view(s, UI_MODE_BUS, UI_VERDICT_DENY);
  reason(&sd.view, R_VEHICLE);
}
static void s_pin(struct ui_shot *s)
{
  base(s, UI_SCREEN_PIN, UI_MODE_GATE, 0);
  s->pin_len = 3;
}
static void s_pin_wrong(struct ui_shot *s)
{
  base(s, UI_SCREEN_PIN, UI_MODE_GATE, 0);
  s->pin_message_key = "pin.wrong";
}
static void s_staff(struct ui_shot *s)
{
  base(s, UI_SCREEN_STAFF_MENU, UI_MODE_GATE, UI_BANNER_OFFLINE);
}

static void station(struct ui_shot *s, enum ui_screen screen, enum ui_station_kind k)
{
  base(s, screen, UI_MODE_STATION, 0);
  memset(&sd.station, 0, sizeof sd.station);
  sd.station.seq = 7;
  sd.station.kind = k;
  s->station = &sd.station;
}

static void s_station_list(struct ui_shot *s)
{
  station(s, UI_SCREEN_STATION_LIST, UI_STATION_LIST);
  struct ui_station *d = &sd.station;
  ui_text_set(&d->title, "station.applications", NULL, NULL);
  static const char *const head[] = {"station.col.app_no", "station.col.name", "station.col.award",
                                     "station.col.submitted", "station.col.status"};
  static const char *const rows[][5] = {
      {"SQ-2025-0101", "张*明", "@award.DONOR_STAR", "2025-01-02", "@station.status.review"},
      {"SQ-2025-0102", "刘*䶮", "@award.VOLUNTEER_STAR", "2025-01-02", "@station.status.review"},
      {"SQ-2025-0097", "𠇔*华", "@award.LIFETIME_ACHIEVEMENT", "2024-12-28", "@station.status.approved"},
      {"SQ-2025-0093", "陈*", "@award.VOLUNTEER_LIFETIME", "2024-12-27", "@station.status.printing"},
      {"SQ-2025-0090", "黄*琴", "@award.DONOR_STAR", "2024-12-26", "@station.status.printing"},
      {"SQ-2025-0088", "梁*德", "@award.DONOR_STAR", "2024-12-20", "@station.status.ready"},
      {"SQ-2025-0081", "莫*兰", "@award.VOLUNTEER_STAR", "2024-12-18", "@station.status.ready"},
      {"SQ-2025-0077", "覃*", "@award.DONOR_STAR", "2024-12-15", "@station.status.ready"},
  };
  d->ncols = 5;
  d->nrows = sizeof rows / sizeof rows[0];
  d->total = 37;
  d->selected = 1;
  for (size_t c = 0; c < d->ncols; c++)
    ui_text_set(&d->heading[c], head[c], NULL, NULL);
  for (size_t r = 0; r < d->nrows; r++)
    for (size_t c = 0; c < d->ncols; c++)
      strcpy(d->cell[r][c], rows[r][c]);
}
static void s_station_summary(struct ui_shot *s)
{
  station(s, UI_SCREEN_STATION_SUMMARY, UI_STATION_SUMMARY);
  struct ui_station *d = &sd.station;
  ui_text_set(&d->title, "station.round", NULL, NULL);
  static const char *const rows[][2] = {
      {"@station.sum.candidates", "1 284"}, {"@station.sum.donor_star", "1 109"},
      {"@station.sum.volunteer", "142"},    {"@station.sum.lifetime", "33"},
      {"@station.sum.announced", "2025-01-06 — 2025-01-12"}, {"@station.sum.cards", "412"},
  };
  d->ncols = 2;
  d->nrows = sizeof rows / sizeof rows[0];
  for (size_t r = 0; r < d->nrows; r++) {
    strcpy(d->cell[r][0], rows[r][0]);
    strcpy(d->cell[r][1], rows[r][1]);
  }
}
static void s_station_revoke(struct ui_shot *s)
{
  station(s, UI_SCREEN_STATION_CONFIRM, UI_STATION_CONFIRM);
  sd.station.action = UI_STATION_ACTION_REVOKE;
  holder(&sd.station.holder, "梁*德", "450902********3318", "award.DONOR_STAR", 3, "4509 0020 1900 0456", 1);
  ui_text_set(&sd.station.note, NULL, "持卡人挂失（2025-01-03 来电）", "Reported lost by the holder (call, 2025-01-03)");
}
static void s_station_issue(struct ui_shot *s)
{
  station(s, UI_SCREEN_STATION_CONFIRM, UI_STATION_CONFIRM);
  sd.station.action = UI_STATION_ACTION_ISSUE;
  holder(&sd.station.holder, "张*明", "450902********1234", "award.DONOR_STAR", 3, "4509 0020 1900 0123", 1);
  ui_text_set(&sd.station.note, NULL, "首次发卡，免费", "First card, free of charge");
}

static const struct {
  const char *name;
  sample_fn *fn;
} samples[] = {
    {"idle_gate", s_idle_gate},
    {"idle_gate_en", s_idle_gate_en},
    {"idle_cashier", s_idle_cashier},
    {"idle_bus", s_idle_bus},
    {"idle_station", s_idle_station},
    {"idle_banners", s_idle_banners},
    {"idle_clock_suspect", s_idle_clock_suspect},
    {"reading", s_reading},
    {"place_again", s_place_again},
    {"verdict_gate_grant", s_gate_grant},
    {"verdict_gate_grant_warn", s_gate_grant_warn},
    {"verdict_gate_grant_stale", s_gate_stale},
    {"verdict_gate_deny", s_gate_deny},
    {"verdict_gate_deny_en", s_gate_deny_en},
    {"verdict_deny_many", s_deny_many},
    {"verdict_cashier_grant", s_cashier_grant},
    {"verdict_cashier_deny", s_cashier_deny},
    {"verdict_station_grant", s_station_grant},
    {"verdict_error", s_error},
    {"holder_check", s_holder},
    {"holder_check_en", s_holder_en},
    {"holder_check_repeat", s_holder_repeat},
    {"cashier_ssc", s_cashier_ssc},
    {"cashier_matched", s_cashier_matched},
    {"cashier_id_entry", s_cashier_id_entry},
    {"cashier_id_entry_en", s_cashier_id_entry_en},
    {"cashier_id_bad", s_cashier_id_bad},
    {"cashier_id_matched", s_cashier_id_matched},
    {"cashier_bill_is_id", s_cashier_bill_is_id},
    {"cashier_offline", s_cashier_offline},
    {"his_request", s_his_request},
    {"his_request_en", s_his_request_en},
    {"his_withdrawn", s_his_withdrawn},
    {"verdict_cashier_his_grant", s_his_grant},
    {"bus_grant", s_bus_grant},
    {"bus_deny", s_bus_deny},
    {"pin", s_pin},
    {"pin_wrong", s_pin_wrong},
    {"staff_menu", s_staff},
    {"station_list", s_station_list},
    {"station_summary", s_station_summary},
    {"station_confirm_revoke", s_station_revoke},
    {"station_confirm_issue", s_station_issue},
};

size_t ui_sample_count(void)
{
  return sizeof samples / sizeof samples[0];
}

const char *ui_sample_name(size_t i)
{
  return i < ui_sample_count() ? samples[i].name : NULL;
}

size_t ui_sample_find(const char *name)
{
  for (size_t i = 0; name && i < ui_sample_count(); i++)
    if (strcmp(samples[i].name, name) == 0)
      return i;
  return (size_t)-1;
}

int ui_sample_shot(size_t i, struct ui_shot *shot)
{
  if (!shot || i >= ui_sample_count())
    return UI_E_INVALID_ARG;
  if (!ui_sample_photo(NULL))
    return UI_E_NO_MEMORY;
  samples[i].fn(shot);
  if (shot->view)
    ui_view_sanitize(&sd.view);
  return UI_OK;
}
