/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-html-renderer"

#include "config.h"

#include <libxml/HTMLparser.h>
#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <string.h>

#include "mg-html-private.h"
#include "mg-html-renderer.h"

/*
 * The HTML renderer: libxml2's HTML parser reads the page into a tree,
 * which is walked (without recursion) into the document builder. Which
 * parts of a page are shown is reader mode's to say
 * (mg-html-reader-mode.c). Nothing here touches the network: libxml2 runs
 * with HTML_PARSE_NONET and never loads a DTD, and links are only
 * recorded, never followed.
 */

#define HTML_OPTIONS (HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER | XML_PARSE_HUGE)

static const struct
{
  const char       *name;
  MgHtmlElementKind kind;
} element_kinds[] = {
  { "address", ELEMENT_BLOCK },
  { "article", ELEMENT_BLOCK },
  { "body", ELEMENT_BLOCK },
  { "caption", ELEMENT_BLOCK },
  { "center", ELEMENT_BLOCK },
  { "dd", ELEMENT_BLOCK },
  { "details", ELEMENT_BLOCK },
  { "div", ELEMENT_BLOCK },
  { "dl", ELEMENT_BLOCK },
  { "dt", ELEMENT_BLOCK },
  { "fieldset", ELEMENT_BLOCK },
  { "figcaption", ELEMENT_BLOCK },
  { "figure", ELEMENT_BLOCK },
  { "hgroup", ELEMENT_BLOCK },
  { "html", ELEMENT_BLOCK },
  { "legend", ELEMENT_BLOCK },
  { "main", ELEMENT_BLOCK },
  { "p", ELEMENT_BLOCK },
  { "section", ELEMENT_BLOCK },
  { "summary", ELEMENT_BLOCK },
  { "table", ELEMENT_BLOCK },
  { "tbody", ELEMENT_BLOCK },
  { "tfoot", ELEMENT_BLOCK },
  { "thead", ELEMENT_BLOCK },

  { "aside", ELEMENT_DROP },
  { "audio", ELEMENT_DROP },
  { "button", ELEMENT_DROP },
  { "canvas", ELEMENT_DROP },
  { "datalist", ELEMENT_DROP },
  { "dialog", ELEMENT_DROP },
  { "embed", ELEMENT_DROP },
  { "frameset", ELEMENT_DROP },
  { "head", ELEMENT_DROP },
  { "iframe", ELEMENT_DROP },
  { "input", ELEMENT_DROP },
  { "map", ELEMENT_DROP },
  { "meta", ELEMENT_DROP },
  { "nav", ELEMENT_DROP },
  { "noembed", ELEMENT_DROP },
  { "noframes", ELEMENT_DROP },
  { "noscript", ELEMENT_DROP },
  { "object", ELEMENT_DROP },
  { "option", ELEMENT_DROP },
  { "script", ELEMENT_DROP },
  { "select", ELEMENT_DROP },
  { "style", ELEMENT_DROP },
  { "svg", ELEMENT_DROP },
  { "template", ELEMENT_DROP },
  { "textarea", ELEMENT_DROP },
  { "title", ELEMENT_DROP },
  { "video", ELEMENT_DROP },

  { "form", ELEMENT_FORM },
  { "header", ELEMENT_CHROME },
  { "footer", ELEMENT_CHROME },

  { "h1", ELEMENT_HEADING },
  { "h2", ELEMENT_HEADING },
  { "h3", ELEMENT_HEADING },
  { "h4", ELEMENT_HEADING },
  { "h5", ELEMENT_HEADING },
  { "h6", ELEMENT_HEADING },
  { "listing", ELEMENT_PRE },
  { "plaintext", ELEMENT_PRE },
  { "pre", ELEMENT_PRE },
  { "xmp", ELEMENT_PRE },
  { "blockquote", ELEMENT_QUOTE },
  { "dir", ELEMENT_LIST },
  { "menu", ELEMENT_LIST },
  { "ul", ELEMENT_LIST },
  { "ol", ELEMENT_ORDERED_LIST },
  { "li", ELEMENT_ITEM },
  { "hr", ELEMENT_RULE },
  { "br", ELEMENT_BREAK },
  { "img", ELEMENT_IMAGE },
  { "amp-img", ELEMENT_IMAGE },
  { "a", ELEMENT_LINK },
  { "cite", ELEMENT_EMPHASIS },
  { "dfn", ELEMENT_EMPHASIS },
  { "em", ELEMENT_EMPHASIS },
  { "i", ELEMENT_EMPHASIS },
  { "var", ELEMENT_EMPHASIS },
  { "b", ELEMENT_STRONG },
  { "strong", ELEMENT_STRONG },
  { "code", ELEMENT_CODE },
  { "kbd", ELEMENT_CODE },
  { "samp", ELEMENT_CODE },
  { "tt", ELEMENT_CODE },
  { "tr", ELEMENT_ROW },
  { "td", ELEMENT_CELL },
  { "th", ELEMENT_CELL },
  { "q", ELEMENT_QUOTATION },
};

MgHtmlElementKind
mg_html_element_kind (const xmlNode *node)
{
  static GHashTable *kinds;

  if (g_once_init_enter (&kinds))
    {
      GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint i = 0; i < G_N_ELEMENTS (element_kinds); i++)
        g_hash_table_insert (table, (gpointer) element_kinds[i].name,
                             GINT_TO_POINTER (element_kinds[i].kind));
      g_once_init_leave (&kinds, table);
    }

  return GPOINTER_TO_INT (g_hash_table_lookup (kinds, node->name));
}

gboolean
mg_html_is_element (const xmlNode *node,
                    const char    *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE && strcmp ((const char *) node->name, name) == 0;
}

/* An attribute's value, or NULL; the HTML parser lower-cases names. The
 * parser stores a value as one text node, entities decoded, so it is read
 * in place: these lookups run for every element, twice. Only an odd value
 * of several nodes is copied, into @storage. */
const char *
mg_html_attribute_value (xmlNode    *node,
                         const char *name,
                         char      **storage)
{
  for (xmlAttr *attr = node->properties; attr != NULL; attr = attr->next)
    {
      xmlChar *value;

      if (attr->ns != NULL || strcmp ((const char *) attr->name, name) != 0)
        continue;
      if (attr->children == NULL)
        return "";
      if (attr->children->next == NULL && attr->children->type == XML_TEXT_NODE)
        return (const char *) attr->children->content;

      value = xmlNodeListGetString (node->doc, attr->children, 1);
      *storage = g_strdup (value != NULL ? (const char *) value : "");
      xmlFree (value);
      return *storage;
    }

  return NULL;
}

char *
mg_html_get_attribute (xmlNode    *node,
                       const char *name)
{
  g_autofree char *storage = NULL;

  return g_strdup (mg_html_attribute_value (node, name, &storage));
}

/* Whether an attribute's value is @value, ignoring case and white space
 * around it. */
gboolean
mg_html_attribute_equals (xmlNode    *node,
                          const char *name,
                          const char *value)
{
  g_autofree char *storage = NULL;
  const char      *actual = mg_html_attribute_value (node, name, &storage);
  gsize            len = strlen (value);

  if (actual == NULL)
    return FALSE;

  while (mg_is_html_space (*actual))
    actual++;
  if (g_ascii_strncasecmp (actual, value, len) != 0)
    return FALSE;
  for (actual += len; *actual != '\0'; actual++)
    if (!mg_is_html_space (*actual))
      return FALSE;

  return TRUE;
}

/* Walks the tree under @root without recursion, so that no page, however
 * deeply nested, can exhaust the stack. @enter returns whether to go into
 * a node; @leave is called for every node gone into. */
void
mg_html_walk (xmlNode        *root,
              MgHtmlEnterFunc enter,
              MgHtmlLeaveFunc leave,
              gpointer        data)
{
  xmlNode *node = root;

  if (root == NULL)
    return;

  for (;;)
    {
      if (enter (node, data))
        {
          if (node->children != NULL)
            {
              node = node->children;
              continue;
            }
          if (leave != NULL)
            leave (node, data);
        }

      while (node != root && node->next == NULL)
        {
          node = node->parent;
          if (leave != NULL)
            leave (node, data);
        }
      if (node == root)
        break;
      node = node->next;
    }
}

static gboolean
is_element (xmlNode    *node,
            const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE && g_ascii_strcasecmp ((const char *) node->name, name) == 0;
}

/* A table row is a header row in <thead>, or when its cells are all <th>:
 * the view shows it bold. Asked on entering and on leaving the row, with
 * the same answer, so that the span opened is the span closed. */
static gboolean
is_header_row (xmlNode *row)
{
  gboolean has_cell = FALSE;

  if (is_element (row->parent, "thead"))
    return TRUE;

  for (xmlNode *child = row->children; child != NULL; child = child->next)
    {
      if (is_element (child, "td"))
        return FALSE;
      if (is_element (child, "th"))
        has_cell = TRUE;
    }

  return has_cell;
}

/* Pass three: the text. */
static gboolean
render_enter (xmlNode *node,
              gpointer data)
{
  MgHtmlContext     *ctx = data;
  MgDocumentBuilder *b = ctx->builder;
  MgHtmlElementKind  kind;

  if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
    {
      if (node->content != NULL)
        mg_document_builder_append_text (b, (const char *) node->content, strlen ((const char *) node->content));
      return FALSE;
    }

  if (node->type != XML_ELEMENT_NODE)
    return FALSE;

  kind = mg_html_element_kind (node);
  if (mg_html_should_drop (ctx, node, kind))
    return FALSE;

  switch (kind)
    {
    case ELEMENT_BLOCK:
    case ELEMENT_FORM:
    case ELEMENT_CHROME:
      mg_document_builder_begin_block (b);
      if (is_element (node, "table"))
        mg_document_builder_open (b, MG_SPAN_TABLE, 0, NULL);
      break;

    case ELEMENT_ROW:
      mg_document_builder_begin_block (b);
      if (is_header_row (node))
        mg_document_builder_open (b, MG_SPAN_TABLE_HEADER, 0, NULL);
      break;

    case ELEMENT_HEADING:
      mg_document_builder_begin_heading (b, node->name[1] - '0');
      break;

    case ELEMENT_PRE:
      mg_document_builder_begin_code_block (b);
      break;

    case ELEMENT_QUOTE:
      mg_document_builder_begin_quote (b);
      break;

    case ELEMENT_LIST:
      mg_document_builder_begin_list (b, FALSE, 1, '.');
      break;

    case ELEMENT_ORDERED_LIST:
      {
        g_autofree char *start = mg_html_get_attribute (node, "start");

        mg_document_builder_begin_list (b, TRUE, start != NULL ? atoi (start) : 1, '.');
      }
      break;

    case ELEMENT_ITEM:
      {
        g_autofree char *value = mg_html_get_attribute (node, "value");

        mg_document_builder_begin_item (b, value != NULL ? atoi (value) : 0);
      }
      break;

    case ELEMENT_RULE:
      mg_document_builder_rule (b);
      return FALSE;

    case ELEMENT_BREAK:
      mg_document_builder_hard_break (b);
      return FALSE;

    case ELEMENT_IMAGE:
      mg_html_render_image (ctx, node);
      return FALSE;

    case ELEMENT_LINK:
      {
        g_autofree char *href = mg_html_get_attribute (node, "href");
        g_autofree char *url = mg_resolve_link (ctx->base, href);

        mg_document_builder_open (b, MG_SPAN_LINK, 0, url);
      }
      break;

    case ELEMENT_EMPHASIS:
      mg_document_builder_open (b, MG_SPAN_EMPHASIS, 0, NULL);
      break;

    case ELEMENT_STRONG:
      mg_document_builder_open (b, MG_SPAN_STRONG, 0, NULL);
      break;

    case ELEMENT_CODE:
      /* Inside <pre> the block is code already. */
      if (!mg_document_builder_in_preformatted (b))
        mg_document_builder_open (b, MG_SPAN_CODE, 0, NULL);
      break;

    case ELEMENT_CELL:
      mg_document_builder_cell (b);
      break;

    case ELEMENT_QUOTATION:
      mg_document_builder_append_content (b, "\u201C", strlen ("\u201C"));
      break;

    case ELEMENT_DROP:
    case ELEMENT_INLINE:
    default:
      break;
    }

  return TRUE;
}

static void
render_leave (xmlNode *node,
              gpointer data)
{
  MgHtmlContext     *ctx = data;
  MgDocumentBuilder *b = ctx->builder;

  switch (mg_html_element_kind (node))
    {
    case ELEMENT_BLOCK:
    case ELEMENT_FORM:
    case ELEMENT_CHROME:
      if (is_element (node, "table"))
        mg_document_builder_close (b);
      mg_document_builder_end_block (b);
      break;

    case ELEMENT_ROW:
      if (is_header_row (node))
        mg_document_builder_close (b);
      mg_document_builder_end_block (b);
      break;

    case ELEMENT_HEADING:
      mg_document_builder_end_heading (b);
      break;

    case ELEMENT_PRE:
      mg_document_builder_end_code_block (b);
      break;

    case ELEMENT_QUOTE:
      mg_document_builder_end_quote (b);
      break;

    case ELEMENT_LIST:
    case ELEMENT_ORDERED_LIST:
      mg_document_builder_end_list (b);
      break;

    case ELEMENT_ITEM:
      mg_document_builder_end_item (b);
      break;

    case ELEMENT_LINK:
    case ELEMENT_EMPHASIS:
    case ELEMENT_STRONG:
      mg_document_builder_close (b);
      break;

    case ELEMENT_CODE:
      if (!mg_document_builder_in_preformatted (b))
        mg_document_builder_close (b);
      break;

    case ELEMENT_QUOTATION:
      mg_document_builder_append_closing (b, "\u201D");
      break;

    case ELEMENT_RULE:
    case ELEMENT_BREAK:
    case ELEMENT_IMAGE:
    case ELEMENT_CELL:
    case ELEMENT_DROP:
    case ELEMENT_INLINE:
    default:
      break;
    }
}

static void
ensure_libxml (void)
{
  static gsize initialized;

  /* xmlInitParser() must run once before threads parse. */
  if (g_once_init_enter (&initialized))
    {
      xmlInitParser ();
      g_once_init_leave (&initialized, 1);
    }
}

/* The most attributes a start tag keeps. libxml2 checks each attribute of
 * a tag against all those before it, and appends it to a list it walks to
 * the end: quadratic in the attributes of one tag, over a minute for a tag
 * with 200,000. No page needs more than a few dozen; the rest of a tag
 * with more is dropped before parsing. */
#define MAX_ATTRIBUTES 128

/* Steps over the attributes of a start tag, from just after its name, as
 * the HTML tokenizer does (quoted values may hold '>'). Returns where the
 * tag ends (its '>', or @end); @cut is set to the end of the last
 * attribute kept when the tag has more than MAX_ATTRIBUTES, else NULL. */
static const char *
skip_attributes (const char  *p,
                 const char  *end,
                 const char **cut)
{
  guint n = 0;

  *cut = NULL;
  for (;;)
    {
      while (p < end && (mg_is_html_space (*p) || *p == '/'))
        p++;
      if (p >= end || *p == '>')
        return p;

      /* The name: at least one character. */
      do
        p++;
      while (p < end && !mg_is_html_space (*p) && *p != '>' && *p != '=' && *p != '/');
      while (p < end && mg_is_html_space (*p))
        p++;

      if (p < end && *p == '=')
        {
          p++;
          while (p < end && mg_is_html_space (*p))
            p++;
          if (p < end && (*p == '"' || *p == '\''))
            {
              const char *quote = memchr (p + 1, *p, end - p - 1);

              p = quote != NULL ? quote + 1 : end;
            }
          else
            {
              while (p < end && !mg_is_html_space (*p) && *p != '>')
                p++;
            }
        }

      if (++n == MAX_ATTRIBUTES)
        *cut = p;
    }
}

/* Where the text of a <script> or <style> (@name, @name_len long) ends:
 * at its end tag, since a '<' inside is no tag. */
static const char *
skip_raw_text (const char *p,
               const char *end,
               const char *name,
               gsize       name_len)
{
  while ((p = memchr (p, '<', end - p)) != NULL)
    {
      if ((gsize) (end - p) >= name_len + 2 && p[1] == '/' && g_ascii_strncasecmp (p + 2, name, name_len) == 0)
        return p;
      p++;
    }

  return end;
}

/* A copy of @text with the attributes beyond MAX_ATTRIBUTES dropped from
 * every start tag that has more, or NULL when no tag has: one pass, which
 * follows tags, comments and the raw text of scripts and styles. */
static GString *
limit_attributes (const char *text,
                  gsize       len)
{
  const char *end = text + len;
  const char *copied = text;
  const char *p = text;
  GString    *out = NULL;

  while (p < end && (p = memchr (p, '<', end - p)) != NULL)
    {
      const char *name;
      const char *cut;
      gsize       name_len;

      p++;
      if (end - p >= 3 && memcmp (p, "!--", 3) == 0)
        {
          const char *close = g_strstr_len (p + 3, end - p - 3, "-->");

          p = close != NULL ? close + 3 : end;
          continue;
        }
      if (p >= end || !g_ascii_isalpha (*p))
        continue;

      name = p;
      while (p < end && !mg_is_html_space (*p) && *p != '>' && *p != '/')
        p++;
      name_len = p - name;

      p = skip_attributes (p, end, &cut);
      if (cut != NULL)
        {
          if (out == NULL)
            out = g_string_sized_new (len);
          g_string_append_len (out, copied, cut - copied);
          copied = p;
        }

      if ((name_len == 6 && g_ascii_strncasecmp (name, "script", 6) == 0) || (name_len == 5 && g_ascii_strncasecmp (name, "style", 5) == 0))
        p = skip_raw_text (p, end, name, name_len);
    }

  if (out != NULL)
    g_string_append_len (out, copied, end - copied);

  return out;
}

/* Parses with a context of our own rather than htmlReadMemory() only to
 * keep every white-space text node: the HTML parser drops some it judges
 * "blank" (between two unknown elements), and white space between two
 * words is a space in the text. Options as htmlReadMemory() would get
 * them; the encoding is always UTF-8, since the bytes were decoded
 * before, so a <meta charset> cannot make the parser decode them again. */
static xmlDoc *
parse_html (const char *text,
            gsize       len,
            const char *uri)
{
  g_autoptr (GString) limited = NULL;
  htmlParserCtxtPtr ctxt;
  xmlDoc           *doc;

  limited = limit_attributes (text, len);
  if (limited != NULL)
    {
      text = limited->str;
      len = limited->len;
    }

  if (len == 0 || len > G_MAXINT)
    return NULL;

  ensure_libxml ();

  ctxt = htmlNewParserCtxt ();
  if (ctxt == NULL)
    return NULL;

  ctxt->sax->ignorableWhitespace = xmlSAX2Characters;
  doc = htmlCtxtReadMemory (ctxt, text, (int) len, uri, "UTF-8", HTML_OPTIONS);
  htmlFreeParserCtxt (ctxt);

  return doc;
}

void
mg_html_render (MgDocumentBuilder   *builder,
                const char          *text,
                gsize                len,
                const char          *uri,
                char               **title,
                MgDocumentMetadata **metadata)
{
  MgHtmlContext ctx;
  xmlDoc       *doc;
  xmlNode      *root;
  xmlNode      *content;

  doc = parse_html (text, len, uri);
  root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;
  if (root == NULL)
    {
      g_clear_pointer (&doc, xmlFreeDoc);
      return;
    }

  mg_html_context_init (&ctx, builder, uri);
  mg_html_scan (&ctx, root);

  content = mg_html_choose_content_root (&ctx, root);
  mg_html_walk (content, render_enter, render_leave, &ctx);

  /* Chrome and hidden rules that swallowed everything were wrong about
   * this page. */
  if (mg_document_builder_is_empty (builder))
    {
      ctx.lenient = TRUE;
      mg_document_builder_drop_pending (builder);
      mg_html_walk (ctx.body != NULL ? ctx.body : root, render_enter, render_leave, &ctx);
    }

  *metadata = mg_html_read_metadata (root, uri);
  if ((*metadata)->title != NULL)
    *title = g_strdup ((*metadata)->title);
  else if (ctx.og_title != NULL)
    *title = g_strdup (ctx.og_title);
  else if (ctx.title != NULL)
    *title = g_strdup (ctx.title);
  else
    *title = mg_document_builder_dup_heading_title (builder);

  mg_html_context_clear (&ctx);
  xmlFreeDoc (doc);
}

/* A raw HTML block inside Markdown: the same walk, over the fragment's
 * body, with no content selection. */
void
mg_html_render_fragment (MgDocumentBuilder *builder,
                         const char        *html,
                         const char        *uri)
{
  MgHtmlContext ctx;
  xmlDoc       *doc;
  xmlNode      *root;

  if (html == NULL)
    return;

  doc = parse_html (html, strlen (html), uri);
  root = doc != NULL ? xmlDocGetRootElement (doc) : NULL;
  if (root != NULL)
    {
      mg_html_context_init (&ctx, builder, uri);
      mg_html_scan (&ctx, root);
      mg_html_walk (ctx.body != NULL ? ctx.body : root, render_enter, render_leave, &ctx);
      mg_html_context_clear (&ctx);
    }

  g_clear_pointer (&doc, xmlFreeDoc);
}
