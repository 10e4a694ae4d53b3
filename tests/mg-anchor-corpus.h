/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * MgAnchorCorpusScore:
 *
 * How re-anchoring did on a corpus of real revisions (see
 * mg_anchor_corpus_run()), by the class the truth gives each annotation.
 */
typedef struct
{
  guint  n_documents;
  guint  n_kept;
  guint  kept_right;
  guint  n_edited;
  guint  edited_found;
  guint  n_deleted;
  guint  deleted_orphaned;
  guint  n_ambiguous;
  guint  false_anchors;
  double anchor_ms;
} MgAnchorCorpusScore;

char    *mg_anchor_corpus_default_dir (void);
gboolean mg_anchor_corpus_run (const char          *dir,
                               MgAnchorCorpusScore *score,
                               GString             *misses,
                               GError             **error);
double   mg_anchor_corpus_pct (guint part,
                               guint whole);

G_END_DECLS
