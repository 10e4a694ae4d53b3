/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-export"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-annotation.h"
#include "mg-document.h"
#include "mg-export-private.h"

/*
 * Exports: Markdown for a notebook (Obsidian, Zettlr, a paper draft,
 * mg-export-markdown.c) and W3C Web Annotation JSON-LD for other
 * annotation tools (mg-export-w3c.c). This file holds what both share:
 * which annotations are exported and in what order, and where they are
 * in the document (its paragraphs and headings).
 *
 * Both describe the document as it is now: an annotation found in the text
 * is exported with the text and position where it was found (for a moved
 * annotation that is not its stored target), an orphan with its stored
 * quote and context and no place in the document (its stored position
 * now covers other words). Both list annotations in document order,
 * orphans last and apart, whatever the order of the model they are
 * given.
 */

static const MgExportOptions default_options = { 0 };

/* Whether @note says anything: a note of white space is no note. */
gboolean
mg_export_has_note (const char *note)
{
  for (const char *p = note; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return TRUE;
    }

  return FALSE;
}

static gboolean
is_wanted (MgAnnotation          *annotation,
           const MgExportOptions *options)
{
  if (options->notes_only && !mg_export_has_note (mg_annotation_get_note (annotation)))
    return FALSE;

  if (options->color_mask != 0 && (options->color_mask & (1u << mg_annotation_get_color (annotation))) == 0)
    return FALSE;

  if (options->tag != NULL && !mg_annotation_has_tag (annotation, options->tag))
    return FALSE;

  return TRUE;
}

/* The order of MgAnnotationList: found annotations by range, orphans last
 * by stored start; then creation time and id. */
static int
item_compare (gconstpointer a,
              gconstpointer b)
{
  const MgExportItem *x = a;
  const MgExportItem *y = b;
  gboolean            x_orphan = x->state == MG_ANNOTATION_STATE_ORPHANED;
  gboolean            y_orphan = y->state == MG_ANNOTATION_STATE_ORPHANED;

  if (x_orphan != y_orphan)
    return x_orphan ? 1 : -1;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  if (x->created != y->created)
    return x->created < y->created ? -1 : 1;

  return strcmp (mg_annotation_get_id (x->annotation), mg_annotation_get_id (y->annotation));
}

static void
item_clear (gpointer data)
{
  MgExportItem *item = data;

  g_clear_object (&item->annotation);
  g_clear_pointer (&item->block_id, g_free);
}

/* A title made from a file name that is not UTF-8 may not be either. */
static char *
make_valid (const char *str)
{
  if (str == NULL)
    return g_strdup ("");

  return g_utf8_make_valid (str, -1);
}

void
mg_export_init (MgExport              *self,
                MgDocument            *document,
                GListModel            *annotations,
                const MgExportOptions *options)
{
  guint n = g_list_model_get_n_items (annotations);
  guint i;

  self->document = document;
  self->options = options != NULL ? options : &default_options;
  self->title = make_valid (mg_document_get_title (document));
  /* The sample article lives in the program's resources: its path there
   * means nothing outside the program, so exports name it instead. */
  if (g_str_has_prefix (mg_document_get_uri (document), "resource:"))
    self->uri = g_strdup ("urn:x-marginalia:sample-article");
  else
    self->uri = make_valid (mg_document_get_uri (document));
  self->chars = mg_document_get_chars (document, &self->n_chars);
  self->paragraphs = NULL;
  self->n_paragraphs = 0;
  self->items = g_array_sized_new (FALSE, TRUE, sizeof (MgExportItem), n);
  g_array_set_clear_func (self->items, item_clear);

  for (i = 0; i < n; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (annotations, i);
      GDateTime   *created;
      MgExportItem item = { 0 };

      if (!MG_IS_ANNOTATION (annotation) || !is_wanted (annotation, self->options))
        continue;

      item.state = mg_annotation_get_state (annotation);
      if (item.state != MG_ANNOTATION_STATE_ORPHANED)
        {
          item.start = mg_annotation_get_range_start (annotation);
          item.end = mg_annotation_get_range_end (annotation);

          /* A range that is not in this document is no anchoring of it. */
          if (item.start > item.end || item.end > self->n_chars)
            item.state = MG_ANNOTATION_STATE_ORPHANED;
        }
      if (item.state == MG_ANNOTATION_STATE_ORPHANED)
        {
          item.start = mg_annotation_get_start (annotation);
          item.end = mg_annotation_get_end (annotation);
        }

      created = mg_annotation_get_created (annotation);
      item.created = g_date_time_to_unix (created) * G_USEC_PER_SEC + g_date_time_get_microsecond (created);
      item.annotation = g_steal_pointer (&annotation);
      g_array_append_val (self->items, item);
    }

  /* A GArray sorts stably: equal items keep the model's order. */
  g_array_sort (self->items, item_compare);
}

void
mg_export_clear (MgExport *self)
{
  g_clear_pointer (&self->items, g_array_unref);
  g_clear_pointer (&self->paragraphs, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->uri, g_free);
}

/* The text of [start, end) of the document, as UTF-8. */
char *
mg_export_document_slice (MgExport *self,
                          guint     start,
                          guint     end)
{
  char *text;

  g_assert (start <= end && end <= self->n_chars);

  text = g_ucs4_to_utf8 (self->chars + start, end - start, NULL, NULL, NULL);

  /* The document's text is valid, so this never fails; stay safe if so. */
  return text != NULL ? text : g_strdup ("");
}

/* The passage as the document holds it now: the stored quote where it was
 * found unchanged, the text found for a moved one, the stored quote for an
 * orphan. @to_free receives what must be freed. */
const char *
mg_export_item_passage (MgExport           *self,
                        const MgExportItem *item,
                        char              **to_free)
{
  *to_free = NULL;

  if (item->state == MG_ANNOTATION_STATE_MOVED)
    return *to_free = mg_export_document_slice (self, item->start, item->end);

  return mg_annotation_get_exact (item->annotation);
}

/*
 * Paragraphs. A plain-text document shows them in one of two ways: one
 * paragraph per line (most articles saved from the web), or paragraphs
 * hard-wrapped into short lines and separated by blank lines (e-texts,
 * e-mail). A text that has blank lines and whose lines are mostly short
 * (at most WRAPPED_LINE_LENGTH code points) is taken as wrapped, and its
 * paragraphs are runs of lines that are not blank; in any other text each
 * line that is not blank is a paragraph.
 */

#define WRAPPED_LINE_LENGTH 100

typedef struct
{
  guint start; /* code-point offset */
  guint blank : 1;
  guint short_line : 1;
} Line;

/* Whether a line holds nothing but white space. */
static gboolean
is_blank_line (const char *line,
               const char *end)
{
  const char *p;

  for (p = line; p < end; p = g_utf8_next_char (p))
    {
      if ((guchar) *p < 0x80 ? !g_ascii_isspace (*p) : !g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

/* The number of code points in [p, end): the bytes that do not continue
 * a character. */
static gsize
count_code_points (const char *p,
                   const char *end)
{
  gsize n = 0;

  for (; p < end; p++)
    n += ((guchar) *p & 0xC0) != 0x80;

  return n;
}

static void
build_paragraphs (MgExport *self)
{
  const char *text = mg_document_get_text (self->document);
  const char *end = text + mg_document_get_n_bytes (self->document);
  g_autoptr (GArray) lines = g_array_new (FALSE, FALSE, sizeof (Line));
  GArray     *starts = g_array_new (FALSE, FALSE, sizeof (guint));
  const char *p = text;
  gsize       offset = 0;
  gsize       n_blank = 0;
  gsize       n_short = 0;
  gboolean    wrapped;
  gboolean    in_paragraph = FALSE;
  guint       i;

  /* One pass over the text: where each line starts, and what it is. */
  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      const char *line_end = nl != NULL ? nl : end;
      gsize       length = count_code_points (p, line_end);
      Line        line = { 0 };

      line.start = (guint) offset;
      line.blank = is_blank_line (p, line_end);
      line.short_line = length <= WRAPPED_LINE_LENGTH;
      g_array_append_val (lines, line);

      n_blank += line.blank;
      n_short += !line.blank && line.short_line;
      offset += length + 1;
      p = line_end + 1;
    }

  wrapped = n_blank > 0 && n_short * 2 > lines->len - n_blank;

  for (i = 0; i < lines->len; i++)
    {
      const Line *line = &g_array_index (lines, Line, i);

      if (line->blank)
        {
          in_paragraph = FALSE;
        }
      else if (!in_paragraph || !wrapped)
        {
          g_array_append_val (starts, line->start);
          in_paragraph = TRUE;
        }
    }

  self->n_paragraphs = starts->len;
  self->paragraphs = (guint *) (void *) g_array_free (starts, FALSE);
}

/* The paragraph (from 1) holding @offset; an offset in blank lines belongs
 * to the paragraph before them, one before any paragraph to the first. */
guint
mg_export_paragraph_at (MgExport *self,
                        guint     offset)
{
  guint lo = 0;
  guint hi;

  if (self->paragraphs == NULL)
    build_paragraphs (self);

  /* The number of paragraphs that start at or before @offset. */
  hi = self->n_paragraphs;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (self->paragraphs[mid] <= offset)
        lo = mid + 1;
      else
        hi = mid;
    }

  return MAX (lo, 1);
}

/**
 * mg_export_heading_at:
 * @document: a document
 * @offset: a code-point offset in @document
 *
 * The section a passage sits in, for documents with headings (Markdown
 * and HTML): the text of the last heading that starts at or before
 * @offset. It is the location an export gives when the caller names no
 * section function of its own.
 *
 * Returns: (transfer full) (nullable): the heading's text, or %NULL
 */
char *
mg_export_heading_at (MgDocument *document,
                      guint       offset)
{
  const MgHeading *headings;
  guint            n = 0;
  guint            lo = 0;
  guint            hi;

  g_return_val_if_fail (MG_IS_DOCUMENT (document), NULL);

  headings = mg_document_get_headings (document, &n);
  if (headings == NULL || n == 0)
    return NULL;

  /* Headings are in document order: find the last one starting at or
   * before the offset. */
  hi = n;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (headings[mid].start <= offset)
        lo = mid + 1;
      else
        hi = mid;
    }

  if (lo == 0)
    return NULL;

  return g_strdup (headings[lo - 1].text);
}

/**
 * mg_export_paragraph_number:
 * @document: a #MgDocument
 * @offset: a code-point offset in @document
 *
 * The number, from 1, of the paragraph that holds @offset, as the Markdown
 * export gives it: each line that is not blank is a paragraph, but in a
 * text hard-wrapped into short lines with blank lines between paragraphs,
 * each run of lines that are not blank is one. An offset in blank lines
 * belongs to the paragraph before them. This scans the whole document:
 * the exporters scan once for all annotations.
 *
 * Returns: the paragraph number, from 1
 */
guint
mg_export_paragraph_number (MgDocument *document,
                            guint       offset)
{
  MgExport self = { 0 };
  guint    number;

  g_return_val_if_fail (MG_IS_DOCUMENT (document), 1);

  self.document = document;
  self.chars = mg_document_get_chars (document, &self.n_chars);
  number = mg_export_paragraph_at (&self, offset);
  g_free (self.paragraphs);

  return number;
}

/**
 * mg_export_uuid_urn_for_name:
 * @name: any text, e.g. a URL
 *
 * A name-based (version 5, SHA-1) UUID in the URL namespace, as a URN: the
 * same name always gives the same id (RFC 4122, section 4.3). For ids
 * that must stay the same at every export or import.
 *
 * Returns: (transfer full): "urn:uuid:" and the UUID
 */
char *
mg_export_uuid_urn_for_name (const char *name)
{
  static const guint8 url_namespace[16] = {
    0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
    0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8
  };
  g_autoptr (GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 digest[20];
  gsize  len = sizeof digest;

  g_return_val_if_fail (name != NULL, NULL);

  g_checksum_update (sha1, url_namespace, sizeof url_namespace);
  g_checksum_update (sha1, (const guchar *) name, strlen (name));
  g_checksum_get_digest (sha1, digest, &len);

  digest[6] = (digest[6] & 0x0f) | 0x50;
  digest[8] = (digest[8] & 0x3f) | 0x80;

  return g_strdup_printf ("urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          digest[0], digest[1], digest[2], digest[3], digest[4], digest[5],
                          digest[6], digest[7], digest[8], digest[9], digest[10], digest[11],
                          digest[12], digest[13], digest[14], digest[15]);
}
