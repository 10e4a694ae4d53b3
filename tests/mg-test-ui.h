/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mg-application.h"

G_BEGIN_DECLS

MgApplication *mg_test_ui_init (int        *argc,
                                char     ***argv,
                                const char *name);
int            mg_test_ui_run (MgApplication *app);
gboolean       mg_test_window_gone (gpointer window);
void           mg_test_close_window (GtkWindow *window);
gboolean       mg_test_click_with_pointer (GtkWidget *widget);
void           mg_test_wait_frames (GtkWidget *widget,
                                    guint      n);

G_END_DECLS
