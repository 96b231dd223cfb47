/*
 * Helpers for card tests that run through the real pcscd, its vpcd readers and the
 * card simulator (tools/cardsim). Link the static library yh_testcommon; the include
 * path is already set by yh_add_check_exe (tests/yh_test.cmake).
 *
 * Readers and ports. Each vpcd entry in etc/reader.conf.d gives two readers: slot 0,
 * "<FRIENDLYNAME> NN 00", listens on the entry's port (DEVICENAME "...:0xPORT", or
 * CHANNELID), and slot 1, "<FRIENDLYNAME> NN 01", on port+1 (NN is pcscd's index for
 * readers of the same name, normally 00). yh_reader_name() parses the reader
 * definitions (env YH_READER_CONF_DIR, else $YH_SOURCE_DIR/etc/reader.conf.d) to find
 * the entry and slot for a port, then looks for that reader in pcscd's list. With
 * etc/reader.conf.d/yulin-vpcd: 35963 -> "Virtual PCD 00 00", 35964 -> "Virtual PCD
 * 00 01". A test plays its cards on yh_vpcd_port() (env YH_VPCD_PORT, default 35963)
 * and, when it needs two readers, on yh_vpcd_port() + 1. To run the card tests beside
 * a demo or another developer's tests, give them a pcscd of their own with
 * tests/fixture/isolated.sh rather than another port.
 *
 * Errors go to stderr with the raw PC/SC code, so that a failing test says why.
 */
#ifndef YH_FIXTURE_H
#define YH_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#define YH_DEFAULT_VPCD_PORT 35963
#define YH_READER_NAME_MAX 128 /* pcsc-lite's MAX_READERNAME */

/* Returned by yh_pcscd_restart() when the restart is not allowed here. */
#define YH_PCSCD_SKIPPED 1

/* The vpcd port for this test run: env YH_VPCD_PORT (1..65534), else 35963. */
uint16_t yh_vpcd_port(void);

/* The pcscd reader name for a vpcd port, as described above; waits up to 2 s for
 * pcscd to list it. Returns 0, or -1 when the port is in no reader definition, the
 * name does not fit cap, or pcscd does not list the reader. */
int yh_reader_name(uint16_t port, char *name, size_t cap);

/* Wait until the reader shows a card (present = 1) or no card (present = 0), with
 * raw SCardGetStatusChange. Rides out pcscd being away or the reader not yet listed
 * (e.g. just after yh_pcscd_restart) until the timeout. Returns 0 when the state is
 * reached, -1 on timeout (or when timeout_ms < 0). */
int yh_wait_reader_state(const char *reader, int present, int timeout_ms);

/*
 * Restart pcscd with the project's reader definitions (tests/fixture/pcscd.sh
 * restart $YH_SOURCE_DIR/etc/reader.conf.d $YH_BINARY_DIR/tests/pcscd.state) and
 * wait until it answers. Only when the fixture started pcscd itself (the state file
 * says "started", as in CI) or env YH_ALLOW_PCSCD_RESTART=1: a test must not kill a
 * pcscd that serves someone else (a desktop's real readers, other people's tests on
 * a shared machine). Returns 0, YH_PCSCD_SKIPPED (with a line on stderr) when not
 * allowed, -1 when the script fails.
 */
int yh_pcscd_restart(void);

/* The fixture's state ("started", "reused", ...) into buf; "" when there is none. */
void yh_pcscd_state(char *buf, size_t cap);

/* $YH_SOURCE_DIR, else the source tree this was built from. Never NULL. */
const char *yh_source_dir(void);
/* $YH_BINARY_DIR, else the build tree this was built from. Never NULL. */
const char *yh_binary_dir(void);

/* Monotonic milliseconds, and a sleep. */
uint64_t yh_now_ms(void);
void yh_sleep_ms(int ms);

/* Hex ("00 A4 04 00", spaces and any non-hex ignored) to bytes; returns the count, or
 * 0 when it would exceed cap or has an odd number of digits. */
size_t yh_hex(const char *hex, uint8_t *out, size_t cap);

#endif
