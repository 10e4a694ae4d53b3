/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "mg-document.h"

G_BEGIN_DECLS

#define MG_TYPE_CONTENTS_ROW (mg_contents_row_get_type ())
G_DECLARE_FINAL_TYPE (MgContentsRow, mg_contents_row, MG, CONTENTS_ROW, GtkListBoxRow)

GtkWidget *mg_contents_row_new (const MgHeading *heading);
guint      mg_contents_row_get_offset (MgContentsRow *self);

G_END_DECLS
