/* Helpers for the station tests: temporary folders, files, ID numbers, CSV rows. */
#ifndef STATION_TEST_UTIL_H
#define STATION_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* A fresh temporary folder (under $YH_BINARY_DIR/tmp or /tmp); the path is static. */
const char *st_tmpdir(void);
/* dir/name into a static rotating buffer. */
const char *st_path(const char *name);
/* Write len bytes to path (len < 0: strlen). */
void st_write(const char *path, const void *data, long len);
/* A valid ID number from 17 digits (check character appended) into out[19]. */
char *st_idno(const char *digits17, char out[19]);
/* Read a whole (small) file; malloc'd, NUL-terminated. */
char *st_read(const char *path, size_t *len);

struct station_db;
/* Take an evaluated round through the leading group, the final review, a 7-day notice
 * and the city's award, the notice starting 8 days before today (so the cut-off must be
 * at least 8 days before today). Asserts each step. */
void st_round_award(struct station_db *db, const char *round, int32_t today);

#endif
