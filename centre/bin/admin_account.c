/* centre-admin account ... (admin_account.h). */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_account.h"
#include "centre_int.h"
#include "common/cli.h"
#include "console.h"

/* A failure already said on stderr: main exits 1 without a second line (its ADMIN_E_SAID). */
#define ACCOUNT_E_SAID (-1000)

static int usage_err(const char *what)
{
  common_cli_usage("centre-admin", "account: %s", what);
  return CENTRE_E_INVALID_ARG;
}

/* The password: the first line of path (or stdin), wiped by the caller. 0, or -1 with
 * *why set (never quoting it). */
static int read_password(const char *path, char *pw, size_t cap, const char **why)
{
  FILE *f = path ? fopen(path, "r") : stdin;
  char line[CONSOLE_PASSWORD_MAX + 8];
  int ok;
  *why = "cannot read the password";
  if (!f)
    return -1;
  ok = fgets(line, sizeof line, f) != NULL;
  if (path)
    fclose(f);
  if (ok) {
    line[strcspn(line, "\r\n")] = '\0';
    ok = console_password_valid(line, strlen(line)) && strlen(line) < cap;
    if (!ok)
      *why = "the password must be 10-128 characters without control characters";
    else
      snprintf(pw, cap, "%s", line);
  }
  OPENSSL_cleanse(line, sizeof line);
  return ok ? 0 : -1;
}

static unsigned parse_roles(const char *list)
{
  char buf[128], *save = NULL, *tok;
  unsigned roles = 0;
  if (strlen(list) >= sizeof buf)
    return 0;
  snprintf(buf, sizeof buf, "%s", list);
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    unsigned r = console_role_parse(tok);
    if (!r)
      return 0;
    roles |= r;
  }
  return roles;
}

static int set_password(struct centre_db *db, const char *login, const char *file, unsigned roles,
                        int add, int64_t now)
{
  char pw[CONSOLE_PASSWORD_MAX + 1], hash[CONSOLE_HASH_MAX + 1];
  const char *why;
  int rc;
  if (read_password(file, pw, sizeof pw, &why) != 0) {
    fprintf(stderr, "centre-admin: account %s: %s%s%s\n", login, why, file ? " in " : "",
            file ? file : "");
    return CENTRE_E_INVALID_ARG;
  }
  rc = console_password_hash(pw, 0, hash);
  OPENSSL_cleanse(pw, sizeof pw);
  if (rc == CENTRE_OK)
    rc = add ? console_db_account_add(db, login, roles, hash, now)
             : console_db_account_set_hash(db, login, hash, now);
  if (rc == CENTRE_E_EXISTS)
    fprintf(stderr, "centre-admin: account add: %s exists (account passwd or enable it)\n",
            login);
  else if (rc == CENTRE_E_NOT_FOUND)
    fprintf(stderr, "centre-admin: account passwd: no account %s\n", login);
  console_db_audit(db, now, "centre-admin", "-", add ? "account-add" : "account-passwd", login, 0,
                   rc == CENTRE_OK ? "ok" : centre_strerror(rc));
  return rc == CENTRE_E_EXISTS || rc == CENTRE_E_NOT_FOUND ? ACCOUNT_E_SAID : rc;
}

int centre_admin_account(struct centre_store *st, int argc, char **argv, int64_t now)
{
  struct centre_db *db = centre_store_db(st);
  const char *cmd = argc > 0 ? argv[0] : "", *login = argc > 1 ? argv[1] : "";
  const char *file = NULL, *role = NULL;
  int rc;
  if (strcmp(cmd, "list") == 0) {
    struct console_rows *t = NULL;
    if (argc != 1)
      return usage_err("list takes no argument");
    rc = console_db_accounts(db, &t);
    if (rc != CENTRE_OK)
      return rc;
    printf("login,roles,state,created,changed\n");
    for (size_t r = 0; r < t->rows; r++)
      printf("%s,%s,%s,%s,%s\n", console_cell(t, r, 0), console_cell(t, r, 1),
             console_cell(t, r, 2), console_cell(t, r, 3), console_cell(t, r, 4));
    console_rows_free(t);
    return CENTRE_OK;
  }
  if (strcmp(cmd, "add") != 0 && strcmp(cmd, "passwd") != 0 && strcmp(cmd, "disable") != 0 &&
      strcmp(cmd, "enable") != 0)
    return usage_err("expected add, passwd, disable, enable or list");
  if (argc < 2 || !console_login_valid(login))
    return usage_err("LOGIN: 3-32 of a-z 0-9 . _ -, starting with a letter");
  for (int i = 2; i < argc; i += 2) {
    if (i + 1 >= argc)
      return usage_err("an option without its value");
    if (strcmp(argv[i], "--password-file") == 0 && strcmp(cmd, "add") * strcmp(cmd, "passwd") == 0)
      file = argv[i + 1];
    else if (strcmp(argv[i], "--role") == 0 && strcmp(cmd, "add") == 0)
      role = argv[i + 1];
    else
      return usage_err("unknown option (see centre-admin --help)");
  }
  if (strcmp(cmd, "add") == 0) {
    unsigned roles = role ? parse_roles(role) : 0;
    if (!roles)
      return usage_err("--role finance, station, operations or admin (comma-separated) is required");
    rc = set_password(db, login, file, roles, 1, now);
  } else if (strcmp(cmd, "passwd") == 0) {
    rc = set_password(db, login, file, 0, 0, now);
  } else {
    int off = strcmp(cmd, "disable") == 0;
    rc = console_db_account_set_disabled(db, login, off, now);
    if (rc == CENTRE_E_NOT_FOUND)
      fprintf(stderr, "centre-admin: account %s: no account %s\n", cmd, login);
    console_db_audit(db, now, "centre-admin", "-", off ? "account-disable" : "account-enable",
                     login, 0, rc == CENTRE_OK ? "ok" : centre_strerror(rc));
    if (rc == CENTRE_E_NOT_FOUND)
      rc = ACCOUNT_E_SAID;
  }
  if (rc == CENTRE_OK)
    printf("account %s: %s done\n", login, cmd);
  return rc;
}
