/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "mg-application.h"
#include "mg-test-utils.h"
#include "mg-window-open-link.h"
#include "mg-window-private.h"

/* Open Link in the real window (under Xvfb), against a SoupServer on
 * 127.0.0.1 in this process: the dialog reads a page, says what went
 * wrong, cancels; a page read once opens again offline with its
 * highlights; a newer version re-anchors them; links given as files (the
 * command line, drag and drop) and pasted open too. */

static MgApplication *app;
static SoupServer    *server;
static GUri          *base;
static char          *changing;
static GPtrArray     *held;

#define ARTICLE_HTML                                              \
  "<!DOCTYPE html><html><head><title>Slow Reading</title></head>" \
  "<body><nav>Home | About</nav><article><h1>Slow Reading</h1>"   \
  "<p>Reading slowly is a pleasure that rewards the patient.</p>" \
  "<p>Notes in the margin help to remember what mattered.</p>"    \
  "</article></body></html>"

static void
server_cb (SoupServer        *soup_server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  const char *body = NULL;

  if (g_str_has_prefix (path, "/article"))
    body = ARTICLE_HTML;
  else if (strcmp (path, "/changing") == 0)
    body = changing;
  else if (strcmp (path, "/script-only") == 0)
    body = "<html><body><div id=\"app\"></div><script>render ()</script></body></html>";
  else if (strcmp (path, "/slow") == 0)
    {
      soup_server_message_pause (msg);
      g_ptr_array_add (held, g_object_ref (msg));
      return;
    }

  if (body == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<p>no</p>", 9);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
start_server (void)
{
  g_autoptr (GError) error = NULL;
  GSList *uris;

  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, server_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  base = g_uri_ref (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static char *
url_for (const char *path)
{
  g_autoptr (GUri) uri = g_uri_parse_relative (base, path, G_URI_FLAGS_ENCODED, NULL);

  return g_uri_to_string (uri);
}

/* Helpers {{{1 */

static gboolean
is_null (gpointer pointer)
{
  return *(gpointer *) pointer == NULL;
}

static void
close_window (MgWindow *window)
{
  /* Saved and gone, with nothing of ours holding it. */
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (mg_test_iterate_until (is_null, &window, 30));
}

static MgWindow *
new_window (void)
{
  MgWindow *window = mg_window_new (GTK_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  mg_window_open_bundled (window);

  return window;
}

typedef struct
{
  MgWindow   *window;
  const char *uri;
} Shows;

/* The window shows the document at @uri, with its annotations loaded. */
static gboolean
shows_uri (gpointer user_data)
{
  Shows      *shows = user_data;
  MgDocument *document = mg_window_get_document (shows->window);

  return document != NULL && g_strcmp0 (mg_document_get_uri (document), shows->uri) == 0
         && mg_window_get_annotations (shows->window) != NULL;
}

static void
wait_for_uri (MgWindow   *window,
              const char *uri)
{
  Shows shows = { window, uri };

  g_assert_true (mg_test_iterate_until (shows_uri, &shows, 30));
}

static gboolean
dialog_done (gpointer user_data)
{
  MgOpenLinkDialog *dialog = mg_window_get_open_link_dialog (user_data);

  return dialog != NULL && !mg_open_link_dialog_get_busy (dialog) && mg_open_link_dialog_get_error (dialog) != NULL;
}

static gboolean
no_dialog (gpointer user_data)
{
  return mg_window_get_open_link_dialog (user_data) == NULL;
}

static MgOpenLinkDialog *
open_dialog (MgWindow   *window,
             const char *text)
{
  MgOpenLinkDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.open-link", NULL));
  dialog = mg_window_get_open_link_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  gtk_editable_set_text (mg_open_link_dialog_get_entry (dialog), text);

  return dialog;
}

static char *
window_text (MgWindow *window)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (mg_window_get_text_view (window));
  GtkTextIter    start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static guint
count_state (MgWindow         *window,
             MgAnnotationState state)
{
  GListModel *list = G_LIST_MODEL (mg_window_get_annotations (window));
  guint       n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (list, i);

      n += mg_annotation_get_state (annotation) == state;
    }

  return n;
}

static void
highlight (MgWindow   *window,
           const char *quote)
{
  MgDocument *document = mg_window_get_document (window);
  const char *text = mg_document_get_text (document);
  const char *at = strstr (text, quote);
  guint       start;
  g_autoptr (MgAnnotation) annotation = NULL;

  g_assert_nonnull (at);
  start = g_utf8_pointer_to_offset (text, at);
  annotation = mg_annotation_new_for_range (document, start, start + g_utf8_strlen (quote, -1), MG_COLOR_YELLOW);
  mg_annotation_list_add (mg_window_get_annotations (window), annotation);
}

/* Tests {{{1 */

static void
test_dialog_opens_page (void)
{
  MgWindow         *window = new_window ();
  g_autofree char  *url = url_for ("/article-dialog.html");
  g_autofree char  *text = NULL;
  g_autofree char  *snapshots = g_build_filename (g_get_user_data_dir (), APP_ID, "annotations", "snapshots", NULL);
  MgOpenLinkDialog *dialog;

  dialog = open_dialog (window, url);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "open-link.open", NULL));

  /* The sample article gives way to the page, in the same window. */
  wait_for_uri (window, url);
  g_assert_true (mg_test_iterate_until (no_dialog, window, 10));
  text = window_text (window);
  g_assert_nonnull (strstr (text, "Notes in the margin help to remember what mattered."));
  g_assert_null (strstr (text, "Home | About"));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Slow Reading");
  g_assert_true (g_file_test (snapshots, G_FILE_TEST_IS_DIR));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (window)));

  close_window (window);
}

static void
test_dialog_errors (void)
{
  MgWindow         *window = new_window ();
  g_autofree char  *missing = url_for ("/missing.html");
  MgOpenLinkDialog *dialog;

  /* Not a web address: said at once, nothing is read. */
  dialog = open_dialog (window, "ftp://example.org/file");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "open-link.open", NULL));
  g_assert_false (mg_open_link_dialog_get_busy (dialog));
  g_assert_nonnull (strstr (mg_open_link_dialog_get_error (dialog), "http://"));

  /* Editing the address takes the message away. */
  gtk_editable_set_text (mg_open_link_dialog_get_entry (dialog), missing);
  g_assert_null (mg_open_link_dialog_get_error (dialog));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "open-link.open", NULL));
  g_assert_true (mg_test_iterate_until (dialog_done, window, 30));
  g_assert_nonnull (strstr (mg_open_link_dialog_get_error (dialog), "404"));
  g_assert_false (mg_open_link_dialog_get_offers_browser (dialog));
  /* The dialog stays, to correct the address; the window keeps its document. */
  g_assert_true (mg_window_get_open_link_dialog (window) == dialog);
  g_assert_true (mg_document_is_bundled (mg_window_get_document (window)));

  /* A page that only scripts fill: a browser can show it. */
  g_free (missing);
  missing = url_for ("/script-only");
  gtk_editable_set_text (mg_open_link_dialog_get_entry (dialog), missing);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "open-link.open", NULL));
  g_assert_true (mg_test_iterate_until (dialog_done, window, 30));
  g_assert_nonnull (strstr (mg_open_link_dialog_get_error (dialog), "no readable article"));
  g_assert_true (mg_open_link_dialog_get_offers_browser (dialog));
  g_assert_true (mg_document_is_bundled (mg_window_get_document (window)));

  gtk_widget_activate_action (GTK_WIDGET (dialog), "open-link.cancel", NULL);
  g_assert_true (mg_test_iterate_until (no_dialog, window, 10));
  close_window (window);
}

static void
test_dialog_cancel_and_timeout (void)
{
  MgWindow         *window = new_window ();
  g_autofree char  *slow = url_for ("/slow");
  MgOpenLinkDialog *dialog;

  dialog = open_dialog (window, slow);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "open-link.open", NULL));
  g_assert_true (mg_test_iterate_until ((MgTestCondition) mg_open_link_dialog_get_busy, dialog, 10));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "open-link.cancel", NULL));
  g_assert_true (mg_test_iterate_until (no_dialog, window, 10));
  g_assert_true (mg_document_is_bundled (mg_window_get_document (window)));

  dialog = open_dialog (window, slow);
  mg_web_fetch_set_timeout (mg_open_link_dialog_get_fetch (dialog), 300);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "open-link.open", NULL));
  g_assert_true (mg_test_iterate_until (dialog_done, window, 30));
  g_assert_nonnull (strstr (mg_open_link_dialog_get_error (dialog), "in time"));

  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (mg_test_iterate_until (no_dialog, window, 10));
  close_window (window);
}

/* A page read once, highlighted, opens again with the server gone: from
 * its snapshot, with its highlight in place. */
static void
test_snapshot_offline_highlight (void)
{
  MgWindow        *window = new_window ();
  g_autofree char *url = url_for ("/article-offline.html");
  g_autofree char *text = NULL;
  g_autoptr (GFile) file = g_file_new_for_uri (url);

  /* As the command line and drag and drop give a link. */
  mg_window_open_location (window, file);
  wait_for_uri (window, url);
  highlight (window, "rewards the patient");
  close_window (window);

  soup_server_disconnect (server);

  window = new_window ();
  mg_window_open_url (window, url);
  wait_for_uri (window, url);
  g_assert_null (mg_window_get_open_link_dialog (window));
  text = window_text (window);
  g_assert_nonnull (strstr (text, "Reading slowly is a pleasure that rewards the patient."));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (window))), ==, 1);
  g_assert_cmpuint (count_state (window, MG_ANNOTATION_STATE_ANCHORED), ==, 1);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (window)));

  close_window (window);

  /* Back for the next tests, on the same port. */
  {
    g_autoptr (GError) error = NULL;

    soup_server_listen_local (server, g_uri_get_port (base), SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
    g_assert_no_error (error);
  }
}

static gboolean
has_orphan (gpointer window)
{
  return mg_window_get_annotations (window) != NULL && count_state (window, MG_ANNOTATION_STATE_ORPHANED) == 1;
}

static void
test_check_newer_version (void)
{
  MgWindow        *window = new_window ();
  g_autofree char *url = url_for ("/changing");
  MgDocument      *first;

  /* The sample article is no web page. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.check-newer-version", NULL);
  g_assert_null (mg_window_get_open_link_dialog (window));

  g_free (changing);
  changing = g_strdup ("<html><head><title>Changing</title></head><body><p>First version of the text.</p><p>A paragraph that stays.</p></body></html>");
  mg_window_open_url (window, url);
  wait_for_uri (window, url);
  g_assert_true (mg_test_iterate_until (no_dialog, window, 10));
  highlight (window, "First version");
  highlight (window, "A paragraph that stays.");
  first = mg_window_get_document (window);

  /* Read again, unchanged: nothing moves. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.check-newer-version", NULL));
  g_assert_nonnull (mg_window_get_open_link_dialog (window));
  g_assert_true (mg_test_iterate_until (no_dialog, window, 30));
  g_assert_true (mg_window_get_document (window) == first);
  g_assert_cmpuint (count_state (window, MG_ANNOTATION_STATE_ANCHORED), ==, 2);

  g_free (changing);
  changing = g_strdup ("<html><head><title>Changing</title></head><body><p>Second edition, rewritten.</p><p>A paragraph that stays.</p></body></html>");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.check-newer-version", NULL));
  g_assert_true (mg_test_iterate_until (has_orphan, window, 30));
  g_assert_true (mg_window_get_document (window) != first);
  g_assert_cmpuint (count_state (window, MG_ANNOTATION_STATE_ANCHORED), ==, 1);
  g_assert_true (mg_test_iterate_until (no_dialog, window, 10));

  close_window (window);
}

static void
test_paste_link (void)
{
  MgWindow        *window = new_window ();
  g_autofree char *url = url_for ("/article-pasted.html");
  g_autofree char *clip = g_strdup_printf ("  %s\n", url);

  /* Text that is not a link does nothing. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), "just some words");
  g_signal_emit_by_name (mg_window_get_text_view (window), "paste-clipboard");
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (mg_window_get_open_link_dialog (window));
  g_assert_true (mg_document_is_bundled (mg_window_get_document (window)));

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), clip);
  g_signal_emit_by_name (mg_window_get_text_view (window), "paste-clipboard");
  wait_for_uri (window, url);

  close_window (window);
}

/* "marginalia URL": the application gets the link as a file, as
 * GApplication makes one of each argument, and opens it in a new window. */
static void
test_command_line (void)
{
  g_autofree char *url = url_for ("/article-command-line.html");
  g_autoptr (GFile) file = g_file_new_for_commandline_arg (url);
  GList    *before = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));
  MgWindow *window = NULL;

  g_application_open (G_APPLICATION (app), &file, 1, "");
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    if (g_list_find (before, l->data) == NULL && MG_IS_WINDOW (l->data))
      window = l->data;
  g_list_free (before);
  g_assert_nonnull (window);

  wait_for_uri (window, url);
  close_window (window);
}

/* }}} */

int
main (int   argc,
      char *argv[])
{
  int status;

  mg_test_isolate_user_dirs ("test-open-link");
  g_setenv ("no_proxy", "127.0.0.1,localhost", TRUE);
  gtk_test_init (&argc, &argv, NULL);

  app = mg_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  g_application_hold (G_APPLICATION (app));

  held = g_ptr_array_new_with_free_func (g_object_unref);
  changing = g_strdup ("<p>x</p>");
  start_server ();

  g_test_add_func ("/open-link/dialog/opens-page", test_dialog_opens_page);
  g_test_add_func ("/open-link/dialog/errors", test_dialog_errors);
  g_test_add_func ("/open-link/dialog/cancel-and-timeout", test_dialog_cancel_and_timeout);
  g_test_add_func ("/open-link/snapshot/offline-highlight", test_snapshot_offline_highlight);
  g_test_add_func ("/open-link/snapshot/check-newer-version", test_check_newer_version);
  g_test_add_func ("/open-link/paste", test_paste_link);
  g_test_add_func ("/open-link/command-line", test_command_line);

  status = g_test_run ();

  /* The slow responses die with their connections. */
  soup_server_disconnect (server);
  g_ptr_array_unref (held);
  g_clear_object (&server);
  g_clear_pointer (&base, g_uri_unref);
  g_free (changing);
  mg_test_remove_user_dirs ();

  return status;
}
