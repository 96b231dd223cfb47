/* Shared set-up of the kiosk card tests (kiosk_verify_card, kiosk_run_card). */
#ifndef KT_RIG_H
#define KT_RIG_H

/* Run a shell command; the test fails when it does not exit 0. */
void kt_run(const char *cmd);

/* Make a throw-away PKI in pki (yhpki test-pki), the centre's revocation key in its trust
 * store, and dir/revocation.yrl: a signed list (version 1, issued now) revoking card
 * "YL-REVOKED-1", generation 0. */
void kt_make_pki_and_revlist(const char *dir, const char *pki);

/* Write path: a hospital tariff (yh-tariff/1, version) for site, from 2020-01-01 on:
 * outpatient and inpatient fees in fen (0: no item for that visit kind). What the centre
 * serves and the terminal keeps as <journal>.tariff. */
void kt_write_tariff(const char *path, const char *site, unsigned version, long outpatient,
                     long inpatient);

#endif
