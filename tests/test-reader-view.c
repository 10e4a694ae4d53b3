/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>

#include "mg-application.h"
#include "mg-reader-view.h"
#include "mg-test-ui.h"
#include "mg-test-utils.h"
#include "mg-window-private.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

/* The reader view in a real window under a display (Xvfb in CI): what it
 * paints, and what the pointer and the keys do to it. Pointer and key
 * events are real X events, sent with xdotool (the XTEST extension), so
 * they go through GTK's gestures as a user's would. */

static MgApplication *app;

typedef MgTestCondition Condition;

static gboolean
iterate_until (Condition condition,
               gpointer  user_data)
{
  return mg_test_iterate_until (condition, user_data, 30);
}

static gboolean
annotations_loaded (gpointer user_data)
{
  return mg_window_get_annotations (user_data) != NULL;
}

static gboolean
window_settled (gpointer user_data)
{
  GtkWidget    *window = user_data;
  MgReaderView *reader = MG_READER_VIEW (mg_window_get_text_view (user_data));

  return gtk_widget_get_width (window) >= 1200 && gtk_widget_get_mapped (GTK_WIDGET (reader)) && mg_reader_view_get_pending_chunks (reader) == 0;
}

static MgWindow *
new_window (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  MgWindow *window = mg_window_new (GTK_APPLICATION (app));

  gtk_window_set_default_size (GTK_WINDOW (window), 1300, 800);
  gtk_window_present (GTK_WINDOW (window));
  mg_window_set_document (window, document);
  g_assert_true (iterate_until (annotations_loaded, window));
  /* The text laid out at the window's size, before points in it are
   * computed. */
  g_assert_true (iterate_until (window_settled, window));
  /* From the top, whatever reading position an earlier test left. */
  gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (mg_window_get_text_view (window))), 0);
  mg_test_wait_frames (GTK_WIDGET (window), 3);

  return window;
}

/* Close saves in the background and the window goes when that is done:
 * wait for it, so that no store of this test is at work in the next. */
static void
wait_until_gone (GtkWindow *window)
{
  mg_test_iterate_until (mg_test_window_gone, window, 30);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static void
close_window (MgWindow *window)
{
  GtkWindow *toplevel = GTK_WINDOW (window);

  mg_annotation_list_remove_all (mg_window_get_annotations (window));
  /* The window may be gone at once: no cast after this. */
  gtk_window_close (toplevel);
  wait_until_gone (toplevel);
}

static guint
find_offset (MgWindow   *window,
             const char *needle)
{
  const char *text = mg_document_get_text (mg_window_get_document (window));
  const char *hit = strstr (text, needle);

  g_assert_nonnull (hit);

  return g_utf8_pointer_to_offset (text, hit);
}

/* Pointer and keys ------------------------------------------------------- */

static void
run_for_ms (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (2000);
    }
}

/* Runs xdotool with @args, then lets GTK handle the events it sent. */
static void
xdotool (const char *args)
{
  g_autofree char *command = g_strconcat ("xdotool ", args, NULL);
  g_autoptr (GError) error = NULL;
  int status = 0;

  gdk_display_flush (gdk_display_get_default ());
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  run_for_ms (150);
}

static gboolean
have_xdotool (void)
{
  g_autofree char *path = g_find_program_in_path ("xdotool");

#ifdef GDK_WINDOWING_X11
  if (path != NULL && GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    return TRUE;
#endif

  g_test_skip ("needs xdotool and an X display to send real pointer and key events");

  return FALSE;
}

/* "--window XID X Y" for a point of @widget. */
static char *
window_point (GtkWidget *widget,
              double     x,
              double     y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  double     nx, ny, tx, ty;
  gulong     xid = 0;

  g_assert_true (gtk_widget_translate_coordinates (widget, GTK_WIDGET (native), x, y, &nx, &ny));
  gtk_native_get_surface_transform (native, &tx, &ty);
#ifdef GDK_WINDOWING_X11
  xid = gdk_x11_surface_get_xid (gtk_native_get_surface (native));
#endif

  return g_strdup_printf ("--window %lu %d %d", xid, (int) (nx + tx), (int) (ny + ty));
}

static void
pointer_move (GtkWidget *widget,
              double     x,
              double     y)
{
  g_autofree char *point = window_point (widget, x, y);
  g_autofree char *args = g_strdup_printf ("mousemove %s", point);

  xdotool (args);
}

static void
pointer_click (GtkWidget *widget,
               double     x,
               double     y,
               guint      button)
{
  g_autofree char *args = g_strdup_printf ("click %u", button);

  pointer_move (widget, x, y);
  xdotool (args);
}

/* Drags the pointer with the first button from one point of @widget to
 * another, in steps, as a hand does. */
static void
pointer_drag (GtkWidget *widget,
              double     x1,
              double     y1,
              double     x2,
              double     y2)
{
  pointer_move (widget, x1, y1);
  xdotool ("mousedown 1");
  for (guint i = 1; i <= 4; i++)
    pointer_move (widget, x1 + (x2 - x1) * i / 4, y1 + (y2 - y1) * i / 4);
  /* A hand rests a moment at the end before letting go. */
  pointer_move (widget, x2 + 1, y2);
  pointer_move (widget, x2, y2);
  run_for_ms (200);
  xdotool ("mouseup 1");
}

/* Where the code point at @offset is drawn, in @view's coordinates: its
 * middle, or its left or right edge. */
static void
offset_point (GtkTextView *view,
              guint        offset,
              double       where,
              double      *x,
              double      *y)
{
  GtkTextIter  iter;
  GdkRectangle rect;
  int          wx, wy;

  gtk_text_buffer_get_iter_at_offset (gtk_text_view_get_buffer (view), &iter, offset);
  gtk_text_view_get_iter_location (view, &iter, &rect);
  gtk_text_view_buffer_to_window_coords (view, GTK_TEXT_WINDOW_WIDGET, rect.x, rect.y, &wx, &wy);
  *x = wx + rect.width * where;
  *y = wy + rect.height / 2.0;
}

typedef gboolean (*WidgetMatch) (GtkWidget  *widget,
                                 const char *data);

/* The first widget under @root, @root and popovers included, that @match
 * takes. */
static GtkWidget *
find_widget (GtkWidget  *root,
             WidgetMatch match,
             const char *data)
{
  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
is_action_button (GtkWidget  *widget,
                  const char *action)
{
  return GTK_IS_ACTIONABLE (widget) && gtk_widget_get_mapped (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

/* The first shown button for @action under @root. */
static GtkWidget *
find_action_button (GtkWidget  *root,
                    const char *action)
{
  return find_widget (root, is_action_button, action);
}

static gboolean
widget_visible (gpointer user_data)
{
  return gtk_widget_get_visible (user_data);
}

static gboolean
selection_popover_shown (gpointer user_data)
{
  return find_action_button (user_data, "win.add-note") != NULL;
}

/* What is shown ----------------------------------------------------------- */

/* Whether the widget has something to paint: GTK paints nothing, and
 * warns, for a widget that lost its allocation. */
static gboolean
paints_something (GtkWidget *widget)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;

  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  node = gtk_snapshot_to_node (snapshot);

  return node != NULL;
}

/* Item 1 of issue 11: after Add Note opened the note editor, the reader
 * painted nothing until the window was resized (GTK: "Trying to snapshot
 * MgReaderView without a current allocation"). As a user does it: drag
 * over a passage, then Add Note in the popover that appears. */
static void
test_add_note_keeps_text (void)
{
  MgWindow    *window;
  GtkTextView *view;
  GtkWidget   *editor, *add_note;
  guint        start;
  double       x1, y1, x2, y2;

  if (!have_xdotool ())
    return;

  window = new_window ();
  view = mg_window_get_text_view (window);
  editor = mg_window_get_editor (window);
  start = find_offset (window, "double standard");

  offset_point (view, start, 0.0, &x1, &y1);
  offset_point (view, start + 15, 0.0, &x2, &y2);
  pointer_drag (GTK_WIDGET (view), x1, y1, x2, y2);
  mg_test_wait_frames (GTK_WIDGET (window), 2);

  g_assert_true (iterate_until (selection_popover_shown, window));
  add_note = find_action_button (GTK_WIDGET (window), "win.add-note");
  pointer_click (add_note, gtk_widget_get_width (add_note) / 2.0, gtk_widget_get_height (add_note) / 2.0, 1);
  g_assert_true (iterate_until (widget_visible, editor));
  mg_test_wait_frames (GTK_WIDGET (window), 6);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (window))), ==, 1);
  g_assert_true (paints_something (GTK_WIDGET (view)));

  /* Done, then a scroll: still there. */
  xdotool ("key Escape");
  mg_test_wait_frames (GTK_WIDGET (window), 3);
  g_assert_false (gtk_widget_get_visible (editor));
  gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)), 200);
  mg_test_wait_frames (GTK_WIDGET (window), 3);
  g_assert_true (paints_something (GTK_WIDGET (view)));

  close_window (window);
}

static char *
selected_text (GtkTextView *view)
{
  GtkTextIter start, end;

  if (!gtk_text_buffer_get_selection_bounds (gtk_text_view_get_buffer (view), &start, &end))
    return g_strdup ("");

  return gtk_text_iter_get_text (&start, &end);
}

/* Drags from the code point at @from to the one at @to (each time to
 * the gap just before it) and returns what ends up selected. */
static char *
drag_select (MgWindow *window,
             guint     from,
             guint     to)
{
  GtkTextView *view = mg_window_get_text_view (window);
  double       x1, y1, x2, y2;

  offset_point (view, from, 0.2, &x1, &y1);
  offset_point (view, to, 0.2, &x2, &y2);
  pointer_drag (GTK_WIDGET (view), x1, y1, x2, y2);
  mg_test_wait_frames (GTK_WIDGET (window), 2);
  xdotool ("key Escape");
  mg_test_wait_frames (GTK_WIDGET (window), 1);

  return selected_text (view);
}

/* Whether six characters are selected: the keys below have all come. */
static gboolean
six_selected (gpointer user_data)
{
  g_autofree char *text = selected_text (user_data);

  return g_utf8_strlen (text, -1) == 6;
}

/* Item 3 of issue 11: a drag that starts or ends in the middle of a word
 * takes the whole word; one inside a word, or a selection made with the
 * keyboard, stays as made. */
static void
test_selection_snaps_to_words (void)
{
  MgWindow    *window;
  GtkTextView *view;
  guint        google, deepmind, level, international;
  char        *text;

  if (!have_xdotool ())
    return;

  window = new_window ();
  view = mg_window_get_text_view (window);
  google = find_offset (window, "Google DeepMind");
  deepmind = google + strlen ("Google ");
  level = find_offset (window, "controversial restriction");
  international = find_offset (window, "international deployment");

  /* Ends in a word ("Google DeepMin"): the word is taken whole. */
  text = drag_select (window, google, deepmind + 7);
  g_assert_cmpstr (text, ==, "Google DeepMind");
  g_free (text);

  /* Starts in a word, and is dragged backwards. */
  text = drag_select (window, level + strlen ("controversial restriction"), level + 2);
  g_assert_cmpstr (text, ==, "controversial restriction");
  g_free (text);

  /* Ends between words: nothing added. */
  text = drag_select (window, google, deepmind);
  g_assert_cmpstr (text, ==, "Google ");
  g_free (text);

  /* Inside one word: part of a word was meant. */
  text = drag_select (window, international + 2, international + 6);
  g_assert_cmpstr (text, ==, "tern");
  g_free (text);

  /* With the keyboard (caret browsing), from the middle of a word to the
   * middle of the next: kept to the letter. */
  {
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
    GtkTextIter    iter;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.caret-browsing", NULL));
    gtk_text_buffer_get_iter_at_offset (buffer, &iter, google + 3);
    gtk_text_buffer_place_cursor (buffer, &iter);
    gtk_widget_grab_focus (GTK_WIDGET (view));
    mg_test_wait_frames (GTK_WIDGET (window), 1);
    xdotool ("key shift+Right shift+Right shift+Right shift+Right shift+Right shift+Right");
    /* The keys come through the X server: a frame was not always enough. */
    iterate_until (six_selected, view);
    text = selected_text (view);
    g_assert_cmpstr (text, ==, "gle De");
    g_free (text);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.caret-browsing", NULL));
  }

  close_window (window);
}

static gboolean
is_shown_popover_menu (GtkWidget  *widget,
                       const char *unused)
{
  return GTK_IS_POPOVER_MENU (widget) && gtk_widget_get_mapped (widget);
}

/* The shown popover menu under @root, if any. */
static GtkPopoverMenu *
find_popover_menu (GtkWidget *root)
{
  return (GtkPopoverMenu *) find_widget (root, is_shown_popover_menu, NULL);
}

static gboolean
popover_menu_shown (gpointer user_data)
{
  return find_popover_menu (user_data) != NULL;
}

static gboolean
no_popover_menu (gpointer user_data)
{
  return find_popover_menu (user_data) == NULL;
}

static gboolean
has_annotations (gpointer user_data)
{
  return g_list_model_get_n_items (G_LIST_MODEL (mg_window_get_annotations (user_data))) > 0;
}

/* The actions of a menu model and its sections, as "action" or
 * "action::target", one per line. */
static void
collect_actions (GMenuModel *model,
                 GString    *out)
{
  for (int i = 0; i < g_menu_model_get_n_items (model); i++)
    {
      g_autoptr (GMenuModel) section = g_menu_model_get_item_link (model, i, G_MENU_LINK_SECTION);
      g_autofree char *action = NULL;
      g_autofree char *target = NULL;

      if (section != NULL)
        {
          collect_actions (section, out);
          continue;
        }
      g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_ACTION, "s", &action);
      g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_TARGET, "s", &target);
      g_string_append_printf (out, "%s%s%s\n", action, target ? "::" : "", target ? target : "");
    }
}

static gboolean
is_menu_item (GtkWidget  *widget,
              const char *label)
{
  g_autofree char *text = NULL;

  if (!g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkModelButton") || !gtk_widget_get_mapped (widget))
    return FALSE;

  g_object_get (widget, "text", &text, NULL);

  return g_strcmp0 (text, label) == 0;
}

static char *
shown_menu_actions (MgWindow *window)
{
  GString *actions = g_string_new (NULL);

  g_assert_true (iterate_until (popover_menu_shown, window));
  /* Placed on screen, ready for the pointer. */
  mg_test_wait_frames (GTK_WIDGET (window), 2);
  run_for_ms (200);
  collect_actions (gtk_popover_menu_get_menu_model (find_popover_menu (GTK_WIDGET (window))), actions);

  return g_string_free (actions, FALSE);
}

static char *
open_context_menu_at (MgWindow *window,
                      guint     offset)
{
  GtkTextView *view = mg_window_get_text_view (window);
  double       x, y;

  offset_point (view, offset, 0.5, &x, &y);
  /* A hand comes from somewhere: the pointer moves onto the text first. */
  pointer_move (GTK_WIDGET (view), x + 40, y + 40);
  pointer_click (GTK_WIDGET (view), x, y, 3);

  return shown_menu_actions (window);
}

/* Item 5 of issue 11: the right-click menu of the text offers what a
 * reader does (highlight in a colour, add a note, copy, copy as Markdown,
 * select all), not GtkTextView's editing items, greyed out in a text that
 * cannot be edited. By the mouse and by the keyboard. */
static void
test_context_menu (void)
{
  MgWindow      *window;
  GtkTextView   *view;
  GtkTextBuffer *buffer;
  GtkTextIter    s, e;
  guint          start;
  char          *actions;
  GtkWidget     *item;
  MgAnnotation  *annotation;

  if (!have_xdotool ())
    return;

  window = new_window ();
  view = mg_window_get_text_view (window);
  buffer = gtk_text_view_get_buffer (view);
  start = find_offset (window, "double standard");

  /* On a selection: highlight in each colour, note, copy (also with a
   * citation), select all. */
  gtk_text_buffer_get_iter_at_offset (buffer, &s, start);
  gtk_text_buffer_get_iter_at_offset (buffer, &e, start + 15);
  gtk_text_buffer_select_range (buffer, &s, &e);
  actions = open_context_menu_at (window, start + 5);
  g_assert_cmpstr (actions, ==,
                   "win.highlight-with::yellow\n"
                   "win.highlight-with::green\n"
                   "win.highlight-with::blue\n"
                   "win.highlight-with::pink\n"
                   "win.highlight-with::purple\n"
                   "win.highlight-with::orange\n"
                   "win.add-note\n"
                   "clipboard.copy\n"
                   "win.copy-citation\n"
                   "selection.select-all\n");
  g_free (actions);

  /* A colour, chosen with the pointer, highlights the selection. */
  item = find_widget (GTK_WIDGET (window), is_menu_item, "Green");
  g_assert_nonnull (item);
  pointer_click (item, gtk_widget_get_width (item) / 2.0, gtk_widget_get_height (item) / 2.0, 1);
  g_assert_true (iterate_until (has_annotations, window));
  annotation = g_list_model_get_item (G_LIST_MODEL (mg_window_get_annotations (window)), 0);
  g_assert_cmpint (mg_annotation_get_color (annotation), ==, MG_COLOR_GREEN);
  g_assert_cmpstr (mg_annotation_get_exact (annotation), ==, "double standard");
  g_assert_true (iterate_until (no_popover_menu, window));
  /* The closing menu lets go of the pointer. */
  run_for_ms (500);

  /* On a highlight, without a selection: its note, and it as Markdown. */
  actions = open_context_menu_at (window, start + 5);
  g_assert_false (gtk_text_buffer_get_has_selection (buffer));
  {
    g_autofree char *expected = g_strdup_printf ("win.add-note\n"
                                                 "win.copy-annotation-markdown::%s\n"
                                                 "selection.select-all\n",
                                                 mg_annotation_get_id (annotation));

    g_assert_cmpstr (actions, ==, expected);
  }
  g_free (actions);
  xdotool ("key Escape");
  g_object_unref (annotation);

  /* Elsewhere: all highlights as Markdown, and select all. */
  actions = open_context_menu_at (window, find_offset (window, "Cognitia"));
  g_assert_cmpstr (actions, ==, "win.copy-markdown\nselection.select-all\n");
  g_free (actions);
  xdotool ("key Escape");
  mg_test_wait_frames (GTK_WIDGET (window), 2);

  /* From the keyboard, the same menu, not GtkTextView's. */
  gtk_widget_grab_focus (GTK_WIDGET (view));
  gtk_text_buffer_select_range (buffer, &s, &e);
  gtk_text_buffer_get_iter_at_offset (buffer, &s, start);
  gtk_text_buffer_get_iter_at_offset (buffer, &e, start + 6);
  gtk_text_buffer_select_range (buffer, &s, &e);
  mg_test_wait_frames (GTK_WIDGET (window), 1);
  xdotool ("key shift+F10");
  g_assert_true (iterate_until (popover_menu_shown, window));
  actions = shown_menu_actions (window);
  g_assert_nonnull (strstr (actions, "win.highlight-with::yellow\n"));
  g_assert_null (strstr (actions, "clipboard.cut"));
  g_assert_null (strstr (actions, "clipboard.paste"));
  g_free (actions);
  xdotool ("key Escape");

  /* The text is still painted. */
  mg_test_wait_frames (GTK_WIDGET (window), 2);
  g_assert_true (paints_something (GTK_WIDGET (view)));

  close_window (window);
}

/* The view as it is drawn, in pixels. */
static GdkTexture *
render_widget (GtkWidget *widget)
{
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr (GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr (GskRenderNode) node = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int          width = gtk_widget_get_width (widget);
  int          height = gtk_widget_get_height (widget);
  GdkTexture  *texture;

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  g_assert_true (gsk_renderer_realize (renderer, NULL, NULL));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);

  return texture;
}

/* The colour drawn behind the code point at @offset, a space (no ink). */
static void
background_at (GtkTextView *view,
               GdkTexture  *texture,
               guint        offset,
               guint8       rgb[3])
{
  int                 width = gdk_texture_get_width (texture);
  int                 height = gdk_texture_get_height (texture);
  g_autofree guint32 *pixels = g_new (guint32, (gsize) width * height);
  double              x, y;
  guint32             pixel;

  offset_point (view, offset, 0.5, &x, &y);
  gdk_texture_download (texture, (guchar *) pixels, width * 4);
  pixel = pixels[(int) y * width + (int) x];
  rgb[0] = (pixel >> 16) & 0xff;
  rgb[1] = (pixel >> 8) & 0xff;
  rgb[2] = pixel & 0xff;
}

static double
distance (const guint8 a[3],
          const guint8 b[3])
{
  double d = 0;

  for (guint i = 0; i < 3; i++)
    d += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);

  return sqrt (d);
}

/* Item 6 of issue 11: a selection is not mistaken for a blue highlight,
 * in light, dark and sepia. */
static void
test_selection_distinct (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  MgWindow      *window = new_window ();
  GtkTextView   *view = mg_window_get_text_view (window);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  guint          blue = find_offset (window, "global artificial intelligence");
  guint          selected = find_offset (window, "Commerce Department");
  GtkTextIter    s, e;
  const char    *schemes[] = { "light", "dark", "sepia" };

  gtk_text_buffer_get_iter_at_offset (buffer, &s, blue);
  gtk_text_buffer_get_iter_at_offset (buffer, &e, blue + strlen ("global artificial intelligence"));
  gtk_text_buffer_select_range (buffer, &s, &e);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight-with", "s", "blue"));
  gtk_text_buffer_get_iter_at_offset (buffer, &s, selected);
  gtk_text_buffer_get_iter_at_offset (buffer, &e, selected + strlen ("Commerce Department"));
  gtk_text_buffer_select_range (buffer, &s, &e);
  gtk_widget_grab_focus (GTK_WIDGET (view));

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    {
      g_autoptr (GdkTexture) texture = NULL;
      guint8 under_selection[3], under_blue[3], paper[3];

      g_settings_set_string (settings, "color-scheme", schemes[i]);
      gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)), 0);
      /* Selected again for each style: an earlier test's pointer, still
       * over the text, may have moved the selection meanwhile. */
      gtk_text_buffer_get_iter_at_offset (buffer, &s, selected);
      gtk_text_buffer_get_iter_at_offset (buffer, &e, selected + strlen ("Commerce Department"));
      gtk_text_buffer_select_range (buffer, &s, &e);
      gtk_widget_grab_focus (GTK_WIDGET (view));
      mg_test_wait_frames (GTK_WIDGET (window), 4);
      g_assert_true (gtk_text_buffer_get_selection_bounds (buffer, &s, &e));
      g_assert_cmpuint (gtk_text_iter_get_offset (&s), ==, selected);

      /* A style change reaches the text over a few frames on a busy
       * machine: sample until the selection shows, for at most a second. */
      for (guint tries = 0; tries < 60; tries++)
        {
          g_clear_object (&texture);
          texture = render_widget (GTK_WIDGET (view));
          /* The spaces in "Commerce Department" and "global artificial". */
          background_at (view, texture, selected + strlen ("Commerce"), under_selection);
          background_at (view, texture, blue + strlen ("global"), under_blue);
          background_at (view, texture, find_offset (window, "Cognitia") - 1, paper);
          if (distance (under_selection, under_blue) > 100 && distance (under_selection, paper) > 100)
            break;
          mg_test_wait_frames (GTK_WIDGET (window), 1);
        }
      g_test_message ("active %d, focus %d", gtk_window_is_active (GTK_WINDOW (window)), gtk_widget_has_focus (GTK_WIDGET (view)));
      g_test_message ("%s: selection #%02x%02x%02x, blue #%02x%02x%02x, paper #%02x%02x%02x", schemes[i],
                      under_selection[0], under_selection[1], under_selection[2],
                      under_blue[0], under_blue[1], under_blue[2], paper[0], paper[1], paper[2]);
      g_assert_cmpfloat (distance (under_selection, under_blue), >, 100);
      g_assert_cmpfloat (distance (under_selection, paper), >, 100);
      g_assert_cmpfloat (distance (under_blue, paper), >, 15);
    }

  g_settings_reset (settings, "color-scheme");
  close_window (window);
}

static gboolean
is_search_entry (GtkWidget  *widget,
                 const char *unused)
{
  return GTK_IS_SEARCH_ENTRY (widget);
}

/* Item 6 of issue 11: find matches and the current match are each
 * distinct from the selection, the blue highlight, the paper and each
 * other, in light, dark and sepia. */
static void
test_find_matches_distinct (void)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  MgWindow      *window = new_window ();
  GtkTextView   *view = mg_window_get_text_view (window);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
  guint          blue = find_offset (window, "global artificial intelligence");
  guint          selected = find_offset (window, "Commerce Department");
  GtkTextIter    s, e;
  guint          current, other;
  int            index;
  const char    *schemes[] = { "light", "dark", "sepia" };

  gtk_text_buffer_get_iter_at_offset (buffer, &s, blue);
  gtk_text_buffer_get_iter_at_offset (buffer, &e, blue + strlen ("global artificial intelligence"));
  gtk_text_buffer_select_range (buffer, &s, &e);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.highlight-with", "s", "blue"));

  /* "the ": its first two matches are on the first line, one of them
   * current (the first after the caret). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL));
  gtk_editable_set_text (GTK_EDITABLE (find_widget (GTK_WIDGET (window->find_bar), is_search_entry, NULL)), "the ");
  for (guint tries = 0; tries < 200 && (mg_find_bar_get_n_matches (window->find_bar) < 2 || mg_find_bar_is_searching (window->find_bar)); tries++)
    mg_test_wait_frames (GTK_WIDGET (window), 1);
  g_assert_cmpuint (mg_find_bar_get_n_matches (window->find_bar), >=, 2);
  index = mg_find_bar_get_current (window->find_bar);
  g_assert_cmpint (index, >=, 0);
  g_assert_cmpint (index, <=, 1);
  g_assert_true (mg_find_bar_get_match (window->find_bar, index, &current, NULL));
  g_assert_true (mg_find_bar_get_match (window->find_bar, 1 - index, &other, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    {
      g_autoptr (GdkTexture) texture = NULL;
      guint8        under_selection[3], under_blue[3], paper[3], under_match[3], under_current[3];
      const guint8 *colors[] = { under_selection, under_blue, paper, under_match, under_current };
      const char   *names[] = { "selection", "blue highlight", "paper", "find match", "current find match" };

      g_settings_set_string (settings, "color-scheme", schemes[i]);
      gtk_text_buffer_get_iter_at_offset (buffer, &s, selected);
      gtk_text_buffer_get_iter_at_offset (buffer, &e, selected + strlen ("Commerce Department"));
      gtk_text_buffer_select_range (buffer, &s, &e);
      gtk_adjustment_set_value (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view)), 0);
      gtk_widget_grab_focus (GTK_WIDGET (view));

      for (guint tries = 0; tries < 60; tries++)
        {
          mg_test_wait_frames (GTK_WIDGET (window), 2);
          g_clear_object (&texture);
          texture = render_widget (GTK_WIDGET (view));
          /* Spaces: no ink over the background. */
          background_at (view, texture, selected + strlen ("Commerce"), under_selection);
          background_at (view, texture, blue + strlen ("global"), under_blue);
          background_at (view, texture, find_offset (window, "Cognitia") - 1, paper);
          background_at (view, texture, other + 3, under_match);
          background_at (view, texture, current + 3, under_current);
          if (distance (under_selection, paper) > 100)
            break;
        }

      for (guint a = 0; a < G_N_ELEMENTS (colors); a++)
        for (guint b = a + 1; b < G_N_ELEMENTS (colors); b++)
          {
            g_test_message ("%s: %s #%02x%02x%02x, %s #%02x%02x%02x: %.0f", schemes[i],
                            names[a], colors[a][0], colors[a][1], colors[a][2],
                            names[b], colors[b][0], colors[b][1], colors[b][2], distance (colors[a], colors[b]));
            g_assert_cmpfloat (distance (colors[a], colors[b]), >, 40);
          }
    }

  g_settings_reset (settings, "color-scheme");
  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mg_test_isolate_user_dirs ("test-reader-view");

  gtk_test_init (&argc, &argv, NULL);

  app = mg_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, NULL);
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/reader-view/add-note/text-still-painted", test_add_note_keeps_text);
  g_test_add_func ("/reader-view/selection/snaps-to-words", test_selection_snaps_to_words);
  g_test_add_func ("/reader-view/context-menu/reader-items", test_context_menu);
  g_test_add_func ("/reader-view/selection/distinct-from-blue", test_selection_distinct);
  g_test_add_func ("/reader-view/find/distinct-from-selection-and-blue", test_find_matches_distinct);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  mg_test_remove_user_dirs ();

  return status;
}
