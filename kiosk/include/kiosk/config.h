/*
 * kiosk terminal configuration: which site and mode this terminal serves, where its
 * files are, and the policy numbers (scheme window, repeat windows, revocation list
 * age). INI-like file, format in docs/kiosk.md ("Terminal configuration") and in the
 * commented example assets/kiosk.example.ini.
 *
 * Invalid configuration stops start-up: every error names file:line and the problem
 * (unknown key, duplicate key, unknown site, mode not allowed at that site, bad date,
 * missing trust store, ...). With no file, embedded defaults are used (a gate terminal
 * at 容州古城 with paths under $YH_STATE_DIR, else ./yh-state), parsed by the same code.
 *
 * struct kiosk_config is a plain value: copy it freely.
 */
#ifndef KIOSK_CONFIG_H
#define KIOSK_CONFIG_H

#include "kiosk/decide.h"
#include "kiosk/sites.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KIOSK_PATH_MAX 1024u
#define KIOSK_TERMINAL_ID_MAX 31u
#define KIOSK_READER_MAX 127u
#define KIOSK_URL_MAX 511u
#define KIOSK_PIN_HASH_MAX 159u

/* [sync]: the centre this terminal syncs with (netsync). Without the section the
 * terminal runs offline: it decides and journals, and nothing is uploaded. */
struct kiosk_sync_config {
  int enabled;                          /* the [sync] section is present */
  char url[KIOSK_URL_MAX + 1];          /* one or more https://host:port, space-separated,
                                           tried in order (common/url.h) */
  char ca_file[KIOSK_PATH_MAX];         /* the project CA: the only trust anchor */
  char cert_file[KIOSK_PATH_MAX];       /* this terminal's client certificate */
  char key_file[KIOSK_PATH_MAX];        /* and its key */
  char signer_file[KIOSK_PATH_MAX];     /* the centre's signing key (PEM) */
  char pinned_pubkey[KIOSK_PATH_MAX];   /* "sha256//..." or a key file; "" for none */
  uint32_t poll_s;                      /* revocations and status every poll_s seconds */
  uint32_t bill_check_ms;               /* cashier: the centre's bill check deadline */
  uint32_t failback_s;                  /* on a later centre this long, then the first again */
};

/* [ui]: the screen of `kiosk run`. */
struct kiosk_ui_config {
  int fullscreen;                       /* 1: desktop full screen */
  int software;                         /* 1: software renderer (no GPU, no GL stack) */
  int sound;                            /* 1: tones */
  int speech;                           /* 1: speak verdicts and prompts (docs/ui.md) */
  uint32_t volume;                      /* 0..10 at start */
  uint32_t verdict_ms;                  /* verdict hold time; 0: the mode's default */
  char language[8];                     /* "zh-CN" or "en": after every return to idle */
  char pin_hash[KIOSK_PIN_HASH_MAX + 1];/* staff PIN, "sha256$salt$hex"; "" closes the menu */
};

/* [gate]: what opens the turnstile on a GRANT (terminal/actuator.c; docs/install.md has
 * the wiring). Only a gate terminal has one; without the section nothing is driven. */
enum kiosk_actuator {
  KIOSK_ACTUATOR_NONE = 0,
  KIOSK_ACTUATOR_SERIAL, /* a relay board on a serial line: open bytes, pulse, close bytes */
  KIOSK_ACTUATOR_GPIO,   /* a GPIO line (libgpiod) driving a relay board's input */
  KIOSK_ACTUATOR_HOOK    /* a program run without a shell, killed after a deadline */
};
#define KIOSK_GATE_BYTES_MAX 32u
#define KIOSK_GPIO_CHIP_MAX 63u
struct kiosk_gate_config {
  enum kiosk_actuator actuator;
  uint32_t pulse_ms;                    /* how long the gate is held open (20..30000) */
  char serial_device[KIOSK_PATH_MAX];   /* e.g. /dev/ttyUSB0 */
  uint32_t serial_baud;                 /* 1200..115200, default 9600 */
  uint8_t serial_open[KIOSK_GATE_BYTES_MAX];  /* sent to open (LCUS-1: A0 01 01 A2) */
  size_t serial_open_len;
  uint8_t serial_close[KIOSK_GATE_BYTES_MAX]; /* sent after pulse_ms (A0 01 00 A1); 0 bytes:
                                                 the board times the pulse itself */
  size_t serial_close_len;
  char gpio_chip[KIOSK_GPIO_CHIP_MAX + 1];    /* gpiochip0, /dev/gpiochip0 or a label */
  uint32_t gpio_line;                   /* line offset on the chip */
  int gpio_active_low;                  /* 1: the relay input is on at 0 V */
  char hook[KIOSK_PATH_MAX];            /* absolute path of the program */
  uint32_t hook_timeout_ms;             /* killed after this (100..60000, default 5000) */
};

/* The kind's name ("none", "serial", "gpio", "hook"). */
const char *kiosk_actuator_name(enum kiosk_actuator a);

/* Parse "A0 01 01 A2" (or "A0:01:01:A2", "A00101A2"): hex byte pairs, upper or lower
 * case, each pair optionally followed by one space or colon; 1..cap bytes. Bounded:
 * never reads past s's NUL, never writes past cap. 0 or -1 (not that form, too long). */
int kiosk_hex_bytes_parse(const char *s, uint8_t *out, size_t cap, size_t *len);

enum kiosk_registry_wait {
  KIOSK_REGWAIT_NONE = 0,
  KIOSK_REGWAIT_VEHICLE, /* the vehicle is not in the registry's entry for the site */
  KIOSK_REGWAIT_ROUTE    /* the configured route is not */
};

struct kiosk_config {
  char source[KIOSK_PATH_MAX]; /* the file read, or "(embedded defaults)" */
  /* [terminal] */
  char site_id[KIOSK_SITE_ID_MAX + 1];
  enum kiosk_mode mode;
  char terminal_id[KIOSK_TERMINAL_ID_MAX + 1];
  char reader[KIOSK_READER_MAX + 1];
  char vehicle[KIOSK_VEHICLE_ID_MAX + 1]; /* bus only */
  char route[KIOSK_VEHICLE_ID_MAX + 1];   /* bus only, optional: journaled on bus events */
  char trip[KIOSK_VEHICLE_ID_MAX + 1];    /* bus only, optional: the trip (one run) */
  char stop[KIOSK_VEHICLE_ID_MAX + 1];    /* bus only, optional: the stop, when fixed */
  /* A bus installed with only its vehicle id (issue 13): when the registry in force does
   * not hold the vehicle, or the route given here, the configuration still loads, with
   * registry_wait saying which: the terminal refuses every card (REGISTRY_WAIT) until the
   * centre's registry holds them (docs/terminal.md, "A bus the registry does not know
   * yet"). Without a route here, route is the registry's vehicle_routes entry for the
   * vehicle (route_from_registry 1), "" when it has none. */
  enum kiosk_registry_wait registry_wait;
  int route_from_registry;
  char staff_id[KIOSK_STAFF_ID_MAX + 1];  /* optional default staff sign-in (demo) */
  char ssc_reader[KIOSK_READER_MAX + 1];  /* cashier, optional: the reader for the social
                                             security card; "": the honour card's reader */
  int64_t consultation_fee_fen;           /* cashier: the fee waived, in fen; 0 not set */
  uint32_t card_deadline_ms;              /* a card that does not answer within this (100..
                                             60000, default 2000) is "not responding" */
  char his_listen[KIOSK_PATH_MAX];         /* cashier, optional: the HIS API's address,
                                             "127.0.0.1:PORT" or "unix:/PATH"; "": off */
  char his_token_file[KIOSK_PATH_MAX];     /* its bearer token (mode 0600/0400), absolute */
  uint32_t his_request_expiry_s;           /* a HIS request answered 202 and then polled by
                                             nobody is withdrawn after this (1..3600,
                                             default 30) */
  /* [paths], absolute after loading */
  char sites_path[KIOSK_PATH_MAX];
  char trust_dir[KIOSK_PATH_MAX];
  char journal_path[KIOSK_PATH_MAX];
  char revocation_path[KIOSK_PATH_MAX];
  /* [policy] */
  struct kiosk_policy policy;
  unsigned override_queue_max; /* staff overrides held while the journal is down */
  /* The clock is not trusted before clock_floor (Unix seconds: local midnight of the later
   * of clock_not_before, default the build day, and policy_start) nor when it is behind
   * the last journaled event by more than clock_margin_s (clock_margin_minutes, default
   * 10). See kiosk_terminal_decide. */
  int64_t clock_floor;
  uint32_t clock_margin_s;
  /* [sync], [ui]: for the terminal program (`kiosk run`); the library ignores them */
  struct kiosk_sync_config sync;
  struct kiosk_ui_config ui;
  struct kiosk_gate_config gate;        /* [gate]: the actuator fired on a GRANT */
};

/* Flags for kiosk_config_parse. */
#define KIOSK_CONFIG_NO_FS_CHECK 0x1u /* skip "trust store exists" (fuzzing, tests) */

/*
 * Parse a configuration from memory. file names it in diagnostics and anchors relative
 * paths (its directory); sites is the registry to check the site against, or NULL to
 * load the registry the file names ([paths] sites, else kiosk_sites_default_path()).
 * Errors: SYNTAX, CONFIG, TOO_LARGE, NOT_FOUND (sites file), NO_MEMORY; diag names the
 * file and line.
 */
int kiosk_config_parse(const char *buf, size_t len, const char *file,
                       const struct kiosk_sites *sites, unsigned flags,
                       struct kiosk_config *out, struct kiosk_diag *diag);

/*
 * The same, with the centre's configuration document (over, over_len, named over_name in
 * diagnostics) laid over the file: its values replace the file's, key by key, and the
 * result passes every check the file alone does. The document may set only the keys
 * kiosk_config_centre_key() accepts (the scheme's window and the policy numbers); any
 * other key is CONFIG. over NULL: kiosk_config_parse.
 */
int kiosk_config_parse_overlay(const char *buf, size_t len, const char *file, const char *over,
                               size_t over_len, const char *over_name,
                               const struct kiosk_sites *sites, unsigned flags,
                               struct kiosk_config *out, struct kiosk_diag *diag);

/* 1 when the centre's configuration document may set [section] key, else 0. */
int kiosk_config_centre_key(const char *section, const char *key);

/* Read and parse a file; path NULL means the embedded defaults. */
int kiosk_config_load(const char *path, const struct kiosk_sites *sites, unsigned flags,
                      struct kiosk_config *out, struct kiosk_diag *diag);

/* The embedded default configuration text (documented, parseable). */
const char *kiosk_config_defaults(void);

/* The directory that relative paths of the embedded defaults live in. */
const char *kiosk_config_state_dir(void);

#ifdef __cplusplus
}
#endif
#endif /* KIOSK_CONFIG_H */
