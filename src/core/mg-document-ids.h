/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define MG_TYPE_DOCUMENT_IDS (mg_document_ids_get_type ())
G_DECLARE_FINAL_TYPE (MgDocumentIds, mg_document_ids, MG, DOCUMENT_IDS, GObject)

MgDocumentIds *mg_document_ids_new (const char *path);
MgDocumentIds *mg_document_ids_get_default (void);
const char    *mg_document_ids_get_path (MgDocumentIds *self);
char          *mg_document_ids_lookup (MgDocumentIds *self,
                                       const char    *uri);
gboolean       mg_document_ids_remember (MgDocumentIds *self,
                                         const char    *uri,
                                         const char    *id,
                                         GError       **error);
char          *mg_document_ids_find_uri (MgDocumentIds *self,
                                         const char    *id);
void           mg_document_ids_get_tables (MgDocumentIds *self,
                                           GHashTable   **uri_to_id,
                                           GHashTable   **id_to_uri);

char    *mg_document_id_for_sha256 (const char *sha256);
char    *mg_document_id_file_name (const char *id);
gboolean mg_document_id_is_valid (const char *id);

char    *mg_document_link_new (const char *document_id,
                               const char *annotation_id);
gboolean mg_document_link_parse (const char *uri,
                                 char      **document_id,
                                 char      **annotation_id);

G_END_DECLS
