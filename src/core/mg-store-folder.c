/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-store-folder"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "mg-file-private.h"
#include "mg-json-private.h"
#include "mg-store-private.h"
#include "mg-store.h"

/* The annotations folder: which one it is (the "annotations-folder"
 * setting, else the default), what else lives in it so that it travels
 * with the annotations (the snapshots of web pages), and the merge of one
 * folder into another when the user chooses a new one. */

#define SNAPSHOTS_FOLDER "snapshots"

#define SETTINGS_KEY "annotations-folder"

static GSettings *
get_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  /* The core runs without the schema installed too (tests, an
   * uninstalled command line): then the default folder is used. */
  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, SETTINGS_KEY))
    return NULL;

  return g_settings_new_full (schema, NULL, NULL);
}

/**
 * mg_store_get_folder:
 *
 * The annotations folder: the one the user chose (the "annotations-folder"
 * setting, a path; `~` at its start is the home folder), else
 * mg_store_default_directory(). Stores made without a directory use it.
 *
 * Returns: (transfer full): the folder's path
 */
char *
mg_store_get_folder (void)
{
  g_autoptr (GSettings) settings = get_settings ();
  g_autofree char *chosen = NULL;

  if (settings != NULL)
    chosen = g_settings_get_string (settings, SETTINGS_KEY);

  if (chosen == NULL || *chosen == '\0')
    return mg_store_default_directory ();

  if (chosen[0] == '~' && (chosen[1] == '/' || chosen[1] == '\0'))
    return g_build_filename (g_get_home_dir (), chosen + 1, NULL);

  if (!g_path_is_absolute (chosen))
    return g_build_filename (g_get_home_dir (), chosen, NULL);

  return g_steal_pointer (&chosen);
}

/**
 * mg_store_get_snapshots_folder:
 *
 * Where snapshots of web pages are kept: `snapshots` in the annotations
 * folder, so that a synced folder carries them with the annotations. The
 * store only reads the JSON files at the top of its folder: whatever is in
 * subfolders is left alone.
 *
 * Returns: (transfer full): the folder's path (it may not exist yet)
 */
char *
mg_store_get_snapshots_folder (void)
{
  g_autofree char *folder = mg_store_get_folder ();

  return g_build_filename (folder, SNAPSHOTS_FOLDER, NULL);
}

/* Merging a folder into another ------------------------------------------ */

/* The id of the document a file in the old folder holds: its own, else
 * (version 1) the one this machine gave its URI, else the one its text
 * gives. A conflict copy is of the file it is named after. */
static char *
id_for_file (const char    *name,
             JsonNode      *root,
             MgDocumentIds *ids)
{
  JsonObject      *document = mg_json_node_get_object (json_object_get_member (mg_json_node_get_object (root), "document"));
  const char      *id = mg_json_object_get_string (document, "id");
  g_autofree char *stem = mg_store_conflict_copy_stem (name);
  g_autofree char *known = NULL;

  if (stem != NULL)
    {
      g_autofree char *from_stem = g_strconcat ("urn:uuid:", stem, NULL);

      if (mg_document_id_is_valid (from_stem))
        return g_steal_pointer (&from_stem);
    }

  if (mg_document_id_is_valid (id))
    return g_strdup (id);

  known = mg_document_ids_lookup (ids, mg_json_object_get_string (document, "uri"));
  if (known != NULL)
    return g_steal_pointer (&known);

  return mg_document_id_for_sha256 (mg_json_object_get_string (document, "sha256"));
}

/* Reads and parses a store file, entries that repeat an id renumbered
 * (as the store does). @bytes_out: (out) (optional): its bytes. */
static JsonNode *
read_store_file (GFile   *file,
                 GBytes **bytes_out,
                 GError **error)
{
  g_autofree char *contents = NULL;
  g_autoptr (GBytes) bytes = NULL;
  JsonNode *root;
  gsize     len;

  if (!mg_file_load_contents (file, NULL, &contents, &len, NULL, error))
    return NULL;

  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  root = mg_store_parse_bytes (bytes, error);
  if (root == NULL)
    return NULL;

  mg_store_format_renumber_repeats (root, NULL);
  if (bytes_out != NULL)
    *bytes_out = g_steal_pointer (&bytes);

  return root;
}

/* Merges one file of the old folder into its file in the new one. */
static gboolean
merge_file_into (GFile              *source,
                 GFile              *to,
                 MgDocumentIds      *ids,
                 MgStoreFolderMerge *result,
                 GError            **error)
{
  g_autofree char *name = g_file_get_basename (source);
  g_autofree char *id = NULL;
  g_autofree char *target_name = NULL;
  g_autoptr (GBytes) target_bytes = NULL;
  g_autoptr (GBytes) merged_bytes = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) target_root = NULL;
  g_autoptr (JsonNode) merged = NULL;
  g_autoptr (GFile) target = NULL;
  g_autoptr (GError) local_error = NULL;

  root = read_store_file (source, NULL, &local_error);
  if (root == NULL)
    {
      g_debug ("%s is left out: %s", g_file_peek_path (source), local_error->message);
      result->n_unreadable++;
      return TRUE;
    }

  /* A version 1 file gets its id on the way. */
  id = id_for_file (name, root, ids);
  json_object_set_string_member (json_object_get_object_member (json_node_get_object (root), "document"), "id", id);
  target_name = mg_document_id_file_name (id);
  target = g_file_get_child (to, target_name);

  target_root = read_store_file (target, &target_bytes, &local_error);
  if (target_root != NULL)
    merged = mg_store_merge_json (target_root, root, NULL);
  else if (mg_store_io_is_missing (local_error))
    merged = mg_store_merge_json (root, NULL, NULL);
  else if (g_error_matches (local_error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT) || g_error_matches (local_error, MG_STORE_ERROR, MG_STORE_ERROR_NEWER_VERSION))
    {
      /* Never written over: the store sets it aside when it opens. */
      g_debug ("%s is not merged into: %s", g_file_peek_path (target), local_error->message);
      result->n_unreadable++;
      return TRUE;
    }
  else
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  merged_bytes = mg_store_serialize_json (merged);
  if (target_bytes != NULL && g_bytes_equal (merged_bytes, target_bytes))
    {
      result->n_unchanged++;
      return TRUE;
    }

  /* Only over what was read: a store writing meanwhile is merged with. */
  if (!mg_store_io_write (target, merged_bytes, target_bytes, NULL, NULL, error))
    return FALSE;

  if (target_bytes != NULL)
    result->n_merged++;
  else
    result->n_copied++;

  return TRUE;
}

/* Copies what is in @from and not in @to, folders and all. */
static gboolean
copy_missing (GFile   *from,
              GFile   *to,
              guint   *n_copied,
              GError **error)
{
  g_autoptr (GFileEnumerator) enumerator = NULL;
  g_autoptr (GError) local_error = NULL;

  enumerator = g_file_enumerate_children (from,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                          NULL, &local_error);
  if (enumerator == NULL)
    return mg_store_io_is_missing (local_error) ? TRUE : (g_propagate_error (error, g_steal_pointer (&local_error)), FALSE);

  if (!g_file_make_directory_with_parents (to, NULL, &local_error) && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  for (;;)
    {
      GFileInfo *info = NULL;
      GFile     *child = NULL;
      g_autoptr (GFile) target = NULL;

      if (!g_file_enumerator_iterate (enumerator, &info, &child, NULL, error))
        return FALSE;
      if (info == NULL)
        break;

      target = g_file_get_child (to, g_file_info_get_name (info));
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        {
          if (!copy_missing (child, target, n_copied, error))
            return FALSE;
        }
      else if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR)
        {
          g_clear_error (&local_error);
          if (g_file_copy (child, target, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, &local_error))
            (*n_copied)++;
          else if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
        }
    }

  return TRUE;
}

/**
 * mg_store_merge_folder:
 * @from: the folder the annotations were kept in
 * @to: the folder they are to be kept in from now on
 * @ids: (nullable): the table of document ids, or %NULL for this
 *   machine's
 * @result: (out caller-allocates): what was done
 * @error: return location for a #GError
 *
 * Merges the annotations of @from into @to, for a change of the
 * annotations folder: each document's file is copied, or merged with the
 * file @to already has for the document (by annotation id, newest wins,
 * deletions kept: mg_store_merge_json()). Version 1 files are written in
 * the current format, conflict copies merged into their file, the
 * snapshots copied where @to has none of the same name. @from is left as
 * it was. A file that cannot be read (in either folder) is left out, and
 * counted.
 *
 * Call it after the stores open on @from were flushed.
 *
 * Returns: %FALSE if @to could not be made or written (some files may
 *   have been merged already; running it again is harmless)
 */
gboolean
mg_store_merge_folder (const char         *from,
                       const char         *to,
                       MgDocumentIds      *ids,
                       MgStoreFolderMerge *result,
                       GError            **error)
{
  g_autoptr (GFile) from_dir = NULL;
  g_autoptr (GFile) to_dir = NULL;
  g_autoptr (GFile) from_snapshots = NULL;
  g_autoptr (GFile) to_snapshots = NULL;
  g_autoptr (GFileEnumerator) enumerator = NULL;
  g_autoptr (GPtrArray) sources = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (from != NULL && to != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  if (ids == NULL)
    ids = mg_document_ids_get_default ();

  from_dir = g_file_new_for_path (from);
  to_dir = g_file_new_for_path (to);
  if (g_file_equal (from_dir, to_dir))
    return TRUE;

  if (!g_file_make_directory_with_parents (to_dir, NULL, &local_error) && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_clear_error (&local_error);

  enumerator = g_file_enumerate_children (from_dir,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                          NULL, &local_error);
  if (enumerator == NULL)
    {
      /* Nothing kept yet: nothing to merge. */
      if (mg_store_io_is_missing (local_error))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  for (;;)
    {
      GFileInfo  *info = NULL;
      GFile      *child = NULL;
      const char *name;

      if (!g_file_enumerator_iterate (enumerator, &info, &child, NULL, error))
        return FALSE;
      if (info == NULL)
        break;

      name = g_file_info_get_name (info);
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR && g_str_has_suffix (name, ".json") && name[0] != '.')
        g_ptr_array_add (sources, g_object_ref (child));
    }

  /* The documents' files first, then their conflict copies. */
  for (guint pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < sources->len; i++)
        {
          GFile           *source = g_ptr_array_index (sources, i);
          g_autofree char *name = g_file_get_basename (source);
          g_autofree char *stem = mg_store_conflict_copy_stem (name);

          if ((stem != NULL) != (pass == 1))
            continue;
          if (!merge_file_into (source, to_dir, ids, result, error))
            return FALSE;
        }
    }

  from_snapshots = g_file_get_child (from_dir, SNAPSHOTS_FOLDER);
  to_snapshots = g_file_get_child (to_dir, SNAPSHOTS_FOLDER);

  return copy_missing (from_snapshots, to_snapshots, &result->n_snapshots, error);
}

/* The git merge driver --------------------------------------------------- */

/**
 * mg_store_merge_versions:
 * @base: (nullable): the common ancestor (git's `%O`), or %NULL
 * @ours: our version (`%A`), replaced by the result
 * @theirs: their version (`%B`)
 * @error: return location for a #GError
 *
 * Merges three versions of one annotation file, for `git merge`
 * (`marginalia --merge-driver %O %A %B`): by annotation id, the newer
 * `modified` wins, a deletion (tombstone) removes an annotation not
 * modified after it. The ancestor is not needed for that: the tombstones
 * and the modification times say what it would; it need not exist (both
 * sides added the file). The result is written in the store's canonical
 * form, with our document header.
 *
 * Returns: %TRUE for a clean merge; %FALSE when a version does not parse
 *   (@ours is then left as it was, and git reports a conflict)
 */
gboolean
mg_store_merge_versions (const char *base,
                         const char *ours,
                         const char *theirs,
                         GError    **error)
{
  g_autoptr (GFile) ours_file = NULL;
  g_autoptr (GFile) theirs_file = NULL;
  g_autoptr (GBytes) ours_bytes = NULL;
  g_autoptr (GBytes) merged_bytes = NULL;
  g_autoptr (JsonNode) ours_root = NULL;
  g_autoptr (JsonNode) theirs_root = NULL;
  g_autoptr (JsonNode) merged = NULL;

  g_return_val_if_fail (ours != NULL && theirs != NULL, FALSE);

  ours_file = g_file_new_for_path (ours);
  theirs_file = g_file_new_for_path (theirs);

  ours_root = read_store_file (ours_file, &ours_bytes, error);
  if (ours_root == NULL)
    return FALSE;
  theirs_root = read_store_file (theirs_file, NULL, error);
  if (theirs_root == NULL)
    return FALSE;

  merged = mg_store_merge_json (ours_root, theirs_root, NULL);
  merged_bytes = mg_store_serialize_json (merged);
  if (g_bytes_equal (merged_bytes, ours_bytes))
    return TRUE;

  return mg_store_io_write (ours_file, merged_bytes, ours_bytes, NULL, NULL, error);
}
