/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-document-structure"

#include "config.h"

#include "mg-document-structure.h"

/**
 * MgDocumentStructure:
 *
 * What a rendered document has beyond its text: spans (headings, emphasis,
 * code, quotes, list items, links, rules, tables, images) and the headings
 * for a table of contents. Offsets are code points of the document's text, like every
 * offset in Marginalia.
 *
 * A structure is filled by a renderer, then sealed: sealing sorts the
 * spans (by start, outer spans before the spans they hold) and makes the
 * structure immutable, so a sealed structure can be shared between
 * threads. Strings (URLs, heading texts) are kept once, in a string chunk.
 */
struct _MgDocumentStructure
{
  GArray       *spans;
  GArray       *headings;
  GArray       *links; /* indices into spans, sorted, built when sealed */
  GStringChunk *strings;
  guint         end;
  gboolean      sealed;
};

G_DEFINE_BOXED_TYPE (MgDocumentStructure,
                     mg_document_structure,
                     mg_document_structure_ref,
                     mg_document_structure_unref)

static void
mg_document_structure_clear (gpointer data)
{
  MgDocumentStructure *self = data;

  g_clear_pointer (&self->spans, g_array_unref);
  g_clear_pointer (&self->headings, g_array_unref);
  g_clear_pointer (&self->links, g_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);
}

/**
 * mg_document_structure_new:
 *
 * Returns: (transfer full): a new, empty, unsealed structure
 */
MgDocumentStructure *
mg_document_structure_new (void)
{
  MgDocumentStructure *self = g_atomic_rc_box_new0 (MgDocumentStructure);

  self->spans = g_array_new (FALSE, FALSE, sizeof (MgSpan));
  self->headings = g_array_new (FALSE, FALSE, sizeof (MgHeading));
  self->strings = g_string_chunk_new (16384);

  return self;
}

/**
 * mg_document_structure_ref:
 * @self: a #MgDocumentStructure
 *
 * Returns: (transfer full): @self
 */
MgDocumentStructure *
mg_document_structure_ref (MgDocumentStructure *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

/**
 * mg_document_structure_unref:
 * @self: (transfer full): a #MgDocumentStructure
 */
void
mg_document_structure_unref (MgDocumentStructure *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, mg_document_structure_clear);
}

/**
 * mg_document_structure_add_span:
 * @self: an unsealed #MgDocumentStructure
 * @kind: the kind of span
 * @start: first code point
 * @end: code point after the span; not before @start
 * @level: heading level, or depth of a block quote or list item
 * @url: (nullable): the target of a link
 *
 * Adds a span. Spans may come in any order; sealing sorts them.
 */
void
mg_document_structure_add_span (MgDocumentStructure *self,
                                MgSpanKind           kind,
                                guint                start,
                                guint                end,
                                guint                level,
                                const char          *url)
{
  MgSpan span;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->sealed);
  g_return_if_fail (start <= end);
  g_return_if_fail (kind <= MG_SPAN_IMAGE);

  span.start = start;
  span.end = end;
  span.kind = kind;
  span.level = level;
  span.url = url != NULL ? g_string_chunk_insert_const (self->strings, url) : NULL;
  g_array_append_val (self->spans, span);

  self->end = MAX (self->end, end);
}

/**
 * mg_document_structure_add_heading:
 * @self: an unsealed #MgDocumentStructure
 * @level: 1 to 6
 * @start: first code point of the heading
 * @end: code point after the heading
 * @text: the heading's text, for a table of contents
 *
 * Adds an entry to the table of contents. Headings must be added in the
 * order of the text.
 */
void
mg_document_structure_add_heading (MgDocumentStructure *self,
                                   guint                level,
                                   guint                start,
                                   guint                end,
                                   const char          *text)
{
  MgHeading heading;

  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->sealed);
  g_return_if_fail (start <= end);
  g_return_if_fail (text != NULL);

  heading.text = g_string_chunk_insert (self->strings, text);
  heading.level = CLAMP (level, 1, 6);
  heading.start = start;
  heading.end = end;
  g_array_append_val (self->headings, heading);

  self->end = MAX (self->end, end);
}

static int
compare_spans (gconstpointer a,
               gconstpointer b)
{
  const MgSpan *span_a = a;
  const MgSpan *span_b = b;

  /* By start; at the same start the longer span first, since it holds the
   * shorter one; then by kind, so the order never depends on the order
   * spans were added in. */
  if (span_a->start != span_b->start)
    return span_a->start < span_b->start ? -1 : 1;
  if (span_a->end != span_b->end)
    return span_a->end > span_b->end ? -1 : 1;
  if (span_a->kind != span_b->kind)
    return span_a->kind < span_b->kind ? -1 : 1;
  return 0;
}

/**
 * mg_document_structure_seal:
 * @self: a #MgDocumentStructure
 *
 * Sorts the spans and makes @self immutable. Sealing twice does nothing.
 */
void
mg_document_structure_seal (MgDocumentStructure *self)
{
  g_return_if_fail (self != NULL);

  if (self->sealed)
    return;

  g_array_sort (self->spans, compare_spans);

  self->links = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < self->spans->len; i++)
    if (g_array_index (self->spans, MgSpan, i).kind == MG_SPAN_LINK)
      g_array_append_val (self->links, i);

  self->sealed = TRUE;
}

gboolean
mg_document_structure_is_sealed (MgDocumentStructure *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->sealed;
}

/**
 * mg_document_structure_get_spans:
 * @self: a sealed #MgDocumentStructure
 * @n_spans: (out) (optional): the number of spans
 *
 * Returns: (transfer none) (array length=n_spans): the spans, by start,
 *   outer spans before the spans they hold
 */
const MgSpan *
mg_document_structure_get_spans (MgDocumentStructure *self,
                                 guint               *n_spans)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->sealed, NULL);

  if (n_spans != NULL)
    *n_spans = self->spans->len;

  return (const MgSpan *) (gpointer) self->spans->data;
}

/**
 * mg_document_structure_get_headings:
 * @self: a #MgDocumentStructure
 * @n_headings: (out) (optional): the number of headings
 *
 * Returns: (transfer none) (array length=n_headings): the headings, in
 *   the order of the text
 */
const MgHeading *
mg_document_structure_get_headings (MgDocumentStructure *self,
                                    guint               *n_headings)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (n_headings != NULL)
    *n_headings = self->headings->len;

  return (const MgHeading *) (gpointer) self->headings->data;
}

/**
 * mg_document_structure_get_end:
 * @self: a #MgDocumentStructure
 *
 * Returns: the largest end offset of any span or heading; a document's
 *   text must be at least this long
 */
guint
mg_document_structure_get_end (MgDocumentStructure *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->end;
}

/**
 * mg_document_structure_get_link_at:
 * @self: a sealed #MgDocumentStructure
 * @offset: a code point offset
 *
 * Finds the link under a pointer or the cursor. Links never nest, so the
 * search is a binary search over the links alone.
 *
 * Returns: (transfer none) (nullable): the link span holding @offset
 */
const MgSpan *
mg_document_structure_get_link_at (MgDocumentStructure *self,
                                   guint                offset)
{
  guint lo = 0;
  guint hi;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (self->sealed, NULL);

  /* The last link starting at or before @offset. */
  hi = self->links->len;
  while (lo < hi)
    {
      guint         mid = lo + (hi - lo) / 2;
      const MgSpan *span = &g_array_index (self->spans, MgSpan,
                                           g_array_index (self->links, guint, mid));

      if (span->start <= offset)
        lo = mid + 1;
      else
        hi = mid;
    }

  if (lo > 0)
    {
      const MgSpan *span = &g_array_index (self->spans, MgSpan,
                                           g_array_index (self->links, guint, lo - 1));

      if (offset < span->end)
        return span;
    }

  return NULL;
}

/**
 * mg_span_kind_to_string:
 * @kind: a #MgSpanKind
 *
 * Returns: a short stable name for @kind, for tests and debugging
 */
const char *
mg_span_kind_to_string (MgSpanKind kind)
{
  switch (kind)
    {
    case MG_SPAN_HEADING:
      return "heading";
    case MG_SPAN_EMPHASIS:
      return "emphasis";
    case MG_SPAN_STRONG:
      return "strong";
    case MG_SPAN_CODE:
      return "code";
    case MG_SPAN_CODE_BLOCK:
      return "code-block";
    case MG_SPAN_BLOCK_QUOTE:
      return "block-quote";
    case MG_SPAN_LIST_ITEM:
      return "list-item";
    case MG_SPAN_LINK:
      return "link";
    case MG_SPAN_RULE:
      return "rule";
    case MG_SPAN_TABLE:
      return "table";
    case MG_SPAN_TABLE_HEADER:
      return "table-header";
    case MG_SPAN_IMAGE:
      return "image";
    default:
      return "unknown";
    }
}
