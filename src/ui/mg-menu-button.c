/* SPDX-License-Identifier: GPL-3.0-or-later */

/* Menus built when first opened. A GtkMenuButton given its menu model
 * builds the whole popover at once (a button, a label and an image for
 * each item): for the main menu, some forty widgets made before the
 * window's first frame, for a menu that is opened later if at all. */

#define G_LOG_DOMAIN "mg-menu-button"

#include "config.h"

#include "mg-menu-button.h"

static void
create_popup (GtkMenuButton *button,
              gpointer       user_data)
{
  GMenuModel *model = user_data;

  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, model);
}

/**
 * mg_menu_button_set_model_on_demand:
 * @button: a menu button without a popover
 * @model: the menu it opens
 *
 * Makes @button open @model, whose popover is built the first time the
 * button opens it (by a click, a key or its action).
 */
void
mg_menu_button_set_model_on_demand (GtkMenuButton *button,
                                    GMenuModel    *model)
{
  g_return_if_fail (GTK_IS_MENU_BUTTON (button));
  g_return_if_fail (G_IS_MENU_MODEL (model));

  gtk_menu_button_set_create_popup_func (button, create_popup, g_object_ref (model), g_object_unref);
}
