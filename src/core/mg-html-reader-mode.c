/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-html-reader-mode"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mg-html-private.h"

/*
 * Reader mode for HTML pages: which elements are page chrome or hidden,
 * which element holds the article, what the title and the base of the
 * links are. mg-html-renderer.c asks these questions while it walks the
 * page into the document builder.
 *
 * What is shown of a page, as in a browser's reader mode:
 *
 *  - Never: script, style, noscript, template, head, iframe, svg, canvas,
 *    video, audio, object, embed, dialog, nav, aside, form controls, and
 *    comments. A <form> is dropped unless it holds the article or the
 *    <h1> (old ASP.NET pages wrap the whole page in one).
 *  - Page chrome: <header> and <footer> of the page (not those of an
 *    article or section, which hold its headline and byline, nor a page
 *    header that holds the <h1>), elements
 *    with a navigation, banner, contentinfo, complementary, search or
 *    dialog role, and elements whose class or id names page furniture
 *    (cookie, consent, newsletter, share, social, related, comments,
 *    advert, sidebar, breadcrumb, ...) unless it also names content
 *    (article, content, main, story, post, entry, body, text).
 *  - Hidden: the hidden attribute, aria-hidden="true", an inline style
 *    with display:none or visibility:hidden, and the usual hiding classes
 *    (hidden, sr-only, visually-hidden, screen-reader-text).
 *
 * Chrome and hidden rules never drop the content root or its ancestors: a
 * page saved with a cookie dialog open often has aria-hidden on the
 * wrapper of everything. If they still leave nothing, the page is
 * rendered again without them.
 *
 * The content root: the largest <article> when it holds at least half the
 * visible text of its <main> (or of the body, without a <main>): a news
 * page's story is one article, with teasers of other stories as small
 * ones; an index of posts has many articles of similar size, and is shown
 * whole. When the <h1> is outside that article but inside its <main>, the
 * <main> is the root, so the headline stays. Else the first <main> with
 * text, else the body.
 *
 * The title: og:title (the headline as the site shares it, without the
 * " | Site name" a <title> usually has), else <title>, else the first <h1>
 * of the content, else its first heading. Relative links resolve against
 * <base>, else, for a page saved to disk, the address it was saved from
 * (<link rel="canonical"> or og:url), else the file.
 */

void
mg_html_context_init (MgHtmlContext     *ctx,
                      MgDocumentBuilder *builder,
                      const char        *uri)
{
  memset (ctx, 0, sizeof *ctx);
  ctx->builder = builder;
  ctx->flags = g_hash_table_new (NULL, NULL);
  ctx->lengths = g_hash_table_new (NULL, NULL);
  ctx->articles = g_ptr_array_new ();
  ctx->mains = g_ptr_array_new ();
  ctx->uri = g_strdup (uri);
  ctx->base = g_strdup (uri);
  ctx->counts = g_array_new (FALSE, FALSE, sizeof (gsize));
  ctx->json_ld = g_ptr_array_new ();
  ctx->headlines = g_ptr_array_new ();
}

void
mg_html_context_clear (MgHtmlContext *ctx)
{
  g_hash_table_unref (ctx->flags);
  g_hash_table_unref (ctx->lengths);
  g_ptr_array_unref (ctx->articles);
  g_ptr_array_unref (ctx->mains);
  g_free (ctx->title);
  g_free (ctx->og_title);
  g_free (ctx->uri);
  g_free (ctx->base_href);
  g_free (ctx->canonical);
  g_free (ctx->base);
  g_array_unref (ctx->counts);
  g_ptr_array_unref (ctx->json_ld);
  g_ptr_array_unref (ctx->headlines);
  g_clear_pointer (&ctx->score, mg_html_score_free);
}

MgHtmlNodeFlags
mg_html_node_flags (MgHtmlContext *ctx,
                    xmlNode       *node)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (ctx->flags, node));
}

void
mg_html_mark (MgHtmlContext  *ctx,
              xmlNode        *node,
              MgHtmlNodeFlags flag)
{
  g_hash_table_insert (ctx->flags, node, GUINT_TO_POINTER (mg_html_node_flags (ctx, node) | flag));
}

/* Marks @node and its ancestors; stops at the first ancestor marked
 * already, so marking every article costs one walk over the tree. */
static void
mark_ancestors (MgHtmlContext  *ctx,
                xmlNode        *node,
                MgHtmlNodeFlags flag)
{
  for (; node != NULL && node->type == XML_ELEMENT_NODE; node = node->parent)
    {
      MgHtmlNodeFlags flags = mg_html_node_flags (ctx, node);

      if (flags & flag)
        break;
      g_hash_table_insert (ctx->flags, node, GUINT_TO_POINTER (flags | flag));
    }
}

/* An element's text, white space collapsed. */
char *
mg_html_node_text (xmlNode *node)
{
  xmlChar *content = xmlNodeGetContent (node);
  char    *text = mg_collapse_whitespace ((const char *) content);

  xmlFree (content);
  return text;
}

/* The elements inside which a <header> or <footer> is the article's or
 * section's own, not the page's. */
static gboolean
is_sectioning (const char *name)
{
  return strcmp (name, "article") == 0 || strcmp (name, "section") == 0 || strcmp (name, "main") == 0 || strcmp (name, "aside") == 0 || strcmp (name, "nav") == 0;
}

/* Pass one: the facts about the page, and the marks that protect the
 * content from the chrome rules. */
static gboolean
scan_enter (xmlNode *node,
            gpointer data)
{
  MgHtmlContext *ctx = data;
  const char    *name;

  if (node->type != XML_ELEMENT_NODE)
    return FALSE;

  name = (const char *) node->name;

  /* Whether a header or footer is inside a sectioning element is known
   * here, on the way down, for what asking each one's ancestors would
   * cost: that is quadratic in the depth of the page. */
  if (is_sectioning (name))
    ctx->sectioning_depth++;
  else if (ctx->sectioning_depth > 0 && mg_html_element_kind (node) == ELEMENT_CHROME)
    g_hash_table_insert (ctx->flags, node, GUINT_TO_POINTER (mg_html_node_flags (ctx, node) | FLAG_IN_SECTIONING));

  if (strcmp (name, "article") == 0 || mg_html_attribute_equals (node, "itemprop", "articleBody"))
    {
      g_ptr_array_add (ctx->articles, node);
      mark_ancestors (ctx, node, FLAG_HOLDS_CONTENT);
    }
  else if (strcmp (name, "main") == 0 || mg_html_attribute_equals (node, "role", "main"))
    {
      g_ptr_array_add (ctx->mains, node);
      mark_ancestors (ctx, node, FLAG_HOLDS_CONTENT);
    }
  else if (strcmp (name, "h1") == 0)
    {
      mark_ancestors (ctx, node, FLAG_HOLDS_TITLE);
      g_ptr_array_add (ctx->headlines, node);
    }
  else if (strcmp (name, "h2") == 0 || mg_html_attribute_equals (node, "itemprop", "headline") || mg_html_class_names_headline (node))
    {
      g_ptr_array_add (ctx->headlines, node);
    }
  else if (strcmp (name, "body") == 0 && ctx->body == NULL)
    {
      ctx->body = node;
    }
  else if (strcmp (name, "title") == 0 && ctx->title == NULL && mg_html_is_element (node->parent, "head"))
    {
      ctx->title = mg_html_node_text (node);
    }
  else if (strcmp (name, "meta") == 0 && ctx->og_title == NULL && (mg_html_attribute_equals (node, "property", "og:title") || mg_html_attribute_equals (node, "name", "og:title")))
    {
      g_autofree char *content = mg_html_get_attribute (node, "content");

      ctx->og_title = mg_collapse_whitespace (content);
    }
  else if (strcmp (name, "meta") == 0 && ctx->canonical == NULL && (mg_html_attribute_equals (node, "property", "og:url") || mg_html_attribute_equals (node, "name", "og:url")))
    {
      ctx->canonical = mg_html_get_attribute (node, "content");
    }
  else if (strcmp (name, "link") == 0 && mg_html_attribute_equals (node, "rel", "canonical"))
    {
      g_free (ctx->canonical);
      ctx->canonical = mg_html_get_attribute (node, "href");
    }
  else if (strcmp (name, "base") == 0 && ctx->base_href == NULL)
    {
      ctx->base_href = mg_html_get_attribute (node, "href");
    }
  else if (strcmp (name, "script") == 0 && mg_html_attribute_equals (node, "type", "application/ld+json"))
    {
      g_ptr_array_add (ctx->json_ld, node);
    }

  return TRUE;
}

static void
scan_leave (xmlNode *node,
            gpointer data)
{
  MgHtmlContext *ctx = data;

  if (is_sectioning ((const char *) node->name))
    ctx->sectioning_depth--;
}

static gboolean
style_hides (const char *style)
{
  g_autoptr (GString) compact = g_string_new (NULL);

  for (const char *p = style; *p != '\0'; p++)
    if (!mg_is_html_space (*p))
      g_string_append_c (compact, g_ascii_tolower (*p));

  return strstr (compact->str, "display:none") != NULL || strstr (compact->str, "visibility:hidden") != NULL;
}

gboolean
mg_html_is_hidden (xmlNode *node)
{
  g_autofree char *storage = NULL;
  const char      *style;

  if (xmlHasProp (node, (const xmlChar *) "hidden") != NULL)
    return TRUE;
  if (mg_html_attribute_equals (node, "aria-hidden", "true"))
    return TRUE;

  style = mg_html_attribute_value (node, "style", &storage);
  return style != NULL && style_hides (style);
}

static gboolean
is_chrome_role (xmlNode *node)
{
  static const char *const roles[] = {
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alertdialog",
    "menubar",
  };

  if (node->properties == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (mg_html_attribute_equals (node, "role", roles[i]))
      return TRUE;

  return FALSE;
}

static gboolean
word_is_one_of (const char        *word,
                gsize              len,
                const char *const *list,
                gsize              n_list)
{
  for (gsize i = 0; i < n_list; i++)
    if (strlen (list[i]) == len && g_ascii_strncasecmp (word, list[i], len) == 0)
      return TRUE;

  return FALSE;
}

/* Whether a class or id value names page furniture. Values are split into
 * words at white space, '-' and '_', so "cookie-banner" and "share_tools"
 * match, and "header" or "loaded" never match "ad". */
static gboolean
names_chrome (const char *value)
{
  static const char *const hiding[] = {
    "hidden",
    "hide",
    "sr-only",
    "visually-hidden",
    "visuallyhidden",
    "screen-reader-text",
    "d-none",
  };
  static const char *const chrome[] = {
    "ad",
    "ads",
    "advert",
    "advertisement",
    "breadcrumb",
    "breadcrumbs",
    "comment",
    "comments",
    "cmp",
    "consent",
    "cookie",
    "cookies",
    "didomi",
    "disqus",
    "editsection",
    "footer",
    "gdpr",
    "header",
    "masthead",
    "menu",
    "modal",
    "nav",
    "navbar",
    "navigation",
    "newsletter",
    "onetrust",
    "pagination",
    "paywall",
    "popup",
    "promo",
    "related",
    "share",
    "sharing",
    "sidebar",
    "skip",
    "social",
    "sponsor",
    "sponsored",
    "subscribe",
    "subscription",
    "toolbar",
  };
  static const char *const content[] = {
    "article",
    "body",
    "content",
    "entry",
    "main",
    "post",
    "story",
    "text",
  };
  const char *p = value;
  gboolean    chrome_word = FALSE;

  if (value == NULL)
    return FALSE;

  while (*p != '\0')
    {
      const char *token;
      const char *word;

      while (mg_is_html_space (*p))
        p++;
      token = p;
      while (*p != '\0' && !mg_is_html_space (*p))
        p++;
      if (p == token)
        continue;

      if (word_is_one_of (token, p - token, hiding, G_N_ELEMENTS (hiding)))
        return TRUE;

      for (word = token;;)
        {
          const char *word_end = word;

          while (word_end < p && *word_end != '-' && *word_end != '_')
            word_end++;
          if (word_is_one_of (word, word_end - word, content, G_N_ELEMENTS (content)))
            return FALSE;
          if (word_is_one_of (word, word_end - word, chrome, G_N_ELEMENTS (chrome)))
            chrome_word = TRUE;
          if (word_end == p)
            break;
          word = word_end + 1;
        }
    }

  return chrome_word;
}

static gboolean
is_page_chrome (xmlNode *node)
{
  g_autofree char *class_storage = NULL;
  g_autofree char *id_storage = NULL;

  if (node->properties == NULL)
    return FALSE;

  return is_chrome_role (node) || names_chrome (mg_html_attribute_value (node, "class", &class_storage)) || names_chrome (mg_html_attribute_value (node, "id", &id_storage));
}

gboolean
mg_html_should_drop (MgHtmlContext    *ctx,
                     xmlNode          *node,
                     MgHtmlElementKind kind)
{
  MgHtmlNodeFlags flags;

  if (kind == ELEMENT_DROP)
    return TRUE;

  if (mg_html_is_element (node, "html") || mg_html_is_element (node, "body"))
    return FALSE;

  flags = mg_html_node_flags (ctx, node);
  if ((flags & FLAG_DROP) && !ctx->lenient)
    return TRUE;
  if (flags & (FLAG_HOLDS_CONTENT | FLAG_HOLDS_HEADLINE))
    return FALSE;

  if (kind == ELEMENT_FORM)
    return (flags & FLAG_HOLDS_TITLE) == 0;

  if (kind == ELEMENT_CHROME && !(flags & FLAG_IN_SECTIONING))
    {
      /* A page header that holds the only <h1> holds the headline. */
      if (!(mg_html_is_element (node, "header") && (flags & FLAG_HOLDS_TITLE)))
        return TRUE;
    }

  if (ctx->lenient)
    return FALSE;

  return mg_html_is_hidden (node) || is_page_chrome (node);
}

static gsize
count_visible (const char *text)
{
  gsize n = 0;

  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (!mg_is_html_space (*p))
      n++;

  return n;
}

/* What relative links resolve against: the page's <base>; for a page
 * saved to disk, the address it was saved from (its canonical link or
 * og:url), since "/authors/ana" means something there and nothing on
 * the disk; else the document's own URI. */
static void
choose_base (MgHtmlContext *ctx)
{
  g_autofree char *base = NULL;

  if (ctx->base_href != NULL)
    base = mg_resolve_link (ctx->uri, ctx->base_href);

  if (base == NULL && ctx->canonical != NULL && g_str_has_prefix (ctx->uri, "file:"))
    {
      g_autofree char *canonical = g_strstrip (g_strdup (ctx->canonical));
      const char      *scheme = g_uri_peek_scheme (canonical);

      if (scheme != NULL && (strcmp (scheme, "http") == 0 || strcmp (scheme, "https") == 0))
        base = g_steal_pointer (&canonical);
    }

  if (base != NULL)
    {
      g_free (ctx->base);
      ctx->base = g_steal_pointer (&base);
    }
}

/* Pass two: how much visible text each candidate root holds. */
static gboolean
measure_enter (xmlNode *node,
               gpointer data)
{
  MgHtmlContext *ctx = data;
  gsize          zero = 0;

  if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
    {
      if (ctx->counts->len > 0)
        g_array_index (ctx->counts, gsize, ctx->counts->len - 1) += count_visible ((const char *) node->content);
      return FALSE;
    }

  if (node->type != XML_ELEMENT_NODE || mg_html_should_drop (ctx, node, mg_html_element_kind (node)))
    return FALSE;

  g_array_append_val (ctx->counts, zero);
  return TRUE;
}

static void
measure_leave (xmlNode *node,
               gpointer data)
{
  MgHtmlContext *ctx = data;
  gsize          count;

  g_assert (ctx->counts->len > 0);

  count = g_array_index (ctx->counts, gsize, ctx->counts->len - 1);
  g_array_set_size (ctx->counts, ctx->counts->len - 1);
  if (ctx->counts->len > 0)
    g_array_index (ctx->counts, gsize, ctx->counts->len - 1) += count;

  if (mg_html_node_flags (ctx, node) & FLAG_HOLDS_CONTENT || node == ctx->body)
    g_hash_table_insert (ctx->lengths, node, GSIZE_TO_POINTER (count));
}

static gsize
visible_length (MgHtmlContext *ctx,
                xmlNode       *node)
{
  return node != NULL ? GPOINTER_TO_SIZE (g_hash_table_lookup (ctx->lengths, node)) : 0;
}

static gboolean
is_ancestor (xmlNode *ancestor,
             xmlNode *node)
{
  for (; node != NULL; node = node->parent)
    if (node == ancestor)
      return TRUE;

  return FALSE;
}

/* The content root the page's own elements point to. */
static xmlNode *
semantic_root (MgHtmlContext *ctx,
               xmlNode       *root)
{
  xmlNode *article = NULL;
  xmlNode *main_node = NULL;
  xmlNode *container;

  ctx->counts->len = 0;
  mg_html_walk (root, measure_enter, measure_leave, ctx);

  for (guint i = 0; i < ctx->articles->len; i++)
    {
      xmlNode *candidate = g_ptr_array_index (ctx->articles, i);

      if (visible_length (ctx, candidate) > visible_length (ctx, article))
        article = candidate;
    }

  for (guint i = 0; i < ctx->mains->len && main_node == NULL; i++)
    if (visible_length (ctx, g_ptr_array_index (ctx->mains, i)) > 0)
      main_node = g_ptr_array_index (ctx->mains, i);

  container = main_node != NULL && is_ancestor (main_node, article) ? main_node : ctx->body;
  if (article != NULL && (container == NULL || visible_length (ctx, article) * 2 >= visible_length (ctx, container)))
    {
      /* A headline above the article, in the same <main>, belongs to it. */
      if (container == main_node && !(mg_html_node_flags (ctx, article) & FLAG_HOLDS_TITLE) && (mg_html_node_flags (ctx, main_node) & FLAG_HOLDS_TITLE))
        return main_node;
      return article;
    }
  if (main_node != NULL)
    return main_node;
  if (ctx->body != NULL)
    return ctx->body;

  return root;
}

/* A page whose article is only in its JSON-LD (the page draws it with
 * scripts): the headline, then the articleBody's paragraphs. */
static gboolean
render_json_ld_body (MgHtmlContext *ctx,
                     guint          shown)
{
  g_autofree char *body = NULL;
  g_auto (GStrv) paragraphs = NULL;

  for (guint i = 0; i < ctx->json_ld->len && body == NULL; i++)
    {
      xmlChar *json = xmlNodeGetContent (g_ptr_array_index (ctx->json_ld, i));

      body = mg_html_json_ld_article_body ((const char *) json);
      xmlFree (json);
    }
  if (body == NULL || g_utf8_strlen (body, -1) < 2 * (glong) shown + 200)
    return FALSE;

  {
    g_autofree char *site = NULL;
    g_autofree char *title = ctx->og_title != NULL ? g_strdup (ctx->og_title) : ctx->title != NULL ? mg_document_metadata_strip_site (ctx->title, &site, TRUE)
                                                                                                   : NULL;

    if (title != NULL)
      {
        mg_document_builder_begin_heading (ctx->builder, 1);
        mg_document_builder_append_text (ctx->builder, title, strlen (title));
        mg_document_builder_end_heading (ctx->builder);
      }
  }
  paragraphs = g_strsplit (body, "\n", -1);
  for (guint i = 0; paragraphs[i] != NULL; i++)
    {
      mg_document_builder_begin_block (ctx->builder);
      mg_document_builder_append_text (ctx->builder, paragraphs[i], strlen (paragraphs[i]));
      mg_document_builder_end_block (ctx->builder);
    }
  return TRUE;
}

/**
 * mg_html_choose_content_root:
 * @ctx: the page's context, scanned
 * @root: the root element
 *
 * Chooses what of the page is its article: the semantic root, refined by
 * scoring the text (mg-html-reader-score.c), whose furniture is marked
 * FLAG_DROP.
 *
 * Returns: (nullable): the element to render, or %NULL when the article
 *   is only in the page's JSON-LD and was written to the builder here.
 */
xmlNode *
mg_html_choose_content_root (MgHtmlContext *ctx,
                             xmlNode       *root)
{
  xmlNode *content = mg_html_score_content (ctx, semantic_root (ctx, root));

  if (ctx->json_ld->len > 0 && render_json_ld_body (ctx, mg_html_score_text_length (ctx, content)))
    return NULL;
  return content;
}

/**
 * mg_html_scan:
 * @ctx: the page's context
 * @root: the root element
 *
 * Pass one (the facts about the page, the marks that protect the content)
 * and the choice of the base of relative links.
 */
void
mg_html_scan (MgHtmlContext *ctx,
              xmlNode       *root)
{
  ctx->sectioning_depth = 0;
  mg_html_walk (root, scan_enter, scan_leave, ctx);
  choose_base (ctx);
}

static gboolean
is_tracking_pixel (xmlNode *node)
{
  const char *const sizes[] = { "width", "height" };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *value = mg_html_get_attribute (node, sizes[i]);

      if (value != NULL && *value != '\0' && g_ascii_isdigit (*value) && atoi (value) <= 2)
        return TRUE;
    }
  return FALSE;
}

/* The description an image's alt gives, or NULL when it gives none (no
 * alt, or a file name). */
static char *
image_description (xmlNode *node)
{
  g_autofree char *alt = mg_html_get_attribute (node, "alt");
  g_autofree char *collapsed = mg_collapse_whitespace (alt);
  g_autofree char *lower = collapsed != NULL ? g_ascii_strdown (collapsed, -1) : NULL;

  if (lower == NULL || *lower == '\0' || g_str_has_suffix (lower, ".jpg") || g_str_has_suffix (lower, ".jpeg") || g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".gif") || g_str_has_suffix (lower, ".webp") || g_str_has_suffix (lower, ".svg"))
    return NULL;
  return g_steal_pointer (&collapsed);
}

static gboolean
has_caption (xmlNode *figure)
{
  for (xmlNode *child = figure->children; child != NULL; child = child->next)
    if (mg_html_is_element (child, "figcaption"))
      {
        g_autofree char *text = mg_html_node_text (child);

        return text != NULL && *text != '\0';
      }
  return FALSE;
}

static gboolean
inline_text_enter (xmlNode *node,
                   gpointer data)
{
  gboolean *found = data;

  if (*found)
    return FALSE;
  if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
    {
      for (const char *p = (const char *) node->content; p != NULL && *p != '\0'; p++)
        if (!mg_is_html_space (*p))
          {
            *found = TRUE;
            break;
          }
      return FALSE;
    }
  return node->type == XML_ELEMENT_NODE && mg_html_element_kind (node) != ELEMENT_DROP;
}

/* Whether @block has text outside the blocks inside it. */
static gboolean
has_inline_text (xmlNode *block)
{
  gboolean found = FALSE;

  for (xmlNode *child = block->children; child != NULL && !found; child = child->next)
    {
      MgHtmlElementKind kind = child->type == XML_ELEMENT_NODE ? mg_html_element_kind (child) : ELEMENT_INLINE;

      if (kind == ELEMENT_INLINE || kind == ELEMENT_LINK || kind == ELEMENT_EMPHASIS || kind == ELEMENT_STRONG || kind == ELEMENT_CODE || kind == ELEMENT_QUOTATION)
        mg_html_walk (child, inline_text_enter, NULL, &found);
    }
  return found;
}

/* Whether the block around an image has text of its own beside it. */
static gboolean
image_in_text (MgHtmlContext *ctx,
               xmlNode       *node,
               xmlNode      **figure)
{
  xmlNode *block = node->parent;

  *figure = NULL;
  while (block != NULL && block->type == XML_ELEMENT_NODE && mg_html_element_kind (block) == ELEMENT_INLINE && !mg_html_is_element (block, "picture"))
    block = block->parent;
  while (block != NULL && block->type == XML_ELEMENT_NODE && (mg_html_element_kind (block) == ELEMENT_LINK || mg_html_is_element (block, "picture")))
    block = block->parent;
  if (block == NULL || block->type != XML_ELEMENT_NODE)
    return FALSE;
  if (mg_html_is_element (block, "figure"))
    {
      *figure = block;
      return FALSE;
    }
  return has_inline_text (block);
}

/**
 * mg_html_render_image:
 * @ctx: the page's context
 * @node: an <img>
 *
 * Images are not shown. One in a line of text (an emoji, a formula, an
 * icon) leaves its description in the text, as before; one that stands
 * alone leaves a line of its own, "[Image]" (with the description when
 * nothing else describes it), spanned %MG_SPAN_IMAGE so the view can show
 * it as a placeholder. A tracking pixel leaves nothing.
 */
void
mg_html_render_image (MgHtmlContext *ctx,
                      xmlNode       *node)
{
  g_autofree char *description = image_description (node);
  g_autofree char *line = NULL;
  xmlNode         *figure;

  if (is_tracking_pixel (node))
    return;

  if (image_in_text (ctx, node, &figure))
    {
      if (description != NULL)
        mg_document_builder_append_text (ctx->builder, description, strlen (description));
      return;
    }

  if (description != NULL && (figure == NULL || !has_caption (figure)))
    line = g_strdup_printf ("[Image: %s]", description);
  else
    line = g_strdup ("[Image]");

  mg_document_builder_request_break (ctx->builder);
  mg_document_builder_open (ctx->builder, MG_SPAN_IMAGE, 0, NULL);
  mg_document_builder_append_content (ctx->builder, line, strlen (line));
  mg_document_builder_close (ctx->builder);
  mg_document_builder_request_break (ctx->builder);
}
