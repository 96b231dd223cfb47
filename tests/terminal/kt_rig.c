/* Shared set-up of the kiosk card tests. */
#include "kt_rig.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kiosk/revoke.h"
#include "yh_fixture.h"

void kt_run(const char *cmd)
{
  int rc = system(cmd);
  ck_assert_msg(rc == 0, "'%s' failed (%d)", cmd, rc);
}

void kt_make_pki_and_revlist(const char *dir, const char *pki)
{
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "'%s/tools/pki/yhpki' test-pki '%s' >/dev/null", yh_binary_dir(),
           pki);
  kt_run(cmd);
  /* The centre's revocation key and a fresh list revoking one card number. */
  struct proto_key *k;
  ck_assert_int_eq(kiosk_revkey_generate(&k), KIOSK_OK);
  char path[512];
  snprintf(path, sizeof path, "%s/trust/%s", pki, KIOSK_TRUST_REVOCATION_KEY);
  ck_assert_int_eq(kiosk_revkey_write_public(k, path), KIOSK_OK);
  struct proto_rev_entry e[] = {{"YL-REVOKED-1", 0, KIOSK_REV_EXACT}};
  uint8_t *blob;
  size_t len;
  ck_assert_int_eq(kiosk_revlist_write_snapshot(e, 1, 1, (int64_t)time(NULL), k, &blob, &len),
                   KIOSK_OK);
  snprintf(path, sizeof path, "%s/revocation.yrl", dir);
  FILE *f = fopen(path, "wb");
  ck_assert_ptr_nonnull(f);
  ck_assert_uint_eq(fwrite(blob, 1, len, f), len);
  fclose(f);
  free(blob);
  kiosk_revkey_destroy(k);
}

void kt_write_tariff(const char *path, const char *site, unsigned version, long outpatient,
                     long inpatient)
{
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fprintf(f, "[tariff]\nformat = yh-tariff/1\nsite = %s\nversion = %u\nissued = 2026-12-01\n",
          site, version);
  int n = 0;
  if (inpatient)
    fprintf(f, "\n[item.%d]\nvisit = inpatient\nfee_fen = %ld\nfrom = 2020-01-01\n", ++n,
            inpatient);
  if (outpatient)
    fprintf(f, "\n[item.%d]\nvisit = outpatient\nfee_fen = %ld\nfrom = 2020-01-01\n", ++n,
            outpatient);
  ck_assert_int_eq(fclose(f), 0);
}
