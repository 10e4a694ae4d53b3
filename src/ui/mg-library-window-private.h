/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The library window's parts shared by its files: mg-library-window.c
 * (the window, the list of documents, sorting, removing with undo),
 * mg-library-window-search.c (the search across all documents, the
 * colour and tag filters, the results), mg-library-window-detail.c (the
 * highlights of a document whose file is gone: read, copy, export,
 * Locate…), mg-library-row.c (a row of the list of documents) and
 * mg-library-window-open.c (opening a document, or a link, from it). */

#include "mg-color-selector.h"
#include "mg-library-window.h"

G_BEGIN_DECLS

struct _MgLibraryWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwLeaflet      *leaflet;
  GtkWidget       *library_page;
  GtkWidget       *detail_page;
  GtkStack        *stack;
  GtkSearchEntry  *search_entry;
  GtkListView     *document_view;
  GtkListBox      *results_list;
  GtkWidget       *filter_bar;
  MgColorSelector *color_selector;
  GtkMenuButton   *tag_button;
  GtkListBox      *tag_list;
  GtkWidget       *clear_filters_button;
  AdwStatusPage   *no_results_page;
  GtkLabel        *results_count_label;

  AdwWindowTitle *detail_title;
  GtkLabel       *detail_status_label;
  GtkWidget      *locate_button;
  GtkWidget      *detail_open_button;
  GtkListBox     *detail_list;
  AdwStatusPage  *detail_empty_page;
  GtkStack       *detail_stack;

  MgLibrary          *library;
  GtkSortListModel   *sorted;
  GtkSingleSelection *selection;
  GtkSorter          *sorter;
  char               *sort_key;
  GCancellable       *cancellable;

  /* Search: the query and filters, and the pending run. */
  guint    search_source;
  char    *tag_filter;
  gboolean tags_dirty;
  guint    n_results;

  /* The document shown on the detail page. */
  char *detail_id;

  /* Removed documents, by id, while their Undo toast is up. */
  GHashTable *removed;

  GdkFrameClock *paint_clock;
  gulong         after_paint_id;
  gboolean       painted;
  gboolean       updating;
  gboolean       updated;
  /* The document of a link, looked for again once the index is up to
   * date. */
  char *pending_link;
  char *last_toast;
};

/* mg-library-window.c */
void _mg_library_window_update_page (MgLibraryWindow *self);
void _mg_library_window_choose_file (MgLibraryWindow     *self,
                                     const char          *title,
                                     GtkFileChooserAction action,
                                     const char          *suggested_name,
                                     GCallback            callback);

/* mg-library-window-search.c */
void       _mg_library_window_class_search_init (GtkWidgetClass *widget_class);
void       _mg_library_window_search_init (MgLibraryWindow *self);
void       _mg_library_window_search_dispose (MgLibraryWindow *self);
gboolean   _mg_library_window_is_searching (MgLibraryWindow *self);
void       _mg_library_window_refresh_search (MgLibraryWindow *self);
void       _mg_library_window_update_tags (MgLibraryWindow *self);
GtkWidget *_mg_library_hit_row_new (MgLibraryHit *hit,
                                    gboolean      selectable);
void       _mg_library_color_mark_set (GtkWidget *mark,
                                       MgColor    color);

/* mg-library-window-detail.c */
void _mg_library_window_class_detail_init (GtkWidgetClass *widget_class);
void _mg_library_window_show_detail (MgLibraryWindow   *self,
                                     MgLibraryDocument *document);

/* mg-library-row.c */
#define MG_TYPE_LIBRARY_ROW (mg_library_row_get_type ())
G_DECLARE_FINAL_TYPE (MgLibraryRow, mg_library_row, MG, LIBRARY_ROW, GtkWidget)

GtkWidget         *mg_library_row_new (void);
void               mg_library_row_set_document (MgLibraryRow      *self,
                                                MgLibraryDocument *document);
MgLibraryDocument *mg_library_row_get_document (MgLibraryRow *self);
const char        *mg_library_row_get_location_text (MgLibraryRow *self);
const char        *mg_library_row_get_last_read_text (MgLibraryRow *self);
const char        *mg_library_row_get_count_text (MgLibraryRow *self);
char              *mg_library_format_progress (double progress);

G_END_DECLS
