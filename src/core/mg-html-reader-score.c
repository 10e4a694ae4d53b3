/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-html-reader-score"

#include "config.h"

#include <string.h>

#include "mg-html-private.h"

/*
 * Reader mode's choice of the article on pages that do not say where it
 * is, in the way of the browsers' reader views (Firefox's Readability):
 *
 *  1. Measure: one walk counts, for every element shown, its visible
 *     characters, those inside links, its commas, and its paragraphs,
 *     images, list items, form controls and embeds.
 *  2. Score: each paragraph-like element with 25 characters or more of
 *     its own text is worth 1, one more per comma and one per hundred
 *     characters (at most 3). That is added to its parent, half of it to
 *     the grandparent and less to three more ancestors, which start from
 *     a score for their tag and their class and id ("article", "content",
 *     "post" count for; "comment", "share", "related", "sidebar" against).
 *     A candidate's score shrinks with its share of link text.
 *  3. The best candidate, moved up to a parent that scores as well or
 *     that holds several near-best candidates (an article in several
 *     containers), then its siblings that score well or read as prose.
 *  4. The container: the article's semantic element (reader mode's
 *     first guess) when it holds the candidate, else the lowest ancestor
 *     that holds the headline too. On the way down from it to the
 *     candidate, what comes before the headline is dropped, and what
 *     comes after the candidate is kept only if it reads as the article.
 *  5. Clean: inside the container, lists, tables, divisions and forms
 *     that look like furniture (mostly links, more items than text,
 *     images without text, form controls, a class against) are dropped.
 *
 * The marks it leaves are FLAG_DROP on elements; the renderer walks the
 * container it returns.
 */

typedef struct
{
  xmlNode *node;
  guint    text;  /* visible characters */
  guint    links; /* of them inside links */
  guint    commas;
  guint    inline_text;   /* characters outside any block descendant */
  guint    inline_commas; /* commas outside any block descendant */
  guint    list_text;     /* characters inside lists */
  guint    heading_text;  /* characters inside headings */
  guint    paragraphs;
  guint    images;
  guint    items;
  guint    inputs;
  guint    embeds;
  guint    rows;
  guint    cells;
  guint    header_cells;
  guint    breaks;         /* <br> outside any block descendant */
  guint    block_children; /* children that are blocks */
  guint    dropped;        /* children the cleaning dropped */
  double   score;
  gboolean candidate;
} Stats;

struct _MgHtmlScore
{
  GArray  *stats;         /* Stats; an element's index + 1 is its _private */
  GArray  *stack;         /* guint indices of the open elements */
  gboolean clean;         /* whether this walk drops furniture */
  guint    in_code;       /* open <pre> and <code> elements */
  guint    in_figure;     /* open <figure> elements */
  xmlNode *headline;      /* while cleaning */
  gboolean seen_headline; /* the headline was entered */
  gboolean seen_best;     /* a paragraph of the article's text was left */
};

static Stats *
stats_at (MgHtmlScore *s,
          guint        index)
{
  return &g_array_index (s->stats, Stats, index);
}

static Stats *
stats_of (MgHtmlScore *s,
          xmlNode     *node)
{
  gsize i = GPOINTER_TO_SIZE (node->_private);

  if (node->type != XML_ELEMENT_NODE || i == 0 || i > s->stats->len)
    return NULL;
  if (stats_at (s, i - 1)->node != node)
    return NULL;
  return stats_at (s, i - 1);
}

static gboolean
is_comma (gunichar c)
{
  /* Latin, Arabic, ideographic and full-width commas, and the
   * enumeration comma of Chinese and Japanese. */
  return c == ',' || c == 0x060C || c == 0xFE50 || c == 0xFE10 || c == 0xFE11 || c == 0x2E41 || c == 0x2E34 || c == 0x2E32 || c == 0xFF0C || c == 0x3001;
}

static void
count_text (const char *text,
            guint      *chars,
            guint      *commas)
{
  const char *p = text;

  /* Byte by byte while the text is ASCII, as most markup's text is. */
  while (*p != '\0')
    {
      guchar   byte = (guchar) *p;
      gunichar c;

      if (byte < 0x80)
        {
          if (!mg_is_html_space ((char) byte))
            {
              (*chars)++;
              if (byte == ',')
                (*commas)++;
            }
          p++;
          continue;
        }
      c = g_utf8_get_char (p);
      (*chars)++;
      if (is_comma (c))
        (*commas)++;
      p = g_utf8_next_char (p);
    }
}

static gboolean
name_is (xmlNode    *node,
         const char *name)
{
  return strcmp ((const char *) node->name, name) == 0;
}

static gboolean
name_in (xmlNode           *node,
         const char *const *names)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (name_is (node, names[i]))
      return TRUE;
  return FALSE;
}

static gboolean
is_inline_kind (MgHtmlElementKind kind)
{
  switch (kind)
    {
    case ELEMENT_INLINE:
    case ELEMENT_LINK:
    case ELEMENT_EMPHASIS:
    case ELEMENT_STRONG:
    case ELEMENT_CODE:
    case ELEMENT_QUOTATION:
    case ELEMENT_BREAK:
    case ELEMENT_IMAGE:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Whether @value holds @word as a substring, ignoring case. */
static gboolean
contains_word (const char *value,
               const char *word)
{
  gsize len = strlen (word);

  for (const char *p = value; *p != '\0'; p++)
    if (g_ascii_strncasecmp (p, word, len) == 0)
      return TRUE;
  return FALSE;
}

/* "ad" only as a word of its own ("ad", "ad-slot", "top_ad"), never inside
 * "header", "load" or "shadow". */
static gboolean
contains_ad (const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    {
      gboolean start = p == value || !g_ascii_isalnum (p[-1]);

      if (start && g_ascii_strncasecmp (p, "ad", 2) == 0 && (!g_ascii_isalpha (p[2]) || g_ascii_strncasecmp (p + 2, "s", 1) == 0 || g_ascii_strncasecmp (p + 2, "vert", 4) == 0))
        {
          if (g_ascii_strncasecmp (p + 2, "s", 1) == 0 && g_ascii_isalpha (p[3]))
            continue;
          return TRUE;
        }
    }
  return FALSE;
}

static int
value_weight (const char *value)
{
  static const char *const positive[] = {
    "article", "body", "content", "entry", "main", "page", "post", "text", "blog", "story", NULL
  };
  static const char *const negative[] = {
    "comment", "meta", "footer", "footnote", "share", "related", "sidebar", "nav", "menu", "banner",
    "promo", "cookie", "consent", "newsletter", "subscribe", "social", "breadcrumb", "pagination",
    "masthead", "sponsor", "widget", "outbrain", "taboola", "recirc", "popular", "trending", "signup",
    "tags", "byline-share", "toolbar", "hidden", NULL
  };
  int weight = 0;

  if (value == NULL || *value == '\0')
    return 0;

  for (guint i = 0; negative[i] != NULL; i++)
    if (contains_word (value, negative[i]))
      {
        weight -= 25;
        break;
      }
  if (weight == 0 && contains_ad (value))
    weight -= 25;
  for (guint i = 0; positive[i] != NULL; i++)
    if (contains_word (value, positive[i]))
      {
        weight += 25;
        break;
      }
  return weight;
}

/* What an element's class and id say of it, as Readability weighs them. */
int
mg_html_class_weight (xmlNode *node)
{
  g_autofree char *class_storage = NULL;
  g_autofree char *id_storage = NULL;

  if (node->properties == NULL)
    return 0;
  return value_weight (mg_html_attribute_value (node, "class", &class_storage)) + value_weight (mg_html_attribute_value (node, "id", &id_storage));
}

static double
tag_score (xmlNode *node)
{
  static const char *const plus3[] = { "pre", "td", "blockquote", NULL };
  static const char *const minus3[] = { "address", "ol", "ul", "dl", "dd", "dt", "li", "form", NULL };
  static const char *const minus5[] = { "h1", "h2", "h3", "h4", "h5", "h6", "th", NULL };

  if (name_is (node, "div") || name_is (node, "article"))
    return 5;
  if (name_in (node, plus3))
    return 3;
  if (name_in (node, minus3))
    return -3;
  if (name_in (node, minus5))
    return -5;
  return 0;
}

static double
link_density (const Stats *st)
{
  return st->text > 0 ? (double) st->links / st->text : 0;
}

/* Tables with headers, a caption or many cells hold data, not layout. */
static gboolean
is_data_table (xmlNode     *node,
               const Stats *st)
{
  if (mg_html_attribute_equals (node, "role", "presentation"))
    return FALSE;
  if (st->header_cells > 0 || xmlHasProp (node, (const xmlChar *) "summary") != NULL)
    return TRUE;
  for (xmlNode *child = node->children; child != NULL; child = child->next)
    if (mg_html_is_element (child, "caption") || mg_html_is_element (child, "thead"))
      return TRUE;
  return st->rows >= 10 || (st->rows > 0 && st->cells / st->rows > 4) || st->cells > 10;
}

/* Readability's "clean conditionally": furniture that the class names did
 * not give away. */
static gboolean
looks_like_furniture (MgHtmlContext *ctx,
                      xmlNode       *node,
                      const Stats   *st)
{
  MgHtmlScore             *s = ctx->score;
  gboolean                 in_figure = s->in_figure > 0;
  static const char *const cleaned[] = { "div", "section", "ul", "ol", "table", "form", "fieldset", "dl", "header", "footer", "p", NULL };
  gboolean                 list;
  int                      weight;
  double                   density;

  if (!name_in (node, cleaned))
    return FALSE;
  if (mg_html_node_flags (ctx, node) & (FLAG_KEEP | FLAG_HOLDS_HEADLINE))
    return FALSE;
  if (name_is (node, "table") && is_data_table (node, st))
    return FALSE;
  if (s->in_code > 0)
    return FALSE;

  /* A paragraph is prose unless it is one link ("Read more: ..."). */
  if (name_is (node, "p"))
    return !(s->seen_headline && !s->seen_best) && st->text > 0 && st->text < 200 && link_density (st) >= 0.9 && mg_html_class_weight (node) <= 0;

  /* A heading whose links went: "Related", "Share this". */
  if (st->dropped > 0 && st->text > 0 && st->heading_text == st->text && st->images == 0)
    return TRUE;

  weight = mg_html_class_weight (node);
  /* Between the headline and the article's text: the byline, the date,
   * the standfirst. Short, and often in "meta" classes with a link. */
  if (s->seen_headline && !s->seen_best && st->text < 200 && st->inputs == 0 && st->embeds == 0)
    return st->text < 25 && link_density (st) > 0.9;
  if (weight < 0)
    return TRUE;
  if (st->commas >= 10)
    return FALSE;

  list = name_is (node, "ul") || name_is (node, "ol") || name_is (node, "dl") || (st->text > 0 && st->list_text * 10 > st->text * 9);
  density = link_density (st);

  if (st->images > 1 && st->paragraphs * 2 < st->images && !in_figure)
    return TRUE;
  if (!list && st->items > st->paragraphs + 100)
    return TRUE;
  if (st->inputs > st->paragraphs / 3)
    return TRUE;
  /* A few words with no paragraph, heading or image: a label, a date, an
   * "Advertisement". */
  if (!list && st->text < 25 && st->paragraphs == 0 && st->heading_text == 0 && st->images == 0 && st->embeds == 0 && !in_figure)
    return st->text > 0;
  if (!list && st->images > 2 && st->text < 25 && !in_figure)
    return TRUE;
  if (!list && weight < 25 && density > 0.2 && st->text > 0)
    return TRUE;
  if (weight >= 25 && density > 0.5)
    return TRUE;
  if ((st->embeds == 1 && st->text < 75) || st->embeds > 1)
    return TRUE;
  /* A list that is nothing but links: a menu, a list of other stories. */
  if (list && density > 0.7 && st->text < 2000)
    return TRUE;
  return FALSE;
}

static gboolean
measure_enter (xmlNode *node,
               gpointer data)
{
  MgHtmlContext *ctx = data;
  MgHtmlScore   *s = ctx->score;
  Stats         *top = s->stack->len > 0 ? stats_at (s, g_array_index (s->stack, guint, s->stack->len - 1)) : NULL;
  Stats          fresh = { 0 };
  guint          index;

  if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
    {
      guint chars = 0, commas = 0;

      if (top != NULL && node->content != NULL)
        {
          count_text ((const char *) node->content, &chars, &commas);
          top->text += chars;
          top->commas += commas;
          top->inline_text += chars;
          top->inline_commas += commas;
        }
      return FALSE;
    }
  if (node->type != XML_ELEMENT_NODE)
    return FALSE;

  node->_private = NULL;
  if (top != NULL)
    {
      static const char *const inputs[] = { "input", "select", "textarea", "button", NULL };
      static const char *const embeds[] = { "iframe", "embed", "object", "video", NULL };

      if (name_in (node, inputs) && !mg_html_attribute_equals (node, "type", "hidden"))
        top->inputs++;
      else if (name_in (node, embeds))
        top->embeds++;
    }

  if (mg_html_should_drop (ctx, node, mg_html_element_kind (node)))
    return FALSE;

  if (name_is (node, "pre") || name_is (node, "code"))
    s->in_code++;
  else if (name_is (node, "figure"))
    s->in_figure++;
  if (node == s->headline)
    s->seen_headline = TRUE;

  fresh.node = node;
  g_array_append_val (s->stats, fresh);
  index = s->stats->len - 1;
  g_array_append_val (s->stack, index);
  node->_private = GSIZE_TO_POINTER ((gsize) index + 1);
  return TRUE;
}

static void
measure_leave (xmlNode *node,
               gpointer data)
{
  MgHtmlContext    *ctx = data;
  MgHtmlScore      *s = ctx->score;
  guint             index = g_array_index (s->stack, guint, s->stack->len - 1);
  Stats             st = *stats_at (s, index);
  MgHtmlElementKind kind = mg_html_element_kind (node);
  Stats            *parent;

  g_array_set_size (s->stack, s->stack->len - 1);
  if (s->seen_headline && name_is (node, "p") && st.inline_text >= 100)
    s->seen_best = TRUE;
  if (name_is (node, "pre") || name_is (node, "code"))
    s->in_code--;
  else if (name_is (node, "figure"))
    s->in_figure--;

  if (s->clean && looks_like_furniture (ctx, node, &st))
    {
      mg_html_mark (ctx, node, FLAG_DROP);
      if (s->stack->len > 0)
        stats_at (s, g_array_index (s->stack, guint, s->stack->len - 1))->dropped++;
      return;
    }
  if (s->stack->len == 0)
    return;

  parent = stats_at (s, g_array_index (s->stack, guint, s->stack->len - 1));
  parent->text += st.text;
  parent->links += kind == ELEMENT_LINK ? st.text : st.links;
  parent->commas += st.commas;
  parent->list_text += kind == ELEMENT_LIST || kind == ELEMENT_ORDERED_LIST || name_is (node, "dl") ? st.text : st.list_text;
  parent->heading_text += kind == ELEMENT_HEADING ? st.text : st.heading_text;
  parent->paragraphs += st.paragraphs + (name_is (node, "p") ? 1 : 0);
  parent->images += st.images + (kind == ELEMENT_IMAGE ? 1 : 0);
  parent->items += st.items + (kind == ELEMENT_ITEM ? 1 : 0);
  parent->inputs += st.inputs;
  parent->embeds += st.embeds;
  parent->rows += st.rows + (kind == ELEMENT_ROW ? 1 : 0);
  parent->cells += st.cells + (kind == ELEMENT_CELL ? 1 : 0);
  parent->header_cells += st.header_cells + (name_is (node, "th") ? 1 : 0);
  if (is_inline_kind (kind))
    {
      parent->inline_text += st.inline_text;
      parent->inline_commas += st.inline_commas;
      parent->breaks += st.breaks + (kind == ELEMENT_BREAK ? 1 : 0);
    }
  else
    {
      parent->block_children++;
    }
}

static void
measure (MgHtmlContext *ctx,
         xmlNode       *root,
         gboolean       clean)
{
  MgHtmlScore *s = ctx->score;

  g_array_set_size (s->stats, 0);
  g_array_set_size (s->stack, 0);
  s->in_code = s->in_figure = 0;
  s->seen_headline = s->seen_best = FALSE;
  s->clean = clean;
  mg_html_walk (root, measure_enter, measure_leave, ctx);
  s->clean = FALSE;
}

static gboolean
is_scored_paragraph (xmlNode *node)
{
  static const char *const names[] = { "p", "pre", "td", "div", "section", "article", "main", "blockquote", "dd", "center", NULL };

  return name_in (node, names);
}

static void
init_candidate (Stats *st)
{
  if (st->candidate)
    return;
  st->candidate = TRUE;
  st->score = tag_score (st->node) + mg_html_class_weight (st->node);
}

static void
score_paragraphs (MgHtmlContext *ctx)
{
  MgHtmlScore *s = ctx->score;

  for (guint i = 0; i < s->stats->len; i++)
    {
      Stats   *st = stats_at (s, i);
      xmlNode *ancestor;
      double   points;

      if (st->inline_text < 25 || !is_scored_paragraph (st->node))
        continue;

      points = 1 + st->inline_commas + MIN (st->inline_text / 100, 3);
      /* Text between <br>s or beside blocks is paragraphs of its own
       * (Readability makes them so): this element holds them. */
      if (!name_is (st->node, "p") && !name_is (st->node, "pre") && (st->breaks >= 2 || st->block_children > 0))
        {
          init_candidate (st);
          st->score += points;
        }
      ancestor = st->node->parent;
      for (guint level = 0; level < 5 && ancestor != NULL && ancestor->type == XML_ELEMENT_NODE; level++, ancestor = ancestor->parent)
        {
          Stats *a = stats_of (s, ancestor);
          double divider = level == 0 ? 1 : level == 1 ? 2
                                                       : level * 3;

          if (a == NULL)
            break;
          init_candidate (a);
          a->score += points / divider;
        }
    }

  for (guint i = 0; i < s->stats->len; i++)
    {
      Stats *st = stats_at (s, i);

      if (st->candidate)
        st->score *= 1 - link_density (st);
    }
}

static double
score_of (MgHtmlScore *s,
          xmlNode     *node)
{
  Stats *st = stats_of (s, node);

  return st != NULL && st->candidate ? st->score : 0;
}

static gboolean
is_inside (xmlNode *node,
           xmlNode *ancestor)
{
  for (; node != NULL; node = node->parent)
    if (node == ancestor)
      return TRUE;
  return FALSE;
}

static gboolean
is_page_root (MgHtmlContext *ctx,
              xmlNode       *node)
{
  return node == NULL || node->type != XML_ELEMENT_NODE || node == ctx->body || name_is (node, "html");
}

/* Steps 3: the best candidate, and the parent that holds more of it. */
static xmlNode *
top_candidate (MgHtmlContext *ctx)
{
  MgHtmlScore *s = ctx->score;
  Stats       *best = NULL;
  xmlNode     *top;
  double       top_score;
  double       last;

  for (guint i = 0; i < s->stats->len; i++)
    {
      Stats *st = stats_at (s, i);

      if (st->candidate && !is_page_root (ctx, st->node) && (best == NULL || st->score > best->score))
        best = st;
    }
  if (best == NULL)
    return NULL;

  top = best->node;
  top_score = best->score;

  /* Several of the best candidates nearly as good under one ancestor:
   * the article is split over them. Each of (at most) five counts for its
   * ancestors, so that deep pages cost no more than their depth. */
  {
    g_autoptr (GHashTable) holding = g_hash_table_new (NULL, NULL);
    guint near = 0;

    for (guint i = 0; i < s->stats->len && near < 5; i++)
      {
        Stats *st = stats_at (s, i);

        if (!st->candidate || st->node == top || st->score < top_score * 0.75 || is_page_root (ctx, st->node))
          continue;
        near++;
        for (xmlNode *a = st->node->parent; !is_page_root (ctx, a); a = a->parent)
          g_hash_table_insert (holding, a, GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (holding, a)) + 1));
      }
    if (near >= 3)
      for (xmlNode *parent = top->parent; !is_page_root (ctx, parent); parent = parent->parent)
        if (GPOINTER_TO_UINT (g_hash_table_lookup (holding, parent)) >= 3)
          {
            top = parent;
            break;
          }
  }

  /* A parent that scores better holds more of the article. */
  last = score_of (s, top);
  for (xmlNode *parent = top->parent; !is_page_root (ctx, parent); parent = parent->parent)
    {
      double parent_score = score_of (s, parent);

      if (parent_score == 0)
        continue;
      if (parent_score < last / 3)
        break;
      if (parent_score > last)
        {
          top = parent;
          break;
        }
      last = parent_score;
    }

  /* An only child says no more than its parent. */
  while (!is_page_root (ctx, top->parent) && xmlChildElementCount (top->parent) == 1)
    top = top->parent;

  return top;
}

static gboolean
ends_sentence (xmlNode *node)
{
  g_autofree char *text = mg_html_node_text (node);

  return text != NULL && (strstr (text, ". ") != NULL || g_str_has_suffix (text, ".") || g_str_has_suffix (text, "\xE3\x80\x82"));
}

/* Whether a sibling of the article's best candidate is part of it. */
static gboolean
sibling_belongs (MgHtmlContext *ctx,
                 xmlNode       *top,
                 xmlNode       *sibling)
{
  MgHtmlScore     *s = ctx->score;
  Stats           *st = stats_of (s, sibling);
  double           top_score = score_of (s, top);
  double           threshold = MAX (10, top_score * 0.2);
  double           bonus = 0;
  g_autofree char *top_class = NULL;
  g_autofree char *class = NULL;

  if (st == NULL)
    return FALSE;

  top_class = mg_html_get_attribute (top, "class");
  class = mg_html_get_attribute (sibling, "class");
  if (top_class != NULL && *top_class != '\0' && g_strcmp0 (top_class, class) == 0)
    bonus = top_score * 0.2;
  if (st->candidate && st->score + bonus >= threshold)
    return TRUE;

  if (name_is (sibling, "p") || name_is (sibling, "blockquote") || name_is (sibling, "pre") || name_is (sibling, "ul") || name_is (sibling, "ol") || (name_is (sibling, "div") && st->inline_text == st->text))
    {
      double density = link_density (st);

      if (st->text > 80 && density < 0.25)
        return TRUE;
      if (st->text > 0 && st->text <= 80 && density == 0 && ends_sentence (sibling))
        return TRUE;
    }
  /* An image between parts of the article. */
  if (st->images > 0 && st->text < 25 && st->links == 0 && st->images <= 2)
    return TRUE;
  /* Headings, figures and code between parts of the article. */
  if (mg_html_element_kind (sibling) == ELEMENT_HEADING || name_is (sibling, "figure") || name_is (sibling, "pre") || name_is (sibling, "table"))
    return link_density (st) < 0.5;
  return FALSE;
}

/* @text's letters and digits, case folded: titles and headlines differ
 * in quotes, dashes and spaces. */
static char *
title_key (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  GString         *key = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        g_string_append_unichar (key, c);
    }
  return g_string_free (key, FALSE);
}

/* Whether a heading says the page's title: it holds the title, or is
 * most of it (not only the site's name, which a logo heading says). */
static gboolean
text_matches_title (MgHtmlContext *ctx,
                    const char    *text)
{
  const char      *titles[] = { ctx->og_title, ctx->title };
  const double     share[] = { 0.5, 0.3 };
  g_autofree char *b = NULL;
  gsize            b_len;

  if (text == NULL)
    return FALSE;
  b = title_key (text);
  b_len = strlen (b);
  if (g_utf8_strlen (b, -1) < 3)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_autofree char *a = titles[i] != NULL ? title_key (titles[i]) : NULL;

      if (a == NULL || *a == '\0')
        continue;
      if (strstr (b, a) != NULL || (strstr (a, b) != NULL && b_len >= share[i] * strlen (a)))
        return TRUE;
    }
  return FALSE;
}

/* Whether a class names a headline: "headline", "storyheadline",
 * "article-title", "entry-title", "post-title". */
gboolean
mg_html_class_names_headline (xmlNode *node)
{
  g_autofree char *storage = NULL;
  const char      *value;

  if (node->properties == NULL)
    return FALSE;
  value = mg_html_attribute_value (node, "class", &storage);
  return value != NULL && (contains_word (value, "headline") || contains_word (value, "article-title") || contains_word (value, "entry-title") || contains_word (value, "post-title") || contains_word (value, "story-title"));
}

/* Whether an element is inside something never shown, or hidden. */
static gboolean
is_shown (MgHtmlContext *ctx,
          xmlNode       *node)
{
  for (; node != NULL && node->type == XML_ELEMENT_NODE; node = node->parent)
    if (mg_html_element_kind (node) == ELEMENT_DROP || mg_html_is_hidden (node))
      return FALSE;
  return TRUE;
}

/* The headline: the first <h1>, else <h2>, else element named a headline,
 * that says the page's title (even in a page header, which reader mode
 * drops otherwise); else the only <h1> shown. */
static xmlNode *
find_headline (MgHtmlContext *ctx)
{
  MgHtmlScore *s = ctx->score;
  xmlNode     *only_h1 = NULL;
  guint        n_h1 = 0;

  for (guint pass = 0; pass < 3; pass++)
    for (guint i = 0; i < ctx->headlines->len && i < 60; i++)
      {
        xmlNode         *node = g_ptr_array_index (ctx->headlines, i);
        g_autofree char *text = NULL;
        gboolean         h1 = name_is (node, "h1");

        if ((pass == 0) != h1 || (pass == 1 && !name_is (node, "h2")))
          continue;
        if (pass == 0 && stats_of (s, node) != NULL && stats_of (s, node)->text > 0)
          {
            n_h1++;
            only_h1 = node;
          }
        text = mg_html_node_text (node);
        if (text_matches_title (ctx, text) && is_shown (ctx, node))
          return node;
      }
  if (n_h1 == 1)
    return only_h1;
  if (n_h1 == 0)
    for (guint i = 0; i < ctx->headlines->len && i < 60; i++)
      {
        xmlNode *node = g_ptr_array_index (ctx->headlines, i);
        Stats   *st = stats_of (s, node);

        if (!name_is (node, "h2") && st != NULL && st->text >= 10 && st->text <= 300)
          return node;
      }
  return NULL;
}

static void
mark_chain (MgHtmlContext  *ctx,
            xmlNode        *node,
            MgHtmlNodeFlags flag)
{
  for (; node != NULL && node->type == XML_ELEMENT_NODE; node = node->parent)
    mg_html_mark (ctx, node, flag);
}

/* The child of @ancestor that holds @node. */
static xmlNode *
child_holding (xmlNode *ancestor,
               xmlNode *node)
{
  for (; node != NULL; node = node->parent)
    if (node->parent == ancestor)
      return node;
  return NULL;
}

/* @node's ancestors from the root down, @node last. */
static GPtrArray *
path_to (xmlNode *node)
{
  GPtrArray *path = g_ptr_array_new ();

  for (; node != NULL && node->type == XML_ELEMENT_NODE; node = node->parent)
    g_ptr_array_add (path, node);
  for (guint i = 0; i < path->len / 2; i++)
    {
      gpointer swap = path->pdata[i];

      path->pdata[i] = path->pdata[path->len - 1 - i];
      path->pdata[path->len - 1 - i] = swap;
    }
  return path;
}

/* Step 4: from @container down to @top, what is kept beside the way. */
static void
prune_path (MgHtmlContext *ctx,
            xmlNode       *container,
            xmlNode       *top,
            xmlNode       *headline)
{
  g_autoptr (GPtrArray) top_path = path_to (top);
  g_autoptr (GPtrArray) head_path = headline != NULL ? path_to (headline) : g_ptr_array_new ();
  guint d = 0;

  while (d < top_path->len && top_path->pdata[d] != container)
    d++;

  for (; d + 1 < top_path->len; d++)
    {
      xmlNode *level = top_path->pdata[d];
      xmlNode *path = top_path->pdata[d + 1];
      xmlNode *head = d + 1 < head_path->len && head_path->pdata[d] == level ? head_path->pdata[d + 1] : NULL;
      gboolean before_headline = head != NULL;
      gboolean after_top = FALSE;

      for (xmlNode *child = level->children; child != NULL; child = child->next)
        {
          if (child == head)
            before_headline = FALSE;
          if (child == path)
            {
              after_top = TRUE;
              continue;
            }
          if (child->type != XML_ELEMENT_NODE || child == head)
            continue;
          if (before_headline || (after_top && !sibling_belongs (ctx, top, child)))
            mg_html_mark (ctx, child, FLAG_DROP);
          else if (!after_top && path == top && head == NULL && !sibling_belongs (ctx, top, child) && !(mg_html_node_flags (ctx, level) & FLAG_HOLDS_HEADLINE))
            mg_html_mark (ctx, child, FLAG_DROP);
        }
    }
}

/* The children of @parent that are not part of the article whose best
 * candidate is @top (a child of @parent, or @parent itself): those before
 * the headline, and those after it that do not read as the article but
 * for a short line right under the headline (its byline or date). */
static void
prune_children (MgHtmlContext *ctx,
                xmlNode       *parent,
                xmlNode       *top,
                xmlNode       *headline)
{
  xmlNode *head = headline != NULL ? child_holding (parent, headline) : NULL;
  gboolean before = head != NULL;
  gboolean header = FALSE;

  for (xmlNode *child = parent->children; child != NULL; child = child->next)
    {
      Stats *st;

      if (child == top || child == head)
        {
          before = FALSE;
          header = child == head && child != top;
          continue;
        }
      if (child->type != XML_ELEMENT_NODE)
        continue;
      if (!before && sibling_belongs (ctx, top, child))
        {
          header = FALSE;
          continue;
        }
      st = stats_of (ctx->score, child);
      if (header && st != NULL && st->text > 0 && st->text < 200 && link_density (st) < 0.5)
        continue;
      mg_html_mark (ctx, child, FLAG_DROP);
    }
}

static guint
depth_of (xmlNode *node)
{
  guint depth = 0;

  for (; node != NULL; node = node->parent)
    depth++;
  return depth;
}

static xmlNode *
lowest_common_ancestor (xmlNode *a,
                        xmlNode *b)
{
  guint da = depth_of (a);
  guint db = depth_of (b);

  for (; da > db; da--)
    a = a->parent;
  for (; db > da; db--)
    b = b->parent;
  while (a != b)
    {
      a = a->parent;
      b = b->parent;
    }
  return a;
}

/**
 * mg_html_score_content:
 * @ctx: the page's context, scanned
 * @semantic: the content root the page's own elements point to
 *   (<article>, <main>), or the body
 *
 * Returns: the element to render; the elements inside it that are not
 *   the article are marked FLAG_DROP.
 */
xmlNode *
mg_html_score_content (MgHtmlContext *ctx,
                       xmlNode       *semantic)
{
  xmlNode     *page = ctx->body != NULL ? ctx->body : semantic;
  MgHtmlScore *s;
  xmlNode     *best;
  xmlNode     *top;
  xmlNode     *headline;
  xmlNode     *container;

  if (page == NULL)
    return semantic;

  if (ctx->score == NULL)
    {
      ctx->score = g_new0 (MgHtmlScore, 1);
      ctx->score->stats = g_array_new (FALSE, FALSE, sizeof (Stats));
      ctx->score->stack = g_array_new (FALSE, FALSE, sizeof (guint));
    }
  s = ctx->score;

  measure (ctx, page, FALSE);
  score_paragraphs (ctx);
  top = best = top_candidate (ctx);
  /* The scores found the page's own article element, and more. */
  if (top != NULL && !is_page_root (ctx, semantic) && is_inside (semantic, top))
    top = best = semantic;
  headline = find_headline (ctx);
  if (headline != NULL)
    mark_chain (ctx, headline, FLAG_HOLDS_HEADLINE);

  if (top == NULL && stats_of (ctx->score, page) != NULL && stats_of (ctx->score, page)->candidate)
    {
      /* The article's paragraphs are the body's own children. */
      top = best = container = page;
      prune_children (ctx, page, page, headline);
    }
  else if (top == NULL)
    {
      container = semantic;
    }
  else if (!is_page_root (ctx, semantic) && is_inside (top, semantic))
    {
      /* The page says where its article is, and the text agrees. */
      container = semantic;
      if (headline != NULL && !is_inside (headline, container) && is_inside (headline, ctx->body))
        {
          xmlNode *common = lowest_common_ancestor (headline, container);

          if (!is_page_root (ctx, common))
            container = common;
        }
      if (container != top)
        prune_path (ctx, container, top, headline);
    }
  else
    {
      container = top;
      if (!is_page_root (ctx, top->parent))
        {
          xmlNode *parent = top->parent;

          prune_children (ctx, parent, top, headline);
          container = parent;
          top = parent;
        }
      if (headline != NULL && !is_inside (headline, container))
        {
          xmlNode *common = lowest_common_ancestor (headline, container);

          /* When that is the body, what comes before the headline and
           * after the article still goes. */
          if (common != NULL)
            {
              prune_path (ctx, common, container, headline);
              container = common;
            }
        }
    }

  if (best != NULL)
    mark_chain (ctx, best, FLAG_KEEP);
  s->headline = headline;
  measure (ctx, container, TRUE);
  s->headline = NULL;

  /* Scores that left nothing were wrong about this page: the page's own
   * elements and the chrome rules say what it is. */
  if (mg_html_score_text_length (ctx, container) == 0 && container != semantic)
    {
      GHashTableIter iter;
      gpointer       key, value;

      g_hash_table_iter_init (&iter, ctx->flags);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_iter_replace (&iter, GUINT_TO_POINTER (GPOINTER_TO_UINT (value) & ~FLAG_DROP));
      return semantic;
    }
  return container;
}

void
mg_html_score_free (MgHtmlScore *score)
{
  if (score == NULL)
    return;
  g_array_unref (score->stats);
  g_array_unref (score->stack);
  g_free (score);
}

/* The visible characters of @node as the last walk measured them. */
guint
mg_html_score_text_length (MgHtmlContext *ctx,
                           xmlNode       *node)
{
  Stats *st = ctx->score != NULL && node != NULL ? stats_of (ctx->score, node) : NULL;

  return st != NULL ? st->text : 0;
}
