/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-reader-view"

#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "mg-reader-view-private.h"

/* How the blocks of a Markdown or HTML document look beyond what a tag
 * can say: part of MgReaderView (see mg-reader-view-private.h).
 *
 * Nothing here adds a character to the buffer, whose offsets are the
 * document's (highlights are anchored to them): code blocks get a tinted
 * box drawn under their lines, with room above and below; block quotes a
 * bar in their margin, so that a quote after a list does not read as one
 * more item; an image, shown as its alternative text, an image icon in
 * the margin of its line and a dim italic face; a table, its cells set off
 * by tabs in the text, tab stops measured from its widest cell in each
 * column, and its header row bold. The margin marks and the box are drawn
 * under the text, for the lines on screen only.
 *
 * The bundled article keeps its headline beside its text (article.ini),
 * so that the text stays byte for byte as written: the view draws the
 * headline as a first-level heading in a top margin made as tall as it. */

#define CODE_PADDING 8   /* above the first and below the last line of code */
#define CODE_INSET 12    /* the box's edge left of the code, right of the column */
#define QUOTE_BAR_GAP 14 /* from the bar to the quote's text */
#define QUOTE_BAR_WIDTH 3
#define IMAGE_ICON_SIZE 16
#define IMAGE_INDENT (IMAGE_ICON_SIZE + 8) /* an image line's text, past its icon */
#define CELL_GAP 24                        /* between a table's columns */
#define TABLE_ROW_SPACING 6
/* A hostile page of 100,000 tables or rows costs no more than this: the
 * tables after MAX_TABLES keep the default tab stops (their text is
 * there, unaligned), and columns are as wide as their widest cell in the
 * first MAX_MEASURED_ROWS rows. */
#define MAX_TABLES 256
#define MAX_MEASURED_ROWS 500
#define QUOTE_SPACING 10   /* above a quote, which may follow a list's tight items */
#define HEADLINE_SCALE 1.6 /* as a first-level heading */
#define HEADLINE_GAP 16    /* between the headline and the text */

typedef struct
{
  guint       start;
  guint       end;
  GtkTextTag *tag;
} Table;

static void
update_code_spacing (MgReaderView *self)
{
  /* Below the box, the paragraph spacing other blocks have. */
  g_object_set (self->code_bottom_tag,
                "pixels-below-lines", CODE_PADDING + gtk_text_view_get_pixels_below_lines (GTK_TEXT_VIEW (self)),
                NULL);
}

static void
update_image_color (MgReaderView *self)
{
  GdkRGBA dim;

  gdk_rgba_parse (&dim, adw_style_manager_get_dark (adw_style_manager_get_default ()) ? "rgba(255,255,255,0.6)" : "rgba(0,0,0,0.55)");
  g_object_set (self->image_tag, "foreground-rgba", &dim, NULL);
}

void
mg_reader_view_init_blocks (MgReaderView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));

  self->table_header_tag = gtk_text_buffer_create_tag (buffer, NULL, "weight", PANGO_WEIGHT_BOLD, NULL);
  self->image_tag = gtk_text_buffer_create_tag (buffer, NULL,
                                                "style", PANGO_STYLE_ITALIC,
                                                "indent", IMAGE_INDENT,
                                                NULL);
  self->table_row_tag = gtk_text_buffer_create_tag (buffer, NULL, "pixels-below-lines", TABLE_ROW_SPACING, NULL);
  self->quote_top_tag = gtk_text_buffer_create_tag (buffer, NULL, "pixels-above-lines", QUOTE_SPACING, NULL);
  /* After the code block's and the table's tags, so that they win over
   * their spacing. */
  self->code_top_tag = gtk_text_buffer_create_tag (buffer, NULL, "pixels-above-lines", CODE_PADDING, NULL);
  self->code_bottom_tag = gtk_text_buffer_create_tag (buffer, NULL, NULL, NULL);
  self->tables = g_array_new (FALSE, FALSE, sizeof (Table));

  update_code_spacing (self);
  g_signal_connect (self, "notify::pixels-below-lines", G_CALLBACK (update_code_spacing), NULL);
  update_image_color (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (update_image_color), self, G_CONNECT_SWAPPED);
}

/* Forgets the tables of the document shown before. */
void
mg_reader_view_reset_blocks (MgReaderView *self)
{
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)));

  g_clear_handle_id (&self->measure_source, g_source_remove);
  for (guint i = 0; i < self->tables->len; i++)
    gtk_text_tag_table_remove (table, g_array_index (self->tables, Table, i).tag);
  g_array_set_size (self->tables, 0);
}

void
mg_reader_view_dispose_blocks (MgReaderView *self)
{
  g_clear_handle_id (&self->measure_source, g_source_remove);
  g_clear_handle_id (&self->headline_source, g_source_remove);
}

void
mg_reader_view_finalize_blocks (MgReaderView *self)
{
  g_clear_pointer (&self->tables, g_array_unref);
  g_clear_pointer (&self->headline, g_free);
}

/* The tag of a block kind this file styles, or %NULL. */
GtkTextTag *
mg_reader_view_block_tag (MgReaderView *self,
                          const MgSpan *span)
{
  switch (span->kind)
    {
    case MG_SPAN_TABLE_HEADER:
      return self->table_header_tag;
    case MG_SPAN_IMAGE:
      return self->image_tag;
    default:
      return NULL;
    }
}

static guint
font_key (MgReaderView *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));

  return pango_font_description_hash (pango_context_get_font_description (context));
}

static int
cell_width (PangoLayout *layout,
            const char  *text,
            gsize        len)
{
  int width = 0;

  pango_layout_set_text (layout, text, (int) len);
  pango_layout_get_pixel_size (layout, &width, NULL);

  return width;
}

/* Sets the table's tab stops: each column as wide as its widest cell, in
 * the view's font as it is now, bold in header rows. */
static void
measure_table (MgReaderView *self,
               Table        *table)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  g_autoptr (PangoLayout) bold = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  g_autoptr (PangoAttrList) attrs = pango_attr_list_new ();
  g_autoptr (GArray) widths = g_array_new (FALSE, TRUE, sizeof (int));
  PangoTabArray *tabs;
  GtkTextIter    line, end;
  int            position = 0;

  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (bold, attrs);

  mg_reader_view_get_iters (self, table->start, table->end, &line, &end);
  for (guint row = 0; row < MAX_MEASURED_ROWS && gtk_text_iter_compare (&line, &end) < 0; row++)
    {
      GtkTextIter      line_end = line;
      g_autofree char *text = NULL;
      PangoLayout     *measure = gtk_text_iter_has_tag (&line, self->table_header_tag) ? bold : layout;
      const char      *cell;
      guint            column = 0;

      if (!gtk_text_iter_ends_line (&line_end))
        gtk_text_iter_forward_to_line_end (&line_end);
      if (gtk_text_iter_compare (&line_end, &end) > 0)
        line_end = end;
      text = gtk_text_buffer_get_slice (buffer, &line, &line_end, TRUE);

      cell = text;
      for (;;)
        {
          const char *tab = strchr (cell, '\t');
          gsize       len = tab != NULL ? (gsize) (tab - cell) : strlen (cell);
          int         width = cell_width (measure, cell, len);

          if (column >= widths->len)
            g_array_set_size (widths, column + 1);
          g_array_index (widths, int, column) = MAX (g_array_index (widths, int, column), width);
          if (tab == NULL)
            break;
          cell = tab + 1;
          column++;
        }

      if (!gtk_text_iter_forward_line (&line))
        break;
    }

  /* A stop after each column but the last. */
  tabs = pango_tab_array_new (MAX ((int) widths->len - 1, 1), TRUE);
  for (guint i = 0; i + 1 < widths->len; i++)
    {
      position += g_array_index (widths, int, i) + CELL_GAP;
      pango_tab_array_set_tab (tabs, (int) i, PANGO_TAB_LEFT, position);
    }
  if (widths->len < 2)
    pango_tab_array_set_tab (tabs, 0, PANGO_TAB_LEFT, CELL_GAP);
  g_object_set (table->tag, "tabs", tabs, NULL);
  pango_tab_array_free (tabs);
}

static void
measure_tables (MgReaderView *self)
{
  self->table_font_key = font_key (self);
  for (guint i = 0; i < self->tables->len; i++)
    measure_table (self, &g_array_index (self->tables, Table, i));
}

static gboolean
measure_tables_cb (gpointer user_data)
{
  MgReaderView *self = user_data;

  self->measure_source = 0;
  measure_tables (self);

  return G_SOURCE_REMOVE;
}

/* Tags the first character of the span's last line, which says how the
 * line is spaced. */
static void
tag_last_line (MgReaderView *self,
               const MgSpan *span,
               GtkTextTag   *tag)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter    start, end;

  gtk_text_buffer_get_iter_at_offset (buffer, &start, span->end - 1);
  gtk_text_iter_set_line_offset (&start, 0);
  end = start;
  gtk_text_iter_forward_char (&end);
  gtk_text_buffer_apply_tag (buffer, tag, &start, &end);
}

/* A span is all in the buffer: the blocks that need their whole text. */
void
mg_reader_view_block_ended (MgReaderView *self,
                            const MgSpan *span)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self));
  GtkTextIter    start, end;

  switch (span->kind)
    {
    case MG_SPAN_CODE_BLOCK:
      /* Paragraph spacing is the first character's: room above the
       * first line, below the last. */
      mg_reader_view_get_iters (self, span->start, span->start + 1, &start, &end);
      gtk_text_buffer_apply_tag (buffer, self->code_top_tag, &start, &end);
      tag_last_line (self, span, self->code_bottom_tag);
      break;

    case MG_SPAN_BLOCK_QUOTE:
      mg_reader_view_get_iters (self, span->start, span->start + 1, &start, &end);
      gtk_text_buffer_apply_tag (buffer, self->quote_top_tag, &start, &end);
      break;

    case MG_SPAN_TABLE:
      if (self->tables->len < MAX_TABLES)
        {
          Table table = { span->start, span->end, gtk_text_buffer_create_tag (buffer, NULL, NULL) };

          g_array_append_val (self->tables, table);
          measure_table (self, &g_array_index (self->tables, Table, self->tables->len - 1));
          self->table_font_key = font_key (self);
          mg_reader_view_get_iters (self, span->start, span->end, &start, &end);
          gtk_text_buffer_apply_tag (buffer, table.tag, &start, &end);
          gtk_text_buffer_apply_tag (buffer, self->table_row_tag, &start, &end);
          tag_last_line (self, span, self->code_bottom_tag);
        }
      break;

    default:
      break;
    }
}

gboolean
mg_reader_view_block_needs_end (const MgSpan *span)
{
  return span->kind == MG_SPAN_CODE_BLOCK || span->kind == MG_SPAN_TABLE || span->kind == MG_SPAN_BLOCK_QUOTE;
}

static void
get_fg_color (MgReaderView *self,
              double        alpha,
              GdkRGBA      *rgba)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), rgba);
  G_GNUC_END_IGNORE_DEPRECATIONS
  rgba->alpha *= alpha;
}

static void
draw_image_icon (MgReaderView *self,
                 GtkSnapshot  *snapshot,
                 GtkTextIter  *line)
{
  g_autoptr (GtkIconPaintable) icon = NULL;
  GdkRectangle location;
  GdkRGBA      color;

  icon = gtk_icon_theme_lookup_icon (gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (self))),
                                     "image-x-generic-symbolic", NULL, IMAGE_ICON_SIZE,
                                     gtk_widget_get_scale_factor (GTK_WIDGET (self)),
                                     gtk_widget_get_direction (GTK_WIDGET (self)), 0);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (self), line, &location);
  get_fg_color (self, 0.55, &color);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (location.x - IMAGE_ICON_SIZE - 8,
                                                location.y + (location.height - IMAGE_ICON_SIZE) / 2.0));
  gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (icon), snapshot,
                                            IMAGE_ICON_SIZE, IMAGE_ICON_SIZE, &color, 1);
  gtk_snapshot_restore (snapshot);
}

static void
draw_code_box (GtkSnapshot   *snapshot,
               const GdkRGBA *color,
               int            x,
               int            right,
               int            top,
               int            bottom)
{
  GskRoundedRect box;

  gsk_rounded_rect_init_from_rect (&box, &GRAPHENE_RECT_INIT (x, top, MAX (right - x, 0), MAX (bottom - top, 0)), 6);
  gtk_snapshot_push_rounded_clip (snapshot, &box);
  gtk_snapshot_append_color (snapshot, color, &box.bounds);
  gtk_snapshot_pop (snapshot);
}

/* The headline's layout for a view @view_width wide, in its font as it
 * is now. */
static PangoLayout *
headline_layout_for_width (MgReaderView *self,
                           int           view_width)
{
  GtkTextView   *view = GTK_TEXT_VIEW (self);
  PangoLayout   *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->headline);
  PangoAttrList *attrs = pango_attr_list_new ();
  int            width = view_width - gtk_text_view_get_left_margin (view) - gtk_text_view_get_right_margin (view);

  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_attr_list_insert (attrs, pango_attr_scale_new (HEADLINE_SCALE));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_width (layout, MAX (width, 1) * PANGO_SCALE);

  return layout;
}

/* The headline's layout at the view's width. */
static PangoLayout *
headline_layout (MgReaderView *self)
{
  return headline_layout_for_width (self, gtk_widget_get_width (GTK_WIDGET (self)));
}

/**
 * mg_reader_view_fit_headline:
 * @self: a #MgReaderView
 * @width: the width the view is being given
 *
 * Gives the headline its room above the text for @width, from the view's
 * size_allocate, before the text is laid out: when an idle did it after
 * the allocation, the view's first frame drew the headline over the text,
 * and a second one, a whole frame more, moved the text down. Setting the
 * margin queues a resize, which GTK lays out again in the same frame.
 */
void
mg_reader_view_fit_headline (MgReaderView *self,
                             int           width)
{
  int margin = self->base_top_margin;

  if (self->headline == NULL || width <= 0)
    return;

  {
    g_autoptr (PangoLayout) layout = headline_layout_for_width (self, width);
    int height = 0;

    pango_layout_get_pixel_size (layout, NULL, &height);
    self->headline_height = height;
    margin += height + HEADLINE_GAP;
  }

  if (gtk_text_view_get_top_margin (GTK_TEXT_VIEW (self)) != margin)
    gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self), margin);
}

/* The top margin: the view's own, and the headline's height above it.
 * Until the view has a width, the headline's lines are not known: its
 * first allocation measures them (mg_reader_view_fit_headline()). */
static gboolean
update_headline_margin_cb (gpointer user_data)
{
  MgReaderView *self = user_data;

  self->headline_source = 0;

  if (self->headline != NULL)
    mg_reader_view_fit_headline (self, gtk_widget_get_width (GTK_WIDGET (self)));
  else if (gtk_text_view_get_top_margin (GTK_TEXT_VIEW (self)) != self->base_top_margin)
    gtk_text_view_set_top_margin (GTK_TEXT_VIEW (self), self->base_top_margin);

  return G_SOURCE_REMOVE;
}

/* After a change of width or font: the headline may take more lines or
 * fewer. Not while GTK allocates: the margin is set from an idle. */
void
mg_reader_view_queue_headline (MgReaderView *self)
{
  if (self->headline == NULL || self->headline_source != 0)
    return;

  self->headline_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_headline_margin_cb, self, NULL);
}

/* A headline for the document just set: the bundled article's title. */
void
mg_reader_view_update_headline (MgReaderView *self)
{
  const char *headline = NULL;

  if (self->document != NULL && mg_document_is_bundled (self->document))
    headline = mg_document_get_title (self->document);

  if (g_strcmp0 (headline, self->headline) == 0)
    return;

  if (self->headline == NULL)
    self->base_top_margin = gtk_text_view_get_top_margin (GTK_TEXT_VIEW (self));
  g_free (self->headline);
  self->headline = g_strdup (headline);
  self->headline_height = 0;
  g_clear_handle_id (&self->headline_source, g_source_remove);
  update_headline_margin_cb (self);
}

static void
draw_headline (MgReaderView *self,
               GtkSnapshot  *snapshot)
{
  g_autoptr (PangoLayout) layout = headline_layout (self);
  GtkTextIter  first;
  GdkRectangle location;
  GdkRGBA      color;
  int          height = 0;

  pango_layout_get_pixel_size (layout, NULL, &height);
  if (height != self->headline_height)
    mg_reader_view_queue_headline (self);

  gtk_text_buffer_get_start_iter (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self)), &first);
  gtk_text_view_get_iter_location (GTK_TEXT_VIEW (self), &first, &location);
  get_fg_color (self, 1.0, &color);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (gtk_text_view_get_left_margin (GTK_TEXT_VIEW (self)),
                                                          location.y - HEADLINE_GAP - self->headline_height));
  gtk_snapshot_append_layout (snapshot, layout, &color);
  gtk_snapshot_restore (snapshot);
}

/**
 * mg_reader_view_get_headline:
 * @self: a #MgReaderView
 *
 * Returns: (nullable): the headline drawn above the text, which is not
 *   part of it (the bundled article's title)
 */
const char *
mg_reader_view_get_headline (MgReaderView *self)
{
  g_return_val_if_fail (MG_IS_READER_VIEW (self), NULL);

  return self->headline;
}

/* Draws under the text of the lines on screen: the boxes of code blocks,
 * the bars of quotes, the icons of images. In buffer coordinates. */
void
mg_reader_view_snapshot_blocks (MgReaderView *self,
                                GtkSnapshot  *snapshot)
{
  GtkTextView *view = GTK_TEXT_VIEW (self);
  GdkRectangle visible;
  GtkTextIter  line;
  GdkRGBA      box_color, bar_color;
  int          right, below;
  int          code_top = -1, code_bottom = 0, code_x = 0;

  if (self->headline != NULL)
    draw_headline (self, snapshot);

  if (self->document == NULL || mg_document_get_spans (self->document, NULL) == NULL)
    return;

  /* The view's font changed since the tables were measured. */
  if (self->tables->len > 0 && self->measure_source == 0 && font_key (self) != self->table_font_key)
    self->measure_source = g_idle_add (measure_tables_cb, self);

  gtk_text_view_get_visible_rect (view, &visible);
  right = visible.x + visible.width - gtk_text_view_get_right_margin (view) + CODE_INSET;
  below = gtk_text_view_get_pixels_below_lines (view);
  get_fg_color (self, 0.07, &box_color);
  get_fg_color (self, 0.3, &bar_color);

  gtk_text_view_get_line_at_y (view, &line, visible.y, NULL);
  for (;;)
    {
      GdkRectangle start;
      int          y, height;
      gboolean     code = gtk_text_iter_has_tag (&line, self->code_block_tag);

      gtk_text_view_get_line_yrange (view, &line, &y, &height);
      if (y > visible.y + visible.height)
        break;

      if (code || gtk_text_iter_has_tag (&line, self->quote_tag) || gtk_text_iter_has_tag (&line, self->image_tag))
        gtk_text_view_get_iter_location (view, &line, &start);

      if (code)
        {
          if (code_top < 0)
            {
              code_top = y;
              code_x = start.x - CODE_INSET;
            }
          code_bottom = y + height - (gtk_text_iter_has_tag (&line, self->code_bottom_tag) ? below : 0);
        }
      else if (code_top >= 0)
        {
          draw_code_box (snapshot, &box_color, code_x, right, code_top, code_bottom);
          code_top = -1;
        }

      if (!code && gtk_text_iter_has_tag (&line, self->quote_tag))
        gtk_snapshot_append_color (snapshot, &bar_color,
                                   &GRAPHENE_RECT_INIT (start.x - QUOTE_BAR_GAP - QUOTE_BAR_WIDTH, y,
                                                        QUOTE_BAR_WIDTH, height));

      if (gtk_text_iter_has_tag (&line, self->image_tag))
        draw_image_icon (self, snapshot, &line);

      if (!gtk_text_iter_forward_line (&line))
        break;
    }

  if (code_top >= 0)
    draw_code_box (snapshot, &box_color, code_x, right, code_top, code_bottom);
}

/**
 * mg_reader_view_get_table_tabs:
 * @self: a #MgReaderView
 * @offset: a code point in a table
 *
 * Returns: (transfer full) (nullable): the tab stops of the table at
 *   @offset, for tests
 */
PangoTabArray *
mg_reader_view_get_table_tabs (MgReaderView *self,
                               guint         offset)
{
  g_return_val_if_fail (MG_IS_READER_VIEW (self), NULL);

  for (guint i = 0; i < self->tables->len; i++)
    {
      const Table   *table = &g_array_index (self->tables, Table, i);
      PangoTabArray *tabs = NULL;

      if (offset < table->start || offset >= table->end)
        continue;
      g_object_get (table->tag, "tabs", &tabs, NULL);
      return tabs;
    }

  return NULL;
}
