/*
 * uishot: draw kiosk screens to PNG files without a window or a display.
 *
 *   uishot --list                      the sample names
 *   uishot --all DIR                   every sample to DIR/<name>.png
 *   uishot --both DIR                  every sample in both languages: DIR/<name>.<lang>.png
 *   uishot --speech DIR                what every sample says: DIR/<name>.<lang>.wav
 *   uishot NAME OUT.png [--en]         one sample
 *   uishot --tones DIR                 the tones as WAV files
 *   uishot --pin-hash SALT PIN         a staff PIN hash for the configuration
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/datadir.h"
#include "ui/samples.h"
#include "ui/speech.h"
#include "ui/strings.h"
#include "ui/tone.h"
#include "ui/ui.h"
#include "common/cli.h"
#include "yh_version.h"

static const char help[] =
    "usage: uishot --list | --all DIR | --both DIR | --speech DIR | NAME OUT.png [--en] |\n"
    "              --tones DIR | --pin-hash SALT PIN\n"
    "Draws the terminal's screens off-screen to PNG (no display needed):\n"
    "  --list              the sample screens' names\n"
    "  --all DIR           every sample screen as DIR/NAME.png\n"
    "  --both DIR          every sample in both languages, DIR/NAME.LANG.png\n"
    "  NAME OUT.png [--en] one sample (--en: in English)\n"
    "  --speech DIR        every phrase the terminals speak, as WAV\n"
    "  --tones DIR         the verdict tones, as WAV\n"
    "  --pin-hash SALT PIN the staff PIN hash the terminal configuration takes\n"
    "  -h, --help          this text;  --version   the version\n"
    "Exit status: 0 done, 1 failed, 2 usage error (docs/cli.md).\n";

__attribute__((format(printf, 1, 2))) static int usage(const char *fmt, ...)
{
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return common_cli_usage("uishot", "%s", msg);
}

/* What every sample screen says, in both languages, as WAV files. */
static int speech_all(const char *dir)
{
  const char *sdir = getenv("YH_UI_STRINGS_DIR");
  char dbuf[COMMON_DATADIR_PATH_MAX];
  if (!sdir || !*sdir)
    sdir = common_datadir_path("strings", dbuf, sizeof dbuf) == COMMON_OK ? dbuf : "strings";
  int status = 0;
  for (int l = 0; l < UI_LANG_COUNT; l++) {
    char path[COMMON_DATADIR_PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s.ini", sdir,
             ui_lang_tag((enum ui_lang)l));
    struct ui_strings *s = NULL;
    struct ui_diag d;
    if (ui_strings_load(path, &s, &d) != UI_OK) {
      fprintf(stderr, "uishot: %s:%u: %s\n", path, d.line, d.text);
      return 1;
    }
    for (size_t i = 0; i < ui_sample_count(); i++) {
      struct ui_shot shot;
      char text[UI_SPEECH_TEXT_MAX];
      ui_sample_shot(i, &shot);
      shot.lang = (enum ui_lang)l;
      if (!ui_speech_phrase(s, &shot, text, sizeof text))
        continue; /* a staff screen says nothing */
      int16_t *pcm;
      size_t n;
      int rc = ui_speech_render(shot.lang, text, &pcm, &n);
      if (rc == UI_OK) {
        snprintf(path, sizeof path, "%s/%s.%s.wav", dir, ui_sample_name(i), ui_lang_tag(shot.lang));
        rc = ui_wav_write(path, pcm, n);
        free(pcm);
      }
      printf("%s %s (%.1f s)\n", rc == UI_OK ? "wrote" : "FAILED", path,
             rc == UI_OK ? (double)n / UI_TONE_RATE : 0.0);
      if (rc != UI_OK) {
        fprintf(stderr, "uishot: %s %s\n", ui_errname(rc), ui_speech_last_error());
        status = 1;
      }
    }
    ui_strings_destroy(s);
  }
  return status;
}

int main(int argc, char **argv)
{
  for (int i = 1; i < argc; i++) {
    if (common_cli_is_help(argv[i])) {
      fputs(help, stdout);
      return 0;
    }
    if (common_cli_is_version(argv[i]))
      return common_cli_version(stdout, "uishot", YH_VERSION, YH_VERSION_GIT);
  }
  if (argc < 2)
    return usage("expected --list, --all DIR, --both DIR, NAME OUT.png, --speech DIR, "
                 "--tones DIR or --pin-hash SALT PIN");
  if (strcmp(argv[1], "--list") == 0) {
    for (size_t i = 0; i < ui_sample_count(); i++)
      printf("%s\n", ui_sample_name(i));
    return 0;
  }
  if (strcmp(argv[1], "--pin-hash") == 0 && argc == 4) {
    char out[160];
    int rc = ui_pin_hash(argv[2], argv[3], out, sizeof out);
    if (rc != UI_OK) {
      fprintf(stderr, "uishot: %s\n", ui_strerror(rc));
      return 1;
    }
    printf("%s\n", out);
    return 0;
  }
  if (strcmp(argv[1], "--tones") == 0 && argc == 3) {
    for (int t = 0; t < UI_TONE_COUNT; t++) {
      char path[1024];
      snprintf(path, sizeof path, "%s/%s.wav", argv[2], ui_tone_name(t));
      if (ui_tone_write_wav((enum ui_tone)t, path) != UI_OK) {
        fprintf(stderr, "uishot: cannot write %s\n", path);
        return 1;
      }
      printf("%s\n", path);
    }
    return 0;
  }
  if (strcmp(argv[1], "--speech") == 0 && argc == 3)
    return speech_all(argv[2]);
  struct ui_canvas *c = NULL;
  int rc = ui_canvas_create(NULL, &c);
  if (rc != UI_OK) {
    fprintf(stderr, "uishot: %s\n", ui_strerror(rc));
    return 1;
  }
  int status = 0;
  int both = strcmp(argv[1], "--both") == 0;
  if ((both || strcmp(argv[1], "--all") == 0) && argc == 3) {
    for (size_t i = 0; i < ui_sample_count(); i++)
      for (int l = 0; l < (both ? UI_LANG_COUNT : 1); l++) {
        struct ui_shot shot;
        char path[1024];
        ui_sample_shot(i, &shot);
        if (both) {
          shot.lang = (enum ui_lang)l;
          snprintf(path, sizeof path, "%s/%s.%s.png", argv[2], ui_sample_name(i),
                   ui_lang_tag(shot.lang));
        } else {
          snprintf(path, sizeof path, "%s/%s.png", argv[2], ui_sample_name(i));
        }
        rc = ui_canvas_save_png(c, &shot, path);
        printf("%s %s (%.1f ms)\n", rc == UI_OK ? "wrote" : "FAILED", path,
               (double)ui_canvas_last_draw_ns(c) / 1e6);
        if (rc != UI_OK)
          status = 1;
      }
  } else if (argc >= 3) {
    size_t i = ui_sample_find(argv[1]);
    struct ui_shot shot;
    if (i == (size_t)-1) {
      status = usage("no sample screen '%s' (uishot --list names them)", argv[1]);
    } else {
      ui_sample_shot(i, &shot);
      if (argc >= 4 && strcmp(argv[3], "--en") == 0)
        shot.lang = UI_LANG_EN;
      rc = ui_canvas_save_png(c, &shot, argv[2]);
      if (rc != UI_OK) {
        fprintf(stderr, "uishot: %s\n", ui_strerror(rc));
        status = 1;
      }
    }
  } else {
    status = usage("%s: wrong arguments (expected --list, --all DIR, --both DIR, NAME OUT.png, "
                   "--speech DIR, --tones DIR or --pin-hash SALT PIN)", argv[1]);
  }
  ui_canvas_destroy(c);
  return status;
}
