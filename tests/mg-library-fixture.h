/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Annotation folders for the library's tests and benchmarks: store files
 * written with the store's own writer, one document at a time or a whole
 * generated library (1,000 documents of 100 annotations for the bench). */

#include "mg-annotation.h"

G_BEGIN_DECLS

MgAnnotation *mg_library_fixture_annotation (const char *quote,
                                             const char *note,
                                             const char *tags,
                                             MgColor     color);
char         *mg_library_fixture_write (const char *folder,
                                        const char *title,
                                        const char *uri,
                                        const char *sha256,
                                        GPtrArray  *annotations);
char         *mg_library_fixture_write_one (const char *folder,
                                            const char *title,
                                            const char *uri,
                                            const char *quote,
                                            const char *note,
                                            const char *tags,
                                            MgColor     color);
void          mg_library_fixture_generate (const char *folder,
                                           guint       n_documents,
                                           guint       n_annotations,
                                           guint32     seed);

G_END_DECLS
