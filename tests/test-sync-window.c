/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "mg-annotation-editor.h"
#include "mg-application.h"
#include "mg-document-loader.h"
#include "mg-export.h"
#include "mg-preferences-window.h"
#include "mg-store.h"
#include "mg-test-utils.h"
#include "mg-library-window.h"
#include "mg-window-private.h"

/* Choosing the annotations folder from a window: the annotations already
 * kept are merged into the new folder (the old one left as it was), the
 * window reads them again from there and says what happened; a folder
 * that cannot be written changes nothing and says so. Driven through the
 * window's action, as the Preferences window reaches it, and through the
 * Preferences window's folder chooser. The core of the merge is tested in
 * test-sync.c. */

#define TEXT "A passage on the desktop. Another passage, from the laptop. The end."

static MgApplication *app;

static void
wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
annotations_shown (gpointer window)
{
  return mg_window_get_annotations (window) != NULL;
}

static MgDocument *
document_new (void)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (TEXT, strlen (TEXT));
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (mg_test_get_user_dirs_root (), "article.txt", NULL);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  MgDocument      *document = mg_document_loader_load_bytes (bytes, uri, NULL, MG_DOCUMENT_FORMAT_TEXT, &error);

  g_assert_no_error (error);

  return document;
}

static MgWindow *
new_window (MgDocument *document)
{
  MgWindow *window = mg_window_new (GTK_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  mg_window_set_document (window, document);
  g_assert_true (mg_test_iterate_until (annotations_shown, window, 60));

  return window;
}

static gboolean
window_gone (gpointer window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (toplevels, i);

      if (item == window)
        return FALSE;
    }

  return TRUE;
}

static void
close_window (GtkWindow *window)
{
  gtk_window_close (window);
  mg_test_iterate_until (window_gone, window, 30);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static MgAnnotation *
annotation_on (MgDocument *document,
               const char *quote)
{
  const char *found = strstr (mg_document_get_text (document), quote);
  guint       start;

  g_assert_nonnull (found);
  start = g_utf8_pointer_to_offset (mg_document_get_text (document), found);

  return mg_annotation_new_for_range (document, start, start + g_utf8_strlen (quote, -1), MG_COLOR_GREEN);
}

/* Whether a label under @widget shows text holding @needle (the toasts). */
static gboolean
shows_text (GtkWidget  *widget,
            const char *needle)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), needle) != NULL)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (shows_text (child, needle))
        return TRUE;
    }

  return FALSE;
}

typedef struct
{
  MgWindow   *window;
  const char *id;
} Waiting;

static gboolean
annotation_shown (gpointer data)
{
  Waiting *waiting = data;

  return mg_window_get_annotations (waiting->window) != NULL && mg_annotation_list_lookup (mg_window_get_annotations (waiting->window), waiting->id) != NULL;
}

/* The annotations of @document in @folder, made there as another machine
 * would have made them: one on "Another passage". */
static char *
prepare_folder (const char *folder,
                MgDocument *document)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = mg_store_new (document, list, folder);
  g_autoptr (MgAnnotation) annotation = annotation_on (document, "Another passage");
  g_autoptr (GError) error = NULL;

  g_assert_true (mg_store_load (store, &error));
  g_assert_no_error (error);
  mg_annotation_list_add (list, annotation);
  g_assert_true (mg_store_flush (store, &error));
  g_assert_no_error (error);

  return g_strdup (mg_annotation_get_id (annotation));
}

static char *
read_text (GFile *file)
{
  char *contents = NULL;

  g_assert_true (g_file_load_contents (file, NULL, &contents, NULL, NULL, NULL));

  return contents;
}

static void
reset_folder (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);

  g_settings_reset (settings, "annotations-folder");
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
test_change_merges (void)
{
  g_autoptr (MgDocument) document = document_new ();
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *new_folder = g_build_filename (mg_test_get_user_dirs_root (), "Sync", "Marginalia", NULL);
  g_autofree char *laptop_id = prepare_folder (new_folder, document);
  g_autofree char *desktop_id = NULL;
  g_autofree char *old_before = NULL;
  g_autofree char *old_after = NULL;
  g_autofree char *chosen = NULL;
  g_autoptr (GFile) old_file = NULL;
  g_autoptr (GFile) expected_dir = g_file_new_for_path (new_folder);
  MgWindow *window = new_window (document);
  Waiting   waiting = { window, NULL };

  /* A highlight made here, in the default folder. */
  {
    g_autoptr (MgAnnotation) annotation = annotation_on (document, "A passage on the desktop");

    mg_annotation_list_add (mg_window_get_annotations (window), annotation);
    desktop_id = g_strdup (mg_annotation_get_id (annotation));
  }
  g_assert_true (mg_window_flush (window, NULL));
  old_file = g_object_ref (mg_store_get_file (window->store));
  old_before = read_text (old_file);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.set-annotations-folder", "s", new_folder));

  chosen = g_settings_get_string (settings, "annotations-folder");
  g_assert_cmpstr (chosen, ==, new_folder);

  /* Both, read from the new folder. */
  waiting.id = laptop_id;
  g_assert_true (mg_test_iterate_until (annotation_shown, &waiting, 30));
  g_assert_nonnull (mg_annotation_list_lookup (mg_window_get_annotations (window), desktop_id));
  g_assert_true (g_file_equal (mg_store_get_directory (window->store), expected_dir));
  g_assert_true (shows_text (GTK_WIDGET (window), "Annotations folder changed"));

  /* The old folder as it was. */
  old_after = read_text (old_file);
  g_assert_cmpstr (old_after, ==, old_before);

  /* What is made now goes to the new folder. */
  {
    g_autoptr (MgAnnotation) annotation = annotation_on (document, "The end");
    g_autofree char *saved = NULL;

    mg_annotation_list_add (mg_window_get_annotations (window), annotation);
    g_assert_true (mg_window_flush (window, NULL));
    saved = read_text (mg_store_get_file (window->store));
    g_assert_nonnull (strstr (saved, mg_annotation_get_id (annotation)));
    g_assert_nonnull (strstr (saved, desktop_id));
    g_assert_nonnull (strstr (saved, laptop_id));
    old_after = (g_free (old_after), read_text (old_file));
    g_assert_null (strstr (old_after, mg_annotation_get_id (annotation)));
  }

  close_window (GTK_WINDOW (window));
  reset_folder ();
}

/* A folder that cannot be made: nothing changes, the toast says why. */
static void
test_change_unwritable (void)
{
  g_autoptr (MgDocument) document = document_new ();
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *blocker = g_build_filename (mg_test_get_user_dirs_root (), "not-a-folder", NULL);
  g_autofree char *bad = g_build_filename (blocker, "Marginalia", NULL);
  g_autofree char *chosen = NULL;
  g_autoptr (GFile) before = NULL;
  MgWindow *window = new_window (document);
  guint     n_items;

  g_assert_true (g_file_set_contents (blocker, "a file", -1, NULL));
  {
    g_autoptr (MgAnnotation) annotation = annotation_on (document, "The end");

    mg_annotation_list_add (mg_window_get_annotations (window), annotation);
  }
  n_items = g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (window)));
  before = g_object_ref (mg_store_get_directory (window->store));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.set-annotations-folder", "s", bad));
  wait_ms (200);

  chosen = g_settings_get_string (settings, "annotations-folder");
  g_assert_cmpstr (chosen, ==, "");
  g_assert_true (g_file_equal (mg_store_get_directory (window->store), before));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (window))), ==, n_items);
  g_assert_true (shows_text (GTK_WIDGET (window), "was not changed"));

  mg_annotation_list_remove_all (mg_window_get_annotations (window));
  close_window (GTK_WINDOW (window));
  g_unlink (blocker);
}

static GtkFileChooser *
find_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (toplevel) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return GTK_FILE_CHOOSER (toplevel);
    }

  return NULL;
}

static gboolean
chooser_shown (gpointer data)
{
  return find_chooser () != NULL;
}

static gboolean
chooser_holds (gpointer data)
{
  GtkFileChooser *chooser = find_chooser ();
  g_autoptr (GFile) chosen = gtk_file_chooser_get_file (chooser);

  if (chosen != NULL && g_file_equal (chosen, data))
    return TRUE;

  /* Nothing selected in a folder chooser: the folder shown is chosen. */
  gtk_file_chooser_set_current_folder (chooser, data, NULL);

  return FALSE;
}

static gboolean
folder_is (gpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *chosen = g_settings_get_string (settings, "annotations-folder");

  return g_strcmp0 (chosen, data) == 0;
}

/* The Preferences window: the folder chooser, then Default. */
static void
test_preferences_chooser (void)
{
  g_autoptr (MgDocument) document = document_new ();
  g_autofree char *folder = g_build_filename (mg_test_get_user_dirs_root (), "Nextcloud", NULL);
  g_autoptr (GFile) folder_file = g_file_new_for_path (folder);
  g_autofree char *default_folder = mg_store_default_directory ();
  g_autoptr (GFile) default_file = g_file_new_for_path (default_folder);
  MgWindow       *window = new_window (document);
  GtkWidget      *preferences;
  GtkFileChooser *chooser;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  preferences = mg_preferences_window_new (GTK_WINDOW (window), NULL);
  gtk_window_present (GTK_WINDOW (preferences));
  g_assert_true (shows_text (preferences, default_folder));

  g_assert_true (gtk_widget_activate_action (preferences, "folder.choose", NULL));
  g_assert_true (mg_test_iterate_until (chooser_shown, NULL, 30));
  chooser = find_chooser ();
  g_assert_cmpint (gtk_file_chooser_get_action (chooser), ==, GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER);
  /* The chooser lists folders in the background: the choice is made
   * again until it holds. */
  g_assert_true (mg_test_iterate_until (chooser_holds, folder_file, 30));
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  G_GNUC_END_IGNORE_DEPRECATIONS

  g_assert_true (mg_test_iterate_until (folder_is, folder, 30));
  g_assert_true (shows_text (preferences, folder));
  g_assert_true (shows_text (GTK_WIDGET (window), "Annotations folder changed"));

  /* Back to the application's own folder. */
  g_assert_true (gtk_widget_activate_action (preferences, "folder.use-default", NULL));
  g_assert_true (mg_test_iterate_until (folder_is, (gpointer) "", 30));
  g_assert_true (shows_text (preferences, default_folder));
  g_assert_true (mg_test_iterate_until (annotations_shown, window, 30));
  g_assert_true (g_file_equal (mg_store_get_directory (window->store), default_file));

  gtk_window_destroy (GTK_WINDOW (preferences));
  close_window (GTK_WINDOW (window));
  reset_folder ();
}

/* Links back into the text --------------------------------------------- */

static MgWindow *
window_showing (const char *uri)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    {
      MgWindow *window = l->data;

      if (MG_IS_WINDOW (window) && window->document != NULL && g_strcmp0 (mg_document_get_uri (window->document), uri) == 0)
        return window;
    }

  return NULL;
}

typedef struct
{
  const char *uri;
  const char *annotation_id;
} LinkWait;

static gboolean
editor_on_annotation (gpointer data)
{
  LinkWait     *wait = data;
  MgWindow     *window = window_showing (wait->uri);
  MgAnnotation *annotation;

  if (window == NULL)
    return FALSE;
  annotation = mg_annotation_editor_get_annotation (MG_ANNOTATION_EDITOR (mg_window_get_editor (window)));

  return annotation != NULL && g_strcmp0 (mg_annotation_get_id (annotation), wait->annotation_id) == 0;
}

/* Issue 15: a link whose document is unknown opens the library, which
 * says so. */
static gboolean
library_says (gpointer data)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    {
      if (MG_IS_LIBRARY_WINDOW (l->data) && mg_library_window_get_toast_text (l->data) != NULL && strstr (mg_library_window_get_toast_text (l->data), data) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* A link from an exported Markdown file, opened as the desktop opens it
 * (g_application_open() with the URI): the document, at the passage. */
static void
test_link_opens_passage (void)
{
  g_autofree char *path = g_build_filename (mg_test_get_user_dirs_root (), "linked.txt", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgStore) store = NULL;
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) link_file = NULL;
  g_autofree char *markdown = NULL;
  g_autofree char *link = NULL;
  g_autofree char *missing = NULL;
  MgExportOptions  options = { 0 };
  const char      *start;
  LinkWait         wait;

  g_assert_true (g_file_set_contents (path, "First paragraph.\n\nThe passage a notebook links to.\n", -1, NULL));
  document = mg_document_loader_load_file (file, NULL, &error);
  g_assert_no_error (error);
  store = mg_store_new (document, list, NULL);
  g_assert_true (mg_store_load (store, &error));
  annotation = annotation_on (document, "a notebook links to");
  mg_annotation_list_add (list, annotation);
  g_assert_true (mg_store_flush (store, &error));

  options.document_id = mg_store_get_document_id (store);
  markdown = mg_export_markdown (document, G_LIST_MODEL (list), &options);
  g_test_message ("%s", markdown);
  start = strstr (markdown, "](marginalia://");
  g_assert_nonnull (start);
  link = g_strndup (start + 2, strchr (start, ')') - start - 2);
  g_clear_object (&store);

  link_file = g_file_new_for_uri (link);
  g_application_open (G_APPLICATION (app), &link_file, 1, "");
  wait.uri = mg_document_get_uri (document);
  wait.annotation_id = mg_annotation_get_id (annotation);
  g_assert_true (mg_test_iterate_until (editor_on_annotation, &wait, 60));
  close_window (GTK_WINDOW (window_showing (wait.uri)));

  /* A document this computer never saw: the library opens and says so,
   * and no document window is opened for it. */
  missing = g_strdup ("marginalia://open?document=0b6f2c1e-4c1a-5e1f-9d6b-3a2f1e0d9c8b&annotation=0b6f2c1e-4c1a-4e1f-9d6b-3a2f1e0d9c8b");
  g_clear_object (&link_file);
  link_file = g_file_new_for_uri (missing);
  g_application_open (G_APPLICATION (app), &link_file, 1, "");
  g_assert_true (mg_test_iterate_until (library_says, (gpointer) "not in the library", 30));
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    g_assert_false (MG_IS_WINDOW (l->data));
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = gtk_application_get_windows (GTK_APPLICATION (app)))
    close_window (l->data);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mg_test_isolate_user_dirs ("test-sync-window");
  gtk_test_init (&argc, &argv, NULL);

  app = mg_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/sync-window/folder/change-merges", test_change_merges);
  g_test_add_func ("/sync-window/folder/unwritable", test_change_unwritable);
  g_test_add_func ("/sync-window/preferences/chooser", test_preferences_chooser);
  g_test_add_func ("/sync-window/link/opens-passage", test_link_opens_passage);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  mg_test_remove_user_dirs ();

  return status;
}
