/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "mg-text-match-private.h"

G_BEGIN_DECLS

/*
 * The state of one re-anchoring, shared by the search (mg-anchor.c: where
 * to look, which candidate wins) and the evidence (mg-anchor-evidence.c:
 * how similar a candidate's context is, and whether a candidate is
 * acceptable at all).
 */

/* Weights of the score. The quote's own text is the strongest evidence, so
 * it weighs as much as both contexts together; the contexts are what tell
 * two occurrences of the same words apart; nearness to the old position
 * only breaks what the text cannot decide, so it weighs least: a candidate
 * with the right context beats a nearer one with unrelated context.
 * The weights add up to 1, so the score is between 0 and 1. */
#define WEIGHT_QUOTE 0.5
#define WEIGHT_PREFIX 0.2
#define WEIGHT_SUFFIX 0.2
#define WEIGHT_NEAR 0.1

/* A context this similar (at most 3 edits in 32 code points) is intact. */
#define INTACT_CONTEXT 0.9

/* Scores closer than this are equal; ties go to the nearer candidate. */
#define SCORE_EPSILON 1e-9

/* The approximate search keeps the end positions within this many edits
 * of the fewest found in a window, so a candidate with a couple more edits
 * but a much better context still competes (candidates with many more
 * edits but intact context come from the context probes below). At most
 * MAX_FUZZY_ENDS end positions are kept per window, those with the fewest
 * edits first: this bounds the work for short quotes that match
 * approximately in many places. */
#define FUZZY_SLACK 2
#define MAX_FUZZY_ENDS 256

/* When the quote itself changed much, a stretch of unrelated text can come
 * closer to it than the real, edited passage, which would then lose on
 * edits before its context is even looked at. The context usually
 * survives such an edit, so the code points right next to the quote are
 * also looked for exactly: each occurrence of the last CONTEXT_PROBE code
 * points of the prefix is a possible start, each of the first ones of the
 * suffix a possible end, and the quote is aligned from there. Eight code
 * points rarely occur by chance; the MAX_PROBE_HITS occurrences nearest to
 * the old position are tried. A context shorter than MIN_CONTEXT_PROBE
 * (a quote at the very start or end of the text) occurs too often to be
 * worth it. */
#define CONTEXT_PROBE 8
#define MIN_CONTEXT_PROBE 4
#define MAX_PROBE_HITS 8

typedef struct
{
  gboolean found;
  gsize    start;
  gsize    end;
  gsize    distance;
  guint    edits; /* of an approximate candidate */
  double   evidence;
  double   score;
} Candidate;

typedef struct
{
  gsize end;
  guint edits;
} FuzzyEnd;

/* Occurrences of a context probe, the nearest to the old position. */
typedef struct
{
  gsize positions[MAX_PROBE_HITS];
  guint n_positions;
} ProbeHits;

typedef struct
{
  const gunichar *text;
  gsize           n_text;
  gsize           hint;

  gunichar *quote;
  gsize     m;
  guint     max_edits;

  /* The prefix is stored reversed: nearest code point first. */
  gunichar *prefix;
  gsize     n_prefix;
  gunichar *suffix;
  gsize     n_suffix;

  MgPattern prefix_peq;
  MgPattern suffix_peq;
  MgPattern quote_peq;
  gboolean  have_context_peqs;
  gboolean  have_quote_peq;

  guint    quote_skip[256];
  gboolean have_quote_skip;

  /* The probes, in text order, and their skip tables. */
  gunichar prefix_probe[CONTEXT_PROBE];
  gsize    n_prefix_probe;
  guint    prefix_probe_skip[256];
  gsize    n_suffix_probe;
  guint    suffix_probe_skip[256];
  gboolean have_probes;

  Candidate best_exact;
  Candidate best_fuzzy;

  /* A deletion site was found: see DELETION_OVERLAP in mg-anchor.c. */
  gboolean deleted_here;

  /* The approximate search over one window: the end positions within
   * FUZZY_SLACK edits of the fewest seen so far. */
  gsize    window_lo;
  FuzzyEnd ends[MAX_FUZZY_ENDS];
  guint    n_ends;
  guint    min_edits;
  guint    edits_limit;
} Anchor;

void     mg_anchor_ensure_context_peqs (Anchor *self);
double   mg_anchor_prefix_similarity (Anchor *self,
                                      gsize   start);
double   mg_anchor_suffix_similarity (Anchor *self,
                                      gsize   end);
double   mg_anchor_nearness (gsize distance);
double   mg_anchor_evidence_of (double quote,
                                double prefix,
                                double suffix);
guint    mg_anchor_edits_after_deletion (Anchor *self);
gboolean mg_anchor_fuzzy_acceptable (Anchor *self,
                                     double  quote,
                                     double  prefix,
                                     double  suffix,
                                     gsize   distance);

G_END_DECLS
