/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * MgDocumentFormat:
 * @MG_DOCUMENT_FORMAT_TEXT: plain text, shown as it is
 * @MG_DOCUMENT_FORMAT_MARKDOWN: CommonMark, shown rendered
 * @MG_DOCUMENT_FORMAT_HTML: a web page, shown rendered
 *
 * What a document was read from. The text of a rendered document holds no
 * markup; its structure is in a #MgDocumentStructure.
 */
typedef enum
{
  MG_DOCUMENT_FORMAT_TEXT,
  MG_DOCUMENT_FORMAT_MARKDOWN,
  MG_DOCUMENT_FORMAT_HTML,
} MgDocumentFormat;

/**
 * MgSpanKind:
 * @MG_SPAN_HEADING: a heading; the level is 1 to 6
 * @MG_SPAN_EMPHASIS: emphasis (italic)
 * @MG_SPAN_STRONG: strong emphasis (bold)
 * @MG_SPAN_CODE: inline code
 * @MG_SPAN_CODE_BLOCK: a block of preformatted text, shown monospace, its
 *   white space kept
 * @MG_SPAN_BLOCK_QUOTE: a block quote; the level is its depth, from 1
 * @MG_SPAN_LIST_ITEM: a list item, bullet or number included; the level is
 *   the depth of its list, from 1
 * @MG_SPAN_LINK: a link; the span has a URL
 * @MG_SPAN_RULE: a thematic break, one line of its own
 * @MG_SPAN_TABLE: a table: its rows are lines, its cells set off by tabs
 * @MG_SPAN_TABLE_HEADER: a header row of a table (in <thead>, or of <th>
 *   cells only)
 * @MG_SPAN_IMAGE: an image, which is not shown: one line that says so,
 *   with its alternative text (Markdown), or "[Image]" / "[Image: …]"
 *   where a web page had one (mg_html_render_image())
 *
 * The kinds of structure a rendered document has.
 */
typedef enum
{
  MG_SPAN_HEADING,
  MG_SPAN_EMPHASIS,
  MG_SPAN_STRONG,
  MG_SPAN_CODE,
  MG_SPAN_CODE_BLOCK,
  MG_SPAN_BLOCK_QUOTE,
  MG_SPAN_LIST_ITEM,
  MG_SPAN_LINK,
  MG_SPAN_RULE,
  MG_SPAN_TABLE,
  MG_SPAN_TABLE_HEADER,
  MG_SPAN_IMAGE,
} MgSpanKind;

/**
 * MgSpan:
 * @start: first code point of the span in the document's text
 * @end: code point after the span
 * @kind: what the span is
 * @level: heading level, block quote or list depth; 0 for other kinds
 * @url: (nullable): the target of a %MG_SPAN_LINK, owned by the structure
 *
 * One stretch of structured text. Spans nest properly: two spans are
 * either disjoint or one holds the other.
 */
typedef struct
{
  guint       start;
  guint       end;
  MgSpanKind  kind;
  guint       level;
  const char *url;
} MgSpan;

/**
 * MgHeading:
 * @text: the heading's text, on one line, owned by the structure
 * @level: 1 to 6
 * @start: first code point of the heading in the document's text
 * @end: code point after the heading
 *
 * One entry of a table of contents.
 */
typedef struct
{
  const char *text;
  guint       level;
  guint       start;
  guint       end;
} MgHeading;

/**
 * MG_DOCUMENT_MAX_DEPTH:
 *
 * How deep spans nest at most, and the highest block quote or list level.
 * A renderer flattens deeper structure into the span at this depth, so
 * that no document, however deeply it nests, costs the reader view more
 * than this many levels.
 */
#define MG_DOCUMENT_MAX_DEPTH 32

typedef struct _MgDocumentStructure MgDocumentStructure;

#define MG_TYPE_DOCUMENT_STRUCTURE (mg_document_structure_get_type ())

GType                mg_document_structure_get_type (void) G_GNUC_CONST;
MgDocumentStructure *mg_document_structure_new (void);
MgDocumentStructure *mg_document_structure_ref (MgDocumentStructure *self);
void                 mg_document_structure_unref (MgDocumentStructure *self);

void     mg_document_structure_add_span (MgDocumentStructure *self,
                                         MgSpanKind           kind,
                                         guint                start,
                                         guint                end,
                                         guint                level,
                                         const char          *url);
void     mg_document_structure_add_heading (MgDocumentStructure *self,
                                            guint                level,
                                            guint                start,
                                            guint                end,
                                            const char          *text);
void     mg_document_structure_seal (MgDocumentStructure *self);
gboolean mg_document_structure_is_sealed (MgDocumentStructure *self);

const MgSpan    *mg_document_structure_get_spans (MgDocumentStructure *self,
                                                  guint               *n_spans);
const MgHeading *mg_document_structure_get_headings (MgDocumentStructure *self,
                                                     guint               *n_headings);
guint            mg_document_structure_get_end (MgDocumentStructure *self);
const MgSpan    *mg_document_structure_get_link_at (MgDocumentStructure *self,
                                                    guint                offset);

const char *mg_span_kind_to_string (MgSpanKind kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgDocumentStructure, mg_document_structure_unref)

G_END_DECLS
