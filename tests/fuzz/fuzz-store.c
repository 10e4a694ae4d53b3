/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-store"

#include "config.h"

#include <glib/gstdio.h>
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
#include "mg-store-private.h"
#include "mg-store.h"

/* libFuzzer target for the annotation file loader: any bytes, as the
 * file of a fixed small document.
 *
 * Each input goes through the pure functions (parse, merge, serialize)
 * with their properties checked (merging is idempotent; what the store
 * writes parses back to the same thing), every entry through the
 * annotation reader and anchoring, and, when it parses, through a real
 * store: load from a file, flush, load again; and the first read, an
 * entry at a time, against the reading of the whole tree.
 *
 * Built with FUZZ_STORE_MEMORY (fuzz-store-memory), no file is written:
 * after the pure functions, the bytes go through what the store does with
 * them before it has a list (the texts of the entries, the renumbering of
 * repeated ids, the read an entry at a time), many times faster than the
 * real store, so that a run reaches millions of inputs. */

#ifdef FUZZ_STORE_MEMORY
#define IN_MEMORY TRUE
#else
#define IN_MEMORY FALSE
#endif

#define TEXT                                                            \
  "The quick brown fox jumps over the lazy dog. Pack my box with five " \
  "dozen liquor jugs. How vexingly quick daft zebras jump! Sphinx of "  \
  "black quartz, judge my vow. The five boxing wizards jump quickly."
#define URI "file:///fuzz/article.txt"

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static MgDocument *document;
static char       *directory;
static char       *cache_directory;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr (GBytes) text = g_bytes_new_static (TEXT, strlen (TEXT));
  g_autoptr (GError) error = NULL;

  fuzz_abort_on_criticals ();

  document = mg_document_loader_load_bytes (text, URI, "Article", MG_DOCUMENT_FORMAT_TEXT, &error);
  g_assert_no_error (error);

  if (IN_MEMORY)
    return 0;

  directory = g_dir_make_tmp ("fuzz-store-XXXXXX", &error);
  g_assert_no_error (error);
  cache_directory = g_dir_make_tmp ("fuzz-store-cache-XXXXXX", &error);
  g_assert_no_error (error);

  return 0;
}

static void
remove_files_in (const char *folder)
{
  g_autoptr (GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      g_unlink (path);
    }
}

static void
remove_files (void)
{
  remove_files_in (directory);
  remove_files_in (cache_directory);
}

/* Every entry through the annotation reader, anchoring and writer; what
 * the writer writes must read back. */
static void
check_entries (JsonNode *root)
{
  JsonObject *object = json_node_get_object (root);
  JsonArray  *array;

  /* Both arrays may be missing. */
  if (!json_object_has_member (object, "annotations"))
    return;

  array = json_object_get_array_member (object, "annotations");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr (MgAnnotation) annotation = NULL;
      g_autoptr (MgAnnotation) again = NULL;
      g_autoptr (JsonNode) written = NULL;
      g_autoptr (GError) error = NULL;

      annotation = mg_annotation_new_from_json (json_array_get_element (array, i), &error);
      if (annotation == NULL)
        {
          g_assert_nonnull (error);
          continue;
        }

      mg_anchor_annotation (annotation, document);

      written = mg_annotation_to_json (annotation);
      again = mg_annotation_new_from_json (written, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (mg_annotation_get_id (again), ==, mg_annotation_get_id (annotation));
    }
}

static void
check_pure (JsonNode *root)
{
  g_autoptr (JsonNode) canonical = NULL;
  g_autoptr (JsonNode) again = NULL;
  g_autoptr (JsonNode) reparsed = NULL;
  g_autoptr (JsonNode) self_merge = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  JsonObject      *doc;
  guint            n_changed;

  /* n_changed may count annotations that the file's own tombstones
   * delete; not so once canonical. */
  canonical = mg_store_merge_json (root, NULL, NULL);

  /* Idempotent, whichever side. */
  again = mg_store_merge_json (canonical, root, &n_changed);
  g_assert_true (json_node_equal (again, canonical));
  g_assert_cmpuint (n_changed, ==, 0);
  g_clear_pointer (&again, json_node_unref);
  again = mg_store_merge_json (root, canonical, NULL);
  g_assert_true (json_node_equal (again, canonical));
  self_merge = mg_store_merge_json (canonical, canonical, &n_changed);
  g_assert_true (json_node_equal (self_merge, canonical));
  g_assert_cmpuint (n_changed, ==, 0);

  /* What would be written parses back to the same. */
  bytes = mg_store_serialize_json (canonical);
  reparsed = mg_store_parse_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (reparsed, canonical));

  doc = json_object_get_object_member (json_node_get_object (root), "document");
  name = mg_store_file_name_for_uri (json_object_get_string_member (doc, "uri"));
  g_assert_true (g_str_has_suffix (name, ".json"));
  g_assert_null (strchr (name, '/'));

  check_entries (root);
}

static MgStore *
store_new (MgAnnotationList *list,
           gboolean          cached)
{
  MgStore *store = mg_store_new (document, list, directory);

  mg_store_set_cache_directory (store, cached ? cache_directory : NULL);

  return store;
}

/* The cache gives what the JSON file gives. */
static void
check_same_lists (MgAnnotationList *a,
                  MgAnnotationList *b)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (a));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (b)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MgAnnotation) x = g_list_model_get_item (G_LIST_MODEL (a), i);
      g_autoptr (MgAnnotation) y = g_list_model_get_item (G_LIST_MODEL (b), i);

      g_assert_cmpstr (mg_annotation_get_id (x), ==, mg_annotation_get_id (y));
      g_assert_true (g_date_time_equal (mg_annotation_get_created (x), mg_annotation_get_created (y)));
      g_assert_true (g_date_time_equal (mg_annotation_get_modified (x), mg_annotation_get_modified (y)));
      g_assert_cmpint (mg_annotation_get_color (x), ==, mg_annotation_get_color (y));
      g_assert_cmpstr (mg_annotation_get_note (x), ==, mg_annotation_get_note (y));
      g_assert_true (g_strv_equal (mg_annotation_get_tags (x), mg_annotation_get_tags (y)));
      g_assert_cmpstr (mg_annotation_get_exact (x), ==, mg_annotation_get_exact (y));
      g_assert_cmpstr (mg_annotation_get_prefix (x), ==, mg_annotation_get_prefix (y));
      g_assert_cmpstr (mg_annotation_get_suffix (x), ==, mg_annotation_get_suffix (y));
      g_assert_cmpuint (mg_annotation_get_start (x), ==, mg_annotation_get_start (y));
      g_assert_cmpuint (mg_annotation_get_end (x), ==, mg_annotation_get_end (y));
      g_assert_cmpint (mg_annotation_get_state (x), ==, mg_annotation_get_state (y));
    }
}

/* The whole store on a file holding @bytes. */
static void
check_store (GBytes *bytes)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list2 = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list3 = mg_annotation_list_new ();
  g_autoptr (MgStore) store = store_new (list, TRUE);
  g_autoptr (MgStore) store2 = NULL;
  g_autoptr (MgStore) store3 = NULL;
  g_autoptr (GError) error = NULL;
  GFile *file = mg_store_get_file (store);

  g_file_set_contents (g_file_peek_path (file),
                       g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                       &error);
  g_assert_no_error (error);

  /* Only called with files that parse. */
  g_assert_true (mg_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_true (mg_store_flush (store, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  /* Through the cache the store left, if it could make one. */
  store2 = store_new (list2, TRUE);
  g_assert_true (mg_store_load (store2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list2)), ==,
                    g_list_model_get_n_items (G_LIST_MODEL (list)));
  g_assert_false (mg_store_get_dirty (store2));

  store3 = store_new (list3, FALSE);
  g_assert_true (mg_store_load (store3, &error));
  g_assert_no_error (error);
  check_same_lists (list3, list2);
  g_assert_false (mg_store_get_dirty (store3));

  remove_files ();
}

/* The store's file after a first read of @bytes (streamed, or as a tree
 * with MG_STORE_TEST_TREE) and a flush, into @list. */
static GBytes *
read_and_write (GBytes           *bytes,
                gboolean          tree,
                MgAnnotationList *list,
                gboolean         *dirty,
                guint            *n_unreadable)
{
  g_autoptr (MgStore) store = store_new (list, FALSE);
  g_autoptr (GError) error = NULL;
  GFile *file = mg_store_get_file (store);
  char  *contents = NULL;
  gsize  len;

  g_file_set_contents (g_file_peek_path (file),
                       g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                       &error);
  g_assert_no_error (error);

  if (tree)
    g_setenv ("MG_STORE_TEST_TREE", "1", TRUE);
  g_assert_true (mg_store_load (store, &error));
  g_unsetenv ("MG_STORE_TEST_TREE");
  g_assert_no_error (error);
  *dirty = mg_store_get_dirty (store);
  *n_unreadable = mg_store_get_n_unreadable (store);
  g_assert_true (mg_store_flush (store, &error));
  g_assert_no_error (error);

  g_file_get_contents (g_file_peek_path (file), &contents, &len, &error);
  g_assert_no_error (error);
  remove_files ();

  return g_bytes_new_take (contents, len);
}

/* Whether an entry of @root has no time at all: each reading gives it
 * the time it is read. */
static gboolean
has_undated_entry (JsonNode *root)
{
  JsonObject *object = json_node_get_object (root);
  JsonArray  *array;

  if (!json_object_has_member (object, "annotations"))
    return FALSE;

  array = json_object_get_array_member (object, "annotations");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr (GDateTime) modified = mg_annotation_json_get_modified (json_array_get_element (array, i));

      if (modified == NULL)
        return TRUE;
    }

  return FALSE;
}

/* The first read of a file, an entry at a time, gives what reading its
 * tree gives: the same list, the same need to write, the same file (but
 * for the times of entries that have none). */
static void
check_streamed_as_tree (GBytes   *bytes,
                        JsonNode *root)
{
  g_autoptr (MgAnnotationList) streamed_list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) tree_list = mg_annotation_list_new ();
  g_autoptr (GBytes) streamed = NULL;
  g_autoptr (GBytes) tree = NULL;
  gboolean streamed_dirty;
  gboolean tree_dirty;
  guint    streamed_unreadable;
  guint    tree_unreadable;

  streamed = read_and_write (bytes, FALSE, streamed_list, &streamed_dirty, &streamed_unreadable);
  tree = read_and_write (bytes, TRUE, tree_list, &tree_dirty, &tree_unreadable);
  g_assert_cmpint (streamed_dirty, ==, tree_dirty);
  g_assert_cmpuint (streamed_unreadable, ==, tree_unreadable);
  if (has_undated_entry (root))
    {
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (streamed_list)), ==,
                        g_list_model_get_n_items (G_LIST_MODEL (tree_list)));
      return;
    }
  check_same_lists (streamed_list, tree_list);
  g_assert_true (g_bytes_equal (streamed, tree));
}

/* What the store makes of @bytes before it has a list, in memory: the
 * texts of the entries as read, repeated ids renumbered (after which none
 * repeats), and the first read an entry at a time. */
static void
check_in_memory (GBytes   *bytes,
                 JsonNode *root)
{
  g_autoptr (JsonNode) renumbered = json_node_copy (root);
  g_autoptr (GHashTable) texts = mg_store_format_raw_texts (bytes, renumbered);
  g_autoptr (GPtrArray) why = NULL;
  MgStoreCacheContents contents = { 0 };
  guint                n_renumbered;

  mg_store_format_renumber_repeats (renumbered, texts);
  g_assert_cmpuint (mg_store_format_renumber_repeats (renumbered, NULL), ==, 0);
  check_pure (renumbered);

  if (mg_store_stream_read (bytes, &contents, &n_renumbered, &why))
    {
      g_assert_nonnull (contents.annotations);
      for (guint i = 0; i < contents.annotations->len; i++)
        g_assert_true (MG_IS_ANNOTATION (g_ptr_array_index (contents.annotations, i)));
      mg_store_cache_contents_clear (&contents);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;

  root = mg_store_parse_bytes (bytes, &error);
  if (root == NULL)
    {
      g_assert_true (g_error_matches (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT) || g_error_matches (error, MG_STORE_ERROR, MG_STORE_ERROR_NEWER_VERSION));
      g_assert_nonnull (error->message);
      return 0;
    }

  check_pure (root);
  if (IN_MEMORY)
    {
      check_in_memory (bytes, root);
      return 0;
    }
  check_store (bytes);
  check_streamed_as_tree (bytes, root);

  return 0;
}
