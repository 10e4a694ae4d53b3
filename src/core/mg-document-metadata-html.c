/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-document-metadata-html"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "mg-html-private.h"

/*
 * A web page's metadata, for citing it, from what pages actually carry:
 * Highwire Press citation_* tags (Google Scholar's, on journals and many
 * news sites), schema.org JSON-LD, Dublin Core, Open Graph, plain author
 * and date tags, the <html lang>, the <title> without the site's name, and
 * the byline. One walk over the parsed tree collects every candidate; a
 * field keeps the one from the most specific source, the first of equal
 * ones (authors: all of the best source).
 */

typedef enum
{
  RANK_NONE = 0,
  RANK_BYLINE,   /* <title>, rel=author, class="byline", <time> */
  RANK_META,     /* name="author", name="date", twitter:*, http-equiv */
  RANK_OG,       /* Open Graph, article:* */
  RANK_DC,       /* Dublin Core */
  RANK_JSONLD,   /* schema.org */
  RANK_CITATION, /* citation_*, <link rel=canonical>, <html lang> */
} Rank;

typedef struct
{
  MgDocumentMetadata *metadata;
  Rank                title, authors, site, date, url, language;
  char               *html_title;
  xmlNode            *byline_parent; /* where the first byline author was */
} Collect;

static void
offer (char      **field,
       Rank       *field_rank,
       Rank        rank,
       const char *value)
{
  g_autofree char *collapsed = NULL;

  if (value == NULL || rank <= *field_rank)
    return;
  collapsed = mg_collapse_whitespace (value);
  if (collapsed == NULL || *collapsed == '\0')
    return;

  g_free (*field);
  *field = g_steal_pointer (&collapsed);
  *field_rank = rank;
}

/* An author from a byline or a tag: "By Jane Doe" is Jane Doe; an address
 * (article:author often is one) or a long sentence is no name. */
static void
offer_author (Collect    *c,
              Rank        rank,
              const char *value)
{
  g_autofree char *name = NULL;
  const char      *p;

  if (value == NULL || rank < c->authors)
    return;
  name = mg_collapse_whitespace (value);
  if (name == NULL)
    return;

  p = name;
  if (g_ascii_strncasecmp (p, "by ", 3) == 0)
    p += 3;
  if (*p == '\0' || g_str_has_prefix (p, "http://") || g_str_has_prefix (p, "https://") || strlen (p) > 80)
    return;

  if (rank > c->authors)
    {
      g_strfreev (c->metadata->authors);
      c->metadata->authors = g_new0 (char *, 1);
      c->authors = rank;
    }

  /* "Okafor, Amara", as citation_author and DC.creator often have it, is
   * said "Amara Okafor". */
  {
    const char *comma = strchr (p, ',');

    if (comma != NULL && comma > p && strchr (comma + 1, ',') == NULL && comma[1] == ' ' && comma[2] != '\0')
      {
        g_autofree char *family = g_strndup (p, comma - p);
        g_autofree char *swapped = g_strdup_printf ("%s %s", comma + 2, family);

        mg_document_metadata_add_author (c->metadata, swapped);
        return;
      }
  }
  mg_document_metadata_add_author (c->metadata, p);
}

/* og:locale is "en_US"; a language tag is "en-US". */
static void
offer_language (Collect    *c,
                Rank        rank,
                const char *value)
{
  g_autofree char *tag = g_strdup (value);

  if (tag != NULL)
    g_strdelimit (tag, "_", '-');
  offer (&c->metadata->language, &c->language, rank, tag);
}

static void
offer_url (Collect    *c,
           Rank        rank,
           const char *value)
{
  g_autofree char *url = value != NULL ? g_strstrip (g_strdup (value)) : NULL;

  if (url != NULL && (g_str_has_prefix (url, "http://") || g_str_has_prefix (url, "https://")))
    offer (&c->metadata->url, &c->url, rank, url);
}

static void
take_meta (Collect    *c,
           const char *key,
           const char *value)
{
  MgDocumentMetadata *m = c->metadata;

  if (strcmp (key, "citation_title") == 0)
    offer (&m->title, &c->title, RANK_CITATION, value);
  else if (strcmp (key, "citation_author") == 0)
    offer_author (c, RANK_CITATION, value);
  else if (strcmp (key, "citation_journal_title") == 0 || strcmp (key, "citation_publisher") == 0 || strcmp (key, "citation_conference_title") == 0)
    offer (&m->site_name, &c->site, RANK_CITATION, value);
  else if (strcmp (key, "citation_publication_date") == 0 || strcmp (key, "citation_date") == 0 || strcmp (key, "citation_online_date") == 0)
    offer (&m->date, &c->date, RANK_CITATION, value);
  else if (strcmp (key, "citation_public_url") == 0 || strcmp (key, "citation_abstract_html_url") == 0 || strcmp (key, "citation_fulltext_html_url") == 0)
    offer_url (c, RANK_CITATION, value);
  else if (strcmp (key, "citation_language") == 0)
    offer_language (c, RANK_CITATION, value);
  else if (strcmp (key, "dc.title") == 0 || strcmp (key, "dcterms.title") == 0)
    offer (&m->title, &c->title, RANK_DC, value);
  else if (strcmp (key, "dc.creator") == 0 || strcmp (key, "dcterms.creator") == 0)
    offer_author (c, RANK_DC, value);
  else if (strcmp (key, "dc.publisher") == 0 || strcmp (key, "dcterms.publisher") == 0)
    offer (&m->site_name, &c->site, RANK_DC, value);
  else if (strcmp (key, "dc.date") == 0 || strcmp (key, "dcterms.date") == 0 || strcmp (key, "dc.date.issued") == 0 || strcmp (key, "dcterms.issued") == 0 || strcmp (key, "dcterms.created") == 0)
    offer (&m->date, &c->date, RANK_DC, value);
  else if (strcmp (key, "dc.identifier") == 0 || strcmp (key, "dcterms.identifier") == 0)
    offer_url (c, RANK_DC, value);
  else if (strcmp (key, "dc.language") == 0 || strcmp (key, "dcterms.language") == 0)
    offer_language (c, RANK_DC, value);
  else if (strcmp (key, "og:title") == 0)
    offer (&m->title, &c->title, RANK_OG, value);
  else if (strcmp (key, "og:site_name") == 0)
    offer (&m->site_name, &c->site, RANK_OG, value);
  else if (strcmp (key, "og:url") == 0)
    offer_url (c, RANK_OG, value);
  else if (strcmp (key, "og:locale") == 0)
    offer_language (c, RANK_OG, value);
  else if (strcmp (key, "article:published_time") == 0)
    offer (&m->date, &c->date, RANK_OG, value);
  else if (strcmp (key, "article:author") == 0 || strcmp (key, "author") == 0 || strcmp (key, "byl") == 0)
    offer_author (c, RANK_META, value);
  else if (strcmp (key, "twitter:title") == 0)
    offer (&m->title, &c->title, RANK_META, value);
  else if (strcmp (key, "date") == 0 || strcmp (key, "pubdate") == 0 || strcmp (key, "publish-date") == 0 || strcmp (key, "publication_date") == 0)
    offer (&m->date, &c->date, RANK_META, value);
  else if (strcmp (key, "application-name") == 0)
    offer (&m->site_name, &c->site, RANK_BYLINE, value);
  else if (strcmp (key, "content-language") == 0)
    offer_language (c, RANK_META, value);
}

/* JSON-LD: the schema.org object that describes the article. */

static const char *
json_string_member (JsonObject *object,
                    const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

/* A member that is a string, or an object with a "name" (a Person, an
 * Organization) or "@id" (a WebPage). */
static const char *
json_name_of (JsonNode   *node,
              const char *key)
{
  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_string_member (json_node_get_object (node), key);
  if (JSON_NODE_HOLDS_ARRAY (node) && json_array_get_length (json_node_get_array (node)) > 0)
    return json_name_of (json_array_get_element (json_node_get_array (node), 0), key);
  return NULL;
}

static gboolean
is_article_type (const char *type)
{
  return g_str_has_suffix (type, "Article") || strcmp (type, "BlogPosting") == 0 || strcmp (type, "SocialMediaPosting") == 0 || strcmp (type, "Report") == 0 || strcmp (type, "Blog") == 0 || strcmp (type, "Thesis") == 0 || strcmp (type, "Book") == 0 || strcmp (type, "Chapter") == 0;
}

/* 2 for an article, 1 for a web page, 0 for anything else. */
static int
type_score (JsonNode *type)
{
  const char *name;

  if (!JSON_NODE_HOLDS_VALUE (type) || json_node_get_value_type (type) != G_TYPE_STRING)
    return 0;
  name = json_node_get_string (type);
  if (is_article_type (name))
    return 2;
  return strcmp (name, "WebPage") == 0 ? 1 : 0;
}

/* The best score of an object's "@type", one type or a list of them. */
static int
json_type_score (JsonObject *object)
{
  JsonNode *type = json_object_get_member (object, "@type");
  int       score = 0;

  if (type == NULL)
    return 0;
  if (!JSON_NODE_HOLDS_ARRAY (type))
    return type_score (type);

  for (guint i = 0; i < json_array_get_length (json_node_get_array (type)); i++)
    score = MAX (score, type_score (json_array_get_element (json_node_get_array (type), i)));
  return score;
}

/* The best described object under @node: top-level objects, arrays of
 * them and "@graph" lists. */
static void
find_json_article (JsonNode    *node,
                   JsonObject **best,
                   int         *best_score,
                   const char **website)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        find_json_article (json_array_get_element (array, i), best, best_score, website);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonNode   *graph = json_object_get_member (object, "@graph");
      int         score = json_type_score (object);

      if (graph != NULL)
        find_json_article (graph, best, best_score, website);
      if (score > *best_score)
        {
          *best = object;
          *best_score = score;
        }
      if (*website == NULL && g_strcmp0 (json_string_member (object, "@type"), "WebSite") == 0)
        *website = json_string_member (object, "name");
    }
}

static void
take_json_authors (Collect  *c,
                   JsonNode *node)
{
  if (node == NULL)
    return;
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        take_json_authors (c, json_array_get_element (array, i));
    }
  else
    {
      offer_author (c, RANK_JSONLD, json_name_of (node, "name"));
    }
}

static void
take_json_ld (Collect    *c,
              const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  MgDocumentMetadata *m = c->metadata;
  JsonObject         *article = NULL;
  const char         *website = NULL;
  int                 score = 0;
  JsonNode           *root;

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL)
    return;

  find_json_article (root, &article, &score, &website);
  if (article != NULL)
    {
      const char *title = json_string_member (article, "headline");

      /* A headline in JSON-LD is sometimes a shortened one, made for
       * search results: the title as the page shares it comes first. */
      offer (&m->title, &c->title, RANK_META, title != NULL ? title : json_string_member (article, "name"));
      take_json_authors (c, json_object_get_member (article, "author"));
      offer (&m->date, &c->date, RANK_JSONLD, json_string_member (article, "datePublished"));
      offer (&m->date, &c->date, RANK_JSONLD, json_string_member (article, "dateCreated"));
      offer (&m->site_name, &c->site, RANK_JSONLD, json_name_of (json_object_get_member (article, "publisher"), "name"));
      offer (&m->site_name, &c->site, RANK_JSONLD, json_name_of (json_object_get_member (article, "isPartOf"), "name"));
      offer_url (c, RANK_JSONLD, json_string_member (article, "url"));
      offer_url (c, RANK_JSONLD, json_name_of (json_object_get_member (article, "mainEntityOfPage"), "@id"));
      offer_language (c, RANK_JSONLD, json_name_of (json_object_get_member (article, "inLanguage"), "alternateName"));
    }
  offer (&m->site_name, &c->site, RANK_OG, website);
}

/**
 * mg_html_json_ld_article_body:
 * @json: the text of a JSON-LD script
 *
 * Returns: (nullable): the articleBody of the article it describes, for
 *   pages that draw their article with scripts.
 */
char *
mg_html_json_ld_article_body (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *article = NULL;
  const char *website = NULL;
  const char *body;
  int         score = 0;

  if (json == NULL || !json_parser_load_from_data (parser, json, -1, NULL) || json_parser_get_root (parser) == NULL)
    return NULL;
  find_json_article (json_parser_get_root (parser), &article, &score, &website);
  body = article != NULL ? json_string_member (article, "articleBody") : NULL;
  return body != NULL && *body != '\0' ? g_strdup (body) : NULL;
}

static gboolean
is_one_of (const char        *word,
           const char *const *list)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (strcmp (word, list[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The class words of bylines and author names, as themes name them. */
static const char *const byline_words[] = {
  "byline", "author", "author-name", "author_name", "author__name", "author-link", "post-author", "article-author",
  "byline__name", "byline__author", "byline-name", "entry-author-name", NULL
};

/* Whether a class attribute has a word that names an author or a byline
 * ("byline", "author", "post-author", "author-name"), or (@comments) the
 * comments, whose authors are not the article's. */
static gboolean
class_names (xmlNode *node,
             gboolean comments)
{
  g_autofree char *storage = NULL;
  const char      *value = mg_html_attribute_value (node, "class", &storage);
  g_auto (GStrv) words = NULL;

  if (value == NULL)
    return FALSE;
  words = g_strsplit_set (value, " \t\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *word = g_ascii_strdown (words[i], -1);

      if (comments && (strcmp (word, "comments") == 0 || strcmp (word, "comment-list") == 0 || strcmp (word, "comment") == 0))
        return TRUE;
      if (!comments && is_one_of (word, byline_words))
        return TRUE;
    }
  return FALSE;
}

static gboolean
collect_enter (xmlNode *node,
               gpointer data)
{
  Collect    *c = data;
  const char *name;

  if (node->type != XML_ELEMENT_NODE)
    return FALSE;
  name = (const char *) node->name;

  if (strcmp (name, "meta") == 0)
    {
      g_autofree char *key = mg_html_get_attribute (node, "name");
      g_autofree char *content = mg_html_get_attribute (node, "content");

      if (key == NULL)
        key = mg_html_get_attribute (node, "property");
      if (key == NULL)
        key = mg_html_get_attribute (node, "http-equiv");
      if (key != NULL && content != NULL)
        {
          g_autofree char *lower = g_ascii_strdown (g_strstrip (key), -1);

          take_meta (c, lower, content);
        }
      return FALSE;
    }
  if (strcmp (name, "html") == 0)
    {
      g_autofree char *lang = mg_html_get_attribute (node, "lang");

      offer_language (c, RANK_CITATION, lang);
      return TRUE;
    }
  if (strcmp (name, "link") == 0)
    {
      if (mg_html_attribute_equals (node, "rel", "canonical"))
        {
          g_autofree char *href = mg_html_get_attribute (node, "href");

          offer_url (c, RANK_CITATION, href);
        }
      return FALSE;
    }
  if (strcmp (name, "title") == 0)
    {
      if (c->html_title == NULL && mg_html_is_element (node->parent, "head"))
        c->html_title = mg_html_node_text (node);
      return FALSE;
    }
  if (strcmp (name, "script") == 0)
    {
      if (mg_html_attribute_equals (node, "type", "application/ld+json"))
        {
          xmlChar *content = xmlNodeGetContent (node);

          take_json_ld (c, (const char *) content);
          xmlFree (content);
        }
      return FALSE;
    }
  if (strcmp (name, "style") == 0 || strcmp (name, "noscript") == 0 || strcmp (name, "template") == 0 || class_names (node, TRUE) || mg_html_attribute_equals (node, "id", "comments"))
    return FALSE;

  if (strcmp (name, "time") == 0 && (mg_html_attribute_equals (node, "itemprop", "datePublished") || xmlHasProp (node, (const xmlChar *) "pubdate") != NULL))
    {
      g_autofree char *datetime = mg_html_get_attribute (node, "datetime");

      offer (&c->metadata->date, &c->date, RANK_BYLINE, datetime);
    }

  /* The byline's authors: the first author element, and those beside it
   * ("By <a>A</a> and <a>B</a>"); a whole "byline" too long for a name
   * leaves the names to the elements inside it. */
  if (c->authors <= RANK_BYLINE && (c->byline_parent == NULL || c->byline_parent == node->parent) && (mg_html_attribute_equals (node, "rel", "author") || mg_html_attribute_equals (node, "itemprop", "author") || class_names (node, FALSE)))
    {
      g_autofree char *text = mg_html_node_text (node);

      if (text != NULL && *text != '\0' && strlen (text) <= 80)
        {
          offer_author (c, RANK_BYLINE, text);
          c->byline_parent = node->parent;
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * mg_html_read_metadata:
 * @root: the parsed page
 * @uri: where the page was read from: an http(s) address (a web page's
 *   snapshot) is the canonical address when the page names none
 *
 * Returns: (transfer full): what the page says about itself.
 */
MgDocumentMetadata *
mg_html_read_metadata (xmlNode    *root,
                       const char *uri)
{
  Collect c = { 0 };

  c.metadata = mg_document_metadata_new ();
  mg_html_walk (root, collect_enter, NULL, &c);

  /* og:title sometimes carries the site's name too. */
  if (c.metadata->title != NULL && c.metadata->site_name != NULL)
    {
      char *stripped = mg_document_metadata_strip_site (c.metadata->title, &c.metadata->site_name, FALSE);

      g_free (c.metadata->title);
      c.metadata->title = stripped;
    }
  if (c.html_title != NULL)
    {
      g_autofree char *stripped = mg_document_metadata_strip_site (c.html_title, &c.metadata->site_name, TRUE);

      offer (&c.metadata->title, &c.title, RANK_BYLINE, stripped);
    }

  if (c.metadata->url == NULL)
    offer_url (&c, RANK_BYLINE, uri);

  g_free (c.html_title);
  return c.metadata;
}
