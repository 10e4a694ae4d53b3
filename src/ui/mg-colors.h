/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "mg-annotation.h"

G_BEGIN_DECLS

const char *mg_color_get_highlight_label (MgColor color);
void        mg_color_get_highlight (MgColor  color,
                                    gboolean dark,
                                    GdkRGBA *rgba);
void        mg_color_get_strong (MgColor  color,
                                 gboolean dark,
                                 GdkRGBA *rgba);

G_END_DECLS
