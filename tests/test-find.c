/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "mg-find-bar.h"
#include "mg-test-utils.h"

/* The find bar on a plain GtkTextView in a real window (under Xvfb): the
 * text is set, the entry is typed in, the bar's actions are triggered as a
 * user triggers them, and the matches, the selection, the tags and the
 * label are checked. */

typedef struct
{
  GtkWindow   *window;
  GtkTextView *view;
  MgFindBar   *bar;
} Fixture;

static void
fixture_set_up (Fixture      *f,
                gconstpointer data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scroller = gtk_scrolled_window_new ();

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 700, 500);
  f->bar = MG_FIND_BAR (mg_find_bar_new ());
  f->view = GTK_TEXT_VIEW (gtk_text_view_new ());
  gtk_text_view_set_wrap_mode (f->view, GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_editable (f->view, FALSE);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (f->view));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->bar));
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_window_set_child (f->window, box);
  mg_find_bar_set_view (f->bar, f->view);
  gtk_window_present (f->window);
}

static void
fixture_tear_down (Fixture      *f,
                   gconstpointer data)
{
  gtk_window_destroy (f->window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *css_class)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) && (css_class == NULL || gtk_widget_has_css_class (root, css_class)))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, type, css_class);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static GtkEditable *
get_entry (Fixture *f)
{
  GtkWidget *entry = find_widget (GTK_WIDGET (f->bar), GTK_TYPE_SEARCH_ENTRY, NULL);

  g_assert_nonnull (entry);

  return GTK_EDITABLE (entry);
}

static const char *
get_label (Fixture *f)
{
  GtkWidget *label = find_widget (GTK_WIDGET (f->bar), GTK_TYPE_LABEL, "mg-find-count");

  g_assert_nonnull (label);

  return gtk_label_get_label (GTK_LABEL (label));
}

static void
wait_until_done (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (mg_find_bar_is_searching (f->bar) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (mg_find_bar_is_searching (f->bar));
}

/* Types @text as if the entry had reported it, without waiting for the
 * entry's delay, and waits for the whole search. */
static void
search (Fixture    *f,
        const char *text)
{
  GtkEditable *entry = get_entry (f);

  if (!mg_find_bar_is_open (f->bar))
    mg_find_bar_open (f->bar);

  gtk_editable_set_text (entry, text);
  g_signal_emit_by_name (entry, "search-changed");
  wait_until_done (f);
}

static void
set_text (Fixture    *f,
          const char *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (f->view), text, -1);
}

static void
set_match_case (Fixture *f,
                gboolean match_case)
{
  GtkWidget *check = find_widget (GTK_WIDGET (f->bar), GTK_TYPE_CHECK_BUTTON, NULL);

  g_assert_nonnull (check);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (check), match_case);
  wait_until_done (f);
}

/* The text of match @index. */
static char *
match_text (Fixture *f,
            guint    index)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (f->view);
  GtkTextIter    start, end;
  guint          s, e;

  g_assert_true (mg_find_bar_get_match (f->bar, index, &s, &e));
  gtk_text_buffer_get_iter_at_offset (buffer, &start, s);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, e);

  return gtk_text_buffer_get_text (buffer, &start, &end, TRUE);
}

static void
assert_selection (Fixture *f,
                  guint    start,
                  guint    end)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (f->view);
  GtkTextIter    s, e;
  GtkTextTag    *current = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), "mg-find-current");

  g_assert_true (gtk_text_buffer_get_selection_bounds (buffer, &s, &e));
  g_assert_cmpuint (gtk_text_iter_get_offset (&s), ==, start);
  g_assert_cmpuint (gtk_text_iter_get_offset (&e), ==, end);
  g_assert_true (gtk_text_iter_starts_tag (&s, current));
  g_assert_true (gtk_text_iter_ends_tag (&e, current));
}

static const char *non_ascii_text = "Café au lait. CAFÉ noir. Un cafe\xCC\x81 d\xC3\xA9"
                                    "compos\xC3\xA9. Cafe sans accent.\n"
                                    "Die Straße, die STRASSE, die strasse. Fuß und FUSS.\n"
                                    "İstanbul, istanbul. Σίσυφος ΣΊΣΥΦΟΣ.\n";

static void
test_non_ascii (Fixture      *f,
                gconstpointer data)
{
  g_autofree char *text = NULL;

  set_text (f, non_ascii_text);

  /* Precomposed, capital and decomposed é; not the bare e. */
  search (f, "café");
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 3);
  text = match_text (f, 1);
  g_assert_cmpstr (text, ==, "CAFÉ");
  g_clear_pointer (&text, g_free);
  text = match_text (f, 2);
  g_assert_cmpstr (text, ==, "cafe\xCC\x81");
  g_clear_pointer (&text, g_free);

  /* ß folds to "ss", and the match maps back to whole characters. */
  search (f, "straße");
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 3);
  text = match_text (f, 0);
  g_assert_cmpstr (text, ==, "Straße");
  g_clear_pointer (&text, g_free);
  search (f, "STRASSE");
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 3);
  text = match_text (f, 0);
  g_assert_cmpstr (text, ==, "Straße");
  g_clear_pointer (&text, g_free);

  /* The match after "Straße" still has the right offsets. */
  search (f, "fuss");
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 2);
  text = match_text (f, 0);
  g_assert_cmpstr (text, ==, "Fuß");
  g_clear_pointer (&text, g_free);
  text = match_text (f, 1);
  g_assert_cmpstr (text, ==, "FUSS");
  g_clear_pointer (&text, g_free);

  /* Half of a ß is not a match: "fus" ends inside the ß of "Fuß". */
  search (f, "fus");
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 1);
  text = match_text (f, 0);
  g_assert_cmpstr (text, ==, "FUS");
  g_clear_pointer (&text, g_free);

  /* İ folds to i and a combining dot: "i̇stanbul" finds it, and the
   * Greek final sigma folds like the others. */
  search (f, "i\xCC\x87stanbul");
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 1);
  text = match_text (f, 0);
  g_assert_cmpstr (text, ==, "İstanbul");
  g_clear_pointer (&text, g_free);
  search (f, "σίσυφος");
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 2);
}

static void
test_match_case (Fixture      *f,
                 gconstpointer data)
{
  g_autofree char *text = NULL;

  set_text (f, non_ascii_text);

  search (f, "Café");
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 3);

  set_match_case (f, TRUE);
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 1);
  text = match_text (f, 0);
  g_assert_cmpstr (text, ==, "Café");
  g_clear_pointer (&text, g_free);

  search (f, "STRASSE");
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 1);
  text = match_text (f, 0);
  g_assert_cmpstr (text, ==, "STRASSE");

  set_match_case (f, FALSE);
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 3);
}

static void
test_navigation (Fixture      *f,
                 gconstpointer data)
{
  /* Emoji are one code point each; the skin tone modifier is another. */
  set_text (f, "😀 one 👍🏽 One x ONE\nz");

  search (f, "one");
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 3);
  g_assert_cmpint (mg_find_bar_get_current (f->bar), ==, 0);
  assert_selection (f, 2, 5);
  g_assert_cmpstr (get_label (f), ==, "1 of 3");

  gtk_widget_activate_action (GTK_WIDGET (f->bar), "find.next", NULL);
  g_assert_cmpint (mg_find_bar_get_current (f->bar), ==, 1);
  assert_selection (f, 9, 12);
  g_assert_cmpstr (get_label (f), ==, "2 of 3");

  mg_find_bar_next (f->bar);
  assert_selection (f, 15, 18);

  /* Around the end, and back around the start. */
  mg_find_bar_next (f->bar);
  g_assert_cmpint (mg_find_bar_get_current (f->bar), ==, 0);
  assert_selection (f, 2, 5);

  gtk_widget_activate_action (GTK_WIDGET (f->bar), "find.previous", NULL);
  g_assert_cmpint (mg_find_bar_get_current (f->bar), ==, 2);
  assert_selection (f, 15, 18);
  g_assert_cmpstr (get_label (f), ==, "3 of 3");

  mg_find_bar_previous (f->bar);
  assert_selection (f, 9, 12);
}

static void
test_enter_keys (Fixture      *f,
                 gconstpointer data)
{
  GtkEditable *entry;

  set_text (f, "one two one two one");
  search (f, "one");
  entry = get_entry (f);
  g_assert_cmpint (mg_find_bar_get_current (f->bar), ==, 0);

  /* Enter goes on; Ctrl+G and Shift+Ctrl+G are the entry's own signals. */
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpint (mg_find_bar_get_current (f->bar), ==, 1);
  g_signal_emit_by_name (entry, "next-match");
  g_assert_cmpint (mg_find_bar_get_current (f->bar), ==, 2);
  g_signal_emit_by_name (entry, "previous-match");
  g_assert_cmpint (mg_find_bar_get_current (f->bar), ==, 1);
}

static gboolean
has_tag (GtkTextBuffer *buffer,
         const char    *name)
{
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), name);
  GtkTextIter iter;

  g_assert_nonnull (tag);
  gtk_text_buffer_get_start_iter (buffer, &iter);

  return gtk_text_iter_has_tag (&iter, tag) || gtk_text_iter_forward_to_tag_toggle (&iter, tag);
}

static void
test_close_clears (Fixture      *f,
                   gconstpointer data)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (f->view);

  set_text (f, "alpha beta alpha gamma alpha");
  search (f, "alpha");
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 3);
  g_assert_true (has_tag (buffer, "mg-find-match"));
  g_assert_true (has_tag (buffer, "mg-find-current"));

  gtk_widget_activate_action (GTK_WIDGET (f->bar), "find.close", NULL);
  g_assert_false (mg_find_bar_is_open (f->bar));
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 0);
  g_assert_cmpint (mg_find_bar_get_current (f->bar), ==, -1);
  g_assert_false (has_tag (buffer, "mg-find-match"));
  g_assert_false (has_tag (buffer, "mg-find-current"));

  /* Escape in the entry closes too, after the bar is opened again. */
  mg_find_bar_open (f->bar);
  wait_until_done (f);
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 3);
  g_signal_emit_by_name (get_entry (f), "stop-search");
  g_assert_false (mg_find_bar_is_open (f->bar));
  g_assert_false (has_tag (buffer, "mg-find-match"));
}

static void
test_no_results (Fixture      *f,
                 gconstpointer data)
{
  set_text (f, "Nothing to see here.");
  search (f, "zebra");

  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 0);
  g_assert_cmpint (mg_find_bar_get_current (f->bar), ==, -1);
  g_assert_cmpstr (get_label (f), ==, "No results");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (get_entry (f)), "error"));

  /* Going on with nothing found does nothing. */
  mg_find_bar_next (f->bar);
  g_assert_cmpint (mg_find_bar_get_current (f->bar), ==, -1);

  search (f, "");
  g_assert_cmpstr (get_label (f), ==, "");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (get_entry (f)), "error"));
}

static void
test_typing (Fixture      *f,
             gconstpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  /* The entry's own delay, as when a user types. */
  set_text (f, "to be or not to be");
  mg_find_bar_open (f->bar);
  gtk_editable_set_text (get_entry (f), "be");
  while (mg_find_bar_get_n_matches (f->bar) == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  wait_until_done (f);

  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 2);
  g_assert_cmpstr (get_label (f), ==, "1 of 2");
}

static void
test_prefill (Fixture      *f,
              gconstpointer data)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (f->view);
  GtkTextIter    start, end;

  set_text (f, "red green blue green red");
  gtk_text_buffer_get_iter_at_offset (buffer, &start, 15);
  gtk_text_buffer_get_iter_at_offset (buffer, &end, 20);
  gtk_text_buffer_select_range (buffer, &start, &end);

  mg_find_bar_open (f->bar);
  wait_until_done (f);

  g_assert_cmpstr (gtk_editable_get_text (get_entry (f)), ==, "green");
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 2);
  /* The selected one is the current one. */
  g_assert_cmpint (mg_find_bar_get_current (f->bar), ==, 1);
  assert_selection (f, 15, 20);
}

static void
test_tag_priority (Fixture      *f,
                   gconstpointer data)
{
  GtkTextBuffer   *buffer = gtk_text_view_get_buffer (f->view);
  GtkTextTagTable *table = gtk_text_buffer_get_tag_table (buffer);
  GtkTextTag      *highlight;
  GtkTextTag      *match, *current;

  highlight = gtk_text_buffer_create_tag (buffer, "mg-highlight-yellow", "background", "yellow", NULL);
  set_text (f, "a highlighted word");
  search (f, "word");

  match = gtk_text_tag_table_lookup (table, "mg-find-match");
  current = gtk_text_tag_table_lookup (table, "mg-find-current");
  g_assert_nonnull (match);
  g_assert_nonnull (current);
  g_assert_cmpint (gtk_text_tag_get_priority (current), ==, gtk_text_tag_table_get_size (table) - 1);
  g_assert_cmpint (gtk_text_tag_get_priority (match), >, gtk_text_tag_get_priority (highlight));

  /* A highlight made later goes below again at the next search. */
  highlight = gtk_text_buffer_create_tag (buffer, "mg-highlight-green", NULL);
  search (f, "highlighted");
  g_assert_cmpint (gtk_text_tag_get_priority (match), >, gtk_text_tag_get_priority (highlight));
}

/* About 2 MB of text, with @needle on every seventh line. */
static char *
make_large_text (guint *n_lines_with_needle)
{
  GString *text = g_string_new (NULL);
  guint    n = 0;

  for (guint i = 0; text->len < 2 * 1024 * 1024; i++)
    {
      g_string_append (text, "Lorem ipsum dolor sit amet, écoute consectetur — adipiscing elit. ");
      if (i % 7 == 0)
        {
          g_string_append (text, "ZÉPHYR ");
          n++;
        }
      g_string_append (text, "Sed do eiusmod tempor.\n");
    }

  *n_lines_with_needle = n;

  return g_string_free (text, FALSE);
}

static void
test_large (Fixture      *f,
            gconstpointer data)
{
  g_autofree char *text = NULL;
  g_autofree char *expected = NULL;
  guint            n;
  gint64           longest = 0;
  gint64           deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  text = make_large_text (&n);
  g_assert_cmpuint (n, >, 1000);
  g_assert_cmpuint (n, <, MG_FIND_BAR_MAX_MATCHES);
  /* Unmapped, the view does not lay out 2 MB of text meanwhile, so that
   * the main loop iterations below measure the search alone. */
  gtk_widget_set_visible (GTK_WIDGET (f->window), FALSE);
  set_text (f, text);

  mg_find_bar_open (f->bar);
  gtk_editable_set_text (get_entry (f), "zéphyr");
  g_signal_emit_by_name (get_entry (f), "search-changed");

  /* The first chunk is searched at once, the rest later. */
  g_assert_true (mg_find_bar_is_searching (f->bar));
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), >, 0);
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), <, n);
  g_assert_cmpint (mg_find_bar_get_current (f->bar), ==, 0);

  /* The search finishes over several main loop iterations. */
  while (mg_find_bar_is_searching (f->bar) && g_get_monotonic_time () < deadline)
    {
      gint64 before = g_get_monotonic_time ();

      g_main_context_iteration (NULL, TRUE);
      longest = MAX (longest, g_get_monotonic_time () - before);
    }
  g_test_message ("longest main loop iteration: %" G_GINT64_FORMAT " µs", longest);
  g_assert_false (mg_find_bar_is_searching (f->bar));
  /* The time of a step is reported, not asserted: on a shared machine or
   * in a sanitizer build a timed assertion fails for reasons of its own.
   * That the search goes in steps at all is asserted above. */

  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, n);
  g_assert_false (mg_find_bar_get_capped (f->bar));
  expected = g_strdup_printf ("1 of %u", n);
  g_assert_cmpstr (get_label (f), ==, expected);

  /* Going back from the first wraps to the last, far down. */
  mg_find_bar_previous (f->bar);
  g_assert_cmpint (mg_find_bar_get_current (f->bar), ==, (int) n - 1);
}

static void
test_cap (Fixture      *f,
          gconstpointer data)
{
  g_autofree char *text = NULL;
  guint            n;

  text = make_large_text (&n);
  set_text (f, text);
  search (f, "e");

  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, MG_FIND_BAR_MAX_MATCHES);
  g_assert_true (mg_find_bar_get_capped (f->bar));
  g_assert_cmpstr (get_label (f), ==, "1 of more than 10000");
}

static void
test_buffer_changes (Fixture      *f,
                     gconstpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  set_text (f, "one one");
  search (f, "one");
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 2);

  /* A new document: the bar searches it again. */
  set_text (f, "one one one");
  g_assert_true (mg_find_bar_is_searching (f->bar));
  while (mg_find_bar_is_searching (f->bar) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 3);

  /* And another buffer altogether. */
  gtk_text_view_set_buffer (f->view, NULL);
  set_text (f, "one");
  wait_until_done (f);
  g_assert_cmpuint (mg_find_bar_get_n_matches (f->bar), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mg_test_isolate_user_dirs ("test-find");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) g_test_add ((path), Fixture, NULL, fixture_set_up, (func), fixture_tear_down)
  ADD ("/find/case-insensitive/non-ascii", test_non_ascii);
  ADD ("/find/match-case", test_match_case);
  ADD ("/find/navigation/wrap-and-select", test_navigation);
  ADD ("/find/navigation/entry-keys", test_enter_keys);
  ADD ("/find/close/clears-tags", test_close_clears);
  ADD ("/find/no-results", test_no_results);
  ADD ("/find/typing", test_typing);
  ADD ("/find/open/prefill-selection", test_prefill);
  ADD ("/find/tags/above-highlights", test_tag_priority);
  ADD ("/find/large/idle-chunks", test_large);
  ADD ("/find/large/cap", test_cap);
  ADD ("/find/buffer-changes", test_buffer_changes);
#undef ADD

  status = g_test_run ();
  mg_test_remove_user_dirs ();

  return status;
}
