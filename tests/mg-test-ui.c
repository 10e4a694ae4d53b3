/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mg-test-ui.h"
#include "mg-test-utils.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

/* What the UI test programs that share one application share: its
 * making (folders of their own, GTK's test mode, an application that
 * stays while windows come and go), and closing a window until it is gone
 * (closing saves in the background). */

/**
 * mg_test_ui_init:
 * @argc: main()'s
 * @argv: main()'s
 * @name: the test program's name, for its folders
 *
 * Returns: (transfer full): the application, registered and held
 */
MgApplication *
mg_test_ui_init (int        *argc,
                 char     ***argv,
                 const char *name)
{
  MgApplication *app;

  mg_test_isolate_user_dirs (name);
  gtk_test_init (argc, argv, NULL);

  app = mg_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  g_application_hold (G_APPLICATION (app));

  return app;
}

/**
 * mg_test_ui_run:
 * @app: (transfer full): from mg_test_ui_init()
 *
 * Runs the tests, then lets the application go and removes the folders.
 *
 * Returns: g_test_run()'s status
 */
int
mg_test_ui_run (MgApplication *app)
{
  int status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_object_unref (app);
  mg_test_remove_user_dirs ();

  return status;
}

gboolean
mg_test_window_gone (gpointer window)
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

/* Closes @window and waits until it is gone: no cast of it after this. */
void
mg_test_close_window (GtkWindow *window)
{
  gtk_window_close (window);
  mg_test_iterate_until (mg_test_window_gone, window, 30);
}

/* Clicks @widget with the real pointer, as a user does: the X server moves
 * the pointer and presses its button (xdotool, through XTEST), and the
 * events reach GTK as any others. Returns %FALSE (and marks the test
 * skipped) where that cannot be done. */
gboolean
mg_test_click_with_pointer (GtkWidget *widget)
{
#ifdef GDK_WINDOWING_X11
  GtkNative       *native = gtk_widget_get_native (widget);
  GdkSurface      *surface = gtk_native_get_surface (native);
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  g_autofree char *x = NULL;
  g_autofree char *y = NULL;
  g_autofree char *xid = NULL;
  g_autoptr (GError) error = NULL;
  graphene_point_t center;
  double           sx, sy;
  int              status;

  if (!GDK_IS_X11_SURFACE (surface) || xdotool == NULL)
    {
      g_test_skip ("needs X11 and xdotool to send real pointer events");
      return FALSE;
    }

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                                 gtk_widget_get_height (widget) / 2.0),
                                           &center));
  gtk_native_get_surface_transform (native, &sx, &sy);
  x = g_strdup_printf ("%d", (int) (center.x + sx));
  y = g_strdup_printf ("%d", (int) (center.y + sy));
  xid = g_strdup_printf ("%lu", (unsigned long) gdk_x11_surface_get_xid (surface));

  {
    const char *argv[] = { xdotool, "mousemove", "--sync", "--window", xid, x, y, "click", "1", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  }

  return TRUE;
#else
  g_test_skip ("needs X11 to send real pointer events");
  return FALSE;
#endif
}

typedef struct
{
  GtkWidget *widget;
  guint      left;
} FrameCount;

static void
count_frame_cb (GdkFrameClock *clock,
                FrameCount    *count)
{
  if (count->left > 0)
    {
      count->left--;
      gtk_widget_queue_draw (count->widget);
    }
}

static gboolean
frames_done (gpointer user_data)
{
  FrameCount *count = user_data;

  return count->left == 0;
}

/**
 * mg_test_wait_frames:
 * @widget: a widget on screen
 * @n: how many frames
 *
 * Waits until @widget's window has painted @n frames, asking for each: a
 * window with nothing left to do paints no frame by itself.
 */
void
mg_test_wait_frames (GtkWidget *widget,
                     guint      n)
{
  FrameCount     count = { widget, n };
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  gulong         handler;

  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (count_frame_cb), &count);
  gtk_widget_queue_draw (widget);
  g_assert_true (mg_test_iterate_until (frames_done, &count, 30));
  g_signal_handler_disconnect (clock, handler);
}
