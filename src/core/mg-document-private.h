/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mg-document.h"

G_BEGIN_DECLS

MgDocument *mg_document_new_rendered_take (char                *text,
                                           gsize                len,
                                           const char          *title,
                                           const char          *uri,
                                           MgDocumentFormat     format,
                                           const char          *encoding,
                                           gboolean             repaired,
                                           MgDocumentStructure *structure);

void mg_document_set_metadata (MgDocument         *self,
                               MgDocumentMetadata *metadata);

G_END_DECLS
