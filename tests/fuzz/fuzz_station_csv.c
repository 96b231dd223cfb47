/* Fuzz target: the station's CSV reader. The first byte picks the path and the limits:
 * bit 7 set, the file reader (encoding detection, GB18030 decoding; the input goes
 * through a memfd); clear, the parser alone, fed in chunks of (byte & 15) + 1 bytes.
 * Every record's fields also go through the row validators (ID number, date, kind,
 * name masking), which see exactly what an import would hand them. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "station/csv.h"
#include "station/db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_rec(void *user, const struct station_csv_rec *rec)
{
  size_t *max = user;
  if (rec->n > *max || rec->line == 0)
    abort(); /* the contract: never more than max_fields, lines from 1 */
  for (size_t i = 0; i < rec->n; i++) {
    const struct station_csv_field *f = &rec->fields[i];
    char idno[COMMON_ID_LEN + 1], name[STATION_NAME_MAX + 1];
    int32_t day;
    enum station_kind kind;
    common_id_check(f->data, f->len, idno, &day);
    station_date_parse(f->data, f->len, &day);
    station_kind_parse(f->data, f->len, &kind);
    if (f->len <= STATION_NAME_MAX) {
      memcpy(name, f->data, f->len);
      name[f->len] = '\0';
      char masked[STATION_NAME_MAX + 1];
      station_mask_name(name, masked, sizeof masked);
      if (strlen(masked) > STATION_NAME_MAX)
        abort();
    }
  }
  return 0;
}

static int fuzz_info(void *user, const struct station_csv_file_info *fi)
{
  (void)user;
  if (strlen(fi->sha256) != 64)
    abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1)
    return 0;
  struct station_csv_limits lim = {(size_t)64 + (data[0] & 0x3F) * 16, 1 + (data[0] & 7), 1u << 20};
  size_t max_fields = lim.max_fields;
  if (data[0] & 0x80) {
    int fd = memfd_create("fuzz_station_csv", MFD_CLOEXEC);
    if (fd < 0)
      return 0;
    if (write(fd, data + 1, size - 1) == (ssize_t)(size - 1)) {
      char path[64];
      struct station_csv_file_info fi;
      struct station_problem why;
      snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
      station_csv_read_file(path, &lim, fuzz_info, fuzz_rec, &max_fields, &fi, &why);
    }
    close(fd);
    return 0;
  }
  struct station_csv *p;
  if (station_csv_create(&lim, fuzz_rec, &max_fields, &p) != STATION_OK)
    return 0;
  size_t chunk = (size_t)(data[0] & 15) + 1;
  int rc = STATION_OK;
  for (size_t i = 1; i < size && rc == STATION_OK; i += chunk)
    rc = station_csv_feed(p, data + i, size - i < chunk ? size - i : chunk);
  if (rc == STATION_OK)
    station_csv_finish(p);
  station_csv_destroy(p);
  return 0;
}
