/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "mg-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "mg-accessible.h"
#include "mg-colors.h"
#include "mg-contents-row.h"
#include "mg-color-selector.h"
#include "mg-document-loader.h"
#include "mg-menu-button.h"
#include "mg-reading-style.h"
#include "mg-shortcuts.h"
#include "mg-tooltip.h"
#include "mg-ui-resources.h"
#include "mg-window-open-link.h"
#include "mg-window-private.h"

/**
 * MgWindow:
 *
 * A document window: the header bar, the reader, the annotations sidebar
 * and the find bar. This file follows the document from open to close:
 * loading it off the main thread, its annotations' #MgStore (loaded
 * after the first frame of text, saved as they change, flushed at close),
 * the banner for problems with them, the contents popover, and the
 * window's own state (size, reading position). What the user does with
 * the annotations is in mg-window-actions.c; export and import in
 * mg-window-export.c; Open Recent in mg-window-recent.c; the reload bar
 * in mg-window-reload.c; the struct in mg-window-private.h.
 */

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

void
_mg_window_show_toast (MgWindow   *self,
                       const char *title)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
  g_free (self->last_toast);
  self->last_toast = g_strdup (title);
}

/* Problems the user must know about and that stay true until dismissed:
 * annotations that could not be read or saved. AdwBanner is libadwaita
 * 1.3, so this is a revealer styled the same way. */
void
_mg_window_show_banner (MgWindow   *self,
                        const char *text,
                        const char *details)
{
  g_message ("%s %s", text, details != NULL ? details : "");

  gtk_label_set_text (self->banner_label, text);
  g_free (self->banner_details);
  self->banner_details = g_strdup (details);
  gtk_widget_set_visible (GTK_WIDGET (self->banner), TRUE);
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
  else if (g_error_matches (error, MG_STORE_ERROR, MG_STORE_ERROR_CONFLICT_COPY))
    text = _ ("A copy of these annotations made by a sync tool could not be read. It is left as it is.");
  else if (g_error_matches (error, MG_STORE_ERROR, MG_STORE_ERROR_READ_ONLY))
    text = _ ("Changes to these annotations cannot be saved.");
  else if (g_error_matches (error, MG_STORE_ERROR, MG_STORE_ERROR_TOO_LARGE))
    text = _ ("The saved annotations of this document are too many to open. They are left as they are, and changes will not be saved.");
  else
    text = _ ("Annotations could not be saved. They are kept while this window is open, and saving is tried again with the next change.");

  _mg_window_show_banner (self, text, error->message);
}

static void
store_error_cb (MgWindow *self,
                GError   *error,
                MgStore  *store)
{
  /* Kept until a save works again: closing asks at once, without another
   * try that is known to fail. */
  if (!g_error_matches (error, MG_STORE_ERROR, MG_STORE_ERROR_CORRUPT) && !g_error_matches (error, MG_STORE_ERROR, MG_STORE_ERROR_CONFLICT_COPY))
    {
      g_clear_error (&self->save_error);
      self->save_error = g_error_copy (error);
    }
  show_store_error (self, error);
}

static void
store_merged_cb (MgWindow *self,
                 guint     n_changed)
{
  MgAnnotation *editing = self->editor != NULL ? mg_annotation_editor_get_annotation (self->editor) : NULL;

  /* A merge replaces changed annotations with new objects: an editor on an
   * old one would edit nothing. */
  if (editing != NULL && mg_annotation_list_lookup (mg_store_get_annotations (self->store), mg_annotation_get_id (editing)) != editing)
    gtk_popover_popdown (GTK_POPOVER (self->editor));

  if (n_changed > 0)
    _mg_window_show_toast (self, _ ("Highlights updated from a change on disk"));
}

/* Entries of the file that could not be read are kept in it, untouched;
 * the sidebar says how many, or the file would look empty. */
static void
store_unreadable_cb (MgWindow *self)
{
  mg_sidebar_set_n_unreadable (self->sidebar, self->store != NULL ? mg_store_get_n_unreadable (self->store) : 0);
}

static void
store_saved_cb (MgWindow *self)
{
  /* A save that works again ends a save error. */
  g_clear_error (&self->save_error);
  if (gtk_revealer_get_reveal_child (self->banner) && self->store != NULL && !mg_store_get_read_only (self->store))
    gtk_revealer_set_reveal_child (self->banner, FALSE);
}

void
_mg_window_show_error (MgWindow     *self,
                       GFile        *file,
                       const GError *error)
{
  g_autofree char *name = NULL;
  g_autofree char *basename = NULL;
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

  /* The window is named after the file it could not open. */
  basename = g_file_get_basename (file);
  adw_status_page_set_description (self->error_page, self->error_message);
  /* Set here, not in the template: at 128 pixels the icon is an SVG, and
   * loading librsvg for a page that is hidden slows every launch. */
  adw_status_page_set_icon_name (self->error_page, "dialog-warning-symbolic");
  adw_window_title_set_title (self->window_title, basename);
  adw_window_title_set_subtitle (self->window_title, _ ("Could not be opened"));
  gtk_window_set_title (GTK_WINDOW (self), basename);
  gtk_spinner_stop (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "error");
  update_contents (self);

  _mg_window_update_actions (self);
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
close_flushed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  MgStore *store = MG_STORE (object);
  g_autoptr (GError) error = NULL;

  if (!mg_store_flush_finish (store, result, &error))
    g_warning ("Annotations of %s not saved: %s",
               mg_document_get_uri (mg_store_get_document (store)), error->message);
}

/* The window lets its store go without waiting: the flush runs on, holding
 * the store (its task's source object) and, through hold_while_saving(),
 * the application, so that neither Close nor Quit cuts a save off and
 * neither blocks the main loop. */
static void
close_store (MgWindow *self)
{
  cancel_load_annotations (self);

  if (self->store == NULL)
    return;

  if (self->editor != NULL)
    mg_annotation_editor_commit (self->editor);

  g_signal_handlers_disconnect_by_data (self->store, self);
  if (!mg_store_get_read_only (self->store))
    mg_store_flush_async (self->store, NULL, close_flushed_cb, NULL);
  g_clear_object (&self->store);
}

typedef struct
{
  GApplication *application;
  gboolean      held;
} SavingHold;

static void
saving_hold_free (gpointer  data,
                  GClosure *closure)
{
  SavingHold *hold = data;

  if (hold->held)
    g_application_release (hold->application);
  g_object_unref (hold->application);
  g_free (hold);
}

static void
saving_changed_cb (MgStore    *store,
                   GParamSpec *pspec,
                   SavingHold *hold)
{
  gboolean saving = mg_store_get_saving (store);

  if (saving == hold->held)
    return;

  hold->held = saving;
  if (saving)
    g_application_hold (hold->application);
  else
    g_application_release (hold->application);
}

/* The core knows nothing of the application: the UI keeps it running
 * while @store has something to write, for as long as the store lives,
 * whether or not its window is still there. */
static void
hold_while_saving (MgWindow *self,
                   MgStore  *store)
{
  GtkApplication *application = gtk_window_get_application (GTK_WINDOW (self));
  SavingHold     *hold;

  if (application == NULL)
    return;

  hold = g_new0 (SavingHold, 1);
  hold->application = g_object_ref (G_APPLICATION (application));
  g_signal_connect_data (store, "notify::saving", G_CALLBACK (saving_changed_cb),
                         hold, saving_hold_free, 0);
  saving_changed_cb (store, NULL, hold);
}

/* Above GtkTextView's background layout of a long text (redraw + 5), which
 * would otherwise hold the annotations back until the whole book is laid
 * out; below drawing, so the text's frame comes first. */
#define LOAD_PRIORITY (GDK_PRIORITY_REDRAW + 1)
/* Below the idle handlers that put a long text in the view (redraw + 3)
 * and paint its highlights (redraw + 2), above GtkTextView's layout. */
#define SHOW_PRIORITY (GDK_PRIORITY_REDRAW + 4)

/* Markdown and HTML documents have headings: a list of them jumps there. */
static void
contents_row_activated_cb (MgWindow      *self,
                           GtkListBoxRow *row)
{
  guint          offset = mg_contents_row_get_offset (MG_CONTENTS_ROW (row));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->reader));
  GtkTextIter    iter;

  gtk_popover_popdown (self->contents_popover);
  mg_reader_view_load_to (self->reader, offset);
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
    gtk_list_box_append (self->contents_list, mg_contents_row_new (&headings[i]));

  gtk_widget_set_visible (GTK_WIDGET (self->contents_button), n > 0);
}

/* The annotations, in the sidebar, the tags and the window's actions:
 * after the frame that shows their highlights. */
static void
show_annotations (gpointer user_data)
{
  MgWindow *self = user_data;

  g_assert (self->store != NULL);

  self->annotations = g_object_ref (mg_store_get_annotations (self->store));
  mg_sidebar_set_annotations (self->sidebar, self->annotations);
  mg_tag_list_set_annotations (self->tags, self->annotations);
  store_unreadable_cb (self);

  _mg_window_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANNOTATIONS]);
}

/* The highlights are painted (their idle handler and the text's come
 * before this one): the rest waits for the frame that shows them. */
static gboolean
highlights_painted_cb (gpointer user_data)
{
  MgWindow *self = user_data;

  self->show_source = 0;
  mg_frame_idle_schedule (&self->show_idle, GTK_WIDGET (self), SHOW_PRIORITY, show_annotations, self);

  return G_SOURCE_REMOVE;
}

static void
cancel_show_annotations (MgWindow *self)
{
  g_clear_handle_id (&self->show_source, g_source_remove);
  mg_frame_idle_cancel (&self->show_idle);
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

  /* The highlights first: with 10,000 annotations, the sidebar's first
   * rows take longer to make and lay out (GTK 4.8's list view makes 200
   * of them) than painting every highlight of a book. */
  mg_reader_view_set_annotations (self->reader, mg_store_get_annotations (store));
  self->show_source = g_idle_add_full (SHOW_PRIORITY, highlights_painted_cb, self, NULL);
}

static void
load_annotations (gpointer user_data)
{
  MgWindow *self = user_data;
  g_autoptr (MgAnnotationList) annotations = mg_annotation_list_new ();

  g_assert (self->document != NULL);
  g_assert (self->store == NULL);
  g_assert (self->annotations == NULL);

  if (self->watch_pending)
    {
      self->watch_pending = FALSE;
      _mg_window_watch_document (self);
    }

  self->store = mg_store_new (self->document, annotations, NULL);
  g_signal_connect_object (self->store, "error", G_CALLBACK (store_error_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "saved", G_CALLBACK (store_saved_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "merged", G_CALLBACK (store_merged_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->store, "notify::n-unreadable", G_CALLBACK (store_unreadable_cb), self, G_CONNECT_SWAPPED);
  hold_while_saving (self, self->store);

  /* Read, decoded and anchored in a worker thread: the window stays live
   * with a book of thousands of annotations. Highlighting waits for them
   * (self->annotations stays NULL until then). */
  mg_store_load_async (self->store, NULL, annotations_loaded_cb, g_object_ref (self));
}

static void
cancel_load_annotations (MgWindow *self)
{
  mg_frame_idle_cancel (&self->load_idle);
  cancel_show_annotations (self);
}

static void
schedule_load_annotations (MgWindow *self)
{
  /* A document that follows its first screen has its first frame painted
   * already (the rest of the file was read after it): nothing to wait for. */
  gboolean painted = self->first_screen_shown;

  self->first_screen_shown = FALSE;
  cancel_show_annotations (self);
  mg_frame_idle_schedule (&self->load_idle, painted ? NULL : GTK_WIDGET (self), LOAD_PRIORITY, load_annotations, self);
}

/* Forgets the annotations shown, and reads them again just after the next
 * frame: for another document, or another annotations folder. */
static void
reload_annotations (MgWindow *self)
{
  g_clear_object (&self->annotations);
  mg_reader_view_set_annotations (self->reader, NULL);
  mg_sidebar_set_annotations (self->sidebar, NULL);
  mg_tag_list_set_annotations (self->tags, NULL);
  mg_sidebar_set_n_unreadable (self->sidebar, 0);
  schedule_load_annotations (self);
}

/* The annotations folder changed (in this window or another): the old
 * folder was merged into the new one, where the annotations are read
 * again. */
static void
annotations_folder_changed_cb (MgWindow *self)
{
  g_autofree char *folder = mg_store_get_folder ();
  g_autoptr (GFile) directory = g_file_new_for_path (folder);

  if (self->store == NULL || g_file_equal (directory, mg_store_get_directory (self->store)))
    return;

  close_store (self);
  reload_annotations (self);
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

  /* Who wrote it, where and when, under the title when the document says
   * so; else where the file is. */
  source = mg_document_metadata_dup_byline (mg_document_get_metadata (document));
  if (source == NULL)
    source = describe_source (document);
  adw_window_title_set_title (self->window_title, mg_document_get_title (document));
  adw_window_title_set_subtitle (self->window_title, source);
  gtk_window_set_title (GTK_WINDOW (self), mg_document_get_title (document));

  mg_reader_view_set_document (self->reader, document);
  update_contents (self);
  /* Its file is watched from just after its first frame, with the
   * annotations' load. */
  _mg_window_unwatch_document (self);
  gtk_revealer_set_reveal_child (self->reload_bar, FALSE);
  self->watch_pending = TRUE;

  /* The text is painted first; the annotations are loaded, anchored and
   * painted just after that first frame, so that a document with
   * thousands of them opens as fast as one without. Until then the
   * actions that change annotations are off. */
  reload_annotations (self);

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

  _mg_window_update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

void
mg_window_open_bundled (MgWindow *self)
{
  g_autoptr (MgDocument) document = NULL;

  g_return_if_fail (MG_IS_WINDOW (self));

  document = mg_document_new_bundled ();
  mg_window_set_document (self, document);
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
    {
      /* The text goes into the view in chunks: up to there now. */
      mg_reader_view_load_to (self->reader, offset);
      mg_reading_style_scroll_to_offset (GTK_TEXT_VIEW (self->reader), offset);
    }
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
      mg_window_open_location (window, l->data);
    }

  return TRUE;
}

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

/* Returns: (nullable): the title of the last toast shown */
const char *
mg_window_get_toast_text (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return self->last_toast;
}

/* Returns: (transfer none): the error page's Open… button */
GtkWidget *
mg_window_get_error_open_button (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return self->error_open_button;
}

GtkWidget *
mg_window_get_editor (MgWindow *self)
{
  g_return_val_if_fail (MG_IS_WINDOW (self), NULL);

  return GTK_WIDGET (_mg_window_ensure_editor (self));
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

/* Whether closing now would lose highlights: saving them failed (the
 * banner says so), or the store is read-only and they were changed. The
 * save is tried once more first. */
/**
 * _mg_window_close_discarding:
 * @self: a #MgWindow
 *
 * Closes the window, dropping the changes that could not be saved: the
 * user chose to ("Discard"), or exported them first.
 */
void
_mg_window_close_discarding (MgWindow *self)
{
  if (self->store != NULL)
    mg_store_discard_changes (self->store);

  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
close_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr (MgWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  if (mg_store_flush_finish (MG_STORE (object), result, &error))
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  /* Back, to ask what becomes of what could not be saved. */
  gtk_window_present (GTK_WINDOW (self));
  _mg_window_ask_unsaved (self, error);
}

/* Closing never waits on the disk: a window with nothing left to write
 * goes at once; one whose last save failed (or whose store is read-only)
 * asks at once, as GNOME Text Editor asks about unsaved documents; any
 * other hides, finishes saving in the background, and comes back to ask
 * only if that save fails. */
static gboolean
mg_window_close_request (GtkWindow *window)
{
  MgWindow *self = MG_WINDOW (window);

  if (self->close_confirmed || self->store == NULL)
    goto close;

  if (self->editor != NULL)
    mg_annotation_editor_commit (self->editor);

  if (!mg_store_get_dirty (self->store))
    goto close;

  if (mg_store_get_read_only (self->store) || self->save_error != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (self->save_error != NULL)
        error = g_error_copy (self->save_error);
      else
        error = g_error_new_literal (MG_STORE_ERROR, MG_STORE_ERROR_READ_ONLY,
                                     gtk_label_get_text (self->banner_label));
      _mg_window_ask_unsaved (self, error);
      return TRUE;
    }

  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  mg_store_flush_async (self->store, NULL, close_saved_cb, g_object_ref (self));
  return TRUE;

close:
  close_store (self);

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
  g_clear_pointer (&self->pending_first_screen, mg_first_screen_unref);
  _mg_window_unwatch_document (self);
  g_clear_handle_id (&self->recent_source, g_source_remove);
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
  g_clear_object (&self->tags);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->banner_details, g_free);
  g_clear_pointer (&self->last_toast, g_free);
  g_clear_error (&self->save_error);
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

/* The tooltips of the window's template, set by mg_tooltip_set_all() rather
 * than in mg-window.ui: see mg-tooltip.c. */
static const MgTooltip window_tooltips[] = {
  { "open_button", N_ ("Open a Document (Ctrl+O)") },
  { "library_button", N_ ("Library (Ctrl+Shift+L)") },
  { "banner_details_button", N_ ("Show what happened and where the files are") },
  { "banner_dismiss_button", N_ ("Dismiss") },
  { "reload_button", N_ ("Show the new text; the highlights find their place in it") },
  { "reload_dismiss_button", N_ ("Dismiss") },
};

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
  g_type_ensure (MG_TYPE_COLOR_SELECTOR);

  /* Referencing the resource keeps it, and its registration, in every
   * program that links the static UI library. */
  g_assert (mg_ui_get_resource () != NULL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PREFIX "/mg-window.ui");
  gtk_widget_class_bind_template_child (widget_class, MgWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, scroller);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, reader);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, error_open_button);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, reload_bar);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, document_box);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, contents_button);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, contents_popover);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, contents_list);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, clamp);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, MgWindow, banner_label);
  mg_tooltip_class_bind (widget_class, window_tooltips, G_N_ELEMENTS (window_tooltips));

  gtk_widget_class_install_property_action (widget_class, "win.caret-browsing", "caret-browsing");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F7, 0, "win.caret-browsing", NULL);

  _mg_window_class_actions_init (widget_class);
  _mg_window_class_export_init (widget_class);
  _mg_window_class_open_link_init (widget_class);
  _mg_window_class_reload_init (widget_class);
}

static void
cursor_visible_cb (MgWindow *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CARET_BROWSING]);
}

static void
mg_window_init (MgWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  mg_tooltip_set_all (GTK_WIDGET (self), MG_TYPE_WINDOW, window_tooltips, G_N_ELEMENTS (window_tooltips));
  mg_tooltip_set (GTK_WIDGET (self->contents_button), _ ("Contents"));
  mg_tooltip_set (GTK_WIDGET (self->primary_menu_button), _ ("Main Menu"));
  mg_tooltip_set (GTK_WIDGET (self->sidebar_button), _ ("Annotations (F9)"));
  mg_accessible_repair (GTK_WIDGET (self));

  self->deleted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->settings = g_settings_new (APP_ID);
  g_signal_connect_object (self->settings, "changed::annotations-folder", G_CALLBACK (annotations_folder_changed_cb), self, G_CONNECT_SWAPPED);

  mg_reading_style_apply (self->settings, GTK_TEXT_VIEW (self->reader), self->clamp);

  self->tags = mg_tag_list_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_settings_bind (self->settings, "show-sidebar", self, "show-sidebar", G_SETTINGS_BIND_DEFAULT);
  adw_flap_set_reveal_flap (self->flap, self->show_sidebar);
  _mg_window_actions_init (self);
  _mg_window_open_link_init (self);
  mg_shortcuts_install (GTK_APPLICATION_WINDOW (self));
  g_object_bind_property (self->flap, "reveal-flap", self->sidebar_button, "active",
                          G_BINDING_SYNC_CREATE | G_BINDING_BIDIRECTIONAL);
  g_signal_connect_object (self->reader, "notify::cursor-visible",
                           G_CALLBACK (cursor_visible_cb), self, G_CONNECT_SWAPPED);

  self->color = MG_COLOR_YELLOW;
  _mg_window_set_color (self, g_settings_get_enum (self->settings, "highlight-color"));

  {
    GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

    g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
    gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
  }

  g_signal_connect_object (self->contents_list, "row-activated",
                           G_CALLBACK (contents_row_activated_cb), self, G_CONNECT_SWAPPED);

  _mg_window_recent_init (self);
  /* The note editor is made with the window, though it is shown later:
   * a popover added beside the text once that is on screen can leave the
   * text view without an allocation in GTK 4.8, and painted blank. */
  _mg_window_ensure_editor (self);
  mg_menu_button_set_model_on_demand (self->primary_menu_button, G_MENU_MODEL (self->primary_menu));

  _mg_window_update_actions (self);
}

MgWindow *
mg_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (MG_TYPE_WINDOW, "application", application, NULL);
}
