/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-reader-view"

#include "config.h"

#include <string.h>

#include "mg-reader-view-private.h"

/* The document's text in MgReaderView's buffer, with its structure
 * (headings, emphasis, lists...) as tags.
 *
 * The text goes into the buffer in chunks: the first screens at once, so
 * that the first frame comes as soon as for a short article, the rest
 * from an idle handler, a few milliseconds at a time, so that the window
 * answers while a book of many megabytes goes in. The text is only ever
 * appended, after what the reader sees: nothing visible moves.
 *
 * GtkTextView lays out a paragraph as one PangoLayout, and lays it out
 * again each time it is asked about a point in it; Pango's time for a
 * paragraph grows faster than its length (a piece of 8,192 code points
 * took 90 ms, one of 2,048 about 13). A paragraph of a million characters
 * (a hostile page, a text with no line breaks) held the main loop for
 * many seconds each time. Paragraphs longer than PIECE code points are
 * therefore shown in pieces: one character between two pieces is
 * replaced in the buffer by a paragraph separator (U+2029), which ends a
 * paragraph for GtkTextBuffer just as "\n" does. That character is the
 * last space in the second half of the piece, or the first one after it;
 * in a run without spaces, the character at MAX_PIECE. One code point for
 * one code point: every offset in the buffer stays the offset in the
 * document, so highlights, anchors and reading positions need to know
 * nothing of it. Tags on the first character of each piece give the break
 * the spacing of a wrapped line rather than of a new paragraph. The cost:
 * a long paragraph has a line that ends before the margin every PIECE
 * code points or so, and in a run of more than MAX_PIECE code points
 * without a space (never prose, but a long CJK paragraph could be one), a
 * character every MAX_PIECE is shown as a line break instead of itself.
 * Copies and the find bar take the document's text
 * (mg_reader_view_get_slice()), so they stay exact. */

#define PIECE 2048
#define MAX_PIECE 4096
#define PARAGRAPH_SEPARATOR "\xe2\x80\xa9"

#define FIRST_BYTES (64 * 1024) /* put in at once: a few screens */
#define STEP_BYTES (32 * 1024)
#define STEP_BUDGET_USEC 6000
/* Below painting the highlights (redraw + 2), which waits for the text it
 * paints, and above GtkTextView's background layout (redraw + 5): the
 * view lays out the text once it is all there, not after each chunk. */
#define TEXT_PRIORITY (GDK_PRIORITY_REDRAW + 3)

#define NO_BREAK G_MAXSIZE

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
static GtkTextTag *
span_tag (MgReaderView *self,
          const MgSpan *span)
{
  switch (span->kind)
    {
    case MG_SPAN_HEADING:
      return self->heading_tags[CLAMP (span->level, 1, 6) - 1];
    case MG_SPAN_EMPHASIS:
      return self->emphasis_tag;
    case MG_SPAN_STRONG:
      return self->strong_tag;
    case MG_SPAN_CODE:
      return self->code_tag;
    case MG_SPAN_CODE_BLOCK:
      return self->code_block_tag;
    case MG_SPAN_BLOCK_QUOTE:
      return self->quote_tag;
    case MG_SPAN_LIST_ITEM:
      return indent_tag (self, span->level);
    case MG_SPAN_LINK:
      return self->link_tag;
    case MG_SPAN_RULE:
      return self->rule_tag;
    default:
      return mg_reader_view_block_tag (self, span);
    }
}

static void
apply_tag (MgReaderView *self,
           GtkTextTag   *tag,
           guint         start,
           guint         end)
{
  GtkTextIter s, e;

  if (start >= end)
    return;

  mg_reader_view_get_iters (self, start, end, &s, &e);
  gtk_text_buffer_apply_tag (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), tag, &s, &e);
}

/* Tags the spans over [start, end), the text just appended. Spans are
 * sorted by start and nest properly, so those that run on past the text
 * in the buffer are few (at most the nesting depth): they are kept open
 * and tagged again, as far as the text goes, after each chunk. */
static void
apply_spans (MgReaderView *self,
             guint         start,
             guint         end)
{
  const MgSpan *spans;
  guint         n_spans = 0;

  spans = mg_document_get_spans (self->document, &n_spans);

  for (guint i = self->open_spans->len; i > 0; i--)
    {
      const MgSpan *span = &spans[g_array_index (self->open_spans, guint, i - 1)];

      GtkTextTag *tag = span_tag (self, span);

      if (tag != NULL)
        apply_tag (self, tag, start, MIN (span->end, end));
      if (span->end <= end)
        {
          g_array_remove_index (self->open_spans, i - 1);
          mg_reader_view_block_ended (self, span);
        }
    }

  for (; self->next_span < n_spans && spans[self->next_span].start < end; self->next_span++)
    {
      const MgSpan *span = &spans[self->next_span];
      GtkTextTag   *tag = span_tag (self, span);

      if ((tag == NULL && !mg_reader_view_block_needs_end (span)) || span->start >= span->end)
        continue;

      if (tag != NULL)
        apply_tag (self, tag, span->start, MIN (span->end, end));
      if (span->end > end)
        g_array_append_val (self->open_spans, self->next_span);
      else
        mg_reader_view_block_ended (self, span);
    }
}

/* Where the paragraph that starts at byte @from of the text is broken, if
 * it is longer than PIECE code points: sets self->next_break, or moves
 * self->planned past the paragraph when it needs no break. */
static void
plan_paragraph (MgReaderView *self,
                gsize         from)
{
  const char *text = mg_document_get_text (self->document);
  gsize       n_bytes = mg_document_get_n_bytes (self->document);
  const char *newline;
  gsize       p = from;
  gsize       space = NO_BREAK;

  /* At most PIECE bytes to the line's end: short enough. */
  newline = memchr (text + from, '\n', MIN (n_bytes - from, PIECE));
  if (newline != NULL)
    {
      self->planned = newline - text + 1;
      return;
    }

  for (guint n = 0; p < n_bytes; n++)
    {
      if (text[p] == '\n')
        {
          self->planned = p + 1;
          return;
        }
      if ((text[p] == ' ' || text[p] == '\t') && n >= PIECE / 2)
        space = p;
      if ((n >= PIECE && space != NO_BREAK) || n >= MAX_PIECE)
        break;
      p = g_utf8_next_char (text + p) - text;
    }

  if (p >= n_bytes)
    {
      self->planned = n_bytes;
      return;
    }

  /* No space: the character that does not fit, not inside a combining
   * sequence. */
  if (space == NO_BREAK)
    {
      while (p < n_bytes && text[p] != '\n' && g_unichar_ismark (g_utf8_get_char (text + p)))
        p = g_utf8_next_char (text + p) - text;
      if (p >= n_bytes || text[p] == '\n')
        {
          self->planned = MIN (p + 1, n_bytes);
          return;
        }
      space = p;
    }

  self->next_break = space;
  self->planned = space;
}

static void
insert_bytes (MgReaderView *self,
              const char   *bytes,
              gsize         len)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter    end;

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert (buffer, &end, bytes, (int) len);
  self->n_loaded = gtk_text_buffer_get_char_count (buffer);
}

/* The first character of each piece of a broken paragraph carries the
 * paragraph spacing: a piece after a break none above, a piece before a
 * break that of wrapped lines below. */
static void
tag_breaks (MgReaderView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));

  for (; self->n_tagged_breaks < self->breaks->len; self->n_tagged_breaks++)
    {
      guint       at = g_array_index (self->breaks, guint, self->n_tagged_breaks);
      GtkTextIter iter;

      if (at + 1 >= self->n_loaded)
        break;

      gtk_text_buffer_get_iter_at_offset (buffer, &iter, at);
      gtk_text_iter_set_line_offset (&iter, 0);
      apply_tag (self, self->continues_tag, gtk_text_iter_get_offset (&iter), gtk_text_iter_get_offset (&iter) + 1);
      apply_tag (self, self->continued_tag, at + 1, at + 2);
    }
}

/* Appends about @max_bytes more of the text. */
static void
append_text (MgReaderView *self,
             gsize         max_bytes)
{
  const char *text = mg_document_get_text (self->document);
  gsize       n_bytes = mg_document_get_n_bytes (self->document);
  gsize       end = MIN (n_bytes, self->text_pos + max_bytes);
  guint       start = self->n_loaded;

  while (end < n_bytes && (text[end] & 0xc0) == 0x80)
    end++;

  while (self->text_pos < end)
    {
      while (self->next_break == NO_BREAK && self->planned < end)
        plan_paragraph (self, self->planned);

      if (self->next_break != NO_BREAK && self->next_break < end)
        {
          guint at;

          insert_bytes (self, text + self->text_pos, self->next_break - self->text_pos);
          at = self->n_loaded;
          insert_bytes (self, PARAGRAPH_SEPARATOR, strlen (PARAGRAPH_SEPARATOR));
          g_array_append_val (self->breaks, at);
          self->text_pos = g_utf8_next_char (text + self->next_break) - text;
          self->planned = self->text_pos;
          self->next_break = NO_BREAK;
        }
      else
        {
          insert_bytes (self, text + self->text_pos, end - self->text_pos);
          self->text_pos = end;
        }
    }

  apply_spans (self, start, self->n_loaded);
  tag_breaks (self);
  mg_reader_view_text_appended (self);

  if (self->text_pos >= n_bytes)
    g_object_notify (G_OBJECT (self), "loading");
}

static gboolean
append_idle_cb (gpointer user_data)
{
  MgReaderView *self = user_data;
  gint64        deadline = g_get_monotonic_time () + STEP_BUDGET_USEC;

  while (self->text_pos < mg_document_get_n_bytes (self->document) && g_get_monotonic_time () < deadline)
    append_text (self, STEP_BYTES);

  if (self->text_pos < mg_document_get_n_bytes (self->document))
    return G_SOURCE_CONTINUE;

  self->text_source = 0;

  return G_SOURCE_REMOVE;
}

/* The first screen -------------------------------------------------------
 *
 * A big plain text file's first lines, shown before its document is
 * loaded (see mg-window-load.c): whole lines, each short enough to need
 * no break, so that the document's text, when it starts with them, takes
 * the buffer over as it is and only appends. */

/**
 * mg_reader_view_show_first_screen:
 * @self: a #MgReaderView
 * @text: the first lines of the document to come
 * @len: their length in bytes
 *
 * Shows @text, without a document, until mg_reader_view_set_document()
 * gives the document; if that document's text starts with the same lines,
 * the view keeps them and only appends the rest.
 */
void
mg_reader_view_show_first_screen (MgReaderView *self,
                                  const char   *text,
                                  gsize         len)
{
  GtkTextBuffer *buffer;
  GtkTextIter    start;
  gsize          n = 0;

  g_return_if_fail (MG_IS_READER_VIEW (self));
  g_return_if_fail (self->document == NULL);
  g_return_if_fail (text != NULL);

  /* Whole lines, up to the first long enough to need a break. */
  while (n < len)
    {
      const char *newline = memchr (text + n, '\n', MIN (len - n, PIECE));

      if (newline == NULL)
        break;
      n = newline - text + 1;
    }

  g_free (self->first_screen);
  self->first_screen = g_strndup (text, n);
  self->first_screen_len = n;

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  gtk_text_buffer_set_text (buffer, self->first_screen, (int) n);
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);
}

/* Keeps the first screen in the buffer when the document starts with it:
 * the text is then in as if appended. */
static gboolean
adopt_first_screen (MgReaderView *self)
{
  g_autofree char *first_screen = g_steal_pointer (&self->first_screen);
  gsize            len = self->first_screen_len;

  self->first_screen_len = 0;
  if (first_screen == NULL || len == 0 || self->document == NULL
      || mg_document_get_format (self->document) != MG_DOCUMENT_FORMAT_TEXT
      || mg_document_get_n_bytes (self->document) < len
      || memcmp (mg_document_get_text (self->document), first_screen, len) != 0)
    return FALSE;

  self->text_pos = len;
  self->planned = len;
  self->n_loaded = gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)));

  return TRUE;
}

/* Puts the document's text into the buffer: its first screens now, the
 * rest in idle time. */
void
mg_reader_view_start_text (MgReaderView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  gboolean       was_loading = mg_reader_view_get_loading (self);
  GtkTextIter    start;

  g_clear_handle_id (&self->text_source, g_source_remove);
  self->text_pos = 0;
  self->n_loaded = 0;
  self->planned = 0;
  self->next_break = NO_BREAK;
  self->next_span = 0;
  self->n_tagged_breaks = 0;
  g_array_set_size (self->open_spans, 0);
  g_array_set_size (self->breaks, 0);
  mg_reader_view_reset_blocks (self);
  mg_reader_view_update_headline (self);

  if (adopt_first_screen (self))
    {
      apply_spans (self, 0, self->n_loaded);
      mg_reader_view_text_appended (self);
      if (mg_reader_view_get_loading (self))
        append_text (self, FIRST_BYTES);
      else
        g_object_notify (G_OBJECT (self), "loading");
    }
  else
    {
      gtk_text_buffer_set_text (buffer, "", 0);
      g_clear_pointer (&self->first_screen, g_free);
      self->first_screen_len = 0;

      if (self->document == NULL)
        return;

      append_text (self, FIRST_BYTES);
    }
  gtk_text_buffer_get_start_iter (buffer, &start);
  gtk_text_buffer_place_cursor (buffer, &start);

  if (mg_reader_view_get_loading (self))
    {
      self->text_source = g_idle_add_full (TEXT_PRIORITY, append_idle_cb, self, NULL);
      g_source_set_name_by_id (self->text_source, "[mg] reader text");
    }
  if (was_loading != mg_reader_view_get_loading (self))
    g_object_notify (G_OBJECT (self), "loading");
}

/**
 * mg_reader_view_get_loading:
 * @self: a #MgReaderView
 *
 * Returns: %TRUE while the document's text is still going into the view
 */
gboolean
mg_reader_view_get_loading (MgReaderView *self)
{
  g_return_val_if_fail (MG_IS_READER_VIEW (self), FALSE);

  return self->document != NULL && self->text_pos < mg_document_get_n_bytes (self->document);
}

/**
 * mg_reader_view_load_to:
 * @self: a #MgReaderView
 * @offset: a code point offset
 *
 * Puts the text up to @offset, and a few screens after it, into the view
 * now, so that it can be shown: a reading position, a heading, a
 * highlight to go to.
 */
void
mg_reader_view_load_to (MgReaderView *self,
                        guint         offset)
{
  g_return_if_fail (MG_IS_READER_VIEW (self));

  if (self->document == NULL)
    return;

  while (mg_reader_view_get_loading (self) && self->n_loaded <= offset)
    append_text (self, MAX (STEP_BYTES, (gsize) (offset - self->n_loaded)));
  if (mg_reader_view_get_loading (self))
    append_text (self, FIRST_BYTES);
}

/**
 * mg_reader_view_get_n_breaks:
 * @self: a #MgReaderView
 *
 * Returns: how many characters of long paragraphs are shown as paragraph
 *   breaks so far (for tests)
 */
guint
mg_reader_view_get_n_breaks (MgReaderView *self)
{
  g_return_val_if_fail (MG_IS_READER_VIEW (self), 0);

  return self->breaks->len;
}

/* The index of the first break at or after @offset. */
static guint
find_break (MgReaderView *self,
            guint         offset)
{
  guint lo = 0, hi = self->breaks->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (self->breaks, guint, mid) < offset)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/**
 * mg_reader_view_get_slice:
 * @self: a #MgReaderView
 * @start: where the text begins
 * @end: where it ends
 *
 * Like gtk_text_buffer_get_slice() with hidden characters: one code point
 * for each in the buffer, but the document's own characters where the
 * view shows a long paragraph's break.
 *
 * Returns: (transfer full): the document's text from @start to @end
 */
char *
mg_reader_view_get_slice (MgReaderView      *self,
                          const GtkTextIter *start,
                          const GtkTextIter *end)
{
  GtkTextBuffer   *buffer;
  guint            from, to, i;
  g_autofree char *slice = NULL;
  GString         *text;
  const char      *p;
  guint            offset;

  g_return_val_if_fail (MG_IS_READER_VIEW (self), NULL);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  slice = gtk_text_buffer_get_slice (buffer, start, end, TRUE);
  from = gtk_text_iter_get_offset (start);
  to = gtk_text_iter_get_offset (end);
  i = find_break (self, MIN (from, to));
  if (i >= self->breaks->len || g_array_index (self->breaks, guint, i) >= MAX (from, to))
    return g_steal_pointer (&slice);

  text = g_string_sized_new (strlen (slice) + 16);
  offset = MIN (from, to);
  for (p = slice; *p != '\0'; p = g_utf8_next_char (p), offset++)
    {
      if (i < self->breaks->len && g_array_index (self->breaks, guint, i) == offset)
        {
          g_string_append_unichar (text, mg_document_get_chars (self->document, NULL)[offset]);
          i++;
        }
      else
        {
          g_string_append_len (text, p, g_utf8_next_char (p) - p);
        }
    }

  return g_string_free (text, FALSE);
}

/* A copy takes the document's text: the characters shown as breaks too. */
static void
copy_clipboard_cb (MgReaderView *self)
{
  GtkTextBuffer   *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  g_autofree char *copy = NULL;
  GtkTextIter      start, end;

  if (self->breaks->len == 0 || !gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    return;

  g_signal_stop_emission_by_name (self, "copy-clipboard");
  copy = mg_reader_view_get_slice (self, &start, &end);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), copy);
}

static void
update_break_spacing (MgReaderView *self)
{
  g_object_set (self->continues_tag,
                "pixels-below-lines", gtk_text_view_get_pixels_inside_wrap (GTK_TEXT_VIEW (self)),
                NULL);
}

void
mg_reader_view_init_text (MgReaderView *self)
{
  GtkTextBuffer   *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);

  /* A reader has nothing to undo; with undo, each chunk appended would be
   * kept a second time in the buffer's history. */
  gtk_text_buffer_set_enable_undo (buffer, FALSE);

  self->open_spans = g_array_new (FALSE, FALSE, sizeof (guint));
  self->breaks = g_array_new (FALSE, FALSE, sizeof (guint));
  self->next_break = NO_BREAK;

  /* Paragraph spacing: above every other tag that sets it. */
  self->continued_tag = gtk_text_buffer_create_tag (buffer, "mg-continued", "pixels-above-lines", 0, NULL);
  self->continues_tag = gtk_text_buffer_create_tag (buffer, "mg-continues", NULL);
  gtk_text_tag_set_priority (self->continued_tag, gtk_text_tag_table_get_size (table) - 1);
  gtk_text_tag_set_priority (self->continues_tag, gtk_text_tag_table_get_size (table) - 1);
  update_break_spacing (self);
  g_signal_connect (self, "notify::pixels-inside-wrap", G_CALLBACK (update_break_spacing), NULL);

  g_signal_connect (self, "copy-clipboard", G_CALLBACK (copy_clipboard_cb), NULL);
}

void
mg_reader_view_dispose_text (MgReaderView *self)
{
  g_clear_handle_id (&self->text_source, g_source_remove);
}

void
mg_reader_view_finalize_text (MgReaderView *self)
{
  g_clear_pointer (&self->first_screen, g_free);
  g_clear_pointer (&self->open_spans, g_array_unref);
  g_clear_pointer (&self->breaks, g_array_unref);
}
