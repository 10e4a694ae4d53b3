/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the exporters share (mg-export.c): the annotations to export, in
 * document order, and where they are in the document. */

#include "mg-annotation.h"
#include "mg-document.h"
#include "mg-export.h"

G_BEGIN_DECLS

/* Every annotation exported, with what both exporters need of it. */
typedef struct
{
  MgAnnotation     *annotation;
  MgAnnotationState state;
  guint             start; /* the current range, or the stored one for orphans */
  guint             end;
  gint64            created;
  char             *block_id;
} MgExportItem;

typedef struct
{
  MgDocument            *document;
  const MgExportOptions *options;
  char                  *title; /* valid UTF-8, as are all the outputs */
  char                  *uri;
  GArray                *items; /* MgExportItem */
  const gunichar        *chars;
  gsize                  n_chars;
  guint                 *paragraphs; /* code-point offsets where paragraphs start */
  guint                  n_paragraphs;
} MgExport;

void        mg_export_init (MgExport              *self,
                            MgDocument            *document,
                            GListModel            *annotations,
                            const MgExportOptions *options);
void        mg_export_clear (MgExport *self);
gboolean    mg_export_has_note (const char *note);
char       *mg_export_document_slice (MgExport *self,
                                      guint     start,
                                      guint     end);
const char *mg_export_item_passage (MgExport           *self,
                                    const MgExportItem *item,
                                    char              **to_free);
guint       mg_export_paragraph_at (MgExport *self,
                                    guint     offset);

G_END_DECLS
