/* The station's hand-over desk in `kiosk run` (desk.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <common/award.h>
#include <common/date.h>
#include <station/db.h>
#include <station/issue.h>

#include "applog.h"
#include "desk.h"
#include "text.h"
#include "kiosk/config.h"
#include "kiosk/decide.h"
#include "ui/strings.h"
#include "ui_adapter.h"

#define ROWS UI_TABLE_ROWS_MAX

/* The templates the desk formats; the screen resolves every other station.* key. */
static const char *const formatted_keys[] = {"station.kind.reissue_fee", "station.handover.note",
                                             "station.handover.note_first",
                                             "station.handover.reissue", NULL};

struct term_desk {
  struct ui *ui;
  struct station_db *db;
  char path[KIOSK_PATH_MAX];
  struct ui_strings *strings[UI_LANG_COUNT];
  enum ui_lang lang;
  struct timespec mtime[2]; /* the database and its WAL, as last read */
  off_t size[2];
  struct station_ready_card ready[ROWS]; /* photo: photo[i] */
  uint8_t *photo[ROWS];
  size_t nready, total;
  uint32_t seq;    /* of the station screen on display; actions must name it */
  int confirming;  /* a hand-over confirmation is on screen: ready[row] */
  size_t row;
  int pending;     /* the list changed while something else was on screen */
};

static const char *tmpl(const struct term_desk *d, enum ui_lang l, const char *key)
{
  return ui_strings_get(d->strings[l], key); /* present: checked at create */
}

int term_desk_create(const char *db_path, const char *strings_dir, enum ui_lang lang,
                     struct ui *ui, struct term_desk **out, char *why, size_t cap)
{
  *out = NULL;
  struct term_desk *d = calloc(1, sizeof *d);
  if (!d) {
    snprintf(why, cap, "out of memory");
    return -1;
  }
  d->ui = ui;
  d->lang = lang;
  term_copy_str(d->path, sizeof d->path, db_path);
  for (int l = 0; l < UI_LANG_COUNT; l++) {
    char path[1024];
    struct ui_diag dg;
    memset(&dg, 0, sizeof dg);
    snprintf(path, sizeof path, "%s/%s.ini", strings_dir, ui_lang_tag((enum ui_lang)l));
    if (ui_strings_load(path, &d->strings[l], &dg) != UI_OK) {
      snprintf(why, cap, "%s:%u: %s", path, dg.line, dg.text);
      goto out_destroy;
    }
    for (size_t k = 0; formatted_keys[k]; k++)
      if (!ui_strings_get(d->strings[l], formatted_keys[k])) {
        snprintf(why, cap, "%s: %s is missing", path, formatted_keys[k]);
        goto out_destroy;
      }
  }
  char sw[256] = "";
  if (station_db_open(db_path, &d->db, sw, sizeof sw) != STATION_OK) {
    snprintf(why, cap, "station database %s: %s", db_path, sw);
    goto out_destroy;
  }
  *out = d;
  return 0;

out_destroy:
  term_desk_destroy(d);
  return -1;
}

static void ready_clear(struct term_desk *d)
{
  for (size_t i = 0; i < ROWS; i++) {
    free(d->photo[i]);
    d->photo[i] = NULL;
  }
  d->nready = d->total = 0;
}

void term_desk_destroy(struct term_desk *d)
{
  if (!d)
    return;
  ready_clear(d);
  station_db_close(d->db);
  for (int l = 0; l < UI_LANG_COUNT; l++)
    ui_strings_destroy(d->strings[l]);
  free(d);
}

long term_desk_ready_total(const struct term_desk *d)
{
  return (long)d->total;
}

static int ready_cb(void *user, const struct station_ready_card *c)
{
  struct term_desk *d = user;
  if (d->nready < ROWS) {
    size_t i = d->nready++;
    d->ready[i] = *c;
    d->ready[i].photo = NULL; /* the row's photo lives only during the callback */
    d->ready[i].photo_len = 0;
    if (c->photo && c->photo_len && c->photo_len <= UI_PHOTO_MAX &&
        (d->photo[i] = malloc(c->photo_len)) != NULL) {
      memcpy(d->photo[i], c->photo, c->photo_len);
      d->ready[i].photo = d->photo[i];
      d->ready[i].photo_len = c->photo_len;
    }
  }
  d->total++;
  return 0;
}

/* The ready-for-collection list as the station list screen. */
static void post_list(struct term_desk *d)
{
  static const char *const head[] = {"station.col.card_no",     "station.col.name",
                                     "station.col.kind",        "station.col.ready_since",
                                     "station.col.centre",      "station.col.status"};
  struct ui_station st;
  memset(&st, 0, sizeof st);
  st.seq = ++d->seq;
  st.kind = UI_STATION_LIST;
  ui_text_set(&st.title, "station.ready.title", NULL, NULL);
  st.ncols = sizeof head / sizeof head[0];
  for (size_t c = 0; c < st.ncols; c++)
    ui_text_set(&st.heading[c], head[c], NULL, NULL);
  for (size_t r = 0; r < d->nready; r++) {
    const struct station_ready_card *c = &d->ready[r];
    term_copy_str(st.cell[r][0], UI_CELL_MAX, c->card_no);
    term_copy_str(st.cell[r][1], UI_CELL_MAX, c->masked_name);
    if (c->reissue) {
      /* a cell is one text: the fee's, in the terminal's language */
      char fee[48];
      snprintf(fee, sizeof fee, "%lld.%02lld", (long long)(c->fee_cents / 100),
               (long long)(c->fee_cents % 100));
      const char *const pairs[] = {"fee", fee, NULL};
      ui_format(st.cell[r][2], UI_CELL_MAX, tmpl(d, d->lang, "station.kind.reissue_fee"), pairs);
    } else {
      term_copy_str(st.cell[r][2], UI_CELL_MAX, "@station.kind.first");
    }
    char day[COMMON_DATE_LEN + 1];
    common_date_format(c->ready_day, day);
    term_copy_str(st.cell[r][3], UI_CELL_MAX, day);
    term_copy_str(st.cell[r][4], UI_CELL_MAX,
                  c->registered ? "@station.centre.registered" : "@station.centre.pending");
    term_copy_str(st.cell[r][5], UI_CELL_MAX, "@station.status.ready");
  }
  st.nrows = d->nready;
  st.total = d->total;
  ui_post_station(d->ui, &st);
  d->confirming = 0;
  d->pending = 0;
}

void term_desk_home(struct term_desk *d)
{
  post_list(d);
}

/* Hand-over of one ready card: the confirmation screen. */
static void post_confirm(struct term_desk *d, size_t row)
{
  const struct station_ready_card *c = &d->ready[row];
  struct ui_station st;
  memset(&st, 0, sizeof st);
  st.seq = ++d->seq;
  st.kind = UI_STATION_CONFIRM;
  st.action = UI_STATION_ACTION_ISSUE;
  ui_text_set(&st.title, "station.action.issue", NULL, NULL);
  term_copy_str(st.holder.name_masked, sizeof st.holder.name_masked, c->masked_name);
  term_copy_str(st.holder.id_masked, sizeof st.holder.id_masked, c->masked_idno);
  term_copy_str(st.holder.card_no, sizeof st.holder.card_no, c->card_no);
  const struct common_award_info *aw = common_award_info(c->award);
  ui_text_set(&st.holder.award, term_award_key(c->award), aw ? aw->zh : "", aw ? aw->en : "");
  if (common_award_has_stars(c->award))
    st.holder.award_stars = c->level <= 5 ? c->level : 5;
  st.holder.photo = c->photo; /* copied by ui_post_station */
  st.holder.photo_len = c->photo_len;
  char gen[16];
  snprintf(gen, sizeof gen, "%u", c->generation);
  char note[UI_LANG_COUNT][UI_TEXT_MAX];
  for (int l = 0; l < UI_LANG_COUNT; l++) {
    const char *const pairs[] = {
        "generation", gen, "reissue",
        c->reissue ? tmpl(d, (enum ui_lang)l, "station.handover.reissue") : "", NULL};
    /* A first card is just "the card": "generation 0" means nothing to its holder. */
    const char *key = c->generation == 0 && !c->reissue ? "station.handover.note_first"
                                                          : "station.handover.note";
    ui_format(note[l], sizeof note[l], tmpl(d, (enum ui_lang)l, key), pairs);
  }
  ui_text_set(&st.note, NULL, note[UI_LANG_ZH], note[UI_LANG_EN]);
  d->confirming = 1;
  d->row = row;
  ui_post_station(d->ui, &st);
}

static void file_stamp(const char *path, struct timespec *mt, off_t *size)
{
  struct stat st;
  if (stat(path, &st) != 0) {
    memset(mt, 0, sizeof *mt);
    *size = -1;
    return;
  }
  *mt = st.st_mtim;
  *size = st.st_size;
}

int term_desk_refresh(struct term_desk *d, int force, int idle)
{
  /* `kiosk station ...` at the desk writes the database (WAL): a stamp on either file
   * that moved means the list may have */
  char wal[KIOSK_PATH_MAX + 8];
  snprintf(wal, sizeof wal, "%s-wal", d->path);
  struct timespec mt[2];
  off_t size[2];
  file_stamp(d->path, &mt[0], &size[0]);
  file_stamp(wal, &mt[1], &size[1]);
  int changed = force || memcmp(mt, d->mtime, sizeof mt) != 0 ||
                memcmp(size, d->size, sizeof size) != 0;
  if (!changed && !d->pending)
    return 0;
  if (changed) {
    memcpy(d->mtime, mt, sizeof mt);
    memcpy(d->size, size, sizeof size);
    ready_clear(d);
    int rc = station_ready_list(d->db, ready_cb, d);
    if (rc != STATION_OK) {
      app_log("station: ready list: %s (%s)", station_strerror(rc), station_db_errmsg(d->db));
      return 0;
    }
    d->pending = 1;
  }
  if (idle && !d->confirming)
    post_list(d);
  return changed;
}

void term_desk_action(struct term_desk *d, const struct ui_action *a)
{
  if (a->seq != d->seq)
    return;
  if (a->kind == UI_ACT_STATION_SELECT && !d->confirming && a->value >= 0 &&
      (size_t)a->value < d->nready) {
    post_confirm(d, (size_t)a->value);
  } else if (a->kind == UI_ACT_STATION_CONFIRM && d->confirming) {
    const struct station_ready_card *c = &d->ready[d->row];
    int rc = station_collect(d->db, c->card_no, station_date_today());
    app_log("station: hand-over: %s", rc == STATION_OK ? "collected" : station_strerror(rc));
    d->confirming = 0;
    term_desk_refresh(d, 1, 0);
    post_list(d);
  } else if (a->kind == UI_ACT_STATION_CANCEL) {
    d->confirming = 0;
    post_list(d);
  }
}
