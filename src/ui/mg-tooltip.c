/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-tooltip"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-tooltip.h"

/* Tooltips without a question to the display.
 *
 * GTK 4.8 asks the display where the pointer is each time a visible
 * widget is given a tooltip (gtk_widget_set_tooltip_text() calls
 * gtk_widget_trigger_tooltip_query()), so as to show the new text at
 * once if the pointer is over the widget. On X11 that is three round
 * trips to the server. With its tooltips in the .ui files, a new window
 * asked 34 times before it was shown, when no pointer can be over any of
 * its widgets: about 12 ms of a launch under Xvfb while another client
 * reads the screen, as ../shared/bench/side-by-side does. GTK asks
 * nothing of a hidden widget, so a widget not on screen gets its tooltip
 * while it is hidden for the moment. The windows' tooltips are set here
 * rather than in their .ui files for that reason (tests/test-window.c,
 * /window/built-without-pointer-queries). */

/**
 * mg_tooltip_set:
 * @widget: a widget
 * @text: (nullable): its tooltip, or %NULL for none
 *
 * Sets @widget's tooltip as gtk_widget_set_tooltip_text() does, without
 * a round trip to the display when @widget is not on screen.
 */
void
mg_tooltip_set (GtkWidget  *widget,
                const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  /* Only a widget on screen can be under the pointer. */
  if (gtk_widget_get_mapped (widget) || !gtk_widget_get_visible (widget))
    {
      gtk_widget_set_tooltip_text (widget, text);
      return;
    }

  gtk_widget_set_visible (widget, FALSE);
  gtk_widget_set_tooltip_text (widget, text);
  gtk_widget_set_visible (widget, TRUE);
}

/**
 * mg_tooltip_class_bind:
 * @widget_class: a widget class with a template
 * @tooltips: (array length=n_tooltips): the tooltips of widgets of its
 *   template, by id; no id may be bound otherwise
 * @n_tooltips: their number
 *
 * Makes the widgets of @tooltips known to mg_tooltip_set_all(), which the
 * class's init function calls after gtk_widget_init_template().
 */
void
mg_tooltip_class_bind (GtkWidgetClass  *widget_class,
                       const MgTooltip *tooltips,
                       gsize            n_tooltips)
{
  for (gsize i = 0; i < n_tooltips; i++)
    gtk_widget_class_bind_template_child_full (widget_class, tooltips[i].id, FALSE, 0);
}

/**
 * mg_tooltip_set_all:
 * @widget: a widget whose template was just built
 * @widget_type: the class that has the template and bound @tooltips
 * @tooltips: (array length=n_tooltips): as given to mg_tooltip_class_bind()
 * @n_tooltips: their number
 *
 * Gives the widgets of @widget's template their translated tooltips.
 */
void
mg_tooltip_set_all (GtkWidget       *widget,
                    GType            widget_type,
                    const MgTooltip *tooltips,
                    gsize            n_tooltips)
{
  for (gsize i = 0; i < n_tooltips; i++)
    {
      GObject *child = gtk_widget_get_template_child (widget, widget_type, tooltips[i].id);

      g_return_if_fail (GTK_IS_WIDGET (child));
      mg_tooltip_set (GTK_WIDGET (child), _ (tooltips[i].text));
    }
}
