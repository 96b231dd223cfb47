/*
 * cardsim: plays smart cards on vsmartcard's vpcd virtual readers.
 *
 * vpcd (a pcscd reader driver) listens on a TCP port per reader; a simulator connects
 * to it and the card is then "in the reader". Every message is a 2-byte big-endian
 * length and a payload: a 1-byte payload is a control code (0 power off, 1 power on,
 * 2 reset, 4 get ATR, answered with the ATR); a longer one is a command APDU, answered
 * with the response APDU.
 *
 * A card's behaviour is pluggable (struct cardsim_profile): the simulator owns the
 * socket, the power state and the fault injection; a profile only turns a command
 * APDU into a response APDU.
 *
 * ADDING A PROFILE (no shared file to edit): drop a .c file into
 * tools/cardsim/profiles/ (subfolders too; CMake globs profiles/ recursively) that
 * defines a struct cardsim_profile and registers it at load time:
 *
 *     #include "cardsim.h"
 *     static size_t mine_process(void *st, const uint8_t *cmd, size_t cmd_len,
 *                                uint8_t *resp, size_t cap) { ... }
 *     static const struct cardsim_profile mine = {
 *       .name = "mine", .description = "what it plays", .atr = mine_atr,
 *       .atr_len = sizeof mine_atr, .process = mine_process,
 *     };
 *     CARDSIM_PROFILE_REGISTER(mine)
 *
 * CARDSIM_PROFILE_REGISTER expands to a constructor function (run before main())
 * that calls cardsim_profile_register(). The sources are built as a CMake OBJECT
 * library (cardsim_obj), so every profile's object file is linked into every program
 * and test that uses the simulator (a static archive would drop the unreferenced
 * profile objects and their constructors). Link the INTERFACE target cardsim_lib
 * directly into executables, not into static libraries. cardsim_obj links OpenSSL
 * and Threads for the profiles' use.
 *
 * Faults are applied at the wire, so every profile gets them: garbage answers, slow
 * answers, a dropped connection mid-exchange, silence, and T=0-style 61xx / 6Cxx
 * answers that the terminal's transport must resolve.
 *
 * Used in-process by tests (a thread per simulator, driven by function calls) and as
 * the program tools/cardsim/cardsim (driven by lines on stdin or a control socket).
 * See docs/cardsim.md.
 */
#ifndef CARDSIM_H
#define CARDSIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CARDSIM_DEFAULT_PORT 35963 /* vpcd reader "... 00 00"; port+1 is "... 00 01" */
#define CARDSIM_MSG_MAX 65535u     /* the wire's 2-byte length */
#define CARDSIM_RESP_MAX 65535u

/* A card's behaviour. */
struct cardsim_profile {
  const char *name;        /* "test", "honour-valid-star3", "ssc-valid", ... */
  const char *description; /* one line, for `cardsim --list` */
  const uint8_t *atr;
  size_t atr_len;
  /* Create the per-card state. arg is the profile argument (may be NULL), e.g. a
   * directory of test keys. Returns NULL on failure (with a message on stderr). */
  void *(*create)(const char *arg);
  void (*destroy)(void *state);
  /* Power on or reset: forget the selected application, security state, etc. */
  void (*reset)(void *state);
  /* Process one command APDU (already checked to be >= 4 bytes). Write the response,
   * status word included, into resp (cap bytes, at least CARDSIM_RESP_MAX) and return
   * its length (>= 2). */
  size_t (*process)(void *state, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                    size_t cap);
};
/*
 * Extensions to the struct's contract (registry.c, sim.c):
 *  - name: 1..CARDSIM_NAME_MAX-1 characters, no white space (the control protocol
 *    splits on spaces), unique among the registered profiles;
 *  - atr_len: 2..CARDSIM_ATR_MAX;
 *  - create, destroy and reset may be NULL (a stateless profile: state is NULL);
 *    process may not;
 *  - all four run on the simulator's thread; a profile's state belongs to one card.
 *  - a process() return value outside 2..cap is answered as 6F00 (and reported on
 *    stderr): a profile bug must not become a wire protocol error.
 */
#define CARDSIM_NAME_MAX 64
#define CARDSIM_ATR_MAX 33 /* ISO 7816-3 and pcscd's MAX_ATR_SIZE */
#define CARDSIM_PROFILES_MAX 64

/*
 * Register a profile (normally through CARDSIM_PROFILE_REGISTER, before main()).
 * The registry keeps the pointer: p must stay valid for the life of the process.
 * Returns 0, or -1 when p breaks the contract above, its name is taken, or the
 * registry is full (CARDSIM_PROFILES_MAX); a message goes to stderr. Thread-safe, but
 * register before handing out cardsim_profiles() arrays to other threads.
 */
int cardsim_profile_register(const struct cardsim_profile *p);

/* Registers p from a constructor; aborts the program (with a message) when the
 * registration fails, e.g. two profiles with the same name: a build error, not a
 * runtime condition. Use once per profile, at file scope. */
#define CARDSIM_PROFILE_REGISTER(p)                                                     \
  __attribute__((constructor)) static void cardsim_register_##p(void)                   \
  {                                                                                     \
    cardsim_profile_register_or_abort(&(p));                                            \
  }
void cardsim_profile_register_or_abort(const struct cardsim_profile *p);

/* The registry (registry.c). NULL when there is no such profile. */
const struct cardsim_profile *cardsim_profile_find(const char *name);
/* All profiles, sorted by name, NULL-terminated. */
const struct cardsim_profile *const *cardsim_profiles(void);

enum cardsim_fault {
  CARDSIM_FAULT_NONE = 0,
  CARDSIM_FAULT_GARBAGE,    /* answer every APDU with param random bytes (0: 1..40) */
  CARDSIM_FAULT_SLOW,       /* wait param ms before each answer */
  CARDSIM_FAULT_DROP_AFTER, /* after param more APDUs, close the connection before
                               answering the next one (card pulled mid-exchange) */
  CARDSIM_FAULT_MUTE,       /* never answer APDUs (the connection stays open) */
  CARDSIM_FAULT_CHAIN_61,   /* answer with 61xx and hand out the data by GET RESPONSE
                               (00 C0 00 00 Le) in chunks of at most param bytes
                               (0: 256) */
  CARDSIM_FAULT_WRONG_LE_6C,/* when a case 2/4 command's Le differs from the data
                               length (<= 256), answer 6Cxx; the resend with the
                               right Le gets the data */
  CARDSIM_FAULT_SHORT,      /* answer every APDU with one byte */
};
/*
 * Fault details (sim.c), beyond the one-liners above:
 *  - faults touch command APDUs only: the control codes (power, reset, ATR) are always
 *    served, so that pcscd keeps seeing the card (its presence poll asks for the ATR);
 *  - GARBAGE and SHORT answer without calling the profile; SHORT's byte is 0x90;
 *    GARBAGE's param is capped at CARDSIM_MSG_MAX;
 *  - SLOW: the profile processes the command at once; the answer leaves param ms later;
 *  - DROP_AFTER: param counts from cardsim_set_fault(); the dropped command is not
 *    processed; the card is then out of the reader (as after cardsim_remove) and the
 *    fault goes back to NONE, so that a later cardsim_insert gets a working card;
 *  - MUTE: the command is counted as received, not answered; the exchange stays
 *    blocked in vpcd until the card is removed;
 *  - CHAIN_61: only answers with data are chained (61xx, xx = the next chunk, 00 for
 *    256); each GET RESPONSE returns min(Le, chunk, left) bytes with 61xx while data
 *    is left, then the profile's own status word; GET RESPONSE with nothing pending
 *    goes to the profile (so a card that chains by itself, like the honour card's
 *    SELECT, keeps working); any other command discards what is pending;
 *  - WRONG_LE_6C: the profile processes the command once; the answer is kept and the
 *    resend (same header and data, Le = the data length) gets it without processing
 *    again; any other command discards it. No 6Cxx for answers without data;
 *  - changing the fault discards a pending 61xx chain or 6Cxx answer.
 */

/* "none", "garbage", "slow", "drop_after", "mute", "chain_61", "wrong_le_6c", "short";
 * "?" for a value out of range. */
const char *cardsim_fault_name(enum cardsim_fault fault);
/* The inverse, case-insensitive, '-' accepted for '_'. Returns 0 or -1. */
int cardsim_fault_parse(const char *name, enum cardsim_fault *out);

struct cardsim;

/* A simulator for the vpcd reader on host:port (NULL host: 127.0.0.1). No card yet.
 * Starts its thread. Returns 0 or -1 (errno set). */
int cardsim_create(const char *host, uint16_t port, struct cardsim **out);
/* Insert a card: connect to vpcd playing this profile. Returns 0, or -1 when the
 * profile is unknown or its create() fails. Replaces a card already inserted. */
int cardsim_insert(struct cardsim *s, const char *profile, const char *arg);
/* Remove the card: close the connection. Returns when it is closed. */
int cardsim_remove(struct cardsim *s);
/* Set the fault mode (applies to the next APDUs). */
void cardsim_set_fault(struct cardsim *s, enum cardsim_fault fault, int param);
/* Commands answered so far (since create). */
uint64_t cardsim_apdu_count(const struct cardsim *s);
/* Whether vpcd is connected (the card is in the reader). */
int cardsim_connected(const struct cardsim *s);
/* Remove the card, stop the thread, free. Accepts NULL. */
void cardsim_destroy(struct cardsim *s);
/*
 * Extensions to the calls above (sim.c):
 *  - cardsim_insert connects synchronously. While vpcd refuses (pcscd not yet up
 *    after a restart) it retries every CARDSIM_RETRY_MS for at most the connect
 *    timeout (CARDSIM_CONNECT_TIMEOUT_MS unless set below); when that runs out it
 *    returns -1 with errno set (ECONNREFUSED, ETIMEDOUT, ...) and no card is in.
 *    Errors for an unknown profile: errno ENOENT; create() failing: EINVAL.
 *  - When vpcd closes the connection by itself (pcscd stopped or restarted), the card
 *    stays "inserted": the thread reconnects every CARDSIM_RETRY_MS, without limit,
 *    until the card is removed. cardsim_connected() is 0 meanwhile.
 *  - cardsim_remove returns 0 (also when no card is in).
 *  - cardsim_apdu_count counts command APDUs answered (6Cxx, 61xx, GET RESPONSE,
 *    garbage and short answers included; muted and dropped ones not).
 */
#define CARDSIM_CONNECT_TIMEOUT_MS 5000
#define CARDSIM_RETRY_MS 50

/* Set the bound on cardsim_insert's connect retries (ms, >= 0; 0: one attempt). */
void cardsim_set_connect_timeout(struct cardsim *s, int ms);
/* Command APDUs received so far (since create), answered or not. */
uint64_t cardsim_apdu_received(const struct cardsim *s);
/* Name of the inserted card's profile (static string), or NULL when none. */
const char *cardsim_profile_name(const struct cardsim *s);
/* The current fault and its parameter. */
enum cardsim_fault cardsim_fault(const struct cardsim *s, int *param);

/*
 * Command APDU decoding for profiles (apdu.c), ISO 7816-3 cases 1-4, short and
 * extended. Returns 0 and fills out (data points into cmd), or -1 when cmd is not
 * exactly one of the cases. le: 0 when absent, else 1..65536 (short 00 is 256,
 * extended 0000 is 65536); extended: 1 for the extended length form.
 */
struct cardsim_apdu {
  uint8_t cla, ins, p1, p2;
  const uint8_t *data;
  size_t lc;
  size_t le;
  int extended;
};
int cardsim_apdu_parse(const uint8_t *cmd, size_t len, struct cardsim_apdu *out);

/* Write the status word sw into resp at offset len (cap bytes); returns len + 2, or
 * 0 when it does not fit. A helper for profiles' process(). */
size_t cardsim_put_sw(uint8_t *resp, size_t len, size_t cap, uint16_t sw);

#ifdef __cplusplus
}
#endif
#endif
