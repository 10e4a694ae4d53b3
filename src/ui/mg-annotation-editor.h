/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "mg-annotation.h"

G_BEGIN_DECLS

#define MG_TYPE_ANNOTATION_EDITOR (mg_annotation_editor_get_type ())
G_DECLARE_FINAL_TYPE (MgAnnotationEditor, mg_annotation_editor, MG, ANNOTATION_EDITOR, GtkPopover)

GtkWidget    *mg_annotation_editor_new (void);
void          mg_annotation_editor_set_annotation (MgAnnotationEditor *self,
                                                   MgAnnotation       *annotation);
void          mg_annotation_editor_set_tags (MgAnnotationEditor *self,
                                             GListModel         *tags);
MgAnnotation *mg_annotation_editor_get_annotation (MgAnnotationEditor *self);
const char   *mg_annotation_editor_get_previous_text (MgAnnotationEditor *self);
void          mg_annotation_editor_focus_note (MgAnnotationEditor *self);
void          mg_annotation_editor_commit (MgAnnotationEditor *self);
void          mg_annotation_editor_set_note_text (MgAnnotationEditor *self,
                                                  const char         *note);
void          mg_annotation_editor_set_tags_text (MgAnnotationEditor *self,
                                                  const char         *tags);

char **mg_parse_tags (const char *text);

G_END_DECLS
