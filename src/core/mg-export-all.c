/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-export-all"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-anchor.h"
#include "mg-annotation-json.h"
#include "mg-document-loader.h"
#include "mg-export.h"
#include "mg-file-private.h"
#include "mg-json-private.h"
#include "mg-json-writer.h"
#include "mg-library.h"
#include "mg-snapshot.h"
#include "mg-store-private.h"

/*
 * Export everything: every document of the annotations folder, each into
 * a file of its own in a folder of the user's (an Obsidian or Zettlr
 * vault), for `marginalia --export=markdown --all --output=DIR` and the
 * library window. The documents are the ones the library lists (MgLibrary:
 * every annotation file of the folder, with this machine's place for each
 * document), so that the library and its export agree. Each document's
 * annotation file is read as the store reads it, the document itself
 * loaded from its URI (or its web page's snapshot) and the annotations
 * anchored in it, as the window would show them. A document whose file is
 * gone is exported from its stored annotations alone (quote, note, tags).
 *
 * The export folder is shared with the user's own notes, and is exported
 * into again and again, so:
 *
 * - File names come from the title, made safe on every system
 *   (mg_export_file_stem()); a name taken by another document's export,
 *   or by a file Marginalia did not write, gets the first eight digits of
 *   the document's id, e.g. "Title (1a2b3c4d).md". Names are compared
 *   without case, as macOS and Windows do.
 * - The manifest (MG_EXPORT_ALL_MANIFEST) records, for each document and
 *   format, the file's name, the SHA-256 of what was written and its
 *   export time. The name is chosen once and kept, even when the title
 *   changes; a document that left the library keeps its file and its
 *   entry. Nothing is ever deleted.
 * - A file is written only when its content changes: the export is made
 *   again with the recorded export time, and when it is what was written
 *   then, the file is left alone (its date, its mtime). Otherwise it is
 *   made with the time of this export and written atomically, only over
 *   the bytes recorded (mg_store_io_write()). A file changed since by
 *   someone else is theirs now: it is left as it is, the export goes to
 *   a new name, and the notices say so.
 * - A file not in the manifest is never written over.
 */

/* The longest stem, in bytes: the name has room for a suffix and the
 * extension within the 255 bytes of most file systems. */
#define MAX_STEM_BYTES 100
#define MANIFEST_VERSION 1
#define SNAPSHOTS_FOLDER "snapshots"

static const char *const format_names[] = {
  [MG_EXPORT_FORMAT_MARKDOWN] = "markdown",
  [MG_EXPORT_FORMAT_W3C] = "w3c",
};

static const char *const format_extensions[] = {
  [MG_EXPORT_FORMAT_MARKDOWN] = ".md",
  [MG_EXPORT_FORMAT_W3C] = ".jsonld",
};

/**
 * mg_export_all_stats_clear:
 * @stats: what mg_export_all() filled in
 *
 * Frees what @stats holds and zeroes it.
 */
void
mg_export_all_stats_clear (MgExportAllStats *stats)
{
  g_return_if_fail (stats != NULL);

  g_clear_pointer (&stats->notices, g_ptr_array_unref);
  memset (stats, 0, sizeof *stats);
}

static void
add_notice (MgExportAllStats *stats,
            const char       *format,
            ...) G_GNUC_PRINTF (2, 3);

static void
add_notice (MgExportAllStats *stats,
            const char       *format,
            ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (stats->notices, g_strdup_vprintf (format, args));
  va_end (args);
}

/* File names ------------------------------------------------------------- */

/* Characters no file name may hold on one system or another (Windows the
 * most), and the ones that break an Obsidian link to the note. */
static gboolean
is_unsafe (gunichar c)
{
  if (c < 0x80 && strchr ("/\\:*?\"<>|#^[]", (int) c) != NULL)
    return TRUE;

  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return TRUE;
    default:
      return g_unichar_isspace (c);
    }
}

/* Windows' device names, which no file may have, whatever its extension. */
static gboolean
is_device_name (const char *stem)
{
  static const char *const names[] = { "CON", "PRN", "AUX", "NUL", NULL };
  gsize                    len = strcspn (stem, ".");

  for (guint i = 0; names[i] != NULL; i++)
    {
      if (len == 3 && g_ascii_strncasecmp (stem, names[i], 3) == 0)
        return TRUE;
    }

  return len == 4 && (g_ascii_strncasecmp (stem, "COM", 3) == 0 || g_ascii_strncasecmp (stem, "LPT", 3) == 0) && g_ascii_isdigit (stem[3]);
}

/* Spaces and dots at either end: Windows drops them at the end, and a
 * name that starts with a dot is hidden. */
static void
trim_ends (GString *out)
{
  gsize start = 0;

  while (out->len > 0 && (out->str[out->len - 1] == ' ' || out->str[out->len - 1] == '.'))
    g_string_truncate (out, out->len - 1);
  while (start < out->len && (out->str[start] == ' ' || out->str[start] == '.'))
    start++;
  g_string_erase (out, 0, start);
}

/**
 * mg_export_file_stem:
 * @title: (nullable): a document's title
 *
 * The name of a document's export file, without its extension: @title as
 * it reads, less what a file name cannot hold on Linux, macOS or Windows
 * (`/ \ : * ? " < > |`, control characters), or what breaks an Obsidian
 * link (`# ^ [ ]`). A colon becomes " - ", the others a space; runs of
 * white space become one space; spaces and dots at either end go; the
 * result is in Unicode normal form C and at most 100 bytes long, cut at a
 * character. A Windows device name (CON, LPT1...) gets a "_"; a title
 * with nothing left is "Untitled".
 *
 * Returns: (transfer full): the stem
 */
char *
mg_export_file_stem (const char *title)
{
  g_autofree char *valid = g_utf8_make_valid (title != NULL ? title : "", -1);
  g_autofree char *composed = g_utf8_normalize (valid, -1, G_NORMALIZE_DEFAULT_COMPOSE);
  GString         *out = g_string_new (NULL);
  gboolean         space = FALSE;
  gsize            colon_end = 0;

  for (const char *p = composed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gsize    before = out->len;

      if (c == ':' && out->len > 0)
        {
          g_string_append (out, " -");
          colon_end = out->len;
          space = TRUE;
          continue;
        }
      if (c == ':' || is_unsafe (c))
        {
          space = TRUE;
          continue;
        }

      if (space && out->len > 0)
        g_string_append_c (out, ' ');
      space = FALSE;
      g_string_append_unichar (out, c);

      if (out->len > MAX_STEM_BYTES)
        {
          g_string_truncate (out, before);
          break;
        }
    }

  /* A colon at the end leaves no hyphen. */
  if (colon_end > 0 && out->len == colon_end)
    g_string_truncate (out, colon_end - 2);

  trim_ends (out);

  if (out->len == 0)
    /* Translators: the file name of an exported document without a title. */
    g_string_append (out, _ ("Untitled"));
  else if (is_device_name (out->str))
    g_string_append_c (out, '_');

  return g_string_free (out, FALSE);
}

/* Names compared as macOS and Windows compare them: without case, and
 * whatever the Unicode form. */
static char *
name_key (const char *name)
{
  g_autofree char *composed = NULL;
  g_autofree char *folded = NULL;

  /* A name that is not UTF-8 is none of ours. */
  if (!g_utf8_validate (name, -1, NULL))
    return g_strdup (name);

  composed = g_utf8_normalize (name, -1, G_NORMALIZE_DEFAULT_COMPOSE);
  folded = g_utf8_casefold (composed, -1);

  return g_utf8_normalize (folded, -1, G_NORMALIZE_DEFAULT_COMPOSE);
}

/* "Title.md", then "Title (1a2b3c4d).md", "Title (1a2b3c4d) 2.md"... */
static char *
candidate_name (const char    *stem,
                const char    *document_id,
                guint          attempt,
                MgExportFormat format)
{
  const char *uuid = g_str_has_prefix (document_id, "urn:uuid:") ? document_id + strlen ("urn:uuid:") : document_id;
  const char *ext = format_extensions[format];

  if (attempt == 0)
    return g_strconcat (stem, ext, NULL);
  if (attempt == 1)
    return g_strdup_printf ("%s (%.8s)%s", stem, uuid, ext);

  return g_strdup_printf ("%s (%.8s) %u%s", stem, uuid, attempt, ext);
}

/* The documents of the annotations folder -------------------------------- */

/* One document of the library, as the export takes it: what the library
 * says of it (its id, this machine's URI for it, its title, its
 * annotation file), then the annotations its file holds. */
typedef struct
{
  char      *id;
  char      *uri; /* nullable */
  char      *title;
  char      *store_path;
  GPtrArray *annotations; /* MgAnnotation, not anchored; once read */
} StoredDocument;

static void
stored_document_free (gpointer data)
{
  StoredDocument *stored = data;

  g_free (stored->id);
  g_free (stored->uri);
  g_free (stored->title);
  g_free (stored->store_path);
  g_clear_pointer (&stored->annotations, g_ptr_array_unref);
  g_free (stored);
}

static int
compare_documents (gconstpointer a,
                   gconstpointer b)
{
  const StoredDocument *x = *(StoredDocument *const *) a;
  const StoredDocument *y = *(StoredDocument *const *) b;

  return strcmp (x->id, y->id);
}

/* The documents of @library that have an annotation file (one opened
 * without annotations has nothing to export), in the order of their ids,
 * so that names are given in the same order at every export. A file the
 * library could not read is told, and left out. Called on the library's
 * thread: the export itself may run in another. */
static GPtrArray *
collect_documents (MgLibrary        *library,
                   MgExportAllStats *stats)
{
  GListModel *documents = mg_library_get_documents (library);
  GPtrArray  *collected = g_ptr_array_new_with_free_func (stored_document_free);

  for (guint i = 0; i < g_list_model_get_n_items (documents); i++)
    {
      g_autoptr (MgLibraryDocument) document = g_list_model_get_item (documents, i);
      const char     *store_path = mg_library_document_get_store_path (document);
      const char     *id = mg_library_document_get_id (document);
      StoredDocument *stored;

      if (store_path == NULL)
        continue;

      if (mg_library_document_get_state (document) == MG_LIBRARY_DOCUMENT_UNREADABLE || !mg_document_id_is_valid (id))
        {
          /* Translators: an annotation file, and what the library says
           * of it, e.g. "Could not be read: it is not valid JSON". */
          add_notice (stats, _ ("“%s” is left out: %s"), store_path,
                      mg_library_document_get_message (document) != NULL ? mg_library_document_get_message (document) : "");
          stats->n_unreadable++;
          continue;
        }

      stored = g_new0 (StoredDocument, 1);
      stored->id = g_strdup (id);
      stored->uri = g_strdup (mg_library_document_get_uri (document));
      stored->title = g_strdup (mg_library_document_get_title (document));
      stored->store_path = g_strdup (store_path);
      g_ptr_array_add (collected, stored);
    }

  g_ptr_array_sort (collected, compare_documents);

  return collected;
}

/**
 * mg_export_read_stored_annotations:
 * @store_path: an annotation file of the annotations folder
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * The annotations an annotation file holds, read as the store reads them
 * (repeated ids renumbered, versions merged, deletions applied), for a
 * document that is not open: the export of everything, and the library's
 * page of a document whose file is gone. An entry that cannot be read is
 * left out.
 *
 * Returns: (transfer full) (element-type MgAnnotation): the annotations,
 *   or %NULL with @error set when the file cannot be read
 */
GPtrArray *
mg_export_read_stored_annotations (const char   *store_path,
                                   GCancellable *cancellable,
                                   GError      **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (store_path);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) merged = NULL;
  g_autoptr (GPtrArray) annotations = NULL;
  g_autofree char *contents = NULL;
  JsonArray       *entries;
  gsize            len;

  if (!mg_file_load_contents (file, cancellable, &contents, &len, NULL, error))
    return NULL;
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

  root = mg_store_parse_bytes (bytes, error);
  if (root == NULL)
    return NULL;
  mg_store_format_renumber_repeats (root, NULL);
  merged = mg_store_merge_json (root, NULL, NULL);

  annotations = g_ptr_array_new_with_free_func (g_object_unref);
  entries = mg_json_object_get_array (mg_json_node_get_object (merged), "annotations");
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      g_autoptr (GError) local_error = NULL;
      MgAnnotation *annotation = mg_annotation_new_from_json (json_array_get_element (entries, i), &local_error);

      if (annotation != NULL)
        g_ptr_array_add (annotations, annotation);
      else
        g_debug ("%s: an annotation is left out: %s", store_path, local_error->message);
    }

  return g_steal_pointer (&annotations);
}

static gboolean
read_annotations (StoredDocument *stored,
                  GCancellable   *cancellable,
                  GError        **error)
{
  stored->annotations = mg_export_read_stored_annotations (stored->store_path, cancellable, error);

  return stored->annotations != NULL;
}

/* The document as the window would show it, its annotations anchored in
 * it; a document whose file (or web page's snapshot) is gone is an empty
 * one, with the stored title and URI, and every annotation an orphan
 * with its stored quote. */
static MgDocument *
open_document (StoredDocument  *stored,
               MgSnapshotStore *snapshots,
               GCancellable    *cancellable,
               gboolean        *missing)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgDocument) document = NULL;
  const char *uri = stored->uri != NULL ? stored->uri : "";

  if (g_str_has_prefix (uri, "http://") || g_str_has_prefix (uri, "https://"))
    {
      g_autoptr (MgSnapshot) snapshot = mg_snapshot_store_lookup (snapshots, uri, &error);

      if (snapshot != NULL)
        document = mg_snapshot_load_document (snapshot, &error);
    }
  else if (*uri != '\0')
    {
      g_autoptr (GFile) file = g_file_new_for_uri (uri);

      if (g_file_is_native (file) || g_file_has_uri_scheme (file, "resource"))
        document = mg_document_loader_load_file (file, cancellable, &error);
    }

  if (document == NULL)
    {
      g_debug ("%s is exported from its stored annotations: %s", uri, error != NULL ? error->message : "no file");
      *missing = TRUE;
      return mg_document_new_from_text ("", 0, stored->title, uri);
    }

  *missing = FALSE;
  for (guint i = 0; i < stored->annotations->len; i++)
    mg_anchor_annotation (g_ptr_array_index (stored->annotations, i), document);

  return g_steal_pointer (&document);
}

/* The manifest ------------------------------------------------------------ */

typedef struct
{
  char          *document_id;
  MgExportFormat format;
  char          *name;
  char          *sha256;   /* of the bytes written */
  char          *exported; /* the export time in them, "2026-12-06T03:00:00Z" */
} ManifestEntry;

static void
manifest_entry_free (gpointer data)
{
  ManifestEntry *entry = data;

  g_free (entry->document_id);
  g_free (entry->name);
  g_free (entry->sha256);
  g_free (entry->exported);
  g_free (entry);
}

static char *
entry_key (const char    *document_id,
           MgExportFormat format)
{
  return g_strconcat (format_names[format], " ", document_id, NULL);
}

/* One export: what it exports, into where, and what it found there. */
typedef struct
{
  GFile            *dir;
  MgExportFormat    format;
  GDateTime        *now; /* to the second: the manifest holds it so */
  char             *now_text;
  MgSnapshotStore  *snapshots;
  GFile            *manifest_file;
  GBytes           *manifest_bytes; /* as read; NULL when there was none */
  GHashTable       *entries;        /* entry_key () -> ManifestEntry */
  GHashTable       *claimed;        /* name_key () of the manifest's names */
  GHashTable       *on_disk;        /* name_key () of the folder's files */
  MgExportAllStats *stats;
} Run;

static void
run_clear (Run *run)
{
  g_clear_object (&run->dir);
  g_clear_pointer (&run->now, g_date_time_unref);
  g_clear_pointer (&run->now_text, g_free);
  g_clear_object (&run->snapshots);
  g_clear_object (&run->manifest_file);
  g_clear_pointer (&run->manifest_bytes, g_bytes_unref);
  g_clear_pointer (&run->entries, g_hash_table_unref);
  g_clear_pointer (&run->claimed, g_hash_table_unref);
  g_clear_pointer (&run->on_disk, g_hash_table_unref);
}

static void
claim (Run           *run,
       ManifestEntry *entry)
{
  g_hash_table_replace (run->entries, entry_key (entry->document_id, entry->format), entry);
  g_hash_table_add (run->claimed, name_key (entry->name));
}

/* A name the manifest may hold: one file right in the folder. */
static gboolean
is_plain_name (const char *name)
{
  return name != NULL && *name != '\0' && *name != '.' && strchr (name, '/') == NULL && g_utf8_validate (name, -1, NULL);
}

/* Reads the manifest, if there is one. One that cannot be read is left
 * as it is (it is written over only as it was read), and every file of
 * the folder is then taken as the user's. */
static gboolean
read_manifest (Run          *run,
               GCancellable *cancellable,
               GError      **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *contents = NULL;
  JsonArray       *files;
  gsize            len;

  if (!mg_file_load_contents (run->manifest_file, cancellable, &contents, &len, NULL, &local_error))
    {
      if (mg_store_io_is_missing (local_error))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  run->manifest_bytes = g_bytes_new (contents, len);

  if (!g_utf8_validate_len (contents, len, NULL) || !mg_json_check_depth (contents, len) || !json_parser_load_from_data (parser, contents, len, &local_error))
    {
      add_notice (run->stats, _ ("“%s” cannot be read (%s): every file of the folder is left as it is"),
                  g_file_peek_path (run->manifest_file), local_error != NULL ? local_error->message : _ ("it is not UTF-8 text"));
      return TRUE;
    }

  files = mg_json_object_get_array (mg_json_node_get_object (json_parser_get_root (parser)), "files");
  for (guint i = 0; files != NULL && i < json_array_get_length (files); i++)
    {
      JsonObject    *object = mg_json_node_get_object (json_array_get_element (files, i));
      const char    *format = mg_json_object_get_string (object, "format");
      const char    *id = mg_json_object_get_string (object, "document");
      const char    *name = mg_json_object_get_string (object, "name");
      const char    *sha256 = mg_json_object_get_string (object, "sha256");
      ManifestEntry *entry;

      if (format == NULL || id == NULL || sha256 == NULL || !is_plain_name (name))
        continue;

      entry = g_new0 (ManifestEntry, 1);
      entry->format = g_str_equal (format, format_names[MG_EXPORT_FORMAT_W3C]) ? MG_EXPORT_FORMAT_W3C : MG_EXPORT_FORMAT_MARKDOWN;
      if (!g_str_equal (format, format_names[entry->format]))
        {
          manifest_entry_free (entry);
          continue;
        }
      entry->document_id = g_strdup (id);
      entry->name = g_strdup (name);
      entry->sha256 = g_strdup (sha256);
      entry->exported = g_strdup (mg_json_object_get_string (object, "exported"));
      claim (run, entry);
    }

  return TRUE;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const ManifestEntry *x = *(ManifestEntry *const *) a;
  const ManifestEntry *y = *(ManifestEntry *const *) b;
  int                  cmp = strcmp (x->name, y->name);

  if (cmp != 0)
    return cmp;

  return strcmp (x->document_id, y->document_id);
}

/* Writes the manifest when what it holds changed, only over the one read:
 * two exports into one folder at once do not lose each other's files. */
static gboolean
write_manifest (Run     *run,
                GError **error)
{
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  GHashTableIter iter;
  gpointer       value;
  MgJsonWriter   w;

  g_hash_table_iter_init (&iter, run->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (sorted, value);
  g_ptr_array_sort (sorted, compare_entries);

  mg_json_writer_init (&w, g_string_new (NULL), MG_JSON_WRITER_PRETTY | MG_JSON_WRITER_TIGHT_COLON);
  mg_json_writer_open (&w, '{');
  mg_json_writer_int_member (&w, "version", MANIFEST_VERSION);
  mg_json_writer_plain_string_member (&w, "about",
                                      "The files of this folder that Marginalia's export wrote, for which documents. "
                                      "Marginalia writes only these files, and only while they hold what it wrote; "
                                      "it never deletes a file.");
  mg_json_writer_plain_member (&w, "files");
  mg_json_writer_open (&w, '[');
  for (guint i = 0; i < sorted->len; i++)
    {
      ManifestEntry *entry = g_ptr_array_index (sorted, i);

      mg_json_writer_element (&w);
      mg_json_writer_open (&w, '{');
      mg_json_writer_string_member (&w, "name", entry->name);
      mg_json_writer_string_member (&w, "document", entry->document_id);
      mg_json_writer_plain_string_member (&w, "format", format_names[entry->format]);
      mg_json_writer_string_member (&w, "sha256", entry->sha256);
      if (entry->exported != NULL)
        mg_json_writer_string_member (&w, "exported", entry->exported);
      mg_json_writer_close (&w, '}');
    }
  mg_json_writer_close (&w, ']');
  mg_json_writer_close (&w, '}');
  g_string_append_c (w.out, '\n');
  bytes = g_string_free_to_bytes (w.out);

  if (run->manifest_bytes != NULL && g_bytes_equal (bytes, run->manifest_bytes))
    return TRUE;

  if (!mg_store_io_write (run->manifest_file, bytes, run->manifest_bytes, NULL, NULL, error))
    return FALSE;

  g_clear_pointer (&run->manifest_bytes, g_bytes_unref);
  run->manifest_bytes = g_steal_pointer (&bytes);

  return TRUE;
}

/* The names of the files of the export folder, as name_key () makes them. */
static gboolean
list_folder (Run          *run,
             GCancellable *cancellable,
             GError      **error)
{
  g_autoptr (GFileEnumerator) enumerator = NULL;

  enumerator = g_file_enumerate_children (run->dir, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                          G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, cancellable, error);
  if (enumerator == NULL)
    return FALSE;

  for (;;)
    {
      GFileInfo *info = NULL;

      if (!g_file_enumerator_iterate (enumerator, &info, NULL, cancellable, error))
        return FALSE;
      if (info == NULL)
        break;
      g_hash_table_add (run->on_disk, name_key (g_file_info_get_name (info)));
    }

  return TRUE;
}

/* Exporting one document ------------------------------------------------- */

static GBytes *
render (Run        *run,
        MgDocument *document,
        GListModel *annotations,
        const char *document_id,
        GDateTime  *when)
{
  MgExportOptions options = { 0 };
  char           *text;

  options.now = when;
  /* Each Markdown entry links back to its passage. */
  options.document_id = document_id;
  if (run->format == MG_EXPORT_FORMAT_MARKDOWN)
    text = mg_export_markdown (document, annotations, &options);
  else
    text = mg_export_w3c (document, annotations, &options);

  return g_bytes_new_take (text, strlen (text));
}

static char *
bytes_sha256 (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/* What @file holds: %NULL without @error when there is no file. */
static GBytes *
read_file (GFile        *file,
           GCancellable *cancellable,
           GError      **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *contents = NULL;
  gsize            len;

  if (mg_file_load_contents (file, cancellable, &contents, &len, NULL, &local_error))
    return g_bytes_new_take (g_steal_pointer (&contents), len);

  if (!mg_store_io_is_missing (local_error))
    g_propagate_error (error, g_steal_pointer (&local_error));

  return NULL;
}

static gboolean
file_exists (GFile *file)
{
  return g_file_query_file_type (file, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL) != G_FILE_TYPE_UNKNOWN;
}

/* A name for a document's new file: its title's, else with its id's
 * digits, never one the manifest holds or a file of the folder has. */
static char *
choose_name (Run        *run,
             const char *title,
             const char *document_id)
{
  g_autofree char *stem = mg_export_file_stem (title);
  g_autofree char *first = NULL;

  for (guint attempt = 0;; attempt++)
    {
      g_autofree char *name = candidate_name (stem, document_id, attempt, run->format);
      g_autofree char *key = name_key (name);

      if (g_hash_table_contains (run->claimed, key))
        continue;
      if (g_hash_table_contains (run->on_disk, key))
        {
          if (attempt == 0)
            first = g_strdup (name);
          continue;
        }

      if (first != NULL)
        add_notice (run->stats, _ ("“%s” in “%s” was not written by Marginalia: it is left as it is, and “%s” is exported to “%s”"),
                    first, g_file_peek_path (run->dir), title, name);

      return g_steal_pointer (&name);
    }
}

/* Writes @bytes to the document's file, new or over what it recorded,
 * and records it. */
static gboolean
write_export (Run        *run,
              const char *document_id,
              const char *name,
              GBytes     *bytes,
              GBytes     *expected,
              const char *exported,
              GError    **error)
{
  g_autoptr (GFile) file = g_file_get_child (run->dir, name);
  ManifestEntry *entry;

  if (!mg_store_io_write (file, bytes, expected, NULL, NULL, error))
    return FALSE;

  g_hash_table_add (run->on_disk, name_key (name));
  entry = g_new0 (ManifestEntry, 1);
  entry->document_id = g_strdup (document_id);
  entry->format = run->format;
  entry->name = g_strdup (name);
  entry->sha256 = bytes_sha256 (bytes);
  entry->exported = g_strdup (exported);
  claim (run, entry);
  run->stats->n_written++;

  return TRUE;
}

static gboolean
export_document (Run            *run,
                 StoredDocument *stored,
                 GCancellable   *cancellable,
                 GError        **error)
{
  g_autofree char *key = entry_key (stored->id, run->format);
  ManifestEntry   *entry = g_hash_table_lookup (run->entries, key);
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (GListStore) annotations = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) current = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GDateTime) previous = NULL;
  g_autofree char *name = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *edited = NULL;
  gboolean         missing = FALSE;

  /* A document without annotations is left out, unless an export of it
   * is in the folder already: that one is brought up to date. */
  if (stored->annotations->len == 0 && entry == NULL)
    return TRUE;

  document = open_document (stored, run->snapshots, cancellable, &missing);
  annotations = g_list_store_new (MG_TYPE_ANNOTATION);
  g_list_store_splice (annotations, 0, 0, stored->annotations->pdata, stored->annotations->len);

  run->stats->n_documents++;
  run->stats->n_missing += missing;

  if (entry != NULL)
    {
      file = g_file_get_child (run->dir, entry->name);

      /* Made again as it was made then: the same bytes are no change. */
      if (entry->exported != NULL)
        previous = g_date_time_new_from_iso8601 (entry->exported, NULL);
      if (previous != NULL)
        {
          bytes = render (run, document, G_LIST_MODEL (annotations), stored->id, previous);
          sha256 = bytes_sha256 (bytes);
          if (g_str_equal (sha256, entry->sha256))
            {
              if (file_exists (file))
                return TRUE;
              /* Deleted: made again, as it was. */
              return write_export (run, stored->id, entry->name, bytes, NULL, entry->exported, error);
            }
          g_clear_pointer (&bytes, g_bytes_unref);
        }

      bytes = render (run, document, G_LIST_MODEL (annotations), stored->id, run->now);
      current = read_file (file, cancellable, error);
      if (current == NULL && error != NULL && *error != NULL)
        return FALSE;
      g_clear_pointer (&sha256, g_free);
      if (current != NULL)
        sha256 = bytes_sha256 (current);

      if (current == NULL || g_str_equal (sha256, entry->sha256))
        {
          name = g_strdup (entry->name);
          return write_export (run, stored->id, name, bytes, current, run->now_text, error);
        }

      /* Changed by someone else since: theirs now. Its name stays
       * claimed for this export, and is free for none the next time. */
      edited = g_strdup (entry->name);
      g_hash_table_remove (run->entries, key);
    }
  else
    bytes = render (run, document, G_LIST_MODEL (annotations), stored->id, run->now);

  name = choose_name (run, mg_document_get_title (document), stored->id);
  if (edited != NULL)
    add_notice (run->stats, _ ("“%s” in “%s” was changed since Marginalia wrote it: it is left as it is, and “%s” is exported to “%s”"),
                edited, g_file_peek_path (run->dir), mg_document_get_title (document), name);

  return write_export (run, stored->id, name, bytes, NULL, run->now_text, error);
}

/* The export ------------------------------------------------------------- */

/* The export folder: made if need be; a file, or a folder that cannot be
 * written, is refused at once, with nothing written. */
static gboolean
prepare_folder (GFile        *dir,
                GCancellable *cancellable,
                GError      **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GFileInfo) info = NULL;

  if (!g_file_make_directory_with_parents (dir, cancellable, &local_error) && !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  info = g_file_query_info (dir, G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_ACCESS_CAN_WRITE,
                            G_FILE_QUERY_INFO_NONE, cancellable, error);
  if (info == NULL)
    return FALSE;

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_DIRECTORY)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY,
                           _ ("it is not a folder"));
      return FALSE;
    }

  if (g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_ACCESS_CAN_WRITE) && !g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_ACCESS_CAN_WRITE))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                           _ ("it cannot be written to"));
      return FALSE;
    }

  return TRUE;
}

/* The export of @documents (collect_documents()), in any thread. */
static gboolean
export_documents (GPtrArray        *documents,
                  const char       *annotations_folder,
                  MgExportFormat    format,
                  GFile            *dir,
                  MgExportAllStats *stats,
                  GCancellable     *cancellable,
                  GError          **error)
{
  g_autoptr (GFile) folder = g_file_new_for_path (annotations_folder);
  g_autofree char *snapshots_path = NULL;
  g_autoptr (GError) local_error = NULL;
  Run      run = { 0 };
  gboolean ok = TRUE;

  if (g_file_equal (folder, dir))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("it is the annotations folder: export into another one"));
      return FALSE;
    }

  if (!prepare_folder (dir, cancellable, error))
    return FALSE;

  run.dir = g_object_ref (dir);
  run.format = format;
  run.now = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC);
  run.now_text = g_date_time_format (run.now, "%Y-%m-%dT%H:%M:%SZ");
  snapshots_path = g_build_filename (annotations_folder, SNAPSHOTS_FOLDER, NULL);
  run.snapshots = mg_snapshot_store_new (snapshots_path);
  run.manifest_file = g_file_get_child (dir, MG_EXPORT_ALL_MANIFEST);
  run.entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, manifest_entry_free);
  run.claimed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run.on_disk = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run.stats = stats;

  if (!read_manifest (&run, cancellable, error) || !list_folder (&run, cancellable, error))
    {
      run_clear (&run);
      return FALSE;
    }

  for (guint i = 0; i < documents->len && ok; i++)
    {
      StoredDocument *stored = g_ptr_array_index (documents, i);

      if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        {
          ok = FALSE;
          break;
        }

      /* Changed since the library read it, and no longer readable. */
      if (stored->annotations == NULL && !read_annotations (stored, cancellable, &local_error))
        {
          add_notice (stats, _ ("“%s” is left out: %s"), stored->store_path, local_error->message);
          stats->n_unreadable++;
          g_clear_error (&local_error);
          continue;
        }

      ok = export_document (&run, stored, cancellable, &local_error);
      /* What the document needed is not kept for the next one. */
      g_clear_pointer (&stored->annotations, g_ptr_array_unref);
    }

  /* What was written is recorded, even when the export stopped. */
  if (!write_manifest (&run, ok ? &local_error : NULL))
    ok = FALSE;

  run_clear (&run);

  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static void
stats_init (MgExportAllStats *stats)
{
  memset (stats, 0, sizeof *stats);
  stats->notices = g_ptr_array_new_with_free_func (g_free);
}

/**
 * mg_export_all:
 * @library: the library whose documents are exported, up to date
 *   (mg_library_update(), or a live library)
 * @format: the format of the files
 * @dir: the folder to export into (made if need be), e.g. an Obsidian or
 *   Zettlr vault, or a folder in one
 * @stats: (out caller-allocates) (optional): what was done; clear it
 *   with mg_export_all_stats_clear()
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Exports the annotations of every document of @library that has an
 * annotation file into @dir, one file per document: `Title.md` for
 * Markdown, `Title.jsonld` (an AnnotationCollection) for W3C. Each
 * document is loaded from where it is on this machine (its URI, or the
 * snapshot of its web page) and its annotations anchored in it, as for an
 * export from its window; a document whose file is gone is exported from
 * its stored annotations (quote, note, tags). Documents without
 * annotations are left out, unless they were exported before.
 *
 * It can be run again and again into the same folder: each document
 * keeps the file name it was given first (recorded in
 * MG_EXPORT_ALL_MANIFEST, see the top of mg-export-all.c for the rules),
 * a file is written only when its content changed (its export date
 * included: an unchanged export keeps its date), never over a file
 * Marginalia did not write, and nothing is ever deleted. Files are
 * written atomically.
 *
 * Call it on the library's thread; it blocks while documents load:
 * mg_export_all_async() runs the export in a worker thread.
 *
 * Returns: %TRUE when every document was exported (annotation files
 *   that could not be read are left out: see @stats); %FALSE with @error
 *   (a clause, e.g. "it is not a folder") when @dir could not be made or
 *   written (the files written before are recorded: running it again is
 *   harmless)
 */
gboolean
mg_export_all (MgLibrary        *library,
               MgExportFormat    format,
               GFile            *dir,
               MgExportAllStats *stats,
               GCancellable     *cancellable,
               GError          **error)
{
  g_auto (MgExportAllStats) local_stats = { 0 };
  g_autoptr (GPtrArray) documents = NULL;

  g_return_val_if_fail (MG_IS_LIBRARY (library), FALSE);
  g_return_val_if_fail (format == MG_EXPORT_FORMAT_MARKDOWN || format == MG_EXPORT_FORMAT_W3C, FALSE);
  g_return_val_if_fail (G_IS_FILE (dir), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (stats == NULL)
    stats = &local_stats;
  stats_init (stats);
  documents = collect_documents (library, stats);

  return export_documents (documents, mg_library_get_folder (library), format, dir, stats, cancellable, error);
}

typedef struct
{
  GPtrArray       *documents;
  char            *annotations_folder;
  MgExportFormat   format;
  GFile           *dir;
  MgExportAllStats stats;
} ExportAllData;

static void
export_all_data_free (gpointer data)
{
  ExportAllData *d = data;

  g_clear_pointer (&d->documents, g_ptr_array_unref);
  g_free (d->annotations_folder);
  g_clear_object (&d->dir);
  mg_export_all_stats_clear (&d->stats);
  g_free (d);
}

static void
export_all_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ExportAllData *d = task_data;
  GError        *error = NULL;

  if (export_documents (d->documents, d->annotations_folder, d->format, d->dir, &d->stats, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * mg_export_all_async:
 * @library: the library whose documents are exported
 * @format: the format of the files
 * @dir: the folder to export into
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the export is done
 * @user_data: data for @callback
 *
 * mg_export_all(), with the documents @library lists now, in a worker
 * thread: the library may go on updating meanwhile.
 */
void
mg_export_all_async (MgLibrary          *library,
                     MgExportFormat      format,
                     GFile              *dir,
                     GCancellable       *cancellable,
                     GAsyncReadyCallback callback,
                     gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  ExportAllData *d;

  g_return_if_fail (MG_IS_LIBRARY (library));
  g_return_if_fail (format == MG_EXPORT_FORMAT_MARKDOWN || format == MG_EXPORT_FORMAT_W3C);
  g_return_if_fail (G_IS_FILE (dir));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  d = g_new0 (ExportAllData, 1);
  stats_init (&d->stats);
  d->documents = collect_documents (library, &d->stats);
  d->annotations_folder = g_strdup (mg_library_get_folder (library));
  d->format = format;
  d->dir = g_object_ref (dir);

  task = g_task_new (library, cancellable, callback, user_data);
  g_task_set_source_tag (task, mg_export_all_async);
  g_task_set_task_data (task, d, export_all_data_free);
  g_task_run_in_thread (task, export_all_thread);
}

/**
 * mg_export_all_finish:
 * @library: the library given to mg_export_all_async()
 * @result: the #GAsyncResult given to the callback
 * @stats: (out caller-allocates) (optional): what was done, also when
 *   the export failed; clear it with mg_export_all_stats_clear()
 * @error: return location for a #GError
 *
 * Returns: as mg_export_all()
 */
gboolean
mg_export_all_finish (MgLibrary        *library,
                      GAsyncResult     *result,
                      MgExportAllStats *stats,
                      GError          **error)
{
  ExportAllData *d;

  g_return_val_if_fail (g_task_is_valid (result, library), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mg_export_all_async, FALSE);

  d = g_task_get_task_data (G_TASK (result));
  if (stats != NULL)
    {
      *stats = d->stats;
      memset (&d->stats, 0, sizeof d->stats);
    }

  return g_task_propagate_boolean (G_TASK (result), error);
}
