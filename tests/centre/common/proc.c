/* The centre as a child process, and small helpers around it. */
#include <errno.h>
#include <signal.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "synctest.h"

#ifndef CENTRE_BIN
#error CENTRE_BIN must name the centre program
#endif
#ifndef CENTRE_ADMIN_BIN
#error CENTRE_ADMIN_BIN must name the centre-admin program
#endif

uint64_t synctest_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void sleep_ms(unsigned ms)
{
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

int synctest_tmpdir(const char *tag, char *out, size_t cap)
{
  const char *base = getenv("TMPDIR");
  snprintf(out, cap, "%s/yh-%s-XXXXXX", base && *base ? base : "/tmp", tag);
  return mkdtemp(out) ? 0 : -1;
}

void synctest_centre_init(struct synctest_centre *c, const char *dir, const char *db_name)
{
  memset(c, 0, sizeof *c);
  c->pid = -1;
  c->workers = 4;
  snprintf(c->dir, sizeof c->dir, "%s", dir);
  snprintf(c->conf, sizeof c->conf, "%s/centre.conf", dir);
  snprintf(c->db, sizeof c->db, "%s/%s", dir, db_name);
  snprintf(c->portfile, sizeof c->portfile, "%s/centre.port", dir);
  snprintf(c->server_cert, sizeof c->server_cert, "%s/server.pem", dir);
  snprintf(c->server_key, sizeof c->server_key, "%s/server.key", dir);
  snprintf(c->ca, sizeof c->ca, "%s/ca.pem", dir);
  snprintf(c->sign_key, sizeof c->sign_key, "%s/sign.key", dir);
  if (synctest_pg() && synctest_pg_fresh_dsn(c->dsn, sizeof c->dsn) != 0) {
    fprintf(stderr, "synctest: no PostgreSQL for the store (fixture postgres)\n");
    abort();
  }
  if (c->dsn[0])
    fprintf(stderr, "synctest: the centre's store is PostgreSQL (%s)\n", c->dsn);
}

int synctest_pg(void)
{
  const char *b = getenv("YH_CENTRE_BACKEND");
  return b && strcmp(b, "postgresql") == 0;
}

int synctest_pg_fresh_dsn(char *out, size_t cap)
{
  static unsigned counter;
  const char *state = getenv("YH_PG_STATE");
  char base[600] = "", name[64], sql[128];
  FILE *f = state ? fopen(state, "r") : NULL;
  PGconn *pg;
  PGresult *r;
  int ok;
  if (!f) {
    fprintf(stderr, "synctest: YH_PG_STATE %s: cannot read it\n", state ? state : "(unset)");
    return -1;
  }
  /* line 1: the server's directory; line 2: the maintenance database's string */
  ok = fgets(base, sizeof base, f) && fgets(base, sizeof base, f);
  fclose(f);
  base[strcspn(base, "\n")] = '\0';
  if (!ok || !base[0])
    return -1;
  snprintf(name, sizeof name, "yh_%ld_%u_%u", (long)getpid(), counter++,
           (unsigned)(synctest_now_ms() % 100000));
  pg = PQconnectdb(base);
  if (PQstatus(pg) != CONNECTION_OK) {
    fprintf(stderr, "synctest: postgresql: %s", PQerrorMessage(pg));
    PQfinish(pg);
    return -1;
  }
  snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
  r = PQexec(pg, sql);
  ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  if (!ok)
    fprintf(stderr, "synctest: postgresql: %s", PQresultErrorMessage(r));
  PQclear(r);
  PQfinish(pg);
  /* a later keyword wins in a libpq connection string */
  snprintf(out, cap, "%s dbname=%s", base, name);
  return ok ? 0 : -1;
}

static int write_conf(const struct synctest_centre *c)
{
  FILE *f = fopen(c->conf, "w");
  if (!f)
    return -1;
  fprintf(f,
          "# written by the test\n"
          "[listen]\naddress = 127.0.0.1\nport = %u\nport_file = %s\nworkers = %u\n"
          "[tls]\ncert = %s\nkey = %s\nca = %s\n"
          "[store]\n%s%s\nsync_full = %s\n%s"
          "[signing]\nkey = %s\n"
          "[limits]\nmax_body = 4194304\nmax_inflated = 16777216\nmax_events = 5000\n"
          "timeout = %u\n%s"
          "[log]\nlevel = %d\n",
          c->port, c->portfile, c->workers, c->server_cert, c->server_key, c->ca,
          c->dsn[0] ? "backend = postgresql\ndsn = " : "db = ", c->dsn[0] ? c->dsn : c->db,
          c->sync_full ? "true" : "false", c->store_extra, c->sign_key, c->timeout_s ? c->timeout_s : 10u, c->limits_extra,
          c->log_info ? 2 : 1);
  if (c->rev_refresh)
    fprintf(f, "[revocations]\nrefresh = %u\n", c->rev_refresh);
  fputs(c->conf_extra, f);
  return fclose(f);
}

int synctest_centre_start(struct synctest_centre *c, const char *const *env)
{
  uint64_t deadline;
  pid_t pid;
  if (write_conf(c) != 0)
    return -1;
  unlink(c->portfile);
  pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    for (size_t i = 0; env && env[i]; i++)
      putenv((char *)(uintptr_t)env[i]);
    if (c->log_path[0]) {
      int fd = open(c->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (fd >= 0)
        dup2(fd, 2);
    }
    execl(CENTRE_BIN, CENTRE_BIN, "--config", c->conf, (char *)NULL);
    _exit(127);
  }
  c->pid = pid;
  deadline = synctest_now_ms() + 120000; /* generous: a loaded machine */
  while (synctest_now_ms() < deadline) {
    FILE *f = fopen(c->portfile, "r");
    int status;
    if (f) {
      unsigned port = 0;
      int ok = fscanf(f, "%u", &port) == 1;
      fclose(f);
      if (ok && port) {
        c->port = port;
        return 0;
      }
    }
    if (waitpid(pid, &status, WNOHANG) == pid) {
      c->pid = -1;
      return -1;
    }
    sleep_ms(10);
  }
  synctest_centre_kill9(c);
  return -1;
}

int synctest_centre_wait(struct synctest_centre *c, unsigned timeout_ms)
{
  uint64_t deadline = synctest_now_ms() + timeout_ms;
  int status;
  if (c->pid <= 0)
    return -1;
  while (synctest_now_ms() < deadline) {
    if (waitpid(c->pid, &status, WNOHANG) == c->pid) {
      c->pid = -1;
      return status;
    }
    sleep_ms(5);
  }
  return -1;
}

int synctest_centre_stop(struct synctest_centre *c)
{
  int status;
  if (c->pid <= 0)
    return -1;
  kill(c->pid, SIGTERM);
  status = synctest_centre_wait(c, 5000);
  if (status == -1)
    synctest_centre_kill9(c);
  return status;
}

void synctest_centre_kill9(struct synctest_centre *c)
{
  if (c->pid <= 0)
    return;
  kill(c->pid, SIGKILL);
  waitpid(c->pid, NULL, 0);
  c->pid = -1;
}

int synctest_admin(const struct synctest_centre *c, const char *out_path, ...)
{
  const char *argv[32];
  size_t n = 0;
  va_list ap;
  pid_t pid;
  int status;
  if (write_conf(c) != 0)
    return -1;
  argv[n++] = CENTRE_ADMIN_BIN;
  argv[n++] = "--config";
  argv[n++] = c->conf;
  va_start(ap, out_path);
  for (const char *a; n < 31 && (a = va_arg(ap, const char *)) != NULL;)
    argv[n++] = a;
  va_end(ap);
  argv[n] = NULL;
  pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    if (out_path) {
      int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd < 0)
        _exit(126);
      dup2(fd, 1);
      close(fd);
    } else {
      int fd = open("/dev/null", O_WRONLY);
      if (fd >= 0) {
        dup2(fd, 1);
        close(fd);
      }
    }
    execv(CENTRE_ADMIN_BIN, (char *const *)(uintptr_t)argv);
    _exit(127);
  }
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

void synctest_centre_url(const struct synctest_centre *c, char *buf, size_t cap)
{
  snprintf(buf, cap, "https://127.0.0.1:%u", c->port);
}

/* sql with one optional `?` parameter (written $1 for PostgreSQL). */
static long query_long(const struct synctest_centre *c, const char *sql, const char *param)
{
  sqlite3 *h = NULL;
  sqlite3_stmt *s = NULL;
  long v = -1;
  if (c->dsn[0]) {
    char pgsql[512];
    size_t o = 0;
    for (const char *p = sql; *p && o + 3 < sizeof pgsql; p++)
      if (*p == '?') {
        pgsql[o++] = '$';
        pgsql[o++] = '1';
      } else {
        pgsql[o++] = *p;
      }
    pgsql[o] = '\0';
    PGconn *pg = PQconnectdb(c->dsn);
    PGresult *r = PQexecParams(pg, pgsql, param ? 1 : 0, NULL, &param, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
      v = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    PQfinish(pg);
    return v;
  }
  if (sqlite3_open_v2(c->db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    goto out_close;
  sqlite3_busy_timeout(h, 5000);
  if (sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK)
    goto out_close;
  if (param)
    sqlite3_bind_text(s, 1, param, -1, SQLITE_TRANSIENT);
  if (sqlite3_step(s) == SQLITE_ROW)
    v = (long)sqlite3_column_int64(s, 0);
out_close:
  sqlite3_finalize(s);
  sqlite3_close(h);
  return v;
}

int synctest_centre_columns(const struct synctest_centre *c, const char *table, char *out,
                            size_t cap)
{
  size_t len = 0;
  int rc = -1;
  out[0] = '\0';
  if (c->dsn[0]) {
    PGconn *pg = PQconnectdb(c->dsn);
    PGresult *r = PQexecParams(pg,
                               "SELECT column_name FROM information_schema.columns WHERE"
                               " table_schema = current_schema() AND table_name = $1",
                               1, NULL, &table, NULL, NULL, 0);
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
      rc = 0;
      for (int i = 0; i < PQntuples(r) && len < cap; i++)
        len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "," : "", PQgetvalue(r, i, 0));
    }
    PQclear(r);
    PQfinish(pg);
    return rc;
  }
  sqlite3 *h = NULL;
  sqlite3_stmt *s = NULL;
  if (sqlite3_open_v2(c->db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(h, "SELECT name FROM pragma_table_info(?)", -1, &s, NULL) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table, -1, SQLITE_TRANSIENT);
    rc = 0;
    for (int i = 0; sqlite3_step(s) == SQLITE_ROW && len < cap; i++)
      len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "," : "",
                              (const char *)sqlite3_column_text(s, 0));
  }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return rc;
}

long synctest_centre_count(const struct synctest_centre *c, const char *terminal)
{
  return query_long(c, "SELECT COUNT(*) FROM events WHERE terminal_id = ?", terminal);
}

long synctest_centre_duplicates(const struct synctest_centre *c)
{
  return query_long(c,
                    "SELECT (SELECT COUNT(*) FROM events) -"
                    " (SELECT COUNT(*) FROM (SELECT DISTINCT terminal_id, seq FROM events) d)",
                    NULL);
}

void synctest_netsync_config(const struct synctest_centre *c, const char *terminal,
                             struct synctest_paths *p, struct netsync_config *cfg)
{
  memset(cfg, 0, sizeof *cfg);
  synctest_centre_url(c, p->url, sizeof p->url);
  snprintf(p->ca, sizeof p->ca, "%s/ca.pem", c->dir);
  snprintf(p->cert, sizeof p->cert, "%s/%s.pem", c->dir, terminal);
  snprintf(p->key, sizeof p->key, "%s/%s.key", c->dir, terminal);
  snprintf(p->sign, sizeof p->sign, "%s/sign.pub", c->dir);
  cfg->url = p->url;
  cfg->ca_file = p->ca;
  cfg->cert_file = p->cert;
  cfg->key_file = p->key;
  cfg->sign_pubkey_file = p->sign;
  cfg->software = "test-1.0";
  /* generous: sixteen terminals at once on a loaded machine (tests/stress) wait their turn
   * for the centre's store; a request cut here would fail the test, not the code */
  cfg->connect_timeout_ms = 30000;
  cfg->total_timeout_ms = 120000;
  cfg->batch_max = 2000;
  cfg->backoff_base_ms = 20;
  cfg->backoff_cap_ms = 200;
  cfg->poll_ms = 60000;
}
