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

#endif
