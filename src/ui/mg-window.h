/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mg-annotation-list.h"
#include "mg-document.h"

G_BEGIN_DECLS

#define MG_TYPE_WINDOW (mg_window_get_type ())
G_DECLARE_FINAL_TYPE (MgWindow, mg_window, MG, WINDOW, AdwApplicationWindow)

MgWindow         *mg_window_new (GtkApplication *application);
void              mg_window_open_file (MgWindow *self,
                                       GFile    *file);
void              mg_window_show_first_screen_now (MgWindow *self,
                                                   gint64    timeout_usec);
void              mg_window_open_bundled (MgWindow *self);
void              mg_window_open_marginalia_uri (MgWindow   *self,
                                                 const char *uri);
void              mg_window_set_document (MgWindow   *self,
                                          MgDocument *document);
MgDocument       *mg_window_get_document (MgWindow *self);
MgAnnotationList *mg_window_get_annotations (MgWindow *self);

G_END_DECLS
