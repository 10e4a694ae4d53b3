/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mg-annotation.h"

G_BEGIN_DECLS

/* For the readers of an annotation's JSON shape and of the store's cache
 * (mg-annotation-json.c): an annotation from values they checked. */
MgAnnotation *mg_annotation_new_full (const char        *id,
                                      GDateTime         *created,
                                      GDateTime         *modified,
                                      MgColor            color,
                                      const char        *note,
                                      const char *const *tags,
                                      const char        *exact,
                                      const char        *prefix,
                                      const char        *suffix,
                                      guint              start,
                                      guint              end,
                                      const char        *previous_exact);
char        **mg_annotation_normalize_tags (const char *const *tags);

/* Times as the file holds them: UTC, whole milliseconds
 * (mg-annotation-json.c). */
GTimeZone *mg_annotation_utc_zone (void);
GDateTime *mg_annotation_truncate_time (GDateTime *datetime);
GDateTime *mg_annotation_now (void);

G_END_DECLS
