/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mg-annotation-list.h"

G_BEGIN_DECLS

#define MG_TYPE_TAG (mg_tag_get_type ())
G_DECLARE_FINAL_TYPE (MgTag, mg_tag, MG, TAG, GObject)

#define MG_TYPE_TAG_LIST (mg_tag_list_get_type ())
G_DECLARE_FINAL_TYPE (MgTagList, mg_tag_list, MG, TAG_LIST, GObject)

const char *mg_tag_get_name (MgTag *self);
guint       mg_tag_get_count (MgTag *self);

MgTagList        *mg_tag_list_new (MgAnnotationList *annotations);
MgAnnotationList *mg_tag_list_get_annotations (MgTagList *self);
void              mg_tag_list_set_annotations (MgTagList        *self,
                                               MgAnnotationList *annotations);
MgTag            *mg_tag_list_lookup (MgTagList  *self,
                                      const char *name);
GStrv             mg_tag_list_dup_names (MgTagList *self);
int               mg_tag_list_compare_names (const char *a,
                                             const char *b);

G_END_DECLS
