/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-anchor"

#include "config.h"

#include <string.h>

#include "mg-anchor.h"
#include "mg-annotation.h"
#include "mg-document.h"
#include "mg-anchor-private.h"

/*
 * Re-anchoring: finding a stored highlight again in a text that may have
 * changed since the highlight was made.
 *
 * The stored target is a W3C quote selector (the quote, with up to
 * MG_ANNOTATION_CONTEXT_LENGTH code points of context on each side) and a
 * position selector (the old range). The search, in order:
 *
 *  1. The old range, accepted only if the text there still equals the
 *     quote: ANCHORED. An unchanged document never gets past this step.
 *  2. Exact occurrences of the quote, looked for in windows around the old
 *     position that grow until one occurrence is convincing.
 *  3. When there is no exact occurrence, approximate occurrences found with
 *     Myers' bit-parallel algorithm (1999), and next to intact context,
 *     again in growing windows.
 *  4. Each candidate is scored from the similarity of its text, of the
 *     context before and after it, and its nearness to the old position;
 *     the best one wins: MOVED. Nothing acceptable: ORPHANED.
 *
 * Everything works on code points, the unit of the position selector, so
 * an emoji or a combining accent counts as what it is in the document.
 * Nothing here is proportional to the text's length unless the quote has
 * to be looked for everywhere; the common cases stay inside a window of a
 * few thousand code points around the old position.
 *
 * This file is the search: where to look, how to score a candidate, which
 * one wins. Whether an approximate candidate is acceptable at all, and the
 * similarity of its context, are in mg-anchor-evidence.c (with the
 * reasoning behind each threshold); the string matching both rely on (the
 * approximate and exact searches, the edit distance of a context, the
 * alignment) is in mg-text-match.c.
 */

/* Windows around the old position, by radius in code points. The first
 * holds the usual shift after local edits above the quote (a paragraph
 * rewritten); the second a few pages of insertions or deletions; the third
 * almost any reorganisation; the last is the whole text. Each is 32 times
 * the previous one, so the work done on windows that fail is a small
 * fraction of the work on the one that succeeds. Exact searches run on the
 * two small windows before any approximate search: a quote that only moved
 * is found by a cheap exact scan, and the costlier approximate search runs
 * only for quotes whose text changed. The large windows come last, for
 * quotes that moved far or are gone. */
#define WINDOW_SMALL ((gsize) 1024)
#define WINDOW_MEDIUM ((gsize) 32 * 1024)
#define WINDOW_LARGE ((gsize) 1024 * 1024)
#define WINDOW_ALL G_MAXSIZE

typedef enum
{
  STEP_EXACT,
  STEP_FUZZY,
} StepKind;

static const struct
{
  StepKind kind;
  gsize    radius;
} search_steps[] = {
  { STEP_EXACT, WINDOW_SMALL },
  { STEP_EXACT, WINDOW_MEDIUM },
  { STEP_FUZZY, WINDOW_SMALL },
  { STEP_FUZZY, WINDOW_MEDIUM },
  { STEP_EXACT, WINDOW_LARGE },
  { STEP_EXACT, WINDOW_ALL },
  { STEP_FUZZY, WINDOW_LARGE },
  { STEP_FUZZY, WINDOW_ALL },
};

/* The "evidence" of a candidate is its score without nearness, rescaled to
 * 0..1: how sure we are that it is the highlighted passage, wherever it
 * is. Two unrelated 32-code-point contexts of English text are still about
 * 45 % similar by edit distance (spaces and common letters line up), so an
 * exact quote with unrelated context has an evidence of about 0.75, and one
 * with intact context 1. A candidate at 0.8 or more is convincing enough to
 * stop looking further away: that takes an exact quote with context mostly
 * intact, or a quote with a few edits and intact context. Below that, the
 * windows keep growing, in case a better candidate lies beyond (except for
 * approximate candidates near the old position: see anchor_search()). */
#define CONFIDENT_EVIDENCE 0.8

/* Below this length the approximate search is not attempted at all: with
 * half the quote allowed in edits, a 3-letter quote matches wherever two
 * of its letters stand side by side. */
#define MIN_FUZZY_LENGTH 4

/* At most half the quote in edits (beyond that, unrelated text comes as
 * close: see BASE_EDIT_RATIO), and at most this many: a quote of more than
 * 512 code points with more edits than that has been rewritten rather than
 * edited, and the cap bounds the approximate search's band (and the
 * alignment's, see mg_align_at()) for long quotes. */
#define MAX_EDITS 256

/* Longer quotes (dozens of pages) are only re-found by position or exact
 * text: the approximate search's tables grow with the quote length. */
#define MAX_FUZZY_LENGTH ((gsize) 64 * 1024)

/* When a passage is deleted, the text around it closes up: its prefix
 * and suffix, both intact, now stand side by side, or with less text
 * between them than an edited version of the quote would take. The
 * sentence after the deletion point then has the quote's intact prefix,
 * the one before it its intact suffix, and both are near the old
 * position: a neighbouring sentence worded like the deleted one (a common
 * pattern in prose: "If it succeeds, ..." then "If it fails, ...") would
 * gather all the support of a genuinely edited passage. So once such a
 * deletion site is found (looked for where the prefix probe occurs, before
 * any approximate candidate is considered), an approximate candidate is
 * accepted only on its own text (BASE_EDIT_RATIO): it is the passage
 * pasted elsewhere, nearly intact. */
#define DELETION_OVERLAP 2

/* How far the boundaries of an approximate match may move to meet intact
 * context: see snap_to_context(). */
#define SNAP_DISTANCE 8

/* Context is compared on at most this many code points on each side (one
 * machine word of the bit-parallel algorithm). */
#define MAX_CONTEXT 64

static void
anchor_clear (Anchor *self)
{
  g_clear_pointer (&self->quote, g_free);
  g_clear_pointer (&self->prefix, g_free);
  g_clear_pointer (&self->suffix, g_free);
  mg_pattern_clear (&self->prefix_peq);
  mg_pattern_clear (&self->suffix_peq);
  mg_pattern_clear (&self->quote_peq);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Anchor, anchor_clear)

static gsize
anchor_distance (Anchor *self,
                 gsize   start)
{
  return start > self->hint ? start - self->hint : self->hint - start;
}

/* Whether a candidate with @score at @distance beats @best: a higher score,
 * or an equal one nearer the old position, or, as a last resort, earlier in
 * the text, so the result never depends on the order of the search. */
static gboolean
beats (const Candidate *best,
       double           score,
       gsize            distance,
       gsize            start)
{
  if (!best->found || score > best->score + SCORE_EPSILON)
    return TRUE;
  if (score < best->score - SCORE_EPSILON)
    return FALSE;
  if (distance != best->distance)
    return distance < best->distance;
  return start < best->start;
}

/* An upper bound on the score, to skip the context comparisons for
 * candidates that cannot win. */
static gboolean
cannot_beat (const Candidate *best,
             double           score_bound)
{
  return best->found && score_bound < best->score - SCORE_EPSILON;
}

static void
consider_exact (gsize    start,
                gpointer user_data)
{
  Anchor    *self = user_data;
  Candidate *best = &self->best_exact;
  gsize      distance = anchor_distance (self, start);
  double     near_score = WEIGHT_NEAR * mg_anchor_nearness (distance);
  double     prefix;
  double     suffix;
  double     score;

  if (cannot_beat (best, WEIGHT_QUOTE + WEIGHT_PREFIX + WEIGHT_SUFFIX + near_score))
    return;

  prefix = mg_anchor_prefix_similarity (self, start);
  if (cannot_beat (best, WEIGHT_QUOTE + WEIGHT_PREFIX * prefix + WEIGHT_SUFFIX + near_score))
    return;

  suffix = mg_anchor_suffix_similarity (self, start + self->m);
  score = WEIGHT_QUOTE + WEIGHT_PREFIX * prefix + WEIGHT_SUFFIX * suffix + near_score;

  if (beats (best, score, distance, start))
    {
      best->found = TRUE;
      best->start = start;
      best->end = start + self->m;
      best->distance = distance;
      best->evidence = mg_anchor_evidence_of (1.0, prefix, suffix);
      best->score = score;
    }
}

/* Exact occurrences of the quote starting in [@first, @last]. */
static void
search_exact (Anchor *self,
              gsize   first,
              gsize   last)
{
  g_assert (last + self->m <= self->n_text);

  if (!self->have_quote_skip)
    {
      mg_horspool_init (self->quote_skip, self->quote, self->m);
      self->have_quote_skip = TRUE;
    }

  mg_horspool_search (self->text, first, last, self->quote, self->m,
                      self->quote_skip, consider_exact, self);
}

static void
anchor_ensure_probes (Anchor *self)
{
  gsize i;

  if (self->have_probes)
    return;

  /* The prefix is stored nearest code point first: put its end back in
   * text order. */
  self->n_prefix_probe = MIN (self->n_prefix, CONTEXT_PROBE);
  for (i = 0; i < self->n_prefix_probe; i++)
    self->prefix_probe[i] = self->prefix[self->n_prefix_probe - 1 - i];
  if (self->n_prefix_probe >= MIN_CONTEXT_PROBE)
    mg_horspool_init (self->prefix_probe_skip, self->prefix_probe, self->n_prefix_probe);

  self->n_suffix_probe = MIN (self->n_suffix, CONTEXT_PROBE);
  if (self->n_suffix_probe >= MIN_CONTEXT_PROBE)
    mg_horspool_init (self->suffix_probe_skip, self->suffix, self->n_suffix_probe);

  self->have_probes = TRUE;
}

/* Whether the prefix probe ends at @start (the suffix probe starts at @end);
 * never for a probe too short to tell (see MIN_CONTEXT_PROBE). */
static gboolean
prefix_probe_at (Anchor *self,
                 gsize   start)
{
  return self->n_prefix_probe >= MIN_CONTEXT_PROBE && start >= self->n_prefix_probe && memcmp (&self->text[start - self->n_prefix_probe], self->prefix_probe, self->n_prefix_probe * sizeof (gunichar)) == 0;
}

static gboolean
suffix_probe_at (Anchor *self,
                 gsize   end)
{
  return self->n_suffix_probe >= MIN_CONTEXT_PROBE && self->n_text - end >= self->n_suffix_probe && memcmp (&self->text[end], self->suffix, self->n_suffix_probe * sizeof (gunichar)) == 0;
}

/*
 * Moves the boundaries of an approximate match to where its context
 * begins intact, if that is within SNAP_DISTANCE code points. The
 * alignment alone cannot tell: when the last word of a quote was replaced,
 * stopping one code point short of the new word often costs fewer edits
 * of the quote than covering it (which a reader would expect), and the
 * damage shows only in the suffix.
 */
static void
snap_to_context (Anchor *self,
                 gsize  *start,
                 gsize  *end)
{
  gsize d;

  anchor_ensure_probes (self);

  if (self->n_prefix_probe >= MIN_CONTEXT_PROBE && !prefix_probe_at (self, *start))
    for (d = 1; d <= SNAP_DISTANCE; d++)
      {
        if (*start + d < *end && prefix_probe_at (self, *start + d))
          {
            *start += d;
            break;
          }
        if (*start >= d && prefix_probe_at (self, *start - d))
          {
            *start -= d;
            break;
          }
      }

  if (self->n_suffix_probe >= MIN_CONTEXT_PROBE && !suffix_probe_at (self, *end))
    for (d = 1; d <= SNAP_DISTANCE; d++)
      {
        if (*end + d <= self->n_text && suffix_probe_at (self, *end + d))
          {
            *end += d;
            break;
          }
        if (*end >= *start + d + 1 && suffix_probe_at (self, *end - d))
          {
            *end -= d;
            break;
          }
      }
}

/* Scores text[@start..@end), @edits from the quote. */
static void
consider_fuzzy (Anchor *self,
                gsize   start,
                gsize   end,
                guint   edits)
{
  Candidate *best = &self->best_fuzzy;
  gsize      snapped_start = start;
  gsize      snapped_end = end;
  double     quote;
  double     prefix;
  double     suffix;
  double     score;
  gsize      distance;

  g_assert (start < end && end <= self->n_text);

  snap_to_context (self, &snapped_start, &snapped_end);
  if (snapped_start != start || snapped_end != end)
    {
      gsize length;
      guint snapped_edits;

      /* Each boundary moved by d code points changes the edits by at
       * most d. */
      guint band = MIN (self->max_edits, edits + 2 * SNAP_DISTANCE);

      if (mg_align_at (self->text, self->n_text, snapped_start, 1, self->quote, self->m,
                       band, snapped_end - snapped_start, &length, &snapped_edits))
        {
          start = snapped_start;
          end = snapped_end;
          edits = snapped_edits;
        }
    }

  quote = 1.0 - (double) edits / (double) self->m;
  prefix = mg_anchor_prefix_similarity (self, start);
  suffix = mg_anchor_suffix_similarity (self, end);
  distance = anchor_distance (self, start);
  if (!mg_anchor_fuzzy_acceptable (self, quote, prefix, suffix, distance))
    return;

  score = WEIGHT_QUOTE * quote + WEIGHT_PREFIX * prefix + WEIGHT_SUFFIX * suffix + WEIGHT_NEAR * mg_anchor_nearness (distance);

  if (beats (best, score, distance, start))
    {
      best->found = TRUE;
      best->start = start;
      best->end = end;
      best->distance = distance;
      best->edits = edits;
      best->evidence = mg_anchor_evidence_of (quote, prefix, suffix);
      best->score = score;
    }
}

/* Keeps the end positions with at most FUZZY_SLACK edits more than the
 * fewest seen so far, at most MAX_FUZZY_ENDS of them, preferring fewer
 * edits, then earlier positions. */
static void
collect_fuzzy_end (gsize    end,
                   guint    edits,
                   gpointer user_data)
{
  Anchor *self = user_data;
  guint   i;

  if (edits < self->min_edits)
    {
      guint kept = 0;

      self->min_edits = edits;
      self->edits_limit = MIN (self->max_edits, edits + FUZZY_SLACK);
      for (i = 0; i < self->n_ends; i++)
        if (self->ends[i].edits <= self->edits_limit)
          self->ends[kept++] = self->ends[i];
      self->n_ends = kept;
    }

  if (self->n_ends == MAX_FUZZY_ENDS)
    {
      guint worst = 0;

      for (i = 1; i < self->n_ends; i++)
        if (self->ends[i].edits > self->ends[worst].edits)
          worst = i;
      if (self->ends[worst].edits <= edits)
        {
          /* Full of ends at least as good: only fewer edits may enter. */
          self->edits_limit = MIN (self->edits_limit, edits > 0 ? edits - 1 : 0);
          return;
        }
      memmove (&self->ends[worst], &self->ends[worst + 1],
               (self->n_ends - worst - 1) * sizeof (FuzzyEnd));
      self->n_ends--;
    }

  self->ends[self->n_ends].end = end;
  self->ends[self->n_ends].edits = edits;
  self->n_ends++;
}

static void
consider_fuzzy_end (Anchor *self,
                    gsize   end,
                    guint   edits)
{
  double quote_bound = 1.0;
  double suffix;
  gsize  length;
  guint  found_edits;

  /* When the window holds every possible start of a match ending here,
   * the search's count of edits is exact; otherwise a start before the
   * window could do better. */
  if (end - self->window_lo >= self->m + self->max_edits)
    quote_bound = 1.0 - (double) edits / (double) self->m;

  /* The suffix first: it needs no alignment, and often rules the
   * candidate out. */
  suffix = mg_anchor_suffix_similarity (self, end);
  if (!mg_anchor_fuzzy_acceptable (self, quote_bound, 1.0, suffix, 0) || cannot_beat (&self->best_fuzzy, WEIGHT_QUOTE * quote_bound + WEIGHT_PREFIX + WEIGHT_SUFFIX * suffix + WEIGHT_NEAR))
    return;

  if (mg_align_at (self->text, self->n_text, end, -1, self->quote, self->m, edits,
                   G_MAXSIZE, &length, &found_edits))
    consider_fuzzy (self, end - length, end, found_edits);
}

typedef struct
{
  Anchor    *self;
  ProbeHits *hits;
} ProbeSearch;

static void
collect_probe_hit (gsize    position,
                   gpointer user_data)
{
  ProbeSearch *search = user_data;
  ProbeHits   *hits = search->hits;
  gsize        distance = anchor_distance (search->self, position);
  guint        farthest = 0;
  guint        i;

  if (hits->n_positions < MAX_PROBE_HITS)
    {
      hits->positions[hits->n_positions++] = position;
      return;
    }

  for (i = 1; i < hits->n_positions; i++)
    if (anchor_distance (search->self, hits->positions[i]) > anchor_distance (search->self, hits->positions[farthest]))
      farthest = i;
  if (distance < anchor_distance (search->self, hits->positions[farthest]))
    hits->positions[farthest] = position;
}

/* Whether the stored prefix ends intact at @start and the stored suffix
 * begins intact right after it, with too little text between them for the
 * quote: see DELETION_OVERLAP. The two may also overlap by up to
 * DELETION_OVERLAP code points: a sentence deleted with the space after it
 * leaves one space where the prefix ended with one and the suffix began
 * with another. */
static gboolean
deletion_site_at (Anchor *self,
                  gsize   start)
{
  gsize from = start > DELETION_OVERLAP ? start - DELETION_OVERLAP : 0;
  gsize end;

  /* A match needs at least m - max_edits code points. */
  for (end = from; end < start + self->m - self->max_edits && end <= self->n_text; end++)
    if (suffix_probe_at (self, end) && mg_anchor_prefix_similarity (self, start) >= INTACT_CONTEXT && mg_anchor_suffix_similarity (self, end) >= INTACT_CONTEXT)
      return TRUE;

  return FALSE;
}

/* The most edits a candidate @distance code points from the old position
 * may have and still beat the best approximate candidate so far, even with
 * intact context: the band of its alignment need be no wider. */
static guint
edits_to_beat (Anchor *self,
               gsize   distance)
{
  const Candidate *best = &self->best_fuzzy;
  double           quote;

  if (!best->found)
    return self->max_edits;

  quote = (best->score - SCORE_EPSILON - WEIGHT_PREFIX - WEIGHT_SUFFIX - WEIGHT_NEAR * mg_anchor_nearness (distance)) / WEIGHT_QUOTE;
  if (quote > 1.0)
    return 0;

  return (guint) MIN ((double) self->max_edits, (1.0 - quote) * (double) self->m + SCORE_EPSILON);
}

/* Occurrences of the context probes near the old position (see
 * CONTEXT_PROBE), and whether one is a deletion site (see DELETION_OVERLAP). */
static void
find_context_probes (Anchor    *self,
                     gsize      lo,
                     gsize      hi,
                     ProbeHits *prefix_hits,
                     ProbeHits *suffix_hits)
{
  ProbeSearch search = { self, prefix_hits };
  guint       i;

  anchor_ensure_probes (self);

  prefix_hits->n_positions = 0;
  if (self->n_prefix_probe >= MIN_CONTEXT_PROBE && hi - lo >= self->n_prefix_probe)
    mg_horspool_search (self->text, lo, hi - self->n_prefix_probe,
                        self->prefix_probe, self->n_prefix_probe,
                        self->prefix_probe_skip, collect_probe_hit, &search);

  search.hits = suffix_hits;
  suffix_hits->n_positions = 0;
  if (self->n_suffix_probe >= MIN_CONTEXT_PROBE && hi - lo >= self->n_suffix_probe)
    mg_horspool_search (self->text, lo, hi - self->n_suffix_probe,
                        self->suffix, self->n_suffix_probe,
                        self->suffix_probe_skip, collect_probe_hit, &search);

  for (i = 0; i < prefix_hits->n_positions && !self->deleted_here; i++)
    self->deleted_here = deletion_site_at (self, prefix_hits->positions[i] + self->n_prefix_probe);
}

/* Candidates next to intact context: the quote aligned from each
 * occurrence of a probe. */
static void
align_from_probes (Anchor          *self,
                   const ProbeHits *prefix_hits,
                   const ProbeHits *suffix_hits)
{
  gsize length;
  guint edits;
  guint i;

  for (i = 0; i < prefix_hits->n_positions; i++)
    {
      gsize start = prefix_hits->positions[i] + self->n_prefix_probe;

      if (mg_align_at (self->text, self->n_text, start, 1, self->quote, self->m,
                       edits_to_beat (self, anchor_distance (self, start)), G_MAXSIZE, &length, &edits))
        consider_fuzzy (self, start, start + length, edits);
    }

  for (i = 0; i < suffix_hits->n_positions; i++)
    {
      gsize end = suffix_hits->positions[i];

      /* Where the candidate starts is not known yet: as if at the old
       * position. */
      if (mg_align_at (self->text, self->n_text, end, -1, self->quote, self->m,
                       edits_to_beat (self, 0), G_MAXSIZE, &length, &edits))
        consider_fuzzy (self, end - length, end, edits);
    }
}

/* Approximate candidates in text[@lo..@hi): the quote's approximate
 * occurrences, then the alignments next to intact context, which only need
 * to be as good as the best of those to matter. */
static void
search_fuzzy (Anchor *self,
              gsize   lo,
              gsize   hi)
{
  ProbeHits prefix_hits;
  ProbeHits suffix_hits;
  guint     i;

  /* Before any candidate is considered: see DELETION_OVERLAP. Once the
   * passage is known deleted, only a nearly intact copy of it can be
   * accepted: the search looks for no more edits than that (none for a
   * short quote, whose exact occurrences were looked for already). */
  find_context_probes (self, lo, hi, &prefix_hits, &suffix_hits);
  if (self->deleted_here)
    self->max_edits = MIN (self->max_edits, mg_anchor_edits_after_deletion (self));
  if (self->max_edits == 0)
    return;

  if (!self->have_quote_peq)
    {
      mg_pattern_init (&self->quote_peq, self->quote, self->m);
      self->have_quote_peq = TRUE;
    }

  self->window_lo = lo;
  self->n_ends = 0;
  self->min_edits = G_MAXUINT;
  self->edits_limit = self->max_edits;
  mg_pattern_search (&self->quote_peq, self->text, lo, hi, &self->edits_limit, collect_fuzzy_end, self);

  for (i = 0; i < self->n_ends; i++)
    consider_fuzzy_end (self, self->ends[i].end, self->ends[i].edits);

  align_from_probes (self, &prefix_hits, &suffix_hits);
}

/*
 * Where the context of the winning approximate candidate is not intact,
 * its boundary was chosen among near-equal ones by the similarity of
 * context that no longer exists: a few code points of noise that may cut
 * the last word short ("allow" for "allowed it."). There the quote's own
 * alignment decides: the end that costs the fewest edits from the start
 * (the one closest to the quote's length among equals), then the start
 * that costs the fewest from that end. Neither costs more edits than the
 * candidate's own range, which bounds the alignments' band.
 */
static void
refine_boundaries (Anchor    *self,
                   Candidate *best)
{
  gsize length;
  guint edits;

  anchor_ensure_probes (self);

  if (!suffix_probe_at (self, best->end) && mg_align_at (self->text, self->n_text, best->start, 1, self->quote, self->m, best->edits, G_MAXSIZE, &length, &edits))
    {
      best->end = best->start + length;
      best->edits = edits;
    }

  if (!prefix_probe_at (self, best->start) && mg_align_at (self->text, self->n_text, best->end, -1, self->quote, self->m, best->edits, G_MAXSIZE, &length, &edits))
    best->start = best->end - length;
}

static void
window_around (Anchor *self,
               gsize   radius,
               gsize  *lo,
               gsize  *hi)
{
  gsize n = self->n_text;
  gsize c = self->hint;

  if (radius >= n)
    {
      *lo = 0;
      *hi = n;
      return;
    }

  /* c <= n and radius < n, so none of this overflows. */
  *lo = c > radius ? c - radius : 0;
  *hi = n - c > self->m + radius ? c + self->m + radius : n;
}

/* Steps 2 to 4, once the position selector failed. Takes @quote. */
static void
anchor_search (const gunichar *text,
               gsize           n_text,
               gunichar       *quote,
               gsize           m,
               const char     *prefix,
               const char     *suffix,
               gsize           hint,
               MgAnchorResult *result)
{
  g_auto (Anchor) self = { 0 };
  const Candidate *best = NULL;
  gboolean         exact_done = FALSE;
  gsize            exact_lo = 0;
  gsize            exact_hi = 0; /* the exact starts in [exact_lo, exact_hi) are done */
  gboolean         fuzzy_done = FALSE;
  gsize            fuzzy_lo = 0;
  gsize            fuzzy_hi = 0;
  gsize            n_context;
  guint            i;

  self.text = text;
  self.n_text = n_text;
  self.hint = hint;
  self.quote = quote;
  self.m = m;
  self.max_edits = (guint) MIN (m / 2, MAX_EDITS);

  /* Context: the MG_ANNOTATION_CONTEXT_LENGTH code points next to the quote,
   * but accept longer ones from other tools, up to one machine word. */
  self.prefix = mg_text_match_code_points (prefix, &n_context);
  if (n_context > MAX_CONTEXT)
    {
      memmove (self.prefix, &self.prefix[n_context - MAX_CONTEXT], MAX_CONTEXT * sizeof (gunichar));
      n_context = MAX_CONTEXT;
    }
  for (i = 0; i < n_context / 2; i++)
    {
      gunichar c = self.prefix[i];

      self.prefix[i] = self.prefix[n_context - 1 - i];
      self.prefix[n_context - 1 - i] = c;
    }
  self.n_prefix = n_context;

  self.suffix = mg_text_match_code_points (suffix, &n_context);
  self.n_suffix = MIN (n_context, MAX_CONTEXT);

  /* 2 and 3. Exact, then approximate, in growing windows. */
  for (i = 0; i < G_N_ELEMENTS (search_steps); i++)
    {
      gsize lo, hi;

      window_around (&self, search_steps[i].radius, &lo, &hi);

      if (search_steps[i].kind == STEP_EXACT)
        {
          if (hi - lo < m)
            continue;

          /* Only the starts not searched in a smaller window. */
          if (!exact_done)
            {
              search_exact (&self, lo, hi - m);
            }
          else
            {
              if (lo < exact_lo)
                search_exact (&self, lo, exact_lo - 1);
              if (hi - m + 1 > exact_hi)
                search_exact (&self, exact_hi, hi - m);
            }
          exact_done = TRUE;
          exact_lo = lo;
          exact_hi = hi - m + 1;
        }
      else
        {
          /* Approximate matches only when there is no exact one, and each
           * window only once (a short text fits in the first). */
          if (self.best_exact.found || m < MIN_FUZZY_LENGTH || m > MAX_FUZZY_LENGTH || (fuzzy_done && lo == fuzzy_lo && hi == fuzzy_hi))
            continue;

          /* A large window over half the text is not worth searching
           * before the whole text, which comes next: it would nearly
           * double the cost of a quote that is not found. */
          if (search_steps[i].radius == WINDOW_LARGE && hi - lo > n_text / 2)
            continue;

          search_fuzzy (&self, lo, hi);
          fuzzy_done = TRUE;
          fuzzy_lo = lo;
          fuzzy_hi = hi;
        }

      if (self.best_exact.found && self.best_exact.evidence >= CONFIDENT_EVIDENCE)
        break;

      /* An acceptable approximate candidate near the old position also
       * ends the search: nearness is evidence too (edits elsewhere shift a
       * passage by little), and looking for a better candidate in the
       * large windows costs a scan of most of the text. */
      if (!self.best_exact.found && self.best_fuzzy.found && (self.best_fuzzy.evidence >= CONFIDENT_EVIDENCE || self.best_fuzzy.distance <= WINDOW_MEDIUM))
        break;
    }

  /* 4. The best exact occurrence; failing that, the best approximate one. */
  if (self.best_exact.found)
    {
      best = &self.best_exact;
    }
  else if (self.best_fuzzy.found)
    {
      best = &self.best_fuzzy;
      refine_boundaries (&self, &self.best_fuzzy);
    }

  if (best != NULL)
    {
      result->state = MG_ANNOTATION_STATE_MOVED;
      result->start = (guint) best->start;
      result->end = (guint) best->end;
      result->score = CLAMP (best->score, 0.0, 1.0);
    }
}

/**
 * mg_anchor_find:
 * @text: (array length=n_text): the current document's code points
 * @n_text: the number of code points in @text
 * @exact: the quote, in UTF-8 (the quote selector's `exact`)
 * @prefix: (nullable): the text just before the quote (`prefix`)
 * @suffix: (nullable): the text just after the quote (`suffix`)
 * @hint_start: the stored start offset (the position selector's `start`), in code points
 * @hint_end: the stored end offset, in code points
 * @result: (out caller-allocates): where the quote was found
 *
 * Finds a stored highlight in a possibly changed text. The stored range is
 * used when the text there still equals @exact (%MG_ANNOTATION_STATE_ANCHORED);
 * otherwise the exact quote, then an approximate one (up to half of it, and
 * at most 256 code points, in edits; white space counts as one symbol), is
 * looked for around the stored range first and further away only when
 * needed. An approximate candidate is acceptable only when its share of
 * edits is below what its evidence allows (its context, its nearness to
 * the stored range: see mg-anchor-evidence.c). Candidates are ranked by
 * the similarity of their text, of their context with @prefix and @suffix,
 * and by nearness to the stored range; the best is
 * %MG_ANNOTATION_STATE_MOVED. When nothing acceptable is found, or @exact
 * is empty, the result is %MG_ANNOTATION_STATE_ORPHANED with an empty range
 * at 0.
 *
 * The stored strings are normalised as documents are (CRLF and CR become
 * LF); the stored offsets may be anything, including past the end of @text.
 */
void
mg_anchor_find (const gunichar *text,
                gsize           n_text,
                const char     *exact,
                const char     *prefix,
                const char     *suffix,
                guint           hint_start,
                guint           hint_end,
                MgAnchorResult *result)
{
  g_autofree gunichar *quote = NULL;
  gsize                m = 0;

  g_return_if_fail (result != NULL);

  result->state = MG_ANNOTATION_STATE_ORPHANED;
  result->start = 0;
  result->end = 0;
  result->score = 0.0;

  g_return_if_fail (text != NULL || n_text == 0);
  /* Offsets are stored as guint. Documents are far smaller (64 MB). */
  g_return_if_fail (n_text <= G_MAXUINT);

  quote = mg_text_match_code_points (exact, &m);
  if (m == 0 || m > n_text + MAX_EDITS)
    return;

  /* 1. The position selector, if the text there is still the quote. */
  if (hint_start <= hint_end && hint_end <= n_text && (gsize) (hint_end - hint_start) == m && memcmp (&text[hint_start], quote, m * sizeof (gunichar)) == 0)
    {
      result->state = MG_ANNOTATION_STATE_ANCHORED;
      result->start = hint_start;
      result->end = hint_end;
      result->score = 1.0;
      return;
    }

  anchor_search (text, n_text, g_steal_pointer (&quote), m, prefix, suffix,
                 MIN ((gsize) hint_start, n_text), result);
}

/**
 * mg_anchor_annotation:
 * @annotation: a #MgAnnotation
 * @document: the document it belongs to
 *
 * Anchors @annotation in @document with mg_anchor_find(), from its stored
 * target, and records the outcome: found where it was, with
 * mg_annotation_set_anchor(); found elsewhere or with other words, with
 * mg_annotation_follow_text(), so that the highlight takes the words it is
 * on now and keeps the ones it was made on.
 */
void
mg_anchor_annotation (MgAnnotation *annotation,
                      MgDocument   *document)
{
  MgAnchorResult  result;
  const gunichar *chars;
  gsize           n_chars = 0;

  g_return_if_fail (MG_IS_ANNOTATION (annotation));
  g_return_if_fail (MG_IS_DOCUMENT (document));

  chars = mg_document_get_chars (document, &n_chars);
  mg_anchor_find (chars, n_chars,
                  mg_annotation_get_exact (annotation),
                  mg_annotation_get_prefix (annotation),
                  mg_annotation_get_suffix (annotation),
                  mg_annotation_get_start (annotation),
                  mg_annotation_get_end (annotation),
                  &result);

  if (result.state == MG_ANNOTATION_STATE_MOVED)
    mg_annotation_follow_text (annotation, document, result.start, result.end);
  else
    mg_annotation_set_anchor (annotation, result.state, result.start, result.end);
}
