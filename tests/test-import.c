/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mg-anchor.h"
#include "mg-annotation-list.h"
#include "mg-annotation.h"
#include "mg-document-loader.h"
#include "mg-document.h"
#include "mg-export.h"
#include "mg-import.h"

/* Import of W3C Web Annotations and Hypothesis annotations: the shapes
 * that are read, anchoring, merging by id and `modified`, and that a file
 * that cannot be read changes nothing. */

static GBytes *
read_data_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, len);
}

static GBytes *
bytes_for (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

/* Counts the list's changes, to check that a failed import made none. */
static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               guint      *n_changes)
{
  (*n_changes)++;
}

static void
assert_result (const MgImportResult *result,
               guint                 n_read,
               guint                 n_added,
               guint                 n_updated,
               guint                 n_skipped,
               guint                 n_ignored,
               guint                 n_anchored,
               guint                 n_moved,
               guint                 n_orphaned)
{
  g_assert_cmpuint (result->n_read, ==, n_read);
  g_assert_cmpuint (result->n_added, ==, n_added);
  g_assert_cmpuint (result->n_updated, ==, n_updated);
  g_assert_cmpuint (result->n_skipped, ==, n_skipped);
  g_assert_cmpuint (result->n_ignored, ==, n_ignored);
  g_assert_cmpuint (result->n_anchored, ==, n_anchored);
  g_assert_cmpuint (result->n_moved, ==, n_moved);
  g_assert_cmpuint (result->n_orphaned, ==, n_orphaned);
  g_assert_cmpuint (result->n_anchored + result->n_moved + result->n_orphaned, ==, result->n_added + result->n_updated);
  g_assert_cmpuint (result->n_added + result->n_updated + result->n_skipped, ==, result->n_read);
}

/* Hypothesis */

static void
test_hypothesis_sample (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GBytes) data = read_data_file ("hypothesis-sample.json");
  g_autoptr (GError) error = NULL;
  g_autofree char *created = NULL;
  g_autofree char *modified = NULL;
  MgImportResult   result;
  MgAnnotation    *annotation;
  const char      *text = mg_document_get_text (document);
  const char      *quote = "We cannot rely on the charity of a foreign government for access to foundational AI tools";
  guint            n_changes = 0;

  g_signal_connect (list, "items-changed", G_CALLBACK (count_changes), &n_changes);

  g_assert_true (mg_import_w3c (document, list, data, &result, &error));
  g_assert_no_error (error);

  /* A page note and a reply are not annotations of a passage. */
  assert_result (&result, 5, 5, 0, 0, 2, 1, 3, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 5);
  g_assert_cmpuint (n_changes, ==, 1);

  /* Hypothesis' ids become the annotations' web addresses. */
  annotation = mg_annotation_list_lookup (list, "https://hypothes.is/a/Hq8mVKm2Ee-4t0MkW1x9Zg");
  g_assert_nonnull (annotation);
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==,
                   "The **core** argument of the piece. Compare with the [EU AI Act](https://artificialintelligenceact.eu/), art. 5.");
  g_assert_cmpuint (g_strv_length ((GStrv) mg_annotation_get_tags (annotation)), ==, 2);
  g_assert_true (mg_annotation_has_tag (annotation, "digital sovereignty"));
  g_assert_true (mg_annotation_has_tag (annotation, "UK policy"));
  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, quote);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (mg_annotation_get_range_start (annotation), ==, g_utf8_pointer_to_offset (text, strstr (text, quote)));
  g_assert_cmpint (mg_annotation_get_color (annotation), ==, MG_COLOR_YELLOW);
  created = mg_format_timestamp (mg_annotation_get_created (annotation));
  modified = mg_format_timestamp (mg_annotation_get_modified (annotation));
  g_assert_cmpstr (created, ==, "2024-05-14T09:12:33.412Z");
  g_assert_cmpstr (modified, ==, "2024-05-16T18:40:02.118Z");

  /* A highlight: no note, no tags. */
  annotation = mg_annotation_list_lookup (list, "https://hypothes.is/a/J2Lk7Km2Ee-8pXcN3vYq1A");
  g_assert_nonnull (annotation);
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "");
  g_assert_cmpuint (g_strv_length ((GStrv) mg_annotation_get_tags (annotation)), ==, 0);

  /* Where the web page's offsets happen to be the document's. */
  annotation = mg_annotation_list_lookup (list, "https://hypothes.is/a/Lw0d1Km2Ee-Vb9sR4hJt8Q");
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ANCHORED);

  annotation = mg_annotation_list_lookup (list, "https://hypothes.is/a/Nc5rQKm2Ee-0aHfT7uWz3g");
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ORPHANED);

  g_assert_null (mg_annotation_list_lookup (list, "https://hypothes.is/a/Pf2sYKm2Ee-1cJgU8vXa4h"));
  g_assert_null (mg_annotation_list_lookup (list, "https://hypothes.is/a/Rg7tZKm2Ee-2dKhV9wYb5i"));

  /* The same file again: nothing new, nothing changed. */
  g_assert_true (mg_import_w3c (document, list, data, &result, &error));
  g_assert_no_error (error);
  assert_result (&result, 5, 0, 0, 5, 2, 0, 0, 0);
  g_assert_cmpuint (n_changes, ==, 1);
}

/* One row, as GET /api/annotations/{id} returns it. */
static void
test_hypothesis_single_row (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GBytes) data = bytes_for ("{\"id\": \"abcDEF123_-x\", \"created\": \"2024-01-02T03:04:05+00:00\","
                                       " \"updated\": \"2024-01-02T03:04:05+00:00\", \"text\": \"A note\", \"tags\": [\"one\"],"
                                       " \"uri\": \"https://example.org/a\","
                                       " \"target\": [{\"source\": \"https://example.org/a\", \"selector\": ["
                                       "{\"type\": \"RangeSelector\", \"startContainer\": \"/p[1]\", \"startOffset\": 0,"
                                       " \"endContainer\": \"/p[1]\", \"endOffset\": 9},"
                                       "{\"type\": \"TextQuoteSelector\", \"exact\": \"In a move\", \"prefix\": \"\", \"suffix\": \" that\"}]}]}");
  g_autoptr (GError) error = NULL;
  g_autofree char *expected_id = mg_export_uuid_urn_for_name ("abcDEF123_-x");
  MgImportResult   result;
  MgAnnotation    *annotation;

  g_assert_true (mg_import_w3c (document, list, data, &result, &error));
  g_assert_no_error (error);
  /* Without a position selector, found by its quote alone: moved. */
  assert_result (&result, 1, 1, 0, 0, 0, 0, 1, 0);

  /* Without links, an id that is no IRI becomes a name-based UUID. */
  annotation = mg_annotation_list_lookup (list, expected_id);
  g_assert_nonnull (annotation);
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "A note");
  g_assert_cmpuint (mg_annotation_get_range_start (annotation), ==, 0);
  g_assert_cmpuint (mg_annotation_get_range_end (annotation), ==, 9);
}

/* W3C */

/* The W3C export, imported into an empty list, is the same annotations;
 * exported again it is the same file. */
static void
test_w3c_round_trip (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GBytes) data = read_data_file ("export-article.jsonld");
  g_autoptr (GBytes) markdown_data = read_data_file ("export-article.md");
  g_autoptr (GError) error = NULL;
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) now = g_date_time_new_from_iso8601 ("2026-03-14T09:26:53Z", utc);
  MgExportOptions  options = { .now = now };
  g_autofree char *json = NULL;
  g_autofree char *markdown = NULL;
  MgImportResult   result;
  MgAnnotation    *annotation;

  g_assert_true (mg_import_w3c (document, list, data, &result, &error));
  g_assert_no_error (error);

  /* The moved one was exported where it is now: it is anchored there. */
  assert_result (&result, 7, 7, 0, 0, 0, 6, 0, 1);

  annotation = mg_annotation_list_lookup (list, "urn:uuid:7c9e6679-7425-40de-944b-e07fc1f90ae7");
  g_assert_nonnull (annotation);
  g_assert_cmpint (mg_annotation_get_color (annotation), ==, MG_COLOR_GREEN);
  g_assert_true (mg_annotation_has_tag (annotation, "日本語"));

  annotation = mg_annotation_list_lookup (list, "urn:uuid:3f2a9c10-1b7e-4c1a-9d2e-0a1b2c3d4e5f");
  g_assert_nonnull (annotation);
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==,
                   "**Key claim.** The ban is *lifted*, but see:\n\n- the asymmetry\n- the reciprocity\n\n> a quote inside the note");

  markdown = mg_export_markdown (document, G_LIST_MODEL (list), &options);
  g_assert_cmpstr (markdown, ==, g_bytes_get_data (markdown_data, NULL));

  json = mg_export_w3c (document, G_LIST_MODEL (list), &options);
  g_assert_cmpmem (json, strlen (json), g_bytes_get_data (data, NULL), g_bytes_get_size (data));
}

static void
test_w3c_shapes (void)
{
  static const char annotation[] = "{\"id\": \"http://example.org/anno1\", \"type\": \"Annotation\","
                                   " \"created\": \"2026-01-01T00:00:00Z\","
                                   " \"body\": {\"type\": \"TextualBody\", \"value\": \"A comment\", \"purpose\": \"commenting\"},"
                                   " \"target\": {\"source\": \"http://example.org/article\", \"styleClass\": \"Blue\","
                                   " \"selector\": {\"type\": \"TextQuoteSelector\", \"exact\": \"US Commerce Department\"}}}";
  static const char other[] = "{\"id\": \"http://example.org/anno2\", \"type\": [\"Annotation\"],"
                              " \"target\": {\"source\": \"http://example.org/article\","
                              " \"selector\": [{\"type\": \"TextQuoteSelector\", \"exact\": \"Cognitia\"}]}}";
  g_autofree char  *single = g_strdup_printf ("{\"@context\": \"http://www.w3.org/ns/anno.jsonld\", %s", annotation + 1);
  g_autofree char  *array = g_strdup_printf ("[%s, %s]", annotation, other);
  g_autofree char  *page = g_strdup_printf ("{\"@context\": \"http://www.w3.org/ns/anno.jsonld\", \"id\": \"http://example.org/page1\","
                                             " \"type\": \"AnnotationPage\", \"items\": [%s, %s]}",
                                            annotation, other);
  g_autofree char  *collection = g_strdup_printf ("{\"@context\": [\"http://www.w3.org/ns/anno.jsonld\", {\"x\": \"http://x/\"}],"
                                                   " \"id\": \"http://example.org/c\", \"type\": \"AnnotationCollection\", \"total\": 2,"
                                                   " \"first\": {\"type\": \"AnnotationPage\", \"items\": [%s],"
                                                   " \"next\": {\"type\": \"AnnotationPage\", \"items\": [%s]}}}",
                                                  annotation, other);
  g_autofree char  *inline_items = g_strdup_printf ("{\"type\": \"AnnotationCollection\", \"items\": [%s, %s]}", annotation, other);
  g_autofree char  *empty = g_strdup ("{\"@context\": \"http://www.w3.org/ns/anno.jsonld\", \"id\": \"http://example.org/c\","
                                       " \"type\": \"AnnotationCollection\", \"total\": 0}");
  const struct
  {
    const char *json;
    guint       n;
  } cases[] = {
    { single, 1 },
    { array, 2 },
    { page, 2 },
    { collection, 2 },
    { inline_items, 2 },
    { empty, 0 },
    { "[]", 0 },
    { "{\"total\": 0, \"rows\": []}", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (MgDocument) document = mg_document_new_bundled ();
      g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
      g_autoptr (GBytes) data = bytes_for (cases[i].json);
      g_autoptr (GError) error = NULL;
      MgImportResult result;

      g_assert_true (mg_import_w3c (document, list, data, &result, &error));
      g_assert_no_error (error);
      assert_result (&result, cases[i].n, cases[i].n, 0, 0, 0, 0, cases[i].n, 0);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, cases[i].n);

      if (cases[i].n > 0)
        {
          MgAnnotation *imported = mg_annotation_list_lookup (list, "http://example.org/anno1");

          g_assert_nonnull (imported);
          g_assert_cmpstr (mg_annotation_get_note (imported), ==, "A comment");
          /* A palette colour as styleClass is the colour. */
          g_assert_cmpint (mg_annotation_get_color (imported), ==, MG_COLOR_BLUE);
        }
    }
}

/* What cannot be the annotation of a passage is counted and left out. */
static void
test_ignored_entries (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GBytes) data = bytes_for ("[\"http://example.org/only-a-link\","
                                       " {\"id\": \"http://example.org/a\", \"type\": \"Annotation\", \"target\": \"http://example.org/page\"},"
                                       " {\"id\": \"http://example.org/b\", \"type\": \"Annotation\", \"target\": [\"http://example.org/page\"]},"
                                       " {\"id\": \"http://example.org/c\", \"type\": \"Annotation\","
                                       "  \"target\": {\"source\": \"http://example.org/image\", \"selector\": {\"type\": \"FragmentSelector\", \"value\": \"xywh=1,2,3,4\"}}},"
                                       " {\"id\": \"http://example.org/d\", \"type\": \"Annotation\","
                                       "  \"target\": {\"source\": \"http://example.org/page\", \"selector\": [{\"type\": \"TextQuoteSelector\", \"exact\": \"Anthropic\"}]}}]");
  g_autoptr (GError) error = NULL;
  MgImportResult result;

  g_assert_true (mg_import_w3c (document, list, data, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_ignored, ==, 4);
  g_assert_cmpuint (result.n_added, ==, 1);
  g_assert_nonnull (mg_annotation_list_lookup (list, "http://example.org/d"));
}

/* Merging by id and modified */

static char *
annotation_json (const char *id,
                 const char *modified,
                 const char *note)
{
  return g_strdup_printf ("{\"id\": \"%s\", \"type\": \"Annotation\", \"created\": \"2026-01-01T00:00:00Z\","
                          " \"modified\": \"%s\", \"body\": [{\"type\": \"TextualBody\", \"value\": \"%s\"}],"
                          " \"target\": {\"selector\": [{\"type\": \"TextQuoteSelector\", \"exact\": \"level playing field\"},"
                          " {\"type\": \"TextPositionSelector\", \"start\": 10, \"end\": 29}]}}",
                          id, modified, note);
}

static MgAnnotationList *
list_with_one (MgDocument *document)
{
  MgAnnotationList *list = mg_annotation_list_new ();
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *json = annotation_json ("urn:uuid:00000000-0000-4000-8000-00000000000a",
                                           "2026-02-01T12:00:00.000Z", "Mine");

  data = bytes_for (json);
  g_assert_true (mg_import_w3c (document, list, data, NULL, &error));
  g_assert_no_error (error);

  return list;
}

static void
test_merge (void)
{
  static const struct
  {
    const char *modified;
    const char *expected_note;
    gboolean    updated;
  } cases[] = {
    { "2026-02-01T12:00:00.001Z", "Theirs", TRUE },
    { "2026-02-01T13:00:00+01:00", "Mine", FALSE }, /* the same instant */
    { "2026-01-31T12:00:00.000Z", "Mine", FALSE },
  };
  g_autoptr (MgDocument) document = mg_document_new_bundled ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (MgAnnotationList) list = list_with_one (document);
      g_autofree char *json = annotation_json ("urn:uuid:00000000-0000-4000-8000-00000000000a",
                                               cases[i].modified, "Theirs");
      g_autoptr (GBytes) data = bytes_for (json);
      g_autoptr (GError) error = NULL;
      MgImportResult result;
      MgAnnotation  *annotation;

      g_assert_true (mg_import_w3c (document, list, data, &result, &error));
      g_assert_no_error (error);
      if (cases[i].updated)
        assert_result (&result, 1, 0, 1, 0, 0, 0, 1, 0);
      else
        assert_result (&result, 1, 0, 0, 1, 0, 0, 0, 0);

      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
      annotation = mg_annotation_list_lookup (list, "urn:uuid:00000000-0000-4000-8000-00000000000a");
      g_assert_cmpstr (mg_annotation_get_note (annotation), ==, cases[i].expected_note);
    }
}

/* The file's own repeats of an id: the latest version wins. */
static void
test_merge_repeats_in_file (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autofree char *a = annotation_json ("urn:uuid:00000000-0000-4000-8000-00000000000b", "2026-02-01T12:00:00Z", "Older");
  g_autofree char *b = annotation_json ("urn:uuid:00000000-0000-4000-8000-00000000000b", "2026-02-03T12:00:00Z", "Newest");
  g_autofree char *c = annotation_json ("urn:uuid:00000000-0000-4000-8000-00000000000b", "2026-02-02T12:00:00Z", "Middle");
  g_autofree char *json = g_strdup_printf ("[%s, %s, %s]", a, b, c);
  g_autoptr (GBytes) data = bytes_for (json);
  g_autoptr (GError) error = NULL;
  MgImportResult result;

  g_assert_true (mg_import_w3c (document, list, data, &result, &error));
  g_assert_no_error (error);
  assert_result (&result, 3, 1, 0, 2, 0, 0, 1, 0);
  g_assert_cmpstr (mg_annotation_get_note (mg_annotation_list_lookup (list, "urn:uuid:00000000-0000-4000-8000-00000000000b")), ==, "Newest");
}

/* Repeats of an id with the same time but other contents are different
 * annotations: none is dropped, the later ones get ids of their own (the
 * same ones at every import of the file); a plain copy is left out. */
static void
test_repeats_kept (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autofree char *a = annotation_json ("urn:uuid:00000000-0000-4000-8000-00000000000e", "2026-02-01T12:00:00Z", "First");
  g_autofree char *b = annotation_json ("urn:uuid:00000000-0000-4000-8000-00000000000e", "2026-02-01T12:00:00Z", "Second");
  g_autofree char *c = annotation_json ("urn:uuid:00000000-0000-4000-8000-00000000000e", "2026-02-01T12:00:00Z", "Third");
  g_autofree char *json = g_strdup_printf ("[%s, %s, %s, %s]", a, b, c, b);
  g_autoptr (GBytes) data = bytes_for (json);
  g_autoptr (GHashTable) notes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  MgImportResult result;

  g_assert_true (mg_import_w3c (document, list, data, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_read, ==, 4);
  g_assert_cmpuint (result.n_added, ==, 3);
  g_assert_cmpuint (result.n_skipped, ==, 1);
  g_assert_cmpuint (result.n_renumbered, ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_cmpstr (mg_annotation_get_note (mg_annotation_list_lookup (list, "urn:uuid:00000000-0000-4000-8000-00000000000e")), ==, "First");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_hash_table_add (notes, (gpointer) mg_annotation_get_note (annotation));
    }
  g_assert_cmpuint (g_hash_table_size (notes), ==, 3);

  /* Again: nothing new. */
  g_assert_true (mg_import_w3c (document, list, data, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
}

/* A repeat's new id may be the id of another entry of the file (found by
 * fuzzing: the import then crashed on the missing versions of that id,
 * and could drop one annotation for the other): the repeat takes another
 * id, and all three are kept. */
static void
test_repeat_id_taken (void)
{
  const char      *id = "urn:uuid:00000000-0000-4000-8000-00000000000f";
  g_autofree char *name = g_strdup_printf ("%s#repeat-1", id);
  g_autofree char *taken = mg_export_uuid_urn_for_name (name);
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autofree char *a = annotation_json (id, "2026-02-01T12:00:00Z", "First");
  g_autofree char *b = annotation_json (id, "2026-02-01T12:00:00Z", "Second");
  g_autofree char *c = annotation_json (taken, "2026-02-01T12:00:00Z", "Third");
  g_autofree char *d = annotation_json (taken, "2026-02-01T12:00:00Z", "Fourth");
  g_autoptr (GHashTable) notes = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint order = 0; order < 2; order++)
    {
      g_autofree char *json = order == 0 ? g_strdup_printf ("[%s, %s, %s, %s]", a, b, c, d) : g_strdup_printf ("[%s, %s, %s, %s]", c, a, d, b);
      g_autoptr (GBytes) data = bytes_for (json);
      g_autoptr (GError) error = NULL;
      MgImportResult result;

      g_clear_object (&list);
      list = mg_annotation_list_new ();
      g_assert_true (mg_import_w3c (document, list, data, &result, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (result.n_added, ==, 4);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 4);
      g_hash_table_remove_all (notes);
      for (guint i = 0; i < 4; i++)
        {
          g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (list), i);

          g_hash_table_add (notes, (gpointer) mg_annotation_get_note (annotation));
        }
      g_assert_cmpuint (g_hash_table_size (notes), ==, 4);
    }
}

/* Versions of an id without any date (found by fuzzing: importing such a
 * file again added an annotation). They had the time of reading each
 * entry, so whether two of them had one time (both kept) or one was newer
 * (the other dropped) depended on the milliseconds between them: here,
 * thousands of entries apart, the first was dropped. They have the time of
 * the import, the same for all: both are kept, at every import. And as an
 * undated entry cannot say it is newer, importing the file again replaces
 * nothing, not even an annotation edited since. */
static void
test_repeats_undated (void)
{
  const char *id = "urn:uuid:00000000-0000-4000-8000-000000000010";
  const guint n_between = 5000;
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GString) json = g_string_new ("[");
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GHashTable) notes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) error = NULL;
  MgAnnotation  *edited;
  MgImportResult result;

#define UNDATED_JSON(note) "{\"id\": \"%s\", \"type\": \"Annotation\", \"body\": [{\"type\": \"TextualBody\", \"value\": \"" note "\"}]," \
                           " \"target\": {\"selector\": {\"type\": \"TextQuoteSelector\", \"exact\": \"level playing field\"}}}"
  g_string_append_printf (json, UNDATED_JSON ("First"), id);
  for (guint i = 0; i < n_between; i++)
    {
      g_autofree char *other = g_strdup_printf ("urn:uuid:00000000-0000-4000-9000-%012u", i);
      g_autofree char *entry = annotation_json (other, "2026-02-01T12:00:00Z", "Between");

      g_string_append_printf (json, ", %s", entry);
    }
  g_string_append (json, ", ");
  g_string_append_printf (json, UNDATED_JSON ("Second"), id);
#undef UNDATED_JSON
  g_string_append (json, "]");
  data = bytes_for (json->str);

  g_assert_true (mg_import_w3c (document, list, data, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_added, ==, n_between + 2);
  g_assert_cmpuint (result.n_renumbered, ==, 1);
  for (guint i = 0; i < n_between + 2; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_hash_table_add (notes, (gpointer) mg_annotation_get_note (annotation));
    }
  g_assert_true (g_hash_table_contains (notes, "First"));
  g_assert_true (g_hash_table_contains (notes, "Second"));

  /* Edited after the import, a moment later. */
  edited = mg_annotation_list_lookup (list, id);
  g_assert_nonnull (edited);
  mg_annotation_set_note (edited, "Edited");
  g_usleep (5000);

  for (guint round = 0; round < 2; round++)
    {
      g_assert_true (mg_import_w3c (document, list, data, &result, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (result.n_added, ==, 0);
      g_assert_cmpuint (result.n_updated, ==, 0);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n_between + 2);
      g_assert_cmpstr (mg_annotation_get_note (mg_annotation_list_lookup (list, id)), ==, "Edited");
    }
}

/* A file that cannot be read changes nothing */

static void
test_malformed (void)
{
  static const char nul_inside[] = "[{\"id\": \"x\0\"}]";
  g_autofree char  *deep = NULL;
  g_autofree char  *good = annotation_json ("urn:uuid:00000000-0000-4000-8000-00000000000c", "2026-03-01T00:00:00Z", "Newer");
  g_autofree char  *good_then_bad = NULL;
  g_autofree char  *bad_date = annotation_json ("urn:uuid:00000000-0000-4000-8000-00000000000d", "the day after", "x");
  g_autofree char  *bad_date_list = NULL;
  const char       *cases[] = {
          "not json at all",
          "",
          "   \n  ",
          "\xff\xfe[]",
          "42",
          "\"a string\"",
          "{\"foo\": 1}",
          "[1, 2]",
          "{\"type\": \"AnnotationCollection\", \"total\": 3, \"first\": \"http://example.org/page1\"}",
          "{\"type\": \"AnnotationPage\", \"items\": {\"not\": \"a list\"}}",
          "{\"id\": \"http://example.org/a\", \"type\": \"Annotation\"}",
          "{\"type\": \"Annotation\", \"target\": {\"selector\": {\"type\": \"TextQuoteSelector\", \"exact\": \"Anthropic\"}}}",
          "{\"id\": \"http://example.org/a\", \"target\": {\"selector\": {\"type\": \"TextQuoteSelector\", \"exact\": 7}}}",
          "{\"id\": \"http://example.org/a\", \"target\": {\"selector\": [{\"type\": \"TextQuoteSelector\", \"exact\": \"x\"},"
                " {\"type\": \"TextPositionSelector\", \"start\": 9, \"end\": 2}]}}",
          "{\"rows\": [{\"id\": \"abc\", \"text\": 5, \"target\": [{\"selector\": [{\"type\": \"TextQuoteSelector\", \"exact\": \"x\"}]}]}]}",
          NULL, /* deep */
          NULL, /* good then bad */
          NULL, /* a bad date */
  };
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  GString *nesting = g_string_new (NULL);

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (nesting, '[');
  deep = g_string_free (nesting, FALSE);
  cases[G_N_ELEMENTS (cases) - 3] = deep;
  good_then_bad = g_strdup_printf ("[%s, {\"id\": \"http://example.org/bad\", \"target\": {\"selector\": 3}}]", good);
  cases[G_N_ELEMENTS (cases) - 2] = good_then_bad;
  bad_date_list = g_strdup_printf ("{\"type\": \"AnnotationCollection\", \"first\": {\"items\": [%s, %s]}}", good, bad_date);
  cases[G_N_ELEMENTS (cases) - 1] = bad_date_list;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (MgAnnotationList) list = list_with_one (document);
      g_autoptr (GBytes) data = bytes_for (cases[i]);
      g_autoptr (GError) error = NULL;
      MgImportResult result = { 99, 99, 99, 99, 99, 99, 99, 99 };
      guint          n_changes = 0;

      g_signal_connect (list, "items-changed", G_CALLBACK (count_changes), &n_changes);

      g_assert_false (mg_import_w3c (document, list, data, &result, &error));
      g_assert_error (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_INVALID);
      g_test_message ("Case %u: %s", i, error->message);

      g_assert_cmpuint (n_changes, ==, 0);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
      g_assert_cmpstr (mg_annotation_get_note (mg_annotation_list_lookup (list, "urn:uuid:00000000-0000-4000-8000-00000000000a")), ==, "Mine");
      assert_result (&result, 0, 0, 0, 0, 0, 0, 0, 0);
    }

  /* Bytes after the JSON, and a NUL byte, are not JSON either. */
  {
    g_autoptr (MgAnnotationList) list = list_with_one (document);
    g_autoptr (GBytes) data = g_bytes_new_static (nul_inside, sizeof nul_inside - 1);
    g_autoptr (GError) error = NULL;

    g_assert_false (mg_import_w3c (document, list, data, NULL, &error));
    g_assert_error (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_INVALID);
  }
}

/* The messages say which annotation is wrong. */
static void
test_malformed_message (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autofree char *good = annotation_json ("urn:uuid:00000000-0000-4000-8000-00000000000e", "2026-03-01T00:00:00Z", "ok");
  g_autofree char *json = g_strdup_printf ("[%s, %s, {\"id\": \"http://example.org/bad\", \"created\": \"soon\","
                                           " \"target\": {\"selector\": {\"type\": \"TextQuoteSelector\", \"exact\": \"x\"}}}]",
                                           good, good);
  g_autoptr (GBytes) data = bytes_for (json);
  g_autoptr (GError) error = NULL;

  g_assert_false (mg_import_w3c (document, list, data, NULL, &error));
  g_assert_error (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "Annotation 3 of 3 cannot be imported: "));
  g_assert_nonnull (strstr (error->message, "created"));
}

static void
test_too_large (void)
{
  static const char small[] = "[]";
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) data = NULL;

  /* The size is refused before any byte is read, so the bytes need not
   * be there. */
  data = g_bytes_new_static (small, (gsize) MG_IMPORT_MAX_SIZE + 1);
  g_assert_false (mg_import_w3c (document, list, data, NULL, &error));
  g_assert_error (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_TOO_LARGE);
}

static void
test_lone_surrogate_repaired (void)
{
  static const char json[] = "{\"@context\": \"http://www.w3.org/ns/anno.jsonld\", \"type\": \"Annotation\","
                             " \"id\": \"urn:uuid:5d3f1a52-7c1e-4a36-9b8e-0c2b9d1e6f00\","
                             " \"created\": \"2026-01-02T03:04:05.000Z\", \"modified\": \"2026-01-02T03:04:05.000Z\","
                             " \"body\": {\"type\": \"TextualBody\", \"purpose\": \"commenting\", \"value\": \"broken \\ud800 escape\"},"
                             " \"target\": {\"selector\": {\"type\": \"TextQuoteSelector\", \"exact\": \"export ban\"}}}";
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GBytes) bytes = g_bytes_new_static (json, sizeof json - 1);
  g_autoptr (GError) error = NULL;
  MgImportResult result = { 0 };
  MgAnnotation  *annotation;

  /* A lone UTF-16 surrogate escape, which json-glib would turn into bytes
   * that are not UTF-8, is read as U+FFFD: the annotation is kept. */
  g_assert_true (mg_import_w3c (document, list, bytes, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.n_added, ==, 1);
  annotation = mg_annotation_list_lookup (list, "urn:uuid:5d3f1a52-7c1e-4a36-9b8e-0c2b9d1e6f00");
  g_assert_nonnull (annotation);
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "broken \xEF\xBF\xBD escape");
}

/* Orphans: our W3C export marks an annotation whose passage it did not
 * find, and gives it no position; imported, it claims no place either. */

static const char orphan_text[] = "The quick brown fox jumps over the lazy dog.\n";

static MgDocument *
document_for (const char *text)
{
  g_autoptr (GBytes) bytes = bytes_for (text);
  g_autoptr (GError) error = NULL;
  MgDocument *document;

  document = mg_document_loader_load_bytes (bytes, "file:///tmp/orphans.txt", "Orphans", MG_DOCUMENT_FORMAT_TEXT, &error);
  g_assert_no_error (error);

  return document;
}

/* The export of an orphan whose stored position covers "quick brown fox". */
static char *
export_orphan (MgDocument *document,
               GDateTime  *now)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotation) orphan = mg_annotation_new ("a sentence cut from this version", "words that came before ", " and words after it",
                                                       4, 19, MG_COLOR_PINK);
  const char *const tags[] = { "lost", NULL };
  MgExportOptions   options = { .now = now };

  mg_annotation_set_note (orphan, "Cut in the second draft.");
  mg_annotation_set_tags (orphan, tags);
  mg_anchor_annotation (orphan, document);
  g_assert_cmpint (mg_annotation_get_state (orphan), ==, MG_ANNOTATION_STATE_ORPHANED);
  mg_annotation_list_add (list, orphan);

  return mg_export_w3c (document, G_LIST_MODEL (list), &options);
}

static MgAnnotation *
only_annotation (MgAnnotationList *list)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);

  return g_list_model_get_item (G_LIST_MODEL (list), 0);
}

/* Exported and imported again: not found, with its quote, context, note
 * and tags, and no position; exported again, the same file. */
static void
test_w3c_orphan_round_trip (void)
{
  g_autoptr (MgDocument) document = document_for (orphan_text);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) now = g_date_time_new_from_iso8601 ("2026-03-14T09:26:53Z", utc);
  g_autofree char *json = export_orphan (document, now);
  g_autoptr (GBytes) data = bytes_for (json);
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *again = NULL;
  MgExportOptions  options = { .now = now };
  MgImportResult   result;

  g_assert_null (strstr (json, "TextPositionSelector"));
  g_assert_nonnull (strstr (json, "\"marginalia:state\": \"orphaned\""));

  g_assert_true (mg_import_w3c (document, list, data, &result, &error));
  g_assert_no_error (error);
  assert_result (&result, 1, 1, 0, 0, 0, 0, 0, 1);

  annotation = only_annotation (list);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ORPHANED);
  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "a sentence cut from this version");
  g_assert_cmpstr (mg_annotation_get_prefix (annotation), ==, "words that came before ");
  g_assert_cmpstr (mg_annotation_get_suffix (annotation), ==, " and words after it");
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "Cut in the second draft.");
  g_assert_true (mg_annotation_has_tag (annotation, "lost"));
  g_assert_cmpint (mg_annotation_get_color (annotation), ==, MG_COLOR_PINK);
  g_assert_cmpuint (mg_annotation_get_start (annotation), ==, 0);
  g_assert_cmpuint (mg_annotation_get_end (annotation), ==, 0);

  again = mg_export_w3c (document, G_LIST_MODEL (list), &options);
  g_assert_cmpstr (again, ==, json);
}

/* A target marked as not found claims no place even with a position
 * selector in it: the position is dropped. Without the mark it is kept.
 * In a version of the document that holds the passage, the marked
 * annotation is found by its quote. */
static void
test_w3c_orphan_mark_read (void)
{
  g_autoptr (MgDocument) document = document_for (orphan_text);
  g_autoptr (MgDocument) older = document_for ("Some words that came before a sentence cut from this version and words after it.\n");
  g_autofree char *json = export_orphan (document, NULL);

  for (guint marked = 0; marked < 2; marked++)
    {
      g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (MgAnnotation) annotation = NULL;
      g_autoptr (GBytes) data = NULL;
      g_autofree char *edited = NULL;
      JsonObject      *target;
      JsonObject      *position = json_object_new ();

      g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
      target = json_object_get_object_member (json_array_get_object_element (json_object_get_array_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "first"), "items"), 0), "target");
      json_object_set_string_member (position, "type", "TextPositionSelector");
      json_object_set_int_member (position, "start", 4);
      json_object_set_int_member (position, "end", 19);
      json_array_add_object_element (json_object_get_array_member (target, "selector"), position);
      if (!marked)
        json_object_remove_member (target, "marginalia:state");
      edited = json_to_string (json_parser_get_root (parser), FALSE);
      data = bytes_for (edited);

      g_assert_true (mg_import_w3c (document, list, data, NULL, &error));
      g_assert_no_error (error);
      annotation = only_annotation (list);
      g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ORPHANED);
      g_assert_cmpuint (mg_annotation_get_start (annotation), ==, marked ? 0 : 4);
      g_assert_cmpuint (mg_annotation_get_end (annotation), ==, marked ? 0 : 19);
    }

  {
    g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
    g_autoptr (GBytes) data = bytes_for (json);
    g_autoptr (GError) error = NULL;
    g_autoptr (MgAnnotation) annotation = NULL;

    g_assert_true (mg_import_w3c (older, list, data, NULL, &error));
    g_assert_no_error (error);
    annotation = only_annotation (list);
    /* Found (without a position to have been found at). */
    g_assert_cmpint (mg_annotation_get_state (annotation), !=, MG_ANNOTATION_STATE_ORPHANED);
    g_assert_cmpuint (mg_annotation_get_range_start (annotation), ==, 28);
    g_assert_cmpuint (mg_annotation_get_range_end (annotation), ==, 28 + strlen ("a sentence cut from this version"));
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/import/hypothesis/sample", test_hypothesis_sample);
  g_test_add_func ("/import/w3c/lone-surrogate-repaired", test_lone_surrogate_repaired);
  g_test_add_func ("/import/hypothesis/single-row", test_hypothesis_single_row);
  g_test_add_func ("/import/w3c/round-trip", test_w3c_round_trip);
  g_test_add_func ("/import/w3c/orphan/round-trip", test_w3c_orphan_round_trip);
  g_test_add_func ("/import/w3c/orphan/mark-read", test_w3c_orphan_mark_read);
  g_test_add_func ("/import/w3c/shapes", test_w3c_shapes);
  g_test_add_func ("/import/ignored-entries", test_ignored_entries);
  g_test_add_func ("/import/merge/by-modified", test_merge);
  g_test_add_func ("/import/merge/repeats-in-file", test_merge_repeats_in_file);
  g_test_add_func ("/import/merge/repeats-kept", test_repeats_kept);
  g_test_add_func ("/import/merge/repeat-id-taken", test_repeat_id_taken);
  g_test_add_func ("/import/merge/repeats-undated", test_repeats_undated);
  g_test_add_func ("/import/malformed/changes-nothing", test_malformed);
  g_test_add_func ("/import/malformed/message", test_malformed_message);
  g_test_add_func ("/import/malformed/too-large", test_too_large);

  return g_test_run ();
}
