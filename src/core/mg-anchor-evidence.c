/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-anchor-evidence"

#include "config.h"

#include <string.h>

#include "mg-anchor-private.h"

/*
 * The evidence that a candidate found by the search (mg-anchor.c) is the
 * highlighted passage: how similar the text on each side of it is to the
 * stored context, how near it is to the old position, and the rules that
 * decide whether an approximate candidate is acceptable at all, each with
 * the reasoning behind its numbers. Exact occurrences of the quote need no
 * such rule: the quote's text is there.
 */

/* Nearness falls to one half at this distance from the old position, about
 * a page of text, and keeps falling slowly beyond. */
#define NEAR_SCALE 1024.0

/* An approximate candidate is accepted only with an evidence of 0.7 or
 * more. A quote edited as much as allowed (half of it) is then accepted
 * only if its context is intact, and a quote with unrelated context only
 * if it is nearly intact, which random text never is for quotes of a few
 * words. Exact occurrences are always accepted: the quote's text is there. */
#define FUZZY_ACCEPT_EVIDENCE 0.7

/*
 * An approximate candidate of a quote at least LONG_QUOTE_LENGTH code
 * points long is also accepted, whatever its evidence, when the share of
 * the quote in edits is small enough given the other evidence that it is
 * the passage. This is the rule that re-finds a long passage rewritten in
 * part, the common edit of real prose (measured on revisions of a real
 * book, see tests/data/anchoring): a sentence keeps half to four fifths of
 * its characters, and often one side of its context, or both, change with
 * it.
 *
 * How close does text unrelated to a quote come to it by chance? Measured
 * with the approximate search on unrelated English prose (licence texts,
 * and other chapters of the same book), for quotes of 32 to 400 code
 * points: the fewest edits found in 200,000 code points are 55 to 67 % of
 * the quote for quotes of 64 or more, 30 % or more for shorter ones (a
 * common phrase), and more the smaller the text searched. A genuinely
 * edited passage, on the other hand, rarely loses more than 40 % of its
 * characters while staying recognisably the same sentence.
 *
 * So the share of edits allowed starts at BASE_EDIT_RATIO (a fifth, below
 * any chance match of 32 code points or more: the quote's text alone is
 * convincing, wherever it is), and grows by SUPPORT_EDIT_RATIO for each
 * independent piece of evidence that this is the place:
 *
 *  - the prefix is intact (similarity INTACT_CONTEXT or more), or partly
 *    so, counted from CHANCE_CONTEXT (the similarity of unrelated
 *    contexts) up (see context_support()); the same for the suffix;
 *  - the candidate is near the old position: within NEAR_FULL code points
 *    (a page, the usual shift after edits above it), counting for less
 *    beyond, and for nothing from NEAR_NONE on.
 *
 * With two of them a passage with 45 % of it edited is found; with all
 * three the allowance reaches the search's own bound (half the quote, as
 * in Hypothesis' client). Text right after an intact prefix that is not
 * the passage (the passage was deleted) stays about 60 % away from the
 * quote, beyond what two supports allow.
 *
 * A quote shorter than SUPPORT_FULL_LENGTH comes closer to unrelated text
 * by chance (a phrase repeats): its supports count for less, in proportion
 * to its length.
 *
 * The cases looked at (the shared corpus of 8 chapters with two revisions
 * each; 9 of its 187 edited passages were lost before these rules):
 * sentences and pairs of sentences of 60 to 410 code points, 29 to 40 %
 * edited, with the prefix intact and the suffix rewritten or the other
 * way round (5 of them), or both contexts rewritten but the passage within
 * a page of its old place (3), and one of 380 code points with 109 edits,
 * beyond the former cap of 64. Reflowed lines made every one of them
 * look more edited than it was. Against false anchors: each annotation of
 * every chapter anchored in the other chapters (1 of 472 found a sentence
 * worded like it, 29 % edited, with a context 0.78 similar, 2,700 code
 * points from its old place: the weakest accepted case, a limit of these
 * rules), and each one anchored in its own old text with the passage cut
 * out (found only where its very words occur again; before the deletion
 * site of mg-anchor.c, 16 took a neighbouring sentence worded alike).
 */
#define LONG_QUOTE_LENGTH 32
#define BASE_EDIT_RATIO 0.2
#define SUPPORT_EDIT_RATIO 0.125
#define CHANCE_CONTEXT 0.45
#define NEAR_FULL 1024.0
#define NEAR_NONE 4096.0
#define SUPPORT_FULL_LENGTH 64

/* Quotes shorter than this many code points match approximately almost
 * anywhere (a 10-letter word with 2 edits is a common sight in a book), so
 * an approximate match of one is also required to keep its context at
 * least this similar. */
#define SHORT_QUOTE_LENGTH 16
#define SHORT_QUOTE_MIN_CONTEXT 0.6

/* The text side of a context may be a few code points longer than the
 * stored side, so that an insertion right next to the quote costs only its
 * own length. */
#define CONTEXT_SLACK 8

/* The similarity given to a stored context that is empty: full when the
 * candidate also lies at the start (or end) of the text, which is what an
 * empty context records; neutral elsewhere, since an empty context may also
 * come from a file written without context. */
#define EMPTY_CONTEXT_ELSEWHERE 0.5

void
mg_anchor_ensure_context_peqs (Anchor *self)
{
  if (self->have_context_peqs)
    return;

  if (self->n_prefix > 0)
    mg_pattern_init (&self->prefix_peq, self->prefix, self->n_prefix);
  if (self->n_suffix > 0)
    mg_pattern_init (&self->suffix_peq, self->suffix, self->n_suffix);
  self->have_context_peqs = TRUE;
}

double
mg_anchor_prefix_similarity (Anchor *self,
                             gsize   start)
{
  gsize available = MIN (start, self->n_prefix + CONTEXT_SLACK);
  gsize i;

  if (self->n_prefix == 0)
    return start == 0 ? 1.0 : EMPTY_CONTEXT_ELSEWHERE;

  /* Usually the context is intact: no need for an edit distance. */
  if (start >= self->n_prefix)
    {
      for (i = 0; i < self->n_prefix; i++)
        if (self->text[start - 1 - i] != self->prefix[i])
          break;
      if (i == self->n_prefix)
        return 1.0;
    }

  if (available == 0)
    return 0.0;

  mg_anchor_ensure_context_peqs (self);
  return 1.0 - (double) mg_pattern_context_distance (&self->prefix_peq, &self->text[start - 1], available, -1) / (double) self->n_prefix;
}

double
mg_anchor_suffix_similarity (Anchor *self,
                             gsize   end)
{
  gsize available = MIN (self->n_text - end, self->n_suffix + CONTEXT_SLACK);

  if (self->n_suffix == 0)
    return end == self->n_text ? 1.0 : EMPTY_CONTEXT_ELSEWHERE;

  if (self->n_text - end >= self->n_suffix && memcmp (&self->text[end], self->suffix, self->n_suffix * sizeof (gunichar)) == 0)
    return 1.0;

  if (available == 0)
    return 0.0;

  mg_anchor_ensure_context_peqs (self);
  return 1.0 - (double) mg_pattern_context_distance (&self->suffix_peq, &self->text[end], available, 1) / (double) self->n_suffix;
}

double
mg_anchor_nearness (gsize distance)
{
  return 1.0 / (1.0 + (double) distance / NEAR_SCALE);
}

double
mg_anchor_evidence_of (double quote,
                       double prefix,
                       double suffix)
{
  return (WEIGHT_QUOTE * quote + WEIGHT_PREFIX * prefix + WEIGHT_SUFFIX * suffix) / (WEIGHT_QUOTE + WEIGHT_PREFIX + WEIGHT_SUFFIX);
}

/* How much a context of similarity @similarity supports a candidate: 0 at
 * the similarity of unrelated text, 1 when intact, and little for a
 * context only partly similar: the contexts of unrelated passages on the
 * same subject (another chapter of the same book) reach 0.7 or 0.8 by
 * shared phrasing, which is much weaker evidence than an intact context,
 * so the support grows with the square of the similarity above chance. */
static double
context_support (double similarity)
{
  double above_chance = CLAMP ((similarity - CHANCE_CONTEXT) / (INTACT_CONTEXT - CHANCE_CONTEXT), 0.0, 1.0);

  return above_chance * above_chance;
}

static double
near_support (gsize distance)
{
  return CLAMP ((NEAR_NONE - (double) distance) / (NEAR_NONE - NEAR_FULL), 0.0, 1.0);
}

/* The most edits a candidate may have once a deletion site was found (see
 * mg_anchor_fuzzy_acceptable()): the search need look for no more. */
guint
mg_anchor_edits_after_deletion (Anchor *self)
{
  if (self->m < LONG_QUOTE_LENGTH)
    return 0;

  return (guint) (BASE_EDIT_RATIO * (double) self->m + SCORE_EPSILON);
}

/* Whether an approximate candidate @distance code points from the old
 * position may be accepted at all. */
gboolean
mg_anchor_fuzzy_acceptable (Anchor *self,
                            double  quote,
                            double  prefix,
                            double  suffix,
                            gsize   distance)
{
  double support;

  if (self->m < SHORT_QUOTE_LENGTH && (prefix + suffix) / 2 < SHORT_QUOTE_MIN_CONTEXT)
    return FALSE;

  /* The passage was deleted: only its own text may prove it lives on
   * elsewhere. */
  if (self->deleted_here)
    return self->m >= LONG_QUOTE_LENGTH && 1.0 - quote <= BASE_EDIT_RATIO + SCORE_EPSILON;

  if (mg_anchor_evidence_of (quote, prefix, suffix) >= FUZZY_ACCEPT_EVIDENCE)
    return TRUE;

  if (self->m < LONG_QUOTE_LENGTH)
    return FALSE;

  support = context_support (prefix) + context_support (suffix) + near_support (distance);
  support *= MIN (1.0, (double) self->m / SUPPORT_FULL_LENGTH);

  return 1.0 - quote <= BASE_EDIT_RATIO + SUPPORT_EDIT_RATIO * support + SCORE_EPSILON;
}
