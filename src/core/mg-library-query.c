/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-library"

#include "config.h"

#include <string.h>

#include "mg-library-private.h"
#include "mg-text-fold.h"

/* What the user types in the library's search, as an FTS5 expression.
 *
 * The user's text is never FTS5 syntax: it is cut into terms (words,
 * "quoted phrases", #tags), and each term goes into the expression as an
 * FTS5 string (double quotes, inner ones doubled), so that AND, NEAR, *,
 * ^, :, parentheses and stray quotes are only text. The terms are joined
 * with AND. The last word is a prefix (`"meth" *`) unless the text ends
 * with white space. A #tag is looked for in the tags column only. A term
 * with no letter or digit (which the tokenizer would make an empty phrase)
 * is dropped.
 *
 * The query also marks the words it matched in a hit's texts, here rather
 * than with FTS5's highlight(), which costs more than the search itself
 * when it runs on every match before the best are kept. A word of the
 * text is marked when, folded as for any search in Marginalia
 * (mg-text-fold.c: case, accents, compatibility forms), it is one of the
 * words of a term, or begins with the last word of the prefix term. Words
 * are what unicode61 takes them for: runs of letters, digits and marks.
 * The words of a phrase are marked wherever they are, not only together:
 * enough to show why a hit came. */

struct _MgLibraryQuery
{
  GString    *expression;
  guint       n_terms;
  GHashTable *words;  /* folded words of the terms to mark (not of tags) */
  char       *prefix; /* folded: the last word of the prefix term, or NULL */
};

static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c) || g_unichar_ismark (c) || g_unichar_type (c) == G_UNICODE_PRIVATE_USE;
}

/* The next word in @p (up to @end): its start and end, or FALSE. */
static gboolean
next_word (const char  *p,
           const char  *end,
           const char **word_start,
           const char **word_end)
{
  while (p < end && !is_word_char (g_utf8_get_char (p)))
    p = g_utf8_next_char (p);
  if (p >= end)
    return FALSE;

  *word_start = p;
  while (p < end && is_word_char (g_utf8_get_char (p)))
    p = g_utf8_next_char (p);
  *word_end = p;

  return TRUE;
}

static char *
fold_word (const char *start,
           const char *end)
{
  g_autofree char *word = g_strndup (start, end - start);
  gboolean         ascii = TRUE;

  for (const char *p = word; *p != '\0' && ascii; p++)
    ascii = (guchar) *p < 0x80;

  if (ascii)
    return g_ascii_strdown (word, -1);

  return mg_text_fold (word, MG_TEXT_FOLD_SEARCH);
}

static void
add_term (MgLibraryQuery *builder,
          const char     *text,
          gsize           len,
          gboolean        tag,
          gboolean        prefix)
{
  const char *end = text + len;
  const char *start;
  const char *word_end;
  const char *p = text;
  char       *last = NULL;

  if (!next_word (text, end, &start, &word_end))
    return;

  /* The words to mark. */
  while (!tag && next_word (p, end, &start, &word_end))
    {
      last = fold_word (start, word_end);
      g_hash_table_add (builder->words, last);
      p = word_end;
    }
  if (prefix && last != NULL)
    {
      g_free (builder->prefix);
      builder->prefix = g_strdup (last);
    }

  if (builder->n_terms > 0)
    g_string_append (builder->expression, " AND ");
  if (tag)
    g_string_append (builder->expression, "tags : ");

  g_string_append_c (builder->expression, '"');
  for (gsize i = 0; i < len; i++)
    {
      if (text[i] == '"')
        g_string_append_c (builder->expression, '"');
      g_string_append_c (builder->expression, text[i]);
    }
  g_string_append_c (builder->expression, '"');
  if (prefix)
    g_string_append (builder->expression, " *");

  builder->n_terms++;
}

static gboolean
is_space (const char *p)
{
  return g_unichar_isspace (g_utf8_get_char (p));
}

/**
 * mg_library_query_new:
 * @text: what the user typed (UTF-8; invalid bytes are repaired)
 *
 * Returns: (transfer full): the query
 */
MgLibraryQuery *
mg_library_query_new (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  MgLibraryQuery  *query = g_new0 (MgLibraryQuery, 1);
  MgLibraryQuery  *builder = query;
  const char      *p = valid;

  query->expression = g_string_new (NULL);
  query->words = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  while (*p != '\0')
    {
      const char *start;
      gboolean    tag = FALSE;

      if (is_space (p))
        {
          p = g_utf8_next_char (p);
          continue;
        }

      if (*p == '"')
        {
          start = ++p;
          while (*p != '\0' && *p != '"')
            p++;
          add_term (builder, start, p - start, FALSE, FALSE);
          if (*p == '"')
            p++;
          continue;
        }

      if (*p == '#')
        {
          tag = TRUE;
          p++;
        }

      start = p;
      while (*p != '\0' && *p != '"' && !is_space (p))
        p = g_utf8_next_char (p);
      /* Still being typed: the last word, nothing after it. */
      add_term (builder, start, p - start, tag, *p == '\0');
    }

  return query;
}

void
mg_library_query_free (MgLibraryQuery *query)
{
  g_string_free (query->expression, TRUE);
  g_hash_table_unref (query->words);
  g_free (query->prefix);
  g_free (query);
}

/* The FTS5 expression, or NULL when there is nothing to look for. */
const char *
mg_library_query_get_match (MgLibraryQuery *query)
{
  return query->n_terms > 0 ? query->expression->str : NULL;
}

/**
 * mg_library_query_mark:
 * @query: a query
 * @text: (nullable): a text of a hit
 * @marks: (element-type MgLibraryMark): where to add the marks
 *
 * Marks the words of @text that @query matches: byte ranges, in order.
 */
void
mg_library_query_mark (MgLibraryQuery *query,
                       const char     *text,
                       GArray         *marks)
{
  const char *end;
  const char *start;
  const char *word_end;
  const char *p = text;

  if (text == NULL || (g_hash_table_size (query->words) == 0 && query->prefix == NULL))
    return;

  end = text + strlen (text);
  while (next_word (p, end, &start, &word_end))
    {
      g_autofree char *folded = fold_word (start, word_end);

      if (g_hash_table_contains (query->words, folded)
          || (query->prefix != NULL && g_str_has_prefix (folded, query->prefix)))
        {
          MgLibraryMark mark = { start - text, word_end - text };

          g_array_append_val (marks, mark);
        }
      p = word_end;
    }
}
