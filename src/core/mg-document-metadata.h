/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What a document says about itself, for citing it: read by the loader
 * from an HTML page's meta tags, JSON-LD and byline, or from a Markdown
 * file's front matter. Every field may be %NULL (unknown). */
typedef struct
{
  char  *title;
  char **authors; /* NULL-terminated, never NULL once filled */
  char  *site_name;
  char  *date;     /* the publication date as given (ISO 8601 mostly) */
  char  *url;      /* the canonical address */
  char  *language; /* a BCP 47 tag such as "en" or "fr-CA" */
} MgDocumentMetadata;

#define MG_TYPE_DOCUMENT_METADATA (mg_document_metadata_get_type ())

GType               mg_document_metadata_get_type (void) G_GNUC_CONST;
MgDocumentMetadata *mg_document_metadata_new (void);
MgDocumentMetadata *mg_document_metadata_copy (const MgDocumentMetadata *self);
void                mg_document_metadata_free (MgDocumentMetadata *self);
gboolean            mg_document_metadata_is_empty (const MgDocumentMetadata *self);

void  mg_document_metadata_add_author (MgDocumentMetadata *self,
                                       const char         *author);
char *mg_document_metadata_dup_authors (const MgDocumentMetadata *self);
char *mg_document_metadata_dup_day (const MgDocumentMetadata *self);
char *mg_document_metadata_strip_site (const char *title,
                                       char      **site_name,
                                       gboolean    guess);

gsize mg_document_metadata_parse_front_matter (const char          *text,
                                               gsize                len,
                                               MgDocumentMetadata **metadata);

char *mg_document_metadata_dup_byline (const MgDocumentMetadata *self);
char *mg_document_metadata_format_citation (const MgDocumentMetadata *self,
                                            const char               *title);
char *mg_document_metadata_format_quote (const MgDocumentMetadata *self,
                                         const char               *title,
                                         const char               *passage);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgDocumentMetadata, mg_document_metadata_free)

G_END_DECLS
