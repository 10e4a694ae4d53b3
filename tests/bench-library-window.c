/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "bench-library-window.h"
#include "mg-library-fixture.h"
#include "mg-library-window-private.h"

/* The library window's figure for marginalia-bench (issue 14):
 *
 *   library_open_1000_docs  a cold start of the library window over 1,000
 *                           documents of 100 annotations each: from the
 *                           library opened on its index (as at a launch,
 *                           the index kept from the last run) to the
 *                           first frame that paints rows of the list (ms)
 *
 * The window shows what the index holds and brings it up to date after
 * that frame, so the figure does not include reading the folder. The
 * folder is made by mg-library-fixture.c, as for the core's figures. */

#define N_DOCUMENTS 1000
#define N_ANNOTATIONS 100

typedef struct
{
  MgLibraryWindow *window;
  gint64           start;
  double           ms;
  gboolean         done;
} Probe;

/* A row of the list is in the frame just painted. */
static gboolean
shows_rows (MgLibraryWindow *window)
{
  GtkWidget *view = mg_library_window_get_document_view (window);

  if (!gtk_widget_get_mapped (view))
    return FALSE;

  for (GtkWidget *child = gtk_widget_get_first_child (view); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *row = gtk_widget_get_first_child (child);

      if (row != NULL && MG_IS_LIBRARY_ROW (row) && gtk_widget_get_mapped (row) && mg_library_row_get_document (MG_LIBRARY_ROW (row)) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                Probe         *probe)
{
  if (probe->done || !shows_rows (probe->window))
    return;

  probe->ms = (g_get_monotonic_time () - probe->start) / 1000.0;
  probe->done = TRUE;
}

/**
 * mg_bench_library_window:
 * @tmp: a folder for the fixture
 * @application: the benchmark's application, on a display
 *
 * Prints library_open_1000_docs.
 */
void
mg_bench_library_window (const char     *tmp,
                         GtkApplication *application)
{
  g_autofree char *folder = g_build_filename (tmp, "library-window", "annotations", NULL);
  g_autofree char *index = g_build_filename (tmp, "library-window", "library.sqlite", NULL);
  g_autoptr (GError) error = NULL;
  Probe  probe = { 0 };
  gulong handler;
  gint64 deadline;

  mg_library_fixture_generate (folder, N_DOCUMENTS, N_ANNOTATIONS, 14);

  /* The index of an earlier run. */
  {
    g_autoptr (MgLibrary) earlier = mg_library_new (folder, index);

    if (!mg_library_update (earlier, NULL, &error))
      g_error ("%s", error->message);
  }

  probe.start = g_get_monotonic_time ();
  {
    g_autoptr (MgLibrary) library = mg_library_new (folder, index);

    probe.window = mg_library_window_new (application, library);
  }
  gtk_widget_realize (GTK_WIDGET (probe.window));
  handler = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (probe.window)), "after-paint",
                              G_CALLBACK (after_paint_cb), &probe);
  gtk_window_present (GTK_WINDOW (probe.window));

  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!probe.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (probe.window)), handler);

  if (probe.done)
    g_print ("library_open_1000_docs %.1f ms\n", probe.ms);
  else
    g_printerr ("marginalia-bench: no frame with the library's rows, so no library_open_1000_docs\n");

  gtk_window_destroy (GTK_WINDOW (probe.window));
}
