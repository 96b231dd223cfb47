/* Issuance (placeholder until the card flow lands). */
#include "station_int.h"

int station_issue_schema(struct station_db *db)
{
  (void)db;
  return STATION_OK;
}

int station_issue_show(struct station_db *db, int64_t person, FILE *out)
{
  (void)db;
  (void)person;
  (void)out;
  return STATION_OK;
}
