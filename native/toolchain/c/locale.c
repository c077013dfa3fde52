/*
 * The default locale of a SubstrateVM image (LocaleCHelper), derived as the JDK's
 * java_props_md.c derives it on Linux: the process takes the locale of its environment
 * (setlocale(LC_ALL, "")), then LC_CTYPE gives the format locale and LC_MESSAGES the display
 * locale, each parsed from "language_COUNTRY.encoding@modifier". C and POSIX mean en_US, as in
 * the JDK. The modifier is kept only where it names a script or a known variant.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "svm_locale.h"

struct mapping {
  const char *from;
  const char *to;
};

/* Old ISO 639 codes and glibc's language names the JDK normalises. */
static const struct mapping LANGUAGES[] = {
    {"iw", "he"}, {"ji", "yi"}, {"in", "id"}, {"no", "nb"}, {"hebrew", "he"}, {"POSIX", "en"}, {"C", "en"}, {NULL, NULL}};
static const struct mapping COUNTRIES[] = {{"YU", "CS"}, {NULL, NULL}};
static const struct mapping SCRIPTS[] = {
    {"cyrillic", "Cyrl"}, {"latin", "Latn"}, {"devanagari", "Deva"}, {"iqtelif", "Latn"}, {NULL, NULL}};
static const struct mapping VARIANTS[] = {{"nynorsk", "NY"}, {"valencia", "VALENCIA"}, {NULL, NULL}};

static svm_locale_props_t props;

static const char *lookup(const struct mapping *table, const char *key) {
  for (; table->from != NULL; table++) {
    if (strcmp(table->from, key) == 0) {
      return table->to;
    }
  }
  return NULL;
}

/* Fills the four parts for one category; answers 0, or 1 when out of memory. */
static int parse(int category, char **language, char **script, char **country, char **variant) {
  const char *current = setlocale(category, NULL);
  if (current == NULL || strcmp(current, "C") == 0 || strcmp(current, "POSIX") == 0) {
    current = "en_US";
  }
  char *copy = strdup(current);
  if (copy == NULL) {
    return 1;
  }
  char *modifier = strchr(copy, '@');
  if (modifier != NULL) {
    *modifier++ = '\0';
  }
  char *encoding = strchr(copy, '.');
  if (encoding != NULL) {
    *encoding = '\0';
  }
  char *region = strchr(copy, '_');
  if (region != NULL) {
    *region++ = '\0';
  }

  const char *mapped = lookup(LANGUAGES, copy);
  *language = strdup(mapped != NULL ? mapped : (*copy ? copy : "en"));
  if (*language == NULL) {
    free(copy);
    return 1;
  }
  if (region != NULL && *region) {
    mapped = lookup(COUNTRIES, region);
    *country = strdup(mapped != NULL ? mapped : region);
    if (*country == NULL) {
      free(copy);
      return 1;
    }
  }
  if (modifier != NULL) {
    const char *s = lookup(SCRIPTS, modifier);
    const char *v = lookup(VARIANTS, modifier);
    if (s != NULL && (*script = strdup(s)) == NULL) {
      free(copy);
      return 1;
    }
    if (v != NULL && (*variant = strdup(v)) == NULL) {
      free(copy);
      return 1;
    }
  }
  free(copy);
  return 0;
}

int svm_initialize_locale(void) {
  setlocale(LC_ALL, "");
  if (parse(LC_CTYPE, &props.format_language, &props.format_script, &props.format_country, &props.format_variant) != 0 ||
      parse(LC_MESSAGES, &props.display_language, &props.display_script, &props.display_country, &props.display_variant) != 0) {
    return SVM_LOCALE_INITIALIZATION_OUT_OF_MEMORY;
  }
  return SVM_LOCALE_INITIALIZATION_SUCCEEDED;
}

svm_locale_props_t *svm_get_locale(void) {
  return &props;
}
