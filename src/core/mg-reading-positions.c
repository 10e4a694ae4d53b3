/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-reading-positions"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "mg-reading-positions.h"

/**
 * MgReadingPositions:
 *
 * Where each document was being read: the offset (in code points) of the
 * first line the reader saw when they left it, by document URI. The UI
 * saves it when a document is closed or replaced and scrolls back to it
 * when the document is opened again; this type only keeps the table.
 *
 * The table is a key file, one group per document named by a checksum of
 * its URI (URIs may hold characters that group names may not), holding the
 * URI, the offset and when it was saved, so that the oldest go first once
 * there are more than %MG_READING_POSITIONS_MAX. It is read when first
 * needed, and written whole and atomically: a crash leaves the old file or
 * the new one, never half of one. A file that cannot be read is no reason
 * to stop reading: it is logged and the table starts afresh.
 */

struct _MgReadingPositions
{
  GObject parent_instance;

  char     *path;
  GKeyFile *keyfile; /* NULL until read */
  gint64    last_stamp;
};

G_DEFINE_FINAL_TYPE (MgReadingPositions, mg_reading_positions, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
mg_reading_positions_finalize (GObject *object)
{
  MgReadingPositions *self = MG_READING_POSITIONS (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->keyfile, g_key_file_free);

  G_OBJECT_CLASS (mg_reading_positions_parent_class)->finalize (object);
}

static void
mg_reading_positions_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  MgReadingPositions *self = MG_READING_POSITIONS (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_reading_positions_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  MgReadingPositions *self = MG_READING_POSITIONS (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_reading_positions_class_init (MgReadingPositionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mg_reading_positions_finalize;
  object_class->get_property = mg_reading_positions_get_property;
  object_class->set_property = mg_reading_positions_set_property;

  /**
   * MgReadingPositions:path:
   *
   * The file the positions are kept in.
   */
  properties[PROP_PATH] = g_param_spec_string ("path", NULL, NULL, NULL,
                                               G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mg_reading_positions_init (MgReadingPositions *self)
{
}

/**
 * mg_reading_positions_new:
 * @path: the file to keep the positions in; it need not exist yet
 *
 * Returns: (transfer full): a table of reading positions kept in @path
 */
MgReadingPositions *
mg_reading_positions_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (MG_TYPE_READING_POSITIONS, "path", path, NULL);
}

/**
 * mg_reading_positions_get_default:
 *
 * The reading positions of the user, in `positions.ini` in the
 * application's folder of the user state directory, as that directory is
 * the first time this is called. Only call it from the main thread.
 *
 * Returns: (transfer none): the table, which lives as long as the process
 */
MgReadingPositions *
mg_reading_positions_get_default (void)
{
  static MgReadingPositions *positions;

  if (positions == NULL)
    {
      g_autofree char *path = g_build_filename (g_get_user_state_dir (), APP_ID, "positions.ini", NULL);

      positions = mg_reading_positions_new (path);
    }

  return positions;
}

/**
 * mg_reading_positions_get_path:
 * @self: a #MgReadingPositions
 *
 * Returns: the file the positions are kept in
 */
const char *
mg_reading_positions_get_path (MgReadingPositions *self)
{
  g_return_val_if_fail (MG_IS_READING_POSITIONS (self), NULL);

  return self->path;
}

static GKeyFile *
ensure_loaded (MgReadingPositions *self)
{
  g_autoptr (GError) error = NULL;

  if (self->keyfile != NULL)
    return self->keyfile;

  self->keyfile = g_key_file_new ();
  if (!g_key_file_load_from_file (self->keyfile, self->path, G_KEY_FILE_NONE, &error) && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    {
      /* Losing where one was reading is no reason to stop reading. */
      g_warning ("Could not read the reading positions in %s, starting afresh: %s", self->path, error->message);
      g_clear_pointer (&self->keyfile, g_key_file_free);
      self->keyfile = g_key_file_new ();
    }

  return self->keyfile;
}

static char *
group_for_uri (const char *uri)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, uri, -1);
}

typedef struct
{
  char  *group;
  gint64 stamp;
} Entry;

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *ea = a;
  const Entry *eb = b;

  return (ea->stamp > eb->stamp) - (ea->stamp < eb->stamp);
}

static void
drop_oldest (GKeyFile *keyfile)
{
  g_auto (GStrv) groups = NULL;
  g_autoptr (GArray) entries = NULL;
  gsize n_groups;

  groups = g_key_file_get_groups (keyfile, &n_groups);
  if (n_groups <= MG_READING_POSITIONS_MAX)
    return;

  entries = g_array_sized_new (FALSE, FALSE, sizeof (Entry), n_groups);
  for (gsize i = 0; i < n_groups; i++)
    {
      Entry entry = { groups[i], g_key_file_get_int64 (keyfile, groups[i], "time", NULL) };

      g_array_append_val (entries, entry);
    }
  g_array_sort (entries, compare_entries);

  for (gsize i = 0; i < n_groups - MG_READING_POSITIONS_MAX; i++)
    g_key_file_remove_group (keyfile, g_array_index (entries, Entry, i).group, NULL);
}

/**
 * mg_reading_positions_get_offset:
 * @self: a #MgReadingPositions
 * @uri: the URI of a document
 * @offset: (out): where the document was being read
 *
 * Returns: whether a position is known for @uri
 */
gboolean
mg_reading_positions_get_offset (MgReadingPositions *self,
                                 const char         *uri,
                                 guint              *offset)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *group = NULL;
  g_autofree char *stored_uri = NULL;
  GKeyFile        *keyfile;
  guint64          value;

  g_return_val_if_fail (MG_IS_READING_POSITIONS (self), FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (offset != NULL, FALSE);

  keyfile = ensure_loaded (self);
  group = group_for_uri (uri);
  stored_uri = g_key_file_get_string (keyfile, group, "uri", NULL);
  if (g_strcmp0 (stored_uri, uri) != 0)
    return FALSE;

  value = g_key_file_get_uint64 (keyfile, group, "offset", &error);
  if (error != NULL)
    {
      g_debug ("Ignoring the reading position of %s: %s", uri, error->message);
      return FALSE;
    }

  *offset = (guint) MIN (value, (guint64) G_MAXUINT);

  return TRUE;
}

/**
 * mg_reading_positions_set_offset:
 * @self: a #MgReadingPositions
 * @uri: the URI of a document
 * @offset: the offset of the first visible line, in code points
 *
 * Remembers where @uri was being read, and saves all positions at once
 * with mg_reading_positions_save(); a failure to save is logged, as losing
 * a reading position is not worth interrupting the reader. Call it when a
 * document is closed or replaced, not while scrolling. Only the
 * %MG_READING_POSITIONS_MAX most recent documents are kept.
 */
void
mg_reading_positions_set_offset (MgReadingPositions *self,
                                 const char         *uri,
                                 guint               offset)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *group = NULL;
  GKeyFile        *keyfile;
  gint64           stamp;

  g_return_if_fail (MG_IS_READING_POSITIONS (self));
  g_return_if_fail (uri != NULL);

  keyfile = ensure_loaded (self);
  group = group_for_uri (uri);
  /* Strictly increasing, so that the order of saving is never a tie. */
  stamp = MAX (g_get_real_time (), self->last_stamp + 1);
  self->last_stamp = stamp;

  g_key_file_set_string (keyfile, group, "uri", uri);
  g_key_file_set_uint64 (keyfile, group, "offset", offset);
  g_key_file_set_int64 (keyfile, group, "time", stamp);
  drop_oldest (keyfile);

  if (!mg_reading_positions_save (self, &error))
    g_warning ("Could not save the reading positions in %s: %s", self->path, error->message);
}

/**
 * mg_reading_positions_get_uris:
 * @self: a #MgReadingPositions
 *
 * Returns: (transfer full): the URIs of every document with a position:
 *   the documents that were opened (for the library)
 */
char **
mg_reading_positions_get_uris (MgReadingPositions *self)
{
  g_auto (GStrv) groups = NULL;
  g_autoptr (GPtrArray) uris = g_ptr_array_new ();
  GKeyFile *keyfile;

  g_return_val_if_fail (MG_IS_READING_POSITIONS (self), NULL);

  keyfile = ensure_loaded (self);
  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      char *uri = g_key_file_get_string (keyfile, groups[i], "uri", NULL);

      if (uri != NULL)
        g_ptr_array_add (uris, uri);
    }
  g_ptr_array_add (uris, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&uris), FALSE);
}

/**
 * mg_reading_positions_get_time:
 * @self: a #MgReadingPositions
 * @uri: the URI of a document
 * @time: (out): when its position was saved, in microseconds since the
 *   Unix epoch: when it was last read
 *
 * Returns: whether a position is known for @uri
 */
gboolean
mg_reading_positions_get_time (MgReadingPositions *self,
                               const char         *uri,
                               gint64             *time)
{
  g_autofree char *group = NULL;
  g_autofree char *stored_uri = NULL;
  GKeyFile        *keyfile;

  g_return_val_if_fail (MG_IS_READING_POSITIONS (self), FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);

  keyfile = ensure_loaded (self);
  group = group_for_uri (uri);
  stored_uri = g_key_file_get_string (keyfile, group, "uri", NULL);
  if (g_strcmp0 (stored_uri, uri) != 0)
    return FALSE;

  *time = g_key_file_get_int64 (keyfile, group, "time", NULL);

  return TRUE;
}

/**
 * mg_reading_positions_forget:
 * @self: a #MgReadingPositions
 * @uri: the URI of a document
 *
 * Forgets where @uri was being read (a document removed from the
 * library), and saves.
 */
void
mg_reading_positions_forget (MgReadingPositions *self,
                             const char         *uri)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *group = NULL;

  g_return_if_fail (MG_IS_READING_POSITIONS (self));
  g_return_if_fail (uri != NULL);

  group = group_for_uri (uri);
  if (!g_key_file_remove_group (ensure_loaded (self), group, NULL))
    return;

  if (!mg_reading_positions_save (self, &error))
    g_warning ("Could not save the reading positions in %s: %s", self->path, error->message);
}

/**
 * mg_reading_positions_save:
 * @self: a #MgReadingPositions
 * @error: return location for a #GError
 *
 * Writes the positions to their file, replacing it atomically (a new file
 * renamed over the old one), readable by the user only; makes the folder
 * if needed.
 *
 * Returns: %TRUE if the positions were saved
 */
gboolean
mg_reading_positions_save (MgReadingPositions *self,
                           GError            **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *data = NULL;
  gsize            length;

  g_return_val_if_fail (MG_IS_READING_POSITIONS (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dir = g_path_get_dirname (self->path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "Could not create %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }

  data = g_key_file_to_data (ensure_loaded (self), &length, NULL);

  return g_file_set_contents_full (self->path, data, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

/**
 * mg_reading_positions_reload:
 * @self: a #MgReadingPositions
 *
 * Forgets the positions in memory, so that they are read again from the
 * file when next needed (for tests, and after another instance saved).
 */
void
mg_reading_positions_reload (MgReadingPositions *self)
{
  g_return_if_fail (MG_IS_READING_POSITIONS (self));

  g_clear_pointer (&self->keyfile, g_key_file_free);
}
