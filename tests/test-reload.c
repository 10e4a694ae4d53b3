/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mg-anchor.h"
#include "mg-application.h"
#include "mg-test-ui.h"
#include "mg-test-utils.h"
#include "mg-window-private.h"

/* A document changed on disk by another program: the window notices, a
 * bar offers Reload, and Reload shows the new text with the highlights
 * found again in it (moved where the text before them changed). */

static MgApplication *app;

typedef struct
{
  MgWindow   *window;
  const char *text;
} Shows;

static gboolean
shows_text_with_annotations (gpointer data)
{
  Shows      *shows = data;
  MgDocument *document = mg_window_get_document (shows->window);

  /* The text shown is the file's, without its last line break. */
  return document != NULL && g_str_has_prefix (shows->text, mg_document_get_text (document)) && strlen (shows->text) - strlen (mg_document_get_text (document)) <= 1 && mg_window_get_annotations (shows->window) != NULL;
}

static gboolean
reload_offered (gpointer window)
{
  return gtk_revealer_get_reveal_child (MG_WINDOW (window)->reload_bar);
}

static void
test_reload_changed_file (void)
{
  g_autofree char *path = g_build_filename (mg_test_get_user_dirs_root (), "changing.txt", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (MgAnnotation) annotation = NULL;
  MgWindow   *window;
  Shows       shows;
  const char *before = "Deltas sink when dams hold back their sediment.\n";
  const char *after = "A new first line.\nDeltas sink when dams hold back their sediment.\n";
  GListModel *list;

  g_assert_true (g_file_set_contents (path, before, -1, NULL));
  window = mg_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
  mg_window_open_file (window, file);
  shows = (Shows){ window, before };
  g_assert_true (mg_test_iterate_until (shows_text_with_annotations, &shows, 30));
  g_assert_false (reload_offered (window));

  annotation = mg_annotation_new ("dams", "", "", 0, 0, MG_COLOR_GREEN);
  mg_anchor_annotation (annotation, mg_window_get_document (window));
  mg_annotation_list_add (mg_window_get_annotations (window), annotation);

  /* Another program saves a new version. */
  g_assert_true (g_file_set_contents (path, after, -1, NULL));
  g_assert_true (mg_test_iterate_until (reload_offered, window, 20));
  /* Nothing changes until the user says so. */
  g_assert_true (g_str_has_prefix (before, mg_document_get_text (mg_window_get_document (window))));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reload", NULL));
  shows = (Shows){ window, after };
  g_assert_true (mg_test_iterate_until (shows_text_with_annotations, &shows, 30));
  g_assert_false (reload_offered (window));

  /* The highlight, found again in the new text. */
  list = G_LIST_MODEL (mg_window_get_annotations (window));
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 1);
  {
    g_autoptr (MgAnnotation) reloaded = g_list_model_get_item (list, 0);

    g_assert_cmpstr (mg_annotation_get_id (reloaded), ==, mg_annotation_get_id (annotation));
    g_assert_cmpuint (mg_annotation_get_range_start (reloaded), ==, strlen ("A new first line.\nDeltas sink when "));
    g_assert_cmpint (mg_annotation_get_state (reloaded), !=, MG_ANNOTATION_STATE_ORPHANED);
  }

  /* Another change, dismissed: the text stays. */
  g_assert_true (g_file_set_contents (path, before, -1, NULL));
  g_assert_true (mg_test_iterate_until (reload_offered, window, 20));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reload-dismiss", NULL));
  g_assert_false (reload_offered (window));
  g_assert_true (g_str_has_prefix (after, mg_document_get_text (mg_window_get_document (window))));

  mg_annotation_list_remove_all (mg_window_get_annotations (window));
  mg_test_close_window (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  app = mg_test_ui_init (&argc, &argv, "test-reload");

  g_test_add_func ("/reload/changed-on-disk", test_reload_changed_file);

  return mg_test_ui_run (app);
}
