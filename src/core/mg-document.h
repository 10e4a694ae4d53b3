/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mg-document-metadata.h"
#include "mg-document-structure.h"
#include "mg-types.h"

G_BEGIN_DECLS

#define MG_DOCUMENT_ERROR (mg_document_error_quark ())

typedef enum
{
  MG_DOCUMENT_ERROR_NOT_TEXT,
  MG_DOCUMENT_ERROR_TOO_LARGE,
  MG_DOCUMENT_ERROR_IS_DIRECTORY,
  MG_DOCUMENT_ERROR_NOT_REGULAR,
} MgDocumentError;

/* Files larger than this are refused with MG_DOCUMENT_ERROR_TOO_LARGE. */
#define MG_DOCUMENT_MAX_SIZE (64 * 1024 * 1024)

#define MG_DOCUMENT_BUNDLED_URI "resource://" RESOURCE_PREFIX "/article.txt"

#define MG_TYPE_DOCUMENT (mg_document_get_type ())
G_DECLARE_FINAL_TYPE (MgDocument, mg_document, MG, DOCUMENT, GObject)

GQuark mg_document_error_quark (void);

MgDocument *mg_document_new_from_text (const char *text,
                                       gssize      len,
                                       const char *title,
                                       const char *uri);
MgDocument *mg_document_new_bundled (void);
MgDocument *mg_document_new_rendered (const char          *text,
                                      gssize               len,
                                      const char          *title,
                                      const char          *uri,
                                      MgDocumentFormat     format,
                                      const char          *encoding,
                                      gboolean             repaired,
                                      MgDocumentStructure *structure);

const char     *mg_document_get_title (MgDocument *self);
const char     *mg_document_get_uri (MgDocument *self);
const char     *mg_document_get_text (MgDocument *self);
gsize           mg_document_get_n_bytes (MgDocument *self);
gsize           mg_document_get_length (MgDocument *self);
const gunichar *mg_document_get_chars (MgDocument *self,
                                       gsize      *n_chars);
const char     *mg_document_get_sha256 (MgDocument *self);
gboolean        mg_document_get_repaired (MgDocument *self);
gboolean        mg_document_is_bundled (MgDocument *self);

const MgDocumentMetadata *mg_document_get_metadata (MgDocument *self);

MgDocumentFormat     mg_document_get_format (MgDocument *self);
const char          *mg_document_get_encoding (MgDocument *self);
MgDocumentStructure *mg_document_get_structure (MgDocument *self);
const MgSpan        *mg_document_get_spans (MgDocument *self,
                                            guint      *n_spans);
const MgHeading     *mg_document_get_headings (MgDocument *self,
                                               guint      *n_headings);

char *mg_document_normalize_text (const char *data,
                                  gsize       len,
                                  gboolean   *repaired);

G_END_DECLS
