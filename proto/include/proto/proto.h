/*
 * proto: the wire and file formats that the terminal and the centre share.
 *
 * One module owns each format so that the writer and the reader cannot drift:
 *   - proto/event.h    the journal event: fields, canonical line, chain hash;
 *   - proto/batch.h    the upload batch: one field table, its encoder and its strict parser;
 *   - proto/revlist.h  the signed revocation list: snapshot and delta codec;
 *   - proto/key.h      the one ECDSA P-256 / SHA-256 key helper every signer and
 *                      verifier of these formats uses.
 * This header holds what they share: the error list and the wire vocabulary (modes,
 * event kinds, verdicts: stored and hashed by name, so never renamed or renumbered).
 *
 * proto sits above common and below kiosk, netsync and the centre; it includes only
 * proto and common (and OpenSSL for hashes and signatures). Functions return
 * enum proto_err: PROTO_OK (0) or a negative code. Nothing here logs; error texts never quote the input.
 */
#ifndef PROTO_PROTO_H
#define PROTO_PROTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The error list: name, value, text. */
#define PROTO_ERRNO_MAP(X)                                                               \
  X(OK, 0, "success")                                                                    \
  X(INVALID_ARG, -1, "invalid argument")                                                 \
  X(NO_MEMORY, -2, "out of memory")                                                      \
  X(IO, -3, "file input/output error")                                                   \
  X(NOT_FOUND, -4, "not found")                                                          \
  X(TOO_LARGE, -5, "input exceeds its limit")                                            \
  X(MALFORMED, -6, "malformed text input")                                               \
  X(FORMAT, -7, "malformed binary data")                                                 \
  X(SIGNATURE, -8, "signature verification failed")                                      \
  X(CRYPTO, -9, "cryptographic library error")                                           \
  X(KEY_TYPE, -10, "key is not EC P-256")                                                \
  X(EXISTS, -11, "file already exists; not overwritten")

enum proto_err {
#define PROTO_X_ENUM(name, value, text) PROTO_E_##name = (value),
  PROTO_ERRNO_MAP(PROTO_X_ENUM)
#undef PROTO_X_ENUM
};
#define PROTO_OK PROTO_E_OK

/* Human text for an error; never NULL. */
const char *proto_strerror(int err);
/* Symbolic name ("PROTO_E_FORMAT"); never NULL. */
const char *proto_errname(int err);

/* ------------------------------------------------------------ vocabulary -- */

/* The terminal's mode as the journal stores (value) and hashes (name) it. kiosk's
 * enum kiosk_mode carries the same values (checked at compile time in kiosk). */
#define PROTO_MODE_MAP(X)                                                                \
  X(GATE, 1, "gate")                                                                     \
  X(CASHIER, 2, "cashier")                                                               \
  X(BUS, 3, "bus")                                                                       \
  X(STATION, 4, "station")

/* Event kinds: a verdict journaled at once, or a staff override appended later; and the
 * staff events (no card: staff_id required, card_no, bill_ref and amount empty; verdict
 * GRANT for a sign-in or sign-out, DENY for a lock-out). Values are stored: append only. */
#define PROTO_EVENT_KIND_MAP(X)                                                          \
  X(DECISION, 1, "decision")                                                             \
  X(OVERRIDE, 2, "override")                                                             \
  X(SIGN_IN, 3, "sign_in")    /* a staff member signed in by id and PIN */               \
  X(SIGN_OUT, 4, "sign_out")  /* signed out: by hand, idle, or the roster dropped them */\
  X(LOCKOUT, 5, "lockout")    /* too many wrong PINs for this staff id: locked for a time */\
  X(VOID, 6, "void")          /* a cashier waiver cancelled (bill voided): ref_seq names it */\
  X(GATE_FAULT, 7, "gate_fault") /* the gate's actuator failed to open for the GRANT      \
                                    ref_seq names; no card, no bill; verdict GRANT: the   \
                                    decision stands, only the opening failed */
/* 1 for the kinds that carry ref_seq (the earlier event they are about). */
#define PROTO_EVENT_HAS_REF(kind) ((kind) == PROTO_EVENT_VOID || (kind) == PROTO_EVENT_GATE_FAULT)
/* 1 for the kinds that record staff activity rather than a card's decision. */
#define PROTO_EVENT_IS_STAFF(kind) ((kind) >= PROTO_EVENT_SIGN_IN && (kind) <= PROTO_EVENT_LOCKOUT)

/* Verdicts (STAFF_CHECK is never journaled, but is a name the format knows). */
#define PROTO_VERDICT_MAP(X)                                                             \
  X(DENY, 0, "DENY")                                                                     \
  X(GRANT, 1, "GRANT")                                                                   \
  X(STAFF_CHECK, 2, "STAFF_CHECK")

/* A cashier's visit kind (the fee waived depends on it), carried by name in the event's
 * optional field "visit"; 0 (no name) elsewhere. */
#define PROTO_VISIT_MAP(X)                                                               \
  X(OUTPATIENT, 1, "outpatient")                                                         \
  X(INPATIENT, 2, "inpatient")                                                           \
  X(EMERGENCY, 3, "emergency")

enum proto_visit {
  PROTO_VISIT_NONE = 0,
#define PROTO_X_VISIT(name, value, text) PROTO_VISIT_##name = (value),
  PROTO_VISIT_MAP(PROTO_X_VISIT)
#undef PROTO_X_VISIT
};

enum proto_mode {
#define PROTO_X_MODE(name, value, text) PROTO_MODE_##name = (value),
  PROTO_MODE_MAP(PROTO_X_MODE)
#undef PROTO_X_MODE
};
enum proto_event_kind {
#define PROTO_X_EK(name, value, text) PROTO_EVENT_##name = (value),
  PROTO_EVENT_KIND_MAP(PROTO_X_EK)
#undef PROTO_X_EK
};
enum proto_verdict {
#define PROTO_X_VK(name, value, text) PROTO_VERDICT_##name = (value),
  PROTO_VERDICT_MAP(PROTO_X_VK)
#undef PROTO_X_VK
};

/* Name of a value ("gate", "decision", "GRANT"); NULL when unknown. */
const char *proto_mode_name(int mode);
const char *proto_event_kind_name(int kind);
const char *proto_verdict_name(int verdict);
const char *proto_visit_name(int visit); /* NULL for PROTO_VISIT_NONE and unknown values */
/* Value of a name (exact, case-sensitive); -1 when unknown. n is the name's length
 * (the text need not be NUL-terminated). */
int proto_mode_parse(const char *s, size_t n);
int proto_event_kind_parse(const char *s, size_t n);
int proto_verdict_parse(const char *s, size_t n);
int proto_visit_parse(const char *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* PROTO_PROTO_H */
