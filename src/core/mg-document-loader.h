/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "mg-document-structure.h"
#include "mg-document.h"

G_BEGIN_DECLS

MgDocumentFormat mg_document_format_guess (const char *filename_or_uri,
                                           const char *content_type,
                                           GBytes     *head);
const char      *mg_document_format_to_string (MgDocumentFormat format);

MgDocument *mg_document_loader_load_bytes (GBytes          *bytes,
                                           const char      *uri,
                                           const char      *title_hint,
                                           MgDocumentFormat format,
                                           GError         **error);
MgDocument *mg_document_loader_load_file (GFile        *file,
                                          GCancellable *cancellable,
                                          GError      **error);
void        mg_document_loader_load_file_async (GFile              *file,
                                                GCancellable       *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer            user_data);
MgDocument *mg_document_loader_load_file_finish (GAsyncResult *result,
                                                 GError      **error);

char *mg_document_loader_dup_encoding_notice (MgDocument *document);

G_END_DECLS
