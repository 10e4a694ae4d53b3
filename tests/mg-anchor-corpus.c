/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-anchor-corpus"

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "mg-anchor-corpus.h"
#include "mg-anchor.h"
#include "mg-annotation.h"
#include "mg-document-loader.h"
#include "mg-document.h"

/*
 * The re-anchoring evaluation on real revisions of real prose, shared by
 * the anchoring corpus test (test-anchor-corpus.c) and the benchmark
 * (marginalia-bench.c).
 *
 * A corpus folder holds, for each NAME, the old and new revisions of a text
 * (corpus/old/NAME.txt, corpus/new/NAME.txt), W3C annotations made on the
 * old one (annotations/NAME.jsonld), and the truth: for each annotation,
 * its class in the new text and, for a kept or edited passage, its true
 * span there (truth/NAME.json). Each annotation is anchored in the new text
 * as the app anchors it, and scored as the corpus's README says:
 *
 *  - kept (the quote is still there verbatim): right when the span found
 *    is the true span;
 *  - edited: right when the span found overlaps the true span by at least
 *    half of their union;
 *  - deleted: right when the annotation is orphaned;
 *  - ambiguous: not scored.
 *
 * A kept, edited or deleted annotation anchored anywhere else is a false
 * anchor: the worst outcome, a highlight on words that are not the ones
 * the reader marked. One that should have been found but is orphaned is
 * only lost.
 */

/* The folder of the shared corpus: $MARGINALIA_ANCHORING_CORPUS, or
 * shared/anchoring next to the project's source folder (where the
 * project's sessions and CI have it), or one level further up (for a git
 * worktree in a folder of worktrees). */
char *
mg_anchor_corpus_default_dir (void)
{
  const char      *env = g_getenv ("MARGINALIA_ANCHORING_CORPUS");
  g_autofree char *parent = g_path_get_dirname (MG_TEST_SOURCE_ROOT);
  g_autofree char *grandparent = g_path_get_dirname (parent);
  g_autofree char *beside = g_build_filename (parent, "shared", "anchoring", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  if (!g_file_test (beside, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *above = g_build_filename (grandparent, "shared", "anchoring", NULL);

      if (g_file_test (above, G_FILE_TEST_IS_DIR))
        return g_steal_pointer (&above);
    }

  return g_steal_pointer (&beside);
}

double
mg_anchor_corpus_pct (guint part,
                      guint whole)
{
  return whole == 0 ? 100.0 : 100.0 * part / whole;
}

static JsonNode *
parse_file (const char *path,
            GError    **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_file (parser, path, error))
    return NULL;

  return json_node_copy (json_parser_get_root (parser));
}

static guint
overlap (guint a_start,
         guint a_end,
         guint b_start,
         guint b_end)
{
  guint lo = MAX (a_start, b_start);
  guint hi = MIN (a_end, b_end);

  return hi > lo ? hi - lo : 0;
}

static void
note_miss (GString              *misses,
           const char           *name,
           JsonObject           *passage,
           const char           *what,
           const MgAnchorResult *result,
           const gunichar       *text)
{
  g_autofree char *found = NULL;
  g_autofree char *exact = NULL;

  if (misses == NULL)
    return;

  exact = g_strescape (json_object_get_string_member_with_default (passage, "exact", ""), "\xe2\x80\x99");
  if (result->state != 0 && result->end > result->start)
    {
      g_autofree char *utf8 = g_ucs4_to_utf8 (&text[result->start], result->end - result->start, NULL, NULL, NULL);

      found = g_strescape (utf8 != NULL ? utf8 : "", "\xe2\x80\x99");
    }

  g_string_append_printf (misses, "%s %s %s/%s: found [%u, %u) score %.3f, true [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")\n  quote: \"%s\"\n  found: \"%s\"\n",
                          what, name,
                          json_object_get_string_member_with_default (passage, "cls", "?"),
                          json_object_get_string_member_with_default (passage, "kind", "?"),
                          result->start, result->end, result->score,
                          json_object_get_int_member_with_default (passage, "start", -1),
                          json_object_get_int_member_with_default (passage, "end", -1),
                          exact, found != NULL ? found : "");
}

static gboolean
run_document (const char          *dir,
              const char          *name,
              MgAnchorCorpusScore *score,
              GString             *misses,
              GError             **error)
{
  g_autofree char *text_path = g_strdup_printf ("%s/corpus/new/%s.txt", dir, name);
  g_autofree char *annotations_path = g_strdup_printf ("%s/annotations/%s.jsonld", dir, name);
  g_autofree char *truth_path = g_strdup_printf ("%s/truth/%s.json", dir, name);
  g_autoptr (GFile) file = g_file_new_for_path (text_path);
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (JsonNode) annotations = NULL;
  g_autoptr (JsonNode) truth = NULL;
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  const gunichar *text;
  gsize           n_text = 0;
  JsonObject     *first;
  JsonArray      *items;
  JsonArray      *passages;
  guint           i;

  document = mg_document_loader_load_file (file, NULL, error);
  if (document == NULL)
    return FALSE;
  text = mg_document_get_chars (document, &n_text);

  annotations = parse_file (annotations_path, error);
  if (annotations == NULL)
    return FALSE;
  truth = parse_file (truth_path, error);
  if (truth == NULL)
    return FALSE;

  first = json_object_get_object_member (json_node_get_object (annotations), "first");
  items = first != NULL ? json_object_get_array_member (first, "items") : NULL;
  passages = json_object_get_array_member (json_node_get_object (truth), "passages");
  if (items == NULL || passages == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no annotations or no truth", name);
      return FALSE;
    }

  for (i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);

      g_hash_table_insert (by_id, (gpointer) json_object_get_string_member (json_node_get_object (item), "id"), item);
    }

  for (i = 0; i < json_array_get_length (passages); i++)
    {
      JsonObject    *passage = json_array_get_object_element (passages, i);
      const char    *cls = json_object_get_string_member_with_default (passage, "cls", "");
      JsonNode      *item = g_hash_table_lookup (by_id, json_object_get_string_member_with_default (passage, "id", ""));
      guint          true_start = (guint) json_object_get_int_member_with_default (passage, "start", 0);
      guint          true_end = (guint) json_object_get_int_member_with_default (passage, "end", 0);
      gboolean       anchored;
      gboolean       right;
      MgAnchorResult result;
      gint64         start;

      g_autoptr (MgAnnotation) annotation = NULL;

      /* Read as the importer reads a W3C annotation. */
      if (item == NULL || (annotation = mg_annotation_new_from_json (item, error)) == NULL)
        {
          g_prefix_error (error, "%s: passage %u: ", name, i);
          if (error != NULL && *error == NULL)
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: passage %u has no annotation", name, i);
          return FALSE;
        }

      start = g_get_monotonic_time ();
      mg_anchor_find (text, n_text, mg_annotation_get_exact (annotation),
                      mg_annotation_get_prefix (annotation), mg_annotation_get_suffix (annotation),
                      mg_annotation_get_start (annotation), mg_annotation_get_end (annotation), &result);
      score->anchor_ms += (g_get_monotonic_time () - start) / 1000.0;
      anchored = result.state != MG_ANNOTATION_STATE_ORPHANED;

      if (g_str_equal (cls, "kept"))
        {
          score->n_kept++;
          right = anchored && result.start == true_start && result.end == true_end;
          score->kept_right += right;
        }
      else if (g_str_equal (cls, "edited"))
        {
          guint common = anchored ? overlap (result.start, result.end, true_start, true_end) : 0;
          guint total = MAX (result.end, true_end) - MIN (result.start, true_start);

          score->n_edited++;
          right = anchored && 2 * common >= total;
          score->edited_found += right;
        }
      else if (g_str_equal (cls, "deleted"))
        {
          score->n_deleted++;
          right = !anchored;
          score->deleted_orphaned += right;
        }
      else
        {
          score->n_ambiguous++;
          continue;
        }

      if (!right && anchored)
        score->false_anchors++;
      if (!right)
        note_miss (misses, name, passage, anchored ? "FALSE" : "lost", &result, text);
    }

  score->n_documents++;

  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/**
 * mg_anchor_corpus_run:
 * @dir: the corpus folder
 * @score: (out caller-allocates): the figures
 * @misses: (nullable): gets a few lines on each annotation not right
 * @error: return location for a #GError
 *
 * Anchors every annotation of every document of the corpus in @dir (see
 * the top of this file) and scores the outcome.
 *
 * Returns: %FALSE if the corpus could not be read
 */
gboolean
mg_anchor_corpus_run (const char          *dir,
                      MgAnchorCorpusScore *score,
                      GString             *misses,
                      GError             **error)
{
  g_autofree char *truth_dir = g_build_filename (dir, "truth", NULL);
  g_autoptr (GDir) folder = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *entry;
  guint       i;

  memset (score, 0, sizeof *score);

  folder = g_dir_open (truth_dir, 0, error);
  if (folder == NULL)
    return FALSE;

  while ((entry = g_dir_read_name (folder)) != NULL)
    if (g_str_has_suffix (entry, ".json"))
      g_ptr_array_add (names, g_strndup (entry, strlen (entry) - strlen (".json")));
  g_ptr_array_sort (names, compare_names);

  if (names->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No truth files in %s", truth_dir);
      return FALSE;
    }

  for (i = 0; i < names->len; i++)
    if (!run_document (dir, g_ptr_array_index (names, i), score, misses, error))
      return FALSE;

  return TRUE;
}
