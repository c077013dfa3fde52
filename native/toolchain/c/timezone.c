/*
 * The default time zone's ID, as the JDK's TimeZone_md.c finds it on Linux (SubstrateVM calls
 * it SVM_FindJavaTZmd): TZ first (a leading ':' stripped, a path under the zoneinfo directory
 * turned into its ID), then /etc/timezone, then the zone /etc/localtime links to. NULL when
 * none says, and Java falls back to the GMT offset. Lambda sets TZ=:UTC.
 * The answer is malloc'ed: the caller frees it.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char ZONEINFO_DIR[] = "/usr/share/zoneinfo/";

static char *zone_from_path(const char *path) {
  const char *marker = strstr(path, "zoneinfo/");
  if (marker != NULL) {
    marker += strlen("zoneinfo/");
    /* Debian's posix/ and right/ trees name the same zones. */
    if (strncmp(marker, "posix/", 6) == 0) {
      marker += 6;
    } else if (strncmp(marker, "right/", 6) == 0) {
      marker += 6;
    }
    return *marker ? strdup(marker) : NULL;
  }
  return NULL;
}

static char *trimmed(char *line) {
  size_t n = strlen(line);
  while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t')) {
    line[--n] = '\0';
  }
  while (*line == ' ' || *line == '\t') {
    line++;
  }
  return line;
}

char *SVM_FindJavaTZmd(const char *tzmappings, int length) {
  (void)tzmappings; /* Windows only */
  (void)length;
  const char *tz = getenv("TZ");
  if (tz != NULL && *tz != '\0') {
    if (*tz == ':') {
      tz++;
    }
    if (strncmp(tz, ZONEINFO_DIR, sizeof(ZONEINFO_DIR) - 1) == 0) {
      return strdup(tz + sizeof(ZONEINFO_DIR) - 1);
    }
    if (*tz == '/') {
      char *zone = zone_from_path(tz);
      return zone != NULL ? zone : NULL;
    }
    return *tz ? strdup(tz) : NULL;
  }

  FILE *file = fopen("/etc/timezone", "r");
  if (file != NULL) {
    char line[256];
    char *zone = NULL;
    if (fgets(line, sizeof(line), file) != NULL) {
      char *value = trimmed(line);
      if (*value) {
        zone = strdup(value);
      }
    }
    fclose(file);
    if (zone != NULL) {
      return zone;
    }
  }

  char target[PATH_MAX];
  ssize_t n = readlink("/etc/localtime", target, sizeof(target) - 1);
  if (n > 0) {
    target[n] = '\0';
    return zone_from_path(target);
  }
  return NULL;
}
