/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "mg-application.h"
#include "mg-reading-style.h"
#include "mg-test-ui.h"
#include "mg-test-utils.h"
#include "mg-window-private.h"

#ifdef GDK_WINDOWING_X11
#include <X11/extensions/XInput2.h>
#include <dlfcn.h>
#include <gdk/x11/gdkx.h>
#endif

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

typedef void (*SetupFunc) (MgApplication *app,
                           gpointer       user_data);

/* Runs the application with @argv, after @setup if there is one, and
 * returns whether @check became true within a minute of the start. */
static gboolean
run_app_until_full (const char **argv,
                    SetupFunc    setup,
                    CheckFunc    check,
                    gpointer     user_data)
{
  g_autoptr (MgApplication) app = mg_application_new ();
  Waiter waiter = { check, user_data, 0, FALSE };
  int    status;

  /* Not unique: a test never talks to an instance started elsewhere. */
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  if (setup != NULL)
    setup (app, user_data);
  /* Each launch here is a first start: without a file, the sample article
   * (later starts open the library, see test-library-window.c). */
  {
    g_autoptr (GSettings) settings = g_settings_new (APP_ID);

    g_settings_set_boolean (settings, "first-run", TRUE);
  }

  waiter.deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; /* sanitizer builds are slow */
  g_timeout_add (50, poll_cb, &waiter);

  status = g_application_run (G_APPLICATION (app), g_strv_length ((char **) argv), (char **) argv);
  g_assert_cmpint (status, ==, 0);

  return waiter.passed;
}

static gboolean
run_app_until (const char **argv,
               CheckFunc    check,
               gpointer     user_data)
{
  return run_app_until_full (argv, NULL, check, user_data);
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

/* A frame idle on a window on screen asks for a frame, but does not have
 * the window drawn again for it (mg-frame-idle.c): with nothing else to
 * draw, the frame renders nothing. Queuing a draw of the window, as it
 * did, had GTK snapshot every widget again just after the first frame. */
typedef struct
{
  int         state;
  MgFrameIdle idle;
  gboolean    done;
  guint       n_renders;
  gint64      last_render;
  gulong      hook;
} FrameIdleCheck;

static gboolean
count_render_hook (GSignalInvocationHint *hint,
                   guint                  n_values,
                   const GValue          *values,
                   gpointer               user_data)
{
  FrameIdleCheck *check = user_data;

  check->n_renders++;
  check->last_render = g_get_monotonic_time ();

  return TRUE;
}

static void
frame_idle_done (gpointer user_data)
{
  FrameIdleCheck *check = user_data;

  check->done = TRUE;
}

static gboolean
frame_idle_ran (MgApplication *app,
                gpointer       user_data)
{
  FrameIdleCheck *check = user_data;
  MgWindow       *window = only_window (app);

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
    return FALSE;

  if (check->state == 0)
    {
      check->hook = g_signal_add_emission_hook (g_signal_lookup ("render", GDK_TYPE_SURFACE), 0,
                                                count_render_hook, check, NULL);
      check->last_render = g_get_monotonic_time ();
      check->state = 1;
      return FALSE;
    }

  if (check->state == 1)
    {
      /* Once the window has shown its document and its annotations, and
       * painted nothing for half a second (GTK's own frames after the
       * first: icons, scrollbars, the text view's validation). */
      if (mg_window_get_annotations (window) == NULL || mg_frame_idle_is_pending (&window->load_idle)
          || mg_frame_idle_is_pending (&window->show_idle)
          || g_get_monotonic_time () - check->last_render < G_USEC_PER_SEC / 2)
        return FALSE;
      check->n_renders = 0;
      mg_frame_idle_schedule (&check->idle, GTK_WIDGET (window), G_PRIORITY_DEFAULT_IDLE, frame_idle_done, check);
      check->state = 2;
      return FALSE;
    }

  if (!check->done)
    return FALSE;
  g_signal_remove_emission_hook (g_signal_lookup ("render", GDK_TYPE_SURFACE), check->hook);

  return TRUE;
}

static void
test_frame_idle_draws_nothing (void)
{
  const char    *argv[] = { "marginalia", NULL };
  FrameIdleCheck check = { 0 };

  g_assert_true (run_app_until (argv, frame_idle_ran, &check));
  g_assert_true (check.done);
  g_assert_cmpuint (check.n_renders, ==, 0);
}

/* The windows' icon is looked up in the icon theme after the first
 * window's first frame, not before it (mg-application.c). */
typedef struct
{
  gboolean realized;
  char    *icon_at_realize;
} IconCheck;

static void
icon_window_realized_cb (GtkWidget *window,
                         IconCheck *check)
{
  check->realized = TRUE;
  check->icon_at_realize = g_strdup (gtk_window_get_default_icon_name ());
}

static void
icon_window_added_cb (GtkApplication *app,
                      GtkWindow      *window,
                      IconCheck      *check)
{
  g_signal_connect (window, "realize", G_CALLBACK (icon_window_realized_cb), check);
}

static void
watch_icon (MgApplication *app,
            gpointer       user_data)
{
  g_signal_connect (app, "window-added", G_CALLBACK (icon_window_added_cb), user_data);
}

static gboolean
has_icon (MgApplication *app,
          gpointer       user_data)
{
  MgWindow *window = only_window (app);

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window)) && g_strcmp0 (gtk_window_get_default_icon_name (), APP_ID) == 0;
}

static void
test_icon_after_first_frame (void)
{
  const char *argv[] = { "marginalia", NULL };
  IconCheck   check = { FALSE, NULL };

  g_assert_true (run_app_until_full (argv, watch_icon, has_icon, &check));
  g_assert_true (check.realized);
  g_assert_null (check.icon_at_realize);
  g_free (check.icon_at_realize);
}

/* The first window draws every icon it shows from a pre-rendered
 * .symbolic.png, never through librsvg: loading it and its gdk-pixbuf
 * module took about 10 ms of a launch (src/ui/icons/meson.build). Nor is
 * libsoup loaded before a web page is opened (mg-web-fetch.c). Its own
 * process, as an earlier test may have loaded them. */
static gboolean
icons_painted (MgApplication *app,
               gpointer       user_data)
{
  MgWindow *window = only_window (app);

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window))
      || g_strcmp0 (mg_window_get_page (window), "document") != 0)
    return FALSE;

  /* A few frames more, for the icons of the widgets drawn later. */
  mg_test_wait_frames (GTK_WIDGET (window), 3);

  return TRUE;
}

static void
test_first_window_loads_no_svg (void)
{
  if (g_test_subprocess ())
    {
      const char      *argv[] = { "marginalia", NULL };
      g_autofree char *maps = NULL;

      g_assert_true (run_app_until (argv, icons_painted, NULL));
      g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
      g_assert_null (strstr (maps, "librsvg"));
      g_assert_null (strstr (maps, "pixbufloader-svg"));
      g_assert_null (strstr (maps, "libsoup"));
      return;
    }

  /* The app's own icons are there pre-rendered at Adwaita's sizes. */
  g_assert_true (g_resources_get_info ("/io/github/marginalia/Marginalia/icons/16x16/actions/mg-library-symbolic.symbolic.png",
                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL));
  g_assert_true (g_resources_get_info ("/io/github/marginalia/Marginalia/icons/32x32/actions/mg-note-symbolic.symbolic.png",
                                       G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL));

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

#ifdef GDK_WINDOWING_X11
/* Each time GTK asks the X server where the pointer is: libgtk's call
 * comes here, since the test program defines the function. */
static guint pointer_queries;

Bool
XIQueryPointer (Display         *display,
                int              deviceid,
                Window           win,
                Window          *root_return,
                Window          *child_return,
                double          *root_x_return,
                double          *root_y_return,
                double          *win_x_return,
                double          *win_y_return,
                XIButtonState   *buttons_return,
                XIModifierState *modifiers_return,
                XIGroupState    *group_return)
{
  static __typeof__ (XIQueryPointer) *real;

  if (real == NULL)
    real = (__typeof__ (XIQueryPointer) *) dlsym (RTLD_NEXT, "XIQueryPointer");
  pointer_queries++;

  return real (display, deviceid, win, root_return, child_return,
               root_x_return, root_y_return, win_x_return, win_y_return,
               buttons_return, modifiers_return, group_return);
}

typedef struct
{
  guint at_startup;
  guint at_window;
} PointerQueries;

static void
count_at_startup_cb (GApplication   *app,
                     PointerQueries *counts)
{
  counts->at_startup = pointer_queries;
}

static void
count_at_window_cb (GtkApplication *app,
                    GtkWindow      *window,
                    PointerQueries *counts)
{
  counts->at_window = pointer_queries;
}

static void
count_pointer_queries (MgApplication *app,
                       gpointer       user_data)
{
  g_signal_connect_after (app, "startup", G_CALLBACK (count_at_startup_cb), user_data);
  g_signal_connect (app, "window-added", G_CALLBACK (count_at_window_cb), user_data);
}

static gboolean
window_mapped (MgApplication *app,
               gpointer       user_data)
{
  MgWindow *window = only_window (app);

  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window));
}
#endif

/* Giving a shown widget a tooltip makes GTK 4.8 ask the display where the
 * pointer is, three round trips on X11. The window's tooltips are given
 * while no pointer can be over it (mg-tooltip.c): 34 questions before,
 * 2 now, both from GTK's own widgets. */
static void
test_window_built_without_pointer_queries (void)
{
#ifdef GDK_WINDOWING_X11
  const char    *argv[] = { "marginalia", NULL };
  PointerQueries counts = { 0, 0 };

  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_skip ("The X11 display only");
      return;
    }

  g_assert_true (run_app_until_full (argv, count_pointer_queries, window_mapped, &counts));
  g_test_message ("pointer queries while the window was built: %u", counts.at_window - counts.at_startup);
  g_assert_cmpuint (counts.at_window, >=, counts.at_startup);
  g_assert_cmpuint (counts.at_window - counts.at_startup, <=, 2);
#else
  g_test_skip ("The X11 display only");
#endif
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

  /* The window is named after the file, and offers to open another. */
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "missing-article.txt");
  {
    GtkWidget *open = mg_window_get_error_open_button (window);

    g_assert_true (gtk_widget_is_drawable (open));
    g_assert_true (gtk_widget_has_css_class (open, "suggested-action"));
    g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (open)), ==, "app.open");
    g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (open)), ==, "_Open…");
    /* Its icon is set only now (see test_first_window_loads_no_svg). */
    g_assert_cmpstr (adw_status_page_get_icon_name (ADW_STATUS_PAGE (gtk_widget_get_ancestor (open, ADW_TYPE_STATUS_PAGE))),
                     ==, "dialog-warning-symbolic");
  }

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

/* What a window does just after its document is set, before anything
 * else runs: whether its file is watched yet, and whether the load of its
 * annotations waits for a frame. */
typedef struct
{
  MgWindow *window;
  gboolean  checked;
  gboolean  watched;
  gboolean  load_pending;
  gboolean  load_waits_for_frame;
  gboolean  set_before_shown;
} JustAfterSet;

static gboolean
just_after_set_cb (gpointer user_data)
{
  JustAfterSet *check = user_data;

  check->checked = TRUE;
  check->watched = check->window->document_monitor != NULL;
  check->load_pending = mg_frame_idle_is_pending (&check->window->load_idle);
  check->load_waits_for_frame = check->window->load_idle.paint_id != 0;

  return G_SOURCE_REMOVE;
}

static void
document_set_cb (GObject      *window,
                 GParamSpec   *pspec,
                 JustAfterSet *check)
{
  if (check->window == NULL && mg_window_get_document (MG_WINDOW (window)) != NULL)
    {
      check->window = MG_WINDOW (window);
      check->set_before_shown = !gtk_widget_get_visible (GTK_WIDGET (window));
      g_idle_add_full (G_PRIORITY_HIGH, just_after_set_cb, check, NULL);
    }
}

static void
document_window_added_cb (GtkApplication *app,
                          GtkWindow      *window,
                          JustAfterSet   *check)
{
  g_signal_connect (window, "notify::document", G_CALLBACK (document_set_cb), check);
}

static void
watch_document_set (MgApplication *app,
                    gpointer       user_data)
{
  g_signal_connect (app, "window-added", G_CALLBACK (document_window_added_cb), user_data);
}

static gboolean
file_watched (MgApplication *app,
              gpointer       user_data)
{
  JustAfterSet *check = user_data;

  return check->checked && check->window->document_monitor != NULL;
}

/* The document's file is watched from just after the frame that shows
 * the document, not before it (mg-window.c): when the document is set,
 * its file is not watched yet; soon after, it is. */
static void
test_monitor_after_first_frame (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mg-window-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "notes.txt", NULL);
  const char      *argv[] = { "marginalia", path, NULL };
  JustAfterSet     check = { NULL };

  g_file_set_contents (path, "A paragraph to open.\n", -1, &error);
  g_assert_no_error (error);

  g_assert_true (run_app_until_full (argv, watch_document_set, file_watched, &check));
  g_assert_false (check.watched);

  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
load_checked (MgApplication *app,
              gpointer       user_data)
{
  JustAfterSet *check = user_data;

  return check->checked && mg_window_get_annotations (check->window) != NULL;
}

/* The annotations are read just after the frame that shows the document;
 * a big file shows its first screen before the document is whole, so by
 * the time it is, that frame is painted: the annotations are read at
 * once, without waiting for another. */
static void
test_load_after_first_screen (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mg-window-XXXXXX", &error);
  g_autofree char *small = g_build_filename (dir, "small.txt", NULL);
  g_autofree char *big = g_build_filename (dir, "big.txt", NULL);
  g_autoptr (GString) text = g_string_new (NULL);

  for (guint i = 0; i < 4000; i++)
    g_string_append (text, "A line of a long text, which the window shows a screen of first.\n");
  g_file_set_contents (big, text->str, text->len, &error);
  g_assert_no_error (error);
  g_file_set_contents (small, "A paragraph to open.\n", -1, &error);
  g_assert_no_error (error);

  {
    const char  *argv[] = { "marginalia", small, NULL };
    JustAfterSet check = { NULL };

    g_assert_true (run_app_until_full (argv, watch_document_set, load_checked, &check));
    g_assert_true (check.load_pending);
    g_assert_true (check.load_waits_for_frame);
  }
  {
    const char  *argv[] = { "marginalia", big, NULL };
    JustAfterSet check = { NULL };

    g_assert_true (run_app_until_full (argv, watch_document_set, load_checked, &check));
    g_assert_true (check.load_pending);
    g_assert_false (check.load_waits_for_frame);
  }
  /* The sample article is given to its window before the window is shown
   * (measured once, with the text); its annotations still wait for the
   * first frame. */
  {
    const char  *argv[] = { "marginalia", NULL };
    JustAfterSet check = { NULL };

    g_assert_true (run_app_until_full (argv, watch_document_set, load_checked, &check));
    g_assert_true (check.set_before_shown);
    g_assert_true (check.load_pending);
    g_assert_true (check.load_waits_for_frame);
  }

  g_unlink (small);
  g_unlink (big);
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

/* Steps that wait for the window from inside a check: the main loop is
 * iterated until @condition holds, with a timeout so that an iteration
 * never blocks while nothing else is due. */
typedef MgTestCondition Condition;

static gboolean
iterate_until (Condition condition,
               gpointer  user_data)
{
  return mg_test_iterate_until (condition, user_data, 60);
}

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;

  return G_SOURCE_REMOVE;
}

static gboolean
flag_set (gpointer user_data)
{
  return *(gboolean *) user_data;
}

static char *
write_temp_file (const char *dir,
                 const char *name,
                 const char *contents,
                 gssize      length)
{
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);

  return path;
}

static void
remove_tree (const char *dir)
{
  g_autofree char *quoted = g_shell_quote (dir);
  g_autofree char *command = g_strdup_printf ("rm -rf %s", quoted);

  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
}

/* The text replaces the loading page at once. A cross-fade would draw it
 * at opacity 0 in the first frame after the load, which is the frame the
 * annotations wait for before they load (and hold the next frames back). */
static void
document_shown_cb (MgWindow   *window,
                   GParamSpec *pspec,
                   gboolean   *checked)
{
  GtkWidget *stack = gtk_widget_get_ancestor (GTK_WIDGET (mg_window_get_text_view (window)), GTK_TYPE_STACK);

  if (mg_window_get_document (window) == NULL || mg_document_is_bundled (mg_window_get_document (window)))
    return;

  g_assert_nonnull (stack);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "document");
  g_assert_false (gtk_stack_get_transition_running (GTK_STACK (stack)));
  *checked = TRUE;
}

static gboolean
opens_without_cross_fade (MgApplication *app,
                          gpointer       user_data)
{
  MgWindow *window = only_window (app);
  gboolean  checked = FALSE;

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)) || mg_window_get_document (window) == NULL)
    return FALSE;

  g_signal_connect (window, "notify::document", G_CALLBACK (document_shown_cb), &checked);
  mg_window_open_file (window, user_data);
  g_assert_cmpstr (mg_window_get_page (window), ==, "loading");
  g_assert_true (iterate_until (flag_set, &checked));
  g_signal_handlers_disconnect_by_func (window, document_shown_cb, &checked);

  return TRUE;
}

static void
test_text_shown_at_once (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mg-window-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (GFile) file = NULL;
  const char *argv[] = { "marginalia", NULL };

  g_assert_no_error (error);
  path = write_temp_file (dir, "short.txt", "A short text.", -1);
  file = g_file_new_for_path (path);

  g_assert_true (run_app_until (argv, opens_without_cross_fade, file));

  remove_tree (dir);
}

/* A big plain text file given at launch shows its first screen before its
 * document is loaded; the document then only appends to it. */
typedef struct
{
  char    *text;
  gboolean first_before_document;
  guint    n_inserts;
  guint    n_deletes;
  gboolean first_before_shown;
} FirstScreenCase;

static void
first_screen_insert_cb (GtkTextBuffer   *buffer,
                        GtkTextIter     *iter,
                        char            *text,
                        int              len,
                        FirstScreenCase *c)
{
  MgWindow *window = only_window (MG_APPLICATION (g_application_get_default ()));

  if (c->n_inserts++ == 0)
    {
      c->first_before_document = window != NULL && mg_window_get_document (window) == NULL
                                 && g_str_equal (mg_window_get_page (window), "document")
                                 && g_str_has_prefix (text, "Line 1 of a long book.\n");
      /* Shown before the window is: its first frame has the text, not a
       * spinner (mg_window_show_first_screen_now()). */
      c->first_before_shown = window != NULL && !gtk_widget_get_visible (GTK_WIDGET (window));
    }
}

static void
first_screen_delete_cb (GtkTextBuffer   *buffer,
                        GtkTextIter     *start,
                        GtkTextIter     *end,
                        FirstScreenCase *c)
{
  if (!gtk_text_iter_equal (start, end))
    c->n_deletes++;
}

static void
first_screen_window_added_cb (GtkApplication  *app,
                              GtkWindow       *window,
                              FirstScreenCase *c)
{
  GtkTextBuffer *buffer;

  if (!MG_IS_WINDOW (window))
    return;
  buffer = gtk_text_view_get_buffer (mg_window_get_text_view (MG_WINDOW (window)));
  g_signal_connect (buffer, "insert-text", G_CALLBACK (first_screen_insert_cb), c);
  g_signal_connect (buffer, "delete-range", G_CALLBACK (first_screen_delete_cb), c);
}

static void
first_screen_setup (MgApplication *app,
                    gpointer       user_data)
{
  g_signal_connect (app, "window-added", G_CALLBACK (first_screen_window_added_cb), user_data);
}

static gboolean
first_screen_document_in (MgApplication *app,
                          gpointer       user_data)
{
  FirstScreenCase *c = user_data;
  MgWindow        *window = only_window (app);
  g_autofree char *text = NULL;

  if (window == NULL || mg_window_get_document (window) == NULL
      || mg_reader_view_get_loading (MG_READER_VIEW (mg_window_get_text_view (window))))
    return FALSE;

  text = buffer_text (window);
  g_assert_cmpstr (text, ==, mg_document_get_text (mg_window_get_document (window)));
  g_assert_true (g_str_has_prefix (c->text, text));

  return TRUE;
}

static void
test_first_screen_at_launch (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mg-window-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  FirstScreenCase c = { 0 };
  const char     *argv[] = { "marginalia", NULL, NULL };

  g_assert_no_error (error);
  for (guint i = 1; text->len < 400 * 1024; i++)
    g_string_append_printf (text, "Line %u of a long book.\n", i);
  path = write_temp_file (dir, "book.txt", text->str, text->len);
  c.text = text->str;
  argv[1] = path;

  g_assert_true (run_app_until_full (argv, first_screen_setup, first_screen_document_in, &c));
  g_assert_true (c.first_before_document);
  g_assert_true (c.first_before_shown);
  g_assert_cmpuint (c.n_deletes, ==, 0);

  remove_tree (dir);
}

/* Drag and drop --------------------------------------------------------- */

/* Under Xvfb no file manager can drag onto the window, so the tests hand
 * the window's own drop target what a drag of files from one delivers: a
 * GdkFileList, dropped at the middle of the window. What drop_cb does
 * with it is the real path. */
static gboolean
drop_files (MgWindow *window,
            GFile   **files,
            gsize     n_files)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  g_auto (GValue) value = G_VALUE_INIT;
  GtkDropTarget *target = NULL;
  gboolean       accepted = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        {
          g_assert_null (target);
          target = GTK_DROP_TARGET (controller);
        }
    }

  /* It takes what a file manager drags: files, to copy (not to move). */
  g_assert_nonnull (target);
  g_assert_true (gdk_content_formats_contain_gtype (gtk_drop_target_get_formats (target), GDK_TYPE_FILE_LIST));
  g_assert_cmpint (gtk_drop_target_get_actions (target), ==, GDK_ACTION_COPY);

  g_value_init (&value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (&value, gdk_file_list_new_from_array (files, n_files));
  g_signal_emit_by_name (target, "drop", &value,
                         gtk_widget_get_width (GTK_WIDGET (window)) / 2.0,
                         gtk_widget_get_height (GTK_WIDGET (window)) / 2.0,
                         &accepted);

  return accepted;
}

static MgWindow *
window_for_file (MgApplication *app,
                 GFile         *file)
{
  g_autofree char *uri = g_file_get_uri (file);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    {
      MgDocument *document = mg_window_get_document (l->data);

      if (document != NULL && g_strcmp0 (mg_document_get_uri (document), uri) == 0)
        return l->data;
    }

  return NULL;
}

static gboolean
windows_settled (gpointer user_data)
{
  guint  n_windows = GPOINTER_TO_UINT (user_data);
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (g_application_get_default ()));

  if (g_list_length (windows) != n_windows)
    return FALSE;

  for (GList *l = windows; l != NULL; l = l->next)
    if (g_strcmp0 (mg_window_get_page (l->data), "loading") == 0)
      return FALSE;

  return TRUE;
}

static void
assert_shows_file (MgApplication *app,
                   GFile         *file,
                   const char    *text)
{
  MgWindow        *window = window_for_file (app, file);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *shown = NULL;

  g_assert_nonnull (window);
  g_assert_cmpstr (mg_window_get_page (window), ==, "document");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, name);
  shown = buffer_text (window);
  g_assert_cmpstr (shown, ==, text);
}

/* GtkRecentManager adds an item once it has the file's type. */
static gboolean
in_recent_files (gpointer user_data)
{
  g_autofree char *uri = g_file_get_uri (user_data);

  return gtk_recent_manager_has_item (gtk_recent_manager_get_default (), uri);
}

typedef struct
{
  GFile *files[2];
} DropCase;

static void
drop_case_init (DropCase *c,
                char    **dir)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  *dir = g_dir_make_tmp ("mg-drop-XXXXXX", &error);
  g_assert_no_error (error);
  first = write_temp_file (*dir, "first.txt", "The first dropped text.", -1);
  second = write_temp_file (*dir, "second.txt", "The second dropped text.", -1);
  c->files[0] = g_file_new_for_path (first);
  c->files[1] = g_file_new_for_path (second);
}

static void
drop_case_clear (DropCase *c,
                 char     *dir)
{
  g_clear_object (&c->files[0]);
  g_clear_object (&c->files[1]);
  remove_tree (dir);
  g_free (dir);
}

/* Files dropped on a window that shows a document open each in a window
 * of its own; the document stays. */
static gboolean
drop_opens_new_windows (MgApplication *app,
                        gpointer       user_data)
{
  DropCase   *c = user_data;
  MgWindow   *window = only_window (app);
  MgDocument *bundled;

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)) || mg_window_get_document (window) == NULL)
    return FALSE;

  bundled = mg_window_get_document (window);
  g_assert_true (mg_document_is_bundled (bundled));

  g_assert_true (drop_files (window, c->files, 2));
  g_assert_true (iterate_until (windows_settled, GUINT_TO_POINTER (3)));

  assert_shows_file (app, c->files[0], "The first dropped text.");
  assert_shows_file (app, c->files[1], "The second dropped text.");
  g_assert_true (mg_window_get_document (window) == bundled);
  g_assert_cmpstr (mg_window_get_page (window), ==, "document");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, mg_document_get_title (bundled));

  /* Like any opened document, dropped ones are in Open Recent. */
  for (guint i = 0; i < G_N_ELEMENTS (c->files); i++)
    g_assert_true (iterate_until (in_recent_files, c->files[i]));

  return TRUE;
}

static void
test_drop_opens_new_windows (void)
{
  const char *argv[] = { "marginalia", NULL };
  DropCase    c;
  char       *dir;

  drop_case_init (&c, &dir);
  g_assert_true (run_app_until (argv, drop_opens_new_windows, &c));
  drop_case_clear (&c, dir);
}

/* A window with nothing to lose, the error page, takes the first dropped
 * file itself; the next ones get windows of their own. */
static gboolean
drop_replaces_error_page (MgApplication *app,
                          gpointer       user_data)
{
  DropCase *c = user_data;
  MgWindow *window = only_window (app);

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)) || g_strcmp0 (mg_window_get_page (window), "error") != 0)
    return FALSE;

  g_assert_true (drop_files (window, c->files, 2));
  g_assert_true (iterate_until (windows_settled, GUINT_TO_POINTER (2)));

  assert_shows_file (app, c->files[0], "The first dropped text.");
  assert_shows_file (app, c->files[1], "The second dropped text.");
  g_assert_true (window_for_file (app, c->files[0]) == window);
  g_assert_null (mg_window_get_error_message (window));

  return TRUE;
}

static void
test_drop_replaces_error_page (void)
{
  const char *argv[] = { "marginalia", "/nonexistent/folder/missing-article.txt", NULL };
  DropCase    c;
  char       *dir;

  drop_case_init (&c, &dir);
  g_assert_true (run_app_until (argv, drop_replaces_error_page, &c));
  drop_case_clear (&c, dir);
}

typedef struct
{
  GFile *document;
  GFile *unsupported[2]; /* a binary file and a folder */
} UnsupportedCase;

static MgWindow *
window_with_error_for (MgApplication *app,
                       GFile         *file,
                       MgWindow      *not_this)
{
  g_autofree char *name = g_file_get_parse_name (file);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    {
      const char *message = mg_window_get_error_message (l->data);

      if (l->data != not_this && message != NULL && g_str_has_prefix (message, name))
        return l->data;
    }

  return NULL;
}

/* A dropped file that is not a document says so the way Open does, in a
 * window of its own: the document already open stays as it was. */
static gboolean
drop_unsupported_keeps_document (MgApplication *app,
                                 gpointer       user_data)
{
  UnsupportedCase *c = user_data;
  MgWindow        *window = only_window (app);
  MgDocument      *document;
  MgWindow        *dropped[2];

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)) || mg_window_get_document (window) == NULL)
    return FALSE;

  document = mg_window_get_document (window);
  g_assert_true (drop_files (window, c->unsupported, 2));
  g_assert_true (iterate_until (windows_settled, GUINT_TO_POINTER (3)));

  g_assert_true (mg_window_get_document (window) == document);
  g_assert_cmpstr (mg_window_get_page (window), ==, "document");
  assert_shows_file (app, c->document, "Where I was reading.");

  for (guint i = 0; i < 2; i++)
    {
      dropped[i] = window_with_error_for (app, c->unsupported[i], NULL);
      g_assert_nonnull (dropped[i]);
      g_assert_true (dropped[i] != window);
      g_assert_cmpstr (mg_window_get_page (dropped[i]), ==, "error");
      g_assert_null (mg_window_get_document (dropped[i]));
    }
  g_assert_nonnull (strstr (mg_window_get_error_message (dropped[0]), "does not contain text"));
  g_assert_nonnull (strstr (mg_window_get_error_message (dropped[1]), "folder"));

  /* Opening the same files (as Open… and "marginalia FILE" do) tells the
   * same. */
  for (guint i = 0; i < 2; i++)
    {
      MgWindow *opened;

      g_application_open (G_APPLICATION (app), &c->unsupported[i], 1, "");
      g_assert_true (iterate_until (windows_settled, GUINT_TO_POINTER (4 + i)));
      opened = window_with_error_for (app, c->unsupported[i], dropped[i]);
      g_assert_nonnull (opened);
      g_assert_cmpstr (mg_window_get_error_message (opened), ==, mg_window_get_error_message (dropped[i]));
    }

  return TRUE;
}

/* The start of a PNG image: binary, not text. */
static const char png_header[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x02\0\0\0";

static void
test_drop_unsupported_keeps_document (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mg-drop-XXXXXX", &error);
  g_autofree char *document = write_temp_file (dir, "reading.txt", "Where I was reading.", -1);
  g_autofree char *binary = write_temp_file (dir, "picture.png", png_header, sizeof png_header - 1);
  g_autofree char *folder = g_build_filename (dir, "a folder", NULL);
  const char      *argv[] = { "marginalia", document, NULL };
  UnsupportedCase  c;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  c.document = g_file_new_for_path (document);
  c.unsupported[0] = g_file_new_for_path (binary);
  c.unsupported[1] = g_file_new_for_path (folder);

  g_assert_true (run_app_until (argv, drop_unsupported_keeps_document, &c));

  g_object_unref (c.document);
  g_object_unref (c.unsupported[0]);
  g_object_unref (c.unsupported[1]);
  remove_tree (dir);
}

/* Reading position ------------------------------------------------------ */

typedef struct
{
  MgApplication *app;
  GFile         *file;
  char          *dir;
  guint          passage; /* where paragraph 400 starts */
  guint          before;  /* the top of the view when the reader left */
  MgWindow      *window;
  int            top_y;
  int            saved_y;
  int            line_height;
} PositionCase;

/* A text of @n_paragraphs, with the passage at paragraph @passage. */
static void
position_case_init_full (PositionCase *c,
                         guint         n_paragraphs,
                         guint         passage)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *path = NULL;

  memset (c, 0, sizeof *c);
  c->dir = g_dir_make_tmp ("mg-position-XXXXXX", &error);
  g_assert_no_error (error);

  for (guint i = 1; i <= n_paragraphs; i++)
    {
      if (i == passage)
        c->passage = g_utf8_strlen (text->str, text->len);
      g_string_append_printf (text, "Paragraph %u. The reader comes back to the passage where they stopped, "
                                    "not to the first page of a long text.\n",
                              i);
    }
  path = write_temp_file (c->dir, "long.txt", text->str, text->len);
  c->file = g_file_new_for_path (path);
}

static void
position_case_init (PositionCase *c)
{
  position_case_init_full (c, 600, 400);
}

static void
position_case_clear (PositionCase *c)
{
  g_clear_object (&c->file);
  remove_tree (c->dir);
  g_clear_pointer (&c->dir, g_free);
}

static gboolean
no_windows (gpointer user_data)
{
  return gtk_application_get_windows (GTK_APPLICATION (user_data)) == NULL;
}

static gboolean
annotations_loaded (gpointer user_data)
{
  return mg_window_get_annotations (user_data) != NULL;
}

/* The offset of the start of the display line at the top of the view. */
static guint
top_offset (GtkTextView *view)
{
  GdkRectangle visible;
  GtkTextIter  iter;

  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_view_get_iter_at_location (view, &iter, visible.x, visible.y);
  if (!gtk_text_view_starts_display_line (view, &iter))
    gtk_text_view_backward_display_line_start (view, &iter);

  return gtk_text_iter_get_offset (&iter);
}

static gboolean
shows_document (MgWindow *window)
{
  return window != NULL && gtk_widget_get_mapped (GTK_WIDGET (window)) && g_strcmp0 (mg_window_get_page (window), "document") == 0;
}

/* Once every line is measured (GtkTextView measures them in the
 * background, at a higher priority than this idle), the reader drags the
 * scroll bar to a passage far into the text. */
static void
scroll_to_passage (MgWindow     *window,
                   PositionCase *c)
{
  GtkTextView *view = mg_window_get_text_view (window);
  GtkTextIter  iter;
  gboolean     idle = FALSE;
  int          y;

  g_idle_add_full (G_PRIORITY_LOW, set_flag_cb, &idle, NULL);
  g_assert_true (iterate_until (flag_set, &idle));

  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (view), &iter, c->passage);
  gtk_text_view_get_line_yrange (view, &iter, &y, NULL);
  gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)), y);
  mg_test_wait_frames (GTK_WIDGET (view), 2);

  c->before = top_offset (view);
  g_assert_cmpuint (c->before, >, c->passage - 100);
  g_assert_cmpuint (c->before, <, c->passage + 100);
}

/* Where the reader left is in the state folder, and read back from the
 * file (as a new session would) it is where they were. */
static void
assert_position_saved (PositionCase *c)
{
  g_autofree char *path = g_build_filename (g_get_user_state_dir (), APP_ID, "positions.ini", NULL);
  g_autofree char *uri = g_file_get_uri (c->file);
  guint            saved = 0;

  g_assert_true (g_str_has_prefix (path, mg_test_get_user_dirs_root ()));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  mg_reading_positions_reload (mg_reading_positions_get_default ());
  g_assert_true (mg_reading_positions_get_offset (mg_reading_positions_get_default (), uri, &saved));
  g_assert_cmpuint (saved, ==, c->before);
}

/* Whether a window shows the file with the passage the reader left at the
 * top of the view, within a line. */
static gboolean
position_restored (gpointer user_data)
{
  PositionCase *c = user_data;
  GtkTextView  *view;
  GtkTextIter   iter;
  GdkRectangle  visible, location;

  c->window = window_for_file (c->app, c->file);
  if (!shows_document (c->window))
    return FALSE;

  view = mg_window_get_text_view (c->window);
  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (view), &iter, c->before);
  gtk_text_view_get_iter_location (view, &iter, &location);
  c->top_y = visible.y;
  c->saved_y = location.y;
  c->line_height = MAX (location.height, 1);

  return ABS (c->saved_y - c->top_y) <= c->line_height;
}

static void
assert_position_restored (PositionCase *c)
{
  iterate_until (position_restored, c);
  g_assert_nonnull (c->window);
  g_assert_cmpint (ABS (c->saved_y - c->top_y), <=, c->line_height);

  /* It stays there once the annotations are in and more frames drawn. */
  g_assert_true (iterate_until (annotations_loaded, c->window));
  mg_test_wait_frames (GTK_WIDGET (c->window), 5);
  position_restored (c);
  g_assert_cmpint (ABS (c->saved_y - c->top_y), <=, c->line_height);
  g_assert_cmpuint (top_offset (mg_window_get_text_view (c->window)), >, c->passage - 100);
}

static gboolean
close_and_reopen (MgApplication *app,
                  gpointer       user_data)
{
  PositionCase *c = user_data;
  MgWindow     *window = only_window (app);

  if (!shows_document (window))
    return FALSE;

  c->app = app;
  scroll_to_passage (window, c);

  /* Closing the window saves where the reader is. */
  g_application_hold (G_APPLICATION (app));
  gtk_window_close (GTK_WINDOW (window));
  g_assert_true (iterate_until (no_windows, app));
  assert_position_saved (c);

  /* Opened again in a new window, the way "marginalia FILE" opens it. */
  g_application_open (G_APPLICATION (app), &c->file, 1, "");
  g_application_release (G_APPLICATION (app));
  assert_position_restored (c);

  return TRUE;
}

static void
test_reading_position_after_close (void)
{
  PositionCase     c;
  g_autofree char *path = NULL;
  const char      *argv[] = { "marginalia", NULL, NULL };

  position_case_init (&c);
  path = g_file_get_path (c.file);
  argv[1] = path;

  g_assert_true (run_app_until (argv, close_and_reopen, &c));

  position_case_clear (&c);
}

static gboolean
scroll_and_quit (MgApplication *app,
                 gpointer       user_data)
{
  PositionCase *c = user_data;
  MgWindow     *window = only_window (app);

  if (!shows_document (window))
    return FALSE;

  scroll_to_passage (window, c);
  /* Quit (Ctrl+Q) closes the windows. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  return TRUE;
}

static gboolean
position_restored_at_start (MgApplication *app,
                            gpointer       user_data)
{
  PositionCase *c = user_data;

  c->app = app;
  if (!shows_document (window_for_file (app, c->file)))
    return FALSE;

  assert_position_restored (c);

  return TRUE;
}

static void
test_reading_position_after_quit (void)
{
  PositionCase     c;
  g_autofree char *path = NULL;
  const char      *argv[] = { "marginalia", NULL, NULL };

  position_case_init (&c);
  path = g_file_get_path (c.file);
  argv[1] = path;

  g_assert_true (run_app_until (argv, scroll_and_quit, &c));
  assert_position_saved (&c);
  g_assert_true (run_app_until (argv, position_restored_at_start, &c));

  position_case_clear (&c);
}

/* A highlight made just before Quit is on disk when the application has
 * gone: the window lets its store finish the save without blocking, and
 * the application stays while the store has something to write. */
typedef struct
{
  gboolean close;
  GFile   *store_file;
  guint    n_saved;
  gboolean saved_before_shutdown;
  gboolean hidden_while_saving;
} QuitCase;

static void
quit_case_saved_cb (MgStore  *store,
                    QuitCase *c)
{
  c->n_saved++;
}

static void
quit_case_shutdown_cb (GApplication *app,
                       QuitCase     *c)
{
  c->saved_before_shutdown = c->n_saved > 0;
}

static gboolean
highlight_and_quit (MgApplication *app,
                    gpointer       user_data)
{
  QuitCase         *c = user_data;
  MgWindow         *window = only_window (app);
  MgAnnotationList *annotations;
  g_autoptr (MgAnnotation) annotation = NULL;

  if (!shows_document (window) || (annotations = mg_window_get_annotations (window)) == NULL)
    return FALSE;

  annotation = mg_annotation_new_for_range (mg_window_get_document (window), 4, 9, MG_COLOR_GREEN);
  mg_annotation_list_add (annotations, annotation);
  c->store_file = g_object_ref (mg_store_get_file (window->store));
  /* The save is still to come: highlights are saved after a short delay. */
  g_assert_cmpuint (c->n_saved, ==, 0);
  g_signal_connect (window->store, "saved", G_CALLBACK (quit_case_saved_cb), c);
  g_signal_connect (app, "shutdown", G_CALLBACK (quit_case_shutdown_cb), c);

  if (c->close)
    {
      /* Close returns at once: the window hides while the store saves,
       * rather than waiting on the disk with the window frozen. */
      gtk_window_close (GTK_WINDOW (window));
      c->hidden_while_saving = only_window (app) == window && !gtk_widget_get_visible (GTK_WIDGET (window)) && c->n_saved == 0;
    }
  else
    g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  return TRUE;
}

static void
run_quit_case (gboolean close)
{
  QuitCase         c = { close, NULL, 0, FALSE, FALSE };
  g_autofree char *dir = g_dir_make_tmp ("test-window-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "quit.txt", NULL);
  g_autofree char *contents = NULL;
  const char      *argv[] = { "marginalia", path, NULL };

  g_assert_true (g_file_set_contents (path, "The quick brown fox jumps over the lazy dog.\n", -1, NULL));

  g_assert_true (run_app_until (argv, highlight_and_quit, &c));
  g_assert_nonnull (c.store_file);
  /* The application did not end before the save did. */
  g_assert_true (c.saved_before_shutdown);
  if (close)
    g_assert_true (c.hidden_while_saving);
  g_assert_true (g_file_load_contents (c.store_file, NULL, &contents, NULL, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"quick\""));
  g_assert_nonnull (strstr (contents, "\"green\""));

  g_file_delete (c.store_file, NULL, NULL);
  g_clear_object (&c.store_file);
  g_remove (path);
  g_rmdir (dir);
}

static void
test_quit_saves_highlights (void)
{
  run_quit_case (FALSE);
}

static void
test_close_saves_highlights (void)
{
  run_quit_case (TRUE);
}

/* Every frame that shows the text, from the first, has the passage where
 * the reader left it at the very top: not the first page, and not a
 * scroll on its way there. */
typedef struct
{
  PositionCase  *c;
  MgWindow      *window;
  GdkFrameClock *clock;
  guint          frames;    /* frames with the text */
  guint          elsewhere; /* of which without the passage at the top */
  int            first_top; /* the top of the view, then the passage, in the first frame */
  int            first_passage;
} FrameWatch;

static void
watch_frame_cb (GdkFrameClock *clock,
                FrameWatch    *w)
{
  GtkTextView *view = mg_window_get_text_view (w->window);
  GtkTextIter  iter;
  GdkRectangle visible, location;

  if (!shows_document (w->window) || mg_window_get_document (w->window) == NULL || mg_document_is_bundled (mg_window_get_document (w->window)))
    return;

  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (view), &iter, w->c->passage);
  gtk_text_view_get_iter_location (view, &iter, &location);

  if (w->frames++ == 0)
    {
      w->first_top = visible.y;
      w->first_passage = location.y;
    }
  if (visible.y != location.y)
    w->elsewhere++;
}

static void
watch_frames (FrameWatch *w,
              MgWindow   *window)
{
  w->window = window;
  w->clock = g_object_ref (gtk_widget_get_frame_clock (GTK_WIDGET (window)));
  g_signal_connect (w->clock, "after-paint", G_CALLBACK (watch_frame_cb), w);
}

static void
watch_window_realized_cb (GtkWidget  *window,
                          FrameWatch *w)
{
  if (w->clock == NULL)
    watch_frames (w, MG_WINDOW (window));
}

static void
watch_window_added_cb (GtkApplication *app,
                       GtkWindow      *window,
                       FrameWatch     *w)
{
  g_signal_connect_after (window, "realize", G_CALLBACK (watch_window_realized_cb), w);
}

static void
watch_new_windows (MgApplication *app,
                   gpointer       user_data)
{
  g_signal_connect (app, "window-added", G_CALLBACK (watch_window_added_cb), user_data);
}

static gboolean
shows_watched_file (gpointer user_data)
{
  FrameWatch *w = user_data;

  return shows_document (w->window) && window_for_file (w->c->app, w->c->file) == w->window;
}

/* Once the window shows the text, until the view has measured all of it
 * (in the background, at a higher priority than this idle), the
 * annotations are in and a few frames more are drawn. */
static void
assert_passage_shown_at_once (FrameWatch *w)
{
  gboolean idle = FALSE;

  g_assert_true (iterate_until (annotations_loaded, w->window));
  g_idle_add_full (G_PRIORITY_LOW, set_flag_cb, &idle, NULL);
  g_assert_true (iterate_until (flag_set, &idle));
  mg_test_wait_frames (GTK_WIDGET (w->window), 3);
  g_signal_handlers_disconnect_by_func (w->clock, watch_frame_cb, w);
  g_clear_object (&w->clock);

  g_assert_cmpuint (w->frames, >, 3);
  g_assert_cmpint (w->first_top, ==, w->first_passage);
  g_assert_cmpuint (w->elsewhere, ==, 0);
  g_assert_cmpuint (top_offset (mg_window_get_text_view (w->window)), ==, w->c->passage);
}

static gboolean
passage_shown_at_launch (MgApplication *app,
                         gpointer       user_data)
{
  FrameWatch *w = user_data;

  if (!shows_document (window_for_file (app, w->c->file)))
    return FALSE;

  assert_passage_shown_at_once (w);

  return TRUE;
}

/* "marginalia FILE": a new window, whose text view has no size yet. */
static void
test_reading_position_shown_at_launch (void)
{
  PositionCase     c;
  FrameWatch       w = { &c };
  g_autofree char *path = NULL;
  g_autofree char *uri = NULL;
  const char      *argv[] = { "marginalia", NULL, NULL };

  /* Long enough that the view measures it over many frames. */
  position_case_init_full (&c, 4000, 3000);
  path = g_file_get_path (c.file);
  uri = g_file_get_uri (c.file);
  argv[1] = path;
  mg_reading_positions_set_offset (mg_reading_positions_get_default (), uri, c.passage);

  g_assert_true (run_app_until_full (argv, watch_new_windows, passage_shown_at_launch, &w));

  position_case_clear (&c);
}

static gboolean
open_and_watch (MgApplication *app,
                gpointer       user_data)
{
  FrameWatch *w = user_data;
  MgWindow   *window = only_window (app);

  if (!shows_document (window))
    return FALSE;

  /* The window shows the sample article: its text view has a size. */
  mg_test_wait_frames (GTK_WIDGET (window), 2);
  w->c->app = app;
  watch_frames (w, window);
  mg_window_open_file (window, w->c->file);
  g_assert_true (iterate_until (shows_watched_file, w));
  assert_passage_shown_at_once (w);

  return TRUE;
}

/* Open… in a window that shows a document already. */
static void
test_reading_position_shown_in_open_window (void)
{
  PositionCase     c;
  FrameWatch       w = { &c };
  g_autofree char *uri = NULL;
  const char      *argv[] = { "marginalia", NULL };

  position_case_init_full (&c, 4000, 3000);
  uri = g_file_get_uri (c.file);
  mg_reading_positions_set_offset (mg_reading_positions_get_default (), uri, c.passage);

  g_assert_true (run_app_until (argv, open_and_watch, &w));

  position_case_clear (&c);
}

/* Window size ------------------------------------------------------------ */

typedef struct
{
  gboolean hide;
  int      width; /* the size the window was left at */
  int      height;
} SizeCase;

static gboolean
surface_resized (gpointer user_data)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (user_data));

  return gdk_surface_get_width (surface) == 900 && gdk_surface_get_height (surface) == 600;
}

/* The user makes the window smaller than its default size: under Xvfb,
 * where no window manager stands between, the X server resizes it at
 * once, as a window manager does when the user drags its edge. Then the
 * window is hidden, if the case says so, and Quit (Ctrl+Q) destroys the
 * windows without asking them to close. */
static gboolean
resize_and_quit (MgApplication *app,
                 gpointer       user_data)
{
  SizeCase *c = user_data;
  MgWindow *window = only_window (app);

  if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)) || mg_window_get_document (window) == NULL)
    return FALSE;

#ifdef GDK_WINDOWING_X11
  {
    GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));

    XResizeWindow (gdk_x11_display_get_xdisplay (gdk_surface_get_display (surface)),
                   gdk_x11_surface_get_xid (surface), 900, 600);
  }
#endif
  g_assert_true (iterate_until (surface_resized, window));
  mg_test_wait_frames (GTK_WIDGET (window), 2);
  gtk_window_get_default_size (GTK_WINDOW (window), &c->width, &c->height);

  if (c->hide)
    gtk_widget_set_visible (GTK_WIDGET (window), FALSE);

  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);

  return TRUE;
}

static gboolean
on_x11 (void)
{
#ifdef GDK_WINDOWING_X11
  if (GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    return TRUE;
#endif

  g_test_skip ("resizes the window the way an X11 window manager does");

  return FALSE;
}

static void
assert_window_size_saved (gboolean hide)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  SizeCase    c = { hide, 0, 0 };
  const char *argv[] = { "marginalia", NULL };

  if (!on_x11 ())
    return;

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
  g_settings_reset (settings, "window-maximized");

  g_assert_true (run_app_until (argv, resize_and_quit, &c));

  /* The size GTK keeps for a window of 900 × 600 pixels (less its
   * shadow, if a compositor draws one), not the default it opened at. */
  g_assert_cmpint (c.width, >, 800);
  g_assert_cmpint (c.width, <=, 900);
  g_assert_cmpint (c.height, >, 500);
  g_assert_cmpint (c.height, <=, 600);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, c.width);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, c.height);
  g_assert_false (g_settings_get_boolean (settings, "window-maximized"));

  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

static void
test_window_size_after_quit (void)
{
  assert_window_size_saved (FALSE);
}

/* Hidden, the window has no size on screen: the one it was seen at counts. */
static void
test_window_size_after_hide (void)
{
  assert_window_size_saved (TRUE);
}

static char *
marginalia_binary (void)
{
  return g_test_build_filename (G_TEST_BUILT, "..", "src", "ui", "marginalia", NULL);
}

/* Closing with highlights that could not be saved ---------------------- */

typedef struct
{
  char         *dir;
  char         *path;
  char         *export_path;
  const char   *answers[3]; /* to the question, one per Quit */
  guint         n_asked;
  guint         step;
  guint         n_chosen; /* passes the chooser has shown the export file */
  GApplication *app;
} UnsavedCase;

/* Every save fails while this test runs (that is what it is about), and
 * the store may notice that its file became a folder: those warnings are
 * expected, as many times as the store retries. */
static gboolean
is_save_failure (const char *domain,
                 const char *message)
{
  return g_strcmp0 (domain, "mg-store") == 0 && (strstr (message, "could not be saved") != NULL || strstr (message, "could not be read") != NULL);
}

static gboolean
save_failures_not_fatal (const char    *domain,
                         GLogLevelFlags level,
                         const char    *message,
                         gpointer       user_data)
{
  return !is_save_failure (domain, message);
}

static void
save_failure_logged (const char    *domain,
                     GLogLevelFlags level,
                     const char    *message,
                     gpointer       user_data)
{
  if (is_save_failure (domain, message))
    g_test_message ("expected: %s", message);
  else
    g_log_default_handler (domain, level, message, user_data);
}

static void
expect_save_failures (gboolean expect)
{
  static guint handler;

  if (expect)
    {
      handler = g_log_set_handler ("mg-store", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL, save_failure_logged, NULL);
      g_test_log_set_fatal_handler (save_failures_not_fatal, NULL);
    }
  else
    {
      g_log_remove_handler ("mg-store", handler);
      g_test_log_set_fatal_handler (NULL, NULL);
    }
}

static AdwMessageDialog *
find_question (MgWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_window_get_transient_for (toplevel) == GTK_WINDOW (window) && gtk_widget_get_visible (GTK_WIDGET (toplevel)))
        return ADW_MESSAGE_DIALOG (toplevel);
    }

  return NULL;
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

static void
hold_app (MgApplication *app,
          gpointer       user_data)
{
  UnsavedCase *c = user_data;

  /* Until the test has seen the end: the window may close between two
   * polls, and the application would stop with it. */
  c->app = G_APPLICATION (app);
  g_application_hold (c->app);
}

static gboolean
done (UnsavedCase *c)
{
  g_application_release (c->app);

  return TRUE;
}

static gboolean
unsaved_at_quit (MgApplication *app,
                 gpointer       user_data)
{
  UnsavedCase      *c = user_data;
  MgWindow         *window = only_window (app);
  AdwMessageDialog *question;

  switch (c->step)
    {
    case 0:
      /* The store file is replaced by a folder: no save can succeed. */
      if (!shows_document (window) || mg_window_get_annotations (window) == NULL)
        return FALSE;
      {
        g_autofree char *store_path = g_file_get_path (mg_store_get_file (window->store));
        GtkTextBuffer   *buffer = gtk_text_view_get_buffer (mg_window_get_text_view (window));
        GtkTextIter      start, end;

        g_unlink (store_path);
        g_assert_cmpint (g_mkdir_with_parents (store_path, 0700), ==, 0);
        gtk_text_buffer_get_iter_at_offset (buffer, &start, 0);
        gtk_text_buffer_get_iter_at_offset (buffer, &end, 5);
        gtk_text_buffer_select_range (buffer, &start, &end);
        g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight", NULL));
      }
      c->step++;
      return FALSE;

    case 1:
      /* The banner says the highlight is only kept in the window. */
      if (mg_window_get_banner_text (window) == NULL || strstr (mg_window_get_banner_text (window), "kept while this window is open") == NULL)
        return FALSE;
      g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
      c->step++;
      return FALSE;

    case 2:
      /* Quit asks, and the window stays while it does. */
      g_assert_nonnull (window);
      question = find_question (window);
      g_assert_nonnull (question);
      g_assert_cmpstr (adw_message_dialog_get_heading (question), ==, "Highlights Not Saved");
      g_assert_true (adw_message_dialog_has_response (question, "export"));
      g_assert_true (adw_message_dialog_has_response (question, "discard"));
      g_assert_true (adw_message_dialog_has_response (question, "cancel"));
      adw_message_dialog_response (question, c->answers[c->n_asked]);
      c->step = g_str_equal (c->answers[c->n_asked], "cancel") ? 3 : g_str_equal (c->answers[c->n_asked], "export") ? 4
                                                                                                                    : 5;
      c->n_asked++;
      return FALSE;

    case 3:
      /* Cancel: nothing lost, nothing closed. */
      g_assert_nonnull (window);
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (window))), ==, 1);
      g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
      c->step = 2;
      return FALSE;

    case 4:
      /* Export…: the highlights go to a file of the user's choice, then
       * the window closes. The chooser changes folder in the background:
       * the answer waits for it. */
      {
        GtkFileChooser *chooser = find_chooser ();
        g_autoptr (GFile) expected = g_file_new_for_path (c->export_path);
        g_autoptr (GFile) chosen = NULL;

        /* Before it is mapped, the chooser may still move to its own
         * start folder (GTK's fallback dialog picks it when shown). */
        if (chooser == NULL || !gtk_widget_get_mapped (GTK_WIDGET (chooser)))
          return FALSE;
        chosen = gtk_file_chooser_get_file (chooser);
        if (chosen == NULL || !g_file_equal (chosen, expected))
          {
            g_autoptr (GFile) folder = g_file_new_for_path (c->dir);

            c->n_chosen = 0;
            gtk_file_chooser_set_current_folder (chooser, folder, NULL);
            gtk_file_chooser_set_current_name (chooser, "kept.jsonld");
            return FALSE;
          }
        /* Chosen, and still so a few passes later. */
        if (++c->n_chosen < 3)
          return FALSE;
        G_GNUC_BEGIN_IGNORE_DEPRECATIONS
        gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
        G_GNUC_END_IGNORE_DEPRECATIONS
      }
      c->step = 5;
      return FALSE;

    case 5:
      if (gtk_application_get_windows (GTK_APPLICATION (app)) != NULL)
        return FALSE;
      return done (c);

    default:
      g_assert_not_reached ();
    }
}

static void
run_unsaved_case (const char *first,
                  const char *second)
{
  UnsavedCase c = { 0 };
  const char *argv[] = { "marginalia", NULL, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  c.dir = g_dir_make_tmp ("mg-unsaved-XXXXXX", &error);
  g_assert_no_error (error);
  c.path = g_build_filename (c.dir, "notes.txt", NULL);
  c.export_path = g_build_filename (c.dir, "kept.jsonld", NULL);
  c.answers[0] = first;
  c.answers[1] = second;
  /* A text of its own: the annotations file is named after the text's
   * id, and the one of the case before was made a folder. */
  text = g_strdup_printf ("Alpha beta gamma.\n\nDelta epsilon %s.\n", c.dir);
  g_file_set_contents (c.path, text, -1, &error);
  g_assert_no_error (error);
  argv[1] = c.path;

  expect_save_failures (TRUE);
  g_assert_true (run_app_until_full (argv, hold_app, unsaved_at_quit, &c));
  expect_save_failures (FALSE);
  g_assert_cmpuint (c.n_asked, ==, second != NULL ? 2 : 1);

  if (g_str_equal (c.answers[c.n_asked - 1], "export"))
    {
      g_autofree char *exported = NULL;

      g_assert_true (g_file_get_contents (c.export_path, &exported, NULL, NULL));
      g_assert_nonnull (strstr (exported, "\"exact\": \"Alpha\""));
      g_unlink (c.export_path);
    }
  else
    g_assert_false (g_file_test (c.export_path, G_FILE_TEST_EXISTS));

  g_unlink (c.path);
  g_rmdir (c.dir);
  g_free (c.path);
  g_free (c.export_path);
  g_free (c.dir);
}

static void
test_unsaved_cancel_then_discard (void)
{
  run_unsaved_case ("cancel", "discard");
}

static void
test_unsaved_export (void)
{
  run_unsaved_case ("export", NULL);
}

/* Closing the window asks the same way as Quit. */
static gboolean
unsaved_at_close (MgApplication *app,
                  gpointer       user_data)
{
  UnsavedCase *c = user_data;
  MgWindow    *window = only_window (app);

  if (c->step == 1 && window != NULL && mg_window_get_banner_text (window) != NULL && strstr (mg_window_get_banner_text (window), "kept while this window is open") != NULL)
    {
      gtk_window_close (GTK_WINDOW (window));
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
      g_assert_nonnull (find_question (window));
      c->step = 2;
      return FALSE;
    }

  return unsaved_at_quit (app, user_data);
}

static void
test_unsaved_close (void)
{
  UnsavedCase c = { 0 };
  const char *argv[] = { "marginalia", NULL, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  c.dir = g_dir_make_tmp ("mg-unsaved-XXXXXX", &error);
  c.path = g_build_filename (c.dir, "notes.txt", NULL);
  c.answers[0] = "discard";
  text = g_strdup_printf ("Alpha beta gamma %s.\n", c.dir);
  g_file_set_contents (c.path, text, -1, &error);
  g_assert_no_error (error);
  argv[1] = c.path;

  expect_save_failures (TRUE);
  g_assert_true (run_app_until_full (argv, hold_app, unsaved_at_close, &c));
  expect_save_failures (FALSE);
  g_assert_cmpuint (c.n_asked, ==, 1);

  g_unlink (c.path);
  g_rmdir (c.dir);
  g_free (c.path);
  g_free (c.dir);
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
  g_assert_nonnull (strstr (out, "Imported 5 annotations: 1 in place, 3 moved, 1 not found"));
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
  g_assert_nonnull (strstr (out, "Left out: 5 already up to date, 2 not passages of a text"));

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
  int status;

  /* Reading positions, recent files and settings go to folders of this
   * run's own. */
  mg_test_isolate_user_dirs ("test-window");

  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/window/starts-on-bundled-article", test_starts_on_bundled_article);
  g_test_add_func ("/window/icon-after-first-frame", test_icon_after_first_frame);
  g_test_add_func ("/window/frame-idle-draws-nothing", test_frame_idle_draws_nothing);
  g_test_add_func ("/window/built-without-pointer-queries", test_window_built_without_pointer_queries);
  g_test_add_func ("/window/missing-file-shows-error", test_missing_file_shows_error);
  g_test_add_func ("/window/first-window-loads-no-svg-nor-soup", test_first_window_loads_no_svg);
  g_test_add_func ("/window/opens-file", test_opens_file);
  g_test_add_func ("/window/monitor-after-first-frame", test_monitor_after_first_frame);
  g_test_add_func ("/window/load-after-first-screen", test_load_after_first_screen);
  g_test_add_func ("/window/open-in-running-instance", test_open_in_running_instance);
  g_test_add_func ("/window/opens-markdown-and-html", test_opens_markdown_and_html);
  g_test_add_func ("/window/text-shown-at-once", test_text_shown_at_once);
  g_test_add_func ("/window/first-screen-at-launch", test_first_screen_at_launch);
  g_test_add_func ("/window/drop/opens-new-windows", test_drop_opens_new_windows);
  g_test_add_func ("/window/drop/replaces-error-page", test_drop_replaces_error_page);
  g_test_add_func ("/window/drop/unsupported-keeps-document", test_drop_unsupported_keeps_document);
  g_test_add_func ("/window/reading-position/after-close", test_reading_position_after_close);
  g_test_add_func ("/window/reading-position/after-quit", test_reading_position_after_quit);
  g_test_add_func ("/window/reading-position/shown-at-launch", test_reading_position_shown_at_launch);
  g_test_add_func ("/window/reading-position/shown-in-open-window", test_reading_position_shown_in_open_window);
  g_test_add_func ("/window/quit/saves-highlights", test_quit_saves_highlights);
  g_test_add_func ("/window/close/saves-highlights-without-waiting", test_close_saves_highlights);
  g_test_add_func ("/window/size/after-quit", test_window_size_after_quit);
  g_test_add_func ("/window/size/after-hide", test_window_size_after_hide);
  g_test_add_func ("/window/unsaved/cancel-then-discard", test_unsaved_cancel_then_discard);
  g_test_add_func ("/window/unsaved/export", test_unsaved_export);
  g_test_add_func ("/window/unsaved/close", test_unsaved_close);
  g_test_add_func ("/cli/version", test_cli_version);
  g_test_add_func ("/cli/usage-error", test_cli_usage_error);
  g_test_add_func ("/cli/help", test_cli_help);
  g_test_add_func ("/cli/import-export", test_cli_import_export);
  g_test_add_func ("/cli/errors", test_cli_errors);

  status = g_test_run ();
  mg_test_remove_user_dirs ();

  return status;
}
