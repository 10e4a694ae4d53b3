/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-text-fold"

#include "config.h"

#include <string.h>

#include "mg-text-fold.h"

/*
 * Text folding: the one place that decides when two pieces of text are
 * "the same" for a search. The find bar folds the document character by
 * character (it maps each match back to buffer offsets, so it needs to
 * know which character each folded code point came from) and the sidebar
 * folds whole strings (passages, notes, tags); both go through
 * mg_text_fold_char(), so that they agree on what case and accents are.
 *
 * Folding is per character: full case folding, then a canonical or
 * compatibility decomposition of each folded code point, then, if asked,
 * no combining marks. Per character, because Unicode case folding is
 * context free and a decomposition only reorders marks, which matters
 * nowhere a user could see it.
 */

static gsize
decompose (gunichar        c,
           MgTextFoldFlags flags,
           gunichar       *out,
           gsize           room)
{
  gunichar decomposed[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
  gsize    n, kept = 0;

  n = g_unichar_fully_decompose (c, (flags & MG_TEXT_FOLD_COMPAT) != 0,
                                 decomposed, G_N_ELEMENTS (decomposed));

  for (gsize i = 0; i < n && kept < room; i++)
    {
      if ((flags & MG_TEXT_FOLD_MARKS) != 0 && g_unichar_type (decomposed[i]) == G_UNICODE_NON_SPACING_MARK)
        continue;
      out[kept++] = decomposed[i];
    }

  return kept;
}

/**
 * mg_text_fold_char:
 * @c: a character
 * @flags: how to fold
 * @out: (array fixed-size=MG_TEXT_FOLD_MAX_CHARS): where the folded code
 *   points are written
 *
 * Folds one character.
 *
 * Returns: how many code points were written to @out: at least one,
 *   except for a combining mark when @flags drop them
 */
gsize
mg_text_fold_char (gunichar        c,
                   MgTextFoldFlags flags,
                   gunichar       *out)
{
  char  utf8[8];
  int   len;
  gsize n = 0;

  g_return_val_if_fail (out != NULL, 0);

  /* Most text is ASCII, which only case folding changes. */
  if (c < 0x80)
    {
      out[0] = (flags & MG_TEXT_FOLD_CASE) != 0 ? (gunichar) g_ascii_tolower ((char) c) : c;
      return 1;
    }

  if ((flags & MG_TEXT_FOLD_CASE) == 0)
    return decompose (c, flags, out, MG_TEXT_FOLD_MAX_CHARS);

  len = g_unichar_to_utf8 (c, utf8);
  {
    g_autofree char *folded = g_utf8_casefold (utf8, len);

    for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
      n += decompose (g_utf8_get_char (p), flags, out + n, MG_TEXT_FOLD_MAX_CHARS - n);
  }

  return n;
}

/**
 * mg_text_fold:
 * @text: UTF-8 text (invalid sequences are replaced first)
 * @flags: how to fold
 *
 * Folds @text, for instance so that "CAFÉ" and "cafe" become the same
 * string with %MG_TEXT_FOLD_SEARCH.
 *
 * Returns: (transfer full): the folded text
 */
char *
mg_text_fold (const char     *text,
              MgTextFoldFlags flags)
{
  g_autofree char *valid = NULL;
  GString         *out;

  g_return_val_if_fail (text != NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);

  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar folded[MG_TEXT_FOLD_MAX_CHARS];
      gsize    n = mg_text_fold_char (g_utf8_get_char (p), flags, folded);

      for (gsize i = 0; i < n; i++)
        g_string_append_unichar (out, folded[i]);
    }

  return g_string_free (out, FALSE);
}
