/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fuzz-import"

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "fuzz-common.h"
#include "mg-annotation-list.h"
#include "mg-document.h"
#include "mg-export.h"
#include "mg-import.h"

/* libFuzzer targets for the importer (mg_import_w3c(), which reads W3C Web
 * Annotations and what the Hypothesis API returns), into a fixed small
 * document. fuzz-import-w3c takes the input as the whole file;
 * fuzz-import-hypothesis (FUZZ_HYPOTHESIS_ROWS) as the rows of a
 * Hypothesis search result, so that its mutations go to the rows.
 *
 * An input is imported or refused with an import error, leaving the list
 * as it was; an import's counts add up; importing it again adds nothing;
 * and what the W3C exporter writes of the result imports back. */

#define TEXT                                                            \
  "The quick brown fox jumps over the lazy dog. Pack my box with five " \
  "dozen liquor jugs. How vexingly quick daft zebras jump! Sphinx of "  \
  "black quartz, judge my vow. The five boxing wizards jump quickly."
#define URI "file:///fuzz/article.txt"

int LLVMFuzzerInitialize (int    *argc,
                          char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static MgDocument *document;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_abort_on_criticals ();
  document = mg_document_new_from_text (TEXT, -1, "Article", URI);

  return 0;
}

static gboolean
import (MgAnnotationList *list,
        GBytes           *bytes,
        MgImportResult   *result)
{
  g_autoptr (GError) error = NULL;
  guint    before = g_list_model_get_n_items (G_LIST_MODEL (list));
  gboolean imported;

  memset (result, 0xAA, sizeof *result);
  imported = mg_import_w3c (document, list, bytes, result, &error);
  if (!imported)
    {
      g_assert_true (g_error_matches (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_INVALID) || g_error_matches (error, MG_IMPORT_ERROR, MG_IMPORT_ERROR_TOO_LARGE));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, before);
      return FALSE;
    }

  g_assert_no_error (error);
  g_assert_cmpuint (result->n_anchored + result->n_moved + result->n_orphaned, ==, result->n_added + result->n_updated);
  g_assert_cmpuint (result->n_added + result->n_updated + result->n_skipped, ==, result->n_read);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, before + result->n_added);

  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (MgAnnotationList) again = mg_annotation_list_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) exported = NULL;
  MgImportResult result;
  guint          n;
  char          *w3c;

#ifdef FUZZ_HYPOTHESIS_ROWS
  {
    g_autoptr (GString) wrapped = g_string_new ("{\"total\": 1, \"rows\": [");

    g_string_append_len (wrapped, (const char *) data, size);
    g_string_append (wrapped, "]}");
    bytes = g_string_free_to_bytes (g_steal_pointer (&wrapped));
  }
#else
  bytes = g_bytes_new (data, size);
#endif

  if (!import (list, bytes, &result))
    return 0;
  n = g_list_model_get_n_items (G_LIST_MODEL (list));

  /* The same file once more: nothing new. */
  g_assert_true (import (list, bytes, &result));
  g_assert_cmpuint (result.n_added, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n);

  /* What is exported imports back, all of it. */
  w3c = mg_export_w3c (document, G_LIST_MODEL (list), NULL);
  exported = g_bytes_new_take (w3c, strlen (w3c));
  g_assert_true (import (again, exported, &result));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (again)), ==, n);

  return 0;
}
