/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "mg-document-builder.h"
#include "mg-document-metadata.h"

G_BEGIN_DECLS

/* The HTML renderer, private to the core: see mg-html-renderer.c. */

void mg_html_render (MgDocumentBuilder   *builder,
                     const char          *text,
                     gsize                len,
                     const char          *uri,
                     char               **title,
                     MgDocumentMetadata **metadata);
void mg_html_render_fragment (MgDocumentBuilder *builder,
                              const char        *html,
                              const char        *uri);

G_END_DECLS
