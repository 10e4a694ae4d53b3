/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mg-annotation.h"

G_BEGIN_DECLS

#define MG_TYPE_ANNOTATION_LIST (mg_annotation_list_get_type ())
G_DECLARE_FINAL_TYPE (MgAnnotationList, mg_annotation_list, MG, ANNOTATION_LIST, GObject)

MgAnnotationList *mg_annotation_list_new (void);
void              mg_annotation_list_add (MgAnnotationList *self,
                                          MgAnnotation     *annotation);
void              mg_annotation_list_add_many (MgAnnotationList *self,
                                               GPtrArray        *annotations);
gboolean          mg_annotation_list_remove (MgAnnotationList *self,
                                             MgAnnotation     *annotation);
void              mg_annotation_list_remove_all (MgAnnotationList *self);
void              mg_annotation_list_update (MgAnnotationList *self,
                                             MgAnnotation     *annotation);
MgAnnotation     *mg_annotation_list_lookup (MgAnnotationList *self,
                                             const char       *id);
gboolean          mg_annotation_list_find (MgAnnotationList *self,
                                           MgAnnotation     *annotation,
                                           guint            *position);
GPtrArray        *mg_annotation_list_lookup_at_offset (MgAnnotationList *self,
                                                       guint             offset);
GPtrArray        *mg_annotation_list_lookup_range (MgAnnotationList *self,
                                                   guint             start,
                                                   guint             end);

G_END_DECLS
