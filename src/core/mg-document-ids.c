/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-document-ids"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "mg-document-ids.h"
#include "mg-export.h"

/**
 * MgDocumentIds:
 *
 * The stable identity of documents, and this machine's table of which
 * document is where.
 *
 * A document's annotations live in one file of the annotations folder,
 * named after the document's id (mg_document_id_file_name()), never after
 * its path: the same article at two paths on two machines uses the same
 * file, which a synced folder (Syncthing, Nextcloud, Dropbox, git)
 * carries between them without either machine renaming it.
 *
 * The id is given when the document's file is first made: a name-based
 * UUID of the SHA-256 of its text then (mg_document_id_for_sha256()), so
 * that two machines that annotate the same text before their folders
 * meet choose the same file, and the sync tool's conflict copy is merged
 * (mg-store-conflicts.c) rather than two files made. Once given, the id
 * is kept in the file and never changes, even when the text does.
 *
 * Which id the document at each URI has is this machine's business: a
 * key file in the user state folder (not in the synced folder), one group
 * per URI (named by a checksum, as URIs may hold characters that group
 * names may not) holding the URI and the id. It is read at each lookup, so
 * that another instance's or the command line's changes are seen, and
 * written whole and atomically. The store falls back on the content hash
 * when a URI is not in the table (a new machine, a moved file).
 *
 * The id also makes links back into the text that work on every machine
 * (mg_document_link_new()): `marginalia://open?document=UUID&annotation=ID`,
 * a scheme the desktop file registers, so that a click in a Markdown
 * export opened in Obsidian or Zettlr brings the reader back to the
 * passage; the table says where the document is on this machine
 * (mg_document_ids_find_uri()).
 */

struct _MgDocumentIds
{
  GObject parent_instance;

  char  *path;
  GMutex mutex;
};

G_DEFINE_FINAL_TYPE (MgDocumentIds, mg_document_ids, G_TYPE_OBJECT)

#define ID_PREFIX "urn:uuid:"

static void
mg_document_ids_finalize (GObject *object)
{
  MgDocumentIds *self = MG_DOCUMENT_IDS (object);

  g_clear_pointer (&self->path, g_free);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (mg_document_ids_parent_class)->finalize (object);
}

static void
mg_document_ids_class_init (MgDocumentIdsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mg_document_ids_finalize;
}

static void
mg_document_ids_init (MgDocumentIds *self)
{
  g_mutex_init (&self->mutex);
}

/**
 * mg_document_ids_new:
 * @path: the key file to keep the table in; it need not exist yet
 *
 * Returns: (transfer full): a table kept in @path (tests make one per
 *   "machine")
 */
MgDocumentIds *
mg_document_ids_new (const char *path)
{
  MgDocumentIds *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (MG_TYPE_DOCUMENT_IDS, NULL);
  self->path = g_strdup (path);

  return self;
}

/**
 * mg_document_ids_get_default:
 *
 * This machine's table: `document-ids.ini` in the application's folder of
 * the user state directory, as that directory is the first time this is
 * called.
 *
 * Returns: (transfer none): the table, which lives as long as the process
 */
MgDocumentIds *
mg_document_ids_get_default (void)
{
  static gsize ids;

  if (g_once_init_enter (&ids))
    {
      g_autofree char *path = g_build_filename (g_get_user_state_dir (), APP_ID, "document-ids.ini", NULL);

      g_once_init_leave (&ids, (gsize) mg_document_ids_new (path));
    }

  return (MgDocumentIds *) ids;
}

const char *
mg_document_ids_get_path (MgDocumentIds *self)
{
  g_return_val_if_fail (MG_IS_DOCUMENT_IDS (self), NULL);

  return self->path;
}

static GKeyFile *
load_keyfile (MgDocumentIds *self)
{
  g_autoptr (GError) error = NULL;
  GKeyFile *keyfile = g_key_file_new ();

  if (!g_key_file_load_from_file (keyfile, self->path, G_KEY_FILE_NONE, &error) && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      /* The ids are also in the annotation files, found by hash: a table
       * that cannot be read loses nothing. */
      g_warning ("Could not read the table of document ids in %s, starting afresh: %s", self->path, error->message);
      g_key_file_free (keyfile);
      keyfile = g_key_file_new ();
    }

  return keyfile;
}

static char *
group_for_uri (const char *uri)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, uri, -1);
}

static char *
lookup_in (GKeyFile   *keyfile,
           const char *uri)
{
  g_autofree char *group = group_for_uri (uri);
  g_autofree char *stored_uri = g_key_file_get_string (keyfile, group, "uri", NULL);
  g_autofree char *id = NULL;

  if (g_strcmp0 (stored_uri, uri) != 0)
    return NULL;

  id = g_key_file_get_string (keyfile, group, "id", NULL);
  if (!mg_document_id_is_valid (id))
    return NULL;

  return g_steal_pointer (&id);
}

/**
 * mg_document_ids_lookup:
 * @self: a #MgDocumentIds
 * @uri: a document's URI
 *
 * Safe in any thread.
 *
 * Returns: (transfer full) (nullable): the id of the document at @uri on
 *   this machine, or %NULL when none is known
 */
char *
mg_document_ids_lookup (MgDocumentIds *self,
                        const char    *uri)
{
  g_autoptr (GKeyFile) keyfile = NULL;
  g_autoptr (GMutexLocker) locker = NULL;

  g_return_val_if_fail (MG_IS_DOCUMENT_IDS (self), NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  keyfile = load_keyfile (self);

  return lookup_in (keyfile, uri);
}

/**
 * mg_document_ids_remember:
 * @self: a #MgDocumentIds
 * @uri: a document's URI
 * @id: its id
 * @error: return location for a #GError
 *
 * Notes that the document at @uri has @id, writing the table if that is
 * new. Safe in any thread.
 *
 * Returns: %TRUE if the table holds it
 */
gboolean
mg_document_ids_remember (MgDocumentIds *self,
                          const char    *uri,
                          const char    *id,
                          GError       **error)
{
  g_autoptr (GKeyFile) keyfile = NULL;
  g_autoptr (GMutexLocker) locker = NULL;
  g_autofree char *known = NULL;
  g_autofree char *group = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

  g_return_val_if_fail (MG_IS_DOCUMENT_IDS (self), FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (mg_document_id_is_valid (id), FALSE);

  locker = g_mutex_locker_new (&self->mutex);
  keyfile = load_keyfile (self);
  known = lookup_in (keyfile, uri);
  if (g_strcmp0 (known, id) == 0)
    return TRUE;

  group = group_for_uri (uri);
  g_key_file_set_string (keyfile, group, "uri", uri);
  g_key_file_set_string (keyfile, group, "id", id);
  g_key_file_set_int64 (keyfile, group, "time", g_date_time_to_unix (now));

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "%s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }

  return g_key_file_save_to_file (keyfile, self->path, error);
}

/**
 * mg_document_ids_find_uri:
 * @self: a #MgDocumentIds
 * @id: a document id
 *
 * The other way: where the document of @id is on this machine. Safe in
 * any thread.
 *
 * Returns: (transfer full) (nullable): its URI (the one noted last, if
 *   there are several), or %NULL when it was never opened here
 */
char *
mg_document_ids_find_uri (MgDocumentIds *self,
                          const char    *id)
{
  g_autoptr (GKeyFile) keyfile = NULL;
  g_autoptr (GMutexLocker) locker = NULL;
  g_auto (GStrv) groups = NULL;
  g_autofree char *found = NULL;
  gint64           found_time = G_MININT64;

  g_return_val_if_fail (MG_IS_DOCUMENT_IDS (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  locker = g_mutex_locker_new (&self->mutex);
  keyfile = load_keyfile (self);
  groups = g_key_file_get_groups (keyfile, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *group_id = g_key_file_get_string (keyfile, groups[i], "id", NULL);
      gint64           time = g_key_file_get_int64 (keyfile, groups[i], "time", NULL);

      if (g_strcmp0 (group_id, id) != 0 || time < found_time)
        continue;

      g_free (found);
      found = g_key_file_get_string (keyfile, groups[i], "uri", NULL);
      found_time = time;
    }

  return g_steal_pointer (&found);
}

#define LINK_PREFIX "marginalia://open?"

/**
 * mg_document_ids_get_tables:
 * @self: a #MgDocumentIds
 * @uri_to_id: (out) (transfer full): URI -> id
 * @id_to_uri: (out) (transfer full): id -> URI (the one noted last)
 *
 * The whole table at once, read once: for the library, which wants every
 * document's place. Safe in any thread.
 */
void
mg_document_ids_get_tables (MgDocumentIds *self,
                            GHashTable   **uri_to_id,
                            GHashTable   **id_to_uri)
{
  g_autoptr (GKeyFile) keyfile = NULL;
  g_autoptr (GMutexLocker) locker = NULL;
  g_autoptr (GHashTable) times = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) groups = NULL;

  g_return_if_fail (MG_IS_DOCUMENT_IDS (self));

  *uri_to_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  *id_to_uri = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  locker = g_mutex_locker_new (&self->mutex);
  keyfile = load_keyfile (self);
  groups = g_key_file_get_groups (keyfile, NULL);

  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *uri = g_key_file_get_string (keyfile, groups[i], "uri", NULL);
      g_autofree char *id = g_key_file_get_string (keyfile, groups[i], "id", NULL);
      gint64           time = g_key_file_get_int64 (keyfile, groups[i], "time", NULL);
      gint64          *found_time;

      if (uri == NULL || !mg_document_id_is_valid (id))
        continue;

      g_hash_table_replace (*uri_to_id, g_strdup (uri), g_strdup (id));
      found_time = g_hash_table_lookup (times, id);
      if (found_time != NULL && *found_time > time)
        continue;
      g_hash_table_replace (*id_to_uri, g_strdup (id), g_steal_pointer (&uri));
      g_hash_table_replace (times, g_steal_pointer (&id), g_memdup2 (&time, sizeof time));
    }
}

/**
 * mg_document_link_new:
 * @document_id: a valid document id
 * @annotation_id: (nullable): one of its annotations
 *
 * A link that opens Marginalia at the annotation (or the document): the
 * same on every machine, whatever the document's path there.
 *
 * Returns: (transfer full): `marginalia://open?document=UUID&annotation=ID`
 */
char *
mg_document_link_new (const char *document_id,
                      const char *annotation_id)
{
  g_autofree char *annotation = NULL;

  g_return_val_if_fail (mg_document_id_is_valid (document_id), NULL);

  if (annotation_id == NULL)
    return g_strconcat (LINK_PREFIX "document=", document_id + strlen (ID_PREFIX), NULL);

  /* Ids are URNs, or whatever an import kept: escaped as a query value. */
  annotation = g_uri_escape_string (g_str_has_prefix (annotation_id, ID_PREFIX) ? annotation_id + strlen (ID_PREFIX) : annotation_id, NULL, FALSE);

  return g_strconcat (LINK_PREFIX "document=", document_id + strlen (ID_PREFIX), "&annotation=", annotation, NULL);
}

/**
 * mg_document_link_parse:
 * @uri: a link of mg_document_link_new()
 * @document_id: (out): the document's id
 * @annotation_id: (out) (optional): the annotation's id, or %NULL when
 *   the link is to the whole document
 *
 * Returns: whether @uri is such a link
 */
gboolean
mg_document_link_parse (const char *uri,
                        char      **document_id,
                        char      **annotation_id)
{
  g_autoptr (GHashTable) params = NULL;
  g_autofree char *document = NULL;
  const char      *annotation;

  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (document_id != NULL, FALSE);

  if (!g_str_has_prefix (uri, LINK_PREFIX))
    return FALSE;

  params = g_uri_parse_params (uri + strlen (LINK_PREFIX), -1, "&", G_URI_PARAMS_NONE, NULL);
  if (params == NULL || g_hash_table_lookup (params, "document") == NULL)
    return FALSE;

  document = g_strconcat (ID_PREFIX, (const char *) g_hash_table_lookup (params, "document"), NULL);
  if (!mg_document_id_is_valid (document))
    return FALSE;

  annotation = g_hash_table_lookup (params, "annotation");
  if (annotation_id != NULL)
    {
      if (annotation == NULL || *annotation == '\0')
        *annotation_id = NULL;
      else if (g_uuid_string_is_valid (annotation))
        *annotation_id = g_strconcat (ID_PREFIX, annotation, NULL);
      else
        *annotation_id = g_strdup (annotation);
    }
  *document_id = g_steal_pointer (&document);

  return TRUE;
}

/**
 * mg_document_id_for_sha256:
 * @sha256: the SHA-256 of a document's text
 *
 * The id a document is given when its first annotation is saved: the
 * same text gives the same id on every machine.
 *
 * Returns: (transfer full): "urn:uuid:" and a name-based UUID
 */
char *
mg_document_id_for_sha256 (const char *sha256)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (sha256 != NULL, NULL);

  name = g_strconcat ("marginalia:document:sha256:", sha256, NULL);

  return mg_export_uuid_urn_for_name (name);
}

/**
 * mg_document_id_is_valid:
 * @id: (nullable): a document id
 *
 * Returns: whether @id is a "urn:uuid:" id, as this code gives them: the
 *   only ids a file may be named after
 */
gboolean
mg_document_id_is_valid (const char *id)
{
  const char *uuid;

  if (id == NULL || !g_str_has_prefix (id, ID_PREFIX))
    return FALSE;

  uuid = id + strlen (ID_PREFIX);

  return g_uuid_string_is_valid (uuid);
}

/**
 * mg_document_id_file_name:
 * @id: a valid document id
 *
 * The name of the document's file in the annotations folder: its UUID,
 * in lower case, then `.json`. Nothing of the document's path is in it.
 *
 * Returns: (transfer full): the file name
 */
char *
mg_document_id_file_name (const char *id)
{
  g_autofree char *uuid = NULL;

  g_return_val_if_fail (mg_document_id_is_valid (id), NULL);

  uuid = g_ascii_strdown (id + strlen (ID_PREFIX), -1);

  return g_strconcat (uuid, ".json", NULL);
}
