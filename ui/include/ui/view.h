/*
 * ui view model: everything a kiosk screen shows, as plain data.
 *
 * The UI draws what the kiosk core decided and holds no business rule: the verdict,
 * its reasons, what staff still have to do (needs), the banners, all come in here
 * already decided. An adapter turns kiosk's decision into a struct ui_view
 * (terminal/ui_adapter.h); this header depends on nothing so that the screens can be
 * built, tested and screenshotted on their own.
 *
 * Personal data: name_masked and id_masked must already be masked (张*明,
 * 450902********1234) by the card module's masking functions. The UI checks that
 * they look masked (ui_view_sanitize) and blanks a field that does not, and it never
 * logs either field.
 *
 * All strings are UTF-8 and NUL-terminated inside their fixed arrays, so a view can
 * be copied with memcpy and posted across threads (ui_post_view copies it, and the
 * photo bytes, before returning).
 */
#ifndef UI_VIEW_H
#define UI_VIEW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Display language. zh-CN is the default; English is a toggle. */
enum ui_lang {
  UI_LANG_ZH = 0,
  UI_LANG_EN = 1,
  UI_LANG_COUNT
};
/* "zh-CN" / "en"; the strings file names (assets/strings/<tag>.ini). */
const char *ui_lang_tag(enum ui_lang lang);

/* Terminal modes. Values equal kiosk's enum kiosk_mode so that adapters can cast. */
#define UI_MODE_MAP(X)                                                                   \
  X(GATE, 1, "gate")                                                                     \
  X(CASHIER, 2, "cashier")                                                               \
  X(BUS, 3, "bus")                                                                       \
  X(STATION, 4, "station")

enum ui_mode {
#define UI_X_MODE(name, value, text) UI_MODE_##name = (value),
  UI_MODE_MAP(UI_X_MODE)
#undef UI_X_MODE
};
const char *ui_mode_name(int mode); /* "gate", ...; NULL when unknown */

#define UI_VERDICT_MAP(X)                                                                \
  X(GRANT, 0, "grant")             /* exemption given */                                 \
  X(DENY, 1, "deny")               /* no exemption */                                    \
  X(STAFF_CHECK, 2, "staff_check") /* staff must act first (needs says what) */          \
  X(ERROR, 3, "error")             /* the terminal could not decide */

enum ui_verdict {
#define UI_X_VERDICT(name, value, text) UI_VERDICT_##name = (value),
  UI_VERDICT_MAP(UI_X_VERDICT)
#undef UI_X_VERDICT
};
const char *ui_verdict_name(int verdict);

/*
 * A text the screen shows: a key in the strings file (reason.CARD_REVOKED), or texts
 * already resolved by the caller in both languages. Drawing uses, in order: the key's
 * entry in the current language's strings file; the caller's text in the current
 * language; the caller's text in the other language; the key itself.
 */
#define UI_KEY_MAX 48u
#define UI_TEXT_MAX 192u
struct ui_text {
  char key[UI_KEY_MAX];
  char text[UI_LANG_COUNT][UI_TEXT_MAX];
};

/* The card holder as the card shows them (gate holder check, cashier, station). */
#define UI_NAME_MAX 64u
#define UI_ID_MAX 32u
#define UI_CARD_NO_MAX 32u
#define UI_PHOTO_MAX (256u * 1024u)
struct ui_holder {
  char name_masked[UI_NAME_MAX]; /* 张*明; must contain '*' (else not shown) */
  char id_masked[UI_ID_MAX];     /* 450902********1234; must contain '*' */
  struct ui_text award;          /* key award.DONOR_STAR, ... */
  unsigned award_stars;          /* 0..5, drawn as stars after the award */
  char card_no[UI_CARD_NO_MAX];  /* the station's unified number */
  /* JPEG or PNG bytes, borrowed: ui_post_view copies them. NULL: a placeholder. */
  const unsigned char *photo;
  size_t photo_len;
};

/* Cashier: what the fee waiver is about. */
#define UI_VISIT_MAP(X)                                                                  \
  X(NONE, 0, "none")                                                                     \
  X(OUTPATIENT, 1, "outpatient") /* 门诊 */                                              \
  X(INPATIENT, 2, "inpatient")   /* 住院 */                                              \
  X(EMERGENCY, 3, "emergency")   /* 急诊: only from a HIS request (no key chooses it) */

enum ui_visit {
#define UI_X_VISIT(name, value, text) UI_VISIT_##name = (value),
  UI_VISIT_MAP(UI_X_VISIT)
#undef UI_X_VISIT
};

/* The second credential at the cashier (social security card or typed ID number). */
#define UI_CREDENTIAL_MAP(X)                                                             \
  X(WAITING, 0, "waiting")                                                               \
  X(SSC_MATCHED, 1, "ssc_matched")                                                       \
  X(SSC_MISMATCHED, 2, "ssc_mismatched")                                                 \
  X(ID_MATCHED, 3, "id_matched")                                                         \
  X(ID_MISMATCHED, 4, "id_mismatched")

enum ui_credential {
#define UI_X_CRED(name, value, text) UI_CREDENTIAL_##name = (value),
  UI_CREDENTIAL_MAP(UI_X_CRED)
#undef UI_X_CRED
};

#define UI_BILL_REF_MAX 64u
struct ui_cashier {
  enum ui_visit visit;
  char bill_ref[UI_BILL_REF_MAX]; /* the hospital's bill or visit number */
  int64_t fee_fen;                /* consultation fee waived, in fen; < 0: not known */
  enum ui_credential credential;
  /* The journal's record of this waiver, shown on the verdict when a HIS request asked
   * for it (the number the billing system gets back as waiver_id); 0: not shown. */
  uint64_t waiver_id;
};

/*
 * Cashier: a waiver the hospital's billing system (HIS) asked for, waiting for the
 * holder's card (ui_post_request). While one waits, it is the terminal's home screen
 * instead of idle: the card and holder steps come back to it, and it ends with the
 * verdict, the billing system withdrawing it (ui_post_request_end with a notice) or the
 * cashier cancelling it (Esc: UI_ACT_REQUEST_CANCEL). Nothing here is personal; an
 * ID-shaped bill number is blanked by ui_request_sanitize (the terminal refuses one
 * before it gets here).
 */
struct ui_request {
  uint32_t id;                    /* the HIS's request number (shown small) */
  char bill_ref[UI_BILL_REF_MAX]; /* the hospital's bill or visit number */
  enum ui_visit visit;
  int64_t fee_fen;                /* the tariff's fee for the visit kind today; < 0: none in
                                     force (the card will be refused: shown as unknown) */
};
/* Terminates the strings, blanks an ID-shaped bill number and an unknown visit kind.
 * Returns the number of fields it changed (0 for a clean request). */
unsigned ui_request_sanitize(struct ui_request *r);

/* What staff still have to do, from the decision's staff reasons (bits). */
#define UI_NEED_HOLDER_CONFIRM 0x01u /* gate: compare ID card and photo; confirm/refuse */
#define UI_NEED_CREDENTIAL 0x02u     /* cashier: read the holder's social security card */
#define UI_NEED_VISIT 0x04u          /* cashier: choose outpatient or inpatient */
#define UI_NEED_BILL 0x08u           /* cashier: type the bill or visit number */
#define UI_NEED_REPEAT_ACCEPT 0x10u  /* gate: accept or refuse a repeat use */
#define UI_NEED_STAFF_LOGIN 0x20u    /* staff must sign in first (PIN) */
#define UI_OFFER_OVERRIDE 0x40u      /* journal down: offer the staff override */

/* View flags. */
#define UI_VIEW_REVLIST_STALE 0x1u   /* decided with an out-of-date revocation list */
#define UI_VIEW_OVERRIDE_USED 0x2u   /* granted by staff override */

#define UI_REASONS_MAX 6u

/* One decision, as the screen shows it. */
struct ui_view {
  uint32_t seq;              /* caller's decision number; echoed in struct ui_action */
  enum ui_mode mode;
  enum ui_verdict verdict;
  unsigned needs;            /* UI_NEED_* / UI_OFFER_* */
  unsigned flags;            /* UI_VIEW_* */
  size_t nreasons;           /* <= UI_REASONS_MAX */
  size_t nreasons_more;      /* reasons that did not fit */
  struct ui_text reasons[UI_REASONS_MAX];
  unsigned reason_alert;     /* bit i: reason i asks for attention (a deny or staff
                                reason); staff screens highlight it */
  unsigned reason_staff;     /* bit i: reason i is for staff only (list stale, journal
                                down, checks not run): the public screens and the
                                speech leave it out, the staff screens show it */
  int has_holder;            /* holder below is filled in */
  struct ui_holder holder;
  struct ui_cashier cashier; /* mode CASHIER */
  /* When the decision was made, ui_monotonic_ns() clock; 0: stamped by ui_post_view.
   * The decision-to-screen latency (ui_stats) is measured from here. */
  uint64_t decided_at_ns;
};

/* A zeroed view of this mode and verdict, fee unknown. */
void ui_view_init(struct ui_view *view, enum ui_mode mode, enum ui_verdict verdict);
/* Append a reason by strings key and/or resolved texts (either may be NULL); counts
 * it in nreasons_more when the view is full. */
void ui_view_add_reason(struct ui_view *view, const char *key, const char *zh,
                        const char *en);
/* Set a struct ui_text (any argument may be NULL); strings are truncated at a UTF-8
 * character boundary. */
void ui_text_set(struct ui_text *t, const char *key, const char *zh, const char *en);

/*
 * Defence in depth against unmasked personal data: blanks name_masked or id_masked
 * when it does not look masked (no '*', or an ID with more than 10 digits in clear),
 * clamps counts and star levels, and terminates every string. Returns the number of
 * fields it blanked (0 for a clean view). The UI calls it on every posted view.
 */
unsigned ui_view_sanitize(struct ui_view *view);

/* ------------------------------------------------------------- terminal status -- */

#define UI_BANNER_OFFLINE 0x1u       /* no connection to the centre */
#define UI_BANNER_REVLIST_STALE 0x2u /* revocation list older than the policy allows */
#define UI_BANNER_NO_READER 0x4u     /* the card reader is missing */
#define UI_BANNER_CLOCK_SUSPECT 0x8u /* the clock is not trusted: every card goes to staff */
#define UI_BANNER_GATE_FAULT 0x10u   /* the gate's actuator failed to open: call staff */
#define UI_BANNER_REGISTRY_WAIT 0x20u /* a bus waiting for the centre's registry to list it */

#define UI_SYNC_MAP(X)                                                                   \
  X(NEVER, 0, "never")                                                                   \
  X(ONLINE, 1, "online")                                                                 \
  X(OFFLINE, 2, "offline")                                                               \
  X(SYNCING, 3, "syncing")

enum ui_sync {
#define UI_X_SYNC(name, value, text) UI_SYNC_##name = (value),
  UI_SYNC_MAP(UI_X_SYNC)
#undef UI_X_SYNC
};

#define UI_READER_MAP(X)                                                                 \
  X(MISSING, 0, "missing")                                                               \
  X(READY, 1, "ready")                                                                   \
  X(CARD, 2, "card")                                                                     \
  X(ERROR, 3, "error")

enum ui_reader {
#define UI_X_READER(name, value, text) UI_READER_##name = (value),
  UI_READER_MAP(UI_X_READER)
#undef UI_X_READER
};

#define UI_SITE_MAX 96u

/* The centre-signed documents in force, shown on the staff status line with their
 * versions (0: none in force, not shown). Strings key: status.doc.<text>. */
#define UI_DOC_MAP(X)                                                                    \
  X(ROSTER, "roster")                                                                    \
  X(TARIFF, "tariff")                                                                    \
  X(CONFIG, "config")                                                                    \
  X(TRUST, "trust")                                                                      \
  X(REGISTRY, "registry")

enum ui_doc {
#define UI_X_DOC(name, text) UI_DOC_##name,
  UI_DOC_MAP(UI_X_DOC)
#undef UI_X_DOC
  UI_DOC_COUNT
};

#define UI_STAFF_ID_MAX 32u
/* Terminal status: banners on every screen, details on the staff menu. */
struct ui_status {
  unsigned banners;               /* UI_BANNER_* */
  char site[UI_SITE_MAX];         /* site name, e.g. 玉林市第一人民医院 */
  char site_en[UI_SITE_MAX];      /* its English name for English mode; "": site */
  char terminal_id[32];
  char version[32];
  enum ui_reader reader;
  char reader_name[64];
  enum ui_sync sync;
  int64_t now;                    /* wall clock, Unix seconds (for the ages below) */
  int64_t last_sync;              /* Unix seconds; 0: never */
  uint32_t queue_depth;           /* journal records waiting for upload */
  int64_t revlist_issued_at;      /* Unix seconds; 0: no list */
  uint64_t revlist_version;
  uint32_t today_grants, today_denies, today_staff_checks;
  uint32_t journal_records;       /* records in the journal */
  /* The signed-in staff member ("" when nobody): id and the roster's display name as the
   * program gives it (short; staff names are not holder data). */
  char staff_id[UI_STAFF_ID_MAX];
  char staff_name[UI_NAME_MAX];
  uint64_t doc_version[UI_DOC_COUNT]; /* enum ui_doc; 0: none in force */
};

/* Whole days since the last successful sync (now - last_sync, in days), shown on the
 * staff status line as 离线 n 天 from the first full day; 0 under a day, when now is
 * not known, or when the terminal never synced (last_sync 0: shown as never synced). */
int64_t ui_status_offline_days(const struct ui_status *st);
/* "roster", ...; NULL when unknown. */
const char *ui_doc_name(int doc);

/* ------------------------------------------------------------- blood station -- */

#define UI_STATION_KIND_MAP(X)                                                           \
  X(LIST, 0, "list")       /* application list */                                       \
  X(SUMMARY, 1, "summary") /* award round summary */                                    \
  X(CONFIRM, 2, "confirm") /* issue / reissue / revoke confirmation */

enum ui_station_kind {
#define UI_X_SK(name, value, text) UI_STATION_##name = (value),
  UI_STATION_KIND_MAP(UI_X_SK)
#undef UI_X_SK
};

#define UI_STATION_ACTION_MAP(X)                                                         \
  X(ISSUE, 0, "issue")                                                                   \
  X(REISSUE, 1, "reissue")                                                               \
  X(REVOKE, 2, "revoke")

enum ui_station_action {
#define UI_X_SA(name, value, text) UI_STATION_ACTION_##name = (value),
  UI_STATION_ACTION_MAP(UI_X_SA)
#undef UI_X_SA
};

#define UI_TABLE_COLS_MAX 6u
#define UI_TABLE_ROWS_MAX 10u
#define UI_CELL_MAX 64u

/*
 * The station's screens are data-driven: a title and a table.
 *   LIST     columns with headings, up to UI_TABLE_ROWS_MAX rows (one page), selected
 *            row highlighted; total says how many there are in all.
 *   SUMMARY  rows of (label, value): the first four become large tiles, the rest a
 *            list.
 *   CONFIRM  the holder, the action, a note, confirm / cancel.
 * Cell texts are data (numbers, masked names) and are shown as given; headings and
 * labels are struct ui_text so that the strings file can translate them.
 */
struct ui_station {
  uint32_t seq;
  enum ui_station_kind kind;
  struct ui_text title;
  size_t ncols, nrows, total, selected;
  struct ui_text heading[UI_TABLE_COLS_MAX];
  char cell[UI_TABLE_ROWS_MAX][UI_TABLE_COLS_MAX][UI_CELL_MAX];
  enum ui_station_action action;
  struct ui_holder holder;
  struct ui_text note;
};

/* As ui_view_sanitize, for station data: counts clamped, strings terminated, the
 * holder's name and ID blanked unless masked. Table cells are shown as given: the
 * station puts masked names there (张*明). Returns the fields blanked. */
unsigned ui_station_sanitize(struct ui_station *st);

#ifdef __cplusplus
}
#endif
#endif /* UI_VIEW_H */
