/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-note-markup"

#include "config.h"

#include <cmark.h>
#include <string.h>

#include "mg-note-markup.h"

/* A note as the user wrote it (Markdown) turned into Pango markup, for the
 * sidebar's rows and the tooltip over a highlight: bold, italic, code and
 * links shown as such, and everything else escaped, so that "<b>" or "&"
 * typed in a note are shown as typed. The note is parsed with cmark, as
 * the Markdown documents are. Rows want it on one line, cut after a number
 * of characters; a cut closes every element still open. Links are GtkLabel
 * links (hand cursor, the URL as their tooltip) where the label shows
 * them, and underlined text in a tooltip, which cannot be clicked. */

typedef struct
{
  GString          *out;
  GPtrArray        *open; /* closing tags, innermost last */
  MgNoteMarkupFlags flags;
  guint             max_chars;
  guint             n_chars;
  gboolean          pending_space;
  gboolean          cut;
} Markup;

static gboolean
one_line (Markup *m)
{
  return (m->flags & MG_NOTE_MARKUP_ONE_LINE) != 0;
}

/* Shown text, escaped; white space runs become one space on one line. */
static void
append_text (Markup     *m,
             const char *text)
{
  for (const char *p = text; *p != '\0' && !m->cut; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      char     buf[8];
      int      len;

      if (g_unichar_isspace (c) && (one_line (m) || c != '\n'))
        {
          m->pending_space = m->n_chars > 0;
          continue;
        }

      if (m->n_chars >= m->max_chars)
        {
          g_string_append (m->out, "…");
          m->cut = TRUE;
          return;
        }

      if (m->pending_space)
        {
          g_string_append_c (m->out, ' ');
          m->n_chars++;
          m->pending_space = FALSE;
        }

      len = g_unichar_to_utf8 (c, buf);
      buf[len] = '\0';
      if (c == '<')
        g_string_append (m->out, "&lt;");
      else if (c == '>')
        g_string_append (m->out, "&gt;");
      else if (c == '&')
        g_string_append (m->out, "&amp;");
      else
        g_string_append (m->out, buf);
      m->n_chars++;
    }
}

/* A break between blocks: a space on one line, else a new line. */
static void
append_break (Markup     *m,
              const char *lines)
{
  if (m->n_chars == 0 || m->cut)
    return;

  if (one_line (m))
    {
      m->pending_space = TRUE;
      return;
    }

  m->pending_space = FALSE;
  while (m->out->len > 0 && m->out->str[m->out->len - 1] == '\n')
    g_string_truncate (m->out, m->out->len - 1);
  g_string_append (m->out, lines);
}

static void
open_element (Markup     *m,
              const char *open,
              const char *close)
{
  if (m->cut)
    return;

  /* A space before an element goes before its tag. */
  if (m->pending_space && m->n_chars > 0)
    {
      g_string_append_c (m->out, ' ');
      m->n_chars++;
      m->pending_space = FALSE;
    }
  g_string_append (m->out, open);
  g_ptr_array_add (m->open, g_strdup (close));
}

static void
close_element (Markup *m)
{
  if (m->cut || m->open->len == 0)
    return;

  g_string_append (m->out, g_ptr_array_index (m->open, m->open->len - 1));
  g_ptr_array_remove_index (m->open, m->open->len - 1);
}

static void
open_link (Markup     *m,
           cmark_node *node)
{
  const char *url = cmark_node_get_url (node);

  if ((m->flags & MG_NOTE_MARKUP_LINKS) != 0 && url != NULL && *url != '\0')
    {
      g_autofree char *escaped = g_markup_escape_text (url, -1);
      g_autofree char *open = g_strdup_printf ("<a href=\"%s\" title=\"%s\">", escaped, escaped);

      open_element (m, open, "</a>");
    }
  else
    {
      open_element (m, "<u>", "</u>");
    }
}

static void
visit (Markup          *m,
       cmark_node      *node,
       cmark_event_type event)
{
  gboolean entering = event == CMARK_EVENT_ENTER;

  switch (cmark_node_get_type (node))
    {
    case CMARK_NODE_TEXT:
    case CMARK_NODE_HTML_INLINE:
      append_text (m, cmark_node_get_literal (node));
      break;

    case CMARK_NODE_CODE:
      open_element (m, "<tt>", "</tt>");
      append_text (m, cmark_node_get_literal (node));
      close_element (m);
      break;

    case CMARK_NODE_SOFTBREAK:
      m->pending_space = m->n_chars > 0;
      break;

    case CMARK_NODE_LINEBREAK:
      append_break (m, "\n");
      break;

    case CMARK_NODE_STRONG:
      if (entering)
        open_element (m, "<b>", "</b>");
      else
        close_element (m);
      break;

    case CMARK_NODE_EMPH:
      if (entering)
        open_element (m, "<i>", "</i>");
      else
        close_element (m);
      break;

    case CMARK_NODE_LINK:
      if (entering)
        open_link (m, node);
      else
        close_element (m);
      break;

    case CMARK_NODE_HEADING:
      if (entering)
        {
          append_break (m, "\n\n");
          open_element (m, "<b>", "</b>");
        }
      else
        {
          close_element (m);
        }
      break;

    case CMARK_NODE_PARAGRAPH:
      /* A list item's paragraphs follow its bullet. */
      if (entering && cmark_node_get_type (cmark_node_parent (node)) != CMARK_NODE_ITEM)
        append_break (m, "\n\n");
      break;

    case CMARK_NODE_ITEM:
      if (entering)
        {
          append_break (m, "\n");
          append_text (m, "•");
          m->pending_space = TRUE;
        }
      break;

    case CMARK_NODE_CODE_BLOCK:
    case CMARK_NODE_HTML_BLOCK:
      append_break (m, "\n\n");
      open_element (m, "<tt>", "</tt>");
      append_text (m, cmark_node_get_literal (node));
      close_element (m);
      break;

    case CMARK_NODE_THEMATIC_BREAK:
      append_break (m, "\n\n");
      break;

    default:
      /* Documents, lists, quotes, images (their alt text is their
       * children): their contents only. */
      break;
    }
}

/**
 * mg_note_markup:
 * @note: a note, in Markdown
 * @max_chars: the most characters shown; a cut ends with "…"
 * @flags: one line or several; links as links or as underlined text
 *
 * Returns: (transfer full): @note as Pango markup (with GtkLabel links if
 *   asked for)
 */
char *
mg_note_markup (const char       *note,
                guint             max_chars,
                MgNoteMarkupFlags flags)
{
  Markup           m = { g_string_new (NULL), g_ptr_array_new_with_free_func (g_free), flags, max_chars, 0, FALSE, FALSE };
  cmark_node      *document;
  cmark_iter      *iter;
  cmark_event_type event;

  g_return_val_if_fail (note != NULL, NULL);

  document = cmark_parse_document (note, strlen (note), CMARK_OPT_DEFAULT);
  iter = cmark_iter_new (document);
  while ((event = cmark_iter_next (iter)) != CMARK_EVENT_DONE && !m.cut)
    visit (&m, cmark_iter_get_node (iter), event);
  cmark_iter_free (iter);
  cmark_node_free (document);

  /* A cut leaves elements open. */
  while (m.open->len > 0)
    {
      g_string_append (m.out, g_ptr_array_index (m.open, m.open->len - 1));
      g_ptr_array_remove_index (m.open, m.open->len - 1);
    }
  g_ptr_array_unref (m.open);

  while (m.out->len > 0 && m.out->str[m.out->len - 1] == '\n')
    g_string_truncate (m.out, m.out->len - 1);

  return g_string_free (m.out, FALSE);
}
