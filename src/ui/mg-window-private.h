/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The window's parts shared by its files, as GNOME Text Editor splits its
 * window: mg-window.c (the document and its annotations' store, from open
 * to close), mg-window-actions.c (what the user does: highlight, note,
 * delete and undo, find, zoom), mg-window-export.c (export, copy and
 * import). Tests include this header for the accessors below. */

#include "mg-annotation-editor.h"
#include "mg-document-loader.h"
#include "mg-find-bar.h"
#include "mg-frame-idle.h"
#include "mg-reader-view.h"
#include "mg-sidebar.h"
#include "mg-store.h"
#include "mg-tag-list.h"
#include "mg-window.h"

G_BEGIN_DECLS

struct _MgWindow
{
  AdwApplicationWindow parent_instance;

  AdwHeaderBar      *header_bar;
  AdwWindowTitle    *window_title;
  AdwToastOverlay   *toast_overlay;
  GtkStack          *stack;
  GtkSpinner        *spinner;
  GtkScrolledWindow *scroller;
  MgReaderView      *reader;
  AdwStatusPage     *error_page;
  GtkWidget         *error_open_button;
  AdwFlap           *flap;
  MgSidebar         *sidebar;
  GtkBox            *document_box;
  /* The find bar and the selection popover are built when first asked
   * for (_mg_window_ensure_*()), not before the window's first frame. */
  MgFindBar          *find_bar;
  GtkMenuButton      *contents_button;
  GtkPopover         *contents_popover;
  GtkListBox         *contents_list;
  AdwClampScrollable *clamp;
  GtkToggleButton    *sidebar_button;
  GtkMenuButton      *primary_menu_button;
  GtkRevealer        *banner;
  GtkRevealer        *reload_bar;
  GtkLabel           *banner_label;
  GtkPopover         *selection_popover;
  MgAnnotationEditor *editor;

  GSettings        *settings;
  GCancellable     *cancellable;
  MgDocument       *document;
  MgAnnotationList *annotations;
  MgTagList        *tags;
  MgStore          *store;
  MgFrameIdle       load_idle;
  MgFrameIdle       show_idle;
  guint             show_source;
  char             *error_message;
  char             *banner_details;
  char             *last_toast;
  GFile            *watched_file;
  GFileMonitor     *document_monitor;
  gboolean          watch_pending;
  gboolean          first_screen_shown;   /* the document follows its first screen */
  MgFirstScreen    *pending_first_screen; /* of the file being read, until it is */
  MgColor           color;
  gboolean          show_sidebar;
  gboolean          close_confirmed;
  GError           *save_error;

  /* Copies of deleted annotations while their Undo toast is up. */
  GHashTable *deleted;
  GMenu      *recent_menu;
  guint       recent_source;
  gboolean    recent_watched;
  GMenu      *primary_menu;
};

void                _mg_window_show_toast (MgWindow   *self,
                                           const char *title);
void                _mg_window_show_error (MgWindow     *self,
                                           GFile        *file,
                                           const GError *error);
void                _mg_window_show_banner (MgWindow   *self,
                                            const char *text,
                                            const char *details);
void                _mg_window_update_actions (MgWindow *self);
MgAnnotationEditor *_mg_window_ensure_editor (MgWindow *self);
MgFindBar          *_mg_window_ensure_find_bar (MgWindow *self);
GtkPopover         *_mg_window_ensure_selection_popover (MgWindow *self);
MgAnnotation       *_mg_window_lookup_parameter (MgWindow *self,
                                                 GVariant *parameter);
void                _mg_window_set_color (MgWindow *self,
                                          MgColor   color);
void                _mg_window_class_actions_init (GtkWidgetClass *widget_class);
void                _mg_window_actions_init (MgWindow *self);
void                _mg_window_class_export_init (GtkWidgetClass *widget_class);
void                _mg_window_ask_unsaved (MgWindow     *self,
                                            const GError *error);
void                _mg_window_close_discarding (MgWindow *self);
void                _mg_window_class_reload_init (GtkWidgetClass *widget_class);
void                _mg_window_recent_init (MgWindow *self);
void                _mg_window_add_recent_document (const char *uri);
void                _mg_window_watch_document (MgWindow *self);
void                _mg_window_unwatch_document (MgWindow *self);

/* For tests: the parts of the window, and what it shows. */
GtkTextView *mg_window_get_text_view (MgWindow *self);
GtkWidget   *mg_window_get_sidebar (MgWindow *self);
GtkWidget   *mg_window_get_editor (MgWindow *self);
GtkWidget   *mg_window_get_contents (MgWindow *self);
GtkWidget   *mg_window_get_error_open_button (MgWindow *self);
const char  *mg_window_get_page (MgWindow *self);
const char  *mg_window_get_error_message (MgWindow *self);
const char  *mg_window_get_banner_text (MgWindow *self);
const char  *mg_window_get_toast_text (MgWindow *self);
gboolean     mg_window_flush (MgWindow *self,
                              GError  **error);
gboolean     mg_window_import_bytes (MgWindow *self,
                                     GBytes   *bytes,
                                     GError  **error);

G_END_DECLS
