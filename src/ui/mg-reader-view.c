/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-reader-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "mg-colors.h"
#include "mg-reader-view-private.h"

/**
 * MgReaderView:
 *
 * The read-only text of a document with its highlights.
 *
 * Highlights are GtkTextTags, one per colour, so that ten thousand
 * annotations cost six tags rather than ten thousand. Where highlights
 * overlap, both are kept and the newer one is shown on top: every region is
 * painted by clearing it and then applying the annotations that touch it in
 * the order they were made. We chose "keep both" over merging because a
 * merge would silently change a passage the reader quoted and lose one
 * note or colour; kept apart, each stays exactly what its author made, and
 * deleting the newer one reveals the older one again.
 *
 * A large document goes into the view, and its highlights are painted, in
 * chunks of text: the visible part at once, the rest from an idle handler,
 * so that opening a book with many highlights is never held back by them.
 *
 * This file holds the type and what the window asks of the view;
 * mg-reader-view-text.c puts the document's text and structure (headings,
 * emphasis, links...) into the buffer, mg-reader-view-highlights.c paints
 * the highlights, and mg-reader-view-pointer.c handles the pointer and the
 * context menu.
 */

#define FLASH_MSEC 900
/* Where mg_reader_view_reveal() puts a range: 30% down the view. */
#define REVEAL_YALIGN 0.3

G_DEFINE_FINAL_TYPE (MgReaderView, mg_reader_view, GTK_TYPE_TEXT_VIEW)

enum
{
  ANNOTATION_CLICKED,
  SELECTION_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum
{
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

void
mg_reader_view_emit_annotation_clicked (MgReaderView *self,
                                        MgAnnotation *annotation)
{
  g_signal_emit (self, signals[ANNOTATION_CLICKED], 0, annotation);
}

void
mg_reader_view_emit_selection_finished (MgReaderView *self)
{
  g_signal_emit (self, signals[SELECTION_FINISHED], 0);
}

static gboolean
is_dark (void)
{
  return adw_style_manager_get_dark (adw_style_manager_get_default ());
}

static void
update_tag_colors (MgReaderView *self)
{
  gboolean dark = is_dark ();
  GdkRGBA  flash;

  for (guint i = 0; i < MG_N_COLORS; i++)
    {
      GdkRGBA rgba;

      mg_color_get_highlight (i, dark, &rgba);
      g_object_set (self->color_tags[i], "background-rgba", &rgba, NULL);
      g_object_set (self->noted_tags[i], "background-rgba", &rgba, NULL);
    }

  /* The note underline takes the text colour, softened, so that it reads on
   * every highlight colour. */
  gdk_rgba_parse (&flash, dark ? "rgba(255,255,255,0.55)" : "rgba(0,0,0,0.45)");
  g_object_set (self->note_tag, "underline-rgba", &flash, NULL);
  for (guint i = 0; i < MG_N_COLORS; i++)
    g_object_set (self->noted_tags[i], "underline-rgba", &flash, NULL);

  gdk_rgba_parse (&flash, dark ? "rgba(120,174,237,0.65)" : "rgba(53,132,228,0.45)");
  g_object_set (self->flash_tag, "background-rgba", &flash, NULL);
}

void
mg_reader_view_get_iters (MgReaderView *self,
                          guint         start,
                          guint         end,
                          GtkTextIter  *start_iter,
                          GtkTextIter  *end_iter)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));

  gtk_text_buffer_get_iter_at_offset (buffer, start_iter, start);
  gtk_text_buffer_get_iter_at_offset (buffer, end_iter, end);
}

int
mg_reader_view_compare_by_age (gconstpointer a,
                               gconstpointer b)
{
  MgAnnotation *aa = *(MgAnnotation **) a;
  MgAnnotation *bb = *(MgAnnotation **) b;
  int           cmp = g_date_time_compare (mg_annotation_get_created (aa), mg_annotation_get_created (bb));

  if (cmp != 0)
    return cmp;

  return g_strcmp0 (mg_annotation_get_id (aa), mg_annotation_get_id (bb));
}

/**
 * mg_reader_view_set_document:
 * @self: a #MgReaderView
 * @document: the document to show
 *
 * Shows @document from its start. Its first screens are in the view when
 * this returns, the rest follows in idle time (#MgReaderView:loading);
 * mg_reader_view_load_to() brings a later place in at once.
 */
void
mg_reader_view_set_document (MgReaderView *self,
                             MgDocument   *document)
{
  g_return_if_fail (MG_IS_READER_VIEW (self));
  g_return_if_fail (MG_IS_DOCUMENT (document));

  if (!g_set_object (&self->document, document))
    return;

  mg_reader_view_set_annotations (self, NULL);
  mg_reader_view_start_text (self);
}

MgDocument *
mg_reader_view_get_document (MgReaderView *self)
{
  g_return_val_if_fail (MG_IS_READER_VIEW (self), NULL);

  return self->document;
}

/**
 * mg_reader_view_get_selection:
 * @self: a #MgReaderView
 * @start: (out): the first selected code point
 * @end: (out): the code point after the selection
 *
 * Returns: %TRUE when some text is selected
 */
gboolean
mg_reader_view_get_selection (MgReaderView *self,
                              guint        *start,
                              guint        *end)
{
  GtkTextBuffer *buffer;
  GtkTextIter    s, e;

  g_return_val_if_fail (MG_IS_READER_VIEW (self), FALSE);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  if (!gtk_text_buffer_get_selection_bounds (buffer, &s, &e))
    return FALSE;

  *start = gtk_text_iter_get_offset (&s);
  *end = gtk_text_iter_get_offset (&e);

  return *start < *end;
}

/**
 * mg_reader_view_get_annotation_at:
 * @self: a #MgReaderView
 * @offset: a code point offset
 *
 * Returns: (transfer full) (nullable): the annotation shown on top at
 *   @offset: the newest of those covering it
 */
MgAnnotation *
mg_reader_view_get_annotation_at (MgReaderView *self,
                                  guint         offset)
{
  g_autoptr (GPtrArray) found = NULL;

  g_return_val_if_fail (MG_IS_READER_VIEW (self), NULL);

  if (self->annotations == NULL)
    return NULL;

  found = mg_annotation_list_lookup_at_offset (self->annotations, offset);
  if (found == NULL || found->len == 0)
    return NULL;

  g_ptr_array_sort (found, mg_reader_view_compare_by_age);

  return g_object_ref (g_ptr_array_index (found, found->len - 1));
}

static gboolean
flash_done_cb (gpointer user_data)
{
  MgReaderView  *self = user_data;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter    start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->flash_tag, &start, &end);
  self->flash_source = 0;

  return G_SOURCE_REMOVE;
}

/**
 * mg_reader_view_reveal:
 * @self: a #MgReaderView
 * @annotation: an annotation of the shown document
 *
 * Scrolls to the passage of @annotation and flashes it briefly, so the eye
 * finds it.
 */
void
mg_reader_view_reveal (MgReaderView *self,
                       MgAnnotation *annotation)
{
  GtkTextBuffer *buffer;
  GtkTextIter    start, end;
  GtkTextMark   *mark;

  g_return_if_fail (MG_IS_READER_VIEW (self));
  g_return_if_fail (MG_IS_ANNOTATION (annotation));

  if (mg_annotation_get_state (annotation) == MG_ANNOTATION_STATE_ORPHANED)
    return;

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  mg_reader_view_load_to (self, mg_annotation_get_range_end (annotation));
  flash_done_cb (self);
  g_clear_handle_id (&self->flash_source, g_source_remove);

  mg_reader_view_get_iters (self, mg_annotation_get_range_start (annotation),
                            mg_annotation_get_range_end (annotation), &start, &end);
  gtk_text_buffer_apply_tag (buffer, self->flash_tag, &start, &end);

  /* Place the caret there too, so that keyboard users continue from it. */
  gtk_text_buffer_place_cursor (buffer, &start);

  mark = gtk_text_buffer_create_mark (buffer, NULL, &start, TRUE);
  gtk_text_view_scroll_to_mark (GTK_TEXT_VIEW (self), mark, 0.0, TRUE, 0.0, REVEAL_YALIGN);
  gtk_text_buffer_delete_mark (buffer, mark);

  self->flash_source = g_timeout_add (FLASH_MSEC, flash_done_cb, self);
}

/**
 * mg_reader_view_get_range_rect:
 * @self: a #MgReaderView
 * @start: first code point
 * @end: code point after the range
 * @rect: (out): where the end of the range is, in the coordinates of the
 *   view's parent, kept inside the view
 *
 * Where a popover pointing at the range points. Such popovers live on the
 * view's parent, not on the view: GtkTextView places only the popovers it
 * made, and a popover of ours on it that holds a scrolled window (the note
 * editor) left the text view without an allocation once shown, so that it
 * painted nothing until the window was resized.
 *
 * Returns: %TRUE if the range is on screen, so a popover can point at it
 */
/* From the view's buffer coordinates to its parent's, with the view
 * scrolled @scroll_by pixels further down than it is, and inside the
 * view. */
static void
to_parent_coords (MgReaderView *self,
                  GdkRectangle *rect,
                  int           scroll_by)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);

  gtk_text_view_buffer_to_window_coords (view, GTK_TEXT_WINDOW_WIDGET,
                                         rect->x, rect->y, &rect->x, &rect->y);
  rect->y -= scroll_by;
  rect->width = MAX (rect->width, 1);

  if (gtk_widget_get_parent (GTK_WIDGET (self)) != NULL)
    {
      double x, y;

      if (gtk_widget_translate_coordinates (GTK_WIDGET (self), gtk_widget_get_parent (GTK_WIDGET (self)),
                                            rect->x, rect->y, &x, &y))
        {
          rect->x = (int) x;
          rect->y = (int) y;
        }
      /* Never off the view: a popover pointing there may be off every
       * monitor, where GTK 4.8 cannot place it (and fails an assertion). */
      rect->y = CLAMP (rect->y, 0, MAX (gtk_widget_get_height (gtk_widget_get_parent (GTK_WIDGET (self))) - rect->height, 0));
    }
}

gboolean
mg_reader_view_get_range_rect (MgReaderView *self,
                               guint         start,
                               guint         end,
                               GdkRectangle *rect)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GdkRectangle first, last, visible;
  GtkTextIter  s, e;

  g_return_val_if_fail (MG_IS_READER_VIEW (self), FALSE);

  mg_reader_view_get_iters (self, start, end, &s, &e);
  gtk_text_view_get_iter_location (view, &s, &first);
  gtk_text_view_get_iter_location (view, &e, &last);
  gtk_text_view_get_visible_rect (view, &visible);

  /* Point at the last line of the range, where the pointer most likely is
   * after a selection; or at the first, if the last is off screen. */
  if (last.y + last.height <= visible.y + visible.height && last.y >= visible.y)
    *rect = last;
  else
    *rect = first;
  to_parent_coords (self, rect, 0);

  return gdk_rectangle_intersect (&first, &visible, NULL) || gdk_rectangle_intersect (&last, &visible, NULL);
}

/**
 * mg_reader_view_get_revealed_rect:
 * @self: a #MgReaderView
 * @start: the range's start, in characters
 * @end: its end
 * @rect: (out): about where its first line will be, in the coordinates of
 *   the view's parent, and inside the view
 *
 * As mg_reader_view_get_range_rect(), for a range just given to
 * mg_reader_view_reveal(): the view scrolls there at its next layout, so a
 * popover opened now points about where the range will be rather than
 * where it was, off the view and maybe off every monitor (where GTK 4.8
 * cannot place a popover, and fails an assertion).
 */
void
mg_reader_view_get_revealed_rect (MgReaderView *self,
                                  guint         start,
                                  guint         end,
                                  GdkRectangle *rect)
{
  GtkTextView   *view = GTK_TEXT_VIEW (self);
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self));
  GdkRectangle   visible;
  GtkTextIter    s, e;
  double         top;

  g_return_if_fail (MG_IS_READER_VIEW (self));

  mg_reader_view_get_iters (self, start, end, &s, &e);
  gtk_text_view_get_iter_location (view, &s, rect);
  gtk_text_view_get_visible_rect (view, &visible);

  /* Where gtk_text_view_scroll_to_mark() puts the view's top, as far as
   * the text's height is known yet. */
  top = rect->y + rect->height * REVEAL_YALIGN - visible.height * REVEAL_YALIGN;
  if (vadjustment != NULL)
    top = MIN (top, gtk_adjustment_get_upper (vadjustment) - visible.height);
  top = MAX (top, 0);

  to_parent_coords (self, rect, (int) top - visible.y);
}

/* Like GtkTextView's own popovers, the context menu is placed by the
 * view's size_allocate. */
static void
mg_reader_view_size_allocate (GtkWidget *widget,
                              int        width,
                              int        height,
                              int        baseline)
{
  MgReaderView *self = MG_READER_VIEW (widget);

  mg_reader_view_fit_headline (self, width);
  GTK_WIDGET_CLASS (mg_reader_view_parent_class)->size_allocate (widget, width, height, baseline);
  /* A change of font since: checked again after this allocation. */
  mg_reader_view_queue_headline (self);

  if (self->context_menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->context_menu));
}

static void
mg_reader_view_dispose (GObject *object)
{
  MgReaderView *self = MG_READER_VIEW (object);

  mg_reader_view_dispose_text (self);
  mg_reader_view_dispose_blocks (self);
  g_clear_handle_id (&self->paint_source, g_source_remove);
  g_clear_handle_id (&self->dirty_source, g_source_remove);
  g_clear_handle_id (&self->flash_source, g_source_remove);
  g_clear_handle_id (&self->release_source, g_source_remove);
  g_clear_signal_handler (&self->items_changed_id, self->annotations);
  g_clear_object (&self->annotations);
  g_clear_object (&self->document);
  g_clear_pointer (&self->context_menu, gtk_widget_unparent);

  G_OBJECT_CLASS (mg_reader_view_parent_class)->dispose (object);
}

static void
mg_reader_view_finalize (GObject *object)
{
  MgReaderView *self = MG_READER_VIEW (object);

  g_clear_pointer (&self->painted, g_free);
  g_clear_pointer (&self->painted_ranges, g_hash_table_unref);
  g_clear_pointer (&self->dirty, g_ptr_array_unref);
  g_clear_pointer (&self->indent_tags, g_hash_table_unref);
  mg_reader_view_finalize_text (self);
  mg_reader_view_finalize_blocks (self);

  G_OBJECT_CLASS (mg_reader_view_parent_class)->finalize (object);
}

static void
mg_reader_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MgReaderView *self = MG_READER_VIEW (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, mg_reader_view_get_loading (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Under the text: how code blocks, quotes and images look beyond their
 * tags (mg-reader-view-blocks.c). */
static void
mg_reader_view_snapshot_layer (GtkTextView     *view,
                               GtkTextViewLayer layer,
                               GtkSnapshot     *snapshot)
{
  if (layer == GTK_TEXT_VIEW_LAYER_BELOW_TEXT)
    mg_reader_view_snapshot_blocks (MG_READER_VIEW (view), snapshot);
}

static void
mg_reader_view_class_init (MgReaderViewClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mg_reader_view_dispose;
  object_class->finalize = mg_reader_view_finalize;
  object_class->get_property = mg_reader_view_get_property;

  widget_class->size_allocate = mg_reader_view_size_allocate;
  GTK_TEXT_VIEW_CLASS (klass)->snapshot_layer = mg_reader_view_snapshot_layer;

  mg_reader_view_class_init_pointer (widget_class);

  /**
   * MgReaderView:loading:
   *
   * Whether the document's text is still going into the view.
   */
  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MgReaderView::annotation-clicked:
   * @self: the view
   * @annotation: the annotation shown on top where the user clicked
   */
  signals[ANNOTATION_CLICKED] = g_signal_new ("annotation-clicked",
                                              G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, MG_TYPE_ANNOTATION);

  /**
   * MgReaderView::selection-finished:
   * @self: the view
   *
   * The user released the pointer with text selected.
   */
  signals[SELECTION_FINISHED] = g_signal_new ("selection-finished",
                                              G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 0);
}

static void
mg_reader_view_init (MgReaderView *self)
{
  GtkTextView   *view = GTK_TEXT_VIEW (self);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);

  for (guint i = 0; i < MG_N_COLORS; i++)
    {
      g_autofree char *name = g_strdup_printf ("mg-highlight-%s", mg_color_to_string (i));

      self->color_tags[i] = gtk_text_buffer_create_tag (buffer, name, NULL);
    }
  for (guint i = 0; i < MG_N_COLORS; i++)
    {
      g_autofree char *name = g_strdup_printf ("mg-highlight-%s-noted", mg_color_to_string (i));

      self->noted_tags[i] = gtk_text_buffer_create_tag (buffer, name,
                                                        "underline", PANGO_UNDERLINE_SINGLE_LINE,
                                                        NULL);
    }
  self->note_tag = gtk_text_buffer_create_tag (buffer, "mg-note",
                                               "underline", PANGO_UNDERLINE_SINGLE_LINE,
                                               NULL);
  for (guint i = 0; i < 6; i++)
    {
      static const double scales[6] = { 1.6, 1.35, 1.2, 1.1, 1.0, 1.0 };

      self->heading_tags[i] = gtk_text_buffer_create_tag (buffer, NULL,
                                                          "weight", PANGO_WEIGHT_BOLD,
                                                          "scale", scales[i],
                                                          "pixels-above-lines", 12,
                                                          NULL);
    }
  self->emphasis_tag = gtk_text_buffer_create_tag (buffer, NULL, "style", PANGO_STYLE_ITALIC, NULL);
  self->strong_tag = gtk_text_buffer_create_tag (buffer, NULL, "weight", PANGO_WEIGHT_BOLD, NULL);
  self->code_tag = gtk_text_buffer_create_tag (buffer, NULL, "family", "monospace", "scale", 0.9, NULL);
  self->code_block_tag = gtk_text_buffer_create_tag (buffer, NULL,
                                                     "family", "monospace",
                                                     "scale", 0.9,
                                                     "wrap-mode", GTK_WRAP_CHAR,
                                                     "left-margin", 44,
                                                     "pixels-below-lines", 0,
                                                     NULL);
  self->quote_tag = gtk_text_buffer_create_tag (buffer, NULL,
                                                "style", PANGO_STYLE_ITALIC,
                                                "left-margin", 52,
                                                "right-margin", 24,
                                                NULL);
  self->link_tag = gtk_text_buffer_create_tag (buffer, NULL,
                                               "underline", PANGO_UNDERLINE_SINGLE,
                                               "foreground", "#1c71d8",
                                               NULL);
  self->rule_tag = gtk_text_buffer_create_tag (buffer, NULL, "justification", GTK_JUSTIFY_CENTER, NULL);
  self->indent_tags = g_hash_table_new (NULL, NULL);

  /* Created last, so it has the highest priority: the flash shows over
   * every highlight. */
  self->flash_tag = gtk_text_buffer_create_tag (buffer, "mg-flash", NULL);

  update_tag_colors (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_tag_colors), self, G_CONNECT_SWAPPED);

  mg_reader_view_init_text (self);
  mg_reader_view_init_blocks (self);
  mg_reader_view_init_highlights (self);
  mg_reader_view_init_pointer (self);
}

GtkWidget *
mg_reader_view_new (void)
{
  return g_object_new (MG_TYPE_READER_VIEW, NULL);
}
