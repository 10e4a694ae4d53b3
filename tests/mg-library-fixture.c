/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mg-document-ids.h"
#include "mg-library-fixture.h"
#include "mg-store-private.h"

/* See mg-library-fixture.h. Files are written by mg_store_format_write(),
 * so they are what the store writes; a document's id comes from its
 * SHA-256 (mg_document_id_for_sha256()), which is the checksum of its
 * title unless given. */

static MgAnnotation *
annotation_at (const char *quote,
               guint       start,
               const char *note,
               const char *tags,
               MgColor     color)
{
  MgAnnotation *annotation = mg_annotation_new (quote, "", "", start, start + g_utf8_strlen (quote, -1), color);

  if (note != NULL)
    mg_annotation_set_note (annotation, note);
  if (tags != NULL)
    {
      g_auto (GStrv) split = g_strsplit (tags, ",", -1);

      mg_annotation_set_tags (annotation, (const char *const *) split);
    }

  return annotation;
}

/**
 * mg_library_fixture_annotation:
 * @quote: the highlighted text
 * @note: (nullable): a note
 * @tags: (nullable): tags separated by commas
 * @color: its colour
 *
 * Returns: (transfer full): an annotation of @quote at offset 0
 */
MgAnnotation *
mg_library_fixture_annotation (const char *quote,
                               const char *note,
                               const char *tags,
                               MgColor     color)
{
  return annotation_at (quote, 0, note, tags, color);
}

/**
 * mg_library_fixture_write:
 * @folder: the annotations folder (made if needed)
 * @title: the document's title
 * @uri: (nullable): its URI
 * @sha256: (nullable): the SHA-256 of its text; %NULL: of @title
 * @annotations: (element-type MgAnnotation): its annotations
 *
 * Writes the document's store file, `<id>.json`.
 *
 * Returns: (transfer full): the document's id
 */
char *
mg_library_fixture_write (const char *folder,
                          const char *title,
                          const char *uri,
                          const char *sha256,
                          GPtrArray  *annotations)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func (mg_store_item_free);
  g_autoptr (GPtrArray) deleted = g_ptr_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *own_sha256 = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  char            *id;

  if (sha256 == NULL)
    sha256 = own_sha256 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, title, -1);
  id = mg_document_id_for_sha256 (sha256);

  for (guint i = 0; i < annotations->len; i++)
    g_ptr_array_add (entries, mg_store_item_new_annotation (g_ptr_array_index (annotations, i)));

  bytes = mg_store_format_write (id, uri != NULL ? uri : "", sha256, title, entries, deleted, 4096);
  name = mg_document_id_file_name (id);
  path = g_build_filename (folder, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);

  return id;
}

/* One document with one annotation. Returns its id. */
char *
mg_library_fixture_write_one (const char *folder,
                              const char *title,
                              const char *uri,
                              const char *quote,
                              const char *note,
                              const char *tags,
                              MgColor     color)
{
  g_autoptr (GPtrArray) annotations = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (annotations, mg_library_fixture_annotation (quote, note, tags, color));

  return mg_library_fixture_write (folder, title, uri, NULL, annotations);
}

static const char *const words[] = {
  "method",
  "evidence",
  "theory",
  "reading",
  "margin",
  "history",
  "language",
  "memory",
  "résumé",
  "café",
  "network",
  "protein",
  "sample",
  "river",
  "economy",
  "archive",
  "signal",
  "pattern",
  "garden",
  "museum",
  "climate",
  "market",
  "letter",
  "winter",
  "engine",
  "culture",
  "silence",
  "journal",
  "island",
  "question",
  "argument",
  "detail",
  "structure",
  "freedom",
  "harvest",
  "violin",
  "science",
  "mirror",
  "ocean",
  "library",
};

static const char *const tag_names[] = { "method", "todo", "quote", "idea", "data-science", "chapter-1" };

/* Made-up words beside the real ones, so that a word is as rare as in a
 * real library: 2,000 of them, from syllables. */
#define N_MADE_UP_WORDS 2000

static const char *const syllables[] = {
  "ka",
  "lo",
  "mi",
  "ren",
  "tu",
  "sa",
  "vel",
  "dor",
  "in",
  "ques",
  "pa",
  "ro",
  "li",
  "ther",
  "am",
  "sto",
};

static void
append_made_up_word (GString *text,
                     guint    n)
{
  /* Two to four syllables, the number written in base 16. */
  do
    {
      g_string_append (text, syllables[n % G_N_ELEMENTS (syllables)]);
      n /= G_N_ELEMENTS (syllables);
    }
  while (n > 0);
  g_string_append (text, "ne");
}

/* One word in ten is one of the real words above, so that each of them is
 * in about one annotation of thirty. */
static char *
sentence (GRand *rand,
          guint  n_words)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n_words; i++)
    {
      if (i > 0)
        g_string_append_c (text, ' ');
      if (g_rand_int_range (rand, 0, 10) == 0)
        g_string_append (text, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
      else
        append_made_up_word (text, g_rand_int_range (rand, 0, N_MADE_UP_WORDS));
    }

  return g_string_free (text, FALSE);
}

/**
 * mg_library_fixture_generate:
 * @folder: the annotations folder (made if needed)
 * @n_documents: how many documents
 * @n_annotations: how many annotations each
 * @seed: for the words chosen: the same seed, the same folder
 *
 * A library of made-up documents ("Document 17: river theory"), each
 * annotation a quote of 8 to 20 words (one in ten from 40 real words,
 * some accented; the others made up, from 2,000), a note on a third of
 * them, a tag on a quarter. 1,000 × 100 is about 80 MB of files, written
 * in a few seconds.
 */
void
mg_library_fixture_generate (const char *folder,
                             guint       n_documents,
                             guint       n_annotations,
                             guint32     seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);

  for (guint d = 0; d < n_documents; d++)
    {
      g_autoptr (GPtrArray) annotations = g_ptr_array_new_with_free_func (g_object_unref);
      g_autofree char *topic = sentence (rand, 2);
      g_autofree char *title = g_strdup_printf ("Document %u: %s", d, topic);
      g_autofree char *uri = g_strdup_printf ("file:///library/document-%u.txt", d);
      g_autofree char *id = NULL;
      guint            at = 0;

      for (guint a = 0; a < n_annotations; a++)
        {
          g_autofree char *quote = sentence (rand, g_rand_int_range (rand, 8, 21));
          g_autofree char *note = g_rand_int_range (rand, 0, 3) == 0 ? sentence (rand, 6) : NULL;
          g_autofree char *tags = NULL;
          MgAnnotation    *annotation;
          guint            length = g_utf8_strlen (quote, -1);

          if (g_rand_int_range (rand, 0, 4) == 0)
            tags = g_strdup (tag_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (tag_names))]);
          annotation = annotation_at (quote, at, note, tags, g_rand_int_range (rand, 0, MG_N_COLORS));
          at += length + 20;
          g_ptr_array_add (annotations, annotation);
        }

      id = mg_library_fixture_write (folder, title, uri, NULL, annotations);
    }
}
