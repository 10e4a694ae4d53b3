/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-sidebar"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "mg-accessible.h"
#include "mg-color-selector.h"
#include "mg-menu-button.h"
#include "mg-sidebar-private.h"
#include "mg-tooltip.h"
#include "mg-ui-resources.h"

/**
 * MgSidebar:
 *
 * The annotations of the document, as a list beside the text: search,
 * filters by colour and tag, order by position or date, and a second page
 * for the orphans, the highlights whose passage was not found.
 *
 * The list is never copied: the #MgAnnotationList is split by two
 * #GtkFilterListModels (anchored, orphaned), each filtered again by the
 * user's criteria, sorted by a #GtkSortListModel and shown by a
 * #GtkListView, which recycles its rows. The filters (search, colours,
 * tags) are in mg-sidebar-filter.c; the struct both files share in
 * mg-sidebar-private.h.
 *
 * Actions, all taking an annotation id where they act on one:
 * - `sidebar.delete` (s): emits #MgSidebar::delete-requested
 * - `sidebar.reattach` (s): emits #MgSidebar::reattach-requested; the
 *   window disables it while there is no selection to attach to
 * - `sidebar.clear-filters`, and `sidebar.sort` (s: "position", "date"),
 *   bound to the "sidebar-sort" setting
 */

G_DEFINE_FINAL_TYPE (MgSidebar, mg_sidebar, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_ANNOTATIONS,
  PROP_SEARCH_TEXT,
  PROP_COLOR_FILTER,
  PROP_TAG_FILTER,
  PROP_SORT_ORDER,
  PROP_FILTERED,
  PROP_PAGE,
  N_PROPS
};

enum
{
  ANNOTATION_ACTIVATED,
  DELETE_REQUESTED,
  REATTACH_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint       signals[N_SIGNALS];

/* Searching --------------------------------------------------------------- */

static gboolean
anchored_filter_func (gpointer item,
                      gpointer user_data)
{
  return mg_annotation_get_state (MG_ANNOTATION (item)) != MG_ANNOTATION_STATE_ORPHANED;
}

static gboolean
orphan_filter_func (gpointer item,
                    gpointer user_data)
{
  return mg_annotation_get_state (MG_ANNOTATION (item)) == MG_ANNOTATION_STATE_ORPHANED;
}

/* Newest first; the same moment (a batch import) in document order. */
static int
compare_by_date (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  MgAnnotation *annotation_a = (MgAnnotation *) a;
  MgAnnotation *annotation_b = (MgAnnotation *) b;
  guint         start_a, start_b;
  int           cmp;

  cmp = g_date_time_compare (mg_annotation_get_created (annotation_b),
                             mg_annotation_get_created (annotation_a));
  if (cmp != 0)
    return cmp;

  start_a = mg_annotation_get_range_start (annotation_a);
  start_b = mg_annotation_get_range_start (annotation_b);
  if (start_a != start_b)
    return start_a < start_b ? -1 : 1;

  return g_strcmp0 (mg_annotation_get_id (annotation_a), mg_annotation_get_id (annotation_b));
}

static gboolean
showing_orphans (MgSidebar *self)
{
  return gtk_toggle_button_get_active (self->orphans_toggle);
}

/* Updates everything that depends on the counts: the page switcher, the
 * count label, the empty states. Cheap: it runs on every change. */
void
_mg_sidebar_update_view (MgSidebar *self)
{
  g_autofree char *count = NULL;
  g_autofree char *orphans_label = NULL;
  guint            n_anchored = _mg_sidebar_n_items (self->anchored_model);
  guint            n_visible = _mg_sidebar_n_items (self->sorted_model);
  guint            n_orphans = _mg_sidebar_n_items (self->orphan_model);
  guint            n_visible_orphans = _mg_sidebar_n_items (self->sorted_orphan_model);
  gboolean         orphans = showing_orphans (self);
  guint            total, shown;
  const char      *view;

  if (orphans && n_orphans == 0)
    {
      /* Calls back into this function. */
      gtk_toggle_button_set_active (self->highlights_toggle, TRUE);
      return;
    }

  gtk_revealer_set_reveal_child (self->switcher_revealer, n_orphans > 0);
  /* Translators: the page of the highlights whose passage was not found
   * in the text, with their number */
  orphans_label = g_strdup_printf (_ ("Not Found (%u)"), n_orphans);
  mg_accessible_set_button_label (GTK_BUTTON (self->orphans_toggle), orphans_label);

  total = orphans ? n_orphans : n_anchored;
  shown = orphans ? n_visible_orphans : n_visible;
  if (!self->filtered)
    count = g_strdup_printf (ngettext ("%u highlight", "%u highlights", total), total);
  else
    count = g_strdup_printf (ngettext ("%u of %u highlight", "%u of %u highlights", total),
                             shown, total);
  gtk_label_set_text (self->count_label, count);

  gtk_widget_set_visible (self->toolbar, n_anchored + n_orphans > 0 || self->filtered);

  if (orphans)
    view = n_visible_orphans > 0 ? "orphans" : "no-matches";
  else if (n_anchored == 0)
    view = "empty";
  else
    view = n_visible > 0 ? "highlights" : "no-matches";

  /* "No Matches" has a Clear Filters button of its own: one is enough. */
  gtk_widget_set_visible (self->clear_button, self->filtered && !g_str_equal (view, "no-matches"));

  /* A page is hidden until first needed (mg-sidebar.ui). */
  gtk_widget_set_visible (gtk_stack_get_child_by_name (self->stack, view), TRUE);
  gtk_stack_set_visible_child_name (self->stack, view);
}

static void
annotations_changed_cb (MgSidebar  *self,
                        guint       position,
                        guint       removed,
                        guint       added,
                        GListModel *model)
{
  guint i;

  /* The list reports each edit as a change of the item: the search text
   * cached for it is stale. This handler runs before the filter models
   * see the change, as it was connected first. */
  for (i = 0; i < added; i++)
    {
      g_autoptr (MgAnnotation) annotation = g_list_model_get_item (model, position + i);

      _mg_sidebar_forget_haystack (annotation);
    }
}

static void
row_pressed_cb (GtkGestureClick *gesture,
                int              n_press,
                double           x,
                double           y,
                gpointer         user_data)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *target = gtk_widget_pick (row, x, y, GTK_PICK_DEFAULT);
  GtkWidget *button = target != NULL ? gtk_widget_get_ancestor (target, GTK_TYPE_BUTTON) : NULL;

  /* A press on one of the row's buttons (an orphan's Attach and Delete)
   * is the button's: a claim here would take the click from it. Denied,
   * the gesture also forgets the press, or it would wait for its end and
   * miss the next ones. */
  if (button != NULL && gtk_widget_is_ancestor (button, row))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      gtk_event_controller_reset (GTK_EVENT_CONTROLLER (gesture));
      return;
    }

  /* The row handles its clicks itself, see below. */
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* A click on a row selects it and goes to the highlight, like a click in
 * a navigation sidebar: GtkListView alone activates on a double click, or
 * selects on hover with single-click-activate. */
static void
row_released_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 GtkListItem     *item)
{
  GtkWidget *row = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *item_widget = gtk_widget_get_parent (row);
  guint      position = gtk_list_item_get_position (item);

  if (n_press != 1 || position == GTK_INVALID_LIST_POSITION)
    return;

  if (item_widget != NULL && gtk_widget_get_focusable (item_widget))
    gtk_widget_grab_focus (item_widget);
  gtk_widget_activate_action (row, "list.select-item", "(ubb)", position, FALSE, FALSE);
  gtk_widget_activate_action (row, "list.activate-item", "u", position);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              MgSidebar                *self)
{
  GtkWidget  *row = mg_annotation_row_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  /* The list item owns the row, which owns the gesture. */
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (row_pressed_cb), NULL);
  g_signal_connect (click, "released", G_CALLBACK (row_released_cb), item);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (click));

  gtk_list_item_set_child (item, row);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             MgSidebar                *self)
{
  MgAnnotationRow *row = MG_ANNOTATION_ROW (gtk_list_item_get_child (item));

  mg_annotation_row_set_annotation (row, gtk_list_item_get_item (item));
  if (self->bound_rows != NULL)
    g_hash_table_add (self->bound_rows, row);
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               MgSidebar                *self)
{
  MgAnnotationRow *row = MG_ANNOTATION_ROW (gtk_list_item_get_child (item));

  mg_annotation_row_set_annotation (row, NULL);
  if (self->bound_rows != NULL)
    g_hash_table_remove (self->bound_rows, row);
}

static void
teardown_row_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 MgSidebar                *self)
{
  GtkWidget *row = gtk_list_item_get_child (item);

  if (self->bound_rows != NULL && row != NULL)
    g_hash_table_remove (self->bound_rows, row);
}

static gboolean
update_dates_cb (gpointer user_data)
{
  MgSidebar *self = user_data;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  GHashTableIter iter;
  gpointer       row;

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    mg_annotation_row_update_date (row, now);

  return G_SOURCE_CONTINUE;
}

static void
list_activate_cb (GtkListView *view,
                  guint        position,
                  MgSidebar   *self)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_autoptr (MgAnnotation) annotation = g_list_model_get_item (model, position);

  if (annotation != NULL)
    g_signal_emit (self, signals[ANNOTATION_ACTIVATED], 0, annotation);
}

static gboolean
delete_selected_cb (GtkWidget *widget,
                    GVariant  *args,
                    gpointer   user_data)
{
  MgSidebar         *self = MG_SIDEBAR (user_data);
  GtkSelectionModel *model = gtk_list_view_get_model (GTK_LIST_VIEW (widget));
  MgAnnotation      *annotation = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (model));

  if (annotation == NULL)
    return FALSE;

  g_signal_emit (self, signals[DELETE_REQUESTED], 0, annotation);

  return TRUE;
}

static void
add_delete_shortcut (MgSidebar   *self,
                     GtkListView *view)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  GtkShortcutAction  *action = gtk_callback_action_new (delete_selected_cb, self, NULL);
  GtkShortcutTrigger *trigger = gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Delete, 0),
                                                             gtk_keyval_trigger_new (GDK_KEY_KP_Delete, 0));

  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                        gtk_shortcut_new (trigger, action));
  gtk_widget_add_controller (GTK_WIDGET (view), controller);
}

/* The current page's view and selection. */
static GtkSingleSelection *
current_selection (MgSidebar *self)
{
  return showing_orphans (self) ? self->orphan_selection : self->selection;
}

static GtkListView *
current_view (MgSidebar *self)
{
  return showing_orphans (self) ? self->orphan_view : self->list_view;
}

/* Scrolls the selected row into view once the list is laid out: a list
 * view scrolled before it has a size stays blank. */
static gboolean
scroll_to_selection_cb (gpointer user_data)
{
  MgSidebar *self = user_data;
  GtkWidget *view = GTK_WIDGET (current_view (self));
  guint      position;

  if (!gtk_widget_get_mapped (view))
    {
      /* Hidden (a folded flap): done when shown, see mg_sidebar_map(). */
      self->scroll_idle_id = 0;
      self->scroll_pending = TRUE;
      return G_SOURCE_REMOVE;
    }

  /* Shown but not yet laid out: the next frame comes first. */
  if (gtk_widget_get_height (view) == 0)
    return G_SOURCE_CONTINUE;

  self->scroll_idle_id = 0;
  self->scroll_pending = FALSE;

  position = gtk_single_selection_get_selected (current_selection (self));
  if (position != GTK_INVALID_LIST_POSITION)
    gtk_widget_activate_action (view, "list.scroll-to-item", "u", position);

  return G_SOURCE_REMOVE;
}

static void
scroll_to_selection (MgSidebar *self)
{
  if (self->scroll_idle_id == 0)
    self->scroll_idle_id = g_idle_add (scroll_to_selection_cb, self);
}

/* Enter in the search entry goes to the first result. */
static void
search_activate_cb (MgSidebar *self)
{
  GtkSingleSelection *selection = current_selection (self);

  /* The entry waits a moment before it reports a change. */
  mg_sidebar_set_search_text (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));

  if (_mg_sidebar_n_items (selection) == 0)
    return;

  gtk_single_selection_set_selected (selection, 0);
  scroll_to_selection (self);
  list_activate_cb (current_view (self), 0, self);
}

/* Both buttons call this when the page changes: first the one that went
 * off, then the one that went on. */
static void
page_toggled_cb (MgSidebar       *self,
                 GParamSpec      *pspec,
                 GtkToggleButton *button)
{
  _mg_sidebar_update_view (self);

  if (gtk_toggle_button_get_active (button))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
}

static MgAnnotation *
lookup_annotation (MgSidebar *self,
                   GVariant  *parameter)
{
  if (self->annotations == NULL)
    return NULL;

  return mg_annotation_list_lookup (self->annotations, g_variant_get_string (parameter, NULL));
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MgSidebar    *self = MG_SIDEBAR (widget);
  MgAnnotation *annotation = lookup_annotation (self, parameter);

  if (annotation != NULL)
    g_signal_emit (self, signals[DELETE_REQUESTED], 0, annotation);
}

static void
reattach_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MgSidebar    *self = MG_SIDEBAR (widget);
  MgAnnotation *annotation = lookup_annotation (self, parameter);

  if (annotation != NULL)
    g_signal_emit (self, signals[REATTACH_REQUESTED], 0, annotation);
}

MgSidebar *
mg_sidebar_new (void)
{
  return g_object_new (MG_TYPE_SIDEBAR, NULL);
}

MgAnnotationList *
mg_sidebar_get_annotations (MgSidebar *self)
{
  g_return_val_if_fail (MG_IS_SIDEBAR (self), NULL);

  return self->annotations;
}

/**
 * mg_sidebar_set_annotations:
 * @self: a #MgSidebar
 * @annotations: (nullable): the annotations of the open document
 *
 * Shows @annotations, and follows their changes.
 */
void
mg_sidebar_set_annotations (MgSidebar        *self,
                            MgAnnotationList *annotations)
{
  guint i, n;

  g_return_if_fail (MG_IS_SIDEBAR (self));
  g_return_if_fail (annotations == NULL || MG_IS_ANNOTATION_LIST (annotations));

  if (self->annotations == annotations)
    return;

  if (self->annotations != NULL)
    g_clear_signal_handler (&self->items_changed_handler, self->annotations);

  g_set_object (&self->annotations, annotations);

  if (annotations != NULL)
    {
      /* Whatever was cached while we were not listening may be stale. */
      n = _mg_sidebar_n_items (annotations);
      for (i = 0; i < n; i++)
        {
          g_autoptr (MgAnnotation) annotation = g_list_model_get_item (G_LIST_MODEL (annotations), i);

          _mg_sidebar_forget_haystack (annotation);
        }

      /* Before the filter models connect theirs: see annotations_changed_cb(). */
      self->items_changed_handler = g_signal_connect_swapped (annotations, "items-changed",
                                                              G_CALLBACK (annotations_changed_cb), self);
    }

  gtk_filter_list_model_set_model (self->anchored_model, G_LIST_MODEL (annotations));
  gtk_filter_list_model_set_model (self->orphan_model, G_LIST_MODEL (annotations));
  mg_tag_list_set_annotations (self->tags, annotations);

  _mg_sidebar_rebuild_tags (self);
  _mg_sidebar_update_view (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANNOTATIONS]);
}

/**
 * mg_sidebar_get_selected:
 * @self: a #MgSidebar
 *
 * Returns: (transfer none) (nullable): the annotation selected on the
 *   page shown
 */
MgAnnotation *
mg_sidebar_get_selected (MgSidebar *self)
{
  g_return_val_if_fail (MG_IS_SIDEBAR (self), NULL);

  return gtk_single_selection_get_selected_item (current_selection (self));
}

/**
 * mg_sidebar_select:
 * @self: a #MgSidebar
 * @annotation: (nullable): an annotation of the list (or a copy of one),
 *   or %NULL to unselect
 *
 * Selects @annotation and scrolls its row into view, switching to the
 * page of the orphans if it is one, and clearing the filters if they hide
 * it. Does not emit #MgSidebar::annotation-activated.
 */
void
mg_sidebar_select (MgSidebar    *self,
                   MgAnnotation *annotation)
{
  GtkSingleSelection *selection;
  guint               i, n;

  g_return_if_fail (MG_IS_SIDEBAR (self));
  g_return_if_fail (annotation == NULL || MG_IS_ANNOTATION (annotation));

  if (annotation != NULL && self->annotations != NULL)
    annotation = mg_annotation_list_lookup (self->annotations, mg_annotation_get_id (annotation));

  if (annotation == NULL)
    {
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      gtk_single_selection_set_selected (self->orphan_selection, GTK_INVALID_LIST_POSITION);
      return;
    }

  if (!mg_sidebar_annotation_matches (self, annotation))
    mg_sidebar_clear_filters (self);

  if (mg_annotation_get_state (annotation) == MG_ANNOTATION_STATE_ORPHANED)
    gtk_toggle_button_set_active (self->orphans_toggle, TRUE);
  else
    gtk_toggle_button_set_active (self->highlights_toggle, TRUE);

  selection = current_selection (self);
  n = _mg_sidebar_n_items (selection);
  for (i = 0; i < n; i++)
    {
      g_autoptr (MgAnnotation) item = g_list_model_get_item (G_LIST_MODEL (selection), i);

      if (item == annotation)
        break;
    }

  if (i == n)
    {
      gtk_single_selection_set_selected (selection, GTK_INVALID_LIST_POSITION);
      return;
    }

  gtk_single_selection_set_selected (selection, i);
  scroll_to_selection (self);
}

void
mg_sidebar_focus_search (MgSidebar *self)
{
  g_return_if_fail (MG_IS_SIDEBAR (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

/* The sort button shows the order: first to last in the text, or the
 * newest first. */
static void
update_sort_button (MgSidebar *self)
{
  gboolean by_date = g_strcmp0 (self->sort_order, "date") == 0;

  gtk_menu_button_set_icon_name (self->sort_button,
                                 by_date ? "view-sort-descending-symbolic" : "view-sort-ascending-symbolic");
  mg_tooltip_set (GTK_WIDGET (self->sort_button),
                  by_date ? _ ("Sorted by Date, Newest First") : _ ("Sorted by Position in the Text"));
}

/**
 * mg_sidebar_get_sort_order:
 * @self: a #MgSidebar
 *
 * Returns: "position" (document order) or "date" (newest first)
 */
const char *
mg_sidebar_get_sort_order (MgSidebar *self)
{
  g_return_val_if_fail (MG_IS_SIDEBAR (self), NULL);

  return self->sort_order;
}

void
mg_sidebar_set_sort_order (MgSidebar  *self,
                           const char *sort_order)
{
  GtkSorter *sorter;

  g_return_if_fail (MG_IS_SIDEBAR (self));
  g_return_if_fail (g_strcmp0 (sort_order, "position") == 0 || g_strcmp0 (sort_order, "date") == 0);

  if (g_strcmp0 (self->sort_order, sort_order) == 0)
    return;

  g_free (self->sort_order);
  self->sort_order = g_strdup (sort_order);

  /* The list is in document order already: no sorter is the cheapest. */
  sorter = g_str_equal (sort_order, "date") ? self->date_sorter : NULL;
  gtk_sort_list_model_set_sorter (self->sorted_model, sorter);
  gtk_sort_list_model_set_sorter (self->sorted_orphan_model, sorter);
  update_sort_button (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SORT_ORDER]);
}

/**
 * mg_sidebar_get_page:
 * @self: a #MgSidebar
 *
 * Returns: "highlights", or "orphans" for the page of the annotations
 *   not found in the text
 */
const char *
mg_sidebar_get_page (MgSidebar *self)
{
  g_return_val_if_fail (MG_IS_SIDEBAR (self), NULL);

  return showing_orphans (self) ? "orphans" : "highlights";
}

/**
 * mg_sidebar_set_page:
 * @self: a #MgSidebar
 * @page: "highlights" or "orphans"
 *
 * Shows a page. The orphans' page can only be shown while there are some.
 */
void
mg_sidebar_set_page (MgSidebar  *self,
                     const char *page)
{
  g_return_if_fail (MG_IS_SIDEBAR (self));
  g_return_if_fail (g_strcmp0 (page, "highlights") == 0 || g_strcmp0 (page, "orphans") == 0);

  if (g_str_equal (page, "orphans") && _mg_sidebar_n_items (self->orphan_model) > 0)
    gtk_toggle_button_set_active (self->orphans_toggle, TRUE);
  else
    gtk_toggle_button_set_active (self->highlights_toggle, TRUE);
}

/**
 * mg_sidebar_get_view:
 * @self: a #MgSidebar
 *
 * Returns: what the sidebar shows: "highlights" or "orphans" (a list),
 *   "empty" (no annotation yet) or "no-matches" (filters hide all)
 */
const char *
mg_sidebar_get_view (MgSidebar *self)
{
  g_return_val_if_fail (MG_IS_SIDEBAR (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * mg_sidebar_get_visible_model:
 * @self: a #MgSidebar
 *
 * Returns: (transfer none): the annotations listed on the page shown, in
 *   the order shown
 */
GListModel *
mg_sidebar_get_visible_model (MgSidebar *self)
{
  g_return_val_if_fail (MG_IS_SIDEBAR (self), NULL);

  return G_LIST_MODEL (current_selection (self));
}

const char *
mg_sidebar_get_count_text (MgSidebar *self)
{
  g_return_val_if_fail (MG_IS_SIDEBAR (self), NULL);

  return gtk_label_get_text (self->count_label);
}

guint
mg_sidebar_get_n_orphans (MgSidebar *self)
{
  g_return_val_if_fail (MG_IS_SIDEBAR (self), 0);

  return _mg_sidebar_n_items (self->orphan_model);
}

/**
 * mg_sidebar_set_n_unreadable:
 * @self: a #MgSidebar
 * @n_unreadable: how many saved entries could not be read
 *
 * Says, above the list, that @n_unreadable entries of the saved file
 * could not be read and are kept as they are (see
 * mg_store_get_n_unreadable()): without it, a file of such entries looks
 * like a document without highlights.
 */
void
mg_sidebar_set_n_unreadable (MgSidebar *self,
                             guint      n_unreadable)
{
  g_autofree char *text = NULL;

  g_return_if_fail (MG_IS_SIDEBAR (self));

  self->n_unreadable = n_unreadable;
  gtk_widget_set_visible (GTK_WIDGET (self->unreadable_label), n_unreadable > 0);
  if (n_unreadable == 0)
    return;

  /* Translators: in the sidebar, about the saved annotations file. */
  text = g_strdup_printf (ngettext ("%u saved entry could not be read and is kept as it is.",
                                    "%u saved entries could not be read and are kept as they are.",
                                    n_unreadable),
                          n_unreadable);
  gtk_label_set_text (self->unreadable_label, text);
}

/**
 * mg_sidebar_get_unreadable_text:
 * @self: a #MgSidebar
 *
 * Returns: (nullable): what the sidebar says about unreadable entries,
 *   if it says anything
 */
const char *
mg_sidebar_get_unreadable_text (MgSidebar *self)
{
  g_return_val_if_fail (MG_IS_SIDEBAR (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->unreadable_label)))
    return NULL;

  return gtk_label_get_text (self->unreadable_label);
}

/**
 * mg_sidebar_find_row:
 * @self: a #MgSidebar
 * @annotation: an annotation
 *
 * Returns: (transfer none) (nullable): the row showing @annotation, if it
 *   has one now (rows exist only around what is scrolled into view)
 */
MgAnnotationRow *
mg_sidebar_find_row (MgSidebar    *self,
                     MgAnnotation *annotation)
{
  GHashTableIter iter;
  gpointer       row;

  g_return_val_if_fail (MG_IS_SIDEBAR (self), NULL);

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    if (mg_annotation_row_get_annotation (row) == annotation)
      return row;

  return NULL;
}

static void
mg_sidebar_map (GtkWidget *widget)
{
  MgSidebar *self = MG_SIDEBAR (widget);

  GTK_WIDGET_CLASS (mg_sidebar_parent_class)->map (widget);

  /* "5 minutes ago" goes stale; rows not bound get the time on bind. */
  update_dates_cb (self);
  self->date_timeout_id = g_timeout_add_seconds (60, update_dates_cb, self);

  if (self->scroll_pending)
    scroll_to_selection (self);
}

static void
mg_sidebar_unmap (GtkWidget *widget)
{
  MgSidebar *self = MG_SIDEBAR (widget);

  g_clear_handle_id (&self->date_timeout_id, g_source_remove);

  GTK_WIDGET_CLASS (mg_sidebar_parent_class)->unmap (widget);
}

static void
mg_sidebar_dispose (GObject *object)
{
  MgSidebar *self = MG_SIDEBAR (object);

  g_clear_handle_id (&self->tags_idle_id, g_source_remove);
  g_clear_handle_id (&self->date_timeout_id, g_source_remove);
  g_clear_handle_id (&self->scroll_idle_id, g_source_remove);

  if (self->settings != NULL)
    g_settings_unbind (self, "sort-order");

  if (self->annotations != NULL)
    g_clear_signal_handler (&self->items_changed_handler, self->annotations);
  if (self->anchored_model != NULL)
    gtk_filter_list_model_set_model (self->anchored_model, NULL);
  if (self->orphan_model != NULL)
    gtk_filter_list_model_set_model (self->orphan_model, NULL);

  g_clear_pointer (&self->bound_rows, g_hash_table_unref);

  gtk_widget_dispose_template (GTK_WIDGET (self), MG_TYPE_SIDEBAR);

  g_clear_object (&self->selection);
  g_clear_object (&self->sorted_model);
  g_clear_object (&self->visible_model);
  g_clear_object (&self->anchored_model);
  g_clear_object (&self->orphan_selection);
  g_clear_object (&self->sorted_orphan_model);
  g_clear_object (&self->visible_orphan_model);
  g_clear_object (&self->orphan_model);
  g_clear_object (&self->anchored_filter);
  g_clear_object (&self->orphan_filter);
  g_clear_object (&self->match_filter);
  g_clear_object (&self->date_sorter);
  g_clear_object (&self->tag_model);
  g_clear_object (&self->tags);
  g_clear_object (&self->settings);
  g_clear_object (&self->annotations);

  G_OBJECT_CLASS (mg_sidebar_parent_class)->dispose (object);
}

static void
mg_sidebar_finalize (GObject *object)
{
  MgSidebar *self = MG_SIDEBAR (object);

  g_clear_pointer (&self->search_text, g_free);
  g_clear_pointer (&self->search_words, g_strfreev);
  g_clear_pointer (&self->tag_filter, g_free);
  g_clear_pointer (&self->sort_order, g_free);

  G_OBJECT_CLASS (mg_sidebar_parent_class)->finalize (object);
}

static void
mg_sidebar_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  MgSidebar *self = MG_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_ANNOTATIONS:
      g_value_set_object (value, self->annotations);
      break;

    case PROP_SEARCH_TEXT:
      g_value_set_string (value, self->search_text);
      break;

    case PROP_COLOR_FILTER:
      g_value_set_uint (value, self->color_filter);
      break;

    case PROP_TAG_FILTER:
      g_value_set_string (value, self->tag_filter);
      break;

    case PROP_SORT_ORDER:
      g_value_set_string (value, self->sort_order);
      break;

    case PROP_FILTERED:
      g_value_set_boolean (value, self->filtered);
      break;

    case PROP_PAGE:
      g_value_set_string (value, mg_sidebar_get_page (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_sidebar_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  MgSidebar *self = MG_SIDEBAR (object);

  switch (prop_id)
    {
    case PROP_ANNOTATIONS:
      mg_sidebar_set_annotations (self, g_value_get_object (value));
      break;

    case PROP_SEARCH_TEXT:
      mg_sidebar_set_search_text (self, g_value_get_string (value));
      break;

    case PROP_COLOR_FILTER:
      mg_sidebar_set_color_filter (self, g_value_get_uint (value));
      break;

    case PROP_TAG_FILTER:
      mg_sidebar_set_tag_filter (self, g_value_get_string (value));
      break;

    case PROP_SORT_ORDER:
      mg_sidebar_set_sort_order (self, g_value_get_string (value));
      break;

    case PROP_PAGE:
      mg_sidebar_set_page (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The tooltips of the sidebar's template, set here rather than in
 * mg-sidebar.ui: see mg-tooltip.c. */
static const MgTooltip sidebar_tooltips[] = {
  { "clear_filters_button", N_ ("Show all highlights") },
};

static void
mg_sidebar_class_init (MgSidebarClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mg_sidebar_dispose;
  object_class->finalize = mg_sidebar_finalize;
  object_class->get_property = mg_sidebar_get_property;
  object_class->set_property = mg_sidebar_set_property;

  widget_class->map = mg_sidebar_map;
  widget_class->unmap = mg_sidebar_unmap;

  properties[PROP_ANNOTATIONS] = g_param_spec_object ("annotations", NULL, NULL,
                                                      MG_TYPE_ANNOTATION_LIST,
                                                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SEARCH_TEXT] = g_param_spec_string ("search-text", NULL, NULL, "",
                                                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_COLOR_FILTER] = g_param_spec_uint ("color-filter", NULL, NULL,
                                                     0, (1u << MG_N_COLORS) - 1, 0,
                                                     G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_TAG_FILTER] = g_param_spec_string ("tag-filter", NULL, NULL, NULL,
                                                     G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SORT_ORDER] = g_param_spec_string ("sort-order", NULL, NULL, "position",
                                                     G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_FILTERED] = g_param_spec_boolean ("filtered", NULL, NULL, FALSE,
                                                    G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_PAGE] = g_param_spec_string ("page", NULL, NULL, "highlights",
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * MgSidebar::annotation-activated:
   * @self: the sidebar
   * @annotation: the annotation of the row
   *
   * A row was clicked, or Enter pressed on it (or in the search entry, for
   * the first result): the window shows the annotation in the text. It
   * may be an orphan, which has no place in the text.
   */
  signals[ANNOTATION_ACTIVATED] = g_signal_new ("annotation-activated",
                                                G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST,
                                                0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 1, MG_TYPE_ANNOTATION);

  /**
   * MgSidebar::delete-requested:
   * @self: the sidebar
   * @annotation: the annotation
   *
   * The user asked to delete @annotation: Delete on a row, the row's
   * button for an orphan, or the `sidebar.delete` action.
   */
  signals[DELETE_REQUESTED] = g_signal_new ("delete-requested",
                                            G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST,
                                            0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, MG_TYPE_ANNOTATION);

  /**
   * MgSidebar::reattach-requested:
   * @self: the sidebar
   * @annotation: an orphan
   *
   * The user asked to attach the orphan @annotation to the selected text
   * (the `sidebar.reattach` action).
   */
  signals[REATTACH_REQUESTED] = g_signal_new ("reattach-requested",
                                              G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST,
                                              0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, MG_TYPE_ANNOTATION);

  g_type_ensure (MG_TYPE_COLOR_SELECTOR);

  g_assert (mg_ui_get_resource () != NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mgsidebar");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mg-sidebar.ui");
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, main_box);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, switcher_revealer);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, highlights_toggle);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, orphans_toggle);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, toolbar);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, color_selector);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, tag_dropdown);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, count_label);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, unreadable_label);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, clear_button);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, sort_button);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, sort_menu);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, stack);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, list_view);
  gtk_widget_class_bind_template_child (widget_class, MgSidebar, orphan_view);
  mg_tooltip_class_bind (widget_class, sidebar_tooltips, G_N_ELEMENTS (sidebar_tooltips));
  gtk_widget_class_bind_template_callback (widget_class, page_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, setup_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, bind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, unbind_row_cb);
  gtk_widget_class_bind_template_callback (widget_class, teardown_row_cb);

  gtk_widget_class_install_action (widget_class, "sidebar.delete", "s", delete_action);
  gtk_widget_class_install_action (widget_class, "sidebar.reattach", "s", reattach_action);
  gtk_widget_class_install_property_action (widget_class, "sidebar.sort", "sort-order");

  _mg_sidebar_class_filter_init (widget_class);
}

static void
mg_sidebar_init (MgSidebar *self)
{
  /* Before the template: its sort menu reads the state of sidebar.sort. */
  self->bound_rows = g_hash_table_new (NULL, NULL);
  self->search_text = g_strdup ("");
  self->sort_order = g_strdup ("position");

  gtk_widget_init_template (GTK_WIDGET (self));
  mg_tooltip_set (GTK_WIDGET (self->highlights_toggle), _ ("Highlights found in the text"));
  mg_tooltip_set (GTK_WIDGET (self->orphans_toggle), _ ("Highlights whose passage is no longer in the text"));
  mg_tooltip_set (GTK_WIDGET (self->search_entry), _ ("Search passages, notes and tags"));
  mg_tooltip_set (GTK_WIDGET (self->tag_dropdown), _ ("Filter by Tag"));
  mg_tooltip_set (GTK_WIDGET (self->clear_button), _ ("Show all highlights"));
  mg_tooltip_set_all (GTK_WIDGET (self), MG_TYPE_SIDEBAR, sidebar_tooltips, G_N_ELEMENTS (sidebar_tooltips));
  _mg_sidebar_filter_init (self);
  mg_accessible_repair (GTK_WIDGET (self));
  mg_menu_button_set_model_on_demand (self->sort_button, self->sort_menu);
  update_sort_button (self);

  self->anchored_filter = GTK_FILTER (gtk_custom_filter_new (anchored_filter_func, NULL, NULL));
  self->orphan_filter = GTK_FILTER (gtk_custom_filter_new (orphan_filter_func, NULL, NULL));
  self->date_sorter = GTK_SORTER (gtk_custom_sorter_new (compare_by_date, NULL, NULL));

  self->anchored_model = gtk_filter_list_model_new (NULL, g_object_ref (self->anchored_filter));
  self->visible_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->anchored_model)),
                                                   g_object_ref (self->match_filter));
  self->sorted_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->visible_model)), NULL);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sorted_model)));

  self->orphan_model = gtk_filter_list_model_new (NULL, g_object_ref (self->orphan_filter));
  self->visible_orphan_model = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->orphan_model)),
                                                          g_object_ref (self->match_filter));
  self->sorted_orphan_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->visible_orphan_model)), NULL);
  self->orphan_selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sorted_orphan_model)));

  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_autoselect (self->orphan_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->orphan_selection, TRUE);

  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  gtk_list_view_set_model (self->orphan_view, GTK_SELECTION_MODEL (self->orphan_selection));
  add_delete_shortcut (self, self->list_view);
  add_delete_shortcut (self, self->orphan_view);

  g_signal_connect_swapped (self->anchored_model, "items-changed", G_CALLBACK (_mg_sidebar_update_view), self);
  g_signal_connect_swapped (self->sorted_model, "items-changed", G_CALLBACK (_mg_sidebar_update_view), self);
  g_signal_connect_swapped (self->orphan_model, "items-changed", G_CALLBACK (_mg_sidebar_update_view), self);
  g_signal_connect_swapped (self->sorted_orphan_model, "items-changed", G_CALLBACK (_mg_sidebar_update_view), self);

  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "sidebar-sort", self, "sort-order", G_SETTINGS_BIND_DEFAULT);

  _mg_sidebar_update_view (self);
}
