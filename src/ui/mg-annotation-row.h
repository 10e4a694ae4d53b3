/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "mg-annotation.h"

G_BEGIN_DECLS

#define MG_TYPE_ANNOTATION_ROW (mg_annotation_row_get_type ())
G_DECLARE_FINAL_TYPE (MgAnnotationRow, mg_annotation_row, MG, ANNOTATION_ROW, GtkWidget)

GtkWidget    *mg_annotation_row_new (void);
MgAnnotation *mg_annotation_row_get_annotation (MgAnnotationRow *self);
void          mg_annotation_row_set_annotation (MgAnnotationRow *self,
                                                MgAnnotation    *annotation);
void          mg_annotation_row_update_date (MgAnnotationRow *self,
                                             GDateTime       *now);

/* What the row shows, for tests. */
const char *mg_annotation_row_get_quote_text (MgAnnotationRow *self);
const char *mg_annotation_row_get_note_text (MgAnnotationRow *self);
const char *mg_annotation_row_get_note_markup (MgAnnotationRow *self);
const char *mg_annotation_row_get_tags_text (MgAnnotationRow *self);
const char *mg_annotation_row_get_date_text (MgAnnotationRow *self);
char       *mg_annotation_row_dup_date_tooltip (MgAnnotationRow *self);
gboolean    mg_annotation_row_get_shows_moved (MgAnnotationRow *self);
char       *mg_annotation_row_dup_changed_tooltip (MgAnnotationRow *self);

char *mg_format_relative_date (GDateTime *datetime,
                               GDateTime *now);

G_END_DECLS
