/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-anchor.h"
#include "mg-annotation-json.h"
#include "mg-file-private.h"
#include "mg-json-private.h"
#include "mg-store-cache.h"
#include "mg-store-private.h"

/* Reading the file into the store: the first load (in a worker thread for
 * mg_store_load_async(), with the cache when it is for the same bytes),
 * and again whenever the file changed on disk, merged into the list with
 * the pieces of mg-store-merge.c. A file that does not parse is set aside
 * (after some patience: it may still be being written); one of a newer
 * format makes the store read-only. */

static void
warn_renumbered (GFile *file,
                 guint  n)
{
  if (n > 0)
    g_warning (ngettext ("%s: %u annotation repeated the id of another one: it was given a new id, and is kept",
                         "%s: %u annotations repeated the id of another one: they were given new ids, and are kept",
                         n),
               g_file_peek_path (file), n);
}

/* mg_store_parse_bytes(), and entries that repeat an id renumbered, as
 * the log says. @raw_texts: (out): the texts of the entries as read. */
static JsonNode *
parse_file (GFile       *file,
            GBytes      *bytes,
            GHashTable **raw_texts,
            GError     **error)
{
  JsonNode *root = mg_store_parse_bytes (bytes, error);

  if (root == NULL)
    return NULL;

  *raw_texts = mg_store_format_raw_texts (bytes, root);
  warn_renumbered (file, mg_store_format_renumber_repeats (root, *raw_texts));

  return root;
}

/* The size of the largest file a store reads. A bigger one is left as it
 * is (the store is read-only) rather than let it take all the memory:
 * reading a file takes about three times its size. Tests lower it with
 * MG_STORE_TEST_MAX_SIZE. */
goffset
_mg_store_max_size (void)
{
  const char *test = g_getenv ("MG_STORE_TEST_MAX_SIZE");

  if (test != NULL)
    return g_ascii_strtoll (test, NULL, 10);

  return MG_STORE_MAX_SIZE;
}

/* The size of @file when it is over _mg_store_max_size(), else 0. */
static goffset
size_over_limit (GFile *file)
{
  g_autoptr (GFileInfo) info = NULL;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, NULL, NULL);
  if (info == NULL || g_file_info_get_size (info) <= _mg_store_max_size ())
    return 0;

  return g_file_info_get_size (info);
}

/* What the store says of the document (mg_store_get_header_uri()...),
 * from a file read without its tree: as _mg_store_take_header().
 * Returns whether the file says what the store would write: the text's
 * SHA-256, and the "uri" and "title" it keeps (another machine's, for a
 * file of the same text, which is no reason to write it). */
static gboolean
take_cached_header (MgStore                    *self,
                    const MgStoreCacheContents *cache)
{
  if (cache->uri != NULL && *cache->uri != '\0' && g_strcmp0 (cache->sha256, mg_document_get_sha256 (self->document)) == 0)
    {
      _mg_store_set_str (&self->header_uri, cache->uri);
      _mg_store_set_str (&self->header_title, cache->title);
    }
  else
    {
      g_clear_pointer (&self->header_uri, g_free);
      g_clear_pointer (&self->header_title, g_free);
    }

  return g_strcmp0 (cache->sha256, mg_document_get_sha256 (self->document)) == 0 && g_strcmp0 (cache->uri, _mg_store_header_uri (self)) == 0 && g_strcmp0 (cache->title, _mg_store_header_title (self)) == 0;
}

static void
too_large_error (MgStore *self,
                 goffset  size,
                 GError **error)
{
  g_autofree char *path = g_file_get_parse_name (self->file);
  g_autofree char *size_text = g_format_size (size);
  g_autofree char *limit_text = g_format_size (_mg_store_max_size ());

  /* Translators: the document's title, the file's path, its size and the
   * largest size read, e.g. "900 MB" and "268 MB". */
  g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_TOO_LARGE,
               _ ("The annotations of “%s” are too many to open: their file “%s” holds %s, and the limit is %s. The file is left as it is, and changes made here are not saved. To annotate this document again, move that file out of its folder."),
               mg_document_get_title (self->document), path, size_text, limit_text);
}

/* Whether @node holds @annotation, as JSON: the same compact text,
 * written without repairs, is the same JSON; another text may still be
 * (members in another order, numbers written otherwise). */
static gboolean
annotation_matches (MgAnnotation *annotation,
                    JsonNode     *node)
{
  g_autoptr (MgStoreItem) ours = mg_store_item_new_annotation (annotation);
  g_autoptr (MgStoreItem) theirs = mg_store_item_new_entry_node (node);

  return mg_store_items_equal (ours, theirs);
}

/* Keeps the texts as read of the entries kept as they are: from the
 * file just read, or from what we held. */
static void
keep_raw_texts (MgStore    *self,
                GHashTable *disk_texts,
                GHashTable *old_texts)
{
  GPtrArray *arrays[] = { self->raw_entries, self->raw_tombstones };

  for (guint a = 0; a < G_N_ELEMENTS (arrays); a++)
    {
      for (guint i = 0; i < arrays[a]->len; i++)
        {
          gpointer    key = mg_store_node_key (g_ptr_array_index (arrays[a], i));
          const char *text = NULL;

          if (key == NULL)
            continue;
          if (disk_texts != NULL)
            text = g_hash_table_lookup (disk_texts, key);
          if (text == NULL && old_texts != NULL)
            text = g_hash_table_lookup (old_texts, key);
          if (text != NULL)
            g_hash_table_replace (self->raw_texts, key, g_strdup (text));
        }
    }
}

/* @why: the reader's message, or NULL for an entry without an id. */
static void
warn_unreadable (const char *path,
                 const char *why)
{
  g_warning ("%s: an annotation could not be read (%s); it is kept in the file as it is",
             path, why != NULL ? why : _ ("it has no id"));
}

/* Merges the file's contents into the list: makes the list and the
 * tombstones what mg_store_merge_json() says of our state (as the file
 * would hold it) and the file, without building either tree. Returns how
 * many annotations were added, replaced or removed. */
static guint
merge_into_list (MgStore    *self,
                 JsonNode   *disk,
                 GHashTable *disk_texts)
{
  g_autoptr (GHashTable) keep = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) add = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) remove = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func (mg_store_item_free);
  g_autoptr (GPtrArray) old_raw_entries = NULL;
  g_autoptr (GPtrArray) old_raw_tombstones = NULL;
  g_autoptr (GHashTable) old_tombstones = NULL;
  g_autoptr (GHashTable) old_texts = NULL;
  g_autofree char *path = g_file_get_parse_name (self->file);
  GListModel      *model = G_LIST_MODEL (self->annotations);
  MgStoreMerge     merge;
  GHashTableIter   iter;
  gpointer         key;
  gpointer         value;
  guint            n_changed = 0;
  guint            n_items;

  /* What we hold is ours in the merge, and made anew by it. The merge
   * borrows from the old values until the end. */
  old_texts = g_steal_pointer (&self->raw_texts);
  self->raw_texts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  old_raw_entries = g_steal_pointer (&self->raw_entries);
  old_raw_tombstones = g_steal_pointer (&self->raw_tombstones);
  old_tombstones = g_steal_pointer (&self->tombstones);
  self->raw_entries = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->raw_tombstones = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  self->tombstones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  mg_store_merge_init (&merge);

  n_items = g_list_model_get_n_items (model);
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (model, i);

      mg_store_merge_add_candidate (&merge, mg_store_candidate_new_for_annotation (annotation));
    }
  for (guint i = 0; i < old_raw_entries->len; i++)
    mg_store_merge_add_entry (&merge, g_ptr_array_index (old_raw_entries, i), TRUE);

  g_hash_table_iter_init (&iter, old_tombstones);
  while (g_hash_table_iter_next (&iter, &key, &value))
    mg_store_merge_add_tombstone_full (&merge, NULL, key, value);
  for (guint i = 0; i < old_raw_tombstones->len; i++)
    mg_store_merge_add_tombstone (&merge, g_ptr_array_index (old_raw_tombstones, i));

  mg_store_merge_add_file (&merge, disk, FALSE);
  mg_store_merge_apply_tombstones (&merge);

  /* The entries that stay, in the file's order. */
  for (guint i = 0; i < merge.candidates->len; i++)
    {
      MgStoreCandidate *candidate = g_ptr_array_index (merge.candidates, i);
      MgStoreItem      *item;

      if (candidate->lost)
        continue;
      if (candidate->node != NULL)
        item = mg_store_item_new_entry_node (candidate->node);
      else
        item = mg_store_item_new_annotation (candidate->ours);
      item->data = candidate;
      g_ptr_array_add (entries, item);
    }
  g_hash_table_iter_init (&iter, merge.idless);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (entries, mg_store_item_new_entry_node (value));
  mg_store_items_sort (entries);

  for (guint i = 0; i < entries->len; i++)
    {
      MgStoreItem      *item = g_ptr_array_index (entries, i);
      MgStoreCandidate *candidate = item->data;
      JsonNode         *node;
      const char       *id;
      g_autoptr (MgAnnotation) annotation = NULL;
      g_autoptr (GError) error = NULL;
      MgAnnotation *existing = NULL;

      /* One of ours that stays as it is. */
      if (candidate != NULL && candidate->ours != NULL)
        {
          g_hash_table_add (keep, (gpointer) candidate->id);
          continue;
        }

      node = candidate != NULL ? candidate->node : item->node;
      id = candidate != NULL ? candidate->id : NULL;

      if (id != NULL)
        existing = mg_annotation_list_lookup (self->annotations, id);

      if (existing != NULL && annotation_matches (existing, node))
        {
          g_hash_table_add (keep, (gpointer) mg_annotation_get_id (existing));
          continue;
        }

      if (candidate != NULL)
        {
          mg_store_candidate_get_valid (candidate);
          annotation = g_steal_pointer (&candidate->parsed);
          error = g_steal_pointer (&candidate->error);
        }

      if (annotation == NULL)
        {
          warn_unreadable (path, error ? error->message : NULL);
          g_ptr_array_add (self->raw_entries, json_node_copy (node));
          /* Never lose the one we have for one we cannot read. */
          if (existing != NULL)
            g_hash_table_add (keep, (gpointer) mg_annotation_get_id (existing));
          continue;
        }

      mg_anchor_annotation (annotation, self->document);
      g_hash_table_add (keep, (gpointer) id);
      g_hash_table_add (keep, (gpointer) mg_annotation_get_id (annotation));
      g_ptr_array_add (add, g_steal_pointer (&annotation));
      n_changed++;
    }

  g_hash_table_iter_init (&iter, merge.tombstones);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      MgStoreTombstone *tombstone = value;

      g_hash_table_replace (self->tombstones, g_strdup (tombstone->id), g_strdup (tombstone->text));
    }
  g_hash_table_iter_init (&iter, merge.raw_tombstones);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (self->raw_tombstones, json_node_copy (value));

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (model, i);

      if (!g_hash_table_contains (keep, mg_annotation_get_id (annotation)))
        g_ptr_array_add (remove, g_steal_pointer (&annotation));
    }

  /* Our own changes to the list make no tombstones. */
  self->updating = TRUE;
  for (guint i = 0; i < remove->len; i++)
    mg_annotation_list_remove (self->annotations, g_ptr_array_index (remove, i));
  if (add->len > 0)
    mg_annotation_list_add_many (self->annotations, add);
  self->updating = FALSE;

  g_clear_pointer (&entries, g_ptr_array_unref);
  mg_store_merge_clear (&merge);

  keep_raw_texts (self, disk_texts, old_texts);
  _mg_store_update_unreadable (self);

  return n_changed + remove->len;
}

/* merge_into_list(), for another file of the same document (a conflict
 * copy). */
guint
_mg_store_merge_file_into_list (MgStore    *self,
                                JsonNode   *root,
                                GHashTable *texts)
{
  return merge_into_list (self, root, texts);
}

/* Whether what the store holds is the file's content, as JSON: whether
 * our state as the file would hold it is json_node_equal() to
 * mg_store_merge_json (disk, NULL, NULL), without building either tree. */
static gboolean
same_content (MgStore  *self,
              JsonNode *disk)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GPtrArray) deleted = NULL;
  g_autoptr (GPtrArray) disk_entries = g_ptr_array_new_with_free_func (mg_store_item_free);
  g_autoptr (GPtrArray) disk_deleted = g_ptr_array_new_with_free_func (mg_store_item_free);
  JsonObject    *document = mg_json_node_get_object (json_object_get_member (mg_json_node_get_object (disk), "document"));
  MgStoreMerge   merge;
  GHashTableIter iter;
  gpointer       value;
  gboolean       same;

  /* Only the id of the document: two machines with two versions of its
   * text (or titles) that wrote their own after each other's change would
   * write the file back and forth for ever. Each writes its own at its
   * next change. */
  if (g_strcmp0 (self->document_id, mg_json_object_get_string (document, "id")) != 0)
    return FALSE;

  /* The file in canonical form, as mg_store_merge_json() makes it. */
  mg_store_merge_init (&merge);
  mg_store_merge_add_file (&merge, disk, TRUE);
  mg_store_merge_apply_tombstones (&merge);
  for (guint i = 0; i < merge.candidates->len; i++)
    {
      MgStoreCandidate *candidate = g_ptr_array_index (merge.candidates, i);

      if (!candidate->lost)
        g_ptr_array_add (disk_entries, mg_store_item_new_entry_node (candidate->node));
    }
  g_hash_table_iter_init (&iter, merge.idless);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (disk_entries, mg_store_item_new_entry_node (value));
  g_hash_table_iter_init (&iter, merge.tombstones);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (disk_deleted, mg_store_item_new_tombstone_node (((MgStoreTombstone *) value)->node));
  g_hash_table_iter_init (&iter, merge.raw_tombstones);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (disk_deleted, mg_store_item_new_tombstone_node (value));

  _mg_store_state_items (self, &entries, &deleted);
  same = mg_store_items_all_equal (entries, disk_entries) && mg_store_items_all_equal (deleted, disk_deleted);

  /* The items borrow from the merge. */
  g_clear_pointer (&disk_entries, g_ptr_array_unref);
  g_clear_pointer (&disk_deleted, g_ptr_array_unref);
  mg_store_merge_clear (&merge);

  return same;
}

/* Sets a file that does not parse aside, and says so in @error. */
static void
handle_corrupt (MgStore      *self,
                const GError *cause,
                GError      **error)
{
  g_autoptr (GError) move_error = NULL;
  g_autoptr (GFile) aside = NULL;
  g_autofree char *path = g_file_get_parse_name (self->file);
  const char      *title = mg_document_get_title (self->document);

  aside = mg_store_io_set_aside (self->file, &move_error);
  if (aside == NULL)
    {
      _mg_store_set_read_only (self);
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                   _ ("The annotations of “%s” could not be read from “%s”: %s. The file could not be moved aside either (%s), so it is left as it is and changes are not saved."),
                   title, path, cause->message, move_error->message);
      return;
    }

  g_clear_pointer (&self->disk_bytes, g_bytes_unref);
  g_clear_pointer (&self->disk_etag, g_free);
  g_clear_pointer (&self->suspect_bytes, g_bytes_unref);

  {
    g_autofree char *aside_path = g_file_get_parse_name (aside);

    g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                 _ ("The annotations of “%s” could not be read: %s. The file was kept as “%s”, and new annotations are saved in a new file."),
                 title, cause->message, aside_path);
  }
}

static void
newer_version_error (MgStore      *self,
                     const GError *cause,
                     GError      **error)
{
  g_autofree char *path = g_file_get_parse_name (self->file);

  g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NEWER_VERSION,
               _ ("The annotations of “%s” were saved by a newer version of Marginalia (%s). They are left untouched in “%s”, and changes made here are not saved."),
               mg_document_get_title (self->document), cause->message, path);
}

static gboolean
check_timeout_cb (gpointer data)
{
  MgStore *self = data;

  self->check_source = 0;
  _mg_store_check_now (self, TRUE);

  return G_SOURCE_REMOVE;
}

void
_mg_store_schedule_check (MgStore *self,
                          guint    delay_ms)
{
  g_clear_handle_id (&self->check_source, g_source_remove);
  self->check_source = g_timeout_add (delay_ms, check_timeout_cb, self);
}

/* Reads the file and merges what someone else changed. @patient: a file
 * that does not parse is given time to be completed before it is set
 * aside. */
void
_mg_store_check_now (MgStore *self,
                     gboolean patient)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GHashTable) disk_texts = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *etag = NULL;
  gsize            len;
  guint            n_changed;
  goffset          size;

  g_clear_handle_id (&self->check_source, g_source_remove);

  if (!self->loaded || self->read_only)
    return;

  if (_mg_store_write_in_flight (self))
    {
      self->check_again = TRUE;
      return;
    }

  /* Grown elsewhere beyond what is read: never written over. */
  size = size_over_limit (self->file);
  if (size > 0)
    {
      too_large_error (self, size, &error);
      _mg_store_set_read_only (self);
      _mg_store_emit_error (self, error);
      return;
    }

  if (!mg_file_load_contents (self->file, NULL, &contents, &len, &etag, &error))
    {
      if (mg_store_io_is_missing (error))
        {
          /* Removed behind our back: what we have is all there is. */
          g_clear_pointer (&self->disk_bytes, g_bytes_unref);
          g_clear_pointer (&self->disk_etag, g_free);
          g_clear_pointer (&self->suspect_bytes, g_bytes_unref);
          if (_mg_store_has_content (self))
            _mg_store_schedule_save (self);
        }
      else
        {
          g_warning ("The annotations file changed but could not be read: %s", error->message);
        }
      return;
    }

  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

  if (self->disk_bytes != NULL && g_bytes_equal (bytes, self->disk_bytes))
    {
      /* Our own write, or a touch. */
      _mg_store_set_str (&self->disk_etag, etag);
      g_clear_pointer (&self->suspect_bytes, g_bytes_unref);
      return;
    }

  root = parse_file (self->file, bytes, &disk_texts, &parse_error);
  if (root == NULL)
    {
      g_autoptr (GError) report = NULL;

      if (g_error_matches (parse_error, MG_STORE_ERROR, MG_STORE_ERROR_NEWER_VERSION))
        {
          newer_version_error (self, parse_error, &report);
          _mg_store_set_read_only (self);
          _mg_store_emit_error (self, report);
          return;
        }

      if (patient && (self->suspect_bytes == NULL || !g_bytes_equal (bytes, self->suspect_bytes)))
        {
          g_clear_pointer (&self->suspect_bytes, g_bytes_unref);
          self->suspect_bytes = g_bytes_ref (bytes);
          _mg_store_schedule_check (self, MG_STORE_SUSPECT_DELAY_MS);
          return;
        }

      handle_corrupt (self, parse_error, &report);
      _mg_store_emit_error (self, report);
      if (!self->read_only)
        _mg_store_schedule_save (self);
      return;
    }

  g_clear_pointer (&self->suspect_bytes, g_bytes_unref);

  n_changed = merge_into_list (self, root, disk_texts);
  _mg_store_take_header (self, root);
  g_debug ("Merged a change to %s made elsewhere: %u annotations changed",
           g_file_peek_path (self->file), n_changed);

  g_clear_pointer (&self->disk_bytes, g_bytes_unref);
  self->disk_bytes = g_bytes_ref (bytes);
  _mg_store_set_str (&self->disk_etag, etag);

  /* Save the merged result if the other copy lacked something of ours.
   * Compared by content, not bytes: two writers that format differently
   * must not rewrite each other's files forever. */
  if (!same_content (self, root))
    {
      self->dirty = TRUE;
      _mg_store_start_save (self);
    }

  _mg_store_emit_merged (self, n_changed);
}

/* Fills the empty store with what its cache held (read and anchored by
 * the load job). */
static void
apply_cache (MgStore              *self,
             MgStoreCacheContents *contents)
{
  /* What is read makes no tombstones. */
  self->updating = TRUE;
  mg_annotation_list_add_many (self->annotations, contents->annotations);
  self->updating = FALSE;

  g_ptr_array_extend_and_steal (self->raw_entries, g_steal_pointer (&contents->raw_entries));
  g_ptr_array_extend_and_steal (self->raw_tombstones, g_steal_pointer (&contents->raw_tombstones));
  g_clear_pointer (&self->raw_texts, g_hash_table_unref);
  self->raw_texts = g_steal_pointer (&contents->raw_texts);
  _mg_store_update_unreadable (self);
  g_clear_pointer (&self->tombstones, g_hash_table_unref);
  self->tombstones = g_steal_pointer (&contents->tombstones);
}

/* What a load reads, in a worker thread for mg_store_load_async(): the
 * file (or that of the moved document), and either what its cache holds,
 * anchored, or its JSON tree. Nothing of the store is touched. */
typedef struct
{
  GFile      *file;
  GFile      *directory;
  GFile      *cache_file; /* NULL: not for this load */
  MgDocument *document;

  GBytes  *bytes;
  char    *etag;
  GError  *read_error;
  GFile   *found;
  gboolean moved;
  /* A version 1 file beside the file of the document's id. */
  GFile  *legacy;
  GBytes *legacy_bytes;
  /* The id of the file found by hash, if it has one (version 2). */
  char *found_id;
  /* Conflict copies of the file (MgStoreCopy), or NULL. */
  GPtrArray *copies;

  goffset too_large; /* the file's size, when over _mg_store_max_size() */

  /* Read from the cache, or an entry at a time (streamed), for a store
   * that held nothing (empty). */
  gboolean             empty;
  MgStoreCacheContents cache;
  gboolean             cached;
  gboolean             streamed;
  GPtrArray           *why; /* streamed: why each raw entry cannot be read */

  JsonNode   *root;
  GHashTable *raw_texts;
  GError     *parse_error;

  /* Set by the worker under MgStore.job_mutex. */
  gboolean done;
  /* Main thread: taken into the store (by a flush that could not wait),
   * with this result. */
  gboolean applied;
  gboolean apply_ret;
  GError  *apply_error;
} LoadJob;

static void
load_job_free (gpointer data)
{
  LoadJob *job = data;

  g_clear_object (&job->file);
  g_clear_object (&job->directory);
  g_clear_object (&job->cache_file);
  g_clear_object (&job->document);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job->etag);
  g_clear_error (&job->read_error);
  g_clear_object (&job->found);
  g_clear_object (&job->legacy);
  g_clear_pointer (&job->legacy_bytes, g_bytes_unref);
  g_free (job->found_id);
  g_clear_pointer (&job->copies, g_ptr_array_unref);
  mg_store_cache_contents_clear (&job->cache);
  g_clear_pointer (&job->why, g_ptr_array_unref);
  g_clear_pointer (&job->root, json_node_unref);
  g_clear_pointer (&job->raw_texts, g_hash_table_unref);
  g_clear_error (&job->parse_error);
  g_clear_error (&job->apply_error);
  g_free (job);
}

static void
load_job_run (LoadJob *job)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize            len;
  guint            n_renumbered = 0;

  mg_store_io_remove_stale_temporary_files (job->directory);

  job->too_large = size_over_limit (job->file);
  if (job->too_large > 0)
    return;

  if (mg_file_load_contents (job->file, NULL, &contents, &len, &job->etag, &local_error))
    {
      job->bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
      /* A version 1 file left beside it (a migration cut off, or another
       * machine's): merged in, then removed. */
      if (mg_file_load_contents (job->legacy, NULL, &contents, &len, NULL, NULL))
        job->legacy_bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
    }
  else if (!mg_store_io_is_missing (local_error))
    {
      job->read_error = g_steal_pointer (&local_error);
      return;
    }
  else
    {
      g_clear_error (&local_error);
      /* The version 1 file of the document's URI: migrated, and removed
       * once the new file is written. */
      if (mg_file_load_contents (job->legacy, NULL, &contents, &len, NULL, &local_error))
        {
          job->bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
          job->found = g_object_ref (job->legacy);
          job->moved = TRUE;
        }
      else if (!mg_store_io_is_missing (local_error))
        {
          job->read_error = g_steal_pointer (&local_error);
          job->found = g_object_ref (job->legacy);
          return;
        }
      else
        job->found = mg_store_io_find_by_hash (job->directory, job->file, job->document, &job->bytes, &job->moved);
    }

  /* Conflict copies of the file, or of the one found by hash. */
  {
    g_autofree char *name = g_file_get_basename (job->file);

    job->copies = mg_store_conflicts_read (job->directory, name);
  }

  /* Nothing stored yet. */
  if (job->bytes == NULL)
    return;

  /* Anchoring needs the code points, and the header's check the text's
   * checksum; both are made here, off the main thread, whichever way the
   * annotations are read. */
  mg_document_get_chars (job->document, NULL);
  mg_document_get_sha256 (job->document);

  if (job->found == NULL && job->cache_file != NULL && mg_store_cache_read (job->cache_file, job->bytes, &job->cache))
    job->cached = TRUE;
  /* Tests compare it with the tree through MG_STORE_TEST_TREE. */
  else if (job->empty && job->found == NULL && g_getenv ("MG_STORE_TEST_TREE") == NULL && mg_store_stream_read (job->bytes, &job->cache, &n_renumbered, &job->why))
    job->streamed = TRUE;

  if (job->cached || job->streamed)
    {
      warn_renumbered (job->found ? job->found : job->file, n_renumbered);
      for (guint i = 0; i < job->cache.annotations->len; i++)
        mg_anchor_annotation (g_ptr_array_index (job->cache.annotations, i), job->document);
      return;
    }

  job->root = parse_file (job->found ? job->found : job->file, job->bytes, &job->raw_texts, &job->parse_error);

  /* A file of another id found by hash is the document's file from now
   * on, with its conflict copies. */
  if (job->root != NULL && job->found != NULL && job->found != job->legacy)
    {
      JsonObject *document = mg_json_node_get_object (json_object_get_member (mg_json_node_get_object (job->root), "document"));
      const char *id = mg_json_object_get_string (document, "id");

      if (mg_document_id_is_valid (id))
        {
          g_autofree char *name = g_file_get_basename (job->found);

          job->found_id = g_strdup (id);
          g_clear_pointer (&job->copies, g_ptr_array_unref);
          job->copies = mg_store_conflicts_read (job->directory, name);
        }
    }
}

static LoadJob *
load_job_new (MgStore *self)
{
  LoadJob *job = g_new0 (LoadJob, 1);

  job->file = g_object_ref (self->file);
  job->legacy = g_object_ref (self->legacy_file);
  job->directory = g_object_ref (self->directory);
  job->document = g_object_ref (self->document);
  /* The cache is what a file gives an empty store. */
  job->empty = !_mg_store_has_content (self);
  if (self->cache_file != NULL && job->empty)
    job->cache_file = g_object_ref (self->cache_file);

  return job;
}

static void
load_begin (MgStore *self)
{
  self->loading = TRUE;
  _mg_store_connect_list (self);
}

/* A version 1 file beside the document's file: merged in, and removed
 * once the file holds it. One that does not parse is left alone. */
static void
merge_legacy (MgStore *self,
              GBytes  *bytes)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) texts = NULL;
  g_autoptr (JsonNode) root = parse_file (self->legacy_file, bytes, &texts, &error);

  if (root == NULL)
    {
      g_autoptr (GError) move_error = NULL;
      g_autoptr (GError) report = NULL;
      g_autoptr (GFile) aside = mg_store_io_set_aside (self->legacy_file, &move_error);
      g_autofree char *path = g_file_get_parse_name (aside != NULL ? aside : self->legacy_file);

      report = g_error_new (MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT,
                            _ ("Older annotations of “%s” could not be read: %s. The file was kept as “%s”."),
                            mg_document_get_title (self->document), error->message, path);
      _mg_store_emit_error (self, report);
      return;
    }

  merge_into_list (self, root, texts);
  g_set_object (&self->moved_from, self->legacy_file);
  self->dirty = TRUE;
}

/* Takes what the job read into the store, on the main thread. */
static gboolean
load_apply (MgStore *self,
            LoadJob *job,
            GError **error)
{
  g_autoptr (JsonNode) root = g_steal_pointer (&job->root);

  self->loading = FALSE;
  self->loaded = TRUE;

  if (job->read_error != NULL)
    {
      g_autofree char *path = g_file_get_parse_name (job->found != NULL ? job->found : self->file);

      _mg_store_set_read_only (self);
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_READ_ONLY,
                   _ ("The annotations of “%s” could not be read: %s. The file “%s” is left as it is, and changes are not saved."),
                   mg_document_get_title (self->document), job->read_error->message, path);
      return FALSE;
    }

  if (job->too_large > 0)
    {
      _mg_store_set_read_only (self);
      too_large_error (self, job->too_large, error);
      return FALSE;
    }

  if (job->bytes == NULL)
    {
      /* Nothing stored yet (but perhaps conflict copies). */
      _mg_store_merge_copies (self, job->copies);
      _mg_store_start_monitor (self);
      if (_mg_store_has_content (self))
        _mg_store_schedule_save (self);
      return TRUE;
    }

  if (job->cached && !_mg_store_has_content (self) && job->legacy_bytes == NULL)
    {
      apply_cache (self, &job->cache);
      self->disk_bytes = g_steal_pointer (&job->bytes);
      self->disk_etag = g_steal_pointer (&job->etag);
      self->id_remembered = FALSE;
      _mg_store_remember_id (self);
      if (!take_cached_header (self, &job->cache) || self->dirty)
        _mg_store_schedule_save (self);
      _mg_store_merge_copies (self, job->copies);
      _mg_store_start_monitor (self);
      return TRUE;
    }

  if (job->streamed && !_mg_store_has_content (self) && job->legacy_bytes == NULL)
    {
      g_autofree char *path = g_file_get_parse_name (self->file);

      /* Said as merge_into_list() says it. */
      for (guint i = 0; i < job->why->len; i++)
        warn_unreadable (path, g_ptr_array_index (job->why, i));
      apply_cache (self, &job->cache);
      take_cached_header (self, &job->cache);
    }
  else
    {
      /* The cache was read, or the file streamed, but changes came
       * meanwhile (or a version 1 file is to be merged too): the file is
       * merged with them. */
      if (job->cached || job->streamed)
        root = parse_file (self->file, job->bytes, &job->raw_texts, &job->parse_error);

      if (root == NULL)
        {
          /* Only the file, or the version 1 file, may not parse. */
          g_assert (job->found == NULL || job->found == job->legacy);

          if (g_error_matches (job->parse_error, MG_STORE_ERROR, MG_STORE_ERROR_NEWER_VERSION))
            {
              newer_version_error (self, job->parse_error, error);
              _mg_store_set_read_only (self);
              return FALSE;
            }

          if (job->found != NULL)
            {
              /* The version 1 file is set aside as the file would be. */
              g_autoptr (GFile) file = g_object_ref (self->file);

              g_set_object (&self->file, job->found);
              handle_corrupt (self, job->parse_error, error);
              g_set_object (&self->file, file);
            }
          else
            handle_corrupt (self, job->parse_error, error);
          _mg_store_start_monitor (self);
          return FALSE;
        }

      merge_into_list (self, root, job->raw_texts);
      _mg_store_take_header (self, root);
      /* The tree is the biggest thing a load makes: gone before the rest. */
      g_clear_pointer (&root, json_node_unref);
    }

  if (job->found_id != NULL)
    {
      /* The file of this document on another machine, or from before its
       * text changed: the document's file from now on, as it is. */
      _mg_store_set_file (self, job->found, job->found_id);
      g_clear_object (&job->found);
    }
  else if (job->found != NULL)
    {
      /* Kept until the new file is written. */
      g_debug ("Migrating %s to %s", g_file_peek_path (job->found), g_file_peek_path (self->file));
    }

  if (job->legacy_bytes != NULL)
    merge_legacy (self, job->legacy_bytes);

  if (job->found != NULL)
    {
      /* A new file under the new name; the old one goes once it is
       * written, unless the document is still there (a copy). */
      if (job->moved)
        self->moved_from = g_steal_pointer (&job->found);
      self->dirty = TRUE;
      _mg_store_start_save (self);
    }
  else
    {
      self->disk_bytes = g_steal_pointer (&job->bytes);
      self->disk_etag = g_steal_pointer (&job->etag);

      /* E.g. the document was edited: its new SHA-256 goes in the file.
       * A version 1 file merged in goes once that is written. */
      if (self->moved_from != NULL || !_mg_store_state_equals (self, self->disk_bytes))
        _mg_store_schedule_save (self);
      else
        _mg_store_request_cache (self);
    }

  self->id_remembered = FALSE;
  _mg_store_remember_id (self);
  _mg_store_merge_copies (self, job->copies);
  _mg_store_start_monitor (self);

  return TRUE;
}

/**
 * mg_store_load:
 * @self: a #MgStore
 * @error: return location for a #GError
 *
 * Reads the document's annotations into the list and starts following
 * the list (autosave) and the file (merging changes made elsewhere). Call
 * it once; nothing is saved before it is called.
 *
 * The file is the one named after the document's URI; failing that, one
 * in the directory for a document with the same SHA-256 (the document
 * moved). Then the annotations are saved under the new name at once, and
 * the old file is removed after that save (kept if the document still
 * exists at the old URI: then it was a copy).
 *
 * Each annotation is anchored in the document before it is added to the
 * list, with mg_annotation_list_add_many(). Temporary files left in the
 * directory by writes that a crash cut off are removed after an hour.
 *
 * On failure the list is left as it was, and:
 * - %MG_STORE_ERROR_CORRUPT: the file did not parse or has the wrong
 *   shape. It was renamed aside to `<name>.corrupt-<UTC time>` (the
 *   message says where) and the store works on, saving a new file.
 * - %MG_STORE_ERROR_NEWER_VERSION: a newer Marginalia wrote the file.
 *   The store is read-only: it never writes that file, and
 *   mg_store_flush() fails when there are changes it cannot save.
 * - %MG_STORE_ERROR_READ_ONLY: the file exists but could not be read;
 *   the store is read-only.
 *
 * Returns: %TRUE if the annotations were read, or there were none
 */
gboolean
mg_store_load (MgStore *self,
               GError **error)
{
  LoadJob *job;
  gboolean ret;

  g_return_val_if_fail (MG_IS_STORE (self), FALSE);
  g_return_val_if_fail (!self->loaded && !self->loading, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  load_begin (self);
  job = load_job_new (self);
  load_job_run (job);
  ret = load_apply (self, job, error);
  load_job_free (job);

  return ret;
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  MgStore *self = source_object;
  LoadJob *job = task_data;

  load_job_run (job);

  g_mutex_lock (&self->job_mutex);
  job->done = TRUE;
  g_cond_broadcast (&self->job_cond);
  g_mutex_unlock (&self->job_mutex);

  g_task_return_boolean (task, TRUE);
}

/* Takes the load in flight into the store now, waiting for its worker:
 * for a flush, which must not say all is saved before the file is read. */
void
_mg_store_finish_load_now (MgStore *self)
{
  LoadJob *job = self->load_job;

  g_mutex_lock (&self->job_mutex);
  while (!job->done)
    g_cond_wait (&self->job_cond, &self->job_mutex);
  g_mutex_unlock (&self->job_mutex);

  job->apply_ret = load_apply (self, job, &job->apply_error);
  job->applied = TRUE;
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  MgStore *self = MG_STORE (object);
  GTask   *task = user_data;
  LoadJob *job = g_task_get_task_data (G_TASK (result));

  g_task_propagate_boolean (G_TASK (result), NULL);
  if (!job->applied)
    {
      job->apply_ret = load_apply (self, job, &job->apply_error);
      job->applied = TRUE;
    }
  self->load_job = NULL;
  _mg_store_update_saving (self);
  _mg_store_advance_flushes (self, NULL);

  if (g_task_return_error_if_cancelled (task))
    ;
  else if (job->apply_ret)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&job->apply_error));
  g_object_unref (task);
}

/**
 * mg_store_load_async:
 * @self: a #MgStore
 * @cancellable: (nullable): a #GCancellable
 * @callback: called once the annotations are in the list
 * @user_data: for @callback
 *
 * mg_store_load(), reading the file (and the cache, or the JSON), making
 * the document's code points and anchoring in a worker thread: the main
 * thread only puts the annotations in the list, or merges a JSON file
 * that has no cache. Until then the list may change (the changes are
 * merged with the file) but nothing is saved; mg_store_flush() waits for
 * the load. Cancelling only stops the wait (the callback gets
 * %G_IO_ERROR_CANCELLED): a store let go meanwhile finishes its load
 * first, and saves only changes.
 */
void
mg_store_load_async (MgStore            *self,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  g_autoptr (GTask) worker = NULL;
  GTask *task;

  g_return_if_fail (MG_IS_STORE (self));
  g_return_if_fail (!self->loaded && !self->loading);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mg_store_load_async);

  load_begin (self);
  self->load_job = load_job_new (self);
  worker = g_task_new (self, NULL, load_done_cb, task);
  g_task_set_source_tag (worker, load_thread);
  g_task_set_task_data (worker, self->load_job, load_job_free);
  _mg_store_update_saving (self);
  g_task_run_in_thread (worker, load_thread);
}

/**
 * mg_store_load_finish:
 * @self: a #MgStore
 * @result: the result given to the callback
 * @error: return location for a #GError
 *
 * Returns: what mg_store_load() returns, with the same errors
 */
gboolean
mg_store_load_finish (MgStore      *self,
                      GAsyncResult *result,
                      GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
