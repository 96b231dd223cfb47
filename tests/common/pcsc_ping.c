/*
 * yh_pcsc_ping: does pcscd answer? Exit 0 when a PC/SC context can be established and
 * the reader list read (an empty list counts), 1 otherwise. With -l, the readers are
 * printed one per line. Used by tests/fixture/pcscd.sh.
 */
#include <stdio.h>
#include <string.h>

#include <winscard.h>

int main(int argc, char **argv)
{
  int list = argc > 1 && strcmp(argv[1], "-l") == 0;
  SCARDCONTEXT ctx;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
  if (rv != SCARD_S_SUCCESS) {
    fprintf(stderr, "yh_pcsc_ping: SCardEstablishContext: %s (0x%lx)\n",
            pcsc_stringify_error(rv), (unsigned long)rv);
    return 1;
  }
  static char readers[16384];
  DWORD len = sizeof readers;
  rv = SCardListReaders(ctx, NULL, readers, &len);
  SCardReleaseContext(ctx);
  if (rv == SCARD_E_NO_READERS_AVAILABLE)
    return 0;
  if (rv != SCARD_S_SUCCESS) {
    fprintf(stderr, "yh_pcsc_ping: SCardListReaders: %s (0x%lx)\n", pcsc_stringify_error(rv),
            (unsigned long)rv);
    return 1;
  }
  for (const char *r = readers; list && *r; r += strlen(r) + 1)
    printf("%s\n", r);
  return 0;
}
