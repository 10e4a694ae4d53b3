/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "mg-annotation-list.h"
#include "mg-color-selector.h"
#include "mg-document-loader.h"
#include "mg-document.h"
#include "mg-note-markup.h"
#include "mg-sidebar.h"
#include "mg-test-ui.h"
#include "mg-test-utils.h"
#include "mg-wrap-bin.h"

/* These tests show the sidebar in a real window (under Xvfb in CI), act on
 * it as a user would (its actions, its buttons, its list) and assert on
 * what it shows. */

#define TEXT                                  \
  "Alpha passage about cafés and tea.\n"     \
  "Bravo passage on sailing boats.\n"         \
  "Charlie passage with the numbers 1 2 3.\n" \
  "Delta passage, the last one of all.\n"

typedef struct
{
  GtkWidget        *window;
  MgSidebar        *sidebar;
  MgDocument       *document;
  MgAnnotationList *list;
} Fixture;

/* Runs the main loop for a moment: long enough for a frame, so that the
 * list views create and bind their rows. */
static void
pump (void)
{
  gint64 end = g_get_monotonic_time () + 30 * 1000;

  while (g_main_context_iteration (NULL, FALSE) || g_get_monotonic_time () < end)
    ;
}

static void
fixture_setup (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GBytes) bytes = g_bytes_new_static (TEXT, strlen (TEXT));
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (GError) error = NULL;

  /* The memory backend keeps values for the whole run. */
  g_settings_reset (settings, "sidebar-sort");

  f->document = mg_document_loader_load_bytes (bytes, "file:///tmp/test.txt", "Test", MG_DOCUMENT_FORMAT_TEXT, &error);
  g_assert_no_error (error);
  f->list = mg_annotation_list_new ();

  f->sidebar = mg_sidebar_new ();
  mg_sidebar_set_annotations (f->sidebar, f->list);

  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 360, 900);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->sidebar));
  gtk_window_present (GTK_WINDOW (f->window));
  pump ();
}

static void
fixture_teardown (Fixture      *f,
                  gconstpointer data)
{
  MgAnnotationList *list = f->list;

  /* Nothing keeps the sidebar, nor the list through it. */
  g_object_add_weak_pointer (G_OBJECT (f->sidebar), (gpointer *) &f->sidebar);
  gtk_window_destroy (GTK_WINDOW (f->window));
  pump ();
  g_assert_null (f->sidebar);

  g_object_add_weak_pointer (G_OBJECT (list), (gpointer *) &list);
  g_clear_object (&f->list);
  g_assert_null (list);
  g_clear_object (&f->document);
}

/* The code point offset of @needle in the test text. */
static guint
offset_of (const char *needle)
{
  const char *found = strstr (TEXT, needle);

  g_assert_nonnull (found);

  return g_utf8_pointer_to_offset (TEXT, found);
}

/* Highlights @needle and adds it to the list; the list keeps it. */
static MgAnnotation *
add (Fixture    *f,
     const char *needle,
     MgColor     color)
{
  guint start = offset_of (needle);
  g_autoptr (MgAnnotation) annotation = NULL;

  annotation = mg_annotation_new_for_range (f->document, start, start + g_utf8_strlen (needle, -1), color);
  mg_annotation_list_add (f->list, annotation);

  return annotation;
}

/* Like add(), made at @created (seconds since the epoch). */
static MgAnnotation *
add_at (Fixture    *f,
        const char *needle,
        gint64      created)
{
  g_autoptr (GDateTime) date = g_date_time_new_from_unix_utc (created);
  g_autoptr (MgAnnotation) annotation = g_object_new (MG_TYPE_ANNOTATION, "created", date, NULL);
  guint start = offset_of (needle);

  mg_annotation_set_target (annotation, f->document, start, start + g_utf8_strlen (needle, -1));
  mg_annotation_list_add (f->list, annotation);

  return annotation;
}

static void
set_tags (MgAnnotation *annotation,
          const char   *tags)
{
  g_auto (GStrv) strv = g_strsplit (tags, ",", -1);

  mg_annotation_set_tags (annotation, (const char *const *) strv);
}

static guint
n_visible (Fixture *f)
{
  return g_list_model_get_n_items (mg_sidebar_get_visible_model (f->sidebar));
}

static MgAnnotation *
visible_item (Fixture *f,
              guint    position)
{
  g_autoptr (MgAnnotation) item = g_list_model_get_item (mg_sidebar_get_visible_model (f->sidebar), position);

  return item;
}

typedef gboolean (*WidgetMatch) (GtkWidget *widget,
                                 gpointer   data);

static GtkWidget *
find_widget (GtkWidget  *root,
             WidgetMatch match,
             gpointer    data)
{
  GtkWidget *child;

  if (match (root, data))
    return root;

  for (child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
match_css_class (GtkWidget *widget,
                 gpointer   data)
{
  return gtk_widget_has_css_class (widget, data);
}

static gboolean
match_type (GtkWidget *widget,
            gpointer   data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

static gboolean
match_label_prefix (GtkWidget *widget,
                    gpointer   data)
{
  const char *label;

  if (!GTK_IS_BUTTON (widget))
    return FALSE;

  label = gtk_button_get_label (GTK_BUTTON (widget));

  return label != NULL && g_str_has_prefix (label, data);
}

static gboolean
orphans_revealed (GtkWidget *orphans_button)
{
  GtkWidget *revealer = gtk_widget_get_ancestor (orphans_button, GTK_TYPE_REVEALER);

  return gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
}

static gboolean
match_shown_list (GtkWidget *widget,
                  gpointer   data)
{
  return GTK_IS_LIST_VIEW (widget) && G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (widget))) == data;
}

/* The list view of the page shown. */
static GtkListView *
shown_list_view (Fixture *f)
{
  GtkWidget *view = find_widget (GTK_WIDGET (f->sidebar), match_shown_list,
                                 mg_sidebar_get_visible_model (f->sidebar));

  g_assert_nonnull (view);

  return GTK_LIST_VIEW (view);
}

/* Waits until the row of @annotation exists (rows are made on layout). */
static MgAnnotationRow *
wait_for_row (Fixture      *f,
              MgAnnotation *annotation)
{
  gint64           deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC; /* sanitizer builds are slow */
  MgAnnotationRow *row;

  while ((row = mg_sidebar_find_row (f->sidebar, annotation)) == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);

  g_assert_nonnull (row);

  return row;
}

static GtkGesture *
find_click_gesture (GtkWidget *widget)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);
  guint i, n = g_list_model_get_n_items (controllers);

  for (i = 0; i < n; i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller))
        return GTK_GESTURE (controller);
    }

  g_assert_not_reached ();
}

/* The shortcut of @widget that @keyval triggers (its controller keeps it). */
static GtkShortcut *
find_shortcut (GtkWidget *widget,
               guint      keyval)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);
  guint i, j;

  for (i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;

      for (j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          g_autofree char    *label = gtk_shortcut_trigger_to_string (trigger);

          if (strstr (label, gdk_keyval_name (keyval)) != NULL)
            return shortcut;
        }
    }

  g_assert_not_reached ();
}

static void
record_annotation (MgSidebar    *sidebar,
                   MgAnnotation *annotation,
                   gpointer      user_data)
{
  MgAnnotation **out = user_data;

  g_set_object (out, annotation);
}

/* A label showing @text under @widget, on screen. */
static GtkWidget *
find_drawable_label (GtkWidget  *widget,
                     const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0 && gtk_widget_is_drawable (widget))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_drawable_label (child, text);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* Tests */

static void
test_empty_state (Fixture      *f,
                  gconstpointer data)
{
  int empty_min, empty_nat, list_min, list_nat;

  g_assert_cmpstr (mg_sidebar_get_view (f->sidebar), ==, "empty");
  g_assert_cmpuint (n_visible (f), ==, 0);
  g_assert_nonnull (find_drawable_label (GTK_WIDGET (f->sidebar), "No Highlights Yet"));
  g_assert_nonnull (find_drawable_label (GTK_WIDGET (f->sidebar), "Select a passage in the text, then choose a color or press Ctrl+H"));
  /* Only the page shown is measured (the stack is not homogeneous), yet
   * the sidebar keeps its width from one page to the other: the window's
   * flap gives it its minimum. */
  gtk_widget_measure (GTK_WIDGET (f->sidebar), GTK_ORIENTATION_HORIZONTAL, -1, &empty_min, &empty_nat, NULL, NULL);

  add (f, "Bravo passage", MG_COLOR_YELLOW);
  pump ();

  gtk_widget_measure (GTK_WIDGET (f->sidebar), GTK_ORIENTATION_HORIZONTAL, -1, &list_min, &list_nat, NULL, NULL);
  g_assert_cmpint (list_min, ==, empty_min);
  g_assert_cmpint (list_nat, <=, empty_nat);
  g_assert_null (find_drawable_label (GTK_WIDGET (f->sidebar), "No Highlights Yet"));
  g_assert_cmpstr (mg_sidebar_get_view (f->sidebar), ==, "highlights");
  g_assert_cmpuint (n_visible (f), ==, 1);
  g_assert_cmpstr (mg_sidebar_get_count_text (f->sidebar), ==, "1 highlight");

  mg_annotation_list_remove_all (f->list);
  pump ();
  g_assert_cmpstr (mg_sidebar_get_view (f->sidebar), ==, "empty");

  /* No document at all. */
  add (f, "Alpha", MG_COLOR_YELLOW);
  mg_sidebar_set_annotations (f->sidebar, NULL);
  g_assert_cmpstr (mg_sidebar_get_view (f->sidebar), ==, "empty");
}

static void
test_count (Fixture      *f,
            gconstpointer data)
{
  add (f, "Alpha passage", MG_COLOR_YELLOW);
  add (f, "Bravo passage", MG_COLOR_GREEN);
  add (f, "Charlie passage", MG_COLOR_YELLOW);
  pump ();

  g_assert_cmpstr (mg_sidebar_get_count_text (f->sidebar), ==, "3 highlights");
  g_assert_false (mg_sidebar_get_filtered (f->sidebar));

  mg_sidebar_set_search_text (f->sidebar, "bravo");
  g_assert_true (mg_sidebar_get_filtered (f->sidebar));
  g_assert_cmpstr (mg_sidebar_get_count_text (f->sidebar), ==, "1 of 3 highlights");

  /* The action behind the "Clear Filters" buttons. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->sidebar), "sidebar.clear-filters", NULL));
  g_assert_false (mg_sidebar_get_filtered (f->sidebar));
  g_assert_cmpstr (mg_sidebar_get_search_text (f->sidebar), ==, "");
  g_assert_cmpstr (mg_sidebar_get_count_text (f->sidebar), ==, "3 highlights");
}

/* The Clear Filters buttons shown. */
static guint
count_shown_clear_buttons (GtkWidget *root)
{
  guint n = 0;

  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return 0;
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), "_Clear Filters") == 0)
    n++;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    n += count_shown_clear_buttons (child);

  return n;
}

static void
test_search_passage (Fixture      *f,
                     gconstpointer data)
{
  MgAnnotation *bravo;
  GtkWidget    *entry;

  add (f, "Alpha passage about cafés", MG_COLOR_YELLOW);
  bravo = add (f, "Bravo passage on sailing", MG_COLOR_GREEN);
  add (f, "Charlie passage", MG_COLOR_BLUE);
  pump ();

  mg_sidebar_set_search_text (f->sidebar, "SAILING");
  g_assert_cmpuint (n_visible (f), ==, 1);
  g_assert_true (visible_item (f, 0) == bravo);

  /* Every word must match, in any order. */
  mg_sidebar_set_search_text (f->sidebar, "passage bravo");
  g_assert_cmpuint (n_visible (f), ==, 1);
  mg_sidebar_set_search_text (f->sidebar, "passage");
  g_assert_cmpuint (n_visible (f), ==, 3);
  mg_sidebar_set_search_text (f->sidebar, "bravo charlie");
  g_assert_cmpuint (n_visible (f), ==, 0);
  g_assert_cmpstr (mg_sidebar_get_view (f->sidebar), ==, "no-matches");
  /* One Clear Filters button, the page's. */
  pump ();
  g_assert_cmpuint (count_shown_clear_buttons (GTK_WIDGET (f->sidebar)), ==, 1);

  /* Accents and case do not matter. */
  mg_sidebar_set_search_text (f->sidebar, "CAFES");
  g_assert_cmpuint (n_visible (f), ==, 1);
  mg_sidebar_set_search_text (f->sidebar, "café");
  g_assert_cmpuint (n_visible (f), ==, 1);

  /* What the user types in the entry. */
  mg_sidebar_set_search_text (f->sidebar, "");
  entry = find_widget (GTK_WIDGET (f->sidebar), match_type, GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY));
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "charlie");
  g_signal_emit_by_name (entry, "search-changed");
  g_assert_cmpstr (mg_sidebar_get_search_text (f->sidebar), ==, "charlie");
  g_assert_cmpuint (n_visible (f), ==, 1);

  /* Escape in the entry clears the search. */
  g_signal_emit_by_name (entry, "stop-search");
  g_assert_cmpuint (n_visible (f), ==, 3);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
}

static void
test_search_note_and_tags (Fixture      *f,
                           gconstpointer data)
{
  MgAnnotation *alpha;
  MgAnnotation *charlie;

  alpha = add (f, "Alpha passage", MG_COLOR_YELLOW);
  add (f, "Bravo passage", MG_COLOR_GREEN);
  charlie = add (f, "Charlie passage", MG_COLOR_BLUE);
  mg_annotation_set_note (alpha, "Remember the Ostrom reference");
  set_tags (charlie, "methods,Fieldwork");
  pump ();

  mg_sidebar_set_search_text (f->sidebar, "ostrom");
  g_assert_cmpuint (n_visible (f), ==, 1);
  g_assert_true (visible_item (f, 0) == alpha);

  mg_sidebar_set_search_text (f->sidebar, "fieldwork");
  g_assert_cmpuint (n_visible (f), ==, 1);
  g_assert_true (visible_item (f, 0) == charlie);

  mg_sidebar_set_search_text (f->sidebar, "#methods");
  g_assert_cmpuint (n_visible (f), ==, 1);

  /* An edit while searching is searched again, not a stale copy. */
  mg_sidebar_set_search_text (f->sidebar, "kiwi");
  g_assert_cmpuint (n_visible (f), ==, 0);
  mg_annotation_set_note (charlie, "Kiwi farming");
  g_assert_cmpuint (n_visible (f), ==, 1);
  mg_annotation_set_note (charlie, "");
  g_assert_cmpuint (n_visible (f), ==, 0);

  /* The exporter asks the same question. */
  mg_sidebar_set_search_text (f->sidebar, "ostrom");
  g_assert_true (mg_sidebar_annotation_matches (f->sidebar, alpha));
  g_assert_false (mg_sidebar_annotation_matches (f->sidebar, charlie));
}

static void
test_filter_color (Fixture      *f,
                   gconstpointer data)
{
  GtkWidget *green;

  add (f, "Alpha passage", MG_COLOR_YELLOW);
  add (f, "Bravo passage", MG_COLOR_GREEN);
  add (f, "Charlie passage", MG_COLOR_YELLOW);
  add (f, "Delta passage", MG_COLOR_PURPLE);
  pump ();

  mg_sidebar_set_color_filter (f->sidebar, MG_SIDEBAR_COLOR_BIT (MG_COLOR_YELLOW));
  g_assert_cmpuint (n_visible (f), ==, 2);
  g_assert_cmpstr (mg_sidebar_get_count_text (f->sidebar), ==, "2 of 4 highlights");

  /* The user adds green with its chip. */
  green = find_widget (GTK_WIDGET (f->sidebar), match_css_class, (gpointer) "mg-color-green");
  g_assert_true (GTK_IS_TOGGLE_BUTTON (green));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (green)));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (green), TRUE);
  g_assert_cmpuint (mg_sidebar_get_color_filter (f->sidebar), ==,
                    MG_SIDEBAR_COLOR_BIT (MG_COLOR_YELLOW) | MG_SIDEBAR_COLOR_BIT (MG_COLOR_GREEN));
  g_assert_cmpuint (n_visible (f), ==, 3);

  mg_sidebar_set_color_filter (f->sidebar, MG_SIDEBAR_COLOR_BIT (MG_COLOR_BLUE));
  g_assert_cmpuint (n_visible (f), ==, 0);
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (green)));
  g_assert_cmpstr (mg_sidebar_get_view (f->sidebar), ==, "no-matches");

  mg_sidebar_set_color_filter (f->sidebar, 0);
  g_assert_cmpuint (n_visible (f), ==, 4);
  g_assert_cmpstr (mg_sidebar_get_view (f->sidebar), ==, "highlights");
}

static void
test_filter_tag (Fixture      *f,
                 gconstpointer data)
{
  MgAnnotation *alpha, *bravo, *charlie;
  g_auto (GStrv) tags = NULL;
  g_auto (GStrv) tags_after = NULL;
  GtkWidget  *dropdown;
  GListModel *choices;
  guint       i, n;

  alpha = add (f, "Alpha passage", MG_COLOR_YELLOW);
  bravo = add (f, "Bravo passage", MG_COLOR_GREEN);
  charlie = add (f, "Charlie passage", MG_COLOR_BLUE);
  set_tags (alpha, "zoology,methods");
  set_tags (bravo, "methods");
  pump ();

  /* The tags of the document, once each, sorted. */
  tags = mg_sidebar_dup_tags (f->sidebar);
  g_assert_cmpuint (g_strv_length (tags), ==, 2);
  g_assert_cmpstr (tags[0], ==, "methods");
  g_assert_cmpstr (tags[1], ==, "zoology");

  mg_sidebar_set_tag_filter (f->sidebar, "methods");
  g_assert_cmpuint (n_visible (f), ==, 2);
  mg_sidebar_set_tag_filter (f->sidebar, "zoology");
  g_assert_cmpuint (n_visible (f), ==, 1);
  g_assert_true (visible_item (f, 0) == alpha);

  /* Kept up to date as tags change. */
  set_tags (charlie, "archive");
  pump ();
  tags_after = mg_sidebar_dup_tags (f->sidebar);
  g_assert_cmpuint (g_strv_length (tags_after), ==, 3);
  g_assert_cmpstr (tags_after[0], ==, "archive");

  /* The user picks a tag in the drop-down. */
  dropdown = find_widget (GTK_WIDGET (f->sidebar), match_type, GSIZE_TO_POINTER (GTK_TYPE_DROP_DOWN));
  g_assert_nonnull (dropdown);
  g_assert_true (gtk_widget_get_visible (dropdown));
  choices = gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown));
  n = g_list_model_get_n_items (choices);
  for (i = 0; i < n; i++)
    if (g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (choices), i), "archive") == 0)
      break;
  g_assert_cmpuint (i, <, n);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), i);
  g_assert_cmpstr (mg_sidebar_get_tag_filter (f->sidebar), ==, "archive");
  g_assert_cmpuint (n_visible (f), ==, 1);
  g_assert_true (visible_item (f, 0) == charlie);

  /* "All Tags" */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 0);
  g_assert_null (mg_sidebar_get_tag_filter (f->sidebar));
  g_assert_cmpuint (n_visible (f), ==, 3);
}

static gboolean
match_label_text (GtkWidget *widget,
                  gpointer   data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), data) == 0;
}

/* A tag is shown whole in the drop-down's list, however narrow the
 * sidebar, and in its button as much as fits with the whole of it in a
 * tooltip. */
static void
test_filter_tag_width (Fixture      *f,
                       gconstpointer data)
{
  const char   *tag = "digital sovereignty";
  const char   *long_tag = "international cooperation and fair trade";
  MgAnnotation *alpha = add (f, "Alpha passage", MG_COLOR_YELLOW);
  MgAnnotation *bravo = add (f, "Bravo passage", MG_COLOR_GREEN);
  GtkWidget    *dropdown;
  GtkWidget    *popover;
  GtkWidget    *label;

  set_tags (alpha, "digital sovereignty,methods");
  set_tags (bravo, long_tag);
  pump ();
  mg_sidebar_set_tag_filter (f->sidebar, tag);
  pump ();

  dropdown = find_widget (GTK_WIDGET (f->sidebar), match_type, GSIZE_TO_POINTER (GTK_TYPE_DROP_DOWN));
  g_assert_nonnull (dropdown);
  g_assert_true (gtk_widget_activate (dropdown));
  popover = find_widget (dropdown, match_type, GSIZE_TO_POINTER (GTK_TYPE_POPOVER));
  g_assert_nonnull (popover);
  for (guint i = 0; i < 20 && !gtk_widget_get_mapped (popover); i++)
    pump ();
  g_assert_true (gtk_widget_get_mapped (popover));
  pump ();

  for (guint i = 0; i < 2; i++)
    {
      const char *shown = i == 0 ? tag : "methods";

      label = find_widget (popover, match_label_text, (gpointer) shown);
      g_assert_nonnull (label);
      if (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))))
        g_error ("“%s” is cut in the tag list", shown);
    }

  /* It opens towards the window, from the button at the sidebar's end. */
  g_assert_cmpint (gtk_widget_get_halign (popover), ==, GTK_ALIGN_END);

  /* Past 28 characters, cut in the middle, whole in a tooltip. */
  label = find_widget (popover, match_label_text, (gpointer) long_tag);
  g_assert_nonnull (label);
  g_assert_true (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
  g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (label)), ==, PANGO_ELLIPSIZE_MIDDLE);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (label), ==, long_tag);
  g_assert_cmpint (gtk_widget_get_width (label), >=, gtk_widget_get_width (find_widget (popover, match_label_text, (gpointer) tag)));

  gtk_popover_popdown (GTK_POPOVER (popover));
  pump ();

  /* The button stays narrow: the tag chosen is cut in its middle there,
   * and whole in its tooltip. */
  label = find_widget (gtk_widget_get_first_child (dropdown), match_label_text, (gpointer) tag);
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_is_ancestor (label, popover) == FALSE);
  g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (label)), ==, PANGO_ELLIPSIZE_MIDDLE);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (label), ==, tag);
}

/* The icon of the sidebar's sort button. */
static const char *
sort_button_icon (GtkWidget *root)
{
  if (GTK_IS_MENU_BUTTON (root) && g_str_has_prefix (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (root)) ?: "", "view-sort-"))
    return gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (root));

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      const char *icon = sort_button_icon (child);

      if (icon != NULL)
        return icon;
    }

  return NULL;
}

static void
test_sort_date (Fixture      *f,
                gconstpointer data)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  MgAnnotation *alpha, *bravo, *charlie;

  /* Made in another order than they appear in the text. */
  bravo = add_at (f, "Bravo passage", 1700000000);
  alpha = add_at (f, "Alpha passage", 1700000100);
  charlie = add_at (f, "Charlie passage", 1700000200);
  pump ();

  g_assert_cmpstr (mg_sidebar_get_sort_order (f->sidebar), ==, "position");
  g_assert_true (visible_item (f, 0) == alpha);
  g_assert_true (visible_item (f, 1) == bravo);
  g_assert_true (visible_item (f, 2) == charlie);
  /* The sort button shows the order. */
  g_assert_cmpstr (sort_button_icon (GTK_WIDGET (f->sidebar)), ==, "view-sort-ascending-symbolic");

  /* The sort menu's action; newest first, and remembered. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->sidebar), "sidebar.sort", "s", "date"));
  g_assert_cmpstr (mg_sidebar_get_sort_order (f->sidebar), ==, "date");
  g_assert_cmpstr (sort_button_icon (GTK_WIDGET (f->sidebar)), ==, "view-sort-descending-symbolic");
  {
    g_autofree char *stored = g_settings_get_string (settings, "sidebar-sort");

    g_assert_cmpstr (stored, ==, "date");
  }
  g_assert_true (visible_item (f, 0) == charlie);
  g_assert_true (visible_item (f, 1) == alpha);
  g_assert_true (visible_item (f, 2) == bravo);

  /* Filters and sorting together. */
  mg_sidebar_set_search_text (f->sidebar, "alpha");
  g_assert_cmpuint (n_visible (f), ==, 1);
  mg_sidebar_set_search_text (f->sidebar, NULL);
  g_assert_true (visible_item (f, 0) == charlie);

  /* The setting, changed elsewhere (another window). */
  g_settings_set_string (settings, "sidebar-sort", "position");
  g_assert_cmpstr (mg_sidebar_get_sort_order (f->sidebar), ==, "position");
  g_assert_true (visible_item (f, 0) == alpha);
}

static void
test_orphans (Fixture      *f,
              gconstpointer data)
{
  g_autoptr (MgAnnotation) requested = NULL;
  MgAnnotation    *bravo;
  GtkWidget       *orphans_button;
  MgAnnotationRow *row;

  add (f, "Alpha passage", MG_COLOR_YELLOW);
  bravo = add (f, "Bravo passage", MG_COLOR_GREEN);
  add (f, "Charlie passage", MG_COLOR_BLUE);
  pump ();

  orphans_button = find_widget (GTK_WIDGET (f->sidebar), match_label_prefix, (gpointer) "Not Found");
  g_assert_nonnull (orphans_button);
  g_assert_false (orphans_revealed (orphans_button));

  /* Anchoring did not find Bravo. */
  mg_annotation_set_anchor (bravo, MG_ANNOTATION_STATE_ORPHANED, 0, 0);
  pump ();

  g_assert_cmpuint (mg_sidebar_get_n_orphans (f->sidebar), ==, 1);
  g_assert_true (orphans_revealed (orphans_button));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (orphans_button)), ==, "Not Found (1)");
  g_assert_cmpstr (mg_sidebar_get_page (f->sidebar), ==, "highlights");
  g_assert_cmpuint (n_visible (f), ==, 2);
  g_assert_cmpstr (mg_sidebar_get_count_text (f->sidebar), ==, "2 highlights");

  /* Its own page. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (orphans_button), TRUE);
  g_assert_cmpstr (mg_sidebar_get_page (f->sidebar), ==, "orphans");
  g_assert_cmpstr (mg_sidebar_get_view (f->sidebar), ==, "orphans");
  g_assert_cmpuint (n_visible (f), ==, 1);
  g_assert_true (visible_item (f, 0) == bravo);
  g_assert_cmpstr (mg_sidebar_get_count_text (f->sidebar), ==, "1 highlight");

  /* Its row offers its buttons, which name it. */
  row = wait_for_row (f, bravo);
  g_assert_cmpstr (mg_annotation_row_get_quote_text (row), ==, "Bravo passage");

  g_signal_connect (f->sidebar, "reattach-requested", G_CALLBACK (record_annotation), &requested);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->sidebar), "sidebar.reattach", "s",
                                             mg_annotation_get_id (bravo)));
  g_assert_true (requested == bravo);

  /* The window disables attaching while there is no selection. */
  g_clear_object (&requested);
  gtk_widget_action_set_enabled (GTK_WIDGET (f->sidebar), "sidebar.reattach", FALSE);
  gtk_widget_activate_action (GTK_WIDGET (f->sidebar), "sidebar.reattach", "s", mg_annotation_get_id (bravo));
  g_assert_null (requested);

  /* Attached again: back to the highlights. */
  mg_annotation_set_anchor (bravo, MG_ANNOTATION_STATE_ANCHORED, offset_of ("Bravo"), offset_of ("Bravo") + 5);
  pump ();
  g_assert_cmpuint (mg_sidebar_get_n_orphans (f->sidebar), ==, 0);
  g_assert_cmpstr (mg_sidebar_get_page (f->sidebar), ==, "highlights");
  g_assert_cmpuint (n_visible (f), ==, 3);
  g_assert_false (orphans_revealed (orphans_button));
}

static void
test_delete_action (Fixture      *f,
                    gconstpointer data)
{
  g_autoptr (MgAnnotation) requested = NULL;
  MgAnnotation *alpha;
  GtkShortcut  *shortcut;
  GtkListView  *view;

  alpha = add (f, "Alpha passage", MG_COLOR_YELLOW);
  pump ();

  g_signal_connect (f->sidebar, "delete-requested", G_CALLBACK (record_annotation), &requested);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->sidebar), "sidebar.delete", "s",
                                             mg_annotation_get_id (alpha)));
  g_assert_true (requested == alpha);

  /* An unknown id does nothing. */
  g_clear_object (&requested);
  gtk_widget_activate_action (GTK_WIDGET (f->sidebar), "sidebar.delete", "s", "urn:uuid:nothing");
  g_assert_null (requested);

  /* The Delete key in the list: nothing without a selection, else the
   * selected annotation. */
  view = shown_list_view (f);
  shortcut = find_shortcut (GTK_WIDGET (view), GDK_KEY_Delete);
  g_assert_false (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, GTK_WIDGET (view), NULL));
  g_assert_null (requested);
  mg_sidebar_select (f->sidebar, alpha);
  g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, GTK_WIDGET (view), NULL));
  g_assert_true (requested == alpha);
}

static void
test_row_updates (Fixture      *f,
                  gconstpointer data)
{
  MgAnnotation    *annotation;
  MgAnnotationRow *row;

  /* Across a line break, which the row shows as a space. */
  annotation = add (f, "tea.\nBravo", MG_COLOR_YELLOW);
  row = wait_for_row (f, annotation);

  g_assert_cmpstr (mg_annotation_row_get_quote_text (row), ==, "tea. Bravo");
  g_assert_null (mg_annotation_row_get_note_text (row));
  g_assert_cmpstr (mg_annotation_row_get_tags_text (row), ==, "");
  g_assert_cmpstr (mg_annotation_row_get_date_text (row), ==, "Just now");
  g_assert_false (mg_annotation_row_get_shows_moved (row));

  mg_annotation_set_note (annotation, "First line\nsecond line");
  pump ();
  row = wait_for_row (f, annotation);
  g_assert_cmpstr (mg_annotation_row_get_note_text (row), ==, "First line second line");

  /* Its Markdown shown, not as typed; a link is a link, with its URL. */
  mg_annotation_set_note (annotation, "**Key** claim, *see* [the rules](https://example.org/a?b=1&c=2) & `<code>`");
  pump ();
  row = wait_for_row (f, annotation);
  g_assert_cmpstr (mg_annotation_row_get_note_text (row), ==, "Key claim, see the rules & <code>");
  g_assert_cmpstr (mg_annotation_row_get_note_markup (row), ==,
                   "<b>Key</b> claim, <i>see</i> <a href=\"https://example.org/a?b=1&amp;c=2\" "
                   "title=\"https://example.org/a?b=1&amp;c=2\">the rules</a> &amp; <tt>&lt;code&gt;</tt>");

  set_tags (annotation, "one,two");
  pump ();
  row = wait_for_row (f, annotation);
  g_assert_cmpstr (mg_annotation_row_get_tags_text (row), ==, "#one  #two");

  /* Found elsewhere with the same words: no mark. */
  mg_annotation_set_anchor (annotation, MG_ANNOTATION_STATE_MOVED,
                            mg_annotation_get_range_start (annotation),
                            mg_annotation_get_range_end (annotation));
  pump ();
  row = wait_for_row (f, annotation);
  g_assert_false (mg_annotation_row_get_shows_moved (row));
  g_assert_null (mg_annotation_row_dup_changed_tooltip (row));

  /* Found on other words: the row shows them, with the mark, whose
   * tooltip gives the words that were highlighted. */
  {
    const char *edited_text = "Coffee.\nCharlie was here first, then the others came.";
    g_autoptr (GBytes) bytes = g_bytes_new_static (edited_text, strlen (edited_text));
    g_autoptr (MgDocument) edited = mg_document_loader_load_bytes (bytes, "file:///tmp/test.txt", "Test", MG_DOCUMENT_FORMAT_TEXT, NULL);
    g_autofree char *tooltip = NULL;

    mg_annotation_follow_text (annotation, edited, 0, 15);
    pump ();
    row = wait_for_row (f, annotation);
    g_assert_cmpstr (mg_annotation_row_get_quote_text (row), ==, "Coffee. Charlie");
    g_assert_true (mg_annotation_row_get_shows_moved (row));
    tooltip = mg_annotation_row_dup_changed_tooltip (row);
    g_assert_nonnull (strstr (tooltip, "“tea. Bravo”"));
  }

  mg_annotation_set_note (annotation, NULL);
  pump ();
  row = wait_for_row (f, annotation);
  g_assert_null (mg_annotation_row_get_note_text (row));
}

/* Notes as markup: Markdown shown, everything else escaped, cut with its
 * elements closed, on one line or several. */
static void
test_note_markup (void)
{
  struct
  {
    const char       *note;
    guint             max_chars;
    MgNoteMarkupFlags flags;
    const char       *markup;
  } cases[] = {
    { "plain & <b>raw</b>", 100, MG_NOTE_MARKUP_ONE_LINE, "plain &amp; &lt;b&gt;raw&lt;/b&gt;" },
    { "**bold** and _it_", 100, MG_NOTE_MARKUP_ONE_LINE, "<b>bold</b> and <i>it</i>" },
    { "[x](https://a.org)", 100, 0, "<u>x</u>" },
    { "[x](https://a.org)", 100, MG_NOTE_MARKUP_LINKS, "<a href=\"https://a.org\" title=\"https://a.org\">x</a>" },
    { "One.\n\nTwo\nthree.", 100, 0, "One.\n\nTwo three." },
    { "One.\n\nTwo.", 100, MG_NOTE_MARKUP_ONE_LINE, "One. Two." },
    { "- a\n- b", 100, 0, "• a\n• b" },
    { "**very long bold**", 6, MG_NOTE_MARKUP_ONE_LINE, "<b>very l…</b>" },
    { "# Title\nBody", 100, 0, "<b>Title</b>\n\nBody" },
    { "", 100, 0, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *markup = mg_note_markup (cases[i].note, cases[i].max_chars, cases[i].flags);

      g_assert_cmpstr (markup, ==, cases[i].markup);
      g_assert_true (pango_parse_markup (markup, -1, 0, NULL, NULL, NULL, NULL) || (cases[i].flags & MG_NOTE_MARKUP_LINKS) != 0);
    }
}

/* GTK 4.8's list view makes up to 200 rows at once, so a row is cheap to
 * make and bind: a row that shows no orphan has no buttons, and binding
 * sets no tooltip (setting one asks the display where the pointer is): the
 * date's is written when it is asked for. */
static void
test_row_cheap (Fixture      *f,
                gconstpointer data)
{
  MgAnnotation    *alpha;
  MgAnnotationRow *row;
  GtkWidget       *date;
  g_autofree char *tooltip = NULL;

  alpha = add (f, "Alpha passage", MG_COLOR_YELLOW);
  row = wait_for_row (f, alpha);

  g_assert_null (find_widget (GTK_WIDGET (row), match_type, GSIZE_TO_POINTER (GTK_TYPE_BUTTON)));
  date = find_widget (GTK_WIDGET (row), match_css_class, (gpointer) "dim-label");
  g_assert_nonnull (date);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (date)), ==, "Just now");
  g_assert_true (gtk_widget_get_has_tooltip (date));
  g_assert_null (gtk_widget_get_tooltip_text (date));
  tooltip = mg_annotation_row_dup_date_tooltip (row);
  g_assert_true (g_str_has_prefix (tooltip, "Highlighted on "));

  /* An orphan's row has its buttons. */
  mg_annotation_set_anchor (alpha, MG_ANNOTATION_STATE_ORPHANED, 0, 0);
  pump ();
  mg_sidebar_set_page (f->sidebar, "orphans");
  row = wait_for_row (f, alpha);
  g_assert_nonnull (find_widget (GTK_WIDGET (row), match_label_prefix, (gpointer) "_Attach"));
  g_assert_nonnull (find_widget (GTK_WIDGET (row), match_css_class, (gpointer) "mg-delete-button"));
}

/* Keys as typed, to the focused window (xdotool, through XTEST). */
static void
press_keys (const char *keys)
{
  g_autofree char *xdotool = g_find_program_in_path ("xdotool");
  const char      *argv[] = { NULL, "key", "--clearmodifiers", "--delay", "80", keys, NULL };
  g_autoptr (GError) error = NULL;
  int status;

  argv[0] = xdotool;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  for (guint i = 0; i < 30; i++)
    {
      pump ();
      g_usleep (10000);
    }
}

static gboolean
is_color_selector (GtkWidget *widget,
                   gpointer   unused)
{
  return MG_IS_COLOR_SELECTOR (widget);
}

/* The colour chips are one stop for Tab; the arrows move between them. */
static void
test_color_chips_keyboard (Fixture      *f,
                           gconstpointer data)
{
  MgColorSelector *selector;
  GtkWidget       *yellow, *green;
  GtkRoot         *root;

  add (f, "Alpha passage", MG_COLOR_YELLOW);
  pump ();
  selector = MG_COLOR_SELECTOR (find_widget (GTK_WIDGET (f->sidebar), is_color_selector, NULL));
  g_assert_nonnull (selector);
  yellow = mg_color_selector_get_button (selector, MG_COLOR_YELLOW);
  green = mg_color_selector_get_button (selector, MG_COLOR_GREEN);
  root = gtk_widget_get_root (yellow);

  /* Only one chip takes the focus from Tab. */
  g_assert_true (gtk_widget_get_focusable (yellow));
  for (MgColor c = MG_COLOR_GREEN; c < MG_N_COLORS; c++)
    g_assert_false (gtk_widget_get_focusable (mg_color_selector_get_button (selector, c)));

  if (!mg_test_click_with_pointer (yellow))
    return;
  mg_test_click_with_pointer (yellow); /* the filter back off */
  pump ();
  gtk_widget_grab_focus (yellow);
  g_assert_true (gtk_widget_has_focus (yellow));

  press_keys ("Right");
  g_assert_true (gtk_widget_has_focus (green));
  press_keys ("Tab");
  g_assert_false (MG_IS_COLOR_SELECTOR (gtk_widget_get_parent (gtk_root_get_focus (root))));
  /* Back with Shift+Tab: to the chip last focused. */
  press_keys ("shift+Tab");
  g_assert_true (gtk_root_get_focus (root) == green);
  press_keys ("End");
  g_assert_true (gtk_widget_has_focus (mg_color_selector_get_button (selector, MG_COLOR_ORANGE)));
  press_keys ("Home");
  g_assert_true (gtk_widget_has_focus (yellow));
  g_assert_cmpuint (mg_sidebar_get_color_filter (f->sidebar), ==, 0);
}

static void
count_cb (MgSidebar    *sidebar,
          MgAnnotation *annotation,
          guint        *count)
{
  (*count)++;
}

static void
wait_for_count (guint *count,
                guint  expected)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (*count < expected && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  pump ();
}

/* The buttons in a Not Found row take mouse clicks: the row's own click
 * (select and go to the highlight) must not swallow them. */
static void
test_orphan_buttons_clicked (Fixture      *f,
                             gconstpointer data)
{
  MgAnnotation    *alpha;
  MgAnnotationRow *row;
  GtkWidget       *attach, *delete;
  guint            n_deleted = 0, n_attached = 0, n_activated = 0;

  alpha = add (f, "Alpha passage", MG_COLOR_YELLOW);
  mg_annotation_set_anchor (alpha, MG_ANNOTATION_STATE_ORPHANED, 0, 0);
  pump ();
  mg_sidebar_set_page (f->sidebar, "orphans");
  row = wait_for_row (f, alpha);
  pump ();

  g_signal_connect (f->sidebar, "delete-requested", G_CALLBACK (count_cb), &n_deleted);
  g_signal_connect (f->sidebar, "reattach-requested", G_CALLBACK (count_cb), &n_attached);
  g_signal_connect (f->sidebar, "annotation-activated", G_CALLBACK (count_cb), &n_activated);

  attach = find_widget (GTK_WIDGET (row), match_label_prefix, (gpointer) "_Attach");
  delete = find_widget (GTK_WIDGET (row), match_css_class, (gpointer) "mg-delete-button");
  g_assert_nonnull (attach);
  g_assert_nonnull (delete);

  if (!mg_test_click_with_pointer (attach))
    return;
  wait_for_count (&n_attached, 1);
  g_assert_cmpuint (n_attached, ==, 1);
  g_assert_cmpuint (n_deleted, ==, 0);

  mg_test_click_with_pointer (delete);
  wait_for_count (&n_deleted, 1);
  g_assert_cmpuint (n_deleted, ==, 1);
  g_assert_cmpuint (n_attached, ==, 1);

  /* A click elsewhere on the row still selects it and goes to it (not
   * as the second click of a double click). */
  g_usleep (G_USEC_PER_SEC);
  pump ();
  mg_test_click_with_pointer (find_widget (GTK_WIDGET (row), match_css_class, (gpointer) "mg-quote"));
  wait_for_count (&n_activated, 1);
  g_assert_cmpuint (n_activated, ==, 1);
  g_assert_true (mg_sidebar_get_selected (f->sidebar) == alpha);
  g_assert_cmpuint (n_deleted, ==, 1);
}

static GtkWidget *
quote_like_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (label), 3);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (GTK_LABEL (label), 16);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 40);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);

  return label;
}

/* The quote and the note of a row are in MgWrapBins, which tell their
 * width without laying out the text: the same minimum as the label, about
 * the same natural width, the same height for each width. */
static void
test_wrap_bin (void)
{
  const char *texts[] = {
    "Short.",
    "A passage of a few words, long enough to wrap once or twice in the sidebar of the reader.",
    "A passage far longer than three lines of the sidebar can show, so that its end is cut: "
    "the reader sees the beginning and an ellipsis, and the whole of it is in the text, where "
    "a click on the row goes. Nothing of it is lost.",
  };
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      GtkWidget *label = quote_like_label (texts[i]);
      GtkWidget *bin = mg_wrap_bin_new (GTK_LABEL (quote_like_label (texts[i])));
      int        label_min, label_nat, bin_min, bin_nat, char_width;

      gtk_box_append (GTK_BOX (box), label);
      gtk_box_append (GTK_BOX (box), bin);

      gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, &label_min, &label_nat, NULL, NULL);
      gtk_widget_measure (bin, GTK_ORIENTATION_HORIZONTAL, -1, &bin_min, &bin_nat, NULL, NULL);
      char_width = label_min / 16;
      g_assert_cmpint (bin_min, ==, label_min);
      g_assert_cmpint (bin_nat, >=, label_nat - 2 * char_width);
      g_assert_cmpint (bin_nat, <=, MAX (label_nat + 2 * char_width, 40 * char_width + 1));

      for (int width = label_min; width <= label_nat + 50; width += 37)
        {
          int label_height, bin_height;

          gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, width, &label_height, NULL, NULL, NULL);
          gtk_widget_measure (bin, GTK_ORIENTATION_VERTICAL, width, &bin_height, NULL, NULL, NULL);
          g_assert_cmpint (bin_height, ==, label_height);
        }

      /* A hidden label takes no room. */
      gtk_widget_set_visible (GTK_WIDGET (mg_wrap_bin_get_label (MG_WRAP_BIN (bin))), FALSE);
      gtk_widget_measure (bin, GTK_ORIENTATION_HORIZONTAL, -1, &bin_min, &bin_nat, NULL, NULL);
      g_assert_cmpint (bin_nat, ==, 0);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  pump ();
}

static void
test_activate (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (MgAnnotation) activated = NULL;
  MgAnnotation    *bravo, *charlie;
  MgAnnotationRow *row;
  GtkGesture      *click;

  add (f, "Alpha passage", MG_COLOR_YELLOW);
  bravo = add (f, "Bravo passage", MG_COLOR_GREEN);
  charlie = add (f, "Charlie passage", MG_COLOR_BLUE);
  pump ();

  g_signal_connect (f->sidebar, "annotation-activated", G_CALLBACK (record_annotation), &activated);

  /* Enter on a row, or a double click. */
  g_signal_emit_by_name (shown_list_view (f), "activate", 1);
  g_assert_true (activated == bravo);

  /* A click on a row selects it and activates it. */
  g_clear_object (&activated);
  row = wait_for_row (f, charlie);
  click = find_click_gesture (GTK_WIDGET (row));
  g_signal_emit_by_name (click, "released", 1, 10.0, 10.0);
  g_assert_true (activated == charlie);
  g_assert_true (mg_sidebar_get_selected (f->sidebar) == charlie);

  /* The second click of a double click does not go there twice. */
  g_clear_object (&activated);
  g_signal_emit_by_name (click, "released", 2, 10.0, 10.0);
  g_assert_null (activated);
}

static void
test_select (Fixture      *f,
             gconstpointer data)
{
  g_autoptr (MgAnnotation) copy = NULL;
  MgAnnotation *alpha, *bravo, *delta;

  alpha = add (f, "Alpha passage", MG_COLOR_YELLOW);
  bravo = add (f, "Bravo passage", MG_COLOR_GREEN);
  delta = add (f, "Delta passage", MG_COLOR_BLUE);
  mg_annotation_set_anchor (delta, MG_ANNOTATION_STATE_ORPHANED, 0, 0);
  pump ();

  mg_sidebar_select (f->sidebar, bravo);
  g_assert_true (mg_sidebar_get_selected (f->sidebar) == bravo);

  /* Hidden by a filter: the filters go. */
  mg_sidebar_set_search_text (f->sidebar, "bravo");
  mg_sidebar_select (f->sidebar, alpha);
  g_assert_false (mg_sidebar_get_filtered (f->sidebar));
  g_assert_true (mg_sidebar_get_selected (f->sidebar) == alpha);

  /* An orphan: its page. */
  mg_sidebar_select (f->sidebar, delta);
  g_assert_cmpstr (mg_sidebar_get_page (f->sidebar), ==, "orphans");
  g_assert_true (mg_sidebar_get_selected (f->sidebar) == delta);

  /* A copy (as undo keeps) selects the original. */
  copy = mg_annotation_copy (bravo);
  mg_sidebar_select (f->sidebar, copy);
  g_assert_cmpstr (mg_sidebar_get_page (f->sidebar), ==, "highlights");
  g_assert_true (mg_sidebar_get_selected (f->sidebar) == bravo);

  mg_sidebar_select (f->sidebar, NULL);
  g_assert_null (mg_sidebar_get_selected (f->sidebar));
}

static void
test_many (Fixture      *f,
           gconstpointer data)
{
  g_autoptr (GPtrArray) annotations = g_ptr_array_new_with_free_func (g_object_unref);
  MgAnnotation *target;
  GtkWidget    *child;
  guint         n_rows = 0;
  guint         i;

  for (i = 0; i < 10000; i++)
    {
      g_autofree char *exact = g_strdup_printf ("passage number %u", i);

      g_ptr_array_add (annotations, mg_annotation_new (exact, NULL, NULL, i * 20, i * 20 + 10, i % MG_N_COLORS));
    }
  mg_annotation_list_add_many (f->list, annotations);
  pump ();

  g_assert_cmpuint (n_visible (f), ==, 10000);
  g_assert_cmpstr (mg_sidebar_get_count_text (f->sidebar), ==, "10000 highlights");

  /* Rows exist only around what is shown. */
  for (child = gtk_widget_get_first_child (GTK_WIDGET (shown_list_view (f)));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n_rows++;
  g_assert_cmpuint (n_rows, >, 0);
  g_assert_cmpuint (n_rows, <, 500);

  mg_sidebar_set_search_text (f->sidebar, "number 9999");
  g_assert_cmpuint (n_visible (f), ==, 1);
  /* 999, 1999 to 9999 and 9990 to 9998 */
  mg_sidebar_set_search_text (f->sidebar, "number 999");
  g_assert_cmpuint (n_visible (f), ==, 19);
  mg_sidebar_set_search_text (f->sidebar, "");

  /* Selecting one far down scrolls to it: its row gets made. */
  target = g_ptr_array_index (annotations, 5000);
  g_assert_null (mg_sidebar_find_row (f->sidebar, target));
  mg_sidebar_select (f->sidebar, target);
  g_assert_true (mg_sidebar_get_selected (f->sidebar) == target);
  wait_for_row (f, target);

  mg_sidebar_set_color_filter (f->sidebar, MG_SIDEBAR_COLOR_BIT (MG_COLOR_BLUE));
  g_assert_cmpuint (n_visible (f), ==, 10000 / MG_N_COLORS + (10000 % MG_N_COLORS > MG_COLOR_BLUE));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->sidebar), "sidebar.sort", "s", "date"));
  g_assert_cmpuint (n_visible (f), ==, 10000 / MG_N_COLORS + (10000 % MG_N_COLORS > MG_COLOR_BLUE));
}

/* Presses Tab until the focus comes back, and returns where it went. */
static GPtrArray *
tab_through (Fixture *f)
{
  GPtrArray *visited = g_ptr_array_new ();
  guint      i;

  gtk_widget_grab_focus (GTK_WIDGET (f->sidebar));
  for (i = 0; i < 200; i++)
    {
      GtkWidget *focus;

      if (!gtk_widget_child_focus (f->window, GTK_DIR_TAB_FORWARD))
        break;

      focus = gtk_root_get_focus (GTK_ROOT (f->window));
      if (focus == NULL || g_ptr_array_find (visited, focus, NULL))
        break;
      g_ptr_array_add (visited, focus);
    }

  return visited;
}

static gboolean
visited_has (GPtrArray  *visited,
             WidgetMatch match,
             gpointer    data)
{
  guint i;

  for (i = 0; i < visited->len; i++)
    {
      GtkWidget *widget;

      /* The focus may be on a part of the control (the entry's text). */
      for (widget = g_ptr_array_index (visited, i); widget != NULL; widget = gtk_widget_get_parent (widget))
        if (match (widget, data))
          return TRUE;
    }

  return FALSE;
}

static gboolean
match_row_of (GtkWidget *widget,
              gpointer   data)
{
  GtkWidget *child;

  /* The list item widget that holds the row. */
  for (child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (MG_IS_ANNOTATION_ROW (child) && mg_annotation_row_get_annotation (MG_ANNOTATION_ROW (child)) == data)
      return TRUE;

  return FALSE;
}

static void
test_keyboard (Fixture      *f,
               gconstpointer data)
{
  g_autoptr (GPtrArray) visited = NULL;
  g_autoptr (GPtrArray) visited_orphans = NULL;
  MgAnnotation *alpha, *bravo;

  alpha = add (f, "Alpha passage", MG_COLOR_YELLOW);
  bravo = add (f, "Bravo passage", MG_COLOR_GREEN);
  set_tags (alpha, "methods");
  mg_annotation_set_anchor (bravo, MG_ANNOTATION_STATE_ORPHANED, 0, 0);
  pump ();
  wait_for_row (f, alpha);
  /* The page switcher slides in: Tab reaches it once it is there (on a
   * busy machine, some frames later). */
  {
    GtkWidget *orphans_button = find_widget (GTK_WIDGET (f->sidebar), match_label_prefix, (gpointer) "Not Found");
    GtkWidget *revealer = gtk_widget_get_ancestor (orphans_button, GTK_TYPE_REVEALER);
    gint64     deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

    while (!gtk_revealer_get_child_revealed (GTK_REVEALER (revealer)) && g_get_monotonic_time () < deadline)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (gtk_revealer_get_child_revealed (GTK_REVEALER (revealer)));
  }

  visited = tab_through (f);
  g_assert_true (visited_has (visited, match_type, GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY)));
  g_assert_true (visited_has (visited, match_type, GSIZE_TO_POINTER (GTK_TYPE_MENU_BUTTON)));
  /* The colour chips are one stop (the arrows move between them: see
   * filter/color-chips-keyboard). */
  g_assert_true (visited_has (visited, match_css_class, (gpointer) "mg-color-yellow"));
  g_assert_false (visited_has (visited, match_css_class, (gpointer) "mg-color-orange"));
  g_assert_true (visited_has (visited, match_type, GSIZE_TO_POINTER (GTK_TYPE_DROP_DOWN)));
  g_assert_true (visited_has (visited, match_label_prefix, (gpointer) "Not Found"));
  g_assert_true (visited_has (visited, match_row_of, alpha));

  /* The buttons of an orphan's row. */
  mg_sidebar_set_page (f->sidebar, "orphans");
  wait_for_row (f, bravo);
  visited_orphans = tab_through (f);
  g_assert_true (visited_has (visited_orphans, match_label_prefix, (gpointer) "_Attach"));
  g_assert_true (visited_has (visited_orphans, match_css_class, (gpointer) "mg-delete-button"));
}

static void
test_relative_date (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_utc (2024, 5, 15, 14, 30, 0);
  g_autoptr (GDateTime) three_days_before = g_date_time_new_utc (2024, 5, 12, 9, 0, 0);
  g_autofree char *weekday = g_date_time_format (three_days_before, "%A");
  struct
  {
    int         year, month, day, hour, minute, second;
    const char *expected;
  } cases[] = {
    { 2024, 5, 15, 14, 29, 45, "Just now" },
    { 2024, 5, 15, 14, 31, 0, "Just now" }, /* a clock ahead */
    { 2024, 5, 15, 14, 29, 0, "1 minute ago" },
    { 2024, 5, 15, 14, 25, 0, "5 minutes ago" },
    { 2024, 5, 15, 11, 0, 0, "3 hours ago" },
    { 2024, 5, 15, 0, 10, 0, "14 hours ago" },
    { 2024, 5, 14, 23, 0, 0, "Yesterday" },
    { 2024, 5, 14, 1, 0, 0, "Yesterday" },
    { 2024, 2, 3, 10, 0, 0, "February 3" },
    { 2022, 12, 25, 10, 0, 0, "December 25, 2022" },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GDateTime) date = g_date_time_new_utc (cases[i].year, cases[i].month, cases[i].day,
                                                        cases[i].hour, cases[i].minute, cases[i].second);
      g_autofree char *text = mg_format_relative_date (date, now);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }

  {
    g_autofree char *text = mg_format_relative_date (three_days_before, now);

    g_assert_cmpstr (text, ==, weekday);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  mg_test_isolate_user_dirs ("test-sidebar");
  /* Days are counted in local time; English, untranslated strings. */
  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) \
  g_test_add ("/sidebar/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("empty-state", test_empty_state);
  ADD ("count", test_count);
  ADD ("search/passage", test_search_passage);
  ADD ("search/note-and-tags", test_search_note_and_tags);
  ADD ("filter/color", test_filter_color);
  ADD ("filter/tag", test_filter_tag);
  ADD ("filter/tag-width", test_filter_tag_width);
  ADD ("sort/date", test_sort_date);
  ADD ("filter/color-chips-keyboard", test_color_chips_keyboard);
  ADD ("orphans", test_orphans);
  ADD ("orphans/buttons-take-clicks", test_orphan_buttons_clicked);
  ADD ("actions/delete", test_delete_action);
  ADD ("row/updates", test_row_updates);
  ADD ("row/cheap", test_row_cheap);
  g_test_add_func ("/sidebar/row/wrap-bin", test_wrap_bin);
  ADD ("activate", test_activate);
  ADD ("select", test_select);
  ADD ("many", test_many);
  ADD ("keyboard", test_keyboard);
  g_test_add_func ("/sidebar/relative-date", test_relative_date);

  g_test_add_func ("/sidebar/note-markup", test_note_markup);

#undef ADD

  status = g_test_run ();
  mg_test_remove_user_dirs ();

  return status;
}
