/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mg-annotation.h"
#include "mg-json-writer.h"

G_BEGIN_DECLS

/* The W3C export's mark on the target of an annotation whose passage is
 * not in this version of the document (an orphan): a member in
 * Marginalia's own namespace, which other tools ignore and our importer
 * reads (mg-import.c). Such a target has no position selector. */
#define MG_ANNOTATION_JSON_STATE_MEMBER "marginalia:state"
#define MG_ANNOTATION_JSON_STATE_ORPHANED "orphaned"

/* What the W3C export writes of an annotation beyond the store's shape:
 * where it was found now, and how it looks. */
typedef struct
{
  const char *source;     /* the document's URI */
  const char *stylesheet; /* CSS for the colour's class */
  const char *exact;      /* the target as exported */
  const char *prefix;
  const char *suffix;
  guint       start;
  guint       end;
  gboolean    with_note; /* whether the note says anything */
  gboolean    not_found; /* an orphan: no position, and the state mark */
} MgAnnotationJsonW3c;

void       mg_annotation_json_write (MgJsonWriter              *w,
                                     MgAnnotation              *annotation,
                                     const char                *created,
                                     const char                *modified,
                                     const MgAnnotationJsonW3c *w3c);
char      *mg_annotation_json_compact_text (MgAnnotation *annotation,
                                            gboolean     *clean);
void       mg_annotation_json_write_tombstone (MgJsonWriter *w,
                                               const char   *id,
                                               const char   *when);
JsonNode  *mg_annotation_json_tombstone_new (const char *id,
                                             const char *when);
GDateTime *mg_annotation_json_get_modified (JsonNode *node);

MgAnnotation *mg_annotation_json_restore (const char        *id,
                                          gint64             created_usec,
                                          gint64             modified_usec,
                                          guint              color,
                                          const char        *note,
                                          const char *const *tags,
                                          const char        *exact,
                                          const char        *prefix,
                                          const char        *suffix,
                                          guint              start,
                                          guint              end,
                                          const char        *previous_exact);
gboolean      mg_annotation_json_reads_back (MgAnnotation *annotation);
gint64        mg_annotation_json_time_to_usec (GDateTime *datetime);

G_END_DECLS
