/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-window"

#include "config.h"

#include "mg-document-loader.h"
#include "mg-reading-positions.h"
#include "mg-window-private.h"

/* MgWindow opening a file: the document loader reads and decodes it in a
 * worker thread (mg-document-loader.c) while the window is shown, and
 * mg_window_set_document() shows the document it gives.
 *
 * A big plain text file shows its first screen before that: the loader
 * hands it over as soon as its first bytes are read, the reader view
 * shows it (mg_reader_view_show_first_screen()), and the worker reads
 * and decodes the rest only after that text's first frame, so that the
 * two do not share the processor before it. The document then takes the
 * view over without a visible change: its text starts with the first
 * screen's, so the view only appends (and starts again in the rare case
 * it does not). A document with a reading position to restore waits for
 * the whole text, as the position may be anywhere in it; so does a file
 * opened in a window that already shows a document.
 *
 * A window not shown yet can wait a moment for the first screen and show
 * it at once (mg_window_show_first_screen_now()): the application does
 * so between opening a file in a new window and presenting it, so that
 * the window's first frame has the text, not a spinner. The worker has
 * the first screen a few milliseconds after the window asked for it,
 * well before the window's first frame could be painted, unless another
 * program has the processor. */

typedef struct
{
  MgWindow     *self;
  GFile        *file;
  GCancellable *cancellable;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->file);
  g_clear_object (&data->cancellable);
  g_free (data);
}

static OpenData *
open_data_new (MgWindow *self,
               GFile    *file)
{
  OpenData *data = g_new0 (OpenData, 1);

  data->self = g_object_ref (self);
  data->file = g_object_ref (file);
  data->cancellable = g_object_ref (self->cancellable);

  return data;
}

static void
first_frame_painted_cb (GdkFrameClock *clock,
                        MgFirstScreen *first_screen)
{
  g_signal_handlers_disconnect_by_func (clock, first_frame_painted_cb, first_screen);
  mg_first_screen_resume (first_screen);
}

static gboolean
has_reading_position (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  guint            offset = 0;

  return mg_reading_positions_get_offset (mg_reading_positions_get_default (), uri, &offset) && offset > 0;
}

static void
first_screen_cb (MgFirstScreen *first_screen,
                 gpointer       user_data)
{
  OpenData      *data = user_data;
  MgWindow      *self = data->self;
  GdkFrameClock *clock;
  const char    *text;
  gsize          len;

  if (self->cancellable != data->cancellable || self->document != NULL || has_reading_position (data->file)
      || (clock = gtk_widget_get_frame_clock (GTK_WIDGET (self))) == NULL)
    {
      mg_first_screen_resume (first_screen);
      return;
    }

  text = mg_first_screen_get_text (first_screen, &len);
  gtk_stack_set_visible_child_full (self->stack, "document", GTK_STACK_TRANSITION_TYPE_NONE);
  mg_reader_view_show_first_screen (self->reader, text, len);
  /* The rest of the file is read once that is painted. */
  self->first_screen_shown = TRUE;

  g_signal_connect_data (clock, "after-paint", G_CALLBACK (first_frame_painted_cb),
                         mg_first_screen_ref (first_screen), (GClosureNotify) (void (*) (void)) mg_first_screen_unref, 0);
}

static void
load_file_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  OpenData *data = user_data;
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (GError) error = NULL;

  document = mg_document_loader_load_file_finish (result, &error);
  if (data->self->cancellable == data->cancellable)
    g_clear_pointer (&data->self->pending_first_screen, mg_first_screen_unref);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;
  else if (document == NULL)
    _mg_window_show_error (data->self, data->file, error);
  else
    {
      g_autofree char *uri = g_file_get_uri (data->file);

      mg_window_set_document (data->self, document);
      _mg_window_add_recent_document (uri);
    }

  open_data_free (data);
}

/**
 * mg_window_open_file:
 * @self: a #MgWindow
 * @file: the document to open
 *
 * Loads @file off the main thread and shows it, or shows why it could not
 * be opened.
 */
void
mg_window_open_file (MgWindow *self,
                     GFile    *file)
{
  g_return_if_fail (MG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->first_screen_shown = FALSE;

  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");

  g_clear_pointer (&self->pending_first_screen, mg_first_screen_unref);
  self->pending_first_screen = mg_document_loader_load_file_streamed_async (file,
                                                                            first_screen_cb, open_data_new (self, file),
                                                                            (GDestroyNotify) open_data_free,
                                                                            self->cancellable, load_file_cb, open_data_new (self, file));
}

/**
 * mg_window_show_first_screen_now:
 * @self: a #MgWindow that is not shown yet
 * @timeout_usec: how long to wait, in microseconds
 *
 * Waits @timeout_usec at most for the first screen of the file being
 * opened (mg_window_open_file()) and shows it at once, so that the window's
 * first frame has the text. Does nothing for a file without one.
 */
void
mg_window_show_first_screen_now (MgWindow *self,
                                 gint64    timeout_usec)
{
  g_return_if_fail (MG_IS_WINDOW (self));

  if (self->pending_first_screen == NULL)
    return;

  /* Its frame clock: the rest of the file is read once the first screen
   * is painted (first_screen_cb()). */
  gtk_widget_realize (GTK_WIDGET (self));
  mg_first_screen_show_now (self->pending_first_screen, timeout_usec);
}
