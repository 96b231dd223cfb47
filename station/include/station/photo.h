/*
 * station photo: the holder's 1-inch white-background photo (一寸免冠白底证件照), made to
 * fit the card's EF.PHOTO (docs/card-spec.md: JPEG, at most 65535 bytes; the station
 * keeps it far smaller so that terminals that show it read it in two or three APDUs).
 *
 * Steps: load (any format SDL2_image reads: JPEG, PNG, BMP, ...), check the background
 * (the top and upper side strips must be light and grey-free: a white wall, not a
 * scene; the shoulders may reach the bottom), crop the
 * centre to the card's 3:4 aspect, scale down by area averaging to width x height, and
 * write JPEG (SDL_image's IMG_SaveJPG_RW) at decreasing quality until it fits max_bytes.
 */
#ifndef STATION_PHOTO_H
#define STATION_PHOTO_H

#include <stddef.h>
#include <stdint.h>

#include "station/station.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STATION_PHOTO_WIDTH 240u
#define STATION_PHOTO_HEIGHT 320u
#define STATION_PHOTO_MAX_BYTES 8192u
#define STATION_PHOTO_MIN_QUALITY 20
#define STATION_PHOTO_MAX_INPUT (20u * 1024u * 1024u) /* bytes of the source file */

struct station_photo_opts {
  unsigned width, height; /* 240 x 320 */
  size_t max_bytes;       /* 8192 */
  int check_background;   /* 1: refuse a photo whose border is not white */
};
void station_photo_opts_default(struct station_photo_opts *o);

/*
 * Prepare the photo at path. *jpeg (malloc'd, free()) gets at most o->max_bytes bytes;
 * *quality the JPEG quality used. Errors: IO (cannot read), PHOTO (not an image, too
 * small, background not white, does not fit even at the lowest quality; why[] says
 * which), NO_MEMORY.
 */
int station_photo_prepare(const char *path, const struct station_photo_opts *o, uint8_t **jpeg,
                          size_t *len, int *quality, char *why, size_t why_cap);

#ifdef __cplusplus
}
#endif
#endif /* STATION_PHOTO_H */
