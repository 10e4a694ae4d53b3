/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-store-private.h"

/* Writing the store's file: what the store holds, serialised on the main
 * thread and written in a worker thread, one write at a time, only over
 * what we last read or wrote (else the file is merged first); and the
 * flushes, which write what is pending at once: mg_store_flush() for the
 * command line, which waits, and mg_store_flush_async(), which never
 * blocks the main loop. */

struct _MgStoreSaveJob
{
  GFile  *file;
  GBytes *bytes;
  GBytes *expected; /* what the file must hold, or NULL for no file */
  char   *etag;     /* expected on disk, or NULL to write regardless */
  /* Paused while the job writes. */
  MgStoreMonitor *monitor;

  /* Set by the worker thread under MgStore.job_mutex. */
  char    *new_etag;
  GError  *error;
  gboolean done;

  /* Main thread: the result has been taken into the store. */
  gboolean finished;
};

/* A write whose result is not taken into the store yet. */
gboolean
_mg_store_write_in_flight (MgStore *self)
{
  return self->job != NULL && !self->job->finished;
}

/* The state of the store ------------------------------------------------- */

/* An entry kept as it is, with its text as read. */
static MgStoreItem *
raw_item (MgStore     *self,
          MgStoreItem *item)
{
  gpointer key = mg_store_node_key (item->node);

  if (key != NULL)
    item->raw = g_hash_table_lookup (self->raw_texts, key);

  return item;
}

/* The entries and tombstones of the file for what the store holds, as
 * MgStoreItem. */
void
_mg_store_state_items (MgStore    *self,
                       GPtrArray **entries_out,
                       GPtrArray **deleted_out)
{
  GListModel    *model = G_LIST_MODEL (self->annotations);
  guint          n_items = g_list_model_get_n_items (model);
  GPtrArray     *entries = g_ptr_array_new_full (n_items + self->raw_entries->len, mg_store_item_free);
  GPtrArray     *deleted = g_ptr_array_new_full (g_hash_table_size (self->tombstones) + self->raw_tombstones->len, mg_store_item_free);
  GHashTableIter iter;
  gpointer       key;
  gpointer       value;

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (model, i);

      g_ptr_array_add (entries, mg_store_item_new_annotation (annotation));
    }
  for (guint i = 0; i < self->raw_entries->len; i++)
    g_ptr_array_add (entries, raw_item (self, mg_store_item_new_entry_node (g_ptr_array_index (self->raw_entries, i))));

  g_hash_table_iter_init (&iter, self->tombstones);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_ptr_array_add (deleted, mg_store_item_new_tombstone (key, value));
  for (guint i = 0; i < self->raw_tombstones->len; i++)
    g_ptr_array_add (deleted, raw_item (self, mg_store_item_new_tombstone_node (g_ptr_array_index (self->raw_tombstones, i))));

  *entries_out = entries;
  *deleted_out = deleted;
}

/* The bytes of the file for what the store holds: what
 * mg_store_serialize_json() writes for a root node holding what
 * mg_annotation_to_json() gives for each annotation, written straight
 * from the annotations. */
static GBytes *
serialize_state (MgStore *self)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) deleted = NULL;
  gsize size_hint;

  _mg_store_state_items (self, &entries, &deleted);

  /* Most saves write about what was there; else a guess. */
  if (self->disk_bytes != NULL)
    size_hint = g_bytes_get_size (self->disk_bytes) + g_bytes_get_size (self->disk_bytes) / 16;
  else
    size_hint = 1024 + 1024 * (gsize) (entries->len + deleted->len);

  return mg_store_format_write (self->document_id,
                                _mg_store_header_uri (self),
                                mg_document_get_sha256 (self->document),
                                _mg_store_header_title (self),
                                entries, deleted, size_hint);
}

/* Whether serialize_state() would give @bytes, without making it. */
gboolean
_mg_store_state_equals (MgStore *self,
                        GBytes  *bytes)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) deleted = NULL;

  _mg_store_state_items (self, &entries, &deleted);

  return mg_store_format_equals (self->document_id,
                                 _mg_store_header_uri (self),
                                 mg_document_get_sha256 (self->document),
                                 _mg_store_header_title (self),
                                 entries, deleted, bytes);
}

/* Saving ----------------------------------------------------------------- */

static void
save_job_free (gpointer data)
{
  MgStoreSaveJob *job = data;

  g_clear_object (&job->file);
  g_clear_object (&job->monitor);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job->etag);
  g_clear_pointer (&job->expected, g_bytes_unref);
  g_free (job->new_etag);
  g_clear_error (&job->error);
  g_free (job);
}

static void
save_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  MgStore         *self = source_object;
  MgStoreSaveJob  *job = task_data;
  g_autofree char *new_etag = NULL;
  g_autoptr (GError) error = NULL;

  mg_store_io_write (job->file, job->bytes, job->expected, job->etag, &new_etag, &error);

  g_mutex_lock (&self->job_mutex);
  job->new_etag = g_steal_pointer (&new_etag);
  job->error = g_steal_pointer (&error);
  job->done = TRUE;
  g_cond_broadcast (&self->job_cond);
  g_mutex_unlock (&self->job_mutex);

  g_task_return_boolean (task, TRUE);
}

static GError *
save_error_new (MgStore      *self,
                const GError *cause)
{
  g_autofree char *path = g_file_get_parse_name (self->file);

  return g_error_new (MG_STORE_ERROR, MG_STORE_ERROR_SAVE_FAILED,
                      _ ("Your annotations could not be saved to “%s”: %s. They are kept in memory, and saving is tried again at the next change."),
                      path, cause->message);
}

/* The file holds everything the store holds: the old file of a moved or
 * migrated document, and the conflict copies merged, can go. */
static void
file_holds_all (MgStore *self)
{
  if (self->moved_from != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!g_file_delete (self->moved_from, NULL, &error) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_warning ("The annotations of a moved document were saved anew, but their old file could not be removed: %s",
                   error->message);
      g_clear_object (&self->moved_from);
    }

  _mg_store_set_aside_merged_copies (self);
  _mg_store_remember_id (self);
}

/* A write of @bytes succeeded. */
static void
note_written (MgStore    *self,
              GBytes     *bytes,
              const char *etag)
{
  g_debug ("Saved %s (%" G_GSIZE_FORMAT " bytes)",
           g_file_peek_path (self->file), g_bytes_get_size (bytes));

  g_clear_pointer (&self->disk_bytes, g_bytes_unref);
  self->disk_bytes = g_bytes_ref (bytes);
  _mg_store_set_str (&self->disk_etag, etag);

  file_holds_all (self);

  _mg_store_request_cache (self);

  _mg_store_emit_saved (self);
}

/* For tests: how long a failed save waits before it is tried again. */
void
_mg_store_set_retry_delay (MgStore *self,
                           guint    seconds)
{
  self->retry_delay_s = seconds;
}

static gboolean
retry_cb (gpointer data)
{
  MgStore *self = data;

  self->retry_source = 0;
  self->retrying = TRUE;
  _mg_store_start_save (self);

  return G_SOURCE_REMOVE;
}

/* A failed save is tried again after a while (space may come back). The
 * wait is not #MgStore:saving: quitting is not held up by it. */
static void
schedule_retry (MgStore *self)
{
  if (self->read_only || self->retry_source != 0)
    return;

  self->retry_source = g_timeout_add_seconds (self->retry_delay_s, retry_cb, self);
}

/* Takes the result of a write into the store, once. */
static void
finish_job (MgStore        *self,
            MgStoreSaveJob *job,
            gboolean        report)
{
  if (job->finished)
    return;

  job->finished = TRUE;

  if (job->error == NULL)
    {
      self->retrying = FALSE;
      g_clear_handle_id (&self->retry_source, g_source_remove);
      note_written (self, job->bytes, job->new_etag);
    }
  else if (g_error_matches (job->error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG))
    {
      /* Changed on disk since we last looked: merge, then save. */
      g_debug ("%s changed on disk before our write: merging first",
               g_file_peek_path (self->file));
      self->dirty = TRUE;
      self->check_again = TRUE;
      self->save_again = TRUE;
    }
  else
    {
      /* Nothing was written: the file is as it was, the changes are in
       * memory. Tried again at the next change, or after a while. A retry
       * that fails again says nothing new. */
      self->dirty = TRUE;
      if (report && !self->retrying)
        {
          g_autoptr (GError) error = save_error_new (self, job->error);

          _mg_store_emit_error (self, error);
        }
      schedule_retry (self);
    }
}

static void
wait_for_job (MgStore *self)
{
  MgStoreSaveJob *job = self->job;

  if (job == NULL)
    return;

  g_mutex_lock (&self->job_mutex);
  while (!job->done)
    g_cond_wait (&self->job_cond, &self->job_mutex);
  g_mutex_unlock (&self->job_mutex);
}

static void
save_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  MgStore        *self = MG_STORE (object);
  MgStoreSaveJob *job = g_task_get_task_data (G_TASK (result));
  gboolean        again;

  g_task_propagate_boolean (G_TASK (result), NULL);

  finish_job (self, job, TRUE);
  if (self->job == job)
    self->job = NULL;
  if (job->monitor != NULL)
    mg_store_monitor_unpause (job->monitor);
  g_clear_object (&job->monitor);

  if (self->check_again)
    {
      self->check_again = FALSE;
      _mg_store_check_now (self, TRUE);
    }

  again = self->save_again;
  self->save_again = FALSE;
  if (again && self->dirty)
    _mg_store_start_save (self);

  if (job->error != NULL && !g_error_matches (job->error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG))
    _mg_store_advance_flushes (self, job->error);
  else
    _mg_store_advance_flushes (self, NULL);

  _mg_store_update_saving (self);
}

static gboolean
can_save (MgStore *self)
{
  return self->loaded && !self->read_only && self->suspect_bytes == NULL;
}

static void
write_async (MgStore *self)
{
  g_autoptr (GTask) task = NULL;
  GBytes         *bytes;
  MgStoreSaveJob *job;

  bytes = serialize_state (self);
  if (self->disk_bytes != NULL && g_bytes_equal (bytes, self->disk_bytes))
    {
      g_bytes_unref (bytes);
      self->dirty = FALSE;
      file_holds_all (self);
      return;
    }

  job = g_new0 (MgStoreSaveJob, 1);
  job->file = g_object_ref (self->file);
  job->bytes = bytes;
  job->etag = g_strdup (self->disk_etag);
  job->expected = self->disk_bytes ? g_bytes_ref (self->disk_bytes) : NULL;

  /* The job carries every change so far. */
  self->dirty = FALSE;
  self->job = job;
  if (self->monitor != NULL)
    {
      job->monitor = g_object_ref (self->monitor);
      mg_store_monitor_pause (job->monitor);
    }

  task = g_task_new (self, NULL, save_cb, NULL);
  g_task_set_source_tag (task, write_async);
  g_task_set_task_data (task, job, save_job_free);
  g_task_run_in_thread (task, save_thread);
}

void
_mg_store_start_save (MgStore *self)
{
  g_clear_handle_id (&self->save_source, g_source_remove);

  if (!can_save (self))
    ; /* dirty stays set */
  else if (self->flushing)
    ; /* dirty stays set, and the flush writes: never a second writer */
  else if (self->job != NULL)
    self->save_again = TRUE;
  else
    write_async (self);

  _mg_store_update_saving (self);
}

/* Flushing --------------------------------------------------------------- */

static GError *
read_only_error_new (MgStore *self)
{
  g_autofree char *path = g_file_get_parse_name (self->file);

  return g_error_new (MG_STORE_ERROR, MG_STORE_ERROR_READ_ONLY,
                      _ ("Changes to the annotations of “%s” were not saved: “%s” was written by a newer version of Marginalia or cannot be read, and is left untouched."),
                      mg_document_get_title (self->document), path);
}

static GError *
busy_error_new (MgStore *self)
{
  g_autoptr (GError) cause = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_BUSY,
                                                  _ ("the file kept changing while it was being saved"));

  return save_error_new (self, cause);
}

static gboolean
flush (MgStore *self,
       GError **error)
{
  g_clear_handle_id (&self->save_source, g_source_remove);

  if (self->loading && self->load_job != NULL)
    _mg_store_finish_load_now (self);

  if (self->job != NULL)
    {
      wait_for_job (self);
      /* Its failure, if any, is ours to report now. */
      finish_job (self, self->job, FALSE);
    }

  if (!self->loaded)
    return TRUE;

  if (self->read_only)
    {
      if (self->dirty)
        {
          g_propagate_error (error, read_only_error_new (self));
          return FALSE;
        }
      return TRUE;
    }

  /* A changed file that does not parse: no more waiting for it. */
  if (self->suspect_bytes != NULL || self->check_again || self->check_source != 0)
    {
      self->check_again = FALSE;
      _mg_store_check_now (self, FALSE);
      if (self->read_only)
        return flush (self, error);
    }

  if (!self->dirty && self->moved_from == NULL)
    return TRUE;

  for (guint attempt = 0; attempt < MG_STORE_MAX_WRITE_ATTEMPTS; attempt++)
    {
      g_autoptr (GBytes) bytes = serialize_state (self);
      g_autoptr (GError) local_error = NULL;
      g_autofree char *new_etag = NULL;

      if (self->disk_bytes != NULL && g_bytes_equal (bytes, self->disk_bytes))
        {
          self->dirty = FALSE;
          file_holds_all (self);
          return TRUE;
        }

      if (mg_store_io_write (self->file, bytes, self->disk_bytes, self->disk_etag, &new_etag, &local_error))
        {
          self->dirty = FALSE;
          note_written (self, bytes, new_etag);
          return TRUE;
        }

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG))
        {
          self->dirty = TRUE;
          g_propagate_error (error, save_error_new (self, local_error));
          return FALSE;
        }

      g_debug ("%s changed on disk before our write: merging first",
               g_file_peek_path (self->file));
      self->dirty = TRUE;
      _mg_store_check_now (self, FALSE);
      if (self->read_only)
        return flush (self, error);
    }

  g_propagate_error (error, busy_error_new (self));

  return FALSE;
}

/**
 * mg_store_flush:
 * @self: a #MgStore
 * @error: return location for a #GError
 *
 * Saves now, synchronously, if anything is unsaved: for quitting and for
 * the command line. A write in flight is waited for first, so the two
 * never race. If the file changed on disk meanwhile, it is merged first.
 *
 * A read-only store (see mg_store_get_read_only()) writes nothing: it
 * fails with %MG_STORE_ERROR_READ_ONLY when there are changes since it was
 * loaded, and succeeds when there are none.
 *
 * Returns: %TRUE if everything is saved
 */
gboolean
mg_store_flush (MgStore *self,
                GError **error)
{
  gboolean ret;

  g_return_val_if_fail (MG_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  self->flushing = TRUE;
  ret = flush (self, error);
  self->flushing = FALSE;
  _mg_store_update_saving (self);

  return ret;
}

/* Takes the flushes of mg_store_flush_async() a step further: called
 * when one starts, and whenever a load or a write ends. Each step is a
 * write in a thread, never a wait; the flushes end when nothing is left
 * to write, or when a write failed (@write_error). */
void
_mg_store_advance_flushes (MgStore      *self,
                           const GError *write_error)
{
  g_autoptr (GPtrArray) tasks = NULL;
  g_autoptr (GError) error = NULL;

  if (self->flush_tasks->len == 0)
    return;

  if (write_error == NULL)
    {
      /* Called again when they end. */
      if (self->load_job != NULL || self->job != NULL)
        return;

      if (self->loaded && !self->read_only)
        {
          /* A changed file that does not parse: no more waiting for it. */
          if (self->suspect_bytes != NULL || self->check_again || self->check_source != 0)
            {
              self->check_again = FALSE;
              _mg_store_check_now (self, FALSE);
              if (self->job != NULL)
                return;
            }

          if ((self->dirty || self->moved_from != NULL) && can_save (self) && self->flush_attempts < MG_STORE_MAX_WRITE_ATTEMPTS)
            {
              self->flush_attempts++;
              g_clear_handle_id (&self->save_source, g_source_remove);
              write_async (self);
              if (self->job != NULL)
                return;
            }
        }
    }

  if (write_error != NULL)
    error = save_error_new (self, write_error);
  else if (self->loaded && self->dirty && self->read_only)
    error = read_only_error_new (self);
  else if (self->loaded && self->dirty)
    error = busy_error_new (self);

  tasks = g_steal_pointer (&self->flush_tasks);
  self->flush_tasks = g_ptr_array_new_with_free_func (g_object_unref);
  self->flush_attempts = 0;

  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);

      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
    }

  _mg_store_update_saving (self);
}

/**
 * mg_store_flush_async:
 * @self: a #MgStore
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once everything is saved, or could not be
 * @user_data: for @callback
 *
 * mg_store_flush() without blocking the main loop: writes what is pending
 * at once (after the load in flight, if any, and the write in flight),
 * merging first a file changed on disk. For closing a window: hide it,
 * then flush.
 *
 * Cancelling only stops the wait: a write that started is never cut off.
 */
void
mg_store_flush_async (MgStore            *self,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (MG_IS_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mg_store_flush_async);
  g_task_set_return_on_cancel (task, TRUE);

  g_ptr_array_add (self->flush_tasks, g_steal_pointer (&task));
  _mg_store_advance_flushes (self, NULL);
  _mg_store_update_saving (self);
}

/**
 * mg_store_flush_finish:
 * @self: a #MgStore
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: what mg_store_flush() returns, with the same errors
 */
gboolean
mg_store_flush_finish (MgStore      *self,
                       GAsyncResult *result,
                       GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
