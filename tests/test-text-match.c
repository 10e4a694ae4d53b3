/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mg-text-match-private.h"

/* The string matching under re-anchoring (mg-text-match.c), checked
 * against plain dynamic programmes on random texts: small alphabets so
 * that matches are many, code points above 255 so that the hashed tables
 * are used, patterns longer than one 64-bit block, and windows long enough
 * to be searched as two halves. */

static const gunichar alphabet[] = { 'a', 'b', 'c', 'd', 0x00e9, 0x4e2d, 0x1f600 };

static gunichar *
random_text (GRand *rand,
             gsize  length,
             guint  n_symbols)
{
  gunichar *text = g_new (gunichar, MAX (length, 1));

  for (gsize i = 0; i < length; i++)
    text[i] = alphabet[g_rand_int_range (rand, 0, n_symbols)];

  return text;
}

/* A copy of @pattern with about @n_edits random edits. */
static gunichar *
mutate (GRand          *rand,
        const gunichar *pattern,
        gsize           m,
        guint           n_edits,
        gsize          *length)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (gunichar));

  g_array_append_vals (out, pattern, m);
  for (guint e = 0; e < n_edits && out->len > 1; e++)
    {
      guint    at = g_rand_int_range (rand, 0, out->len);
      gunichar c = alphabet[g_rand_int_range (rand, 0, G_N_ELEMENTS (alphabet))];

      switch (g_rand_int_range (rand, 0, 3))
        {
        case 0:
          g_array_index (out, gunichar, at) = c;
          break;
        case 1:
          g_array_insert_val (out, at, c);
          break;
        default:
          g_array_remove_index (out, at);
        }
    }

  *length = out->len;
  return (gunichar *) g_array_free (out, FALSE);
}

typedef struct
{
  guint *edits; /* by end position, G_MAXUINT where nothing was reported */
  gsize  lo;
  gsize  n_reports;
} Reports;

static void
record_end (gsize    end,
            guint    edits,
            gpointer user_data)
{
  Reports *reports = user_data;

  g_assert_cmpuint (reports->edits[end], ==, G_MAXUINT);
  reports->edits[end] = edits;
  reports->n_reports++;
}

/* The fewest edits turning @pattern into some substring of text[lo, hi)
 * that ends at each end position (Sellers' algorithm). */
static guint *
naive_search (const gunichar *pattern,
              gsize           m,
              const gunichar *text,
              gsize           lo,
              gsize           hi)
{
  guint *best = g_new (guint, hi + 1);
  guint *column = g_new (guint, m + 1);

  for (gsize i = 0; i <= m; i++)
    column[i] = i;
  for (gsize j = 0; j <= hi; j++)
    best[j] = G_MAXUINT;

  for (gsize j = lo; j < hi; j++)
    {
      guint diagonal = 0; /* row 0 is 0: a match may start anywhere */

      column[0] = 0;
      for (gsize i = 1; i <= m; i++)
        {
          guint up = column[i];
          guint value = MIN (diagonal + (pattern[i - 1] != text[j] ? 1 : 0), MIN (up + 1, column[i - 1] + 1));

          diagonal = up;
          column[i] = value;
        }
      best[j + 1] = column[m];
    }

  g_free (column);
  return best;
}

static void
test_search_random (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());

  for (guint round = 0; round < 60; round++)
    {
      gsize                m = round % 3 == 0 ? g_rand_int_range (rand, 65, 200) : g_rand_int_range (rand, 1, 64);
      gsize                n = round % 4 == 0 ? g_rand_int_range (rand, 4096, 9000) : g_rand_int_range (rand, 1, 600);
      guint                n_symbols = g_rand_int_range (rand, 2, G_N_ELEMENTS (alphabet) + 1);
      g_autofree gunichar *pattern = random_text (rand, m, n_symbols);
      g_autofree gunichar *text = random_text (rand, n, n_symbols);
      gsize                lo = g_rand_int_range (rand, 0, n / 4 + 1);
      gsize                hi = n - g_rand_int_range (rand, 0, n / 4 + 1);
      guint                max_edits = MIN (m / 2, MG_ALIGN_MAX_EDITS);
      g_autofree guint    *expected = NULL;
      g_autofree guint    *reported = g_new (guint, n + 1);
      Reports              reports = { reported, lo, 0 };
      MgPattern            peq;

      /* Plant edited copies of the pattern, so that there are matches
       * within the limit. */
      for (guint k = 0; k < 3 && m < n; k++)
        {
          gsize                length;
          g_autofree gunichar *copy = mutate (rand, pattern, m, g_rand_int_range (rand, 0, max_edits + 1), &length);
          gsize                at = g_rand_int_range (rand, 0, n - MIN (length, n) + 1);

          memcpy (&text[at], copy, MIN (length, n - at) * sizeof (gunichar));
        }

      if (lo > hi)
        lo = hi;

      for (gsize j = 0; j <= n; j++)
        reported[j] = G_MAXUINT;

      mg_pattern_init (&peq, pattern, m);
      mg_pattern_search (&peq, text, lo, hi, &max_edits, record_end, &reports);
      mg_pattern_clear (&peq);

      expected = naive_search (pattern, m, text, lo, hi);
      for (gsize j = 0; j <= n; j++)
        {
          guint want = j <= hi && expected[j] <= max_edits ? expected[j] : G_MAXUINT;

          if (reported[j] != want)
            g_error ("round %u (m %zu, n %zu, [%zu, %zu), k %u): end %zu reported %u, expected %u",
                     round, m, n, lo, hi, max_edits, j, reported[j], want);
        }
    }
}

static guint
naive_distance (const gunichar *a,
                gsize           n_a,
                gssize          step_a,
                const gunichar *b,
                gsize           n_b,
                gssize          step_b)
{
  g_autofree guint *previous = g_new (guint, n_b + 1);
  g_autofree guint *current = g_new (guint, n_b + 1);

  for (gsize j = 0; j <= n_b; j++)
    previous[j] = j;

  for (gsize i = 1; i <= n_a; i++)
    {
      guint *swap;

      current[0] = i;
      for (gsize j = 1; j <= n_b; j++)
        {
          gunichar ca = a[(gssize) (i - 1) * step_a];
          gunichar cb = b[(gssize) (j - 1) * step_b];

          current[j] = MIN (previous[j - 1] + (ca != cb ? 1 : 0), MIN (previous[j] + 1, current[j - 1] + 1));
        }
      swap = previous;
      previous = current;
      current = swap;
    }

  return previous[n_b];
}

/* The context distance: the pattern against the best prefix of the text,
 * read forwards or backwards. */
static void
test_context_distance_random (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());

  for (guint round = 0; round < 300; round++)
    {
      gsize                m = g_rand_int_range (rand, 1, 65);
      gsize                n = g_rand_int_range (rand, 0, 80);
      guint                n_symbols = g_rand_int_range (rand, 2, G_N_ELEMENTS (alphabet) + 1);
      g_autofree gunichar *pattern = random_text (rand, m, n_symbols);
      g_autofree gunichar *text = random_text (rand, n, n_symbols);
      gssize               step = round % 2 ? 1 : -1;
      const gunichar      *start = step > 0 || n == 0 ? text : &text[n - 1];
      guint                best = G_MAXUINT;
      MgPattern            peq;
      guint                found;

      for (gsize j = 0; j <= n; j++)
        best = MIN (best, naive_distance (pattern, m, 1, start, j, step));

      mg_pattern_init (&peq, pattern, m);
      found = mg_pattern_context_distance (&peq, start, n, step);
      mg_pattern_clear (&peq);

      g_assert_cmpuint (found, ==, best);
    }
}

/* The alignment from an anchor: the length with the fewest edits, ties to
 * the length nearest the quote's, then the shorter; or one given length. */
static void
test_align_random (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());

  for (guint round = 0; round < 400; round++)
    {
      gsize                m = g_rand_int_range (rand, 1, 150);
      guint                n_symbols = g_rand_int_range (rand, 2, G_N_ELEMENTS (alphabet) + 1);
      g_autofree gunichar *quote = random_text (rand, m, n_symbols);
      guint                edits_wanted = g_rand_int_range (rand, 0, m / 2 + 2);
      guint                max_edits = MIN (edits_wanted, MG_ALIGN_MAX_EDITS);
      gsize                copy_length;
      g_autofree gunichar *copy = mutate (rand, quote, m, g_rand_int_range (rand, 0, max_edits + 2), &copy_length);
      gsize                before = g_rand_int_range (rand, 0, 40);
      gsize                after = g_rand_int_range (rand, 0, 40);
      gsize                n = before + copy_length + after;
      g_autofree gunichar *text = random_text (rand, n, n_symbols);
      int                  direction = round % 2 ? 1 : -1;
      gsize                anchor = direction > 0 ? before : before + copy_length;
      gsize                available = direction > 0 ? n - anchor : anchor;
      gsize                limit = MIN (available, m + max_edits);
      gsize                want = round % 5 == 0 ? copy_length : G_MAXSIZE;
      gssize               best_j = -1;
      guint                best = G_MAXUINT;
      gsize                length = 0;
      guint                edits = 0;
      gboolean             found;

      memcpy (&text[before], copy, copy_length * sizeof (gunichar));

      for (gsize j = 1; j <= limit; j++)
        {
          guint d;

          if (want != G_MAXSIZE && j != want)
            continue;
          if (direction > 0)
            d = naive_distance (quote, m, 1, &text[anchor], j, 1);
          else
            d = naive_distance (&quote[m - 1], m, -1, &text[anchor - 1], j, -1);
          if (d > max_edits)
            continue;
          if (d < best || (d == best && ABS ((gssize) j - (gssize) m) < ABS (best_j - (gssize) m)))
            {
              best = d;
              best_j = j;
            }
        }

      found = mg_align_at (text, n, anchor, direction, quote, m, max_edits, want, &length, &edits);
      g_assert_cmpint (found, ==, best_j >= 0);
      if (found)
        {
          g_assert_cmpuint (length, ==, best_j);
          g_assert_cmpuint (edits, ==, best);
        }
    }
}

static void
record_occurrence (gsize    start,
                   gpointer user_data)
{
  g_array_append_val ((GArray *) user_data, start);
}

static void
test_horspool_random (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());

  for (guint round = 0; round < 300; round++)
    {
      gsize                m = g_rand_int_range (rand, 1, 12);
      gsize                n = m + g_rand_int_range (rand, 0, 500);
      guint                n_symbols = g_rand_int_range (rand, 2, G_N_ELEMENTS (alphabet) + 1);
      g_autofree gunichar *pattern = random_text (rand, m, n_symbols);
      g_autofree gunichar *text = random_text (rand, n, n_symbols);
      gsize                first = g_rand_int_range (rand, 0, n - m + 1);
      gsize                last = g_rand_int_range (rand, first, n - m + 1);
      g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (gsize));
      guint skip[256];
      guint k = 0;

      mg_horspool_init (skip, pattern, m);
      mg_horspool_search (text, first, last, pattern, m, skip, record_occurrence, found);

      for (gsize pos = first; pos <= last; pos++)
        if (memcmp (&text[pos], pattern, m * sizeof (gunichar)) == 0)
          {
            g_assert_cmpuint (k, <, found->len);
            g_assert_cmpuint (g_array_index (found, gsize, k), ==, pos);
            k++;
          }
      g_assert_cmpuint (k, ==, found->len);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/text-match/approximate-search/random", test_search_random);
  g_test_add_func ("/text-match/context-distance/random", test_context_distance_random);
  g_test_add_func ("/text-match/align/random", test_align_random);
  g_test_add_func ("/text-match/exact-search/random", test_horspool_random);

  return g_test_run ();
}
