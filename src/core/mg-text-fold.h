/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * MgTextFoldFlags:
 * @MG_TEXT_FOLD_NONE: canonical decomposition only ("é" is "e" and a
 *   combining acute accent, whichever way it was written)
 * @MG_TEXT_FOLD_CASE: full case folding first ("ß" is "ss", "İ" is "i̇")
 * @MG_TEXT_FOLD_COMPAT: compatibility decomposition ("ﬁ" is "fi")
 * @MG_TEXT_FOLD_MARKS: combining marks dropped ("café" is "cafe")
 * @MG_TEXT_FOLD_SEARCH: what a search that ignores case and accents uses
 *
 * How text is folded before it is compared.
 */
typedef enum
{
  MG_TEXT_FOLD_NONE = 0,
  MG_TEXT_FOLD_CASE = 1 << 0,
  MG_TEXT_FOLD_COMPAT = 1 << 1,
  MG_TEXT_FOLD_MARKS = 1 << 2,
  MG_TEXT_FOLD_SEARCH = MG_TEXT_FOLD_CASE | MG_TEXT_FOLD_COMPAT | MG_TEXT_FOLD_MARKS,
} MgTextFoldFlags;

/* The most code points one character folds to: up to three from case
 * folding, each decomposed. */
#define MG_TEXT_FOLD_MAX_CHARS (3 * G_UNICHAR_MAX_DECOMPOSITION_LENGTH)

gsize mg_text_fold_char (gunichar        c,
                         MgTextFoldFlags flags,
                         gunichar       *out);
char *mg_text_fold (const char     *text,
                    MgTextFoldFlags flags);

G_END_DECLS
