/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-library"

#include "config.h"

#include <string.h>

#include "mg-json-private.h"
#include "mg-library-private.h"
#include "mg-store-private.h"

/* The files of the annotations folder, as the library's index reads them
 * (mg-library-index.c): which files are the store's, and what one holds,
 * read with the store's own readers (mg_store_stream_read(), else the
 * tree of mg_store_parse_bytes() merged as the store merges it) so that
 * the library shows what a window would. No SQL here. */

void
mg_library_file_contents_clear (MgLibraryFileContents *contents)
{
  g_free (contents->id);
  g_free (contents->uri);
  g_free (contents->sha256);
  g_free (contents->title);
  g_clear_pointer (&contents->annotations, g_ptr_array_unref);
  g_free (contents->error);
}

/* The annotations of a parsed file, as the store makes them: repeats
 * renumbered, what a tombstone deleted left out, entries that cannot be
 * read left out. */
static GPtrArray *
annotations_of_tree (JsonNode *root)
{
  GPtrArray   *annotations = g_ptr_array_new_with_free_func (g_object_unref);
  MgStoreMerge merge;

  mg_store_format_renumber_repeats (root, NULL);
  mg_store_merge_init (&merge);
  mg_store_merge_add_file (&merge, root, FALSE);
  mg_store_merge_apply_tombstones (&merge);

  for (guint i = 0; i < merge.candidates->len; i++)
    {
      MgStoreCandidate *candidate = g_ptr_array_index (merge.candidates, i);

      if (candidate->lost || !mg_store_candidate_get_valid (candidate) || candidate->parsed == NULL)
        continue;
      g_ptr_array_add (annotations, g_object_ref (candidate->parsed));
    }
  mg_store_merge_clear (&merge);

  return annotations;
}

/* The id of the document a file holds: the one it is named after, else
 * its own, else (version 1) the one this machine gave its URI, else the
 * one its text gives. */
char *
mg_library_document_id_for (const char    *name,
                            const char    *own_id,
                            const char    *uri,
                            const char    *sha256,
                            MgDocumentIds *ids)
{
  g_autofree char *from_name = NULL;

  if (g_str_has_suffix (name, ".json"))
    {
      from_name = g_strdup_printf ("urn:uuid:%.*s", (int) (strlen (name) - strlen (".json")), name);
      if (mg_document_id_is_valid (from_name))
        return g_steal_pointer (&from_name);
    }

  if (mg_document_id_is_valid (own_id))
    return g_strdup (own_id);

  if (uri != NULL && *uri != '\0' && ids != NULL)
    {
      char *known = mg_document_ids_lookup (ids, uri);

      if (known != NULL)
        return known;
    }

  if (sha256 != NULL && *sha256 != '\0')
    return mg_document_id_for_sha256 (sha256);

  return NULL;
}

void
mg_library_read_file (GBytes                *bytes,
                      const char            *name,
                      MgDocumentIds         *ids,
                      MgLibraryFileContents *out)
{
  MgStoreCacheContents contents = { 0 };
  g_autoptr (GPtrArray) why = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  const char *own_id = NULL;
  guint       n_renumbered = 0;

  if (mg_store_stream_read (bytes, &contents, &n_renumbered, &why))
    {
      out->uri = g_steal_pointer (&contents.uri);
      out->sha256 = g_steal_pointer (&contents.sha256);
      out->title = g_steal_pointer (&contents.title);
      out->annotations = g_steal_pointer (&contents.annotations);
      mg_store_cache_contents_clear (&contents);
    }
  else
    {
      JsonObject *document;

      mg_store_cache_contents_clear (&contents);
      root = mg_store_parse_bytes (bytes, &error);
      if (root == NULL)
        {
          out->error = g_strdup (error->message);
          out->id = mg_library_document_id_for (name, NULL, NULL, NULL, NULL);
          return;
        }
      document = mg_json_node_get_object (json_object_get_member (mg_json_node_get_object (root), "document"));
      own_id = mg_json_object_get_string (document, "id");
      out->uri = g_strdup (mg_json_object_get_string (document, "uri"));
      out->sha256 = g_strdup (mg_json_object_get_string (document, "sha256"));
      out->title = g_strdup (mg_json_object_get_string (document, "title"));
      out->annotations = annotations_of_tree (root);
    }

  out->id = mg_library_document_id_for (name, own_id, out->uri, out->sha256, ids);
}

/* The folder ------------------------------------------------------------ */

void
mg_library_folder_entry_free (gpointer data)
{
  MgLibraryFolderEntry *entry = data;

  g_free (entry->name);
  g_free (entry->path);
  g_free (entry);
}

/* The store's files at the top of @folder, and the files it set aside. */
GPtrArray *
mg_library_list_folder (const char   *folder,
                        GCancellable *cancellable,
                        GError      **error)
{
  g_autoptr (GFile) dir = g_file_new_for_path (folder);
  g_autoptr (GFileEnumerator) enumerator = NULL;
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func (mg_library_folder_entry_free);
  g_autoptr (GError) local_error = NULL;

  enumerator = g_file_enumerate_children (dir,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED "," G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, &local_error);
  if (enumerator == NULL)
    {
      /* No folder yet: no documents. */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return g_steal_pointer (&entries);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  for (;;)
    {
      GFileInfo            *info = NULL;
      const char           *name;
      g_autofree char      *stem = NULL;
      MgLibraryFolderEntry *entry;

      if (!g_file_enumerator_iterate (enumerator, &info, NULL, cancellable, error))
        return NULL;
      if (info == NULL)
        break;

      name = g_file_info_get_name (info);
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR || name[0] == '.')
        continue;
      if (!g_str_has_suffix (name, ".json") && strstr (name, ".json.corrupt-") == NULL)
        continue;
      /* Conflict copies are the store's to merge into their file. */
      stem = mg_store_conflict_copy_stem (name);
      if (stem != NULL)
        continue;

      entry = g_new0 (MgLibraryFolderEntry, 1);
      entry->name = g_strdup (name);
      entry->path = g_build_filename (folder, name, NULL);
      entry->size = g_file_info_get_size (info);
      entry->mtime = (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) * G_USEC_PER_SEC
                     + g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED_USEC);
      g_ptr_array_add (entries, entry);
    }

  return g_steal_pointer (&entries);
}
