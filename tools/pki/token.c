/* yhpki: an issuer key generated inside a PKCS#11 token (pki.h, yhpki_new_issuer_token).
 * The PKCS#11 module is loaded with dlopen, so nothing here depends on one vendor. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

#include "cardio/crypto.h"
#include "pki.h"

/* DER of the named curve prime256v1 (1.2.840.10045.3.1.7), CKA_EC_PARAMS. */
static CK_BYTE p256_params[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};

/* The token's label is 32 bytes padded with blanks. */
static int label_is(const CK_UTF8CHAR label[32], const char *want)
{
  size_t n = strlen(want);
  if (n > 32 || memcmp(label, want, n) != 0)
    return 0;
  for (size_t i = n; i < 32; i++)
    if (label[i] != ' ')
      return 0;
  return 1;
}

int yhpki_new_issuer_token(const char *dir, const char *name, const char *module,
                           const char *token, const char *pin, const struct yhpki_validity *v)
{
  char label[48];
  CK_FUNCTION_LIST_PTR f = NULL;
  CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
  CK_SLOT_ID slots[64];
  CK_ULONG n_slots = 64, found = 0;
  CK_OBJECT_HANDLE pub = CK_INVALID_HANDLE, priv = CK_INVALID_HANDLE, obj;
  struct cardio_key *key = NULL;
  int rc = CARDIO_E_IO, initialized = 0, logged_in = 0;
  if (!dir || !name || !module || !token || !pin || !v || strlen(name) > 32) {
    yhpki_say("new-issuer-token needs DIR, NAME, the module, the token, the PIN");
    return CARDIO_E_INVALID_ARG;
  }
  snprintf(label, sizeof label, "issuer-%s", name);
  void *lib = dlopen(module, RTLD_NOW | RTLD_LOCAL);
  CK_C_GetFunctionList get = lib ? (CK_C_GetFunctionList)dlsym(lib, "C_GetFunctionList") : NULL;
  if (!get || get(&f) != CKR_OK) {
    yhpki_say("%s is not a PKCS#11 module", module);
    goto out;
  }
  if (f->C_Initialize(NULL) != CKR_OK) {
    yhpki_say("the PKCS#11 module does not initialize");
    goto out;
  }
  initialized = 1;
  if (f->C_GetSlotList(CK_TRUE, slots, &n_slots) != CKR_OK)
    goto out;
  CK_SLOT_ID slot = 0;
  int have = 0;
  for (CK_ULONG i = 0; i < n_slots && !have; i++) {
    CK_TOKEN_INFO ti;
    if (f->C_GetTokenInfo(slots[i], &ti) == CKR_OK && label_is(ti.label, token)) {
      slot = slots[i];
      have = 1;
    }
  }
  if (!have) {
    yhpki_say("no token labelled %s", token);
    goto out;
  }
  if (f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s) != CKR_OK)
    goto out;
  /* PKCS#11 takes the PIN as a non-const pointer; a copy keeps ours const. */
  CK_UTF8CHAR pinbuf[128];
  size_t pin_len = strlen(pin);
  if (pin_len >= sizeof pinbuf) {
    yhpki_say("the PIN is too long");
    goto out;
  }
  memcpy(pinbuf, pin, pin_len);
  CK_RV lrv = f->C_Login(s, CKU_USER, pinbuf, pin_len);
  memset(pinbuf, 0, sizeof pinbuf);
  if (lrv != CKR_OK) {
    yhpki_say("the token refused the PIN");
    goto out;
  }
  logged_in = 1;
  /* Never a second key under the same label: the station finds its key by label. */
  CK_ATTRIBUTE find[] = {{CKA_LABEL, label, strlen(label)}};
  if (f->C_FindObjectsInit(s, find, 1) != CKR_OK)
    goto out;
  f->C_FindObjects(s, &obj, 1, &found);
  f->C_FindObjectsFinal(s);
  if (found) {
    yhpki_say("the token already holds %s; refusing to make another", label);
    goto out;
  }
  CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
  CK_BYTE id[1] = {1};
  CK_ATTRIBUTE pub_t[] = {
      {CKA_EC_PARAMS, p256_params, sizeof p256_params},
      {CKA_TOKEN, &yes, sizeof yes},
      {CKA_VERIFY, &yes, sizeof yes},
      {CKA_LABEL, label, strlen(label)},
      {CKA_ID, id, sizeof id},
  };
  CK_ATTRIBUTE priv_t[] = {
      {CKA_TOKEN, &yes, sizeof yes},       {CKA_PRIVATE, &yes, sizeof yes},
      {CKA_SENSITIVE, &yes, sizeof yes},   {CKA_EXTRACTABLE, &no, sizeof no},
      {CKA_SIGN, &yes, sizeof yes},        {CKA_LABEL, label, strlen(label)},
      {CKA_ID, id, sizeof id},
  };
  CK_MECHANISM mech = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
  if (f->C_GenerateKeyPair(s, &mech, pub_t, sizeof pub_t / sizeof pub_t[0], priv_t,
                           sizeof priv_t / sizeof priv_t[0], &pub, &priv) != CKR_OK) {
    yhpki_say("the token could not generate a P-256 key pair");
    rc = CARDIO_E_CRYPTO;
    goto out;
  }
  /* CKA_EC_POINT: DER OCTET STRING (04 41) around the 65-byte uncompressed point. */
  CK_BYTE point[80];
  CK_ATTRIBUTE pt = {CKA_EC_POINT, point, sizeof point};
  if (f->C_GetAttributeValue(s, pub, &pt, 1) != CKR_OK || pt.ulValueLen != 67 ||
      point[0] != 0x04 || point[1] != 0x41) {
    yhpki_say("the token's public point is not an uncompressed P-256 point");
    rc = CARDIO_E_CRYPTO;
    goto out;
  }
  if ((rc = cardio_key_from_point(CARDIO_SUITE_P256, point + 2, 65, &key)) != CARDIO_OK)
    goto out;
  rc = yhpki_issuer_cert(dir, name, key, v);
  if (rc == CARDIO_OK)
    printf("issuer key %s generated in token %s; certificate %s/trust/issuers/%s.pem\n", label,
           token, dir, name);
out:
  cardio_key_destroy(key);
  if (logged_in)
    f->C_Logout(s);
  if (s != CK_INVALID_HANDLE)
    f->C_CloseSession(s);
  if (initialized)
    f->C_Finalize(NULL);
  if (lib)
    dlclose(lib);
  return rc;
}
