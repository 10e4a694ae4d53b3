/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void mg_accessible_repair (GtkWidget *root);
void mg_accessible_set_button_label (GtkButton  *button,
                                     const char *label);
void mg_accessible_label_inner_button (GtkWidget  *widget,
                                       const char *css_class,
                                       const char *label);

G_END_DECLS
