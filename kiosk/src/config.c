/* Terminal configuration: strict INI-like parsing and cross-checks (kiosk/config.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/hex.h"
#include "common/idno.h"
#include "common/token.h"
#include "common/url.h"
#include "ini.h"
#include "kiosk/config.h"
#include "kiosk/revoke.h"

static const char defaults_text[] =
    "# Embedded defaults: a gate terminal at 容州古城 for the demo.\n"
    "# Relative paths are relative to $YH_STATE_DIR (else ./yh-state).\n"
    "[terminal]\n"
    "site = park.rongzhou-gucheng\n"
    "mode = gate\n"
    "terminal_id = demo-gate-1\n"
    "reader = Virtual PCD 00 00\n"
    "[paths]\n"
    "trust_store = trust\n"
    "journal = journal.db\n"
    "revocation = revocation.yrl\n"
    "[policy]\n"
    "# 玉政规〔2018〕5号 Art. 23: in force from issue (2018-12-27) for 5 years.\n"
    "policy_start = 2018-12-27\n"
    "policy_end = 2023-12-27\n"
    "utc_offset = +08:00\n"
    "gate_repeat_minutes = 120\n"
    "bus_repeat_minutes = 10\n"
    "revocation_max_age_hours = 72\n"
    "# revocation_stale (a list older than the max age) and revocation_never (no list\n"
    "# yet): warn, staff or deny; by default bus deny/deny, gate and cashier warn/staff.\n"
    "cashier_max_fen = 10000\n"
    "override_queue_max = 64\n";

#define DEFAULTS_NAME "(embedded defaults)"

const char *kiosk_config_defaults(void)
{
  return defaults_text;
}

const char *kiosk_config_state_dir(void)
{
  const char *d = getenv("YH_STATE_DIR");
  return d && *d ? d : "yh-state";
}

#define KEY_LIST(X)                                                                      \
  X(TERMINAL, SITE, "site", 1)                                                           \
  X(TERMINAL, MODE, "mode", 1)                                                           \
  X(TERMINAL, TERMINAL_ID, "terminal_id", 1)                                             \
  X(TERMINAL, READER, "reader", 0)                                                       \
  X(TERMINAL, VEHICLE, "vehicle", 0)                                                     \
  X(TERMINAL, ROUTE, "route", 0)                                                         \
  X(TERMINAL, TRIP, "trip", 0)                                                           \
  X(TERMINAL, STOP, "stop", 0)                                                           \
  X(TERMINAL, STAFF_ID, "staff_id", 0)                                                   \
  X(TERMINAL, SSC_READER, "ssc_reader", 0)                                               \
  X(TERMINAL, FEE, "consultation_fee_fen", 0)                                            \
  X(TERMINAL, CARD_DEADLINE, "card_deadline_ms", 0)                                      \
  X(TERMINAL, HIS_LISTEN, "his_listen", 0)                                               \
  X(TERMINAL, HIS_TOKEN, "his_token_file", 0)                                            \
  X(TERMINAL, HIS_EXPIRY, "his_request_expiry_s", 0)                                     \
  X(PATHS, SITES, "sites", 0)                                                            \
  X(PATHS, TRUST, "trust_store", 0)                                                      \
  X(PATHS, JOURNAL, "journal", 0)                                                        \
  X(PATHS, REVOCATION, "revocation", 0)                                                  \
  X(POLICY, START, "policy_start", 1)                                                    \
  X(POLICY, END, "policy_end", 1)                                                        \
  X(POLICY, UTC_OFFSET, "utc_offset", 0)                                                 \
  X(POLICY, GATE_REPEAT, "gate_repeat_minutes", 0)                                       \
  X(POLICY, BUS_REPEAT, "bus_repeat_minutes", 0)                                         \
  X(POLICY, REV_AGE, "revocation_max_age_hours", 0)                                      \
  X(POLICY, REV_STALE, "revocation_stale", 0)                                            \
  X(POLICY, REV_NEVER, "revocation_never", 0)                                            \
  X(POLICY, CASHIER_MAX, "cashier_max_fen", 0)                                           \
  X(POLICY, OVERRIDE_MAX, "override_queue_max", 0)                                       \
  X(POLICY, CLOCK_NOT_BEFORE, "clock_not_before", 0)                                     \
  X(POLICY, CLOCK_MARGIN, "clock_margin_minutes", 0)                                     \
  X(SYNC, URL, "url", 0)                                                                 \
  X(SYNC, CA, "ca", 0)                                                                   \
  X(SYNC, CERT, "cert", 0)                                                               \
  X(SYNC, KEY, "key", 0)                                                                 \
  X(SYNC, SIGNER, "signer", 0)                                                           \
  X(SYNC, PINNED, "pinned_pubkey", 0)                                                    \
  X(SYNC, POLL, "poll_seconds", 0)                                                       \
  X(SYNC, BILL_CHECK, "bill_check_ms", 0)                                                \
  X(SYNC, FAILBACK, "failback_seconds", 0)                                               \
  X(UI, FULLSCREEN, "fullscreen", 0)                                                     \
  X(UI, RENDERER, "renderer", 0)                                                         \
  X(UI, SOUND, "sound", 0)                                                               \
  X(UI, SPEECH, "speech", 0)                                                             \
  X(UI, VOLUME, "volume", 0)                                                             \
  X(UI, VERDICT_S, "verdict_seconds", 0)                                                 \
  X(UI, LANGUAGE, "language", 0)                                                         \
  X(UI, PIN_HASH, "pin_hash", 0)                                                        \
  X(GATE, ACTUATOR, "actuator", 0)                                                       \
  X(GATE, PULSE, "pulse_ms", 0)                                                          \
  X(GATE, SER_DEV, "serial_device", 0)                                                   \
  X(GATE, SER_BAUD, "serial_baud", 0)                                                    \
  X(GATE, SER_OPEN, "serial_open", 0)                                                    \
  X(GATE, SER_CLOSE, "serial_close", 0)                                                  \
  X(GATE, GPIO_CHIP, "gpio_chip", 0)                                                     \
  X(GATE, GPIO_LINE, "gpio_line", 0)                                                     \
  X(GATE, GPIO_LOW, "gpio_active_low", 0)                                                \
  X(GATE, HOOK, "hook", 0)                                                               \
  X(GATE, HOOK_TIMEOUT, "hook_timeout_ms", 0)

enum sect { SECT_NONE, SECT_TERMINAL, SECT_PATHS, SECT_POLICY, SECT_SYNC, SECT_UI, SECT_GATE,
            SECT_COUNT };
static const char *const sect_names[SECT_COUNT] = {"",       "terminal", "paths", "policy",
                                                   "sync",   "ui",       "gate"};

enum ckey {
#define X_ENUM(sect, name, text, req) K_##name,
  KEY_LIST(X_ENUM)
#undef X_ENUM
  K_COUNT
};

struct key_def {
  enum sect sect;
  const char *name;
  int required;
};
static const struct key_def keys[K_COUNT] = {
#define X_DEF(sect, name, text, req) {SECT_##sect, text, req},
    KEY_LIST(X_DEF)
#undef X_DEF
};

struct parse {
  const char *file;
  enum sect sect;
  unsigned line[K_COUNT]; /* 0: not set */
  char *raw[K_COUNT];
  unsigned section_line[SECT_COUNT];
};

static int on_section(void *user, const char *name, unsigned line, struct kiosk_diag *diag)
{
  struct parse *p = user;
  for (int i = 1; i < SECT_COUNT; i++)
    if (strcmp(name, sect_names[i]) == 0) {
      p->sect = (enum sect)i;
      p->section_line[i] = line;
      return KIOSK_OK;
    }
  return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, line,
                        "unknown section [%s] (terminal, paths, policy, sync, ui, gate)", name);
}

static int on_pair(void *user, const char *section, const char *key, const char *value,
                   unsigned line, struct kiosk_diag *diag)
{
  struct parse *p = user;
  (void)section;
  if (p->sect == SECT_NONE)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, line,
                          "key '%s' before any [section]", key);
  for (int k = 0; k < K_COUNT; k++) {
    if (strcmp(keys[k].name, key) != 0)
      continue;
    if (keys[k].sect != p->sect)
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, line,
                            "key '%s' belongs in [%s], not [%s]", key,
                            sect_names[keys[k].sect], sect_names[p->sect]);
    /* Duplicates inside one section are caught by the INI parser. */
    p->raw[k] = strdup(value);
    if (!p->raw[k])
      return kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, p->file, line, "out of memory");
    p->line[k] = line;
    return KIOSK_OK;
  }
  return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, line, "unknown key '%s' in [%s]", key,
                        sect_names[p->sect]);
}

static int copy_field(char *dst, size_t cap, const char *v, const struct parse *p, int k,
                      struct kiosk_diag *diag)
{
  if (strlen(v) >= cap)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[k],
                          "%s: longer than %zu bytes", keys[k].name, cap - 1);
  memcpy(dst, v, strlen(v) + 1);
  return KIOSK_OK;
}

/* Join base directory and a relative path. */
static int resolve(char *dst, size_t cap, const char *base, const char *v, const struct parse *p,
                   int k, struct kiosk_diag *diag)
{
  int n;
  if (v[0] == '/' || !base || !base[0])
    n = snprintf(dst, cap, "%s", v);
  else
    n = snprintf(dst, cap, "%s/%s", base, v);
  if (n < 0 || (size_t)n >= cap)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[k], "%s: path too long",
                          keys[k].name);
  return KIOSK_OK;
}

static int parse_minutes(const char *v, uint64_t max, uint32_t mult, uint32_t *out,
                         const struct parse *p, int k, struct kiosk_diag *diag, uint64_t min)
{
  uint64_t n;
  if (common_parse_u64(v, max, &n) != COMMON_OK || n < min)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[k],
                          "%s: expected a whole number %llu..%llu, got '%s'", keys[k].name,
                          (unsigned long long)min, (unsigned long long)max, v);
  *out = (uint32_t)(n * mult);
  return KIOSK_OK;
}

/* true/false or yes/no. */
static int parse_bool(const char *v, int *out, const struct parse *p, int k,
                      struct kiosk_diag *diag)
{
  if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0)
    *out = 1;
  else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0)
    *out = 0;
  else
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[k],
                          "%s: expected true or false, got '%s'", keys[k].name, v);
  return KIOSK_OK;
}

/* [sync]: all or nothing; paths beside the file. */
static int build_sync(struct parse *p, const char *base, struct kiosk_config *c,
                      struct kiosk_diag *diag)
{
  struct kiosk_sync_config *y = &c->sync;
  int rc;
  static const int need[] = {K_URL, K_CA, K_CERT, K_KEY};
  if (!p->section_line[SECT_SYNC]) /* its keys are refused anywhere else */
    return KIOSK_OK;
  for (size_t i = 0; i < sizeof need / sizeof need[0]; i++)
    if (!p->raw[need[i]])
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->section_line[SECT_SYNC],
                            "missing key '%s' in [sync]", keys[need[i]].name);
  y->enabled = 1;
  const char *url = p->raw[K_URL];
  /* One centre or several, tried in order (common/url.h: the rule netsync applies too). */
  struct common_url_list urls;
  char why[160];
  if (common_url_list_parse(url, &urls, why, sizeof why) != COMMON_OK)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_URL], "url: %s", why);
  if ((rc = copy_field(y->url, sizeof y->url, url, p, K_URL, diag)) ||
      (rc = resolve(y->ca_file, sizeof y->ca_file, base, p->raw[K_CA], p, K_CA, diag)) ||
      (rc = resolve(y->cert_file, sizeof y->cert_file, base, p->raw[K_CERT], p, K_CERT, diag)) ||
      (rc = resolve(y->key_file, sizeof y->key_file, base, p->raw[K_KEY], p, K_KEY, diag)))
    return rc;
  if (p->raw[K_SIGNER])
    rc = resolve(y->signer_file, sizeof y->signer_file, base, p->raw[K_SIGNER], p, K_SIGNER,
                 diag);
  else if ((size_t)snprintf(y->signer_file, sizeof y->signer_file, "%s/%s", c->trust_dir,
                            KIOSK_TRUST_REVOCATION_KEY) >= sizeof y->signer_file)
    rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->section_line[SECT_SYNC],
                        "signer: path too long");
  if (rc)
    return rc;
  if (p->raw[K_PINNED]) {
    if (strncmp(p->raw[K_PINNED], "sha256//", 8) == 0)
      rc = copy_field(y->pinned_pubkey, sizeof y->pinned_pubkey, p->raw[K_PINNED], p, K_PINNED,
                      diag);
    else
      rc = resolve(y->pinned_pubkey, sizeof y->pinned_pubkey, base, p->raw[K_PINNED], p,
                   K_PINNED, diag);
    if (rc)
      return rc;
  }
  /* The cashier's online bill check waits this long before deciding locally. */
  if ((rc = parse_minutes(p->raw[K_BILL_CHECK] ? p->raw[K_BILL_CHECK] : "800", 10000, 1,
                          &y->bill_check_ms, p, K_BILL_CHECK, diag, 100)))
    return rc;
  /* With several centres: how long to stay on a later one before trying the first again. */
  if ((rc = parse_minutes(p->raw[K_FAILBACK] ? p->raw[K_FAILBACK] : "300", 86400, 1,
                          &y->failback_s, p, K_FAILBACK, diag, 10)))
    return rc;
  return parse_minutes(p->raw[K_POLL] ? p->raw[K_POLL] : "60", 86400, 1, &y->poll_s, p, K_POLL,
                       diag, 1);
}

static int build_ui(struct parse *p, struct kiosk_config *c, struct kiosk_diag *diag)
{
  struct kiosk_ui_config *u = &c->ui;
  int rc;
  if ((rc = parse_bool(p->raw[K_FULLSCREEN] ? p->raw[K_FULLSCREEN] : "true", &u->fullscreen, p,
                       K_FULLSCREEN, diag)) ||
      (rc = parse_bool(p->raw[K_SOUND] ? p->raw[K_SOUND] : "true", &u->sound, p, K_SOUND, diag)) ||
      (rc = parse_bool(p->raw[K_SPEECH] ? p->raw[K_SPEECH] : "true", &u->speech, p, K_SPEECH, diag)) ||
      (rc = parse_minutes(p->raw[K_VOLUME] ? p->raw[K_VOLUME] : "7", 10, 1, &u->volume, p, K_VOLUME,
                          diag, 0)) ||
      (rc = parse_minutes(p->raw[K_VERDICT_S] ? p->raw[K_VERDICT_S] : "0", 120, 1000, &u->verdict_ms,
                          p, K_VERDICT_S, diag, 0)))
    return rc;
  const char *r = p->raw[K_RENDERER] ? p->raw[K_RENDERER] : "software";
  if (strcmp(r, "software") == 0)
    u->software = 1;
  else if (strcmp(r, "accelerated") == 0)
    u->software = 0;
  else
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_RENDERER],
                          "renderer: expected software or accelerated, got '%s'", r);
  const char *l = p->raw[K_LANGUAGE] ? p->raw[K_LANGUAGE] : "zh-CN";
  if (strcmp(l, "zh-CN") != 0 && strcmp(l, "en") != 0)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_LANGUAGE],
                          "language: expected zh-CN or en, got '%s'", l);
  snprintf(u->language, sizeof u->language, "%s", l);
  if (p->raw[K_PIN_HASH]) {
    if (strncmp(p->raw[K_PIN_HASH], "sha256$", 7) != 0 || !strchr(p->raw[K_PIN_HASH] + 7, '$'))
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_PIN_HASH],
                            "pin_hash: expected sha256$<salt>$<hex> (tools/uishot --pin-hash)");
    if ((rc = copy_field(u->pin_hash, sizeof u->pin_hash, p->raw[K_PIN_HASH], p, K_PIN_HASH,
                         diag)))
      return rc;
  }
  return KIOSK_OK;
}

const char *kiosk_actuator_name(enum kiosk_actuator a)
{
  static const char *const n[] = {"none", "serial", "gpio", "hook"};
  return (unsigned)a < sizeof n / sizeof n[0] ? n[a] : "?";
}

int kiosk_hex_bytes_parse(const char *s, uint8_t *out, size_t cap, size_t *len)
{
  size_t n = 0;
  *len = 0;
  while (*s) {
    int hi = common_hex_digit((unsigned char)s[0], 1);
    int lo = hi < 0 ? -1 : common_hex_digit((unsigned char)s[1], 1);
    if (lo < 0 || n == cap)
      return -1;
    out[n++] = (uint8_t)(hi << 4 | lo);
    s += 2;
    if ((*s == ' ' || *s == ':') && s[1]) /* one separator, never trailing */
      s++;
  }
  if (n == 0)
    return -1;
  *len = n;
  return 0;
}

/* [gate]: one actuator and only its own keys, so that a key meant for another kind is
 * not silently ignored; only a gate opens anything. */
static int build_gate(struct parse *p, struct kiosk_config *c, struct kiosk_diag *diag)
{
  struct kiosk_gate_config *g = &c->gate;
  int rc;
  static const struct {
    int key;
    enum kiosk_actuator kind;
  } owner[] = {{K_SER_DEV, KIOSK_ACTUATOR_SERIAL},   {K_SER_BAUD, KIOSK_ACTUATOR_SERIAL},
               {K_SER_OPEN, KIOSK_ACTUATOR_SERIAL},  {K_SER_CLOSE, KIOSK_ACTUATOR_SERIAL},
               {K_GPIO_CHIP, KIOSK_ACTUATOR_GPIO},   {K_GPIO_LINE, KIOSK_ACTUATOR_GPIO},
               {K_GPIO_LOW, KIOSK_ACTUATOR_GPIO},    {K_HOOK, KIOSK_ACTUATOR_HOOK},
               {K_HOOK_TIMEOUT, KIOSK_ACTUATOR_HOOK}};
  const char *a = p->raw[K_ACTUATOR] ? p->raw[K_ACTUATOR] : "none";
  g->actuator = KIOSK_ACTUATOR_NONE;
  for (int i = 0; i <= KIOSK_ACTUATOR_HOOK; i++)
    if (strcmp(a, kiosk_actuator_name((enum kiosk_actuator)i)) == 0)
      g->actuator = (enum kiosk_actuator)i;
  if (g->actuator == KIOSK_ACTUATOR_NONE && strcmp(a, "none") != 0)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_ACTUATOR],
                          "actuator: expected none, serial, gpio or hook, got '%s'", a);
  if (g->actuator != KIOSK_ACTUATOR_NONE && c->mode != KIOSK_MODE_GATE)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_ACTUATOR],
                          "actuator: only a gate terminal opens anything (mode is %s)",
                          kiosk_mode_name(c->mode));
  for (size_t i = 0; i < sizeof owner / sizeof owner[0]; i++)
    if (p->raw[owner[i].key] && owner[i].kind != g->actuator)
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[owner[i].key],
                            "%s: only with actuator = %s (actuator is %s)",
                            keys[owner[i].key].name, kiosk_actuator_name(owner[i].kind),
                            kiosk_actuator_name(g->actuator));
  if ((rc = parse_minutes(p->raw[K_PULSE] ? p->raw[K_PULSE] : "300", 30000, 1, &g->pulse_ms, p,
                          K_PULSE, diag, 20)))
    return rc;
  switch (g->actuator) {
  case KIOSK_ACTUATOR_NONE:
    break;
  case KIOSK_ACTUATOR_SERIAL: {
    static const int need[] = {K_SER_DEV, K_SER_OPEN};
    for (size_t i = 0; i < 2; i++)
      if (!p->raw[need[i]])
        return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->section_line[SECT_GATE],
                              "missing key '%s' in [gate] (actuator = serial)",
                              keys[need[i]].name);
    if (p->raw[K_SER_DEV][0] != '/')
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_SER_DEV],
                            "serial_device: expected an absolute path such as /dev/ttyUSB0");
    if ((rc = copy_field(g->serial_device, sizeof g->serial_device, p->raw[K_SER_DEV], p,
                         K_SER_DEV, diag)))
      return rc;
    static const uint32_t bauds[] = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200};
    const char *b = p->raw[K_SER_BAUD] ? p->raw[K_SER_BAUD] : "9600";
    uint64_t n = 0;
    g->serial_baud = 0;
    if (common_parse_u64(b, 115200, &n) == COMMON_OK)
      for (size_t i = 0; i < sizeof bauds / sizeof bauds[0]; i++)
        if (n == bauds[i])
          g->serial_baud = bauds[i];
    if (!g->serial_baud)
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_SER_BAUD],
                            "serial_baud: expected 1200, 2400, 4800, 9600, 19200, 38400, "
                            "57600 or 115200, got '%s'", b);
    static const int seqs[] = {K_SER_OPEN, K_SER_CLOSE};
    for (size_t i = 0; i < 2; i++) {
      const char *v = p->raw[seqs[i]];
      if (!v)
        continue;
      if (kiosk_hex_bytes_parse(v, i ? g->serial_close : g->serial_open, KIOSK_GATE_BYTES_MAX,
                                i ? &g->serial_close_len : &g->serial_open_len) != 0)
        return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[seqs[i]],
                              "%s: expected 1-%u bytes in hex such as A0 01 01 A2",
                              keys[seqs[i]].name, KIOSK_GATE_BYTES_MAX);
    }
    break;
  }
  case KIOSK_ACTUATOR_GPIO: {
    static const int need[] = {K_GPIO_CHIP, K_GPIO_LINE};
    for (size_t i = 0; i < 2; i++)
      if (!p->raw[need[i]])
        return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->section_line[SECT_GATE],
                              "missing key '%s' in [gate] (actuator = gpio)", keys[need[i]].name);
    if (!p->raw[K_GPIO_CHIP][0] ||
        (rc = copy_field(g->gpio_chip, sizeof g->gpio_chip, p->raw[K_GPIO_CHIP], p, K_GPIO_CHIP,
                         diag)))
      return rc ? rc
                : kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_GPIO_CHIP],
                                 "gpio_chip: empty");
    if ((rc = parse_minutes(p->raw[K_GPIO_LINE], 1023, 1, &g->gpio_line, p, K_GPIO_LINE, diag,
                            0)) ||
        (rc = parse_bool(p->raw[K_GPIO_LOW] ? p->raw[K_GPIO_LOW] : "false", &g->gpio_active_low,
                         p, K_GPIO_LOW, diag)))
      return rc;
    break;
  }
  case KIOSK_ACTUATOR_HOOK:
    if (!p->raw[K_HOOK])
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->section_line[SECT_GATE],
                            "missing key 'hook' in [gate] (actuator = hook)");
    /* run without a shell and without $PATH: the program itself, by its full path */
    if (p->raw[K_HOOK][0] != '/')
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_HOOK],
                            "hook: expected the program's absolute path (no shell, no "
                            "arguments)");
    if ((rc = copy_field(g->hook, sizeof g->hook, p->raw[K_HOOK], p, K_HOOK, diag)) ||
        (rc = parse_minutes(p->raw[K_HOOK_TIMEOUT] ? p->raw[K_HOOK_TIMEOUT] : "5000", 60000, 1,
                            &g->hook_timeout_ms, p, K_HOOK_TIMEOUT, diag, 100)))
      return rc;
    break;
  }
  return KIOSK_OK;
}

static int parse_offset(const char *v, int32_t *out)
{
  /* "+08:00" / "-03:30" */
  if (strlen(v) != 6 || (v[0] != '+' && v[0] != '-') || v[3] != ':')
    return KIOSK_E_SYNTAX;
  for (int i = 1; i < 6; i++)
    if (i != 3 && (v[i] < '0' || v[i] > '9'))
      return KIOSK_E_SYNTAX;
  int h = (v[1] - '0') * 10 + (v[2] - '0');
  int m = (v[4] - '0') * 10 + (v[5] - '0');
  if (h > 14 || m > 59 || (h == 14 && m))
    return KIOSK_E_RANGE;
  *out = (int32_t)((h * 3600 + m * 60) * (v[0] == '-' ? -1 : 1));
  return KIOSK_OK;
}

static int build(struct parse *p, const char *base, const struct kiosk_sites *given_sites,
                 unsigned flags, struct kiosk_config *c, struct kiosk_diag *diag)
{
  int rc;
  for (int k = 0; k < K_COUNT; k++)
    if (keys[k].required && !p->raw[k])
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->section_line[keys[k].sect],
                            "missing key '%s' in [%s]", keys[k].name, sect_names[keys[k].sect]);

  /* Defaults for the optional keys. */
  static const char *const dflt[K_COUNT] = {
      [K_READER] = "Virtual PCD 00 00", [K_TRUST] = "trust",
      [K_JOURNAL] = "journal.db",       [K_REVOCATION] = "revocation.yrl",
      [K_UTC_OFFSET] = "+08:00",        [K_GATE_REPEAT] = "120",
      [K_BUS_REPEAT] = "10",            [K_REV_AGE] = "72",
      [K_CASHIER_MAX] = "10000",
      [K_OVERRIDE_MAX] = "64",          [K_CLOCK_NOT_BEFORE] = KIOSK_BUILD_DAY,
      [K_CLOCK_MARGIN] = "10"};
  const char *v[K_COUNT];
  for (int k = 0; k < K_COUNT; k++)
    v[k] = p->raw[k] ? p->raw[k] : dflt[k];

  if ((rc = copy_field(c->site_id, sizeof c->site_id, v[K_SITE], p, K_SITE, diag)))
    return rc;
  if (common_id_shaped(c->site_id))
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_SITE],
                          "site: shaped like an ID number (refused: it would be journaled)");
  if (kiosk_mode_parse(v[K_MODE], &c->mode) != KIOSK_OK)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_MODE],
                          "mode: expected gate, cashier, bus or station, got '%s'", v[K_MODE]);
  if (!common_token_valid(v[K_TERMINAL_ID], KIOSK_TERMINAL_ID_MAX) ||
      common_id_shaped(v[K_TERMINAL_ID]))
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_TERMINAL_ID],
                          "terminal_id: 1-%u of A-Z a-z 0-9 - _ ., not shaped like an ID number",
                          KIOSK_TERMINAL_ID_MAX);
  memcpy(c->terminal_id, v[K_TERMINAL_ID], strlen(v[K_TERMINAL_ID]) + 1);
  if ((rc = copy_field(c->reader, sizeof c->reader, v[K_READER], p, K_READER, diag)))
    return rc;
  if (v[K_STAFF_ID]) {
    if (!common_token_valid(v[K_STAFF_ID], KIOSK_STAFF_ID_MAX) || common_id_shaped(v[K_STAFF_ID]))
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_STAFF_ID],
                            "staff_id: 1-%u of A-Z a-z 0-9 - _ ., not shaped like an ID number",
                            KIOSK_STAFF_ID_MAX);
    memcpy(c->staff_id, v[K_STAFF_ID], strlen(v[K_STAFF_ID]) + 1);
  }
  if (v[K_SSC_READER] &&
      (rc = copy_field(c->ssc_reader, sizeof c->ssc_reader, v[K_SSC_READER], p, K_SSC_READER,
                       diag)))
    return rc;
  if ((rc = parse_minutes(v[K_CARD_DEADLINE] ? v[K_CARD_DEADLINE] : "2000", 60000, 1,
                          &c->card_deadline_ms, p, K_CARD_DEADLINE, diag, 100)))
    return rc;

  /* Policy. */
  if (kiosk_parse_date(v[K_START], &c->policy.start_day) != KIOSK_OK)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_START],
                          "policy_start: expected a date YYYY-MM-DD, got '%s'", v[K_START]);
  if (kiosk_parse_date(v[K_END], &c->policy.end_day) != KIOSK_OK)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_END],
                          "policy_end: expected a date YYYY-MM-DD, got '%s'", v[K_END]);
  if (c->policy.end_day <= c->policy.start_day)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_END],
                          "policy_end (first day no longer valid) must be after policy_start");
  if (parse_offset(v[K_UTC_OFFSET], &c->policy.utc_offset_s) != KIOSK_OK)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_UTC_OFFSET],
                          "utc_offset: expected +HH:MM or -HH:MM, got '%s'", v[K_UTC_OFFSET]);
  if ((rc = parse_minutes(v[K_GATE_REPEAT], 1440, 60, &c->policy.gate_repeat_s, p, K_GATE_REPEAT,
                          diag, 0)))
    return rc;
  if ((rc = parse_minutes(v[K_BUS_REPEAT], 1440, 60, &c->policy.bus_repeat_s, p, K_BUS_REPEAT,
                          diag, 0)))
    return rc;
  if ((rc = parse_minutes(v[K_REV_AGE], 8760, 3600, &c->policy.revlist_max_age_s, p, K_REV_AGE,
                          diag, 1)))
    return rc;
  /* The revocation list's policy per mode (issue 13): a bus has nobody to ask, so by
   * default it denies on a list older than revocation_max_age_hours and on none at all;
   * gate and cashier staff decide on a terminal that never had a list. */
  if (!p->raw[K_REV_STALE])
    v[K_REV_STALE] = c->mode == KIOSK_MODE_BUS ? "deny" : "warn";
  if (!p->raw[K_REV_NEVER])
    v[K_REV_NEVER] = c->mode == KIOSK_MODE_BUS       ? "deny"
                     : c->mode == KIOSK_MODE_STATION ? "warn"
                                                     : "staff";
  static const struct {
    const char *name;
    enum kiosk_stale_action action;
  } actions[] = {{"warn", KIOSK_STALE_WARN}, {"staff", KIOSK_STALE_STAFF}, {"deny", KIOSK_STALE_DENY}};
  static const int rev_keys[] = {K_REV_STALE, K_REV_NEVER};
  for (size_t i = 0; i < 2; i++) {
    enum kiosk_stale_action act = 0;
    for (size_t j = 0; j < sizeof actions / sizeof actions[0]; j++)
      if (strcmp(v[rev_keys[i]], actions[j].name) == 0)
        act = actions[j].action;
    if (!act || (act == KIOSK_STALE_STAFF && c->mode == KIOSK_MODE_BUS))
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[rev_keys[i]],
                            "%s: expected warn, staff or deny%s, got '%s'", keys[rev_keys[i]].name,
                            c->mode == KIOSK_MODE_BUS ? " (no staff on a bus: warn or deny)" : "",
                            v[rev_keys[i]]);
    if (i == 0)
      c->policy.stale = act;
    else
      c->policy.never = act;
  }
  uint64_t n;
  if (common_parse_u64(v[K_CASHIER_MAX], 10000000u, &n) != COMMON_OK || n == 0)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_CASHIER_MAX],
                          "cashier_max_fen: expected 1..10000000 fen, got '%s'",
                          v[K_CASHIER_MAX]);
  c->policy.cashier_max_fen = (int64_t)n;
  if (v[K_FEE]) {
    if (common_parse_u64(v[K_FEE], 10000000u, &n) != COMMON_OK || n == 0 ||
        (int64_t)n > c->policy.cashier_max_fen)
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_FEE],
                            "consultation_fee_fen: expected 1..cashier_max_fen (%lld) fen, got '%s'",
                            (long long)c->policy.cashier_max_fen, v[K_FEE]);
    c->consultation_fee_fen = (int64_t)n;
  }
  if (common_parse_u64(v[K_OVERRIDE_MAX], 4096, &n) != COMMON_OK)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_OVERRIDE_MAX],
                          "override_queue_max: expected 0..4096, got '%s'", v[K_OVERRIDE_MAX]);
  c->override_queue_max = (unsigned)n;
  int32_t floor_day;
  if (kiosk_parse_date(v[K_CLOCK_NOT_BEFORE], &floor_day) != KIOSK_OK)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_CLOCK_NOT_BEFORE],
                          "clock_not_before: expected a date YYYY-MM-DD, got '%s'",
                          v[K_CLOCK_NOT_BEFORE]);
  /* A clock before the build or before the scheme started is wrong, whichever is later. */
  if (floor_day < c->policy.start_day)
    floor_day = c->policy.start_day;
  c->clock_floor = (int64_t)floor_day * 86400 - c->policy.utc_offset_s;
  if ((rc = parse_minutes(v[K_CLOCK_MARGIN], 1440, 60, &c->clock_margin_s, p, K_CLOCK_MARGIN,
                          diag, 0)))
    return rc;

  /* Paths. */
  if (p->raw[K_SITES]) {
    if ((rc = resolve(c->sites_path, sizeof c->sites_path, base, v[K_SITES], p, K_SITES, diag)))
      return rc;
  } else {
    snprintf(c->sites_path, sizeof c->sites_path, "%s", kiosk_sites_default_path());
  }
  if ((rc = resolve(c->trust_dir, sizeof c->trust_dir, base, v[K_TRUST], p, K_TRUST, diag)) ||
      (rc = resolve(c->journal_path, sizeof c->journal_path, base, v[K_JOURNAL], p, K_JOURNAL,
                    diag)) ||
      (rc = resolve(c->revocation_path, sizeof c->revocation_path, base, v[K_REVOCATION], p,
                    K_REVOCATION, diag)) ||
      (rc = build_sync(p, base, c, diag)) || (rc = build_ui(p, c, diag)) ||
      (rc = build_gate(p, c, diag)))
    return rc;
  /* The HIS API (docs/his-api.md): off unless his_listen is set, and then only with a
   * token file; the address and the file's mode are checked when kiosk run starts it. */
  if (p->raw[K_HIS_LISTEN]) {
    if ((rc = copy_field(c->his_listen, sizeof c->his_listen, p->raw[K_HIS_LISTEN], p,
                         K_HIS_LISTEN, diag)))
      return rc;
    if (!p->raw[K_HIS_TOKEN])
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_HIS_LISTEN],
                            "his_listen: needs his_token_file (the HIS API's bearer token)");
  }
  if (p->raw[K_HIS_TOKEN] &&
      (rc = resolve(c->his_token_file, sizeof c->his_token_file, base, p->raw[K_HIS_TOKEN], p,
                    K_HIS_TOKEN, diag)))
    return rc;
  /* long enough for a HIS that polls late, short enough that a HIS that crashed after a
   * 202 does not hold the till (docs/his-api.md "Timeouts") */
  if ((rc = parse_minutes(p->raw[K_HIS_EXPIRY] ? p->raw[K_HIS_EXPIRY] : "30", 3600, 1,
                          &c->his_request_expiry_s, p, K_HIS_EXPIRY, diag, 1)))
    return rc;

  /* Site, mode and vehicle against the registry. */
  struct kiosk_sites *loaded = NULL;
  const struct kiosk_sites *sites = given_sites;
  if (!sites) {
    struct kiosk_diag sd;
    rc = kiosk_sites_load(c->sites_path, &loaded, &sd);
    if (rc != KIOSK_OK) {
      char msg[2 * KIOSK_DIAG_TEXT_MAX];
      kiosk_diag_format(&sd, msg, sizeof msg);
      return kiosk_diag_set(diag, rc, p->file, p->line[K_SITES],
                            "site registry: %.200s", msg);
    }
    sites = loaded;
  }
  const struct kiosk_site *s = kiosk_sites_find(sites, c->site_id);
  rc = KIOSK_OK;
  if (!s) {
    rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_SITE],
                        "site: unknown site id '%s'", c->site_id);
  } else if (!(s->modes & KIOSK_MODE_BIT(c->mode))) {
    rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_MODE],
                        "mode: '%s' is not allowed at site '%s'", kiosk_mode_name(c->mode),
                        c->site_id);
  } else if (c->mode == KIOSK_MODE_BUS) {
    /* A vehicle or route the registry does not hold yet is not an error: a bus company
     * adds the bus at the centre and installs the terminal with its vehicle id, and the
     * centre's registry arrives with the first sync (registry_wait; the terminal refuses
     * cards until then). They go into journaled events: tokens, never ID-shaped. */
    const char *veh = p->raw[K_VEHICLE], *route = p->raw[K_ROUTE];
    if (!veh)
      rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->section_line[SECT_TERMINAL],
                          "missing key 'vehicle' in [terminal] (required in bus mode)");
    else if (!common_token_valid(veh, KIOSK_VEHICLE_ID_MAX) || common_id_shaped(veh))
      rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_VEHICLE],
                          "vehicle: 1-%u of A-Z a-z 0-9 - _ ., not shaped like an ID number",
                          KIOSK_VEHICLE_ID_MAX);
    else if (route && (!common_token_valid(route, KIOSK_VEHICLE_ID_MAX) ||
                       common_id_shaped(route)))
      rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_ROUTE],
                          "route: 1-%u of A-Z a-z 0-9 - _ ., not shaped like an ID number",
                          KIOSK_VEHICLE_ID_MAX);
    else {
      snprintf(c->vehicle, sizeof c->vehicle, "%s", veh);
      c->registry_wait = KIOSK_REGWAIT_NONE;
      c->route_from_registry = 0;
      c->route[0] = '\0';
      if (!kiosk_site_has_vehicle(s, veh))
        c->registry_wait = KIOSK_REGWAIT_VEHICLE;
      else if (route && !kiosk_site_has_route(s, route))
        c->registry_wait = KIOSK_REGWAIT_ROUTE;
      if (route) {
        snprintf(c->route, sizeof c->route, "%s", route);
      } else if (!c->registry_wait) {
        const char *assigned = kiosk_site_vehicle_route(s, veh);
        if (assigned) {
          snprintf(c->route, sizeof c->route, "%s", assigned);
          c->route_from_registry = 1;
        }
      }
      /* trip and stop go into every bus event: tokens, never ID-shaped */
      static const int ts[] = {K_TRIP, K_STOP};
      for (size_t i = 0; rc == KIOSK_OK && i < 2; i++) {
        const char *tv = p->raw[ts[i]];
        if (tv && (!common_token_valid(tv, KIOSK_VEHICLE_ID_MAX) || common_id_shaped(tv)))
          rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[ts[i]],
                              "%s: 1-%u of A-Z a-z 0-9 - _ ., not shaped like an ID number",
                              keys[ts[i]].name, KIOSK_VEHICLE_ID_MAX);
      }
      if (p->raw[K_TRIP])
        snprintf(c->trip, sizeof c->trip, "%s", p->raw[K_TRIP]);
      if (p->raw[K_STOP])
        snprintf(c->stop, sizeof c->stop, "%s", p->raw[K_STOP]);
    }
  } else if (p->raw[K_VEHICLE] || p->raw[K_ROUTE] || p->raw[K_TRIP] || p->raw[K_STOP]) {
    int k = p->raw[K_VEHICLE] ? K_VEHICLE : p->raw[K_ROUTE] ? K_ROUTE : p->raw[K_TRIP] ? K_TRIP : K_STOP;
    rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[k],
                        "%s: only a bus terminal has one", keys[k].name);
  }
  if (rc == KIOSK_OK && c->mode != KIOSK_MODE_CASHIER &&
      (p->raw[K_SSC_READER] || p->raw[K_FEE] || p->raw[K_HIS_LISTEN] || p->raw[K_HIS_TOKEN])) {
    int k = p->raw[K_SSC_READER] ? K_SSC_READER
            : p->raw[K_FEE]      ? K_FEE
            : p->raw[K_HIS_LISTEN] ? K_HIS_LISTEN
                                   : K_HIS_TOKEN;
    rc = kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[k],
                        "%s: only a cashier terminal has one", keys[k].name);
  }
  kiosk_sites_destroy(loaded);
  if (rc != KIOSK_OK)
    return rc;

  if (!(flags & KIOSK_CONFIG_NO_FS_CHECK)) {
    struct stat st;
    int bad = stat(c->trust_dir, &st) != 0;
    const char *why = bad ? strerror(errno) : "not a directory";
    if (bad || !S_ISDIR(st.st_mode))
      return kiosk_diag_set(diag, KIOSK_E_CONFIG, p->file, p->line[K_TRUST],
                            "trust_store: '%s': %s", c->trust_dir, why);
  }
  return KIOSK_OK;
}

/* The keys the centre's configuration document may set (docs/kiosk.md, "Set by the
 * centre"): the scheme's window and the policy numbers. The document is one for every
 * terminal, so never who or where a terminal is (terminal id, site, mode, a bus's vehicle,
 * route, trip, stop), its files, its keys, its reader, its staff or its queue's size
 * (allocated at start). */
static const enum ckey centre_keys[] = {
    K_START,     K_END,       K_GATE_REPEAT, K_BUS_REPEAT,   K_REV_AGE,
    K_REV_STALE, K_REV_NEVER, K_CASHIER_MAX, K_CLOCK_MARGIN,
};

static int on_overlay_pair(void *user, const char *section, const char *key, const char *value,
                           unsigned line, struct kiosk_diag *diag)
{
  struct parse *p = user;
  const char *file = p->file;
  for (size_t i = 0; i < sizeof centre_keys / sizeof centre_keys[0]; i++) {
    enum ckey k = centre_keys[i];
    if (strcmp(keys[k].name, key) != 0 || p->sect != keys[k].sect)
      continue;
    char *copy = strdup(value);
    if (!copy)
      return kiosk_diag_set(diag, KIOSK_E_NO_MEMORY, file, line, "out of memory");
    free(p->raw[k]); /* the centre's value replaces the file's */
    p->raw[k] = copy;
    p->line[k] = line;
    return KIOSK_OK;
  }
  (void)section;
  if (p->sect == SECT_NONE)
    return kiosk_diag_set(diag, KIOSK_E_CONFIG, file, line, "key '%s' before any [section]",
                          key);
  return kiosk_diag_set(diag, KIOSK_E_CONFIG, file, line,
                        "key '%s' in [%s] is not one the centre may set", key,
                        sect_names[p->sect]);
}

/* Relative paths: beside the file, or in the state directory for the defaults. */
static void base_dir(const char *file, char *base, size_t cap)
{
  if (!file || strcmp(file, DEFAULTS_NAME) == 0) {
    snprintf(base, cap, "%s", kiosk_config_state_dir());
  } else {
    snprintf(base, cap, "%s", file);
    char *slash = strrchr(base, '/');
    if (slash)
      *slash = '\0';
    else
      snprintf(base, cap, ".");
  }
}

int kiosk_config_parse_overlay(const char *buf, size_t len, const char *file, const char *over,
                               size_t over_len, const char *over_name,
                               const struct kiosk_sites *sites, unsigned flags,
                               struct kiosk_config *out, struct kiosk_diag *diag)
{
  struct kiosk_config c;
  memset(&c, 0, sizeof c);
  struct parse p;
  memset(&p, 0, sizeof p);
  p.file = file ? file : "(config)";
  snprintf(c.source, sizeof c.source, "%s", p.file);
  char base[KIOSK_PATH_MAX], both[2 * KIOSK_PATH_MAX];
  base_dir(file, base, sizeof base);
  static const struct kiosk_ini_handler h = {on_section, on_pair};
  static const struct kiosk_ini_handler ho = {on_section, on_overlay_pair};
  int rc = kiosk_ini_parse(buf, len, p.file, &h, &p, diag);
  if (rc == KIOSK_OK && over) {
    p.file = over_name ? over_name : "(centre configuration)";
    p.sect = SECT_NONE;
    rc = kiosk_ini_parse(over, over_len, p.file, &ho, &p, diag);
    /* a value's line may be the file's or the document's: a checker's message names both */
    snprintf(both, sizeof both, "%s + %s", file ? file : "(config)", p.file);
    p.file = both;
  }
  if (rc == KIOSK_OK)
    rc = build(&p, base, sites, flags, &c, diag);
  for (int k = 0; k < K_COUNT; k++)
    free(p.raw[k]);
  if (rc == KIOSK_OK)
    *out = c;
  return rc;
}

int kiosk_config_centre_key(const char *section, const char *key)
{
  for (size_t i = 0; i < sizeof centre_keys / sizeof centre_keys[0]; i++)
    if (strcmp(keys[centre_keys[i]].name, key) == 0 &&
        strcmp(sect_names[keys[centre_keys[i]].sect], section) == 0)
      return 1;
  return 0;
}

int kiosk_config_parse(const char *buf, size_t len, const char *file,
                       const struct kiosk_sites *sites, unsigned flags,
                       struct kiosk_config *out, struct kiosk_diag *diag)
{
  return kiosk_config_parse_overlay(buf, len, file, NULL, 0, NULL, sites, flags, out, diag);
}

int kiosk_config_load(const char *path, const struct kiosk_sites *sites, unsigned flags,
                      struct kiosk_config *out, struct kiosk_diag *diag)
{
  if (!path)
    return kiosk_config_parse(defaults_text, sizeof defaults_text - 1, DEFAULTS_NAME, sites,
                              flags, out, diag);
  char *buf;
  size_t len;
  int rc = kiosk_read_file(path, KIOSK_INI_INPUT_MAX, &buf, &len, diag);
  if (rc != KIOSK_OK)
    return rc;
  rc = kiosk_config_parse(buf, len, path, sites, flags, out, diag);
  free(buf);
  return rc;
}
