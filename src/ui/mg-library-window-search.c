/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-library-window"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-library-window-private.h"
#include "mg-note-markup.h"

/*
 * The library's search across every document (mg_library_search(): the
 * passages, notes, tags and titles, accent- and case-insensitive, with
 * phrases and prefixes, ranked), and its filters by colour and by tag.
 * The entry searches 150 ms after the last key (GtkSearchEntry's delay);
 * Ctrl+F focuses it, and typing anywhere in the window starts it.
 *
 * Results are grouped by document (a header with its title above the
 * first of each), the documents in the order of their best result; each
 * row shows the passage and the note with the matched words in bold,
 * and the tags. Activating one opens its document at the passage
 * (mg-library-window-open.c); a result of a document whose file is gone
 * shows that document's highlights.
 */

/* Enough rows for any reading of them; the index gives at most 1,000. */
#define MAX_ROWS 500
/* The passage and the note shown around their first matched word. */
#define QUOTE_MAX_CHARS 360
#define NOTE_MAX_CHARS 240
#define CONTEXT_CHARS 60

gboolean
_mg_library_window_is_searching (MgLibraryWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  return (text != NULL && *text != '\0') || self->tag_filter != NULL || mg_color_selector_get_selection (self->color_selector) != 0;
}

/* A row's colour mark ---------------------------------------------------- */

void
_mg_library_color_mark_set (GtkWidget *mark,
                            MgColor    color)
{
  static const char *color_classes[MG_N_COLORS] = {
    "mg-color-yellow",
    "mg-color-green",
    "mg-color-blue",
    "mg-color-pink",
    "mg-color-purple",
    "mg-color-orange",
  };
  const char *classes[3] = { "mg-color-mark", NULL, NULL };

  if ((guint) color < MG_N_COLORS)
    classes[1] = color_classes[color];
  gtk_widget_set_css_classes (mark, classes);
  gtk_accessible_update_property (GTK_ACCESSIBLE (mark),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, mg_color_get_label (color),
                                  -1);
}

/* Pango markup of @text with the @marks (byte ranges) in bold: the text
 * escaped piece by piece, never a mark cut. At most @max_chars characters
 * are shown (0: all), starting a little before the first mark, with "…"
 * where the text was cut. */
static char *
marked_markup (const char          *text,
               const MgLibraryMark *marks,
               guint                n_marks,
               guint                max_chars)
{
  GString *out = g_string_new (NULL);
  gsize    len = strlen (text);
  gsize    from = 0;
  gsize    to = len;
  gsize    pos;

  if (max_chars > 0 && (gsize) g_utf8_strlen (text, -1) > max_chars)
    {
      const char *start = text;

      /* Some words of context before the first mark. */
      if (n_marks > 0 && marks[0].start <= len)
        {
          const char *first = text + marks[0].start;

          start = first;
          for (guint i = 0; i < CONTEXT_CHARS && start > text; i++)
            start = g_utf8_prev_char (start);
        }
      from = start - text;
      to = g_utf8_offset_to_pointer (start, MIN ((glong) max_chars, g_utf8_strlen (start, -1))) - text;
      if (from > 0)
        g_string_append (out, "…");
    }

  pos = from;
  for (guint i = 0; i < n_marks && pos < to; i++)
    {
      gsize            start = CLAMP (marks[i].start, pos, to);
      gsize            end = CLAMP (marks[i].end, start, to);
      g_autofree char *before = g_markup_escape_text (text + pos, start - pos);
      g_autofree char *inside = g_markup_escape_text (text + start, end - start);

      g_string_append (out, before);
      if (end > start)
        g_string_append_printf (out, "<b>%s</b>", inside);
      pos = end;
    }
  if (pos < to)
    {
      g_autofree char *rest = g_markup_escape_text (text + pos, to - pos);

      g_string_append (out, rest);
    }
  if (to < len)
    g_string_append (out, "…");

  return g_string_free (out, FALSE);
}

static GtkWidget *
text_label (const char *css_class,
            gboolean    selectable)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), selectable);
  gtk_widget_add_css_class (label, css_class);

  return label;
}

/**
 * _mg_library_hit_row_new:
 * @hit: a search result, or an annotation of a document
 * @selectable: whether its texts can be selected and copied (the page of
 *   a document whose file is gone), shown whole; else shortened around
 *   the matched words
 *
 * Returns: (transfer floating): a #GtkListBoxRow showing @hit's colour,
 *   passage, note and tags, with @hit as its "mg-hit" data
 */
GtkWidget *
_mg_library_hit_row_new (MgLibraryHit *hit,
                         gboolean      selectable)
{
  GtkWidget           *row = gtk_list_box_row_new ();
  GtkWidget           *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget           *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget           *mark = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget           *quote = text_label ("mg-quote", selectable);
  const char          *note = mg_library_hit_get_note (hit);
  const char *const   *tags = mg_library_hit_get_tags (hit);
  const MgLibraryMark *marks;
  g_autofree char     *markup = NULL;
  guint                n_marks = 0;

  gtk_widget_add_css_class (row, "mg-hit-row");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "mg-hit", mg_library_hit_ref (hit), (GDestroyNotify) mg_library_hit_unref);

  gtk_accessible_update_property (GTK_ACCESSIBLE (mark), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  gtk_widget_set_size_request (mark, 4, -1);
  _mg_library_color_mark_set (mark, mg_library_hit_get_color (hit));
  gtk_box_append (GTK_BOX (box), mark);
  gtk_widget_set_hexpand (content, TRUE);
  gtk_box_append (GTK_BOX (box), content);

  marks = mg_library_hit_get_marks (hit, MG_LIBRARY_FIELD_QUOTE, &n_marks);
  markup = marked_markup (mg_library_hit_get_quote (hit), marks, n_marks, selectable ? 0 : QUOTE_MAX_CHARS);
  gtk_label_set_markup (GTK_LABEL (quote), markup);
  gtk_box_append (GTK_BOX (content), quote);

  if (note != NULL && *note != '\0')
    {
      GtkWidget *label = text_label ("mg-note", selectable);

      g_clear_pointer (&markup, g_free);
      marks = mg_library_hit_get_marks (hit, MG_LIBRARY_FIELD_NOTE, &n_marks);
      /* A note shown whole is its Markdown rendered; one with matches,
       * its text with them in bold. */
      if (selectable || n_marks == 0)
        markup = mg_note_markup (note, selectable ? G_MAXUINT : NOTE_MAX_CHARS, selectable ? 0 : MG_NOTE_MARKUP_ONE_LINE);
      else
        markup = marked_markup (note, marks, n_marks, NOTE_MAX_CHARS);
      gtk_label_set_markup (GTK_LABEL (label), markup);
      gtk_box_append (GTK_BOX (content), label);
    }

  if (tags != NULL && tags[0] != NULL)
    {
      GtkWidget *label = text_label ("mg-tags", selectable);
      GString   *text = g_string_new (NULL);

      for (guint i = 0; tags[i] != NULL; i++)
        g_string_append_printf (text, "%s#%s", i > 0 ? "  " : "", tags[i]);
      gtk_label_set_text (GTK_LABEL (label), text->str);
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (content), label);
      g_string_free (text, TRUE);
    }

  return row;
}

/* Results ------------------------------------------------------------------ */

static MgLibraryHit *
row_hit (GtkListBoxRow *row)
{
  return row != NULL ? g_object_get_data (G_OBJECT (row), "mg-hit") : NULL;
}

/* A header with the document's title above its first result. */
static void
header_func (GtkListBoxRow *row,
             GtkListBoxRow *before,
             gpointer       user_data)
{
  MgLibraryWindow     *self = user_data;
  MgLibraryHit        *hit = row_hit (row);
  MgLibraryHit        *previous = row_hit (before);
  MgLibraryDocument   *document;
  GtkWidget           *header;
  GtkWidget           *title;
  const MgLibraryMark *marks;
  g_autofree char     *markup = NULL;
  guint                n_marks = 0;

  if (previous != NULL && g_strcmp0 (mg_library_hit_get_document_id (hit), mg_library_hit_get_document_id (previous)) == 0)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_add_css_class (header, "mg-hit-header");
  title = gtk_label_new (NULL);
  marks = mg_library_hit_get_marks (hit, MG_LIBRARY_FIELD_TITLE, &n_marks);
  markup = marked_markup (mg_library_hit_get_document_title (hit), marks, n_marks, 0);
  gtk_label_set_markup (GTK_LABEL (title), markup);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (header), title);

  document = mg_library_find_document (self->library, mg_library_hit_get_document_id (hit));
  if (document != NULL && mg_library_document_get_state (document) != MG_LIBRARY_DOCUMENT_OK)
    {
      GtkWidget *missing = gtk_label_new (_ ("File not found"));

      gtk_widget_add_css_class (missing, "caption");
      gtk_widget_add_css_class (missing, "warning");
      gtk_box_append (GTK_BOX (header), missing);
    }

  gtk_list_box_row_set_header (row, header);
}

static void
clear_results (MgLibraryWindow *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->results_list))) != NULL)
    gtk_list_box_remove (self->results_list, child);
  self->n_results = 0;
}

/* The hits in groups, one per document, the documents in the order of
 * their best hit (the index ranks them), the hits of each in rank order;
 * only those in @colors when it is not 0. */
static GPtrArray *
group_hits (GPtrArray *hits,
            guint      colors)
{
  g_autoptr (GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) order = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *grouped = g_ptr_array_new ();

  for (guint i = 0; i < hits->len; i++)
    {
      MgLibraryHit *hit = g_ptr_array_index (hits, i);
      const char   *id = mg_library_hit_get_document_id (hit);
      GPtrArray    *group;

      if (colors != 0 && (colors & MG_COLOR_BIT (mg_library_hit_get_color (hit))) == 0)
        continue;

      group = g_hash_table_lookup (groups, id);
      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (groups, (gpointer) id, group);
          g_ptr_array_add (order, group);
        }
      g_ptr_array_add (group, hit);
    }

  for (guint i = 0; i < order->len; i++)
    {
      GPtrArray *group = g_ptr_array_index (order, i);

      g_ptr_array_extend (grouped, group, NULL, NULL);
    }

  return grouped;
}

/* The one colour of @colors, when it holds exactly one: the index filters
 * by it. */
static const char *
single_color (guint colors)
{
  for (guint i = 0; i < MG_N_COLORS; i++)
    if (colors == MG_COLOR_BIT (i))
      return mg_color_to_string (i);

  return NULL;
}

/* Runs the search now, with the query and the filters. */
void
_mg_library_window_refresh_search (MgLibraryWindow *self)
{
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint       colors = mg_color_selector_get_selection (self->color_selector);
  const char *color = single_color (colors);
  g_autoptr (GPtrArray) hits = NULL;
  g_autoptr (GPtrArray) grouped = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) documents = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *count = NULL;

  g_clear_handle_id (&self->search_source, g_source_remove);
  gtk_widget_set_visible (self->clear_filters_button, colors != 0 || self->tag_filter != NULL);
  clear_results (self);

  if (!_mg_library_window_is_searching (self))
    {
      gtk_label_set_text (self->results_count_label, "");
      _mg_library_window_update_page (self);
      return;
    }

  hits = mg_library_search (self->library, query, color, self->tag_filter, &error);
  if (hits == NULL)
    {
      g_message ("Search for “%s” failed: %s", query, error->message);
      adw_status_page_set_description (self->no_results_page, error->message);
      gtk_label_set_text (self->results_count_label, "");
      _mg_library_window_update_page (self);
      return;
    }
  adw_status_page_set_description (self->no_results_page,
                                   _ ("No highlight, note, tag or title matches. Try other words, or clear the filters."));

  grouped = group_hits (hits, color == NULL ? colors : 0);
  for (guint i = 0; i < grouped->len && i < MAX_ROWS; i++)
    {
      MgLibraryHit *hit = g_ptr_array_index (grouped, i);

      gtk_list_box_append (self->results_list, _mg_library_hit_row_new (hit, FALSE));
      g_hash_table_add (documents, (gpointer) mg_library_hit_get_document_id (hit));
    }
  self->n_results = grouped->len;

  if (grouped->len > 0)
    {
      /* Translators: the first %s is "N results", the second "in M documents". */
      g_autofree char *results = g_strdup_printf (ngettext ("%u result", "%u results", grouped->len), grouped->len);
      g_autofree char *in = g_strdup_printf (ngettext ("in %u document", "in %u documents", g_hash_table_size (documents)),
                                             g_hash_table_size (documents));

      count = g_strdup_printf (C_ ("search results", "%s %s"), results, in);
    }
  gtk_label_set_text (self->results_count_label, count != NULL ? count : "");
  _mg_library_window_update_page (self);
}

static void
search_changed_cb (MgLibraryWindow *self)
{
  _mg_library_window_refresh_search (self);
}

static void
stop_search_cb (MgLibraryWindow *self)
{
  if (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "library.clear-filters", NULL);
}

static void
result_activated_cb (MgLibraryWindow *self,
                     GtkListBoxRow   *row)
{
  MgLibraryHit      *hit = row_hit (row);
  MgLibraryDocument *document;
  GtkApplication    *app = gtk_window_get_application (GTK_WINDOW (self));

  if (hit == NULL)
    return;

  document = mg_library_find_document (self->library, mg_library_hit_get_document_id (hit));
  if (document != NULL && (mg_library_document_get_state (document) != MG_LIBRARY_DOCUMENT_OK || mg_library_hit_get_document_uri (hit) == NULL))
    {
      _mg_library_window_show_detail (self, document);
      return;
    }

  if (app != NULL && mg_library_hit_get_document_uri (hit) != NULL)
    mg_library_open_document (app, mg_library_hit_get_document_uri (hit), mg_library_hit_get_annotation_id (hit));
}

/* Tags ----------------------------------------------------------------- */

static void fill_tags (MgLibraryWindow *self);

static void
set_tag_filter (MgLibraryWindow *self,
                const char      *tag)
{
  if (tag != NULL && *tag == '\0')
    tag = NULL;
  if (g_strcmp0 (self->tag_filter, tag) == 0)
    return;

  g_free (self->tag_filter);
  self->tag_filter = g_strdup (tag);
  if (tag != NULL)
    {
      g_autofree char *label = g_strdup_printf ("#%s", tag);

      gtk_menu_button_set_label (self->tag_button, label);
      gtk_widget_add_css_class (GTK_WIDGET (self->tag_button), "mg-filtering");
    }
  else
    {
      gtk_menu_button_set_label (self->tag_button, _ ("Tags"));
      gtk_widget_remove_css_class (GTK_WIDGET (self->tag_button), "mg-filtering");
    }
  _mg_library_window_refresh_search (self);
}

static GtkWidget *
tag_row_new (const char *name,
             const char *label,
             guint       count)
{
  GtkWidget       *row = gtk_list_box_row_new ();
  GtkWidget       *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget       *name_label = gtk_label_new (label);
  g_autofree char *number = g_strdup_printf ("%u", count);
  GtkWidget       *count_label = gtk_label_new (number);

  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name_label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (name_label), 32);
  gtk_widget_set_hexpand (name_label, TRUE);
  gtk_widget_add_css_class (count_label, "dim-label");
  gtk_widget_add_css_class (count_label, "numeric");
  gtk_widget_set_visible (count_label, count > 0);
  gtk_box_append (GTK_BOX (box), name_label);
  gtk_box_append (GTK_BOX (box), count_label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data_full (G_OBJECT (row), "mg-tag", g_strdup (name), g_free);

  return row;
}

/* The tags of the whole library with their counts, in the Tags popover:
 * counted when it opens (a query over every annotation), not before. */
void
_mg_library_window_update_tags (MgLibraryWindow *self)
{
  GtkPopover *popover = gtk_menu_button_get_popover (self->tag_button);

  self->tags_dirty = TRUE;
  if (popover != NULL && gtk_widget_get_visible (GTK_WIDGET (popover)))
    fill_tags (self);
}

static void
tags_shown_cb (MgLibraryWindow *self)
{
  if (self->tags_dirty)
    fill_tags (self);
}

static void
fill_tags (MgLibraryWindow *self)
{
  g_autoptr (GPtrArray) tags = mg_library_list_tags (self->library);
  GtkWidget *child;

  self->tags_dirty = FALSE;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tag_list))) != NULL)
    gtk_list_box_remove (self->tag_list, child);

  gtk_list_box_append (self->tag_list, tag_row_new ("", _ ("All Tags"), 0));
  for (guint i = 0; tags != NULL && i < tags->len; i++)
    {
      MgLibraryTag    *tag = g_ptr_array_index (tags, i);
      g_autofree char *label = g_strdup_printf ("#%s", tag->name);
      g_autofree char *accessible = NULL;
      GtkWidget       *row = tag_row_new (tag->name, label, tag->count);

      accessible = g_strdup_printf (ngettext ("#%s, %u highlight", "#%s, %u highlights", tag->count), tag->name, tag->count);
      gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      gtk_list_box_append (self->tag_list, row);
    }

  if (tags == NULL || tags->len == 0)
    gtk_list_box_append (self->tag_list, tag_row_new ("", _ ("No tags yet"), 0));
}

static void
tag_activated_cb (MgLibraryWindow *self,
                  GtkListBoxRow   *row)
{
  gtk_menu_button_popdown (self->tag_button);
  set_tag_filter (self, g_object_get_data (G_OBJECT (row), "mg-tag"));
}

/* Actions ---------------------------------------------------------------- */

static void
focus_search_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  MgLibraryWindow *self = MG_LIBRARY_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->library_page);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MgLibraryWindow *self = MG_LIBRARY_WINDOW (widget);

  mg_color_selector_set_selection (self->color_selector, 0);
  set_tag_filter (self, NULL);
  _mg_library_window_refresh_search (self);
}

static void
filter_tag_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  set_tag_filter (MG_LIBRARY_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

void
_mg_library_window_class_search_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "library.focus-search", NULL, focus_search_action);
  gtk_widget_class_install_action (widget_class, "library.clear-filters", NULL, clear_filters_action);
  gtk_widget_class_install_action (widget_class, "library.filter-tag", "s", filter_tag_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "library.focus-search", NULL);
}

void
_mg_library_window_search_init (MgLibraryWindow *self)
{
  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "stop-search", G_CALLBACK (stop_search_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->color_selector, "notify::selection", G_CALLBACK (search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->results_list, "row-activated", G_CALLBACK (result_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->tag_list, "row-activated", G_CALLBACK (tag_activated_cb), self, G_CONNECT_SWAPPED);
  gtk_list_box_set_header_func (self->results_list, header_func, self, NULL);
  g_signal_connect_object (gtk_menu_button_get_popover (self->tag_button), "show", G_CALLBACK (tags_shown_cb), self, G_CONNECT_SWAPPED);
  /* Typing anywhere in the list searches. */
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->library_page));
  self->tags_dirty = TRUE;
}

void
_mg_library_window_search_dispose (MgLibraryWindow *self)
{
  g_clear_handle_id (&self->search_source, g_source_remove);
  if (self->results_list != NULL)
    gtk_list_box_set_header_func (self->results_list, NULL, NULL, NULL);
}
