/*
 * SQLite helpers shared by the centre's tables beside the store (bills.c, roster.c,
 * tariff.c): one failure line and one schema runner instead of a copy in each.
 */
#include <sqlite3.h>

#include "centre_int.h"

int centre_db_fail(sqlite3 *db, const char *what, int rc)
{
  centre_log(CENTRE_LOG_ERROR, "sqlite %s: %s (rc %d)", what, sqlite3_errmsg(db), rc);
  return CENTRE_E_DB;
}

int centre_db_schema(sqlite3 *db, const char *const *stmts, size_t n, const char *what)
{
  for (size_t i = 0; i < n; i++) {
    int rc = sqlite3_exec(db, stmts[i], NULL, NULL, NULL);
    if (rc != SQLITE_OK)
      return centre_db_fail(db, what, rc);
  }
  return CENTRE_OK;
}
