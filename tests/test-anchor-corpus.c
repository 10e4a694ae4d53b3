/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "mg-anchor-corpus.h"

/*
 * Re-anchoring on real revisions of real prose (see mg-anchor-corpus.c):
 * a few chapters copied into tests/data/anchoring, and the whole shared
 * corpus when it is there (../shared/anchoring next to the project, or
 * $MARGINALIA_ANCHORING_CORPUS). Zero false anchors is a hard rule; the
 * other figures are the goals of issue 13.
 */

static void
check_corpus (const char *dir,
              double      min_edited_pct)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) misses = g_string_new (NULL);
  MgAnchorCorpusScore score;

  if (!mg_anchor_corpus_run (dir, &score, misses, &error))
    g_error ("%s: %s", dir, error->message);

  g_test_message ("%s: %u documents; kept %u/%u, edited %u/%u, deleted %u/%u, "
                  "false anchors %u, ambiguous %u, %.1f ms",
                  dir, score.n_documents, score.kept_right, score.n_kept,
                  score.edited_found, score.n_edited, score.deleted_orphaned,
                  score.n_deleted, score.false_anchors, score.n_ambiguous, score.anchor_ms);
  {
    g_auto (GStrv) lines = g_strsplit (misses->str, "\n", -1);

    for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
      g_test_message ("%s", lines[i]);
  }

  g_assert_cmpuint (score.false_anchors, ==, 0);
  g_assert_cmpuint (score.kept_right, ==, score.n_kept);
  g_assert_cmpfloat (mg_anchor_corpus_pct (score.edited_found, score.n_edited), >=, min_edited_pct);
  g_assert_cmpfloat (mg_anchor_corpus_pct (score.deleted_orphaned, score.n_deleted), >=, 95.0);
}

/* The copied chapters: every passage must be right. */
static void
test_corpus_subset (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "data", "anchoring", NULL);

  check_corpus (dir, 100.0);
}

static void
test_corpus_shared (void)
{
  g_autofree char *dir = mg_anchor_corpus_default_dir ();
  g_autofree char *truth = g_build_filename (dir, "truth", NULL);

  if (!g_file_test (truth, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("no shared anchoring corpus");
      return;
    }

  check_corpus (dir, 99.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anchor/corpus/subset", test_corpus_subset);
  g_test_add_func ("/anchor/corpus/shared", test_corpus_shared);

  return g_test_run ();
}
