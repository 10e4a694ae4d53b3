/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-markdown-renderer"

#include "config.h"

#include <cmark.h>
#include <string.h>

#include "mg-html-renderer.h"
#include "mg-markdown-renderer.h"

/*
 * The Markdown renderer: YAML front matter is read for its metadata
 * (mg-document-metadata.c) and not shown, the rest is parsed by libcmark
 * (CommonMark) and its tree walked into the document builder. Raw HTML blocks go to the HTML renderer.
 */

/* An image is shown as its alternative text, the text of its children, in
 * an image span: the view shows it as a placeholder. */
static void
append_image_alt (MgDocumentBuilder *builder,
                  cmark_node        *image)
{
  cmark_iter      *iter = cmark_iter_new (image);
  cmark_event_type event;
  g_autoptr (GString) alt = g_string_new (NULL);

  while ((event = cmark_iter_next (iter)) != CMARK_EVENT_DONE)
    {
      cmark_node *node = cmark_iter_get_node (iter);

      if (event != CMARK_EVENT_ENTER)
        continue;

      switch (cmark_node_get_type (node))
        {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
          g_string_append (alt, cmark_node_get_literal (node));
          break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
          g_string_append_c (alt, ' ');
          break;
        default:
          break;
        }
    }
  cmark_iter_free (iter);

  mg_document_builder_open (builder, MG_SPAN_IMAGE, 0, NULL);
  mg_document_builder_append_text (builder, alt->str, alt->len);
  mg_document_builder_close (builder);
}

static gboolean
is_html_line_break (const char *html)
{
  g_autofree char *lower = NULL;

  if (html == NULL)
    return FALSE;

  lower = g_ascii_strdown (html, -1);
  g_strstrip (lower);
  return strcmp (lower, "<br>") == 0 || strcmp (lower, "<br/>") == 0 || strcmp (lower, "<br />") == 0;
}

/* Pipe tables ------------------------------------------------------------ */

/* CommonMark (and so cmark 0.30) has no tables, but GitHub's pipe tables
 * are in every notebook: a paragraph whose first line has a '|' and whose
 * second line is only a delimiter row ("| --- | :-: |") is drawn as a
 * table, its rows as lines and its cells set off by tabs, the first row a
 * header; the delimiter row is not shown. The cells' inline content
 * (emphasis, code, links) is rendered as anywhere else. */

typedef struct
{
  cmark_node *paragraph; /* the table's paragraph, or NULL */
  cmark_node *delimiter; /* the text node of its delimiter row */
  guint       row;       /* the row being written, 0 is the header */
  gboolean    row_open;
} PipeTable;

static guint
count_columns (const char *line,
               gboolean    delimiter)
{
  g_autofree char *copy = g_strstrip (g_strdup (line));
  char            *p = copy;
  gsize            n = strlen (copy);
  guint            columns = 1;

  if (n > 0 && p[n - 1] == '|')
    p[--n] = '\0';
  if (*p == '|')
    p++;
  if (*p == '\0')
    return 0;

  for (; *p != '\0'; p++)
    {
      if (*p == '|')
        columns++;
      else if (delimiter && *p != '-' && *p != ':' && *p != ' ' && *p != '\t')
        return 0;
    }

  return columns;
}

static gboolean
is_delimiter_row (const char *line)
{
  /* Every cell needs at least one dash. */
  g_auto (GStrv) cells = NULL;
  g_autofree char *copy = g_strstrip (g_strdup (line));
  gsize            n = strlen (copy);
  char            *p = copy;

  if (n > 0 && p[n - 1] == '|')
    p[--n] = '\0';
  if (*p == '|')
    p++;
  cells = g_strsplit (p, "|", -1);
  for (guint i = 0; cells[i] != NULL; i++)
    if (strchr (cells[i], '-') == NULL)
      return FALSE;

  return count_columns (line, TRUE) > 0;
}

/* Whether @paragraph is a pipe table; sets @delimiter to the text node of
 * its delimiter row. */
static gboolean
is_pipe_table (cmark_node  *paragraph,
               cmark_node **delimiter)
{
  g_autoptr (GString) header = g_string_new (NULL);
  cmark_node *child = cmark_node_first_child (paragraph);
  cmark_node *row;

  /* The header line: anything up to the first line break, with a '|' in
   * one of its texts. */
  for (; child != NULL; child = cmark_node_next (child))
    {
      cmark_node_type type = cmark_node_get_type (child);

      if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK)
        break;
      if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE)
        g_string_append (header, cmark_node_get_literal (child));
      else
        g_string_append (header, "x");
    }
  if (child == NULL || strchr (header->str, '|') == NULL)
    return FALSE;

  /* The delimiter row: one text node, alone on its line. */
  row = cmark_node_next (child);
  if (row == NULL || cmark_node_get_type (row) != CMARK_NODE_TEXT)
    return FALSE;
  if (cmark_node_next (row) != NULL && cmark_node_get_type (cmark_node_next (row)) != CMARK_NODE_SOFTBREAK)
    return FALSE;
  if (!is_delimiter_row (cmark_node_get_literal (row)))
    return FALSE;
  if (count_columns (cmark_node_get_literal (row), TRUE) != count_columns (header->str, FALSE))
    return FALSE;

  /* No emphasis or link may run from one row into the next. */
  {
    cmark_iter      *iter = cmark_iter_new (paragraph);
    cmark_event_type event;
    gboolean         crosses = FALSE;

    while (!crosses && (event = cmark_iter_next (iter)) != CMARK_EVENT_DONE)
      {
        cmark_node     *node = cmark_iter_get_node (iter);
        cmark_node_type type = cmark_node_get_type (node);

        if ((type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) && cmark_node_parent (node) != paragraph)
          crosses = TRUE;
      }
    cmark_iter_free (iter);
    if (crosses)
      return FALSE;
  }

  *delimiter = row;
  return TRUE;
}

/* Before any content of a table's line: its row starts. */
static void
pipe_table_ensure_row (MgDocumentBuilder *b,
                       PipeTable         *table)
{
  if (table->paragraph == NULL || table->row_open)
    return;

  mg_document_builder_begin_block (b);
  if (table->row == 0)
    mg_document_builder_open (b, MG_SPAN_TABLE_HEADER, 0, NULL);
  table->row_open = TRUE;
}

static void
pipe_table_end_row (MgDocumentBuilder *b,
                    PipeTable         *table)
{
  if (!table->row_open)
    return;

  if (table->row == 0)
    mg_document_builder_close (b);
  mg_document_builder_end_block (b);
  table->row_open = FALSE;
  table->row++;
}

/* A text of a table's line: each '|' ends a cell (a leading or trailing
 * one adds nothing, the builder sets off only a cell after content). */
static void
pipe_table_append_text (MgDocumentBuilder *b,
                        const char        *literal)
{
  const char *p = literal;

  for (;;)
    {
      const char *bar = strchr (p, '|');

      if (bar == NULL)
        {
          mg_document_builder_append_text (b, p, strlen (p));
          return;
        }
      mg_document_builder_append_text (b, p, bar - p);
      mg_document_builder_cell (b);
      p = bar + 1;
    }
}

void
mg_markdown_render (MgDocumentBuilder   *b,
                    const char          *text,
                    gsize                len,
                    const char          *uri,
                    char               **title,
                    MgDocumentMetadata **metadata)
{
  cmark_node      *document;
  cmark_iter      *iter;
  cmark_event_type event;
  gsize            skip;
  PipeTable        table = { NULL };

  /* Front matter is not shown: CommonMark would render it as a rule and
   * a heading. Its title, if any, is the document's. */
  skip = mg_document_metadata_parse_front_matter (text, len, metadata);
  if (*metadata != NULL && (*metadata)->title != NULL)
    *title = g_strdup ((*metadata)->title);
  document = cmark_parse_document (text + skip, len - skip, CMARK_OPT_DEFAULT);
  iter = cmark_iter_new (document);

  while ((event = cmark_iter_next (iter)) != CMARK_EVENT_DONE)
    {
      cmark_node *node = cmark_iter_get_node (iter);
      gboolean    entering = event == CMARK_EVENT_ENTER;

      switch (cmark_node_get_type (node))
        {
        case CMARK_NODE_PARAGRAPH:
          if (entering && is_pipe_table (node, &table.delimiter))
            {
              table.paragraph = node;
              table.row = 0;
              table.row_open = FALSE;
              mg_document_builder_begin_block (b);
              mg_document_builder_open (b, MG_SPAN_TABLE, 0, NULL);
            }
          else if (entering)
            {
              mg_document_builder_begin_block (b);
            }
          else if (node == table.paragraph)
            {
              pipe_table_end_row (b, &table);
              mg_document_builder_close (b);
              mg_document_builder_end_block (b);
              table.paragraph = NULL;
            }
          else
            {
              mg_document_builder_end_block (b);
            }
          break;

        case CMARK_NODE_HEADING:
          if (entering)
            mg_document_builder_begin_heading (b, cmark_node_get_heading_level (node));
          else
            mg_document_builder_end_heading (b);
          break;

        case CMARK_NODE_BLOCK_QUOTE:
          if (entering)
            mg_document_builder_begin_quote (b);
          else
            mg_document_builder_end_quote (b);
          break;

        case CMARK_NODE_LIST:
          if (entering)
            mg_document_builder_begin_list (b, cmark_node_get_list_type (node) == CMARK_ORDERED_LIST,
                                            cmark_node_get_list_start (node),
                                            cmark_node_get_list_delim (node) == CMARK_PAREN_DELIM ? ')' : '.');
          else
            mg_document_builder_end_list (b);
          break;

        case CMARK_NODE_ITEM:
          if (entering)
            mg_document_builder_begin_item (b, 0);
          else
            mg_document_builder_end_item (b);
          break;

        case CMARK_NODE_CODE_BLOCK:
          {
            const char *literal = cmark_node_get_literal (node);
            gsize       n = literal != NULL ? strlen (literal) : 0;

            /* The literal ends with the newline of its last line. */
            while (n > 0 && literal[n - 1] == '\n')
              n--;
            mg_document_builder_begin_code_block (b);
            mg_document_builder_append_preformatted (b, literal, n);
            mg_document_builder_end_code_block (b);
          }
          break;

        case CMARK_NODE_HTML_BLOCK:
          mg_document_builder_begin_block (b);
          mg_html_render_fragment (b, cmark_node_get_literal (node), uri);
          mg_document_builder_end_block (b);
          break;

        case CMARK_NODE_THEMATIC_BREAK:
          mg_document_builder_rule (b);
          break;

        case CMARK_NODE_TEXT:
          {
            const char *literal = cmark_node_get_literal (node);

            if (table.paragraph != NULL)
              {
                if (node != table.delimiter && literal != NULL)
                  {
                    pipe_table_ensure_row (b, &table);
                    pipe_table_append_text (b, literal);
                  }
              }
            else if (literal != NULL)
              {
                mg_document_builder_append_text (b, literal, strlen (literal));
              }
          }
          break;

        case CMARK_NODE_SOFTBREAK:
          if (table.paragraph != NULL)
            pipe_table_end_row (b, &table);
          else
            mg_document_builder_append_text (b, " ", 1);
          break;

        case CMARK_NODE_LINEBREAK:
          if (table.paragraph != NULL)
            pipe_table_end_row (b, &table);
          else
            mg_document_builder_line_break (b);
          break;

        case CMARK_NODE_CODE:
          {
            const char *literal = cmark_node_get_literal (node);

            pipe_table_ensure_row (b, &table);
            mg_document_builder_open (b, MG_SPAN_CODE, 0, NULL);
            if (literal != NULL)
              mg_document_builder_append_text (b, literal, strlen (literal));
            mg_document_builder_close (b);
          }
          break;

        case CMARK_NODE_HTML_INLINE:
          /* Inline tags are dropped, their text stays; only <br> shows. */
          if (is_html_line_break (cmark_node_get_literal (node)))
            mg_document_builder_line_break (b);
          break;

        case CMARK_NODE_EMPH:
          pipe_table_ensure_row (b, &table);
          if (entering)
            mg_document_builder_open (b, MG_SPAN_EMPHASIS, 0, NULL);
          else
            mg_document_builder_close (b);
          break;

        case CMARK_NODE_STRONG:
          pipe_table_ensure_row (b, &table);
          if (entering)
            mg_document_builder_open (b, MG_SPAN_STRONG, 0, NULL);
          else
            mg_document_builder_close (b);
          break;

        case CMARK_NODE_LINK:
          pipe_table_ensure_row (b, &table);
          if (entering)
            {
              g_autofree char *url = mg_resolve_link (uri, cmark_node_get_url (node));

              mg_document_builder_open (b, MG_SPAN_LINK, 0, url);
            }
          else
            {
              mg_document_builder_close (b);
            }
          break;

        case CMARK_NODE_IMAGE:
          pipe_table_ensure_row (b, &table);
          if (entering)
            {
              append_image_alt (b, node);
              cmark_iter_reset (iter, node, CMARK_EVENT_EXIT);
            }
          break;

        case CMARK_NODE_DOCUMENT:
        case CMARK_NODE_CUSTOM_BLOCK:
        case CMARK_NODE_CUSTOM_INLINE:
        default:
          break;
        }
    }

  cmark_iter_free (iter);
  cmark_node_free (document);

  if (*title == NULL)
    *title = mg_document_builder_dup_heading_title (b);
}
