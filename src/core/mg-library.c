/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-library"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "mg-document-loader.h"
#include "mg-document.h"
#include "mg-library-private.h"
#include "mg-reading-positions.h"
#include "mg-store.h"

/**
 * MgLibrary:
 *
 * Every document that has annotations or was opened, kept in a live
 * #GListModel of #MgLibraryDocument, and a search across all their
 * annotations. See mg-library.h for what it lists and how it is sorted,
 * mg-library-index.c for the index it reads from.
 *
 * The list is filled from the index after each update (on the main
 * thread): the rows of the index's files, with where the document is on
 * this machine (the id table, mg-document-ids.c), when it was last read
 * and how far (mg-reading-positions.c), and the documents that were
 * opened without annotations (a reading position and no file).
 *
 * Live (mg_library_set_live()): the annotations folder is watched, and a
 * change (a save, another program, a sync tool) updates the index and the
 * list MG_LIBRARY_UPDATE_DELAY_MS later, once at a time.
 */

#define MG_LIBRARY_UPDATE_DELAY_MS 300
#define REMOVED_FOLDER "removed"
/* A file removed from the library this long ago can no longer be
 * restored (its toast is long gone): it goes to the trash. */
#define REMOVED_KEEP_US ((gint64) G_USEC_PER_SEC * 60 * 60)

struct _MgLibrary
{
  GObject parent_instance;

  char               *folder;
  char               *index_path;
  MgLibraryIndex     *index;
  MgDocumentIds      *ids;
  MgReadingPositions *positions;

  GListStore *documents;
  gboolean    filled; /* the list was filled from the index once */
  GHashTable *by_key; /* id (or store path) -> MgLibraryDocument, borrowed */
  guint       n_files_read;

  GFileMonitor *monitor;
  GFileMonitor *positions_monitor;
  GFileMonitor *ids_monitor;
  gboolean      reload_positions;
  guint         update_source;
  gboolean      updating;
  gboolean      update_again;

  /* id -> Removed: files moved away by mg_library_remove_document(). */
  GHashTable *removed;
};

typedef struct
{
  GPtrArray *from; /* GFile: where the files were */
  GPtrArray *to;   /* GFile: where they are now */
  char      *uri;  /* its reading position, put back on restore */
  guint      offset;
  gboolean   had_offset;
} Removed;

G_DEFINE_FINAL_TYPE (MgLibrary, mg_library, G_TYPE_OBJECT)

G_DEFINE_QUARK (mg - library - error - quark, mg_library_error)

static void
removed_free (gpointer data)
{
  Removed *removed = data;

  /* Not restored: it goes to the trash, where the user can still find it. */
  for (guint i = 0; i < removed->to->len; i++)
    g_file_trash (g_ptr_array_index (removed->to, i), NULL, NULL);

  g_ptr_array_unref (removed->from);
  g_ptr_array_unref (removed->to);
  g_free (removed->uri);
  g_free (removed);
}

static void
mg_library_finalize (GObject *object)
{
  MgLibrary *self = MG_LIBRARY (object);

  g_clear_handle_id (&self->update_source, g_source_remove);
  mg_library_set_live (self, FALSE);
  g_clear_pointer (&self->removed, g_hash_table_unref);
  g_clear_pointer (&self->by_key, g_hash_table_unref);
  g_clear_object (&self->documents);
  g_clear_pointer (&self->index, mg_library_index_free);
  g_clear_object (&self->ids);
  g_clear_object (&self->positions);
  g_free (self->folder);
  g_free (self->index_path);

  G_OBJECT_CLASS (mg_library_parent_class)->finalize (object);
}

static void
mg_library_class_init (MgLibraryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mg_library_finalize;
}

static void
mg_library_init (MgLibrary *self)
{
  self->documents = g_list_store_new (MG_TYPE_LIBRARY_DOCUMENT);
  self->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->removed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, removed_free);
}

static char *
removed_folder (void)
{
  return g_build_filename (g_get_user_state_dir (), APP_ID, REMOVED_FOLDER, NULL);
}

/* Files removed from the library (by any process) long enough ago go to
 * the trash, where the user can still find them. Their names start with
 * the time of removal. */
static void
trash_old_removed (void)
{
  g_autofree char *folder = removed_folder ();
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  gint64      now = g_get_real_time ();

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      gint64 when = g_ascii_strtoll (name, NULL, 10);

      if (when > 0 && now - when > REMOVED_KEEP_US)
        {
          g_autoptr (GFile) file = g_file_new_build_filename (folder, name, NULL);
          g_autoptr (GError) error = NULL;

          if (!g_file_trash (file, NULL, &error))
            g_debug ("%s stays where it is: %s", name, error->message);
        }
    }
}

/**
 * mg_library_new:
 * @annotations_folder: (nullable): the folder of annotation files;
 *   %NULL for mg_store_get_folder()
 * @index_path: (nullable): the index's database file; %NULL for
 *   `library.sqlite` in the application's user cache folder
 *
 * Makes a library; nothing is read until mg_library_update(). It uses
 * this machine's id table and reading positions (the defaults: call it on
 * the main thread).
 *
 * Returns: (transfer full): a new library
 */
MgLibrary *
mg_library_new (const char *annotations_folder,
                const char *index_path)
{
  MgLibrary *self = g_object_new (MG_TYPE_LIBRARY, NULL);

  self->folder = annotations_folder != NULL ? g_strdup (annotations_folder) : mg_store_get_folder ();
  self->index_path = index_path != NULL ? g_strdup (index_path)
                                        : g_build_filename (g_get_user_cache_dir (), APP_ID, "library.sqlite", NULL);
  self->index = mg_library_index_open (self->index_path);
  self->ids = g_object_ref (mg_document_ids_get_default ());
  self->positions = g_object_ref (mg_reading_positions_get_default ());
  trash_old_removed ();

  return self;
}

/**
 * mg_library_get_default:
 *
 * The library of the user's annotations folder, live, updated once in
 * the background when first asked for. Main thread only.
 *
 * Returns: (transfer none): the library, which lives as long as the process
 */
MgLibrary *
mg_library_get_default (void)
{
  static MgLibrary *library;

  if (library == NULL)
    {
      library = mg_library_new (NULL, NULL);
      mg_library_set_live (library, TRUE);
      mg_library_update_async (library, NULL, NULL, NULL);
    }

  return library;
}

const char *
mg_library_get_folder (MgLibrary *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY (self), NULL);

  return self->folder;
}

const char *
mg_library_get_index_path (MgLibrary *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY (self), NULL);

  return self->index_path;
}

/* The list ------------------------------------------------------------------ */

static char *
title_for (const char *title,
           const char *path,
           const char *uri,
           const char *store_path)
{
  if (title != NULL && *title != '\0')
    return g_strdup (title);
  if (path != NULL)
    return g_path_get_basename (path);
  if (uri != NULL && *uri != '\0')
    return g_strdup (uri);

  return g_path_get_basename (store_path);
}

/* Where @uri is, whether it is there, how far it was read and when. */
static void
fill_location (MgLibrary             *self,
               MgLibraryDocumentInfo *info,
               GHashTable            *lengths)
{
  guint  offset;
  gint64 time;

  if (info->uri == NULL)
    return;

  info->path = g_filename_from_uri (info->uri, NULL, NULL);
  /* A web page's URI is no file to look for. */
  info->exists = info->path != NULL ? g_file_test (info->path, G_FILE_TEST_EXISTS) : TRUE;

  if (mg_reading_positions_get_offset (self->positions, info->uri, &offset))
    {
      guint length = GPOINTER_TO_UINT (g_hash_table_lookup (lengths, info->uri));

      if (length > 0)
        info->progress = CLAMP ((double) offset / length, 0.0, 1.0);
      if (mg_reading_positions_get_time (self->positions, info->uri, &time))
        info->last_read = MAX (info->last_read, time / G_USEC_PER_SEC);
    }
}

static int
compare_infos (gconstpointer a,
               gconstpointer b)
{
  const MgLibraryDocumentInfo *info_a = *(MgLibraryDocumentInfo **) a;
  const MgLibraryDocumentInfo *info_b = *(MgLibraryDocumentInfo **) b;

  if (info_a->last_read != info_b->last_read)
    return info_a->last_read > info_b->last_read ? -1 : 1;

  return strcmp (info_a->sort_key, info_b->sort_key);
}

static const char *
info_key (MgLibraryDocumentInfo *info)
{
  return info->id != NULL ? info->id : info->uri != NULL ? info->uri
                                                         : info->store_path;
}

/* The documents, as the index and this machine's tables have them. */
static GPtrArray *
collect_documents (MgLibrary *self)
{
  g_autoptr (GPtrArray) files = mg_library_index_list_files (self->index);
  g_autoptr (GHashTable) lengths = mg_library_index_get_lengths (self->index);
  g_autoptr (GHashTable) id_to_uri = NULL;
  g_autoptr (GHashTable) uri_to_id = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) seen_uris = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto (GStrv) position_uris = NULL;
  GPtrArray *infos = g_ptr_array_new_with_free_func (mg_library_document_info_free);

  mg_document_ids_get_tables (self->ids, &uri_to_id, &id_to_uri);

  for (guint i = 0; i < files->len; i++)
    {
      MgLibraryFileInfo     *file = g_ptr_array_index (files, i);
      MgLibraryDocumentInfo *info = g_new0 (MgLibraryDocumentInfo, 1);
      const char            *uri = file->id != NULL ? g_hash_table_lookup (id_to_uri, file->id) : NULL;
      g_autofree char       *name = g_path_get_basename (file->store_path);
      g_autofree char       *own_name = mg_document_id_is_valid (file->id) ? mg_document_id_file_name (file->id) : NULL;
      MgLibraryDocumentInfo *before;

      info->id = g_strdup (file->id);
      info->uri = g_strdup (uri != NULL ? uri : file->uri != NULL && *file->uri != '\0' ? file->uri
                                                                                        : NULL);
      info->store_path = g_strdup (file->store_path);
      info->progress = -1.0;
      info->n_highlights = file->n_highlights;
      info->colors = file->colors;
      info->last_read = file->last_modified;
      fill_location (self, info, lengths);
      info->title = title_for (file->title, info->path, info->uri, file->store_path);

      if (file->error != NULL)
        {
          info->state = MG_LIBRARY_DOCUMENT_UNREADABLE;
          if (file->set_aside != NULL)
            info->message = g_strdup_printf (_ ("Could not be read; set aside as “%s”"), file->set_aside);
          else
            info->message = g_strdup_printf (_ ("Could not be read: %s"), file->error);
        }
      else if (!info->exists)
        {
          info->state = MG_LIBRARY_DOCUMENT_MISSING;
        }

      /* A version 1 file beside the document's own: the own one wins. */
      before = g_hash_table_lookup (seen, info_key (info));
      if (before != NULL)
        {
          if (g_strcmp0 (name, own_name) != 0)
            {
              mg_library_document_info_free (info);
              continue;
            }
          /* The tables hold its strings: out of them before it goes. */
          g_hash_table_remove (seen, info_key (before));
          if (before->uri != NULL)
            g_hash_table_remove (seen_uris, before->uri);
          g_ptr_array_remove (infos, before);
        }

      g_hash_table_replace (seen, (gpointer) info_key (info), info);
      if (info->uri != NULL)
        g_hash_table_add (seen_uris, info->uri);
      g_ptr_array_add (infos, info);
    }

  /* Opened, and closed without annotations. */
  position_uris = mg_reading_positions_get_uris (self->positions);
  for (guint i = 0; position_uris[i] != NULL; i++)
    {
      const char            *uri = position_uris[i];
      const char            *id = g_hash_table_lookup (uri_to_id, uri);
      MgLibraryDocumentInfo *info;

      if (g_hash_table_contains (seen_uris, uri) || (id != NULL && g_hash_table_contains (seen, id)))
        continue;
      if (id == NULL && g_hash_table_contains (seen, uri))
        continue;

      info = g_new0 (MgLibraryDocumentInfo, 1);
      info->id = g_strdup (id);
      info->uri = g_strdup (uri);
      info->progress = -1.0;
      fill_location (self, info, lengths);
      info->title = title_for (NULL, info->path, info->uri, uri);
      if (!info->exists)
        info->state = MG_LIBRARY_DOCUMENT_MISSING;
      g_hash_table_replace (seen, (gpointer) info_key (info), info);
      g_ptr_array_add (infos, info);
    }

  return infos;
}

/* Brings the list in line with the index: rows changed in place, new
 * ones at the end, gone ones removed. */
static void
refresh_list (MgLibrary *self)
{
  g_autoptr (GPtrArray) infos = collect_documents (self);
  g_autoptr (GHashTable) keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) added = g_ptr_array_new_with_free_func (g_object_unref);
  guint n;

  self->filled = TRUE;

  /* Collation keys made once: g_utf8_collate() normalises both strings
   * at each comparison. */
  for (guint i = 0; i < infos->len; i++)
    {
      MgLibraryDocumentInfo *info = g_ptr_array_index (infos, i);

      info->sort_key = g_utf8_collate_key (info->title, -1);
    }
  g_ptr_array_sort (infos, compare_infos);

  for (guint i = 0; i < infos->len; i++)
    {
      MgLibraryDocumentInfo *info = g_ptr_array_index (infos, i);
      g_autofree char       *key = g_strdup (info_key (info));
      MgLibraryDocument     *document = g_hash_table_lookup (self->by_key, key);

      if (document != NULL)
        {
          mg_library_document_update (document, info);
        }
      else
        {
          document = mg_library_document_new (info);
          g_ptr_array_add (added, document);
          g_hash_table_replace (self->by_key, g_strdup (key), document);
        }
      g_hash_table_add (keep, g_steal_pointer (&key));
    }

  /* Removed from the end backwards, in runs. */
  n = g_list_model_get_n_items (G_LIST_MODEL (self->documents));
  for (guint i = n; i > 0; i--)
    {
      g_autoptr (MgLibraryDocument) document = g_list_model_get_item (G_LIST_MODEL (self->documents), i - 1);
      const MgLibraryDocumentInfo *info = mg_library_document_get_info (document);
      const char                  *key = info->id != NULL ? info->id : info->uri != NULL ? info->uri
                                                                                         : info->store_path;

      if (!g_hash_table_contains (keep, key))
        {
          GHashTableIter iter;
          gpointer       value;

          g_hash_table_iter_init (&iter, self->by_key);
          while (g_hash_table_iter_next (&iter, NULL, &value))
            {
              if (value == document)
                g_hash_table_iter_remove (&iter);
            }
          g_list_store_remove (self->documents, i - 1);
        }
    }

  if (added->len > 0)
    g_list_store_splice (self->documents, g_list_model_get_n_items (G_LIST_MODEL (self->documents)), 0,
                         added->pdata, added->len);
}

/**
 * mg_library_get_documents:
 * @self: a #MgLibrary
 *
 * The first call fills the list from the index as it is, without
 * reading the folder (a window paints it at once, and updates after);
 * later calls give the list as the updates left it.
 *
 * Returns: (transfer none): the documents, a #GListModel of
 *   #MgLibraryDocument that changes with the index
 */
GListModel *
mg_library_get_documents (MgLibrary *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY (self), NULL);

  if (!self->filled)
    refresh_list (self);

  return G_LIST_MODEL (self->documents);
}

/**
 * mg_library_find_document:
 * @self: a #MgLibrary
 * @id: a document id (or, for a document opened without annotations
 *   whose id is not known, its URI)
 *
 * Returns: (transfer none) (nullable): the document of @id in the list
 */
MgLibraryDocument *
mg_library_find_document (MgLibrary  *self,
                          const char *id)
{
  g_return_val_if_fail (MG_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  return g_hash_table_lookup (self->by_key, id);
}

/* Updating ------------------------------------------------------------------ */

/**
 * mg_library_update:
 * @self: a #MgLibrary
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Brings the index in line with the annotations folder (only the files
 * that changed are read again), then the list. Blocks: prefer
 * mg_library_update_async() in the UI.
 *
 * Returns: %TRUE on success; on failure the list keeps what it showed
 */
gboolean
mg_library_update (MgLibrary    *self,
                   GCancellable *cancellable,
                   GError      **error)
{
  guint n_read = 0;

  g_return_val_if_fail (MG_IS_LIBRARY (self), FALSE);

  if (!mg_library_index_update (self->index, self->folder, self->ids, cancellable, &n_read, error))
    return FALSE;

  self->n_files_read = n_read;
  refresh_list (self);

  return TRUE;
}

static void
update_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  MgLibrary *self = source_object;
  GError    *error = NULL;
  guint      n_read = 0;

  if (!mg_library_index_update (self->index, self->folder, self->ids, cancellable, &n_read, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, n_read);
}

static void
update_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (GTask) outer = user_data;
  MgLibrary *self = MG_LIBRARY (object);
  GError    *error = NULL;
  gssize     n_read;

  n_read = g_task_propagate_int (G_TASK (result), &error);
  if (error != NULL)
    {
      g_task_return_error (outer, error);
      return;
    }

  self->n_files_read = n_read;
  if (self->reload_positions)
    {
      self->reload_positions = FALSE;
      mg_reading_positions_reload (self->positions);
    }
  refresh_list (self);
  g_task_return_boolean (outer, TRUE);
}

/**
 * mg_library_update_async:
 * @self: a #MgLibrary
 * @cancellable: (nullable): a #GCancellable
 * @callback: (nullable): called when done
 * @user_data: for @callback
 *
 * mg_library_update() with the files read in a thread; the list changes
 * on the main thread before @callback is called.
 */
void
mg_library_update_async (MgLibrary          *self,
                         GCancellable       *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer            user_data)
{
  g_autoptr (GTask) inner = NULL;
  GTask *outer;

  g_return_if_fail (MG_IS_LIBRARY (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, mg_library_update_async);
  inner = g_task_new (self, cancellable, update_done, outer);
  g_task_run_in_thread (inner, update_thread);
}

gboolean
mg_library_update_finish (MgLibrary    *self,
                          GAsyncResult *result,
                          GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * mg_library_get_n_files_read:
 * @self: a #MgLibrary
 *
 * Returns: how many annotation files the last update read (the others
 *   were unchanged); for tests
 */
guint
mg_library_get_n_files_read (MgLibrary *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY (self), 0);

  return self->n_files_read;
}

static void schedule_update (MgLibrary *self);

static void
live_update_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  MgLibrary *self = MG_LIBRARY (object);
  g_autoptr (GError) error = NULL;

  if (!mg_library_update_finish (self, result, &error))
    g_message ("The library could not be updated: %s", error->message);

  self->updating = FALSE;
  if (self->update_again)
    schedule_update (self);
  g_object_unref (self);
}

static gboolean
update_timeout (gpointer user_data)
{
  MgLibrary *self = user_data;

  self->update_source = 0;
  if (self->updating)
    {
      self->update_again = TRUE;
      return G_SOURCE_REMOVE;
    }

  self->updating = TRUE;
  self->update_again = FALSE;
  mg_library_update_async (g_object_ref (self), NULL, live_update_done, NULL);

  return G_SOURCE_REMOVE;
}

static void
schedule_update (MgLibrary *self)
{
  self->update_again = FALSE;
  if (self->update_source == 0)
    self->update_source = g_timeout_add (MG_LIBRARY_UPDATE_DELAY_MS, update_timeout, self);
}

/* A file of the folder, the reading positions or the id table (which say
 * when and where documents were read) changed, here or elsewhere. */
static void
on_changed (GFileMonitor     *monitor,
            GFile            *file,
            GFile            *other_file,
            GFileMonitorEvent event,
            gpointer          user_data)
{
  MgLibrary *self = user_data;

  if (event == G_FILE_MONITOR_EVENT_CHANGED || event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return; /* CHANGES_DONE_HINT follows */

  if (monitor == self->positions_monitor)
    self->reload_positions = TRUE;

  if (self->updating)
    self->update_again = TRUE;
  else
    schedule_update (self);
}

static GFileMonitor *
monitor_table (MgLibrary  *self,
               const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  GFileMonitor *monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, NULL);

  if (monitor != NULL)
    {
      g_file_monitor_set_rate_limit (monitor, MG_LIBRARY_UPDATE_DELAY_MS);
      g_signal_connect_object (monitor, "changed", G_CALLBACK (on_changed), self, 0);
    }

  return monitor;
}

/**
 * mg_library_set_live:
 * @self: a #MgLibrary
 * @live: whether to follow the folder
 *
 * Watches the annotations folder (or stops): a file added, changed or
 * removed by anyone (a save, another program, a sync tool) updates the
 * index and the list shortly after. The reading positions and the id
 * table are watched too: a document closed updates its "last-read".
 */
void
mg_library_set_live (MgLibrary *self,
                     gboolean   live)
{
  g_return_if_fail (MG_IS_LIBRARY (self));

  if (live == (self->monitor != NULL))
    return;

  if (live)
    {
      g_autoptr (GFile) folder = g_file_new_for_path (self->folder);
      g_autoptr (GError) error = NULL;

      g_mkdir_with_parents (self->folder, 0700);
      self->monitor = g_file_monitor_directory (folder, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
      if (self->monitor == NULL)
        {
          g_message ("The annotations folder %s cannot be watched: %s", self->folder, error->message);
          return;
        }
      g_file_monitor_set_rate_limit (self->monitor, MG_LIBRARY_UPDATE_DELAY_MS);
      g_signal_connect_object (self->monitor, "changed", G_CALLBACK (on_changed), self, 0);
      self->positions_monitor = monitor_table (self, mg_reading_positions_get_path (self->positions));
      self->ids_monitor = monitor_table (self, mg_document_ids_get_path (self->ids));
    }
  else
    {
      GFileMonitor **monitors[] = { &self->monitor, &self->positions_monitor, &self->ids_monitor };

      for (guint i = 0; i < G_N_ELEMENTS (monitors); i++)
        {
          if (*monitors[i] != NULL)
            g_file_monitor_cancel (*monitors[i]);
          g_clear_object (monitors[i]);
        }
      g_clear_handle_id (&self->update_source, g_source_remove);
    }
}

/* Search -------------------------------------------------------------------- */

/* The machine's URI of each hit's document, where known. */
static void
localize_hits (MgLibrary *self,
               GPtrArray *hits)
{
  g_autoptr (GHashTable) uri_to_id = NULL;
  g_autoptr (GHashTable) id_to_uri = NULL;

  if (hits == NULL || hits->len == 0)
    return;

  mg_document_ids_get_tables (self->ids, &uri_to_id, &id_to_uri);
  for (guint i = 0; i < hits->len; i++)
    {
      MgLibraryHit *hit = g_ptr_array_index (hits, i);
      const char   *uri = hit->document_id != NULL ? g_hash_table_lookup (id_to_uri, hit->document_id) : NULL;

      if (uri != NULL)
        {
          g_free (hit->document_uri);
          hit->document_uri = g_strdup (uri);
        }
      else if (hit->document_uri != NULL && *hit->document_uri == '\0')
        {
          g_clear_pointer (&hit->document_uri, g_free);
        }
    }
}

/**
 * mg_library_search:
 * @self: a #MgLibrary
 * @query: (nullable): what the user typed
 * @color: (nullable): only annotations of this colour ("yellow", ...)
 * @tag: (nullable): only annotations with this tag
 * @error: return location for a #GError
 *
 * Searches the quotes, notes, tags and document titles of every
 * annotation of the library (as of the last update). The query:
 *  - words: every one must match, in any field; case, accents and other
 *    diacritics are ignored ("resume" finds "Résumé");
 *  - the last word is a prefix ("meth" finds "method") unless the query
 *    ends with a space: the results follow the typing;
 *  - "quoted phrases" match those words in that order;
 *  - #tag matches the tags only.
 * Whatever the user types is taken as text, never as the FTS5 query
 * language: no input makes a syntax error.
 *
 * Ranked by bm25 (a match in the title counts four times, in the tags
 * twice), the best first; at most 1,000 hits. A query without words and
 * a colour or a tag lists the annotations of that colour or tag by
 * document. Nothing to search for gives no hits.
 *
 * Returns: (transfer full) (element-type MgLibraryHit): the hits, or
 *   %NULL on error
 */
GPtrArray *
mg_library_search (MgLibrary  *self,
                   const char *query,
                   const char *color,
                   const char *tag,
                   GError    **error)
{
  g_autoptr (MgLibraryQuery) parsed = NULL;
  GPtrArray  *hits;
  const char *match;

  g_return_val_if_fail (MG_IS_LIBRARY (self), NULL);

  parsed = mg_library_query_new (query != NULL ? query : "");
  match = mg_library_query_get_match (parsed);
  if (match == NULL && color == NULL && tag == NULL)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) mg_library_hit_unref);

  hits = mg_library_index_search (self->index, match, color, tag, error);
  localize_hits (self, hits);
  for (guint i = 0; hits != NULL && i < hits->len; i++)
    {
      MgLibraryHit *hit = g_ptr_array_index (hits, i);

      mg_library_query_mark (parsed, hit->quote, hit->marks[MG_LIBRARY_FIELD_QUOTE]);
      mg_library_query_mark (parsed, hit->note, hit->marks[MG_LIBRARY_FIELD_NOTE]);
      mg_library_query_mark (parsed, hit->document_title, hit->marks[MG_LIBRARY_FIELD_TITLE]);
    }

  return hits;
}

/**
 * mg_library_list_tags:
 * @self: a #MgLibrary
 *
 * Returns: (transfer full) (element-type MgLibraryTag): every tag of the
 *   library with how many annotations carry it, the most used first
 */
GPtrArray *
mg_library_list_tags (MgLibrary *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY (self), NULL);

  return mg_library_index_list_tags (self->index);
}

/**
 * mg_library_list_annotations:
 * @self: a #MgLibrary
 * @document_id: a document id
 *
 * The annotations of a document as the index holds them, in the order of
 * the text: readable (quote, note, tags, colour) even when the document's
 * file is gone.
 *
 * Returns: (transfer full) (element-type MgLibraryHit): the annotations
 */
GPtrArray *
mg_library_list_annotations (MgLibrary  *self,
                             const char *document_id)
{
  GPtrArray *hits;

  g_return_val_if_fail (MG_IS_LIBRARY (self), NULL);
  g_return_val_if_fail (document_id != NULL, NULL);

  hits = mg_library_index_list_annotations (self->index, document_id);
  localize_hits (self, hits);

  return hits;
}

/* Remove, restore, relink ----------------------------------------------------- */

/* The annotation files of the document @id (its own, and a version 1 file
 * beside it). */
static GPtrArray *
files_of (MgLibrary  *self,
          const char *id)
{
  g_autoptr (GPtrArray) files = mg_library_index_list_files (self->index);
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < files->len; i++)
    {
      MgLibraryFileInfo *file = g_ptr_array_index (files, i);

      if (g_strcmp0 (file->id, id) == 0)
        g_ptr_array_add (result, g_file_new_for_path (file->store_path));
    }

  return result;
}

static GFile *
removed_destination (GFile *file)
{
  g_autofree char *dir = removed_folder ();
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *stamped = g_strdup_printf ("%" G_GINT64_FORMAT "-%s", g_get_real_time (), name);

  g_mkdir_with_parents (dir, 0700);

  return g_file_new_build_filename (dir, stamped, NULL);
}

/**
 * mg_library_remove_document:
 * @self: a #MgLibrary
 * @id: the document's id (or, for a document without one, its URI)
 * @error: return location for a #GError
 *
 * Takes the document out of the library: its annotation files are moved
 * out of the annotations folder (into `removed` in the application's
 * state folder: g_file_trash() says nothing of where a file went, so it
 * could not be restored from there) and its reading position is
 * forgotten, until mg_library_restore_document() puts them back. Files
 * not restored go to the trash when the library is finalized, or an hour
 * later, when a library is next made. The list changes at once. Close the
 * document first: an open store would write its file again.
 *
 * Returns: %TRUE if the document was removed
 */
gboolean
mg_library_remove_document (MgLibrary  *self,
                            const char *id,
                            GError    **error)
{
  g_autoptr (GPtrArray) files = NULL;
  MgLibraryDocument *document;
  Removed           *removed;
  const char        *uri;

  g_return_val_if_fail (MG_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  document = g_hash_table_lookup (self->by_key, id);
  if (document == NULL)
    {
      g_set_error (error, MG_LIBRARY_ERROR, MG_LIBRARY_ERROR_NOT_FOUND,
                   _ ("The document is not in the library"));
      return FALSE;
    }

  removed = g_new0 (Removed, 1);
  removed->from = g_ptr_array_new_with_free_func (g_object_unref);
  removed->to = g_ptr_array_new_with_free_func (g_object_unref);

  files = files_of (self, id);
  for (guint i = 0; i < files->len; i++)
    {
      GFile *file = g_ptr_array_index (files, i);
      g_autoptr (GFile) to = removed_destination (file);

      if (!g_file_move (file, to, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, error))
        {
          /* Put back what was moved: all or nothing. */
          for (guint j = 0; j < removed->to->len; j++)
            g_file_move (g_ptr_array_index (removed->to, j), g_ptr_array_index (removed->from, j),
                         G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, NULL);
          g_ptr_array_set_size (removed->to, 0);
          removed_free (removed);
          return FALSE;
        }
      g_ptr_array_add (removed->from, g_object_ref (file));
      g_ptr_array_add (removed->to, g_steal_pointer (&to));
    }

  uri = mg_library_document_get_uri (document);
  if (uri != NULL)
    {
      removed->uri = g_strdup (uri);
      removed->had_offset = mg_reading_positions_get_offset (self->positions, uri, &removed->offset);
      mg_reading_positions_forget (self->positions, uri);
    }

  g_hash_table_replace (self->removed, g_strdup (id), removed);

  return mg_library_update (self, NULL, error);
}

/**
 * mg_library_restore_document:
 * @self: a #MgLibrary
 * @id: what was given to mg_library_remove_document()
 * @error: return location for a #GError
 *
 * Undoes mg_library_remove_document(): the files go back where they were
 * (unless a new file took their place: then they are merged by the store
 * as conflict copies would be, which is left to the next open).
 *
 * Returns: %TRUE if the document is back
 */
gboolean
mg_library_restore_document (MgLibrary  *self,
                             const char *id,
                             GError    **error)
{
  Removed *removed;

  g_return_val_if_fail (MG_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  removed = g_hash_table_lookup (self->removed, id);
  if (removed == NULL)
    {
      g_set_error (error, MG_LIBRARY_ERROR, MG_LIBRARY_ERROR_NOT_FOUND,
                   _ ("The document was not removed"));
      return FALSE;
    }

  while (removed->to->len > 0)
    {
      guint last = removed->to->len - 1;

      if (!g_file_move (g_ptr_array_index (removed->to, last), g_ptr_array_index (removed->from, last),
                        G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, error))
        return FALSE;
      g_ptr_array_remove_index (removed->to, last);
      g_ptr_array_remove_index (removed->from, last);
    }

  if (removed->uri != NULL && removed->had_offset)
    mg_reading_positions_set_offset (self->positions, removed->uri, removed->offset);

  g_hash_table_remove (self->removed, id);

  return mg_library_update (self, NULL, error);
}

/**
 * mg_library_relink_document:
 * @self: a #MgLibrary
 * @id: a document id
 * @file: where the document is now
 * @text_changed: (out) (optional): set to whether the text at @file is
 *   not the one the annotations were made on (they will re-anchor)
 * @error: return location for a #GError
 *
 * Notes that the document @id is at @file on this machine ("Locate…"),
 * after loading it to compare its text with the one of the annotation
 * file. Blocks while the document loads.
 *
 * Returns: %TRUE if the new place was noted; %FALSE if @file cannot be
 *   opened as a document, or the table not written
 */
gboolean
mg_library_relink_document (MgLibrary  *self,
                            const char *id,
                            GFile      *file,
                            gboolean   *text_changed,
                            GError    **error)
{
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autofree char *uri = NULL;
  gboolean         changed = TRUE;

  g_return_val_if_fail (MG_IS_LIBRARY (self), FALSE);
  g_return_val_if_fail (mg_document_id_is_valid (id), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  document = mg_document_loader_load_file (file, NULL, error);
  if (document == NULL)
    return FALSE;

  files = mg_library_index_list_files (self->index);
  for (guint i = 0; i < files->len; i++)
    {
      MgLibraryFileInfo *info = g_ptr_array_index (files, i);

      if (g_strcmp0 (info->id, id) == 0 && g_strcmp0 (info->sha256, mg_document_get_sha256 (document)) == 0)
        changed = FALSE;
    }

  uri = g_file_get_uri (file);
  if (!mg_document_ids_remember (self->ids, uri, id, error))
    return FALSE;

  if (text_changed != NULL)
    *text_changed = changed;

  return mg_library_update (self, NULL, error);
}

/**
 * mg_library_note_length:
 * @self: a #MgLibrary
 * @uri: a document's URI
 * @length: the length of its text, in code points (mg_document_get_length())
 *
 * Notes how long the document's text is, for the reading progress. Call
 * it when a document is opened. Kept in the index (a cache): lost with it
 * until the document is opened again.
 */
void
mg_library_note_length (MgLibrary  *self,
                        const char *uri,
                        guint       length)
{
  g_return_if_fail (MG_IS_LIBRARY (self));
  g_return_if_fail (uri != NULL);

  mg_library_index_set_length (self->index, uri, length);
}
