/*
 * The data directory (common/datadir.h). Only the relative path from the programs'
 * directory and the installed default are compiled in, never where the sources or the
 * build were: a package built anywhere finds its data where it is installed.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/datadir.h"

#ifndef COMMON_DATADIR_REL
#define COMMON_DATADIR_REL "../share/yulin-honour"
#endif
#ifndef COMMON_DATADIR_DEFAULT
#define COMMON_DATADIR_DEFAULT "/usr/share/yulin-honour"
#endif

/* Long enough for any path the kernel gives for /proc/self/exe (PATH_MAX is 4096). */
#define EXE_MAX 4096u

static int put(char *out, size_t cap, const char *s)
{
  size_t n = strlen(s);
  if (n >= cap || n >= COMMON_DATADIR_PATH_MAX) {
    out[0] = '\0';
    return COMMON_E_BUFFER_TOO_SMALL;
  }
  memcpy(out, s, n + 1);
  return COMMON_OK;
}

int common_datadir_candidate(const char *exe_path, const char *rel, unsigned up, char *out,
                             size_t cap)
{
  if (!out || cap == 0)
    return COMMON_E_INVALID_ARG;
  out[0] = '\0';
  if (!exe_path || !rel || exe_path[0] != '/' || rel[0] == '/')
    return COMMON_E_INVALID_ARG;
  const char *slash = strrchr(exe_path, '/');
  size_t dirlen = (size_t)(slash - exe_path); /* 0 for a program in "/" */
  size_t need = dirlen + 1 + (size_t)up * 3 + strlen(rel) + 1;
  if (up > 64 || need > cap)
    return COMMON_E_BUFFER_TOO_SMALL;
  size_t o = dirlen;
  memcpy(out, exe_path, dirlen);
  out[o++] = '/';
  for (unsigned i = 0; i < up; i++) {
    memcpy(out + o, "../", 3);
    o += 3;
  }
  memcpy(out + o, rel, strlen(rel) + 1);
  return COMMON_OK;
}

static int is_dir(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int common_datadir(char *out, size_t cap)
{
  if (!out || cap == 0)
    return COMMON_E_INVALID_ARG;
  const char *env = getenv("YH_DATADIR");
  if (env && env[0])
    return put(out, cap, env);

  char exe[EXE_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0 && exe[0] == '/') {
    exe[n] = '\0';
    char cand[EXE_MAX + 64];
    for (unsigned up = 0; up <= COMMON_DATADIR_MAX_UP; up++) {
      if (common_datadir_candidate(exe, COMMON_DATADIR_REL, up, cand, sizeof cand) ==
              COMMON_OK &&
          is_dir(cand))
        return put(out, cap, cand);
    }
  }
  return put(out, cap, COMMON_DATADIR_DEFAULT);
}

int common_datadir_path(const char *name, char *out, size_t cap)
{
  if (!name || !out || cap == 0)
    return COMMON_E_INVALID_ARG;
  int rc = common_datadir(out, cap);
  if (rc != COMMON_OK)
    return rc;
  size_t len = strlen(out);
  int w = snprintf(out + len, cap - len, "/%s", name);
  if (w < 0 || (size_t)w >= cap - len || len + (size_t)w >= COMMON_DATADIR_PATH_MAX) {
    out[0] = '\0';
    return COMMON_E_BUFFER_TOO_SMALL;
  }
  return COMMON_OK;
}
