/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "mg-annotation.h"

G_BEGIN_DECLS

#define MG_TYPE_COLOR_SELECTOR (mg_color_selector_get_type ())
G_DECLARE_FINAL_TYPE (MgColorSelector, mg_color_selector, MG, COLOR_SELECTOR, GtkWidget)

/* A set of colours is a mask of these bits. */
#define MG_COLOR_BIT(color) (1u << (color))

GtkWidget  *mg_color_selector_new (const char *action_name);
const char *mg_color_selector_get_action_name (MgColorSelector *self);
void        mg_color_selector_set_action_name (MgColorSelector *self,
                                               const char      *action_name);
guint       mg_color_selector_get_selection (MgColorSelector *self);
void        mg_color_selector_set_selection (MgColorSelector *self,
                                             guint            colors);
GtkWidget  *mg_color_selector_get_button (MgColorSelector *self,
                                          MgColor          color);

G_END_DECLS
