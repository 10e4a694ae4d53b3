/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-text-match"

#include "config.h"

#include <string.h>

#include "mg-text-match-private.h"

/*
 * String matching on code points, for re-anchoring (mg-anchor.c): the
 * stored strings as code points, the approximate search of a quote (Myers' bit-parallel algorithm, 1999), the
 * edit distance of a stored context, the alignment that recovers where an
 * approximate match starts, and the exact search (Horspool). No scoring
 * and no policy: mg-anchor.c decides what to look for, where, and which
 * match wins.
 *
 * All the approximate matching treats the white-space characters (space,
 * line feed, tab, no-break space) as one symbol: a paragraph reflowed by an
 * editor moves its line breaks onto other spaces, and that is no change a
 * reader sees. The exact search stays exact.
 */

/* Windows at least this long are searched as two halves side by side; see
 * mg_pattern_search(). */
#define SPLIT_SEARCH_LENGTH 4096

/**
 * mg_text_match_code_points:
 * @str: (nullable): a stored string (a quote or its context)
 * @n_chars: (out): the number of code points returned
 *
 * The code points of @str, normalised as documents are: valid UTF-8, CRLF
 * and lone CR turned into LF. A quote copied from a CRLF text by another
 * tool then still matches.
 *
 * Returns: (transfer full) (nullable): the code points, %NULL when @str is
 *   empty
 */
gunichar *
mg_text_match_code_points (const char *str,
                           gsize      *n_chars)
{
  g_autofree char *valid = NULL;
  g_autofree char *normalized = NULL;
  glong            n = 0;
  gunichar        *chars;

  *n_chars = 0;
  if (str == NULL || *str == '\0')
    return NULL;

  if (!g_utf8_validate (str, -1, NULL))
    str = valid = g_utf8_make_valid (str, -1);

  if (strchr (str, '\r') != NULL)
    {
      GString    *out = g_string_new (NULL);
      const char *p;

      for (p = str; *p != '\0'; p++)
        {
          if (*p != '\r')
            g_string_append_c (out, *p);
          else if (p[1] != '\n')
            g_string_append_c (out, '\n');
        }
      str = normalized = g_string_free (out, FALSE);
    }

  chars = g_utf8_to_ucs4_fast (str, -1, &n);
  *n_chars = (gsize) n;
  return chars;
}

/* Pattern tables for Myers' algorithm ------------------------------------- */

/* For each symbol of the pattern, a bit mask per 64-code-point block with
 * the pattern positions holding that symbol. Code points below 256 are
 * looked up directly; others through a small open-addressing hash table.
 * Symbols absent from the pattern map to row 0, all zeros.
 */

/* The symbol a code point stands for in approximate matching: every
 * white-space character is a space. */
static inline gunichar
fold_space (gunichar c)
{
  return c == '\n' || c == '\t' || c == 0x00a0 ? ' ' : c;
}

static inline guint
peq_hash (gunichar c)
{
  return c * 0x9E3779B1u;
}

static guint32 *
peq_slot (const MgPattern *peq,
          gunichar         c)
{
  guint slot = peq_hash (c) & peq->mask;

  while (peq->keys[slot] != 0 && peq->keys[slot] != c)
    slot = (slot + 1) & peq->mask;

  return &peq->values[slot];
}

/**
 * mg_pattern_init:
 * @peq: the tables to fill
 * @pattern: the pattern's code points
 * @length: how many, at least 1
 *
 * Builds the tables of @pattern for mg_pattern_search() (any length) and
 * mg_pattern_context_distance() (at most 64 code points). Free them with
 * mg_pattern_clear().
 */
void
mg_pattern_init (MgPattern      *peq,
                 const gunichar *pattern,
                 gsize           length)
{
  guint32 n_symbols = 0;
  gsize   n_high = 0;
  gsize   i;

  g_assert (length > 0);

  memset (peq, 0, sizeof *peq);
  peq->length = length;
  peq->n_blocks = (guint) ((length + 63) / 64);

  for (i = 0; i < length; i++)
    if (fold_space (pattern[i]) >= 256)
      n_high++;

  if (n_high > 0)
    {
      guint size = 8;

      while (size < 2 * n_high)
        size *= 2;
      peq->keys = g_new0 (gunichar, size);
      peq->values = g_new0 (guint32, size);
      peq->mask = size - 1;
    }

  /* Number the distinct symbols from 1; 0 is the all-zero row. */
  for (i = 0; i < length; i++)
    {
      gunichar c = fold_space (pattern[i]);

      if (c < 256)
        {
          if (peq->low[c] == 0)
            peq->low[c] = ++n_symbols;
        }
      else
        {
          guint32 *value = peq_slot (peq, c);

          if (*value == 0)
            {
              *value = ++n_symbols;
              peq->keys[value - peq->values] = c;
            }
        }
    }

  peq->masks = g_new0 (guint64, ((gsize) n_symbols + 1) * peq->n_blocks);

  for (i = 0; i < length; i++)
    {
      gunichar c = fold_space (pattern[i]);
      guint32  symbol = c < 256 ? peq->low[c] : *peq_slot (peq, c);

      peq->masks[(gsize) symbol * peq->n_blocks + i / 64] |= G_GUINT64_CONSTANT (1) << (i % 64);
    }

  /* The other white space of the text looks up the space's row. */
  peq->low['\n'] = peq->low['\t'] = peq->low[0x00a0] = peq->low[' '];

  if (peq->n_blocks == 1)
    for (i = 0; i < 256; i++)
      peq->low_masks[i] = peq->masks[peq->low[i]];
}

void
mg_pattern_clear (MgPattern *peq)
{
  g_clear_pointer (&peq->keys, g_free);
  g_clear_pointer (&peq->values, g_free);
  g_clear_pointer (&peq->masks, g_free);
}

static inline const guint64 *
peq_lookup (const MgPattern *peq,
            gunichar         c)
{
  guint32 symbol;

  if (c < 256)
    symbol = peq->low[c];
  else if (peq->keys == NULL)
    symbol = 0;
  else
    symbol = *peq_slot (peq, c);

  return &peq->masks[(gsize) symbol * peq->n_blocks];
}

/* Myers' bit-parallel edit distance, one 64-row block of a DP column at a
 * time (in Hyyrö's formulation for blocks). Bit i of @pv / @mv is set when
 * the vertical difference between rows i + 1 and i of the column is +1 /
 * -1; @hin is the horizontal difference entering the block's top row
 * (+1, 0 or -1). Returns the horizontal difference leaving its bottom row,
 * and in @row_delta the one leaving the row of @row_bit (0 for none): the
 * pattern's last row, which need not be the block's last.
 */
static inline int
myers_block (guint64 *pv,
             guint64 *mv,
             guint64  eq,
             int      hin,
             guint64  row_bit,
             int     *row_delta)
{
  guint64 hin_negative = hin < 0 ? 1 : 0;
  guint64 hin_positive = hin > 0 ? 1 : 0;
  guint64 xv, xh, ph, mh;
  int     hout;

  xv = eq | *mv;
  eq |= hin_negative;
  xh = (((eq & *pv) + *pv) ^ *pv) | eq;
  ph = *mv | ~(xh | *pv);
  mh = *pv & xh;

  hout = (int) (ph >> 63) - (int) (mh >> 63);
  *row_delta = ((ph & row_bit) != 0) - ((mh & row_bit) != 0);

  ph = (ph << 1) | hin_positive;
  mh = (mh << 1) | hin_negative;
  *pv = mh | ~(xv | ph);
  *mv = ph & xv;

  return hout;
}

/* One column of the search for a pattern of one block. */
static inline void
myers_step (const MgPattern *peq,
            gunichar         c,
            guint64          row_bit,
            guint64         *pv,
            guint64         *mv,
            int             *value)
{
  guint64 eq = c < 256 ? peq->low_masks[c] : peq_lookup (peq, c)[0];
  int     delta;

  myers_block (pv, mv, eq, 0, row_bit, &delta);
  *value += delta;
}

/**
 * mg_pattern_search:
 *
 * Approximate search: calls @func for every end position in
 * text[@lo..@hi) where some substring ending there is at most *@max_edits
 * edits from the pattern, with the smallest number of edits. @func may
 * lower *@max_edits as it goes.
 *
 * Long patterns take several 64-bit blocks per text position; Ukkonen's
 * cut-off (as in Myers' paper) only computes the blocks down to the last
 * one that can still hold a value within the limit, so the cost per text
 * position is about (limit / 64 + 1) blocks however long the quote is.
 * Values beyond the band are over-estimated, never under-estimated, which
 * is harmless: they are above the limit either way.
 */
void
mg_pattern_search (const MgPattern *peq,
                   const gunichar  *text,
                   gsize            lo,
                   gsize            hi,
                   const guint     *max_edits,
                   MgMatchEndFunc   func,
                   gpointer         user_data)
{
  guint               n_blocks = peq->n_blocks;
  guint               last_bit = (guint) ((peq->length - 1) % 64);
  guint64             row_bit = G_GUINT64_CONSTANT (1) << last_bit;
  g_autofree guint64 *pv = NULL;
  g_autofree guint64 *mv = NULL;
  g_autofree int     *bottom = NULL;
  int                 value = (int) peq->length; /* the pattern's last row, if in the band */
  int                 delta = 0;
  guint               last;
  guint               b;
  gsize               j;

  if (n_blocks == 1)
    {
      /* The common case, a quote of at most 64 code points: one word per
       * column. Myers' algorithm is a chain of dependent operations from
       * one column to the next, so a long window is cut in two halves
       * searched side by side: two independent chains run faster than one
       * on any current processor (by a third, measured). The second half
       * starts early by the longest text a match within the limit can
       * span, so that each match ending in it is seen whole: values within
       * the limit are then exact, others only over-estimated. Ends are
       * reported in no particular order. */
      gsize   warm_up = peq->length + *max_edits;
      gsize   end_a = lo;    /* the first chain covers [lo, end_a) */
      gsize   start_b = lo;  /* the second starts here */
      gsize   report_b = lo; /* and reports from here */
      guint64 pv_a = ~G_GUINT64_CONSTANT (0);
      guint64 mv_a = 0;
      guint64 pv_b = ~G_GUINT64_CONSTANT (0);
      guint64 mv_b = 0;
      int     value_b = value;
      gsize   t;

      if (hi - lo >= 4 * warm_up && hi - lo >= SPLIT_SEARCH_LENGTH)
        {
          end_a = lo + (hi - lo) / 2;
          start_b = end_a - warm_up;
          report_b = end_a;
        }

      /* Both chains; the second one's columns stay below hi, since the
       * first half is the shorter one. */
      for (t = 0; lo + t < end_a; t++)
        {
          myers_step (peq, text[lo + t], row_bit, &pv_a, &mv_a, &value);
          myers_step (peq, text[start_b + t], row_bit, &pv_b, &mv_b, &value_b);

          if (value <= (int) *max_edits)
            func (lo + t + 1, (guint) value, user_data);
          if (start_b + t >= report_b && value_b <= (int) *max_edits)
            func (start_b + t + 1, (guint) value_b, user_data);
        }

      /* The rest of the second chain, or the whole window. */
      for (j = start_b + t; j < hi; j++)
        {
          myers_step (peq, text[j], row_bit, &pv_b, &mv_b, &value_b);
          if (j >= report_b && value_b <= (int) *max_edits)
            func (j + 1, (guint) value_b, user_data);
        }
      return;
    }

  pv = g_new (guint64, n_blocks);
  mv = g_new (guint64, n_blocks);
  bottom = g_new (int, n_blocks);

  /* Column 0: row i holds i (the pattern's first i symbols all deleted), so
   * only the blocks down to row max_edits can hold a value within it. */
  last = MIN (*max_edits / 64, n_blocks - 1);
  for (b = 0; b <= last; b++)
    {
      pv[b] = ~G_GUINT64_CONSTANT (0);
      mv[b] = 0;
      bottom[b] = (int) (64 * (b + 1));
    }

  for (j = lo; j < hi; j++)
    {
      const guint64 *eq = peq_lookup (peq, text[j]);
      int            max = (int) *max_edits;
      int            hout = 0; /* row 0 is 0 everywhere: a match may start anywhere */

      for (b = 0; b <= last; b++)
        {
          hout = myers_block (&pv[b], &mv[b], eq[b], hout,
                              b + 1 == n_blocks ? row_bit : 0, &delta);
          bottom[b] += hout;
        }
      if (last + 1 == n_blocks)
        value += delta;

      if (last + 1 < n_blocks && bottom[last] - hout <= max && ((eq[last + 1] & 1) != 0 || hout < 0))
        {
          /* The next block's top row may come within the limit: take it
           * into the band. Its values in the previous column are unknown
           * but above the limit; the block above's bottom value plus the
           * row distance bounds them from above, which is all the
           * algorithm needs. */
          int previous_bottom = bottom[last] - hout;

          last++;
          pv[last] = ~G_GUINT64_CONSTANT (0);
          mv[last] = 0;
          bottom[last] = previous_bottom + 64;
          bottom[last] += myers_block (&pv[last], &mv[last], eq[last], hout,
                                       last + 1 == n_blocks ? row_bit : 0, &delta);
          if (last + 1 == n_blocks)
            value = previous_bottom + (int) last_bit + 1 + delta;
        }
      else
        {
          /* A block whose bottom is at least limit + 64 holds only values
           * above the limit. The first block always stays: row 0 is 0. */
          while (last > 0 && bottom[last] >= max + 64)
            last--;
        }

      if (last + 1 == n_blocks && value <= max)
        func (j + 1, (guint) value, user_data);
    }
}

/**
 * mg_pattern_context_distance:
 *
 * Global edit distance between a pattern of at most 64 code points and the
 * best prefix of @text (read with @step, +1 forward or -1 backward from
 * @text): the stored context is aligned from the quote outwards, and the
 * text may run on past its far end for free.
 */
guint
mg_pattern_context_distance (const MgPattern *peq,
                             const gunichar  *text,
                             gsize            n_text,
                             gssize           step)
{
  guint64 row_bit = G_GUINT64_CONSTANT (1) << ((peq->length - 1) % 64);
  guint64 pv = ~G_GUINT64_CONSTANT (0);
  guint64 mv = 0;
  int     value = (int) peq->length;
  int     best = value;
  int     delta;
  gsize   j;

  g_assert (peq->n_blocks == 1);

  for (j = 0; j < n_text; j++)
    {
      gunichar c = text[(gssize) j * step];

      /* Row 0 holds j: the text side cannot skip code points next to the
       * quote for free. */
      myers_block (&pv, &mv, peq_lookup (peq, c)[0], 1, row_bit, &delta);
      value += delta;
      best = MIN (best, value);
    }

  return (guint) best;
}

/**
 * mg_align_at:
 *
 * Aligns @quote with the text on one side of @anchor: with @direction -1
 * the quote ends at @anchor and the text is read backwards from there,
 * with +1 it starts at @anchor. A plain dynamic programme, limited to the
 * diagonals within @max_edits of the main one (no alignment with at most
 * @max_edits edits leaves them), so it costs O(m * max_edits). The length
 * giving the fewest edits wins; among equals, the one closest to the
 * quote's own length. With @want_length other than %G_MAXSIZE, only that
 * length is considered: the edit distance of two given ranges.
 *
 * This recovers where an approximate match found by mg_pattern_search()
 * starts (it only reports ends), and where one starts or ends next to
 * intact context.
 *
 * Returns: %FALSE if no alignment within @max_edits exists
 */
gboolean
mg_align_at (const gunichar *text,
             gsize           n_text,
             gsize           anchor,
             int             direction,
             const gunichar *quote,
             gsize           m,
             guint           max_edits,
             gsize           want_length,
             gsize          *length,
             guint          *edits)
{
  const guint       infinity = G_MAXUINT / 2;
  guint             stack_rows[2 * (2 * MG_ALIGN_MAX_EDITS + 1)];
  g_autofree guint *heap_rows = NULL;
  guint            *previous;
  guint            *current;
  gssize            d = max_edits;
  gssize            width = 2 * d + 1;
  gsize             available = direction < 0 ? anchor : n_text - anchor;
  gssize            limit = (gssize) MIN (available, m + max_edits);
  gssize            best_j = -1;
  guint             best = infinity;
  gssize            i;
  gssize            off;

  g_assert (anchor <= n_text);

  /* The usual band fits on the stack; wider ones (long quotes) go on the
   * heap. */
  if (max_edits <= MG_ALIGN_MAX_EDITS)
    previous = stack_rows;
  else
    previous = heap_rows = g_new (guint, 2 * (gsize) width);
  current = previous + width;

  /* Cell (i, j), i quote code points against j text code points, both
   * counted from the anchor, is at index j - i + d of row i. */
  for (off = 0; off < width; off++)
    {
      gssize j = off - d;

      current[off] = j >= 0 && j <= limit ? (guint) j : infinity;
    }

  for (i = 1; i <= (gssize) m; i++)
    {
      /* The quote's symbol, and whether any white space matches it. */
      gunichar q = fold_space (direction < 0 ? quote[m - i] : quote[i - 1]);
      gboolean q_space = q == ' ';
      gssize   first = MAX (0, 1 - i + d);            /* the cells with 1 <= j ... */
      gssize   last = MIN (width - 1, limit - i + d); /* ... and j <= limit */
      guint   *swap = previous;
      guint    row_min = infinity;

      previous = current;
      current = swap;

      for (off = 0; off < width; off++)
        current[off] = infinity;
      /* Column 0: the first i quote code points all deleted. */
      if (d - i >= 0)
        {
          current[d - i] = (guint) i;
          row_min = (guint) i;
        }

      for (off = first; off <= last; off++)
        {
          gssize   j = i + off - d;
          gunichar t = direction < 0 ? text[anchor - j] : text[anchor + j - 1];
          guint    value;

          value = previous[off] + (t == q || (q_space && fold_space (t) == ' ') ? 0 : 1);
          if (off + 1 < width)
            value = MIN (value, previous[off + 1] + 1);
          if (off > 0)
            value = MIN (value, current[off - 1] + 1);
          current[off] = MIN (value, infinity);
          row_min = MIN (row_min, current[off]);
        }

      /* Values never decrease along a path: once a whole row is over the
       * budget, so is the last. */
      if (row_min > max_edits)
        return FALSE;
    }

  for (off = 0; off < width; off++)
    {
      gssize j = (gssize) m + off - d;

      if (j < 1 || j > limit || current[off] > max_edits || (want_length != G_MAXSIZE && (gsize) j != want_length))
        continue;
      if (current[off] < best || (current[off] == best && ABS (j - (gssize) m) < ABS (best_j - (gssize) m)))
        {
          best = current[off];
          best_j = j;
        }
    }

  if (best_j < 0)
    return FALSE;

  *length = (gsize) best_j;
  *edits = best;
  return TRUE;
}

/* Exact search: Horspool's algorithm, with a skip table indexed by the low
 * byte of the code point (a shared low byte only shortens a skip, it never
 * skips an occurrence).
 */

/**
 * mg_horspool_init:
 * @skip: the skip table to fill
 * @pattern: the pattern's code points
 * @m: how many, at least 1
 */
void
mg_horspool_init (guint           skip[256],
                  const gunichar *pattern,
                  gsize           m)
{
  gsize i;

  for (i = 0; i < 256; i++)
    skip[i] = (guint) MIN (m, G_MAXUINT);
  for (i = 0; i + 1 < m; i++)
    skip[pattern[i] & 0xff] = (guint) MIN (m - 1 - i, G_MAXUINT);
}

/**
 * mg_horspool_search:
 *
 * Calls @func for each occurrence of @pattern (of @m code points, with the
 * @skip table of mg_horspool_init()) starting in [@first, @last]; @last +
 * @m must not exceed the length of @text.
 */
void
mg_horspool_search (const gunichar  *text,
                    gsize            first,
                    gsize            last,
                    const gunichar  *pattern,
                    gsize            m,
                    const guint      skip[256],
                    MgOccurrenceFunc func,
                    gpointer         user_data)
{
  gunichar tail = pattern[m - 1];
  gsize    pos;

  for (pos = first; pos <= last;)
    {
      gunichar c = text[pos + m - 1];

      if (c == tail && memcmp (&text[pos], pattern, (m - 1) * sizeof (gunichar)) == 0)
        func (pos, user_data);

      /* Skips are at least 1; last + m never exceeds the text's length. */
      pos += skip[c & 0xff];
    }
}
