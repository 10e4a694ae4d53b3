/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mg-application.h"
#include "mg-document-loader.h"
#include "mg-test-ui.h"
#include "mg-test-utils.h"
#include "mg-window-private.h"

/* The metadata for citing a page, in the window: under the title, and in
 * Copy with Citation (the selection popover's button, the text's context
 * menu), driven through the same action a user triggers. */

static MgApplication *app;

static void
iterate (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

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

static MgDocument *
load_page (const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "metadata", name, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  MgDocument *document = mg_document_loader_load_file (file, NULL, &error);

  g_assert_no_error (error);
  return document;
}

static MgWindow *
new_window (MgDocument *document)
{
  MgWindow *window = mg_window_new (GTK_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  mg_window_set_document (window, document);

  for (guint tries = 0; tries < 12000 && mg_window_get_annotations (window) == NULL; tries++)
    wait_ms (5);
  g_assert_nonnull (mg_window_get_annotations (window));
  iterate ();

  return window;
}

static void
clipboard_text_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static void
select_text (MgWindow   *window,
             const char *needle)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (mg_window_get_text_view (window));
  const char    *text = mg_document_get_text (window->document);
  const char    *found = strstr (text, needle);
  glong          start;
  GtkTextIter    s, e;

  g_assert_nonnull (found);
  start = g_utf8_pointer_to_offset (text, found);
  gtk_text_buffer_get_iter_at_offset (buffer, &s, start);
  gtk_text_buffer_get_iter_at_offset (buffer, &e, start + g_utf8_strlen (needle, -1));
  gtk_text_buffer_select_range (buffer, &s, &e);
  iterate ();
}

/* Selects @needle and copies it with its citation: what the clipboard
 * then holds. */
static char *
copy_with_citation (MgWindow   *window,
                    const char *needle)
{
  char *text = NULL;

  select_text (window, needle);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-citation", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL, clipboard_text_cb, &text);
  while (text == NULL)
    g_main_context_iteration (NULL, TRUE);

  return text;
}

static gboolean
has_action_button (GtkWidget  *widget,
                   const char *action)
{
  if (GTK_IS_ACTIONABLE (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (has_action_button (child, action))
      return TRUE;

  return FALSE;
}

static void
test_byline_under_title (void)
{
  g_autoptr (MgDocument) document = load_page ("news-article.html");
  MgWindow *window = new_window (document);

  g_assert_cmpstr (adw_window_title_get_title (window->window_title), ==, "Tidal Power Gets a Second Look in the North Sea");
  g_assert_cmpstr (adw_window_title_get_subtitle (window->window_title), ==, "Amara Okafor and Per Lindqvist · The Morning Ledger · 2026-03-14");

  mg_test_close_window (GTK_WINDOW (window));
}

static void
test_copy_with_citation (void)
{
  g_autoptr (MgDocument) document = load_page ("news-article.html");
  g_autofree char *text = NULL;
  MgWindow        *window = new_window (document);

  g_assert_true (has_action_button (gtk_popover_get_child (_mg_window_ensure_selection_popover (window)), "win.copy-citation"));

  text = copy_with_citation (window, "Engineers returned to the Pentland Firth this winter");
  g_assert_cmpstr (text, ==,
                   "> Engineers returned to the Pentland Firth this winter\n"
                   "\n"
                   "Amara Okafor and Per Lindqvist, *Tidal Power Gets a Second Look in the North Sea*, "
                   "The Morning Ledger, 2026-03-14, https://ledger.example.com/energy/tidal-power\n");
  g_assert_cmpstr (mg_window_get_toast_text (window), ==, "Copied with citation");

  mg_test_close_window (GTK_WINDOW (window));
}

static void
test_copy_with_citation_title_only (void)
{
  g_autoptr (MgDocument) document = load_page ("title-only.html");
  g_autofree char *text = NULL;
  MgWindow        *window = new_window (document);

  /* What is unknown is left out, with no dangling commas. */
  text = copy_with_citation (window, "A daymark tells a sailor");
  g_assert_cmpstr (text, ==, "> A daymark tells a sailor\n\n*Why Lighthouses Were Painted in Stripes*, Coastal Notes\n");

  mg_test_close_window (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mg_test_isolate_user_dirs ("test-citation");
  gtk_test_init (&argc, &argv, NULL);

  app = mg_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/citation/window/byline-under-title", test_byline_under_title);
  g_test_add_func ("/citation/window/copy-with-citation", test_copy_with_citation);
  g_test_add_func ("/citation/window/copy-title-only", test_copy_with_citation_title_only);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  mg_test_remove_user_dirs ();

  return status;
}
