/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "mg-document-structure.h"
#include "mg-text-decoder.h"

G_BEGIN_DECLS

/* The document builder, private to the core: see mg-document-builder.c.
 * It lives on the stack of a load; its fields are its own. */

typedef enum
{
  MG_BUILDER_LINE_EMPTY,   /* nothing on the current line */
  MG_BUILDER_LINE_PREFIX,  /* only a bullet or number */
  MG_BUILDER_LINE_CONTENT, /* text */
} MgBuilderLine;

typedef struct
{
  GString      *text;
  guint         n_chars;
  guint         pending_breaks;
  char          pending_separator;
  MgBuilderLine line;
  GArray       *open;     /* OpenSpan, innermost last */
  GArray       *spans;    /* MgSpan, strings in @strings */
  GArray       *headings; /* MgHeading, strings in @strings */
  GStringChunk *strings;
  GArray       *lists; /* ListContext, innermost last */
  guint         quote_depth;
  guint         pre_depth;
  gboolean      pre_fresh;
  guint         n_flattened; /* opens beyond MG_DOCUMENT_MAX_DEPTH */
} MgDocumentBuilder;

void                 mg_document_builder_init (MgDocumentBuilder *self,
                                               gsize              size_hint);
void                 mg_document_builder_clear (MgDocumentBuilder *self);
MgDocumentStructure *mg_document_builder_finish (MgDocumentBuilder *self,
                                                 char             **text,
                                                 gsize             *len);

void     mg_document_builder_append_content (MgDocumentBuilder *self,
                                             const char        *str,
                                             gsize              len);
void     mg_document_builder_append_closing (MgDocumentBuilder *self,
                                             const char        *str);
void     mg_document_builder_append_prefix (MgDocumentBuilder *self,
                                            const char        *str);
void     mg_document_builder_append_text (MgDocumentBuilder *self,
                                          const char        *str,
                                          gsize              len);
void     mg_document_builder_append_preformatted (MgDocumentBuilder *self,
                                                  const char        *str,
                                                  gsize              len);
void     mg_document_builder_request_break (MgDocumentBuilder *self);
void     mg_document_builder_line_break (MgDocumentBuilder *self);
void     mg_document_builder_hard_break (MgDocumentBuilder *self);
void     mg_document_builder_cell (MgDocumentBuilder *self);
gboolean mg_document_builder_in_preformatted (MgDocumentBuilder *self);
gboolean mg_document_builder_is_empty (MgDocumentBuilder *self);
void     mg_document_builder_drop_pending (MgDocumentBuilder *self);

void mg_document_builder_open (MgDocumentBuilder *self,
                               MgSpanKind         kind,
                               guint              level,
                               const char        *url);
void mg_document_builder_close (MgDocumentBuilder *self);

void mg_document_builder_begin_block (MgDocumentBuilder *self);
void mg_document_builder_end_block (MgDocumentBuilder *self);
void mg_document_builder_begin_heading (MgDocumentBuilder *self,
                                        guint              level);
void mg_document_builder_end_heading (MgDocumentBuilder *self);
void mg_document_builder_begin_quote (MgDocumentBuilder *self);
void mg_document_builder_end_quote (MgDocumentBuilder *self);
void mg_document_builder_begin_code_block (MgDocumentBuilder *self);
void mg_document_builder_end_code_block (MgDocumentBuilder *self);
void mg_document_builder_begin_list (MgDocumentBuilder *self,
                                     gboolean           ordered,
                                     int                start,
                                     char               delimiter);
void mg_document_builder_end_list (MgDocumentBuilder *self);
void mg_document_builder_begin_item (MgDocumentBuilder *self,
                                     int                value);
void mg_document_builder_end_item (MgDocumentBuilder *self);
void mg_document_builder_rule (MgDocumentBuilder *self);

char *mg_document_builder_dup_heading_title (MgDocumentBuilder *self);

char *mg_collapse_whitespace (const char *str);
char *mg_resolve_link (const char *base,
                       const char *href);

G_END_DECLS
