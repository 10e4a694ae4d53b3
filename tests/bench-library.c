/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <time.h>

#include "bench-library.h"
#include "mg-library-fixture.h"
#include "mg-library.h"

/* The library's figures for marginalia-bench (issue 14):
 *
 *   library_index_100k   building the index of 1,000 documents of 100
 *                        annotations each, from nothing (ms)
 *   library_update_100k  the update after it, nothing changed (ms)
 *   library_search_100k  one search over them: the median of several
 *                        queries of the kinds users type (ms)
 *   library_search_100k_cpu  the same, in processor time: on a machine
 *                        shared with other work, what the search costs
 *                        rather than how long it waited (ms)
 *   library_search_100k_broad  the worst case: two letters typed, a
 *                        prefix of words in half of the annotations, all
 *                        ranked (ms, median of rounds)
 *
 * The folder is made by mg-library-fixture.c, which the library window's
 * benchmark uses too. */

#define N_DOCUMENTS 1000
#define N_ANNOTATIONS 100
#define N_ROUNDS 5

/* Two letters typed: a prefix of words in about half of the annotations. */
static const char *const broad_query = "ka";

static const char *const queries[] = {
  "method",           /* a word, as typed: a prefix */
  "resume cafe ",     /* two words, accents */
  "\"river theory\"", /* a phrase */
  "evid",             /* a prefix */
  "#todo",            /* a tag */
  "museum violin harvest ",
  "Document 17", /* a title */
  "nothing matches this",
};

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a;
  double db = *(const double *) b;

  return (da > db) - (da < db);
}

static double
cpu_ms (void)
{
  struct timespec now;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);

  return now.tv_sec * 1000.0 + now.tv_nsec / 1e6;
}

static void
report (const char *name,
        double      value,
        const char *unit)
{
  g_print ("%s %.1f %s\n", name, value, unit);
}

void
mg_bench_library (const char *tmp)
{
  g_autofree char *folder = g_build_filename (tmp, "library", "annotations", NULL);
  g_autofree char *index = g_build_filename (tmp, "library", "library.sqlite", NULL);
  g_autoptr (MgLibrary) library = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) cpu_times = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 start;
  guint  n_hits = 0;

  mg_library_fixture_generate (folder, N_DOCUMENTS, N_ANNOTATIONS, 14);

  library = mg_library_new (folder, index);
  start = g_get_monotonic_time ();
  if (!mg_library_update (library, NULL, &error))
    g_error ("%s", error->message);
  report ("library_index_100k", (g_get_monotonic_time () - start) / 1000.0, "ms");
  g_assert_cmpuint (g_list_model_get_n_items (mg_library_get_documents (library)), ==, N_DOCUMENTS);

  start = g_get_monotonic_time ();
  if (!mg_library_update (library, NULL, &error))
    g_error ("%s", error->message);
  report ("library_update_100k", (g_get_monotonic_time () - start) / 1000.0, "ms");

  for (guint round = 0; round < N_ROUNDS; round++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
        {
          g_autoptr (GPtrArray) hits = NULL;
          double cpu_start = cpu_ms ();
          double cpu;
          double ms;

          start = g_get_monotonic_time ();
          hits = mg_library_search (library, queries[i], NULL, NULL, &error);
          ms = (g_get_monotonic_time () - start) / 1000.0;
          cpu = cpu_ms () - cpu_start;
          g_assert_no_error (error);
          g_array_append_val (times, ms);
          g_array_append_val (cpu_times, cpu);
          n_hits += hits->len;
          if (round == 0 && g_getenv ("MG_BENCH_VERBOSE") != NULL)
            g_printerr ("  %-24s %5u hits %7.1f ms\n", queries[i], hits->len, ms);
        }
    }

  g_array_sort (times, compare_doubles);
  report ("library_search_100k", g_array_index (times, double, times->len / 2), "ms");
  g_array_sort (cpu_times, compare_doubles);
  report ("library_search_100k_cpu", g_array_index (cpu_times, double, cpu_times->len / 2), "ms");
  g_assert_cmpuint (n_hits, >, 0);

  g_array_set_size (times, 0);
  for (guint round = 0; round < N_ROUNDS; round++)
    {
      g_autoptr (GPtrArray) hits = NULL;
      double ms;

      start = g_get_monotonic_time ();
      hits = mg_library_search (library, broad_query, NULL, NULL, &error);
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_assert_no_error (error);
      g_array_append_val (times, ms);
    }
  g_array_sort (times, compare_doubles);
  report ("library_search_100k_broad", g_array_index (times, double, times->len / 2), "ms");
}
