/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "mg-document.h"

G_BEGIN_DECLS

/* Text decoding, private to the core: see mg-text-decoder.c. */

/**
 * MgDecodedText:
 * @text: normalised UTF-8, nul-terminated
 * @len: length of @text in bytes
 * @encoding: (nullable): the encoding's name to show, %NULL for UTF-8
 * @repaired: whether invalid bytes were replaced by U+FFFD
 */
typedef struct
{
  char    *text;
  gsize    len;
  char    *encoding;
  gboolean repaired;
} MgDecodedText;

/* White space as HTML and the renderers define it. */
static inline gboolean
mg_is_html_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

gboolean    mg_text_decode (const char      *data,
                            gsize            len,
                            MgDocumentFormat format,
                            MgDecodedText   *out,
                            GError         **error);
void        mg_decoded_text_clear (MgDecodedText *decoded);
const char *mg_text_first_screen (const char *data,
                                  gsize       len,
                                  gsize      *out_len);
void        mg_set_not_text_error (GError **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MgDecodedText, mg_decoded_text_clear)

G_END_DECLS
