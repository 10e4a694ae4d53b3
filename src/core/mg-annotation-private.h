/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mg-annotation.h"

G_BEGIN_DECLS

/* For the store's cache: an annotation from the values another one held,
 * taken as they are (they were checked when that one was read). Times are
 * UTC microseconds since 1970. */
/* clang-format off */
MgAnnotation *mg_annotation_new_restored  (const char        *id,
                                           gint64             created_usec,
                                           gint64             modified_usec,
                                           MgColor            color,
                                           const char        *note,
                                           const char *const *tags,
                                           const char        *exact,
                                           const char        *prefix,
                                           const char        *suffix,
                                           guint              start,
                                           guint              end);
gint64        mg_annotation_time_to_usec  (GDateTime         *datetime);
/* clang-format on */

G_END_DECLS
