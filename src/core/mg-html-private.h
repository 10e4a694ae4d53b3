/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libxml/tree.h>

#include "mg-document-builder.h"
#include "mg-document-metadata.h"

G_BEGIN_DECLS

/* What mg-html-renderer.c and mg-html-reader-mode.c share: the kinds of
 * elements, the attribute look-ups, the tree walk and the context of one
 * page's rendering. */

typedef enum
{
  ELEMENT_INLINE = 0, /* unknown elements too, as in a browser */
  ELEMENT_BLOCK,
  ELEMENT_DROP,
  ELEMENT_FORM,
  ELEMENT_CHROME,
  ELEMENT_HEADING,
  ELEMENT_PRE,
  ELEMENT_QUOTE,
  ELEMENT_LIST,
  ELEMENT_ORDERED_LIST,
  ELEMENT_ITEM,
  ELEMENT_RULE,
  ELEMENT_BREAK,
  ELEMENT_IMAGE,
  ELEMENT_LINK,
  ELEMENT_EMPHASIS,
  ELEMENT_STRONG,
  ELEMENT_CODE,
  ELEMENT_ROW,
  ELEMENT_CELL,
  ELEMENT_QUOTATION,
} MgHtmlElementKind;

typedef enum
{
  FLAG_HOLDS_CONTENT = 1 << 0,  /* an <article> or <main>, or holds one */
  FLAG_HOLDS_TITLE = 1 << 1,    /* holds an <h1> */
  FLAG_IN_SECTIONING = 1 << 2,  /* a <header> or <footer> inside an article, section, main, aside or nav */
  FLAG_DROP = 1 << 3,           /* not part of the article (mg-html-reader-score.c) */
  FLAG_KEEP = 1 << 4,           /* the article's best candidate, or holds it */
  FLAG_HOLDS_HEADLINE = 1 << 5, /* the headline, or holds it */
} MgHtmlNodeFlags;

typedef struct _MgHtmlScore MgHtmlScore;

typedef struct
{
  MgDocumentBuilder *builder;
  GHashTable        *flags;   /* xmlNode → MgHtmlNodeFlags */
  GHashTable        *lengths; /* xmlNode → visible text length, for candidates */
  GPtrArray         *articles;
  GPtrArray         *mains;
  xmlNode           *body;
  char              *title;
  char              *og_title;
  char              *uri;
  char              *base_href; /* <base href> */
  char              *canonical; /* <link rel="canonical">, or og:url */
  char              *base;      /* what relative links resolve against */
  gboolean           lenient;
  GArray            *counts;           /* gsize, one per open element while measuring */
  guint              sectioning_depth; /* while scanning */
  MgHtmlScore       *score;            /* the article's choice, mg-html-reader-score.c */
  GPtrArray         *json_ld;          /* <script type="application/ld+json"> elements */
  GPtrArray         *headlines;        /* <h1>, <h2> and elements named "headline", in order */
} MgHtmlContext;

typedef gboolean (*MgHtmlEnterFunc) (xmlNode *node,
                                     gpointer data);
typedef void (*MgHtmlLeaveFunc) (xmlNode *node,
                                 gpointer data);

MgHtmlElementKind mg_html_element_kind (const xmlNode *node);
gboolean          mg_html_is_element (const xmlNode *node,
                                      const char    *name);
const char       *mg_html_attribute_value (xmlNode    *node,
                                           const char *name,
                                           char      **storage);
char             *mg_html_get_attribute (xmlNode    *node,
                                         const char *name);
gboolean          mg_html_attribute_equals (xmlNode    *node,
                                            const char *name,
                                            const char *value);
void              mg_html_walk (xmlNode        *root,
                                MgHtmlEnterFunc enter,
                                MgHtmlLeaveFunc leave,
                                gpointer        data);

void     mg_html_context_init (MgHtmlContext     *ctx,
                               MgDocumentBuilder *builder,
                               const char        *uri);
void     mg_html_context_clear (MgHtmlContext *ctx);
void     mg_html_scan (MgHtmlContext *ctx,
                       xmlNode       *root);
xmlNode *mg_html_choose_content_root (MgHtmlContext *ctx,
                                      xmlNode       *root);
gboolean mg_html_should_drop (MgHtmlContext    *ctx,
                              xmlNode          *node,
                              MgHtmlElementKind kind);

MgHtmlNodeFlags mg_html_node_flags (MgHtmlContext *ctx,
                                    xmlNode       *node);
void            mg_html_mark (MgHtmlContext  *ctx,
                              xmlNode        *node,
                              MgHtmlNodeFlags flag);
int             mg_html_class_weight (xmlNode *node);
gboolean        mg_html_class_names_headline (xmlNode *node);
gboolean        mg_html_is_hidden (xmlNode *node);
xmlNode        *mg_html_score_content (MgHtmlContext *ctx,
                                       xmlNode       *semantic);
guint           mg_html_score_text_length (MgHtmlContext *ctx,
                                           xmlNode       *node);
void            mg_html_score_free (MgHtmlScore *score);
void            mg_html_render_image (MgHtmlContext *ctx,
                                      xmlNode       *node);

char               *mg_html_node_text (xmlNode *node);
char               *mg_html_json_ld_article_body (const char *json);
MgDocumentMetadata *mg_html_read_metadata (xmlNode    *root,
                                           const char *uri);

G_END_DECLS
