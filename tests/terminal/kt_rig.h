/* Shared set-up of the kiosk card tests (kiosk_verify_card, kiosk_run_card). */
#ifndef KT_RIG_H
#define KT_RIG_H

/* Run a shell command; the test fails when it does not exit 0. */
void kt_run(const char *cmd);

/* Make a throw-away PKI in pki (yhpki test-pki), the centre's revocation key in its trust
 * store, and dir/revocation.yrl: a signed list (version 1, issued now) revoking card
 * "YL-REVOKED-1", generation 0. */
void kt_make_pki_and_revlist(const char *dir, const char *pki);

#endif
