/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The sidebar's parts shared by its two files: mg-sidebar.c (the lists,
 * their rows and selection, the pages) and mg-sidebar-filter.c (search,
 * colour and tag filters). */

#include "mg-sidebar.h"
#include "mg-tag-list.h"

G_BEGIN_DECLS

struct _MgSidebar
{
  GtkWidget parent_instance;

  /* Template widgets */
  GtkWidget       *main_box;
  GtkRevealer     *switcher_revealer;
  GtkToggleButton *highlights_toggle;
  GtkToggleButton *orphans_toggle;
  GtkWidget       *toolbar;
  GtkSearchEntry  *search_entry;
  MgColorSelector *color_selector;
  GtkDropDown     *tag_dropdown;
  GtkLabel        *count_label;
  GtkLabel        *unreadable_label;
  GtkWidget       *clear_button;
  GtkMenuButton   *sort_button;
  GMenuModel      *sort_menu;
  GtkStack        *stack;
  GtkListView     *list_view;
  GtkListView     *orphan_view;

  MgAnnotationList *annotations;
  gulong            items_changed_handler;

  GtkFilter          *anchored_filter;
  GtkFilter          *orphan_filter;
  GtkFilter          *match_filter;
  GtkSorter          *date_sorter;
  GtkFilterListModel *anchored_model;
  GtkFilterListModel *visible_model;
  GtkSortListModel   *sorted_model;
  GtkSingleSelection *selection;
  GtkFilterListModel *orphan_model;
  GtkFilterListModel *visible_orphan_model;
  GtkSortListModel   *sorted_orphan_model;
  GtkSingleSelection *orphan_selection;
  MgTagList          *tags;
  GtkStringList      *tag_model; /* "All Tags", then the tags */

  GSettings  *settings;
  GHashTable *bound_rows; /* MgAnnotationRow*, unowned */

  char *search_text;
  GStrv search_words; /* folded; NULL when not searching */
  guint color_filter;
  guint n_unreadable;
  char *tag_filter;
  char *sort_order;

  guint date_timeout_id;
  guint tags_idle_id;
  guint scroll_idle_id;
  guint scroll_pending : 1;
  guint filtered : 1;
  guint updating_tags : 1;
};

static inline guint
_mg_sidebar_n_items (gpointer model)
{
  return g_list_model_get_n_items (G_LIST_MODEL (model));
}

void _mg_sidebar_update_view (MgSidebar *self);
void _mg_sidebar_rebuild_tags (MgSidebar *self);
void _mg_sidebar_forget_haystack (MgAnnotation *annotation);
void _mg_sidebar_class_filter_init (GtkWidgetClass *widget_class);
void _mg_sidebar_filter_init (MgSidebar *self);

G_END_DECLS
