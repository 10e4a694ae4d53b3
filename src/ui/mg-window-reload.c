/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-window"

#include "config.h"

#include "mg-window-private.h"

/*
 * A document changed on disk by another program (an editor saved it, a
 * sync tool brought a new version): the window watches the file it shows
 * and, when it changes, offers to reload it in a bar above the text.
 * Reload opens the file again in the same window, so that its highlights
 * are saved, loaded and anchored in the new text as on any opening; one
 * whose passage changed or went is marked so, never lost.
 */

static void
file_changed_cb (GFileMonitor     *monitor,
                 GFile            *file,
                 GFile            *other_file,
                 GFileMonitorEvent event,
                 MgWindow         *self)
{
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_RENAMED:
      /* Saved in place, or replaced by a new file of the same name. */
      if (g_file_query_exists (self->watched_file, NULL))
        {
          gtk_widget_set_visible (GTK_WIDGET (self->reload_bar), TRUE);
          gtk_revealer_set_reveal_child (self->reload_bar, TRUE);
        }
      break;

    default:
      break;
    }
}

/* Watches the file of the document now shown, if it is a local file. */
void
_mg_window_watch_document (MgWindow *self)
{
  g_autoptr (GError) error = NULL;
  const char *uri;

  if (self->document_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->document_monitor, self);
  g_clear_object (&self->document_monitor);
  g_clear_object (&self->watched_file);
  gtk_revealer_set_reveal_child (self->reload_bar, FALSE);

  uri = self->document != NULL ? mg_document_get_uri (self->document) : NULL;
  if (uri == NULL || !g_str_has_prefix (uri, "file:"))
    return;

  self->watched_file = g_file_new_for_uri (uri);
  self->document_monitor = g_file_monitor_file (self->watched_file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (self->document_monitor == NULL)
    {
      /* Not being told of changes is no reason to refuse the document. */
      g_debug ("Cannot watch %s: %s", uri, error->message);
      return;
    }
  g_signal_connect (self->document_monitor, "changed", G_CALLBACK (file_changed_cb), self);
}

void
_mg_window_unwatch_document (MgWindow *self)
{
  if (self->document_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->document_monitor, self);
      g_file_monitor_cancel (self->document_monitor);
    }
  g_clear_object (&self->document_monitor);
  g_clear_object (&self->watched_file);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);
  g_autoptr (GFile) file = NULL;

  if (self->watched_file == NULL)
    return;

  gtk_revealer_set_reveal_child (self->reload_bar, FALSE);
  file = g_object_ref (self->watched_file);
  mg_window_open_file (self, file);
}

static void
reload_dismiss_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  gtk_revealer_set_reveal_child (MG_WINDOW (widget)->reload_bar, FALSE);
}

void
_mg_window_class_reload_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.reload-dismiss", NULL, reload_dismiss_action);
}
