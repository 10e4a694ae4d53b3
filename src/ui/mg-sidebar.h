/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "mg-annotation-list.h"
#include "mg-annotation-row.h"
#include "mg-color-selector.h"

G_BEGIN_DECLS

#define MG_TYPE_SIDEBAR (mg_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (MgSidebar, mg_sidebar, MG, SIDEBAR, GtkWidget)

/* A colour filter is a mask of these bits; 0 shows every colour. */
#define MG_SIDEBAR_COLOR_BIT(color) MG_COLOR_BIT (color)

MgSidebar        *mg_sidebar_new (void);
MgAnnotationList *mg_sidebar_get_annotations (MgSidebar *self);
void              mg_sidebar_set_annotations (MgSidebar        *self,
                                              MgAnnotationList *annotations);

MgAnnotation *mg_sidebar_get_selected (MgSidebar *self);
void          mg_sidebar_select (MgSidebar    *self,
                                 MgAnnotation *annotation);
void          mg_sidebar_focus_search (MgSidebar *self);

/* The filters, also for an exporter that exports what the sidebar shows.
 * Orphans are on their own page but obey the same filters. */
gboolean    mg_sidebar_annotation_matches (MgSidebar    *self,
                                           MgAnnotation *annotation);
gboolean    mg_sidebar_get_filtered (MgSidebar *self);
void        mg_sidebar_clear_filters (MgSidebar *self);
const char *mg_sidebar_get_search_text (MgSidebar *self);
void        mg_sidebar_set_search_text (MgSidebar  *self,
                                        const char *text);
guint       mg_sidebar_get_color_filter (MgSidebar *self);
void        mg_sidebar_set_color_filter (MgSidebar *self,
                                         guint      colors);
const char *mg_sidebar_get_tag_filter (MgSidebar *self);
void        mg_sidebar_set_tag_filter (MgSidebar  *self,
                                       const char *tag);
const char *mg_sidebar_get_sort_order (MgSidebar *self);
void        mg_sidebar_set_sort_order (MgSidebar  *self,
                                       const char *sort_order);

/* What the sidebar shows, for the window and for tests. */
const char      *mg_sidebar_get_page (MgSidebar *self);
void             mg_sidebar_set_page (MgSidebar  *self,
                                      const char *page);
const char      *mg_sidebar_get_view (MgSidebar *self);
GListModel      *mg_sidebar_get_visible_model (MgSidebar *self);
const char      *mg_sidebar_get_count_text (MgSidebar *self);
guint            mg_sidebar_get_n_orphans (MgSidebar *self);
GStrv            mg_sidebar_dup_tags (MgSidebar *self);
void             mg_sidebar_set_n_unreadable (MgSidebar *self,
                                              guint      n_unreadable);
const char      *mg_sidebar_get_unreadable_text (MgSidebar *self);
MgAnnotationRow *mg_sidebar_find_row (MgSidebar    *self,
                                      MgAnnotation *annotation);

G_END_DECLS
