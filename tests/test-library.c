/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "mg-document-ids.h"
#include "mg-document-loader.h"
#include "mg-document.h"
#include "mg-library-fixture.h"
#include "mg-library.h"
#include "mg-reading-positions.h"
#include "mg-store-private.h"
#include "mg-test-utils.h"

/* The library's core (MgLibrary): the list of documents and the SQLite
 * index behind it, from folders of store files written by the store's
 * own writer (mg-library-fixture.c). No display. Each test has an
 * annotations folder and an index of its own. */

typedef struct
{
  char *dir;
  char *folder;
  char *index;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("mg-library-XXXXXX", &error);
  g_assert_no_error (error);
  f->folder = g_build_filename (f->dir, "annotations", NULL);
  f->index = g_build_filename (f->dir, "cache", "library.sqlite", NULL);
  g_assert_cmpint (g_mkdir (f->folder, 0700), ==, 0);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  mg_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->folder);
  g_free (f->index);
}

static MgLibrary *
open_library (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  MgLibrary *library = mg_library_new (f->folder, f->index);

  mg_library_update (library, NULL, &error);
  g_assert_no_error (error);

  return library;
}

static MgLibraryDocument *
find_by_title (MgLibrary  *library,
               const char *title)
{
  GListModel *documents = mg_library_get_documents (library);

  for (guint i = 0; i < g_list_model_get_n_items (documents); i++)
    {
      g_autoptr (MgLibraryDocument) document = g_list_model_get_item (documents, i);

      if (g_strcmp0 (mg_library_document_get_title (document), title) == 0)
        return document;
    }

  return NULL;
}

static guint
count_hits (MgLibrary  *library,
            const char *query)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) hits = mg_library_search (library, query, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (hits);

  return hits->len;
}

static void
update (MgLibrary *library)
{
  g_autoptr (GError) error = NULL;

  mg_library_update (library, NULL, &error);
  g_assert_no_error (error);
}

/* The file of a document, to change it behind the library's back. */
static char *
file_of (Fixture    *f,
         const char *id)
{
  g_autofree char *name = mg_document_id_file_name (id);

  return g_build_filename (f->folder, name, NULL);
}

static void
test_list (Fixture      *f,
           gconstpointer data)
{
  g_autoptr (MgLibrary) library = NULL;
  g_autoptr (GPtrArray) annotations = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char   *id = NULL;
  g_autofree char   *other = NULL;
  MgLibraryDocument *document;

  g_ptr_array_add (annotations, mg_library_fixture_annotation ("first passage", NULL, NULL, MG_COLOR_GREEN));
  g_ptr_array_add (annotations, mg_library_fixture_annotation ("second passage", "a note", "method", MG_COLOR_PINK));
  id = mg_library_fixture_write (f->folder, "Two Highlights", "file:///nowhere/two.txt", NULL, annotations);
  other = mg_library_fixture_write_one (f->folder, "One Highlight", NULL, "alone", NULL, NULL, MG_COLOR_YELLOW);

  library = open_library (f);
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, 2);
  g_assert_cmpuint (mg_library_get_n_files_read (library), ==, 2);

  document = find_by_title (library, "Two Highlights");
  g_assert_nonnull (document);
  g_assert_cmpstr (mg_library_document_get_id (document), ==, id);
  g_assert_true (mg_library_find_document (library, id) == document);
  g_assert_cmpuint (mg_library_document_get_n_highlights (document), ==, 2);
  g_assert_cmpuint (mg_library_document_get_colors (document), ==, (1u << MG_COLOR_GREEN) | (1u << MG_COLOR_PINK));
  g_assert_cmpstr (mg_library_document_get_uri (document), ==, "file:///nowhere/two.txt");
  g_assert_cmpstr (mg_library_document_get_path (document), ==, "/nowhere/two.txt");
  g_assert_false (mg_library_document_get_exists (document));
  g_assert_cmpint (mg_library_document_get_state (document), ==, MG_LIBRARY_DOCUMENT_MISSING);
  g_assert_cmpint (mg_library_document_get_last_read (document), >, 0);
  g_assert_cmpfloat (mg_library_document_get_progress (document), ==, -1.0);
  g_assert_nonnull (mg_library_document_get_store_path (document));

  document = find_by_title (library, "One Highlight");
  g_assert_nonnull (document);
  g_assert_null (mg_library_document_get_uri (document));
  g_assert_cmpuint (mg_library_document_get_colors (document), ==, 1u << MG_COLOR_YELLOW);
  g_clear_object (&library);

  /* A new library lists what its index holds before any update: the
   * files are not read (nor looked at: one removed is still listed). */
  {
    g_autofree char *path = file_of (f, other);

    g_assert_cmpint (g_unlink (path), ==, 0);
  }
  library = mg_library_new (f->folder, f->index);
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, 2);
  g_assert_nonnull (find_by_title (library, "Two Highlights"));
  update (library);
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, 1);
}

static void
count_changes (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               guint      *changes)
{
  (*changes)++;
}

/* Only what changed is read again; the same bytes with a new time are
 * not read again either (the hash). */
static void
test_incremental (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (MgLibrary) library = NULL;
  g_autofree char *id = mg_library_fixture_write_one (f->folder, "Alpha", NULL, "alpha quote", NULL, NULL, MG_COLOR_YELLOW);
  g_autofree char *id2 = mg_library_fixture_write_one (f->folder, "Beta", NULL, "beta quote", NULL, NULL, MG_COLOR_YELLOW);
  g_autofree char *path = file_of (f, id);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  MgLibraryDocument *document;
  gulong             handler;
  guint              changes = 0;

  library = open_library (f);
  g_assert_cmpuint (mg_library_get_n_files_read (library), ==, 2);
  document = find_by_title (library, "Alpha");
  g_object_ref (document);

  update (library);
  g_assert_cmpuint (mg_library_get_n_files_read (library), ==, 0);

  /* Touched, same bytes. */
  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  g_usleep (20000);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  update (library);
  g_assert_cmpuint (mg_library_get_n_files_read (library), ==, 0);

  /* Changed: the row changes in place. */
  handler = g_signal_connect (mg_library_get_documents (library), "items-changed",
                              G_CALLBACK (count_changes), &changes);
  g_clear_pointer (&id, g_free);
  {
    g_autoptr (GPtrArray) annotations = g_ptr_array_new_with_free_func (g_object_unref);

    g_ptr_array_add (annotations, mg_library_fixture_annotation ("alpha quote", NULL, NULL, MG_COLOR_YELLOW));
    g_ptr_array_add (annotations, mg_library_fixture_annotation ("gamma addition", NULL, NULL, MG_COLOR_BLUE));
    id = mg_library_fixture_write (f->folder, "Alpha", NULL, NULL, annotations);
  }
  update (library);
  g_assert_cmpuint (mg_library_get_n_files_read (library), ==, 1);
  g_assert_true (find_by_title (library, "Alpha") == document);
  g_assert_cmpuint (mg_library_document_get_n_highlights (document), ==, 2);
  g_assert_cmpuint (count_hits (library, "gamma"), ==, 1);
  g_assert_cmpuint (changes, ==, 0);
  g_signal_handler_disconnect (mg_library_get_documents (library), handler);
  g_object_unref (document);
  g_clear_object (&library);

  /* The index deleted: nothing is lost, all is read again. */
  {
    const char *suffixes[] = { "", "-wal", "-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *name = g_strconcat (f->index, suffixes[i], NULL);

        g_remove (name);
      }
  }
  library = open_library (f);
  g_assert_cmpuint (mg_library_get_n_files_read (library), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, 2);
  g_assert_cmpuint (count_hits (library, "gamma"), ==, 1);
}

static void
test_search (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (MgLibrary) library = NULL;
  g_autoptr (GPtrArray) hits = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char     *id = NULL;
  const MgLibraryMark *marks;
  MgLibraryHit        *hit;
  guint                n_marks;
  const char *const    odd[] = {
       "\"",
       "\"\"",
       "AND",
       "OR NOT",
       "*",
       "(",
       ")",
       "NEAR(a b)",
       "a:b",
       "^",
       "-",
       "#",
       "# #",
       "\"unclosed phrase",
       "quote\" AND \"x",
       "{quote}",
       "'",
       "\\",
       "…",
       "résumé*",
       "NOT résumé",
       "+",
       "col : x",
  };

  g_free (mg_library_fixture_write_one (f->folder, "Cooking at Home", NULL,
                                        "Her Résumé listed every café in town", "Ask about the crème brûlée",
                                        "method,idea", MG_COLOR_GREEN));
  g_free (mg_library_fixture_write_one (f->folder, "Résumé Writing", NULL,
                                        "the quick brown fox jumps", NULL, "todo", MG_COLOR_YELLOW));
  id = mg_library_fixture_write_one (f->folder, "Physics", NULL,
                                     "brown dwarfs are quick to cool", "methodical notes", NULL, MG_COLOR_BLUE);
  library = open_library (f);

  /* Accents and case. */
  g_assert_cmpuint (count_hits (library, "resume "), ==, 2);
  g_assert_cmpuint (count_hits (library, "CAFE "), ==, 1);
  g_assert_cmpuint (count_hits (library, "creme brulee "), ==, 1);
  /* All words must match, in any field. */
  g_assert_cmpuint (count_hits (library, "resume cafe "), ==, 1);
  g_assert_cmpuint (count_hits (library, "quick brown "), ==, 2);
  /* Phrases. */
  g_assert_cmpuint (count_hits (library, "\"quick brown\""), ==, 1);
  g_assert_cmpuint (count_hits (library, "\"brown quick\""), ==, 0);
  /* The last word is a prefix while typing, not after a space. */
  g_assert_cmpuint (count_hits (library, "jum"), ==, 1);
  g_assert_cmpuint (count_hits (library, "jum "), ==, 0);
  g_assert_cmpuint (count_hits (library, "method"), ==, 2);
  g_assert_cmpuint (count_hits (library, "method "), ==, 1);
  /* Tags. */
  g_assert_cmpuint (count_hits (library, "#idea"), ==, 1);
  g_assert_cmpuint (count_hits (library, "#methodical "), ==, 0);
  /* The title. */
  g_assert_cmpuint (count_hits (library, "physics"), ==, 1);
  g_assert_cmpuint (count_hits (library, "writing fox"), ==, 1);
  /* Nothing to look for. */
  g_assert_cmpuint (count_hits (library, ""), ==, 0);
  g_assert_cmpuint (count_hits (library, "   "), ==, 0);
  /* No input is FTS syntax. */
  for (guint i = 0; i < G_N_ELEMENTS (odd); i++)
    count_hits (library, odd[i]);

  /* Filters, with or without words. */
  hits = mg_library_search (library, NULL, "blue", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = mg_library_search (library, "quick", NULL, "todo", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = mg_library_search (library, "quick", "pink", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* What a hit holds, and the marks: byte ranges of the matched words. */
  hits = mg_library_search (library, "cafe resu", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  hit = g_ptr_array_index (hits, 0);
  g_assert_cmpstr (mg_library_hit_get_document_title (hit), ==, "Cooking at Home");
  g_assert_cmpstr (mg_library_hit_get_quote (hit), ==, "Her Résumé listed every café in town");
  g_assert_cmpstr (mg_library_hit_get_note (hit), ==, "Ask about the crème brûlée");
  g_assert_cmpstrv (mg_library_hit_get_tags (hit), ((const char *const[]){ "method", "idea", NULL }));
  g_assert_cmpint (mg_library_hit_get_color (hit), ==, MG_COLOR_GREEN);
  g_assert_true (mg_document_id_is_valid (mg_library_hit_get_document_id (hit)));
  g_assert_nonnull (mg_library_hit_get_annotation_id (hit));
  g_assert_cmpfloat (mg_library_hit_get_rank (hit), <, 0.0);
  marks = mg_library_hit_get_marks (hit, MG_LIBRARY_FIELD_QUOTE, &n_marks);
  g_assert_cmpuint (n_marks, ==, 2);
  g_assert_cmpuint (marks[0].start, ==, strlen ("Her "));
  g_assert_cmpuint (marks[0].end, ==, strlen ("Her Résumé"));
  g_assert_cmpuint (marks[1].start, ==, strlen ("Her Résumé listed every "));
  g_assert_cmpuint (marks[1].end, ==, strlen ("Her Résumé listed every café"));
  mg_library_hit_get_marks (hit, MG_LIBRARY_FIELD_NOTE, &n_marks);
  g_assert_cmpuint (n_marks, ==, 0);
  {
    g_autofree char *link = mg_library_hit_get_link (hit);

    g_assert_true (g_str_has_prefix (link, "marginalia://open?document="));
  }
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* The title weighs more: its document comes first. */
  hits = mg_library_search (library, "resume", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 2);
  g_assert_cmpstr (mg_library_hit_get_document_title (g_ptr_array_index (hits, 0)), ==, "Résumé Writing");
  marks = mg_library_hit_get_marks (g_ptr_array_index (hits, 0), MG_LIBRARY_FIELD_TITLE, &n_marks);
  g_assert_cmpuint (n_marks, ==, 1);
  g_assert_cmpuint (marks[0].start, ==, 0);
  g_assert_cmpuint (marks[0].end, ==, strlen ("Résumé"));
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Tags with counts; annotations of a document. */
  {
    g_autoptr (GPtrArray) tags = mg_library_list_tags (library);
    g_autoptr (GPtrArray) annotations = mg_library_list_annotations (library, id);

    g_assert_cmpuint (tags->len, ==, 3);
    for (guint i = 0; i < tags->len; i++)
      g_assert_cmpuint (((MgLibraryTag *) g_ptr_array_index (tags, i))->count, ==, 1);
    g_assert_cmpuint (annotations->len, ==, 1);
    g_assert_cmpstr (mg_library_hit_get_quote (g_ptr_array_index (annotations, 0)), ==, "brown dwarfs are quick to cool");
    g_assert_cmpstr (mg_library_hit_get_note (g_ptr_array_index (annotations, 0)), ==, "methodical notes");
  }
}

/* A version 1 file (named after the URI, no id) is its document's until
 * the store migrates it; beside the document's own file, the own one is
 * listed, once. */
static void
test_legacy_file (Fixture      *f,
                  gconstpointer data)
{
  g_autoptr (MgLibrary) library = NULL;
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func (mg_store_item_free);
  g_autoptr (GPtrArray) deleted = g_ptr_array_new ();
  g_autoptr (MgAnnotation) annotation = mg_library_fixture_annotation ("legacy words", NULL, NULL, MG_COLOR_BLUE);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char   *sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "Old Paper", -1);
  g_autofree char   *id = mg_document_id_for_sha256 (sha256);
  g_autofree char   *name = mg_store_file_name_for_uri ("file:///old/paper.txt");
  g_autofree char   *path = g_build_filename (f->folder, name, NULL);
  MgLibraryDocument *document;

  g_ptr_array_add (entries, mg_store_item_new_annotation (annotation));
  bytes = mg_store_format_write (NULL, "file:///old/paper.txt", sha256, "Old Paper", entries, deleted, 1024);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);

  library = open_library (f);
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, 1);
  document = mg_library_find_document (library, id);
  g_assert_nonnull (document);
  g_assert_cmpstr (mg_library_document_get_store_path (document), ==, path);
  g_assert_cmpuint (mg_library_document_get_n_highlights (document), ==, 1);

  /* Its own file appears beside it: listed once, from that one. */
  g_free (mg_library_fixture_write_one (f->folder, "Old Paper", "file:///old/paper.txt", "newer words", NULL, NULL,
                                        MG_COLOR_YELLOW));
  update (library);
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, 1);
  g_assert_true (mg_library_find_document (library, id) == document);
  g_assert_cmpstr (mg_library_document_get_store_path (document), !=, path);
  g_assert_cmpuint (count_hits (library, "newer"), ==, 1);
}

static void
test_file_deleted (Fixture      *f,
                   gconstpointer data)
{
  g_autoptr (MgLibrary) library = NULL;
  g_autofree char *id = mg_library_fixture_write_one (f->folder, "Doomed", NULL, "ephemeral words", NULL, "gone", MG_COLOR_YELLOW);
  g_autofree char *path = file_of (f, id);
  g_autoptr (GPtrArray) tags = NULL;

  g_free (mg_library_fixture_write_one (f->folder, "Kept", NULL, "lasting words", NULL, NULL, MG_COLOR_YELLOW));
  library = open_library (f);
  g_assert_cmpuint (count_hits (library, "ephemeral"), ==, 1);

  g_assert_cmpint (g_unlink (path), ==, 0);
  update (library);
  g_assert_cmpuint (count_hits (library, "ephemeral"), ==, 0);
  g_assert_cmpuint (count_hits (library, "words"), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, 1);
  g_assert_null (mg_library_find_document (library, id));
  tags = mg_library_list_tags (library);
  g_assert_cmpuint (tags->len, ==, 0);
}

static void
test_remove_restore (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (MgLibrary) library = NULL;
  g_autofree char *id = mg_library_fixture_write_one (f->folder, "Removable", NULL, "remove me", NULL, NULL, MG_COLOR_YELLOW);
  g_autofree char *path = file_of (f, id);
  g_autoptr (GError) error = NULL;

  library = open_library (f);
  g_assert_true (mg_library_remove_document (library, id, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (mg_library_find_document (library, id));
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, 0);
  g_assert_cmpuint (count_hits (library, "remove"), ==, 0);

  g_assert_true (mg_library_restore_document (library, id, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_nonnull (mg_library_find_document (library, id));
  g_assert_cmpuint (count_hits (library, "remove"), ==, 1);

  /* What was removed long ago (by any process) goes to the trash when a
   * library is next made; what was just removed stays to be restored. */
  g_assert_true (mg_library_remove_document (library, id, &error));
  g_assert_no_error (error);
  {
    g_autofree char *removed = g_build_filename (g_get_user_state_dir (), APP_ID, "removed", NULL);
    g_autofree char *old = g_build_filename (removed, "1000-old.json", NULL);
    g_autoptr (MgLibrary) other = NULL;

    g_file_set_contents (old, "{}", -1, &error);
    g_assert_no_error (error);
    other = mg_library_new (f->folder, f->index);
    g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
  }
  g_assert_true (mg_library_restore_document (library, id, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  /* Twice is an error, as is an unknown id. */
  g_assert_false (mg_library_restore_document (library, id, &error));
  g_assert_error (error, MG_LIBRARY_ERROR, MG_LIBRARY_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (mg_library_remove_document (library, "urn:uuid:00000000-0000-0000-0000-000000000000", &error));
  g_assert_error (error, MG_LIBRARY_ERROR, MG_LIBRARY_ERROR_NOT_FOUND);
}

static char *
write_text (Fixture    *f,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&path);
}

static void
test_relink (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (MgLibrary) library = NULL;
  g_autoptr (GPtrArray) annotations = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *original = write_text (f, "paper.txt", "A paper about relinking documents.\n");
  g_autofree char *edited = write_text (f, "edited.txt", "A paper about relinking documents, edited.\n");
  g_autoptr (GFile) original_file = g_file_new_for_path (original);
  g_autoptr (GFile) edited_file = g_file_new_for_path (edited);
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char   *id = NULL;
  g_autofree char   *uri = g_file_get_uri (original_file);
  MgLibraryDocument *row;
  gboolean           changed = TRUE;

  document = mg_document_loader_load_file (original_file, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (annotations, mg_library_fixture_annotation ("relinking", NULL, NULL, MG_COLOR_YELLOW));
  id = mg_library_fixture_write (f->folder, "Paper", "file:///old/place/paper.txt",
                                 mg_document_get_sha256 (document), annotations);

  library = open_library (f);
  row = mg_library_find_document (library, id);
  g_assert_cmpint (mg_library_document_get_state (row), ==, MG_LIBRARY_DOCUMENT_MISSING);

  g_assert_true (mg_library_relink_document (library, id, original_file, &changed, &error));
  g_assert_no_error (error);
  g_assert_false (changed);
  g_assert_true (mg_library_find_document (library, id) == row);
  g_assert_cmpstr (mg_library_document_get_uri (row), ==, uri);
  g_assert_true (mg_library_document_get_exists (row));
  g_assert_cmpint (mg_library_document_get_state (row), ==, MG_LIBRARY_DOCUMENT_OK);

  g_assert_true (mg_library_relink_document (library, id, edited_file, &changed, &error));
  g_assert_no_error (error);
  g_assert_true (changed);
  g_assert_true (g_str_has_suffix (mg_library_document_get_uri (row), "edited.txt"));
}

static void
corrupt_index_subprocess (Fixture *f)
{
  g_autoptr (MgLibrary) library = NULL;
  g_autoptr (GError) error = NULL;

  library = mg_library_new (f->folder, f->index);
  g_assert_true (mg_library_update (library, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, 1);
  g_assert_cmpuint (count_hits (library, "sturdy"), ==, 1);
}

static void
test_corrupt_index (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *garbage = NULL;

  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_strdup (g_getenv ("MG_TEST_LIBRARY_DIR"));

      g_free (f->folder);
      g_free (f->index);
      f->folder = g_build_filename (dir, "annotations", NULL);
      f->index = g_build_filename (dir, "cache", "library.sqlite", NULL);
      corrupt_index_subprocess (f);
      return;
    }

  g_free (mg_library_fixture_write_one (f->folder, "Sturdy", NULL, "sturdy words", NULL, NULL, MG_COLOR_YELLOW));
  {
    g_autoptr (MgLibrary) library = open_library (f);
  }
  g_assert_true (g_file_test (f->index, G_FILE_TEST_EXISTS));

  /* Garbage over the whole database. */
  garbage = g_strnfill (8192, 'x');
  g_file_set_contents (f->index, garbage, -1, &error);
  g_assert_no_error (error);
  g_setenv ("MG_TEST_LIBRARY_DIR", f->dir, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*library index*building it again*");

  /* It was rebuilt: the next opening says nothing. */
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("");
}

static void
test_locked_index (Fixture      *f,
                   gconstpointer data)
{
  sqlite3 *other = NULL;

  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_strdup (g_getenv ("MG_TEST_LIBRARY_DIR"));

      g_free (f->folder);
      g_free (f->index);
      f->folder = g_build_filename (dir, "annotations", NULL);
      f->index = g_build_filename (dir, "cache", "library.sqlite", NULL);
      corrupt_index_subprocess (f);
      return;
    }

  g_free (mg_library_fixture_write_one (f->folder, "Sturdy", NULL, "sturdy words", NULL, NULL, MG_COLOR_YELLOW));
  {
    g_autoptr (MgLibrary) library = open_library (f);
  }

  /* Another process holds the database, exclusively. */
  g_assert_cmpint (sqlite3_open (f->index, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; "
                                        "INSERT INTO meta VALUES ('held', 'yes');",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);

  g_setenv ("MG_TEST_LIBRARY_DIR", f->dir, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*library index*in memory*");

  sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (other);
}

static void
test_unreadable (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (MgLibrary) library = NULL;
  g_autofree char *broken = g_build_filename (f->folder, "0f8fad5b-d9cb-469f-a165-70867728950e.json", NULL);
  g_autofree char *aside = g_build_filename (f->folder, "7c9e6679-7425-40de-944b-e07fc1f90ae7.json.corrupt-20260101T000000Z", NULL);
  g_autofree char *copy = g_build_filename (f->folder, "7c9e6679-7425-40de-944b-e07fc1f90ae7.sync-conflict-20260101-000000-ABCDEFG.json", NULL);
  g_autoptr (GError) error = NULL;
  MgLibraryDocument *document;

  g_free (mg_library_fixture_write_one (f->folder, "Fine", NULL, "fine words", NULL, NULL, MG_COLOR_YELLOW));
  g_file_set_contents (broken, "{ \"version\": 2, \"document\": ", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (aside, "\x01\x02 not json", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (copy, "{}", -1, &error);
  g_assert_no_error (error);

  library = open_library (f);
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, 3);

  document = mg_library_find_document (library, "urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e");
  g_assert_nonnull (document);
  g_assert_cmpint (mg_library_document_get_state (document), ==, MG_LIBRARY_DOCUMENT_UNREADABLE);
  g_assert_true (g_str_has_prefix (mg_library_document_get_message (document), "Could not be read: "));
  g_assert_cmpuint (mg_library_document_get_n_highlights (document), ==, 0);

  document = mg_library_find_document (library, "urn:uuid:7c9e6679-7425-40de-944b-e07fc1f90ae7");
  g_assert_nonnull (document);
  g_assert_cmpint (mg_library_document_get_state (document), ==, MG_LIBRARY_DOCUMENT_UNREADABLE);
  g_assert_nonnull (strstr (mg_library_document_get_message (document), "set aside as"));
  g_assert_nonnull (strstr (mg_library_document_get_message (document), ".json.corrupt-20260101T000000Z"));

  g_assert_cmpuint (count_hits (library, "fine"), ==, 1);
}

/* Opened and closed without annotations: listed from the reading
 * positions, with its progress once its length is known. */
static void
test_opened_without_annotations (Fixture      *f,
                                 gconstpointer data)
{
  g_autoptr (MgLibrary) library = NULL;
  g_autofree char    *path = write_text (f, "plain.txt", "Nothing highlighted here.\n");
  g_autofree char    *uri = g_filename_to_uri (path, NULL, NULL);
  MgReadingPositions *positions = mg_reading_positions_get_default ();
  MgLibraryDocument  *document;

  mg_reading_positions_set_offset (positions, uri, 25);
  library = mg_library_new (f->folder, f->index);
  mg_library_note_length (library, uri, 100);
  update (library);
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, 1);
  document = find_by_title (library, "plain.txt");
  g_assert_nonnull (document);
  g_assert_cmpstr (mg_library_document_get_uri (document), ==, uri);
  g_assert_true (mg_library_document_get_exists (document));
  g_assert_cmpuint (mg_library_document_get_n_highlights (document), ==, 0);
  g_assert_cmpfloat_with_epsilon (mg_library_document_get_progress (document), 0.25, 1e-9);
  g_assert_cmpint (mg_library_document_get_last_read (document), >=, g_get_real_time () / G_USEC_PER_SEC - 60);

  /* Removed from the library: its position is forgotten, and back. */
  g_assert_true (mg_library_remove_document (library, uri, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, 0);
  g_assert_true (mg_library_restore_document (library, uri, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, 1);
  mg_reading_positions_forget (positions, uri);
}

static void
test_many_files (Fixture      *f,
                 gconstpointer data)
{
  g_autoptr (MgLibrary) library = NULL;
  gint64 start;

  mg_library_fixture_generate (f->folder, 2000, 3, 7);
  start = g_get_monotonic_time ();
  library = open_library (f);
  g_test_message ("2,000 files indexed in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, 2000);
  g_assert_cmpuint (count_hits (library, "Document 1999"), ==, 3);

  start = g_get_monotonic_time ();
  update (library);
  g_test_message ("2,000 files checked in %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - start) / 1000);
  g_assert_cmpuint (mg_library_get_n_files_read (library), ==, 0);
}

static gboolean
has_n_documents (gpointer user_data)
{
  gpointer *args = user_data;

  return g_list_model_get_n_items (args[0]) == GPOINTER_TO_UINT (args[1]);
}

static gboolean
hits_found (gpointer user_data)
{
  return count_hits (user_data, "outsider") == 1;
}

/* Another program writes and removes files: the list follows. */
static void
test_live (Fixture      *f,
           gconstpointer data)
{
  g_autoptr (MgLibrary) library = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  gpointer         args[2];

  g_free (mg_library_fixture_write_one (f->folder, "Present", NULL, "present words", NULL, NULL, MG_COLOR_YELLOW));
  library = open_library (f);
  mg_library_set_live (library, TRUE);
  args[0] = mg_library_get_documents (library);

  id = mg_library_fixture_write_one (f->folder, "Arrived", NULL, "outsider words", NULL, NULL, MG_COLOR_YELLOW);
  args[1] = GUINT_TO_POINTER (2);
  g_assert_true (mg_test_iterate_until (has_n_documents, args, 10));
  g_assert_true (mg_test_iterate_until (hits_found, library, 10));

  path = file_of (f, id);
  g_assert_cmpint (g_unlink (path), ==, 0);
  args[1] = GUINT_TO_POINTER (1);
  g_assert_true (mg_test_iterate_until (has_n_documents, args, 10));
  mg_library_set_live (library, FALSE);
}

static gboolean
half_read (gpointer user_data)
{
  return mg_library_document_get_progress (user_data) == 0.5;
}

/* A document closed (its reading position saved) shows its progress
 * without an update asked for. */
static void
test_live_positions (Fixture      *f,
                     gconstpointer data)
{
  g_autoptr (MgLibrary) library = NULL;
  g_autofree char   *id = NULL;
  const char        *uri = "file:///nowhere/live-positions.txt";
  MgLibraryDocument *document;

  id = mg_library_fixture_write_one (f->folder, "Being read", uri, "some words", NULL, NULL, MG_COLOR_YELLOW);
  library = open_library (f);
  mg_library_note_length (library, uri, 200);
  mg_library_set_live (library, TRUE);
  document = mg_library_find_document (library, id);
  g_assert_cmpfloat (mg_library_document_get_progress (document), ==, -1.0);

  mg_reading_positions_set_offset (mg_reading_positions_get_default (), uri, 100);
  g_assert_true (mg_test_iterate_until (half_read, document, 10));
  mg_reading_positions_forget (mg_reading_positions_get_default (), uri);
  mg_library_set_live (library, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  mg_test_isolate_user_dirs ("test-library");
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/library/list", test_list);
  ADD ("/library/incremental", test_incremental);
  ADD ("/library/search", test_search);
  ADD ("/library/legacy-file", test_legacy_file);
  ADD ("/library/file-deleted", test_file_deleted);
  ADD ("/library/remove-restore", test_remove_restore);
  ADD ("/library/relink", test_relink);
  ADD ("/library/corrupt-index", test_corrupt_index);
  ADD ("/library/locked-index", test_locked_index);
  ADD ("/library/unreadable", test_unreadable);
  ADD ("/library/opened-without-annotations", test_opened_without_annotations);
  ADD ("/library/many-files", test_many_files);
  ADD ("/library/live", test_live);
  ADD ("/library/live-positions", test_live_positions);
#undef ADD

  ret = g_test_run ();
  mg_test_remove_user_dirs ();

  return ret;
}
