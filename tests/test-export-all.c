/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

#include "mg-annotation-list.h"
#include "mg-annotation.h"
#include "mg-document-ids.h"
#include "mg-document-loader.h"
#include "mg-document.h"
#include "mg-export.h"
#include "mg-library.h"
#include "mg-store.h"
#include "mg-test-utils.h"

/* Export everything (mg_export_all()): every document of an annotations
 * folder into a folder of the user's, one file each, again and again:
 * stable names, a file written only when its content changed, never a
 * file Marginalia did not write, a document whose file is gone exported
 * from its stored annotations. The documents are real files with stores
 * made as the window makes them. */

typedef struct
{
  char      *tmp;
  char      *annotations; /* the annotations folder */
  char      *docs;        /* the documents */
  char      *vault;       /* the export folder */
  GFile     *vault_file;
  MgLibrary *library; /* of the annotations folder, with its own index */
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *index_path = NULL;

  f->tmp = g_dir_make_tmp ("test-export-all-XXXXXX", &error);
  g_assert_no_error (error);
  f->annotations = g_build_filename (f->tmp, "annotations", NULL);
  f->docs = g_build_filename (f->tmp, "docs", NULL);
  f->vault = g_build_filename (f->tmp, "vault", NULL);
  f->vault_file = g_file_new_for_path (f->vault);
  g_assert_cmpint (g_mkdir_with_parents (f->docs, 0700), ==, 0);
  index_path = g_build_filename (f->tmp, "library.sqlite", NULL);
  f->library = mg_library_new (f->annotations, index_path);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  mg_test_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->annotations);
  g_free (f->docs);
  g_free (f->vault);
  g_clear_object (&f->vault_file);
  g_clear_object (&f->library);
}

static char *
doc_path (Fixture    *f,
          const char *name)
{
  return g_build_filename (f->docs, name, NULL);
}

static void
write_text (const char *path,
            const char *text)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static char *
read_text (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);

  return text;
}

static char *
vault_path (Fixture    *f,
            const char *name)
{
  return g_build_filename (f->vault, name, NULL);
}

/* The stamp of a file: its modification time and inode, which a
 * rewrite (a new file renamed over it) changes. */
static char *
stamp (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);

  return g_strdup_printf ("%" G_GUINT64_FORMAT "/%ld.%09ld", (guint64) st.st_ino, (long) st.st_mtim.tv_sec, (long) st.st_mtim.tv_nsec);
}

/* Annotates the document at @name (a Markdown file whose heading is its
 * title) as the window does: each of @quotes highlighted, with a note
 * and a tag; the store saved. Returns the document's id. */
static char *
annotate (Fixture    *f,
          const char *name,
          const char *note,
          const char *first_quote,
          ...)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = doc_path (f, name);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = NULL;
  const char *quote;
  va_list     args;

  document = mg_document_loader_load_file (file, NULL, &error);
  g_assert_no_error (error);
  store = mg_store_new (document, list, f->annotations);
  g_assert_true (mg_store_load (store, &error));
  g_assert_no_error (error);

  va_start (args, first_quote);
  for (quote = first_quote; quote != NULL; quote = va_arg (args, const char *))
    {
      const char *text = mg_document_get_text (document);
      const char *at = strstr (text, quote);
      guint       start;
      g_autoptr (MgAnnotation) annotation = NULL;
      const char *tags[] = { "method", NULL };

      g_assert_nonnull (at);
      start = g_utf8_pointer_to_offset (text, at);
      annotation = mg_annotation_new_for_range (document, start, start + g_utf8_strlen (quote, -1), MG_COLOR_YELLOW);
      mg_annotation_set_note (annotation, note);
      mg_annotation_set_tags (annotation, tags);
      mg_annotation_list_add (list, annotation);
    }
  va_end (args);

  g_assert_true (mg_store_flush (store, &error));
  g_assert_no_error (error);

  return g_strdup (mg_store_get_document_id (store));
}

/* Changes the note of every annotation of the document at @name. */
static void
edit_notes (Fixture    *f,
            const char *name,
            const char *note)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = doc_path (f, name);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = NULL;

  document = mg_document_loader_load_file (file, NULL, &error);
  g_assert_no_error (error);
  store = mg_store_new (document, list, f->annotations);
  g_assert_true (mg_store_load (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), >, 0);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (list), i);

      mg_annotation_set_note (annotation, note);
    }
  g_assert_true (mg_store_flush (store, &error));
  g_assert_no_error (error);
}

static void
export_all (Fixture          *f,
            MgExportFormat    format,
            MgExportAllStats *stats)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (mg_library_update (f->library, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mg_export_all (f->library, format, f->vault_file, stats, NULL, &error));
  g_assert_no_error (error);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_ascii_strcasecmp (*(const char *const *) a, *(const char *const *) b);
}

/* The name of the vault's files, sorted without case, joined by "|". */
static char *
vault_listing (Fixture *f)
{
  g_autoptr (GDir) dir = g_dir_open (f->vault, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return g_strjoinv ("|", (char **) names->pdata);
}

static const char alpha_text[] = "# Alpha\n\nThe first paper says that method A works.\n\nIts second paragraph is longer.\n";
static const char beta_text[] = "# Beta\n\nThe second paper disagrees with the first one.\n";

static void
add_two (Fixture *f)
{
  g_autofree char *alpha = doc_path (f, "alpha.md");
  g_autofree char *beta = doc_path (f, "beta.md");
  g_autofree char *id_a = NULL;
  g_autofree char *id_b = NULL;

  write_text (alpha, alpha_text);
  write_text (beta, beta_text);
  id_a = annotate (f, "alpha.md", "A note on alpha.", "method A works", NULL);
  id_b = annotate (f, "beta.md", "A note on beta.", "disagrees", NULL);
}

/* ------------------------------------------------------------------------ */

static void
test_file_stem (void)
{
  static const struct
  {
    const char *title;
    const char *stem;
  } cases[] = {
    { "The Title", "The Title" },
    { "Title: A Subtitle", "Title - A Subtitle" },
    { "Either/Or \\ both", "Either Or both" },
    { "What? <Really> \"so\" *much* |pipes|", "What Really so much pipes" },
    { "Tags #one ^block [[link]]", "Tags one block link" },
    { "  .hidden and trailing...  ", "hidden and trailing" },
    { "Line\nbreak\ttab\x01"
      "control",
      "Line break tab control" },
    { "Ends with a colon:", "Ends with a colon" },
    { "Café — Ünïcödé", "Café — Ünïcödé" },
    { "CON", "CON_" },
    { "lpt1", "lpt1_" },
    { "Console", "Console" },
    { "", "Untitled" },
    { "???", "Untitled" },
    { NULL, "Untitled" },
  };
  g_autofree char *as = g_strnfill (60, 'a');
  g_autofree char *long_title = NULL;
  g_autofree char *long_stem = NULL;
  g_autofree char *decomposed = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *stem = mg_export_file_stem (cases[i].title);

      g_assert_cmpstr (stem, ==, cases[i].stem);
    }

  /* At most 100 bytes, cut between characters. */
  long_title = g_strconcat (as, "ééééééééééééééééééééééééé", NULL);
  long_stem = mg_export_file_stem (long_title);
  g_assert_cmpuint (strlen (long_stem), <=, 100);
  g_assert_true (g_utf8_validate (long_stem, -1, NULL));
  g_assert_cmpuint (strlen (long_stem), >=, 99);

  /* One Unicode form: a decomposed é is composed. */
  decomposed = mg_export_file_stem ("Cafe\xcc\x81");
  g_assert_cmpstr (decomposed, ==, "Café");
}

/* One file per document, named after its title, with its annotations;
 * the manifest records them. */
static void
test_markdown_names (Fixture      *f,
                     gconstpointer data)
{
  g_auto (MgExportAllStats) stats = { 0 };
  g_autofree char *listing = NULL;
  g_autofree char *alpha_md = NULL;
  g_autofree char *path = NULL;
  g_autofree char *manifest = NULL;
  g_autofree char *manifest_path = NULL;

  add_two (f);
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_documents, ==, 2);
  g_assert_cmpuint (stats.n_written, ==, 2);
  g_assert_cmpuint (stats.n_missing, ==, 0);
  g_assert_cmpuint (stats.n_unreadable, ==, 0);
  g_assert_cmpuint (stats.notices->len, ==, 0);

  listing = vault_listing (f);
  g_assert_cmpstr (listing, ==, ".marginalia-export.json|Alpha.md|Beta.md");

  path = vault_path (f, "Alpha.md");
  alpha_md = read_text (path);
  g_assert_true (g_str_has_prefix (alpha_md, "---\ntitle: \"Alpha\"\n"));
  g_assert_nonnull (strstr (alpha_md, "> method A works\n"));
  g_assert_nonnull (strstr (alpha_md, "A note on alpha."));
  g_assert_nonnull (strstr (alpha_md, "#method"));
  g_assert_nonnull (strstr (alpha_md, "](marginalia://"));

  manifest_path = vault_path (f, ".marginalia-export.json");
  manifest = read_text (manifest_path);
  g_assert_nonnull (strstr (manifest, "\"name\": \"Alpha.md\""));
  g_assert_nonnull (strstr (manifest, "\"format\": \"markdown\""));
}

/* Two documents of one title: one gets the title, the other the title
 * and its id's first digits, the same at every export. */
static void
test_markdown_same_title (Fixture      *f,
                          gconstpointer data)
{
  g_auto (MgExportAllStats) stats = { 0 };
  g_autofree char *one = doc_path (f, "one.md");
  g_autofree char *two = doc_path (f, "two.md");
  g_autofree char *id_one = NULL;
  g_autofree char *id_two = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *again = NULL;
  const char      *first;
  const char      *second;

  write_text (one, "# Same Title\n\nThe first text with this title.\n");
  write_text (two, "# Same Title\n\nThe second text with this title.\n");
  id_one = annotate (f, "one.md", "one", "first text", NULL);
  id_two = annotate (f, "two.md", "two", "second text", NULL);

  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_written, ==, 2);
  /* Another export's name is no notice. */
  g_assert_cmpuint (stats.notices->len, ==, 0);

  /* The documents are taken in the order of their ids. */
  first = strcmp (id_one, id_two) < 0 ? id_one : id_two;
  second = first == id_one ? id_two : id_one;
  expected = g_strdup_printf (".marginalia-export.json|Same Title (%.8s).md|Same Title.md", second + strlen ("urn:uuid:"));
  listing = vault_listing (f);
  g_assert_cmpstr (listing, ==, expected);

  {
    g_autofree char *path = vault_path (f, "Same Title.md");
    g_autofree char *text = read_text (path);

    g_assert_nonnull (strstr (text, first == id_one ? "first text" : "second text"));
  }

  /* The same names again, and nothing written. */
  mg_export_all_stats_clear (&stats);
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_written, ==, 0);
  again = vault_listing (f);
  g_assert_cmpstr (again, ==, expected);
}

/* A second export writes nothing: same bytes, same files (mtime and
 * inode), the export date kept; a third after an edit of one document
 * writes only its file. */
static void
test_markdown_rewrite_only_changes (Fixture      *f,
                                    gconstpointer data)
{
  g_auto (MgExportAllStats) stats = { 0 };
  g_autofree char *alpha = vault_path (f, "Alpha.md");
  g_autofree char *beta = vault_path (f, "Beta.md");
  g_autofree char *manifest = vault_path (f, ".marginalia-export.json");
  g_autofree char *alpha_stamp = NULL;
  g_autofree char *beta_stamp = NULL;
  g_autofree char *manifest_stamp = NULL;
  g_autofree char *alpha_before = NULL;
  g_autofree char *beta_before = NULL;

  add_two (f);
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  alpha_stamp = stamp (alpha);
  beta_stamp = stamp (beta);
  manifest_stamp = stamp (manifest);
  alpha_before = read_text (alpha);
  beta_before = read_text (beta);

  /* A later second: a new export date would show. */
  g_usleep (1100 * 1000);
  mg_export_all_stats_clear (&stats);
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_documents, ==, 2);
  g_assert_cmpuint (stats.n_written, ==, 0);
  {
    g_autofree char *a = stamp (alpha);
    g_autofree char *b = stamp (beta);
    g_autofree char *m = stamp (manifest);
    g_autofree char *text = read_text (alpha);

    g_assert_cmpstr (a, ==, alpha_stamp);
    g_assert_cmpstr (b, ==, beta_stamp);
    g_assert_cmpstr (m, ==, manifest_stamp);
    g_assert_cmpstr (text, ==, alpha_before);
  }

  /* One note edited: only that document's file is written, with a new
   * export date. */
  edit_notes (f, "beta.md", "A new note on beta.");
  mg_export_all_stats_clear (&stats);
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_documents, ==, 2);
  g_assert_cmpuint (stats.n_written, ==, 1);
  {
    g_autofree char *a = stamp (alpha);
    g_autofree char *b = stamp (beta);
    g_autofree char *text = read_text (beta);
    char            *date_before = strstr (beta_before, "exported: ");
    char            *date_after = strstr (text, "exported: ");

    g_assert_cmpstr (a, ==, alpha_stamp);
    g_assert_cmpstr (b, !=, beta_stamp);
    g_assert_nonnull (strstr (text, "A new note on beta."));
    g_assert_null (strstr (text, "A note on beta."));
    g_assert_nonnull (date_before);
    g_assert_nonnull (date_after);
    g_assert_false (strncmp (date_before, date_after, strlen ("exported: \"2026-12-06T03:00:00Z\"")) == 0);
  }
}

/* The name stays when the title changes: links to the note keep working. */
static void
test_markdown_title_changed (Fixture      *f,
                             gconstpointer data)
{
  g_auto (MgExportAllStats) stats = { 0 };
  g_autofree char *alpha = doc_path (f, "alpha.md");
  g_autofree char *listing = NULL;
  g_autofree char *path = vault_path (f, "Alpha.md");
  g_autofree char *text = NULL;

  add_two (f);
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  write_text (alpha, "# Alpha, Revised\n\nThe first paper says that method A works.\n\nIts second paragraph is longer.\n");

  mg_export_all_stats_clear (&stats);
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_written, ==, 1);
  listing = vault_listing (f);
  g_assert_cmpstr (listing, ==, ".marginalia-export.json|Alpha.md|Beta.md");
  text = read_text (path);
  g_assert_true (g_str_has_prefix (text, "---\ntitle: \"Alpha, Revised\"\n"));
}

/* A note of the user's with a document's name is never written over: the
 * export takes another name, and says so. */
static void
test_markdown_user_file (Fixture      *f,
                         gconstpointer data)
{
  g_auto (MgExportAllStats) stats = { 0 };
  g_autofree char *own = vault_path (f, "alpha.MD");
  g_autofree char *own_stamp = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  g_autofree char *renamed = NULL;
  g_autofree char *renamed_path = NULL;
  g_autofree char *alpha = doc_path (f, "alpha.md");

  write_text (alpha, alpha_text);
  id = annotate (f, "alpha.md", "A note on alpha.", "method A works", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->vault, 0700), ==, 0);
  /* Another case of the same name: the same file on macOS and Windows. */
  write_text (own, "My own note on alpha.\n");
  own_stamp = stamp (own);

  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_written, ==, 1);
  g_assert_cmpuint (stats.notices->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (stats.notices, 0), "“Alpha.md”"));
  g_assert_nonnull (strstr (g_ptr_array_index (stats.notices, 0), "not written by Marginalia"));

  text = read_text (own);
  g_assert_cmpstr (text, ==, "My own note on alpha.\n");
  {
    g_autofree char *now = stamp (own);

    g_assert_cmpstr (now, ==, own_stamp);
  }
  renamed = g_strdup_printf ("Alpha (%.8s).md", id + strlen ("urn:uuid:"));
  renamed_path = vault_path (f, renamed);
  g_assert_true (g_file_test (renamed_path, G_FILE_TEST_IS_REGULAR));
  listing = vault_listing (f);
  {
    g_autofree char *expected = g_strdup_printf (".marginalia-export.json|%s|alpha.MD", renamed);

    g_assert_cmpstr (listing, ==, expected);
  }

  /* Still the user's the next time, with nothing to tell. */
  mg_export_all_stats_clear (&stats);
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_written, ==, 0);
}

/* An exported file the user changed is theirs: an export with changes
 * goes to another name, and the user's version stays. */
static void
test_markdown_edited_export (Fixture      *f,
                             gconstpointer data)
{
  g_auto (MgExportAllStats) stats = { 0 };
  g_autofree char *path = vault_path (f, "Alpha.md");
  g_autofree char *text = NULL;
  g_autofree char *listing = NULL;

  add_two (f);
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  write_text (path, "Rewritten by the user.\n");

  /* Nothing changed in Marginalia: the user's version stays, silently. */
  mg_export_all_stats_clear (&stats);
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_written, ==, 0);
  g_assert_cmpuint (stats.notices->len, ==, 0);

  edit_notes (f, "alpha.md", "Changed in Marginalia.");
  mg_export_all_stats_clear (&stats);
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_written, ==, 1);
  g_assert_cmpuint (stats.notices->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (stats.notices, 0), "“Alpha.md”"));
  g_assert_nonnull (strstr (g_ptr_array_index (stats.notices, 0), "was changed since Marginalia wrote it"));
  text = read_text (path);
  g_assert_cmpstr (text, ==, "Rewritten by the user.\n");
  listing = vault_listing (f);
  g_assert_nonnull (strstr (listing, "|Alpha (")); /* the new name */
}

/* A document whose file is gone is exported from its stored annotations;
 * a document gone from the library keeps its file. Nothing is deleted. */
static void
test_markdown_missing_document (Fixture      *f,
                                gconstpointer data)
{
  g_auto (MgExportAllStats) stats = { 0 };
  g_autofree char *alpha = doc_path (f, "alpha.md");
  g_autofree char *gone = vault_path (f, "Alpha.md");
  g_autofree char *text = NULL;
  g_autofree char *beta_export = vault_path (f, "Beta.md");
  g_autofree char *beta_stamp = NULL;
  g_autofree char *store_file = NULL;
  g_autoptr (GDir) dir = NULL;
  const char *name;

  add_two (f);
  g_assert_cmpint (g_unlink (alpha), ==, 0);

  /* Never exported before: written from the stored annotations, with the
   * stored title. */
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_documents, ==, 2);
  g_assert_cmpuint (stats.n_missing, ==, 1);
  text = read_text (gone);
  g_assert_true (g_str_has_prefix (text, "---\ntitle: \"Alpha\"\n"));
  g_assert_nonnull (strstr (text, "> method A works\n"));
  g_assert_nonnull (strstr (text, "A note on alpha."));
  g_assert_nonnull (strstr (text, "#method"));

  /* Beta leaves the library: its file stays. */
  beta_stamp = stamp (beta_export);
  dir = g_dir_open (f->annotations, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->annotations, name, NULL);
      g_autofree char *contents = NULL;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      contents = read_text (path);
      if (strstr (contents, "beta.md") != NULL)
        store_file = g_steal_pointer (&path);
    }
  g_assert_nonnull (store_file);
  g_assert_cmpint (g_unlink (store_file), ==, 0);

  mg_export_all_stats_clear (&stats);
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_documents, ==, 1);
  g_assert_cmpuint (stats.n_written, ==, 0);
  {
    g_autofree char *now = stamp (beta_export);

    g_assert_cmpstr (now, ==, beta_stamp);
  }
}

/* A synced folder: the annotation file names the document's path on
 * another computer; this computer's place for it (its id table, as the
 * library has it) is where it is loaded from. */
static void
test_markdown_other_computer (Fixture      *f,
                              gconstpointer data)
{
  g_auto (MgExportAllStats) stats = { 0 };
  g_autoptr (GDir) dir = NULL;
  g_autofree char *alpha = doc_path (f, "alpha.md");
  g_autofree char *alpha_uri = g_filename_to_uri (alpha, NULL, NULL);
  g_autofree char *path = vault_path (f, "Alpha.md");
  g_autofree char *text = NULL;
  const char      *name;
  guint            n_changed = 0;

  add_two (f);
  dir = g_dir_open (f->annotations, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *store_path = g_build_filename (f->annotations, name, NULL);
      g_autofree char *contents = NULL;
      g_auto (GStrv) parts = NULL;
      g_autofree char *changed = NULL;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      contents = read_text (store_path);
      parts = g_strsplit (contents, alpha_uri, -1);
      if (g_strv_length (parts) < 2)
        continue;
      changed = g_strjoinv ("file:///home/someone-else/Papers/alpha.md", parts);
      write_text (store_path, changed);
      n_changed++;
    }
  g_assert_cmpuint (n_changed, ==, 1);

  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_documents, ==, 2);
  g_assert_cmpuint (stats.n_missing, ==, 0);
  text = read_text (path);
  g_assert_nonnull (strstr (text, "Location: [Alpha, paragraph 2]"));
  g_assert_nonnull (strstr (text, alpha_uri));
}

/* W3C: one AnnotationCollection per document, `.jsonld`, with the same
 * rules. */
static void
test_w3c (Fixture      *f,
          gconstpointer data)
{
  g_auto (MgExportAllStats) stats = { 0 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *path = vault_path (f, "Beta.jsonld");
  g_autofree char *listing = NULL;
  g_autofree char *before = NULL;
  JsonObject      *root;

  add_two (f);
  export_all (f, MG_EXPORT_FORMAT_W3C, &stats);
  g_assert_cmpuint (stats.n_written, ==, 2);
  listing = vault_listing (f);
  g_assert_cmpstr (listing, ==, ".marginalia-export.json|Alpha.jsonld|Beta.jsonld");

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "type"), ==, "AnnotationCollection");
  g_assert_cmpstr (json_object_get_string_member (root, "label"), ==, "Beta");
  g_assert_cmpint (json_object_get_int_member (root, "total"), ==, 1);

  /* Its "generated" time is kept while nothing changes. */
  before = stamp (path);
  g_usleep (1100 * 1000);
  mg_export_all_stats_clear (&stats);
  export_all (f, MG_EXPORT_FORMAT_W3C, &stats);
  g_assert_cmpuint (stats.n_written, ==, 0);
  {
    g_autofree char *after = stamp (path);

    g_assert_cmpstr (after, ==, before);
  }

  /* Both formats share the folder and its manifest. */
  mg_export_all_stats_clear (&stats);
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_written, ==, 2);
  g_clear_pointer (&listing, g_free);
  listing = vault_listing (f);
  g_assert_cmpstr (listing, ==, ".marginalia-export.json|Alpha.jsonld|Alpha.md|Beta.jsonld|Beta.md");
  mg_export_all_stats_clear (&stats);
  export_all (f, MG_EXPORT_FORMAT_W3C, &stats);
  g_assert_cmpuint (stats.n_written, ==, 0);
}

/* An annotation file that cannot be read is left out, and told; the
 * others are exported. */
static void
test_unreadable (Fixture      *f,
                 gconstpointer data)
{
  g_auto (MgExportAllStats) stats = { 0 };
  g_autofree char *bad = NULL;

  add_two (f);
  bad = g_build_filename (f->annotations, "0badbad0-0000-4000-8000-000000000000.json", NULL);
  write_text (bad, "{ not json");
  export_all (f, MG_EXPORT_FORMAT_MARKDOWN, &stats);
  g_assert_cmpuint (stats.n_documents, ==, 2);
  g_assert_cmpuint (stats.n_unreadable, ==, 1);
  g_assert_cmpuint (stats.notices->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (stats.notices, 0), "0badbad0"));
}

/* What cannot be an export folder is refused before anything is written. */
static void
test_bad_folder (Fixture      *f,
                 gconstpointer data)
{
  g_auto (MgExportAllStats) stats = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) annotations = NULL;
  g_autofree char *file_path = g_build_filename (f->tmp, "a-file", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (file_path);

  add_two (f);
  write_text (file_path, "not a folder");
  g_assert_true (mg_library_update (f->library, NULL, &error));
  g_assert_false (mg_export_all (f->library, MG_EXPORT_FORMAT_MARKDOWN, file, &stats, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY);
  g_clear_error (&error);

  annotations = g_file_new_for_path (f->annotations);
  g_assert_false (mg_export_all (f->library, MG_EXPORT_FORMAT_MARKDOWN, annotations, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* A folder that cannot be written to (root can: not checked then). */
  if (getuid () != 0)
    {
      g_assert_cmpint (g_mkdir_with_parents (f->vault, 0500), ==, 0);
      g_assert_false (mg_export_all (f->library, MG_EXPORT_FORMAT_MARKDOWN, f->vault_file, NULL, NULL, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_chmod (f->vault, 0700);
    }
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  MgExportAllStats *stats = user_data;
  g_autoptr (GError) error = NULL;

  g_assert_true (mg_export_all_finish (MG_LIBRARY (source), result, stats, &error));
  g_assert_no_error (error);
}

static gboolean
stats_filled (gpointer user_data)
{
  MgExportAllStats *stats = user_data;

  return stats->notices != NULL;
}

/* The library window's way: in a worker thread. */
static void
test_async (Fixture      *f,
            gconstpointer data)
{
  g_auto (MgExportAllStats) stats = { 0 };

  g_autoptr (GError) error = NULL;

  add_two (f);
  g_assert_true (mg_library_update (f->library, NULL, &error));
  g_assert_no_error (error);
  mg_export_all_async (f->library, MG_EXPORT_FORMAT_MARKDOWN, f->vault_file, NULL, export_done_cb, &stats);
  g_assert_true (mg_test_iterate_until (stats_filled, &stats, 30));
  g_assert_cmpuint (stats.n_documents, ==, 2);
  g_assert_cmpuint (stats.n_written, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* The library reads this machine's id table and reading positions:
   * ones of the test's own. */
  mg_test_isolate_user_dirs ("test-export-all");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/export-all/file-stem", test_file_stem);
#define ADD(path, func) g_test_add ("/export-all/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("markdown/names", test_markdown_names);
  ADD ("markdown/same-title", test_markdown_same_title);
  ADD ("markdown/rewrite-only-changes", test_markdown_rewrite_only_changes);
  ADD ("markdown/title-changed", test_markdown_title_changed);
  ADD ("markdown/user-file", test_markdown_user_file);
  ADD ("markdown/edited-export", test_markdown_edited_export);
  ADD ("markdown/missing-document", test_markdown_missing_document);
  ADD ("markdown/other-computer", test_markdown_other_computer);
  ADD ("w3c", test_w3c);
  ADD ("unreadable", test_unreadable);
  ADD ("bad-folder", test_bad_folder);
  ADD ("async", test_async);
#undef ADD

  status = g_test_run ();
  mg_test_remove_user_dirs ();

  return status;
}
