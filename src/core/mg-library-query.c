/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-library"

#include "config.h"

#include <string.h>

#include "mg-library-private.h"

/* What the user types in the library's search, as an FTS5 expression.
 *
 * The user's text is never FTS5 syntax: it is cut into terms (words,
 * "quoted phrases", #tags), and each term goes into the expression as an
 * FTS5 string (double quotes, inner ones doubled), so that AND, NEAR, *,
 * ^, :, parentheses and stray quotes are only text. The terms are joined
 * with AND. The last word is a prefix (`"meth" *`) unless the text ends
 * with white space. A #tag is looked for in the tags column only. A term
 * with no letter or digit (which the tokenizer would make an empty phrase)
 * is dropped. */

typedef struct
{
  GString *expression;
  guint    n_terms;
} Builder;

static gboolean
has_word_characters (const char *text,
                     gsize       len)
{
  const char *end = text + len;

  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c) || g_unichar_ismark (c))
        return TRUE;
    }

  return FALSE;
}

static void
add_term (Builder    *builder,
          const char *text,
          gsize       len,
          gboolean    tag,
          gboolean    prefix)
{
  if (!has_word_characters (text, len))
    return;

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
 * mg_library_query_to_match:
 * @query: what the user typed (UTF-8; invalid bytes are repaired)
 * @has_words: (out): whether any term was found
 *
 * Returns: (transfer full) (nullable): the FTS5 expression, or %NULL when
 *   there is nothing to look for
 */
char *
mg_library_query_to_match (const char *query,
                           gboolean   *has_words)
{
  g_autofree char *valid = g_utf8_make_valid (query, -1);
  Builder          builder = { g_string_new (NULL), 0 };
  const char      *p = valid;

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
          add_term (&builder, start, p - start, FALSE, FALSE);
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
      add_term (&builder, start, p - start, tag, *p == '\0');
    }

  *has_words = builder.n_terms > 0;
  if (builder.n_terms == 0)
    {
      g_string_free (builder.expression, TRUE);
      return NULL;
    }

  return g_string_free (builder.expression, FALSE);
}
