/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mg-document-builder.h"
#include "mg-document-metadata.h"

G_BEGIN_DECLS

/* The Markdown renderer, private to the core: see mg-markdown-renderer.c. */

void mg_markdown_render (MgDocumentBuilder   *builder,
                         const char          *text,
                         gsize                len,
                         const char          *uri,
                         char               **title,
                         MgDocumentMetadata **metadata);

G_END_DECLS
