/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-accessible"

#include "config.h"

#include <string.h>

#include "mg-accessible.h"

/* The names a screen reader speaks for buttons, as GTK 4.8 should give
 * them. GTK 4.8 names a button with a label twice, once raw and once as
 * shown ("_Details Details": its label property keeps the mnemonic
 * underscore, and its labelled-by relation adds the label's text), a
 * check button with its underscore, and the button inside a drop-down or
 * a font button after its type ("GtkToggleButton"). Windows, popovers and
 * dialogs call mg_accessible_repair() once they are built; code that
 * changes a button's label later calls mg_accessible_set_button_label().
 * The names are the ones later GTK versions compute themselves, so this
 * changes nothing there. tests/test-accessibility.c walks every window,
 * popover and dialog for names a screen reader could not speak. */

/* "_Export…" as shown: "Export…" ("__" is a shown underscore). */
static char *
strip_mnemonic (const char *label,
                gboolean    use_underline)
{
  GString *text;

  if (!use_underline)
    return g_strdup (label);

  text = g_string_sized_new (strlen (label));
  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_')
        {
          if (p[1] != '_')
            continue;
          p++;
        }
      g_string_append_c (text, *p);
    }

  return g_string_free (text, FALSE);
}

static void
repair_widget (GtkWidget *widget)
{
  const char      *label = NULL;
  gboolean         use_underline = FALSE;
  g_autofree char *name = NULL;

  if (GTK_IS_BUTTON (widget))
    {
      label = gtk_button_get_label (GTK_BUTTON (widget));
      use_underline = gtk_button_get_use_underline (GTK_BUTTON (widget));
      /* An icon button's "label" is its icon name. */
      if (gtk_button_get_icon_name (GTK_BUTTON (widget)) != NULL)
        label = NULL;
    }
  else if (GTK_IS_CHECK_BUTTON (widget))
    {
      label = gtk_check_button_get_label (GTK_CHECK_BUTTON (widget));
      use_underline = gtk_check_button_get_use_underline (GTK_CHECK_BUTTON (widget));
    }

  if (label == NULL || *label == '\0')
    return;

  name = strip_mnemonic (label, use_underline);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  -1);
  if (GTK_IS_BUTTON (widget))
    gtk_accessible_reset_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

/**
 * mg_accessible_repair:
 * @root: a widget
 *
 * Gives each button and check button under @root (and @root itself) its
 * label as shown, once, as its accessible name.
 */
void
mg_accessible_repair (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  repair_widget (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    mg_accessible_repair (child);
}

/**
 * mg_accessible_set_button_label:
 * @button: a button
 * @label: its new label
 *
 * gtk_button_set_label(), with the accessible name repaired.
 */
void
mg_accessible_set_button_label (GtkButton  *button,
                                const char *label)
{
  g_return_if_fail (GTK_IS_BUTTON (button));

  gtk_button_set_label (button, label);
  repair_widget (GTK_WIDGET (button));
}

/* The first button under @widget, with @css_class if not %NULL. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *css_class)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gboolean   match = GTK_IS_BUTTON (child) && (css_class == NULL || gtk_widget_has_css_class (child, css_class));
      GtkWidget *found = match ? child : find_button (child, css_class);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/**
 * mg_accessible_label_inner_button:
 * @widget: a drop-down, a font button, a window
 * @css_class: (nullable): the style class of the button, or %NULL
 * @label: the name of what the button does
 *
 * Names the first button inside @widget (with @css_class), which GTK 4.8
 * and libadwaita 1.2 leave unnamed: the focusable button of a
 * #GtkDropDown or a #GtkFontButton, the search button of the shortcuts
 * window, the version button of the about window.
 */
void
mg_accessible_label_inner_button (GtkWidget  *widget,
                                  const char *css_class,
                                  const char *label)
{
  GtkWidget *button;

  g_return_if_fail (GTK_IS_WIDGET (widget));

  button = find_button (widget, css_class);
  g_return_if_fail (button != NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}
