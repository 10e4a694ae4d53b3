/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "mg-test-utils.h"
#include "mg-annotation-list.h"
#include "mg-annotation.h"
#include "mg-document-ids.h"
#include "mg-document-loader.h"
#include "mg-document.h"
#include "mg-store-private.h"
#include "mg-store.h"

/* The annotations folder carried between machines by a sync tool: one
 * file per document whatever its path on each machine (a stable document
 * id, each machine's table of ids), version 1 files migrated, the
 * conflict copies of Syncthing, Nextcloud and Dropbox merged. A "machine"
 * is a table of document ids of its own and a folder for its documents;
 * the sync tool is this file, copying files between folders. */

/* The text of tests/data/store-v1.json's document. */
#define TEXT                                                            \
  "The quick brown fox jumps over the lazy dog. Pack my box with five " \
  "dozen liquor jugs. How vexingly quick daft zebras jump! Sphinx of "  \
  "black quartz, judge my vow. The five boxing wizards jump quickly."

#define V1_ANNOTATION_1 "urn:uuid:0a9e5c1e-1111-4c5e-9a35-6f1e2b7d0001"
#define V1_ANNOTATION_2 "urn:uuid:0a9e5c1e-2222-4c5e-9a35-6f1e2b7d0002"
#define V1_UNREADABLE "urn:uuid:0a9e5c1e-3333-4c5e-9a35-6f1e2b7d0003"
#define V1_TOMBSTONE "urn:uuid:0a9e5c1e-4444-4c5e-9a35-6f1e2b7d0004"
#define V1_URI "file:///home/ada/Reading/pangrams.txt"

typedef struct
{
  char          *root;
  char          *folder; /* the shared annotations folder */
  MgDocumentIds *ids[2]; /* one table per machine */
} Fixture;

typedef struct
{
  guint   saved;
  guint   merged;
  guint   errors;
  GError *last_error;
} Counts;

/* Helpers ---------------------------------------------------------------- */

static void
fixture_setup (Fixture      *fixture,
               gconstpointer user_data)
{
  g_autoptr (GError) error = NULL;

  fixture->root = g_dir_make_tmp ("test-sync-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->folder = g_build_filename (fixture->root, "Sync", "Marginalia", NULL);
  g_assert_cmpint (g_mkdir_with_parents (fixture->folder, 0700), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (fixture->ids); i++)
    {
      g_autofree char *name = g_strdup_printf ("machine-%u-document-ids.ini", i);
      g_autofree char *path = g_build_filename (fixture->root, name, NULL);

      fixture->ids[i] = mg_document_ids_new (path);
    }
}

static void
fixture_teardown (Fixture      *fixture,
                  gconstpointer user_data)
{
  for (guint i = 0; i < G_N_ELEMENTS (fixture->ids); i++)
    g_clear_object (&fixture->ids[i]);
  mg_test_remove_tree (fixture->root);
  g_free (fixture->folder);
  g_free (fixture->root);
}

/* A document of @text at @name under the machine's home. */
static MgDocument *
document_at (Fixture    *fixture,
             guint       machine,
             const char *name,
             const char *text)
{
  g_autofree char *home = g_strdup_printf ("home-%u", machine);
  g_autofree char *path = g_build_filename (fixture->root, home, name, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autoptr (GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr (GError) error = NULL;
  MgDocument *document;

  /* The file exists: a document found by hash is not a moved one. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);

  document = mg_document_loader_load_bytes (bytes, uri, NULL, MG_DOCUMENT_FORMAT_TEXT, &error);
  g_assert_no_error (error);

  return document;
}

static MgStore *
store_new (Fixture          *fixture,
           guint             machine,
           MgDocument       *document,
           MgAnnotationList *list)
{
  return mg_store_new_with_ids (document, list, fixture->folder, fixture->ids[machine]);
}

static MgStore *
store_load (Fixture          *fixture,
            guint             machine,
            MgDocument       *document,
            MgAnnotationList *list)
{
  g_autoptr (GError) error = NULL;
  MgStore *store = store_new (fixture, machine, document, list);

  g_assert_true (mg_store_load (store, &error));
  g_assert_no_error (error);

  return store;
}

static void
flush_ok (MgStore *store)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (mg_store_flush (store, &error));
  g_assert_no_error (error);
}

static MgAnnotation *
add_annotation (MgAnnotationList *list,
                MgDocument       *document,
                const char       *quote,
                const char       *note)
{
  const char *text = mg_document_get_text (document);
  const char *found = strstr (text, quote);
  guint       start;
  g_autoptr (MgAnnotation) annotation = NULL;

  g_assert_nonnull (found);
  start = g_utf8_pointer_to_offset (text, found);
  annotation = mg_annotation_new_for_range (document, start, start + g_utf8_strlen (quote, -1), MG_COLOR_BLUE);
  if (note != NULL)
    mg_annotation_set_note (annotation, note);
  mg_annotation_list_add (list, annotation);

  return annotation; /* owned by the list */
}

static void
set_note_at (MgAnnotationList *list,
             const char       *id,
             const char       *note,
             GDateTime        *when)
{
  MgAnnotation *annotation = mg_annotation_list_lookup (list, id);

  g_assert_nonnull (annotation);
  mg_annotation_set_note (annotation, note);
  mg_annotation_set_modified (annotation, when);
  mg_annotation_list_update (list, annotation);
}

/* Edits an annotation a minute after its last change, as another machine
 * would. */
static void
edit_later (MgAnnotationList *list,
            const char       *id,
            const char       *note)
{
  g_autoptr (GDateTime) later = g_date_time_add_seconds (mg_annotation_get_modified (mg_annotation_list_lookup (list, id)), 60);

  set_note_at (list, id, note, later);
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

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;

  return G_SOURCE_REMOVE;
}

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

/* The regular files at the top of @dir, sorted. */
static GStrv
list_files (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) names = NULL;
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        g_strv_builder_add (builder, name);
    }

  names = g_strv_builder_end (builder);
  g_qsort_with_data (names, g_strv_length (names), sizeof (char *), (GCompareDataFunc) g_strcmp0, NULL);

  return g_steal_pointer (&names);
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  g_file_get_contents (from, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (to, contents, len, &error);
  g_assert_no_error (error);
}

static JsonNode *
parse_path (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gsize     len;
  JsonNode *root;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  root = mg_store_parse_bytes (bytes, &error);
  g_assert_no_error (error);

  return root;
}

static JsonObject *
root_document (JsonNode *root)
{
  return json_object_get_object_member (json_node_get_object (root), "document");
}

static gboolean
has_entry (JsonNode   *root,
           const char *array_name,
           const char *id)
{
  JsonArray *array = json_object_get_array_member (json_node_get_object (root), array_name);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *entry = json_array_get_object_element (array, i);

      if (entry != NULL && json_object_has_member (entry, "id") && g_strcmp0 (json_object_get_string_member (entry, "id"), id) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Identity --------------------------------------------------------------- */

/* The same article at two paths on two machines: one file, named after
 * the document's id (nothing of either path in it), read and written by
 * both. */
static void
test_two_paths_one_file (Fixture      *fixture,
                         gconstpointer user_data)
{
  g_autoptr (MgDocument) on_a = document_at (fixture, 0, "Papers/pangrams.txt", TEXT);
  g_autoptr (MgDocument) on_b = document_at (fixture, 1, "Downloads/Pangrams (1).txt", TEXT);
  g_autoptr (MgAnnotationList) list_a = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list_b = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list_a2 = mg_annotation_list_new ();
  g_autoptr (MgStore) store_a = store_load (fixture, 0, on_a, list_a);
  g_autoptr (MgStore) store_b = NULL;
  g_autoptr (MgStore) store_a2 = NULL;
  g_autofree char *name = NULL;
  g_autofree char *id_on_a = NULL;
  g_autofree char *id_on_b = NULL;
  g_auto (GStrv) files = NULL;
  MgAnnotation *from_a;
  MgAnnotation *from_b;

  from_a = add_annotation (list_a, on_a, "liquor jugs", "from the desktop");
  flush_ok (store_a);

  /* Named after the id, which the file holds. */
  name = g_file_get_basename (mg_store_get_file (store_a));
  g_assert_true (mg_document_id_is_valid (mg_store_get_document_id (store_a)));
  {
    g_autofree char *expected = mg_document_id_file_name (mg_store_get_document_id (store_a));
    g_autoptr (JsonNode) root = parse_path (g_file_peek_path (mg_store_get_file (store_a)));

    g_assert_cmpstr (name, ==, expected);
    g_assert_null (strstr (name, "pangram"));
    g_assert_cmpstr (json_object_get_string_member (root_document (root), "id"), ==, mg_store_get_document_id (store_a));
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "version"), ==, 2);
  }

  /* The laptop, another path, another table: the same file. */
  store_b = store_load (fixture, 1, on_b, list_b);
  g_assert_true (g_file_equal (mg_store_get_file (store_a), mg_store_get_file (store_b)));
  g_assert_cmpstr (mg_store_get_document_id (store_b), ==, mg_store_get_document_id (store_a));
  g_assert_nonnull (mg_annotation_list_lookup (list_b, mg_annotation_get_id (from_a)));
  from_b = add_annotation (list_b, on_b, "daft zebras", "from the laptop");
  flush_ok (store_b);

  /* Each machine noted its own path. */
  id_on_a = mg_document_ids_lookup (fixture->ids[0], mg_document_get_uri (on_a));
  id_on_b = mg_document_ids_lookup (fixture->ids[1], mg_document_get_uri (on_b));
  g_assert_cmpstr (id_on_a, ==, mg_store_get_document_id (store_a));
  g_assert_cmpstr (id_on_b, ==, id_on_a);
  g_assert_null (mg_document_ids_lookup (fixture->ids[0], mg_document_get_uri (on_b)));

  g_clear_object (&store_a);
  store_a2 = store_load (fixture, 0, on_a, list_a2);
  g_assert_nonnull (mg_annotation_list_lookup (list_a2, mg_annotation_get_id (from_a)));
  g_assert_nonnull (mg_annotation_list_lookup (list_a2, mg_annotation_get_id (from_b)));

  files = list_files (fixture->folder);
  g_assert_cmpuint (g_strv_length (files), ==, 1);
  g_assert_cmpstr (files[0], ==, name);
}

/* A document edited after its first annotation keeps its file: by this
 * machine's table at its path, and by the hash the file holds at a new
 * path on a machine that never saw it. */
static void
test_edited_text (Fixture      *fixture,
                  gconstpointer user_data)
{
  const char *edited_text = TEXT " And one more sentence, added later.";
  g_autoptr (MgDocument) original = document_at (fixture, 0, "notes/pangrams.txt", TEXT);
  g_autoptr (MgDocument) edited = NULL;
  g_autoptr (MgDocument) elsewhere = NULL;
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list2 = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list3 = mg_annotation_list_new ();
  g_autoptr (MgStore) store = store_load (fixture, 0, original, list);
  g_autoptr (MgStore) store2 = NULL;
  g_autoptr (MgStore) store3 = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree char *id = NULL;
  g_autofree char *id_for_edited = NULL;
  g_auto (GStrv) files = NULL;
  MgAnnotation *annotation;

  annotation = add_annotation (list, original, "black quartz", NULL);
  flush_ok (store);
  file = g_object_ref (mg_store_get_file (store));
  id = g_strdup (mg_store_get_document_id (store));
  g_clear_object (&store);

  /* The same path, another text: the table says which file. */
  edited = document_at (fixture, 0, "notes/pangrams.txt", edited_text);
  id_for_edited = mg_document_id_for_sha256 (mg_document_get_sha256 (edited));
  g_assert_cmpstr (id_for_edited, !=, id);
  store2 = store_load (fixture, 0, edited, list2);
  g_assert_true (g_file_equal (file, mg_store_get_file (store2)));
  g_assert_nonnull (mg_annotation_list_lookup (list2, mg_annotation_get_id (annotation)));
  /* The new text's hash goes in the file. */
  flush_ok (store2);
  {
    g_autoptr (JsonNode) root = parse_path (g_file_peek_path (file));

    g_assert_cmpstr (json_object_get_string_member (root_document (root), "sha256"), ==, mg_document_get_sha256 (edited));
    g_assert_cmpstr (json_object_get_string_member (root_document (root), "id"), ==, id);
  }
  g_clear_object (&store2);

  /* Another machine, another path, the edited text: found by its hash,
   * and used as it is. */
  elsewhere = document_at (fixture, 1, "Desktop/p.txt", edited_text);
  store3 = store_new (fixture, 1, elsewhere, list3);
  g_assert_false (g_file_equal (file, mg_store_get_file (store3)));
  g_assert_true (mg_store_load (store3, NULL));
  g_assert_true (g_file_equal (file, mg_store_get_file (store3)));
  g_assert_cmpstr (mg_store_get_document_id (store3), ==, id);
  g_assert_nonnull (mg_annotation_list_lookup (list3, mg_annotation_get_id (annotation)));
  add_annotation (list3, elsewhere, "judge my vow", NULL);
  flush_ok (store3);

  {
    g_autofree char *noted = mg_document_ids_lookup (fixture->ids[1], mg_document_get_uri (elsewhere));

    g_assert_cmpstr (noted, ==, id);
  }

  files = list_files (fixture->folder);
  g_assert_cmpuint (g_strv_length (files), ==, 1);
}

static void
test_ids_table (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-sync-ids-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "state", "ids.ini", NULL);
  g_autoptr (MgDocumentIds) ids = mg_document_ids_new (path);
  g_autoptr (MgDocumentIds) again = mg_document_ids_new (path);
  g_autofree char *id = mg_document_id_for_sha256 ("00ff");
  g_autofree char *same = mg_document_id_for_sha256 ("00ff");
  g_autofree char *other = mg_document_id_for_sha256 ("00fe");
  g_autofree char *found = NULL;
  g_autofree char *name = NULL;

  g_assert_no_error (error);
  g_assert_true (mg_document_id_is_valid (id));
  g_assert_cmpstr (id, ==, same);
  g_assert_cmpstr (id, !=, other);
  g_assert_false (mg_document_id_is_valid ("urn:uuid:../../etc/passwd"));
  g_assert_false (mg_document_id_is_valid (NULL));

  name = mg_document_id_file_name (id);
  g_assert_true (g_str_has_suffix (name, ".json"));
  g_assert_null (strchr (name, '/'));
  g_assert_cmpuint (strlen (name), ==, 36 + 5);

  g_assert_null (mg_document_ids_lookup (ids, "file:///a%20b.txt"));
  g_assert_true (mg_document_ids_remember (ids, "file:///a%20b.txt", id, &error));
  g_assert_no_error (error);
  /* Read again at each lookup: another process's table is seen. */
  found = mg_document_ids_lookup (again, "file:///a%20b.txt");
  g_assert_cmpstr (found, ==, id);

  mg_test_remove_tree (dir);
}

/* Migration from version 1 ------------------------------------------- */

static char *
v1_fixture_path (void)
{
  return g_test_build_filename (G_TEST_DIST, "data", "store-v1.json", NULL);
}

static void
check_v1_contents (MgStore          *store,
                   MgAnnotationList *list)
{
  MgAnnotation *annotation;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_nonnull (mg_annotation_list_lookup (list, V1_ANNOTATION_1));
  annotation = mg_annotation_list_lookup (list, V1_ANNOTATION_2);
  g_assert_nonnull (annotation);
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "A *pangram* note, kept through the migration.");
  g_assert_cmpuint (g_strv_length ((GStrv) mg_annotation_get_tags (annotation)), ==, 2);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ANCHORED);
  g_assert_cmpuint (mg_store_get_n_unreadable (store), ==, 1);
}

static void
check_v1_migrated (const char *path)
{
  g_autoptr (JsonNode) root = parse_path (path);

  g_assert_cmpint (json_object_get_int_member (json_node_get_object (root), "version"), ==, 2);
  g_assert_true (mg_document_id_is_valid (json_object_get_string_member (root_document (root), "id")));
  g_assert_true (has_entry (root, "annotations", V1_ANNOTATION_1));
  g_assert_true (has_entry (root, "annotations", V1_ANNOTATION_2));
  /* The entry that cannot be read is kept as it was, the tombstone too. */
  g_assert_true (has_entry (root, "annotations", V1_UNREADABLE));
  g_assert_true (has_entry (root, "deleted", V1_TOMBSTONE));
}

/* A version 1 file named after the document's URI: read, written anew
 * under the document's id, and kept until that write is done. */
static void
test_migration_v1 (Fixture      *fixture,
                   gconstpointer user_data)
{
  g_autofree char *fixture_path = v1_fixture_path ();
  g_autoptr (MgDocument) document = document_at (fixture, 0, "pangrams.txt", TEXT);
  g_autofree char *legacy_name = mg_store_file_name_for_uri (mg_document_get_uri (document));
  g_autofree char *legacy_path = g_build_filename (fixture->folder, legacy_name, NULL);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list2 = mg_annotation_list_new ();
  g_autoptr (MgStore) store = NULL;
  g_autoptr (MgStore) store2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_auto (GStrv) files = NULL;

  copy_file (fixture_path, legacy_path);
  g_file_get_contents (legacy_path, &before, NULL, NULL);

  /* The new file is being written (slowly): the old one is still there,
   * as it was. */
  g_setenv ("MG_STORE_TEST_WRITE_DELAY_MS", "500", TRUE);
  g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*an annotation could not be read*");
  store = store_load (fixture, 0, document, list);
  g_test_assert_expected_messages ();
  check_v1_contents (store, list);
  g_assert_true (mg_store_get_saving (store));
  g_assert_false (g_file_query_exists (mg_store_get_file (store), NULL));
  g_file_get_contents (legacy_path, &after, NULL, NULL);
  g_assert_cmpstr (after, ==, before);

  /* Once it is written, the old one goes. */
  flush_ok (store);
  g_unsetenv ("MG_STORE_TEST_WRITE_DELAY_MS");
  g_assert_true (g_file_query_exists (mg_store_get_file (store), NULL));
  g_assert_false (g_file_test (legacy_path, G_FILE_TEST_EXISTS));
  check_v1_migrated (g_file_peek_path (mg_store_get_file (store)));
  g_clear_object (&store);

  files = list_files (fixture->folder);
  g_assert_cmpuint (g_strv_length (files), ==, 1);

  /* Read back as version 2, all there. */
  g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*an annotation could not be read*");
  store2 = store_load (fixture, 0, document, list2);
  g_test_assert_expected_messages ();
  check_v1_contents (store2, list2);
}

/* A version 1 file of the same text at a URI that is gone (another
 * machine's path, or a moved file) is found by its hash and migrated. */
static void
test_migration_v1_by_hash (Fixture      *fixture,
                           gconstpointer user_data)
{
  g_autofree char *fixture_path = v1_fixture_path ();
  g_autofree char *legacy_name = mg_store_file_name_for_uri (V1_URI);
  g_autofree char *legacy_path = g_build_filename (fixture->folder, legacy_name, NULL);
  g_autoptr (MgDocument) document = document_at (fixture, 1, "Reading/Pangrams.txt", TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = NULL;
  g_auto (GStrv) files = NULL;

  copy_file (fixture_path, legacy_path);
  g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*an annotation could not be read*");
  store = store_load (fixture, 1, document, list);
  g_test_assert_expected_messages ();
  check_v1_contents (store, list);
  flush_ok (store);

  g_assert_false (g_file_test (legacy_path, G_FILE_TEST_EXISTS));
  check_v1_migrated (g_file_peek_path (mg_store_get_file (store)));
  files = list_files (fixture->folder);
  g_assert_cmpuint (g_strv_length (files), ==, 1);
}

/* A version 1 file left beside the new one (a migration cut off before
 * the old file was removed, another machine's old version): merged in. */
static void
test_migration_v1_beside (Fixture      *fixture,
                          gconstpointer user_data)
{
  g_autofree char *fixture_path = v1_fixture_path ();
  g_autoptr (MgDocument) document = document_at (fixture, 0, "pangrams.txt", TEXT);
  g_autofree char *legacy_name = mg_store_file_name_for_uri (mg_document_get_uri (document));
  g_autofree char *legacy_path = g_build_filename (fixture->folder, legacy_name, NULL);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list2 = mg_annotation_list_new ();
  g_autoptr (MgStore) store = store_load (fixture, 0, document, list);
  g_autoptr (MgStore) store2 = NULL;
  MgAnnotation *newer;

  newer = add_annotation (list, document, "five boxing wizards", NULL);
  flush_ok (store);
  g_clear_object (&store);

  copy_file (fixture_path, legacy_path);
  g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*an annotation could not be read*");
  store2 = store_load (fixture, 0, document, list2);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list2)), ==, 3);
  g_assert_nonnull (mg_annotation_list_lookup (list2, mg_annotation_get_id (newer)));
  g_assert_nonnull (mg_annotation_list_lookup (list2, V1_ANNOTATION_2));
  flush_ok (store2);
  g_assert_false (g_file_test (legacy_path, G_FILE_TEST_EXISTS));
}

/* Conflict copies -------------------------------------------------------- */

static void
test_conflict_names (void)
{
  const char *file = "0b6f2c1e-4c1a-5e1f-9d6b-3a2f1e0d9c8b.json";
  struct
  {
    const char *name;
    gboolean    copy;
  } cases[] = {
    { "0b6f2c1e-4c1a-5e1f-9d6b-3a2f1e0d9c8b.sync-conflict-20261205-231502-ABCDEF7.json", TRUE },
    { "0b6f2c1e-4c1a-5e1f-9d6b-3a2f1e0d9c8b (conflicted copy 2026-12-05 231502).json", TRUE },
    { "0b6f2c1e-4c1a-5e1f-9d6b-3a2f1e0d9c8b (ada-laptop's conflicted copy 2026-12-05).json", TRUE },
    { "0b6f2c1e-4c1a-5e1f-9d6b-3a2f1e0d9c8b (Ada’s MacBook’s conflicted copy 2026-12-05 (1)).json", FALSE },
    { "0b6f2c1e-4c1a-5e1f-9d6b-3a2f1e0d9c8b (Ada’s conflicted copy 2026-12-05 2).json", TRUE },
    { "0b6f2c1e-4c1a-5e1f-9d6b-3a2f1e0d9c8b.json", FALSE },
    { "0b6f2c1e-4c1a-5e1f-9d6b-3a2f1e0d9c8b.sync-conflict-2026-ABCDEF7.json", FALSE },
    { "0b6f2c1e-4c1a-5e1f-9d6b-3a2f1e0d9c8c.sync-conflict-20261205-231502-ABCDEF7.json", FALSE },
    { "0b6f2c1e-4c1a-5e1f-9d6b-3a2f1e0d9c8b.sync-conflict-20261205-231502-ABCDEF7.json.tmp", FALSE },
    { "x.json.sync-conflict-20261205-231502-ABCDEF7", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].name);
      g_assert_cmpint (mg_store_conflict_copy_of (cases[i].name, file), ==, cases[i].copy);
    }
}

typedef enum
{
  SYNCTHING,
  NEXTCLOUD,
  DROPBOX,
} SyncTool;

static char *
conflict_copy_name (GFile   *file,
                    SyncTool tool,
                    guint    n)
{
  g_autofree char *name = g_file_get_basename (file);

  name[strlen (name) - strlen (".json")] = '\0';
  switch (tool)
    {
    case SYNCTHING:
      return g_strdup_printf ("%s.sync-conflict-20261205-2315%02u-LAPTOP7.json", name, n % 60);
    case NEXTCLOUD:
      return g_strdup_printf ("%s (conflicted copy 2026-12-05 2315%02u).json", name, n % 60);
    case DROPBOX:
      return g_strdup_printf ("%s (laptop's conflicted copy 2026-12-%02u).json", name, 1 + n % 28);
    default:
      g_assert_not_reached ();
    }
}

/* The laptop's version of the file becomes a conflict copy beside the
 * desktop's, as a sync tool does when both changed it: merged at the
 * next load (newer edit wins, deletions kept), then moved to merged/. */
static void
test_conflict_copy_at_load (Fixture      *fixture,
                            gconstpointer user_data)
{
  SyncTool         tool = GPOINTER_TO_UINT (user_data);
  g_autofree char *laptop_folder = g_build_filename (fixture->root, "laptop-folder", NULL);
  g_autoptr (MgDocument) on_a = document_at (fixture, 0, "a.txt", TEXT);
  g_autoptr (MgDocument) on_b = document_at (fixture, 1, "b.txt", TEXT);
  g_autoptr (MgAnnotationList) list_a = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list_b = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list_c = mg_annotation_list_new ();
  g_autoptr (MgStore) store_a = store_load (fixture, 0, on_a, list_a);
  g_autoptr (MgStore) store_b = NULL;
  g_autoptr (MgStore) store_c = NULL;
  g_autofree char *file_path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *laptop_path = NULL;
  g_autofree char *copy_name = NULL;
  g_autofree char *copy_path = NULL;
  g_autofree char *merged_path = NULL;
  g_autofree char *shared_id = NULL;
  g_autofree char *deleted_id = NULL;
  g_autofree char *only_a_id = NULL;
  g_autofree char *only_b_id = NULL;
  g_auto (GStrv) files = NULL;

  shared_id = g_strdup (mg_annotation_get_id (add_annotation (list_a, on_a, "quick brown fox", "before")));
  deleted_id = g_strdup (mg_annotation_get_id (add_annotation (list_a, on_a, "lazy dog", NULL)));
  flush_ok (store_a);
  file_path = g_file_get_path (mg_store_get_file (store_a));
  name = g_file_get_basename (mg_store_get_file (store_a));

  /* The laptop gets the file, then both change it before they meet. */
  g_assert_cmpint (g_mkdir_with_parents (laptop_folder, 0700), ==, 0);
  laptop_path = g_build_filename (laptop_folder, name, NULL);
  copy_file (file_path, laptop_path);
  store_b = mg_store_new_with_ids (on_b, list_b, laptop_folder, fixture->ids[1]);
  g_assert_true (mg_store_load (store_b, NULL));
  edit_later (list_b, shared_id, "edited on the laptop");
  mg_annotation_list_remove (list_b, mg_annotation_list_lookup (list_b, deleted_id));
  only_b_id = g_strdup (mg_annotation_get_id (add_annotation (list_b, on_b, "daft zebras", NULL)));
  flush_ok (store_b);
  g_clear_object (&store_b);

  only_a_id = g_strdup (mg_annotation_get_id (add_annotation (list_a, on_a, "liquor jugs", NULL)));
  flush_ok (store_a);
  g_clear_object (&store_a);

  /* The sync tool keeps the desktop's, and the laptop's beside it. */
  copy_name = conflict_copy_name (mg_store_get_file (store_c = store_new (fixture, 0, on_a, list_c)), tool, 1);
  copy_path = g_build_filename (fixture->folder, copy_name, NULL);
  copy_file (laptop_path, copy_path);

  g_assert_true (mg_store_load (store_c, NULL));
  flush_ok (store_c);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list_c)), ==, 3);
  g_assert_nonnull (mg_annotation_list_lookup (list_c, only_a_id));
  g_assert_nonnull (mg_annotation_list_lookup (list_c, only_b_id));
  g_assert_null (mg_annotation_list_lookup (list_c, deleted_id));
  g_assert_cmpstr (mg_annotation_get_note (mg_annotation_list_lookup (list_c, shared_id)), ==, "edited on the laptop");

  /* The copy is kept in merged/, the folder holds one file. */
  g_assert_false (g_file_test (copy_path, G_FILE_TEST_EXISTS));
  merged_path = g_build_filename (fixture->folder, "merged", copy_name, NULL);
  g_assert_true (g_file_test (merged_path, G_FILE_TEST_IS_REGULAR));
  files = list_files (fixture->folder);
  g_assert_cmpuint (g_strv_length (files), ==, 1);

  {
    g_autoptr (JsonNode) root = parse_path (file_path);

    g_assert_true (has_entry (root, "annotations", only_b_id));
    g_assert_true (has_entry (root, "deleted", deleted_id));
  }
}

/* A conflict copy that appears while the document is open is merged
 * through the folder's monitor. */
static void
test_conflict_copy_monitor (Fixture      *fixture,
                            gconstpointer user_data)
{
  g_autoptr (MgDocument) document = document_at (fixture, 0, "a.txt", TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) other = mg_annotation_list_new ();
  g_autoptr (MgStore) store = store_load (fixture, 0, document, list);
  g_autoptr (MgStore) writer = NULL;
  g_autofree char *other_folder = g_build_filename (fixture->root, "other", NULL);
  g_autofree char *copy_name = NULL;
  g_autofree char *copy_path = NULL;
  g_autofree char *merged_path = NULL;
  g_autofree char *tmp_path = NULL;
  Counts           counts = { 0 };
  MgAnnotation    *theirs;

  add_annotation (list, document, "quick brown fox", NULL);
  flush_ok (store);
  counts_connect (&counts, store);

  g_assert_cmpint (g_mkdir_with_parents (other_folder, 0700), ==, 0);
  writer = mg_store_new_with_ids (document, other, other_folder, fixture->ids[1]);
  g_assert_true (mg_store_load (writer, NULL));
  theirs = add_annotation (other, document, "black quartz", "from the copy");
  flush_ok (writer);

  /* As Syncthing does: written under a temporary name, then renamed. */
  copy_name = conflict_copy_name (mg_store_get_file (store), SYNCTHING, 7);
  copy_path = g_build_filename (fixture->folder, copy_name, NULL);
  tmp_path = g_build_filename (fixture->folder, ".syncthing.tmp", NULL);
  copy_file (g_file_peek_path (mg_store_get_file (writer)), tmp_path);
  g_assert_cmpint (g_rename (tmp_path, copy_path), ==, 0);

  g_assert_true (wait_for_count (&counts.merged, 1, 5000));
  g_assert_nonnull (mg_annotation_list_lookup (list, mg_annotation_get_id (theirs)));
  g_assert_true (wait_for_count (&counts.saved, 1, 5000));
  merged_path = g_build_filename (fixture->folder, "merged", copy_name, NULL);
  g_assert_true (g_file_test (merged_path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (copy_path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (counts.errors, ==, 0);
  g_clear_error (&counts.last_error);
}

/* A copy that does not parse is left where it is, and said once. */
static void
test_conflict_copy_unreadable (Fixture      *fixture,
                               gconstpointer user_data)
{
  g_autoptr (MgDocument) document = document_at (fixture, 0, "a.txt", TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) list2 = mg_annotation_list_new ();
  g_autoptr (MgStore) store = store_load (fixture, 0, document, list);
  g_autoptr (MgStore) store2 = NULL;
  g_autofree char *copy_name = NULL;
  g_autofree char *copy_path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  Counts counts = { 0 };

  add_annotation (list, document, "quick brown fox", NULL);
  flush_ok (store);
  copy_name = conflict_copy_name (mg_store_get_file (store), NEXTCLOUD, 3);
  copy_path = g_build_filename (fixture->folder, copy_name, NULL);
  g_file_set_contents (copy_path, "{ \"version\" : 2, \"docu", -1, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  store2 = store_new (fixture, 0, document, list2);
  counts_connect (&counts, store2);
  g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*conflict copy*could not be read*");
  g_assert_true (mg_store_load (store2, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list2)), ==, 1);
  g_assert_cmpuint (counts.errors, ==, 1);
  g_assert_error (counts.last_error, MG_STORE_ERROR, MG_STORE_ERROR_CONFLICT_COPY);
  g_assert_nonnull (strstr (counts.last_error->message, "conflict copy"));
  g_assert_nonnull (strstr (counts.last_error->message, copy_name));

  g_file_get_contents (copy_path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (contents, ==, "{ \"version\" : 2, \"docu");
  g_clear_error (&counts.last_error);
}

/* Two machines, rounds -------------------------------------------------- */

/* Two machines, each with its own copy of the folder and the document at
 * its own path; each round both annotate and delete, then the "sync
 * tool" meets them: a file changed on one side only is copied over; one
 * changed on both keeps one side's and makes a conflict copy of the
 * other's (Syncthing, Nextcloud, Dropbox in turn). After every round no
 * annotation is lost, none deleted comes back, and each folder holds one
 * file. */
#define ROUNDS 6

static void
sync_folders (const char *folder_a,
              const char *folder_b,
              const char *name,
              GHashTable *last_synced,
              SyncTool    tool,
              guint       round)
{
  g_autofree char *path_a = g_build_filename (folder_a, name, NULL);
  g_autofree char *path_b = g_build_filename (folder_b, name, NULL);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  const char      *base = g_hash_table_lookup (last_synced, name);
  gboolean         a_changed;
  gboolean         b_changed;

  g_file_get_contents (path_a, &a, NULL, NULL);
  g_file_get_contents (path_b, &b, NULL, NULL);
  a_changed = g_strcmp0 (a, base) != 0;
  b_changed = g_strcmp0 (b, base) != 0;

  if (a_changed && b_changed && g_strcmp0 (a, b) != 0)
    {
      /* A's wins; B's becomes the conflict copy, on both sides. */
      g_autoptr (GFile) file = g_file_new_for_path (path_a);
      g_autofree char *copy_name = conflict_copy_name (file, tool, round);
      g_autofree char *copy_a = g_build_filename (folder_a, copy_name, NULL);
      g_autofree char *copy_b = g_build_filename (folder_b, copy_name, NULL);

      g_assert_true (g_file_set_contents (copy_a, b, -1, NULL));
      g_assert_true (g_file_set_contents (copy_b, b, -1, NULL));
      g_assert_true (g_file_set_contents (path_b, a, -1, NULL));
      g_hash_table_replace (last_synced, g_strdup (name), g_strdup (a));
    }
  else if (a_changed && a != NULL)
    {
      g_assert_true (g_file_set_contents (path_b, a, -1, NULL));
      g_hash_table_replace (last_synced, g_strdup (name), g_strdup (a));
    }
  else if (b_changed && b != NULL)
    {
      g_assert_true (g_file_set_contents (path_a, b, -1, NULL));
      g_hash_table_replace (last_synced, g_strdup (name), g_strdup (b));
    }
}

static void
test_two_machines_rounds (Fixture      *fixture,
                          gconstpointer user_data)
{
  const char      *quotes[] = { "quick brown fox", "lazy dog", "Pack my box", "liquor jugs", "vexingly quick",
                                "daft zebras", "Sphinx", "black quartz", "judge my vow", "boxing wizards",
                                "jump quickly", "five dozen" };
  g_autofree char *folder_b = g_build_filename (fixture->root, "laptop", "Marginalia", NULL);
  const char      *folders[2] = { fixture->folder, folder_b };
  g_autoptr (MgDocument) document_a = document_at (fixture, 0, "Papers/pangrams.txt", TEXT);
  g_autoptr (MgDocument) document_b = document_at (fixture, 1, "Dropbox/Reading/the pangrams.txt", TEXT);
  MgDocument *documents[2] = { document_a, document_b };
  g_autoptr (GHashTable) alive = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) dead = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* Deleted this round: only the other machine's folder has it still. */
  g_autoptr (GPtrArray) deleted_now = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) last_synced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *file_name = NULL;
  guint            next_quote = 0;

  g_assert_cmpint (g_mkdir_with_parents (folder_b, 0700), ==, 0);

  for (guint round = 0; round < ROUNDS; round++)
    {
      for (guint m = 0; m < 2; m++)
        {
          g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
          g_autoptr (MgStore) store = mg_store_new_with_ids (documents[m], list, folders[m], fixture->ids[m]);
          g_autoptr (GError) error = NULL;
          MgAnnotation *added;

          g_assert_true (mg_store_load (store, &error));
          g_assert_no_error (error);
          flush_ok (store);

          if (file_name == NULL)
            file_name = g_file_get_basename (mg_store_get_file (store));
          else
            {
              g_autofree char *name = g_file_get_basename (mg_store_get_file (store));

              g_assert_cmpstr (name, ==, file_name);
            }

          /* What this machine sees now: everything alive that reached it. */
          for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
            {
              g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (list), i);

              g_assert_false (g_hash_table_contains (dead, mg_annotation_get_id (annotation)));
            }

          added = add_annotation (list, documents[m], quotes[next_quote++ % G_N_ELEMENTS (quotes)], NULL);
          g_hash_table_add (alive, g_strdup (mg_annotation_get_id (added)));

          /* Every other round, delete the oldest this machine has. */
          if ((round + m) % 2 == 1 && g_list_model_get_n_items (G_LIST_MODEL (list)) > 1)
            {
              g_autoptr (MgAnnotation) victim = g_list_model_get_item (G_LIST_MODEL (list), 0);

              if (victim != added)
                {
                  g_hash_table_remove (alive, mg_annotation_get_id (victim));
                  g_ptr_array_add (deleted_now, g_strdup (mg_annotation_get_id (victim)));
                  mg_annotation_list_remove (list, victim);
                }
            }
          flush_ok (store);
        }

      sync_folders (folders[0], folders[1], file_name, last_synced, round % 3, round);
      for (guint i = 0; i < deleted_now->len; i++)
        g_hash_table_add (dead, g_strdup (g_ptr_array_index (deleted_now, i)));
      g_ptr_array_set_size (deleted_now, 0);

      /* Both machines open the document again and save what they merged;
       * then the sync tool meets them once more. */
      for (guint m = 0; m < 2; m++)
        {
          g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
          g_autoptr (MgStore) store = mg_store_new_with_ids (documents[m], list, folders[m], fixture->ids[m]);
          g_auto (GStrv) files = NULL;
          GHashTableIter iter;
          gpointer       id;

          g_assert_true (mg_store_load (store, NULL));
          flush_ok (store);

          g_hash_table_iter_init (&iter, alive);
          while (g_hash_table_iter_next (&iter, &id, NULL))
            {
              if (mg_annotation_list_lookup (list, id) == NULL)
                g_error ("round %u, machine %u: %s was lost", round, m, (char *) id);
            }
          g_hash_table_iter_init (&iter, dead);
          while (g_hash_table_iter_next (&iter, &id, NULL))
            {
              if (mg_annotation_list_lookup (list, id) != NULL)
                g_error ("round %u, machine %u: the deleted %s came back", round, m, (char *) id);
            }
          g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, g_hash_table_size (alive));

          files = list_files (folders[m]);
          g_assert_cmpuint (g_strv_length (files), ==, 1);
          g_assert_cmpstr (files[0], ==, file_name);
        }

      sync_folders (folders[0], folders[1], file_name, last_synced, round % 3, round);
    }

  /* The conflict copies were kept. */
  {
    g_autofree char *merged = g_build_filename (fixture->folder, "merged", NULL);
    g_auto (GStrv) copies = list_files (merged);

    g_assert_cmpuint (g_strv_length (copies), >, 0);
  }
}

/* Changing the annotations folder ----------------------------------------- */

/* Snapshots of every file under @dir, by path, to tell it was left as it
 * was. */
static void
snapshot_tree (const char *dir,
               GHashTable *into)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      char            *contents = NULL;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        snapshot_tree (path, into);
      else if (g_file_get_contents (path, &contents, NULL, NULL))
        g_hash_table_replace (into, g_steal_pointer (&path), contents);
    }
}

static gboolean
same_tree (GHashTable *a,
           GHashTable *b)
{
  GHashTableIter iter;
  gpointer       key;
  gpointer       value;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (g_strcmp0 (value, g_hash_table_lookup (b, key)) != 0)
        return FALSE;
    }

  return TRUE;
}

/* The old folder's annotations merged with the new folder's: by id,
 * newest wins, deletions kept, version 1 files and conflict copies
 * included, snapshots copied; the old folder left as it was. */
static void
test_folder_merge (Fixture      *fixture,
                   gconstpointer user_data)
{
  const char      *other_text = "A second article, with a sentence of its own, and another one after it.";
  g_autofree char *new_folder = g_build_filename (fixture->root, "Nextcloud", "Notes", NULL);
  g_autofree char *fixture_path = v1_fixture_path ();
  g_autoptr (MgDocument) article = document_at (fixture, 0, "article.txt", other_text);
  g_autoptr (MgDocument) pangrams = document_at (fixture, 0, "pangrams.txt", TEXT);
  g_autoptr (MgAnnotationList) old_list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) new_list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) copy_list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) check = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) check2 = mg_annotation_list_new ();
  g_autoptr (MgStore) old_store = NULL;
  g_autoptr (MgStore) new_store = NULL;
  g_autoptr (MgStore) copy_store = NULL;
  g_autoptr (MgStore) reader = NULL;
  g_autoptr (GHashTable) before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GHashTable) after = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char   *copy_folder = g_build_filename (fixture->root, "copy-source", NULL);
  g_autofree char   *legacy_name = mg_store_file_name_for_uri (V1_URI);
  g_autofree char   *legacy_path = g_build_filename (fixture->folder, legacy_name, NULL);
  g_autofree char   *snapshots = g_build_filename (fixture->folder, "snapshots", "example.org", NULL);
  g_autofree char   *kept_id = NULL;
  g_autofree char   *edited_id = NULL;
  g_autofree char   *deleted_id = NULL;
  g_autofree char   *new_only_id = NULL;
  g_autofree char   *copy_only_id = NULL;
  g_autofree char   *garbage = g_build_filename (fixture->folder, "notes.json", NULL);
  g_autofree char   *copied_snapshot = NULL;
  MgStoreFolderMerge result;

  /* The old folder: one document's file, a version 1 file, a conflict
   * copy, a file that is not ours, a snapshot. */
  old_store = store_load (fixture, 0, article, old_list);
  kept_id = g_strdup (mg_annotation_get_id (add_annotation (old_list, article, "second article", NULL)));
  edited_id = g_strdup (mg_annotation_get_id (add_annotation (old_list, article, "sentence of its own", "old note")));
  deleted_id = g_strdup (mg_annotation_get_id (add_annotation (old_list, article, "another one", NULL)));
  flush_ok (old_store);
  copy_file (fixture_path, legacy_path);
  g_file_set_contents (garbage, "[ not a store file", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (snapshots, 0700), ==, 0);
  {
    g_autofree char *page = g_build_filename (snapshots, "page.html", NULL);

    g_file_set_contents (page, "<html>snapshot</html>", -1, &error);
    g_assert_no_error (error);
  }

  g_assert_cmpint (g_mkdir_with_parents (copy_folder, 0700), ==, 0);
  copy_store = mg_store_new_with_ids (article, copy_list, copy_folder, fixture->ids[1]);
  g_assert_true (mg_store_load (copy_store, NULL));
  copy_only_id = g_strdup (mg_annotation_get_id (add_annotation (copy_list, article, "after it", NULL)));
  flush_ok (copy_store);
  {
    g_autofree char *copy_name = conflict_copy_name (mg_store_get_file (old_store), DROPBOX, 2);
    g_autofree char *copy_path = g_build_filename (fixture->folder, copy_name, NULL);

    copy_file (g_file_peek_path (mg_store_get_file (copy_store)), copy_path);
  }

  /* The new folder: the same document, edited later there, one deleted,
   * one added. */
  {
    g_autofree char *from = g_file_get_path (mg_store_get_file (old_store));
    g_autofree char *name = g_file_get_basename (mg_store_get_file (old_store));
    g_autofree char *to = g_build_filename (new_folder, name, NULL);

    g_assert_cmpint (g_mkdir_with_parents (new_folder, 0700), ==, 0);
    copy_file (from, to);
  }
  new_store = mg_store_new_with_ids (article, new_list, new_folder, fixture->ids[0]);
  g_assert_true (mg_store_load (new_store, NULL));
  edit_later (new_list, edited_id, "newer note");
  mg_annotation_list_remove (new_list, mg_annotation_list_lookup (new_list, deleted_id));
  new_only_id = g_strdup (mg_annotation_get_id (add_annotation (new_list, article, "A second", NULL)));
  flush_ok (new_store);
  g_clear_object (&new_store);
  g_clear_object (&old_store);

  snapshot_tree (fixture->folder, before);
  g_assert_true (mg_store_merge_folder (fixture->folder, new_folder, fixture->ids[0], &result, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (result.n_copied, ==, 1);     /* the version 1 file */
  g_assert_cmpuint (result.n_merged, ==, 1);     /* the article, with its conflict copy */
  g_assert_cmpuint (result.n_unchanged, ==, 1);  /* the conflict copy, after its file */
  g_assert_cmpuint (result.n_unreadable, ==, 1); /* notes.json */
  g_assert_cmpuint (result.n_snapshots, ==, 1);

  /* The old folder as it was. */
  snapshot_tree (fixture->folder, after);
  g_assert_true (same_tree (before, after));

  /* The new one holds everything once. */
  reader = mg_store_new_with_ids (article, check, new_folder, fixture->ids[0]);
  g_assert_true (mg_store_load (reader, NULL));
  g_assert_nonnull (mg_annotation_list_lookup (check, kept_id));
  g_assert_nonnull (mg_annotation_list_lookup (check, new_only_id));
  g_assert_nonnull (mg_annotation_list_lookup (check, copy_only_id));
  g_assert_null (mg_annotation_list_lookup (check, deleted_id));
  g_assert_cmpstr (mg_annotation_get_note (mg_annotation_list_lookup (check, edited_id)), ==, "newer note");
  g_clear_object (&reader);

  g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*an annotation could not be read*");
  reader = mg_store_new_with_ids (pangrams, check2, new_folder, fixture->ids[0]);
  g_assert_true (mg_store_load (reader, NULL));
  g_test_assert_expected_messages ();
  check_v1_contents (reader, check2);

  copied_snapshot = g_build_filename (new_folder, "snapshots", "example.org", "page.html", NULL);
  g_assert_true (g_file_test (copied_snapshot, G_FILE_TEST_IS_REGULAR));

  /* Again: nothing more to do. */
  g_assert_true (mg_store_merge_folder (fixture->folder, new_folder, fixture->ids[0], &result, &error));
  g_assert_cmpuint (result.n_copied + result.n_merged + result.n_snapshots, ==, 0);
}

/* The synced folder goes away (an unmounted disk, a sync tool that
 * removed and makes it again) and something else is in its place: the
 * save fails with a message, nothing is lost in memory, and the save is
 * tried again until the folder is back. */
static void
test_folder_vanished (Fixture      *fixture,
                      gconstpointer user_data)
{
  g_autoptr (MgDocument) document = document_at (fixture, 0, "a.txt", TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) again = mg_annotation_list_new ();
  g_autoptr (MgStore) store = store_load (fixture, 0, document, list);
  g_autoptr (MgStore) reader = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  Counts           counts = { 0 };

  first = g_strdup (mg_annotation_get_id (add_annotation (list, document, "quick brown fox", NULL)));
  flush_ok (store);
  counts_connect (&counts, store);
  _mg_store_set_retry_delay (store, 1);

  /* Gone, and a file where it was: nothing can be written there. */
  mg_test_remove_tree (fixture->folder);
  g_assert_true (g_file_set_contents (fixture->folder, "not a folder", -1, NULL));

  g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*could not be saved*");
  second = g_strdup (mg_annotation_get_id (add_annotation (list, document, "lazy dog", NULL)));
  g_assert_true (wait_for_count (&counts.errors, 1, 5000));
  g_test_assert_expected_messages ();
  g_assert_error (counts.last_error, MG_STORE_ERROR, MG_STORE_ERROR_SAVE_FAILED);
  g_assert_nonnull (strstr (counts.last_error->message, "could not be saved"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_true (mg_store_get_dirty (store));

  /* Back: the next try saves both. */
  g_unlink (fixture->folder);
  g_assert_cmpint (g_mkdir_with_parents (fixture->folder, 0700), ==, 0);
  g_assert_true (wait_for_count (&counts.saved, 1, 5000));
  g_assert_false (mg_store_get_dirty (store));

  reader = store_load (fixture, 1, document, again);
  g_assert_nonnull (mg_annotation_list_lookup (again, first));
  g_assert_nonnull (mg_annotation_list_lookup (again, second));
  g_clear_error (&counts.last_error);
}

/* The git merge driver ---------------------------------------------------- */

typedef enum
{
  BOTH_ADDED,
  BOTH_EDITED,
  DELETED_AND_EDITED,
} MergeCase;

/* Three versions of one file, as git has them in a merge: the ancestor
 * and two branches, each changed by a store of its own; the driver's
 * result, through the command line as git runs it. */
static void
test_merge_driver (Fixture      *fixture,
                   gconstpointer user_data)
{
  MergeCase case_ = GPOINTER_TO_UINT (user_data);
  g_autoptr (MgDocument) document = document_at (fixture, 0, "paper.txt", TEXT);
  g_auto (GStrv) folders = g_new0 (char *, 4);
  g_auto (GStrv) paths = g_new0 (char *, 4);
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  g_autofree char *z = NULL;
  g_auto (GStrv) added = g_new0 (char *, 3);
  g_autofree char *binary = g_test_build_filename (G_TEST_BUILT, "..", "src", "ui", "marginalia", NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr (GDateTime) earlier = g_date_time_add_hours (now, -1);
  g_autoptr (GDateTime) later = g_date_time_add_hours (now, 1);
  g_autoptr (GDateTime) latest = g_date_time_add_hours (now, 2);
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (MgAnnotationList) result = mg_annotation_list_new ();
  g_autoptr (MgStore) reader = NULL;
  g_autoptr (GError) error = NULL;
  const char *names[3] = { "base", "ours", "theirs" };
  int         status;

  for (guint i = 0; i < 3; i++)
    folders[i] = g_build_filename (fixture->root, names[i], NULL);

  /* The ancestor. */
  {
    g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
    g_autoptr (MgStore) store = mg_store_new_with_ids (document, list, folders[0], fixture->ids[0]);

    g_assert_true (mg_store_load (store, NULL));
    x = g_strdup (mg_annotation_get_id (add_annotation (list, document, "quick brown fox", "x")));
    y = g_strdup (mg_annotation_get_id (add_annotation (list, document, "lazy dog", "y")));
    z = g_strdup (mg_annotation_get_id (add_annotation (list, document, "liquor jugs", "z")));
    flush_ok (store);
    paths[0] = g_file_get_path (mg_store_get_file (store));
  }

  /* The branches. */
  for (guint b = 1; b < 3; b++)
    {
      g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
      g_autoptr (MgStore) store = NULL;
      g_autofree char *name = g_path_get_basename (paths[0]);

      g_assert_cmpint (g_mkdir_with_parents (folders[b], 0700), ==, 0);
      paths[b] = g_build_filename (folders[b], name, NULL);
      copy_file (paths[0], paths[b]);
      store = mg_store_new_with_ids (document, list, folders[b], fixture->ids[b - 1]);
      g_assert_true (mg_store_load (store, NULL));

      switch (case_)
        {
        case BOTH_ADDED:
          added[b - 1] = g_strdup (mg_annotation_get_id (add_annotation (list, document, b == 1 ? "daft zebras" : "judge my vow", NULL)));
          break;

        case BOTH_EDITED:
          set_note_at (list, x, b == 1 ? "ours, later" : "theirs, latest", b == 1 ? later : latest);
          break;

        case DELETED_AND_EDITED:
          if (b == 1)
            {
              /* Ours deletes both, now. */
              mg_annotation_list_remove (list, mg_annotation_list_lookup (list, y));
              mg_annotation_list_remove (list, mg_annotation_list_lookup (list, z));
            }
          else
            {
              /* Theirs edited one before that deletion, one after. */
              set_note_at (list, y, "edited before the deletion", earlier);
              set_note_at (list, z, "edited after the deletion", later);
            }
          break;

        default:
          g_assert_not_reached ();
        }
      flush_ok (store);
    }

  /* As git runs it. */
  {
    const char *argv[] = { binary, "--merge-driver", paths[0], paths[1], paths[2], NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  root = parse_path (paths[1]);
  g_assert_cmpstr (json_object_get_string_member (root_document (root), "id"), !=, NULL);
  reader = mg_store_new_with_ids (document, result, folders[1], fixture->ids[0]);
  g_assert_true (mg_store_load (reader, NULL));

  switch (case_)
    {
    case BOTH_ADDED:
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (result)), ==, 5);
      g_assert_nonnull (mg_annotation_list_lookup (result, added[0]));
      g_assert_nonnull (mg_annotation_list_lookup (result, added[1]));
      break;

    case BOTH_EDITED:
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (result)), ==, 3);
      g_assert_cmpstr (mg_annotation_get_note (mg_annotation_list_lookup (result, x)), ==, "theirs, latest");
      break;

    case DELETED_AND_EDITED:
      g_assert_null (mg_annotation_list_lookup (result, y));
      g_assert_true (has_entry (root, "deleted", y));
      g_assert_nonnull (mg_annotation_list_lookup (result, z));
      g_assert_cmpstr (mg_annotation_get_note (mg_annotation_list_lookup (result, z)), ==, "edited after the deletion");
      g_assert_nonnull (mg_annotation_list_lookup (result, x));
      break;

    default:
      g_assert_not_reached ();
    }

  /* A version that does not parse: a conflict, ours left as it was. */
  {
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;

    g_file_get_contents (paths[1], &before, NULL, NULL);
    g_assert_true (g_file_set_contents (paths[2], "<<<<<<< not JSON", -1, NULL));
    g_assert_false (mg_store_merge_versions (paths[0], paths[1], paths[2], &error));
    g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT);
    g_file_get_contents (paths[1], &after, NULL, NULL);
    g_assert_cmpstr (after, ==, before);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autofree char *home = NULL;

  g_test_init (&argc, &argv, NULL);

  /* This run's caches and state, out of the user's way. */
  home = g_dir_make_tmp ("test-sync-home-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autofree char *cache = g_build_filename (home, "cache", NULL);
    g_autofree char *state = g_build_filename (home, "state", NULL);

    g_setenv ("XDG_CACHE_HOME", cache, TRUE);
    g_setenv ("XDG_STATE_HOME", state, TRUE);
  }

  g_test_add_func ("/sync/identity/table", test_ids_table);
  g_test_add_func ("/sync/conflicts/names", test_conflict_names);

#define ADD(path, func, data) g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)
  ADD ("/sync/identity/two-paths-one-file", test_two_paths_one_file, NULL);
  ADD ("/sync/identity/edited-text", test_edited_text, NULL);
  ADD ("/sync/migration/v1", test_migration_v1, NULL);
  ADD ("/sync/migration/v1-by-hash", test_migration_v1_by_hash, NULL);
  ADD ("/sync/migration/v1-beside", test_migration_v1_beside, NULL);
  ADD ("/sync/conflicts/syncthing", test_conflict_copy_at_load, GUINT_TO_POINTER (SYNCTHING));
  ADD ("/sync/conflicts/nextcloud", test_conflict_copy_at_load, GUINT_TO_POINTER (NEXTCLOUD));
  ADD ("/sync/conflicts/dropbox", test_conflict_copy_at_load, GUINT_TO_POINTER (DROPBOX));
  ADD ("/sync/conflicts/monitor", test_conflict_copy_monitor, NULL);
  ADD ("/sync/conflicts/unreadable", test_conflict_copy_unreadable, NULL);
  ADD ("/sync/two-machines/rounds", test_two_machines_rounds, NULL);
  ADD ("/sync/folder/merge", test_folder_merge, NULL);
  ADD ("/sync/folder/vanished", test_folder_vanished, NULL);
  ADD ("/sync/merge-driver/both-added", test_merge_driver, GUINT_TO_POINTER (BOTH_ADDED));
  ADD ("/sync/merge-driver/both-edited", test_merge_driver, GUINT_TO_POINTER (BOTH_EDITED));
  ADD ("/sync/merge-driver/deleted-and-edited", test_merge_driver, GUINT_TO_POINTER (DELETED_AND_EDITED));
#undef ADD

  return g_test_run ();
}
