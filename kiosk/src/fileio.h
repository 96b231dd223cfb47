/* Durable file writes shared by the kiosk library's files (private). */
#ifndef KIOSK_FILEIO_H
#define KIOSK_FILEIO_H

#include <stddef.h>

/* write(2) all n bytes, retrying on EINTR. 0, or -1 with errno set. */
int kiosk_file_write_all(int fd, const void *p, size_t n);
/* fsync the directory that holds path (so that a rename or a new file in it survives a
 * power cut). 0, or -1 with errno set. */
int kiosk_file_fsync_dir(const char *path);

#endif /* KIOSK_FILEIO_H */
