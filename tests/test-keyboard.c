/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "mg-application.h"
#include "mg-test-ui.h"
#include "mg-test-utils.h"
#include "mg-window-private.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

/* The whole loop by keyboard alone, as a user who does not use a pointer
 * goes through it: open a document (Ctrl+O, then a path typed in the file
 * chooser), select with caret browsing (F7, then Shift and the arrows),
 * highlight with a note and a tag (Ctrl+M, Tab), find the highlight in the
 * sidebar (Ctrl+Shift+F, Enter), and export (Ctrl+E, a file name typed).
 * Every key is a real X event (xdotool, through XTEST) to the focused
 * window; the test asserts what the user would see or get at each step. */

static MgApplication *app;

static void
run_for_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

/* Runs xdotool with @args (keys for the focused window), then lets GTK
 * handle the events it sent. */
static void
xdotool (const char *args)
{
  g_autofree char *command = g_strconcat ("xdotool ", args, NULL);
  g_autoptr (GError) error = NULL;
  int status = 0;

  gdk_display_flush (gdk_display_get_default ());
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  run_for_ms (250);
}

static void
keys (const char *keys)
{
  g_autofree char *args = g_strdup_printf ("key --clearmodifiers --delay 60 %s", keys);

  xdotool (args);
}

static void
type (const char *text)
{
  g_autofree char *quoted = g_shell_quote (text);
  g_autofree char *args = g_strdup_printf ("type --clearmodifiers --delay 30 %s", quoted);

  xdotool (args);
}

static gboolean
have_xdotool (void)
{
  g_autofree char *path = g_find_program_in_path ("xdotool");

#ifdef GDK_WINDOWING_X11
  if (path != NULL && GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    return TRUE;
#endif

  g_test_skip ("needs xdotool and an X display to send real key events");

  return FALSE;
}

/* The shown toplevel of @type, if any. */
static GtkWindow *
shown_window_of_type (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (window), type) && gtk_widget_get_mapped (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
file_chooser_shown (gpointer unused)
{
  return shown_window_of_type (GTK_TYPE_FILE_CHOOSER_DIALOG) != NULL;
}

static gboolean
file_chooser_gone (gpointer unused)
{
  return shown_window_of_type (GTK_TYPE_FILE_CHOOSER_DIALOG) == NULL;
}

typedef struct
{
  const char *uri;
  MgWindow   *window;
} Opened;

static gboolean
document_opened (gpointer data)
{
  Opened     *opened = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);
      MgDocument *document;

      if (!MG_IS_WINDOW (window))
        continue;
      document = mg_window_get_document (MG_WINDOW (window));
      if (document != NULL && g_strcmp0 (mg_document_get_uri (document), opened->uri) == 0 && mg_window_get_annotations (MG_WINDOW (window)) != NULL && gtk_window_is_active (window))
        {
          opened->window = MG_WINDOW (window);
          return TRUE;
        }
    }

  return FALSE;
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
editor_shown (gpointer window)
{
  return gtk_widget_get_visible (mg_window_get_editor (window));
}

static gboolean
editor_hidden (gpointer window)
{
  return !editor_shown (window);
}

static char *
selected_text (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter    start, end;

  gtk_text_buffer_get_selection_bounds (buffer, &start, &end);

  return gtk_text_iter_get_text (&start, &end);
}

static guint
cursor_offset (GtkTextView *view)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  GtkTextIter    iter;

  gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));

  return gtk_text_iter_get_offset (&iter);
}

static void
test_full_loop (void)
{
  g_autofree char *dir = g_build_filename (mg_test_get_user_dirs_root (), "keyboard", NULL);
  g_autofree char *path = g_build_filename (dir, "deltas.txt", NULL);
  g_autofree char *export_path = g_build_filename (dir, "deltas-notes.md", NULL);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  g_autofree char *exported = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (MgAnnotation) annotation = NULL;
  Opened       opened = { uri, NULL };
  MgWindow    *start;
  GtkTextView *view;
  GListModel  *annotations;

  if (!have_xdotool ())
    return;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path,
                                      "Rivers on the move\n"
                                      "Deltas sink when dams upstream hold back the sediment that once built them.\n"
                                      "Pumping groundwater makes the ground settle faster still.\n",
                                      -1, NULL));

  /* The window a user starts with. */
  start = mg_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (start));
  mg_window_open_bundled (start);
  run_for_ms (1500);

  /* Open: Ctrl+O, the location typed (Ctrl+L), Enter. */
  keys ("ctrl+o");
  g_assert_true (mg_test_iterate_until (file_chooser_shown, NULL, 20));
  run_for_ms (500);
  keys ("ctrl+l");
  type (path);
  run_for_ms (1000);
  keys ("Return");
  g_assert_true (mg_test_iterate_until (file_chooser_gone, NULL, 20));
  g_assert_true (mg_test_iterate_until (document_opened, &opened, 30));
  run_for_ms (500);

  view = mg_window_get_text_view (opened.window);
  annotations = G_LIST_MODEL (mg_window_get_annotations (opened.window));
  g_assert_cmpuint (g_list_model_get_n_items (annotations), ==, 0);

  /* Select: caret browsing, the caret to the second line's start, two
   * words with Shift+Ctrl+Right. */
  keys ("F7");
  g_assert_true (gtk_text_view_get_cursor_visible (view));
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (view)));
  keys ("ctrl+Home Down Home shift+ctrl+Right shift+ctrl+Right");
  text = selected_text (view);
  g_assert_cmpstr (text, ==, "Deltas sink");

  /* Highlight with a note: Ctrl+M opens the editor on the note; Tab goes
   * to the tags; Escape keeps both and closes it. */
  keys ("ctrl+m");
  g_assert_true (mg_test_iterate_until (editor_shown, opened.window, 10));
  g_assert_cmpuint (g_list_model_get_n_items (annotations), ==, 1);
  annotation = g_list_model_get_item (annotations, 0);
  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "Deltas sink");
  type ("Compare with the Nile.");
  keys ("Tab");
  type ("subsidence");
  keys ("Escape");
  g_assert_true (mg_test_iterate_until (editor_hidden, opened.window, 10));
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "Compare with the Nile.");
  g_assert_nonnull (mg_annotation_get_tags (annotation));
  g_assert_cmpstr (mg_annotation_get_tags (annotation)[0], ==, "subsidence");
  g_assert_null (mg_annotation_get_tags (annotation)[1]);

  /* Find it in the sidebar: the caret elsewhere (the text has the focus
   * again), Ctrl+Shift+F, a word of
   * the note, Enter for the first match: the caret is back on the passage. */
  g_assert_true (gtk_widget_has_focus (GTK_WIDGET (view)));
  keys ("ctrl+End");
  g_assert_cmpuint (cursor_offset (view), ==, gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (view)));
  keys ("ctrl+shift+f");
  g_assert_true (gtk_widget_get_mapped (mg_window_get_sidebar (opened.window)));
  type ("Nile");
  run_for_ms (500);
  keys ("Return");
  g_assert_cmpuint (cursor_offset (view), ==, mg_annotation_get_range_start (annotation));

  /* Export: Ctrl+E, the file's path typed over the proposed name, Enter. */
  keys ("ctrl+e");
  g_assert_true (mg_test_iterate_until (file_chooser_shown, NULL, 20));
  run_for_ms (500);
  keys ("ctrl+a");
  type (export_path);
  /* A slow build (sanitizers) takes its time over each typed key. */
  run_for_ms (1000);
  keys ("Return");
  g_assert_true (mg_test_iterate_until (file_exists, export_path, 60));
  run_for_ms (300);
  g_assert_true (g_file_get_contents (export_path, &exported, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (exported, "> Deltas sink"));
  g_assert_nonnull (strstr (exported, "Compare with the Nile."));
  g_assert_nonnull (strstr (exported, "#subsidence"));

  mg_annotation_list_remove_all (mg_window_get_annotations (opened.window));
  mg_test_close_window (GTK_WINDOW (opened.window));
  mg_test_close_window (GTK_WINDOW (start));
}

int
main (int   argc,
      char *argv[])
{
  app = mg_test_ui_init (&argc, &argv, "test-keyboard");

  g_test_add_func ("/keyboard/full-loop", test_full_loop);

  return mg_test_ui_run (app);
}
