/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mg-anchor.h"
#include "mg-annotation.h"
#include "mg-document-loader.h"
#include "mg-document.h"

#define CONTEXT MG_ANNOTATION_CONTEXT_LENGTH

static const char article[] = "The harbour town woke slowly that morning. Fishermen mended their nets "
                              "while the gulls argued over scraps on the quay.\n"
                              "Nobody noticed the stranger who stepped off the early ferry with a "
                              "leather case and a folded map of the old lighthouse.\n"
                              "By noon the whole town knew his name, and by evening half of it claimed "
                              "to have shaken his hand. The quick brown fox jumps over the lazy dog. "
                              "It was the only sentence he ever wrote on the blackboard of the school.\n"
                              "Years later the lighthouse keeper still told the story to anyone who "
                              "would listen, always ending with the same words: the sea keeps what it "
                              "takes, but it returns what it borrows.";

/* A stored target, built the way an annotation made on @text stores it:
 * the quote, CONTEXT code points on each side, code-point offsets. */
typedef struct
{
  char *exact;
  char *prefix;
  char *suffix;
  guint start;
  guint end;
} Target;

static void
target_clear (Target *target)
{
  g_clear_pointer (&target->exact, g_free);
  g_clear_pointer (&target->prefix, g_free);
  g_clear_pointer (&target->suffix, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Target, target_clear)

/* The code-point offset of the @nth (from 0) occurrence of @needle. */
static guint
offset_of (const char *text,
           const char *needle,
           guint       nth)
{
  const char *p = strstr (text, needle);

  g_assert_nonnull (p);
  while (nth-- > 0)
    {
      p = strstr (p + 1, needle);
      g_assert_nonnull (p);
    }

  return (guint) g_utf8_pointer_to_offset (text, p);
}

static void
target_init (Target     *target,
             const char *text,
             const char *quote,
             guint       nth)
{
  glong length = g_utf8_strlen (text, -1);
  guint start = offset_of (text, quote, nth);
  guint end = start + (guint) g_utf8_strlen (quote, -1);
  guint prefix_start = start > CONTEXT ? start - CONTEXT : 0;
  guint suffix_end = MIN (end + CONTEXT, (guint) length);

  target->exact = g_strdup (quote);
  target->prefix = g_utf8_substring (text, prefix_start, start);
  target->suffix = g_utf8_substring (text, end, suffix_end);
  target->start = start;
  target->end = end;
}

static void
anchor_in (const char     *text,
           const Target   *target,
           MgAnchorResult *result)
{
  glong                n = 0;
  g_autofree gunichar *chars = g_utf8_to_ucs4_fast (text, -1, &n);

  mg_anchor_find (chars, (gsize) n, target->exact, target->prefix, target->suffix,
                  target->start, target->end, result);
}

/* Replaces the first occurrence of @old in @text by @replacement. */
static char *
replace_once (const char *text,
              const char *old,
              const char *replacement)
{
  const char *p = strstr (text, old);
  GString    *out = g_string_new (NULL);

  g_assert_nonnull (p);
  g_string_append_len (out, text, p - text);
  g_string_append (out, replacement);
  g_string_append (out, p + strlen (old));

  return g_string_free (out, FALSE);
}

static void
assert_range_text (const char           *text,
                   const MgAnchorResult *result,
                   const char           *expected)
{
  g_autofree char *found = g_utf8_substring (text, result->start, result->end);

  g_assert_cmpstr (found, ==, expected);
}

static void
assert_orphaned (const MgAnchorResult *result)
{
  g_assert_cmpint (result->state, ==, MG_ANNOTATION_STATE_ORPHANED);
  g_assert_cmpuint (result->start, ==, 0);
  g_assert_cmpuint (result->end, ==, 0);
}

/* A long, deterministic text of made-up words: no sentence repeats, so
 * every quote in it is unique. */
static char *
generate_text (guint32 seed,
               gsize   n_words)
{
  static const char *syllables[] = {
    "ka",
    "lo",
    "mi",
    "ren",
    "sta",
    "vu",
    "or",
    "pel",
    "tin",
    "dra",
    "se",
    "qua",
    "ni",
    "bor",
    "fe",
    "gul",
    "hi",
    "jo",
    "wex",
    "zu",
  };
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  GString *out = g_string_new (NULL);
  gsize    i;

  for (i = 0; i < n_words; i++)
    {
      int n_syllables = g_rand_int_range (rand, 1, 4);
      int s;

      for (s = 0; s < n_syllables; s++)
        g_string_append (out, syllables[g_rand_int_range (rand, 0, G_N_ELEMENTS (syllables))]);
      g_string_append_c (out, g_rand_int_range (rand, 0, 12) == 0 ? '\n' : ' ');
    }

  return g_string_free (out, FALSE);
}

static void
test_exact_unchanged (void)
{
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  target_init (&target, article, "the stranger who stepped off the early ferry", 0);
  anchor_in (article, &target, &result);

  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_ANCHORED);
  g_assert_cmpuint (result.start, ==, target.start);
  g_assert_cmpuint (result.end, ==, target.end);
  g_assert_cmpfloat (result.score, ==, 1.0);
}

static void
test_exact_insertion_before (void)
{
  const char      *inserted = "A storm had passed in the night. ";
  g_autofree char *changed = replace_once (article, "Nobody noticed", "A storm had passed in the night. Nobody noticed");
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  target_init (&target, article, "the stranger who stepped off the early ferry", 0);
  anchor_in (changed, &target, &result);

  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (result.start, ==, target.start + strlen (inserted));
  g_assert_cmpuint (result.end, ==, target.end + strlen (inserted));
  assert_range_text (changed, &result, target.exact);
}

static void
test_exact_deletion_before (void)
{
  const char      *deleted = "Fishermen mended their nets while the gulls argued over scraps on the quay.\n";
  g_autofree char *changed = replace_once (article, deleted, "");
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  target_init (&target, article, "the stranger who stepped off the early ferry", 0);
  anchor_in (changed, &target, &result);

  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (result.start, ==, target.start - strlen (deleted));
  g_assert_cmpuint (result.end, ==, target.end - strlen (deleted));
  assert_range_text (changed, &result, target.exact);
}

static void
test_fuzzy_word_edited (void)
{
  g_autofree char *changed = replace_once (article, "quick brown fox", "quick red fox");
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  target_init (&target, article, "The quick brown fox jumps over the lazy dog.", 0);
  anchor_in (changed, &target, &result);

  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (result.start, ==, target.start);
  g_assert_cmpuint (result.end, ==, target.end - 2);
  assert_range_text (changed, &result, "The quick red fox jumps over the lazy dog.");
  g_assert_cmpfloat (result.score, <, 1.0);
  g_assert_cmpfloat (result.score, >, 0.8);
}

static void
test_fuzzy_last_word_edited (void)
{
  g_autofree char *changed = replace_once (article, "lazy dog.", "lazy cat.");
  g_autofree char *shifted = g_strconcat ("Chapter one\n", changed, NULL);
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  /* The quote ends with the edited word: the range must still cover the
   * new word, not stop before it (which costs as many edits). */
  target_init (&target, article, "over the lazy dog", 0);
  anchor_in (shifted, &target, &result);

  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (result.start, ==, target.start + strlen ("Chapter one\n"));
  assert_range_text (shifted, &result, "over the lazy cat");
}

static void
test_fuzzy_heavily_edited (void)
{
  const char      *edited = "with a battered bag and a rolled chart";
  g_autofree char *changed = replace_once (article, "with a leather case and a folded map", edited);
  g_autofree char *step = replace_once (changed, "off the early ferry", "from a rusty old bus");
  g_autofree char *unrelated = replace_once (step, "of the old lighthouse", "for the harbour master");
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  /* Nearly half the quote rewritten, but its context intact: found, and
   * exactly where the context says it starts and ends. */
  target_init (&target, article, "with a leather case and a folded map", 0);
  anchor_in (changed, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (result.start, ==, target.start);
  assert_range_text (changed, &result, edited);

  /* The same with the context rewritten on both sides as well: too little
   * is left to be sure. */
  anchor_in (unrelated, &target, &result);
  assert_orphaned (&result);

  /* A decoy nearby that is much closer to the old quote, but in unrelated
   * context: the rewritten passage in its context still wins. */
  {
    g_autofree char *decoy = g_strconcat (changed, "\nIn the museum hangs a painting of a sailor "
                                                   "with a leather case and a folded cap, and nothing else.",
                                          NULL);

    anchor_in (decoy, &target, &result);
    g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
    g_assert_cmpuint (result.start, ==, target.start);
    assert_range_text (decoy, &result, edited);
  }
}

static void
test_fuzzy_short_quote (void)
{
  g_autofree char *changed = replace_once (article, "leather case", "leather cask");
  g_autofree char *unrelated = replace_once (article, "stepped off the early ferry with a leather case",
                                             "came by the mountain road with nothing but a satchel");
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  /* One short word, edited, context intact: found. */
  target_init (&target, article, "case", 0);
  anchor_in (changed, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  assert_range_text (changed, &result, "cask");
  g_assert_cmpuint (result.start, ==, target.start);

  /* The same word and its context rewritten: "case" is close to many
   * words ("came", "map", ...), but none with its context. */
  anchor_in (unrelated, &target, &result);
  assert_orphaned (&result);
}

/* Anchors occurrence @nth of @quote in @text with a stale position one
 * code point into occurrence @decoy (so that the position selector fails
 * and the decoy is the nearest candidate), and checks that occurrence
 * @nth is found anyway. */
static void
assert_found_despite_decoy (const char *text,
                            const char *quote,
                            guint       nth,
                            guint       decoy)
{
  g_autofree char *changed = g_strconcat ("Minutes\n", text, NULL);
  guint            expected = offset_of (changed, quote, nth);
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  target_init (&target, text, quote, nth);
  target.start = offset_of (changed, quote, decoy) + 1;
  target.end = target.start + (guint) g_utf8_strlen (quote, -1);
  anchor_in (changed, &target, &result);

  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (result.start, ==, expected);
  g_assert_cmpuint (result.end, ==, expected + g_utf8_strlen (quote, -1));
}

static void
test_exact_twice_by_context (void)
{
  const char *quote = "the committee approved the budget";
  /* Occurrences 0 and 1 differ only before the quote, 2 and 3 only after
   * it (in the 32 code points of context that are stored). */
  const char *text = "Spring: the mayor was pleased when the committee approved the budget "
                     "and then everyone went home early that night.\n"
                     "Autumn: the harbourmaster sighed as the committee approved the budget "
                     "and then everyone went home early that night.\n"
                     "Later that year, as everyone had expected, the committee approved the budget "
                     "without a single amendment to any of its lines.\n"
                     "Later that year, as everyone had expected, the committee approved the budget "
                     "only after the mayor promised a new survey of the docks.\n";
  g_auto (Target) first = { 0 };
  g_auto (Target) second = { 0 };
  g_auto (Target) third = { 0 };
  g_auto (Target) fourth = { 0 };

  target_init (&first, text, quote, 0);
  target_init (&second, text, quote, 1);
  target_init (&third, text, quote, 2);
  target_init (&fourth, text, quote, 3);
  g_assert_cmpstr (first.prefix, !=, second.prefix);
  g_assert_cmpstr (first.suffix, ==, second.suffix);
  g_assert_cmpstr (third.prefix, ==, fourth.prefix);
  g_assert_cmpstr (third.suffix, !=, fourth.suffix);

  /* Told apart by the prefix alone. */
  assert_found_despite_decoy (text, quote, 1, 0);
  assert_found_despite_decoy (text, quote, 0, 1);
  /* Told apart by the suffix alone. */
  assert_found_despite_decoy (text, quote, 3, 2);
  assert_found_despite_decoy (text, quote, 2, 3);
}

static void
test_exact_twice_by_position (void)
{
  /* The same paragraph twice: same quote, same context on both sides. */
  const char      *paragraph = "Stir the sauce gently over a low flame until it thickens, then add the "
                               "chopped herbs and a pinch of salt before serving it warm.\n";
  const char      *quote = "add the chopped herbs";
  g_autofree char *text = g_strconcat ("Recipe\n", paragraph, "Variation\n", paragraph, NULL);
  g_autofree char *changed = g_strconcat ("My ", text, NULL);
  guint            n_paragraph = (guint) strlen (paragraph);
  g_auto (Target) first = { 0 };
  g_auto (Target) second = { 0 };
  guint i;

  /* Both occurrences have the same context: only the position tells them
   * apart. */
  target_init (&first, text, quote, 0);
  target_init (&second, text, quote, 1);
  g_assert_cmpstr (first.prefix, ==, second.prefix);
  g_assert_cmpstr (first.suffix, ==, second.suffix);

  for (i = 0; i < 2; i++)
    {
      const Target  *target = i == 0 ? &first : &second;
      MgAnchorResult result;
      guint          expected = target->start + 3;

      anchor_in (changed, target, &result);

      g_assert_cmpuint (offset_of (changed, quote, i), ==, expected);
      g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
      g_assert_cmpuint (result.start, ==, expected);
      g_assert_cmpuint (result.end, ==, expected + strlen (quote));
    }

  /* Sanity check of the setup: the two occurrences are a paragraph apart. */
  g_assert_cmpuint (offset_of (text, quote, 1) - offset_of (text, quote, 0), ==,
                    n_paragraph + strlen ("Variation\n"));
}

static void
test_orphan_quote_deleted (void)
{
  g_autofree char *changed = replace_once (article,
                                           "The quick brown fox jumps over the lazy dog. "
                                           "It was the only sentence he ever wrote on the blackboard of the school.\n",
                                           "");
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  target_init (&target, article, "the only sentence he ever wrote on the blackboard", 0);
  anchor_in (changed, &target, &result);
  assert_orphaned (&result);
  g_assert_cmpfloat (result.score, ==, 0.0);
}

static void
test_orphan_empty_exact (void)
{
  glong                n = 0;
  g_autofree gunichar *chars = g_utf8_to_ucs4_fast (article, -1, &n);
  MgAnchorResult       result = { MG_ANNOTATION_STATE_ANCHORED, 5, 7, 1.0 };

  mg_anchor_find (chars, n, "", "The harbour", "town woke", 4, 4, &result);
  assert_orphaned (&result);

  result.state = MG_ANNOTATION_STATE_MOVED;
  mg_anchor_find (chars, n, NULL, NULL, NULL, 0, 0, &result);
  assert_orphaned (&result);

  /* And an empty text. */
  mg_anchor_find (NULL, 0, "harbour", NULL, NULL, 0, 7, &result);
  assert_orphaned (&result);
}

static MgDocument *
document_from_string (const char *data)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, strlen (data));
  g_autoptr (GError) error = NULL;
  MgDocument *document;

  document = mg_document_loader_load_bytes (bytes, "file:///tmp/test.txt", NULL, MG_DOCUMENT_FORMAT_TEXT, &error);
  g_assert_no_error (error);

  return document;
}

static void
document_anchor (MgDocument     *document,
                 const Target   *target,
                 MgAnchorResult *result)
{
  gsize           n = 0;
  const gunichar *chars = mg_document_get_chars (document, &n);

  mg_anchor_find (chars, n, target->exact, target->prefix, target->suffix,
                  target->start, target->end, result);
}

static void
test_unicode_emoji_combining (void)
{
  /* A family emoji is 5 code points (joined by U+200D), a flag 2, a
   * thumbs-up with skin tone 2, and "é" written as e + U+0301 is 2. */
  const char      *original = "Family \U0001F469\u200D\U0001F469\u200D\U0001F467 trip to Cafe\u0301 de Flore "
                              "\U0001F1EB\U0001F1F7, where the cre\u0300me bru\u0302le\u0301e was "
                              "perfect \U0001F44D\U0001F3FD and the view na\u00EFve.";
  const char      *quote = "Cafe\u0301 de Flore \U0001F1EB\U0001F1F7, where the cre\u0300me";
  g_autofree char *changed_text = g_strconcat ("\U0001F600\U0001F600 Day 2\u0301: ", original, NULL);
  g_autoptr (MgDocument) document = document_from_string (original);
  g_autoptr (MgDocument) changed = document_from_string (changed_text);
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  target_init (&target, original, quote, 0);
  /* 7 + 5 + " trip to " */
  g_assert_cmpuint (target.start, ==, 21);
  g_assert_cmpuint (target.end - target.start, ==, 35);

  document_anchor (document, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_ANCHORED);
  g_assert_cmpuint (result.start, ==, 21);
  assert_range_text (mg_document_get_text (document), &result, quote);

  /* Two emoji, a space, "Day 2", a combining accent, ": " before it: 11. */
  document_anchor (changed, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (result.start, ==, 21 + 11);
  g_assert_cmpuint (result.end, ==, 21 + 11 + 35);
  assert_range_text (mg_document_get_text (changed), &result, quote);

  /* The accent recomposed (e + U+0301 becomes U+00E9) and a thumbs-up
   * without its skin tone: the quote's text changed by a code point. */
  {
    g_autofree char *step = replace_once (changed_text, "Cafe\u0301", "Caf\u00E9");
    g_autofree char *recomposed = replace_once (step, "\U0001F44D\U0001F3FD", "\U0001F44D");
    g_autoptr (MgDocument) document3 = document_from_string (recomposed);
    g_auto (Target) target2 = { 0 };

    target_init (&target2, original, "perfect \U0001F44D\U0001F3FD and", 0);
    document_anchor (document3, &target, &result);
    g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
    assert_range_text (mg_document_get_text (document3), &result,
                       "Caf\u00E9 de Flore \U0001F1EB\U0001F1F7, where the cre\u0300me");

    document_anchor (document3, &target2, &result);
    g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
    assert_range_text (mg_document_get_text (document3), &result, "perfect \U0001F44D and");
  }
}

static void
test_crlf (void)
{
  const char *crlf = "First line of the letter.\r\nSecond line, where the quote begins.\r\nThird line ends it.\r\n";
  const char *lf = "First line of the letter.\nSecond line, where the quote begins.\nThird line ends it.";
  g_autoptr (MgDocument) document = document_from_string (crlf);
  MgAnchorResult result;

  g_assert_cmpstr (mg_document_get_text (document), ==, lf);

  {
    g_auto (Target) target = { 0 };

    /* Made on the LF text, across a line break. */
    target_init (&target, lf, "the quote begins.\nThird line", 0);
    document_anchor (document, &target, &result);
    g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_ANCHORED);
    g_assert_cmpuint (result.start, ==, target.start);
    g_assert_cmpuint (result.end, ==, target.end);
  }

  {
    g_auto (Target) target = { 0 };
    g_autofree char *exact = NULL;

    /* A quote stored with CRLF by another tool, with offsets of the LF
     * text: the quote is normalised like the document. */
    target_init (&target, lf, "the quote begins.\nThird line", 0);
    exact = replace_once (target.exact, "\n", "\r\n");
    g_free (target.exact);
    target.exact = g_steal_pointer (&exact);
    document_anchor (document, &target, &result);
    g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_ANCHORED);
    g_assert_cmpuint (result.start, ==, target.start);
    g_assert_cmpuint (result.end, ==, target.end);
  }
}

static void
test_hint_past_end (void)
{
  g_auto (Target) target = { 0 };
  guint          length = (guint) g_utf8_strlen (article, -1);
  guint          expected;
  MgAnchorResult result;

  target_init (&target, article, "always ending with the same words", 0);
  expected = target.start;

  target.start = length + 100;
  target.end = length + 133;
  anchor_in (article, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (result.start, ==, expected);
  g_assert_cmpuint (result.end, ==, expected + 33);

  /* Offsets at the very end of the range of guint: no overflow. */
  target.start = G_MAXUINT - 10;
  target.end = G_MAXUINT;
  anchor_in (article, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (result.start, ==, expected);

  target.start = G_MAXUINT;
  target.end = 22; /* end before start */
  anchor_in (article, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (result.start, ==, expected);

  /* A hint whose end alone is past the end of the text. */
  target.start = expected;
  target.end = G_MAXUINT;
  anchor_in (article, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (result.start, ==, expected);
  g_assert_cmpuint (result.end, ==, expected + 33);
}

static void
test_fuzzy_long_quote (void)
{
  /* About 250 code points: four 64-bit blocks in the search, with edits
   * in the first, next to the block boundaries, and in the last. */
  const char      *quote = "By noon the whole town knew his name, and by evening half of it claimed "
                           "to have shaken his hand. The quick brown fox jumps over the lazy dog. "
                           "It was the only sentence he ever wrote on the blackboard of the school.\n"
                           "Years later the lighthouse keeper";
  const char      *edited = "By noon the entire town knew his name, and by evening half of it claimed "
                            "to have shaken his hand! The quick brown fox jumped over the lazy dog. "
                            "It was the only sentence he wrote on the blackboard of the old school.\n"
                            "Years later the lighthouse keeper";
  g_autofree char *step1 = replace_once (article, quote, edited);
  g_autofree char *changed = replace_once (step1, "Nobody noticed", "To everyone's surprise, nobody noticed");
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  g_assert_cmpuint (g_utf8_strlen (quote, -1), >, 192);
  target_init (&target, article, quote, 0);
  anchor_in (changed, &target, &result);

  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (result.start, ==, offset_of (changed, edited, 0));
  g_assert_cmpuint (result.end, ==, result.start + g_utf8_strlen (edited, -1));
  assert_range_text (changed, &result, edited);
}

static void
test_quote_longer_than_text (void)
{
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  /* Much longer: no match possible. */
  target_init (&target, article, "Nobody noticed the stranger who stepped off the early ferry", 0);
  anchor_in ("Nobody noticed", &target, &result);
  assert_orphaned (&result);
  anchor_in ("", &target, &result);
  assert_orphaned (&result);

  {
    g_auto (Target) whole = { 0 };

    /* One code point longer than the whole text: its last character was
     * deleted. */
    target_init (&whole, "The sea keeps what it takes.", "The sea keeps what it takes.", 0);
    anchor_in ("The sea keeps what it takes", &whole, &result);
    g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
    g_assert_cmpuint (result.start, ==, 0);
    g_assert_cmpuint (result.end, ==, 27);
  }
}

static void
test_moved_far (void)
{
  g_autofree char *filler = generate_text (7, 60000);
  const char      *passage = "Here the narrator finally admits that the map was drawn by his own father.";
  const char      *edited = "Here the narrator at last admits that the map was drawn by his own father.";
  g_autofree char *text = g_strconcat ("Opening words, then the passage. ", passage, " Then a long stretch.\n", filler, NULL);
  g_autofree char *moved = g_strconcat ("Opening words, then the passage. Then a long stretch.\n", filler, " ", passage, " The end.", NULL);
  g_autofree char *moved_edited = replace_once (moved, passage, edited);
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  g_assert_cmpuint (strlen (filler), >, 200000);
  target_init (&target, text, passage, 0);

  /* Cut and pasted far beyond the small windows. */
  anchor_in (moved, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (result.start, ==, offset_of (moved, passage, 0));
  assert_range_text (moved, &result, passage);

  /* And edited as well: only the approximate search on the whole text
   * finds it; its context changed too. */
  anchor_in (moved_edited, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (result.start, ==, offset_of (moved_edited, edited, 0));
  assert_range_text (moved_edited, &result, edited);

  /* A quote too short for the approximate search: only the exact search
   * over the large windows finds it, on either side of the old position. */
  {
    g_autofree char *before = g_strconcat ("Start. XQZ here.\n", filler, " The end.", NULL);
    g_autofree char *after = g_strconcat ("Start.\n", filler, " XQZ there. The end.", NULL);
    g_auto (Target) start_target = { 0 };
    g_auto (Target) end_target = { 0 };

    target_init (&start_target, before, "XQZ", 0);
    target_init (&end_target, after, "XQZ", 0);
    anchor_in (after, &start_target, &result);
    g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
    g_assert_cmpuint (result.start, ==, end_target.start);
    anchor_in (before, &end_target, &result);
    g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
    g_assert_cmpuint (result.start, ==, start_target.start);
    g_assert_cmpuint (result.end, ==, start_target.start + 3);
  }

  /* The other way: from the end of the text back to its start. */
  {
    g_auto (Target) back = { 0 };
    g_autofree char *back_edited = replace_once (text, passage, edited);

    target_init (&back, moved, passage, 0);
    anchor_in (text, &back, &result);
    g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
    g_assert_cmpuint (result.start, ==, offset_of (text, passage, 0));
    assert_range_text (text, &result, passage);

    anchor_in (back_edited, &back, &result);
    g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
    g_assert_cmpuint (result.start, ==, offset_of (back_edited, edited, 0));
    assert_range_text (back_edited, &result, edited);
  }
}

/* Passages of real prose are edited the way a writer revises: words
 * replaced here and there all through a long passage, a sentence said
 * again in other words, lines wrapped anew, a paragraph moved. */
static const char keeper_old[] = "The lighthouse keeper kept a log of every ship that passed the point, with the "
                                 "hour, the weather and the colour of its flag. When the log was full he bound it "
                                 "with twine and carried it up to the lamp room, where the older volumes stood on "
                                 "a shelf above the stove. Nobody ever asked to read them, but he said that a coast "
                                 "without a record was a coast that forgot its own wrecks, and that the sea would "
                                 "take advantage of such forgetfulness.";
static const char keeper_new[] = "The keeper of the lighthouse kept a record of each ship that went past the point, "
                                 "noting the time, the weather and the colours it flew. Whenever a log was full he "
                                 "tied it with string and took it up to the lamp room, where the earlier volumes "
                                 "stood on a shelf over the stove. No one ever asked to see them, yet he claimed "
                                 "that a coast without records was a coast that forgot its wrecks, and that the sea "
                                 "would profit from that kind of forgetting.";

/* The edit distance of two strings of code points (plain dynamic
 * programme), to check how much a test edits. */
static guint
edit_distance (const char *a,
               const char *b)
{
  glong                n_a = 0;
  glong                n_b = 0;
  g_autofree gunichar *x = g_utf8_to_ucs4_fast (a, -1, &n_a);
  g_autofree gunichar *y = g_utf8_to_ucs4_fast (b, -1, &n_b);
  g_autofree guint    *row = g_new (guint, n_b + 1);

  for (glong j = 0; j <= n_b; j++)
    row[j] = (guint) j;
  for (glong i = 1; i <= n_a; i++)
    {
      guint diagonal = row[0];

      row[0] = (guint) i;
      for (glong j = 1; j <= n_b; j++)
        {
          guint up = row[j];

          row[j] = MIN (diagonal + (x[i - 1] != y[j - 1]), MIN (up, row[j - 1]) + 1);
          diagonal = up;
        }
    }

  return row[n_b];
}

/* A long passage with words changed all through it: more than a quarter
 * of it, far more than 64 code points, while the text before it stayed. */
static void
test_fuzzy_long_many_edits (void)
{
  g_autofree char *old = g_strconcat (article, "\n", keeper_old, " His daughter later gave the logs to the museum.\n", NULL);
  g_autofree char *new = g_strconcat (article, "\n", keeper_new, " Years afterwards they went to a museum in town.\n", NULL);
  guint m = (guint) g_utf8_strlen (keeper_old, -1);
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  g_assert_cmpuint (edit_distance (keeper_old, keeper_new), >, 64);
  g_assert_cmpuint (edit_distance (keeper_old, keeper_new), >, m / 4);

  target_init (&target, old, keeper_old, 0);
  anchor_in (new, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  assert_range_text (new, &result, keeper_new);
}

/* One sentence said again in other words (a third of it edited), the
 * text before it intact, the text after it rewritten, and a paragraph
 * added above. */
static void
test_fuzzy_reworded_sentence (void)
{
  const char      *said = "The ferry ran twice a day in summer, but in winter the crossing was made only when "
                          "the harbour master thought the swell would allow it.";
  const char      *said_again = "The ferry crossed twice daily in summer, but in winter it sailed only on days when "
                                "the harbour master judged that the swell allowed it.";
  g_autofree char *old = g_strconcat ("The island had one road and one shop. ", said,
                                      " There was no doctor of its own.\n", article, NULL);
  g_autofree char *new = g_strconcat ("A new paragraph about the island's history comes first now.\n"
                                      "The island had one road and one shop. ",
                                      said_again, " A doctor came over on Thursdays.\n", article, NULL);
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  g_assert_cmpuint (edit_distance (said, said_again), >, g_utf8_strlen (said, -1) / 3);

  target_init (&target, old, said, 0);
  anchor_in (new, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  assert_range_text (new, &result, said_again);
}

/* Lines wrapped anew by an editor (every line break moved) cost nothing;
 * with a few words changed as well, and the passage moved a long way
 * among unrelated text, its own words still find it. */
static void
test_fuzzy_reflowed (void)
{
  const char      *narrow = "The tide tables were pinned\nto the door of the boathouse,\nand every "
                            "fisherman checked\nthem twice before he untied\nhis boat, because "
                            "the rocks\noff the northern point had\ntaken three boats in a\nsingle "
                            "winter and nobody\nwanted to be the fourth.";
  const char      *wide = "The tide tables were pinned to the door of the boathouse, and every\n"
                          "fisherman checked them twice before he untied his boat, because the\n"
                          "rocks off the northern point had taken three boats in a single\n"
                          "winter and nobody wanted to be the fourth.";
  const char      *reworded = "The tide tables hung on the door of the boathouse, and each\n"
                              "fisherman read them twice before he untied his boat, since the\n"
                              "reef off the northern point had sunk three boats in one single\n"
                              "winter and no one wanted to be the fourth.";
  g_autofree char *filler = generate_text (11, 2000);
  g_autofree char *old = g_strconcat ("Harbour notes.\n", narrow, "\nSee also the chart.\n", filler, NULL);
  g_autofree char *reflowed = g_strconcat ("Harbour notes.\n", wide, "\nSee also the chart.\n", filler, NULL);
  g_autofree char *moved = g_strconcat ("Harbour notes, revised.\n", filler, "\nIn the appendix: ", reworded, " That is all.\n", NULL);
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  target_init (&target, old, narrow, 0);

  /* Only the line breaks moved: the whole new paragraph, to the letter. */
  anchor_in (reflowed, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  assert_range_text (reflowed, &result, wide);
  g_assert_cmpfloat (result.score, >, 0.99);

  /* Wrapped anew with words changed too (more than a fifth of the quote
   * with the line breaks, less without them), and moved far, into
   * unrelated context. */
  g_assert_cmpuint (edit_distance (narrow, reworded), >, g_utf8_strlen (narrow, -1) / 5);
  g_assert_cmpuint (g_utf8_strlen (filler, -1), >, 8192);
  anchor_in (moved, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  assert_range_text (moved, &result, reworded);
}

/* A long passage edited in many places (more than 64 code points) and
 * pasted far away, among unrelated text. */
static void
test_fuzzy_moved_far_long (void)
{
  const char      *letters = "At the far end of the archive, behind the maps of the estuary, there was a box of "
                             "letters that the first keeper had written to his sister in the city. They described "
                             "the building of the tower, the arrival of the great lens by barge, and the night the "
                             "lamp was first lit, when half the town came down to the shore to watch the beam sweep "
                             "across the water for the very first time in the history of the bay.";
  const char      *edited = "At the far end of the archive, behind the estuary maps, there was a box of letters "
                            "the first keeper had written to his sister in town. They described the building of "
                            "the tower, the great lens arriving by barge, and the night the lamp was first lit, "
                            "when half of the town came down to the shore to see its beam sweep over the water "
                            "for the first time in all the history of the bay.";
  g_autofree char *filler = generate_text (13, 60000);
  g_autofree char *old = g_strconcat ("Opening words. ", letters, " Then a long stretch.\n", filler, NULL);
  g_autofree char *new = g_strconcat ("Opening words. Then a long stretch.\n", filler, " ", edited, " The end.", NULL);
  guint m = (guint) g_utf8_strlen (letters, -1);
  g_auto (Target) target = { 0 };
  MgAnchorResult result;

  g_assert_cmpuint (edit_distance (letters, edited), >, 64);
  g_assert_cmpuint (edit_distance (letters, edited), <, m / 5);

  target_init (&target, old, letters, 0);
  anchor_in (new, &target, &result);
  g_assert_cmpint (result.state, ==, MG_ANNOTATION_STATE_MOVED);
  assert_range_text (new, &result, edited);
}

/* A deleted sentence whose neighbour is worded much like it: the text
 * closed up around the deletion, so the neighbour has the quote's prefix
 * (or suffix) intact and stands at the old position. It must not take
 * the highlight. */
static void
test_orphan_deleted_beside_similar (void)
{
  const char      *success = "If the file opens, the function returns an Ok value that holds a handle the "
                             "caller can read from.";
  const char      *failure = "If the file fails to open, the function returns an Err value that holds an "
                             "error the caller can look at.";
  g_autofree char *old = g_strconcat ("Opening a file can fail. ", success, " ", failure,
                                      " Both cases must be handled.\n", article, NULL);
  g_autofree char *new = g_strconcat ("Opening a file can fail. ", failure,
                                      " Both cases must be handled.\n", article, NULL);
  g_auto (Target) target = { 0 };
  g_auto (Target) second = { 0 };
  MgAnchorResult result;

  target_init (&target, old, success, 0);
  anchor_in (new, &target, &result);
  assert_orphaned (&result);

  /* The same with the deleted sentence after its twin. */
  {
    g_autofree char *old2 = g_strconcat ("Opening a file can fail. ", failure, " ", success, " Both cases must be handled.\n", NULL);
    g_autofree char *new2 = g_strconcat ("Opening a file can fail. ", failure, " Both cases must be handled.\n", NULL);

    target_init (&second, old2, success, 0);
    anchor_in (new2, &second, &result);
    assert_orphaned (&result);
  }
}

static void
test_annotation (void)
{
  const char *changed_text = "Preface.\nThe harbour town woke slowly that morning.";
  g_autoptr (MgDocument) original = document_from_string (article);
  g_autoptr (MgDocument) changed = document_from_string (changed_text);
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autoptr (MgAnnotation) orphan = NULL;

  annotation = mg_annotation_new ("town woke slowly", "The harbour ", " that morning.", 12, 28, MG_COLOR_YELLOW);
  mg_anchor_annotation (annotation, original);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ANCHORED);
  g_assert_cmpuint (mg_annotation_get_range_start (annotation), ==, 12);
  g_assert_cmpuint (mg_annotation_get_range_end (annotation), ==, 28);

  mg_anchor_annotation (annotation, changed);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpuint (mg_annotation_get_range_start (annotation), ==, 21);
  g_assert_cmpuint (mg_annotation_get_range_end (annotation), ==, 37);

  orphan = mg_annotation_new ("lighthouse keeper", "Years later the ", " still told", 500, 517, MG_COLOR_BLUE);
  mg_anchor_annotation (orphan, changed);
  g_assert_cmpint (mg_annotation_get_state (orphan), ==, MG_ANNOTATION_STATE_ORPHANED);
}

static void
count_signal (guint *count)
{
  (*count)++;
}

/* Re-anchored on changed words, a highlight takes them (they are its
 * quote from now on, written on the next save) and keeps the words it
 * was made on, through the JSON shape; found with the same words
 * elsewhere, it only follows them. */
static void
test_annotation_follows_text (void)
{
  const char *moved_text = "Preface.\nThe harbour town woke slowly that morning.";
  const char *edited_text = "Preface.\nThe harbour town awoke slowly that morning.";
  g_autoptr (MgDocument) original = document_from_string (article);
  g_autoptr (MgDocument) moved = document_from_string (moved_text);
  g_autoptr (MgDocument) edited = document_from_string (edited_text);
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autoptr (MgAnnotation) read_back = NULL;
  g_autoptr (MgAnnotation) copy = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDateTime) modified = NULL;
  guint changed_signals = 0;

  annotation = mg_annotation_new_for_range (original, 12, 28, MG_COLOR_YELLOW);
  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "town woke slowly");
  modified = g_date_time_ref (mg_annotation_get_modified (annotation));
  g_signal_connect_swapped (annotation, "changed", G_CALLBACK (count_signal), &changed_signals);

  /* Moved only: the position follows, the words are the same. */
  mg_anchor_annotation (annotation, moved);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "town woke slowly");
  g_assert_cmpuint (mg_annotation_get_start (annotation), ==, 21);
  g_assert_null (mg_annotation_get_previous_exact (annotation));

  /* Changed words: the quote becomes the new words, the old kept. */
  mg_anchor_annotation (annotation, edited);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_MOVED);
  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "town awoke slowly");
  g_assert_cmpstr (mg_annotation_get_prefix (annotation), ==, "Preface.\nThe harbour ");
  g_assert_cmpuint (mg_annotation_get_start (annotation), ==, 21);
  g_assert_cmpuint (mg_annotation_get_end (annotation), ==, 38);
  g_assert_cmpstr (mg_annotation_get_previous_exact (annotation), ==, "town woke slowly");

  /* Not a user edit. */
  g_assert_cmpuint (changed_signals, ==, 0);
  g_assert_true (g_date_time_equal (mg_annotation_get_modified (annotation), modified));

  /* Kept through the JSON shape and a copy; found in place from there. */
  node = mg_annotation_to_json (annotation);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "previousExact"), ==, "town woke slowly");
  read_back = mg_annotation_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mg_annotation_get_previous_exact (read_back), ==, "town woke slowly");
  g_assert_cmpstr (mg_annotation_get_exact (read_back), ==, "town awoke slowly");
  mg_anchor_annotation (read_back, edited);
  g_assert_cmpint (mg_annotation_get_state (read_back), ==, MG_ANNOTATION_STATE_ANCHORED);
  g_assert_cmpstr (mg_annotation_get_previous_exact (read_back), ==, "town woke slowly");
  copy = mg_annotation_copy (read_back);
  g_assert_cmpstr (mg_annotation_get_previous_exact (copy), ==, "town woke slowly");

  /* Edited again: the words first highlighted stay the previous ones;
   * back to them, nothing is left to show. */
  mg_anchor_annotation (annotation, original);
  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "town woke slowly");
  g_assert_null (mg_annotation_get_previous_exact (annotation));
  node = (json_node_unref (node), mg_annotation_to_json (annotation));
  g_assert_false (json_object_has_member (json_node_get_object (node), "previousExact"));

  /* Attached by the user to other words: those are the highlight now. */
  g_assert_cmpstr (mg_annotation_get_previous_exact (read_back), ==, "town woke slowly");
  mg_annotation_set_target (read_back, moved, 9, 20);
  g_assert_null (mg_annotation_get_previous_exact (read_back));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/anchor/exact/unchanged", test_exact_unchanged);
  g_test_add_func ("/anchor/exact/insertion-before", test_exact_insertion_before);
  g_test_add_func ("/anchor/exact/deletion-before", test_exact_deletion_before);
  g_test_add_func ("/anchor/exact/twice-told-apart-by-context", test_exact_twice_by_context);
  g_test_add_func ("/anchor/exact/twice-told-apart-by-position", test_exact_twice_by_position);
  g_test_add_func ("/anchor/exact/moved-far", test_moved_far);
  g_test_add_func ("/anchor/fuzzy/word-edited", test_fuzzy_word_edited);
  g_test_add_func ("/anchor/fuzzy/last-word-edited", test_fuzzy_last_word_edited);
  g_test_add_func ("/anchor/fuzzy/heavily-edited", test_fuzzy_heavily_edited);
  g_test_add_func ("/anchor/fuzzy/short-quote", test_fuzzy_short_quote);
  g_test_add_func ("/anchor/fuzzy/long-quote", test_fuzzy_long_quote);
  g_test_add_func ("/anchor/fuzzy/long-quote-many-edits", test_fuzzy_long_many_edits);
  g_test_add_func ("/anchor/fuzzy/sentence-reworded", test_fuzzy_reworded_sentence);
  g_test_add_func ("/anchor/fuzzy/reflowed", test_fuzzy_reflowed);
  g_test_add_func ("/anchor/fuzzy/moved-far-long", test_fuzzy_moved_far_long);
  g_test_add_func ("/anchor/orphan/quote-deleted", test_orphan_quote_deleted);
  g_test_add_func ("/anchor/orphan/deleted-beside-similar", test_orphan_deleted_beside_similar);
  g_test_add_func ("/anchor/orphan/empty-exact", test_orphan_empty_exact);
  g_test_add_func ("/anchor/orphan/quote-longer-than-text", test_quote_longer_than_text);
  g_test_add_func ("/anchor/unicode/emoji-and-combining", test_unicode_emoji_combining);
  g_test_add_func ("/anchor/crlf", test_crlf);
  g_test_add_func ("/anchor/hint/past-end", test_hint_past_end);
  g_test_add_func ("/anchor/annotation", test_annotation);
  g_test_add_func ("/anchor/annotation/follows-text", test_annotation_follows_text);

  return g_test_run ();
}
