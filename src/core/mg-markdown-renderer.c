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
          if (entering)
            mg_document_builder_begin_block (b);
          else
            mg_document_builder_end_block (b);
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

            if (literal != NULL)
              mg_document_builder_append_text (b, literal, strlen (literal));
          }
          break;

        case CMARK_NODE_SOFTBREAK:
          mg_document_builder_append_text (b, " ", 1);
          break;

        case CMARK_NODE_LINEBREAK:
          mg_document_builder_line_break (b);
          break;

        case CMARK_NODE_CODE:
          {
            const char *literal = cmark_node_get_literal (node);

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
          if (entering)
            mg_document_builder_open (b, MG_SPAN_EMPHASIS, 0, NULL);
          else
            mg_document_builder_close (b);
          break;

        case CMARK_NODE_STRONG:
          if (entering)
            mg_document_builder_open (b, MG_SPAN_STRONG, 0, NULL);
          else
            mg_document_builder_close (b);
          break;

        case CMARK_NODE_LINK:
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
