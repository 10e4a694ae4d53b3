/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-annotation-list.h"
#include "mg-annotation.h"
#include "mg-document-ids.h"
#include "mg-document.h"
#include "mg-json-private.h"
#include "mg-store-cache.h"
#include "mg-store-private.h"

/**
 * MgStore:
 *
 * Keeps the annotations of one document in a JSON file, one file per
 * document (the format is mg-store-format.c's; mg-store-private.h says
 * which file of the store does what). This file holds the GObject and the
 * scheduling: following the list, saving, flushing, and the cache.
 *
 * The file is named after the document's id (mg-document-ids.c), never
 * after its path, so that a synced folder carries one file per document
 * to every machine. The id is this machine's for the document's URI, else
 * the one the hash of its text gives. A document whose text changed since
 * its id was given, opened at a new path, is recognised by the SHA-256
 * its file holds, and that file is used. A version 1 file (named after
 * the URI) is migrated: its annotations are saved under the new name, and
 * the old file is removed once the new one is written (kept if it was
 * found by hash and the document at its URI still exists: then that is
 * a copy, whose own opening migrates it).
 *
 * The store follows the list: each change schedules a save half a second
 * after the last one (at most five seconds after the first), written
 * atomically in a worker thread. #MgStore:saving is %TRUE while a save is
 * pending or being written: the application holds itself meanwhile, and
 * mg_store_flush_async() writes what is pending at once. One write at a
 * time; a change during a write saves again after it. Each write passes
 * what we last read or wrote, so that a file changed by someone else is
 * merged rather than overwritten.
 *
 * Deletions leave tombstones (id and time of deletion) so that an older
 * copy of the file cannot bring an annotation back. A change on disk (from
 * another machine, through a synced folder) is merged by id: the newer
 * `modified` wins, and a tombstone deletes an annotation that was not
 * modified after the deletion. See mg_store_merge_json().
 *
 * A file that does not parse is never overwritten: it is renamed aside
 * to `<name>.corrupt-<UTC time>` and the store starts afresh. A file from
 * a newer format version is never touched: the store is read-only.
 * Annotations that cannot be read inside a good file are kept verbatim
 * and written back as they are.
 *
 * What the store made of its file is cached (mg-store-cache.c) in the
 * user's cache folder once the file is written or read, a little while
 * after the last save, or at once when the store goes: the next load of
 * the same bytes reads that instead of parsing the JSON again.
 */

/* The cache is written this long after the save it follows: not after
 * every save of a busy session. */
#define CACHE_DELAY_MS 2000

G_DEFINE_FINAL_TYPE (MgStore, mg_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (mg_store_error_quark, mg_store_error)

enum
{
  PROP_0,
  PROP_DOCUMENT,
  PROP_ANNOTATIONS,
  PROP_DIRECTORY,
  PROP_DOCUMENT_IDS,
  PROP_FILE,
  PROP_READ_ONLY,
  PROP_SAVING,
  PROP_N_UNREADABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  ERROR,
  SAVED,
  MERGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* g_set_str() is GLib 2.76. */
void
_mg_store_set_str (char      **str_pointer,
                   const char *new_str)
{
  char *copy;

  if (g_strcmp0 (*str_pointer, new_str) == 0)
    return;

  copy = g_strdup (new_str);
  g_free (*str_pointer);
  *str_pointer = copy;
}

/**
 * mg_store_set_cache_directory:
 * @self: a #MgStore
 * @directory: (nullable): where to keep the cache of the file, or %NULL
 *   for no cache
 *
 * Sets where the store caches what it read from its file, so that the
 * next load of the same file is quick (see mg-store-cache.c). The default
 * is mg_store_default_cache_directory(). Call it before mg_store_load().
 */
static void update_cache_file (MgStore *self);

void
mg_store_set_cache_directory (MgStore    *self,
                              const char *directory)
{
  g_return_if_fail (MG_IS_STORE (self));
  g_return_if_fail (!self->loaded && !self->loading);

  self->cache_directory_set = TRUE;
  _mg_store_set_str (&self->cache_directory, directory);
  update_cache_file (self);
}

/* The cache is named after the file, which may change at the load. */
static void
update_cache_file (MgStore *self)
{
  g_autofree char *name = NULL;
  const char      *directory = self->cache_directory;

  g_clear_object (&self->cache_file);
  if (directory == NULL || self->file == NULL)
    return;

  /* Named after the file, and the folder it is in: the same document has
   * a file in each folder a store is asked to use. */
  name = g_file_get_basename (self->file);
  if (g_str_has_suffix (name, ".json"))
    name[strlen (name) - strlen (".json")] = '\0';
  {
    g_autofree char *folder_hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, self->directory_path, -1);
    g_autofree char *cache_name = g_strdup_printf ("%s-%.8s.gvariant", name, folder_hash);
    g_autofree char *path = g_build_filename (directory, cache_name, NULL);

    self->cache_file = g_file_new_for_path (path);
  }
}

/**
 * mg_store_get_cache_file:
 * @self: a #MgStore
 *
 * Returns: (transfer none) (nullable): the file of the cache, or %NULL
 *   for none
 */
GFile *
mg_store_get_cache_file (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  return self->cache_file;
}

void
_mg_store_set_read_only (MgStore *self)
{
  if (self->read_only)
    return;

  self->read_only = TRUE;
  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_handle_id (&self->check_source, g_source_remove);
  if (self->monitor != NULL)
    mg_store_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ONLY]);
  _mg_store_update_saving (self);
}

/* Uses @file, holding the document of @document_id: one found by hash at
 * the load. */
void
_mg_store_set_file (MgStore    *self,
                    GFile      *file,
                    const char *document_id)
{
  _mg_store_set_str (&self->document_id, document_id);
  if (g_file_equal (file, self->file))
    return;

  g_set_object (&self->file, file);
  update_cache_file (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FILE]);
}

/* The "uri" to write in the file. */
const char *
_mg_store_header_uri (MgStore *self)
{
  return self->header_uri != NULL ? self->header_uri : mg_document_get_uri (self->document);
}

const char *
_mg_store_header_title (MgStore *self)
{
  return self->header_uri != NULL ? self->header_title : mg_document_get_title (self->document);
}

/* Takes the "uri" and "title" of a file read, if it is of the same text
 * as ours (the title of a text file is its file name):
 * each machine writing its own path would rewrite the file at every
 * opening, on every machine. */
void
_mg_store_take_header (MgStore  *self,
                       JsonNode *root)
{
  JsonObject *document = mg_json_node_get_object (json_object_get_member (mg_json_node_get_object (root), "document"));
  const char *uri = mg_json_object_get_string (document, "uri");

  if (uri != NULL && *uri != '\0' && g_strcmp0 (mg_json_object_get_string (document, "sha256"), mg_document_get_sha256 (self->document)) == 0)
    {
      _mg_store_set_str (&self->header_uri, uri);
      _mg_store_set_str (&self->header_title, mg_json_object_get_string (document, "title"));
    }
  else
    {
      g_clear_pointer (&self->header_uri, g_free);
      g_clear_pointer (&self->header_title, g_free);
    }
}

/* Notes in this machine's table which id the document has, once it has a
 * file. */
void
_mg_store_remember_id (MgStore *self)
{
  g_autoptr (GError) error = NULL;

  if (self->id_remembered)
    return;

  self->id_remembered = TRUE;
  if (!mg_document_ids_remember (self->ids, mg_document_get_uri (self->document), self->document_id, &error))
    g_warning ("The id of “%s” could not be noted: %s", mg_document_get_uri (self->document), error->message);
}

/**
 * mg_store_get_document_id:
 * @self: a #MgStore
 *
 * The document's stable id, "urn:uuid:…", which its file is named after
 * and holds. It may change at the load (a file found by hash), never
 * after.
 *
 * Returns: the id
 */
const char *
mg_store_get_document_id (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  return self->document_id;
}

void
_mg_store_emit_saved (MgStore *self)
{
  g_signal_emit (self, signals[SAVED], 0);
}

void
_mg_store_emit_merged (MgStore *self,
                       guint    n_changed)
{
  g_signal_emit (self, signals[MERGED], 0, n_changed);
}

void
_mg_store_emit_error (MgStore *self,
                      GError  *error)
{
  g_warning ("%s", error->message);
  g_signal_emit (self, signals[ERROR], 0, error);
}

static gboolean
save_timeout_cb (gpointer data)
{
  MgStore *self = data;

  self->save_source = 0;
  _mg_store_start_save (self);

  return G_SOURCE_REMOVE;
}

void
_mg_store_schedule_save (MgStore *self)
{
  gint64 now = g_get_monotonic_time ();

  self->dirty = TRUE;
  self->retrying = FALSE;

  if (!self->loaded || self->read_only)
    {
      _mg_store_update_saving (self);
      return;
    }

  /* Debounced, but someone who keeps typing still gets saved. */
  if (self->save_source != 0 && now - self->save_pending_since > MG_STORE_MAX_SAVE_DELAY_US)
    return;

  if (self->save_source == 0)
    self->save_pending_since = now;

  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add (MG_STORE_SAVE_DELAY_MS, save_timeout_cb, self);
  _mg_store_update_saving (self);
}

/* Deletions -------------------------------------------------------------- */

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  MgStore    *self)
{
  g_autoptr (GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
  guint old_len;

  g_return_if_fail (position + removed <= self->mirror->len);

  for (guint i = 0; i < removed; i++)
    g_ptr_array_add (gone, g_object_ref (g_ptr_array_index (self->mirror, position + i)));
  g_ptr_array_remove_range (self->mirror, position, removed);

  /* One move of the tail, not one per added item. */
  old_len = self->mirror->len;
  g_ptr_array_set_size (self->mirror, old_len + added);
  memmove (&self->mirror->pdata[position + added],
           &self->mirror->pdata[position],
           (old_len - position) * sizeof (gpointer));
  for (guint i = 0; i < added; i++)
    self->mirror->pdata[position + i] = g_list_model_get_item (model, position + i);

  if (self->updating)
    return;

  self->edited = TRUE;

  for (guint i = 0; i < gone->len; i++)
    {
      MgAnnotation *annotation = g_ptr_array_index (gone, i);
      const char   *id = mg_annotation_get_id (annotation);

      /* A removal that is half of a move is not a deletion. */
      if (mg_annotation_list_lookup (self->annotations, id) == NULL)
        {
          g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

          g_hash_table_replace (self->tombstones, g_strdup (id), mg_format_timestamp (now));
        }
    }

  /* Back again (an undo, or the second half of a move). */
  for (guint i = 0; i < added; i++)
    g_hash_table_remove (self->tombstones,
                         mg_annotation_get_id (g_ptr_array_index (self->mirror, position + i)));

  _mg_store_schedule_save (self);
}

void
_mg_store_connect_list (MgStore *self)
{
  GListModel *model = G_LIST_MODEL (self->annotations);
  guint       n_items = g_list_model_get_n_items (model);

  g_ptr_array_set_size (self->mirror, 0);
  for (guint i = 0; i < n_items; i++)
    g_ptr_array_add (self->mirror, g_list_model_get_item (model, i));

  self->items_changed_handler = g_signal_connect (self->annotations, "items-changed", G_CALLBACK (on_items_changed), self);
}

/* #MgStore:saving follows what is pending: a save scheduled or being
 * written, a flush waiting, or changes made while the file is read. */
void
_mg_store_update_saving (MgStore *self)
{
  gboolean saving = self->save_source != 0 || self->job != NULL || self->flush_tasks->len > 0 || (self->loading && self->dirty);

  if (saving == self->saving)
    return;

  self->saving = saving;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAVING]);
}

gboolean
_mg_store_has_content (MgStore *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->annotations)) > 0 || g_hash_table_size (self->tombstones) > 0 || self->raw_entries->len > 0 || self->raw_tombstones->len > 0;
}

static void
on_monitor_changed (MgStoreMonitor *monitor,
                    MgStore        *self)
{
  /* A rename over the file (an atomic save) may come as more than one
   * event; a file created in place may still be empty, which the
   * patience for files that do not parse covers. */
  _mg_store_schedule_check (self, MG_STORE_CHECK_DELAY_MS);
}

static gboolean
conflicts_timeout_cb (gpointer data)
{
  MgStore *self = data;

  self->conflicts_source = 0;
  _mg_store_check_conflicts (self);

  return G_SOURCE_REMOVE;
}

static void
on_monitor_conflict_copy (MgStoreMonitor *monitor,
                          MgStore        *self)
{
  g_clear_handle_id (&self->conflicts_source, g_source_remove);
  self->conflicts_source = g_timeout_add (MG_STORE_CHECK_DELAY_MS, conflicts_timeout_cb, self);
}

void
_mg_store_start_monitor (MgStore *self)
{
  if (self->read_only || self->monitor != NULL)
    return;

  self->monitor = mg_store_monitor_new (self->file);
  if (self->monitor != NULL)
    {
      g_signal_connect (self->monitor, "changed", G_CALLBACK (on_monitor_changed), self);
      g_signal_connect (self->monitor, "conflict-copy", G_CALLBACK (on_monitor_conflict_copy), self);
    }
}

/* The cache ----------------------------------------------------------- */

/* Whether the store holds what its file holds, written the way we write
 * it: then a cache made now is what reading that file gives. */
static gboolean
cache_wanted_now (MgStore *self)
{
  return self->cache_file != NULL && self->cache_for != NULL && self->cache_for == self->disk_bytes && self->loaded && !self->read_only && !self->dirty && self->job == NULL && self->save_source == 0 && self->check_source == 0 && self->suspect_bytes == NULL && self->moved_from == NULL && self->merged_copies == NULL;
}

typedef struct
{
  GFile    *file;
  GVariant *built;
  GBytes   *json;
} CacheJob;

static void
cache_job_free (gpointer data)
{
  CacheJob *job = data;

  g_object_unref (job->file);
  g_clear_pointer (&job->built, g_variant_unref);
  g_bytes_unref (job->json);
  g_free (job);
}

static void
cache_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CacheJob *job = task_data;
  g_autoptr (GError) error = NULL;

  if (!mg_store_cache_write (job->file, job->built, job->json, &error))
    g_debug ("The cache %s was not written: %s", g_file_peek_path (job->file), error->message);

  g_task_return_boolean (task, error == NULL);
}

static void
cache_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  MgStore *self = MG_STORE (object);

  g_task_propagate_boolean (G_TASK (result), NULL);
  self->cache_writing = FALSE;
  _mg_store_update_saving (self);
}

/* Writes the cache of what the store holds, if it is still the file's:
 * in a thread, or now when the store goes. A store that changed since
 * has a save coming, after which the cache is wanted again. */
static void
write_cache (MgStore *self,
             gboolean now)
{
  g_autoptr (GBytes) json = NULL;
  CacheJob *job;

  if (!cache_wanted_now (self))
    {
      g_clear_pointer (&self->cache_for, g_bytes_unref);
      return;
    }

  json = g_steal_pointer (&self->cache_for);
  job = g_new0 (CacheJob, 1);
  job->file = g_object_ref (self->cache_file);
  job->json = g_steal_pointer (&json);
  job->built = mg_store_cache_build (_mg_store_header_uri (self),
                                     mg_document_get_sha256 (self->document),
                                     _mg_store_header_title (self),
                                     G_LIST_MODEL (self->annotations),
                                     self->raw_entries, self->tombstones, self->raw_tombstones,
                                     self->raw_texts);

  if (job->built == NULL)
    {
      cache_job_free (job);
      return;
    }

  if (now)
    {
      g_autoptr (GError) error = NULL;

      if (!mg_store_cache_write (job->file, job->built, job->json, &error))
        g_debug ("The cache %s was not written: %s", g_file_peek_path (job->file), error->message);
      cache_job_free (job);
    }
  else
    {
      g_autoptr (GTask) task = g_task_new (self, NULL, cache_written_cb, NULL);

      g_task_set_source_tag (task, write_cache);
      g_task_set_task_data (task, job, cache_job_free);
      self->cache_writing = TRUE;
      _mg_store_update_saving (self);
      g_task_run_in_thread (task, cache_thread);
    }
}

static gboolean
cache_timeout_cb (gpointer data)
{
  MgStore *self = data;

  /* One writer at a time. */
  if (self->cache_writing)
    return G_SOURCE_CONTINUE;

  self->cache_source = 0;
  write_cache (self, FALSE);

  return G_SOURCE_REMOVE;
}

/* The file holds what the store holds (it was just written, or read
 * without a change): a cache of it is wanted. */
void
_mg_store_request_cache (MgStore *self)
{
  if (self->cache_file == NULL || self->disk_bytes == NULL)
    return;

  g_clear_pointer (&self->cache_for, g_bytes_unref);
  self->cache_for = g_bytes_ref (self->disk_bytes);

  if (self->cache_source == 0)
    self->cache_source = g_timeout_add_full (G_PRIORITY_LOW, CACHE_DELAY_MS, cache_timeout_cb, self, NULL);
}

/* After the entries kept as they are changed. */
void
_mg_store_update_unreadable (MgStore *self)
{
  if (self->n_unreadable == self->raw_entries->len)
    return;

  self->n_unreadable = self->raw_entries->len;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_UNREADABLE]);
}

/**
 * mg_store_get_n_unreadable:
 * @self: a #MgStore
 *
 * Returns: how many entries of the file could not be read as annotations
 *   (they are kept as they are: see #MgStore:n-unreadable)
 */
guint
mg_store_get_n_unreadable (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), 0);

  return self->n_unreadable;
}

/**
 * mg_store_get_saving:
 * @self: a #MgStore
 *
 * Returns: whether a save is pending or being written
 */
gboolean
mg_store_get_saving (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), FALSE);

  return self->saving;
}

/* GObject ---------------------------------------------------------------- */

static void
mg_store_constructed (GObject *object)
{
  MgStore         *self = MG_STORE (object);
  g_autofree char *name = NULL;

  G_OBJECT_CLASS (mg_store_parent_class)->constructed (object);

  g_assert (MG_IS_DOCUMENT (self->document));
  g_assert (MG_IS_ANNOTATION_LIST (self->annotations));

  if (self->directory_path == NULL)
    self->directory_path = mg_store_get_folder ();
  if (self->ids == NULL)
    self->ids = g_object_ref (mg_document_ids_get_default ());

  /* This machine's id for the document, else the one its text gives. */
  self->document_id = mg_document_ids_lookup (self->ids, mg_document_get_uri (self->document));
  if (self->document_id == NULL)
    self->document_id = mg_document_id_for_sha256 (mg_document_get_sha256 (self->document));

  self->directory = g_file_new_for_path (self->directory_path);
  name = mg_document_id_file_name (self->document_id);
  self->file = g_file_get_child (self->directory, name);
  g_clear_pointer (&name, g_free);
  name = mg_store_file_name_for_uri (mg_document_get_uri (self->document));
  self->legacy_file = g_file_get_child (self->directory, name);

  if (!self->cache_directory_set)
    {
      g_autofree char *cache_directory = mg_store_default_cache_directory ();

      mg_store_set_cache_directory (self, cache_directory);
    }
}

static void
mg_store_dispose (GObject *object)
{
  MgStore *self = MG_STORE (object);

  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_handle_id (&self->check_source, g_source_remove);
  g_clear_handle_id (&self->cache_source, g_source_remove);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->conflicts_source, g_source_remove);

  /* Changes are never dropped quietly: save what the owner did not. Only
   * changes to the list: a store that was only read (an export) never
   * rewrites its file, even where the file would be written otherwise. */
  if (self->loaded && self->dirty && self->edited && !self->read_only && self->annotations != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!mg_store_flush (self, &error))
        g_warning ("%s", error->message);
    }

  /* The next load is quick only with a cache of the last save. */
  if (self->annotations != NULL)
    write_cache (self, TRUE);

  if (self->monitor != NULL)
    mg_store_monitor_cancel (self->monitor);
  g_clear_object (&self->monitor);

  if (self->annotations != NULL)
    g_clear_signal_handler (&self->items_changed_handler, self->annotations);
  g_ptr_array_set_size (self->mirror, 0);

  g_clear_object (&self->annotations);
  g_clear_object (&self->document);

  G_OBJECT_CLASS (mg_store_parent_class)->dispose (object);
}

static void
mg_store_finalize (GObject *object)
{
  MgStore *self = MG_STORE (object);

  g_clear_pointer (&self->mirror, g_ptr_array_unref);
  g_clear_pointer (&self->tombstones, g_hash_table_unref);
  g_clear_pointer (&self->raw_entries, g_ptr_array_unref);
  g_clear_pointer (&self->raw_tombstones, g_ptr_array_unref);
  g_clear_pointer (&self->raw_texts, g_hash_table_unref);
  g_clear_pointer (&self->disk_bytes, g_bytes_unref);
  g_clear_pointer (&self->suspect_bytes, g_bytes_unref);
  g_clear_pointer (&self->disk_etag, g_free);
  g_clear_pointer (&self->cache_for, g_bytes_unref);
  g_clear_pointer (&self->cache_directory, g_free);
  g_clear_object (&self->cache_file);
  g_clear_pointer (&self->directory_path, g_free);
  g_clear_object (&self->directory);
  g_clear_object (&self->file);
  g_clear_object (&self->moved_from);
  g_clear_object (&self->legacy_file);
  g_clear_object (&self->ids);
  g_clear_pointer (&self->document_id, g_free);
  g_clear_pointer (&self->header_uri, g_free);
  g_clear_pointer (&self->header_title, g_free);
  g_clear_pointer (&self->merged_copies, g_ptr_array_unref);
  g_clear_pointer (&self->reported_copies, g_hash_table_unref);
  g_clear_pointer (&self->flush_tasks, g_ptr_array_unref);
  g_mutex_clear (&self->job_mutex);
  g_cond_clear (&self->job_cond);

  G_OBJECT_CLASS (mg_store_parent_class)->finalize (object);
}

static void
mg_store_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  MgStore *self = MG_STORE (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    case PROP_ANNOTATIONS:
      g_value_set_object (value, self->annotations);
      break;

    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory_path);
      break;

    case PROP_DOCUMENT_IDS:
      g_value_set_object (value, self->ids);
      break;

    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_READ_ONLY:
      g_value_set_boolean (value, self->read_only);
      break;

    case PROP_SAVING:
      g_value_set_boolean (value, self->saving);
      break;

    case PROP_N_UNREADABLE:
      g_value_set_uint (value, self->n_unreadable);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_store_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  MgStore *self = MG_STORE (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      self->document = g_value_dup_object (value);
      break;

    case PROP_ANNOTATIONS:
      self->annotations = g_value_dup_object (value);
      break;

    case PROP_DIRECTORY:
      self->directory_path = g_value_dup_string (value);
      break;

    case PROP_DOCUMENT_IDS:
      self->ids = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_store_class_init (MgStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = mg_store_constructed;
  object_class->dispose = mg_store_dispose;
  object_class->finalize = mg_store_finalize;
  object_class->get_property = mg_store_get_property;
  object_class->set_property = mg_store_set_property;

  properties[PROP_DOCUMENT] = g_param_spec_object ("document", NULL, NULL,
                                                   MG_TYPE_DOCUMENT,
                                                   G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_ANNOTATIONS] = g_param_spec_object ("annotations", NULL, NULL,
                                                      MG_TYPE_ANNOTATION_LIST,
                                                      G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_DIRECTORY] = g_param_spec_string ("directory", NULL, NULL,
                                                    NULL,
                                                    G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * MgStore:document-ids:
   *
   * This machine's table of document ids, or %NULL for
   * mg_document_ids_get_default().
   */
  properties[PROP_DOCUMENT_IDS] = g_param_spec_object ("document-ids", NULL, NULL,
                                                       MG_TYPE_DOCUMENT_IDS,
                                                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL,
                                               G_TYPE_FILE,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  properties[PROP_READ_ONLY] = g_param_spec_boolean ("read-only", NULL, NULL,
                                                     FALSE,
                                                     G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MgStore:saving:
   *
   * Whether a save is pending or being written. The application holds
   * itself while it is %TRUE, so that quitting never cuts a save off.
   */
  properties[PROP_SAVING] = g_param_spec_boolean ("saving", NULL, NULL,
                                                  FALSE,
                                                  G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * MgStore:n-unreadable:
   *
   * How many entries of the file could not be read as annotations. They
   * are kept, and written back as they are; the UI says so.
   */
  properties[PROP_N_UNREADABLE] = g_param_spec_uint ("n-unreadable", NULL, NULL,
                                                     0, G_MAXUINT, 0,
                                                     G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MgStore::error:
   * @error: what went wrong, with a message for the user
   *
   * A background save or merge failed. The annotations are still in
   * memory.
   */
  signals[ERROR] = g_signal_new ("error",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * MgStore::saved:
   *
   * The file was written.
   */
  signals[SAVED] = g_signal_new ("saved",
                                 G_TYPE_FROM_CLASS (klass),
                                 G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);

  /**
   * MgStore::merged:
   * @n_changed: how many annotations were added, changed or removed
   *
   * The file was changed by another program, and its changes were merged
   * into the list. @n_changed may be 0 (e.g. only tombstones changed).
   * Annotations that changed are new objects: look them up by id again.
   */
  signals[MERGED] = g_signal_new ("merged",
                                  G_TYPE_FROM_CLASS (klass),
                                  G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
mg_store_init (MgStore *self)
{
  self->mirror = g_ptr_array_new_with_free_func (g_object_unref);
  self->tombstones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->raw_entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->raw_tombstones = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->raw_texts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  self->reported_copies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->flush_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->retry_delay_s = MG_STORE_RETRY_DELAY_S;
  g_mutex_init (&self->job_mutex);
  g_cond_init (&self->job_cond);
}

/**
 * mg_store_new:
 * @document: the document the annotations belong to
 * @annotations: the list to fill and to follow
 * @directory: (nullable): where to keep the files, or %NULL for
 *   mg_store_get_folder()
 *
 * Creates a store. Nothing is read or written before mg_store_load().
 *
 * Returns: (transfer full): a new #MgStore
 */
MgStore *
mg_store_new (MgDocument       *document,
              MgAnnotationList *annotations,
              const char       *directory)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (MG_IS_ANNOTATION_LIST (annotations), NULL);

  return g_object_new (MG_TYPE_STORE,
                       "document", document,
                       "annotations", annotations,
                       "directory", directory,
                       NULL);
}

/**
 * mg_store_new_with_ids:
 * @document: the document the annotations belong to
 * @annotations: the list to fill and to follow
 * @directory: (nullable): where to keep the files, or %NULL for
 *   mg_store_get_folder()
 * @ids: (nullable): the table of document ids to use, or %NULL for this
 *   machine's (tests make one per "machine")
 *
 * mg_store_new() with another table of document ids.
 *
 * Returns: (transfer full): a new #MgStore
 */
MgStore *
mg_store_new_with_ids (MgDocument       *document,
                       MgAnnotationList *annotations,
                       const char       *directory,
                       MgDocumentIds    *ids)
{
  g_return_val_if_fail (MG_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (MG_IS_ANNOTATION_LIST (annotations), NULL);
  g_return_val_if_fail (ids == NULL || MG_IS_DOCUMENT_IDS (ids), NULL);

  return g_object_new (MG_TYPE_STORE,
                       "document", document,
                       "annotations", annotations,
                       "directory", directory,
                       "document-ids", ids,
                       NULL);
}

MgDocument *
mg_store_get_document (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  return self->document;
}

MgAnnotationList *
mg_store_get_annotations (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  return self->annotations;
}

/**
 * mg_store_get_directory:
 * @self: a #MgStore
 *
 * Returns: (transfer none): the directory of the store's files
 */
GFile *
mg_store_get_directory (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  return self->directory;
}

/**
 * mg_store_get_file:
 * @self: a #MgStore
 *
 * Returns: (transfer none): the file the annotations are saved in
 */
GFile *
mg_store_get_file (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  return self->file;
}

/**
 * mg_store_get_read_only:
 * @self: a #MgStore
 *
 * A read-only store never writes its file: the file was written by a
 * newer version of Marginalia, or could not be read or set aside. Edits
 * still work in memory; the UI should say they are not saved.
 *
 * Returns: %TRUE if nothing is saved
 */
gboolean
mg_store_get_read_only (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), FALSE);

  return self->read_only;
}

/**
 * mg_store_discard_changes:
 * @self: a #MgStore
 *
 * Forgets the changes not yet written, because the user chose to: the
 * store writes nothing more (it becomes read-only) and its owner may drop
 * it without it trying to save once more. For a window whose changes
 * could not be saved and that the user closes with "Discard".
 */
void
mg_store_discard_changes (MgStore *self)
{
  g_return_if_fail (MG_IS_STORE (self));

  self->dirty = FALSE;
  _mg_store_set_read_only (self);
  _mg_store_update_saving (self);
}

/**
 * mg_store_get_dirty:
 * @self: a #MgStore
 *
 * Returns: %TRUE if there are changes not yet written
 */
gboolean
mg_store_get_dirty (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), FALSE);

  return self->dirty || _mg_store_write_in_flight (self);
}