/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mg-open-link-dialog.h"
#include "mg-window.h"

G_BEGIN_DECLS

void              mg_window_open_url (MgWindow   *self,
                                      const char *url);
void              mg_window_open_location (MgWindow *self,
                                           GFile    *file);
MgOpenLinkDialog *mg_window_get_open_link_dialog (MgWindow *self);

/* For mg-window.c and mg-window-actions.c. */
void _mg_window_class_open_link_init (GtkWidgetClass *widget_class);
void _mg_window_open_link_init (MgWindow *self);
void _mg_window_update_open_link_actions (MgWindow *self);

G_END_DECLS
