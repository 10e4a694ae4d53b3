/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mg-library.h"

G_BEGIN_DECLS

#define MG_TYPE_LIBRARY_WINDOW (mg_library_window_get_type ())
G_DECLARE_FINAL_TYPE (MgLibraryWindow, mg_library_window, MG, LIBRARY_WINDOW, AdwApplicationWindow)

MgLibraryWindow *mg_library_window_new (GtkApplication *application,
                                        MgLibrary      *library);
MgLibraryWindow *mg_library_window_present (GtkApplication *application);
MgLibrary       *mg_library_window_get_library (MgLibraryWindow *self);
void             mg_library_window_select_document (MgLibraryWindow *self,
                                                    const char      *id);
void             mg_library_window_show_toast (MgLibraryWindow *self,
                                               const char      *text);
void             mg_library_window_open_link (GtkApplication *application,
                                              const char     *uri);
void             mg_library_window_reveal_link (MgLibraryWindow *self,
                                                const char      *id);

/* How the library opens a document (mg-library-window-open.c). */
void mg_library_open_document (GtkApplication *application,
                               const char     *uri,
                               const char     *annotation_id);
void mg_library_follow_windows (GtkApplication *application);
void mg_library_close_document_windows (GtkApplication *application,
                                        const char     *uri);

/* What the window shows, for tests. */
const char *mg_library_window_get_page (MgLibraryWindow *self);
GListModel *mg_library_window_get_documents (MgLibraryWindow *self);
GtkWidget  *mg_library_window_get_document_view (MgLibraryWindow *self);
GtkWidget  *mg_library_window_get_search_entry (MgLibraryWindow *self);
GtkListBox *mg_library_window_get_results (MgLibraryWindow *self);
GtkListBox *mg_library_window_get_detail (MgLibraryWindow *self);
const char *mg_library_window_get_detail_id (MgLibraryWindow *self);
const char *mg_library_window_get_toast_text (MgLibraryWindow *self);
gboolean    mg_library_window_get_painted (MgLibraryWindow *self);

/* A test stands in for the file choosers (Locate…, Export…): it is given
 * the chooser's title and returns the file chosen, or %NULL to cancel. */
typedef GFile *(*MgLibraryChooseFunc) (const char *title,
                                       gpointer    user_data);
void mg_library_window_set_choose_func (MgLibraryChooseFunc func,
                                        gpointer            user_data);

G_END_DECLS
