/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "mg-anchor.h"
#include "mg-annotation-editor.h"
#include "mg-application.h"
#include "mg-color-selector.h"
#include "mg-document-loader.h"
#include "mg-reader-view.h"
#include "mg-sidebar.h"
#include "mg-store.h"
#include "mg-tag-list.h"
#include "mg-test-ui.h"
#include "mg-test-utils.h"
#include "mg-window-private.h"

/* The reader and its annotations, driven through the same actions a user
 * triggers with the mouse, the keyboard or the shortcuts. Each test has a
 * data folder of its own, so the store starts empty. */

static MgApplication *app;

static void
iterate (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
wait_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static MgWindow *
new_window (MgDocument *document)
{
  MgWindow *window = mg_window_new (GTK_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  mg_window_set_document (window, document);

  /* Annotations are loaded just after the text's first frame. */
  for (guint tries = 0; tries < 12000 && mg_window_get_annotations (window) == NULL; tries++)
    wait_ms (5);
  g_assert_nonnull (mg_window_get_annotations (window));
  iterate ();

  return window;
}

/* Closing saves. Tests share the bundled article, so each one leaves no
 * annotations behind (deleted ones stay as tombstones in the file).
 * Close saves in the background and the window goes when that is done:
 * wait for it, so that no store of this test is at work in the next. */
static void
wait_until_gone (GtkWindow *window)
{
  mg_test_iterate_until (mg_test_window_gone, window, 30);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
close_window_keep (MgWindow *window)
{
  GtkWindow *toplevel = GTK_WINDOW (window);

  /* The window may be gone at once: no cast after this. */
  gtk_window_close (toplevel);
  wait_until_gone (toplevel);
}

static void
close_window (MgWindow *window)
{
  mg_annotation_list_remove_all (mg_window_get_annotations (window));
  close_window_keep (window);
}

static MgAnnotation *
find_by_exact (MgWindow   *window,
               const char *exact)
{
  GListModel *model = G_LIST_MODEL (mg_window_get_annotations (window));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (MgAnnotation) a = g_list_model_get_item (model, i);

      if (g_strcmp0 (mg_annotation_get_exact (a), exact) == 0)
        return a;
    }

  g_error ("No annotation on “%s”", exact);
}

static void
select_range (MgWindow *window,
              guint     start,
              guint     end)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (mg_window_get_text_view (window));
  GtkTextIter    s, e;

  gtk_text_buffer_get_iter_at_offset (buffer, &s, start);
  gtk_text_buffer_get_iter_at_offset (buffer, &e, end);
  gtk_text_buffer_select_range (buffer, &s, &e);
  iterate ();
}

static guint
find_offset (MgDocument *document,
             const char *needle)
{
  const char *text = mg_document_get_text (document);
  const char *hit = strstr (text, needle);

  g_assert_nonnull (hit);

  return g_utf8_pointer_to_offset (text, hit);
}

static MgReaderView *
reader_of (MgWindow *window)
{
  return MG_READER_VIEW (mg_window_get_text_view (window));
}

static MgAnnotation *
item (MgWindow *window,
      guint     position)
{
  GListModel   *model = G_LIST_MODEL (mg_window_get_annotations (window));
  MgAnnotation *annotation = g_list_model_get_item (model, position);

  g_object_unref (annotation);

  return annotation;
}

static void
test_highlight_selection (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  MgWindow     *window = new_window (document);
  guint         start = find_offset (document, "global artificial intelligence community");
  guint         end = start + strlen ("global artificial intelligence community");
  MgAnnotation *annotation;
  gboolean      has_note;

  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight", NULL) && g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (window))) > 0);

  select_range (window, start, end);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight", NULL));
  iterate ();

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (window))), ==, 1);
  annotation = item (window, 0);
  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "global artificial intelligence community");
  g_assert_cmpuint (mg_annotation_get_range_start (annotation), ==, start);
  g_assert_cmpint (mg_annotation_get_color (annotation), ==, MG_COLOR_YELLOW);

  /* What the reader sees: the passage in yellow, nothing around it. */
  g_assert_cmpint (mg_reader_view_get_color_at (reader_of (window), start, &has_note), ==, MG_COLOR_YELLOW);
  g_assert_false (has_note);
  g_assert_cmpint (mg_reader_view_get_color_at (reader_of (window), end - 1, NULL), ==, MG_COLOR_YELLOW);
  g_assert_cmpint (mg_reader_view_get_color_at (reader_of (window), end, NULL), ==, MG_N_COLORS);
  g_assert_cmpint (mg_reader_view_get_color_at (reader_of (window), start - 1, NULL), ==, MG_N_COLORS);

  /* The sidebar lists it and has it selected. */
  g_assert_true (mg_sidebar_get_selected (MG_SIDEBAR (mg_window_get_sidebar (window))) == annotation);

  close_window (window);
}

static void
test_selection_whitespace_trimmed (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  MgWindow *window = new_window (document);
  guint     start = find_offset (document, "security concerns.");
  guint     end = start + strlen ("security concerns.") + 1; /* the newline too */

  select_range (window, start - 1, end);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight", NULL);
  iterate ();

  g_assert_cmpstr (mg_annotation_get_exact (item (window, 0)), ==, "security concerns.");

  close_window (window);
}

static void
test_color_remembered (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *color = NULL;
  MgWindow        *window = new_window (document);
  MgWindow        *second;
  guint            start = find_offset (document, "Thursday");

  select_range (window, start, start + 8);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight-with", "s", "blue"));
  iterate ();

  g_assert_cmpint (mg_annotation_get_color (item (window, 0)), ==, MG_COLOR_BLUE);
  color = g_settings_get_string (settings, "highlight-color");
  g_assert_cmpstr (color, ==, "blue");

  /* The next highlight, in another window too, takes the last colour. */
  close_window (window);
  second = new_window (document);
  start = find_offset (document, "Commerce Department");
  select_range (second, start, start + 8);
  gtk_widget_activate_action (GTK_WIDGET (second), "win.highlight", NULL);
  iterate ();
  g_assert_cmpint (mg_annotation_get_color (find_by_exact (second, "Commerce")), ==, MG_COLOR_BLUE);

  g_settings_reset (settings, "highlight-color");
  close_window (second);
}

static void
test_overlap_newer_on_top (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  MgWindow     *window = new_window (document);
  MgReaderView *reader = reader_of (window);
  guint         start = find_offset (document, "In a move that has sent ripples");
  MgAnnotation *newer;

  select_range (window, start, start + 20);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight-with", "s", "green");
  iterate ();
  wait_ms (5); /* distinct creation times */
  select_range (window, start + 10, start + 30);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight-with", "s", "pink");
  iterate ();

  /* Both are kept; where they overlap, the newer shows. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (window))), ==, 2);
  g_assert_cmpint (mg_reader_view_get_color_at (reader, start + 5, NULL), ==, MG_COLOR_GREEN);
  g_assert_cmpint (mg_reader_view_get_color_at (reader, start + 15, NULL), ==, MG_COLOR_PINK);
  g_assert_cmpint (mg_reader_view_get_color_at (reader, start + 25, NULL), ==, MG_COLOR_PINK);

  /* A click in the overlap finds the one on top. */
  newer = mg_reader_view_get_annotation_at (reader, start + 15);
  g_assert_cmpint (mg_annotation_get_color (newer), ==, MG_COLOR_PINK);

  /* The older one's note is underlined all along it, under the newer
   * colour too; not beyond it. */
  {
    MgAnnotation *older = mg_reader_view_get_annotation_at (reader, start + 5);
    gboolean      has_note = FALSE;

    mg_annotation_set_note (older, "Older, with a note.");
    g_object_unref (older);
    iterate ();
    g_assert_cmpint (mg_reader_view_get_color_at (reader, start + 5, &has_note), ==, MG_COLOR_GREEN);
    g_assert_true (has_note);
    g_assert_cmpint (mg_reader_view_get_color_at (reader, start + 15, &has_note), ==, MG_COLOR_PINK);
    g_assert_true (has_note);
    g_assert_cmpint (mg_reader_view_get_color_at (reader, start + 25, &has_note), ==, MG_COLOR_PINK);
    g_assert_false (has_note);
  }

  /* Deleting the newer reveals the older again. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-annotation", "s",
                                             mg_annotation_get_id (newer)));
  iterate ();
  {
    gboolean has_note = FALSE;

    g_assert_cmpint (mg_reader_view_get_color_at (reader, start + 15, &has_note), ==, MG_COLOR_GREEN);
    g_assert_true (has_note);
    g_assert_cmpint (mg_reader_view_get_color_at (reader, start + 25, &has_note), ==, MG_N_COLORS);
    g_assert_false (has_note);
  }
  g_object_unref (newer);

  close_window (window);
}

static void
test_note_and_tags (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  MgWindow           *window = new_window (document);
  MgAnnotationEditor *editor = MG_ANNOTATION_EDITOR (mg_window_get_editor (window));
  guint               start = find_offset (document, "double standard");
  MgAnnotation       *annotation;
  gboolean            has_note = FALSE;

  select_range (window, start, start + 15);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-note", NULL));
  iterate ();

  /* Add Note highlights and opens the editor on the new highlight. */
  annotation = item (window, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor)));
  g_assert_true (mg_annotation_editor_get_annotation (editor) == annotation);

  mg_annotation_editor_set_note_text (editor, "Compare with the EU's rules.\nSee chapter 2.");
  mg_annotation_editor_set_tags_text (editor, "policy, #trade ,  , policy");
  gtk_popover_popdown (GTK_POPOVER (editor));
  iterate ();

  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "Compare with the EU's rules.\nSee chapter 2.");
  g_assert_cmpuint (g_strv_length ((char **) mg_annotation_get_tags (annotation)), ==, 2);
  g_assert_cmpstr (mg_annotation_get_tags (annotation)[0], ==, "policy");
  g_assert_cmpstr (mg_annotation_get_tags (annotation)[1], ==, "trade");

  /* A highlight with a note looks different in the text. */
  mg_reader_view_get_color_at (reader_of (window), start + 3, &has_note);
  g_assert_true (has_note);

  close_window (window);
}

static GtkWidget *
find_of_type (GtkWidget *root,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_of_type (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* A key as the entry's key controller sees it before the entry does. */
static gboolean
press_key (GtkWidget *entry,
           guint      keyval)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (entry);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        {
          g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
          iterate ();
          return handled;
        }
    }

  g_error ("The tags entry has no key controller");
}

static guint
n_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;

  return n;
}

static guint
selected_row (GtkListBox *list)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (list);

  return row != NULL ? (guint) gtk_list_box_row_get_index (row) : GTK_INVALID_LIST_POSITION;
}

/* The editor on its own, on a plain widget: what is tested is the editor
 * (the window's Add Note is tested above). */
static void
test_tag_suggestions (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotationList) annotations = mg_annotation_list_new ();
  g_autoptr (MgTagList) tags = mg_tag_list_new (annotations);
  g_autoptr (MgAnnotation) a = NULL;
  g_autoptr (MgAnnotation) b = NULL;
  g_autoptr (MgAnnotation) c = NULL;
  const char         *first_tags[] = { "policy", "trade", NULL };
  const char         *second_tags[] = { "Politics", NULL };
  GtkWidget          *test_window = gtk_window_new ();
  GtkWidget          *anchor = gtk_label_new ("Anchor");
  MgAnnotationEditor *editor = MG_ANNOTATION_EDITOR (mg_annotation_editor_new ());
  guint               start;
  GtkWidget          *entry, *suggestions;
  GtkListBox         *list;
  g_autofree char    *first = NULL;
  g_autofree char    *expected = NULL;

  start = find_offset (document, "Cognitia");
  a = mg_annotation_new_for_range (document, start, start + 8, MG_COLOR_YELLOW);
  mg_annotation_set_tags (a, first_tags);
  start = find_offset (document, "double standard");
  b = mg_annotation_new_for_range (document, start, start + 15, MG_COLOR_YELLOW);
  mg_annotation_set_tags (b, second_tags);
  start = find_offset (document, "level playing field");
  c = mg_annotation_new_for_range (document, start, start + 19, MG_COLOR_YELLOW);
  mg_annotation_list_add (annotations, a);
  mg_annotation_list_add (annotations, b);
  mg_annotation_list_add (annotations, c);

  gtk_window_set_default_size (GTK_WINDOW (test_window), 400, 500);
  gtk_widget_set_valign (anchor, GTK_ALIGN_START);
  gtk_window_set_child (GTK_WINDOW (test_window), anchor);
  gtk_window_present (GTK_WINDOW (test_window));
  wait_ms (100);

  gtk_widget_set_parent (GTK_WIDGET (editor), anchor);
  mg_annotation_editor_set_tags (editor, G_LIST_MODEL (tags));
  mg_annotation_editor_set_annotation (editor, c);
  gtk_popover_popup (GTK_POPOVER (editor));
  wait_ms (100);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor)));

  entry = find_of_type (GTK_WIDGET (editor), GTK_TYPE_ENTRY);
  g_assert_nonnull (entry);
  list = GTK_LIST_BOX (find_of_type (GTK_WIDGET (editor), GTK_TYPE_LIST_BOX));
  g_assert_nonnull (list);
  suggestions = gtk_widget_get_ancestor (GTK_WIDGET (list), GTK_TYPE_SCROLLED_WINDOW);
  gtk_widget_grab_focus (entry);

  /* Typing the start of a tag, in any case, offers the tags in use that
   * begin so; the keys that move in them are not typed. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "trade, #PO");
  iterate ();
  g_assert_true (gtk_widget_get_visible (suggestions));
  g_assert_cmpuint (n_rows (list), ==, 2);
  g_assert_cmpuint (selected_row (list), ==, GTK_INVALID_LIST_POSITION);

  g_assert_true (press_key (entry, GDK_KEY_Down));
  g_assert_cmpuint (selected_row (list), ==, 0);
  g_assert_true (press_key (entry, GDK_KEY_Down));
  g_assert_cmpuint (selected_row (list), ==, 1);
  g_assert_true (press_key (entry, GDK_KEY_Up));
  g_assert_cmpuint (selected_row (list), ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "trade, #PO");

  /* Enter takes the suggestion in place of what was typed of it. */
  first = g_strdup (gtk_label_get_text (GTK_LABEL (gtk_list_box_row_get_child (gtk_list_box_get_selected_row (list)))));
  g_assert_true (press_key (entry, GDK_KEY_Return));
  expected = g_strdup_printf ("trade, %s, ", first);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, expected);
  g_assert_false (gtk_widget_get_visible (suggestions));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor)));

  /* Escape hides the suggestions, not the editor. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "tr");
  iterate ();
  g_assert_true (gtk_widget_get_visible (suggestions));
  g_assert_cmpuint (n_rows (list), ==, 1);
  g_assert_true (press_key (entry, GDK_KEY_Escape));
  g_assert_false (gtk_widget_get_visible (suggestions));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (editor)));
  /* Enter without a suggestion chosen is Done, as before. */
  g_assert_false (press_key (entry, GDK_KEY_Return));

  /* A tag typed in full, or one nobody uses, offers nothing. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "trade");
  iterate ();
  g_assert_false (gtk_widget_get_visible (suggestions));
  gtk_editable_set_text (GTK_EDITABLE (entry), "zzz");
  iterate ();
  g_assert_false (gtk_widget_get_visible (suggestions));

  gtk_popover_popdown (GTK_POPOVER (editor));
  iterate ();
  g_assert_cmpstr (mg_annotation_get_tags (c)[0], ==, "zzz");

  gtk_widget_unparent (GTK_WIDGET (editor));
  gtk_window_destroy (GTK_WINDOW (test_window));
  iterate ();
}

/* A highlight off screen is scrolled to, and its note editor points inside
 * the view, about where the passage will be: where it was is off the view,
 * and may be off every monitor, where GTK 4.8 cannot place a popover. */
static void
test_editor_points_on_screen (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  MgWindow      *window = new_window (document);
  GtkWidget     *editor = mg_window_get_editor (window);
  GtkTextView   *view = mg_window_get_text_view (window);
  GtkWidget     *parent = gtk_widget_get_parent (GTK_WIDGET (view));
  GtkAdjustment *vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
  guint          start = find_offset (document, "future.");
  MgAnnotation  *annotation;
  GdkRectangle   rect;

  select_range (window, start, start + 7);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight-with", "s", "yellow"));
  iterate ();
  annotation = find_by_exact (window, "future.");
  g_assert_nonnull (annotation);

  /* The end of the article, with the view at its start. */
  gtk_adjustment_set_value (vadjustment, 0);
  iterate ();
  g_assert_false (mg_reader_view_get_range_rect (MG_READER_VIEW (view), start, start + 7, &rect));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-annotation", "s", mg_annotation_get_id (annotation)));
  g_assert_true (gtk_popover_get_pointing_to (GTK_POPOVER (editor), &rect));
  g_assert_cmpint (rect.y, >=, 0);
  g_assert_cmpint (rect.y + rect.height, <=, gtk_widget_get_height (parent));

  gtk_popover_popdown (GTK_POPOVER (editor));
  iterate ();
  gtk_window_destroy (GTK_WINDOW (window));
  iterate ();
}

/* The one colour selector: in the note editor it shows the colour of the
 * highlight and changes it; in the selection popover it highlights. Each
 * swatch says what it is to a screen reader. */
static void
test_color_selector (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  MgWindow           *window = new_window (document);
  MgAnnotationEditor *editor = MG_ANNOTATION_EDITOR (mg_window_get_editor (window));
  guint               start = find_offset (document, "Cognitia");
  MgColorSelector    *selector;
  GtkWidget          *green, *yellow;
  MgAnnotation       *annotation;

  select_range (window, start, start + 8);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight-with", "s", "yellow"));
  iterate ();
  annotation = find_by_exact (window, "Cognitia");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-annotation", "s", mg_annotation_get_id (annotation)));
  iterate ();

  selector = MG_COLOR_SELECTOR (find_of_type (GTK_WIDGET (editor), MG_TYPE_COLOR_SELECTOR));
  g_assert_nonnull (selector);
  yellow = mg_color_selector_get_button (selector, MG_COLOR_YELLOW);
  green = mg_color_selector_get_button (selector, MG_COLOR_GREEN);
  gtk_test_accessible_assert_property (green, GTK_ACCESSIBLE_PROPERTY_LABEL, "Green");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (green), ==, "Green");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (yellow)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (green)));

  /* A swatch changes the colour at once, and shows it. */
  g_signal_emit_by_name (green, "clicked");
  iterate ();
  g_assert_cmpint (mg_annotation_get_color (annotation), ==, MG_COLOR_GREEN);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (green)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (yellow)));
  gtk_popover_popdown (GTK_POPOVER (editor));
  iterate ();

  /* The window's selectors highlight in their colour, and say so. */
  start = find_offset (document, "double standard");
  select_range (window, start, start + 15);
  {
    GtkWidget *popover = gtk_widget_get_first_child (gtk_widget_get_parent (GTK_WIDGET (_mg_window_ensure_selection_popover (window))));
    GtkWidget *purple = NULL;

    for (; popover != NULL && purple == NULL; popover = gtk_widget_get_next_sibling (popover))
      {
        GtkWidget *found = GTK_IS_POPOVER (popover) && popover != GTK_WIDGET (editor) ? find_of_type (popover, MG_TYPE_COLOR_SELECTOR) : NULL;

        if (found != NULL)
          purple = mg_color_selector_get_button (MG_COLOR_SELECTOR (found), MG_COLOR_PURPLE);
      }
    g_assert_nonnull (purple);
    gtk_test_accessible_assert_property (purple, GTK_ACCESSIBLE_PROPERTY_LABEL, "Highlight in Purple");
    g_signal_emit_by_name (purple, "clicked");
    iterate ();
    g_assert_cmpint (mg_annotation_get_color (find_by_exact (window, "double standard")), ==, MG_COLOR_PURPLE);
    g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (purple)));
  }

  close_window (window);
}

/* Keys as the user types them: the X server sends them (xdotool, through
 * XTEST) to the focused window. Returns %FALSE, the test skipped, where
 * that cannot be done. */
static gboolean
press_keys (const char *keys)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  const char      *argv[] = { NULL, "key", "--clearmodifiers", keys, NULL };
  g_autoptr (GError) error = NULL;
  int status;

  if (xdotool == NULL || g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("needs X11 and xdotool to send real key events");
      return FALSE;
    }

  argv[0] = xdotool;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  wait_ms (300);

  return TRUE;
}

static GtkWidget *
selection_popover (MgWindow *window)
{
  return GTK_WIDGET (_mg_window_ensure_selection_popover (window));
}

/* The shortcuts the selection popover's tooltips name work while it is
 * open, and has the keyboard focus. */
static void
test_shortcuts_in_selection_popover (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  MgWindow     *window = new_window (document);
  GtkWidget    *popover = selection_popover (window);
  guint         start = find_offset (document, "Cognitia");
  MgAnnotation *annotation;

  g_assert_nonnull (popover);

  select_range (window, start, start + 8);
  g_signal_emit_by_name (mg_window_get_text_view (window), "selection-finished");
  wait_ms (200);
  g_assert_true (gtk_widget_get_visible (popover));

  if (!press_keys ("ctrl+2"))
    {
      close_window (window);
      return;
    }
  annotation = find_by_exact (window, "Cognitia");
  g_assert_cmpint (mg_annotation_get_color (annotation), ==, MG_COLOR_GREEN);
  g_assert_false (gtk_widget_get_visible (popover));

  start = find_offset (document, "double standard");
  select_range (window, start, start + 15);
  g_signal_emit_by_name (mg_window_get_text_view (window), "selection-finished");
  wait_ms (200);
  g_assert_true (gtk_widget_get_visible (popover));

  press_keys ("ctrl+m");
  annotation = find_by_exact (window, "double standard");
  g_assert_true (gtk_widget_get_visible (mg_window_get_editor (window)));
  g_assert_true (mg_annotation_editor_get_annotation (MG_ANNOTATION_EDITOR (mg_window_get_editor (window))) == annotation);
  gtk_popover_popdown (GTK_POPOVER (mg_window_get_editor (window)));
  iterate ();

  close_window (window);
}

static void
test_delete_undo (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  MgWindow        *window = new_window (document);
  guint            start = find_offset (document, "Cognitia");
  g_autofree char *id = NULL;
  g_autoptr (MgAnnotation) before = NULL;
  const char   *tags[] = { "startups", "UK", NULL };
  MgAnnotation *after;

  select_range (window, start, start + 8);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight-with", "s", "purple");
  iterate ();
  before = g_object_ref (item (window, 0));
  mg_annotation_set_note (before, "A startup.");
  mg_annotation_set_tags (before, tags);
  id = g_strdup (mg_annotation_get_id (before));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete-annotation", "s", id));
  iterate ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (window))), ==, 0);
  g_assert_cmpint (mg_reader_view_get_color_at (reader_of (window), start, NULL), ==, MG_N_COLORS);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo-delete", "s", id));
  iterate ();

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (window))), ==, 1);
  after = item (window, 0);
  g_assert_cmpstr (mg_annotation_get_id (after), ==, id);
  g_assert_cmpstr (mg_annotation_get_note (after), ==, "A startup.");
  g_assert_cmpstr (mg_annotation_get_tags (after)[1], ==, "UK");
  g_assert_cmpint (mg_annotation_get_color (after), ==, MG_COLOR_PURPLE);
  g_assert_cmpint (mg_reader_view_get_color_at (reader_of (window), start, NULL), ==, MG_COLOR_PURPLE);

  close_window (window);
}

static void
test_saved_and_restored (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  MgWindow        *window = new_window (document);
  MgAnnotation    *annotation;
  guint            start = find_offset (document, "rallying cry");
  g_autofree char *id = NULL;

  select_range (window, start, start + 12);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight-with", "s", "orange");
  iterate ();
  mg_annotation_set_note (item (window, 0), "Kept across runs");
  id = g_strdup (mg_annotation_get_id (item (window, 0)));

  /* Closing saves; a new window on the same document shows the same. */
  close_window_keep (window);

  window = new_window (document);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (window))), ==, 1);
  annotation = item (window, 0);
  g_assert_cmpstr (mg_annotation_get_id (annotation), ==, id);
  g_assert_cmpstr (mg_annotation_get_note (annotation), ==, "Kept across runs");
  g_assert_cmpuint (mg_annotation_get_range_start (annotation), ==, start);
  g_assert_cmpint (mg_annotation_get_state (annotation), ==, MG_ANNOTATION_STATE_ANCHORED);
  g_assert_cmpint (mg_reader_view_get_color_at (reader_of (window), start, NULL), ==, MG_COLOR_ORANGE);

  close_window (window);
}

/* The name of the document's annotations file: named after the id its
 * text gives (since format version 2), not after its URI. */
static char *
store_file_name (MgDocument *document)
{
  g_autofree char *id = mg_document_id_for_sha256 (mg_document_get_sha256 (document));

  return mg_document_id_file_name (id);
}

static void
test_corrupt_store_shown (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autofree char *dir = mg_store_default_directory ();
  g_autofree char *name = store_file_name (document);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  MgWindow *window;

  g_mkdir_with_parents (dir, 0700);
  g_file_set_contents (path, "{ this is not JSON", -1, &error);
  g_assert_no_error (error);

  window = new_window (document);

  /* The document opens, and the window says what happened. */
  g_assert_cmpstr (mg_window_get_page (window), ==, "document");
  g_assert_nonnull (mg_window_get_banner_text (window));
  g_assert_nonnull (strstr (mg_window_get_banner_text (window), "set aside"));

  close_window (window);
}

static void
test_sidebar_toggle (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  MgWindow *window = new_window (document);
  gboolean  shown;

  g_settings_set_boolean (settings, "show-sidebar", TRUE);
  iterate ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL));
  iterate ();
  g_object_get (window, "show-sidebar", &shown, NULL);
  g_assert_false (shown);
  g_assert_false (g_settings_get_boolean (settings, "show-sidebar"));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-sidebar", NULL);
  iterate ();
  g_assert_true (g_settings_get_boolean (settings, "show-sidebar"));

  close_window (window);
}

static void
test_caret_browsing (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  MgWindow    *window = new_window (document);
  GtkTextView *view = mg_window_get_text_view (window);

  g_assert_false (gtk_text_view_get_cursor_visible (view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.caret-browsing", NULL));
  g_assert_true (gtk_text_view_get_cursor_visible (view));

  close_window (window);
}

/* Entries of the saved file that cannot be read are kept in it, and the
 * sidebar says so: the document does not look as if it had none. */
typedef struct
{
  MgWindow *window;
  guint     frames; /* painted since the highlights were given */
  gboolean  shown;
  guint     frames_when_shown;
  guint     pending_when_shown;
} ShowOrder;

static void
show_order_frame_cb (GdkFrameClock *clock,
                     ShowOrder     *order)
{
  MgReaderView *reader = MG_READER_VIEW (mg_window_get_text_view (order->window));

  if (mg_reader_view_get_annotations (reader) != NULL)
    order->frames++;
}

static void
show_order_annotations_cb (MgWindow   *window,
                           GParamSpec *pspec,
                           ShowOrder  *order)
{
  MgReaderView *reader = MG_READER_VIEW (mg_window_get_text_view (window));

  if (order->shown || mg_window_get_annotations (window) == NULL)
    return;

  order->shown = TRUE;
  order->frames_when_shown = order->frames;
  order->pending_when_shown = mg_reader_view_get_pending_chunks (reader);
}

/* A document's stored highlights are painted first; the sidebar gets the
 * annotations (and the window's actions on them) just after the frame
 * that shows them all, as its rows take longer to make. */
static void
test_sidebar_after_highlights (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  ShowOrder  order = { NULL };
  MgWindow  *window;
  MgSidebar *sidebar;
  gulong     frame_handler;
  guint      start = find_offset (document, "Cognitia");

  window = new_window (document);
  select_range (window, start, start + 8);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight", NULL));
  iterate ();
  close_window_keep (window);

  window = mg_window_new (GTK_APPLICATION (app));
  order.window = window;
  gtk_window_present (GTK_WINDOW (window));
  iterate ();
  frame_handler = g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                                    G_CALLBACK (show_order_frame_cb), &order);
  g_signal_connect (window, "notify::annotations", G_CALLBACK (show_order_annotations_cb), &order);
  mg_window_set_document (window, document);

  for (guint tries = 0; tries < 12000 && !order.shown; tries++)
    wait_ms (5);
  g_assert_true (order.shown);
  g_assert_cmpuint (order.frames_when_shown, >=, 1);
  g_assert_cmpuint (order.pending_when_shown, ==, 0);

  sidebar = MG_SIDEBAR (mg_window_get_sidebar (window));
  g_assert_true (mg_sidebar_get_annotations (sidebar) == mg_window_get_annotations (window));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (window))), ==, 1);

  g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), frame_handler);
  g_signal_handlers_disconnect_by_data (window, &order);
  close_window (window);
}

static void
test_unreadable_entries_shown (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autofree char *dir = mg_store_default_directory ();
  g_autofree char *name = store_file_name (document);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (GError) error = NULL;
  const char *bad[] = {
    "{ \"id\" : \"urn:uuid:bad-1\", \"type\" : \"Annotation\", \"target\" : 5 }",
    "{ \"id\" : \"urn:uuid:bad-2\", \"type\" : \"Annotation\" }",
    "{ \"type\" : \"Annotation\" }",
    "42",
  };
  MgWindow  *window;
  MgSidebar *sidebar;
  JsonArray *entries;
  guint      start = find_offset (document, "Cognitia");

  /* A file with one good highlight, then four entries nobody can read. */
  window = new_window (document);
  select_range (window, start, start + 8);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight", NULL));
  iterate ();
  g_assert_null (mg_sidebar_get_unreadable_text (MG_SIDEBAR (mg_window_get_sidebar (window))));
  close_window_keep (window);

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  entries = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "annotations");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    json_array_add_element (entries, json_from_string (bad[i], NULL));
  json_generator_set_root (generator, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (generator, path, &error));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_test_expect_message ("mg-store", G_LOG_LEVEL_WARNING, "*could not be read*");
  window = new_window (document);
  g_test_assert_expected_messages ();

  sidebar = MG_SIDEBAR (mg_window_get_sidebar (window));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (window))), ==, 1);
  g_assert_cmpstr (mg_sidebar_get_unreadable_text (sidebar), ==,
                   "4 saved entries could not be read and are kept as they are.");

  /* Another document has none. */
  {
    g_autoptr (GBytes) bytes = g_bytes_new_static ("Plain text.\n", 12);
    g_autoptr (MgDocument) other = mg_document_loader_load_bytes (bytes, "file:///tmp/unreadable-other.txt", "Other",
                                                                  MG_DOCUMENT_FORMAT_TEXT, &error);

    g_assert_no_error (error);
    mg_window_set_document (window, other);
    g_assert_null (mg_sidebar_get_unreadable_text (sidebar));
    mg_window_set_document (window, document);
    for (guint tries = 0; tries < 2000 && (mg_sidebar_get_unreadable_text (sidebar) == NULL || mg_window_get_annotations (window) == NULL); tries++)
      wait_ms (5);
    g_assert_nonnull (mg_window_get_annotations (window));
    g_assert_nonnull (mg_sidebar_get_unreadable_text (sidebar));
  }

  close_window (window);
  g_unlink (path);
}

static void
test_reattach_orphan (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotation) orphan = mg_annotation_new ("a passage that is not in this article", "", "", 10, 47,
                                                       MG_COLOR_GREEN);
  MgWindow *window = new_window (document);
  guint     start = find_offset (document, "Joe Biden");

  mg_anchor_annotation (orphan, document);
  g_assert_cmpint (mg_annotation_get_state (orphan), ==, MG_ANNOTATION_STATE_ORPHANED);
  mg_annotation_list_add (mg_window_get_annotations (window), orphan);
  iterate ();

  select_range (window, start, start + 9);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.reattach-annotation", "s",
                                             mg_annotation_get_id (orphan)));
  iterate ();

  g_assert_cmpint (mg_annotation_get_state (orphan), ==, MG_ANNOTATION_STATE_ANCHORED);
  g_assert_cmpstr (mg_annotation_get_exact (orphan), ==, "Joe Biden");
  g_assert_cmpint (mg_reader_view_get_color_at (reader_of (window), start, NULL), ==, MG_COLOR_GREEN);

  close_window (window);
}

static void
test_chunked_painting (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (MgAnnotationList) list = mg_annotation_list_new ();
  g_autoptr (GPtrArray) many = g_ptr_array_new_with_free_func (g_object_unref);
  MgReaderView *reader;
  MgWindow     *window;
  guint         length;

  for (guint i = 0; text->len < 400000; i++)
    g_string_append_printf (text, "Paragraph %u of a long book, with words to highlight.\n", i);
  bytes = g_string_free_to_bytes (g_steal_pointer (&text));
  document = mg_document_loader_load_bytes (bytes, "file:///tmp/long-book.txt", "Long", MG_DOCUMENT_FORMAT_TEXT, NULL);
  length = mg_document_get_length (document);

  window = new_window (document);
  reader = reader_of (window);
  for (guint i = 0; i < 2000; i++)
    {
      guint start = (guint) (((guint64) i * (length - 40)) / 2000);

      g_ptr_array_add (many, mg_annotation_new_for_range (document, start, start + 30, i % MG_N_COLORS));
    }
  mg_annotation_list_add_many (mg_window_get_annotations (window), many);

  /* The top is painted at once, the rest in idle time. */
  g_assert_cmpint (mg_reader_view_get_color_at (reader, 5, NULL), ==, MG_COLOR_YELLOW);
  for (guint tries = 0; tries < 12000 && mg_reader_view_get_pending_chunks (reader) > 0; tries++)
    wait_ms (5);
  g_assert_cmpuint (mg_reader_view_get_pending_chunks (reader), ==, 0);

  {
    MgAnnotation *last = g_ptr_array_index (many, 1999);

    g_assert_cmpint (mg_reader_view_get_color_at (reader, mg_annotation_get_range_start (last) + 1, NULL),
                     ==, mg_annotation_get_color (last));
  }

  close_window (window);
}

/* Many overlapping highlights, added at once (painted chunk by chunk):
 * everywhere, the newest one that covers a place is the one shown, as if
 * they had been painted one by one, oldest first. */
static void
test_overlaps_in_chunks (void)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (GPtrArray) many = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree guint *expected = NULL;
  GRand            *rand = g_rand_new_with_seed (42);
  MgReaderView     *reader;
  MgWindow         *window;
  guint             length;

  for (guint i = 0; text->len < 40000; i++)
    g_string_append_printf (text, "Line %u, with a few words in it.\n", i);
  bytes = g_string_free_to_bytes (g_steal_pointer (&text));
  document = mg_document_loader_load_bytes (bytes, "file:///tmp/overlaps.txt", "Overlaps", MG_DOCUMENT_FORMAT_TEXT, NULL);
  length = mg_document_get_length (document);
  expected = g_new (guint, length);
  for (guint i = 0; i < length; i++)
    expected[i] = MG_N_COLORS;

  window = new_window (document);
  reader = reader_of (window);

  /* More than a batch, made a second apart, oldest first: many overlap,
   * some run across the border of two chunks of painting. */
  for (guint i = 0; i < 600; i++)
    {
      g_autoptr (GDateTime) created = g_date_time_new_from_unix_utc (1700000000 + i);
      guint         start = g_rand_int_range (rand, 0, length - 200);
      guint         end = start + g_rand_int_range (rand, 1, 200);
      MgColor       color = g_rand_int_range (rand, 0, MG_N_COLORS);
      MgAnnotation *a = g_object_new (MG_TYPE_ANNOTATION, "created", created, "color", color, NULL);

      mg_annotation_set_target (a, document, start, end);
      g_ptr_array_add (many, a);
      for (guint o = start; o < end; o++)
        expected[o] = color;
    }
  g_rand_free (rand);
  mg_annotation_list_add_many (mg_window_get_annotations (window), many);

  for (guint tries = 0; tries < 12000 && mg_reader_view_get_pending_chunks (reader) > 0; tries++)
    wait_ms (5);
  g_assert_cmpuint (mg_reader_view_get_pending_chunks (reader), ==, 0);

  for (guint o = 0; o < length; o++)
    if (mg_reader_view_get_color_at (reader, o, NULL) != expected[o])
      g_error ("At %u: colour %d shown, %u expected", o, mg_reader_view_get_color_at (reader, o, NULL), expected[o]);

  close_window (window);
}

static void
clipboard_text_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static void
test_import_and_copy (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "hypothesis-sample.json", NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GBytes) broken = g_bytes_new_static ("[{\"type\": \"Annotation\"", 23);
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  MgWindow        *window = new_window (document);
  GListModel      *model = G_LIST_MODEL (mg_window_get_annotations (window));
  gsize            len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  bytes = g_bytes_new (contents, len);

  /* A malformed file changes nothing. */
  g_assert_false (mg_window_import_bytes (window, broken, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  g_assert_true (mg_window_import_bytes (window, bytes, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 5);
  iterate ();
  /* In plain words, "highlight" for what the user made. */
  g_assert_cmpstr (mg_window_get_toast_text (window), ==, "4 highlights placed, 1 could not be found in this text");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-markdown", NULL));
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL, clipboard_text_cb, &text);
  while (text == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (g_str_has_prefix (text, "---\n"));
  g_assert_nonnull (strstr (text, "> We cannot rely on the charity of a foreign government"));
  g_assert_cmpstr (mg_window_get_toast_text (window), ==, "Highlights copied as Markdown");

  close_window (window);
}

static void
test_shortcuts_listed (void)
{
  g_autoptr (GBytes) bytes = g_resources_lookup_data (RESOURCE_PREFIX "/mg-shortcuts-window.ui", 0, NULL);
  const char *ui = g_bytes_get_data (bytes, NULL);
  const char *expected[] = {
    "&lt;ctrl&gt;h",
    "&lt;ctrl&gt;m",
    "F9",
    "F7",
    "&lt;ctrl&gt;&lt;shift&gt;f",
    /* Ctrl+1…6 as one entry, a range. */
    "&lt;ctrl&gt;1...&lt;ctrl&gt;6",
    "app.new-window",
    "app.quit",
    "window.close",
  };

  g_assert_nonnull (ui);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strstr (ui, expected[i]) == NULL)
      g_error ("%s is not in the shortcuts window", expected[i]);
}

/* A highlight whose words changed since it was made (re-anchoring found it
 * on other words): its editor says what it read. */
static void
test_previous_quote_shown (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autoptr (MgDocument) edited = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char    *text = NULL;
  MgAnnotationEditor *editor = MG_ANNOTATION_EDITOR (mg_annotation_editor_new ());
  const char         *shown;
  guint               start = find_offset (document, "double standard");
  GString            *changed = g_string_new (mg_document_get_text (document));

  annotation = mg_annotation_new_for_range (document, start, start + 15, MG_COLOR_YELLOW);
  g_object_ref_sink (editor);
  mg_annotation_editor_set_annotation (editor, annotation);
  g_assert_null (mg_annotation_editor_get_previous_text (editor));

  /* "double standard" becomes "double bind" in a new version. */
  g_string_replace (changed, "double standard", "double bind", 1);
  text = g_string_free (changed, FALSE);
  bytes = g_bytes_new (text, strlen (text));
  edited = mg_document_loader_load_bytes (bytes, "file:///tmp/edited.txt", NULL, MG_DOCUMENT_FORMAT_TEXT, NULL);
  mg_anchor_annotation (annotation, edited);
  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "double bind");

  mg_annotation_editor_set_annotation (editor, annotation);
  shown = mg_annotation_editor_get_previous_text (editor);
  g_assert_nonnull (shown);
  g_assert_nonnull (strstr (shown, "“double standard”"));

  g_object_unref (editor);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  /* Annotations, positions and settings of this run go to folders of its own. */
  mg_test_isolate_user_dirs ("test-annotate");

  /* Accessible names are checked: GTK keeps them for tests only. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  gtk_test_init (&argc, &argv, NULL);

  app = mg_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/annotate/highlight/selection", test_highlight_selection);
  g_test_add_func ("/annotate/highlight/whitespace-trimmed", test_selection_whitespace_trimmed);
  g_test_add_func ("/annotate/highlight/color-remembered", test_color_remembered);
  g_test_add_func ("/annotate/highlight/overlap-newer-on-top", test_overlap_newer_on_top);
  g_test_add_func ("/annotate/note/note-and-tags", test_note_and_tags);
  g_test_add_func ("/annotate/note/tag-suggestions", test_tag_suggestions);
  g_test_add_func ("/annotate/note/color-selector", test_color_selector);
  g_test_add_func ("/annotate/note/editor-points-on-screen", test_editor_points_on_screen);
  g_test_add_func ("/annotate/note/previous-quote-shown", test_previous_quote_shown);
  g_test_add_func ("/annotate/shortcuts/in-selection-popover", test_shortcuts_in_selection_popover);
  g_test_add_func ("/annotate/delete/undo", test_delete_undo);
  g_test_add_func ("/annotate/store/saved-and-restored", test_saved_and_restored);
  g_test_add_func ("/annotate/store/corrupt-file-shown", test_corrupt_store_shown);
  g_test_add_func ("/annotate/store/unreadable-entries-shown", test_unreadable_entries_shown);
  g_test_add_func ("/annotate/store/sidebar-after-highlights", test_sidebar_after_highlights);
  g_test_add_func ("/annotate/orphan/reattach", test_reattach_orphan);
  g_test_add_func ("/annotate/view/sidebar-toggle", test_sidebar_toggle);
  g_test_add_func ("/annotate/view/caret-browsing", test_caret_browsing);
  g_test_add_func ("/annotate/view/chunked-painting", test_chunked_painting);
  g_test_add_func ("/annotate/view/overlaps-in-chunks", test_overlaps_in_chunks);
  g_test_add_func ("/annotate/export/import-and-copy", test_import_and_copy);
  g_test_add_func ("/annotate/shortcuts/listed", test_shortcuts_listed);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  mg_test_remove_user_dirs ();

  return status;
}
