/*
 * station honours: what an awarded round gives besides the card (Measures Art. 13-17):
 * certificates and plaques, the cash-award ledger, the integrity-record export.
 *
 *   certificates  one A4 landscape page per award in force (HTML, print CSS), a batch
 *                 file per round, and the list of plaques to order (the two lifetime
 *                 awards). The holder's FULL NAME is printed here and nowhere else.
 *   ledger        the cash awards due (Art. 16: 8,000 yuan for the volunteer service
 *                 lifetime honour; Art. 17: 10,000 yuan for the lifetime achievement):
 *                 due, paid (date, voucher); an award struck after payment is flagged
 *                 for recovery, never dropped. CSV for the finance office (masked).
 *   export        the awarded list for the city's credit system (Art. 13, 诚信档案): the
 *                 only output with the ID number in clear; created 0600, never
 *                 overwritten, recorded (table exports, the round's journal, stderr).
 *
 * All need the round in state AWARDED or CLOSED (station/round.h); STATE otherwise,
 * with why naming the missing step. Files are written with O_CREAT | O_EXCL, mode
 * 0600: an existing file is EXISTS, never overwritten.
 */
#ifndef STATION_HONOURS_H
#define STATION_HONOURS_H

#include <stdint.h>
#include <stdio.h>

#include "station/db.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the regulation gives with an award: who issues the certificate (Art. 14-17), a
 * plaque, the cash in yuan (0: none). NULL for an unknown award. */
struct station_honour {
  int award;
  const char *authority_zh; /* 玉林市人民政府 / 玉林市无偿献血委员会 */
  int plaque;
  unsigned cash_yuan;
  const char *article;      /* "第十七条" */
};
const struct station_honour *station_honour_of(int award);

struct station_cert_result {
  unsigned long certificates, plaques;
  char html_path[600], plaques_path[600];
};

/* Write DIR/certificates-ROUND.html (every award in force, one page each) and
 * DIR/plaques-ROUND.csv. Errors: STATE, NOT_FOUND, EXISTS, IO, DB. */
int station_certificates_write(struct station_db *db, const char *round_id, const char *dir,
                               struct station_cert_result *res, char *why, size_t why_cap);

/* The ledger: rows for every cash award of the round (made on first use, kept
 * forever). Status per row: due, paid, cancelled (struck before payment), RECOVER
 * (struck after payment). CSV (UTF-8 BOM, CRLF) columns in docs/station.md. */
int station_ledger_csv(struct station_db *db, const char *round_id, FILE *out, char *why,
                       size_t why_cap);
/* Record a payment: day, voucher reference (1-64 bytes of text), who. Errors: NOT_FOUND
 * (no cash award due for this person and award), STATE (paid already, or struck). */
int station_ledger_pay(struct station_db *db, const char *round_id, int64_t person, int award,
                       int32_t day, const char *voucher, const char *who, int32_t today,
                       char *why, size_t why_cap);

/* The integrity-record export to path (CSV, layout in docs/station.md). *rows gets the
 * count. Errors: STATE, EXISTS, IO, DB. */
int station_integrity_export(struct station_db *db, const char *round_id, const char *path,
                             const char *who, int32_t today, unsigned long *rows, char *why,
                             size_t why_cap);

#ifdef __cplusplus
}
#endif
#endif /* STATION_HONOURS_H */
