/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-store-monitor"

#include "config.h"

#include "mg-store-monitor.h"
#include "mg-store-private.h"

/**
 * MgStoreMonitor:
 *
 * Tells the store when its file was changed on disk by someone else
 * (another instance, a synced folder): #MgStoreMonitor::changed, at most
 * once per rate limit for a file that keeps changing.
 *
 * Modelled on GNOME Text Editor's EditorBufferMonitor: the store pauses
 * it while it writes the file itself. An event that comes while paused is
 * not dropped, as it may be another writer's: it is told once when the
 * monitor is unpaused, and the store then reads the file and sees whether
 * it holds what was written.
 *
 * Only events that say a change is complete count: CHANGES_DONE_HINT,
 * CREATED (a rename over the file, which is how atomic saves end) and
 * DELETED. CHANGED comes while a writer is still writing.
 *
 * The folder is followed too, for the conflict copies of the file that
 * sync tools make beside it (mg-store-conflicts.c):
 * #MgStoreMonitor::conflict-copy when one appears or is complete.
 */

/* Events of a file that keeps changing come at most this often. */
#define RATE_LIMIT_MS 500

struct _MgStoreMonitor
{
  GObject parent_instance;

  GFile        *file;
  GFileMonitor *monitor;
  GFileMonitor *folder_monitor;
  char         *name;
  guint         pause_count;
  guint         changed_while_paused : 1;
};

G_DEFINE_FINAL_TYPE (MgStoreMonitor, mg_store_monitor, G_TYPE_OBJECT)

enum
{
  CHANGED,
  CONFLICT_COPY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_file_changed (GFileMonitor     *monitor,
                 GFile            *file,
                 GFile            *other_file,
                 GFileMonitorEvent event,
                 MgStoreMonitor   *self)
{
  switch (event)
    {
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_DELETED:
      if (self->pause_count > 0)
        self->changed_while_paused = TRUE;
      else
        g_signal_emit (self, signals[CHANGED], 0);
      break;

    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
    case G_FILE_MONITOR_EVENT_MOVED:
    case G_FILE_MONITOR_EVENT_RENAMED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
    default:
      break;
    }
}

static void
on_folder_changed (GFileMonitor     *monitor,
                   GFile            *file,
                   GFile            *other_file,
                   GFileMonitorEvent event,
                   MgStoreMonitor   *self)
{
  g_autofree char *name = NULL;

  if (event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT && event != G_FILE_MONITOR_EVENT_CREATED && event != G_FILE_MONITOR_EVENT_MOVED_IN && event != G_FILE_MONITOR_EVENT_RENAMED)
    return;

  /* A rename gives the new name as the other file. */
  name = g_file_get_basename (event == G_FILE_MONITOR_EVENT_RENAMED && other_file != NULL ? other_file : file);
  if (mg_store_conflict_copy_of (name, self->name))
    g_signal_emit (self, signals[CONFLICT_COPY], 0);
}

static void
mg_store_monitor_dispose (GObject *object)
{
  MgStoreMonitor *self = MG_STORE_MONITOR (object);

  mg_store_monitor_cancel (self);
  g_clear_object (&self->file);
  g_clear_pointer (&self->name, g_free);

  G_OBJECT_CLASS (mg_store_monitor_parent_class)->dispose (object);
}

static void
mg_store_monitor_class_init (MgStoreMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mg_store_monitor_dispose;

  /**
   * MgStoreMonitor::changed:
   *
   * The file was changed, created or removed by someone else (or by us
   * while paused).
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  /**
   * MgStoreMonitor::conflict-copy:
   *
   * A sync tool's conflict copy of the file appeared beside it.
   */
  signals[CONFLICT_COPY] = g_signal_new ("conflict-copy",
                                         G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
mg_store_monitor_init (MgStoreMonitor *self)
{
}

/**
 * mg_store_monitor_new:
 * @file: the file to follow
 *
 * Returns: (transfer full) (nullable): a new monitor, or %NULL when the
 *   file cannot be followed (a warning says why)
 */
MgStoreMonitor *
mg_store_monitor_new (GFile *file)
{
  g_autoptr (MgStoreMonitor) self = NULL;
  g_autoptr (GError) error = NULL;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (MG_TYPE_STORE_MONITOR, NULL);
  self->file = g_object_ref (file);
  self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->monitor == NULL)
    {
      g_warning ("Changes to %s by other programs will not be noticed: %s",
                 g_file_peek_path (file), error->message);
      return NULL;
    }

  g_file_monitor_set_rate_limit (self->monitor, RATE_LIMIT_MS);
  g_signal_connect_object (self->monitor, "changed", G_CALLBACK (on_file_changed), self, 0);

  /* Conflict copies come without a change to the file itself. */
  {
    g_autoptr (GFile) parent = g_file_get_parent (file);
    g_autoptr (GError) folder_error = NULL;

    self->name = g_file_get_basename (file);
    self->folder_monitor = g_file_monitor_directory (parent, G_FILE_MONITOR_WATCH_MOVES, NULL, &folder_error);
    if (self->folder_monitor == NULL)
      g_debug ("Conflict copies of %s will be noticed only at the next opening: %s",
               g_file_peek_path (file), folder_error->message);
    else
      g_signal_connect_object (self->folder_monitor, "changed", G_CALLBACK (on_folder_changed), self, 0);
  }

  return g_steal_pointer (&self);
}

GFile *
mg_store_monitor_get_file (MgStoreMonitor *self)
{
  g_return_val_if_fail (MG_IS_STORE_MONITOR (self), NULL);

  return self->file;
}

/* While we write the file ourselves. Pauses nest. */
void
mg_store_monitor_pause (MgStoreMonitor *self)
{
  g_return_if_fail (MG_IS_STORE_MONITOR (self));

  self->pause_count++;
}

void
mg_store_monitor_unpause (MgStoreMonitor *self)
{
  g_return_if_fail (MG_IS_STORE_MONITOR (self));
  g_return_if_fail (self->pause_count > 0);

  if (--self->pause_count > 0 || !self->changed_while_paused)
    return;

  self->changed_while_paused = FALSE;
  g_signal_emit (self, signals[CHANGED], 0);
}

/* No more events, ever. */
void
mg_store_monitor_cancel (MgStoreMonitor *self)
{
  g_return_if_fail (MG_IS_STORE_MONITOR (self));

  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  if (self->folder_monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->folder_monitor, self);
      g_file_monitor_cancel (self->folder_monitor);
      g_clear_object (&self->folder_monitor);
    }
}
