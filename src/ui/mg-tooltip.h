/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A tooltip of a widget built from a template: the widget's id in the
 * .ui file, and the text, marked with N_(). */
typedef struct
{
  const char *id;
  const char *text;
} MgTooltip;

void mg_tooltip_set (GtkWidget  *widget,
                     const char *text);
void mg_tooltip_class_bind (GtkWidgetClass  *widget_class,
                            const MgTooltip *tooltips,
                            gsize            n_tooltips);
void mg_tooltip_set_all (GtkWidget       *widget,
                         GType            widget_type,
                         const MgTooltip *tooltips,
                         gsize            n_tooltips);

G_END_DECLS
