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
 * APDU into a response APDU. Profiles are listed in profiles.c.
 *
 * Faults are applied at the wire, so every profile gets them: garbage answers, slow
 * answers, a dropped connection mid-exchange, silence, and T=0-style 61xx / 6Cxx
 * answers that the terminal's transport must resolve.
 *
 * Used in-process by tests (a thread per simulator, driven by function calls) and as
 * the program tools/cardsim/cardsim (driven by lines on stdin or a control socket).
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

/* The registry (profiles.c). NULL when there is no such profile. */
const struct cardsim_profile *cardsim_profile_find(const char *name);
/* All profiles, NULL-terminated. */
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

#ifdef __cplusplus
}
#endif
#endif
