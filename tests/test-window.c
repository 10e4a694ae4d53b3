/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

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

  g_unlink (path);
  g_rmdir (dir);
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

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/window/starts-on-bundled-article", test_starts_on_bundled_article);
  g_test_add_func ("/window/missing-file-shows-error", test_missing_file_shows_error);
  g_test_add_func ("/window/opens-file", test_opens_file);
  g_test_add_func ("/window/open-in-running-instance", test_open_in_running_instance);
  g_test_add_func ("/cli/version", test_cli_version);
  g_test_add_func ("/cli/usage-error", test_cli_usage_error);

  return g_test_run ();
}
