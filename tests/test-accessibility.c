/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "mg-anchor.h"
#include "mg-application.h"
#include "mg-library-window.h"
#include "mg-test-ui.h"
#include "mg-test-utils.h"
#include "mg-window-private.h"

/* What a screen reader says for each control: the tests walk the widget
 * tree of the window (with its sidebar, find bar and every popover), the
 * error page, the preferences and the dialogs, and compute each control's
 * accessible name as GTK 4.8 gives it to AT-SPI (gtk_at_context_get_name:
 * the label property, then the labels of the labelled-by relation, else
 * the type name). A button, toggle, menu item or entry fails when that
 * name is empty, is a type name ("GtkButton") or keeps a mnemonic
 * underscore ("_Details Details"); every failure is listed at once.
 *
 * GTK keeps accessible properties for tests only (GTK_A11Y=test), and
 * reads them out through gtk_test_accessible_check_property(), which
 * returns the value it holds when asked for one it does not. */

static MgApplication *app;

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

static gboolean
has_annotations (gpointer window)
{
  return mg_window_get_annotations (window) != NULL;
}

static MgWindow *
new_window (MgDocument *document)
{
  MgWindow *window = mg_window_new (GTK_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  mg_window_set_document (window, document);
  g_assert_true (mg_test_iterate_until (has_annotations, window, 60));
  wait_ms (100);

  return window;
}

static void
close_window (MgWindow *window)
{
  GtkWindow *toplevel = GTK_WINDOW (window);

  if (mg_window_get_annotations (window) != NULL)
    mg_annotation_list_remove_all (mg_window_get_annotations (window));
  mg_test_close_window (toplevel);
}

/* The toplevel that appeared since @before was taken, other than @except. */
static GtkWindow *
new_toplevel (GPtrArray *before)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) item = g_list_model_get_item (toplevels, i);

      if (!g_ptr_array_find (before, item, NULL))
        return item;
    }

  return NULL;
}

static GPtrArray *
list_toplevels (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GPtrArray  *list = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) item = g_list_model_get_item (toplevels, i);

      g_ptr_array_add (list, item);
    }

  return list;
}

/* The name computation. */

typedef struct
{
  GHashTable *widgets; /* every widget of the walked tree */
  GString    *failures;
  guint       n_checked;
} Walk;

static char *
property_string (GtkWidget            *widget,
                 GtkAccessibleProperty property)
{
  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), property))
    return NULL;

  /* Asked for a value it cannot hold, GTK says which one it holds. */
  return gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), property, "\x01");
}

static gboolean
is_hidden (GtkWidget *widget)
{
  return gtk_test_accessible_has_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_HIDDEN) && gtk_test_accessible_check_state (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_STATE_HIDDEN, FALSE) != NULL;
}

static gboolean
is_structural (GtkAccessibleRole role)
{
  switch ((int) role)
    {
    case GTK_ACCESSIBLE_ROLE_FORM:
    case GTK_ACCESSIBLE_ROLE_GROUP:
    case GTK_ACCESSIBLE_ROLE_GENERIC:
    case GTK_ACCESSIBLE_ROLE_LANDMARK:
    case GTK_ACCESSIBLE_ROLE_LIST_ITEM:
    case GTK_ACCESSIBLE_ROLE_REGION:
    case GTK_ACCESSIBLE_ROLE_SEARCH:
    case GTK_ACCESSIBLE_ROLE_SEPARATOR:
      return TRUE;
    default:
      return FALSE;
    }
}

/* The labelled-by relation, printed by GTK as "GtkLabel<0x…> …": the
 * widgets of the tree it names. */
static GPtrArray *
labelled_by (Walk      *walk,
             GtkWidget *widget)
{
  GPtrArray       *targets = g_ptr_array_new ();
  g_autofree char *printed = NULL;
  const char      *p;

  if (!gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return targets;

  printed = gtk_test_accessible_check_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY, NULL);
  for (p = printed; p != NULL && (p = strstr (p, "<0x")) != NULL; p++)
    {
      gpointer target = GSIZE_TO_POINTER (g_ascii_strtoull (p + 3, NULL, 16));

      if (g_hash_table_contains (walk->widgets, target))
        g_ptr_array_add (targets, target);
      else
        g_string_append_printf (walk->failures, "  %s is labelled by a widget outside its window\n",
                                G_OBJECT_TYPE_NAME (widget));
    }

  return targets;
}

static void
accumulate_name (Walk      *walk,
                 GtkWidget *widget,
                 GPtrArray *names,
                 gboolean   recurse)
{
  GtkAccessibleRole role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget));
  char             *label = property_string (widget, GTK_ACCESSIBLE_PROPERTY_LABEL);

  if (label != NULL)
    g_ptr_array_add (names, label);

  if (recurse)
    {
      g_autoptr (GPtrArray) targets = labelled_by (walk, widget);

      for (guint i = 0; i < targets->len; i++)
        accumulate_name (walk, g_ptr_array_index (targets, i), names, FALSE);
    }

  if (is_hidden (widget) || names->len > 0 || is_structural (role))
    return;

  g_ptr_array_add (names, g_strdup (G_OBJECT_TYPE_NAME (widget)));
}

static char *
accessible_name (Walk      *walk,
                 GtkWidget *widget)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  accumulate_name (walk, widget, names, TRUE);
  g_ptr_array_add (names, NULL);

  return g_strjoinv (" ", (char **) names->pdata);
}

/* "Close Close", "Light style Light": GTK 4.8 says both the label
 * property and the labels of the labelled-by relation. */
static gboolean
named_twice (Walk      *walk,
             GtkWidget *widget)
{
  g_autoptr (GPtrArray) targets = NULL;

  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return FALSE;

  targets = labelled_by (walk, widget);
  for (guint i = 0; i < targets->len; i++)
    if (gtk_test_accessible_has_property (g_ptr_array_index (targets, i), GTK_ACCESSIBLE_PROPERTY_LABEL))
      return TRUE;

  return FALSE;
}

static gboolean
is_control (GtkAccessibleRole role)
{
  switch ((int) role)
    {
    case GTK_ACCESSIBLE_ROLE_BUTTON:
    case GTK_ACCESSIBLE_ROLE_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_COMBO_BOX:
    case GTK_ACCESSIBLE_ROLE_LINK:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_CHECKBOX:
    case GTK_ACCESSIBLE_ROLE_MENU_ITEM_RADIO:
    case GTK_ACCESSIBLE_ROLE_RADIO:
    case GTK_ACCESSIBLE_ROLE_SEARCH_BOX:
    case GTK_ACCESSIBLE_ROLE_SPIN_BUTTON:
    case GTK_ACCESSIBLE_ROLE_SWITCH:
    case GTK_ACCESSIBLE_ROLE_TEXT_BOX:
      return TRUE;
    default:
      return FALSE;
    }
}

/* What is wrong with @name, or %NULL. */
static const char *
name_problem (const char *name)
{
  static GRegex *type_name, *mnemonic;

  if (type_name == NULL)
    {
      type_name = g_regex_new ("^(Gtk|Adw|Mg)[A-Z][A-Za-z]*$", 0, 0, NULL);
      mnemonic = g_regex_new ("(^|\\s)_\\w", 0, 0, NULL);
    }

  if (name == NULL || *name == '\0')
    return "no name";
  if (g_regex_match (type_name, name, 0, NULL))
    return "a type name as its name";
  if (g_regex_match (mnemonic, name, 0, NULL))
    return "a mnemonic underscore in its name";

  return NULL;
}

static void
collect (GtkWidget  *widget,
         GHashTable *widgets)
{
  g_hash_table_add (widgets, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    collect (child, widgets);
}

static void
check_widget (Walk       *walk,
              GtkWidget  *widget,
              const char *where)
{
  GtkAccessibleRole role = gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget));

  /* What is not shown is not spoken; a popover is shown when opened. */
  if ((!gtk_widget_get_visible (widget) || !gtk_widget_get_child_visible (widget)) && !GTK_IS_POPOVER (widget))
    return;

  if (is_control (role))
    {
      g_autofree char *name = accessible_name (walk, widget);
      const char      *problem = name_problem (name);

      if (problem == NULL && named_twice (walk, widget))
        problem = "two names, said one after the other";

      walk->n_checked++;
      if (problem != NULL)
        {
          const char *tooltip = gtk_widget_get_tooltip_text (widget);
          GtkWidget  *child = gtk_widget_get_first_child (widget);

          if (tooltip == NULL && GTK_IS_IMAGE (child))
            tooltip = gtk_image_get_icon_name (GTK_IMAGE (child));

          g_string_append_printf (walk->failures, "  %s: %s (role %d) in %s has %s: “%s”%s%s\n",
                                  where, G_OBJECT_TYPE_NAME (widget), role,
                                  G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)),
                                  problem, name,
                                  tooltip != NULL ? ", tooltip " : "", tooltip != NULL ? tooltip : "");
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    check_widget (walk, child, where);
}

/* Checks every control under @root; popovers are opened one by one
 * first, as some build their contents when shown. */
static void
check_tree (GString    *failures,
            GtkWidget  *root,
            const char *where)
{
  Walk walk = { g_hash_table_new (NULL, NULL), failures, 0 };
  g_autoptr (GPtrArray) popovers = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer       widget;

  collect (root, walk.widgets);
  g_hash_table_iter_init (&iter, walk.widgets);
  while (g_hash_table_iter_next (&iter, &widget, NULL))
    if (GTK_IS_POPOVER (widget) && gtk_widget_get_mapped (gtk_widget_get_parent (widget)))
      g_ptr_array_add (popovers, widget);

  for (guint i = 0; i < popovers->len; i++)
    {
      GtkPopover *popover = g_ptr_array_index (popovers, i);

      g_test_message ("popup %s in %s", G_OBJECT_TYPE_NAME (popover), G_OBJECT_TYPE_NAME (gtk_widget_get_parent (GTK_WIDGET (popover))));
      gtk_popover_popup (popover);
      wait_ms (50);
      collect (GTK_WIDGET (popover), walk.widgets);
      gtk_popover_popdown (popover);
      wait_ms (20);
    }

  check_widget (&walk, root, where);
  if (walk.n_checked == 0)
    g_error ("No control in %s", where);
  g_hash_table_unref (walk.widgets);
}

static void
assert_no_failures (GString *failures)
{
  if (failures->len == 0)
    return;

  g_test_message ("Controls a screen reader cannot name:\n%s", failures->str);
  g_test_fail ();
}

static GtkWidget *
find_button_labelled (GtkWidget  *root,
                      const char *prefix)
{
  if (GTK_IS_BUTTON (root) && g_str_has_prefix (gtk_button_get_label (GTK_BUTTON (root)) ?: "", prefix))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_labelled (child, prefix);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* A window with a highlight, a noted and tagged one and one not found,
 * its sidebar and find bar open. */
static MgWindow *
annotated_window (MgDocument *document)
{
  MgWindow *window = new_window (document);
  g_autoptr (MgAnnotation) plain = mg_annotation_new ("Cognitia", "", "", 0, 0, MG_COLOR_YELLOW);
  g_autoptr (MgAnnotation) noted = mg_annotation_new ("double standard", "", "", 0, 0, MG_COLOR_GREEN);
  g_autoptr (MgAnnotation) orphan = mg_annotation_new ("a passage that is not in this article", "", "", 10, 47,
                                                       MG_COLOR_BLUE);
  const char *tags[] = { "policy", "trade", NULL };

  mg_annotation_set_note (noted, "Compare with **the EU**.");
  mg_annotation_set_tags (noted, tags);
  mg_anchor_annotation (plain, document);
  mg_anchor_annotation (noted, document);
  mg_anchor_annotation (orphan, document);
  mg_annotation_list_add (mg_window_get_annotations (window), plain);
  mg_annotation_list_add (mg_window_get_annotations (window), noted);
  mg_annotation_list_add (mg_window_get_annotations (window), orphan);

  gtk_toggle_button_set_active (window->sidebar_button, TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.find", NULL));
  wait_ms (300);
  g_assert_true (gtk_widget_get_mapped (mg_window_get_sidebar (window)));

  return window;
}

static void
test_window (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (GString) failures = g_string_new (NULL);
  MgWindow *window = annotated_window (document);

  check_tree (failures, GTK_WIDGET (window), "window");

  /* The popovers that open on the text: the selection's, the editor, the
   * context menu. */
  {
    GtkTextView   *view = mg_window_get_text_view (window);
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (view);
    GtkTextIter    start, end;

    gtk_text_buffer_get_iter_at_offset (buffer, &start, 100);
    gtk_text_buffer_get_iter_at_offset (buffer, &end, 110);
    gtk_text_buffer_select_range (buffer, &start, &end);
    g_signal_emit_by_name (view, "selection-finished");
    wait_ms (200);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->selection_popover)));
    check_tree (failures, GTK_WIDGET (window->selection_popover), "selection popover");
    gtk_popover_popdown (window->selection_popover);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "menu.popup", NULL));
    wait_ms (200);
    check_tree (failures, GTK_WIDGET (view), "text and its context menu");
  }

  {
    GListModel *list = G_LIST_MODEL (mg_window_get_annotations (window));
    g_autoptr (MgAnnotation) noted = g_list_model_get_item (list, 1);
    GtkWidget *editor = mg_window_get_editor (window);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.edit-annotation", "s",
                                               mg_annotation_get_id (noted)));
    wait_ms (200);
    g_assert_true (gtk_widget_get_visible (editor));
    check_tree (failures, editor, "annotation editor");
    gtk_popover_popdown (GTK_POPOVER (editor));
  }

  /* The sidebar's other states: the highlights not found, no matches. */
  {
    MgSidebar *sidebar = MG_SIDEBAR (mg_window_get_sidebar (window));
    GtkWidget *orphans = find_button_labelled (GTK_WIDGET (sidebar), "Not Found");

    g_assert_nonnull (orphans);
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (orphans), TRUE);
    wait_ms (200);
    g_assert_cmpstr (mg_sidebar_get_page (sidebar), ==, "orphans");
    check_tree (failures, GTK_WIDGET (sidebar), "sidebar, not found");
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (orphans), FALSE);

    mg_sidebar_set_search_text (sidebar, "no highlight says this");
    wait_ms (200);
    check_tree (failures, GTK_WIDGET (sidebar), "sidebar, no matches");
    mg_sidebar_set_search_text (sidebar, NULL);
  }

  assert_no_failures (failures);
  close_window (window);
}

static void
test_error_page (void)
{
  g_autoptr (GString) failures = g_string_new (NULL);
  MgWindow *window = mg_window_new (GTK_APPLICATION (app));
  g_autoptr (GFile) missing = g_file_new_for_path ("/nonexistent/missing.txt");

  gtk_window_present (GTK_WINDOW (window));
  mg_window_open_file (window, missing);
  for (guint i = 0; i < 200 && g_strcmp0 (mg_window_get_page (window), "error") != 0; i++)
    wait_ms (10);
  g_assert_cmpstr (mg_window_get_page (window), ==, "error");

  check_tree (failures, GTK_WIDGET (window), "error page");
  assert_no_failures (failures);
  close_window (window);
}

/* Opens what @action_name opens in @window and checks it. */
static void
check_new_toplevel (GString    *failures,
                    GtkWidget  *widget,
                    const char *action_name,
                    const char *where)
{
  g_autoptr (GPtrArray) before = list_toplevels ();
  GtkWindow *opened;

  g_assert_true (gtk_widget_activate_action (widget, action_name, NULL));
  wait_ms (400);
  opened = new_toplevel (before);
  g_assert_nonnull (opened);

  check_tree (failures, GTK_WIDGET (opened), where);
  gtk_window_destroy (opened);
  wait_ms (50);
}

static void
test_preferences (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (GString) failures = g_string_new (NULL);
  MgWindow *window = new_window (document);

  check_new_toplevel (failures, GTK_WIDGET (window), "win.preferences", "preferences");
  assert_no_failures (failures);
  close_window (window);
}

static gboolean
banner_revealed (gpointer revealer)
{
  return gtk_revealer_get_child_revealed (revealer);
}

static void
test_dialogs (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (GString) failures = g_string_new (NULL);
  MgWindow *window = new_window (document);

  _mg_window_show_banner (window, "Some highlights could not be read.", "The file is kept aside.");
  g_assert_true (mg_test_iterate_until (banner_revealed, window->banner, 30));
  check_tree (failures, GTK_WIDGET (window->banner), "banner");
  check_new_toplevel (failures, GTK_WIDGET (window), "win.banner-details", "banner details");
  {
    /* GTK 4.8's own shortcuts window warns that it measured a label
     * below zero width (a GTK bug): warnings are not fatal meanwhile. */
    GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

    GtkShortcutsWindow *shortcuts;

    /* Built when first asked for (mg-shortcuts.c). */
    g_assert_null (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
    shortcuts = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
    g_assert_nonnull (shortcuts);
    wait_ms (400);
    g_assert_true (gtk_widget_get_visible (GTK_WIDGET (shortcuts)));
    check_tree (failures, GTK_WIDGET (shortcuts), "keyboard shortcuts");
    gtk_widget_hide (GTK_WIDGET (shortcuts));
    g_log_set_always_fatal (fatal);
  }
  check_new_toplevel (failures, GTK_WIDGET (window), "app.about", "about");

  {
    g_autoptr (GPtrArray) before = list_toplevels ();
    g_autoptr (GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NO_SPACE, "No space left");
    GtkWindow *opened;

    _mg_window_ask_unsaved (window, error);
    wait_ms (300);
    opened = new_toplevel (before);
    g_assert_nonnull (opened);
    check_tree (failures, GTK_WIDGET (opened), "unsaved highlights");
    gtk_window_destroy (opened);
  }

  assert_no_failures (failures);
  close_window (window);
}

static gboolean
library_lists (gpointer data)
{
  MgLibraryWindow *library = data;

  return g_list_model_get_n_items (mg_library_window_get_documents (library)) > 0;
}

/* The library window: its list (with a row's menu), the search results,
 * the page of a document's highlights, and the Remove dialog. */
static void
test_library (void)
{
  g_autoptr (MgDocument) document = mg_document_new_bundled ();
  g_autoptr (GString) failures = g_string_new (NULL);
  MgWindow        *window = annotated_window (document);
  MgLibraryWindow *library;
  g_autoptr (MgLibraryDocument) first = NULL;

  g_assert_true (mg_window_flush (window, NULL));
  library = mg_library_window_present (GTK_APPLICATION (app));
  g_assert_true (mg_test_iterate_until (library_lists, library, 30));
  wait_ms (300);
  check_tree (failures, GTK_WIDGET (library), "library");

  gtk_editable_set_text (GTK_EDITABLE (mg_library_window_get_search_entry (library)), "standard");
  wait_ms (500);
  g_assert_cmpstr (mg_library_window_get_page (library), ==, "results");
  check_tree (failures, GTK_WIDGET (library), "library, search results");
  gtk_editable_set_text (GTK_EDITABLE (mg_library_window_get_search_entry (library)), "");

  first = g_list_model_get_item (mg_library_window_get_documents (library), 0);
  /* The page of a document's highlights (the one a missing file shows). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "library.show-highlights", "s", mg_library_document_get_id (first)));
  g_assert_cmpstr (mg_library_window_get_page (library), ==, "detail");
  wait_ms (300);
  check_tree (failures, GTK_WIDGET (library), "library, highlights of a document");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "library.back", NULL));

  {
    g_autoptr (GPtrArray) before = list_toplevels ();
    GtkWindow *opened;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (library), "library.remove", "s", mg_library_document_get_id (first)));
    wait_ms (300);
    opened = new_toplevel (before);
    g_assert_nonnull (opened);
    check_tree (failures, GTK_WIDGET (opened), "remove from library");
    gtk_window_destroy (opened);
  }

  assert_no_failures (failures);
  gtk_window_destroy (GTK_WINDOW (library));
  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GTK_A11Y", "test", TRUE);
  app = mg_test_ui_init (&argc, &argv, "test-accessibility");

  g_test_add_func ("/accessibility/window", test_window);
  g_test_add_func ("/accessibility/error-page", test_error_page);
  g_test_add_func ("/accessibility/preferences", test_preferences);
  g_test_add_func ("/accessibility/dialogs", test_dialogs);
  g_test_add_func ("/accessibility/library", test_library);

  return mg_test_ui_run (app);
}
