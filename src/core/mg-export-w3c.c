/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-export"

#include "config.h"

#include <string.h>

#include "mg-annotation-json.h"
#include "mg-export-private.h"
#include "mg-json-writer.h"

/* The W3C Web Annotation export: an AnnotationCollection in JSON-LD for
 * other annotation tools, written with the one JSON writer, each
 * annotation in its one JSON shape (mg-annotation-json.c) with what only
 * an export says: where the passage is now (or that it is not found), and
 * its stylesheet. */

/* Highlight colours as the reader shows them in a light theme, for the
 * stylesheet of the W3C export. */
static const char *const css_colors[MG_N_COLORS] = {
  [MG_COLOR_YELLOW] = "rgba(248, 228, 92, 0.55)",
  [MG_COLOR_GREEN] = "rgba(143, 240, 164, 0.55)",
  [MG_COLOR_BLUE] = "rgba(153, 193, 241, 0.6)",
  [MG_COLOR_PINK] = "rgba(255, 170, 200, 0.6)",
  [MG_COLOR_PURPLE] = "rgba(220, 170, 235, 0.6)",
  [MG_COLOR_ORANGE] = "rgba(255, 190, 111, 0.6)",
};

/* What the collection holds, for its id: a different selection of the
 * same document is a different collection. */
static char *
collection_name (MgExport *self)
{
  const MgExportOptions *options = self->options;

  return g_strdup_printf ("marginalia:annotations?source=%s&notes-only=%d&colors=%u&tag=%s",
                          self->uri,
                          options->notes_only ? 1 : 0,
                          options->color_mask,
                          options->tag != NULL ? options->tag : "");
}

static void
write_annotation (MgExport           *self,
                  MgJsonWriter       *w,
                  const MgExportItem *item)
{
  MgAnnotation       *annotation = item->annotation;
  const char         *color = mg_color_to_string (mg_annotation_get_color (annotation));
  g_autofree char    *created = mg_format_timestamp (mg_annotation_get_created (annotation));
  g_autofree char    *modified = mg_format_timestamp (mg_annotation_get_modified (annotation));
  g_autofree char    *css = g_strdup_printf (".%s { background-color: %s; }", color,
                                             css_colors[mg_annotation_get_color (annotation)]);
  g_autofree char    *exact_copy = NULL;
  g_autofree char    *prefix_copy = NULL;
  g_autofree char    *suffix_copy = NULL;
  MgAnnotationJsonW3c w3c = { 0 };

  w3c.source = self->uri;
  w3c.stylesheet = css;
  w3c.with_note = mg_export_has_note (mg_annotation_get_note (annotation));
  w3c.start = item->start;
  w3c.end = item->end;

  /* An orphan's passage is not in this version of the document, and its
   * stored position now covers other words, which a tool that trusts
   * positions would highlight: it is exported with its quote and context
   * only, marked as not found (see MG_ANNOTATION_JSON_STATE_MEMBER). Its
   * source stays the document, of which an earlier version held it. */
  if (item->state == MG_ANNOTATION_STATE_ORPHANED)
    {
      w3c.not_found = TRUE;
      w3c.exact = mg_annotation_get_exact (annotation);
      w3c.prefix = mg_annotation_get_prefix (annotation);
      w3c.suffix = mg_annotation_get_suffix (annotation);
    }
  else
    {
      guint before = item->start >= MG_ANNOTATION_CONTEXT_LENGTH ? item->start - MG_ANNOTATION_CONTEXT_LENGTH : 0;
      guint after = (guint) MIN ((gsize) item->end + MG_ANNOTATION_CONTEXT_LENGTH, self->n_chars);

      w3c.exact = mg_export_item_passage (self, item, &exact_copy);
      w3c.prefix = prefix_copy = mg_export_document_slice (self, before, item->start);
      w3c.suffix = suffix_copy = mg_export_document_slice (self, item->end, after);
    }

  mg_json_writer_element (w);
  mg_annotation_json_write (w, annotation, created, modified, &w3c);
}

/**
 * mg_export_w3c:
 * @document: the annotated #MgDocument
 * @annotations: a #GListModel of #MgAnnotation, anchored in @document
 * @options: (nullable): what to export; %NULL exports everything
 *
 * Exports annotations as a W3C Web Annotation AnnotationCollection in
 * JSON-LD (`@context` "http://www.w3.org/ns/anno.jsonld"), with the
 * annotations in document order in its first and only AnnotationPage. The
 * collection and page ids are name-based UUIDs of the document's URI and
 * the options, so a new export of the same selection has the same ids.
 *
 * Each annotation has its id, type, motivation ("commenting" with a note,
 * else "highlighting"), created and modified (UTC, "Z"), a CssStylesheet
 * with a class for its colour, a body (a TextualBody for the note, purpose
 * "commenting" and format "text/markdown", and one per tag, purpose
 * "tagging"), and a target: the document's URI as source, the colour's
 * styleClass, a quote selector and a position selector, in code
 * points, as the annotation was found in the document. An orphan (its
 * passage is not in the document) claims no place: its target has its
 * stored quote selector only, and `"marginalia:state": "orphaned"`, which
 * mg_import_w3c() reads back.
 *
 * Returns: (transfer full): the JSON text, indented, keys in a fixed order
 */
char *
mg_export_w3c (MgDocument            *document,
               GListModel            *annotations,
               const MgExportOptions *options)
{
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *name = NULL;
  g_autofree char *page_name = NULL;
  g_autofree char *collection_id = NULL;
  g_autofree char *page_id = NULL;
  g_autofree char *generated = NULL;
  MgExport         self;
  MgJsonWriter     w;
  guint            i;

  g_return_val_if_fail (MG_IS_DOCUMENT (document), NULL);
  g_return_val_if_fail (G_IS_LIST_MODEL (annotations), NULL);

  mg_export_init (&self, document, annotations, options);

  name = collection_name (&self);
  page_name = g_strconcat (name, "&page=1", NULL);
  collection_id = mg_export_uuid_urn_for_name (name);
  page_id = mg_export_uuid_urn_for_name (page_name);
  now = self.options->now != NULL ? g_date_time_ref (self.options->now) : g_date_time_new_now_utc ();
  generated = mg_format_timestamp (now);

  mg_json_writer_init (&w, g_string_sized_new (4096 + self.items->len * 1536),
                       MG_JSON_WRITER_PRETTY | MG_JSON_WRITER_TIGHT_COLON | MG_JSON_WRITER_ESCAPE_LINE_SEPARATORS);

  mg_json_writer_open (&w, '{');
  mg_json_writer_plain_string_member (&w, "@context", "http://www.w3.org/ns/anno.jsonld");
  mg_json_writer_string_member (&w, "id", collection_id);
  mg_json_writer_plain_string_member (&w, "type", "AnnotationCollection");
  mg_json_writer_string_member (&w, "label", self.title);
  mg_json_writer_plain_string_member (&w, "generated", generated);
  mg_json_writer_int_member (&w, "total", self.items->len);

  mg_json_writer_plain_member (&w, "first");
  mg_json_writer_open (&w, '{');
  mg_json_writer_string_member (&w, "id", page_id);
  mg_json_writer_plain_string_member (&w, "type", "AnnotationPage");
  mg_json_writer_int_member (&w, "startIndex", 0);
  mg_json_writer_plain_member (&w, "items");
  mg_json_writer_open (&w, '[');
  for (i = 0; i < self.items->len; i++)
    write_annotation (&self, &w, &g_array_index (self.items, MgExportItem, i));
  mg_json_writer_close (&w, ']');
  mg_json_writer_close (&w, '}');

  mg_json_writer_close (&w, '}');
  g_string_append_c (w.out, '\n');

  mg_export_clear (&self);

  return g_string_free (w.out, FALSE);
}
