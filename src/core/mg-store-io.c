/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "mg-file-private.h"
#include "mg-json-private.h"
#include "mg-store-private.h"

/* The store's files on disk: their names, writing a file only over the
 * contents we expect it to hold, setting aside a file that does not
 * parse, removing the temporary files of writes a crash cut off, and
 * finding the file of a document that moved by the hash of its text.
 * Functions of their arguments, safe in any thread. */

/* Temporary files of writes cut off by a crash are removed after this
 * long; a younger one may belong to a write in progress. A write of
 * ours takes well under a second, even of ten thousand annotations. */
#define STALE_TEMPORARY_AGE_S 60
/* How every file of ours starts (mg-store-format.c), so far as a write
 * cut off may have got. */
#define FILE_START "{\n  \"version\" : "
/* The prefix of the temporary files of g_file_replace(). */
#define TEMPORARY_PREFIX ".goutputstream-"

/* File names ------------------------------------------------------------- */
/* File names ------------------------------------------------------------- */

static char *
slug_for_uri (const char *uri)
{
  g_autofree char *segment = NULL;
  g_autofree char *unescaped = NULL;
  g_autofree char *ascii = NULL;
  GString         *slug;
  const char      *end;
  const char      *start;
  gboolean         dash = FALSE;

  end = uri + strcspn (uri, "?#");
  while (end > uri && end[-1] == '/')
    end--;
  start = end;
  while (start > uri && start[-1] != '/' && start[-1] != ':')
    start--;

  segment = g_strndup (start, end - start);
  unescaped = g_uri_unescape_string (segment, NULL);
  if (unescaped == NULL || !g_utf8_validate (unescaped, -1, NULL))
    {
      g_free (unescaped);
      unescaped = g_strdup (g_utf8_validate (segment, -1, NULL) ? segment : "");
    }

  ascii = g_str_to_ascii (unescaped, "C");

  slug = g_string_new (NULL);
  for (const char *p = ascii; *p != '\0' && slug->len < 40; p++)
    {
      if (g_ascii_isalnum (*p))
        {
          if (dash && slug->len > 0)
            g_string_append_c (slug, '-');
          g_string_append_c (slug, g_ascii_tolower (*p));
          dash = FALSE;
        }
      else
        {
          dash = TRUE;
        }
    }

  if (slug->len == 0)
    g_string_append (slug, "document");

  return g_string_free (slug, FALSE);
}

/**
 * mg_store_file_name_for_uri:
 * @uri: a document's URI
 *
 * The name that format version 1 gave the store file of the document at
 * @uri: a readable slug of its basename, then the first 16 hex digits of
 * the SHA-256 of @uri, e.g. `my-article-txt-0123456789abcdef.json`. Files
 * are now named after the document's id (mg_document_id_file_name()); a
 * file of this name is migrated when its document is opened.
 *
 * Returns: (transfer full): the file name
 */
char *
mg_store_file_name_for_uri (const char *uri)
{
  g_autofree char *slug = NULL;
  g_autofree char *checksum = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  slug = slug_for_uri (uri);
  checksum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, uri, -1);

  return g_strdup_printf ("%s-%.16s.json", slug, checksum);
}

/**
 * mg_store_default_directory:
 *
 * Returns: (transfer full): where stores keep their files by default,
 *   `$XDG_DATA_HOME/<app id>/annotations`
 */
char *
mg_store_default_directory (void)
{
  return g_build_filename (g_get_user_data_dir (), APP_ID, "annotations", NULL);
}

/**
 * mg_store_default_cache_directory:
 *
 * Returns: (transfer full): where stores keep the caches of their files
 *   unless told otherwise: `$XDG_CACHE_HOME/<app id>/annotations`
 */
char *
mg_store_default_cache_directory (void)
{
  return g_build_filename (g_get_user_cache_dir (), APP_ID, "annotations", NULL);
}

/* Reading and writing ---------------------------------------------------- */

/* No file, as opposed to a file we cannot read. */
gboolean
mg_store_io_is_missing (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
}

/* Whether the file holds @expected (NULL: whether there is no file).
 * Read in pieces, compared as they come: a file of another size is
 * told at once, and no second copy of the file is ever held. */
static gboolean
file_unchanged (GFile  *file,
                GBytes *expected)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileInputStream) stream = NULL;
  g_autoptr (GFileInfo) info = NULL;
  g_autofree guchar *buffer = NULL;
  const guchar      *data;
  gsize              len;
  gsize              offset = 0;

  stream = g_file_read (file, NULL, &error);
  if (stream == NULL)
    {
      /* One we cannot read: let the write say what is wrong. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY))
        return TRUE;
      return expected == NULL;
    }

  if (expected == NULL)
    return FALSE;

  data = g_bytes_get_data (expected, &len);

  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE) && g_file_info_get_size (info) != (goffset) len)
    return FALSE;

  buffer = g_malloc (MG_STORE_COMPARE_CHUNK);
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), buffer, MG_STORE_COMPARE_CHUNK, NULL, &error);

      if (n < 0)
        return TRUE; /* as above */
      if (n == 0)
        break;
      if ((gsize) n > len - offset || memcmp (data + offset, buffer, n) != 0)
        return FALSE;
      offset += n;
    }

  return offset == len;
}

/* Other writers of the folder (another instance, the command line) take
 * turns: a lock on the folder, held from the comparison with what we
 * expect until the new file is in place, so that no write slips in
 * between. flock() locks go with the process: a crash releases them. The
 * folder itself is locked rather than a file beside ours, which a synced
 * folder would carry to other machines. -1 when there is no lock to take
 * (a file system without flock()): the write goes on without it. */
static int
lock_folder_for (GFile *file)
{
  g_autofree char *parent = g_path_get_dirname (g_file_peek_path (file));
  int              fd;

  fd = open (parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    {
      g_debug ("No lock on %s: %s", parent, g_strerror (errno));
      return -1;
    }

  while (flock (fd, LOCK_EX) != 0)
    {
      if (errno != EINTR)
        {
          g_debug ("No lock on %s: %s", parent, g_strerror (errno));
          close (fd);
          return -1;
        }
    }

  return fd;
}

static void
unlock_folder (int fd)
{
  if (fd >= 0)
    close (fd);
}

/* For the tests of two writers: a pause between the comparison and the
 * write, where another writer would slip in without the lock. */
static void
test_delay (void)
{
  const char *delay = g_getenv ("MG_STORE_TEST_WRITE_DELAY_MS");

  if (delay != NULL)
    g_usleep (1000 * g_ascii_strtoull (delay, NULL, 10));
}

/* Writes @bytes in place of @file, or leaves @file as it was. Not
 * g_file_replace_contents(): when a write fails (a full disk), it closes
 * the stream as if all went well, which renames the partial temporary
 * file over the good one. Closing with a cancelled cancellable removes
 * the temporary file instead. */
static gboolean
replace_contents (GFile      *file,
                  GBytes     *bytes,
                  const char *etag,
                  char      **new_etag,
                  GError    **error)
{
  g_autoptr (GFileOutputStream) out = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *data;
  gsize       len;
  gsize       written;
  gboolean    existed;

  data = g_bytes_get_data (bytes, &len);

  /* REPLACE_DESTINATION writes a temporary file and renames it over the
   * old one: a reader, or a crash, sees either the old or the new file.
   * When there is no old file, GLib writes the file itself: what a failed
   * write leaves of it is removed. */
  existed = g_file_query_exists (file, NULL);
  out = g_file_replace (file, etag, FALSE,
                        G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                        NULL, error);
  if (out == NULL)
    return FALSE;

  if (!g_output_stream_write_all (G_OUTPUT_STREAM (out), data, len, &written, NULL, &local_error))
    {
      g_autoptr (GCancellable) abandon = g_cancellable_new ();

      g_cancellable_cancel (abandon);
      g_output_stream_close (G_OUTPUT_STREAM (out), abandon, NULL);
      if (!existed)
        g_file_delete (file, NULL, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* A failure here (a full disk at fsync()) also leaves the file. */
  if (!g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error))
    {
      if (!existed)
        g_file_delete (file, NULL, NULL);
      return FALSE;
    }

  if (new_etag != NULL)
    *new_etag = g_file_output_stream_get_etag (out);

  return TRUE;
}

/* Writes @bytes over a file that must hold @expected. The etag alone
 * does not tell: GLib's is the modification time, which the kernel keeps
 * with the resolution of its tick, and there is none when we expect no
 * file. The comparison and the write are made under the folder's lock. */
gboolean
mg_store_io_write (GFile      *file,
                   GBytes     *bytes,
                   GBytes     *expected,
                   const char *etag,
                   char      **new_etag,
                   GError    **error)
{
  g_autoptr (GFile) parent = g_file_get_parent (file);
  g_autoptr (GError) local_error = NULL;
  gboolean ret;
  int      lock;

  if (!g_file_make_directory_with_parents (parent, NULL, &local_error) && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  lock = lock_folder_for (file);

  if (!file_unchanged (file, expected))
    {
      unlock_folder (lock);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WRONG_ETAG,
                           _ ("the file was changed by another program"));
      return FALSE;
    }

  test_delay ();
  ret = replace_contents (file, bytes, etag, new_etag, error);
  unlock_folder (lock);

  return ret;
}

GFile *
mg_store_io_set_aside (GFile   *file,
                       GError **error)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GFile) parent = g_file_get_parent (file);
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");

  for (guint i = 0;; i++)
    {
      g_autofree char *name = NULL;
      g_autoptr (GFile) aside = NULL;
      g_autoptr (GError) local_error = NULL;

      if (i == 0)
        name = g_strdup_printf ("%s.corrupt-%s", basename, stamp);
      else
        name = g_strdup_printf ("%s.corrupt-%s-%u", basename, stamp, i);
      aside = g_file_get_child (parent, name);

      if (g_file_move (file, aside, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, &local_error))
        return g_steal_pointer (&aside);

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS) || i >= 100)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
}

/* Loading ---------------------------------------------------------------- */

/* Looks in the directory for the file of a document with the same text
 * (it moved, or was renamed, or is at another path on another machine).
 * A file whose document no longer exists at its URI is preferred: that is
 * a move, not a copy. */
GFile *
mg_store_io_find_by_hash (GFile      *directory,
                          GFile      *own_file,
                          MgDocument *document,
                          GBytes    **bytes_out,
                          gboolean   *moved_out)
{
  g_autoptr (GFileEnumerator) enumerator = NULL;
  g_autoptr (GFile) best = NULL;
  g_autoptr (GBytes) best_bytes = NULL;
  g_autofree char *best_name = NULL;
  g_autofree char *own_name = g_file_get_basename (own_file);
  const char      *sha256 = mg_document_get_sha256 (document);
  gboolean         best_moved = FALSE;

  enumerator = g_file_enumerate_children (directory,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                          NULL, NULL);
  if (enumerator == NULL)
    return NULL;

  for (;;)
    {
      GFileInfo       *info = NULL;
      GFile           *child = NULL;
      g_autofree char *contents = NULL;
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (JsonNode) root = NULL;
      g_autoptr (GFile) stored = NULL;
      JsonObject *stored_document;
      const char *name;
      const char *stored_uri;
      gboolean    moved;
      gsize       len;

      if (!g_file_enumerator_iterate (enumerator, &info, &child, NULL, NULL) || info == NULL)
        break;

      name = g_file_info_get_name (info);
      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR || !g_str_has_suffix (name, ".json") || g_str_equal (name, own_name))
        continue;
      /* One too large to read is no one's to take over. */
      if (g_file_info_get_size (info) > _mg_store_max_size ())
        continue;

      /* A conflict copy is merged into its file, never used as one. */
      {
        g_autofree char *stem = mg_store_conflict_copy_stem (name);

        if (stem != NULL)
          continue;
      }

      if (!mg_file_load_contents (child, NULL, &contents, &len, NULL, NULL))
        continue;

      /* Most files are someone else's: skip them before parsing. */
      if (g_strstr_len (contents, len, sha256) == NULL)
        continue;

      bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
      root = mg_store_parse_bytes (bytes, NULL);
      if (root == NULL)
        continue;

      stored_document = mg_json_node_get_object (json_object_get_member (json_node_get_object (root), "document"));
      if (g_strcmp0 (mg_json_object_get_string (stored_document, "sha256"), sha256) != 0)
        continue;

      /* Also one with our URI: another id given on this machine before
       * its table was lost, whose text changed since. */
      stored_uri = mg_json_object_get_string (stored_document, "uri");
      stored = g_file_new_for_uri (stored_uri);
      moved = g_file_has_uri_scheme (stored, "file") && !g_file_query_exists (stored, NULL);

      if (best == NULL || (moved && !best_moved) || (moved == best_moved && strcmp (name, best_name) < 0))
        {
          g_set_object (&best, child);
          g_clear_pointer (&best_bytes, g_bytes_unref);
          best_bytes = g_steal_pointer (&bytes);
          g_free (best_name);
          best_name = g_strdup (name);
          best_moved = moved;
        }
    }

  if (best != NULL)
    {
      *bytes_out = g_steal_pointer (&best_bytes);
      *moved_out = best_moved;
    }

  return g_steal_pointer (&best);
}

/* Whether @file is a temporary file of one of our writes: what it holds
 * is the start of a store file, as far as it goes (a write cut off early
 * leaves it empty). */
static gboolean
is_our_temporary (GFile *file)
{
  g_autoptr (GFileInputStream) stream = g_file_read (file, NULL, NULL);
  char  buffer[sizeof FILE_START - 1];
  gsize n = 0;

  if (stream == NULL || !g_input_stream_read_all (G_INPUT_STREAM (stream), buffer, sizeof buffer, &n, NULL, NULL))
    return FALSE;

  return memcmp (buffer, FILE_START, n) == 0;
}

/* A write killed between creating its temporary file and renaming it
 * leaves the temporary file behind: remove ours once they are stale.
 * Only ours: a name as GLib gives them, a regular file (not a link),
 * holding the start of a store file. */
void
mg_store_io_remove_stale_temporary_files (GFile *directory)
{
  g_autoptr (GFileEnumerator) enumerator = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  gint64 limit = g_date_time_to_unix (now) - STALE_TEMPORARY_AGE_S;

  enumerator = g_file_enumerate_children (directory,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_TIME_MODIFIED,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS,
                                          NULL, NULL);
  if (enumerator == NULL)
    return;

  for (;;)
    {
      GFileInfo *info = NULL;
      GFile     *child = NULL;
      g_autoptr (GError) error = NULL;

      if (!g_file_enumerator_iterate (enumerator, &info, &child, NULL, NULL) || info == NULL)
        break;

      if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR || !g_str_has_prefix (g_file_info_get_name (info), TEMPORARY_PREFIX) || (gint64) g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED) > limit || !is_our_temporary (child))
        continue;

      if (!g_file_delete (child, NULL, &error))
        g_debug ("Could not remove %s: %s", g_file_info_get_name (info), error->message);
    }
}
