/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-reader-view"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "mg-colors.h"
#include "mg-reader-view.h"

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
 * Painting a large document is done in chunks of text: the visible part at
 * once, the rest from an idle handler, so that opening a book with many
 * highlights is never held back by the tags.
 */

#define CHUNK_SIZE 16384      /* code points painted per chunk */
#define IDLE_BUDGET_USEC 4000 /* painting time per idle step: keeps 60 fps */
#define FLASH_MSEC 900
/* Between frames (redraw) and GtkTextView's layout of the rest of a long
 * text (redraw + 5): otherwise highlights further down would wait until a
 * whole book is laid out. Each step is bounded by IDLE_BUDGET_USEC. */
#define PAINT_PRIORITY (GDK_PRIORITY_REDRAW + 2)
#define BATCH_SIZE 256 /* changes at once that are repainted as a whole */

struct _MgReaderView
{
  GtkTextView parent_instance;

  MgDocument       *document;
  MgAnnotationList *annotations;
  gulong            items_changed_id;

  GtkTextTag *color_tags[MG_N_COLORS];
  GtkTextTag *note_tag;
  GtkTextTag *flash_tag;

  /* The look of Markdown and HTML documents: headings, emphasis, code... */
  GtkTextTag *heading_tags[6];
  GtkTextTag *emphasis_tag;
  GtkTextTag *strong_tag;
  GtkTextTag *code_tag;
  GtkTextTag *code_block_tag;
  GtkTextTag *quote_tag;
  GtkTextTag *link_tag;
  GtkTextTag *rule_tag;
  GHashTable *indent_tags;

  /* Which chunks of the text have been painted. */
  guint8 *painted;
  guint   n_chunks;
  guint   n_pending;
  guint   paint_source;

  /* The range each annotation was last painted at, so that a change
   * repaints both where it was and where it is. Keys hold a reference. */
  GHashTable *painted_ranges;
  /* Annotations whose change is to be painted before the next frame. */
  GPtrArray *dirty;
  gboolean   reconcile;
  guint      dirty_source;

  guint flash_source;

  double release_x;
  double release_y;
  guint  release_source;
};

G_DEFINE_FINAL_TYPE (MgReaderView, mg_reader_view, GTK_TYPE_TEXT_VIEW)

enum
{
  ANNOTATION_CLICKED,
  SELECTION_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  guint start;
  guint end;
} Range;

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
    }

  /* The note underline takes the text colour, softened, so that it reads on
   * every highlight colour. */
  gdk_rgba_parse (&flash, dark ? "rgba(255,255,255,0.55)" : "rgba(0,0,0,0.45)");
  g_object_set (self->note_tag, "underline-rgba", &flash, NULL);

  gdk_rgba_parse (&flash, dark ? "rgba(120,174,237,0.65)" : "rgba(53,132,228,0.45)");
  g_object_set (self->flash_tag, "background-rgba", &flash, NULL);
}

static void
get_iters (MgReaderView *self,
           guint         start,
           guint         end,
           GtkTextIter  *start_iter,
           GtkTextIter  *end_iter)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));

  gtk_text_buffer_get_iter_at_offset (buffer, start_iter, start);
  gtk_text_buffer_get_iter_at_offset (buffer, end_iter, end);
}

static int
compare_by_age (gconstpointer a,
                gconstpointer b)
{
  MgAnnotation *aa = *(MgAnnotation **) a;
  MgAnnotation *bb = *(MgAnnotation **) b;
  int           cmp = g_date_time_compare (mg_annotation_get_created (aa), mg_annotation_get_created (bb));

  if (cmp != 0)
    return cmp;

  return g_strcmp0 (mg_annotation_get_id (aa), mg_annotation_get_id (bb));
}

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
  g_ptr_array_sort (found, compare_by_age);

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

/* Clears [start, end) and paints the annotations that touch it, oldest
 * first, each clipped to the region: the newest ends up on top. */
static void
paint_region (MgReaderView *self,
              guint         start,
              guint         end)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  g_autoptr (GPtrArray) found = NULL;
  g_autofree gboolean *overlaps = NULL;
  GtkTextIter          start_iter, end_iter;
  guint                length;

  if (self->document == NULL)
    return;

  length = mg_document_get_length (self->document);
  end = MIN (end, length);
  if (start >= end)
    return;

  get_iters (self, start, end, &start_iter, &end_iter);
  for (guint i = 0; i < MG_N_COLORS; i++)
    gtk_text_buffer_remove_tag (buffer, self->color_tags[i], &start_iter, &end_iter);
  gtk_text_buffer_remove_tag (buffer, self->note_tag, &start_iter, &end_iter);

  found = collect_overlapping (self, start, end);
  overlaps = find_overlaps (found, start, end);

  for (guint i = 0; i < found->len; i++)
    {
      MgAnnotation *a = g_ptr_array_index (found, i);
      guint         a_start = MAX (start, mg_annotation_get_range_start (a));
      guint         a_end = MIN (end, mg_annotation_get_range_end (a));
      GtkTextIter   s, e;

      if (a_start >= a_end)
        continue;

      get_iters (self, a_start, a_end, &s, &e);
      /* Older colours under it go, where there can be some. */
      if (overlaps[i])
        for (guint c = 0; c < MG_N_COLORS; c++)
          if (c != mg_annotation_get_color (a))
            gtk_text_buffer_remove_tag (buffer, self->color_tags[c], &s, &e);
      gtk_text_buffer_apply_tag (buffer, self->color_tags[mg_annotation_get_color (a)], &s, &e);

      if (*mg_annotation_get_note (a) != '\0')
        gtk_text_buffer_apply_tag (buffer, self->note_tag, &s, &e);

      remember_range (self, a);
    }
}

static void
paint_chunk (MgReaderView *self,
             guint         chunk)
{
  g_assert (chunk < self->n_chunks);

  if (self->painted[chunk])
    return;

  self->painted[chunk] = TRUE;
  self->n_pending--;
  paint_region (self, chunk * CHUNK_SIZE, (chunk + 1) * CHUNK_SIZE);
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

  for (guint c = 0; c < self->n_chunks && g_get_monotonic_time () < deadline; c++)
    paint_chunk (self, c);

  if (self->n_pending > 0)
    return G_SOURCE_CONTINUE;

  self->paint_source = 0;

  return G_SOURCE_REMOVE;
}

static void
restart_painting (MgReaderView *self)
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
  for (guint i = 0; i < MG_N_COLORS; i++)
    gtk_text_buffer_remove_tag (buffer, self->color_tags[i], &start, &end);
  gtk_text_buffer_remove_tag (buffer, self->note_tag, &start, &end);

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

  if (self->n_pending > 0)
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
      paint_region (self, r.start, r.end);
    }

  if (mg_annotation_get_state (annotation) != MG_ANNOTATION_STATE_ORPHANED && (self->annotations != NULL && mg_annotation_list_lookup (self->annotations, mg_annotation_get_id (annotation)) == annotation))
    {
      paint_region (self, mg_annotation_get_range_start (annotation),
                    mg_annotation_get_range_end (annotation));
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
      restart_painting (self);
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

  restart_painting (self);
}

MgAnnotationList *
mg_reader_view_get_annotations (MgReaderView *self)
{
  g_return_val_if_fail (MG_IS_READER_VIEW (self), NULL);

  return self->annotations;
}

static GtkTextTag *
indent_tag (MgReaderView *self,
            guint         level)
{
  GtkTextTag *tag = g_hash_table_lookup (self->indent_tags, GUINT_TO_POINTER (level));

  if (tag == NULL)
    {
      tag = gtk_text_buffer_create_tag (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), NULL,
                                        "left-margin", 28 + 24 * (int) MIN (level, 8),
                                        "pixels-below-lines", 4,
                                        NULL);
      g_hash_table_insert (self->indent_tags, GUINT_TO_POINTER (level), tag);

      /* A nested item lies inside its parent's span: the deeper level must
       * win, so indent tags are ordered by level, below every other tag
       * (they only set paragraph margins). */
      {
        guint priority = 0;

        for (guint l = 0; l <= 64; l++)
          {
            GtkTextTag *t = g_hash_table_lookup (self->indent_tags, GUINT_TO_POINTER (l));

            if (t != NULL)
              gtk_text_tag_set_priority (t, priority++);
          }
      }
    }

  return tag;
}

/* Markdown and HTML documents come with their structure as spans of the
 * rendered text; each kind has a tag. */
static void
apply_structure (MgReaderView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  const MgSpan  *spans;
  guint          n_spans = 0;

  spans = mg_document_get_spans (self->document, &n_spans);

  for (guint i = 0; i < n_spans; i++)
    {
      const MgSpan *span = &spans[i];
      GtkTextTag   *tag = NULL;
      GtkTextIter   start, end;

      switch (span->kind)
        {
        case MG_SPAN_HEADING:
          tag = self->heading_tags[CLAMP (span->level, 1, 6) - 1];
          break;
        case MG_SPAN_EMPHASIS:
          tag = self->emphasis_tag;
          break;
        case MG_SPAN_STRONG:
          tag = self->strong_tag;
          break;
        case MG_SPAN_CODE:
          tag = self->code_tag;
          break;
        case MG_SPAN_CODE_BLOCK:
          tag = self->code_block_tag;
          break;
        case MG_SPAN_BLOCK_QUOTE:
          tag = self->quote_tag;
          break;
        case MG_SPAN_LIST_ITEM:
          tag = indent_tag (self, span->level);
          break;
        case MG_SPAN_LINK:
          tag = self->link_tag;
          break;
        case MG_SPAN_RULE:
          tag = self->rule_tag;
          break;
        default:
          break;
        }

      if (tag == NULL || span->start >= span->end)
        continue;

      get_iters (self, span->start, span->end, &start, &end);
      gtk_text_buffer_apply_tag (buffer, tag, &start, &end);
    }
}

void
mg_reader_view_set_document (MgReaderView *self,
                             MgDocument   *document)
{
  GtkTextBuffer *buffer;
  GtkTextIter    start;

  g_return_if_fail (MG_IS_READER_VIEW (self));
  g_return_if_fail (MG_IS_DOCUMENT (document));

  if (!g_set_object (&self->document, document))
    return;

  mg_reader_view_set_annotations (self, NULL);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  gtk_text_buffer_set_text (buffer,
                            mg_document_get_text (document),
                            mg_document_get_n_bytes (document));
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);

  apply_structure (self);
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

  g_ptr_array_sort (found, compare_by_age);

  return g_object_ref (g_ptr_array_index (found, found->len - 1));
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

  for (guint i = 0; i < MG_N_COLORS; i++)
    if (gtk_text_iter_has_tag (&iter, self->color_tags[i]))
      color = i;

  if (has_note != NULL)
    *has_note = gtk_text_iter_has_tag (&iter, self->note_tag);

  return color;
}

guint
mg_reader_view_get_pending_chunks (MgReaderView *self)
{
  g_return_val_if_fail (MG_IS_READER_VIEW (self), 0);

  return self->n_pending;
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
  flash_done_cb (self);
  g_clear_handle_id (&self->flash_source, g_source_remove);

  get_iters (self, mg_annotation_get_range_start (annotation),
             mg_annotation_get_range_end (annotation), &start, &end);
  gtk_text_buffer_apply_tag (buffer, self->flash_tag, &start, &end);

  /* Place the caret there too, so that keyboard users continue from it. */
  gtk_text_buffer_place_cursor (buffer, &start);

  mark = gtk_text_buffer_create_mark (buffer, NULL, &start, TRUE);
  gtk_text_view_scroll_to_mark (GTK_TEXT_VIEW (self), mark, 0.0, TRUE, 0.0, 0.3);
  gtk_text_buffer_delete_mark (buffer, mark);

  self->flash_source = g_timeout_add (FLASH_MSEC, flash_done_cb, self);
}

/**
 * mg_reader_view_get_range_rect:
 * @self: a #MgReaderView
 * @start: first code point
 * @end: code point after the range
 * @rect: (out): where the end of the range is, in widget coordinates
 *
 * Returns: %TRUE if the range is on screen, so a popover can point at it
 */
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

  get_iters (self, start, end, &s, &e);
  gtk_text_view_get_iter_location (view, &s, &first);
  gtk_text_view_get_iter_location (view, &e, &last);
  gtk_text_view_get_visible_rect (view, &visible);

  /* Point at the last line of the range, where the pointer most likely is
   * after a selection; or at the first, if the last is off screen. */
  if (last.y + last.height <= visible.y + visible.height && last.y >= visible.y)
    *rect = last;
  else
    *rect = first;

  gtk_text_view_buffer_to_window_coords (view, GTK_TEXT_WINDOW_WIDGET,
                                         rect->x, rect->y, &rect->x, &rect->y);
  rect->width = MAX (rect->width, 1);

  return gdk_rectangle_intersect (&first, &visible, NULL) || gdk_rectangle_intersect (&last, &visible, NULL);
}

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

static gboolean
release_idle_cb (gpointer user_data)
{
  MgReaderView *self = user_data;
  g_autoptr (MgAnnotation) annotation = NULL;
  guint start, end, offset;

  self->release_source = 0;

  if (mg_reader_view_get_selection (self, &start, &end))
    {
      g_signal_emit (self, signals[SELECTION_FINISHED], 0);
      return G_SOURCE_REMOVE;
    }

  if (!offset_at_point (self, self->release_x, self->release_y, &offset))
    return G_SOURCE_REMOVE;

  annotation = mg_reader_view_get_annotation_at (self, offset);
  if (annotation != NULL)
    {
      g_signal_emit (self, signals[ANNOTATION_CLICKED], 0, annotation);
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

static void
mg_reader_view_dispose (GObject *object)
{
  MgReaderView *self = MG_READER_VIEW (object);

  g_clear_handle_id (&self->paint_source, g_source_remove);
  g_clear_handle_id (&self->dirty_source, g_source_remove);
  g_clear_handle_id (&self->flash_source, g_source_remove);
  g_clear_handle_id (&self->release_source, g_source_remove);
  g_clear_signal_handler (&self->items_changed_id, self->annotations);
  g_clear_object (&self->annotations);
  g_clear_object (&self->document);

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

  G_OBJECT_CLASS (mg_reader_view_parent_class)->finalize (object);
}

static void
mg_reader_view_class_init (MgReaderViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mg_reader_view_dispose;
  object_class->finalize = mg_reader_view_finalize;

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
  GtkTextView        *view = GTK_TEXT_VIEW (self);
  GtkTextBuffer      *buffer = gtk_text_view_get_buffer (view);
  GtkEventController *legacy;

  self->painted_ranges = g_hash_table_new_full (NULL, NULL, g_object_unref, g_free);
  self->dirty = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < MG_N_COLORS; i++)
    {
      g_autofree char *name = g_strdup_printf ("mg-highlight-%s", mg_color_to_string (i));

      self->color_tags[i] = gtk_text_buffer_create_tag (buffer, name, NULL);
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

  legacy = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (legacy, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (legacy, "event", G_CALLBACK (legacy_event_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), legacy);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  g_signal_connect (self, "notify::vadjustment", G_CALLBACK (vadjustment_changed_cb), NULL);
}

GtkWidget *
mg_reader_view_new (void)
{
  return g_object_new (MG_TYPE_READER_VIEW, NULL);
}
