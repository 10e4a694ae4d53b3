/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-reader-view"

#include "config.h"

#include "mg-reader-view-private.h"

/* The highlights of MgReaderView: text tags, one per colour, painted from
 * the annotation list. Where highlights overlap, each region is cleared
 * and the annotations touching it are applied oldest first, so the newest
 * shows on top. A large document is painted in chunks of text: the visible
 * part at once, the rest from an idle handler; a change to one annotation
 * repaints where it was and where it is, just before the next frame. */

#define CHUNK_SIZE 16384      /* code points painted per chunk */
#define IDLE_BUDGET_USEC 4000 /* painting time per idle step: keeps 60 fps */
/* Between frames (redraw) and GtkTextView's layout of the rest of a long
 * text (redraw + 5): otherwise highlights further down would wait until a
 * whole book is laid out. Each step is bounded by IDLE_BUDGET_USEC. */
#define PAINT_PRIORITY (GDK_PRIORITY_REDRAW + 2)
#define BATCH_SIZE 256 /* changes at once that are repainted as a whole */

typedef struct
{
  guint start;
  guint end;
} Range;

/* The anchored annotations that touch [start, end), oldest first. */
static GPtrArray *
collect_overlapping (MgReaderView *self,
                     guint         start,
                     guint         end)
{
  GPtrArray *found;

  if (self->annotations == NULL)
    return g_ptr_array_new_with_free_func (g_object_unref);

  found = mg_annotation_list_lookup_range (self->annotations, start, end);
  g_ptr_array_sort (found, mg_reader_view_compare_by_age);

  return found;
}

static void
remember_range (MgReaderView *self,
                MgAnnotation *annotation)
{
  Range *range = g_new (Range, 1);

  range->start = mg_annotation_get_range_start (annotation);
  range->end = mg_annotation_get_range_end (annotation);

  /* Replacing drops the reference of the old key and keeps this one. */
  g_hash_table_replace (self->painted_ranges, g_object_ref (annotation), range);
}

typedef struct
{
  guint start;
  guint end;
  guint index;
} Span;

static int
compare_span_starts (gconstpointer a,
                     gconstpointer b)
{
  const Span *sa = a;
  const Span *sb = b;

  return (sa->start > sb->start) - (sa->start < sb->start);
}

/* Which annotations of @found touch another one within [start, end): only
 * under those can another colour be left, as the region is cleared first.
 * Returns: (transfer full): a flag for each annotation of @found */
static gboolean *
find_overlaps (GPtrArray *found,
               guint      start,
               guint      end)
{
  g_autoptr (GArray) spans = g_array_sized_new (FALSE, FALSE, sizeof (Span), found->len);
  gboolean *overlaps = g_new0 (gboolean, MAX (found->len, 1));
  guint     max_end = 0;

  for (guint i = 0; i < found->len; i++)
    {
      MgAnnotation *a = g_ptr_array_index (found, i);
      Span          span = { MAX (start, mg_annotation_get_range_start (a)),
                             MIN (end, mg_annotation_get_range_end (a)), i };

      if (span.start < span.end)
        g_array_append_val (spans, span);
    }

  /* In order of position, a span touches another if one before it ends
   * after its start, or if the next one starts before its end. */
  g_array_sort (spans, compare_span_starts);
  for (guint i = 0; i < spans->len; i++)
    {
      Span *span = &g_array_index (spans, Span, i);

      if ((i > 0 && max_end > span->start) || (i + 1 < spans->len && g_array_index (spans, Span, i + 1).start < span->end))
        overlaps[span->index] = TRUE;
      max_end = MAX (max_end, span->end);
    }

  return overlaps;
}

/* Takes every highlight and note underline off [start, end). */
void
mg_reader_view_remove_highlights (MgReaderView      *self,
                                  const GtkTextIter *start,
                                  const GtkTextIter *end)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));

  if (!self->highlights_applied)
    return;

  for (guint i = 0; i < MG_N_COLORS; i++)
    {
      gtk_text_buffer_remove_tag (buffer, self->color_tags[i], start, end);
      gtk_text_buffer_remove_tag (buffer, self->noted_tags[i], start, end);
    }
  gtk_text_buffer_remove_tag (buffer, self->note_tag, start, end);
}

/* Clears [start, end) and paints the annotations that touch it, oldest
 * first, each clipped to the region: the newest ends up on top. A region
 * known to have no highlight (@clean) is not cleared: looking for tags to
 * remove was a sixth of painting 10,000 highlights. */
static void
paint_region (MgReaderView *self,
              guint         start,
              guint         end,
              gboolean      clean)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  g_autoptr (GPtrArray) found = NULL;
  g_autofree gboolean *overlaps = NULL;
  GtkTextIter          start_iter, end_iter;

  if (self->document == NULL)
    return;

  /* The rest is painted with its chunk, once its text is in. */
  end = MIN (end, self->n_loaded);
  if (start >= end)
    return;

  if (!clean)
    {
      mg_reader_view_get_iters (self, start, end, &start_iter, &end_iter);
      mg_reader_view_remove_highlights (self, &start_iter, &end_iter);
    }

  found = collect_overlapping (self, start, end);
  overlaps = find_overlaps (found, start, end);

  for (guint i = 0; i < found->len; i++)
    {
      MgAnnotation *a = g_ptr_array_index (found, i);
      guint         a_start = MAX (start, mg_annotation_get_range_start (a));
      guint         a_end = MIN (end, mg_annotation_get_range_end (a));
      MgColor       color = mg_annotation_get_color (a);
      gboolean      has_note = *mg_annotation_get_note (a) != '\0';
      GtkTextIter   s, e;

      if (a_start >= a_end)
        continue;

      mg_reader_view_get_iters (self, a_start, a_end, &s, &e);
      self->highlights_applied = TRUE;
      if (!overlaps[i])
        {
          /* Alone: one tag for its colour and its note, if any. */
          gtk_text_buffer_apply_tag (buffer, has_note ? self->noted_tags[color] : self->color_tags[color], &s, &e);
        }
      else
        {
          /* Older colours under it go; the note underline stays wherever
           * one of them has a note. */
          for (guint c = 0; c < MG_N_COLORS; c++)
            if (c != color)
              gtk_text_buffer_remove_tag (buffer, self->color_tags[c], &s, &e);
          gtk_text_buffer_apply_tag (buffer, self->color_tags[color], &s, &e);
          if (has_note)
            gtk_text_buffer_apply_tag (buffer, self->note_tag, &s, &e);
        }

      remember_range (self, a);
    }
}

/* Whether the text of @chunk is all in the buffer. */
static gboolean
chunk_loaded (MgReaderView *self,
              guint         chunk)
{
  return !mg_reader_view_get_loading (self) || (chunk + 1) * CHUNK_SIZE <= self->n_loaded;
}

static void
paint_chunk (MgReaderView *self,
             guint         chunk)
{
  g_assert (chunk < self->n_chunks);

  if (self->painted[chunk] || !chunk_loaded (self, chunk))
    return;

  self->painted[chunk] = TRUE;
  self->n_pending--;
  /* Nothing was painted there since all highlights were cleared, unless
   * a change to an annotation was. */
  paint_region (self, chunk * CHUNK_SIZE, (chunk + 1) * CHUNK_SIZE, !self->regions_painted);
}

static void
paint_visible (MgReaderView *self)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GdkRectangle visible;
  GtkTextIter  start, end;
  guint        first, last;

  if (self->n_pending == 0)
    return;

  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_view_get_iter_at_location (view, &start, visible.x, visible.y);
  gtk_text_view_get_iter_at_location (view, &end, visible.x + visible.width,
                                      visible.y + MAX (visible.height, 1));

  first = gtk_text_iter_get_offset (&start) / CHUNK_SIZE;
  last = gtk_text_iter_get_offset (&end) / CHUNK_SIZE;

  for (guint c = first; c <= last && c < self->n_chunks; c++)
    paint_chunk (self, c);
}

static gboolean
paint_idle_cb (gpointer user_data)
{
  MgReaderView *self = user_data;
  gint64        deadline = g_get_monotonic_time () + IDLE_BUDGET_USEC;

  guint c;

  for (c = 0; c < self->n_chunks && chunk_loaded (self, c) && g_get_monotonic_time () < deadline; c++)
    paint_chunk (self, c);

  /* Chunks whose text is not in yet wait for it:
   * mg_reader_view_text_appended() starts again. */
  if (self->n_pending > 0 && c < self->n_chunks && chunk_loaded (self, c))
    return G_SOURCE_CONTINUE;

  self->paint_source = 0;

  return G_SOURCE_REMOVE;
}

void
mg_reader_view_restart_painting (MgReaderView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter    start, end;
  guint          length;

  g_clear_handle_id (&self->paint_source, g_source_remove);
  g_clear_pointer (&self->painted, g_free);
  g_hash_table_remove_all (self->painted_ranges);
  g_ptr_array_set_size (self->dirty, 0);
  self->n_chunks = 0;
  self->n_pending = 0;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  mg_reader_view_remove_highlights (self, &start, &end);
  self->highlights_applied = FALSE;
  self->regions_painted = FALSE;

  if (self->document == NULL || self->annotations == NULL)
    return;

  length = mg_document_get_length (self->document);
  self->n_chunks = MAX (1, (length + CHUNK_SIZE - 1) / CHUNK_SIZE);
  self->n_pending = self->n_chunks;
  self->painted = g_new0 (guint8, self->n_chunks);

  /* What the reader sees first is painted now; before the view has a size,
   * that is the top of the document. */
  if (gtk_widget_get_height (GTK_WIDGET (self)) > 0)
    paint_visible (self);
  else
    paint_chunk (self, 0);

  mg_reader_view_text_appended (self);
}

/* More of the text is in the buffer: its chunks can be painted. */
void
mg_reader_view_text_appended (MgReaderView *self)
{
  if (self->n_pending > 0 && self->paint_source == 0)
    self->paint_source = g_idle_add_full (PAINT_PRIORITY, paint_idle_cb, self, NULL);
}

static void
repaint_annotation (MgReaderView *self,
                    MgAnnotation *annotation)
{
  Range *old = g_hash_table_lookup (self->painted_ranges, annotation);

  if (old != NULL)
    {
      Range r = *old;

      g_hash_table_remove (self->painted_ranges, annotation);
      self->regions_painted = TRUE;
      paint_region (self, r.start, r.end, FALSE);
    }

  if (mg_annotation_get_state (annotation) != MG_ANNOTATION_STATE_ORPHANED && (self->annotations != NULL && mg_annotation_list_lookup (self->annotations, mg_annotation_get_id (annotation)) == annotation))
    {
      self->regions_painted = TRUE;
      paint_region (self, mg_annotation_get_range_start (annotation),
                    mg_annotation_get_range_end (annotation), FALSE);
    }
}

static gboolean
dirty_cb (gpointer user_data)
{
  MgReaderView *self = user_data;
  g_autoptr (GPtrArray) dirty = g_steal_pointer (&self->dirty);

  self->dirty = g_ptr_array_new_with_free_func (g_object_unref);
  self->dirty_source = 0;

  for (guint i = 0; i < dirty->len; i++)
    repaint_annotation (self, g_ptr_array_index (dirty, i));

  /* Annotations removed from the list: repaint where they were. */
  if (self->reconcile)
    {
      g_autoptr (GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);
      GHashTableIter iter;
      gpointer       key;

      self->reconcile = FALSE;

      g_hash_table_iter_init (&iter, self->painted_ranges);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          MgAnnotation *a = key;

          if (mg_annotation_list_lookup (self->annotations, mg_annotation_get_id (a)) != a)
            g_ptr_array_add (gone, g_object_ref (a));
        }

      for (guint i = 0; i < gone->len; i++)
        repaint_annotation (self, g_ptr_array_index (gone, i));
    }

  return G_SOURCE_REMOVE;
}

static void
items_changed_cb (MgReaderView *self,
                  guint         position,
                  guint         removed,
                  guint         added,
                  GListModel   *model)
{
  /* A batch (a load, an import, a merge from disk) is painted like a
   * newly opened document: what is visible now, the rest in idle time. */
  if (added > BATCH_SIZE || removed > BATCH_SIZE)
    {
      g_clear_handle_id (&self->dirty_source, g_source_remove);
      self->reconcile = FALSE;
      mg_reader_view_restart_painting (self);
      return;
    }

  for (guint i = 0; i < added; i++)
    g_ptr_array_add (self->dirty, g_list_model_get_item (model, position + i));

  if (removed > 0)
    self->reconcile = TRUE;

  /* Painted just before the next frame, after the list has settled: a move
   * in the list is a removal followed by an insertion. */
  if (self->dirty_source == 0)
    self->dirty_source = g_idle_add_full (GDK_PRIORITY_REDRAW - 10, dirty_cb, self, NULL);
}

void
mg_reader_view_set_annotations (MgReaderView     *self,
                                MgAnnotationList *annotations)
{
  g_return_if_fail (MG_IS_READER_VIEW (self));
  g_return_if_fail (!annotations || MG_IS_ANNOTATION_LIST (annotations));

  if (self->annotations == annotations)
    return;

  g_clear_signal_handler (&self->items_changed_id, self->annotations);
  g_clear_handle_id (&self->dirty_source, g_source_remove);
  g_set_object (&self->annotations, annotations);

  if (annotations != NULL)
    self->items_changed_id = g_signal_connect_object (annotations, "items-changed",
                                                      G_CALLBACK (items_changed_cb), self,
                                                      G_CONNECT_SWAPPED);

  mg_reader_view_restart_painting (self);
}

MgAnnotationList *
mg_reader_view_get_annotations (MgReaderView *self)
{
  g_return_val_if_fail (MG_IS_READER_VIEW (self), NULL);

  return self->annotations;
}

/**
 * mg_reader_view_get_color_at:
 * @self: a #MgReaderView
 * @offset: a code point offset
 * @has_note: (out) (optional): whether the note underline is shown there
 *
 * What the reader sees at @offset, read back from the text tags: for tests
 * and the benchmark.
 *
 * Returns: the highlight colour shown, or %MG_N_COLORS for none
 */
MgColor
mg_reader_view_get_color_at (MgReaderView *self,
                             guint         offset,
                             gboolean     *has_note)
{
  GtkTextBuffer *buffer;
  GtkTextIter    iter;
  MgColor        color = MG_N_COLORS;

  g_return_val_if_fail (MG_IS_READER_VIEW (self), MG_N_COLORS);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset);

  if (has_note != NULL)
    *has_note = gtk_text_iter_has_tag (&iter, self->note_tag);

  for (guint i = 0; i < MG_N_COLORS; i++)
    {
      if (gtk_text_iter_has_tag (&iter, self->color_tags[i]))
        color = i;
      if (gtk_text_iter_has_tag (&iter, self->noted_tags[i]))
        {
          color = i;
          if (has_note != NULL)
            *has_note = TRUE;
        }
    }

  return color;
}

guint
mg_reader_view_get_pending_chunks (MgReaderView *self)
{
  g_return_val_if_fail (MG_IS_READER_VIEW (self), 0);

  return self->n_pending;
}

static void
value_changed_cb (MgReaderView *self)
{
  paint_visible (self);
}

static void
vadjustment_changed_cb (MgReaderView *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self));

  if (adjustment != NULL)
    g_signal_connect_object (adjustment, "value-changed",
                             G_CALLBACK (value_changed_cb), self, G_CONNECT_SWAPPED);
}

void
mg_reader_view_init_highlights (MgReaderView *self)
{
  self->painted_ranges = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  self->dirty = g_ptr_array_new_with_free_func (g_object_unref);

  g_signal_connect (self, "notify::vadjustment", G_CALLBACK (vadjustment_changed_cb), NULL);
}
