/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-store"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-file-private.h"
#include "mg-store-private.h"

/* The conflict copies that sync tools make of a store file when two
 * machines changed it before either saw the other's change:
 *
 *   Syncthing  NAME.sync-conflict-YYYYMMDD-HHMMSS-DEVICE.json
 *   Nextcloud  NAME (conflicted copy YYYY-MM-DD HHMMSS).json
 *   Dropbox    NAME (HOST's conflicted copy YYYY-MM-DD).json
 *
 * Each copy is a whole store file of the same document: it is merged into
 * the store like a change on disk (by id, newest wins, tombstones kept),
 * and once the merged result is written (or nothing needed writing) it is
 * moved into the `merged/` subfolder, never deleted. A copy that does not
 * parse is left where it is, and the store says so once. Found when the
 * store loads (in its worker) and when the folder's monitor sees one
 * appear. */

#define MERGED_FOLDER "merged"

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static GRegex *
conflict_regex (void)
{
  static gsize regex;

  if (g_once_init_enter (&regex))
    {
      GRegex *compiled = g_regex_new ("^(?:"
                                      "(.+)\\.sync-conflict-[0-9]{8}-[0-9]{6}-[A-Za-z0-9]+"
                                      "|(.+) \\(conflicted copy [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{6}\\)"
                                      "|(.+) \\([^()]+(?:'|\xe2\x80\x99)s conflicted copy [0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9]+)?\\)"
                                      ")\\.json$",
                                      G_REGEX_OPTIMIZE, 0, NULL);

      g_assert (compiled != NULL);
      g_once_init_leave (&regex, (gsize) compiled);
    }

  return (GRegex *) regex;
}

/**
 * mg_store_conflict_copy_stem:
 * @name: a file name
 *
 * Returns: (transfer full) (nullable): if @name is a sync tool's conflict
 *   copy of a JSON file, the name of that file without `.json`; else %NULL
 */
char *
mg_store_conflict_copy_stem (const char *name)
{
  g_autoptr (GMatchInfo) match = NULL;

  g_return_val_if_fail (name != NULL, NULL);

  if (!g_utf8_validate (name, -1, NULL) || !g_regex_match (conflict_regex (), name, 0, &match))
    return NULL;

  for (int group = 1; group <= 3; group++)
    {
      g_autofree char *stem = g_match_info_fetch (match, group);

      if (stem != NULL && *stem != '\0')
        return g_steal_pointer (&stem);
    }

  return NULL;
}

/* Whether @name is a conflict copy of the file named @file_name. */
gboolean
mg_store_conflict_copy_of (const char *name,
                           const char *file_name)
{
  g_autofree char *stem = mg_store_conflict_copy_stem (name);

  return stem != NULL && g_str_has_prefix (file_name, stem) && strcmp (file_name + strlen (stem), ".json") == 0;
}

void
mg_store_copy_free (gpointer data)
{
  MgStoreCopy *copy = data;

  g_clear_object (&copy->file);
  g_clear_pointer (&copy->bytes, g_bytes_unref);
  g_free (copy);
}

/* Reads the conflict copies of @file_name in @directory, in the order of
 * their names. Safe in any thread. Returns NULL when there are none. */
GPtrArray *
mg_store_conflicts_read (GFile      *directory,
                         const char *file_name)
{
  g_autoptr (GFileEnumerator) enumerator = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *copies = NULL;

  enumerator = g_file_enumerate_children (directory,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                          NULL, NULL);
  if (enumerator == NULL)
    return NULL;

  for (;;)
    {
      GFileInfo *info = NULL;

      if (!g_file_enumerator_iterate (enumerator, &info, NULL, NULL, NULL) || info == NULL)
        break;

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR && mg_store_conflict_copy_of (g_file_info_get_name (info), file_name))
        g_ptr_array_add (names, g_strdup (g_file_info_get_name (info)));
    }

  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr (GFile) file = g_file_get_child (directory, g_ptr_array_index (names, i));
      g_autofree char *contents = NULL;
      MgStoreCopy     *copy;
      gsize            len;

      /* Gone meanwhile (another instance merged it), or unreadable. */
      if (!mg_file_load_contents (file, NULL, &contents, &len, NULL, NULL))
        continue;

      copy = g_new0 (MgStoreCopy, 1);
      copy->file = g_steal_pointer (&file);
      copy->bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
      if (copies == NULL)
        copies = g_ptr_array_new_with_free_func (mg_store_copy_free);
      g_ptr_array_add (copies, copy);
    }

  return copies;
}

/**
 * mg_store_conflicts_set_aside:
 * @copy: a conflict copy that was merged
 * @error: return location for a #GError
 *
 * Moves @copy into the `merged/` subfolder of its folder, under its own
 * name (with a number added if that is taken).
 *
 * Returns: (transfer full) (nullable): where it went, or %NULL
 */
GFile *
mg_store_conflicts_set_aside (GFile   *copy,
                              GError **error)
{
  g_autoptr (GFile) parent = g_file_get_parent (copy);
  g_autoptr (GFile) merged = g_file_get_child (parent, MERGED_FOLDER);
  g_autoptr (GError) local_error = NULL;
  g_autofree char *basename = g_file_get_basename (copy);

  if (!g_file_make_directory (merged, NULL, &local_error) && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  for (guint i = 0;; i++)
    {
      g_autofree char *name = i == 0 ? g_strdup (basename) : g_strdup_printf ("%s.%u", basename, i);
      g_autoptr (GFile) target = g_file_get_child (merged, name);

      g_clear_error (&local_error);
      if (g_file_move (copy, target, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, &local_error))
        return g_steal_pointer (&target);

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS) || i >= 1000)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
}

/* The store's part ------------------------------------------------------ */

/* Moves the copies merged into the file into merged/: once the file holds
 * what they held. */
void
_mg_store_set_aside_merged_copies (MgStore *self)
{
  g_autoptr (GPtrArray) copies = g_steal_pointer (&self->merged_copies);

  for (guint i = 0; copies != NULL && i < copies->len; i++)
    {
      GFile *copy = g_ptr_array_index (copies, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (GFile) aside = mg_store_conflicts_set_aside (copy, &error);

      if (aside == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_warning ("A conflict copy was merged, but could not be moved into “%s”: %s",
                   MERGED_FOLDER, error->message);
    }
}

/* Merges @copies (MgStoreCopy) into the list, and has the result saved;
 * the copies go into merged/ after that. Returns how many annotations
 * changed. */
guint
_mg_store_merge_copies (MgStore   *self,
                        GPtrArray *copies)
{
  guint n_changed = 0;

  if (copies == NULL || self->read_only)
    return 0;

  for (guint i = 0; i < copies->len; i++)
    {
      MgStoreCopy     *copy = g_ptr_array_index (copies, i);
      g_autofree char *name = g_file_get_basename (copy->file);
      g_autoptr (GError) parse_error = NULL;
      g_autoptr (JsonNode) root = NULL;
      g_autoptr (GHashTable) texts = NULL;

      /* Already merged, waiting for the write. */
      if (self->merged_copies != NULL && g_ptr_array_find_with_equal_func (self->merged_copies, copy->file, (GEqualFunc) g_file_equal, NULL))
        continue;

      root = mg_store_parse_bytes (copy->bytes, &parse_error);
      if (root == NULL)
        {
          g_autoptr (GError) report = NULL;
          g_autofree char *path = g_file_get_parse_name (copy->file);

          /* Told once; it is left as it is for the user to look at. */
          if (g_hash_table_contains (self->reported_copies, name))
            continue;
          g_hash_table_add (self->reported_copies, g_strdup (name));

          report = g_error_new (MG_STORE_ERROR, MG_STORE_ERROR_CONFLICT_COPY,
                                _ ("A conflict copy of the annotations of “%s” could not be read: %s. It is left as it is in “%s”."),
                                mg_document_get_title (self->document), parse_error->message, path);
          _mg_store_emit_error (self, report);
          continue;
        }

      texts = mg_store_format_raw_texts (copy->bytes, root);
      mg_store_format_renumber_repeats (root, texts);
      n_changed += _mg_store_merge_file_into_list (self, root, texts);
      g_debug ("Merged the conflict copy %s", name);

      if (self->merged_copies == NULL)
        self->merged_copies = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (self->merged_copies, g_object_ref (copy->file));
    }

  if (self->merged_copies == NULL)
    return n_changed;

  /* The copies held nothing new: they can go now. */
  if (self->disk_bytes != NULL && _mg_store_state_equals (self, self->disk_bytes))
    _mg_store_set_aside_merged_copies (self);
  else
    {
      self->dirty = TRUE;
      _mg_store_start_save (self);
    }

  return n_changed;
}

/* Looks for conflict copies of the file now (the monitor saw one). */
void
_mg_store_check_conflicts (MgStore *self)
{
  g_autofree char *name = g_file_get_basename (self->file);
  g_autoptr (GPtrArray) copies = NULL;
  guint n_changed;

  if (!self->loaded || self->read_only)
    return;

  copies = mg_store_conflicts_read (self->directory, name);
  if (copies == NULL)
    return;

  n_changed = _mg_store_merge_copies (self, copies);
  _mg_store_emit_merged (self, n_changed);
}
