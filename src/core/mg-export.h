/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mg-library.h"
#include "mg-types.h"

G_BEGIN_DECLS

/**
 * MgExportSectionFunc:
 * @document: the document being exported
 * @offset: a code-point offset in @document
 * @user_data: the data given with the function
 *
 * Names the part of the document that holds @offset, e.g. the heading a
 * paragraph of a Markdown document sits under. The exporters know nothing
 * of a document's structure: this is how a caller that does tells them.
 *
 * Returns: (transfer full) (nullable): plain text (not Markdown), or %NULL
 *   when @offset is not inside any named part
 */
typedef char *(*MgExportSectionFunc) (MgDocument *document,
                                      guint       offset,
                                      gpointer    user_data);

/**
 * MgExportOptions:
 * @notes_only: export only annotations with a note
 * @color_mask: export only annotations whose colour is in the mask, as
 *   `1 << MG_COLOR_…`; 0 means every colour
 * @tag: (nullable): export only annotations with exactly this tag
 * @now: (nullable): the export time written in the file; %NULL is the
 *   current time (tests pass a fixed one)
 * @section_func: (nullable): names the section of each passage's location
 * @section_data: data for @section_func
 * @document_id: (nullable): the document's stable id (mg-document-ids.h):
 *   then each Markdown entry links back to its passage in Marginalia
 *   (mg_document_link_new())
 *
 * What to export. A zero-filled struct, or %NULL, exports everything.
 */
typedef struct
{
  gboolean            notes_only;
  guint               color_mask;
  const char         *tag;
  GDateTime          *now;
  MgExportSectionFunc section_func;
  gpointer            section_data;
  const char         *document_id;
} MgExportOptions;

char *mg_export_markdown (MgDocument            *document,
                          GListModel            *annotations,
                          const MgExportOptions *options);
char *mg_export_w3c (MgDocument            *document,
                     GListModel            *annotations,
                     const MgExportOptions *options);

/* The building blocks, for tests and other exporters. */
void  mg_export_append_blockquote (GString    *out,
                                   const char *text);
char *mg_export_tag_name (const char *tag);
char *mg_export_block_id (const char *id);
char *mg_export_heading_at (MgDocument *document,
                            guint       offset);
guint mg_export_paragraph_number (MgDocument *document,
                                  guint       offset);
char *mg_export_uuid_urn_for_name (const char *name);

/* Export everything (mg-export-all.c) ------------------------------------ */

/**
 * MgExportFormat:
 * @MG_EXPORT_FORMAT_MARKDOWN: Markdown, one `.md` file per document
 * @MG_EXPORT_FORMAT_W3C: W3C Web Annotations, one AnnotationCollection
 *   (`.jsonld`) per document
 */
typedef enum
{
  MG_EXPORT_FORMAT_MARKDOWN,
  MG_EXPORT_FORMAT_W3C,
} MgExportFormat;

/* The file in the export folder that says which of its files Marginalia
 * wrote, for which documents (see mg_export_all()). */
#define MG_EXPORT_ALL_MANIFEST ".marginalia-export.json"

/**
 * MgExportAllStats:
 * @n_documents: documents whose export is in the folder now
 * @n_written: files written this time (new, or their content changed)
 * @n_missing: of @n_documents, those whose file is gone: exported from
 *   their stored annotations
 * @n_unreadable: annotation files that could not be read, left out
 * @notices: (element-type utf8): what the user should be told: a name
 *   taken by a file Marginalia did not write, an annotation file left out
 *
 * What mg_export_all() did. Clear it with mg_export_all_stats_clear().
 */
typedef struct
{
  guint      n_documents;
  guint      n_written;
  guint      n_missing;
  guint      n_unreadable;
  GPtrArray *notices;
} MgExportAllStats;

void mg_export_all_stats_clear (MgExportAllStats *stats);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MgExportAllStats, mg_export_all_stats_clear)

gboolean mg_export_all (MgLibrary        *library,
                        MgExportFormat    format,
                        GFile            *dir,
                        MgExportAllStats *stats,
                        GCancellable     *cancellable,
                        GError          **error);
void     mg_export_all_async (MgLibrary          *library,
                              MgExportFormat      format,
                              GFile              *dir,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data);
gboolean mg_export_all_finish (MgLibrary        *library,
                               GAsyncResult     *result,
                               MgExportAllStats *stats,
                               GError          **error);
char    *mg_export_file_stem (const char *title);

GPtrArray *mg_export_read_stored_annotations (const char   *store_path,
                                              GCancellable *cancellable,
                                              GError      **error);

G_END_DECLS
