/* SPDX-License-Identifier: GPL-3.0-or-later */

/* The Keyboard Shortcuts window (mg-shortcuts-window.ui), built the first
 * time it is asked for. GtkApplication would build one for every window
 * as the window is made (from the resource gtk/help-overlay.ui), some
 * 15 ms before the first frame of each window for a window that most
 * readers never open; hence the file's own name and this action. Once
 * built, it is the window's help overlay, as GTK's own would be. */

#define G_LOG_DOMAIN "mg-shortcuts"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-accessible.h"
#include "mg-shortcuts.h"

static void
show_help_overlay (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  GtkApplicationWindow *window = user_data;
  GtkShortcutsWindow   *shortcuts = gtk_application_window_get_help_overlay (window);

  if (shortcuts == NULL)
    {
      g_autoptr (GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_PREFIX "/mg-shortcuts-window.ui");

      shortcuts = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
      /* Takes the window, and replaces this action by GTK's own, which
       * presents it. */
      gtk_application_window_set_help_overlay (window, shortcuts);
      /* Its search button. */
      mg_accessible_label_inner_button (gtk_window_get_titlebar (GTK_WINDOW (shortcuts)), NULL, _ ("Search Shortcuts"));
    }

  gtk_window_present (GTK_WINDOW (shortcuts));
}

/**
 * mg_shortcuts_install:
 * @window: a window whose menu has Keyboard Shortcuts
 *
 * Adds the action win.show-help-overlay to @window, which builds the
 * shortcuts window when first activated.
 */
void
mg_shortcuts_install (GtkApplicationWindow *window)
{
  const GActionEntry entries[] = {
    { "show-help-overlay", show_help_overlay },
  };

  g_return_if_fail (GTK_IS_APPLICATION_WINDOW (window));

  g_action_map_add_action_entries (G_ACTION_MAP (window), entries, G_N_ELEMENTS (entries), window);
}
