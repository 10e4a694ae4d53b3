/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-window-private.h"

/*
 * Open Recent in the main menu: the documents read in Marginalia, the
 * newest first, added when a document is opened from a file, and a line
 * that says there are none yet.
 */

/* Open Recent lists the documents read here, not the files exported or
 * imported through the file chooser (which the chooser also adds to the
 * recent files): a group marks the documents. */
#define RECENT_GROUP "marginalia-documents"

/* Listed in Open Recent here and in the desktop's recent files. */
void
_mg_window_add_recent_document (const char *uri)
{
  const char      *groups[] = { RECENT_GROUP, NULL };
  g_autofree char *type = g_content_type_guess (uri, NULL, 0, NULL);
  g_autofree char *mime = g_content_type_get_mime_type (type);
  GtkRecentData    data = {
       .mime_type = mime != NULL ? mime : (char *) "text/plain",
       .app_name = (char *) g_get_application_name (),
       .app_exec = (char *) "marginalia %u",
       .groups = (char **) groups,
  };

  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

/* The ten most recent documents, in the main menu, or a line that says
 * there are none yet. */
static void
update_recent_menu (MgWindow *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList            *items = gtk_recent_manager_get_items (manager);
  guint             n = 0;

  g_menu_remove_all (self->recent_menu);

  for (GList *l = items; l != NULL && n < 10; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      g_autoptr (GMenuItem) item = NULL;

      if (!gtk_recent_info_has_group (info, RECENT_GROUP))
        continue;
      if (!gtk_recent_info_is_local (info) || !gtk_recent_info_exists (info))
        continue;

      item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
      g_menu_item_set_action_and_target (item, "app.open-recent", "s", gtk_recent_info_get_uri (info));
      g_menu_append_item (self->recent_menu, item);
      n++;
    }

  /* An action no one has: the line is shown, and greyed out. */
  if (n == 0)
    g_menu_append (self->recent_menu, _ ("No Recent Documents"), "recent.none");

  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static gboolean
watch_recent_cb (gpointer user_data)
{
  MgWindow *self = user_data;

  self->recent_source = 0;
  self->recent_watched = TRUE;
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (update_recent_menu), self, G_CONNECT_SWAPPED);
  update_recent_menu (self);

  return G_SOURCE_REMOVE;
}

static void
watch_recent_after_paint_cb (GdkFrameClock *clock,
                             MgWindow      *self)
{
  g_signal_handlers_disconnect_by_func (clock, watch_recent_after_paint_cb, self);
  if (self->recent_source == 0 && !self->recent_watched)
    self->recent_source = g_idle_add (watch_recent_cb, self);
}

static void
watch_recent_when_mapped_cb (MgWindow *self)
{
  g_signal_handlers_disconnect_by_func (self, watch_recent_when_mapped_cb, NULL);
  g_signal_connect_object (gtk_widget_get_frame_clock (GTK_WIDGET (self)), "after-paint",
                           G_CALLBACK (watch_recent_after_paint_cb), self, 0);
}

/* The Open Recent submenu of the main menu, kept up to date. */
void
_mg_window_recent_init (MgWindow *self)
{
  g_autoptr (GMenuModel) first = g_menu_model_get_item_link (G_MENU_MODEL (self->primary_menu), 0,
                                                             G_MENU_LINK_SECTION);

  self->recent_menu = g_menu_new ();
  g_menu_insert_submenu (G_MENU (first), 1, _ ("Open _Recent"), G_MENU_MODEL (self->recent_menu));
  /* The recent files are read, and watched, after the window's first
   * frame, which does not show them. */
  g_signal_connect (self, "map", G_CALLBACK (watch_recent_when_mapped_cb), NULL);
}
