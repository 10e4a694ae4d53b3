/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "mg-document-loader.h"
#include "mg-document.h"
#include "mg-reader-view.h"
#include "mg-test-utils.h"

/* How the reader view shows the blocks of a Markdown or HTML document
 * that are not body text (mg-reader-view-blocks.c): a code block on a
 * tinted box with room after it, a quote after a list with a bar of its
 * own rather than as one more item, a table's columns aligned with its
 * header row bold, an image as a dim line with an icon. What is drawn is
 * checked on the pixels the view renders; the text stays the document's. */

#define SAMPLE                                            \
  "Some text before the code.\n\n"                        \
  "```\nint\nmain (void)\n```\n\n"                        \
  "A paragraph right after the code block.\n\n"           \
  "- First item\n- Second item\n\n"                       \
  "> A quote after the list.\n\n"                         \
  "<table>\n"                                             \
  "<thead><tr><th>Name</th><th>Count</th></tr></thead>\n" \
  "<tr><td>Apple</td><td>3</td></tr>\n"                   \
  "<tr><td>Banana long name</td><td>12</td></tr>\n"       \
  "</table>\n\n"                                          \
  "![A diagram of the flow](flow.png)\n\n"                \
  "The end.\n"

typedef struct
{
  GtkWindow    *window;
  MgReaderView *view;
  MgDocument   *document;
  GdkTexture   *texture;
  guchar       *pixels;
  int           width;
  int           height;
} Fixture;

static gboolean
painted (gpointer user_data)
{
  Fixture *fixture = user_data;

  return gtk_widget_get_mapped (GTK_WIDGET (fixture->view)) && !mg_reader_view_get_loading (fixture->view) && mg_reader_view_get_pending_chunks (fixture->view) == 0;
}

static guint
offset_of (Fixture    *fixture,
           const char *needle)
{
  const char *text = mg_document_get_text (fixture->document);
  const char *found = strstr (text, needle);

  g_assert_nonnull (found);

  return g_utf8_pointer_to_offset (text, found);
}

/* Where the character at @offset is, in the view's own coordinates. */
static void
char_location (Fixture      *fixture,
               guint         offset,
               GdkRectangle *rect)
{
  GtkTextIter iter;

  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (GTK_TEXT_VIEW (fixture->view)), &iter, offset);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (fixture->view), &iter, rect);
  gtk_text_view_buffer_to_window_coords (GTK_TEXT_VIEW (fixture->view), GTK_TEXT_WINDOW_WIDGET,
                                         rect->x, rect->y, &rect->x, &rect->y);
}

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;

  return G_SOURCE_CONTINUE;
}

static gboolean
two_frames (gpointer user_data)
{
  return *(guint *) user_data >= 2;
}

/* Waits for two frames of @widget: all it was asked to change is laid
 * out and drawn. */
static void
wait_for_frames (GtkWidget *widget)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, count_frame, &frames, NULL);

  gtk_widget_queue_draw (widget);
  g_assert_true (mg_test_iterate_until (two_frames, &frames, 10));
  gtk_widget_remove_tick_callback (widget, id);
}

/* The view as it is drawn, into fixture->pixels (B, G, R, A). */
static void
render (Fixture *fixture)
{
  GtkWidget *widget = GTK_WIDGET (fixture->view);
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot   *snapshot = gtk_snapshot_new ();
  GskRenderNode *node;

  wait_for_frames (widget);
  fixture->width = gtk_widget_get_width (widget);
  fixture->height = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, snapshot, fixture->width, fixture->height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  fixture->texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                                  &GRAPHENE_RECT_INIT (0, 0, fixture->width, fixture->height));
  gsk_render_node_unref (node);
  fixture->pixels = g_malloc ((gsize) fixture->width * fixture->height * 4);
  gdk_texture_download (fixture->texture, fixture->pixels, (gsize) fixture->width * 4);
}

static guint32
pixel (Fixture *fixture,
       int      x,
       int      y)
{
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, fixture->width);
  g_assert_cmpint (y, <, fixture->height);

  return *(guint32 *) (fixture->pixels + ((gsize) y * fixture->width + x) * 4);
}

/* The background where nothing is drawn: below the text, at @x. */
static guint32
background (Fixture *fixture,
            int      x)
{
  return pixel (fixture, x, fixture->height - 3);
}

static void
fixture_set_up (Fixture      *fixture,
                gconstpointer data)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (SAMPLE, strlen (SAMPLE));
  g_autoptr (GError) error = NULL;
  GtkWidget *scroller = gtk_scrolled_window_new ();

  fixture->document = mg_document_loader_load_bytes (bytes, "file:///tmp/blocks.md", NULL, MG_DOCUMENT_FORMAT_MARKDOWN, &error);
  g_assert_no_error (error);

  fixture->view = MG_READER_VIEW (mg_reader_view_new ());
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (fixture->view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (fixture->view), 28);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (fixture->view), 28);
  gtk_text_view_set_pixels_below_lines (GTK_TEXT_VIEW (fixture->view), 10);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (fixture->view));
  fixture->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture->window, 700, 800);
  gtk_window_set_child (fixture->window, scroller);
  gtk_window_present (fixture->window);
  mg_reader_view_set_document (fixture->view, fixture->document);

  g_assert_true (mg_test_iterate_until (painted, fixture, 30));
  mg_test_wait_for_idle (10);
  render (fixture);
}

static void
fixture_tear_down (Fixture      *fixture,
                   gconstpointer data)
{
  g_clear_object (&fixture->texture);
  g_clear_pointer (&fixture->pixels, g_free);
  gtk_window_destroy (fixture->window);
  g_clear_object (&fixture->document);
}

/* The text is the document's: nothing drawn is in it. */
static void
test_text_unchanged (Fixture      *fixture,
                     gconstpointer data)
{
  GtkTextBuffer   *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (fixture->view));
  g_autofree char *shown = NULL;
  GtkTextIter      start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  shown = gtk_text_buffer_get_slice (buffer, &start, &end, TRUE);
  g_assert_cmpstr (shown, ==, mg_document_get_text (fixture->document));
  g_assert_nonnull (strstr (shown, "Name\tCount\nApple\t3\n"));
}

/* A code block is on a box of its own colour, and the next paragraph is
 * a paragraph's spacing below the box, not right under the code. */
static void
test_code_block (Fixture      *fixture,
                 gconstpointer data)
{
  GdkRectangle first, last, next, before;
  int          x;

  char_location (fixture, offset_of (fixture, "int\n"), &first);
  char_location (fixture, offset_of (fixture, "main (void)"), &last);
  char_location (fixture, offset_of (fixture, "A paragraph right after"), &next);
  char_location (fixture, offset_of (fixture, "Some text before"), &before);

  /* In the right margin, which no text reaches but the box does: tinted
   * beside both lines and between them; beside the paragraphs before and
   * after: not. */
  x = fixture->width - 28 + 4;
  g_assert_cmphex (pixel (fixture, x, first.y + first.height / 2), !=, background (fixture, x));
  g_assert_cmphex (pixel (fixture, x, last.y + last.height / 2), !=, background (fixture, x));
  g_assert_cmphex (pixel (fixture, x, last.y - 1), !=, background (fixture, x));
  g_assert_cmphex (pixel (fixture, x, next.y + next.height / 2), ==, background (fixture, x));
  g_assert_cmphex (pixel (fixture, x, before.y + before.height / 2), ==, background (fixture, x));

  /* Room: inside the box above the first line and below the last, and
   * a paragraph's spacing (10 pixels here) after it. */
  g_assert_cmpint (first.y - (before.y + before.height), >=, 10 + 6);
  g_assert_cmpint (next.y - (last.y + last.height), >=, 10 + 6);
  g_assert_cmphex (pixel (fixture, x, next.y - 4), ==, background (fixture, x));
}

/* The quote after a list has a bar in its margin, which no list item
 * has, and room above it. */
static void
test_quote_after_list (Fixture      *fixture,
                       gconstpointer data)
{
  GdkRectangle quote, item;
  gboolean     bar = FALSE, item_bar = FALSE;

  char_location (fixture, offset_of (fixture, "A quote after"), &quote);
  char_location (fixture, offset_of (fixture, "Second item"), &item);

  for (int x = 28; x < quote.x; x++)
    bar |= pixel (fixture, x, quote.y + quote.height / 2) != background (fixture, x);
  for (int x = 28; x < item.x - 20; x++)
    item_bar |= pixel (fixture, x, item.y + item.height / 2) != background (fixture, x);
  g_assert_true (bar);
  g_assert_false (item_bar);
  g_assert_cmpint (quote.y - (item.y + item.height), >=, 10);
}

static gboolean
tag_sets (Fixture    *fixture,
          guint       offset,
          const char *property)
{
  GtkTextIter iter;
  g_autoptr (GSList) tags = NULL;
  g_autofree char *set = g_strconcat (property, "-set", NULL);

  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (GTK_TEXT_VIEW (fixture->view)), &iter, offset);
  tags = gtk_text_iter_get_tags (&iter);
  for (GSList *l = tags; l != NULL; l = l->next)
    {
      gboolean is_set = FALSE;

      g_object_get (l->data, set, &is_set, NULL);
      if (is_set)
        return TRUE;
    }

  return FALSE;
}

/* Each column starts at the same place on every row, past the widest
 * cell of the column before; the header row is bold, the others not. */
static void
test_table (Fixture      *fixture,
            gconstpointer data)
{
  GdkRectangle   count, three, twelve, widest_end;
  PangoTabArray *tabs;

  char_location (fixture, offset_of (fixture, "Count"), &count);
  char_location (fixture, offset_of (fixture, "3\nBanana"), &three);
  char_location (fixture, offset_of (fixture, "12"), &twelve);
  char_location (fixture, offset_of (fixture, "\t12"), &widest_end);

  g_assert_cmpint (count.x, ==, three.x);
  g_assert_cmpint (count.x, ==, twelve.x);
  g_assert_cmpint (count.x, >, widest_end.x);

  tabs = mg_reader_view_get_table_tabs (fixture->view, offset_of (fixture, "Apple"));
  g_assert_nonnull (tabs);
  pango_tab_array_free (tabs);
  g_assert_null (mg_reader_view_get_table_tabs (fixture->view, offset_of (fixture, "The end")));

  g_assert_true (tag_sets (fixture, offset_of (fixture, "Name"), "weight"));
  g_assert_true (tag_sets (fixture, offset_of (fixture, "Count"), "weight"));
  g_assert_false (tag_sets (fixture, offset_of (fixture, "Apple"), "weight"));
}

/* An image is a line of its own look: its alternative text dim and
 * italic, after an icon in its margin. */
static void
test_image (Fixture      *fixture,
            gconstpointer data)
{
  guint        offset = offset_of (fixture, "A diagram");
  GdkRectangle image, plain;
  int          drawn = 0;

  g_assert_true (tag_sets (fixture, offset, "style"));
  g_assert_true (tag_sets (fixture, offset, "foreground"));
  g_assert_false (tag_sets (fixture, offset_of (fixture, "The end"), "foreground"));

  char_location (fixture, offset, &image);
  char_location (fixture, offset_of (fixture, "The end"), &plain);
  g_assert_cmpint (image.x, >, plain.x + 16);
  for (int y = image.y; y < image.y + image.height; y++)
    for (int x = plain.x; x < image.x - 2; x++)
      drawn += pixel (fixture, x, y) != background (fixture, x);
  g_assert_cmpint (drawn, >, 10);
}

static gboolean
view_painted (gpointer user_data)
{
  MgReaderView *view = user_data;

  return gtk_widget_get_mapped (GTK_WIDGET (view)) && !mg_reader_view_get_loading (view);
}

/* The view's top margin at the first frame that draws it. */
typedef struct
{
  MgReaderView *view;
  int           first_margin;
} FirstMargin;

static void
first_margin_cb (GdkFrameClock *clock,
                 FirstMargin   *probe)
{
  if (probe->first_margin >= 0 || !gtk_widget_get_mapped (GTK_WIDGET (probe->view))
      || gtk_widget_get_width (GTK_WIDGET (probe->view)) <= 0)
    return;
  probe->first_margin = gtk_text_view_get_top_margin (GTK_TEXT_VIEW (probe->view));
}

static void
first_margin_realize_cb (GtkWidget   *window,
                         FirstMargin *probe)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (first_margin_cb), probe);
}

/* Shows @document in a view of its own; returns how many pixels above its
 * first line are not the background, and the view's top margin. Its very
 * first frame has that margin already: the headline's room is made as the
 * view is allocated, not a frame later, which drew the headline over the
 * text and then moved the text. */
static guint
drawn_above_text (MgDocument *document,
                  const char *expected_headline,
                  int        *top_margin)
{
  Fixture      fixture = { 0 };
  GtkWidget   *scroller = gtk_scrolled_window_new ();
  GdkRectangle first;
  guint        drawn = 0;
  FirstMargin  probe = { NULL, -1 };

  fixture.document = g_object_ref (document);
  fixture.view = MG_READER_VIEW (mg_reader_view_new ());
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (fixture.view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (fixture.view), 28);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (fixture.view), 20);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (fixture.view));
  fixture.window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (fixture.window, 500, 400);
  gtk_window_set_child (fixture.window, scroller);
  probe.view = fixture.view;
  g_signal_connect (fixture.window, "realize", G_CALLBACK (first_margin_realize_cb), &probe);
  mg_reader_view_set_document (fixture.view, document);
  gtk_window_present (fixture.window);
  g_assert_true (mg_test_iterate_until (view_painted, fixture.view, 30));
  mg_test_wait_for_idle (10);
  g_signal_handlers_disconnect_by_func (gtk_widget_get_frame_clock (GTK_WIDGET (fixture.window)), first_margin_cb, &probe);

  g_assert_cmpstr (mg_reader_view_get_headline (fixture.view), ==, expected_headline);
  *top_margin = gtk_text_view_get_top_margin (GTK_TEXT_VIEW (fixture.view));
  g_assert_cmpint (probe.first_margin, ==, *top_margin);

  render (&fixture);
  char_location (&fixture, 0, &first);
  for (int y = 0; y < first.y; y++)
    for (int x = 28; x < fixture.width - 40; x++)
      drawn += pixel (&fixture, x, y) != pixel (&fixture, 2, y);

  fixture_tear_down (&fixture, NULL);

  return drawn;
}

/* The sample article shows its headline as a heading at the top, above
 * its text, which stays byte for byte the text of article.txt; another
 * text with the same words has no headline. */
static void
test_bundled_headline (void)
{
  g_autoptr (MgDocument) bundled = mg_document_new_bundled ();
  g_autoptr (GBytes) file = g_resources_lookup_data (RESOURCE_PREFIX "/article.txt", 0, NULL);
  g_autoptr (MgDocument) plain = NULL;
  int margin = 0, plain_margin = 0;

  g_assert_nonnull (file);
  /* The file's text (a text's blank lines at its end are never shown):
   * the headline is not in it. */
  g_assert_cmpuint (mg_document_get_n_bytes (bundled), <=, g_bytes_get_size (file));
  g_assert_true (memcmp (mg_document_get_text (bundled), g_bytes_get_data (file, NULL), mg_document_get_n_bytes (bundled)) == 0);
  for (gsize i = mg_document_get_n_bytes (bundled); i < g_bytes_get_size (file); i++)
    g_assert_cmpint (((const char *) g_bytes_get_data (file, NULL))[i], ==, '\n');
  g_assert_false (g_str_has_prefix (mg_document_get_text (bundled), mg_document_get_title (bundled)));

  /* A heading's worth of pixels drawn above the first line. */
  g_assert_cmpuint (drawn_above_text (bundled, mg_document_get_title (bundled), &margin), >, 200);
  g_assert_cmpint (margin, >, 20 + 20);

  plain = mg_document_loader_load_bytes (file, "file:///tmp/article.txt", NULL, MG_DOCUMENT_FORMAT_TEXT, NULL);
  g_assert_nonnull (plain);
  g_assert_cmpuint (drawn_above_text (plain, NULL, &plain_margin), ==, 0);
  g_assert_cmpint (plain_margin, ==, 20);
}

/* A page of a thousand tables: the first ones are aligned, the rest keep
 * their text with the default tab stops, and the view takes no tag for
 * each. */
static void
test_many_tables (void)
{
  g_autoptr (GString) html = g_string_new ("<body>");
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (MgDocument) document = NULL;
  GtkWidget       *scroller = gtk_scrolled_window_new ();
  GtkWindow       *window = GTK_WINDOW (gtk_window_new ());
  MgReaderView    *view = MG_READER_VIEW (mg_reader_view_new ());
  GtkTextTagTable *tags = gtk_text_buffer_get_tag_table (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)));
  const char      *text;
  PangoTabArray   *tabs;

  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (html, "<table><tr><td>cell %u</td><td>x</td></tr></table>", i);
  g_string_append (html, "</body>");
  bytes = g_bytes_new (html->str, html->len);
  document = mg_document_loader_load_bytes (bytes, "file:///tmp/tables.html", NULL, MG_DOCUMENT_FORMAT_HTML, NULL);
  g_assert_nonnull (document);
  text = mg_document_get_text (document);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (view));
  gtk_window_set_child (window, scroller);
  gtk_window_present (window);
  mg_reader_view_set_document (view, document);
  g_assert_true (mg_test_iterate_until (view_painted, view, 30));

  tabs = mg_reader_view_get_table_tabs (view, g_utf8_pointer_to_offset (text, strstr (text, "cell 0\t")));
  g_assert_nonnull (tabs);
  pango_tab_array_free (tabs);
  g_assert_null (mg_reader_view_get_table_tabs (view, g_utf8_pointer_to_offset (text, strstr (text, "cell 999\t"))));
  g_assert_cmpint (gtk_text_tag_table_get_size (tags), <, 400);

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mg_test_isolate_user_dirs ("test-reader-blocks");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/reader-blocks/text-unchanged", Fixture, NULL, fixture_set_up, test_text_unchanged, fixture_tear_down);
  g_test_add ("/reader-blocks/code-block", Fixture, NULL, fixture_set_up, test_code_block, fixture_tear_down);
  g_test_add ("/reader-blocks/quote-after-list", Fixture, NULL, fixture_set_up, test_quote_after_list, fixture_tear_down);
  g_test_add ("/reader-blocks/table", Fixture, NULL, fixture_set_up, test_table, fixture_tear_down);
  g_test_add ("/reader-blocks/image", Fixture, NULL, fixture_set_up, test_image, fixture_tear_down);
  g_test_add_func ("/reader-blocks/bundled-headline", test_bundled_headline);
  g_test_add_func ("/reader-blocks/many-tables", test_many_tables);

  status = g_test_run ();
  mg_test_remove_user_dirs ();

  return status;
}
