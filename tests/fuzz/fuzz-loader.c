/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-loader"

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "fuzz-common.h"
#include "mg-document-loader.h"

/* libFuzzer targets for the document loader: any bytes, read as the format
 * FUZZ_FORMAT names (fuzz-loader-text, -markdown and -html are this file
 * built three times): decoding for all three, then the Markdown renderer
 * or the HTML renderer with its reader mode.
 *
 * Every input gives a document or a document error; a document has valid
 * UTF-8 text without carriage returns, and spans inside it, sorted,
 * properly nested and never deeper than MG_DOCUMENT_MAX_DEPTH. */

#ifndef FUZZ_FORMAT
#error "FUZZ_FORMAT must name the format, e.g. MG_DOCUMENT_FORMAT_HTML"
#endif

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static const char *const uris[] = {
  [MG_DOCUMENT_FORMAT_TEXT] = "file:///fuzz/document.txt",
  [MG_DOCUMENT_FORMAT_MARKDOWN] = "file:///fuzz/document.md",
  [MG_DOCUMENT_FORMAT_HTML] = "file:///fuzz/document.html",
};

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_abort_on_criticals ();

  return 0;
}

static void
check_document (MgDocument *document)
{
  g_autoptr (GPtrArray) stack = g_ptr_array_new ();
  const char      *text = mg_document_get_text (document);
  gsize            n_bytes = mg_document_get_n_bytes (document);
  gsize            length = mg_document_get_length (document);
  guint            n_spans = 0;
  guint            n_headings = 0;
  const MgSpan    *spans = mg_document_get_spans (document, &n_spans);
  const MgHeading *headings = mg_document_get_headings (document, &n_headings);
  gsize            n_chars = 0;

  g_assert_true (g_utf8_validate_len (text, n_bytes, NULL));
  g_assert_cmpuint (strlen (text), ==, n_bytes);
  g_assert_null (memchr (text, '\r', n_bytes));
  g_assert_cmpuint (g_utf8_strlen (text, n_bytes), ==, length);
  mg_document_get_chars (document, &n_chars);
  g_assert_cmpuint (n_chars, ==, length);
  g_assert_true (g_utf8_validate (mg_document_get_title (document), -1, NULL));

  for (guint i = 0; i < n_spans; i++)
    {
      const MgSpan *span = &spans[i];

      g_assert_cmpuint (span->start, <, span->end);
      g_assert_cmpuint (span->end, <=, length);
      g_assert_cmpuint (span->level, <=, MG_DOCUMENT_MAX_DEPTH);
      g_assert_true ((span->kind == MG_SPAN_LINK) == (span->url != NULL));
      if (i > 0)
        g_assert_cmpuint (spans[i - 1].start, <=, span->start);

      while (stack->len > 0 && ((const MgSpan *) g_ptr_array_index (stack, stack->len - 1))->end <= span->start)
        g_ptr_array_set_size (stack, stack->len - 1);
      if (stack->len > 0)
        g_assert_cmpuint (span->end, <=, ((const MgSpan *) g_ptr_array_index (stack, stack->len - 1))->end);
      g_ptr_array_add (stack, (gpointer) span);
      g_assert_cmpuint (stack->len, <=, MG_DOCUMENT_MAX_DEPTH);
    }

  for (guint i = 0; i < n_headings; i++)
    {
      g_assert_cmpuint (headings[i].start, <, headings[i].end);
      g_assert_cmpuint (headings[i].end, <=, length);
      g_assert_cmpuint (headings[i].level, >=, 1);
      g_assert_cmpuint (headings[i].level, <=, 6);
      g_assert_true (g_utf8_validate (headings[i].text, -1, NULL));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (GError) error = NULL;

  document = mg_document_loader_load_bytes (bytes, uris[FUZZ_FORMAT], "Fuzz", FUZZ_FORMAT, &error);
  if (document == NULL)
    {
      g_assert_true (g_error_matches (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_NOT_TEXT) || g_error_matches (error, MG_DOCUMENT_ERROR, MG_DOCUMENT_ERROR_TOO_LARGE));
      return 0;
    }

  g_assert_no_error (error);
  g_assert_cmpint (mg_document_get_format (document), ==, FUZZ_FORMAT);
  check_document (document);

  return 0;
}
