/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MG_TYPE_WRAP_BIN (mg_wrap_bin_get_type ())
G_DECLARE_FINAL_TYPE (MgWrapBin, mg_wrap_bin, MG, WRAP_BIN, GtkWidget)

GtkWidget *mg_wrap_bin_new (GtkLabel *label);
GtkLabel  *mg_wrap_bin_get_label (MgWrapBin *self);
void       mg_wrap_bin_set_label (MgWrapBin *self,
                                  GtkLabel  *label);

G_END_DECLS
