/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>

#include "mg-test-utils.h"
#include "mg-anchor.h"
#include "mg-annotation-list.h"
#include "mg-annotation.h"
#include "mg-document-loader.h"
#include "mg-document.h"
#include "mg-export.h"
#include "mg-store-cache.h"
#include "mg-store-private.h"
#include "mg-store.h"

#define TEXT                                                            \
  "The quick brown fox jumps over the lazy dog. Pack my box with five " \
  "dozen liquor jugs. How vexingly quick daft zebras jump! Sphinx of "  \
  "black quartz, judge my vow. The five boxing wizards jump quickly."

#define N_KILLS 60
/* Longer than the save delay (0.5 s) with a margin. */
#define SAVE_WAIT_MS 1000

typedef struct
{
  char *dir;
} Fixture;

typedef struct
{
  guint   saved;
  guint   merged;
  guint   errors;
  guint   last_n_changed;
  GError *last_error;
} Counts;

/* Helpers ---------------------------------------------------------------- */

static void
fixture_setup (Fixture      *fixture,
               gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-store-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture      *fixture,
                  gconstpointer user_data)
{
  mg_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static MgDocument *
document_new (const char *uri,
              const char *text)
{
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr (GError) error = NULL;
  MgDocument *document;

  document = mg_document_loader_load_bytes (bytes, uri, NULL, MG_DOCUMENT_FORMAT_TEXT, &error);
  g_assert_no_error (error);

  return document;
}

static char *
uri_in (Fixture    *fixture,
        const char *name)
{
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);

  return g_filename_to_uri (path, NULL, NULL);
}

static char *
store_dir (Fixture    *fixture,
           const char *name)
{
  return g_build_filename (fixture->dir, name, NULL);
}

/* The name of the file of a document of @text, whatever its path: named
 * after the id its text gives (the store's files are named after the
 * document's id since format version 2). */
static char *
file_name_for_text (const char *text)
{
  g_autofree char *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  g_autofree char *id = mg_document_id_for_sha256 (sha256);

  return mg_document_id_file_name (id);
}

static GDateTime *
timestamp (const char *iso)
{
  GDateTime *datetime = mg_parse_timestamp (iso);

  g_assert_nonnull (datetime);

  return datetime;
}

/* An annotation of the first occurrence of @quote in TEXT. */
static MgAnnotation *
annotation_new (MgDocument *document,
                const char *quote,
                MgColor     color)
{
  const char *text = mg_document_get_text (document);
  const char *found = strstr (text, quote);
  guint       start;

  g_assert_nonnull (found);
  start = g_utf8_pointer_to_offset (text, found);

  return mg_annotation_new_for_range (document, start, start + g_utf8_strlen (quote, -1), color);
}

/* An annotation added to @list, last modified at @modified. */
static MgAnnotation *
add_annotation (MgAnnotationList *list,
                MgDocument       *document,
                const char       *quote,
                const char       *modified)
{
  g_autoptr (MgAnnotation) annotation = annotation_new (document, quote, MG_COLOR_YELLOW);

  if (modified != NULL)
    {
      g_autoptr (GDateTime) datetime = timestamp (modified);

      mg_annotation_set_modified (annotation, datetime);
    }

  mg_annotation_list_add (list, annotation);

  return annotation; /* owned by the list */
}

static void
set_modified (MgAnnotationList *list,
              MgAnnotation     *annotation,
              const char       *modified)
{
  g_autoptr (GDateTime) datetime = timestamp (modified);

  mg_annotation_set_modified (annotation, datetime);
  mg_annotation_list_update (list, annotation);
}

static void
on_saved (MgStore *store,
          Counts  *counts)
{
  counts->saved++;
}

static void
on_merged (MgStore *store,
           guint    n_changed,
           Counts  *counts)
{
  counts->merged++;
  counts->last_n_changed = n_changed;
}

static void
on_error (MgStore *store,
          GError  *error,
          Counts  *counts)
{
  counts->errors++;
  g_clear_error (&counts->last_error);
  counts->last_error = g_error_copy (error);
}

static void
counts_connect (Counts  *counts,
                MgStore *store)
{
  g_signal_connect (store, "saved", G_CALLBACK (on_saved), counts);
  g_signal_connect (store, "merged", G_CALLBACK (on_merged), counts);
  g_signal_connect (store, "error", G_CALLBACK (on_error), counts);
}

static void
counts_clear (Counts *counts)
{
  g_clear_error (&counts->last_error);
}

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;

  return G_SOURCE_REMOVE;
}

/* Runs the main loop until *@counter reaches @target. */
static gboolean
wait_for_count (guint *counter,
                guint  target,
                guint  timeout_ms)
{
  gboolean timed_out = FALSE;
  guint    id = g_timeout_add (timeout_ms, timeout_cb, &timed_out);

  while (*counter < target && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);

  return *counter >= target;
}

static void
run_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static GBytes *
read_file (GFile *file)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize            len;

  g_file_load_contents (file, NULL, &contents, &len, NULL, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

static void
write_file (GFile  *file,
            GBytes *bytes)
{
  g_autoptr (GError) error = NULL;

  /* Atomic, as a sync tool writes. */
  g_file_set_contents (g_file_peek_path (file),
                       g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                       &error);
  g_assert_no_error (error);
}

static JsonNode *
parse_file (GFile *file)
{
  g_autoptr (GBytes) bytes = read_file (file);
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  root = mg_store_parse_bytes (bytes, &error);
  g_assert_no_error (error);

  return root;
}

static JsonArray *
root_array (JsonNode   *root,
            const char *name)
{
  return json_object_get_array_member (json_node_get_object (root), name);
}

/* The annotation with @id in @root, or NULL. */
static JsonObject *
find_entry (JsonNode   *root,
            const char *id)
{
  JsonArray *array = root_array (root, "annotations");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (object, "id"), id) == 0)
        return object;
    }

  return NULL;
}

static gboolean
has_tombstone (JsonNode   *root,
               const char *id)
{
  JsonArray *array = root_array (root, "deleted");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (object, "id"), id) == 0)
        return TRUE;
    }

  return FALSE;
}

/* The note written in an annotation entry, or "". */
static const char *
entry_note (JsonObject *entry)
{
  JsonArray *body = json_object_get_array_member (entry, "body");

  for (guint i = 0; body != NULL && i < json_array_get_length (body); i++)
    {
      JsonObject *object = json_array_get_object_element (body, i);

      if (g_strcmp0 (json_object_get_string_member (object, "purpose"), "commenting") == 0)
        return json_object_get_string_member (object, "value");
    }

  return "";
}

static char **
list_dir (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_ptr_array_add (names, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static gboolean
flush_ok (MgStore *store)
{
  g_autoptr (GError) error = NULL;

  mg_store_flush (store, &error);
  g_assert_no_error (error);

  return TRUE;
}

/* File names -------------------------------------------------------------- */

static void
test_file_name (void)
{
  g_autofree char *a = mg_store_file_name_for_uri ("file:///home/ada/Papers/On%20Computable%20Numbers.txt");
  g_autofree char *b = mg_store_file_name_for_uri ("file:///home/ada/Papers/On%20Computable%20Numbers.md");
  g_autofree char *c = mg_store_file_name_for_uri ("file:///tmp/%C3%9Cber%20die%20Natur.txt");
  g_autofree char *d = mg_store_file_name_for_uri ("resource:///io/github/marginalia/Marginalia/article.txt");
  g_autofree char *e = mg_store_file_name_for_uri ("file:///");
  g_autofree char *f = mg_store_file_name_for_uri ("file:///tmp/%%%00.txt");
  g_autofree char *dir = mg_store_default_directory ();

  g_assert_true (g_str_has_prefix (a, "on-computable-numbers-txt-"));
  g_assert_true (g_str_has_suffix (a, ".json"));
  g_assert_cmpuint (strlen (a), ==, strlen ("on-computable-numbers-txt-") + 16 + 5);
  g_assert_cmpstr (a, !=, b);
  g_assert_true (g_str_has_prefix (c, "uber-die-natur-txt-"));
  g_assert_true (g_str_has_prefix (d, "article-txt-"));
  g_assert_true (g_str_has_prefix (e, "document-"));
  g_assert_true (g_str_has_suffix (f, ".json"));
  g_assert_null (strchr (f, '/'));
  g_assert_true (g_str_has_suffix (dir, "/" APP_ID "/annotations"));
}

/* Parsing and writing ------------------------------------------------------ */

static void
test_parse_repairs (void)
{
  /* json-glib 1.6 mangles the first two, and writes the numbers as
   * invalid JSON ("inf.0", "1e+300.0"): the store must still write a
   * file it can read back. */
  const char *input = "{ \"version\": 1, \"document\": { \"uri\": \"u\", \"sha256\": \"s\" },"
                      "  \"annotations\": [ { \"note\": \"a\\ud800bc\", \"k\\udc00\": [1e999, -1e999, 1e300, 1e22, 0.5, 3] },"
                      "                     \"\\\\ud800\", \"\\ud83d\\ude00\", \"\\ud800\\ud800\", \"tab\\tnl\\n\\u0001\" ] }";
  g_autoptr (GBytes) bytes = g_bytes_new (input, strlen (input));
  g_autoptr (GBytes) written = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) again = NULL;
  g_autoptr (GError) error = NULL;
  JsonArray  *array;
  JsonObject *first;
  JsonArray  *numbers;

  root = mg_store_parse_bytes (bytes, &error);
  g_assert_no_error (error);
  array = root_array (root, "annotations");
  first = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "note"), ==, "a\uFFFDbc");
  g_assert_true (json_object_has_member (first, "k\uFFFD"));
  numbers = json_object_get_array_member (first, "k\uFFFD");
  g_assert_true (JSON_NODE_HOLDS_NULL (json_array_get_element (numbers, 0)));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_array_get_element (numbers, 1)));
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "\\ud800");
  g_assert_cmpstr (json_array_get_string_element (array, 2), ==, "\U0001F600");
  g_assert_cmpstr (json_array_get_string_element (array, 3), ==, "\uFFFD\uFFFD");

  written = mg_store_serialize_json (root);
  g_test_message ("%.*s", (int) g_bytes_get_size (written), (const char *) g_bytes_get_data (written, NULL));
  again = mg_store_parse_bytes (written, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (root, again));
}

/* Our writer lays files out as json-glib's pretty generator does (but
 * for an empty object, which json-glib 1.6 writes as "{      }"). */
static void
test_writer_layout (void)
{
  const char *input = "{\"version\":1,\"document\":{\"uri\":\"file:///a%20b.txt\",\"sha256\":\"ab\",\"title\":\"A \\\"title\\\" – ü\"},"
                      "\"annotations\":[{\"id\":\"x\",\"body\":[],\"n\":[1,2.5,true,false,null],\"s\":\"a\\\\b/c\\n\"}],\"deleted\":[]}";
  g_autoptr (GBytes) bytes = g_bytes_new (input, strlen (input));
  g_autoptr (GBytes) ours = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *generated = NULL;
  g_autofree char *theirs = NULL;

  root = mg_store_parse_bytes (bytes, &error);
  g_assert_no_error (error);
  ours = mg_store_serialize_json (root);

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  generated = json_generator_to_data (generator, NULL);
  theirs = g_strconcat (generated, "\n", NULL);

  g_assert_cmpstr (g_bytes_get_data (ours, NULL), ==, theirs);
}

/* Round trip -------------------------------------------------------------- */

static void
test_round_trip (Fixture      *fixture,
                 gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list2 = mg_annotation_list_new ();
  g_autoptr (MgDocument) document2 = document_new (uri, TEXT);
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (MgStore) store2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MgAnnotation) first = annotation_new (document, "quick brown fox", MG_COLOR_PINK);
  g_autoptr (MgAnnotation) second = annotation_new (document, "Sphinx of black quartz", MG_COLOR_BLUE);
  g_autoptr (GDateTime) modified = timestamp ("2024-03-04T05:06:07.890Z");
  const char   *tags[] = { "alpha", "beta gamma", "ünï", NULL };
  const char   *note = "Line one\nLine \"two\" — with ünïcode ✓ and a tab\t and *Markdown*";
  MgAnnotation *orig[2];

  g_assert_true (mg_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_false (mg_store_get_read_only (store));

  mg_annotation_set_note (first, note);
  mg_annotation_set_tags (first, tags);
  mg_annotation_set_modified (first, modified);
  mg_annotation_list_add (list, first);
  mg_annotation_list_add (list, second);
  orig[0] = first;
  orig[1] = second;

  g_assert_true (mg_store_get_dirty (store));
  flush_ok (store);
  g_assert_false (mg_store_get_dirty (store));
  g_assert_true (g_file_query_exists (mg_store_get_file (store), NULL));

  store2 = mg_store_new (document2, list2, dir);
  g_assert_true (g_file_equal (mg_store_get_file (store), mg_store_get_file (store2)));
  g_assert_true (mg_store_load (store2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list2)), ==, 2);

  for (guint i = 0; i < G_N_ELEMENTS (orig); i++)
    {
      MgAnnotation *a = orig[i];
      MgAnnotation *b = mg_annotation_list_lookup (list2, mg_annotation_get_id (a));

      g_assert_nonnull (b);
      g_assert_true (a != b);
      g_assert_true (g_date_time_equal (mg_annotation_get_created (a), mg_annotation_get_created (b)));
      g_assert_true (g_date_time_equal (mg_annotation_get_modified (a), mg_annotation_get_modified (b)));
      g_assert_cmpint (mg_annotation_get_color (a), ==, mg_annotation_get_color (b));
      g_assert_cmpstr (mg_annotation_get_note (a), ==, mg_annotation_get_note (b));
      g_assert_cmpstrv (mg_annotation_get_tags (a), mg_annotation_get_tags (b));
      g_assert_cmpstr (mg_annotation_get_exact (a), ==, mg_annotation_get_exact (b));
      g_assert_cmpstr (mg_annotation_get_prefix (a), ==, mg_annotation_get_prefix (b));
      g_assert_cmpstr (mg_annotation_get_suffix (a), ==, mg_annotation_get_suffix (b));
      g_assert_cmpuint (mg_annotation_get_start (a), ==, mg_annotation_get_start (b));
      g_assert_cmpuint (mg_annotation_get_end (a), ==, mg_annotation_get_end (b));
      /* Anchored on load, where it was. */
      g_assert_cmpint (mg_annotation_get_state (b), ==, MG_ANNOTATION_STATE_ANCHORED);
      g_assert_cmpuint (mg_annotation_get_range_start (b), ==, mg_annotation_get_start (a));
      g_assert_cmpuint (mg_annotation_get_range_end (b), ==, mg_annotation_get_end (a));
    }

  g_assert_cmpstr (mg_annotation_get_note (mg_annotation_list_lookup (list2, mg_annotation_get_id (first))), ==, note);
  g_assert_true (g_date_time_equal (mg_annotation_get_modified (mg_annotation_list_lookup (list2, mg_annotation_get_id (first))), modified));

  /* Nothing changed: loading does not write. */
  g_assert_false (mg_store_get_dirty (store2));
}

/* The file is stable: same content, same bytes, whatever the list's order
 * or history; keys in a fixed order; pretty-printed. */
static void
test_stable_pretty (Fixture      *fixture,
                    gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (MgAnnotationList) list2 = mg_annotation_list_new ();
  g_autoptr (MgStore) store2 = NULL;
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  g_autoptr (GBytes) third = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MgAnnotation) item = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *expected_start = NULL;
  JsonArray       *array;
  MgAnnotation    *gone;
  const char      *text;
  const char      *version;
  const char      *document_key;
  const char      *annotations;
  const char      *deleted;

  g_assert_true (mg_store_load (store, &error));
  /* Created in this order, but the list sorts by position. */
  add_annotation (list, document, "five boxing wizards", "2024-01-01T00:00:03.000Z");
  add_annotation (list, document, "quick brown fox", "2024-01-01T00:00:01.000Z");
  gone = add_annotation (list, document, "lazy dog", "2024-01-01T00:00:02.000Z");
  mg_annotation_list_remove (list, gone);
  flush_ok (store);

  first = read_file (mg_store_get_file (store));
  text = g_bytes_get_data (first, NULL);
  g_test_message ("%.*s", (int) g_bytes_get_size (first), text);

  expected_start = g_strdup_printf ("{\n  \"version\" : 2,\n  \"document\" : {\n    \"id\" : \"%s\",\n    \"uri\" : \"%s\",\n    \"sha256\" : \"%s\",\n    \"title\" : \"article.txt\"\n  },\n  \"annotations\" : [\n    {\n      \"id\" : \"urn:uuid:",
                                    mg_store_get_document_id (store), uri, mg_document_get_sha256 (document));
  g_assert_true (g_str_has_prefix (text, expected_start));
  g_assert_true (g_str_has_suffix (text, "}\n"));

  version = strstr (text, "\"version\"");
  document_key = strstr (text, "\"document\"");
  annotations = strstr (text, "\"annotations\"");
  deleted = strstr (text, "\"deleted\"");
  g_assert_true (version < document_key && document_key < annotations && annotations < deleted);

  /* Sorted by creation time then id, whatever the list's order (by
   * position), so that new annotations go at the end of the file. */
  root = mg_store_parse_bytes (first, &error);
  g_assert_no_error (error);
  array = root_array (root, "annotations");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  for (guint i = 1; i < json_array_get_length (array); i++)
    {
      JsonObject *prev = json_array_get_object_element (array, i - 1);
      JsonObject *next = json_array_get_object_element (array, i);
      int         cmp = strcmp (json_object_get_string_member (prev, "created"),
                                json_object_get_string_member (next, "created"));

      if (cmp == 0)
        cmp = strcmp (json_object_get_string_member (prev, "id"),
                      json_object_get_string_member (next, "id"));
      g_assert_cmpint (cmp, <, 0);
    }

  /* The same again, and the same from a store that read it. */
  flush_ok (store);
  second = read_file (mg_store_get_file (store));
  g_assert_true (g_bytes_equal (first, second));

  store2 = mg_store_new (document, list2, dir);
  g_assert_true (mg_store_load (store2, &error));
  g_assert_no_error (error);
  g_assert_false (mg_store_get_dirty (store2));
  /* A change that changes nothing writes the same bytes. */
  item = g_list_model_get_item (G_LIST_MODEL (list2), 0);
  mg_annotation_list_update (list2, item);
  flush_ok (store2);
  third = read_file (mg_store_get_file (store2));
  g_assert_true (g_bytes_equal (first, third));
}

/* Finding the file ----------------------------------------------------- */

static void
test_moved (Fixture      *fixture,
            gconstpointer user_data)
{
  g_autofree char *old_uri = uri_in (fixture, "old-name.txt");
  g_autofree char *new_uri = uri_in (fixture, "new-name.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (old_uri, TEXT);
  g_autoptr (MgDocument) moved = document_new (new_uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list2 = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (MgStore) store2 = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) old_file = NULL;
  Counts        counts = { 0 };
  MgAnnotation *annotation;

  g_assert_true (mg_store_load (store, &error));
  annotation = add_annotation (list, document, "liquor jugs", NULL);
  mg_annotation_set_note (annotation, "moved with the file");
  flush_ok (store);
  old_file = g_object_ref (mg_store_get_file (store));
  g_clear_object (&store);

  /* The document is now elsewhere (old-name.txt does not exist). */
  store2 = mg_store_new (moved, list2, dir);
  counts_connect (&counts, store2);
  /* Since format version 2 the file is named after the document's id,
   * not its path: the same file. */
  g_assert_true (g_file_equal (old_file, mg_store_get_file (store2)));
  g_assert_true (mg_store_load (store2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list2)), ==, 1);
  annotation = mg_annotation_list_lookup (list2, mg_annotation_get_id (annotation));
  g_assert_nonnull (annotation);
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "moved with the file");
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ANCHORED);

  /* Nothing to write: the path is not a reason to write the file again
   * (on another machine it would be written back and forth). */
  g_assert_false (wait_for_count (&counts.saved, 1, SAVE_WAIT_MS));
  g_assert_true (g_file_query_exists (old_file, NULL));

  root = parse_file (mg_store_get_file (store2));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (root), "document"), "uri"), ==, old_uri);
  g_assert_nonnull (find_entry (root, mg_annotation_get_id (annotation)));
  counts_clear (&counts);
}

/* A copy of a document, the original still in place: the copy gets the
 * annotations, and the original keeps them. One text, one file (since
 * format version 2): both use the same one. */
static void
test_copied (Fixture      *fixture,
             gconstpointer user_data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "original.txt", NULL);
  g_autofree char *old_uri = uri_in (fixture, "original.txt");
  g_autofree char *new_uri = uri_in (fixture, "copy.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (old_uri, TEXT);
  g_autoptr (MgDocument) copy = document_new (new_uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list2 = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (MgStore) store2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) old_file = NULL;

  g_file_set_contents (path, TEXT, -1, &error);
  g_assert_no_error (error);

  g_assert_true (mg_store_load (store, &error));
  add_annotation (list, document, "liquor jugs", NULL);
  flush_ok (store);
  old_file = g_object_ref (mg_store_get_file (store));
  g_clear_object (&store);

  store2 = mg_store_new (copy, list2, dir);
  g_assert_true (mg_store_load (store2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list2)), ==, 1);
  flush_ok (store2);
  g_assert_true (g_file_query_exists (mg_store_get_file (store2), NULL));
  g_assert_true (g_file_query_exists (old_file, NULL));
}

/* The same URI with an edited text: found by URI, re-anchored, the new
 * SHA-256 written. */
static void
test_edited (Fixture      *fixture,
             gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgDocument) edited = document_new (uri, "A new first sentence. " TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list2 = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (MgStore) store2 = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  MgAnnotation *annotation;

  g_assert_true (mg_store_load (store, &error));
  annotation = add_annotation (list, document, "liquor jugs", NULL);
  flush_ok (store);
  g_clear_object (&store);

  store2 = mg_store_new (edited, list2, dir);
  g_assert_true (mg_store_load (store2, &error));
  g_assert_no_error (error);
  annotation = mg_annotation_list_lookup (list2, mg_annotation_get_id (annotation));
  g_assert_nonnull (annotation);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_true (mg_store_get_dirty (store2));
  flush_ok (store2);

  root = parse_file (mg_store_get_file (store2));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (root), "document"), "sha256"),
                   ==, mg_document_get_sha256 (edited));
}

/* Files that cannot be used ---------------------------------------------- */

static void
check_corrupt (Fixture    *fixture,
               const char *contents)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GBytes) original = g_bytes_new (contents, strlen (contents));
  g_autoptr (GBytes) kept = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GFile) aside = NULL;
  g_auto (GStrv) names = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *prefix = NULL;
  MgAnnotation    *annotation;

  g_assert_true (g_mkdir_with_parents (dir, 0700) == 0);
  write_file (mg_store_get_file (store), original);

  g_assert_false (mg_store_load (store, &error));
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT);
  g_test_message ("%s", error->message);
  g_assert_false (mg_store_get_read_only (store));

  /* Set aside, with its bytes, under a name the message gives. */
  g_assert_false (g_file_query_exists (mg_store_get_file (store), NULL));
  names = list_dir (dir);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  basename = g_file_get_basename (mg_store_get_file (store));
  prefix = g_strconcat (basename, ".corrupt-", NULL);
  g_assert_true (g_str_has_prefix (names[0], prefix));
  g_assert_nonnull (strstr (error->message, names[0]));
  aside = g_file_get_child (mg_store_get_directory (store), names[0]);
  kept = read_file (aside);
  g_assert_true (g_bytes_equal (kept, original));

  /* The app goes on: new annotations go to a new file. */
  annotation = add_annotation (list, document, "lazy dog", NULL);
  flush_ok (store);
  root = parse_file (mg_store_get_file (store));
  g_assert_nonnull (find_entry (root, mg_annotation_get_id (annotation)));
  kept = (g_bytes_unref (kept), read_file (aside));
  g_assert_true (g_bytes_equal (kept, original));
}

static void
test_corrupt_not_json (Fixture      *fixture,
                       gconstpointer user_data)
{
  check_corrupt (fixture, "{ \"version\": 1, \"document\": { \"uri\": \"file:///x\", ");
}

static void
test_corrupt_wrong_shape (Fixture      *fixture,
                          gconstpointer user_data)
{
  check_corrupt (fixture, "{ \"version\": 1, \"document\": 5, \"annotations\": [] }\n");
}

static void
test_corrupt_empty (Fixture      *fixture,
                    gconstpointer user_data)
{
  check_corrupt (fixture, "");
}

static void
test_corrupt_blank (Fixture      *fixture,
                    gconstpointer user_data)
{
  check_corrupt (fixture, "\n  /* nothing */ \n");
}

static void
test_newer_version (Fixture      *fixture,
                    gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autofree char *contents = g_strdup_printf ("{\n  \"version\" : 3,\n  \"document\" : { \"uri\" : \"%s\" },\n  \"annotations\" : { \"shape\" : \"from the future\" }\n}\n", uri);
  g_autoptr (GBytes) original = g_bytes_new (contents, strlen (contents));
  g_autoptr (GBytes) after = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;
  Counts        counts = { 0 };
  MgAnnotation *annotation;

  g_assert_true (g_mkdir_with_parents (dir, 0700) == 0);
  write_file (mg_store_get_file (store), original);
  counts_connect (&counts, store);

  g_assert_false (mg_store_load (store, &error));
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NEWER_VERSION);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "newer version"));
  g_assert_true (mg_store_get_read_only (store));
  g_clear_error (&error);

  /* Nothing saved flushes fine. */
  g_assert_true (mg_store_flush (store, &error));
  g_assert_no_error (error);

  /* Edits stay in memory; no autosave, and flush refuses. */
  annotation = add_annotation (list, document, "lazy dog", NULL);
  mg_annotation_set_note (annotation, "not saved");
  run_for (SAVE_WAIT_MS);
  g_assert_cmpuint (counts.saved, ==, 0);
  g_assert_cmpuint (counts.errors, ==, 0);
  g_assert_false (mg_store_flush (store, &error));
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_READ_ONLY);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);

  after = read_file (mg_store_get_file (store));
  g_assert_true (g_bytes_equal (after, original));
  names = list_dir (dir);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  counts_clear (&counts);
}

/* An annotation that cannot be read is kept as it is, and written back. */
/* The store writes its annotations straight from the objects: the same
 * bytes as the tree of the file (each annotation as mg_annotation_to_json()
 * gives it) written by mg_store_serialize_json(), text that needs escapes
 * or repairs included. */
static void
test_writes_as_json (Fixture      *fixture,
                     gconstpointer user_data)
{
  static const char *const tags[] = { " one ", "two", "ü ✓", "one", NULL };
  g_autofree char         *uri = uri_in (fixture, "article \"quoted\".txt");
  g_autofree char         *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) written = NULL;
  g_autoptr (JsonNode) expected = NULL;
  g_autoptr (JsonNode) canonical = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) expected_bytes = NULL;
  g_autoptr (GError) error = NULL;
  MgAnnotation *annotation;
  JsonArray    *deleted;
  guint         n_items;

  g_assert_true (mg_store_load (store, &error));
  g_assert_no_error (error);

  annotation = add_annotation (list, document, "quick brown fox", NULL);
  mg_annotation_set_note (annotation, "A \"note\" with a back\\slash,\na new line, a\ttab, \001 and \037, ü and 😀");
  annotation = add_annotation (list, document, "lazy dog", NULL);
  mg_annotation_set_tags (annotation, tags);
  mg_annotation_set_color (annotation, MG_COLOR_PURPLE);
  annotation = add_annotation (list, document, "liquor jugs", NULL);
  /* Not UTF-8: written repaired, as any text is. */
  mg_annotation_set_note (annotation, "bad \xff text");
  add_annotation (list, document, "daft zebras", "2001-02-03T04:05:06.789Z");
  annotation = add_annotation (list, document, "black quartz", NULL);
  mg_annotation_list_remove (list, annotation);
  flush_ok (store);

  bytes = read_file (mg_store_get_file (store));
  written = mg_store_parse_bytes (bytes, &error);
  g_assert_no_error (error);

  /* The same file, made from JSON nodes. */
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, MG_STORE_FORMAT_VERSION);
  json_builder_set_member_name (builder, "document");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, mg_store_get_document_id (store));
  json_builder_set_member_name (builder, "uri");
  json_builder_add_string_value (builder, mg_document_get_uri (document));
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, mg_document_get_sha256 (document));
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, mg_document_get_title (document));
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "annotations");
  json_builder_begin_array (builder);
  n_items = g_list_model_get_n_items (G_LIST_MODEL (list));
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (MgAnnotation) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      json_builder_add_value (builder, mg_annotation_to_json (item));
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  expected = json_builder_get_root (builder);

  /* The tombstone's time is the time of the deletion: taken as written. */
  deleted = root_array (written, "deleted");
  g_assert_cmpuint (json_array_get_length (deleted), ==, 1);
  json_object_set_array_member (json_node_get_object (expected), "deleted", json_array_ref (deleted));

  canonical = mg_store_merge_json (expected, NULL, NULL);
  expected_bytes = mg_store_serialize_json (canonical);
  g_test_message ("%.*s", (int) g_bytes_get_size (bytes), (const char *) g_bytes_get_data (bytes, NULL));
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   g_bytes_get_data (expected_bytes, NULL), g_bytes_get_size (expected_bytes));
}

static void
test_malformed_annotation (Fixture      *fixture,
                           gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list2 = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (MgStore) store2 = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) after = NULL;
  g_autoptr (JsonNode) bad = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  JsonArray *array;
  gboolean   found_bad = FALSE;
  gboolean   found_number = FALSE;

  g_assert_true (mg_store_load (store, &error));
  add_annotation (list, document, "lazy dog", NULL);
  add_annotation (list, document, "liquor jugs", NULL);
  flush_ok (store);
  g_clear_object (&store);

  root = parse_file (mg_store_get_file (store2 = mg_store_new (document, list2, dir)));
  array = root_array (root, "annotations");
  bad = json_from_string ("{ \"id\" : \"urn:uuid:bad\", \"type\" : \"Annotation\", \"target\" : 5 }", &error);
  g_assert_no_error (error);
  json_array_add_element (array, json_node_copy (bad));
  json_array_add_int_element (array, 42);
  bytes = mg_store_serialize_json (root);
  write_file (mg_store_get_file (store2), bytes);

  g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*could not be read*");
  g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*could not be read*");
  g_assert_true (mg_store_load (store2, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list2)), ==, 2);

  add_annotation (list2, document, "quick brown fox", NULL);
  flush_ok (store2);

  after = parse_file (mg_store_get_file (store2));
  array = root_array (after, "annotations");
  g_assert_cmpuint (json_array_get_length (array), ==, 5);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (json_node_equal (node, bad))
        found_bad = TRUE;
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_int (node) == 42)
        found_number = TRUE;
    }
  g_assert_true (found_bad);
  g_assert_true (found_number);
}

/* Saving that fails: the error reaches the owner, nothing is lost, and
 * the next change tries again. */
static void
test_save_failure (Fixture      *fixture,
                   gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autofree char *probe = g_build_filename (dir, "probe", NULL);
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  gboolean      privileged;
  Counts        counts = { 0 };
  MgAnnotation *first;
  MgAnnotation *second;

  g_assert_true (g_mkdir_with_parents (dir, 0700) == 0);
  g_assert_true (g_chmod (dir, 0500) == 0);

  /* Permissions do not stop root: then make the directory a regular file,
   * which stops everyone. */
  privileged = g_file_set_contents (probe, "", 0, NULL);
  if (privileged)
    {
      g_test_message ("Writable despite 0500 (running as root?): using a file as the directory");
      g_unlink (probe);
      g_chmod (dir, 0700);
      g_rmdir (dir);
      g_file_set_contents (dir, "not a directory", -1, &error);
      g_assert_no_error (error);
    }

  store = mg_store_new (document, list, dir);
  counts_connect (&counts, store);
  g_assert_true (mg_store_load (store, &error));
  g_assert_no_error (error);

  g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*could not be saved*");
  first = add_annotation (list, document, "lazy dog", NULL);
  g_assert_true (wait_for_count (&counts.errors, 1, 5000));
  g_test_assert_expected_messages ();
  g_assert_error (counts.last_error, MG_STORE_ERROR, MG_STORE_ERROR_SAVE_FAILED);
  g_test_message ("%s", counts.last_error->message);
  g_assert_nonnull (strstr (counts.last_error->message, dir));
  g_assert_cmpuint (counts.saved, ==, 0);
  g_assert_true (mg_store_get_dirty (store));

  g_assert_false (mg_store_flush (store, &error));
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_SAVE_FAILED);
  g_clear_error (&error);
  g_assert_true (mg_annotation_list_lookup (list, mg_annotation_get_id (first)) == first);

  /* No retry loop: nothing more happens until the next change. */
  run_for (SAVE_WAIT_MS);
  g_assert_cmpuint (counts.errors, ==, 1);

  /* Fixed; the next change saves everything. */
  if (privileged)
    g_unlink (dir);
  else
    g_chmod (dir, 0700);
  second = add_annotation (list, document, "liquor jugs", NULL);
  g_assert_true (wait_for_count (&counts.saved, 1, 5000));
  g_assert_false (mg_store_get_dirty (store));

  root = parse_file (mg_store_get_file (store));
  g_assert_nonnull (find_entry (root, mg_annotation_get_id (first)));
  g_assert_nonnull (find_entry (root, mg_annotation_get_id (second)));
  counts_clear (&counts);
}

/* Autosave ---------------------------------------------------------------- */

static void
test_autosave (Fixture      *fixture,
               gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  static const char *const quotes[] = { "quick brown fox", "lazy dog", "liquor jugs", "daft zebras", "black quartz" };
  Counts                   counts = { 0 };
  gint64                   start;
  gint64                   elapsed;
  MgAnnotation            *annotation = NULL;

  counts_connect (&counts, store);
  g_assert_true (mg_store_load (store, &error));

  start = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (quotes); i++)
    annotation = add_annotation (list, document, quotes[i], NULL);
  g_assert_false (g_file_query_exists (mg_store_get_file (store), NULL));

  /* One save for the burst, after the delay. */
  g_assert_true (wait_for_count (&counts.saved, 1, 5000));
  elapsed = g_get_monotonic_time () - start;
  g_assert_cmpint (elapsed, >=, 400 * 1000);
  root = parse_file (mg_store_get_file (store));
  g_assert_cmpuint (json_array_get_length (root_array (root, "annotations")), ==, G_N_ELEMENTS (quotes));

  /* Our own write is not taken for someone else's. */
  run_for (SAVE_WAIT_MS);
  g_assert_cmpuint (counts.saved, ==, 1);
  g_assert_cmpuint (counts.merged, ==, 0);

  /* An edit saves again. */
  mg_annotation_set_note (annotation, "edited");
  g_assert_true (wait_for_count (&counts.saved, 2, 5000));
  g_clear_pointer (&root, json_node_unref);
  root = parse_file (mg_store_get_file (store));
  g_assert_cmpstr (entry_note (find_entry (root, mg_annotation_get_id (annotation))), ==, "edited");
  g_assert_cmpuint (counts.errors, ==, 0);
  counts_clear (&counts);
}

static void
activate_cb (GApplication *application,
             gpointer      user_data)
{
  MgDocument *document = g_object_get_data (user_data, "document");

  /* The application would quit right after this without a hold. */
  add_annotation (mg_store_get_annotations (user_data), document, "lazy dog", NULL);
}

/* What the application does: hold itself while the store is saving. */
static void
saving_changed_cb (MgStore      *store,
                   GParamSpec   *pspec,
                   GApplication *application)
{
  if (mg_store_get_saving (store))
    g_application_hold (application);
  else
    g_application_release (application);
}

/* An application that holds itself while #MgStore:saving is TRUE quits
 * only once the save is written. The store itself never touches the
 * application. */
static void
test_application_hold (Fixture      *fixture,
                       gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GApplication) application = NULL;
  g_autoptr (GError) error = NULL;
  char  *argv[] = { (char *) "test-store", NULL };
  Counts counts = { 0 };

  application = g_application_new ("io.github.marginalia.TestStore", G_APPLICATION_NON_UNIQUE);
  g_application_set_default (application);
  g_object_set_data (G_OBJECT (store), "document", document);
  g_signal_connect (application, "activate", G_CALLBACK (activate_cb), store);
  g_signal_connect (store, "notify::saving", G_CALLBACK (saving_changed_cb), application);
  counts_connect (&counts, store);
  g_assert_true (mg_store_load (store, &error));
  g_assert_false (mg_store_get_saving (store));

  g_assert_cmpint (g_application_run (application, 1, argv), ==, 0);
  g_assert_cmpuint (counts.saved, ==, 1);
  g_assert_false (mg_store_get_saving (store));
  g_assert_true (g_file_query_exists (mg_store_get_file (store), NULL));

  g_signal_handlers_disconnect_by_func (store, saving_changed_cb, application);
  g_application_set_default (NULL);
  counts_clear (&counts);
}

typedef struct
{
  gboolean done;
  gboolean ret;
  GError  *error;
} FlushResult;

static void
flush_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  FlushResult *flush = user_data;

  flush->ret = mg_store_flush_finish (MG_STORE (object), result, &flush->error);
  flush->done = TRUE;
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

/* mg_store_flush_async() writes at once, without blocking the main loop:
 * the main loop keeps turning while the write runs, and #MgStore:saving
 * says when it is done. */
static void
test_flush_async (Fixture      *fixture,
                  gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  FlushResult   first = { 0 };
  FlushResult   second = { 0 };
  FlushResult   nothing = { 0 };
  MgAnnotation *annotation;
  guint         saving_notifies = 0;
  Counts        counts = { 0 };

  g_assert_true (mg_store_load (store, &error));
  counts_connect (&counts, store);
  g_signal_connect (store, "notify::saving", G_CALLBACK (count_notify_cb), &saving_notifies);

  /* Nothing to save: done at once, never saving. */
  mg_store_flush_async (store, NULL, flush_done_cb, &nothing);
  while (!nothing.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (nothing.ret);
  g_assert_no_error (nothing.error);
  g_assert_false (mg_store_get_saving (store));

  annotation = add_annotation (list, document, "lazy dog", NULL);
  g_assert_true (mg_store_get_saving (store));
  g_assert_true (mg_store_get_dirty (store));

  /* Two flushes at once: one write, and both are told. */
  mg_store_flush_async (store, NULL, flush_done_cb, &first);
  mg_annotation_set_note (annotation, "written by the flush");
  mg_store_flush_async (store, NULL, flush_done_cb, &second);
  g_assert_false (first.done);
  while (!first.done || !second.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (first.error);
  g_assert_no_error (second.error);
  g_assert_true (first.ret && second.ret);
  g_assert_false (mg_store_get_saving (store));
  g_assert_false (mg_store_get_dirty (store));
  g_assert_cmpuint (counts.errors, ==, 0);
  g_assert_cmpuint (saving_notifies, ==, 2);

  /* The note made during the first write is on disk too. */
  root = parse_file (mg_store_get_file (store));
  g_assert_cmpstr (entry_note (find_entry (root, mg_annotation_get_id (annotation))), ==, "written by the flush");

  g_signal_handlers_disconnect_by_func (store, count_notify_cb, &saving_notifies);
  counts_clear (&counts);
}

/* A flush of changes that cannot be saved fails with the store's error. */
static void
test_flush_async_read_only (Fixture      *fixture,
                            gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autofree char *contents = g_strdup_printf ("{ \"version\" : 3, \"document\" : { \"uri\" : \"%s\" } }\n", uri);
  g_autoptr (GBytes) original = g_bytes_new (contents, strlen (contents));
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  FlushResult flush = { 0 };
  FlushResult cancelled = { 0 };

  g_assert_true (g_mkdir_with_parents (dir, 0700) == 0);
  write_file (mg_store_get_file (store), original);
  g_assert_false (mg_store_load (store, &error));
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NEWER_VERSION);

  add_annotation (list, document, "lazy dog", NULL);
  g_assert_false (mg_store_get_saving (store));

  mg_store_flush_async (store, NULL, flush_done_cb, &flush);
  while (!flush.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (flush.ret);
  g_assert_error (flush.error, MG_STORE_ERROR, MG_STORE_ERROR_READ_ONLY);
  g_clear_error (&flush.error);

  /* A cancelled flush says so. */
  g_cancellable_cancel (cancellable);
  mg_store_flush_async (store, cancellable, flush_done_cb, &cancelled);
  while (!cancelled.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (cancelled.ret);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&cancelled.error);

  /* The file is untouched. */
  {
    g_autoptr (GBytes) after = read_file (mg_store_get_file (store));

    g_assert_true (g_bytes_equal (after, original));
  }
}

/* Deletions --------------------------------------------------------------- */

static void
test_tombstones (Fixture      *fixture,
                 gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list2 = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (MgStore) store2 = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MgAnnotation) deleted = NULL;
  MgAnnotation *kept;
  MgAnnotation *moving;

  g_assert_true (mg_store_load (store, &error));
  kept = add_annotation (list, document, "lazy dog", NULL);
  deleted = g_object_ref (add_annotation (list, document, "liquor jugs", NULL));
  moving = add_annotation (list, document, "quick brown fox", NULL);
  flush_ok (store);

  /* Moving an annotation reorders the list (a removal then an insertion):
   * that is no deletion. */
  mg_annotation_set_target (moving, document, 150, 160);
  g_assert_true (mg_annotation_list_remove (list, deleted));
  flush_ok (store);

  root = parse_file (mg_store_get_file (store));
  g_assert_true (has_tombstone (root, mg_annotation_get_id (deleted)));
  g_assert_false (has_tombstone (root, mg_annotation_get_id (moving)));
  g_assert_null (find_entry (root, mg_annotation_get_id (deleted)));
  g_assert_nonnull (find_entry (root, mg_annotation_get_id (kept)));
  g_assert_nonnull (find_entry (root, mg_annotation_get_id (moving)));

  store2 = mg_store_new (document, list2, dir);
  g_assert_true (mg_store_load (store2, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list2)), ==, 2);
  g_assert_null (mg_annotation_list_lookup (list2, mg_annotation_get_id (deleted)));
  g_clear_object (&store2);

  /* Undone: back, and no tombstone. */
  mg_annotation_list_add (list, deleted);
  flush_ok (store);
  g_clear_pointer (&root, json_node_unref);
  root = parse_file (mg_store_get_file (store));
  g_assert_false (has_tombstone (root, mg_annotation_get_id (deleted)));
  g_assert_nonnull (find_entry (root, mg_annotation_get_id (deleted)));
}

/* The cache ---------------------------------------------------------------- */

static void
assert_same_annotation (MgAnnotation *a,
                        MgAnnotation *b)
{
  g_assert_cmpstr (mg_annotation_get_id (a), ==, mg_annotation_get_id (b));
  g_assert_true (g_date_time_equal (mg_annotation_get_created (a), mg_annotation_get_created (b)));
  g_assert_true (g_date_time_equal (mg_annotation_get_modified (a), mg_annotation_get_modified (b)));
  g_assert_cmpint (mg_annotation_get_color (a), ==, mg_annotation_get_color (b));
  g_assert_cmpstr (mg_annotation_get_note (a), ==, mg_annotation_get_note (b));
  g_assert_true (g_strv_equal (mg_annotation_get_tags (a), mg_annotation_get_tags (b)));
  g_assert_cmpstr (mg_annotation_get_exact (a), ==, mg_annotation_get_exact (b));
  g_assert_cmpstr (mg_annotation_get_prefix (a), ==, mg_annotation_get_prefix (b));
  g_assert_cmpstr (mg_annotation_get_suffix (a), ==, mg_annotation_get_suffix (b));
  g_assert_cmpstr (mg_annotation_get_previous_exact (a), ==, mg_annotation_get_previous_exact (b));
  g_assert_cmpuint (mg_annotation_get_start (a), ==, mg_annotation_get_start (b));
  g_assert_cmpuint (mg_annotation_get_end (a), ==, mg_annotation_get_end (b));
  g_assert_cmpint (mg_annotation_get_state (a), ==, mg_annotation_get_state (b));
  g_assert_cmpuint (mg_annotation_get_range_start (a), ==, mg_annotation_get_range_start (b));
  g_assert_cmpuint (mg_annotation_get_range_end (a), ==, mg_annotation_get_range_end (b));
}

static void
assert_same_lists (MgAnnotationList *a,
                   MgAnnotationList *b)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (a));

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (b)), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MgAnnotation) x = g_list_model_get_item (G_LIST_MODEL (a), i);
      g_autoptr (MgAnnotation) y = g_list_model_get_item (G_LIST_MODEL (b), i);

      assert_same_annotation (x, y);
    }
}

/* A store of @document in @dir, loaded, with the cache or without. */
static MgStore *
store_load (MgDocument       *document,
            MgAnnotationList *list,
            const char       *dir,
            gboolean          cached)
{
  g_autoptr (GError) error = NULL;
  MgStore *store = mg_store_new (document, list, dir);

  if (!cached)
    mg_store_set_cache_directory (store, NULL);
  g_assert_true (mg_store_load (store, &error));
  g_assert_no_error (error);

  return store;
}

/* Whether the cache is there for the file as it is now. */
static gboolean
cache_matches (MgDocument *document,
               const char *dir)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GBytes) json = read_file (mg_store_get_file (store));
  MgStoreCacheContents contents;
  gboolean             found;

  found = mg_store_cache_read (mg_store_get_cache_file (store), json, &contents);
  mg_store_cache_contents_clear (&contents);

  return found;
}

/* Whether the cache comes to match the file within a few seconds: a store
 * that was just closed may still be writing it in a thread (the thread
 * holds the store until its callback runs in the main loop). */
static gboolean
wait_cache_matches (MgDocument *document,
                    const char *dir)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!cache_matches (document, dir))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }

  return TRUE;
}

/* Loading with the cache gives what reading the JSON file gives: the same
 * annotations, anchored the same way, and the same need to save. */
static void
assert_cache_agrees (MgDocument *document,
                     const char *dir)
{
  g_autoptr (MgAnnotationList) from_json = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) from_cache = mg_annotation_list_new ();
  g_autoptr (MgStore) json_store = NULL;
  g_autoptr (MgStore) cache_store = NULL;

  g_assert_true (wait_cache_matches (document, dir));

  json_store = store_load (document, from_json, dir, FALSE);
  cache_store = store_load (document, from_cache, dir, TRUE);
  assert_same_lists (from_json, from_cache);
  g_assert_cmpint (mg_store_get_dirty (json_store), ==, mg_store_get_dirty (cache_store));
}

/* Merging ----------------------------------------------------------------- */

typedef struct
{
  char             *dir;
  MgDocument       *document;
  MgAnnotationList *list;
  MgStore          *store;
  Counts            counts;
} Copy;

static void
copy_open (Copy       *copy,
           const char *dir,
           const char *uri)
{
  g_autoptr (GError) error = NULL;

  copy->dir = g_strdup (dir);
  copy->document = document_new (uri, TEXT);
  copy->list = mg_annotation_list_new ();
  copy->store = mg_store_new (copy->document, copy->list, dir);
  counts_connect (&copy->counts, copy->store);
  g_assert_true (mg_store_load (copy->store, &error));
  g_assert_no_error (error);
}

static void
copy_close (Copy *copy)
{
  g_clear_object (&copy->store);
  g_clear_object (&copy->list);
  g_clear_object (&copy->document);
  g_clear_pointer (&copy->dir, g_free);
  counts_clear (&copy->counts);
}

static MgAnnotation *
lookup (Copy       *copy,
        const char *id)
{
  return mg_annotation_list_lookup (copy->list, id);
}

/* Two copies with a common history, then edits on both sides: A edits x
 * and adds w, B edits y and deletes z. */
static void
make_diverged (Fixture *fixture,
               Copy    *a,
               Copy    *b,
               char   **ids)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir_a = store_dir (fixture, "a");
  g_autofree char *dir_b = store_dir (fixture, "b");
  g_autoptr (GBytes) base = NULL;
  g_autoptr (GFile) file_b = NULL;
  MgAnnotation *x;
  MgAnnotation *y;
  MgAnnotation *z;
  MgAnnotation *w;

  copy_open (a, dir_a, uri);
  x = add_annotation (a->list, a->document, "quick brown fox", "2024-01-01T00:00:00.000Z");
  y = add_annotation (a->list, a->document, "lazy dog", "2024-01-01T00:00:00.000Z");
  z = add_annotation (a->list, a->document, "liquor jugs", "2024-01-01T00:00:00.000Z");
  flush_ok (a->store);

  /* B starts from the same file (a synced folder). */
  base = read_file (mg_store_get_file (a->store));
  g_assert_true (g_mkdir_with_parents (dir_b, 0700) == 0);
  {
    g_autofree char *name = g_file_get_basename (mg_store_get_file (a->store));
    g_autofree char *path = g_build_filename (dir_b, name, NULL);

    file_b = g_file_new_for_path (path);
  }
  write_file (file_b, base);
  copy_open (b, dir_b, uri);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (b->list)), ==, 3);

  ids[0] = g_strdup (mg_annotation_get_id (x));
  ids[1] = g_strdup (mg_annotation_get_id (y));
  ids[2] = g_strdup (mg_annotation_get_id (z));

  mg_annotation_set_note (x, "edited on A");
  set_modified (a->list, x, "2024-02-01T00:00:00.000Z");
  w = add_annotation (a->list, a->document, "daft zebras", "2024-02-02T00:00:00.000Z");
  ids[3] = g_strdup (mg_annotation_get_id (w));
  flush_ok (a->store);

  mg_annotation_set_note (lookup (b, ids[1]), "edited on B");
  set_modified (b->list, lookup (b, ids[1]), "2024-02-03T00:00:00.000Z");
  g_assert_true (mg_annotation_list_remove (b->list, lookup (b, ids[2])));
  flush_ok (b->store);
}

static void
test_merge_diverged (Fixture      *fixture,
                     gconstpointer user_data)
{
  Copy  a = { 0 };
  Copy  b = { 0 };
  char *ids[5] = { NULL };
  g_autoptr (JsonNode) root_a = NULL;
  g_autoptr (JsonNode) root_b = NULL;
  g_autoptr (JsonNode) ab = NULL;
  g_autoptr (JsonNode) ba = NULL;
  g_autoptr (JsonNode) again = NULL;
  g_autoptr (JsonNode) older = NULL;
  g_autoptr (JsonNode) revived = NULL;
  g_autoptr (JsonNode) stale = NULL;
  JsonObject *z;
  guint       n_changed;

  make_diverged (fixture, &a, &b, ids);
  root_a = parse_file (mg_store_get_file (a.store));
  root_b = parse_file (mg_store_get_file (b.store));

  ab = mg_store_merge_json (root_a, root_b, &n_changed);
  /* For A: y changed and z deleted. */
  g_assert_cmpuint (n_changed, ==, 2);
  g_assert_cmpstr (entry_note (find_entry (ab, ids[0])), ==, "edited on A");
  g_assert_cmpstr (entry_note (find_entry (ab, ids[1])), ==, "edited on B");
  g_assert_null (find_entry (ab, ids[2]));
  g_assert_true (has_tombstone (ab, ids[2]));
  g_assert_nonnull (find_entry (ab, ids[3]));

  /* Either way round, the same annotations and tombstones. */
  ba = mg_store_merge_json (root_b, root_a, &n_changed);
  g_assert_cmpuint (n_changed, ==, 2); /* for B: x changed, w added */
  g_assert_true (json_node_equal (json_object_get_member (json_node_get_object (ab), "annotations"),
                                  json_object_get_member (json_node_get_object (ba), "annotations")));
  g_assert_true (json_node_equal (json_object_get_member (json_node_get_object (ab), "deleted"),
                                  json_object_get_member (json_node_get_object (ba), "deleted")));

  /* Idempotent. */
  again = mg_store_merge_json (ab, root_a, &n_changed);
  g_assert_cmpuint (n_changed, ==, 0);
  g_assert_true (json_node_equal (again, ab));
  g_clear_pointer (&again, json_node_unref);
  again = mg_store_merge_json (ab, ab, &n_changed);
  g_assert_cmpuint (n_changed, ==, 0);
  g_assert_true (json_node_equal (again, ab));

  /* An old copy that still has z (modified before the deletion) does not
   * bring it back. */
  older = parse_file (mg_store_get_file (a.store));
  g_assert_nonnull (find_entry (older, ids[2]));
  g_assert_false (has_tombstone (older, ids[2]));
  g_clear_pointer (&again, json_node_unref);
  again = mg_store_merge_json (ab, older, &n_changed);
  g_assert_null (find_entry (again, ids[2]));
  g_assert_cmpuint (n_changed, ==, 0);

  /* One that modified z after the deletion does: the edit wins, and the
   * tombstone goes. */
  revived = json_node_copy (older);
  z = find_entry (revived, ids[2]);
  json_object_set_string_member (z, "modified", "2999-01-01T00:00:00.000Z");
  stale = mg_store_merge_json (ab, revived, &n_changed);
  g_assert_nonnull (find_entry (stale, ids[2]));
  g_assert_false (has_tombstone (stale, ids[2]));
  g_assert_cmpuint (n_changed, ==, 1);

  copy_close (&a);
  copy_close (&b);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_free (ids[i]);
}

/* The file changes under a running store (a synced folder brings B's
 * version): the monitor notices, the store merges and saves the result. */
static void
test_merge_external_change (Fixture      *fixture,
                            gconstpointer user_data)
{
  Copy  a = { 0 };
  Copy  b = { 0 };
  char *ids[5] = { NULL };
  g_autoptr (GBytes) from_b = NULL;
  g_autoptr (JsonNode) root = NULL;
  guint saved;

  make_diverged (fixture, &a, &b, ids);
  from_b = read_file (mg_store_get_file (b.store));
  saved = a.counts.saved;
  write_file (mg_store_get_file (a.store), from_b);

  g_assert_true (wait_for_count (&a.counts.merged, 1, 10000));
  g_assert_cmpuint (a.counts.last_n_changed, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (a.list)), ==, 3);
  g_assert_cmpstr (mg_annotation_get_note (lookup (&a, ids[0])), ==, "edited on A");
  g_assert_cmpstr (mg_annotation_get_note (lookup (&a, ids[1])), ==, "edited on B");
  g_assert_null (lookup (&a, ids[2]));
  g_assert_nonnull (lookup (&a, ids[3]));
  g_assert_cmpint (mg_annotation_get_state (lookup (&a, ids[1])), ==, MG_ANNOTATION_STATE_ANCHORED);

  /* B's file lacked A's changes: the merged result is written... */
  g_assert_true (wait_for_count (&a.counts.saved, saved + 1, 5000));
  root = parse_file (mg_store_get_file (a.store));
  g_assert_cmpstr (entry_note (find_entry (root, ids[0])), ==, "edited on A");
  g_assert_cmpstr (entry_note (find_entry (root, ids[1])), ==, "edited on B");
  g_assert_null (find_entry (root, ids[2]));
  g_assert_true (has_tombstone (root, ids[2]));
  g_assert_nonnull (find_entry (root, ids[3]));

  /* ...and not merged again as if it were someone else's. */
  run_for (SAVE_WAIT_MS);
  g_assert_cmpuint (a.counts.merged, ==, 1);
  g_assert_cmpuint (a.counts.saved, ==, saved + 1);
  g_assert_cmpuint (a.counts.errors, ==, 0);
  g_assert_false (mg_store_get_dirty (a.store));

  /* The cache left behind is that of the merged file. */
  {
    g_autoptr (MgDocument) document = g_object_ref (a.document);
    g_autofree char *dir = g_strdup (a.dir);

    copy_close (&a);
    assert_cache_agrees (document, dir);
  }
  copy_close (&b);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_free (ids[i]);
}

/* A local change while the file was changed elsewhere: the write notices
 * (etag), merges, and saves both. */
static void
test_merge_before_write (Fixture      *fixture,
                         gconstpointer user_data)
{
  Copy  a = { 0 };
  Copy  b = { 0 };
  char *ids[5] = { NULL };
  g_autoptr (GBytes) from_b = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_auto (GStrv) names = NULL;
  MgAnnotation *v;

  make_diverged (fixture, &a, &b, ids);
  from_b = read_file (mg_store_get_file (b.store));

  /* No main loop between the two: the monitor has no chance to tell. */
  v = add_annotation (a.list, a.document, "judge my vow", NULL);
  write_file (mg_store_get_file (a.store), from_b);
  flush_ok (a.store);

  root = parse_file (mg_store_get_file (a.store));
  g_assert_nonnull (find_entry (root, mg_annotation_get_id (v)));
  g_assert_cmpstr (entry_note (find_entry (root, ids[0])), ==, "edited on A");
  g_assert_cmpstr (entry_note (find_entry (root, ids[1])), ==, "edited on B");
  g_assert_null (find_entry (root, ids[2]));
  g_assert_nonnull (find_entry (root, ids[3]));
  g_assert_null (lookup (&a, ids[2]));

  /* The flush wrote the merge itself, and alone: nothing is left unsaved,
   * and no other write raced with it (a write that lost such a race
   * leaves its temporary file behind). */
  g_assert_false (mg_store_get_dirty (a.store));
  names = list_dir (g_file_peek_path (mg_store_get_directory (a.store)));
  for (guint i = 0; names[i] != NULL; i++)
    g_assert_false (g_str_has_prefix (names[i], ".goutputstream-"));

  copy_close (&a);
  copy_close (&b);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_free (ids[i]);
}

/* kill -9 while saving ------------------------------------------------- */

static const char *const set_a[] = { "quick brown fox", "lazy dog", "liquor jugs" };
static const char *const set_b[] = { "quick brown fox", "lazy dog", "liquor jugs", "daft zebras", "black quartz", "boxing wizards" };

/* Annotations with ids fixed across processes. */
static GPtrArray *
make_set (MgDocument        *document,
          const char *const *quotes,
          guint              n_quotes)
{
  GPtrArray *set = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n_quotes; i++)
    {
      g_autoptr (MgAnnotation) annotation = annotation_new (document, quotes[i], MG_COLOR_GREEN);
      g_autoptr (JsonNode) node = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *id = g_strdup_printf ("urn:uuid:00000000-0000-4000-8000-%012u", i);

      node = mg_annotation_to_json (annotation);
      json_object_set_string_member (json_node_get_object (node), "id", id);
      json_object_set_string_member (json_node_get_object (node), "created", "2024-01-01T00:00:00.000Z");
      json_object_set_string_member (json_node_get_object (node), "modified", "2024-01-01T00:00:00.000Z");
      g_ptr_array_add (set, mg_annotation_new_from_json (node, &error));
      g_assert_no_error (error);
    }

  return set;
}

#define KILL_URI "file:///nonexistent/kill-test.txt"

/* The child: saves set A, then set B, then A... until killed. */
static int
save_loop (const char *dir)
{
  g_autoptr (MgDocument) document = document_new (KILL_URI, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GPtrArray) a = make_set (document, set_a, G_N_ELEMENTS (set_a));
  g_autoptr (GPtrArray) b = make_set (document, set_b, G_N_ELEMENTS (set_b));
  g_autoptr (GError) error = NULL;
  int ready_fd;
  int null_fd;

  /* stdout is the pipe the parent waits on for one byte: anything else
   * (e.g. G_MESSAGES_DEBUG output) goes nowhere. */
  ready_fd = dup (STDOUT_FILENO);
  null_fd = open ("/dev/null", O_WRONLY);
  if (ready_fd < 0 || null_fd < 0 || dup2 (null_fd, STDOUT_FILENO) < 0)
    return 1;
  close (null_fd);

  if (!mg_store_load (store, &error))
    g_error ("%s", error->message);

  for (guint i = 0;; i++)
    {
      mg_annotation_list_remove_all (list);
      mg_annotation_list_add_many (list, i % 2 ? b : a);
      if (!mg_store_flush (store, &error))
        g_error ("%s", error->message);

      /* Ready to be killed. */
      if (i == 0 && (write (ready_fd, "R", 1) != 1 || close (ready_fd) != 0))
        return 1;
    }

  return 0;
}

static void
test_kill_while_saving (Fixture      *fixture,
                        gconstpointer user_data)
{
  g_autofree char *dir = store_dir (fixture, "store");
  g_autofree char *name = file_name_for_text (TEXT);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_auto (GStrv) names = NULL;
  guint seen_a = 0;
  guint seen_b = 0;
  guint leftovers = 0;

  g_assert_nonnull (self_exe);

  for (guint kill_no = 0; kill_no < N_KILLS; kill_no++)
    {
      const char *argv[] = { self_exe, "--save-loop", dir, NULL };
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) root = NULL;
      g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
      struct pollfd pfd;
      JsonArray    *array;
      GPid          pid;
      int           out_fd;
      int           status;
      char          ready;
      guint         n;

      g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                NULL, NULL, &pid, NULL, &out_fd, NULL, &error);
      g_assert_no_error (error);

      pfd.fd = out_fd;
      pfd.events = POLLIN;
      g_assert_cmpint (poll (&pfd, 1, 20000), ==, 1);
      g_assert_cmpint (read (out_fd, &ready, 1), ==, 1);
      close (out_fd);

      /* Somewhere in the loop of saves. */
      g_usleep (g_random_int_range (0, 20000));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

      root = parse_file (file);
      array = root_array (root, "annotations");
      n = json_array_get_length (array);
      for (guint i = 0; i < n; i++)
        g_hash_table_add (ids, (gpointer) json_object_get_string_member (json_array_get_object_element (array, i), "id"));
      g_assert_cmpuint (g_hash_table_size (ids), ==, n);

      if (n == G_N_ELEMENTS (set_a))
        seen_a++;
      else if (n == G_N_ELEMENTS (set_b))
        seen_b++;
      else
        g_assert_not_reached ();

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *id = g_strdup_printf ("urn:uuid:00000000-0000-4000-8000-%012u", i);

          g_assert_true (g_hash_table_contains (ids, id));
        }
    }

  /* Nothing was ever found corrupt. */
  names = list_dir (dir);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_assert_null (strstr (names[i], ".corrupt-"));
      if (names[i][0] == '.')
        leftovers++;
    }

  g_test_message ("%u kills: %u times set A, %u times set B; %u temporary files left by killed writers",
                  N_KILLS, seen_a, seen_b, leftovers);

  /* Those are removed by the next store to load, once they are old. */
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *child = g_build_filename (dir, names[i], NULL);
      struct utimbuf   old = { 0 };

      old.actime = old.modtime = time (NULL) - 2 * 60 * 60;
      if (names[i][0] == '.')
        g_assert_cmpint (g_utime (child, &old), ==, 0);
    }
  {
    g_autoptr (MgDocument) document = document_new (KILL_URI, TEXT);
    g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
    g_autoptr (MgStore) store = mg_store_new (document, list, dir);
    g_autoptr (GError) error = NULL;
    g_auto (GStrv) after = NULL;

    g_assert_true (mg_store_load (store, &error));
    g_assert_no_error (error);
    after = list_dir (dir);
    g_assert_cmpuint (g_strv_length (after), ==, 1);
    g_assert_cmpstr (after[0], ==, name);
  }
}

static MgStore *
cached_store_with_annotations (Fixture          *fixture,
                               MgDocument       *document,
                               MgAnnotationList *list,
                               const char       *dir)
{
  static const char *const tags[] = { "one", "ü ✓", "three", NULL };
  MgStore                 *store = store_load (document, list, dir, TRUE);
  MgAnnotation            *annotation;

  annotation = add_annotation (list, document, "quick brown fox", NULL);
  mg_annotation_set_note (annotation, "A \"note\" with a back\\slash,\na new line, a\ttab, \001, ü and 😀");
  mg_annotation_set_tags (annotation, tags);
  annotation = add_annotation (list, document, "lazy dog", "2001-02-03T04:05:06.789Z");
  mg_annotation_set_color (annotation, MG_COLOR_ORANGE);
  /* Moved with the text and its words changed: it keeps its quote as
   * highlighted, which the cache keeps too. */
  annotation = add_annotation (list, document, "liquor jugs", NULL);
  mg_annotation_follow_text (annotation, document, mg_annotation_get_start (annotation), mg_annotation_get_end (annotation) - 1);
  mg_anchor_annotation (annotation, document);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ANCHORED);
  g_assert_cmpstr (mg_annotation_get_previous_exact (annotation), ==, "liquor jugs");
  annotation = add_annotation (list, document, "black quartz", NULL);
  mg_annotation_list_remove (list, annotation);
  flush_ok (store);

  return store;
}

/* The file of cached_store_with_annotations(), and its cache, written by
 * a store that is gone. */
static void
save_annotations (Fixture    *fixture,
                  MgDocument *document,
                  const char *dir)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = cached_store_with_annotations (fixture, document, list, dir);
}

/* The store that goes writes the cache of what it saved, and the next
 * load gives what the JSON file gives. */
static void
test_cache_round_trip (Fixture      *fixture,
                       gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = cached_store_with_annotations (fixture, document, list, dir);
  g_autoptr (GFile) cache_file = g_object_ref (mg_store_get_cache_file (store));
  g_autoptr (GBytes) json = read_file (mg_store_get_file (store));
  g_autoptr (MgAnnotationList) reloaded = mg_annotation_list_new ();
  g_autoptr (MgStore) second = NULL;
  MgStoreCacheContents contents;

  /* In the user's cache folder, not beside the file. */
  {
    g_autofree char *cache_dir = mg_store_default_cache_directory ();
    g_autoptr (GFile) parent = g_file_get_parent (cache_file);

    g_assert_cmpstr (g_file_peek_path (parent), ==, cache_dir);
  }

  /* Written a while after the save, or when the store goes. */
  g_assert_false (g_file_query_exists (cache_file, NULL));
  g_clear_object (&store);
  g_assert_true (g_file_query_exists (cache_file, NULL));

  g_assert_true (mg_store_cache_read (cache_file, json, &contents));
  g_assert_cmpuint (contents.annotations->len, ==, 3);
  g_assert_cmpuint (g_hash_table_size (contents.tombstones), ==, 1);
  g_assert_cmpstr (contents.uri, ==, uri);
  mg_store_cache_contents_clear (&contents);

  assert_cache_agrees (document, dir);

  /* Nothing to save after a load from the cache. */
  second = store_load (document, reloaded, dir, TRUE);
  assert_same_lists (list, reloaded);
  g_assert_false (mg_store_get_dirty (second));
}

/* Proof that a load reads the cache: one made on purpose with other
 * values for the same bytes of the file is what the load gives. */
static void
test_cache_used (Fixture      *fixture,
                 gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = cached_store_with_annotations (fixture, document, list, dir);
  g_autoptr (GFile) cache_file = g_object_ref (mg_store_get_cache_file (store));
  g_autoptr (GBytes) json = read_file (mg_store_get_file (store));
  g_autoptr (MgAnnotationList) other = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) reloaded = mg_annotation_list_new ();
  g_autoptr (GHashTable) tombstones = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) none = g_ptr_array_new ();
  g_autoptr (GVariant) built = NULL;
  g_autoptr (MgStore) second = NULL;
  g_autoptr (GError) error = NULL;
  MgAnnotation *annotation;

  g_clear_object (&store);

  annotation = add_annotation (other, document, "daft zebras", NULL);
  mg_annotation_set_note (annotation, "from the cache");
  built = mg_store_cache_build (uri, mg_document_get_sha256 (document), mg_document_get_title (document),
                                G_LIST_MODEL (other), none, tombstones, none, NULL);
  g_assert_nonnull (built);
  g_assert_true (mg_store_cache_write (cache_file, built, json, &error));
  g_assert_no_error (error);

  second = store_load (document, reloaded, dir, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reloaded)), ==, 1);
  annotation = g_list_model_get_item (G_LIST_MODEL (reloaded), 0);
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "from the cache");
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ANCHORED);
  g_object_unref (annotation);
}

/* A file written on another machine (its "uri" that machine's path, the
 * text the same) is not written again where it is opened: the store keeps
 * the file's "uri", whether it reads the JSON or the cache (found by
 * fuzz-store: read from the cache, it was written at every opening). */
static void
test_cache_other_uri (Fixture      *fixture,
                      gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = cached_store_with_annotations (fixture, document, list, dir);
  g_autoptr (GFile) file = g_object_ref (mg_store_get_file (store));
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GBytes) elsewhere = NULL;
  g_autoptr (GBytes) after = NULL;

  g_clear_object (&store);
  root = parse_file (file);
  json_object_set_string_member (json_object_get_object_member (json_node_get_object (root), "document"),
                                 "uri", "file:///elsewhere/article.txt");
  elsewhere = mg_store_serialize_json (root);
  write_file (file, elsewhere);

  /* From the JSON (no cache for these bytes), then from the cache that
   * store left. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (MgAnnotationList) reloaded = mg_annotation_list_new ();
      g_autoptr (MgStore) again = NULL;

      g_assert_cmpint (cache_matches (document, dir), ==, i == 1);
      again = store_load (document, reloaded, dir, TRUE);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (reloaded)), ==, 3);
      g_assert_false (mg_store_get_dirty (again));
      flush_ok (again);
    }

  after = read_file (file);
  g_assert_true (g_bytes_equal (after, elsewhere));
}

/* A file changed by someone else is read from the JSON, and its cache
 * made anew; a cache damaged on disk, cut short or of another format is no
 * cache. */
static void
test_cache_stale_or_damaged (Fixture      *fixture,
                             gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = cached_store_with_annotations (fixture, document, list, dir);
  g_autoptr (GFile) file = g_object_ref (mg_store_get_file (store));
  g_autoptr (GFile) cache_file = g_object_ref (mg_store_get_cache_file (store));
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GBytes) changed = NULL;
  g_autoptr (GBytes) cache = NULL;
  const guint8 *data;
  gsize         len;

  g_clear_object (&store);
  g_assert_true (wait_cache_matches (document, dir));

  /* Edited elsewhere: a note changed in the JSON. */
  root = parse_file (file);
  json_object_set_string_member (json_array_get_object_element (root_array (root, "annotations"), 0),
                                 "color", "blue");
  changed = mg_store_serialize_json (root);
  write_file (file, changed);
  g_assert_false (cache_matches (document, dir));
  {
    g_autoptr (MgAnnotationList) reloaded = mg_annotation_list_new ();
    g_autoptr (MgStore) second = store_load (document, reloaded, dir, TRUE);
    g_autoptr (MgAnnotation) first = NULL;
    gboolean blue = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (reloaded)); i++)
      {
        g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (reloaded), i);

        blue |= mg_annotation_get_color (annotation) == MG_COLOR_BLUE;
      }
    g_assert_true (blue);
  }
  /* The store that read it made the cache of the new bytes. */
  assert_cache_agrees (document, dir);

  cache = read_file (cache_file);
  data = g_bytes_get_data (cache, &len);

  /* One byte flipped in the data, then in the header. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, len);
      g_autoptr (GBytes) damaged = NULL;
      gsize at = i == 0 ? len - 10 : i == 1 ? len / 2
                                            : 9;

      copy[at] ^= 0x20;
      damaged = g_bytes_new (copy, len);
      write_file (cache_file, damaged);
      g_assert_false (cache_matches (document, dir));
      {
        g_autoptr (MgAnnotationList) from_json = mg_annotation_list_new ();
        g_autoptr (MgAnnotationList) from_cache = mg_annotation_list_new ();
        g_autoptr (MgStore) json_store = store_load (document, from_json, dir, FALSE);
        g_autoptr (MgStore) cache_store = store_load (document, from_cache, dir, TRUE);

        assert_same_lists (from_json, from_cache);
        g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (from_cache)), ==, 3);
      }
    }

  /* Cut short: the header alone, then half of it. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (GBytes) cut = g_bytes_new (data, i == 0 ? 256 : 100);
      g_autoptr (MgAnnotationList) from_cache = mg_annotation_list_new ();
      g_autoptr (MgStore) cache_store = NULL;

      write_file (cache_file, cut);
      g_assert_false (cache_matches (document, dir));
      cache_store = store_load (document, from_cache, dir, TRUE);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (from_cache)), ==, 3);
    }
}

/* What a file keeps verbatim (annotations that cannot be read, tombstones
 * without a time) comes back from the cache and is written back. */
static void
test_cache_raw_entries (Fixture      *fixture,
                        gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = cached_store_with_annotations (fixture, document, list, dir);
  g_autoptr (GFile) file = g_object_ref (mg_store_get_file (store));
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) bad = NULL;
  g_autoptr (JsonNode) odd_tombstone = NULL;
  g_autoptr (JsonNode) after = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  MgStoreCacheContents contents;
  JsonArray           *array;
  gboolean             found_bad = FALSE;
  gboolean             found_number = FALSE;
  gboolean             found_tombstone = FALSE;

  g_clear_object (&store);

  root = parse_file (file);
  bad = json_from_string ("{ \"id\" : \"urn:uuid:bad\", \"type\" : \"Annotation\", \"target\" : 5 }", &error);
  g_assert_no_error (error);
  odd_tombstone = json_from_string ("{ \"id\" : \"urn:uuid:gone\", \"modified\" : \"long ago\" }", &error);
  g_assert_no_error (error);
  json_array_add_element (root_array (root, "annotations"), json_node_copy (bad));
  json_array_add_int_element (root_array (root, "annotations"), 42);
  json_array_add_element (root_array (root, "deleted"), json_node_copy (odd_tombstone));
  bytes = mg_store_serialize_json (root);
  write_file (file, bytes);

  /* Read from the JSON once (with warnings), then from the cache. */
  {
    g_autoptr (MgAnnotationList) from_json = mg_annotation_list_new ();
    g_autoptr (MgStore) json_store = NULL;

    g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*could not be read*");
    g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*could not be read*");
    json_store = store_load (document, from_json, dir, TRUE);
    g_test_assert_expected_messages ();
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (from_json)), ==, 3);
    /* Written back in its own order by its autosave (a store that was
     * only read does not write when it goes). */
    g_assert_true (mg_store_get_dirty (json_store));
    flush_ok (json_store);
  }

  /* The file as the store wrote it back (in its own order). */
  {
    g_autoptr (MgAnnotationList) unused = mg_annotation_list_new ();
    g_autoptr (GBytes) now = read_file (file);

    store = mg_store_new (document, unused, dir);
    g_assert_true (mg_store_cache_read (mg_store_get_cache_file (store), now, &contents));
    g_clear_object (&store);
  }
  g_assert_cmpuint (contents.annotations->len, ==, 3);
  g_assert_cmpuint (contents.raw_entries->len, ==, 2);
  g_assert_cmpuint (contents.raw_tombstones->len, ==, 1);
  g_assert_true (json_node_equal (g_ptr_array_index (contents.raw_tombstones, 0), odd_tombstone));
  mg_store_cache_contents_clear (&contents);

  {
    g_autoptr (MgAnnotationList) from_cache = mg_annotation_list_new ();
    g_autoptr (MgStore) cache_store = store_load (document, from_cache, dir, TRUE);

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (from_cache)), ==, 3);
    add_annotation (from_cache, document, "daft zebras", NULL);
    flush_ok (cache_store);
  }

  after = parse_file (file);
  array = root_array (after, "annotations");
  g_assert_cmpuint (json_array_get_length (array), ==, 6);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (json_node_equal (node, bad))
        found_bad = TRUE;
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_int (node) == 42)
        found_number = TRUE;
    }
  array = root_array (after, "deleted");
  for (guint i = 0; i < json_array_get_length (array); i++)
    found_tombstone |= json_node_equal (json_array_get_element (array, i), odd_tombstone);
  g_assert_true (found_bad);
  g_assert_true (found_number);
  g_assert_true (found_tombstone);
}

/* Annotations a file would read differently (text that is not UTF-8 is
 * written repaired) make no cache: the next load reads the JSON. */
static void
test_cache_not_for_unreadable_state (Fixture      *fixture,
                                     gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = store_load (document, list, dir, TRUE);
  g_autoptr (MgAnnotationList) reloaded = mg_annotation_list_new ();
  g_autoptr (MgStore) second = NULL;
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autoptr (GFile) cache_file = g_object_ref (mg_store_get_cache_file (store));

  mg_annotation_set_note (add_annotation (list, document, "liquor jugs", NULL), "bad \xff text");
  flush_ok (store);
  g_clear_object (&store);
  g_assert_false (g_file_query_exists (cache_file, NULL));

  second = store_load (document, reloaded, dir, TRUE);
  annotation = g_list_model_get_item (G_LIST_MODEL (reloaded), 0);
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "bad \xef\xbf\xbd text");
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GError **error = user_data;
  gboolean ok;

  ok = mg_store_load_finish (MG_STORE (object), result, error);
  g_assert_true (ok == (*error == NULL));
  /* Marks the end, error or not. */
  g_object_set_data (object, "done", GINT_TO_POINTER (TRUE));
}

static void
wait_for_load (MgStore *store)
{
  while (g_object_get_data (G_OBJECT (store), "done") == NULL)
    g_main_context_iteration (NULL, TRUE);
}

/* The load in a thread gives what the load in the main thread gives, from
 * the cache and from the JSON file. */
static void
test_load_async (Fixture      *fixture,
                 gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);

  save_annotations (fixture, document, dir);

  for (guint cached = 0; cached < 2; cached++)
    {
      g_autoptr (MgAnnotationList) from_sync = mg_annotation_list_new ();
      g_autoptr (MgAnnotationList) from_async = mg_annotation_list_new ();
      g_autoptr (MgStore) sync_store = store_load (document, from_sync, dir, cached);
      g_autoptr (MgStore) async_store = mg_store_new (document, from_async, dir);
      g_autoptr (GError) error = NULL;
      Counts counts = { 0 };

      if (!cached)
        mg_store_set_cache_directory (async_store, NULL);
      counts_connect (&counts, async_store);
      mg_store_load_async (async_store, NULL, load_done_cb, &error);
      /* Nothing yet: the list fills when the callback comes. */
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (from_async)), ==, 0);
      wait_for_load (async_store);
      g_assert_no_error (error);

      assert_same_lists (from_sync, from_async);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (from_async)), ==, 3);
      g_assert_false (mg_store_get_dirty (async_store));
      run_for (SAVE_WAIT_MS);
      g_assert_cmpuint (counts.saved, ==, 0);
      counts_clear (&counts);
    }
}

/* Annotations made while the load is under way are kept with the ones
 * of the file, and nothing is written before the file is read. */
static void
test_load_async_changes_meanwhile (Fixture      *fixture,
                                   gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  GFile *file = mg_store_get_file (store);
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = NULL;
  MgAnnotation *added;
  Counts        counts = { 0 };

  save_annotations (fixture, document, dir);
  before = read_file (file);

  counts_connect (&counts, store);
  mg_store_load_async (store, NULL, load_done_cb, &error);
  added = add_annotation (list, document, "daft zebras", NULL);
  g_assert_true (mg_store_get_dirty (store));
  g_assert_cmpuint (counts.saved, ==, 0);
  {
    g_autoptr (GBytes) now = read_file (file);

    g_assert_true (g_bytes_equal (now, before));
  }

  wait_for_load (store);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);
  g_assert_true (mg_annotation_list_lookup (list, mg_annotation_get_id (added)) == added);

  g_assert_true (wait_for_count (&counts.saved, 1, 5000));
  root = parse_file (file);
  g_assert_cmpuint (json_array_get_length (root_array (root, "annotations")), ==, 4);
  g_assert_nonnull (find_entry (root, mg_annotation_get_id (added)));
  counts_clear (&counts);
}

/* A flush (quitting) while the load is under way waits for it, and saves
 * the file's annotations with the new one. */
static void
test_load_async_flush_meanwhile (Fixture      *fixture,
                                 gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  GFile *file = mg_store_get_file (store);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) flush_error = NULL;
  g_autoptr (JsonNode) root = NULL;
  MgAnnotation *added;

  save_annotations (fixture, document, dir);

  mg_store_load_async (store, NULL, load_done_cb, &error);
  added = add_annotation (list, document, "daft zebras", NULL);
  g_assert_true (mg_store_flush (store, &flush_error));
  g_assert_no_error (flush_error);
  g_assert_false (mg_store_get_dirty (store));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);

  root = parse_file (file);
  g_assert_cmpuint (json_array_get_length (root_array (root, "annotations")), ==, 4);
  g_assert_nonnull (find_entry (root, mg_annotation_get_id (added)));

  /* The callback still comes, once. */
  wait_for_load (store);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);
}

/* A file that does not parse fails the same way in a thread. */
static void
test_load_async_corrupt (Fixture      *fixture,
                         gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GBytes) garbage = g_bytes_new_static ("{ not json", 10);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;

  g_assert_true (g_mkdir_with_parents (dir, 0700) == 0);
  write_file (mg_store_get_file (store), garbage);

  mg_store_load_async (store, NULL, load_done_cb, &error);
  wait_for_load (store);
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT);
  g_assert_false (g_file_query_exists (mg_store_get_file (store), NULL));
  names = list_dir (dir);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_true (strstr (names[0], ".corrupt-") != NULL);
}

/* Stale temporary files ---------------------------------------------------- */

static void
write_aged (const char *dir,
            const char *name,
            const char *contents,
            gint64      age_s)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  struct utimbuf   when = { 0 };
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  when.actime = when.modtime = time (NULL) - age_s;
  g_assert_cmpint (g_utime (path, &when), ==, 0);
}

/* At the start, the temporary files of our writes cut off by a crash go
 * once they are more than a minute old; nothing else does. */
static void
test_stale_temporaries (Fixture      *fixture,
                        gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;
  const char *const kept[] = {
    ".goutputstream-FRESH1",   /* ours, but a write may be under way */
    ".goutputstream-NOTOUR",   /* old, but not a store file */
    "notes.txt.goutputstream", /* not a temporary name */
    NULL,
  };

  g_assert_true (g_mkdir_with_parents (dir, 0700) == 0);
  write_aged (dir, ".goutputstream-OLD001", "{\n  \"version\" : 1,\n  \"docu", 2 * 60);
  write_aged (dir, ".goutputstream-OLD002", "", 2 * 60);
  write_aged (dir, ".goutputstream-OLD003", "{\n ", 10 * 60);
  write_aged (dir, kept[0], "{\n  \"version\" : 1,\n", 10);
  write_aged (dir, kept[1], "my own notes", 2 * 60);
  write_aged (dir, kept[2], "{\n  \"version\" : 1", 2 * 60);

  g_assert_true (mg_store_load (store, &error));
  g_assert_no_error (error);

  names = list_dir (dir);
  g_assert_cmpuint (g_strv_length (names), ==, g_strv_length ((char **) kept));
  for (guint i = 0; kept[i] != NULL; i++)
    g_assert_true (g_strv_contains ((const char *const *) names, kept[i]));
}

/* A forged cache -----------------------------------------------------------
 *
 * The cache's checksum only tells accidents: a cache written to harm has
 * the right one. Whatever it holds, the store reads the JSON instead. */

#define CACHE_TYPE_TEXT "((sss)asaxaxayasaasasasasauauasa(ss)as)"

static const char *const forged_caches[] = {
  /* A colour beyond the palette. */
  "(('u','s','t'), ['urn:a'], [int64 0], [int64 0], [byte 9], [''], [@as []], ['quote'], [''], [''], [uint32 0], [uint32 1], @as [], @a(ss) [], @as [])",
  /* A start after the end. */
  "(('u','s','t'), ['urn:a'], [int64 0], [int64 0], [byte 0], [''], [@as []], ['quote'], [''], [''], [uint32 5], [uint32 1], @as [], @a(ss) [], @as [])",
  /* No id, no quote. */
  "(('u','s','t'), [''], [int64 0], [int64 0], [byte 0], [''], [@as []], [''], [''], [''], [uint32 0], [uint32 1], @as [], @a(ss) [], @as [])",
  /* One id twice. */
  "(('u','s','t'), ['urn:a', 'urn:a'], [int64 0, 0], [int64 0, 0], [byte 0, 0], ['', ''], [@as [], []], ['q', 'q'], ['', ''], ['', ''], [uint32 0, 0], [uint32 1, 1], @as [], @a(ss) [], @as [])",
  /* Times no file holds: microseconds, beyond GDateTime. */
  "(('u','s','t'), ['urn:a'], [int64 1], [int64 0], [byte 0], [''], [@as []], ['quote'], [''], [''], [uint32 0], [uint32 1], @as [], @a(ss) [], @as [])",
  "(('u','s','t'), ['urn:a'], [int64 9223372036854775000], [int64 0], [byte 0], [''], [@as []], ['quote'], [''], [''], [uint32 0], [uint32 1], @as [], @a(ss) [], @as [])",
  /* Tags the reader would trim and dedupe. */
  "(('u','s','t'), ['urn:a'], [int64 0], [int64 0], [byte 0], [''], [[' a ', 'a']], ['quote'], [''], [''], [uint32 0], [uint32 1], @as [], @a(ss) [], @as [])",
  /* Positions beyond G_MAXINT. */
  "(('u','s','t'), ['urn:a'], [int64 0], [int64 0], [byte 0], [''], [@as []], ['quote'], [''], [''], [uint32 0], [uint32 4294967295], @as [], @a(ss) [], @as [])",
  /* Columns of different lengths. */
  "(('u','s','t'), ['urn:a'], @ax [], [int64 0], [byte 0], [''], [@as []], ['quote'], [''], [''], [uint32 0], [uint32 1], @as [], @a(ss) [], @as [])",
  /* A tombstone without a time, a tombstone of a live annotation. */
  "(('u','s','t'), @as [], @ax [], @ax [], @ay [], @as [], @aas [], @as [], @as [], @as [], @au [], @au [], @as [], [('urn:gone', 'long ago')], @as [])",
  "(('u','s','t'), ['urn:a'], [int64 0], [int64 0], [byte 0], [''], [@as []], ['quote'], [''], [''], [uint32 0], [uint32 1], @as [], [('urn:a', '2020-01-01T00:00:00.000Z')], @as [])",
  /* Entries kept as they are that are not JSON, or nested too deeply. */
  "(('u','s','t'), @as [], @ax [], @ax [], @ay [], @as [], @aas [], @as [], @as [], @as [], @au [], @au [], ['{ not json'], @a(ss) [], @as [])",
  "(('u','s','t'), @as [], @ax [], @ax [], @ay [], @as [], @aas [], @as [], @as [], @as [], @au [], @au [], @as [], @a(ss) [], ['DEEP'])",
};

static GBytes *
forged_cache (const char *text,
              GBytes     *json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) value = NULL;
  g_autofree char *deep = NULL;
  g_autofree char *expanded = NULL;

  if (strstr (text, "DEEP") != NULL)
    {
      g_autofree char *open = g_strnfill (5000, '[');
      g_autofree char *close = g_strnfill (5000, ']');
      g_auto (GStrv) parts = g_strsplit (text, "DEEP", 2);

      deep = g_strconcat (open, close, NULL);
      text = expanded = g_strconcat (parts[0], deep, parts[1], NULL);
    }

  value = g_variant_parse (G_VARIANT_TYPE (CACHE_TYPE_TEXT), text, NULL, NULL, &error);
  g_assert_no_error (error);
  g_variant_ref_sink (value);

  return mg_store_cache_frame (g_variant_get_data (value), g_variant_get_size (value), json);
}

static void
test_cache_forged (Fixture      *fixture,
                   gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = cached_store_with_annotations (fixture, document, list, dir);
  g_autoptr (GFile) cache_file = g_object_ref (mg_store_get_cache_file (store));
  g_autoptr (GBytes) json = read_file (mg_store_get_file (store));
  g_autoptr (GBytes) good = NULL;
  MgStoreCacheContents contents;

  g_clear_object (&store);
  good = read_file (cache_file);
  g_assert_true (mg_store_cache_parse (good, json, &contents));
  mg_store_cache_contents_clear (&contents);

  for (guint i = 0; i < G_N_ELEMENTS (forged_caches); i++)
    {
      g_autoptr (GBytes) forged = forged_cache (forged_caches[i], json);
      g_autoptr (MgAnnotationList) from_cache = mg_annotation_list_new ();
      g_autoptr (MgStore) loaded = NULL;

      g_test_message ("%s", forged_caches[i]);
      g_assert_false (mg_store_cache_parse (forged, json, &contents));
      mg_store_cache_contents_clear (&contents);

      /* As the store meets it: the JSON is read instead. */
      write_file (cache_file, forged);
      loaded = store_load (document, from_cache, dir, TRUE);
      assert_same_lists (list, from_cache);
    }

  /* Data that is not in normal form, with the right checksum: each byte
   * of the good data changed in turn. */
  {
    gsize              len;
    const char        *data = g_bytes_get_data (good, &len);
    const gsize        header = 256;
    g_autofree guchar *copy = g_memdup2 (data + header, len - header);

    for (gsize at = 0; at < len - header; at++)
      {
        g_autoptr (GBytes) forged = NULL;
        guchar saved = copy[at];

        copy[at] ^= 0xff;
        forged = mg_store_cache_frame (copy, len - header, json);
        if (mg_store_cache_parse (forged, json, &contents))
          g_assert_cmpuint (contents.annotations->len, <=, 3);
        mg_store_cache_contents_clear (&contents);
        copy[at] = saved;
      }
  }
}

/* Entries kept as they are ------------------------------------------------ */

#define BIG_ENTRY "{\"id\": \"urn:uuid:big\", \"type\": \"Annotation\", \"target\": {\"selector\": [" \
                  "{\"type\": \"TextQuoteSelector\", \"exact\": \"lazy dog\"}, "                      \
                  "{\"type\": \"TextPositionSelector\", \"start\": 99999999999999999999999999999, \"end\": 1e999}]}}"
#define ODD_TOMBSTONE "{ \"id\" : \"urn:uuid:gone\", \"modified\" : \"long ago\", \"n\" : 18446744073709551616 }"

static void
assert_file_holds (GFile      *file,
                   const char *text)
{
  g_autoptr (GBytes) bytes = read_file (file);
  gsize       len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (g_strstr_len (data, len, text) == NULL)
    g_error ("The file does not hold %s:\n%.*s", text, (int) len, data);
}

/* An entry that cannot be read is written back byte for byte as it was
 * read: a number that no integer or double holds stays as written, read
 * from the JSON or from the cache. */
static void
test_raw_entries_verbatim (Fixture      *fixture,
                           gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) contents = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) saved = NULL;

  g_assert_true (mg_store_load (store, &error));
  add_annotation (list, document, "quick brown fox", NULL);
  flush_ok (store);
  file = g_object_ref (mg_store_get_file (store));
  g_clear_object (&store);

  /* The file with one more entry and one more tombstone, as another
   * program could write them. */
  contents = g_string_new (NULL);
  {
    g_autoptr (GBytes) good = read_file (file);
    const char *data = g_bytes_get_data (good, NULL);
    const char *annotations = strstr (data, "\"annotations\" : [");
    const char *deleted = strstr (data, "\"deleted\" : [");

    g_assert_nonnull (annotations);
    g_assert_nonnull (deleted);
    g_string_append_len (contents, data, annotations - data);
    g_string_append (contents, "\"annotations\" : [\n    " BIG_ENTRY ",");
    g_string_append_len (contents, annotations + strlen ("\"annotations\" : ["), deleted - annotations - strlen ("\"annotations\" : ["));
    g_string_append (contents, "\"deleted\" : [ " ODD_TOMBSTONE " ]\n}\n");
  }
  bytes = g_bytes_new (contents->str, contents->len);
  write_file (file, bytes);

  for (guint round = 0; round < 3; round++)
    {
      g_autoptr (MgAnnotationList) again = mg_annotation_list_new ();
      g_autoptr (MgStore) reader = mg_store_new (document, again, dir);

      /* The first reads the JSON; then the cache of what was written. */
      if (round == 0)
        g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*could not be read*");
      g_assert_true (mg_store_load (reader, &error));
      g_test_assert_expected_messages ();
      g_assert_no_error (error);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1 + round);

      add_annotation (again, document, round % 2 ? "liquor jugs" : "daft zebras", NULL);
      flush_ok (reader);
      assert_file_holds (file, BIG_ENTRY);
      assert_file_holds (file, ODD_TOMBSTONE);
    }
}

/* How many entries could not be read, for the sidebar to say so: from the
 * JSON, from the cache, and after a change on disk. */
static void
test_n_unreadable (Fixture      *fixture,
                   gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GFile) file = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  const char *const bad[] = {
    "{ \"id\" : \"urn:uuid:bad-1\", \"type\" : \"Annotation\", \"target\" : 5 }",
    "{ \"id\" : \"urn:uuid:bad-2\", \"type\" : \"Annotation\" }",
    "{ \"type\" : \"Annotation\" }",
    "42",
  };
  g_autoptr (MgAnnotationList) open_list = mg_annotation_list_new ();
  guint notifies = 0;

  g_assert_true (mg_store_load (store, &error));
  g_assert_cmpuint (mg_store_get_n_unreadable (store), ==, 0);
  add_annotation (list, document, "lazy dog", NULL);
  flush_ok (store);
  file = g_object_ref (mg_store_get_file (store));
  g_clear_object (&store);

  root = parse_file (file);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    json_array_add_element (root_array (root, "annotations"), json_from_string (bad[i], NULL));
  bytes = mg_store_serialize_json (root);
  write_file (file, bytes);

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr (MgAnnotationList) again = mg_annotation_list_new ();
      g_autoptr (MgStore) reader = mg_store_new (document, again, dir);

      /* The first from the JSON, the second from its cache. */
      if (round == 0)
        for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
          g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*could not be read*");
      g_assert_true (mg_store_load (reader, &error));
      g_test_assert_expected_messages ();
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 1);
      g_assert_cmpuint (mg_store_get_n_unreadable (reader), ==, G_N_ELEMENTS (bad));
      if (round == 0)
        flush_ok (reader);
    }

  /* One more, written by another program while the store is open. */
  store = mg_store_new (document, open_list, dir);
  g_signal_connect (store, "notify::n-unreadable", G_CALLBACK (count_notify_cb), &notifies);
  g_assert_true (mg_store_load (store, &error));
  g_assert_cmpuint (notifies, ==, 1);
  g_clear_pointer (&root, json_node_unref);
  root = parse_file (file);
  json_array_add_element (root_array (root, "annotations"), json_from_string ("[ \"not an annotation\" ]", NULL));
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = mg_store_serialize_json (root);
  /* Each merge says again which entries it keeps as they are. */
  for (guint i = 0; i < G_N_ELEMENTS (bad) + 1; i++)
    g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*could not be read*");
  write_file (file, bytes);
  g_assert_true (wait_for_count (&notifies, 2, 5000));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (mg_store_get_n_unreadable (store), ==, G_N_ELEMENTS (bad) + 1);
  g_signal_handlers_disconnect_by_func (store, count_notify_cb, &notifies);
}

/* Repeated ids ----------------------------------------------------------- */

/* Entries of one file that repeat an id are different annotations to
 * whoever wrote them: all are kept (the later ones with new ids, as the
 * log says), and a store that was only read, for an export, leaves the
 * file as it is. */
static void
test_repeated_ids (Fixture      *fixture,
                   gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list2 = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (MgStore) store2 = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) after = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) unchanged = NULL;
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) notes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  g_autofree char *exported = NULL;
  MgAnnotation    *annotation;
  JsonArray       *array;
  const char      *id;
  const guint      n_repeats = 50;

  g_assert_true (mg_store_load (store, &error));
  annotation = add_annotation (list, document, "lazy dog", NULL);
  id = mg_annotation_get_id (annotation);
  flush_ok (store);

  /* The same id n times, each with its own note. */
  root = parse_file (mg_store_get_file (store));
  array = root_array (root, "annotations");
  for (guint i = 1; i < n_repeats; i++)
    {
      g_autofree char *text = json_to_string (json_array_get_element (array, 0), FALSE);
      JsonNode        *copy = json_from_string (text, NULL);
      g_autofree char *note = g_strdup_printf ("repeat %u", i);
      JsonObject      *body = json_object_new ();
      JsonArray       *bodies = json_array_new ();

      json_object_set_string_member (body, "type", "TextualBody");
      json_object_set_string_member (body, "purpose", "commenting");
      json_object_set_string_member (body, "value", note);
      json_array_add_object_element (bodies, body);
      json_object_set_array_member (json_node_get_object (copy), "body", bodies);
      json_array_add_element (array, copy);
    }
  bytes = mg_store_serialize_json (root);
  g_clear_object (&store);
  write_file (mg_store_get_file ((store2 = mg_store_new (document, list2, dir))), bytes);

  /* Read for an export: everything is there, and the file is untouched. */
  {
    g_autoptr (MgAnnotationList) read = mg_annotation_list_new ();
    g_autoptr (MgStore) reader = mg_store_new (document, read, dir);

    mg_store_set_cache_directory (reader, NULL);
    g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*repeated the id*new ids*");
    g_assert_true (mg_store_load (reader, &error));
    g_test_assert_expected_messages ();
    g_assert_no_error (error);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (read)), ==, n_repeats);
    exported = mg_export_w3c (document, G_LIST_MODEL (read), NULL);
    g_assert_nonnull (strstr (exported, "repeat 49"));
  }
  unchanged = read_file (mg_store_get_file (store2));
  g_assert_true (g_bytes_equal (bytes, unchanged));

  /* Read by a store that saves: all of them, with ids of their own. */
  g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*repeated the id*new ids*");
  g_assert_true (mg_store_load (store2, &error));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list2)), ==, n_repeats);
  g_assert_nonnull (mg_annotation_list_lookup (list2, id));
  flush_ok (store2);

  after = parse_file (mg_store_get_file (store2));
  array = root_array (after, "annotations");
  g_assert_cmpuint (json_array_get_length (array), ==, n_repeats);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      g_hash_table_add (ids, (gpointer) json_object_get_string_member (entry, "id"));
      g_hash_table_add (notes, (gpointer) entry_note (entry));
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, n_repeats);
  g_assert_cmpuint (g_hash_table_size (notes), ==, n_repeats);
}

/* The new id of a repeated entry is never one that the file holds
 * already (a file can be written so): what is written reads back as it
 * is, with nothing renumbered again. */
static void
test_repeated_id_taken (Fixture      *fixture,
                        gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) again = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *name = NULL;
  g_autofree char *taken = NULL;
  MgAnnotation    *first;
  MgAnnotation    *second;
  JsonArray       *array;
  JsonNode        *repeat = NULL;

  g_assert_true (mg_store_load (store, &error));
  first = add_annotation (list, document, "lazy dog", NULL);
  second = add_annotation (list, document, "quick brown fox", NULL);
  flush_ok (store);
  g_clear_object (&store);

  /* The second takes the id the repeat of the first would be given. */
  name = g_strconcat (mg_annotation_get_id (first), "#repeat-1", NULL);
  taken = mg_export_uuid_urn_for_name (name);
  root = parse_file (mg_store_get_file ((store = mg_store_new (document, again, dir))));
  array = root_array (root, "annotations");
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "id"), mg_annotation_get_id (second)) == 0)
        json_object_set_string_member (entry, "id", taken);
      else
        repeat = json_node_copy (json_array_get_element (array, i));
    }
  g_assert_nonnull (repeat);
  json_array_add_element (array, repeat);
  bytes = mg_store_serialize_json (root);
  write_file (mg_store_get_file (store), bytes);

  g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*repeated the id*");
  g_assert_true (mg_store_load (store, &error));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (again), i);

      g_hash_table_add (ids, (gpointer) mg_annotation_get_id (annotation));
    }
  g_assert_cmpuint (g_hash_table_size (ids), ==, 3);
  flush_ok (store);
  g_clear_object (&store);

  /* Read again: nothing repeats, nothing to write. */
  {
    g_autoptr (MgAnnotationList) third = mg_annotation_list_new ();
    g_autoptr (MgStore) reader = store_load (document, third, dir, FALSE);

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (third)), ==, 3);
    g_assert_false (mg_store_get_dirty (reader));
  }
  g_hash_table_remove_all (ids);
}

/* Streamed reading and the size limit ------------------------------------
 *
 * A store that holds nothing reads its file one entry at a time; the tree
 * of the whole file is read only when the streamed reading cannot follow
 * the file, or by tests (MG_STORE_TEST_TREE). */

static GMutex     warnings_mutex;
static GPtrArray *warnings;

static void
collect_warning (const char    *log_domain,
                 GLogLevelFlags log_level,
                 const char    *message,
                 gpointer       user_data)
{
  g_mutex_lock (&warnings_mutex);
  g_ptr_array_add (warnings, g_strdup (message));
  g_mutex_unlock (&warnings_mutex);
}

static gboolean
store_warning_not_fatal (const char    *log_domain,
                         GLogLevelFlags log_level,
                         const char    *message,
                         gpointer       user_data)
{
  return !(g_strcmp0 (log_domain, "mg-store") == 0 && (log_level & G_LOG_LEVEL_WARNING) != 0);
}

typedef struct
{
  GPtrArray *warnings; /* what the load said, in its order */
  gboolean   dirty;    /* whether the load wanted to write */
  guint      n_unreadable;
  GBytes    *written; /* the file the store writes of what it holds */
} Loaded;

static void
loaded_clear (Loaded *loaded)
{
  g_clear_pointer (&loaded->warnings, g_ptr_array_unref);
  g_clear_pointer (&loaded->written, g_bytes_unref);
}

/* Loads the file of @document in @dir into @list, streamed or as a tree
 * (without the cache), and leaves the file as it was. */
static void
load_streamed_or_tree (MgDocument       *document,
                       const char       *dir,
                       gboolean          tree,
                       MgAnnotationList *list,
                       Loaded           *loaded)
{
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GBytes) original = read_file (mg_store_get_file (store));
  g_autoptr (GError) error = NULL;
  guint handler;

  mg_store_set_cache_directory (store, NULL);
  if (tree)
    g_setenv ("MG_STORE_TEST_TREE", "1", TRUE);
  warnings = g_ptr_array_new_with_free_func (g_free);
  handler = g_log_set_handler ("mg-store", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION, collect_warning, NULL);
  g_test_log_set_fatal_handler (store_warning_not_fatal, NULL);
  g_assert_true (mg_store_load (store, &error));
  g_assert_no_error (error);
  g_test_log_set_fatal_handler (NULL, NULL);
  g_log_remove_handler ("mg-store", handler);
  g_unsetenv ("MG_STORE_TEST_TREE");
  loaded->warnings = g_steal_pointer (&warnings);

  loaded->dirty = mg_store_get_dirty (store);
  loaded->n_unreadable = mg_store_get_n_unreadable (store);
  /* Written whether or not it would be. */
  store->dirty = TRUE;
  flush_ok (store);
  loaded->written = read_file (mg_store_get_file (store));
  g_clear_object (&store);

  store = mg_store_new (document, list, dir);
  write_file (mg_store_get_file (store), original);
}

/* The file of @document in @dir is read the same way streamed and as a
 * tree: the same annotations, warnings, need to write, and the same file
 * written byte for byte. Returns what was written. */
static GBytes *
assert_streamed_as_tree (MgDocument *document,
                         const char *dir)
{
  g_autoptr (MgAnnotationList) streamed_list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) tree_list = mg_annotation_list_new ();
  Loaded  streamed = { 0 };
  Loaded  tree = { 0 };
  GBytes *written;

  load_streamed_or_tree (document, dir, FALSE, streamed_list, &streamed);
  load_streamed_or_tree (document, dir, TRUE, tree_list, &tree);

  assert_same_lists (streamed_list, tree_list);
  g_assert_cmpuint (streamed.warnings->len, ==, tree.warnings->len);
  for (guint i = 0; i < tree.warnings->len; i++)
    g_assert_cmpstr (g_ptr_array_index (streamed.warnings, i), ==, g_ptr_array_index (tree.warnings, i));
  g_assert_cmpint (streamed.dirty, ==, tree.dirty);
  g_assert_cmpuint (streamed.n_unreadable, ==, tree.n_unreadable);
  if (!g_bytes_equal (streamed.written, tree.written))
    g_error ("Streamed, the store wrote:\n%s\nAs a tree:\n%s",
             (const char *) g_bytes_get_data (streamed.written, NULL),
             (const char *) g_bytes_get_data (tree.written, NULL));

  written = g_bytes_ref (streamed.written);
  loaded_clear (&streamed);
  loaded_clear (&tree);

  return written;
}

/* The compact text of the annotation as the file holds it. */
static char *
entry_text (MgAnnotation *annotation)
{
  g_autoptr (JsonNode) node = mg_annotation_to_json (annotation);

  return json_to_string (node, FALSE);
}

/* Everything a file can hold that the reading decides on: entries that
 * repeat an id (readable or not), tombstones older and newer than their
 * annotation, repeated ones, unreadable entries and tombstones (some
 * repeated, with numbers no integer holds), entries that are no object. */
static void
test_streamed_as_tree (Fixture      *fixture,
                       gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GFile) file = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) written = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *fox = NULL;
  g_autofree char *fox_again = NULL;
  g_autofree char *dog = NULL;
  g_autofree char *jugs = NULL;
  g_autofree char *zebras = NULL;
  g_autofree char *head = NULL;
  MgAnnotation    *annotation;

  g_assert_true (mg_store_load (store, &error));
  annotation = add_annotation (list, document, "quick brown fox", "2020-01-01T00:00:00.000Z");
  fox = entry_text (annotation);
  mg_annotation_set_note (annotation, "the same id, another note");
  fox_again = entry_text (annotation);
  dog = entry_text (add_annotation (list, document, "lazy dog", "2020-01-01T00:00:00.000Z"));
  jugs = entry_text (add_annotation (list, document, "liquor jugs", "2020-01-01T00:00:00.000Z"));
  zebras = entry_text (add_annotation (list, document, "daft zebras", "2020-01-01T00:00:00.000Z"));
  flush_ok (store);
  file = g_object_ref (mg_store_get_file (store));
  g_clear_object (&store);

  head = g_strdup_printf ("{ \"version\" : 1, \"document\" : { \"uri\" : \"%s\", \"sha256\" : \"%s\", \"title\" : \"Old title\" }",
                          uri, mg_document_get_sha256 (document));
  g_string_append_printf (text, "%s,\n", head);
  g_string_append_printf (text, "  \"annotations\" : [ %s,\n %s , %s, %s, %s,\n", fox, fox_again, fox, dog, jugs);
  g_string_append (text, "    " BIG_ENTRY ", " BIG_ENTRY ",\n");
  g_string_append (text, "    { \"type\" : \"Annotation\", \"n\" : 1e999 }, {\"type\":\"Annotation\",\"n\":1e999}, 42, [ 1, 2 ], null,\n");
  /* A lone surrogate, which is repaired in a copy of the entry's text. */
  g_string_append (text, "    { \"id\" : \"urn:uuid:lone\", \"target\" : \"\\ud800\" },\n");
  g_string_append (text, "    { \"id\" : \"urn:uuid:bad\", \"target\" : 5 }, { \"id\" : \"urn:uuid:bad\", \"target\" : 6 }, ");
  g_string_append_printf (text, "%s ],\n", zebras);
  /* The fox's tombstone is older than the fox; the dog's newer; the
   * jugs' twice, the later first. */
  g_string_append_printf (text, "  \"deleted\" : [ { \"id\" : \"%s\", \"modified\" : \"2019-01-01T00:00:00.000Z\" },\n",
                          mg_annotation_get_id (annotation));
  {
    g_autoptr (JsonNode) dog_node = json_from_string (dog, NULL);
    g_autoptr (JsonNode) jugs_node = json_from_string (jugs, NULL);

    g_string_append_printf (text, "    { \"id\" : \"%s\", \"modified\" : \"2021-01-01T00:00:00.000Z\" },\n",
                            json_object_get_string_member (json_node_get_object (dog_node), "id"));
    g_string_append_printf (text, "    { \"id\" : \"%s\", \"modified\" : \"2022-01-01T00:00:00.000Z\" },\n",
                            json_object_get_string_member (json_node_get_object (jugs_node), "id"));
    g_string_append_printf (text, "    { \"id\" : \"%s\", \"modified\" : \"2021-06-01T00:00:00.000Z\" },\n",
                            json_object_get_string_member (json_node_get_object (jugs_node), "id"));
  }
  g_string_append (text, "    " ODD_TOMBSTONE ", " ODD_TOMBSTONE ", { \"id\" : \"urn:uuid:elsewhere\", \"modified\" : \"2020-01-01T00:00:00.000Z\" }, 7 ] }\n");
  bytes = g_bytes_new (text->str, text->len);
  write_file (file, bytes);

  written = assert_streamed_as_tree (document, dir);
  /* What is kept as it is stays as written. */
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (written, NULL), -1, BIG_ENTRY));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (written, NULL), -1, ODD_TOMBSTONE));
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (written, NULL), -1, "{ \"type\" : \"Annotation\", \"n\" : 1e999 }"));

  {
    g_autoptr (MgAnnotationList) again = mg_annotation_list_new ();
    Loaded loaded = { 0 };

    load_streamed_or_tree (document, dir, FALSE, again, &loaded);
    /* The fox, its two repeats and the zebras (the dog's and the jugs'
     * tombstones are later than they are). */
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, 4);
    /* Both bigs and both bads, the lone surrogate, one of the entries
     * without an id that are the same JSON, 42, [ 1, 2 ] and null; said
     * once each, after the repeated ids. */
    g_assert_cmpuint (loaded.n_unreadable, ==, 9);
    g_assert_cmpuint (loaded.warnings->len, ==, 1 + 9);
    loaded_clear (&loaded);
  }

  /* Files the streamed reading does not follow, or that hold their
   * entries otherwise, which the tree reads. */
  {
    g_autofree char  *comment = g_strdup_printf ("%s, /* a comment */ \"annotations\" : [ %s ], \"deleted\" : [] }", head, fox);
    g_autofree char  *twice = g_strdup_printf ("%s, \"annotations\" : [ %s ], \"annotations\" : [ %s, %s ] }", head, fox, dog, zebras);
    g_autofree char  *order = g_strdup_printf ("%s, \"deleted\" : [], \"annotations\" : [ %s, 1 ] }", head, fox);
    g_autofree char  *no_deleted = g_strdup_printf ("%s, \"annotations\" : [ %s\n] }", head, dog);
    g_autofree char  *no_entries = g_strdup_printf ("%s, \"deleted\" : [ " ODD_TOMBSTONE " ] }", head);
    const char *const others[] = { comment, twice, order, no_deleted, no_entries };

    for (guint i = 0; i < G_N_ELEMENTS (others); i++)
      {
        g_autoptr (GBytes) other_bytes = g_bytes_new (others[i], strlen (others[i]));
        g_autoptr (GBytes) other_written = NULL;

        write_file (file, other_bytes);
        other_written = assert_streamed_as_tree (document, dir);
      }
  }
}

/* A file over the size limit (lowered by MG_STORE_TEST_MAX_SIZE) is not
 * read: the load fails with a message that says what to do, the store is
 * read-only and the file stays as it is. One that grows over the limit
 * while the store is open is left alone the same way. */
static void
test_too_large (Fixture      *fixture,
                gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) refused = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) open_list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GFile) file = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autoptr (GBytes) grown = NULL;
  g_autoptr (GString) bigger = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *limit = NULL;
  g_autofree char *at_limit = NULL;
  Counts           counts = { 0 };

  g_assert_true (mg_store_load (store, &error));
  add_annotation (list, document, "quick brown fox", NULL);
  flush_ok (store);
  file = g_object_ref (mg_store_get_file (store));
  g_clear_object (&store);
  before = read_file (file);

  limit = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (before) - 1);
  g_setenv ("MG_STORE_TEST_MAX_SIZE", limit, TRUE);
  store = mg_store_new (document, refused, dir);
  g_assert_false (mg_store_load (store, &error));
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_TOO_LARGE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, g_file_peek_path (file)));
  g_assert_nonnull (strstr (error->message, "too many to open"));
  g_assert_nonnull (strstr (error->message, "move that file"));
  g_assert_true (mg_store_get_read_only (store));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (refused)), ==, 0);
  g_clear_error (&error);

  add_annotation (refused, document, "lazy dog", NULL);
  g_assert_false (mg_store_flush (store, &error));
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_READ_ONLY);
  g_clear_error (&error);
  g_clear_object (&store);
  after = read_file (file);
  g_assert_true (g_bytes_equal (before, after));

  /* Nor is it read for a copy of the document elsewhere: the same text is
   * the same document (its file is named after the id its text gives), so
   * the copy is refused in the same words. */
  {
    g_autofree char *copy_uri = uri_in (fixture, "copy.txt");
    g_autoptr (MgDocument) copy = document_new (copy_uri, TEXT);
    g_autoptr (MgAnnotationList) copy_list = mg_annotation_list_new ();
    g_autoptr (MgStore) copy_store = mg_store_new (copy, copy_list, dir);

    g_assert_false (mg_store_load (copy_store, &error));
    g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_TOO_LARGE);
    g_clear_error (&error);
    g_assert_true (mg_store_get_read_only (copy_store));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (copy_list)), ==, 0);
  }

  /* At the limit it is read; grown over it, it is left alone. */
  at_limit = g_strdup_printf ("%" G_GSIZE_FORMAT, g_bytes_get_size (before));
  g_setenv ("MG_STORE_TEST_MAX_SIZE", at_limit, TRUE);
  store = mg_store_new (document, open_list, dir);
  counts_connect (&counts, store);
  g_assert_true (mg_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (open_list)), ==, 1);

  bigger = g_string_new_len (g_bytes_get_data (before, NULL), g_bytes_get_size (before));
  g_string_append (bigger, "\n\n");
  grown = g_bytes_new (bigger->str, bigger->len);
  g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*too many to open*move that file*");
  write_file (file, grown);
  g_assert_true (wait_for_count (&counts.errors, 1, 5000));
  g_test_assert_expected_messages ();
  g_assert_error (counts.last_error, MG_STORE_ERROR, MG_STORE_ERROR_TOO_LARGE);
  g_assert_true (mg_store_get_read_only (store));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (open_list)), ==, 1);
  g_clear_object (&store);
  g_clear_pointer (&after, g_bytes_unref);
  after = read_file (file);
  g_assert_true (g_bytes_equal (grown, after));

  g_unsetenv ("MG_STORE_TEST_MAX_SIZE");
  counts_clear (&counts);
}

/* A full disk ------------------------------------------------------------
 *
 * A file size limit (RLIMIT_FSIZE) makes writes fail past a size as a
 * full disk does, for any user: write() fails with EFBIG once SIGXFSZ is
 * ignored. */

static void
limit_file_size (gsize          limit,
                 struct rlimit *saved)
{
  struct rlimit limited;

  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, saved), ==, 0);
  limited = *saved;
  limited.rlim_cur = limit;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limited), ==, 0);
}

static void
restore_file_size (const struct rlimit *saved)
{
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, saved), ==, 0);
}

/* A save that runs out of room leaves the file byte for byte as it was
 * and no temporary file behind, keeps the changes in memory and says so;
 * it is tried again later, and then saves everything. */
static void
test_full_disk (Fixture      *fixture,
                gconstpointer user_data)
{
  g_autofree char *uri = uri_in (fixture, "article.txt");
  g_autofree char *dir = store_dir (fixture, "store");
  g_autoptr (MgDocument) document = document_new (uri, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;
  g_autofree char *long_note = g_strnfill (400, 'n');
  struct rlimit    saved;
  Counts           counts = { 0 };
  MgAnnotation    *late;
  MgAnnotation    *later;
  gboolean         ok;

  g_assert_true (mg_store_load (store, &error));
  counts_connect (&counts, store);
  for (guint i = 0; i < 20; i++)
    mg_annotation_set_note (add_annotation (list, document, i % 2 ? "lazy dog" : "quick brown fox", NULL), long_note);

  /* The first save, with no file yet: nothing is left of it (GLib writes
   * a new file in place, not in a temporary one). */
  limit_file_size (1024, &saved);
  ok = mg_store_flush (store, &error);
  restore_file_size (&saved);
  g_assert_false (ok);
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_SAVE_FAILED);
  g_clear_error (&error);
  names = list_dir (dir);
  g_assert_cmpuint (g_strv_length (names), ==, 0);
  g_clear_pointer (&names, g_strfreev);

  flush_ok (store);
  before = read_file (mg_store_get_file (store));

  /* The synchronous flush of the command line. */
  late = add_annotation (list, document, "liquor jugs", NULL);
  limit_file_size (g_bytes_get_size (before) / 2, &saved);
  ok = mg_store_flush (store, &error);
  restore_file_size (&saved);
  g_assert_false (ok);
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_SAVE_FAILED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  after = read_file (mg_store_get_file (store));
  g_assert_true (g_bytes_equal (before, after));
  names = list_dir (dir);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_true (mg_store_get_dirty (store));
  g_assert_true (mg_annotation_list_lookup (list, mg_annotation_get_id (late)) == late);

  /* The autosave of the window: the error is told once, and the save is
   * tried again without another change. */
  _mg_store_set_retry_delay (store, 1);
  g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*could not be saved*");
  limit_file_size (g_bytes_get_size (before) / 2, &saved);
  later = add_annotation (list, document, "daft zebras", NULL);
  ok = wait_for_count (&counts.errors, 1, 5000);
  restore_file_size (&saved);
  g_assert_true (ok);
  g_test_assert_expected_messages ();
  g_assert_error (counts.last_error, MG_STORE_ERROR, MG_STORE_ERROR_SAVE_FAILED);
  /* Waiting to try again does not hold the application. */
  g_assert_false (mg_store_get_saving (store));
  g_clear_pointer (&after, g_bytes_unref);
  after = read_file (mg_store_get_file (store));
  g_assert_true (g_bytes_equal (before, after));

  g_assert_true (wait_for_count (&counts.saved, 2, 5000));
  g_assert_cmpuint (counts.errors, ==, 1);
  g_assert_false (mg_store_get_dirty (store));
  root = parse_file (mg_store_get_file (store));
  g_assert_cmpuint (json_array_get_length (root_array (root, "annotations")), ==, 22);
  g_assert_nonnull (find_entry (root, mg_annotation_get_id (late)));
  g_assert_nonnull (find_entry (root, mg_annotation_get_id (later)));
  counts_clear (&counts);
}

/* Two writers ------------------------------------------------------------- */

#define WRITERS_URI "file:///nonexistent/two-writers.txt"
#define WRITERS_ROUNDS 6
#define WRITERS_SET_SIZE 5

/* A process that adds its own set of annotations to the document's
 * store, as an import from the command line does. */
static int
add_set (const char *dir,
         guint       first)
{
  g_autoptr (MgDocument) document = document_new (WRITERS_URI, TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, dir);
  g_autoptr (GPtrArray) set = make_set (document, set_b, WRITERS_SET_SIZE);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < set->len; i++)
    {
      MgAnnotation    *annotation = g_ptr_array_index (set, i);
      g_autofree char *id = g_strdup_printf ("urn:uuid:00000000-0000-4000-8000-%012u", first + i);
      g_autoptr (JsonNode) node = mg_annotation_to_json (annotation);

      json_object_set_string_member (json_node_get_object (node), "id", id);
      g_ptr_array_index (set, i) = mg_annotation_new_from_json (node, &error);
      g_object_unref (annotation);
      g_assert_no_error (error);
    }

  mg_store_set_cache_directory (store, NULL);
  if (!mg_store_load (store, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  mg_annotation_list_add_many (list, set);
  if (!mg_store_flush (store, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  return 0;
}

/* Two processes add disjoint sets to the same store at the same moment:
 * whatever order they write in, both sets are in the file. A pause
 * between each writer's look at the file and its write (a test hook)
 * makes the two meet there every time. */
static void
test_two_writers (Fixture      *fixture,
                  gconstpointer user_data)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "MG_STORE_TEST_WRITE_DELAY_MS", "300", TRUE);

  g_assert_nonnull (self_exe);

  for (guint round = 0; round < WRITERS_ROUNDS; round++)
    {
      g_autofree char *name = g_strdup_printf ("round-%u", round);
      g_autofree char *dir = store_dir (fixture, name);
      g_autofree char *file_name = file_name_for_text (TEXT);
      g_autofree char *path = g_build_filename (dir, file_name, NULL);
      g_autoptr (GFile) file = g_file_new_for_path (path);
      g_autoptr (JsonNode) root = NULL;
      GPid pids[2];

      for (guint w = 0; w < 2; w++)
        {
          g_autofree char *first = g_strdup_printf ("%u", 100 * w);
          const char      *argv[] = { self_exe, "--add-set", dir, first, NULL };
          g_autoptr (GError) error = NULL;

          g_spawn_async (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pids[w], &error);
          g_assert_no_error (error);
        }

      for (guint w = 0; w < 2; w++)
        {
          int status;

          g_assert_cmpint (waitpid (pids[w], &status, 0), ==, pids[w]);
          g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
          g_spawn_close_pid (pids[w]);
        }

      root = parse_file (file);
      g_assert_cmpuint (json_array_get_length (root_array (root, "annotations")), ==, 2 * WRITERS_SET_SIZE);
      for (guint w = 0; w < 2; w++)
        {
          for (guint i = 0; i < WRITERS_SET_SIZE; i++)
            {
              g_autofree char *id = g_strdup_printf ("urn:uuid:00000000-0000-4000-8000-%012u", 100 * w + i);

              g_assert_nonnull (find_entry (root, id));
            }
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  char *cache_home;
  int   ret;

  if (argc == 3 && g_str_equal (argv[1], "--save-loop"))
    return save_loop (argv[2]);
  if (argc == 4 && g_str_equal (argv[1], "--add-set"))
    return add_set (argv[2], (guint) g_ascii_strtoull (argv[3], NULL, 10));

  g_test_init (&argc, &argv, NULL);

  /* The caches of this run's stores, out of the user's way. */
  {
    g_autoptr (GError) error = NULL;

    cache_home = g_dir_make_tmp ("test-store-cache-XXXXXX", &error);
    g_assert_no_error (error);
    g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  }

  g_test_add_func ("/store/file-name", test_file_name);
  g_test_add_func ("/store/parse/repairs", test_parse_repairs);
  g_test_add_func ("/store/parse/writer-layout", test_writer_layout);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/round-trip", test_round_trip);
  ADD ("/store/stable-pretty", test_stable_pretty);
  ADD ("/store/writes-as-json", test_writes_as_json);
  ADD ("/store/find/moved", test_moved);
  ADD ("/store/find/copied", test_copied);
  ADD ("/store/find/edited", test_edited);
  ADD ("/store/corrupt/not-json", test_corrupt_not_json);
  ADD ("/store/corrupt/wrong-shape", test_corrupt_wrong_shape);
  ADD ("/store/corrupt/empty", test_corrupt_empty);
  ADD ("/store/corrupt/blank", test_corrupt_blank);
  ADD ("/store/newer-version", test_newer_version);
  ADD ("/store/malformed-annotation", test_malformed_annotation);
  ADD ("/store/save-failure", test_save_failure);
  ADD ("/store/autosave", test_autosave);
  ADD ("/store/application-hold", test_application_hold);
  ADD ("/store/flush-async", test_flush_async);
  ADD ("/store/flush-async/read-only", test_flush_async_read_only);
  ADD ("/store/tombstones", test_tombstones);
  ADD ("/store/merge/diverged", test_merge_diverged);
  ADD ("/store/merge/external-change", test_merge_external_change);
  ADD ("/store/merge/before-write", test_merge_before_write);
  ADD ("/store/kill-while-saving", test_kill_while_saving);
  ADD ("/store/full-disk", test_full_disk);
  ADD ("/store/repeated-ids", test_repeated_ids);
  ADD ("/store/repeated-id-taken", test_repeated_id_taken);
  ADD ("/store/n-unreadable", test_n_unreadable);
  ADD ("/store/raw-entries-verbatim", test_raw_entries_verbatim);
  ADD ("/store/streamed-as-tree", test_streamed_as_tree);
  ADD ("/store/too-large", test_too_large);
  ADD ("/store/two-writers", test_two_writers);
  ADD ("/store/cache/round-trip", test_cache_round_trip);
  ADD ("/store/cache/used", test_cache_used);
  ADD ("/store/cache/other-uri", test_cache_other_uri);
  ADD ("/store/cache/stale-or-damaged", test_cache_stale_or_damaged);
  ADD ("/store/cache/forged", test_cache_forged);
  ADD ("/store/stale-temporaries", test_stale_temporaries);
  ADD ("/store/cache/raw-entries", test_cache_raw_entries);
  ADD ("/store/cache/not-for-unreadable-state", test_cache_not_for_unreadable_state);
  ADD ("/store/load-async/same-as-sync", test_load_async);
  ADD ("/store/load-async/changes-meanwhile", test_load_async_changes_meanwhile);
  ADD ("/store/load-async/flush-meanwhile", test_load_async_flush_meanwhile);
  ADD ("/store/load-async/corrupt", test_load_async_corrupt);
#undef ADD

  ret = g_test_run ();
  mg_test_remove_tree (cache_home);
  g_free (cache_home);

  return ret;
}
