/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-store-cache"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "mg-annotation-json.h"
#include "mg-store-private.h"
#include "mg-store-cache.h"

/* A store file of 10,000 annotations is about 8 MB of JSON, which
 * json-glib reads in a third of a second or more. What the store makes of
 * that file is kept beside it in a GVariant, which GLib reads in place
 * from a mapped file: the load of a file that did not change since the
 * store last read or wrote it takes a tenth of the time.
 *
 * The JSON file stays the only record. The cache is in the user's cache
 * folder, is made again whenever it does not match, and may be deleted at
 * any time. It is used only for the very bytes it was made from: the
 * header names the checksum of the JSON file, and the checksum of the
 * cache's own data, so that a cache cut short or damaged on disk is never
 * taken for a file without annotations. (SHA-1 is for speed: nothing here
 * guards against a forger, who could as well write the JSON file.)
 *
 * The header is one line of text in HEADER_SIZE bytes, padded with NULs:
 *
 *   MGCACHE <format> <byte order> <version> <JSON SHA-1> <data SHA-1> <data size>
 *
 * then the GVariant of type CACHE_TYPE, in the machine's byte order: the
 * document as the file names it, then the annotations in columns (fixed
 * size ones read in place, without a copy per item; a previous quote is
 * "" when there is none), then what the store keeps verbatim. */

#define CACHE_FORMAT 2
#define HEADER_SIZE 256
#define CACHE_TYPE "((sss)asaxaxayasaasasasasauauasasa(ss)as)"

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
#define BYTE_ORDER_MARK "l"
#else
#define BYTE_ORDER_MARK "B"
#endif

void
mg_store_cache_contents_clear (MgStoreCacheContents *contents)
{
  g_clear_pointer (&contents->uri, g_free);
  g_clear_pointer (&contents->sha256, g_free);
  g_clear_pointer (&contents->title, g_free);
  g_clear_pointer (&contents->annotations, g_ptr_array_unref);
  g_clear_pointer (&contents->raw_entries, g_ptr_array_unref);
  g_clear_pointer (&contents->tombstones, g_hash_table_unref);
  g_clear_pointer (&contents->raw_tombstones, g_ptr_array_unref);
  g_clear_pointer (&contents->raw_texts, g_hash_table_unref);
}

/**
 * mg_store_cache_checksum:
 * @json: the bytes of a store file
 *
 * Returns: (transfer full): the checksum that names @json in a cache
 */
char *
mg_store_cache_checksum (GBytes *json)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA1, json);
}

/* The header up to the checksum of the data, which follows it. */
static char *
header_prefix (const char *json_checksum)
{
  return g_strdup_printf ("MGCACHE %d " BYTE_ORDER_MARK " " PACKAGE_VERSION " %s ",
                          CACHE_FORMAT, json_checksum);
}

static GVariant *
strv_variant (GPtrArray *strings)
{
  return g_variant_new_strv ((const char *const *) strings->pdata, strings->len);
}

/* Entries kept as they are, as their text as read when it is known. */
static GVariant *
nodes_variant (GPtrArray  *nodes,
               GHashTable *raw_texts)
{
  g_autoptr (GPtrArray) texts = g_ptr_array_new_full (nodes ? nodes->len : 0, g_free);

  for (guint i = 0; nodes != NULL && i < nodes->len; i++)
    {
      JsonNode   *node = g_ptr_array_index (nodes, i);
      gpointer    key = JSON_NODE_HOLDS_OBJECT (node) ? (gpointer) json_node_get_object (node) : JSON_NODE_HOLDS_ARRAY (node) ? (gpointer) json_node_get_array (node)
                                                                                                                              : NULL;
      const char *raw = key != NULL && raw_texts != NULL ? g_hash_table_lookup (raw_texts, key) : NULL;

      g_ptr_array_add (texts, raw != NULL ? g_strdup (raw) : json_to_string (node, FALSE));
    }

  return g_variant_new_strv ((const char *const *) texts->pdata, texts->len);
}

/**
 * mg_store_cache_build:
 * @uri: the document's URI, as the file holds it
 * @sha256: its checksum, as the file holds it
 * @title: its title, as the file holds it
 * @annotations: the annotations read from the file
 * @raw_entries: (element-type JsonNode): the entries kept as they are
 * @tombstones: (element-type utf8 utf8): id -> time of deletion
 * @raw_tombstones: (element-type JsonNode): tombstones kept as they are
 * @raw_texts: (nullable): the texts as read of those, by object or array
 *
 * Makes what mg_store_cache_write() writes. Cheap enough for the main
 * thread: the strings are copied once, and the work of laying them out is
 * left to the writer, in its thread.
 *
 * The caller vouches that the file holds these very annotations, written
 * by the store. Reading that file gives them back as they are, except in
 * cases no user makes, which a file would read differently: text that is
 * not UTF-8 (the writer repairs it), two annotations with one id, an
 * annotation with a tombstone, a position beyond what the reader takes.
 * Then there is no cache, and the next load reads the JSON.
 *
 * Returns: (transfer full) (nullable): the cache's contents, or %NULL
 */
GVariant *
mg_store_cache_build (const char *uri,
                      const char *sha256,
                      const char *title,
                      GListModel *annotations,
                      GPtrArray  *raw_entries,
                      GHashTable *tombstones,
                      GPtrArray  *raw_tombstones,
                      GHashTable *raw_texts)
{
  guint n = g_list_model_get_n_items (annotations);
  g_autoptr (GPtrArray) ids = g_ptr_array_sized_new (n);
  g_autoptr (GPtrArray) notes = g_ptr_array_sized_new (n);
  g_autoptr (GPtrArray) exacts = g_ptr_array_sized_new (n);
  g_autoptr (GPtrArray) prefixes = g_ptr_array_sized_new (n);
  g_autoptr (GPtrArray) suffixes = g_ptr_array_sized_new (n);
  g_autoptr (GPtrArray) previous = g_ptr_array_sized_new (n);
  g_autoptr (GPtrArray) annotation_refs = g_ptr_array_new_full (n, g_object_unref);
  g_autofree gint64  *created = g_new (gint64, MAX (n, 1));
  g_autofree gint64  *modified = g_new (gint64, MAX (n, 1));
  g_autofree guint8  *colors = g_new (guint8, MAX (n, 1));
  g_autofree guint32 *starts = g_new (guint32, MAX (n, 1));
  g_autofree guint32 *ends = g_new (guint32, MAX (n, 1));
  GVariantBuilder     tags;
  GVariantBuilder     deleted;
  GHashTableIter      iter;
  gpointer            key;
  gpointer            value;
  GVariant           *columns[16];
  guint               n_columns = 0;

  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n; i++)
    {
      MgAnnotation *annotation = g_list_model_get_item (annotations, i);
      const char   *id = mg_annotation_get_id (annotation);

      g_ptr_array_add (annotation_refs, annotation);
      if (!mg_annotation_json_reads_back (annotation) || g_hash_table_contains (seen, id) || g_hash_table_contains (tombstones, id))
        {
          g_debug ("No cache: the annotation %s would not read back the same", id);
          return NULL;
        }
      g_hash_table_add (seen, (gpointer) id);
    }

  g_variant_builder_init (&tags, G_VARIANT_TYPE ("aas"));
  for (guint i = 0; i < n; i++)
    {
      MgAnnotation *annotation = g_ptr_array_index (annotation_refs, i);
      const char  **annotation_tags = (const char **) mg_annotation_get_tags (annotation);

      g_ptr_array_add (ids, (gpointer) mg_annotation_get_id (annotation));
      g_ptr_array_add (notes, (gpointer) mg_annotation_get_note (annotation));
      g_ptr_array_add (exacts, (gpointer) mg_annotation_get_exact (annotation));
      g_ptr_array_add (prefixes, (gpointer) mg_annotation_get_prefix (annotation));
      g_ptr_array_add (suffixes, (gpointer) mg_annotation_get_suffix (annotation));
      g_ptr_array_add (previous, (gpointer) (mg_annotation_get_previous_exact (annotation) != NULL ? mg_annotation_get_previous_exact (annotation) : ""));
      created[i] = mg_annotation_json_time_to_usec (mg_annotation_get_created (annotation));
      modified[i] = mg_annotation_json_time_to_usec (mg_annotation_get_modified (annotation));
      colors[i] = mg_annotation_get_color (annotation);
      starts[i] = mg_annotation_get_start (annotation);
      ends[i] = mg_annotation_get_end (annotation);
      g_variant_builder_add_value (&tags, g_variant_new_strv (annotation_tags, -1));
    }

  g_variant_builder_init (&deleted, G_VARIANT_TYPE ("a(ss)"));
  g_hash_table_iter_init (&iter, tombstones);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_variant_builder_add (&deleted, "(ss)", key, value);

  columns[n_columns++] = g_variant_new ("(sss)", uri ? uri : "", sha256 ? sha256 : "", title ? title : "");
  columns[n_columns++] = strv_variant (ids);
  columns[n_columns++] = g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, created, n, sizeof (gint64));
  columns[n_columns++] = g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, modified, n, sizeof (gint64));
  columns[n_columns++] = g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, colors, n, sizeof (guint8));
  columns[n_columns++] = strv_variant (notes);
  columns[n_columns++] = g_variant_builder_end (&tags);
  columns[n_columns++] = strv_variant (exacts);
  columns[n_columns++] = strv_variant (prefixes);
  columns[n_columns++] = strv_variant (suffixes);
  columns[n_columns++] = g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, starts, n, sizeof (guint32));
  columns[n_columns++] = g_variant_new_fixed_array (G_VARIANT_TYPE_UINT32, ends, n, sizeof (guint32));
  columns[n_columns++] = strv_variant (previous);
  columns[n_columns++] = nodes_variant (raw_entries, raw_texts);
  columns[n_columns++] = g_variant_builder_end (&deleted);
  columns[n_columns++] = nodes_variant (raw_tombstones, raw_texts);

  return g_variant_ref_sink (g_variant_new_tuple (columns, n_columns));
}

/**
 * mg_store_cache_frame:
 * @data: the GVariant data of a cache, as g_variant_store() writes it
 * @json: the bytes of the store file it is for
 *
 * Returns: (transfer full): the bytes of the cache file: the header, then
 *   @data
 */
GBytes *
mg_store_cache_frame (const void *data,
                      gsize       data_size,
                      GBytes     *json)
{
  g_autofree char *json_checksum = mg_store_cache_checksum (json);
  g_autofree char *prefix = header_prefix (json_checksum);
  g_autofree char *data_checksum = NULL;
  g_autofree char *header = NULL;
  char            *contents;
  gsize            header_len;

  data_checksum = g_compute_checksum_for_data (G_CHECKSUM_SHA1, data, data_size);
  header = g_strdup_printf ("%s%s %" G_GSIZE_FORMAT "\n", prefix, data_checksum, data_size);
  header_len = strlen (header);
  g_assert (header_len < HEADER_SIZE);

  contents = g_malloc0 (HEADER_SIZE + data_size);
  memcpy (contents, header, header_len);
  if (data_size > 0)
    memcpy (contents + HEADER_SIZE, data, data_size);

  return g_bytes_new_take (contents, HEADER_SIZE + data_size);
}

/**
 * mg_store_cache_write:
 * @file: where the cache goes
 * @built: what mg_store_cache_build() made
 * @json: the bytes of the store file it was made from
 * @error: return location for a #GError
 *
 * Writes the cache, atomically and durably, creating its folder. Safe in
 * any thread: it touches nothing but its arguments.
 *
 * Returns: %TRUE if the cache was written
 */
gboolean
mg_store_cache_write (GFile    *file,
                      GVariant *built,
                      GBytes   *json,
                      GError  **error)
{
  g_autoptr (GFile) parent = g_file_get_parent (file);
  g_autoptr (GBytes) contents = NULL;
  g_autofree char *data = NULL;
  gsize            data_size;

  g_return_val_if_fail (g_variant_is_of_type (built, G_VARIANT_TYPE (CACHE_TYPE)), FALSE);

  data_size = g_variant_get_size (built);
  data = g_malloc (MAX (data_size, 1));
  g_variant_store (built, data);
  contents = mg_store_cache_frame (data, data_size, json);

  if (g_mkdir_with_parents (g_file_peek_path (parent), 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "%s: %s", g_file_peek_path (parent), g_strerror (saved_errno));
      return FALSE;
    }

  return g_file_set_contents_full (g_file_peek_path (file), g_bytes_get_data (contents, NULL), g_bytes_get_size (contents),
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

/* Entries kept as they are, read as a file's entries are, their texts
 * kept in @raw_texts. */
static GPtrArray *
nodes_from_variant (GVariant   *strings,
                    GHashTable *raw_texts)
{
  g_autofree const char **texts = NULL;
  g_autoptr (GPtrArray) nodes = NULL;
  gsize n;

  texts = g_variant_get_strv (strings, &n);
  nodes = g_ptr_array_new_full (n, (GDestroyNotify) json_node_unref);
  for (gsize i = 0; i < n; i++)
    {
      JsonNode *node = mg_store_format_parse_entry (texts[i]);
      gpointer  key;

      if (node == NULL)
        return NULL;
      g_ptr_array_add (nodes, node);
      key = mg_store_node_key (node);
      if (key != NULL)
        g_hash_table_replace (raw_texts, key, g_strdup (texts[i]));
    }

  return g_steal_pointer (&nodes);
}

static gboolean
column_length (gsize  n,
               gsize *expected)
{
  if (*expected == G_MAXSIZE)
    *expected = n;

  return n == *expected;
}

static gboolean
read_annotations (GVariant             *root,
                  MgStoreCacheContents *contents)
{
  g_autoptr (GVariant) v_ids = g_variant_get_child_value (root, 1);
  g_autoptr (GVariant) v_created = g_variant_get_child_value (root, 2);
  g_autoptr (GVariant) v_modified = g_variant_get_child_value (root, 3);
  g_autoptr (GVariant) v_colors = g_variant_get_child_value (root, 4);
  g_autoptr (GVariant) v_notes = g_variant_get_child_value (root, 5);
  g_autoptr (GVariant) v_tags = g_variant_get_child_value (root, 6);
  g_autoptr (GVariant) v_exacts = g_variant_get_child_value (root, 7);
  g_autoptr (GVariant) v_prefixes = g_variant_get_child_value (root, 8);
  g_autoptr (GVariant) v_suffixes = g_variant_get_child_value (root, 9);
  g_autoptr (GVariant) v_starts = g_variant_get_child_value (root, 10);
  g_autoptr (GVariant) v_ends = g_variant_get_child_value (root, 11);
  g_autoptr (GVariant) v_previous = g_variant_get_child_value (root, 12);
  g_autofree const char **ids = NULL;
  g_autofree const char **notes = NULL;
  g_autofree const char **exacts = NULL;
  g_autofree const char **prefixes = NULL;
  g_autofree const char **suffixes = NULL;
  g_autofree const char **previous = NULL;
  const gint64           *created;
  const gint64           *modified;
  const guint8           *colors;
  const guint32          *starts;
  const guint32          *ends;
  gsize                   n = G_MAXSIZE;
  gsize                   len;
  g_autoptr (GHashTable) seen = NULL;

  ids = g_variant_get_strv (v_ids, &len);
  if (!column_length (len, &n))
    return FALSE;
  created = g_variant_get_fixed_array (v_created, &len, sizeof (gint64));
  if (!column_length (len, &n))
    return FALSE;
  modified = g_variant_get_fixed_array (v_modified, &len, sizeof (gint64));
  if (!column_length (len, &n))
    return FALSE;
  colors = g_variant_get_fixed_array (v_colors, &len, sizeof (guint8));
  if (!column_length (len, &n))
    return FALSE;
  notes = g_variant_get_strv (v_notes, &len);
  if (!column_length (len, &n) || !column_length (g_variant_n_children (v_tags), &n))
    return FALSE;
  exacts = g_variant_get_strv (v_exacts, &len);
  if (!column_length (len, &n))
    return FALSE;
  prefixes = g_variant_get_strv (v_prefixes, &len);
  if (!column_length (len, &n))
    return FALSE;
  suffixes = g_variant_get_strv (v_suffixes, &len);
  if (!column_length (len, &n))
    return FALSE;
  starts = g_variant_get_fixed_array (v_starts, &len, sizeof (guint32));
  if (!column_length (len, &n))
    return FALSE;
  ends = g_variant_get_fixed_array (v_ends, &len, sizeof (guint32));
  if (!column_length (len, &n))
    return FALSE;
  previous = g_variant_get_strv (v_previous, &len);
  if (!column_length (len, &n))
    return FALSE;

  seen = g_hash_table_new (g_str_hash, g_str_equal);
  contents->annotations = g_ptr_array_new_full (n, g_object_unref);
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) v_annotation_tags = g_variant_get_child_value (v_tags, i);
      g_autofree const char **tags = g_variant_get_strv (v_annotation_tags, NULL);
      MgAnnotation           *annotation;

      /* What a reader of the file never makes: not our cache. */
      annotation = mg_annotation_json_restore (ids[i], created[i], modified[i], colors[i],
                                               notes[i], (const char *const *) tags,
                                               exacts[i], prefixes[i], suffixes[i],
                                               starts[i], ends[i],
                                               previous[i][0] != '\0' ? previous[i] : NULL);
      if (annotation == NULL)
        return FALSE;
      g_ptr_array_add (contents->annotations, annotation);
      if (!g_hash_table_add (seen, (gpointer) mg_annotation_get_id (annotation)))
        return FALSE;
    }

  return TRUE;
}

static gboolean
read_contents (GVariant             *root,
               MgStoreCacheContents *contents)
{
  g_autoptr (GVariant) v_raw_entries = g_variant_get_child_value (root, 13);
  g_autoptr (GVariant) v_tombstones = g_variant_get_child_value (root, 14);
  g_autoptr (GVariant) v_raw_tombstones = g_variant_get_child_value (root, 15);
  GVariantIter iter;
  const char  *id;
  const char  *when;

  g_variant_get_child (root, 0, "(sss)", &contents->uri, &contents->sha256, &contents->title);

  if (!read_annotations (root, contents))
    return FALSE;

  contents->raw_texts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  contents->raw_entries = nodes_from_variant (v_raw_entries, contents->raw_texts);
  contents->raw_tombstones = nodes_from_variant (v_raw_tombstones, contents->raw_texts);
  if (contents->raw_entries == NULL || contents->raw_tombstones == NULL)
    return FALSE;

  /* Tombstones as the reader of the file keeps them: an id and a time,
   * once each, and no annotation of that id. */
  contents->tombstones = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_variant_iter_init (&iter, v_tombstones);
  while (g_variant_iter_next (&iter, "(&s&s)", &id, &when))
    {
      g_autoptr (GDateTime) time = mg_parse_timestamp (when);

      if (id[0] == '\0' || time == NULL || g_hash_table_contains (contents->tombstones, id))
        return FALSE;
      g_hash_table_insert (contents->tombstones, g_strdup (id), g_strdup (when));
    }

  for (guint i = 0; i < contents->annotations->len; i++)
    {
      if (g_hash_table_contains (contents->tombstones, mg_annotation_get_id (g_ptr_array_index (contents->annotations, i))))
        return FALSE;
    }

  return TRUE;
}

/**
 * mg_store_cache_parse:
 * @cache: the bytes of a cache file
 * @json: the bytes of the store file
 * @contents: (out caller-allocates): where to put what the cache holds
 *
 * mg_store_cache_read() on bytes: the fuzzer's entry point. Whatever
 * @cache holds, this either gives what reading @json gives, or %FALSE.
 *
 * Returns: %TRUE if @contents holds what reading @json would give
 */
gboolean
mg_store_cache_parse (GBytes               *cache_bytes,
                      GBytes               *json,
                      MgStoreCacheContents *contents)
{
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GVariant) root = NULL;
  g_autofree char *json_checksum = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *data_checksum = NULL;
  char             header[HEADER_SIZE];
  const char      *rest;
  const char      *cache;
  char            *end;
  gsize            len;
  gsize            prefix_len;
  guint64          data_size;

  memset (contents, 0, sizeof *contents);

  cache = g_bytes_get_data (cache_bytes, &len);
  if (len < HEADER_SIZE)
    return FALSE;

  memcpy (header, cache, HEADER_SIZE);
  header[HEADER_SIZE - 1] = '\0';

  json_checksum = mg_store_cache_checksum (json);
  prefix = header_prefix (json_checksum);
  prefix_len = strlen (prefix);
  if (strncmp (header, prefix, prefix_len) != 0)
    {
      g_debug ("The cache is for another version of the file");
      return FALSE;
    }

  /* "<data SHA-1> <data size>\n" */
  rest = header + prefix_len;
  if (strlen (rest) < 42 || rest[40] != ' ')
    return FALSE;
  data_size = g_ascii_strtoull (rest + 41, &end, 10);
  if (*end != '\n' || data_size != len - HEADER_SIZE)
    return FALSE;

  data_checksum = g_compute_checksum_for_data (G_CHECKSUM_SHA1, (const guchar *) cache + HEADER_SIZE, data_size);
  if (strncmp (rest, data_checksum, 40) != 0)
    {
      g_debug ("The cache is damaged");
      return FALSE;
    }

  /* The checksum only tells a cache cut short or damaged by accident: a
   * cache written to harm has the right one. So the data must be in
   * normal form, which one linear pass checks; then it is read trusted,
   * without checking every offset again at each access (GLib 2.74 does
   * that in quadratic time for arrays of strings, a quarter of a second
   * for 10,000 annotations). */
  data = g_bytes_new_from_bytes (cache_bytes, HEADER_SIZE, data_size);
  {
    g_autoptr (GVariant) untrusted = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (CACHE_TYPE), data, FALSE));

    if (!g_variant_is_normal_form (untrusted))
      {
        g_debug ("The cache is not in normal form");
        return FALSE;
      }
  }
  root = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (CACHE_TYPE), data, TRUE));

  if (!read_contents (root, contents))
    {
      g_debug ("The cache does not hold what a store file gives");
      mg_store_cache_contents_clear (contents);
      return FALSE;
    }

  return TRUE;
}

/**
 * mg_store_cache_read:
 * @file: the cache
 * @json: the bytes of the store file
 * @contents: (out caller-allocates): where to put what the cache holds
 *
 * Reads the cache, if there is one for the very bytes @json and it is
 * whole, and every value in it is what reading @json could give. Any
 * other cache is no cache: %FALSE, and the caller reads the JSON file.
 * On success @contents is filled in; clear it with
 * mg_store_cache_contents_clear().
 *
 * Returns: %TRUE if @contents holds what reading @json would give
 */
gboolean
mg_store_cache_read (GFile                *file,
                     GBytes               *json,
                     MgStoreCacheContents *contents)
{
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;

  memset (contents, 0, sizeof *contents);

  mapped = g_mapped_file_new (g_file_peek_path (file), FALSE, &error);
  if (mapped == NULL)
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_debug ("No cache: %s", error->message);
      return FALSE;
    }

  bytes = g_mapped_file_get_bytes (mapped);
  if (!mg_store_cache_parse (bytes, json, contents))
    {
      g_debug ("%s is not used", g_file_peek_path (file));
      return FALSE;
    }

  return TRUE;
}
