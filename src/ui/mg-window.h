/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "mg-annotation-list.h"
#include "mg-document.h"

G_BEGIN_DECLS

/* clang-format off */

#define MG_TYPE_WINDOW (mg_window_get_type ())
G_DECLARE_FINAL_TYPE (MgWindow, mg_window, MG, WINDOW, AdwApplicationWindow)

MgWindow         *mg_window_new               (GtkApplication *application);
void              mg_window_open_file         (MgWindow       *self,
                                               GFile          *file);
void              mg_window_open_bundled      (MgWindow       *self);
void              mg_window_set_document      (MgWindow       *self,
                                               MgDocument     *document);
MgDocument       *mg_window_get_document      (MgWindow       *self);
MgAnnotationList *mg_window_get_annotations   (MgWindow       *self);
GtkTextView      *mg_window_get_text_view     (MgWindow       *self);
GtkWidget        *mg_window_get_sidebar       (MgWindow       *self);
GtkWidget        *mg_window_get_editor        (MgWindow       *self);
GtkWidget        *mg_window_get_contents      (MgWindow       *self);
const char       *mg_window_get_page          (MgWindow       *self);
const char       *mg_window_get_error_message (MgWindow       *self);
const char       *mg_window_get_banner_text   (MgWindow       *self);
gboolean          mg_window_flush             (MgWindow       *self,
                                               GError        **error);
gboolean          mg_window_import_bytes      (MgWindow       *self,
                                               GBytes         *bytes,
                                               GError        **error);
/* clang-format on */

G_END_DECLS
