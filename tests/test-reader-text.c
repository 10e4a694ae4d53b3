/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "mg-application.h"
#include "mg-document-loader.h"
#include "mg-find-bar.h"
#include "mg-reader-view.h"
#include "mg-reading-positions.h"
#include "mg-test-utils.h"
#include "mg-window-private.h"

/* The reader view's text: a long document goes into the view in chunks
 * (the first screens at once, the rest in idle time), and paragraphs too
 * long to lay out at once are shown in pieces. Whatever the chunks and the
 * pieces, every offset in the view is the offset in the document, so
 * highlights, structure, reading positions and copies come out exact. */

/* As in mg-reader-view-text.c: paragraphs longer than PIECE are broken at
 * a space, runs without one at MAX_PIECE. */
#define PIECE 2048
#define MAX_PIECE 4096

static MgApplication *app;

static gboolean
iterate_until (MgTestCondition condition,
               gpointer        user_data)
{
  return mg_test_iterate_until (condition, user_data, 60);
}

static gboolean
text_loaded (gpointer user_data)
{
  return !mg_reader_view_get_loading (user_data);
}

static gboolean
all_painted (gpointer user_data)
{
  return !mg_reader_view_get_loading (user_data) && mg_reader_view_get_pending_chunks (user_data) == 0;
}

static gboolean
shows_document (gpointer user_data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (mg_window_get_text_view (user_data))) && g_strcmp0 (mg_window_get_page (user_data), "document") == 0;
}

static gboolean
annotations_loaded (gpointer user_data)
{
  return mg_window_get_annotations (user_data) != NULL;
}

static MgDocument *
document_from_string (GString         *text,
                      const char      *uri,
                      MgDocumentFormat format)
{
  g_autoptr (GBytes) bytes = g_bytes_new (text->str, text->len);
  g_autoptr (GError) error = NULL;
  MgDocument *document;

  document = mg_document_loader_load_bytes (bytes, uri, "Test", format, &error);
  g_assert_no_error (error);

  return document;
}

/* A text of @n_lines short lines: a book. */
static GString *
book_text (guint n_lines)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n_lines; i++)
    g_string_append_printf (text, "Verse %u: and the reader went on through the book, line after line.\n", i);

  return text;
}

/* A reader view alone in a window, without a store: what is set on it is
 * all it has. */
static MgReaderView *
new_view (GtkWindow **window)
{
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *view = mg_reader_view_new ();

  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (*window, 800, 600);
  gtk_window_set_child (*window, scroller);
  gtk_window_present (*window);

  return MG_READER_VIEW (view);
}

static gunichar
buffer_char_at (GtkTextBuffer *buffer,
                guint          offset)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset);

  return gtk_text_iter_get_char (&iter);
}

/* Every character of the view is the document's, but for those shown as
 * paragraph breaks; returns how many of those are spaces. */
static guint
assert_same_text (MgReaderView *view,
                  MgDocument   *document)
{
  GtkTextBuffer   *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  gsize            length = 0;
  const gunichar  *chars = mg_document_get_chars (document, &length);
  g_autofree char *shown = NULL;
  GtkTextIter      start, end;
  const char      *p;
  guint            breaks = 0, spaces = 0;

  g_assert_cmpint (gtk_text_buffer_get_char_count (buffer), ==, length);

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  shown = gtk_text_buffer_get_slice (buffer, &start, &end, TRUE);
  p = shown;
  for (gsize i = 0; i < length; i++, p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == chars[i])
        continue;
      g_assert_cmphex (c, ==, 0x2029);
      breaks++;
      if (chars[i] == ' ')
        spaces++;
    }
  g_assert_cmpuint (breaks, ==, mg_reader_view_get_n_breaks (view));

  /* No paragraph of the view is longer than can be laid out at once. */
  gtk_text_buffer_get_start_iter (buffer, &start);
  do
    g_assert_cmpint (gtk_text_iter_get_chars_in_line (&start), <=, MAX_PIECE + 1);
  while (gtk_text_iter_forward_line (&start));

  return spaces;
}

/* A line of a million characters and one of 100,000 without a space: each
 * is shown in pieces, broken at spaces where there are any; offsets are
 * the document's everywhere, and so are the highlights on them. */
static void
test_long_paragraphs (void)
{
  g_autoptr (GString) text = g_string_new ("A short first line.\n");
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotation) in_words = NULL;
  g_autoptr (MgAnnotation) in_signs = NULL;
  GtkWindow    *window;
  MgReaderView *view = new_view (&window);
  guint         words_start, signs_start, spaces;

  words_start = text->len;
  while (text->len - words_start < 1000000)
    g_string_append (text, "margin note ");
  g_string_append (text, "\nBetween.\n");
  signs_start = g_utf8_strlen (text->str, -1);
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (text, '&');
  g_string_append (text, "\nThe end.\n");
  document = document_from_string (text, "file:///tmp/long-lines.txt", MG_DOCUMENT_FORMAT_TEXT);

  mg_reader_view_set_document (view, document);
  mg_reader_view_set_annotations (view, list);
  g_assert_true (iterate_until (text_loaded, view));

  spaces = assert_same_text (view, document);
  /* A million characters in pieces of about PIECE, each broken at a space;
   * 100,000 signs broken where they must be. */
  g_assert_cmpuint (spaces, >=, 1000000 / PIECE);
  g_assert_cmpuint (mg_reader_view_get_n_breaks (view) - spaces, >=, 100000 / (MAX_PIECE + 1));

  /* Highlights across breaks, deep in both lines. */
  in_words = mg_annotation_new_for_range (document, words_start + 500000, words_start + 520000, MG_COLOR_GREEN);
  in_signs = mg_annotation_new_for_range (document, signs_start + 50000, signs_start + 70000, MG_COLOR_PINK);
  mg_annotation_list_add (list, in_words);
  mg_annotation_list_add (list, in_signs);
  g_assert_true (iterate_until (all_painted, view));
  g_assert_cmpint (mg_reader_view_get_color_at (view, words_start + 500000, NULL), ==, MG_COLOR_GREEN);
  g_assert_cmpint (mg_reader_view_get_color_at (view, words_start + 519999, NULL), ==, MG_COLOR_GREEN);
  g_assert_cmpint (mg_reader_view_get_color_at (view, words_start + 520000, NULL), ==, MG_N_COLORS);
  g_assert_cmpint (mg_reader_view_get_color_at (view, signs_start + 60000, NULL), ==, MG_COLOR_PINK);
  {
    g_autofree char *signs = g_strnfill (20000, '&');

    g_assert_cmpstr (mg_annotation_get_exact (in_signs), ==, signs);
  }
  {
    g_autoptr (MgAnnotation) found = mg_reader_view_get_annotation_at (view, signs_start + 69999);

    g_assert_true (found == in_signs);
  }

  gtk_window_destroy (window);
}

static void
clipboard_text_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static char *
copy_range (MgReaderView *view,
            guint         start,
            guint         end)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  GtkTextIter    s, e;
  char          *text = NULL;

  gtk_text_buffer_get_iter_at_offset (buffer, &s, start);
  gtk_text_buffer_get_iter_at_offset (buffer, &e, end);
  gtk_text_buffer_select_range (buffer, &s, &e);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "clipboard.copy", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (view)), NULL, clipboard_text_cb, &text);
  while (text == NULL)
    g_main_context_iteration (NULL, TRUE);

  return text;
}

/* A copy across the breaks is the document's text. */
static void
test_copy_across_breaks (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (MgDocument) document = NULL;
  GtkWindow      *window;
  MgReaderView   *view = new_view (&window);
  const gunichar *chars;
  gsize           length;
  guint           a = 0, b = 0;

  for (guint i = 0; i < 30000; i++)
    g_string_append (text, i % 2 ? "words " : "&&&&&&&&&&&&&&&&&&&&&&");
  document = document_from_string (text, "file:///tmp/copy.txt", MG_DOCUMENT_FORMAT_TEXT);
  mg_reader_view_set_document (view, document);
  g_assert_true (iterate_until (text_loaded, view));
  assert_same_text (view, document);
  g_assert_cmpuint (mg_reader_view_get_n_breaks (view), >, 2);

  /* From before the first break to after the second. */
  chars = mg_document_get_chars (document, &length);
  for (guint i = 0; i < length && b == 0; i++)
    if (buffer_char_at (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), i) == 0x2029)
      {
        if (a == 0)
          a = i;
        else
          b = i;
      }
  g_assert_cmpuint (chars[a], !=, 0x2029);
  {
    g_autofree char *copied = copy_range (view, a - 10, b + 10);
    const char      *first = g_utf8_offset_to_pointer (text->str, a - 10);
    const char      *last = g_utf8_offset_to_pointer (text->str, b + 10);
    g_autofree char *expected = g_strndup (first, last - first);

    g_assert_cmpstr (copied, ==, expected);
  }

  gtk_window_destroy (window);
}

static gboolean
search_done (gpointer user_data)
{
  return !mg_find_bar_is_searching (user_data);
}

static GtkEditable *
find_entry (GtkWidget *root)
{
  if (GTK_IS_SEARCH_ENTRY (root))
    return GTK_EDITABLE (root);

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkEditable *found = find_entry (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static guint
count_occurrences (const char *haystack,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;

  return n;
}

/* The find bar finds what the document says, across the breaks too. */
static void
test_find_across_breaks (void)
{
  g_autoptr (GString) text = g_string_new ("Start.\n");
  g_autoptr (MgDocument) document = NULL;
  GtkWindow    *window;
  MgReaderView *view = new_view (&window);
  GtkWidget    *scroller = gtk_window_get_child (window);
  GtkWidget    *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  MgFindBar    *bar = MG_FIND_BAR (mg_find_bar_new ());
  const char   *needles[] = { "gamma delta alpha", "jabc" };

  for (guint i = 0; i < 1000; i++)
    g_string_append (text, "alpha beta gamma delta ");
  g_string_append (text, "\n");
  for (guint i = 0; i < 1000; i++)
    g_string_append (text, "abcdefghij");
  g_string_append (text, "\n");
  document = document_from_string (text, "file:///tmp/find.txt", MG_DOCUMENT_FORMAT_TEXT);

  g_object_ref (scroller);
  gtk_window_set_child (window, box);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (bar));
  gtk_box_append (GTK_BOX (box), scroller);
  g_object_unref (scroller);
  mg_find_bar_set_view (bar, GTK_TEXT_VIEW (view));

  mg_reader_view_set_document (view, document);
  g_assert_true (iterate_until (text_loaded, view));
  g_assert_cmpuint (mg_reader_view_get_n_breaks (view), >=, 10);

  mg_find_bar_open (bar);
  for (guint i = 0; i < G_N_ELEMENTS (needles); i++)
    {
      gtk_editable_set_text (find_entry (GTK_WIDGET (bar)), needles[i]);
      g_signal_emit_by_name (find_entry (GTK_WIDGET (bar)), "search-changed");
      g_assert_true (iterate_until (search_done, bar));
      g_assert_cmpuint (mg_find_bar_get_n_matches (bar), ==, count_occurrences (text->str, needles[i]));
    }

  gtk_window_destroy (window);
}

/* A break looks like a wrapped line, not like a new paragraph: the pieces
 * are as far apart as two lines of one paragraph. */
static void
test_break_spacing (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (MgDocument) document = NULL;
  GtkWindow     *window;
  MgReaderView  *view = new_view (&window);
  GtkTextView   *text_view = GTK_TEXT_VIEW (view);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (text_view);
  GdkRectangle   before, after, line, next;
  GtkTextIter    iter;
  guint          at = 0;

  gtk_text_view_set_pixels_below_lines (text_view, 20);
  gtk_text_view_set_pixels_above_lines (text_view, 10);
  gtk_text_view_set_pixels_inside_wrap (text_view, 3);
  while (text->len < 3 * PIECE)
    g_string_append (text, "margin note ");
  document = document_from_string (text, "file:///tmp/spacing.txt", MG_DOCUMENT_FORMAT_TEXT);
  mg_reader_view_set_document (view, document);
  g_assert_true (iterate_until (text_loaded, view));
  g_assert_cmpuint (mg_reader_view_get_n_breaks (view), >=, 2);

  while (buffer_char_at (buffer, at) != 0x2029)
    at++;
  /* Laid out where the break is. */
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, at);
  gtk_text_view_scroll_to_iter (text_view, &iter, 0.0, TRUE, 0.0, 0.5);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);

  gtk_text_view_get_iter_location (text_view, &iter, &before);
  gtk_text_iter_forward_char (&iter);
  gtk_text_view_get_iter_location (text_view, &iter, &after);

  /* Two display lines inside the first piece. */
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, 10);
  gtk_text_view_get_iter_location (text_view, &iter, &line);
  g_assert_true (gtk_text_view_forward_display_line (text_view, &iter));
  gtk_text_view_get_iter_location (text_view, &iter, &next);

  /* Within a pixel: lines fall on fractional pixels. Paragraph spacing
   * would add 27 pixels. */
  g_assert_cmpint (ABS ((after.y - before.y) - (next.y - line.y)), <=, 1);

  gtk_window_destroy (window);
}

/* Highlights in the tail of a document still going into the view are
 * painted once their text is in, exactly where they belong; so is the
 * structure of a Markdown document, across the chunks. */
static void
test_tail_painted_after_chunks (void)
{
  g_autoptr (GString) text = book_text (60000);
  g_autoptr (MgDocument) document = document_from_string (text, "file:///tmp/book.txt", MG_DOCUMENT_FORMAT_TEXT);
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GPtrArray) many = g_ptr_array_new_with_free_func (g_object_unref);
  guint         length = mg_document_get_length (document);
  GtkWindow    *window;
  MgReaderView *view = new_view (&window);

  for (guint i = 0; i < 300; i++)
    {
      guint start = length - 30000 + i * 97;

      g_ptr_array_add (many, mg_annotation_new_for_range (document, start, start + 40, i % MG_N_COLORS));
    }
  g_ptr_array_add (many, mg_annotation_new_for_range (document, 3, 20, MG_COLOR_BLUE));
  mg_annotation_list_add_many (list, many);

  mg_reader_view_set_document (view, document);
  mg_reader_view_set_annotations (view, list);

  /* The first screens are in at once and painted; the tail is not in. */
  g_assert_true (mg_reader_view_get_loading (view));
  g_assert_cmpint (gtk_text_buffer_get_char_count (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view))), <, length);
  g_assert_cmpint (mg_reader_view_get_color_at (view, 5, NULL), ==, MG_COLOR_BLUE);

  g_assert_true (iterate_until (all_painted, view));
  assert_same_text (view, document);
  g_assert_cmpuint (mg_reader_view_get_n_breaks (view), ==, 0);
  /* Nothing to undo: the chunks are not kept a second time. */
  g_assert_false (gtk_text_buffer_get_can_undo (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view))));

  /* Everywhere in the tail, the colour of the newest highlight there. */
  for (guint o = length - 30000; o < length; o++)
    {
      MgColor expected = MG_N_COLORS;

      for (guint i = 0; i < 300; i++)
        {
          MgAnnotation *a = g_ptr_array_index (many, i);

          if (o >= mg_annotation_get_range_start (a) && o < mg_annotation_get_range_end (a))
            expected = mg_annotation_get_color (a);
        }
      if (mg_reader_view_get_color_at (view, o, NULL) != expected)
        g_error ("At %u: colour %d shown, %d expected", o, mg_reader_view_get_color_at (view, o, NULL), expected);
    }

  gtk_window_destroy (window);
}

static gboolean
tag_sets (GtkTextIter *iter,
          const char  *property)
{
  g_autoptr (GSList) tags = gtk_text_iter_get_tags (iter);

  for (GSList *l = tags; l != NULL; l = l->next)
    {
      g_autofree char *set = g_strconcat (property, "-set", NULL);
      gboolean         is_set = FALSE;

      g_object_get (l->data, set, &is_set, NULL);
      if (is_set)
        return TRUE;
    }

  return FALSE;
}

static void
test_structure_across_chunks (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (MgDocument) document = NULL;
  GtkTextBuffer *buffer;
  GtkWindow     *window;
  MgReaderView  *view = new_view (&window);
  const MgSpan  *spans;
  guint          n_spans = 0, checked = 0;

  for (guint i = 0; i < 400; i++)
    {
      g_string_append_printf (text, "## Chapter %u\n\nSome *emphasis* and **strong** words.\n\n", i);
      g_string_append (text, "- an item\n  - a nested item that goes on for a while\n\n```\n");
      for (guint l = 0; l < 40; l++)
        g_string_append (text, "code in a block, line after line\n");
      g_string_append (text, "```\n\n");
    }
  document = document_from_string (text, "file:///tmp/structure.md", MG_DOCUMENT_FORMAT_MARKDOWN);
  mg_reader_view_set_document (view, document);
  g_assert_true (mg_reader_view_get_loading (view));
  g_assert_true (iterate_until (text_loaded, view));
  assert_same_text (view, document);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  spans = mg_document_get_spans (document, &n_spans);
  for (guint i = 0; i < n_spans; i++)
    {
      const char *property = NULL;
      GtkTextIter first, last;

      switch (spans[i].kind)
        {
        case MG_SPAN_HEADING:
        case MG_SPAN_STRONG:
          property = "weight";
          break;
        case MG_SPAN_EMPHASIS:
          property = "style";
          break;
        case MG_SPAN_LIST_ITEM:
          property = "left-margin";
          break;
        case MG_SPAN_CODE_BLOCK:
          property = "family";
          break;
        default:
          continue;
        }
      gtk_text_buffer_get_iter_at_offset (buffer, &first, spans[i].start);
      gtk_text_buffer_get_iter_at_offset (buffer, &last, spans[i].end - 1);
      g_assert_true (tag_sets (&first, property));
      g_assert_true (tag_sets (&last, property));
      checked++;
    }
  g_assert_cmpuint (checked, >, 2000);

  gtk_window_destroy (window);
}

/* Another document while one is still going in: the view holds exactly
 * the new one. */
static void
test_replaced_while_loading (void)
{
  g_autoptr (GString) first = book_text (40000);
  g_autoptr (GString) second = book_text (20000);
  g_autoptr (MgDocument) a = document_from_string (first, "file:///tmp/a.txt", MG_DOCUMENT_FORMAT_TEXT);
  g_autoptr (MgDocument) b = NULL;
  GtkWindow    *window;
  MgReaderView *view = new_view (&window);

  g_string_prepend (second, "Another book.\n");
  b = document_from_string (second, "file:///tmp/b.txt", MG_DOCUMENT_FORMAT_TEXT);
  mg_reader_view_set_document (view, a);
  g_assert_true (mg_reader_view_get_loading (view));
  g_main_context_iteration (NULL, FALSE);
  mg_reader_view_set_document (view, b);
  g_assert_true (iterate_until (text_loaded, view));
  assert_same_text (view, b);

  gtk_window_destroy (window);
}

/* A reading position near the end of a long book: the text up to it is put
 * in at once, the view shows it first, and it stays there while the rest
 * goes in and the view measures the lines. */
static void
test_reading_position_near_end (void)
{
  g_autoptr (GString) text = book_text (20000);
  g_autofree char *path = g_build_filename (mg_test_get_user_dirs_root (), "near-end.txt", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (file);
  g_autoptr (MgDocument) document = NULL;
  MgWindow    *window = mg_window_new (GTK_APPLICATION (app));
  GtkTextView *view = mg_window_get_text_view (window);
  GdkRectangle visible, location;
  GtkTextIter  iter;
  guint        position;
  gboolean     seen_loading = FALSE;

  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
  document = mg_document_loader_load_file (file, NULL, NULL);
  g_assert_nonnull (document);
  /* The start of a line, 2,000 lines before the end. */
  position = mg_document_get_length (document) - 2000 * strlen ("Verse 18000: and the reader went on through the book, line after line.\n");
  while (mg_document_get_chars (document, NULL)[position - 1] != '\n')
    position--;
  mg_reading_positions_set_offset (mg_reading_positions_get_default (), uri, position);

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_present (GTK_WINDOW (window));
  mg_window_set_document (window, document);
  seen_loading = mg_reader_view_get_loading (MG_READER_VIEW (view));
  g_assert_true (iterate_until (shows_document, window));
  g_assert_true (seen_loading);

  g_assert_true (iterate_until (annotations_loaded, window));
  g_assert_true (iterate_until (text_loaded, view));
  /* Until the view has measured every line (in the background, at a
   * higher priority than this idle), or for a minute: under ASan on a busy
   * machine it may still be at it, and the position is held meanwhile. */
  mg_test_wait_for_idle (60);

  gtk_text_view_get_visible_rect (view, &visible);
  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (view), &iter, position);
  gtk_text_view_get_iter_location (view, &iter, &location);
  g_assert_cmpint (ABS (location.y - visible.y), <=, MAX (location.height, 1));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Annotations given to a text that never had a highlight, as at every
 * launch of a document without any, take no tag off it: that laid out
 * and drew the whole view again just after its first frame. Once one is
 * painted, new annotations do take the old ones off. */
static void
count_remove_tag_cb (GtkTextBuffer *buffer,
                     GtkTextTag    *tag,
                     GtkTextIter   *start,
                     GtkTextIter   *end,
                     guint         *count)
{
  (*count)++;
}

static void
test_no_removal_without_highlights (void)
{
  g_autoptr (GString) text = g_string_new ("");
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (MgAnnotationList) empty = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) one = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) other = mg_annotation_list_new ();
  g_autoptr (MgAnnotation) annotation = NULL;
  GtkWindow    *window;
  MgReaderView *view = new_view (&window);
  guint         removed = 0;

  for (guint i = 0; i < 200; i++)
    g_string_append_printf (text, "Paragraph %u of a text that is never highlighted.\n", i);
  document = document_from_string (text, "file:///tmp/no-highlights.txt", MG_DOCUMENT_FORMAT_TEXT);
  mg_reader_view_set_document (view, document);
  g_assert_true (iterate_until (text_loaded, view));
  g_signal_connect (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "remove-tag",
                    G_CALLBACK (count_remove_tag_cb), &removed);

  mg_reader_view_set_annotations (view, empty);
  g_assert_true (iterate_until (all_painted, view));
  g_assert_cmpuint (removed, ==, 0);

  annotation = mg_annotation_new_for_range (document, 10, 20, MG_COLOR_BLUE);
  mg_annotation_list_add (one, annotation);
  mg_reader_view_set_annotations (view, one);
  g_assert_true (iterate_until (all_painted, view));
  g_assert_cmpint (mg_reader_view_get_color_at (view, 15, NULL), ==, MG_COLOR_BLUE);

  /* Another document's list: the blue one goes. */
  removed = 0;
  mg_reader_view_set_annotations (view, other);
  g_assert_true (iterate_until (all_painted, view));
  g_assert_cmpuint (removed, >, 0);
  g_assert_cmpint (mg_reader_view_get_color_at (view, 15, NULL), ==, MG_N_COLORS);

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mg_test_isolate_user_dirs ("test-reader-text");

  gtk_test_init (&argc, &argv, NULL);

  app = mg_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/reader-text/long-paragraph/offsets-exact", test_long_paragraphs);
  g_test_add_func ("/reader-text/long-paragraph/copy-exact", test_copy_across_breaks);
  g_test_add_func ("/reader-text/long-paragraph/break-spaced-as-wrap", test_break_spacing);
  g_test_add_func ("/reader-text/long-paragraph/find-exact", test_find_across_breaks);
  g_test_add_func ("/reader-text/chunks/tail-highlights-painted", test_tail_painted_after_chunks);
  g_test_add_func ("/reader-text/chunks/no-removal-without-highlights", test_no_removal_without_highlights);
  g_test_add_func ("/reader-text/chunks/structure", test_structure_across_chunks);
  g_test_add_func ("/reader-text/chunks/replaced-while-loading", test_replaced_while_loading);
  g_test_add_func ("/reader-text/chunks/reading-position-near-end", test_reading_position_near_end);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  mg_test_remove_user_dirs ();

  return status;
}
