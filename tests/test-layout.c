/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mg-application.h"
#include "mg-test-ui.h"
#include "mg-test-utils.h"
#include "mg-window-private.h"

/* The window's layout as a new user meets it: the header bar starts with
 * Open, as in Text Editor and Papers, and holds no control that is
 * disabled most of the time; Open Recent lists documents only; the window
 * fits a phone's 360 pixels, with the find bar open or closed and the
 * sidebar over the text. */

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
has_annotations (gpointer window)
{
  return mg_window_get_annotations (window) != NULL;
}

static MgWindow *
bundled_window (void)
{
  MgWindow *window = mg_window_new (GTK_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  mg_window_open_bundled (window);
  g_assert_true (mg_test_iterate_until (has_annotations, window, 60));
  wait_ms (100);

  return window;
}

static void
close_window (MgWindow *window)
{
  mg_test_close_window (GTK_WINDOW (window));
}

/* What the window's content needs, without the frame that client-side
 * decorations add around it where there is no compositor. */
static int
minimum_width (GtkWidget *window)
{
  GtkWidget *content = adw_application_window_get_content (ADW_APPLICATION_WINDOW (window));
  int        minimum;

  gtk_widget_measure (content, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);

  return minimum;
}

static void
test_header_bar (void)
{
  MgWindow  *window = bundled_window ();
  GtkWidget *header = GTK_WIDGET (window->header_bar);
  GtkWidget *first = NULL;

  /* The first button of the header bar's start is Open. */
  for (GtkWidget *w = gtk_widget_get_first_child (header); w != NULL && first == NULL;)
    {
      if (GTK_IS_BUTTON (w) || GTK_IS_MENU_BUTTON (w) || ADW_IS_SPLIT_BUTTON (w))
        first = w;
      else if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != header && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w == header ? NULL : gtk_widget_get_next_sibling (w);
        }
    }
  g_assert_nonnull (first);
  g_assert_true (GTK_IS_BUTTON (first));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (first)), ==, "app.open");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (first)), ==, "_Open");

  /* No Highlight button that is disabled until there is a selection: the
   * selection's popover and the keys do its work. */
  for (GtkWidget *w = first; w != NULL; w = gtk_widget_get_next_sibling (w))
    g_assert_false (ADW_IS_SPLIT_BUTTON (w));

  close_window (window);
}

static void
test_narrow (void)
{
  MgWindow *window = bundled_window ();

  g_test_message ("minimum width %d", minimum_width (GTK_WIDGET (window)));
  g_assert_cmpint (minimum_width (GTK_WIDGET (window)), <=, 360);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL));
  wait_ms (300);
  g_test_message ("minimum width, find bar open %d", minimum_width (GTK_WIDGET (window)));
  g_assert_cmpint (minimum_width (GTK_WIDGET (window)), <=, 360);

  gtk_toggle_button_set_active (window->sidebar_button, TRUE);
  wait_ms (300);
  g_test_message ("minimum width, sidebar open %d", minimum_width (GTK_WIDGET (window)));
  g_assert_cmpint (minimum_width (GTK_WIDGET (window)), <=, 360);

  close_window (window);
}

static char *
menu_label (GMenuModel *menu,
            int         index)
{
  char *label = NULL;

  g_menu_model_get_item_attribute (menu, index, G_MENU_ATTRIBUTE_LABEL, "s", &label);

  return label;
}

static gboolean
recent_menu_has_one_document (gpointer window)
{
  GMenuModel      *menu = G_MENU_MODEL (MG_WINDOW (window)->recent_menu);
  g_autofree char *label = NULL;

  if (g_menu_model_get_n_items (menu) != 1)
    return FALSE;
  label = menu_label (menu, 0);

  return g_strcmp0 (label, "reading.txt") == 0;
}

static void
set_true (gboolean *flag)
{
  *flag = TRUE;
}

static gboolean
is_true (gpointer flag)
{
  return *(gboolean *) flag;
}

static gboolean
menu_has_items (gpointer user_data)
{
  return g_menu_model_get_n_items (G_MENU_MODEL (user_data)) > 0;
}

/* Open Recent lists the documents read, not the files exported or
 * imported, and says so when there is none yet. */
static void
test_open_recent (void)
{
  g_autofree char *dir = g_build_filename (mg_test_get_user_dirs_root (), "recent", NULL);
  g_autofree char *document_path = g_build_filename (dir, "reading.txt", NULL);
  g_autofree char *export_path = g_build_filename (dir, "reading – annotations.md", NULL);
  g_autofree char *export_uri = g_filename_to_uri (export_path, NULL, NULL);
  g_autoptr (GFile) document = g_file_new_for_path (document_path);
  MgWindow        *window = bundled_window ();
  GMenuModel      *menu = G_MENU_MODEL (window->recent_menu);
  g_autofree char *placeholder = NULL;
  MgWindow        *reading;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (document_path, "A text to read.\n", -1, NULL));
  g_assert_true (g_file_set_contents (export_path, "# Notes\n", -1, NULL));

  /* None yet: a line says so, with no action behind it (the list is
   * read once the window is up). */
  g_assert_true (mg_test_iterate_until (menu_has_items, menu, 30));
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 1);
  placeholder = menu_label (menu, 0);
  g_assert_cmpstr (placeholder, ==, "No Recent Documents");

  /* The file chooser adds what it saved to the recent files. GTK writes
   * them out a moment later, then reads its own file again when it sees
   * it change: a document added in between is lost in that reading (under
   * ASan, every time), which no user is quick enough for. */
  {
    gboolean changed = FALSE;
    gulong   handler = g_signal_connect_swapped (gtk_recent_manager_get_default (), "changed",
                                                 G_CALLBACK (set_true), &changed);

    gtk_recent_manager_add_item (gtk_recent_manager_get_default (), export_uri);
    g_assert_true (mg_test_iterate_until (is_true, &changed, 30));
    g_signal_handler_disconnect (gtk_recent_manager_get_default (), handler);
    wait_ms (500);
  }

  reading = mg_window_new (GTK_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (reading));
  mg_window_open_file (reading, document);
  g_assert_true (mg_test_iterate_until (recent_menu_has_one_document, window, 30));

  close_window (reading);
  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  app = mg_test_ui_init (&argc, &argv, "test-layout");

  g_test_add_func ("/layout/open-recent/documents-only", test_open_recent);
  g_test_add_func ("/layout/header-bar/open-first", test_header_bar);
  g_test_add_func ("/layout/narrow/360", test_narrow);

  return mg_test_ui_run (app);
}
