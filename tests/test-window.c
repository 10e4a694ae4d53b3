/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "mg-application.h"
#include "mg-window.h"

/* These tests drive the real application under a display (Xvfb in CI):
 * they start it as a user would, wait until the window shows what it
 * should, and trigger the same actions a user triggers. */

typedef gboolean (*CheckFunc) (MgApplication *app,
                               gpointer       user_data);

typedef struct
{
  CheckFunc check;
  gpointer  user_data;
  gint64    deadline;
  gboolean  passed;
} Waiter;

static gboolean
poll_cb (gpointer user_data)
{
  Waiter       *waiter = user_data;
  GApplication *app = g_application_get_default ();

  if (waiter->check (MG_APPLICATION (app), waiter->user_data))
    waiter->passed = TRUE;
  else if (g_get_monotonic_time () < waiter->deadline)
    return G_SOURCE_CONTINUE;

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  return G_SOURCE_REMOVE;
}

/* Runs the application with @argv and returns whether @check became true
 * within a minute of the start. */
static gboolean
run_app_until (const char **argv,
               CheckFunc    check,
               gpointer     user_data)
{
  g_autoptr (MgApplication) app = mg_application_new ();
  Waiter waiter = { check, user_data, 0, FALSE };
  int    status;

  /* Not unique: a test never talks to an instance started elsewhere. */
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);

  waiter.deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; /* sanitizer builds are slow */
  g_timeout_add (50, poll_cb, &waiter);

  status = g_application_run (G_APPLICATION (app), g_strv_length ((char **) argv), (char **) argv);
  g_assert_cmpint (status, ==, 0);

  return waiter.passed;
}

static MgWindow *
only_window (MgApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  if (windows == NULL || windows->next != NULL || !MG_IS_WINDOW (windows->data))
    return NULL;

  return windows->data;
}

static char *
buffer_text (MgWindow *window)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (mg_window_get_text_view (window));
  GtkTextIter    start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static gboolean
shows_bundled_article (MgApplication *app,
                       gpointer       user_data)
{
  MgWindow *window = only_window (app);
  g_autoptr (MgDocument) bundled = mg_document_new_bundled ();
  g_autofree char *text = NULL;

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
    return FALSE;
  if (g_strcmp0 (mg_window_get_page (window), "document") != 0)
    return FALSE;

  text = buffer_text (window);
  g_assert_cmpstr (text, ==, mg_document_get_text (bundled));
  g_assert_true (g_str_has_suffix (text, "future.\""));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==,
                   "US lifts export ban on Anthropic's AI tools");
  g_assert_false (gtk_text_view_get_editable (mg_window_get_text_view (window)));

  return TRUE;
}

static void
test_starts_on_bundled_article (void)
{
  const char *argv[] = { "marginalia", NULL };

  g_assert_true (run_app_until (argv, shows_bundled_article, NULL));
}

static gboolean
shows_error (MgApplication *app,
             gpointer       user_data)
{
  MgWindow *window = only_window (app);

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
    return FALSE;
  if (g_strcmp0 (mg_window_get_page (window), "error") != 0)
    return FALSE;

  g_assert_null (mg_window_get_document (window));
  g_assert_nonnull (mg_window_get_error_message (window));
  g_assert_nonnull (strstr (mg_window_get_error_message (window), "does not exist"));
  g_assert_nonnull (strstr (mg_window_get_error_message (window), "missing-article.txt"));

  return TRUE;
}

static void
test_missing_file_shows_error (void)
{
  const char *argv[] = { "marginalia", "/nonexistent/folder/missing-article.txt", NULL };

  g_assert_true (run_app_until (argv, shows_error, NULL));
}

static gboolean
shows_file (MgApplication *app,
            gpointer       user_data)
{
  MgWindow        *window = only_window (app);
  g_autofree char *text = NULL;

  if (window == NULL || g_strcmp0 (mg_window_get_page (window), "document") != 0)
    return FALSE;

  text = buffer_text (window);
  g_assert_cmpstr (text, ==, "First paragraph.\n\nSecond paragraph.");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "essay.txt");

  return TRUE;
}

static void
test_opens_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mg-window-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "essay.txt", NULL);
  const char      *argv[] = { "marginalia", path, NULL };

  g_file_set_contents (path, "First paragraph.\r\n\r\nSecond paragraph.\r\n", -1, &error);
  g_assert_no_error (error);

  g_assert_true (run_app_until (argv, shows_file, NULL));

  /* An opened document is in Open Recent. */
  {
    g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);

    g_assert_true (gtk_recent_manager_has_item (gtk_recent_manager_get_default (), uri));
  }

  g_unlink (path);
  g_rmdir (dir);
}

typedef struct
{
  const char *expected_path;
  const char *title;
} FormatCase;

static gboolean
shows_rendered (MgApplication *app,
                gpointer       user_data)
{
  const FormatCase *c = user_data;
  MgWindow         *window = only_window (app);
  g_autofree char  *text = NULL;
  g_autofree char  *expected = NULL;
  g_autofree char  *path = NULL;

  if (window == NULL || g_strcmp0 (mg_window_get_page (window), "document") != 0)
    return FALSE;

  path = g_test_build_filename (G_TEST_DIST, "data", "loader", c->expected_path, NULL);
  g_assert_true (g_file_get_contents (path, &expected, NULL, NULL));
  g_strchomp (expected);

  /* The rendered text, without markup, is what the reader shows. */
  text = buffer_text (window);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, c->title);

  /* The headings are listed, and a click on one goes there. */
  {
    GtkListBox      *contents = GTK_LIST_BOX (mg_window_get_contents (window));
    const MgHeading *headings;
    guint            n = 0;
    GtkListBoxRow   *row;
    GtkTextBuffer   *buffer = gtk_text_view_get_buffer (mg_window_get_text_view (window));
    GtkTextIter      cursor;

    headings = mg_document_get_headings (mg_window_get_document (window), &n);
    g_assert_cmpuint (n, >=, 2);
    row = gtk_list_box_get_row_at_index (contents, n - 1);
    g_assert_nonnull (row);
    g_assert_null (gtk_list_box_get_row_at_index (contents, n));
    g_signal_emit_by_name (contents, "row-activated", row);
    gtk_text_buffer_get_iter_at_mark (buffer, &cursor, gtk_text_buffer_get_insert (buffer));
    g_assert_cmpuint (gtk_text_iter_get_offset (&cursor), ==, headings[n - 1].start);
  }

  return TRUE;
}

static void
test_opens_markdown_and_html (void)
{
  const FormatCase md = { "notes.expected.txt", "Reading notes: deltas and sediment" };
  const FormatCase html = { "article.expected.txt", "Rivers on the Move: Why Deltas Are Sinking" };
  g_autofree char *md_path = g_test_build_filename (G_TEST_DIST, "data", "loader", "notes.md", NULL);
  g_autofree char *html_path = g_test_build_filename (G_TEST_DIST, "data", "loader", "article.html", NULL);
  const char      *md_argv[] = { "marginalia", md_path, NULL };
  const char      *html_argv[] = { "marginalia", html_path, NULL };

  g_assert_true (run_app_until (md_argv, shows_rendered, (gpointer) &md));
  g_assert_true (run_app_until (html_argv, shows_rendered, (gpointer) &html));
}

static gboolean
second_open_adds_window (MgApplication *app,
                         gpointer       user_data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));
  GFile *file = user_data;

  if (windows == NULL)
    return FALSE;

  /* Once the first window is up, open a file in the same instance, as a
   * second "marginalia FILE" does through D-Bus. */
  if (g_list_length (windows) == 1)
    {
      if (g_object_get_data (G_OBJECT (app), "opened") == NULL)
        {
          g_object_set_data (G_OBJECT (app), "opened", GINT_TO_POINTER (1));
          g_application_open (G_APPLICATION (app), &file, 1, "");
        }
      return FALSE;
    }

  for (GList *l = windows; l != NULL; l = l->next)
    {
      MgDocument *document = mg_window_get_document (l->data);

      if (document == NULL)
        return FALSE;
    }

  return g_list_length (windows) == 2;
}

static void
test_open_in_running_instance (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mg-window-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "second.txt", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  const char *argv[] = { "marginalia", NULL };

  g_file_set_contents (path, "Another text.", -1, &error);
  g_assert_no_error (error);

  g_assert_true (run_app_until (argv, second_open_adds_window, file));

  g_unlink (path);
  g_rmdir (dir);
}

static char *
marginalia_binary (void)
{
  return g_test_build_filename (G_TEST_BUILT, "..", "src", "ui", "marginalia", NULL);
}

static void
test_cli_version (void)
{
  g_autofree char *binary = marginalia_binary ();
  const char      *argv[] = { binary, "--version", NULL };
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_cmpstr (out, ==, "marginalia " PACKAGE_VERSION "\n");
}

static void
test_cli_usage_error (void)
{
  g_autofree char *binary = marginalia_binary ();
  const char      *argv[] = { binary, "--no-such-option", NULL };
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "--no-such-option"));
}

typedef struct
{
  char *dir;
  char *data_home;
  char *document;
} CliFixture;

static void
cli_fixture_init (CliFixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *article = g_test_build_filename (G_TEST_DIST, "..", "data", "article.txt", NULL);
  g_autofree char *contents = NULL;
  gsize            len;

  f->dir = g_dir_make_tmp ("mg-cli-XXXXXX", &error);
  g_assert_no_error (error);
  f->data_home = g_build_filename (f->dir, "data", NULL);
  f->document = g_build_filename (f->dir, "article.txt", NULL);
  g_file_get_contents (article, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (f->document, contents, len, &error);
  g_assert_no_error (error);
}

static void
cli_fixture_clear (CliFixture *f)
{
  g_autofree char *command = g_strdup_printf ("rm -rf '%s'", f->dir);

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
  g_free (f->dir);
  g_free (f->data_home);
  g_free (f->document);
}

/* Runs marginalia with @args (NULL-terminated) in the fixture's data folder,
 * without a display; returns the exit status. */
static int
run_cli (CliFixture *f,
         char      **out,
         char      **err,
         ...)
{
  g_autofree char *binary = marginalia_binary ();
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_auto (GStrv) envp = g_get_environ ();
  g_autoptr (GError) error = NULL;
  const char *arg;
  va_list     args;
  int         status;

  g_ptr_array_add (argv, binary);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  envp = g_environ_setenv (envp, "XDG_DATA_HOME", f->data_home, TRUE);
  envp = g_environ_unsetenv (envp, "DISPLAY");
  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");

  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));

  return WEXITSTATUS (status);
}

static void
test_cli_import_export (void)
{
  CliFixture       f;
  g_autofree char *sample = g_test_build_filename (G_TEST_DIST, "data", "hypothesis-sample.json", NULL);
  g_autofree char *import_arg = g_strdup_printf ("--import=%s", sample);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *markdown = NULL;
  g_autofree char *w3c_path = NULL;
  g_autofree char *w3c = NULL;
  g_autofree char *output_arg = NULL;

  cli_fixture_init (&f);

  /* Nothing stored yet. */
  g_assert_cmpint (run_cli (&f, NULL, &err, "--export=markdown", f.document, NULL), ==, 4);
  g_assert_nonnull (strstr (err, "no annotations"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (&f, &out, NULL, import_arg, f.document, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Imported 5 annotations: 1 anchored, 3 moved, 1 not found"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_cli (&f, &markdown, NULL, "--export=markdown", f.document, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (markdown, "---\n"));
  g_assert_nonnull (strstr (markdown, "> We cannot rely on the charity of a foreign government"));
  g_assert_nonnull (strstr (markdown, "^mg-"));

  w3c_path = g_build_filename (f.dir, "out.jsonld", NULL);
  output_arg = g_strdup_printf ("--output=%s", w3c_path);
  g_assert_cmpint (run_cli (&f, NULL, NULL, "--export=w3c", output_arg, f.document, NULL), ==, 0);
  g_assert_true (g_file_get_contents (w3c_path, &w3c, NULL, NULL));
  g_assert_nonnull (strstr (w3c, "\"AnnotationCollection\""));
  g_assert_nonnull (strstr (w3c, "http://www.w3.org/ns/anno.jsonld"));

  /* Importing the same file again adds nothing. */
  g_assert_cmpint (run_cli (&f, &out, NULL, import_arg, f.document, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Imported 0 annotations"));

  cli_fixture_clear (&f);
}

static void
test_cli_errors (void)
{
  CliFixture       f;
  g_autofree char *malformed = NULL;
  g_autofree char *import_arg = NULL;
  g_autofree char *err = NULL;

  cli_fixture_init (&f);
  malformed = g_build_filename (f.dir, "broken.json", NULL);
  g_assert_true (g_file_set_contents (malformed, "{\"type\": \"Annotation\", \"target\": [", -1, NULL));
  import_arg = g_strdup_printf ("--import=%s", malformed);

  g_assert_cmpint (run_cli (&f, NULL, &err, "--export=pdf", f.document, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "pdf"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (&f, NULL, &err, "--export=markdown", NULL), ==, 2);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (&f, NULL, &err, "--export=markdown", "/nonexistent/article.txt", NULL), ==, 3);
  g_assert_nonnull (strstr (err, "/nonexistent/article.txt"));
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (&f, NULL, &err, import_arg, f.document, NULL), ==, 5);
  g_assert_nonnull (strstr (err, "cannot import"));
  g_clear_pointer (&err, g_free);

  /* The malformed import stored nothing. */
  g_assert_cmpint (run_cli (&f, NULL, &err, "--export=markdown", f.document, NULL), ==, 4);

  cli_fixture_clear (&f);
}

static void
test_cli_help (void)
{
  g_autofree char *binary = marginalia_binary ();
  const char      *argv[] = { binary, "--help", NULL };
  g_autofree char *out = NULL;
  int              status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, NULL);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "--export"));
  g_assert_nonnull (strstr (out, "--import"));
  g_assert_nonnull (strstr (out, "--output"));
  g_assert_nonnull (strstr (out, "Exit status"));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/window/starts-on-bundled-article", test_starts_on_bundled_article);
  g_test_add_func ("/window/missing-file-shows-error", test_missing_file_shows_error);
  g_test_add_func ("/window/opens-file", test_opens_file);
  g_test_add_func ("/window/open-in-running-instance", test_open_in_running_instance);
  g_test_add_func ("/window/opens-markdown-and-html", test_opens_markdown_and_html);
  g_test_add_func ("/cli/version", test_cli_version);
  g_test_add_func ("/cli/usage-error", test_cli_usage_error);
  g_test_add_func ("/cli/help", test_cli_help);
  g_test_add_func ("/cli/import-export", test_cli_import_export);
  g_test_add_func ("/cli/errors", test_cli_errors);

  return g_test_run ();
}
