/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-anchor.h"
#include "mg-annotation-editor.h"
#include "mg-colors.h"
#include "mg-document-loader.h"
#include "mg-export.h"
#include "mg-find-bar.h"
#include "mg-import.h"
#include "mg-preferences-window.h"
#include "mg-reader-view.h"
#include "mg-reading-style.h"
#include "mg-sidebar.h"
#include "mg-store.h"
#include "mg-ui-resources.h"
#include "mg-window.h"

struct _MgWindow
{
  AdwApplicationWindow parent_instance;

  AdwWindowTitle     *window_title;
  AdwToastOverlay    *toast_overlay;
  GtkStack           *stack;
  GtkSpinner         *spinner;
  GtkScrolledWindow  *scroller;
  MgReaderView       *reader;
  AdwStatusPage      *error_page;
  AdwFlap            *flap;
  MgSidebar          *sidebar;
  MgFindBar          *find_bar;
  GtkMenuButton      *contents_button;
  GtkPopover         *contents_popover;
  GtkListBox         *contents_list;
  AdwClampScrollable *clamp;
  GtkToggleButton    *sidebar_button;
  GtkRevealer        *banner;
  GtkLabel           *banner_label;
  GtkWidget          *current_color_dot;
  GtkPopover         *color_popover;
  GtkBox             *color_popover_swatches;
  GtkPopover         *selection_popover;
  GtkBox             *selection_swatches;
  MgAnnotationEditor *editor;

  GSettings        *settings;
  GCancellable     *cancellable;
  MgDocument       *document;
  MgAnnotationList *annotations;
  MgStore          *store;
  GdkFrameClock    *paint_clock;
  gulong            after_paint_id;
  guint             load_source;
  char             *error_message;
  char             *banner_details;
  MgColor           color;
  gboolean          show_sidebar;

  /* Copies of deleted annotations while their Undo toast is up. */
  GHashTable *deleted;
  GMenu      *recent_menu;
  GMenu      *primary_menu;
};

G_DEFINE_FINAL_TYPE (MgWindow, mg_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_DOCUMENT,
  PROP_ANNOTATIONS,
  PROP_SHOW_SIDEBAR,
  PROP_CARET_BROWSING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_actions (MgWindow *self);
static void update_contents (MgWindow *self);
static void cancel_load_annotations (MgWindow *self);
static void save_reading_position (MgWindow *self);
static void restore_reading_position (MgWindow *self);

/* A short description of where a document comes from, for the header bar
 * subtitle: the folder of a local file, with the home folder as "~", the
 * way GNOME Text Editor and Files show it. */
static char *
describe_source (MgDocument *document)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFile) parent = NULL;
  g_autoptr (GFile) home = NULL;
  g_autofree char *path = NULL;

  if (mg_document_is_bundled (document))
    return g_strdup (_ ("Sample article"));

  file = g_file_new_for_uri (mg_document_get_uri (document));
  parent = g_file_get_parent (file);
  if (parent == NULL || !g_file_is_native (parent))
    return g_strdup (mg_document_get_uri (document));

  home = g_file_new_for_path (g_get_home_dir ());
  if (g_file_equal (parent, home))
    return g_strdup ("~");

  if (g_file_has_prefix (parent, home))
    {
      g_autofree char *relative = g_file_get_relative_path (home, parent);

      return g_build_filename ("~", relative, NULL);
    }

  path = g_file_get_path (parent);

  return g_filename_display_name (path);
}

static void
show_toast (MgWindow   *self,
            const char *title)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

/* Problems the user must know about and that stay true until dismissed:
 * annotations that could not be read or saved. AdwBanner is libadwaita
 * 1.3, so this is a revealer styled the same way. */
static void
show_banner (MgWindow   *self,
             const char *text,
             const char *details)
{
  g_message ("%s %s", text, details != NULL ? details : "");

  gtk_label_set_text (self->banner_label, text);
  g_free (self->banner_details);
  self->banner_details = g_strdup (details);
  gtk_revealer_set_reveal_child (self->banner, TRUE);
}

static void
show_store_error (MgWindow     *self,
                  const GError *error)
{
  const char *text;

  if (g_error_matches (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT))
    text = _ ("The saved annotations of this document could not be read. They were set aside, not deleted.");
  else if (g_error_matches (error, MG_STORE_ERROR, MG_STORE_ERROR_NEWER_VERSION))
    text = _ ("These annotations were saved by a newer version of Marginalia. You can read them, but changes will not be saved.");
  else if (g_error_matches (error, MG_STORE_ERROR, MG_STORE_ERROR_READ_ONLY))
    text = _ ("Changes to these annotations cannot be saved.");
  else
    text = _ ("Annotations could not be saved. They are kept while this window is open, and saving is tried again with the next change.");

  show_banner (self, text, error->message);
}

static void
store_error_cb (MgWindow *self,
                GError   *error,
                MgStore  *store)
{
  show_store_error (self, error);
}

static void
store_merged_cb (MgWindow *self,
                 guint     n_changed)
{
  MgAnnotation *editing = mg_annotation_editor_get_annotation (self->editor);

  /* A merge replaces changed annotations with new objects: an editor on an
   * old one would edit nothing. */
  if (editing != NULL && mg_annotation_list_lookup (self->annotations, mg_annotation_get_id (editing)) != editing)
    gtk_popover_popdown (GTK_POPOVER (self->editor));

  if (n_changed > 0)
    show_toast (self, _ ("Annotations updated from a change on disk"));
}

static void
store_saved_cb (MgWindow *self)
{
  /* A save that works again ends a save error. */
  if (gtk_revealer_get_reveal_child (self->banner) && self->store != NULL && !mg_store_get_read_only (self->store))
    gtk_revealer_set_reveal_child (self->banner, FALSE);
}

static void
show_error (MgWindow     *self,
            GFile        *file,
            const GError *error)
{
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  name = g_file_get_parse_name (file);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    message = g_strdup_printf (_ ("“%s” does not exist. It may have been moved or deleted."), name);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    message = g_strdup_printf (_ ("You do not have permission to read “%s”."), name);
  else
    message = g_strdup_printf ("%s\n%s", name, error->message);

  g_message ("Could not open %s: %s", name, error->message);

  g_clear_object (&self->document);
  g_free (self->error_message);
  self->error_message = g_steal_pointer (&message);

  adw_status_page_set_description (self->error_page, self->error_message);
  adw_window_title_set_title (self->window_title, _ ("Marginalia"));
  adw_window_title_set_subtitle (self->window_title, NULL);
  gtk_window_set_title (GTK_WINDOW (self), _ ("Marginalia"));
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "error");
  update_contents (self);

  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/**
 * mg_window_flush:
 * @self: a #MgWindow
 * @error: return location for a #GError
 *
 * Writes unsaved annotations now, synchronously: at close and quit.
 *
 * Returns: %TRUE if nothing is left unsaved
 */
gboolean
mg_window_flush (MgWindow *self,
                 GError  **error)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), FALSE);

  if (self->editor != NULL)
    mg_annotation_editor_commit (self->editor);

  if (self->store == NULL || mg_store_get_read_only (self->store))
    return TRUE;

  return mg_store_flush (self->store, error);
}

static void
close_store (MgWindow *self)
{
  g_autoptr (GError) error = NULL;

  cancel_load_annotations (self);

  if (self->store == NULL)
    return;

  if (!mg_window_flush (self, &error))
    g_warning ("Annotations of %s not saved: %s",
               mg_document_get_uri (mg_store_get_document (self->store)), error->message);

  g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
}

/* Above GtkTextView's background layout of a long text (redraw + 5), which
 * would otherwise hold the annotations back until the whole book is laid
 * out; below drawing, so the text's frame comes first. */
#define LOAD_PRIORITY (GDK_PRIORITY_REDRAW + 1)

/* Markdown and HTML documents have headings: a list of them jumps there. */
static void
contents_row_activated_cb (MgWindow      *self,
                           GtkListBoxRow *row)
{
  guint          offset = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "mg-offset"));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->reader));
  GtkTextIter    iter;

  gtk_popover_popdown (self->contents_popover);
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, offset);
  gtk_text_buffer_place_cursor (buffer, &iter);
  gtk_text_view_scroll_to_iter (GTK_TEXT_VIEW (self->reader), &iter, 0.0, TRUE, 0.0, 0.0);
  gtk_widget_grab_focus (GTK_WIDGET (self->reader));
}

static void
update_contents (MgWindow *self)
{
  const MgHeading *headings = NULL;
  guint            n = 0;
  GtkWidget       *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->contents_list))) != NULL)
    gtk_list_box_remove (self->contents_list, child);

  if (self->document != NULL)
    headings = mg_document_get_headings (self->document, &n);

  for (guint i = 0; headings != NULL && i < n; i++)
    {
      GtkWidget *label = gtk_label_new (headings[i].text);
      GtkWidget *row = gtk_list_box_row_new ();

      gtk_label_set_xalign (GTK_LABEL (label), 0.0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
      gtk_widget_set_margin_start (label, 6 + 16 * (int) (MAX (headings[i].level, 1) - 1));
      if (headings[i].level <= 1)
        gtk_widget_add_css_class (label, "heading");
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      g_object_set_data (G_OBJECT (row), "mg-offset", GUINT_TO_POINTER (headings[i].start));
      gtk_list_box_append (self->contents_list, row);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->contents_button), n > 0);
}

static void
annotations_loaded_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  MgStore *store = MG_STORE (object);
  g_autoptr (MgWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  gboolean loaded;

  loaded = mg_store_load_finish (store, result, &error);

  /* Another document, or the window closed, meanwhile. */
  if (self->store != store)
    return;

  /* The document opens whatever happens to its annotations; the banner
   * says why some are missing. */
  if (!loaded)
    show_store_error (self, error);

  self->annotations = g_object_ref (mg_store_get_annotations (store));
  mg_reader_view_set_annotations (self->reader, self->annotations);
  mg_sidebar_set_annotations (self->sidebar, self->annotations);

  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANNOTATIONS]);
}

static void
load_annotations (MgWindow *self)
{
  g_autoptr (MgAnnotationList) annotations = mg_annotation_list_new ();

  g_assert (self->document != NULL);
  g_assert (self->store == NULL);
  g_assert (self->annotations == NULL);

  self->store = mg_store_new (self->document, annotations, NULL);
  g_signal_connect_object (self->store, "error", G_CALLBACK (store_error_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "saved", G_CALLBACK (store_saved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "merged", G_CALLBACK (store_merged_cb), self, G_CONNECT_SWAPPED);

  /* Read, decoded and anchored in a worker thread: the window stays live
   * with a book of thousands of annotations. Highlighting waits for them
   * (self->annotations stays NULL until then). */
  mg_store_load_async (self->store, annotations_loaded_cb, g_object_ref (self));
}

static gboolean
load_annotations_cb (gpointer user_data)
{
  MgWindow *self = user_data;

  self->load_source = 0;
  load_annotations (self);

  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                MgWindow      *self)
{
  g_clear_signal_handler (&self->after_paint_id, clock);
  g_clear_object (&self->paint_clock);
  if (self->load_source == 0)
    self->load_source = g_idle_add_full (LOAD_PRIORITY, load_annotations_cb, self, NULL);
}

static void
cancel_load_annotations (MgWindow *self)
{
  g_clear_handle_id (&self->load_source, g_source_remove);
  /* An unrealized window's clock drops its handlers by itself. */
  if (self->paint_clock != NULL && self->after_paint_id != 0 && g_signal_handler_is_connected (self->paint_clock, self->after_paint_id))
    g_signal_handler_disconnect (self->paint_clock, self->after_paint_id);
  self->after_paint_id = 0;
  g_clear_object (&self->paint_clock);
}

static void
schedule_load_annotations (MgWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  cancel_load_annotations (self);

  if (clock != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->paint_clock = g_object_ref (clock);
      self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
  else
    {
      self->load_source = g_idle_add_full (LOAD_PRIORITY, load_annotations_cb, self, NULL);
    }
}

void
mg_window_set_document (MgWindow   *self,
                        MgDocument *document)
{
  g_autofree char *source = NULL;
  g_autoptr (GError) error = NULL;

  g_return_if_fail (MG_IS_WINDOW (self));
  g_return_if_fail (MG_IS_DOCUMENT (document));

  if (self->document == document)
    return;

  save_reading_position (self);
  close_store (self);
  gtk_revealer_set_reveal_child (self->banner, FALSE);
  g_set_object (&self->document, document);
  g_clear_pointer (&self->error_message, g_free);
  g_hash_table_remove_all (self->deleted);

  source = describe_source (document);
  adw_window_title_set_title (self->window_title, mg_document_get_title (document));
  adw_window_title_set_subtitle (self->window_title, source);
  gtk_window_set_title (GTK_WINDOW (self), mg_document_get_title (document));

  mg_reader_view_set_document (self->reader, document);
  update_contents (self);

  /* The text is painted first; the annotations are loaded, anchored and
   * painted just after that first frame, so that a document with
   * thousands of them opens as fast as one without. Until then the
   * actions that change annotations are off. */
  g_clear_object (&self->annotations);
  mg_reader_view_set_annotations (self->reader, NULL);
  mg_sidebar_set_annotations (self->sidebar, NULL);
  schedule_load_annotations (self);

  gtk_spinner_stop (self->spinner);
  /* At once, not cross-faded: the first frame of a cross-fade draws the
   * text at opacity 0, and loading the annotations just after it would
   * hold back the frames that show the text. */
  gtk_stack_set_visible_child_full (self->stack, "document", GTK_STACK_TRANSITION_TYPE_NONE);
  gtk_widget_grab_focus (GTK_WIDGET (self->reader));
  restore_reading_position (self);

  {
    g_autofree char *notice = mg_document_loader_dup_encoding_notice (document);

    if (notice != NULL)
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (notice));
  }

  if (mg_document_get_repaired (document))
    {
      AdwToast *toast;

      toast = adw_toast_new (_ ("Some characters in this document could not be read and are shown as “�”"));
      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }

  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

typedef struct
{
  MgWindow *self;
  GFile    *file;
} OpenData;

static void
open_data_free (OpenData *data)
{
  g_clear_object (&data->self);
  g_clear_object (&data->file);
  g_free (data);
}

static void
load_file_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  OpenData *data = user_data;
  g_autoptr (MgDocument) document = NULL;
  g_autoptr (GError) error = NULL;

  document = mg_document_loader_load_file_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ;
  else if (document == NULL)
    show_error (data->self, data->file, error);
  else
    {
      g_autofree char *uri = g_file_get_uri (data->file);

      mg_window_set_document (data->self, document);
      /* Listed in Open Recent here and in the desktop's recent files. */
      gtk_recent_manager_add_item (gtk_recent_manager_get_default (), uri);
    }

  open_data_free (data);
}

/**
 * mg_window_open_file:
 * @self: a #MgWindow
 * @file: the document to open
 *
 * Loads @file off the main thread and shows it, or shows why it could not
 * be opened.
 */
void
mg_window_open_file (MgWindow *self,
                     GFile    *file)
{
  OpenData *data;

  g_return_if_fail (MG_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");

  data = g_new0 (OpenData, 1);
  data->self = g_object_ref (self);
  data->file = g_object_ref (file);

  mg_document_loader_load_file_async (file, self->cancellable, load_file_cb, data);
}

void
mg_window_open_bundled (MgWindow *self)
{
  g_autoptr (MgDocument) document = NULL;

  g_return_if_fail (MG_IS_WINDOW (self));

  document = mg_document_new_bundled ();
  mg_window_set_document (self, document);
}

/* Highlights -------------------------------------------------------------- */

static void
set_color (MgWindow *self,
           MgColor   color)
{
  g_autofree char *old_class = g_strdup_printf ("mg-swatch-%s", mg_color_to_string (self->color));
  g_autofree char *new_class = g_strdup_printf ("mg-swatch-%s", mg_color_to_string (color));

  gtk_widget_remove_css_class (self->current_color_dot, old_class);
  gtk_widget_add_css_class (self->current_color_dot, new_class);
  self->color = color;

  if (g_settings_get_enum (self->settings, "highlight-color") != (int) color)
    g_settings_set_enum (self->settings, "highlight-color", color);
}

/* The selection as the range to highlight: white space at its edges (a
 * paragraph selected by a triple click ends with its newline) is left out. */
static gboolean
get_highlight_range (MgWindow *self,
                     guint    *start,
                     guint    *end)
{
  const gunichar *chars;

  if (self->document == NULL || !mg_reader_view_get_selection (self->reader, start, end))
    return FALSE;

  chars = mg_document_get_chars (self->document, NULL);
  while (*start < *end && g_unichar_isspace (chars[*start]))
    (*start)++;
  while (*end > *start && g_unichar_isspace (chars[*end - 1]))
    (*end)--;

  return *start < *end;
}

static MgAnnotation *
highlight_selection (MgWindow *self,
                     MgColor   color)
{
  g_autoptr (MgAnnotation) annotation = NULL;
  GtkTextBuffer *buffer;
  GtkTextIter    iter;
  guint          start, end;

  if (!get_highlight_range (self, &start, &end) || self->annotations == NULL)
    return NULL;

  annotation = mg_annotation_new_for_range (self->document, start, end, color);
  mg_annotation_list_add (self->annotations, annotation);

  /* The highlight replaces the selection, so that the reader sees it. */
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->reader));
  gtk_text_buffer_get_iter_at_offset (buffer, &iter, end);
  gtk_text_buffer_place_cursor (buffer, &iter);

  gtk_popover_popdown (self->selection_popover);
  mg_sidebar_select (self->sidebar, annotation);

  return g_steal_pointer (&annotation);
}

static void
highlight_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);
  g_autoptr (MgAnnotation) annotation = highlight_selection (self, self->color);
}

static void
highlight_with_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);
  g_autoptr (MgAnnotation) annotation = NULL;
  MgColor color;

  if (!mg_color_from_string (g_variant_get_string (parameter, NULL), &color))
    return;

  set_color (self, color);
  gtk_popover_popdown (self->color_popover);
  annotation = highlight_selection (self, color);
}

static int
compare_tags (gconstpointer a,
              gconstpointer b)
{
  return g_utf8_collate (*(const char **) a, *(const char **) b);
}

/* Every tag used in this document, for completion. */
static char **
collect_tags (MgWindow *self)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) tags = g_ptr_array_new ();
  guint n;

  if (self->annotations == NULL)
    return g_new0 (char *, 1);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->annotations));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MgAnnotation) a = g_list_model_get_item (G_LIST_MODEL (self->annotations), i);
      const char *const *a_tags = mg_annotation_get_tags (a);

      for (guint t = 0; a_tags != NULL && a_tags[t] != NULL; t++)
        if (g_hash_table_add (seen, (gpointer) a_tags[t]))
          g_ptr_array_add (tags, g_strdup (a_tags[t]));
    }

  g_ptr_array_sort (tags, compare_tags);
  g_ptr_array_add (tags, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&tags), FALSE);
}

static void
open_editor (MgWindow     *self,
             MgAnnotation *annotation,
             gboolean      focus_note)
{
  g_auto (GStrv) tags = collect_tags (self);
  GdkRectangle rect;

  if (!mg_reader_view_get_range_rect (self->reader,
                                      mg_annotation_get_range_start (annotation),
                                      mg_annotation_get_range_end (annotation),
                                      &rect))
    {
      mg_reader_view_reveal (self->reader, annotation);
      mg_reader_view_get_range_rect (self->reader,
                                     mg_annotation_get_range_start (annotation),
                                     mg_annotation_get_range_end (annotation),
                                     &rect);
    }

  mg_annotation_editor_set_annotation (self->editor, annotation, (const char *const *) tags);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->editor), &rect);
  gtk_popover_popup (GTK_POPOVER (self->editor));

  if (focus_note)
    mg_annotation_editor_focus_note (self->editor);
}

static void
add_note_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);
  g_autoptr (MgAnnotation) annotation = highlight_selection (self, self->color);

  /* Without a selection, the note goes to the highlight at the caret. */
  if (annotation == NULL)
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->reader));
      GtkTextIter    iter;

      gtk_text_buffer_get_iter_at_mark (buffer, &iter, gtk_text_buffer_get_insert (buffer));
      annotation = mg_reader_view_get_annotation_at (self->reader, gtk_text_iter_get_offset (&iter));
    }

  if (annotation != NULL)
    open_editor (self, annotation, TRUE);
}

static MgAnnotation *
lookup_parameter (MgWindow *self,
                  GVariant *parameter)
{
  if (self->annotations == NULL)
    return NULL;

  return mg_annotation_list_lookup (self->annotations, g_variant_get_string (parameter, NULL));
}

static void
edit_annotation_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  MgWindow     *self = MG_WINDOW (widget);
  MgAnnotation *annotation = lookup_parameter (self, parameter);

  if (annotation != NULL && mg_annotation_get_state (annotation) != MG_ANNOTATION_STATE_ORPHANED)
    open_editor (self, annotation, FALSE);
}

static void
toast_dismissed_cb (AdwToast *toast,
                    MgWindow *self)
{
  const char *id = g_object_get_data (G_OBJECT (toast), "mg-id");

  g_hash_table_remove (self->deleted, id);
}

static void
delete_annotation (MgWindow     *self,
                   MgAnnotation *annotation)
{
  g_autoptr (MgAnnotation) keep = g_object_ref (annotation);
  AdwToast *toast;

  if (self->annotations == NULL || !mg_annotation_list_remove (self->annotations, annotation))
    return;

  g_hash_table_replace (self->deleted, g_strdup (mg_annotation_get_id (keep)), g_object_ref (keep));

  toast = adw_toast_new (_ ("Highlight deleted"));
  adw_toast_set_button_label (toast, _ ("_Undo"));
  adw_toast_set_action_name (toast, "win.undo-delete");
  adw_toast_set_action_target_value (toast, g_variant_new_string (mg_annotation_get_id (keep)));
  g_object_set_data_full (G_OBJECT (toast), "mg-id", g_strdup (mg_annotation_get_id (keep)), g_free);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
delete_annotation_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  MgWindow     *self = MG_WINDOW (widget);
  MgAnnotation *annotation = lookup_parameter (self, parameter);

  if (annotation != NULL)
    delete_annotation (self, annotation);
}

static void
undo_delete_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MgWindow   *self = MG_WINDOW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  g_autoptr (MgAnnotation) annotation = NULL;
  g_autofree char *key = NULL;

  if (!g_hash_table_steal_extended (self->deleted, id, (gpointer *) &key, (gpointer *) &annotation))
    return;

  /* The same object comes back: same id, note, tags, colour and dates. */
  mg_anchor_annotation (annotation, self->document);
  mg_annotation_list_add (self->annotations, annotation);
  mg_sidebar_select (self->sidebar, annotation);
}

static void
reattach (MgWindow     *self,
          MgAnnotation *annotation)
{
  guint start, end;

  if (!get_highlight_range (self, &start, &end))
    {
      show_toast (self, _ ("Select the passage in the text first, then attach the annotation to it"));
      return;
    }

  mg_annotation_set_target (annotation, self->document, start, end);
  mg_annotation_list_update (self->annotations, annotation);
  mg_sidebar_select (self->sidebar, annotation);
  show_toast (self, _ ("Annotation attached to the selection"));
}

static void
reattach_annotation_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  MgWindow     *self = MG_WINDOW (widget);
  MgAnnotation *annotation = lookup_parameter (self, parameter);

  if (annotation != NULL)
    reattach (self, annotation);
}

/* The sidebar choice is remembered only for a window wide enough to show
 * it beside the text. On a narrow window the sidebar folds over the text:
 * it starts hidden, and showing it there is for the moment, not a new
 * preference. AdwFlap is locked so that folding does not change
 * reveal-flap by itself; these handlers decide. */
static void
toggle_sidebar_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);

  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

static void
reveal_flap_cb (MgWindow *self)
{
  gboolean revealed = adw_flap_get_reveal_flap (self->flap);

  if (!adw_flap_get_folded (self->flap) && revealed != self->show_sidebar)
    g_object_set (self, "show-sidebar", revealed, NULL);
}

static void
folded_cb (MgWindow *self)
{
  if (adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, FALSE);
  else
    adw_flap_set_reveal_flap (self->flap, self->show_sidebar);
}

static void
show_sidebar_cb (MgWindow *self)
{
  if (!adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, self->show_sidebar);
}

static void
search_annotations_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);

  if (!adw_flap_get_reveal_flap (self->flap))
    adw_flap_set_reveal_flap (self->flap, TRUE);
  mg_sidebar_focus_search (self->sidebar);
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  mg_find_bar_open (MG_WINDOW (widget)->find_bar);
}

static void
find_next_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);

  if (g_str_equal (action_name, "win.find-previous"))
    mg_find_bar_previous (self->find_bar);
  else
    mg_find_bar_next (self->find_bar);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);

  if (g_str_equal (action_name, "win.zoom-in"))
    mg_reading_style_zoom_in (self->settings);
  else if (g_str_equal (action_name, "win.zoom-out"))
    mg_reading_style_zoom_out (self->settings);
  else
    mg_reading_style_zoom_reset (self->settings);
}

static gboolean
scroll_zoom_cb (MgWindow                 *self,
                double                    dx,
                double                    dy,
                GtkEventControllerScroll *controller)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if ((state & GDK_CONTROL_MASK) == 0 || dy == 0)
    return GDK_EVENT_PROPAGATE;

  if (dy < 0)
    mg_reading_style_zoom_in (self->settings);
  else
    mg_reading_style_zoom_out (self->settings);

  return GDK_EVENT_STOP;
}

static void
preferences_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);

  gtk_window_present (GTK_WINDOW (mg_preferences_window_new (GTK_WINDOW (self), self->settings)));
}

/* Where the reader was, saved when the document is left and restored when
 * it is opened again. */
static void
save_reading_position (MgWindow *self)
{
  if (self->document != NULL && gtk_widget_get_mapped (GTK_WIDGET (self->reader)))
    mg_reading_positions_set_offset (mg_reading_positions_get_default (), mg_document_get_uri (self->document),
                                     mg_reading_style_get_top_offset (GTK_TEXT_VIEW (self->reader)));
}

/* Before the first frame of the text: that frame shows the passage. */
static void
restore_reading_position (MgWindow *self)
{
  guint offset;

  if (self->document != NULL && mg_reading_positions_get_offset (mg_reading_positions_get_default (), mg_document_get_uri (self->document), &offset) && offset > 0)
    mg_reading_style_scroll_to_offset (GTK_TEXT_VIEW (self->reader), offset);
}

/* Files dropped on the window open as documents, each in a window of its
 * own; the first replaces an error page. */
static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         MgWindow      *self)
{
  GSList         *files;
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) || app == NULL)
    return FALSE;

  files = g_value_get_boxed (value);
  for (GSList *l = files; l != NULL; l = l->next)
    {
      MgWindow *window = self;

      if (l != files || self->document != NULL)
        {
          window = mg_window_new (app);
          gtk_window_present (GTK_WINDOW (window));
        }
      mg_window_open_file (window, l->data);
    }

  return TRUE;
}

/* The ten most recent documents, in the main menu. */
static void
update_recent_menu (MgWindow *self)
{
  GtkRecentManager *manager = gtk_recent_manager_get_default ();
  GList            *items = gtk_recent_manager_get_items (manager);
  guint             n = 0;

  g_menu_remove_all (self->recent_menu);

  for (GList *l = items; l != NULL && n < 10; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      const char    *mime = gtk_recent_info_get_mime_type (info);
      g_autoptr (GMenuItem) item = NULL;

      if (!gtk_recent_info_has_application (info, g_get_application_name ()) && !g_str_has_prefix (mime != NULL ? mime : "", "text/"))
        continue;
      if (!gtk_recent_info_is_local (info) || !gtk_recent_info_exists (info))
        continue;

      item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
      g_menu_item_set_action_and_target (item, "app.open-recent", "s", gtk_recent_info_get_uri (info));
      g_menu_append_item (self->recent_menu, item);
      n++;
    }

  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
}

static void
open_sample_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  mg_window_open_bundled (MG_WINDOW (widget));
}

static void
banner_dismiss_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  gtk_revealer_set_reveal_child (MG_WINDOW (widget)->banner, FALSE);
}

static void
banner_details_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  MgWindow  *self = MG_WINDOW (widget);
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   gtk_label_get_text (self->banner_label),
                                   self->banner_details);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Export and import ------------------------------------------------------ */

/* What the sidebar shows is what is exported: its colour and tag filters
 * apply, so that "the blue ones tagged #method" is one export. */
static void
export_options (MgWindow        *self,
                MgExportOptions *options)
{
  memset (options, 0, sizeof *options);
  options->color_mask = mg_sidebar_get_color_filter (self->sidebar);
  options->tag = mg_sidebar_get_tag_filter (self->sidebar);
}

static char *
export_text (MgWindow   *self,
             const char *format,
             GListModel *annotations)
{
  MgExportOptions options;

  export_options (self, &options);

  if (g_str_equal (format, "w3c"))
    return mg_export_w3c (self->document, annotations, &options);

  return mg_export_markdown (self->document, annotations, &options);
}

static char *
suggested_name (MgWindow   *self,
                const char *extension)
{
  g_autofree char *title = g_strdup (mg_document_get_title (self->document));
  char            *dot = strrchr (title, '.');

  if (dot != NULL && dot != title && strlen (dot) <= 9)
    *dot = '\0';
  g_strdelimit (title, "/\\:*?\"<>|", '-');

  /* Translators: the file name proposed for an export; %s is the document's title. */
  return g_strdup_printf (_ ("%s – annotations.%s"), title, extension);
}

static void
export_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (MgWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  name = g_file_get_basename (G_FILE (object));

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      show_banner (self, _ ("The export could not be written."), error->message);
      return;
    }

  message = g_strdup_printf (_ ("Exported to “%s”"), name);
  show_toast (self, message);
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr (MgWindow) self = user_data;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GBytes) bytes = NULL;
  const char *format = g_object_get_data (G_OBJECT (dialog), "mg-format");
  char       *text;

  if (response == GTK_RESPONSE_ACCEPT && self->document != NULL)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      text = export_text (self, format, G_LIST_MODEL (self->annotations));
      bytes = g_bytes_new_take (text, strlen (text));
      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE,
                                           G_FILE_CREATE_REPLACE_DESTINATION,
                                           NULL, export_written_cb, g_object_ref (self));
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MgWindow        *self = MG_WINDOW (widget);
  const char      *format = g_variant_get_string (parameter, NULL);
  gboolean         w3c = g_str_equal (format, "w3c");
  g_autofree char *name = suggested_name (self, w3c ? "jsonld" : "md");
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;

  if (self->document == NULL)
    return;

  dialog = gtk_file_chooser_native_new (w3c ? _ ("Export as W3C Web Annotations") : _ ("Export as Markdown"),
                                        GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _ ("_Export"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_file_filter_set_name (filter, w3c ? _ ("JSON-LD") : _ ("Markdown"));
  gtk_file_filter_add_suffix (filter, w3c ? "jsonld" : "md");
  if (w3c)
    gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_set_data_full (G_OBJECT (dialog), "mg-format", g_strdup (w3c ? "w3c" : "markdown"), g_free);

  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
copy_markdown (MgWindow   *self,
               GListModel *annotations,
               const char *message)
{
  g_autofree char *text = export_text (self, "markdown", annotations);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  show_toast (self, message);
}

static void
copy_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);

  if (self->annotations != NULL)
    copy_markdown (self, G_LIST_MODEL (self->annotations), _ ("Annotations copied as Markdown"));
}

static void
copy_annotation_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  MgWindow     *self = MG_WINDOW (widget);
  MgAnnotation *annotation = lookup_parameter (self, parameter);
  g_autoptr (GListStore) one = NULL;
  g_autofree char *text = NULL;

  if (annotation == NULL)
    return;

  /* One annotation is copied whatever the sidebar's filters. */
  one = g_list_store_new (MG_TYPE_ANNOTATION);
  g_list_store_append (one, annotation);
  text = mg_export_markdown (self->document, G_LIST_MODEL (one), NULL);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  show_toast (self, _ ("Annotation copied as Markdown"));
}

/**
 * mg_window_import_bytes:
 * @self: a #MgWindow
 * @bytes: a W3C Web Annotation or Hypothesis file
 * @error: return location for a #GError
 *
 * Adds the annotations of @bytes to the document, and tells the user how
 * many were found. A malformed file changes nothing.
 *
 * Returns: %TRUE if the file was imported
 */
gboolean
mg_window_import_bytes (MgWindow *self,
                        GBytes   *bytes,
                        GError  **error)
{
  MgImportResult   result = { 0 };
  g_autofree char *message = NULL;

  g_return_val_if_fail (MG_IS_WINDOW (self), FALSE);

  if (self->document == NULL || self->annotations == NULL)
    return TRUE;

  if (!mg_import_w3c (self->document, self->annotations, bytes, &result, error))
    return FALSE;

  if (result.n_added + result.n_updated == 0)
    message = g_strdup (_ ("Nothing new to import"));
  else
    /* Translators: after an import; the counts of annotations. */
    message = g_strdup_printf (ngettext ("Imported %u annotation: %u in place, %u moved, %u not found",
                                         "Imported %u annotations: %u in place, %u moved, %u not found",
                                         result.n_added + result.n_updated),
                               result.n_added + result.n_updated,
                               result.n_anchored, result.n_moved, result.n_orphaned);
  show_toast (self, message);

  return TRUE;
}

static void
import_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (MgWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;

  bytes = g_file_load_bytes_finish (G_FILE (object), result, NULL, &error);
  if (bytes == NULL || !mg_window_import_bytes (self, bytes, &error))
    show_banner (self, _ ("The annotations could not be imported. Nothing was changed."), error->message);
}

static void
import_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr (MgWindow) self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      g_file_load_bytes_async (file, NULL, import_loaded_cb, g_object_ref (self));
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MgWindow *self = MG_WINDOW (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_ ("Import Annotations"),
                                        GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                        _ ("_Import"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_filter_set_name (filter, _ ("W3C Web Annotations or Hypothesis (JSON)"));
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_filter_add_suffix (filter, "jsonld");
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_mime_type (filter, "application/ld+json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);

  g_signal_connect (dialog, "response", G_CALLBACK (import_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Signals from the parts ------------------------------------------------- */

static void
selection_finished_cb (MgWindow *self)
{
  guint        start, end;
  GdkRectangle rect;

  if (!get_highlight_range (self, &start, &end))
    return;

  mg_reader_view_get_range_rect (self->reader, start, end, &rect);
  gtk_popover_set_pointing_to (self->selection_popover, &rect);
  gtk_popover_popup (self->selection_popover);
}

static void
annotation_clicked_cb (MgWindow     *self,
                       MgAnnotation *annotation)
{
  mg_sidebar_select (self->sidebar, annotation);
  open_editor (self, annotation, FALSE);
}

static void
annotation_activated_cb (MgWindow     *self,
                         MgAnnotation *annotation)
{
  /* An orphan has no place in the text; its row offers its own actions. */
  if (mg_annotation_get_state (annotation) != MG_ANNOTATION_STATE_ORPHANED)
    mg_reader_view_reveal (self->reader, annotation);
}

static void
delete_requested_cb (MgWindow     *self,
                     MgAnnotation *annotation)
{
  delete_annotation (self, annotation);
}

static void
reattach_requested_cb (MgWindow     *self,
                       MgAnnotation *annotation)
{
  reattach (self, annotation);
}

static void
update_actions (MgWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean   has_document = self->document != NULL;
  guint      start, end;
  gboolean   has_selection = has_document && get_highlight_range (self, &start, &end);

  gtk_widget_action_set_enabled (widget, "win.highlight", has_selection);
  gtk_widget_action_set_enabled (widget, "win.add-note", has_document);
  gtk_widget_action_set_enabled (widget, "win.highlight-with", has_document);
  gtk_widget_action_set_enabled (widget, "win.search-annotations", has_document);
  gtk_widget_action_set_enabled (widget, "win.export", has_document);
  gtk_widget_action_set_enabled (widget, "win.copy-markdown", has_document);
  gtk_widget_action_set_enabled (widget, "win.import", has_document);
  gtk_widget_action_set_enabled (widget, "win.show-sidebar", has_document);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sidebar_button), has_document);
  gtk_widget_action_set_enabled (widget, "win.caret-browsing", has_document);
  gtk_widget_action_set_enabled (GTK_WIDGET (self->sidebar), "sidebar.reattach", has_selection);
}

/* Accessors --------------------------------------------------------------- */

MgDocument *
mg_window_get_document (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return self->document;
}

MgAnnotationList *
mg_window_get_annotations (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return self->annotations;
}

GtkTextView *
mg_window_get_text_view (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return GTK_TEXT_VIEW (self->reader);
}

GtkWidget *
mg_window_get_sidebar (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->sidebar);
}

/**
 * mg_window_get_contents:
 * @self: a #MgWindow
 *
 * Returns: (transfer none): the list of the document's headings
 */
GtkWidget *
mg_window_get_contents (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->contents_list);
}

GtkWidget *
mg_window_get_editor (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return GTK_WIDGET (self->editor);
}

/**
 * mg_window_get_page:
 * @self: a #MgWindow
 *
 * Returns: what the window shows: "loading", "document" or "error"
 */
const char *
mg_window_get_page (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
mg_window_get_error_message (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return self->error_message;
}

/**
 * mg_window_get_banner_text:
 * @self: a #MgWindow
 *
 * Returns: (nullable): the problem the banner shows, if it is shown
 */
const char *
mg_window_get_banner_text (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->banner))
    return NULL;

  return gtk_label_get_text (self->banner_label);
}

/* GObject ----------------------------------------------------------------- */

static gboolean
mg_window_close_request (GtkWindow *window)
{
  close_store (MG_WINDOW (window));

  return GTK_WINDOW_CLASS (mg_window_parent_class)->close_request (window);
}

/* How the user left the window: maximized or not, and the size of a
 * window that is neither maximized nor fullscreen, which GTK keeps as its
 * default size while it is resized. A maximized window keeps the size
 * saved before, for when it is unmaximized; a window without a default
 * size (0, or -1 for unset) saves none. */
static void
save_window_state (MgWindow *self)
{
  GtkWindow *window = GTK_WINDOW (self);
  gboolean   maximized = gtk_window_is_maximized (window);
  int        width, height;

  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (maximized || gtk_window_is_fullscreen (window))
    return;

  gtk_window_get_default_size (window, &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

/* Every way a window goes, closed or destroyed by Quit (which asks no
 * window to close), unmaps it while its text is still laid out and it
 * still has its size and state: where the reader was and the size of the
 * window are saved here. A window that is only hidden saves them too,
 * still as the user saw it. */
static void
mg_window_unmap (GtkWidget *widget)
{
  MgWindow *self = MG_WINDOW (widget);

  save_reading_position (self);
  save_window_state (self);

  GTK_WIDGET_CLASS (mg_window_parent_class)->unmap (widget);
}

static void
mg_window_dispose (GObject *object)
{
  MgWindow *self = MG_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  close_store (self);

  if (self->editor != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->editor));
      self->editor = NULL;
    }
  if (self->selection_popover != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->selection_popover));
      self->selection_popover = NULL;
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), MG_TYPE_WINDOW);

  G_OBJECT_CLASS (mg_window_parent_class)->dispose (object);
}

static void
mg_window_finalize (GObject *object)
{
  MgWindow *self = MG_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->document);
  g_clear_object (&self->annotations);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->banner_details, g_free);
  g_clear_pointer (&self->deleted, g_hash_table_unref);
  g_clear_object (&self->recent_menu);

  G_OBJECT_CLASS (mg_window_parent_class)->finalize (object);
}

static void
mg_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  MgWindow *self = MG_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    case PROP_ANNOTATIONS:
      g_value_set_object (value, self->annotations);
      break;

    case PROP_SHOW_SIDEBAR:
      g_value_set_boolean (value, self->show_sidebar);
      break;

    case PROP_CARET_BROWSING:
      g_value_set_boolean (value, self->reader != NULL && gtk_text_view_get_cursor_visible (GTK_TEXT_VIEW (self->reader)));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  MgWindow *self = MG_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SHOW_SIDEBAR:
      if (self->show_sidebar != g_value_get_boolean (value))
        {
          self->show_sidebar = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;

    case PROP_CARET_BROWSING:
      if (self->reader != NULL)
        gtk_text_view_set_cursor_visible (GTK_TEXT_VIEW (self->reader), g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
add_swatches (MgWindow *self,
              GtkBox   *box)
{
  for (guint i = 0; i < MG_N_COLORS; i++)
    {
      g_autofree char *css = g_strdup_printf ("mg-swatch-%s", mg_color_to_string (i));
      g_autofree char *tooltip = g_strdup_printf (_ ("Highlight in %s"), mg_color_get_label (i));
      GtkWidget       *button = gtk_button_new ();

      gtk_widget_add_css_class (button, "mg-swatch");
      gtk_widget_add_css_class (button, css);
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip,
                                      -1);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.highlight-with");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", mg_color_to_string (i));
      gtk_box_append (box, button);
    }
}

static void
mg_window_class_init (MgWindowClass *klass)
{
  GObjectClass   *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = mg_window_dispose;
  object_class->finalize = mg_window_finalize;
  object_class->get_property = mg_window_get_property;
  object_class->set_property = mg_window_set_property;

  widget_class->unmap = mg_window_unmap;

  window_class->close_request = mg_window_close_request;

  properties[PROP_DOCUMENT] = g_param_spec_object ("document", NULL, NULL,
                                                   MG_TYPE_DOCUMENT,
                                                   G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ANNOTATIONS] = g_param_spec_object ("annotations", NULL, NULL,
                                                      MG_TYPE_ANNOTATION_LIST,
                                                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_SIDEBAR] = g_param_spec_boolean ("show-sidebar", NULL, NULL, TRUE,
                                                        G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CARET_BROWSING] = g_param_spec_boolean ("caret-browsing", NULL, NULL, FALSE,
                                                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (MG_TYPE_READER_VIEW);
  g_type_ensure (MG_TYPE_SIDEBAR);
  g_type_ensure (MG_TYPE_FIND_BAR);

  /* Referencing the resource keeps it, and its registration, in every
   * program that links the static UI library. */
  g_assert (mg_ui_get_resource () != NULL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MgWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, scroller);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, reader);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, find_bar);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, contents_button);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, contents_popover);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, contents_list);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, clamp);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, current_color_dot);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, color_popover);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, color_popover_swatches);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, selection_popover);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, selection_swatches);

  gtk_widget_class_install_action (widget_class, "win.open-sample", NULL, open_sample_action);
  gtk_widget_class_install_action (widget_class, "win.highlight", NULL, highlight_action);
  gtk_widget_class_install_action (widget_class, "win.highlight-with", "s", highlight_with_action);
  gtk_widget_class_install_action (widget_class, "win.add-note", NULL, add_note_action);
  gtk_widget_class_install_action (widget_class, "win.edit-annotation", "s", edit_annotation_action);
  gtk_widget_class_install_action (widget_class, "win.delete-annotation", "s", delete_annotation_action);
  gtk_widget_class_install_action (widget_class, "win.undo-delete", "s", undo_delete_action);
  gtk_widget_class_install_action (widget_class, "win.reattach-annotation", "s", reattach_annotation_action);
  gtk_widget_class_install_action (widget_class, "win.search-annotations", NULL, search_annotations_action);
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "win.copy-markdown", NULL, copy_all_action);
  gtk_widget_class_install_action (widget_class, "win.copy-annotation-markdown", "s", copy_annotation_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.banner-dismiss", NULL, banner_dismiss_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.find-next", NULL, find_next_action);
  gtk_widget_class_install_action (widget_class, "win.find-previous", NULL, find_next_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "win.preferences", NULL, preferences_action);
  gtk_widget_class_install_action (widget_class, "win.banner-details", NULL, banner_details_action);
  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, toggle_sidebar_action);
  gtk_widget_class_install_property_action (widget_class, "win.caret-browsing", "caret-browsing");

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK, "win.highlight", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_m, GDK_CONTROL_MASK, "win.add-note", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.show-sidebar", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F7, 0, "win.caret-browsing", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", "s", "markdown");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.copy-markdown", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_i, GDK_CONTROL_MASK, "win.import", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK, "win.find-next", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_g, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.find-previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "win.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "win.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "win.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_comma, GDK_CONTROL_MASK, "win.preferences", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.search-annotations", NULL);
  for (guint i = 0; i < MG_N_COLORS; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_CONTROL_MASK,
                                         "win.highlight-with", "s", mg_color_to_string (i));
}

static void
cursor_visible_cb (MgWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CARET_BROWSING]);
}

static void
mg_window_init (MgWindow *self)
{
  GtkTextBuffer *buffer;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->deleted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->settings = g_settings_new (APP_ID);

  mg_find_bar_set_view (self->find_bar, GTK_TEXT_VIEW (self->reader));
  mg_reading_style_apply (self->settings, GTK_TEXT_VIEW (self->reader), self->clamp);

  {
    GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);

    gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
    g_signal_connect_swapped (scroll, "scroll", G_CALLBACK (scroll_zoom_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self->scroller), scroll);
  }

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "show-sidebar", self, "show-sidebar", G_SETTINGS_BIND_DEFAULT);
  adw_flap_set_reveal_flap (self->flap, self->show_sidebar);
  g_signal_connect_object (self, "notify::show-sidebar", G_CALLBACK (show_sidebar_cb), self, 0);
  g_signal_connect_object (self->flap, "notify::reveal-flap", G_CALLBACK (reveal_flap_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->flap, "notify::folded", G_CALLBACK (folded_cb), self, G_CONNECT_SWAPPED);
  g_object_bind_property (self->flap, "reveal-flap", self->sidebar_button, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_signal_connect_object (self->reader, "notify::cursor-visible",
                           G_CALLBACK (cursor_visible_cb), self, G_CONNECT_SWAPPED);

  self->color = MG_COLOR_YELLOW;
  gtk_widget_add_css_class (self->current_color_dot, "mg-swatch-yellow");
  set_color (self, g_settings_get_enum (self->settings, "highlight-color"));

  add_swatches (self, self->color_popover_swatches);
  add_swatches (self, self->selection_swatches);

  /* Popovers that point into the text live beside the text view, on its
   * parent: see mg_reader_view_get_range_rect(). */
  gtk_widget_unparent (GTK_WIDGET (self->selection_popover));
  gtk_widget_set_parent (GTK_WIDGET (self->selection_popover), GTK_WIDGET (self->clamp));

  self->editor = MG_ANNOTATION_EDITOR (mg_annotation_editor_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->editor), GTK_WIDGET (self->clamp));
  g_signal_connect_object (self->editor, "delete-requested",
                           G_CALLBACK (delete_requested_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->reader, "selection-finished",
                           G_CALLBACK (selection_finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->reader, "annotation-clicked",
                           G_CALLBACK (annotation_clicked_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "annotation-activated",
                           G_CALLBACK (annotation_activated_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "delete-requested",
                           G_CALLBACK (delete_requested_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sidebar, "reattach-requested",
                           G_CALLBACK (reattach_requested_cb), self, G_CONNECT_SWAPPED);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->reader));
  g_signal_connect_object (buffer, "notify::has-selection",
                           G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);

  {
    GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

    g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  }

  g_signal_connect_object (self->contents_list, "row-activated",
                           G_CALLBACK (contents_row_activated_cb), self, G_CONNECT_SWAPPED);

  self->recent_menu = g_menu_new ();
  {
    g_autoptr (GMenuModel) first = g_menu_model_get_item_link (G_MENU_MODEL (self->primary_menu), 0,
                                                               G_MENU_LINK_SECTION);

    g_menu_insert_submenu (G_MENU (first), 1, _ ("Open _Recent"), G_MENU_MODEL (self->recent_menu));
  }
  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (update_recent_menu), self, G_CONNECT_SWAPPED);
  update_recent_menu (self);

  update_actions (self);
}

MgWindow *
mg_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (MG_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
