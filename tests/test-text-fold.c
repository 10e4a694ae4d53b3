/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-text-fold"

#include "config.h"

#include "mg-text-fold.h"

/* The one folding that decides what a search ignores: case and accents
 * for the sidebar, case (but not accents) for the find bar. */

static void
assert_folds (const char     *text,
              MgTextFoldFlags flags,
              const char     *expected)
{
  g_autofree char *folded = mg_text_fold (text, flags);

  g_assert_cmpstr (folded, ==, expected);
}

static void
test_search (void)
{
  assert_folds ("Café CAFÉ cafe\xCC\x81", MG_TEXT_FOLD_SEARCH, "cafe cafe cafe");
  assert_folds ("Straße", MG_TEXT_FOLD_SEARCH, "strasse");
  assert_folds ("\xEF\xAC\x81nd", MG_TEXT_FOLD_SEARCH, "find"); /* ﬁ ligature */
  assert_folds ("İstanbul", MG_TEXT_FOLD_SEARCH, "istanbul");
  assert_folds ("ΣΊΣΥΦΟΣ", MG_TEXT_FOLD_SEARCH, "σισυφοσ");
  assert_folds ("", MG_TEXT_FOLD_SEARCH, "");
  /* Invalid UTF-8 is repaired, never a crash. */
  assert_folds ("a\xFF"
                "B",
                MG_TEXT_FOLD_SEARCH, "a\xEF\xBF\xBD"
                                     "b");
}

static void
test_case_only (void)
{
  /* Accents stay, decomposed whichever way they were written: "café"
   * finds "CAFÉ" and "cafe\u0301" but not "cafe". */
  assert_folds ("CAFÉ", MG_TEXT_FOLD_CASE, "cafe\xCC\x81");
  assert_folds ("cafe\xCC\x81", MG_TEXT_FOLD_CASE, "cafe\xCC\x81");
  assert_folds ("Straße", MG_TEXT_FOLD_CASE, "strasse");
  assert_folds ("İ", MG_TEXT_FOLD_CASE, "i\xCC\x87");
  /* Without case folding, only the decomposition. */
  assert_folds ("CAFÉ", MG_TEXT_FOLD_NONE, "CAFE\xCC\x81");
}

static void
test_char (void)
{
  gunichar out[MG_TEXT_FOLD_MAX_CHARS];

  g_assert_cmpuint (mg_text_fold_char ('A', MG_TEXT_FOLD_CASE, out), ==, 1);
  g_assert_cmpuint (out[0], ==, 'a');
  g_assert_cmpuint (mg_text_fold_char ('A', MG_TEXT_FOLD_NONE, out), ==, 1);
  g_assert_cmpuint (out[0], ==, 'A');
  g_assert_cmpuint (mg_text_fold_char (0x00DF, MG_TEXT_FOLD_CASE, out), ==, 2); /* ß */
  /* A combining mark alone folds to nothing when marks are dropped. */
  g_assert_cmpuint (mg_text_fold_char (0x0301, MG_TEXT_FOLD_SEARCH, out), ==, 0);
  g_assert_cmpuint (mg_text_fold_char (0x0301, MG_TEXT_FOLD_CASE, out), ==, 1);
  /* The longest foldings fit. */
  for (gunichar c = 0x80; c < 0x30000; c++)
    g_assert_cmpuint (mg_text_fold_char (c, MG_TEXT_FOLD_CASE | MG_TEXT_FOLD_COMPAT, out), <=, MG_TEXT_FOLD_MAX_CHARS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/text-fold/search", test_search);
  g_test_add_func ("/text-fold/case-only", test_case_only);
  g_test_add_func ("/text-fold/char", test_char);

  return g_test_run ();
}
