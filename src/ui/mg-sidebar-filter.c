/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-sidebar"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-accessible.h"
#include "mg-color-selector.h"
#include "mg-sidebar-private.h"
#include "mg-text-fold.h"
#include "mg-tooltip.h"

/*
 * The sidebar's filters: the search entry (every word, in the passage, the
 * note or the tags, ignoring case and accents), the colour chips (an
 * #MgColorSelector bound to #MgSidebar:color-filter) and the tag
 * drop-down (the tags of an #MgTagList). One #GtkCustomFilter applies them
 * to both pages; each change tells it whether it made the filter stricter
 * or looser, so that the filter models only look at what can change.
 */

static GQuark haystack_quark;

/* What a search looks in: the passage, the note and the tags, folded.
 * It is kept on the annotation until the list reports it changed (see
 * annotations_changed_cb()), so typing a query does not fold ten thousand
 * passages for each key. */
static const char *
get_haystack (MgAnnotation *annotation)
{
  const char *haystack = g_object_get_qdata (G_OBJECT (annotation), haystack_quark);

  if (haystack == NULL)
    {
      const char *const *tags = mg_annotation_get_tags (annotation);
      GString           *text = g_string_new (mg_annotation_get_exact (annotation));
      char              *folded;
      guint              i;

      g_string_append_c (text, '\n');
      g_string_append (text, mg_annotation_get_note (annotation));
      for (i = 0; tags[i] != NULL; i++)
        {
          g_string_append (text, "\n#");
          g_string_append (text, tags[i]);
        }

      folded = mg_text_fold (text->str, MG_TEXT_FOLD_SEARCH);
      g_string_free (text, TRUE);
      g_object_set_qdata_full (G_OBJECT (annotation), haystack_quark, folded, g_free);
      haystack = folded;
    }

  return haystack;
}

void
_mg_sidebar_forget_haystack (MgAnnotation *annotation)
{
  g_object_set_qdata (G_OBJECT (annotation), haystack_quark, NULL);
}

/* Returns: (transfer full) (nullable): the words of @text, folded, or
 * %NULL when there are none */
static GStrv
split_words (const char *text)
{
  g_autofree char *folded = mg_text_fold (text, MG_TEXT_FOLD_SEARCH);
  g_auto (GStrv) parts = NULL;
  GPtrArray *words = g_ptr_array_new ();
  guint      i;

  parts = g_strsplit_set (folded, " \t\n\r\f\v", -1);
  for (i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_ptr_array_add (words, g_strdup (parts[i]));

  if (words->len == 0)
    {
      g_ptr_array_free (words, TRUE);
      return NULL;
    }

  g_ptr_array_add (words, NULL);

  return (GStrv) g_ptr_array_free (words, FALSE);
}

/* Whether each word of @a is inside a word of @b: then whatever matches
 * all of @b also matches all of @a. */
static gboolean
words_covered (const char *const *a,
               const char *const *b)
{
  guint i, j;

  if (a == NULL)
    return TRUE;
  if (b == NULL)
    return FALSE;

  for (i = 0; a[i] != NULL; i++)
    {
      gboolean found = FALSE;

      for (j = 0; b[j] != NULL && !found; j++)
        found = strstr (b[j], a[i]) != NULL;

      if (!found)
        return FALSE;
    }

  return TRUE;
}

/**
 * mg_sidebar_annotation_matches:
 * @self: a #MgSidebar
 * @annotation: an annotation
 *
 * Whether @annotation passes the filters the user set: search words (all
 * of them in the passage, the note or the tags, ignoring case and
 * accents), colours and tag. Whether it is an orphan does not matter.
 *
 * Returns: %TRUE if the sidebar would show @annotation
 */
gboolean
mg_sidebar_annotation_matches (MgSidebar    *self,
                               MgAnnotation *annotation)
{
  guint i;

  g_return_val_if_fail (MG_IS_SIDEBAR (self), FALSE);
  g_return_val_if_fail (MG_IS_ANNOTATION (annotation), FALSE);

  if (self->color_filter != 0 && (self->color_filter & MG_SIDEBAR_COLOR_BIT (mg_annotation_get_color (annotation))) == 0)
    return FALSE;

  if (self->tag_filter != NULL && !mg_annotation_has_tag (annotation, self->tag_filter))
    return FALSE;

  if (self->search_words != NULL)
    {
      const char *haystack = get_haystack (annotation);

      for (i = 0; self->search_words[i] != NULL; i++)
        if (strstr (haystack, self->search_words[i]) == NULL)
          return FALSE;
    }

  return TRUE;
}

static gboolean
match_filter_func (gpointer item,
                   gpointer user_data)
{
  return mg_sidebar_annotation_matches (MG_SIDEBAR (user_data), MG_ANNOTATION (item));
}

/* Called after any filter changed, with how it changed. */
static void
filters_changed (MgSidebar      *self,
                 GtkFilterChange change)
{
  gboolean filtered;

  gtk_filter_changed (self->match_filter, change);

  filtered = self->search_words != NULL || self->color_filter != 0 || self->tag_filter != NULL;
  if (filtered != self->filtered)
    {
      self->filtered = filtered;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "sidebar.clear-filters", filtered);
      g_object_notify (G_OBJECT (self), "filtered");
    }

  _mg_sidebar_update_view (self);
}

static void
sync_tag_selection (MgSidebar *self)
{
  guint n = _mg_sidebar_n_items (self->tag_model);
  guint selected = 0;
  guint i;

  if (self->tag_filter != NULL)
    for (i = 1; i < n && selected == 0; i++)
      if (g_strcmp0 (gtk_string_list_get_string (self->tag_model, i), self->tag_filter) == 0)
        selected = i;

  self->updating_tags = TRUE;
  gtk_drop_down_set_selected (self->tag_dropdown, selected);
  self->updating_tags = FALSE;
}

/* Fills the tag filter with the tags used in the document, in the order
 * of the #MgTagList, and the tag filtered by even if no longer used (so
 * the user sees why nothing matches). */
void
_mg_sidebar_rebuild_tags (MgSidebar *self)
{
  g_auto (GStrv) names = mg_tag_list_dup_names (self->tags);
  g_autoptr (GPtrArray) tags = g_ptr_array_new ();
  guint    n_old = _mg_sidebar_n_items (self->tag_model) - 1;
  gboolean same;
  guint    i;

  g_clear_handle_id (&self->tags_idle_id, g_source_remove);

  for (i = 0; names[i] != NULL; i++)
    g_ptr_array_add (tags, names[i]);

  if (self->tag_filter != NULL && mg_tag_list_lookup (self->tags, self->tag_filter) == NULL)
    {
      for (i = 0; i < tags->len; i++)
        if (mg_tag_list_compare_names (self->tag_filter, g_ptr_array_index (tags, i)) < 0)
          break;
      g_ptr_array_insert (tags, i, self->tag_filter);
    }

  same = tags->len == n_old;
  for (i = 0; same && i < tags->len; i++)
    same = g_strcmp0 (g_ptr_array_index (tags, i), gtk_string_list_get_string (self->tag_model, i + 1)) == 0;

  if (!same)
    {
      g_ptr_array_add (tags, NULL);
      self->updating_tags = TRUE;
      gtk_string_list_splice (self->tag_model, 1, n_old, (const char *const *) tags->pdata);
      self->updating_tags = FALSE;
      g_ptr_array_set_size (tags, tags->len - 1);
    }

  sync_tag_selection (self);
  gtk_widget_set_visible (GTK_WIDGET (self->tag_dropdown), tags->len > 0);
  /* A search in the popover pays off only with many tags. */
  gtk_drop_down_set_enable_search (self->tag_dropdown, tags->len > 10);
}

static gboolean
rebuild_tags_cb (gpointer user_data)
{
  MgSidebar *self = user_data;

  self->tags_idle_id = 0;
  _mg_sidebar_rebuild_tags (self);

  return G_SOURCE_REMOVE;
}

static void
tag_selected_cb (MgSidebar *self)
{
  guint selected;

  if (self->updating_tags)
    return;

  selected = gtk_drop_down_get_selected (self->tag_dropdown);
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION)
    mg_sidebar_set_tag_filter (self, NULL);
  else
    mg_sidebar_set_tag_filter (self, gtk_string_list_get_string (self->tag_model, selected));
}

static void
setup_tag_item_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_max_width_chars (GTK_LABEL (label), GPOINTER_TO_INT (user_data));
  gtk_list_item_set_child (item, label);
}

/* In the list, a tag up to its label's max-width-chars is shown whole:
 * its width is the label's least, so the list grows to it (the drop-down's
 * list is only ever as wide as its rows' least width). A longer one is cut
 * in the middle, where two tags that start alike still differ, and is
 * whole in a tooltip; so is one cut in the button, which stays narrow. */
static void
bind_tag_item_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkLabel        *label = GTK_LABEL (gtk_list_item_get_child (item));
  GtkStringObject *string = gtk_list_item_get_item (item);
  const char      *text = gtk_string_object_get_string (string);
  int              max = gtk_label_get_max_width_chars (label);
  gboolean         in_list = GPOINTER_TO_INT (user_data);
  gboolean         cut = g_utf8_strlen (text, -1) > max;

  gtk_label_set_text (label, text);
  gtk_label_set_ellipsize (label, cut || !in_list ? PANGO_ELLIPSIZE_MIDDLE : PANGO_ELLIPSIZE_NONE);
  gtk_label_set_width_chars (label, cut && in_list ? max : -1);
  mg_tooltip_set (GTK_WIDGET (label), cut ? text : NULL);
}

static GtkListItemFactory *
tag_factory_new (int      max_width_chars,
                 gboolean in_list)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_tag_item_cb), GINT_TO_POINTER (max_width_chars));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_tag_item_cb), GINT_TO_POINTER (in_list));

  return factory;
}

/* The drop-down follows the tags in use once after a burst of changes,
 * such as a store adding annotations one by one. */
static void
tags_changed_cb (MgSidebar *self)
{
  if (self->tags_idle_id == 0)
    self->tags_idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, rebuild_tags_cb, self, NULL);
}

static void
search_changed_cb (MgSidebar *self)
{
  mg_sidebar_set_search_text (self, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
stop_search_cb (MgSidebar *self)
{
  mg_sidebar_set_search_text (self, "");
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  mg_sidebar_clear_filters (MG_SIDEBAR (widget));
}

/**
 * mg_sidebar_get_filtered:
 * @self: a #MgSidebar
 *
 * Returns: whether a search, colour or tag filter hides some annotations
 */
gboolean
mg_sidebar_get_filtered (MgSidebar *self)
{
  g_return_val_if_fail (MG_IS_SIDEBAR (self), FALSE);

  return self->filtered;
}

void
mg_sidebar_clear_filters (MgSidebar *self)
{
  g_return_if_fail (MG_IS_SIDEBAR (self));

  mg_sidebar_set_search_text (self, "");
  mg_sidebar_set_color_filter (self, 0);
  mg_sidebar_set_tag_filter (self, NULL);
}

const char *
mg_sidebar_get_search_text (MgSidebar *self)
{
  g_return_val_if_fail (MG_IS_SIDEBAR (self), NULL);

  return self->search_text;
}

/**
 * mg_sidebar_set_search_text:
 * @self: a #MgSidebar
 * @text: (nullable): the search, as typed
 *
 * Searches as if @text was typed in the search entry.
 */
void
mg_sidebar_set_search_text (MgSidebar  *self,
                            const char *text)
{
  g_auto (GStrv) words = NULL;
  gboolean stricter, looser;

  g_return_if_fail (MG_IS_SIDEBAR (self));

  if (text == NULL)
    text = "";

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);

  if (g_strcmp0 (self->search_text, text) == 0)
    return;

  g_free (self->search_text);
  self->search_text = g_strdup (text);

  words = split_words (text);
  stricter = words_covered ((const char *const *) self->search_words, (const char *const *) words);
  looser = words_covered ((const char *const *) words, (const char *const *) self->search_words);
  g_strfreev (self->search_words);
  self->search_words = g_steal_pointer (&words);

  /* Same words: nothing to filter again. */
  if (stricter && looser)
    ;
  else if (stricter)
    filters_changed (self, GTK_FILTER_CHANGE_MORE_STRICT);
  else if (looser)
    filters_changed (self, GTK_FILTER_CHANGE_LESS_STRICT);
  else
    filters_changed (self, GTK_FILTER_CHANGE_DIFFERENT);

  g_object_notify (G_OBJECT (self), "search-text");
}

/**
 * mg_sidebar_get_color_filter:
 * @self: a #MgSidebar
 *
 * Returns: the colours shown, as a mask of MG_SIDEBAR_COLOR_BIT(); 0 when
 *   all are
 */
guint
mg_sidebar_get_color_filter (MgSidebar *self)
{
  g_return_val_if_fail (MG_IS_SIDEBAR (self), 0);

  return self->color_filter;
}

void
mg_sidebar_set_color_filter (MgSidebar *self,
                             guint      colors)
{
  guint old;

  g_return_if_fail (MG_IS_SIDEBAR (self));

  colors &= (1u << MG_N_COLORS) - 1;
  if (self->color_filter == colors)
    return;

  old = self->color_filter;
  self->color_filter = colors;

  if (old == 0 || (colors != 0 && (colors & ~old) == 0))
    filters_changed (self, GTK_FILTER_CHANGE_MORE_STRICT);
  else if (colors == 0 || (old & ~colors) == 0)
    filters_changed (self, GTK_FILTER_CHANGE_LESS_STRICT);
  else
    filters_changed (self, GTK_FILTER_CHANGE_DIFFERENT);

  g_object_notify (G_OBJECT (self), "color-filter");
}

/**
 * mg_sidebar_get_tag_filter:
 * @self: a #MgSidebar
 *
 * Returns: (nullable): the tag the annotations shown must have, or %NULL
 */
const char *
mg_sidebar_get_tag_filter (MgSidebar *self)
{
  g_return_val_if_fail (MG_IS_SIDEBAR (self), NULL);

  return self->tag_filter;
}

void
mg_sidebar_set_tag_filter (MgSidebar  *self,
                           const char *tag)
{
  g_autofree char *old = NULL;

  g_return_if_fail (MG_IS_SIDEBAR (self));

  if (tag != NULL && tag[0] == '\0')
    tag = NULL;

  if (g_strcmp0 (self->tag_filter, tag) == 0)
    return;

  old = g_steal_pointer (&self->tag_filter);
  self->tag_filter = g_strdup (tag);

  /* The drop-down may not list it yet, or may list the old one only
   * because it was filtered by. */
  _mg_sidebar_rebuild_tags (self);

  if (old == NULL)
    filters_changed (self, GTK_FILTER_CHANGE_MORE_STRICT);
  else if (tag == NULL)
    filters_changed (self, GTK_FILTER_CHANGE_LESS_STRICT);
  else
    filters_changed (self, GTK_FILTER_CHANGE_DIFFERENT);

  g_object_notify (G_OBJECT (self), "tag-filter");
}

/**
 * mg_sidebar_dup_tags:
 * @self: a #MgSidebar
 *
 * Returns: (transfer full): the tags offered by the tag filter
 */
GStrv
mg_sidebar_dup_tags (MgSidebar *self)
{
  GStrvBuilder *builder;
  GStrv         tags;
  guint         i, n;

  g_return_val_if_fail (MG_IS_SIDEBAR (self), NULL);

  if (self->tags_idle_id != 0)
    _mg_sidebar_rebuild_tags (self);

  builder = g_strv_builder_new ();
  n = _mg_sidebar_n_items (self->tag_model);
  for (i = 1; i < n; i++)
    g_strv_builder_add (builder, gtk_string_list_get_string (self->tag_model, i));
  tags = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);

  return tags;
}

void
_mg_sidebar_class_filter_init (GtkWidgetClass *widget_class)
{
  haystack_quark = g_quark_from_static_string ("mg-sidebar-haystack");

  g_type_ensure (MG_TYPE_COLOR_SELECTOR);

  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);

  gtk_widget_class_install_action (widget_class, "sidebar.clear-filters", NULL, clear_filters_action);
}

/* After the template, before the list models that use the filter. */
void
_mg_sidebar_filter_init (MgSidebar *self)
{
  g_autoptr (GtkListItemFactory) tag_factory = tag_factory_new (12, FALSE);
  g_autoptr (GtkListItemFactory) tag_list_factory = tag_factory_new (28, TRUE);
  g_autoptr (GtkExpression) tag_expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");

  self->match_filter = GTK_FILTER (gtk_custom_filter_new (match_filter_func, self, NULL));

  g_object_bind_property (self, "color-filter", self->color_selector, "selection",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  self->tags = mg_tag_list_new (NULL);
  g_signal_connect_object (self->tags, "items-changed", G_CALLBACK (tags_changed_cb), self, G_CONNECT_SWAPPED);
  self->tag_model = gtk_string_list_new (NULL);
  gtk_string_list_append (self->tag_model, _ ("All Tags"));
  gtk_drop_down_set_factory (self->tag_dropdown, tag_factory);
  gtk_drop_down_set_list_factory (self->tag_dropdown, tag_list_factory);
  gtk_drop_down_set_expression (self->tag_dropdown, tag_expression);
  gtk_drop_down_set_model (self->tag_dropdown, G_LIST_MODEL (self->tag_model));
  mg_accessible_label_inner_button (GTK_WIDGET (self->tag_dropdown), NULL, _ ("Filter by Tag"));
  g_signal_connect_swapped (self->tag_dropdown, "notify::selected", G_CALLBACK (tag_selected_cb), self);
  /* The button is at the sidebar's end: its list, as wide as its tags,
   * opens towards the window rather than past its edge. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->tag_dropdown)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER (child))
      gtk_widget_set_halign (child, GTK_ALIGN_END);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sidebar.clear-filters", FALSE);
}
