/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-reader-view"

#include "config.h"

#include "mg-reader-view-private.h"

/* What the pointer does to MgReaderView: a click on a highlight or a link,
 * a selection dragged over the text (which takes whole words), and the
 * note of a highlight as a tooltip. */

static gboolean
offset_at_point (MgReaderView *self,
                 double        x,
                 double        y,
                 guint        *offset)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GdkRectangle location;
  GtkTextIter  iter;
  int          bx, by;

  gtk_text_view_window_to_buffer_coords (view, GTK_TEXT_WINDOW_WIDGET, x, y, &bx, &by);
  if (!gtk_text_view_get_iter_at_location (view, &iter, bx, by))
    return FALSE;

  /* Past the end of a line the nearest iter is the line end: that is not a
   * click on the text. */
  gtk_text_view_get_iter_location (view, &iter, &location);
  if (bx < location.x || bx > location.x + MAX (location.width, 1) + 2)
    {
      if (gtk_text_iter_ends_line (&iter))
        return FALSE;
    }

  *offset = gtk_text_iter_get_offset (&iter);

  return TRUE;
}

/* Whether @iter lies between two code points of one word. */
static gboolean
is_mid_word (const GtkTextIter *iter)
{
  return gtk_text_iter_inside_word (iter) && !gtk_text_iter_starts_word (iter);
}

/* A selection dragged with the pointer takes whole words: a drag that
 * starts or ends in the middle of a word takes all of it, as the hand is
 * rarely precise to the letter ("level playing fiel"). A drag inside one
 * word is kept as made: part of a word was meant. Keyboard selections never
 * come here. */
static void
snap_selection_to_words (MgReaderView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter    insert, bound, start, end, word_end;
  gboolean       backwards;

  gtk_text_buffer_get_iter_at_mark (buffer, &insert, gtk_text_buffer_get_insert (buffer));
  gtk_text_buffer_get_iter_at_mark (buffer, &bound, gtk_text_buffer_get_selection_bound (buffer));
  backwards = gtk_text_iter_compare (&insert, &bound) < 0;
  start = backwards ? insert : bound;
  end = backwards ? bound : insert;

  word_end = start;
  if (gtk_text_iter_inside_word (&start) && gtk_text_iter_forward_word_end (&word_end) && gtk_text_iter_compare (&word_end, &end) >= 0)
    return;

  if (is_mid_word (&start))
    gtk_text_iter_backward_word_start (&start);
  if (is_mid_word (&end))
    gtk_text_iter_forward_word_end (&end);

  if (backwards)
    gtk_text_buffer_select_range (buffer, &start, &end);
  else
    gtk_text_buffer_select_range (buffer, &end, &start);
}

static gboolean
release_idle_cb (gpointer user_data)
{
  MgReaderView *self = user_data;
  g_autoptr (MgAnnotation) annotation = NULL;
  gboolean pointer_selecting = self->pointer_selecting;
  guint    start, end, offset;

  self->release_source = 0;
  self->pointer_selecting = FALSE;

  if (mg_reader_view_get_selection (self, &start, &end))
    {
      if (pointer_selecting)
        snap_selection_to_words (self);
      mg_reader_view_emit_selection_finished (self);
      return G_SOURCE_REMOVE;
    }

  if (!offset_at_point (self, self->release_x, self->release_y, &offset))
    return G_SOURCE_REMOVE;

  annotation = mg_reader_view_get_annotation_at (self, offset);
  if (annotation != NULL)
    {
      mg_reader_view_emit_annotation_clicked (self, annotation);
    }
  else if (self->document != NULL && mg_document_get_structure (self->document) != NULL)
    {
      const MgSpan *link = mg_document_structure_get_link_at (mg_document_get_structure (self->document), offset);

      /* A link opens with the desktop's handler, and only on a click. */
      if (link != NULL && link->url != NULL)
        gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), link->url, GDK_CURRENT_TIME);
    }

  return G_SOURCE_REMOVE;
}

/* The text view's own gestures claim the pointer while the user selects,
 * which would cancel a gesture of ours; a legacy controller sees every
 * release. What the release did (select, or click) is known only once the
 * text view has handled it, hence the idle. */
static gboolean
legacy_event_cb (MgReaderView             *self,
                 GdkEvent                 *event,
                 GtkEventControllerLegacy *controller)
{
  GtkNative *native;
  double     x, y, nx, ny;

  if (gdk_event_get_event_type (event) == GDK_BUTTON_PRESS && gdk_button_event_get_button (event) == GDK_BUTTON_PRIMARY)
    self->pointer_selecting = TRUE;

  if (gdk_event_get_event_type (event) != GDK_BUTTON_RELEASE || gdk_button_event_get_button (event) != GDK_BUTTON_PRIMARY)
    return GDK_EVENT_PROPAGATE;

  native = gtk_widget_get_native (GTK_WIDGET (self));
  if (native == NULL || !gdk_event_get_position (event, &x, &y))
    return GDK_EVENT_PROPAGATE;

  gtk_native_get_surface_transform (native, &nx, &ny);
  if (!gtk_widget_translate_coordinates (GTK_WIDGET (native), GTK_WIDGET (self),
                                         x - nx, y - ny, &x, &y))
    return GDK_EVENT_PROPAGATE;

  self->release_x = x;
  self->release_y = y;
  if (self->release_source == 0)
    self->release_source = g_idle_add (release_idle_cb, self);

  return GDK_EVENT_PROPAGATE;
}

static gboolean
query_tooltip_cb (MgReaderView *self,
                  int           x,
                  int           y,
                  gboolean      keyboard_mode,
                  GtkTooltip   *tooltip)
{
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autofree char *text = NULL;
  const char      *note;
  guint            offset;

  if (keyboard_mode || !offset_at_point (self, x, y, &offset))
    return FALSE;

  annotation = mg_reader_view_get_annotation_at (self, offset);
  if (annotation == NULL)
    return FALSE;

  note = mg_annotation_get_note (annotation);
  if (*note == '\0')
    return FALSE;

  /* A long note is cut: the whole note is one click away, in the editor. */
  if (g_utf8_strlen (note, -1) > 400)
    {
      g_autofree char *head = g_utf8_substring (note, 0, 400);

      text = g_strconcat (head, "…", NULL);
    }
  else
    {
      text = g_strdup (note);
    }

  gtk_tooltip_set_text (tooltip, text);

  return TRUE;
}

void
mg_reader_view_init_pointer (MgReaderView *self)
{
  GtkEventController *legacy;

  legacy = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (legacy, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (legacy, "event", G_CALLBACK (legacy_event_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), legacy);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}
