/*
 * common datadir: where the installed read-only data is (the site registry sites.ini,
 * the screens' strings/), found at run time so that no path of the build or source tree
 * is compiled into a program (docs/packaging.md, "Where things are").
 *
 * The order, first that applies:
 *   1. $YH_DATADIR, when set and not empty (tests, an operator's override);
 *   2. <dir of the running program>/COMMON_DATADIR_REL ("../share/yulin-honour", the
 *      install layout, computed by CMake from GNUInstallDirs), or the same one or two
 *      directories further up: the build tree keeps a link share/yulin-honour -> the
 *      sources' assets/ at its top, two levels above tools/cardsim/cardsim;
 *   3. COMMON_DATADIR_DEFAULT, the installed data directory (/usr/share/yulin-honour
 *      in the packages), for a system without /proc.
 * Per-file overrides ($YH_SITES, $YH_UI_STRINGS_DIR, [paths] sites) stay with the
 * modules that read the files.
 *
 * Ownership: the caller's buffer; nothing is kept. Thread-safe (reads the environment,
 * /proc/self/exe and stat(2) only).
 */
#ifndef COMMON_DATADIR_H
#define COMMON_DATADIR_H

#include <stddef.h>

#include "common/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The longest path these functions write, NUL included: room is left for a file name
 * after it in the callers' 1024-byte path buffers. */
#define COMMON_DATADIR_PATH_MAX 1000u

/* How many directories above the program's own the build-tree search climbs. */
#define COMMON_DATADIR_MAX_UP 2u

/*
 * Pure: "<directory of exe_path>/" + up times "../" + rel into out. exe_path must be
 * absolute ('/' first) and rel relative. INVALID_ARG for NULLs, a relative exe_path or
 * an absolute rel; BUFFER_TOO_SMALL (out "" when cap > 0) when it does not fit.
 */
int common_datadir_candidate(const char *exe_path, const char *rel, unsigned up, char *out,
                             size_t cap);

/* The data directory by the order above into out. BUFFER_TOO_SMALL when it does not
 * fit in cap or in COMMON_DATADIR_PATH_MAX (out ""); never NOT_FOUND: the installed
 * default is the last answer. */
int common_datadir(char *out, size_t cap);

/* common_datadir() + "/" + name (a file or folder under it, e.g. "sites.ini"). */
int common_datadir_path(const char *name, char *out, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* COMMON_DATADIR_H */
