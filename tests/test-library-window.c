/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "mg-application.h"
#include "mg-document-ids.h"
#include "mg-document-loader.h"
#include "mg-library-window-private.h"
#include "mg-store.h"
#include "mg-test-ui.h"
#include "mg-test-utils.h"
#include "mg-window-private.h"

/* The library window (issue 14) on real documents annotated through the
 * store, as the user makes them: it lists them, searches across them and
 * opens a result at its passage (also by a real pointer click), shows
 * and exports the highlights of a document whose file is gone, relinks
 * it, removes a document with undo, opens with --library and as the
 * start page after the first run, and answers a link to a document
 * whose file is gone (issue 15). */

static MgApplication *app;

typedef struct
{
  char *path;
  char *uri;
  char *id;
  char *annotation_id;
} Doc;

static Doc alpha, beta, gamma_doc;

/* @name in the test folder with @text, and a highlight on @quote with
 * @note and @tag, saved by the store as the window saves it. */
static void
make_document (Doc        *doc,
               const char *name,
               const char *text,
               const char *quote,
               const char *note,
               const char *tag,
               MgColor     color)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = NULL;
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autoptr (GError) error = NULL;
  const char *tags[] = { tag, NULL };
  const char *found;
  guint       start;

  doc->path = g_build_filename (mg_test_get_user_dirs_root (), name, NULL);
  doc->uri = g_filename_to_uri (doc->path, NULL, NULL);
  g_assert_true (g_file_set_contents (doc->path, text, -1, NULL));
  file = g_file_new_for_path (doc->path);
  document = mg_document_loader_load_file (file, NULL, &error);
  g_assert_no_error (error);
  store = mg_store_new (document, list, NULL);
  g_assert_true (mg_store_load (store, &error));

  found = strstr (mg_document_get_text (document), quote);
  g_assert_nonnull (found);
  start = g_utf8_pointer_to_offset (mg_document_get_text (document), found);
  annotation = mg_annotation_new_for_range (document, start, start + g_utf8_strlen (quote, -1), color);
  mg_annotation_set_note (annotation, note);
  mg_annotation_set_tags (annotation, tags);
  mg_annotation_list_add (list, annotation);
  g_assert_true (mg_store_flush (store, &error));
  g_assert_no_error (error);

  doc->id = g_strdup (mg_store_get_document_id (store));
  doc->annotation_id = g_strdup (mg_annotation_get_id (annotation));
}

static MgLibraryWindow *
library_window (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (MG_IS_LIBRARY_WINDOW (l->data))
      return l->data;

  return NULL;
}

static gboolean
library_ready (gpointer data)
{
  MgLibraryWindow *self = library_window ();

  return self != NULL && self->updated && mg_library_find_document (self->library, alpha.id) != NULL && mg_library_find_document (self->library, beta.id) != NULL && mg_library_find_document (self->library, gamma_doc.id) != NULL;
}

/* The library, with the three documents. (The launch test adds the
 * sample article, read there.) */
static MgLibraryWindow *
open_library (void)
{
  MgLibraryWindow *self = mg_library_window_present (GTK_APPLICATION (app));

  g_assert_true (mg_test_iterate_until (library_ready, NULL, 30));

  return self;
}

static MgLibraryDocument *
find_document (MgLibraryWindow *self,
               const char      *id)
{
  return mg_library_find_document (mg_library_window_get_library (self), id);
}

static MgWindow *
window_showing (const char *uri)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    {
      MgDocument *document;

      if (!MG_IS_WINDOW (l->data))
        continue;
      document = mg_window_get_document (l->data);
      if (document != NULL && g_strcmp0 (mg_document_get_uri (document), uri) == 0 && mg_window_get_annotations (l->data) != NULL)
        return l->data;
    }

  return NULL;
}

static void
close_document_windows (void)
{
  GList *l;

  while ((l = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    {
      for (; l != NULL && !MG_IS_WINDOW (l->data); l = l->next)
        ;
      if (l == NULL)
        return;
      mg_test_close_window (l->data);
    }
}

/* The rows of the list as shown (only those the list view made). */
static MgLibraryRow *
find_row (GtkWidget  *widget,
          const char *id)
{
  if (MG_IS_LIBRARY_ROW (widget))
    {
      MgLibraryDocument *document = mg_library_row_get_document (MG_LIBRARY_ROW (widget));

      return document != NULL && g_strcmp0 (mg_library_document_get_id (document), id) == 0 ? MG_LIBRARY_ROW (widget) : NULL;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      MgLibraryRow *row = find_row (child, id);

      if (row != NULL)
        return row;
    }

  return NULL;
}

static void
test_lists_documents (void)
{
  MgLibraryWindow *self = open_library ();
  GListModel      *documents = mg_library_window_get_documents (self);
  MgLibraryRow    *row;
  g_autoptr (MgLibraryDocument) first = NULL;
  g_autoptr (MgLibraryDocument) last = NULL;

  g_assert_cmpstr (mg_library_window_get_page (self), ==, "documents");
  g_assert_true (mg_test_wait_for_idle (5));

  row = find_row (mg_library_window_get_document_view (self), gamma_doc.id);
  g_assert_nonnull (row);
  g_assert_cmpstr (mg_library_row_get_location_text (row), ==, "File not found");
  g_assert_cmpstr (mg_library_row_get_count_text (row), ==, "1 highlight");
  row = find_row (mg_library_window_get_document_view (self), alpha.id);
  g_assert_nonnull (row);
  g_assert_cmpstr (mg_library_row_get_location_text (row), !=, "File not found");
  g_assert_cmpstr (mg_library_row_get_last_read_text (row), ==, "Just now");

  /* Sorted by title on demand. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (self), "library.sort", "s", "title"));
  first = g_list_model_get_item (documents, 0);
  last = g_list_model_get_item (documents, 2);
  g_assert_cmpstr (mg_library_document_get_id (first), ==, alpha.id);
  g_assert_cmpstr (mg_library_document_get_id (last), ==, gamma_doc.id);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (self), "library.sort", "s", "last-read"));

  /* Ctrl+F's action puts the keyboard in the search. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (self), "library.focus-search", NULL));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (self)), mg_library_window_get_search_entry (self)));
}

static gboolean
has_results (gpointer data)
{
  MgLibraryWindow *self = data;

  return g_strcmp0 (mg_library_window_get_page (self), "results") == 0;
}

static GtkListBoxRow *
search (MgLibraryWindow *self,
        const char      *query)
{
  gtk_editable_set_text (GTK_EDITABLE (mg_library_window_get_search_entry (self)), query);
  g_assert_true (mg_test_iterate_until (has_results, self, 10));

  return gtk_list_box_get_row_at_index (mg_library_window_get_results (self), 0);
}

/* Whether a label under @widget has @needle in its markup. */
static gboolean
shows_markup (GtkWidget  *widget,
              const char *needle)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), needle) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (shows_markup (child, needle))
      return TRUE;

  return FALSE;
}

typedef struct
{
  const char *uri;
  const char *annotation_id;
} AtPassage;

static gboolean
opened_at_passage (gpointer data)
{
  AtPassage    *at = data;
  MgWindow     *window = window_showing (at->uri);
  MgAnnotation *selected;

  if (window == NULL)
    return FALSE;
  selected = mg_sidebar_get_selected (MG_SIDEBAR (mg_window_get_sidebar (window)));

  return selected != NULL && g_strcmp0 (mg_annotation_get_id (selected), at->annotation_id) == 0;
}

static gboolean
document_window_shown (gpointer data)
{
  return window_showing (((AtPassage *) data)->uri) != NULL;
}

static void
assert_caret_at_passage (const AtPassage *at)
{
  MgWindow      *window = window_showing (at->uri);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (mg_window_get_text_view (window));
  MgAnnotation  *annotation = mg_annotation_list_lookup (mg_window_get_annotations (window), at->annotation_id);
  GtkTextIter    caret;

  gtk_text_buffer_get_iter_at_mark (buffer, &caret, gtk_text_buffer_get_insert (buffer));
  g_assert_cmpuint (gtk_text_iter_get_offset (&caret), ==, mg_annotation_get_range_start (annotation));
}

/* The search finds a note of another document, and its result opens
 * that document at the passage. */
static void
test_search_opens_passage (void)
{
  MgLibraryWindow *self = open_library ();
  GtkListBoxRow   *row = search (self, "photosynthesis");
  MgLibraryHit    *hit = g_object_get_data (G_OBJECT (row), "mg-hit");
  AtPassage        at = { alpha.uri, alpha.annotation_id };

  g_assert_cmpstr (mg_library_hit_get_document_id (hit), ==, alpha.id);
  g_assert_true (shows_markup (GTK_WIDGET (row), "<b>photosynthesis</b>"));
  /* The header names the document. */
  g_assert_nonnull (gtk_list_box_row_get_header (row));
  g_assert_true (shows_markup (gtk_list_box_row_get_header (row), mg_library_document_get_title (find_document (self, alpha.id))));

  g_signal_emit_by_name (mg_library_window_get_results (self), "row-activated", row);
  g_assert_true (mg_test_iterate_until (opened_at_passage, &at, 30));
  assert_caret_at_passage (&at);
  close_document_windows ();

  /* A tag filter across documents; then cleared. */
  gtk_editable_set_text (GTK_EDITABLE (mg_library_window_get_search_entry (self)), "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (self), "library.filter-tag", "s", "field"));
  g_assert_cmpstr (mg_library_window_get_page (self), ==, "results");
  row = gtk_list_box_get_row_at_index (mg_library_window_get_results (self), 0);
  g_assert_cmpstr (mg_library_hit_get_document_id (g_object_get_data (G_OBJECT (row), "mg-hit")), ==, beta.id);
  g_assert_null (gtk_list_box_get_row_at_index (mg_library_window_get_results (self), 1));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (self), "library.clear-filters", NULL));
  g_assert_cmpstr (mg_library_window_get_page (self), ==, "documents");
}

/* A real pointer click on a result opens its document (xdotool): a list
 * box row activates on a single click. */
static void
test_pointer_click_result (void)
{
  MgLibraryWindow *self = open_library ();
  GtkListBoxRow   *row = search (self, "delta");
  AtPassage        at = { beta.uri, beta.annotation_id };

  g_assert_true (mg_test_wait_for_idle (5));
  if (!mg_test_click_with_pointer (GTK_WIDGET (row)))
    return;

  /* On a loaded machine (the tarball's own run of the tests, during a
   * build) a click was lost, once in a few runs: then once more. A row
   * that ignores clicks ignores both. */
  if (!mg_test_iterate_until (document_window_shown, &at, 10))
    {
      g_test_message ("The click opened no window: a second click");
      g_assert_true (mg_test_wait_for_idle (5));
      g_assert_true (mg_test_click_with_pointer (GTK_WIDGET (row)));
    }

  if (!mg_test_iterate_until (opened_at_passage, &at, 30))
    {
      MgWindow *window = window_showing (at.uri);

      g_error ("Not at the passage: window %p, its annotations %p, its sidebar's selection %p",
               window, window != NULL ? mg_window_get_annotations (window) : NULL,
               window != NULL ? mg_sidebar_get_selected (MG_SIDEBAR (mg_window_get_sidebar (window))) : NULL);
    }
  close_document_windows ();
  gtk_editable_set_text (GTK_EDITABLE (mg_library_window_get_search_entry (self)), "");
}

static GFile *chosen_file;

static GFile *
choose_cb (const char *title,
           gpointer    user_data)
{
  return chosen_file != NULL ? g_object_ref (chosen_file) : NULL;
}

static gboolean
all_labels_selectable (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_selectable (GTK_LABEL (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (!all_labels_selectable (child))
      return FALSE;

  return TRUE;
}

static gboolean
library_on_detail (gpointer data)
{
  MgLibraryWindow *self = library_window ();

  return self != NULL && g_strcmp0 (mg_library_window_get_page (self), "detail") == 0 && g_strcmp0 (mg_library_window_get_detail_id (self), data) == 0;
}

/* A document whose file is gone: its row opens its highlights, readable
 * and selectable, exported through the exporters; a link to it opens
 * the library there. */
static void
test_missing_readable_exportable (void)
{
  MgLibraryWindow *self = open_library ();
  g_autofree char *export_path = g_build_filename (mg_test_get_user_dirs_root (), "gamma-notes.md", NULL);
  g_autofree char *exported = NULL;
  g_autofree char *link = NULL;
  g_autoptr (GFile) link_file = NULL;
  GtkListBoxRow *row;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (self), "library.open-document", "s", gamma_doc.id));
  g_assert_cmpstr (mg_library_window_get_page (self), ==, "detail");
  row = gtk_list_box_get_row_at_index (mg_library_window_get_detail (self), 0);
  g_assert_nonnull (row);
  g_assert_null (gtk_list_box_get_row_at_index (mg_library_window_get_detail (self), 1));
  g_assert_true (shows_markup (GTK_WIDGET (row), "the lost passage"));
  g_assert_true (shows_markup (GTK_WIDGET (row), "kept safe"));
  g_assert_true (shows_markup (GTK_WIDGET (row), "#archive"));
  /* Selectable, so it can be copied. */
  g_assert_true (all_labels_selectable (GTK_WIDGET (row)));

  chosen_file = g_file_new_for_path (export_path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (self), "library.export-detail", "s", "markdown"));
  g_clear_object (&chosen_file);
  g_assert_true (g_file_get_contents (export_path, &exported, NULL, NULL));
  g_test_message ("%s", exported);
  g_assert_nonnull (strstr (exported, "the lost passage"));
  g_assert_nonnull (strstr (exported, "kept safe"));
  g_assert_nonnull (strstr (exported, "#archive"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (self), "library.back", NULL));
  g_assert_cmpstr (mg_library_window_get_page (self), ==, "documents");

  /* Issue 15: its link opens the library on it, not a window. */
  link = mg_document_link_new (gamma_doc.id, gamma_doc.annotation_id);
  link_file = g_file_new_for_uri (link);
  g_application_open (G_APPLICATION (app), &link_file, 1, "");
  g_assert_true (mg_test_iterate_until (library_on_detail, gamma_doc.id, 10));
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    g_assert_false (MG_IS_WINDOW (l->data));
  gtk_widget_activate_action (GTK_WIDGET (self), "library.back", NULL);
}

static gboolean
document_found (gpointer data)
{
  MgLibraryDocument *document = find_document (library_window (), data);

  return document != NULL && mg_library_document_get_state (document) == MG_LIBRARY_DOCUMENT_OK;
}

/* Locate… relinks the document to the file chosen, and opens it there. */
static void
test_locate_relinks (void)
{
  MgLibraryWindow *self = open_library ();
  g_autofree char *moved = g_build_filename (mg_test_get_user_dirs_root (), "moved", "gamma.txt", NULL);
  g_autofree char *moved_uri = g_filename_to_uri (moved, NULL, NULL);
  g_autofree char *folder = g_path_get_dirname (moved);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (moved, "Gamma\n\nHere is the lost passage of the gamma file.\n", -1, NULL));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (self), "library.open-document", "s", gamma_doc.id));
  chosen_file = g_file_new_for_path (moved);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (self), "library.locate-detail", NULL));
  g_clear_object (&chosen_file);

  g_assert_true (mg_test_iterate_until (document_found, gamma_doc.id, 10));
  g_assert_cmpstr (mg_library_document_get_uri (find_document (self, gamma_doc.id)), ==, moved_uri);
  g_assert_cmpstr (mg_library_window_get_page (self), ==, "documents");
  g_assert_true (mg_test_iterate_until ((MgTestCondition) window_showing, (gpointer) moved_uri, 30));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (window_showing (moved_uri)))), ==, 1);
  close_document_windows ();
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }

  return NULL;
}

static gboolean
no_document_window (gpointer data)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (MG_IS_WINDOW (l->data))
      return FALSE;

  return TRUE;
}

/* Remove from Library asks first; Undo in the toast brings it back. */
static void
test_remove_undo (void)
{
  MgLibraryWindow  *self = open_library ();
  AdwMessageDialog *dialog;

  guint n = g_list_model_get_n_items (mg_library_window_get_documents (self));

  /* Its window is open: it is closed first, or its store would write
   * the file again. */
  mg_library_open_document (GTK_APPLICATION (app), beta.uri, NULL);
  g_assert_true (mg_test_iterate_until ((MgTestCondition) window_showing, beta.uri, 30));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (self), "library.remove", "s", beta.id));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  /* Nothing removed before the answer. */
  g_assert_nonnull (find_document (self, beta.id));
  /* As the Remove button does: the answer, then the dialog goes. */
  adw_message_dialog_response (dialog, "remove");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_null (find_document (self, beta.id));
  g_assert_true (mg_test_iterate_until (no_document_window, NULL, 10));
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_window_get_documents (self)), ==, n - 1);
  g_assert_nonnull (strstr (mg_library_window_get_toast_text (self), "removed from the library"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (self), "library.undo-remove", "s", beta.id));
  g_assert_nonnull (find_document (self, beta.id));
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_window_get_documents (self)), ==, n);
}

static gboolean
toast_says (gpointer data)
{
  const char *toast = mg_library_window_get_toast_text (library_window ());

  return toast != NULL && strstr (toast, data) != NULL;
}

/* Export All… writes one Markdown file per document into the folder
 * chosen, the one whose file is gone too. */
static void
test_export_all (void)
{
  MgLibraryWindow *self = open_library ();
  g_autofree char *folder = g_build_filename (mg_test_get_user_dirs_root (), "vault", NULL);
  g_autoptr (GDir) dir = NULL;
  const char *name;
  guint       n_md = 0;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  chosen_file = g_file_new_for_path (folder);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (self), "library.export-all", "s", "markdown"));
  g_clear_object (&chosen_file);
  g_assert_true (mg_test_iterate_until (toast_says, (gpointer) "Exported", 30));
  g_test_message ("%s", mg_library_window_get_toast_text (self));

  dir = g_dir_open (folder, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    n_md += g_str_has_suffix (name, ".md");
  g_assert_cmpuint (n_md, >=, 3);
}

static GType opened_type;

static void
window_added_cb (GtkApplication *application,
                 GtkWindow      *window)
{
  opened_type = G_OBJECT_TYPE (window);
  g_application_quit (G_APPLICATION (application));
}

/* What a launch opens, in an application of its own. */
static GType
launch (const char *option)
{
  g_autoptr (MgApplication) other = mg_application_new ();
  const char *argv[] = { "marginalia", option, NULL };

  /* Beside the tests' application on the session bus. */
  g_application_set_application_id (G_APPLICATION (other), APP_ID ".Launch");
  g_application_set_flags (G_APPLICATION (other), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_signal_connect (other, "window-added", G_CALLBACK (window_added_cb), NULL);
  opened_type = G_TYPE_INVALID;
  g_assert_cmpint (g_application_run (G_APPLICATION (other), option != NULL ? 2 : 1, (char **) argv), ==, 0);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (other)); l != NULL; l = gtk_application_get_windows (GTK_APPLICATION (other)))
    gtk_window_destroy (l->data);

  return opened_type;
}

/* --library opens the library; a launch without a file opens the sample
 * article the very first time, the library after. */
static void
test_launch (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);

  g_assert_true (launch ("--library") == MG_TYPE_LIBRARY_WINDOW);

  g_settings_set_boolean (settings, "first-run", TRUE);
  g_assert_true (launch (NULL) == MG_TYPE_WINDOW);
  g_assert_false (g_settings_get_boolean (settings, "first-run"));
  g_assert_true (launch (NULL) == MG_TYPE_LIBRARY_WINDOW);
}

int
main (int   argc,
      char *argv[])
{
  app = mg_test_ui_init (&argc, &argv, "test-library-window");

  make_document (&alpha, "alpha.txt", "Alpha notes\n\nLeaves turn light into sugar.\n",
                 "turn light into sugar", "This is photosynthesis, the key idea", "method", MG_COLOR_YELLOW);
  make_document (&beta, "beta.txt", "Beta field report\n\nThe river delta floods each spring.\n",
                 "river delta floods", "Seen in the field", "field", MG_COLOR_BLUE);
  make_document (&gamma_doc, "gamma.txt", "Gamma\n\nHere is the lost passage of the gamma file.\n",
                 "the lost passage", "kept safe", "archive", MG_COLOR_PINK);
  g_assert_cmpint (g_unlink (gamma_doc.path), ==, 0);
  mg_library_window_set_choose_func (choose_cb, NULL);

  g_test_add_func ("/library-window/lists-documents", test_lists_documents);
  g_test_add_func ("/library-window/search/opens-passage", test_search_opens_passage);
  g_test_add_func ("/library-window/search/pointer-click", test_pointer_click_result);
  g_test_add_func ("/library-window/missing/readable-exportable", test_missing_readable_exportable);
  g_test_add_func ("/library-window/missing/locate-relinks", test_locate_relinks);
  g_test_add_func ("/library-window/remove-undo", test_remove_undo);
  g_test_add_func ("/library-window/export-all", test_export_all);
  g_test_add_func ("/library-window/launch", test_launch);

  return mg_test_ui_run (app);
}
