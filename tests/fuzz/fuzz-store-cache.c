/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-store-cache"

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz-common.h"
#include "mg-anchor.h"
#include "mg-annotation-json.h"
#include "mg-annotation-list.h"
#include "mg-annotation.h"
#include "mg-document-loader.h"
#include "mg-document.h"
#include "mg-store-cache.h"

/* libFuzzer target for the reader of the store's cache, which a forged
 * file may feed anything with the right checksums.
 *
 * The input's first byte chooses what the rest is: the GVariant data of
 * a cache, framed with a valid header for a fixed store file (bit 0 off),
 * or that, with the header's tail (the data's checksum and size) written
 * over by the input (bit 0 on). What the reader accepts must be what
 * reading a file could give: annotations that read back, ids once; it is
 * anchored as a load does, and must survive being cached again. */

#define TEXT                                                            \
  "The quick brown fox jumps over the lazy dog. Pack my box with five " \
  "dozen liquor jugs. How vexingly quick daft zebras jump! Sphinx of "  \
  "black quartz, judge my vow. The five boxing wizards jump quickly."
#define URI "file:///fuzz/article.txt"
#define JSON "{ \"version\" : 1 }\n"
#define HEADER_SIZE 256

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static MgDocument *document;
static GBytes     *json;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr (GBytes) text = g_bytes_new_static (TEXT, strlen (TEXT));
  g_autoptr (GError) error = NULL;

  fuzz_abort_on_criticals ();

  document = mg_document_loader_load_bytes (text, URI, "Article", MG_DOCUMENT_FORMAT_TEXT, &error);
  g_assert_no_error (error);
  json = g_bytes_new_static (JSON, strlen (JSON));

  return 0;
}

/* What a load makes of the contents, and the cache made again of that. */
static void
check_contents (MgStoreCacheContents *contents)
{
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GVariant) built = NULL;
  g_autoptr (GBytes) again = NULL;
  MgStoreCacheContents reread;
  gsize                size;

  for (guint i = 0; i < contents->annotations->len; i++)
    {
      MgAnnotation *annotation = g_ptr_array_index (contents->annotations, i);

      g_assert_true (mg_annotation_json_reads_back (annotation));
      g_assert_true (g_hash_table_add (ids, (gpointer) mg_annotation_get_id (annotation)));
      mg_anchor_annotation (annotation, document);
    }
  for (guint i = 0; i < contents->raw_entries->len; i++)
    g_assert_nonnull (g_ptr_array_index (contents->raw_entries, i));
  for (guint i = 0; i < contents->raw_tombstones->len; i++)
    g_assert_nonnull (g_ptr_array_index (contents->raw_tombstones, i));

  mg_annotation_list_add_many (list, contents->annotations);
  built = mg_store_cache_build (contents->uri, contents->sha256, contents->title,
                                G_LIST_MODEL (list), contents->raw_entries,
                                contents->tombstones, contents->raw_tombstones,
                                contents->raw_texts);
  g_assert_nonnull (built);
  size = g_variant_get_size (built);
  {
    g_autofree char *data = g_malloc (MAX (size, 1));

    g_variant_store (built, data);
    again = mg_store_cache_frame (data, size, json);
  }
  g_assert_true (mg_store_cache_parse (again, json, &reread));
  g_assert_cmpuint (reread.annotations->len, ==, contents->annotations->len);
  g_assert_cmpuint (reread.raw_entries->len, ==, contents->raw_entries->len);
  g_assert_cmpuint (g_hash_table_size (reread.tombstones), ==, g_hash_table_size (contents->tombstones));
  mg_store_cache_contents_clear (&reread);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GBytes) framed = NULL;
  MgStoreCacheContents contents;
  guint8               mode;

  if (size == 0)
    return 0;

  mode = data[0];
  data++;
  size--;

  if (mode & 1)
    {
      /* The header's tail from the input: at most its first 80 bytes,
       * the rest is the data. */
      gsize tail = MIN (size, 80);
      g_autoptr (GBytes) good = mg_store_cache_frame (data + tail, size - tail, json);
      gsize            len;
      const char      *bytes = g_bytes_get_data (good, &len);
      g_autofree char *copy = g_memdup2 (bytes, len);
      const char      *space = memchr (copy, ' ', HEADER_SIZE);
      gsize            at = 0;

      /* Past "MGCACHE <format> <order> <version> <JSON SHA-1> ". */
      for (guint n = 0; n < 5 && space != NULL; n++)
        {
          at = space - copy + 1;
          space = memchr (copy + at, ' ', HEADER_SIZE - at);
        }
      memcpy (copy + at, data, MIN (tail, HEADER_SIZE - at));
      framed = g_bytes_new_take (g_steal_pointer (&copy), len);
    }
  else
    {
      framed = mg_store_cache_frame (data, size, json);
    }

  if (mg_store_cache_parse (framed, json, &contents))
    check_contents (&contents);
  mg_store_cache_contents_clear (&contents);

  return 0;
}
