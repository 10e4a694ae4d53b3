/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-library-row"

#include "config.h"

#include <glib/gi18n.h>

#include "mg-annotation-row.h"
#include "mg-library-window-private.h"

/* A row of the library's list of documents: the title; where the file is
 * (its folder, with the home folder as "~"), or "File not found" as a
 * warning; the colours used, as dots; how many highlights; when it was
 * last read ("Yesterday"); how far, as a thin level bar. Rows are
 * recycled by the GtkListView, which makes up to 200 at once in GTK 4.8:
 * a row is a dozen widgets (the colours and the count are one label's
 * markup; the warning icon and the level bar are made for the rows that
 * show them), binding only sets texts and classes, and the row menu is
 * made when it is opened. */

struct _MgLibraryRow
{
  GtkWidget parent_instance;

  GtkWidget     *box;
  GtkLabel      *title_label;
  GtkWidget     *warning_icon;
  GtkLabel      *location_label;
  GtkLabel      *stats_label;
  GtkWidget     *read_box;
  GtkLabel      *last_read_label;
  GtkLevelBar   *progress_bar;
  char          *count_text;
  GtkMenuButton *menu_button;

  MgLibraryDocument *document;
  gulong             notify_handler;
};

G_DEFINE_FINAL_TYPE (MgLibraryRow, mg_library_row, GTK_TYPE_WIDGET)

/* The highlight colours of the sidebar's marks (style.css), readable on
 * light and dark backgrounds. */
static const char *const dot_colors[MG_N_COLORS] = {
  "#f6d32d",
  "#57e389",
  "#62a0ea",
  "#f892b8",
  "#c061cb",
  "#ffa348",
};

/**
 * mg_library_format_progress:
 * @progress: 0..1, or below 0 when unknown
 *
 * Returns: (transfer full): "45 %" (as the locale writes a percentage),
 *   or "" when unknown
 */
char *
mg_library_format_progress (double progress)
{
  if (progress < 0)
    return g_strdup ("");

  /* Translators: how much of a document was read; use the locale's way of
   * writing a percentage ("45 %", "45%", "%45"). */
  return g_strdup_printf (_ ("%d %%"), (int) (CLAMP (progress, 0.0, 1.0) * 100 + 0.5));
}

/* "~/Papers", or the file's URI when it is not local. */
static char *
describe_location (MgLibraryDocument *document)
{
  const char      *path = mg_library_document_get_path (document);
  const char      *uri = mg_library_document_get_uri (document);
  g_autofree char *folder = NULL;
  const char      *home = g_get_home_dir ();

  if (path == NULL)
    return g_strdup (uri != NULL ? uri : "");

  folder = g_path_get_dirname (path);
  if (g_str_equal (folder, home))
    return g_strdup ("~");
  if (g_str_has_prefix (folder, home) && folder[strlen (home)] == G_DIR_SEPARATOR)
    {
      g_autofree char *display = g_filename_display_name (folder + strlen (home));

      return g_strconcat ("~", display, NULL);
    }

  return g_filename_display_name (folder);
}

static void
update (MgLibraryRow *self)
{
  MgLibraryDocument     *document = self->document;
  MgLibraryDocumentState state = mg_library_document_get_state (document);
  guint                  n = mg_library_document_get_n_highlights (document);
  guint                  colors = mg_library_document_get_colors (document);
  gint64                 last_read = mg_library_document_get_last_read (document);
  double                 progress = mg_library_document_get_progress (document);
  gboolean               missing = state == MG_LIBRARY_DOCUMENT_MISSING;
  gboolean               unreadable = state == MG_LIBRARY_DOCUMENT_UNREADABLE;
  g_autofree char       *location = NULL;
  g_autofree char       *count = NULL;
  g_autofree char       *when = NULL;
  g_autofree char       *percent = NULL;
  g_autofree char       *accessible = NULL;
  g_autofree char       *count_names = NULL;

  gtk_label_set_text (self->title_label, mg_library_document_get_title (document));

  if (unreadable)
    location = g_strdup (mg_library_document_get_message (document));
  else if (missing)
    location = g_strdup (_ ("File not found"));
  else
    location = describe_location (document);
  gtk_label_set_text (self->location_label, location != NULL ? location : "");
  if ((missing || unreadable) && self->warning_icon == NULL)
    {
      self->warning_icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      gtk_widget_add_css_class (self->warning_icon, "warning");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->warning_icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Warning"),
                                      -1);
      gtk_box_prepend (GTK_BOX (gtk_widget_get_parent (GTK_WIDGET (self->location_label))), self->warning_icon);
    }
  if (self->warning_icon != NULL)
    gtk_widget_set_visible (self->warning_icon, missing || unreadable);
  if (missing || unreadable)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->location_label), "warning");
      gtk_widget_remove_css_class (GTK_WIDGET (self->location_label), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->location_label), "warning");
      gtk_widget_add_css_class (GTK_WIDGET (self->location_label), "dim-label");
    }

  /* The colours used as dots above the count, in one label. */
  g_free (self->count_text);
  self->count_text = n > 0 ? g_strdup_printf (ngettext ("%u highlight", "%u highlights", n), n) : g_strdup (_ ("No highlights"));
  {
    GString         *markup = g_string_new (NULL);
    g_autofree char *escaped = g_markup_escape_text (self->count_text, -1);

    for (guint i = 0; i < MG_N_COLORS; i++)
      if ((colors & MG_COLOR_BIT (i)) != 0)
        g_string_append_printf (markup, "<span foreground=\"%s\">●</span>", dot_colors[i]);
    if (markup->len > 0)
      g_string_append_c (markup, '\n');
    /* Dim as a dim-label, but not the dots. */
    g_string_append_printf (markup, "<span alpha=\"55%%\">%s</span>", escaped);
    gtk_label_set_markup (self->stats_label, markup->str);
    g_string_free (markup, TRUE);
  }

  if (last_read > 0)
    {
      g_autoptr (GDateTime) then = g_date_time_new_from_unix_utc (last_read);
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();

      when = mg_format_relative_date (then, now);
    }
  gtk_label_set_text (self->last_read_label, when != NULL ? when : "");

  percent = mg_library_format_progress (progress);
  if (progress >= 0 && self->progress_bar == NULL)
    {
      self->progress_bar = GTK_LEVEL_BAR (gtk_level_bar_new_for_interval (0, 1));
      gtk_level_bar_remove_offset_value (self->progress_bar, GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (self->progress_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (self->progress_bar, GTK_LEVEL_BAR_OFFSET_FULL);
      gtk_widget_add_css_class (GTK_WIDGET (self->progress_bar), "mg-progress");
      gtk_box_append (GTK_BOX (self->read_box), GTK_WIDGET (self->progress_bar));
    }
  if (self->progress_bar != NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), progress >= 0);
      gtk_level_bar_set_value (self->progress_bar, progress >= 0 ? CLAMP (progress, 0.0, 1.0) : 0);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->progress_bar), percent);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->progress_bar),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, percent,
                                      -1);
    }

  {
    GString *names = g_string_new (self->count_text);

    /* The dots, by name. */
    for (guint i = 0; i < MG_N_COLORS; i++)
      if ((colors & MG_COLOR_BIT (i)) != 0)
        g_string_append_printf (names, " %s", mg_color_get_label (i));
    g_free (count_names);
    count_names = g_string_free (names, FALSE);
  }
  /* Translators: a document in the library, as a screen reader says it:
   * title, where it is, number of highlights and their colours, when
   * last read, how far. */
  accessible = g_strdup_printf (_ ("%s, %s, %s, %s, %s"),
                                mg_library_document_get_title (document),
                                location != NULL ? location : "",
                                count_names,
                                when != NULL ? when : _ ("never read"),
                                progress >= 0 ? percent : _ ("progress unknown"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

/* The row menu, made when it is opened: what can be done with this
 * document. */
static void
create_popup_cb (GtkMenuButton *button,
                 gpointer       user_data)
{
  MgLibraryRow *self = user_data;
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenuItem) item = NULL;
  const char *id;

  if (self->document == NULL)
    return;

  id = mg_library_document_get_id (self->document);

  if (id != NULL)
    {
      item = g_menu_item_new (_ ("Show _Highlights"), NULL);
      g_menu_item_set_action_and_target (item, "library.show-highlights", "s", id);
      g_menu_append_item (menu, item);
      g_clear_object (&item);
    }

  if (id != NULL && mg_library_document_get_state (self->document) == MG_LIBRARY_DOCUMENT_MISSING)
    {
      item = g_menu_item_new (_ ("_Locate…"), NULL);
      g_menu_item_set_action_and_target (item, "library.locate", "s", id);
      g_menu_append_item (menu, item);
      g_clear_object (&item);
    }

  if (id != NULL)
    {
      item = g_menu_item_new (_ ("_Remove from Library"), NULL);
      g_menu_item_set_action_and_target (item, "library.remove", "s", id);
      g_menu_append_item (menu, item);
    }

  gtk_menu_button_set_menu_model (button, G_MENU_MODEL (menu));
}

/**
 * mg_library_row_set_document:
 * @self: a #MgLibraryRow
 * @document: (nullable): what the row shows, %NULL on unbind
 *
 * Shows @document, and follows its changes (the library updates its
 * documents in place) until another one is set.
 */
void
mg_library_row_set_document (MgLibraryRow      *self,
                             MgLibraryDocument *document)
{
  g_return_if_fail (MG_IS_LIBRARY_ROW (self));

  if (self->document == document)
    return;

  if (self->document != NULL)
    g_clear_signal_handler (&self->notify_handler, self->document);
  g_set_object (&self->document, document);
  /* A new menu for the next document, when it is opened. */
  gtk_menu_button_set_menu_model (self->menu_button, NULL);

  if (document == NULL)
    return;

  self->notify_handler = g_signal_connect_swapped (document, "notify", G_CALLBACK (update), self);
  /* A document known only by its reading position has nothing to
   * remove or relink. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->menu_button), mg_library_document_get_id (document) != NULL);
  update (self);
}

MgLibraryDocument *
mg_library_row_get_document (MgLibraryRow *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_ROW (self), NULL);

  return self->document;
}

const char *
mg_library_row_get_location_text (MgLibraryRow *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_ROW (self), NULL);

  return gtk_label_get_text (self->location_label);
}

const char *
mg_library_row_get_last_read_text (MgLibraryRow *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_ROW (self), NULL);

  return gtk_label_get_text (self->last_read_label);
}

const char *
mg_library_row_get_count_text (MgLibraryRow *self)
{
  g_return_val_if_fail (MG_IS_LIBRARY_ROW (self), NULL);

  return self->count_text;
}

static void
mg_library_row_dispose (GObject *object)
{
  MgLibraryRow *self = MG_LIBRARY_ROW (object);

  mg_library_row_set_document (self, NULL);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->count_text, g_free);

  G_OBJECT_CLASS (mg_library_row_parent_class)->dispose (object);
}

static void
mg_library_row_class_init (MgLibraryRowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mg_library_row_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mglibraryrow");
}

static GtkWidget *
caption (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_add_css_class (label, "caption");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static void
mg_library_row_init (MgLibraryRow *self)
{
  GtkWidget *text_box;
  GtkWidget *location_box;

  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  gtk_widget_set_hexpand (text_box, TRUE);
  gtk_widget_set_valign (text_box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (self->box), text_box);

  self->title_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->title_label, 0);
  gtk_label_set_ellipsize (self->title_label, PANGO_ELLIPSIZE_END);
  gtk_label_set_width_chars (self->title_label, 12);
  gtk_widget_add_css_class (GTK_WIDGET (self->title_label), "heading");
  gtk_box_append (GTK_BOX (text_box), GTK_WIDGET (self->title_label));

  location_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_box_append (GTK_BOX (text_box), location_box);
  self->location_label = GTK_LABEL (caption ("dim-label"));
  gtk_label_set_xalign (self->location_label, 0);
  gtk_label_set_ellipsize (self->location_label, PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_width_chars (self->location_label, 8);
  gtk_box_append (GTK_BOX (location_box), GTK_WIDGET (self->location_label));

  /* The colours used, then the number of highlights. */
  self->stats_label = GTK_LABEL (caption (NULL));
  gtk_label_set_xalign (self->stats_label, 1);
  gtk_label_set_justify (self->stats_label, GTK_JUSTIFY_RIGHT);
  gtk_widget_set_valign (GTK_WIDGET (self->stats_label), GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->stats_label));

  /* When it was last read, and how far. */
  self->read_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_valign (self->read_box, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (self->read_box, 96, -1);
  gtk_box_append (GTK_BOX (self->box), self->read_box);
  self->last_read_label = GTK_LABEL (caption ("dim-label"));
  gtk_label_set_xalign (self->last_read_label, 0);
  gtk_label_set_ellipsize (self->last_read_label, PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (self->read_box), GTK_WIDGET (self->last_read_label));

  self->menu_button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_icon_name (self->menu_button, "view-more-symbolic");
  gtk_widget_set_valign (GTK_WIDGET (self->menu_button), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->menu_button), "flat");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->menu_button), _ ("Document Menu"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _ ("Document Menu"),
                                  -1);
  gtk_menu_button_set_create_popup_func (self->menu_button, create_popup_cb, self, NULL);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->menu_button));
}

GtkWidget *
mg_library_row_new (void)
{
  return g_object_new (MG_TYPE_LIBRARY_ROW, NULL);
}
